use std::{
    fmt::{self, Write},
    iter::once,
    path::Path,
};

use logos::{Lexer, Logos, Span};

use self::comments::Comments;
use crate::{
    ast,
    case::{is_valid_group_name, is_valid_ident},
    error::ParseErrorKind,
    join_span,
    lex::{EqFloat, Token},
};

mod buf_shape;
mod builtin_options;

pub(crate) use self::buf_shape::open_brackets;
pub(crate) use self::buf_shape::nameless_option;
pub use self::buf_shape::{ENUM_VALUE_WITH_A_BODY, VALUELESS_MARKER};
#[cfg(test)]
pub(crate) use self::buf_shape::orphan_brackets;
mod comments;
mod edition;
mod kept;
mod stray_run;

pub(crate) use self::edition::unknown_edition;

use self::buf_shape::Body;

/// The maximum number of levels that message and group declarations may be nested. This matches
/// protoc, and bounds the recursion of the parser so that deeply nested input produces an error
/// instead of overflowing the stack.
pub(crate) const MAX_MESSAGE_NESTING_DEPTH: u32 = 31;

/// sous: the file as far as the parser recovered from its errors (none if it could not), and
/// the errors.
pub(crate) fn parse_file(source: &str) -> (Option<ast::File>, Vec<ParseErrorKind>) {
    let mut parser = Parser::new(source);
    let ast = parser.parse_file().ok();
    (ast, parser.lexer.extras.errors)
}

struct Parser<'a> {
    lexer: Lexer<'a, Token<'a>>,
    peek: Option<Result<(Token<'a>, Span), ()>>,
    comments: Comments,
    message_depth: u32,
    /// The file's syntax or edition, once its first statement is read.
    syntax: ast::Syntax,
    /// sous: the span of the last token taken (not a comment or newline), where a statement
    /// missing its `;` ends.
    last: Span,
    /// sous: the brackets buf's lexer leaves unmatched (`buf_shape::orphan_brackets`), once a
    /// statement in error needs them.
    orphans: Option<std::collections::HashSet<usize>>,
    /// sous: the closing brackets with none open (`buf_shape::unopened_brackets`), likewise.
    unopened: Option<std::collections::HashSet<usize>>,
    /// sous: how many fields buf keeps without a number were read (see `reparse`).
    unnumbered: u64,
    /// sous: in a parser that reads a field buf keeps without a number again: the number it
    /// gets in place of `buf_shape::UNNUMBERED`'s and where the field's own tokens end.
    placeholder: Option<(u64, usize)>,
    /// sous: in a parser that reads an option statement buf keeps without a value again (see
    /// `buf_shape::VALUELESS`): where its own tokens end.
    valueless: Option<usize>,
}

#[derive(Debug, Clone)]
enum ExpectedToken {
    Token(Token<'static>),
    Ident,
}

enum Statement {
    Empty(Span),
    Package(ast::Package),
    Import(ast::Import),
    Option(ast::Option),
    Message(ast::Message),
    Enum(ast::Enum),
    Service(ast::Service),
    Extend(ast::Extend),
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Self {
        Parser {
            lexer: Token::lexer(source),
            comments: Comments::new(),
            peek: None,
            message_depth: 0,
            syntax: ast::Syntax::default(),
            last: 0..0,
            orphans: None,
            unopened: None,
            unnumbered: 0,
            placeholder: None,
            valueless: None,
        }
    }

    fn parse_file(&mut self) -> Result<ast::File, ()> {
        let mut file_span = self.lexer.source().len()..0;

        let mut syntax = ast::Syntax::default();
        let mut syntax_span = None;
        match self.peek()? {
            Some((Token::SYNTAX | Token::EDITION, _)) => {
                let (parsed_syntax, span, comments) = self.parse_syntax()?;
                file_span = span.clone();
                syntax = parsed_syntax;
                self.syntax = syntax;
                syntax_span = Some((span, comments));
            }
            Some((_, span)) => {
                file_span = span;
            }
            None => (),
        }

        let mut package: Option<ast::Package> = None;
        let mut imports = Vec::new();
        let mut options = Vec::new();
        let mut items = Vec::new();

        loop {
            let mark = self.mark();
            match self.parse_statement() {
                Ok(Some(statement)) => {
                    file_span = join_span(file_span, statement.span());
                    match statement {
                        Statement::Empty(_) => continue,
                        Statement::Package(new_package) => {
                            if let Some(existing_package) = &package {
                                self.add_error(ParseErrorKind::DuplicatePackage {
                                    first: existing_package.span.clone(),
                                    second: new_package.span,
                                })
                            } else {
                                package = Some(new_package);
                            }
                        }
                        Statement::Import(import) => imports.push(import),
                        Statement::Option(option) => options.push(option),
                        Statement::Message(message) => items.push(ast::FileItem::Message(message)),
                        Statement::Enum(enm) => items.push(ast::FileItem::Enum(enm)),
                        Statement::Service(service) => items.push(ast::FileItem::Service(service)),
                        Statement::Extend(extend) => items.push(ast::FileItem::Extend(extend)),
                    }
                }
                Ok(None) => break,
                Err(()) => {
                    debug_assert!(!self.lexer.extras.errors.is_empty());
                    if let Some(repaired) = self.reshape(mark, Body::File) {
                        // buf parity: an option in error that buf keeps is kept.
                        options.extend(
                            repaired.and_then(|text| {
                                self.reparse(mark.0, &text, |p| p.parse_option())
                            }),
                        );
                        continue;
                    }
                    // sous: buf parity: after a run of `}`s buf reads on at the next token.
                    if matches!(self.peek(), Ok(Some((Token::RightBrace, _)))) {
                        self.stray_run();
                        continue;
                    }
                    self.skip_until(&[
                        Token::ENUM,
                        Token::EXTEND,
                        Token::IMPORT,
                        Token::MESSAGE,
                        Token::OPTION,
                        Token::SERVICE,
                        Token::PACKAGE,
                    ])
                }
            }
        }

        // sous: buf parity: a `{` whose `}` buf's lexer pairs past a stray bracket is unmatched
        // to buf (a stray bracket is a syntax error: looked for only then).
        if !self.lexer.extras.errors.is_empty() {
            let source = self.lexer.source();
            let unopened = (self.unopened.take())
                .unwrap_or_else(|| buf_shape::unopened_brackets(source));
            let mut braces: Vec<usize> = (unopened.iter().copied())
                .filter(|&at| source.as_bytes().get(at) == Some(&b'{'))
                .collect();
            braces.sort_unstable();
            for at in braces {
                self.add_error(ParseErrorKind::UnclosedBlock { span: at..at + 1 });
            }
            // buf parity: a `}` with no bracket open (at file scope) is unmatched to buf's
            // lexer, an error of its own besides the parser's.
            let mut closing: Vec<usize> = (unopened.iter().copied())
                .filter(|&at| source.as_bytes().get(at) == Some(&b'}'))
                .collect();
            closing.sort_unstable();
            closing.retain(|&at| !self.closing_reported(at));
            for at in closing {
                self.add_error(ParseErrorKind::BufShape {
                    message: stray_run::closes_nothing(b'}'),
                    span: at..at + 1,
                });
            }
        }

        Ok(ast::File {
            syntax,
            syntax_span,
            package,
            imports,
            options,
            items,
            span: file_span,
        })
    }

