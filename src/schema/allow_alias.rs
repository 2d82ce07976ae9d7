//! buf parity: `option allow_alias = true;` on an enum none of whose values shares a number with
//! another is a `COMPILE` finding at the option (its name through its value), as buf 1.75.0
//! reports it; the compiler accepts it.

use std::collections::HashSet;

use prost_types::EnumDescriptorProto;

use crate::descriptor::tag;
use crate::descriptor::walk::{walk, Site, Visitor};
use crate::finding::Finding;
use crate::schema::{Locations, Schema, Source};

/// The findings of `allow_alias` set on enums without aliases, in every file read from the
/// workspace.
pub(crate) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let mut enums = Unaliased::default();
        walk(file, &mut enums);
        if enums.paths.is_empty() {
            continue;
        }
        let locations = Locations::with_extra(file, file.extra_info());
        for (name, path) in enums.paths {
            let at = [
                &path[..],
                &[tag::ENUM_OPTIONS, tag::ENUM_OPTION_ALLOW_ALIAS],
            ]
            .concat();
            let message = format!(
                "enum `{name}` sets `allow_alias = true` but no two of its values share a number: remove the option"
            );
            findings.push(finding(source, &locations, &at, message));
        }
    }
    findings
}

/// A finding at the option statement at `path`, from its name through its value (the statement
/// without `option` and `;`), where buf places it.
fn finding(source: &Source, locations: &Locations, path: &[i32], message: String) -> Finding {
    let Some(span) = locations.span(source, path) else {
        return source.file_finding("COMPILE", message);
    };
    let (start, end) = source.statement_body(span.start, span.end, "option");
    source.finding(start, end, "COMPILE", message)
}

/// The enums that allow aliases and have none: full name and path.
#[derive(Default)]
struct Unaliased {
    paths: Vec<(String, Vec<i32>)>,
}

impl<'a> Visitor<'a> for Unaliased {
    fn enum_(&mut self, e: &'a EnumDescriptorProto, at: &Site) {
        if !e.options.as_ref().is_some_and(|o| o.allow_alias()) {
            return;
        }
        let mut numbers = HashSet::new();
        if e.value.iter().all(|v| numbers.insert(v.number())) {
            (self.paths).push((at.full_name.to_string(), at.path.to_vec()));
        }
    }
}
