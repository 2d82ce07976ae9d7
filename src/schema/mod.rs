//! Compilation: the files of a [`FileSet`] become a [`Schema`], descriptors with source info,
//! using protox. A file that does not compile becomes a `COMPILE` finding, as in buf.
//!
//! protox cannot parse editions files yet and prost-reflect panics on editions descriptors, so
//! editions files are detected by a small scan before compiling and reported on their own.

pub mod columns;
mod locations;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use miette::Diagnostic;
use prost_types::FileDescriptorProto;
use protox::file::{File, FileResolver, GoogleFileResolver};

use crate::finding::Finding;
use crate::input::{FileSet, ProtoFile};
pub use columns::LineIndex;
pub use locations::{Locations, Span};

/// The text of one source file, with what is needed to turn byte offsets into buf's positions.
#[derive(Debug)]
pub struct Source {
    pub file: ProtoFile,
    pub text: String,
    pub lines: LineIndex,
}

impl Source {
    /// buf's 1-based (line, column) for a byte offset in this file.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        self.lines.position(&self.text, offset)
    }

    /// A finding about this whole file, at 1:1 as buf places them.
    pub fn file_finding(&self, rule: &str, message: String) -> Finding {
        let mut finding = Finding::file_level(&self.file.display, rule, message);
        finding.file = Some(self.file.workspace_path.clone());
        finding
    }

    /// A finding for this file at a byte range.
    pub fn finding(&self, start: usize, end: usize, rule: &str, message: String) -> Finding {
        let (start_line, start_column) = self.position(start);
        let (end_line, end_column) = self.position(end.max(start));
        Finding {
            path: Some(self.file.display.clone()),
            start_line,
            start_column,
            end_line,
            end_column,
            rule: rule.to_string(),
            message,
            file: Some(self.file.workspace_path.clone()),
            old: None,
        }
    }
}

/// `name` in scope `parent` (a package or a message's full name).
pub fn qualify(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Every message of `file`, nested ones included: its descriptor path and full name.
fn messages(file: &FileDescriptorProto) -> Vec<(Vec<i32>, &prost_types::DescriptorProto, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<i32>, &prost_types::DescriptorProto, String)> = file
        .message_type
        .iter()
        .enumerate()
        .map(|(i, m)| (vec![4, i as i32], m, qualify(file.package(), m.name())))
        .collect();
    while let Some((path, m, name)) = stack.pop() {
        for (i, n) in m.nested_type.iter().enumerate() {
            let mut nested = path.clone();
            nested.extend([3, i as i32]);
            stack.push((nested, n, qualify(&name, n.name())));
        }
        out.push((path, m, name));
    }
    out
}

/// One compiled file.
pub enum Proto {
    /// A descriptor of our own, with all its source info.
    Owned(Arc<FileDescriptorProto>),
    /// A descriptor left in the prost-reflect pool that built it, not copied out: lint keeps
    /// the pools anyway, and a copy of every descriptor was a tenth of a googleapis lint's
    /// memory. The pool's copy has the options' source info; `info` has the rest.
    Pooled {
        file: prost_reflect::FileDescriptor,
        info: prost_types::SourceCodeInfo,
    },
}

impl std::ops::Deref for Proto {
    type Target = FileDescriptorProto;

    fn deref(&self) -> &FileDescriptorProto {
        match self {
            Proto::Owned(file) => file,
            Proto::Pooled { file, .. } => file.file_descriptor_proto(),
        }
    }
}

impl Proto {
    /// Source info kept beside the descriptor rather than in it.
    pub fn extra_info(&self) -> Option<&prost_types::SourceCodeInfo> {
        match self {
            Proto::Owned(_) => None,
            Proto::Pooled { info, .. } => Some(info),
        }
    }

    /// An owned copy with all the source info.
    pub fn to_owned_proto(&self) -> FileDescriptorProto {
        let mut file = (**self).clone();
        if let Some(extra) = self.extra_info() {
            let mut info = extra.clone();
            if let Some(own) = file.source_code_info.take() {
                info.location.extend(own.location);
            }
            file.source_code_info = Some(info);
        }
        file
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
    /// Compile errors, one finding per failing file.
    pub errors: Vec<Finding>,
    /// For custom options (protovalidate), which the prost-types structs drop: the pools the
    /// targets were compiled in (none unless compiled for [`Purpose::Lint`]).
    pub pools: Vec<prost_reflect::DescriptorPool>,
    /// Index into `pools` by target import path.
    pub pool_of: HashMap<String, usize>,
    /// For a target compiled for lint whose pool was let go: the files that define the custom
    /// options (and `Any` types in option values) it sets.
    pub option_imports: HashMap<String, std::collections::BTreeSet<String>>,
    /// Which file defines each message and enum, by full name; built on first use.
    pub definitions: std::sync::OnceLock<HashMap<String, usize>>,
}

impl Schema {
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
            let mut index = HashMap::new();
            for (i, file) in self.files.iter().enumerate() {
                for e in &file.enum_type {
                    index.entry(qualify(file.package(), e.name())).or_insert(i);
                }
                for (_, m, name) in messages(file) {
                    for e in &m.enum_type {
                        index.entry(qualify(&name, e.name())).or_insert(i);
                    }
                    index.entry(name).or_insert(i);
                }
            }
            index
        });
        index.get(full_name).map(|&i| &self.files[i])
    }
}

