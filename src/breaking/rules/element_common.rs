//! Shared by the "element" breaking rules (enum, message and rpc properties compared pair by
//! pair): what a file's syntax implies for its enums and messages, readable names, and buf's
//! fallback when an option is not written in the new source.

use super::prelude::*;

/// Whether the enum at `path` of `file` is open rather than closed: its resolved `enum_type`
/// (proto3 enums are open, proto2 enums closed).
pub fn enum_is_open(file: &File, path: &[i32]) -> bool {
    file.feature(path, "enum_type") == "OPEN"
}

/// The JSON format support of the message or enum at `path` of `file`: its resolved
/// `json_format` (`ALLOW` in proto3, `LEGACY_BEST_EFFORT` in proto2).
pub fn json_format<'f>(file: &'f File, path: &[i32]) -> &'f str {
    file.feature(path, "json_format")
}

/// Where buf reports a change of feature `key` of an element of kind `target`: at the option
/// that sets it on the element itself, else (as [`Context::report`] falls back) the element.
pub fn feature_option(target: crate::schema::editions::Target, key: &str) -> Vec<i32> {
    crate::schema::editions::features::option_suffix(target, key)
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
