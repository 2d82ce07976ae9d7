//! Lint with locked dependencies: the same findings as buf, none in a dependency; local modules
//! win over the cache.

use super::*;

/// buf and sous lint the workspace with the same findings, none of them in a dependency.
fn lint_equals_buf(kind: DigestKind) {
    let s = setup(kind);
    let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
    let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
    assert_eq!(theirs.code, 100, "buf: {}{}", theirs.stdout, theirs.stderr);
    assert_eq!(ours.code, 100, "sous: {}{}", ours.stdout, ours.stderr);
    assert_eq!(
        keys(&ours.stdout),
        keys(&theirs.stdout),
        "sous:\n{}\nbuf:\n{}",
        ours.stdout,
        theirs.stdout
    );
    assert!(
        keys(&ours.stdout)
            .iter()
            .all(|k| k.0.starts_with("shop/") && k.5 != "COMPILE"),
        "a dependency was linted, or did not resolve: {}",
        ours.stdout
    );
}

#[test]
fn lint_with_a_v2_lock_equals_buf() {
    lint_equals_buf(DigestKind::B5);
}

#[test]
fn lint_with_a_v1_lock_equals_buf() {
    lint_equals_buf(DigestKind::B4);
}

#[test]
fn a_dependency_that_is_a_local_module_resolves_to_it_as_in_buf() {
    // buf's own case: a v1 workspace whose a/buf.lock pins module b of the same workspace. The
    // cache is empty: b is read from the workspace, never from the cache.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    copy_dir(&root().join("fixtures/deps/buf/workspace_lock"), &ws);
    let cache = tmp.path().join("empty-cache");
    let theirs = buf_with_cache(&ws, &LINT_JSON, &cache);
    let ours = sous_with_cache(&ws, &LINT_JSON, &cache);
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

    // A v2 workspace with a local module named like a locked dependency: the local copy (the
    // next units, without `Unit.FOOT`) wins over the cached one, and is linted as a module of
    // the workspace.
    let s = setup(DigestKind::B5);
    copy_dir(
        &root().join("fixtures/deps/modules/units-next"),
        &s.ws.join("local-units"),
    );
    std::fs::remove_file(s.ws.join("local-units/notes.txt")).unwrap();
    let shop = s.ws.join("shop");
    std::fs::rename(&shop, s.ws.join("tmp-shop")).unwrap();
    std::fs::create_dir_all(&shop).unwrap();
    std::fs::rename(s.ws.join("tmp-shop"), shop.join("shop")).unwrap();
    write(
        &s.ws.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: shop\n  - path: local-units\n    name: buf.build/acme/units\ndeps:\n  - buf.build/acme/money\n",
    );
    let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
    let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
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
    assert!(
        ours.stdout.contains("local-units/units/v1/length.proto"),
        "{}",
        ours.stdout
    );
}

#[test]
fn an_import_no_dependency_has_is_a_compile_finding_as_in_buf() {
    let s = setup(DigestKind::B5);
    write(
        &s.ws.join("shop/v1/gift.proto"),
        "syntax = \"proto3\";\n\npackage shop.v1;\n\nimport \"units/v1/weight.proto\";\n\nmessage Gift {}\n",
    );
    let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
    let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
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
    // The lock pins every deps: entry, so the message does not send the user to buf dep update.
    assert!(
        ours.stdout.contains("units/v1/weight.proto") && !ours.stdout.contains("buf dep update"),
        "{}",
        ours.stdout
    );
}

/// The (file, import, dependency) named by each `WARN` line: the first three quoted strings.
fn undeclared_warnings(stderr: &str) -> Vec<Vec<String>> {
    stderr
        .lines()
        .filter(|l| l.starts_with("WARN"))
        .map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .take(3)
                .map(String::from)
                .collect()
        })
        .collect()
}

/// An import that only a dependency of a declared dependency provides compiles, with buf's
/// warning on stderr, one per such import, in the same order.
#[test]
fn an_import_from_an_undeclared_transitive_dependency_warns_as_buf_does() {
    let cases = [
        (vec![full_name("money"), full_name("units")], 0),
        (vec![full_name("money")], 1),
        (vec![], 3),
    ];
    for (declared, expected) in cases {
        let s = setup(DigestKind::B5);
        let yaml: String = declared.iter().map(|d| format!("  - {d}\n")).collect();
        let deps = if yaml.is_empty() {
            String::new()
        } else {
            format!("deps:\n{yaml}")
        };
        write(&s.ws.join("buf.yaml"), &format!("version: v2\n{deps}"));
        let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
        let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
        assert_eq!(
            (ours.code, theirs.code),
            (100, 100),
            "{declared:?}\nsous: {}\nbuf: {}",
            ours.stderr,
            theirs.stderr
        );
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout));
        let warned = undeclared_warnings(&ours.stderr);
        assert_eq!(
            warned,
            undeclared_warnings(&theirs.stderr),
            "{declared:?}\nsous: {}\nbuf: {}",
            ours.stderr,
            theirs.stderr
        );
        assert_eq!(warned.len(), expected, "{declared:?}: {}", ours.stderr);
    }
}
