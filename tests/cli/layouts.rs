//! Workspace layouts, each run by the real buf and by sous on a tree built in a temporary
//! directory: where the search for `buf.yaml` and `buf.work.yaml` stops, for the input and the
//! `--against` side (`src/config/discover.rs` states the rules), and which arrangements of
//! modules are accepted or refused (`src/config/module.rs`). Accepted arrangements of nested
//! modules are also fixture workspaces (`fixtures/projects/nested_*`).
//!
//! Each case compares the exit codes, and the findings as (path, start line, start column, end
//! line, end column, rule); where both refuse, sous's message must name what it names here.

use std::path::Path;

use crate::common::*;

const V2_FILE: &str = "version: v2\nbreaking:\n  use: [FILE]\n";
const OLD: &str =
    "syntax = \"proto3\";\npackage acme.v1;\nmessage A {\n  string x = 1;\n  int32 y = 2;\n}\n";
const NEW: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage A {\n  string x = 1;\n}\n";
const BAD: &str = "syntax = \"proto3\";\npackage a;\nmessage foo_bar {}\n";
const PASCAL_V1: &str = "version: v1\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n";

pub(crate) fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// buf and sous run with `args` (and `--error-format json`) in `cwd`: the same exit code, and
/// the same findings; when both fail, sous's message contains every one of `needles`. Returns
/// the exit code.
pub(crate) fn same_as_buf(cwd: &Path, args: &[&str], needles: &[&str]) -> i32 {
    let mut args = args.to_vec();
    args.extend(["--error-format", "json"]);
    let theirs = buf(cwd, &args);
    let ours = sous(cwd, &args);
    let shown = format!(
        "{args:?} in {}\nbuf {}: {}{}\nsous {}: {}{}",
        cwd.display(),
        theirs.code,
        theirs.stdout,
        theirs.stderr,
        ours.code,
        ours.stdout,
        ours.stderr
    );
    assert_eq!(theirs.code, ours.code, "exit codes differ: {shown}");
    assert_eq!(keys(&theirs.stdout), keys(&ours.stdout), "{shown}");
    if ours.code == 1 {
        assert!(ours.stdout.is_empty(), "{shown}");
        for n in needles {
            assert!(ours.stderr.contains(n), "stderr lacks {n:?}: {shown}");
        }
    }
    assert!(!ours.stderr.contains("panicked"), "{shown}");
    ours.code
}

/// buf's own rule tests, cut down: `current/case` has a v2 `buf.yaml`, `previous/case` none, and
/// `root` (the top of the tree) holds `root_files`; run from `current/case` as
/// `breaking . --against ../../previous/case`.
fn against_case(root_files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("t/current/case/buf.yaml", V2_FILE),
            ("t/current/case/a.proto", NEW),
            ("t/previous/case/a.proto", OLD),
            ("proto/p.proto", "syntax = \"proto3\";\npackage p;\n"),
        ],
    );
    write(dir.path(), root_files);
    let cwd = dir.path().join("t/current/case");
    (dir, cwd)
}

const AGAINST: [&str; 4] = ["breaking", ".", "--against", "../../previous/case"];

#[test]
fn against_passes_over_a_v2_buf_yaml_whose_modules_do_not_contain_it() {
    let (_dir, cwd) = against_case(&[("buf.yaml", "version: v2\nmodules:\n  - path: proto\n")]);
    assert_eq!(same_as_buf(&cwd, &AGAINST, &[]), 100);
}

#[test]
fn against_passes_over_a_buf_work_yaml_whose_directories_do_not_contain_it() {
    let (_dir, cwd) = against_case(&[("buf.work.yaml", "version: v1\ndirectories: [proto]\n")]);
    assert_eq!(same_as_buf(&cwd, &AGAINST, &[]), 100);
}

#[test]
fn against_passes_over_a_v1_buf_yaml_above_the_current_directory() {
    let (_dir, cwd) = against_case(&[("buf.yaml", "version: v1\n")]);
    assert_eq!(same_as_buf(&cwd, &AGAINST, &[]), 100);
}

