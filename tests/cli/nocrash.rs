//! Inputs nested as deep as anyone can type them never crash sous: past buf's limits they end as
//! buf ends them (`COMPILE` findings at buf's places, or an error naming the file), and within
//! them as buf does too. Every case runs the real buf 1.75.0 and compares the findings exactly,
//! `COMPILE` positions included. Small cases are fixtures (`fixtures/projects/deep_*`); large ones
//! are generated here, in a temporary directory.

use std::path::Path;

use crate::common::*;

const JSON: [&str; 3] = ["lint", "--error-format", "json"];

/// sous and buf run with `args` in `dir` end with the same exit code and the same findings, as
/// (path, start, end, rule); sous neither panics nor dies of a signal. Returns sous's output.
fn same_as_buf(dir: &Path, args: &[&str]) -> Output {
    let theirs = buf(dir, args);
    let ours = sous(dir, args);
    assert!(
        !ours.stderr.contains("panicked") && !ours.stderr.contains("overflow"),
        "sous crashed: {}",
        ours.stderr
    );
    assert_eq!(
        (ours.code, keys(&ours.stdout)),
        (theirs.code, keys(&theirs.stdout)),
        "sous (left) and buf (right) differ in {}\nsous stderr: {}\nbuf stderr: {}",
        dir.display(),
        ours.stderr,
        theirs.stderr
    );
    ours
}

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("fixtures/projects").join(name)
}

/// `{m: {m: ... {x: 1} ... }}`, `depth` brackets deep.
fn aggregate(depth: usize) -> String {
    format!(
        "{}{{x: 1}}{}",
        "{m: ".repeat(depth - 1),
        "}".repeat(depth - 1)
    )
}

const OPTION_HEADER: &str = "syntax = \"proto2\";\npackage deep.v1;\nimport \"google/protobuf/descriptor.proto\";\nmessage M {\n  optional M m = 1;\n  optional int32 x = 2;\n}\nextend google.protobuf.MessageOptions {\n  optional M mo = 50000;\n}\n";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn option_values_past_100_levels_are_compile_findings_as_in_buf() {
    let out = same_as_buf(&fixture("deep_option_value"), &JSON);
    assert_eq!(out.code, 100);
    assert_eq!(keys(&out.stdout).len(), 3, "{}", out.stdout);
}

#[test]
fn messages_past_31_levels_are_compile_findings_as_in_buf() {
    let out = same_as_buf(&fixture("deep_message_nesting"), &JSON);
    assert_eq!(keys(&out.stdout).len(), 3, "{}", out.stdout);
}

#[test]
fn groups_count_as_messages_as_in_buf() {
    let out = same_as_buf(&fixture("deep_group_nesting"), &JSON);
    assert_eq!(keys(&out.stdout).len(), 3, "{}", out.stdout);
}

/// The case of the issue: an aggregate thousands of levels deep aborted sous (stack overflow,
/// SIGABRT) with no file named.
#[test]
fn an_option_value_thousands_deep_is_one_finding_as_in_buf() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{OPTION_HEADER}message Foo {{\n  option (mo) = {};\n}}\n",
        aggregate(5000)
    );
    write(dir.path(), "deep/v1/deep.proto", &text);
    let out = same_as_buf(dir.path(), &JSON);
    assert!(out.stdout.contains("\"COMPILE\""), "{}", out.stdout);
    // The same file on the against side of a comparison.
    write(dir.path(), "new/deep/v1/deep.proto", &text);
    write(dir.path(), "old/deep/v1/deep.proto", &text);
    same_as_buf(dir.path(), &BREAKING);
}

#[test]
fn messages_thousands_deep_are_one_finding_as_in_buf() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 5000;
    let mut text = String::from("syntax = \"proto3\";\npackage deep.v1;\n");
    for i in 0..depth {
        text.push_str(&format!("message N{i} {{\n"));
    }
    text.push_str(&"}\n".repeat(depth));
    write(dir.path(), "deep/v1/deep.proto", &text);
    same_as_buf(dir.path(), &JSON);
}

/// protox follows imports by recursion: a chain of 2,000 files overflowed a thread's default
/// stack.
#[test]
fn a_chain_of_2000_imports_lints_as_in_buf() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    for i in 0..n {
        let import = if i + 1 < n {
            format!("import \"chain/v1/f{}.proto\";\n", i + 1)
        } else {
            String::new()
        };
        let field = if i + 1 < n {
            format!("  M{} next = 1;\n", i + 1)
        } else {
            String::new()
        };
        write(
            dir.path(),
            &format!("chain/v1/f{i}.proto"),
            &format!(
                "syntax = \"proto3\";\npackage chain.v1;\n{import}message M{i} {{\n{field}}}\n"
            ),
        );
    }
    let out = same_as_buf(dir.path(), &JSON);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

