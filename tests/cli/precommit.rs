//! The pre-commit hooks (`.pre-commit-hooks.yaml`) run by the real pre-commit framework, and the
//! README's install commands. pre-commit comes from PyPI: `.ci/run` installs it into a virtual
//! environment outside the repository, `$SOUS_PRECOMMIT` (default `/tmp/sous-precommit`).
//!
//! The hook repository is a copy of this working tree (what `git ls-files` lists, untracked
//! files included, without `fixtures/`, `tests/` and `bench/`) committed in a new repository
//! at `$SOUS_PRECOMMIT/hook-repo-<hash of the checkout path>`, so uncommitted work is what gets
//! tested. `language: rust` makes pre-commit run
//! `cargo install` of it for every environment it creates (try-repo creates one per run); all
//! of them share `$SOUS_PRECOMMIT/target` and build without optimisation, so dependencies are
//! compiled once per machine and each install recompiles only sous.

use crate::snippets as readme;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const V1: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
const ADDED: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n  string label = 3;\n}\n";
/// A new field named against the style: FIELD_LOWER_SNAKE_CASE, nothing breaking.
const BAD_NAME: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n  int32 OtherId = 3;\n}\n";
/// ADDED and a field named against the style.
const ADDED_BAD_NAME: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n  string label = 3;\n  int32 OtherId = 4;\n}\n";
/// `note` deleted: FIELD_NO_DELETE, nothing for lint.
const DELETED: &str =
    "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n}\n";
/// A file with a lint finding that was committed before the hooks: never reported by sous-lint,
/// which reports the staged files only.
const LEGACY: &str =
    "syntax = \"proto3\";\npackage acme.v1;\nmessage legacy_thing {\n  int32 id = 1;\n}\n";
const ORDER: &str = "proto/acme/v1/order.proto";

const LINT_FINDING: &str =
    "proto/acme/v1/order.proto:6:9:field \"OtherId\" should be lower_snake_case";
const BREAKING_FINDING: &str =
    "proto/acme/v1/order.proto:3:1:field 2 \"note\" of message \"acme.v1.Order\" was deleted";

/// Held by each test for its whole run: concurrent `cargo install`s into the shared target
/// directory fail now and then (exit 101, nothing on stderr), so the tests take turns.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The virtual environment holding pre-commit. Missing is a failure that says how to install
/// it, never a skip.
fn venv() -> PathBuf {
    let dir = std::env::var_os("SOUS_PRECOMMIT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/sous-precommit"));
    assert!(
        dir.join("bin/pre-commit").is_file(),
        "pre-commit not found in {}: install it with `python3 -m venv {0} && {0}/bin/pip install pre-commit` (or run .ci/run, or set SOUS_PRECOMMIT)",
        dir.display()
    );
    dir
}

/// A command with git and cargo set up for the tests: no user or system git configuration
/// (an identity for commits instead), the shared unoptimised target directory.
fn command(program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
    static GITCONFIG: OnceLock<PathBuf> = OnceLock::new();
    let gitconfig = GITCONFIG.get_or_init(|| {
        let path = venv().join("gitconfig");
        std::fs::write(
            &path,
            "[user]\n\tname = t\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        path
    });
    let mut cmd = Command::new(program);
    cmd.current_dir(cwd);
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("GIT_") || k.starts_with("PRE_COMMIT") || k == "SKIP" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("GIT_CONFIG_GLOBAL", gitconfig)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("CARGO_TARGET_DIR", venv().join("target"))
        // The hooks behave the same unoptimised, and build in seconds instead of minutes.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("NO_COLOR", "1")
        .env_remove("CARGO_INSTALL_ROOT");
    cmd
}

struct Output {
    status: i32,
    /// stdout and stderr, in that order.
    text: String,
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    Output {
        status: out.status.code().unwrap_or(-1),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn git(cwd: &Path, args: &[&str]) -> String {
    let mut cmd = command("git", cwd);
    cmd.args(args);
    let out = run(cmd);
    assert_eq!(out.status, 0, "git {args:?}: {}", out.text);
    out.text
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The hook repository, made once per test run: (its directory, its commit).
fn hook_repo() -> &'static (PathBuf, String) {
    static REPO: OnceLock<(PathBuf, String)> = OnceLock::new();
    REPO.get_or_init(|| {
        // A fixed place per checkout, so that `cargo install --git` of it keeps reusing one
        // clone in ~/.cargo/git, and two checkouts tested at once do not rebuild each other's
        // repository under a running pre-commit; made afresh by every test run.
        let checkout = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            root().hash(&mut hasher);
            hasher.finish()
        };
        let dir = venv().join(format!("hook-repo-{checkout:016x}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let files = git(
            &root(),
            &[
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
        );
        for rel in files.split('\0').filter(|f| !f.is_empty()) {
            let skip = ["fixtures/", "tests/", "bench/"]
                .iter()
                .any(|d| rel.starts_with(d));
            let from = root().join(rel);
            // A file deleted from the working tree but still in the index.
            if skip || !from.is_file() {
                continue;
            }
            let to = dir.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
        assert!(dir.join(".pre-commit-hooks.yaml").is_file());
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "sous"]);
        let rev = git(&dir, &["rev-parse", "HEAD"]).trim().to_string();
        (dir, rev)
    })
}

/// A repository of a user's: a buf.yaml workspace with the module in `proto/`, Order at V1 and
/// a legacy file with a lint finding, committed without hooks.
fn user_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        "buf.yaml",
        "version: v2\nmodules:\n  - path: proto\n",
    );
    write(dir.path(), ORDER, V1);
    write(dir.path(), "proto/acme/v1/legacy.proto", LEGACY);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "schema"]);
    dir
}

