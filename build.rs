//! Embeds the rule catalog (`rules/*.md`) so `sous explain` works from a single binary.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut entries: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    entries.sort();
    let mut out = String::from("&[\n");
    for path in entries {
        let abs = std::fs::canonicalize(&path).expect("catalog entry readable");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    include_str!({:?}),", abs.display().to_string()).unwrap();
    }
    out.push(']');
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalog.rs");
    std::fs::write(dest, out).unwrap();
}
