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
