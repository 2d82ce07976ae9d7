//! `--add-ignores`, `--fix` and `--diff` on the fixtures under `fixtures/fix/`, each copied to a
//! temporary directory: the diff and the fixed file are snapshotted; the fixed files are checked
//! again by sous and by the real buf (the fixed findings gone in both, but for the documented
//! `FILE` case); a second run changes nothing; a fix that cannot be made leaves the file alone
//! and says why.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::*;

const LINT_JSON: [&str; 3] = ["lint", "--error-format", "json"];

/// A copy of `fixtures/fix/<name>` in a temporary directory.
fn copy(name: &str) -> tempfile::TempDir {
    let from = root().join("fixtures/fix").join(name);
    let dir = tempfile::tempdir().unwrap();
    for file in files_under(&from) {
        let to = dir.path().join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    dir
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The rule IDs of JSON findings, with repeats.
fn rules(json_lines: &str) -> Vec<String> {
    let mut out: Vec<String> = keys(json_lines).into_iter().map(|k| k.5).collect();
    out.sort();
    out
}

/// `args` plus `more`.
fn with<'a>(args: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(more).copied().collect()
}

/// Runs `--diff` then `--diff` again: the same, and nothing is written.
fn diff_changes_nothing(dir: &Path, args: &[&str], file: &str) -> String {
    let before = read(dir.join(file));
    let out = sous(dir, args);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(read(dir.join(file)), before, "--diff wrote the file");
    assert_eq!(sous(dir, args).stdout, out.stdout);
    out.stdout
}

#[test]
fn add_ignores_silences_every_finding_in_sous_and_in_buf() {
    let _guard = snapshot_settings();
    let dir = copy("add_ignores");
    let file = "acme/v1/order.proto";
    let buf_before = buf(dir.path(), &LINT_JSON);
    assert_eq!(buf_before.code, 100, "{}", buf_before.stderr);
    let diff = diff_changes_nothing(dir.path(), &["lint", "--add-ignores", "--diff"], file);
    insta::assert_snapshot!("fix__add_ignores_diff", diff);

    let out = sous(dir.path(), &["lint", "--add-ignores"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    insta::assert_snapshot!("fix__add_ignores_after", read(dir.path().join(file)));
    // buf reads the comments too: nothing is left.
    let buf_after = buf(dir.path(), &LINT_JSON);
    assert_eq!((buf_after.code, buf_after.stdout.as_str()), (0, ""));
    assert_eq!(sous(dir.path(), &LINT_JSON).code, 0);
    // Idempotent: nothing more to insert.
    let again = read(dir.path().join(file));
    let out = sous(dir.path(), &["lint", "--add-ignores", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    assert_eq!(sous(dir.path(), &["lint", "--add-ignores"]).code, 0);
    assert_eq!(read(dir.path().join(file)), again);
}

#[test]
fn add_ignores_with_comment_ignores_off_changes_nothing_and_says_why() {
    let dir = copy("comment_ignores_off");
    let file = "acme/v1/order.proto";
    let before = read(dir.path().join(file));
    let out = sous(dir.path(), &["lint", "--add-ignores"]);
    assert_eq!(out.code, 100);
    assert!(
        out.stderr.contains("allow_comment_ignores"),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(file)), before);
    let out = sous(dir.path(), &["lint", "--add-ignores", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn fix_removes_unused_imports_as_buf_sees_them() {
    let _guard = snapshot_settings();
    let dir = copy("import_used");
    let file = "acme/v1/order.proto";
    let buf_before = buf(dir.path(), &LINT_JSON).stdout;
    assert_eq!(
        rules(&buf_before)
            .iter()
            .filter(|r| *r == "IMPORT_USED")
            .count(),
        3
    );
    let diff = diff_changes_nothing(dir.path(), &["lint", "--diff"], file);
    insta::assert_snapshot!("fix__import_used_diff", diff);

    let out = sous(dir.path(), &with(&LINT_JSON, &["--fix"]));
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(out.stderr.contains("IMPORT_USED x3"), "{}", out.stderr);
    insta::assert_snapshot!("fix__import_used_after", read(dir.path().join(file)));
    // What is left is what buf finds in the fixed file, and nothing else went away.
    let buf_after = buf(dir.path(), &LINT_JSON).stdout;
    assert_eq!(keys(&out.stdout), keys(&buf_after));
    let mut expected = rules(&buf_before);
    expected.retain(|r| r != "IMPORT_USED");
    assert_eq!(rules(&buf_after), expected);
    // Idempotent.
    let fixed = read(dir.path().join(file));
    let out = sous(dir.path(), &["lint", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    sous(dir.path(), &["lint", "--fix"]);
    assert_eq!(read(dir.path().join(file)), fixed);
}

const BREAKING_FIX: [&str; 5] = ["breaking", "new", "--against", "old", "--fix"];
const BREAKING_DIFF: [&str; 5] = ["breaking", "new", "--against", "old", "--diff"];

#[test]
fn fix_reserves_deleted_fields_and_values_so_buf_breaking_passes() {
    let _guard = snapshot_settings();
    let dir = copy("reserved_wire_json");
    let file = "new/acme/v1/order.proto";
    assert_eq!(buf(dir.path(), &BREAKING).code, 100);
    let diff = diff_changes_nothing(dir.path(), &BREAKING_DIFF, file);
    insta::assert_snapshot!("fix__reserved_diff", diff);

    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    insta::assert_snapshot!("fix__reserved_after", read(dir.path().join(file)));
    let buf_after = buf(dir.path(), &BREAKING);
    assert_eq!((buf_after.code, buf_after.stdout.as_str()), (0, ""));
    assert_eq!(sous(dir.path(), &BREAKING).code, 0);
    // Idempotent: nothing left to reserve.
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn under_file_a_reserved_deletion_still_fails_and_the_output_says_so() {
    let dir = copy("reserved_file");
    let buf_before = buf(dir.path(), &BREAKING).stdout;
    let out = sous(
        dir.path(),
        &with(&BREAKING_FIX, &["--error-format", "json"]),
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("FIELD_NO_DELETE still fails after the fix")
            && out.stderr.contains("bufbuild/buf#2629"),
        "{}",
        out.stderr
    );
    // buf agrees: the same deletions are still reported (at the grown elements' places).
    let buf_after = buf(dir.path(), &BREAKING).stdout;
    assert_eq!(rules(&buf_after), rules(&buf_before));
    assert_eq!(keys(&out.stdout), keys(&buf_after));
    // And the numbers and names are reserved: WIRE_JSON's rules pass on the fixed file.
    let text = read(dir.path().join("new/acme/v1/order.proto"));
    assert!(
        text.contains("reserved 9, 2;") && text.contains("reserved \"old_name\", \"legacy_ref\";"),
        "{text}"
    );
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn a_name_used_again_leaves_the_file_alone_with_the_reason() {
    let dir = copy("reserved_collision");
    let file = "new/acme/v1/order.proto";
    let before = read(dir.path().join(file));
    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 100);
    assert!(
        out.stderr.contains("left untouched")
            && out
                .stderr
                .contains("\"note\" of deleted field 2 is used again by field 3"),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(file)), before);
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let buf_keys: BTreeSet<Key> = keys(&buf(dir.path(), &BREAKING).stdout);
    assert_eq!(keys(&sous(dir.path(), &BREAKING).stdout), buf_keys);
}

/// `--unsafe-fixes` renames what the naming rules ask (a field, a oneof, an enum value): the
/// findings are gone in sous and in buf; a rename that would break a reference (an enum value
/// used as a default) leaves that file alone with the reason; `--fix` alone renames nothing.
#[test]
fn unsafe_fixes_rename_what_the_naming_rules_ask() {
    let _guard = snapshot_settings();
    let dir = copy("renames");
    let (order, legacy) = ("acme/v1/order.proto", "acme/v2/legacy.proto");
    let legacy_before = read(dir.path().join(legacy));
    let before = rules(&buf(dir.path(), &LINT_JSON).stdout);
    assert_eq!(before, rules(&sous(dir.path(), &LINT_JSON).stdout));
    let naming = |rules: &[String]| rules.iter().filter(|r| r.ends_with("_CASE")).count();
    assert_eq!(naming(&before), 5, "{before:?}");

    // Safe fixes only: nothing to do here.
    let out = sous(dir.path(), &["lint", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    // Without --fix or --diff, --unsafe-fixes says what it goes with.
    assert_eq!(sous(dir.path(), &["lint", "--unsafe-fixes"]).code, 1);

    let diff = diff_changes_nothing(dir.path(), &["lint", "--diff", "--unsafe-fixes"], order);
    insta::assert_snapshot!("fix__renames_diff", diff);
    let out = sous(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    assert!(
        out.stderr.contains(&format!(
            "{legacy}: left untouched: the fixed file would not compile"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(legacy)), legacy_before);
    insta::assert_snapshot!("fix__renames_after", read(dir.path().join(order)));
    let after_buf = buf(dir.path(), &LINT_JSON).stdout;
    let after = rules(&after_buf);
    assert_eq!(after, rules(&sous(dir.path(), &LINT_JSON).stdout));
    // Left: the legacy file's two findings, which no rename could make.
    assert_eq!(
        after,
        vec![
            "ENUM_VALUE_PREFIX".to_string(),
            "ENUM_VALUE_UPPER_SNAKE_CASE".to_string()
        ],
        "{after_buf}"
    );
    assert!(
        keys(&after_buf).iter().all(|k| k.0 == legacy),
        "{after_buf}"
    );
    // Idempotent.
    let again = read(dir.path().join(order));
    sous(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    assert_eq!(read(dir.path().join(order)), again);
}

/// `breaking --fix --unsafe-fixes` puts deleted fields and values back from the old text with
/// `[deprecated = true]` (merged into their options, in their oneof): FIELD_NO_DELETE and
/// ENUM_VALUE_NO_DELETE are gone in sous and in buf. A field whose number the new file reserves,
/// whose type was deleted too, or whose oneof is gone, cannot come back: it is reserved
/// instead, and buf still reports it, as sous does.
#[test]
fn unsafe_fixes_put_deleted_fields_back_as_deprecated() {
    let _guard = snapshot_settings();
    let dir = copy("restore_deprecated");
    let file = "new/acme/v1/order.proto";
    let unsafe_fix = with(&BREAKING_FIX, &["--unsafe-fixes"]);
    let unsafe_diff = with(&BREAKING_DIFF, &["--unsafe-fixes"]);
    let buf_before = buf(dir.path(), &BREAKING).stdout;
    assert_eq!(buf_before.lines().count(), 11, "{buf_before}");
    // Without --fix or --diff, --unsafe-fixes says what it goes with.
    let alone = with(&BREAKING, &["--unsafe-fixes"]);
    assert_eq!(sous(dir.path(), &alone).code, 1);

    let diff = diff_changes_nothing(dir.path(), &unsafe_diff, file);
    insta::assert_snapshot!("fix__restore_deprecated_diff", diff);
    let out = sous(dir.path(), &with(&unsafe_fix, &["--error-format", "json"]));
    assert_eq!(out.code, 100, "{}", out.stderr);
    for said in [
        "put back field 2 of \"acme.v1.Order\" with `[deprecated = true]` (unsafe:",
        "put back enum value 2 of \"acme.v1.Status\"",
        "field 6 of \"acme.v1.Order\" not put back: the new file reserves its number or name; it is reserved instead",
        "field 7 of \"acme.v1.Order\" not put back: its type \"acme.v1.Gift\" is not declared in or imported by the new file; it is reserved instead",
        "field 8 of \"acme.v1.Order\" not put back: it was in oneof \"contact\", which is gone",
        "FIELD_NO_DELETE still fails after the fix",
    ] {
        assert!(out.stderr.contains(said), "{said}\n{}", out.stderr);
    }
    insta::assert_snapshot!("fix__restore_deprecated_after", read(dir.path().join(file)));
    // What is left, in buf as in sous: the four fields reserved, the deleted message and oneof.
    let buf_after = buf(dir.path(), &BREAKING).stdout;
    assert_eq!(buf_after.lines().count(), 6, "{buf_after}");
    assert_eq!(
        rules(&buf_after),
        ["FIELD_NO_DELETE", "MESSAGE_NO_DELETE", "ONEOF_NO_DELETE"]
    );
    assert!(
        buf_after.contains("old_ref") && buf_after.contains("gift"),
        "{buf_after}"
    );
    assert_eq!(keys(&out.stdout), keys(&buf_after));
    // Idempotent: nothing more to put back or reserve.
    let out = sous(dir.path(), &unsafe_diff);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

/// `--fix` alone on the same deletions reserves them (the safe fix), as before.
#[test]
fn without_unsafe_fixes_deleted_fields_are_reserved_not_put_back() {
    let dir = copy("restore_deprecated");
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(!out.stdout.contains("deprecated"), "{}", out.stdout);
    assert!(
        out.stdout.contains("+  reserved 6, 2, 3, 5, 7, 8, 9;"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_and_sarif_say_which_findings_have_a_fix_and_how_safe() {
    let dir = copy("import_used");
    let out = sous(dir.path(), &LINT_JSON);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let naming = |rule: &serde_json::Value| {
        [
            "FIELD_LOWER_SNAKE_CASE",
            "ONEOF_LOWER_SNAKE_CASE",
            "ENUM_VALUE_UPPER_SNAKE_CASE",
        ]
        .iter()
        .any(|r| rule == r)
    };
    assert!(lines.iter().any(|l| naming(&l["type"])), "{}", out.stdout);
    for line in &lines {
        let safe = line["type"] == "IMPORT_USED";
        let fixable = safe || naming(&line["type"]);
        assert_eq!(line.get("fix").is_some(), fixable, "{line}");
        if fixable {
            let applicability = if safe { "safe" } else { "unsafe" };
            assert_eq!(line["fix"]["applicability"], applicability, "{line}");
        }
    }
    // buf's keys, in buf's order, come first: the lines still read as buf's.
    assert_eq!(keys(&out.stdout), keys(&buf(dir.path(), &LINT_JSON).stdout));
    let out = sous(dir.path(), &["lint", "--error-format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    crate::sarif::assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let with_fixes: Vec<u64> = results
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(with_fixes, [5, 7, 9]);
    for r in results {
        let fixable = r["ruleId"] == "IMPORT_USED";
        assert_eq!(
            r["properties"]["fix"]["applicability"] == "safe",
            fixable,
            "{r}"
        );
        if naming(&r["ruleId"]) {
            assert_eq!(r["properties"]["fix"]["applicability"], "unsafe", "{r}");
        }
    }
    let dir = copy("reserved_file");
    let out = sous(dir.path(), &BREAKING);
    assert!(out
        .stdout
        .lines()
        .all(|l| l.contains("\"fix\":{\"applicability\":\"safe\"")));
}

#[test]
fn readme_diff_is_what_sous_prints() {
    let block = crate::snippets::blocks()
        .into_iter()
        .find(|(_, body)| body.starts_with("--- a/new/acme/v1/order.proto\n"))
        .expect("the README's --diff example")
        .1;
    let dir = tempfile::tempdir().unwrap();
    let order = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
    for (side, text) in [
        ("old", order.to_string()),
        ("new", order.replace("  string note = 2;\n", "")),
    ] {
        std::fs::create_dir_all(dir.path().join(side).join("acme/v1")).unwrap();
        std::fs::write(dir.path().join(side).join("buf.yaml"), "version: v2\n").unwrap();
        std::fs::write(dir.path().join(side).join("acme/v1/order.proto"), text).unwrap();
    }
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(out.stdout, block);
}

#[test]
fn a_fix_that_would_not_remove_its_finding_is_not_written() {
    let dir = copy("verify_rejects");
    let file = "acme/v1/order.proto";
    let before = read(dir.path().join(file));
    let out = sous(dir.path(), &["lint", "--add-ignores"]);
    assert_eq!(out.code, 100);
    assert!(
        out.stderr.contains(
            "acme/v1/order.proto: left untouched: the fix would not remove FIELD_LOWER_SNAKE_CASE"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(file)), before);
    let out = sous(dir.path(), &["lint", "--add-ignores", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    // buf agrees: with the comment where it would have gone, buf still reports the finding.
    let commented = before.replace(
        "    legacyRef = 1;",
        "    // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n    legacyRef = 1;",
    );
    assert_ne!(commented, before);
    std::fs::write(dir.path().join(file), commented).unwrap();
    let rules_left = rules(&buf(dir.path(), &LINT_JSON).stdout);
    assert_eq!(rules_left, ["FIELD_LOWER_SNAKE_CASE"]);
}

#[test]
fn fix_puts_removed_reserved_ranges_and_names_back() {
    let _guard = snapshot_settings();
    let dir = copy("reserved_put_back");
    let file = "new/acme/v1/order.proto";
    let buf_before = buf(dir.path(), &BREAKING).stdout;
    assert!(rules(&buf_before).contains(&"RESERVED_MESSAGE_NO_DELETE".to_string()));
    assert!(rules(&buf_before).contains(&"RESERVED_ENUM_NO_DELETE".to_string()));
    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    insta::assert_snapshot!("fix__reserved_put_back_after", read(dir.path().join(file)));
    let buf_after = buf(dir.path(), &BREAKING);
    assert_eq!((buf_after.code, buf_after.stdout.as_str()), (0, ""));
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn a_reserved_number_used_again_leaves_the_file_alone_with_the_reason() {
    let dir = copy("reserved_put_back");
    let file = dir.path().join("new/acme/v1/order.proto");
    let reused = read(file.clone()).replace(
        "  string id = 1;\n",
        "  string id = 1;\n  string note = 17;\n",
    );
    std::fs::write(&file, &reused).unwrap();
    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 100);
    assert!(
        out.stderr.contains("left untouched: \"acme.v1.Order\" no longer reserves 16 to 20, and \"note\" uses 17 now"),
        "{}",
        out.stderr
    );
    assert_eq!(read(file), reused);
    let buf_keys = keys(&buf(dir.path(), &BREAKING).stdout);
    assert_eq!(keys(&sous(dir.path(), &BREAKING).stdout), buf_keys);
}

/// The text of `text` with SARIF `replacements` (lines and columns in code points) made.
fn apply_sarif(text: &str, replacements: &[serde_json::Value]) -> String {
    let offset = |line: u64, column: u64| {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column as usize - 1)
                .map_or(rest.len(), |(i, _)| i)
    };
    let mut edits: Vec<(usize, usize, String)> = replacements
        .iter()
        .map(|r| {
            let d = &r["deletedRegion"];
            let n = |k: &str| d[k].as_u64().unwrap();
            (
                offset(n("startLine"), n("startColumn")),
                offset(n("endLine"), n("endColumn")),
                r["insertedContent"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, insert) in edits {
        out.replace_range(start..end, &insert);
    }
    out
}

/// Every reserve finding carries its edit in SARIF (`fixes`, valid against the schema) and in
/// JSON (`fix.edits`); each edit made alone compiles and removes its finding in buf too.
#[test]
fn sarif_and_json_carry_the_reserve_edits_and_each_works_alone() {
    let dir = copy("reserved_wire_json");
    let file = dir.path().join("new/acme/v1/order.proto");
    let original = read(file.clone());
    let sarif = [
        "breaking",
        "new",
        "--against",
        "old",
        "--error-format",
        "sarif",
    ];
    let out = sous(dir.path(), &sarif);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    crate::sarif::assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap().clone();
    let json = sous(dir.path(), &BREAKING).stdout;
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 8, "{}", out.stdout);
    assert_eq!(lines.len(), results.len());
    let count = |out: &str, rule: &str| rules(out).iter().filter(|r| *r == rule).count();
    let buf_before = buf(dir.path(), &BREAKING).stdout;
    for (result, line) in results.iter().zip(&lines) {
        assert_eq!(result["properties"]["fix"]["applicability"], "safe");
        let changes = &result["fixes"][0]["artifactChanges"][0];
        assert_eq!(
            changes["artifactLocation"]["uri"], "new/acme/v1/order.proto",
            "{result}"
        );
        let replacements = changes["replacements"].as_array().unwrap();
        assert_eq!(
            line["fix"]["edits"].as_array().map(Vec::len),
            Some(replacements.len()),
            "{line}"
        );
        std::fs::write(&file, apply_sarif(&original, replacements)).unwrap();
        let after = buf(dir.path(), &BREAKING).stdout;
        let rule = result["ruleId"].as_str().unwrap();
        assert_eq!(count(&after, "COMPILE"), 0, "{after}");
        assert!(
            count(&after, rule) < count(&buf_before, rule),
            "{rule}: {after}"
        );
        // And sous, on the same text, has no fix left for what the edit reserved.
        let again = sous(dir.path(), &BREAKING).stdout;
        assert!(again.lines().count() < lines.len(), "{again}");
    }
}

/// EXTENSION_MESSAGE_NO_DELETE (FILE, PACKAGE): the numbers a message no longer opens to
/// extensions get an `extensions` statement again; buf then passes. A field that took one of
/// the numbers leaves the file alone, with the reason.
#[test]
fn fix_puts_deleted_extension_ranges_back() {
    let _guard = snapshot_settings();
    let dir = copy("extension_ranges");
    let file = "new/acme/v1/options.proto";
    let buf_before = buf(dir.path(), &BREAKING).stdout;
    assert_eq!(buf_before.lines().count(), 3, "{buf_before}");
    assert_eq!(rules(&buf_before), ["EXTENSION_MESSAGE_NO_DELETE"; 2]);
    let diff = diff_changes_nothing(dir.path(), &BREAKING_DIFF, file);
    insta::assert_snapshot!("fix__extension_ranges_diff", diff);
    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("EXTENSION_MESSAGE_NO_DELETE x3"),
        "{}",
        out.stderr
    );
    let buf_after = buf(dir.path(), &BREAKING);
    assert_eq!((buf_after.code, buf_after.stdout.as_str()), (0, ""));
    let out = sous(dir.path(), &BREAKING_DIFF);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));

    let dir = copy("extension_ranges");
    let path = dir.path().join(file);
    let taken = read(path.clone()).replace(
        "optional int32 x = 1; }",
        "optional int32 x = 1; optional int32 y = 12; }",
    );
    std::fs::write(&path, &taken).unwrap();
    let out = sous(dir.path(), &BREAKING_FIX);
    assert_eq!(out.code, 100);
    assert!(
        out.stderr.contains(
            "left untouched: field \"y\" of \"acme.v1.Options.Inner\" uses 12 now: the extension range cannot come back"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(read(path), taken);
    assert_eq!(
        keys(&sous(dir.path(), &BREAKING).stdout),
        keys(&buf(dir.path(), &BREAKING).stdout)
    );
}

/// `lint --fix --unsafe-fixes` renames messages, enums and services to PascalCase with every
/// reference to a renamed type in the module (field types, relative and qualified, map values,
/// rpc input and output, `extend`): buf and sous pass on the result. With `--path`, files that may refer to the
/// type are not compiled: the rename is left out with the reason.
#[test]
fn unsafe_fixes_rename_types_and_every_reference() {
    let _guard = snapshot_settings();
    let dir = copy("type_renames");
    let (order, line) = ("acme/v1/order.proto", "acme/v1/line.proto");
    let buf_before = buf(dir.path(), &LINT_JSON).stdout;
    assert_eq!(buf_before.lines().count(), 10, "{buf_before}");
    assert_eq!(
        keys(&sous(dir.path(), &LINT_JSON).stdout),
        keys(&buf_before)
    );
    // Safe fixes only: nothing to do.
    let out = sous(dir.path(), &["lint", "--diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);

    let diff = diff_changes_nothing(dir.path(), &["lint", "--diff", "--unsafe-fixes"], order);
    insta::assert_snapshot!("fix__type_renames_diff", diff);
    let out = sous(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("ENUM_PASCAL_CASE x1, MESSAGE_PASCAL_CASE x3, SERVICE_PASCAL_CASE x1"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!("fix__type_renames_after", read(dir.path().join(order)));
    assert!(read(dir.path().join(line)).contains("message LineItem {"));
    let ext = read(dir.path().join("acme/v1/ext.proto"));
    assert!(
        ext.contains("extend BaseOptions {") && ext.contains("acme.v1.BaseOptions options = 1;"),
        "{ext}"
    );
    let buf_after = buf(dir.path(), &LINT_JSON);
    assert_eq!((buf_after.code, buf_after.stdout.as_str()), (0, ""));
    assert_eq!(sous(dir.path(), &LINT_JSON).code, 0);
    let out = sous(dir.path(), &["lint", "--diff", "--unsafe-fixes"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));

    // A file that refers to the type is left out of the run: no rename.
    let dir = copy("type_renames");
    let before = read(dir.path().join(line));
    let narrowed = ["lint", "--path", line, "--fix", "--unsafe-fixes"];
    let out = sous(dir.path(), &narrowed);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(
        out.stderr.contains("MESSAGE_PASCAL_CASE \"acme.v1.line_item\" not renamed to \"LineItem\": --path or --exclude-path leave files of the module out"),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(line)), before);
    // The new name already names a type elsewhere (a relative reference could resolve to it):
    // no rename of that type; the others are made, and the references to it are left as they
    // were.
    let dir = copy("type_renames");
    let other = dir.path().join("acme/v2/item.proto");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(
        &other,
        "syntax = \"proto3\";\n\npackage acme.v2;\n\n// Another.\nmessage LineItem {}\n",
    )
    .unwrap();
    let out = sous(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    assert!(
        out.stderr.contains("MESSAGE_PASCAL_CASE \"acme.v1.line_item\" not renamed to \"LineItem\": \"LineItem\" already names another type"),
        "{}",
        out.stderr
    );
    assert_eq!(read(dir.path().join(line)), before);
    let order_after = read(dir.path().join(order));
    assert!(
        order_after.contains("repeated line_item lines = 2;")
            && order_after.contains("message ShippingInfo {"),
        "{order_after}"
    );
}
