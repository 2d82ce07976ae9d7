//! Byte positions to the line and column buf prints.
//!
//! buf counts columns in terminal cells: a tab advances to the next multiple of 4, wide characters
//! (CJK, emoji) take 2 cells, combining marks 0. protox gives byte offsets, so every position in
//! sous goes through [`LineIndex`], the one place that converts. buf's compile errors are the
//! exception: their columns count bytes ([`in_bytes`]).

use unicode_width::UnicodeWidthChar;

/// Tab stops as buf counts them.
const TAB_WIDTH: usize = 4;

/// The start offset of every line of one source text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // memchr's search runs on vector registers; a line of a .proto file is some 30 bytes,
        // so the index is sized once for most files. A run after an edit indexes every file it
        // reads (googleapis: 67 MB), a cold run every file it compiles.
        let mut starts = Vec::with_capacity(text.len() / 24 + 2);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The byte offset of the start of 0-based `line`, clamped to the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// The byte offset of (0-based line, byte column), clamped to the text.
    pub fn offset(&self, text: &str, line: usize, byte_col: usize) -> usize {
        let start = self.line_start(line);
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        floor_char_boundary(text, (start + byte_col).min(end.max(start)))
    }

    /// buf's 1-based (line, column) for a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        (
            line as u32 + 1,
            display_width(&text[start..offset]) as u32 + 1,
        )
    }

    /// The byte offset of buf's 1-based (line, column), the inverse of [`LineIndex::position`]:
    /// a column inside a tab or a wide character maps to that character's start; lines and
    /// columns past the end are clamped to the text and the line.
    pub fn offset_of_position(&self, text: &str, line: u32, column: u32) -> usize {
        let line = (line.max(1) - 1) as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        let target = (column.max(1) - 1) as usize;
        let mut col = 0;
        for (i, c) in text[start..end].char_indices() {
            let next = if c == '\t' {
                col + TAB_WIDTH - col % TAB_WIDTH
            } else {
                col + c.width().unwrap_or(1)
            };
            if col >= target || next > target {
                return start + i;
            }
            col = next;
        }
        end
    }
}

/// buf parity: buf places its compile errors (rule `COMPILE`) in byte columns, one plus the bytes
/// before the place on its line (a tab, a non-ASCII character count their bytes); every other
/// finding in terminal cells.
pub fn in_bytes(rule: &str) -> bool {
    rule == "COMPILE"
}

impl LineIndex {
    /// buf's 1-based (line, byte column) for a byte offset: where buf places a compile error.
    pub fn byte_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        (line as u32 + 1, (offset - self.starts[line]) as u32 + 1)
    }

    /// The byte offset of a finding's 1-based (line, column): a byte column for a rule placed
    /// in bytes ([`in_bytes`]), read as bytes, not through cells (where a zero-width character
    /// before it would take the column back onto that character).
    pub fn finding_offset(&self, text: &str, rule: &str, line: u32, column: u32) -> usize {
        if !in_bytes(rule) {
            return self.offset_of_position(text, line, column);
        }
        let index = (line.max(1) - 1) as usize;
        if index >= self.starts.len() {
            return text.len();
        }
        self.offset(text, index, (column.max(1) - 1) as usize)
    }

    /// A finding's 1-based (line, column) in terminal cells: its column as it is, or, for a
    /// rule placed in bytes ([`in_bytes`]), that byte column counted in cells. For the reports
    /// that turn columns back into offsets or other units.
    pub fn cells(&self, text: &str, rule: &str, line: u32, column: u32) -> (u32, u32) {
        if !in_bytes(rule) {
            return (line, column);
        }
        let index = (line.max(1) - 1) as usize;
        if index >= self.starts.len() {
            return (line, column);
        }
        let offset = self.offset(text, index, (column.max(1) - 1) as usize);
        self.position(text, offset)
    }
}

/// The width in terminal cells of a prefix of a line, as buf counts it.
pub fn display_width(prefix: &str) -> usize {
    let mut col = 0;
    for c in prefix.chars() {
        if c == '\t' {
            col += TAB_WIDTH - col % TAB_WIDTH;
        } else {
            // Control characters have no terminal width; buf counts them as one column.
            col += c.width().unwrap_or(1);
        }
    }
    col
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_errors_are_placed_in_bytes() {
        let text = "a\n\t/* \u{6f22} */\tFoo x = 1;\n";
        let lines = LineIndex::new(text);
        let foo = text.find("Foo").unwrap();
        // The tabs count 1, the CJK character its 3 bytes (buf: 2:12).
        assert_eq!(lines.byte_position(text, foo), (2, 12));
        let cells = lines.position(text, foo);
        assert_eq!(lines.cells(text, "COMPILE", 2, 12), cells);
        assert_eq!(lines.cells(text, "FIELD_LOWER_SNAKE_CASE", 2, 7), (2, 7));
        assert!(in_bytes("COMPILE") && !in_bytes("IMPORT_USED"));
    }

    #[test]
    fn a_compile_error_after_a_zero_width_character_keeps_its_offset() {
        // `x` after a zero-width space: byte column 4 (3 bytes before it), cell column 1.
        let text = "\u{200B}x = 1;\n";
        let lines = LineIndex::new(text);
        let (line, column) = lines.byte_position(text, 3);
        assert_eq!((line, column), (1, 4));
        assert_eq!(lines.finding_offset(text, "COMPILE", line, column), 3);
        // Through cells the column lands on the zero-width character itself.
        let (line, cells) = lines.cells(text, "COMPILE", line, column);
        assert_eq!(lines.offset_of_position(text, line, cells), 0);
        assert_eq!(
            lines.finding_offset(text, "FIELD_LOWER_SNAKE_CASE", 1, 1),
            0
        );
    }

    #[test]
    fn tab_advances_to_next_stop_of_four() {
        let text = "\tstring aB = 1;";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 8), (1, 12));
        assert_eq!(index.position(text, 1), (1, 5));
        assert_eq!(display_width("ab\tc"), 5);
    }

    #[test]
    fn wide_and_combining_characters() {
        assert_eq!(display_width("日本"), 4);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("é"), 1);
        assert_eq!(display_width("\0\u{7f}"), 2);
    }

    #[test]
    fn lines_and_offsets() {
        let text = "a\nbc\n\ndef";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 2));
        assert_eq!(index.position(text, 5), (3, 1));
        assert_eq!(index.position(text, 8), (4, 3));
        assert_eq!(index.offset(text, 1, 1), 3);
        assert_eq!(index.offset(text, 1, 99), 4);
    }

    #[test]
    fn positions_map_back_to_offsets() {
        let text = "a\tb日c\n\t\tx = \"é\";\r\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let (line, column) = index.position(text, offset);
            assert_eq!(
                index.offset_of_position(text, line, column),
                offset,
                "offset {offset} at {line}:{column}"
            );
        }
        // Inside a tab or a wide character: that character's start.
        assert_eq!(index.offset_of_position(text, 1, 3), 1);
        assert_eq!(index.offset_of_position(text, 1, 7), 3);
        // Past the end of a line or of the text.
        assert_eq!(index.offset_of_position(text, 1, 99), 7);
        assert_eq!(index.offset_of_position(text, 9, 1), text.len());
    }
}
