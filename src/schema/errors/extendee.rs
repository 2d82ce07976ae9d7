//! The message an extension extends, named as the compiler would resolve it, for the check of
//! extension numbers inside one file, made before the compiler sees the file (its extendees are
//! still written as in the source: `Correct`, `First.Correct`, `.acme.v1.Correct`).

use std::collections::HashSet;

use prost_types::{DescriptorProto, FileDescriptorProto};

/// Full names (no leading dot) of every message and enum `file` defines.
pub(super) fn defined_types(file: &FileDescriptorProto) -> HashSet<String> {
    fn message(scope: &str, m: &DescriptorProto, out: &mut HashSet<String>) {
        let name = join(scope, m.name());
        for nested in &m.nested_type {
            message(&name, nested, out);
        }
        for e in &m.enum_type {
            out.insert(join(&name, e.name()));
        }
        out.insert(name);
    }
    let mut out = HashSet::new();
    for m in &file.message_type {
        message(file.package(), m, &mut out);
    }
    for e in &file.enum_type {
        out.insert(join(file.package(), e.name()));
    }
    out
}

/// A key for the message `extendee` names, written in the scope of the extension whose full name
/// is `extension`: equal keys name one message. Protobuf resolves a relative name from the
/// innermost scope outwards, at the first scope that defines its first component. When no scope
/// of this file from the extension's out to its package defines it, the name resolves the same
/// way from every scope of the file (through the package and the imports), so the name as
/// written is the key. A fully qualified name is its own key.
pub(super) fn key(
    defined: &HashSet<String>,
    package: &str,
    extension: &str,
    extendee: &str,
) -> String {
    if let Some(full) = extendee.strip_prefix('.') {
        return full.to_string();
    }
    let first = extendee.split('.').next().unwrap_or(extendee);
    let mut scope = extension.rsplit_once('.').map_or("", |(scope, _)| scope);
    loop {
        if defined.contains(&join(scope, first)) {
            return join(scope, extendee);
        }
        if scope.len() <= package.len() {
            break;
        }
        scope = scope.rsplit_once('.').map_or("", |(outer, _)| outer);
    }
    // Not a full name (those have no leading '?'), so it never equals one by accident.
    format!("?{extendee}")
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}
