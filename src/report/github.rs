//! `--error-format github-actions`: workflow commands (`::error file=…::message`) that GitHub
//! Actions turns into annotations on the changed files, plus a Markdown step summary.
//!
//! buf's shape is `::error file=P,line=L,col=C,endLine=EL,endColumn=EC::message`, and
//! `::error file=<input>::message` for a finding about no file. Beyond buf:
//! - properties and messages are escaped as the workflow-command syntax requires, so a `%`, a
//!   newline, or a `,` or `:` in a path cannot cut a command short or change its meaning;
//! - `title=RULE_ID` names the rule in the annotation's heading;
//! - GitHub shows at most 10 error annotations per step (and 50 per job), silently dropping the
//!   rest, so past 10 findings a final `::notice::` says how many there are in all;
//! - when `GITHUB_STEP_SUMMARY` names a file (it does in every Actions step), a Markdown summary
//!   is appended to it: findings per rule, then the first 50 findings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use crate::catalog::Kind;
use crate::finding::Finding;

/// Error annotations GitHub shows per step; the rest are dropped without a word.
const ANNOTATIONS_PER_STEP: usize = 10;
/// Findings listed in the step summary's table.
const SUMMARY_ROWS: usize = 50;

pub fn write(out: &mut dyn Write, kind: Kind, findings: &[Finding]) -> io::Result<()> {
    annotations(out, kind, findings)?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        append_summary(Path::new(&path), &summary(kind, findings))?;
    }
    Ok(())
}

fn command(kind: Kind) -> &'static str {
    match kind {
        Kind::Lint => "sous lint",
        Kind::Breaking => "sous breaking",
    }
}

fn annotations(out: &mut dyn Write, kind: Kind, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        let mut props = format!("file={}", property(f.path.as_deref().unwrap_or("<input>")));
        // buf parity: a finding about no file has no position.
        if f.path.is_some() {
            write!(
                props,
                ",line={},col={},endLine={},endColumn={}",
                f.start_line, f.start_column, f.end_line, f.end_column
            )
            .expect("writing to a String");
        }
        writeln!(
            out,
            "::error {props},title={}::{}",
            property(&f.rule),
            data(&f.shown_message())
        )?;
    }
    if findings.len() > ANNOTATIONS_PER_STEP {
        let message = format!(
            "{} found {} findings; GitHub shows only the first {ANNOTATIONS_PER_STEP} of a step as annotations: the log lists them all",
            command(kind),
            findings.len()
        );
        writeln!(
            out,
            "::notice title={}::{}",
            property(command(kind)),
            data(&message)
        )?;
    }
    Ok(())
}

/// A command's message: `%`, CR and LF would otherwise end or alter the command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as [`data`], and `:` and `,` too, which end a value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The step summary: a heading, the number of findings per rule (most first), then a table of
/// the first [`SUMMARY_ROWS`] findings.
fn summary(kind: Kind, findings: &[Finding]) -> String {
    let mut md = String::new();
    let w = &mut md;
    let n = findings.len();
    let _ = writeln!(
        w,
        "### {}: {n} finding{}\n",
        command(kind),
        if n == 1 { "" } else { "s" }
    );
    if findings.is_empty() {
        return md;
    }
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *per_rule.entry(&f.rule).or_default() += 1;
    }
    let mut per_rule: Vec<(&str, usize)> = per_rule.into_iter().collect();
    per_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(w, "| Rule | Findings |\n| --- | ---: |");
    for (rule, count) in per_rule {
        let _ = writeln!(w, "| {} | {count} |", cell(rule));
    }
    let _ = writeln!(w, "\n| Where | Rule | Message |\n| --- | --- | --- |");
    for f in findings.iter().take(SUMMARY_ROWS) {
        let place = match &f.path {
            Some(path) => format!("{path}:{}", f.start_line),
            None => "<input>".to_string(),
        };
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            cell(&place),
            cell(&f.rule),
            cell(&f.message)
        );
    }
    if n > SUMMARY_ROWS {
        let _ = writeln!(
            w,
            "\nThe first {SUMMARY_ROWS} of {n} findings are listed; the log has them all."
        );
    }
    md
}

/// Text made safe for a Markdown table cell: `|` would end the cell, a line break the row,
/// `<`/`&` would be read as HTML (so `<input>` would vanish), and `` ` ``, `*`, `[`, `]`, `~`
/// would format.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `markdown` to the summary file, after a blank line when earlier commands of the step
/// wrote to it, so our heading never runs into their last paragraph or table.
fn append_summary(path: &Path, markdown: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| with_path(path, e))?;
    let earlier = file.metadata().map(|m| m.len() > 0).unwrap_or(false);
    let text = if earlier {
        format!("\n{markdown}")
    } else {
        markdown.to_string()
    };
    file.write_all(text.as_bytes())
        .map_err(|e| with_path(path, e))
}

fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "cannot append the step summary to {} (GITHUB_STEP_SUMMARY): {e}",
            path.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: Option<&str>, line: u32, rule: &str, message: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: line,
            start_column: 3,
            end_line: line,
            end_column: 10,
            rule: rule.into(),
            message: message.into(),
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }

    fn render(kind: Kind, findings: &[Finding]) -> String {
        let mut out = Vec::new();
        annotations(&mut out, kind, findings).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn buf_shape_plus_title() {
        let got = render(
            Kind::Breaking,
            &[
                finding(None, 1, "FILE_NO_DELETE", "gone"),
                finding(Some("a/b.proto"), 4, "FIELD_SAME_TYPE", "changed"),
            ],
        );
        assert_eq!(
            got,
            "::error file=<input>,title=FILE_NO_DELETE::gone\n\
             ::error file=a/b.proto,line=4,col=3,endLine=4,endColumn=10,title=FIELD_SAME_TYPE::changed\n"
        );
    }

    #[test]
    fn escapes_data_and_properties() {
        let message = "100% \"ça\", <a&b>: x\r\n\tnext";
        let got = render(
            Kind::Lint,
            &[finding(Some("d,ir/a:b%é.proto"), 4, "R", message)],
        );
        assert_eq!(
            got,
            "::error file=d%2Cir/a%3Ab%25é.proto,line=4,col=3,endLine=4,endColumn=10,title=R\
             ::100%25 \"ça\", <a&b>: x%0D%0A\tnext\n"
        );
        assert_eq!(got.lines().count(), 1);
    }

    #[test]
    fn notice_past_ten_findings() {
        let ten: Vec<Finding> = (1..=10)
            .map(|l| finding(Some("a.proto"), l, "R", "m"))
            .collect();
        assert!(!render(Kind::Lint, &ten).contains("::notice"));
        let mut eleven = ten;
        eleven.push(finding(Some("a.proto"), 11, "R", "m"));
        let got = render(Kind::Lint, &eleven);
        assert_eq!(got.lines().count(), 12);
        assert_eq!(
            got.lines().last().unwrap(),
            "::notice title=sous lint::sous lint found 11 findings; GitHub shows only the first 10 of a step as annotations: the log lists them all"
        );
    }

    #[test]
    fn summary_counts_rules_and_escapes_cells() {
        let findings = [
            finding(None, 1, "FILE_NO_DELETE", "file \"x.proto\" was deleted"),
            finding(
                Some("a|b.proto"),
                4,
                "R_TWO",
                "a | b\nc <d> & `e` *f* [g] ~h~ \\ é",
            ),
            finding(Some("a|b.proto"), 5, "R_TWO", "again"),
        ];
        insta::assert_snapshot!(summary(Kind::Breaking, &findings), @r#"
        ### sous breaking: 3 findings

        | Rule | Findings |
        | --- | ---: |
        | R_TWO | 2 |
        | FILE_NO_DELETE | 1 |

        | Where | Rule | Message |
        | --- | --- | --- |
        | &lt;input&gt; | FILE_NO_DELETE | file "x.proto" was deleted |
        | a\|b.proto:4 | R_TWO | a \| b<br>c &lt;d&gt; &amp; \`e\` \*f\* \[g\] \~h\~ \\ é |
        | a\|b.proto:5 | R_TWO | again |
        "#);
    }

    #[test]
    fn summary_lists_fifty_and_says_so() {
        let many: Vec<Finding> = (1..=60)
            .map(|l| finding(Some("a.proto"), l, "R", "m"))
            .collect();
        let md = summary(Kind::Lint, &many);
        assert!(md.starts_with("### sous lint: 60 findings\n"));
        assert_eq!(md.matches("| a.proto:").count(), 50);
        assert!(md.contains("| a.proto:50 |") && !md.contains("| a.proto:51 |"));
        assert!(md.ends_with("The first 50 of 60 findings are listed; the log has them all.\n"));
        assert_eq!(summary(Kind::Lint, &[]), "### sous lint: 0 findings\n\n");
    }

    #[test]
    fn summary_is_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append_summary(&path, "first\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\n");
        append_summary(&path, "after\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\n\nafter\n");
        let err = append_summary(&dir.path().join("no/such/dir"), "x").unwrap_err();
        assert!(err.to_string().contains("GITHUB_STEP_SUMMARY"), "{err}");
    }
}
