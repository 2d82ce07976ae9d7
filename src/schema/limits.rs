//! The nesting limits buf puts on a `.proto` file, checked on its text before the parser sees
//! it: messages (groups and map entries included) nest at most 31 deep, and an option value
//! (`{...}`, `[...]`, `<...>`) at most 100.
//!
//! buf reports a file past either limit as `COMPILE` findings, one at each place the limit is
//! crossed. protox has the message limit (with its own words, at another place) but not the
//! other one: an option value nested thousands deep overflowed the stack in prost-reflect's
//! text-format parser, which recurses once per level. A file past a limit therefore never
//! reaches the compiler; the scan here is a small lexer of its own, in one pass with no
//! recursion, so no input can overflow it.
//!
//! Chains of imports have no limit in buf; the compiler follows them by recursion, so the
//! threads that compile have a large stack ([`STACK_SIZE`]) and a chain longer than it allows
//! ([`MAX_IMPORT_CHAIN`]) is an error naming its first file.

use std::collections::HashMap;

/// buf parity: "message nesting depth must be less than 32": a top-level message is at depth 1,
/// and the message (group, map entry) at depth 32 is refused.
pub(super) const MAX_MESSAGE_DEPTH: usize = 31;

/// buf parity: "expression nesting depth must be at most 100": every bracket of an option value
/// (`{`, `[`, `<`, the outermost too) is a level.
pub(super) const MAX_EXPRESSION_DEPTH: usize = 100;

/// The longest import chain sous compiles (`a` imports `b`, which imports `c`, ...): the
/// compiler (protox) follows imports by recursion, a level of stack per file of the chain. buf
/// has no limit of its own (Go's stacks grow to 1 GiB); this one is far above any real tree and
/// fits [`STACK_SIZE`] with room to spare (measured: a chain of 20,000 files used under 64 MiB
/// in a debug build).
pub const MAX_IMPORT_CHAIN: usize = 50_000;

/// The stack of each compiling thread (rayon's pool, which runs every compile): virtual memory,
/// touched only as deep as a chain of imports goes.
pub const STACK_SIZE: usize = 256 << 20;

/// What crossed a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// A message or group declared at depth 32, at its name.
    Message,
    /// A map field in a message at depth 31 (its entry would be at 32), at its `map<...>` type.
    MapEntry,
    /// A bracket at depth 101 in an option value, at the bracket.
    Expression,
}

/// One place where a limit is crossed: a byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Crossing {
    pub limit: Limit,
    pub start: usize,
    pub end: usize,
    /// For a message past the limit: the whole of its declaration, from its first word to its
    /// closing brace, which [`super::stand_in`] leaves out.
    pub declaration: Option<(usize, usize)>,
}

impl Crossing {
    /// The finding's message, in sous's words.
    pub fn message(&self) -> String {
        match self.limit {
            Limit::Message => format!(
                "this message is nested {} levels deep; buf and protoc allow at most {MAX_MESSAGE_DEPTH} (groups count as messages): move it, or the messages around it, up a level",
                MAX_MESSAGE_DEPTH + 1
            ),
            Limit::MapEntry => format!(
                "this map field's entry message would be nested {} levels deep; buf and protoc allow at most {MAX_MESSAGE_DEPTH}: declare the map in a message nested less deeply",
                MAX_MESSAGE_DEPTH + 1
            ),
            Limit::Expression => format!(
                "this option value is nested more than {MAX_EXPRESSION_DEPTH} levels deep ({{...}}, [...] and <...> each count); buf allows at most {MAX_EXPRESSION_DEPTH}: flatten the value"
            ),
        }
    }
}

/// A token of the scan: only what the nesting depends on is told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'t> {
    Word(&'t str),
    Punct(u8),
    /// A string or number literal.
    Literal,
}

