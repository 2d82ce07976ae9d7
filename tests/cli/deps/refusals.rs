//! Broken caches and locks: refused by sous as by buf (exit 1), with a message naming the
//! dependency and what to do.

use super::*;

/// buf and sous both refuse with exit code 1; buf's message contains `buf_says`, sous's names
/// every one of `sous_names`.
fn both_refuse(s: &Setup, buf_says: &str, sous_names: &[&str]) {
    let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
    let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
    assert_eq!(theirs.code, 1, "buf: {}{}", theirs.stdout, theirs.stderr);
    assert!(theirs.stderr.contains(buf_says), "buf: {}", theirs.stderr);
    assert_eq!(ours.code, 1, "sous: {}{}", ours.stdout, ours.stderr);
    assert!(ours.stdout.is_empty(), "sous: {}", ours.stdout);
    for name in sous_names {
        assert!(
            ours.stderr.contains(name),
            "sous does not name {name:?}: {}",
            ours.stderr
        );
    }
    assert!(!ours.stderr.contains("panicked"), "{}", ours.stderr);
}

const MISMATCH: &str = "Digest verification failed";

#[test]
fn an_extra_proto_in_the_cache_fails_verification_as_in_buf() {
    for kind in [DigestKind::B5, DigestKind::B4] {
        let s = setup(kind);
        write(
            &entry(&s, 0).join("files/units/v1/extra.proto"),
            "syntax = \"proto3\";\npackage units.v1;\n",
        );
        both_refuse(
            &s,
            MISMATCH,
            &[
                "digest verification failed",
                "buf.build/acme/units:a1b2c3d4e5f60718293a4b5c6d7e8f90",
            ],
        );
    }
}

#[test]
fn an_edited_file_in_the_cache_fails_verification_as_in_buf() {
    for kind in [DigestKind::B5, DigestKind::B4] {
        let s = setup(kind);
        let file = entry(&s, 1).join("files/money/v1/money.proto");
        let text = std::fs::read_to_string(&file).unwrap() + "\n// edited\n";
        write(&file, &text);
        both_refuse(
            &s,
            MISMATCH,
            &["digest verification failed", "buf.build/acme/money"],
        );
    }
}

#[test]
fn an_edited_license_or_readme_fails_verification_a_stray_file_does_not() {
    let s = setup(DigestKind::B5);
    write(
        &entry(&s, 0).join("files/notes.txt"),
        "changed, and not part of the module\n",
    );
    let ours = sous_with_cache(&s.ws, &LINT_JSON, &s.cache);
    let theirs = buf_with_cache(&s.ws, &LINT_JSON, &s.cache);
    assert_eq!(
        (ours.code, theirs.code),
        (100, 100),
        "{}{}",
        ours.stderr,
        theirs.stderr
    );
    write(&entry(&s, 0).join("files/README.md"), "# units, edited\n");
    both_refuse(&s, MISMATCH, &["buf.build/acme/units"]);
    let s = setup(DigestKind::B5);
    write(&entry(&s, 0).join("files/LICENSE"), "another license\n");
    both_refuse(&s, MISMATCH, &["buf.build/acme/units"]);
}

#[test]
fn a_wrong_digest_in_the_lock_fails_verification_as_in_buf() {
    for kind in [DigestKind::B5, DigestKind::B4] {
        let s = setup(kind);
        let mut locked = s.locked.clone();
        let last = if locked[0].digest.hex.ends_with('0') {
            "1"
        } else {
            "0"
        };
        locked[0].digest.hex.pop();
        locked[0].digest.hex.push_str(last);
        write(&s.ws.join("buf.lock"), &lock_text(kind, &locked));
        both_refuse(
            &s,
            MISMATCH,
            &["buf.build/acme/units", &locked[0].digest.to_string()],
        );
    }
}

#[test]
fn a_dependency_left_out_of_module_yaml_fails_verification_as_in_buf() {
    let s = setup(DigestKind::B5);
    write(
        &entry(&s, 1).join("module.yaml"),
        "version: v1\nfiles_dir: files\n",
    );
    both_refuse(&s, MISMATCH, &["buf.build/acme/money"]);
}

