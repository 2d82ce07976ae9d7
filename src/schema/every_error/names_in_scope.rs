//! The names a file sees from the scope of one of its options, as buf's compiler looks a name
//! up there: built only when a negative name (`-FOO`) in an option's value is to be placed
//! (see [`super::negative_name`]), from the file's text and its imports' texts.
//!
//! A name is looked up from the option's scope outwards (`a.M.FOO`, `a.FOO`, `FOO`) among the
//! symbols of the file itself and of the files it imports (and those they import publicly):
//! packages (each of their parts), messages, enums, enum values (beside their enum), fields,
//! oneofs, extensions, services and methods. The scope of an option is buf's: the package for
//! a file option; the element's parent for a message, enum, oneof or extension range option;
//! the message for a field's (or its default's) and an extension's; the service for a service
//! or method option.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::negative_name::{Named, Names};
use crate::schema::Source;

/// How many files are read for the enums an option's type may be (its imports, theirs, ...).
const MAX_FILES: usize = 256;

/// The names around the options of one file, read when first asked for.
pub(in crate::schema) struct FileNames<'a> {
    source: &'a Source,
    sources: &'a HashMap<String, Arc<Source>>,
    table: OnceCell<Option<Table>>,
}

struct Table {
    /// The file as parsed (recovered past syntax errors), for the places of its elements.
    file: FileDescriptorProto,
    /// Every full name the file sees, without a leading dot.
    visible: HashSet<String>,
    /// The enums of the file and of every file it imports, however far: their values' names.
    enums: HashMap<String, Vec<String>>,
}

impl<'a> FileNames<'a> {
    pub(in crate::schema) fn new(
        source: &'a Source,
        sources: &'a HashMap<String, Arc<Source>>,
    ) -> Self {
        FileNames {
            source,
            sources,
            table: OnceCell::new(),
        }
    }

    fn table(&self) -> Option<&Table> {
        self.table
            .get_or_init(|| {
                let name = &self.source.file.name;
                let file = parse(name, &self.source.text)?;
                Some(table(file, |n| self.import(n)))
            })
            .as_ref()
    }

    fn import(&self, name: &str) -> Option<FileDescriptorProto> {
        match self.sources.get(name) {
            Some(source) => parse(name, &source.text),
            None => crate::schema::bundled::file(name),
        }
    }
}

impl Names for FileNames<'_> {
    fn in_scope(&self, name: &str, at: usize) -> Option<bool> {
        let table = self.table()?;
        let mut scope = scope_at(&table.file, &self.source.text, at)?;
        loop {
            let candidate = join(&scope, name);
            if table.visible.contains(&candidate) {
                return Some(true);
            }
            if scope.is_empty() {
                return Some(false);
            }
            scope = parent(&scope).to_string();
        }
    }

    fn named_type(&self, ty: &str) -> Named {
        let Some(table) = self.table() else {
            return Named::Unknown;
        };
        match table.enums.get(ty.trim_start_matches('.')) {
            Some(values) => Named::Enum(values.clone()),
            None => Named::NotEnum,
        }
    }
}

/// `name` parsed, past syntax errors too.
fn parse(name: &str, text: &str) -> Option<FileDescriptorProto> {
    protox_parse::parse(name, text)
        .ok()
        .or_else(|| protox_parse::parse_recovered(name, text))
}