/// Splits `text` into tokens, skipping whitespace and comments, without allocating.
struct Lexer<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Lexer<'t> {
    type Item = (Token<'t>, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.at;
            let &first = bytes.get(start)?;
            let second = bytes.get(start + 1).copied();
            let until = |from: usize, stop: &dyn Fn(usize) -> bool| {
                let mut i = from;
                while i < bytes.len() && !stop(i) {
                    i += 1;
                }
                i
            };
            match first {
                b if b.is_ascii_whitespace() => self.at += 1,
                b'/' if second == Some(b'/') => self.at = until(start, &|i| bytes[i] == b'\n'),
                b'/' if second == Some(b'*') => {
                    let end = until(start + 2, &|i| bytes[i..].starts_with(b"*/"));
                    self.at = (end + 2).min(bytes.len());
                }
                b'"' | b'\'' => {
                    // A string ends at its quote or, unterminated, at the end of the line.
                    let mut i = start + 1;
                    while i < bytes.len() && bytes[i] != first && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    self.at = (i + 1).min(bytes.len());
                    return Some((Token::Literal, start, self.at));
                }
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    self.at = until(start, &|i| {
                        !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    });
                    return Some((Token::Word(&self.text[start..self.at]), start, self.at));
                }
                b if b.is_ascii_digit()
                    || (b == b'.' && second.is_some_and(|c| c.is_ascii_digit())) =>
                {
                    self.at = until(start, &|i| {
                        !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                    });
                    return Some((Token::Literal, start, self.at));
                }
                b if b.is_ascii() => {
                    self.at += 1;
                    return Some((Token::Punct(b), start, self.at));
                }
                // Any other character (not ASCII) is one token that nests nothing.
                _ => {
                    self.at = until(start + 1, &|i| self.text.is_char_boundary(i));
                    return Some((Token::Literal, start, self.at));
                }
            }
        }
    }
}

/// What the statement being read declares, as far as its first words tell.
#[derive(Debug, Default)]
struct Statement {
    /// Words and punctuation read so far (the count only).
    tokens: usize,
    /// Where its first token starts.
    start: Option<usize>,
    /// The statement begins with `option`.
    option: bool,
    /// The statement declares a message or a group: the block it opens is a message.
    message: bool,
    /// The name of that message or group.
    name: Option<(usize, usize)>,
    /// The statement begins with `map` `<`: where `map` starts.
    map: Option<usize>,
    /// Inside the `[...]` of compact options.
    brackets: usize,
    /// The last token was an `=` whose value may be an aggregate.
    value_next: bool,
}

/// Every place where `text` crosses a nesting limit, in text order. A message past the limit is
/// reported, not what it holds; an option value is reported at each bracket that opens level
/// 101, not at the levels below, as buf reports them.
pub(super) fn check(text: &str) -> Vec<Crossing> {
    let mut crossings = Vec::new();
    // The open blocks (true for a message), their message depth, and the stack height at which
    // a message past the limit was reported (nothing inside it is).
    let mut blocks: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    let mut reported_at: Option<usize> = None;
    // The crossing of the message past the limit whose closing brace is still to come.
    let mut open_declaration: Option<usize> = None;
    let mut statement = Statement::default();
    // The nesting of the option value being read, 0 outside one.
    let mut value = 0usize;
    for (token, start, end) in (Lexer { text, at: 0 }) {
        if value > 0 {
            match token {
                Token::Punct(b'{' | b'[' | b'<') => {
                    value += 1;
                    if value == MAX_EXPRESSION_DEPTH + 1 {
                        crossings.push(Crossing {
                            limit: Limit::Expression,
                            start,
                            end,
                            declaration: None,
                        });
                    }
                }
                Token::Punct(b'}' | b']' | b'>') => value -= 1,
                _ => {}
            }
            continue;
        }
        if std::mem::take(&mut statement.value_next)
            && matches!(token, Token::Punct(b'{' | b'[' | b'<'))
        {
            value = 1;
            continue;
        }
        let first = statement.tokens == 0;
        if first {
            statement.start = Some(start);
        }
        statement.tokens += 1;
        if statement.tokens == 2 && token != Token::Punct(b'<') {
            // `map` not followed by `<` is a type name.
            statement.map = None;
        }
        match token {
            Token::Word(word) => {
                if first {
                    statement.option = word == "option";
                    statement.message = word == "message" || word == "group";
                    statement.map = (word == "map").then_some(start);
                } else if statement.message && statement.name.is_none() {
                    statement.name = Some((start, end));
                } else if word == "group" && statement.tokens == 2 && statement.name.is_none() {
                    // `optional group Name = 1 {`
                    statement.message = true;
                }
            }
            Token::Punct(b'=') => {
                statement.value_next = statement.option || statement.brackets > 0;
            }
            Token::Punct(b'[') => statement.brackets += 1,
            Token::Punct(b']') => statement.brackets = statement.brackets.saturating_sub(1),
            Token::Punct(b'>') => {
                if let Some(map_start) = statement.map.take() {
                    let in_message = blocks.last() == Some(&true);
                    if in_message && depth + 1 > MAX_MESSAGE_DEPTH && reported_at.is_none() {
                        crossings.push(Crossing {
                            limit: Limit::MapEntry,
                            start: map_start,
                            end,
                            declaration: None,
                        });
                    }
                }
            }
            Token::Punct(b';') => statement = Statement::default(),
            Token::Punct(b'{') => {
                let message = statement.message;
                if message {
                    depth += 1;
                    if depth > MAX_MESSAGE_DEPTH && reported_at.is_none() {
                        let first = statement.start.unwrap_or(start);
                        let (start, end) = statement.name.unwrap_or((start, end));
                        open_declaration = Some(crossings.len());
                        crossings.push(Crossing {
                            limit: Limit::Message,
                            start,
                            end,
                            declaration: Some((first, text.len())),
                        });
                        reported_at = Some(blocks.len());
                    }
                }
                blocks.push(message);
                statement = Statement::default();
            }
            Token::Punct(b'}') => {
                if blocks.pop() == Some(true) {
                    depth -= 1;
                }
                if reported_at == Some(blocks.len()) {
                    reported_at = None;
                    if let Some(crossing) = open_declaration.take().map(|i| &mut crossings[i]) {
                        crossing.declaration = crossing.declaration.map(|(first, _)| (first, end));
                    }
                }
                statement = Statement::default();
            }
            _ => {}
        }
    }
    crossings
}

