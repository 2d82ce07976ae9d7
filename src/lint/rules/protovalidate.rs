//! PROTOVALIDATE: `buf.validate` rules fit the field they are on, can be satisfied, and their
//! regular expressions and CEL expressions compile.
//!
//! The rules are custom options, which the prost-types descriptors drop: they are read from the
//! prost-reflect pool, where `FieldOptions` carry the `buf.validate.field` extension.

mod celdepth;
mod celeval;
mod celtype;
mod examples;
mod literal;

use prost_reflect::{
    DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind, ReflectMessage, Value,
};

use super::prelude::*;
use literal::Entry;

declare_rule!(Protovalidate, "PROTOVALIDATE");

/// Extension names in `buf/validate/validate.proto`.
const FIELD_EXT: &str = "buf.validate.field";
const MESSAGE_EXT: &str = "buf.validate.message";
const PREDEFINED_EXT: &str = "buf.validate.predefined";

impl Rule for Protovalidate {
    fn check_field(&self, cx: &mut Context, field: &FieldNode) {
        let Some(file) = cx.file() else { return };
        let Some(pool) = file.schema.pool(file.proto.name()) else {
            return;
        };
        let Some(ext) = pool.get_extension_by_name(FIELD_EXT) else {
            return;
        };
        // A message's field, or an extension (declared at file level or in a message).
        let target = if field.message.is_some() {
            pool.get_message_by_name(field.message_full_name)
                .and_then(|m| m.get_field_by_name(field.proto.name()))
                .map(|fd| Target::field(&fd))
        } else {
            let full_name = match field.message_full_name {
                "" => field.proto.name().to_string(),
                scope => format!("{scope}.{}", field.proto.name()),
            };
            pool.get_extension_by_name(&full_name)
                .map(|x| Target::extension(&x))
        };
        let Some((target, options)) = target else {
            return;
        };
        if field.message.is_none() {
            predefined(cx, field, pool, &options);
        }
        let Some(rules) = extension_message(&options, &ext) else {
            return;
        };
        let Kind::Message(root) = ext.kind() else {
            return;
        };
        let options_path = path_with(field.path, &[tag::FIELD_OPTIONS]);
        let mut r = Reporter {
            entries: literal::entries(file, &options_path, ext.number() as i32, &root),
            options_path,
            element_path: field.path.to_vec(),
            name: format!("field {:?}", field.proto.name()),
            cx,
        };
        let ext_number = ext.number() as i32;
        let label = format!("({FIELD_EXT})");
        r.common(&rules, &target, &[ext_number], &label);
        r.field_rules(&rules, &target.ty, &[ext_number], &label);
    }

