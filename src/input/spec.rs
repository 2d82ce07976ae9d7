//! buf's input syntax, `PATH#key=value,...`, for the inputs that are not a plain directory or
//! file: a git repository read from its object database, an archive read into memory, a `.proto`
//! file with `include_package_files`, and the remote inputs sous refuses with advice
//! ([`super::remote`]). The format comes from `format=` or, as buf derives it, from the path.
//!
//! A plain path (no `#`, no derived format) is [`Spec::Plain`]: the caller reads it from disk as
//! before, and so does an image (another module's business).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::archive::{self, Compression, Format};
use super::remote;
use crate::error::{Error, Result};
use crate::paths::join_rel;

/// What an input argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// Not one of the forms below: a directory, a file or an image, read by the caller.
    Plain,
    /// A directory named with `#format=dir`: read as a plain directory at `.0`.
    Dir(PathBuf),
    /// A `.proto` file, with `include_package_files=true`: every file of its package in its
    /// module is a target too.
    ProtoFile {
        path: PathBuf,
        include_package_files: bool,
    },
    Git(Git),
    Archive(archive::Spec),
}

/// A git repository on disk and what to read of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Git {
    /// The repository (its working tree or its `.git` directory).
    pub repo: PathBuf,
    /// The revision to read, HEAD when `None`.
    pub rev: Option<String>,
    /// The directory of the tree that is the input, clean.
    pub subdir: String,
    /// `recurse_submodules=true`: the files of submodules are read too.
    pub recurse_submodules: bool,
}

/// The keys each format takes, as buf knows them.
const GIT_KEYS: &[&str] = &[
    "format",
    "branch",
    "tag",
    "commit",
    "ref",
    "depth",
    "recurse_submodules",
    "subdir",
];
const TAR_KEYS: &[&str] = &["format", "strip_components", "subdir", "compression"];
const ZIP_KEYS: &[&str] = &["format", "strip_components", "subdir"];
const PROTOFILE_KEYS: &[&str] = &["format", "include_package_files"];
/// Every key buf knows, for the message about one it does not.
const ALL_KEYS: &str = "format, branch, tag, commit, ref, depth, recurse_submodules, subdir, strip_components, compression, include_package_files";

/// Image formats: left to the image reader, as [`Spec::Plain`].
const IMAGE_FORMATS: &[&str] = &["binpb", "json", "txtpb", "yaml"];

impl Spec {
    /// Parses `value`, an input or `--against` argument. Remote inputs are an error that says
    /// what to do instead.
    pub fn parse(value: &str) -> Result<Spec> {
        let (path, options) = match value.split_once('#') {
            Some((p, o)) => (p, Some(o)),
            None => (value, None),
        };
        if path.is_empty() && options.is_some() {
            return Err(Error::Usage(format!(
                "{value:?} names no path before #: give one, such as .git{value} for the repository here"
            )));
        }
        let options = match options {
            Some(o) => parse_options(value, o)?,
            None => BTreeMap::new(),
        };
        let format = match options.get("format") {
            Some(f) => f.clone(),
            None => match derived_format(value, path)? {
                Some(f) => f.to_string(),
                None => {
                    remote::refuse(value, path)?;
                    if options.is_empty() {
                        return Ok(Spec::Plain);
                    }
                    "dir".to_string()
                }
            },
        };
        if format != "mod" {
            remote::refuse(value, path)?;
        }
        let keys: &[&str] = match format.as_str() {
            "git" => GIT_KEYS,
            "tar" => TAR_KEYS,
            "zip" => ZIP_KEYS,
            "protofile" => PROTOFILE_KEYS,
            "mod" => return Err(remote::module(value, path)),
            "dir" => {
                if let Some(key) = options.keys().find(|k| *k != "format") {
                    return Err(Error::Usage(format!(
                        "{value:?}: option {key:?} is not for a directory: {}",
                        if Path::new(path).join(".git").exists() {
                            format!(
                                "to read the git repository, give {:?}",
                                format!("{}#{key}=...", join_rel(path, ".git"))
                            )
                        } else {
                            "options such as subdir= are for git repositories and archives".into()
                        }
                    )));
                }
                return Ok(Spec::Dir(PathBuf::from(if path.is_empty() { "." } else { path })));
            }
            f if IMAGE_FORMATS.contains(&f) => return Ok(Spec::Plain),
            f => {
                return Err(Error::Usage(format!(
                    "{value:?}: unknown format {f:?} (known: dir, git, tar, zip, protofile, and the image formats binpb, json, txtpb, yaml)"
                )))
            }
        };
        if let Some(key) = options.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(Error::Usage(format!(
                "{value:?}: option {key:?} is not for format {format} (it takes {})",
                keys[1..].join(", ")
            )));
        }
        let path = PathBuf::from(if path.is_empty() { "." } else { path });
        match format.as_str() {
            "git" => Ok(Spec::Git(git(value, path, &options)?)),
            "protofile" => {
                let include_package_files = match options.get("include_package_files") {
                    None => false,
                    Some(v) => parse_bool(value, "include_package_files", v)?,
                };
                Ok(Spec::ProtoFile {
                    path,
                    include_package_files,
                })
            }
            _ => {
                let format = if format == "zip" {
                    Format::Zip
                } else {
                    Format::Tar
                };
                Ok(Spec::Archive(archive_spec(value, path, format, &options)?))
            }
        }
    }
}

