//! A small registry on the loopback address for the download tests: it implements the Connect
//! unary protocol (HTTP/1.1 POST, binary protobuf) for `DownloadService/Download` and
//! `GraphService/GetGraph` of `buf.registry.module.v1` (b5) and `v1beta1` (b4), with the
//! messages declared here from bufbuild/registry-proto, independently of sous's own. It serves
//! modules built from `fixtures/deps/modules/`, records every request (path and
//! `Authorization`), and can misbehave on purpose (see [`Behaviour`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost::Message;

#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceRef {
    #[prost(string, tag = "1")]
    pub id: String,
}
#[derive(Clone, PartialEq, prost::Message)]
pub struct File {
    #[prost(string, tag = "1")]
    pub path: String,
    #[prost(bytes = "vec", tag = "2")]
    pub content: Vec<u8>,
}
#[derive(Clone, PartialEq, prost::Message)]
pub struct Digest {
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}
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
#[derive(Clone, PartialEq, prost::Message)]
struct DownloadValue {
    #[prost(message, optional, tag = "1")]
    resource_ref: Option<ResourceRef>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct DownloadRequest {
    #[prost(message, repeated, tag = "1")]
    values: Vec<DownloadValue>,
    #[prost(int32, tag = "2")]
    digest_type: i32,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Content {
    #[prost(message, optional, tag = "1")]
    commit: Option<Commit>,
    #[prost(message, repeated, tag = "2")]
    files: Vec<File>,
    #[prost(message, optional, tag = "3")]
    v1_buf_yaml_file: Option<File>,
    #[prost(message, optional, tag = "4")]
    v1_buf_lock_file: Option<File>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct DownloadResponse {
    #[prost(message, repeated, tag = "1")]
    contents: Vec<Content>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct V1GetGraphRequest {
    #[prost(message, repeated, tag = "1")]
    resource_refs: Vec<ResourceRef>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct V1Node {
    #[prost(string, tag = "1")]
    commit_id: String,
}
#[derive(Clone, PartialEq, prost::Message)]
struct V1Edge {
    #[prost(message, optional, tag = "1")]
    from_node: Option<V1Node>,
    #[prost(message, optional, tag = "2")]
    to_node: Option<V1Node>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct V1Graph {
    #[prost(message, repeated, tag = "1")]
    commits: Vec<Commit>,
    #[prost(message, repeated, tag = "2")]
    edges: Vec<V1Edge>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct V1GetGraphResponse {
    #[prost(message, optional, tag = "1")]
    graph: Option<V1Graph>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct GraphRef {
    #[prost(message, optional, tag = "1")]
    resource_ref: Option<ResourceRef>,
    #[prost(string, tag = "2")]
    registry: String,
}
#[derive(Clone, PartialEq, prost::Message)]
struct GetGraphRequest {
    #[prost(message, repeated, tag = "1")]
    resource_refs: Vec<GraphRef>,
    #[prost(int32, tag = "2")]
    digest_type: i32,
}
#[derive(Clone, PartialEq, prost::Message)]
struct GraphCommit {
    #[prost(message, optional, tag = "1")]
    commit: Option<Commit>,
    #[prost(string, tag = "2")]
    registry: String,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Node {
    #[prost(string, tag = "1")]
    commit_id: String,
    #[prost(string, tag = "2")]
    registry: String,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Edge {
    #[prost(message, optional, tag = "1")]
    from_node: Option<Node>,
    #[prost(message, optional, tag = "2")]
    to_node: Option<Node>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Graph {
    #[prost(message, repeated, tag = "1")]
    commits: Vec<GraphCommit>,
    #[prost(message, repeated, tag = "2")]
    edges: Vec<Edge>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct GetGraphResponse {
    #[prost(message, optional, tag = "1")]
    graph: Option<Graph>,
}

/// A module the registry holds.
#[derive(Clone)]
pub struct Module {
    pub registry: String,
    pub commit: String,
    pub module_id: String,
    pub owner_id: String,
    /// Raw 64 bytes, of the kind every module of the server has.
    pub digest: Vec<u8>,
    pub files: Vec<File>,
    pub v1_buf_yaml: Option<Vec<u8>>,
    pub v1_buf_lock: Option<Vec<u8>>,
    /// Indexes of the modules it depends on directly.
    pub deps: Vec<usize>,
}

/// How the registry answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Behaviour {
    Serve,
    /// Every call fails with this HTTP status and Connect error.
    Fail(u16, &'static str),
    /// Downloads announce their full length but send only half of it, then close.
    Truncate,
    /// Every answer waits this long first.
    Slow(Duration),
    /// Downloads come with one file's bytes changed.
    Tamper,
}

/// What the registry saw: the procedure path and the `Authorization` header.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

pub struct Registry {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Registry {
    pub fn start(modules: Vec<Module>, behaviour: Behaviour) -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let modules = Arc::new(modules);
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (modules, log, behaviour) = (modules.clone(), log.clone(), behaviour.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &modules, &log, &behaviour);
                });
            }
        });
        Registry { base, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    modules: &[Module],
    log: &Mutex<Vec<Seen>>,
    behaviour: &Behaviour,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    log.lock().unwrap().push(Seen {
        path: path.clone(),
        authorization,
    });
    let mut out = stream;
    if let Behaviour::Slow(wait) = behaviour {
        std::thread::sleep(*wait);
    }
    if let Behaviour::Fail(status, code) = behaviour {
        let json = format!(r#"{{"code":"{code}","message":"the test registry says {code}"}}"#);
        return respond(&mut out, *status, "application/json", json.as_bytes(), None);
    }
    let answer = match path.as_str() {
        "/buf.registry.module.v1.DownloadService/Download"
        | "/buf.registry.module.v1beta1.DownloadService/Download" => {
            let request = DownloadRequest::decode(body.as_slice()).unwrap();
            let ids: Vec<String> = request
                .values
                .iter()
                .filter_map(|v| v.resource_ref.as_ref().map(|r| r.id.clone()))
                .collect();
            download(modules, &ids, behaviour == &Behaviour::Tamper)
        }
        "/buf.registry.module.v1.GraphService/GetGraph" => {
            let request = V1GetGraphRequest::decode(body.as_slice()).unwrap();
            let ids: Vec<String> = request.resource_refs.iter().map(|r| r.id.clone()).collect();
            let (commits, edges) = graph(modules, &ids);
            Some(
                V1GetGraphResponse {
                    graph: Some(V1Graph {
                        commits: commits.iter().map(|&i| commit(&modules[i])).collect(),
                        edges: edges
                            .iter()
                            .map(|&(a, b)| V1Edge {
                                from_node: Some(V1Node {
                                    commit_id: modules[a].commit.clone(),
                                }),
                                to_node: Some(V1Node {
                                    commit_id: modules[b].commit.clone(),
                                }),
                            })
                            .collect(),
                    }),
                }
                .encode_to_vec(),
            )
        }
        "/buf.registry.module.v1beta1.GraphService/GetGraph" => {
            let request = GetGraphRequest::decode(body.as_slice()).unwrap();
            let ids: Vec<String> = request
                .resource_refs
                .iter()
                .filter_map(|r| r.resource_ref.as_ref().map(|r| r.id.clone()))
                .collect();
            let (commits, edges) = graph(modules, &ids);
            let node = |m: &Module| Node {
                commit_id: m.commit.clone(),
                registry: m.registry.clone(),
            };
            Some(
                GetGraphResponse {
                    graph: Some(Graph {
                        commits: commits
                            .iter()
                            .map(|&i| GraphCommit {
                                commit: Some(commit(&modules[i])),
                                registry: modules[i].registry.clone(),
                            })
                            .collect(),
                        edges: edges
                            .iter()
                            .map(|&(a, b)| Edge {
                                from_node: Some(node(&modules[a])),
                                to_node: Some(node(&modules[b])),
                            })
                            .collect(),
                    }),
                }
                .encode_to_vec(),
            )
        }
        _ => None,
    };
    match answer {
        None => {
            let json = br#"{"code":"not_found","message":"no such commit or procedure"}"#;
            respond(&mut out, 404, "application/json", json, None)
        }
        Some(bytes) => {
            let cut = (behaviour == &Behaviour::Truncate && path.ends_with("/Download"))
                .then_some(bytes.len() / 2);
            respond(&mut out, 200, "application/proto", &bytes, cut)
        }
    }
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    cut: Option<usize>,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(&body[..cut.unwrap_or(body.len())])?;
    out.flush()
}

fn commit(m: &Module) -> Commit {
    Commit {
        id: m.commit.clone(),
        owner_id: m.owner_id.clone(),
        module_id: m.module_id.clone(),
        // v1 knows only B5 = 1; v1beta1 has B4 = 1, B5 = 2. The tests keep one kind per server.
        digest: Some(Digest {
            r#type: 1,
            value: m.digest.clone(),
        }),
    }
}

/// The commits reachable from `ids` and the edges among them.
fn graph(modules: &[Module], ids: &[String]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut stack: Vec<usize> = ids
        .iter()
        .filter_map(|id| modules.iter().position(|m| &m.commit == id))
        .collect();
    let mut seen: Vec<usize> = Vec::new();
    let mut edges = Vec::new();
    while let Some(i) = stack.pop() {
        if seen.contains(&i) {
            continue;
        }
        seen.push(i);
        for &d in &modules[i].deps {
            edges.push((i, d));
            stack.push(d);
        }
    }
    (seen, edges)
}

fn download(modules: &[Module], ids: &[String], tamper: bool) -> Option<Vec<u8>> {
    let mut contents = Vec::new();
    for id in ids {
        let m = modules.iter().find(|m| &m.commit == id)?;
        let mut files = m.files.clone();
        if tamper {
            files[0]
                .content
                .extend_from_slice(b"\n// changed on the way\n");
        }
        contents.push(Content {
            commit: Some(commit(m)),
            files,
            v1_buf_yaml_file: m.v1_buf_yaml.clone().map(|content| File {
                path: "buf.yaml".into(),
                content,
            }),
            v1_buf_lock_file: m.v1_buf_lock.clone().map(|content| File {
                path: "buf.lock".into(),
                content,
            }),
        });
    }
    Some(DownloadResponse { contents }.encode_to_vec())
}
