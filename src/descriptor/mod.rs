//! The vocabulary of descriptors shared by lint, breaking and the schema code: field numbers by
//! name ([`tag`]), descriptor paths, full names, package versions ([`package_version`]), and the
//! one walk over a file ([`walk`]).
//!
//! A descriptor path locates an element in its file the way `SourceCodeInfo` does: field
//! numbers of the descriptor messages alternating with indexes (`[4, 0, 2, 1]` is the second
//! field of the first message).

pub mod package_version;
pub mod tag;
pub mod walk;

use prost_types::DescriptorProto;

/// `path` with more components appended.
pub fn path_with(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

/// Whether `message` is the entry message protoc synthesizes for a `map<K, V>` field.
pub fn is_map_entry(message: &DescriptorProto) -> bool {
    message.options.as_ref().is_some_and(|o| o.map_entry())
}

/// Whether oneof `index` of `message` is synthetic: proto3 `optional` fields live in oneofs of
/// their own that the source does not write.
pub fn is_synthetic_oneof(message: &DescriptorProto, index: i32) -> bool {
    let mut fields = message
        .field
        .iter()
        .filter(|f| f.oneof_index == Some(index));
    match (fields.next(), fields.next()) {
        (Some(only), None) => only.proto3_optional(),
        _ => false,
    }
}

/// The JSON name protoc gives a field without `json_name`: underscores dropped, the letter after
/// one upper-cased (`foo_bar` is `fooBar`).
pub fn implicit_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::implicit_json_name;

    #[test]
    fn implicit_json_names() {
        for (name, json) in [
            ("foo_bar", "fooBar"),
            ("foo", "foo"),
            ("foo__bar", "fooBar"),
            ("_foo", "Foo"),
            ("foo_", "foo"),
            ("foo_1", "foo1"),
            ("FooBar", "FooBar"),
        ] {
            assert_eq!(implicit_json_name(name), json, "{name}");
        }
    }
}
