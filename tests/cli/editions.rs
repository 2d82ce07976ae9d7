//! Protobuf Editions compared with buf: the migration set (the same schema as proto2, proto3 and
//! editions, every ordered pair through `breaking`), the feature cases under
//! `fixtures/editions/breaking/`, and bad editions input (`fixtures/projects/editions_bad_*`,
//! whose findings the fixture parity test compares by file: here by place).

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

/// `breaking NEW --against OLD` in `dir` with buf and sous, under the default rules and under
/// FILE and WIRE_JSON together: the same exit code and findings, or the differences.
fn compare_breaking(dir: &Path, new: &str, old: &str) -> Vec<String> {
    const ALL: &str = r#"{"version":"v1","breaking":{"use":["FILE","WIRE_JSON"]}}"#;
    let mut differences = Vec::new();
    for config in [None, Some(ALL)] {
        let mut args = vec!["breaking", new, "--against", old, "--error-format", "json"];
        if let Some(config) = config {
            args.extend(["--config", config]);
        }
        let theirs = buf(dir, &args);
        let ours = sous(dir, &args);
        assert!(!ours.stderr.contains("panicked"), "{}", ours.stderr);
        let label = format!(
            "{}: {new} against {old}{}",
            rel(dir),
            if config.is_some() {
                " (FILE, WIRE_JSON)"
            } else {
                ""
            }
        );
        if theirs.code != ours.code {
            differences.push(format!(
                "{label}: exit buf {} sous {}\n{}{}",
                theirs.code, ours.code, theirs.stderr, ours.stderr
            ));
            continue;
        }
        let (b, s) = (keys(&theirs.stdout), keys(&ours.stdout));
        if b != s {
            differences.push(format!(
                "{label}:\n  only buf:  {:?}\n  only sous: {:?}",
                b.difference(&s).collect::<Vec<_>>(),
                s.difference(&b).collect::<Vec<_>>()
            ));
        }
    }
    differences
}