fn pre_commit(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = command(venv().join("bin/pre-commit"), cwd);
    cmd.args(args);
    run(cmd)
}

fn stage(repo: &Path, text: &str) {
    write(repo, ORDER, text);
    git(repo, &["add", ORDER]);
}

/// What pre-commit printed for `hook` (its name): "Passed", "Failed" or "(no files to check)Skipped".
fn verdict<'a>(text: &'a str, hook: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("{hook}.")))
        .and_then(|l| l.rsplit('.').next())
        .unwrap_or_else(|| panic!("no line for {hook}:\n{text}"))
}

fn head(repo: &Path) -> String {
    git(repo, &["rev-parse", "HEAD"])
}

/// The README's `.pre-commit-config.yaml`, installed as git's pre-commit hook: every `git
/// commit` runs both hooks. One pre-commit home, so sous is built once for all commits.
#[test]
fn readme_config_checks_every_commit() {
    let _turn = serial();
    let (hooks, rev) = hook_repo();
    let snippet = readme::block(".pre-commit-config.yaml");
    let upstream = "  - repo: https://github.com/sous-dev/sous\n    rev: v0.1.0\n";
    assert!(snippet.contains(upstream), "{snippet}");
    let config = snippet.replace(
        upstream,
        &format!("  - repo: {}\n    rev: {rev}\n", hooks.display()),
    );
    let repo = user_repo();
    let home = tempfile::tempdir().unwrap();
    write(repo.path(), ".pre-commit-config.yaml", &config);
    git(repo.path(), &["add", ".pre-commit-config.yaml"]);
    git(repo.path(), &["commit", "-q", "-m", "pre-commit"]);
    let out = pre_commit(repo.path(), &["install"]);
    assert_eq!(out.status, 0, "{}", out.text);
    let commit = |message: &str| {
        let mut cmd = command("git", repo.path());
        cmd.args(["commit", "-m", message])
            .env("PRE_COMMIT_HOME", home.path());
        run(cmd)
    };

    // A good change passes both hooks; legacy.proto's finding is not reported.
    stage(repo.path(), ADDED);
    let before = head(repo.path());
    let out = commit("label");
    assert_eq!(out.status, 0, "{}", out.text);
    assert_ne!(head(repo.path()), before);
    assert_eq!(verdict(&out.text, "sous lint"), "Passed");
    assert_eq!(verdict(&out.text, "sous breaking"), "Passed");

    // A lint finding stops the commit and is shown.
    stage(repo.path(), ADDED_BAD_NAME);
    let before = head(repo.path());
    let out = commit("bad name");
    assert_ne!(out.status, 0, "{}", out.text);
    assert_eq!(head(repo.path()), before, "no commit");
    assert_eq!(verdict(&out.text, "sous lint"), "Failed");
    assert_eq!(verdict(&out.text, "sous breaking"), "Passed");
    assert!(
        out.text
            .contains("proto/acme/v1/order.proto:7:9:field \"OtherId\" should be lower_snake_case"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("legacy"), "{}", out.text);

    // A breaking change stops the commit.
    stage(repo.path(), V1);
    let out = commit("delete label");
    assert_ne!(out.status, 0, "{}", out.text);
    assert_eq!(verdict(&out.text, "sous lint"), "Passed");
    assert_eq!(verdict(&out.text, "sous breaking"), "Failed");
    assert!(
        out.text
            .contains("proto/acme/v1/order.proto:3:1:field 3 \"label\" of message \"acme.v1.Order\" was deleted"),
        "{}",
        out.text
    );
    assert_eq!(head(repo.path()), before, "no commit");
}

/// `pre-commit try-repo`, as the hook repository's README tells a user to try hooks: each run
/// checks what is staged.
#[test]
fn try_repo_runs_both_hooks() {
    let _turn = serial();
    let (hooks, rev) = hook_repo();
    let hooks = hooks.to_str().unwrap();
    let repo = user_repo();
    let try_repo = |hook: Option<&str>| {
        let mut args = vec!["try-repo", hooks];
        args.extend(hook);
        args.extend(["--ref", rev]);
        pre_commit(repo.path(), &args)
    };

    each_hook_checks_what_is_staged(repo.path(), try_repo);
}

/// Runs the hooks through `try_repo` (one hook by id, or both with `None`) on what is staged in
/// `repo`: a lint finding, a breaking change, then a change that passes both.
fn each_hook_checks_what_is_staged(repo: &Path, try_repo: impl Fn(Option<&str>) -> Output) {
    stage(repo, BAD_NAME);
    let out = try_repo(Some("sous-lint"));
    assert_ne!(out.status, 0, "{}", out.text);
    assert!(out.text.contains(LINT_FINDING), "{}", out.text);
    assert!(!out.text.contains("legacy"), "{}", out.text);

    stage(repo, DELETED);
    let out = try_repo(Some("sous-breaking"));
    assert_ne!(out.status, 0, "{}", out.text);
    assert!(out.text.contains(BREAKING_FINDING), "{}", out.text);

    stage(repo, ADDED);
    let out = try_repo(None);
    assert_eq!(out.status, 0, "{}", out.text);
    assert_eq!(verdict(&out.text, "sous lint"), "Passed");
    assert_eq!(verdict(&out.text, "sous breaking"), "Passed");
}

/// The README's install commands, run in the hook repository (a checkout) with `--git` pointed
/// at it, installing into a temporary root; the installed sous then finds a finding.
#[test]
fn readme_install_commands_install_sous() {
    let _turn = serial();
    let (hooks, _) = hook_repo();
    let block = readme::blocks()
        .into_iter()
        .map(|(_, body)| body)
        .find(|body| body.contains("cargo install --locked --path ."))
        .expect("the README's install block");
    let url = "https://github.com/sous-dev/sous";
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "{block}");
    let user = user_repo();
    stage(user.path(), BAD_NAME);
    for line in lines {
        assert!(line.starts_with("cargo install --locked "), "{line}");
        let line = line.replace(url, &format!("file://{}", hooks.display()));
        let root = tempfile::tempdir().unwrap();
        let mut cmd = command("bash", hooks);
        cmd.args(["-ec", &line])
            .env("CARGO_INSTALL_ROOT", root.path());
        let out = run(cmd);
        assert_eq!(out.status, 0, "{line}: {}", out.text);
        let sous = root.path().join("bin/sous");
        let mut cmd = command(&sous, user.path());
        cmd.args(["lint", "--error-format", "text"]);
        let out = run(cmd);
        assert_eq!(out.status, 100, "{line}: {}", out.text);
        assert!(out.text.contains(LINT_FINDING), "{}", out.text);
    }
}

