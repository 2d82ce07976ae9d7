//! sous: a `{ ... }` body after a field, an enum value or an option (`int32 a = 1 { ... }`),
//! as buf 1.75.0 reads it (found by running it on each shape): the body belongs to the
//! definition, which ends at its `}` (its braces matched as the lexer matches them, so a body
//! left open takes the `}` of the block around it). The body is one error over its braces, and
//! each declaration in it an error at its start ("unexpected ... within ..."; a definition in
//! it also when it has no name or no number, a body of its own with its own declarations; the
//! contents of a `message`, `enum`, `oneof`, `service` or `extend` block in it are not read).
//! The definition before it is read as any other (`Shaper`), and kept as buf keeps it; an enum
//! value with a body is no enum value to buf but a field without a name in an enum, and is
//! dropped.

use logos::{Logos, Span};

use super::{Body, Shaper};
use crate::{error::ParseErrorKind, lex::Token};

/// The error of an enum value with a body.
pub const ENUM_VALUE_WITH_A_BODY: &str = "enum value with a body: remove the braces";

type Toks<'a> = Vec<(Option<Token<'a>>, Span)>;

/// The tokens of the definition that starts at `start` and is followed by a body, with a `;`
/// standing in for the body's `{` (over it), and the body's `{` and `}` (bytes); `None` when
/// the statement has no body, or its body is not closed.
pub(super) fn definition(source: &str, start: usize) -> Option<(Toks<'_>, usize, usize)> {
    let mut offset = start;
    let mut lexer = Token::lexer(source.get(start..)?);
    let mut toks = Vec::new();
    let open = loop {
        let tok = lexer.next()?;
        let span = lexer.span().start + offset..lexer.span().end + offset;
        match tok {
            Ok(Token::Newline | Token::LineComment(_) | Token::BlockComment(_)) => {}
            // After a `=`: an aggregate value (an option's), read as one value (a string stands
            // in for it).
            Ok(Token::LeftBrace) if matches!(toks.last(), Some((Some(Token::Equals), _))) => {
                let close = matching(source, span.start)?;
                toks.push((
                    Some(Token::StringLiteral(std::borrow::Cow::Borrowed(b""))),
                    span.start..close + 1,
                ));
                offset = close + 1;
                lexer = Token::lexer(source.get(offset..)?);
            }
            Ok(Token::LeftBrace) => break span.start,
            Ok(Token::Semicolon | Token::RightBrace) => return None,
            Ok(tok) => toks.push((Some(tok), span)),
            Err(()) => toks.push((None, span)),
        }
    };
    toks.push((Some(Token::Semicolon), open..open + 1));
    let close = matching(source, open)?;
    Some((toks, open, close))
}

/// buf parity: the `}` of an option's aggregate value (`option (a) = { b: 1 }`) whose `{` is
/// at byte `open`, read as one value (`toks` are the statement's tokens before it).
pub(super) fn aggregate(source: &str, toks: &Toks, open: usize) -> Option<usize> {
    let option = matches!(toks.first(), Some((Some(Token::Ident("option")), _)));
    let after_equals = matches!(toks.last(), Some((Some(Token::Equals), _)));
    if !(option && after_equals) {
        return None;
    }
    matching(source, open)
}

impl Shaper<'_> {
    /// The errors of the body from `open` to `close` after the definition (read) that starts at
    /// `start`: `None` for a statement of several definitions.
    pub(super) fn body(&mut self, start: usize, open: usize, close: usize) -> Option<()> {
        let option = matches!(self.toks.first(), Some((Some(Token::Ident("option")), _)));
        if self.definitions != 1 {
            return None;
        }
        if self.body == Body::Enum && !option {
            // buf parity: no enum value, but a field without a name, in an enum.
            self.errors = vec![
                error(ENUM_VALUE_WITH_A_BODY.to_string(), start..close + 1),
                error(
                    "a field in an enum: move it into a message".to_string(),
                    start..close + 1,
                ),
            ];
            self.kept = None;
        }
        let what = if option { "option" } else { "field" };
        let more = body_errors(self.source, open, close, what, self.proto2);
        self.errors.extend(more);
        Some(())
    }
}

