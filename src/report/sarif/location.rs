//! Where a result points: buf's place turned into a SARIF physical location (columns in code
//! points, paths as URI references relative to %SRCROOT%).

use unicode_width::UnicodeWidthChar;

use super::model::{ArtifactLocation, PhysicalLocation, Region};
use super::{Report, SRCROOT};

/// The place `[start line, start column, end line, end column]` (buf's) in display path `path`.
pub(super) fn physical(report: &Report, path: &str, place: [u32; 4]) -> PhysicalLocation {
    let [start_line, start_column, end_line, end_column] = place;
    let source = report.sources.get(path);
    // Without the source (a file that is not UTF-8, or from a descriptor set) buf's columns are
    // the best there is; they equal code points on any line of ASCII without tabs.
    let column = |line: u32, column: u32| match source {
        Some(s) => code_point_column(line_text(&s.text, &s.lines, line), column),
        None => column.max(1),
    };
    let start_column = column(start_line, start_column);
    let end_column = column(end_line, end_column);
    located(
        path,
        [start_line.max(1), start_column, end_line, end_column],
    )
}

/// The physical location of `[start line, start column, end line, end column]` (1-based, code
/// points) in `path`: SARIF wants the end at or after the start.
fn located(
    path: &str,
    [start_line, start_column, end_line, end_column]: [u32; 4],
) -> PhysicalLocation {
    let end_line = end_line.max(start_line);
    PhysicalLocation {
        artifact_location: artifact(path),
        region: Region {
            start_line,
            start_column,
            end_line,
            end_column: if end_line == start_line {
                end_column.max(start_column)
            } else {
                end_column
            },
        },
    }
}

/// Finding `f`'s location in display path `path`: with its source, its columns turned into
/// offsets by its rule (a compile error's count bytes) and from there into code points, with no
/// step through terminal cells (which a zero-width character would shift); else as
/// [`physical`] takes buf's.
pub(super) fn of_finding(
    report: &Report,
    path: &str,
    f: &crate::finding::Finding,
) -> PhysicalLocation {
    let place = [f.start_line, f.start_column, f.end_line, f.end_column];
    let Some(s) = report.sources.get(path) else {
        return physical(report, path, place);
    };
    let point = |line: u32, column: u32| {
        let offset = s.lines.finding_offset(&s.text, &f.rule, line, column);
        let line = s.lines.line_of(offset);
        let start = s.lines.line_start(line);
        (
            line as u32 + 1,
            s.text[start..offset].chars().count() as u32 + 1,
        )
    };
    let (start_line, start_column) = point(f.start_line, f.start_column);
    let (end_line, end_column) = point(f.end_line, f.end_column);
    located(path, [start_line, start_column, end_line, end_column])
}

/// The text of 1-based `line`, without its line break.
fn line_text<'a>(text: &'a str, lines: &crate::schema::columns::LineIndex, line: u32) -> &'a str {
    let start = lines.line_start(line.saturating_sub(1) as usize);
    let rest = &text[start..];
    let line = rest.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// buf's 1-based column (terminal cells: tabs to the next multiple of 4, wide characters 2,
/// combining marks 0) on `line` -> the 1-based column in Unicode code points.
fn code_point_column(line: &str, buf_column: u32) -> u32 {
    let target = buf_column.saturating_sub(1) as usize;
    let mut cells = 0;
    let mut points = 0;
    for c in line.chars() {
        if cells >= target {
            return points as u32 + 1;
        }
        cells += if c == '\t' {
            4 - cells % 4
        } else {
            c.width().unwrap_or(1)
        };
        points += 1;
    }
    // Past the end of the line (the end of a span that ends at a line break): keep the distance.
    (points + target.saturating_sub(cells)) as u32 + 1
}

/// A display path as a URI reference: `/`-separated and percent-encoded, relative to %SRCROOT%;
/// an absolute path becomes a `file:` URI (without a base).
pub(super) fn artifact(path: &str) -> ArtifactLocation {
    let path = path.replace('\\', "/");
    let drive =
        path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with('/') || drive {
        let path = if drive { format!("/{path}") } else { path };
        return ArtifactLocation {
            uri: format!("file://{}", encode(&path, true)),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode(&path, false),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encodes everything but unreserved characters and `/` (and `:` in an absolute path,
/// for a drive letter; in a relative one it would read as a scheme).
fn encode(path: &str, absolute: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if absolute => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_wide_characters_become_code_points() {
        // `\t` fills cells 1-4, so buf's column 5 is the second code point.
        assert_eq!(code_point_column("\tstring a = 1;", 5), 2);
        assert_eq!(code_point_column("\tstring a = 1;", 12), 9);
        // Two tabs after two characters: "ab" 1-2, tab 3-4, tab 5-8.
        assert_eq!(code_point_column("ab\t\tc", 9), 5);
        // Wide characters take two cells, one code point each.
        assert_eq!(code_point_column("// 日本 x", 9), 7);
        // A combining mark takes no cell.
        assert_eq!(code_point_column("e\u{301}x", 2), 2);
        assert_eq!(code_point_column("abc", 1), 1);
        // The end of a span at the end of the line, and past it.
        assert_eq!(code_point_column("\tab", 7), 4);
        assert_eq!(code_point_column("\tab", 8), 5);
    }

    #[test]
    fn uris_are_encoded_and_relative() {
        assert_eq!(artifact("a/b c.proto").uri, "a/b%20c.proto");
        assert_eq!(artifact("日.proto").uri, "%E6%97%A5.proto");
        assert_eq!(artifact("a\\b.proto").uri, "a/b.proto");
        assert_eq!(artifact("../x:y.proto").uri, "../x%3Ay.proto");
        let abs = artifact("/tmp/a.proto");
        assert_eq!(abs.uri, "file:///tmp/a.proto");
        assert!(abs.uri_base_id.is_none());
        assert_eq!(artifact("C:\\p\\a.proto").uri, "file:///C:/p/a.proto");
    }
}