    fn check_message(&self, cx: &mut Context, message: &MessageNode) {
        let Some(file) = cx.file() else { return };
        let Some(pool) = file.schema.pool(file.proto.name()) else {
            return;
        };
        let Some(ext) = pool.get_extension_by_name(MESSAGE_EXT) else {
            return;
        };
        let Some(md) = pool.get_message_by_name(message.full_name) else {
            return;
        };
        let Some(rules) = extension_message(&md.options(), &ext) else {
            return;
        };
        let Kind::Message(root) = ext.kind() else {
            return;
        };
        let options_path = path_with(message.path, &[tag::MESSAGE_OPTIONS]);
        let ext_number = ext.number() as i32;
        let mut r = Reporter {
            entries: literal::entries(file, &options_path, ext_number, &root),
            options_path,
            element_path: message.path.to_vec(),
            name: format!("message {:?}", message.proto.name()),
            cx,
        };
        let label = format!("({MESSAGE_EXT})");
        r.cel(&rules, &[ext_number], &label, &celtype::T::Message(md.clone()));
        // `oneof` entries name fields of this message, each at least one, each field once.
        // buf places every finding about an entry at the whole entry.
        if let Some((number, list)) = list_field(&rules, "oneof") {
            let name = message.proto.name();
            let mut entries_of: std::collections::BTreeMap<String, Vec<usize>> =
                Default::default();
            for (i, entry) in list.iter().enumerate() {
                let at = [ext_number, number, i as i32];
                let names: Vec<String> = match entry
                    .as_message()
                    .and_then(|e| e.get_field_by_name("fields"))
                    .map(|v| v.into_owned())
                {
                    Some(Value::List(names)) => names
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                if names.is_empty() {
                    r.report(
                        &at,
                        format!("{label}.oneof entry of message {name:?} names no field: list at least one, or remove the entry"),
                    );
                    continue;
                }
                let mut seen = std::collections::BTreeSet::new();
                for field in &names {
                    if !seen.insert(field) {
                        r.report(
                            &at,
                            format!("{label}.oneof entry of message {name:?} names field {field:?} more than once: keep one"),
                        );
                    } else if md.get_field_by_name(field).is_none() {
                        r.report(
                            &at,
                            format!("{label}.oneof of message {name:?} names field {field:?}, which the message does not have: fix the name or remove it from the list"),
                        );
                    } else {
                        entries_of.entry(field.clone()).or_default().push(i);
                    }
                }
            }
            for (field, entries) in entries_of.iter().filter(|(_, e)| e.len() > 1) {
                for &i in entries {
                    r.report(
                        &[ext_number, number, i as i32],
                        format!("{label}.oneof entries of message {name:?} share field {field:?}: a field may be in one entry only"),
                    );
                }
            }
        }
    }
}

/// A predefined rule (an extension of a `*Rules` message with `(buf.validate.predefined)`): its
/// CEL expressions must compile, with `this` the value being validated.
fn predefined(
    cx: &mut Context,
    field: &FieldNode,
    pool: &prost_reflect::DescriptorPool,
    options: &DynamicMessage,
) {
    let Some(file) = cx.file() else { return };
    let Some(ext) = pool.get_extension_by_name(PREDEFINED_EXT) else {
        return;
    };
    let Some(rules) = extension_message(options, &ext) else {
        return;
    };
    let Kind::Message(root) = ext.kind() else {
        return;
    };
    let extendee = field.proto.extendee().trim_start_matches('.');
    let this = match extendee.strip_prefix("buf.validate.").unwrap_or("") {
        "FloatRules" | "DoubleRules" => celtype::T::Double,
        "Int32Rules" | "Int64Rules" | "SInt32Rules" | "SInt64Rules" | "SFixed32Rules"
        | "SFixed64Rules" | "EnumRules" => celtype::T::Int,
        "UInt32Rules" | "UInt64Rules" | "Fixed32Rules" | "Fixed64Rules" => celtype::T::Uint,
        "BoolRules" => celtype::T::Bool,
        "StringRules" => celtype::T::String,
        "BytesRules" => celtype::T::Bytes,
        "DurationRules" => celtype::T::Duration,
        "TimestampRules" => celtype::T::Timestamp,
        _ => celtype::T::Dyn,
    };
    let options_path = path_with(field.path, &[tag::FIELD_OPTIONS]);
    let ext_number = ext.number() as i32;
    let mut r = Reporter {
        entries: literal::entries(file, &options_path, ext_number, &root),
        options_path,
        element_path: field.path.to_vec(),
        name: format!("extension {:?}", field.proto.name()),
        cx,
    };
    let rule = pool
        .get_extension_by_name(&match field.message_full_name {
            "" => field.proto.name().to_string(),
            scope => format!("{scope}.{}", field.proto.name()),
        })
        .map_or(celtype::T::Dyn, |x| {
            let single = celtype::T::of_kind(&x.kind());
            if x.is_list() {
                celtype::T::List(Box::new(single))
            } else {
                single
            }
        });
    r.cel_with_rule(&rules, &[ext_number], &format!("({PREDEFINED_EXT})"), &this, &rule);
}

/// The value of extension `ext` in `options`, if set.
fn extension_message(
    options: &DynamicMessage,
    ext: &ExtensionDescriptor,
) -> Option<DynamicMessage> {
    if !options.has_extension(ext) {
        return None;
    }
    match options.get_extension(ext).into_owned() {
        Value::Message(m) => Some(m),
        _ => None,
    }
}

/// A repeated field of `message` by name, with its number, if it has elements.
fn list_field(message: &DynamicMessage, name: &str) -> Option<(i32, Vec<Value>)> {
    let field = message.descriptor().get_field_by_name(name)?;
    match message.get_field(&field).into_owned() {
        Value::List(values) if !values.is_empty() => Some((field.number() as i32, values)),
        _ => None,
    }
}

/// The field (or extension) a `FieldRules` is on: what `common` needs of it.
struct Target {
    ty: Ty,
    /// Its oneof, unless synthetic.
    oneof: Option<String>,
    /// Whether it tracks presence.
    presence: bool,
    extension: bool,
}

impl Target {
    fn field(fd: &FieldDescriptor) -> (Target, DynamicMessage) {
        let target = Target {
            ty: Ty::of(fd),
            oneof: (fd.containing_oneof())
                .filter(|o| !o.is_synthetic())
                .map(|o| o.name().to_string()),
            presence: fd.supports_presence(),
            extension: false,
        };
        (target, fd.options())
    }

    fn extension(x: &ExtensionDescriptor) -> (Target, DynamicMessage) {
        let ty = if x.is_list() {
            Ty::List(x.kind())
        } else {
            Ty::Single(x.kind())
        };
        let target = Target {
            ty,
            oneof: None,
            presence: x.supports_presence(),
            extension: true,
        };
        (target, x.options())
    }
}

/// What a set of field rules applies to.
enum Ty {
    Single(Kind),
    List(Kind),
    Map(Kind, Kind),
}

impl Ty {
    fn of(fd: &FieldDescriptor) -> Ty {
        if fd.is_map() {
            if let Kind::Message(entry) = fd.kind() {
                let key = entry.map_entry_key_field().kind();
                let value = entry.map_entry_value_field().kind();
                return Ty::Map(key, value);
            }
        }
        if fd.is_list() {
            Ty::List(fd.kind())
        } else {
            Ty::Single(fd.kind())
        }
    }

