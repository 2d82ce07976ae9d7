//! Meta tests of the rule catalog (`rules/*.md`): it agrees with buf 1.75.0's rule lists, every
//! entry has the sections users read, and every example does what it says: `proto bad` blocks
//! trigger the rule, `proto good` blocks do not.

use std::collections::BTreeMap;

use crate::common::*;

/// Every catalog entry as (ID, whole text), from `rules/*.md`.
fn entries() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .flatten()
        .map(|entry| {
            let path = entry.path();
            let id = path.file_stem().unwrap().to_string_lossy().to_string();
            (id, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// (id, categories, default) rows of a reference TSV; `kind` is `lint` or `breaking`.
fn reference(kind: &str, version: &str) -> BTreeMap<String, (Vec<String>, bool)> {
    let text = std::fs::read_to_string(root().join(format!(
        "tests/reference/buf-1.75.0-{kind}-rules-{version}.tsv"
    )))
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let cats = cols[1]
                .split(',')
                .filter(|c| !c.is_empty() && *c != "DEFAULT")
                .map(str::to_string)
                .collect();
            (cols[0].to_string(), (cats, cols[2] == "true"))
        })
        .collect()
}

fn listed(kind: &str, version: &str) -> BTreeMap<String, (Vec<String>, bool)> {
    let out = sous(
        &root(),
        &[
            "config",
            &format!("ls-{kind}-rules"),
            "--version",
            version,
            "--format",
            "json",
            "--include-deprecated",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let cats = v["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            (
                v["id"].as_str().unwrap().to_string(),
                (cats, v["default"].as_bool().unwrap()),
            )
        })
        // A rule beyond buf is not in buf's lists; it must be off by default.
        .filter(|(id, (_, default))| {
            in_buf(id) || {
                assert!(
                    !default,
                    "{id} is not a buf rule but is on by default ({version})"
                );
                false
            }
        })
        .collect()
}

#[test]
fn rule_lists_match_buf() {
    for kind in ["lint", "breaking"] {
        for version in ["v1", "v2"] {
            assert_eq!(
                listed(kind, version),
                reference(kind, version),
                "ls-{kind}-rules --version {version} differs from buf 1.75.0"
            );
        }
        assert_eq!(listed(kind, "v1beta1"), v1beta1(kind));
    }
}

/// The rule order of `ls-{kind}-rules`, which must be buf's.
#[test]
fn rule_lists_are_in_buf_order() {
    for kind in ["lint", "breaking"] {
        for version in ["v1", "v2"] {
            let out = sous(
                &root(),
                &[
                    "config",
                    &format!("ls-{kind}-rules"),
                    "--version",
                    version,
                    "--include-deprecated",
                    "--format",
                    "json",
                ],
            );
            let ours: Vec<String> = out
                .stdout
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
                .map(|s| s.trim_matches('"').to_string())
                .filter(|id| in_buf(id))
                .collect();
            let text = std::fs::read_to_string(root().join(format!(
                "tests/reference/buf-1.75.0-{kind}-rules-{version}.tsv"
            )))
            .unwrap();
            let theirs: Vec<String> = text
                .lines()
                .skip(1)
                .map(|l| l.split('\t').next().unwrap().to_string())
                .collect();
            assert_eq!(ours, theirs, "ls-{kind}-rules --version {version} order");
        }
    }
}

fn v1beta1(kind: &str) -> BTreeMap<String, (Vec<String>, bool)> {
    let text = std::fs::read_to_string(root().join(format!(
        "tests/reference/buf-1.75.0-{kind}-rules-v1beta1.jsonl"
    )))
    .unwrap();
    let v1beta1: BTreeMap<String, (Vec<String>, bool)> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let cats = v["categories"]
                .as_array()
                .map(|a| a.iter().map(|c| c.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (
                v["id"].as_str().unwrap().to_string(),
                (cats, v["default"].as_bool().unwrap()),
            )
        })
        .collect();
    v1beta1
}

/// Each lint entry: front matter, then `# ID`, and the sections every entry has.
#[test]
fn entries_have_their_sections() {
    let mut failures = Vec::new();
    for (id, text) in entries() {
        let sections: Vec<String> = if text.contains("\nkind: lint\n") {
            vec![
                format!("# {id}\n"),
                "## What it checks".into(),
                "## Why it matters".into(),
                "## Example".into(),
                "```proto bad".into(),
                "```proto good".into(),
            ]
        } else {
            vec![
                format!("# {id}\n"),
                "## What it checks".into(),
                "## Who breaks".into(),
                "## Example".into(),
                "```proto old".into(),
                "```proto new".into(),
                "## How to fix".into(),
            ]
        };
        if text.contains("\nTODO\n") {
            failures.push(format!("rules/{id}.md is a TODO"));
        }
        for section in sections {
            if !text.contains(&section) {
                failures.push(format!("rules/{id}.md lacks {section:?}"));
            }
        }
        let explained = sous(&root(), &["explain", &id]);
        if explained.code != 0 || !explained.stdout.contains(&format!("# {id}")) {
            failures.push(format!("sous explain {id} failed: {}", explained.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One fenced example: `proto bad|good [path=...]`.
struct Example {
    good: bool,
    path: Option<String>,
    text: String,
}

fn examples(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim().strip_prefix("```proto ") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let good = match words.next() {
            Some("good") => true,
            Some("bad") => false,
            _ => continue,
        };
        let path = words
            .find_map(|w| w.strip_prefix("path="))
            .map(str::to_string);
        let text: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        out.push(Example {
            good,
            path,
            text: text.join("\n") + "\n",
        });
    }
    out
}

/// Where an example lives: its `path=`, else a directory that matches its package.
fn example_path(ex: &Example, n: usize) -> String {
    if let Some(p) = &ex.path {
        return p.clone();
    }
    let package = ex.text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim_end_matches(';').trim().to_string())
    });
    match package {
        Some(p) => format!("{}/example{n}.proto", p.replace('.', "/")),
        None => format!("example{n}.proto"),
    }
}

#[test]
fn catalog_examples_do_what_they_say() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, text) in entries() {
        if !text.contains("\nkind: lint\n") || !text.contains("```proto ") {
            continue;
        }
        let version = if text.contains("\n  v2:") {
            "v2"
        } else if text.contains("\n  v1:") {
            "v1"
        } else {
            "v1beta1"
        };
        let all = examples(&text);
        // buf parity: a deprecated rule without a replacement (IMPORT_NO_WEAK) never reports, so
        // its `bad` example shows what it used to catch, not what it catches.
        let never_reports = text.contains("\ndeprecated: true\n");
        for good in [false, true] {
            let set: Vec<&Example> = all.iter().filter(|e| e.good == good).collect();
            if set.is_empty() {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("buf.yaml"),
                format!("version: {version}\nlint:\n  use: [{id}]\n"),
            )
            .unwrap();
            for (n, ex) in set.iter().enumerate() {
                let path = dir.path().join(example_path(ex, n));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &ex.text).unwrap();
            }
            let out = sous(dir.path(), &["lint", "--error-format", "json"]);
            let fired = keys(&out.stdout).iter().filter(|k| k.5 == id).count();
            let compiled = !out.stdout.contains("\"COMPILE\"");
            checked += 1;
            match (good, fired, compiled) {
                (_, _, false) => failures.push(format!(
                    "{id}: the {} example does not compile: {}",
                    if good { "good" } else { "bad" },
                    out.stdout
                )),
                (false, 0, _) if !never_reports => {
                    failures.push(format!("{id}: the bad example does not trigger the rule"))
                }
                (true, n, _) if n > 0 => failures.push(format!(
                    "{id}: the good example triggers the rule: {}",
                    out.stdout
                )),
                _ => {}
            }
        }
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule in the catalog, lint and breaking, has code, and every piece of code an entry (the
/// second half is enforced at compile time by `declare_rule!`).
#[test]
fn every_catalog_rule_is_implemented() {
    let mut implemented: Vec<(&str, String)> = sous::lint::rules::all()
        .iter()
        .map(|r| ("lint", r.id().to_string()))
        .collect();
    implemented.extend(
        sous::breaking::rules::all()
            .iter()
            .map(|r| ("breaking", r.id().to_string())),
    );
    let mut missing = Vec::new();
    for (id, text) in entries() {
        for kind in ["lint", "breaking"] {
            if text.contains(&format!("\nkind: {kind}\n"))
                && !implemented.iter().any(|(k, i)| *k == kind && *i == id)
            {
                missing.push(format!("{kind} {id}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "catalog rules without code: {missing:?}"
    );
}

/// The `proto <tag>` blocks of a breaking entry (`old`, `new`, `ok`), in order.
fn breaking_examples(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(tag) = line.trim().strip_prefix("```proto ") else {
            continue;
        };
        let text: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        out.push((tag.trim().to_string(), text.join("\n") + "\n"));
    }
    out
}

/// A breaking entry's `new` block breaks its `old` block under the rule, and its `ok` block
/// (a safe way to make the change, when there is one) does not.
#[test]
fn breaking_examples_do_what_they_say() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, text) in entries() {
        if !text.contains("\nkind: breaking\n") || text.contains("\nTODO\n") {
            continue;
        }
        let version = if text.contains("\n  v2:") { "v2" } else { "v1" };
        let blocks = breaking_examples(&text);
        let Some((_, old)) = blocks.iter().find(|(t, _)| t == "old") else {
            failures.push(format!("{id}: no `proto old` example"));
            continue;
        };
        // A deprecated rule without a replacement never reports: its example shows what it
        // used to catch.
        let never_reports =
            text.contains("\ndeprecated: true\n") && !text.contains("\nreplacements:");
        for (tag, new) in blocks.iter().filter(|(t, _)| t == "new" || t == "ok") {
            let dir = tempfile::tempdir().unwrap();
            for (side, body) in [("old", old), ("new", new)] {
                let d = dir.path().join(side);
                std::fs::create_dir_all(&d).unwrap();
                std::fs::write(
                    d.join("buf.yaml"),
                    format!("version: {version}\nbreaking:\n  use: [{id}]\n"),
                )
                .unwrap();
                std::fs::write(d.join("example.proto"), body).unwrap();
            }
            // Message sets are refused as buf refuses them (exit 1): an example that declares
            // one is compared past that refusal.
            let mut args = BREAKING.to_vec();
            if old.contains("message_set_wire_format") || new.contains("message_set_wire_format") {
                args.push("--allow-message-sets");
            }
            let out = sous(dir.path(), &args);
            checked += 1;
            if out.code != 0 && out.code != 100 || out.stdout.contains("\"COMPILE\"") {
                failures.push(format!(
                    "{id}: the {tag} example does not compile: {}{}",
                    out.stdout, out.stderr
                ));
                continue;
            }
            // buf parity: a deprecated rule with replacements runs as them, under their IDs.
            let replacements: Vec<String> = sous::catalog::get(&id)
                .map(|e| e.replacements.clone())
                .unwrap_or_default();
            let fired = keys(&out.stdout)
                .iter()
                .any(|k| k.5 == id || replacements.contains(&k.5));
            match (tag.as_str(), fired) {
                ("new", false) if !never_reports => {
                    failures.push(format!("{id}: the new example does not trigger the rule"))
                }
                ("ok", true) => failures.push(format!(
                    "{id}: the ok example triggers the rule: {}",
                    out.stdout
                )),
                _ => {}
            }
        }
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `scripts/new-rule` marks what it cannot know with `TODO(new-rule)`: none of it may land.
#[test]
fn no_scaffold_placeholders_are_left() {
    let mut left: Vec<String> = ["src", "rules", "fixtures"]
        .iter()
        .flat_map(|d| files_under(&root().join(d)))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("TODO(new-rule)")))
        .map(|p| rel(&p))
        .collect();
    left.sort();
    assert!(left.is_empty(), "TODO(new-rule) left in {left:?}");
}
