//! IMPORT_NO_WEAK: deprecated; it never reports.
//!
//! buf parity: buf 1.75.0 accepts `IMPORT_NO_WEAK` in `use` (with a deprecation warning) but
//! replaces it with no rule at all, so a `weak` import is never reported by it. An unused weak
//! import is still reported by IMPORT_USED.

use super::prelude::*;

declare_rule!(ImportNoWeak, "IMPORT_NO_WEAK");

impl Rule for ImportNoWeak {}
