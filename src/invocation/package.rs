//! `FILE.proto#include_package_files=true`: the file and every other file of its module that
//! declares the same package are the targets, as buf takes them. The package is read from each
//! file's text, not from a compilation, so a file of the module that does not compile still
//! counts by the package it declares (buf parity: buf reads it that way too, and then reports
//! the file's errors).

use std::path::PathBuf;

use super::{resolve_input, Action, Resolved};
use crate::cli::InputArgs;
use crate::error::{Error, Result};
use crate::input::{FileSet, Filter};

/// A `.proto` file or a directory input given with options: `path` (the options removed)
/// resolved as a plain input, widened to the file's package when `include_package_files` says so.
pub fn resolve(
    path: PathBuf,
    include_package_files: bool,
    args: &InputArgs,
    action: Action,
) -> Result<Resolved> {
    let plain = InputArgs {
        input: path,
        ..args.clone()
    };
    let mut resolved = resolve_input(&plain, action)?;
    if include_package_files {
        widen(&mut resolved, &plain.input)?;
    }
    Ok(resolved)
}

/// Adds the other files of the file's package in its module to the targets.
fn widen(resolved: &mut Resolved, input: &std::path::Path) -> Result<()> {
    let Some(file) = resolved.filter.paths.first().cloned() else {
        return Ok(());
    };
    let ws = &resolved.workspace;
    // A file input targets its own module (see `resolve_input`).
    let Some(module) = resolved.modules.as_ref().and_then(|m| m.first()).copied() else {
        return Ok(());
    };
    let all = FileSet::discover(ws, &Filter::default(), Some(&[module]), None)?;
    let read = |disk: &std::path::Path| -> Result<String> {
        let bytes = std::fs::read(disk).map_err(|e| Error::io(disk, e))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    let Some(own) = all.files.values().find(|f| f.workspace_path == file) else {
        return Err(Error::Input(format!(
            "{}: the file is excluded from its module, so it has no package files to include",
            input.display()
        )));
    };
    let package = package_of(&read(&own.disk)?);
    for other in all.files.values() {
        if other.module == Some(module)
            && other.workspace_path != file
            && package_of(&read(&other.disk)?) == package
        {
            resolved.filter.paths.push(other.workspace_path.clone());
        }
    }
    Ok(())
}

/// The package a file declares (`None` without one): the first `package` statement outside any
/// block, read past comments and string literals, so a file that does not parse still has one.
pub fn package_of(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != quote && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            c if is_ident(c) => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                if depth == 0 && &text[start..i] == "package" {
                    let rest = &text[i..];
                    let end = rest.find(';').unwrap_or(rest.len());
                    let name: String = strip_comments(&rest[..end])
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    return (!name.is_empty()).then_some(name);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// `text` without its `//` and `/* */` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('/') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("//") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if let Some(after) = tail.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
        } else {
            out.push('/');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::package_of;

    #[test]
    fn packages_read_from_text() {
        assert_eq!(
            package_of("syntax = \"proto3\";\npackage acme.v1;\n").as_deref(),
            Some("acme.v1")
        );
        // Comments, strings and blocks do not fool it; a syntax error after it does not matter.
        assert_eq!(
            package_of("// package no;\n/* package no; */ option x = \"package no;\";\nmessage M { }\npackage /* c */ a . b ; message { x }")
                .as_deref(),
            Some("a.b")
        );
        assert_eq!(
            package_of("message M { string package = 1; }").as_deref(),
            None
        );
        assert_eq!(package_of("syntax = \"proto3\";").as_deref(), None);
    }
}