#[test]
fn against_inside_a_module_of_a_controlling_configuration_is_refused_with_its_own_verb() {
    let (_dir, cwd) = against_case(&[("buf.work.yaml", "version: v1\ndirectories: [t]\n")]);
    same_as_buf(
        &cwd,
        &AGAINST,
        &[
            "cannot compare against ../../previous/case",
            "module \"t\" of ../../../buf.work.yaml",
        ],
    );
    let (_dir, cwd) = against_case(&[("buf.yaml", "version: v2\n")]);
    let out = sous(&cwd, &AGAINST);
    assert!(!out.stderr.contains("cannot lint"), "{}", out.stderr);
    same_as_buf(
        &cwd,
        &AGAINST,
        &["cannot compare against ../../previous/case", "module \".\""],
    );
}

#[test]
fn breaking_input_inside_a_module_names_breaking() {
    let (dir, _cwd) = against_case(&[("buf.yaml", "version: v2\n")]);
    let old = tempfile::tempdir().unwrap();
    write(old.path(), &[("a.proto", OLD)]);
    let old = old.path().to_string_lossy().into_owned();
    same_as_buf(
        dir.path(),
        &["breaking", "t/current/case", "--against", &old],
        &["cannot check t/current/case for breaking changes", "--path"],
    );
}

#[test]
fn neither_the_current_directory_nor_a_git_root_stops_the_search_for_v2() {
    // A v2 buf.yaml with module "." above a git repository: it controls everything below.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("buf.yaml", "version: v2\n"), ("repo/in/sub/a.proto", BAD)],
    );
    git2::Repository::init(dir.path().join("repo")).unwrap();
    same_as_buf(
        &dir.path().join("repo/in"),
        &["lint", "sub"],
        &["lint sub", "--path"],
    );
    same_as_buf(
        &dir.path().join("repo/in/sub"),
        &["lint", "."],
        &["module \".\""],
    );
}

/// A v1 `buf.yaml` at `S/`, a file in `S/sub/deeper/`.
fn v1_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("S/buf.yaml", PASCAL_V1), ("S/sub/deeper/a.proto", BAD)],
    );
    dir
}

#[test]
fn a_v1_buf_yaml_governs_relative_inputs_below_the_current_directory() {
    let dir = v1_tree();
    // Between the current directory and the input: the input is inside its module.
    same_as_buf(
        dir.path(),
        &["lint", "S/sub"],
        &["lint S/sub", "inside module \".\" of S/buf.yaml"],
    );
    same_as_buf(
        &dir.path().join("S"),
        &["lint", "sub"],
        &["module \".\" of buf.yaml"],
    );
    // In the input directory itself.
    assert_eq!(same_as_buf(&dir.path().join("S"), &["lint", "."], &[]), 100);
}

#[test]
fn a_v1_buf_yaml_above_the_current_directory_is_not_read() {
    let dir = v1_tree();
    assert_eq!(
        same_as_buf(&dir.path().join("S/sub"), &["lint", "."], &[]),
        100
    );
    assert_eq!(
        same_as_buf(&dir.path().join("S/sub/deeper"), &["lint", "."], &[]),
        100
    );
}

#[test]
fn absolute_and_climbing_inputs_read_a_v1_buf_yaml_only_in_the_input_directory() {
    let dir = v1_tree();
    let s = dir.path().join("S");
    let sub = s.join("sub").to_string_lossy().into_owned();
    let top = s.to_string_lossy().into_owned();
    assert_eq!(same_as_buf(&s, &["lint", &sub], &[]), 100);
    assert_eq!(same_as_buf(&s, &["lint", &top], &[]), 100);
    let deeper = s.join("sub/deeper");
    assert_eq!(same_as_buf(&deeper, &["lint", ".."], &[]), 100);
    assert_eq!(same_as_buf(&deeper, &["lint", "../.."], &[]), 100);
}

#[test]
fn a_controlling_v2_buf_yaml_further_up_wins_over_a_nearer_v1() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v2\nmodules:\n  - path: proto\n  - path: in/sub\n",
            ),
            ("proto/p.proto", "syntax = \"proto3\";\npackage p;\n"),
            ("in/buf.yaml", PASCAL_V1),
            ("in/sub/a.proto", BAD),
        ],
    );
    assert_eq!(same_as_buf(dir.path(), &["lint", "in/sub"], &[]), 100);
}

#[test]
fn buf_work_yaml_and_buf_yaml_side_by_side_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("x/buf.yaml", "version: v2\nmodules:\n  - path: proto\n"),
            ("x/buf.work.yaml", "version: v1\ndirectories: [proto]\n"),
            ("x/proto/p.proto", "syntax = \"proto3\";\npackage p;\n"),
            ("x/in/a.proto", BAD),
        ],
    );
    // In the input directory, and above it in a directory that controls nothing.
    same_as_buf(
        &dir.path().join("x"),
        &["lint", "."],
        &["buf.work.yaml", "buf.yaml"],
    );
    same_as_buf(
        &dir.path().join("x/in"),
        &["lint", "."],
        &["buf.work.yaml", "buf.yaml"],
    );
}

