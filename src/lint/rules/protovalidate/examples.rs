//! `example` values checked against the standard rules beside them, as protovalidate checks a
//! message holding the example: numbers, strings, bytes, bools, enums, durations and timestamps.
//! Predefined rules are evaluated with a small CEL evaluator. When a rule cannot be evaluated
//! here (field CEL, patterns, well-known formats, rules relative to now, CEL beyond the
//! evaluator), the examples are left unchecked rather than guessed at.

use prost_reflect::{DynamicMessage, Kind, ReflectMessage, Value};

use super::celeval;

/// A protobuf value as the CEL evaluator takes it.
fn cel_value(v: &Value) -> Option<celeval::E> {
    use celeval::E;
    Some(match v {
        Value::I32(x) => E::Int(i64::from(*x)),
        Value::I64(x) => E::Int(*x),
        Value::EnumNumber(x) => E::Int(i64::from(*x)),
        Value::U32(x) => E::Uint(u64::from(*x)),
        Value::U64(x) => E::Uint(*x),
        Value::F32(x) => E::Double(f64::from(*x)),
        Value::F64(x) => E::Double(*x),
        Value::Bool(b) => E::Bool(*b),
        Value::String(s) => E::Str(s.clone()),
        Value::Bytes(b) => E::Bytes(b.to_vec()),
        Value::List(items) => E::List(items.iter().map(cel_value).collect::<Option<_>>()?),
        _ => return None,
    })
}

