//! Rule IDs a configuration names that its version does not know. buf reads them when it reads
//! the configuration but refuses them only where it uses them, and so does sous:
//! - an unknown ID in `lint.use` or `breaking.use` fails `lint`, `breaking` and
//!   `config ls-*-rules --configured-only` alike;
//! - one in `except` or `ignore_only` fails only the command of its own kind (`buf breaking`
//!   runs with a `lint.except` it does not know);
//! - `build` and the against side of `breaking` refuse none: buf takes only the against side's
//!   layout from its configuration (a v2 file naming v1's `FIELD_SAME_LABEL`, as old revisions of
//!   envoyproxy/data-plane-api have, is compared against without a word).

use std::path::{Path, PathBuf};

use super::{line_prefix, BreakingConfig, LintConfig};
use crate::catalog::{self, Kind};
use crate::error::{Error, Result};

/// The first unknown ID of each place, with the message that refuses it.
#[derive(Debug, Clone, Default)]
pub struct UnknownRules {
    /// In `lint.use`, else in `breaking.use`.
    in_use: Option<Refusal>,
    /// In lint's `except` or `ignore_only`.
    lint: Option<Refusal>,
    /// In breaking's `except` or `ignore_only`.
    breaking: Option<Refusal>,
}

#[derive(Debug, Clone)]
struct Refusal {
    path: PathBuf,
    message: String,
}

impl UnknownRules {
    /// Fails with the first unknown ID a `kind` command refuses (see the module's documentation).
    pub fn check_for(&self, kind: Kind) -> Result<()> {
        let own = match kind {
            Kind::Lint => &self.lint,
            Kind::Breaking => &self.breaking,
        };
        match self.in_use.as_ref().or(own.as_ref()) {
            Some(r) => Err(Error::config(&r.path, r.message.clone())),
            None => Ok(()),
        }
    }

    /// Fails with the first unknown ID of any place.
    pub fn check_all(&self) -> Result<()> {
        self.check_for(Kind::Lint)?;
        self.check_for(Kind::Breaking)
    }
}

/// Selects the rules that run from `use` and `except` (the known IDs of them: an unknown `use`
/// enables nothing) and notes every unknown ID, with its line in `text`.
pub(super) fn select(
    path: &Path,
    text: &str,
    lint: &mut LintConfig,
    breaking: &mut BreakingConfig,
) -> UnknownRules {
    let refusal = |kind: Kind, version: catalog::Version, id: &str| {
        let message = match kind {
            Kind::Lint => format!(
                "{}lint: {id:?} is not a known lint rule or category for version {v} (list them with `sous config ls-lint-rules --version {v}`)",
                line_prefix(text, id),
                v = version.as_str()
            ),
            Kind::Breaking => format!(
                "{}breaking: {id:?} is not a known breaking rule or category for version {}",
                line_prefix(text, id),
                version.as_str()
            ),
        };
        Refusal {
            path: path.to_path_buf(),
            message,
        }
    };
    let one = |kind, version, use_: Option<&[String]>, except: &[String], only: Vec<&String>| {
        let mut in_use = None;
        let mut enabled = catalog::enabled(kind, version, use_, &[]).unwrap_or_else(|id| {
            in_use = Some(refusal(kind, version, &id));
            Default::default()
        });
        let mut own = None;
        for id in except.iter().chain(only) {
            match catalog::expand(kind, version, std::slice::from_ref(id)) {
                Ok(ids) if except.contains(id) => ids.iter().for_each(|i| {
                    enabled.remove(i);
                }),
                Ok(_) => {}
                Err(_) => {
                    own.get_or_insert_with(|| refusal(kind, version, id));
                }
            }
        }
        (enabled, in_use, own)
    };
    let only = lint.ignore_only.iter().map(|(id, _)| id).collect();
    let (enabled, lint_use, lint_own) = one(
        Kind::Lint,
        lint.version,
        lint.use_.as_deref(),
        &lint.except,
        only,
    );
    lint.enabled = if lint.disable_builtin {
        Default::default()
    } else {
        enabled
    };
    let only = breaking.ignore_only.iter().map(|(id, _)| id).collect();
    let (enabled, breaking_use, breaking_own) = one(
        Kind::Breaking,
        breaking.version,
        breaking.use_.as_deref(),
        &breaking.except,
        only,
    );
    breaking.enabled = if breaking.disable_builtin {
        Default::default()
    } else {
        enabled
    };
    UnknownRules {
        in_use: lint_use.or(breaking_use),
        lint: lint_own,
        breaking: breaking_own,
    }
}
