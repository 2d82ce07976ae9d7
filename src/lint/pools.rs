//! Lint's memory policy: which prost-reflect pools the compiler keeps for lint. Lint reads
//! custom options from a target's pool; a pool let go is read first for what IMPORT_USED needs.

use crate::schema::PoolPolicy;

/// Lint keeps the pools of up to this many targets, which is fastest; above it, each group's
/// pool is let go when the group is done, so a very large tree needs a fraction of the memory
/// and fewer fresh pages. `SOUS_KEEP_POOLS_UP_TO` sets another limit.
const KEEP_POOLS_UP_TO: usize = 20_000;

/// Lint reads protovalidate's options from the pool itself, so a pool that holds them is
/// always kept.
const VALIDATE_PACKAGE: &str = "buf.validate";

/// The pools lint needs kept, with the limit `SOUS_KEEP_POOLS_UP_TO` sets, if any. Called once
/// per run by `invocation::compile_options`, which gathers the environment a compile depends on.
pub fn policy() -> PoolPolicy {
    PoolPolicy {
        keep_up_to: std::env::var("SOUS_KEEP_POOLS_UP_TO")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(KEEP_POOLS_UP_TO),
        keep_holding: vec![VALIDATE_PACKAGE.to_string()],
    }
}
