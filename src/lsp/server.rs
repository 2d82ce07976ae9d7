//! The server's state and its loop: open documents, the last results of their checks, and the
//! dispatch of each message to its handler, each run under `catch_unwind`.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, Diagnostic, InitializeParams, InitializeResult, PositionEncodingKind,
    SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, Uri,
};
use serde_json::Value;

use super::check::{Bases, Compared, Linted};
use super::convert::{path_to_uri, uri_to_path};
use super::symbols::Index;
use super::DEBOUNCE;
use crate::finding::Finding;

/// One open document.
pub struct Doc {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub text: String,
    pub version: i32,
    /// When it should be linted again: set by a change, cleared by the check.
    pub due: Option<Instant>,
    /// The last lint: its findings in this file with the text they were found in.
    pub linted: Option<Arc<Linted>>,
    pub lint_text: String,
    pub lint: Vec<(Finding, Diagnostic)>,
    /// The file and its imports compiled with all their source info, and the symbols in them:
    /// built on first use after a change.
    pub symbols: Option<Arc<(crate::schema::Schema, Index)>>,
    /// The last comparison with the base revision.
    pub compared: Option<Arc<Compared>>,
    pub breaking_text: String,
    pub breaking: Vec<(Finding, Diagnostic)>,
}

/// What the client chose in its initialization options.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The revision breaking diagnostics compare with (default: the merge base of HEAD with the
    /// default branch).
    pub against: Option<String>,
    /// `false` turns breaking diagnostics off.
    pub breaking: Option<bool>,
}

pub struct Server {
    pub(super) sender: Sender<Message>,
    pub docs: HashMap<String, Doc>,
    pub settings: Settings,
    pub(super) bases: Bases,
    /// Whole workspaces compiled for find references, by workspace root, and whether a change
    /// came since (then the next request compiles again, reusing every file not changed).
    pub workspaces: HashMap<PathBuf, (Arc<(crate::schema::Schema, Index)>, bool)>,
    shutdown: bool,
}

impl Server {
    pub fn new(sender: Sender<Message>) -> Server {
        Server {
            sender,
            docs: HashMap::new(),
            settings: Settings::default(),
            bases: Bases::default(),
            workspaces: HashMap::new(),
            shutdown: false,
        }
    }

    /// Serves until `exit` or the end of the input; the exit code.
    pub fn run(mut self, receiver: &Receiver<Message>) -> i32 {
        if !self.initialize(receiver) {
            return 1;
        }
        loop {
            let due = self.docs.values().filter_map(|d| d.due).min();
            let message = match due {
                Some(due) => {
                    match receiver.recv_timeout(due.saturating_duration_since(Instant::now())) {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => {
                            self.guarded("checking", |s| s.check_due());
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return 1,
                    }
                }
                None => match receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return 1,
                },
            };
            match message {
                Message::Request(req) => {
                    let response = self.request(req);
                    self.send(Message::Response(response));
                }
                Message::Notification(n) if n.method == notification::Exit::METHOD => {
                    return if self.shutdown { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    self.guarded(&method, |s| s.notification(n));
                }
                Message::Response(_) => {}
            }
        }
    }

    /// The handshake: answers `initialize` (and refuses anything else before it).
    fn initialize(&mut self, receiver: &Receiver<Message>) -> bool {
        loop {
            let Ok(message) = receiver.recv() else {
                return false;
            };
            match message {
                Message::Request(req) if req.method == request::Initialize::METHOD => {
                    let params: Option<InitializeParams> = serde_json::from_value(req.params).ok();
                    if let Some(options) = params.and_then(|p| p.initialization_options) {
                        match serde_json::from_value::<Settings>(options) {
                            Ok(settings) => self.settings = settings,
                            Err(e) => eprintln!("sous lsp: initialization options ignored: {e}"),
                        }
                    }
                    let result = InitializeResult {
                        capabilities: capabilities(),
                        server_info: Some(ServerInfo {
                            name: "sous".into(),
                            version: Some(env!("CARGO_PKG_VERSION").into()),
                        }),
                    };
                    self.send(Message::Response(Response::new_ok(req.id, result)));
                    return true;
                }
                Message::Request(req) => self.send(Message::Response(Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized: send `initialize` first".into(),
                ))),
                Message::Notification(n) if n.method == notification::Exit::METHOD => return false,
                _ => {}
            }
        }
    }

    pub fn send(&self, message: Message) {
        let _ = self.sender.send(message);
    }