    fn parse_syntax(&mut self) -> Result<(ast::Syntax, Span, ast::Comments), ()> {
        let leading_comments = self.parse_leading_comments();

        let editions = matches!(self.peek()?, Some((Token::EDITION, _)));
        let start = if editions {
            self.expect_eq(Token::EDITION)?
        } else {
            self.expect_eq(Token::SYNTAX)?
        };
        self.expect_eq(Token::Equals)?;

        // sous: buf parity: a bare word or number is an error when it names a syntax or an
        // edition (which the file is read with), and otherwise read as an unknown one.
        let mut bare = None;
        if let Some((Token::Ident(_) | Token::IntLiteral(_), span)) = self.peek()? {
            bare = Some(span);
        }
        let syntax = match self.peek()? {
            Some((Token::StringLiteral(_) | Token::Ident(_) | Token::IntLiteral(_), _)) => {
                let value = match bare.clone() {
                    Some(span) => {
                        self.bump();
                        let word = self.lexer.source().get(span.clone()).unwrap_or_default();
                        ast::String {
                            value: word.as_bytes().to_vec(),
                            span,
                        }
                    }
                    None => self.parse_string()?,
                };
                // sous: buf parity: a syntax under the other keyword is an error at the keyword,
                // and the file is read with the syntax or edition it names; an unknown syntax
                // is read as proto2, an unknown edition as `EditionUnknown` says.
                let (syntax, keyword, known) = match value.value.as_slice() {
                    b"proto2" => (ast::Syntax::Proto2, "syntax", true),
                    b"proto3" => (ast::Syntax::Proto3, "syntax", true),
                    b"2023" => (ast::Syntax::Edition2023, "edition", true),
                    b"2024" => (ast::Syntax::Edition2024, "edition", true),
                    b"2026" => (ast::Syntax::Edition2026, "edition", true),
                    // Reported by the caller (see `unknown_edition`).
                    _ if editions => (ast::Syntax::EditionUnknown, "edition", false),
                    bytes => {
                        self.add_error(ParseErrorKind::UnknownSyntax {
                            syntax: String::from_utf8_lossy(bytes).into_owned(),
                            span: value.span.clone(),
                        });
                        (ast::Syntax::Proto2, "syntax", false)
                    }
                };
                if let (Some(span), true) = (bare, known) {
                    let written = if editions { "edition" } else { "syntax" };
                    self.add_error(ParseErrorKind::BufShape {
                        message: format!(
                            "the value of `{written}` is a string: write `{written} = \"{}\";`",
                            String::from_utf8_lossy(&value.value)
                        ),
                        span,
                    });
                }
                if editions != (keyword == "edition") {
                    let written = if editions { "edition" } else { "syntax" };
                    self.add_error(ParseErrorKind::BufShape {
                        message: format!(
                            "{:?} is declared with `{keyword}`, not `{written}`: write `{keyword} = {:?};`",
                            String::from_utf8_lossy(&value.value),
                            String::from_utf8_lossy(&value.value),
                        ),
                        span: start.clone(),
                    });
                }
                syntax
            }
            _ => self.unexpected_token("a string")?,
        };

        let end = self.expect_end("';'")?;

        let comments = self.parse_trailing_comment(leading_comments);

        Ok((syntax, join_span(start, end), comments))
    }

    fn parse_statement(&mut self) -> Result<Option<Statement>, ()> {
        if let Some((leading, start, is_message)) = self.parse_visibility()? {
            return Ok(Some(if is_message {
                Statement::Message(self.parse_message_after(leading, Some(start))?)
            } else {
                Statement::Enum(self.parse_enum_after(leading, Some(start))?)
            }));
        }
        match self.peek()? {
            Some((Token::Semicolon, span)) => {
                self.bump();
                Ok(Some(Statement::Empty(span)))
            }
            Some((Token::IMPORT, _)) => Ok(Some(Statement::Import(self.parse_import()?))),
            Some((Token::PACKAGE, _)) => Ok(Some(Statement::Package(self.parse_package()?))),
            Some((Token::OPTION, _)) => Ok(Some(Statement::Option(self.parse_option()?))),
            Some((Token::EXTEND, _)) => Ok(Some(Statement::Extend(self.parse_extend()?))),
            Some((Token::MESSAGE, _)) => Ok(Some(Statement::Message(self.parse_message()?))),
            Some((Token::ENUM, _)) => Ok(Some(Statement::Enum(self.parse_enum()?))),
            Some((Token::SERVICE, _)) => Ok(Some(Statement::Service(self.parse_service()?))),
            None => Ok(None),
            _ => self.unexpected_token(
                "'enum', 'extend', 'import', 'message', 'option', 'service', 'package' or ';'",
            ),
        }
    }

