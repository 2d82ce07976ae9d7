//! MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT: deprecated; it never reports.
//!
//! buf parity: buf 1.75.0 accepts the ID in `use` (with a deprecation warning) but runs no rule
//! for it; besides, it refuses any input with a `message_set_wire_format = true` message, so there
//! is never a change to report.

use super::prelude::*;

declare_rule!(
    MessageSameMessageSetWireFormat,
    "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT"
);

impl Rule for MessageSameMessageSetWireFormat {}
