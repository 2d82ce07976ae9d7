//! buf parity: an option set to a value its type does not take is an error at the value, not at
//! the whole option (the compiler's place): `INF` for a float, `"x"` for an enum, `5` for a
//! string. A negative name (`-FOO`), of an option or a default, is placed where buf's compiler
//! places it (see [`super::negative_name`]): at the name or at the `-`, by its type and by the
//! names in scope; by its type alone when those are not known (at the name for the types whose
//! values are names or may be: enums, `bool`, floats).

use miette::Diagnostic;

use super::negative_name::{self, Names};

/// The place of the value of the option at `span` (the `option` statement, or the
/// `name = value` of a compact option) when `message` is the compiler's "expected a value of
/// type 'T' for option 'N', but found 'V'".
pub(super) fn place(
    message: &str,
    text: &str,
    span: (usize, usize),
    names: &dyn Names,
) -> Option<(usize, usize)> {
    if let Some(rest) = message.strip_prefix("invalid default value '") {
        return enum_default(rest, text, span, names);
    }
    if let Some(rest) = message.strip_prefix("expected value to be ") {
        return negative_default(rest, text, span, names);
    }
    let (ty, rest) = message
        .strip_prefix("expected a value of type '")?
        .split_once("' for option '")?;
    let found = rest.split_once("', but found '")?.1.strip_suffix('\'')?;
    let ty = ty.strip_prefix("repeated ").unwrap_or(ty);
    let at = text.get(span.0..span.1)?;
    // The first `=` outside comments: an option's name holds none.
    let equals = span.0 + skip_to_equals(at)?;
    let start = skip_trivia(text, equals + 1, span.1);
    if start >= span.1 {
        return None;
    }
    // `-inf` is a number to buf (its lexer reads `inf` as a float), placed at the `-`.
    let negative_name = found.strip_prefix('-').is_some_and(|name| {
        name != "inf" && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    });
    let name = found.get(1..).unwrap_or_default();
    if negative_name
        && negative_name::at_name(ty, name, start, names).unwrap_or_else(|| takes_names(ty))
    {
        let name = skip_trivia(text, start + 1, span.1);
        let end = name + identifier_len(&text[name..span.1]);
        return (end > name).then_some((name, end));
    }
    let value = &text[start..span.1];
    let end = match identifier_len(value) {
        // buf parity: a path with a `/` (`a/b`) or a word past ASCII is one value, as its
        // lexer reads it (the compiler names it whole).
        _ if (found.contains('/') || !found.is_ascii()) && value.starts_with(found) => {
            start + found.len()
        }
        0 => {
            let trimmed = value.trim_end();
            let trimmed = trimmed.strip_suffix(';').unwrap_or(trimmed).trim_end();
            start + trimmed.len()
        }
        len => start + len,
    };
    (end > start).then_some((start, end))
}

/// An enum field's `default` that names no value of the enum, at `span` (the value, from the
/// compiler's "invalid default value 'V' for type 'T'", `rest` after its first quote): a
/// negative name (`-FOO`) where buf places it.
fn enum_default(
    rest: &str,
    text: &str,
    span: (usize, usize),
    names: &dyn Names,
) -> Option<(usize, usize)> {
    let (value, ty) = rest.split_once("' for type '")?;
    let ty = ty.strip_suffix('\'').unwrap_or(ty);
    let name = value.strip_prefix('-')?;
    if name == "inf" || identifier_len(name) == 0 || !text.get(span.0..)?.starts_with('-') {
        return None;
    }
    let start = skip_trivia(text, span.0 + 1, span.1);
    let end = start + identifier_len(&text[start..span.1]);
    let at_name = negative_name::at_name(ty, name, span.0, names).unwrap_or(true);
    let start = if at_name { start } else { span.0 };
    (end > start).then_some((start, end))
}

/// A default that is a negative name (`-FOO`) where its field's type takes none, from the
/// compiler's "expected value to be E, but found '-FOO'" (`rest` after "expected value to be
/// "), at `span` (the compiler's place: the value, or the name in it): where buf places it.
fn negative_default(
    rest: &str,
    text: &str,
    span: (usize, usize),
    names: &dyn Names,
) -> Option<(usize, usize)> {
    let (expected, found) = rest.split_once(", but found '")?;
    let name = found.strip_suffix('\'')?.strip_prefix('-')?;
    if identifier_len(name) != name.len() {
        return None;
    }
    let ty = negative_name::default_type(expected)?;
    let (minus, start, end) = negative_name::parts(text, span)?;
    let at_name = negative_name::at_name(ty, name, minus, names)?;
    Some((if at_name { start } else { minus }, end))
}

/// Whether the values of type `ty` (as the compiler names it) are names or may be: an enum
/// (or a message, which the name of a type does not tell apart), `bool`, `float`, `double`.
fn takes_names(ty: &str) -> bool {
    const NUMBERS_AND_STRINGS: [&str; 14] = [
        "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
        "sfixed64", "string", "bytes", "map", "group",
    ];
    !NUMBERS_AND_STRINGS.contains(&ty) && !ty.starts_with("map<")
}

