//! SERVICE_SUFFIX: service names end with the configured suffix (`Service` by default).

use super::prelude::*;

declare_rule!(ServiceSuffix, "SERVICE_SUFFIX");

impl Rule for ServiceSuffix {
    fn check_service(&self, cx: &mut Context, service: &ServiceNode) {
        // buf parity: an empty `service_suffix` means the default, not "any name".
        let suffix = match cx.config().service_suffix.as_str() {
            "" => "Service",
            s => s,
        }
        .to_string();
        let name = service.proto.name();
        if name.ends_with(&suffix) {
            return;
        }
        // `Billingservice` -> `BillingService`, not `BillingserviceService`.
        let stem = name
            .len()
            .checked_sub(suffix.len())
            .and_then(|cut| Some((name.get(..cut)?, name.get(cut..)?)))
            .filter(|(_, tail)| tail.eq_ignore_ascii_case(&suffix))
            .map_or(name, |(stem, _)| stem);
        cx.report(
            &path_with(service.path, &[tag::NAME]),
            format!("service {name:?} should end with {suffix:?}: rename it to \"{stem}{suffix}\""),
        );
    }
}
