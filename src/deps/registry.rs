//! A blocking Connect client for the Buf Schema Registry (or a private one): unary calls are an
//! HTTPS POST of a binary protobuf to `https://<registry>/<package.Service>/<Method>` with
//! `Content-Type: application/proto` and `Connect-Protocol-Version: 1`; an error is JSON
//! `{"code": ..., "message": ...}` with an HTTP status. Timeouts on every call, and retries with
//! backoff on what may pass (a dropped connection, a timeout, 429, 502-504, Connect's
//! `unavailable`).
//!
//! Where a registry is reached can be changed with `SOUS_REGISTRY_URL`
//! (`host=http://127.0.0.1:8080,other=https://mirror.example`): for tests and mirrors. The
//! timeout of one call is `SOUS_REGISTRY_TIMEOUT` seconds (default 120).

use std::time::Duration;

use prost::Message;

use super::auth::{Source, Tokens};
use crate::error::{Error, Result};

const DEFAULT_TIMEOUT_SECS: f64 = 120.0;
const ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A module of googleapis' size is a few megabytes; this only stops a runaway answer.
const MAX_BODY: u64 = 1 << 30;

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// The registry answered with an error: the HTTP status, Connect's code and message.
    Status {
        http: u16,
        code: String,
        message: String,
        /// Whether a token was sent, and where it came from.
        token: Option<Source>,
    },
    /// No usable answer: no connection, a timeout, a cut-off or unreadable body.
    Transport(String),
}

impl CallError {
    /// What may go better on a second try.
    fn is_transient(&self) -> bool {
        match self {
            CallError::Transport(_) => true,
            CallError::Status { http, code, .. } => {
                matches!(http, 429 | 502..=504)
                    || matches!(code.as_str(), "unavailable" | "resource_exhausted")
            }
        }
    }
}

/// One client for every registry of a run.
pub struct Client {
    agent: ureq::Agent,
    tokens: Tokens,
    /// `SOUS_REGISTRY_URL`'s mapping from registry host to base URL.
    bases: Vec<(String, String)>,
    timeout: Duration,
}

impl Client {
    /// A client configured from the environment (`BUF_TOKEN`, netrc, `SOUS_REGISTRY_URL`,
    /// `SOUS_REGISTRY_TIMEOUT`).
    pub fn from_env() -> Result<Client> {
        let timeout = match std::env::var("SOUS_REGISTRY_TIMEOUT") {
            Ok(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "SOUS_REGISTRY_TIMEOUT={v:?} is not a positive number of seconds"
                    ))
                })?,
            Err(_) => Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
        };
        let bases = match std::env::var("SOUS_REGISTRY_URL") {
            Ok(v) => parse_bases(&v)?,
            Err(_) => Vec::new(),
        };
        let config = ureq::Agent::config_builder()
            // Connect errors come with 4xx and 5xx statuses and a JSON body to read.
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("sous/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client {
            agent: config.into(),
            tokens: Tokens::from_env()?,
            bases,
            timeout,
        })
    }

    /// The URL of `procedure` (`/package.Service/Method`) on `registry`.
    pub fn url(&self, registry: &str, procedure: &str) -> String {
        let base = self
            .bases
            .iter()
            .find(|(host, _)| host == registry)
            .map(|(_, base)| base.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("https://{registry}"));
        format!("{base}{procedure}")
    }

    /// Calls `procedure` on `registry` with `request`, retrying what may pass.
    pub fn call<Req: Message, Resp: Message + Default>(
        &self,
        registry: &str,
        procedure: &str,
        request: &Req,
    ) -> std::result::Result<Resp, CallError> {
        let body = request.encode_to_vec();
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            match self.call_once(registry, procedure, &body) {
                Ok(bytes) => {
                    return Resp::decode(bytes.as_slice()).map_err(|e| {
                        CallError::Transport(format!("the answer is not a valid message: {e}"))
                    })
                }
                Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                    std::thread::sleep(backoff);
                    backoff *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn call_once(
        &self,
        registry: &str,
        procedure: &str,
        body: &[u8],
    ) -> std::result::Result<Vec<u8>, CallError> {
        let token = self.tokens.for_registry(registry);
        let mut request = self
            .agent
            .post(self.url(registry, procedure))
            .header("Content-Type", "application/proto")
            .header("Connect-Protocol-Version", "1")
            .header(
                "Connect-Timeout-Ms",
                self.timeout
                    .as_millis()
                    .min(u128::from(u32::MAX))
                    .to_string(),
            );
        if let Some((token, _)) = &token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.send(body).map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(transport)?;
        if status == 200 {
            return Ok(bytes);
        }
        let (code, message) = connect_error(status, &bytes);
        Err(CallError::Status {
            http: status,
            code,
            message,
            token: token.map(|(_, source)| source),
        })
    }
}

fn transport(e: ureq::Error) -> CallError {
    CallError::Transport(match e {
        ureq::Error::Timeout(_) => "no answer within the timeout (SOUS_REGISTRY_TIMEOUT)".into(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the connection closed before the whole answer arrived".into()
        }
        other => other.to_string(),
    })
}

/// Connect's error body, `{"code": "not_found", "message": "..."}`; without one, the code
/// Connect assigns to the HTTP status.
fn connect_error(status: u16, body: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(b) if !b.code.is_empty() => (b.code, b.message),
        _ => {
            let code = match status {
                400 => "internal",
                401 => "unauthenticated",
                403 => "permission_denied",
                404 => "unimplemented",
                429 | 502..=504 => "unavailable",
                _ => "unknown",
            };
            let text = String::from_utf8_lossy(body);
            (code.to_string(), text.chars().take(200).collect())
        }
    }
}

