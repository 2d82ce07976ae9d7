//! Arbitrary bytes as `.proto` files through reading, parsing, compiling and every lint rule.
//! A 0xFF byte splits the input into up to four files (`a.proto` imports the others by these
//! names when its text says so), so imports are reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let names = ["a.proto", "b.proto", "dir/c.proto", "dir/d.proto"];
    let files: Vec<(String, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .zip(names)
        .map(|(bytes, name)| (name.to_string(), bytes.to_vec()))
        .collect();
    let ws = sous_fuzz::workspace(sous_fuzz::every_lint_rule()).expect("the configuration parses");
    sous_fuzz::in_pool(|| sous_fuzz::lint(&ws, &files));
});
