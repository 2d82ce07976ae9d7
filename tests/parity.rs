//! The differential test: the real buf 1.75.0 and sous lint every fixture directory (and compare
//! every breaking fixture's `new/` with its `old/`), and their findings must be the same set of
//! (path, start line, start column, end line, end column, type).
//!
//! Compile errors are compared by file only: buf reports every error of a broken file, protox
//! stops at the first, and their messages and positions are each compiler's own.

mod common;

use std::collections::BTreeSet;

use common::*;

fn compare(dir: &std::path::Path, failures: &mut Vec<String>) {
    let input = rel(dir);
    let args = ["lint", &input, "--error-format", "json"];
    let theirs = buf(&root(), &args);
    let ours = sous(&root(), &args);
    compare_outputs(dir, &input, theirs, ours, failures);
}

fn compare_outputs(
    dir: &std::path::Path,
    input: &str,
    theirs: Output,
    ours: Output,
    failures: &mut Vec<String>,
) {
    if theirs.code != ours.code {
        failures.push(format!(
            "{input}: exit code buf {} sous {}\nbuf: {}{}\nsous: {}{}",
            theirs.code, ours.code, theirs.stdout, theirs.stderr, ours.stdout, ours.stderr
        ));
        return;
    }
    let split = |s: &str| -> (BTreeSet<Key>, BTreeSet<String>) {
        let all = keys(s);
        let compile = all
            .iter()
            .filter(|k| k.5 == "COMPILE")
            .map(|k| k.0.clone())
            .collect();
        (
            all.into_iter().filter(|k| k.5 != "COMPILE").collect(),
            compile,
        )
    };
    let (buf_findings, mut buf_compile) = split(&theirs.stdout);
    let (sous_findings, mut sous_compile) = split(&ours.stdout);
    // buf parity: buf places an import cycle in a file of the cycle that varies between runs.
    if dir.join("COMPILE_ANY_FILE").exists() && !buf_compile.is_empty() && !sous_compile.is_empty()
    {
        buf_compile.clear();
        sous_compile.clear();
    }
    let missing: Vec<_> = buf_findings.difference(&sous_findings).collect();
    let extra: Vec<_> = sous_findings.difference(&buf_findings).collect();
    if !missing.is_empty() || !extra.is_empty() || buf_compile != sous_compile {
        failures.push(format!(
            "{input}:\n  only buf:  {missing:?}\n  only sous: {extra:?}\n  COMPILE buf {buf_compile:?} sous {sous_compile:?}"
        ));
    }
}

#[test]
fn lint_matches_buf_on_every_fixture() {
    let mut dirs = fixture_dirs("lint");
    dirs.extend(
        fixture_dirs("projects")
            .into_iter()
            .filter(|d| !d.join("NO_PARITY").exists()),
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        compare(dir, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture directories differ from buf:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn breaking_matches_buf_on_every_fixture() {
    let dirs = fixture_dirs("breaking");
    let mut failures = Vec::new();
    for dir in &dirs {
        let args = [
            "breaking",
            "new",
            "--against",
            "old",
            "--error-format",
            "json",
        ];
        let theirs = buf(dir, &args);
        let ours = sous(dir, &args);
        compare_outputs(dir, &rel(dir), theirs, ours, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {} breaking fixture directories differ from buf:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
