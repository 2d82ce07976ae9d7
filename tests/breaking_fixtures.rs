//! Every breaking rule's fixtures: `fixtures/breaking/<rule_id>[__variant]/` holds an `old/` and a
//! `new/` workspace, compared with `sous breaking new --against old` from inside the directory.
//! A directory named after a rule (`<rule_id>` or `<rule_id>__<variant>`) must trigger that rule;
//! one whose variant starts with `ok` (`<rule_id>__ok_<what>`) holds changes the rule must let
//! through. The findings are snapshotted.

mod common;

use common::*;

#[test]
fn breaking_rule_fixtures() {
    let dirs = fixture_dirs("breaking");
    assert!(!dirs.is_empty(), "no fixtures under fixtures/breaking");
    let mut failures = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (rule, variant) = match name.split_once("__") {
            Some((r, v)) => (r.to_ascii_uppercase(), v.to_string()),
            None => (name.to_ascii_uppercase(), String::new()),
        };
        let out = sous(
            &dir,
            &[
                "breaking",
                "new",
                "--against",
                "old",
                "--error-format",
                "json",
            ],
        );
        assert!(
            out.code == 0 || out.code == 100,
            "{name}: exit {}\n{}",
            out.code,
            out.stderr
        );
        insta::assert_snapshot!(format!("breaking__{name}"), out.stdout);
        let fired = keys(&out.stdout).iter().any(|k| k.5 == rule);
        if variant.starts_with("ok") && fired {
            failures.push(format!("{name}: {rule} fired on a change it must allow"));
        } else if !variant.starts_with("ok") && !fired {
            failures.push(format!("{name}: {rule} did not fire"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
