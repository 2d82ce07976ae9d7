//! Where each part of a `buf.validate` option is written.
//!
//! protox records one location per option statement (`(buf.validate.field).string.min_len = 1`
//! is `[.., 8, 1159, 14, 2]`), but nothing for the fields inside a message literal
//! (`(buf.validate.field).string = {min_len: 5, max_len: 2}`), where buf points at `min_len: 5`.
//! This module scans the literal text of each statement to recover those positions, and finds
//! the span buf reports for a path the way buf does: the first location under the path, else the
//! nearest location above it.

use std::collections::HashMap;

use prost_reflect::{Kind, MessageDescriptor};

use crate::lint::FileNode;
use crate::schema::Span;

/// A location of part of an option, by path relative to the options message (`[1159, 14, 2]`).
pub struct Entry {
    pub path: Vec<i32>,
    pub span: Span,
}

/// The locations of one element's options under extension `ext_number`: every option statement
/// in source order, each followed by the fields written in its message literal.
///
/// `options_path` is the element's path plus its options tag (`[4, 0, 2, 1, 8]`); `root` is the
/// extension's message type (`buf.validate.FieldRules`).
pub fn entries(
    file: &FileNode,
    options_path: &[i32],
    ext_number: i32,
    root: &MessageDescriptor,
) -> Vec<Entry> {
    let mut out = Vec::new();
    let Some(info) = &file.proto.source_code_info else {
        return out;
    };
    for location in &info.location {
        let path = &location.path;
        if path.len() <= options_path.len()
            || !path.starts_with(options_path)
            || path[options_path.len()] != ext_number
        {
            continue;
        }
        let Some(span) = file.locations().span(file.source, path) else {
            continue;
        };
        let relative = path[options_path.len()..].to_vec();
        out.push(Entry {
            path: relative.clone(),
            span,
        });
        let Some(descriptor) = message_at(root, &relative[1..]) else {
            continue;
        };
        let text = &file.source.text;
        let mut scanner = Scanner {
            text: text.as_bytes(),
            pos: span.start,
            end: span.end.min(text.len()),
            out: &mut out,
        };
        if scanner.skip_to_value() && scanner.open() {
            scanner.message(&descriptor, &relative);
        }
    }
    out
}

/// The span buf reports for `path`: the first location at or under it, else the deepest one
/// above it.
pub fn find(entries: &[Entry], path: &[i32]) -> Option<Span> {
    if let Some(e) = entries.iter().find(|e| e.path.starts_with(path)) {
        return Some(e.span);
    }
    let mut best: Option<&Entry> = None;
    for e in entries.iter().filter(|e| path.starts_with(&e.path)) {
        if best.is_none_or(|b| e.path.len() > b.path.len()) {
            best = Some(e);
        }
    }
    best.map(|e| e.span)
}

/// The message type at `path` below `root` (field numbers, with an index after a repeated
/// field), if the path ends on a message.
fn message_at(root: &MessageDescriptor, path: &[i32]) -> Option<MessageDescriptor> {
    let mut descriptor = root.clone();
    let mut index_next = false;
    let mut is_message = true;
    for &component in path {
        if index_next {
            index_next = false;
            continue;
        }
        if !is_message {
            return None;
        }
        let field = descriptor.get_field(u32::try_from(component).ok()?)?;
        index_next = field.is_list();
        match field.kind() {
            Kind::Message(m) => descriptor = m,
            _ => is_message = false,
        }
    }
    (is_message && !index_next).then_some(descriptor)
}

struct Scanner<'t, 'o> {
    text: &'t [u8],
    pos: usize,
    end: usize,
    out: &'o mut Vec<Entry>,
}

