//! buf parity: two files that declare the same name and meet in one compile (one imports the
//! other, or a third file imports both, directly or through public imports) have every name
//! they both declare reported, not only the top-level ones: the fields, nested types, enum
//! values, oneofs and methods inside the element declared twice too, each at its declaration
//! in the first of the two files by path. Files that never meet (buf only finds them out
//! building the image) have their top-level names reported only.

use std::collections::{HashMap, HashSet};

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::descriptor::{is_synthetic_oneof, tag};

/// The files each file's compile sees: itself, its imports and, from each of those, their
/// public imports, however far.
pub(super) struct Meetings<'f> {
    sees: Vec<HashSet<&'f str>>,
}

impl<'f> Meetings<'f> {
    pub(super) fn new(files: &'f [(String, FileDescriptorProto)]) -> Self {
        let by_name: HashMap<&str, &FileDescriptorProto> =
            files.iter().map(|(n, f)| (n.as_str(), f)).collect();
        let sees = files
            .iter()
            .map(|(name, file)| {
                let mut seen: HashSet<&str> = HashSet::from([name.as_str()]);
                let mut queue: Vec<&str> = file.dependency.iter().map(String::as_str).collect();
                while let Some(next) = queue.pop() {
                    if !seen.insert(next) {
                        continue;
                    }
                    let Some(import) = by_name.get(next) else {
                        continue;
                    };
                    for &i in &import.public_dependency {
                        if let Some(dep) = usize::try_from(i)
                            .ok()
                            .and_then(|i| import.dependency.get(i))
                        {
                            queue.push(dep);
                        }
                    }
                }
                seen
            })
            .collect();
        Meetings { sees }
    }

    /// Whether some file's compile sees both `a` and `b`.
    pub(super) fn meet(&self, a: &str, b: &str) -> bool {
        self.sees.iter().any(|s| s.contains(a) && s.contains(b))
    }
}

/// Every name `file` declares (synthetic oneofs aside), with the descriptor path of where buf
/// places it (its name; a map entry's at its field's type), in the walk's order.
pub(super) fn every_name(file: &FileDescriptorProto) -> Vec<(String, Vec<i32>)> {
    let mut names = Every(Vec::new());
    walk(file, &mut names);
    names.0
}

struct Every(Vec<(String, Vec<i32>)>);

impl Every {
    fn push(&mut self, at: &Site) {
        let mut path = at.path.to_vec();
        path.push(tag::NAME);
        self.0.push((at.full_name.to_string(), path));
    }
}

impl<'a> Visitor<'a> for Every {
    fn message(&mut self, message: &'a DescriptorProto, at: &Site) -> Flow {
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            return Flow::Over;
        }
        self.push(at);
        Flow::Into
    }
    fn field(&mut self, field: &'a FieldDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        self.push(at);
        // A map's entry message has no place of its own: buf places it at the map's type.
        // (A field of another message's `FooEntry` type is no map: a resolved name must be the
        // message's own entry, an unresolved one the bare name the parser gives a map.)
        let type_name = field.type_name();
        let entry = match type_name.strip_prefix('.') {
            Some(full) => (full.strip_prefix(at.parent))
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or_default(),
            None if !type_name.contains('.') => type_name,
            None => "",
        };
        let is_entry = |m: &DescriptorProto| {
            m.name() == entry && m.options.as_ref().is_some_and(|o| o.map_entry())
        };
        if !entry.is_empty() && message.nested_type.iter().any(is_entry) {
            let mut path = at.path.to_vec();
            path.push(tag::FIELD_TYPE_NAME);
            self.0.push((format!("{}.{entry}", at.parent), path));
        }
    }
    fn oneof(&mut self, _: &'a OneofDescriptorProto, message: &'a DescriptorProto, at: &Site) {
        if !is_synthetic_oneof(message, at.index as i32) {
            self.push(at);
        }
    }
    fn extension(&mut self, _: &'a FieldDescriptorProto, at: &Site) {
        self.push(at);
    }
    fn enum_(&mut self, _: &'a EnumDescriptorProto, at: &Site) {
        self.push(at);
    }
    fn enum_value(
        &mut self,
        _: &'a EnumValueDescriptorProto,
        _: &'a EnumDescriptorProto,
        at: &Site,
    ) {
        self.push(at);
    }
    fn service(&mut self, _: &'a ServiceDescriptorProto, at: &Site) {
        self.push(at);
    }
    fn method(&mut self, _: &'a MethodDescriptorProto, _: &'a ServiceDescriptorProto, at: &Site) {
        self.push(at);
    }
}

#[cfg(test)]
mod tests {
    use super::{every_name, Meetings};

    fn parsed(name: &str, text: &str) -> (String, prost_types::FileDescriptorProto) {
        (
            name.to_string(),
            protox_parse::parse(name, text).expect("parses"),
        )
    }

    #[test]
    fn files_meet_through_imports_and_public_imports_only() {
        let files = vec![
            parsed("a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n"),
            parsed(
                "b.proto",
                "syntax = \"proto3\";\nimport public \"c.proto\";\nimport \"d.proto\";\n",
            ),
            parsed("c.proto", "syntax = \"proto3\";\n"),
            parsed("d.proto", "syntax = \"proto3\";\n"),
            parsed("e.proto", "syntax = \"proto3\";\n"),
        ];
        let meetings = Meetings::new(&files);
        assert!(meetings.meet("a.proto", "c.proto"));
        assert!(meetings.meet("b.proto", "d.proto"));
        assert!(meetings.meet("c.proto", "d.proto"));
        assert!(!meetings.meet("a.proto", "d.proto"));
        assert!(!meetings.meet("a.proto", "e.proto"));
    }

    #[test]
    fn names_everything_but_map_entries() {
        let (_, file) = parsed(
            "a.proto",
            "syntax = \"proto3\";\npackage p;\nmessage M { map<string, int32> m = 1; optional int32 o = 2; oneof k { int32 x = 3; } }\nenum E { E0 = 0; }\nservice S { rpc Get(M) returns (M); }\n",
        );
        let names: Vec<String> = every_name(&file).into_iter().map(|(n, _)| n).collect();
        for name in [
            "p.M", "p.M.m", "p.M.o", "p.M.k", "p.M.x", "p.E", "p.E0", "p.S", "p.S.Get",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        assert!(names.iter().any(|n| n == "p.M.MEntry"));
        assert!(!names.iter().any(|n| n == "p.M._o"));
    }
}
