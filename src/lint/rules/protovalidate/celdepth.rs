//! How deep a CEL expression nests, measured on its text before cel-parser sees it.
//!
//! cel-parser (an ANTLR parser) and the checkers of this rule recurse once per level of the
//! tree, and have no limit of their own: `((((...this...))))` a few thousand deep overflowed the
//! stack. cel-go, which buf runs, refuses such expressions with two limits of 250, measured here
//! as buf applies them (protovalidate `cel` rules in a fixture):
//! - "expression recursion limit exceeded: 250": an expression inside 250 brackets (`(`, `[`,
//!   `{`, a call's or an index's) is refused, and so is a 251st bracket;
//! - "max recursion depth exceeded": a chain of more than 250 operators, selections (`.a`),
//!   calls or indexes, counted along the deepest path of the tree and not counting brackets, is
//!   refused. Unary `!` and `-` are not counted: cel-go folds a run of them.
//!   `&&` and `||` are not counted: cel-go balances their chains.
//!
//! Past both, sous has a limit of its own on the depth of the tree as cel-parser builds it
//! ([`MAX_TREE_DEPTH`], `&&` and `||` counted too), so that no text can overflow the stack.

/// cel-go's default for both of its limits.
pub(super) const MAX_DEPTH: usize = 250;

/// sous's own bound on the depth of the tree: far above anything buf accepts but long chains of
/// `&&` and `||`, and within the stack sous's threads have.
pub(super) const MAX_TREE_DEPTH: usize = 5_000;

/// One level of brackets being read, as (steps that cel-go counts, depth of cel-parser's tree).
/// An element (an argument, a list element, the whole expression) is a chain of `&&`, `||`,
/// `?` and `:` between operands, each operand a chain of other operators.
#[derive(Default)]
struct Level {
    /// The operand being read.
    operand: (usize, usize),
    /// The deepest operand of the element before it, in steps.
    steps: usize,
    /// The tree depth of the chain of `&&` (...) before the operand; 0 without one.
    chain: usize,
    /// The deepest element of the level read before this one.
    best: (usize, usize),
}

impl Level {
    fn element(&self) -> (usize, usize) {
        let tree = if self.chain > 0 {
            self.chain.max(self.operand.1 + 1)
        } else {
            self.operand.1
        };
        (self.steps.max(self.operand.0), tree)
    }

    /// A `&&`, `||`, `?` or `:`: cel-go balances these chains (and counts no step), cel-parser
    /// nests them.
    fn logical(&mut self) {
        self.steps = self.steps.max(self.operand.0);
        self.chain = self.chain.max(self.operand.1) + 1;
        self.operand = (0, 0);
    }

    /// Any other operator, a selection, a call or an index: what was read of the operand goes
    /// one level down.
    fn step(&mut self) {
        self.operand.0 += 1;
        self.operand.1 += 1;
    }

    /// A level of brackets that closed inside the operand.
    fn closed(&mut self, inner: Level) {
        let (steps, tree) = max2(inner.best, inner.element());
        // The brackets are a level of cel-parser's tree, not one that cel-go counts.
        self.operand = max2(self.operand, (steps, tree + 1));
    }
}

fn max2(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    (a.0.max(b.0), a.1.max(b.1))
}

