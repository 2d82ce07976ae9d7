//! Properties every run keeps, whatever the input: the same input gives byte-identical output on
//! every run and with any number of threads; lint output does not depend on the order files are
//! found; a reader that leaves (`sous lint | head -1`) ends the run quietly; sous never writes
//! into its input (only `--output`, atomically); runs at once on one tree all succeed.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The files of a workspace of two modules (`a` and `b`, in `buf.work.yaml`), 80 files each in 8
/// packages, with lint findings in most files (names, comments, imports) and custom options:
/// (path, text), in path order. `variant` changes what some files hold, for a breaking
/// comparison.
fn workspace_files(variant: u32) -> Vec<(String, String)> {
    let mut files = vec![
        (
            "buf.work.yaml".to_string(),
            "version: v1\ndirectories:\n  - a\n  - b\n".to_string(),
        ),
        (
            "a/buf.yaml".into(),
            "version: v1\nlint:\n  use: [STANDARD, COMMENTS]\n".into(),
        ),
        ("b/buf.yaml".into(), "version: v1\n".into()),
    ];
    for module in ["a", "b"] {
        for p in 0..8 {
            for f in 0..10 {
                let pkg = format!("{module}{p}.v1");
                let mut text = format!("syntax = \"proto3\";\n\npackage {pkg};\n\n");
                if f > 0 {
                    text.push_str(&format!("import \"{module}{p}/v1/file{}.proto\";\n", f - 1));
                }
                if f % 3 == 0 {
                    text.push_str("import \"google/protobuf/timestamp.proto\";\n");
                }
                text.push_str(&format!("\nmessage Thing{f} {{\n  string id = 1;\n"));
                if f > 0 {
                    text.push_str(&format!("  Thing{} prev = 2;\n", f - 1));
                }
                if (f + p) % 4 == variant % 4 {
                    text.push_str("  int64 badName = 3;\n");
                }
                text.push_str("}\n");
                if f % 5 == 1 {
                    text.push_str(&format!(
                        "\nenum kind{f} {{\n  KIND{f}_UNSPECIFIED = 0;\n  kind{f}_other = 1;\n}}\n"
                    ));
                }
                if variant > 0 && f == 9 {
                    // A deleted field: a breaking change in every package.
                    text = text.replace("  string id = 1;\n", "");
                }
                files.push((format!("{module}/{module}{p}/v1/file{f}.proto"), text));
            }
        }
    }
    files
}

/// Writes `files` under `dir`, in the order given.
fn lay_out(dir: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        write(dir, path, text);
    }
}

fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = sous_env(cwd, args, env);
    (out.code, out.stdout, out.stderr)
}

#[test]
fn output_is_byte_identical_on_every_run_and_with_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    lay_out(dir.path(), &workspace_files(0));
    let old = tempfile::tempdir().unwrap();
    lay_out(old.path(), &workspace_files(1));
    let against = old.path().to_string_lossy().to_string();
    let settings: [&[(&str, &str)]; 3] = [
        &[("RAYON_NUM_THREADS", "4")],
        &[("RAYON_NUM_THREADS", "1")],
        // One compiler for everything, where four threads split the input in groups.
        &[("RAYON_NUM_THREADS", "4"), ("SOUS_LINK_GROUPS", "1")],
    ];
    let commands: Vec<Vec<&str>> = vec![
        vec!["lint", "--error-format", "json"],
        vec!["lint", "--error-format", "sarif"],
        vec!["lint", "--error-format", "pretty", "--color", "always"],
        vec!["lint", "--error-format", "github-actions"],
        vec!["breaking", "--against", &against, "--error-format", "text"],
        vec!["breaking", "--against", &against, "--error-format", "junit"],
    ];
    for args in &commands {
        let first = run(dir.path(), args, settings[0]);
        assert_eq!(first.0, 100, "{args:?}: {}", first.2);
        assert!(!first.1.contains("COMPILE"), "{args:?}: {}", first.1);
        assert!(first.1.len() > 1000, "{args:?}: {}", first.1);
        // Again, then with one thread, then with one compiler.
        for env in settings.iter().chain(&settings[1..]) {
            assert!(
                run(dir.path(), args, env) == first,
                "{args:?} with {env:?} differs from the first run"
            );
        }
    }
}

