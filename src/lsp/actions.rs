//! The requests about a place in a document: hover, go to definition, find references, code
//! actions. Each reads the last check of the document (settled first, so that it is about the
//! text the client has) and answers nothing, not an error, for a place it knows nothing about.

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location, MarkupContent, MarkupKind,
    Position, Range, ReferenceParams, TextEdit, Uri, WorkspaceEdit,
};

use super::check::{self, source_of};
use super::convert::{edit, offset, position};
use super::server::Server;
use super::symbols::{Index, Symbol};
use super::wkt;
use crate::finding::Finding;
use crate::schema::{Schema, Source};
use crate::{catalog, fix};

fn contains(range: &Range, at: Position) -> bool {
    range.start <= at && at <= range.end
}

fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl Server {
    /// A document and its imports compiled with all their source info, and the symbols in
    /// them.
    fn indexed(&mut self, uri: &Uri) -> Option<Arc<(Schema, Index)>> {
        let path = self.doc(uri)?.path.clone()?;
        if let Some(symbols) = &self.docs.get(uri.as_str())?.symbols {
            return Some(symbols.clone());
        }
        let schema = match check::with_imports(&path, &self.texts()) {
            Ok(schema) => schema,
            Err(e) => {
                eprintln!("sous lsp: {}: no symbols: {e}", path.display());
                return None;
            }
        };
        let index = Index::new(&schema);
        let symbols = Arc::new((schema, index));
        self.docs.get_mut(uri.as_str())?.symbols = Some(symbols.clone());
        Some(symbols)
    }

    /// The full name of the type at `at` in a document, with the schema and symbols that know
    /// it.
    fn type_at(&mut self, uri: &Uri, at: Position) -> Option<(Arc<(Schema, Index)>, String)> {
        let symbols = self.indexed(uri)?;
        let path = self.docs.get(uri.as_str())?.path.clone()?;
        let source = source_of(&symbols.0, &path)?;
        let name = symbols
            .1
            .at(&source.file.name, offset(&source.text, &source.lines, at))?
            .to_string();
        Some((symbols, name))
    }

    pub fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let uri = p.text_document_position_params.text_document.uri;
        let at = p.text_document_position_params.position;
        let doc = self.doc(&uri)?;
        let under = doc
            .lint
            .iter()
            .chain(&doc.breaking)
            .find(|(f, d)| contains(&d.range, at) && catalog::get(&f.rule).is_some());
        if let Some((f, d)) = under {
            let entry = catalog::get(&f.rule)?;
            return Some(markdown(entry.body.trim().to_string(), Some(d.range)));
        }
        let (symbols, name) = self.type_at(&uri, at)?;
        let (symbol, _) = declaration(&symbols, &name)?;
        let mut text = format!("```proto\n{} {}\n```\n", symbol.keyword, symbol.name);
        if let Some(comment) = &symbol.comment {
            let comment: Vec<&str> = comment.lines().map(str::trim).collect();
            text.push('\n');
            text.push_str(comment.join("\n").trim());
            text.push('\n');
        }
        text.push_str(&format!("\n*{}*", symbol.file));
        Some(markdown(text, None))
    }

    pub fn definition(&mut self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let uri = p.text_document_position_params.text_document.uri;
        let at = p.text_document_position_params.position;
        let (symbols, name) = self.type_at(&uri, at)?;
        let (symbol, source) = declaration(&symbols, &name)?;
        let location = self.location(&source, symbol.span)?;
        Some(GotoDefinitionResponse::Scalar(location))
    }

    pub fn references(&mut self, p: ReferenceParams) -> Option<Vec<Location>> {
        let uri = p.text_document_position.text_document.uri;
        let at = p.text_document_position.position;
        let (symbols, name) = self.type_at(&uri, at)?;
        let doc = self.docs.get(uri.as_str())?;
        let path = doc.path.clone()?;
        let root = doc.linted.as_ref()?.workspace.root.clone();
        let whole = match self.workspaces.get(&root) {
            Some((whole, false)) => Some(whole.clone()),
            kept => {
                let before = kept.map(|(whole, _)| whole.clone());
                let before = before.as_ref().map(|w| &w.0);
                match check::whole_workspace(&path, &self.texts(), before) {
                    Ok(schema) => {
                        let index = Index::new(&schema);
                        let whole = Arc::new((schema, index));
                        self.workspaces.insert(root, (whole.clone(), false));
                        Some(whole)
                    }
                    Err(e) => {
                        eprintln!("sous lsp: references: the workspace does not compile: {e}");
                        None
                    }
                }
            }
        };
        // Without the whole workspace, the file and its imports.
        let (schema, index) = match &whole {
            Some(whole) => (&whole.0, &whole.1),
            None => (&symbols.0, &symbols.1),
        };
        let mut out = Vec::new();
        if p.context.include_declaration {
            if let Some(symbol) = index.symbols.get(&name) {
                if let Some(source) = schema.sources.get(&symbol.file) {
                    out.extend(self.location(source, symbol.span));
                }
            }
        }
        for u in index.uses.iter().filter(|u| u.target == name) {
            if let Some(source) = schema.sources.get(&u.file) {
                out.extend(self.location(source, u.span));
            }
        }
        Some(out)
    }

    fn location(&self, source: &Source, span: crate::schema::Span) -> Option<Location> {
        let uri = self.uri_of(&source.file.disk)?;
        Some(Location {
            uri,
            range: Range::new(
                position(&source.text, &source.lines, span.start),
                position(&source.text, &source.lines, span.end),
            ),
        })
    }

    pub fn code_actions(&mut self, p: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = p.text_document.uri;
        let doc = self.doc(&uri)?;
        let mut actions = Vec::new();
        let text = doc.text.as_str();
        let wanted = |d: &lsp_types::Diagnostic| overlaps(&d.range, &p.range);
        let allow_ignores = doc.linted.as_ref().is_some_and(|l| l.allow_comment_ignores);
        if doc.lint_text == text {
            for (f, d) in doc.lint.iter().filter(|(_, d)| wanted(d)) {
                let one = [f];
                if f.rule != "COMPILE" && allow_ignores {
                    if let Some((new, _)) = fix::ignores::insert(text, &one) {
                        let title = format!("Ignore {} here (// buf:lint:ignore)", f.rule);
                        actions.push(action(&uri, title, d, text, &new, false));
                    }
                }
                if let Some((new, _)) = fix::imports::remove_unused(text, &one) {
                    actions.push(action(
                        &uri,
                        "Remove the unused import".into(),
                        d,
                        text,
                        &new,
                        true,
                    ));
                }
                if let Some((new, _)) = fix::renames::rename(text, &one) {
                    let title = format!(
                        "Rename as {} asks (unsafe: changes JSON and generated code)",
                        f.rule
                    );
                    actions.push(action(&uri, title, d, text, &new, false));
                }
            }
        }
        if doc.breaking_text == text {
            if let (Some(compared), Some(path)) = (&doc.compared, &doc.path) {
                for (f, d) in doc.breaking.iter().filter(|(_, d)| wanted(d)) {
                    if let Some(new) = reserve(compared, path, f) {
                        let title = "Reserve the deleted number and name".to_string();
                        actions.push(action(&uri, title, d, text, &new, true));
                    }
                }
            }
        }
        Some(actions)
    }
}

/// Where type `name` is declared: in a file of the schema, or in a well-known type's file.
fn declaration(symbols: &(Schema, Index), name: &str) -> Option<(Symbol, Arc<Source>)> {
    match symbols.1.symbols.get(name) {
        Some(symbol) => Some((symbol.clone(), symbols.0.sources.get(&symbol.file)?.clone())),
        None => wkt::symbol(name).map(|(symbol, source)| (symbol, Arc::new(source))),
    }
}

/// The text with what `f` (a breaking finding) deleted reserved, if `--fix` would.
fn reserve(compared: &check::Compared, path: &std::path::Path, f: &Finding) -> Option<String> {
    let source = source_of(&compared.schema, path)?;
    let proto = compared.schema.file(&source.file.name)?;
    match fix::reserved::reserve(source, proto, &[f]) {
        Ok(Some((edits, _, _))) => Some(fix::reserved::apply(&source.text, edits)),
        _ => None,
    }
}

fn action(
    uri: &Uri,
    title: String,
    diagnostic: &lsp_types::Diagnostic,
    old: &str,
    new: &str,
    preferred: bool,
) -> CodeActionOrCommand {
    let edits: Vec<TextEdit> = vec![edit(old, new)];
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

fn markdown(value: String, range: Option<Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}
