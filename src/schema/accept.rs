//! What buf accepts and the compiler (protox, prost-reflect) refuses, reshaped before the
//! compiler sees it and put back in what comes out: proto2 fields whose default JSON names are
//! the same, proto3 fields whose names differ only in case and underscores, and `nan` / `inf`
//! as float option values.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    UninterpretedOption,
};
use std::collections::{HashMap, HashSet};

use crate::descriptor::implicit_json_name;

/// The JSON name (or name) the compiler is given for field `number` in place of `name`, which
/// clashes with another field's. `#` is in no identifier, so the placeholder clashes with none.
fn placeholder(name: &str, number: i32) -> String {
    format!("{name}#{number}")
}

/// buf parity: in a proto2 file, two fields may have the same default JSON name (`foo_bar` and
/// `fooBar`, `descriptor` and `descriptor_`); buf, like protoc, refuses the clash only when a
/// `json_name` option takes part, or in proto3. prost-reflect refuses every clash, so each
/// clashing field after the first is given a placeholder JSON name. Returns whether any was.
pub(super) fn clashing_json_names(file: &mut FileDescriptorProto) -> bool {
    let proto2 = file.syntax.as_deref().is_none_or(|s| s == "proto2");
    let mut changed = false;
    for message in &mut file.message_type {
        changed |= if proto2 {
            message_json_names(message)
        } else {
            message_camel_case_names(message)
        };
    }
    changed
}

/// buf parity: in proto3, prost-reflect (like protoc) refuses two fields whose names are the
/// same once lower-cased without underscores (`foo` and `Foo`, `foo_bar` and `foobar`); buf
/// refuses only equal JSON names. Where the JSON names differ, each such field after the first
/// is given a placeholder name (`Foo#2`) and its JSON name written out, so that the check does
/// not see the clash; [`restore_json_names`] puts the name back.
fn message_camel_case_names(message: &mut DescriptorProto) -> bool {
    let mut changed = false;
    for nested in &mut message.nested_type {
        changed |= message_camel_case_names(nested);
    }
    // Most messages have no two fields of one folded name: nothing to change, known without
    // building a name per field (this runs on every message of every file compiled).
    if !may_fold_alike(&message.field) {
        return changed;
    }
    let json = |f: &FieldDescriptorProto| {
        f.json_name
            .clone()
            .unwrap_or_else(|| implicit_json_name(f.name()))
    };
    let mut jsons: Vec<String> = message.field.iter().map(json).collect();
    jsons.sort();
    if jsons.windows(2).any(|w| w[0] == w[1]) {
        // An error in buf too.
        return changed;
    }
    let mut by_folded: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, field) in message.field.iter().enumerate() {
        let folded: String = field
            .name()
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        by_folded.entry(folded).or_default().push(index);
    }
    for fields in by_folded.into_values().filter(|f| f.len() > 1) {
        for &index in &fields[1..] {
            let field = &mut message.field[index];
            field.json_name = Some(json(field));
            field.name = Some(placeholder(field.name(), field.number()));
            changed = true;
        }
    }
    changed
}

/// Whether two of `fields` may have the same name once lower-cased without underscores: false
/// only when they surely do not (their folded names hash apart).
fn may_fold_alike(fields: &[FieldDescriptorProto]) -> bool {
    if fields.len() < 2 {
        return false;
    }
    let folded_hash = |name: &str| {
        // Byte by byte: `_` and ASCII letters are single bytes, and no byte of a multi-byte
        // character is either, so this folds exactly as the chars are folded below.
        name.bytes()
            .filter(|b| *b != b'_')
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
            })
    };
    let mut hashes: Vec<u64> = fields.iter().map(|f| folded_hash(f.name())).collect();
    hashes.sort_unstable();
    hashes.windows(2).any(|w| w[0] == w[1])
}

fn message_json_names(message: &mut DescriptorProto) -> bool {
    let mut changed = false;
    for nested in &mut message.nested_type {
        changed |= message_json_names(nested);
    }
    // Effective JSON name -> (whether a field with it sets `json_name` itself, its fields).
    let mut by_json: HashMap<String, (bool, Vec<usize>)> = HashMap::new();
    for (index, field) in message.field.iter().enumerate() {
        let default = implicit_json_name(field.name());
        // A compiled file has every JSON name filled in: one equal to the default is taken as
        // the default.
        let custom = field.json_name.as_ref().filter(|j| **j != default);
        let entry = by_json
            .entry(custom.cloned().unwrap_or(default))
            .or_default();
        entry.0 |= custom.is_some();
        entry.1.push(index);
    }
    for (json, (custom, fields)) in by_json {
        // A clash with a `json_name` option is an error in buf too.
        if custom || fields.len() < 2 {
            continue;
        }
        for &index in &fields[1..] {
            let field = &mut message.field[index];
            field.json_name = Some(placeholder(&json, field.number()));
            changed = true;
        }
    }
    changed
}

