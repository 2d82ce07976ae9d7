//! Symbolic links in a workspace, each case run by the real buf and by sous on a tree built in a
//! temporary directory (links are made here, not committed: a fresh clone or a packaged crate
//! need not keep them). `src/input/walk.rs` states the rules: links are followed, but a link
//! whose target the walk has visited before gives no files; plain directories are always
//! walked; imports resolve through any link; dangling links are passed over; a cycle of links
//! is an error; in a git tree links are not followed at all.

use std::os::unix::fs::symlink;
use std::path::Path;

use crate::common::*;
use crate::layouts::{same_as_buf, write};

const DEP: &str =
    "syntax = \"proto3\";\npackage google.api;\nmessage Rule {\n  string pattern = 1;\n}\n";
const MAIN: &str = "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/api/rule.proto\";\nmessage order_item {\n  google.api.Rule rule = 1;\n}\n";
/// A file that declares nothing but its package: the same file reached by two paths is linted
/// twice without a duplicate definition (which file buf blames for one is another matter).
const PACKAGE_ONLY: &str = "syntax = \"proto3\";\npackage dep;\n";
const VERSION_SUFFIX: &str = "version: v1\nlint:\n  use: [PACKAGE_VERSION_SUFFIX]\n";
const PASCAL: &str = "version: v1\nbuild:\n  excludes: [common-protos]\nlint:\n  use: [MESSAGE_PASCAL_CASE, PACKAGE_VERSION_SUFFIX]\n";

fn link(dir: &Path, target: &str, at: &str) {
    symlink(target, dir.join(at)).unwrap();
}

/// istio/api's layout: `google -> common-protos/google`, `common-protos` excluded.
fn istio_like() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", PASCAL),
            ("common-protos/google/api/rule.proto", DEP),
            ("acme/v1/order.proto", MAIN),
        ],
    );
    link(dir.path(), "common-protos/google", "google");
    dir
}

#[test]
fn a_link_to_a_directory_the_walk_visited_gives_no_files_but_serves_imports() {
    let dir = istio_like();
    // Only acme/v1/order.proto is linted: google/api/rule.proto (its package has no version)
    // is an import, found through the link.
    assert_eq!(same_as_buf(dir.path(), &["lint"], &[]), 100);
    let out = sous(dir.path(), &["lint", "--error-format", "json"]);
    assert!(out.stdout.contains("acme/v1/order.proto"), "{}", out.stdout);
    assert!(!out.stdout.contains("google/api"), "{}", out.stdout);
    // buf walks from each `--path` afresh: narrowed to the link, it lints what is behind it.
    assert_eq!(
        same_as_buf(dir.path(), &["lint", "--path", "google"], &[]),
        100
    );
    same_as_buf(
        dir.path(),
        &["lint", "--path", "google/api/rule.proto"],
        &[],
    );
    same_as_buf(dir.path(), &["lint", "--path", "acme"], &[]);
    same_as_buf(dir.path(), &["lint", "google"], &[]);
}

#[test]
fn a_link_walked_before_its_target_gives_files_and_so_does_the_target() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", VERSION_SUFFIX),
            ("real/sub/dep.proto", PACKAGE_ONLY),
            ("real/other.proto", PACKAGE_ONLY),
        ],
    );
    // `a_link` comes before `real`: both are walked. `z_link` and `z_file.proto` come after
    // `real`: they give nothing.
    link(dir.path(), "real/sub", "a_link");
    link(dir.path(), "real/sub", "z_link");
    link(dir.path(), "real/other.proto", "z_file.proto");
    same_as_buf(dir.path(), &["lint"], &[]);
    same_as_buf(dir.path(), &["lint", "--path", "real/sub"], &[]);
    same_as_buf(dir.path(), &["lint", "--path", "z_link"], &[]);
}

#[test]
fn a_link_to_a_file_walked_first_is_a_file_of_the_module() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("buf.yaml", VERSION_SUFFIX), ("b/real.proto", PACKAGE_ONLY)],
    );
    link(dir.path(), "b/real.proto", "a.proto");
    same_as_buf(dir.path(), &["lint"], &[]);
}

#[test]
fn a_link_out_of_the_module_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("mod/buf.yaml", "version: v1\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n"),
            (
                "mod/m.proto",
                "syntax = \"proto3\";\npackage m;\nimport \"x/o.proto\";\nmessage m_msg {\n  x.out_msg o = 1;\n}\n",
            ),
            (
                "out/x/o.proto",
                "syntax = \"proto3\";\npackage x;\nmessage out_msg {}\n",
            ),
        ],
    );
    link(dir.path(), "../out/x", "mod/x");
    assert_eq!(same_as_buf(&dir.path().join("mod"), &["lint"], &[]), 100);
    assert_eq!(same_as_buf(dir.path(), &["lint", "mod"], &[]), 100);
}

