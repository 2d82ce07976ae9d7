//! The command line end to end: bad configuration, bad input, inputs and flags. Each case checks
//! the exit code and that the message names what is wrong; none may panic.

use std::path::Path;

use crate::common::*;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const GOOD: &str =
    "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage Order {\n  string order_id = 1;\n}\n";

fn lint_with_config(config: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("buf.yaml", config), ("acme/v1/order.proto", GOOD)],
    );
    sous(dir.path(), &["lint"])
}

fn assert_error(out: &Output, needles: &[&str]) {
    assert_eq!(
        out.code, 1,
        "expected exit 1, got {}\nstdout: {}\nstderr: {}",
        out.code, out.stdout, out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "errors must not print findings: {}",
        out.stdout
    );
    for n in needles {
        assert!(out.stderr.contains(n), "stderr lacks {n:?}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn unknown_key_names_file_and_line() {
    let out = lint_with_config(
        "version: v2\nlint:\n  use: [STANDARD]\n  exept: [FIELD_LOWER_SNAKE_CASE]\n",
    );
    assert_error(&out, &["buf.yaml", "exept", "line 4"]);
}

#[test]
fn unknown_rule_id_names_line() {
    let out =
        lint_with_config("version: v2\nlint:\n  use:\n    - STANDARD\n    - FIELD_LOWER_SNAKE\n");
    assert_error(
        &out,
        &[
            "buf.yaml",
            "line 5",
            "FIELD_LOWER_SNAKE",
            "not a known lint rule",
        ],
    );
}

#[test]
fn malformed_yaml() {
    let out = lint_with_config("version: v2\nlint:\n  use: [STANDARD\n");
    assert_error(&out, &["buf.yaml"]);
}

#[test]
fn unknown_version() {
    let out = lint_with_config("version: v9\n");
    assert_error(&out, &["buf.yaml", "v9"]);
}

#[test]
fn v1_key_in_v2_is_an_error() {
    let out = lint_with_config("version: v2\nlint:\n  allow_comment_ignores: true\n");
    assert_error(&out, &["allow_comment_ignores", "line 3"]);
}

#[test]
fn exclude_outside_module() {
    let out = lint_with_config("version: v2\nmodules:\n  - path: acme\n    excludes: [other]\n");
    assert_error(&out, &["other", "not within module"]);
}

#[test]
fn absolute_or_escaping_paths_are_rejected() {
    let out = lint_with_config("version: v2\nlint:\n  ignore: [../outside]\n");
    assert_error(&out, &["../outside", "line 3"]);
}

#[test]
fn config_flag_accepts_inline_json() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "acme/v1/order.proto",
            "syntax = \"proto3\";\npackage acme.v1;\nmessage order {}\n",
        )],
    );
    let out = sous(
        dir.path(),
        &[
            "lint",
            "--config",
            r#"{"version":"v2","lint":{"use":["MESSAGE_PASCAL_CASE"]}}"#,
        ],
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(
        out.stdout.contains("acme/v1/order.proto:3:9:"),
        "{}",
        out.stdout
    );
    let out = sous(
        dir.path(),
        &[
            "lint",
            "--config",
            r#"{"version":"v2","lint":{"use":["FIELD_LOWER_SNAKE_CASE"]}}"#,
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn nonexistent_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = sous(dir.path(), &["lint", "nowhere"]);
    assert_error(&out, &["nowhere"]);
}

#[test]
fn no_target_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("buf.yaml", "version: v2\n")]);
    let out = sous(dir.path(), &["lint"]);
    assert_error(&out, &["no .proto files were targeted"]);
}