/// Resolves imports from the workspace's files, then include directories, then the well-known
/// types built into protox.
#[derive(Clone)]
struct Resolver {
    sources: Arc<HashMap<String, Arc<Source>>>,
    /// Files parsed ahead of time, on every core, without their source info (the pool builds
    /// twice as fast without it; it is put back after compiling). Each is handed out once; a file
    /// asked for again, or that failed to parse, is parsed from its source, so an error carries
    /// the text.
    parsed: Arc<std::sync::Mutex<HashMap<String, FileDescriptorProto>>>,
    /// Files compiled before and reused as they are: imports of the files compiled now.
    compiled: Arc<HashMap<String, Arc<FileDescriptorProto>>>,
    includes: Vec<PathBuf>,
}

impl Resolver {
    /// The same resolver without the parsed files: errors then carry their source text, which
    /// the compiler needs to place them.
    fn without_parsed(&self) -> Resolver {
        Resolver {
            parsed: Arc::default(),
            ..self.clone()
        }
    }
}

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        let parsed = self.parsed.lock().ok().and_then(|mut p| p.remove(name));
        if let Some(parsed) = parsed {
            return Ok(File::from_file_descriptor_proto(parsed));
        }
        if let Some(compiled) = self.compiled.get(name) {
            let file = FileDescriptorProto {
                source_code_info: None,
                ..(**compiled).clone()
            };
            return Ok(File::from_file_descriptor_proto(file));
        }
        if let Some(source) = self.sources.get(name) {
            return File::from_source(name, &source.text);
        }
        for dir in &self.includes {
            let path = dir.join(name);
            if path.is_file() {
                return File::open(name, &path);
            }
        }
        GoogleFileResolver::new().open_file(name)
    }
}

/// Reads and compiles every target of `set` (and whatever they import), with include
/// directories for imports that live outside the workspace.
pub fn compile(
    set: &FileSet,
    includes: &[PathBuf],
    purpose: Purpose,
) -> crate::error::Result<Schema> {
    compile_with(set, includes, purpose, None, usize::MAX)
}

/// Compiles like [`compile`], reusing the descriptors of `before` (compiled for the same
/// purpose): a file whose text, and the text of everything it imports, is the same there is
/// taken as it is, not parsed or compiled again. Between two revisions of a large tree, most
/// files are the same.
pub fn compile_reusing(
    set: &FileSet,
    includes: &[PathBuf],
    purpose: Purpose,
    before: &Schema,
) -> crate::error::Result<Schema> {
    compile_with(set, includes, purpose, Some(before), usize::MAX)
}

