//! A lint run after an edit: only what the edit can change is compiled and linted again.
//!
//! A lint entry keeps, for every compiled file, what it imports, a hash of what it declares,
//! its skeleton (see `skeleton`) and the findings in it. When some of the run's files changed
//! since, and every other input holds, the files changed and those that import them, directly
//! or not, are compiled (with what they import, as `--path` compiles) and linted with the rules
//! that look at one file; every other file takes its findings from the entry. The rules that
//! compare files ([`MODULE_RULES`]) run again over every file, from the skeletons of the files
//! not compiled. The result is the cold run's, byte for byte, or else no result: a changed file
//! that now declares other top-level names (it could clash with a file not compiled), a file
//! outside the workspace, a compile error or a warning, a file the entry does not know: each is
//! a miss, and the run compiles everything.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::entry::{Entry, FileRecord, Seen, Stat, StoredFinding, StoredSource};
use super::{layout, skeleton, Run};
use crate::cli::{ErrorFormat, OutputArgs};
use crate::config::Workspace;
use crate::error::Result;
use crate::finding::Finding;
use crate::input::FileSet;
use crate::lint::{Part, MODULE_RULES};
use crate::schema::{CompileOptions, Proto, Schema, Source};

/// What compiling a lint run's changed files again takes.
pub struct Lint {
    pub workspace: Workspace,
    pub set: FileSet,
    pub options: CompileOptions,
}

/// The records of a cold lint run's compiled files, their skeletons, and the findings that
/// belong to no file.
pub(super) fn cold_records(
    schema: &Schema,
    findings: &[Finding],
) -> (Vec<FileRecord>, Vec<Vec<u8>>, Vec<StoredFinding>) {
    let made: Vec<(FileRecord, Vec<u8>)> = schema
        .files
        .par_iter()
        .map(|proto| {
            let source = schema.sources.get(proto.name());
            let record = FileRecord {
                name: proto.name().to_string(),
                disk: source.map(|s| s.file.disk.clone()),
                target: source.is_some_and(|s| s.file.is_target),
                imports: proto.dependency.clone(),
                declarations: skeleton::declarations(proto),
                shown: source.map(|s| (s.file.display.clone(), s.file.workspace_path.clone())),
                findings: Vec::new(),
            };
            (record, skeleton::skeleton(proto))
        })
        .collect();
    let (mut records, skeletons): (Vec<_>, Vec<_>) = made.into_iter().unzip();
    let rest = group(&mut records, findings);
    (records, skeletons, rest)
}

/// Puts each finding into the record of its file; returns those of no file and those of the
/// rules comparing files (which a run after an edit finds again, whatever it changed: kept out
/// of the records, they leave the records of the files it did not change as they were).
fn group(records: &mut [FileRecord], findings: &[Finding]) -> Vec<StoredFinding> {
    let index: HashMap<String, usize> = (records.iter().enumerate())
        .filter_map(|(i, r)| Some((r.shown.as_ref()?.1.clone(), i)))
        .collect();
    let mut rest = Vec::new();
    for f in findings {
        let of_file = f.file.as_deref().and_then(|w| index.get(w));
        match of_file.filter(|_| !MODULE_RULES.contains(&f.rule.as_str())) {
            Some(&i) => {
                let (display, workspace) = records[i].shown.as_ref().expect("indexed");
                let stored = StoredFinding::new(f).shared(display, workspace);
                records[i].findings.push(stored);
            }
            None => rest.push(StoredFinding::new(f)),
        }
    }
    // In the report's order, so that a later run finds them in order (see `again`).
    records
        .par_iter_mut()
        .for_each(|r| r.findings.sort_by(StoredFinding::order));
    rest
}

