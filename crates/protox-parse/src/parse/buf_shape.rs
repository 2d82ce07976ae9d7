//! sous: buf's errors for a statement the parser cannot take.
//!
//! buf 1.75.0 reads every statement of a body as one generic definition (modifiers, a type, a
//! name, `= value`, `[options]`, then `;`), and only then says which parts are missing or out of
//! place: a field without a name or a number, an option without a value, a second label, a
//! token it cannot take where the `;` should be (the definition ends there and the rest is read
//! as the next one). The parser stops at the first token it cannot take; this module reads the
//! statement again as buf does and gives buf's errors at buf's places. It knows only the shapes
//! of fields, enum values and options made of names, literals and simple `[...]` options: for
//! anything else (a body, parentheses outside options, a declaration keyword) it gives up and
//! the parser's own error stands.

use std::collections::HashSet;

use logos::{Logos, Span};

use crate::{error::ParseErrorKind, lex::Token};

#[path = "buf_compact.rs"]
mod compact;
#[path = "buf_bodies.rs"]
mod bodies;
#[path = "buf_lists.rs"]
mod lists;
#[path = "buf_valueless.rs"]
mod valueless;
pub use bodies::ENUM_VALUE_WITH_A_BODY;
pub(crate) use valueless::nameless_option;
pub use valueless::VALUELESS_MARKER;
pub(crate) use valueless::VALUELESS;

/// The body a statement is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Body {
    File,
    Message,
    Enum,
    Oneof,
    Extend,
    Service,
    /// The `{ ... }` body of an rpc.
    Method,
}

/// Statements of these keywords are not fields, enum values or options: left to the parser.
const DECLARATION_KEYWORDS: &[&str] = &[
    "syntax",
    "edition",
    "package",
    "import",
    "reserved",
    "extensions",
    "message",
    "enum",
    "service",
    "oneof",
    "extend",
    "group",
    "rpc",
    "returns",
];

/// What buf makes of a statement in error.
pub(crate) struct Shaped {
    /// buf's errors for it.
    pub errors: Vec<ParseErrorKind>,
    /// The byte where it ends (after its `;`).
    pub end: usize,
    /// buf parity: buf keeps what it could read of a statement in error (a field `int32 x 1;`
    /// with its number, an option `a 1`) for its later steps: the statement's text with what
    /// buf did not keep blanked and the missing `=` written in, of the same length (so every
    /// byte stays where it was); `None` when buf drops it, or what it keeps is not known here.
    pub repaired: Option<String>,
}

/// buf's errors for the statement that starts at byte `start` of `source`, and the byte where
/// it ends (after its `;`); `None` where buf's reading is not known here.
pub(crate) fn statement(
    source: &str,
    start: usize,
    body: Body,
    orphans: &HashSet<usize>,
    unopened: &HashSet<usize>,
    proto2: bool,
) -> Option<Shaped> {
    // buf parity: a definition followed by a body (see `bodies`).
    let (mut toks, words, braces) = match tokens(source, start) {
        Some((toks, words)) => (toks, words, None),
        None => {
            let (toks, open, close) = bodies::definition(source, start)?;
            (toks, Vec::new(), Some((open, close)))
        }
    };
    let mut unmatched = Vec::new();
    for (tok, span) in &mut toks {
        // buf parity: a bracket buf's lexer leaves unmatched is a token no definition takes.
        if matches!(tok, Some(Token::LeftBracket)) && orphans.contains(&span.start) {
            *tok = None;
            unmatched.push(ParseErrorKind::BufShape {
                message: "'[' is never closed: add the ']'".to_string(),
                span: span.clone(),
            });
        }
        // buf parity: one that closes no bracket is an error of its own, and stays a token.
        if let Some(t @ (Token::RightBracket | Token::RightParen)) = tok {
            if unopened.contains(&span.start) {
                unmatched.push(ParseErrorKind::BufShape {
                    message: format!("'{t}' closes no bracket: remove it"),
                    span: span.clone(),
                });
            }
        }
    }
    // A statement ended by the `}` of its body ends before it.
    let closed = matches!(toks.last()?.0, Some(Token::Semicolon)) && braces.is_none();
    let end = if closed {
        toks.last()?.1.end
    } else {
        toks.last()?.1.start
    };
    // (With a body: the definition's own tokens end before its `{`, where a `;` is written.)
    let end = braces.map_or(end, |(open, _)| open + 1);
    // (In a body, one or two tokens no statement starts with are skipped, see `declarations`.)
    let junk = !matches!(toks.first()?.0, Some(Token::Ident(_) | Token::Dot));
    if junk && body == Body::File {
        return None;
    }
    let mut shaper = Shaper {
        source,
        toks,
        pos: 0,
        repairable: unmatched.is_empty(),
        errors: unmatched,
        body,
        edits: Vec::new(),
        definitions: 0,
        kept: None,
        proto2,
    };
    shaper.declarations()?;
    if let Some((open, close)) = braces {
        shaper.body(start, open, close)?;
    }
    // (Three tokens or more skipped before a definition are no error to buf.)
    if shaper.errors.is_empty() && !junk {
        return None;
    }
    // sous: buf parity: the lexer's errors at the statement's words stay.
    shaper.errors.extend(words);
    let repaired = match shaper.kept {
        Some(kept) if shaper.repairable => {
            // The kept definition's own tokens, edited; the rest of the statement blanked but
            // for its `;` (or, unnumbered, a number and a `;` after them).
            let mut edits: Vec<_> = (shaper.edits.iter())
                .filter(|(span, _)| kept.start <= span.start && span.end <= kept.end)
                .cloned()
                .collect();
            edits.push((start..kept.start, ""));
            if let Some(suffix) = kept.suffix {
                repair(source.get(start..kept.end)?, start, &edits).map(|text| text + suffix)
            } else if closed {
                edits.push((kept.end..end - 1, ""));
                repair(source.get(start..end)?, start, &edits)
            } else if end > kept.end {
                // Ended by the body's `}`: the `;` written after its tokens.
                edits.push((kept.end..end, ";"));
                repair(source.get(start..end)?, start, &edits)
            } else {
                None
            }
        }
        _ => None,
    };
    Some(Shaped {
        errors: shaper.errors,
        end: braces.map_or(end, |(_, close)| close + 1),
        repaired,
    })
}

