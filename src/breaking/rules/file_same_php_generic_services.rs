//! FILE_SAME_PHP_GENERIC_SERVICES: deprecated; the `php_generic_services` option no longer exists
//! in descriptor.proto, so this rule reports nothing.

use super::prelude::*;

declare_rule!(FileSamePhpGenericServices, "FILE_SAME_PHP_GENERIC_SERVICES");

// buf parity: buf 1.75.0 rejects `option php_generic_services` in source, and ignores field 42
// of FileOptions even in a binary image that carries it (a change from false to true there is
// not reported), so the rule never fires.
impl Rule for FileSamePhpGenericServices {}
