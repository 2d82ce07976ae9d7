//! `--add-ignores`: a `// buf:lint:ignore RULE_ID` line above the line of each lint finding, what
//! protolint's `-auto_disable=next` does, so that a legacy tree adopts the rules a file at a time.
//!
//! The comment goes directly above the finding's line, indented like it, so it joins the leading
//! comment of the element declared there (buf reads ignores from the leading comments of the
//! element and of every declaration enclosing it; a blank line would make it a detached comment,
//! which buf does not read). One line per rule, in rule order; a rule already named in the
//! comment lines right above is not named twice.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Finding;

/// Whether comment line `line` (trimmed) names `rule` as buf reads it.
fn names(line: &str, rule: &str) -> bool {
    let Some(rest) = line.strip_prefix("//") else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("buf:lint:ignore ") else {
        return false;
    };
    rest == rule || rest.starts_with(&format!("{rule} "))
}

/// `text` with an ignore comment above each finding of `findings` (one file's), and the findings
/// they silence; `None` when there is nothing to insert.
pub fn insert(text: &str, findings: &[&Finding]) -> Option<(String, Vec<Finding>)> {
    let lines = super::lines(text);
    let mut wanted: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        // A finding about no line of the file (line 0) or past its end has nowhere to go.
        let line = f.start_line as usize;
        if f.rule != "COMPILE" && line >= 1 && line <= lines.len() {
            wanted.entry(line).or_default().insert(f.rule.as_str());
        }
    }
    let mut inserted: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (&line, rules) in &wanted {
        let here = lines[line - 1];
        let indent: String = here
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let eol = if here.ends_with("\r\n") { "\r\n" } else { "\n" };
        // The comment lines right above: the block the new lines join.
        let above: Vec<&str> = lines[..line - 1]
            .iter()
            .rev()
            .map(|l| l.trim())
            .take_while(|l| l.starts_with("//"))
            .collect();
        let new: Vec<String> = rules
            .iter()
            .filter(|rule| !above.iter().any(|l| names(l, rule)))
            .map(|rule| format!("{indent}// buf:lint:ignore {rule}{eol}"))
            .collect();
        if !new.is_empty() {
            inserted.insert(line, new);
        }
    }
    if inserted.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64 * inserted.len());
    for (index, line) in lines.iter().enumerate() {
        if let Some(new) = inserted.get(&(index + 1)) {
            new.iter().for_each(|l| out.push_str(l));
        }
        out.push_str(line);
    }
    let fixed = findings
        .iter()
        .filter(|f| {
            inserted
                .get(&(f.start_line as usize))
                .is_some_and(|new| new.iter().any(|l| names(l.trim(), &f.rule)))
        })
        .map(|f| (*f).clone())
        .collect();
    Some((out, fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, rule: &str) -> Finding {
        let mut f = Finding::file_level("a.proto", rule, "m".into());
        f.start_line = line;
        f
    }

    #[test]
    fn indents_merges_and_does_not_repeat() {
        let text = "message A {\n  // Doc.\n  // buf:lint:ignore X\n  int32 b = 1;\r\n}\n";
        let (x, y, z) = (at(4, "X"), at(4, "Y"), at(4, "Y"));
        let (out, fixed) = insert(text, &[&x, &y, &z]).unwrap();
        assert_eq!(
            out,
            "message A {\n  // Doc.\n  // buf:lint:ignore X\n  // buf:lint:ignore Y\r\n  int32 b = 1;\r\n}\n"
        );
        assert_eq!(fixed.len(), 2);
        // Run again (the element now on line 5): nothing to add.
        assert!(insert(&out, &[&at(5, "X"), &at(5, "Y")]).is_none());
    }

    #[test]
    fn names_as_buf_reads() {
        assert!(names("// buf:lint:ignore X", "X"));
        assert!(names("//buf:lint:ignore X because", "X"));
        assert!(!names("// buf:lint:ignore XY", "X"));
    }
}
