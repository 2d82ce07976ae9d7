//! buf parity: `nan` and `inf` are float values of options, in a broken file too. The resolver
//! hands a file out with the values of the options the compiler refused them for made floats
//! (see [`crate::schema::accept::non_finite_floats`]); a broken file compiled again for its
//! later errors is given the same, before the compiler sees it, so that it is handed out with
//! its text (which places the errors) and those values are never reported.

use prost_types::FileDescriptorProto;

use super::super::{accept, errors};
use super::error_source::Counting;
use super::recovered;

/// `base` compiled in place of file `name`, as [`recovered::compile`] does, with the `nan` and
/// `inf` values of the float options the compiler refuses (now or before) made floats in it:
/// compiled again as long as it refuses others.
pub(super) fn compile(
    counting: &Counting,
    name: &str,
    base: &mut FileDescriptorProto,
) -> Result<Option<FileDescriptorProto>, Option<protox::Error>> {
    let resolver = &counting.inner;
    loop {
        let marked = resolver
            .non_finite
            .lock()
            .ok()
            .and_then(|marked| marked.get(name).cloned());
        if let Some(marked) = marked {
            accept::non_finite_floats(base, &marked);
        }
        match recovered::compile(counting, name, base) {
            Err(Some(err)) if err.file() == Some(name) => {
                let options = errors::non_finite_options(&err);
                // Each round marks one more option at least: this ends.
                if !options.iter().fold(false, |marked, option| {
                    resolver.mark_non_finite(name, option) | marked
                }) {
                    return Err(Some(err));
                }
            }
            other => return other,
        }
    }
}
