//! The two limits on the work spent finding every error of files that do not compile (README,
//! "Known differences"): past them, sous reports less than buf, on purpose, and this is where
//! that is pinned down. Under them, it reports what buf reports.
//!
//! - More than `every_error::MAX_BLOCKED` (64) files of one link group that do not compile
//!   because an import of theirs does not: their own errors are not looked for, only the
//!   import's.
//! - The compiles for the errors of the compiler's later steps may open four files per file of
//!   the group, at least 1,024 (`error_source::LATER_BUDGET_*`): past that, a file's errors are
//!   those of the first step that fails.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

/// A workspace whose `base.proto` does not compile and whose `n` files `f{i}.proto` import it,
/// each with an error of its own (a type it cannot find).
fn blocked(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(path.join("buf.yaml"), "version: v2\n").unwrap();
    std::fs::write(
        path.join("base.proto"),
        "syntax = \"proto3\";\n\npackage acme;\n\nmessage Base {\n  Missing m = 1;\n}\n",
    )
    .unwrap();
    for i in 0..n {
        std::fs::write(
            path.join(format!("f{i:03}.proto")),
            format!(
                "syntax = \"proto3\";\n\npackage acme;\n\nimport \"base.proto\";\n\nmessage M{i} {{\n  Base b = 1;\n  Nope{i} n = 2;\n}}\n"
            ),
        )
        .unwrap();
    }
    dir
}

/// The files with a `COMPILE` finding, linting `dir` in one link group.
fn files_in_error(dir: &Path) -> BTreeSet<String> {
    let out = sous_env(
        dir,
        &["lint", "--error-format", "json"],
        &[("SOUS_LINK_GROUPS", "1")],
    );
    assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
    keys(&out.stdout)
        .into_iter()
        .filter(|k| k.5 == "COMPILE")
        .map(|k| k.0)
        .collect()
}

#[test]
fn files_blocked_by_a_broken_import_have_their_own_errors_up_to_64_and_as_buf() {
    let dir = blocked(64);
    let ours = files_in_error(dir.path());
    assert_eq!(ours.len(), 65, "{ours:?}");
    // buf parity: the same findings, place by place.
    let args = ["lint", "--error-format", "json"];
    let theirs = buf(dir.path(), &args);
    let ours = sous_env(dir.path(), &args, &[("SOUS_LINK_GROUPS", "1")]);
    assert_eq!(keys(&theirs.stdout), keys(&ours.stdout));
}

#[test]
fn past_64_files_blocked_by_a_broken_import_only_the_import_is_reported() {
    let dir = blocked(65);
    let ours = files_in_error(dir.path());
    assert_eq!(
        ours.into_iter().collect::<Vec<_>>(),
        ["base.proto"],
        "the limit is 64 files"
    );
}

/// A workspace of `libs` files that compile and `failed` files that each import all of them and
/// declare a message twice (the compiler's first step) and use a type that does not exist (a
/// later step).
fn later_steps(libs: usize, failed: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(path.join("buf.yaml"), "version: v2\n").unwrap();
    let mut imports = String::new();
    for i in 0..libs {
        std::fs::write(
            path.join(format!("lib{i:03}.proto")),
            format!("syntax = \"proto3\";\n\npackage lib{i};\n\nmessage L {{}}\n"),
        )
        .unwrap();
        imports.push_str(&format!("import \"lib{i:03}.proto\";\n"));
    }
    for i in 0..failed {
        std::fs::write(
            path.join(format!("x{i:03}.proto")),
            format!(
                "syntax = \"proto3\";\n\npackage x{i};\n\n{imports}\nmessage Twice {{}}\nmessage Twice {{}}\n\nmessage Uses {{\n  Nope n = 1;\n}}\n"
            ),
        )
        .unwrap();
    }
    dir
}

/// For each failed file (by path): whether it has the first step's error (the name declared
/// twice) and the later step's (the type not found), linting `dir` in one link group.
fn steps_found(dir: &Path, failed: usize) -> Vec<(bool, bool)> {
    let out = sous_env(
        dir,
        &["lint", "--error-format", "json"],
        &[("SOUS_LINK_GROUPS", "1")],
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    let found = keys(&out.stdout);
    (0..failed)
        .map(|i| {
            let path = format!("x{i:03}.proto");
            let at_line = |line: u32| found.iter().any(|k| k.0 == path && k.1 == line);
            // After the header and the 50 imports: `message Twice {}` twice, then `Nope n = 1;`.
            let first = 5 + 50 + 1;
            (at_line(first) || at_line(first + 1), at_line(first + 4))
        })
        .collect()
}

#[test]
fn the_later_steps_of_failed_files_are_found_within_their_budget() {
    let dir = later_steps(50, 3);
    let found = steps_found(dir.path(), 3);
    assert_eq!(found, [(true, true); 3], "every step of every file");
}

#[test]
fn past_the_budget_of_later_steps_a_file_has_its_first_step_errors_only() {
    // 90 files in the group: a budget of 1,024 opened files, which the compiles of the failed
    // files (each opening its 50 imports, in a few rounds) use up well before the fortieth.
    let dir = later_steps(50, 40);
    let found = steps_found(dir.path(), 40);
    assert!(
        found.iter().all(|(first, _)| *first),
        "the first step's errors of every file: {found:?}"
    );
    let later = found.iter().filter(|(_, later)| *later).count();
    assert!(
        later > 0 && later < 40,
        "some files past the budget: {found:?}"
    );
    // The files compiled first have theirs; once the budget is spent, none has.
    assert!(
        found.windows(2).all(|w| w[0].1 || !w[1].1),
        "in order: {found:?}"
    );
}