fn compile_with(
    set: &FileSet,
    includes: &[PathBuf],
    purpose: Purpose,
    before: Option<&Schema>,
    max_groups: usize,
) -> crate::error::Result<Schema> {
    use rayon::prelude::*;
    let before_text = |name: &str| {
        before
            .and_then(|b| b.sources.get(name))
            .map(|s| s.text.as_str())
    };
    // Files with the same text as before, with the imports they had there.
    let mut same: HashMap<String, &[String]> = HashMap::new();
    let mut sources = HashMap::new();
    let mut errors = Vec::new();
    let mut broken = Vec::new();
    let mut parsed = HashMap::new();
    let mut infos = HashMap::new();
    // Only the targets and what they import are read: in waves, each read and parsed on every
    // core, the next wave made of the imports the last one named. `--path` on one file of a
    // large tree reads a handful of files.
    let mut seen: std::collections::HashSet<String> =
        set.targets().map(|f| f.name.clone()).collect();
    let mut wave: Vec<std::borrow::Cow<ProtoFile>> =
        set.targets().map(std::borrow::Cow::Borrowed).collect();
    let read_start = std::time::Instant::now();
    while !wave.is_empty() {
        let load_one =
            |file: &std::borrow::Cow<ProtoFile>| load(file, purpose, before_text(&file.name));
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
        for loaded in loaded {
            let name = loaded.source.file.name.clone();
            errors.extend(loaded.error);
            if loaded.broken {
                broken.push(name);
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
                if let Some(imported) = set.get(dependency)? {
                    if seen.insert(imported.name.clone()) {
                        next.push(imported);
                    }
                }
            }
            if let Some(imports) = before_imports {
                same.insert(name.clone(), imports);
            }
            if let Some((file, info)) = loaded.parsed {
                parsed.insert(name.clone(), file);
                // Lint reports in targets only, so an import's positions and comments go unread.
                if loaded.source.file.is_target || purpose.keeps_imports_info() {
                    infos.insert(name.clone(), info);
                }
            }
            sources.insert(name, Arc::new(loaded.source));
        }
        wave = next;
    }
    // A file is reused when its text and everything it imports are the same as before; the
    // rest of the files with the same text are parsed after all.
    let reused = reusable(&same, before, set);
    if before.is_some() {
        crate::trace::mark(&format!("reused {} files compiled before", reused.len()));
    }
    let reparse: Vec<&Arc<Source>> = same
        .keys()
        .filter(|name| !reused.contains_key(name.as_str()))
        .filter_map(|name| sources.get(name))
        .collect();
    for (name, result) in reparse
        .par_iter()
        .map(|source| (source.file.name.clone(), parse(source, purpose)))
        .collect::<Vec<_>>()
    {
        if let Some((file, info)) = result {
            parsed.insert(name.clone(), file);
            infos.insert(name, info);
        }
    }
    crate::trace::since("read and parse", read_start);
    crate::trace::mark("parsed");
    let sources = Arc::new(sources);
    let targets: Vec<&ProtoFile> = set
        .targets()
        .filter(|f| !broken.contains(&f.name) && !reused.contains_key(&f.name))
        .collect();
    let keep_up_to = std::env::var("SOUS_KEEP_POOLS_UP_TO")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(KEEP_POOLS_UP_TO);
    let keep_pools = purpose.keeps_pools() && targets.len() <= keep_up_to;
    let groups = partition(&targets, &sources, max_groups, keep_pools);
    let group_parsed = share_out(&groups, parsed);
    let link_start = std::time::Instant::now();
    let mut linked: Vec<Linked> = groups
        .par_iter()
        .zip(group_parsed)
        .map(|(group, parsed)| {
            let resolver = Resolver {
                sources: sources.clone(),
                parsed: Arc::new(std::sync::Mutex::new(parsed)),
                compiled: reused.clone(),
                includes: includes.to_vec(),
            };
            crate::trace::stage("link group", || {
                link(group, &resolver, &sources, purpose, keep_pools)
            })
        })
        .collect();
    crate::trace::since("link (pool)", link_start);
    crate::trace::mark("linked");
    if linked.len() > 1 && defined_twice(&linked) {
        // Files in different groups never met in one pool, so a name they both define went
        // unnoticed: compile again in one group, which reports it where buf does.
        drop(linked);
        return compile_with(set, includes, purpose, before, 1);
    }

    // Dependencies come first in each group's list, and groups follow the order of the targets:
    // the merged list is the one a single compiler would give.
    let mut files = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
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
    for file in &mut files {
        let name = file.name().to_string();
        if let Some(mut info) = infos.remove(&name) {
            // The compiler rewrote the options' locations (named by the options they set, not
            // by their place in the text); the rest come back from the parse.
            match file {
                Proto::Owned(file) => {
                    let file = Arc::get_mut(file).expect("compiled just now, shared with no one");
                    if let Some(options) = file.source_code_info.take() {
                        info.location.extend(options.location);
                    }
                    file.source_code_info = Some(info);
                }
                Proto::Pooled { info: slot, .. } => *slot = info,
            }
        }
    }
    let mut reported_cycles: Vec<Vec<String>> = Vec::new();
    let mut pool_list = Vec::new();
    let mut pool_of = HashMap::new();
    let mut option_imports = HashMap::new();
    for group in linked {
        for (f, _) in group.isolated {
            if seen.insert(f.name().to_string()) {
                files.push(Proto::Owned(Arc::new(f)));
            }
        }
        errors.extend(group.errors);
        option_imports.extend(group.option_imports);
        for (members, finding) in group.cycles {
            if !reported_cycles.contains(&members) {
                errors.push(finding);
                reported_cycles.push(members);
            }
        }
        if let Some(pool) = group.pool {
            for name in group.targets {
                pool_of.insert(name, pool_list.len());
            }
            pool_list.push(pool);
        }
    }
    errors.extend(extension_numbers_used_twice(&files, &sources));
    let by_name = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name().to_string(), i))
        .collect();
    Ok(Schema {
        files,
        by_name,
        sources: Arc::try_unwrap(sources).unwrap_or_else(|shared| (*shared).clone()),
        errors,
        pools: pool_list,
        pool_of,
        option_imports,
        definitions: Default::default(),
    })
}

