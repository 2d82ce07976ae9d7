//! A descriptor set as `--against`: arbitrary bytes, and (from the seeds, sets written by
//! `sous build -o`) mutated valid sets, compared with a small schema under every breaking rule.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sous::config::Workspace;
use sous::schema::Schema;

const NEW: &str = "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/protobuf/timestamp.proto\";\nmessage Order {\n  int64 id = 1;\n  repeated string items = 2;\n  map<string, int32> counts = 3;\n  google.protobuf.Timestamp at = 4;\n  oneof kind {\n    string a = 5;\n    int32 b = 6;\n  }\n  enum State {\n    STATE_UNSPECIFIED = 0;\n    STATE_OPEN = 1;\n  }\n  State state = 7;\n}\nservice OrderService {\n  rpc GetOrder(Order) returns (Order);\n}\n";

fn new_side() -> &'static (Workspace, Schema) {
    static SIDE: OnceLock<(Workspace, Schema)> = OnceLock::new();
    SIDE.get_or_init(|| {
        let ws = sous_fuzz::workspace(sous_fuzz::every_breaking_rule()).expect("parses");
        let files = vec![("acme/v1/order.proto".to_string(), NEW.as_bytes().to_vec())];
        let schema = sous_fuzz::in_pool(|| sous_fuzz::side(&ws, &files)).expect("compiles");
        (ws, schema)
    })
}

fuzz_target!(|data: &[u8]| {
    let (ws, new) = new_side();
    let Ok(old) = sous::against::descriptor_set(data, "against.binpb") else {
        return;
    };
    sous_fuzz::in_pool(|| sous_fuzz::breaking(ws, new, &old.schema, None));
});
