//! The token sent to a registry, found as buf finds it: `BUF_TOKEN` first (one token for every
//! registry, or `tok1@remote1,tok2@remote2`), then the password of the registry's `machine` entry
//! in the netrc file (`$NETRC`, else `~/.netrc`, `~/_netrc` on Windows), which is what `buf
//! registry login` writes. Sent as `Authorization: Bearer <token>`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// Where a token came from, for the message when the registry refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Env,
    Netrc,
}

/// The tokens of `BUF_TOKEN`, read once.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// One token for every registry.
    all: Option<String>,
    by_remote: BTreeMap<String, String>,
}

impl Tokens {
    /// Reads `BUF_TOKEN` (a malformed value is an error naming it, as buf's is).
    pub fn from_env() -> Result<Tokens> {
        match std::env::var("BUF_TOKEN") {
            Ok(value) => Tokens::parse(&value),
            Err(_) => Ok(Tokens::default()),
        }
    }

    /// buf's rules: `tok`, or `tok@remote` entries separated by `,`; a token cannot contain `@`,
    /// `,` or `:`, and a remote cannot repeat.
    pub fn parse(value: &str) -> Result<Tokens> {
        let value = value.trim();
        let mut tokens = Tokens::default();
        if value.is_empty() {
            return Ok(tokens);
        }
        let bad = |why: &str| Error::Usage(format!("BUF_TOKEN is not valid: {why}"));
        let parts: Vec<&str> = value.split(',').collect();
        if parts.len() == 1 && !value.contains('@') {
            tokens.all = Some(value.to_string());
            return Ok(tokens);
        }
        for part in parts {
            let Some((token, remote)) = part.split_once('@') else {
                return Err(bad("with several tokens each must be TOKEN@REGISTRY"));
            };
            if token.is_empty() || remote.is_empty() || remote.contains('@') {
                return Err(bad("each entry must be TOKEN@REGISTRY"));
            }
            if token.contains(':') {
                return Err(bad("a token cannot contain `:`"));
            }
            if tokens
                .by_remote
                .insert(remote.to_string(), token.to_string())
                .is_some()
            {
                return Err(bad(&format!("registry {remote} is named twice")));
            }
        }
        Ok(tokens)
    }

    /// The token for `registry` and where it came from: `BUF_TOKEN` wins over netrc, as in buf.
    pub fn for_registry(&self, registry: &str) -> Option<(String, Source)> {
        if let Some(token) = self.all.as_ref().or_else(|| self.by_remote.get(registry)) {
            return Some((token.clone(), Source::Env));
        }
        netrc_password(registry).map(|t| (t, Source::Netrc))
    }
}

/// The netrc file buf reads.
fn netrc_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NETRC").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })?;
    let name = if cfg!(windows) { "_netrc" } else { ".netrc" };
    Some(PathBuf::from(home).join(name))
}

/// The password of `machine <host>` in the netrc file; none when there is no file or entry (an
/// unreadable file is no token either, as for buf, which then gets a 401 and says so).
fn netrc_password(host: &str) -> Option<String> {
    let text = std::fs::read_to_string(netrc_path()?).ok()?;
    parse_netrc(&text, host)
}

/// The netrc grammar: whitespace-separated tokens; `machine NAME` (or `default`) opens an entry
/// whose `login`, `password` and `account` follow; `macdef NAME` runs to the next blank line.
/// Only an entry naming `host` counts: a `default` token is never sent to a registry.
fn parse_netrc(text: &str, host: &str) -> Option<String> {
    let mut words = Vec::new();
    let mut in_macro = false;
    for line in text.lines() {
        if in_macro {
            in_macro = !line.trim().is_empty();
            continue;
        }
        let line_words: Vec<&str> = line.split_whitespace().collect();
        if line_words.first() == Some(&"macdef") {
            in_macro = true;
            continue;
        }
        words.extend(line_words);
    }
    let mut current: Option<&str> = None;
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "machine" => {
                current = words.get(i + 1).copied();
                i += 2;
            }
            "default" => {
                current = None;
                i += 1;
            }
            "password" => {
                if current == Some(host) {
                    return words.get(i + 1).map(|w| w.to_string());
                }
                i += 2;
            }
            "login" | "account" => i += 2,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_is_for_every_registry() {
        let t = Tokens::parse("abc").unwrap();
        assert_eq!(t.all.as_deref(), Some("abc"));
    }

    #[test]
    fn tokens_by_registry() {
        let t = Tokens::parse("a@buf.build,b@buf.example.com").unwrap();
        assert_eq!(t.by_remote["buf.build"], "a");
        assert_eq!(t.by_remote["buf.example.com"], "b");
        assert!(Tokens::parse("a@x,a@x").is_err());
        assert!(Tokens::parse("a,b").is_err());
        assert!(Tokens::parse("a:b@x").is_err());
    }

    #[test]
    fn netrc_machine_password() {
        let text = "machine other.example login u password nope\n\
                    macdef init\nmachine buf.build password macro\n\n\
                    machine buf.build\n  login me\n  password secret\ndefault login x password dflt\n";
        assert_eq!(parse_netrc(text, "buf.build").as_deref(), Some("secret"));
        assert_eq!(parse_netrc(text, "unknown.example"), None);
    }
}
