//! buf's machine formats (`msvs`, `junit`, `github-actions`, `gitlab-code-quality`,
//! `config-ignore-yaml`) against the real buf on the same command: the same structure and the
//! same (path, line, column, rule) per entry, in the same order. Messages are ours, so they are
//! left out of the comparison; the outputs themselves are snapshotted.

use std::path::Path;
use std::process::Command;

use crate::common::*;

const MACHINE_FORMATS: [&str; 4] = ["msvs", "junit", "github-actions", "gitlab-code-quality"];

/// A command to compare: where it runs and its arguments (without `--error-format`).
struct Case {
    name: &'static str,
    dir: &'static str,
    args: &'static [&'static str],
}

const CASES: [Case; 3] = [
    Case {
        name: "lint_demo",
        dir: "fixtures/projects/demo",
        args: &["lint"],
    },
    Case {
        name: "breaking_field_same_type",
        dir: "fixtures/breaking/field_same_type",
        args: &["breaking", "new", "--against", "old"],
    },
    // Findings about no file: `<input>` and no positions.
    Case {
        name: "breaking_file_no_delete",
        dir: "fixtures/breaking/file_no_delete",
        args: &["breaking", "new", "--against", "old"],
    },
];

/// sous with `GITHUB_STEP_SUMMARY` unset (or set to `summary`), so a test run inside GitHub
/// Actions never writes to the job's own summary.
fn sous_with(cwd: &Path, args: &[&str], summary: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sous"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(path) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", path);
    }
    let out = cmd.output().expect("spawn sous");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn run_both(dir: &Path, args: &[&str], format: &str) -> (Output, Output) {
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--error-format", format])
        .collect();
    let ours = sous_with(dir, &args, None);
    let theirs = buf(dir, &args);
    assert_eq!(
        ours.code,
        theirs.code,
        "exit codes differ for {args:?} in {}\nsous: {}\nbuf: {}",
        dir.display(),
        ours.stderr,
        theirs.stderr
    );
    (ours, theirs)
}

/// One entry's identity as a format shows it, messages left out.
type Entry = Vec<String>;

/// msvs: (path, line, column, rule).
fn msvs_entries(out: &str) -> Vec<Entry> {
    out.lines()
        .map(|l| {
            let (head, rest) = l
                .split_once(") : error ")
                .unwrap_or_else(|| panic!("not msvs: {l:?}"));
            let (rule, message) = rest.split_once(" : ").expect("rule : message");
            assert!(!message.is_empty());
            let (path, position) = head.rsplit_once('(').expect("path(");
            let (line, column) = position.split_once(',').expect("line,column");
            vec![path.into(), line.into(), column.into(), rule.into()]
        })
        .collect()
}

/// JUnit: per suite (name, tests, failures, errors), then per case (name, failure type, and the
/// failure message's `path:line:column:` prefix).
fn junit_entries(out: &str) -> Vec<Entry> {
    if out.is_empty() {
        return Vec::new();
    }
    let doc = roxmltree::Document::parse(out).unwrap_or_else(|e| panic!("bad XML: {e}\n{out}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let mut entries = Vec::new();
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let attr = |k: &str| suite.attribute(k).unwrap_or_default().to_string();
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        assert_eq!(attr("tests"), cases.len().to_string());
        entries.push(vec![
            "suite".into(),
            attr("name"),
            attr("tests"),
            attr("failures"),
            attr("errors"),
        ]);
        for case in cases {
            assert_eq!(case.tag_name().name(), "testcase");
            let failures: Vec<_> = case.children().filter(|n| n.is_element()).collect();
            assert_eq!(failures.len(), 1);
            let failure = failures[0];
            assert_eq!(failure.tag_name().name(), "failure");
            let message = failure.attribute("message").expect("message");
            // `path:line:column:` then the message; paths here hold no `:`.
            let prefix: Vec<&str> = message.splitn(4, ':').take(3).collect();
            entries.push(vec![
                "case".into(),
                case.attribute("name").expect("name").into(),
                failure.attribute("type").expect("type").into(),
                prefix.join(":"),
            ]);
        }
    }
    entries
}

/// github-actions: the command and its properties, `title` (ours only) set apart.
fn github_entries(out: &str) -> (Vec<Entry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut titles = Vec::new();
    for l in out.lines() {
        let rest = l
            .strip_prefix("::")
            .unwrap_or_else(|| panic!("not a command: {l:?}"));
        let (head, message) = rest.split_once("::").expect("::message");
        assert!(!message.is_empty());
        let (command, props) = head.split_once(' ').unwrap_or((head, ""));
        let mut entry = vec![command.to_string()];
        for prop in props.split(',').filter(|p| !p.is_empty()) {
            match prop.strip_prefix("title=") {
                Some(title) if command == "error" => titles.push(title.to_string()),
                _ => entry.push(prop.to_string()),
            }
        }
        entries.push(entry);
    }
    (entries, titles)
}

/// gitlab-code-quality: (check_name, location) per issue; checks the fields GitLab reads.
fn gitlab_entries(out: &str) -> Vec<Entry> {
    if out.is_empty() {
        return Vec::new();
    }
    assert!(out.ends_with("]\n") && out.lines().count() == 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(out).expect("JSON");
    let issues = v.as_array().expect("a JSON array");
    let mut fingerprints: Vec<&str> = Vec::new();
    let entries = issues
        .iter()
        .map(|i| {
            let keys: Vec<&str> = i.as_object().unwrap().keys().map(String::as_str).collect();
            let mut sorted_keys = keys.clone();
            sorted_keys.sort();
            assert_eq!(
                sorted_keys,
                [
                    "check_name",
                    "description",
                    "fingerprint",
                    "location",
                    "severity"
                ]
            );
            assert!(!i["description"].as_str().unwrap().is_empty());
            assert_eq!(i["severity"], "minor");
            let fp = i["fingerprint"].as_str().unwrap();
            assert_eq!(fp.len(), 128, "{fp}");
            assert!(fp.bytes().all(|b| b.is_ascii_hexdigit()));
            fingerprints.push(fp);
            vec![
                i["check_name"].as_str().unwrap().to_string(),
                i["location"].to_string(),
            ]
        })
        .collect();
    let n = fingerprints.len();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), n, "fingerprints must be unique");
    entries
}

