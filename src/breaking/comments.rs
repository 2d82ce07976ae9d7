//! Comment ignores for breaking changes: `// sous:breaking:ignore RULE_ID <reason>` in the
//! leading comment of an element of the new version accepts that rule's findings on the element
//! and everything in it. A deletion is reported on the element that remains around it (the
//! message of a deleted field, the file of a deleted message), so that is where its comment goes.
//! The file itself is the `syntax` or `package` statement's leading comment.
//!
//! The reason is required and travels with the finding ([`Suppression`]): JSON and SARIF carry
//! accepted findings, marked, so reviewers see what was accepted and why; the other formats leave
//! them out, and they never count for the exit code. buf does not read these comments, so a team
//! that runs both keeps buf's verdict there. `breaking: disallow_comment_ignores: true` turns them
//! off.

use prost_types::{DescriptorProto, FileDescriptorProto};

use crate::catalog::{self, Kind};
use crate::descriptor::tag;
use crate::error::{Error, Result};
use crate::finding::Suppression;
use crate::schema::{Locations, Source};

use super::Side;

const DIRECTIVE: &str = crate::schema::BREAKING_IGNORE;

/// A directive as written: the rule it names and the reason it gives.
#[derive(Debug, PartialEq, Eq)]
struct Directive<'a> {
    rule: &'a str,
    reason: &'a str,
}

/// Reads one comment line: `None` when it is no directive; an error (without the place) when it
/// is one that lacks its rule or reason.
fn directive(line: &str) -> Option<std::result::Result<Directive<'_>, String>> {
    let text = line
        .trim_start()
        .trim_start_matches('/')
        .trim_start_matches('*')
        .trim_start();
    let rest = text.strip_prefix(DIRECTIVE)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim();
    let rest = rest.strip_suffix("*/").unwrap_or(rest).trim_end();
    let (rule, reason) = match rest.split_once(char::is_whitespace) {
        Some((rule, reason)) => (rule, reason.trim()),
        None => (rest, ""),
    };
    if rule.is_empty() {
        return Some(Err(format!(
            "`{DIRECTIVE}` names no rule: write `// {DIRECTIVE} RULE_ID <reason>`"
        )));
    }
    if reason.is_empty() {
        return Some(Err(format!(
            "`{DIRECTIVE} {rule}` gives no reason: write why the change is accepted after the rule ID (`// {DIRECTIVE} {rule} <reason>`)"
        )));
    }
    Some(Ok(Directive { rule, reason }))
}

/// Checks every directive in the new side's target files whose module reads them: each names a
/// breaking rule and gives a reason. The error names the first bad one by `file:line`.
pub fn check(new: &Side) -> Result<()> {
    let Some(workspace) = new.workspace else {
        return Ok(());
    };
    let mut sources: Vec<&Source> = new
        .schema
        .sources
        .values()
        .map(|s| s.as_ref())
        .filter(|s| s.file.is_target && s.text.contains(DIRECTIVE))
        .collect();
    sources.sort_by(|a, b| a.file.display.cmp(&b.file.display));
    for source in sources {
        let reads = source
            .file
            .module
            .and_then(|m| workspace.modules.get(m))
            .is_none_or(|m| m.breaking.allow_comment_ignores);
        if !reads {
            continue;
        }
        for (n, line) in source.text.lines().enumerate() {
            let Some(found) = directive(line).filter(|_| is_comment_line(line)) else {
                continue;
            };
            let place = format!("{}:{}", source.file.display, n + 1);
            let directive = found.map_err(|e| Error::Input(format!("{place}: {e}")))?;
            let known = catalog::get(directive.rule).is_some_and(|e| e.kind == Kind::Breaking);
            if !known {
                return Err(Error::Input(format!(
                    "{place}: `{DIRECTIVE} {}` names no breaking rule: list them with `sous config ls-breaking-rules`",
                    directive.rule
                )));
            }
        }
    }
    Ok(())
}

