//! A small CEL evaluator for predefined rules applied to example values: literals, `this` and
//! `rule`, logic, comparisons, arithmetic, `in`, string tests, `size`, `format` with `%s`, and
//! the macros (comprehensions) the parser expands. Anything else is `None`: the example is then
//! left unchecked rather than guessed at.

use cel_parser::ast::{Expr, IdedExpr};
use cel_parser::reference::Val;

/// A CEL value, as far as this evaluator goes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum E {
    Int(i64),
    Uint(u64),
    Double(f64),
    Str(String),
    Bool(bool),
    Bytes(Vec<u8>),
    List(Vec<E>),
    Null,
}

impl E {
    fn number(&self) -> Option<f64> {
        match self {
            E::Int(x) => Some(*x as f64),
            E::Uint(x) => Some(*x as f64),
            E::Double(x) => Some(*x),
            _ => None,
        }
    }

    fn equals(&self, other: &E) -> bool {
        match (self.number(), other.number()) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }

    fn text(&self) -> String {
        match self {
            E::Int(x) => x.to_string(),
            E::Uint(x) => x.to_string(),
            E::Double(x) => x.to_string(),
            E::Str(s) => s.clone(),
            E::Bool(b) => b.to_string(),
            E::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            E::List(items) => {
                let parts: Vec<String> = items.iter().map(E::text).collect();
                format!("[{}]", parts.join(", "))
            }
            E::Null => "null".into(),
        }
    }
}

/// Evaluates `expr` with the names in `scope` (innermost last).
pub(super) fn eval(expr: &IdedExpr, scope: &mut Vec<(String, E)>) -> Option<E> {
    match &expr.expr {
        Expr::Literal(v) => Some(match v {
            Val::String(s) => E::Str(s.clone()),
            Val::Boolean(b) => E::Bool(*b),
            Val::Int(x) => E::Int(*x),
            Val::UInt(x) => E::Uint(*x),
            Val::Double(x) => E::Double(*x),
            Val::Bytes(b) => E::Bytes(b.clone()),
            Val::Null => E::Null,
        }),
        Expr::Ident(name) => scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone()),
        Expr::List(l) => l
            .elements
            .iter()
            .map(|e| eval(e, scope))
            .collect::<Option<Vec<E>>>()
            .map(E::List),
        Expr::Comprehension(c) => {
            let E::List(items) = eval(&c.iter_range, scope)? else {
                return None;
            };
            let mut accu = eval(&c.accu_init, scope)?;
            for item in items {
                scope.push((c.iter_var.clone(), item));
                scope.push((c.accu_var.clone(), accu.clone()));
                let go_on = eval(&c.loop_cond, scope);
                let step = match go_on {
                    Some(E::Bool(false)) => None,
                    Some(E::Bool(true)) => Some(eval(&c.loop_step, scope)),
                    _ => Some(None),
                };
                scope.truncate(scope.len() - 2);
                match step {
                    None => break,
                    Some(next) => accu = next?,
                }
            }
            scope.push((c.accu_var.clone(), accu));
            let result = eval(&c.result, scope);
            scope.pop();
            result
        }
        Expr::Call(call) => {
            let name = call.func_name.as_str();
            // The logical operators look at their right side only when they must.
            if let ("_&&_" | "_||_", [a, b]) = (name, call.args.as_slice()) {
                let stop = name == "_||_";
                return match eval(a, scope)? {
                    E::Bool(x) if x == stop => Some(E::Bool(stop)),
                    E::Bool(_) => match eval(b, scope)? {
                        E::Bool(y) => Some(E::Bool(y)),
                        _ => None,
                    },
                    _ => None,
                };
            }
            if let ("_?_:_", [c, a, b]) = (name, call.args.as_slice()) {
                return match eval(c, scope)? {
                    E::Bool(true) => eval(a, scope),
                    E::Bool(false) => eval(b, scope),
                    _ => None,
                };
            }
            let target = match &call.target {
                Some(t) => Some(eval(t, scope)?),
                None => None,
            };
            let args = call
                .args
                .iter()
                .map(|a| eval(a, scope))
                .collect::<Option<Vec<E>>>()?;
            apply(name, target, args)
        }
        _ => None,
    }
}

