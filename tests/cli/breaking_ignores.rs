//! `// sous:breaking:ignore RULE_ID <reason>` comments (fixture `projects/breaking_ignores`):
//! one accepted finding on every kind of element (file, message, field, oneof, enum, enum value,
//! service, rpc) and on deletions (on the element that remains), compared with the real buf,
//! which does not read these comments and reports every one of them. Accepted findings are left
//! out of the text formats and the exit code, and carried, with their reason, by JSON and SARIF.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

/// The rules whose findings the fixture's comments accept, one finding each.
const ACCEPTED: &[(&str, &str)] = &[
    (
        "FILE_SAME_GO_PACKAGE",
        "the Go module moved; every importer was updated",
    ),
    ("MESSAGE_NO_DELETE", "Gone was never used by any client"),
    (
        "FIELD_SAME_TYPE",
        "ids are opaque strings on the wire for every client",
    ),
    (
        "FIELD_SAME_CARDINALITY",
        "quantity was never set by clients",
    ),
    ("FIELD_SAME_NAME", "the voucher flow shipped in no release"),
    ("FIELD_NO_DELETE", "tracking moved to the carrier's API"),
    (
        "ENUM_VALUE_NO_DELETE",
        "closed orders are archived, never read",
    ),
    ("ENUM_VALUE_SAME_NAME", "generated code never named it"),
    ("RPC_NO_DELETE", "ListOrders had no callers"),
    ("RPC_SAME_RESPONSE_TYPE", "the gateway maps both shapes"),
];

fn fixture() -> PathBuf {
    root().join("fixtures/projects/breaking_ignores")
}

