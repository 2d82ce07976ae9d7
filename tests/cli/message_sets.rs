//! Message sets (`message_set_wire_format = true`), compared with buf: buf 1.75.0 refuses an
//! input or against side with one (exit 1, "input image: ..." or "against image: ...", naming
//! the message), for lint and breaking, from sources or from a descriptor set; sous refuses
//! them the same way, unless `--allow-message-sets`, under which it checks them as buf checks
//! the same files without the option.

use std::path::Path;

use crate::common::*;

/// The side and the message buf's or sous's refusal names: (`input`, `acme.v1.Set`).
fn refusal(stderr: &str) -> Option<(String, String)> {
    let line = stderr.lines().find(|l| l.contains("is a MessageSet"))?;
    let side = line
        .strip_prefix("Failure: ")?
        .split(' ')
        .next()?
        .to_string();
    let name = line
        .split("message \"")
        .nth(1)?
        .split('"')
        .next()?
        .to_string();
    Some((side, name))
}

/// buf and sous both refuse `args` in `dir`: exit 1, the same side and message named.
fn refused_alike(dir: &Path, args: &[&str]) -> Result<(), String> {
    let theirs = buf(dir, args);
    let ours = sous(dir, args);
    assert!(!ours.stderr.contains("panicked"), "{}", ours.stderr);
    let label = format!("{} {}", rel(dir), args.join(" "));
    if theirs.code != 1 {
        return Err(format!(
            "{label}: buf exits {}: {}",
            theirs.code, theirs.stderr
        ));
    }
    let (b, s) = (refusal(&theirs.stderr), refusal(&ours.stderr));
    if ours.code != 1 || b.is_none() || b != s {
        return Err(format!(
            "{label}: exit buf {} sous {}\n  buf:  {}\n  sous: {}{}",
            theirs.code, ours.code, theirs.stderr, ours.stdout, ours.stderr
        ));
    }
    // sous also says where: the file, line and column of the option.
    if !ours.stderr.contains(".proto:") {
        return Err(format!("{label}: no place in {}", ours.stderr));
    }
    Ok(())
}

