//! `--error-format sarif`: every log the tests produce is valid against the SARIF 2.1.0 schema,
//! every result points at its rule, regions are in code points (tabs and wide characters before
//! the finding included), fingerprints survive a second run and moved lines, and every result has
//! a file URI, which GitHub code scanning requires of each one.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// A validator for `tests/reference/sarif-schema-2.1.0.json`, formats included.
fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/reference/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The schema says draft-04, which has no `uri-reference` format, so a draft-04 validator
    // would let any artifact URI through; GitHub's upload checks it. The schema uses nothing
    // that draft-07 reads differently (no exclusiveMinimum, only local `$ref`s), so validate as
    // draft-07.
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Validates `log` against the SARIF 2.1.0 schema.
pub(crate) fn assert_valid(log: &Value) {
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// Runs sous with `args` plus `--error-format sarif` in `cwd`; checks exit 100 and the log.
fn sarif(cwd: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--error-format", "sarif"]);
    let out = sous(cwd, &all);
    assert_eq!(out.code, 100, "stderr: {}", out.stderr);
    assert!(
        out.stderr.is_empty(),
        "machine formats print nothing on stderr: {}",
        out.stderr
    );
    let log: Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_valid(&log);
    check_shape(&log);
    log
}

/// What GitHub code scanning needs beyond the schema, and our own invariants.
fn check_shape(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sous");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let rules = driver["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1, "{result}");
        let physical = &locations[0]["physicalLocation"];
        assert!(
            !physical["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{result}"
        );
        assert!(physical["region"]["startLine"].as_u64().unwrap() >= 1);
        let fingerprint = result["partialFingerprints"]["sous/v1"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 64 + 2, "{fingerprint}");
    }
    // Each rule that fired, once.
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_eq!(rule["help"]["text"], rule["help"]["markdown"]);
        if id == "COMPILE" {
            continue;
        }
        // The help is the catalog entry `sous explain` prints: rules/<ID>.md after its front
        // matter.
        let entry = std::fs::read_to_string(root().join(format!("rules/{id}.md"))).unwrap();
        let body = entry.splitn(3, "---\n").nth(2).unwrap().trim();
        assert_eq!(rule["help"]["text"], body, "{id}");
        let checks = body.split("## What it checks\n").nth(1).unwrap();
        let checks = checks.split("\n#").next().unwrap().trim();
        assert_eq!(rule["fullDescription"]["markdown"], checks, "{id}");
    }
}

/// The log with the rules' long texts (tested against the catalog above) and the version left
/// out, for snapshots that do not change with the docs.
fn redacted(log: &Value) -> String {
    let mut log = log.clone();
    let driver = &mut log["runs"][0]["tool"]["driver"];
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    for rule in driver["rules"].as_array_mut().unwrap() {
        if rule["id"] != "COMPILE" {
            rule["fullDescription"] = "[catalog: What it checks]".into();
            rule["help"] = "[catalog: body]".into();
        }
    }
    serde_json::to_string_pretty(&log).unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn fingerprints(log: &Value) -> Vec<String> {
    results(log)
        .iter()
        .map(|r| {
            r["partialFingerprints"]["sous/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn lint_demo() {
    let dir = root().join("fixtures/projects/demo");
    let log = sarif(&dir, &["lint"]);
    assert!(!results(&log).is_empty());
    for r in results(&log) {
        let tags = &log["runs"][0]["tool"]["driver"]["rules"]
            [r["ruleIndex"].as_u64().unwrap() as usize]["properties"]["tags"];
        assert_eq!(tags[0], "lint");
    }
    // The same run twice: the same log, byte for byte.
    let again = sarif(&dir, &["lint"]);
    assert_eq!(log, again);
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("sarif__lint_demo", redacted(&log));
}

#[test]
fn breaking_field_same_type() {
    let dir = root().join("fixtures/breaking/field_same_type");
    let log = sarif(&dir, &["breaking", "new", "--against", "old"]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "FIELD_SAME_TYPE").unwrap();
    // v2's categories after the kind.
    assert_eq!(
        rule["properties"]["tags"],
        serde_json::json!(["breaking", "CSR", "FILE", "PACKAGE"])
    );
    assert_eq!(rule["name"], "FieldSameType");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Fields have the same types in a given message."
    );
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("sarif__breaking_field_same_type", redacted(&log));
}

#[test]
fn breaking_deleted_files_have_no_path() {
    let dir = root().join("fixtures/breaking/file_no_delete");
    let log = sarif(&dir, &["breaking", "new", "--against", "old"]);
    // buf prints these as `<input>`; GitHub needs a file URI on every result, so they point at
    // that name.
    let pathless: Vec<&Value> = results(&log)
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%3Cinput%3E"
        })
        .collect();
    assert!(!pathless.is_empty());
    for r in pathless {
        assert_eq!(r["ruleId"], "FILE_NO_DELETE");
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("was deleted"));
    }
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("sarif__breaking_deleted_files_have_no_path", redacted(&log));
}

