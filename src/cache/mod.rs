//! The cache: a run's findings kept under a key of everything that can change them, so that the
//! same run on the same files replays them instead of compiling again (the pre-commit hook on
//! every commit, the CI job on every push, the editor on every save).
//!
//! One entry per run (for lint, with a record per file: see `incremental`). Its key hashes the
//! sous build, the command and the flags that change findings, the resolved configuration, the
//! files found (paths and roles) and, for `breaking --against` a git revision, the revision's
//! tree id, which is a content hash of every file in it. The entry holds a manifest of every
//! file the run read from disk with its content hash, which a later run checks by reading and
//! hashing each again: an edit to a file, or to anything it imports, is a miss. Then the
//! findings, the stderr lines of the stages a replay skips, and the sources the report quotes.
//! A replay goes through the same report as a cold run, so the output is byte-identical. A lint
//! run after an edit compiles only the files it changed and those importing them, and takes
//! every other file's findings from the entry (`incremental`).
//!
//! On by default, and invisible: it changes no output and no exit code, writes only under the
//! user's cache directory (never into the input), and a run it cannot help (a damaged entry, a
//! directory not writable) runs as if there were none. Runs it leaves alone: `--path` and `.proto`
//! file inputs (already instant), inputs read into memory (git, archives, images), `--against`
//! an archive or an image, `--fix`, `--diff`, `--add-ignores`, `--since`, workspaces compared
//! module by module, and runs with compile errors (a missing import may appear anywhere).

mod entry;
mod incremental;
mod key;
mod layout;
mod skeleton;
mod store;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::against::{Against, GitSide};
use crate::cli::{BreakingArgs, ErrorFormat, LintArgs, OutputArgs};
use crate::error::Result;
use crate::finding::Finding;
use crate::input::FileSet;
use crate::invocation::{self, Resolved};
use crate::schema::{CompileOptions, Schema, Source};
use entry::{Entry, Inputs, Rendered, Seen, Stat, StoredFinding, StoredSource};
use key::{common, config_value, listing, open, Key};
pub use store::Store;

/// One run's place in the cache: its key, and what storing its findings needs.
pub struct Run {
    store: Store,
    key: String,
    /// How many of the schemas given to [`Run::store`] were read from disk (the rest are a git
    /// revision, which the key names by its tree id).
    from_disk: usize,
    /// Where imports outside the workspace are looked for, in order.
    includes: Vec<PathBuf>,
    /// The import paths of the workspace's files.
    listed: HashSet<String>,
    /// When the run began: a file changed since may not be what the run read.
    started: std::time::SystemTime,
    /// For lint: what compiling again only what an edit changes takes.
    lint: Option<Box<incremental::Lint>>,
}

/// The findings of a run replayed, with the sources their report quotes.
pub struct Replay {
    pub findings: Vec<Finding>,
    pub sources: Vec<Arc<Source>>,
}

impl Run {
    /// The cache of `sous lint` for these arguments, if the run is one the cache serves.
    pub fn lint(
        args: &LintArgs,
        resolved: &Resolved,
        options: &CompileOptions,
        sets: &[FileSet],
    ) -> Option<Run> {
        let fixes = args.fixes.fix || args.fixes.diff || args.fixes.unsafe_fixes;
        if args.since.is_some() || fixes || args.add_ignores {
            return None;
        }
        let (store, mut key) = (open(&args.cache)?, Key::new("lint"));
        common(&mut key, &args.input, resolved, options)?;
        sets.iter().for_each(|set| listing(&mut key, set));
        let mut run = Run::new(store, key, usize::MAX, options, sets);
        if let [set] = sets {
            run.lint = Some(Box::new(incremental::Lint {
                workspace: resolved.workspace.clone(),
                set: set.clone(),
                options: options.clone(),
            }));
        }
        Some(run)
    }

