//! sous: buf's errors for a `[...]` list where a definition takes none (found by running buf
//! 1.75.0 on each shape): a second (or third) options list of a field or enum value is one
//! error over the whole list ("more than one compact options"), and so is one after an option
//! statement's value; what is in the list is not read. The list is dropped and the definition
//! kept.

use super::Shaper;
use crate::lex::Token;

impl Shaper<'_> {
    /// The token that closes the `[` at token `open`.
    pub(super) fn bracket_close(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, (tok, _)) in self.toks.iter().enumerate().skip(open) {
            match tok {
                Some(Token::LeftBracket) => depth += 1,
                Some(Token::RightBracket) => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The list at the current token that the definition does not take: an error over it
    /// (`message`), and it is blanked and skipped.
    pub(super) fn list_not_taken(&mut self, message: &str) -> Option<()> {
        let open = self.pos;
        let close = self.bracket_close(open)?;
        self.error(
            message.to_string(),
            self.span(open).start..self.span(close).end,
        );
        // buf parity: after an option's value, a list of one name without a value is also an
        // error at its `]`.
        let inside = &self.toks[open + 1..close];
        let name_only = !inside.is_empty()
            && inside.iter().all(|(tok, _)| {
                matches!(
                    tok,
                    Some(Token::Ident(_) | Token::Dot | Token::LeftParen | Token::RightParen)
                )
            });
        if name_only && message.starts_with("an option statement") {
            self.error(
                "option without a value: write `[NAME = VALUE]`".to_string(),
                self.span(close),
            );
        }
        self.blank(open, close);
        self.pos = close + 1;
        Some(())
    }
}
