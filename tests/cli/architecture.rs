//! The module graph points one way: a module of `src/` uses only modules that come before it in
//! the flow below (base vocabulary first, then the stages, then the orchestration). This test
//! reads every `crate::` path in `src/` and fails on an arrow that runs back up, so a contributor
//! learns it at `cargo test`, not at review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The order of the top-level modules of `src/`, from the bottom up. `lint` and `breaking` are
/// siblings: neither may use the other.
const ORDER: &[&[&str]] = &[
    &["error", "trace", "paths"],
    &["atomic", "cli", "finding", "catalog", "rule", "descriptor"],
    &["config"],
    &["input"],
    &["schema"],
    &["against"],
    &["ignore"],
    &["lint", "breaking"],
    &["report"],
    &["invocation"],
    &["app"],
];

/// Names the crate root re-exports, by the module they come from.
const ROOT_NAMES: &[(&str, &str)] = &[
    ("Error", "error"),
    ("Finding", "finding"),
    ("declare_rule", "rule"),
    ("registry", "rule"),
];

/// Lines a source file may have, outside the rule folders (whose files are one rule each).
const MAX_LINES: usize = 500;

fn level(name: &str) -> Option<usize> {
    let module = ROOT_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, m)| m);
    ORDER.iter().position(|l| l.contains(&module))
}

/// Every `.rs` file under `src/`.
fn sources() -> Vec<(PathBuf, PathBuf)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| (p.strip_prefix(&src).unwrap().to_path_buf(), p))
        .collect()
}

/// The top-level module a file of `src/` belongs to (`src/lint/rules/x.rs` -> `lint`).
fn owner(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::NAME` (and `$crate::NAME`) a source text names, outside comments.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
        // `use crate::{a, b}` names several modules at once.
        if let Some(i) = code.find("crate::{") {
            for part in code[i + "crate::{".len()..].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn arrows_point_forward() {
    let mut backwards = Vec::new();
    let mut unplaced = BTreeSet::new();
    for (rel, path) in sources() {
        let from = owner(&rel);
        if from == "lib" || from == "main" {
            continue;
        }
        let Some(from_level) = level(&from) else {
            unplaced.insert(from);
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for to in uses(&text) {
            if to == from {
                continue;
            }
            match level(&to) {
                Some(to_level) if to_level < from_level => {}
                Some(_) => backwards.push(format!("{} -> {to}", rel.display())),
                None => {
                    unplaced.insert(to);
                }
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules missing from ORDER in this test: {unplaced:?}"
    );
    assert!(
        backwards.is_empty(),
        "arrows that run back up the flow (a module may use only modules before it):\n{}",
        backwards.join("\n")
    );
}

#[test]
fn no_module_file_is_over_500_lines() {
    let mut long = Vec::new();
    for (rel, path) in sources() {
        let in_rules = rel.starts_with("lint/rules") || rel.starts_with("breaking/rules");
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if !in_rules && lines > MAX_LINES {
            long.push(format!("{} has {lines} lines", rel.display()));
        }
    }
    assert!(
        long.is_empty(),
        "split these by job (at most {MAX_LINES} lines outside the rule folders):\n{}",
        long.join("\n")
    );
}
