//! `sous breaking`: the new schema compared with the one it replaces, module by module.
//!
//! Each side becomes an [`Image`]: a module's files (and the files they import), indexed by the
//! keys buf pairs elements by. The engine pairs elements that exist on both sides and calls each
//! enabled rule's hook for every pair; rules that look for deletions walk the two images
//! themselves. Rules report at places of the new image and never compute positions.

pub mod comments;
pub mod delta;
pub mod image;
mod pairs;
pub mod rules;
mod sorted;

use std::collections::{BTreeSet, HashSet};

use crate::catalog::Kind;
use crate::config::{BreakingConfig, Workspace};
use crate::descriptor::package_version::{package_version, Stability};
use crate::descriptor::{path_with, tag};
use crate::finding::{Finding, Place};
use crate::ignore;
use crate::paths::join_rel;
use crate::rule::Meta;
use crate::schema::Schema;
pub use image::*;
use pairs::{compare, Pairs};

/// A breaking rule: hooks that default to doing nothing. The engine calls the element hooks once
/// per pair of elements present on both sides (the old one first), and `check_images` once per
/// module, for rules that look for what disappeared.
pub trait Rule: Meta + Sync {
    /// Files paired by import path.
    fn check_file(&self, _cx: &mut Context, _old: &File, _new: &File) {}
    /// Messages paired by full name, map entries included.
    fn check_message(&self, _cx: &mut Context, _old: &Message, _new: &Message) {}
    /// Message fields paired by message full name and number.
    fn check_field(&self, _cx: &mut Context, _old: &Field, _new: &Field) {}
    /// Oneofs paired by message full name and oneof name.
    fn check_oneof(&self, _cx: &mut Context, _old: &Oneof, _new: &Oneof) {}
    /// Extensions paired by extendee and number.
    fn check_extension(&self, _cx: &mut Context, _old: &Field, _new: &Field) {}
    /// Enums paired by full name.
    fn check_enum(&self, _cx: &mut Context, _old: &Enum, _new: &Enum) {}
    /// Enum values paired by enum full name and number: every value with that number on each
    /// side (more than one when `allow_alias` is set).
    fn check_enum_value(&self, _cx: &mut Context, _old: &[EnumValue], _new: &[EnumValue]) {}
    /// Services paired by full name.
    fn check_service(&self, _cx: &mut Context, _old: &Service, _new: &Service) {}
    /// Methods paired by service full name and method name.
    fn check_method(&self, _cx: &mut Context, _old: &Method, _new: &Method) {}
    /// Both images whole, for rules about deletions and packages.
    fn check_images(&self, _cx: &mut Context, _old: &Image, _new: &Image) {}
}

/// What a rule reports through.
pub struct Context<'a> {
    rule: &'static str,
    config: &'a BreakingConfig,
    old: &'a Image<'a>,
    new: &'a Image<'a>,
    /// Each finding with the workspace paths `ignore` entries match (any one hides it).
    findings: Vec<(Finding, Vec<String>)>,
    /// While an element hook runs: the old element's file. buf lets `ignore` entries that match
    /// it hide the finding too (an element that moved from an ignored file).
    paired_old_file: Option<usize>,
    /// While an element hook runs: the old element's descriptor path in `paired_old_file`, so
    /// that findings can show where the element was (`Finding::old`).
    paired_old_path: Option<&'a [i32]>,
    /// The new module's directory: where an old file's import path is placed for `ignore`.
    module_dir: &'a str,
}

impl<'a> Context<'a> {
    pub fn config(&self) -> &BreakingConfig {
        self.config
    }

    pub fn old(&self) -> &'a Image<'a> {
        self.old
    }

    pub fn new_image(&self) -> &'a Image<'a> {
        self.new
    }

    /// Reports at element `at` of the new image, or at a part of it (`suffix` appended to its
    /// descriptor path, e.g. `[tag::FIELD_TYPE]`). A part the source does not spell out falls
    /// back to the element itself.
    pub fn report(&mut self, at: &impl Located, suffix: &[i32], message: impl Into<String>) {
        let path = path_with(at.path(), suffix);
        let file = self.new.file(at.file());
        let path = if suffix.is_empty() || file.locations().get(&path).is_some() {
            path
        } else {
            at.path().to_vec()
        };
        self.report_at(at.file(), &path, message);
        // The same part of the old element, when the old file spells it out (the old type
        // beside the new one).
        let old_element = self.paired_old_path.filter(|p| !p.is_empty());
        if let (false, Some(old_path)) = (suffix.is_empty(), old_element) {
            if let Some(place) = self.old_place(&path_with(old_path, suffix)) {
                if let Some((finding, _)) = self.findings.last_mut() {
                    finding.old = Some(place);
                }
            }
        }
    }

