//! FILE_SAME_JAVA_STRING_CHECK_UTF8: deprecated; buf runs FIELD_SAME_JAVA_UTF8_VALIDATION in its
//! place, which compares the validation each string field gets, so this rule reports nothing.

use super::prelude::*;

declare_rule!(
    FileSameJavaStringCheckUtf8,
    "FILE_SAME_JAVA_STRING_CHECK_UTF8"
);

// buf parity: buf 1.75.0 never reports under this ID. Selecting it (in `use` or `except`) selects
// its replacement, FIELD_SAME_JAVA_UTF8_VALIDATION, whose findings carry the replacement's ID.
impl Rule for FileSameJavaStringCheckUtf8 {}
