//! A git reference as the input (`sous lint '.git#branch=main,subdir=proto'`), read from the
//! object database by the reader `--against` uses, compared with buf (which clones): every way
//! to name the revision, paths shown as in the tree, `--path` relative to the subdir, breaking
//! between two references, and the references that do not exist.

use git2::Repository;

use super::{module_files, same, ORDER_V2};
use crate::common::*;
use crate::git::{commit, write};

/// `main`: v1 (tagged `v1`: Order with `Bad_name`, and `other`), then v2 (`Bad_name` gone);
/// branch `feat` from v2 adds a badly named message. The working tree is at `main`, changed
/// (so that reading it instead of the revision would show).
fn repository() -> (tempfile::TempDir, Repository, git2::Oid) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_opts(
        dir.path(),
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    for (path, text) in module_files("") {
        write(dir.path(), &path, &text);
    }
    let first = commit(&repo, "v1");
    repo.tag_lightweight("v1", &repo.find_object(first, None).unwrap(), false)
        .unwrap();
    write(dir.path(), "proto/acme/v1/order.proto", ORDER_V2);
    let second = commit(&repo, "v2");
    {
        let v2 = repo.find_commit(second).unwrap();
        repo.branch("feat", &v2, false).unwrap();
    }
    repo.set_head("refs/heads/feat").unwrap();
    write(
        dir.path(),
        "proto/acme/v1/feat.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nmessage feat_thing {}\n",
    );
    commit(&repo, "feat");
    repo.set_head("refs/heads/main").unwrap();
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    write(
        dir.path(),
        "proto/acme/v1/order.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nmessage Order { int32 WORKING_TREE = 1; }\n",
    );
    (dir, repo, first)
}

#[test]
fn every_way_to_name_the_revision() {
    let (dir, _repo, first) = repository();
    let sha = first.to_string();
    let commit = format!(".git#commit={sha},subdir=proto");
    for input in [
        ".git",
        ".git#branch=main",
        ".git#branch=main,subdir=proto",
        ".git#tag=v1,subdir=proto",
        ".git#ref=HEAD~1,subdir=proto",
        ".git#ref=v1,subdir=proto",
        ".git#ref=feat,subdir=proto",
        ".git#ref=refs/heads/feat,subdir=proto",
        ".git#ref=HEAD~1,branch=feat,subdir=proto",
        ".git#branch=feat,subdir=proto,depth=1",
        ".git#tag=v1,depth=3,subdir=proto",
        ".git#branch=main,subdir=proto,recurse_submodules=false",
        commit.as_str(),
    ] {
        let out = same(dir.path(), &["lint", input], &[]);
        assert_eq!(out.code, 100, "{input}: {}", out.stderr);
        assert!(!out.stdout.contains("WORKING_TREE"), "{input}");
    }
    // From elsewhere, the paths are still the tree's.
    let out = same(
        &dir.path().join("proto"),
        &["lint", "../.git#tag=v1,subdir=proto"],
        &[],
    );
    assert!(out.stdout.contains("\"proto/acme/v1/order.proto\""));
}

#[test]
fn paths_are_relative_to_the_subdir() {
    let (dir, _repo, _) = repository();
    let d = dir.path();
    for path in ["acme/v1/order.proto", "proto/acme/v1/order.proto", "acme"] {
        same(
            d,
            &["lint", ".git#tag=v1,subdir=proto", "--path", path],
            &[],
        );
        same(
            d,
            &["lint", ".git#tag=v1,subdir=proto", "--exclude-path", path],
            &[],
        );
    }
}

#[test]
fn breaking_between_references() {
    let (dir, _repo, _) = repository();
    let d = dir.path();
    for (input, against) in [
        (".git#branch=main,subdir=proto", ".git#tag=v1,subdir=proto"),
        (".git#branch=feat,subdir=proto", ".git#tag=v1,subdir=proto"),
        (".git#tag=v1,subdir=proto", ".git#branch=feat,subdir=proto"),
        (".git#branch=main,subdir=proto", "proto"),
    ] {
        same(d, &["breaking", input, "--against", against], &[]);
    }
    let out = same(
        d,
        &[
            "breaking",
            ".git#branch=main,subdir=proto",
            "--against",
            ".git#tag=v1,subdir=proto",
        ],
        &[],
    );
    assert!(out.stdout.contains("FIELD_NO_DELETE"), "{}", out.stdout);
}

#[test]
fn references_that_do_not_resolve() {
    let (dir, _repo, _) = repository();
    let d = dir.path();
    for (input, needles) in [
        (".git#branch=nope", &["\"nope\"", "not found"][..]),
        (".git#tag=nope", &["nope", "not found"]),
        (".git#ref=nope", &["\"nope\"", "not found"]),
        (
            ".git#commit=0123456789012345678901234567890123456789",
            &["not found"],
        ),
        (
            ".git#branch=main,subdir=nope",
            &["\"nope\"", "does not exist", "main"],
        ),
        (".git#subdir=proto/acme", &["inside module", "subdir="]),
        (".git#branch=main,tag=v1", &["only one of"]),
        (".git#depth=0", &["depth"]),
        (".git#depth=x", &["depth"]),
        (".git#recurse_submodules=x", &["recurse_submodules"]),
        (".git#strip_components=1", &["strip_components", "git"]),
        (".git#subdir=../x", &["climbs out"]),
        ("nowhere/.git#branch=main", &["nowhere/.git"]),
    ] {
        same(d, &["lint", input], needles);
    }
    // A directory with git options: buf reads it as a directory and refuses the options; sous
    // says how to name the repository instead.
    same(
        d,
        &["lint", ".#branch=main"],
        &["not for a directory", ".git#branch"],
    );
}