    /// Like [`Context::report`] at the whole element `at`, a message or an enum that lost
    /// numbers or names: `lost` says which, for the fix that reserves them.
    pub fn report_lost(
        &mut self,
        at: &impl Located,
        message: impl Into<String>,
        lost: Option<crate::finding::Lost>,
    ) {
        self.report(at, &[], message);
        self.attach_lost(lost);
    }

    /// Gives the last finding reported what its element lost (see [`Context::report_lost`]);
    /// `None` where nothing can be written back (a map entry, which the source does not spell).
    pub fn attach_lost(&mut self, lost: Option<crate::finding::Lost>) {
        if let Some((finding, _)) = self.findings.last_mut() {
            finding.lost = lost;
        }
    }

    /// Reports at descriptor `path` of new file `file`; an empty path means the whole file
    /// (printed at 1:1, as buf does).
    pub fn report_at(&mut self, file: usize, path: &[i32], message: impl Into<String>) {
        let f = self.new.file(file);
        let message = message.into();
        let mut finding = match (f.source, f.span(path)) {
            (Some(source), Some(span)) => source.finding(span.start, span.end, self.rule, message),
            (Some(source), None) => source.file_finding(self.rule, message),
            (None, _) => Finding::file_level(f.name, self.rule, message),
        };
        finding.old = match self.paired_old_path {
            // A file pair: the file's package, syntax and options have the same path on both
            // sides (unlike its elements, whose paths hold indexes).
            Some([])
                if matches!(
                    path.first(),
                    Some(&(tag::FILE_PACKAGE | tag::FILE_OPTIONS | tag::FILE_SYNTAX))
                ) =>
            {
                self.old_place(path)
            }
            other => other.and_then(|p| self.old_place(p)),
        };
        finding.suppression = self.suppression(file, path);
        self.push(finding, f.ignore_path());
    }

    /// Reports at byte range `span` of new file `file`: for a place the source index does not
    /// record as one location (a whole `default = ...` option, whose recorded span is the value).
    /// `path` is the element it is about, whose comments may accept it.
    pub fn report_span(
        &mut self,
        file: usize,
        path: &[i32],
        span: crate::schema::Span,
        message: impl Into<String>,
    ) {
        let f = self.new.file(file);
        let message = message.into();
        let mut finding = match f.source {
            Some(source) => source.finding(span.start, span.end, self.rule, message),
            None => Finding::file_level(f.name, self.rule, message),
        };
        finding.old = self.paired_old_path.and_then(|p| self.old_place(p));
        finding.suppression = self.suppression(file, path);
        self.push(finding, f.ignore_path());
    }

    /// A `sous:breaking:ignore` comment accepting this rule at `path` of new file `file`, if
    /// the configuration reads them ([`comments`]).
    fn suppression(&self, file: usize, path: &[i32]) -> Option<crate::finding::Suppression> {
        if !self.config.allow_comment_ignores {
            return None;
        }
        let f = self.new.file(file);
        comments::suppression(f.proto, f.locations(), f.source?, path, self.rule)
    }

    /// Records a finding placed in the new image: `ignore` entries matching `ignore_path` hide
    /// it, and so do those matching the paired old element's file, if any.
    fn push(&mut self, finding: Finding, ignore_path: String) {
        self.findings.push((finding, vec![ignore_path]));
        if let Some(old_file) = self.paired_old_file {
            self.also_ignored_by(old_file);
        }
    }

    /// Reports something that has no place in the new image (a deleted file or package): no
    /// path, as buf prints it. `ignore_path` is the workspace path `ignore` entries match.
    pub fn report_nowhere(&mut self, ignore_path: Option<String>, message: impl Into<String>) {
        let finding = Finding {
            path: None,
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            rule: self.rule.to_string(),
            message: message.into(),
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        };
        self.findings
            .push((finding, ignore_path.into_iter().collect()));
    }

    /// Like [`Context::report`], for a finding about an element of old file `old_file`
    /// (an index into the old image) that now lives elsewhere: `ignore` entries that match the
    /// old file hide it too, as buf matches both.
    pub fn report_with_old(
        &mut self,
        old_file: usize,
        at: &impl Located,
        suffix: &[i32],
        message: impl Into<String>,
    ) {
        self.report(at, suffix, message);
        self.also_ignored_by(old_file);
    }

