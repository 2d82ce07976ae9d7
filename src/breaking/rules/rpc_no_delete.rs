//! RPC_NO_DELETE: every method of a service (paired by full name, in any file) is still there,
//! by name.

use super::prelude::*;

declare_rule!(RpcNoDelete, "RPC_NO_DELETE");

impl Rule for RpcNoDelete {
    fn check_service(&self, cx: &mut Context, old: &Service, new: &Service) {
        for method in &old.proto.method {
            if new.proto.method.iter().any(|m| m.name() == method.name()) {
                continue;
            }
            cx.report_with_old(
                old.file,
                new,
                &[],
                format!(
                    "RPC {:?} of service {:?} was deleted: clients calling it get UNIMPLEMENTED and generated stubs lose the method; restore it, or deprecate it (`option deprecated = true;`) until no client calls it",
                    method.name(),
                    new.full_name
                ),
            );
        }
    }
}
