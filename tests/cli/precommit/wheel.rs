//! The Python wheel that carries sous (pyproject.toml, built by maturin from PyPI) and the
//! hooks that install it (packaging/pre-commit, `language: python`): built here once per test
//! run, installed into fresh virtual environments, run with no Rust toolchain on the PATH.
//! maturin lives in a virtual environment outside the repository, `$SOUS_MATURIN` (default
//! `/tmp/sous-maturin`), with a `find-links` directory holding the setuptools wheel the hook
//! project builds with (`.ci/run` installs both), so nothing here reaches for an index.
//! The wheel is built as pre-commit's `cargo install` builds (same target directory, same
//! unoptimised release profile), so the compiled dependencies are shared.

use super::*;
use std::time::Instant;

fn maturin_env() -> PathBuf {
    let dir = std::env::var_os("SOUS_MATURIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/sous-maturin"));
    assert!(
        dir.join("bin/maturin").is_file() && setuptools(&dir.join("find-links")),
        "maturin or the setuptools wheel not found in {}: run .ci/run, or `python3 -m venv {0} && {0}/bin/pip install maturin && {0}/bin/pip download --only-binary=:all: --dest {0}/find-links setuptools` (or set SOUS_MATURIN)",
        dir.display()
    );
    dir
}

fn setuptools(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("setuptools-"))
    })
}

/// The wheel built from this checkout, once per test run.
fn wheel() -> &'static PathBuf {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        let mut cmd = command(maturin_env().join("bin/maturin"), &root());
        cmd.args(["build", "--release", "--locked", "--out"])
            .arg(&out);
        let built = run(cmd);
        assert_eq!(built.status, 0, "maturin build: {}", built.text);
        let wheels: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "whl"))
            .collect();
        let [wheel] = wheels.as_slice() else {
            panic!("one wheel expected in {}: {wheels:?}", out.display())
        };
        wheel.clone()
    })
}

fn version(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        .trim_matches(|c| c == '"' || c == ' ')
        .to_string()
}

/// The PATH with every directory that holds cargo or rustc left out.
fn path_without_rust() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    let kept: Vec<&str> = path
        .split(':')
        .filter(|d| {
            !["cargo", "rustc", "rustup"]
                .iter()
                .any(|t| Path::new(d).join(t).exists())
        })
        .collect();
    kept.join(":")
}

fn without_rust(cmd: &mut Command) {
    cmd.env("PATH", path_without_rust())
        .env_remove("CARGO")
        .env_remove("CARGO_HOME")
        .env_remove("RUSTUP_HOME")
        .env_remove("RUSTC");
}

