//! `sous breaking --against` a git revision, on repositories built in temporary directories with
//! git2: every way to name a revision, buf's git syntax (compared with the real buf), and the
//! edge cases that must end with a clear message and exit code 1.

use std::path::Path;

use crate::common::*;
use git2::{Repository, Signature};

const V1: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
const V2: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n}\n";
const OTHER: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Other {}\n";

pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Stages everything in the working tree and commits it on HEAD.
pub(crate) fn commit(repo: &Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::now("t", "t@example.com").unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// A repository whose `main` has two commits: v1 (Order with `note`, plus other.proto) tagged
/// `v1`, then v2 (`note` deleted). The working tree is at v2 with other.proto deleted.
fn history() -> (tempfile::TempDir, Repository, git2::Oid) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_opts(
        dir.path(),
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    write(dir.path(), "proto/buf.yaml", "version: v2\n");
    write(dir.path(), "proto/acme/v1/order.proto", V1);
    write(dir.path(), "proto/acme/v1/other.proto", OTHER);
    let first = commit(&repo, "v1");
    repo.tag_lightweight("v1", &repo.find_object(first, None).unwrap(), false)
        .unwrap();
    write(dir.path(), "proto/acme/v1/order.proto", V2);
    commit(&repo, "v2");
    std::fs::remove_file(dir.path().join("proto/acme/v1/other.proto")).unwrap();
    (dir, repo, first)
}

fn types(stdout: &str) -> Vec<String> {
    keys(stdout).into_iter().map(|k| k.5).collect()
}

fn breaking(cwd: &Path, input: &str, against: &str) -> Output {
    sous(
        cwd,
        &[
            "breaking",
            input,
            "--against",
            against,
            "--error-format",
            "json",
        ],
    )
}

#[test]
fn every_way_to_name_a_revision() {
    let (dir, _repo, first) = history();
    let sha = first.to_string();
    // Against HEAD (v2): only the working tree's deletion of other.proto.
    let out = breaking(dir.path(), "proto", "HEAD");
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(types(&out.stdout), ["FILE_NO_DELETE"]);
    // Against v1, named every way: the field deletion too.
    for rev in ["v1", "HEAD~1", "main~1", &sha, &sha[..8], "refs/tags/v1"] {
        let out = breaking(dir.path(), "proto", rev);
        assert_eq!(out.code, 100, "{rev}: {}", out.stderr);
        let t = types(&out.stdout);
        assert!(
            t.contains(&"FILE_NO_DELETE".to_string()) && t.contains(&"FIELD_NO_DELETE".to_string()),
            "{rev}: {}",
            out.stdout
        );
    }
    // The input's place in the repository is kept: run from inside proto/ too.
    let out = breaking(&dir.path().join("proto"), ".", "v1");
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(out.stdout.contains("\"acme/v1/order.proto\""));
}

#[test]
fn buf_git_syntax_matches_buf() {
    let (dir, _repo, first) = history();
    let sha = first.to_string();
    for against in [
        ".git#branch=main,subdir=proto".to_string(),
        ".git#tag=v1,subdir=proto".to_string(),
        ".git#ref=HEAD~1,subdir=proto".to_string(),
        format!(".git#commit={sha},subdir=proto"),
        ".git#branch=main,subdir=proto,depth=1".to_string(),
    ] {
        let ours = breaking(dir.path(), "proto", &against);
        let theirs = buf(
            dir.path(),
            &[
                "breaking",
                "proto",
                "--against",
                &against,
                "--error-format",
                "json",
            ],
        );
        assert_eq!(
            ours.code, theirs.code,
            "{against}: {}{}",
            ours.stderr, theirs.stderr
        );
        assert_eq!(
            keys(&ours.stdout),
            keys(&theirs.stdout),
            "{against}\nsous: {}\nbuf: {}",
            ours.stdout,
            theirs.stdout
        );
        assert!(!ours.stdout.is_empty(), "{against}");
    }
}

#[test]
fn the_working_tree_is_untouched() {
    let (dir, repo, _) = history();
    let status = |repo: &Repository| -> Vec<(String, git2::Status)> {
        repo.statuses(None)
            .unwrap()
            .iter()
            .map(|s| (s.path().unwrap().to_string(), s.status()))
            .collect()
    };
    let before = status(&repo);
    let head = repo.head().unwrap().target();
    let out = breaking(dir.path(), "proto", "v1");
    assert_eq!(out.code, 100);
    assert_eq!(status(&repo), before);
    assert_eq!(repo.head().unwrap().target(), head);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "nothing written next to the input: {names:?}"
    );
}