/// `text` (which starts at byte `start` of the file) with `edits` made: each replaces the
/// bytes of its span with its text padded with spaces.
fn repair(text: &str, start: usize, edits: &[(Span, &str)]) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    for (span, with) in edits {
        let range = bytes.get_mut(span.start.checked_sub(start)?..span.end.checked_sub(start)?)?;
        if with.len() > range.len() {
            return None;
        }
        range.fill(b' ');
        range[..with.len()].copy_from_slice(with.as_bytes());
    }
    String::from_utf8(bytes).ok()
}

/// The tokens from `start` up to and including the first `;` (or a `}`, buf parity: which
/// ends the definition before it, see `Shaper::definition`); a character the lexer refuses is
/// `None`. No statement with a block: `None` at a `{` or at the end of the file. With the
/// lexer's errors at its words (`ParseErrorKind::BufWord`).
#[allow(clippy::type_complexity)]
fn tokens(
    source: &str,
    start: usize,
) -> Option<(Vec<(Option<Token<'_>>, Span)>, Vec<ParseErrorKind>)> {
    let mut offset = start;
    let mut found = Vec::new();
    let mut lexer = Token::lexer(source.get(start..)?);
    let mut toks = Vec::new();
    while let Some(tok) = lexer.next() {
        let span = lexer.span().start + offset..lexer.span().end + offset;
        match tok {
            Ok(Token::Newline | Token::LineComment(_) | Token::BlockComment(_)) => {}
            Ok(Token::LeftBrace) => {
                let Some(close) = bodies::aggregate(source, &toks, span.start) else {
                    return None;
                };
                // (A string stands in for it: a value that is no integer.)
                toks.push((
                    Some(Token::StringLiteral(std::borrow::Cow::Borrowed(b""))),
                    span.start..close + 1,
                ));
                found.extend(words(std::mem::take(&mut lexer.extras.errors), offset));
                offset = close + 1;
                lexer = Token::lexer(source.get(offset..)?);
            }
            Ok(Token::RightBrace) => {
                toks.push((Some(Token::RightBrace), span));
                found.extend(words(lexer.extras.errors, offset));
                return Some((toks, found));
            }
            Ok(Token::Semicolon) => {
                toks.push((Some(Token::Semicolon), span));
                found.extend(words(lexer.extras.errors, offset));
                return Some((toks, found));
            }
            Ok(tok) => toks.push((Some(tok), span)),
            Err(()) => toks.push((None, span)),
        }
    }
    None
}

/// The lexer's errors at words among `errors`, placed in the file (`start` is where the lexer
/// started).
fn words(errors: Vec<ParseErrorKind>, start: usize) -> Vec<ParseErrorKind> {
    (errors.into_iter())
        .filter_map(|e| match e {
            ParseErrorKind::BufWord { message, span } => Some(ParseErrorKind::BufWord {
                message,
                span: span.start + start..span.end + start,
            }),
            _ => None,
        })
        .collect()
}

/// What buf's value of a definition was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    Int,
    Other,
}