/// The longest chain of imports among `imports` (each file's imports, by name), as its first
/// file and its length in files, when it is longer than [`MAX_IMPORT_CHAIN`]. A file outside
/// `imports` (a well-known type) ends a chain; an import that closes a cycle is not followed
/// (the compiler reports the cycle). Without recursion, so a chain of any length is measured.
pub(super) fn import_chain_too_long<'a>(
    imports: &HashMap<&'a str, &'a [String]>,
) -> Option<(&'a str, usize)> {
    if imports.len() <= MAX_IMPORT_CHAIN {
        return None;
    }
    // The length of the longest chain from each file, once known; `None` while being measured.
    let mut length: HashMap<&str, Option<usize>> = HashMap::with_capacity(imports.len());
    let mut roots: Vec<&str> = imports.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some((file, next)) = stack.pop() {
            if next == 0 {
                if length.contains_key(file) {
                    continue;
                }
                length.insert(file, None);
            }
            let deps = imports.get(file).copied().unwrap_or_default();
            if let Some(dep) = deps.get(next) {
                stack.push((file, next + 1));
                if imports.contains_key(dep.as_str()) && !length.contains_key(dep.as_str()) {
                    stack.push((dep.as_str(), 0));
                }
                continue;
            }
            let longest = deps
                .iter()
                .filter_map(|d| length.get(d.as_str()).copied().flatten())
                .max()
                .unwrap_or(0);
            length.insert(file, Some(longest + 1));
        }
    }
    length
        .into_iter()
        .filter_map(|(file, n)| Some((file, n?)))
        .filter(|&(_, n)| n > MAX_IMPORT_CHAIN)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
}

/// A pool of threads with stacks of [`STACK_SIZE`], for the whole run: the compiler (protox)
/// follows a chain of imports by recursion, and a run installed in this pool (`main` runs
/// everything in it) does all its work, parallel or not, on its threads. The number of threads is
/// rayon's choice (`RAYON_NUM_THREADS`, else one per core). `None` if the threads cannot be had.
pub fn thread_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("sous-{i}"))
        .build()
        .ok()
}

