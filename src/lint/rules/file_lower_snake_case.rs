//! FILE_LOWER_SNAKE_CASE: file names (without `.proto`) are lower_snake_case.

use super::prelude::*;

declare_rule!(FileLowerSnakeCase, "FILE_LOWER_SNAKE_CASE");

impl Rule for FileLowerSnakeCase {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        // Only the file name is checked; directories are free (`Sub-Dir/ok.proto` passes).
        let base = file.name().rsplit('/').next().unwrap_or_default();
        let stem = base.strip_suffix(".proto").unwrap_or(base);
        if !case::is_lower_snake_case(stem) {
            // buf parity: a file-level finding, printed at 1:1.
            cx.report(
                &[],
                format!(
                    "file name {base:?} should be lower_snake_case: rename it to \"{}.proto\"",
                    case::to_lower_snake_case(stem)
                ),
            );
        }
    }
}
