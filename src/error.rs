//! The one error type for everything that is not a finding: configuration, flags, I/O.
//!
//! Every error ends the run with exit code 1 and a message on stderr that names the file (and the
//! line, where one exists) so the user can go straight to it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Input(String),
}

impl Error {
    pub fn config(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Config {
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether this is a write to standard output whose reader has gone (`sous lint | head`):
    /// the run then ends quietly, with exit code 1 and nothing on stderr, as buf installed from
    /// npm does (the Go binary itself dies of SIGPIPE, which a shell shows as 141).
    pub fn is_broken_stdout(&self) -> bool {
        matches!(self, Error::Io { path, source }
            if path.as_os_str() == STDOUT && source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The name standard output goes by in an [`Error::Io`].
pub const STDOUT: &str = "<stdout>";

/// Writes one line to stderr. Unlike `eprintln!`, which panics when stderr is closed, a line
/// that cannot be written is dropped: the exit code still says how the run ended.
pub fn eprint_line(line: impl std::fmt::Display) {
    use std::io::Write as _;
    let line = line.to_string();
    if let Ok(mut recorded) = RECORDED.lock() {
        if let Some(lines) = recorded.as_mut() {
            lines.push(line.clone());
        }
    }
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `f` with [`eprint_line`] silent: for a stage run a second time only to learn something
/// (the cache's key), whose warnings the run proper writes.
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    use std::sync::atomic::Ordering::Relaxed;
    let was = QUIET.swap(true, Relaxed);
    let out = f();
    QUIET.store(was, Relaxed);
    out
}

/// The lines [`eprint_line`] writes while recording is on: the warnings of the stages a cached
/// run skips, which the cache keeps and writes again (see `cache`).
static RECORDED: std::sync::Mutex<Option<Vec<String>>> = std::sync::Mutex::new(None);

/// Starts recording the lines written to stderr by [`eprint_line`], forgetting any recorded.
pub fn record_stderr() {
    if let Ok(mut recorded) = RECORDED.lock() {
        *recorded = Some(Vec::new());
    }
}

/// Stops recording and returns the lines recorded; `None` if recording was not on.
pub fn take_recorded_stderr() -> Option<Vec<String>> {
    RECORDED
        .lock()
        .ok()
        .and_then(|mut recorded| recorded.take())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
