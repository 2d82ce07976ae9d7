//! SARIF `fixes` for the findings whose edit the finding alone tells: an unused import on a line
//! of its own, deleted as `sous lint --fix` deletes it. Other fixable findings say so in the
//! result's `fix` property only (their edit needs the other side of the comparison).

use super::model::{
    ArtifactChange, Region, Replacement, ResultFix, ResultProperties, SarifFix, Text,
};
use super::{artifact, line_text, Report};
use crate::finding::Finding;

/// SARIF `fixes` for a finding whose edit it tells alone: an unused import on a line of its
/// own (the line is deleted, its line ending included), as `sous lint --fix` removes it.
pub(super) fn of(report: &Report, f: &Finding) -> ResultFix {
    ResultFix {
        fixes: edits(report, f),
        properties: crate::fix::note(&f.rule).map(|fix| ResultProperties { fix }),
    }
}

/// The edits of `f`'s fix, when the finding alone tells them.
fn edits(report: &Report, f: &Finding) -> Vec<SarifFix> {
    let (Some(path), Some(note)) = (f.path.as_deref(), crate::fix::note(&f.rule)) else {
        return Vec::new();
    };
    let Some(source) = report.sources.get(path) else {
        return Vec::new();
    };
    let line = line_text(&source.text, &source.lines, f.start_line);
    if f.rule != "IMPORT_USED"
        || f.end_line != f.start_line
        || !crate::fix::imports::lone_import(line)
    {
        return Vec::new();
    }
    vec![SarifFix {
        description: Text::new(note.message),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(path),
            replacements: vec![Replacement {
                deleted_region: Region {
                    start_line: f.start_line,
                    start_column: 1,
                    end_line: f.start_line + 1,
                    end_column: 1,
                },
            }],
        }],
    }]
}
