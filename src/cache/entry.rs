//! What one cache entry holds, as stored (postcard, a compact binary serde format: an entry of
//! googleapis holds some 80,000 findings, and a run after an edit reads and writes all of them,
//! which took JSON four times as long): the files the run read with their content
//! hashes, the findings whole (the fields no report prints too: `lint --since` and the reports
//! that quote sources use them), the stderr lines of the stages a replay skips, and the sources
//! the report quotes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::finding::{Element, ElementKind, Finding, Place, Suppression};
use crate::input::ProtoFile;
use crate::schema::Source;

/// What a run read: the files, with what vouches for each, and the imports found outside the
/// workspace. Every entry carries them and is served only while they hold.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct Inputs {
    /// Every file read, by path.
    pub manifest: BTreeMap<PathBuf, Seen>,
    /// Imports found outside the workspace's files: where the include directories gave each
    /// (`None`: built into the compiler). A file put in an earlier include directory since
    /// changes the answer.
    pub imports: Vec<(String, Option<PathBuf>)>,
}

/// A file as the run read it: the blake3 hash of its content, and its metadata when that can
/// stand for the content (see [`Stat`]).
#[derive(Serialize, Deserialize, Clone)]
pub struct Seen {
    pub hash: String,
    pub stat: Option<Stat>,
}

/// Size, modification and change times, inode: git's test of whether a file may have changed.
/// Kept only for a file last modified well before the run began, so that a write during the run
/// cannot hide behind the same times; any write changes the change time, which no tool sets.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Stat {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
}

impl Stat {
    #[cfg(unix)]
    pub fn of(path: &std::path::Path) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Stat {
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            changed: (m.ctime(), m.ctime_nsec()),
            inode: m.ino(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_path: &std::path::Path) -> Option<Stat> {
        None
    }

    /// The stat of `path` if it can vouch for the content read after `started`.
    pub fn vouching(path: &std::path::Path, started: std::time::SystemTime) -> Option<Stat> {
        let stat = Stat::of(path)?;
        let since_epoch = started.duration_since(std::time::UNIX_EPOCH).ok()?;
        // File times lag the clock by a tick: a second of margin.
        let before = since_epoch.as_secs() as i64 - 1;
        (stat.modified.0 < before && stat.changed.0 < before).then_some(stat)
    }
}

/// The findings of a run, whole: replayed through the report in any format. Stored as
/// `layout` says.
pub struct Entry {
    pub inputs: Inputs,
    pub stderr: Vec<String>,
    pub findings: Vec<StoredFinding>,
    /// The sources the findings point into, one per display path, as the report saw them.
    pub sources: Vec<StoredSource>,
    /// For lint, every compiled file with its own findings (then not in `findings`, nor are
    /// those of the rules comparing files), so that a run after an edit compiles only what the
    /// edit can change (see `incremental`).
    pub files: Vec<FileRecord>,
    /// Where the records are stored (see `layout`); `None` for an entry not stored yet.
    pub base: Option<super::layout::Base>,
}

/// One compiled file of a lint run: what it imports, what it declares, what lint found in it.
/// Its skeleton (see `skeleton`) is stored beside it (see `layout`).
#[derive(Serialize, Deserialize)]
pub struct FileRecord {
    pub name: String,
    /// Where it was read from; `None` for a file built into the compiler.
    pub disk: Option<PathBuf>,
    pub target: bool,
    pub imports: Vec<String>,
    pub declarations: String,
    /// The display and workspace paths of its findings, left out of each.
    pub shown: Option<(String, String)>,
    pub findings: Vec<StoredFinding>,
}

impl FileRecord {
    /// The record's findings, whole again.
    pub fn take_findings(&mut self) -> impl Iterator<Item = StoredFinding> + '_ {
        let shown = self.shown.as_ref();
        std::mem::take(&mut self.findings)
            .into_iter()
            .map(move |f| f.own(shown))
    }
}

