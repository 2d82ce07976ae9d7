//! sous: buf's errors for compact options of several entries (`[a = 1, b = 2]`) in a statement
//! in error, as buf 1.75.0 reports them (found by running it on each shape): an empty entry is
//! an error at a comma (leading, extra or trailing) and the rest is read on; an entry without a
//! value ends the list (what comes before it is kept); a value where the `=` should be, or a
//! token after a value, is an error at it and the entry is kept. Any other shape is not known
//! here (`None`).

use super::{describe, Shaper};
use crate::lex::Token;

impl Shaper<'_> {
    /// The options from `open` (`[`) to `close` (`]`), with a comma between them.
    pub(super) fn several_options(&mut self, open: usize, close: usize) -> Option<()> {
        let commas: Vec<usize> = (open + 1..close)
            .filter(|&i| matches!(self.toks[i].0, Some(Token::Comma)))
            .collect();
        let mut entries = Vec::new();
        let mut from = open + 1;
        for &comma in &commas {
            entries.push((from, comma));
            from = comma + 1;
        }
        entries.push((from, close));
        let n = entries.len();
        for (k, &(a, b)) in entries.iter().enumerate() {
            let last = k + 1 == n;
            if a == b {
                // buf parity: an empty entry is an error at the comma after it, or, last, at
                // the comma before it; the comma is dropped.
                let (comma, which) = if last {
                    (commas[k - 1], "trailing")
                } else if k == 0 {
                    (commas[0], "leading")
                } else {
                    (commas[k], "extra")
                };
                self.error(
                    format!("{which} ',' in options: remove it"),
                    self.span(comma),
                );
                self.blank(comma, comma);
                continue;
            }
            self.pos = a;
            if !matches!(self.peek(), Some(Some(Token::Ident(_) | Token::LeftParen))) {
                if !last {
                    return None;
                }
                // buf parity: a last entry that is no option is two errors: at the comma
                // before it, and at it.
                self.trailing(commas[k - 1]);
                let what = describe(&self.toks[a].0);
                self.error(
                    format!("unexpected {what} in options: an option name should be here"),
                    self.span(a),
                );
                self.blank(commas[k - 1], close - 1);
                break;
            }
            self.path(true)?;
            let equals = self.is(&Token::Equals);
            if equals {
                self.pos += 1;
            }
            if self.pos == b {
                // An entry without a value ends the list.
                if last {
                    self.trailing(commas[k - 1]);
                    self.error(
                        "option without a value: write `NAME = VALUE`".to_string(),
                        self.span(close),
                    );
                    self.blank(commas[k - 1], close - 1);
                } else {
                    if k == 0 {
                        self.error(
                            "empty options: the first option has no value".to_string(),
                            self.span(open).start..self.span(close).end,
                        );
                    }
                    let comma = self.span(commas[k]);
                    self.error(
                        "unexpected ',' in options: the option before it has no value".to_string(),
                        comma.clone(),
                    );
                    self.error(
                        "options after one without a value are not read: give it a value"
                            .to_string(),
                        comma,
                    );
                    if k == 0 {
                        self.blank(open, close);
                    } else {
                        self.blank(commas[k - 1], close - 1);
                    }
                }
                break;
            }
            if !equals {
                let what = describe(self.peek()?);
                self.error(
                    format!("unexpected {what} in options: a '=' is missing before it"),
                    self.span(self.pos),
                );
                self.write_before(self.pos, "=");
            }
            self.expr()?;
            if self.pos > b {
                return None;
            }
            if self.pos + 1 == b {
                // One token after the value: an error at it, and it is dropped.
                let what = describe(&self.toks[self.pos].0);
                self.error(
                    format!("unexpected {what} after an option's value: remove it"),
                    self.span(self.pos),
                );
                self.blank(self.pos, self.pos);
            } else if self.pos < b {
                // buf parity: another option after a value, with no comma before it: an error
                // at it, and it is kept.
                let at = self.pos;
                self.error(
                    "unexpected tokens after an option's value: a ',' is missing before them"
                        .to_string(),
                    self.span(at),
                );
                self.path(true)?;
                if !self.is(&Token::Equals) {
                    return None;
                }
                self.pos += 1;
                self.expr()?;
                if self.pos != b {
                    return None;
                }
                self.write_before(at, ",");
            }
        }
        self.pos = close + 1;
        Some(())
    }

    /// buf parity: a list that ends in an entry in error has its comma before it reported as
    /// a trailing one.
    fn trailing(&mut self, comma: usize) {
        self.error(
            "trailing ',' in options: the option after it is not complete".to_string(),
            self.span(comma),
        );
    }
}
