//! The raw shapes of `buf.yaml` (v1beta1, v1, v2) and `buf.work.yaml`, exactly as users write them.
//!
//! Unknown keys are errors, as they are in buf: a typo in `except` must not silently lint with the
//! defaults. [`super`] turns these shapes into one normalised [`super::Workspace`].

// Some keys are read only so that unknown-key checking accepts them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Deserialize;

/// Only `version`, read first to pick the shape for the rest of the file.
#[derive(Deserialize)]
pub struct VersionOnly {
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct LintYaml {
    #[serde(default, rename = "use")]
    pub use_: Option<Vec<String>>,
    #[serde(default)]
    pub except: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub ignore_only: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub enum_zero_value_suffix: Option<String>,
    #[serde(default)]
    pub rpc_allow_same_request_response: bool,
    #[serde(default)]
    pub rpc_allow_google_protobuf_empty_requests: bool,
    #[serde(default)]
    pub rpc_allow_google_protobuf_empty_responses: bool,
    #[serde(default)]
    pub service_suffix: Option<String>,
    /// v1beta1 and v1 only: comment ignores are opt-in there.
    #[serde(default)]
    pub allow_comment_ignores: Option<bool>,
    /// v2 only: comment ignores are on unless this is set.
    #[serde(default)]
    pub disallow_comment_ignores: Option<bool>,
    /// v2 only: buf's own rules do not run (only plugins' and policies').
    #[serde(default)]
    pub disable_builtin: Option<bool>,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct BreakingYaml {
    #[serde(default, rename = "use")]
    pub use_: Option<Vec<String>>,
    #[serde(default)]
    pub except: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub ignore_only: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub ignore_unstable_packages: bool,
    #[serde(default)]
    pub disable_builtin: Option<bool>,
    /// sous only (buf 1.75 refuses the key): `// sous:breaking:ignore` comments are read unless
    /// this is set, in every version.
    #[serde(default)]
    pub disallow_comment_ignores: Option<bool>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct BuildV1 {
    #[serde(default)]
    pub excludes: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct BuildV1Beta1 {
    #[serde(default)]
    pub roots: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BufYamlV1 {
    pub version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub deps: Vec<String>,
    #[serde(default)]
    pub build: BuildV1,
    #[serde(default)]
    pub lint: LintYaml,
    #[serde(default)]
    pub breaking: BreakingYaml,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BufYamlV1Beta1 {
    pub version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub deps: Vec<String>,
    #[serde(default)]
    pub build: BuildV1Beta1,
    #[serde(default)]
    pub lint: LintYaml,
    #[serde(default)]
    pub breaking: BreakingYaml,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ModuleV2 {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub lint: Option<LintYaml>,
    #[serde(default)]
    pub breaking: Option<BreakingYaml>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BufYamlV2 {
    pub version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub modules: Vec<ModuleV2>,
    #[serde(default)]
    pub deps: Vec<String>,
    #[serde(default)]
    pub lint: Option<LintYaml>,
    #[serde(default)]
    pub breaking: Option<BreakingYaml>,
    /// Plugins need code sous cannot run; accepted and ignored so existing configs load.
    #[serde(default)]
    pub plugins: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    pub policies: Vec<PolicyEntry>,
}

/// One entry of `policies:` in a v2 `buf.yaml`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    /// A policy file's path, relative to the `buf.yaml` (or a registry reference).
    pub policy: String,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub ignore_only: BTreeMap<String, Vec<String>>,
}

/// A policy file (`buf.policy.yaml`): lint and breaking sections of its own.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PolicyYaml {
    pub version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub lint: Option<LintYaml>,
    #[serde(default)]
    pub breaking: Option<BreakingYaml>,
    #[serde(default)]
    pub plugins: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BufWorkYaml {
    pub version: String,
    #[serde(default)]
    pub directories: Vec<String>,
}
