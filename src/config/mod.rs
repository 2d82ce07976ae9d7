//! Configuration as buf reads it: `buf.yaml` v1beta1, v1 and v2, and `buf.work.yaml`, normalised
//! into one [`Workspace`] of [`Module`]s before anything else looks at it.
//!
//! Paths inside a [`Workspace`] are relative to its root (the directory of the configuration file)
//! and use `/`, so matching ignores and excludes is plain string-prefix work on path components.
//!
//! This file reads configuration files and tells their versions apart; `discover.rs` finds the
//! one that governs an input (and where that search stops); `module.rs` turns the sections that
//! govern one module into its settings, the rules that run included, and checks how modules,
//! workspace directories and v1beta1 roots may nest.

mod discover;
mod file;
mod module;
mod policy;
mod unknown_rules;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::paths::{display_join, is_within};
use file::{BufWorkYaml, BufYamlV1, BufYamlV1Beta1, BufYamlV2, VersionOnly};
use module::{
    default_module, module_v1, modules_v2, normalise, normalise_all, rebase, refuse_nesting,
    select_rules,
};

pub use crate::catalog::Version;
pub use policy::Policy;
pub use unknown_rules::UnknownRules;

/// Everything a lint run needs to know about one module's lint settings.
#[derive(Debug, Clone)]
pub struct LintConfig {
    pub version: Version,
    /// `use`, or `None` for the version's default set.
    pub use_: Option<Vec<String>>,
    pub except: Vec<String>,
    /// The rules that run, as the catalog selects them from `use` and `except`; resolved once,
    /// when the configuration is read.
    pub enabled: BTreeSet<&'static str>,
    /// Workspace-relative paths.
    pub ignore: Vec<String>,
    /// Rule or category ID to workspace-relative paths.
    pub ignore_only: Vec<(String, Vec<String>)>,
    pub enum_zero_value_suffix: String,
    pub rpc_allow_same_request_response: bool,
    pub rpc_allow_google_protobuf_empty_requests: bool,
    pub rpc_allow_google_protobuf_empty_responses: bool,
    pub service_suffix: String,
    pub allow_comment_ignores: bool,
    /// `disable_builtin: true`: none of buf's rules run, whatever `use` says.
    pub disable_builtin: bool,
}

/// Everything a breaking run needs to know about one module's breaking settings.
#[derive(Debug, Clone)]
pub struct BreakingConfig {
    pub version: Version,
    pub use_: Option<Vec<String>>,
    pub except: Vec<String>,
    /// The rules that run; see [`LintConfig::enabled`].
    pub enabled: BTreeSet<&'static str>,
    pub ignore: Vec<String>,
    pub ignore_only: Vec<(String, Vec<String>)>,
    pub ignore_unstable_packages: bool,
    /// Whether `// sous:breaking:ignore RULE reason` comments accept findings (unless
    /// `disallow_comment_ignores: true`).
    pub allow_comment_ignores: bool,
    /// See [`LintConfig::disable_builtin`].
    pub disable_builtin: bool,
}

/// One module: a root directory whose `.proto` files import each other by paths relative to it.
#[derive(Debug, Clone)]
pub struct Module {
    /// Workspace-relative directory, `.` for the workspace root.
    pub dir: String,
    /// Workspace-relative paths excluded from the module.
    pub excludes: Vec<String>,
    pub lint: LintConfig,
    pub breaking: BreakingConfig,
    /// `deps:` entries of the configuration this module comes from.
    pub deps: Vec<String>,
    /// The module's `name:` (`REGISTRY/OWNER/MODULE`), if it has one: a dependency of that name
    /// resolves to this module, not to a remote copy.
    pub name: Option<String>,
    /// Workspace-relative directory of the `buf.yaml` this module comes from, where its
    /// `buf.lock` lives.
    pub config_dir: String,
    /// The rule IDs its configuration names that its version does not know.
    pub unknown_rules: UnknownRules,
}

/// A workspace: the modules found from one configuration file (or none).
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory the configuration lives in (or the input directory when there is none).
    pub root: PathBuf,
    /// The configuration file, if there is one.
    pub file: Option<PathBuf>,
    pub version: Version,
    pub modules: Vec<Module>,
    /// Local policies (`policies:`, v2), run on every module beside its own rules.
    pub policies: Vec<Policy>,
}

