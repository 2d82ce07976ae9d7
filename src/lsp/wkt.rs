//! The well-known files (`google/protobuf/*.proto`, the language feature files), which the
//! compiler knows without a file: go to definition and hover need their text, the very text the
//! compiler reads ([`crate::schema::bundled`]), written once per version of sous to a read-only
//! file in the temporary directory for the editor to open.

use std::path::PathBuf;

use super::symbols::{Index, Symbol};
use crate::input::ProtoFile;
use crate::schema::{bundled, Source};

/// Every well-known file the language server can show, by name, with its text.
fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    bundled::names().filter_map(|name| Some((name, bundled::text(name)?)))
}

/// The declaration of well-known type `full_name` (no leading dot; `google.protobuf.*`, or
/// `pb.*` of the language feature files), with the source it is in, whose file is a read-only
/// copy on disk.
pub fn symbol(full_name: &str) -> Option<(Symbol, Source)> {
    if !full_name.starts_with("google.protobuf.") && !full_name.starts_with("pb.") {
        return None;
    }
    files().find_map(|(name, text)| {
        let proto = protox_parse::parse(name, text).ok()?;
        let disk = written(name, text)?;
        let file = ProtoFile {
            name: name.to_string(),
            module: None,
            workspace_path: name.to_string(),
            display: name.to_string(),
            disk,
            bytes: None,
            is_target: false,
        };
        let source = Source::new(file, text.to_string());
        let mut index = Index::default();
        index.add(name, &proto, None, &source);
        let symbol = index.symbols.remove(full_name)?;
        Some((symbol, source))
    })
}

/// The read-only copy of `name`, written if it is not there yet.
fn written(name: &str, text: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("sous-{}-wkt", env!("CARGO_PKG_VERSION")));
    let path = dir.join(name);
    if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
        return Some(path);
    }
    std::fs::create_dir_all(path.parent()?).ok()?;
    let _ = std::fs::remove_file(&path);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).ok()?;
    let mut permissions = std::fs::metadata(&tmp).ok()?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&tmp, permissions).ok()?;
    std::fs::rename(&tmp, &path).ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use crate::schema::bundled;

    /// The files the compiler bundles are shown from its own text, not from a copy of ours.
    #[test]
    fn bundled_files_are_the_compilers() {
        for (full_name, file) in [
            (
                "google.protobuf.GeneratedCodeInfo",
                "google/protobuf/descriptor.proto",
            ),
            ("pb.CppFeatures", "google/protobuf/cpp_features.proto"),
            ("pb.JavaFeatures", "google/protobuf/java_features.proto"),
            ("pb.GoFeatures", "google/protobuf/go_features.proto"),
            (
                "google.protobuf.Timestamp",
                "google/protobuf/timestamp.proto",
            ),
            ("google.protobuf.Api", "google/protobuf/api.proto"),
        ] {
            let (symbol, source) = super::symbol(full_name).expect(full_name);
            assert_eq!(symbol.file, file);
            assert_eq!(
                Some(source.text.as_str()),
                bundled::text(file),
                "{full_name}"
            );
        }
    }
}