/// A run's report as printed in one format: written again as it is, byte for byte.
#[derive(Serialize, Deserialize)]
pub struct Rendered {
    pub inputs: Inputs,
    /// The stderr lines before the report (warnings of the stages) and after it (the summary).
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub code: i32,
}

impl Rendered {
    /// The payload but the report's bytes, which follow it: the length of the head, the head.
    pub fn encode(&self) -> Option<Vec<u8>> {
        let head = postcard::to_allocvec(self).ok()?;
        let mut payload = Vec::with_capacity(8 + head.len());
        payload.extend_from_slice(&(head.len() as u64).to_le_bytes());
        payload.extend_from_slice(&head);
        Some(payload)
    }

    /// The head alone, from the start of a payload ([`super::Store::read_start`]); `more` reads
    /// further when `start` is too short to hold it.
    pub fn head(start: &[u8], more: impl FnOnce(usize) -> Option<Vec<u8>>) -> Option<Rendered> {
        let len = u64::from_le_bytes(start.get(..8)?.try_into().ok()?);
        let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
        match start.get(8..end) {
            Some(head) => postcard::from_bytes(head).ok(),
            None => postcard::from_bytes(more(end)?.get(8..end)?).ok(),
        }
    }

    /// The head and the report's bytes of a payload.
    pub fn decode(payload: &[u8]) -> Option<(Rendered, &[u8])> {
        let len = u64::from_le_bytes(payload.get(..8)?.try_into().ok()?);
        let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
        let head = postcard::from_bytes(payload.get(8..end)?).ok()?;
        Some((head, &payload[end..]))
    }
}

#[derive(Serialize, Deserialize)]
pub struct StoredSource {
    pub name: String,
    pub module: Option<usize>,
    pub workspace_path: String,
    pub display: String,
    pub disk: PathBuf,
    pub is_target: bool,
    /// The text, for a source not read from disk (a git revision); else read again from `disk`,
    /// which the manifest vouches for.
    pub text: Option<String>,
}

/// A finding as stored (an entry holds tens of thousands; each is read and written on every run
/// that is not a whole hit).
#[derive(Serialize, Deserialize, Clone)]
pub struct StoredFinding {
    /// `None` too in a [`FileRecord`] when it is the record's display path (see `file`).
    path: Option<String>,
    lines: [u32; 4],
    rule: String,
    message: String,
    policy: Option<String>,
    /// (justification, location) of a suppression, always `inSource`.
    suppression: Option<(String, String)>,
    /// `None` in a [`FileRecord`] when path and file are the record's: both are its then.
    file: Option<String>,
    old: Option<(String, [u32; 4])>,
    element: Option<(String, String)>,
    /// What a message or an enum lost, for the fixes (`--error-format json` and SARIF show them).
    lost: Option<crate::finding::Lost>,
}

pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

impl StoredFinding {
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The display path, when the finding carries it (see [`StoredFinding::shared`]).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The report's order of the findings of one file (see `finding::sort_and_dedup`).
    pub fn order(&self, other: &StoredFinding) -> std::cmp::Ordering {
        fn key(f: &StoredFinding) -> (bool, u32, u32, &str, &str, u32, u32) {
            let [sl, sc, el, ec] = f.lines;
            (f.path.is_some(), sl, sc, &f.rule, &f.message, el, ec)
        }
        key(self).cmp(&key(other))
    }

    /// Leaves out the path and file when they are `display` and `workspace` (a finding of a
    /// [`FileRecord`], whose file is always set).
    pub fn shared(mut self, display: &str, workspace: &str) -> StoredFinding {
        if self.path.as_deref() == Some(display) && self.file.as_deref() == Some(workspace) {
            self.path = None;
            self.file = None;
        }
        self
    }

    /// The path and file again, of a finding [`StoredFinding::shared`] left them out of.
    pub fn own(mut self, shared: Option<&(String, String)>) -> StoredFinding {
        if let (None, Some((display, workspace))) = (&self.file, shared) {
            self.path = Some(display.clone());
            self.file = Some(workspace.clone());
        }
        self
    }

