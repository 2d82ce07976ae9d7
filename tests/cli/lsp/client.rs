//! A language-server client for the tests: JSON-RPC over the stdio of `sous lsp`, with the
//! helpers the tests need (requests, notifications, waiting for diagnostics) and the conversions
//! between LSP positions (UTF-16) and buf's (1-based lines, terminal-cell columns).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any answer may take (a debug build compiling on a shared machine).
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Messages from the server not consumed yet.
    pending: VecDeque<Value>,
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// `sous lsp` started in `cwd`, with `env` set.
    pub fn start(cwd: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sous"))
            .arg("lsp")
            .current_dir(cwd)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sous lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        length = v.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            pending: VecDeque::new(),
        }
    }

    /// Writes one frame with `body` as it is.
    pub fn raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: Value) {
        self.raw(message.to_string().as_bytes());
    }

    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        match self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    /// The response with id `id`; other messages wait in `pending`.
    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no response to request {id}"));
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The `result` of a request, which must not fail.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn initialize(&mut self, options: Value) -> Value {
        let result = self.result(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "proto", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    pub fn save(&mut self, path: &Path) {
        self.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri(path)}}),
        );
    }

    /// The diagnostics of the next publication for `path` at `version`, skipping earlier ones.
    pub fn diagnostics(&mut self, path: &Path, version: i64) -> Vec<Value> {
        let uri = uri(path);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = match self.pending.pop_front() {
                Some(m) => m,
                None => self
                    .receive(deadline)
                    .unwrap_or_else(|| panic!("no diagnostics for {uri} at version {version}")),
            };
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == json!(uri)
                && message["params"]["version"] == json!(version)
            {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    /// The diagnostics of every publication for `path` received and not consumed yet.
    pub fn published(&mut self, path: &Path) -> Vec<Vec<Value>> {
        let uri = uri(path);
        let (mine, rest): (Vec<Value>, Vec<Value>) = self.pending.drain(..).partition(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        });
        self.pending = rest.into();
        mine.into_iter()
            .map(|m| {
                m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }

    /// `shutdown`, then `exit`: the exit code.
    pub fn shutdown(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "sous lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The resident memory of the server, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The byte offset of an LSP position (line, UTF-16 units) in `text`.
pub fn offset(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..]
            .find('\n')
            .map_or(text.len() - start, |n| n + 1);
    }
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// buf's 1-based column of an LSP position: terminal cells, a tab to the next multiple of 4.
fn buf_column(text: &str, line: u64, character: u64) -> u32 {
    let at = offset(text, line, character);
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    cells(&text[start..at])
}

/// buf's 1-based column after `prefix`, the start of a line.
pub fn cells(prefix: &str) -> u32 {
    use unicode_width::UnicodeWidthChar;
    let mut col = 0;
    for c in prefix.chars() {
        col = if c == '\t' {
            col + 4 - col % 4
        } else {
            col + c.width().unwrap_or(1)
        };
    }
    col as u32 + 1
}

/// A diagnostic as a finding's key (no path): (start line, start column, end line, end column,
/// rule), in buf's positions.
pub type Key = (u32, u32, u32, u32, String);

pub fn key(text: &str, d: &Value) -> Key {
    let n = |v: &Value| v.as_u64().unwrap();
    let (start, end) = (&d["range"]["start"], &d["range"]["end"]);
    (
        n(&start["line"]) as u32 + 1,
        buf_column(text, n(&start["line"]), n(&start["character"])),
        n(&end["line"]) as u32 + 1,
        buf_column(text, n(&end["line"]), n(&end["character"])),
        d["code"].as_str().unwrap().to_string(),
    )
}

/// `text` with the edits of a `WorkspaceEdit` for `uri` applied.
pub fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edit for {uri}: {edit}"))
        .iter()
        .map(|e| {
            let (s, t) = (&e["range"]["start"], &e["range"]["end"]);
            (
                offset(
                    text,
                    s["line"].as_u64().unwrap(),
                    s["character"].as_u64().unwrap(),
                ),
                offset(
                    text,
                    t["line"].as_u64().unwrap(),
                    t["character"].as_u64().unwrap(),
                ),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}
