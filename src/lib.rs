//! sous lints Protocol Buffers schemas and checks changes for compatibility, as a drop-in for buf.
//!
//! The data flow:
//!
//! ```text
//! argv -> cli (clap) -> invocation (workspace, targets, compile options)
//!      -> config::Workspace -> input::FileSet (files on disk) -> schema::compile (protox) -> Schema
//!      -> lint::run (one walk per file, every enabled rule's hooks)
//!       | breaking::run (against: the old side, compiled the same way; pairs of elements)
//!      -> Vec<Finding> -> ignore filter -> sort + dedup -> report -> exit code (0, 100 or 1)
//! ```
//!
//! Compile errors become findings of the pseudo-rule `COMPILE`, as buf reports them; problems with
//! the configuration, flags or I/O are [`Error`]s and exit with 1.
//!
//! The modules, from the bottom up; a module uses only modules above it in this list (checked by
//! `tests/cli/architecture.rs`):
//! - base vocabulary: [`error`], [`trace`], [`paths`]; [`atomic`], [`cli`], [`finding`],
//!   [`catalog`] (every rule's identity, and which rules a configuration runs), [`rule`] (what
//!   lint and breaking rules share), [`descriptor`] (descriptor field numbers, paths, the walk);
//! - the stages: [`config`] -> [`input`] -> [`deps`] (remote dependencies from `buf.lock` and
//!   buf's module cache) -> [`schema`] -> [`against`] -> [`ignore`] ->
//!   [`lint`] | [`breaking`] (siblings: neither uses the other) -> [`fix`] (`--fix`, `--diff`,
//!   `--add-ignores`: edits checked again by both) -> [`report`];
//! - the orchestration: [`invocation`] (raw arguments to a resolved invocation) ->
//!   [`image_input`] (lint and breaking of a buf image given as the input) -> [`lsp`] (the
//!   language server, the same stages on open buffers) | [`cache`] (a run's findings replayed
//!   when nothing it read has changed) -> [`app`] (one function per subcommand) -> `main`.

pub mod against;
pub mod app;
pub mod atomic;
pub mod breaking;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod deps;
pub mod descriptor;
pub mod error;
pub mod finding;
pub mod fix;
pub mod ignore;
pub mod image_input;
pub mod input;
pub mod invocation;
pub mod lint;
pub mod lsp;
pub mod paths;
pub mod report;
pub mod rule;
pub mod schema;
pub mod trace;

pub use error::Error;
pub use finding::Finding;
