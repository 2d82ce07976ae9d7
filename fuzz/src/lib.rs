//! What the fuzz targets share: sous's stages (configuration, compile, lint, breaking) run on
//! files held in memory, through sous's library as the binary runs them, and a small grammar of
//! `.proto` declarations ([`grammar`]) so that structured inputs reach the rules, not only the
//! lexer.

pub mod grammar;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use sous::catalog::{self, Kind, Version};
use sous::config::Workspace;
use sous::input::FileSet;
use sous::schema::{self, CompileOptions, Purpose, Schema};
use sous::Finding;

/// Runs `f` on threads with the stacks the binary gives its run (see `sous::schema::thread_pool`).
pub fn in_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    match POOL.get_or_init(schema::thread_pool) {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// A `buf.yaml` (v2) that enables every lint rule that is not deprecated.
pub fn every_lint_rule() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = String::from("version: v2\nlint:\n  use:\n");
        for entry in catalog::rules(Kind::Lint, Version::V2) {
            if !entry.deprecated {
                text.push_str(&format!("    - {}\n", entry.id));
            }
        }
        text
    })
}

/// The workspace a `buf.yaml` text makes, rooted at `.`.
pub fn workspace(buf_yaml: &str) -> Option<Workspace> {
    Workspace::from_text(Path::new("."), Path::new("buf.yaml"), buf_yaml).ok()
}

/// Compiles `files` (workspace path, content) as the targets of `ws`.
pub fn compile(ws: &Workspace, files: &[(String, Vec<u8>)], purpose: Purpose) -> Option<Schema> {
    let blobs: BTreeMap<String, Arc<[u8]>> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), Arc::from(bytes.as_slice())))
        .collect();
    let set = FileSet::from_blobs(ws, &blobs, &|p: &str| p.to_string()).ok()?;
    let options = CompileOptions {
        pools: (purpose == Purpose::Lint).then(sous::lint::pools::policy),
        ..CompileOptions::new(purpose, &[])
    };
    schema::compile(&set, &options).ok()
}

/// Lints `files` with `ws`'s rules: the compile errors if any, else the findings, sorted as
/// reports see them.
pub fn lint(ws: &Workspace, files: &[(String, Vec<u8>)]) -> Vec<Finding> {
    let Some(schema) = compile(ws, files, Purpose::Lint) else {
        return Vec::new();
    };
    let mut findings = if schema.errors.is_empty() {
        sous::lint::run(ws, &schema)
    } else {
        schema.errors.clone()
    };
    sous::finding::sort_and_dedup(&mut findings);
    no_compiler_panic(&findings);
    findings
}

/// sous catches a panic of the compiler and reports the file ("the compiler failed on this
/// file"): for the fuzzer, that is a crash all the same.
pub fn no_compiler_panic(findings: &[Finding]) {
    if let Some(f) = findings
        .iter()
        .find(|f| f.message.starts_with("the compiler failed on this file"))
    {
        panic!("the compiler panicked: {f:?}");
    }
}

/// One side of a comparison, compiled for breaking; `None` if it does not compile.
pub fn side(ws: &Workspace, files: &[(String, Vec<u8>)]) -> Option<Schema> {
    let schema = compile(ws, files, Purpose::Breaking)?;
    no_compiler_panic(&schema.errors);
    schema.errors.is_empty().then_some(schema)
}

/// `new` compared with `old` under `ws`'s breaking rules.
pub fn breaking(
    ws: &Workspace,
    new: &Schema,
    old: &Schema,
    old_ws: Option<&Workspace>,
) -> Vec<Finding> {
    let new_side = sous::breaking::Side {
        workspace: Some(ws),
        schema: new,
        modules: Some(vec![0]),
    };
    let old_side = sous::breaking::Side {
        workspace: old_ws,
        schema: old,
        modules: old_ws.map(|_| vec![0]),
    };
    let mut findings = sous::breaking::run(
        &new_side,
        &old_side,
        sous::breaking::Options {
            exclude_imports: false,
        },
    );
    sous::finding::sort_and_dedup(&mut findings);
    findings
}

/// A `buf.yaml` (v2) that enables every breaking rule that is not deprecated.
pub fn every_breaking_rule() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = String::from("version: v2\nbreaking:\n  use:\n");
        for entry in catalog::rules(Kind::Breaking, Version::V2) {
            if !entry.deprecated {
                text.push_str(&format!("    - {}\n", entry.id));
            }
        }
        text
    })
}