#[test]
fn migration_pairs_match_buf() {
    let dir = root().join("fixtures/editions/migration");
    let sides: Vec<String> = fixture_subdirs(&dir);
    assert!(sides.len() >= 5, "{sides:?}");
    let mut differences = Vec::new();
    let mut pairs = 0;
    for old in &sides {
        for new in sides.iter().filter(|n| *n != old) {
            pairs += 1;
            differences.extend(compare_breaking(&dir, new, old));
        }
    }
    assert_eq!(pairs, sides.len() * (sides.len() - 1));
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn feature_cases_match_buf() {
    let dir = root().join("fixtures/editions/breaking");
    let cases = fixture_subdirs(&dir);
    assert!(cases.len() >= 6, "{cases:?}");
    let mut differences = Vec::new();
    for case in &cases {
        let case_dir = dir.join(case);
        // Each case changes something buf reports: a case that finds nothing tests nothing.
        let found = buf(&case_dir, &BREAKING);
        assert_eq!(found.code, 100, "{case}: {}{}", found.stdout, found.stderr);
        differences.extend(compare_breaking(&case_dir, "new", "old"));
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// buf reports every error of a broken file, sous the first ones: sous's `COMPILE` findings are
/// buf's, and include buf's first.
#[test]
fn bad_input_is_placed_where_buf_places_it() {
    let projects = root().join("fixtures/projects");
    let cases: Vec<String> = fixture_subdirs(&projects)
        .into_iter()
        .filter(|n| n.starts_with("editions_bad_"))
        .collect();
    assert!(cases.len() >= 10, "{cases:?}");
    let mut differences = Vec::new();
    for case in &cases {
        let args = ["lint", case.as_str(), "--error-format", "json"];
        let theirs = buf(&projects, &args);
        let ours = sous(&projects, &args);
        assert!(!ours.stderr.contains("panicked"), "{case}: {}", ours.stderr);
        let compile = |s: &str| -> BTreeSet<Key> {
            keys(s).into_iter().filter(|k| k.5 == "COMPILE").collect()
        };
        let (b, s) = (compile(&theirs.stdout), compile(&ours.stdout));
        let first = b.iter().next();
        if theirs.code != ours.code
            || first.is_none()
            || !s.contains(first.unwrap())
            || !s.is_subset(&b)
        {
            differences.push(format!(
                "{case}: exit buf {} sous {}\n  buf:  {b:?}\n  sous: {s:?}",
                theirs.code, ours.code
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The directories in `dir`, by name.
fn fixture_subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Descriptor sets with editions files, both ways: the old side of each feature case built by
/// buf and by sous, and every set read by both tools, gives the findings of the directory.
#[test]
fn descriptor_sets_carry_editions_both_ways() {
    let dir = root().join("fixtures/editions/breaking");
    let mut differences = Vec::new();
    for case in fixture_subdirs(&dir) {
        let case_dir = dir.join(&case);
        let tmp = tempfile::tempdir().unwrap();
        let by_buf = tmp.path().join("buf.binpb");
        let by_sous = tmp.path().join("sous.binpb");
        let (by_buf, by_sous) = (by_buf.to_string_lossy(), by_sous.to_string_lossy());
        let built = buf(&case_dir, &["build", "old", "-o", &by_buf]);
        assert_eq!(built.code, 0, "{case}: {}", built.stderr);
        let built = sous(&case_dir, &["build", "old", "-o", &by_sous]);
        assert_eq!(built.code, 0, "{case}: {}", built.stderr);
        let args = |against: &str| -> Vec<String> {
            [
                "breaking",
                "new",
                "--against",
                against,
                "--exclude-imports",
                "--error-format",
                "json",
            ]
            .map(str::to_string)
            .to_vec()
        };
        let run = |tool: fn(&Path, &[&str]) -> Output, against: &str| -> BTreeSet<Key> {
            let args = args(against);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = tool(&case_dir, &args);
            assert!(out.code == 0 || out.code == 100, "{case}: {}", out.stderr);
            keys(&out.stdout)
        };
        let expected = run(buf, "old");
        let mut seen = vec![
            ("buf reading buf's set", run(buf, &by_buf)),
            ("sous reading buf's set", run(sous, &by_buf)),
            ("buf reading sous's set", run(buf, &by_sous)),
        ];
        // A plain FileDescriptorSet (what sous writes) makes every file a target, the imported
        // `google/protobuf/` files too, which sous then reports as deleted (a difference of
        // every descriptor set, not of editions): those file-level findings are left out here.
        let own: BTreeSet<Key> = run(sous, &by_sous)
            .into_iter()
            .filter(|k| !k.0.is_empty())
            .collect();
        seen.push(("sous reading sous's set", own));
        for (what, found) in seen {
            if found != expected {
                differences.push(format!(
                    "{case}, {what}: {found:?}\n  expected {expected:?}"
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Against a git revision the old side is compiled first and the new side reuses what did not
/// change: an editions file the same at both revisions is reused (and its importer compiled
/// against it), and the findings are buf's.
#[test]
fn against_a_revision_reuses_unchanged_editions_files() {
    use crate::git::{commit, write};
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init_opts(
        dir.path(),
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let shared = "edition = \"2023\";\npackage acme.v1;\noption features.enum_type = CLOSED;\nenum Status {\n  STATUS_UNSPECIFIED = 0;\n}\nmessage Item {\n  string sku = 1 [features.field_presence = LEGACY_REQUIRED];\n}\n";
    let order = |presence: &str| {
        format!(
            "edition = \"2023\";\npackage acme.v1;\nimport \"acme/v1/shared.proto\";\nmessage Order {{\n  Status status = 1;\n  Item item = 2;\n  int32 count = 3 [features.field_presence = {presence}];\n}}\n"
        )
    };
    write(dir.path(), "buf.yaml", "version: v2\n");
    write(dir.path(), "acme/v1/shared.proto", shared);
    write(dir.path(), "acme/v1/order.proto", &order("EXPLICIT"));
    commit(&repo, "v1");
    write(dir.path(), "acme/v1/order.proto", &order("LEGACY_REQUIRED"));
    let args = [
        "breaking",
        "--against",
        ".git#branch=main",
        "--error-format",
        "json",
    ];
    let ours = sous(dir.path(), &args);
    let theirs = buf(dir.path(), &args);
    assert_eq!(ours.code, 100, "{}{}", ours.stdout, ours.stderr);
    assert_eq!(theirs.code, ours.code, "{}", theirs.stderr);
    assert!(!ours.stdout.contains("COMPILE"), "{}", ours.stdout);
    assert_eq!(keys(&ours.stdout), keys(&theirs.stdout));
    let bare = sous(
        dir.path(),
        &["breaking", "--against", "main", "--error-format", "json"],
    );
    assert_eq!(keys(&bare.stdout), keys(&theirs.stdout), "{}", bare.stderr);
}

/// `import option` in an edition 2024 or 2026 file: buf 1.75.0 fails (exit 1, nothing on
/// stdout), and so does sous, naming the file and the place of `option`.
#[test]
fn import_option_fails_in_2024_and_2026_as_buf_does() {
    let dir = tempfile::tempdir().unwrap();
    for edition in ["2024", "2026"] {
        let text = format!(
            "edition = \"{edition}\";\n\npackage a;\n\nimport \"google/protobuf/descriptor.proto\";\nimport option \"google/protobuf/cpp_features.proto\";\n\nmessage M {{\n  string x = 1;\n}}\n"
        );
        std::fs::write(dir.path().join("a.proto"), text).unwrap();
        let args = ["lint", "--error-format", "json"];
        let theirs = buf(dir.path(), &args);
        let ours = sous(dir.path(), &args);
        assert_eq!(theirs.code, 1, "{edition}: buf {}", theirs.stderr);
        assert_eq!(
            ours.code, 1,
            "{edition}: sous {}{}",
            ours.stdout, ours.stderr
        );
        assert!(ours.stdout.is_empty(), "{}", ours.stdout);
        assert!(
            theirs.stderr.contains("dependency index of 1"),
            "{}",
            theirs.stderr
        );
        assert!(
            ours.stderr.contains("a.proto:6:8: `import option`")
                && ours.stderr.contains("dependency index of 1"),
            "{edition}: {}",
            ours.stderr
        );
    }
}

/// `import option` of a file of custom options in an edition 2024 file: buf 1.75.0 fails when
/// the file sets none of its options (exit 1), and so does sous, once the file is compiled; one
/// that sets an option compiles.
#[test]
fn unused_import_option_of_custom_options_fails_as_buf_does() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("opts.proto"),
        "syntax = \"proto2\";\npackage o;\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions {\n  optional int32 field_opt = 50003;\n}\n",
    )
    .unwrap();
    for (option, code) in [("", 1), (" [(o.field_opt) = 3]", 0)] {
        let text = format!(
            "edition = \"2024\";\n\npackage a;\n\nimport option \"opts.proto\";\n\nmessage M {{\n  int32 x = 1{option};\n}}\n"
        );
        std::fs::write(dir.path().join("a.proto"), text).unwrap();
        let args = [
            "lint",
            "--path",
            "a.proto",
            "--error-format",
            "json",
            "--config",
            r#"{"version":"v2","lint":{"use":["FIELD_LOWER_SNAKE_CASE"]}}"#,
        ];
        let theirs = buf(dir.path(), &args);
        let ours = sous(dir.path(), &args);
        assert_eq!(theirs.code, code, "buf {}{}", theirs.stdout, theirs.stderr);
        assert_eq!(ours.code, code, "sous {}{}", ours.stdout, ours.stderr);
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout));
        if code == 1 {
            assert!(
                ours.stderr.contains("a.proto:5:8: `import option`")
                    && ours.stderr.contains("dependency index of 0"),
                "{}",
                ours.stderr
            );
        }
    }
}
