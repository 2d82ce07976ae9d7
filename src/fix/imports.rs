//! The safe fix for IMPORT_USED: remove the line of an unused import.
//!
//! Only a line that holds one whole `import "x.proto";` statement (or `import weak`), and
//! nothing else but a trailing `//` comment, is removed; an import that shares its line with
//! other code or spans lines is left for the user. Public imports are never reported unused,
//! and never removed: other files may rely on what they re-export.

use crate::finding::Finding;

/// Whether `line` is one non-public import statement and nothing more.
pub fn lone_import(line: &str) -> bool {
    let line = line.trim();
    let Some(rest) = line.strip_prefix("import") else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("weak").map_or(rest, str::trim_start);
    let Some(rest) = rest.strip_prefix('"') else {
        return false;
    };
    let Some(close) = rest.find('"') else {
        return false;
    };
    let rest = rest[close + 1..].trim_start();
    let Some(rest) = rest.strip_prefix(';') else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with("//")
}

/// `text` without the lines of its unused imports among `findings`, with the findings removed;
/// `None` when none can be removed.
pub fn remove_unused(text: &str, findings: &[&Finding]) -> Option<(String, Vec<Finding>)> {
    let lines = super::lines(text);
    let mut gone = std::collections::BTreeSet::new();
    let mut fixed = Vec::new();
    for f in findings.iter().filter(|f| f.rule == "IMPORT_USED") {
        let line = f.start_line as usize;
        if line >= 1
            && line <= lines.len()
            && f.end_line == f.start_line
            && lone_import(lines[line - 1])
        {
            gone.insert(line);
            fixed.push((*f).clone());
        }
    }
    if gone.is_empty() {
        return None;
    }
    // A blank line that would follow another once the imports between them are gone goes too,
    // so that removing a block of imports leaves one blank line, not two.
    let mut out = String::with_capacity(text.len());
    let (mut prev_blank, mut removed) = (false, false);
    for (i, line) in lines.iter().enumerate() {
        if gone.contains(&(i + 1)) {
            removed = true;
            continue;
        }
        let blank = line.trim().is_empty();
        if !(blank && prev_blank && removed) {
            out.push_str(line);
        }
        (prev_blank, removed) = (blank, false);
    }
    Some((out, fixed))
}

#[cfg(test)]
mod tests {
    use super::lone_import;

    #[test]
    fn only_whole_lines_of_one_import() {
        assert!(lone_import("import \"a.proto\";\n"));
        assert!(lone_import("  import weak \"a.proto\"; // why\r\n"));
        assert!(!lone_import("import public \"a.proto\";"));
        assert!(!lone_import("import \"a.proto\"; import \"b.proto\";"));
        assert!(!lone_import("import \"a.proto\""));
    }
}
