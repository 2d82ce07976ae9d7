//! Reuse: between two revisions of a large tree most files are the same, so the against side
//! of `sous breaking` takes the descriptors the input side compiled from the same text, instead
//! of parsing and compiling them again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use prost_types::FileDescriptorProto;
use rayon::prelude::*;

use super::read::{parse, Read};
use super::{EncodedInfo, Proto, Purpose, Schema, Source};
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
    for (name, result) in reparse
        .par_iter()
        .map(|source| (source.file.name.clone(), parse(source, purpose)))
        .collect::<Vec<_>>()
    {
        if let Some((file, info)) = result {
            read.parsed.insert(name.clone(), file);
            read.infos.insert(name, EncodedInfo::encode(&info));
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
    loop {
        let outside =
            |d: &str| !before.sources.contains_key(d) && set.get(d).ok().flatten().is_none();
        let dropped: Vec<&str> = ok
            .iter()
            .copied()
            .filter(|name| {
                same[*name]
                    .iter()
                    .any(|d| !ok.contains(d.as_str()) && !outside(d))
            })
            .collect();
        if dropped.is_empty() {
            break;
        }
        for name in dropped {
            ok.remove(name);
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