#[test]
fn input_inside_a_module_is_refused_like_buf() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v2\nmodules:\n  - path: proto\n"),
            ("proto/acme/v1/order.proto", GOOD),
        ],
    );
    let out = sous(dir.path(), &["lint", "proto/acme"]);
    assert_error(&out, &["proto/acme", "--path"]);
    let ok = sous(dir.path(), &["lint", "proto"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn single_file_input_and_path_flag() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "syntax = \"proto3\";\npackage acme.v1;\nmessage bad_one {}\n";
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v2\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n",
            ),
            ("acme/v1/a.proto", bad),
            ("acme/v1/b.proto", &bad.replace("bad_one", "bad_two")),
        ],
    );
    let out = sous(dir.path(), &["lint", "acme/v1/a.proto"]);
    assert_eq!(out.code, 100);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("acme/v1/a.proto:3:9:"),
        "{}",
        out.stdout
    );
    let out = sous(dir.path(), &["lint", "--path", "acme/v1/b.proto"]);
    assert!(
        out.stdout.starts_with("acme/v1/b.proto:3:9:") && out.stdout.lines().count() == 1,
        "{}",
        out.stdout
    );
    let out = sous(dir.path(), &["lint", "--exclude-path", "acme/v1/b.proto"]);
    assert!(
        out.stdout.starts_with("acme/v1/a.proto:3:9:") && out.stdout.lines().count() == 1,
        "{}",
        out.stdout
    );
}

#[test]
fn missing_dep_names_the_deps_entry_and_include_flag_resolves_it() {
    let dir = tempfile::tempdir().unwrap();
    let vendor = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v2\ndeps:\n  - buf.build/googleapis/googleapis\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n"),
            ("acme/v1/a.proto", "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/type/money.proto\";\nmessage A { google.type.Money m = 1; }\n"),
        ],
    );
    let out = sous(dir.path(), &["lint"]);
    assert_eq!(out.code, 100);
    assert!(
        out.stdout.contains("google/type/money.proto")
            && out.stdout.contains("buf.build/googleapis/googleapis")
            && out.stdout.contains("-I"),
        "{}",
        out.stdout
    );
    write(vendor.path(), &[("google/type/money.proto", "syntax = \"proto3\";\npackage google.type;\nmessage Money { string currency_code = 1; }\nmessage not_linted {}\n")]);
    let out = sous(dir.path(), &["lint", "-I", vendor.path().to_str().unwrap()]);
    assert_eq!(
        out.code, 0,
        "included files are compiled against, never linted: {}{}",
        out.stdout, out.stderr
    );
}

#[test]
fn symlink_loop_is_passed_over_in_silence() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v2\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n",
            ),
            ("acme/v1/order.proto", GOOD),
        ],
    );
    std::os::unix::fs::symlink("..", dir.path().join("acme/v1/up")).unwrap();
    // buf parity: buf walks past a link to a directory it has visited, and says nothing.
    let theirs = buf(dir.path(), &["lint"]);
    assert_eq!((theirs.code, theirs.stderr.as_str()), (0, ""));
    let out = sous(dir.path(), &["lint"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn one_megabyte_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("syntax = \"proto3\"; package acme.v1; message Big { ");
    let mut n = 1;
    while text.len() < 1 << 20 {
        text.push_str(&format!("string field_{n} = {}; ", n + 20000));
        n += 1;
    }
    text.push_str("string badName = 999999; }");
    write(
        dir.path(),
        &[
            (
                "buf.yaml",
                "version: v2\nlint:\n  use: [FIELD_LOWER_SNAKE_CASE]\n",
            ),
            ("acme/v1/big.proto", &text),
        ],
    );
    let out = sous(dir.path(), &["lint", "--error-format", "json"]);
    assert_eq!(out.code, 100, "{}", out.stderr);
    let col = text.find("badName").unwrap() as u32 + 1;
    assert!(
        out.stdout
            .contains(&format!("\"start_line\":1,\"start_column\":{col},")),
        "{}",
        out.stdout
    );
}

#[test]
fn editions_file_is_linted_as_buf_lints_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("buf.yaml", "version: v2\n"),
            (
                "acme/v1/new.proto",
                "// header\nedition = \"2023\";\npackage acme.v1;\nmessage M {\n  string BadName = 1 [features.field_presence = IMPLICIT];\n}\n",
            ),
            ("acme/v1/old.proto", GOOD),
        ],
    );
    let args = ["lint", "--error-format", "json"];
    let out = sous(dir.path(), &args);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert!(!out.stdout.contains("COMPILE"), "{}", out.stdout);
    assert!(
        out.stdout.contains("FIELD_LOWER_SNAKE_CASE"),
        "{}",
        out.stdout
    );
    assert_eq!(keys(&out.stdout), keys(&buf(dir.path(), &args).stdout));
}

