//! MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR: `no_standard_descriptor_accessor` is not
//! turned on (from unset or false to true); reported at the option.

use super::prelude::*;

declare_rule!(
    MessageNoRemoveStandardDescriptorAccessor,
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR"
);

fn set(message: &Message) -> bool {
    message
        .proto
        .options
        .as_ref()
        .is_some_and(|o| o.no_standard_descriptor_accessor())
}

impl Rule for MessageNoRemoveStandardDescriptorAccessor {
    fn check_message(&self, cx: &mut Context, old: &Message, new: &Message) {
        if !set(old) && set(new) {
            cx.report(
                new,
                &[
                    tag::MESSAGE_OPTIONS,
                    tag::MESSAGE_OPTION_NO_STANDARD_DESCRIPTOR_ACCESSOR,
                ],
                format!(
                    "message {:?} turned on no_standard_descriptor_accessor: generated code loses its `descriptor()` accessor; remove the option",
                    new.full_name,
                ),
            );
        }
    }
}
