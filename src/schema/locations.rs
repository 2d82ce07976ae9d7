//! Source locations of one file, by descriptor path, as byte ranges into its text.
//!
//! A descriptor path is the list of field numbers and indexes from the `FileDescriptorProto` down
//! to an element (`[4, 0, 2, 1]` is the second field of the first message). Rules report paths;
//! this index turns them into spans and finds the comments buf's ignores and comment rules read.

use prost_types::source_code_info::Location;
use prost_types::FileDescriptorProto;

use super::Source;

/// A byte range in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A file without source info, for an index that owns every location it has.
static NO_LOCATIONS: FileDescriptorProto = FileDescriptorProto {
    name: None,
    package: None,
    dependency: Vec::new(),
    public_dependency: Vec::new(),
    weak_dependency: Vec::new(),
    message_type: Vec::new(),
    enum_type: Vec::new(),
    service: Vec::new(),
    extension: Vec::new(),
    options: None,
    source_code_info: None,
    syntax: None,
};

/// The locations of one file, by path.
pub struct Locations<'a> {
    /// The source info kept beside the descriptor (decoded for this index), then the
    /// descriptor's own locations.
    extra: Vec<Location>,
    own: &'a [Location],
    /// Every location, as an index into `extra` then `own` together, sorted by path; locations
    /// with one path keep their order.
    by_path: Vec<u32>,
}

impl<'a> Locations<'a> {
    pub fn new(file: &'a FileDescriptorProto) -> Self {
        Locations::with_extra(file, None)
    }

    /// The locations of `extra` (source info kept beside the descriptor), then the file's own.
    pub fn with_extra(
        file: &'a FileDescriptorProto,
        extra: Option<prost_types::SourceCodeInfo>,
    ) -> Self {
        let extra = extra.map(|info| info.location).unwrap_or_default();
        let own = file
            .source_code_info
            .as_ref()
            .map_or(&[][..], |info| info.location.as_slice());
        let mut locations = Locations {
            extra,
            own,
            by_path: Vec::new(),
        };
        let count = u32::try_from(locations.extra.len() + own.len()).unwrap_or(u32::MAX);
        let mut by_path: Vec<u32> = (0..count).collect();
        // Stable: the first location for a path is the declaration; later ones (repeated
        // options, say) come after it.
        by_path.sort_by(|&a, &b| locations.at(a).path.cmp(&locations.at(b).path));
        locations.by_path = by_path;
        locations
    }

    /// Like [`Locations::with_extra`], with the file's own locations copied: an index that
    /// borrows nothing.
    pub fn owned(
        file: &FileDescriptorProto,
        extra: Option<prost_types::SourceCodeInfo>,
    ) -> Locations<'static> {
        let mut info = extra.unwrap_or_default();
        if let Some(own) = &file.source_code_info {
            info.location.extend(own.location.iter().cloned());
        }
        Locations::with_extra(&NO_LOCATIONS, Some(info))
    }

    fn at(&self, index: u32) -> &Location {
        let index = index as usize;
        match self.extra.get(index) {
            Some(location) => location,
            None => &self.own[index - self.extra.len()],
        }
    }

    /// The first location recorded for `path` (the declaration).
    pub fn get(&self, path: &[i32]) -> Option<&Location> {
        let first = self
            .by_path
            .partition_point(|&i| self.at(i).path.as_slice() < path);
        let location = self.at(*self.by_path.get(first)?);
        (location.path == path).then_some(location)
    }

    /// Every location recorded for `path`, in the order the file records them.
    pub fn all<'s>(&'s self, path: &'s [i32]) -> impl Iterator<Item = &'s Location> + 's {
        let first = self
            .by_path
            .partition_point(|&i| self.at(i).path.as_slice() < path);
        self.by_path[first..]
            .iter()
            .map(|&i| self.at(i))
            .take_while(move |l| l.path == path)
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
    pub fn leading_comment(&self, path: &[i32]) -> Option<&str> {
        self.get(path)?.leading_comments.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::Locations;
    use prost_types::source_code_info::Location;
    use prost_types::{FileDescriptorProto, SourceCodeInfo};

    fn at(path: &[i32], span: &[i32]) -> Location {
        Location {
            path: path.to_vec(),
            span: span.to_vec(),
            ..Default::default()
        }
    }

    /// Source info kept beside the descriptor comes first, then the descriptor's own; for a
    /// path recorded twice, the first is the declaration, and `all` keeps the file's order.
    #[test]
    fn first_location_of_a_path_is_the_declaration() {
        let file = FileDescriptorProto {
            source_code_info: Some(SourceCodeInfo {
                location: vec![at(&[4, 0, 7], &[5, 2, 30]), at(&[4, 0], &[9, 9, 9])],
            }),
            ..Default::default()
        };
        let extra = SourceCodeInfo {
            location: vec![
                at(&[4, 0], &[1, 0, 8, 1]),
                at(&[], &[0, 0, 9, 1]),
                at(&[4, 0, 1], &[1, 8, 12]),
            ],
        };
        for locations in [
            Locations::with_extra(&file, Some(extra.clone())),
            Locations::owned(&file, Some(extra)),
        ] {
            assert_eq!(
                locations.get(&[4, 0]).map(|l| &l.span[..]),
                Some(&[1, 0, 8, 1][..])
            );
            assert_eq!(locations.get(&[4, 0, 7]).map(|l| l.span[2]), Some(30));
            assert_eq!(locations.get(&[]).map(|l| l.span[2]), Some(9));
            assert!(locations.get(&[4, 1]).is_none());
            let spans: Vec<&[i32]> = locations.all(&[4, 0]).map(|l| &l.span[..]).collect();
            assert_eq!(spans, vec![&[1, 0, 8, 1][..], &[9, 9, 9][..]]);
        }
        assert!(Locations::new(&FileDescriptorProto::default())
            .get(&[])
            .is_none());
    }
}
