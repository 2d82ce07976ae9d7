//! What the cache keeps of each compiled file so that the rules comparing files
//! ([`crate::lint::MODULE_RULES`]) can run again without compiling it: the file's skeleton,
//! and a hash of what it declares at the top of its scope.
//!
//! The skeleton is the descriptor cut down to what those rules read: the package, imports,
//! file options, services with their methods' names and types, syntax, and the source
//! locations of those (with a leading comment only when it holds a `buf:lint:ignore`, which is
//! all comment ignores read).

use prost::Message;
use prost_types::source_code_info::Location;
use prost_types::{
    DescriptorProto, FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto,
    SourceCodeInfo,
};

use crate::descriptor::tag;
use crate::schema::Proto;

/// The skeleton of `proto`, encoded.
pub fn skeleton(proto: &Proto) -> Vec<u8> {
    let file: &FileDescriptorProto = proto;
    let service = file
        .service
        .iter()
        .map(|s| ServiceDescriptorProto {
            name: s.name.clone(),
            method: s
                .method
                .iter()
                .map(|m| MethodDescriptorProto {
                    name: m.name.clone(),
                    input_type: m.input_type.clone(),
                    output_type: m.output_type.clone(),
                    client_streaming: m.client_streaming,
                    server_streaming: m.server_streaming,
                    options: None,
                })
                .collect(),
            options: None,
        })
        .collect();
    // The locations kept beside the descriptor first, as `Locations::with_extra` reads them.
    let extra = proto.extra_info();
    let location = extra
        .iter()
        .chain(&file.source_code_info)
        .flat_map(|info| &info.location)
        .filter(|l| kept(&l.path))
        .map(|l| Location {
            path: l.path.clone(),
            span: l.span.clone(),
            leading_comments: l
                .leading_comments
                .clone()
                .filter(|c| c.contains("buf:lint:ignore")),
            trailing_comments: None,
            leading_detached_comments: Vec::new(),
        })
        .collect();
    FileDescriptorProto {
        name: file.name.clone(),
        package: file.package.clone(),
        dependency: file.dependency.clone(),
        public_dependency: file.public_dependency.clone(),
        weak_dependency: file.weak_dependency.clone(),
        options: file.options.clone(),
        service,
        syntax: file.syntax.clone(),
        source_code_info: Some(SourceCodeInfo { location }),
        ..Default::default()
    }
    .encode_to_vec()
}

/// The skeleton again; `None` if the bytes are not one (a damaged entry).
pub fn decode(bytes: &[u8]) -> Option<Proto> {
    let file = FileDescriptorProto::decode(bytes).ok()?;
    Some(Proto::Owned(std::sync::Arc::new(file)))
}

/// Whether the rules comparing files can read the location at `path` (or a comment on it).
fn kept(path: &[i32]) -> bool {
    match path {
        [] => true,
        [tag::FILE_SERVICE, rest @ ..] => rest.len() <= 3,
        [first, ..] => [
            tag::FILE_PACKAGE,
            tag::FILE_DEPENDENCY,
            tag::FILE_OPTIONS,
            tag::FILE_SYNTAX,
            tag::FILE_EDITION,
            10, // public_dependency
            11, // weak_dependency
        ]
        .contains(first),
    }
}

/// A hash of what `file` declares that another file could clash with: its package, the names
/// of its top-level messages, enums, services and extensions, and every extension's extendee
/// and number. A file whose edit leaves this the same cannot clash with a file it was compiled
/// without (names nested in a message clash only with what its top-level name already would).
pub fn declarations(file: &FileDescriptorProto) -> String {
    let mut names: Vec<String> = vec![format!("package {}", file.package())];
    names.extend(file.message_type.iter().map(|m| format!("m {}", m.name())));
    names.extend(file.enum_type.iter().map(|e| format!("e {}", e.name())));
    names.extend(file.service.iter().map(|s| format!("s {}", s.name())));
    let mut extensions: Vec<String> = Vec::new();
    let mut add = |f: &prost_types::FieldDescriptorProto| {
        extensions.push(format!("x {} {}", f.extendee(), f.number()));
    };
    for f in &file.extension {
        names.push(format!("n {}", f.name()));
        add(f);
    }
    fn nested(m: &DescriptorProto, add: &mut dyn FnMut(&prost_types::FieldDescriptorProto)) {
        m.extension.iter().for_each(&mut *add);
        for n in &m.nested_type {
            nested(n, add);
        }
    }
    for m in &file.message_type {
        nested(m, &mut add);
    }
    names.extend(extensions);
    names.sort();
    super::entry::hash(names.join("\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skeleton_keeps_what_module_rules_read() {
        let mut file = FileDescriptorProto {
            name: Some("a/b.proto".into()),
            package: Some("a.v1".into()),
            dependency: vec!["c.proto".into()],
            message_type: vec![DescriptorProto {
                name: Some("M".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let at = |path: Vec<i32>, comment: &str| Location {
            path,
            span: vec![1, 2, 3],
            leading_comments: Some(comment.into()),
            ..Default::default()
        };
        file.source_code_info = Some(SourceCodeInfo {
            location: vec![
                at(vec![2], " buf:lint:ignore X\n"),
                at(vec![4, 0], " M\n"),
                at(vec![3, 0], " plain\n"),
            ],
        });
        let bytes = skeleton(&Proto::Owned(std::sync::Arc::new(file.clone())));
        let back = decode(&bytes).unwrap();
        assert_eq!(back.package(), "a.v1");
        assert_eq!(back.dependency, file.dependency);
        assert!(back.message_type.is_empty());
        let kept = &back.source_code_info.as_ref().unwrap().location;
        assert_eq!(kept.len(), 2);
        assert_eq!(
            kept[0].leading_comments.as_deref(),
            Some(" buf:lint:ignore X\n")
        );
        assert_eq!(kept[1].leading_comments, None);
        // A field is no declaration another file can clash with; a message is.
        let before = declarations(&file);
        file.message_type[0].field.push(Default::default());
        assert_eq!(declarations(&file), before);
        file.message_type.push(Default::default());
        assert_ne!(declarations(&file), before);
    }
}
