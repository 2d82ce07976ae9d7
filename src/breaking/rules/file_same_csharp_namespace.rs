//! FILE_SAME_CSHARP_NAMESPACE: the `csharp_namespace` file option keeps its effective value (unset equals the
//! default); reported at the new `option` statement, or at the file when it was removed.

use super::prelude::*;

use super::file_option_common::{check, quoted, FileOption};

declare_rule!(FileSameCsharpNamespace, "FILE_SAME_CSHARP_NAMESPACE");

const OPTION: FileOption = FileOption {
    name: "csharp_namespace",
    number: tag::FILE_OPTION_CSHARP_NAMESPACE,
    value: |o| quoted(o.csharp_namespace()),
    advice:
        "generated C# classes move to another namespace, so C# code using them no longer compiles",
};

impl Rule for FileSameCsharpNamespace {
    fn check_file(&self, cx: &mut Context, old: &File, new: &File) {
        check(cx, &OPTION, old, new);
    }
}