    fn describe(&self) -> String {
        match self {
            Ty::Single(k) => kind_name(k),
            Ty::List(k) => format!("repeated {}", kind_name(k)),
            Ty::Map(k, v) => format!("map<{}, {}>", kind_name(k), kind_name(v)),
        }
    }
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Message(m) => m.full_name().to_string(),
        Kind::Enum(e) => e.full_name().to_string(),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// The `FieldRules.type` case a field of this kind accepts.
fn rules_case(kind: &Kind) -> &'static str {
    match kind {
        Kind::Double => "double",
        Kind::Float => "float",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Sint32 => "sint32",
        Kind::Sint64 => "sint64",
        Kind::Fixed32 => "fixed32",
        Kind::Fixed64 => "fixed64",
        Kind::Sfixed32 => "sfixed32",
        Kind::Sfixed64 => "sfixed64",
        Kind::Bool => "bool",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::Enum(_) => "enum",
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Any" => "any",
            "google.protobuf.Duration" => "duration",
            "google.protobuf.FieldMask" => "field_mask",
            "google.protobuf.Timestamp" => "timestamp",
            // Wrappers take the rules of the type they wrap.
            "google.protobuf.DoubleValue" => "double",
            "google.protobuf.FloatValue" => "float",
            "google.protobuf.Int32Value" => "int32",
            "google.protobuf.Int64Value" => "int64",
            "google.protobuf.UInt32Value" => "uint32",
            "google.protobuf.UInt64Value" => "uint64",
            "google.protobuf.BoolValue" => "bool",
            "google.protobuf.StringValue" => "string",
            "google.protobuf.BytesValue" => "bytes",
            _ => "",
        },
    }
}

/// A bound's value, comparable across integer, float and duration/timestamp rules.
#[derive(PartialEq, PartialOrd)]
enum Num {
    Int(i128),
    Float(f64),
}

fn num(value: &Value) -> Option<Num> {
    Some(match value {
        Value::I32(v) => Num::Int(i128::from(*v)),
        Value::I64(v) => Num::Int(i128::from(*v)),
        Value::U32(v) => Num::Int(i128::from(*v)),
        Value::U64(v) => Num::Int(i128::from(*v)),
        Value::F32(v) => Num::Float(f64::from(*v)),
        Value::F64(v) => Num::Float(*v),
        Value::Message(m) => {
            let seconds = m.get_field_by_name("seconds")?.as_i64()?;
            let nanos = m.get_field_by_name("nanos")?.as_i32()?;
            Num::Int(i128::from(seconds) * 1_000_000_000 + i128::from(nanos))
        }
        _ => return None,
    })
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Message(m) => format!("{{{m}}}"),
        Value::F32(v) => v.to_string(),
        Value::F64(v) => v.to_string(),
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::U32(v) => v.to_string(),
        Value::U64(v) => v.to_string(),
        other => format!("{other:?}"),
    }
}

struct Reporter<'c, 'x> {
    cx: &'c mut Context<'x>,
    entries: Vec<Entry>,
    /// The element's options: `[.., 8]` for a field, `[.., 7]` for a message.
    options_path: Vec<i32>,
    element_path: Vec<i32>,
    /// `field "x"` or `message "X"`, for messages.
    name: String,
}

impl Reporter<'_, '_> {
    /// Reports at the part of the option at `path` (relative to the options message).
    fn report(&mut self, path: &[i32], message: String) {
        match literal::find(&self.entries, path) {
            Some(span) => self.cx.report_span(&self.element_path, span, message),
            None => self.cx.report(&path_with(&self.options_path, path), message),
        }
    }

    /// Rules about the field as a whole: `required` and `ignore`.
    fn common(&mut self, rules: &DynamicMessage, target: &Target, path: &[i32], label: &str) {
        let d = rules.descriptor();
        let number = |name: &str| d.get_field_by_name(name).map_or(0, |f| f.number() as i32);
        let required = rules
            .get_field_by_name("required")
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
            && rules.has_field_by_name("required");
        let ignore = if rules.has_field_by_name("ignore") {
            rules
                .get_field_by_name("ignore")
                .and_then(|v| v.as_enum_number())
        } else {
            None
        };
        let ignore_name = ignore.and_then(|n| {
            d.get_field_by_name("ignore")
                .and_then(|f| f.kind().as_enum().and_then(|e| e.get_value(n)))
                .map(|v| v.name().to_string())
        });
        if required && target.extension {
            self.report(
                &path_with(path, &[number("required")]),
                format!("{} is an extension, which cannot be {label}.required: remove the rule", self.name),
            );
        }
        if target.extension && ignore_name.as_deref() == Some("IGNORE_IF_ZERO_VALUE") {
            self.report(
                &path_with(path, &[number("ignore")]),
                format!("{} is an extension, which cannot have {label}.ignore = IGNORE_IF_ZERO_VALUE: remove the rule", self.name),
            );
        }
        if required {
            if let Some(oneof) = &target.oneof {
                self.report(
                    &path_with(path, &[number("required")]),
                    format!("{} is in oneof {oneof:?} and cannot be {label}.required: require the oneof with (buf.validate.oneof).required instead", self.name),
                );
            }
        }
        if target.presence
            && !target.extension
            && ignore_name.as_deref() == Some("IGNORE_IF_ZERO_VALUE")
        {
            self.report(
                &path_with(path, &[number("ignore")]),
                format!("{} tracks presence, so {label}.ignore = IGNORE_IF_ZERO_VALUE is what it does anyway: remove the rule", self.name),
            );
        }
        match ignore_name.as_deref() {
            Some("IGNORE_IF_ZERO_VALUE") if required => {
                let message = format!("{} has both {label}.required and {label}.ignore = IGNORE_IF_ZERO_VALUE, which contradict each other: remove one", self.name);
                self.report(&path_with(path, &[number("required")]), message.clone());
                self.report(&path_with(path, &[number("ignore")]), message);
            }
            Some("IGNORE_ALWAYS") => {
                let others = rules.fields().any(|(f, _)| f.name() != "ignore");
                if others {
                    self.report(
                        &path_with(path, &[number("ignore")]),
                        format!("{} has {label}.ignore = IGNORE_ALWAYS, so its other rules never apply: remove them, or the ignore", self.name),
                    );
                }
            }
            _ => {}
        }
    }

