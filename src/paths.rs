//! Lexical path arithmetic on the `/`-separated relative paths sous keeps inside a workspace:
//! joining, cleaning, containment, and turning paths found on disk back into the shape the user
//! gave. Nothing here touches the file system except [`absolute`], which reads the current
//! directory.

use std::path::{Path, PathBuf};

/// Joins two relative `/` paths lexically: `.` components vanish, `..` pops.
pub fn join_rel(base: &str, p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in base.split('/').chain(p.split('/')) {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Whether the relative `/` path `path` is `dir` or below it.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "."
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// `p` made absolute against the current directory (unchanged if that cannot be read).
pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The directory `ancestor` (absolute) expressed like the user's `dir` (as given): relative
/// inputs stay relative, so `sous lint proto` prints `proto/...` paths like buf.
pub fn relative_root(dir: &Path, dir_abs: &Path, ancestor: &Path) -> PathBuf {
    if dir.is_absolute() {
        return ancestor.to_path_buf();
    }
    let mut root = dir.to_path_buf();
    let mut cur = dir_abs.to_path_buf();
    while cur != ancestor {
        root = root.join("..");
        if !cur.pop() {
            break;
        }
    }
    PathBuf::from(clean(&root))
}

/// The path from directory `base` to `target` (both absolute), cleaned lexically first:
/// `/a/b` to `/a/c/d` is `../c/d`, to `/a/b` is `.`.
pub fn relative_from(base: &Path, target: &Path) -> String {
    let (base, target) = (clean(base), clean(target));
    let parts = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (base, target) = (parts(&base), parts(&target));
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut rel: Vec<&str> = vec![".."; base.len() - common];
    rel.extend(target[common..].iter().map(String::as_str));
    join_rel(".", &rel.join("/"))
}

/// A relative path made lexically clean (`a/./b/../c` -> `a/c`), `.` when empty.
pub fn clean(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let joined = join_rel(".", &s);
    match (s.starts_with('/'), joined.as_str()) {
        (true, ".") => "/".to_string(),
        (true, _) => format!("/{joined}"),
        (false, _) => joined,
    }
}

/// `name` in directory `root`, spelled as the user would: `buf.yaml`, not `./buf.yaml`.
pub fn display_join(root: &Path, name: &str) -> PathBuf {
    let s = clean(root);
    if s == "." {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{s}/{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_within() {
        assert_eq!(join_rel(".", "./a/b/"), "a/b");
        assert_eq!(join_rel("a", "../b"), "b");
        assert_eq!(join_rel("..", "x"), "../x");
        assert!(is_within("a/b/c.proto", "a/b"));
        assert!(!is_within("a/bc/c.proto", "a/b"));
        assert!(is_within("x.proto", "."));
    }

    #[test]
    fn relative_from_climbs_and_descends() {
        let rel = |a: &str, b: &str| relative_from(Path::new(a), Path::new(b));
        assert_eq!(rel("/w/a", "/w/a"), ".");
        assert_eq!(rel("/w/a/v", "/w/a"), "..");
        assert_eq!(rel("/w/sub", "/w/sub/deeper"), "deeper");
        assert_eq!(rel("/w/a/b", "/w/c/d"), "../../c/d");
        // Cleaned first: `/w/x/..` is `/w`.
        assert_eq!(rel("/w/x/..", "/w/a"), "a");
        assert_eq!(rel("/", "/w"), "w");
    }
}
