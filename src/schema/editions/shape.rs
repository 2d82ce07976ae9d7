//! The reshaping around lowering: options left empty, open enums that must start at zero,
//! `LEGACY_REQUIRED` as `required`, the syntax given back
//! after compiling, feature definitions kept from the compiler, and `features` in a proto2 or
//! proto3 file.

use std::collections::HashMap;

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, SourceCodeInfo,
};

use super::options::find_in;
use super::{collect_options, Editions, LineStarts, Problem, Target, UNINTERPRETED_OPTION};
use crate::finding::Finding;
use crate::schema::Source;

/// Options messages left with nothing in them are dropped, as if never written.
pub(super) fn drop_empty_options(file: &mut FileDescriptorProto) {
    fn message(m: &mut DescriptorProto) {
        if m.options
            .as_ref()
            .is_some_and(|o| o.uninterpreted_option.is_empty() && *o == Default::default())
        {
            m.options = None;
        }
        for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
            field(f);
        }
        for o in &mut m.oneof_decl {
            if o.options.as_ref().is_some_and(|o| *o == Default::default()) {
                o.options = None;
            }
        }
        for r in &mut m.extension_range {
            if r.options.as_ref().is_some_and(|o| *o == Default::default()) {
                r.options = None;
            }
        }
        m.enum_type.iter_mut().for_each(enum_);
        m.nested_type.iter_mut().for_each(message);
    }
    fn field(f: &mut FieldDescriptorProto) {
        if f.options.as_ref().is_some_and(|o| *o == Default::default()) {
            f.options = None;
        }
    }
    fn enum_(e: &mut EnumDescriptorProto) {
        if e.options.as_ref().is_some_and(|o| *o == Default::default()) {
            e.options = None;
        }
        for v in &mut e.value {
            if v.options.as_ref().is_some_and(|o| *o == Default::default()) {
                v.options = None;
            }
        }
    }
    if file
        .options
        .as_ref()
        .is_some_and(|o| *o == Default::default())
    {
        file.options = None;
    }
    file.message_type.iter_mut().for_each(message);
    file.enum_type.iter_mut().for_each(enum_);
    file.extension.iter_mut().for_each(field);
    for s in &mut file.service {
        if s.options.as_ref().is_some_and(|o| *o == Default::default()) {
            s.options = None;
        }
        for m in &mut s.method {
            if m.options.as_ref().is_some_and(|o| *o == Default::default()) {
                m.options = None;
            }
        }
    }
}

/// buf's error for an open enum whose first value is not zero.
pub(super) fn check_open_enums(
    file: &FileDescriptorProto,
    editions: &Editions,
    info: &SourceCodeInfo,
    lines: &LineStarts,
    problems: &mut Vec<Problem>,
) {
    let mut check = |e: &EnumDescriptorProto, path: Vec<i32>| {
        let first = e.value.first();
        if first.is_some_and(|v| v.number() != 0) && editions.resolve(&path, "enum_type") == "OPEN"
        {
            let mut number_path = path.clone();
            number_path.extend([2, 0, 2]);
            if let Some((start, end)) = info
                .location
                .iter()
                .find(|l| l.path == number_path)
                .and_then(|l| lines.range(&l.span))
            {
                problems.push(Problem {
                    start,
                    end,
                    message: format!(
                        "the first value of open enum {:?} must be zero: add a zero value first, or make the enum `features.enum_type = CLOSED`",
                        e.name()
                    ),
                });
            }
        }
    };
    fn in_message(
        m: &DescriptorProto,
        path: Vec<i32>,
        check: &mut dyn FnMut(&EnumDescriptorProto, Vec<i32>),
    ) {
        for (i, e) in m.enum_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([4, i as i32]);
            check(e, p);
        }
        for (j, n) in m.nested_type.iter().enumerate() {
            let mut p = path.clone();
            p.extend([3, j as i32]);
            in_message(n, p, check);
        }
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        check(e, vec![5, i as i32]);
    }
    for (i, m) in file.message_type.iter().enumerate() {
        in_message(m, vec![4, i as i32], &mut check);
    }
}

/// `LEGACY_REQUIRED` fields become `required`, which the compiler and the rules know.
pub(super) fn lower_labels(file: &mut FileDescriptorProto, editions: &Editions) {
    use prost_types::field_descriptor_proto::Label;
    fn message(m: &mut DescriptorProto, path: Vec<i32>, editions: &Editions) {
        for (i, f) in m.field.iter_mut().enumerate() {
            let mut p = path.clone();
            p.extend([2, i as i32]);
            if f.label() == Label::Optional
                && editions.resolve(&p, "field_presence") == "LEGACY_REQUIRED"
            {
                f.set_label(Label::Required);
            }
        }
        for (j, n) in m.nested_type.iter_mut().enumerate() {
            let mut p = path.clone();
            p.extend([3, j as i32]);
            message(n, p, editions);
        }
    }
    for (i, m) in file.message_type.iter_mut().enumerate() {
        message(m, vec![4, i as i32], editions);
    }
}