struct Shaper<'a> {
    source: &'a str,
    toks: Vec<(Option<Token<'a>>, Span)>,
    pos: usize,
    errors: Vec<ParseErrorKind>,
    body: Body,
    /// The changes that make the statement what buf keeps of it (see `Shaped::repaired`).
    edits: Vec<(Span, &'static str)>,
    /// Whether `edits` can make it so.
    repairable: bool,
    /// How many definitions the statement has.
    definitions: usize,
    /// The first of its definitions that buf keeps.
    kept: Option<Kept>,
    /// Whether the file is proto2 (a field needs a label).
    proto2: bool,
}

/// A definition buf keeps: where it starts and where its own tokens end (a field without a
/// number: its name, see `UNNUMBERED`).
#[derive(Clone, Copy)]
struct Kept {
    start: usize,
    end: usize,
    /// What the parser reads after its own tokens, for what it lacks: `UNNUMBERED` or
    /// `VALUELESS`.
    suffix: Option<&'static str>,
}

/// What a field buf keeps without a number is given in its repaired text: a number the
/// parser then replaces with one of its own (see `Parser::reparse_field`).
pub(crate) const UNNUMBERED: &str = " = 536870911;";

impl<'a> Shaper<'a> {
    fn peek(&self) -> Option<&Option<Token<'a>>> {
        self.toks.get(self.pos).map(|(tok, _)| tok)
    }

    fn span(&self, at: usize) -> Span {
        self.toks
            .get(at)
            .or(self.toks.last())
            .map(|(_, span)| span.clone())
            .unwrap_or(0..0)
    }

    fn error(&mut self, message: String, span: Span) {
        self.errors.push(ParseErrorKind::BufShape { message, span });
    }

    fn is(&self, tok: &Token) -> bool {
        matches!(self.peek(), Some(Some(t)) if t == tok)
    }

    fn can_start_path(&self) -> bool {
        matches!(
            self.peek(),
            Some(Some(Token::Ident(_) | Token::Dot | Token::LeftParen))
        )
    }

    fn can_start_expr(&self) -> bool {
        matches!(
            self.peek(),
            Some(Some(
                Token::IntLiteral(_)
                    | Token::FloatLiteral(_)
                    | Token::StringLiteral(_)
                    | Token::Minus
            ))
        )
    }

    /// The statement's declarations: buf skips (and names) up to two tokens no declaration
    /// starts with, reads the definition that follows, and goes on after it.
    fn declarations(&mut self) -> Option<()> {
        while self.pos < self.toks.len() {
            if self.is(&Token::RightBrace) {
                break;
            }
            let first = self.pos;
            let mut skipped = 0;
            while self.pos < self.toks.len()
                && !matches!(
                    self.peek(),
                    Some(Some(
                        Token::Ident(_) | Token::Dot | Token::Semicolon | Token::RightBrace
                    ))
                )
            {
                // buf parity: a `[...]` is one token to buf's lexer.
                self.pos = match self.peek() {
                    Some(Some(Token::LeftBracket)) => self.bracket_close(self.pos)?,
                    _ => self.pos,
                } + 1;
                skipped += 1;
            }
            // buf parity: one or two such tokens are an error at the first, three or more none.
            if matches!(skipped, 1 | 2) {
                let what = describe(&self.toks[first].0);
                let place = match self.body {
                    Body::File => "at file scope",
                    Body::Message => "in a message body",
                    Body::Enum => "in an enum body",
                    Body::Oneof => "in a oneof body",
                    Body::Extend => "in an extend body",
                    Body::Service => "in a service body",
                    Body::Method => "in an rpc body",
                };
                self.error(
                    format!("unexpected {what} {place}: remove it"),
                    self.span(first),
                );
            }
            if self.pos >= self.toks.len() {
                break;
            }
            if self.is(&Token::Semicolon) {
                self.pos += 1;
                continue;
            }
            self.definitions += 1;
            self.definition()?;
        }
        Some(())
    }

    /// A path (`a.b`, `.a.b`): its span, its parts and whether it is absolute. Parentheses
    /// only where `options` says so.
    fn path(&mut self, parens: bool) -> Option<(Span, Vec<&'a str>, bool)> {
        let start = self.span(self.pos);
        let mut parts = Vec::new();
        let absolute = self.is(&Token::Dot);
        let mut end = start.clone();
        // buf parity: buf's paths take a `/` between their parts too (`a/b`, as after half a
        // comment was deleted).
        loop {
            if self.is(&Token::Dot) || (!parts.is_empty() && self.is(&Token::ForwardSlash)) {
                self.pos += 1;
            } else if !parts.is_empty() {
                break;
            }
            match self.peek() {
                Some(Some(Token::Ident(name))) => {
                    parts.push(*name);
                    end = self.span(self.pos);
                    self.pos += 1;
                }
                Some(Some(Token::LeftParen)) if parens => {
                    self.pos += 1;
                    let (_, inner, _) = self.path(false)?;
                    if !self.is(&Token::RightParen) {
                        return None;
                    }
                    end = self.span(self.pos);
                    self.pos += 1;
                    parts.extend(inner);
                }
                _ => return None,
            }
            if !self.is(&Token::Dot) && !self.is(&Token::ForwardSlash) {
                break;
            }
        }
        Some((start.start..end.end, parts, absolute))
    }

    /// Whether the path at `span` has a `/` between its parts.
    fn slashed(&self, span: &Span) -> bool {
        self.source.get(span.clone()).is_some_and(|text| text.contains('/'))
    }

    /// One definition, read as buf reads it, and its errors.
    fn definition(&mut self) -> Option<()> {
        let start = self.span(self.pos).start;
        // Modifiers, then the type (buf's parseTypeAndPath).
        let mut mods: Vec<(Span, &str)> = Vec::new();
        let mut ty: Option<(Span, Vec<&str>)> = None;
        while ty.is_none() && self.can_start_path() {
            if self.is(&Token::LeftParen) {
                return None;
            }
            let (span, parts, absolute) = self.path(false)?;
            if absolute {
                ty = Some((span, parts));
                break;
            }
            let first = parts[0];
            let is_mod = matches!(first, "optional" | "required" | "repeated")
                || (matches!(first, "export" | "local" | "stream") && parts.len() == 1);
            if is_mod {
                if parts.len() > 1 {
                    return None;
                }
                mods.push((span, first));
            } else {
                ty = Some((span, parts));
            }
        }
        let ty = match ty {
            Some(ty) => ty,
            None => {
                let (span, word) = mods.pop()?;
                (span, vec![word])
            }
        };
        // (A `/` in a type or modifier: not known here.)
        if mods.iter().chain([&(ty.0.clone(), "")]).any(|(span, _)| self.slashed(span)) {
            return None;
        }
        let mut generic = false;
        if self.is(&Token::LeftAngleBracket) {
            if ty.1 != ["map"] || !mods.is_empty() {
                return None;
            }
            self.pos += 1;
            self.path(false)?;
            if !self.is(&Token::Comma) {
                return None;
            }
            self.pos += 1;
            self.path(false)?;
            if !self.is(&Token::RightAngleBracket) {
                return None;
            }
            self.pos += 1;
            generic = true;
        }
        // buf parity: a keyword with a `;` right after it (`message;`) is a definition, a field
        // without a name or number.
        let alone = mods.is_empty()
            && matches!(self.peek(), Some(Some(Token::Semicolon)))
            && self.source.as_bytes().get(self.span(self.pos).start) == Some(&b';');
        if ty.1.len() == 1 && DECLARATION_KEYWORDS.contains(&ty.1[0]) && !alone {
            return None;
        }
        // The name, or, with none and a modifier left, buf takes the last modifier as the type
        // and the type as the name (`optional int32 = 1` is a field `int32` of type `optional`).
        let mut name = None;
        let mut popped = false;
        // An option's name may have parentheses (`option (a.b).c`), no other.
        let mut option = mods.is_empty() && !generic && ty.1 == ["option"];
        if self.can_start_path() {
            if self.is(&Token::LeftParen) && !option {
                return None;
            }
            name = Some(self.path(option)?);
            if option && matches!(self.peek(), Some(Some(Token::Ident(_) | Token::Dot))) {
                // buf parity: `option A B` is a field `B` of type `A` with a modifier `option`.
                let (span, parts, _) = name.take()?;
                let _ = &parts;
                if parts.len() != 1 || self.source.get(span.clone())?.contains('(') {
                    return None;
                }
                // (`A` the type, not read further.)
                mods.push((ty.0.clone(), "option"));
                name = Some(self.path(false)?);
                option = false;
            }
        } else if !generic && !mods.is_empty() {
            // (The type becomes the last modifier: no option, whose type is `option`.)
            name = Some((ty.0.clone(), ty.1.clone(), false));
            mods.pop()?;
            popped = true;
        }

        // (A `/` in an option's or an enum value's name: not known here.)
        if (option || self.body == Body::Enum)
            && name.as_ref().is_some_and(|(span, _, _)| self.slashed(span))
        {
            return None;
        }

        // What follows: `= value` and `[options]`, each once and in this order.
        let mut value = None;
        let mut value_span = 0..0;
        let mut options = false;
        let mut last = 0;
        let mut tried_value = false;
        loop {
            let follower = if self.is(&Token::Equals) {
                2
            } else if self.can_start_path() {
                break;
            } else if self.is(&Token::LeftBracket) {
                3
            } else if self.can_start_expr() && value.is_none() && !options {
                2
            } else {
                break;
            };
            if follower == 2 && last >= 2 && self.is(&Token::Equals) {
                // buf parity: a second `= value`, or one after the options, is one error at
                // its `=`; the definition keeps its first value, and goes on.
                let at = self.pos;
                let message = if last == 3 {
                    "a number after the options: write it before them"
                } else {
                    "a second number: remove it"
                };
                self.error(message.to_string(), self.span(at));
                self.pos += 1;
                self.expr()?;
                self.blank(at, self.pos - 1);
                continue;
            }
            // buf parity: a second options list, or one after an option's value.
            if follower == 3 && (options || option) {
                self.list_not_taken(if options {
                    "a second options list: merge it into the first"
                } else {
                    "an option statement takes no options list: remove it"
                })?;
                continue;
            }
            if follower <= last {
                return None;
            }
            let taken = if follower == 2 {
                tried_value = true;
                let first = self.pos;
                let v = self.value()?;
                value = v;
                if v.is_some() {
                    // The value's own span: after the `=` (or from the first token).
                    let from = if self.toks[first].0 == Some(Token::Equals) {
                        first + 1
                    } else {
                        first
                    };
                    value_span = self.span(from).start..self.span(self.pos - 1).end;
                }
                v.is_some()
            } else {
                self.options()?;
                options = true;
                true
            };
            if taken {
                last = follower;
            }
        }
        // Where the definition's own tokens end (before a `;` or a token it cannot take).
        let own_end = self.span(self.pos.saturating_sub(1)).end.max(start);
        let end = match self.peek() {
            Some(Some(Token::Semicolon)) => {
                self.pos += 1;
                self.span(self.pos - 1).end
            }
            Some(found) => {
                let what = describe(found);
                let span = self.span(self.pos);
                self.error(
                    format!("unexpected {what} after a definition: a ';' is missing before it"),
                    span.clone(),
                );
                self.span(self.pos.saturating_sub(1)).end.max(start)
            }
            None => return None,
        };
        let whole = start..end;

        if option {
            // buf parity: with no name, only the name is missing; in an enum, a lone `option`
            // is a value named `option` without a number.
            if name.is_none() && value.is_none() && self.body == Body::Enum && !options {
                self.error(
                    "enum value without a number: write `NAME = NUMBER;`".to_string(),
                    whole,
                );
            } else if name.is_none() {
                self.error(
                    "option without a name: write `option NAME = VALUE;`".to_string(),
                    whole,
                );
            } else if value.is_none() {
                self.error(
                    "option without a value: write `option NAME = VALUE;`".to_string(),
                    whole,
                );
                self.unknown_option(name.as_ref());
                self.keep_valueless(name.as_ref(), start, own_end);
            }
            if name.is_some() && value.is_some() {
                self.keep(start, own_end, false);
            }
            return Some(());
        }
        // buf parity: a definition with a name in an enum is a field, in error there.
        let body = if self.body == Body::Enum && name.is_some() {
            Body::Service
        } else {
            self.body
        };
        match body {
            Body::Enum => {
                if !mods.is_empty() || generic {
                    return None;
                }
                match value {
                    None => self.error(
                        "enum value without a number: write `NAME = NUMBER;`".to_string(),
                        whole,
                    ),
                    Some(Value::Int) => self.keep(start, own_end, false),
                    Some(Value::Other) => self.not_a_number(value_span),
                }
            }
            Body::Message | Body::File | Body::Oneof | Body::Extend | Body::Service | Body::Method => {
                // buf parity: `optional int32 = 1` is no syntax error to buf (a field named
                // `int32` of a type `optional` it then does not find).
                if popped || mods.len() > 2 {
                    return None;
                }
                // buf parity: a qualified field name is an error at it, and buf drops the field.
                let qualified = name.as_ref().is_some_and(|(_, parts, abs)| parts.len() > 1 || *abs);
                if let Some((span, _, _)) = name.as_ref().filter(|_| qualified) {
                    self.error(
                        "a field name is a single identifier: remove the '.'".to_string(),
                        span.clone(),
                    );
                }
                if let Some((name, _, _)) = name.as_ref().filter(|_| !qualified) {
                    if self.keeps_fields() && value == Some(Value::Int) && mods.len() <= 1 {
                        self.keep(start, own_end, false);
                    }
                    // buf parity: buf keeps a field without a number too (it resolves its
                    // type), and its options.
                    if matches!(self.body, Body::Message | Body::Oneof)
                        && !tried_value
                        && mods.len() <= 1
                    {
                        self.keep(start, if options { own_end } else { name.end }, true);
                    }
                    if self.body == Body::Enum && value == Some(Value::Int) && !generic {
                        // buf parity: buf keeps it as an enum value of the field's name.
                        self.edits.push((start..name.start, ""));
                        self.keep(start, own_end, false);
                    }
                }
                if let Some((span, "option")) = mods.first() {
                    if self.body == Body::Enum || mods.len() > 1 {
                        return None;
                    }
                    self.error(
                        "'option' is no field label: remove it, or write `option NAME = VALUE;`"
                            .to_string(),
                        span.clone(),
                    );
                    self.edits.push((span.clone(), ""));
                }
                if let Some((span, _)) = mods.get(1) {
                    self.error(
                        "a field takes one label: remove the second".to_string(),
                        span.clone(),
                    );
                }
                if name.is_none() {
                    self.error(
                        "field without a name: write `TYPE NAME = NUMBER;`".to_string(),
                        whole.clone(),
                    );
                }
                match value {
                    None => self.error(
                        "field without a number: write `TYPE NAME = NUMBER;`".to_string(),
                        whole.clone(),
                    ),
                    // buf keeps a field with a name in a message (and checks its number later),
                    // not one without, nor one at file scope.
                    Some(Value::Other)
                        if name.is_some() && (self.keeps_fields() || self.body == Body::Enum) =>
                    {
                        self.not_a_number(value_span)
                    }
                    Some(_) => {}
                }
                match body {
                    Body::File => {
                        self.error(
                            "a field outside of a message: move it into a message or an extend block"
                                .to_string(),
                            whole,
                        );
                        // buf parity: in proto2 (the syntax of a file without a `syntax`
                        // line, such as one with junk before it), buf reports the missing label
                        // too, at the type.
                        if self.proto2 && mods.is_empty() && !generic && name.is_some() {
                            self.error(
                                "a proto2 field needs a label: write `optional`, `required` or `repeated` before its type"
                                    .to_string(),
                                ty.0.clone(),
                            );
                        }
                    }
                    // buf parity: a field in a service or rpc body is an error at the whole
                    // definition, past those of its parts.
                    Body::Service if self.body == Body::Enum => self.error(
                        "a field in an enum: move it into a message".to_string(),
                        whole,
                    ),
                    Body::Service => self.error(
                        "a field in a service: move it into a message".to_string(),
                        whole,
                    ),
                    Body::Method => self.error(
                        "a field in an rpc body: move it into a message".to_string(),
                        whole,
                    ),
                    _ => {}
                }
            }
        }
        Some(())
    }

    /// Writes the `=` missing before token `at` into the space before it (see
    /// `Shaped::repaired`); with no space there, the statement is not repaired.
    fn equals_before(&mut self, at: usize) {
        self.write_before(at, "=");
    }

    /// Writes `what` (one byte) into the space before token `at`; with no space there, the
    /// statement is not repaired.
    fn write_before(&mut self, at: usize, what: &'static str) {
        let start = self.span(at).start;
        match start.checked_sub(1).map(|i| self.source.as_bytes()[i]) {
            Some(b' ' | b'\t') => self.edits.push((start - 1..start, what)),
            _ => self.repairable = false,
        }
    }

    /// Blanks tokens `from..=to` (see `Shaped::repaired`).
    fn blank(&mut self, from: usize, to: usize) {
        let span = self.span(from).start..self.span(to).end;
        self.edits.push((span, ""));
    }

    /// buf parity: buf keeps an option statement without a value and reports its name if no
    /// field of its options message has it; sous knows the names of descriptor.proto's
    /// options (an extension's name it cannot look up here).
    fn unknown_option(&mut self, name: Option<&(Span, Vec<&str>, bool)>) {
        let Some((span, parts, false)) = name else {
            return;
        };
        let (Some(first), Some((message, fields))) =
            (parts.first(), super::builtin_options::of(self.body))
        else {
            return;
        };
        if self.source.get(span.start..span.start + first.len()) != Some(*first)
            || fields.contains(first)
            || valueless::nameless_option(self.source)
        {
            return;
        }
        self.error(
            format!("no option '{first}' in google.protobuf.{message}: check its name"),
            span.start..span.start + first.len(),
        );
    }

    /// Keeps the definition from byte `start` to `end`, if none is kept yet.
    fn keep(&mut self, start: usize, end: usize, unnumbered: bool) {
        self.kept.get_or_insert(Kept {
            start,
            end,
            suffix: unnumbered.then_some(UNNUMBERED),
        });
    }

    /// Whether buf keeps a field of this body (with a name) for its later steps.
    fn keeps_fields(&self) -> bool {
        matches!(self.body, Body::Message | Body::Oneof | Body::Extend)
    }

    /// buf parity: a number that is no integer is an error at it (of a later step to buf, which
    /// keeps the definition).
    fn not_a_number(&mut self, span: Span) {
        self.error(
            "a number must be an integer: write one where this is".to_string(),
            span,
        );
    }

    /// `= value`: its kind, or, with no value (an error at what is there instead), nothing.
    fn value(&mut self) -> Option<Option<Value>> {
        if self.is(&Token::Equals) {
            self.pos += 1;
        } else {
            let what = describe(self.peek()?);
            self.error(
                format!("unexpected {what} in a definition: a '=' is missing before it"),
                self.span(self.pos),
            );
            self.equals_before(self.pos);
        }
        Some(self.expr())
    }

    /// A value: an integer, or any other literal or name; at a `;`, an error and nothing.
    fn expr(&mut self) -> Option<Value> {
        match self.peek()? {
            Some(Token::Semicolon) => {
                self.error(
                    "unexpected ';' in a definition: a value is missing before it".to_string(),
                    self.span(self.pos),
                );
                None
            }
            Some(Token::IntLiteral(_)) => {
                self.pos += 1;
                Some(Value::Int)
            }
            Some(Token::Minus) => {
                self.pos += 1;
                match self.peek()? {
                    Some(Token::IntLiteral(_)) => {
                        self.pos += 1;
                        Some(Value::Int)
                    }
                    Some(Token::FloatLiteral(_) | Token::Ident(_)) => {
                        self.pos += 1;
                        Some(Value::Other)
                    }
                    _ => None,
                }
            }
            Some(Token::FloatLiteral(_)) => {
                self.pos += 1;
                Some(Value::Other)
            }
            Some(Token::StringLiteral(_)) => {
                while matches!(self.peek(), Some(Some(Token::StringLiteral(_)))) {
                    self.pos += 1;
                }
                Some(Value::Other)
            }
            Some(Token::Ident(_) | Token::Dot) => {
                self.path(false)?;
                Some(Value::Other)
            }
            _ => None,
        }
    }

    /// `[options]`: the errors of an empty list, of its only option without `=` or without a
    /// value; a list of several options must be valid (`None` otherwise).
    fn options(&mut self) -> Option<()> {
        let open = self.pos;
        let mut depth = 0usize;
        let mut close = None;
        for (i, (tok, _)) in self.toks.iter().enumerate().skip(open) {
            match tok {
                Some(Token::LeftBracket) => depth += 1,
                Some(Token::RightBracket) => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close?;
        let empty = |s: &mut Self| {
            s.error(
                "empty options: remove the '[]' or set an option in it".to_string(),
                s.span(open).start..s.span(close).end,
            )
        };
        if close == open + 1 {
            empty(self);
            self.blank(open, close);
            self.pos = close + 1;
            return Some(());
        }
        let several = self.toks[open + 1..close]
            .iter()
            .any(|(tok, _)| matches!(tok, Some(Token::Comma)));
        self.pos = open + 1;
        if several {
            return self.several_options(open, close);
        }
        self.path(true)?;
        let mut valueless = self.pos == close;
        if !valueless {
            if self.is(&Token::Equals) {
                self.pos += 1;
                valueless = self.pos == close;
            } else if self.is(&Token::Colon) {
                return None;
            } else {
                let what = describe(self.peek()?);
                self.error(
                    format!("unexpected {what} in options: a '=' is missing before it"),
                    self.span(self.pos),
                );
                self.equals_before(self.pos);
            }
        }
        if valueless {
            empty(self);
            self.blank(open, close);
            self.error(
                "option without a value: write `[NAME = VALUE]`".to_string(),
                self.span(close),
            );
        } else {
            self.expr()?;
            if self.pos != close {
                return None;
            }
        }
        self.pos = close + 1;
        Some(())
    }
}

/// A token as an error names it.
fn describe(tok: &Option<Token>) -> String {
    match tok {
        None => "character (or unmatched '[')".to_string(),
        Some(Token::Ident(name)) => format!("identifier '{name}'"),
        Some(Token::IntLiteral(_)) => "integer".to_string(),
        Some(Token::FloatLiteral(_)) => "number".to_string(),
        Some(Token::StringLiteral(_)) => "string".to_string(),
        Some(tok) => format!("'{tok}'"),
    }
}

/// The byte offsets of the brackets buf 1.75.0's lexer leaves unmatched and unpaired (its
/// `fuseBraces`: an opening bracket closed by the wrong kind, where the one before it matches,
/// or a closing one that matches none); brackets still open at the end of the file are paired
/// with its end, so they are not among them. None in a file with a string not closed on its
/// line.
pub(crate) fn orphan_brackets(source: &str) -> HashSet<usize> {
    fuse_brackets(source).map(|(orphans, _, _)| orphans).unwrap_or_default()
}

/// The byte offsets of the closing brackets buf's lexer finds with no bracket open at all
/// (each an error of its own, "unmatched", and a token all the same), and of the `{`s it
/// reports unmatched when a bracket of another kind comes before their `}`.
pub(crate) fn unopened_brackets(source: &str) -> HashSet<usize> {
    fuse_brackets(source).map(|(_, _, unopened)| unopened).unwrap_or_default()
}

/// The brackets of `source` still open at its end, as buf's lexer matches them: (kind, byte).
pub(crate) fn open_brackets(source: &str) -> Vec<(u8, usize)> {
    fuse_brackets(source).map(|(_, opens, _)| opens).unwrap_or_default()
}

/// buf's `fuseBraces` over `source`: the unmatched brackets and those still open at its end;
/// `None` past a string not closed on its line.
#[allow(clippy::type_complexity)]
fn fuse_brackets(source: &str) -> Option<(HashSet<usize>, Vec<(u8, usize)>, HashSet<usize>)> {
    fn open_of(tok: &Token) -> Option<(bool, u8)> {
        match tok {
            Token::LeftParen => Some((true, b'(')),
            Token::LeftBracket => Some((true, b'[')),
            Token::LeftBrace => Some((true, b'{')),
            Token::RightParen => Some((false, b'(')),
            Token::RightBracket => Some((false, b'[')),
            Token::RightBrace => Some((false, b'{')),
            _ => None,
        }
    }
    let mut lexer = Token::lexer(source).spanned();
    let braces: Vec<(bool, u8, usize)> = lexer
        .by_ref()
        .filter_map(|(tok, span)| {
            let (open, kind) = open_of(tok.as_ref().ok()?)?;
            Some((open, kind, span.start))
        })
        .collect();
    // Past a string that runs on to the end of the file, the lexer reports the brackets still
    // open itself.
    if lexer.extras.string_to_eof {
        return None;
    }
    let mut orphans = HashSet::new();
    let mut unopened = HashSet::new();
    let mut opens: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < braces.len() {
        let (open, kind, at) = braces[i];
        i += 1;
        if open {
            opens.push((kind, at));
            continue;
        }
        let Some(&(t1, t1_at)) = opens.last() else {
            orphans.insert(at);
            unopened.insert(at);
            continue;
        };
        if t1 == kind {
            opens.pop();
            continue;
        }
        let t0 = opens.len().checked_sub(2).map(|j| opens[j].0);
        let t3 = braces.get(i).copied();
        let left = t0 == Some(kind);
        // The next bracket closes t1 (and is no opening one).
        let right = t3.is_some_and(|(o, k, _)| !o && k == t1);
        if left {
            orphans.insert(t1_at);
            opens.truncate(opens.len() - 2);
            if right {
                i += 1;
            }
        } else if right {
            orphans.insert(at);
            // buf parity: buf reports the `{` (not the bracket that broke the pair).
            if t1 == b'{' {
                unopened.insert(t1_at);
            }
            opens.pop();
            i += 1;
        } else {
            orphans.insert(at);
        }
    }
    Some((orphans, opens, unopened))
}
