//! `import option "file.proto";` (an import for options only, new in edition 2024), as buf
//! 1.75.0 takes it: in a proto2, proto3 or edition 2023 file it is a `COMPILE` finding at
//! `option`; in an edition 2024 or 2026 file buf fails outright (exit 1, "got dependency index
//! of N but length of imports is N"), and so does sous, naming the file and the place.

use crate::finding::Finding;
use crate::schema::Source;

/// What an `import option` statement of a file comes to.
pub(crate) enum ImportOption {
    /// `COMPILE` findings, one at each `option`.
    Findings(Vec<Finding>),
    /// The run fails, as buf's does.
    Fails(crate::Error),
}

/// The `import option` statements of `source`, whose `edition` statement (if any) is at byte
/// `edition_at`.
pub(crate) fn check(source: &Source, edition_at: Option<usize>) -> Option<ImportOption> {
    let text = &source.text;
    if !text.contains("import option") && !text.contains("import\toption") {
        return None;
    }
    let places = places(text);
    let first = *places.first()?;
    let edition = match edition_at {
        Some(at) => Some(quoted_after(text, at)?.trim_matches(['"', '\''])),
        None => None,
    };
    match edition {
        Some("2024" | "2026") => {
            let imports = regular_imports_before(text, first);
            let (line, column) = source.position(first);
            Some(ImportOption::Fails(crate::Error::Input(format!(
                "{}:{line}:{column}: `import option` fails buf 1.75.0 (\"got dependency index of {imports} but length of imports is {imports}\"), which cannot build a file that uses it: import {} with a plain `import` instead",
                source.file.display,
                quoted_after(text, first).unwrap_or("the file"),
            ))))
        }
        Some("2023") | None => {
            let (what, fix) = match edition {
                Some(e) => (format!("edition {e}"), "edition 2024"),
                None => (syntax_of(text).to_string(), "editions (2024 or later)"),
            };
            let findings = places
                .iter()
                .map(|&at| {
                    source.finding(
                        at,
                        at + "option".len(),
                        "COMPILE",
                        format!(
                            "`import option` cannot be used in {what}: it needs {fix}; use a plain `import`"
                        ),
                    )
                })
                .collect();
            Some(ImportOption::Findings(findings))
        }
        Some(_) => None,
    }
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
