//! Local policies: `policies:` in a v2 `buf.yaml` names policy files (`version: v2` with `lint`
//! and `breaking` sections of their own), each run on every module beside the module's own
//! rules, with the `ignore` and `ignore_only` of its entry.

use std::path::{Path, PathBuf};

use super::file::{PolicyEntry, PolicyYaml};
use super::module::{breaking_config, lint_config, select_rules_of};
use super::{parse, BreakingConfig, LintConfig, Version};
use crate::catalog::{self, Kind};
use crate::error::{Error, Result};

/// One policy, read and normalised.
#[derive(Debug, Clone)]
pub struct Policy {
    /// As written after `policy:`; buf prints it beside each finding.
    pub name: String,
    /// The policy file's lint settings (v2). Its `ignore` and `ignore_only` are the entry's, and
    /// relative to each module's directory: buf matches them against module-relative paths.
    /// Comment ignores are off (buf parity: they do not apply to a policy's findings).
    pub lint: LintConfig,
    /// The policy file's breaking settings, with the entry's ignores as for `lint`.
    pub breaking: BreakingConfig,
    /// The `buf.yaml` that names the policy.
    config: PathBuf,
    /// The first ID of the entry's `ignore_only` that is no lint rule or category.
    unknown_lint_id: Option<String>,
    /// The first ID of the entry's `ignore_only` that is no breaking rule or category.
    unknown_breaking_id: Option<String>,
}

/// Reads the policies of `buf.yaml` at `path` (text `text`).
///
/// buf parity: buf opens a local policy file at its path relative to the directory it runs in,
/// not to the `buf.yaml` that names it, so sous does too.
pub(super) fn read_all(path: &Path, text: &str, entries: &[PolicyEntry]) -> Result<Vec<Policy>> {
    entries
        .iter()
        .map(|entry| {
            let location = Path::new(&entry.policy);
            let policy_text = std::fs::read_to_string(location).map_err(|e| {
                Error::config(
                    path,
                    format!(
                        "policy {:?}: cannot read {} ({e}): a local policy file is read relative to the current directory, as buf reads it (a policy from a registry needs a local copy)",
                        entry.policy,
                        location.display()
                    ),
                )
            })?;
            one(path, text, entry, location, &policy_text)
        })
        .collect()
}

fn one(
    path: &Path,
    text: &str,
    entry: &PolicyEntry,
    location: &Path,
    policy_text: &str,
) -> Result<Policy> {
    let yaml: PolicyYaml = parse(location, policy_text)?;
    if yaml.version != "v2" {
        return Err(Error::config(
            location,
            format!(
                "unknown policy version {:?}: a policy file says `version: v2`",
                yaml.version
            ),
        ));
    }
    if yaml.plugins.is_some() {
        // buf parity: buf stops when it cannot run a policy's plugin; sous runs none.
        return Err(Error::config(
            location,
            format!(
                "policy {:?} uses plugins, which sous cannot run: run this policy with buf, or remove it from `policies`",
                entry.policy
            ),
        ));
    }
    // One `ignore_only` serves both sections: each takes the IDs it knows, and the first it
    // does not know is an error of the command that reads that section (buf parity).
    let known =
        |kind: Kind, id: &str| catalog::expand(kind, Version::V2, &[id.to_string()]).is_ok();
    let unknown = |kind: Kind| {
        (entry.ignore_only.keys())
            .find(|id| !known(kind, id))
            .cloned()
    };
    let only = |kind: Kind| {
        (entry.ignore_only.iter())
            .filter(|(id, _)| known(kind, id))
            .map(|(id, paths)| (id.clone(), paths.clone()))
            .collect()
    };
    let mut lint = yaml.lint.unwrap_or_default();
    lint.ignore = entry.ignore.clone();
    lint.ignore_only = only(Kind::Lint);
    lint.disallow_comment_ignores = Some(true);
    let mut breaking = yaml.breaking.unwrap_or_default();
    breaking.ignore = entry.ignore.clone();
    breaking.ignore_only = only(Kind::Breaking);
    // The entry's paths are checked against the buf.yaml, where they are written.
    let mut lint = lint_config(path, text, &lint, Version::V2, ".")?;
    let mut breaking = breaking_config(path, text, &breaking, Version::V2, ".")?;
    select_rules_of(location, policy_text, &mut lint, &mut breaking).check_all()?;
    Ok(Policy {
        name: entry.policy.clone(),
        lint,
        breaking,
        config: path.to_path_buf(),
        unknown_lint_id: unknown(Kind::Lint),
        unknown_breaking_id: unknown(Kind::Breaking),
    })
}

impl Policy {
    /// Fails if the entry's `ignore_only` names an ID that `kind` does not know: buf reads the
    /// one `ignore_only` of an entry as lint's and as breaking's, and refuses it in the command
    /// whose rules do not include an ID.
    pub fn check_for(&self, kind: Kind) -> Result<()> {
        let (id, word) = match kind {
            Kind::Lint => (&self.unknown_lint_id, "lint"),
            Kind::Breaking => (&self.unknown_breaking_id, "breaking"),
        };
        match id {
            Some(id) => Err(Error::config(
                &self.config,
                format!(
                    "policy {:?}: ignore_only names {id:?}, which is no {} rule or category of v2 (the entry's ignore_only is read by lint and by breaking alike)",
                    self.name, word
                ),
            )),
            None => Ok(()),
        }
    }
}