/// Once buf's module cache holds what buf.lock pins (here downloaded by sous from a test
/// registry), both hooks run offline (`SOUS_OFFLINE=1`: no registry is asked) on a workspace with
/// deps; with an empty cache, the offline hook fails naming what is missing.
#[test]
fn hooks_work_offline_with_a_warm_module_cache() {
    use crate::registry::{server::Behaviour, setup, LINT};
    let _turn = serial();
    let (hooks, rev) = hook_repo();
    let s = setup(sous::deps::DigestKind::B5, Behaviour::Serve);
    assert_eq!(
        s.sous(&LINT, &[]).code,
        100,
        "the cache is warmed by a download"
    );
    let repo = s.ws.as_path();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "schema"]);
    let order = "shop/v1/order.proto";
    let text = std::fs::read_to_string(repo.join(order)).unwrap();
    write(
        repo,
        order,
        &format!("{text}\nmessage Extra {{\n  int32 id = 1;\n}}\n"),
    );
    git(repo, &["add", order]);
    let empty = tempfile::tempdir().unwrap();
    let try_repo = |cache: &Path| {
        let mut cmd = command(venv().join("bin/pre-commit"), repo);
        cmd.args(["try-repo", hooks.to_str().unwrap(), "--ref", rev])
            .env("BUF_CACHE_DIR", cache)
            .env("SOUS_OFFLINE", "1");
        run(cmd)
    };
    let out = try_repo(&s.cache);
    // order.proto's own finding (a field not in lower_snake_case), resolved against the deps:
    // no import is missing.
    assert_eq!(verdict(&out.text, "sous lint"), "Failed", "{}", out.text);
    assert!(out.text.contains("shop/v1/order.proto:11:"), "{}", out.text);
    assert!(!out.text.contains("not found"), "{}", out.text);
    assert_eq!(
        verdict(&out.text, "sous breaking"),
        "Passed",
        "{}",
        out.text
    );

    let out = try_repo(empty.path());
    assert_eq!(verdict(&out.text, "sous lint"), "Failed", "{}", out.text);
    assert!(out.text.contains("buf.build/acme/money"), "{}", out.text);
    assert!(
        out.text.contains("--offline (or SOUS_OFFLINE)"),
        "{}",
        out.text
    );
}
mod wheel;