/// The table of `file`, whose imports `open` reads.
fn table(file: FileDescriptorProto, open: impl Fn(&str) -> Option<FileDescriptorProto>) -> Table {
    let mut visible = HashSet::new();
    let mut enums = HashMap::new();
    declare(&file, &mut visible, &mut enums);
    // The file's imports and, from each, its public imports: what the file sees. Every file
    // reached is read for its enums.
    // Breadth first, so the file's own imports are read before what they import; a file seen
    // only through a private import is read again when it is reached where the file sees it.
    let mut seen: HashMap<String, bool> = HashMap::from([(file.name().to_string(), true)]);
    let mut queue: std::collections::VecDeque<(String, bool)> =
        file.dependency.iter().map(|d| (d.clone(), true)).collect();
    while let Some((name, sees)) = queue.pop_front() {
        match seen.get(&name) {
            Some(&seen_visible) if seen_visible || !sees => continue,
            None if seen.len() >= MAX_FILES => continue,
            _ => {}
        }
        seen.insert(name.clone(), sees);
        let Some(import) = open(&name) else {
            continue;
        };
        let mut names = HashSet::new();
        declare(&import, &mut names, &mut enums);
        if sees {
            visible.extend(names);
        }
        for (i, dep) in import.dependency.iter().enumerate() {
            let public = import.public_dependency.contains(&(i as i32));
            queue.push_back((dep.clone(), sees && public));
        }
    }
    Table {
        file,
        visible,
        enums,
    }
}

/// Adds the full names `file` declares to `names`, its enums to `enums`.
fn declare(
    file: &FileDescriptorProto,
    names: &mut HashSet<String>,
    enums: &mut HashMap<String, Vec<String>>,
) {
    let package = file.package();
    let mut prefix = String::new();
    for part in package.split('.').filter(|p| !p.is_empty()) {
        prefix = join(&prefix, part);
        names.insert(prefix.clone());
    }
    for message in &file.message_type {
        declare_message(message, package, names, enums);
    }
    for en in &file.enum_type {
        declare_enum(en, package, names, enums);
    }
    for extension in &file.extension {
        names.insert(join(package, extension.name()));
    }
    for service in &file.service {
        let full = join(package, service.name());
        for method in &service.method {
            names.insert(join(&full, method.name()));
        }
        names.insert(full);
    }
}

fn declare_message(
    message: &DescriptorProto,
    scope: &str,
    names: &mut HashSet<String>,
    enums: &mut HashMap<String, Vec<String>>,
) {
    let full = join(scope, message.name());
    for field in message.field.iter().chain(&message.extension) {
        names.insert(join(&full, field.name()));
    }
    for oneof in &message.oneof_decl {
        names.insert(join(&full, oneof.name()));
    }
    for nested in &message.nested_type {
        declare_message(nested, &full, names, enums);
    }
    for en in &message.enum_type {
        declare_enum(en, &full, names, enums);
    }
    names.insert(full);
}

fn declare_enum(
    en: &EnumDescriptorProto,
    scope: &str,
    names: &mut HashSet<String>,
    enums: &mut HashMap<String, Vec<String>>,
) {
    let full = join(scope, en.name());
    // An enum's values are its siblings.
    for value in &en.value {
        names.insert(join(scope, value.name()));
    }
    enums.insert(
        full.clone(),
        en.value.iter().map(|v| v.name().to_string()).collect(),
    );
    names.insert(full);
}

/// The scope buf looks a name up from for an option (or default) at byte `at` of `text`: that
/// of the innermost element around it, `None` if the parsed file has no source info.
fn scope_at(file: &FileDescriptorProto, text: &str, at: usize) -> Option<String> {
    let info = file.source_code_info.as_ref()?;
    let here = line_and_byte_column(text, at.min(text.len()));
    let innermost = info
        .location
        .iter()
        .filter(|l| is_element(&l.path) && contains(&l.span, here))
        .max_by_key(|l| l.path.len());
    match innermost {
        Some(location) => scope_of(file, &location.path),
        None => Some(file.package().to_string()),
    }
}

/// Whether a descriptor path names an element (pairs of a field tag and an index).
fn is_element(path: &[i32]) -> bool {
    path.len() >= 2 && path.len() % 2 == 0
}

/// Whether a source info span (0-based line and byte column; three numbers when it ends on
/// its first line) holds `here`.
fn contains(span: &[i32], here: (i32, i32)) -> bool {
    let (start, end) = match *span {
        [line, start, end] => ((line, start), (line, end)),
        [start_line, start, end_line, end] => ((start_line, start), (end_line, end)),
        _ => return false,
    };
    start <= here && here < end
}

