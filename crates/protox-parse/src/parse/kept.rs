//! sous: the numbers of the fields buf keeps without one (see `buf_shape::UNNUMBERED`). buf
//! checks no number of such a field; the compiler needs one, so each gets a number no other
//! field of its message uses and no reserved or extension range of it covers (otherwise the
//! later steps would report a conflict buf does not).

use crate::ast;

/// The largest field number.
const MAX: u64 = 536_870_911;

/// Gives the fields of `body` (and of its oneofs) that buf keeps without a number free numbers.
pub(super) fn renumber(body: &mut ast::MessageBody) {
    let unnumbered = |f: &ast::Field| f.number.span == f.name.span;
    let mut taken: Vec<(u64, u64)> = vec![(19_000, 19_999)];
    let mut range = |r: &ast::ReservedRange| {
        let end = match &r.end {
            ast::ReservedRangeEnd::None => r.start.value,
            ast::ReservedRangeEnd::Int(end) => end.value,
            ast::ReservedRangeEnd::Max(_) => MAX,
        };
        taken.push((r.start.value, end));
    };
    for reserved in &body.reserved {
        if let ast::ReservedKind::Ranges(ranges) = &reserved.kind {
            ranges.iter().for_each(&mut range);
        }
    }
    for extensions in &body.extensions {
        extensions.ranges.iter().for_each(&mut range);
    }
    let mut fields: Vec<&mut ast::Field> = Vec::new();
    for item in &mut body.items {
        match item {
            ast::MessageItem::Field(field) => fields.push(field),
            ast::MessageItem::Oneof(oneof) => fields.extend(oneof.fields.iter_mut()),
            _ => {}
        }
    }
    if !fields.iter().any(|f| unnumbered(f)) {
        return;
    }
    for field in fields.iter().filter(|f| !unnumbered(f)) {
        taken.push((field.number.value, field.number.value));
    }
    let mut next = MAX;
    for field in fields.into_iter().filter(|f| unnumbered(f)) {
        while let Some(&(start, _)) = taken.iter().find(|(s, e)| *s <= next && next <= *e) {
            next = start.saturating_sub(1);
        }
        if next == 0 {
            // Every number taken: the field keeps its placeholder (and its conflict).
            return;
        }
        field.number.value = next;
        next -= 1;
    }
}

impl super::Parser<'_> {
    /// `= NUMBER [options]` of a field. In a parser that reads a field buf keeps without a
    /// number (see `placeholder`), the field's options come first: its repaired text is its own
    /// tokens, options and all, with `buf_shape::UNNUMBERED` after them.
    pub(super) fn parse_number_and_options(
        &mut self,
    ) -> Result<(ast::Int, Option<ast::OptionList>), ()> {
        let bracket = |p: &mut Self| -> Result<bool, ()> {
            Ok(matches!(
                p.peek_skip_comments()?,
                Some((crate::lex::Token::LeftBracket, _))
            ))
        };
        let first = if self.placeholder.is_some() && bracket(self)? {
            Some(self.parse_options_list()?)
        } else {
            None
        };
        self.expect_eq(crate::lex::Token::Equals)?;
        let number = self.parse_int()?;
        let options = match first {
            Some(options) => Some(options),
            None if bracket(self)? => Some(self.parse_options_list()?),
            None => None,
        };
        Ok((number, options))
    }
}

impl super::Parser<'_> {
    /// As `recovered`, but a declaration keyword with a `;` right after it (`message;`), a
    /// definition to buf (a field without a name or a number), gets buf's errors (see
    /// `buf_shape`).
    pub(super) fn recovered_keyword<T>(
        &mut self,
        result: Result<T, ()>,
        mark: (usize, usize),
        body: super::Body,
    ) -> Option<T> {
        if result.is_err() && keyword_alone(self.lexer.source(), mark.0) {
            if self.reshape(mark, body).is_some() {
                return None;
            }
        }
        self.recovered(result)
    }
}

/// Whether the statement at byte `start` is a word and a `;`.
fn keyword_alone(source: &str, start: usize) -> bool {
    use logos::Logos;
    let Some(rest) = source.get(start..) else {
        return false;
    };
    let mut toks = crate::lex::Token::lexer(rest).flatten().filter(|t| {
        !matches!(
            t,
            crate::lex::Token::Newline
                | crate::lex::Token::LineComment(_)
                | crate::lex::Token::BlockComment(_)
        )
    });
    matches!(toks.next(), Some(crate::lex::Token::Ident(_)))
        && matches!(toks.next(), Some(crate::lex::Token::Semicolon))
}
