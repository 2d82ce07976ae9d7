//! RPC_SAME_CLIENT_STREAMING: an rpc's request stays a stream or stays a single message;
//! reported at the whole rpc.

use super::prelude::*;

declare_rule!(RpcSameClientStreaming, "RPC_SAME_CLIENT_STREAMING");

impl Rule for RpcSameClientStreaming {
    fn check_method(&self, cx: &mut Context, old: &Method, new: &Method) {
        let (was, is) = (old.proto.client_streaming(), new.proto.client_streaming());
        if was != is {
            let word = |s: bool| {
                if s {
                    "a stream of requests"
                } else {
                    "a single request"
                }
            };
            cx.report(
                new,
                &[],
                format!(
                    "rpc {:?} of service {:?} changed from {} to {}: clients built for the old shape can no longer call it; add a new rpc instead",
                    new.proto.name(),
                    new.service_full_name,
                    word(was),
                    word(is),
                ),
            );
        }
    }
}