/// The format buf derives from `path`'s name, if any.
fn derived_format(value: &str, path: &str) -> Result<Option<&'static str>> {
    let name = path.trim_end_matches('/');
    Ok(Some(
        if name.ends_with(".tar")
            || name.ends_with(".tar.gz")
            || name.ends_with(".tgz")
            || name.ends_with(".tar.zst")
        {
            "tar"
        } else if name.ends_with(".zip") {
            "zip"
        } else if name.ends_with(".git") {
            "git"
        } else if name.ends_with(".proto") {
            "protofile"
        } else if [".binpb", ".bin", ".pb"].iter().any(|x| name.ends_with(x)) {
            "binpb"
        } else if name.ends_with(".json") {
            "json"
        } else if name.ends_with(".txtpb") {
            "txtpb"
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            "yaml"
        } else if name.ends_with(".gz") || name.ends_with(".zst") {
            return Err(Error::Usage(format!(
                "{value:?}: a compressed file whose format is unknown: name a tarball .tar.gz, .tgz or .tar.zst, or add #format=tar"
            )));
        } else {
            return Ok(None);
        },
    ))
}

/// `k=v,k=v` as buf reads it: every key once, no empty value.
fn parse_options(value: &str, options: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for kv in options.split(',') {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || v.is_empty() {
            return Err(Error::Usage(format!(
                "{value:?}: option {kv:?} is not KEY=VALUE (options after # are comma-separated KEY=VALUE pairs)"
            )));
        }
        if !ALL_KEYS.split(", ").any(|known| known == k) {
            return Err(Error::Usage(format!(
                "{value:?}: unknown option {k:?} (known: {ALL_KEYS})"
            )));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(Error::Usage(format!(
                "{value:?}: option {k:?} is given twice"
            )));
        }
    }
    Ok(out)
}

fn parse_bool(value: &str, key: &str, v: &str) -> Result<bool> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::Usage(format!(
            "{value:?}: {key}={v:?} is neither true nor false"
        ))),
    }
}

/// `subdir=`, clean and inside the tree.
fn subdir(value: &str, options: &BTreeMap<String, String>) -> Result<String> {
    let Some(raw) = options.get("subdir") else {
        return Ok(".".into());
    };
    if raw.starts_with('/') {
        return Err(Error::Usage(format!(
            "{value:?}: subdir {raw:?} must be relative to the root of the repository or archive"
        )));
    }
    let subdir = join_rel(".", raw);
    if subdir.starts_with("..") {
        return Err(Error::Usage(format!(
            "{value:?}: subdir {raw:?} climbs out of the repository or archive"
        )));
    }
    Ok(subdir)
}

/// The git options: one of branch, tag and commit (ref may go with a branch or a tag, and is
/// then read from there), depth (a positive number, accepted: nothing is cloned), subdir,
/// recurse_submodules.
fn git(value: &str, repo: PathBuf, options: &BTreeMap<String, String>) -> Result<Git> {
    let given: Vec<&str> = ["branch", "tag", "commit"]
        .into_iter()
        .filter(|k| options.contains_key(*k))
        .collect();
    if given.len() > 1 {
        return Err(Error::Usage(format!(
            "{value:?}: give only one of branch, tag and commit (not {})",
            given.join(" and ")
        )));
    }
    if options.contains_key("commit") && options.contains_key("ref") {
        return Err(Error::Usage(format!(
            "{value:?}: give commit or ref, not both"
        )));
    }
    if let Some(depth) = options.get("depth") {
        match depth.parse::<u32>() {
            Ok(0) => return Err(Error::Usage(format!("{value:?}: depth must be above 0"))),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::Usage(format!(
                    "{value:?}: depth {depth:?} is not a number"
                )))
            }
        }
    }
    let recurse_submodules = match options.get("recurse_submodules") {
        Some(v) => parse_bool(value, "recurse_submodules", v)?,
        None => false,
    };
    let base = options
        .get("branch")
        .cloned()
        .or_else(|| options.get("tag").map(|t| format!("refs/tags/{t}")))
        .or_else(|| options.get("commit").cloned());
    let rev = match (options.get("ref"), base) {
        // A ref read from a branch or tag: `HEAD` there is that branch or tag.
        (Some(r), Some(base)) => Some(match r.strip_prefix("HEAD") {
            Some(rest) => format!("{base}{rest}"),
            None => r.clone(),
        }),
        (Some(r), None) => Some(r.clone()),
        (None, base) => base,
    };
    Ok(Git {
        repo,
        rev,
        subdir: subdir(value, options)?,
        recurse_submodules,
    })
}

