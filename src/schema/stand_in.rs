//! What a file past buf's nesting limits (see [`super::limits`]) still declares, for its
//! importers.
//!
//! buf reports such a file's crossings, but its importers still see the messages and enums it
//! declares: a name of it resolves, and only a name it does not declare is reported. The file
//! never reaches the compiler (its option values could overflow the compiler's stack), so it
//! stands in as its declarations only: the text without the messages past the limit, parsed,
//! and cut down to the names of its messages (nested ones too) and enums with their values.
//! No field, option, service or extension is left, so the stand-in refers to nothing and
//! cannot fail to compile.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FileDescriptorProto,
};

use super::limits::Crossing;

/// The declarations of file `name` (text `text`, past the limits at `crossings`), or `None`
/// when the rest does not parse (its importers then compile against an empty file).
pub(super) fn declarations(
    name: &str,
    text: &str,
    crossings: &[Crossing],
) -> Option<FileDescriptorProto> {
    let mut bytes = text.as_bytes().to_vec();
    for (start, end) in crossings.iter().filter_map(|c| c.declaration) {
        // Blanked, not removed, so what is left keeps its place; ASCII spaces keep it UTF-8.
        for byte in &mut bytes[start.min(text.len())..end.min(text.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    let rest = String::from_utf8(bytes).ok()?;
    // A file with syntax errors declares what its parser recovered (buf parity: its importers
    // still see those declarations).
    let file = std::panic::catch_unwind(|| {
        protox_parse::parse(name, &rest)
            .ok()
            .or_else(|| protox_parse::parse_recovered(name, &rest))
    })
    .ok()??;
    Some(FileDescriptorProto {
        name: file.name,
        package: file.package,
        syntax: file.syntax,
        message_type: file.message_type.iter().map(message).collect(),
        enum_type: file.enum_type.iter().map(enumeration).collect(),
        ..Default::default()
    })
}

/// A message's name, nested messages and enums.
fn message(message: &DescriptorProto) -> DescriptorProto {
    DescriptorProto {
        name: message.name.clone(),
        nested_type: message.nested_type.iter().map(self::message).collect(),
        enum_type: message.enum_type.iter().map(enumeration).collect(),
        ..Default::default()
    }
}

/// An enum's name and values.
fn enumeration(en: &EnumDescriptorProto) -> EnumDescriptorProto {
    EnumDescriptorProto {
        name: en.name.clone(),
        value: en
            .value
            .iter()
            .map(|v| EnumValueDescriptorProto {
                name: v.name.clone(),
                number: v.number,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::declarations;

    #[test]
    fn keeps_the_names_and_leaves_out_the_message_past_the_limit() {
        let mut text = String::from(
            "syntax = \"proto3\";\npackage p;\nmessage Top { int32 a = 1; }\nenum E { E_A = 0; }\n",
        );
        for i in 0..40 {
            text.push_str(&format!("message N{i} {{\n"));
        }
        text.push_str(&"}\n".repeat(40));
        let crossings = super::super::limits::check(&text);
        assert_eq!(crossings.len(), 1);
        let file = declarations("p.proto", &text, &crossings).expect("parses");
        let names: Vec<&str> = file.message_type.iter().map(|m| m.name()).collect();
        assert_eq!(names, ["Top", "N0"]);
        assert!(file.message_type[0].field.is_empty());
        assert_eq!(file.enum_type[0].value[0].name(), "E_A");
        // 31 levels are left: N0 .. N30.
        let mut depth = 0;
        let mut at = &file.message_type[1];
        while let Some(next) = at.nested_type.first() {
            at = next;
            depth += 1;
        }
        assert_eq!(depth, 30);
    }
}
