//! The `sous` binary: parse the command line, run it, exit with its code.

fn main() {
    let code = sous::app::main(std::env::args_os());
    std::process::exit(code);
}