/// The files of `same` (same text as in `before`, with their imports) whose imports are all
/// reused too, or resolve outside both workspaces (a well-known type, an include directory):
/// their descriptors from `before`.
fn reusable(
    same: &HashMap<String, &[String]>,
    before: Option<&Schema>,
    set: &FileSet,
) -> Arc<HashMap<String, Arc<FileDescriptorProto>>> {
    let Some(before) = before else {
        return Arc::default();
    };
    let mut ok: std::collections::HashSet<&str> = same
        .keys()
        .filter(|name| matches!(before.file(name), Some(Proto::Owned(_))))
        .map(String::as_str)
        .collect();
    loop {
        let outside =
            |d: &str| !before.sources.contains_key(d) && set.get(d).ok().flatten().is_none();
        let dropped: Vec<&str> = ok
            .iter()
            .copied()
            .filter(|name| {
                same[*name]
                    .iter()
                    .any(|d| !ok.contains(d.as_str()) && !outside(d))
            })
            .collect();
        if dropped.is_empty() {
            break;
        }
        for name in dropped {
            ok.remove(name);
        }
    }
    Arc::new(
        ok.into_iter()
            .filter_map(|name| match before.file(name) {
                Some(Proto::Owned(file)) => Some((name.to_string(), file.clone())),
                _ => None,
            })
            .collect(),
    )
}

/// What the compiled schema is for, which decides what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Everything: lint reads comments, and custom options from prost-reflect pools.
    Lint,
    /// No pools and no comments, which breaking rules never read: each pool is freed as soon
    /// as its descriptors are out.
    Breaking,
    /// No pools: `sous build` writes descriptors with all their source info.
    Build,
}

impl Purpose {
    fn keeps_pools(self) -> bool {
        self == Purpose::Lint
    }

    fn keeps_comments(self) -> bool {
        self != Purpose::Breaking
    }

    fn keeps_imports_info(self) -> bool {
        self != Purpose::Lint
    }
}

/// Splits the targets, in order, into groups of about equal size in bytes, one per core, each
/// compiled with a compiler of its own. The pool build is serial within one compiler and was
/// the longest stage of a large lint; groups share little beyond common imports, which each
/// compiles again. `SOUS_LINK_GROUPS` caps the number of groups (1 compiles everything in one).
fn partition<'a>(
    targets: &[&'a ProtoFile],
    sources: &HashMap<String, Arc<Source>>,
    max_groups: usize,
    keep_pools: bool,
) -> Vec<Vec<&'a ProtoFile>> {
    /// Below this many targets per group, compiling the shared imports again costs more than
    /// the second core gains.
    const MIN_PER_GROUP: usize = 64;
    /// Above this many targets per group, a group's pool is a large share of the memory.
    const MAX_PER_GROUP: usize = 2000;
    let cap = std::env::var("SOUS_LINK_GROUPS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(usize::MAX);
    // At least one group per core; when pools are let go, more and smaller groups, so that
    // only a few are alive at a time.
    let count = rayon::current_num_threads()
        .max(if keep_pools {
            1
        } else {
            targets.len().div_ceil(MAX_PER_GROUP)
        })
        .min(targets.len() / MIN_PER_GROUP)
        .min(max_groups)
        .min(cap)
        .max(1);
    if count == 1 {
        return vec![targets.to_vec()];
    }
    let size = |f: &ProtoFile| sources.get(&f.name).map_or(1, |s| s.text.len().max(1));
    let total: usize = targets.iter().map(|f| size(f)).sum();
    let mut groups: Vec<Vec<&ProtoFile>> = vec![Vec::new()];
    let mut filled = 0;
    for &file in targets {
        let boundary = total * groups.len() / count;
        if filled >= boundary && groups.len() < count {
            groups.push(Vec::new());
        }
        filled += size(file);
        groups.last_mut().expect("one group at least").push(file);
    }
    groups
}

