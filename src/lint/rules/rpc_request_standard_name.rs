//! RPC_REQUEST_STANDARD_NAME: an RPC's request type is named `<Rpc>Request` or `<Service><Rpc>Request`.

use super::prelude::*;

declare_rule!(RpcRequestStandardName, "RPC_REQUEST_STANDARD_NAME");

impl Rule for RpcRequestStandardName {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        let full = method.proto.input_type().trim_start_matches('.');
        if full == "google.protobuf.Empty" && cx.config().rpc_allow_google_protobuf_empty_requests {
            return;
        }
        // Only the type's own name counts: its package and enclosing messages may be anything.
        let name = full.rsplit('.').next().unwrap_or(full);
        let rpc = method.proto.name();
        // buf parity: the expected names are built from the RPC's and the service's names in
        // PascalCase (`Get_status` expects `GetStatusRequest`), never as written.
        let pascal = case::to_pascal_case(rpc);
        let short = format!("{pascal}Request");
        let long = format!("{}{pascal}Request", case::to_pascal_case(method.service.name()));
        if name != short && name != long {
            cx.report(
                &path_with(method.path, &[tag::METHOD_INPUT_TYPE]),
                format!("RPC {rpc:?} has request type {name:?}: name it {short:?} (or {long:?})"),
            );
        }
    }
}