/// An import chain longer than the compiler's stack allows is an error naming its first file
/// (see [`MAX_IMPORT_CHAIN`]).
pub(super) fn check_import_chains(read: &super::read::Read) -> crate::error::Result<()> {
    let imports: HashMap<&str, &[String]> = read
        .parsed
        .iter()
        .map(|(name, file)| (name.as_str(), file.dependency.as_slice()))
        .chain(read.same.iter().map(|(name, deps)| (name.as_str(), *deps)))
        .collect();
    match import_chain_too_long(&imports) {
        None => Ok(()),
        Some((first, length)) => {
            let shown = read
                .sources
                .get(first)
                .map_or(first, |s| s.file.display.as_str());
            Err(crate::Error::Input(format!(
                "{shown}: its imports form a chain {length} files long (it imports a file that imports another, and so on); sous compiles chains of at most {MAX_IMPORT_CHAIN} files: split the chain"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(n: usize, inner: &str) -> String {
        let mut text = String::from("syntax = \"proto2\";\n");
        for i in 0..n {
            text.push_str(&format!("message N{i} {{\n"));
        }
        text.push_str(inner);
        text.push_str(&"}\n".repeat(n));
        text
    }

    fn aggregate(n: usize) -> String {
        let mut value = String::from("{x: 1}");
        for _ in 1..n {
            value = format!("{{m: {value}}}");
        }
        value
    }

    fn limits(text: &str) -> Vec<(Limit, &str)> {
        check(text)
            .into_iter()
            .map(|c| (c.limit, &text[c.start..c.end]))
            .collect()
    }

    #[test]
    fn messages_nest_31_deep_and_the_32nd_is_reported_at_its_name() {
        assert_eq!(limits(&messages(31, "")), []);
        assert_eq!(limits(&messages(32, "")), [(Limit::Message, "N31")]);
        // Only the outermost message past the limit.
        assert_eq!(limits(&messages(5000, "")), [(Limit::Message, "N31")]);
        assert_eq!(
            limits(&messages(31, "optional group G = 1 { }\n")),
            [(Limit::Message, "G")]
        );
        assert_eq!(
            limits(&messages(31, "oneof o { group G = 1 { } }\n")),
            [(Limit::Message, "G")]
        );
        assert_eq!(
            limits(&messages(31, "map<string, int32> m = 1;\n")),
            [(Limit::MapEntry, "map<string, int32>")]
        );
        assert_eq!(limits(&messages(30, "map<string, int32> m = 1;\n")), []);
        // Enums, oneofs, extends and services are not messages.
        assert_eq!(
            limits(&messages(
                31,
                "enum E { A = 0; } oneof o { int32 a = 1; }\n"
            )),
            []
        );
    }

    #[test]
    fn option_values_nest_100_deep_and_each_crossing_is_reported() {
        let option = |value: &str| format!("message A {{ option (mo) = {value}; }}\n");
        assert_eq!(limits(&option(&aggregate(100))), []);
        assert_eq!(limits(&option(&aggregate(101))), [(Limit::Expression, "{")]);
        assert_eq!(limits(&option(&aggregate(100_000))).len(), 1);
        // Two subtrees, each past the limit.
        let two = format!("{{m: {}, r: [{}]}}", aggregate(100), aggregate(100));
        assert_eq!(limits(&option(&two)).len(), 2);
        // Compact options, brackets of every kind; the `[` of the list itself is no level.
        let field = format!(
            "message F {{ optional int32 a = 1 [(fo) = {}, (fo2) = {}]; }}\n",
            aggregate(100),
            aggregate(101)
        );
        assert_eq!(limits(&field).len(), 1);
        let angles = "<m: ".repeat(100) + "<x: 1>" + &">".repeat(100);
        assert_eq!(limits(&option(&angles)).len(), 1);
        // Brackets in strings and comments do not count.
        let quiet = format!(
            "{{x: 1 /* {} */ s: \"{}\"}}",
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(limits(&option(&quiet)), []);
    }

    #[test]
    fn import_chains_are_measured_without_recursion() {
        let n = MAX_IMPORT_CHAIN + 10;
        let names: Vec<String> = (0..n).map(|i| format!("f{i}.proto")).collect();
        let deps: Vec<Vec<String>> = (0..n)
            .map(|i| names.get(i + 1).cloned().into_iter().collect())
            .collect();
        let mut imports: HashMap<&str, &[String]> = names
            .iter()
            .zip(&deps)
            .map(|(name, deps)| (name.as_str(), deps.as_slice()))
            .collect();
        assert_eq!(import_chain_too_long(&imports), Some(("f0.proto", n)));
        // A cycle back to the start is not followed.
        let back = vec!["f1.proto".to_string(), "f0.proto".to_string()];
        imports.insert(names[n - 1].as_str(), &back);
        assert_eq!(import_chain_too_long(&imports), Some(("f0.proto", n)));
        // Short chains are not measured at all.
        imports.retain(|name, _| name.len() < 10);
        assert_eq!(import_chain_too_long(&imports), None);
    }

    #[test]
    fn anything_scans_without_panicking() {
        for text in [
            "", "{", "}", "}}}}", "\"", "'\\", "/*", "message", "map<", "option =", "é{",
        ] {
            check(text);
        }
    }
}
