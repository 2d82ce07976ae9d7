//! `--error-format sarif`: SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).
//!
//! One run; the driver lists the rules that fired, each with its catalog entry (the text
//! `sous explain` prints) as help. Positions are converted from buf's columns (terminal cells:
//! tab stops of 4, wide characters 2) to Unicode code points, the run's `columnKind`, using the
//! source text. Every result gets a physical location with a file URI, because GitHub rejects a
//! whole SARIF file when a single result lacks one.

mod fixes;
mod location;
mod model;
mod suppression;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

use sha2::{Digest, Sha256};

use super::Report;
use crate::catalog::{self, Entry, Kind};
use crate::config::Version;
use crate::finding::Finding;
use location::{artifact, physical};
use model::*;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Relative URIs are relative to this base: the directory sous ran in, where display paths start.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our own fingerprint; bump the version if what it hashes ever changes.
const FINGERPRINT_KEY: &str = "sous/v1";
/// Where buf prints `<input>` (a finding about no file), the URI we point at, percent-encoded.
const NO_FILE_URI: &str = "%3Cinput%3E";

pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

/// The whole SARIF log for a report.
fn log(report: &Report) -> Log {
    let tag = match report.kind {
        Kind::Lint => "lint",
        Kind::Breaking => "breaking",
    };
    // Rules by ID, so that the driver's list and every ruleIndex are stable.
    let fired: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    let ids: BTreeMap<&str, usize> = fired
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let rules = ids.keys().map(|id| rule(id, tag)).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results = report
        .findings
        .iter()
        .map(|f| {
            let fingerprint = fingerprint(f);
            // Findings that hash alike (same rule, file and message) are told apart by their
            // order, which sort_and_dedup makes stable.
            let n = seen.entry(fingerprint.clone()).or_insert(0);
            *n += 1;
            result(
                report,
                f,
                ids[f.rule.as_str()],
                format!("{fingerprint}:{n}"),
            )
        })
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "sous",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Text::new(
                        "The directory sous ran in: file paths are relative to it, as in its other formats",
                    ),
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://github.com/sous-proto/sous",
        uri => uri,
    }
}

/// The driver's description of one rule: its catalog entry, or ours for `COMPILE`.
fn rule(id: &str, tag: &str) -> Rule {
    let Some(entry) = catalog::get(id) else {
        return other_rule(id, tag);
    };
    let body = entry.body.trim();
    let checks = section(body, "What it checks").unwrap_or(&entry.summary);
    let mut tags = vec![tag.to_string()];
    tags.extend(categories(entry).iter().cloned());
    Rule {
        id: id.to_string(),
        name: pascal_case(id),
        short_description: Text::new(&entry.summary),
        full_description: Markdown {
            text: unwrap_lines(checks),
            markdown: checks.to_string(),
        },
        help: Markdown {
            text: body.to_string(),
            markdown: body.to_string(),
        },
        default_configuration: Configuration { level: "error" },
        properties: Properties { tags },
    }
}

/// The categories of the newest configuration version that knows the rule: v2's for most.
fn categories(entry: &Entry) -> &[String] {
    [Version::V2, Version::V1, Version::V1Beta1]
        .into_iter()
        .find(|v| entry.exists_in(*v))
        .map_or(&[], |v| entry.categories(v))
}

/// Rules that are not in the catalog: `COMPILE`, which buf reports for input that does not
/// build, and anything unknown (which would be a bug, but must still produce a valid log).
fn other_rule(id: &str, tag: &str) -> Rule {
    let (short, full, help) = if id == "COMPILE" {
        (
            "The input compiles.",
            "Every file parses and compiles: the syntax is valid, imports resolve to files of the \
             workspace or its dependencies without cycles, names resolve, and nothing is defined \
             twice. Files that do not compile are not checked by any other rule.",
            "# COMPILE\n\nThe input compiles.\n\n## What it checks\nEvery file parses and compiles: \
             the syntax is valid, imports resolve to files of the workspace or its dependencies \
             without cycles, names resolve, and nothing is defined twice.\n\n## Why it matters\n\
             No other rule runs while the input does not compile, and code generators reject it \
             too.\n\n## How to fix\nFix the error the message names at the place it points to.",
        )
    } else {
        ("A sous rule.", "A sous rule.", "A sous rule.")
    };
    Rule {
        id: id.to_string(),
        name: pascal_case(id),
        short_description: Text::new(short),
        full_description: Markdown {
            text: full.to_string(),
            markdown: full.to_string(),
        },
        help: Markdown {
            text: help.to_string(),
            markdown: help.to_string(),
        },
        default_configuration: Configuration { level: "error" },
        properties: Properties {
            tags: vec![tag.to_string()],
        },
    }
}

