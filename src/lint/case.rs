//! Name styles as buf's naming rules judge them, and the suggestions sous prints.
//!
//! buf decides "is this lower_snake_case?" by converting the name and comparing: a name passes
//! when converting it changes nothing. The conversion, measured against buf 1.75.0:
//! - leading and trailing delimiters are dropped, and each run of delimiters becomes one `_`;
//!   delimiters are `_`, `-`, `.` and space (so `foo-bar` and `foo.v1` file names fail);
//! - a `_` is inserted before an upper-case letter (not at the start, not after a `_`) when the
//!   character before it is lower-case, or the character after it is neither upper-case, a digit
//!   nor a delimiter: `HTTPServer` -> `http_server`, `fooBAR` -> `foo_bar`, `v1Beta` -> `v1_beta`,
//!   but `a1B` -> `a1b` and `HTTP2` -> `http2`;
//! - every letter is then lower-cased (or upper-cased for UPPER_SNAKE_CASE).
//!
//! Digits never start a word (`field1`, `f_1a`, `FOO1` are fine). PascalCase is simpler: the
//! first character is an upper-case letter and there is no `_` (`HTTPServer`, `FOO`, `A1b` pass).

/// buf parity: the characters buf treats as word delimiters when converting to snake case.
fn is_delimiter(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | ' ')
}

/// Converts `name` to lower_snake_case (`upper == false`) or UPPER_SNAKE_CASE.
fn to_snake(name: &str, upper: bool) -> String {
    let s = name.trim_matches(is_delimiter);
    let bytes = s.as_bytes();
    // buf parity: the neighbours of a character are looked up by byte, not by character, so
    // next to a multi-byte character they are stray Latin-1 code points. This only changes
    // suggestions for non-ASCII file names (`ΣΑ` -> `σ_α`, but `FOO` -> `foo`), never whether a
    // name passes: any upper-case letter fails anyway.
    let byte_char = |i: usize| char::from(bytes[i]);
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.char_indices() {
        if is_delimiter(c) {
            if !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if i > 0 && c.is_uppercase() && !out.ends_with('_') {
            let next_starts_no_word = i + 1 < bytes.len() && {
                let n = byte_char(i + 1);
                !n.is_uppercase() && !n.is_ascii_digit() && !is_delimiter(n)
            };
            if next_starts_no_word || byte_char(i - 1).is_lowercase() {
                out.push('_');
            }
        }
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// `fooBar` -> `foo_bar`, `HTTPServer` -> `http_server`.
pub fn to_lower_snake_case(name: &str) -> String {
    to_snake(name, false)
}

/// `fooBar` -> `FOO_BAR`, `HTTPServer` -> `HTTP_SERVER`.
pub fn to_upper_snake_case(name: &str) -> String {
    to_snake(name, true)
}

/// `foo_bar` -> `FooBar`: the first letter of every `_`-separated part is capitalised and the
/// rest is kept (`x_y2z` -> `XY2z`, `fooBAR` -> `FooBAR`), as buf suggests.
pub fn to_pascal_case(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// PascalCase: starts with an upper-case letter and has no underscore.
pub fn is_pascal_case(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase) && !name.contains('_')
}

pub fn is_lower_snake_case(name: &str) -> bool {
    name == to_lower_snake_case(name)
}

pub fn is_upper_snake_case(name: &str) -> bool {
    name == to_upper_snake_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair below was observed with buf 1.75.0.
    #[test]
    fn lower_snake_suggestions_match_buf() {
        for (name, want) in [
            ("HTTPServer", "http_server"),
            ("HTTP_Server", "http_server"),
            ("_foo", "foo"),
            ("foo__bar", "foo_bar"),
            ("__", ""),
            ("fOO", "f_oo"),
            ("foo_bAR", "foo_b_ar"),
            ("a1B", "a1b"),
            ("HTTP2Server", "http2_server"),
            ("HTTP2server", "http2server"),
            ("v1Beta", "v1_beta"),
            ("aB1", "a_b1"),
            ("ABc", "a_bc"),
            ("AbC", "ab_c"),
            ("aBC1d", "a_bc1d"),
            ("Ab1Cd", "ab1_cd"),
            ("A1B2", "a1b2"),
            ("fooBARBaz", "foo_bar_baz"),
            ("foo-bar", "foo_bar"),
            ("foo.v1", "foo_v1"),
            ("foo bar", "foo_bar"),
            ("a_-b", "a_b"),
            ("foo+bar", "foo+bar"),
            ("café", "café"),
            ("ΣΑ", "σ_α"),
            ("ΣA", "σa"),
            ("éA", "éa"),
            ("AΣ", "a_σ"),
        ] {
            assert_eq!(to_lower_snake_case(name), want, "{name}");
        }
    }

    #[test]
    fn acceptance_matches_buf() {
        for ok in ["field1", "field_1", "f1_a", "a1b", "a", "f_1a", "a_b_c"] {
            assert!(is_lower_snake_case(ok), "{ok}");
        }
        for bad in ["A", "_", "x_", "_x", "a__", "aB", "HTTPServer", "foo__bar"] {
            assert!(!is_lower_snake_case(bad), "{bad}");
        }
        for ok in [
            "FOO_1",
            "FOO1",
            "A",
            "A_1_B",
            "X1Y2",
            "FOO_1B",
            "HTTP_SERVER",
        ] {
            assert!(is_upper_snake_case(ok), "{ok}");
        }
        for bad in [
            "FOO__BAR",
            "_FOO",
            "FOO_",
            "fooBar",
            "FOO_bar",
            "HTTPServer",
            "a",
            "__",
        ] {
            assert!(!is_upper_snake_case(bad), "{bad}");
        }
        for ok in ["HTTPServer", "A", "A1", "FOO", "F1oo", "FooBAR"] {
            assert!(is_pascal_case(ok), "{ok}");
        }
        for bad in ["Foo_Bar", "fooBar", "_Foo", "Foo_", "A_1"] {
            assert!(!is_pascal_case(bad), "{bad}");
        }
    }

    #[test]
    fn pascal_suggestions_match_buf() {
        for (name, want) in [
            ("foo_bAR", "FooBAR"),
            ("HTTP_server", "HTTPServer"),
            ("x_y2z", "XY2z"),
            ("FOO_BAR", "FOOBAR"),
            ("_Foo", "Foo"),
            ("a1", "A1"),
        ] {
            assert_eq!(to_pascal_case(name), want, "{name}");
        }
    }
}
