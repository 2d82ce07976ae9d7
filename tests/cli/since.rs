//! `sous lint --since REV` on git repositories built in the test: findings already present at
//! REV stay hidden when code moves, new ones are shown (each one a finding the real buf makes
//! too), a renamed element's findings are new, in every format; a bad REV is an error.

use crate::common::*;
use crate::git::{commit, write};
use git2::Repository;

/// At HEAD: `legacyRef` breaks FIELD_LOWER_SNAKE_CASE.
const BEFORE: &str =
    "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage Order {\n  string legacyRef = 1;\n}\n";

/// Order moved down below a new message, with a new bad field of its own.
const MOVED: &str = "syntax = \"proto3\";\n\npackage acme.v1;\n\n// A store.\nmessage Store {\n  string name = 1;\n}\n\nmessage Order {\n  int32 quantity = 2;\n  string legacyRef = 1;\n}\n";

const MOVED_AND_NEW: &str = "syntax = \"proto3\";\n\npackage acme.v1;\n\n// A store.\nmessage Store {\n  string storeName = 1;\n}\n\nmessage Order {\n  int32 quantity = 2;\n  string legacyRef = 1;\n}\n";

/// Order renamed Purchase: the same bad field, in an element of another name.
const RENAMED: &str =
    "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage Purchase {\n  string legacyRef = 1;\n}\n";

/// A repository whose one commit has `BEFORE`; the working tree then holds `now`.
fn repo_with(now: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    write(dir.path(), "buf.yaml", "version: v2\n");
    write(dir.path(), "acme/v1/order.proto", BEFORE);
    commit(&repo, "before");
    write(dir.path(), "acme/v1/order.proto", now);
    dir
}

const JSON: [&str; 5] = ["lint", "--since", "HEAD", "--error-format", "json"];

