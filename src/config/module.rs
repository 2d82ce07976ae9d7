//! One module's settings from the YAML sections that govern it: `lint` and `breaking`
//! normalised (paths made workspace-relative, v1 and v2 keys told apart), and the rules that run
//! selected through the catalog, once, which is also the check of every rule ID the file names.

use std::collections::BTreeSet;
use std::path::Path;

use super::file::{BreakingYaml, BufYamlV2, LintYaml};
use super::unknown_rules::UnknownRules;
use super::{line_prefix, BreakingConfig, LintConfig, Module, Version};
use crate::error::{Error, Result};
use crate::paths::{is_within, join_rel};

/// buf's fallback module: the directory itself, v1 defaults, comment ignores off.
pub(super) fn default_module() -> Module {
    let mut m = module_v1(
        Path::new(""),
        "",
        ".",
        Vec::new(),
        &LintYaml::default(),
        &BreakingYaml::default(),
        Version::V1,
        Vec::new(),
    )
    .expect("empty configuration is valid");
    select_rules(Path::new(""), "", &mut m);
    m
}

/// Moves a module read from a `buf.yaml` in workspace directory `dir` to be workspace-relative.
pub(super) fn rebase(m: &mut Module, dir: &str) {
    let join = |p: &str| join_rel(dir, p);
    m.dir = join(&m.dir);
    m.config_dir = join(&m.config_dir);
    m.excludes = m.excludes.iter().map(|p| join(p)).collect();
    m.lint.ignore = m.lint.ignore.iter().map(|p| join(p)).collect();
    for (_, paths) in &mut m.lint.ignore_only {
        *paths = paths.iter().map(|p| join(p)).collect();
    }
    m.breaking.ignore = m.breaking.ignore.iter().map(|p| join(p)).collect();
    for (_, paths) in &mut m.breaking.ignore_only {
        *paths = paths.iter().map(|p| join(p)).collect();
    }
}

/// A v2 module as written: directory, excludes, and its own lint and breaking sections.
type ModuleSpec<'a> = (
    String,
    Option<&'a String>,
    &'a [String],
    Option<&'a LintYaml>,
    Option<&'a BreakingYaml>,
);

