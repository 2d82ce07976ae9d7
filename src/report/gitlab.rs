//! `--error-format gitlab-code-quality`: a JSON array of GitLab Code Quality issues, the report
//! GitLab reads from `artifacts:reports:codequality` to annotate merge requests.
//!
//! buf parity: the fields, their order, `"severity":"minor"`, one line with no spaces, and
//! nothing at all for no findings. A finding about no file has no `location.path` and empty
//! `begin`/`end` positions, as buf writes it. buf's fingerprint is a 128-hex-digit digest; ours
//! is the SHA-512 of the finding's identity, so it is stable from run to run (GitLab matches
//! issues between the base and the head of a merge request by fingerprint) and differs between
//! any two findings.

use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha512};

use crate::finding::Finding;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    location: Location<'a>,
    severity: &'static str,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    end: Position,
}

/// Empty (`{}`) for a finding about no file.
#[derive(Serialize)]
struct Position {
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    // buf parity, deliberately broken: buf prints nothing when there are no findings, but GitLab
    // rejects an empty report; an empty array is a valid one.
    let issues: Vec<Issue> = findings.iter().map(issue).collect();
    serde_json::to_writer(&mut *out, &issues)?;
    writeln!(out)
}

fn issue(f: &Finding) -> Issue<'_> {
    let at = |line: u32, column: u32| match f.path {
        Some(_) => Position {
            line: Some(line),
            column: Some(column),
        },
        None => Position {
            line: None,
            column: None,
        },
    };
    Issue {
        description: &f.message,
        check_name: &f.rule,
        fingerprint: fingerprint(f),
        location: Location {
            path: f.path.as_deref(),
            positions: Positions {
                begin: at(f.start_line, f.start_column),
                end: at(f.end_line, f.end_column),
            },
        },
        severity: "minor",
    }
}

/// SHA-512 (hex) of everything that tells two findings apart (the fields buf's order and
/// de-duplication use), each field ended by a NUL so that no two different findings can spell
/// the same bytes.
fn fingerprint(f: &Finding) -> String {
    let mut hash = Sha512::new();
    let numbers = [f.start_line, f.start_column, f.end_line, f.end_column];
    let fields = [
        f.path.as_deref().unwrap_or("<input>").to_string(),
        f.rule.clone(),
        f.message.clone(),
    ]
    .into_iter()
    .chain(numbers.iter().map(u32::to_string));
    for field in fields {
        hash.update(field.as_bytes());
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: Option<&str>, line: u32, message: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: line,
            start_column: 3,
            end_line: line,
            end_column: 8,
            rule: "FIELD_SAME_TYPE".into(),
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
    fn an_empty_array_for_no_findings() {
        assert_eq!(render(&[]), "[]\n");
    }

    #[test]
    fn shape_with_and_without_a_path() {
        let got = render(&[finding(None, 1, "gone"), finding(Some("a.proto"), 4, "m")]);
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        let fp0 = v[0]["fingerprint"].as_str().unwrap().to_string();
        let fp1 = v[1]["fingerprint"].as_str().unwrap().to_string();
        assert_eq!(
            got,
            format!(
                "[{{\"description\":\"gone\",\"check_name\":\"FIELD_SAME_TYPE\",\"fingerprint\":\"{fp0}\",\
                 \"location\":{{\"positions\":{{\"begin\":{{}},\"end\":{{}}}}}},\"severity\":\"minor\"}},\
                 {{\"description\":\"m\",\"check_name\":\"FIELD_SAME_TYPE\",\"fingerprint\":\"{fp1}\",\
                 \"location\":{{\"path\":\"a.proto\",\"positions\":{{\"begin\":{{\"line\":4,\"column\":3}},\
                 \"end\":{{\"line\":4,\"column\":8}}}}}},\"severity\":\"minor\"}}]\n"
            )
        );
    }

    #[test]
    fn fingerprints_are_stable_hex_and_unique() {
        let a = finding(Some("a.proto"), 4, "m");
        let fp = fingerprint(&a);
        assert_eq!(fp.len(), 128);
        assert!(fp
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(fp, fingerprint(&a.clone()));
        let mut others = vec![
            finding(Some("b.proto"), 4, "m"),
            finding(Some("a.proto"), 5, "m"),
            finding(Some("a.proto"), 4, "n"),
            finding(None, 4, "m"),
        ];
        others[0].rule = "OTHER".into();
        let mut end = a.clone();
        end.end_column = 9;
        others.push(end);
        // Fields that would run together without a separator.
        let mut x = finding(Some("a.proto"), 1, "m");
        x.start_column = 23;
        let mut y = finding(Some("a.proto"), 12, "m");
        y.start_column = 3;
        others.push(x);
        others.push(y);
        let mut all: Vec<String> = others.iter().map(fingerprint).collect();
        all.push(fp);
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn messages_needing_escapes_stay_valid_json() {
        let message = "100% \"ça\", <a&b>: x\n\tnext \\ end";
        let got = render(&[finding(Some("q\"é.proto"), 4, message)]);
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v[0]["description"], message);
        assert_eq!(v[0]["location"]["path"], "q\"é.proto");
        assert_eq!(got.lines().count(), 1);
    }
}
