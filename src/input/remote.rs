//! Remote inputs: a repository or archive behind a URL (`https://`, `ssh://`, `git://`,
//! `git@host:path`) or a module of a registry (`buf.build/owner/module`). buf downloads them;
//! sous reads only what is on this machine, so each ends the run with a message that says how to
//! get a local copy to pass instead.

use std::path::Path;

use crate::error::{Error, Result};

const SCHEMES: &[&str] = &["https://", "http://", "ssh://", "git://", "ftp://"];

/// An error naming what to do instead if `path` (of argument `value`) is remote.
pub fn refuse(value: &str, path: &str) -> Result<()> {
    if Path::new(path).exists() {
        return Ok(());
    }
    let url = SCHEMES.iter().any(|s| path.starts_with(s)) || is_scp_like(path);
    if url {
        let archive = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".zip"]
            .iter()
            .any(|x| path.ends_with(x));
        let options = value
            .split_once('#')
            .map(|(_, o)| format!("#{o}"))
            .unwrap_or_default();
        return Err(Error::Usage(if archive {
            let file = path.rsplit('/').next().unwrap_or("archive");
            format!(
                "{value:?} is a remote archive, and sous reads inputs from this machine only: download it (`curl -fLO {path}`) and pass the file, `{file}{options}`"
            )
        } else {
            format!(
                "{value:?} is a remote git repository, and sous reads inputs from this machine only: clone it (`git clone {path} DIR`) and pass `DIR/.git{options}`"
            )
        }));
    }
    if looks_like_module(path) {
        return Err(module(value, path));
    }
    Ok(())
}

/// A registry module: buf downloads it; sous names the local copies to make instead.
pub fn module(value: &str, path: &str) -> Error {
    Error::Usage(format!(
        "{value:?} is a module of a registry, and sous reads inputs from this machine only: export its files (`buf export {path} -o DIR`) and pass DIR, or build an image (`buf build {path} -o image.binpb`) and pass that file",
    ))
}

/// `user@host:path`, git's scp-like syntax.
fn is_scp_like(path: &str) -> bool {
    let Some((user_host, rest)) = path.split_once(':') else {
        return false;
    };
    let Some((user, host)) = user_host.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && !host.is_empty()
        && !host.contains('/')
        && !rest.is_empty()
        && !rest.starts_with("//")
}

/// `registry.tld/owner/module[:ref]`: three components, the first a host name (its last label
/// letters only, so `v1.0/a/b`, a branch, is none), the last no file name; none of them a path
/// that exists here (checked by the caller).
fn looks_like_module(path: &str) -> bool {
    let name = path.split(':').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('/').collect();
    let host_like = parts[0].rsplit_once('.').is_some_and(|(domain, tld)| {
        !domain.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
    });
    parts.len() == 3
        && host_like
        && parts[1..].iter().all(|p| !p.is_empty())
        && !parts[2].contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_forms() {
        for remote in [
            "https://github.com/acme/protos.git",
            "https://example.com/protos.tar.gz",
            "ssh://git@github.com/acme/protos.git",
            "git@github.com:acme/protos.git",
            "buf.build/acme/petapis",
            "buf.build/acme/petapis:v1",
        ] {
            assert!(refuse(remote, remote).is_err(), "{remote}");
        }
        for local in [
            "proto",
            "a/b/c",
            "./x/y/z",
            "x.y/a/b.proto",
            ".",
            "v1.0/a/b",
            "HEAD~1",
        ] {
            assert!(refuse(local, local).is_ok(), "{local}");
        }
    }
}
