//! sous: buf parity: strings as buf's lexer reads them. A string not closed on its line runs on
//! to the next quote of its kind, whatever the lines between (an error at each line end it
//! crosses), or to the end of the file when there is none; an identifier right before a `"`
//! (a word that is no keyword) is that string's prefix, which protobuf does not have.

use logos::Lexer;

use super::Token;
use crate::error::ParseErrorKind;

/// The words buf's lexer reads as keywords: right before a `"`, none is a string's prefix.
const KEYWORDS: &[&str] = &[
    "syntax", "edition", "import", "weak", "public", "package", "message", "enum", "service",
    "extend", "option", "group", "oneof", "extensions", "reserved", "rpc", "returns", "to",
    "repeated", "optional", "required", "stream", "int32", "int64", "uint32", "uint64", "sint32",
    "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "float", "double", "bool", "string",
    "bytes", "inf", "nan", "true", "false", "map", "max", "default", "json_name", "local",
    "export",
];

/// Where the prefix of the string whose quote is at `quote` in `source` starts: an identifier
/// right before a `"` that is no keyword. `None` when the string has none.
pub(crate) fn string_prefix(source: &str, quote: usize) -> Option<usize> {
    if source.as_bytes().get(quote) != Some(&b'"') {
        return None;
    }
    let before = &source[..quote];
    // By characters, from the quote back, as buf's lexer reads words (past ASCII too): the
    // word starts at the first of the characters that go on a word, at a character boundary.
    let mut start = quote;
    for (at, c) in before.char_indices().rev() {
        if !super::buf_idents::continues_word(c) {
            break;
        }
        start = at;
    }
    // Characters past ASCII that start no word before it are no part of it (buf's lexer
    // skips them); its first character must start a word.
    let skipped = before[start..]
        .char_indices()
        .find(|&(_, c)| c.is_ascii() || super::buf_idents::starts_word(c))
        .map_or(quote - start, |(at, _)| at);
    start += skipped;
    let word = &before[start..];
    let first = word.chars().next()?;
    let is_identifier = super::buf_idents::starts_word(first);
    (is_identifier && !KEYWORDS.contains(&word)).then_some(start)
}

/// The error at the line end at `at` inside a string that runs on to a later line.
pub(super) fn line_end_in_string<'a>(lex: &mut Lexer<'a, Token<'a>>, at: usize) {
    lex.extras.errors.push(ParseErrorKind::BufShape {
        message: "a string cannot run across lines: close it before the line ends".to_string(),
        span: at..at + 1,
    });
}

/// Whether `rest` (a string's text after its opening quote) holds its closing quote
/// `terminator`, one no backslash escapes.
fn closes(rest: &[u8], terminator: u8) -> bool {
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b if b == terminator => return true,
            _ => i += 1,
        }
    }
    false
}

/// The value of a string that runs on to the end of the file, `content` its text after its
/// quote: as buf takes it, that text as written without its last character (buf strips a
/// quote from each end of the token, closed or not).
pub(super) fn unterminated_value(content: &str) -> &[u8] {
    let end = content.char_indices().last().map_or(0, |(at, _)| at);
    content[..end].as_bytes()
}

/// A string not closed on its line, with no quote of its kind after it, takes the rest of the
/// file: an error at the string (at its prefix, if it has one), one at each line end it
/// crosses, one at each `[` and `(` still open before it (the parser reports the `{`), and the
/// parser then meets the end of the file. True when so; the lexer is then at the end of the
/// file.
pub(super) fn string_to_end_of_file<'a>(lex: &mut Lexer<'a, Token<'a>>, terminator: u8) -> bool {
    let rest = lex.remainder();
    if closes(rest.as_bytes(), terminator) {
        return false;
    }
    let quote = lex.span().start;
    let start = string_prefix(lex.source(), quote).unwrap_or(quote);
    let after_quote = lex.span().end;
    let end = lex.source().len();
    let opens = crate::parse::open_brackets(&lex.source()[..start]);
    let in_brackets = !opens.is_empty();
    let errors = &mut lex.extras.errors;
    errors.push(ParseErrorKind::BufShape {
        message: "string not closed: it runs on to the end of the file; close it with its quote"
            .to_string(),
        span: start..end,
    });
    for (at, _) in rest.match_indices('\n') {
        let at = after_quote + at;
        errors.push(ParseErrorKind::BufShape {
            message: "a string cannot run across lines: close it before the line ends".to_string(),
            span: at..at + 1,
        });
    }
    for (kind, at) in opens {
        if kind != b'{' {
            errors.push(ParseErrorKind::BufShape {
                message: format!(
                    "'{}' is never closed: a string runs on to the end of the file",
                    kind as char
                ),
                span: at..at + 1,
            });
        }
    }
    lex.extras.string_to_eof_in_brackets = in_brackets;
    lex.extras.string_to_eof = true;
    lex.bump(rest.len());
    true
}

#[cfg(test)]
mod tests {
    use super::{closes, string_prefix, unterminated_value};

    #[test]
    fn finds_a_string_prefix() {
        let prefix = |s: &'static str| -> Option<&'static str> {
            let quote = s.find('"')?;
            string_prefix(s, quote).map(|at| &s[at..quote])
        };
        assert_eq!(prefix("a = t\"x\""), Some("t"));
        assert_eq!(prefix("foo.bar_2\"x\""), Some("bar_2"));
        assert_eq!(prefix("a = \"x\""), None);
        assert_eq!(prefix("import\"a.proto\""), None);
        assert_eq!(prefix("0x1f\"x\""), None);
        assert_eq!(string_prefix("t'x'", 1), None);
    }

    #[test]
    fn an_unterminated_string_loses_its_last_character() {
        assert_eq!(unterminated_value("a.protoX"), b"a.proto");
        assert_eq!(unterminated_value("abc;\n}\n"), b"abc;\n}");
        assert_eq!(unterminated_value("é"), b"");
        assert_eq!(unterminated_value(""), b"");
    }

    #[test]
    fn a_prefix_after_a_character_past_ascii_starts_after_it() {
        // buf parity: a letter past ASCII is part of the word, so of the prefix.
        assert_eq!(string_prefix("é\"", "é".len()), Some(0));
        assert_eq!(string_prefix("éfoo\"x\"", "éfoo".len()), Some(0));
        assert_eq!(string_prefix("x 日本foo\"", "x 日本foo".len()), Some("x ".len()));
        // A character that goes on no word (an emoji) ends it, at its end, not inside it.
        assert_eq!(string_prefix("😀foo\"", "😀foo".len()), Some("😀".len()));
        assert_eq!(string_prefix("😀\"", "😀".len()), None);
    }

    #[test]
    fn an_escaped_quote_does_not_close() {
        assert!(closes(b"abc\n\"", b'"'));
        assert!(!closes(b"abc\\\"\n", b'"'));
        assert!(!closes(b"abc'", b'"'));
    }
}