#[test]
fn merges_and_branches() {
    let (dir, repo, first) = history();
    // A side branch from v1 that adds a message, merged into main.
    let v1 = repo.find_commit(first).unwrap();
    repo.branch("side", &v1, false).unwrap();
    let sig = Signature::now("t", "t@example.com").unwrap();
    let mut index = repo.index().unwrap();
    let side_blob = repo
        .blob(b"syntax = \"proto3\";\npackage acme.v1;\nmessage Side {}\n")
        .unwrap();
    let mut builder = repo.treebuilder(Some(&v1.tree().unwrap())).unwrap();
    let proto = v1.tree().unwrap().get_path(Path::new("proto")).unwrap();
    let mut proto_builder = repo
        .treebuilder(Some(&repo.find_tree(proto.id()).unwrap()))
        .unwrap();
    proto_builder
        .insert("side.proto", side_blob, 0o100644)
        .unwrap();
    builder
        .insert("proto", proto_builder.write().unwrap(), 0o040000)
        .unwrap();
    let side_tree = repo.find_tree(builder.write().unwrap()).unwrap();
    let side = repo
        .commit(
            Some("refs/heads/side"),
            &sig,
            &sig,
            "side",
            &side_tree,
            &[&v1],
        )
        .unwrap();
    let main = repo.head().unwrap().peel_to_commit().unwrap();
    let side_commit = repo.find_commit(side).unwrap();
    let mut merged = repo.merge_commits(&main, &side_commit, None).unwrap();
    let tree = repo
        .find_tree(merged.write_tree_to(&repo).unwrap())
        .unwrap();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "merge side",
        &tree,
        &[&main, &side_commit],
    )
    .unwrap();
    index.read(true).unwrap();
    assert!(!merged.has_conflicts());
    // The working tree lacks side.proto and other.proto: both are deletions against the merge
    // (HEAD) and against the side branch; against HEAD^1 (main before the merge), only other.
    let count = |rev: &str| {
        let out = breaking(dir.path(), "proto", rev);
        assert_eq!(out.code, 100, "{rev}: {}", out.stderr);
        out.stdout
            .lines()
            .filter(|l| l.contains("\"FILE_NO_DELETE\""))
            .count()
    };
    assert_eq!(count("HEAD"), 2);
    assert_eq!(count("side"), 2);
    assert_eq!(count("HEAD^1"), 1);
}

