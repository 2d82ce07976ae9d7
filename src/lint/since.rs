//! `sous lint --since REV`: only the findings that are not already present at git revision REV.
//!
//! REV is read from the object database as `breaking --against REV` reads it ([`against`]), at
//! the input's place in the repository and with the configuration found there, and linted like
//! the input. Findings of the two sides are matched by rule, policy and element (kind and full
//! name, see [`super::element`]), never by line, so code that moves keeps its old findings
//! hidden; a renamed element is a new element. When an element has `n` findings of one rule at
//! REV and `m` now, the `m - n` kept are those whose message REV did not have, first.
//!
//! A finding with no element (`COMPILE`: the input does not compile, so nothing was linted) is
//! always kept.

use std::collections::HashMap;

use crate::against::{self, Prepared};
use crate::error::{Error, Result};
use crate::finding::{sort_and_dedup, Finding};
use crate::schema::{self, CompileOptions};

/// What two findings must share to be the same finding at two revisions.
type Key<'a> = (&'a str, Option<&'a str>, &'a super::element::Element);

fn key(f: &Finding) -> Option<Key<'_>> {
    Some((f.rule.as_str(), f.policy.as_deref(), f.element.as_ref()?))
}

/// Lints revision `rev` of the input (whose workspace is at `input_root`, compiled with
/// `options`), and returns `findings` without those already there.
pub fn new_since(
    rev: &str,
    input_root: &std::path::Path,
    options: &CompileOptions,
    findings: Vec<Finding>,
) -> Result<Vec<Finding>> {
    if findings.iter().all(|f| key(f).is_none()) {
        // Nothing to match (no finding, or the input does not compile): REV is not needed,
        // but a bad REV is still an error, so that a typo never passes silently.
        against::load_revision(rev, input_root)?;
        return Ok(findings);
    }
    let old = findings_at(rev, input_root, options)?;
    Ok(keep_new(findings, old))
}

/// The lint findings of revision `rev`, linted as `sous lint` lints the input: the same compile
/// options, each module apart when nested modules share files. Nothing is reused from the input's
/// compilation, so both sides are linted from scratch alike.
fn findings_at(
    rev: &str,
    input_root: &std::path::Path,
    options: &CompileOptions,
) -> Result<Vec<Finding>> {
    let Prepared::Files {
        workspace,
        set,
        label,
        dep_includes,
    } = against::load_revision(rev, input_root)?
    else {
        return Err(Error::Input(format!(
            "--since {rev}: not a revision of a git repository"
        )));
    };
    let options = CompileOptions {
        dep_includes,
        ..options.clone()
    };
    let mut findings = Vec::new();
    for set in set.per_module() {
        let schema = schema::compile(&set, &options)?;
        if let Some(error) = schema.errors.first() {
            return Err(Error::Input(format!(
                "--since {rev}: the input at revision {label} does not compile, so which findings it had is unknown ({}:{}:{}: {}): give a revision that compiles",
                error.path.as_deref().unwrap_or("<input>"),
                error.start_line,
                error.start_column,
                error.message
            )));
        }
        findings.extend(super::run(&workspace, &schema));
    }
    Ok(findings)
}

/// `new` without the findings `old` already had, matched by [`key`]: for each key, as many are
/// dropped as `old` has, those with a message `old` has first.
pub fn keep_new(mut new: Vec<Finding>, mut old: Vec<Finding>) -> Vec<Finding> {
    sort_and_dedup(&mut new);
    sort_and_dedup(&mut old);
    let mut before: HashMap<Key, Vec<&str>> = HashMap::new();
    for f in &old {
        if let Some(k) = key(f) {
            before.entry(k).or_default().push(f.message.as_str());
        }
    }
    let mut gone = vec![false; new.len()];
    // Same key and same message first: the finding REV had, wherever it moved.
    for (i, f) in new.iter().enumerate() {
        let Some(messages) = key(f).and_then(|k| before.get_mut(&k)) else {
            continue;
        };
        if let Some(at) = messages.iter().position(|m| *m == f.message) {
            messages.swap_remove(at);
            gone[i] = true;
        }
    }
    // Then the same key with another message (a message that names a changed value), one for
    // one while REV has any left.
    for (i, f) in new.iter().enumerate() {
        if gone[i] {
            continue;
        }
        if let Some(messages) = key(f).and_then(|k| before.get_mut(&k)) {
            if messages.pop().is_some() {
                gone[i] = true;
            }
        }
    }
    let mut gone = gone.into_iter();
    new.retain(|_| !gone.next().unwrap_or(false));
    new
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::element::{Element, Kind};

    fn f(line: u32, rule: &str, kind: Kind, name: &str, message: &str) -> Finding {
        let mut f = Finding::file_level("a.proto", rule, message.into());
        f.start_line = line;
        f.element = Some(Element {
            kind,
            name: name.into(),
        });
        f
    }

    fn lines(v: &[Finding]) -> Vec<u32> {
        v.iter().map(|f| f.start_line).collect()
    }

    #[test]
    fn matches_by_rule_and_element_not_line() {
        let old = vec![f(3, "R", Kind::Field, "p.M.a", "m")];
        // Moved to line 9: hidden. Same name, other kind: new. Other rule: new.
        let new = vec![
            f(9, "R", Kind::Field, "p.M.a", "m"),
            f(10, "R", Kind::Message, "p.M.a", "m"),
            f(11, "S", Kind::Field, "p.M.a", "m"),
        ];
        assert_eq!(lines(&keep_new(new, old)), vec![10, 11]);
    }

    #[test]
    fn keeps_m_minus_n_preferring_new_messages() {
        let old = vec![
            f(1, "R", Kind::Field, "p.M.a", "x"),
            f(2, "R", Kind::Field, "p.M.a", "y"),
        ];
        let new = vec![
            f(5, "R", Kind::Field, "p.M.a", "z"),
            f(6, "R", Kind::Field, "p.M.a", "y"),
            f(7, "R", Kind::Field, "p.M.a", "w"),
        ];
        // y matches y; one of z, w matches x; one is left.
        assert_eq!(keep_new(new, old).len(), 1);
    }

    #[test]
    fn findings_without_an_element_stay() {
        let mut compile = Finding::file_level("a.proto", "COMPILE", "bad".into());
        compile.start_line = 4;
        let old = vec![compile.clone()];
        assert_eq!(lines(&keep_new(vec![compile], old)), vec![4]);
    }
}
