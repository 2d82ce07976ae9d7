//! SARIF `fixes` for the findings whose edit the finding alone tells ([`crate::fix::edits`]):
//! an unused import's line deleted, what a message or an enum lost reserved again. Other
//! fixable findings say so in the result's `fix` property only.

use super::model::{
    ArtifactChange, Region, Replacement, ResultFix, ResultProperties, SarifFix, Text,
};
use super::{artifact, Report};
use crate::finding::Finding;
use crate::schema::Source;

/// The `fix` property and SARIF `fixes` of finding `f`.
pub(super) fn of(report: &Report, f: &Finding) -> ResultFix {
    let note = crate::fix::note(f);
    ResultFix {
        fixes: note
            .as_ref()
            .map_or_else(Vec::new, |note| edits(report, f, note.message)),
        properties: note.map(|fix| ResultProperties { fix }),
    }
}

/// The edits of `f`'s fix as one SARIF fix, when the finding alone tells them.
fn edits(report: &Report, f: &Finding, description: &str) -> Vec<SarifFix> {
    let Some(path) = f.path.as_deref() else {
        return Vec::new();
    };
    let Some(source) = report.sources.get(path) else {
        return Vec::new();
    };
    let replacements: Vec<Replacement> = crate::fix::edits(source, f)
        .into_iter()
        .map(|e| {
            let (start_line, start_column) = code_points(source, e.start);
            let (end_line, end_column) = code_points(source, e.end);
            Replacement {
                deleted_region: Region {
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                },
                inserted_content: (!e.text.is_empty()).then(|| Text::new(&e.text)),
            }
        })
        .collect();
    if replacements.is_empty() {
        return Vec::new();
    }
    vec![SarifFix {
        description: Text::new(description),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(path),
            replacements,
        }],
    }]
}

/// The 1-based line and column (in Unicode code points, the run's `columnKind`) of byte
/// `offset` of `source`.
fn code_points(source: &Source, offset: usize) -> (u32, u32) {
    let text = &source.text;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..offset].matches('\n').count() + 1;
    let column = text[line_start..offset].chars().count() + 1;
    (line as u32, column as u32)
}