/// The messages of JSON Lines findings.
fn messages(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["message"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn moved_code_keeps_old_findings_hidden_and_shows_new_ones() {
    let dir = repo_with(MOVED_AND_NEW);
    let out = sous(dir.path(), &JSON);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let shown = messages(&out.stdout);
    assert_eq!(shown.len(), 1, "{}", out.stdout);
    assert!(shown[0].contains("storeName"), "{}", shown[0]);
    // What is shown is a finding of buf's, where buf puts it; what is hidden is the finding
    // REV had, now on another line.
    let all = buf(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(all.code, 100, "{}", all.stderr);
    let all = keys(&all.stdout);
    let since = keys(&out.stdout);
    assert!(since.is_subset(&all), "{since:?} not in buf's {all:?}");
    let hidden: Vec<_> = all.difference(&since).collect();
    assert_eq!(hidden.len(), 1, "{hidden:?}");
    assert_eq!(hidden[0].5, "FIELD_LOWER_SNAKE_CASE");
    assert_eq!(hidden[0].1, 12, "legacyRef now on line 12, not 6");
    // Without --since, both.
    let plain = sous(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(keys(&plain.stdout), all);
}

#[test]
fn nothing_new_exits_0() {
    let dir = repo_with(MOVED);
    let out = sous(dir.path(), &["lint", "--since", "HEAD"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    // buf still sees the old finding, moved.
    assert_eq!(buf(dir.path(), &["lint"]).code, 100);
}

#[test]
fn a_renamed_element_is_new() {
    let dir = repo_with(RENAMED);
    let out = sous(dir.path(), &JSON);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let shown = messages(&out.stdout);
    assert_eq!(shown.len(), 1, "{}", out.stdout);
    assert!(shown[0].contains("legacyRef"), "{}", shown[0]);
    let all = buf(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(keys(&out.stdout), keys(&all.stdout));
}

#[test]
fn bad_rev_is_an_error() {
    let dir = repo_with(MOVED_AND_NEW);
    let out = sous(dir.path(), &["lint", "--since", "no-such-branch"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("revision \"no-such-branch\" was not found in the git repository"),
        "{}",
        out.stderr
    );
    // Outside any repository.
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "buf.yaml", "version: v2\n");
    write(plain.path(), "acme/v1/order.proto", MOVED_AND_NEW);
    let out = sous(plain.path(), &["lint", "--since", "HEAD"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.starts_with("Failure: "), "{}", out.stderr);
}

#[test]
fn every_format_shows_only_the_new_finding() {
    let dir = repo_with(MOVED_AND_NEW);
    for format in [
        "text",
        "json",
        "msvs",
        "junit",
        "github-actions",
        "gitlab-code-quality",
        "sarif",
        "pretty",
    ] {
        let out = sous(
            dir.path(),
            &["lint", "--since", "HEAD", "--error-format", format],
        );
        assert_eq!(out.code, 100, "{format}: {}", out.stderr);
        assert!(out.stdout.contains("storeName"), "{format}: {}", out.stdout);
        assert!(
            !out.stdout.contains("legacyRef"),
            "{format}: {}",
            out.stdout
        );
        if format == "sarif" {
            let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            crate::sarif::assert_valid(&log);
            assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
        }
    }
}

/// The README's pull-request recipe: its `sous lint --since origin/${{ github.base_ref }}` step,
/// run as the runner would after a checkout with the base branch fetched.
#[test]
fn readme_workflow_lints_only_new_findings() {
    let text = crate::snippets::block(".github/workflows/protobuf-new-findings.yml");
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(workflow["on"] == "pull_request" || workflow["on"].get("pull_request").is_some());
    let job = workflow["jobs"]
        .as_object()
        .and_then(|jobs| jobs.values().next())
        .expect("a job");
    let steps = job["steps"].as_array().unwrap();
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    // The base must be there: the default checkout fetches one commit.
    assert_eq!(checkout["with"]["fetch-depth"], 0, "{checkout}");
    let lint = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("sous lint --since"))
        .expect("a step runs sous lint --since");
    assert!(lint.contains("origin/${{ github.base_ref }}"), "{lint}");
    let line = lint.replace("${{ github.base_ref }}", "main");

    let dir = repo_with(MOVED_AND_NEW);
    let repo = Repository::open(dir.path()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap().id();
    repo.reference("refs/remotes/origin/main", head, false, "base")
        .unwrap();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sous"), bin.path().join("sous")).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-ec", &line])
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(100),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("::error "), "{stdout}");
    assert!(
        stdout.contains("storeName") && !stdout.contains("legacyRef"),
        "{stdout}"
    );
}

/// A repository whose one commit has `before` at `acme/v1/s.proto`; the working tree then holds
/// `now`.
fn service_repo(before: &str, now: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    write(dir.path(), "buf.yaml", "version: v2\n");
    write(dir.path(), "acme/v1/s.proto", before);
    commit(&repo, "before");
    write(dir.path(), "acme/v1/s.proto", now);
    dir
}

const SERVICE: &str = "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage GetRequest {}\nmessage GetResponse {}\nmessage OtherResponse {}\n\nservice StoreService {\n  rpc Get(GetRequest) returns (GetResponse);\n  rpc Other(GetRequest) returns (OtherResponse);\n}\n";

#[test]
fn an_element_keeps_m_minus_n_findings_of_one_rule() {
    // At HEAD, rpc Get shares its request (one RPC_REQUEST_RESPONSE_UNIQUE); now it shares its
    // response too (two, at the same place).
    let now = SERVICE.replace("returns (OtherResponse)", "returns (GetResponse)");
    let dir = service_repo(SERVICE, &now);
    let on_get = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["type"] == "RPC_REQUEST_RESPONSE_UNIQUE" && v["start_line"] == 10)
            .map(|v| v["message"].as_str().unwrap().to_string())
            .collect()
    };
    let all = buf(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(on_get(&all.stdout).len(), 2, "{}", all.stdout);
    let out = sous(dir.path(), &JSON);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let shown = on_get(&out.stdout);
    assert_eq!(shown.len(), 1, "{}", out.stdout);
    // The one kept is the one HEAD did not have.
    assert!(shown[0].contains("GetResponse"), "{}", shown[0]);
}

#[test]
fn compile_errors_are_always_shown_and_a_rev_that_does_not_compile_is_an_error() {
    let broken = SERVICE.replace("message OtherResponse {}", "message OtherResponse {");
    // The input does not compile: COMPILE, as plain `sous lint` says it.
    let dir = service_repo(SERVICE, &broken);
    let out = sous(dir.path(), &JSON);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(
        keys(&out.stdout).iter().all(|k| k.5 == "COMPILE"),
        "{}",
        out.stdout
    );
    let plain = sous(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(out.stdout, plain.stdout);
    // REV does not compile: which findings it had is unknown.
    let dir = service_repo(&broken, SERVICE);
    let out = sous(dir.path(), &JSON);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("--since HEAD: the input at revision HEAD does not compile"),
        "{}",
        out.stderr
    );
}
