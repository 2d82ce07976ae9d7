//! RPC_SAME_REQUEST_TYPE: an rpc's request message keeps its full name; reported at the type.

use super::prelude::*;

use super::element_common::type_name;

declare_rule!(RpcSameRequestType, "RPC_SAME_REQUEST_TYPE");

impl Rule for RpcSameRequestType {
    fn check_method(&self, cx: &mut Context, old: &Method, new: &Method) {
        let (was, is) = (
            type_name(old.proto.input_type()),
            type_name(new.proto.input_type()),
        );
        if was != is {
            cx.report(
                new,
                &[tag::METHOD_INPUT_TYPE],
                format!(
                    "rpc {:?} of service {:?} changed its request type from {was:?} to {is:?}: clients still send {was:?}; restore it, or add a new rpc",
                    new.proto.name(),
                    new.service_full_name,
                ),
            );
        }
    }
}
