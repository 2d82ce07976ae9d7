//! sous: buf parity: identifiers as buf's lexer reads them. A word starts at a letter of any
//! script and goes on over letters, digits, marks, connectors and format characters (buf's
//! `IsXIDStart` / `IsXIDContinue`), less the format characters it ends in; one with a
//! character past ASCII is an error ("non-ASCII identifiers are not allowed") and is read on as
//! a name all the same. A run of characters past ASCII that start nothing (an emoji, a
//! zero-width space, a byte order mark) or of ASCII characters buf has no token for (`|`, `&`,
//! `^`, `\`, a backquote, control characters) is one error and is then skipped like a space. A `/`
//! between two words joins them into one path (`stri/ng`), as buf's parser reads paths: an
//! error at the `/`, except in an option's value, which buf only looks up.

use logos::{FilterResult, Lexer};
use unicode_general_category::{get_general_category, GeneralCategory as G};

use super::Token;
use crate::error::ParseErrorKind;

/// buf's whitespace past ASCII (Unicode's `Pattern_White_Space`): skipped like a space.
fn is_space_past_ascii(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}')
}

/// The ASCII characters buf's lexer does not recognize (no token of its own): a run of them is
/// one error, then skipped like a space.
pub(super) fn unrecognized_ascii(c: char) -> bool {
    matches!(c, '|' | '`' | '\\' | '^' | '&')
        || (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r'))
}

/// Unicode's `Other_ID_Start`, which buf's identifiers take too.
fn is_other_id_start(c: char) -> bool {
    matches!(c, '\u{1885}' | '\u{1886}' | '\u{2118}' | '\u{212E}' | '\u{309B}' | '\u{309C}')
}

fn is_letter(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
    )
}

/// Whether `c` starts a word for buf (`IsXIDStart`). No `Pattern_Syntax` character is a letter.
pub(crate) fn starts_word(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphabetic()
        || (!c.is_ascii()
            && (is_letter(c)
                || get_general_category(c) == G::LetterNumber
                || is_other_id_start(c)))
}

/// Whether `c` goes on a word for buf (`IsXIDContinue`: format characters too).
pub(crate) fn continues_word(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    if is_space_past_ascii(c) {
        return false;
    }
    starts_word(c)
        || matches!(
            get_general_category(c),
            G::Format
                | G::NonspacingMark
                | G::SpacingMark
                | G::DecimalNumber
                | G::ConnectorPunctuation
        )
}

/// Whether a word may end in `c` (Go's `unicode.IsPrint`: a word's trailing format characters
/// are no part of it).
fn printable(c: char) -> bool {
    get_general_category(c) != G::Format
}

/// The length of the word at the start of `text` (its first character starts one), less the
/// format characters it ends in, unless a string's quote follows them (buf then takes them all
/// as the string's prefix).
pub(crate) fn word_len(text: &str) -> usize {
    let raw = (text.char_indices())
        .find(|&(_, c)| !continues_word(c))
        .map_or(text.len(), |(at, _)| at);
    if text[raw..].starts_with('"') {
        return raw;
    }
    text[..raw].trim_end_matches(|c| !printable(c)).len()
}

/// The `Ident` callback for a word starting with an ASCII letter or `_`.
pub(super) fn ascii_word<'a>(lex: &mut Lexer<'a, Token<'a>>) -> &'a str {
    let rest = lex.remainder();
    let more = word_len(rest);
    lex.bump(more);
    finish_word(lex)
}

/// The callback for a character past ASCII or one of `unrecognized_ascii`: a word, a space,
/// or a run of characters buf does not recognize (one error, then skipped).
pub(super) fn past_ascii<'a>(lex: &mut Lexer<'a, Token<'a>>) -> FilterResult<&'a str, ()> {
    let start = lex.span().start;
    let text = &lex.source()[start..];
    let c = text.chars().next().unwrap_or(' ');
    // buf parity: a byte order mark starting the file is skipped, no error.
    if is_space_past_ascii(c) || (start == 0 && c == '\u{FEFF}') {
        return FilterResult::Skip;
    }
    // `||` and `&&` are tokens to buf (which no statement takes): an invalid token here.
    if text.starts_with("||") || text.starts_with("&&") {
        lex.bump(1);
        return FilterResult::Error(());
    }
    if starts_word(c) {
        lex.bump(word_len(text) - lex.slice().len());
        return FilterResult::Emit(finish_word(lex));
    }
    let run = (text.char_indices())
        .find(|&(_, c)| {
            (c.is_ascii() && !unrecognized_ascii(c)) || is_space_past_ascii(c) || starts_word(c)
        })
        .map_or(text.len(), |(at, _)| at);
    lex.bump(run - lex.slice().len());
    lex.extras.errors.push(ParseErrorKind::BufWord {
        message: "character not recognized: remove it".to_string(),
        span: start..start + run,
    });
    FilterResult::Skip
}

