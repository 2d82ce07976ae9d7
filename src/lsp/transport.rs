//! The protocol's framing over stdin and stdout, as `lsp-server`'s stdio transport does it, but
//! forgiving: a frame whose body is not a JSON-RPC message is answered (an invalid request, when
//! it has an id to answer) or logged and skipped, where `lsp-server` ends its reader thread and
//! so the session.

use std::io::{BufRead, Write};

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message, RequestId, Response};

/// The two ends of the connection, and the threads that move the bytes.
pub struct Transport {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<()>,
}

impl Transport {
    pub fn stdio() -> Transport {
        let (out_tx, out_rx) = bounded::<Message>(0);
        let (in_tx, in_rx) = bounded::<Message>(0);
        let writer = std::thread::spawn(move || {
            let stdout = std::io::stdout();
            let mut stdout = stdout.lock();
            for message in out_rx {
                if message.write(&mut stdout).is_err() || stdout.flush().is_err() {
                    break;
                }
            }
        });
        let answer = out_tx.clone();
        let reader = std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut stdin = stdin.lock();
            loop {
                let body = match read_frame(&mut stdin) {
                    Ok(Some(body)) => body,
                    Ok(None) => break,
                    Err(e) => {
                        eprintln!("sous lsp: reading the client: {e}");
                        break;
                    }
                };
                match parse(&body) {
                    Ok(message) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if in_tx.send(message).is_err() || exit {
                            break;
                        }
                    }
                    Err((id, why)) => {
                        eprintln!("sous lsp: a message that is not JSON-RPC: {why}");
                        if let Some(id) = id {
                            let _ = answer.send(Message::Response(Response::new_err(
                                id,
                                ErrorCode::InvalidRequest as i32,
                                format!("not a JSON-RPC message: {why}"),
                            )));
                        }
                    }
                }
            }
        });
        Transport {
            sender: out_tx,
            receiver: in_rx,
            reader,
            writer,
        }
    }

    /// Waits for the writer to send what is queued; the reader is left to end with stdin.
    pub fn finish(self) {
        let Transport {
            sender,
            receiver,
            reader,
            writer,
        } = self;
        drop((sender, receiver));
        let _ = writer.join();
        if reader.is_finished() {
            let _ = reader.join();
        }
    }
}

/// The body of the next frame, `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            // Blank lines before a header: tolerated.
            continue;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
                if length.is_none() {
                    eprintln!("sous lsp: a Content-Length that is not a number: {header:?}");
                }
            }
        }
    }
    let length = length.unwrap_or(0);
    // A frame larger than this is not a message any editor sends: read it in pieces and drop it.
    const MAX: usize = 256 << 20;
    let mut body = vec![0; length.min(MAX)];
    input.read_exact(&mut body)?;
    if length > MAX {
        std::io::copy(
            &mut std::io::Read::take(&mut *input, (length - MAX) as u64),
            &mut std::io::sink(),
        )?;
    }
    Ok(Some(body))
}

/// A message, or why not (with the id to answer, if the body has one).
fn parse(body: &[u8]) -> Result<Message, (Option<RequestId>, String)> {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Ok(message),
        Err(e) => {
            let id = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| serde_json::from_value::<RequestId>(v.get("id")?.clone()).ok());
            Err((id, e.to_string()))
        }
    }
}
