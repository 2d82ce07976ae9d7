//! FIELD_SAME_DEFAULT: a singular scalar or enum field keeps its default value, written with
//! `default = ...` or implied (zero, false, empty, or an enum's first value).

use super::prelude::*;

use prost_types::field_descriptor_proto::Type;

use super::field_common::{describe, is_repeated};
use crate::schema::Span;

declare_rule!(FieldSameDefault, "FIELD_SAME_DEFAULT");

impl Rule for FieldSameDefault {
    fn check_field(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }

    fn check_extension(&self, cx: &mut Context, old: &Field, new: &Field) {
        check(cx, old, new);
    }
}

/// A default value, as buf compares it across types: integers, bools and enum numbers exactly,
/// floating-point numbers (rounded to `float` when the field is one), and bytes.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i128),
    Float { value: f64, single: bool },
    Bytes(Vec<u8>),
}

impl Value {
    fn is_zero(&self) -> bool {
        match self {
            Value::Int(i) => *i == 0,
            Value::Float { value, .. } => *value == 0.0,
            Value::Bytes(b) => b.is_empty(),
        }
    }
}

// buf parity: values of different types are compared by what they hold: 5 (int32) equals 5.0
// (float) and `true` equals 1 and enum value number 1; a `float` and a `double` are equal when
// they round to the same `float`; NaN equals NaN; a string equals bytes with the same content;
// a number and a string are equal only when both are zero and empty.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(i), Value::Float { value, .. })
        | (Value::Float { value, .. }, Value::Int(i)) => {
            value.is_finite() && value.fract() == 0.0 && value.abs() < 1e30 && *value as i128 == *i
        }
        (
            Value::Float {
                value: x,
                single: sx,
            },
            Value::Float {
                value: y,
                single: sy,
            },
        ) => {
            let (x, y) = if *sx || *sy {
                (f64::from(*x as f32), f64::from(*y as f32))
            } else {
                (*x, *y)
            };
            x == y || (x.is_nan() && y.is_nan())
        }
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        _ => a.is_zero() && b.is_zero(),
    }
}

/// The default of a singular scalar or enum field, with how to write it; `None` for repeated
/// and message fields (which have none) and for what cannot be read.
fn default_of(field: &Field, image: &Image) -> Option<(Value, String)> {
    let proto = field.proto;
    if is_repeated(proto) {
        return None;
    }
    let written = proto.default_value.as_deref();
    match proto.r#type() {
        Type::Message | Type::Group => None,
        Type::Double | Type::Float => {
            let single = proto.r#type() == Type::Float;
            let mut value: f64 = written.unwrap_or("0").trim().parse().ok()?;
            if single {
                value = f64::from(value as f32);
            }
            Some((Value::Float { value, single }, format_float(value, single)))
        }
        Type::Bool => {
            let value = written == Some("true");
            Some((Value::Int(i128::from(value)), value.to_string()))
        }
        Type::String => {
            let text = written.unwrap_or("");
            Some((Value::Bytes(text.as_bytes().to_vec()), format!("{text:?}")))
        }
        Type::Bytes => {
            let bytes = unescape(written.unwrap_or(""))?;
            let shown = format!("\"{}\"", bytes.escape_ascii());
            Some((Value::Bytes(bytes), shown))
        }
        Type::Enum => {
            let e = image.enum_(proto.type_name())?;
            let value = match written {
                Some(name) => e.proto.value.iter().find(|v| v.name() == name)?,
                None => e.proto.value.first()?,
            };
            Some((
                Value::Int(i128::from(value.number())),
                value.name().to_string(),
            ))
        }
        _ => {
            let value: i128 = written.unwrap_or("0").trim().parse().ok()?;
            Some((Value::Int(value), value.to_string()))
        }
    }
}

fn format_float(value: f64, single: bool) -> String {
    if value.is_nan() {
        "nan".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if single {
        (value as f32).to_string()
    } else {
        value.to_string()
    }
}

/// Decodes the C escapes a descriptor writes in a `bytes` default (`\n`, `\"`, `\123`, `\x7f`).
fn unescape(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let c = *bytes.get(i)?;
        i += 1;
        match c {
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(v).ok()?);
            }
            b'x' | b'X' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 {
                    match bytes.get(i).and_then(|d| (*d as char).to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            i += 1;
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n == 0 {
                    return None;
                }
                out.push(u8::try_from(v).ok()?);
            }
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            other => out.push(other),
        }
    }
    Some(out)
}

// buf parity: compared only when both sides are singular scalar or enum fields, proto3 ones
// included (their default is the implied one). Reported at the whole new `default = ...` option,
// or at the whole field when it writes none.
fn check(cx: &mut Context, old: &Field, new: &Field) {
    let Some((o, old_shown)) = default_of(old, cx.old()) else {
        return;
    };
    let Some((n, new_shown)) = default_of(new, cx.new_image()) else {
        return;
    };
    if same(&o, &n) {
        return;
    }
    let message = format!(
        "{} changed its default value from {old_shown} to {new_shown}: readers of messages without the field see a different value; restore the old default ({old_shown}), or add a field with a new number and deprecate this one",
        describe(new),
    );
    match default_option_span(cx, new) {
        Some((file, span)) => cx.report_span(file, &new.path, span, message),
        None => cx.report(new, &[], message),
    }
}

/// The span of the whole `default = ...` option of `field` in the new source. The source index
/// records only the value; buf reports from the `default` keyword.
fn default_option_span(cx: &Context, field: &Field) -> Option<(usize, Span)> {
    let file = cx.new_image().file(field.file);
    let source = file.source?;
    let mut path = field.path.to_vec();
    path.push(tag::FIELD_DEFAULT_VALUE);
    let value = file.span(&path)?;
    let before = source.text.get(..value.start)?.trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let start = before.strip_suffix("default")?.len();
    Some((
        field.file,
        Span {
            start,
            end: value.end,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::{same, unescape, Value};

    #[test]
    fn unescapes_c_escapes() {
        assert_eq!(unescape(r#"a\001\x02\n\"\\"#).unwrap(), b"a\x01\x02\n\"\\");
        assert_eq!(unescape(r"\377").unwrap(), vec![0xff]);
    }

    #[test]
    fn compares_across_types() {
        let f = |value, single| Value::Float { value, single };
        assert!(same(&Value::Int(5), &f(5.0, true)));
        assert!(same(&f(f64::from(0.1f32), true), &f(0.1, false)));
        assert!(!same(&f(0.1, false), &f(0.10000000000000002, false)));
        assert!(same(&f(f64::NAN, false), &f(f64::NAN, true)));
        assert!(same(&Value::Int(0), &Value::Bytes(vec![])));
        assert!(!same(&Value::Int(1), &Value::Bytes(b"1".to_vec())));
        assert!(!same(
            &Value::Int(9007199254740993),
            &f(9007199254740992.0, false)
        ));
    }
}
