//! `sous lsp`: a test client speaks JSON-RPC to the binary over stdio (`lsp/client.rs`) and the
//! diagnostics it receives are compared with what `sous lint` and `sous breaking` print for the
//! same text, and with the real buf; hover, definition, references and code actions are checked
//! on the fixture `fixtures/projects/lsp`; malformed input and abuse must not end the server.
//! `lsp/neovim.rs` runs a real editor with the README's setup.

mod client;
mod neovim;
mod wkt;

use std::collections::BTreeSet;
use std::path::Path;

use git2::Repository;
use serde_json::{json, Value};

use crate::common::*;
use crate::git::{commit, write};
use client::{apply, key, uri, Client, Key};

/// The fixture laid out in a fresh git repository on `main`, committed once.
fn workspace() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().unwrap();
    // Canonical: the server names files by their real paths.
    let root = dir.path().canonicalize().unwrap();
    let repo = Repository::init_opts(
        &root,
        git2::RepositoryInitOptions::new().initial_head("main"),
    )
    .unwrap();
    let fixture = crate::common::root().join("fixtures/projects/lsp");
    for file in files_under(&fixture) {
        let rel = file
            .strip_prefix(&fixture)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        write(&root, &rel, &std::fs::read_to_string(&file).unwrap());
    }
    commit(&repo, "base");
    (dir, repo)
}

const ORDER: &str = "proto/acme/v1/order.proto";
const STORE: &str = "proto/acme/v1/store.proto";

/// The keys of the findings in `file` of a JSON Lines report, without the path.
fn file_keys(json_lines: &str, file: &str) -> BTreeSet<Key> {
    keys(json_lines)
        .into_iter()
        .filter(|k| k.0.ends_with(file))
        .map(|(_, a, b, c, d, rule)| (a, b, c, d, rule))
        .collect()
}