#[test]
fn explain_prints_the_catalog_entry_and_rejects_unknown_rules() {
    let out = sous(&root(), &["explain", "FIELD_LOWER_SNAKE_CASE"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.starts_with("# FIELD_LOWER_SNAKE_CASE"),
        "{}",
        out.stdout
    );
    let out = sous(&root(), &["explain", "NOT_A_RULE"]);
    assert_error(&out, &["NOT_A_RULE"]);
}

#[test]
fn version_and_help() {
    let out = sous(&root(), &["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("sous "));
    let out = sous(&root(), &["--help"]);
    assert!(
        out.code == 0 && out.stdout.contains("Examples:"),
        "{}",
        out.stdout
    );
    let out = sous(&root(), &["lint", "--error-format", "nonsense"]);
    assert_eq!(out.code, 1);
}

#[test]
fn ls_lint_rules_configured_only_reads_buf_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "buf.yaml",
            "version: v1\nlint:\n  use: [MINIMAL]\n  except: [PACKAGE_DEFINED]\n",
        )],
    );
    let out = sous(
        dir.path(),
        &[
            "config",
            "ls-lint-rules",
            "--configured-only",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "DIRECTORY_SAME_PACKAGE",
            "PACKAGE_DIRECTORY_MATCH",
            "PACKAGE_SAME_DIRECTORY"
        ]
    );
}

fn breaking_pair(new_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("old/buf.yaml", "version: v2\n"),
            ("old/acme/v1/order.proto", GOOD),
            ("new/buf.yaml", new_config),
            ("new/acme/v1/order.proto", GOOD),
        ],
    );
    dir
}

#[test]
fn breaking_unknown_rule_in_config() {
    let dir = breaking_pair("version: v2\nbreaking:\n  use: [FILE, FIELD_SAME_TYPO]\n");
    let out = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_error(&out, &["buf.yaml", "FIELD_SAME_TYPO"]);
    // A lint rule is not a breaking rule.
    let dir = breaking_pair("version: v2\nbreaking:\n  use: [FIELD_LOWER_SNAKE_CASE]\n");
    let out = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_error(&out, &["FIELD_LOWER_SNAKE_CASE"]);
}

#[test]
fn breaking_against_what_does_not_exist() {
    let dir = breaking_pair("version: v2\n");
    let out = sous(dir.path(), &["breaking", "new", "--against", "./nowhere"]);
    assert_error(&out, &["nowhere", "no such directory or file"]);
    let out = sous(dir.path(), &["breaking", "new", "--against", "old.binpb"]);
    assert_error(&out, &["old.binpb"]);
    // Outside any git repository, a name that is not a path cannot be a revision either.
    let out = sous(dir.path(), &["breaking", "new", "--against", "main"]);
    assert_error(&out, &["not inside a git repository"]);
}

#[test]
fn breaking_against_a_file_that_is_not_a_descriptor_set() {
    let dir = breaking_pair("version: v2\n");
    write(dir.path(), &[("garbage.binpb", "this is not protobuf\n")]);
    let out = sous(
        dir.path(),
        &["breaking", "new", "--against", "garbage.binpb"],
    );
    assert_error(
        &out,
        &["garbage.binpb", "FileDescriptorSet", "buf build -o"],
    );
}

#[test]
fn breaking_input_that_does_not_compile_is_a_finding() {
    let dir = breaking_pair("version: v2\n");
    write(
        dir.path(),
        &[(
            "new/acme/v1/order.proto",
            "syntax = \"proto3\";\nmessage {\n",
        )],
    );
    let out = sous(dir.path(), &["breaking", "new", "--against", "old"]);
    assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("new/acme/v1/order.proto:2:"),
        "{}",
        out.stdout
    );
}

