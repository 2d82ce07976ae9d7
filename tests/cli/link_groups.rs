//! A large input is compiled in groups, one compiler per core. These tests build a workspace big
//! enough to be split, and check that the groups give exactly what one compiler gives, with the
//! errors that only one compiler sees (a name defined by two files that never import each other).

use std::path::Path;

use crate::common::*;

const PACKAGES: usize = 12;
const FILES: usize = 15;

/// 180 files in 12 packages. Each file imports the one before it in its package and the custom
/// option of the first package, and some break lint rules or import what they do not use.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), "version: v2\n").unwrap();
    for p in 0..PACKAGES {
        let pkg = format!("acme/pkg{p}/v1");
        std::fs::create_dir_all(dir.path().join(&pkg)).unwrap();
        for f in 0..FILES {
            let mut text = format!("syntax = \"proto3\";\n\npackage acme.pkg{p}.v1;\n\n");
            if p == 0 && f == 0 {
                text.push_str("import \"google/protobuf/descriptor.proto\";\n\n");
                text.push_str(
                    "extend google.protobuf.FieldOptions {\n  string label = 50001;\n}\n\n",
                );
            } else {
                if !(p == 0 && f == 1) {
                    text.push_str("import \"acme/pkg0/v1/file0.proto\";\n");
                }
                if f > 0 {
                    text.push_str(&format!("import \"{pkg}/file{}.proto\";\n", f - 1));
                }
                if f % 4 == 3 {
                    text.push_str("import \"google/protobuf/timestamp.proto\";\n");
                }
                text.push('\n');
            }
            text.push_str(&format!("// Thing{f} is a thing.\nmessage Thing{f} {{\n"));
            text.push_str(&format!(
                "  // id names it.\n  string id = 1 [(acme.pkg0.v1.label) = \"x{f}\"];\n"
            ));
            if f > 0 {
                text.push_str(&format!(
                    "  // prev links it.\n  Thing{} prev = 2;\n",
                    f - 1
                ));
            }
            if f % 5 == 2 {
                text.push_str("  string badName = 3;\n");
            }
            text.push_str("}\n");
            if f % 7 == 6 {
                text.push_str(&format!(
                    "\nenum kind{f} {{\n  KIND{f}_UNSPECIFIED = 0;\n}}\n"
                ));
            }
            std::fs::write(dir.path().join(&pkg).join(format!("file{f}.proto")), text).unwrap();
        }
    }
    dir
}

/// Lints `dir` in one group, then in as many as four, and returns both outputs; the second run
/// must really have been split (one "link group" stage per group).
fn lint_both(dir: &Path) -> (Output, Output) {
    let args = ["lint", "--error-format", "json"];
    let one = sous_env(dir, &args, &[("SOUS_LINK_GROUPS", "1")]);
    let many = sous_env(
        dir,
        &args,
        &[("RAYON_NUM_THREADS", "4"), ("SOUS_TRACE", "1")],
    );
    let stages = many.stderr.matches("trace: link group").count();
    assert!(stages >= 2, "not split into groups:\n{}", many.stderr);
    (one, many)
}

#[test]
fn groups_find_what_one_compiler_finds_and_what_buf_finds() {
    let dir = workspace();
    let (one, many) = lint_both(dir.path());
    assert_eq!(one.code, 100, "{}", one.stderr);
    assert_eq!(many.code, one.code);
    assert_eq!(many.stdout, one.stdout);
    let ours = keys(&many.stdout);
    assert!(ours.iter().any(|k| k.5 == "IMPORT_USED"), "{ours:?}");
    assert!(ours.iter().any(|k| k.5 == "FIELD_LOWER_SNAKE_CASE"));
    let theirs = buf(dir.path(), &args_json());
    assert_eq!(ours, keys(&theirs.stdout));
}