    pub fn new(f: &Finding) -> StoredFinding {
        StoredFinding {
            path: f.path.clone(),
            lines: [f.start_line, f.start_column, f.end_line, f.end_column],
            rule: f.rule.clone(),
            message: f.message.clone(),
            policy: f.policy.clone(),
            suppression: f
                .suppression
                .as_ref()
                .map(|s| (s.justification.clone(), s.location.clone())),
            file: f.file.clone(),
            old: f.old.as_ref().map(|p| {
                let at = [p.start_line, p.start_column, p.end_line, p.end_column];
                (p.path.clone(), at)
            }),
            element: f
                .element
                .as_ref()
                .map(|e| (format!("{:?}", e.kind), e.name.clone())),
            lost: f.lost.clone(),
        }
    }

    /// The finding again; `None` for an element kind this build does not know (a damaged entry).
    pub fn finding(self) -> Option<Finding> {
        let [start_line, start_column, end_line, end_column] = self.lines;
        let element = match self.element {
            Some((kind, name)) => Some(Element {
                kind: element_kind(&kind)?,
                name,
            }),
            None => None,
        };
        Some(Finding {
            path: self.path,
            start_line,
            start_column,
            end_line,
            end_column,
            rule: self.rule,
            message: self.message,
            policy: self.policy,
            suppression: self
                .suppression
                .map(|(justification, location)| Suppression {
                    kind: "inSource",
                    justification,
                    location,
                }),
            file: self.file,
            old: self.old.map(|(path, [sl, sc, el, ec])| Place {
                path,
                start_line: sl,
                start_column: sc,
                end_line: el,
                end_column: ec,
            }),
            element,
            lost: self.lost,
        })
    }
}

fn element_kind(name: &str) -> Option<ElementKind> {
    use ElementKind::*;
    [
        File, Import, Message, Field, Oneof, Extension, Enum, EnumValue, Service, Method,
    ]
    .into_iter()
    .find(|k| format!("{k:?}") == name)
}

impl StoredSource {
    pub fn new(source: &Source, inline: bool) -> StoredSource {
        let f = &source.file;
        StoredSource {
            name: f.name.clone(),
            module: f.module,
            workspace_path: f.workspace_path.clone(),
            display: f.display.clone(),
            disk: f.disk.clone(),
            is_target: f.is_target,
            text: inline.then(|| source.text.to_string()),
        }
    }

    /// The source again, its text inline or from `read` (the files the manifest check read),
    /// or none if the report does not quote it (`quoted` false).
    pub fn source(self, read: &HashMap<PathBuf, String>, quoted: bool) -> Option<Arc<Source>> {
        let text = match self.text {
            Some(text) => text,
            None if !quoted => String::new(),
            None => read.get(&self.disk)?.clone(),
        };
        let file = ProtoFile {
            name: self.name,
            module: self.module,
            workspace_path: self.workspace_path,
            display: self.display,
            disk: self.disk,
            bytes: None,
            is_target: self.is_target,
        };
        Some(Arc::new(Source::new(file, text)))
    }
}

impl Inputs {
    /// Whether every file is as it was: its metadata the same, or else its content read again
    /// and hashed (on every core). The texts of the files in `keep` are read and returned, for
    /// the report.
    pub fn still_hold(&self, keep: &HashSet<&PathBuf>) -> Option<HashMap<PathBuf, String>> {
        self.manifest
            .par_iter()
            .map(|(path, seen)| {
                let wanted = keep.contains(path);
                if !wanted && seen.stat.is_some() && Stat::of(path) == seen.stat {
                    return Some(None);
                }
                let bytes = std::fs::read(path).ok()?;
                if hash(&bytes) != seen.hash {
                    return None;
                }
                if !wanted {
                    return Some(None);
                }
                String::from_utf8(bytes)
                    .ok()
                    .map(|t| Some((path.clone(), t)))
            })
            .collect::<Option<Vec<_>>>()
            .map(|kept| kept.into_iter().flatten().collect())
    }
}