impl Run {
    /// Serves a lint run whose entry is there but some of whose files changed (see the module's
    /// documentation); `None` if it cannot, with stderr recorded again for the cold run.
    pub(super) fn incremental(
        &self,
        old: (Entry, Vec<&[u8]>),
        output: &OutputArgs,
        print: impl FnOnce(Vec<Finding>, Vec<Arc<Source>>) -> Result<i32>,
    ) -> Option<Result<i32>> {
        let lint = self.lint.as_deref()?;
        let done = crate::trace::stage("cache: incremental", || self.again(lint, old, output));
        let Some((findings, sources, entry, skeletons)) = done else {
            crate::error::record_stderr();
            return None;
        };
        crate::trace::mark("cache: partial, the files changed compiled again");
        crate::error::record_stderr();
        crate::trace::stage("cache: put", || self.put(entry, skeletons, output));
        Some(print(findings, sources))
    }

    #[allow(clippy::type_complexity)]
    fn again(
        &self,
        lint: &Lint,
        (old, skeletons): (Entry, Vec<&[u8]>),
        output: &OutputArgs,
    ) -> Option<(Vec<Finding>, Vec<Arc<Source>>, Entry, Vec<Vec<u8>>)> {
        if old.files.is_empty() || !old.stderr.is_empty() || !self.imports_hold(&old.inputs) {
            return None;
        }
        let changed = changed(&old.inputs.manifest)?;
        if changed.is_empty() {
            return None;
        }
        let by_disk: HashMap<&PathBuf, usize> = (old.files.iter().enumerate())
            .filter_map(|(i, r)| Some((r.disk.as_ref()?, i)))
            .collect();
        let edited: Vec<usize> = changed
            .iter()
            .map(|p| by_disk.get(p).copied().filter(|&i| old.files[i].target))
            .collect::<Option<_>>()?;
        let again = importers(&old.files, &edited);
        let names: HashSet<String> = again.iter().map(|&i| old.files[i].name.clone()).collect();
        let mut set = lint.set.clone();
        for file in set.files.values_mut() {
            file.is_target &= names.contains(&file.name);
        }
        let compiled = crate::trace::stage("cache: compile changed", || {
            crate::error::quietly(|| {
                crate::invocation::compile(&lint.workspace, &set, &lint.options)
            })
        });
        let warned = crate::error::take_recorded_stderr().is_some_and(|l| !l.is_empty());
        let schema = compiled.ok()?;
        let known: HashSet<&str> = old.files.iter().map(|r| r.name.as_str()).collect();
        let unknown = schema.files.iter().any(|p| !known.contains(p.name()));
        if warned || !schema.errors.is_empty() || unknown {
            return None;
        }
        for &i in &edited {
            let now = skeleton::declarations(schema.file(&old.files[i].name)?);
            if now != old.files[i].declarations {
                return None;
            }
        }
        let mut fresh = crate::lint::run_part(&lint.workspace, &schema, Part::Files);
        // Every file as the rules comparing files see it: compiled now as a target, or its
        // skeleton (a file compiled as an import alone is unchanged, and compiled without the
        // source info that places findings).
        let skeletons: Vec<Vec<u8>> = (old.files.iter().zip(skeletons))
            .map(|(r, s)| match schema.file(&r.name) {
                Some(proto) if names.contains(&r.name) => skeleton::skeleton(proto),
                _ => s.to_vec(),
            })
            .collect();
        let protos: Vec<Proto> = skeletons
            .par_iter()
            .map(|s| skeleton::decode(s))
            .collect::<Option<_>>()?;
        let mut whole = Schema::from_files(protos);
        // The texts read: those the report quotes, if it quotes any, and those of the files
        // the module rules found something in last time (they read texts only to place what
        // they find, so a file with no text yet that they find something in now is read, and
        // the rules run again).
        let quotes = texts_quoted(output);
        let module_paths: HashSet<&str> = (old.findings.iter())
            .filter(|f| MODULE_RULES.contains(&f.rule()))
            .filter_map(StoredFinding::path)
            .collect();
        let module_files: HashSet<&str> = (old.files.iter())
            .filter(|r| {
                r.shown
                    .as_ref()
                    .is_some_and(|s| module_paths.contains(&*s.0))
            })
            .map(|r| r.name.as_str())
            .collect();
        let wanted = |name: &str| quotes || module_files.contains(name);
        let (read, mut unread) = crate::trace::stage("cache: sources", || {
            sources(&old.files, &schema, &lint.set, &wanted)
        })?;
        whole.sources = read;
        let module = |whole: &Schema| crate::lint::run_part(&lint.workspace, whole, Part::Module);
        let mut found = crate::trace::stage("cache: module rules", || module(&whole));
        let missed: HashSet<String> = (found.iter())
            .filter_map(|f| Some(unread.get(f.path.as_deref()?)?.clone()))
            .collect();
        if !missed.is_empty() {
            let again = sources(&old.files, &schema, &lint.set, &|n| {
                wanted(n) || missed.contains(n)
            })?;
            (whole.sources, unread) = again;
            found = crate::trace::stage("cache: module rules again", || module(&whole));
        }
        drop(unread);
        fresh.extend(found);
        // The records compiled again are the ones changed since the entry's base.
        let base = old.base.map(|mut base| {
            base.replaced
                .extend(again.iter().filter_map(|&i| u32::try_from(i).ok()));
            base.replaced.sort_unstable();
            base.replaced.dedup();
            base
        });
        // The findings kept from the entry go to the report, converted on every core and laid
        // out by path, so that sorting them finds them in order. A record stored again keeps
        // them (the report takes a copy); the others, which the base holds, give them up.
        let mut records = old.files;
        let stored_again: Option<HashSet<usize>> = (base.as_ref())
            .filter(|b| layout::keeps_base(b.replaced.len(), records.len()))
            .map(|b| b.replaced.iter().map(|&i| i as usize).collect());
        let mut kept: Vec<(Option<&str>, Vec<Finding>)> = records
            .par_iter_mut()
            .enumerate()
            .map(|(i, r)| {
                if let Some(proto) = schema.file(&r.name) {
                    r.imports = proto.dependency.clone();
                    r.declarations = skeleton::declarations(proto);
                }
                if names.contains(&r.name) {
                    r.findings.clear();
                    return Some((None, Vec::new()));
                }
                let shown = r.shown.as_ref();
                let found = match &stored_again {
                    Some(stored) if !stored.contains(&i) => std::mem::take(&mut r.findings)
                        .into_iter()
                        .map(|f| f.own(shown).finding())
                        .collect::<Option<Vec<_>>>()?,
                    _ => (r.findings.iter())
                        .map(|f| f.clone().own(shown).finding())
                        .collect::<Option<Vec<_>>>()?,
                };
                Some((shown.map(|(display, _)| display.as_str()), found))
            })
            .collect::<Option<_>>()?;
        kept.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut rest = old.findings;
        rest.retain(|f| !MODULE_RULES.contains(&f.rule()));
        let mut findings: Vec<Finding> = (rest.iter())
            .map(|f| f.clone().finding())
            .collect::<Option<_>>()?;
        findings.reserve(kept.iter().map(|(_, found)| found.len()).sum::<usize>() + fresh.len());
        kept.into_iter()
            .for_each(|(_, found)| findings.extend(found));
        rest.extend(group(&mut records, &fresh));
        findings.extend(fresh);
        // What the run read: as before, but for the files changed, as compiled now.
        let mut inputs = old.inputs;
        for &i in &edited {
            let (disk, source) = (
                records[i].disk.clone()?,
                schema.sources.get(&records[i].name)?,
            );
            let hash = super::entry::hash(source.text.as_bytes());
            let stat = Stat::vouching(&disk, self.started);
            inputs.manifest.insert(disk, Seen { hash, stat });
        }
        let quoted: HashSet<&str> = findings.iter().filter_map(|f| f.path.as_deref()).collect();
        let mut quoted: Vec<StoredSource> = (whole.sources.values())
            .filter(|s| quoted.contains(s.file.display.as_str()))
            .map(|s| StoredSource::new(s, false))
            .collect();
        quoted.sort_by(|a, b| a.display.cmp(&b.display));
        // The records compiled again are the ones changed since the entry's base.
        let entry = Entry {
            inputs,
            stderr: Vec::new(),
            findings: rest,
            sources: quoted,
            files: records,
            base,
        };
        let sources = whole.sources.into_values().collect();
        Some((findings, sources, entry, skeletons))
    }
}

