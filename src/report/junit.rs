//! `--error-format junit`: one `<testsuite>` per file, one failed `<testcase>` per finding, for CI
//! systems that show test reports.
//!
//! buf parity: the suite is named after the file without its extension (`<input>` for findings
//! about no file); a case is named `RULE_line_column` (just `RULE` when there is no file); the
//! failure's message is the finding's text line; no findings print nothing at all (not an empty
//! `<testsuites>`); text is escaped as Go's `xml.EscapeText` does (`&#34;` for `"`, `&#x9;` for
//! a tab), which any XML parser reads back unchanged.

use std::io::{self, Write};

use crate::finding::Finding;

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "<testsuites>")?;
    // Findings arrive sorted by path, so each file's findings are one run.
    for group in findings.chunk_by(|a, b| a.path == b.path) {
        let suite = group[0]
            .path
            .as_deref()
            .map(without_extension)
            .unwrap_or("<input>");
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">",
            escape(suite),
            n = group.len()
        )?;
        for f in group {
            let name = match f.path {
                Some(_) => format!("{}_{}_{}", f.rule, f.start_line, f.start_column),
                None => f.rule.clone(),
            };
            writeln!(out, "    <testcase name=\"{}\">", escape(&name))?;
            writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\"></failure>",
                escape(&f.to_text()),
                escape(&f.rule)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// `a/b.proto` -> `a/b`: the extension of the last path element only.
fn without_extension(path: &str) -> &str {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_start..].rfind('.') {
        Some(dot) => &path[..name_start + dot],
        None => path,
    }
}

/// XML text and attribute escaping, in Go's `xml.EscapeText` spelling. Characters XML cannot
/// carry at all (most control characters) become U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: Option<&str>, rule: &str, message: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: 2,
            start_column: 9,
            end_line: 2,
            end_column: 16,
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

    fn render(findings: &[Finding]) -> String {
        let mut out = Vec::new();
        write(&mut out, findings).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn nothing_for_no_findings() {
        assert_eq!(render(&[]), "");
    }

    #[test]
    fn groups_per_file_and_names_cases() {
        let mut gone = finding(None, "FILE_NO_DELETE", "gone");
        (gone.start_line, gone.start_column) = (1, 1);
        let got = render(&[
            gone,
            finding(Some("a/x.v1.proto"), "R1", "m1"),
            finding(Some("a/x.v1.proto"), "R2", "m2"),
            finding(Some("b"), "R3", "m3"),
        ]);
        insta::assert_snapshot!(got, @r#"
        <testsuites>
          <testsuite name="&lt;input&gt;" tests="1" failures="1" errors="0">
            <testcase name="FILE_NO_DELETE">
              <failure message="&lt;input&gt;:1:1:gone" type="FILE_NO_DELETE"></failure>
            </testcase>
          </testsuite>
          <testsuite name="a/x.v1" tests="2" failures="2" errors="0">
            <testcase name="R1_2_9">
              <failure message="a/x.v1.proto:2:9:m1" type="R1"></failure>
            </testcase>
            <testcase name="R2_2_9">
              <failure message="a/x.v1.proto:2:9:m2" type="R2"></failure>
            </testcase>
          </testsuite>
          <testsuite name="b" tests="1" failures="1" errors="0">
            <testcase name="R3_2_9">
              <failure message="b:2:9:m3" type="R3"></failure>
            </testcase>
          </testsuite>
        </testsuites>
        "#);
    }

    #[test]
    fn escapes_as_go_does_and_parses_back() {
        let message = "100% \"ça\", it's <a&b>: x\n\tnext\r\u{1}end";
        let got = render(&[finding(Some("d.ir/q&<'\"é.proto"), "R", message)]);
        assert!(got.contains("name=\"d.ir/q&amp;&lt;&#39;&#34;é\" tests=\"1\"",));
        assert!(got.contains(
            "message=\"d.ir/q&amp;&lt;&#39;&#34;é.proto:2:9:100% &#34;ça&#34;, it&#39;s &lt;a&amp;b&gt;: x&#xA;&#x9;next&#xD;\u{FFFD}end\""
        ));
        let doc = roxmltree::Document::parse(&got).unwrap();
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(
            failure.attribute("message").unwrap(),
            "d.ir/q&<'\"é.proto:2:9:100% \"ça\", it's <a&b>: x\n\tnext\r\u{FFFD}end"
        );
    }

    #[test]
    fn extension_of_the_last_element_only() {
        assert_eq!(without_extension("a.b/c"), "a.b/c");
        assert_eq!(without_extension("a.b/c.proto"), "a.b/c");
        assert_eq!(without_extension("c.x.proto"), "c.x");
    }
}
