//! buf parity: an option statement without a value (`option (acme.v1.tag).name;`) is kept by
//! buf for its later steps: its name is resolved (and reported if it is not found), no value
//! is checked, and the option's own field is not set by it. The parser keeps it with a value
//! no option takes (`protox_parse::VALUELESS_MARKER`, see its `parse_recovered`); the
//! compiler's errors for that value, and an option set again after it (the compiler counts the
//! kept one as set), are artifacts of the recovery, not the file's errors.

use miette::Diagnostic;

/// Whether `diagnostic` (of a compile of `text` as its parser recovered it) comes of an option
/// kept without a value.
pub(super) fn artifact(diagnostic: &dyn Diagnostic, text: &str) -> bool {
    let message = diagnostic.to_string();
    if message.contains(protox_parse::VALUELESS_MARKER) {
        return true;
    }
    if !(message.starts_with("option field '") && message.ends_with("' has already been set")) {
        return false;
    }
    // Placed at the option's name (see `option_name_part`): set before by a statement of that
    // name without a value?
    let Some((start, end)) = super::primary_span(diagnostic, text) else {
        return false;
    };
    let name = &text[start..end];
    let before = &text[..start];
    before.match_indices(name).any(|(at, _)| {
        let head = before[..at].trim_end();
        let tail = before[at + name.len()..].trim_start();
        head.ends_with("option") && head.len() < at && tail.starts_with(';')
    })
}