/// A copy of the fixture to change.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in files_under(&fixture()) {
        let rel = file.strip_prefix(fixture()).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    dir
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (rule, justification) of every suppressed finding in JSON Lines.
fn suppressed(found: &[Value]) -> BTreeSet<(String, String)> {
    found
        .iter()
        .filter(|f| f.get("suppression").is_some())
        .map(|f| {
            assert_eq!(f["suppression"]["kind"], "inSource");
            (
                f["type"].as_str().unwrap().to_string(),
                f["suppression"]["justification"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn accepted() -> BTreeSet<(String, String)> {
    ACCEPTED
        .iter()
        .map(|(r, j)| (r.to_string(), j.to_string()))
        .collect()
}

#[test]
fn every_element_kind_buf_still_reports_them() {
    let dir = fixture();
    let sous_json = sous(&dir, &BREAKING);
    assert_eq!(sous_json.code, 100, "{}", sous_json.stderr);
    let found = lines(&sous_json.stdout);
    assert_eq!(suppressed(&found), accepted());
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("breaking_ignores__json", sous_json.stdout);
    // JSON carries every finding buf makes, accepted or not, at buf's places: the comments add
    // a key and remove nothing.
    let buf_out = buf(&dir, &BREAKING);
    assert_eq!(buf_out.code, 100, "{}", buf_out.stderr);
    assert_eq!(keys(&sous_json.stdout), keys(&buf_out.stdout));
    let buf_rules: BTreeSet<String> = keys(&buf_out.stdout).into_iter().map(|k| k.5).collect();
    for (rule, _) in ACCEPTED {
        assert!(buf_rules.contains(*rule), "buf reports {rule}");
    }
    // The suppression key is the only one beyond buf's, but `fix` on a finding sous can fix.
    for f in &found {
        let extra: Vec<&String> = f
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| {
                ![
                    "path",
                    "start_line",
                    "start_column",
                    "end_line",
                    "end_column",
                    "type",
                    "message",
                ]
                .contains(&k.as_str())
            })
            .collect();
        assert!(
            extra.iter().all(|k| *k == "suppression" || *k == "fix"),
            "{extra:?} in {f}"
        );
    }
    // Text leaves accepted findings out: only the two the comments do not name are printed.
    let text = sous(&dir, &["breaking", "new", "--against", "old"]);
    assert_eq!(text.code, 100);
    let printed: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(printed.len(), 2, "{}", text.stdout);
    assert!(printed[0].contains("JSON name"), "{}", printed[0]);
    assert!(printed[1].contains("\"Cancel\""), "{}", printed[1]);
    // So do the other formats for people and CI annotations.
    let github = sous(
        &dir,
        &[
            "breaking",
            "new",
            "--against",
            "old",
            "--error-format",
            "github-actions",
        ],
    );
    assert_eq!(github.stdout.lines().count(), 2, "{}", github.stdout);
}

#[test]
fn suppression_points_at_the_comment() {
    let found = lines(&sous(&fixture(), &BREAKING).stdout);
    let text = std::fs::read_to_string(fixture().join("new/acme/v1/order.proto")).unwrap();
    for f in found.iter().filter(|f| f.get("suppression").is_some()) {
        let location = f["suppression"]["location"].as_str().unwrap();
        let (path, line) = location.rsplit_once(':').unwrap();
        assert_eq!(path, "new/acme/v1/order.proto");
        let line: usize = line.parse().unwrap();
        let comment = text.lines().nth(line - 1).unwrap();
        assert!(
            comment.contains(&format!(
                "sous:breaking:ignore {}",
                f["type"].as_str().unwrap()
            )),
            "{location} is {comment:?}"
        );
    }
}

#[test]
fn all_accepted_exits_0_where_buf_fails() {
    let dir = copy();
    let proto = dir.path().join("new/acme/v1/order.proto");
    let text = std::fs::read_to_string(&proto).unwrap();
    let text = text
        .replace(
            "// sous:breaking:ignore RPC_SAME_REQUEST_TYPE not the rule that fires",
            "// sous:breaking:ignore RPC_NO_DELETE Cancel was never called",
        )
        .replace(
            "// sous:breaking:ignore FIELD_SAME_NAME the voucher flow shipped in no release",
            "// sous:breaking:ignore FIELD_SAME_NAME the voucher flow shipped in no release\n  // sous:breaking:ignore FIELD_SAME_JSON_NAME no JSON client",
        );
    std::fs::write(&proto, text).unwrap();
    let out = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    let json = sous(dir.path(), &BREAKING);
    assert_eq!(json.code, 0);
    assert_eq!(lines(&json.stdout).len(), 12, "{}", json.stdout);
    assert_eq!(buf(dir.path(), &BREAKING).code, 100);
}

#[test]
fn missing_reason_is_an_error_naming_file_and_line() {
    let dir = copy();
    let proto = dir.path().join("new/acme/v1/order.proto");
    let text = std::fs::read_to_string(&proto).unwrap();
    std::fs::write(
        &proto,
        text.replace(
            "// sous:breaking:ignore RPC_NO_DELETE ListOrders had no callers",
            "// sous:breaking:ignore RPC_NO_DELETE",
        ),
    )
    .unwrap();
    let out = sous(dir.path(), &BREAKING);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains(
            "new/acme/v1/order.proto:46: `sous:breaking:ignore RPC_NO_DELETE` gives no reason"
        ),
        "{}",
        out.stderr
    );
    // A rule that does not exist is refused too.
    std::fs::write(
        &proto,
        text.replace(
            "// sous:breaking:ignore RPC_NO_DELETE ListOrders had no callers",
            "// sous:breaking:ignore RPC_NO_DELET ListOrders had no callers",
        ),
    )
    .unwrap();
    let out = sous(dir.path(), &BREAKING);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("new/acme/v1/order.proto:46:") && out.stderr.contains("RPC_NO_DELET"),
        "{}",
        out.stderr
    );
}

#[test]
fn disabled_by_config() {
    let dir = copy();
    std::fs::write(
        dir.path().join("new/buf.yaml"),
        "version: v2\nbreaking:\n  use: [FILE]\n  disallow_comment_ignores: true\n",
    )
    .unwrap();
    let out = sous(dir.path(), &BREAKING);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let found = lines(&out.stdout);
    assert!(suppressed(&found).is_empty(), "{}", out.stdout);
    let buf_out = buf(&fixture(), &BREAKING);
    assert_eq!(keys(&out.stdout), keys(&buf_out.stdout));
    let text = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_eq!(text.stdout.lines().count(), found.len());
    // Off, the comments are not read at all: one without a reason is no error.
    let proto = dir.path().join("new/acme/v1/order.proto");
    let source = std::fs::read_to_string(&proto).unwrap();
    std::fs::write(
        &proto,
        source.replace("RPC_NO_DELETE ListOrders had no callers", "RPC_NO_DELETE"),
    )
    .unwrap();
    assert_eq!(sous(dir.path(), &BREAKING).code, 100);
}

#[test]
fn sarif_carries_suppressions_with_justification() {
    let dir: &Path = &fixture();
    let out = sous(
        dir,
        &[
            "breaking",
            "new",
            "--against",
            "old",
            "--error-format",
            "sarif",
        ],
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    crate::sarif::assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 12);
    let mut seen = BTreeSet::new();
    for r in results {
        let Some(suppressions) = r.get("suppressions") else {
            continue;
        };
        let s = &suppressions[0];
        assert_eq!(s["kind"], "inSource");
        assert_eq!(s["status"], "accepted");
        let uri = &s["location"]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "new/acme/v1/order.proto");
        seen.insert((
            r["ruleId"].as_str().unwrap().to_string(),
            s["justification"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(seen, accepted());
}

/// The README's example: the new version of a file whose deleted field is accepted on its
/// message, against the version that had it.
#[test]
fn readme_example_is_accepted() {
    let example = crate::snippets::blocks()
        .into_iter()
        .map(|(_, body)| body)
        .find(|body| body.starts_with("// proto/acme/v1/order.proto\n"))
        .expect("the README's example");
    let dir = tempfile::tempdir().unwrap();
    let put = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put("old/buf.yaml", "version: v2\n");
    put("new/buf.yaml", "version: v2\n");
    put(
        "old/acme/v1/order.proto",
        "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n",
    );
    put("new/acme/v1/order.proto", &example);
    let out = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    let found = lines(&sous(dir.path(), &BREAKING).stdout);
    assert_eq!(
        suppressed(&found),
        BTreeSet::from([(
            "FIELD_NO_DELETE".to_string(),
            "note was write-only: no client ever read it".to_string()
        )])
    );
    let buf_out = buf(dir.path(), &BREAKING);
    assert_eq!(buf_out.code, 100, "{}", buf_out.stderr);
    assert_eq!(
        keys(&buf_out.stdout),
        keys(&sous(dir.path(), &BREAKING).stdout)
    );
}
