//! Options older `descriptor.proto`s have but buf 1.75.0's (the one sous bundles) has not: buf
//! reports setting one as a `COMPILE` finding at the option's name, and so does sous, in its own
//! words, before the compiler sees the file. Today: `php_generic_services`, removed from
//! `FileOptions`.

use prost_types::FileDescriptorProto;

use super::options::find_in;
use super::{LineStarts, UNINTERPRETED_OPTION};
use crate::finding::Finding;
use crate::schema::Source;

/// `FileOptions` fields buf's `descriptor.proto` no longer has.
const REMOVED_FILE_OPTIONS: [&str; 1] = ["php_generic_services"];

/// The `COMPILE` findings of removed options that parsed file `file` (its options' locations
/// kept in it) sets.
pub(crate) fn removed_options(file: &FileDescriptorProto, source: &Source) -> Vec<Finding> {
    if !REMOVED_FILE_OPTIONS.iter().any(|o| source.text.contains(o)) {
        return Vec::new();
    }
    let Some(options) = &file.options else {
        return Vec::new();
    };
    let info = file.source_code_info.clone().unwrap_or_default();
    let lines = LineStarts::new(&source.text);
    let mut findings = Vec::new();
    for (index, option) in options.uninterpreted_option.iter().enumerate() {
        let Some(name) = option
            .name
            .first()
            .filter(|p| !p.is_extension && REMOVED_FILE_OPTIONS.contains(&p.name_part.as_str()))
        else {
            continue;
        };
        let path = [
            crate::descriptor::tag::FILE_OPTIONS,
            UNINTERPRETED_OPTION,
            index as i32,
        ];
        let Some(span) = info
            .location
            .iter()
            .find(|l| l.path == path)
            .and_then(|l| lines.range(&l.span))
        else {
            continue;
        };
        let (start, end) = find_in(&source.text, span, span.0, &name.name_part);
        findings.push(source.finding(
            start,
            end,
            "COMPILE",
            format!(
                "file option `{}` was removed from google/protobuf/descriptor.proto: delete it",
                name.name_part
            ),
        ));
    }
    findings
}
