//! `SOUS_TRACE=1` prints how long each stage of a run took, on stderr, for profiling.

use std::sync::OnceLock;
use std::time::Instant;

/// When the run started (the first call of any function here, made by `main`).
fn origin() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// One line on stderr; a line that cannot be written is dropped (`eprintln!` would panic).
fn say(line: std::fmt::Arguments) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Marks the start of the run, so each stage also says when it ended.
pub fn start() {
    origin();
}

/// Prints the time since the start of the run, for the stretches between stages.
pub fn mark(name: &str) {
    if enabled() {
        say(format_args!(
            "trace: [{name}] at {:.1} ms, peak {}",
            origin().elapsed().as_secs_f64() * 1000.0,
            peak_memory()
        ));
    }
}

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SOUS_TRACE").is_some_and(|v| !v.is_empty() && v != "0"))
}

/// Times a stage: prints `trace: NAME 123.4 ms` when tracing is on.
pub fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    say(format_args!(
        "trace: {name} {:.1} ms (ends at {:.1} ms, peak {})",
        start.elapsed().as_secs_f64() * 1000.0,
        origin().elapsed().as_secs_f64() * 1000.0,
        peak_memory()
    ));
    out
}

/// The peak resident memory so far (`VmHWM`), where the system says.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Prints the time since `start` for a stage that is not one closure.
pub fn since(name: &str, start: Instant) {
    if enabled() {
        say(format_args!(
            "trace: {name} {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        ));
    }
}
