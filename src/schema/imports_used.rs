//! Which imports of a file are unused, as buf decides: what IMPORT_USED reports, and what
//! `sous build` writes as `unused_dependency` in buf's image extension (see
//! [`crate::lint::rules`]' `import_used` for what counts as a use).

use std::collections::{BTreeSet, HashSet};

use prost_types::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto,
    ServiceDescriptorProto,
};

use super::options::option_imports;
use crate::descriptor::walk::{walk, Site, Visitor};
use crate::schema::Schema;

/// The indexes in `proto.dependency` of the imports `proto` does not use, in order. A public
/// import is never among them (buf parity: IMPORT_NO_PUBLIC covers it).
pub fn unused(schema: &Schema, proto: &FileDescriptorProto) -> Vec<usize> {
    let mut names = BTreeSet::new();
    referenced_names(proto, &mut names);
    let mut defining: BTreeSet<String> = names
        .iter()
        .filter_map(|n| defining_file(schema, proto.name(), n))
        .collect();
    if let Some(pool) = schema.pool(proto.name()) {
        defining.extend(option_imports(pool, proto));
    } else if let Some(files) = schema.option_imports.get(proto.name()) {
        defining.extend(files.iter().cloned());
    }
    if let Some(editions) = schema.editions.get(proto.name()) {
        // Language features (`features.(pb.cpp)...`) use the file that defines them.
        defining.extend(editions.language_imports());
    }
    defining.remove(proto.name());

    let deps = &proto.dependency;
    let mut used = vec![false; deps.len()];
    for f in &defining {
        if let Some(i) = deps.iter().position(|d| d == f) {
            used[i] = true;
        } else if let Some(i) = deps.iter().position(|d| reexports(schema, d, f)) {
            used[i] = true;
        }
    }
    (0..deps.len())
        .filter(|&i| !used[i] && !proto.public_dependency.contains(&(i as i32)))
        .collect()
}

/// The fully qualified names (without the leading dot) that `file`'s declarations refer to.
fn referenced_names(file: &FileDescriptorProto, out: &mut BTreeSet<String>) {
    walk(file, &mut Referenced(out));
}

/// Collects the type names, extendees and RPC types the walk passes.
struct Referenced<'o>(&'o mut BTreeSet<String>);

impl Referenced<'_> {
    fn add(&mut self, name: &str) {
        if !name.is_empty() {
            self.0.insert(name.trim_start_matches('.').to_string());
        }
    }
}

impl<'a> Visitor<'a> for Referenced<'_> {
    fn field(&mut self, field: &'a FieldDescriptorProto, _: &'a DescriptorProto, _: &Site) {
        self.add(field.type_name());
        self.add(field.extendee());
    }

    fn extension(&mut self, extension: &'a FieldDescriptorProto, _: &Site) {
        self.add(extension.type_name());
        self.add(extension.extendee());
    }

    fn method(
        &mut self,
        method: &'a MethodDescriptorProto,
        _: &'a ServiceDescriptorProto,
        _: &Site,
    ) {
        self.add(method.input_type());
        self.add(method.output_type());
    }
}

/// The import path of the file that defines the message or enum `name`, as `target` sees it.
fn defining_file(schema: &crate::schema::Schema, target: &str, name: &str) -> Option<String> {
    if let Some(pool) = schema.pool(target) {
        if let Some(m) = pool.get_message_by_name(name) {
            return Some(m.parent_file().name().to_string());
        }
        if let Some(e) = pool.get_enum_by_name(name) {
            return Some(e.parent_file().name().to_string());
        }
    }
    // A target whose pool was let go, or a file compiled on its own: the compiled files.
    schema.defining_file(name).map(|f| f.name().to_string())
}

/// Whether importing `dep` makes `target` visible through a chain of `import public`.
fn reexports(schema: &crate::schema::Schema, dep: &str, target: &str) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![dep.to_string()];
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(f) = schema.file(&name) else {
            continue;
        };
        for &i in &f.public_dependency {
            if let Some(p) = f.dependency.get(i as usize) {
                if p == target {
                    return true;
                }
                stack.push(p.clone());
            }
        }
    }
    false
}
