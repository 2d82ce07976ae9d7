//! Compilation: the files of a [`FileSet`] become a [`Schema`], descriptors with source info,
//! using protox. A file that does not compile becomes a `COMPILE` finding, as in buf.
//!
//! This module holds the model ([`Schema`], [`Source`], [`Proto`], [`Purpose`],
//! [`CompileOptions`]) and the compile pipeline in a few lines: `read` the files in waves and
//! parse them, `reuse` what the schema compiled before has from the same text, `link` the rest
//! in groups, one compiler each, and merge the groups into one schema. Every `COMPILE` finding
//! is built in `errors`. The compiler reads no environment variable and imports nothing from
//! the stages after it: what it must know (which pools lint keeps, how many groups) comes in
//! [`CompileOptions`].

mod accept;
mod allow_alias;
pub mod bundled;
mod closed_enums;
pub mod columns;
mod duplicates;
pub mod editions;
mod encoded;
mod errors;
mod every_error;
mod field_options;
pub mod image;
pub mod imports_used;
mod limits;
mod link;
mod locations;
mod map_entries;
pub mod message_sets;
pub mod options;
mod package_limits;
mod proto3_extend;
mod public;
mod read;
mod resolver;
mod reuse;
#[cfg(test)]
pub(crate) use reuse::compile_texts;
mod source;
mod stand_in;
mod text;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use crate::descriptor::walk::{walk, Flow, Site, Visitor};
use crate::finding::Finding;
use crate::input::{FileSet, ProtoFile};
pub use columns::LineIndex;
pub use encoded::{EncodedFile, EncodedInfo};
pub use limits::{thread_pool, MAX_IMPORT_CHAIN, STACK_SIZE};
pub use locations::{Locations, Span};
pub use source::Source;
pub use text::Text;

/// One compiled file.
pub enum Proto {
    /// A descriptor of our own, with all its source info.
    Owned(Arc<FileDescriptorProto>),
    /// A descriptor of our own with the options' source info; the rest of it, which the
    /// compiler never saw, is kept encoded beside it (see [`encoded`]).
    Lean {
        file: Arc<FileDescriptorProto>,
        info: EncodedInfo,
    },
    /// A descriptor left in the prost-reflect pool that built it, not copied out: lint keeps
    /// the pools anyway, and a copy of every descriptor was a tenth of a googleapis lint's
    /// memory. The pool's copy has the options' source info; `info` has the rest.
    Pooled {
        file: prost_reflect::FileDescriptor,
        info: EncodedInfo,
    },
}

impl std::ops::Deref for Proto {
    type Target = FileDescriptorProto;

    fn deref(&self) -> &FileDescriptorProto {
        match self {
            Proto::Owned(file) | Proto::Lean { file, .. } => file,
            Proto::Pooled { file, .. } => file.file_descriptor_proto(),
        }
    }
}

/// A compiled workspace.
pub struct Schema {
    /// Every compiled file, imports included, in dependency order.
    pub files: Vec<Proto>,
    /// Index into `files` by import path.
    pub by_name: HashMap<String, usize>,
    /// The source of every file read from disk, by import path.
    pub sources: HashMap<String, Arc<Source>>,
    /// Compile errors: every error found in each failing file (see `every_error`).
    pub errors: Vec<Finding>,
    /// For custom options (protovalidate), which the prost-types structs drop: the pools the
    /// targets were compiled in, those that [`CompileOptions::pools`] keeps.
    pub pools: Vec<prost_reflect::DescriptorPool>,
    /// Index into `pools` by target import path.
    pub pool_of: HashMap<String, usize>,
    /// For a target compiled for lint whose pool was let go: the files that define the custom
    /// options (and `Any` types in option values) it sets.
    pub option_imports: HashMap<String, std::collections::BTreeSet<String>>,
    /// For `sous build`: each file's options as the compiler encoded them, read from its pool
    /// before the pool was let go.
    pub raw_options: HashMap<String, editions::raw_options::RawOptions>,
    /// Which file defines each message and enum, by full name; built on first use.
    pub definitions: std::sync::OnceLock<HashMap<String, usize>>,
    /// The feature tables of the editions files, by import path (see [`editions`]).
    pub editions: HashMap<String, Arc<editions::Editions>>,
    /// Files that did not compile, as compiled with their errors fixed: for symbol visibility.
    pub recovered: Vec<FileDescriptorProto>,
}