/// The archive options: strip_components (a number), subdir, and for a tarball the compression
/// (from `compression=`, else from the name).
fn archive_spec(
    value: &str,
    path: PathBuf,
    format: Format,
    options: &BTreeMap<String, String>,
) -> Result<archive::Spec> {
    let strip_components = match options.get("strip_components") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| {
            Error::Usage(format!(
                "{value:?}: strip_components {v:?} is not a number of leading directories (0 or more)"
            ))
        })?,
    };
    let name = path.to_string_lossy();
    let compression = match options.get("compression").map(String::as_str) {
        Some(given) => Compression::from_option(given).ok_or_else(|| {
            Error::Usage(format!(
                "{value:?}: unknown compression {given:?} (none, gzip or zstd)"
            ))
        })?,
        None if name.ends_with(".gz") || name.ends_with(".tgz") => Compression::Gzip,
        None if name.ends_with(".zst") => Compression::Zstd,
        None => Compression::None,
    };
    Ok(archive::Spec {
        subdir: subdir(value, options)?,
        path,
        format,
        compression,
        strip_components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(value: &str) -> archive::Spec {
        match Spec::parse(value).unwrap() {
            Spec::Archive(a) => a,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn archives_from_names_and_options() {
        let a = archive("x.tar.gz#strip_components=1,subdir=./a/b/");
        assert_eq!(
            (
                a.format,
                a.compression,
                a.strip_components,
                a.subdir.as_str()
            ),
            (Format::Tar, Compression::Gzip, 1, "a/b")
        );
        assert_eq!(archive("x.tgz").compression, Compression::Gzip);
        assert_eq!(archive("x.tar.zst").compression, Compression::Zstd);
        assert_eq!(archive("x.zip").format, Format::Zip);
        let a = archive("blob#format=tar,compression=zstd");
        assert_eq!((a.format, a.compression), (Format::Tar, Compression::Zstd));
        assert_eq!(
            archive("x.tar.gz#compression=none").compression,
            Compression::None
        );
    }

    #[test]
    fn git_revisions() {
        let git = |v: &str| match Spec::parse(v).unwrap() {
            Spec::Git(g) => g,
            other => panic!("{v}: {other:?}"),
        };
        assert_eq!(git(".git").rev, None);
        assert_eq!(git(".git#tag=v1").rev.as_deref(), Some("refs/tags/v1"));
        assert_eq!(
            git(".git#branch=feat,ref=HEAD~1").rev.as_deref(),
            Some("feat~1")
        );
        assert_eq!(git("r/.git#subdir=a/../b").subdir, "b");
        assert!(git(".git#recurse_submodules=true").recurse_submodules);
        assert_eq!(git("repo#format=git").repo, PathBuf::from("repo"));
    }

    #[test]
    fn refusals() {
        for bad in [
            "x.tar#strip_components=-1",
            "x.tar#strip_components=1,strip_components=2",
            "x.tar#subdir=",
            "x.tar#subdir=../x",
            "x.tar#subdir=/abs",
            "x.tar#foo=bar",
            "x.tar#compression=lz4",
            "x.zip#compression=gzip",
            "x.gz",
            ".git#branch=a,tag=b",
            ".git#depth=0",
            ".git#depth=x",
            ".git#recurse_submodules=yes",
            ".git#strip_components=1",
            "a.proto#include_package_files=1",
            "x#format=nope",
            "#branch=main",
        ] {
            assert!(Spec::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Spec::parse("some/dir").unwrap(), Spec::Plain);
        assert_eq!(Spec::parse("image.binpb").unwrap(), Spec::Plain);
        assert_eq!(Spec::parse("image.bin#format=binpb").unwrap(), Spec::Plain);
        assert!(Spec::parse(".#branch=main").is_err());
        assert_eq!(
            Spec::parse("proto#format=dir").unwrap(),
            Spec::Dir(PathBuf::from("proto"))
        );
    }
}
