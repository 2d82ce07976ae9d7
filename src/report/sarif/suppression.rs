//! A finding accepted in the source (`// sous:breaking:ignore RULE reason`) as SARIF says it: a
//! result with a suppression of kind `inSource`, status `accepted`, its justification and the
//! place of the comment. Viewers (GitHub code scanning) show such a result as dismissed.

use super::model::{Location, SarifSuppression, Text};
use super::{physical, Report};
use crate::finding::Finding;

/// The suppressions of finding `f`: none, or the one its comment gives.
pub(super) fn of(report: &Report, f: &Finding) -> Vec<SarifSuppression> {
    f.suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: s.kind,
            status: "accepted",
            justification: s.justification.clone(),
            // The comment's place is `path:line`.
            location: s.location.rsplit_once(':').and_then(|(path, line)| {
                let line = line.parse().ok()?;
                Some(Location {
                    physical_location: physical(report, path, [line, 1, line, 1]),
                    message: Some(Text::new("the comment that accepts it")),
                })
            }),
        })
        .collect()
}
