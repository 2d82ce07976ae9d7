//! Reading: the targets of a [`FileSet`] and whatever they import are read from disk (or a git
//! tree) in waves, checked, and parsed on every core, before any of them is compiled.
//!
//! An editions file is detected by a small scan here and its features read into a table (see
//! [`super::editions`]); the compiler only ever sees it lowered to proto2's shape.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::{FileDescriptorProto, SourceCodeInfo};
use rayon::prelude::*;

use super::editions::unknown::{self, editions_offset};
use super::{errors, EncodedFile, EncodedInfo, Purpose, Schema, Source};
use crate::finding::Finding;
use crate::input::{FileSet, ProtoFile};

/// What the read waves found: every file's source and, for the files that parse, their
/// descriptors, kept apart from most of their source info.
pub(super) struct Read<'a> {
    /// The source of every file read, by import path.
    pub sources: HashMap<String, Arc<Source>>,
    /// The `COMPILE` findings of files that never reach the compiler.
    pub errors: Vec<Finding>,
    /// Files that never reach the compiler (not UTF-8, or editions).
    pub broken: Vec<String>,
    /// What the broken files past a nesting limit still declare, for their importers (see
    /// [`super::stand_in`]).
    pub stand_ins: HashMap<String, FileDescriptorProto>,
    /// The parsed files, without most of their source info (see [`split_source_info`]),
    /// encoded until the compiler opens them.
    pub parsed: HashMap<String, EncodedFile>,
    /// The source info kept out of `parsed`, encoded, put beside the descriptors after
    /// compiling.
    pub infos: HashMap<String, EncodedInfo>,
    /// Files with the same text as in the schema compiled before, with the imports they had
    /// there: not parsed.
    pub same: HashMap<String, &'a [String]>,
    /// The feature tables of editions files, by import path.
    pub editions: HashMap<String, Arc<super::editions::Editions>>,
}

/// Reads the targets of `set` and what they import: in waves, each read and parsed on every
/// core, the next wave made of the imports the last one named. Only the targets and what they
/// import are read: `--path` on one file of a large tree reads a handful of files. A file with
/// the same text as in `before` is not parsed.
pub(super) fn read<'a>(
    set: &FileSet,
    purpose: Purpose,
    before: Option<&'a Schema>,
) -> crate::error::Result<Read<'a>> {
    let before_source = |name: &str| before.and_then(|b| b.sources.get(name)).map(|s| &**s);
    // A file `before` compiled cleanly: the same text passes the same checks again (they read
    // the text alone), so only the comparison is needed.
    let clean = before.filter(|b| b.errors.is_empty());
    let before_clean = |name: &str| {
        clean
            .filter(|b| b.by_name.contains_key(name))
            .and_then(|b| b.sources.get(name))
            .map(|s| &**s)
    };
    let mut read = Read {
        sources: HashMap::new(),
        errors: Vec::new(),
        broken: Vec::new(),
        stand_ins: HashMap::new(),
        parsed: HashMap::new(),
        infos: HashMap::new(),
        same: HashMap::new(),
        editions: HashMap::new(),
    };
    let mut seen: HashSet<String> = set.targets().map(|f| f.name.clone()).collect();
    let mut wave: Vec<Cow<ProtoFile>> = set.targets().map(Cow::Borrowed).collect();
    while !wave.is_empty() {
        let load_one = |file: &Cow<ProtoFile>| {
            load(
                file,
                purpose,
                before_source(&file.name),
                before_clean(&file.name),
            )
        };
        // A handful of files (a pre-commit run) is read on this thread: starting the pool's
        // threads would cost more than it saves.
        let loaded: Vec<Loaded> = if wave.len() < 16 {
            wave.iter()
                .map(load_one)
                .collect::<crate::error::Result<_>>()?
        } else {
            wave.par_iter()
                .map(load_one)
                .collect::<crate::error::Result<_>>()?
        };
        let mut next = Vec::new();
        // Grown once a wave, not rehashed (moving every parsed file) as they come.
        read.sources.reserve(loaded.len());
        read.parsed.reserve(loaded.len());
        read.infos.reserve(loaded.len());
        for loaded in loaded {
            let name = loaded.source.file.name.clone();
            read.errors.extend(loaded.error);
            // A file not parsed again keeps the table it had.
            let editions = loaded.editions.or_else(|| {
                loaded
                    .same_as_before
                    .then(|| before.and_then(|b| b.editions.get(&name).cloned()))
                    .flatten()
            });
            if let Some(editions) = editions {
                read.editions.insert(name.clone(), editions);
            }
            if loaded.broken {
                if let Some(stand_in) = loaded.stand_in {
                    read.stand_ins.insert(name.clone(), stand_in);
                }
                read.broken.push(name);
                continue;
            }
            // A file not parsed again has the imports it had before.
            let before_imports: Option<&[String]> = loaded.same_as_before.then(|| {
                before
                    .and_then(|b| b.file(&name))
                    .map_or(&[][..], |f| f.dependency.as_slice())
            });
            let imports = match (&loaded.parsed, before_imports) {
                (Some((file, _)), _) => file.dependency.as_slice(),
                (None, imports) => imports.unwrap_or_default(),
            };
            for dependency in imports {
                // Looked up once: a name the set does not have (a well-known type, imported by
                // thousands of files) is looked for on disk, a stat per module each time.
                if seen.contains(dependency.as_str()) {
                    continue;
                }
                seen.insert(dependency.clone());
                if let Some(imported) = set.get(dependency)? {
                    next.push(imported);
                }
            }
            if let Some(imports) = before_imports {
                read.same.insert(name.clone(), imports);
            }
            if let Some((file, info)) = loaded.parsed {
                read.parsed.insert(name.clone(), file);
                if let Some(info) = info {
                    read.infos.insert(name.clone(), info);
                }
            }
            read.sources.insert(name, Arc::new(loaded.source));
        }
        wave = next;
    }
    Ok(read)
}

