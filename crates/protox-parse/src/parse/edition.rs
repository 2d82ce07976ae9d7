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
    // A bare word or number is read as the string it spells.
    let (value, span) = match parser.peek() {
        Ok(Some((Token::Ident(_) | Token::IntLiteral(_), span))) => {
            (source.get(span.clone())?.as_bytes().to_vec(), span)
        }
        _ => {
            let value = parser.parse_string().ok()?;
            (value.value, value.span)
        }
    };
    match value.as_slice() {
        // The parser reports a syntax declared with `edition`.
        b"2023" | b"2024" | b"2026" | b"proto2" | b"proto3" => None,
        bytes => Some((String::from_utf8_lossy(bytes).into_owned(), span)),
    }
}
