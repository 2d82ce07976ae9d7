//! A `.proto` file input with `#include_package_files=true`: every file of its package in its
//! module is a target (a file of another module, or of another package, is not), for lint and
//! for breaking, compared with buf; and what buf refuses with a file input.

use super::same;
use crate::common::*;

/// Module `proto` holds package `acme.v1` in two directories (so PACKAGE_SAME_DIRECTORY fires
/// only when the whole package is linted) and `acme.v2`; module `other` has an `acme.v1` file
/// too, which is not part of the package's files in module `proto`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::layouts::write(
        dir.path(),
        &[
            ("buf.yaml", "version: v2\nmodules:\n  - path: proto\n  - path: other\n"),
            ("proto/acme/v1/a.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage a {}\n"),
            (
                "proto/acme/v1/b.proto",
                "syntax = \"proto3\";\n// package acme.v2;\npackage acme . v1;\nimport \"acme/v1/a.proto\";\nmessage b {}\n",
            ),
            ("proto/elsewhere/c.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage c {}\n"),
            ("proto/acme/v2/d.proto", "syntax = \"proto3\";\npackage acme.v2;\nmessage d {}\n"),
            ("other/acme/v1/e.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage e {}\n"),
            ("old/buf.yaml", "version: v2\n"),
            ("old/acme/v1/a.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage a { int32 x = 1; }\n"),
            ("old/acme/v1/b.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage b {}\n"),
            ("old/acme/v2/d.proto", "syntax = \"proto3\";\npackage acme.v2;\nmessage d {}\n"),
        ],
    );
    dir
}

#[test]
fn lint_the_files_of_the_package() {
    let dir = workspace();
    let d = dir.path();
    let all = same(
        d,
        &["lint", "proto/acme/v1/a.proto#include_package_files=true"],
        &[],
    );
    assert_eq!(all.code, 100);
    let paths: std::collections::BTreeSet<String> =
        keys(&all.stdout).into_iter().map(|k| k.0).collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        [
            "proto/acme/v1/a.proto",
            "proto/acme/v1/b.proto",
            "proto/elsewhere/c.proto"
        ]
    );
    for input in [
        "proto/acme/v1/a.proto",
        "proto/acme/v1/a.proto#include_package_files=false",
        "proto/acme/v2/d.proto#include_package_files=true",
        "proto/acme/v1/a.proto#format=protofile,include_package_files=true",
    ] {
        same(d, &["lint", input], &[]);
    }
    // From inside the module, paths shown from there.
    same(
        &d.join("proto"),
        &["lint", "acme/v1/a.proto#include_package_files=true"],
        &[],
    );
}

#[test]
fn breaking_with_the_files_of_the_package() {
    let dir = workspace();
    let d = dir.path();
    for (input, against) in [
        ("proto/acme/v1/a.proto#include_package_files=true", "old"),
        ("proto/acme/v1/a.proto", "old"),
        ("proto/acme/v1/a.proto#include_package_files=true", "proto"),
        ("proto", "proto/acme/v1/a.proto#include_package_files=true"),
        ("proto/acme/v1/a.proto", "old/acme/v1/a.proto"),
    ] {
        same(d, &["breaking", input, "--against", against], &[]);
    }
}

#[test]
fn what_a_file_input_refuses() {
    let dir = workspace();
    let d = dir.path();
    for (args, needles) in [
        (
            &["lint", "proto/acme/v1/a.proto#include_package_files=yes"][..],
            &["include_package_files", "true"][..],
        ),
        (
            &["lint", "proto/acme/v1/a.proto#include_package_files="],
            &["KEY=VALUE"],
        ),
        (
            &["lint", "proto/acme/v1/a.proto#subdir=x"],
            &["subdir", "protofile"],
        ),
        (
            &["lint", "proto/acme/v1/a.proto#format=proto"],
            &["unknown format"],
        ),
        (
            &[
                "lint",
                "proto/acme/v1/a.proto",
                "--path",
                "proto/acme/v1/b.proto",
            ],
            &["--path", "is a file"],
        ),
        (
            &[
                "lint",
                "proto/acme/v1/a.proto",
                "--exclude-path",
                "proto/acme/v1/b.proto",
            ],
            &["--exclude-path", "is a file"],
        ),
        (
            &[
                "lint",
                "proto/acme/v1/nope.proto#include_package_files=true",
            ],
            &["nope.proto"],
        ),
    ] {
        same(d, args, needles);
    }
}

/// `#format=dir` and `#format=protofile` name plain inputs explicitly; an empty path before `#`
/// is refused, as buf refuses it.
#[test]
fn format_selectors_for_plain_inputs() {
    let dir = workspace();
    let d = dir.path();
    same(d, &["lint", "proto#format=dir"], &[]);
    same(d, &["lint", "proto/acme/v1/a.proto#format=protofile"], &[]);
    same(
        d,
        &[
            "breaking",
            "proto#format=dir",
            "--against",
            "old#format=dir",
        ],
        &[],
    );
    same(d, &["lint", "#format=dir"], &["no path before #"]);
    same(
        d,
        &["lint", "proto#format=dir,subdir=x"],
        &["not for a directory"],
    );
}