/// `fixtures/projects/<name>` copied to `<tmp>/old` and `<tmp>/new`.
fn old_and_new(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("fixtures/projects").join(name);
    for side in ["old", "new"] {
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = dir
                .path()
                .join(side)
                .join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
    }
    dir
}

/// Replaces `from` by `to` in `file` of the `new` side.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join("new").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(path, text.replace(from, to)).unwrap();
}

const BREAKING: [&str; 4] = ["breaking", "new", "--against", "old"];

#[test]
fn nested_module_excluded_from_the_outer_one_breaking() {
    let dir = old_and_new("nested_modules_excluded");
    edit(
        dir.path(),
        "third_party/money/v1/money.proto",
        "  string currency_code = 2;\n",
        "",
    );
    edit(
        dir.path(),
        "acme/v1/order.proto",
        "  money.v1.money_amount total = 2;\n",
        "",
    );
    assert_eq!(same_as_buf(dir.path(), &BREAKING, &[]), 100);
}

#[test]
fn three_nested_modules_breaking() {
    let dir = old_and_new("nested_modules_deeper");
    edit(
        dir.path(),
        "vendor/google/type/date.proto",
        "int32 Year",
        "int64 Year",
    );
    edit(
        dir.path(),
        "vendor/lib/v1/lib.proto",
        "type.date_value Since = 1;",
        "string Since = 1;",
    );
    assert_eq!(same_as_buf(dir.path(), &BREAKING, &[]), 100);
}

/// `third_party/tp/t.proto` and `acme/v1/a.proto` under `buf.yaml` (`config`).
fn nested_tree(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", config),
            (
                "acme/v1/a.proto",
                "syntax = \"proto3\";\npackage acme.v1;\n",
            ),
            (
                "third_party/tp/t.proto",
                "syntax = \"proto3\";\npackage tp;\n",
            ),
        ],
    );
    dir
}

#[test]
fn module_path_listed_twice_is_refused() {
    let dir = nested_tree("version: v2\nmodules:\n  - path: third_party\n  - path: third_party\n");
    same_as_buf(
        dir.path(),
        &["lint"],
        &["module path \"third_party\" is listed twice"],
    );
}

#[test]
fn exclude_outside_its_module_or_equal_to_it_is_refused() {
    let outside = "version: v2\nmodules:\n  - path: third_party\n    excludes: [acme]\n";
    let dir = nested_tree(outside);
    same_as_buf(
        dir.path(),
        &["lint"],
        &["\"acme\"", "not within module path \"third_party\""],
    );
    let itself = "version: v2\nmodules:\n  - path: third_party\n    excludes: [third_party]\n";
    let dir = nested_tree(itself);
    same_as_buf(dir.path(), &["lint"], &["module \"third_party\" itself"]);
}

#[test]
fn a_module_its_excludes_leave_empty_is_refused() {
    let config = "version: v2\nmodules:\n  - path: .\n    excludes: [third_party]\n  - path: third_party\n    excludes: [third_party/tp]\n  - path: third_party/tp\n";
    let dir = nested_tree(config);
    same_as_buf(
        dir.path(),
        &["lint"],
        &["module \"third_party\" of buf.yaml has no .proto files"],
    );
}

#[test]
fn buf_work_yaml_directories_may_not_repeat_nest_or_be_the_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/x.proto", "syntax = \"proto3\";\npackage x;\n"),
            ("a/b/y.proto", "syntax = \"proto3\";\npackage y;\n"),
        ],
    );
    let work = dir.path().join("buf.work.yaml");
    for (directories, needles) in [
        (
            "[a, a/b]",
            &["directory \"a/b\" is inside directory \"a\""][..],
        ),
        ("[a/b, a]", &["directory \"a/b\" is inside directory \"a\""]),
        ("[a, a]", &["directory \"a\" is listed twice"]),
        (
            "[., a]",
            &["directory \".\" cannot be a workspace directory"],
        ),
    ] {
        std::fs::write(&work, format!("version: v1\ndirectories: {directories}\n")).unwrap();
        same_as_buf(dir.path(), &["lint"], needles);
    }
}

