//! sous: an option statement without a value whose name is an extension's
//! (`option (acme.v1.tag).name;`). buf 1.75.0 keeps it for its later steps: it resolves the
//! name and reports it if no such extension exists, if the extension extends other options, if
//! a field of its path does not exist or if it is set twice; it reports no value. The parser
//! reads it again with `VALUELESS` after its own tokens: a value no option takes, so that the
//! compiler resolves the name and fails on the value, an error sous then drops (it names
//! `VALUELESS_MARKER`). The names of descriptor.proto's options sous checks itself (see
//! `Shaper::unknown_option`). In a file with an option statement without a name
//! (`option = 1;`), buf checks no option at all: then none is kept.

use logos::Span;

use logos::Logos;

use super::{Kept, Shaper};
use crate::lex::Token;

/// The identifier a kept option without a value gets as its value.
pub const VALUELESS_MARKER: &str = "sous_option_without_a_value_";

/// What a kept option without a value is given after its own tokens in its repaired text.
pub(crate) const VALUELESS: &str = " = sous_option_without_a_value_;";

impl Shaper<'_> {
    /// Keeps the option statement from `start` to `end` (its own tokens) without a value, if
    /// its name is an extension's.
    pub(super) fn keep_valueless(
        &mut self,
        name: Option<&(Span, Vec<&str>, bool)>,
        start: usize,
        end: usize,
    ) {
        let Some((span, _, _)) = name else {
            return;
        };
        if !self.source.get(span.clone()).is_some_and(|n| n.contains('(')) {
            return;
        }
        if nameless_option(self.source) {
            return;
        }
        self.kept.get_or_insert(Kept {
            start,
            end,
            suffix: Some(VALUELESS),
        });
    }
}

/// Whether `source` has an option statement without a name (`option;`, `option = 1;`): the
/// word `option` at the start of a statement, a `;` or `=` right after it.
pub(crate) fn nameless_option(source: &str) -> bool {
    let mut before: Option<Token> = None;
    let mut option = false;
    for tok in Token::lexer(source).flatten() {
        if matches!(
            tok,
            Token::Newline | Token::LineComment(_) | Token::BlockComment(_)
        ) {
            continue;
        }
        if option && matches!(tok, Token::Semicolon | Token::Equals) {
            return true;
        }
        option = tok == Token::Ident("option")
            && matches!(
                before,
                None | Some(Token::Semicolon | Token::LeftBrace | Token::RightBrace)
            );
        before = Some(tok);
    }
    false
}