/// The messages by key of the findings in `file` of a JSON Lines report.
fn messages(json_lines: &str, file: &str) -> BTreeSet<(String, String)> {
    json_lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .map(|v| {
            (
                v["type"].as_str().unwrap().to_string(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn is_breaking(rule: &str) -> bool {
    catalog()
        .iter()
        .any(|r| r.id == rule && r.kind == "breaking")
}

/// The diagnostics' keys, lint (and COMPILE) and breaking apart.
fn split(text: &str, diagnostics: &[Value]) -> (BTreeSet<Key>, BTreeSet<Key>) {
    let (breaking, lint): (Vec<Key>, Vec<Key>) = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "sous", "{d}");
            key(text, d)
        })
        .partition(|k| is_breaking(&k.4));
    (lint.into_iter().collect(), breaking.into_iter().collect())
}

fn diag_messages(diagnostics: &[Value]) -> BTreeSet<(String, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `sous lint` and `buf lint` of the workspace, for `file`: the keys (both must agree) and
/// sous's messages.
fn lint_of(root: &Path, file: &str) -> (BTreeSet<Key>, BTreeSet<(String, String)>) {
    let sous = sous(root, &["lint", "--error-format", "json"]);
    let buf = buf(root, &["lint", "--error-format", "json"]);
    let ours = file_keys(&sous.stdout, file);
    assert_eq!(
        ours,
        file_keys(&buf.stdout, file),
        "sous and buf disagree on {file}"
    );
    (ours, messages(&sous.stdout, file))
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// The place of `needle` in `text` as an LSP position (UTF-16 units).
fn find(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    position(line as u32, text[start..at].encode_utf16().count() as u32)
}

fn at(path: &Path, position: Value) -> Value {
    json!({"textDocument": {"uri": uri(path)}, "position": position})
}

#[test]
fn diagnostics_are_what_lint_and_breaking_print() {
    let (dir, _repo) = workspace();
    let root = dir.path().canonicalize().unwrap();
    let (order, store) = (root.join(ORDER), root.join(STORE));
    let mut client = Client::start(&root, &[]);
    let init = client.initialize(json!({}));
    assert_eq!(init["capabilities"]["hoverProvider"], true, "{init}");

    // Open: lint as `sous lint` and buf print it; nothing breaks against the merge base (HEAD).
    let text = std::fs::read_to_string(&order).unwrap();
    client.open(&order, &text);
    let diagnostics = client.diagnostics(&order, 1);
    let (lint, breaking) = split(&text, &diagnostics);
    let (expected, expected_messages) = lint_of(&root, ORDER);
    assert!(!expected.is_empty());
    assert_eq!(lint, expected);
    assert_eq!(diag_messages(&diagnostics), expected_messages);
    assert!(breaking.is_empty(), "{breaking:?}");

    // A change: the unsaved text is linted, with what the file on disk does not have.
    let changed = text
        .replace("  string note = 2;\n", "")
        .replace("  STATUS_OPEN = 1;\n", "  status_open = 1;\n");
    client.change(&order, 2, &changed);
    let diagnostics = client.diagnostics(&order, 2);
    write(&root, ORDER, &changed);
    let (expected, expected_messages) = lint_of(&root, ORDER);
    assert_eq!(split(&changed, &diagnostics).0, expected);
    assert!(expected.iter().any(|k| k.0 == 15), "{expected:?}");
    assert_eq!(
        diag_messages(&diagnostics)
            .into_iter()
            .filter(|(rule, _)| !is_breaking(rule))
            .collect::<BTreeSet<_>>(),
        expected_messages
    );

    // Save: breaking against the merge base, as `sous breaking --path` and buf print it.
    client.save(&order);
    let diagnostics = client.diagnostics(&order, 2);
    let (lint, breaking) = split(&changed, &diagnostics);
    assert_eq!(lint, expected);
    let args = [
        "breaking",
        "proto",
        "--path",
        ORDER,
        "--error-format",
        "json",
    ];
    let sous_out = sous(&root, &[&args[..], &["--against", "main"]].concat());
    let buf_out = buf(
        &root,
        &[&args[..], &["--against", ".git#branch=main"]].concat(),
    );
    let expected = file_keys(&sous_out.stdout, ORDER);
    assert!(
        expected.iter().any(|k| k.4 == "FIELD_NO_DELETE"),
        "{}",
        sous_out.stdout
    );
    assert_eq!(breaking, expected);
    assert_eq!(
        file_keys(&buf_out.stdout, ORDER),
        expected,
        "{}",
        buf_out.stdout
    );
    let messages = messages(&sous_out.stdout, ORDER);
    assert!(diag_messages(&diagnostics).is_superset(&messages));
    // Related information: the deleted field where it was, in a read-only copy of the base.
    let deleted = diagnostics
        .iter()
        .find(|d| d["code"] == "FIELD_NO_DELETE")
        .unwrap();
    let related = &deleted["relatedInformation"][0]["location"];
    let file = related["uri"]
        .as_str()
        .unwrap()
        .strip_prefix("file://")
        .unwrap();
    assert_eq!(std::fs::read_to_string(file).unwrap(), text);
    assert!(std::fs::metadata(file).unwrap().permissions().readonly());
    assert_eq!(
        related["range"]["start"],
        find(&text, "message Order"),
        "{related}"
    );

    // Code action: reserve the deleted field, as `sous breaking --fix` does.
    let actions = client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&order)}, "range": deleted["range"], "context": {"diagnostics": [deleted]}}),
    );
    let reserve = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Reserve"))
        .unwrap_or_else(|| panic!("{actions}"));
    let reserved = apply(&changed, &reserve["edit"], &uri(&order));
    let out = sous(
        &root,
        &["breaking", "--path", ORDER, "--against", "main", "--fix"],
    );
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(reserved, std::fs::read_to_string(&order).unwrap());
    assert!(reserved.contains("reserved 2;"), "{reserved}");
    write(&root, ORDER, &changed);

    // Hover on a diagnostic: the rule's catalog entry.
    let field = diagnostics
        .iter()
        .find(|d| d["code"] == "FIELD_LOWER_SNAKE_CASE")
        .unwrap()
        .clone();
    let hover = client.result(
        "textDocument/hover",
        at(&order, field["range"]["start"].clone()),
    );
    let entry =
        std::fs::read_to_string(crate::common::root().join("rules/FIELD_LOWER_SNAKE_CASE.md"))
            .unwrap();
    let body = entry.split_once("\n---\n").unwrap().1.trim();
    assert_eq!(hover["contents"]["value"], body);

    // Hover on a type name: its declaration and comment.
    let store_text = std::fs::read_to_string(&store).unwrap();
    client.open(&store, &store_text);
    let opened = client.diagnostics(&store, 1);
    assert_eq!(split(&store_text, &opened).0, lint_of(&root, STORE).0);
    let unused = opened.iter().find(|d| d["code"] == "IMPORT_USED").unwrap();
    assert_eq!(
        unused["tags"],
        json!([1]),
        "an unused import is marked unnecessary"
    );
    let on_order = find(&store_text, "Order orders");
    let hover = client.result("textDocument/hover", at(&store, on_order.clone()));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("message acme.v1.Order"), "{value}");
    assert!(
        value.contains("An order, as the store keeps it."),
        "{value}"
    );

    // Definition: across files.
    let definition = client.result("textDocument/definition", at(&store, on_order.clone()));
    assert_eq!(definition["uri"], uri(&order));
    assert_eq!(definition["range"]["start"], find(&changed, "Order {"));

    // Definition: into a well-known type, a read-only file of its own.
    let on_duration = find(&store_text, "Duration shelf_life");
    let definition = client.result("textDocument/definition", at(&store, on_duration.clone()));
    let file = definition["uri"]
        .as_str()
        .unwrap()
        .strip_prefix("file://")
        .unwrap();
    assert!(
        file.ends_with("/google/protobuf/duration.proto"),
        "{definition}"
    );
    let wkt = std::fs::read_to_string(file).unwrap();
    assert_eq!(definition["range"]["start"], find(&wkt, "Duration {"));
    assert!(std::fs::metadata(file).unwrap().permissions().readonly());
    let hover = client.result("textDocument/hover", at(&store, on_duration));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("message google.protobuf.Duration"),
        "{value}"
    );

    // References: the declaration and every use, in every file of the workspace.
    let mut references_params = at(&store, on_order);
    references_params["context"] = json!({"includeDeclaration": true});
    let references = |client: &mut Client, order_text: &str| {
        let found = client.result("textDocument/references", references_params.clone());
        let mut found: Vec<(String, Value)> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["uri"].as_str().unwrap().to_string(),
                    l["range"]["start"].clone(),
                )
            })
            .collect();
        found.sort_by_key(|(u, p)| (u.clone(), p.to_string()));
        let mut expected = vec![
            (uri(&order), find(order_text, "Order {")),
            (uri(&store), find(&store_text, "Order);")),
            (uri(&store), find(&store_text, "Order orders")),
        ];
        expected.sort_by_key(|(u, p)| (u.clone(), p.to_string()));
        assert_eq!(found, expected);
    };
    references(&mut client, &changed);

    // Code action: remove the unused import, as `sous lint --fix` does.
    let actions = client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&store)}, "range": {"start": find(&store_text, "import \"google/protobuf/timestamp"), "end": find(&store_text, "import \"google/protobuf/timestamp")}, "context": {"diagnostics": []}}),
    );
    let remove = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("unused import"))
        .unwrap_or_else(|| panic!("{actions}"));
    let fixed = apply(&store_text, &remove["edit"], &uri(&store));
    let copy = tempfile::tempdir().unwrap();
    write(
        copy.path(),
        "buf.yaml",
        &std::fs::read_to_string(root.join("buf.yaml")).unwrap(),
    );
    write(copy.path(), STORE, &store_text);
    write(copy.path(), ORDER, &changed);
    let out = sous(copy.path(), &["lint", "--fix"]);
    assert_eq!(out.code, 100, "{}", out.stderr);
    assert_eq!(
        fixed,
        std::fs::read_to_string(copy.path().join(STORE)).unwrap()
    );

    // Code action: ignore a finding, which then goes, for sous and for buf.
    let closed = find(&changed, "closed = 2");
    let value = diagnostics
        .iter()
        .find(|d| d["code"] == "ENUM_VALUE_UPPER_SNAKE_CASE" && d["range"]["start"] == closed)
        .unwrap()
        .clone();
    let actions = client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&order)}, "range": value["range"], "context": {"diagnostics": [value]}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Ignore ENUM_VALUE_UPPER_SNAKE_CASE")
        })
        .unwrap_or_else(|| panic!("{actions}"));
    let ignored = apply(&changed, &ignore["edit"], &uri(&order));
    assert!(
        ignored.contains("  // buf:lint:ignore ENUM_VALUE_UPPER_SNAKE_CASE\n  closed = 2;"),
        "{ignored}"
    );
    client.change(&order, 3, &ignored);
    let diagnostics = client.diagnostics(&order, 3);
    write(&root, ORDER, &ignored);
    let (expected, _) = lint_of(&root, ORDER);
    assert!(expected.iter().any(|k| k.4 == "ENUM_VALUE_PREFIX"));
    let line = closed["line"].as_u64().unwrap() as u32 + 2;
    assert!(!expected
        .iter()
        .any(|k| k.4 == "ENUM_VALUE_UPPER_SNAKE_CASE" && k.0 == line));
    assert_eq!(split(&ignored, &diagnostics).0, expected);

    // A half-typed import: its own COMPILE diagnostic; the file importing it keeps its last
    // results (`sous lint` would print the import's error alone).
    let half = ignored.replace("message Order {", "message Order {\n  int32 half = ");
    client.change(&order, 4, &half);
    let diagnostics = client.diagnostics(&order, 4);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "COMPILE"),
        "{diagnostics:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    client.result("textDocument/hover", at(&store, position(0, 0)));
    for published in client.published(&store) {
        assert_eq!(split(&store_text, &published).0, lint_of(&root, STORE).0);
    }
    // References again after edits: the workspace compiled again (reusing what did not change).
    let moved = format!("// moved\n{ignored}");
    client.change(&order, 5, &moved);
    client.diagnostics(&order, 5);
    references(&mut client, &moved);

    // An edit to a file another open file imports: that one is checked again too.
    let renamed = ignored.replace("message Order {", "message Purchase {");
    client.change(&order, 6, &renamed);
    client.diagnostics(&order, 6);
    let diagnostics = client.diagnostics(&store, 1);
    write(&root, ORDER, &renamed);
    let out = sous(&root, &["lint", "--error-format", "json"]);
    let expected = file_keys(&out.stdout, STORE);
    assert!(expected.iter().any(|k| k.4 == "COMPILE"), "{}", out.stdout);
    assert_eq!(split(&store_text, &diagnostics).0, expected);

    assert_eq!(client.shutdown(), 0);
}

