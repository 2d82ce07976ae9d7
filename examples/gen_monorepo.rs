//! Generates a synthetic protos monorepo for benchmarks, deterministically.
//!
//!     cargo run --release --example gen_monorepo -- FILES DIR [--changed N]
//!
//! Writes FILES `.proto` files under DIR in packages of 20 files (`acme/pNNNN/v1/fileNN.proto`):
//! messages with nested messages and enums, maps, oneofs, imports between files of one package and
//! from two common packages, services, comments, and a few lint violations. `--changed N` writes the same
//! tree with breaking changes in N files (a field type changed, a field deleted, an enum value
//! deleted), for `sous breaking` against the unchanged tree. Same arguments, same bytes.

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (SplitMix64), so the tree is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PER_PACKAGE: usize = 20;
const SCALARS: &[&str] = &[
    "string", "int32", "int64", "bool", "double", "bytes", "uint64",
];

fn package(p: usize) -> String {
    format!("acme.p{p:04}.v1")
}

fn path(i: usize) -> String {
    format!(
        "acme/p{:04}/v1/file{:02}.proto",
        i / PER_PACKAGE,
        i % PER_PACKAGE
    )
}

/// The text of file `i`; `changed` makes its breaking changes.
fn file(i: usize, changed: bool) -> String {
    let mut rng = Rng(i as u64 * 7919 + 17);
    let p = i / PER_PACKAGE;
    let mut out = String::new();
    let _ = writeln!(out, "// Generated file {i} of the benchmark monorepo.");
    out.push_str("syntax = \"proto3\";\n\n");
    let _ = writeln!(out, "package {};\n", package(p));
    let mut imports: Vec<usize> = Vec::new();
    for _ in 0..rng.below(4) {
        // Earlier files only, so there are no cycles.
        if i == 0 {
            break;
        }
        // An earlier file of the same package, or one of the two common packages at the
        // start (which import only within themselves): import graphs stay shallow, as in real
        // monorepos, instead of every file reaching every earlier one.
        let common = (2 * PER_PACKAGE).min(i);
        let j = if (rng.below(2) == 0 || i < 2 * PER_PACKAGE) && i % PER_PACKAGE > 0 {
            i - 1 - rng.below((i % PER_PACKAGE) as u64) as usize
        } else if i >= 2 * PER_PACKAGE {
            rng.below(common as u64) as usize
        } else {
            continue;
        };
        if !imports.contains(&j) {
            imports.push(j);
        }
    }
    imports.sort();
    for j in &imports {
        let _ = writeln!(out, "import \"{}\";", path(*j));
    }
    out.push_str("import \"google/protobuf/timestamp.proto\";\n\n");
    let _ = writeln!(
        out,
        "option go_package = \"example.com/acme/p{p:04}/v1;p{p:04}v1\";\n"
    );
    let messages = 2 + rng.below(3) as usize;
    for m in 0..messages {
        let name = format!("Item{i}M{m}");
        let _ = writeln!(out, "// {name} is message {m} of file {i}.");
        let _ = writeln!(out, "message {name} {{");
        let _ = writeln!(out, "  // The state of a {name}.");
        let _ = writeln!(out, "  enum State {{");
        let _ = writeln!(out, "    STATE_UNSPECIFIED = 0;");
        let _ = writeln!(out, "    STATE_ACTIVE = 1;");
        if !(changed && m == 0) {
            let _ = writeln!(out, "    STATE_RETIRED = 2;");
        }
        out.push_str("  }\n\n");
        let _ = writeln!(out, "  // A part of a {name}.");
        out.push_str("  message Part {\n    string part_id = 1;\n    int64 count = 2;\n  }\n\n");
        let fields = 4 + rng.below(6) as usize;
        let mut number = 1;
        for f in 0..fields {
            let scalar = SCALARS[rng.below(SCALARS.len() as u64) as usize];
            let scalar = if changed && m == 0 && f == 0 && scalar != "string" {
                "string"
            } else if changed && m == 0 && f == 0 {
                "bytes"
            } else {
                scalar
            };
            if changed && m == 1 && f == 1 {
                number += 1;
                continue;
            }
            // One field in twenty is camelCase: a lint finding.
            let field = if rng.below(20) == 0 {
                format!("fieldValue{f}")
            } else {
                format!("field_value_{f}")
            };
            let _ = writeln!(out, "  // Field {f}.");
            let _ = writeln!(out, "  {scalar} {field} = {number};");
            number += 1;
        }
        let _ = writeln!(out, "  State state = {number};");
        let _ = writeln!(out, "  repeated Part parts = {};", number + 1);
        let _ = writeln!(out, "  map<string, Part> parts_by_id = {};", number + 2);
        let _ = writeln!(
            out,
            "  google.protobuf.Timestamp create_time = {};",
            number + 3
        );
        if let Some(j) = imports.first() {
            let _ = writeln!(
                out,
                "  {}.Item{j}M0 related = {};",
                package(j / PER_PACKAGE),
                number + 4
            );
        }
        let _ = writeln!(out, "  oneof choice {{");
        let _ = writeln!(out, "    string choice_name = {};", number + 5);
        let _ = writeln!(out, "    int64 choice_id = {};", number + 6);
        out.push_str("  }\n}\n\n");
    }
    if i % 4 == 0 {
        let _ = writeln!(out, "// Service{i} serves file {i}.");
        let _ = writeln!(out, "service Service{i} {{");
        for m in 0..messages.min(2) {
            let _ = writeln!(out, "  // Get{m} returns one item.");
            let _ = writeln!(out, "  rpc Get{m}(Item{i}M{m}) returns (Item{i}M{m});");
        }
        out.push_str("}\n");
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_monorepo FILES DIR [--changed N]";
    let files: usize = args.first().and_then(|a| a.parse().ok()).expect(usage);
    let dir = Path::new(args.get(1).expect(usage));
    let changed: usize = match args.get(2).map(String::as_str) {
        Some("--changed") => args.get(3).and_then(|a| a.parse().ok()).expect(usage),
        None => 0,
        _ => panic!("{usage}"),
    };
    // Spread the changed files over the tree.
    let step = files.checked_div(changed).map_or(usize::MAX, |s| s.max(1));
    for i in 0..files {
        let p = dir.join(path(i));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let is_changed = changed > 0 && i % step == 0 && i / step < changed;
        std::fs::write(&p, file(i, is_changed)).unwrap();
    }
    std::fs::write(dir.join("buf.yaml"), "version: v2\n").unwrap();
}
