//! The well-known files the language server shows are the compiler's: go to definition of a
//! type of `google/protobuf/descriptor.proto` or of a language feature file lands in a
//! read-only copy whose text is the bundled file's (`src/schema/bundled/`), at the line where
//! that file declares the type.

use serde_json::json;

use super::client::Client;
use super::{at, find};
use crate::common::root;

const FILE: &str = "proto/acme/v1/opts.proto";

const TEXT: &str = r#"syntax = "proto3";

package acme.v1;

import "google/protobuf/cpp_features.proto";
import "google/protobuf/descriptor.proto";

extend google.protobuf.FieldOptions {
  string label = 50000;
}

message Info {
  google.protobuf.GeneratedCodeInfo generated = 1;
  pb.CppFeatures cpp = 2;
}
"#;

#[test]
fn definitions_in_bundled_files_are_the_compilers_text() {
    let dir = tempfile::tempdir().unwrap();
    // Canonical: the server names files by their real paths.
    let root_dir = dir.path().canonicalize().unwrap();
    std::fs::write(
        root_dir.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: proto\n",
    )
    .unwrap();
    let path = root_dir.join(FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, TEXT).unwrap();

    let mut client = Client::start(&root_dir, &[]);
    client.initialize(json!({}));
    client.open(&path, TEXT);
    client.diagnostics(&path, 1);

    // (the reference in our file, the file that declares it, its declaration there)
    let cases = [
        (
            "FieldOptions {",
            "descriptor.proto",
            "message FieldOptions {",
        ),
        // Declared on another line in protobuf e712d276's descriptor.proto than in the bundled
        // one: an older copy would land elsewhere.
        (
            "GeneratedCodeInfo generated",
            "descriptor.proto",
            "message GeneratedCodeInfo {",
        ),
        (
            "CppFeatures cpp",
            "cpp_features.proto",
            "message CppFeatures {",
        ),
    ];
    for (reference, file, declaration) in cases {
        let bundled =
            std::fs::read_to_string(root().join("src/schema/bundled/google/protobuf").join(file))
                .unwrap();
        let definition = client.result("textDocument/definition", at(&path, find(TEXT, reference)));
        let shown = definition["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("{reference}: {definition}"))
            .strip_prefix("file://")
            .unwrap();
        assert!(
            shown.ends_with(&format!("/google/protobuf/{file}")),
            "{reference}: {definition}"
        );
        let text = std::fs::read_to_string(shown).unwrap();
        assert!(
            text == bundled,
            "{reference}: {shown} is not the bundled {file}"
        );
        let declaration = find(&bundled, declaration);
        assert_eq!(
            definition["range"]["start"]["line"], declaration["line"],
            "{reference}: {definition}"
        );
        assert!(std::fs::metadata(shown).unwrap().permissions().readonly());
    }

    // Hover on the bundled type shows it with its comment from the bundled text.
    let hover = client.result(
        "textDocument/hover",
        at(&path, find(TEXT, "GeneratedCodeInfo generated")),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("message google.protobuf.GeneratedCodeInfo"),
        "{value}"
    );

    assert_eq!(client.shutdown(), 0);
}
