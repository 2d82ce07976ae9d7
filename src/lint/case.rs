//! Name styles as buf's naming rules judge them, and the suggestions sous prints.
//!
//! A name is split into words at underscores, at lower-to-upper transitions, and before the last
//! capital of a run of capitals followed by a lower-case letter (`HTTPServer` -> `HTTP`, `Server`).

/// Splits a name into words.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_uppercase() => {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `foo_bar` -> `FooBar`.
pub fn to_pascal_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// `fooBar` -> `foo_bar`.
pub fn to_lower_snake_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `fooBar` -> `FOO_BAR`.
pub fn to_upper_snake_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_uppercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// PascalCase: starts with an upper-case letter and has no underscore.
pub fn is_pascal_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !name.contains('_')
}

pub fn is_lower_snake_case(name: &str) -> bool {
    name == to_lower_snake_case(name)
}

pub fn is_upper_snake_case(name: &str) -> bool {
    name == to_upper_snake_case(name)
}
