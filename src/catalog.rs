//! The rule catalog: one Markdown document per rule under `rules/`, embedded at build time. Its
//! front matter gives a rule's identity (ID, kind, categories per configuration version, default,
//! deprecation); its body is what `sous explain` prints. Rule code binds to its entry by ID, and a
//! test checks that every entry has code and every piece of code an entry.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

const SOURCES: &[&str] = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The `version:` of the configuration that governs a module, which decides rule categories and
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V1Beta1,
    V1,
    V2,
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        match s {
            "v1beta1" => Some(Version::V1Beta1),
            "v1" => Some(Version::V1),
            "v2" => Some(Version::V2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1Beta1 => "v1beta1",
            Version::V1 => "v1",
            Version::V2 => "v2",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Lint,
    Breaking,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    kind: Kind,
    summary: String,
    categories: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    default: Vec<String>,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    replacements: Vec<String>,
}

/// One catalog entry.
#[derive(Debug)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub summary: String,
    /// Categories per configuration version; a version absent here does not know the rule.
    pub categories: BTreeMap<Version, Vec<String>>,
    pub default: BTreeSet<Version>,
    pub deprecated: bool,
    pub replacements: Vec<String>,
    /// The Markdown after the front matter.
    pub body: &'static str,
}

impl Entry {
    pub fn exists_in(&self, version: Version) -> bool {
        self.categories.contains_key(&version)
    }

    pub fn categories(&self, version: Version) -> &[String] {
        self.categories.get(&version).map_or(&[], Vec::as_slice)
    }

    pub fn is_default(&self, version: Version) -> bool {
        self.default.contains(&version)
    }
}

fn parse(source: &'static str) -> Entry {
    let rest = source
        .strip_prefix("---\n")
        .expect("catalog entry starts with front matter");
    let (head, body) = rest
        .split_once("\n---\n")
        .expect("catalog front matter ends with ---");
    let fm: FrontMatter = serde_saphyr::from_str(head)
        .unwrap_or_else(|e| panic!("catalog front matter: {e}\n{head}"));
    let version =
        |v: &str| Version::parse(v).unwrap_or_else(|| panic!("{}: unknown version {v}", fm.id));
    Entry {
        categories: fm
            .categories
            .iter()
            .map(|(v, c)| (version(v), c.clone()))
            .collect(),
        default: fm.default.iter().map(|v| version(v)).collect(),
        id: fm.id,
        kind: fm.kind,
        summary: fm.summary,
        deprecated: fm.deprecated,
        replacements: fm.replacements,
        body,
    }
}

/// Every entry, in file name order.
pub fn all() -> &'static [Entry] {
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    ALL.get_or_init(|| SOURCES.iter().map(|s| parse(s)).collect())
}

pub fn get(id: &str) -> Option<&'static Entry> {
    all().iter().find(|e| e.id == id)
}

/// The entries of one kind that a configuration version knows, in buf's listing order: by their
/// categories in the order buf lists categories, then by ID.
pub fn rules(kind: Kind, version: Version) -> Vec<&'static Entry> {
    let order = category_order(kind, version);
    // buf lists v2's CSR category first but ranks rules as if it came last: a rule in FILE and
    // CSR follows the rules in FILE alone.
    let rank = |e: &Entry| -> (Vec<usize>, bool) {
        let mut r: Vec<usize> = e
            .categories(version)
            .iter()
            .filter(|c| *c != "CSR")
            .map(|c| order.iter().position(|o| o == c).unwrap_or(order.len()))
            .collect();
        r.sort();
        if r.is_empty() {
            r.push(usize::MAX);
        }
        (r, e.categories(version).iter().any(|c| c == "CSR"))
    };
    let mut v: Vec<&Entry> = all()
        .iter()
        .filter(|e| e.kind == kind && e.exists_in(version))
        .collect();
    v.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id)));
    v
}

/// The categories a version knows, in buf's order.
pub fn category_order(kind: Kind, version: Version) -> Vec<&'static str> {
    match (kind, version) {
        (Kind::Lint, Version::V1Beta1) => vec![
            "MINIMAL",
            "BASIC",
            "DEFAULT",
            "STANDARD",
            "FILE_LAYOUT",
            "PACKAGE_AFFINITY",
            "SENSIBLE",
            "STYLE_BASIC",
            "STYLE_DEFAULT",
            "STYLE_STANDARD",
            "COMMENTS",
            "UNARY_RPC",
            "OTHER",
        ],
        (Kind::Lint, _) => vec!["MINIMAL", "BASIC", "STANDARD", "COMMENTS", "UNARY_RPC"],
        (Kind::Breaking, Version::V2) => vec!["CSR", "FILE", "PACKAGE", "WIRE_JSON", "WIRE"],
        (Kind::Breaking, _) => vec!["FILE", "PACKAGE", "WIRE_JSON", "WIRE"],
    }
}

/// `DEFAULT` is buf's deprecated alias of `STANDARD` in v1 and v2.
fn canonical_category(kind: Kind, version: Version, id: &str) -> &str {
    match (kind, version, id) {
        (Kind::Lint, Version::V1 | Version::V2, "DEFAULT") => "STANDARD",
        _ => id,
    }
}

/// The rule IDs selected by a list of rule and category IDs; `None` for an unknown ID.
pub fn expand(
    kind: Kind,
    version: Version,
    ids: &[String],
) -> Result<BTreeSet<&'static str>, String> {
    let mut out = BTreeSet::new();
    for id in ids {
        let id = canonical_category(kind, version, id);
        let mut found = false;
        for e in all()
            .iter()
            .filter(|e| e.kind == kind && e.exists_in(version))
        {
            if e.id == id || e.categories(version).iter().any(|c| c == id) {
                found = true;
                // buf parity: a deprecated rule with replacements (FIELD_SAME_LABEL) runs as its
                // replacements, under their IDs, wherever it is named: use, except, ignore_only.
                if e.replacements.is_empty() {
                    out.insert(e.id.as_str());
                } else {
                    out.extend(
                        e.replacements
                            .iter()
                            .filter_map(|r| get(r))
                            .map(|r| r.id.as_str()),
                    );
                }
            }
        }
        if !found {
            return Err(id.to_string());
        }
    }
    Ok(out)
}

/// The rules a configuration enables: `use` (or the version's defaults) minus `except`. The one
/// place that decides which rules run: config calls it once per module as it reads a file; lint,
/// breaking and `config ls-*-rules --configured-only` read the set it stored.
pub fn enabled(
    kind: Kind,
    version: Version,
    use_: Option<&[String]>,
    except: &[String],
) -> Result<BTreeSet<&'static str>, String> {
    let mut set = match use_ {
        Some(ids) => expand(kind, version, ids)?,
        None => all()
            .iter()
            .filter(|e| e.kind == kind && e.is_default(version))
            .map(|e| e.id.as_str())
            .collect(),
    };
    for id in expand(kind, version, except)? {
        set.remove(id);
    }
    Ok(set)
}
