//! `--fix`, `--diff` and `--add-ignores`: edits to the source text of target files, ruff's model.
//!
//! Each fixer ([`ignores`], [`imports`], [`reserved`], and with `--unsafe-fixes` [`renames`]) turns a file's text and its findings into
//! a new text and the findings that text should no longer have. Nothing is written before it is
//! verified: the changed files are compiled again from memory (the file set with the new text in
//! place of the old) and checked again by the same rules; a file whose new text does not compile,
//! keeps a finding it was meant to remove, or has a finding it did not have, is left untouched and
//! the reason printed. Writes are atomic ([`crate::atomic`]); a fixed file has nothing left to fix,
//! so a second run changes nothing.

mod drive;
pub mod ignores;
pub mod imports;
pub mod renames;
pub mod reserved;
pub mod restore;
pub mod types;

pub use drive::{breaking, lint};

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::input::FileSet;
use crate::schema::{Schema, Source};

/// Exit code when `--diff` has something to show, as for findings.
const EXIT_FINDINGS: i32 = 100;

/// What reports say of a finding's fix (`fix` in JSON, a result property in SARIF), ruff's
/// `applicability`; the edit itself, where the finding alone tells it, goes beside
/// ([`edits`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Note {
    /// `safe`: `--fix` applies it; `unsafe`: only with `--unsafe-fixes`.
    pub applicability: &'static str,
    pub message: &'static str,
}

const RESERVE: &str = "reserve the deleted number and name (sous breaking --fix), or put the declaration back with `[deprecated = true]` (--unsafe-fixes)";
const RESERVE_FILE: &str = "reserve the deleted number and name (sous breaking --fix), though this rule still fails after it (bufbuild/buf#2629); putting the declaration back with `[deprecated = true]` (--unsafe-fixes) removes it";
const PUT_BACK: &str = "put the reserved numbers and names back (sous breaking --fix)";

/// The fix sous has for finding `f`, if any. A breaking finding about something lost has one
/// when its data says what to reserve and nothing blocks it.
pub fn note(f: &Finding) -> Option<Note> {
    let rule = f.rule.as_str();
    let reservable = || {
        f.lost
            .as_ref()
            .is_some_and(|l| l.blocked.is_none() && (!l.numbers.is_empty() || !l.names.is_empty()))
    };
    let message = match rule {
        "IMPORT_USED" => "remove the import line (sous lint --fix)",
        "FIELD_NO_DELETE" | "ENUM_VALUE_NO_DELETE" if reservable() => RESERVE_FILE,
        "RESERVED_MESSAGE_NO_DELETE" | "RESERVED_ENUM_NO_DELETE" if reservable() => PUT_BACK,
        "RESERVED_MESSAGE_NO_DELETE" | "RESERVED_ENUM_NO_DELETE" => return None,
        "EXTENSION_MESSAGE_NO_DELETE" if reservable() => {
            "open the numbers to extensions again (sous breaking --fix)"
        }
        r if reserved::answers(r) && reservable() => RESERVE,
        r if renames::RULES.iter().any(|(rule, _)| *rule == r) => {
            return Some(Note {
                applicability: "unsafe",
                message: "rename it as the rule asks (sous lint --fix --unsafe-fixes); the new name changes JSON and generated code",
            })
        }
        r if types::RULES.contains(&r) => {
            return Some(Note {
                applicability: "unsafe",
                message: "rename it, and every reference to it in the files checked, as the rule asks (sous lint --fix --unsafe-fixes); the new name changes generated code and the full name (type URLs, gRPC paths)",
            })
        }
        _ => return None,
    };
    Some(Note {
        applicability: "safe",
        message,
    })
}

/// One edit of a fix: bytes `start..end` of the finding's file replaced by `text` (an
/// insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edits of finding `f`'s fix in `source` (its file), when the finding alone tells them:
/// an unused import's line deleted, or what a message or an enum lost reserved again, each as
/// `sous ... --fix` would make it were it the only finding.
pub fn edits(source: &Source, f: &Finding) -> Vec<Edit> {
    if note(f).is_none_or(|n| n.applicability != "safe") {
        return Vec::new();
    }
    if f.rule == "IMPORT_USED" {
        let text = &source.text;
        let start = source
            .lines
            .line_start(f.start_line.saturating_sub(1) as usize);
        let line = text[start..].split_inclusive('\n').next().unwrap_or("");
        if f.end_line != f.start_line || !imports::lone_import(line) {
            return Vec::new();
        }
        return vec![Edit {
            start,
            end: start + line.len(),
            text: String::new(),
        }];
    }
    (reserved::finding_edits(source, f)
        .unwrap_or_default()
        .into_iter())
    .map(|(at, text)| Edit {
        start: at,
        end: at,
        text,
    })
    .collect()
}

