//! Reuse: between two revisions of a large tree most files are the same, so the against side
//! of `sous breaking` takes the descriptors the input side compiled from the same text, instead
//! of parsing and compiling them again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::FileDescriptorProto;
use rayon::prelude::*;

use super::read::{parse, Read};
use super::{EncodedFile, EncodedInfo, Proto, Purpose, Schema, Source};
use crate::input::FileSet;

/// The descriptors taken from `before` as they are, by import path. A file is reused when its
/// text and everything it imports are the same as before; the rest of the files with the same
/// text, which the read waves left unparsed, are parsed now.
pub(super) fn reuse(
    read: &mut Read,
    before: Option<&Schema>,
    set: &FileSet,
    purpose: Purpose,
) -> Arc<HashMap<String, Arc<FileDescriptorProto>>> {
    let (reused, infos) = reusable(&read.same, before, set);
    // A reused file keeps its source info from before, shared.
    read.infos.extend(infos);
    if before.is_some() {
        crate::trace::mark(&format!("reused {} files compiled before", reused.len()));
    }
    let reparse: Vec<&Arc<Source>> = read
        .same
        .keys()
        .filter(|name| !reused.contains_key(name.as_str()))
        .filter_map(|name| read.sources.get(name))
        .collect();
    // Memory: the source info a file of the same text had before is the same bytes (an
    // editions file's is not: the read waves took it from the editions analysis, which this
    // parse is not); it is shared, not encoded a second time.
    let info_before = |name: &str| match before.and_then(|b| b.file(name)) {
        Some(Proto::Lean { info, .. }) if !read.editions.contains_key(name) => Some(info.clone()),
        _ => None,
    };
    // Encoded as each is parsed: tens of thousands of decoded files and source infos were the
    // peak of a large comparison's against side.
    let parsed: Vec<(String, Option<(EncodedFile, EncodedInfo)>)> = reparse
        .par_iter()
        .map(|source| {
            let name = &source.file.name;
            let encoded = parse(source, purpose).map(|(file, info)| {
                let info = info_before(name).unwrap_or_else(|| EncodedInfo::encode(&info));
                (EncodedFile::encode(&file), info)
            });
            (name.clone(), encoded)
        })
        .collect();
    for (name, result) in parsed {
        if let Some((file, info)) = result {
            read.parsed.insert(name.clone(), file);
            read.infos.insert(name, info);
        }
    }
    reused
}

/// The files of `same` (same text as in `before`, with their imports) whose imports are all
/// reused too, or resolve outside both workspaces (a well-known type, an include directory):
/// their descriptors from `before`, and the source info kept beside them there.
type Reusable = (
    Arc<HashMap<String, Arc<FileDescriptorProto>>>,
    HashMap<String, EncodedInfo>,
);

fn reusable(same: &HashMap<String, &[String]>, before: Option<&Schema>, set: &FileSet) -> Reusable {
    let Some(before) = before else {
        return Default::default();
    };
    let mut ok: HashSet<&str> = same
        .keys()
        .filter(|name| {
            matches!(
                before.file(name),
                Some(Proto::Owned(_) | Proto::Lean { .. })
            )
        })
        .map(String::as_str)
        .collect();
    // A file is dropped when something it imports is neither reused nor outside both
    // workspaces; then so is every file importing it, in turn (a worklist over the importers,
    // not a pass over every file per level of imports: a deep import graph made that quadratic).
    let outside = |d: &str| !before.sources.contains_key(d) && set.get(d).ok().flatten().is_none();
    let mut importers: HashMap<&str, Vec<&str>> = HashMap::new();
    for &name in &ok {
        for d in same[name].iter() {
            importers.entry(d.as_str()).or_default().push(name);
        }
    }
    let mut dropped: Vec<&str> = importers
        .keys()
        .copied()
        .filter(|d| !ok.contains(d) && !outside(d))
        .collect();
    while let Some(name) = dropped.pop() {
        for &importer in importers.get(name).into_iter().flatten() {
            if ok.remove(importer) {
                dropped.push(importer);
            }
        }
    }
    let mut files = HashMap::new();
    let mut infos = HashMap::new();
    for name in ok {
        match before.file(name) {
            Some(Proto::Owned(file)) => {
                files.insert(name.to_string(), file.clone());
            }
            Some(Proto::Lean { file, info }) => {
                files.insert(name.to_string(), file.clone());
                infos.insert(name.to_string(), info.clone());
            }
            _ => {}
        }
    }
    (Arc::new(files), infos)
}

