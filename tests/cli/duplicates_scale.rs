//! A tree that declares thousands of names twice (googleapis with its `preview/` copies, where
//! `preview/google/cloud/compute/v1/compute.proto` repeats every message of compute.proto) is
//! reported as buf reports it, in seconds: placing each name once cost a pass over the whole
//! file, minutes of CPU for such a tree.

use std::time::{Duration, Instant};

use crate::common::*;

/// Messages in each of the two copies. Before the fix, 2000 took about half a minute of CPU in a
/// debug build (quadratic); after it, well under a second.
const MESSAGES: usize = 2000;

#[test]
fn a_file_declared_twice_is_placed_quickly_and_as_buf_places_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), "version: v2\n").unwrap();
    let mut text = String::from("syntax = \"proto3\";\n\npackage acme.v1;\n\n");
    for i in 0..MESSAGES {
        text.push_str(&format!("// Thing{i} is a thing.\nmessage Thing{i} {{\n"));
        for j in 0..3 {
            text.push_str(&format!(
                "  // f{j} is a field.\n  string f{j} = {};\n",
                j + 1
            ));
        }
        text.push_str("}\n");
    }
    for copy in ["acme/v1", "preview/acme/v1"] {
        std::fs::create_dir_all(dir.path().join(copy)).unwrap();
        std::fs::write(dir.path().join(copy).join("things.proto"), &text).unwrap();
    }
    let args = ["lint", "--error-format", "json"];
    let start = Instant::now();
    let ours = sous_env(dir.path(), &args, &[("SOUS_NO_CACHE", "1")]);
    let took = start.elapsed();
    assert_eq!(ours.code, 100, "{}", ours.stderr);
    let theirs = buf(dir.path(), &args);
    let ours = keys(&ours.stdout);
    assert_eq!(ours.len(), MESSAGES, "one finding per name");
    assert_eq!(ours, keys(&theirs.stdout));
    // Generous for a shared machine: the quadratic placing took more than twice this.
    assert!(
        took < Duration::from_secs(15),
        "{MESSAGES} names declared twice took {took:?}"
    );
}
