//! RPC_REQUEST_RESPONSE_UNIQUE: every request and response type is used by one RPC only, and no
//! RPC uses the same type for its request and its response.
//!
//! Uniqueness is counted over every target file of the module, across services and packages.

use std::collections::{BTreeMap, BTreeSet};

use super::prelude::*;

declare_rule!(RpcRequestResponseUnique, "RPC_REQUEST_RESPONSE_UNIQUE");

const EMPTY: &str = "google.protobuf.Empty";

impl Rule for RpcRequestResponseUnique {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        let allow_same = cx.config().rpc_allow_same_request_response;
        let allow_empty_req = cx.config().rpc_allow_google_protobuf_empty_requests;
        let allow_empty_resp = cx.config().rpc_allow_google_protobuf_empty_responses;
        // The types an RPC counts for: an allowed google.protobuf.Empty does not count.
        let counted = |input: &str, output: &str| -> BTreeSet<String> {
            let mut types = BTreeSet::new();
            if !(input == EMPTY && allow_empty_req) {
                types.insert(input.to_string());
            }
            if !(output == EMPTY && allow_empty_resp) {
                types.insert(output.to_string());
            }
            types
        };
        let mut rpcs = Vec::new();
        let mut users: BTreeMap<String, usize> = BTreeMap::new();
        for (f, file) in files.iter().enumerate() {
            for (i, service) in file.proto.service.iter().enumerate() {
                for (j, method) in service.method.iter().enumerate() {
                    let input = method.input_type().trim_start_matches('.');
                    let output = method.output_type().trim_start_matches('.');
                    let types = counted(input, output);
                    for t in &types {
                        *users.entry(t.clone()).or_default() += 1;
                    }
                    let path = vec![tag::FILE_SERVICE, i as i32, tag::SERVICE_METHOD, j as i32];
                    rpcs.push((f, path, method, input, output, types));
                }
            }
        }
        for (f, path, method, input, output, types) in rpcs {
            let file = &files[f];
            let rpc = method.name();
            for t in &types {
                if users[t] > 1 {
                    cx.report_in(
                        file,
                        &path,
                        format!("{t:?} is the request or response of {} RPCs, RPC {rpc:?} among them: give every RPC its own request and response messages", users[t]),
                    );
                }
            }
            // buf parity: an Empty-to-Empty RPC is fine when both Empty options are set.
            let both_allowed_empty = input == EMPTY && allow_empty_req && allow_empty_resp;
            if input == output && !allow_same && !both_allowed_empty {
                cx.report_in(
                    file,
                    &path,
                    format!("RPC {rpc:?} uses {input:?} as both its request and its response: give it a request and a response message of its own"),
                );
            }
        }
    }
}
