//! The module graph points one way: a module of `src/` uses only modules that come before it in
//! the flow below (base vocabulary first, then the stages, then the orchestration). This test
//! reads every `crate::` path in `src/` (with `crate::{..}` groups over several lines, and
//! `super::` paths that climb to the crate root), outside comments and literals, and fails on an
//! arrow that runs back up, so a contributor learns it at `cargo test`, not at review. The flow
//! is `ORDER` below, which must be the order `src/lib.rs`'s `//!` documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The order of the top-level modules of `src/`, from the bottom up. `lint` and `breaking` are
/// siblings: neither may use the other.
const ORDER: &[&[&str]] = &[
    &["error", "trace", "paths"],
    &["atomic", "cli", "finding", "catalog", "rule", "descriptor"],
    &["config"],
    &["input"],
    &["deps"],
    &["schema"],
    &["against"],
    &["ignore"],
    &["lint", "breaking"],
    &["fix"],
    &["report"],
    &["invocation"],
    &["image_input"],
    &["lsp", "cache"],
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

/// `text` with its comments and the contents of its string and character literals blanked
/// out (each character replaced by a space, newlines kept), so that what is left is code.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            // A raw string: r"..." or r#"..."#, closed by a quote and as many hashes.
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body = i + 2 + hashes;
            let rest: String = chars[body..].iter().collect();
            let len = rest
                .find(&close)
                .map_or(rest.len(), |n| rest[..n].chars().count());
            for &c in &chars[i..body + len] {
                blank(&mut out, c);
            }
            i = (body + len + 1 + hashes).min(chars.len());
            out.extend(std::iter::repeat_n(' ', 1 + hashes));
        } else if c == '"' || (c == '\'' && is_char_literal(&chars, i)) {
            blank(&mut out, c);
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
            if i < chars.len() {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && is_ident_char(chars[i - 1])
}

/// Whether the `'` at `i` opens a character literal (`'a'`, `'\n'`), not a lifetime (`'a`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    chars.get(i + 1) == Some(&'\\') || chars.get(i + 2) == Some(&'\'')
}

/// The identifier at the start of `s`, after any whitespace.
fn ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| is_ident_char(*c))
        .collect()
}

/// Every top-level module a source file names: `crate::NAME` (and `$crate::NAME`), every item of
/// a `crate::{a, b::{c, d}}` group (here `a` and `b`), however many lines it spans, and
/// `super::...::NAME` paths that climb to the crate root. `module` is the file's module path
/// (`src/lint/rules/x.rs` -> `["lint", "rules", "x"]`); `mod NAME { .. }` blocks inside the file
/// are counted as levels of their own; a `super` inside `macro_rules!` belongs to where the macro
/// is expanded, and is not checked. Comments and literals are not code, and are skipped.
fn uses(text: &str, module: &[String]) -> BTreeSet<String> {
    let code = code_only(text);
    let chars: Vec<char> = code.chars().collect();
    let mut out = BTreeSet::new();
    let mut braces = 0usize;
    // The brace depth at which each enclosing inline `mod NAME {` opened.
    let mut inline: Vec<usize> = Vec::new();
    let mut pending_mod = false;
    // The brace depth at which the enclosing `macro_rules! NAME {` opened, if any: a `super`
    // there is resolved where the macro is expanded, so it is not checked here.
    let mut in_macro: Option<usize> = None;
    let mut pending_macro = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' => {
                braces += 1;
                if pending_mod {
                    inline.push(braces);
                    pending_mod = false;
                }
                if pending_macro && in_macro.is_none() {
                    in_macro = Some(braces);
                }
                pending_macro = false;
                i += 1;
                continue;
            }
            '}' => {
                if inline.last() == Some(&braces) {
                    inline.pop();
                }
                if in_macro == Some(braces) {
                    in_macro = None;
                }
                braces = braces.saturating_sub(1);
                i += 1;
                continue;
            }
            ';' => pending_mod = false,
            _ => {}
        }
        if !is_ident_char(c) || ident_before(&chars, i) {
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().collect();
        let word = ident(&rest);
        let after = &rest[word.len()..];
        if word == "mod" {
            pending_mod = true;
        } else if word == "macro_rules" {
            pending_macro = true;
        } else if word == "crate" {
            if let Some(path) = after.trim_start().strip_prefix("::") {
                add_path_head(path, &mut out);
            }
        } else if word == "super" {
            // `super::super::NAME`: each `super` climbs one level.
            let mut climbs = 1;
            let mut path = after;
            while let Some(p) = path.trim_start().strip_prefix("::") {
                if ident(p) == "super" {
                    climbs += 1;
                    path = &p.trim_start()["super".len()..];
                } else {
                    path = p;
                    break;
                }
            }
            if in_macro.is_none() && climbs >= module.len() + inline.len() {
                add_path_head(path, &mut out);
            }
            i += rest.len() - path.len();
            continue;
        }
        i += word.chars().count();
    }
    out
}

/// The first name of a path that starts at the crate root (`lint::Rule` -> `lint`), or every
/// first name of a `{..}` group (`{a, b::{c, d}}` -> `a`, `b`).
fn add_path_head(path: &str, out: &mut BTreeSet<String>) {
    let path = path.trim_start();
    let Some(group) = path.strip_prefix('{') else {
        let name = ident(path);
        if !name.is_empty() {
            out.insert(name);
        }
        return;
    };
    let mut depth = 0;
    let mut item_start = true;
    for (j, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            _ if item_start && is_ident_char(c) => {
                let name = ident(&group[j..]);
                if name != "self" {
                    out.insert(name);
                }
                item_start = false;
            }
            _ => {}
        }
    }
}

/// The module path of a file of `src/`: `lint/rules/x.rs` -> `lint::rules::x`, `lint/mod.rs`
/// -> `lint`, `app.rs` -> `app`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
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
        for to in uses(&text, &module_path(&rel)) {
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

/// The modules `src/lib.rs`'s `//!` names (`[`name`]`) in its list of the modules from the
/// bottom up, in order.
fn lib_doc_order(lib: &str) -> Vec<String> {
    let doc: Vec<&str> = lib
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .skip_while(|l| !l.contains("The modules, from the bottom up"))
        .skip(1)
        .collect();
    let mut names = Vec::new();
    for line in doc {
        let mut rest = line;
        while let Some(i) = rest.find("[`") {
            let after = &rest[i + 2..];
            let Some(end) = after.find("`]") else { break };
            names.push(after[..end].to_string());
            rest = &after[end + 2..];
        }
    }
    names
}

/// `ORDER` above and the list in `src/lib.rs`'s `//!` are the same order, and name every
/// `pub mod` of `src/lib.rs`, so the documented flow and the checked one cannot drift apart.
#[test]
fn order_is_lib_rs_order() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let order: Vec<String> = ORDER
        .iter()
        .flat_map(|l| l.iter())
        .map(|m| m.to_string())
        .collect();
    assert_eq!(
        lib_doc_order(&lib),
        order,
        "the module list in src/lib.rs's //! and ORDER in this test differ"
    );
    let declared: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    let ordered: BTreeSet<String> = order.into_iter().collect();
    assert_eq!(declared, ordered, "src/lib.rs's pub mods and ORDER differ");
}