#[test]
fn lint_refuses_message_sets_as_buf_does() {
    let projects = root().join("fixtures/projects");
    let mut differences = Vec::new();
    for case in ["message_set_refused", "message_set_refused_editions"] {
        let args = ["lint", case, "--error-format", "json"];
        differences.extend(refused_alike(&projects, &args).err());
        // A message set in an import, not a target, refuses the run all the same.
        let path = format!("{case}/acme/v1/user.proto");
        if projects.join(&path).exists() {
            let args = ["lint", case, "--path", &path];
            differences.extend(refused_alike(&projects, &args).err());
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn breaking_refuses_message_sets_on_either_side_as_buf_does() {
    let dir = root().join("fixtures/editions/message_sets");
    let mut differences = Vec::new();
    for (new, old) in [("set", "plain"), ("plain", "set"), ("set", "set")] {
        let args = ["breaking", new, "--against", old, "--error-format", "json"];
        differences.extend(refused_alike(&dir, &args).err());
    }
    // From a descriptor set, as input and as against side.
    let tmp = tempfile::tempdir().unwrap();
    let image = tmp.path().join("set.binpb");
    let image = image.to_string_lossy();
    let built = buf(&dir, &["build", "set", "-o", &image]);
    assert_eq!(built.code, 0, "buf build is not refused: {}", built.stderr);
    let built = sous(&dir, &["build", "set", "-o", &image]);
    assert_eq!(built.code, 0, "sous build is not refused: {}", built.stderr);
    for args in [
        ["breaking", "plain", "--against", &image],
        ["breaking", &image, "--against", "plain"],
    ] {
        differences.extend(refused_alike(&dir, &args).err());
    }
    differences.extend(refused_alike(&dir, &["lint", &image]).err());
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Compile errors come first: a message set in a proto3 file is one of them (at the option's
/// name), and an against side that does not compile is reported before the input's message set.
#[test]
fn compile_errors_come_before_the_refusal() {
    let dir = root().join("fixtures/editions/message_sets");
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken/acme/v1");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("set.proto"),
        "syntax = \"proto2\";\npackage acme.v1;\nmessage Set { optional Nope n = 1; }\n",
    )
    .unwrap();
    let against = tmp.path().join("broken");
    let against = against.to_string_lossy();
    let args = [
        "breaking",
        "set",
        "--against",
        &against,
        "--error-format",
        "json",
    ];
    let (theirs, ours) = (buf(&dir, &args), sous(&dir, &args));
    assert_eq!(theirs.code, 100, "{}", theirs.stderr);
    assert_eq!(ours.code, 100, "{}", ours.stderr);
    assert_eq!(compile_places(&theirs.stdout), compile_places(&ours.stdout));
}

/// A copy of `from` in `to`, the lines that set `message_set_wire_format` left empty unless
/// `keep` (so that the other findings keep their places).
fn copy(from: &Path, to: &Path, keep: bool) {
    for file in files_under(from) {
        let copy = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .map(|l| match keep || !l.contains("message_set_wire_format") {
                true => l,
                false => "",
            })
            .collect();
        std::fs::write(&copy, kept.join("\n") + "\n").unwrap();
    }
}

/// Under `--allow-message-sets`, sous lints and compares message sets as buf does the same
/// files without the option (both copied out of the repository, whose `buf.yaml` they would
/// read otherwise).
#[test]
fn allowed_message_sets_are_checked_as_buf_checks_them_without() {
    let tmp = tempfile::tempdir().unwrap();
    for case in ["message_set_refused", "message_set_refused_editions"] {
        let from = root().join("fixtures/projects").join(case);
        let (with, without) = (
            tmp.path().join(case),
            tmp.path().join(format!("{case}_without")),
        );
        copy(&from, &with, true);
        copy(&from, &without, false);
        let theirs = buf(&without, &["lint", "--error-format", "json"]);
        let args = ["lint", "--error-format", "json", "--allow-message-sets"];
        let ours = sous(&with, &args);
        assert_eq!(theirs.code, 100, "{case}: {}", theirs.stderr);
        assert_eq!(ours.code, theirs.code, "{case}: {}", ours.stderr);
        assert_eq!(keys(&ours.stdout), keys(&theirs.stdout), "{case}");
    }
    let from = root().join("fixtures/editions/message_sets");
    let (with, without) = (tmp.path().join("sets"), tmp.path().join("sets_without"));
    copy(&from, &with, true);
    copy(&from, &without, false);
    for (new, old) in [("set", "plain"), ("plain", "set")] {
        let args = ["breaking", new, "--against", old, "--error-format", "json"];
        let theirs = buf(&without, &args);
        let ours = sous(&with, &[&args[..], &["--allow-message-sets"]].concat());
        assert_eq!(
            ours.code, theirs.code,
            "{new} against {old}: {}",
            ours.stderr
        );
        assert_eq!(
            keys(&ours.stdout),
            keys(&theirs.stdout),
            "{new} against {old}"
        );
    }
}

/// `--allow-message-sets` belongs to lint and breaking: `sous build` refuses it as an unknown
/// flag, with buf's exit code for one (1, the flag named on stderr), and writes nothing.
#[test]
fn build_refuses_allow_message_sets_as_buf_refuses_an_unknown_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("fixtures/projects/message_set_refused");
    let out = tmp.path().join("image.binpb");
    let out = out.to_str().unwrap();
    let theirs = buf(&dir, &["build", "--nope", "-o", out]);
    let ours = sous(&dir, &["build", "--allow-message-sets", "-o", out]);
    assert_eq!(theirs.code, 1, "{}", theirs.stderr);
    assert!(theirs.stderr.contains("unknown flag: --nope"));
    assert_eq!(ours.code, theirs.code, "{}", ours.stderr);
    assert!(
        ours.stderr.contains("--allow-message-sets"),
        "{}",
        ours.stderr
    );
    assert!(!Path::new(out).exists());
    // The same flag is still lint's and breaking's.
    let lint = sous(
        &dir,
        &["lint", "--allow-message-sets", "--error-format", "json"],
    );
    assert_ne!(lint.code, 1, "{}", lint.stderr);
}
