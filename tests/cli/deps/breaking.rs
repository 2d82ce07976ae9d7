//! Breaking with locked dependencies: each side resolves its own `buf.lock` (a directory, a git
//! revision), and changes inside a dependency are reported where buf reports them.

use super::*;

/// `breaking new --against old` in `dir`, by buf and by sous, with the cache at `cache`: the
/// same findings and exit code; returns sous's output.
fn breaking_equals_buf(dir: &Path, against: &str, cache: &Path) -> Output {
    breaking_equals_buf_with(dir, against, cache, &[])
}

fn breaking_equals_buf_with(dir: &Path, against: &str, cache: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "breaking",
        "new",
        "--against",
        against,
        "--error-format",
        "json",
    ];
    args.extend(more);
    let theirs = buf_with_cache(dir, &args, cache);
    let ours = sous_with_cache(dir, &args, cache);
    assert_eq!(
        ours.code, theirs.code,
        "sous: {}{}\nbuf: {}{}",
        ours.stdout, ours.stderr, theirs.stdout, theirs.stderr
    );
    assert_eq!(
        keys(&ours.stdout),
        keys(&theirs.stdout),
        "sous:\n{}\nbuf:\n{}",
        ours.stdout,
        theirs.stdout
    );
    ours
}

/// A workspace at `dir/old` pinning `old` and one at `dir/new` pinning `new`, the new side with
/// `Order.total` deleted.
fn two_sides(dir: &Path, kind: DigestKind, old: &[LockedDep], new: &[LockedDep]) {
    workspace(&dir.join("old"), kind, old);
    workspace(&dir.join("new"), kind, new);
    let order = dir.join("new/shop/v1/order.proto");
    let text = std::fs::read_to_string(&order).unwrap();
    write(&order, &text.replace("  money.v1.Money total = 2;\n", ""));
}

#[test]
fn breaking_against_a_directory_with_its_own_lock_equals_buf() {
    for kind in [DigestKind::B5, DigestKind::B4] {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let locked = build_cache(&cache, kind);
        two_sides(tmp.path(), kind, &locked, &locked);
        let out = breaking_equals_buf(tmp.path(), "old", &cache);
        assert_eq!(out.code, 100, "{}", out.stderr);
    }
}

#[test]
fn breaking_when_a_dependency_changes_between_the_sides_equals_buf() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let old = build_cache(&cache, DigestKind::B5);
    let new = build_cache_of(&cache, DigestKind::B5, NEXT);
    two_sides(tmp.path(), DigestKind::B5, &old, &new);
    // buf reports the changes inside the dependency too, placed in its file.
    let out = breaking_equals_buf(tmp.path(), "old", &cache);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("\"path\":\"units/v1/length.proto\",\"start_line\":11"),
        "{}",
        out.stdout
    );
    // The against side really read its own lock: against itself, the new side has no change
    // (with the old side's lock, `units` would differ).
    let out = breaking_equals_buf(tmp.path(), "new", &cache);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = breaking_equals_buf_with(tmp.path(), "old", &cache, &["--exclude-imports"]);
    assert!(
        out.code == 100 && !out.stdout.contains("units/"),
        "{}",
        out.stdout
    );
}

/// Stages everything in the working tree of `repo` and commits it on HEAD.
fn commit_all(repo: &git2::Repository) {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "old", &tree, &[])
        .unwrap();
}

#[test]
fn breaking_against_a_git_revision_reads_its_buf_lock_from_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let old = build_cache(&cache, DigestKind::B5);
    let new = build_cache_of(&cache, DigestKind::B5, NEXT);
    let repo_dir = tmp.path().join("repo");
    let repo = git2::Repository::init_opts(
        &repo_dir,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    workspace(&repo_dir, DigestKind::B5, &old);
    commit_all(&repo);
    // The working tree pins the next commits; the revision keeps the old lock.
    write(&repo_dir.join("buf.lock"), &lock_text(DigestKind::B5, &new));
    let args = [
        "breaking",
        ".",
        "--against",
        ".git#branch=main",
        "--error-format",
        "json",
    ];
    let theirs = buf_with_cache(&repo_dir, &args, &cache);
    let ours = sous_with_cache(&repo_dir, &args, &cache);
    assert_eq!(
        (ours.code, theirs.code),
        (100, 100),
        "sous: {}{}\nbuf: {}{}",
        ours.stdout,
        ours.stderr,
        theirs.stdout,
        theirs.stderr
    );
    assert_eq!(
        keys(&ours.stdout),
        keys(&theirs.stdout),
        "sous:\n{}\nbuf:\n{}",
        ours.stdout,
        theirs.stdout
    );
    assert!(
        ours.stdout.contains("units/v1/length.proto"),
        "{}",
        ours.stdout
    );
    // A revision whose lock pins a module the cache lacks: the miss names it.
    std::fs::remove_dir_all(
        cache.join("v3/modules/b5/buf.build/acme/units/a1b2c3d4e5f60718293a4b5c6d7e8f90"),
    )
    .unwrap();
    let ours = sous_with_cache(&repo_dir, &args, &cache);
    assert_eq!(ours.code, 1, "{}{}", ours.stdout, ours.stderr);
    assert!(
        ours.stderr
            .contains("buf.build/acme/units (commit a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        "{}",
        ours.stderr
    );
}