/// A value as the rules compare it.
#[derive(Clone, PartialEq, PartialOrd)]
enum V {
    Int(i128),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

fn value(v: &Value) -> Option<V> {
    Some(match v {
        Value::I32(x) => V::Int(i128::from(*x)),
        Value::I64(x) => V::Int(i128::from(*x)),
        Value::U32(x) => V::Int(i128::from(*x)),
        Value::U64(x) => V::Int(i128::from(*x)),
        Value::EnumNumber(x) => V::Int(i128::from(*x)),
        Value::F32(x) => V::Float(f64::from(*x)),
        Value::F64(x) => V::Float(*x),
        Value::String(s) => V::Text(s.clone()),
        Value::Bytes(b) => V::Bytes(b.to_vec()),
        Value::Bool(b) => V::Bool(*b),
        // Durations and timestamps, in nanoseconds.
        Value::Message(m) => {
            let n = |name: &str| {
                m.get_field_by_name(name)
                    .and_then(|v| v.as_i64().or(v.as_i32().map(i64::from)))
                    .unwrap_or(0)
            };
            V::Int(i128::from(n("seconds")) * 1_000_000_000 + i128::from(n("nanos")))
        }
        _ => return None,
    })
}

fn is_zero(v: &V) -> bool {
    match v {
        V::Int(x) => *x == 0,
        V::Float(x) => *x == 0.0,
        V::Text(s) => s.is_empty(),
        V::Bytes(b) => b.is_empty(),
        V::Bool(b) => !b,
    }
}

/// The rules of `sub` (one type's rules, e.g. `Int32Rules`) that `example` breaks, by name;
/// `None` when they cannot all be evaluated. `field` holds the `FieldRules` (for `cel` and
/// `required`); `kind` is the type of the field's values.
pub(super) fn broken_rules(
    field: &DynamicMessage,
    sub: &DynamicMessage,
    kind: &Kind,
    example: &Value,
) -> Option<Vec<String>> {
    let set = |m: &DynamicMessage, name: &str| {
        m.descriptor()
            .get_field_by_name(name)
            .filter(|f| m.has_field(f))
            .map(|f| m.get_field(&f).into_owned())
    };
    let list = |name: &str| -> Vec<V> {
        match set(sub, name) {
            Some(Value::List(items)) => items.iter().filter_map(value).collect(),
            _ => Vec::new(),
        }
    };
    // Rules beyond the standard ones below leave the example unchecked.
    const KNOWN: &[&str] = &[
        "const",
        "lt",
        "lte",
        "gt",
        "gte",
        "in",
        "not_in",
        "finite",
        "example",
        "len",
        "min_len",
        "max_len",
        "len_bytes",
        "min_bytes",
        "max_bytes",
        "prefix",
        "suffix",
        "contains",
        "not_contains",
        "defined_only",
    ];
    if sub.fields().any(|(f, _)| !KNOWN.contains(&f.name())) {
        return None;
    }
    // Predefined rules (extensions of the rules message) are CEL, evaluated here.
    let mut broken_predefined = Vec::new();
    for (x, rule) in sub.extensions() {
        let pool = x.parent_pool();
        let predefined = pool.get_extension_by_name("buf.validate.predefined")?;
        let options = x.options();
        if !options.has_extension(&predefined) {
            return None;
        }
        let Value::Message(rules) = options.get_extension(&predefined).into_owned() else {
            return None;
        };
        let Some(Value::List(cel)) = rules.get_field_by_name("cel").map(|v| v.into_owned()) else {
            return None;
        };
        for entry in cel {
            let entry = entry.as_message()?;
            let text = |name: &str| {
                entry
                    .get_field_by_name(name)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            let tree = super::parse_cel(&text("expression")).ok()?;
            let mut scope = vec![
                ("this".to_string(), cel_value(example)?),
                ("rule".to_string(), cel_value(rule)?),
            ];
            match celeval::eval(&tree, &mut scope)? {
                celeval::E::Bool(true) => {}
                celeval::E::Str(s) if s.is_empty() => {}
                celeval::E::Bool(false) | celeval::E::Str(_) => {
                    broken_predefined.push(text("id"))
                }
                _ => return None,
            }
        }
    }
    if matches!(set(field, "cel"), Some(Value::List(l)) if !l.is_empty()) {
        return None;
    }
    let v = value(example)?;
    let mut broken = Vec::new();
    // `ignore`: IGNORE_IF_ZERO_VALUE (1) skips a zero example, IGNORE_ALWAYS (3) every one.
    match set(field, "ignore").and_then(|i| i.as_enum_number()) {
        Some(3) => return Some(Vec::new()),
        Some(1) if is_zero(&v) => return Some(Vec::new()),
        _ => {}
    }
    if set(field, "required").and_then(|r| r.as_bool()) == Some(true) && is_zero(&v) {
        broken.push("required");
    }
    let get = |name: &str| set(sub, name).as_ref().and_then(value);
    if let Some(c) = get("const") {
        if v != c {
            broken.push("const");
        }
    }
    let lower = get("gt").map(|b| (b, false)).or(get("gte").map(|b| (b, true)));
    let upper = get("lt").map(|b| (b, false)).or(get("lte").map(|b| (b, true)));
    let above = |(b, inclusive): &(V, bool)| if *inclusive { v >= *b } else { v > *b };
    let below = |(b, inclusive): &(V, bool)| if *inclusive { v <= *b } else { v < *b };
    let in_range = match (&lower, &upper) {
        (None, None) => true,
        (Some(l), None) => above(l),
        (None, Some(u)) => below(u),
        // An upper bound below the lower one makes an exclusive range.
        (Some(l), Some(u)) if u.0 < l.0 => above(l) || below(u),
        (Some(l), Some(u)) => above(l) && below(u),
    };
    if !in_range {
        broken.push("range");
    }
    let ins = list("in");
    if !ins.is_empty() && !ins.contains(&v) {
        broken.push("in");
    }
    if list("not_in").contains(&v) {
        broken.push("not_in");
    }
    if set(sub, "finite").and_then(|f| f.as_bool()) == Some(true) {
        if let V::Float(x) = v {
            if !x.is_finite() {
                broken.push("finite");
            }
        }
    }
    let (chars, bytes) = match &v {
        V::Text(s) => (s.chars().count() as i128, s.len() as i128),
        V::Bytes(b) => (b.len() as i128, b.len() as i128),
        _ => (0, 0),
    };
    let int = |name: &str| match get(name) {
        Some(V::Int(x)) => Some(x),
        _ => None,
    };
    for (name, ok) in [
        ("len", int("len").is_none_or(|n| chars == n)),
        ("min_len", int("min_len").is_none_or(|n| chars >= n)),
        ("max_len", int("max_len").is_none_or(|n| chars <= n)),
        ("len_bytes", int("len_bytes").is_none_or(|n| bytes == n)),
        ("min_bytes", int("min_bytes").is_none_or(|n| bytes >= n)),
        ("max_bytes", int("max_bytes").is_none_or(|n| bytes <= n)),
    ] {
        if !ok {
            broken.push(name);
        }
    }
    let hay: Option<Vec<u8>> = match &v {
        V::Text(s) => Some(s.as_bytes().to_vec()),
        V::Bytes(b) => Some(b.clone()),
        _ => None,
    };
    let needle = |name: &str| match get(name) {
        Some(V::Text(s)) => Some(s.into_bytes()),
        Some(V::Bytes(b)) => Some(b),
        _ => None,
    };
    if let Some(hay) = hay {
        let contains = |n: &[u8]| n.is_empty() || hay.windows(n.len()).any(|w| w == n);
        if needle("prefix").is_some_and(|n| !hay.starts_with(&n)) {
            broken.push("prefix");
        }
        if needle("suffix").is_some_and(|n| !hay.ends_with(&n)) {
            broken.push("suffix");
        }
        if needle("contains").is_some_and(|n| !contains(&n)) {
            broken.push("contains");
        }
        if needle("not_contains").is_some_and(|n| contains(&n)) {
            broken.push("not_contains");
        }
    }
    if set(sub, "defined_only").and_then(|d| d.as_bool()) == Some(true) {
        if let (Kind::Enum(e), V::Int(n)) = (kind, &v) {
            if i32::try_from(*n).ok().and_then(|n| e.get_value(n)).is_none() {
                broken.push("defined_only");
            }
        }
    }
    let mut broken: Vec<String> = broken.into_iter().map(str::to_string).collect();
    broken.extend(broken_predefined);
    Some(broken)
}