    /// The cache of `sous breaking` for these arguments, if the run is one the cache serves.
    pub fn breaking(
        args: &BreakingArgs,
        resolved: &Resolved,
        options: &CompileOptions,
    ) -> Option<Run> {
        // The old side's dependencies come through its own lock, which the key does not follow.
        let fixes = args.fixes.fix || args.fixes.diff || args.fixes.unsafe_fixes;
        if fixes || !options.dep_includes.is_empty() {
            return None;
        }
        let store = open(&args.cache)?;
        let mut key = Key::new("breaking");
        common(&mut key, &args.input, resolved, options)?;
        let set = invocation::discover_resolved(resolved).ok()?;
        listing(&mut key, &set);
        key.part("exclude imports", args.exclude_imports);
        key.part("limit to input files", args.limit_to_input_files);
        key.part("against", &args.against);
        config_value(&mut key, "against config", args.against_config.as_deref());
        let from_disk = match Against::parse(&args.against).ok()? {
            Against::Revision(rev) => {
                key.part(
                    "git",
                    GitSide::for_revision(resolved.place(), &rev)
                        .ok()?
                        .identity(),
                );
                1
            }
            Against::Git(git) => {
                key.part("git", GitSide::for_buf_syntax(&git).ok()?.identity());
                1
            }
            Against::Dir(dir) => {
                let config = args.against_config.as_deref();
                let resolve = || invocation::resolve_against_dir(&dir, config);
                let (workspace, old) = crate::error::quietly(resolve).ok()?;
                key.part("against workspace", &workspace);
                listing(&mut key, &old);
                2
            }
            Against::Archive(_) | Against::Image(_) => return None,
        };
        Some(Run::new(store, key, from_disk, options, &[set]))
    }

    fn new(store: Store, key: Key, from_disk: usize, o: &CompileOptions, sets: &[FileSet]) -> Run {
        Run {
            store,
            key: key.0.finalize().to_hex().to_string(),
            from_disk,
            includes: o.includes.iter().chain(&o.dep_includes).cloned().collect(),
            listed: sets.iter().flat_map(|s| s.files.keys().cloned()).collect(),
            started: std::time::SystemTime::now(),
            lint: None,
        }
    }

    /// Serves the run from the cache, if every file it read is as it was: its report as printed
    /// before in this format, or else its findings, which `print` reports (and the report is
    /// kept for the next run). `None` on a miss, which starts recording what [`Run::store`]
    /// keeps.
    pub fn replay(
        &self,
        output: &OutputArgs,
        print: impl FnOnce(Vec<Finding>, Vec<Arc<Source>>) -> Result<i32>,
    ) -> Option<Result<i32>> {
        let rendered = self.rendered_key(output);
        let printed = || self.printed(rendered.as_deref()?, output);
        if let Some(code) = crate::trace::stage("cache: check report", printed) {
            crate::trace::mark("cache: hit, the report as printed");
            return Some(code);
        }
        let payload = self.store.get(&self.key);
        let base = (payload.as_deref().and_then(layout::base_key))
            .and_then(|key| self.store.get_content(&key));
        let loaded = crate::trace::stage("cache: check", || {
            let payload = payload.as_deref().map(|p| (p, base.as_deref()));
            self.load(payload, incremental::texts_quoted(output))
        });
        let (replay, entry) = match loaded {
            Ok(loaded) => loaded,
            Err(old) => {
                crate::error::record_stderr();
                return self.incremental(*old?, output, print);
            }
        };
        crate::trace::mark("cache: hit, the findings reported again");
        if let Some(rendered) = rendered {
            capture(self.store.clone(), rendered, entry.0, entry.1);
        }
        Some(print(replay.findings, replay.sources))
    }

    /// The key of the report in the format `output` asks for; `None` for a format whose report
    /// does more than print (github-actions appends to `$GITHUB_STEP_SUMMARY`), which is
    /// reported again from the findings every time.
    fn rendered_key(&self, output: &OutputArgs) -> Option<String> {
        let style = invocation::report_style(output);
        if style.0 == ErrorFormat::GithubActions {
            return None;
        }
        let mut key = Key(blake3::Hasher::new());
        key.part("run", &self.key);
        key.part("report", style);
        Some(key.0.finalize().to_hex().to_string())
    }

    /// Writes the report stored under `key` where `output` says, if its inputs still hold.
    fn printed(&self, key: &str, output: &OutputArgs) -> Option<Result<i32>> {
        // The head is checked against the files before the whole entry is: after an edit the
        // report is not read at all (tens of megabytes), and a damaged head only misses.
        let start = self.store.read_start(key, 1 << 16)?;
        let head = Rendered::head(&start, |len| self.store.read_start(key, len))?;
        if !self.imports_hold(&head.inputs) {
            return None;
        }
        head.inputs.still_hold(&HashSet::new())?;
        let raw = self.store.read(key)?;
        let (head, stdout) = Rendered::decode(self.store.checked(key, &raw)?)?;
        head.before.iter().for_each(crate::error::eprint_line);
        let written = match &output.output {
            Some(path) => crate::atomic::write(path, |out| out.write_all(stdout)),
            None => std::io::stdout()
                .lock()
                .write_all(stdout)
                .map_err(|e| crate::Error::io(crate::error::STDOUT, e)),
        };
        if let Err(e) = written {
            return Some(Err(e));
        }
        head.after.iter().for_each(crate::error::eprint_line);
        Some(Ok(head.code))
    }

