//! The cache (`src/cache/`): a second run on unchanged files replays the findings of the first,
//! byte for byte in every format; an edit to a file, to an import, to the configuration, or a
//! new sous is a miss; a damaged entry is a miss, never a crash; runs at once share a cache; a
//! cache that cannot be written is left alone with a warning. A hit is seen in `SOUS_TRACE`'s
//! `[cache: hit, ...]` line, in a run of its own (trace lines carry times, so they are never
//! compared). A run keeps two entries: its findings, and its report as printed in the format it
//! asked for; a run in another format is served from the findings.

use std::path::{Path, PathBuf};

use crate::common::*;
use crate::git::{commit, write};

/// A copy of `fixtures/projects/cache` in a temporary directory, and an empty cache directory.
fn project() -> (tempfile::TempDir, PathBuf) {
    let from = root().join("fixtures/projects/cache");
    let dir = tempfile::tempdir().unwrap();
    for file in files_under(&from) {
        let to = dir
            .path()
            .join("work")
            .join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    let cache = dir.path().join("cache");
    (dir, cache)
}

fn work(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("work")
}

/// sous with `cache` as its cache directory (and `env` set).
fn cached(cwd: &Path, cache: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec![("SOUS_CACHE_DIR", cache.to_str().unwrap())];
    all.extend_from_slice(env);
    sous_env(cwd, args, &all)
}

/// sous with the cache off: the reference a cached run must equal.
fn cold(cwd: &Path, args: &[&str]) -> Output {
    sous_env(cwd, args, &[("SOUS_NO_CACHE", "1")])
}

/// Whether this run is served by the cache.
fn hits(cwd: &Path, cache: &Path, args: &[&str], env: &[(&str, &str)]) -> bool {
    let mut all = vec![("SOUS_TRACE", "1")];
    all.extend_from_slice(env);
    let out = cached(cwd, cache, args, &all);
    out.stderr.contains("[cache: hit")
}

fn assert_same(expected: &Output, got: &Output, what: &str) {
    assert_eq!(expected.code, got.code, "{what}: exit code");
    assert_eq!(expected.stdout, got.stdout, "{what}: stdout");
    assert_eq!(expected.stderr, got.stderr, "{what}: stderr");
}

/// Every format, for lint (config-ignore-yaml is lint's alone).
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

/// Runs `args` cold, then twice with the cache: the second must be a hit, and all three print
/// the same bytes (stdout and stderr) and exit the same way, in every format.
fn warm_equals_cold(cwd: &Path, cache: &Path, args: &[&str], formats: &[&str]) {
    for format in formats {
        let mut args = args.to_vec();
        args.extend(["--error-format", format]);
        let reference = cold(cwd, &args);
        assert!(
            reference.code == 100,
            "{args:?}: the fixture has findings\n{}",
            reference.stderr
        );
        let first = cached(cwd, cache, &args, &[]);
        assert_same(&reference, &first, &format!("{args:?}, first run"));
        assert!(hits(cwd, cache, &args, &[]), "{args:?}: no hit");
        let warm = cached(cwd, cache, &args, &[]);
        assert_same(&reference, &warm, &format!("{args:?}, warm run"));
    }
}

#[test]
fn lint_warm_is_cold_in_every_format_and_is_buf() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    warm_equals_cold(&cwd, &cache, &["lint"], FORMATS);
    // The findings replayed are buf's.
    let warm = cached(&cwd, &cache, &["lint", "--error-format", "json"], &[]);
    let theirs = buf(&cwd, &["lint", "--error-format", "json"]);
    assert_eq!(keys(&warm.stdout), keys(&theirs.stdout));
}

/// A repository whose HEAD is the fixture and whose working tree has a field deleted, an enum
/// value renumbered and a file removed.
fn changed_repository() -> (tempfile::TempDir, PathBuf) {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let repo = git2::Repository::init(&cwd).unwrap();
    commit(&repo, "base");
    let shop = "proto/acme/shop/v1/shop.proto";
    let text = std::fs::read_to_string(cwd.join(shop)).unwrap();
    let text = text
        .replace("  acme.base.v1.Money total = 2;\n", "")
        .replace("SHIPPED = 1;", "SHIPPED = 2;");
    write(&cwd, shop, &text);
    (dir, cache)
}