/// Whether `expression` is within CEL's nesting limits; the reason when it is not. One pass
/// over the text, no recursion.
pub(super) fn check(expression: &str) -> Result<(), String> {
    let bytes = expression.as_bytes();
    let too_deep = || {
        format!("it nests more than {MAX_DEPTH} levels of parentheses, brackets and braces (CEL's limit)")
    };
    let mut levels: Vec<Level> = vec![Level::default()];
    // The last token ends an operand (a name, a literal, a closing bracket): a bracket after it
    // is a call or an index.
    let mut after_operand = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let depth = levels.len() - 1;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && next == Some(b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        // Anything but a bracket is an expression (or part of one) at this depth.
        if !matches!(b, b'(' | b'[' | b'{' | b')' | b']' | b'}' | b',') && depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        let level = levels.last_mut().expect("the root level is never popped");
        match b {
            b'(' | b'[' | b'{' => {
                if after_operand {
                    // A call or an index.
                    level.step();
                }
                if depth + 1 > MAX_DEPTH {
                    return Err(too_deep());
                }
                levels.push(Level::default());
                after_operand = false;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if levels.len() > 1 {
                    let closed = levels.pop().expect("more than the root");
                    levels.last_mut().expect("the root level").closed(closed);
                }
                after_operand = true;
                i += 1;
            }
            b',' => {
                *level = Level {
                    best: max2(level.best, level.element()),
                    ..Level::default()
                };
                after_operand = false;
                i += 1;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                after_operand = true;
            }
            b'&' | b'|' | b'?' | b':' => {
                level.logical();
                after_operand = false;
                i += if next == Some(b) { 2 } else { 1 };
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                // A string's prefix (`r"..."`, `b'...'`): the string is the operand.
                if matches!(bytes.get(i), Some(b'"' | b'\'')) && i - start <= 2 {
                    continue;
                }
                after_operand = &bytes[start..i] != b"in";
                if !after_operand {
                    level.step();
                }
            }
            b'.' if next.is_some_and(|c| c.is_ascii_digit()) && !after_operand => {
                // A number such as `.5`.
                i += 1;
                after_operand = true;
            }
            b'!' | b'-' if !after_operand && next != Some(b'=') => {
                // A unary `!` or `-`: cel-go folds a run of them into one call at most (and
                // counts no step), cel-parser nests them.
                level.operand.1 += 1;
                i += 1;
            }
            _ => {
                // An operator (`+`, `<=`, `.`, ...); `==`, `!=`, `<=` and `>=` are one.
                level.step();
                after_operand = false;
                i += if matches!(b, b'=' | b'!' | b'<' | b'>') && next == Some(b'=') {
                    2
                } else {
                    1
                };
            }
        }
    }
    // Brackets left open: the parser reports them; their depth counts all the same.
    while levels.len() > 1 {
        let closed = levels.pop().expect("more than the root");
        levels.last_mut().expect("the root level").closed(closed);
    }
    let (steps, tree) = max2(levels[0].best, levels[0].element());
    if steps > MAX_DEPTH {
        return Err(format!("its chain of operators, selections, calls and indexes is more than {MAX_DEPTH} steps deep (CEL's limit)"));
    }
    if tree > MAX_TREE_DEPTH {
        return Err(format!(
            "it nests more than {MAX_TREE_DEPTH} levels of operators and brackets (sous's limit)"
        ));
    }
    Ok(())
}

/// The index just past the string literal that starts at `start` (single, double or triple
/// quotes; an unterminated one runs to the end).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes[start..].starts_with(&[quote; 3]);
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if triple && bytes[i..].starts_with(&[quote; 3]) {
            return i + 3;
        } else if !triple && bytes[i] == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn brackets_nest_as_deep_as_buf_allows() {
        // Measured with buf 1.75.0: 249 parentheses around `this` pass, 250 do not; 250 lists
        // pass, 251 do not; the same for calls.
        assert!(check(&nested("(", "this", ")", 249)).is_ok());
        assert!(check(&nested("(", "this", ")", 250)).is_err());
        assert!(check(&nested("[", "", "]", 250)).is_ok());
        assert!(check(&nested("[", "", "]", 251)).is_err());
        assert!(check(&nested("size(", "this", ")", 248)).is_ok());
        assert!(check(&nested("size(", "this", ")", 250)).is_err());
        assert!(check(&nested("(", "this", ")", 100_000)).is_err());
    }

    #[test]
    fn chains_are_as_long_as_buf_allows() {
        let chain = |op: &str, n: usize| vec!["this"; n].join(op);
        // Measured with buf 1.75.0: 250 steps pass, 251 do not.
        assert!(check(&chain(" + ", 251)).is_ok());
        assert!(check(&chain(" + ", 252)).is_err());
        assert!(check(&format!("this{}", ".a".repeat(250))).is_ok());
        assert!(check(&format!("this{}", ".a".repeat(251))).is_err());
        assert!(check(&format!("this{} > 0", ".a".repeat(249))).is_ok());
        assert!(check(&format!("this{} > 0", ".a".repeat(250))).is_err());
        // Brackets do not count, `&&` is balanced by cel-go.
        assert!(check(&nested("(", &chain("+", 130), ")", 130)).is_ok());
        assert!(check(&chain(" && ", 1000)).is_ok());
        assert!(check(&chain(" != '' && ", 4000)).is_ok());
        // But not without end.
        assert!(check(&chain(" && ", 100_000)).is_err());
        assert!(check(&format!("{}this", "!".repeat(1000))).is_ok());
        assert!(check(&"!".repeat(100_000)).is_err());
    }

    #[test]
    fn strings_and_comments_hide_what_they_hold() {
        let brackets = "(".repeat(1000);
        assert!(check(&format!("this == '{brackets}' || this == \"\"\"{brackets}\"\"\"")).is_ok());
        assert!(check(&format!("this == r'\\' // {brackets}\n")).is_ok());
        for text in ["", "(", ")", "'", "\"\"\"", "r", "a.", ".5", ",,,", "é(", "\\"] {
            let _ = check(text);
        }
    }
}