/// Gives each group the parsed files it will ask for: its targets and what they import, moved
/// when one group needs a file, copied when several do.
fn share_out(
    groups: &[Vec<&ProtoFile>],
    mut parsed: HashMap<String, FileDescriptorProto>,
) -> Vec<HashMap<String, FileDescriptorProto>> {
    if groups.len() == 1 {
        return vec![parsed];
    }
    let closures: Vec<Vec<String>> = groups
        .iter()
        .map(|group| {
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            let mut stack: Vec<&str> = group.iter().map(|f| f.name.as_str()).collect();
            while let Some(name) = stack.pop() {
                if !seen.insert(name) {
                    continue;
                }
                if let Some(file) = parsed.get(name) {
                    stack.extend(file.dependency.iter().map(String::as_str));
                }
            }
            seen.into_iter().map(str::to_string).collect()
        })
        .collect();
    let mut wanted: HashMap<&str, usize> = HashMap::new();
    for closure in &closures {
        for name in closure {
            *wanted.entry(name.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for closure in &closures {
        let mut own = HashMap::with_capacity(closure.len());
        for name in closure {
            let left = wanted.get_mut(name.as_str()).expect("counted above");
            *left -= 1;
            let file = if *left == 0 {
                parsed.remove(name)
            } else {
                parsed.get(name).cloned()
            };
            if let Some(file) = file {
                own.insert(name.clone(), file);
            }
        }
        out.push(own);
    }
    out
}

/// What one group's compiler produced.
struct Linked {
    /// The group's targets and their imports, dependencies first.
    files: Vec<Proto>,
    /// Files compiled on their own, with their encoded form (which keeps custom options).
    isolated: Vec<(FileDescriptorProto, Vec<u8>)>,
    errors: Vec<Finding>,
    /// Import cycles, each reported once: its sorted members and its finding.
    cycles: Vec<(Vec<String>, Finding)>,
    pool: Option<prost_reflect::DescriptorPool>,
    /// For lint without a pool: the files each target's custom options come from.
    option_imports: HashMap<String, std::collections::BTreeSet<String>>,
    targets: Vec<String>,
}

/// Lint keeps the pools of up to this many targets, which is fastest; above it, each group's
/// pool is let go when the group is done (after reading what IMPORT_USED needs from it), so a
/// very large tree needs a fraction of the memory and fewer fresh pages. A pool that holds
/// protovalidate's options is always kept. `SOUS_KEEP_POOLS_UP_TO` sets another limit.
const KEEP_POOLS_UP_TO: usize = 20_000;

/// Whether a pool holds protovalidate's options, which lint reads from the pool itself.
fn is_validated(pool: &prost_reflect::DescriptorPool) -> bool {
    pool.files().any(|f| f.package_name() == "buf.validate")
}

/// Compiles one group of targets with a compiler of its own.
fn link(
    group: &[&ProtoFile],
    resolver: &Resolver,
    sources: &HashMap<String, Arc<Source>>,
    purpose: Purpose,
    keep_pools: bool,
) -> Linked {
    let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
    compiler.include_source_info(true).include_imports(true);
    let mut isolated: Vec<(FileDescriptorProto, Vec<u8>)> = Vec::new();
    let mut errors = Vec::new();
    let mut cycles: Vec<(Vec<String>, Finding)> = Vec::new();
    let mut opened: Vec<&str> = Vec::new();
    for file in group {
        opened.push(&file.name);
        // prost-reflect is not expected to panic on proto2/proto3 input, but a panic must never
        // reach the user: treat one as a compile error of the file being opened.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compiler.open_file(&file.name).map(|_| ())
        }));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(err)) => match if resolves_elsewhere(&err) {
                compile_isolated(resolver, &file.name)
            } else {
                Err(())
            } {
                // buf parity: names resolve against the file's imports only. One pool of every
                // file can resolve a partly qualified name into a package that the file does not
                // import, and fail where buf succeeds; such a file compiles on its own.
                Ok(set) => isolated.extend(set),
                Err(_) => match import_cycle(&err) {
                    Some(cycle) => {
                        let mut members = cycle.clone();
                        members.sort();
                        members.dedup();
                        if !cycles.iter().any(|(m, _)| *m == members) {
                            cycles.push((members, cycle_error(&cycle, sources, file)));
                        }
                    }
                    None => {
                        let err = error_with_source(resolver, &opened, &file.name).unwrap_or(err);
                        errors.push(compile_error(&err, sources, file))
                    }
                },
            },
            Err(_) => errors.push(Finding::file_level(
                &file.display,
                "COMPILE",
                "the compiler failed on this file; please report it with the file attached".into(),
            )),
        }
    }
    let mut pool = compiler.descriptor_pool();
    drop(compiler);
    // In the order a descriptor set lists them: dependencies first.
    let handles: Vec<prost_reflect::FileDescriptor> = pool.files().collect();
    let mut seen: std::collections::HashSet<String> =
        handles.iter().map(|f| f.name().to_string()).collect();
    for (f, encoded) in &isolated {
        if seen.insert(f.name().to_string()) {
            // The encoded form keeps custom options, which the prost-types struct drops; rules
            // such as IMPORT_USED read them from the pool. Dependencies come first.
            let _ = pool.decode_file_descriptor_proto(encoded.as_slice());
        }
    }
    let mut option_imports = HashMap::new();
    let keep = purpose.keeps_pools() && (keep_pools || is_validated(&pool));
    let files = if keep {
        handles
            .into_iter()
            .map(|file| Proto::Pooled {
                file,
                info: Default::default(),
            })
            .collect()
    } else {
        if purpose.keeps_pools() {
            // Lint without the pool: what IMPORT_USED reads from it, read now.
            for file in group {
                if let Some(fd) = pool.get_file_by_name(&file.name) {
                    option_imports.insert(
                        file.name.clone(),
                        crate::lint::rules::import_used::option_imports(
                            &pool,
                            fd.file_descriptor_proto(),
                        ),
                    );
                }
            }
        }
        let files = handles
            .into_iter()
            .map(|f| Proto::Owned(Arc::new(f.file_descriptor_proto().clone())))
            .collect();
        drop(pool);
        pool = prost_reflect::DescriptorPool::new();
        files
    };
    let pool = keep.then_some(pool);
    Linked {
        files,
        isolated,
        errors,
        cycles,
        pool,
        option_imports,
        targets: group.iter().map(|f| f.name.clone()).collect(),
    }
}

