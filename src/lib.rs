//! sous lints Protocol Buffers schemas and checks changes for compatibility, as a drop-in for buf.
//!
//! The data flow:
//!
//! ```text
//! argv -> cli -> config::Workspace -> input (files on disk) -> schema::compile (protox) -> Schema
//!      -> lint::run (one walk, every enabled rule's hooks) -> Vec<Finding>
//!      -> ignore filter -> sort + dedup -> report -> exit code (0 clean, 100 findings, 1 error)
//! ```
//!
//! Compile errors become findings of the pseudo-rule `COMPILE`, as buf reports them; problems with
//! the configuration, flags or I/O are [`Error`]s and exit with 1.

pub mod app;
pub mod atomic;
pub mod breaking;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod descriptor;
pub mod error;
pub mod finding;
pub mod ignore;
pub mod input;
pub mod invocation;
pub mod lint;
pub mod paths;
pub mod report;
pub mod rule;
pub mod schema;
pub mod trace;

pub use error::Error;
pub use finding::Finding;