/// `pip install` of the wheel into a fresh virtual environment gives a `sous` that is the binary
/// itself (no Python in between) and prints what the cargo-built binary prints.
#[test]
fn the_wheel_installs_sous_which_lints_as_the_cargo_build() {
    let _turn = serial();
    let wheel = wheel();
    let env = tempfile::tempdir().unwrap();
    let made = run({
        let mut cmd = command("python3", env.path());
        cmd.args(["-m", "venv"]).arg(env.path().join("venv"));
        cmd
    });
    assert_eq!(made.status, 0, "{}", made.text);
    let venv = env.path().join("venv");
    let start = Instant::now();
    let installed = run({
        let mut cmd = command(venv.join("bin/pip"), env.path());
        cmd.args(["install", "--no-index", "--disable-pip-version-check", "-q"])
            .arg(wheel);
        without_rust(&mut cmd);
        cmd
    });
    assert_eq!(installed.status, 0, "{}", installed.text);
    let sous = venv.join("bin/sous");
    let lint = |program: &Path| {
        let mut cmd = command(program, &root());
        cmd.args(["lint", "fixtures/projects/demo", "--error-format", "json"]);
        without_rust(&mut cmd);
        cmd.output().unwrap()
    };
    let ours = lint(&sous);
    eprintln!(
        "pip install of the wheel and sous lint fixtures/projects/demo: {:?}",
        start.elapsed()
    );
    let cargo_built = lint(Path::new(env!("CARGO_BIN_EXE_sous")));
    assert_eq!(ours.status.code(), Some(100));
    assert_eq!(ours.status.code(), cargo_built.status.code());
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&cargo_built.stdout)
    );
    assert!(!ours.stdout.is_empty());
    let head = std::fs::read(&sous).unwrap();
    assert!(
        head.starts_with(b"\x7fELF"),
        "not the binary: {:?}",
        &head[..16.min(head.len())]
    );
    let version = |program: &Path| {
        String::from_utf8(
            Command::new(program)
                .arg("--version")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    assert_eq!(
        version(&sous),
        version(Path::new(env!("CARGO_BIN_EXE_sous")))
    );
}

/// The wheel-based hooks, from a hook repository made of packaging/pre-commit, installed by
/// pre-commit into a fresh home with no Rust on the PATH and no package index: the wheel is all
/// they need.
#[test]
fn wheel_hooks_install_without_rust_and_check_commits() {
    let _turn = serial();
    let wheel_dir = wheel().parent().unwrap().to_path_buf();
    let hooks = tempfile::tempdir().unwrap();
    for file in [".pre-commit-hooks.yaml", "pyproject.toml"] {
        std::fs::copy(
            root().join("packaging/pre-commit").join(file),
            hooks.path().join(file),
        )
        .unwrap();
    }
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "-A"]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = git(hooks.path(), &["rev-parse", "HEAD"]).trim().to_string();
    let home = tempfile::tempdir().unwrap();
    let repo = user_repo();
    let try_repo = |hook: Option<&str>| {
        let mut cmd = command(venv().join("bin/pre-commit"), repo.path());
        cmd.arg("try-repo").arg(hooks.path());
        cmd.args(hook);
        cmd.args(["--ref", &rev]);
        without_rust(&mut cmd);
        cmd.env("PRE_COMMIT_HOME", home.path())
            .env("PIP_NO_INDEX", "1")
            .env(
                "PIP_FIND_LINKS",
                format!(
                    "{} {}",
                    wheel_dir.display(),
                    maturin_env().join("find-links").display()
                ),
            );
        run(cmd)
    };

    // The README's configuration names this hook repository and its hooks.
    let snippet = readme::block(".pre-commit-config.yaml (no Rust)");
    assert!(
        snippet.contains("  - repo: https://github.com/sous-dev/sous-pre-commit\n"),
        "{snippet}"
    );
    let hook_file =
        std::fs::read_to_string(root().join("packaging/pre-commit/.pre-commit-hooks.yaml"))
            .unwrap();
    for id in ["sous-lint", "sous-breaking"] {
        assert!(
            snippet.contains(&format!("      - id: {id}\n")),
            "{snippet}"
        );
        assert!(hook_file.contains(&format!("- id: {id}\n")), "{hook_file}");
    }

    each_hook_checks_what_is_staged(repo.path(), try_repo);
}

/// The wheel-based hooks are the source-built hooks with another language, and the hook
/// project pins the wheel of this version.
#[test]
fn wheel_hooks_match_the_source_hooks_and_pin_this_version() {
    let hooks_of = |path: &str| {
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let start = text
            .find("# pre-commit passes")
            .expect("the hooks' first comment");
        text[start..].to_string()
    };
    let source = hooks_of(".pre-commit-hooks.yaml");
    let wheel = hooks_of("packaging/pre-commit/.pre-commit-hooks.yaml");
    assert_eq!(source.matches("language: rust").count(), 2, "{source}");
    assert_eq!(wheel, source.replace("language: rust", "language: python"));

    let cargo = version(
        &std::fs::read_to_string(root().join("Cargo.toml")).unwrap(),
        "version = ",
    );
    let project =
        std::fs::read_to_string(root().join("packaging/pre-commit/pyproject.toml")).unwrap();
    assert_eq!(version(&project, "version = "), cargo);
    assert!(
        project.contains(&format!("dependencies = [\"sous=={cargo}\"]")),
        "{project}"
    );
}
