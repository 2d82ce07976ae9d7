//! The `sous` binary: parse the command line, run it, exit with its code.

/// Compiling a large tree allocates millions of small descriptors on every core; glibc's
/// allocator spent about 40% of a googleapis lint in malloc and free, mimalloc a fraction of it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Transparent huge pages make every first touch of fresh memory clear 2 MiB: on googleapis
    // that was a fifth of the run, in the kernel. sous's memory is many small objects that are
    // built once; ordinary pages serve it better.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    sous::trace::start();
    // Compiling follows chains of imports by recursion: the whole run happens on threads with a
    // large stack, the main thread only waits.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = match sous::schema::thread_pool() {
        Some(pool) => pool.install(|| sous::app::main(args)),
        None => sous::app::main(args),
    };
    sous::trace::mark("exit");
    // Once what is printed is out, the process ends without the allocator's teardown: at exit
    // mimalloc gives every page back to the system one by one (tens of milliseconds after a
    // large run), which the end of the process does at once. Nothing else waits for exit: files
    // are written and renamed before `main` returns, and stderr is unbuffered.
    #[cfg(unix)]
    if std::io::Write::flush(&mut std::io::stdout()).is_ok() {
        // SAFETY: `_exit` only ends the process.
        unsafe { libc::_exit(code) }
    }
    std::process::exit(code);
}