/// Puts back the default JSON names that [`clashing_json_names`] replaced, in a compiled file.
/// Returns whether any was.
pub(super) fn restore_json_names(file: &mut FileDescriptorProto) -> bool {
    fn restore(message: &mut DescriptorProto) -> bool {
        let mut changed = false;
        for nested in &mut message.nested_type {
            changed |= restore(nested);
        }
        for field in &mut message.field {
            let suffix = format!("#{}", field.number());
            if let Some(name) = field.name().strip_suffix(&suffix) {
                field.name = Some(name.to_string());
                changed = true;
            }
            let default = implicit_json_name(field.name());
            if field.json_name.as_deref() == Some(&placeholder(&default, field.number())) {
                field.json_name = Some(default);
                changed = true;
            }
        }
        changed
    }
    let mut changed = false;
    for message in &mut file.message_type {
        changed |= restore(message);
    }
    changed
}

/// Whether compiled file `file` holds a placeholder name or JSON name (see
/// [`clashing_json_names`]).
pub(super) fn has_placeholder_json_names(file: &FileDescriptorProto) -> bool {
    fn any(message: &DescriptorProto) -> bool {
        // Both placeholders hold a `#`, which no name and few JSON names do: the placeholders
        // are built only then (building them for every field was 1% of a large lint).
        message.nested_type.iter().any(any)
            || message.field.iter().any(|f| {
                f.name().contains('#') && f.name().ends_with(&format!("#{}", f.number()))
                    || f.json_name.as_deref().is_some_and(|json| {
                        json.contains('#')
                            && json == placeholder(&implicit_json_name(f.name()), f.number())
                    })
            })
    }
    file.message_type.iter().any(any)
}

/// buf parity: `nan` and `inf` are float values of options (`[(limit) = inf]`), as in protoc.
/// protox passes them on as identifiers, which prost-reflect accepts for no float. Turns the
/// values of the options named in `names` (as the compiler names them: `(x).y`) written as the
/// identifier `nan` or `inf` into that float: only options the compiler refused them for, since
/// an enum option may have a value of that name. Returns whether any was.
pub(super) fn non_finite_floats(file: &mut FileDescriptorProto, names: &HashSet<String>) -> bool {
    let mut changed = false;
    for option in options(file).into_iter().flatten() {
        if !names.contains(&option_name(option)) {
            continue;
        }
        let value = match option.identifier_value.as_deref() {
            Some("nan") => f64::NAN,
            Some("inf") => f64::INFINITY,
            _ => continue,
        };
        option.identifier_value = None;
        option.double_value = Some(value);
        changed = true;
    }
    changed
}

/// The uninterpreted options of every element of `file`.
pub(super) fn options(file: &mut FileDescriptorProto) -> Vec<&mut Vec<UninterpretedOption>> {
    let mut options: Vec<&mut Vec<UninterpretedOption>> = Vec::new();
    if let Some(o) = &mut file.options {
        options.push(&mut o.uninterpreted_option);
    }
    for service in &mut file.service {
        if let Some(o) = &mut service.options {
            options.push(&mut o.uninterpreted_option);
        }
        for method in &mut service.method {
            if let Some(o) = &mut method.options {
                options.push(&mut o.uninterpreted_option);
            }
        }
    }
    fields(&mut file.extension, &mut options);
    enums(&mut file.enum_type, &mut options);
    for message in &mut file.message_type {
        message_options(message, &mut options);
    }
    options
}

/// Parses `text` as protox does (the vendored parser takes `-inf` and `-nan` as option values,
/// as buf does). The flag says whether the file was changed after parsing (the compiler cannot
/// then be handed the text itself).
pub(super) fn parse(
    name: &str,
    text: &str,
) -> Result<(FileDescriptorProto, bool), protox_parse::ParseError> {
    let mut file = protox_parse::parse(name, text)?;
    if file.syntax() == "editions" {
        // Never the text itself: the compiler takes editions files lowered only.
        super::editions::lower_for_compiler(&mut file, text);
        if super::editions::defines_features(text) {
            super::editions::strip_feature_definitions(&mut file);
        }
        return Ok((file, true));
    }
    if super::editions::defines_features(text) {
        let changed = super::editions::strip_feature_definitions(&mut file);
        return Ok((file, changed));
    }
    Ok((file, false))
}

/// An option's name as the compiler writes it: `(acme.limit).max`.
fn option_name(option: &UninterpretedOption) -> String {
    let parts: Vec<String> = option
        .name
        .iter()
        .map(|part| {
            if part.is_extension {
                format!("({})", part.name_part)
            } else {
                part.name_part.clone()
            }
        })
        .collect();
    parts.join(".")
}

fn message_options<'a>(
    message: &'a mut DescriptorProto,
    out: &mut Vec<&'a mut Vec<UninterpretedOption>>,
) {
    if let Some(o) = &mut message.options {
        out.push(&mut o.uninterpreted_option);
    }
    fields(&mut message.field, out);
    fields(&mut message.extension, out);
    for oneof in &mut message.oneof_decl {
        if let Some(o) = &mut oneof.options {
            out.push(&mut o.uninterpreted_option);
        }
    }
    for range in &mut message.extension_range {
        if let Some(o) = &mut range.options {
            out.push(&mut o.uninterpreted_option);
        }
    }
    enums(&mut message.enum_type, out);
    for nested in &mut message.nested_type {
        message_options(nested, out);
    }
}

