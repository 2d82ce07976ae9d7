//! `import option "file.proto";` (an import for options only, new in edition 2024), as buf
//! 1.75.0 takes it: in a proto2, proto3 or edition 2023 file it is a `COMPILE` finding at
//! `option`, and the file compiles on with it as an option import; in an edition 2024 or 2026 file that uses nothing of the imported file buf fails
//! outright (exit 1, "got dependency index of N but length of imports is N"), and so does sous,
//! naming the file and the place. One that is used is compiled as a plain import.

use crate::finding::Finding;
use crate::schema::Source;

/// What an `import option` statement of a file comes to.
pub(crate) enum ImportOption {
    /// The run fails, as buf's does.
    Fails(crate::Error),
    /// `COMPILE` findings of `import option`, `local` and `export` before edition 2024: the
    /// file compiles all the same, its types local or exported as written and its option
    /// imports for options only (buf parity: their uses are reported, as in a 2024 file).
    Keywords(Vec<Finding>),
}

/// The `import option` statements of `source`, whose `edition` statement (if any) is at byte
/// `edition_at`.
pub(crate) fn check(source: &Source, edition_at: Option<usize>) -> Option<ImportOption> {
    let text = &source.text;
    let places = if text.contains("import option") || text.contains("import\toption") {
        places(text)
    } else {
        Vec::new()
    };
    let modifiers = if text.contains("local") || text.contains("export") {
        modifiers(text)
    } else {
        Vec::new()
    };
    if places.is_empty() && modifiers.is_empty() {
        return None;
    }
    // An edition buf does not know, however it is written (see `super::unknown`).
    let unknown = edition_at.and_then(|_| protox_parse::unknown_edition(text));
    let edition = match (edition_at, &unknown) {
        (Some(_), Some((value, _))) => Some(value.as_str()),
        (Some(at), None) => Some(quoted_after(text, at)?.trim_matches(['"', '\''])),
        (None, _) => None,
    };
    match edition {
        Some("2024" | "2026") => {
            let first = *places.iter().find(|&&at| !used(text, at))?;
            Some(ImportOption::Fails(unused(source, first)))
        }
        _ => {
            let (what, fix) = match edition {
                Some(e @ "2023") => (format!("edition {e}"), "edition 2024"),
                // buf parity: an edition buf does not know is read as proto2.
                Some(e) => (
                    format!("a file of unknown edition {e:?}, read as proto2,"),
                    "edition 2024 or later",
                ),
                None => (syntax_of(text).to_string(), "editions (2024 or later)"),
            };
            let imports = places.iter().map(|&at| {
                source.finding(
                    at,
                    at + "option".len(),
                    "COMPILE",
                    format!("`import option` cannot be used in {what}: it needs {fix}; use a plain `import`"),
                )
            });
            let visibility = modifiers.iter().map(|&(at, word)| {
                source.finding(
                    at,
                    at + word.len(),
                    "COMPILE",
                    format!(
                        "`{word}` (symbol visibility) cannot be used in {what}: it needs {fix}"
                    ),
                )
            });
            // The parser takes the keywords, and `import option`, in any file.
            Some(ImportOption::Keywords(imports.chain(visibility).collect()))
        }
    }
}

/// buf's failure for the `import option` at byte `at` of `source`, which the file does not use.
pub(super) fn unused(source: &Source, at: usize) -> crate::Error {
    let text = &source.text;
    let imports = regular_imports_before(text, at);
    let (line, column) = source.position(at);
    crate::Error::Input(format!(
        "{}:{line}:{column}: `import option` fails buf 1.75.0 (\"got dependency index of {imports} but length of imports is {imports}\"), which cannot build a file that uses it: import {} with a plain `import` instead",
        source.file.display,
        quoted_after(text, at).unwrap_or("the file"),
    ))
}

/// The `import option` statements of `text`: the byte offset of each `option`, and the file
/// it names.
pub(super) fn option_imports(text: &str) -> Vec<(usize, String)> {
    if !text.contains("import option") && !text.contains("import\toption") {
        return Vec::new();
    }
    places(text)
        .into_iter()
        .filter_map(|at| {
            let name = quoted_after(text, at)?.trim_matches(['"', '\'']);
            Some((at, name.to_string()))
        })
        .collect()
}

/// The byte offsets of `local` and `export` written before `message NAME {` or `enum NAME {`
/// at the start of a line (symbol visibility, edition 2024 on), with the word.
fn modifiers(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let at = offset + line.len() - trimmed.len();
        offset += line.len();
        let Some(word) = ["local", "export"]
            .into_iter()
            .find(|w| trimmed.starts_with(w))
        else {
            continue;
        };
        let rest = &trimmed[word.len()..];
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest.trim_start();
        let Some(after) = rest
            .strip_prefix("message")
            .or_else(|| rest.strip_prefix("enum"))
        else {
            continue;
        };
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let after = after.trim_start();
        let name = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name > 0 && after[name..].trim_start().starts_with('{') {
            out.push((at, word));
        }
    }
    out
}

/// The byte offsets of `option` in every `import option` statement (a statement of its own
/// line, outside comments).
fn places(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix("import") {
            let after = rest.trim_start();
            let gap = rest.len() - after.len();
            let is_option = gap > 0
                && after.starts_with("option")
                && after["option".len()..]
                    .starts_with(|c: char| c.is_whitespace() || c == '"' || c == '\'');
            if is_option {
                out.push(offset + indent + "import".len() + gap);
            }
        }
        offset += line.len();
    }
    out
}

/// Whether the file uses what the option import at `at` brings: a language feature file's
/// features (`features.(pb.cpp)...`). Any other file's options are known once it is compiled
/// (see [`super::option_only::unused`]): it is taken as used here.
fn used(text: &str, at: usize) -> bool {
    let Some(name) = quoted_after(text, at) else {
        return true;
    };
    let extension = match name.trim_matches(['"', '\'']) {
        "google/protobuf/cpp_features.proto" => "pb.cpp",
        "google/protobuf/java_features.proto" => "pb.java",
        "google/protobuf/go_features.proto" => "pb.go",
        _ => return true,
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains(&format!("({extension})")) || compact.contains(&format!("(.{extension})"))
}

/// How many plain imports (`import "x"`, `import public`, `import weak`) come before `at`.
fn regular_imports_before(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[..line_start]
        .lines()
        .filter(|line| {
            let t = line.trim_start();
            t.strip_prefix("import").is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                    && !rest.trim_start().starts_with("option")
            })
        })
        .count()
}

/// The quoted file name after `at`, with its quotes.
fn quoted_after(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    let line = rest.lines().next()?;
    let start = line.find(['"', '\''])?;
    let quote = line.as_bytes()[start];
    let end = line[start + 1..].bytes().position(|b| b == quote)? + start + 2;
    Some(&line[start..end])
}

/// buf's name for a file's syntax, as it reports it: `"proto3"`, quotes included.
fn syntax_of(text: &str) -> &'static str {
    if text.contains("syntax = \"proto3\"") || text.contains("syntax = 'proto3'") {
        "\"proto3\""
    } else {
        "\"proto2\""
    }
}