/// The scope of the options of the element at `path` (see the module's documentation).
fn scope_of(file: &FileDescriptorProto, path: &[i32]) -> Option<String> {
    let package = file.package();
    let at = |i: i32| usize::try_from(i).ok();
    match *path {
        [4, i, ref rest @ ..] => message_scope(file.message_type.get(at(i)?)?, package, rest),
        [5, _, ref rest @ ..] => enum_scope(rest, package),
        [6, i, ..] => Some(join(package, file.service.get(at(i)?)?.name())),
        [7, _] => Some(package.to_string()),
        _ => None,
    }
}

fn message_scope(message: &DescriptorProto, parent: &str, rest: &[i32]) -> Option<String> {
    let full = join(parent, message.name());
    let at = |i: i32| usize::try_from(i).ok();
    match *rest {
        [] | [8, _] | [5, _] => Some(parent.to_string()),
        [3, j, ref rest @ ..] => message_scope(message.nested_type.get(at(j)?)?, &full, rest),
        [4, _, ref rest @ ..] => enum_scope(rest, &full),
        [2, _] | [6, _] => Some(full),
        _ => None,
    }
}

/// An enum's options and its values' are looked up from the enum's parent (its values live
/// there too).
fn enum_scope(rest: &[i32], parent: &str) -> Option<String> {
    matches!(rest, [] | [2, _]).then(|| parent.to_string())
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

fn parent(scope: &str) -> &str {
    scope.rsplit_once('.').map_or("", |(parent, _)| parent)
}

/// The 0-based line and byte column of `offset`, as the parser's source info counts them.
fn line_and_byte_column(text: &str, offset: usize) -> (i32, i32) {
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line as i32, (offset - start) as i32)
}

#[cfg(test)]
mod tests {
    use super::{scope_at, table};

    const A: &str = "syntax = \"proto2\";\npackage a.z;\nimport \"b.proto\";\n\
        enum Level { L0 = 0; FOO = 1; }\n\
        message M { message In {} optional int32 f = 1 [default = -X]; option (o) = -Y; }\n\
        service S { rpc Get(M) returns (M) { option (o) = -Z; } }\n";

    fn parsed(name: &str, text: &str) -> prost_types::FileDescriptorProto {
        // As the table reads a file: past errors (`default = -X` is one).
        super::parse(name, text).expect("parses")
    }

    #[test]
    fn finds_the_scope_of_an_option() {
        let file = parsed("a.proto", A);
        let scope = |what: &str| scope_at(&file, A, A.find(what).expect("in the text"));
        assert_eq!(scope("-X").as_deref(), Some("a.z.M"));
        assert_eq!(scope("-Y").as_deref(), Some("a.z"));
        assert_eq!(scope("-Z").as_deref(), Some("a.z.S"));
        assert_eq!(scope("package").as_deref(), Some("a.z"));
    }

    #[test]
    fn sees_the_imports_and_their_public_imports_only() {
        let b = "syntax = \"proto2\";\npackage b;\nimport public \"c.proto\";\nimport \"d.proto\";\nmessage Bm {}\n";
        let c = "syntax = \"proto2\";\npackage c;\nenum Ce { C0 = 0; }\n";
        let d = "syntax = \"proto2\";\npackage d;\nenum De { D0 = 0; }\n";
        let open = |name: &str| match name {
            "b.proto" => Some(parsed(name, b)),
            "c.proto" => Some(parsed(name, c)),
            "d.proto" => Some(parsed(name, d)),
            _ => None,
        };
        let t = table(parsed("a.proto", A), open);
        for name in [
            "a",
            "a.z",
            "a.z.FOO",
            "a.z.Level",
            "a.z.M.In",
            "a.z.M.f",
            "a.z.S.Get",
            "b",
            "b.Bm",
            "c",
            "c.C0",
        ] {
            assert!(t.visible.contains(name), "{name}");
        }
        for name in ["d", "d.D0", "a.z.Level.FOO", "FOO"] {
            assert!(!t.visible.contains(name), "{name}");
        }
        assert_eq!(t.enums["d.De"], ["D0"]);
        assert_eq!(t.enums["a.z.Level"], ["L0", "FOO"]);
    }
}
