//! `scripts/new-rule`, run in a temporary copy of the files it reads and writes: it creates the
//! rule file, the catalog entry with every section the catalog tests require, the starter
//! fixtures and exactly one registry line, and refuses a malformed or existing ID without
//! writing anything.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The script, the catalog, the rule folders (with the real registries) and the fixture
/// directories' names: what the script looks at.
fn copy_of_the_repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path();
    std::fs::create_dir_all(dst.join("scripts")).unwrap();
    std::fs::copy(
        root().join("scripts/new-rule"),
        dst.join("scripts/new-rule"),
    )
    .unwrap();
    copy_dir(&root().join("rules"), &dst.join("rules"));
    for kind in ["lint", "breaking"] {
        let rules = format!("src/{kind}/rules");
        copy_dir(&root().join(&rules), &dst.join(&rules));
        for dir in fixture_dirs(kind) {
            let name = dir.file_name().unwrap();
            std::fs::create_dir_all(dst.join("fixtures").join(kind).join(name)).unwrap();
        }
    }
    tmp
}

fn new_rule(repo: &Path, args: &[&str]) -> Output {
    let out = Command::new("python3")
        .arg(repo.join("scripts/new-rule"))
        .args(args)
        .output()
        .expect("python3");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn read(repo: &Path, rel: &str) -> String {
    std::fs::read_to_string(repo.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy();
                out.push(rel.into_owned());
            }
        }
    }
    out.sort();
    out
}

/// The sections `catalog::entries_have_their_sections` requires of an entry of this kind.
fn sections(kind: &str, id: &str) -> Vec<String> {
    let mut out = vec![format!("# {id}\n"), "## What it checks".into()];
    let rest: &[&str] = match kind {
        "lint" => &[
            "## Why it matters",
            "## Example",
            "```proto bad",
            "```proto good",
        ],
        _ => &[
            "## Who breaks",
            "## Example",
            "```proto old",
            "```proto new",
            "## How to fix",
        ],
    };
    out.extend(rest.iter().map(|s| s.to_string()));
    out
}

fn scaffolds(kind: &str, id: &str, struct_name: &str, fixture_files: &[&str]) {
    let repo = copy_of_the_repository();
    let repo = repo.path();
    let module = id.to_ascii_lowercase();
    let registry = format!("src/{kind}/rules/mod.rs");
    let before = read(repo, &registry);

    let out = new_rule(repo, &[kind, id]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);

    let code = read(repo, &format!("src/{kind}/rules/{module}.rs"));
    assert!(code.starts_with(&format!("//! {id}: ")), "{code}");
    let lines: Vec<&str> = code.lines().filter(|l| !l.starts_with("//")).collect();
    for line in [
        "use super::prelude::*;".to_string(),
        format!("declare_rule!({struct_name}, \"{id}\");"),
        format!("impl Rule for {struct_name} {{}}"),
    ] {
        assert!(lines.contains(&line.as_str()), "no {line:?} in\n{code}");
    }

    let entry = read(repo, &format!("rules/{id}.md"));
    assert!(
        entry.starts_with(&format!("---\nid: {id}\nkind: {kind}\nsummary: ")),
        "{entry}"
    );
    let front = entry.split("\n---\n").next().unwrap();
    for key in ["categories:", "default: []", "deprecated: false"] {
        assert!(
            front.contains(key),
            "no {key} in the front matter:\n{front}"
        );
    }
    for section in sections(kind, id) {
        assert!(entry.contains(&section), "no {section:?} in\n{entry}");
    }

    let fixture = repo.join("fixtures").join(kind).join(&module);
    assert_eq!(files(&fixture), fixture_files);
    for config in fixture_files.iter().filter(|f| f.ends_with("buf.yaml")) {
        let text = read(repo, &format!("fixtures/{kind}/{module}/{config}"));
        assert!(text.contains(&format!("use: [{id}]")), "{config}: {text}");
    }

    // Exactly one line more, inside the `registry! { ... }` list, after its last entry.
    let after = read(repo, &registry);
    let line = format!("    {module}::{struct_name},");
    let added: Vec<&str> = after.lines().filter(|l| !before.contains(*l)).collect();
    assert_eq!(added, [line.as_str()], "{after}");
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    let open = after
        .find("registry! {\n")
        .expect("the registry! { ... } list");
    let close = after[open..].find("\n}\n").unwrap();
    let block = &after[open..][..close];
    assert!(block.ends_with(&format!("\n{line}")), "{after}");

    // The same ID again: refused, nothing written.
    let out = new_rule(repo, &[kind, id]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("exists"), "{}", out.stderr);
    assert_eq!(read(repo, &registry), after);
}

#[test]
fn new_lint_rule() {
    scaffolds(
        "lint",
        "FIELD_NO_FOO",
        "FieldNoFoo",
        &["bad.proto", "buf.yaml", "good.proto"],
    );
}

#[test]
fn new_breaking_rule() {
    scaffolds(
        "breaking",
        "FIELD_SAME_UTF8_FOO",
        "FieldSameUtf8Foo",
        &[
            "new/buf.yaml",
            "new/example.proto",
            "old/buf.yaml",
            "old/example.proto",
        ],
    );
}

#[test]
fn malformed_and_existing_ids_are_refused() {
    let repo = copy_of_the_repository();
    let repo = repo.path();
    let before = files(repo);
    let registries = |repo: &Path| {
        ["lint", "breaking"].map(|kind| read(repo, &format!("src/{kind}/rules/mod.rs")))
    };
    let registries_before = registries(repo);
    for args in [
        &["lint", "field_no_foo"][..],
        &["lint", "FIELD-NO-FOO"],
        &["lint", "FIELD__NO_FOO"],
        &["lint", "_FIELD"],
        &["lint", "1FIELD"],
        &["lint", ""],
        &["format", "FIELD_NO_FOO"],
        &["lint"],
        &["lint", "FIELD_NO_FOO", "extra"],
        // Taken, by a rule of either kind.
        &["lint", "FIELD_LOWER_SNAKE_CASE"],
        &["lint", "FIELD_NO_DELETE"],
        &["breaking", "FIELD_LOWER_SNAKE_CASE"],
    ] {
        let out = new_rule(repo, args);
        assert_eq!(out.code, 1, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.starts_with("new-rule: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(files(repo), before, "a refused ID wrote something");
    assert_eq!(registries(repo), registries_before);
}
