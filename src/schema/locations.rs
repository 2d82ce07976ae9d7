//! Source locations of one file, by descriptor path, as byte ranges into its text.
//!
//! A descriptor path is the list of field numbers and indexes from the `FileDescriptorProto` down
//! to an element (`[4, 0, 2, 1]` is the second field of the first message). Rules report paths;
//! this index turns them into spans and finds the comments buf's ignores and comment rules read.

use prost_types::source_code_info::Location;
use prost_types::FileDescriptorProto;

mod path_hash;

pub(crate) use path_hash::PathMap;

use super::Source;

/// A byte range in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The locations of one file, by path.
pub struct Locations<'a> {
    by_path: PathMap<&'a [i32], &'a Location>,
}

impl<'a> Locations<'a> {
    pub fn new(file: &'a FileDescriptorProto) -> Self {
        Locations::with_extra(file, None)
    }

    /// The locations of `extra` (source info kept beside the descriptor), then the file's own.
    pub fn with_extra(
        file: &'a FileDescriptorProto,
        extra: Option<&'a prost_types::SourceCodeInfo>,
    ) -> Self {
        let count = extra.map_or(0, |i| i.location.len())
            + file
                .source_code_info
                .as_ref()
                .map_or(0, |i| i.location.len());
        let mut by_path = PathMap::with_capacity_and_hasher(count, Default::default());
        for info in extra.into_iter().chain(&file.source_code_info) {
            for location in &info.location {
                // The first location for a path is the declaration; later ones (repeated
                // options, say) must not replace it.
                by_path.entry(location.path.as_slice()).or_insert(location);
            }
        }
        Locations { by_path }
    }

    pub fn get(&self, path: &[i32]) -> Option<&'a Location> {
        self.by_path.get(path).copied()
    }

    /// The span of `path` in `source`, if the file records one.
    pub fn span(&self, source: &Source, path: &[i32]) -> Option<Span> {
        let location = self.get(path)?;
        let s = &location.span;
        let (start_line, start_col, end_line, end_col) = match *s.as_slice() {
            [l, c, ec] => (l, c, l, ec),
            [l, c, el, ec] => (l, c, el, ec),
            _ => return None,
        };
        let at = |line: i32, col: i32| {
            source
                .lines
                .offset(&source.text, line.max(0) as usize, col.max(0) as usize)
        };
        Some(Span {
            start: at(start_line, start_col),
            end: at(end_line, end_col),
        })
    }

    /// The leading comment of the element at `path`, if it has a non-blank one.
    pub fn leading_comment(&self, path: &[i32]) -> Option<&'a str> {
        self.get(path)?.leading_comments.as_deref()
    }
}
