//! `hullscan server`: a Language Server over stdio.
//!
//! - Diagnostics on open and on every change (full-text sync) from the same call and the same
//!   configuration discovery (`hullscan.toml` from the file's directory up) as `hullscan lint`.
//! - Hover over a finding shows its message and the rule's documentation (`hullscan explain`).
//! - Code actions offer each finding's fix as a quick fix (safe fixes preferred, unsafe ones
//!   labelled), and one action applying every safe fix of the file.
//!
//! This crate is an edge: it reads configuration files and talks over stdio. Which documents it
//! lints, and how, is [`kind::FileKind`].

mod document;
mod kind;
mod position;

use std::collections::HashMap;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument,
    Notification as NotificationMethod, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as RequestMethod};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    HoverParams, HoverProviderCapability, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use serde_json::Value;

pub use document::Document;
pub use kind::FileKind;

/// Serves one client over stdin/stdout until it sends `shutdown` then `exit` (or closes the
/// stream).
pub fn run_stdio() -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    // Drop the sender so the writer thread ends before we wait for it.
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The protocol over any connection: the handshake, then requests and notifications until
/// shutdown.
pub fn serve(connection: &Connection) -> anyhow::Result<()> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let initialize_result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "hullscan".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(id, initialize_result)?;
    let mut server = Server {
        connection,
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.on_request(request)?;
            }
            // A malformed notification has no one to answer; the server carries on.
            Message::Notification(notification) => {
                if let Err(err) = server.on_notification(notification) {
                    log(&format!("{err:#}"));
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// `source.fixAll.hullscan`: the kind editors run on save to apply a linter's safe fixes.
fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.hullscan")
}

struct Server<'c> {
    connection: &'c Connection,
    documents: HashMap<Url, Document>,
}

impl Server<'_> {
    fn on_notification(&mut self, notification: Notification) -> anyhow::Result<()> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: DidOpenTextDocumentParams = parse_params(notification.params)?;
                let item = params.text_document;
                if let Some(document) =
                    Document::open(item.uri.clone(), &item.language_id, item.version, item.text)
                {
                    self.publish(&document)?;
                    self.documents.insert(item.uri, document);
                }
            }
            DidChangeTextDocument::METHOD => {
                let params: DidChangeTextDocumentParams = parse_params(notification.params)?;
                let uri = params.text_document.uri;
                // Full sync: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return Ok(());
                };
                if let Some(document) = self.documents.get_mut(&uri) {
                    document.update(params.text_document.version, change.text);
                    let document = &self.documents[&uri];
                    self.publish(document)?;
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: DidCloseTextDocumentParams = parse_params(notification.params)?;
                let uri = params.text_document.uri;
                if self.documents.remove(&uri).is_some() {
                    // A closed file's findings leave the editor's problem list.
                    self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    })?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn on_request(&mut self, request: Request) -> anyhow::Result<()> {
        let Request { id, method, params } = request;
        match method.as_str() {
            HoverRequest::METHOD => {
                let params: HoverParams = match parse_params(params) {
                    Ok(params) => params,
                    Err(err) => return self.invalid_params(id, &err),
                };
                let position = params.text_document_position_params;
                let hover = self
                    .documents
                    .get(&position.text_document.uri)
                    .and_then(|document| document.hover(position.position));
                self.respond(id, hover)
            }
            CodeActionRequest::METHOD => {
                let params: CodeActionParams = match parse_params(params) {
                    Ok(params) => params,
                    Err(err) => return self.invalid_params(id, &err),
                };
                let actions = self
                    .documents
                    .get(&params.text_document.uri)
                    .map(|document| {
                        document.code_actions(params.range, params.context.only.as_deref())
                    })
                    .unwrap_or_default();
                self.respond(id, actions)
            }
            _ => self.send(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("hullscan does not handle `{method}`"),
            )),
        }
    }

    fn publish(&self, document: &Document) -> anyhow::Result<()> {
        self.notify::<PublishDiagnostics>(document.publish_params())
    }

    fn notify<N: NotificationMethod>(&self, params: N::Params) -> anyhow::Result<()> {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                N::METHOD.to_owned(),
                params,
            )))?;
        Ok(())
    }

    fn respond(&self, id: RequestId, result: impl serde::Serialize) -> anyhow::Result<()> {
        self.send(Response::new_ok(id, result))
    }

    fn invalid_params(&self, id: RequestId, err: &anyhow::Error) -> anyhow::Result<()> {
        self.send(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            format!("{err:#}"),
        ))
    }

    fn send(&self, response: Response) -> anyhow::Result<()> {
        self.connection.sender.send(Message::Response(response))?;
        Ok(())
    }
}

/// A line on stderr, which editors keep as the server's log (stdout is the protocol).
#[allow(clippy::print_stderr)]
fn log(message: &str) {
    eprintln!(
        "hullscan server: {}",
        hullscan_render::safe_text(message, hullscan_render::Newlines::Keep)
    );
}

fn parse_params<T: serde::de::DeserializeOwned>(params: Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(params)?)
}