/// The compiled descriptors of editions files say `editions` again (the compiler saw `proto2`):
/// a file left in its compiler's pool is copied out for that.
pub(crate) fn restore_syntax(
    files: &mut [crate::schema::Proto],
    editions: &HashMap<String, std::sync::Arc<Editions>>,
) {
    use crate::schema::Proto;
    use std::sync::Arc;
    if editions.is_empty() {
        return;
    }
    for file in files {
        if !editions.contains_key(file.name()) {
            continue;
        }
        let mut owned = file.to_owned_proto();
        owned.syntax = Some("editions".to_string());
        *file = Proto::Owned(Arc::new(owned));
    }
}

/// Whether a file may define features (`edition_defaults`, `feature_support` options on its
/// fields, as `cpp_features.proto` does): a cheap test on the text before [`strip_feature_definitions`].
pub(crate) fn defines_features(text: &str) -> bool {
    text.contains("edition_defaults") || text.contains("feature_support")
}

/// Drops the `edition_defaults` and `feature_support` options of a file's fields (and
/// `feature_support` of its enum values): they define
/// how features resolve, which sous knows already, and are checked from the text (see
/// [`super::feature_support_errors`]), so the compiler must not report them a second time in
/// its own words. Their source locations go with them.
pub(crate) fn strip_feature_definitions(file: &mut FileDescriptorProto) -> bool {
    const DEFINING: [&str; 2] = ["edition_defaults", "feature_support"];
    let mut info = file.source_code_info.take().unwrap_or_default();
    let mut found = Vec::new();
    collect_options(file, &mut found);
    let mut moved: HashMap<(Vec<i32>, i32), Option<i32>> = HashMap::new();
    for at in found {
        // buf's descriptor.proto has `feature_support` on enum values too; the compiler's has not.
        let defining: &[&str] = match at.target {
            Target::Field => &DEFINING,
            Target::EnumValue => &DEFINING[1..],
            _ => continue,
        };
        let mut options_path = at.path.clone();
        options_path.push(at.options_tag);
        let mut kept = Vec::new();
        for (index, option) in std::mem::take(at.options).into_iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            // `feature_support = {...}` and `feature_support.edition_introduced = ...` alike.
            let defining = option
                .name
                .first()
                .is_some_and(|p| !p.is_extension && defining.contains(&p.name_part.as_str()));
            if defining {
                moved.insert((options_path.clone(), index), None);
            } else {
                moved.insert((options_path.clone(), index), Some(kept.len() as i32));
                kept.push(option);
            }
        }
        *at.options = kept;
    }
    let changed = moved.values().any(Option::is_none);
    info.location.retain_mut(|location| {
        let Some(at) = location
            .path
            .iter()
            .position(|&p| p == UNINTERPRETED_OPTION)
        else {
            return true;
        };
        let Some(&index) = location.path.get(at + 1) else {
            return true;
        };
        match moved.get(&(location.path[..at].to_vec(), index)) {
            Some(Some(new)) => {
                location.path[at + 1] = *new;
                true
            }
            Some(None) => false,
            None => true,
        }
    });
    file.source_code_info = Some(info);
    changed
}

/// `features` options in a proto2 or proto3 file, which buf refuses (at the `features` name):
/// the compiler's `descriptor.proto` would take them.
pub(crate) fn features_outside_editions(
    file: &FileDescriptorProto,
    source: &Source,
) -> Vec<Finding> {
    if !source.text.contains("features") {
        return Vec::new();
    }
    let mut copy = file.clone();
    let info = copy.source_code_info.clone().unwrap_or_default();
    let lines = LineStarts::new(&source.text);
    let syntax = match file.syntax() {
        "" => "proto2",
        s => s,
    }
    .to_string();
    let mut found = Vec::new();
    collect_options(&mut copy, &mut found);
    let mut findings = Vec::new();
    for at in found {
        for (index, option) in at.options.iter().enumerate() {
            let is_features = option
                .name
                .first()
                .is_some_and(|p| !p.is_extension && p.name_part == "features");
            if !is_features {
                continue;
            }
            let mut path = at.path.clone();
            path.extend([at.options_tag, UNINTERPRETED_OPTION, index as i32]);
            let Some(span) = info
                .location
                .iter()
                .find(|l| l.path == path)
                .and_then(|l| lines.range(&l.span))
            else {
                continue;
            };
            let (start, end) = find_in(&source.text, span, span.0, "features");
            findings.push(source.finding(
                start,
                end,
                "COMPILE",
                format!("`features` can be set in editions files only, not in {syntax}: migrate the file to `edition = \"2023\";` or remove the option"),
            ));
        }
    }
    findings
}
