//! buf parity: an option statement without a value (`option (acme.v1.tag).name;`) is kept by
//! buf for its later steps: its name is resolved (and reported if it is not found), no value
//! is checked, and the option's own field is not set by it. The parser keeps it with a value
//! no option takes (`protox_parse::VALUELESS_MARKER`, see its `parse_recovered`); the
//! compiler's errors for that value, and an option set again after it (the compiler counts the
//! kept one as set), are artifacts of the recovery, not the file's errors.

use miette::Diagnostic;

/// Whether `diagnostic` (of a compile of `text` as its parser recovered it) comes of an option
/// kept without a value.
pub(super) fn artifact(diagnostic: &dyn Diagnostic, text: &str) -> bool {
    let message = diagnostic.to_string();
    if message.contains(protox_parse::VALUELESS_MARKER) {
        return true;
    }
    if !(message.starts_with("option field '") && message.ends_with("' has already been set")) {
        return false;
    }
    // Placed at the option's name (see `option_name_part`): set before by a statement without a
    // value of that name (its extensions written in full or not)?
    let Some((start, end)) = super::primary_span(diagnostic, text, &super::NoNames) else {
        return false;
    };
    let name = normal(&text[start..end]);
    let before = &text[..start];
    // The last option statement of that name before it: without a value?
    let mut last = None;
    for (at, _) in before.match_indices("option") {
        let rest = &before[at + "option".len()..];
        let Some((statement, _)) = rest.split_once(';') else {
            continue;
        };
        let head = before[..at].trim_end();
        let starts = head.is_empty() || head.ends_with([';', '{', '}']);
        if !starts || !rest.starts_with(|c: char| c.is_whitespace() || c == '(') {
            continue;
        }
        let (other, valueless) = match statement.split_once('=') {
            Some((other, _)) => (normal(other), false),
            None => (normal(statement), true),
        };
        if same(&name, &other) || same(&other, &name) {
            last = Some(valueless);
        }
    }
    last == Some(true)
}

/// An option's name without spaces, and without the leading `.` of an extension's.
fn normal(name: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    name.replace("(.", "(")
}

/// Whether option name `a` names what `b` does, `b`'s extension written in full: each
/// parenthesised part of `a` the end of `b`'s, after a `.`.
fn same(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (pa, pb) = (parts(a), parts(b));
    pa.len() == pb.len()
        && pa.iter().zip(&pb).all(|(x, y)| {
            x == y
                || (x.starts_with('(')
                    && y.starts_with('(')
                    && y[1..].ends_with(&x[1..])
                    && y[1..y.len() - x.len() + 1].ends_with('.'))
        })
}

/// The parts of an option name: `(a.b)`, `c`, `d` of `(a.b).c.d`.
fn parts(name: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut from = 0;
    for (i, c) in name.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '.' if depth == 0 => {
                parts.push(&name[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&name[from..]);
    parts
}
