//! buf images as the input of `lint` and `breaking` and as `--against`: each image is built by
//! the real buf from `fixtures/inputs/images/` at test time (`buf build DIR -o FILE`, in every
//! encoding), then checked by buf and by sous in a temporary directory, which is the current
//! directory whose `buf.yaml` (if any) configures the check.

use std::path::{Path, PathBuf};

use crate::common::*;
use crate::layouts::{same_as_buf, write};

fn source(name: &str) -> PathBuf {
    root().join("fixtures/inputs/images").join(name)
}

/// `buf build fixtures/inputs/images/<source> -o <dir>/<output> <flags>`, which must succeed.
fn build(dir: &Path, source_name: &str, output: &str, flags: &[&str]) {
    let from = source(source_name);
    let mut args = vec!["build", from.to_str().unwrap(), "-o", output];
    args.extend(flags);
    let out = buf(dir, &args);
    assert_eq!(out.code, 0, "buf {args:?}: {}{}", out.stdout, out.stderr);
}

#[test]
fn lint_reads_every_encoding_buf_writes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for output in [
        "new.binpb",
        "new.bin",
        "new.json",
        "new.txtpb",
        "new.binpb.gz",
        "new.json.zst",
        "new.txtpb.gz",
    ] {
        build(d, "new", output, &[]);
        assert_eq!(same_as_buf(d, &["lint", output], &[]), 100, "{output}");
    }
    // `#format=` names the encoding of a file whose extension does not, and `#compression=`
    // its compression; the extension still gives the compression when only the format is named.
    std::fs::copy(d.join("new.binpb"), d.join("new.dat")).unwrap();
    std::fs::copy(d.join("new.json"), d.join("new.data")).unwrap();
    std::fs::copy(d.join("new.binpb.gz"), d.join("new.gzipped")).unwrap();
    for input in [
        "new.dat#format=binpb",
        "new.dat#format=bin",
        "new.data#format=json",
        "new.binpb.gz#format=binpb",
        "new.binpb.gz#compression=gzip",
        "new.gzipped#format=binpb,compression=gzip",
        "new.json#format=json,compression=none",
    ] {
        assert_eq!(same_as_buf(d, &["lint", input], &[]), 100, "{input}");
    }
    build(d, "plain", "plain.yaml", &[]);
    build(d, "plain", "plain.yaml.zst", &[]);
    assert_eq!(same_as_buf(d, &["lint", "plain.yaml"], &[]), 100);
    assert_eq!(same_as_buf(d, &["lint", "plain.yaml.zst"], &[]), 100);
}

/// buf 1.75.0 cannot read back a YAML image whose files set custom options ("unknown field");
/// sous reads it as it reads the same image in binary.
#[test]
fn a_yaml_image_with_custom_options_reads_as_the_binary_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "new", "new.yaml", &[]);
    build(d, "new", "new.binpb", &[]);
    let json = ["--error-format", "json"];
    let yaml = sous(d, &[&["lint", "new.yaml"][..], &json].concat());
    let binary = sous(d, &[&["lint", "new.binpb"][..], &json].concat());
    assert_eq!(yaml.code, 100, "{}", yaml.stderr);
    assert_eq!(keys(&yaml.stdout), keys(&binary.stdout));
}

#[test]
fn an_image_is_checked_with_the_buf_yaml_of_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "new", "new.binpb", &[]);
    // v2 honours comment ignores (`customerName`); v1 defaults do not.
    write(d, &[("buf.yaml", "version: v2\n")]);
    same_as_buf(d, &["lint", "new.binpb"], &[]);
    // Of a v2 file with modules, the top-level rules, whatever the modules say.
    write(
        d,
        &[(
            "buf.yaml",
            "version: v2\nmodules:\n  - path: proto\n    lint:\n      use: [ENUM_PASCAL_CASE]\nlint:\n  use: [FIELD_LOWER_SNAKE_CASE]\n",
        )],
    );
    same_as_buf(d, &["lint", "new.binpb"], &[]);
    write(
        d,
        &[(
            "buf.yaml",
            "version: v2\nmodules:\n  - path: proto\n    lint:\n      use: [ENUM_PASCAL_CASE]\n",
        )],
    );
    same_as_buf(d, &["lint", "new.binpb"], &[]);
    // `ignore` paths are the image's file names.
    write(
        d,
        &[(
            "buf.yaml",
            "version: v1\nlint:\n  use: [FIELD_LOWER_SNAKE_CASE, ENUM_PASCAL_CASE]\n  ignore_only:\n    ENUM_PASCAL_CASE: [acme/v1/order.proto]\n",
        )],
    );
    same_as_buf(d, &["lint", "new.binpb"], &[]);
    same_as_buf(
        d,
        &[
            "lint",
            "new.binpb",
            "--config",
            r#"{"version":"v2","lint":{"use":["ENUM_VALUE_UPPER_SNAKE_CASE"]}}"#,
        ],
        &[],
    );
    std::fs::remove_file(d.join("buf.yaml")).unwrap();
    // Not the image's directory, and not searched for upward.
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::copy(d.join("new.binpb"), d.join("sub/new.binpb")).unwrap();
    write(
        d,
        &[(
            "sub/buf.yaml",
            "version: v1\nlint:\n  use: [ENUM_PASCAL_CASE]\n",
        )],
    );
    same_as_buf(d, &["lint", "sub/new.binpb"], &[]);
    write(
        d,
        &[(
            "buf.yaml",
            "version: v1\nlint:\n  use: [ENUM_PASCAL_CASE]\n",
        )],
    );
    std::fs::remove_file(d.join("sub/buf.yaml")).unwrap();
    same_as_buf(&d.join("sub"), &["lint", "new.binpb"], &[]);
}

