//! Every rule's fixtures: `fixtures/lint/<rule_id>/` is a workspace whose `bad*.proto` files must
//! trigger the rule and whose `good*.proto` files must not. The findings are snapshotted.

mod common;

use common::*;

#[test]
fn lint_rule_fixtures() {
    let dirs = fixture_dirs("lint");
    assert!(!dirs.is_empty(), "no fixtures under fixtures/lint");
    let mut failures = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let rule = name.to_ascii_uppercase();
        let out = sous(&root(), &["lint", &rel(&dir), "--error-format", "json"]);
        assert!(
            out.code == 0 || out.code == 100,
            "{name}: exit {}\n{}",
            out.code,
            out.stderr
        );
        insta::assert_snapshot!(format!("lint__{name}"), out.stdout);
        let findings = keys(&out.stdout);
        let of_rule: Vec<_> = findings.iter().filter(|k| k.5 == rule).collect();
        if catalog_has(&rule) {
            if of_rule.is_empty() {
                failures.push(format!("{name}: {rule} did not fire on any bad file"));
            }
            for k in &of_rule {
                let file = k.0.rsplit('/').next().unwrap();
                if file.starts_with("good") {
                    failures.push(format!("{name}: {rule} fired on {}:{}:{}", k.0, k.1, k.2));
                }
            }
            for entry in walk_protos(&dir) {
                let file = entry.file_name().unwrap().to_string_lossy().to_string();
                let display = rel(&entry);
                if file.starts_with("bad") && !of_rule.iter().any(|k| k.0 == display) {
                    failures.push(format!("{name}: {rule} did not fire on {display}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn catalog_has(rule: &str) -> bool {
    root().join("rules").join(format!("{rule}.md")).is_file()
}

fn walk_protos(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "proto") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