fn assert_error(out: &Output, needles: &[&str]) {
    assert_eq!(
        out.code, 1,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    for n in needles {
        assert!(out.stderr.contains(n), "stderr lacks {n:?}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn a_revision_that_does_not_exist() {
    let (dir, _repo, _) = history();
    assert_error(
        &breaking(dir.path(), "proto", "nope"),
        &["\"nope\"", "not found"],
    );
    assert_error(
        &breaking(dir.path(), "proto", ".git#branch=nope"),
        &["\"nope\"", "not found"],
    );
}

#[test]
fn a_shallow_clone_that_lacks_the_revision() {
    let (dir, _repo, _) = history();
    let clone = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", dir.path().display()))
        .arg(clone.path().join("c"))
        .status()
        .expect("git is installed");
    assert!(status.success());
    let c = clone.path().join("c");
    assert_error(
        &breaking(&c, "proto", "HEAD~1"),
        &["shallow", "fetch-depth: 0"],
    );
    assert_error(&breaking(&c, "proto", "v1"), &["shallow", "git fetch"]);
    // What the clone has works.
    let out = breaking(&c, "proto", "HEAD");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn input_outside_any_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.proto", V1);
    assert_error(
        &breaking(dir.path(), ".", "main"),
        &["not inside a git repository"],
    );
}

#[test]
fn a_bare_repository() {
    let (dir, _repo, _) = history();
    let bare = tempfile::tempdir().unwrap();
    let bare_path = bare.path().join("b.git");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(dir.path())
        .arg(&bare_path)
        .status()
        .unwrap();
    assert!(status.success());
    // Read by buf's syntax, a bare repository is a fine against side.
    let against = format!("{}#tag=v1,subdir=proto", bare_path.display());
    let out = breaking(dir.path(), "proto", &against);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(types(&out.stdout).contains(&"FIELD_NO_DELETE".to_string()));
    // An input inside a bare repository has no working tree to compare.
    write(&bare_path, "proto/a.proto", V1);
    assert_error(&breaking(&bare_path, "proto", "main"), &["bare repository"]);
}

#[test]
fn a_worktree() {
    let (dir, repo, _) = history();
    let wt_dir = tempfile::tempdir().unwrap();
    let path = wt_dir.path().join("wt");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let branch = repo.branch("wt", &head, false).unwrap();
    let mut opts = git2::WorktreeAddOptions::new();
    let reference = branch.into_reference();
    opts.reference(Some(&reference));
    repo.worktree("wt", &path, Some(&opts)).unwrap();
    std::fs::remove_file(path.join("proto/acme/v1/order.proto")).unwrap();
    let out = breaking(&path, "proto", "main");
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(types(&out.stdout), ["FILE_NO_DELETE"]);
    let _ = dir;
}

#[test]
fn a_subdir_missing_at_the_revision() {
    let (dir, _repo, _) = history();
    assert_error(
        &breaking(dir.path(), "proto", ".git#branch=main,subdir=nowhere"),
        &["\"nowhere\"", "does not exist", "main"],
    );
}

#[test]
fn the_against_side_does_not_compile() {
    const BROKEN: &str =
        "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  Missing m = 1;\n}\n";
    let (dir, repo, _) = history();
    write(dir.path(), "proto/acme/v1/order.proto", BROKEN);
    commit(&repo, "broken");
    write(dir.path(), "proto/acme/v1/order.proto", V2);
    // buf parity: the against side's errors are COMPILE findings, shown by their path in the
    // tree (without the revision), and nothing is compared.
    let out = breaking(dir.path(), "proto", "HEAD");
    assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
    let found: Vec<(String, String)> = keys(&out.stdout).into_iter().map(|k| (k.0, k.5)).collect();
    assert_eq!(
        found,
        [(
            "proto/acme/v1/order.proto".to_string(),
            "COMPILE".to_string()
        )]
    );
    let against = ".git#branch=main,subdir=proto";
    crate::layouts::same_as_buf(
        dir.path(),
        &["breaking", "proto", "--against", against],
        &[],
    );
    // A directory's files are shown as always.
    let old = tempfile::tempdir().unwrap();
    write(
        old.path(),
        "acme/v1/order.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  Missing m = 1;\n}\n",
    );
    let old = old.path().to_string_lossy().into_owned();
    crate::layouts::same_as_buf(dir.path(), &["breaking", "proto", "--against", &old], &[]);
}

#[cfg(unix)]
#[test]
fn a_repository_owned_by_another_user() {
    use std::os::unix::fs::MetadataExt;
    let (dir, _repo, _) = history();
    // Only root can give files away; elsewhere this case cannot be built.
    if std::fs::metadata(dir.path()).unwrap().uid() != 0 {
        return;
    }
    let status = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let out = breaking(dir.path(), "proto", "HEAD");
    assert_error(&out, &["owned by another user", "safe.directory"]);
}

/// `--path`, `--exclude-path` and `--limit-to-input-files` narrow both sides as buf narrows them.
#[test]
fn narrowing_matches_buf() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_opts(
        dir.path(),
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let msg = |pkg: &str, name: &str, fields: &str| {
        format!("syntax = \"proto3\";\npackage {pkg};\nmessage {name} {{ {fields} }}\n")
    };
    write(dir.path(), "buf.yaml", "version: v2\n");
    write(
        dir.path(),
        "a/a.proto",
        &msg("a", "A", "int32 x = 1; int32 y = 2;"),
    );
    write(
        dir.path(),
        "b/b.proto",
        &msg("b", "B", "int32 x = 1; int32 y = 2;"),
    );
    write(dir.path(), "b/c.proto", &msg("b", "C", ""));
    commit(&repo, "old");
    write(dir.path(), "a/a.proto", &msg("a", "A", "int32 x = 1;"));
    write(dir.path(), "b/b.proto", &msg("b", "B", "int32 x = 1;"));
    std::fs::remove_file(dir.path().join("b/c.proto")).unwrap();
    for extra in [
        &[][..],
        &["--path", "b"],
        &["--path", "a"],
        &["--limit-to-input-files"],
        &["--path", "b", "--limit-to-input-files"],
        &["--exclude-path", "b"],
        &["--path", "b/b.proto"],
    ] {
        let mut ours_args = vec!["breaking", "--against", "main", "--error-format", "json"];
        ours_args.extend(extra);
        let mut buf_args = vec![
            "breaking",
            "--against",
            ".git#branch=main",
            "--error-format",
            "json",
        ];
        buf_args.extend(extra);
        let ours = sous(dir.path(), &ours_args);
        let theirs = buf(dir.path(), &buf_args);
        assert_eq!(
            ours.code, theirs.code,
            "{extra:?}: {}{}",
            ours.stderr, theirs.stderr
        );
        assert_eq!(
            ours.stdout.lines().count(),
            theirs.stdout.lines().count(),
            "{extra:?}"
        );
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout), "{extra:?}");
    }
}

/// `files` committed on `main` in `<tmp>/repo`; `<tmp>/in` holds the `.proto` files of `subdir`
/// without field `note`, under a v2 `buf.yaml` of its own. Runs `breaking ../in --against
/// .git#branch=main,subdir=<subdir>` in `repo` with buf and sous: the same exit code and
/// findings, and on refusal sous's message holds `needles`.
fn against_tree(files: &[(&str, &str)], subdir: &str, needles: &[&str]) -> i32 {
    let dir = tempfile::tempdir().unwrap();
    let repo_dir = dir.path().join("repo");
    let repo = Repository::init_opts(
        &repo_dir,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    for (path, text) in files {
        write(&repo_dir, path, text);
        let below = if subdir == "." {
            Some(*path)
        } else {
            path.strip_prefix(subdir).and_then(|p| p.strip_prefix('/'))
        };
        if let Some(rel) = below.filter(|p| p.ends_with(".proto")) {
            write(
                dir.path(),
                &format!("in/{rel}"),
                &text.replace("  string note = 2;\n", ""),
            );
        }
    }
    write(
        dir.path(),
        "in/buf.yaml",
        "version: v2\nbreaking:\n  use: [FILE]\n",
    );
    commit(&repo, "old");
    let against = format!(".git#branch=main,subdir={subdir}");
    crate::layouts::same_as_buf(
        &repo_dir,
        &["breaking", "../in", "--against", &against],
        needles,
    )
}

const T: &str =
    "syntax = \"proto3\";\npackage t.v1;\nmessage T {\n  int32 id = 1;\n  string note = 2;\n}\n";
const X: &str =
    "syntax = \"proto3\";\npackage x.v1;\nmessage X {\n  int32 id = 1;\n  string note = 2;\n}\n";

/// The configuration of a git subdirectory is searched for as on disk, up to the tree's root:
/// one whose modules do not contain the subdirectory is passed over.
#[test]
fn against_git_passes_over_a_configuration_that_does_not_control_the_subdir() {
    let v2 = "version: v2\nmodules:\n  - path: proto\n";
    let work = "version: v1\ndirectories: [proto]\n";
    let v1beta1 = "version: v1beta1\nbuild:\n  roots: [proto]\n";
    for config in [
        ("buf.yaml", v2),
        ("buf.work.yaml", work),
        ("buf.yaml", v1beta1),
    ] {
        let files = [config, ("proto/x.proto", X), ("testdata/t.proto", T)];
        assert_eq!(against_tree(&files, "testdata", &[]), 100, "{config:?}");
    }
}

/// A configuration above the subdirectory whose module is the subdirectory: that module alone
/// is compared, its excludes applied.
#[test]
fn against_git_subdir_that_is_a_module_of_a_configuration_above() {
    let v2 = "version: v2\nmodules:\n  - path: sub\n    excludes: [sub/x]\n  - path: other\n";
    let work = "version: v1\ndirectories: [sub, other]\n";
    let v1beta1 = "version: v1beta1\nbuild:\n  roots: [sub, other]\n";
    for config in [
        ("buf.yaml", v2),
        ("buf.work.yaml", work),
        ("buf.yaml", v1beta1),
    ] {
        let files = [
            config,
            ("sub/t.proto", T),
            ("sub/x/x.proto", X),
            ("other/x.proto", X),
        ];
        assert_eq!(against_tree(&files, "sub", &[]), 100, "{config:?}");
    }
    // A buf.work.yaml at the root, the subdirectory the root itself: every module.
    let files = [
        ("buf.work.yaml", "version: v1\ndirectories: [sub]\n"),
        ("sub/buf.yaml", "version: v1\nbuild:\n  excludes: [x]\n"),
        ("sub/t.proto", T),
        ("sub/x/x.proto", X),
    ];
    assert_eq!(against_tree(&files, ".", &[]), 100);
}

/// Unlike on disk, no current directory bounds the search: a v1 `buf.yaml` above the
/// subdirectory governs it, and the subdirectory is inside its module.
#[test]
fn against_git_subdir_inside_a_module_is_refused() {
    for (config, module) in [
        (
            ("buf.yaml", "version: v1\n"),
            "module \".\" of main:buf.yaml",
        ),
        (
            ("buf.yaml", "version: v2\n"),
            "module \".\" of main:buf.yaml",
        ),
        (
            ("sub/buf.yaml", "version: v1\n"),
            "module \"sub\" of main:sub/buf.yaml",
        ),
    ] {
        let files = [config, ("sub/deeper/t.proto", T)];
        let subdir = "sub/deeper";
        against_tree(
            &files,
            subdir,
            &["cannot compare against main:sub/deeper on its own", module],
        );
    }
}

#[test]
fn against_git_configuration_errors_on_the_way_up() {
    let both = [
        ("buf.yaml", "version: v2\nmodules:\n  - path: proto\n"),
        ("buf.work.yaml", "version: v1\ndirectories: [proto]\n"),
        ("proto/x.proto", X),
        ("sub/t.proto", T),
    ];
    against_tree(&both, "sub", &["both buf.work.yaml and buf.yaml"]);
    let unknown = [("buf.yaml", "version: v9\n"), ("sub/t.proto", T)];
    against_tree(&unknown, "sub", &["main:buf.yaml", "\"v9\""]);
}

/// A git tree whose nested modules share files is compared module by module, as the input is.
#[test]
fn against_git_with_modules_that_share_files() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_opts(
        dir.path(),
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let fixture = root().join("fixtures/projects/nested_modules_not_excluded");
    for file in files_under(&fixture) {
        let rel = file
            .strip_prefix(&fixture)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        write(dir.path(), &rel, &std::fs::read_to_string(&file).unwrap());
    }
    commit(&repo, "old");
    let money = dir.path().join("third_party/money/v1/money.proto");
    let text = std::fs::read_to_string(&money).unwrap();
    std::fs::write(&money, text.replace("  string currency_code = 2;\n", "")).unwrap();
    let args = ["breaking", ".", "--against", ".git#branch=main"];
    assert_eq!(crate::layouts::same_as_buf(dir.path(), &args, &[]), 100);
}
