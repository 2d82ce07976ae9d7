//! Archives as the input and as `--against`: every kind buf reads (tar, gzip and zstd tarballs,
//! zip), with `strip_components`, `subdir`, `format` and `compression`, built here at test time
//! and compared with buf; and the broken ones (corrupt, truncated, a subdir or strip that leaves
//! nothing), which end with exit 1 and a message that says what to do.

use std::io::Write;
use std::path::Path;

use super::{assert_error, module_files, same, ORDER_V2};
use crate::common::*;

/// A tar stream of `files` (path, text), with directory entries, paths as given.
fn tar_bytes(files: &[(String, String)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut dirs = std::collections::BTreeSet::new();
    for (path, text) in files {
        let mut at = path.as_str();
        let mut parents = Vec::new();
        while let Some((parent, _)) = at.rsplit_once('/') {
            parents.push(format!("{parent}/"));
            at = parent;
        }
        for dir in parents.into_iter().rev() {
            if dirs.insert(dir.clone()) {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
                header.set_mode(0o755);
                header.set_cksum();
                builder
                    .append_data(&mut header, &dir, std::io::empty())
                    .unwrap();
            }
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, text.as_bytes())
            .unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

fn zip_bytes(files: &[(String, String)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, text) in files {
        writer.start_file(path.as_str(), options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Writes every kind of archive of `files` into `dir`: `t.tar`, `t.tar.gz`, `t.tgz`,
/// `t.tar.zst`, `t.zip`, and `blob` (a gzip tarball with no telling name).
fn write_archives(dir: &Path, files: &[(String, String)]) {
    let tar = tar_bytes(files);
    std::fs::write(dir.join("t.tar"), &tar).unwrap();
    std::fs::write(dir.join("t.tar.gz"), gzip(&tar)).unwrap();
    std::fs::write(dir.join("t.tgz"), gzip(&tar)).unwrap();
    std::fs::write(dir.join("t.tar.zst"), zstd(&tar)).unwrap();
    std::fs::write(dir.join("t.zip"), zip_bytes(files)).unwrap();
    std::fs::write(dir.join("blob"), gzip(&tar)).unwrap();
}

/// Archives of `root/proto/...` (a module with its `buf.yaml`), in a temporary directory.
fn archives() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_archives(dir.path(), &module_files("root/"));
    dir
}

#[test]
fn every_kind_of_archive_as_the_input() {
    let dir = archives();
    let mut found = 0;
    for archive in ["t.tar", "t.tar.gz", "t.tgz", "t.tar.zst", "t.zip"] {
        for options in [
            "",
            "#strip_components=1",
            "#strip_components=1,subdir=proto",
            "#subdir=root/proto",
            "#subdir=./root/proto/",
            "#strip_components=2",
        ] {
            let input = format!("{archive}{options}");
            let out = same(dir.path(), &["lint", &input], &[]);
            assert_eq!(out.code, 100, "{input}: {}", out.stderr);
            found += keys(&out.stdout).len();
        }
    }
    // The configuration inside counts: at the module, PACKAGE_DIRECTORY_MATCH is quiet.
    assert_eq!(found, 5 * (4 + 4 + 2 + 2 + 2 + 2));
    // The format and the compression given, for a file whose name says neither.
    same(
        dir.path(),
        &["lint", "blob#format=tar,compression=gzip,subdir=root/proto"],
        &[],
    );
    same(
        dir.path(),
        &["lint", "t.tar.gz#compression=gzip,strip_components=2"],
        &[],
    );
}

#[test]
fn every_kind_of_archive_as_against() {
    let dir = archives();
    crate::layouts::write(
        dir.path(),
        &[
            ("new/proto/buf.yaml", "version: v2\n"),
            ("new/proto/acme/v1/order.proto", ORDER_V2),
        ],
    );
    let new = dir.path().join("new");
    for against in [
        "../t.tar#strip_components=1,subdir=proto",
        "../t.tar.gz#subdir=root/proto",
        "../t.tgz#strip_components=2",
        "../t.tar.zst#strip_components=1,subdir=proto",
        "../t.zip#subdir=root/proto",
        // From the archive's root: paths differ, so everything is a deleted file.
        "../t.tar",
    ] {
        let out = same(&new, &["breaking", "proto", "--against", against], &[]);
        assert_eq!(out.code, 100, "{against}: {}", out.stderr);
        assert!(out.stdout.contains("FIELD_NO_DELETE"), "{against}");
    }
    // Both sides archives.
    let out = same(
        &new,
        &[
            "breaking",
            "../t.tar.zst#strip_components=1,subdir=proto",
            "--against",
            "../t.zip#subdir=root/proto",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn an_archive_that_does_not_compile_as_against() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order { Missing m = 1; }\n";
    let files = vec![
        (
            "brk/proto/buf.yaml".to_string(),
            "version: v2\n".to_string(),
        ),
        (
            "brk/proto/acme/v1/order.proto".to_string(),
            broken.to_string(),
        ),
    ];
    write_archives(dir.path(), &files);
    crate::layouts::write(
        dir.path(),
        &[
            ("proto/buf.yaml", "version: v2\n"),
            ("proto/acme/v1/order.proto", ORDER_V2),
        ],
    );
    // buf parity: shown by its path in the archive (after stripping).
    for against in [
        "t.tar#subdir=brk/proto",
        "t.zip#strip_components=1,subdir=proto",
    ] {
        let out = same(
            dir.path(),
            &["breaking", "proto", "--against", against],
            &[],
        );
        assert!(out.stdout.contains("COMPILE"), "{against}: {}", out.stdout);
    }
}

/// A workspace at the top of the archive with two modules: `subdir=` a module targets it alone,
/// and `--path` and `--exclude-path` are relative to the subdir.
#[test]
fn workspaces_and_paths_inside_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = module_files("w/");
    files.push((
        "w/buf.yaml".into(),
        "version: v2\nmodules:\n  - path: proto\n  - path: other\n".into(),
    ));
    files.retain(|(p, _)| p != "w/proto/buf.yaml");
    files.push((
        "w/other/x/x.proto".into(),
        "syntax = \"proto3\";\npackage x;\nmessage bad {}\n".into(),
    ));
    write_archives(dir.path(), &files);
    let d = dir.path();
    same(d, &["lint", "t.tar#subdir=w/proto"], &[]);
    same(d, &["lint", "t.tar.gz#subdir=w"], &[]);
    same(d, &["lint", "t.zip#strip_components=1"], &[]);
    for path in [
        "acme/v1/order.proto",
        "proto/acme/v1/order.proto",
        "w/proto/acme/v1/order.proto",
    ] {
        same(d, &["lint", "t.tar#subdir=w/proto", "--path", path], &[]);
        same(d, &["lint", "t.tar#subdir=w", "--path", path], &[]);
        same(d, &["lint", "t.tar#subdir=w", "--exclude-path", path], &[]);
    }
    // Below a module: refused, as on disk.
    same(
        d,
        &["lint", "t.tar#subdir=w/proto/acme"],
        &["inside module", "subdir="],
    );
    same(
        d,
        &["lint", "t.tar#subdir=w", "--path", "proto"],
        &["directory of module"],
    );
}

/// Broken archives and options that leave nothing: exit 1 for both, and sous says what to do.
#[test]
fn broken_archives_and_options() {
    let dir = archives();
    let d = dir.path();
    let tar = std::fs::read(d.join("t.tar")).unwrap();
    std::fs::write(d.join("garbage.tar.gz"), b"this is not gzip at all").unwrap();
    std::fs::write(d.join("cut.tar"), &tar[..700]).unwrap();
    let zip = std::fs::read(d.join("t.zip")).unwrap();
    std::fs::write(d.join("cut.zip"), &zip[..zip.len() / 2]).unwrap();
    std::fs::write(d.join("garbage.tar.zst"), b"not zstd").unwrap();
    for (input, needles) in [
        (
            "garbage.tar.gz",
            &["garbage.tar.gz", "gzip", "compression="][..],
        ),
        ("garbage.tar.zst", &["zstd", "compression="]),
        ("cut.tar", &["cut.tar", "tar"]),
        ("cut.zip", &["cut.zip", "zip"]),
        ("t.tgz#compression=none", &["t.tgz", "tar"]),
        ("t.tar#compression=gzip", &["gzip"]),
        ("t.tar#format=zip", &["zip"]),
        (
            "t.tar#subdir=nope",
            &["\"nope\"", "does not exist", "tar -tf"],
        ),
        (
            "t.zip#strip_components=1,subdir=root",
            &["\"root\"", "stripped"],
        ),
        (
            "t.tar#strip_components=9",
            &["strip_components=9", "deepest"],
        ),
        ("t.tar#strip_components=-1", &["strip_components", "number"]),
        ("t.tar#strip_components=x", &["strip_components"]),
        ("t.tar#compression=lz4", &["lz4", "gzip"]),
        ("t.zip#compression=gzip", &["compression", "zip"]),
        ("t.tar#subdir=../x", &["climbs out"]),
        ("t.tar#foo=bar", &["unknown option \"foo\""]),
        ("t.tar#strip_components=1,strip_components=2", &["twice"]),
        ("nothere.tar", &["nothere.tar"]),
        ("x.gz", &["format=tar"]),
    ] {
        same(d, &["lint", input], needles);
        let against = sous(d, &["breaking", "t.tar", "--against", input]);
        assert_error(&against, needles);
    }
    // A bare revision is compared at the input's place in its repository: an archive has none.
    assert_error(
        &sous(d, &["breaking", "t.tar", "--against", "HEAD"]),
        &["t.tar", "not inside a git repository"],
    );
}

/// A `buf.work.yaml` workspace in the archive whose module `a` has a v1 `buf.yaml` of its own
/// and imports from module `b`: `subdir=top/a` is a module of the workspace above (the v1
/// `buf.yaml` beside it does not stop the search), so the import resolves. And `--config`: a v2
/// configuration given by flag sits at the root of the archive, a v1 one at the subdir.
#[test]
fn work_files_and_config_flags_inside_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(String, String)> = [
        ("top/buf.work.yaml", "version: v1\ndirectories:\n  - a\n  - b\n"),
        ("top/a/buf.yaml", "version: v1\nlint:\n  use: [STANDARD]\n"),
        (
            "top/a/acme/v1/a.proto",
            "syntax = \"proto3\";\npackage acme.v1;\nimport \"bb/v1/b.proto\";\nmessage a_msg { bb.v1.B b = 1; }\n",
        ),
        (
            "top/b/bb/v1/b.proto",
            "syntax = \"proto3\";\npackage bb.v1;\nmessage B {}\nenum e { X = 0; }\n",
        ),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    write_archives(dir.path(), &files);
    let d = dir.path();
    for input in [
        "t.tar#subdir=top",
        "t.tar#subdir=top/a",
        "t.tar.gz#subdir=top/b",
        "t.zip#strip_components=1",
        "t.tar.zst#strip_components=1,subdir=b",
    ] {
        let out = same(d, &["lint", input], &[]);
        assert_eq!(out.code, 100, "{input}: {}", out.stderr);
        assert!(!out.stdout.contains("COMPILE"), "{input}: {}", out.stdout);
    }
    same(
        d,
        &["lint", "t.tar#subdir=top/a/acme"],
        &["inside module \"top/a\""],
    );
    let v2_module = r#"{"version":"v2","modules":[{"path":"top/b"}]}"#;
    for (input, config, needles) in [
        ("t.tar#subdir=top/b", v2_module, &[][..]),
        ("t.tar", v2_module, &[]),
        ("t.tar#subdir=top/b", r#"{"version":"v1"}"#, &[]),
        (
            "t.tar#subdir=top/b",
            r#"{"version":"v2"}"#,
            &["inside module \".\"", "--config"],
        ),
    ] {
        same(d, &["lint", input, "--config", config], needles);
    }
    // The same for --against-config.
    let against = |config: &str, needles: &[&str]| {
        same(
            d,
            &[
                "breaking",
                "t.tar#subdir=top/b",
                "--config",
                v2_module,
                "--against",
                "t.zip#subdir=top/b",
                "--against-config",
                config,
            ],
            needles,
        );
    };
    against(v2_module, &[]);
    against(r#"{"version":"v1"}"#, &[]);
    against(
        r#"{"version":"v2"}"#,
        &["inside module \".\"", "--against-config"],
    );
}