    fn imports_hold(&self, inputs: &Inputs) -> bool {
        inputs
            .imports
            .iter()
            .all(|(name, at)| self.found(name) == *at)
    }

    /// The findings stored for this run with their sources, and what a report of them keeps;
    /// or else the entry with its skeletons, if it is whole but some file changed.
    #[allow(clippy::type_complexity)]
    fn load<'p>(
        &self,
        payload: Option<(&'p [u8], Option<&'p [u8]>)>,
        quoted: bool,
    ) -> Result<(Replay, (Inputs, Vec<String>)), Option<Box<(Entry, Vec<&'p [u8]>)>>> {
        let decoded = payload.and_then(|(payload, base)| layout::decode(payload, base));
        let (mut entry, skeletons) = decoded.ok_or(None)?;
        if !self.imports_hold(&entry.inputs) {
            return Err(None);
        }
        // Metadata first (the texts are read only once every file is known to be as it was),
        // and only the texts the report quotes.
        if entry.inputs.still_hold(&HashSet::new()).is_none() {
            return Err(Some(Box::new((entry, skeletons))));
        }
        let keep: HashSet<&PathBuf> = (entry.sources.iter())
            .filter(|s| s.text.is_none() && quoted)
            .map(|s| &s.disk)
            .collect();
        let Some(read) = entry.inputs.still_hold(&keep) else {
            return Err(Some(Box::new((entry, skeletons))));
        };
        let sources = std::mem::take(&mut entry.sources)
            .into_iter()
            .map(|s| s.source(&read, quoted))
            .collect::<Option<Vec<_>>>()
            .ok_or(None)?;
        let mut recorded = std::mem::take(&mut entry.files);
        let findings = (entry.findings.drain(..))
            .chain(recorded.iter_mut().flat_map(|f| f.take_findings()))
            .map(StoredFinding::finding)
            .collect::<Option<Vec<_>>>()
            .ok_or(None)?;
        entry.stderr.iter().for_each(crate::error::eprint_line);
        let replay = Replay { findings, sources };
        Ok((replay, (entry.inputs, entry.stderr)))
    }

    /// Where the include directories give import `name` now.
    fn found(&self, name: &str) -> Option<PathBuf> {
        self.includes
            .iter()
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    }

    /// Stores the run's `findings`, found in `schemas` (in the order the report takes their
    /// sources), and starts capturing the report that follows ([`Tee`], [`reported`]). A run
    /// with compile errors is not stored.
    pub fn store(self, findings: &[Finding], schemas: &[&Schema], output: &OutputArgs) {
        let stderr = crate::error::take_recorded_stderr().unwrap_or_default();
        if schemas.iter().any(|s| !s.errors.is_empty()) {
            return;
        }
        crate::trace::stage("cache: store", || {
            let Some(mut entry) = self.entry(findings, schemas, stderr) else {
                return;
            };
            let mut skeletons = Vec::new();
            if let (Some(_), [schema]) = (&self.lint, schemas) {
                let records = incremental::cold_records(schema, findings);
                (entry.files, skeletons, entry.findings) = records;
            }
            self.put(entry, skeletons, output);
        });
    }

    /// Stores `entry` while the report is printed ([`reported`] waits for it), and starts
    /// capturing the report.
    fn put(&self, entry: Entry, skeletons: Vec<Vec<u8>>, output: &OutputArgs) {
        if let Some(rendered) = self.rendered_key(output) {
            let (inputs, stderr) = (entry.inputs.clone(), entry.stderr.clone());
            capture(self.store.clone(), rendered, inputs, stderr);
        }
        let (store, key) = (self.store.clone(), self.key.clone());
        let write = move || layout::write(&store, &key, &entry, &skeletons);
        if let Ok(handle) = std::thread::Builder::new().spawn(write) {
            if let Ok(mut writing) = WRITING.lock() {
                *writing = Some((self.store.clone(), handle));
            }
        }
    }

    fn entry(
        &self,
        findings: &[Finding],
        schemas: &[&Schema],
        stderr: Vec<String>,
    ) -> Option<Entry> {
        let mut manifest = BTreeMap::new();
        let mut imports = Vec::new();
        let seen = |path: &Path, bytes: &[u8]| Seen {
            hash: entry::hash(bytes),
            stat: Stat::vouching(path, self.started),
        };
        // One source per display path, the last winning, as the report takes them.
        let mut shown: HashMap<&str, (&Source, bool)> = HashMap::new();
        for (i, schema) in schemas.iter().enumerate() {
            let from_disk = i < self.from_disk;
            for source in schema.sources.values() {
                shown.insert(&source.file.display, (source, from_disk));
            }
            if from_disk {
                // Hashed on every core: tens of megabytes on a large tree.
                let sources: Vec<&Arc<Source>> = schema.sources.values().collect();
                manifest.par_extend(sources.par_iter().map(|source| {
                    let disk = &source.file.disk;
                    (disk.clone(), seen(disk, source.text.as_bytes()))
                }));
            }
            if from_disk && !self.includes.is_empty() {
                let outside = schema.by_name.keys().filter(|n| !self.listed.contains(*n));
                imports.extend(outside.map(|n| (n.clone(), self.found(n))));
            }
        }
        // The compiler read these from the include directories itself: they are hashed now,
        // unless one changed since the run began (what it compiled is then unknown).
        for path in imports.iter().filter_map(|(_, at)| at.as_ref()) {
            let meta = std::fs::metadata(path).ok()?;
            if meta.modified().ok()? >= self.started {
                return None;
            }
            manifest.insert(path.clone(), seen(path, &std::fs::read(path).ok()?));
        }
        let quoted: HashSet<&str> = findings
            .iter()
            .flat_map(|f| [f.path.as_deref(), f.old.as_ref().map(|p| p.path.as_str())])
            .flatten()
            .collect();
        let mut sources: Vec<StoredSource> = quoted
            .iter()
            .filter_map(|display| shown.get(display))
            .map(|(source, from_disk)| StoredSource::new(source, !from_disk))
            .collect();
        sources.sort_by(|a, b| a.display.cmp(&b.display));
        imports.sort();
        imports.dedup();
        Some(Entry {
            inputs: Inputs { manifest, imports },
            stderr,
            findings: findings.iter().map(StoredFinding::new).collect(),
            sources,
            files: Vec::new(),
            base: None,
        })
    }
}

