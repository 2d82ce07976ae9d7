//! Every snippet in README.md is exercised. The YAML recipes and the install commands are run
//! by the tests named in `CLAIMED`; every other shell command runs here, with the sous under
//! test on PATH, in a repository laid out like the README's examples (a buf.yaml workspace with
//! the module in `proto/`, `main` with two commits), and must end in 0 or 100, never an error.

use crate::snippets as readme;

use std::path::Path;
use std::process::Command;

/// Snippets run elsewhere: (what the block starts with, the test that runs it).
const CLAIMED: &[(&str, &str)] = &[
    (
        "# .pre-commit-config.yaml\n",
        "precommit::readme_config_checks_every_commit",
    ),
    (
        "# .pre-commit-config.yaml (no Rust)\n",
        "precommit::wheel::wheel_hooks_install_without_rust_and_check_commits",
    ),
    // The wheel, built here (the package index is not reached), installed into a fresh virtual
    // environment; the release archive that binstall takes is checked by release.rs.
    (
        "pip install sous",
        "precommit::wheel::the_wheel_installs_sous_which_lints_as_the_cargo_build",
    ),
    (
        "# .github/workflows/protobuf.yml\n",
        "action::readme_workflow_runs",
    ),
    (
        "# .github/workflows/protobuf-new-findings.yml\n",
        "since::readme_workflow_lints_only_new_findings",
    ),
    (
        "// proto/acme/v1/order.proto\n",
        "breaking_ignores::readme_example_is_accepted",
    ),
    (
        "--- a/new/acme/v1/order.proto\n",
        "fix::readme_diff_is_what_sous_prints",
    ),
    (
        "# .gitlab-ci.yml\n",
        "action::readme_gitlab_job_reports_code_quality_and_fails_on_findings",
    ),
    (
        "cargo install --locked --path .\n",
        "precommit::readme_install_commands_install_sous",
    ),
    (
        "-- init.lua (neovim)\n",
        "lsp::neovim::neovim_with_the_readme_setup_receives_the_diagnostics",
    ),
    (
        "// .vscode/settings.json (VS Code)\n",
        "lsp::neovim::vs_code_and_helix_setups_start_the_server",
    ),
    (
        "# .helix/languages.toml (Helix)\n",
        "lsp::neovim::vs_code_and_helix_setups_start_the_server",
    ),
    // The CI script runs the tests, this one included.
    ("bash .ci/run\n", ".ci/run"),
    // The fuzzing campaign takes minutes per target: run by hand, not by the tests.
    ("cargo install cargo-fuzz\n", "scripts/fuzz"),
];

const ORDER: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
const STORE: &str = "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/order.proto\";\nmessage Store {\n  repeated Order orders = 1;\n}\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn git(cwd: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's example repository.
fn example_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "buf.yaml", "version: v2\nmodules:\n  - path: proto\n");
    write(root, "proto/acme/v1/order.proto", ORDER);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "order"]);
    write(root, "proto/acme/v1/store.proto", STORE);
    write(
        root,
        "third_party/googleapis/google/api/field_behavior.proto",
        "syntax = \"proto3\";\npackage google.api;\n",
    );
    // `sous breaking new --against old`: two versions of a module, side by side.
    write(root, "old/buf.yaml", "version: v2\n");
    write(root, "new/buf.yaml", "version: v2\n");
    write(root, "old/acme/v1/order.proto", ORDER);
    write(
        root,
        "new/acme/v1/order.proto",
        &ORDER.replace("  string note = 2;\n", ""),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "store"]);
    dir
}

/// A command line without its trailing `# comment`.
fn command(line: &str) -> &str {
    match line.find("  #") {
        Some(i) => line[..i].trim_end(),
        None => line.trim_end(),
    }
}

#[test]
fn every_snippet_is_run() {
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sous"), bin.path().join("sous")).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let repo = example_repo();
    let mut ran = 0;
    for (info, body) in readme::blocks() {
        if let Some((_, test)) = CLAIMED.iter().find(|(start, _)| body.starts_with(start)) {
            // The test that runs the block exists.
            if let Some((file, name)) = test.rsplit_once("::") {
                let file = file.replace("::", "/");
                let path =
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cli/{file}.rs"));
                let source = std::fs::read_to_string(&path).unwrap();
                assert!(
                    source.contains(&format!("fn {name}()")),
                    "{test} runs:\n{body}"
                );
            }
            continue;
        }
        assert_eq!(info, "sh", "a block that no test runs:\n{body}");
        for line in body.lines().map(command).filter(|l| !l.is_empty()) {
            // The quick start runs from a checkout of sous: the fixtures it names must exist.
            let (line, cwd) = match line.strip_prefix("cargo run --release -- ") {
                Some(args) => (format!("sous {args}"), env!("CARGO_MANIFEST_DIR").as_ref()),
                None => (line.to_string(), repo.path()),
            };
            assert!(line.starts_with("sous "), "not a sous command: {line}");
            let out = Command::new("bash")
                .args(["-ec", &line])
                .current_dir(cwd)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env_remove("GITHUB_STEP_SUMMARY")
                .output()
                .unwrap();
            let code = out.status.code().unwrap_or(-1);
            assert!(
                code == 0 || code == 100,
                "{line}: exit {code}\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "{ran} commands");
}
