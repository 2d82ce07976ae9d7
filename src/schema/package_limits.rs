//! buf parity: a package name longer than 512 bytes, or of more than 101 components, is a
//! `COMPILE` finding at the name, as buf 1.75.0 reports it ("too large"); the compiler takes it.

use crate::descriptor::tag;
use crate::finding::Finding;
use crate::schema::{Locations, Schema};

/// The longest package name buf takes, in bytes.
const MAX_BYTES: usize = 512;
/// The most components a package name buf takes may have.
const MAX_COMPONENTS: usize = 101;

/// The findings of package names too large, in every file read from the workspace.
pub(crate) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in &schema.files {
        let package = file.package();
        let components = package.split('.').count();
        if package.len() <= MAX_BYTES && components <= MAX_COMPONENTS {
            continue;
        }
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let message = format!(
            "package name `{}…` is too large ({} bytes, {components} components): buf takes at most {MAX_BYTES} bytes and {MAX_COMPONENTS} components; shorten it",
            package.chars().take(40).collect::<String>(),
            package.len()
        );
        let locations = Locations::with_extra(file, file.extra_info());
        let Some(span) = locations.span(source, &[tag::FILE_PACKAGE]) else {
            findings.push(source.file_finding("COMPILE", message));
            continue;
        };
        // The statement without `package` and `;`: the name, where buf places it.
        let (start, end) = source.statement_body(span.start, span.end, "package");
        findings.push(source.finding(start, end, "COMPILE", message));
    }
    findings
}
