//! Parsing of protobuf source files.
//!
//! See the documentation for [`parse()`] for details.
#![warn(missing_debug_implementations, missing_docs)]
#![deny(unsafe_code)]

use logos::Span;
use prost_types::FileDescriptorProto;

pub use self::error::ParseError;

mod ast;
mod case;
mod error;
mod generate;
mod lex;
mod parse;
mod tag;

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
    // follow; while `recovering(name)`, it is the file.
    match generate::generate_file(ast, name, source) {
        Ok(file) if RECOVERING.with(|r| r.borrow().as_deref() == Some(name)) => return Ok(file),
        Ok(_) => {}
        Err(more) => errors.extend(more),
    }
    Err(ParseError::new(errors, name, source.to_owned()))
}

thread_local! {
    static RECOVERING: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// sous: runs `f` with file `name`, when it has syntax errors, parsed (by [`parse()`], on this
/// thread) as what the parser recovered from them, so that a compiler can report the errors of
/// the rest of the file as well.
pub fn recovering<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let before = RECOVERING.with(|r| r.replace(Some(name.to_owned())));
    struct Restore(Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            RECOVERING.with(|r| *r.borrow_mut() = before);
        }
    }
    let _restore = Restore(before);
    f()
}

/// sous: what the parser recovers of `source` when it has syntax errors; `None` when it has
/// none, or nothing could be recovered.
pub fn parse_recovered(name: &str, source: &str) -> Option<FileDescriptorProto> {
    if source.len() > MAX_FILE_LEN {
        return None;
    }
    let (ast, errors) = parse::parse_file(source);
    if errors.is_empty() {
        return None;
    }
    generate::generate_file(ast?, name, source).ok()
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
