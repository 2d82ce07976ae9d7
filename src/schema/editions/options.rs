//! Reading one `features` option: its name (`features.NAME`, `features.(pb.LANG).NAME`, or an
//! aggregate `features = { ... }`), the element it may be set on, the edition it needs and its
//! value, with buf's places for what is wrong.

use prost_types::UninterpretedOption;

use super::features::{self, Edition, Feature, Target};
use super::Problem;

/// The byte range of `needle` in `text` within `span`, from `from` on; the span's start if
/// absent.
pub(super) fn find_in(
    text: &str,
    span: (usize, usize),
    from: usize,
    needle: &str,
) -> (usize, usize) {
    let hay = text
        .get(from.max(span.0)..span.1.min(text.len()))
        .unwrap_or("");
    match hay.find(needle) {
        Some(i) => {
            let start = from.max(span.0) + i;
            (start, start + needle.len())
        }
        None => (span.0, span.0),
    }
}

/// The byte range of an option's value: after its `=`, up to a `;`, `,` or `]`.
fn value_range(text: &str, span: (usize, usize)) -> (usize, usize) {
    let body = text.get(span.0..span.1.min(text.len())).unwrap_or("");
    let Some(eq) = body.rfind('=') else {
        return span;
    };
    let value = &body[eq + 1..];
    let skipped = value.len() - value.trim_start().len();
    let trimmed = value.trim_start();
    let len = trimmed
        .find([';', ']'])
        .map_or(trimmed.len(), |i| i)
        .min(trimmed.trim_end().len());
    let start = span.0 + eq + 1 + skipped;
    (start, start + len)
}

/// The single-feature options an aggregate `features` option stands for (`features = {
/// enum_type: CLOSED [pb.cpp] { string_type: VIEW } }`), or `None` for an option that is not
/// one; an error says what cannot be read.
pub(super) fn expand_aggregate(
    option: &UninterpretedOption,
) -> Option<Result<Vec<UninterpretedOption>, String>> {
    use prost_types::uninterpreted_option::NamePart;
    let text = option.aggregate_value.as_deref()?;
    let prefix: Vec<NamePart> = option.name.clone();
    if !(prefix.len() == 1 || prefix.len() == 2 && prefix[1].is_extension) {
        return None;
    }
    let tokens = match aggregate_tokens(text) {
        Ok(tokens) => tokens,
        Err(e) => return Some(Err(e)),
    };
    let mut out = Vec::new();
    let mut stack: Vec<NamePart> = prefix;
    let base = stack.len();
    let mut i = 0;
    let part = |name: &str, is_extension: bool| NamePart {
        name_part: name.to_string(),
        is_extension,
    };
    while i < tokens.len() {
        let token = tokens[i].as_str();
        match token {
            "}" | ">" => {
                if stack.len() <= base {
                    return Some(Err("unbalanced `}` in the features value".to_string()));
                }
                stack.pop();
                i += 1;
            }
            "," | ";" => i += 1,
            _ => {
                let (name, is_extension) = match token.strip_prefix('[') {
                    Some(inner) => (inner.trim_end_matches(']').trim().to_string(), true),
                    None => (token.to_string(), false),
                };
                i += 1;
                if tokens.get(i).map(String::as_str) == Some(":") {
                    i += 1;
                }
                match tokens.get(i).map(String::as_str) {
                    Some("{" | "<") => {
                        stack.push(part(&name, is_extension));
                        i += 1;
                    }
                    Some(value) => {
                        let mut name_parts = stack.clone();
                        name_parts.push(part(&name, is_extension));
                        let mut single = UninterpretedOption {
                            name: name_parts,
                            ..Default::default()
                        };
                        if let Some(s) = value.strip_prefix('"') {
                            single.string_value = Some(s.trim_end_matches('"').as_bytes().to_vec());
                        } else if let Ok(n) = value.parse::<u64>() {
                            single.positive_int_value = Some(n);
                        } else {
                            single.identifier_value = Some(value.to_string());
                        }
                        out.push(single);
                        i += 1;
                    }
                    None => {
                        return Some(Err(format!("`{name}` has no value in the features value")))
                    }
                }
            }
        }
    }
    Some(Ok(out))
}