/// The whitespace buf skips between the parts of a path.
fn space_len(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']).len()
}

/// After a word: joins the words after it that a `/` leads to (outside text format), the error
/// at a word past ASCII, and the word's text.
fn finish_word<'a>(lex: &mut Lexer<'a, Token<'a>>) -> &'a str {
    let start = lex.span().start;
    let source = lex.source();
    let mut slashes = Vec::new();
    let mut words = vec![lex.span()];
    while !lex.extras.text_format_mode {
        let rest = lex.remainder();
        let before = space_len(rest);
        let after_slash = &rest[before..];
        if !after_slash.starts_with('/') || after_slash[1..].starts_with(['/', '*']) {
            break;
        }
        let after = before + 1 + space_len(&after_slash[1..]);
        let next = &rest[after..];
        if !next.starts_with(starts_word) {
            break;
        }
        let end = lex.span().end;
        slashes.push(end + before);
        let len = word_len(next);
        words.push(end + after..end + after + len);
        lex.bump(after + len);
    }
    let end = lex.span().end;
    // buf parity: a word followed by a string's quote is that string's prefix (an error of
    // its own, see `string_prefix`), never a word past ASCII.
    if source.as_bytes().get(end) != Some(&b'"') {
        for word in words {
            if !source[word.clone()].is_ascii() {
                lex.extras.errors.push(ParseErrorKind::BufWord {
                    message: "a name takes ASCII letters, digits and '_' only".to_string(),
                    span: word,
                });
            }
        }
    }
    if !slashes.is_empty() && is_a_name(source, start) {
        lex.extras.errors.push(ParseErrorKind::BufWord {
            message: "a name is one word: a '/' joins no parts of it".to_string(),
            span: start..end,
        });
    } else if !slashes.is_empty() && !is_option_value(source, start) {
        for at in slashes {
            lex.extras.errors.push(ParseErrorKind::BufWord {
                message: "'/' in a name: the parts of a name are joined by '.'".to_string(),
                span: at..at + 1,
            });
        }
    }
    &source[start..end]
}

/// Whether the path whose word at `start` joins a `/` is a field's name (a word before it that
/// is no keyword), which buf reports as a qualified name, not at its `/`.
fn is_a_name(source: &str, start: usize) -> bool {
    const BEFORE_A_PATH: &[&str] = &[
        "message", "enum", "service", "package", "rpc", "oneof", "extend", "optional",
        "required", "repeated", "stream", "returns", "option", "import", "group",
    ];
    let before = source[..start].trim_end();
    let word = before.trim_end_matches(continues_word);
    let word = &before[word.len()..];
    !word.is_empty() && !BEFORE_A_PATH.contains(&word)
}

/// Whether the path whose word at `start` joins a `/` is an option's value (an `=` before
/// it), where buf reports the path as not found only.
fn is_option_value(source: &str, start: usize) -> bool {
    let mut before = source[..start].trim_end();
    while let Some(rest) = before.strip_suffix('.') {
        before = rest.trim_end();
        let word = before.trim_end_matches(continues_word);
        if word.len() == before.len() {
            break;
        }
        before = word.trim_end();
    }
    before.ends_with('=')
}

#[cfg(test)]
mod tests {
    use super::{continues_word, starts_word, word_len};

    #[test]
    fn words_past_ascii_are_buf_s() {
        assert!(starts_word('é') && starts_word('日') && starts_word('ñ'));
        assert!(!starts_word('😀') && !starts_word('\u{200B}') && !starts_word('\u{FEFF}'));
        assert!(continues_word('\u{200B}') && continues_word('\u{FEFF}') && continues_word('\u{301}'));
        assert!(!continues_word('😀') && !continues_word('\u{200E}'));
        assert_eq!(word_len("éfoo\"x\""), "éfoo".len());
        assert_eq!(word_len("s\u{200B} = 1"), 1);
        assert_eq!(word_len("u\u{FEFF}v = 3"), "u\u{FEFF}v".len());
        assert_eq!(word_len("t😀"), 1);
        assert_eq!(word_len("t\u{200B}\"x\""), "t\u{200B}".len());
    }
}