/// Whether `line` is (inside) a comment: it starts with `//`, `/*` or the `*` of a block.
fn is_comment_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("//") || line.starts_with("/*") || line.starts_with('*')
}

/// The suppression of `rule` at descriptor `path` of a new file: a directive naming it in the
/// leading comment of the element, of one enclosing it, or of the file (its `syntax` or
/// `package` statement).
pub fn suppression(
    file: &FileDescriptorProto,
    locations: &Locations,
    source: &Source,
    path: &[i32],
    rule: &str,
) -> Option<Suppression> {
    for at in enclosing(file, path) {
        let Some(comment) = locations.leading_comment(&at) else {
            continue;
        };
        let Some(reason) = comment
            .lines()
            .filter_map(directive)
            .filter_map(|d| d.ok())
            .find(|d| d.rule == rule)
            .map(|d| d.reason)
        else {
            continue;
        };
        // The comment is right above the element: the directive's line is the last one naming
        // the rule before the element starts.
        let line = locations
            .span(source, &at)
            .and_then(|span| {
                let before = &source.text[..span.start];
                let mention = format!("{DIRECTIVE} {rule}");
                before.rfind(&mention).map(|i| source.position(i).0)
            })
            .unwrap_or(1);
        return Some(Suppression {
            kind: "inSource",
            justification: reason.to_string(),
            location: format!("{}:{line}", source.file.display),
        });
    }
    None
}

/// The paths whose leading comments may accept a finding at `path`, innermost first: the element
/// and every declaration enclosing it (a field of a oneof is inside the oneof too), then the
/// file's `syntax` and `package` statements.
fn enclosing(file: &FileDescriptorProto, path: &[i32]) -> Vec<Vec<i32>> {
    let mut paths = Vec::new();
    for n in (1..=path.len()).rev() {
        let at = &path[..n];
        paths.push(at.to_vec());
        if let [message @ .., tag::MESSAGE_FIELD, index] = at {
            let field = message_at(file, message).and_then(|m| m.field.get(*index as usize));
            if let Some(field) = field.filter(|f| !f.proto3_optional()) {
                if let Some(oneof) = field.oneof_index {
                    paths.push([message, &[tag::MESSAGE_ONEOF_DECL, oneof]].concat());
                }
            }
        }
    }
    paths.push(vec![tag::FILE_SYNTAX]);
    paths.push(vec![tag::FILE_PACKAGE]);
    paths
}

/// The message at descriptor `path` (`[4, i]`, then `[3, j]` for each nesting).
fn message_at<'f>(file: &'f FileDescriptorProto, path: &[i32]) -> Option<&'f DescriptorProto> {
    let [tag::FILE_MESSAGE_TYPE, first, rest @ ..] = path else {
        return None;
    };
    let mut message = file.message_type.get(*first as usize)?;
    let mut rest: &[i32] = rest;
    while let [tag::MESSAGE_NESTED_TYPE, index, more @ ..] = rest {
        message = message.nested_type.get(*index as usize)?;
        rest = more;
    }
    rest.is_empty().then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rule_and_reason() {
        assert_eq!(
            directive(" sous:breaking:ignore FIELD_SAME_TYPE no client reads it"),
            Some(Ok(Directive {
                rule: "FIELD_SAME_TYPE",
                reason: "no client reads it"
            }))
        );
        assert_eq!(
            directive("  // sous:breaking:ignore X why */"),
            Some(Ok(Directive {
                rule: "X",
                reason: "why"
            }))
        );
        assert!(matches!(
            directive(" sous:breaking:ignore FIELD_SAME_TYPE"),
            Some(Err(_))
        ));
        assert!(matches!(directive(" sous:breaking:ignore"), Some(Err(_))));
        assert_eq!(directive(" sous:breaking:ignored X y"), None);
        assert_eq!(directive(" see sous:breaking:ignore X y"), None);
        assert_eq!(directive(" buf:lint:ignore X"), None);
    }
}