#[test]
fn dangling_links_and_links_back_to_an_ancestor_are_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("buf.yaml", VERSION_SUFFIX), ("sub/f.proto", PACKAGE_ONLY)],
    );
    link(dir.path(), "nowhere.proto", "dangling.proto");
    link(dir.path(), "nowhere", "dangling_dir");
    link(dir.path(), ".", "self");
    link(dir.path(), "..", "sub/up");
    let out = sous(dir.path(), &["lint"]);
    assert!(!out.stderr.contains("WARN"), "{}", out.stderr);
    assert_eq!(same_as_buf(dir.path(), &["lint"], &[]), 100);
    // An absolute link to a directory of the module: its spelling differs from the walk's.
    let abs = dir.path().join("sub").to_string_lossy().into_owned();
    link(dir.path(), &abs, "abs");
    assert_eq!(same_as_buf(dir.path(), &["lint"], &[]), 100);
    let top = dir.path().to_string_lossy().into_owned();
    assert_eq!(same_as_buf(dir.path(), &["lint", &top], &[]), 100);
}

#[test]
fn a_cycle_of_links_is_an_error_naming_the_link() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v1\n"),
            ("e.proto", "syntax = \"proto3\";\npackage e;\n"),
        ],
    );
    link(dir.path(), "l2", "l1");
    link(dir.path(), "l1", "l2");
    same_as_buf(dir.path(), &["lint"], &["l1", "symbolic link"]);
}

/// The against directory is walked as the input is.
#[test]
fn breaking_against_a_directory_with_links() {
    let dir = tempfile::tempdir().unwrap();
    let old_dep = DEP;
    let new_dep = "syntax = \"proto3\";\npackage google.api;\nmessage Rule {}\n";
    let old_main = MAIN;
    let new_main = "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/api/rule.proto\";\nmessage order_item {}\n";
    let config = "version: v1\nbuild:\n  excludes: [common-protos]\nbreaking:\n  use: [FILE]\n";
    write(
        dir.path(),
        &[
            ("old/buf.yaml", config),
            ("old/common-protos/google/api/rule.proto", old_dep),
            ("old/acme/v1/order.proto", old_main),
            ("new/buf.yaml", config),
            ("new/common-protos/google/api/rule.proto", new_dep),
            ("new/acme/v1/order.proto", new_main),
        ],
    );
    link(&dir.path().join("old"), "common-protos/google", "google");
    link(&dir.path().join("new"), "common-protos/google", "google");
    let args = ["breaking", "new", "--against", "old"];
    assert_eq!(same_as_buf(dir.path(), &args, &[]), 100);
    let mut args = args.to_vec();
    args.push("--exclude-imports");
    assert_eq!(same_as_buf(dir.path(), &args, &[]), 100);
}

/// buf parity: an import names a `.proto` file; another file on disk is not found, with or
/// without `--path`.
#[test]
fn an_import_of_a_file_that_is_not_proto_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v1\n"),
            (
                "e.proto",
                "syntax = \"proto3\";\npackage e.v1;\nimport \"x.txt\";\n",
            ),
            ("x.txt", "syntax = \"proto3\";\npackage x;\n"),
        ],
    );
    assert_eq!(same_as_buf(dir.path(), &["lint"], &[]), 100);
    assert_eq!(
        same_as_buf(dir.path(), &["lint", "--path", "e.proto"], &[]),
        100
    );
}

/// In a git tree buf follows no link: a file reached only through a link at the revision is not
/// there, so removing the link deletes nothing.
#[test]
fn links_in_a_git_tree_are_not_followed() {
    use git2::{IndexAddOption, Repository, RepositoryInitOptions, Signature};
    let dir = tempfile::tempdir().unwrap();
    let old = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
    let new = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n}\n";
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v1\nbuild:\n  excludes: [vendor]\nbreaking:\n  use: [FILE]\n",
            ),
            ("acme/v1/order.proto", old),
            (
                "vendor/extra/e.proto",
                "syntax = \"proto3\";\npackage extra;\nmessage E {}\n",
            ),
        ],
    );
    link(dir.path(), "vendor/extra", "a_extra");
    let repo = Repository::init_opts(
        dir.path(),
        RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::now("t", "t@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "old", &tree, &[])
        .unwrap();
    write(dir.path(), &[("acme/v1/order.proto", new)]);
    std::fs::remove_file(dir.path().join("a_extra")).unwrap();
    let args = ["breaking", "--against", ".git#branch=main"];
    assert_eq!(same_as_buf(dir.path(), &args, &[]), 100);
    let out = sous(dir.path(), &args);
    assert!(!out.stdout.contains("a_extra"), "{}", out.stdout);
}