    /// Runs `f`, logging a panic instead of ending the server.
    fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Self)) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(self))) {
            eprintln!("sous lsp: {what} panicked: {}", panic_message(&panic));
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        if self.shutdown {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        if req.method == request::Shutdown::METHOD {
            self.shutdown = true;
            return Response::new_ok(id, ());
        }
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => {
                let message = panic_message(&panic);
                eprintln!("sous lsp: {method} panicked: {message}");
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("sous panicked answering {method}: {message}"),
                )
            }
        }
    }

    fn dispatch(&mut self, req: Request) -> Result<Value, (ErrorCode, String)> {
        fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(req.params).map_err(|e| {
                (
                    ErrorCode::InvalidParams,
                    format!("{}: invalid parameters: {e}", req.method),
                )
            })
        }
        let json = |v: Result<Value, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match req.method.as_str() {
            request::HoverRequest::METHOD => {
                let p = params(req)?;
                json(serde_json::to_value(self.hover(p)))
            }
            request::GotoDefinition::METHOD => {
                let p = params(req)?;
                json(serde_json::to_value(self.definition(p)))
            }
            request::References::METHOD => {
                let p = params(req)?;
                json(serde_json::to_value(self.references(p)))
            }
            request::CodeActionRequest::METHOD => {
                let p = params(req)?;
                json(serde_json::to_value(self.code_actions(p)))
            }
            // For the tests of the server's robustness only: a request that panics, in debug
            // builds (the tests') and never in a release.
            "sous/panic"
                if cfg!(debug_assertions) && std::env::var_os("SOUS_LSP_PANIC").is_some() =>
            {
                panic!("asked to panic")
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("sous does not answer {method}"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
            let method = n.method.clone();
            serde_json::from_value(n.params)
                .map_err(|e| eprintln!("sous lsp: {method}: invalid parameters: {e}"))
                .ok()
        }
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidOpenTextDocumentParams>(n) else {
                    return;
                };
                let doc = p.text_document;
                let key = doc.uri.as_str().to_string();
                self.docs.insert(
                    key.clone(),
                    Doc {
                        path: uri_to_path(&doc.uri),
                        uri: doc.uri,
                        text: doc.text,
                        version: doc.version,
                        due: None,
                        linted: None,
                        lint_text: String::new(),
                        lint: Vec::new(),
                        symbols: None,
                        compared: None,
                        breaking_text: String::new(),
                        breaking: Vec::new(),
                    },
                );
                self.workspaces.values_mut().for_each(|w| w.1 = true);
                // Lint first, in milliseconds; the base revision's side may take longer to
                // compile the first time, and its findings follow in a second publication.
                self.lint(&key);
                self.publish(&key);
                self.compare(&key);
                if self.docs.get(&key).is_some_and(|d| !d.breaking.is_empty()) {
                    self.publish(&key);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidChangeTextDocumentParams>(n) else {
                    return;
                };
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let lines = crate::schema::LineIndex::new(&doc.text);
                            let start = super::convert::offset(&doc.text, &lines, range.start);
                            let end = super::convert::offset(&doc.text, &lines, range.end);
                            doc.text.replace_range(start..end.max(start), &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                let now = Instant::now();
                doc.due = Some(now + DEBOUNCE);
                let edited_path = doc.path.clone();
                // What imports it may change too: the other open documents whose last check read
                // it (or that have none) are checked again, after this one.
                let edited = p.text_document.uri.as_str();
                for (key, other) in self.docs.iter_mut() {
                    let reads = |path: &std::path::Path| {
                        other
                            .linted
                            .as_ref()
                            .is_none_or(|l| super::check::source_of(&l.schema, path).is_some())
                    };
                    if key != edited
                        && other.path.is_some()
                        && other.due.is_none()
                        && edited_path.as_deref().is_some_and(reads)
                    {
                        other.due = Some(now + 3 * DEBOUNCE);
                    }
                }
                self.workspaces.values_mut().for_each(|w| w.1 = true);
            }
            notification::DidSaveTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidSaveTextDocumentParams>(n) else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_string();
                let Some(doc) = self.docs.get_mut(&key) else {
                    return;
                };
                if let Some(text) = p.text {
                    doc.text = text;
                }
                self.workspaces.values_mut().for_each(|w| w.1 = true);
                self.lint(&key);
                self.compare(&key);
                self.publish(&key);
            }
            notification::DidCloseTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidCloseTextDocumentParams>(n) else {
                    return;
                };
                if let Some(doc) = self.docs.remove(p.text_document.uri.as_str()) {
                    self.publish_to(doc.uri, Vec::new(), None);
                }
                self.workspaces.values_mut().for_each(|w| w.1 = true);
            }
            _ => {}
        }
    }

    /// The document at `uri` (settled), if it is open.
    pub fn doc(&mut self, uri: &Uri) -> Option<&Doc> {
        let key = uri.as_str();
        self.settle(key);
        self.docs.get(key)
    }

    /// The URI of a file on disk.
    pub fn uri_of(&self, path: &std::path::Path) -> Option<Uri> {
        let path = crate::paths::absolute(path);
        path_to_uri(std::path::Path::new(&crate::paths::clean(&path)))
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(SaveOptions::default().into()),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(true.into()),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        code_action_provider: Some(true.into()),
        ..ServerCapabilities::default()
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".into())
}
