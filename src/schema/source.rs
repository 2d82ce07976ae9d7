//! A source file: its text and the line index that turns byte offsets into buf's positions.

use std::sync::Arc;

use super::{LineIndex, Text};
use crate::finding::Finding;
use crate::input::ProtoFile;

/// The text of one source file, with what is needed to turn byte offsets into buf's positions.
#[derive(Debug)]
pub struct Source {
    pub file: ProtoFile,
    /// Shared with the other side of a comparison when the file's text is the same there.
    pub text: Text,
    pub lines: Arc<LineIndex>,
}

impl Source {
    pub fn new(file: ProtoFile, text: String) -> Source {
        Source {
            lines: Arc::new(LineIndex::new(&text)),
            text: Text(text.into()),
            file,
        }
    }

    /// The source of `file`, whose text is `same`'s: the text and its line index are shared,
    /// not copied (the two sides of a large comparison are mostly the same files).
    pub fn sharing(file: ProtoFile, same: &Source) -> Source {
        Source {
            file,
            text: same.text.clone(),
            lines: same.lines.clone(),
        }
    }

    /// buf's 1-based (line, column) for a byte offset in this file.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        self.lines.position(&self.text, offset)
    }

    /// A finding about this whole file, at 1:1 as buf places them.
    pub fn file_finding(&self, rule: &str, message: String) -> Finding {
        let mut finding = Finding::file_level(&self.file.display, rule, message);
        finding.file = Some(self.file.workspace_path.clone());
        finding
    }

    /// The words of the statement at bytes `start..end` between its `keyword` and its `;`
    /// (`option allow_alias = true;`: `allow_alias = true`), where buf places what it says of
    /// the statement; the whole statement if there is nothing between them.
    pub fn statement_body(&self, start: usize, end: usize, keyword: &str) -> (usize, usize) {
        let statement = self.text.get(start..end).unwrap_or_default();
        let after = statement.strip_prefix(keyword).unwrap_or(statement);
        let body_start = end - after.trim_start().len();
        let body_end = start + statement.trim_end_matches(';').trim_end().len();
        if body_start < body_end {
            (body_start, body_end)
        } else {
            (start, end)
        }
    }

    /// A finding for this file at a byte range (a compile error's columns count bytes, as
    /// buf's do: see [`super::columns::in_bytes`]).
    pub fn finding(&self, start: usize, end: usize, rule: &str, message: String) -> Finding {
        let place = |offset: usize| {
            if super::columns::in_bytes(rule) {
                self.lines.byte_position(&self.text, offset)
            } else {
                self.position(offset)
            }
        };
        let (start_line, start_column) = place(start);
        let (end_line, end_column) = place(end.max(start));
        Finding {
            path: Some(self.file.display.clone()),
            start_line,
            start_column,
            end_line,
            end_column,
            rule: rule.to_string(),
            message,
            file: Some(self.file.workspace_path.clone()),
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }
}