/// The files of `manifest` whose content changed; `None` if one cannot be read.
fn changed(manifest: &BTreeMap<PathBuf, Seen>) -> Option<Vec<PathBuf>> {
    manifest
        .par_iter()
        .filter_map(|(path, seen)| {
            if seen.stat.is_some() && Stat::of(path) == seen.stat {
                return None;
            }
            match std::fs::read(path) {
                Ok(bytes) if super::entry::hash(&bytes) == seen.hash => None,
                Ok(_) => Some(Some(path.clone())),
                Err(_) => Some(None),
            }
        })
        .collect()
}

/// The records of `edited` and of every file that imports one of them, directly or not.
fn importers(records: &[FileRecord], edited: &[usize]) -> Vec<usize> {
    let index: HashMap<&str, usize> = (records.iter().enumerate())
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    let mut by: Vec<Vec<usize>> = vec![Vec::new(); records.len()];
    for (i, r) in records.iter().enumerate() {
        for import in &r.imports {
            if let Some(&j) = index.get(import.as_str()) {
                by[j].push(i);
            }
        }
    }
    let mut seen: HashSet<usize> = edited.iter().copied().collect();
    let mut queue: VecDeque<usize> = edited.iter().copied().collect();
    while let Some(i) = queue.pop_front() {
        for &j in &by[i] {
            if seen.insert(j) {
                queue.push_back(j);
            }
        }
    }
    let mut out: Vec<usize> = seen.into_iter().collect();
    out.sort_unstable();
    out
}