    /// The `cel` and `cel_expression` rules of `rules` must parse, and `cel` ids must be made
    /// of letters, digits, `.`, `_` and `-`, and unique.
    fn cel(&mut self, rules: &DynamicMessage, path: &[i32], label: &str, this: &celtype::T) {
        self.cel_with_rule(rules, path, label, this, &celtype::T::Dyn);
    }

    /// [`Reporter::cel`] for a predefined rule, whose value `rule` has type `rule_ty`.
    fn cel_with_rule(
        &mut self,
        rules: &DynamicMessage,
        path: &[i32],
        label: &str,
        this: &celtype::T,
        rule_ty: &celtype::T,
    ) {
        if let Some((number, list)) = list_field(rules, "cel") {
            let mut by_id: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
            for (i, rule) in list.iter().enumerate() {
                let id = rule
                    .as_message()
                    .and_then(|m| m.get_field_by_name("id"))
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                if id.is_empty() {
                    continue;
                }
                let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
                if !id.chars().all(valid) {
                    self.report(
                        &path_with(path, &[number, i as i32]),
                        format!("{label}.cel id {id:?} of {} may hold only letters, digits, '.', '_' and '-': rename it", self.name),
                    );
                }
                by_id.entry(id).or_default().push(i);
            }
            for (id, indexes) in by_id.iter().filter(|(_, v)| v.len() > 1) {
                for &i in indexes {
                    self.report(
                        &path_with(path, &[number, i as i32]),
                        format!("{label}.cel id {id:?} is used {} times in {}: ids must be unique, rename all but one", indexes.len(), self.name),
                    );
                }
            }
            for (i, rule) in list.iter().enumerate() {
                let Some(rule) = rule.as_message() else {
                    continue;
                };
                let text = |name: &str| {
                    rule.get_field_by_name(name)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                let at = path_with(path, &[number, i as i32]);
                let what = format!("{label}.cel expression of {}", self.name);
                let message = !text("message").is_empty();
                self.expression(&text("expression"), message, (this, rule_ty), &at, &what);
            }
        }
        if let Some((number, list)) = list_field(rules, "cel_expression") {
            for (i, expression) in list.iter().enumerate() {
                let Some(expression) = expression.as_str() else {
                    continue;
                };
                let at = path_with(path, &[number, i as i32]);
                let what = format!("{label}.cel_expression of {}", self.name);
                self.expression(expression, false, (this, rule_ty), &at, &what);
            }
        }
    }

    /// One CEL expression at `at`: it must parse, type-check with `this` of type `this`, and
    /// evaluate to a bool or a string (a string being the message, a `message` beside it is
    /// never shown).
    fn expression(
        &mut self,
        expression: &str,
        has_message: bool,
        (this, rule): (&celtype::T, &celtype::T),
        at: &[i32],
        what: &str,
    ) {
        let tree = match parse_cel(expression) {
            Ok(tree) => tree,
            Err(error) => {
                self.report(at, format!("{what} does not parse: {error}"));
                return;
            }
        };
        let checked = celtype::check(&tree, this, rule);
        for error in &checked.errors {
            self.report(at, format!("{what} does not compile: {error}"));
        }
        if !checked.errors.is_empty() {
            return;
        }
        match checked.ty {
            celtype::T::Bool | celtype::T::Dyn => {}
            celtype::T::String if has_message => self.report(
                at,
                format!("{what} evaluates to a string, which is the violation's message, so its `message` is never shown: remove the message"),
            ),
            celtype::T::String => {}
            other => self.report(
                at,
                format!("{what} evaluates to {}, but a rule must evaluate to a bool or a string: compare the value with something", other.name()),
            ),
        }
    }

    /// Rules of one `FieldRules` message for values of type `ty`, at `path`.
    fn field_rules(&mut self, rules: &DynamicMessage, ty: &Ty, path: &[i32], label: &str) {
        let this = match ty {
            Ty::Single(kind) => celtype::T::of_kind(kind),
            Ty::List(kind) => celtype::T::List(Box::new(celtype::T::of_kind(kind))),
            Ty::Map(k, v) => celtype::T::Map(
                Box::new(celtype::T::of_kind(k)),
                Box::new(celtype::T::of_kind(v)),
            ),
        };
        self.cel(rules, path, label, &this);
        let Some((case, sub)) = type_case(rules) else {
            return;
        };
        let case_path = path_with(path, &[case.number() as i32]);
        let case_label = format!("{label}.{}", case.name());
        let fits = match (case.name(), ty) {
            ("repeated", Ty::List(_)) | ("map", Ty::Map(..)) => true,
            (name, Ty::Single(kind)) => rules_case(kind) == name,
            _ => false,
        };
        if !fits {
            let message = if case.name() == "repeated" {
                format!("{} is not repeated but has {case_label} rules: remove them or make the field repeated", self.name)
            } else if path.len() > 1 {
                // Rules for the items of a repeated field or the keys and values of a map.
                format!(
                    "{label} of {} apply to values of type {} but are {case_label} rules: use the rules of that type",
                    self.name,
                    ty.describe()
                )
            } else {
                format!(
                    "{} is of type {} but has {case_label} rules: use the rules of its type",
                    self.name,
                    ty.describe()
                )
            };
            self.report(&case_path, message);
            return;
        }
        let d = sub.descriptor();
        let child = |name: &str| d.get_field_by_name(name).map(|f| f.number() as i32);
        match (case.name(), ty) {
            ("repeated", Ty::List(kind)) => {
                // `unique` compares scalars and wrapper types only.
                let unique = d.get_field_by_name("unique").filter(|f| {
                    sub.has_field(f) && sub.get_field(f).as_bool() == Some(true)
                });
                if let (Some(unique), Kind::Message(m)) = (unique, kind) {
                    let wrapper = m.full_name().starts_with("google.protobuf.")
                        && m.full_name().ends_with("Value")
                        && !matches!(m.full_name(), "google.protobuf.Value" | "google.protobuf.ListValue");
                    if !wrapper {
                        self.report(
                            &path_with(&case_path, &[unique.number() as i32]),
                            format!("{} holds messages of type {}, which {case_label}.unique cannot compare (only scalars and wrapper types): remove it", self.name, m.full_name()),
                        );
                    }
                }
                self.pair(
                    &sub,
                    &case_path,
                    &case_label,
                    "min_items",
                    "max_items",
                    None,
                );
                if let (Some(items), Some(n)) = (sub_message(&sub, "items"), child("items")) {
                    let p = path_with(&case_path, &[n]);
                    self.unenforceable_required(&items, &p, &format!("{case_label}.items"));
                    self.field_rules(
                        &items,
                        &Ty::Single(kind.clone()),
                        &p,
                        &format!("{case_label}.items"),
                    );
                }
                return;
            }
            ("map", Ty::Map(key, value)) => {
                self.pair(
                    &sub,
                    &case_path,
                    &case_label,
                    "min_pairs",
                    "max_pairs",
                    None,
                );
                for (name, kind) in [("keys", key), ("values", value)] {
                    if let (Some(rules), Some(n)) = (sub_message(&sub, name), child(name)) {
                        let p = path_with(&case_path, &[n]);
                        self.unenforceable_required(&rules, &p, &format!("{case_label}.{name}"));
                        self.field_rules(
                            &rules,
                            &Ty::Single(kind.clone()),
                            &p,
                            &format!("{case_label}.{name}"),
                        );
                    }
                }
                return;
            }
            _ => {}
        }
        self.constant(&sub, &case_path, &case_label);
        self.bounds(&sub, &case_path, &case_label);
        if let Ty::Single(kind) = ty {
            self.examples(rules, &sub, kind, &case_path, &case_label);
        }
        if matches!(case.name(), "float" | "double") {
            self.nan(&sub, &case_path, &case_label);
        }
        match case.name() {
            "string" => {
                self.pair(
                    &sub,
                    &case_path,
                    &case_label,
                    "min_len",
                    "max_len",
                    Some("len"),
                );
                self.pair(
                    &sub,
                    &case_path,
                    &case_label,
                    "min_bytes",
                    "max_bytes",
                    Some("len_bytes"),
                );
                self.affixes(&sub, &case_path, &case_label);
                self.chars_and_bytes(&sub, &case_path, &case_label);
                self.strict(&sub, &case_path, &case_label);
                self.pattern(&sub, &case_path, &case_label);
            }
            "field_mask" => self.mask_paths(&sub, &case_path, &case_label),
            "duration" => self.times(&sub, &case_path, &case_label, false),
            "bytes" => {
                self.affixes(&sub, &case_path, &case_label);
                self.pair(
                    &sub,
                    &case_path,
                    &case_label,
                    "min_len",
                    "max_len",
                    Some("len"),
                );
                self.pattern(&sub, &case_path, &case_label);
            }
            "timestamp" => {
                self.times(&sub, &case_path, &case_label, true);
                if sub.has_field_by_name("gt_now") && sub.has_field_by_name("lt_now") {
                    self.both_now(&sub, &case_path, &case_label);
                }
            }
            _ => {}
        }
    }

    /// `gt_now` and `lt_now` together.
    fn both_now(&mut self, sub: &DynamicMessage, case_path: &[i32], case_label: &str) {
        let child = |name: &str| sub.descriptor().get_field_by_name(name).map(|f| f.number() as i32);
        let message = format!("{} has both {case_label}.gt_now and lt_now: no time is both after and before now, keep one", self.name);
        for name in ["gt_now", "lt_now"] {
            if let Some(n) = child(name) {
                self.report(&path_with(case_path, &[n]), message.clone());
            }
        }
    }

    /// Each `example` must satisfy the rules beside it: one finding per rule it breaks (see
    /// [`examples`]).
    fn examples(
        &mut self,
        field: &DynamicMessage,
        sub: &DynamicMessage,
        kind: &Kind,
        path: &[i32],
        label: &str,
    ) {
        let Some((number, list)) = list_field(sub, "example") else {
            return;
        };
        for (i, example) in list.iter().enumerate() {
            let Some(broken) = examples::broken_rules(field, sub, kind, example) else {
                return;
            };
            for rule in broken {
                self.report(
                    &path_with(path, &[number, i as i32]),
                    format!("{} has {label}.example {} that breaks its own {rule} rule: fix the example or the rule", self.name, show(example)),
                );
            }
        }
    }

    /// `required` on the items of a repeated field, or the keys or values of a map, which each
    /// exist whenever they are validated.
    fn unenforceable_required(&mut self, rules: &DynamicMessage, path: &[i32], label: &str) {
        let Some(f) = rules.descriptor().get_field_by_name("required") else {
            return;
        };
        if rules.has_field(&f) && rules.get_field(&f).as_bool() == Some(true) {
            self.report(
                &path_with(path, &[f.number() as i32]),
                format!("{} has {label}.required, which cannot be enforced on each item, key or value: remove it (or require the field itself)", self.name),
            );
        }
    }

    /// A float or double rule set to NaN: every comparison with NaN is false, so the rule
    /// rejects every value (`const`, bounds, `in`) or none (`not_in`).
    fn nan(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let is_nan = |v: &Value| match v {
            Value::F32(x) => x.is_nan(),
            Value::F64(x) => x.is_nan(),
            _ => false,
        };
        for (f, value) in sub.fields() {
            if f.name() == "example" {
                continue;
            }
            match value {
                Value::List(items) => {
                    for (i, _) in items.iter().enumerate().filter(|(_, v)| is_nan(v)) {
                        self.report(
                            &path_with(path, &[f.number() as i32, i as i32]),
                            format!("{} has NaN in {label}.{}, and no value compares equal to NaN: remove it", self.name, f.name()),
                        );
                    }
                }
                v if is_nan(v) => {
                    self.report(
                        &path_with(path, &[f.number() as i32]),
                        format!("{} has {label}.{} set to NaN, and every comparison with NaN is false: use a number", self.name, f.name()),
                    );
                }
                _ => {}
            }
        }
    }

    /// `const` makes every other rule of the same type pointless.
    fn constant(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let Some(field) = sub.descriptor().get_field_by_name("const") else {
            return;
        };
        if !sub.has_field(&field) {
            return;
        }
        if sub
            .fields()
            .any(|(f, _)| f.name() != "const" && f.name() != "example")
        {
            self.report(
                &path_with(path, &[field.number() as i32]),
                format!(
                    "{} has {label}.const, so its other {label} rules never apply: remove them",
                    self.name
                ),
            );
        }
    }

    /// A lower and an upper bound that leave no value (`gt: 5, lt: 5`), or one value.
    ///
    /// buf parity: a lower bound above the upper one is an exclusive range (`x > 10 || x < 5`),
    /// which is allowed.
    fn bounds(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let get = |name: &'static str| {
            let f = sub.descriptor().get_field_by_name(name)?;
            sub.has_field(&f)
                .then(|| (name, f.number() as i32, sub.get_field(&f).into_owned()))
        };
        let lower = get("gt").or_else(|| get("gte"));
        let upper = get("lt").or_else(|| get("lte"));
        let (Some((lname, lnum, lvalue)), Some((uname, unum, uvalue))) = (lower, upper) else {
            return;
        };
        if num(&lvalue).is_none() || num(&lvalue) != num(&uvalue) {
            return;
        }
        let message = if lname == "gte" && uname == "lte" {
            format!("{} has {label}.gte and {label}.lte both {}, which allows one value: use {label}.const instead", self.name, show(&lvalue))
        } else {
            format!("{} has {label}.{lname} and {label}.{uname} both {}, which rejects every value: widen the range", self.name, show(&lvalue))
        };
        self.report(&path_with(path, &[lnum]), message.clone());
        self.report(&path_with(path, &[unum]), message);
    }

