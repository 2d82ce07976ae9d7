//! The commands that print the rule catalog: `sous config ls-lint-rules` /
//! `ls-breaking-rules` and `sous explain RULE`.

use std::io::Write;

use super::EXIT_OK;
use crate::catalog::{self, Kind};
use crate::cli::{ListFormat, LsRulesArgs};
use crate::error::{Error, Result};
use crate::{invocation, report};

pub(super) fn ls_rules(kind: Kind, args: &LsRulesArgs) -> Result<i32> {
    let (version, enabled) = invocation::rule_listing(kind, args)?;
    let rules: Vec<&catalog::Entry> = catalog::rules(kind, version)
        .into_iter()
        .filter(|e| match &enabled {
            Some(set) => set.contains(e.id.as_str()),
            None => args.include_deprecated || !e.deprecated,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    report::write_rule_list(&mut out, args.format == ListFormat::Json, version, &rules)
        .map_err(|e| Error::io(crate::error::STDOUT, e))?;
    Ok(EXIT_OK)
}

pub(super) fn explain(rule: &str) -> Result<i32> {
    let entry = catalog::get(&rule.to_ascii_uppercase()).ok_or_else(|| {
        Error::Usage(format!(
            "{rule:?} is not a known rule: list them with `sous config ls-lint-rules`"
        ))
    })?;
    use std::io::IsTerminal;
    let mut out = std::io::stdout().lock();
    let styled = out.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    write!(out, "{}", report::render_markdown(entry.body, styled))
        .map_err(|e| Error::io(crate::error::STDOUT, e))?;
    Ok(EXIT_OK)
}
