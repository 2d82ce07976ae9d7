//! The compiler's view of the files: imports resolved from the workspace's files (parsed ahead
//! of time, or compiled before and reused), then include directories, then the well-known types
//! built into protox; broken files stand in as empty files, and what buf accepts but the
//! compiler refuses is reshaped on the way in (see [`super::accept`]).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use prost_types::FileDescriptorProto;
use protox::file::{File, FileResolver, GoogleFileResolver};

use super::public::{public_imports, Widened};
use super::{accept, Source};

/// Resolves imports for one compiler.
#[derive(Clone)]
pub(super) struct Resolver {
    pub sources: Arc<HashMap<String, Arc<Source>>>,
    /// Files parsed ahead of time, on every core, without their source info (the pool builds
    /// twice as fast without it; it is put back after compiling). Each is handed out once; a file
    /// asked for again, or that failed to parse, is parsed from its source, so an error carries
    /// the text.
    pub parsed: Arc<Mutex<HashMap<String, super::EncodedFile>>>,
    /// Files compiled before and reused as they are: imports of the files compiled now.
    pub compiled: Arc<HashMap<String, Arc<FileDescriptorProto>>>,
    /// Files that never reach the compiler (not UTF-8, or editions), each reported on its own.
    /// A file importing one is compiled against an empty stand-in, so that it fails only where
    /// it uses a name the broken file would declare, as buf reports it.
    pub broken: Arc<HashSet<String>>,
    /// What some broken files declare all the same (see [`super::stand_in`]): they stand in as
    /// that rather than as empty files.
    pub stand_ins: Arc<HashMap<String, FileDescriptorProto>>,
    /// By file, the options the compiler refused a `nan` or `inf` value for: the file is handed
    /// out again with those values as floats (see [`accept::non_finite_floats`]).
    pub non_finite: Arc<Mutex<HashMap<String, HashSet<String>>>>,
    pub includes: Vec<PathBuf>,
    /// The files handed out with their chains of public imports made whole (see
    /// [`super::public`]), to be cut back once compiled.
    pub widened: Widened,
}

impl Resolver {
    /// The same resolver without the parsed files: errors then carry their source text, which
    /// the compiler needs to place them.
    pub fn without_parsed(&self) -> Resolver {
        Resolver {
            parsed: Arc::default(),
            ..self.clone()
        }
    }

    /// The broken files that stand in as empty files: a name left undefined in an importer
    /// may be declared there (a stand-in of declarations has them all).
    pub fn empty(&self) -> HashSet<String> {
        self.broken
            .iter()
            .filter(|name| !self.stand_ins.contains_key(*name))
            .cloned()
            .collect()
    }

    /// Marks option `option` of file `name` as refused for a `nan` or `inf` value; false if it
    /// was already, so that each option is tried again once.
    pub fn mark_non_finite(&self, name: &str, option: &str) -> bool {
        self.non_finite.lock().is_ok_and(|mut marked| {
            marked
                .entry(name.to_string())
                .or_default()
                .insert(option.to_string())
        })
    }

    /// Reshapes a file for the compiler (see [`accept`]); whether anything changed.
    fn reshape(&self, name: &str, file: &mut FileDescriptorProto) -> bool {
        let mut changed = self.widened.widen(file, |other| self.public_imports(other));
        changed |= accept::clashing_json_names(file);
        if let Some(options) = self
            .non_finite
            .lock()
            .ok()
            .and_then(|m| m.get(name).cloned())
        {
            changed |= accept::non_finite_floats(file, &options);
        }
        changed
    }

    /// A file from its text: parsed by the compiler, so that an error carries the text, unless
    /// it must be reshaped or respelled (see [`accept::parse`]).
    fn open_source(&self, name: &str, text: &str) -> Result<File, protox::Error> {
        if let Ok((mut parsed, respelled)) = accept::parse(name, text) {
            if self.reshape(name, &mut parsed) | respelled {
                // As a file parsed ahead of time: the rest of its source info is put back after
                // compiling.
                super::read::split_source_info(&mut parsed);
                return Ok(File::from_file_descriptor_proto(parsed));
            }
        }
        File::from_source(name, text)
    }
}

impl Resolver {
    /// What file `name` imports publicly, from wherever the compiler would take it (a
    /// well-known type imports nothing publicly). Asked only about files that some file
    /// imports publicly: few, and each once.
    fn public_imports(&self, name: &str) -> Vec<String> {
        if let Some(file) = self
            .parsed
            .lock()
            .ok()
            .and_then(|p| p.get(name).and_then(super::EncodedFile::decode))
            .map(|file| public_imports(&file))
        {
            return file;
        }
        if let Some(file) = self.compiled.get(name) {
            return public_imports(file);
        }
        let text = match self.sources.get(name) {
            Some(source) => Some(source.text.to_string()),
            None => self
                .includes
                .iter()
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
                .and_then(|path| std::fs::read_to_string(path).ok()),
        };
        // A file that does not parse is reported on its own.
        text.and_then(|text| accept::parse(name, &text).ok())
            .map(|(file, _)| public_imports(&file))
            .unwrap_or_default()
    }
}

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        // First: a file that compiles but stands in for one that does not (see
        // `every_error::past_broken_imports`) has a source too.
        if self.broken.contains(name) {
            let file = self
                .stand_ins
                .get(name)
                .cloned()
                .unwrap_or_else(|| stand_in(name));
            return Ok(File::from_file_descriptor_proto(file));
        }
        let parsed = self.parsed.lock().ok().and_then(|mut p| p.remove(name));
        if let Some(mut parsed) = parsed.as_ref().and_then(super::EncodedFile::decode) {
            self.reshape(name, &mut parsed);
            return Ok(File::from_file_descriptor_proto(parsed));
        }
        if let Some(compiled) = self.compiled.get(name) {
            let mut file = FileDescriptorProto {
                source_code_info: None,
                ..(**compiled).clone()
            };
            if file.syntax() == "editions" {
                // Compiled before and given its syntax back: the compiler takes it lowered.
                file.syntax = Some("proto2".to_string());
            }
            self.reshape(name, &mut file);
            return Ok(File::from_file_descriptor_proto(file));
        }
        if let Some(source) = self.sources.get(name) {
            return self.open_source(name, &source.text);
        }
        for dir in &self.includes {
            let path = dir.join(name);
            if path.is_file() {
                past_limits(name, &path)?;
                return File::open(name, &path);
            }
        }
        if let Some(file) = super::bundled::file(name) {
            return Ok(File::from_file_descriptor_proto(file));
        }
        GoogleFileResolver::new().open_file(name)
    }
}

/// A file of an include directory past buf's nesting limits (see [`super::limits`]) is an error
/// of its importer: the compiler must not see it.
fn past_limits(name: &str, path: &std::path::Path) -> Result<(), protox::Error> {
    // Unreadable, or not UTF-8: `File::open` says so.
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    match super::limits::check(&text).first() {
        None => Ok(()),
        Some(crossing) => {
            let (line, _) = super::LineIndex::new(&text).position(&text, crossing.start);
            Err(protox::Error::new(format!(
                "{name}:{line}: {}",
                crossing.message()
            )))
        }
    }
}

/// The empty file that takes the place of broken file `name` in the compiler. It never leaves
/// the link step (see `Linked::take_files`).
fn stand_in(name: &str) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.to_string()),
        ..Default::default()
    }
}
