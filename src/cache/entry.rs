//! What one cache entry holds, as stored (JSON): the files the run read with their content
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

#[derive(Serialize, Deserialize)]
pub struct Entry {
    /// Every file read from disk, by path, with the blake3 hash of its content.
    pub manifest: BTreeMap<PathBuf, String>,
    /// Imports found outside the workspace's files: where the include directories gave each
    /// (`None`: built into the compiler). A file put in an earlier include directory since
    /// changes the answer.
    pub imports: Vec<(String, Option<PathBuf>)>,
    pub stderr: Vec<String>,
    pub findings: Vec<StoredFinding>,
    /// The sources the findings point into, one per display path, as the report saw them.
    pub sources: Vec<StoredSource>,
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

#[derive(Serialize, Deserialize)]
pub struct StoredFinding {
    path: Option<String>,
    lines: [u32; 4],
    rule: String,
    message: String,
    policy: Option<String>,
    /// (justification, location) of a suppression, always `inSource`.
    suppression: Option<(String, String)>,
    file: Option<String>,
    old: Option<(String, [u32; 4])>,
    element: Option<(String, String)>,
}

pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

impl StoredFinding {
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
            text: inline.then(|| source.text.clone()),
        }
    }

    /// The source again, its text inline or from `read` (the files the manifest check read).
    pub fn source(self, read: &HashMap<PathBuf, String>) -> Option<Arc<Source>> {
        let text = match self.text {
            Some(text) => text,
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

impl Entry {
    /// Reads every file of the manifest again (on every core) and hashes it: whether all are
    /// as they were. The texts of the files in `keep` are returned, for the report.
    pub fn still_holds(&self, keep: &HashSet<&PathBuf>) -> Option<HashMap<PathBuf, String>> {
        self.manifest
            .par_iter()
            .map(|(path, expected)| {
                let bytes = std::fs::read(path).ok()?;
                if hash(&bytes) != *expected {
                    return None;
                }
                if !keep.contains(path) {
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