impl Schema {
    /// A schema of these files and nothing else (no sources, errors or pools): a descriptor
    /// set as read, or what `compile` completes.
    pub fn from_files(files: Vec<Proto>) -> Schema {
        let by_name = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name().to_string(), i))
            .collect();
        Schema {
            files,
            by_name,
            sources: HashMap::new(),
            errors: Vec::new(),
            pools: Vec::new(),
            pool_of: HashMap::new(),
            option_imports: HashMap::new(),
            raw_options: HashMap::new(),
            definitions: Default::default(),
            editions: HashMap::new(),
            recovered: Vec::new(),
        }
    }

    /// The import paths of the files read from disk as targets (not imports).
    pub fn target_names(&self) -> HashSet<&str> {
        self.sources
            .values()
            .filter(|s| s.file.is_target)
            .map(|s| s.file.name.as_str())
            .collect()
    }

    /// The pool `target` was compiled in: it holds the target and everything it imports.
    pub fn pool(&self, target: &str) -> Option<&prost_reflect::DescriptorPool> {
        self.pool_of.get(target).map(|&i| &self.pools[i])
    }

    pub fn file(&self, name: &str) -> Option<&Proto> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    /// The file that defines the message or enum `full_name` (no leading dot).
    pub fn defining_file(&self, full_name: &str) -> Option<&Proto> {
        let index = self.definitions.get_or_init(|| {
            /// Every message and enum of one file, into the index.
            struct Definitions<'m>(&'m mut HashMap<String, usize>, usize);
            impl Visitor<'_> for Definitions<'_> {
                fn message(&mut self, _: &DescriptorProto, at: &Site) -> Flow {
                    self.0.entry(at.full_name.to_string()).or_insert(self.1);
                    Flow::Into
                }
                fn enum_(&mut self, _: &EnumDescriptorProto, at: &Site) {
                    self.0.entry(at.full_name.to_string()).or_insert(self.1);
                }
            }
            let mut index = HashMap::new();
            for (i, file) in self.files.iter().enumerate() {
                walk(file, &mut Definitions(&mut index, i));
            }
            index
        });
        index.get(full_name).map(|&i| &self.files[i])
    }
}

/// The comment directive that accepts a breaking change (`breaking::comments`): compiled for
/// breaking, a schema keeps the leading comments that hold it and drops every other comment.
pub const BREAKING_IGNORE: &str = "sous:breaking:ignore";

/// What the compiled schema is for, which decides what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Everything but what lint never reads (the import statements' source info). Which pools
    /// lint keeps, and that a pool let go is read first for option imports, is
    /// [`CompileOptions::pools`]'s to say, not this.
    Lint,
    /// No comments, which breaking rules never read.
    Breaking,
    /// `sous build` writes descriptors with all their source info.
    Build,
}

impl Purpose {
    fn keeps_comments(self) -> bool {
        self != Purpose::Breaking
    }

    fn keeps_imports_info(self) -> bool {
        self != Purpose::Lint
    }
}

/// How to compile, decided once by the caller.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    pub purpose: Purpose,
    /// Directories searched for imports that live outside the workspace (`-I`).
    pub includes: Vec<PathBuf>,
    /// The file directories of the workspace's locked dependencies (buf's module cache), searched
    /// after `includes`: imports only, never targets.
    pub dep_includes: Vec<PathBuf>,
    /// Which prost-reflect pools to keep once their descriptors are out; `None` keeps none.
    /// With a policy (lint's), a pool let go is first read for the files that define the
    /// custom options its targets set ([`Schema::option_imports`], what IMPORT_USED reads).
    pub pools: Option<PoolPolicy>,
    /// At most this many link groups (1 compiles everything with one compiler).
    pub max_groups: usize,
    /// The `deps:` entries of the workspace's modules that no `buf.lock` pins: a missing import
    /// says how to provide it, naming them. `None` keeps the compiler's own message.
    pub deps: Option<Vec<String>>,
    /// Check files with message sets instead of refusing them as buf does
    /// (`--allow-message-sets`, see [`message_sets`]).
    pub allow_message_sets: bool,
    /// Read what an image needs from each pool as it is let go (`sous build`, see
    /// [`Schema::raw_options`]).
    pub image: bool,
}