#[test]
fn breaking_warm_is_cold_in_every_format_and_is_buf() {
    let (dir, cache) = changed_repository();
    let cwd = work(&dir);
    let old = dir.path().join("old");
    let copy = |rel: &str| {
        let text = std::fs::read_to_string(root().join("fixtures/projects/cache").join(rel));
        write(&old, rel, &text.unwrap());
    };
    for rel in [
        "buf.yaml",
        "proto/acme/base/v1/money.proto",
        "proto/acme/shop/v1/shop.proto",
    ] {
        copy(rel);
    }
    let formats = &FORMATS[..FORMATS.len() - 1];
    let old_arg = old.to_str().unwrap();
    warm_equals_cold(&cwd, &cache, &["breaking", "--against", old_arg], formats);
    warm_equals_cold(&cwd, &cache, &["breaking", "--against", "HEAD"], formats);
    let json = ["--error-format", "json"];
    let warm = cached(
        &cwd,
        &cache,
        &[&["breaking", "--against", "HEAD"][..], &json].concat(),
        &[],
    );
    let against = format!(".git#commit={}", head(&cwd));
    let theirs = buf(
        &cwd,
        &[&["breaking", "--against", &against][..], &json].concat(),
    );
    assert_eq!(keys(&warm.stdout), keys(&theirs.stdout));
    assert!(!keys(&warm.stdout).is_empty());
}

fn head(cwd: &Path) -> String {
    let repo = git2::Repository::open(cwd).unwrap();
    let id = repo.head().unwrap().peel_to_commit().unwrap().id();
    id.to_string()
}

/// After `edit`, the run is a miss and prints what a cold run prints; the run after is a hit.
fn edit_is_a_miss(cwd: &Path, cache: &Path, args: &[&str], edit: impl FnOnce()) -> Output {
    let reference = edit_misses(cwd, cache, args, edit);
    assert!(
        hits(cwd, cache, args, &[]),
        "{args:?}: no hit after the edit was stored"
    );
    reference
}

/// After `edit`, the run is a miss and prints what a cold run prints.
fn edit_misses(cwd: &Path, cache: &Path, args: &[&str], edit: impl FnOnce()) -> Output {
    cached(cwd, cache, args, &[]);
    assert!(
        hits(cwd, cache, args, &[]),
        "{args:?}: no hit before the edit"
    );
    let before = cold(cwd, args);
    edit();
    let reference = cold(cwd, args);
    assert_ne!(
        before.stdout, reference.stdout,
        "the edit changes the findings"
    );
    assert!(
        !hits(cwd, cache, args, &[]),
        "{args:?}: a hit after the edit"
    );
    assert_same(&reference, &cached(cwd, cache, args, &[]), "after the edit");
    reference
}

const LINT_JSON: [&str; 3] = ["lint", "--error-format", "json"];

#[test]
fn an_edit_to_a_file_is_a_miss() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let money = cwd.join("proto/acme/base/v1/money.proto");
    let out = edit_is_a_miss(&cwd, &cache, &LINT_JSON, || {
        let text = std::fs::read_to_string(&money).unwrap();
        std::fs::write(&money, text.replace("int64 units", "int64 unitCount")).unwrap();
    });
    assert_eq!(
        keys(&out.stdout),
        keys(&buf(&cwd, &LINT_JSON).stdout),
        "buf's findings after the edit"
    );
}