fn apply(name: &str, target: Option<E>, args: Vec<E>) -> Option<E> {
    use E::*;
    Some(match (name, target.as_ref(), args.as_slice()) {
        ("!_", None, [Bool(b)]) => Bool(!b),
        ("@not_strictly_false", None, [v]) => Bool(!matches!(v, Bool(false))),
        ("-_", None, [Int(x)]) => Int(x.checked_neg()?),
        ("-_", None, [Double(x)]) => Double(-x),
        ("_==_", None, [a, b]) => Bool(a.equals(b)),
        ("_!=_", None, [a, b]) => Bool(!a.equals(b)),
        ("_<_" | "_<=_" | "_>_" | "_>=_", None, [a, b]) => {
            let ordering = match (a, b) {
                (Str(x), Str(y)) => x.partial_cmp(y)?,
                _ => a.number()?.partial_cmp(&b.number()?)?,
            };
            Bool(match name {
                "_<_" => ordering.is_lt(),
                "_<=_" => ordering.is_le(),
                "_>_" => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        ("_+_", None, [Int(a), Int(b)]) => Int(a.checked_add(*b)?),
        ("_+_", None, [Uint(a), Uint(b)]) => Uint(a.checked_add(*b)?),
        ("_+_", None, [Double(a), Double(b)]) => Double(a + b),
        ("_+_", None, [Str(a), Str(b)]) => Str(format!("{a}{b}")),
        ("_+_", None, [List(a), List(b)]) => List(a.iter().chain(b).cloned().collect()),
        ("_-_", None, [Int(a), Int(b)]) => Int(a.checked_sub(*b)?),
        ("_-_", None, [Double(a), Double(b)]) => Double(a - b),
        ("_*_", None, [Int(a), Int(b)]) => Int(a.checked_mul(*b)?),
        ("_*_", None, [Double(a), Double(b)]) => Double(a * b),
        ("@in", None, [v, List(items)]) => Bool(items.iter().any(|i| i.equals(v))),
        ("size", None, [Str(s)]) | ("size", Some(Str(s)), []) => Int(s.chars().count() as i64),
        ("size", None, [List(l)]) | ("size", Some(List(l)), []) => Int(l.len() as i64),
        ("startsWith", Some(Str(s)), [Str(p)]) => Bool(s.starts_with(p.as_str())),
        ("endsWith", Some(Str(s)), [Str(p)]) => Bool(s.ends_with(p.as_str())),
        ("contains", Some(Str(s)), [Str(p)]) => Bool(s.contains(p.as_str())),
        ("format", Some(Str(template)), [List(values)]) => {
            let mut out = String::new();
            let mut values = values.iter();
            let mut rest = template.as_str();
            while let Some(at) = rest.find('%') {
                out.push_str(&rest[..at]);
                match rest[at + 1..].chars().next() {
                    Some('s') => out.push_str(&values.next()?.text()),
                    Some('%') => out.push('%'),
                    _ => return None,
                }
                rest = &rest[at + 2..];
            }
            out.push_str(rest);
            Str(out)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expression: &str, this: E, rule: E) -> Option<E> {
        let tree = cel_parser::Parser::new().parse(expression).expect("parses");
        let mut scope = vec![("this".to_string(), this), ("rule".to_string(), rule)];
        eval(&tree, &mut scope)
    }

    #[test]
    fn evaluates_what_predefined_rules_use() {
        let text = |s: &str| E::Str(s.into());
        assert_eq!(
            run(
                "!this.startsWith('_' + rule) ? 'no prefix `%s`'.format(['_' + rule]) : ''",
                text("x"),
                text("p")
            ),
            Some(text("no prefix `_p`"))
        );
        assert_eq!(
            run("!this.startsWith(rule) ? 'bad' : ''", text("px"), text("p")),
            Some(text(""))
        );
        let list = E::List(vec![E::Int(1), E::Int(-2)]);
        assert_eq!(
            run("!(this in rule || this in rule.map(n, -n))", E::Int(2), list.clone()),
            Some(E::Bool(false))
        );
        assert_eq!(
            run("!(this in rule || this in rule.map(n, -n))", E::Int(3), list.clone()),
            Some(E::Bool(true))
        );
        assert_eq!(run("rule.all(n, n < 5)", E::Null, list), Some(E::Bool(true)));
        // Names it does not know, and functions it does not have.
        assert_eq!(run("bad", E::Null, E::Null), None);
        assert_eq!(run("this.matches('a')", text("a"), E::Null), None);
    }
}
