//! A small type check of CEL expressions, as protovalidate's CEL environment would refuse them:
//! operators applied to operands of types no overload takes (`this > 5` on a string), names
//! that are declared nowhere, and the type the expression evaluates to. It is conservative:
//! whatever it cannot type (unknown functions, macros' results, qualified names) is `Dyn`,
//! which matches everything, so it reports only what is certainly wrong.

use cel_parser::ast::{Expr, IdedExpr};
use cel_parser::reference::Val;
use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

/// A CEL type, as far as this check follows them.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum T {
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Duration,
    Timestamp,
    Null,
    List(Box<T>),
    Map(Box<T>, Box<T>),
    Message(MessageDescriptor),
    Dyn,
}

impl T {
    /// The CEL type of values of protobuf kind `kind`.
    pub(super) fn of_kind(kind: &Kind) -> T {
        match kind {
            Kind::Double | Kind::Float => T::Double,
            Kind::Int32 | Kind::Int64 | Kind::Sint32 | Kind::Sint64 => T::Int,
            Kind::Sfixed32 | Kind::Sfixed64 | Kind::Enum(_) => T::Int,
            Kind::Uint32 | Kind::Uint64 | Kind::Fixed32 | Kind::Fixed64 => T::Uint,
            Kind::Bool => T::Bool,
            Kind::String => T::String,
            Kind::Bytes => T::Bytes,
            Kind::Message(m) => match m.full_name() {
                "google.protobuf.Duration" => T::Duration,
                "google.protobuf.Timestamp" => T::Timestamp,
                "google.protobuf.DoubleValue" | "google.protobuf.FloatValue" => T::Double,
                "google.protobuf.Int32Value" | "google.protobuf.Int64Value" => T::Int,
                "google.protobuf.UInt32Value" | "google.protobuf.UInt64Value" => T::Uint,
                "google.protobuf.BoolValue" => T::Bool,
                "google.protobuf.StringValue" => T::String,
                "google.protobuf.BytesValue" => T::Bytes,
                name if name.starts_with("google.protobuf.") => T::Dyn,
                _ => T::Message(m.clone()),
            },
        }
    }

    /// The CEL type of a field's value (a list or map for repeated and map fields).
    pub(super) fn of_field(fd: &FieldDescriptor) -> T {
        if fd.is_map() {
            if let Kind::Message(entry) = fd.kind() {
                return T::Map(
                    Box::new(T::of_kind(&entry.map_entry_key_field().kind())),
                    Box::new(T::of_kind(&entry.map_entry_value_field().kind())),
                );
            }
        }
        let single = T::of_kind(&fd.kind());
        if fd.is_list() {
            T::List(Box::new(single))
        } else {
            single
        }
    }

    /// CEL's name of the type, as its errors print it.
    pub(super) fn name(&self) -> String {
        match self {
            T::Bool => "bool".into(),
            T::Int => "int".into(),
            T::Uint => "uint".into(),
            T::Double => "double".into(),
            T::String => "string".into(),
            T::Bytes => "bytes".into(),
            T::Duration => "google.protobuf.Duration".into(),
            T::Timestamp => "google.protobuf.Timestamp".into(),
            T::Null => "null_type".into(),
            T::List(e) => format!("list({})", e.name()),
            T::Map(k, v) => format!("map({}, {})", k.name(), v.name()),
            T::Message(m) => m.full_name().into(),
            T::Dyn => "dyn".into(),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, T::Int | T::Uint | T::Double)
    }
}

/// What the check found: its errors, and the type of the whole expression when it has none.
pub(super) struct Checked {
    pub errors: Vec<String>,
    pub ty: T,
}