/// A file past the limits in an include directory (`-I`, which buf does not have) is an error
/// of the file that imports it, never a crash.
#[test]
fn an_include_file_past_the_limits_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{OPTION_HEADER}message Foo {{\n  option (mo) = {};\n}}\n",
        aggregate(3000)
    );
    write(dir.path(), "include/deep/v1/deep.proto", &text);
    write(
        dir.path(),
        "proto/a/v1/a.proto",
        "syntax = \"proto2\";\npackage a.v1;\nimport \"deep/v1/deep.proto\";\nmessage A {\n  optional deep.v1.M m = 1;\n}\n",
    );
    let out = sous(dir.path(), &["lint", "proto", "-I", "include"]);
    assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("deep/v1/deep.proto") && out.stdout.contains("nested more than 100"),
        "{}",
        out.stdout
    );
}

/// CEL expressions of protovalidate rules: cel-parser recursed once per level and overflowed on
/// a few thousand parentheses. cel-go's limits (250), where buf reports them.
#[test]
fn cel_expressions_past_cels_limits_are_findings_as_in_buf() {
    let dir = tempfile::tempdir().unwrap();
    let vendor = root().join("fixtures/lint/protovalidate/vendor/buf/validate/validate.proto");
    write(
        dir.path(),
        "vendor/buf/validate/validate.proto",
        &std::fs::read_to_string(vendor).unwrap(),
    );
    write(
        dir.path(),
        "buf.yaml",
        "version: v2\nmodules:\n  - path: proto\n  - path: vendor\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [vendor]\n",
    );
    let wrap = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let chain = |op: &str, n: usize| vec!["this"; n].join(op);
    let expressions = [
        wrap("(", "this", ")", 249),
        wrap("(", "this", ")", 250),
        wrap("(", "this", ")", 5000),
        wrap("[", "", "]", 250) + " == []",
        wrap("[", "", "]", 251) + " == []",
        chain(" + ", 251) + " > 0",
        chain(" + ", 252) + " > 0",
        format!("this{} > 0", ".a".repeat(250)),
        format!("{}(this > 0)", "!".repeat(3000)),
        chain(" > 0 || ", 3000) + " > 0",
    ];
    let mut text = String::from(
        "syntax = \"proto3\";\n\npackage acme.v1;\n\nimport \"buf/validate/validate.proto\";\n\nmessage Deep {\n",
    );
    for (i, e) in expressions.iter().enumerate() {
        text.push_str(&format!(
            "  int64 f{n} = {n} [(buf.validate.field).cel = {{id: \"e{n}\", expression: \"{e}\"}}];\n",
            n = i + 1
        ));
    }
    text.push_str("}\n");
    write(dir.path(), "proto/acme/v1/deep.proto", &text);
    let out = same_as_buf(dir.path(), &JSON);
    // 250 parentheses, 5000, 251 lists, 251 and 252 terms and 250 selections with a comparison
    // (251 steps): not the others.
    assert_eq!(
        out.stdout.matches("(CEL's limit)").count(),
        6,
        "{}",
        out.stdout
    );
}

/// `--config` JSON and `buf.yaml` nested thousands deep: an error naming the configuration, exit
/// 1, as in buf (whose messages are its own).
#[test]
fn deep_configuration_is_an_error_as_in_buf() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/v1/a.proto",
        "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n",
    );
    let n = 10_001;
    let config = format!(
        "{{\"version\":\"v1\",\"lint\":{{\"ignore_only\":{{\"X\":{}{}}}}}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let out = same_as_buf(dir.path(), &["lint", "--config", &config]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("Failure: --config"),
        "{}",
        out.stderr
    );
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    for (file, text) in [
        (
            "buf.yaml",
            format!("version: v1\nlint:\n  use: {}\n", nested(100_000)),
        ),
        (
            "buf.work.yaml",
            format!("version: v1\ndirectories: {}\n", nested(100_000)),
        ),
    ] {
        write(dir.path(), file, &text);
        let out = same_as_buf(dir.path(), &["lint"]);
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains(file), "{}", out.stderr);
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
}

/// Found by fuzzing: two extensions of one message with one number, and an option set through
/// them, made prost-reflect panic (a "compiler failed" finding at 1:1, the panic on stderr).
#[test]
fn extension_numbers_used_twice_are_reported_as_in_buf() {
    for name in ["extension_number_twice_in_a_file", "extension_number_twice"] {
        let out = same_as_buf(&fixture(name), &JSON);
        assert_eq!(keys(&out.stdout).len(), 1, "{name}: {}", out.stdout);
        assert_eq!(out.stderr, "", "{name}");
    }
}