/// Whether two different files of different groups define the same name, which one compiler
/// would have refused.
fn defined_twice(linked: &[Linked]) -> bool {
    #[derive(PartialEq)]
    enum Kind {
        Package,
        Element,
    }
    let mut names: HashMap<String, (&str, Kind)> = HashMap::new();
    let mut done: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let files = linked.iter().flat_map(|g| {
        g.files
            .iter()
            .map(|f| &**f)
            .chain(g.isolated.iter().map(|(f, _)| f))
    });
    for file in files {
        if !done.insert(file.name()) {
            continue;
        }
        let package = file.package();
        let mut defined: Vec<(String, Kind)> = Vec::new();
        let mut prefix = String::new();
        for part in package.split('.').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            defined.push((prefix.clone(), Kind::Package));
        }
        let qualify = |name: &str| qualify(package, name);
        for m in &file.message_type {
            defined.push((qualify(m.name()), Kind::Element));
        }
        for e in &file.enum_type {
            defined.push((qualify(e.name()), Kind::Element));
            // Enum values are scoped beside their enum, not inside it.
            for v in &e.value {
                defined.push((qualify(v.name()), Kind::Element));
            }
        }
        for s in &file.service {
            defined.push((qualify(s.name()), Kind::Element));
        }
        for x in &file.extension {
            defined.push((qualify(x.name()), Kind::Element));
        }
        for (name, kind) in defined {
            match names.get(&name) {
                Some((other, other_kind)) if *other != file.name() => {
                    if !(kind == Kind::Package && *other_kind == Kind::Package) {
                        return true;
                    }
                }
                Some(_) => {}
                None => {
                    names.insert(name, (file.name(), kind));
                }
            }
        }
    }
    false
}

/// One file read, checked and parsed.
struct Loaded {
    source: Source,
    /// The file's `COMPILE` finding when it is a target that cannot be compiled at all.
    error: Option<Finding>,
    /// Not valid UTF-8, or editions: it never reaches the compiler.
    broken: bool,
    /// The parsed file without most of its source info, and that source info; `None` when it
    /// does not parse (the compiler then reports the error, from the source), or is the same
    /// text as a file compiled before.
    parsed: Option<(FileDescriptorProto, prost_types::SourceCodeInfo)>,
    /// The same text as the file of this name in the schema compiled before: not parsed.
    same_as_before: bool,
}

/// Reads a file and parses it, unless its text is `before`.
fn load(file: &ProtoFile, purpose: Purpose, before: Option<&str>) -> crate::error::Result<Loaded> {
    let bytes = match &file.bytes {
        Some(bytes) => bytes.to_vec(),
        None => std::fs::read(&file.disk).map_err(|e| crate::Error::io(&file.disk, e))?,
    };
    // The text is kept; a copy of the blob it came from need not be.
    let file = &ProtoFile {
        bytes: None,
        ..file.clone()
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let source = Source {
                lines: LineIndex::new(&text),
                text,
                file: file.clone(),
            };
            let error = file.is_target.then(|| {
                let mut finding = source.finding(valid, valid, "COMPILE", format!(
                    "{} is not valid UTF-8 (first bad byte at offset {valid}): .proto files must be UTF-8 text",
                    file.display
                ));
                // The span covers the bad byte itself.
                finding.end_column += 1;
                finding
            });
            return Ok(Loaded {
                source,
                error,
                broken: true,
                parsed: None,
                same_as_before: false,
            });
        }
    };
    let source = Source {
        lines: LineIndex::new(&text),
        text,
        file: file.clone(),
    };
    if let Some(offset) = editions_offset(&source.text) {
        let error = file.is_target.then(|| {
            source.finding(offset, offset + "edition".len(), "COMPILE", format!(
                "{} uses editions (`edition = ...`), which sous cannot compile yet: lint it with buf, or exclude it with --exclude-path",
                file.display
            ))
        });
        return Ok(Loaded {
            source,
            error,
            broken: true,
            parsed: None,
            same_as_before: false,
        });
    }
    if before.is_some_and(|text| *text == source.text) {
        return Ok(Loaded {
            source,
            error: None,
            broken: false,
            parsed: None,
            same_as_before: true,
        });
    }
    let parsed = parse(&source, purpose);
    Ok(Loaded {
        source,
        error: None,
        broken: false,
        parsed,
        same_as_before: false,
    })
}

