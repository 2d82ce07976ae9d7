//! SERVICE_PASCAL_CASE: service names are PascalCase.

use super::prelude::*;

declare_rule!(ServicePascalCase, "SERVICE_PASCAL_CASE");

impl Rule for ServicePascalCase {
    fn check_service(&self, cx: &mut Context, service: &ServiceNode) {
        let name = service.proto.name();
        if !case::is_pascal_case(name) {
            cx.report(
                &path_with(service.path, &[tag::NAME]),
                format!(
                    "service {name:?} should be PascalCase: rename it to {:?}",
                    case::to_pascal_case(name)
                ),
            );
        }
    }
}