fn fields<'a>(
    fields: &'a mut [FieldDescriptorProto],
    out: &mut Vec<&'a mut Vec<UninterpretedOption>>,
) {
    for field in fields {
        if let Some(o) = &mut field.options {
            out.push(&mut o.uninterpreted_option);
        }
    }
}

fn enums<'a>(
    enums: &'a mut [EnumDescriptorProto],
    out: &mut Vec<&'a mut Vec<UninterpretedOption>>,
) {
    for e in enums {
        if let Some(o) = &mut e.options {
            out.push(&mut o.uninterpreted_option);
        }
        for value in &mut e.value {
            if let Some(o) = &mut value.options {
                out.push(&mut o.uninterpreted_option);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FileDescriptorProto {
        protox_parse::parse("a.proto", text).expect("parses")
    }

    #[test]
    fn fields_that_fold_alike_are_never_missed() {
        let fields = |names: &[&str]| -> Vec<FieldDescriptorProto> {
            (names.iter())
                .map(|n| FieldDescriptorProto {
                    name: Some(n.to_string()),
                    ..Default::default()
                })
                .collect()
        };
        for alike in [
            &["foo_bar", "fooBar"][..],
            &["a", "b", "A"],
            &["x_y_z", "q", "XYZ"],
            &["naïve_x", "NaïveX"],
        ] {
            assert!(may_fold_alike(&fields(alike)), "{alike:?}");
        }
        for apart in [&["foo", "bar"][..], &["a"], &[], &["a_b", "a_c", "ab_d"]] {
            assert!(!may_fold_alike(&fields(apart)), "{apart:?}");
        }
        // Non-ASCII letters are not folded (as `to_ascii_lowercase` on chars leaves them).
        assert!(!may_fold_alike(&fields(&["é", "É"])));
    }

    #[test]
    fn only_proto2_default_json_name_clashes_are_reshaped_and_put_back() {
        let mut file = parse(
            "syntax = \"proto2\";\nmessage M {\n  optional string foo_bar = 1;\n  optional string fooBar = 2;\n  optional string baz = 3;\n  message N { optional string a_b = 1; optional string aB = 2; }\n}\n",
        );
        assert!(clashing_json_names(&mut file));
        let m = &file.message_type[0];
        assert_eq!(m.field[1].json_name.as_deref(), Some("fooBar#2"));
        assert_eq!(m.field[2].json_name, None);
        assert_eq!(m.nested_type[0].field[1].json_name.as_deref(), Some("aB#2"));
        assert!(has_placeholder_json_names(&file));
        assert!(restore_json_names(&mut file));
        assert_eq!(
            file.message_type[0].field[1].json_name.as_deref(),
            Some("fooBar")
        );
        assert!(!has_placeholder_json_names(&file));

        // A `json_name` option in the clash, or proto3: buf refuses it too.
        let mut custom = parse(
            "syntax = \"proto2\";\nmessage M {\n  optional string a = 1 [json_name = \"b\"];\n  optional string b = 2;\n}\n",
        );
        assert!(!clashing_json_names(&mut custom));
        let mut proto3 = parse(
            "syntax = \"proto3\";\nmessage M {\n  string foo_bar = 1;\n  string fooBar = 2;\n}\n",
        );
        assert!(!clashing_json_names(&mut proto3));

        // proto3 names equal once folded, with different JSON names: renamed for the compiler.
        let mut folded =
            parse("syntax = \"proto3\";\nmessage M {\n  string foo = 1;\n  string Foo = 2;\n}\n");
        assert!(clashing_json_names(&mut folded));
        let f = &folded.message_type[0].field[1];
        assert_eq!((f.name(), f.json_name.as_deref()), ("Foo#2", Some("Foo")));
        assert!(has_placeholder_json_names(&folded));
        assert!(restore_json_names(&mut folded));
        let f = &folded.message_type[0].field[1];
        assert_eq!((f.name(), f.json_name.as_deref()), ("Foo", Some("Foo")));
    }

    #[test]
    fn nan_and_inf_option_values_become_floats() {
        let mut file = parse(
            "syntax = \"proto2\";\nmessage M {\n  optional double a = 1 [(x) = nan, (y) = inf, (z) = INF];\n}\n",
        );
        let names: HashSet<String> = ["(x)", "(y)", "(z)"].map(String::from).into();
        assert!(non_finite_floats(&mut file, &names));
        let options = &file.message_type[0].field[0]
            .options
            .as_ref()
            .expect("options")
            .uninterpreted_option;
        assert!(options[0].double_value.is_some_and(f64::is_nan));
        assert_eq!(options[1].double_value, Some(f64::INFINITY));
        assert_eq!(options[2].identifier_value.as_deref(), Some("INF"));

        // An option not named keeps its identifier (an enum value may be called `inf`).
        let mut other = parse("syntax = \"proto2\";\noption (scale) = inf;\n");
        assert!(!non_finite_floats(&mut other, &names));
    }
}
