//! `--error-format pretty`: findings for people, rendered by miette. Each finding shows its rule
//! as the diagnostic code, what is wrong, the source line with the span underlined, and a help
//! line saying what to do; a breaking finding also shows where the element was in the old schema.
//!
//! Findings carry buf's positions (1-based, columns in terminal cells); miette wants byte
//! offsets, so positions go back through [`LineIndex::offset_of_position`], and the column miette
//! prints in a snippet's header is buf's column, not miette's byte count.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, NamedSource, Severity, SourceCode, SourceSpan, SpanContents,
};

use super::Report;
use crate::catalog::{self, Kind};
use crate::finding::{Finding, Place};
use crate::schema::Source;

/// Lines are wrapped at this width: wide enough for a message, narrow enough to read.
const WIDTH: usize = 100;

pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_context_lines(1)
        .tab_width(4)
        .with_break_words(false)
        .without_syntax_highlighting();
    let render = |diagnostic: &Pretty| -> io::Result<String> {
        let mut text = String::new();
        handler
            .render_report(&mut text, diagnostic)
            .map_err(|_| io::Error::other("could not render a finding"))?;
        Ok(text)
    };
    for (i, finding) in report.findings.iter().enumerate() {
        let (diagnostic, old) = Pretty::new(finding, report);
        let mut text = render(&diagnostic)?;
        // The old place as a diagnostic of its own after the finding: miette's "related"
        // rendering adds a severity prefix or nesting that reads worse.
        if let Some(old) = old {
            text.push('\n');
            text += &render(&old)?;
        }
        if i > 0 {
            writeln!(out)?;
        }
        for line in text.trim_end().lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// One finding as a miette diagnostic.
#[derive(Debug)]
struct Pretty {
    code: String,
    title: String,
    help: Option<String>,
    severity: Severity,
    snippet: Option<Snippet>,
}

/// A span of a source file, labelled.
#[derive(Debug)]
struct Snippet {
    source: NamedSource<Text>,
    span: SourceSpan,
    label: Option<String>,
}

impl Pretty {
    /// The finding, and for a breaking finding where its element was in the old schema.
    fn new(finding: &Finding, report: &Report) -> (Pretty, Option<Pretty>) {
        let entry = catalog::get(&finding.rule);
        let (title, advice) = match (entry, finding.message.split_once(": ")) {
            // Our messages say what is wrong, then `: ` and what to do.
            (Some(_), Some((what, advice))) => (what.to_string(), Some(advice.to_string())),
            (Some(entry), None) => (finding.message.clone(), first_sentence_of_fix(entry.body)),
            // COMPILE and other findings without an entry: the message is all there is.
            (None, _) => (finding.message.clone(), None),
        };
        let help = match (
            deletion(&finding.rule),
            finding.lost.as_ref().and_then(reserved_statement),
        ) {
            (Some(strict), Some(reserved)) => {
                let advice = advice.unwrap_or_default();
                Some(if strict {
                    format!("{advice}; if it must go, leave `{reserved}` in its place")
                } else {
                    format!("{advice}; reserving both is safest: `{reserved}`")
                })
            }
            _ => advice,
        };
        // Whether sous can fix it, and how safely, as JSON and SARIF say it.
        let help = match (help, crate::fix::note(finding)) {
            (help, Some(fix)) => Some(format!(
                "{}fix ({}): {}",
                help.map(|h| h + "\n").unwrap_or_default(),
                fix.applicability,
                fix.message
            )),
            (help, None) => help,
        };
        let breaking = entry.is_some_and(|e| e.kind == Kind::Breaking);
        let place = finding.path.as_ref().map(|path| {
            // The finding's own columns: `snippet` turns them into offsets by its rule.
            let (start_line, start_column) = (finding.start_line, finding.start_column);
            let (end_line, end_column) = (finding.end_line, finding.end_column);
            Place {
                path: path.clone(),
                start_line,
                start_column,
                end_line,
                end_column,
            }
        });
        let old = finding.old.as_ref().and_then(|old| {
            snippet(old, "", report, Some("before".into())).map(|snippet| Pretty {
                code: String::new(),
                title: "in the old schema".into(),
                help: None,
                severity: Severity::Advice,
                snippet: Some(snippet),
            })
        });
        let label = (breaking && old.is_some()).then(|| "now".to_string());
        let snippet = place
            .as_ref()
            .and_then(|p| snippet(p, &finding.rule, report, label));
        let title = match (&snippet, &finding.path) {
            // Without a snippet nothing else shows where the finding is.
            (None, Some(path)) => format!(
                "{path}:{}:{}: {title}",
                finding.start_line, finding.start_column
            ),
            _ => title,
        };
        let pretty = Pretty {
            code: finding.rule.clone(),
            title,
            help,
            severity: Severity::Error,
            snippet,
        };
        (pretty, old)
    }
}

/// The snippet for `place` (the columns of a finding of `rule`), when its file's source is at
/// hand.
fn snippet(place: &Place, rule: &str, report: &Report, label: Option<String>) -> Option<Snippet> {
    let source = report.sources.get(&place.path)?;
    let index = &source.lines;
    let text = &source.text;
    let start = index.finding_offset(text, rule, place.start_line, place.start_column);
    let mut end = index
        .finding_offset(text, rule, place.end_line, place.end_column)
        .max(start);
    // A span over many lines (a whole message) is shown by its first line: the declaration is
    // what identifies it, and the rest would bury the finding.
    if place.end_line > place.start_line {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        end = start + text[start..line_end].trim_end().len();
    }
    Some(Snippet {
        source: NamedSource::new(&place.path, Text(source.clone())),
        span: SourceSpan::new(start.into(), end - start),
        label,
    })
}

/// The rules that report a deleted field or enum value, and whether they are the strict kind
/// (where a `reserved` statement does not satisfy the rule).
fn deletion(rule: &str) -> Option<bool> {
    match rule {
        "FIELD_NO_DELETE" | "ENUM_VALUE_NO_DELETE" => Some(true),
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"
        | "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"
        | "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED"
        | "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED" => Some(false),
        _ => None,
    }
}

/// `reserved N; reserved "name";` for a deleted field or enum value (every name an enum
/// number had), from the finding's data.
fn reserved_statement(lost: &crate::finding::Lost) -> Option<String> {
    let (number, names) = lost.deleted.as_ref()?;
    let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    (!names.is_empty()).then(|| format!("reserved {number}; reserved {};", names.join(", ")))
}

/// The first sentence of a catalog entry's `## How to fix`, as a help line: starting lowercase,
/// without its final period.
fn first_sentence_of_fix(body: &str) -> Option<String> {
    let section = body.split("\n## How to fix\n").nth(1)?;
    let section = section.split("\n## ").next().unwrap_or(section);
    let paragraph = section.trim().split("\n\n").next()?;
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = text.len();
    for (i, _) in text.match_indices(". ") {
        let next = text[i + 2..].chars().next();
        if next.is_some_and(char::is_uppercase) {
            end = i;
            break;
        }
    }
    let sentence = text[..end].trim_end_matches('.');
    if sentence.is_empty() {
        return None;
    }
    let mut chars = sentence.chars();
    let first = chars.next()?;
    let second = chars.next();
    // "Keep the field" reads as "keep the field"; "ID", "`reserved`" stay as written.
    Some(
        if first.is_uppercase() && second.is_some_and(char::is_lowercase) {
            first
                .to_lowercase()
                .chain(sentence.chars().skip(1))
                .collect()
        } else {
            sentence.to_string()
        },
    )
}

impl fmt::Display for Pretty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Pretty {}

impl Diagnostic for Pretty {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| &s.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(s.label.clone(), s.span),
        )))
    }
}