impl CompileOptions {
    /// Compiles for `purpose`, keeping no pool, in as many groups as suit the targets and cores,
    /// with the compiler's own words for a missing import.
    pub fn new(purpose: Purpose, includes: &[PathBuf]) -> CompileOptions {
        CompileOptions {
            purpose,
            includes: includes.to_vec(),
            dep_includes: Vec::new(),
            pools: None,
            max_groups: usize::MAX,
            deps: None,
            allow_message_sets: false,
            image: false,
        }
    }
}

/// Which pools to keep, as lint decides (a kept pool is fastest to lint, a pool let go frees
/// its memory). A pool let go is read first for what lint needs from it.
#[derive(Debug, Clone)]
pub struct PoolPolicy {
    /// Keep every pool when at most this many targets are compiled.
    pub keep_up_to: usize,
    /// Keep a pool that holds a file of one of these packages, whatever the number of targets.
    pub keep_holding: Vec<String>,
}

impl PoolPolicy {
    /// Whether `pool` holds a file of a package of [`PoolPolicy::keep_holding`].
    fn holds_kept_package(&self, pool: &prost_reflect::DescriptorPool) -> bool {
        pool.files()
            .any(|f| self.keep_holding.iter().any(|p| p == f.package_name()))
    }
}

/// Reads and compiles every target of `set` (and whatever they import).
pub fn compile(set: &FileSet, options: &CompileOptions) -> crate::error::Result<Schema> {
    compile_with(set, options, None, options.max_groups)
}

/// Compiles like [`compile`], reusing the descriptors of `before` (compiled for the same
/// purpose): a file whose text, and the text of everything it imports, is the same there is
/// taken as it is, not parsed or compiled again. Between two revisions of a large tree, most
/// files are the same.
pub fn compile_reusing(
    set: &FileSet,
    options: &CompileOptions,
    before: &Schema,
) -> crate::error::Result<Schema> {
    compile_with(set, options, Some(before), options.max_groups)
}

/// Read, reuse, link, merge: in at most `max_groups` link groups.
fn compile_with(
    set: &FileSet,
    options: &CompileOptions,
    before: Option<&Schema>,
    max_groups: usize,
) -> crate::error::Result<Schema> {
    let purpose = options.purpose;
    let read_start = std::time::Instant::now();
    let mut read = read::read(set, purpose, before)?;
    limits::check_import_chains(&read)?;
    let reused = reuse::reuse(&mut read, before, set, purpose);
    crate::trace::since("read and parse", read_start);
    crate::trace::mark("parsed");
    let read::Read {
        sources,
        errors,
        broken,
        stand_ins,
        parsed,
        infos,
        editions,
        ..
    } = read;
    let resolver = link::Resolver {
        sources: Arc::new(sources),
        parsed: Arc::default(),
        compiled: reused,
        broken: Arc::new(broken.iter().cloned().collect()),
        stand_ins: Arc::new(stand_ins),
        non_finite: Arc::default(),
        includes: options
            .includes
            .iter()
            .chain(&options.dep_includes)
            .cloned()
            .collect(),
        widened: Default::default(),
    };
    let targets: Vec<&ProtoFile> = set
        .targets()
        .filter(|f| !broken.contains(&f.name) && !resolver.compiled.contains_key(&f.name))
        .collect();
    let linked = link::link_all(&targets, &resolver, parsed, options, max_groups, before);
    if linked.len() > 1 && duplicates::defined_twice(&linked) {
        // Files in different groups never met in one pool, so a name they both define went
        // unnoticed: compile again in one group, which reports it where buf does.
        drop(linked);
        return compile_with(set, options, before, 1);
    }
    let link::Resolver {
        sources,
        compiled,
        includes,
        ..
    } = resolver;
    let mut schema = merge(linked, &compiled, infos, sources, errors)?;
    closed_enums::restore_editions(&mut schema, editions);
    // buf parity: buf fails on an unused option import building the image, which a compile
    // error stops before.
    if schema.errors.is_empty() {
        editions::option_only::unused(&schema)?;
    }
    if purpose != Purpose::Lint {
        add_import_sources(&mut schema, &includes);
    }
    Ok(schema)
}

