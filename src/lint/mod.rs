//! `sous lint`: one walk over each target file calls the hooks of every enabled rule.
//!
//! Rules never walk the tree, compute columns, read configuration files or print: they receive
//! one element at a time with its descriptor path and report through a [`Context`]. Comment
//! ignores and `ignore`/`ignore_only` paths are applied here, once, for every rule.

pub mod case;
pub mod element;
mod hooks;
mod node;
pub mod pools;
pub mod rules;
pub mod since;

use std::collections::HashMap;

use crate::catalog::Kind;
use crate::config::{LintConfig, Workspace};
use crate::descriptor::walk::walk;
use crate::finding::Finding;
use crate::ignore;
use crate::paths::join_rel;
use crate::rule::Meta;
use crate::schema::{Locations, Schema, Source, Span};
use hooks::Hooks;
pub use node::*;

/// A lint rule: hooks that default to doing nothing. The walk calls each hook once per element.
pub trait Rule: Meta + Sync {
    fn check_file(&self, _cx: &mut Context, _file: &FileNode) {}
    fn check_message(&self, _cx: &mut Context, _message: &MessageNode) {}
    /// Fields of messages, and extensions (declared in a message or at file level).
    fn check_field(&self, _cx: &mut Context, _field: &FieldNode) {}
    fn check_oneof(&self, _cx: &mut Context, _oneof: &OneofNode) {}
    fn check_enum(&self, _cx: &mut Context, _enum: &EnumNode) {}
    fn check_enum_value(&self, _cx: &mut Context, _value: &EnumValueNode) {}
    fn check_service(&self, _cx: &mut Context, _service: &ServiceNode) {}
    fn check_method(&self, _cx: &mut Context, _method: &MethodNode) {}
    /// Rules that compare files with each other (same package, same directory) see every target
    /// file of one module at once.
    fn check_module(&self, _cx: &mut Context, _files: &[FileNode]) {}
}

/// What a rule reports through: one per file walked (and one per rule for `check_module`). It
/// knows the file, the module's lint configuration, and the rule whose hook runs, which the
/// engine sets before each call so that every finding carries its rule.
pub struct Context<'a> {
    /// The rule whose hook runs: findings are reported under it and its comment ignores apply.
    rule: &'static str,
    config: &'a LintConfig,
    schema: &'a Schema,
    file: Option<&'a FileNode<'a>>,
    findings: Vec<(Finding, Option<String>)>,
    /// For a module rule: its reports in target files of the module, by file name, placed when
    /// the per-file walk has the file's locations at hand (see [`Deferred`]).
    deferred: Vec<Deferred>,
    /// For a module rule: the module's target files, by name, with their index.
    targets: Option<&'a HashMap<&'a str, usize>>,
    /// For a module rule reporting in a file that is not a target of the module: the locations
    /// of the file it last reported in, by import path.
    last_file: Option<(String, Locations<'static>)>,
}

/// A module rule's report, placed later: decoding a file's locations is most of what a
/// report costs, and the per-file walk decodes them anyway (a module rule reporting in every
/// file of a large module decoded every file's once more).
struct Deferred {
    /// The file's index among the module's target files.
    file: usize,
    rule: &'static str,
    path: Vec<i32>,
    message: String,
}

impl<'a> Context<'a> {
    /// A context with nothing reported yet: for the per-file walk of `file` (no rule set yet,
    /// no targets), or for a module rule (`file` none, the module's `targets`).
    fn new(
        rule: &'static str,
        config: &'a LintConfig,
        schema: &'a Schema,
        file: Option<&'a FileNode<'a>>,
        targets: Option<&'a HashMap<&'a str, usize>>,
    ) -> Self {
        Context {
            rule,
            config,
            schema,
            file,
            findings: Vec::new(),
            deferred: Vec::new(),
            targets,
            last_file: None,
        }
    }

    pub fn config(&self) -> &LintConfig {
        self.config
    }

    pub fn schema(&self) -> &Schema {
        self.schema
    }

    /// The file being walked (`None` in `check_module`).
    pub fn file(&self) -> Option<&'a FileNode<'a>> {
        self.file
    }

    /// Reports a finding at a byte range of the file being walked, for positions that have no
    /// descriptor path of their own (inside an option's message literal, which protox does not
    /// record); `path` is the element whose comments decide comment ignores.
    pub fn report_span(&mut self, path: &[i32], span: Span, message: impl Into<String>) {
        let file = self.file.expect("report_span() is for per-file hooks");
        self.push(file, file.locations(), path, Some(span), message.into());
    }

    /// Reports a finding at descriptor `path` of the file being walked.
    pub fn report(&mut self, path: &[i32], message: impl Into<String>) {
        let file = self
            .file
            .expect("report() is for per-file hooks; check_module uses report_in()");
        self.report_in(file, path, message);
    }

