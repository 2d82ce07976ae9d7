//! sous: the value of a file's `edition` statement when it names no edition buf 1.75.0 knows.
//! The parser reads such a file on (see `ast::Syntax::EditionUnknown`); its caller reports the
//! value, as buf does, at the string literals that spell it.

use logos::Span;

use super::Parser;
use crate::lex::Token;

/// The value of `source`'s `edition` statement, escapes decoded and literals joined, and the
/// span of its literals, when the edition is not one the parser knows.
pub(crate) fn unknown_edition(source: &str) -> Option<(String, Span)> {
    let mut parser = Parser::new(source);
    if !matches!(parser.peek(), Ok(Some((Token::EDITION, _)))) {
        return None;
    }
    parser.bump();
    parser.expect_eq(Token::Equals).ok()?;
    let value = parser.parse_string().ok()?;
    match value.value.as_slice() {
        // The parser reports a syntax declared with `edition`.
        b"2023" | b"2024" | b"2026" | b"proto2" | b"proto3" => None,
        bytes => Some((String::from_utf8_lossy(bytes).into_owned(), value.span)),
    }
}
