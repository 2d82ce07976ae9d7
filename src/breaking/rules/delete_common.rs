//! Shared by the deletion rules (`*_NO_DELETE` for files, packages, messages, enums, services,
//! extensions): which declarations each side has, and where buf places a deletion.
//!
//! buf pairs declarations by full name, per file (`MESSAGE_NO_DELETE`: a message that moved to
//! another file was deleted from its old file) or per package (`PACKAGE_MESSAGE_NO_DELETE`: it
//! was not). A deleted declaration is placed at its nearest enclosing message that survives in
//! the new image, else at 1:1 of the new file of the same name; nested declarations are reported
//! one by one, each with the declarations they contain, map entries included.

use super::prelude::*;

use std::collections::{BTreeMap, BTreeSet};

/// What kind of declaration a rule looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Messages, nested ones and map entries included.
    Message,
    /// Enums, nested ones included.
    Enum,
    /// Extensions, by full name (the scope they are declared in, then their name), not by
    /// extendee and number.
    Extension,
    Service,
}

/// One declaration of an image.
pub struct Decl<'i> {
    pub full_name: String,
    /// Index of its file in the image.
    pub file: usize,
    pub package: &'i str,
}

impl Decl<'_> {
    /// The name relative to the package (`Outer.Inner`), as people write it.
    pub fn name(&self) -> &str {
        relative(&self.full_name, self.package)
    }
}

/// `full_name` without its `package.` prefix.
pub fn relative<'n>(full_name: &'n str, package: &str) -> &'n str {
    if package.is_empty() {
        full_name
    } else {
        full_name
            .strip_prefix(package)
            .and_then(|r| r.strip_prefix('.'))
            .unwrap_or(full_name)
    }
}

/// Every declaration of `kind` in `image`, sorted by file then full name.
pub fn decls<'i>(image: &'i Image, kind: Kind) -> Vec<Decl<'i>> {
    let package = |file: usize| image.file(file).package();
    let mut out: Vec<Decl> = match kind {
        Kind::Message => image
            .messages
            .values()
            .map(|m| Decl {
                full_name: m.full_name.to_string(),
                file: m.file,
                package: package(m.file),
            })
            .collect(),
        Kind::Enum => image
            .enums
            .values()
            .map(|e| Decl {
                full_name: e.full_name.to_string(),
                file: e.file,
                package: package(e.file),
            })
            .collect(),
        Kind::Extension => image
            .extensions
            .values()
            .map(|x| Decl {
                full_name: x.full_name(),
                file: x.file,
                package: package(x.file),
            })
            .collect(),
        Kind::Service => image
            .services
            .values()
            .map(|s| Decl {
                full_name: s.full_name.to_string(),
                file: s.file,
                package: package(s.file),
            })
            .collect(),
    };
    out.sort_by(|a, b| (a.file, &a.full_name).cmp(&(b.file, &b.full_name)));
    out
}

/// Where to look for the enclosing message a deletion is placed at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only in the new file of the same name.
    File,
    /// Anywhere in the new image.
    ///
    /// buf parity: `PACKAGE_MESSAGE_NO_DELETE` finds the enclosing message in whichever file it
    /// now lives; `PACKAGE_ENUM_NO_DELETE` and `PACKAGE_EXTENSION_NO_DELETE` look only in the
    /// file of the same name.
    Image,
}

/// Declarations of `kind` in a file present on both sides that the new file no longer declares.
pub fn check_files(cx: &mut Context, old: &Image, new: &Image, kind: Kind, message: MessageFn) {
    let new_decls: BTreeSet<(&str, String)> = decls(new, kind)
        .into_iter()
        .map(|d| (new.file(d.file).name, d.full_name))
        .collect();
    for d in decls(old, kind) {
        let file = old.file(d.file).name;
        if new.file_named(file).is_none() || new_decls.contains(&(file, d.full_name.clone())) {
            continue;
        }
        let text = message(&d, old);
        place(cx, old, new, &d, Scope::File, text);
    }
}

/// Declarations of `kind` that no file of their package declares any more.
///
/// buf parity: a package whose new files declare nothing of `kind` is skipped (a deleted package
/// is `PACKAGE_NO_DELETE`'s business, but so is, e.g., a package that lost its last enum), except
/// for services: buf indexes services by the packages of all files, so a package that lost its
/// last service is still checked.
pub fn check_packages(
    cx: &mut Context,
    old: &Image,
    new: &Image,
    kind: Kind,
    scope: Scope,
    message: MessageFn,
) {
    let mut new_decls: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    if kind == Kind::Service {
        for f in &new.files {
            new_decls.entry(f.package()).or_default();
        }
    }
    // The files left out as the same on both sides declare nothing deleted (see
    // `breaking::delta`), but what they declare keeps their packages checked.
    for (&package, declares) in new.skipped.packages() {
        let any = match kind {
            Kind::Message => declares.messages,
            Kind::Enum => declares.enums,
            Kind::Extension => declares.extensions,
            Kind::Service => true,
        };
        if any {
            new_decls.entry(package).or_default();
        }
    }
    for d in decls(new, kind) {
        new_decls.entry(d.package).or_default().insert(d.full_name);
    }
    for d in decls(old, kind) {
        let Some(names) = new_decls.get(d.package) else {
            continue;
        };
        if names.contains(&d.full_name) {
            continue;
        }
        let text = message(&d, old);
        place(cx, old, new, &d, scope, text);
    }
}

/// Builds a finding's text from the deleted declaration and the old image.
pub type MessageFn = fn(&Decl, &Image) -> String;

/// Reports deleted declaration `d` of the old image where buf does: at its nearest enclosing
/// message in the new image (looked up as `scope` says), else at 1:1 of the new file with the
/// old file's name, else (that file is gone too) nowhere. `ignore` entries matching the old
/// file hide the finding as well as those matching the new one.
fn place(cx: &mut Context, old: &Image, new: &Image, d: &Decl, scope: Scope, message: String) {
    let old_file = old.file(d.file);
    let Some(&new_file) = new.by_name.get(old_file.name) else {
        let ignore_path = cx.old_ignore_path(old_file);
        cx.report_nowhere(Some(ignore_path), message);
        return;
    };
    let mut name = d.full_name.as_str();
    while let Some((parent, _)) = name.rsplit_once('.') {
        if parent.len() <= d.package.len() {
            break;
        }
        if let Some(m) = new.messages.get(parent) {
            if scope == Scope::Image || m.file == new_file {
                cx.report_with_old(d.file, m, &[], message);
                return;
            }
        }
        name = parent;
    }
    cx.report_at_with_old(d.file, new_file, &[], message);
}

/// The name of a file's package for messages: `package "acme.v1"`, or `the package-less files`.
pub fn package_words(package: &str) -> String {
    if package.is_empty() {
        "the files without a package".to_string()
    } else {
        format!("package {package:?}")
    }
}
