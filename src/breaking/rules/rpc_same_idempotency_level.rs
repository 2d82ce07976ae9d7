//! RPC_SAME_IDEMPOTENCY_LEVEL: an rpc's `idempotency_level` option keeps its value (unset and
//! `IDEMPOTENCY_UNKNOWN` are the same); reported at the option, or at the whole file when the new
//! rpc does not write it.

use super::prelude::*;

use prost_types::method_options::IdempotencyLevel;

use super::element_common::report_option_or_file;

declare_rule!(RpcSameIdempotencyLevel, "RPC_SAME_IDEMPOTENCY_LEVEL");

fn level(method: &Method) -> IdempotencyLevel {
    method
        .proto
        .options
        .as_ref()
        .map_or(IdempotencyLevel::IdempotencyUnknown, |o| {
            o.idempotency_level()
        })
}

impl Rule for RpcSameIdempotencyLevel {
    fn check_method(&self, cx: &mut Context, old: &Method, new: &Method) {
        let (was, is) = (level(old), level(new));
        if was != is {
            let message = format!(
                "rpc {:?} of service {:?} changed idempotency_level from {} to {}: clients and proxies rely on it to retry or cache calls (and to use GET); restore {}",
                new.proto.name(),
                new.service_full_name,
                was.as_str_name(),
                is.as_str_name(),
                was.as_str_name(),
            );
            // buf parity: a removed option is reported at 1:1 of the file, not at the rpc.
            report_option_or_file(
                cx,
                new,
                &[tag::METHOD_OPTIONS, tag::METHOD_OPTION_IDEMPOTENCY_LEVEL],
                message,
            );
        }
    }
}
