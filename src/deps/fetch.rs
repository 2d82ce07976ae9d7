//! Downloading what buf's module cache lacks, as buf does: for each registry, one `GetGraph` for
//! the missing commits (their transitive dependencies, which each module's `module.yaml` lists),
//! then one `Download` per module, several at once, each written into the cache by
//! [`store::put`] with its digest verified. b5 modules use the registry's v1 API; b4
//! (`shake256:`) modules the v1beta1 API, which also sends the module's own v1 `buf.yaml` and
//! `buf.lock`. A progress line goes to stderr when it is a terminal.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::cache::{Cache, CachedModule};
use super::lock::{Digest, DigestKind, LockedDep};
use super::registry::{describe, Client};
use super::store::{self, Downloaded};
use super::wire;
use super::{read_cached, Missing, ResolveError};
use crate::error::{Error, Result};

/// `--offline`, set once from the command line before anything is resolved.
static OFFLINE: AtomicBool = AtomicBool::new(false);

/// Never touch the network in this run (`--offline`).
pub fn set_offline() {
    OFFLINE.store(true, Ordering::Relaxed);
}

/// `--offline`, or `SOUS_OFFLINE` set to anything but empty, `0`, `false` or `no`. buf has no
/// such switch to honour.
pub fn offline() -> bool {
    OFFLINE.load(Ordering::Relaxed)
        || std::env::var("SOUS_OFFLINE").is_ok_and(|v| {
            !matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "" | "0" | "false" | "no"
            )
        })
}

/// What resolution does at a cache miss: downloads the missing modules (unless offline) and
/// reads the cache again, as often as newly read `module.yaml` files name more missing
/// dependencies; offline, the miss is the error, naming each dependency.
pub fn fill(
    cache: &Cache,
    locked: &[LockedDep],
    mut missing: Missing,
) -> Result<Vec<CachedModule>> {
    let mut tried: BTreeSet<LockedDep> = BTreeSet::new();
    loop {
        if offline() {
            return Err(Error::Input(format!(
                "{missing}
--offline (or SOUS_OFFLINE) is set, so sous did not download them: run sous without it, or \"buf dep update\" if buf.lock is stale"
            )));
        }
        // A module downloaded in an earlier round that is still missing would loop forever.
        if missing.deps.iter().any(|d| !tried.insert(d.clone())) {
            return Err(Error::Input(missing.to_string()));
        }
        // The download's error first, then the list of what is missing and how else to get it.
        download(cache, &missing.deps, locked)
            .map_err(|e| Error::Input(format!("{e}\n{missing}")))?;
        match read_cached(locked, cache) {
            Ok(modules) => return Ok(modules),
            Err(ResolveError::Missing(m)) => missing = m,
            Err(ResolveError::Other(e)) => return Err(e),
        }
    }
}

/// Downloads more than this many modules at once only in turn.
const PARALLEL: usize = 8;
/// The registry takes at most this many references in one request.
const MAX_REFS: usize = 250;

/// Downloads every module of `missing` into `cache`. `pinned` is the whole of `buf.lock` (every
/// transitive dependency), which names the commits the registry's graph returns.
pub fn download(cache: &Cache, missing: &[LockedDep], pinned: &[LockedDep]) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    let client = Client::from_env()?;
    let mut groups: BTreeMap<(String, DigestKind), Vec<&LockedDep>> = BTreeMap::new();
    for dep in missing {
        groups
            .entry((dep.registry.clone(), dep.digest.kind))
            .or_default()
            .push(dep);
    }
    let mut jobs = Vec::new();
    for ((registry, kind), deps) in &groups {
        // The graph of the missing commits and of every other commit buf.lock pins on this
        // registry: the latter give the module ids that name the commits a missing module
        // depends on when buf.lock pins another commit of that module (`buf dep update` keeps
        // the newest), which module.yaml must list as the registry has it.
        let mut asked: Vec<&LockedDep> = deps.clone();
        asked.extend(
            pinned
                .iter()
                .filter(|p| &p.registry == registry && p.digest.kind == *kind && !deps.contains(p)),
        );
        let graph = get_graph(&client, registry, *kind, &asked)?;
        for dep in deps {
            let transitive = graph.deps_of(dep, pinned)?;
            jobs.push(((*dep).clone(), transitive));
        }
    }
    let progress = Progress::new(jobs.len());
    let next = AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.len().min(PARALLEL) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((dep, transitive)) = jobs.get(i) else {
                    break;
                };
                let result = fetch_one(&client, dep, transitive)
                    .and_then(|module| store::put(cache, dep, &module));
                progress.done(dep);
                if let Err(e) = result {
                    errors
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(e.to_string());
                }
            });
        }
    });
    progress.finish();
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors.join("\n")))
    }
}

