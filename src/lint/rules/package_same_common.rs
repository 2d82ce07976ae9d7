//! Shared logic of the PACKAGE_SAME_* rules: every target file of one package must agree on one
//! file option.
//!
//! buf parity: files group by package within one module's target files (package-less files form
//! the group `""`). A file that does not set the option, or sets a string option to `""`, counts
//! as "no value"; a group whose files all lack the option is fine. When a group holds more than
//! one distinct state, every file of the group is reported, at its option statement, or at 1:1
//! when the file has none. `java_multiple_files = false` is a value, different from absent.

use prost_types::FileOptions;

use super::prelude::*;

/// One file option that all files of a package must agree on.
pub(super) struct SameOption {
    /// The option's name, as written in `option <name> = ...;`.
    pub name: &'static str,
    /// Field number in `FileOptions`, for the option statement's descriptor path `[8, number]`.
    pub number: i32,
    /// The option's value in one file; `None` when unset (or set to the empty string).
    pub value: fn(&FileOptions) -> Option<String>,
    /// Whether values are strings, shown quoted in messages.
    pub quoted: bool,
}

impl SameOption {
    fn show(&self, value: &str) -> String {
        if self.quoted {
            format!("{value:?}")
        } else {
            value.to_string()
        }
    }
}

/// A string option's value, where `""` means unset, as buf treats it.
pub(super) fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.is_empty()).cloned()
}

/// Reports every file of each package whose files disagree on `option`.
pub(super) fn check(cx: &mut Context, files: &[FileNode], option: &SameOption) {
    for (package, group) in crate::lint::group_by(files, |f| f.proto.package().to_string()) {
        let values: Vec<Option<String>> = group
            .iter()
            .map(|f| f.proto.options.as_ref().and_then(option.value))
            .collect();
        let mut set: Vec<String> = values.iter().flatten().cloned().collect();
        set.sort();
        set.dedup();
        let unset = values.iter().any(Option::is_none);
        if set.is_empty() || (set.len() == 1 && !unset) {
            continue;
        }
        let shown = set
            .iter()
            .map(|v| option.show(v))
            .collect::<Vec<_>>()
            .join(", ");
        let package_name = if package.is_empty() {
            "files without a package".to_string()
        } else {
            format!("files of package {package:?}")
        };
        let name = option.name;
        let problem = if unset {
            format!(
                "{package_name} disagree on option {name}: some set {shown}, some leave it unset"
            )
        } else {
            format!("{package_name} disagree on option {name}: they set {shown}")
        };
        for (file, value) in group.iter().zip(&values) {
            let this = match value {
                Some(v) => format!("this file sets {}", option.show(v)),
                None => "this file leaves it unset".to_string(),
            };
            cx.report_in(
                file,
                &[tag::FILE_OPTIONS, option.number],
                format!("{problem} ({this}); give every file of the package the same value"),
            );
        }
    }
}
