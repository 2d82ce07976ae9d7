//! buf parity: where buf places a negative name (`-FOO`) written as an option's value or a
//! field's default. buf's compiler reads it as a name with a sign, and reports it at the name
//! when the type is an enum with a value of that name, when the name is `max`, when it is
//! `true` or `false` (or `t`, `False`, ...) for a `bool`, for any float, and when the name is
//! no symbol in scope (see [`super::names_in_scope`]); at the `-` (through the name) when it is
//! `true` or `false` for another type, `inf` or `nan` for a type that is no float, the name of
//! a scalar type, or a symbol in scope (a type, a value of another enum, a package, a field).

/// What an option's type is, as far as a negative name's place goes.
pub(in crate::schema) enum Named {
    /// An enum, with its values' names.
    Enum(Vec<String>),
    /// A message (or another type that is no enum).
    NotEnum,
    /// Not known: the negative name is placed by its type alone.
    Unknown,
}

/// What placing a negative name needs to know of the names around it.
pub(in crate::schema) trait Names {
    /// Whether `name` (one identifier) is a symbol the file sees from the scope of the option
    /// or default at byte `at`; `None` when that cannot be told.
    fn in_scope(&self, name: &str, at: usize) -> Option<bool>;
    /// What the named type `ty` (a full name, as the compiler writes it) is.
    fn named_type(&self, ty: &str) -> Named;
}

/// No names known: a negative name is placed by its type alone.
pub(in crate::schema) struct NoNames;

impl Names for NoNames {
    fn in_scope(&self, _: &str, _: usize) -> Option<bool> {
        None
    }
    fn named_type(&self, _: &str) -> Named {
        Named::Unknown
    }
}

/// The scalar types, whose names are types to buf's lookup.
const SCALARS: [&str; 15] = [
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "float", "double", "bool", "string", "bytes",
];

/// Whether buf places `-name` (`name` one identifier, the value of an option or a default of
/// type `ty` as the compiler names it, at byte `at`) at the name rather than at the `-`;
/// `None` when that depends on names that cannot be looked up.
pub(super) fn at_name(ty: &str, name: &str, at: usize, names: &dyn Names) -> Option<bool> {
    let is_bool = ty == "bool";
    let is_float = ty == "float" || ty == "double";
    let is_named = !SCALARS.contains(&ty);
    if is_named {
        match names.named_type(ty) {
            Named::Enum(values) if values.iter().any(|v| v == name) => return Some(true),
            Named::Unknown => return None,
            _ => {}
        }
    }
    match name {
        "max" => return Some(true),
        "true" | "false" => return Some(is_bool),
        // A float takes them: no error of this kind.
        "inf" | "nan" => return Some(false),
        _ => {}
    }
    if is_float || (is_bool && ["False", "f", "True", "t"].contains(&name)) {
        return Some(true);
    }
    if SCALARS.contains(&name) {
        return Some(false);
    }
    names.in_scope(name, at).map(|found| !found)
}

/// The type the compiler's "expected value to be E" names for a default value: as far as
/// [`at_name`] tells them apart.
pub(super) fn default_type(expected: &str) -> Option<&'static str> {
    match expected {
        "an integer" => Some("int64"),
        "a string" => Some("string"),
        "either 'true' or 'false'" => Some("bool"),
        "a floating-point number" => Some("double"),
        _ => None,
    }
}

/// For a negative name at `span` of `text` (the compiler's place: the `-` with the name, or
/// the name alone): the offsets of its `-` and of its name's start and end.
pub(super) fn parts(text: &str, span: (usize, usize)) -> Option<(usize, usize, usize)> {
    let (minus, name) = if text.get(span.0..)?.starts_with('-') {
        let after = &text[span.0 + 1..];
        (
            span.0,
            span.0 + 1 + (after.len() - after.trim_start().len()),
        )
    } else {
        let before = text.get(..span.0)?.trim_end();
        before.strip_suffix('-')?;
        (before.len() - 1, span.0)
    };
    let len = text[name..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len() - name);
    (len > 0).then_some((minus, name, name + len))
}

#[cfg(test)]
mod tests {
    use super::{at_name, parts, Named, Names};

    /// A file that sees `FOO`, `Agg` and `a`, and whose option types are `a.Level` (an enum of
    /// `FOO`) and `a.Agg`.
    struct Seen;

    impl Names for Seen {
        fn in_scope(&self, name: &str, _: usize) -> Option<bool> {
            Some(["FOO", "Agg", "a"].contains(&name))
        }
        fn named_type(&self, ty: &str) -> Named {
            match ty {
                "a.Level" => Named::Enum(vec!["FOO".into()]),
                _ => Named::NotEnum,
            }
        }
    }

    #[test]
    fn places_a_negative_name_as_buf_does() {
        let at = |ty: &str, name: &str| at_name(ty, name, 0, &Seen);
        // A symbol in scope at the `-`, another name at the name.
        assert_eq!(at("int32", "FOO"), Some(false));
        assert_eq!(at("int32", "BAR"), Some(true));
        assert_eq!(at("string", "a"), Some(false));
        assert_eq!(at("a.Agg", "Agg"), Some(false));
        assert_eq!(at("a.Agg", "BAR"), Some(true));
        assert_eq!(at("bool", "FOO"), Some(false));
        // A value of the enum, a float, `max`, a bool's own words: at the name.
        assert_eq!(at("a.Level", "FOO"), Some(true));
        assert_eq!(at("double", "FOO"), Some(true));
        assert_eq!(at("int32", "max"), Some(true));
        assert_eq!(at("bool", "true"), Some(true));
        assert_eq!(at("bool", "t"), Some(true));
        // `true` for another type, a scalar type's name: at the `-`.
        assert_eq!(at("a.Level", "true"), Some(false));
        assert_eq!(at("float", "false"), Some(false));
        assert_eq!(at("int32", "int32"), Some(false));
        assert_eq!(at("int32", "inf"), Some(false));
    }

    #[test]
    fn finds_the_minus_and_the_name() {
        let text = "x = - FOO;";
        assert_eq!(parts(text, (4, 9)), Some((4, 6, 9)));
        assert_eq!(parts(text, (6, 9)), Some((4, 6, 9)));
        assert_eq!(parts("x = FOO", (4, 7)), None);
    }
}
