//! `--against` a descriptor set: for every breaking fixture, the old side written as a
//! `FileDescriptorSet` by buf (`buf build -o`) and by sous (`sous build -o`) must give the same
//! findings, and the same as the real buf gives against buf's set.

mod common;

use common::*;

#[test]
fn descriptor_sets_from_buf_and_sous_give_the_same_findings() {
    let dirs = fixture_dirs("breaking");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let by_buf = tmp.path().join(format!("{name}.buf.binpb"));
        let by_sous = tmp.path().join(format!("{name}.sous.binpb"));
        let (by_buf_s, by_sous_s) = (by_buf.to_str().unwrap(), by_sous.to_str().unwrap());
        let built = buf(dir, &["build", "old", "-o", by_buf_s]);
        assert_eq!(built.code, 0, "{name}: buf build: {}", built.stderr);
        let built = sous(dir, &["build", "old", "-o", by_sous_s]);
        assert_eq!(built.code, 0, "{name}: sous build: {}", built.stderr);
        let run = |tool: fn(&std::path::Path, &[&str]) -> Output, set: &str| {
            let out = tool(
                dir,
                &[
                    "breaking",
                    "new",
                    "--against",
                    set,
                    "--error-format",
                    "json",
                ],
            );
            assert!(
                out.code == 0 || out.code == 100,
                "{name} against {set}: {}",
                out.stderr
            );
            keys(&out.stdout)
        };
        let ours_buf_set = run(sous, by_buf_s);
        let ours_sous_set = run(sous, by_sous_s);
        let theirs = run(buf, by_buf_s);
        compared += 1;
        if ours_buf_set != ours_sous_set || ours_buf_set != theirs {
            failures.push(format!(
                "{name}:\n  sous vs buf's set:  {ours_buf_set:?}\n  sous vs sous's set: {ours_sous_set:?}\n  buf vs buf's set:   {theirs:?}"
            ));
        }
    }
    assert!(compared > 100);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
