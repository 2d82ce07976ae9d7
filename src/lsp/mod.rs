//! `sous lsp`: a language server over stdio (`lsp-server`'s messages and `lsp-types`' shapes,
//! synchronous, one thread doing the work).
//!
//! - Diagnostics: lint findings and compile errors on every change, debounced
//!   ([`DEBOUNCE`]); breaking findings against a base revision ([`base`]) on open and save.
//!   They are what `sous lint FILE` and `sous breaking DIR --path FILE --against REV` find,
//!   computed by the same stages ([`check`]) with the open buffers' unsaved text.
//! - Hover: the catalog entry of the rule of a diagnostic under the cursor; the declaration and
//!   comment of a message, enum or service name ([`symbols`]).
//! - Go to definition, find references for message, enum and service types ([`symbols`]).
//! - Code actions: the `buf:lint:ignore` comment for a finding, and the fixes `--fix` makes
//!   ([`actions`]).
//!
//! Nothing a client sends ends the server but `exit`: a request that panics is answered with an
//! error, a message that is not JSON-RPC is answered or skipped ([`transport`]), a file outside
//! any workspace or gone from disk gets empty answers.

mod actions;
mod base;
mod check;
mod convert;
mod diagnostics;
mod server;
mod symbols;
mod transport;
mod wkt;

/// How long a buffer must stay unchanged before it is checked again.
pub const DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(30);

/// Serves one client on stdin and stdout until it says `exit`; the exit code is 0 after a
/// `shutdown` request, 1 otherwise (as the protocol asks).
pub fn serve() -> crate::error::Result<i32> {
    let transport = transport::Transport::stdio();
    let code = server::Server::new(transport.sender.clone()).run(&transport.receiver);
    transport.finish();
    Ok(code)
}