/// Parses a source, and takes its source info apart (see [`split_source_info`]).
fn parse(
    source: &Source,
    purpose: Purpose,
) -> Option<(FileDescriptorProto, prost_types::SourceCodeInfo)> {
    let file = &source.file;
    std::panic::catch_unwind(|| protox_parse::parse(&file.name, &source.text))
        .ok()
        .and_then(Result::ok)
        .map(|mut parsed| {
            let mut info = split_source_info(&mut parsed);
            if !purpose.keeps_comments() {
                for location in &mut info.location {
                    location.leading_comments = None;
                    location.trailing_comments = None;
                    location.leading_detached_comments = Vec::new();
                }
            }
            (parsed, info)
        })
}

/// Takes a parsed file's source info apart: the locations of options stay in the file, because
/// the compiler rewrites them when it resolves the options; every other location is returned,
/// kept out of the compiler, which builds its pool about twice as fast without them.
fn split_source_info(file: &mut FileDescriptorProto) -> prost_types::SourceCodeInfo {
    /// `uninterpreted_option` in every `*Options` message.
    const UNINTERPRETED_OPTION: i32 = 999;
    let mut info = file.source_code_info.take().unwrap_or_default();
    let (options, rest): (Vec<_>, Vec<_>) = info
        .location
        .drain(..)
        .partition(|l| l.path.contains(&UNINTERPRETED_OPTION));
    file.source_code_info = Some(prost_types::SourceCodeInfo { location: options });
    info.location = rest;
    info
}

/// Whether `err` is a partly qualified name that resolved into a scope the file may not import:
/// the one error a pool of its own can cure. Duplicate definitions across files must stay errors.
fn resolves_elsewhere(err: &protox::Error) -> bool {
    let message = err.to_string();
    message.contains(" resolves to ") && message.contains("which is not defined")
}

/// The compile error of `name` again, compiled from source so that it carries the text the
/// compiler needs to place it: first on its own, and if it compiles alone (the error came from
/// another file's definitions), after the files `opened` before it, in the same order.
fn error_with_source(resolver: &Resolver, opened: &[&str], name: &str) -> Option<protox::Error> {
    let resolver = resolver.without_parsed();
    let attempt = |names: &[&str]| -> Option<protox::Error> {
        let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
        compiler.include_source_info(true).include_imports(true);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for n in names {
                let result = compiler.open_file(n);
                if *n == name {
                    return result.err();
                }
            }
            None
        }))
        .ok()
        .flatten()
    };
    attempt(&[name]).or_else(|| attempt(opened))
}

/// Compiles one file with a pool of its own (its imports only).
fn compile_isolated(
    resolver: &Resolver,
    name: &str,
) -> Result<Vec<(FileDescriptorProto, Vec<u8>)>, ()> {
    let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
    compiler.include_source_info(true).include_imports(true);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compiler.open_file(name).map(|_| ())
    }))
    .unwrap_or_else(|_| Err(protox::Error::new("the compiler panicked")))
    .map_err(drop)?;
    let pool = compiler.descriptor_pool();
    Ok(pool
        .files()
        .map(|f| (f.file_descriptor_proto().clone(), f.encode_to_vec()))
        .collect())
}

/// The files of an import cycle, `a -> b -> a`, if `err` is one.
fn import_cycle(err: &protox::Error) -> Option<Vec<String>> {
    let message = err.to_string();
    let cycle = message.strip_prefix("import cycle detected: ")?;
    Some(cycle.split(" -> ").map(str::to_string).collect())
}

