//! The cache after an edit (`src/cache/incremental.rs`): a lint run whose entry is there but
//! some of whose files changed compiles only those and the files importing them, takes every
//! other file's findings from the entry, and runs the rules that compare files again over
//! every file. Its output is a cold run's, byte for byte, in every format; an edit that changes
//! what a rule comparing files says of a file not compiled is seen; an edit that declares new
//! top-level names (which could clash with a file not compiled) compiles everything again.
//! A partial run is seen in `SOUS_TRACE`'s `[cache: partial, ...]` line; its stderr is compared
//! without the trace lines.

use std::path::{Path, PathBuf};

use crate::common::*;
use crate::git::write;

/// A copy of `fixtures/projects/cache` with a second file in package `acme.base.v1` that imports
/// nothing and nothing imports, and an empty cache directory.
fn project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let from = root().join("fixtures/projects/cache");
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("work");
    for file in files_under(&from) {
        let to = cwd.join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    let rate = "syntax = \"proto3\";\n\npackage acme.base.v1;\n\n// Rate is a ratio.\nmessage Rate {\n  int64 parts = 1;\n}\n";
    write(&cwd.join("proto"), "acme/base/v1/rate.proto", rate);
    let cache = dir.path().join("cache");
    (dir, cwd, cache)
}

fn with(cache: &Path, env: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut all = vec![("SOUS_CACHE_DIR", cache.to_str().unwrap().to_string())];
    all.extend(env.iter().map(|(k, v)| (*k, v.to_string())));
    all
}