    /// A minimum above its maximum, a minimum equal to its maximum (where an exact-length rule
    /// exists), and an exact length next to either.
    fn pair(
        &mut self,
        sub: &DynamicMessage,
        path: &[i32],
        label: &str,
        min: &str,
        max: &str,
        exact: Option<&str>,
    ) {
        let get = |name: &str| {
            let f = sub.descriptor().get_field_by_name(name)?;
            let value = sub.get_field(&f).as_u64()?;
            sub.has_field(&f).then_some((f.number() as i32, value))
        };
        let (lo, hi) = (get(min), get(max));
        if let (Some((lo_n, lo_v)), Some((hi_n, hi_v))) = (lo, hi) {
            if lo_v > hi_v {
                let message = format!("{} has {label}.{min} {lo_v} above {label}.{max} {hi_v}: no value can satisfy both, fix one of them", self.name);
                self.report(&path_with(path, &[lo_n]), message.clone());
                self.report(&path_with(path, &[hi_n]), message);
            } else if lo_v == hi_v {
                if let Some(exact) = exact {
                    let message = format!("{} has {label}.{min} and {label}.{max} both {lo_v}: use {label}.{exact} instead", self.name);
                    self.report(&path_with(path, &[lo_n]), message.clone());
                    self.report(&path_with(path, &[hi_n]), message);
                }
            }
        }
        if let Some(exact) = exact.filter(|e| get(e).is_some()) {
            for (name, bound) in [(min, lo), (max, hi)] {
                if let Some((n, _)) = bound {
                    self.report(
                        &path_with(path, &[n]),
                        format!("{} has {label}.{exact}, which makes {label}.{name} redundant: remove it", self.name),
                    );
                }
            }
        }
    }