#[test]
fn build_writes_a_descriptor_set_and_nothing_on_error() {
    let dir = breaking_pair("version: v2\n");
    let out = sous(dir.path(), &["build", "old", "-o", "old.binpb"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.path().join("old.binpb").metadata().unwrap().len() > 100);
    let out = sous(dir.path(), &["breaking", "new", "--against", "old.binpb"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    write(
        dir.path(),
        &[(
            "new/acme/v1/order.proto",
            "syntax = \"proto3\";\nmessage {\n",
        )],
    );
    let out = sous(dir.path(), &["build", "new", "-o", "new.binpb"]);
    assert_eq!(out.code, 100);
    assert!(!dir.path().join("new.binpb").exists());
}

#[test]
fn ls_breaking_rules_configured_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "buf.yaml",
            "version: v2\nbreaking:\n  use: [WIRE]\n  except: [FIELD_SAME_ONEOF]\n",
        )],
    );
    let out = sous(
        dir.path(),
        &["config", "ls-breaking-rules", "--configured-only"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("FIELD_WIRE_COMPATIBLE_TYPE"));
    assert!(!out.stdout.contains("FIELD_SAME_ONEOF"));
    assert!(!out.stdout.contains("FIELD_SAME_NAME"));
}

/// `--path` walks only what it names and finds imports on disk when asked: imports from other
/// modules and from outside the named directory resolve as in a full run, excluded directories
/// stay excluded, and one import path in two modules is still an error.
#[test]
fn path_flag_finds_imports_outside_the_paths() {
    let dir = tempfile::tempdir().unwrap();
    let user = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nimport \"acme/base/v1/base.proto\";\nimport \"shared/v1/shared.proto\";\n\nmessage user_record {\n  acme.base.v1.Base base = 1;\n  shared.v1.Shared shared = 2;\n}\n";
    let base = "syntax = \"proto3\";\n\npackage acme.base.v1;\n\nmessage Base {}\n";
    let shared = "syntax = \"proto3\";\n\npackage shared.v1;\n\nmessage Shared {}\n";
    let config = "version: v2\nmodules:\n  - path: proto\n    excludes: [proto/hidden]\n  - path: vendor\nlint:\n  use: [MESSAGE_PASCAL_CASE]\n";
    write(
        dir.path(),
        &[
            ("buf.yaml", config),
            ("proto/acme/user/v1/user.proto", user),
            ("proto/acme/base/v1/base.proto", base),
            ("vendor/shared/v1/shared.proto", shared),
        ],
    );
    let full = sous(dir.path(), &["lint", "--error-format", "json"]);
    let narrowed = sous(
        dir.path(),
        &[
            "lint",
            "--path",
            "proto/acme/user",
            "--error-format",
            "json",
        ],
    );
    assert_eq!(narrowed.code, 100, "{}", narrowed.stderr);
    assert_eq!(narrowed.stdout, full.stdout);
    assert_eq!(keys(&narrowed.stdout).len(), 1, "{}", narrowed.stdout);
    let theirs = buf(
        dir.path(),
        &[
            "lint",
            "--path",
            "proto/acme/user",
            "--error-format",
            "json",
        ],
    );
    assert_eq!(keys(&narrowed.stdout), keys(&theirs.stdout));

    // An import from an excluded directory is not found, with --path or without.
    write(
        dir.path(),
        &[(
            "buf.yaml",
            &config.replace("proto/hidden", "proto/acme/base"),
        )],
    );
    let narrowed = sous(dir.path(), &["lint", "--path", "proto/acme/user"]);
    let full = sous(dir.path(), &["lint"]);
    assert_eq!(narrowed.code, 100);
    assert!(
        narrowed.stdout.contains("acme/base/v1/base.proto"),
        "{}",
        narrowed.stdout
    );
    assert_eq!(narrowed.stdout, full.stdout);

    // One import path in two modules.
    write(
        dir.path(),
        &[
            ("buf.yaml", config),
            ("vendor/acme/base/v1/base.proto", base),
        ],
    );
    let narrowed = sous(dir.path(), &["lint", "--path", "proto/acme/user"]);
    assert_error(&narrowed, &["acme/base/v1/base.proto", "same import path"]);
}