/// The report being printed, kept to be stored when it is done.
struct Capture {
    store: Store,
    key: String,
    inputs: Inputs,
    before: Vec<String>,
    stdout: Vec<u8>,
}

static CAPTURE: Mutex<Option<Capture>> = Mutex::new(None);

/// Starts capturing the report about to be printed (and recording stderr, for its summary).
fn capture(store: Store, key: String, inputs: Inputs, before: Vec<String>) {
    if let Ok(mut capture) = CAPTURE.lock() {
        *capture = Some(Capture {
            store,
            key,
            inputs,
            before,
            stdout: Vec::new(),
        });
        crate::error::record_stderr();
    }
}

/// Where a report is written: what goes through also goes to the capture, if one is on.
pub struct Tee<W>(pub W);

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        if let Ok(mut capture) = CAPTURE.lock() {
            if let Some(capture) = capture.as_mut() {
                capture.stdout.extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The report is printed and exits with `code`: the captured report is stored, if one is.
pub fn reported(code: i32) {
    let capture = CAPTURE.lock().ok().and_then(|mut c| c.take());
    if let Some(capture) = capture {
        store_report(capture, code);
    }
    // The findings' entry, written meanwhile.
    let writing = WRITING.lock().ok().and_then(|mut w| w.take());
    if let Some((store, handle)) = writing {
        if let Ok(Err(e)) = handle.join() {
            store.failed(e);
        }
    }
}

/// The entry being written while the report is printed, and the cache it goes to.
#[allow(clippy::type_complexity)]
static WRITING: Mutex<Option<(Store, std::thread::JoinHandle<Result<()>>)>> = Mutex::new(None);

fn store_report(capture: Capture, code: i32) {
    let rendered = Rendered {
        inputs: capture.inputs,
        before: capture.before,
        after: crate::error::take_recorded_stderr().unwrap_or_default(),
        code,
    };
    if let Some(head) = rendered.encode() {
        capture.store.put(&capture.key, &[&head, &capture.stdout]);
    }
}
