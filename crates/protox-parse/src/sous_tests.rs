//! sous: tests of the changes made by sous (see `VENDORED.md`): recovery from syntax errors.

use crate::error::ParseErrorKind;
use crate::parse::parse_file;

/// The errors of `source`, as (kind's message, the text at its place).
fn errors(source: &str) -> Vec<(String, String)> {
    let (_, errors) = parse_file(source);
    errors
        .into_iter()
        .map(|e| {
            let at = match &e {
                ParseErrorKind::UnexpectedToken { span, .. }
                | ParseErrorKind::UnclosedBlock { span }
                | ParseErrorKind::InvalidToken { span }
                | ParseErrorKind::BufShape { span, .. } => source[span.clone()].to_string(),
                _ => String::new(),
            };
            (e.to_string(), at)
        })
        .collect()
}

#[test]
fn a_missing_semicolon_is_an_error_at_the_next_token_and_the_statement_ends() {
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n  int32 b = 2\n}\nenum E {\n  E_A = 0\n}\nservice S {\n  rpc M(A) returns (A)\n}\n";
    let places: Vec<String> = errors(source).into_iter().map(|(_, at)| at).collect();
    assert_eq!(places, ["int32", "}", "}", "}"]);
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<&str> = file.message_type[0].field.iter().map(|f| f.name()).collect();
    assert_eq!(fields, ["a", "b"]);
    assert_eq!(file.enum_type[0].value.len(), 1);
    assert_eq!(file.service[0].method.len(), 1);
}

#[test]
fn a_bad_statement_is_skipped_and_the_block_goes_on() {
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 c 1;\n  int32 d 2;\n  int32 e = 3;\n  message N { int32 x = ; }\n}\nmessage B { int32 f = \"x\"; }\n";
    let places: Vec<String> = errors(source).into_iter().map(|(_, at)| at).collect();
    assert_eq!(places, ["1", "2", ";", "int32 x = ;", "\"x\""]);
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<(&str, i32)> = (file.message_type[0].field.iter())
        .map(|f| (f.name(), f.number()))
        .collect();
    // buf parity: buf keeps a field missing its `=` (with its number) for its later steps.
    assert_eq!(fields, [("c", 1), ("d", 2), ("e", 3)]);
    assert_eq!(file.message_type[0].nested_type.len(), 1);
    assert_eq!(file.message_type.len(), 2);
}

