//! `buf.lock`, in its three versions, read into one list of locked dependencies.
//!
//! v1beta1 and v1 name a dependency by `remote`, `owner` and `repository` and pin it with a
//! `shake256:` (b4) digest; v2 names it `REGISTRY/OWNER/MODULE` and pins it with a `b5:` digest.
//! Either way the list holds every transitive dependency, so nothing else is needed to know what
//! to put on the import path.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file name buf writes beside `buf.yaml`.
pub const BUF_LOCK: &str = "buf.lock";

/// The two digest kinds buf writes: `shake256:` (b4, v1 modules) and `b5:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DigestKind {
    B4,
    B5,
}

impl DigestKind {
    /// The prefix of the digest string, which is also the cache directory of that kind.
    pub fn prefix(self) -> &'static str {
        match self {
            DigestKind::B4 => "shake256",
            DigestKind::B5 => "b5",
        }
    }
}

/// A module digest as buf prints it: `<kind>:<128 lowercase hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    pub kind: DigestKind,
    pub hex: String,
}

impl Digest {
    /// Parses `b5:<hex>` or `shake256:<hex>`; the error says what was wrong, for a message that
    /// names the file.
    pub fn parse(text: &str) -> std::result::Result<Digest, String> {
        let (prefix, hex) = text
            .split_once(':')
            .ok_or_else(|| format!("digest {text:?} has no \"b5:\" or \"shake256:\" prefix"))?;
        let kind = match prefix {
            "b5" => DigestKind::B5,
            "shake256" => DigestKind::B4,
            other => return Err(format!("digest {text:?} has an unknown kind {other:?}")),
        };
        // SHAKE256 with a 64-byte output: 128 hex digits.
        if hex.len() != 128 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("digest {text:?} is not 128 hexadecimal digits"));
        }
        Ok(Digest {
            kind,
            hex: hex.to_ascii_lowercase(),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.hex)
    }
}

/// One pinned dependency: which module, which commit, and the digest its contents must have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LockedDep {
    pub registry: String,
    pub owner: String,
    pub module: String,
    /// 32 lowercase hex digits (a dashless UUID).
    pub commit: String,
    pub digest: Digest,
}

impl LockedDep {
    /// `registry/owner/module`, as `deps:` in `buf.yaml` names it.
    pub fn full_name(&self) -> String {
        format!("{}/{}/{}", self.registry, self.owner, self.module)
    }
}

impl fmt::Display for LockedDep {
    /// `registry/owner/module:commit`, the way buf names a pinned dependency in its messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.full_name(), self.commit)
    }
}

/// The `version:` of a `buf.lock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockVersion {
    V1Beta1,
    V1,
    V2,
}

/// A parsed `buf.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub version: LockVersion,
    pub deps: Vec<LockedDep>,
}

#[derive(Deserialize)]
struct VersionOnly {
    #[serde(default)]
    version: Option<String>,
}

/// A v1beta1 or v1 entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepV1 {
    remote: String,
    owner: String,
    repository: String,
    commit: String,
    #[serde(default)]
    digest: Option<String>,
    // Written by old versions of buf; not needed to find the module.
    #[serde(default)]
    #[allow(dead_code)]
    branch: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    create_time: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockV1 {
    #[allow(dead_code)]
    version: String,
    #[serde(default)]
    deps: Vec<DepV1>,
}

/// A v2 entry, also the shape of an entry of a cached module's `module.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepV2 {
    pub name: String,
    pub commit: String,
    pub digest: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockV2 {
    #[allow(dead_code)]
    version: String,
    #[serde(default)]
    deps: Vec<DepV2>,
}

/// Reads `dir/buf.lock`; `None` when there is none.
pub fn read(dir: &Path) -> Result<Option<Lock>> {
    let path = dir.join(BUF_LOCK);
    let text = match std::fs::read(&path) {
        Ok(bytes) => {
            String::from_utf8(bytes).map_err(|_| Error::config(&path, "not valid UTF-8"))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    parse(&path, &text).map(Some)
}

/// Parses the text of a `buf.lock`; `path` only names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Lock> {
    // An empty buf.lock is an empty v1 lock for buf (it writes one for a module without deps).
    let text = if text.trim().is_empty() { "{}" } else { text };
    let version: VersionOnly = yaml(path, text)?;
    match version.version.as_deref() {
        Some("v2") => {
            let lock: LockV2 = yaml(path, text)?;
            let deps = lock
                .deps
                .into_iter()
                .map(|d| from_v2(&d).map_err(|m| Error::config(path, m)))
                .collect::<Result<_>>()?;
            Ok(Lock {
                version: LockVersion::V2,
                deps,
            })
        }
        Some(v @ ("v1" | "v1beta1")) | Some(v @ "") => {
            let version = if v == "v1beta1" {
                LockVersion::V1Beta1
            } else {
                LockVersion::V1
            };
            let lock: LockV1 = yaml(path, text)?;
            let deps = lock
                .deps
                .into_iter()
                .map(|d| from_v1(d).map_err(|m| Error::config(path, m)))
                .collect::<Result<_>>()?;
            Ok(Lock { version, deps })
        }
        None => Ok(Lock {
            version: LockVersion::V1,
            deps: Vec::new(),
        }),
        Some(other) => Err(Error::config(
            path,
            format!("unknown buf.lock version {other:?} (expected v1beta1, v1 or v2)"),
        )),
    }
}

fn yaml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    serde_saphyr::from_str(text).map_err(|e| Error::config(path, e.to_string()))
}

