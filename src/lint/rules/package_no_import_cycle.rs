//! PACKAGE_NO_IMPORT_CYCLE: packages do not import each other in a cycle, even when the files do
//! not (`a/x.proto` imports `b/y.proto`, which imports `a/z.proto`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::prelude::*;

declare_rule!(PackageNoImportCycle, "PACKAGE_NO_IMPORT_CYCLE");

impl Rule for PackageNoImportCycle {
    fn check_module(&self, cx: &mut Context, files: &[FileNode]) {
        let graph = package_graph(cx, files);
        // buf parity: every import of a target file whose package leads back to the file's own
        // package is reported, once, at the import statement. Same-package imports and files
        // without a package take no part.
        for file in files {
            let from = file.proto.package();
            if from.is_empty() {
                continue;
            }
            for (k, dep) in file.proto.dependency.iter().enumerate() {
                let Some(to) = cx.schema().file(dep).map(|d| d.package().to_string()) else {
                    continue;
                };
                if to.is_empty() || to == from {
                    continue;
                }
                if let Some(back) = path(&graph, &to, from) {
                    let cycle = std::iter::once(from)
                        .chain(back.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" -> ");
                    cx.report_in(
                        file,
                        &[tag::FILE_DEPENDENCY, k as i32],
                        format!(
                            "importing {dep:?} closes a package import cycle {cycle}: move the shared definitions into a package that both can import"
                        ),
                    );
                }
            }
        }
    }
}

/// Package -> imported packages, over the module's target files and everything they import
/// (buf parity: files of the module that no target imports are not part of the graph).
fn package_graph(cx: &Context, files: &[FileNode]) -> BTreeMap<String, BTreeSet<String>> {
    let schema = cx.schema();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen: BTreeSet<&str> = files.iter().map(|f| f.name()).collect();
    let mut queue: VecDeque<&str> = seen.iter().copied().collect();
    while let Some(name) = queue.pop_front() {
        let Some(proto) = schema.file(name) else {
            continue;
        };
        let from = proto.package();
        for dep in &proto.dependency {
            if seen.insert(dep.as_str()) {
                queue.push_back(dep.as_str());
            }
            let Some(to) = schema.file(dep).map(|d| d.package()) else {
                continue;
            };
            if !from.is_empty() && !to.is_empty() && from != to {
                graph
                    .entry(from.to_string())
                    .or_default()
                    .insert(to.to_string());
            }
        }
    }
    graph
}

/// The shortest package path from `start` to `goal` (both included), if any.
fn path(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    goal: &str,
) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    parent.insert(start, start);
    while let Some(node) = queue.pop_front() {
        if node == goal {
            let mut out = vec![node.to_string()];
            let mut at = node;
            while at != start {
                at = parent[at];
                out.push(at.to_string());
            }
            out.reverse();
            return Some(out);
        }
        for next in graph.get(node).into_iter().flatten() {
            if !parent.contains_key(next.as_str()) {
                parent.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}
