//! Linking: the parsed targets are compiled (names resolved, options interpreted) by protox in
//! groups, one compiler each, on every core; what a compiler refuses becomes a `COMPILE`
//! finding (see [`super::errors`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use prost_types::FileDescriptorProto;
use rayon::prelude::*;

use super::accept;
use super::duplicates;
use super::errors::{self, Failure};
use super::every_error;
use super::every_error::error_source::ErrorSource;
use super::every_error::later_steps;
pub(super) use super::resolver::Resolver;
use super::{CompileOptions, Proto, Source};
use crate::finding::Finding;
use crate::input::ProtoFile;

thread_local! {
    /// Set while the compiler runs under [`catching_silently`], so that its panics are not printed.
    static IN_COMPILER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs the compiler, catching a panic (prost-reflect panics on a few inputs it should refuse)
/// without printing it: the caller reports the file instead. Other panics still reach the
/// hook that was there before.
pub(super) fn catching_silently<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_COMPILER.with(|flag| flag.get()) {
                previous(info);
            }
        }));
    });
    IN_COMPILER.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_COMPILER.with(|flag| flag.set(false));
    result
}

/// Compiles `targets` in at most `max_groups` groups (see [`partition`]), each with a compiler
/// of its own and `resolver` handing out the parsed files the group asks for.
pub(super) fn link_all(
    targets: &[&ProtoFile],
    resolver: &Resolver,
    parsed: HashMap<String, super::EncodedFile>,
    options: &CompileOptions,
    max_groups: usize,
    before: Option<&super::Schema>,
) -> Vec<Linked> {
    // Every pool is kept, or (for more targets than the policy allows) each let go when its
    // group is done.
    let keep_pools = options
        .pools
        .as_ref()
        .is_some_and(|policy| targets.len() <= policy.keep_up_to);
    let groups = partition(targets, &resolver.sources, max_groups, keep_pools);
    let group_parsed = share_out(&groups, parsed);
    let link_start = std::time::Instant::now();
    let linked = groups
        .par_iter()
        .zip(group_parsed)
        .map(|(group, parsed)| {
            let resolver = Resolver {
                parsed: Arc::new(Mutex::new(parsed)),
                ..resolver.clone()
            };
            let mut linked =
                crate::trace::stage("link group", || link(group, &resolver, options, keep_pools));
            if let Some(before) = before {
                super::reuse::share_unchanged(&mut linked.files, before);
            }
            linked
        })
        .collect();
    crate::trace::since("link (pool)", link_start);
    crate::trace::mark("linked");
    linked
}