pub const BUF_YAML: &str = "buf.yaml";
pub const BUF_WORK_YAML: &str = "buf.work.yaml";

impl Workspace {
    /// Fails on the first rule ID of a module's configuration that a `kind` command refuses
    /// (see [`unknown_rules`]; a policy's are checked by [`Policy::check_for`]).
    pub fn check_rules_for(&self, kind: crate::catalog::Kind) -> Result<()> {
        (self.modules.iter()).try_for_each(|m| m.unknown_rules.check_for(kind))
    }

    /// The workspace with buf's fallback: one module at `root`, v1 defaults, comment ignores off.
    pub fn default_at(root: &Path) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            file: None,
            version: Version::V1,
            modules: vec![default_module()],
            policies: Vec::new(),
        }
    }

    /// Finds the configuration that governs `dir` as buf searches for it: see `discover.rs` for
    /// where the search looks and where it stops. `None` when there is none at all.
    pub fn discover(dir: &Path) -> Result<Option<Workspace>> {
        discover::discover(dir)
    }

    /// Reads a configuration given with `--config`: a file path, or the YAML/JSON data itself.
    /// The workspace root is `root` (the input directory).
    pub fn from_flag(root: &Path, value: &str) -> Result<Workspace> {
        let path = Path::new(value);
        if path.is_file() {
            let text = read(path)?;
            let mut ws = Workspace::from_text(root, path, &text)?;
            if is_work_file(path) {
                ws.root = root.to_path_buf();
            }
            Ok(ws)
        } else {
            Workspace::from_text(root, Path::new("--config"), value)
        }
    }

    /// Parses configuration text found at `path`, for a workspace rooted at `root`.
    pub fn from_text(root: &Path, path: &Path, text: &str) -> Result<Workspace> {
        Workspace::from_text_with(root, path, text, &read_disk)
    }

    /// Like [`Workspace::from_text`], reading the module configurations a `buf.work.yaml` names
    /// with `read` (which returns `None` for a file that does not exist): the disk, or a git tree.
    pub fn from_text_with(
        root: &Path,
        path: &Path,
        text: &str,
        read: &dyn Fn(&Path) -> Result<Option<String>>,
    ) -> Result<Workspace> {
        let head: VersionOnly = parse(path, text)?;
        let version_str = head.version.clone().unwrap_or_default();
        if is_work_file(path) {
            let work: BufWorkYaml = parse(path, text)?;
            if work.version != "v1" {
                return Err(Error::config(
                    path,
                    format!(
                        "unknown buf.work.yaml version {:?}: only \"v1\" exists",
                        work.version
                    ),
                ));
            }
            return Workspace::from_work(root, path, &work, read);
        }
        let version = match Version::parse(&version_str) {
            Some(v) => v,
            None if head.version.is_none() => {
                return Err(Error::config(
                    path,
                    "missing `version`: set `version: v2` (or v1) at the top of the file",
                ))
            }
            None => {
                return Err(Error::config(
                    path,
                    format!("unknown configuration version {version_str:?}: use v2, v1 or v1beta1"),
                ))
            }
        };
        let mut policies = Vec::new();
        let modules = match version {
            Version::V2 => {
                let yaml: BufYamlV2 = parse(path, text)?;
                policies = policy::read_all(path, text, &yaml.policies)?;
                modules_v2(path, text, &yaml)?
            }
            Version::V1 => {
                let yaml: BufYamlV1 = parse(path, text)?;
                let excludes = normalise_all(path, text, ".", &yaml.build.excludes)?;
                vec![module_v1(
                    path,
                    text,
                    ".",
                    excludes,
                    &yaml.lint,
                    &yaml.breaking,
                    Version::V1,
                    yaml.deps.clone(),
                )?]
                .into_iter()
                .map(|m| Module {
                    name: yaml.name.clone(),
                    ..m
                })
                .collect()
            }
            Version::V1Beta1 => {
                crate::error::eprint_line(format_args!(
                    "WARN\t{}: version v1beta1 is deprecated, migrate to v2 (buf config migrate does it)",
                    path.display()
                ));
                let yaml: BufYamlV1Beta1 = parse(path, text)?;
                let roots = if yaml.build.roots.is_empty() {
                    vec![".".to_string()]
                } else {
                    yaml.build.roots.clone()
                };
                let dirs = normalise_all(path, text, ".", &roots)?;
                refuse_nesting(path, text, "root", &dirs)?;
                let mut modules = Vec::new();
                for r in &roots {
                    let dir = normalise(path, text, ".", r)?;
                    let excludes: Vec<String> =
                        normalise_all(path, text, ".", &yaml.build.excludes)?
                            .into_iter()
                            .filter(|e| is_within(e, &dir))
                            .collect();
                    modules.push(module_v1(
                        path,
                        text,
                        &dir,
                        excludes,
                        &yaml.lint,
                        &yaml.breaking,
                        Version::V1Beta1,
                        yaml.deps.clone(),
                    )?);
                    if let Some(m) = modules.last_mut() {
                        m.name = yaml.name.clone();
                    }
                }
                modules
            }
        };
        let mut ws = Workspace {
            root: root.to_path_buf(),
            file: Some(path.to_path_buf()),
            version,
            modules,
            policies,
        };
        for m in &mut ws.modules {
            select_rules(path, text, m);
        }
        ws.modules.sort_by(|a, b| a.dir.cmp(&b.dir));
        Ok(ws)
    }

    fn from_work(
        root: &Path,
        path: &Path,
        work: &BufWorkYaml,
        read: &dyn Fn(&Path) -> Result<Option<String>>,
    ) -> Result<Workspace> {
        let dirs = normalise_all(path, "", ".", &work.directories)?;
        if dirs.iter().any(|d| d == ".") {
            return Err(Error::config(
                path,
                "directory \".\" cannot be a workspace directory: a workspace of its own directory is no workspace; list the module directories, or remove buf.work.yaml",
            ));
        }
        refuse_nesting(path, "", "directory", &dirs)?;
        let mut modules = Vec::new();
        for d in &work.directories {
            let dir = normalise(path, "", ".", d)?;
            let module_root = root.join(&dir);
            let buf_yaml = module_root.join(BUF_YAML);
            if let Some(text) = read(&buf_yaml)? {
                let inner = Workspace::from_text_with(
                    &module_root,
                    &display_join(root, &format!("{dir}/{BUF_YAML}")),
                    &text,
                    read,
                )?;
                for mut m in inner.modules {
                    rebase(&mut m, &dir);
                    modules.push(m);
                }
            } else {
                let mut m = default_module();
                rebase(&mut m, &dir);
                modules.push(m);
            }
        }
        modules.sort_by(|a, b| a.dir.cmp(&b.dir));
        Ok(Workspace {
            root: root.to_path_buf(),
            file: Some(path.to_path_buf()),
            version: Version::V1,
            modules,
            policies: Vec::new(),
        })
    }

    /// The module whose directory contains the workspace-relative `path`, if any.
    pub fn module_containing(&self, path: &str) -> Option<&Module> {
        self.modules
            .iter()
            .filter(|m| is_within(path, &m.dir))
            .max_by_key(|m| m.dir.len())
    }
}

fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    // An empty file is a valid (empty) document for buf; give serde an empty mapping.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_saphyr::from_str(text).map_err(|e| Error::config(path, e.to_string()))
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|_| Error::config(path, "not valid UTF-8"))
}

/// Reads a configuration file from disk; `None` when there is no such file.
pub fn read_disk(path: &Path) -> Result<Option<String>> {
    if path.is_file() {
        read(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Whether `path` names a `buf.work.yaml`: on disk, or in a git tree, shown as `rev:path`
/// (`main:buf.work.yaml` at the tree's root).
pub fn is_work_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n == BUF_WORK_YAML || n.ends_with(&format!(":{BUF_WORK_YAML}"))
    })
}

/// `"line N: "` for the first line of `text` that mentions `needle`, to point users at it.
pub(crate) fn line_prefix(text: &str, needle: &str) -> String {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| format!("line {}: ", i + 1))
        .unwrap_or_default()
}
