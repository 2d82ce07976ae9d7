//! The naming styles `enforce_naming_style` turns on (`STYLE2024`, the default of edition 2024,
//! and `STYLE2026`, of 2026), which buf 1.75.0 reports as `COMPILE` findings at each name:
//! packages and fields, oneofs and extensions in `lower_snake_case`, messages, enums, services
//! and methods in `PascalCase`, enum values in `SCREAMING_SNAKE_CASE`. A word of a snake-case
//! name starts with a letter (`x_1` is refused), and words are joined by one underscore.

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto, SourceCodeInfo};

use super::{Editions, LineStarts, Problem};
use crate::descriptor::tag;

/// The style a name must have, and how buf names the kind of element.
#[derive(Clone, Copy)]
enum Style {
    Snake(&'static str),
    Pascal(&'static str),
    Screaming,
    /// Dot-separated snake-case parts.
    Package,
}

impl Style {
    fn accepts(self, name: &str) -> bool {
        let words = |upper: bool| {
            name.split('_').all(|word| {
                let mut chars = word.chars();
                chars.next().is_some_and(|c| {
                    if upper {
                        c.is_ascii_uppercase()
                    } else {
                        c.is_ascii_lowercase()
                    }
                }) && chars.all(|c| {
                    c.is_ascii_digit()
                        || if upper {
                            c.is_ascii_uppercase()
                        } else {
                            c.is_ascii_lowercase()
                        }
                })
            })
        };
        match self {
            Style::Package => name.split('.').all(|part| Style::Snake("").accepts(part)),
            Style::Snake(_) => words(false),
            Style::Screaming => words(true),
            Style::Pascal(_) => {
                let mut chars = name.chars();
                chars.next().is_some_and(|c| c.is_ascii_uppercase())
                    && chars.all(|c| c.is_ascii_alphanumeric())
            }
        }
    }

    fn message(self) -> String {
        match self {
            Style::Snake(what) => format!(
                "{what} name should be lower_snake_case (enforce_naming_style): lower-case words joined by single underscores, each starting with a letter"
            ),
            Style::Pascal(what) => {
                format!("{what} name should be PascalCase (enforce_naming_style), without underscores")
            }
            Style::Package => "package name should be lower_snake_case (enforce_naming_style): dot-separated lower-case words joined by single underscores".to_string(),
            Style::Screaming => "enum value name should be SCREAMING_SNAKE_CASE (enforce_naming_style): upper-case words joined by single underscores, each starting with a letter".to_string(),
        }
    }
}

/// Every name of `file` that its resolved naming style refuses.
pub(super) fn check(
    file: &FileDescriptorProto,
    editions: &Editions,
    info: &SourceCodeInfo,
    (text, lines): (&str, &LineStarts),
    problems: &mut Vec<Problem>,
) {
    let mut check = |path: Vec<i32>, name: &str, style: Style| {
        // The element's own style: the name's path less its last number.
        let element = &path[..path.len().saturating_sub(1)];
        if !matches!(
            editions.resolve(element, "enforce_naming_style"),
            "STYLE2024" | "STYLE2026"
        ) || style.accepts(name)
        {
            return;
        }
        if let Some((start, end)) = info
            .location
            .iter()
            .find(|l| l.path == path)
            .and_then(|l| lines.range(&l.span))
        {
            // The package's location is its whole statement: buf points at the name.
            let (start, end) = match text.get(start..end).and_then(|s| s.find(name)) {
                Some(at) if path == [tag::FILE_PACKAGE] => (start + at, start + at + name.len()),
                _ => (start, end),
            };
            problems.push(Problem {
                start,
                end,
                message: style.message(),
            });
        }
    };
    if let Some(package) = file.package.as_deref() {
        // The package's style is the file's (path `[2]` less its last number).
        check(vec![tag::FILE_PACKAGE], package, Style::Package);
    }
    for (i, m) in file.message_type.iter().enumerate() {
        message(m, vec![tag::FILE_MESSAGE_TYPE, i as i32], &mut check);
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        enumeration(e, vec![tag::FILE_ENUM_TYPE, i as i32], &mut check);
    }
    for (i, s) in file.service.iter().enumerate() {
        let path = vec![tag::FILE_SERVICE, i as i32];
        check(
            with(&path, &[tag::NAME]),
            s.name(),
            Style::Pascal("service"),
        );
        for (k, method) in s.method.iter().enumerate() {
            let name_path = with(&path, &[tag::SERVICE_METHOD, k as i32, tag::NAME]);
            check(name_path, method.name(), Style::Pascal("RPC method"));
        }
    }
    for (i, x) in file.extension.iter().enumerate() {
        let path = vec![tag::FILE_EXTENSION, i as i32, tag::NAME];
        check(path, x.name(), Style::Snake("extension"));
    }
}

fn with(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

fn message(m: &DescriptorProto, path: Vec<i32>, check: &mut dyn FnMut(Vec<i32>, &str, Style)) {
    if m.options.as_ref().is_some_and(|o| o.map_entry()) {
        return;
    }
    check(
        with(&path, &[tag::NAME]),
        m.name(),
        Style::Pascal("message type"),
    );
    for (j, f) in m.field.iter().enumerate() {
        let name_path = with(&path, &[tag::MESSAGE_FIELD, j as i32, tag::NAME]);
        check(name_path, f.name(), Style::Snake("field"));
    }
    for (j, o) in m.oneof_decl.iter().enumerate() {
        let name_path = with(&path, &[tag::MESSAGE_ONEOF_DECL, j as i32, tag::NAME]);
        check(name_path, o.name(), Style::Snake("oneof"));
    }
    for (j, x) in m.extension.iter().enumerate() {
        let name_path = with(&path, &[tag::MESSAGE_EXTENSION, j as i32, tag::NAME]);
        check(name_path, x.name(), Style::Snake("extension"));
    }
    for (j, n) in m.nested_type.iter().enumerate() {
        message(n, with(&path, &[tag::MESSAGE_NESTED_TYPE, j as i32]), check);
    }
    for (j, e) in m.enum_type.iter().enumerate() {
        enumeration(e, with(&path, &[tag::MESSAGE_ENUM_TYPE, j as i32]), check);
    }
}

fn enumeration(
    e: &EnumDescriptorProto,
    path: Vec<i32>,
    check: &mut dyn FnMut(Vec<i32>, &str, Style),
) {
    check(
        with(&path, &[tag::NAME]),
        e.name(),
        Style::Pascal("enum type"),
    );
    for (k, v) in e.value.iter().enumerate() {
        let name_path = with(&path, &[tag::ENUM_VALUE, k as i32, tag::NAME]);
        check(name_path, v.name(), Style::Screaming);
    }
}

#[cfg(test)]
mod tests {
    use super::Style;

    #[test]
    fn styles_accept_what_buf_accepts() {
        let snake = Style::Snake("field");
        for ok in ["good_one", "with2digits", "a", "a_b_c"] {
            assert!(snake.accepts(ok), "{ok}");
        }
        for bad in ["Bad", "bad__two", "_lead", "trail_", "x_1", ""] {
            assert!(!snake.accepts(bad), "{bad}");
        }
        let pascal = Style::Pascal("message type");
        assert!(pascal.accepts("HTTPServer") && pascal.accepts("M2"));
        assert!(!pascal.accepts("Nested_Msg") && !pascal.accepts("color"));
        assert!(Style::Screaming.accepts("SHADE_X2"));
        for bad in ["SHADE__X", "SHADE_1", "Shade_Y", "shade"] {
            assert!(!Style::Screaming.accepts(bad), "{bad}");
        }
        assert!(Style::Package.accepts("foo.bar_baz.v1") && Style::Package.accepts("foo2.b2ar"));
        assert!(!Style::Package.accepts("foo.bar_1") && !Style::Package.accepts("Foo.bar"));
    }
}