    /// `prefix`, `suffix` and `contains` that no value can hold: longer than `max_len` (in
    /// characters for strings, bytes for bytes), longer than `max_bytes`, or holding the
    /// string's `not_contains`.
    fn affixes(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let d = sub.descriptor();
        let limit = |name: &str| {
            d.get_field_by_name(name)
                .filter(|f| sub.has_field(f))
                .and_then(|f| sub.get_field(&f).as_u64())
        };
        let (max_len, max_bytes) = (limit("max_len"), limit("max_bytes"));
        let not_contains = d
            .get_field_by_name("not_contains")
            .filter(|f| sub.has_field(f))
            .and_then(|f| sub.get_field(&f).as_str().map(str::to_string));
        for name in ["prefix", "suffix", "contains"] {
            let Some(f) = d.get_field_by_name(name).filter(|f| sub.has_field(f)) else {
                continue;
            };
            let at = path_with(path, &[f.number() as i32]);
            let value = sub.get_field(&f);
            let (text, chars, bytes) = match &*value {
                Value::String(text) => (text.clone(), text.chars().count() as u64, text.len() as u64),
                Value::Bytes(b) => (String::from_utf8_lossy(b).into_owned(), b.len() as u64, b.len() as u64),
                _ => continue,
            };
            if let Some(max) = max_len.filter(|max| chars > *max) {
                self.report(
                    &at,
                    format!("{} has {label}.{name} {text:?} of length {chars}, longer than its max_len {max}: no value can match", self.name),
                );
            }
            if let Some(max) = max_bytes.filter(|max| bytes > *max) {
                self.report(
                    &at,
                    format!("{} has {label}.{name} {text:?} of {bytes} bytes, more than its max_bytes {max}: no value can match", self.name),
                );
            }
            if let Some(banned) = not_contains.as_ref().filter(|b| text.contains(b.as_str())) {
                self.report(
                    &at,
                    format!("{} has {label}.{name} {text:?}, which holds its not_contains {banned:?}: no value can match both", self.name),
                );
            }
        }
    }

