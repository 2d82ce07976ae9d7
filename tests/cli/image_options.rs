//! `sous build -o` against `buf build -o` on files with custom options, `retention`, `targets`,
//! extension declarations, editions features, symbol visibility, method bodies and unused
//! imports (`fixtures/editions/image_options`): every file's descriptor is byte-identical to
//! buf's once its source info's locations (whose order differs, see the README) are set aside,
//! buf's image extension and its source info's extension included; without source info the
//! images are the same bytes; and each image checked against the other finds nothing, with
//! either tool.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// The fields of an encoded message as (number, the field's bytes, key included).
fn fields(mut bytes: &[u8]) -> Vec<(u64, Vec<u8>)> {
    fn varint(bytes: &mut &[u8]) -> u64 {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = bytes.split_first().expect("a varint");
            *bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
        }
        value
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let start = bytes;
        let key = varint(&mut bytes);
        let len = match key & 7 {
            0 => {
                varint(&mut bytes);
                0
            }
            1 => 8,
            2 => varint(&mut bytes) as usize,
            5 => 4,
            other => panic!("wire type {other}"),
        };
        bytes = &bytes[len..];
        let used = start.len() - bytes.len();
        out.push((key >> 3, start[..used].to_vec()));
    }
    out
}

/// The payload of a length-delimited field (its bytes after the key and the length).
fn payload(field: &[u8]) -> &[u8] {
    let mut rest = field;
    for _ in 0..2 {
        while rest[0] & 0x80 != 0 {
            rest = &rest[1..];
        }
        rest = &rest[1..];
    }
    rest
}

/// Each file of a binary image by name: its source info with the locations (field 1) left out,
/// what is left of it being buf's extension.
fn source_info_extensions(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = BTreeMap::new();
    for (_, file) in fields(&bytes) {
        let all = fields(payload(&file));
        let name = String::from_utf8_lossy(payload(&all.iter().find(|(n, _)| *n == 1).unwrap().1));
        let info = all.iter().find(|(n, _)| *n == 9).expect("source info");
        let kept = fields(payload(&info.1))
            .into_iter()
            .filter(|(n, _)| *n != 1);
        out.insert(name.to_string(), kept.flat_map(|(_, b)| b).collect());
    }
    out
}

/// Each file of a binary image by name, without its source info (field 9).
fn descriptors(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = BTreeMap::new();
    for (_, file) in fields(&bytes) {
        // The payload after the key and length.
        let mut rest = &file[1..];
        while rest[0] & 0x80 != 0 {
            rest = &rest[1..];
        }
        let rest = &rest[1..];
        let kept: Vec<(u64, Vec<u8>)> = fields(rest).into_iter().filter(|(n, _)| *n != 9).collect();
        let name_field = &kept.iter().find(|(n, _)| *n == 1).expect("a name").1;
        let name = String::from_utf8_lossy(&name_field[2..]).to_string();
        out.insert(name, kept.into_iter().flat_map(|(_, b)| b).collect());
    }
    out
}

fn build_both(dir: &Path) {
    let built = buf(dir, &["build", "-o", "buf.binpb"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let built = sous(dir, &["build", ".", "-o", "sous.binpb"]);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
}

fn fixture_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = root().join("fixtures/editions/image_options");
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    tmp
}

#[test]
fn images_keep_every_option_byte_for_byte_as_buf() {
    let tmp = fixture_copy();
    let dir = tmp.path();
    build_both(dir);
    let theirs = descriptors(&dir.join("buf.binpb"));
    let ours = descriptors(&dir.join("sous.binpb"));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    assert!(theirs.contains_key("opts.proto") && theirs.contains_key("features.proto"));
    let differing: Vec<&String> = theirs
        .iter()
        .filter(|(name, bytes)| ours.get(*name) != Some(*bytes))
        .map(|(name, _)| name)
        .collect();
    assert!(differing.is_empty(), "differ from buf's: {differing:?}");
    let (theirs, ours) = (
        source_info_extensions(&dir.join("buf.binpb")),
        source_info_extensions(&dir.join("sous.binpb")),
    );
    // Unused imports and a file without `syntax` are in the fixture: buf writes them here.
    assert!(!theirs["unused_imports.proto"].is_empty());
    assert!(!theirs["visibility.proto"].is_empty());
    assert_eq!(ours, theirs, "source info extensions");
}

/// Without source info, `sous build` writes buf's image byte for byte: symbol visibility
/// (`export`, `local`), an empty options message for a method written with a body, the unused
/// imports in buf's image extension, and everything the test above compares.
#[test]
fn images_without_source_info_are_bufs_byte_for_byte() {
    let tmp = fixture_copy();
    let dir = tmp.path();
    let built = buf(dir, &["build", "--exclude-source-info", "-o", "buf.binpb"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let args = ["build", ".", "--exclude-source-info", "-o", "sous.binpb"];
    let built = sous(dir, &args);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    let theirs = std::fs::read(dir.join("buf.binpb")).unwrap();
    let ours = std::fs::read(dir.join("sous.binpb")).unwrap();
    let (theirs_files, ours_files) = (fields(&theirs), fields(&ours));
    assert_eq!(ours_files.len(), theirs_files.len());
    for ((_, t), (_, o)) in theirs_files.iter().zip(&ours_files) {
        let name = fields(payload(t))[0].1.clone();
        assert!(
            t == o,
            "{} differs from buf's",
            String::from_utf8_lossy(payload(&name))
        );
    }
    assert_eq!(ours, theirs);
}

#[test]
fn images_with_custom_options_checked_against_each_other_find_nothing() {
    let tmp = fixture_copy();
    let dir = tmp.path();
    build_both(dir);
    const ALL: &str = r#"{"version":"v1","breaking":{"use":["FILE","WIRE_JSON"]}}"#;
    let mut findings = Vec::new();
    for (new, old) in [
        ("sous.binpb", "buf.binpb"),
        ("buf.binpb", "sous.binpb"),
        (".", "sous.binpb"),
    ] {
        for (tool, run) in [("buf", buf as fn(&Path, &[&str]) -> Output), ("sous", sous)] {
            let out = run(dir, &["breaking", new, "--against", old, "--config", ALL]);
            if out.code != 0 {
                findings.push(format!(
                    "{tool} {new} against {old}: exit {}\n{}{}",
                    out.code, out.stdout, out.stderr
                ));
            }
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
