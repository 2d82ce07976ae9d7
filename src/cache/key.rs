//! The keys of the cache: what a run's entry depends on, hashed, and the directory it lives in.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use crate::cli::{CacheArgs, InputArgs};
use crate::input::FileSet;
use crate::invocation::Resolved;
use crate::schema::CompileOptions;

use super::Store;

/// The cache directory for these flags, unless caching is off.
pub(super) fn open(args: &CacheArgs) -> Option<Store> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    // Flags first, then the environment: `--cache-dir` caches even with SOUS_NO_CACHE set.
    if args.no_cache {
        return None;
    }
    if let Some(dir) = &args.cache_dir {
        return Some(Store::new(dir.clone(), true));
    }
    if set("SOUS_NO_CACHE").is_some_and(|v| v != "0") {
        return None;
    }
    if let Some(dir) = set("SOUS_CACHE_DIR") {
        return Some(Store::new(dir.into(), true));
    }
    let xdg = set("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute());
    let home = set("HOME")
        .or_else(|| set("USERPROFILE"))
        .map(PathBuf::from);
    let platform = if cfg!(windows) {
        set("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Caches"))
    } else {
        home.map(|h| h.join(".cache"))
    };
    Some(Store::new(xdg.or(platform)?.join("sous"), false))
}

/// A key being built: each part labelled and length-prefixed, so no two sequences of parts
/// hash the same.
pub(super) struct Key(pub(super) blake3::Hasher);

impl Key {
    pub(super) fn new(command: &str) -> Key {
        let mut key = Key(blake3::Hasher::new());
        key.part("cache format", 3);
        key.part("sous", env!("CARGO_PKG_VERSION"));
        // A rebuilt binary may find other findings under the same version number.
        let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
        key.part("build", exe.map(|m| (m.len(), m.modified().ok())));
        // Tests stand for an upgrade with it.
        key.part("version", std::env::var("SOUS_CACHE_VERSION").ok());
        key.part("command", command);
        key.part("cwd", std::env::current_dir().ok());
        key
    }

    pub(super) fn part(&mut self, label: &str, value: impl Debug) {
        let value = format!("{value:?}");
        for text in [label, &value] {
            self.0.update(&(text.len() as u64).to_le_bytes());
            self.0.update(text.as_bytes());
        }
    }
}

/// What lint and breaking key alike: the input's flags, configuration and compile options.
/// `None` for an input the cache does not serve.
pub(super) fn common(
    key: &mut Key,
    args: &InputArgs,
    r: &Resolved,
    o: &CompileOptions,
) -> Option<()> {
    if r.memory.is_some() || r.file_input || !r.filter.paths.is_empty() {
        return None;
    }
    key.part("input", &args.input);
    config_value(key, "config", args.config.as_deref());
    key.part("exclude paths", &args.exclude_paths);
    key.part("includes", &args.includes);
    key.part("offline", args.offline);
    key.part("allow message sets", args.allow_message_sets);
    key.part("workspace", &r.workspace);
    key.part("shown", &r.shown);
    key.part("modules", &r.modules);
    key.part("filter", &r.filter);
    key.part("purpose", o.purpose);
    key.part("compile includes", (&o.includes, &o.dep_includes, &o.deps));
    key.part("link groups", o.max_groups);
    // Where buf's module cache is; how many pools lint keeps (a profiling knob).
    for name in [
        "BUF_CACHE_DIR",
        "XDG_CACHE_HOME",
        "HOME",
        "SOUS_KEEP_POOLS_UP_TO",
    ] {
        key.part(name, std::env::var_os(name));
    }
    Some(())
}

/// A `--config`-like value, and the file's content when it names one.
pub(super) fn config_value(key: &mut Key, label: &str, value: Option<&str>) {
    key.part(label, value);
    let file = value.map(Path::new).filter(|p| p.is_file());
    key.part(label, file.and_then(|p| std::fs::read(p).ok()));
}

/// The files of a set: which there are, and what each is to the run.
pub(super) fn listing(key: &mut Key, set: &FileSet) {
    key.part("shares files", set.shares_files());
    for (name, f) in &set.files {
        let role = (
            &f.module,
            &f.workspace_path,
            &f.display,
            &f.disk,
            f.is_target,
        );
        key.part(name, role);
    }
}
