//! RPC_NO_CLIENT_STREAMING: no RPC streams its request.

use super::prelude::*;

declare_rule!(RpcNoClientStreaming, "RPC_NO_CLIENT_STREAMING");

impl Rule for RpcNoClientStreaming {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        if method.proto.client_streaming() {
            cx.report(
                method.path,
                format!(
                    "RPC {:?} streams its request: make it unary, and send a list in one message if needed",
                    method.proto.name()
                ),
            );
        }
    }
}