/// Gives the files compiled from include directories (`-I`, locked dependencies) their source
/// text, so breaking places a change in one at its element (as buf does, not at 1:1) and the
/// language server can open them (not lint: it reports in targets only). Never targets.
fn add_import_sources(schema: &mut Schema, includes: &[PathBuf]) {
    if includes.is_empty() {
        return;
    }
    for file in &schema.files {
        let name = file.name();
        if schema.sources.contains_key(name) {
            continue;
        }
        // The directory the resolver took it from: the first that has it.
        let Some(disk) = includes.iter().map(|d| d.join(name)).find(|p| p.is_file()) else {
            continue;
        };
        // A file that cannot be read again keeps its 1:1 places: it compiled, so nothing is lost
        // but the position.
        let Ok(text) = std::fs::read_to_string(&disk) else {
            continue;
        };
        let proto = ProtoFile {
            name: name.to_string(),
            module: None,
            workspace_path: name.to_string(),
            display: name.to_string(),
            disk,
            bytes: None,
            is_target: false,
        };
        schema
            .sources
            .insert(name.to_string(), Arc::new(Source::new(proto, text)));
    }
}

/// One schema from the groups' outputs and the files reused; `errors` are the findings of the
/// read waves.
fn merge(
    mut linked: Vec<link::Linked>,
    reused: &HashMap<String, Arc<FileDescriptorProto>>,
    infos: HashMap<String, EncodedInfo>,
    sources: Arc<HashMap<String, Arc<Source>>>,
    mut errors: Vec<Finding>,
) -> crate::error::Result<Schema> {
    // Dependencies come first in each group's list, and groups follow the order of the targets:
    // the merged list is the one a single compiler would give.
    let mut files = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for group in &mut linked {
        for file in group.files.drain(..) {
            if !reused.contains_key(file.name()) && seen.insert(file.name().to_string()) {
                files.push(file);
            }
        }
    }
    for (name, file) in reused.iter() {
        if seen.insert(name.clone()) {
            files.push(Proto::Owned(file.clone()));
        }
    }
    read::restore_source_info(&mut files, infos);
    let refused: Vec<(String, Finding)> = linked
        .iter_mut()
        .flat_map(|group| std::mem::take(&mut group.defined_elsewhere))
        .collect();
    let mut reported_cycles: Vec<Vec<String>> = Vec::new();
    let mut pools = Vec::new();
    let mut pool_of = HashMap::new();
    let mut option_imports = HashMap::new();
    let mut raw_options = HashMap::new();
    let mut recovered = Vec::new();
    for group in linked {
        recovered.extend(group.recovered);
        for (f, _) in group.isolated {
            if seen.insert(f.name().to_string()) {
                files.push(Proto::Owned(Arc::new(f)));
            }
        }
        errors.extend(group.errors);
        option_imports.extend(group.option_imports);
        for (name, raw) in group.raw_options {
            // The first group's, as a single compiler's pool would have it.
            raw_options.entry(name).or_insert(raw);
        }
        for (members, finding) in group.cycles {
            if !reported_cycles.contains(&members) {
                errors.push(finding);
                reported_cycles.push(members);
            }
        }
        if let Some(pool) = group.pool {
            for name in group.targets {
                pool_of.insert(name, pools.len());
            }
            pools.push(pool);
        }
    }
    let (twice, image) = duplicates::replace(refused, &sources, &files, &mut errors);
    errors.extend(twice);
    // Two independent walks of every file, side by side.
    let (twice, misused) = rayon::join(
        || errors::extension_numbers_used_twice(&files, &sources),
        || map_entries::misused(&files, &sources),
    );
    if !twice.is_empty() {
        // prost-reflect panics on an option set through one of two extensions with one number
        // (fuzzing found it: `fixtures/projects/extension_number_twice`): buf reports the
        // numbers only.
        errors.retain(|e| e.message != errors::COMPILER_PANICKED);
    }
    errors.extend(twice);
    errors.extend(misused);
    if let Some(image) = image.filter(|_| errors.is_empty()) {
        // buf parity: files that compile but make no image (see `duplicates::packages`).
        return Err(crate::Error::Input(image));
    }
    Ok(Schema {
        sources: Arc::try_unwrap(sources).unwrap_or_else(|shared| (*shared).clone()),
        errors,
        pools,
        pool_of,
        option_imports,
        raw_options,
        recovered,
        ..Schema::from_files(files)
    })
}