/// The tokens of a text-format value: identifiers and numbers, `[ext]` as one token, strings
/// with their quotes, and punctuation.
fn aggregate_tokens(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '[' => {
                let end = text[i..]
                    .find(']')
                    .ok_or_else(|| "unclosed `[` in the features value".to_string())?;
                tokens.push(text[i..=i + end].to_string());
                while chars.peek().is_some_and(|(j, _)| *j <= i + end) {
                    chars.next();
                }
            }
            '"' | '\'' => {
                let end = text[i + 1..]
                    .find(c)
                    .ok_or_else(|| "unclosed string in the features value".to_string())?;
                tokens.push(format!("\"{}\"", &text[i + 1..i + 1 + end]));
                while chars.peek().is_some_and(|(j, _)| *j <= i + 1 + end) {
                    chars.next();
                }
            }
            '{' | '}' | '<' | '>' | ':' | ',' | ';' => tokens.push(c.to_string()),
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' || d == '-' || d == '+' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(text[i..end].to_string());
            }
        }
    }
    Ok(tokens)
}

/// buf parity: a problem of one feature of an aggregate value (`features = { KEY: VALUE }`),
/// placed as buf places it: an unknown feature from its key to the end of its value, a value in
/// error at the value (the rest stay where [`feature_of`] puts them, at the key).
pub(super) fn place_in_aggregate(
    problem: &mut Problem,
    single: &UninterpretedOption,
    text: &str,
    span: (usize, usize),
) {
    let [_, key] = single.name.as_slice() else {
        return;
    };
    let body_start = find_in(text, span, span.0, "{").1;
    if key.is_extension || body_start == span.0 {
        return;
    }
    let entries = super::support::aggregate_entries(text, body_start, span.1.min(text.len()));
    let Some(entry) = entries.iter().find(|e| e.key == key.name_part) else {
        return;
    };
    if problem.start == entry.key_at.0 {
        if features::find(None, &key.name_part).is_none() {
            problem.end = entry.value_at.1;
        }
    } else {
        (problem.start, problem.end) = entry.value_at;
    }
}