    /// Reports a finding at descriptor `path` of `file`; an empty path means the whole file.
    pub fn report_in(&mut self, file: &FileNode, path: &[i32], message: impl Into<String>) {
        if self.file.is_some() {
            let span = file.span_in(file.locations(), path);
            self.push(file, file.locations(), path, span, message.into());
        } else if let Some(&index) = self.targets.and_then(|t| t.get(file.name())) {
            self.deferred.push(Deferred {
                file: index,
                rule: self.rule,
                path: path.to_vec(),
                message: message.into(),
            });
        } else {
            // A module rule may report in every file of a large module: each file's locations
            // are built for its findings and let go, not kept in the module's nodes.
            let (name, locations) = match self.last_file.take() {
                Some((name, locations)) if name == file.name() => (name, locations),
                _ => (file.name().to_string(), file.owned_locations()),
            };
            let span = file.span_in(&locations, path);
            self.push(file, &locations, path, span, message.into());
            self.last_file = Some((name, locations));
        }
    }

    /// Records a finding at `span` (the whole file when `None`), unless a comment ignore on the
    /// element at `path` or one enclosing it silences the rule.
    fn push(
        &mut self,
        file: &FileNode,
        locations: &Locations,
        path: &[i32],
        span: Option<Span>,
        message: String,
    ) {
        if self.config.allow_comment_ignores && ignore::comment_ignores(locations, path, self.rule)
        {
            return;
        }
        let mut finding = match span {
            Some(span) => file
                .source
                .finding(span.start, span.end, self.rule, message),
            None => file.source.file_finding(self.rule, message),
        };
        finding.element = Some(element::element_at(file.proto, file.name(), path));
        self.findings
            .push((finding, Some(file.source.file.workspace_path.clone())));
    }
}

/// The rules that compare files with each other (`check_module`): their answer for one file
/// depends on files it does not import, so the cache recomputes them for every file when one
/// changes (a unit test checks the list against the rules' sources).
pub const MODULE_RULES: &[&str] = &[
    "DIRECTORY_SAME_PACKAGE",
    "PACKAGE_NO_IMPORT_CYCLE",
    "PACKAGE_SAME_CSHARP_NAMESPACE",
    "PACKAGE_SAME_DIRECTORY",
    "PACKAGE_SAME_GO_PACKAGE",
    "PACKAGE_SAME_JAVA_MULTIPLE_FILES",
    "PACKAGE_SAME_JAVA_PACKAGE",
    "PACKAGE_SAME_PHP_NAMESPACE",
    "PACKAGE_SAME_RUBY_PACKAGE",
    "PACKAGE_SAME_SWIFT_PREFIX",
    "RPC_REQUEST_RESPONSE_UNIQUE",
    "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
];

/// Which rules a run applies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    /// The rules that look at one file (and what it imports).
    Files,
    /// The [`MODULE_RULES`] alone.
    Module,
}

/// Lints every target file of `schema`, module by module, with each module's configuration.
pub fn run(ws: &Workspace, schema: &Schema) -> Vec<Finding> {
    run_part(ws, schema, Part::All)
}

/// [`run`] with the rules of `part` alone.
pub fn run_part(ws: &Workspace, schema: &Schema, part: Part) -> Vec<Finding> {
    let rules = rules::all();
    let mut findings = Vec::new();
    for (index, module) in ws.modules.iter().enumerate() {
        let mut targets: Vec<(&crate::schema::Proto, &Source)> = Vec::new();
        for source in schema.sources.values() {
            if source.file.is_target && source.file.module == Some(index) {
                if let Some(proto) = schema.file(&source.file.name) {
                    targets.push((proto, source));
                }
            }
        }
        targets.sort_by(|a, b| a.1.file.name.cmp(&b.1.file.name));
        let nodes: Vec<FileNode> = targets
            .iter()
            .map(|(proto, source)| FileNode::new(proto, source, schema))
            .collect();
        // The module's own rules, then each policy's, with its ignores under the module's
        // directory (buf matches a policy's ignores against module-relative paths).
        let policies = ws.policies.iter().map(|policy| {
            let under = |paths: &[String]| -> Vec<String> {
                paths.iter().map(|p| join_rel(&module.dir, p)).collect()
            };
            let ignore_only: Vec<(String, Vec<String>)> = (policy.lint.ignore_only.iter())
                .map(|(id, paths)| (id.clone(), under(paths)))
                .collect();
            (
                &policy.lint,
                under(&policy.lint.ignore),
                ignore_only,
                Some(&policy.name),
            )
        });
        let own = (
            &module.lint,
            module.lint.ignore.clone(),
            module.lint.ignore_only.clone(),
            None,
        );
        for (config, ignore, ignore_only, policy) in std::iter::once(own).chain(policies) {
            let ignore =
                ignore::PathIgnores::new(Kind::Lint, config.version, &ignore, &ignore_only);
            let active: Vec<&dyn Rule> = rules
                .iter()
                .copied()
                .filter(|r| config.enabled.contains(r.id()))
                .filter(|r| match part {
                    Part::All => true,
                    Part::Files => !MODULE_RULES.contains(&r.id()),
                    Part::Module => MODULE_RULES.contains(&r.id()),
                })
                .collect();
            let mut found = lint_module(
                &active,
                config,
                schema,
                &nodes,
                &ignore,
                part != Part::Module,
            );
            if let Some(policy) = policy {
                found
                    .iter_mut()
                    .for_each(|f| f.policy = Some(policy.clone()));
            }
            // Moved as a whole when it is the first: a large tree has tens of thousands.
            if findings.is_empty() {
                findings = found;
            } else {
                findings.extend(found);
            }
        }
    }
    findings
}

