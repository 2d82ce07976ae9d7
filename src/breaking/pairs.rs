//! Pairing the two images of a comparison, as buf pairs elements (by their image's keys), and
//! calling a rule's hooks on every pair.

use super::sorted;
use super::{Context, Enum, EnumValue, Field, File, Image, Message, Method, Oneof, Rule, Service};

/// Every pair of elements present in both images, found once per module (a merge of the two
/// sorted indexes) and then walked by every rule.
pub(super) struct Pairs<'i, 'a> {
    /// (old, new, index of the old file).
    files: Vec<(&'i File<'a>, &'i File<'a>, usize)>,
    messages: Vec<(&'i Message<'a>, &'i Message<'a>)>,
    fields: Vec<(&'i Field<'a>, &'i Field<'a>)>,
    oneofs: Vec<(&'i Oneof<'a>, &'i Oneof<'a>)>,
    extensions: Vec<(&'i Field<'a>, &'i Field<'a>)>,
    enums: Vec<(&'i Enum<'a>, &'i Enum<'a>)>,
    enum_values: Vec<(&'i Vec<EnumValue<'a>>, &'i Vec<EnumValue<'a>>)>,
    services: Vec<(&'i Service<'a>, &'i Service<'a>)>,
    methods: Vec<(&'i Method<'a>, &'i Method<'a>)>,
}

/// The values of the keys present in both maps, in key order.
fn join<'i, K: Ord, V>(
    old: &'i std::collections::BTreeMap<K, V>,
    new: &'i std::collections::BTreeMap<K, V>,
) -> Vec<(&'i V, &'i V)> {
    use std::cmp::Ordering;
    let mut out = Vec::new();
    let (mut o, mut n) = (old.iter().peekable(), new.iter().peekable());
    while let (Some((ok, _)), Some((nk, _))) = (o.peek(), n.peek()) {
        match ok.cmp(nk) {
            Ordering::Less => {
                o.next();
            }
            Ordering::Greater => {
                n.next();
            }
            Ordering::Equal => {
                let (_, ov) = o.next().expect("peeked");
                let (_, nv) = n.next().expect("peeked");
                out.push((ov, nv));
            }
        }
    }
    out
}

impl<'i, 'a> Pairs<'i, 'a> {
    pub(super) fn new(old: &'i Image<'a>, new: &'i Image<'a>) -> Self {
        Pairs {
            files: new
                .files
                .iter()
                .filter_map(|n| {
                    let index = *old.by_name.get(n.name)?;
                    Some((old.file(index), n, index))
                })
                .collect(),
            messages: join(&old.messages, &new.messages),
            fields: sorted::join(&old.fields, &new.fields),
            oneofs: sorted::join(&old.oneofs, &new.oneofs),
            extensions: join(&old.extensions, &new.extensions),
            enums: join(&old.enums, &new.enums),
            enum_values: sorted::join(&old.enum_values, &new.enum_values),
            services: join(&old.services, &new.services),
            methods: sorted::join(&old.methods, &new.methods),
        }
    }
}

/// Calls `rule`'s hooks on every pair of elements present in both images.
pub(super) fn compare<'a>(
    rule: &dyn Rule,
    cx: &mut Context<'a>,
    pairs: &Pairs<'a, 'a>,
    old: &'a Image<'a>,
    new: &'a Image<'a>,
) {
    for &(o, n, index) in &pairs.files {
        cx.paired_old_file = Some(index);
        cx.paired_old_path = Some(&[]);
        rule.check_file(cx, o, n);
    }
    macro_rules! each {
        ($list:ident, $hook:ident) => {
            for &(o, n) in &pairs.$list {
                cx.paired_old_file = Some(o.file);
                cx.paired_old_path = Some(&o.path);
                rule.$hook(cx, o, n);
            }
        };
    }
    each!(messages, check_message);
    each!(fields, check_field);
    each!(oneofs, check_oneof);
    each!(extensions, check_extension);
    each!(enums, check_enum);
    for &(o, n) in &pairs.enum_values {
        cx.paired_old_file = o.first().map(|v| v.file);
        cx.paired_old_path = o.first().map(|v| &*v.path);
        rule.check_enum_value(cx, o, n);
    }
    each!(services, check_service);
    each!(methods, check_method);
    cx.paired_old_file = None;
    cx.paired_old_path = None;
    rule.check_images(cx, old, new);
}
