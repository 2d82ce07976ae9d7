//! Ignores: `ignore` and `ignore_only` paths from the configuration, and `// buf:lint:ignore ID`
//! comments in the source, with buf's semantics.

use crate::catalog::{self, Kind};
use crate::config::Version;
use crate::paths::is_within;
use crate::schema::Locations;

/// `ignore` and `ignore_only` of one module, with categories in `ignore_only` expanded to rules.
pub struct PathIgnores {
    all: Vec<String>,
    only: Vec<(&'static str, Vec<String>)>,
}

impl PathIgnores {
    pub fn new(
        kind: Kind,
        version: Version,
        ignore: &[String],
        ignore_only: &[(String, Vec<String>)],
    ) -> Self {
        let mut only = Vec::new();
        for (id, paths) in ignore_only {
            // Unknown IDs were rejected when the configuration was read.
            for rule in catalog::expand(kind, version, std::slice::from_ref(id)).unwrap_or_default()
            {
                only.push((rule, paths.clone()));
            }
        }
        PathIgnores {
            all: ignore.to_vec(),
            only,
        }
    }

    /// Whether findings of `rule` in the file at workspace path `path` are ignored.
    pub fn ignores(&self, rule: &str, path: &str) -> bool {
        self.all.iter().any(|p| is_within(path, p))
            || self
                .only
                .iter()
                .any(|(id, paths)| *id == rule && paths.iter().any(|p| is_within(path, p)))
    }
}

/// Whether a `buf:lint:ignore RULE` comment silences `rule` at descriptor `path`: a line of the
/// leading comment of the element, or of any declaration enclosing it, that starts with
/// `buf:lint:ignore RULE`. Trailing and detached comments do not count.
pub fn comment_ignores(locations: &Locations, path: &[i32], rule: &str) -> bool {
    (1..=path.len()).any(|n| {
        locations
            .leading_comment(&path[..n])
            .is_some_and(|c| comment_names(c, rule))
    })
}

/// buf parity: a line names `rule` when, trimmed, it starts with `buf:lint:ignore`, one space and
/// the rule ID; whatever follows (a reason, another rule, even letters glued to the ID) is not
/// read, so `buf:lint:ignore FIELD_LOWER_SNAKE_CASE_X` silences FIELD_LOWER_SNAKE_CASE too.
fn comment_names(comment: &str, rule: &str) -> bool {
    let directive = format!("buf:lint:ignore {rule}");
    comment
        .lines()
        .any(|line| line.trim().starts_with(&directive))
}

#[cfg(test)]
mod tests {
    use super::comment_names;

    #[test]
    fn reads_one_rule_per_line() {
        assert!(comment_names(
            " buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n",
            "FIELD_LOWER_SNAKE_CASE"
        ));
        assert!(comment_names(" why\n buf:lint:ignore X\n", "X"));
        assert!(comment_names(" buf:lint:ignore X because Y", "X"));
        assert!(comment_names(" buf:lint:ignore X, Y", "X"));
        assert!(!comment_names(" buf:lint:ignore X, Y", "Y"));
        // buf parity: a prefix match, so letters glued to the ID still name it.
        assert!(comment_names(
            " buf:lint:ignore FIELD_LOWER_SNAKE_CASE_X",
            "FIELD_LOWER_SNAKE_CASE"
        ));
        assert!(!comment_names(
            " buf:lint:ignore FIELD_LOWER",
            "FIELD_LOWER_SNAKE_CASE"
        ));
        assert!(!comment_names(" buf:lint:ignore  X", "X"));
        assert!(!comment_names(" buf:lint:ignoreX", "X"));
        assert!(!comment_names(" please buf:lint:ignore X", "X"));
    }
}