#[test]
fn an_edit_to_an_import_is_a_miss() {
    // The import is no target: it comes from an include directory, outside the workspace.
    let (dir, cache) = project();
    let cwd = work(&dir);
    let vendor = dir.path().join("vendor");
    write(
        &vendor,
        "acme/ext/v1/ext.proto",
        "syntax = \"proto3\";\npackage acme.ext.v1;\nmessage Tag {\n  string name = 1;\n}\n",
    );
    let shop = cwd.join("proto/acme/shop/v1/shop.proto");
    let text = std::fs::read_to_string(&shop).unwrap();
    let text = text
        .replace(
            "import \"acme/base/v1/money.proto\";",
            "import \"acme/base/v1/money.proto\";\nimport \"acme/ext/v1/ext.proto\";",
        )
        .replace(
            "  acme.base.v1.Money total = 2;",
            "  acme.base.v1.Money total = 2;\n  acme.ext.v1.Tag tag = 4;",
        );
    std::fs::write(&shop, text).unwrap();
    let args = [&LINT_JSON[..], &["-I", vendor.to_str().unwrap()]].concat();
    // The type the input uses leaves the import: the input no longer compiles (and a run with
    // compile errors is not stored).
    let out = edit_misses(&cwd, &cache, &args, || {
        write(
            &vendor,
            "acme/ext/v1/ext.proto",
            "syntax = \"proto3\";\npackage acme.ext.v1;\nmessage Label {}\n",
        );
    });
    assert!(out.stdout.contains("COMPILE"), "{}", out.stdout);
    // A file of the same name put in an earlier include directory wins: a miss too.
    let earlier = dir.path().join("earlier");
    write(
        &vendor,
        "acme/ext/v1/ext.proto",
        "syntax = \"proto3\";\npackage acme.ext.v1;\nmessage Tag {\n  string name = 1;\n}\n",
    );
    let args2 = [
        &LINT_JSON[..],
        &[
            "-I",
            earlier.to_str().unwrap(),
            "-I",
            vendor.to_str().unwrap(),
        ],
    ]
    .concat();
    std::fs::create_dir_all(&earlier).unwrap();
    // The vendored file is not touched: the earlier one, which lacks `Tag`, now wins.
    let out = edit_misses(&cwd, &cache, &args2, || {
        let earlier_ext = "syntax = \"proto3\";\npackage acme.ext.v1;\nmessage Label {}\n";
        write(&earlier, "acme/ext/v1/ext.proto", earlier_ext);
    });
    assert!(out.stdout.contains("COMPILE"), "{}", out.stdout);
}

#[test]
fn a_configuration_change_is_a_miss() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let out = edit_is_a_miss(&cwd, &cache, &LINT_JSON, || {
        let config = cwd.join("buf.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text.replace(
            "    - STANDARD\n",
            "    - STANDARD\n  except:\n    - SERVICE_SUFFIX\n",
        );
        std::fs::write(&config, text).unwrap();
    });
    assert_eq!(keys(&out.stdout), keys(&buf(&cwd, &LINT_JSON).stdout));
}

#[test]
fn a_new_sous_version_is_a_miss() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let old = [("SOUS_CACHE_VERSION", "1.0.0")];
    let new = [("SOUS_CACHE_VERSION", "1.1.0")];
    cached(&cwd, &cache, &LINT_JSON, &old);
    assert!(hits(&cwd, &cache, &LINT_JSON, &old));
    assert!(!hits(&cwd, &cache, &LINT_JSON, &new));
    assert!(hits(&cwd, &cache, &LINT_JSON, &new));
    assert!(
        hits(&cwd, &cache, &LINT_JSON, &old),
        "each version keeps its own entry"
    );
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    files_under(cache)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "entry"))
        .collect()
}

/// A way to damage an entry: its bytes to the damaged bytes.
type Damage = dyn Fn(&[u8]) -> Vec<u8>;