/// The names of the entries of `dir`, in the order the file system lists them.
fn listed(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn lint_output_does_not_depend_on_the_order_files_are_found() {
    let files = workspace_files(0);
    // The same files created in path order, and in reverse order (most file systems list a
    // small directory in creation order).
    let forward = tempfile::tempdir().unwrap();
    lay_out(forward.path(), &files);
    let backward = tempfile::tempdir().unwrap();
    let reversed: Vec<_> = files.iter().rev().cloned().collect();
    lay_out(backward.path(), &reversed);
    let package = Path::new("a/a3/v1");
    if listed(&forward.path().join(package)) == listed(&backward.path().join(package)) {
        eprintln!("this file system lists entries in one order whatever their creation order");
    }
    let args = ["lint", "--error-format", "json"];
    let expected = run(forward.path(), &args, &[]);
    assert_eq!(expected.0, 100, "{}", expected.2);
    assert_eq!(run(backward.path(), &args, &[]), expected);
    // The modules of buf.work.yaml listed the other way round.
    write(
        backward.path(),
        "buf.work.yaml",
        "version: v1\ndirectories:\n  - b\n  - a\n",
    );
    assert_eq!(run(backward.path(), &args, &[]), expected);
    // Paths given in one order and the other.
    let paths = ["b/b1", "a/a2/v1/file3.proto", "a/a5", "b/b0/v1"];
    let with_paths = |order: &[&str]| {
        let mut args = args.to_vec();
        for p in order {
            args.extend(["--path", p]);
        }
        run(forward.path(), &args, &[])
    };
    let reversed_paths: Vec<&str> = paths.iter().rev().copied().collect();
    let one = with_paths(&paths);
    assert_eq!(one.0, 100, "{}", one.2);
    assert_eq!(with_paths(&reversed_paths), one);
}

/// `sous lint | head -1`: the reader leaves after one line. sous ends with exit code 1 and
/// nothing on stderr, as buf from npm does (the Go binary itself dies of SIGPIPE, which a shell
/// shows as 141); ripgrep exits 0, but then a script would take a run whose report was cut short
/// for a clean one.
#[test]
fn a_reader_that_leaves_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("syntax = \"proto3\";\npackage many.v1;\n");
    for i in 0..5000 {
        text.push_str(&format!("message m{i} {{\n  int32 BadName = 1;\n}}\n"));
    }
    write(dir.path(), "many/v1/many.proto", &text);
    let after_one_line = |mut command: Command| {
        let mut child = command
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // The reader is gone: dropped with the BufReader.
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (line, status.code(), stderr)
    };
    for format in ["text", "json", "pretty"] {
        let mut ours = Command::new(env!("CARGO_BIN_EXE_sous"));
        ours.args(["lint", "--error-format", format]);
        let (line, code, stderr) = after_one_line(ours);
        assert!(!line.is_empty(), "{format}: no first line");
        assert_eq!((code, stderr.as_str()), (Some(1), ""), "{format}");
    }
    let mut theirs = Command::new(buf_path());
    theirs.args(["lint", "--error-format", "text"]);
    let (_, code, stderr) = after_one_line(theirs);
    assert_eq!((code, stderr.as_str()), (Some(1), ""), "buf");
}

/// Every entry under `dir` (the `.git` directory too): its kind, size, modification time and,
/// for a file, its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (bool, u64, std::time::SystemTime, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let content = if meta.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                e.path().to_path_buf(),
                (meta.is_dir(), meta.len(), meta.modified().unwrap(), content),
            )
        })
        .collect()
}

/// A git repository holding the workspace at two commits: `workspace_files(1)`, then
/// `workspace_files(0)`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    lay_out(dir.path(), &workspace_files(1));
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "one"]);
    lay_out(dir.path(), &workspace_files(0));
    git(&["commit", "-q", "-a", "-m", "two"]);
    dir
}

#[test]
fn sous_never_writes_into_its_input() {
    let repo = repository();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.sarif");
    let image = out.path().join("image.binpb");
    let (report, image) = (report.to_str().unwrap(), image.to_str().unwrap());
    let before = snapshot(repo.path());
    // Let any modification time that changes be a different one.
    std::thread::sleep(std::time::Duration::from_millis(20));
    for args in [
        vec!["lint"],
        vec!["lint", "--error-format", "sarif", "--output", report],
        vec!["breaking", "--against", "HEAD~1"],
        vec!["breaking", "--against", ".git#ref=HEAD~1"],
        vec!["build", "-o", image],
    ] {
        let out = sous(repo.path(), &args);
        assert!(matches!(out.code, 0 | 100), "{args:?}: {}", out.stderr);
    }
    assert!(before == snapshot(repo.path()), "the input tree changed");
    // Only what was asked for was written beside the outputs.
    let mut written = listed(out.path());
    written.sort();
    assert_eq!(written, ["image.binpb", "report.sarif"]);
}

#[test]
fn runs_at_once_on_one_tree_all_succeed() {
    let repo = repository();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.json");
    let report = report.to_str().unwrap();
    let lint = ["lint", "--error-format", "json", "--output", report];
    let breaking = ["breaking", "--against", "HEAD~1", "--error-format", "json"];
    let alone = sous(repo.path(), &lint);
    assert_eq!(alone.code, 100, "{}", alone.stderr);
    let expected_report = std::fs::read_to_string(report).unwrap();
    let expected_breaking = sous(repo.path(), &breaking);
    assert_eq!(expected_breaking.code, 100, "{}", expected_breaking.stderr);
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sous"))
            .args(args)
            .current_dir(repo.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Four at once: two write the same report, two compare with the same revision.
    let children = [
        spawn(&lint),
        spawn(&lint),
        spawn(&breaking),
        spawn(&breaking),
    ];
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(100), "run {i}: {stderr}");
        if i >= 2 {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected_breaking.stdout,
                "run {i}"
            );
        }
    }
    // The report is whole (one of the runs wrote it last), and nothing is left beside it.
    assert_eq!(std::fs::read_to_string(report).unwrap(), expected_report);
    assert_eq!(listed(out.path()), ["report.json"]);
}