#[test]
fn lint_without_pools_finds_what_lint_with_pools_finds() {
    // Above a size, lint lets each group's pool go and reads what IMPORT_USED needs first; a
    // limit of 0 takes that path here. Files use a custom option from another file, so an
    // import used only by an option must still count as used.
    let dir = workspace();
    let args = ["lint", "--error-format", "json"];
    let kept = sous_env(dir.path(), &args, &[]);
    let dropped = sous_env(
        dir.path(),
        &args,
        &[("SOUS_KEEP_POOLS_UP_TO", "0"), ("RAYON_NUM_THREADS", "2")],
    );
    assert_eq!(kept.code, 100, "{}", kept.stderr);
    assert_eq!(dropped.stdout, kept.stdout);
    // The option's file is imported by every file only for the option in pkg0's own files.
    let only_option = dir.path().join("acme/pkg0/v1/opt_user.proto");
    std::fs::write(
        &only_option,
        "syntax = \"proto3\";\n\npackage acme.pkg0.v1;\n\nimport \"acme/pkg0/v1/file0.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\n// User sets the option only.\nmessage User {\n  // name names it.\n  string name = 1 [(acme.pkg0.v1.label) = \"n\"];\n}\n",
    )
    .unwrap();
    let kept = sous_env(dir.path(), &args, &[]);
    let dropped = sous_env(dir.path(), &args, &[("SOUS_KEEP_POOLS_UP_TO", "0")]);
    assert_eq!(dropped.stdout, kept.stdout);
    let ours = keys(&dropped.stdout);
    let unused: Vec<_> = ours
        .iter()
        .filter(|k| k.0 == "acme/pkg0/v1/opt_user.proto" && k.5 == "IMPORT_USED")
        .collect();
    assert_eq!(
        unused.len(),
        1,
        "only the timestamp import is unused: {unused:?}"
    );
    assert_eq!(ours, keys(&buf(dir.path(), &args_json()).stdout));
}

fn args_json() -> [&'static str; 3] {
    ["lint", "--error-format", "json"]
}

/// Adds two files far apart in path order (so in different groups): `first` and `last`, each
/// a package statement and what follows it.
fn add_pair(dir: &Path, first: &str, last: &str) {
    for (path, text) in [
        ("acme/pkg0/v1/a_dup.proto", first),
        ("acme/pkg9/v1/z_dup.proto", last),
    ] {
        std::fs::write(dir.join(path), format!("syntax = \"proto3\";\n\n{text}")).unwrap();
    }
}

/// Lints `dir` in groups and in one group: the same output, with a compile error. Returns it.
fn assert_compile_error(dir: &Path) -> String {
    let (one, many) = lint_both(dir);
    assert_eq!(many.code, 100);
    assert!(many.stdout.contains("COMPILE"), "{}", many.stdout);
    assert_eq!(many.stdout, one.stdout);
    many.stdout
}

#[test]
fn a_message_defined_in_two_groups_is_a_compile_error() {
    let dir = workspace();
    let text = "package acme.dup.v1;\n\nmessage Same {}\n";
    add_pair(dir.path(), text, text);
    assert_compile_error(dir.path());
}

#[test]
fn an_enum_value_defined_in_two_groups_is_a_compile_error() {
    let dir = workspace();
    // Different enums, one value name: enum values live beside their enum.
    add_pair(
        dir.path(),
        "package acme.dup.v1;\n\nenum A { SAME = 0; }\n",
        "package acme.dup.v1;\n\nenum Z { SAME = 0; }\n",
    );
    assert_compile_error(dir.path());
}

#[test]
fn a_package_that_is_a_message_of_an_import_is_a_compile_error() {
    let dir = workspace();
    add_pair(
        dir.path(),
        "package acme.dup.v1;\n\nmessage Inner {}\n",
        "package acme.dup.v1.Inner;\n\nimport \"acme/pkg0/v1/a_dup.proto\";\n\nmessage M {}\n",
    );
    // buf parity: at the package statement.
    let out = assert_compile_error(dir.path());
    let places: Vec<_> = keys(&out).into_iter().map(|k| (k.0, k.1, k.2)).collect();
    assert_eq!(
        places,
        [("acme/pkg9/v1/z_dup.proto".to_string(), 3, 1)],
        "{out}"
    );
}

#[test]
fn a_package_that_is_a_message_of_an_unrelated_file_fails_as_buf_does() {
    let dir = workspace();
    add_pair(
        dir.path(),
        "package acme.dup.v1;\n\nmessage Inner {}\n",
        "package acme.dup.v1.Inner;\n\nmessage M {}\n",
    );
    // buf parity: both compile, but buf cannot build one image of them (exit 1).
    let (one, many) = lint_both(dir.path());
    assert_eq!(
        (one.code, many.code),
        (1, 1),
        "{}{}",
        one.stderr,
        many.stderr
    );
    for name in [
        "acme/pkg0/v1/a_dup.proto:5:9",
        "acme/pkg9/v1/z_dup.proto:3:1",
    ] {
        assert!(one.stderr.contains(name), "{name}: {}", one.stderr);
        assert!(many.stderr.contains(name), "{name}: {}", many.stderr);
    }
}

