//! The one atomic write, for every file sous produces (a report's `--output`, `sous build -o`):
//! the content goes to a file beside the destination, which is then renamed into place, so that
//! readers see the old file or the whole new one, never half of it, and a failed run leaves
//! nothing behind.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Has `write` write the content of `path`, then renames it into place. A destination that
/// exists and is no regular file (`/dev/null`, `/dev/stdout`, a pipe) is written into as it is:
/// renaming over it would replace the device with a file.
pub fn write(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        return write(&mut file).map_err(|e| Error::io(path, e));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    // Beside the destination, not in a temporary directory: a rename across file systems fails.
    // Named by process and call, so two runs writing the same destination at once (or one run
    // writing it twice) never write into each other's file; the last rename wins, whole.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}.{call}.sous-tmp", std::process::id()));
    std::fs::File::create(&tmp)
        .and_then(|mut file| write(&mut file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&tmp, e)
        })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sous build -o /dev/null` (or `--output /dev/null`) writes into the device and leaves it
    /// a device: a rename over it replaced it with a file, for every later process.
    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        let is_device = || std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device());
        assert!(is_device(), "/dev/null is no device before the test");
        write(null, |w: &mut dyn Write| w.write_all(b"image")).unwrap();
        assert!(is_device(), "/dev/null was replaced");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write(&path, |out| out.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let failed = write(&path, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn each_write_has_a_temporary_name_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        // A write that starts while another is under way does not touch the other's file.
        write(&path, |outer| {
            outer.write_all(b"outer ")?;
            write(&path, |inner| inner.write_all(b"inner")).map_err(std::io::Error::other)?;
            assert_eq!(
                names(dir.path()).len(),
                2,
                "the outer write's file is still there"
            );
            outer.write_all(b"done")
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "outer done");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn a_failed_rename_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A directory in the way: the rename fails after the content was written.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), "").unwrap();
        assert!(write(&path, |out| out.write_all(b"new")).is_err());
        assert_eq!(names(dir.path()), ["taken"]);
    }
}
