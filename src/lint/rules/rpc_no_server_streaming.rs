//! RPC_NO_SERVER_STREAMING: no RPC streams its response.

use super::prelude::*;

declare_rule!(RpcNoServerStreaming, "RPC_NO_SERVER_STREAMING");

impl Rule for RpcNoServerStreaming {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        if method.proto.server_streaming() {
            cx.report(
                method.path,
                format!(
                    "RPC {:?} streams its response: make it unary, and send a list in one message if needed",
                    method.proto.name()
                ),
            );
        }
    }
}
