//! The well-known files editions depend on (`google/protobuf/descriptor.proto` and the language
//! feature files `google/protobuf/{cpp,java,go}_features.proto`) as buf 1.75.0 bundles them:
//! sous's image of a file importing them is compared with buf's, file by file, and each image
//! is checked against the other by both tools.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const BUNDLED: [&str; 4] = [
    "google/protobuf/descriptor.proto",
    "google/protobuf/cpp_features.proto",
    "google/protobuf/java_features.proto",
    "google/protobuf/go_features.proto",
];

/// The files of a binary image, as buf's JSON encoding of it (buf reads either tool's image).
fn image_files(dir: &Path, image: &str) -> Vec<Value> {
    let json = format!("{image}.json");
    let out = buf(dir, &["build", image, "-o", &json]);
    assert_eq!(out.code, 0, "{image}: {}", out.stderr);
    let text = std::fs::read_to_string(dir.join(&json)).unwrap();
    let set: Value = serde_json::from_str(&text).unwrap();
    set["file"].as_array().cloned().unwrap_or_default()
}

/// `value` with its source locations as a set (sous lists them in another order); for a bundled
/// file, without its options and source info: sous's images keep only the options prost-types
/// knows (`feature_support`, `edition_defaults`, `targets` and `retention` are not), and its
/// parser gives no locations inside an option's message value (see the README).
fn comparable(value: &Value, bundled: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !(bundled && matches!(k.as_str(), "options" | "sourceCodeInfo")))
                .map(|(k, v)| {
                    let v = if k == "location" {
                        let mut all: Vec<String> = v
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(Value::to_string)
                            .collect();
                        all.sort();
                        Value::from(all)
                    } else {
                        comparable(v, bundled)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| comparable(item, bundled)).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn images_of_the_language_feature_files_are_bufs() {
    let fixture = root().join("fixtures/editions/language_imports");
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    let dir = tmp.path();
    let built = buf(dir, &["build", "-o", "buf.binpb"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let built = sous(dir, &["build", ".", "-o", "sous.binpb"]);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    let (theirs, ours) = (
        image_files(dir, "buf.binpb"),
        image_files(dir, "sous.binpb"),
    );
    let names = |files: &[Value]| -> Vec<String> {
        files
            .iter()
            .map(|f| f["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(names(&ours), names(&theirs));
    for name in BUNDLED {
        assert!(names(&theirs).iter().any(|n| n == name), "{name}");
    }
    let mut differences = Vec::new();
    for (b, s) in theirs.iter().zip(&ours) {
        let name = b["name"].as_str().unwrap_or_default();
        let bundled = BUNDLED.contains(&name);
        let (mut b, mut s) = (comparable(b, bundled), comparable(s, bundled));
        for side in [&mut b, &mut s] {
            if let Value::Object(map) = side {
                map.remove("bufExtension");
            }
        }
        if b != s {
            differences.push(format!("{name}:\n  buf:  {b}\n  sous: {s}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));

    // Each image against the other, imports included, by both tools: nothing changed.
    const ALL: &str = r#"{"version":"v1","breaking":{"use":["FILE","WIRE_JSON"]}}"#;
    let mut findings = BTreeSet::new();
    for (new, old) in [
        ("sous.binpb", "buf.binpb"),
        ("buf.binpb", "sous.binpb"),
        (".", "buf.binpb"),
    ] {
        for (tool, run) in [("buf", buf as fn(&Path, &[&str]) -> Output), ("sous", sous)] {
            let args = ["breaking", new, "--against", old, "--config", ALL];
            let out = run(dir, &args);
            if out.code != 0 {
                findings.insert(format!(
                    "{tool} {new} against {old}: exit {}\n{}{}",
                    out.code, out.stdout, out.stderr
                ));
            }
        }
    }
    assert!(
        findings.is_empty(),
        "{}",
        findings.into_iter().collect::<Vec<_>>().join("\n")
    );
}