#[test]
fn a_damaged_entry_is_a_miss() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let reference = cold(&cwd, &LINT_JSON);
    cached(&cwd, &cache, &LINT_JSON, &[]);
    let all = entries(&cache);
    assert_eq!(
        all.len(),
        3,
        "the findings, the base holding their records and the report: {all:?}"
    );
    let damage = |how: &Damage| {
        for entry in &all {
            let whole = std::fs::read(entry).unwrap();
            std::fs::write(entry, how(&whole)).unwrap();
        }
    };
    let flip = |whole: &[u8]| {
        let mut flipped = whole.to_vec();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x20;
        flipped
    };
    let ways: [(&str, &Damage); 4] = [
        ("truncated", &|w: &[u8]| w[..w.len() / 2].to_vec()),
        ("one byte changed", &flip),
        ("garbage", &|_: &[u8]| b"\x00\xff\xfe not an entry".to_vec()),
        ("empty", &|_: &[u8]| Vec::new()),
    ];
    for (what, how) in ways {
        let whole: Vec<Vec<u8>> = all.iter().map(|e| std::fs::read(e).unwrap()).collect();
        damage(how);
        assert!(!hits(&cwd, &cache, &LINT_JSON, &[]), "{what}: a hit");
        // That miss stored both entries again, whole: damage them again for the run compared.
        for (entry, bytes) in all.iter().zip(&whole) {
            std::fs::write(entry, bytes).unwrap();
        }
        damage(how);
        assert_same(&reference, &cached(&cwd, &cache, &LINT_JSON, &[]), what);
        assert!(hits(&cwd, &cache, &LINT_JSON, &[]), "{what}: stored again");
    }
    // The report damaged alone: the findings serve, and print the same.
    // The report's payload ends with the report.
    let report = all
        .iter()
        .find(|e| {
            std::fs::read(e)
                .unwrap()
                .ends_with(reference.stdout.as_bytes())
        })
        .unwrap();
    std::fs::write(report, b"garbage").unwrap();
    assert_same(
        &reference,
        &cached(&cwd, &cache, &LINT_JSON, &[]),
        "report damaged",
    );
}

#[test]
fn runs_at_once_share_a_cache() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let reference = cold(&cwd, &LINT_JSON);
    // Eight runs start together on an empty cache: each misses or hits, all print the same.
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_sous"))
                .args(LINT_JSON)
                .current_dir(&cwd)
                .env("SOUS_CACHE_DIR", &cache)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(reference.code));
        assert_eq!(String::from_utf8_lossy(&out.stdout), reference.stdout);
        assert_eq!(String::from_utf8_lossy(&out.stderr), reference.stderr);
    }
    assert!(hits(&cwd, &cache, &LINT_JSON, &[]));
    assert_eq!(
        entries(&cache).len(),
        3,
        "three entries (findings, their base, report), no temporary file left"
    );
    let all = files_under(&cache);
    assert_eq!(all.len(), 3, "{all:?}");
}

#[test]
fn a_read_only_cache_directory_runs_without_it_and_warns() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, cache) = project();
    let cwd = work(&dir);
    let reference = cold(&cwd, &LINT_JSON);
    std::fs::create_dir_all(&cache).unwrap();
    // Read-only for a user; root writes anywhere, so the directory entries go in is a file too.
    std::fs::write(cache.join("v1"), "").unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o555)).unwrap();
    for _ in 0..2 {
        let out = cached(&cwd, &cache, &LINT_JSON, &[]);
        assert_eq!(out.code, reference.code);
        assert_eq!(out.stdout, reference.stdout);
        assert!(
            out.stderr.contains("cannot be written")
                && out.stderr.contains(cache.to_str().unwrap()),
            "{}",
            out.stderr
        );
    }
    assert!(!hits(&cwd, &cache, &LINT_JSON, &[]));
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn the_default_directory_and_no_cache() {
    let (dir, _) = project();
    let cwd = work(&dir);
    let home = dir.path().join("xdg");
    let before = files_under(&cwd);
    let default = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sous"));
        cmd.args(LINT_JSON).args(extra).current_dir(&cwd);
        cmd.env_remove("SOUS_CACHE_DIR").env_remove("SOUS_NO_CACHE");
        cmd.env("XDG_CACHE_HOME", &home).envs(env.iter().copied());
        cmd.output().unwrap()
    };
    default(&["--no-cache"], &[]);
    default(&[], &[("SOUS_NO_CACHE", "1")]);
    assert!(!home.exists(), "--no-cache and SOUS_NO_CACHE write nothing");
    default(&[], &[]);
    assert_eq!(entries(&home.join("sous")).len(), 3, "$XDG_CACHE_HOME/sous");
    let flag = dir.path().join("flag");
    // The flag wins over the environment.
    let no = [("SOUS_NO_CACHE", "1")];
    default(&["--cache-dir", flag.to_str().unwrap()], &no);
    assert_eq!(entries(&flag).len(), 3, "--cache-dir");
    assert_eq!(files_under(&cwd), before, "nothing written into the input");
}