/// `host=url,host=url`.
fn parse_bases(value: &str) -> Result<Vec<(String, String)>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((host, url))
                if !host.is_empty()
                    && (url.starts_with("http://") || url.starts_with("https://")) =>
            {
                Ok((host.to_string(), url.to_string()))
            }
            _ => Err(Error::Usage(format!(
                "SOUS_REGISTRY_URL: {pair:?} is not REGISTRY=http(s)://HOST[:PORT]"
            ))),
        })
        .collect()
}

/// The message for a failed call about `what` (a dependency, or several) on `registry`: what
/// happened and what to do.
pub fn describe(e: &CallError, registry: &str, what: &str) -> String {
    match e {
        CallError::Status {
            http,
            code,
            message,
            token,
        } => {
            let said = if message.is_empty() {
                format!("{code} (HTTP {http})")
            } else {
                format!("{code} (HTTP {http}): {message}")
            };
            match code.as_str() {
                "unauthenticated" | "permission_denied" => {
                    let hint = match token {
                        None => format!(
                            "no token was sent: set BUF_TOKEN or run `buf registry login {registry}`"
                        ),
                        Some(Source::Env) => {
                            format!("the token in BUF_TOKEN was refused: check it has access to {what}")
                        }
                        Some(Source::Netrc) => format!(
                            "the token from the netrc file was refused: run `buf registry login {registry}` again, or set BUF_TOKEN"
                        ),
                    };
                    format!("registry {registry} refused to serve {what}: {said}; {hint}")
                }
                "not_found" => format!(
                    "registry {registry} does not have {what}: {said}; the commit in buf.lock may be gone: run `buf dep update`"
                ),
                _ => format!("registry {registry} failed to serve {what}: {said}"),
            }
        }
        CallError::Transport(why) => {
            format!("could not download {what} from {registry}: {why} (after {ATTEMPTS} attempts)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_map_hosts_to_urls() {
        let b = parse_bases("buf.build=http://127.0.0.1:9, x=https://m.example/").unwrap();
        assert_eq!(b[0], ("buf.build".into(), "http://127.0.0.1:9".into()));
        assert_eq!(b[1].0, "x");
        assert!(parse_bases("buf.build").is_err());
        assert!(parse_bases("buf.build=ftp://x").is_err());
    }

    #[test]
    fn connect_errors_read_json_or_fall_back_to_the_status() {
        let (code, message) = connect_error(404, br#"{"code":"not_found","message":"no commit"}"#);
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("not_found", "no commit")
        );
        let (code, _) = connect_error(503, b"<html>");
        assert_eq!(code, "unavailable");
    }
}