impl Scanner<'_, '_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.text[self.pos])
    }

    fn skip_ws(&mut self) {
        while self.pos < self.end {
            let rest = &self.text[self.pos..self.end];
            if rest[0].is_ascii_whitespace() {
                self.pos += 1;
            } else if rest.starts_with(b"//") || rest[0] == b'#' {
                while self.pos < self.end && self.text[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if rest.starts_with(b"/*") {
                self.pos += 2;
                while self.pos < self.end && !self.text[self.pos..self.end].starts_with(b"*/") {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.end);
            } else {
                break;
            }
        }
    }

    /// Moves past the option name and its `=`.
    fn skip_to_value(&mut self) -> bool {
        let mut depth = 0;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'=' if depth == 0 => {
                    self.skip_ws();
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// Consumes `{` or `<`.
    fn open(&mut self) -> bool {
        if matches!(self.peek(), Some(b'{' | b'<')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        std::str::from_utf8(&self.text[start..self.pos]).unwrap_or("")
    }

    /// The fields of a message literal, after its opening brace; records scalar fields.
    fn message(&mut self, descriptor: &MessageDescriptor, path: &[i32]) {
        let mut counts: HashMap<i32, i32> = HashMap::new();
        loop {
            self.skip_ws();
            let start = self.pos;
            match self.peek() {
                None => return,
                Some(b'}' | b'>') => {
                    self.pos += 1;
                    return;
                }
                Some(b'[') => {
                    // An extension or Any type URL: skip its name and value.
                    while self.peek().is_some_and(|c| c != b']') {
                        self.pos += 1;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                    }
                    self.skip_value();
                }
                Some(_) => {
                    let name = self.ident().to_string();
                    if name.is_empty() {
                        return;
                    }
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    let Some(field) = descriptor.get_field_by_name(&name) else {
                        self.skip_value();
                        continue;
                    };
                    let number = field.number() as i32;
                    let child_message = match field.kind() {
                        Kind::Message(m) => Some(m),
                        _ => None,
                    };
                    let next_path = |counts: &mut HashMap<i32, i32>| {
                        let mut p = path.to_vec();
                        p.push(number);
                        if field.is_list() {
                            let n = counts.entry(number).or_insert(0);
                            p.push(*n);
                            *n += 1;
                        }
                        p
                    };
                    if self.peek() == Some(b'[') {
                        self.pos += 1;
                        loop {
                            self.skip_ws();
                            match self.peek() {
                                None => return,
                                Some(b']') => {
                                    self.pos += 1;
                                    break;
                                }
                                Some(b',') => self.pos += 1,
                                Some(_) => {
                                    let p = next_path(&mut counts);
                                    match &child_message {
                                        Some(m) if self.open() => self.message(m, &p),
                                        _ => self.scalar(),
                                    }
                                }
                            }
                        }
                        if child_message.is_none() {
                            let mut p = path.to_vec();
                            p.push(number);
                            self.record(p, start);
                        }
                    } else {
                        let p = next_path(&mut counts);
                        match &child_message {
                            Some(m) if self.open() => self.message(m, &p),
                            _ => {
                                self.scalar();
                                self.record(p, start);
                            }
                        }
                    }
                }
            }
            self.skip_ws();
            if matches!(self.peek(), Some(b',' | b';')) {
                self.pos += 1;
            }
            if self.pos == start {
                return;
            }
        }
    }

    fn record(&mut self, path: Vec<i32>, start: usize) {
        self.out.push(Entry {
            path,
            span: Span {
                start,
                end: self.pos,
            },
        });
    }

    /// Skips a value of any shape.
    fn skip_value(&mut self) {
        self.skip_ws();
        match self.peek() {
            Some(b'{' | b'<' | b'[') => {
                let mut depth = 0;
                while let Some(c) = self.peek() {
                    match c {
                        b'{' | b'<' | b'[' => depth += 1,
                        b'}' | b'>' | b']' => depth -= 1,
                        b'"' | b'\'' => {
                            self.string();
                            continue;
                        }
                        _ => {}
                    }
                    self.pos += 1;
                    if depth == 0 {
                        return;
                    }
                }
            }
            _ => self.scalar(),
        }
    }

    /// A scalar: adjacent strings, or a number, identifier or signed literal.
    fn scalar(&mut self) {
        if matches!(self.peek(), Some(b'"' | b'\'')) {
            while matches!(self.peek(), Some(b'"' | b'\'')) {
                self.string();
                let after = self.pos;
                self.skip_ws();
                if !matches!(self.peek(), Some(b'"' | b'\'')) {
                    self.pos = after;
                    return;
                }
            }
            return;
        }
        if self.peek() == Some(b'-') {
            self.pos += 1;
            self.skip_ws();
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-'))
        {
            self.pos += 1;
        }
    }

    fn string(&mut self) {
        let Some(quote) = self.peek() else { return };
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' {
                self.pos += 1;
            } else if c == quote {
                return;
            }
        }
        self.pos = self.pos.min(self.end);
    }
}
