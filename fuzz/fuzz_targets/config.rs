//! Configuration: the input as a `buf.yaml`, a `buf.work.yaml` (whose modules' `buf.yaml` is the
//! input too) or `--config` data, by its first byte; what parses then lints a small workspace,
//! so that rule selection, ignores and their paths run.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sous::config::Workspace;

const FILES: &[(&str, &str)] = &[
    ("a/v1/a.proto", "syntax = \"proto3\";\npackage a.v1;\nimport \"b/b.proto\";\n// buf:lint:ignore FIELD_LOWER_SNAKE_CASE\nmessage A {\n  int32 badName = 1;\n  b.B b = 2;\n}\n"),
    ("b/b.proto", "syntax = \"proto2\";\npackage b;\nmessage B {\n  optional string Name = 1;\n}\nenum e { X = 0; }\nservice S { rpc Get(B) returns (B); }\n"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let root = Path::new(".");
    let ws = match kind % 3 {
        0 => Workspace::from_text(root, Path::new("buf.yaml"), text),
        1 => Workspace::from_text_with(root, Path::new("buf.work.yaml"), text, &|_| {
            Ok(Some(text.to_string()))
        }),
        // `--config` data (never a path: that would read the disk).
        _ => Workspace::from_text(root, Path::new("--config"), text),
    };
    let Ok(ws) = ws else {
        return;
    };
    let files: Vec<(String, Vec<u8>)> = FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
    sous_fuzz::in_pool(|| sous_fuzz::lint(&ws, &files));
});