/// One file read, checked and parsed.
struct Loaded {
    source: Source,
    /// The file's `COMPILE` findings when it cannot be compiled at all.
    error: Vec<Finding>,
    /// Not valid UTF-8, editions, or past a nesting limit: it never reaches the compiler.
    broken: bool,
    /// The parsed file without most of its source info, and that source info, encoded (`None`
    /// where it goes unread: lint reports in targets only, so an import's positions and
    /// comments are not kept); `None` when it does not parse (the compiler then reports the
    /// error, from the source), or is the same text as a file compiled before.
    parsed: Option<(EncodedFile, Option<EncodedInfo>)>,
    /// The same text as the file of this name in the schema compiled before: not parsed.
    same_as_before: bool,
    /// An editions file's feature table.
    editions: Option<Arc<super::editions::Editions>>,
    /// For a broken file, what it declares all the same.
    stand_in: Option<FileDescriptorProto>,
}

impl Loaded {
    /// A file with the same text as in the schema compiled before: not parsed.
    fn same(source: Source) -> Loaded {
        Loaded {
            source,
            error: Vec::new(),
            broken: false,
            parsed: None,
            same_as_before: true,
            editions: None,
            stand_in: None,
        }
    }

    /// A file that never reaches the compiler (not UTF-8, or editions), with its finding.
    fn broken(source: Source, error: Vec<Finding>) -> Loaded {
        Loaded {
            source,
            error,
            broken: true,
            parsed: None,
            same_as_before: false,
            editions: None,
            stand_in: None,
        }
    }
}

