//! Module digests as buf computes them: b5 (v2 modules) and b4, written `shake256:` (v1 modules).
//!
//! Both start from a manifest: one line `shake256:<hex>  <path>\n` per file of the module, sorted
//! by path, where `<hex>` is the SHAKE256 (64-byte output) of the file. The files are the `.proto`
//! files, a `LICENSE` at the root and the first of `buf.md`, `README.md`, `README.markdown` at
//! the root. b4 is the SHAKE256 of a manifest that also lists the module's v1 `buf.yaml` and
//! `buf.lock`; b5 is the SHAKE256 of the manifest's own digest string followed by the sorted b5
//! digests of all the module's transitive dependencies, joined by `\n`, so a module's digest
//! changes when any dependency does.

use std::path::Path;

use sha3::digest::{ExtendableOutput, Update, XofReader};
use sha3::Shake256;

use super::lock::{Digest, DigestKind};
use crate::error::{Error, Result};

/// The documentation files buf keeps with a module, in the order it picks the first present.
pub const DOC_FILES: &[&str] = &["buf.md", "README.md", "README.markdown"];
/// The license file buf keeps with a module.
pub const LICENSE: &str = "LICENSE";

/// SHAKE256 with a 64-byte output, as 128 lowercase hex digits.
pub fn shake256_hex(bytes: &[u8]) -> String {
    let mut hasher = Shake256::default();
    hasher.update(bytes);
    let mut out = [0u8; 64];
    hasher.finalize_xof().read(&mut out);
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest text for `(path, file contents digest in hex)` pairs, in any order.
pub fn manifest(entries: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = entries.iter().collect();
    // Go sorts strings by bytes, as Rust does.
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(path, hex)| format!("shake256:{hex}  {path}\n"))
        .collect()
}

/// b4 of a manifest that already lists the v1 `buf.yaml` and `buf.lock`.
pub fn b4(manifest: &str) -> Digest {
    Digest {
        kind: DigestKind::B4,
        hex: shake256_hex(manifest.as_bytes()),
    }
}

/// b5 of a module's manifest and the digests of all its transitive dependencies.
pub fn b5(manifest: &str, deps: &[Digest]) -> Digest {
    let mut dep_strings: Vec<String> = deps.iter().map(Digest::to_string).collect();
    dep_strings.sort();
    dep_strings.dedup();
    let mut lines = vec![format!("shake256:{}", shake256_hex(manifest.as_bytes()))];
    lines.extend(dep_strings);
    Digest {
        kind: DigestKind::B5,
        hex: shake256_hex(lines.join("\n").as_bytes()),
    }
}

/// Whether a module-relative path (with `/`) is a file of the module's digest, given the doc
/// file chosen for the module (see [`doc_file`]).
pub fn is_module_file(path: &str, doc: Option<&str>) -> bool {
    path.ends_with(".proto") || path == LICENSE || Some(path) == doc
}

/// The documentation file of a module whose root holds `present` (module-relative paths).
pub fn doc_file<'a>(present: impl Fn(&str) -> bool) -> Option<&'a str> {
    DOC_FILES.iter().copied().find(|f| present(f))
}

/// The v1 configuration files b4 adds to the manifest, as (contents, manifest path).
#[derive(Debug, Default, Clone, Copy)]
pub struct V1Files<'a> {
    pub buf_yaml: Option<&'a Path>,
    pub buf_lock: Option<&'a Path>,
}

/// The digest of kind `kind` of the module whose files are under `files_dir`, with the given
/// transitive dependency digests (b5) or v1 configuration files (b4). Reads every file.
pub fn of_dir(
    kind: DigestKind,
    files_dir: &Path,
    v1: V1Files<'_>,
    deps: &[Digest],
) -> Result<Digest> {
    let mut entries = Vec::new();
    let doc = doc_file(|f| files_dir.join(f).is_file());
    for entry in walkdir::WalkDir::new(files_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(files_dir).to_path_buf();
            Error::io(path, std::io::Error::other(e.to_string()))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(files_dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        if !is_module_file(&rel, doc) {
            continue;
        }
        entries.push((rel, file_hex(entry.path())?));
    }
    Ok(match kind {
        DigestKind::B5 => b5(&manifest(&entries), deps),
        DigestKind::B4 => {
            if let Some(path) = v1.buf_yaml {
                entries.push(("buf.yaml".to_string(), file_hex(path)?));
            }
            if let Some(path) = v1.buf_lock {
                entries.push(("buf.lock".to_string(), file_hex(path)?));
            }
            b4(&manifest(&entries))
        }
    })
}

fn file_hex(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(shake256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    // buf's known answers over its own test modules are checked in cache.rs, which reads them.

    #[test]
    fn shake256_of_nothing() {
        // The SHAKE256 test vector for the empty input, first 64 bytes.
        assert_eq!(
            shake256_hex(b""),
            "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"
        );
    }

    #[test]
    fn manifest_is_sorted_by_path() {
        let m = manifest(&[
            ("b.proto".into(), "bb".into()),
            ("a/z.proto".into(), "aa".into()),
        ]);
        assert_eq!(m, "shake256:aa  a/z.proto\nshake256:bb  b.proto\n");
    }

    #[test]
    fn b5_puts_the_manifest_first_then_sorted_deps() {
        let m = "shake256:00  a.proto\n";
        let d1 = Digest::parse(&format!("b5:{}", "1".repeat(128))).unwrap();
        let d2 = Digest::parse(&format!("b5:{}", "0".repeat(128))).unwrap();
        let expected = shake256_hex(
            format!(
                "shake256:{}\nb5:{}\nb5:{}",
                shake256_hex(m.as_bytes()),
                "0".repeat(128),
                "1".repeat(128)
            )
            .as_bytes(),
        );
        assert_eq!(b5(m, &[d1.clone(), d2.clone()]).hex, expected);
        assert_eq!(b5(m, &[d2, d1]).hex, expected);
    }

    #[test]
    fn module_files() {
        assert!(is_module_file("a/b.proto", None));
        assert!(is_module_file("LICENSE", None));
        assert!(!is_module_file("a/LICENSE", None));
        assert!(is_module_file("README.md", Some("README.md")));
        assert!(!is_module_file("README.md", Some("buf.md")));
        assert!(!is_module_file("buf.yaml", None));
    }
}
