//! Configuration checks made where buf makes them. The against side's configuration is read
//! for its layout only: buf checks with the input's rules, so a rule or category the against
//! side's `buf.yaml` (or `--against-config`) names and buf does not know is no error there (a v2
//! file naming v1's `FIELD_SAME_LABEL`, as envoyproxy/data-plane-api's history has), while the
//! input's own still is. A v2 module's own ignores must name paths inside it.

use git2::Repository;

use crate::common::*;
use crate::git::commit;
use crate::layouts::{same_as_buf, write};

const NEW: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage M {\n  string x = 1;\n}\n";
const OLD: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage M {\n  int32 x = 1;\n}\n";

/// Configurations whose rule IDs buf does not know, for version v2 or at all.
const UNKNOWN_RULES: &[&str] = &[
    "version: v2\nbreaking:\n  use: [FIELD_SAME_LABEL]\n",
    "version: v2\nlint:\n  use: [NOPE]\n",
    "version: v1\nbreaking:\n  use: [NOPE]\n  except: [NOT_EITHER]\n",
    "version: v2\nlint:\n  ignore_only:\n    NOPE: [a.proto]\n",
];

#[test]
fn unknown_rules_on_the_against_side_are_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[
            ("new/buf.yaml", "version: v2\n"),
            ("new/a.proto", NEW),
            ("old/a.proto", OLD),
        ],
    );
    let new = d.join("new");
    for config in UNKNOWN_RULES {
        write(d, &[("old/buf.yaml", config), ("other.yaml", config)]);
        let code = same_as_buf(&new, &["breaking", "--against", "../old"], &[]);
        assert_eq!(code, 100, "{config}");
        let flags = [
            "breaking",
            "--against",
            "../old",
            "--against-config",
            "../other.yaml",
        ];
        assert_eq!(same_as_buf(&new, &flags, &[]), 100, "{config}");
    }
}

/// On the input side, an unknown ID in either `use` fails `lint` and `breaking`; one in
/// `except` or `ignore_only` fails only the command of its kind (and `config ls-*-rules
/// --configured-only` of its kind); `build` refuses none. Each compared with buf.
#[test]
fn unknown_rules_of_the_input_fail_the_commands_that_use_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[
            ("new/a.proto", NEW),
            ("old/a.proto", OLD),
            ("old/buf.yaml", "version: v2\n"),
        ],
    );
    let new = d.join("new");
    for kind in ["lint", "breaking"] {
        for place in [
            "use: [NOPE]",
            "except: [NOPE]",
            "ignore_only: {NOPE: [a.proto]}",
        ] {
            let config = format!("version: v2\n{kind}:\n  {place}\n");
            write(d, &[("new/buf.yaml", config.as_str())]);
            let in_use = place.starts_with("use");
            for (command, refuses) in [
                ("lint", in_use || kind == "lint"),
                ("breaking", in_use || kind == "breaking"),
            ] {
                let args: &[&str] = match command {
                    "lint" => &["lint"],
                    _ => &["breaking", "--against", "../old"],
                };
                let code = same_as_buf(&new, args, &["buf.yaml", "NOPE"]);
                assert_eq!(code == 1, refuses, "{command} with {config}");
                let listing = format!("ls-{command}-rules");
                let args = ["config", listing.as_str(), "--configured-only"];
                let (theirs, ours) = (buf(&new, &args), sous(&new, &args));
                assert_eq!(
                    theirs.code, ours.code,
                    "{args:?} with {config}: {}",
                    ours.stderr
                );
                assert_eq!(ours.code == 1, refuses, "{args:?} with {config}");
            }
            let args = ["build", "-o", "image.binpb"];
            let (theirs, ours) = (buf(&new, &args), sous(&new, &args));
            assert_eq!(
                (theirs.code, ours.code),
                (0, 0),
                "build with {config}: {}",
                ours.stderr
            );
        }
    }
}

/// The same through a git revision: the configuration is read from the revision's tree.
#[test]
fn unknown_rules_in_an_earlier_revision_are_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let repo = Repository::init(d).unwrap();
    write(d, &[("buf.yaml", UNKNOWN_RULES[0]), ("a.proto", OLD)]);
    commit(&repo, "old");
    write(d, &[("buf.yaml", "version: v2\n"), ("a.proto", NEW)]);
    let code = same_as_buf(d, &["breaking", "--against", ".git#branch=HEAD"], &[]);
    assert_eq!(code, 100);
}

/// A v2 module's own `lint` or `breaking` section ignores paths written from the workspace root,
/// inside the module: any other is refused, by every command (the top level's may name any).
#[test]
fn a_module_ignores_only_paths_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "syntax = \"proto3\";\npackage x;\nmessage m {}\n";
    write(
        d,
        &[
            ("api/x/a.proto", text),
            ("other/b.proto", &text.replace("package x", "package y")),
        ],
    );
    let modules =
        |api: &str| format!("version: v2\nmodules:\n  - path: api\n{api}  - path: other\n");
    for (section, refused) in [
        ("    lint:\n      ignore: [api/x]\n", false),
        ("    lint:\n      ignore: [./api/x/a.proto]\n", false),
        ("    lint:\n      ignore: [api]\n", false),
        ("    lint:\n      ignore: [x/a.proto]\n", true),
        ("    lint:\n      ignore: [apix/a.proto]\n", true),
        ("    lint:\n      ignore: [other/b.proto]\n", true),
        (
            "    lint:\n      ignore_only: {MESSAGE_PASCAL_CASE: [x/a.proto]}\n",
            true,
        ),
        ("    breaking:\n      ignore: [x/a.proto]\n", true),
    ] {
        write(d, &[("buf.yaml", modules(section).as_str())]);
        let needles = ["buf.yaml", "not inside module directory \"api\""];
        let code = same_as_buf(d, &["lint"], &needles);
        assert_eq!(code == 1, refused, "{section}");
    }
    let top =
        "version: v2\nlint:\n  ignore: [nope/a.proto]\nmodules:\n  - path: api\n  - path: other\n";
    write(d, &[("buf.yaml", top)]);
    assert_eq!(same_as_buf(d, &["lint"], &[]), 100);
}