/// Reads a file and parses it, unless its text is `before`'s (whose text it then shares).
/// `clean` is the file of that name in a schema compiled before without any error: when the
/// text is its text, every check below would pass again, so the file is taken as it is, with
/// that file's line index.
fn load(
    file: &ProtoFile,
    purpose: Purpose,
    before: Option<&Source>,
    clean: Option<&Source>,
) -> crate::error::Result<Loaded> {
    let bytes = match &file.bytes {
        Some(bytes) => bytes.to_vec(),
        None => std::fs::read(&file.disk).map_err(|e| crate::Error::io(&file.disk, e))?,
    };
    // The text is kept; a copy of the blob it came from need not be.
    let file = &ProtoFile {
        bytes: None,
        ..file.clone()
    };
    if let Some(clean) = clean.filter(|c| c.text.as_bytes() == bytes.as_slice()) {
        return Ok(Loaded::same(Source::sharing(file.clone(), clean)));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let source = Source::new(file.clone(), text);
            // buf parity: an import that is not UTF-8 is reported too, not only a target.
            let error = vec![errors::not_utf8(&source, valid)];
            return Ok(Loaded::broken(source, error));
        }
    };
    let unknown = unknown::unknown_edition(&text);
    let source = match before.filter(|b| b.text == *text) {
        // Memory: the two sides of a comparison hold one copy of each text they share.
        Some(before) => Source::sharing(file.clone(), before),
        None => Source::new(file.clone(), text),
    };
    use super::editions::import_option::{self, ImportOption};
    let mut loaded = match import_option::check(&source, editions_offset(&source.text)) {
        Some(ImportOption::Fails(error)) => return Err(error),
        Some(ImportOption::Keywords(error)) => {
            let mut loaded = load_source(file, source, purpose, before)?;
            loaded.error.splice(0..0, error);
            loaded
        }
        None => load_source(file, source, purpose, before)?,
    };
    if let Some(unknown) = unknown {
        loaded.error.splice(0..0, unknown.findings(&loaded.source));
    }
    Ok(loaded)
}

/// Parses a file read as `source` (see [`load`]).
fn load_source(
    file: &ProtoFile,
    source: Source,
    purpose: Purpose,
    before: Option<&Source>,
) -> crate::error::Result<Loaded> {
    let mut editions = None;
    // An editions file as lowered by its analysis: not parsed a second time.
    let mut lowered = None;
    // buf parity: the errors of feature options, and the file compiled on without those
    // options, so that its other errors are reported too (a file that does not parse is
    // reported by the compiler).
    let mut feature_errors = Vec::new();
    if editions_offset(&source.text).is_some() {
        if let Some((table, file, errors)) = super::editions::analyse(&source) {
            editions = Some(Arc::new(table));
            lowered = Some(file);
            feature_errors = errors;
        }
    }
    // Past buf's nesting limits, the file never reaches the compiler (which has no limit on
    // option values and would overflow its stack).
    let crossings = super::limits::check(&source.text);
    if !crossings.is_empty() {
        let error = crossings
            .iter()
            .map(|c| source.finding(c.start, c.end, "COMPILE", c.message()))
            .collect();
        let stand_in = super::stand_in::declarations(&file.name, &source.text, &crossings);
        return Ok(Loaded {
            stand_in,
            ..Loaded::broken(source, with(&feature_errors, error))
        });
    }
    if feature_errors.is_empty() && before.is_some_and(|b| b.text == source.text) {
        return Ok(Loaded::same(source));
    }
    let parsed = match lowered {
        Some(mut file) => {
            // As `accept::parse` does with an editions file.
            if super::editions::defines_features(&source.text) {
                super::editions::strip_feature_definitions(&mut file);
            }
            Some(split(file, purpose))
        }
        None => parse(&source, purpose),
    };
    if let Some((file, _)) = parsed.as_ref().filter(|_| editions.is_none()) {
        let error = super::editions::features_outside_editions(file, &source);
        if !error.is_empty() {
            return Ok(Loaded::broken(source, with(&feature_errors, error)));
        }
    }
    if let Some((file, _)) = parsed.as_ref() {
        let error = super::editions::removed_options(file, &source);
        if !error.is_empty() {
            return Ok(Loaded::broken(source, with(&feature_errors, error)));
        }
    }
    if super::editions::defines_features(&source.text) {
        // Feature definitions' own options, which the compiler never sees.
        let error = super::editions::feature_support_errors(&source);
        if !error.is_empty() {
            return Ok(Loaded::broken(source, with(&feature_errors, error)));
        }
    }
    let mut error = Vec::new();
    let mut parsed = parsed;
    if let Some((file, info)) = parsed.as_mut().filter(|(f, _)| declares_extensions(f)) {
        // The locations kept out of the descriptor, for the finding's place.
        let located = FileDescriptorProto {
            source_code_info: Some(info.clone()),
            ..file.clone()
        };
        let (found, again) = errors::extension_numbers_used_twice_in(&source, &located);
        // buf parity: the file's other errors are looked for too; the compiler sees it without
        // the extensions that reuse a number (see `super::every_error::unnumbered`).
        super::every_error::unnumbered::remove(file, info, &again);
        error = found;
    }
    error.splice(0..0, feature_errors);
    let kept = file.is_target || purpose.keeps_imports_info();
    let parsed = parsed.map(|(file, info)| {
        (
            EncodedFile::encode(&file),
            kept.then(|| EncodedInfo::encode(&info)),
        )
    });
    Ok(Loaded {
        source,
        error,
        broken: false,
        parsed,
        same_as_before: false,
        editions,
        stand_in: None,
    })
}

