//! The README's snippets, for the tests that run them: a YAML recipe is a fenced block whose
//! first line is `# <file name>` (`# .pre-commit-config.yaml`), which is where a user puts it.

use std::path::PathBuf;

fn readme() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(path).expect("README.md")
}

/// Every fenced block of the README: (info string, body).
pub fn blocks() -> Vec<(String, String)> {
    let text = readme();
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        out.push((info.trim().to_string(), body.join("\n") + "\n"));
    }
    out
}

/// The body of the one block that starts with `# <name>`, that line included (a comment in
/// every language the README uses).
#[allow(dead_code)]
pub fn block(name: &str) -> String {
    let marker = format!("# {name}\n");
    let found: Vec<String> = blocks()
        .into_iter()
        .map(|(_, body)| body)
        .filter(|body| body.starts_with(&marker))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "README.md: one block starting with {marker:?}"
    );
    found.into_iter().next().unwrap()
}