fn from_v1(d: DepV1) -> std::result::Result<LockedDep, String> {
    let name = format!("{}/{}/{}", d.remote, d.owner, d.repository);
    let digest = d.digest.ok_or_else(|| {
        format!("dependency {name} has no digest; run \"buf dep update\" to rewrite buf.lock")
    })?;
    let digest = Digest::parse(&digest).map_err(|m| format!("dependency {name}: {m}"))?;
    Ok(LockedDep {
        registry: d.remote,
        owner: d.owner,
        module: d.repository,
        commit: commit(&name, &d.commit)?,
        digest,
    })
}

/// Turns a v2 entry (`buf.lock` v2 or `module.yaml`) into a locked dependency.
pub fn from_v2(d: &DepV2) -> std::result::Result<LockedDep, String> {
    let parts: Vec<&str> = d.name.split('/').collect();
    let [registry, owner, module] = parts[..] else {
        return Err(format!(
            "dependency name {:?} is not REGISTRY/OWNER/MODULE",
            d.name
        ));
    };
    if [registry, owner, module].iter().any(|p| p.is_empty()) {
        return Err(format!(
            "dependency name {:?} is not REGISTRY/OWNER/MODULE",
            d.name
        ));
    }
    let digest = Digest::parse(&d.digest).map_err(|m| format!("dependency {}: {m}", d.name))?;
    Ok(LockedDep {
        registry: registry.to_string(),
        owner: owner.to_string(),
        module: module.to_string(),
        commit: commit(&d.name, &d.commit)?,
        digest,
    })
}

/// A commit id: 32 hex digits, as buf writes it; a dashed UUID is accepted and written dashless,
/// which is the cache's directory name.
impl From<&LockedDep> for DepV2 {
    fn from(d: &LockedDep) -> DepV2 {
        DepV2 {
            name: d.full_name(),
            commit: d.commit.clone(),
            digest: d.digest.to_string(),
        }
    }
}

fn commit(name: &str, text: &str) -> std::result::Result<String, String> {
    let dashless: String = text.chars().filter(|c| *c != '-').collect();
    if dashless.len() != 32 || !dashless.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "dependency {name} has commit {text:?}, which is not 32 hexadecimal digits"
        ));
    }
    Ok(dashless.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE: &str = "b5:b22338d6faf2a727613841d760c9cbfd21af6950621a589df329e1fe6611125904c39e22a73e0aa8834006a514dbd084e6c33b6bef29c8e4835b4b9dec631465";

    #[test]
    fn v2_lock() {
        let text = format!(
            "# Generated by buf. DO NOT EDIT.\nversion: v2\ndeps:\n  - name: bufbuild.test/bufbot/people\n    commit: fc7d540124fd42db92511c19a60a1d98\n    digest: {PEOPLE}\n"
        );
        let lock = parse(Path::new("buf.lock"), &text).unwrap();
        assert_eq!(lock.version, LockVersion::V2);
        assert_eq!(lock.deps.len(), 1);
        let dep = &lock.deps[0];
        assert_eq!(dep.full_name(), "bufbuild.test/bufbot/people");
        assert_eq!(dep.commit, "fc7d540124fd42db92511c19a60a1d98");
        assert_eq!(dep.digest.kind, DigestKind::B5);
        assert_eq!(dep.digest.to_string(), PEOPLE);
    }

    #[test]
    fn v1_lock() {
        let text = "version: v1\ndeps:\n  - remote: bufbuild.test\n    owner: workspace\n    repository: second\n    commit: 69f147a9d686496dbbfcdd30ffda9d20\n    digest: shake256:7f424416ce379930da892e3fe4903b1ef1bb174a805cea0b7e4bbf91ac222277a0ee2e83b0f7886ccd8e03cd619f96bea7fe350966bea25d848eb82298cba752\n";
        let lock = parse(Path::new("buf.lock"), text).unwrap();
        assert_eq!(lock.version, LockVersion::V1);
        let dep = &lock.deps[0];
        assert_eq!(
            dep.to_string(),
            "bufbuild.test/workspace/second:69f147a9d686496dbbfcdd30ffda9d20"
        );
        assert_eq!(dep.digest.kind, DigestKind::B4);
    }

    #[test]
    fn v1beta1_lock_and_empty_lock() {
        let text = "version: v1beta1\ndeps:\n  - remote: buf.build\n    owner: acme\n    repository: weather\n    branch: main\n    commit: 69f147a9-d686-496d-bbfc-dd30ffda9d20\n    digest: shake256:7f424416ce379930da892e3fe4903b1ef1bb174a805cea0b7e4bbf91ac222277a0ee2e83b0f7886ccd8e03cd619f96bea7fe350966bea25d848eb82298cba752\n    create_time: 2021-01-01T00:00:00Z\n";
        let lock = parse(Path::new("buf.lock"), text).unwrap();
        assert_eq!(lock.version, LockVersion::V1Beta1);
        assert_eq!(lock.deps[0].commit, "69f147a9d686496dbbfcdd30ffda9d20");
        assert!(parse(Path::new("buf.lock"), "").unwrap().deps.is_empty());
    }

    #[test]
    fn bad_entries_name_the_file_and_the_dependency() {
        let bad_digest = "version: v2\ndeps:\n  - name: a.b/c/d\n    commit: fc7d540124fd42db92511c19a60a1d98\n    digest: b5:1234\n";
        let e = parse(Path::new("x/buf.lock"), bad_digest)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x/buf.lock: dependency a.b/c/d:"), "{e}");
        let bad_name = format!("version: v2\ndeps:\n  - name: c/d\n    commit: fc7d540124fd42db92511c19a60a1d98\n    digest: {PEOPLE}\n");
        let e = parse(Path::new("buf.lock"), &bad_name)
            .unwrap_err()
            .to_string();
        assert!(e.contains("REGISTRY/OWNER/MODULE"), "{e}");
        let e = parse(Path::new("buf.lock"), "version: v3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown buf.lock version"), "{e}");
    }
}