/// Splits the targets, in order, into groups of about equal size in bytes, one per core, each
/// compiled with a compiler of its own. The pool build is serial within one compiler and was
/// the longest stage of a large lint; groups share little beyond common imports, which each
/// compiles again.
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
    mut parsed: HashMap<String, super::EncodedFile>,
) -> Vec<HashMap<String, super::EncodedFile>> {
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
pub(super) struct Linked {
    /// The group's targets and their imports, dependencies first.
    pub files: Vec<Proto>,
    /// Files compiled on their own, with their encoded form (which keeps custom options).
    pub isolated: Vec<(FileDescriptorProto, Vec<u8>)>,
    pub errors: Vec<Finding>,
    /// Import cycles, each reported once: its sorted members and its finding.
    pub cycles: Vec<(Vec<String>, Finding)>,
    pub pool: Option<prost_reflect::DescriptorPool>,
    /// For lint without a pool: the files each target's custom options come from.
    pub option_imports: HashMap<String, BTreeSet<String>>,
    /// For `sous build`: every file's options as the compiler encoded them, read from the pool
    /// before it is let go (see [`super::editions::raw_options::of_pool`]).
    pub raw_options: HashMap<String, super::editions::raw_options::RawOptions>,
    pub targets: Vec<String>,
    /// Files refused for declaring a name another file declares, by that name, with the
    /// compiler's finding: [`super::duplicates`] places them as buf does.
    pub defined_elsewhere: Vec<(String, Finding)>,
    /// Files that did not compile because an import of theirs does not, with that import.
    blocked: Vec<(ProtoFile, String)>,
    /// Files refused for a name another file declares (see `defined_elsewhere`).
    refused: Vec<ProtoFile>,
    /// Files that did not compile, as they compiled with their errors fixed (see
    /// [`later_steps::past_failed_steps`]).
    pub recovered: Vec<FileDescriptorProto>,
}

/// Compiles one group of targets with a compiler of its own.
fn link(
    group: &[&ProtoFile],
    resolver: &Resolver,
    options: &CompileOptions,
    keep_pools: bool,
) -> Linked {
    let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
    compiler.include_source_info(true).include_imports(true);
    let mut linked = Linked {
        files: Vec::new(),
        isolated: Vec::new(),
        recovered: Vec::new(),
        errors: Vec::new(),
        cycles: Vec::new(),
        pool: None,
        option_imports: HashMap::new(),
        raw_options: HashMap::new(),
        targets: group.iter().map(|f| f.name.clone()).collect(),
        defined_elsewhere: Vec::new(),
        blocked: Vec::new(),
        refused: Vec::new(),
    };
    let mut opened: Vec<&str> = Vec::new();
    let mut error_source = ErrorSource::new(resolver, group.len());
    for file in group {
        opened.push(&file.name);
        // prost-reflect is not expected to panic on proto2/proto3 input, but a panic must never
        // reach the user: treat one as a compile error of the file being opened.
        let mut open = || catching_silently(|| compiler.open_file(&file.name).map(|_| ()));
        let mut result = open();
        // A file refused for `nan` or `inf` option values is tried again with those options'
        // values as floats.
        while let Ok(Err(err)) = &result {
            let Some(name) = err.file() else { break };
            let options = errors::non_finite_options(err);
            if !options.iter().fold(false, |marked, option| {
                resolver.mark_non_finite(name, option) | marked
            }) {
                break;
            }
            result = open();
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(err)) => linked.failed(
                err,
                file,
                resolver,
                (&mut error_source, &opened),
                options.deps.as_deref(),
            ),
            Err(_) => linked.errors.push(errors::compiler_panicked(file)),
        }
    }
    let pool = compiler.descriptor_pool();
    drop(compiler);
    let blocked = std::mem::take(&mut linked.blocked);
    if blocked.len() <= every_error::MAX_BLOCKED {
        for (file, import) in &blocked {
            linked.errors.extend(every_error::past_broken_imports(
                resolver,
                file,
                import,
                options.deps.as_deref(),
            ));
        }
    }
    let refused = std::mem::take(&mut linked.refused);
    if refused.len() <= every_error::MAX_BLOCKED {
        for file in &refused {
            let deps = options.deps.as_deref();
            let own = every_error::past_a_name_declared_elsewhere(resolver, file, deps);
            linked.errors.extend(own);
        }
    }
    linked.take_files(pool, group, options, keep_pools, resolver);
    linked
}

impl Linked {
    /// Records why `file`, opened after the files `opened`, did not compile; a missing import
    /// names the workspace's `deps` when they are given.
    fn failed(
        &mut self,
        err: protox::Error,
        file: &ProtoFile,
        resolver: &Resolver,
        (error_source, opened): (&mut ErrorSource, &[&str]),
        deps: Option<&[String]>,
    ) {
        // buf parity: names resolve against the file's imports only. One pool of every file can
        // resolve a partly qualified name into a package that the file does not import, and
        // fail where buf succeeds; such a file compiles on its own.
        if let Some(name) = duplicates::in_another_file(&err.to_string()) {
            // Not compiled again for its place (that costs a compile of every file opened
            // before it, for each such file): the finding is kept only when the scan does not
            // explain it, which is rare.
            let finding =
                errors::compile_error(&err, &resolver.sources, &resolver.empty(), file, deps);
            self.defined_elsewhere.push((name, finding));
            self.refused.push(file.clone());
            return;
        }
        let failure = errors::failure(&err);
        if failure == Failure::ResolvesElsewhere {
            if let Ok(set) = compile_isolated(resolver, &file.name) {
                self.isolated.extend(set);
                return;
            }
        }
        match failure {
            Failure::Cycle(cycle) => {
                let mut members = cycle.clone();
                members.sort();
                members.dedup();
                if !self.cycles.iter().any(|(m, _)| *m == members) {
                    let finding = errors::cycle_error(&cycle, &resolver.sources, file);
                    self.cycles.push((members, finding));
                }
            }
            failure => {
                let err = error_source.error(opened).unwrap_or(err);
                let finding =
                    errors::compile_error(&err, &resolver.sources, &resolver.empty(), file, deps);
                self.errors.push(finding);
                // buf parity: every error of the file, not only the first.
                let first = self.errors.len() - 1;
                self.errors
                    .extend(every_error::related(&err, &resolver.sources));
                let later = error_source.later_steps();
                if let Some(counting) = later
                    .filter(|_| err.file() == Some(file.name.as_str()) && failure == Failure::Other)
                {
                    let (more, replace, recovered) = later_steps::past_failed_steps(
                        counting,
                        file,
                        &err,
                        &self.errors[first..],
                        deps,
                    );
                    if replace == later_steps::Replace::Yes {
                        self.errors.truncate(first);
                    }
                    self.errors.extend(more);
                    self.recovered.extend(recovered);
                }
                match (failure, err.file()) {
                    (Failure::MissingImport(name), Some(at)) if at == file.name => {
                        self.errors.extend(every_error::past_missing_imports(
                            resolver, file, name, deps,
                        ));
                    }
                    // An import of the file does not compile: the file's own errors too, once
                    // the group is done (see `every_error::MAX_BLOCKED`).
                    (_, Some(at)) if at != file.name && resolver.sources.contains_key(at) => {
                        self.blocked.push(((*file).clone(), at.to_string()));
                    }
                    _ => {}
                }
            }
        }
    }