#[test]
fn bad_input_never_ends_the_server() {
    let (dir, _repo) = workspace();
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root, &[("SOUS_LSP_PANIC", "1")]);
    let order = root.join(ORDER);
    let hover = |path: &Path| at(path, position(0, 0));

    // Before `initialize`: refused, not fatal.
    let r = client.request("textDocument/hover", hover(&order));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    client.initialize(json!({}));

    // Not JSON: skipped. JSON but not JSON-RPC: answered as an invalid request.
    client.raw(b"{not json");
    client.raw(br#"{"jsonrpc":"2.0","id":77,"method":5}"#);
    assert_eq!(client.response(77)["error"]["code"], -32600);
    // An unknown method, parameters of the wrong shape.
    let r = client.request("sous/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = client.request("textDocument/hover", json!({"bogus": 1}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A request that panics is answered with an error, and the server goes on.
    let r = client.request("sous/panic", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("panicked"),
        "{r}"
    );

    // Files the server does not have open, outside the workspace, or not files: empty answers.
    let outside = tempfile::tempdir().unwrap();
    let loose = outside.path().canonicalize().unwrap().join("loose.proto");
    std::fs::write(&loose, "syntax = \"proto3\";\nmessage a {}\n").unwrap();
    for path in [&order, &loose] {
        assert_eq!(
            client.result("textDocument/hover", hover(path)),
            Value::Null
        );
        assert_eq!(
            client.result("textDocument/definition", hover(path)),
            Value::Null
        );
        let mut params = hover(path);
        params["context"] = json!({"includeDeclaration": true});
        assert_eq!(
            client.result("textDocument/references", params),
            Value::Null
        );
    }
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "proto", "version": 1, "text": "message {"}}),
    );
    let r = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": position(0, 0)}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    // A file outside any workspace is linted as `sous lint FILE` lints it (buf's defaults).
    let text = std::fs::read_to_string(&loose).unwrap();
    client.open(&loose, &text);
    let diagnostics = client.diagnostics(&loose, 1);
    let out = sous(
        outside.path(),
        &["lint", "loose.proto", "--error-format", "json"],
    );
    assert_eq!(
        split(&text, &diagnostics).0,
        file_keys(&out.stdout, "loose.proto")
    );

    // A buffer that does not parse: its COMPILE diagnostic, where `sous lint` puts it.
    let broken_rel = "proto/acme/v1/broken.proto";
    let broken_text =
        "syntax = \"proto3\";\npackage acme.v1;\nmessage Broken {\n  int32 id = \n}\n";
    write(&root, broken_rel, broken_text);
    let broken = root.join(broken_rel);
    client.open(&broken, broken_text);
    let diagnostics = client.diagnostics(&broken, 1);
    let out = sous(&root, &["lint", "--error-format", "json"]);
    let expected = file_keys(&out.stdout, broken_rel);
    assert!(expected.iter().any(|k| k.4 == "COMPILE"), "{}", out.stdout);
    assert_eq!(split(broken_text, &diagnostics).0, expected);
    std::fs::remove_file(&broken).unwrap();

    // A file deleted while open: changes and requests go on, with nothing to say about it.
    let gone = root.join("proto/acme/v1/gone.proto");
    let gone_text = "syntax = \"proto3\";\npackage acme.v1;\nmessage gone {}\n";
    std::fs::write(&gone, gone_text).unwrap();
    client.open(&gone, gone_text);
    assert!(!client.diagnostics(&gone, 1).is_empty());
    std::fs::remove_file(&gone).unwrap();
    client.change(&gone, 2, "syntax = \"proto3\";\nmessage still_gone {}\n");
    assert!(client.diagnostics(&gone, 2).is_empty());
    client.save(&gone);
    assert_eq!(
        client.result("textDocument/hover", hover(&gone)),
        Value::Null
    );

    // 1,000 changes as fast as they can be sent: the last text's diagnostics, and memory that
    // does not grow with the number of changes.
    let text = std::fs::read_to_string(&order).unwrap();
    client.open(&order, &text);
    client.diagnostics(&order, 1);
    let other = text.replace("closed = 2;", "CLOSED_TOO = 2;");
    let burst = |client: &mut Client, from: i64| {
        for version in from..from + 1000 {
            let t = if version % 2 == 0 { &other } else { &text };
            client.change(&order, version, t);
        }
        client.diagnostics(&order, from + 999)
    };
    let first = burst(&mut client, 2);
    let after_first = client.rss_kib();
    burst(&mut client, 1002);
    let after_second = client.rss_kib();
    assert!(
        after_second < after_first + 30 * 1024,
        "memory grew from {after_first} KiB to {after_second} KiB over 1,000 more changes"
    );
    // Version 1001 is odd: the text as on disk.
    let (expected, _) = lint_of(&root, ORDER);
    assert_eq!(split(&text, &first).0, expected);

    // Changes given as ranges (the server asks for them): applied in order, in UTF-16 units.
    let status = find(&text, "orderStatus");
    let end =
        json!({"line": status["line"], "character": status["character"].as_u64().unwrap() + 11});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&order), "version": 3000}, "contentChanges": [
            {"range": {"start": status, "end": end}, "text": "order_status"},
            {"range": {"start": position(0, 0), "end": position(0, 0)}, "text": "// 名前\n"},
        ]}),
    );
    let ranged = client.diagnostics(&order, 3000);
    let edited = format!("// 名前\n{}", text.replace("orderStatus", "order_status"));
    write(&root, ORDER, &edited);
    let (expected, _) = lint_of(&root, ORDER);
    assert!(!expected.iter().any(|k| k.4 == "FIELD_LOWER_SNAKE_CASE"));
    assert_eq!(split(&edited, &ranged).0, expected);

    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_exits_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), &[]);
    client.initialize(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

#[test]
fn the_base_revision_is_an_initialization_option() {
    let (dir, repo) = workspace();
    let root = dir.path().canonicalize().unwrap();
    let first = repo.head().unwrap().peel_to_commit().unwrap();
    repo.tag_lightweight("v1", first.as_object(), false)
        .unwrap();
    let order = root.join(ORDER);
    let text = std::fs::read_to_string(&order)
        .unwrap()
        .replace("  string note = 2;\n", "");
    write(&root, ORDER, &text);
    commit(&repo, "note deleted");

    let breaking_keys = |options: Value| {
        let mut client = Client::start(&root, &[]);
        client.initialize(options);
        client.open(&order, &text);
        // Lint first; breaking findings, if any, in a second publication.
        let lint = client.diagnostics(&order, 1);
        assert!(split(&text, &lint).1.is_empty());
        let response = client.request("shutdown", Value::Null);
        let diagnostics = client.published(&order).into_iter().last().unwrap_or(lint);
        assert_eq!(response["result"], Value::Null);
        client.notify("exit", Value::Null);
        assert_eq!(client.wait(), 0);
        split(&text, &diagnostics).1
    };
    let args = [
        "breaking",
        "--path",
        ORDER,
        "--error-format",
        "json",
        "--against",
    ];
    let out = sous(&root, &[&args[..], &["v1"]].concat());
    let expected = file_keys(&out.stdout, ORDER);
    assert!(
        expected.iter().any(|k| k.4 == "FIELD_NO_DELETE"),
        "{}",
        out.stdout
    );
    let buf_out = buf(&root, &[&args[..], &[".git#tag=v1"]].concat());
    assert_eq!(
        file_keys(&buf_out.stdout, ORDER),
        expected,
        "{}",
        buf_out.stdout
    );
    assert_eq!(breaking_keys(json!({"against": "v1"})), expected);
    // The default, the merge base of HEAD with main, is HEAD here: nothing breaks.
    assert!(breaking_keys(json!({})).is_empty());
    assert!(breaking_keys(json!({"against": "v1", "breaking": false})).is_empty());
}