/// A source text for miette, reporting buf's columns.
struct Text(Arc<Source>);

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Text").field(&self.0.file.display).finish()
    }
}

impl SourceCode for Text {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents =
            self.0
                .text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts the column in bytes; the header must agree with the other formats.
        let (_, column) = self.0.position(contents.span().offset());
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line(),
            column as usize - 1,
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_statements_from_deletion_data() {
        let lost = |number: i32, names: &[&str]| crate::finding::Lost {
            parent: "a.B".into(),
            in_enum: false,
            deleted: Some((number, names.iter().map(|n| n.to_string()).collect())),
            numbers: Vec::new(),
            names: Vec::new(),
            blocked: None,
            extensions: false,
        };
        assert_eq!(
            reserved_statement(&lost(2, &["user_id"])).as_deref(),
            Some(r#"reserved 2; reserved "user_id";"#)
        );
        assert_eq!(
            reserved_statement(&lost(-1, &["A", "B"])).as_deref(),
            Some(r#"reserved -1; reserved "A", "B";"#)
        );
        let mut range = lost(2, &[]);
        range.deleted = None;
        assert_eq!(reserved_statement(&range), None);
    }

    #[test]
    fn first_sentence_of_a_fix() {
        let body = "# X\n\n## How to fix\n\nKeep the field and mark it `[deprecated = true]`; remove\nits uses (e.g. `a.b`). If the API may drop it, reserve it.\n\n## Other\n";
        assert_eq!(
            first_sentence_of_fix(body).as_deref(),
            Some("keep the field and mark it `[deprecated = true]`; remove its uses (e.g. `a.b`)")
        );
        assert_eq!(first_sentence_of_fix("# X\n"), None);
    }
}