/// A commit as the graph names it: `(registry, dashless commit id)`.
type Key = (String, String);

/// The registry's dependency graph of some commits.
struct Graph {
    registry: String,
    /// Every commit of the graph: its module id and digest.
    commits: BTreeMap<Key, (String, Option<Digest>)>,
    edges: BTreeMap<Key, Vec<Key>>,
}

fn dashless(id: &str) -> String {
    id.replace('-', "").to_ascii_lowercase()
}

/// A digest of the graph, given what its type numbers mean in the API version that sent it; an
/// unknown type or length is none (the one from buf.lock is kept).
fn digest_of(d: Option<&wire::Digest>, types: &[(i32, DigestKind)]) -> Option<Digest> {
    let d = d?;
    let kind = types.iter().find(|(t, _)| *t == d.r#type)?.1;
    (d.value.len() == 64).then(|| Digest {
        kind,
        hex: d.value.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

fn get_graph(
    client: &Client,
    registry: &str,
    kind: DigestKind,
    deps: &[&LockedDep],
) -> Result<Graph> {
    let mut graph = Graph {
        registry: registry.to_string(),
        commits: BTreeMap::new(),
        edges: BTreeMap::new(),
    };
    let what = |chunk: &[&LockedDep]| {
        let names: Vec<String> = chunk.iter().map(|d| d.to_string()).collect();
        format!("the dependency graph of {}", names.join(", "))
    };
    for chunk in deps.chunks(MAX_REFS) {
        let refs = chunk.iter().map(|d| wire::ResourceRef {
            id: d.commit.clone(),
        });
        match kind {
            DigestKind::B5 => {
                let request = wire::V1GetGraphRequest {
                    resource_refs: refs.collect(),
                };
                let response: wire::V1GetGraphResponse = client
                    .call(registry, wire::GET_GRAPH_V1, &request)
                    .map_err(|e| Error::Input(describe(&e, registry, &what(chunk))))?;
                let g = response.graph.unwrap_or_default();
                for c in g.commits {
                    let key = (registry.to_string(), dashless(&c.id));
                    let digest =
                        digest_of(c.digest.as_ref(), &[(wire::V1_DIGEST_B5, DigestKind::B5)]);
                    graph.commits.insert(key, (c.module_id, digest));
                }
                for e in g.edges {
                    if let (Some(from), Some(to)) = (e.from_node, e.to_node) {
                        graph
                            .edges
                            .entry((registry.to_string(), dashless(&from.commit_id)))
                            .or_default()
                            .push((registry.to_string(), dashless(&to.commit_id)));
                    }
                }
            }
            DigestKind::B4 => {
                let request = wire::GetGraphRequest {
                    resource_refs: refs
                        .map(|r| wire::GraphRef {
                            resource_ref: Some(r),
                            registry: registry.to_string(),
                        })
                        .collect(),
                    digest_type: wire::V1BETA1_DIGEST_B4,
                };
                let response: wire::GetGraphResponse = client
                    .call(registry, wire::GET_GRAPH_V1BETA1, &request)
                    .map_err(|e| Error::Input(describe(&e, registry, &what(chunk))))?;
                let g = response.graph.unwrap_or_default();
                for gc in g.commits {
                    let Some(c) = gc.commit else { continue };
                    let key = (gc.registry, dashless(&c.id));
                    let digest = digest_of(
                        c.digest.as_ref(),
                        &[
                            (wire::V1BETA1_DIGEST_B4, DigestKind::B4),
                            (wire::V1BETA1_DIGEST_B5, DigestKind::B5),
                        ],
                    );
                    graph.commits.insert(key, (c.module_id, digest));
                }
                for e in g.edges {
                    if let (Some(from), Some(to)) = (e.from_node, e.to_node) {
                        graph
                            .edges
                            .entry((from.registry, dashless(&from.commit_id)))
                            .or_default()
                            .push((to.registry, dashless(&to.commit_id)));
                    }
                }
            }
        }
    }
    Ok(graph)
}

impl Graph {
    /// The transitive dependencies of `dep`, named from `buf.lock`: a commit it pins by
    /// `(registry, commit)`, or else another commit of a module it pins (the graph gives every
    /// commit its module id). The registry could name the rest through its module and owner
    /// services; sous asks the user to run `buf dep update` instead.
    fn deps_of(&self, dep: &LockedDep, pinned: &[LockedDep]) -> Result<Vec<LockedDep>> {
        let start: Key = (dep.registry.clone(), dep.commit.clone());
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(key) = stack.pop() {
            for to in self.edges.get(&key).into_iter().flatten() {
                if seen.insert(to.clone()) {
                    stack.push(to.clone());
                }
            }
        }
        seen.remove(&start);
        let mut names: BTreeMap<&str, &LockedDep> = BTreeMap::new();
        for p in pinned {
            if let Some((module_id, _)) = self.commits.get(&(p.registry.clone(), p.commit.clone()))
            {
                names.insert(module_id, p);
            }
        }
        let mut out = Vec::new();
        for (registry, commit) in seen {
            let node = self.commits.get(&(registry.clone(), commit.clone()));
            let named = pinned
                .iter()
                .find(|p| p.registry == registry && p.commit == commit)
                .cloned()
                .or_else(|| {
                    let (module_id, _) = node?;
                    let same = names.get(module_id.as_str())?;
                    Some(LockedDep {
                        commit: commit.clone(),
                        ..(*same).clone()
                    })
                });
            let Some(mut named) = named else {
                return Err(Error::Input(format!(
                    "registry {} says dependency {dep} depends on commit {commit}, of a module buf.lock does not pin: run `buf dep update` to pin every transitive dependency",
                    self.registry
                )));
            };
            if let Some((_, Some(digest))) = node {
                if digest.kind == named.digest.kind {
                    named.digest = digest.clone();
                }
            }
            out.push(named);
        }
        Ok(out)
    }
}

/// Downloads one module.
fn fetch_one(client: &Client, dep: &LockedDep, deps: &[LockedDep]) -> Result<Downloaded> {
    let registry = dep.registry.as_str();
    let value = wire::DownloadValue {
        resource_ref: Some(wire::ResourceRef {
            id: dep.commit.clone(),
        }),
    };
    let (procedure, digest_type) = match dep.digest.kind {
        DigestKind::B5 => (wire::DOWNLOAD_V1, 0),
        DigestKind::B4 => (wire::DOWNLOAD_V1BETA1, wire::V1BETA1_DIGEST_B4),
    };
    let request = wire::DownloadRequest {
        values: vec![value],
        digest_type,
    };
    let what = format!("dependency {dep}");
    let response: wire::DownloadResponse = client
        .call(registry, procedure, &request)
        .map_err(|e| Error::Input(describe(&e, registry, &what)))?;
    let content = response
        .contents
        .into_iter()
        .find(|c| {
            c.commit
                .as_ref()
                .is_some_and(|c| dashless(&c.id) == dep.commit)
        })
        .ok_or_else(|| {
            Error::Input(format!(
                "registry {registry} answered the download of {what} without that commit"
            ))
        })?;
    Ok(Downloaded {
        files: content
            .files
            .into_iter()
            .map(|f| (f.path, f.content))
            .collect(),
        deps: deps.to_vec(),
        v1_buf_yaml: content.v1_buf_yaml_file.map(|f| f.content),
        v1_buf_lock: content.v1_buf_lock_file.map(|f| f.content),
    })
}

/// `Downloading dependencies: 3/7 buf.build/googleapis/googleapis` on one line of stderr, when
/// stderr is a terminal; nothing otherwise, so logs and tests see only results.
struct Progress {
    total: usize,
    done: AtomicUsize,
    on: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            on: std::io::stderr().is_terminal(),
        }
    }

    fn done(&self, dep: &LockedDep) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2KDownloading dependencies: {n}/{} {}",
                self.total,
                dep.full_name()
            );
            let _ = err.flush();
        }
    }

    fn finish(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
