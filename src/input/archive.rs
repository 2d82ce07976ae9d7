//! Archives as inputs, as buf takes them: a tarball (`.tar`, gzip `.tar.gz`/`.tgz`, zstd
//! `.tar.zst`) or a `.zip`, read into memory ([`MemTree`]) with `strip_components` leading
//! directories removed from every path. Nothing is unpacked to disk. The workspace inside is then
//! found as in a git revision ([`super::tree`]), from `subdir=` upward.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use super::tree::{kept, MemTree, Tree as _};
use crate::error::{Error, Result};
use crate::paths::join_rel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tar,
    Zip,
}

pub use super::compression::Compression;

/// An archive input: where it is and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub path: PathBuf,
    pub format: Format,
    /// For a tarball; a zip compresses each entry itself.
    pub compression: Compression,
    pub strip_components: usize,
    /// The directory of the archive (after stripping) that is the input, clean.
    pub subdir: String,
}

impl Spec {
    /// Reads the archive into memory, `name` naming it in messages.
    pub fn read(&self, name: &str) -> Result<MemTree> {
        let bytes = std::fs::read(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut tree = MemTree {
            name: name.to_string(),
            ..MemTree::default()
        };
        // The deepest path, for the message when strip_components removes everything.
        let mut deepest = 0;
        let mut add = |tree: &mut MemTree, raw: &str, is_dir: bool, content: Option<Vec<u8>>| {
            let Some(path) = self.stripped(raw, &mut deepest) else {
                return;
            };
            match content {
                _ if is_dir => tree.insert_dir(path),
                Some(content) => tree.insert(path, Arc::from(content)),
                // A file of no interest: its directories exist all the same.
                None => {
                    if let Some((parent, _)) = path.rsplit_once('/') {
                        tree.insert_dir(parent.to_string());
                    }
                }
            }
        };
        match self.format {
            Format::Tar => {
                let data = self.decompress(name, bytes)?;
                let mut archive = tar::Archive::new(data.as_slice());
                let entries = archive.entries().map_err(|e| corrupt(name, "tar", &e))?;
                for entry in entries {
                    let mut entry = entry.map_err(|e| corrupt(name, "tar", &e))?;
                    let kind = entry.header().entry_type();
                    let raw = entry
                        .path()
                        .map_err(|e| corrupt(name, "tar", &e))?
                        .to_string_lossy()
                        .into_owned();
                    if kind.is_dir() {
                        add(&mut tree, &raw, true, None);
                    } else if kind.is_file() && kept(&raw) {
                        let mut content = Vec::new();
                        entry
                            .read_to_end(&mut content)
                            .map_err(|e| corrupt(name, "tar", &e))?;
                        add(&mut tree, &raw, false, Some(content));
                    } else if kind.is_file() {
                        add(&mut tree, &raw, false, None);
                    }
                    // Links and special files are not files of a module.
                }
            }
            Format::Zip => {
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                    .map_err(|e| corrupt(name, "zip", &e))?;
                for i in 0..archive.len() {
                    let mut file = archive.by_index(i).map_err(|e| corrupt(name, "zip", &e))?;
                    let Some(raw) = file.enclosed_name() else {
                        continue;
                    };
                    let raw = raw.to_string_lossy().into_owned();
                    if file.is_dir() {
                        add(&mut tree, &raw, true, None);
                    } else if file.is_file() && kept(&raw) {
                        let mut content = Vec::new();
                        file.read_to_end(&mut content)
                            .map_err(|e| corrupt(name, "zip", &e))?;
                        add(&mut tree, &raw, false, Some(content));
                    } else if file.is_file() {
                        add(&mut tree, &raw, false, None);
                    }
                }
            }
        }
        if self.strip_components > 0 && tree.files.is_empty() && tree.dirs.is_empty() {
            return Err(Error::Input(format!(
                "{name}: strip_components={} removes every path of the archive, whose deepest has {deepest} component(s): lower it (list the paths with `{}`)",
                self.strip_components,
                self.listing_command()
            )));
        }
        if !tree.is_dir(&self.subdir) {
            return Err(Error::Input(format!(
                "{name}: directory {:?} does not exist in the archive{}: check subdir= (list the paths with `{}`)",
                self.subdir,
                if self.strip_components > 0 {
                    format!(
                        " (its paths with {} leading component(s) stripped)",
                        self.strip_components
                    )
                } else {
                    String::new()
                },
                self.listing_command()
            )));
        }
        Ok(tree)
    }

    /// The archive path `raw`, clean, with `strip_components` leading components removed;
    /// `None` when nothing is left, or when it climbs out of the archive.
    fn stripped(&self, raw: &str, deepest: &mut usize) -> Option<String> {
        let path = join_rel(".", raw.trim_start_matches('/'));
        if path == "." || path.starts_with("..") {
            return None;
        }
        let parts: Vec<&str> = path.split('/').collect();
        *deepest = (*deepest).max(parts.len());
        (parts.len() > self.strip_components).then(|| parts[self.strip_components..].join("/"))
    }

    /// The tar stream, decompressed.
    fn decompress(&self, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
        let c = self.compression;
        c.decompress(bytes).map_err(|e| corrupt(name, c.name(), &e))
    }

    /// The command that lists the archive's paths.
    fn listing_command(&self) -> String {
        let path = self.path.display();
        match (self.format, self.compression) {
            (Format::Zip, _) => format!("unzip -l {path}"),
            (Format::Tar, Compression::Zstd) => format!("tar --zstd -tf {path}"),
            (Format::Tar, Compression::Gzip) => format!("tar -tzf {path}"),
            (Format::Tar, Compression::None) => format!("tar -tf {path}"),
        }
    }
}

/// The archive cannot be read as `what`.
fn corrupt(name: &str, what: &str, e: &dyn std::fmt::Display) -> Error {
    let hint = match what {
        "gzip" | "zstd" => format!(
            "if it is not {what}-compressed, say so with compression= (none, gzip or zstd)"
        ),
        _ => format!("check that it is a complete {what} archive, or give its format with format=tar or format=zip"),
    };
    Error::Input(format!("{name}: cannot read it as {what} ({e}): {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(strip: usize) -> Spec {
        Spec {
            path: PathBuf::from("t.tar"),
            format: Format::Tar,
            compression: Compression::None,
            strip_components: strip,
            subdir: ".".into(),
        }
    }

    #[test]
    fn paths_are_cleaned_then_stripped() {
        let mut deepest = 0;
        let s = |strip: usize, raw: &str, deepest: &mut usize| spec(strip).stripped(raw, deepest);
        assert_eq!(
            s(0, "./a/b.proto", &mut deepest).as_deref(),
            Some("a/b.proto")
        );
        assert_eq!(
            s(1, "./a/b.proto", &mut deepest).as_deref(),
            Some("b.proto")
        );
        assert_eq!(
            s(1, "/root/x/y.proto", &mut deepest).as_deref(),
            Some("x/y.proto")
        );
        assert_eq!(s(2, "a/b.proto", &mut deepest), None);
        assert_eq!(s(0, "../evil.proto", &mut deepest), None);
        assert_eq!(s(0, "./", &mut deepest), None);
        assert_eq!(deepest, 3);
    }
}
