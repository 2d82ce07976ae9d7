//! `--error-format pretty` (snippets, help lines, the old place of a breaking finding), the
//! summary line on stderr, colour choices, `--output`, and `sous explain` off a terminal.

use std::path::Path;

use crate::common::{root, snapshot_settings, sous, sous_env, Output};

fn pretty(cwd: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--error-format", "pretty", "--color", "never"]);
    let out = sous(cwd, &all);
    assert_eq!(out.code, 100, "stderr: {}", out.stderr);
    out
}

fn breaking(rule: &str) -> Output {
    pretty(
        &root().join("fixtures/breaking").join(rule),
        &["breaking", "new", "--against", "old"],
    )
}

/// The text with every run of whitespace as one space, for phrases that wrapping may split.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_ansi(text: &str) -> bool {
    text.contains('\x1b')
}

#[test]
fn lint_demo() {
    let out = pretty(&root().join("fixtures/projects/demo"), &["lint"]);
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("pretty__lint_demo", out.stdout);
    assert_eq!(out.stderr, "5 findings in 1 file (5 rules)\n");
}

#[test]
fn breaking_field_same_type_shows_the_old_type() {
    let out = breaking("field_same_type");
    assert!(out.stdout.contains("old/acme/v1/order.proto:8:3"));
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!(
        "pretty__breaking_field_same_type_shows_the_old_type",
        out.stdout
    );
}

#[test]
fn breaking_field_no_delete_shows_the_reserved_statement() {
    let out = breaking("field_no_delete");
    assert!(flat(&out.stdout).contains(r#"leave `reserved 2; reserved "user_id";` in its place"#));
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!(
        "pretty__breaking_field_no_delete_shows_the_reserved_statement",
        out.stdout
    );
}

#[test]
fn breaking_unless_reserved_variants_show_both_reservations() {
    let out = breaking("field_no_delete_unless_number_reserved");
    assert!(flat(&out.stdout)
        .contains(r#"reserving both is safest: `reserved 3; reserved "currency";`"#));
    let out = breaking("enum_value_no_delete");
    assert!(out
        .stdout
        .contains(r#"reserved 2; reserved "STATUS_SUSPENDED", "STATUS_PAUSED";"#));
}

#[test]
fn breaking_findings_without_a_path() {
    let out = breaking("file_no_delete");
    assert!(!out.stdout.contains('╭'), "no snippet without a file");
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("pretty__breaking_findings_without_a_path", out.stdout);
    assert_eq!(out.stderr, "2 findings (1 rule)\n");
}

/// A workspace with tab-indented lines and wide characters before the spans.
fn wide_and_tabs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("acme/v1")).unwrap();
    std::fs::write(
        dir.path().join("acme/v1/kunde.proto"),
        "syntax = \"proto3\";\n\npackage acme.v1;\n\n// Kunde – 顧客 🚀\nmessage Kunde {\n\tstring name = 1 [json_name = \"名前\"]; int32 badName = 2;\n\t\tint32 TwoTabs = 3;\n  string note = 4 [json_name = \"🚀\"]; string x_Y = 5;\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn tabs_and_wide_characters() {
    let dir = wide_and_tabs();
    let out = pretty(dir.path(), &["lint"]);
    // The header columns are buf's (tab stops of 4, wide characters 2 cells).
    for place in [
        "kunde.proto:7:49]",
        "kunde.proto:8:15]",
        "kunde.proto:9:46]",
    ] {
        assert!(out.stdout.contains(place), "{place} in\n{}", out.stdout);
    }
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("pretty__tabs_and_wide_characters", out.stdout);
}

#[test]
fn colour_only_when_asked() {
    let demo = root().join("fixtures/projects/demo");
    let args = |color: &'static str| ["lint", "--error-format", "pretty", "--color", color];
    let always = sous(&demo, &args("always"));
    assert!(has_ansi(&always.stdout));
    let never = sous(&demo, &args("never"));
    assert!(!has_ansi(&never.stdout) && !has_ansi(&never.stderr));
    // Not a terminal, and NO_COLOR set: plain either way.
    let auto = sous_env(&demo, &args("auto"), &[("NO_COLOR", "1")]);
    assert!(!has_ansi(&auto.stdout) && !has_ansi(&auto.stderr));
    assert_eq!(auto.stdout, never.stdout);
    assert_eq!(always.code, 100);
}

#[test]
fn summary_on_stderr_for_people_only() {
    let demo = root().join("fixtures/projects/demo");
    let text = sous(&demo, &["lint", "--error-format", "text"]);
    assert_eq!(text.code, 100);
    assert_eq!(text.stderr, "5 findings in 1 file (5 rules)\n");
    assert!(!text.stdout.contains("findings in"));
    let json = sous(&demo, &["lint", "--error-format", "json"]);
    assert_eq!(json.code, 100);
    assert_eq!(json.stderr, "");
    // A clean run prints nothing at all, as buf does.
    let clean = sous(
        &root().join("fixtures/breaking/field_same_type"),
        &[
            "breaking",
            "new",
            "--against",
            "new",
            "--error-format",
            "pretty",
        ],
    );
    assert_eq!(
        (clean.code, clean.stdout.as_str(), clean.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn output_flag_writes_the_report_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let demo = root().join("fixtures/projects/demo");
    let file_arg = file.to_str().unwrap();
    let out = sous(
        &demo,
        &[
            "lint",
            "--error-format",
            "pretty",
            "--color",
            "never",
            "--output",
            file_arg,
        ],
    );
    assert_eq!(out.code, 100);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, pretty(&demo, &["lint"]).stdout);
    // Only the report: no temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn explain_off_a_terminal_is_plain_markdown() {
    let out = sous(&root(), &["explain", "FIELD_NO_DELETE"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("# FIELD_NO_DELETE\n"));
    assert!(out.stdout.contains("\n## How to fix\n"));
    assert!(out.stdout.contains("```proto old\n"));
    assert!(!has_ansi(&out.stdout));
}
