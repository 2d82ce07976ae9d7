//! `sous explain` on a terminal: the catalog's Markdown made readable without a Markdown viewer.
//! Headings become bold (the title also underlined), fenced code blocks lose their fences and are
//! indented under a dim caption, inline code is coloured. Anywhere else (a pipe, a file, a test,
//! `NO_COLOR`) the Markdown is printed as written, so it can be pasted or rendered elsewhere.

const BOLD_UNDERLINE: &str = "\x1b[1;4m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// `markdown` for a terminal when `styled`, else unchanged (trimmed, one final newline).
pub fn render_markdown(markdown: &str, styled: bool) -> String {
    let markdown = markdown.trim();
    if !styled {
        return format!("{markdown}\n");
    }
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            if !in_code {
                // "proto bad": the language is obvious, the role ("bad", "old") is the caption.
                let caption = info
                    .split_whitespace()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join(" ");
                if !caption.is_empty() {
                    out.push_str(&format!("  {DIM}{caption}:{RESET}\n"));
                }
            }
            in_code = !in_code;
            continue;
        }
        if in_code {
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
        } else if let Some(title) = line.strip_prefix("# ") {
            out.push_str(&format!("{BOLD_UNDERLINE}{}{RESET}", title.trim()));
        } else if let Some(heading) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            out.push_str(&format!("{BOLD}{}{RESET}", heading.trim()));
        } else {
            out.push_str(&inline_code(line));
        }
        out.push('\n');
    }
    out
}

/// `` `code` `` spans coloured, without their backticks; an unmatched backtick stays as written.
fn inline_code(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(CYAN);
        out.push_str(&rest[start + 1..start + 1 + len]);
        out.push_str(RESET);
        rest = &rest[start + 2 + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# RULE\n\nUse `a_b`.\n\n## How to fix\n\n```proto bad\nmessage A {\n\n  int32 x = 1;\n}\n```\n";

    #[test]
    fn plain_is_the_markdown() {
        assert_eq!(render_markdown(DOC, false), DOC);
    }

    #[test]
    fn styled_for_a_terminal() {
        let got = render_markdown(DOC, true);
        assert_eq!(
            got,
            "\x1b[1;4mRULE\x1b[0m\n\nUse \x1b[36ma_b\x1b[0m.\n\n\x1b[1mHow to fix\x1b[0m\n\n  \x1b[2mbad:\x1b[0m\n    message A {\n\n      int32 x = 1;\n    }\n"
        );
        assert_eq!(inline_code("a ` b"), "a ` b");
    }
}