/// Memory: a file compiled again because something it imports changed (see [`reuse`]) mostly
/// compiles to the descriptor it had in `before` all the same. Such a copy is dropped as soon
/// as its group is compiled and `before`'s taken instead, so the two sides of a comparison hold
/// one descriptor for it, not two. Only an equal descriptor is shared: nothing a rule reads
/// changes.
pub(super) fn share_unchanged(files: &mut [Proto], before: &Schema) {
    for file in files {
        let Proto::Owned(compiled) = file else {
            continue;
        };
        if let Some(Proto::Owned(same) | Proto::Lean { file: same, .. }) =
            before.file(compiled.name())
        {
            if !Arc::ptr_eq(compiled, same) && **compiled == **same {
                *file = Proto::Owned(same.clone());
            }
        }
    }
}

/// For tests: `files` (name and text) compiled for breaking, reusing `before` when given.
#[cfg(test)]
pub(crate) fn compile_texts(
    files: &[(impl AsRef<str>, impl AsRef<str>)],
    before: Option<&Schema>,
) -> Schema {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use crate::config::Workspace;
    use crate::schema::{compile, compile_reusing, CompileOptions, Purpose};

    let blobs: BTreeMap<String, Arc<[u8]>> = files
        .iter()
        .map(|(name, text)| {
            let text = text.as_ref().as_bytes();
            (name.as_ref().to_string(), Arc::<[u8]>::from(text))
        })
        .collect();
    let ws = Workspace::default_at(std::path::Path::new("."));
    let set = crate::input::FileSet::from_blobs(&ws, &blobs, &|p: &str| p.to_string())
        .expect("a file set");
    let options = CompileOptions::new(Purpose::Breaking, &[]);
    match before {
        None => compile(&set, &options),
        Some(before) => compile_reusing(&set, &options, before),
    }
    .expect("compiles")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::compile_texts;
    use crate::schema::{Proto, Schema};

    fn descriptor<'s>(schema: &'s Schema, name: &str) -> &'s Arc<prost_types::FileDescriptorProto> {
        match schema.file(name) {
            Some(Proto::Owned(file) | Proto::Lean { file, .. }) => file,
            _ => panic!("{name} is not compiled"),
        }
    }

    /// Memory: the against side of a comparison shares with the input side the text of every
    /// file that is the same, and the descriptor of a file compiled again (an import of it
    /// changed) that came out the same; a file whose text changed has its own.
    #[test]
    fn the_against_side_shares_what_is_the_same() {
        let b =
            "syntax = \"proto3\";\npackage p;\nimport \"p/a.proto\";\nmessage B {\n  A a = 1;\n}\n";
        let new = compile_texts(
            &[
                ("p/a.proto", "syntax = \"proto3\";\npackage p;\nmessage A {\n  string x = 1;\n  string y = 2;\n}\n"),
                ("p/b.proto", b),
            ],
            None,
        );
        let old = compile_texts(
            &[
                (
                    "p/a.proto",
                    "syntax = \"proto3\";\npackage p;\nmessage A {\n  string x = 1;\n}\n",
                ),
                ("p/b.proto", b),
            ],
            Some(&new),
        );
        let text = |s: &Schema, name: &str| s.sources[name].text.as_ptr();
        assert_eq!(text(&old, "p/b.proto"), text(&new, "p/b.proto"));
        assert_ne!(text(&old, "p/a.proto"), text(&new, "p/a.proto"));
        assert!(
            Arc::ptr_eq(descriptor(&old, "p/b.proto"), descriptor(&new, "p/b.proto")),
            "p/b.proto compiled again to the same descriptor is not shared"
        );
        assert!(!Arc::ptr_eq(
            descriptor(&old, "p/a.proto"),
            descriptor(&new, "p/a.proto")
        ));
        // What the rules read is the same as compiled on its own.
        let alone = compile_texts(
            &[
                (
                    "p/a.proto",
                    "syntax = \"proto3\";\npackage p;\nmessage A {\n  string x = 1;\n}\n",
                ),
                ("p/b.proto", b),
            ],
            None,
        );
        assert_eq!(
            old.file("p/b.proto").map(|f| f.to_owned_proto()),
            alone.file("p/b.proto").map(|f| f.to_owned_proto())
        );
    }
}
