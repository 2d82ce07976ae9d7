//! sous: the fields of descriptor.proto's options messages (as buf 1.75.0 bundles it), for the
//! name of an option statement without a value: buf keeps such an option for its later steps
//! and reports its name when it finds no such field (see `buf_shape`), and with no value the
//! statement cannot go to the compiler.

use super::buf_shape::Body;

/// The options message of `body`'s option statements and its fields.
pub(super) fn of(body: Body) -> Option<(&'static str, &'static [&'static str])> {
    Some(match body {
        Body::File => (
            "FileOptions",
            &[
                "java_package",
                "java_outer_classname",
                "java_multiple_files",
                "java_generate_equals_and_hash",
                "java_string_check_utf8",
                "optimize_for",
                "go_package",
                "cc_generic_services",
                "java_generic_services",
                "py_generic_services",
                "deprecated",
                "cc_enable_arenas",
                "objc_class_prefix",
                "csharp_namespace",
                "swift_prefix",
                "php_class_prefix",
                "php_namespace",
                "php_metadata_namespace",
                "ruby_package",
                "features",
                "uninterpreted_option",
            ],
        ),
        Body::Message => (
            "MessageOptions",
            &[
                "message_set_wire_format",
                "no_standard_descriptor_accessor",
                "deprecated",
                "map_entry",
                "deprecated_legacy_json_field_conflicts",
                "features",
                "uninterpreted_option",
            ],
        ),
        Body::Enum => (
            "EnumOptions",
            &[
                "allow_alias",
                "deprecated",
                "deprecated_legacy_json_field_conflicts",
                "features",
                "uninterpreted_option",
            ],
        ),
        Body::Oneof => ("OneofOptions", &["features", "uninterpreted_option"]),
        Body::Service => (
            "ServiceOptions",
            &["features", "deprecated", "uninterpreted_option"],
        ),
        Body::Method => (
            "MethodOptions",
            &[
                "deprecated",
                "idempotency_level",
                "features",
                "uninterpreted_option",
            ],
        ),
        Body::Extend => return None,
    })
}