#[test]
fn an_extension_number_used_in_two_groups_is_a_compile_error() {
    let dir = workspace();
    let ext = |name: &str| {
        format!(
            "package acme.{name}.v1;\n\nimport \"google/protobuf/descriptor.proto\";\n\nextend google.protobuf.MessageOptions {{\n  string {name} = 50007;\n}}\n"
        )
    };
    add_pair(dir.path(), &ext("aext"), &ext("zext"));
    // buf parity: in the file that comes last in path order.
    let out = assert_compile_error(dir.path());
    let paths: Vec<_> = keys(&out).into_iter().map(|k| k.0).collect();
    assert_eq!(paths, ["acme/pkg9/v1/z_dup.proto"], "{out}");
}

#[test]
fn breaking_in_groups_matches_one_compiler() {
    let old = workspace();
    let new = workspace();
    // A type change and a deleted field, in files of different groups.
    let first = new.path().join("acme/pkg0/v1/file3.proto");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("string id = 1", "int64 id = 1")).unwrap();
    let last = new.path().join("acme/pkg11/v1/file9.proto");
    let text = std::fs::read_to_string(&last).unwrap();
    std::fs::write(&last, text.replace("  Thing8 prev = 2;\n", "")).unwrap();
    let against = old.path().to_str().unwrap();
    let args = [
        "breaking",
        ".",
        "--against",
        against,
        "--error-format",
        "json",
    ];
    let one = sous_env(new.path(), &args, &[("SOUS_LINK_GROUPS", "1")]);
    let many = sous_env(
        new.path(),
        &args,
        &[("RAYON_NUM_THREADS", "4"), ("SOUS_TRACE", "1")],
    );
    assert!(many.stderr.matches("trace: link group").count() >= 2);
    assert_eq!(one.code, 100, "{}", one.stderr);
    assert_eq!(many.stdout, one.stdout);
    assert_eq!(keys(&many.stdout).len(), 2, "{}", many.stdout);
}

/// The number in the trace line `reused N files compiled before`.
fn reused(stderr: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.contains("files compiled before"))
        .unwrap_or_else(|| panic!("no reuse line in:\n{stderr}"));
    let at = line.find("reused ").expect("reused N") + "reused ".len();
    line[at..].split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn breaking_reuses_what_did_not_change_and_recompiles_what_depends_on_a_change() {
    let old = workspace();
    let against = old.path().to_str().unwrap();
    let args = [
        "breaking",
        ".",
        "--against",
        against,
        "--error-format",
        "json",
    ];

    // A file nothing imports: every other file is reused from the input's compile.
    let leaf = workspace();
    let file = leaf.path().join("acme/pkg11/v1/file14.proto");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("string id = 1", "int64 id = 1")).unwrap();
    let out = sous_env(leaf.path(), &args, &[("SOUS_TRACE", "1")]);
    assert_eq!(reused(&out.stderr), PACKAGES * FILES - 1, "{}", out.stderr);
    assert_eq!(
        keys(&out.stdout),
        keys(&buf(leaf.path(), &buf_args(against)).stdout)
    );
    assert_eq!(keys(&out.stdout).len(), 1, "{}", out.stdout);

    // A file every other file imports: nothing can be reused, since what its names mean may
    // have changed. Here a message the others use becomes an enum.
    let root = workspace();
    let file = root.path().join("acme/pkg0/v1/file0.proto");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "message Thing0 {",
            "enum Thing0 {\n  THING0_UNSPECIFIED = 0;\n}\nmessage Gone {",
        ),
    )
    .unwrap();
    let out = sous_env(root.path(), &args, &[("SOUS_TRACE", "1")]);
    assert_eq!(reused(&out.stderr), 0, "{}", out.stderr);
    let ours = keys(&out.stdout);
    assert!(
        ours.iter().any(|k| k.5 == "FIELD_SAME_TYPE"),
        "{}",
        out.stdout
    );
    assert_eq!(ours, keys(&buf(root.path(), &buf_args(against)).stdout));
}

fn buf_args(against: &str) -> [&str; 5] {
    ["breaking", "--against", against, "--error-format", "json"]
}
