//! Shared by the "element" breaking rules (enum, message and rpc properties compared pair by
//! pair): what a file's syntax implies for its enums and messages, readable names, and buf's
//! fallback when an option is not written in the new source.

use super::prelude::*;

/// Whether enums of `file` are open (proto3) rather than closed (proto2). sous compiles no
/// editions files, so the syntax decides.
pub fn enum_is_open(file: &File) -> bool {
    file.syntax() == "proto3"
}

/// The JSON format support buf derives for the elements of `file`: `ALLOW` in proto3,
/// `LEGACY_BEST_EFFORT` in proto2.
pub fn json_format(file: &File) -> &'static str {
    if file.syntax() == "proto3" {
        "ALLOW"
    } else {
        "LEGACY_BEST_EFFORT"
    }
}

/// A type name as written in a descriptor (`.pkg.Msg`) without the leading dot.
pub fn type_name(name: &str) -> &str {
    name.trim_start_matches('.')
}

/// Reports at the option `option_path` of element `at` (e.g. `[tag::METHOD_OPTIONS, tag::METHOD_OPTION_IDEMPOTENCY_LEVEL]` for a method's
/// `idempotency_level`), or at the whole file when the new source does not write that option.
///
/// buf parity: buf does not fall back to the element when an option it compares is absent from
/// the new file (e.g. removed, so the value is the default); it reports at 1:1 of the file.
pub fn report_option_or_file(
    cx: &mut Context,
    at: &impl Located,
    option_path: &[i32],
    message: String,
) {
    let path = path_with(at.path(), option_path);
    let written = cx
        .new_image()
        .file(at.file())
        .locations()
        .get(&path)
        .is_some();
    if written {
        cx.report_at(at.file(), &path, message);
    } else {
        cx.report_at(at.file(), &[], message);
    }
}

/// Reports at message `new` (whole). A map entry has no place of its own in the source: buf
/// reports it at the `map<...>` type of the field that declares it, and so do we.
pub fn report_message(cx: &mut Context, new: &Message, message: String) {
    if new.is_map_entry() && cx.new_image().file(new.file).span(&new.path).is_none() {
        if let Some((file, path)) = cx.new_image().map_field_type(&new.full_name) {
            cx.report_at(file, &path, message);
            return;
        }
    }
    cx.report(new, &[], message);
}