#[test]
fn a_cache_entry_without_module_yaml_is_a_miss_naming_the_dependency() {
    let s = setup(DigestKind::B5);
    std::fs::remove_file(entry(&s, 0).join("module.yaml")).unwrap();
    // buf goes to the registry for it, which is not reachable from a test.
    both_refuse(
        &s,
        "buf.build",
        &[
            "buf.build/acme/units",
            "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "buf build",
        ],
    );
}

#[test]
fn an_empty_cache_names_every_missing_dependency_and_how_to_fetch_them() {
    for kind in [DigestKind::B5, DigestKind::B4] {
        let s = setup(kind);
        std::fs::remove_dir_all(&s.cache).unwrap();
        both_refuse(
            &s,
            "buf.build",
            &[
                "2 dependencies",
                "buf.build/acme/units (commit a1b2c3d4e5f60718293a4b5c6d7e8f90",
                "buf.build/acme/money (commit f0e1d2c3b4a5968778695a4b3c2d1e0f",
                "buf build",
            ],
        );
    }
}

#[test]
fn a_deps_entry_missing_from_the_lock_is_refused_as_in_buf() {
    let s = setup(DigestKind::B5);
    write(
        &s.ws.join("buf.yaml"),
        "version: v2\ndeps:\n  - buf.build/acme/money\n  - buf.build/acme/units\n  - buf.build/acme/taxes:v1\n",
    );
    both_refuse(
        &s,
        "buf dep update",
        &["buf.build/acme/taxes", "buf dep update"],
    );
}

#[test]
fn a_v2_lock_under_a_v1_buf_yaml_is_refused_as_in_buf() {
    let s = setup(DigestKind::B5);
    write(
        &s.ws.join("buf.yaml"),
        "version: v1\ndeps:\n  - buf.build/acme/money\n  - buf.build/acme/units\n",
    );
    both_refuse(&s, "v2 buf.lock", &["v2 buf.lock", "buf dep update"]);
}

#[test]
fn a_v1_lock_under_a_v2_buf_yaml_is_refused_as_in_buf() {
    let s = setup(DigestKind::B4);
    write(
        &s.ws.join("buf.yaml"),
        "version: v2\ndeps:\n  - buf.build/acme/money\n  - buf.build/acme/units\n",
    );
    both_refuse(&s, "v1 buf.lock", &["v1 buf.lock", "buf dep update"]);
}

/// buf's own test data (bufbuild/buf `cmd/buf/testdata/imports/`): its cache read by both, and
/// its two corrupted caches refused by both, sous naming the digest buf's tests assert.
#[test]
fn bufs_own_caches_are_read_and_refused_as_buf_does() {
    let data = root().join("fixtures/deps/buf");
    let cases = [
        ("cache", "school", 0, None),
        ("cache", "students", 0, None),
        (
            "corrupted_cache_file",
            "students",
            1,
            Some("b5:87403abcc5ec8403180536840a46bef8751df78caa8ad4b46939f4673d8bd58663d0f593668651bb2cd23049fedac4989e8b28c7e0e36b9b524f58ab09bf1053"),
        ),
        (
            "corrupted_cache_dep",
            "school",
            1,
            Some("b5:975dad3641303843fb6a06eedf038b0e6ff41da82b8a483920afb36011e0b0a24f720a2407f5e0783389530486ff410b7e132f219add69a5c7324d54f6f89a6c"),
        ),
    ];
    for (cache_name, module, code, actual) in cases {
        // Copies: buf writes its lock files into the cache it reads.
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        copy_dir(&data.join(cache_name), &cache);
        let ws = tmp.path().join(module);
        copy_dir(&data.join("success").join(module), &ws);
        let theirs = buf_with_cache(&ws, &LINT_JSON, &cache);
        let ours = sous_with_cache(&ws, &LINT_JSON, &cache);
        let what = format!("{cache_name} {module}");
        assert_eq!(
            theirs.code, code,
            "{what} buf: {}{}",
            theirs.stdout, theirs.stderr
        );
        assert_eq!(
            ours.code, code,
            "{what} sous: {}{}",
            ours.stdout, ours.stderr
        );
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout), "{what}");
        if let Some(actual) = actual {
            assert!(
                theirs.stderr.contains(actual),
                "{what} buf: {}",
                theirs.stderr
            );
            assert!(ours.stderr.contains(actual), "{what} sous: {}", ours.stderr);
        }
    }
}
