//! The well-known types (`google/protobuf/*.proto`), which the compiler knows without a file:
//! go to definition and hover need their text. It is protobuf's own (`wkt/`, from
//! protocolbuffers/protobuf e712d276, BSD-3-Clause, see `wkt/LICENSE`), written once per
//! version of sous to a read-only file in the temporary directory for the editor to open.

use std::path::PathBuf;

use super::symbols::{Index, Symbol};
use crate::input::ProtoFile;
use crate::schema::Source;

macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("wkt/", $name)))),*]
    };
}

const FILES: &[(&str, &str)] = files![
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
    "google/protobuf/compiler/plugin.proto",
];

/// The declaration of well-known type `full_name` (no leading dot), with the source it is in,
/// whose file is a read-only copy on disk.
pub fn symbol(full_name: &str) -> Option<(Symbol, Source)> {
    if !full_name.starts_with("google.protobuf.") {
        return None;
    }
    FILES.iter().find_map(|(name, text)| {
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
