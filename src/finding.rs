//! A finding is plain data: where, which rule, what to say. This module also owns buf's order:
//! findings are de-duplicated and sorted before any reporter sees them, so parallel work can never
//! reorder output.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// The file as the user sees it; `None` for findings about no file (a deleted file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(rename = "type")]
    pub rule: String,
    pub message: String,
    /// The policy (`policies:` in `buf.yaml`) whose rules found it, as the configuration names
    /// it; buf prints it after the message, and as its own key in JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// For a breaking finding accepted by a `// sous:breaking:ignore RULE reason` comment: the
    /// reason. Not part of buf's formats: the key appears only on suppressed findings, which
    /// only JSON and SARIF print (see [`Finding::counts`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// The file's path relative to the workspace root (for `config-ignore-yaml`), when the
    /// finding is in a file read from source. Not part of buf's formats.
    #[serde(skip)]
    pub file: Option<String>,
    /// For a breaking finding: where the element was in the old schema, when it was in a source.
    #[serde(skip)]
    pub old: Option<Place>,
    /// For a lint finding: the element it is about, by kind and full name (`lint --since`).
    #[serde(skip)]
    pub element: Option<Element>,
    /// For a breaking finding about numbers or names a message or an enum lost: what they are,
    /// as data ([`crate::fix::reserved`] reads it, never the message).
    #[serde(skip)]
    pub lost: Option<Lost>,
}

/// What a message or an enum that remains lost: a deleted field or enum value, or numbers and
/// names its `reserved` statements no longer cover. The finding is placed at that element in
/// the new file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct Lost {
    /// The message or enum, by full name.
    pub parent: String,
    /// Whether it is an enum (its numbers run to a larger `max`).
    pub in_enum: bool,
    /// The deleted field or value, by number and name (an enum number may have had several
    /// names); `None` for a removed reserved range or name.
    pub deleted: Option<(i32, Vec<String>)>,
    /// The lost numbers that the new element does not reserve, as inclusive ranges.
    pub numbers: Vec<(i64, i64)>,
    /// The lost names that the new element does not reserve.
    pub names: Vec<String>,
    /// Why they cannot be reserved, when they cannot (the new element uses one again).
    pub blocked: Option<String>,
    /// Whether the numbers were open to extensions (an `extensions` range) rather than
    /// reserved or used: they go back into an `extensions` statement.
    pub extensions: bool,
}

/// The kinds of element a lint finding can be about (see `lint::element`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementKind {
    File,
    Import,
    Message,
    Field,
    Oneof,
    Extension,
    Enum,
    EnumValue,
    Service,
    Method,
}

/// An element by kind and name: full names for declarations (an enum value under its enum,
/// `pkg.Enum.VALUE`, so values of two enums never meet), the import path for a file, and
/// `importing.proto -> imported.proto` for an import.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Element {
    pub kind: ElementKind,
    pub name: String,
}

/// Why a finding is accepted: a comment in the source said so, with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Suppression {
    /// Always `inSource`, as SARIF names a suppression written in the code.
    pub kind: &'static str,
    /// The reason the comment gives.
    pub justification: String,
    /// Where the comment is: `path:line`.
    pub location: String,
}

/// A range in a file, as buf counts lines and columns (1-based, columns in terminal cells).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The display path.
    pub path: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Finding {
    /// A finding about a whole file, placed at 1:1 as buf places them.
    pub fn file_level(path: &str, rule: &str, message: String) -> Finding {
        Finding {
            path: Some(path.to_string()),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            rule: rule.to_string(),
            message,
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }

    /// Whether the finding counts: decides the exit code and is printed by every format (a
    /// suppressed finding is carried only by JSON and SARIF, marked as such).
    pub fn counts(&self) -> bool {
        self.suppression.is_none()
    }

    /// The message as buf's text formats print it: with the policy that found it, if any, in
    /// parentheses after it.
    pub fn shown_message(&self) -> std::borrow::Cow<'_, str> {
        match &self.policy {
            Some(policy) => format!("{} ({policy})", self.message).into(),
            None => self.message.as_str().into(),
        }
    }

    /// buf's text line: `path:line:column:message`; buf writes `<input>` for the path of a
    /// finding about no file.
    pub fn to_text(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.path.as_deref().unwrap_or("<input>"),
            self.start_line,
            self.start_column,
            self.shown_message()
        )
    }

    #[allow(clippy::type_complexity)]
    fn sort_key(
        &self,
    ) -> (
        &Option<String>,
        u32,
        u32,
        &str,
        &str,
        u32,
        u32,
        &Option<String>,
    ) {
        (
            &self.path,
            self.start_line,
            self.start_column,
            &self.rule,
            &self.message,
            self.end_line,
            self.end_column,
            // A module's rule and a policy's may find the same thing: buf prints both.
            &self.policy,
        )
    }
}

/// buf's order: by path (no path first), start line, start column, rule, message, end line, end
/// column (then policy); exact duplicates removed.
pub fn sort_and_dedup(findings: &mut Vec<Finding>) {
    // Stable, as a sort on one core: of findings that print the same, the first is kept.
    use rayon::slice::ParallelSliceMut;
    findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Findings that print the same are the same finding, whatever they carry besides.
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: Option<&str>, line: u32, rule: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 2,
            rule: rule.into(),
            message: "m".into(),
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }

    #[test]
    fn sorts_pathless_first_and_dedups() {
        let mut v = vec![
            f(Some("b"), 1, "X"),
            f(None, 3, "Y"),
            f(Some("a"), 2, "Z"),
            f(Some("a"), 2, "A"),
            f(Some("b"), 1, "X"),
        ];
        sort_and_dedup(&mut v);
        let got: Vec<_> = v.iter().map(|f| (f.path.clone(), f.rule.clone())).collect();
        assert_eq!(
            got,
            vec![
                (None, "Y".into()),
                (Some("a".into()), "A".into()),
                (Some("a".into()), "Z".into()),
                (Some("b".into()), "X".into())
            ]
        );
    }
}