/// The feature an option sets, and its value; or what is wrong with it.
pub(super) fn feature_of(
    option: &UninterpretedOption,
    text: &str,
    span: (usize, usize),
    target: Target,
    edition: Edition,
    imports: &[String],
) -> Result<(&'static Feature, String), Problem> {
    let parts = &option.name[1..];
    let (extension, name) = match parts {
        [name] if !name.is_extension => (None, name),
        [ext, name] if ext.is_extension && !name.is_extension => (Some(ext), name),
        _ => {
            let at = find_in(text, span, span.0, "features");
            let (start, end) = (at.1.min(span.1), value_range(text, span).0);
            return Err(Problem {
                start,
                end: end.max(start),
                message: "set one feature at a time here: `features.NAME = VALUE` or `features.(pb.LANG).NAME = VALUE`".to_string(),
            });
        }
    };
    let features_end = find_in(text, span, span.0, "features").1;
    if let Some(ext) = extension {
        let ext_name = ext.name_part.trim_start_matches('.');
        let at = find_in(text, span, features_end, ext_name);
        let Some(file) = features::language_file(ext_name) else {
            return Err(Problem {
                start: at.0,
                end: at.1,
                message: format!(
                    "`{ext_name}` is no language feature extension buf knows (pb.cpp, pb.java, pb.go)"
                ),
            });
        };
        if !imports.iter().any(|i| i == file) {
            return Err(Problem {
                start: at.0,
                end: at.1,
                message: format!("features of `({ext_name})` need `import \"{file}\";`"),
            });
        }
    }
    let ext_name = extension.map(|e| e.name_part.trim_start_matches('.'));
    let name_at = find_in(text, span, features_end, &name.name_part);
    let name_at = if ext_name.is_some() {
        // After the extension's closing parenthesis.
        let close = find_in(text, span, features_end, ")").1;
        find_in(text, span, close, &name.name_part)
    } else {
        name_at
    };
    let Some(feature) = features::find(ext_name, &name.name_part) else {
        // buf parity: an unknown core feature is placed from the dot before its name.
        let start = if ext_name.is_none()
            && text.as_bytes().get(name_at.0.wrapping_sub(1)) == Some(&b'.')
        {
            name_at.0 - 1
        } else {
            name_at.0
        };
        let name_at = (start, name_at.1);
        let message = match ext_name {
            Some(ext) => format!("`({ext})` has no feature `{}`", name.name_part),
            None => format!(
                "`{}` is no feature of `google.protobuf.FeatureSet`: check its spelling",
                name.name_part
            ),
        };
        return Err(Problem {
            start: name_at.0,
            end: name_at.1,
            message,
        });
    };
    if !feature.targets.contains(&target) {
        return Err(Problem {
            start: name_at.0,
            end: name_at.1,
            message: format!(
                "feature `{}` cannot be set on {}: set it on {}",
                feature.key(),
                target_name(target),
                feature
                    .targets
                    .iter()
                    .map(|t| target_name(*t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if edition < feature.since {
        // buf parity: placed at the whole option name, from `features`.
        let features_start = find_in(text, span, span.0, "features").0;
        return Err(Problem {
            start: features_start,
            end: name_at.1,
            message: match feature.since {
                features::Edition::Unstable => format!(
                    "feature `{}` is still unstable (introduced in EDITION_UNSTABLE), which no file can name; this file is edition {}: remove it",
                    feature.key(),
                    edition.name()
                ),
                since => format!(
                    "feature `{}` needs edition {} or later; this file is edition {}",
                    feature.key(),
                    since.name(),
                    edition.name()
                ),
            },
        });
    }
    let value_at = value_range(text, span);
    let wrong = |what: String| Problem {
        start: value_at.0,
        end: value_at.1,
        message: what,
    };
    let value = match (feature.values, option) {
        (features::Values::Enum(values), o) if o.identifier_value.is_some() => {
            let ident = o.identifier_value.as_deref().unwrap_or_default();
            if ident.is_empty() || !values.contains(&ident) {
                return Err(wrong(format!(
                    "`{ident}` is no value of feature `{}`: use one of {}",
                    feature.key(),
                    features::value_names(values)
                )));
            }
            ident.to_string()
        }
        (features::Values::Enum(values), o) if o.positive_int_value.is_some() => {
            let n = o.positive_int_value.unwrap_or_default();
            match feature.value_of(n) {
                Some(v) => v.to_string(),
                None => {
                    return Err(wrong(format!(
                        "{n} is no value of feature `{}`: use one of {}",
                        feature.key(),
                        features::value_names(values)
                    )))
                }
            }
        }
        (features::Values::Bool, o)
            if matches!(o.identifier_value.as_deref(), Some("true" | "false")) =>
        {
            o.identifier_value.clone().unwrap_or_default()
        }
        (values, _) => {
            let expected = match values {
                features::Values::Enum(values) => {
                    format!("one of {}", features::value_names(values))
                }
                features::Values::Bool => "true or false".to_string(),
            };
            return Err(wrong(format!(
                "feature `{}` takes {expected}, not this value",
                feature.key()
            )));
        }
    };
    Ok((feature, value))
}

fn target_name(target: Target) -> &'static str {
    match target {
        Target::File => "a file",
        Target::Message => "a message",
        Target::Field => "a field",
        Target::Oneof => "a oneof",
        Target::ExtensionRange => "an extension range",
        Target::Enum => "an enum",
        Target::EnumValue => "an enum value",
        Target::Service => "a service",
        Target::Method => "a method",
    }
}