/// The text of section `## title` of a catalog body, up to the next heading.
fn section<'a>(body: &'a str, title: &str) -> Option<&'a str> {
    let heading = format!("## {title}\n");
    let start = body.find(&heading)? + heading.len();
    let rest = &body[start..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Joins the hard-wrapped lines of each paragraph, for plain-text fields shown as one block.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `FIELD_SAME_TYPE` -> `FieldSameType`, the name the rule's code uses.
fn pascal_case(id: &str) -> String {
    id.split('_')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect()
}

fn result(report: &Report, f: &Finding, rule_index: usize, fingerprint: String) -> SarifResult {
    let location = match (&f.path, &f.old) {
        (Some(path), _) => Location {
            physical_location: location::of_finding(report, path, f),
            message: None,
        },
        // A finding about no file (a deleted file or package): where the element was on the
        // against side, when the engine knows it.
        (None, Some(old)) => Location {
            physical_location: physical(
                report,
                &old.path,
                [
                    old.start_line,
                    old.start_column,
                    old.end_line,
                    old.end_column,
                ],
            ),
            message: Some(Text::new("where it was in the input compared against")),
        },
        // Nowhere at all (a deleted import that came from no source). GitHub rejects a whole log
        // in which one result lacks a file URI, so point at what buf prints, `<input>`: a file
        // that does not exist, shown without a preview.
        (None, None) => Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: NO_FILE_URI.to_string(),
                    uri_base_id: Some(SRCROOT),
                },
                region: Region {
                    start_line: f.start_line.max(1),
                    start_column: f.start_column.max(1),
                    end_line: f.end_line.max(f.start_line).max(1),
                    end_column: f.end_column.max(1),
                },
            },
            message: Some(Text::new(
                "the input as a whole: this finding is about no file of it",
            )),
        },
    };
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index,
        level: "error",
        message: Text::new(&f.message),
        locations: vec![location],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        suppressions: suppression::of(report, f),
        fix: fixes::of(report, f),
    }
}

/// Hex SHA-256 of rule, path and message: stable when lines move, since messages name elements,
/// not positions.
fn fingerprint(f: &Finding) -> String {
    let mut hasher = Sha256::new();
    for part in [
        f.rule.as_str(),
        f.path.as_deref().unwrap_or(""),
        f.message.as_str(),
    ] {
        hasher.update(part.as_bytes());
        // A separator no part contains, so that ("ab", "c") and ("a", "bc") differ.
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_findings_get_distinct_fingerprints() {
        let at = |line| Finding {
            path: Some("a.proto".into()),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 2,
            rule: "COMPILE".into(),
            message: "m".into(),
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        };
        let findings = [at(1), at(5)];
        let report = Report {
            kind: Kind::Lint,
            findings: &findings,
            sources: HashMap::new(),
            color: false,
        };
        let log = log(&report);
        let prints: Vec<&String> = log.runs[0]
            .results
            .iter()
            .map(|r| &r.partial_fingerprints[FINGERPRINT_KEY])
            .collect();
        let hash = fingerprint(&findings[0]);
        assert_eq!(prints, [&format!("{hash}:1"), &format!("{hash}:2")]);
    }

    #[test]
    fn a_finding_about_no_file_points_where_it_was_or_at_the_input() {
        let gone = |old| Finding {
            path: None,
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            rule: "FILE_NO_DELETE".into(),
            message: "m".into(),
            policy: None,
            suppression: None,
            element: None,
            lost: None,
            file: None,
            old,
        };
        let place = crate::finding::Place {
            path: "old/a.proto".into(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
        };
        let findings = [gone(None), gone(Some(place))];
        let report = Report {
            kind: Kind::Breaking,
            findings: &findings,
            sources: HashMap::new(),
            color: false,
        };
        let log = log(&report);
        let uris: Vec<&str> = log.runs[0]
            .results
            .iter()
            .map(|r| {
                r.locations[0]
                    .physical_location
                    .artifact_location
                    .uri
                    .as_str()
            })
            .collect();
        assert_eq!(uris, [NO_FILE_URI, "old/a.proto"]);
    }

    #[test]
    fn sections_and_names() {
        let body = "# X\n\nS.\n\n## What it checks\nOne\ntwo.\n\nThree.\n\n## Why it matters\nW.";
        assert_eq!(section(body, "What it checks"), Some("One\ntwo.\n\nThree."));
        assert_eq!(unwrap_lines("One\ntwo.\n\nThree."), "One two.\n\nThree.");
        assert_eq!(pascal_case("FIELD_SAME_TYPE"), "FieldSameType");
        assert_eq!(pascal_case("COMPILE"), "Compile");
    }
}
