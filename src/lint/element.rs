//! What a lint finding is about, by an identity that survives moving code: the element's kind and
//! full name, not its line. `sous lint --since` ([`super::since`]) matches findings of two
//! revisions by it, so a message moved down a file (or to another file of the package) keeps its
//! old findings hidden, and a renamed one is a new element.
//!
//! A finding's element is the innermost named declaration its descriptor path runs through: the
//! field for a finding on a field's option, the message for one on its reserved range. What is
//! not inside a declaration (package, syntax, file options) is about the file, named by its import
//! path; an import is named by the importing file and the file it imports.

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use crate::descriptor::tag;
pub use crate::finding::{Element, ElementKind as Kind};

/// The element at descriptor `path` of `file` (import path `name`).
pub fn element_at(file: &FileDescriptorProto, name: &str, path: &[i32]) -> Element {
    let the_file = || Element {
        kind: Kind::File,
        name: name.to_string(),
    };
    let scope = file.package().to_string();
    match path {
        [tag::FILE_DEPENDENCY, i, ..] => match file.dependency.get(*i as usize) {
            Some(dep) => Element {
                kind: Kind::Import,
                name: format!("{name} -> {dep}"),
            },
            None => the_file(),
        },
        [tag::FILE_MESSAGE_TYPE, i, rest @ ..] => match file.message_type.get(*i as usize) {
            Some(m) => in_message(m, &join(&scope, m.name()), rest),
            None => the_file(),
        },
        [tag::FILE_ENUM_TYPE, i, rest @ ..] => match file.enum_type.get(*i as usize) {
            Some(e) => in_enum(e, &join(&scope, e.name()), rest),
            None => the_file(),
        },
        [tag::FILE_SERVICE, i, rest @ ..] => match file.service.get(*i as usize) {
            Some(s) => {
                let service = join(&scope, s.name());
                match rest {
                    [tag::SERVICE_METHOD, j, ..] => match s.method.get(*j as usize) {
                        Some(m) => Element {
                            kind: Kind::Method,
                            name: join(&service, m.name()),
                        },
                        None => named(Kind::Service, service),
                    },
                    _ => named(Kind::Service, service),
                }
            }
            None => the_file(),
        },
        [tag::FILE_EXTENSION, i, ..] => match file.extension.get(*i as usize) {
            Some(x) => named(Kind::Extension, join(&scope, x.name())),
            None => the_file(),
        },
        _ => the_file(),
    }
}

fn in_message(m: &DescriptorProto, full: &str, rest: &[i32]) -> Element {
    let at = |kind, name: Option<&str>| match name {
        Some(name) => named(kind, join(full, name)),
        None => named(Kind::Message, full.to_string()),
    };
    match rest {
        [tag::MESSAGE_FIELD, j, ..] => at(Kind::Field, m.field.get(*j as usize).map(|f| f.name())),
        [tag::MESSAGE_EXTENSION, j, ..] => at(
            Kind::Extension,
            m.extension.get(*j as usize).map(|f| f.name()),
        ),
        [tag::MESSAGE_ONEOF_DECL, j, ..] => {
            at(Kind::Oneof, m.oneof_decl.get(*j as usize).map(|o| o.name()))
        }
        [tag::MESSAGE_NESTED_TYPE, j, rest @ ..] => match m.nested_type.get(*j as usize) {
            Some(n) => in_message(n, &join(full, n.name()), rest),
            None => named(Kind::Message, full.to_string()),
        },
        [tag::MESSAGE_ENUM_TYPE, j, rest @ ..] => match m.enum_type.get(*j as usize) {
            Some(e) => in_enum(e, &join(full, e.name()), rest),
            None => named(Kind::Message, full.to_string()),
        },
        _ => named(Kind::Message, full.to_string()),
    }
}

fn in_enum(e: &EnumDescriptorProto, full: &str, rest: &[i32]) -> Element {
    match rest {
        [tag::ENUM_VALUE, j, ..] => match e.value.get(*j as usize) {
            Some(v) => named(Kind::EnumValue, join(full, v.name())),
            None => named(Kind::Enum, full.to_string()),
        },
        _ => named(Kind::Enum, full.to_string()),
    }
}

fn named(kind: Kind, name: String) -> Element {
    Element { kind, name }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_types::{
        EnumValueDescriptorProto, FieldDescriptorProto, MethodDescriptorProto,
        ServiceDescriptorProto,
    };

    fn file() -> FileDescriptorProto {
        FileDescriptorProto {
            package: Some("acme.v1".into()),
            dependency: vec!["a.proto".into()],
            message_type: vec![DescriptorProto {
                name: Some("Outer".into()),
                field: vec![FieldDescriptorProto {
                    name: Some("id".into()),
                    ..Default::default()
                }],
                nested_type: vec![DescriptorProto {
                    name: Some("Inner".into()),
                    ..Default::default()
                }],
                enum_type: vec![EnumDescriptorProto {
                    name: Some("Kind".into()),
                    value: vec![EnumValueDescriptorProto {
                        name: Some("KIND_A".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            service: vec![ServiceDescriptorProto {
                name: Some("S".into()),
                method: vec![MethodDescriptorProto {
                    name: Some("Get".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn at(path: &[i32]) -> (Kind, String) {
        let e = element_at(&file(), "acme/v1/x.proto", path);
        (e.kind, e.name)
    }

    #[test]
    fn innermost_named_declaration() {
        assert_eq!(at(&[]), (Kind::File, "acme/v1/x.proto".into()));
        assert_eq!(at(&[2]), (Kind::File, "acme/v1/x.proto".into()));
        assert_eq!(at(&[8, 11]), (Kind::File, "acme/v1/x.proto".into()));
        assert_eq!(
            at(&[3, 0]),
            (Kind::Import, "acme/v1/x.proto -> a.proto".into())
        );
        assert_eq!(at(&[4, 0, 1]), (Kind::Message, "acme.v1.Outer".into()));
        assert_eq!(
            at(&[4, 0, 2, 0, 8]),
            (Kind::Field, "acme.v1.Outer.id".into())
        );
        assert_eq!(
            at(&[4, 0, 3, 0]),
            (Kind::Message, "acme.v1.Outer.Inner".into())
        );
        assert_eq!(
            at(&[4, 0, 4, 0, 2, 0, 1]),
            (Kind::EnumValue, "acme.v1.Outer.Kind.KIND_A".into())
        );
        assert_eq!(at(&[6, 0, 2, 0]), (Kind::Method, "acme.v1.S.Get".into()));
        // A path past what the file holds falls back to the enclosing element.
        assert_eq!(at(&[4, 0, 2, 7]), (Kind::Message, "acme.v1.Outer".into()));
        assert_eq!(at(&[4, 9]), (Kind::File, "acme/v1/x.proto".into()));
    }
}