    fn parse_package(&mut self) -> Result<ast::Package, ()> {
        let leading_comments = self.parse_leading_comments();

        let start = self.expect_eq(Token::PACKAGE)?;

        // sous: a keyword after the name ends it (its `;` is missing, see `expect_end`).
        let name = self.parse_full_ident(&[
            ExpectedToken::SEMICOLON,
            ExpectedToken::Token(Token::IMPORT),
            ExpectedToken::Token(Token::MESSAGE),
            ExpectedToken::Token(Token::ENUM),
            ExpectedToken::Token(Token::SERVICE),
            ExpectedToken::Token(Token::EXTEND),
            ExpectedToken::Token(Token::OPTION),
            ExpectedToken::Token(Token::PACKAGE),
        ])?;

        let end = self.expect_end("';'")?;

        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Package {
            name,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_import(&mut self) -> Result<ast::Import, ()> {
        let leading_comments = self.parse_leading_comments();

        let start = self.expect_eq(Token::IMPORT)?;

        let kind = match self.peek_skip_comments()? {
            Some((Token::WEAK, span)) => {
                self.bump();
                Some((ast::ImportKind::Weak, span))
            }
            Some((Token::PUBLIC, span)) => {
                self.bump();
                Some((ast::ImportKind::Public, span))
            }
            Some((Token::OPTION, span)) => {
                self.bump();
                Some((ast::ImportKind::Option, span))
            }
            Some((Token::StringLiteral(_), _)) => None,
            _ => self.unexpected_token("a string literal, 'public' or 'weak'")?,
        };

        let (value, value_span) = self.parse_utf8_string()?;
        for message in import_path_errors(&value) {
            self.add_error(ParseErrorKind::InvalidImport {
                message,
                span: value_span.clone(),
            });
        }

        let end = match self.expect_end("';'") {
            Ok(end) => end,
            // sous: buf parity: an import the file ends in (its string may run on to the end of
            // the file) is kept. Its place ends with its first line: the compiler places an
            // import on one line only.
            Err(()) if self.peek_skip_comments() == Ok(None) => {
                let source = self.lexer.source();
                let line_end = source[value_span.start..]
                    .find('\n')
                    .map_or(value_span.end, |at| value_span.start + at);
                value_span.start..line_end
            }
            Err(()) => return Err(()),
        };

        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Import {
            kind,
            value,
            value_span,
            comments,
            span: join_span(start, end),
        })
    }

    /// `local` or `export` before `message NAME {` or `enum NAME {` (symbol visibility, edition
    /// 2024 on; sous: taken in any file, as buf takes them, which reports them where they are
    /// not allowed and compiles the file all the same): taken, with the declaration's leading comments, its
    /// span and whether a message follows. Anything else (a field whose type is named `local`)
    /// is left alone.
    #[allow(clippy::type_complexity)]
    fn parse_visibility(
        &mut self,
    ) -> Result<Option<((Vec<String>, Option<String>), Span, bool)>, ()> {
        let Some((Token::Ident("local" | "export"), span)) = self.peek()? else {
            return Ok(None);
        };
        let rest = self.lexer.source().get(span.end..).unwrap_or("").trim_start();
        let (is_message, keyword) = if rest.starts_with("message") {
            (true, "message")
        } else if rest.starts_with("enum") {
            (false, "enum")
        } else {
            return Ok(None);
        };
        let after = &rest[keyword.len()..];
        if !after.starts_with(char::is_whitespace) {
            return Ok(None);
        }
        let after = after.trim_start();
        let name = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name == 0 || !after[name..].trim_start().starts_with('{') {
            return Ok(None);
        }
        let leading = self.parse_leading_comments();
        let start = self.bump();
        Ok(Some((leading, start, is_message)))
    }

    fn parse_message(&mut self) -> Result<ast::Message, ()> {
        let leading_comments = self.parse_leading_comments();
        self.parse_message_after(leading_comments, None)
    }

    fn parse_message_after(
        &mut self,
        leading_comments: (Vec<String>, Option<String>),
        visibility: Option<Span>,
    ) -> Result<ast::Message, ()> {
        // buf parity: the declaration's span starts at `message`, after `local` or `export`.
        let _ = visibility;
        let start = self.expect_eq(Token::MESSAGE)?;

        let name = self.parse_ident()?;

        let open = self.expect_eq(Token::LeftBrace)?;
        let comments = self.parse_trailing_comment(leading_comments);

        let (body, end) = self.parse_nested_message_body(start.clone(), open)?;

        Ok(ast::Message {
            name,
            body,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_nested_message_body(
        &mut self,
        span: Span,
        open: Span,
    ) -> Result<(ast::MessageBody, Span), ()> {
        if self.message_depth >= MAX_MESSAGE_NESTING_DEPTH {
            self.add_error(ParseErrorKind::MessageNestingTooDeep { span });
            self.skip_block();
            return Err(());
        }

        self.message_depth += 1;
        let result = self.parse_message_body(open);
        self.message_depth -= 1;
        result
    }

    fn parse_message_body(&mut self, open: Span) -> Result<(ast::MessageBody, Span), ()> {
        let mut items = Vec::new();
        let mut options = Vec::new();
        let mut reserved = Vec::new();
        let mut extensions = Vec::new();

        // sous: a statement in error is skipped and the body goes on (see `recovered`).
        let end = loop {
            let Some((tok, _)) = self.peek_in_block(&open) else {
                break self.last.clone();
            };
            let mark = self.mark();
            if matches!(tok, Token::Ident("local" | "export")) {
                let r = self.parse_visibility();
                match self.recovered(r) {
                    Some(Some((leading, start, is_message))) => {
                        let r = if is_message {
                            self.parse_message_after(leading, Some(start))
                                .map(ast::MessageItem::Message)
                        } else {
                            self.parse_enum_after(leading, Some(start))
                                .map(ast::MessageItem::Enum)
                        };
                        items.extend(self.recovered(r));
                        continue;
                    }
                    Some(None) => {}
                    None => continue,
                }
            }
            match tok {
                Token::ONEOF => {
                    let r = self.parse_oneof();
                    items.extend(
                        self.recovered_keyword(r, mark, Body::Message)
                            .map(ast::MessageItem::Oneof),
                    );
                }
                Token::ENUM => {
                    let r = self.parse_enum();
                    items.extend(
                        self.recovered_keyword(r, mark, Body::Message)
                            .map(ast::MessageItem::Enum),
                    );
                }
                Token::MESSAGE => {
                    let r = self.parse_message();
                    items.extend(
                        self.recovered_keyword(r, mark, Body::Message)
                            .map(ast::MessageItem::Message),
                    );
                }
                Token::EXTEND => {
                    let r = self.parse_extend();
                    items.extend(
                        self.recovered_keyword(r, mark, Body::Message)
                            .map(ast::MessageItem::Extend),
                    );
                }
                Token::OPTION => {
                    let r = self.parse_option();
                    if r.is_ok() {
                        options.extend(r.ok());
                    } else {
                        match self.reshape(mark, Body::Message) {
                            // buf parity: `option A B = 1;` is a field (see `buf_shape`).
                            Some(Some(text)) if !text.trim_start().starts_with("option") => items
                                .extend(
                                    self.reparse(mark.0, &text, |p| p.parse_kept_field())
                                        .map(ast::MessageItem::Field),
                                ),
                            Some(text) => options.extend(text.and_then(|text| {
                                self.reparse(mark.0, &text, |p| p.parse_option())
                            })),
                            None => self.skip_statement(),
                        }
                    }
                }
                Token::RESERVED => {
                    let r = self.parse_reserved();
                    reserved.extend(self.recovered(r));
                }
                Token::EXTENSIONS => {
                    let r = self.parse_extensions();
                    extensions.extend(self.recovered(r));
                }
                Token::Dot | Token::Ident(_) => {
                    let r = self.parse_field();
                    items.extend(
                        self.reshaped(r, mark, Body::Message, |p| p.parse_kept_field())
                            .map(ast::MessageItem::Field),
                    );
                }
                Token::Semicolon => {
                    self.bump();
                }
                Token::RightBrace => break self.bump(),
                // sous: buf parity: buf skips one or two tokens no statement starts with (see
                // `buf_shape`), and keeps the field after them.
                _ => match self.reshape(mark, Body::Message) {
                    Some(text) => items.extend(
                        text.and_then(|text| self.reparse(mark.0, &text, |p| p.parse_kept_field()))
                            .map(ast::MessageItem::Field),
                    ),
                    None => self.unexpected_statement(
                        "a message field, oneof, reserved range, enum, message, option or '}'",
                    ),
                },
            }
        };

        let mut body = ast::MessageBody {
            items,
            options,
            reserved,
            extensions,
        };
        kept::renumber(&mut body);
        Ok((body, end))
    }

    /// sous: a field buf keeps, read again from its repaired text (see `reparse`): a field
    /// without a number gets its placeholder, at its name.
    fn parse_kept_field(&mut self) -> Result<ast::Field, ()> {
        let mut field = self.parse_field()?;
        if let Some((number, own_end)) = self.placeholder {
            if field.number.span.start >= own_end {
                field.number = ast::Int {
                    negative: false,
                    value: number,
                    span: field.name.span.clone(),
                };
                field.span.end = own_end;
            }
        }
        Ok(field)
    }

    fn parse_field(&mut self) -> Result<ast::Field, ()> {
        let leading_comments = self.parse_leading_comments();

        let (label, start) = match self.peek()? {
            Some((Token::OPTIONAL, span)) => {
                self.bump();
                (Some((ast::FieldLabel::Optional, span.clone())), span)
            }
            Some((Token::REQUIRED, span)) => {
                self.bump();
                (Some((ast::FieldLabel::Required, span.clone())), span)
            }
            Some((Token::REPEATED, span)) => {
                self.bump();
                (Some((ast::FieldLabel::Repeated, span.clone())), span)
            }
            Some((Token::Dot | Token::Ident(_), span)) => (None, span),
            _ => self.unexpected_token("a message field")?,
        };

        match self.peek()? {
            Some((Token::MAP, _)) => self.parse_map(leading_comments, start, label),
            Some((Token::GROUP, _)) => self.parse_group(leading_comments, start, label),
            _ => self.parse_normal_field(leading_comments, start, label),
        }
    }

    fn parse_map(
        &mut self,
        leading_comments: (Vec<String>, Option<String>),
        start: Span,
        label: Option<(ast::FieldLabel, Span)>,
    ) -> Result<ast::Field, ()> {
        let ty_start = self.expect_eq(Token::MAP)?;

        self.expect_eq(Token::LeftAngleBracket)?;
        let (key_ty, key_ty_span) = self.parse_field_type(&[ExpectedToken::COMMA])?;
        self.expect_eq(Token::Comma)?;
        let (value_ty, value_ty_span) =
            self.parse_field_type(&[ExpectedToken::RIGHT_ANGLE_BRACKET])?;
        let ty_end = self.expect_eq(Token::RightAngleBracket)?;

        let name = self.parse_ident()?;

        // sous: see `kept::Parser::parse_number_and_options`.
        let (number, options) = self.parse_number_and_options()?;

        let end = self.expect_end(if options.is_some() { "';'" } else { "';' or '['" })?;
        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Field {
            label,
            kind: ast::FieldKind::Map {
                ty_span: join_span(ty_start, ty_end),
                key_ty,
                key_ty_span,
                value_ty,
                value_ty_span,
            },
            name,
            number,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_group(
        &mut self,
        leading_comments: (Vec<String>, Option<String>),
        start: Span,
        label: Option<(ast::FieldLabel, Span)>,
    ) -> Result<ast::Field, ()> {
        let ty_span = self.expect_eq(Token::GROUP)?;

        let name = self.parse_ident()?;
        if !is_valid_group_name(&name.value) {
            self.add_error(ParseErrorKind::InvalidGroupName {
                span: name.span.clone(),
            });
        }

        self.expect_eq(Token::Equals)?;

        let number = self.parse_int()?;

        let options = match self.peek_skip_comments()? {
            Some((Token::LeftBracket, _)) => Some(self.parse_options_list()?),
            Some((Token::LeftBrace, _)) => None,
            _ => self.unexpected_token("'{' or '['")?,
        };

        let open = self.expect_eq(Token::LeftBrace)?;

        let comments = self.parse_trailing_comment(leading_comments);

        let (body, end) = self.parse_nested_message_body(ty_span.clone(), open)?;

        Ok(ast::Field {
            label,
            options,
            name,
            number,
            kind: ast::FieldKind::Group { ty_span, body },
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_normal_field(
        &mut self,
        leading_comments: (Vec<String>, Option<String>),
        start: Span,
        label: Option<(ast::FieldLabel, Span)>,
    ) -> Result<ast::Field, ()> {
        let (ty, ty_span) = self.parse_field_type(&[ExpectedToken::Ident])?;

        let name = self.parse_ident()?;

        // sous: see `kept::Parser::parse_number_and_options`.
        let (number, options) = self.parse_number_and_options()?;

        let end = self.expect_end(if options.is_some() { "';'" } else { "';' or '['" })?;
        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Field {
            label,
            kind: ast::FieldKind::Normal { ty, ty_span },
            name,
            number,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_extend(&mut self) -> Result<ast::Extend, ()> {
        let leading_comments = self.parse_leading_comments();

        let start = self.expect_eq(Token::EXTEND)?;

        let extendee = self.parse_type_name(&[ExpectedToken::LEFT_BRACE])?;

        let open = self.expect_eq(Token::LeftBrace)?;
        let comments = self.parse_trailing_comment(leading_comments);

        let mut fields = Vec::new();
        let end = loop {
            let Some((tok, _)) = self.peek_in_block(&open) else {
                break self.last.clone();
            };
            let mark = self.mark();
            match tok {
                Token::Semicolon => {
                    self.bump();
                }
                Token::RightBrace => break self.bump(),
                Token::Dot | Token::Ident(_) => {
                    let r = self.parse_field();
                    fields.extend(self.reshaped(r, mark, Body::Extend, |p| p.parse_field()));
                }
                // sous: see the message body's.
                _ => match self.reshape(mark, Body::Extend) {
                    Some(text) => fields.extend(
                        text.and_then(|text| self.reparse(mark.0, &text, |p| p.parse_field())),
                    ),
                    None => self.unexpected_statement("a message field, '}' or ';'"),
                },
            }
        };

        Ok(ast::Extend {
            extendee,
            fields,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_service(&mut self) -> Result<ast::Service, ()> {
        let leading_comments = self.parse_leading_comments();

        let start = self.expect_eq(Token::SERVICE)?;

        let name = self.parse_ident()?;

        let open = self.expect_eq(Token::LeftBrace)?;
        let comments = self.parse_trailing_comment(leading_comments);

        let mut options = Vec::new();
        let mut methods = Vec::new();

        let end = loop {
            let Some((tok, _)) = self.peek_in_block(&open) else {
                break self.last.clone();
            };
            let mark = self.mark();
            match tok {
                Token::RPC => {
                    let r = self.parse_service_rpc();
                    methods.extend(self.recovered(r));
                }
                Token::OPTION => {
                    let r = self.parse_option();
                    options.extend(self.reshaped(r, mark, Body::Service, |p| p.parse_option()));
                }
                Token::Semicolon => {
                    self.bump();
                }
                Token::RightBrace => break self.bump(),
                _ => self.unexpected_shaped(
                    mark,
                    Body::Service,
                    "'rpc', '}', 'option' or ';'",
                ),
            }
        };

        Ok(ast::Service {
            name,
            methods,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_service_rpc(&mut self) -> Result<ast::Method, ()> {
        let leading_comments = self.parse_leading_comments();

        let start = self.expect_eq(Token::RPC)?;

        let name = self.parse_ident()?;

        self.expect_eq(Token::LeftParen)?;

        let client_streaming = match self.peek_skip_comments()? {
            Some((Token::STREAM, _)) => Some(self.bump()),
            Some((Token::Dot | Token::Ident(_), _)) => None,
            _ => self.unexpected_token("'stream' or a type name")?,
        };

        let input_ty = self.parse_type_name(&[ExpectedToken::RIGHT_PAREN])?;

        self.expect_eq(Token::RightParen)?;
        self.expect_eq(Token::RETURNS)?;
        self.expect_eq(Token::LeftParen)?;

        let server_streaming = match self.peek_skip_comments()? {
            Some((Token::STREAM, _)) => Some(self.bump()),
            Some((Token::Dot | Token::Ident(_), _)) => None,
            _ => self.unexpected_token("'stream' or a type name")?,
        };

        let output_ty = self.parse_type_name(&[ExpectedToken::RIGHT_PAREN])?;

        self.expect_eq(Token::RightParen)?;

        let mut options = Vec::new();
        let end = match self.peek_skip_comments()? {
            Some((Token::Semicolon, span)) => {
                self.bump();
                span
            }
            Some((Token::LeftBrace, _)) => {
                let open = self.bump();
                loop {
                    let Some((tok, _)) = self.peek_in_block(&open) else {
                        break self.last.clone();
                    };
                    let mark = self.mark();
                    match tok {
                        Token::OPTION => {
                            let r = self.parse_option();
                            options.extend(self.reshaped(r, mark, Body::Method, |p| p.parse_option()));
                        }
                        Token::RightBrace => break self.bump(),
                        Token::Semicolon => {
                            self.bump();
                        }
                        _ => self.unexpected_shaped(mark, Body::Method, "'option', '}' or ';'"),
                    }
                }
            }
            _ => self.expect_end("';' or '{'")?,
        };

        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Method {
            name,
            input_ty,
            client_streaming,
            output_ty,
            server_streaming,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_enum(&mut self) -> Result<ast::Enum, ()> {
        let leading_comments = self.parse_leading_comments();
        self.parse_enum_after(leading_comments, None)
    }

    fn parse_enum_after(
        &mut self,
        leading_comments: (Vec<String>, Option<String>),
        visibility: Option<Span>,
    ) -> Result<ast::Enum, ()> {
        let _ = visibility;
        let start = self.expect_eq(Token::ENUM)?;

        let name = self.parse_ident()?;

        let open = self.expect_eq(Token::LeftBrace)?;
        let comments = self.parse_trailing_comment(leading_comments);

        let mut values = Vec::new();
        let mut options = Vec::new();
        let mut reserved = Vec::new();

        let end = loop {
            let Some((tok, tok_span)) = self.peek_in_block(&open) else {
                break self.last.clone();
            };
            let mark = self.mark();
            match tok {
                // sous: `option = 5;` and `reserved = 14;` are enum values named by a keyword,
                // as buf reads them.
                Token::OPTION | Token::RESERVED if self.equals_follows(&tok_span) => {
                    let r = self.parse_enum_value();
                    values.extend(self.reshaped(r, mark, Body::Enum, |p| p.parse_enum_value()));
                }
                Token::OPTION => {
                    let r = self.parse_option();
                    options.extend(self.reshaped(r, mark, Body::Enum, |p| p.parse_option()));
                }
                Token::RESERVED => {
                    let r = self.parse_reserved();
                    reserved.extend(self.recovered(r));
                }
                Token::Semicolon => {
                    self.bump();
                }
                Token::Ident(_) => {
                    let r = self.parse_enum_value();
                    values.extend(self.reshaped(r, mark, Body::Enum, |p| p.parse_enum_value()));
                }
                Token::RightBrace => break self.bump(),
                // sous: see the message body's.
                _ => match self.reshape(mark, Body::Enum) {
                    Some(text) => values.extend(
                        text.and_then(|text| self.reparse(mark.0, &text, |p| p.parse_enum_value())),
                    ),
                    None => self.unexpected_statement("an identifier, '}', 'reserved' or 'option'"),
                },
            };
        };

        Ok(ast::Enum {
            name,
            options,
            reserved,
            values,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_enum_value(&mut self) -> Result<ast::EnumValue, ()> {
        let leading_comments = self.parse_leading_comments();

        let name = self.parse_ident()?;

        self.expect_eq(Token::Equals)?;

        let number = self.parse_int()?;

        let options = match self.peek_skip_comments()? {
            Some((Token::LeftBracket, _)) => Some(self.parse_options_list()?),
            _ => None,
        };

        let end = self.expect_end(if options.is_some() { "';'" } else { "';' or '['" })?;
        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::EnumValue {
            span: join_span(name.span.clone(), end),
            name,
            number,
            options,
            comments,
        })
    }

    fn parse_oneof(&mut self) -> Result<ast::Oneof, ()> {
        let leading_comments = self.parse_leading_comments();
        let start = self.expect_eq(Token::ONEOF)?;

        let name = self.parse_ident()?;

        let open = self.expect_eq(Token::LeftBrace)?;
        let comments = self.parse_trailing_comment(leading_comments);

        let mut fields = Vec::new();
        let mut options = Vec::new();

        let end = loop {
            let Some((tok, _)) = self.peek_in_block(&open) else {
                break self.last.clone();
            };
            let mark = self.mark();
            match tok {
                Token::OPTION => {
                    let r = self.parse_option();
                    options.extend(self.reshaped(r, mark, Body::Oneof, |p| p.parse_option()));
                }
                Token::Semicolon => {
                    self.bump();
                }
                Token::RightBrace => break self.bump(),
                Token::Dot | Token::Ident(_) => {
                    let r = self.parse_field();
                    fields.extend(self.reshaped(r, mark, Body::Oneof, |p| p.parse_kept_field()));
                }
                // sous: see the message body's.
                _ => match self.reshape(mark, Body::Oneof) {
                    Some(text) => fields.extend(
                        text.and_then(|text| self.reparse(mark.0, &text, |p| p.parse_kept_field())),
                    ),
                    None => self.unexpected_statement("a message field, option or '}'"),
                },
            }
        };

        Ok(ast::Oneof {
            name,
            fields,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_field_type(&mut self, terminators: &[ExpectedToken]) -> Result<(ast::Ty, Span), ()> {
        let scalar_ty = match self.peek()? {
            Some((Token::DOUBLE, span)) => (ast::Ty::Double, span),
            Some((Token::FLOAT, span)) => (ast::Ty::Float, span),
            Some((Token::INT32, span)) => (ast::Ty::Int32, span),
            Some((Token::INT64, span)) => (ast::Ty::Int64, span),
            Some((Token::UINT32, span)) => (ast::Ty::Uint32, span),
            Some((Token::UINT64, span)) => (ast::Ty::Uint64, span),
            Some((Token::SINT32, span)) => (ast::Ty::Sint32, span),
            Some((Token::SINT64, span)) => (ast::Ty::Sint64, span),
            Some((Token::FIXED32, span)) => (ast::Ty::Fixed32, span),
            Some((Token::FIXED64, span)) => (ast::Ty::Fixed64, span),
            Some((Token::SFIXED32, span)) => (ast::Ty::Sfixed32, span),
            Some((Token::SFIXED64, span)) => (ast::Ty::Sfixed64, span),
            Some((Token::BOOL, span)) => (ast::Ty::Bool, span),
            Some((Token::STRING, span)) => (ast::Ty::String, span),
            Some((Token::BYTES, span)) => (ast::Ty::Bytes, span),
            Some((Token::Dot | Token::Ident(_), _)) => {
                let type_name = self.parse_type_name(terminators)?;
                let span = type_name.span();
                return Ok((ast::Ty::Named(type_name), span));
            }
            _ => self.unexpected_token("a field type")?,
        };

        self.bump();
        Ok(scalar_ty)
    }

    fn parse_reserved(&mut self) -> Result<ast::Reserved, ()> {
        let leading_comments = self.parse_leading_comments();
        let start = self.expect_eq(Token::RESERVED)?;

        match self.peek_skip_comments()? {
            Some((Token::IntLiteral(_) | Token::Minus, _)) => {
                let ranges = self.parse_reserved_ranges(&[ExpectedToken::SEMICOLON])?;
                let end = self.expect_eq(Token::Semicolon)?;
                let comments = self.parse_trailing_comment(leading_comments);
                Ok(ast::Reserved {
                    kind: ast::ReservedKind::Ranges(ranges),
                    comments,
                    span: join_span(start, end),
                })
            }
            Some((Token::StringLiteral(_) | Token::Ident(_), _)) => {
                let (names, end) = self.parse_reserved_names()?;
                let comments = self.parse_trailing_comment(leading_comments);
                Ok(ast::Reserved {
                    kind: ast::ReservedKind::Names(names),
                    comments,
                    span: join_span(start, end),
                })
            }
            _ => self.unexpected_token("a positive integer or string"),
        }
    }

    fn parse_extensions(&mut self) -> Result<ast::Extensions, ()> {
        let leading_comments = self.parse_leading_comments();
        let start = self.expect_eq(Token::EXTENSIONS)?;

        let ranges =
            self.parse_reserved_ranges(&[ExpectedToken::SEMICOLON, ExpectedToken::LEFT_BRACKET])?;

        let options = match self.peek_skip_comments()? {
            Some((Token::LeftBracket, _)) => Some(self.parse_options_list()?),
            _ => None,
        };

        let end = self.expect_end(if options.is_some() { "';'" } else { "';' or '['" })?;

        let comments = self.parse_trailing_comment(leading_comments);

        Ok(ast::Extensions {
            ranges,
            options,
            comments,
            span: join_span(start, end),
        })
    }

    fn parse_reserved_names(&mut self) -> Result<(Vec<ast::Ident>, Span), ()> {
        let mut names = vec![self.parse_ident_string()?];

        let end = loop {
            match self.peek_skip_comments()? {
                Some((Token::Comma, _)) => {
                    self.bump();
                    names.push(self.parse_ident_string()?);
                }
                Some((Token::Semicolon, _)) => break self.bump(),
                _ => self.unexpected_token("',' or ';'")?,
            }
        };

        Ok((names, end))
    }

    fn parse_ident_string(&mut self) -> Result<ast::Ident, ()> {
        // sous: in editions reserved names are identifiers; strings elsewhere.
        if let Some((Token::Ident(_), span)) = self.peek_skip_comments()? {
            // buf parity: an unknown edition's identifiers are reported by the caller.
            if !self.syntax.declares_edition() {
                self.add_error(ParseErrorKind::SyntaxReservedIdentifier { span });
            }
            return self.parse_ident();
        }
        if self.syntax.is_editions() {
            if let Some((_, span)) = self.peek_skip_comments()? {
                self.add_error(ParseErrorKind::EditionsReservedString { span });
            }
        }
        let (value, span) = self.parse_utf8_string()?;
        if !is_valid_ident(&value) {
            self.add_error(ParseErrorKind::InvalidIdentifier { span: span.clone() })
        }
        Ok(ast::Ident { value, span })
    }

    fn parse_reserved_ranges(
        &mut self,
        terminators: &[ExpectedToken],
    ) -> Result<Vec<ast::ReservedRange>, ()> {
        let mut ranges = vec![self.parse_reserved_range()?];

        loop {
            match self.peek_skip_comments()? {
                Some((Token::Comma, _)) => {
                    self.bump();
                    ranges.push(self.parse_reserved_range()?);
                    continue;
                }
                Some((tok, _)) if terminators.iter().any(|e| e.matches(&tok)) => break,
                _ => self.unexpected_token(fmt_expected(
                    once(ExpectedToken::Token(Token::Comma)).chain(terminators.iter().cloned()),
                ))?,
            }
        }

        Ok(ranges)
    }

    fn parse_reserved_range(&mut self) -> Result<ast::ReservedRange, ()> {
        let start = self.parse_int()?;

        let end = match self.peek_skip_comments()? {
            Some((Token::TO, _)) => {
                self.bump();
                match self.peek_skip_comments()? {
                    Some((Token::IntLiteral(_) | Token::Minus, _)) => {
                        ast::ReservedRangeEnd::Int(self.parse_int()?)
                    }
                    Some((Token::MAX, span)) => {
                        self.bump();
                        ast::ReservedRangeEnd::Max(span)
                    }
                    _ => self.unexpected_token("an integer or 'max'")?,
                }
            }
            // sous: a single number may take options too (`extensions 6 [verification = ...]`).
            Some((Token::Comma | Token::Semicolon | Token::LeftBracket, _)) => {
                ast::ReservedRangeEnd::None
            }
            _ => self.unexpected_token("'to', ',' or ';'")?,
        };

        Ok(ast::ReservedRange { start, end })
    }

    fn parse_options_list(&mut self) -> Result<ast::OptionList, ()> {
        let start = self.expect_eq(Token::LeftBracket)?;

        let mut options = vec![self.parse_option_body()?];
        let end = loop {
            match self.peek_skip_comments()? {
                Some((Token::Comma, _)) => {
                    self.bump();
                    options.push(self.parse_option_body()?);
                }
                Some((Token::RightBracket, _)) => break self.bump(),
                _ => self.unexpected_token("',' or ']'")?,
            }
        };

        Ok(ast::OptionList {
            span: join_span(start, end),
            options,
        })
    }

    fn parse_option(&mut self) -> Result<ast::Option, ()> {
        let leading_comments = self.parse_leading_comments();
        let start = self.expect_eq(Token::OPTION)?;

        let body = self.parse_option_body()?;

        // sous: a `[...]` list after the value puts the statement in error (buf parity, see
        // `buf_shape`'s lists).
        if let Some((Token::LeftBracket, span)) = self.peek_skip_comments()? {
            self.add_error(ParseErrorKind::UnexpectedToken {
                expected: "';'".to_string(),
                found: "'['".to_string(),
                span,
            });
            return Err(());
        }
        let mut end = self.expect_end("';'")?;
        let comments = self.parse_trailing_comment(leading_comments);
        // sous: an option kept without a value ends at its own tokens.
        if let Some(own_end) = self.valueless {
            end.end = own_end;
        }

        Ok(ast::Option {
            comments,
            span: join_span(start, end),
            body,
        })
    }

    fn parse_option_body(&mut self) -> Result<ast::OptionBody, ()> {
        let mut name = vec![self.parse_option_name_part()?];

        loop {
            match self.peek_skip_comments()? {
                Some((Token::Dot, _)) => {
                    self.bump();
                    name.push(self.parse_option_name_part()?);
                }
                Some((Token::Equals, _)) => {
                    self.bump();
                    break;
                }
                _ => self.unexpected_token("'=' or '.'")?,
            }
        }

        let value = match self.peek_skip_comments()? {
            Some((Token::Minus, start)) => {
                self.bump();
                match self.peek_skip_comments()? {
                    Some((Token::Ident(_), end)) => ast::OptionValue::Ident {
                        negative: true,
                        ident: self.parse_ident()?,
                        span: join_span(start, end),
                    },
                    Some((Token::IntLiteral(value), end)) => {
                        self.bump();
                        ast::OptionValue::Int(ast::Int {
                            value,
                            span: join_span(start, end),
                            negative: true,
                        })
                    }
                    Some((Token::FloatLiteral(EqFloat(value)), end)) => {
                        self.bump();
                        ast::OptionValue::Float(ast::Float {
                            value: -value,
                            span: join_span(start, end),
                        })
                    }
                    _ => self.unexpected_token("a numeric literal")?,
                }
            }
            Some((Token::Ident(_), span)) => ast::OptionValue::Ident {
                negative: false,
                ident: self.parse_ident()?,
                span,
            },
            Some((Token::IntLiteral(value), span)) => {
                self.bump();
                ast::OptionValue::Int(ast::Int {
                    value,
                    span,
                    negative: false,
                })
            }
            Some((Token::FloatLiteral(EqFloat(value)), span)) => {
                self.bump();
                ast::OptionValue::Float(ast::Float { value, span })
            }
            Some((Token::StringLiteral(_), _)) => ast::OptionValue::String(self.parse_string()?),
            Some((Token::LeftBrace, start)) => {
                self.bump();
                let value = self.parse_text_format_message()?;
                let end = self.expect_eq(Token::RightBrace)?;
                ast::OptionValue::Aggregate(value, join_span(start, end))
            }
            _ => self.unexpected_token("a constant")?,
        };

        Ok(ast::OptionBody { name, value })
    }

    fn parse_option_name_part(&mut self) -> Result<ast::OptionNamePart, ()> {
        match self.peek()? {
            Some((Token::Ident(_), _)) => Ok(ast::OptionNamePart::Ident(self.parse_ident()?)),
            Some((Token::LeftParen, start)) => {
                self.bump();
                let name = self.parse_type_name(&[ExpectedToken::RIGHT_PAREN])?;
                let end = self.expect_eq(Token::RightParen)?;
                Ok(ast::OptionNamePart::Extension(name, join_span(start, end)))
            }
            _ => self.unexpected_token("an identifier or '('"),
        }
    }

    fn parse_text_format_message(&mut self) -> Result<String, ()> {
        let mut result = String::new();

        let mut brace_level = 0u32;

        debug_assert!(self.peek.is_none());
        self.lexer.extras.text_format_mode = true;
        while let Some((tok, _)) = self.peek()? {
            if tok == Token::LeftBrace {
                brace_level += 1;
            } else if tok == Token::RightBrace {
                match brace_level.checked_sub(1) {
                    None => break,
                    Some(new_brace_level) => brace_level = new_brace_level,
                }
            }

            if !result.is_empty() {
                result.push(' ');
            }
            write!(result, "{}", tok).unwrap();
            self.bump();
        }
        self.lexer.extras.text_format_mode = false;

        Ok(result)
    }

    fn parse_type_name(&mut self, terminators: &[ExpectedToken]) -> Result<ast::TypeName, ()> {
        let leading_dot = match self.peek()? {
            Some((Token::Dot, span)) => {
                self.bump();
                Some(span)
            }
            Some((Token::Ident(_), _)) => None,
            _ => self.unexpected_token("a type name")?,
        };

        let name = self.parse_full_ident(terminators)?;

        Ok(ast::TypeName { name, leading_dot })
    }

    fn parse_full_ident(&mut self, terminators: &[ExpectedToken]) -> Result<ast::FullIdent, ()> {
        let mut result = vec![self.parse_ident()?];

        loop {
            match self.peek_skip_comments()? {
                Some((Token::Dot, _)) => {
                    self.bump();
                }
                Some((tok, _)) if terminators.iter().any(|e| e.matches(&tok)) => {
                    return Ok(result.into());
                }
                _ => self.unexpected_token(fmt_expected(
                    once(ExpectedToken::Token(Token::Dot)).chain(terminators.iter().cloned()),
                ))?,
            }

            result.push(self.parse_ident()?);
        }
    }

    fn parse_ident(&mut self) -> Result<ast::Ident, ()> {
        self.expect(
            |tok, span| match tok {
                Token::Ident(value) => Some(ast::Ident::new(value, span)),
                _ => None,
            },
            "an identifier",
        )
    }

    fn parse_int(&mut self) -> Result<ast::Int, ()> {
        let (negative, start) = match self.peek_skip_comments()? {
            Some((Token::Minus, span)) => {
                self.bump();
                (true, Some(span))
            }
            _ => (false, None),
        };

        match self.peek_skip_comments()? {
            Some((Token::IntLiteral(value), end)) => {
                self.bump();

                let span = match start {
                    None => end,
                    Some(start) => join_span(start, end),
                };

                Ok(ast::Int {
                    negative,
                    value,
                    span,
                })
            }
            _ => self.unexpected_token("an integer"),
        }
    }

    fn parse_utf8_string(&mut self) -> Result<(String, Span), ()> {
        let bytes = self.parse_string()?;

        match bytes.into_utf8() {
            Ok(string) => Ok(string),
            Err(bytes) => {
                self.add_error(ParseErrorKind::InvalidUtf8String {
                    span: bytes.span.clone(),
                });
                Ok((
                    String::from_utf8_lossy(&bytes.value).into_owned(),
                    bytes.span,
                ))
            }
        }
    }

    fn parse_string(&mut self) -> Result<ast::String, ()> {
        let mut result = match self.peek_skip_comments()? {
            Some((Token::StringLiteral(value), span)) => {
                self.bump();
                Ok(ast::String {
                    value: value.into_owned(),
                    span,
                })
            }
            _ => self.unexpected_token("a string literal")?,
        }?;

        while let Some((Token::StringLiteral(value), span)) = self.peek_skip_comments()? {
            self.bump();
            result.value.extend(value.as_ref());
            result.span = join_span(result.span.clone(), span);
        }

        Ok(result)
    }

    fn parse_leading_comments(&mut self) -> (Vec<String>, Option<String>) {
        let _ = self.peek();
        self.comments.take_leading()
    }

    fn parse_trailing_comment(
        &mut self,
        (leading_detached_comments, leading_comment): (Vec<String>, std::option::Option<String>),
    ) -> ast::Comments {
        let _ = self.peek();
        let trailing_comment = self.comments.take_trailing();

        ast::Comments {
            leading_detached_comments,
            leading_comment,
            trailing_comment,
        }
    }

    fn expect_eq(&mut self, t: Token) -> Result<Span, ()> {
        match self.peek_skip_comments()? {
            Some((tok, _)) if tok == t => Ok(self.bump()),
            _ => self.unexpected_token(format!("'{}'", t))?,
        }
    }

    fn expect<T>(
        &mut self,
        mut f: impl FnMut(Token, Span) -> Option<T>,
        expected: impl ToString,
    ) -> Result<T, ()> {
        if let Some((tok, span)) = self.peek_skip_comments()? {
            if let Some(value) = f(tok, span) {
                self.bump();
                return Ok(value);
            }
        };

        self.unexpected_token(expected)?
    }

    /// sous: the `;` that ends a statement. Missing, the statement ends at its last token all
    /// the same and the error is at the token found instead (buf parity: "unexpected X after
    /// definition"); the token is left for the next statement.
    fn expect_end(&mut self, expected: &str) -> Result<Span, ()> {
        match self.peek_skip_comments()? {
            Some((Token::Semicolon, _)) => Ok(self.bump()),
            Some((found, span)) => {
                // sous: a second `=` (`int32 a = 1 = 2;`), a `]` or `)` that closes no
                // bracket, or a body (`int32 a = 1 { ... }`) does not start the next
                // statement: the statement is in error (buf parity, see `buf_shape`).
                // A second `[...]` list after a definition's options is one too.
                let second_value = matches!(
                    found,
                    Token::Equals | Token::RightBracket | Token::RightParen | Token::LeftBrace
                ) || (found == Token::LeftBracket
                    && self.lexer.source().get(self.last.clone()) == Some("]"));
                self.add_error(ParseErrorKind::UnexpectedToken {
                    expected: expected.to_string(),
                    found: found.to_string(),
                    span,
                });
                if second_value {
                    return Err(());
                }
                Ok(self.last.clone())
            }
            None => {
                self.eof(expected);
                Err(())
            }
        }
    }

    /// sous: the next token of a block's body. At the end of the file, the block is not closed:
    /// an error at its `{` (buf parity: "unmatched `{`"). A token the lexer refuses (its error
    /// is recorded) is skipped.
    fn peek_in_block(&mut self, open: &Span) -> Option<(Token<'a>, Span)> {
        loop {
            match self.peek() {
                Ok(Some(tok)) => return Some(tok),
                Ok(None) => {
                    self.add_error(ParseErrorKind::UnclosedBlock { span: open.clone() });
                    return None;
                }
                Err(()) => self.peek = None,
            }
        }
    }

    /// sous: a statement of a block's body, or, in error (already recorded), nothing: the rest
    /// of the statement is skipped so that the body goes on (see `skip_statement`).
    fn recovered<T>(&mut self, result: Result<T, ()>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(()) => {
                self.skip_statement();
                None
            }
        }
    }

    /// sous: whether the next token after `span` (spaces skipped) is `=`.
    fn equals_follows(&self, span: &Span) -> bool {
        let rest = self.lexer.source().get(span.end..).unwrap_or_default();
        rest.trim_start().starts_with('=')
    }

    /// sous: where the next statement starts (the peeked token) and how many errors were
    /// recorded before it, for `reshape`.
    fn mark(&self) -> (usize, usize) {
        let start = match &self.peek {
            Some(Ok((_, span))) => span.start,
            _ => self.lexer.span().end,
        };
        (start, self.lexer.extras.errors.len())
    }

    /// sous: as `recovered`, but a statement in error gets buf's errors where `buf_shape` knows
    /// them (see `reshape`), and what buf keeps of it is kept: `reparse` reads it again,
    /// repaired.
    fn reshaped<T>(
        &mut self,
        result: Result<T, ()>,
        mark: (usize, usize),
        body: Body,
        reparse: impl for<'b> FnOnce(&mut Parser<'b>) -> Result<T, ()>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(()) => match self.reshape(mark, body) {
                Some(repaired) => repaired.and_then(|text| self.reparse(mark.0, &text, reparse)),
                None => {
                    self.skip_statement();
                    None
                }
            },
        }
    }

    /// sous: the statement at byte `start` read from `text` (its repaired text, see
    /// `buf_shape::Shaped::repaired`) by a parser of its own, its spans those of the file;
    /// nothing if that fails too.
    fn reparse<T>(
        &mut self,
        start: usize,
        text: &str,
        read: impl for<'b> FnOnce(&mut Parser<'b>) -> Result<T, ()>,
    ) -> Option<T> {
        let mut padded = " ".repeat(start);
        padded.push_str(text);
        let mut parser = Parser::new(&padded);
        parser.syntax = self.syntax;
        parser.message_depth = self.message_depth;
        if let Some(own) = text.strip_suffix(buf_shape::UNNUMBERED) {
            // Numbers down from the largest, one per field, so that none is used twice.
            self.unnumbered += 1;
            parser.placeholder = Some((536_870_912 - self.unnumbered, start + own.len()));
        } else if let Some(own) = text.strip_suffix(buf_shape::VALUELESS) {
            parser.valueless = Some(start + own.len());
        }
        let value = read(&mut parser).ok()?;
        (parser.lexer.extras.errors.is_empty() && matches!(parser.peek(), Ok(None)))
            .then_some(value)
    }

    /// sous: replaces the errors of the statement in error that starts at `mark` with buf's
    /// (`buf_shape::statement`) and skips it, up to and including its `;`: its repaired text
    /// where buf keeps it. `None`, and nothing done, where buf's errors for it are not known.
    fn reshape(&mut self, mark: (usize, usize), body: Body) -> Option<Option<String>> {
        let (start, errors) = mark;
        let source = self.lexer.source();
        let orphans = self
            .orphans
            .get_or_insert_with(|| buf_shape::orphan_brackets(source));
        let unopened = self
            .unopened
            .get_or_insert_with(|| buf_shape::unopened_brackets(source));
        let buf_shape::Shaped {
            errors: shaped,
            end,
            repaired,
        } = buf_shape::statement(
            source,
            start,
            body,
            orphans,
            unopened,
            matches!(self.syntax, ast::Syntax::Proto2 | ast::Syntax::EditionUnknown),
        )?;
        loop {
            match self.peek() {
                Ok(Some((_, span))) if span.start < end => {
                    self.bump();
                }
                Ok(_) => break,
                Err(()) => self.peek = None,
            }
        }
        // The errors of the statement's own tokens give way to buf's; those of the token after
        // it (already read) stay.
        let errs = &mut self.lexer.extras.errors;
        let mut after = errs.split_off(errors.min(errs.len()));
        // (Ended by its body's `}`: the parser's error at the `}` is the statement's.)
        let brace = source.as_bytes().get(end) == Some(&b'}');
        after.retain(|e| {
            e.span()
                .is_some_and(|span| span.start > end || (span.start == end && !brace))
        });
        errs.extend(shaped);
        errs.extend(after);
        Some(repaired)
    }

    /// sous: as `unexpected_statement`, but a statement buf reads as a definition (a field in
    /// a service) gets buf's errors where `buf_shape` knows them.
    fn unexpected_shaped(&mut self, mark: (usize, usize), body: Body, expected: &str) {
        if self.reshape(mark, body).is_none() {
            self.unexpected_statement(expected);
        }
    }

    /// sous: a token no statement of a block's body starts with: an error, and the statement
    /// it starts is skipped.
    fn unexpected_statement(&mut self, expected: &str) {
        let _ = self.unexpected_token::<()>(expected);
        self.skip_statement();
    }

    /// sous: skips the rest of a statement in error: up to and including its `;`, or its
    /// block `{ ... }`, or up to the `}` that closes the enclosing block.
    fn skip_statement(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.peek() {
                Ok(None) => return,
                Ok(Some((Token::Semicolon, _))) if depth == 0 => {
                    self.bump();
                    return;
                }
                Ok(Some((Token::LeftBrace, _))) => {
                    self.bump();
                    depth += 1;
                }
                Ok(Some((Token::RightBrace, _))) => {
                    if depth == 0 {
                        return;
                    }
                    self.bump();
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                Ok(Some(_)) => {
                    self.bump();
                }
                Err(()) => self.peek = None,
            }
        }
    }

    fn skip_until(&mut self, tokens: &[Token]) {
        loop {
            match self.peek() {
                Ok(None) => return,
                Ok(Some((tok, _))) if tokens.contains(&tok) => return,
                Ok(Some(_)) => {
                    self.bump();
                }
                Err(()) => {
                    self.peek = None;
                }
            }
        }
    }

    /// Skips tokens up to and including the '}' which closes the current block.
    fn skip_block(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.peek() {
                Ok(None) => return,
                Ok(Some((Token::LeftBrace, _))) => {
                    self.bump();
                    depth += 1;
                }
                Ok(Some((Token::RightBrace, _))) => {
                    self.bump();
                    match depth.checked_sub(1) {
                        None => return,
                        Some(new_depth) => depth = new_depth,
                    }
                }
                Ok(Some(_)) => {
                    self.bump();
                }
                Err(()) => {
                    self.peek = None;
                }
            }
        }
    }

    fn bump(&mut self) -> Span {
        let (tok, span) = self
            .peek
            .take()
            .expect("called bump without peek returning Some()")
            .expect("called bump without peek returning Ok()");
        match tok {
            Token::LineComment(_) | Token::BlockComment(_) | Token::Newline => (),
            _ => {
                self.comments.reset();
                self.last = span.clone();
            }
        }
        span
    }

    fn peek(&mut self) -> Result<Option<(Token<'a>, Span)>, ()> {
        if self.lexer.span() != Span::default() {
            match self.peek_comments()? {
                Some((Token::LineComment(comment), _)) => {
                    self.bump();
                    self.comments.line_comment(comment);
                    self.comments.flush();
                }
                Some((Token::BlockComment(comment), _)) => {
                    self.bump();
                    if let Some((Token::Newline, _)) = self.peek_comments()? {
                        self.bump();
                        self.comments.block_comment(comment);
                    } else {
                        return self.peek_skip_comments();
                    }
                }
                Some((Token::Newline, _)) => {
                    self.bump();
                }
                tok => return Ok(tok),
            }
        }

        loop {
            match self.peek_comments()? {
                Some((Token::LineComment(comment), _)) => {
                    self.bump();
                    self.comments.line_comment(comment);
                }
                Some((Token::BlockComment(comment), _)) => {
                    self.bump();
                    self.comments.block_comment(comment);
                    if let Some((Token::Newline, _)) = self.peek_comments()? {
                        self.bump();
                    }
                }
                Some((Token::Newline, _)) => {
                    self.bump();
                    self.comments.flush();
                    self.comments.detach();
                }
                tok @ (None
                | Some((Token::RightBrace | Token::RightBracket | Token::RightParen, _))) => {
                    self.comments.flush();
                    return Ok(tok);
                }
                tok => return Ok(tok),
            }
        }
    }

    fn peek_skip_comments(&mut self) -> Result<Option<(Token<'a>, Span)>, ()> {
        loop {
            match self.peek_comments()? {
                Some((Token::LineComment(_) | Token::BlockComment(_) | Token::Newline, _)) => {
                    self.bump();
                }
                tok => {
                    return Ok(tok);
                }
            }
        }
    }

    fn peek_comments(&mut self) -> Result<Option<(Token<'a>, Span)>, ()> {
        if self.peek.is_none() {
            self.peek = self.next().transpose();
        }
        self.peek.clone().transpose()
    }

    fn next(&mut self) -> Result<Option<(Token<'a>, Span)>, ()> {
        debug_assert!(self.peek.is_none());
        match self.lexer.next() {
            Some(Err(())) => {
                self.comments.reset();
                self.add_error(ParseErrorKind::InvalidToken {
                    span: self.lexer.span(),
                });
                Err(())
            }
            Some(Ok(Token::Ident(word))) => Ok(Some(self.prefixed_string(word))),
            Some(Ok(tok)) => Ok(Some((tok, self.lexer.span()))),
            None => Ok(None),
        }
    }

    /// sous: buf parity: an identifier right before a `"` (a word that is no keyword) is read
    /// as buf's lexer reads it, as that string's prefix: one string token, and an error at the
    /// prefix, which protobuf strings do not have.
    fn prefixed_string(&mut self, word: &'a str) -> (Token<'a>, Span) {
        let span = self.lexer.span();
        if self.lexer.extras.text_format_mode
            || crate::lex::string_prefix(self.lexer.source(), span.end) != Some(span.start)
        {
            return (Token::Ident(word), span);
        }
        let Some(Ok(string @ Token::StringLiteral(_))) = self.lexer.next() else {
            return (Token::Ident(word), span);
        };
        // buf parity: a string that runs on to the end of the file is that one error, its
        // prefix none of its own (unless a string before it makes it a concatenation's).
        let after_a_string = self.lexer.source()[..span.start]
            .trim_end()
            .ends_with(['"', '\'']);
        if self.lexer.extras.string_to_eof && !after_a_string {
            return (string, span.start..self.lexer.span().end);
        }
        self.add_error(ParseErrorKind::BufShape {
            message: format!(
                "'{word}' right before a string's quote makes it a prefix, which strings do not take: put a space between them"
            ),
            span: span.clone(),
        });
        (string, span.start..self.lexer.span().end)
    }

    fn unexpected_token<T>(&mut self, expected: impl ToString) -> Result<T, ()> {
        match self.peek_skip_comments()? {
            Some((found, span)) => {
                self.add_error(ParseErrorKind::UnexpectedToken {
                    expected: expected.to_string(),
                    found: found.to_string(),
                    span,
                });
                Err(())
            }
            None => {
                self.eof(expected);
                Err(())
            }
        }
    }

    /// sous: buf parity: the error where the file ends in a statement, placed as buf places
    /// it: at the very end of the file when a bracket is still open (buf's lexer closes it
    /// there), else after the last character that is no space (the place then covers the space
    /// after it: an empty place is the end of the file only).
    fn eof(&mut self, expected: impl ToString) {
        let source = self.lexer.source();
        let in_string = self.lexer.extras.string_to_eof;
        let in_brackets = if in_string {
            self.lexer.extras.string_to_eof_in_brackets
        } else {
            let opens = open_brackets(source);
            // A `[` or `(` still open is an error too (the block reports its `{`).
            for &(kind, at) in opens.iter().filter(|(kind, _)| *kind != b'{') {
                self.add_error(ParseErrorKind::BufShape {
                    message: format!(
                        "'{}' is never closed: the file ends first",
                        kind as char
                    ),
                    span: at..at + 1,
                });
            }
            !opens.is_empty()
        };
        let (end, after) = if in_brackets {
            (source.len(), source.len())
        } else {
            let end = source.trim_end().len();
            let after = source[end..]
                .chars()
                .next()
                .map_or(end, |c| end + c.len_utf8());
            (end, after)
        };
        let message = if in_string {
            // After a string that runs on to the end of the file, one error there.
            self.lexer.extras.string_to_eof = false;
            format!(
                "expected {}, but the file ends inside a string",
                expected.to_string()
            )
        } else {
            format!("expected {}, but reached end of file", expected.to_string())
        };
        self.add_error(ParseErrorKind::BufShape {
            message,
            span: end..after,
        });
    }

    fn add_error(&mut self, err: ParseErrorKind) {
        self.lexer.extras.errors.push(err);
    }
}

impl ExpectedToken {
    const COMMA: Self = ExpectedToken::Token(Token::Comma);
    const SEMICOLON: Self = ExpectedToken::Token(Token::Semicolon);
    const LEFT_BRACE: Self = ExpectedToken::Token(Token::LeftBrace);
    const LEFT_BRACKET: Self = ExpectedToken::Token(Token::LeftBracket);
    const RIGHT_PAREN: Self = ExpectedToken::Token(Token::RightParen);
    const RIGHT_ANGLE_BRACKET: Self = ExpectedToken::Token(Token::RightAngleBracket);

    fn matches(&self, t: &Token) -> bool {
        match self {
            ExpectedToken::Token(e) => e == t,
            ExpectedToken::Ident => matches!(t, Token::Ident(_)),
        }
    }
}

impl fmt::Display for ExpectedToken {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ExpectedToken::Token(e) => write!(f, "'{}'", e),
            ExpectedToken::Ident => write!(f, "an identifier"),
        }
    }
}

impl Statement {
    fn span(&self) -> Span {
        match self {
            Statement::Empty(span) => span.clone(),
            Statement::Package(package) => package.span.clone(),
            Statement::Import(import) => import.span.clone(),
            Statement::Option(option) => option.span.clone(),
            Statement::Message(message) => message.span.clone(),
            Statement::Enum(enu) => enu.span.clone(),
            Statement::Service(service) => service.span.clone(),
            Statement::Extend(extend) => extend.span.clone(),
        }
    }
}

fn fmt_expected(ts: impl Iterator<Item = ExpectedToken>) -> String {
    let ts: Vec<_> = ts.collect();

    let mut s = String::with_capacity(32);
    write!(s, "{}", ts[0]).unwrap();
    if ts.len() > 1 {
        for t in &ts[1..][..ts.len() - 2] {
            s.push_str(", ");
            write!(s, "{}", t).unwrap();
        }
        s.push_str(" or ");
        write!(s, "{}", ts[ts.len() - 1]).unwrap();
    }
    s
}

/// sous: what buf 1.75.0 says of a bad import path, in its order: nothing for a good one.
fn import_path_errors(s: &str) -> Vec<&'static str> {
    if s.is_empty() {
        return vec!["an import path cannot be empty"];
    }
    if s.starts_with('/') || Path::new(s).is_absolute() {
        return vec!["an import path must be relative to an import directory (no leading `/`)"];
    }
    let mut errors = Vec::new();
    if s.contains('\\') {
        errors.push("an import path cannot use `\\` as a separator: use `/`");
    }
    // (A bare `..` is clean to buf, which looks for it and finds no file.)
    if s == ".." {
        return errors;
    }
    let parts: Vec<&str> = s.split(['/', '\\']).collect();
    if s.starts_with("../") && errors.is_empty() {
        return vec!["an import path cannot refer to a parent directory (`..`)"];
    }
    if !errors.is_empty() || parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        errors.push("an import path cannot contain `.` or `..` parts or repeated `/`: write it clean");
    }
    errors
}