/// `config ls-*-rules --version` takes v1beta1, v1 or v2 exactly, as buf does: anything else is
/// an error (exit 1, our message naming the value), never a silent fallback; an empty value is
/// no value, so the buf.yaml here decides. Exit codes and listed rule IDs are buf's.
#[test]
fn ls_rules_version_is_checked_like_buf() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), "version: v1\n").unwrap();
    let ids = |out: &Output| -> Vec<String> {
        out.stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["id"].as_str().unwrap().to_string()
            })
            .collect()
    };
    for command in ["ls-lint-rules", "ls-breaking-rules"] {
        for version in ["v3", "V1", "V2", " v1", "v1 "] {
            let args = ["config", command, "--version", version];
            let ours = sous(dir.path(), &args);
            let theirs = buf(dir.path(), &args);
            assert_eq!(
                (ours.code, theirs.code),
                (1, 1),
                "{args:?}: {}",
                ours.stderr
            );
            assert_eq!(ours.stdout, "", "{args:?}");
            assert!(
                ours.stderr.contains(&format!(
                    "--version {version:?} is not a configuration version"
                )),
                "{args:?}: {}",
                ours.stderr
            );
        }
        for version in ["", "v1", "v1beta1", "v2"] {
            let args = ["config", command, "--version", version, "--format", "json"];
            let ours = sous(dir.path(), &args);
            let theirs = buf(dir.path(), &args);
            assert_eq!(
                (ours.code, theirs.code),
                (0, 0),
                "{args:?}: {}",
                ours.stderr
            );
            assert_eq!(ids(&ours), ids(&theirs), "{args:?}");
        }
        // The empty value is the buf.yaml's version (v1 here), not v2.
        let empty = sous(
            dir.path(),
            &["config", command, "--version", "", "--format", "json"],
        );
        let v1 = sous(
            dir.path(),
            &["config", command, "--version", "v1", "--format", "json"],
        );
        assert_eq!(empty.stdout, v1.stdout);
        // --version and --configured-only exclude each other, but an empty --version is absent.
        let both = ["config", command, "--version", "v1", "--configured-only"];
        assert_eq!(
            (sous(dir.path(), &both).code, buf(dir.path(), &both).code),
            (1, 1)
        );
        let empty_both = ["config", command, "--version", "", "--configured-only"];
        let (ours, theirs) = (sous(dir.path(), &empty_both), buf(dir.path(), &empty_both));
        assert_eq!((ours.code, theirs.code), (0, 0), "{}", ours.stderr);
    }
}

/// A missing import is a COMPILE finding that says how to provide the file: with `-I`, or, when
/// the workspace declares `deps:`, naming them. A file imported twice exists: it is not reported
/// as missing (the message used to be rewritten from the compiler's text by its first words).
#[test]
fn import_problems_say_what_is_wrong() {
    let message = |config: &str, order: &str| -> String {
        let dir = tempfile::tempdir().unwrap();
        let money = "syntax = \"proto3\";\n\npackage acme.v1;\n\nmessage Money {}\n";
        write(
            dir.path(),
            &[
                ("buf.yaml", config),
                ("money.proto", money),
                ("order.proto", order),
            ],
        );
        let out = sous(dir.path(), &["lint", "--error-format", "json"]);
        assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
        let finding: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
        assert_eq!(finding["type"], "COMPILE", "{}", out.stdout);
        finding["message"].as_str().unwrap().to_string()
    };
    let order = |imports: &str| {
        format!("syntax = \"proto3\";\n\npackage acme.v1;\n\n{imports}\nmessage Order {{}}\n")
    };

    let missing = order("import \"acme/v1/tax.proto\";\n");
    let plain = message("version: v2\n", &missing);
    assert!(
        plain.starts_with("import \"acme/v1/tax.proto\" was not found") && plain.contains("-I"),
        "{plain}"
    );
    let with_deps = message("version: v2\ndeps:\n  - buf.build/acme/tax\n", &missing);
    assert!(
        with_deps.contains("buf.build/acme/tax") && with_deps.contains("-I DIR"),
        "{with_deps}"
    );

    let twice = message(
        "version: v2\n",
        &order("import \"money.proto\";\nimport \"money.proto\";\n"),
    );
    assert!(!twice.contains("not found"), "{twice}");
    assert!(twice.contains("money.proto"), "{twice}");
}

