//! Where the configuration of an input directory is found: buf's search for `buf.work.yaml` and
//! `buf.yaml`, and where it stops.
//!
//! buf 1.75.0, as experiments with it show (the cases are CLI tests in `tests/cli/layouts.rs`):
//!
//! 1. From the input directory up to the file-system root, the first `buf.work.yaml` or v2
//!    `buf.yaml` that *controls* the input wins: it sits in the input directory itself, or one of
//!    its `directories` (module `path`s) is the input directory or contains it. A file that does
//!    not control the input is passed over, however close (a repository's root `buf.yaml` with
//!    `modules: [{path: proto}]` says nothing about `testdata/`). Neither the current directory
//!    nor a git repository root stops this search.
//! 2. When nothing controls the input, a v1 or v1beta1 `buf.yaml` governs it if it sits in the
//!    input directory or an ancestor, but no higher than the current directory, and only when
//!    the input is given relative to the current directory and inside it. An absolute input, or
//!    one that climbs out with `..`, looks in the input directory alone.
//! 3. A `buf.work.yaml` and a `buf.yaml` side by side, in any directory the search looks at, are
//!    an error, and so is a configuration file of an unknown version (`version: v9`), or of none,
//!    there.

use std::path::{Path, PathBuf};

use super::file::{BufWorkYaml, BufYamlV2, VersionOnly};
use super::module::normalise;
use super::{parse, read, Version, Workspace, BUF_WORK_YAML, BUF_YAML};
use crate::error::{Error, Result};
use crate::paths::{absolute, clean, display_join, is_within, relative_root};

/// The configuration that governs `dir`, found as buf finds it (see the module docs); `None`
/// when there is none.
pub(super) fn discover(dir: &Path) -> Result<Option<Workspace>> {
    // Lexically clean, as buf's paths are: the parent of `/a/b/../c` is `/a`, not `/a/b/..`.
    let abs = PathBuf::from(clean(&absolute(dir)));
    let mut current: Option<&Path> = Some(abs.as_path());
    while let Some(candidate) = current {
        if let Some(found) = controlling(dir, &abs, candidate)? {
            return Ok(Some(found));
        }
        current = candidate.parent();
    }
    let given = clean(dir);
    let top = if dir.is_absolute() || given == ".." || given.starts_with("../") {
        abs.clone()
    } else {
        PathBuf::from(clean(&absolute(Path::new("."))))
    };
    let mut current: Option<&Path> = Some(abs.as_path());
    while let Some(candidate) = current.filter(|c| c.starts_with(&top)) {
        let path = candidate.join(BUF_YAML);
        if path.is_file() {
            let text = read(&path)?;
            let head: VersionOnly = parse(&path, &text)?;
            if Version::parse(head.version.as_deref().unwrap_or_default()) != Some(Version::V2) {
                return load(dir, &abs, candidate, BUF_YAML, &text).map(Some);
            }
        }
        current = candidate.parent();
    }
    Ok(None)
}

/// The workspace of the `buf.work.yaml` or v2 `buf.yaml` in `candidate`, if it controls the input
/// directory `abs` (given as `dir`).
fn controlling(dir: &Path, abs: &Path, candidate: &Path) -> Result<Option<Workspace>> {
    let work = candidate.join(BUF_WORK_YAML);
    let buf = candidate.join(BUF_YAML);
    let (has_work, has_buf) = (work.is_file(), buf.is_file());
    if has_work && has_buf {
        return Err(Error::config(
            relative_root(dir, abs, candidate),
            format!(
                "this directory holds both {BUF_WORK_YAML} and {BUF_YAML}, and buf reads neither: \
                 keep one (a v2 {BUF_YAML} lists its modules itself)"
            ),
        ));
    }
    // The input relative to `candidate`; `.` when they are the same directory.
    let below = abs
        .strip_prefix(candidate)
        .map(clean)
        .unwrap_or_else(|_| ".".into());
    let contains = |dirs: &[String]| below == "." || dirs.iter().any(|d| is_within(&below, d));
    if has_buf {
        let text = read(&buf)?;
        let head: VersionOnly = parse(&buf, &text)?;
        match head.version.as_deref().and_then(Version::parse) {
            Some(Version::V2) => {}
            Some(_) => return Ok(None),
            // buf parity: a missing or unknown version is an error wherever the search meets it.
            None => return load(dir, abs, candidate, BUF_YAML, &text).map(Some),
        }
        let yaml: BufYamlV2 = parse(&buf, &text)?;
        let dirs: Vec<String> = if yaml.modules.is_empty() {
            vec![".".to_string()]
        } else {
            yaml.modules
                .iter()
                .map(|m| normalise(&buf, &text, ".", m.path.as_deref().unwrap_or(".")))
                .collect::<Result<_>>()?
        };
        return if contains(&dirs) {
            load(dir, abs, candidate, BUF_YAML, &text).map(Some)
        } else {
            Ok(None)
        };
    }
    if has_work {
        let text = read(&work)?;
        let yaml: BufWorkYaml = parse(&work, &text)?;
        if yaml.version != "v1" {
            // Reading it reports the unknown version.
            return load(dir, abs, candidate, BUF_WORK_YAML, &text).map(Some);
        }
        let dirs = yaml
            .directories
            .iter()
            .map(|d| normalise(&work, "", ".", d))
            .collect::<Result<Vec<_>>>()?;
        return if contains(&dirs) {
            load(dir, abs, candidate, BUF_WORK_YAML, &text).map(Some)
        } else {
            Ok(None)
        };
    }
    Ok(None)
}

/// The workspace of configuration file `name` (text `text`) in directory `candidate`, with its
/// root spelled relative to the input as the user gave it, so printed paths look like theirs.
fn load(dir: &Path, abs: &Path, candidate: &Path, name: &str, text: &str) -> Result<Workspace> {
    let root = relative_root(dir, abs, candidate);
    Workspace::from_text(&root, &display_join(&root, name), text)
}
