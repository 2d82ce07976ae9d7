//! `--error-format msvs`: the line shape Visual Studio and MSBuild parse,
//! `path(line,column) : error RULE : message`.
//!
//! buf parity: only the start position is printed (no end), a finding about no file is placed at
//! `<input>(1,1)`, and nothing in the message is escaped.

use std::io::{self, Write};

use crate::finding::Finding;

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        writeln!(out, "{}", line(f))?;
    }
    Ok(())
}

fn line(f: &Finding) -> String {
    format!(
        "{}({},{}) : error {} : {}",
        f.path.as_deref().unwrap_or("<input>"),
        f.start_line,
        f.start_column,
        f.rule,
        f.shown_message()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: Option<&str>, message: &str) -> Finding {
        Finding {
            path: path.map(str::to_string),
            start_line: 3,
            start_column: 7,
            end_line: 3,
            end_column: 12,
            rule: "FIELD_LOWER_SNAKE_CASE".into(),
            message: message.into(),
            file: None,
            old: None,
            policy: None,
            suppression: None,
            element: None,
            lost: None,
        }
    }

    #[test]
    fn start_position_only_and_input_for_no_path() {
        let mut pathless = finding(None, "gone");
        (pathless.start_line, pathless.start_column) = (1, 1);
        let mut out = Vec::new();
        write(&mut out, &[pathless, finding(Some("a/b.proto"), "m")]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<input>(1,1) : error FIELD_LOWER_SNAKE_CASE : gone\n\
             a/b.proto(3,7) : error FIELD_LOWER_SNAKE_CASE : m\n"
        );
    }

    #[test]
    fn message_is_written_as_is() {
        // buf parity: msvs has no escaping; `%`, `,`, `:`, quotes, `<&` and non-ASCII pass through.
        let m = "100% \"ça\", <a&b>: x\n\tnext";
        assert_eq!(
            line(&finding(Some("é.proto"), m)),
            format!("é.proto(3,7) : error FIELD_LOWER_SNAKE_CASE : {m}")
        );
    }
}