fn lint_module(
    rules: &[&dyn Rule],
    config: &LintConfig,
    schema: &Schema,
    files: &[FileNode],
    ignore: &ignore::PathIgnores,
    walk_files: bool,
) -> Vec<Finding> {
    use rayon::prelude::*;
    let keep = |cx: Context, out: &mut Vec<Finding>| {
        for (finding, path) in cx.findings {
            if !path.is_some_and(|p| ignore.ignores(&finding.rule, &p)) {
                out.push(finding);
            }
        }
    };
    // Module rules are independent of each other: run them on every core too. Their reports in
    // the module's files are placed file by file below, with the walk's locations.
    let targets: HashMap<&str, usize> = (files.iter().enumerate())
        .map(|(i, f)| (f.name(), i))
        .collect();
    let (found, deferred): (Vec<Vec<Finding>>, Vec<Vec<Deferred>>) = rules
        .par_iter()
        .map(|&rule| {
            let mut cx = Context::new(rule.id(), config, schema, None, Some(&targets));
            rule.check_module(&mut cx, files);
            let deferred = std::mem::take(&mut cx.deferred);
            let mut found = Vec::new();
            keep(cx, &mut found);
            (found, deferred)
        })
        .unzip();
    let mut out: Vec<Finding> = found.into_iter().flatten().collect();
    // The deferred reports by file, in the order the rules made them.
    let mut by_file: Vec<Vec<Deferred>> = Vec::new();
    if deferred.iter().any(|d| !d.is_empty()) {
        by_file.resize_with(files.len(), Vec::new);
        for report in deferred.into_iter().flatten() {
            by_file[report.file].push(report);
        }
    }
    let place = |cx: &mut Context, reports: Option<&Vec<Deferred>>| {
        for report in reports.into_iter().flatten() {
            cx.rule = report.rule;
            cx.report(&report.path, report.message.clone());
        }
    };
    if !walk_files {
        let per_file: Vec<Vec<Finding>> = (files.par_iter().zip(by_file.par_iter()))
            .filter(|(_, reports)| !reports.is_empty())
            .map(|(shared, reports)| {
                let node = shared.fresh();
                let mut cx = Context::new("", config, schema, Some(&node), None);
                place(&mut cx, Some(reports));
                let mut found = Vec::new();
                keep(cx, &mut found);
                found
            })
            .collect();
        out.extend(per_file.into_iter().flatten());
        return out;
    }
    let rules: Vec<(&'static str, &dyn Rule)> = rules.iter().map(|&r| (r.id(), r)).collect();
    // Files are independent: walk them on every core. The order findings come in does not
    // matter; they are sorted before anyone sees them.
    let per_file: Vec<Vec<Finding>> = files
        .par_iter()
        .enumerate()
        .map(|(i, shared)| {
            // A node of its own, whose index of locations goes when the file is done.
            let node = shared.fresh();
            let mut hooks = Hooks {
                rules: &rules,
                file: &node,
                cx: Context::new("", config, schema, Some(&node), None),
            };
            walk(node.proto, &mut hooks);
            place(&mut hooks.cx, by_file.get(i));
            let mut found = Vec::new();
            keep(hooks.cx, &mut found);
            found
        })
        .collect();
    // Grown once: a Vec grown finding by finding copied tens of megabytes on one core.
    out.reserve_exact(per_file.iter().map(Vec::len).sum());
    for found in per_file {
        out.extend(found);
    }
    out
}

/// Groups target files by a key, for rules that compare files (package, directory).
pub fn group_by<'f, 'a, K: Ord + Clone>(
    files: &'f [FileNode<'a>],
    key: impl Fn(&FileNode) -> K,
) -> Vec<(K, Vec<&'f FileNode<'a>>)> {
    let mut map: std::collections::BTreeMap<K, Vec<&FileNode>> = Default::default();
    for f in files {
        map.entry(key(f)).or_default().push(f);
    }
    map.into_iter().collect()
}

/// A per-name index of files, for rules that look up imports.
pub fn index_by_name<'f, 'a>(files: &'f [FileNode<'a>]) -> HashMap<&'f str, &'f FileNode<'a>> {
    files
        .iter()
        .map(|f| (f.source.file.name.as_str(), f))
        .collect()
}

#[cfg(test)]
mod tests {
    /// Every rule with a `check_module` hook is in [`super::MODULE_RULES`], and only those.
    #[test]
    fn module_rules_are_those_with_check_module() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/lint/rules");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            if !text.contains("fn check_module") {
                continue;
            }
            let declared = text.split("declare_rule!(").nth(1).unwrap();
            let id = declared.split('"').nth(1).unwrap().to_string();
            found.push(id);
        }
        found.sort();
        assert_eq!(found, super::MODULE_RULES);
    }
}
