//! The FILE_SAME_<OPTION> rules: one comparison of a file option between the old and the new
//! version of a file, parameterised by the option's field number in `FileOptions`, how to read
//! its value and what a change breaks. Each rule file only describes its option.
//!
//! buf compares effective values: an unset option equals the option set to its default
//! (`java_multiple_files = false`, `optimize_for = SPEED`, `cc_enable_arenas = true`, an empty
//! string), so writing out a default or removing it is not a change.

use super::prelude::*;

use prost_types::file_options::OptimizeMode;
use prost_types::FileOptions;

/// One file option, as a FILE_SAME_<OPTION> rule sees it.
pub struct FileOption {
    /// The option's name in `.proto` source.
    pub name: &'static str,
    /// Its field number in `google.protobuf.FileOptions`.
    pub number: i32,
    /// Its effective value (the default when unset), as written in source.
    pub value: fn(&FileOptions) -> String,
    /// Who is broken when it changes, in a few words, and what to do.
    pub advice: &'static str,
}

/// Quotes a string option's value as source would spell it.
pub fn quoted(value: &str) -> String {
    format!("{value:?}")
}

/// `optimize_for`'s value by the name its enum gives it.
pub fn optimize_mode(options: &FileOptions) -> String {
    match options.optimize_for() {
        OptimizeMode::Speed => "SPEED",
        OptimizeMode::CodeSize => "CODE_SIZE",
        OptimizeMode::LiteRuntime => "LITE_RUNTIME",
    }
    .to_string()
}

/// Reports `option` when its effective value differs between `old` and `new`.
pub fn check(cx: &mut Context, option: &FileOption, old: &File, new: &File) {
    let unset = FileOptions::default();
    let before = (option.value)(old.proto.options.as_ref().unwrap_or(&unset));
    let after = (option.value)(new.proto.options.as_ref().unwrap_or(&unset));
    if before == after {
        return;
    }
    let set_before = old
        .locations()
        .get(&[tag::FILE_OPTIONS, option.number])
        .is_some()
        || old.source.is_none();
    let fix = if set_before {
        format!("restore `option {} = {before};`", option.name)
    } else {
        format!("remove the option (unset means {before})")
    };
    let message = format!(
        "option {} of file {:?} changed from {before} to {after}: {}; {fix}",
        option.name, new.name, option.advice
    );
    // buf parity: a changed option is reported at its `option` statement; one the new file no
    // longer sets (back to its default) has no statement and is reported at the file (1:1).
    report_at_file_part(cx, new, &[tag::FILE_OPTIONS, option.number], message);
}

/// Reports at a part of file `new` (`path`), or at the whole file (1:1) when the source does not
/// spell that part out.
pub fn report_at_file_part(cx: &mut Context, new: &File, path: &[i32], message: String) {
    let Some(&index) = cx.new_image().by_name.get(new.name) else {
        return;
    };
    let path = if new.locations().get(path).is_some() {
        path
    } else {
        &[]
    };
    cx.report_at(index, path, message);
}