    /// A string's length in characters against its length in bytes: a character takes one to
    /// four bytes.
    fn chars_and_bytes(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let get = |name: &str| {
            let f = sub.descriptor().get_field_by_name(name)?;
            let value = sub.get_field(&f).as_u64()?;
            sub.has_field(&f).then_some((f.number() as i32, value))
        };
        if let (Some((min_len_n, min_len)), Some((max_bytes_n, max_bytes))) =
            (get("min_len"), get("max_bytes"))
        {
            if max_bytes < min_len {
                let message = format!("{} has {label}.min_len {min_len} but max_bytes {max_bytes}: {min_len} characters take at least {min_len} bytes, fix one of them", self.name);
                self.report(&path_with(path, &[min_len_n]), message.clone());
                self.report(&path_with(path, &[max_bytes_n]), message);
            }
        }
        if let (Some((max_len_n, max_len)), Some((min_bytes_n, min_bytes))) =
            (get("max_len"), get("min_bytes"))
        {
            if max_len.saturating_mul(4) < min_bytes {
                let message = format!("{} has {label}.min_bytes {min_bytes} but max_len {max_len}: {max_len} characters take at most {} bytes, fix one of them", self.name, max_len * 4);
                self.report(&path_with(path, &[min_bytes_n]), message.clone());
                self.report(&path_with(path, &[max_len_n]), message);
            }
        }
    }

    /// Durations and timestamps in `const` and the bounds that are no valid value of their type,
    /// and a timestamp's `within` that is invalid or not positive.
    fn times(&mut self, sub: &DynamicMessage, path: &[i32], label: &str, timestamp: bool) {
        let parts = |m: &DynamicMessage| {
            let n = |name: &str| {
                m.get_field_by_name(name)
                    .map_or(0, |v| v.as_i64().or(v.as_i32().map(i64::from)).unwrap_or(0))
            };
            (n("seconds"), n("nanos"))
        };
        for (f, value) in sub.fields() {
            let Value::Message(m) = value else { continue };
            let (seconds, nanos) = parts(m);
            let at = path_with(path, &[f.number() as i32]);
            match f.name() {
                "const" | "gt" | "gte" | "lt" | "lte" => {
                    let problem = if timestamp {
                        timestamp_problem(seconds, nanos)
                    } else {
                        duration_problem(seconds, nanos)
                    };
                    if let Some(problem) = problem {
                        self.report(&at, format!("{} has {label}.{} {problem}: fix the value", self.name, f.name()));
                    }
                }
                "within" if timestamp => {
                    if let Some(problem) = duration_problem(seconds, nanos) {
                        self.report(&at, format!("{} has {label}.within {problem}: fix the value", self.name));
                    } else if seconds <= 0 && nanos <= 0 {
                        self.report(&at, format!("{} has {label}.within of {seconds}s {nanos}ns, which is not positive: use a positive duration", self.name));
                    }
                }
                _ => {}
            }
        }
    }

