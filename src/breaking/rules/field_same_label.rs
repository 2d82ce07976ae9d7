//! FIELD_SAME_LABEL: deprecated; buf runs FIELD_SAME_CARDINALITY,
//! FIELD_WIRE_COMPATIBLE_CARDINALITY and FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY in its place.
//!
//! The catalog replaces the ID with its replacements wherever a configuration names it, so this
//! rule never runs; it exists to bind the ID to its catalog entry.

use super::prelude::*;

declare_rule!(FieldSameLabel, "FIELD_SAME_LABEL");

impl Rule for FieldSameLabel {}
