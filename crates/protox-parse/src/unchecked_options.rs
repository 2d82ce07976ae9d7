//! sous: buf parity: in a file with an option statement without a name (`option = 1;`), buf
//! 1.75.0 checks no option at all. What the parser recovered of such a file (see
//! `parse_recovered`) is compiled without its options, so that none is reported; a map entry
//! keeps its `map_entry`, which makes it one, and an enum its `allow_alias` (buf still lets its
//! values share numbers).

use prost_types::{DescriptorProto, EnumDescriptorProto, EnumOptions, FileDescriptorProto, MessageOptions};

/// Drops every option of `file` but `map_entry` and `allow_alias`, and the fields' `json_name`s.
pub(crate) fn strip(file: &mut FileDescriptorProto) {
    file.options = None;
    file.message_type.iter_mut().for_each(message);
    file.enum_type.iter_mut().for_each(enum_);
    file.extension.iter_mut().for_each(|f| f.options = None);
    file.service.iter_mut().for_each(|s| {
        s.options = None;
        s.method.iter_mut().for_each(|m| m.options = None);
    });
}

fn message(message_: &mut DescriptorProto) {
    let entry = message_.options.as_ref().and_then(|o| o.map_entry);
    message_.options = entry.map(|map_entry| MessageOptions {
        map_entry: Some(map_entry),
        ..Default::default()
    });
    message_.field.iter_mut().for_each(|f| {
        f.options = None;
        // (`json_name` is an option to buf; a map entry's are not written.)
        if entry.is_none() {
            f.json_name = None;
        }
    });
    message_.extension.iter_mut().for_each(|f| f.options = None);
    message_.oneof_decl.iter_mut().for_each(|o| o.options = None);
    message_.extension_range.iter_mut().for_each(|r| r.options = None);
    message_.enum_type.iter_mut().for_each(enum_);
    message_.nested_type.iter_mut().for_each(message);
}

fn enum_(enum_: &mut EnumDescriptorProto) {
    // (The parser writes it as an option still to interpret.)
    let alias: Vec<_> = (enum_.options.iter())
        .flat_map(|o| o.uninterpreted_option.iter())
        .filter(|o| o.name.len() == 1 && o.name[0].name_part == "allow_alias")
        .cloned()
        .collect();
    enum_.options = (!alias.is_empty()).then(|| EnumOptions {
        uninterpreted_option: alias,
        ..Default::default()
    });
    enum_.value.iter_mut().for_each(|v| v.options = None);
}