/// The rules of sous's findings, in order, from its JSON Lines.
fn rules(dir: &Path, args: &[&str]) -> Vec<String> {
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--error-format", "json"])
        .collect();
    sous_with(dir, &args, None)
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["type"].as_str().unwrap().to_string()
        })
        .collect()
}

fn compare(dir: &Path, args: &[&str], format: &str, label: &str) -> String {
    let (ours, theirs) = run_both(dir, args, format);
    let (o, t) = (&ours.stdout, &theirs.stdout);
    match format {
        "msvs" => assert_eq!(msvs_entries(o), msvs_entries(t), "{label}"),
        "junit" => assert_eq!(junit_entries(o), junit_entries(t), "{label}"),
        "gitlab-code-quality" => assert_eq!(gitlab_entries(o), gitlab_entries(t), "{label}"),
        "github-actions" => {
            let (ours_entries, titles) = github_entries(o);
            let (buf_entries, buf_titles) = github_entries(t);
            assert!(buf_titles.is_empty());
            let errors = ours_entries.iter().filter(|e| e[0] == "error").count();
            assert_eq!(ours_entries[..errors], buf_entries[..], "{label}");
            assert_eq!(titles, rules(dir, args), "{label}: titles are the rule IDs");
            // Past 10 findings, a last notice says how many there are.
            let notices = &ours_entries[errors..];
            assert_eq!(notices.len(), usize::from(errors > 10), "{label}");
        }
        "config-ignore-yaml" => assert_eq!(o, t, "{label}: no message in it, so equal"),
        other => unreachable!("{other}"),
    }
    ours.stdout
}

#[test]
fn machine_formats_match_buf() {
    for case in &CASES {
        let dir = root().join(case.dir);
        for format in MACHINE_FORMATS {
            let label = format!("{} {format}", case.name);
            let out = compare(&dir, case.args, format, &label);
            assert!(!out.is_empty(), "{label}: no output");
            let _snapshots = snapshot_settings();
            insta::assert_snapshot!(format!("formats__{}__{format}", case.name), out);
        }
    }
}