fn run(cwd: &Path, args: &[&str], env: &[(&'static str, String)]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sous_env(cwd, args, &env)
}

fn cold(cwd: &Path, args: &[&str]) -> Output {
    sous_env(cwd, args, &[("SOUS_NO_CACHE", "1")])
}

fn without_trace(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("trace:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Stores a run of `args` (json), applies `edit`, then runs `args` in `format` with the cache:
/// it must print what a cold run prints, and be partial or not as `partial` says.
fn after_edit(
    cwd: &Path,
    cache: &Path,
    format: &str,
    partial: bool,
    edit: impl FnOnce(),
) -> Output {
    let _ = std::fs::remove_dir_all(cache);
    let json = ["lint", "--error-format", "json"];
    run(cwd, &json, &with(cache, &[]));
    let before = cold(cwd, &json);
    edit();
    let args = ["lint", "--error-format", format];
    let reference = cold(cwd, &args);
    let got = run(cwd, &args, &with(cache, &[("SOUS_TRACE", "1")]));
    assert_eq!(
        got.stderr.contains("[cache: partial"),
        partial,
        "{format}: partial run expected: {partial}\n{}",
        got.stderr
    );
    assert!(
        !got.stderr.contains("[cache: hit"),
        "{format}: a whole hit after an edit"
    );
    assert_eq!(reference.code, got.code, "{format}: exit code");
    assert_eq!(reference.stdout, got.stdout, "{format}: stdout");
    assert_eq!(
        reference.stderr,
        without_trace(&got.stderr),
        "{format}: stderr"
    );
    // The entry the partial run stored serves the next run whole, with the same output.
    let next = run(cwd, &args, &with(cache, &[]));
    assert_eq!(reference.stdout, next.stdout, "{format}: the run after");
    assert_ne!(
        before.stdout,
        cold(cwd, &json).stdout,
        "the edit changes the findings"
    );
    reference
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

const FORMATS: &[&str] = &[
    "text",
    "json",
    "msvs",
    "junit",
    "github-actions",
    "gitlab-code-quality",
    "sarif",
    "pretty",
    "config-ignore-yaml",
];

#[test]
fn an_edit_to_a_file_nothing_imports_is_partial_and_cold_in_every_format() {
    let (_dir, cwd, cache) = project();
    let shop = cwd.join("proto/acme/shop/v1/shop.proto");
    let original = std::fs::read_to_string(&shop).unwrap();
    for format in FORMATS {
        std::fs::write(&shop, &original).unwrap();
        let out = after_edit(&cwd, &cache, format, true, || {
            edit(
                &shop,
                "acme.base.v1.Money total = 2;",
                "acme.base.v1.Money Total = 2;",
            )
        });
        if *format == "json" {
            let args = ["lint", "--error-format", "json"];
            assert_eq!(keys(&out.stdout), keys(&buf(&cwd, &args).stdout), "buf");
        }
    }
}

#[test]
fn an_edit_to_an_import_compiles_its_importers_again() {
    // shop.proto imports money.proto: renaming Money's field changes money's findings, and
    // shop is compiled again with it (what it says of Money must be the new Money).
    let (_dir, cwd, cache) = project();
    let money = cwd.join("proto/acme/base/v1/money.proto");
    for format in ["json", "text", "sarif"] {
        let out = after_edit(&cwd, &cache, format, true, || {
            edit(&money, "int64 units = 2;", "int64 unitCount = 2;")
        });
        edit(&money, "int64 unitCount = 2;", "int64 units = 2;");
        if format == "json" {
            assert!(out.stdout.contains("unitCount"), "{}", out.stdout);
        }
    }
}

#[test]
fn an_edit_that_changes_what_a_rule_comparing_files_says_of_another_file() {
    // money.proto gains a go_package that rate.proto (same package, not compiled again: it
    // imports nothing and nothing imports it) lacks: PACKAGE_SAME_GO_PACKAGE now reports both.
    let (_dir, cwd, cache) = project();
    let money = cwd.join("proto/acme/base/v1/money.proto");
    for format in ["json", "text", "github-actions"] {
        let out = after_edit(&cwd, &cache, format, true, || {
            edit(
                &money,
                "package acme.base.v1;\n",
                "package acme.base.v1;\n\noption go_package = \"example.com/base\";\n",
            )
        });
        edit(
            &money,
            "package acme.base.v1;\n\noption go_package = \"example.com/base\";\n",
            "package acme.base.v1;\n",
        );
        if format == "json" {
            let rate = out
                .stdout
                .lines()
                .filter(|l| l.contains("rate.proto") && l.contains("PACKAGE_SAME_GO_PACKAGE"));
            assert_eq!(rate.count(), 1, "{}", out.stdout);
            let args = ["lint", "--error-format", "json"];
            std::fs::write(
                &money,
                std::fs::read_to_string(&money).unwrap().replace(
                    "package acme.base.v1;\n",
                    "package acme.base.v1;\n\noption go_package = \"example.com/base\";\n",
                ),
            )
            .unwrap();
            assert_eq!(keys(&out.stdout), keys(&buf(&cwd, &args).stdout), "buf");
            edit(
                &money,
                "package acme.base.v1;\n\noption go_package = \"example.com/base\";\n",
                "package acme.base.v1;\n",
            );
        }
    }
}

#[test]
fn an_edit_declaring_new_top_level_names_compiles_everything() {
    // A message `Rate` in money.proto clashes with rate.proto's, which a partial run would not
    // compile: the run must see the clash, as a cold run does.
    let (_dir, cwd, cache) = project();
    let money = cwd.join("proto/acme/base/v1/money.proto");
    let out = after_edit(&cwd, &cache, "json", false, || {
        edit(
            &money,
            "message Money {",
            "message Rate {}\n\nmessage Money {",
        )
    });
    assert!(out.stdout.contains("COMPILE"), "{}", out.stdout);
}

#[test]
fn a_configuration_change_is_no_partial_run() {
    let (_dir, cwd, cache) = project();
    after_edit(&cwd, &cache, "json", false, || {
        edit(
            &cwd.join("buf.yaml"),
            "    - STANDARD\n",
            "    - STANDARD\n  except:\n    - SERVICE_SUFFIX\n",
        )
    });
}

#[test]
fn a_rule_comparing_files_places_what_it_finds_in_an_import_compiled_again() {
    // money.proto gains a service whose RPC takes and returns Money: RPC_REQUEST_RESPONSE_UNIQUE
    // reports at that RPC. An edit to shop.proto compiles money.proto again as an import alone
    // (a descriptor keeping only its options' locations): the finding stays where a cold run
    // puts it, not at the file's 1:1.
    let (_dir, cwd, cache) = project();
    let money = cwd.join("proto/acme/base/v1/money.proto");
    let service = "\n// MoneyService echoes.\nservice MoneyService {\n  // Echo echoes.\n  rpc Echo(Money) returns (Money);\n}\n";
    let text = std::fs::read_to_string(&money).unwrap();
    std::fs::write(&money, format!("{text}{service}")).unwrap();
    let shop = cwd.join("proto/acme/shop/v1/shop.proto");
    let original = std::fs::read_to_string(&shop).unwrap();
    for format in ["json", "text", "sarif"] {
        std::fs::write(&shop, &original).unwrap();
        let out = after_edit(&cwd, &cache, format, true, || {
            edit(
                &shop,
                "acme.base.v1.Money total = 2;",
                "acme.base.v1.Money Total = 2;",
            )
        });
        if format == "json" {
            let placed = out.stdout.lines().filter(|l| {
                l.contains("money.proto")
                    && l.contains("RPC_REQUEST_RESPONSE_UNIQUE")
                    && !l.contains("\"start_line\":1,")
            });
            assert!(placed.count() > 0, "{}", out.stdout);
            let args = ["lint", "--error-format", "json"];
            assert_eq!(keys(&out.stdout), keys(&buf(&cwd, &args).stdout), "buf");
        }
    }
}

/// The cache's entry files, by path, with their bytes.
fn entry_files(cache: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    (files_under(cache).into_iter())
        .filter(|p| p.extension().is_some_and(|x| x == "entry"))
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn edits_in_a_row_keep_the_base_of_the_records_and_a_damaged_base_is_a_miss() {
    let (_dir, cwd, cache) = project();
    let args = ["lint", "--error-format", "json"];
    run(&cwd, &args, &with(&cache, &[]));
    let stored = entry_files(&cache);
    // Two edits, each a partial run: the records stay in the base the first run wrote, which
    // neither rewrites (the entry under the run's key holds the records changed since).
    let shop = cwd.join("proto/acme/shop/v1/shop.proto");
    let rate = cwd.join("proto/acme/base/v1/rate.proto");
    edit(&shop, "Money total = 2;", "Money Total = 2;");
    edit(&rate, "int64 parts = 1;", "int64 Parts = 1;");
    let mut base = None;
    for (i, file) in [&shop, &rate].into_iter().enumerate() {
        std::fs::write(file, std::fs::read_to_string(file).unwrap() + "// edited\n").unwrap();
        let got = run(&cwd, &args, &with(&cache, &[("SOUS_TRACE", "1")]));
        assert!(
            got.stderr.contains("[cache: partial"),
            "{i}: {}",
            got.stderr
        );
        assert_eq!(got.stdout, cold(&cwd, &args).stdout, "{i}");
        let now = entry_files(&cache);
        assert_eq!(now.len(), stored.len(), "{i}: no new entry");
        let kept: Vec<&PathBuf> = (now.iter())
            .filter(|(p, bytes)| stored.get(*p) == Some(*bytes))
            .map(|(p, _)| p)
            .collect();
        assert_eq!(kept.len(), 1, "{i}: the base alone is as it was");
        base = Some(kept[0].clone());
    }
    // The base damaged: a miss, which compiles everything and prints what a cold run prints.
    let base = base.unwrap();
    let whole = std::fs::read(&base).unwrap();
    std::fs::write(&base, &whole[..whole.len() / 2]).unwrap();
    std::fs::write(
        &shop,
        std::fs::read_to_string(&shop).unwrap() + "// again\n",
    )
    .unwrap();
    let got = run(&cwd, &args, &with(&cache, &[("SOUS_TRACE", "1")]));
    assert!(!got.stderr.contains("[cache: partial"), "{}", got.stderr);
    assert!(!got.stderr.contains("[cache: hit"), "{}", got.stderr);
    assert_eq!(got.stdout, cold(&cwd, &args).stdout);
    let got = run(&cwd, &args, &with(&cache, &[("SOUS_TRACE", "1")]));
    assert!(
        got.stderr.contains("[cache: hit"),
        "stored again: {}",
        got.stderr
    );
}
