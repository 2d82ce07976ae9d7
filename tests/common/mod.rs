//! Shared helpers for the integration tests: run sous and the real buf, read their findings.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("spawn");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Runs the sous binary with `args` in `cwd`.
pub fn sous(cwd: &Path, args: &[&str]) -> Output {
    sous_env(cwd, args, &[])
}

/// Runs the sous binary with `args` in `cwd`, with variables `env` set (and no `NO_COLOR` but
/// one given there).
pub fn sous_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sous"));
    cmd.args(args).current_dir(cwd).env_remove("NO_COLOR");
    cmd.envs(env.iter().copied());
    run(cmd)
}

/// The real buf 1.75.0: `$SOUS_BUF`, else `/tmp/buf/node_modules/.bin/buf`. Missing is a failure
/// that says how to install it, never a skip.
pub fn buf_path() -> PathBuf {
    let path = std::env::var_os("SOUS_BUF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/buf/node_modules/.bin/buf"));
    assert!(
        path.is_file(),
        "buf not found at {}: install it with `npm install --prefix /tmp/buf @bufbuild/buf@1.75.0` (or set SOUS_BUF)",
        path.display()
    );
    path
}

pub fn buf(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(buf_path());
    cmd.args(args)
        .current_dir(cwd)
        .env("BUF_CACHE_DIR", std::env::temp_dir().join("sous-buf-cache"))
        .env("NO_COLOR", "1");
    run(cmd)
}

/// (path, start line, start column, end line, end column, type), the identity of a finding.
pub type Key = (String, u32, u32, u32, u32, String);

pub fn keys(json_lines: &str) -> BTreeSet<Key> {
    json_lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}"));
            let n = |k: &str| v[k].as_u64().unwrap_or(0) as u32;
            (
                v["path"].as_str().unwrap_or("").to_string(),
                n("start_line"),
                n("start_column"),
                n("end_line"),
                n("end_column"),
                v["type"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The (path, start line, start column) of every `COMPILE` finding, sorted, as many times as
/// there are findings there (two messages at one place are two).
pub fn compile_places(json_lines: &str) -> Vec<(String, u32, u32)> {
    let mut places: Vec<(String, u32, u32)> = json_lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}"));
            let n = |k: &str| v[k].as_u64().unwrap_or(0) as u32;
            (v["type"] == "COMPILE").then(|| {
                (
                    v["path"].as_str().unwrap_or("").to_string(),
                    n("start_line"),
                    n("start_column"),
                )
            })
        })
        .collect();
    places.sort();
    places
}

/// `breaking new --against <against> --error-format json`: a breaking fixture's comparison, run
/// inside its directory.
pub const fn breaking_against(against: &str) -> [&str; 6] {
    [
        "breaking",
        "new",
        "--against",
        against,
        "--error-format",
        "json",
    ]
}

/// `breaking new --against old --error-format json`.
pub const BREAKING: [&str; 6] = breaking_against("old");

/// Every file under `dir` (not directories), at any depth, sorted by path.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect()
}

/// Every directory directly under `fixtures/<group>/`, sorted.
pub fn fixture_dirs(group: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join(group))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// `fixtures/...` relative to the repository root, `/`-separated.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// insta's settings for the rest of the scope: snapshots live in `tests/snapshots` and are named
/// exactly as given. Their names predate the merge of the test files into fewer binaries (they
/// start with the old file's name, `lint_fixtures__...`, `pretty__...`), and must not change.
pub fn snapshot_settings() -> insta::internals::SettingsBindDropGuard {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind_to_scope()
}

/// A catalog entry (`rules/<ID>.md`) as the fixture tests need it, read from its front matter.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    /// `lint` or `breaking`.
    pub kind: String,
    pub deprecated: bool,
    pub replacements: Vec<String>,
}

impl Rule {
    /// buf parity: a deprecated rule without replacements is accepted in configuration but
    /// never reports anything.
    pub fn never_reports(&self) -> bool {
        self.deprecated && self.replacements.is_empty()
    }
}

/// Every catalog entry, sorted by ID.
pub fn catalog() -> Vec<Rule> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a catalog entry");
        let front = text.split("\n---\n").next().unwrap_or("");
        let field = |key: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        out.push(Rule {
            id: field("id"),
            kind: field("kind"),
            deprecated: field("deprecated") == "true",
            replacements: field("replacements")
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Whether buf 1.75.0 has a rule of this ID, by its rule lists in `tests/reference/`. A rule
/// beyond buf (its own ID, off by default) has no buf to compare with.
pub fn in_buf(id: &str) -> bool {
    let dir = root().join("tests/reference");
    std::fs::read_dir(&dir)
        .expect("tests/reference/")
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .any(|text| {
            text.lines().any(|l| {
                l.split('\t').next() == Some(id) || l.starts_with(&format!("{{\"id\":\"{id}\""))
            })
        })
}