#[test]
fn config_ignore_yaml_matches_buf() {
    let dir = root().join(CASES[0].dir);
    let out = compare(&dir, &["lint"], "config-ignore-yaml", "demo");
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!("formats__lint_demo__config-ignore-yaml", out);
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const BAD_A: &str = "syntax = \"proto3\";\npackage a.pkg;\nmessage foo_bar { string X = 1; }\n";
const BAD_B: &str = "syntax = \"proto3\";\npackage b;\nmessage foo_bar { string X = 1; }\n";

/// A workspace to try: a label, its files, and the command.
type Workspace = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

/// Paths are relative to each file's module root, whatever the configuration's version, and buf
/// always writes `version: v1`.
#[test]
fn config_ignore_yaml_paths_are_module_relative() {
    let workspaces: [Workspace; 5] = [
        (
            "v1 workspace",
            &[
                ("buf.work.yaml", "version: v1\ndirectories:\n  - mods/a\n  - mods/b\n"),
                ("mods/a/buf.yaml", "version: v1\nlint:\n  use: [STANDARD]\n"),
                ("mods/b/buf.yaml", "version: v1\nlint:\n  use: [BASIC]\n"),
                ("mods/a/pkg/a.proto", BAD_A),
                ("mods/b/b.proto", BAD_B),
            ],
            &["lint"],
        ),
        (
            "v1 workspace, one module",
            &[
                ("buf.work.yaml", "version: v1\ndirectories:\n  - mods/a\n  - mods/b\n"),
                ("mods/a/buf.yaml", "version: v1\n"),
                ("mods/b/buf.yaml", "version: v1\n"),
                ("mods/a/pkg/a.proto", BAD_A),
                ("mods/b/b.proto", BAD_B),
            ],
            &["lint", "mods/b"],
        ),
        (
            "v2 modules",
            &[
                (
                    "buf.yaml",
                    "version: v2\nmodules:\n  - path: proto\n  - path: other/api\nlint:\n  use: [STANDARD]\n",
                ),
                ("proto/pkg/a.proto", BAD_A),
                ("other/api/b.proto", BAD_B),
            ],
            &["lint"],
        ),
        (
            "v1beta1 roots",
            &[
                ("buf.yaml", "version: v1beta1\nbuild:\n  roots: [src]\nlint:\n  use: [BASIC]\n"),
                ("src/pkg/a.proto", BAD_A),
            ],
            &["lint"],
        ),
        (
            "no config",
            &[("pkg/a.proto", BAD_A), ("b.proto", BAD_B)],
            &["lint"],
        ),
    ];
    for (label, files, args) in workspaces {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), files);
        let out = compare(dir.path(), args, "config-ignore-yaml", label);
        assert!(
            out.starts_with("version: v1\nlint:\n  ignore_only:\n"),
            "{label}: {out}"
        );
        assert!(out.contains("      - pkg/a.proto\n") || out.contains("      - b.proto\n"));
    }
}

/// With no findings buf prints nothing at all in every format (not an empty document); sous
/// too, except gitlab-code-quality, which is `[]` because GitLab rejects an empty report.
#[test]
fn no_findings_print_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v2\n"),
            (
                "x/v1/a.proto",
                "syntax = \"proto3\";\npackage x.v1;\n\nmessage Ok {}\n",
            ),
        ],
    );
    for format in MACHINE_FORMATS.iter().chain(&["config-ignore-yaml"]) {
        let (ours, theirs) = run_both(dir.path(), &["lint"], format);
        let expected = if *format == "gitlab-code-quality" {
            "[]\n"
        } else {
            ""
        };
        assert_eq!((ours.code, ours.stdout.as_str()), (0, expected), "{format}");
        assert_eq!(theirs.stdout, "", "{format}");
    }
}

/// Compile errors are findings; config-ignore-yaml prints them as text, as buf does.
#[test]
fn compile_errors_in_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "a.proto",
            "syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n",
        )],
    );
    for format in MACHINE_FORMATS {
        let (ours, _) = run_both(dir.path(), &["lint"], format);
        assert!(ours.stdout.contains("COMPILE"), "{format}: {}", ours.stdout);
    }
    let (ours, theirs) = run_both(dir.path(), &["lint"], "config-ignore-yaml");
    let positions = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.splitn(4, ':').take(3).collect::<Vec<_>>().join(":"))
            .collect()
    };
    assert_eq!(positions(&ours.stdout), positions(&theirs.stdout));
}

/// More than 10 findings: all are annotations, then one notice; the step summary is appended to
/// the file `GITHUB_STEP_SUMMARY` names.
#[test]
fn github_actions_notice_and_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let fields: String = (1..=12)
        .map(|i| format!("  string Field{i} = {i};\n"))
        .collect();
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v2\nlint:\n  use: [FIELD_LOWER_SNAKE_CASE]\n",
            ),
            (
                "x/v1/a.proto",
                &format!("syntax = \"proto3\";\npackage x.v1;\n\nmessage M {{\n{fields}}}\n"),
            ),
        ],
    );
    compare(dir.path(), &["lint"], "github-actions", "twelve");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = sous_with(
        dir.path(),
        &["lint", "--error-format", "github-actions"],
        Some(&summary),
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 13);
    let _snapshots = snapshot_settings();
    insta::assert_snapshot!(
        "formats__github_notice_last_line",
        out.stdout.lines().last().unwrap()
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n\n### sous lint: 12 findings\n"),
        "{md}"
    );
    insta::assert_snapshot!("formats__github_step_summary", md);

    // An unwritable summary file is an error that names it, after nothing half-printed.
    let out = sous_with(
        dir.path(),
        &["lint", "--error-format", "github-actions"],
        Some(&dir.path().join("no/such/dir/summary.md")),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("GITHUB_STEP_SUMMARY"), "{}", out.stderr);
}