/// Type-checks `expr` with `this` of type `this` and, in a predefined rule, `rule` of type
/// `rule`.
pub(super) fn check(expr: &IdedExpr, this: &T, rule: &T) -> Checked {
    let mut checker = Checker {
        scope: vec![
            ("this".to_string(), this.clone()),
            ("now".to_string(), T::Timestamp),
            ("rules".to_string(), T::Dyn),
            ("rule".to_string(), rule.clone()),
        ],
        errors: Vec::new(),
    };
    let ty = checker.expr(expr, false);
    Checked {
        errors: checker.errors,
        ty,
    }
}

struct Checker {
    /// Names in scope, innermost last.
    scope: Vec<(String, T)>,
    errors: Vec<String>,
}

/// Type names that CEL declares as identifiers (`type(x) == int`).
const TYPE_NAMES: &[&str] = &[
    "bool",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

impl Checker {
    fn expr(&mut self, e: &IdedExpr, selected: bool) -> T {
        match &e.expr {
            Expr::Literal(v) => match v {
                Val::String(_) => T::String,
                Val::Boolean(_) => T::Bool,
                Val::Int(_) => T::Int,
                Val::UInt(_) => T::Uint,
                Val::Double(_) => T::Double,
                Val::Bytes(_) => T::Bytes,
                Val::Null => T::Null,
            },
            Expr::Ident(name) => {
                if let Some((_, t)) = self.scope.iter().rev().find(|(n, _)| n == name) {
                    return t.clone();
                }
                // The first part of a qualified name (an enum value, a type) is not checked.
                if !selected && !TYPE_NAMES.contains(&name.as_str()) {
                    self.errors
                        .push(format!("undeclared reference to '{name}' (in container '')"));
                }
                T::Dyn
            }
            Expr::Select(s) => {
                let operand = self.expr(&s.operand, true);
                if s.test {
                    return T::Bool;
                }
                match operand {
                    T::Message(m) => m
                        .get_field_by_name(&s.field)
                        .map_or(T::Dyn, |f| T::of_field(&f)),
                    T::Map(k, v) if *k == T::String => *v,
                    _ => T::Dyn,
                }
            }
            Expr::List(l) => {
                let types: Vec<T> = l.elements.iter().map(|e| self.expr(e, false)).collect();
                match types.first() {
                    Some(first) if types.iter().all(|t| t == first) => {
                        T::List(Box::new(first.clone()))
                    }
                    _ => T::List(Box::new(T::Dyn)),
                }
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let cel_parser::ast::EntryExpr::MapEntry(entry) = &entry.expr {
                        self.expr(&entry.key, false);
                        self.expr(&entry.value, false);
                    }
                }
                T::Map(Box::new(T::Dyn), Box::new(T::Dyn))
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    if let cel_parser::ast::EntryExpr::StructField(field) = &entry.expr {
                        self.expr(&field.value, false);
                    }
                }
                T::Dyn
            }
            Expr::Comprehension(c) => {
                let range = self.expr(&c.iter_range, false);
                let item = match &range {
                    T::List(e) => (**e).clone(),
                    T::Map(k, _) => (**k).clone(),
                    _ => T::Dyn,
                };
                let accu = self.expr(&c.accu_init, false);
                let depth = self.scope.len();
                self.scope.push((c.iter_var.clone(), item));
                if let Some(second) = &c.iter_var2 {
                    self.scope.push((second.clone(), T::Dyn));
                }
                self.scope.push((c.accu_var.clone(), accu));
                self.expr(&c.loop_cond, false);
                self.expr(&c.loop_step, false);
                let result = self.expr(&c.result, false);
                self.scope.truncate(depth);
                result
            }
            Expr::Call(call) => self.call(call),
            Expr::Unspecified => T::Dyn,
        }
    }

    fn call(&mut self, call: &cel_parser::ast::CallExpr) -> T {
        let target = call.target.as_ref().map(|t| self.expr(t, false));
        let args: Vec<T> = call.args.iter().map(|a| self.expr(a, false)).collect();
        let name = call.func_name.as_str();
        let two = || (args.first().cloned(), args.get(1).cloned());
        match (name, target.is_some()) {
            ("_&&_" | "_||_" | "!_" | "@in" | "@not_strictly_false", _) => T::Bool,
            ("_==_" | "_!=_", _) => T::Bool,
            ("_<_" | "_<=_" | "_>_" | "_>=_", false) => {
                let (Some(a), Some(b)) = two() else {
                    return T::Bool;
                };
                let comparable = a == b
                    || a == T::Dyn
                    || b == T::Dyn
                    // protovalidate compares numbers across types.
                    || (a.is_numeric() && b.is_numeric());
                let ordered = matches!(
                    a,
                    T::Int
                        | T::Uint
                        | T::Double
                        | T::String
                        | T::Bytes
                        | T::Bool
                        | T::Duration
                        | T::Timestamp
                        | T::Dyn
                );
                if !comparable || !ordered {
                    self.no_overload(name, &[a, b]);
                }
                T::Bool
            }
            ("_+_" | "_-_" | "_*_" | "_/_" | "_%_", false) => {
                let (Some(a), Some(b)) = two() else {
                    return T::Dyn;
                };
                self.arithmetic(name, a, b)
            }
            ("-_", false) => {
                let a = args.first().cloned().unwrap_or(T::Dyn);
                if !(a.is_numeric() || matches!(a, T::Duration | T::Dyn)) {
                    self.no_overload(name, std::slice::from_ref(&a));
                    return T::Dyn;
                }
                a
            }
            ("_?_:_", false) => match (args.get(1), args.get(2)) {
                (Some(a), Some(b)) if a == b => a.clone(),
                _ => T::Dyn,
            },
            ("_[_]", false) => match two() {
                (Some(T::List(e)), _) => *e,
                (Some(T::Map(_, v)), _) => *v,
                _ => T::Dyn,
            },
            ("size", _) => T::Int,
            (
                "startsWith" | "endsWith" | "contains" | "matches" | "isEmail" | "isHostname"
                | "isIp" | "isIpPrefix" | "isUri" | "isUriRef" | "unique" | "isNan" | "isInf"
                | "isHostAndPort" | "has",
                _,
            ) => T::Bool,
            ("duration", false) => T::Duration,
            ("timestamp", false) => T::Timestamp,
            ("int", false) => T::Int,
            ("uint", false) => T::Uint,
            ("double", false) => T::Double,
            ("string", false) => T::String,
            ("bytes", false) => T::Bytes,
            _ => T::Dyn,
        }
    }

    /// `+ - * / %` on `a` and `b`: the result's type, or an error when no overload takes them.
    fn arithmetic(&mut self, name: &str, a: T, b: T) -> T {
        if a == T::Dyn || b == T::Dyn {
            return T::Dyn;
        }
        let result = match (name, &a, &b) {
            (_, T::Int, T::Int) | (_, T::Uint, T::Uint) => Some(a.clone()),
            ("_+_" | "_-_" | "_*_" | "_/_", T::Double, T::Double) => Some(T::Double),
            ("_+_", T::String, T::String) | ("_+_", T::Bytes, T::Bytes) => Some(a.clone()),
            ("_+_", T::List(_), T::List(_)) => Some(a.clone()),
            ("_+_" | "_-_", T::Duration, T::Duration) => Some(T::Duration),
            ("_+_" | "_-_", T::Timestamp, T::Duration) => Some(T::Timestamp),
            ("_+_", T::Duration, T::Timestamp) => Some(T::Timestamp),
            ("_-_", T::Timestamp, T::Timestamp) => Some(T::Duration),
            _ => None,
        };
        result.unwrap_or_else(|| {
            self.no_overload(name, &[a, b]);
            T::Dyn
        })
    }

    fn no_overload(&mut self, name: &str, args: &[T]) {
        let types: Vec<String> = args.iter().map(T::name).collect();
        self.errors.push(format!(
            "found no matching overload for '{name}' applied to '({})'",
            types.join(", ")
        ));
    }
}