const CONFIG: &str = "version: v2\nlint:\n  use:\n    - FIELD_LOWER_SNAKE_CASE\n";

/// A tab, a comment of wide characters and an accented one before the field name.
const TABBED: &str = "syntax = \"proto3\";\n\npackage acme.v1;\n\n// Commandes passées\nmessage Order {\n\t/* 日本語 é */ string orderId = 1;\n}\n";

fn workspace(proto: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), CONFIG).unwrap();
    std::fs::create_dir_all(dir.path().join("acme/v1")).unwrap();
    std::fs::write(dir.path().join("acme/v1/order.proto"), proto).unwrap();
    dir
}

#[test]
fn regions_count_code_points_after_tabs_and_wide_characters() {
    let dir = workspace(TABBED);
    let log = sarif(dir.path(), &["lint"]);
    let found = results(&log);
    assert_eq!(found.len(), 1, "{found:?}");
    let r = &found[0];
    assert_eq!(r["ruleId"], "FIELD_LOWER_SNAKE_CASE");
    let physical = &r["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "acme/v1/order.proto");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");

    // The expected region, from the text: the name `orderId` on line 7, in code points.
    let line = TABBED.lines().nth(6).unwrap();
    let byte = line.find("orderId").unwrap();
    let start = line[..byte].chars().count() as u64 + 1;
    let region = &physical["region"];
    assert_eq!(region["startLine"], 7);
    assert_eq!(region["endLine"], 7);
    assert_eq!(region["startColumn"], start);
    assert_eq!(region["endColumn"], start + "orderId".len() as u64);
    assert_eq!(start, 21);

    // buf's own columns for the same place count cells (tab to 4, wide characters 2): the
    // conversion starts from what buf prints.
    let json = sous(dir.path(), &["lint", "--error-format", "json"]);
    let theirs = buf(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(keys(&json.stdout), keys(&theirs.stdout));
    let key = keys(&theirs.stdout).into_iter().next().unwrap();
    assert_eq!((key.1, key.2, key.4), (7, 27, 34));

    let _snapshots = snapshot_settings();
    insta::assert_snapshot!(
        "sarif__regions_count_code_points_after_tabs_and_wide_characters",
        redacted(&log)
    );
}

#[test]
fn fingerprints_survive_runs_and_moved_lines() {
    let dir = workspace(TABBED);
    let first = sarif(dir.path(), &["lint"]);
    let second = sarif(dir.path(), &["lint"]);
    assert_eq!(fingerprints(&first), fingerprints(&second));

    // Three lines more above the finding: the region moves, the fingerprint does not.
    let moved = TABBED.replace("package acme.v1;\n", "package acme.v1;\n\n// More.\n\n");
    std::fs::write(dir.path().join("acme/v1/order.proto"), moved).unwrap();
    let third = sarif(dir.path(), &["lint"]);
    assert_eq!(fingerprints(&first), fingerprints(&third));
    let line = |log: &Value| {
        results(log)[0]["locations"][0]["physicalLocation"]["region"]["startLine"].clone()
    };
    assert_eq!(line(&third), 10);
    assert_ne!(line(&first), line(&third));
}

#[test]
fn compile_errors_have_a_driver_rule() {
    let dir = workspace("syntax = \"proto3\";\n\nmessage {\n");
    let log = sarif(dir.path(), &["lint"]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["id"], "COMPILE");
    assert!(rules[0]["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## How to fix"));
    assert_eq!(results(&log)[0]["ruleIndex"], 0);
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("sarif__compile_errors_have_a_driver_rule", redacted(&log));
}

#[test]
fn the_validator_rejects_broken_logs() {
    // The schema check above must be able to fail: a line 0 and a URI with a space are caught.
    let dir = workspace(TABBED);
    let out = sous(dir.path(), &["lint", "--error-format", "sarif"]);
    let mut log: Value = serde_json::from_str(&out.stdout).unwrap();
    let validator = validator();
    assert!(validator.is_valid(&log));
    let pointer = "/runs/0/results/0/locations/0/physicalLocation";
    log.pointer_mut(&format!("{pointer}/region/startLine"))
        .map(|v| *v = 0.into())
        .unwrap();
    assert!(!validator.is_valid(&log));
    log.pointer_mut(&format!("{pointer}/region/startLine"))
        .map(|v| *v = 1.into())
        .unwrap();
    assert!(validator.is_valid(&log));
    log.pointer_mut(&format!("{pointer}/artifactLocation/uri"))
        .map(|v| *v = "a b.proto".into())
        .unwrap();
    assert!(!validator.is_valid(&log));
}
