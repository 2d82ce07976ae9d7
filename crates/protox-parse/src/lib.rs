//! Parsing of protobuf source files.
//!
//! See the documentation for [`parse()`] for details.
#![warn(missing_debug_implementations, missing_docs)]
#![deny(unsafe_code)]

use logos::Span;
use prost_types::FileDescriptorProto;

pub use self::error::ParseError;
/// sous: the value of an option statement without one that the parser keeps (see
/// `parse_recovered`): the compiler's errors that name it are of the recovery, not of the file.
pub use self::parse::VALUELESS_MARKER;
/// sous: the error of an enum value with a body (`A = 1 { }`), which buf drops, as sous does.
pub use self::parse::ENUM_VALUE_WITH_A_BODY;

mod ast;
mod case;
mod error;
mod generate;
mod lex;
mod parse;
mod tag;
mod unchecked_options;

const MAX_MESSAGE_FIELD_NUMBER: i32 = 536_870_911;

/// Parses a single protobuf source file into a [`FileDescriptorProto`].
///
/// This function only looks at the syntax of the file, without resolving type names or reading
/// imported files.
///
/// # Examples
///
/// ```
/// # use protox_parse::parse;
/// # use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto, SourceCodeInfo, source_code_info::Location, field_descriptor_proto::Label};
/// #
/// let source = r#"
///     syntax = "proto3";
///     import "dep.proto";
///
///     message Foo {
///         Bar bar = 1;
///     }
/// "#;
/// let file_descriptor = parse("foo.proto", source).unwrap();
/// assert_eq!(file_descriptor, FileDescriptorProto {
///     name: Some("foo.proto".to_owned()),
///     syntax: Some("proto3".to_owned()),
///     dependency: vec!["dep.proto".to_owned()],
///     message_type: vec![DescriptorProto {
///         name: Some("Foo".to_owned()),
///         field: vec![FieldDescriptorProto {
///             label: Some(Label::Optional as _),
///             name: Some("bar".to_owned()),
///             number: Some(1),
///             type_name: Some("Bar".to_owned()),
///             ..Default::default()
///         }],
///         ..Default::default()
///     }],
///     source_code_info: Some(SourceCodeInfo {
///         location: vec![
///             Location { path: vec![], span: vec![1, 4, 6, 5], ..Default::default() },
///             Location { path: vec![3, 0], span: vec![2, 4, 23], ..Default::default() },
///             Location { path: vec![4, 0], span: vec![4, 4, 6, 5], ..Default::default() },
///             Location { path: vec![4, 0, 1], span: vec![4, 12, 15], ..Default::default() },
///             Location { path: vec![4, 0, 2, 0], span: vec![5, 8, 20], ..Default::default() },
///             Location { path: vec![4, 0, 2, 0, 1], span: vec![5, 12, 15], ..Default::default() },
///             Location { path: vec![4, 0, 2, 0, 3], span: vec![5, 18, 19], ..Default::default() },
///             Location { path: vec![4, 0, 2, 0, 6], span: vec![5, 8, 11], ..Default::default() },
///             Location { path: vec![12], span: vec![1, 4, 22], ..Default::default() },
///         ],
///     }),
///     ..Default::default()
/// })
/// ```
pub fn parse(name: &str, source: &str) -> Result<FileDescriptorProto, ParseError> {
    let substitute = SUBSTITUTE.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|file| file.name() == name)
            .cloned()
    });
    if let Some(file) = substitute {
        return Ok(file);
    }
    if source.len() > MAX_FILE_LEN {
        return Err(ParseError::new(
            vec![error::ParseErrorKind::FileTooLarge],
            name,
            String::default(),
        ));
    }

    let (ast, mut errors) = parse::parse_file(source);
    let Some(ast) = ast else {
        return Err(ParseError::new(errors, name, source.to_owned()));
    };
    if errors.is_empty() {
        return generate::generate_file(ast, name, source)
            .map_err(|errors| ParseError::new(errors, name, source.to_owned()));
    }
    // sous: past a syntax error, what the parser recovered is checked too, and its errors
    // follow.
    if let Err(more) = generate::generate_file(ast, name, source) {
        errors.extend(more);
    }
    Err(ParseError::new(errors, name, source.to_owned()))
}

thread_local! {
    static SUBSTITUTE: std::cell::RefCell<Option<FileDescriptorProto>> =
        const { std::cell::RefCell::new(None) };
}

/// sous: runs `f` with `file` as what [`parse()`] returns (on this thread) for the file of its
/// name, whatever the source: a compiler handed the source then reports errors in `file` at
/// their places in the source. For the errors of what the parser recovered from syntax errors
/// (see [`parse_recovered`]), or of a file with some of its errors fixed, so that the
/// compiler's later steps report theirs.
pub fn substituting<T>(file: FileDescriptorProto, f: impl FnOnce() -> T) -> T {
    let before = SUBSTITUTE.with(|s| s.replace(Some(file)));
    struct Restore(Option<FileDescriptorProto>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            SUBSTITUTE.with(|s| *s.borrow_mut() = before);
        }
    }
    let _restore = Restore(before);
    f()
}

/// sous: what the parser recovers of `source` when it has syntax errors (or errors after which
/// the descriptor is still whole, such as a label in an editions file); `None` when it has none,
/// or nothing could be recovered.
pub fn parse_recovered(name: &str, source: &str) -> Option<FileDescriptorProto> {
    if source.len() > MAX_FILE_LEN {
        return None;
    }
    let (ast, errors) = parse::parse_file(source);
    let ast = ast?;
    if errors.is_empty() {
        // Only errors of generating, some of which leave the descriptor whole.
        let clean = generate::generate_file(ast.clone(), name, source).is_ok();
        return if clean {
            None
        } else {
            generate::generate_file_tolerant(ast, name, source).ok()
        };
    }
    let mut file = generate::generate_file_tolerant(ast, name, source).ok()?;
    if parse::nameless_option(source) {
        unchecked_options::strip(&mut file);
    }
    Some(file)
}

/// sous: buf parity: the value of `source`'s `edition` statement (escapes decoded, literals
/// joined) and the byte span of its string literals, when it names no edition buf 1.75.0 knows
/// (`"2023"`, `"2024"`, `"2026"`). [`parse()`] reads such a file on as buf does, with proto2's
/// syntax (also taking fields without a label and reserved names written as identifiers, which
/// buf refuses: the caller reports them) and the file's descriptor saying `editions`.
pub fn unknown_edition(source: &str) -> Option<(String, Span)> {
    parse::unknown_edition(source)
}

const MAX_FILE_LEN: usize = i32::MAX as usize;

fn index_to_i32(index: usize) -> i32 {
    // We enforce that all files parsed are at most i32::MAX bytes long. Therefore the indices of any
    // definitions in a single file must fit into an i32.
    index.try_into().unwrap()
}

fn join_span(start: Span, end: Span) -> Span {
    start.start..end.end
}

#[cfg(test)]
mod sous_tests;
#[cfg(test)]
mod sous_shape_tests;