/// One file's proposed new text.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub source: Arc<Source>,
    pub text: String,
    /// The findings the new text removes.
    pub fixed: Vec<Finding>,
    /// Rules whose findings the new text is known not to remove (printed as a note), with why.
    pub still: Vec<(String, String)>,
    /// What the output says of an unsafe fix once it is applied.
    pub notes: Vec<String>,
}

impl Candidate {
    fn path(&self) -> &str {
        &self.source.file.display
    }
}

/// What a re-check of changed files gives: compile errors, findings, and the new sources.
pub struct Recheck {
    pub errors: Vec<Finding>,
    pub findings: Vec<Finding>,
    pub sources: Vec<Arc<Source>>,
}

/// `set` with the text of the files named in `texts` (by display path) replaced.
pub fn with_texts(set: &FileSet, texts: &HashMap<String, String>) -> FileSet {
    let mut set = set.clone();
    for file in set.files.values_mut() {
        if let Some(text) = texts.get(&file.display) {
            file.bytes = Some(Arc::from(text.as_bytes()));
        }
    }
    set
}

type Key = (String, String);

fn key(f: &Finding) -> Key {
    (f.rule.clone(), f.message.clone())
}

/// The key `f` should have once types are renamed (`renamed`: old name, new name): its message
/// with each name quoted or dotted (`"old"`, `"pkg.old"`, `.old.`) spelled anew, since the
/// findings about a renamed type (or mentioning it) name it by its new name.
fn renamed_key(f: &Finding, renamed: &[(String, String)]) -> Key {
    let mut message = f.message.clone();
    for (old, new) in renamed {
        let mut out = String::with_capacity(message.len());
        let mut rest = message.as_str();
        while let Some(i) = rest.find(old.as_str()) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + old.len()..].chars().next();
            let bounded = |c: Option<char>| matches!(c, Some('"' | '.'));
            out.push_str(&rest[..i]);
            out.push_str(if bounded(before) && bounded(after) {
                new
            } else {
                old
            });
            rest = &rest[i + old.len()..];
        }
        out.push_str(rest);
        message = out;
    }
    (f.rule.clone(), message)
}

/// Why the new text of `c` cannot be written, if it cannot, given the re-check of all the
/// candidates and the findings before.
/// An error in a file that is itself a candidate rejects that candidate only (it is dropped
/// and the others checked again); an error anywhere else rejects them all.
fn reject_reason(
    c: &Candidate,
    recheck: &Recheck,
    (before, renamed): (&[Finding], &[(String, String)]),
    changed: &HashMap<String, String>,
) -> Option<String> {
    let path = c.path();
    let on = |f: &&Finding| f.path.as_deref() == Some(path) && f.counts();
    if let Some(error) = recheck.errors.iter().find(|f| on(f)) {
        return Some(format!(
            "the fixed file would not compile ({}:{}: {})",
            error.start_line, error.start_column, error.message
        ));
    }
    let elsewhere = |f: &&Finding| f.path.as_deref().is_none_or(|p| !changed.contains_key(p));
    if let Some(error) = recheck.errors.iter().find(elsewhere) {
        return Some(format!(
            "the fixes together would break another file ({}: {})",
            error.path.as_deref().unwrap_or("<input>"),
            error.message
        ));
    }
    let mut allowed: HashMap<Key, i64> = HashMap::new();
    for f in before.iter().filter(on) {
        *allowed.entry(renamed_key(f, renamed)).or_default() += 1;
    }
    let still: Vec<&str> = c.still.iter().map(|(rule, _)| rule.as_str()).collect();
    for f in &c.fixed {
        if !still.contains(&f.rule.as_str()) {
            *allowed.entry(renamed_key(f, renamed)).or_default() -= 1;
        }
    }
    for f in recheck.findings.iter().filter(on) {
        let left = allowed.entry(key(f)).or_default();
        *left -= 1;
        if *left < 0 {
            let meant = c.fixed.iter().any(|x| renamed_key(x, renamed) == key(f));
            return Some(if meant {
                format!("the fix would not remove {} ({})", f.rule, f.message)
            } else {
                format!(
                    "the fix would add a finding: {} at {}:{} ({})",
                    f.rule, f.start_line, f.start_column, f.message
                )
            });
        }
    }
    None
}