#[test]
fn v1beta1_roots_may_not_repeat_or_nest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/x.proto", "syntax = \"proto3\";\npackage x;\n"),
            ("a/b/y.proto", "syntax = \"proto3\";\npackage y;\n"),
        ],
    );
    let config = dir.path().join("buf.yaml");
    for (roots, needle) in [
        ("[a, a/b]", "root \"a/b\" is inside root \"a\""),
        ("[., a]", "root \"a\" is inside root \".\""),
        ("[a, a]", "root \"a\" is listed twice"),
    ] {
        std::fs::write(
            &config,
            format!("version: v1beta1\nbuild:\n  roots: {roots}\n"),
        )
        .unwrap();
        same_as_buf(dir.path(), &["lint"], &[needle]);
    }
}

/// buf accepts a nested module its outer module does not exclude, and lints and compares the
/// files of the inner module once per module, each module built on its own; sous does the same
/// (the `nested_modules_not_excluded*` fixtures), and `build` compiles the workspace in one piece
/// as buf does (each shared file defined twice: `COMPILE`, exit 100).
#[test]
fn a_file_in_two_modules_is_linted_and_compared_per_module() {
    let config = "version: v2\nmodules:\n  - path: .\n  - path: third_party\n";
    let dir = nested_tree(config);
    assert_eq!(same_as_buf(dir.path(), &["lint"], &[]), 100);
    let out = tempfile::tempdir().unwrap();
    let image = out.path().join("image.binpb");
    let image = image.to_string_lossy();
    same_as_buf(dir.path(), &["build", "-o", &image], &[]);
    // The outer module importing a shared file by the inner module's name reads it twice: buf
    // refuses the outer module's image.
    write(
        dir.path(),
        &[
            (
                "third_party/tp/t.proto",
                "syntax = \"proto3\";\npackage tp;\nmessage Money {}\n",
            ),
            (
                "acme/v1/a.proto",
                "syntax = \"proto3\";\npackage acme.v1;\nimport \"tp/t.proto\";\nmessage Order {\n  tp.Money m = 1;\n}\n",
            ),
        ],
    );
    same_as_buf(
        dir.path(),
        &["lint"],
        &[
            "third_party/tp/t.proto is read twice",
            "import it as \"third_party/tp/t.proto\"",
        ],
    );
    let dir = old_and_new("nested_modules_not_excluded");
    edit(
        dir.path(),
        "third_party/money/v1/money.proto",
        "  string currency_code = 2;\n",
        "",
    );
    edit(
        dir.path(),
        "third_party/legacy/old.proto",
        "string Name = 1;",
        "int32 Name = 1;",
    );
    assert_eq!(same_as_buf(dir.path(), &BREAKING, &[]), 100);
    let mut args = BREAKING.to_vec();
    args.push("--exclude-imports");
    assert_eq!(same_as_buf(dir.path(), &args, &[]), 100);
    // Only the against side shares files (the input excludes the inner module from the outer
    // one, and imports from it): still compared module by module.
    let old = dir.path().join("old/buf.yaml");
    let text = std::fs::read_to_string(old).unwrap();
    let excluded = "  - path: .\n    excludes: [third_party]\n";
    let new = text.replace("  - path: .\n", excluded);
    std::fs::write(dir.path().join("new/buf.yaml"), new).unwrap();
    edit(
        dir.path(),
        "acme/v1/order.proto",
        "import \"third_party/money/v1/money.proto\"",
        "import \"money/v1/money.proto\"",
    );
    assert_eq!(same_as_buf(dir.path(), &BREAKING, &[]), 100);
}

/// buf shows the files of a relative input by the input's path from the current directory, made
/// clean, and a file input's by its module directory; with the configuration found above the
/// current directory, sous used to print them from the workspace root (`../a/v/x.proto`).
#[test]
fn paths_are_shown_from_the_current_directory_inside_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.work.yaml", "version: v1\ndirectories: [a]\n"),
            ("a/v/x.proto", BAD),
        ],
    );
    let a = dir.path().join("a");
    let v = a.join("v");
    for (cwd, args) in [
        (&a, &["lint", "."][..]),
        (&a, &["lint", ".", "--path", "v"]),
        (&a, &["lint", "v/x.proto"]),
        (&v, &["lint", ".."]),
        (&v, &["lint", "x.proto"]),
        (&v, &["lint", "../../a/v/x.proto"]),
        (&dir.path().to_path_buf(), &["lint", "./a/../a"]),
    ] {
        assert_eq!(same_as_buf(cwd, args, &[]), 100, "{args:?}");
    }
    let dir = v1_tree();
    let sub = dir.path().join("S/sub");
    assert_eq!(same_as_buf(&sub, &["lint", "../sub/deeper"], &[]), 100);
    assert_eq!(same_as_buf(&sub, &["lint", "deeper/a.proto"], &[]), 100);
}

