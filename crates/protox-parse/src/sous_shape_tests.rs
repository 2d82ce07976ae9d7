//! sous: tests of the statement shapes read as buf 1.75.0 reads them (see `VENDORED.md`):
//! bodies after definitions, options of fields without a number, options without a value,
//! a file with an option without a name.

use crate::error::ParseErrorKind;
use crate::parse::parse_file;

/// The text at the place of each error of `source`.
fn places(source: &str) -> Vec<String> {
    let (_, errors) = parse_file(source);
    errors
        .into_iter()
        .map(|e| match &e {
            ParseErrorKind::BufShape { span, .. } | ParseErrorKind::UnexpectedToken { span, .. } => {
                source[span.clone()].to_string()
            }
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_body_after_a_field_is_an_error_over_its_braces_and_one_per_declaration_in_it() {
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 a = 1 { int32 b = 2; foo; }\n  int32 c = 3;\n}\nenum E {\n  E_A = 0 { }\n  E_B = 1;\n}\n";
    assert_eq!(
        places(source),
        [
            "{ int32 b = 2; foo; }",
            "int32 b = 2;",
            "foo;",
            "foo;",
            "foo;",
            "E_A = 0 { }",
            "E_A = 0 { }",
            "{ }"
        ]
    );
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<&str> = file.message_type[0].field.iter().map(|f| f.name()).collect();
    // buf parity: the field is kept, the enum value with a body dropped.
    assert_eq!(fields, ["a", "c"]);
    let values: Vec<&str> = file.enum_type[0].value.iter().map(|v| v.name()).collect();
    assert_eq!(values, ["E_B"]);
}

#[test]
fn a_field_without_a_number_keeps_its_options() {
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 a [deprecated = true, (x) = 1];\n}\n";
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let field = &file.message_type[0].field[0];
    assert_eq!(field.name(), "a");
    let options = field.options.as_ref().expect("options");
    assert_eq!(options.uninterpreted_option.len(), 2);
}

#[test]
fn an_extension_option_without_a_value_is_kept_with_the_marker() {
    let source = "syntax = \"proto3\";\nmessage A {\n  option (x).y;\n  option foo;\n}\n";
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let options = file.message_type[0].options.as_ref().expect("options");
    let kept: Vec<Option<&str>> = (options.uninterpreted_option.iter())
        .map(|o| o.identifier_value.as_deref())
        .collect();
    assert_eq!(kept, [Some(crate::VALUELESS_MARKER)]);
}

#[test]
fn a_file_with_an_option_without_a_name_keeps_no_option() {
    let source = "syntax = \"proto3\";\noption = 1;\noption java_package = \"x\";\nmessage A {\n  int32 a = 1 [json_name = \"b\", deprecated = true];\n  map<string, int32> m = 2;\n}\nenum E {\n  option allow_alias = true;\n  E_A = 0;\n  E_B = 0;\n}\n";
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    assert!(file.options.is_none());
    let message = &file.message_type[0];
    assert!(message.field[0].options.is_none());
    assert!(message.field[0].json_name.is_none());
    // (A map entry stays one; an enum keeps `allow_alias`.)
    assert!(message.nested_type[0].options.as_ref().is_some_and(|o| o.map_entry()));
    let alias = file.enum_type[0].options.as_ref().expect("options");
    assert_eq!(alias.uninterpreted_option.len(), 1);
}

#[test]
fn tokens_no_statement_starts_with_are_skipped_and_the_field_after_them_kept() {
    let source = "syntax = \"proto3\";\nmessage A {\n  1 2 Foo x = 1;\n  \"a\" Bar y = 2;\n  1 2 3 int32 z = 3;\n}\nenum E {\n  E_A = 0;\n  5 E_B = 1;\n}\n";
    assert_eq!(places(source), ["1", "\"a\""  , "5"]);
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<&str> = file.message_type[0].field.iter().map(|f| f.name()).collect();
    assert_eq!(fields, ["x", "y", "z"]);
    let values: Vec<&str> = file.enum_type[0].value.iter().map(|v| v.name()).collect();
    assert_eq!(values, ["E_A", "E_B"]);
}
