//! FIELD_SAME_CTYPE: deprecated; buf runs FIELD_SAME_CPP_STRING_TYPE in its place, so this rule
//! reports nothing itself.

use super::prelude::*;

declare_rule!(FieldSameCtype, "FIELD_SAME_CTYPE");

// buf parity: buf 1.75.0 never reports under this ID. Naming it (in `use`, `except` or
// `ignore_only`) names its replacement, FIELD_SAME_CPP_STRING_TYPE, whose findings carry the
// replacement's ID (the catalog expands it).
impl Rule for FieldSameCtype {}