#[test]
fn breaking_against_a_revision_is_keyed_by_its_tree() {
    let (dir, cache) = changed_repository();
    let cwd = work(&dir);
    let args = ["breaking", "--against", "HEAD", "--error-format", "json"];
    // A new commit moves HEAD: the against side is another tree.
    let out = edit_is_a_miss(&cwd, &cache, &args, || {
        let repo = git2::Repository::open(&cwd).unwrap();
        let money = "proto/acme/base/v1/money.proto";
        let kept = std::fs::read_to_string(cwd.join(money)).unwrap();
        write(
            &cwd,
            money,
            &kept.replace("int64 units = 2;", "int64 units = 2;\n  int32 nanos = 3;"),
        );
        commit(&repo, "nanos");
        write(&cwd, money, &kept);
    });
    let against = format!(".git#commit={}", head(&cwd));
    let theirs = buf(
        &cwd,
        &["breaking", "--against", &against, "--error-format", "json"],
    );
    assert_eq!(keys(&out.stdout), keys(&theirs.stdout));
}

#[test]
fn an_edit_that_keeps_the_size_and_modification_time_is_a_miss() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    // Files last changed more than a second before a run are vouched for by their metadata,
    // not read again: wait for that, so that the check by metadata is the one tested.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let shop = cwd.join("proto/acme/shop/v1/shop.proto");
    let modified = std::fs::metadata(&shop).unwrap().modified().unwrap();
    let out = edit_is_a_miss(&cwd, &cache, &LINT_JSON, || {
        let text = std::fs::read_to_string(&shop).unwrap();
        std::fs::write(&shop, text.replace("orderId", "orderID")).unwrap();
        let file = std::fs::File::options().append(true).open(&shop).unwrap();
        file.set_modified(modified).unwrap();
    });
    assert_eq!(
        std::fs::metadata(&shop).unwrap().modified().unwrap(),
        modified
    );
    assert_eq!(keys(&out.stdout), keys(&buf(&cwd, &LINT_JSON).stdout));
}

/// A run of sous with these variables set.
type Runs<'a> = dyn Fn(&[(&str, &str)]) -> Output + 'a;

#[test]
fn a_warm_github_actions_run_still_appends_the_step_summary() {
    let (dir, cache) = project();
    let cwd = work(&dir);
    let args = ["lint", "--error-format", "github-actions"];
    let summary = |name: &str, runs: &Runs<'_>| {
        let path = dir.path().join(name);
        let env = [("GITHUB_STEP_SUMMARY", path.to_str().unwrap())];
        let outs = [runs(&env), runs(&env)];
        (outs, std::fs::read_to_string(&path).unwrap())
    };
    let (cold_outs, cold_md) = summary("cold.md", &|env| {
        sous_env(&cwd, &args, &[&[("SOUS_NO_CACHE", "1")][..], env].concat())
    });
    let (warm_outs, warm_md) = summary("warm.md", &|env| cached(&cwd, &cache, &args, env));
    assert!(hits(&cwd, &cache, &args, &[]));
    // Each run, warm too, appends its summary: two sections in each file.
    assert_eq!(cold_md.matches("### sous lint").count(), 2, "{cold_md}");
    assert_eq!(warm_md, cold_md);
    for (cold, warm) in cold_outs.iter().zip(&warm_outs) {
        assert_same(cold, warm, "github-actions");
    }
}
