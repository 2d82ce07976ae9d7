//! Remote inputs, which buf downloads and sous does not: each, as the input and as `--against`,
//! ends with exit 1 and a message naming the local copy to make instead (buf is not run: it
//! would go to the network).

use super::assert_error;
use crate::common::*;

#[test]
fn remote_inputs_name_what_to_do_instead() {
    let dir = tempfile::tempdir().unwrap();
    crate::layouts::write(
        dir.path(),
        &[("a.proto", "syntax = \"proto3\";\npackage a.v1;\n")],
    );
    for (remote, needles) in [
        (
            "https://github.com/acme/protos.git",
            &["git clone https://github.com/acme/protos.git", "DIR/.git"][..],
        ),
        (
            "https://github.com/acme/protos.git#branch=main,subdir=proto",
            &["git clone", "DIR/.git#branch=main,subdir=proto"],
        ),
        (
            "ssh://git@github.com/acme/protos.git",
            &["git clone ssh://"],
        ),
        ("git://example.com/protos.git", &["git clone"]),
        (
            "git@github.com:acme/protos.git#tag=v1",
            &["git clone git@github.com:acme/protos.git", "#tag=v1"],
        ),
        ("http://example.com/protos", &["git clone"]),
        (
            "https://example.com/protos.tar.gz#strip_components=1",
            &["curl", "protos.tar.gz#strip_components=1"],
        ),
        ("https://example.com/protos.zip", &["curl", "protos.zip"]),
        (
            "buf.build/acme/petapis",
            &["registry", "buf export buf.build/acme/petapis", "buf build"],
        ),
        (
            "buf.build/acme/petapis:v1.2",
            &["buf export buf.build/acme/petapis:v1.2"],
        ),
        ("anything#format=mod", &["registry", "buf export"]),
    ] {
        assert_error(&sous(dir.path(), &["lint", remote]), needles);
        assert_error(
            &sous(dir.path(), &["breaking", ".", "--against", remote]),
            needles,
        );
    }
    // A local directory that looks like a module name is read as a directory.
    crate::layouts::write(
        dir.path(),
        &[(
            "buf.build/acme/petapis/p.proto",
            "syntax = \"proto3\";\npackage p;\n",
        )],
    );
    let out = sous(dir.path(), &["lint", "buf.build/acme/petapis"]);
    assert_eq!(out.code, 100, "{}{}", out.stdout, out.stderr);
}