    /// `strict: false` only loosens a `well_known_regex`.
    fn strict(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let d = sub.descriptor();
        let Some(strict) = d.get_field_by_name("strict").filter(|f| sub.has_field(f)) else {
            return;
        };
        let regex = d
            .get_field_by_name("well_known_regex")
            .filter(|f| sub.has_field(f))
            .and_then(|f| sub.get_field(&f).as_enum_number())
            .unwrap_or(0);
        if sub.get_field(&strict).as_bool() == Some(false) && regex == 0 {
            self.report(
                &path_with(path, &[strict.number() as i32]),
                format!("{} has {label}.strict without {label}.well_known_regex, the only rule it applies to: remove it", self.name),
            );
        }
    }

    /// A field mask path both in `in` and in `not_in`.
    fn mask_paths(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let (Some((in_n, ins)), Some((_, not_ins))) =
            (list_field(sub, "in"), list_field(sub, "not_in"))
        else {
            return;
        };
        for p in ins.iter().filter(|p| not_ins.contains(p)) {
            let shown = p.as_str().unwrap_or_default();
            self.report(
                &path_with(path, &[in_n]),
                format!("{} has path {shown:?} in both {label}.in and {label}.not_in: no value can pass, keep it in one", self.name),
            );
        }
    }

    /// `pattern` must be a valid RE2 expression.
    fn pattern(&mut self, sub: &DynamicMessage, path: &[i32], label: &str) {
        let Some(f) = sub
            .descriptor()
            .get_field_by_name("pattern")
            .filter(|f| sub.has_field(f))
        else {
            return;
        };
        let value = sub.get_field(&f);
        let Some(pattern) = value.as_str() else {
            return;
        };
        if let Err(error) = regex_syntax::Parser::new().parse(pattern) {
            let error = error.to_string();
            let reason = error
                .lines()
                .last()
                .unwrap_or("")
                .trim_start_matches("error: ");
            self.report(
                &path_with(path, &[f.number() as i32]),
                format!("{} has a {label}.pattern that is not a valid regular expression ({reason}): fix the pattern", self.name),
            );
        }
    }
}

/// Why a duration is no value protovalidate can use, if it is not (as buf says it).
fn duration_problem(seconds: i64, nanos: i64) -> Option<String> {
    // The largest duration protovalidate handles without overflow, in nanoseconds.
    const LIMIT: i128 = 9_223_372_036_854_775_428;
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    if nanos <= -1_000_000_000 || nanos >= 1_000_000_000 {
        Some(format!("{seconds}s {nanos}ns has nanos out of range (more than a second)"))
    } else if (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0) {
        Some(format!("{seconds}s {nanos}ns has seconds and nanos of different signs"))
    } else if !(-LIMIT..=LIMIT).contains(&total) {
        Some(format!("{seconds}s {nanos}ns is out of range (about ±292 years at most)"))
    } else {
        None
    }
}

/// Why a timestamp is no valid `google.protobuf.Timestamp`, if it is not.
fn timestamp_problem(seconds: i64, nanos: i64) -> Option<String> {
    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    const MIN: i64 = -62_135_596_800;
    const MAX: i64 = 253_402_300_799;
    if !(MIN..=MAX).contains(&seconds) {
        Some(format!("at {seconds}s is outside years 1 to 9999"))
    } else if !(0..1_000_000_000).contains(&nanos) {
        Some(format!("at {seconds}s {nanos}ns has nanos out of range (0 to 999999999)"))
    } else {
        None
    }
}

/// The set case of the `type` oneof of a `FieldRules`, with its rules.
fn type_case(rules: &DynamicMessage) -> Option<(FieldDescriptor, DynamicMessage)> {
    let oneof = rules.descriptor().oneofs().find(|o| o.name() == "type")?;
    let field = oneof.fields().find(|f| rules.has_field(f))?;
    match rules.get_field(&field).into_owned() {
        Value::Message(m) => Some((field, m)),
        _ => None,
    }
}

fn sub_message(message: &DynamicMessage, name: &str) -> Option<DynamicMessage> {
    let field = message.descriptor().get_field_by_name(name)?;
    if !message.has_field(&field) {
        return None;
    }
    match message.get_field(&field).into_owned() {
        Value::Message(m) => Some(m),
        _ => None,
    }
}

thread_local! {
    /// Set while the CEL parser runs, so that its panics are not printed.
    static IN_CEL_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A CEL expression's tree, or its first parse error.
///
/// cel-parser 0.10 reports syntax errors but then panics while building the tree of some broken
/// inputs (`this >`); the panic is caught, and a panic hook that stays quiet inside the parser
/// keeps it off stderr. Other panics still reach the previous hook.
fn parse_cel(expression: &str) -> Result<cel_parser::ast::IdedExpr, String> {
    // Nested past CEL's limits, it never reaches the parser, which would overflow the stack.
    celdepth::check(expression)?;
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CEL_PARSER.with(|flag| flag.get()) {
                previous(info);
            }
        }));
    });
    IN_CEL_PARSER.with(|flag| flag.set(true));
    let result = std::panic::catch_unwind(|| {
        cel_parser::Parser::new()
            .parse(expression)
            .map_err(|e| e.errors.first().map(|e| e.msg.clone()).unwrap_or_default())
    });
    IN_CEL_PARSER.with(|flag| flag.set(false));
    result.unwrap_or_else(|_| Err("it is not a complete expression".to_string()))
}