/// buf parity: one extension number of one message, extended by two files, is a compile error
/// in every file after the first in path order, at the number. The compiler checks numbers only
/// within a file.
fn extension_numbers_used_twice(
    files: &[Proto],
    sources: &HashMap<String, Arc<Source>>,
) -> Vec<Finding> {
    /// A declaration that takes a number already taken.
    struct Again<'a> {
        file: &'a str,
        path: Vec<i32>,
        number: i32,
        extendee: &'a str,
        /// The first declaration's full name and file.
        other: String,
        owner: String,
    }
    // (extendee, number) -> (file, full name) of the first declaration.
    let mut first: HashMap<(&str, i32), (&str, String)> = HashMap::new();
    let mut later: Vec<Again> = Vec::new();
    let mut ordered: Vec<&Proto> = files
        .iter()
        .filter(|f| sources.contains_key(f.name()))
        .collect();
    ordered.sort_by(|a, b| a.name().cmp(b.name()));
    for file in ordered {
        let mut found: Vec<(Vec<i32>, &prost_types::FieldDescriptorProto, String)> = Vec::new();
        for (i, x) in file.extension.iter().enumerate() {
            found.push((vec![7, i as i32], x, qualify(file.package(), x.name())));
        }
        for (path, m, name) in messages(file) {
            for (i, x) in m.extension.iter().enumerate() {
                let mut p = path.clone();
                p.extend([6, i as i32]);
                found.push((p, x, qualify(&name, x.name())));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, x, full_name) in found {
            let key = (x.extendee(), x.number());
            match first.get(&key) {
                None => {
                    first.insert(key, (file.name(), full_name));
                }
                Some((owner, _)) if *owner == file.name() => {}
                Some((owner, other)) => later.push(Again {
                    file: file.name(),
                    path,
                    number: x.number(),
                    extendee: x.extendee(),
                    other: other.clone(),
                    owner: owner.to_string(),
                }),
            }
        }
    }
    later
        .into_iter()
        .filter_map(|mut again| {
            let source = sources.get(again.file)?;
            let message = format!(
                "extension number {} of {} is already used by {} in {}: choose another number",
                again.number,
                again.extendee.trim_start_matches('.'),
                again.other,
                again.owner
            );
            again.path.push(3);
            Some(finding_at(source, message, |_| Some(again.path)))
        })
        .collect()
}

/// buf reports a cycle once, at the import that closes it: in the next-to-last file of the
/// cycle, the statement importing the last.
fn cycle_error(
    cycle: &[String],
    sources: &HashMap<String, Arc<Source>>,
    opened: &ProtoFile,
) -> Finding {
    let message = format!(
        "import cycle: {}; break it by moving the shared definitions into a file both can import",
        cycle.join(" -> ")
    );
    let (Some(last), Some(importer)) = (
        cycle.last(),
        cycle.len().checked_sub(2).and_then(|i| cycle.get(i)),
    ) else {
        return Finding::file_level(&opened.display, "COMPILE", message);
    };
    let Some(source) = sources.get(importer) else {
        return Finding::file_level(&opened.display, "COMPILE", message);
    };
    finding_at(source, message, |file| {
        let index = file.dependency.iter().position(|d| d == last)? as i32;
        Some(vec![3, index])
    })
}

/// A `COMPILE` finding in `source`, at the element whose descriptor path `path_in` picks from
/// the parsed file; on the whole file when there is no such element. For errors only: the
/// file is parsed again for its source info.
fn finding_at(
    source: &Source,
    message: String,
    path_in: impl FnOnce(&FileDescriptorProto) -> Option<Vec<i32>>,
) -> Finding {
    let span = protox_parse::parse(&source.file.name, &source.text)
        .ok()
        .and_then(|file| {
            let path = path_in(&file)?;
            Locations::new(&file).span(source, &path)
        });
    match span {
        Some(span) => source.finding(span.start, span.end, "COMPILE", message),
        None => source.file_finding("COMPILE", message),
    }
}

/// Turns a protox error into buf's `COMPILE` finding, at the first labelled span.
fn compile_error(
    err: &protox::Error,
    sources: &HashMap<String, Arc<Source>>,
    opened: &ProtoFile,
) -> Finding {
    let message = describe(err);
    let file = err.file().and_then(|name| sources.get(name));
    let span = err
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|l| (l.offset(), l.offset() + l.len()));
    match (file, span) {
        (Some(source), Some((start, end))) => source.finding(start, end, "COMPILE", message),
        (Some(source), None) => source.file_finding("COMPILE", message),
        (None, _) => Finding::file_level(&opened.display, "COMPILE", message),
    }
}

/// The error's message with its causes, as one line.
fn describe(err: &protox::Error) -> String {
    let mut message = err.to_string();
    if let Some(help) = err.help() {
        message.push_str(&format!(" ({help})"));
    }
    message
}

/// The byte offset of an `edition` declaration, if the file's first statement is one.
fn editions_offset(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Skip a UTF-8 byte order mark, whitespace and comments.
    if text.starts_with('\u{feff}') {
        i = 3;
    }
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            i += 2;
            while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                i += 1;
            }
            i = (i + 2).min(bytes.len());
        } else {
            break;
        }
    }
    let rest = &bytes[i..];
    let word_end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(rest.len());
    (&rest[..word_end] == b"edition").then_some(i)
}

#[cfg(test)]
mod tests {
    use super::editions_offset;

    #[test]
    fn finds_editions_after_comments() {
        assert_eq!(
            editions_offset("// x\n/* y */ edition = \"2023\";"),
            Some(13)
        );
        assert_eq!(editions_offset("syntax = \"proto3\";"), None);
        assert_eq!(editions_offset("editions_x = 1"), None);
        assert_eq!(editions_offset(""), None);
    }
}
