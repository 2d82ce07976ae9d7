//! RPC_PASCAL_CASE: RPC names are PascalCase.

use super::prelude::*;

declare_rule!(RpcPascalCase, "RPC_PASCAL_CASE");

impl Rule for RpcPascalCase {
    fn check_method(&self, cx: &mut Context, method: &MethodNode) {
        let name = method.proto.name();
        if !case::is_pascal_case(name) {
            cx.report(
                &path_with(method.path, &[tag::NAME]),
                format!(
                    "rpc {name:?} should be PascalCase: rename it to {:?}",
                    case::to_pascal_case(name)
                ),
            );
        }
    }
}