#[test]
fn path_and_exclude_path_choose_among_the_image_s_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "new", "new.binpb", &[]);
    let cases: &[&[&str]] = &[
        &["--path", "acme/v1/order.proto"],
        &["--path", "acme"],
        &["--exclude-path", "acme/v1/options.proto"],
        // An import named by --path is a target too.
        &["--path", "google/protobuf/timestamp.proto"],
        &["--path", "google"],
        &[
            "--path",
            "google",
            "--exclude-path",
            "google/protobuf/descriptor.proto",
        ],
    ];
    for flags in cases {
        let args = [&["lint", "new.binpb"][..], flags].concat();
        assert_eq!(same_as_buf(d, &args, &[]), 100, "{flags:?}");
    }
    // Nothing left to check is an error.
    same_as_buf(d, &["lint", "new.binpb", "--path", "nothere"], &["no file"]);
    same_as_buf(
        d,
        &["lint", "new.binpb", "--exclude-path", "acme"],
        &["no file"],
    );
}

#[test]
fn descriptor_sets_without_buf_s_extension_or_source_info() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No extension: every file is a target, the well-known types too.
    build(d, "new", "set.binpb", &["--as-file-descriptor-set"]);
    assert_eq!(same_as_buf(d, &["lint", "set.binpb"], &[]), 100);
    // No source info: every finding at 1:1 of its file.
    build(d, "new", "bare.binpb", &["--exclude-source-info"]);
    assert_eq!(same_as_buf(d, &["lint", "bare.binpb"], &[]), 100);
    // Whether a file states its syntax is buf's extension's to say, not the source info's.
    build(d, "plain", "plain-bare.binpb", &["--exclude-source-info"]);
    build(d, "plain", "plain-set.binpb", &["--as-file-descriptor-set"]);
    build(
        d,
        "plain",
        "plain-bare-set.binpb",
        &["--as-file-descriptor-set", "--exclude-source-info"],
    );
    for input in [
        "plain-bare.binpb",
        "plain-set.binpb",
        "plain-bare-set.binpb",
    ] {
        assert_eq!(same_as_buf(d, &["lint", input], &[]), 100, "{input}");
    }
    build(d, "old", "old.binpb", &["--exclude-source-info"]);
    assert_eq!(
        same_as_buf(
            d,
            &["breaking", "bare.binpb", "--against", "old.binpb"],
            &[]
        ),
        100
    );
}

#[test]
fn breaking_between_images_and_other_sides() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "new", "new.binpb", &[]);
    build(d, "new", "new.json", &[]);
    build(d, "old", "old.binpb", &[]);
    build(d, "old", "old.txtpb.gz", &[]);
    build(d, "old", "old.set", &["--as-file-descriptor-set"]);
    let old_dir = source("old");
    let new_dir = source("new");
    let cases: &[&[&str]] = &[
        &["new.binpb", "--against", "old.binpb"],
        &["new.json", "--against", "old.txtpb.gz"],
        &["new.binpb", "--against", "old.set#format=binpb"],
        &[
            "new.binpb",
            "--against",
            "old.binpb",
            "--path",
            "acme/v1/order.proto",
        ],
        &[
            "new.binpb",
            "--against",
            "old.binpb",
            "--exclude-path",
            "acme/v1/legacy.proto",
        ],
        &["new.binpb", "--against", "old.binpb", "--exclude-imports"],
        &[
            "new.binpb",
            "--against",
            "old.binpb",
            "--limit-to-input-files",
        ],
        // Against sources, imports left out: the well-known types sous compiles are not
        // always the version buf carries (descriptor.proto differs).
        &[
            "new.binpb",
            "--against",
            old_dir.to_str().unwrap(),
            "--exclude-imports",
        ],
        &[
            new_dir.to_str().unwrap(),
            "--against",
            "old.binpb",
            "--exclude-imports",
        ],
    ];
    for flags in cases {
        let args = [&["breaking"][..], flags].concat();
        assert_eq!(same_as_buf(d, &args, &[]), 100, "{flags:?}");
    }
    // The image's own rules: the current directory's buf.yaml.
    write(
        d,
        &[(
            "buf.yaml",
            "version: v2\nbreaking:\n  use: [FIELD_SAME_TYPE]\n",
        )],
    );
    same_as_buf(d, &["breaking", "new.binpb", "--against", "old.binpb"], &[]);
    same_as_buf(d, &["breaking", "new.binpb", "--against", "new.json"], &[]);
}