    /// Like [`Context::report_at`], also hidden by `ignore` entries matching old file
    /// `old_file`.
    pub fn report_at_with_old(
        &mut self,
        old_file: usize,
        file: usize,
        path: &[i32],
        message: impl Into<String>,
    ) {
        self.report_at(file, path, message);
        self.also_ignored_by(old_file);
    }

    /// Where descriptor `path` of the paired old element's file is, when that file has a source
    /// that records it.
    fn old_place(&self, path: &[i32]) -> Option<Place> {
        let f = self.old.file(self.paired_old_file?);
        let source = f.source?;
        let span = f.span(path)?;
        let (start_line, start_column) = source.position(span.start);
        let (end_line, end_column) = source.position(span.end.max(span.start));
        Some(Place {
            path: source.file.display.clone(),
            start_line,
            start_column,
            end_line,
            end_column,
        })
    }

    /// The workspace path `ignore` entries match for a file of the old image.
    ///
    /// buf parity: buf matches `ignore` against module-relative paths, so an old file counts as
    /// being at its import path inside the new module, whatever the old side's layout (another
    /// module directory, v1beta1 roots, a descriptor set).
    pub fn old_ignore_path(&self, file: &File) -> String {
        crate::paths::join_rel(self.module_dir, file.name)
    }

    fn also_ignored_by(&mut self, old_file: usize) {
        let path = self.old_ignore_path(self.old.file(old_file));
        if let Some((_, paths)) = self.findings.last_mut() {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
}

/// One side of a comparison: its workspace (`None` for a descriptor set) and compiled files.
pub struct Side<'a> {
    pub workspace: Option<&'a Workspace>,
    pub schema: &'a Schema,
    /// The modules compared, in path order: those the side targets (`None` for a descriptor
    /// set, one image of all its files).
    pub modules: Option<Vec<usize>>,
}

/// How the sides are narrowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub exclude_imports: bool,
}

/// Compares `new` with `old`, module by module. The modules each side targets pair by position
/// in path order, as buf pairs its images (the input `b` of a workspace `[a, b]` pairs with the
/// one module of an against directory); the rules and ignores of the new side's module apply.
pub fn run(new: &Side, old: &Side, options: Options) -> Vec<Finding> {
    let rules = rules::all();
    let new_ws = new
        .workspace
        .expect("the input side of a comparison is a workspace");
    let new_modules = new.modules.clone().unwrap_or_default();
    let mut findings = Vec::new();
    for (position, &index) in new_modules.iter().enumerate() {
        let old_index = match &old.modules {
            Some(modules) => match modules.get(position) {
                Some(&old_index) => Some(old_index),
                None => break,
            },
            // buf parity: a descriptor set is one image, paired with the first module alone.
            None if position == 0 => None,
            None => break,
        };
        let module = &new_ws.modules[index];
        // The module's own rules, then each policy's, with its ignores under the module's
        // directory (buf matches a policy's ignores against module-relative paths).
        let under = |paths: &[String]| -> Vec<String> {
            paths.iter().map(|p| join_rel(&module.dir, p)).collect()
        };
        let own = (
            &module.breaking,
            module.breaking.ignore.clone(),
            module.breaking.ignore_only.clone(),
            None,
        );
        let policies = new_ws.policies.iter().map(|policy| {
            let ignore_only: Vec<(String, Vec<String>)> = (policy.breaking.ignore_only.iter())
                .map(|(id, paths)| (id.clone(), under(paths)))
                .collect();
            (
                &policy.breaking,
                under(&policy.breaking.ignore),
                ignore_only,
                Some(&policy.name),
            )
        });
        for (config, ignore, ignore_only, policy) in std::iter::once(own).chain(policies) {
            let ignores =
                ignore::PathIgnores::new(Kind::Breaking, config.version, &ignore, &ignore_only);
            let found = compare_module(
                &rules, new, old, index, old_index, module, config, &ignores, options,
            );
            findings.extend(found.into_iter().map(|mut f| {
                f.policy = policy.cloned();
                f
            }));
        }
    }
    findings
}