/// Whether the report in this format quotes the texts of the files its findings are in
/// (snippets, fixes, SARIF's columns); the others print the findings alone.
pub(super) fn texts_quoted(output: &OutputArgs) -> bool {
    let (format, _) = crate::invocation::report_style(output);
    matches!(
        format,
        ErrorFormat::Json | ErrorFormat::Pretty | ErrorFormat::Sarif
    )
}

/// The sources of every target (compiled now, or read from disk) and of what was compiled;
/// a target not compiled now and not `wanted` stands with no text (then also returned, by
/// display path, with its name).
#[allow(clippy::type_complexity)]
fn sources(
    records: &[FileRecord],
    schema: &Schema,
    set: &FileSet,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Option<(HashMap<String, Arc<Source>>, HashMap<String, String>)> {
    let read: Vec<(String, Arc<Source>, bool)> = records
        .par_iter()
        .filter(|r| {
            r.target
                && schema
                    .sources
                    .get(&r.name)
                    .is_none_or(|s| !s.file.is_target)
        })
        .map(|r| {
            // A target compiled now only as an import is a target again.
            let file = set.files.get(&r.name)?.clone();
            let (text, read) = match schema.sources.get(&r.name) {
                Some(compiled) => (compiled.text.to_string(), true),
                None if wanted(&r.name) => (std::fs::read_to_string(&file.disk).ok()?, true),
                None => (String::new(), false),
            };
            Some((r.name.clone(), Arc::new(Source::new(file, text)), read))
        })
        .collect::<Option<_>>()?;
    let mut all: HashMap<String, Arc<Source>> = schema.sources.clone();
    let mut unread = HashMap::new();
    for (name, source, read) in read {
        if !read {
            unread.insert(source.file.display.clone(), name.clone());
        }
        all.insert(name, source);
    }
    Some((all, unread))
}