/// Keeps the candidates whose new text passes the re-check, printing why the others are left
/// alone; returns them with the last re-check (of the kept ones only), if any were kept.
fn verify(
    mut candidates: Vec<Candidate>,
    before: (&[Finding], &[(String, String)]),
    recheck: &dyn Fn(&HashMap<String, String>) -> Result<Recheck>,
) -> Result<(Vec<Candidate>, Option<Recheck>)> {
    while !candidates.is_empty() {
        let texts: HashMap<String, String> = candidates
            .iter()
            .map(|c| (c.path().to_string(), c.text.clone()))
            .collect();
        let result = recheck(&texts)?;
        let (kept, left): (Vec<_>, Vec<_>) = candidates
            .into_iter()
            .map(|c| (reject_reason(&c, &result, before, &texts), c))
            .partition(|(reason, _)| reason.is_none());
        for (reason, c) in &left {
            eprintln!(
                "{}: left untouched: {}",
                c.path(),
                reason.as_deref().unwrap_or_default()
            );
        }
        candidates = kept.into_iter().map(|(_, c)| c).collect();
        if left.is_empty() {
            return Ok((candidates, Some(result)));
        }
    }
    Ok((candidates, None))
}

/// The unified diff from `old` to `new` for `path`, as `git diff` prints one.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// What the caller prints after fixing: the findings left and the sources they point into.
pub type Print<'a> = dyn FnOnce(Vec<Finding>, Vec<Arc<Source>>) -> Result<i32> + 'a;

/// Verifies `candidates`, then prints their diff (`diff`) or writes them, and reports what is
/// left through `print`.
pub fn finish(
    candidates: Vec<Candidate>,
    (before, renamed): (Vec<Finding>, &[(String, String)]),
    before_sources: Vec<Arc<Source>>,
    diff: bool,
    recheck: &dyn Fn(&HashMap<String, String>) -> Result<Recheck>,
    print: Box<Print<'_>>,
) -> Result<i32> {
    let (kept, result) = verify(candidates, (&before, renamed), recheck)?;
    if diff {
        let mut out = std::io::stdout().lock();
        for c in &kept {
            write!(out, "{}", unified_diff(c.path(), &c.source.text, &c.text))
                .map_err(|e| Error::io("<stdout>", e))?;
        }
        return Ok(if kept.is_empty() { 0 } else { EXIT_FINDINGS });
    }
    for c in &kept {
        crate::atomic::write(&c.source.file.disk, |out| out.write_all(c.text.as_bytes()))?;
        let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &c.fixed {
            *rules.entry(f.rule.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = rules.iter().map(|(r, n)| format!("{r} x{n}")).collect();
        eprintln!("{}: applied the fix for {}", c.path(), counts.join(", "));
        for note in &c.notes {
            eprintln!("{}: {note}", c.path());
        }
        for (rule, why) in &c.still {
            eprintln!("{}: {rule} still fails after the fix: {why}", c.path());
        }
    }
    match result {
        Some(result) if !kept.is_empty() => {
            let mut findings = result.errors;
            findings.extend(result.findings);
            print(findings, result.sources)
        }
        _ => print(before, before_sources),
    }
}

/// The target sources of `schemas` by display path.
pub fn targets<'a>(schemas: impl IntoIterator<Item = &'a Schema>) -> BTreeMap<String, Arc<Source>> {
    schemas
        .into_iter()
        .flat_map(|s| s.sources.values())
        .filter(|s| s.file.is_target && s.file.bytes.is_none())
        .map(|s| (s.file.display.clone(), s.clone()))
        .collect()
}

/// The findings of `findings` per display path.
pub fn by_path(findings: &[Finding]) -> BTreeMap<&str, Vec<&Finding>> {
    let mut map: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        if let Some(path) = f.path.as_deref() {
            map.entry(path).or_default().push(f);
        }
    }
    map
}

/// The lines of `text`, each with its line ending.
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// A workspace whose modules share files is compared module by module: not fixed (yet).
pub fn refuse_per_module(args: &crate::cli::FixArgs) -> Result<()> {
    if args.fix || args.diff {
        return Err(Error::Usage("--fix and --diff do not handle a workspace whose nested modules share files yet: run `sous breaking --fix` on each module's directory".into()));
    }
    Ok(())
}

/// A target file `a.proto` with `text`, for the fixers' unit tests.
/// Whether the file's first statement (after comments) is an `edition` declaration.
pub(crate) fn is_editions(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    rest.strip_prefix("edition")
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

#[cfg(test)]
pub(crate) fn test_source(text: &str) -> Source {
    let file = crate::input::ProtoFile {
        name: "a.proto".into(),
        module: None,
        workspace_path: "a.proto".into(),
        display: "a.proto".into(),
        disk: "a.proto".into(),
        bytes: None,
        is_target: true,
    };
    Source::new(file, text.to_string())
}