pub(super) fn modules_v2(path: &Path, text: &str, yaml: &BufYamlV2) -> Result<Vec<Module>> {
    let default_lint = yaml.lint.clone().unwrap_or_default();
    let default_breaking = yaml.breaking.clone().unwrap_or_default();
    let specs: Vec<ModuleSpec> = if yaml.modules.is_empty() {
        vec![(".".to_string(), yaml.name.as_ref(), &[][..], None, None)]
    } else {
        yaml.modules
            .iter()
            .map(|m| {
                Ok((
                    normalise(path, text, ".", m.path.as_deref().unwrap_or("."))?,
                    m.name.as_ref(),
                    &m.excludes[..],
                    m.lint.as_ref(),
                    m.breaking.as_ref(),
                ))
            })
            .collect::<Result<_>>()?
    };
    let mut modules: Vec<Module> = Vec::new();
    for (dir, name, excludes, lint, breaking) in specs {
        if let Some(other) = modules.iter().find(|m| m.dir == dir) {
            return Err(Error::config(
                path,
                format!("module path {:?} is listed twice", other.dir),
            ));
        }
        let excludes = normalise_all(path, text, ".", excludes)?;
        for e in &excludes {
            if e == &dir {
                return Err(Error::config(
                    path,
                    format!(
                        "{}exclude {e:?} is module {dir:?} itself: remove the module instead",
                        line_prefix(text, e)
                    ),
                ));
            }
            if !is_within(e, &dir) {
                return Err(Error::config(
                    path,
                    format!(
                        "{}exclude {e:?} is not within module path {dir:?}",
                        line_prefix(text, e)
                    ),
                ));
            }
        }
        let (own_lint, own_breaking) = (lint.is_some(), breaking.is_some());
        let lint = lint.unwrap_or(&default_lint);
        let breaking = breaking.unwrap_or(&default_breaking);
        let lint_cfg = lint_config(path, text, lint, Version::V2, ".")?;
        let breaking_cfg = breaking_config(path, text, breaking, Version::V2, ".")?;
        // buf parity: a module's own ignores name paths inside it (the top level's may name any).
        let inside = |section: &str, ignore: &[String], only: &[(String, Vec<String>)]| {
            let only = only.iter().flat_map(|(_, paths)| paths);
            let outside = (ignore.iter().map(|p| ("ignore", p)))
                .chain(only.map(|p| ("ignore_only", p)))
                .find(|(_, p)| !is_within(p, &dir));
            match outside {
                Some((key, p)) => Err(Error::config(
                    path,
                    format!(
                        "{}{section}.{key}: path {p:?} is not inside module directory {dir:?}: write it from the workspace root ({:?})",
                        line_prefix(text, p),
                        join_rel(&dir, p)
                    ),
                )),
                None => Ok(()),
            }
        };
        if own_lint {
            inside("lint", &lint_cfg.ignore, &lint_cfg.ignore_only)?;
        }
        if own_breaking {
            inside("breaking", &breaking_cfg.ignore, &breaking_cfg.ignore_only)?;
        }
        modules.push(Module {
            dir,
            excludes,
            lint: lint_cfg,
            breaking: breaking_cfg,
            deps: yaml.deps.clone(),
            name: name.cloned(),
            config_dir: ".".to_string(),
            unknown_rules: UnknownRules::default(),
        });
    }
    // buf parity: v2 modules may nest, with or without the outer one excluding the inner; a file
    // the outer one does not exclude then belongs to both, and each module is compiled, linted
    // and compared on its own (`FileSet::shares_files`).
    Ok(modules)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn module_v1(
    path: &Path,
    text: &str,
    dir: &str,
    excludes: Vec<String>,
    lint: &LintYaml,
    breaking: &BreakingYaml,
    version: Version,
    deps: Vec<String>,
) -> Result<Module> {
    // v1 and v1beta1 paths in lint and breaking are relative to the module root.
    Ok(Module {
        dir: dir.to_string(),
        excludes,
        lint: lint_config(path, text, lint, version, dir)?,
        breaking: breaking_config(path, text, breaking, version, dir)?,
        deps,
        name: None,
        config_dir: ".".to_string(),
        unknown_rules: UnknownRules::default(),
    })
}

pub(super) fn lint_config(
    path: &Path,
    text: &str,
    lint: &LintYaml,
    version: Version,
    base: &str,
) -> Result<LintConfig> {
    let allow_comment_ignores = match version {
        Version::V2 => {
            if lint.allow_comment_ignores.is_some() {
                return Err(Error::config(path, format!("{}`allow_comment_ignores` is a v1 key; in v2 comment ignores are on unless `disallow_comment_ignores: true`", line_prefix(text, "allow_comment_ignores"))));
            }
            !lint.disallow_comment_ignores.unwrap_or(false)
        }
        _ => {
            if lint.disallow_comment_ignores.is_some() {
                return Err(Error::config(path, format!("{}`disallow_comment_ignores` is a v2 key; in v1 use `allow_comment_ignores: true`", line_prefix(text, "disallow_comment_ignores"))));
            }
            lint.allow_comment_ignores.unwrap_or(false)
        }
    };
    Ok(LintConfig {
        version,
        use_: lint.use_.clone(),
        except: lint.except.clone(),
        // Filled in by `select_rules` once the whole file has been read.
        enabled: BTreeSet::new(),
        ignore: normalise_all(path, text, base, &lint.ignore)?,
        ignore_only: lint
            .ignore_only
            .iter()
            .map(|(id, paths)| Ok((id.clone(), normalise_all(path, text, base, paths)?)))
            .collect::<Result<_>>()?,
        enum_zero_value_suffix: lint
            .enum_zero_value_suffix
            .clone()
            .unwrap_or_else(|| "_UNSPECIFIED".into()),
        rpc_allow_same_request_response: lint.rpc_allow_same_request_response,
        rpc_allow_google_protobuf_empty_requests: lint.rpc_allow_google_protobuf_empty_requests,
        rpc_allow_google_protobuf_empty_responses: lint.rpc_allow_google_protobuf_empty_responses,
        service_suffix: lint
            .service_suffix
            .clone()
            .unwrap_or_else(|| "Service".into()),
        allow_comment_ignores,
        disable_builtin: lint.disable_builtin.unwrap_or(false),
    })
}

pub(super) fn breaking_config(
    path: &Path,
    text: &str,
    b: &BreakingYaml,
    version: Version,
    base: &str,
) -> Result<BreakingConfig> {
    Ok(BreakingConfig {
        version,
        use_: b.use_.clone(),
        except: b.except.clone(),
        enabled: BTreeSet::new(),
        ignore: normalise_all(path, text, base, &b.ignore)?,
        ignore_only: b
            .ignore_only
            .iter()
            .map(|(id, paths)| Ok((id.clone(), normalise_all(path, text, base, paths)?)))
            .collect::<Result<_>>()?,
        ignore_unstable_packages: b.ignore_unstable_packages,
        allow_comment_ignores: !b.disallow_comment_ignores.unwrap_or(false),
        disable_builtin: b.disable_builtin.unwrap_or(false),
    })
}

/// Resolves which rules run in module `m`, through the catalog, once, and notes the rule IDs it
/// names that its version does not know (see [`super::unknown_rules`]).
pub(super) fn select_rules(path: &Path, text: &str, m: &mut Module) {
    m.unknown_rules = select_rules_of(path, text, &mut m.lint, &mut m.breaking);
}

/// [`select_rules`] for one lint and one breaking configuration (a module's or a policy's).
pub(super) fn select_rules_of(
    path: &Path,
    text: &str,
    lint: &mut LintConfig,
    breaking: &mut BreakingConfig,
) -> UnknownRules {
    super::unknown_rules::select(path, text, lint, breaking)
}

pub(super) fn normalise_all(
    path: &Path,
    text: &str,
    base: &str,
    paths: &[String],
) -> Result<Vec<String>> {
    paths
        .iter()
        .map(|p| normalise(path, text, base, p))
        .collect()
}

/// A configuration path made workspace-relative, `/`-separated, without `.` or trailing `/`.
/// Absolute paths and paths that climb out with `..` are errors.
pub(super) fn normalise(path: &Path, text: &str, base: &str, p: &str) -> Result<String> {
    let joined = join_rel(base, p);
    if Path::new(p).is_absolute() || joined.split('/').any(|c| c == "..") {
        return Err(Error::config(
            path,
            format!(
                "{}path {p:?} must be relative and stay inside the directory of the configuration",
                line_prefix(text, p)
            ),
        ));
    }
    Ok(joined)
}

/// buf parity: the directories of a `buf.work.yaml` and the roots of a v1beta1 `buf.yaml` may not
/// repeat or nest (only v2 modules may nest); `what` names them in the message.
pub(super) fn refuse_nesting(path: &Path, text: &str, what: &str, dirs: &[String]) -> Result<()> {
    for (i, dir) in dirs.iter().enumerate() {
        for other in &dirs[..i] {
            let problem = if dir == other {
                format!("{what} {dir:?} is listed twice: list it once")
            } else if is_within(dir, other) || is_within(other, dir) {
                let (outer, inner) = if is_within(dir, other) {
                    (other, dir)
                } else {
                    (dir, other)
                };
                format!(
                    "{what} {inner:?} is inside {what} {outer:?}: {what}s may not nest (modules of a v2 buf.yaml may)"
                )
            } else {
                continue;
            };
            return Err(Error::config(
                path,
                format!("{}{problem}", line_prefix(text, dir)),
            ));
        }
    }
    Ok(())
}