#[test]
fn an_unknown_or_missing_version_anywhere_on_the_search_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("in");
    write(
        dir.path(),
        &[("in/a.proto", BAD), ("in/buf.yaml", "version: v1\n")],
    );
    let outer = dir.path().join("buf.yaml");
    std::fs::write(&outer, "version: v9\n").unwrap();
    same_as_buf(&inner, &["lint"], &["../buf.yaml", "\"v9\""]);
    std::fs::write(&outer, "lint:\n  use: [PACKAGE_VERSION_SUFFIX]\n").unwrap();
    same_as_buf(&inner, &["lint"], &["../buf.yaml", "missing `version`"]);
    // In the input directory, with a v2 buf.yaml above that controls it.
    std::fs::write(&outer, "version: v2\nmodules: [{path: in}]\n").unwrap();
    std::fs::write(inner.join("buf.yaml"), "version: v9\n").unwrap();
    same_as_buf(&inner, &["lint"], &["\"v9\""]);
    std::fs::remove_file(&outer).unwrap();
    std::fs::write(inner.join("buf.yaml"), "version: v1\n").unwrap();
    let work = "version: v7\ndirectories: [x]\n";
    std::fs::write(dir.path().join("buf.work.yaml"), work).unwrap();
    same_as_buf(&inner, &["lint"], &["../buf.work.yaml", "\"v7\""]);
}

/// A tree `proto/` (v1 `buf.yaml`) with `a/x.proto`, `b/y.proto` and `b/c/z.proto`.
fn climbing_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "proto/buf.yaml",
                "version: v1\nlint:\n  use: [PACKAGE_VERSION_SUFFIX]\n",
            ),
            ("proto/a/x.proto", "syntax = \"proto3\";\npackage a;\n"),
            ("proto/b/y.proto", "syntax = \"proto3\";\npackage b;\n"),
            ("proto/b/c/z.proto", "syntax = \"proto3\";\npackage c;\n"),
        ],
    );
    dir
}

/// buf walks from each `--path` and shows what it finds there from the current directory: in
/// `proto/b`, `lint .. --path ../b/c` prints `c/z.proto`, `--path ../a` prints `../a/x.proto`,
/// while without `--path` the input's own spelling stays (`../b/c/z.proto`); an absolute input
/// is shown absolute whatever `--path` says.
#[test]
fn files_under_a_path_are_shown_from_the_current_directory() {
    let dir = climbing_tree();
    let b = dir.path().join("proto/b");
    let c = b.join("c");
    let proto = dir.path().join("proto").to_string_lossy().into_owned();
    let abs_c = c.to_string_lossy().into_owned();
    for (cwd, args) in [
        (&b, &["lint", "..", "--path", "../a"][..]),
        (&b, &["lint", "..", "--path", "../a/x.proto"]),
        (&b, &["lint", "..", "--path", "c"]),
        (&b, &["lint", "..", "--path", "../b/c"]),
        (&b, &["lint", "..", "--path", "./../b/../a"]),
        (&b, &["lint", "..", "--path", "../b/y.proto"]),
        (&b, &["lint", "..", "--path", "c", "--path", "../a/x.proto"]),
        (&b, &["lint", "..", "--path", ".", "--path", "c"]),
        (&b, &["lint", "..", "--path", &abs_c]),
        (&b, &["lint", "..", "--exclude-path", "../a"]),
        (&b, &["lint", &proto, "--path", "../a"]),
        (&c, &["lint", "../..", "--path", "../../a"]),
        (&c, &["lint", "../..", "--path", "../c"]),
    ] {
        assert_eq!(same_as_buf(cwd, args, &[]), 100, "{args:?}");
    }
}

#[test]
fn a_path_that_is_the_input_itself_is_refused() {
    let dir = climbing_tree();
    let b = dir.path().join("proto/b");
    let proto = dir.path().join("proto").to_string_lossy().into_owned();
    for args in [
        &["lint", "..", "--path", ".."][..],
        &["lint", "..", "--path", "../b/.."],
        &["lint", "..", "--path", "c", "--path", &proto],
        &["lint", &proto, "--path", "../"],
    ] {
        same_as_buf(
            &b,
            args,
            &["is the input directory itself", "narrows nothing"],
        );
    }
    same_as_buf(
        &b,
        &["lint", "..", "--exclude-path", "../b/../"],
        &["--exclude-path ../b/../ is the input directory itself"],
    );
}

