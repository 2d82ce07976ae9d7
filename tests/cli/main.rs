//! The command-line tests, one module per subject, in one test binary (each binary is a link of
//! its own, and a link costs more than the tests it holds). The per-fixture tests (rule
//! fixtures, parity with buf, descriptor sets) are the other binary, `tests/fixtures/`.

#[path = "../common/mod.rs"]
mod common;
mod snippets;

mod action;

mod architecture;
mod archives;
mod breaking_ignores;
mod cache;
mod cache_partial;
mod catalog;
mod commands;
mod config_checks;
mod deps;
mod duplicates_scale;
mod editions;
mod editions_bundled;
mod every_error_limits;
mod fix;
mod formats;
mod git;
mod image_options;
mod inputs;
mod layouts;
mod link_groups;
mod lsp;
mod message_sets;
mod nocrash;
mod precommit;
mod pretty;
mod properties;
mod readme;
mod registry;
mod release;
mod sarif;
mod scaffold;
mod since;
mod symlinks;