/// buf parity: for each of `diagnostics` (one compile's errors in `text`), whether it is an
/// option set again after a setting of it that failed (its value was of the wrong type), in
/// the same element: buf sets nothing when a value fails, so the second is no error to it.
pub(super) fn set_after_a_failure(diagnostics: &[&dyn Diagnostic], text: &str) -> Vec<bool> {
    let at = |d: &dyn Diagnostic| -> Option<usize> {
        let offset = d.labels()?.next()?.offset();
        (offset <= text.len()).then_some(offset)
    };
    let failed: Vec<(String, usize)> = diagnostics
        .iter()
        .filter_map(|d| {
            let message = d.to_string();
            // An option kept without a value (see `valueless`) is no setting to buf at all.
            if message.contains(protox_parse::VALUELESS_MARKER) {
                return None;
            }
            let (_, rest) = message.split_once(" for option '")?;
            let (name, _) = rest.split_once('\'')?;
            Some((name.to_string(), at(*d)?))
        })
        .collect();
    diagnostics
        .iter()
        .map(|d| {
            let message = d.to_string();
            let Some(name) = message
                .strip_prefix("option field '")
                .and_then(|rest| rest.strip_suffix("' has already been set"))
            else {
                return false;
            };
            let Some(here) = at(*d) else {
                return false;
            };
            let block = enclosing_open(text, here);
            failed.iter().any(|(n, offset)| {
                n == name && *offset < here && enclosing_open(text, *offset) == block
            })
        })
        .collect()
}

/// The offset of the `{` or `[` of the block around `at` (0 when none), counting brackets as
/// written, outside strings and comments.
fn enclosing_open(text: &str, at: usize) -> usize {
    enclosing(text, at, b"{[")
}

/// The offset of the opening bracket (one of `opens`, `{` or `[`) of the block around `at` (0
/// when none), counting brackets as written, outside strings and comments.
pub(super) fn enclosing(text: &str, at: usize, opens: &[u8]) -> usize {
    let bytes = &text.as_bytes()[..at.min(text.len())];
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b @ (b'{' | b'[') if opens.contains(&b) => open.push(i),
            b'}' if opens.contains(&b'{') => {
                open.pop();
            }
            b']' if opens.contains(&b'[') => {
                open.pop();
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    open.last().copied().unwrap_or(0)
}

/// The length of the identifier `text` starts with (0 if none).
fn identifier_len(text: &str) -> usize {
    if !text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return 0;
    }
    text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len())
}

/// The offset in `text` of its first `=` outside comments.
fn skip_to_equals(text: &str) -> Option<usize> {
    let mut i = 0;
    while i < text.len() {
        let next = skip_trivia(text, i, text.len());
        if next > i {
            i = next;
            continue;
        }
        if text[i..].starts_with('=') {
            return Some(i);
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The first offset at or after `i` (and before `end`) that is not in whitespace or a comment.
fn skip_trivia(text: &str, mut i: usize, end: usize) -> usize {
    while i < end {
        let rest = &text[i..end];
        if rest.starts_with(|c: char| c.is_whitespace()) {
            i += rest.chars().next().map_or(1, char::len_utf8);
        } else if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if let Some(comment) = rest.strip_prefix("/*") {
            i += comment.find("*/").map_or(rest.len(), |close| close + 4);
        } else {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::place;
    use crate::schema::every_error::negative_name::NoNames;

    /// The text `place` picks in `text` for an option statement that spans all of it.
    fn picked<'a>(ty: &str, found: &str, text: &'a str) -> Option<&'a str> {
        let message =
            format!("expected a value of type '{ty}' for option '(x)', but found '{found}'");
        place(&message, text, (0, text.len()), &NoNames).map(|(s, e)| &text[s..e])
    }

    #[test]
    fn places_a_value_of_the_wrong_type_at_the_value() {
        assert_eq!(picked("float", "INF", "option (x) = INF;"), Some("INF"));
        assert_eq!(picked("bool", "a/b", "option (x) = a/b;"), Some("a/b"));
        assert_eq!(picked("bool", "é", "option (x) = é;"), Some("é"));
        assert_eq!(
            picked(
                "repeated double",
                "infinity",
                "option (x).y =\n  infinity ;"
            ),
            Some("infinity")
        );
        assert_eq!(
            picked("a.Level", "\"x\"", "option (x) = \"x\";"),
            Some("\"x\"")
        );
        assert_eq!(picked("string", "5", "(x) = 5"), Some("5"));
        assert_eq!(
            picked("int32", "1", "option /* a = b */ (x) = /* c */ 1 ;"),
            Some("1")
        );
        assert_eq!(picked("a.Agg", "{ }", "option (x) = { };"), Some("{ }"));
        // Not this error, or no `=`: left to the compiler's place.
        let other = "option field '(x)' is not defined";
        assert_eq!(place(other, "option (x) = 1;", (0, 15), &NoNames), None);
        assert_eq!(picked("int32", "1", "option (x);"), None);
    }

    #[test]
    fn places_a_negative_enum_default_at_the_name() {
        let text = "[default = - FOO]";
        let span = (11, 16);
        let place = |message: &str| place(message, text, span, &NoNames).map(|(s, e)| &text[s..e]);
        assert_eq!(
            place("invalid default value '-FOO' for type 'a.Level'"),
            Some("FOO")
        );
        assert_eq!(
            place("invalid default value 'BAR' for type 'a.Level'"),
            None
        );
    }

    #[test]
    fn places_a_negative_name_by_type() {
        // Names, or may be: at the name.
        assert_eq!(picked("a.Level", "-FOO", "option (x) = -FOO;"), Some("FOO"));
        assert_eq!(
            picked("bool", "-true", "option (x) = - true;"),
            Some("true")
        );
        assert_eq!(picked("double", "-foo", "(x) = -/* c */foo"), Some("foo"));
        // Numbers and strings: at the `-`.
        assert_eq!(picked("int32", "-FOO", "option (x) = -FOO;"), Some("-FOO"));
        assert_eq!(picked("string", "-FOO", "(x) = -FOO"), Some("-FOO"));
        // A negative number is no name, nor is `-inf`.
        assert_eq!(picked("bool", "-5", "option (x) = -5;"), Some("-5"));
        assert_eq!(
            picked("a.Level", "-inf", "option (x) = -inf;"),
            Some("-inf")
        );
    }
}