#[test]
fn a_block_left_open_is_an_error_at_its_brace() {
    let source = "syntax = \"proto3\";\nmessage A {\n  message B {\n  }\n  enum E {\n    E_A = 0;\n";
    let (_, errors) = parse_file(source);
    let at: Vec<usize> = errors
        .iter()
        .map(|e| match e {
            ParseErrorKind::UnclosedBlock { span } => span.start,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let enum_brace = source.find("E {").unwrap() + 2;
    let message_brace = source.find("A {").unwrap() + 2;
    assert_eq!(at, [enum_brace, message_brace]);
}

#[test]
fn a_clean_file_has_nothing_recovered_and_a_substitute_is_parsed_as_itself() {
    let source = "syntax = \"proto3\";\nmessage A { int32 a = 1; }\n";
    assert!(crate::parse_recovered("a.proto", source).is_none());
    let substitute = prost_types::FileDescriptorProto {
        name: Some("a.proto".to_string()),
        package: Some("other".to_string()),
        ..Default::default()
    };
    let parsed = crate::substituting(substitute.clone(), || crate::parse("a.proto", source));
    assert_eq!(parsed.ok(), Some(substitute.clone()));
    // Only for its name, and only while the closure runs.
    let other = crate::substituting(substitute.clone(), || crate::parse("b.proto", source));
    assert_eq!(other.ok().and_then(|f| f.package), None);
    assert!(crate::parse("a.proto", source).is_ok_and(|f| f.package.is_none()));
}

#[test]
fn a_missing_semicolon_in_the_file_head_keeps_the_statement() {
    let source = "syntax = \"proto3\"\npackage a.b\nimport \"x.proto\"\nmessage A {}\n";
    let places: Vec<String> = errors(source).into_iter().map(|(_, at)| at).collect();
    assert_eq!(places, ["package", "import", "message"]);
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    assert_eq!(file.package(), "a.b");
    assert_eq!(file.dependency, ["x.proto"]);
}

/// The places of `source`'s errors, as the text there.
fn places(source: &str) -> Vec<String> {
    errors(source).into_iter().map(|(_, at)| at).collect()
}

#[test]
fn a_statement_far_from_valid_gets_an_error_per_part_missing_as_in_buf() {
    let source = "syntax = \"proto3\";\nfoo bar;\nmessage A {\n  int32 = 1;\n  int32 $b = 2;\n  repeated repeated int32 x = 3;\n  int32 x y = 4;\n  option deprecated = ;\n  int32 z = 5 [];\n}\nenum E {\n  E_A = 0;\n  E_B;\n  E_C 2;\n}\n";
    assert_eq!(
        places(source),
        [
            // `foo bar;` at file scope: no number, and a field outside of a message.
            "foo bar;",
            "foo bar;",
            "int32 = 1;",
            // `$` ends the definition `int32` (no name, no number) and `b = 2;` is another.
            "$",
            "int32",
            "int32",
            "$",
            "b = 2;",
            "repeated",
            // `y` ends the definition `int32 x` and `y = 4;` is another.
            "y",
            "int32 x",
            "y = 4;",
            ";",
            "option deprecated = ;",
            "[]",
            "E_B;",
            "2",
        ]
    );
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    // buf parity: what buf keeps: `int32 x` (no number: a placeholder), `z` with its number,
    // and `E_C 2`.
    let fields: Vec<(&str, i32)> = (file.message_type[0].field.iter())
        .map(|f| (f.name(), f.number()))
        .collect();
    assert_eq!(fields, [("x", 536_870_911), ("z", 5)]);
    let values: Vec<(&str, i32)> = (file.enum_type[0].value.iter())
        .map(|v| (v.name(), v.number()))
        .collect();
    assert_eq!(values, [("E_A", 0), ("E_C", 2)]);
}

#[test]
fn a_statement_of_an_unknown_shape_keeps_the_parsers_error() {
    // A field number that is a string is an error of a later step to buf, not a part missing.
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 x = \"a\";\n  int32 y = 2;\n}\n";
    assert_eq!(places(source), ["\"a\""]);
}

#[test]
fn a_bracket_buf_leaves_unmatched_ends_the_definition_and_what_follows_is_read_again() {
    let source = "syntax = \"proto3\";\nmessage A {\n  int32 x = 1 [deprecated = true;\n  int32 y = 2 [json_name = \"y\"];\n}\n";
    // The unmatched `[` (three errors there), then `deprecated = true;`: a field without a name.
    assert_eq!(places(source), ["[", "[", "[", "deprecated = true;"]);
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<&str> = file.message_type[0].field.iter().map(|f| f.name()).collect();
    assert_eq!(fields, ["y"]);
}

#[test]
fn buf_leaves_unmatched_the_bracket_between_two_that_match() {
    let orphans = |s: &str| {
        let mut at: Vec<usize> = crate::parse::orphan_brackets(s).into_iter().collect();
        at.sort();
        at
    };
    assert_eq!(orphans("{ [ }"), [2]);
    assert_eq!(orphans("{ [ [ ] }"), [2]);
    assert_eq!(orphans("{ [ ] }"), Vec::<usize>::new());
    assert_eq!(orphans("{ ] }"), [2]);
    // Open at the end of the file: paired with its end, not unmatched.
    assert_eq!(orphans("{ ["), Vec::<usize>::new());
    // Past a string not closed on its line, buf's brackets are not known.
    assert_eq!(orphans("{ [ \"a ]\n}"), Vec::<usize>::new());
}

#[test]
fn a_string_with_no_quote_after_it_runs_on_to_the_end_of_the_file() {
    let source = "syntax = \"proto3\";\nmessage A {\n  string s = 1 [json_name = \"abc];\n  int32 t = 2;\n}\n";
    let (_, errors) = parse_file(source);
    let mut at: Vec<(usize, usize)> = errors
        .iter()
        .filter_map(|e| e.span().map(|s| (s.start, s.end)))
        .collect();
    at.sort();
    let brace = source.find('{').unwrap();
    let bracket = source.find('[').unwrap();
    let quote = source.find("\"abc").unwrap();
    let newlines: Vec<usize> = source
        .match_indices('\n')
        .map(|(i, _)| i)
        .filter(|&i| i > quote)
        .collect();
    let end = source.len();
    let mut expected = vec![
        (brace, brace + 1),
        (bracket, bracket + 1),
        (quote, end),
        (end, end),
    ];
    expected.extend(newlines.iter().map(|&i| (i, i + 1)));
    expected.sort();
    assert_eq!(at, expected);
}

#[test]
fn a_string_closed_on_a_later_line_runs_on_to_its_quote_as_in_buf() {
    // The first string runs on to the `"` before `t`; `t"` then starts a string with a prefix,
    // which runs on to the end of the file.
    let source = "syntax = \"proto3\";\nmessage A {\n  string s = 1 [json_name = \"abc];\n  string t = 2 [json_name = \"t\"];\n}\n";
    let (_, errors) = parse_file(source);
    let mut at: Vec<(usize, usize)> = errors
        .iter()
        .filter_map(|e| e.span().map(|s| (s.start, s.end)))
        .collect();
    at.sort();
    let brace = source.find('{').unwrap();
    let bracket = source.find('[').unwrap();
    let first_line_end = source.find("];\n").unwrap() + 2;
    let prefix = source.find("t\"]").unwrap();
    let end = source.len();
    let later_line_ends: Vec<(usize, usize)> = source
        .match_indices('\n')
        .map(|(i, _)| (i, i + 1))
        .filter(|&(i, _)| i > prefix)
        .collect();
    let mut expected = vec![
        (brace, brace + 1),
        (bracket, bracket + 1),
        (first_line_end, first_line_end + 1),
        (prefix, prefix + 1),
        (prefix, end),
        (end, end),
    ];
    expected.extend(later_line_ends);
    expected.sort();
    assert_eq!(at, expected);

    // Closed on a later line, then the file goes on as usual: one error, at the line end.
    let source = "syntax = \"proto3\";\nmessage A {\n  string s = 1 [json_name = \"a\nb\"];\n}\n";
    let file = crate::parse("a.proto", source);
    let err = file.expect_err("refused");
    let span = err.span().expect("placed");
    assert_eq!(span.start, source.find("a\nb").unwrap() + 1);
}

#[test]
fn a_number_that_is_no_integer_is_an_error_in_a_message_only() {
    let source = "syntax = \"proto3\";\nstring a = \"x\";\nmessage A {\n  string b = \"y\";\n  int32 c = 1 d;\n}\n";
    // At file scope, only the field out of place; in a message, the number too.
    assert_eq!(places(source), ["string a = \"x\";", "\"y\"", "d", "d;", "d;"]);
}

#[test]
fn negative_inf_and_nan_are_double_values_and_other_negative_names_are_kept() {
    let source = "syntax = \"proto2\";\nmessage M {\n  option (a) = -inf;\n  option (b) = -nan;\n  option (c) = inf;\n  option (i) = -0x80000000;\n  option (d) = -Infinity;\n  option (e) = - /* x */ FOO;\n}\n";
    let file = crate::parse("a.proto", source).expect("parses");
    let options = &file.message_type[0]
        .options
        .as_ref()
        .expect("options")
        .uninterpreted_option;
    assert_eq!(options[0].double_value, Some(f64::NEG_INFINITY));
    assert!(options[1].double_value.is_some_and(f64::is_nan));
    assert_eq!(options[2].identifier_value.as_deref(), Some("inf"));
    assert_eq!(options[3].negative_int_value, Some(-0x80000000));
    // Refused by the compiler, as a value of the option's type (buf places the error by type).
    assert_eq!(options[4].identifier_value.as_deref(), Some("-Infinity"));
    assert_eq!(options[5].identifier_value.as_deref(), Some("-FOO"));
}

#[test]
fn local_and_export_are_taken_in_proto2_and_proto3_files() {
    for syntax in ["proto2", "proto3"] {
        let source = format!(
            "syntax = \"{syntax}\";\nlocal message A {{\n  export enum E {{ E_X = 0; }}\n}}\nexport enum F {{ F_X = 0; }}\n"
        );
        let file = crate::parse("a.proto", &source).expect("parses");
        assert_eq!(file.message_type[0].name(), "A");
        assert_eq!(file.message_type[0].enum_type[0].name(), "E");
        assert_eq!(file.enum_type[0].name(), "F");
    }
}

#[test]
fn a_field_kept_without_a_number_gets_one_no_range_of_its_message_covers() {
    let source = "syntax = \"proto2\";\nmessage A {\n  extensions 100 to max;\n  reserved 50 to 99;\n  optional int32 x;\n  optional int32 y = 49;\n  oneof o { int32 z; }\n}\n";
    let file = crate::parse_recovered("a.proto", source).expect("recovered");
    let fields: Vec<(&str, i32)> = (file.message_type[0].field.iter())
        .map(|f| (f.name(), f.number()))
        .collect();
    assert_eq!(fields, [("x", 48), ("y", 49), ("z", 47)]);
}
