//! Between sous's places and the protocol's: `file://` URIs and paths, byte offsets and LSP
//! positions (UTF-16 code units, the protocol's default), buf's (line, column) and LSP ranges,
//! findings and diagnostics, and one text's change to another as a single edit.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    Diagnostic, DiagnosticSeverity, DiagnosticTag, NumberOrString, Position, Range, TextEdit, Uri,
};

use crate::finding::Finding;
use crate::schema::LineIndex;

/// The path a `file://` URI names; `None` for any other scheme or a URI that is not one.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host (empty or `localhost`) is a path of this machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

/// The `file://` URI of an absolute path, every byte outside the unreserved set and `/`
/// percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

/// The LSP position (UTF-16 code units from the line start) of byte `offset` in `text`.
pub fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let offset = floor(text, offset.min(text.len()));
    let line = lines.line_of(offset);
    let start = lines.line_start(line);
    let character = text[start..offset].encode_utf16().count();
    Position::new(line as u32, character as u32)
}

/// The byte offset of an LSP position in `text`, clamped to the line and to the text.
pub fn offset(text: &str, lines: &LineIndex, at: Position) -> usize {
    let line = at.line as usize;
    if line > lines.line_of(text.len()) {
        return text.len();
    }
    let start = lines.line_start(line);
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut units = 0usize;
    for (i, c) in text[start..end].char_indices() {
        if units >= at.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// The LSP range of a finding's buf positions (1-based lines, terminal-cell columns) in `text`.
pub fn finding_range(text: &str, lines: &LineIndex, f: &Finding) -> Range {
    // From the finding's own columns to offsets directly (a compile error's count bytes).
    let start = lines.finding_offset(text, &f.rule, f.start_line, f.start_column);
    let end = lines.finding_offset(text, &f.rule, f.end_line, f.end_column);
    Range::new(
        position(text, lines, start),
        position(text, lines, end.max(start)),
    )
}

/// The LSP range of a place in buf's positions in `text`.
pub fn place_range(text: &str, lines: &LineIndex, p: &crate::finding::Place) -> Range {
    span_range(
        text,
        lines,
        (p.start_line, p.start_column, p.end_line, p.end_column),
    )
}

fn span_range(text: &str, lines: &LineIndex, (sl, sc, el, ec): (u32, u32, u32, u32)) -> Range {
    let start = lines.offset_of_position(text, sl, sc);
    let end = lines.offset_of_position(text, el, ec);
    Range::new(
        position(text, lines, start),
        position(text, lines, end.max(start)),
    )
}

/// A finding as a diagnostic: its rule ID as the code, `sous` as the source; an unused import
/// is marked unnecessary, which editors draw faded. (No rule reports the use of a deprecated
/// element, which would be marked deprecated.)
pub fn diagnostic(text: &str, lines: &LineIndex, f: &Finding) -> Diagnostic {
    let mut tags = Vec::new();
    if f.rule == "IMPORT_USED" {
        tags.push(DiagnosticTag::UNNECESSARY);
    }
    Diagnostic {
        range: finding_range(text, lines, f),
        severity: Some(if f.rule == "COMPILE" {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(f.rule.clone())),
        source: Some("sous".to_string()),
        message: f.shown_message().into_owned(),
        tags: (!tags.is_empty()).then_some(tags),
        ..Diagnostic::default()
    }
}

/// The one edit that turns `old` into `new`: what lies between their common start and end.
pub fn edit(old: &str, new: &str) -> TextEdit {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = floor(old, prefix).min(floor(new, prefix));
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = old_rest
        .bytes()
        .rev()
        .zip(new_rest.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut suffix = suffix;
    while !old_rest.is_char_boundary(old_rest.len() - suffix)
        || !new_rest.is_char_boundary(new_rest.len() - suffix)
    {
        suffix -= 1;
    }
    let (mut start, mut end) = (prefix, old.len() - suffix);
    let mut inserted = new_rest[..new_rest.len() - suffix].to_string();
    // A pure insertion of lines is placed at a line start, not after the indentation it
    // shares with the line below: the same text, an edit that reads as a new line.
    if old_rest.len() == suffix {
        while let Some(c) = old[..start].chars().next_back() {
            if c == '\n' || !inserted.ends_with(c) {
                break;
            }
            inserted.truncate(inserted.len() - c.len_utf8());
            inserted.insert(0, c);
            start -= c.len_utf8();
            end -= c.len_utf8();
        }
    }
    let lines = LineIndex::new(old);
    TextEdit {
        range: Range::new(position(old, &lines, start), position(old, &lines, end)),
        new_text: inserted,
    }
}

fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a b/ü%.proto");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC%25.proto");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        assert!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
        assert!(uri_to_path(&Uri::from_str("file://elsewhere/x.proto").unwrap()).is_none());
    }

    #[test]
    fn positions_count_utf16_and_buf_columns_cells() {
        let text = "a\n\tb😀c = 1;\n";
        let lines = LineIndex::new(text);
        // `c` is after a tab (buf: to column 5), `b` (6), the emoji (two cells): column 8.
        let mut f = Finding::file_level("x", "R", "m".into());
        (f.start_line, f.start_column, f.end_line, f.end_column) = (2, 8, 2, 9);
        let range = finding_range(text, &lines, &f);
        // In UTF-16: tab 1, b 1, emoji 2 -> c at 4.
        assert_eq!(range.start, Position::new(1, 4));
        assert_eq!(range.end, Position::new(1, 5));
        assert_eq!(
            offset(text, &lines, Position::new(1, 4)),
            text.find('c').unwrap()
        );
        assert_eq!(offset(text, &lines, Position::new(9, 0)), text.len());
    }

    #[test]
    fn one_edit_between_two_texts() {
        let e = edit("ab\ncd\n", "ab\n// x\ncd\n");
        assert_eq!(
            e.range,
            Range::new(Position::new(1, 0), Position::new(1, 0))
        );
        assert_eq!(e.new_text, "// x\n");
        let e = edit("é1", "é2");
        assert_eq!(e.new_text, "2");
        // An inserted comment line above an indented line starts at the line start.
        let e = edit("a {\n  b;\n}\n", "a {\n  // x\n  b;\n}\n");
        assert_eq!(
            e.range,
            Range::new(Position::new(1, 0), Position::new(1, 0))
        );
        assert_eq!(e.new_text, "  // x\n");
    }
}