/// The errors of a file's feature options, then `error`.
fn with(feature_errors: &[Finding], error: Vec<Finding>) -> Vec<Finding> {
    feature_errors.iter().cloned().chain(error).collect()
}

/// Whether `file` declares any extension (most files do not: they skip the check for numbers
/// used twice).
fn declares_extensions(file: &FileDescriptorProto) -> bool {
    fn in_message(message: &prost_types::DescriptorProto) -> bool {
        !message.extension.is_empty() || message.nested_type.iter().any(in_message)
    }
    !file.extension.is_empty() || file.message_type.iter().any(in_message)
}

/// Parses a source, and takes its source info apart (see [`split_source_info`]).
pub(super) fn parse(
    source: &Source,
    purpose: Purpose,
) -> Option<(FileDescriptorProto, SourceCodeInfo)> {
    let file = &source.file;
    std::panic::catch_unwind(|| super::accept::parse(&file.name, &source.text).map(|(f, _)| f))
        .ok()
        .and_then(Result::ok)
        .map(|parsed| split(parsed, purpose))
}

/// A parsed file with its source info taken apart (see [`split_source_info`]), without the
/// comments `purpose` does not read.
fn split(
    mut parsed: FileDescriptorProto,
    purpose: Purpose,
) -> (FileDescriptorProto, SourceCodeInfo) {
    let mut info = split_source_info(&mut parsed);
    if !purpose.keeps_comments() {
        for location in &mut info.location {
            // Breaking reads leading comments only for its own ignores.
            if !location
                .leading_comments
                .as_deref()
                .is_some_and(|c| c.contains(super::BREAKING_IGNORE))
            {
                location.leading_comments = None;
            }
            location.trailing_comments = None;
            location.leading_detached_comments = Vec::new();
        }
    }
    (parsed, info)
}

/// Takes a parsed file's source info apart: the locations of options stay in the file, because
/// the compiler rewrites them when it resolves the options; every other location is returned,
/// kept out of the compiler, which builds its pool about twice as fast without them.
pub(super) fn split_source_info(file: &mut FileDescriptorProto) -> SourceCodeInfo {
    /// `uninterpreted_option` in every `*Options` message.
    const UNINTERPRETED_OPTION: i32 = 999;
    let mut info = file.source_code_info.take().unwrap_or_default();
    // The few options' locations move out; the rest stay where they are (a second vector of
    // every location was a page fault per few of them).
    let mut options = Vec::new();
    info.location.retain_mut(|l| {
        let option = l.path.contains(&UNINTERPRETED_OPTION);
        if option {
            options.push(std::mem::take(l));
        }
        !option
    });
    file.source_code_info = Some(SourceCodeInfo { location: options });
    info
}

/// Puts the source info kept out of the compiler (see [`Read::infos`]) beside the compiled
/// descriptors, still encoded.
pub(super) fn restore_source_info(
    files: &mut [super::Proto],
    mut infos: HashMap<String, EncodedInfo>,
) {
    for file in files {
        let name = file.name().to_string();
        if let Some(info) = infos.remove(&name) {
            // The compiler rewrote the options' locations (named by the options they set, not
            // by their place in the text), which stay in the descriptor; the rest come from the
            // parse.
            match file {
                super::Proto::Owned(owned) => {
                    *file = super::Proto::Lean {
                        file: owned.clone(),
                        info,
                    }
                }
                super::Proto::Lean { info: slot, .. } | super::Proto::Pooled { info: slot, .. } => {
                    *slot = info
                }
            }
        }
    }
}
