//! RPC_RESPONSE_STANDARD_NAME: an RPC's response type is named `<Rpc>Response` or `<Service><Rpc>Response`.

use super::prelude::*;

declare_rule!(RpcResponseStandardName, "RPC_RESPONSE_STANDARD_NAME");

impl Rule for RpcResponseStandardName {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        let full = method.proto.output_type().trim_start_matches('.');
        if full == "google.protobuf.Empty" && cx.config().rpc_allow_google_protobuf_empty_responses
        {
            return;
        }
        // Only the type's own name counts: its package and enclosing messages may be anything.
        let name = full.rsplit('.').next().unwrap_or(full);
        let rpc = method.proto.name();
        // buf parity: the expected names are built from the RPC's and the service's names in
        // PascalCase (`Get_status` expects `GetStatusResponse`), never as written.
        let pascal = case::to_pascal_case(rpc);
        let short = format!("{pascal}Response");
        let long = format!("{}{pascal}Response", case::to_pascal_case(method.service.name()));
        if name != short && name != long {
            cx.report(
                &path_with(method.path, &[tag::METHOD_OUTPUT_TYPE]),
                format!("RPC {rpc:?} has response type {name:?}: name it {short:?} (or {long:?})"),
            );
        }
    }
}