/// A file that imports a file sous cannot compile (here not UTF-8) is told so at the name it
/// cannot resolve, where buf places its error, and not that the import "was not found"; an
/// importer that uses nothing of it is not reported. The broken import is reported even when it
/// is not a target (`--path`), as buf does. Compile findings are compared with buf in full here,
/// spans included (the fixture test compares their places).
#[test]
fn an_import_that_does_not_compile_is_named_at_the_unresolved_name() {
    let dir = root().join("fixtures/projects/bad_import_does_not_compile");
    for extra in [&[][..], &["--path", "acme/orders"][..]] {
        let mut args = vec!["lint", "--error-format", "json"];
        args.extend_from_slice(extra);
        let (ours, theirs) = (sous(&dir, &args), buf(&dir, &args));
        assert_eq!(
            (ours.code, theirs.code),
            (100, 100),
            "{args:?}: {}",
            ours.stderr
        );
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout), "{args:?}");
        let order = ours
            .stdout
            .lines()
            .find(|l| l.contains("acme/orders/order.proto"))
            .unwrap_or_else(|| panic!("{args:?}: no finding in order.proto: {}", ours.stdout));
        assert!(
            order.contains(r#"imports \"acme/catalog/item.proto\", which does not compile"#)
                && order.contains("acme.catalog.Item"),
            "{order}"
        );
        assert!(!ours.stdout.contains("not found"), "{}", ours.stdout);
    }
}

/// A policy's findings carry its name as buf prints it: a `policy` key in JSON, ` (name)` after
/// the message in text. A module's rule and a policy's that find the same thing are both kept.
/// One `ignore_only` of a policy entry serves lint and breaking: an ID that one of them does
/// not know stops that command only, as in buf.
#[test]
fn policies_are_named_beside_their_findings() {
    let root = root();
    let input = "fixtures/projects/policies_local";
    let json = ["lint", input, "--error-format", "json"];
    let named = |out: &Output| -> Vec<(Key, String)> {
        let mut all: Vec<(Key, String)> = out
            .stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let key = keys(l).into_iter().next().unwrap();
                (key, v["policy"].as_str().unwrap_or("").to_string())
            })
            .collect();
        all.sort();
        all
    };
    let (ours, theirs) = (sous(&root, &json), buf(&root, &json));
    assert_eq!((ours.code, theirs.code), (100, 100), "{}", ours.stderr);
    assert_eq!(named(&ours), named(&theirs));
    assert!(named(&ours).iter().all(|(_, policy)| !policy.is_empty()));
    let text = sous(&root, &["lint", input]);
    assert!(
        text.stdout
            .lines()
            .all(|l| l.ends_with(".yaml)")
                && l.contains(" (fixtures/projects/policies_local/policies/")),
        "{}",
        text.stdout
    );

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, "version: v2\n").unwrap();
    let config = format!(
        "version: v2\nlint:\n  disable_builtin: true\nbreaking:\n  disable_builtin: true\npolicies:\n  - policy: {}\n    ignore_only:\n      FIELD_NO_DELETE: [a]\n",
        policy.display()
    );
    write(
        dir.path(),
        &[
            ("buf.yaml", config.as_str()),
            ("a.proto", "syntax = \"proto3\";\n\npackage a.v1;\n"),
        ],
    );
    for (args, code) in [(&["lint"][..], 1), (&["breaking", "--against", "."][..], 0)] {
        let (ours, theirs) = (sous(dir.path(), args), buf(dir.path(), args));
        assert_eq!(
            (ours.code, theirs.code),
            (code, code),
            "{args:?}: {}{}",
            ours.stderr,
            theirs.stderr
        );
    }
}
