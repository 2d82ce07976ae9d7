//! RPC_SAME_SERVER_STREAMING: an rpc's response stays a stream or stays a single message;
//! reported at the whole rpc.

use super::prelude::*;

declare_rule!(RpcSameServerStreaming, "RPC_SAME_SERVER_STREAMING");

impl Rule for RpcSameServerStreaming {
    fn check_method(&self, cx: &mut Context, old: &Method, new: &Method) {
        let (was, is) = (old.proto.server_streaming(), new.proto.server_streaming());
        if was != is {
            let word = |s: bool| {
                if s {
                    "a stream of responses"
                } else {
                    "a single response"
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
