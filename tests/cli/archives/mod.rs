//! The inputs beyond a directory or a file on disk, each compared with the real buf: archives
//! (`archive.rs`, built in temporary directories at test time), a git reference as the input
//! (`git_input.rs`), a `.proto` file with `include_package_files` (`package.rs`), and the remote
//! inputs sous refuses with advice (`remote.rs`).

mod archive;
mod git_input;
mod package;
mod remote;

use std::path::Path;

use crate::common::*;

/// A module with lint findings, under `root/proto` (with its `buf.yaml`): `Bad_name` and
/// `other` break naming rules, and the package does not match the directory seen from above.
pub(crate) const ORDER_V1: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string Bad_name = 2;\n}\n";
pub(crate) const ORDER_V2: &str =
    "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n}\n";
pub(crate) const OTHER: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage other {}\n";

/// The files of the module tree above, by path.
pub(crate) fn module_files(prefix: &str) -> Vec<(String, String)> {
    [
        ("proto/buf.yaml", "version: v2\n"),
        ("proto/acme/v1/order.proto", ORDER_V1),
        ("proto/acme/v1/other.proto", OTHER),
    ]
    .iter()
    .map(|(p, t)| (format!("{prefix}{p}"), t.to_string()))
    .collect()
}

/// Runs `args` with buf and sous in `cwd` and asserts the same exit code and findings; on an
/// error (exit 1), that sous's message holds each of `needles`. Returns sous's output.
pub(crate) fn same(cwd: &Path, args: &[&str], needles: &[&str]) -> Output {
    crate::layouts::same_as_buf(cwd, args, needles);
    let mut args = args.to_vec();
    args.extend(["--error-format", "json"]);
    sous(cwd, &args)
}

/// Asserts a clear error: exit 1, nothing on stdout, no panic, and each of `needles` said.
pub(crate) fn assert_error(out: &Output, needles: &[&str]) {
    assert_eq!(
        out.code, 1,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    for n in needles {
        assert!(out.stderr.contains(n), "stderr lacks {n:?}: {}", out.stderr);
    }
}
