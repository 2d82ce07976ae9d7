//! The messages of the Buf Schema Registry's module API that a download needs, declared by hand
//! with prost's derive from bufbuild/registry-proto (`buf/registry/module/v1` and `v1beta1`):
//! only the fields sous reads or sends, with the same numbers and types, so the binary encoding
//! is the registry's. Fields left out are skipped on decode, as protobuf allows.
//!
//! v1 serves b5 modules; v1beta1 serves both kinds and is the one buf uses for b4 (`shake256:`)
//! modules, whose download also carries the module's own v1 `buf.yaml` and `buf.lock`.

#![allow(clippy::derive_partial_eq_without_eq)]

/// `ResourceRef`, by commit id only (field 1 of its `value` oneof); the same in v1 and v1beta1.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceRef {
    /// A dashless commit UUID.
    #[prost(string, tag = "1")]
    pub id: String,
}

/// `File` (v1 and v1beta1): a path relative to the module root and its bytes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct File {
    #[prost(string, tag = "1")]
    pub path: String,
    #[prost(bytes = "vec", tag = "2")]
    pub content: Vec<u8>,
}

/// `Digest`: its type (v1: 1 = B5; v1beta1: 1 = B4, 2 = B5) and the raw 64 bytes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Digest {
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

/// `Commit` (v1 and v1beta1 have the same fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Commit {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "3")]
    pub owner_id: String,
    #[prost(string, tag = "4")]
    pub module_id: String,
    #[prost(message, optional, tag = "5")]
    pub digest: Option<Digest>,
}

/// v1beta1 `DigestType`.
pub const V1BETA1_DIGEST_B4: i32 = 1;
pub const V1BETA1_DIGEST_B5: i32 = 2;
/// v1 `DigestType`.
pub const V1_DIGEST_B5: i32 = 1;

/// `DownloadRequest.Value`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DownloadValue {
    #[prost(message, optional, tag = "1")]
    pub resource_ref: Option<ResourceRef>,
}

/// `DownloadRequest`; `digest_type` exists in v1beta1 only (left 0, it is not sent to v1).
#[derive(Clone, PartialEq, prost::Message)]
pub struct DownloadRequest {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<DownloadValue>,
    #[prost(int32, tag = "2")]
    pub digest_type: i32,
}

/// `DownloadResponse.Content`; the v1 buf.yaml and buf.lock come in v1beta1 only.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Content {
    #[prost(message, optional, tag = "1")]
    pub commit: Option<Commit>,
    #[prost(message, repeated, tag = "2")]
    pub files: Vec<File>,
    #[prost(message, optional, tag = "3")]
    pub v1_buf_yaml_file: Option<File>,
    #[prost(message, optional, tag = "4")]
    pub v1_buf_lock_file: Option<File>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DownloadResponse {
    #[prost(message, repeated, tag = "1")]
    pub contents: Vec<Content>,
}

/// v1beta1 `GetGraphRequest.ResourceRef`: the reference and the registry it lives on.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphRef {
    #[prost(message, optional, tag = "1")]
    pub resource_ref: Option<ResourceRef>,
    #[prost(string, tag = "2")]
    pub registry: String,
}

/// v1beta1 `GetGraphRequest`, for b4 modules (it takes the digest kind; v1 knows only b5).
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetGraphRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_refs: Vec<GraphRef>,
    #[prost(int32, tag = "2")]
    pub digest_type: i32,
}

/// v1beta1 `Graph.Commit`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphCommit {
    #[prost(message, optional, tag = "1")]
    pub commit: Option<Commit>,
    #[prost(string, tag = "2")]
    pub registry: String,
}

/// v1beta1 `Graph.Node`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Node {
    #[prost(string, tag = "1")]
    pub commit_id: String,
    #[prost(string, tag = "2")]
    pub registry: String,
}

/// `Graph.Edge`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Edge {
    #[prost(message, optional, tag = "1")]
    pub from_node: Option<Node>,
    #[prost(message, optional, tag = "2")]
    pub to_node: Option<Node>,
}

/// v1beta1 `Graph`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Graph {
    #[prost(message, repeated, tag = "1")]
    pub commits: Vec<GraphCommit>,
    #[prost(message, repeated, tag = "2")]
    pub edges: Vec<Edge>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GetGraphResponse {
    #[prost(message, optional, tag = "1")]
    pub graph: Option<Graph>,
}

/// v1 `GetGraphRequest`, for b5 modules.
#[derive(Clone, PartialEq, prost::Message)]
pub struct V1GetGraphRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_refs: Vec<ResourceRef>,
}

/// v1 `Graph.Node`: a commit of the registry asked.
#[derive(Clone, PartialEq, prost::Message)]
pub struct V1Node {
    #[prost(string, tag = "1")]
    pub commit_id: String,
}

/// v1 `Graph.Edge`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct V1Edge {
    #[prost(message, optional, tag = "1")]
    pub from_node: Option<V1Node>,
    #[prost(message, optional, tag = "2")]
    pub to_node: Option<V1Node>,
}

/// v1 `Graph`: the commits themselves, all on the registry asked.
#[derive(Clone, PartialEq, prost::Message)]
pub struct V1Graph {
    #[prost(message, repeated, tag = "1")]
    pub commits: Vec<Commit>,
    #[prost(message, repeated, tag = "2")]
    pub edges: Vec<V1Edge>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct V1GetGraphResponse {
    #[prost(message, optional, tag = "1")]
    pub graph: Option<V1Graph>,
}

/// The procedures sous calls, as Connect paths.
pub const DOWNLOAD_V1: &str = "/buf.registry.module.v1.DownloadService/Download";
pub const DOWNLOAD_V1BETA1: &str = "/buf.registry.module.v1beta1.DownloadService/Download";
pub const GET_GRAPH_V1: &str = "/buf.registry.module.v1.GraphService/GetGraph";
pub const GET_GRAPH_V1BETA1: &str = "/buf.registry.module.v1beta1.GraphService/GetGraph";