/// Compares module `index` of the two sides under one breaking configuration (the module's own,
/// or a policy's) and its ignores.
#[allow(clippy::too_many_arguments)]
fn compare_module(
    rules: &[&'static dyn Rule],
    new: &Side,
    old: &Side,
    index: usize,
    old_index: Option<usize>,
    module: &crate::config::Module,
    config: &BreakingConfig,
    ignores: &ignore::PathIgnores,
    options: Options,
) -> Vec<Finding> {
    let keep = |f: &File| {
        !(config.ignore_unstable_packages
            && package_version(f.package()) == Some(Stability::Unstable))
    };
    let new_files = module_files(new, Some(index));
    if !new_files.iter().any(|f| !f.is_import) {
        return Vec::new();
    }
    let old_files = module_files(old, old_index);
    let (new_image, old_image) = images(
        (new, new_files.into_iter().filter(keep).collect()),
        (old, old_files.into_iter().filter(keep).collect()),
        options,
    );
    let enabled = &config.enabled;
    let pairs = Pairs::new(&old_image, &new_image);
    let active: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| enabled.contains(r.id()))
        .collect();
    // Rules are independent of each other: run them on every core.
    let found: Vec<Vec<Finding>> = {
        use rayon::prelude::*;
        active
            .par_iter()
            .map(|&rule| {
                let mut cx = Context {
                    rule: rule.id(),
                    config,
                    old: &old_image,
                    new: &new_image,
                    findings: Vec::new(),
                    paired_old_file: None,
                    paired_old_path: None,
                    module_dir: &module.dir,
                };
                compare(rule, &mut cx, &pairs, &old_image, &new_image);
                cx.findings
                    .into_iter()
                    .filter(|(_, paths)| !paths.iter().any(|p| ignores.ignores(rule.id(), p)))
                    .map(|(finding, _)| finding)
                    .collect()
            })
            .collect()
    };
    found.into_iter().flatten().collect()
}

/// The images of the two sides of one module: only the files that differ between them (see
/// [`delta`]).
/// With `--exclude-imports` the imports are in neither image's compared files, but their types
/// stay resolvable (as in buf, a field's enum in an excluded file still gives its default).
fn images<'a>(
    (new_side, new): (&Side<'a>, Vec<File<'a>>),
    (old_side, old): (&Side<'a>, Vec<File<'a>>),
    options: Options,
) -> (Image<'a>, Image<'a>) {
    let (new_schema, old_schema) = (new_side.schema, old_side.schema);
    let imports_of = |files: &[File<'a>]| -> HashSet<&'a str> {
        let imports = files.iter().filter(|f| f.is_import);
        imports.map(|f| f.name).collect()
    };
    let (new_imports, old_imports) = (imports_of(&new), imports_of(&old));
    let split = delta::split(
        new,
        old,
        &|name| new_schema.file(name).map(|f| &**f),
        &|name| old_schema.file(name).map(|f| &**f),
    );
    crate::trace::mark(&format!(
        "breaking: comparing {} new and {} old files, {} the same on both sides left out",
        split.new.compared.len(),
        split.old.compared.len(),
        split.skipped
    ));
    let (mut n, mut o) = (split.new, split.old);
    if options.exclude_imports {
        n.imports_for_lookup_only(&new_imports);
        o.imports_for_lookup_only(&old_imports);
    }
    // The two images are independent: index them at the same time.
    rayon::join(
        || Image::of_delta(n.compared, n.lookup, n.skipped),
        || Image::of_delta(o.compared, o.lookup, o.skipped),
    )
}

/// The files of one module of a side (every file of a descriptor set when `module` is `None`),
/// with the files they import (marked `is_import`).
fn module_files<'a>(side: &Side<'a>, module: Option<usize>) -> Vec<File<'a>> {
    let schema = side.schema;
    let is_target = |name: &str| match schema.sources.get(name) {
        Some(source) => source.file.is_target && (module.is_none() || source.file.module == module),
        None => module.is_none(),
    };
    let mut chosen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = schema
        .files
        .iter()
        .map(|f| f.name())
        .filter(|n| is_target(n))
        .collect();
    let targets: BTreeSet<&str> = stack.iter().copied().collect();
    // The imports are taken with `--exclude-imports` too: they are not compared then, but their
    // types are looked up (see [`images`]).
    while let Some(name) = stack.pop() {
        if chosen.insert(name) {
            if let Some(f) = schema.file(name) {
                stack.extend(f.dependency.iter().map(String::as_str));
            }
        }
    }
    chosen
        .into_iter()
        .filter_map(|name| {
            let proto = schema.file(name)?;
            Some(File {
                proto,
                compiled: proto,
                name: proto.name(),
                source: schema.sources.get(name).map(|s| s.as_ref()),
                locations: std::sync::OnceLock::new(),
                is_import: !targets.contains(name),
                editions: schema.editions.get(name).map(|e| e.as_ref()),
            })
        })
        .collect()
}