    /// Takes the group's descriptors out of its compiler's pool, dependencies first, with the
    /// files compiled on their own; the pool is kept (all of them are when `keep_pools`), or
    /// let go.
    fn take_files(
        &mut self,
        mut pool: prost_reflect::DescriptorPool,
        group: &[&ProtoFile],
        options: &CompileOptions,
        keep_pools: bool,
        resolver: &Resolver,
    ) {
        let broken = &resolver.broken;
        let restored = |f: &FileDescriptorProto| restored(f, resolver);
        // In the order a descriptor set lists them: dependencies first. The stand-ins of broken
        // files are the compiler's business only.
        let handles: Vec<prost_reflect::FileDescriptor> = pool
            .files()
            .filter(|f| !broken.contains(f.name()))
            .collect();
        let mut seen: HashSet<String> = handles.iter().map(|f| f.name().to_string()).collect();
        // The files compiled on their own are added to the pool after these.
        let compiled = pool.files().len();
        for (f, encoded) in &self.isolated {
            if seen.insert(f.name().to_string()) {
                // The encoded form keeps custom options, which the prost-types struct drops;
                // rules such as IMPORT_USED read them from the pool. Dependencies come first.
                let _ = pool.decode_file_descriptor_proto(encoded.as_slice());
            }
        }
        // With a policy (lint), a pool is kept or read for option imports before it is let go;
        // without one, nothing reads custom options.
        let policy = options.pools.as_ref();
        let keep = policy.is_some_and(|policy| keep_pools || policy.holds_kept_package(&pool));
        if keep {
            self.files = handles
                .into_iter()
                .map(|file| {
                    // A placeholder JSON name, or an import the file did not write, must not be
                    // seen: such a file is copied out.
                    if accept::has_placeholder_json_names(file.file_descriptor_proto())
                        || resolver.widened.contains(file.name())
                    {
                        Proto::Owned(Arc::new(restored(file.file_descriptor_proto())))
                    } else {
                        Proto::Pooled {
                            file,
                            info: Default::default(),
                        }
                    }
                })
                .collect();
            self.pool = Some(pool);
        } else {
            if policy.is_some() {
                // Lint without the pool: what IMPORT_USED reads from it, read now.
                for file in group {
                    if let Some(fd) = pool.get_file_by_name(&file.name) {
                        self.option_imports.insert(
                            file.name.clone(),
                            super::options::option_imports(&pool, fd.file_descriptor_proto()),
                        );
                    }
                }
            }
            if options.image {
                // `sous build` writes the options as the compiler encoded them, and which
                // imports each file, imports too, leaves unused: read now.
                self.raw_options = super::editions::raw_options::of_pool(&pool, broken);
                for fd in pool.files().filter(|f| !broken.contains(f.name())) {
                    let files = super::options::option_imports(&pool, fd.file_descriptor_proto());
                    self.option_imports.insert(fd.name().to_string(), files);
                }
            }
            // The descriptors are moved out of the pool, which is let go, not copied.
            drop(handles);
            self.files = pool
                .into_file_descriptor_protos()
                .into_iter()
                .take(compiled)
                .filter(|f| !broken.contains(f.name()))
                .map(|f| Proto::Owned(Arc::new(restore(f, resolver))))
                .collect();
        }
    }
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
        .filter(|f| !resolver.broken.contains(f.name()))
        .map(|f| {
            (
                restored(f.file_descriptor_proto(), resolver),
                f.encode_to_vec(),
            )
        })
        .collect())
}

/// A copy of a compiled file as buf would have it: default JSON names put back where the
/// compiler was given placeholders, and the imports it wrote, where it was given more (see
/// [`super::public`]).
fn restored(file: &FileDescriptorProto, resolver: &Resolver) -> FileDescriptorProto {
    restore(file.clone(), resolver)
}

/// [`restored`], in place.
fn restore(mut file: FileDescriptorProto, resolver: &Resolver) -> FileDescriptorProto {
    accept::restore_json_names(&mut file);
    resolver.widened.restore(&mut file);
    file
}
