//! sous: buf parity: a run of tokens at file scope that start no statement, after a stray `}`.
//! buf's parser collects the tokens up to the next one that can start a declaration (a word, a
//! `.`, `/`, `(`, `;` or `{`) and reports one error at a single token, one spanning a run of
//! two, and none for a longer run (its `parseDecl` has no case past two); its lexer reports
//! each `}`, `]` or `)` that closes nothing besides.

use logos::Span;

use super::Parser;
use crate::{error::ParseErrorKind, lex::Token};

/// Whether buf's parser can start a declaration at `tok` (`canStartDecl`).
fn starts_declaration(tok: &Token) -> bool {
    matches!(
        tok,
        Token::Ident(_)
            | Token::Dot
            | Token::ForwardSlash
            | Token::LeftParen
            | Token::Semicolon
            | Token::LeftBrace
    )
}

/// The error at a closing bracket `kind` that closes nothing.
pub(super) fn closes_nothing(kind: u8) -> String {
    match kind {
        b'}' => "'}' closes no block: remove it".to_string(),
        _ => format!("'{}' closes no bracket: remove it", kind as char),
    }
}

impl Parser<'_> {
    /// Whether the error of a closing bracket at `at` that closes nothing is reported already
    /// (in a run, by `stray_run`).
    pub(super) fn closing_reported(&self, at: usize) -> bool {
        (self.lexer.extras.errors.iter()).any(|e| {
            matches!(e, ParseErrorKind::BufShape { message, span }
                if span.start == at && message.contains("closes no"))
        })
    }

    /// After the parser's error at a `}` at file scope: takes the run of tokens it starts and
    /// leaves buf's error for it.
    pub(super) fn stray_run(&mut self) {
        let mut run: Vec<(Span, u8)> = Vec::new();
        while let Ok(Some((tok, span))) = self.peek() {
            if starts_declaration(&tok) {
                break;
            }
            let kind = match tok {
                Token::RightBrace => b'}',
                Token::RightBracket => b']',
                Token::RightParen => b')',
                _ => 0,
            };
            run.push((span, kind));
            self.bump();
        }
        let Some((first, _)) = run.first().cloned() else {
            return;
        };
        let errors = &mut self.lexer.extras.errors;
        let parsers = (errors.iter()).rposition(|e| e.span().is_some_and(|s| s == first));
        if let (Some(at), true) = (parsers, run.len() > 1) {
            errors.remove(at);
        }
        if let (Some(at), 2) = (parsers, run.len()) {
            errors.insert(
                at,
                ParseErrorKind::BufShape {
                    message: "unexpected tokens at file scope: remove them".to_string(),
                    span: first.start..run[1].0.end,
                },
            );
        }
        // The closing brackets in it that close nothing are errors of buf's lexer.
        let source = self.lexer.source();
        let unopened = (self.unopened.take())
            .unwrap_or_else(|| super::buf_shape::unopened_brackets(source));
        for (span, kind) in &run {
            if *kind != 0 && unopened.contains(&span.start) {
                self.add_error(ParseErrorKind::BufShape {
                    message: closes_nothing(*kind),
                    span: span.clone(),
                });
            }
        }
        self.unopened = Some(unopened);
    }
}
