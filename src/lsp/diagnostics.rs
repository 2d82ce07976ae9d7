//! The diagnostics of open documents: when each is checked (debounced lint on change, lint and
//! breaking on open and save), and what is published: the findings in the document's own file,
//! as diagnostics placed in the text they were found in.

use std::sync::Arc;
use std::time::Instant;

use lsp_server::{Message, Notification};
use lsp_types::notification::Notification as _;
use lsp_types::{notification, Diagnostic, PublishDiagnosticsParams, Uri};

use super::check::{self, Texts};
use super::convert::diagnostic;
use super::server::Server;

impl Server {
    /// Lints every document whose time has come.
    pub(super) fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.lint(&key);
            self.publish(&key);
        }
    }

    /// Lints a document now if a change is waiting (before a request reads its results).
    pub fn settle(&mut self, key: &str) {
        if self.docs.get(key).is_some_and(|d| d.due.is_some()) {
            self.lint(key);
            self.publish(key);
        }
    }

    /// The open buffers' text, by path.
    pub fn texts(&self) -> Texts {
        self.docs
            .values()
            .filter_map(|d| Some((d.path.clone()?, d.text.clone())))
            .collect()
    }

    pub(super) fn lint(&mut self, key: &str) {
        let texts = self.texts();
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        doc.due = None;
        let Some(path) = doc.path.clone() else {
            return;
        };
        let before = doc.linted.clone();
        let text = doc.text.clone();
        let result = check::lint(&path, &texts, before.as_ref().map(|l| &l.schema));
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        match result {
            Ok(linted) => {
                let own: Vec<_> = match check::source_of(&linted.schema, &path) {
                    Some(source) => check::of_file(&linted.findings, source)
                        .into_iter()
                        .map(|f| (f.clone(), diagnostic(&source.text, &source.lines, f)))
                        .collect(),
                    None => Vec::new(),
                };
                // An import being typed does not compile: this unchanged file keeps its last
                // results rather than losing them to an error that is not its own.
                let broken_elsewhere = !linted.schema.errors.is_empty() && own.is_empty();
                if broken_elsewhere && doc.linted.is_some() && doc.lint_text == text {
                    return;
                }
                doc.lint = own;
                doc.lint_text = text;
                doc.linted = Some(Arc::new(linted));
                doc.symbols = None;
            }
            Err(e) => {
                eprintln!("sous lsp: {}: not linted: {e}", path.display());
                doc.lint.clear();
                doc.linted = None;
                doc.symbols = None;
            }
        }
    }

    /// Compares a document with the base revision, if there is one.
    pub(super) fn compare(&mut self, key: &str) {
        if self.settings.breaking == Some(false) {
            return;
        }
        let texts = self.texts();
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        let Some(path) = doc.path.clone() else {
            return;
        };
        let text = doc.text.clone();
        doc.breaking.clear();
        doc.compared = None;
        let Some(dir) = path.parent() else {
            return;
        };
        let Some(rev) = super::base::revision(dir, self.settings.against.as_deref()) else {
            eprintln!(
                "sous lsp: {}: no base revision to compare with",
                path.display()
            );
            return;
        };
        let result = check::breaking(&path, &texts, &rev, &mut self.bases);
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        match result {
            Ok(Some(compared)) => {
                doc.breaking = match check::source_of(&compared.schema, &path) {
                    Some(source) => check::of_file(&compared.findings, source)
                        .into_iter()
                        .map(|f| {
                            let mut d = diagnostic(&source.text, &source.lines, f);
                            d.related_information = super::base::where_it_was(&compared, f, &rev);
                            (f.clone(), d)
                        })
                        .collect(),
                    None => Vec::new(),
                };
                doc.breaking_text = text;
                doc.compared = Some(Arc::new(compared));
            }
            Ok(None) => eprintln!(
                "sous lsp: {}: not compared with {rev}: it does not compile",
                path.display()
            ),
            Err(e) => eprintln!("sous lsp: {}: not compared with {rev}: {e}", path.display()),
        }
    }

    /// Sends a document's diagnostics: its lint findings, then its breaking findings.
    pub(super) fn publish(&self, key: &str) {
        let Some(doc) = self.docs.get(key) else {
            return;
        };
        let diagnostics = doc
            .lint
            .iter()
            .chain(&doc.breaking)
            .map(|(_, d)| d.clone())
            .collect();
        self.publish_to(doc.uri.clone(), diagnostics, Some(doc.version));
    }

    pub(super) fn publish_to(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            notification::PublishDiagnostics::METHOD.into(),
            params,
        )));
    }
}