/// With `--exclude-imports` the imports are not compared, but their types are still looked up: a
/// file the same on both sides is compared when what it imports changed, and the implied default
/// of its proto2 enum field is that of the import's enum (FIELD_SAME_DEFAULT at `holder.proto`).
#[test]
fn excluded_imports_are_still_looked_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "excluded_new", "new.binpb", &[]);
    build(d, "excluded_old", "old.binpb", &[]);
    write(
        d,
        &[("buf.yaml", "version: v2\nbreaking:\n  use: [FILE]\n")],
    );
    let holder = ["--path", "acme/v1/holder.proto"];
    for flags in [
        &holder[..],
        &[&holder[..], &["--exclude-imports"]].concat(),
        &["--exclude-imports"],
    ] {
        let args = [
            &["breaking", "new.binpb", "--against", "old.binpb"][..],
            flags,
        ]
        .concat();
        assert_eq!(same_as_buf(d, &args, &[]), 100, "{flags:?}");
    }
}

#[test]
fn images_that_cannot_be_read_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Without its imports an image does not hold what its files import.
    build(d, "new", "alone.binpb", &["--exclude-imports"]);
    same_as_buf(d, &["lint", "alone.binpb"], &["descriptor.proto"]);
    write(
        d,
        &[
            ("junk.binpb", "this is not protobuf"),
            ("junk.json", "{\"file\": [{\"name\": 3"),
            ("junk.txtpb", "file { nonsense: 1 }"),
            ("junk.binpb.gz", "not gzip"),
        ],
    );
    for input in ["junk.binpb", "junk.json", "junk.txtpb", "junk.binpb.gz"] {
        same_as_buf(d, &["lint", input], &[input]);
    }
    build(d, "new", "new.binpb", &[]);
    same_as_buf(
        d,
        &["breaking", "new.binpb", "--against", "junk.json"],
        &["junk.json"],
    );
}

/// Custom options in an image that holds editions files are read as from source: protovalidate's
/// rules on the fields of an editions file, reached through a chain of `import public`, give
/// buf's findings (the image's custom-options pool once refused editions files, and prost-reflect
/// panicked on them).
#[test]
fn custom_options_of_editions_files_in_an_image_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let validate = root()
        .join("fixtures/lint/protovalidate__impossible_rules/vendor/buf/validate/validate.proto");
    std::fs::create_dir_all(d.join("src/buf/validate")).unwrap();
    std::fs::copy(validate, d.join("src/buf/validate/validate.proto")).unwrap();
    let files = [
        (
            "src/v/c.proto",
            "syntax = \"proto3\";\n\npackage v;\n\nimport public \"buf/validate/validate.proto\";\n",
        ),
        (
            "src/v/b.proto",
            "syntax = \"proto3\";\n\npackage v;\n\nimport public \"v/c.proto\";\n",
        ),
        (
            "src/acme/a.proto",
            "edition = \"2023\";\n\npackage acme;\n\nimport \"v/b.proto\";\n\nmessage M {\n  string a = 1 [(buf.validate.field).string.min_len = 5, (buf.validate.field).string.max_len = 2];\n  int32 n = 2 [features.field_presence = IMPLICIT, (buf.validate.field).int32.gt = 10, (buf.validate.field).int32.lt = 5];\n}\n",
        ),
    ];
    write(d, &files);
    let out = buf(
        d,
        &["build", "src", "--path", "src/acme", "-o", "img.binpb"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    write(
        d,
        &[("buf.yaml", "version: v2\nlint:\n  use: [PROTOVALIDATE]\n")],
    );
    assert_eq!(same_as_buf(d, &["lint", "img.binpb"], &[]), 100);
    let ours = sous(d, &["lint", "img.binpb", "--error-format", "json"]);
    assert!(ours.stdout.contains("PROTOVALIDATE"), "{}", ours.stdout);
}