fn breaking<'a>(input: &'a str, against: &'a str) -> [&'a str; 4] {
    ["breaking", input, "--against", against]
}

/// buf compares the modules each side targets in pairs, in path order: the input `b` of a
/// workspace `[a, b]` pairs with the one module of an against directory (sous compared module
/// `a`'s place, found nothing there and said nothing); sides with different numbers of modules
/// are refused; a descriptor set is one image, paired with the first module.
#[test]
fn the_modules_each_side_targets_pair_by_position() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "ws/buf.yaml",
                "version: v2\nmodules:\n  - path: a\n  - path: b\n",
            ),
            (
                "ws/a/a.proto",
                "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
            ),
            (
                "ws/b/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage B {}\n",
            ),
            (
                "old_b/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage B {\n  int32 x = 1;\n}\n",
            ),
            (
                "old_ws/buf.yaml",
                "version: v2\nmodules:\n  - path: a\n  - path: b\n",
            ),
            (
                "old_ws/a/a.proto",
                "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
            ),
            (
                "old_ws/b/b.proto",
                "syntax = \"proto3\";\npackage b;\nmessage B {\n  int32 x = 1;\n}\n",
            ),
        ],
    );
    let ws = dir.path().join("ws");
    assert_eq!(same_as_buf(&ws, &breaking("b", "../old_b"), &[]), 100);
    assert_eq!(same_as_buf(&ws, &breaking("a", "../old_b"), &[]), 100);
    assert_eq!(same_as_buf(&ws, &breaking(".", "../old_ws"), &[]), 100);
    same_as_buf(
        &ws,
        &breaking("b", "../old_ws"),
        &["the input has 1 module(s) to compare and the against side 2"],
    );
    let image = dir.path().join("old.binpb");
    let image = image.to_string_lossy();
    let built = buf(&dir.path().join("old_ws"), &["build", "-o", &image]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(same_as_buf(&ws, &breaking(".", &image), &[]), 100);
}

/// buf chooses a module by its directory given as the input, and refuses a `--path` or an
/// `--exclude-path` that names a module's directory (v2 modules, nested ones included,
/// `buf.work.yaml` directories, v1beta1 roots); a path inside a module is fine.
#[test]
fn a_path_that_is_a_module_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "ws/buf.yaml",
                "version: v2\nmodules:\n  - path: a\n  - path: b\n",
            ),
            ("ws/a/a.proto", "syntax = \"proto3\";\npackage a;\n"),
            ("ws/b/b.proto", "syntax = \"proto3\";\npackage b;\n"),
            ("work/buf.work.yaml", "version: v1\ndirectories: [a, b]\n"),
            ("work/a/a.proto", "syntax = \"proto3\";\npackage a;\n"),
            ("work/b/b.proto", "syntax = \"proto3\";\npackage b;\n"),
            ("roots/buf.yaml", "version: v1beta1\nbuild:\n  roots: [a]\n"),
            ("roots/a/a.proto", "syntax = \"proto3\";\npackage a;\n"),
        ],
    );
    for top in ["ws", "work"] {
        let cwd = dir.path().join(top);
        for args in [
            &["lint", ".", "--path", "b"][..],
            &["lint", ".", "--path", "./b/"],
            &["lint", ".", "--path", "a", "--path", "b"],
        ] {
            same_as_buf(&cwd, args, &["is the directory of module", "as the input"]);
        }
        same_as_buf(
            &cwd,
            &["lint", ".", "--exclude-path", "b"],
            &["--exclude-path b is the directory of module \"b\""],
        );
        assert_eq!(
            same_as_buf(&cwd, &["lint", ".", "--path", "b/b.proto"], &[]),
            100
        );
    }
    same_as_buf(
        &dir.path().join("roots"),
        &["lint", ".", "--path", "a"],
        &["--path a is the directory of module \"a\""],
    );
    let nested = nested_tree("version: v2\nmodules:\n  - path: .\n  - path: third_party\n");
    same_as_buf(
        nested.path(),
        &["lint", "--path", "third_party"],
        &["module \"third_party\""],
    );
}
