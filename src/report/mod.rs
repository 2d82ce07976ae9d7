//! How findings leave the program: one function per `--error-format`, over findings that are
//! already sorted and de-duplicated.

mod github;
mod gitlab;
mod ignore_yaml;
mod junit;
mod markdown;
mod msvs;
mod pretty;
mod sarif;

pub use markdown::render_markdown;

use std::io::{self, Write};

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::{Entry, Kind};
use crate::cli::ErrorFormat;
use crate::config::Version;
use crate::finding::Finding;
use crate::schema::Source;

/// Everything a reporter may need: the findings (sorted, de-duplicated), which command made them,
/// and the sources they point into.
pub struct Report<'a> {
    pub kind: Kind,
    pub findings: &'a [Finding],
    /// Source texts by display path (the input's files, and for breaking the against side's),
    /// for formats that show snippets.
    pub sources: HashMap<String, Arc<Source>>,
    /// Whether to colour (pretty only).
    pub color: bool,
}

pub fn write(out: &mut dyn Write, format: ErrorFormat, report: &Report) -> io::Result<()> {
    let findings = report.findings;
    match format {
        ErrorFormat::Text => text(out, findings),
        ErrorFormat::Json => json(out, report),
        ErrorFormat::Pretty => pretty::write(out, report),
        ErrorFormat::Sarif => sarif::write(out, report),
        ErrorFormat::Msvs => msvs::write(out, findings),
        ErrorFormat::Junit => junit::write(out, findings),
        ErrorFormat::GithubActions => github::write(out, report.kind, findings),
        ErrorFormat::GitlabCodeQuality => gitlab::write(out, findings),
        ErrorFormat::ConfigIgnoreYaml => ignore_yaml::write(out, findings, &report.sources),
    }
}

/// The line printed on stderr after a report for people (`text`, `pretty`); `None` for
/// machine formats, whose stdout must stay parseable.
pub fn summary(format: ErrorFormat, report: &Report) -> Option<String> {
    if !matches!(format, ErrorFormat::Text | ErrorFormat::Pretty) || report.findings.is_empty() {
        // Like buf, a clean run prints nothing.
        return None;
    }
    let findings = report.findings;
    let files: std::collections::BTreeSet<&str> =
        findings.iter().filter_map(|f| f.path.as_deref()).collect();
    let rules: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.rule.as_str()).collect();
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = count(findings.len(), "finding", "findings");
    if !files.is_empty() {
        line += &format!(" in {}", count(files.len(), "file", "files"));
    }
    line += &format!(" ({})", count(rules.len(), "rule", "rules"));
    Some(line)
}

/// buf's text format: `path:line:column:message`.
fn text(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    // Written as `Finding::to_text` says, without a string of its own for each line.
    for f in findings {
        let path = f.path.as_deref().unwrap_or("<input>");
        let (line, column) = (f.start_line, f.start_column);
        writeln!(out, "{path}:{line}:{column}:{}", f.shown_message())?;
    }
    Ok(())
}

/// buf's JSON Lines: one object per finding, keys in buf's order.
fn json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    /// A finding with what sous can do about it, after buf's keys (`fix` is sous's own).
    #[derive(serde::Serialize)]
    struct Line<'a> {
        #[serde(flatten)]
        finding: &'a Finding,
        #[serde(skip_serializing_if = "Option::is_none")]
        fix: Option<Fix>,
    }
    /// The note, and the edits when the finding alone tells them.
    #[derive(serde::Serialize)]
    struct Fix {
        #[serde(flatten)]
        note: crate::fix::Note,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        edits: Vec<JsonEdit>,
    }
    /// An edit in the finding's file, placed as buf places findings (1-based lines, columns
    /// in terminal cells, the end exclusive): replace that range by `text`.
    #[derive(serde::Serialize)]
    struct JsonEdit {
        start_line: u32,
        start_column: u32,
        end_line: u32,
        end_column: u32,
        text: String,
    }
    for f in report.findings {
        let fix = crate::fix::note(f).map(|note| {
            let source = f.path.as_deref().and_then(|p| report.sources.get(p));
            let edits = source.map_or_else(Vec::new, |source| {
                (crate::fix::edits(source, f).into_iter())
                    .map(|e| {
                        let (start_line, start_column) = source.position(e.start);
                        let (end_line, end_column) = source.position(e.end);
                        JsonEdit {
                            start_line,
                            start_column,
                            end_line,
                            end_column,
                            text: e.text,
                        }
                    })
                    .collect()
            });
            Fix { note, edits }
        });
        serde_json::to_writer(&mut *out, &Line { finding: f, fix })?;
        writeln!(out)?;
    }
    Ok(())
}

/// `config ls-lint-rules`: buf's aligned table, or JSON Lines.
pub fn write_rule_list(
    out: &mut impl Write,
    json: bool,
    version: Version,
    rules: &[&Entry],
) -> io::Result<()> {
    let shown = |e: &Entry| -> Vec<String> { e.categories(version).to_vec() };
    if json {
        for e in rules {
            let value = serde_json::json!({
                "id": e.id,
                "categories": shown(e),
                "default": e.is_default(version),
                "purpose": e.summary,
                "deprecated": e.deprecated,
                "replacements": e.replacements,
            });
            serde_json::to_writer(&mut *out, &value)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    let rows: Vec<[String; 4]> = rules
        .iter()
        .map(|e| {
            [
                e.id.clone(),
                shown(e).join(", "),
                if e.is_default(version) {
                    "*".into()
                } else {
                    String::new()
                },
                e.summary.clone(),
            ]
        })
        .collect();
    let header = [
        "ID".to_string(),
        "CATEGORIES".into(),
        "DEFAULT".into(),
        "PURPOSE".into(),
    ];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