#[test]
fn the_repository_is_read_not_touched() {
    let (dir, repo, _) = repository();
    let head = repo.head().unwrap().target();
    let before: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let out = sous(dir.path(), &["lint", ".git#tag=v1,subdir=proto"]);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let after: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(before, after);
    assert_eq!(repo.head().unwrap().target(), head);
}

/// Runs git with `args` in `cwd`, configured by `-c` only (no configuration file is written).
fn git(cwd: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "protocol.file.allow=always",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(cwd)
        .status()
        .expect("git is installed");
    assert!(status.success(), "git {args:?}");
}

/// `recurse_submodules=true` reads the submodules' files at the commits the revision records
/// (from the clone's own copies), as buf's clone with submodules has them; without it they are
/// absent, as for buf.
#[test]
fn submodules_are_read_with_recurse_submodules() {
    let dir = tempfile::tempdir().unwrap();
    let (sub, main) = (dir.path().join("sub"), dir.path().join("main"));
    write(
        &sub,
        "vend/v1/s.proto",
        "syntax = \"proto3\";\npackage vend.v1;\nmessage bad_sub {}\n",
    );
    git(&sub, &["init", "-q"]);
    git(&sub, &["add", "."]);
    git(&sub, &["commit", "-qm", "s"]);
    write(
        &main,
        "proto/acme/v1/m.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nmessage bad_main {}\n",
    );
    git(&main, &["init", "-q"]);
    let url = sub.to_string_lossy().into_owned();
    git(&main, &["submodule", "add", "-q", &url, "proto/third"]);
    git(&main, &["add", "."]);
    git(&main, &["commit", "-qm", "m"]);
    // The submodule moves on; the revision before still records the old commit.
    write(
        &sub,
        "vend/v1/s.proto",
        "syntax = \"proto3\";\npackage vend.v1;\nmessage bad_sub {}\nmessage more_bad {}\n",
    );
    git(&sub, &["commit", "-qam", "more"]);
    git(&main.join("proto/third"), &["pull", "-q"]);
    git(&main, &["commit", "-qam", "bump"]);
    // buf clones the submodule from its local path, which git allows only when told.
    let with_buf = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--error-format", "json"]);
        let out = std::process::Command::new(buf_path())
            .args(&args)
            .current_dir(&main)
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "protocol.file.allow")
            .env("GIT_CONFIG_VALUE_0", "always")
            .env("BUF_CACHE_DIR", std::env::temp_dir().join("sous-buf-cache"))
            .output()
            .unwrap();
        let ours = sous(&main, &args);
        let theirs = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            (out.status.code(), keys(&theirs)),
            (Some(ours.code), keys(&ours.stdout)),
            "{args:?}\nbuf: {theirs}{}\nsous: {}{}",
            String::from_utf8_lossy(&out.stderr),
            ours.stdout,
            ours.stderr
        );
        ours
    };
    let without = with_buf(&["lint", ".git#subdir=proto"]);
    assert_eq!(keys(&without.stdout).len(), 1);
    let with = with_buf(&["lint", ".git#subdir=proto,recurse_submodules=true"]);
    assert!(with.stdout.contains("proto/third/vend/v1/s.proto"));
    with_buf(&[
        "lint",
        ".git#ref=HEAD~1,subdir=proto,recurse_submodules=true",
    ]);
    with_buf(&["lint", ".git#subdir=proto/third,recurse_submodules=true"]);
    with_buf(&[
        "breaking",
        ".git#ref=HEAD~1,subdir=proto,recurse_submodules=true",
        "--against",
        ".git#subdir=proto,recurse_submodules=true",
    ]);
    // A submodule the clone lacks: a clear error, not files silently missing.
    std::fs::remove_dir_all(main.join(".git/modules")).unwrap();
    std::fs::remove_dir_all(main.join("proto/third")).unwrap();
    let out = sous(
        &main,
        &["lint", ".git#subdir=proto,recurse_submodules=true"],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("git submodule update --init"),
        "{}",
        out.stderr
    );
}

/// `--against REV` (sous's shorthand) with a git input compares with that revision of the same
/// repository at the input's place, as buf's syntax spelled out does; an archive has no place
/// in a repository, which the message says.
#[test]
fn a_bare_revision_against_a_git_input() {
    let (dir, _repo, _) = repository();
    let d = dir.path();
    let spelled = sous(
        d,
        &[
            "breaking",
            ".git#branch=feat,subdir=proto",
            "--against",
            ".git#tag=v1,subdir=proto",
            "--error-format",
            "json",
        ],
    );
    assert_eq!(spelled.code, 100, "{}", spelled.stderr);
    for (cwd, input) in [
        (d.to_path_buf(), ".git#branch=feat,subdir=proto"),
        (d.join("proto"), "../.git#branch=feat,subdir=proto"),
    ] {
        let short = sous(
            &cwd,
            &[
                "breaking",
                input,
                "--against",
                "v1",
                "--error-format",
                "json",
            ],
        );
        assert_eq!(short.code, 100, "{}", short.stderr);
        assert_eq!(keys(&short.stdout), keys(&spelled.stdout));
    }
}