/// The `}` that closes the `{` at byte `open`.
fn matching(source: &str, open: usize) -> Option<usize> {
    let mut lexer = Token::lexer(source.get(open..)?);
    let mut depth = 0usize;
    while let Some(tok) = lexer.next() {
        match tok {
            Ok(Token::LeftBrace) => depth += 1,
            Ok(Token::RightBrace) => {
                depth -= 1;
                if depth == 0 {
                    return Some(lexer.span().start + open);
                }
            }
            _ => {}
        }
    }
    None
}

fn error(message: String, span: Span) -> ParseErrorKind {
    ParseErrorKind::BufShape { message, span }
}

/// The errors of the body from `open` to `close` (its braces) of a definition of kind `what`
/// ("field", "option", ...): one over it, and those of its declarations.
pub(super) fn body_errors(
    source: &str,
    open: usize,
    close: usize,
    what: &str,
    proto2: bool,
) -> Vec<ParseErrorKind> {
    let mut errors = vec![error(
        format!("{} takes no body: remove the braces and what is in them", article(what)),
        open..close + 1,
    )];
    let toks: Toks = Token::lexer(&source[open + 1..close])
        .spanned()
        .filter(|(tok, _)| {
            !matches!(
                tok,
                Ok(Token::Newline | Token::LineComment(_) | Token::BlockComment(_))
            )
        })
        .map(|(tok, span)| (tok.ok(), span.start + open + 1..span.end + open + 1))
        .collect();
    let mut i = 0;
    while i < toks.len() {
        if matches!(toks[i].0, Some(Token::Semicolon)) {
            i += 1;
            continue;
        }
        let first = i;
        let keyword = match &toks[i].0 {
            Some(Token::Ident(word)) => *word,
            _ => "",
        };
        // To the `;` or the block's `}` of the declaration.
        let mut depth = 0usize;
        let mut inner = None;
        let mut end = toks.len() - 1;
        let mut value = false;
        let mut words = 0;
        let mut after_dot = false;
        while i < toks.len() {
            match &toks[i].0 {
                Some(Token::Semicolon) if depth == 0 => {
                    end = i;
                    break;
                }
                Some(Token::LeftBrace) => {
                    if depth == 0 {
                        inner = Some(i);
                    }
                    depth += 1;
                }
                Some(Token::RightBrace) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                Some(Token::Equals) if depth == 0 && inner.is_none() => value = true,
                Some(Token::Ident(word)) if depth == 0 && inner.is_none() && !value => {
                    // A path is one word; a label before a type is none.
                    if !after_dot && !matches!(*word, "optional" | "required" | "repeated") {
                        words += 1;
                    }
                    after_dot = false;
                    i += 1;
                    continue;
                }
                Some(Token::Dot) if depth == 0 => {
                    after_dot = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            after_dot = false;
            i += 1;
        }
        let at = toks[first].1.start..toks[end].1.end;
        // (A keyword with a `;` right after it is a field.)
        let alone = end == first + 1 && matches!(toks[end].0, Some(Token::Semicolon));
        let labelled = matches!(keyword, "optional" | "required" | "repeated");
        let kind = match keyword {
            _ if alone => None,
            "message" => Some("message"),
            "enum" => Some("enum"),
            "oneof" => Some("oneof"),
            "service" => Some("service"),
            "extend" => Some("extend block"),
            "option" => Some("option"),
            "reserved" => Some("reserved range"),
            "extensions" => Some("extension range"),
            _ => None,
        };
        errors.push(error(
            format!(
                "{} in the body of {}: remove it, or move it out of the braces",
                article(kind.unwrap_or("field")),
                article(what)
            ),
            at.clone(),
        ));
        if kind.is_none() {
            if !value {
                errors.push(error(
                    "field without a number: write `TYPE NAME = NUMBER;`".to_string(),
                    at.clone(),
                ));
            }
            if words < 2 {
                errors.push(error(
                    "field without a name: write `TYPE NAME = NUMBER;`".to_string(),
                    at.clone(),
                ));
            }
            // buf parity: in proto2, a field there without a label is an error at its type.
            if proto2 && !labelled {
                errors.push(error(
                    "a proto2 field needs a label: write `optional`, `required` or `repeated` before its type"
                        .to_string(),
                    toks[first].1.clone(),
                ));
            }
            if let Some(open) = inner {
                let (o, c) = (toks[open].1.start, toks[end].1.start);
                errors.extend(body_errors(source, o, c, "field", proto2));
            }
        }
        i = end + 1;
    }
    errors
}

/// `what` with its article.
fn article(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}
