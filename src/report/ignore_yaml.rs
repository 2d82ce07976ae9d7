//! `--error-format config-ignore-yaml` (lint only): a `buf.yaml` fragment whose `ignore_only`
//! silences every current finding, to adopt rules on an existing tree.
//!
//! buf parity, measured: buf writes `version: v1` whatever the configuration's version (v1beta1,
//! v1 or v2), then each rule that has findings (sorted), with the sorted, de-duplicated paths of
//! its files relative to their *module* root (the path imports use, e.g. `acme/v1/a.proto` for
//! `proto/acme/v1/a.proto` in a v2 module at `proto`), all modules' files in one list. When the
//! input does not compile, buf prints the compile errors as text instead, and so do we.
//! Beyond buf: a path that is not a plain YAML scalar is double-quoted, so the output always
//! parses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

use crate::finding::Finding;
use crate::schema::Source;

pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &HashMap<String, Arc<Source>>,
) -> io::Result<()> {
    if findings.iter().any(|f| f.rule == "COMPILE") {
        for f in findings {
            writeln!(out, "{}", f.to_text())?;
        }
        return Ok(());
    }
    let mut paths: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for f in findings {
        // A finding about no file cannot be ignored by path.
        let Some(display) = &f.path else { continue };
        let path = match sources.get(display) {
            Some(source) => source.file.name.clone(),
            None => f.file.clone().unwrap_or_else(|| display.clone()),
        };
        paths.entry(&f.rule).or_default().insert(path);
    }
    render(out, &paths)
}

fn render(out: &mut dyn Write, paths: &BTreeMap<&str, BTreeSet<String>>) -> io::Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    writeln!(out, "version: v1\nlint:\n  ignore_only:")?;
    for (rule, files) in paths {
        writeln!(out, "    {rule}:")?;
        for file in files {
            writeln!(out, "      - {}", scalar(file))?;
        }
    }
    Ok(())
}

/// `file` as is when YAML reads it back unchanged as a plain scalar, else double-quoted (a JSON
/// string is a valid YAML double-quoted scalar).
fn scalar(file: &str) -> String {
    let plain = file
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '/')
        && file
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '+' | '@'));
    if plain {
        file.to_string()
    } else {
        serde_json::to_string(file).unwrap_or_else(|_| file.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: Option<&str>, file: &str, rule: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            rule: rule.into(),
            message: "m".into(),
            file: Some(file.into()),
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }

    fn render_findings(findings: &[Finding]) -> String {
        let mut out = Vec::new();
        write(&mut out, findings, &HashMap::new()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rules_and_paths_sorted_and_deduplicated() {
        let got = render_findings(&[
            finding(Some("x/b.proto"), "b.proto", "R_B"),
            finding(Some("x/a.proto"), "a.proto", "R_B"),
            finding(Some("x/a.proto"), "a.proto", "R_B"),
            finding(Some("x/a.proto"), "a.proto", "R_A"),
            finding(None, "", "FILE_NO_DELETE"),
        ]);
        assert_eq!(
            got,
            "version: v1\nlint:\n  ignore_only:\n    R_A:\n      - a.proto\n    R_B:\n      - a.proto\n      - b.proto\n"
        );
        assert_eq!(render_findings(&[]), "");
    }

    #[test]
    fn compile_errors_print_as_text() {
        let mut compile = finding(Some("x/a.proto"), "a.proto", "COMPILE");
        compile.message = "syntax error".into();
        let got = render_findings(&[compile, finding(Some("x/b.proto"), "b.proto", "R")]);
        assert_eq!(got, "x/a.proto:1:1:syntax error\nx/b.proto:1:1:m\n");
    }

    #[test]
    fn unusual_paths_are_quoted_and_parse_back() {
        let odd = "q&<>'\"é%,:\tb #c.proto";
        assert_eq!(scalar("acme/v1/é_a-b.proto"), "acme/v1/é_a-b.proto");
        assert_eq!(scalar("-a.proto"), "\"-a.proto\"");
        let got = render_findings(&[finding(Some(odd), odd, "R")]);
        let v: serde_json::Value = serde_saphyr::from_str(&got).unwrap();
        assert_eq!(v["lint"]["ignore_only"]["R"][0], odd);
        assert_eq!(v["version"], "v1");
    }
}
