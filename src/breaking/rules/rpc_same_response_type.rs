//! RPC_SAME_RESPONSE_TYPE: an rpc's response message keeps its full name; reported at the type.

use super::prelude::*;

use super::element_common::type_name;

declare_rule!(RpcSameResponseType, "RPC_SAME_RESPONSE_TYPE");

impl Rule for RpcSameResponseType {
    fn check_method(&self, cx: &mut Context, old: &Method, new: &Method) {
        let (was, is) = (
            type_name(old.proto.output_type()),
            type_name(new.proto.output_type()),
        );
        if was != is {
            cx.report(
                new,
                &[tag::METHOD_OUTPUT_TYPE],
                format!(
                    "rpc {:?} of service {:?} changed its response type from {was:?} to {is:?}: clients still expect {was:?}; restore it, or add a new rpc",
                    new.proto.name(),
                    new.service_full_name,
                ),
            );
        }
    }
}
