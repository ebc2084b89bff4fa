//! The previous output as a source of hard links: a file whose bytes equal the previous
//! output's file at the same path is linked into staging instead of created, so a rebuild
//! creates (and, once the old tree is deleted, frees) only the inodes of files that changed.
//!
//! Nothing of the previous output is ever changed here. A file is linked only when it is a
//! regular file reached without following a symbolic link at any step (Linux `openat2` with
//! `RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH`, from the output folder opened with `O_NOFOLLOW`),
//! its length and then its bytes equal the new ones, and the link made is that very inode;
//! anything else (a symlink, a folder, a link that fails: another file system, EXDEV,
//! EMLINK, a system without `openat2`) makes the caller write a fresh file, silently.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The previous output folder, open, when it carries our stamp.
pub(super) struct Previous {
    path: PathBuf,
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    root: File,
}

/// Which inode a file is, to check that a link made by path is the file that was compared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Inode {
    dev: u64,
    ino: u64,
}

impl Previous {
    /// The output folder `out` when it is a folder (not a symlink to one) holding the stamp.
    pub(super) fn open(out: &Path) -> Option<Previous> {
        let stamp = std::fs::symlink_metadata(out.join(super::STAMP)).ok()?;
        if !stamp.is_file() {
            return None;
        }
        let root = open_folder(out).ok()?;
        Some(Previous {
            path: out.to_path_buf(),
            root,
        })
    }

    /// The inode of the previous output's file at `rel` when it holds exactly `bytes`.
    pub(super) fn unchanged(&self, rel: &str, bytes: &[u8]) -> Option<Inode> {
        let mut file = self.open_beneath(rel).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        same_bytes(&mut file, bytes).ok()?.then(|| inode(&meta))
    }

    /// Hard-links the previous output's file at `rel` to `to`; true when `to` is now that
    /// inode. A link to anything else (the path changed since it was compared) is removed.
    pub(super) fn link(&self, rel: &str, inode: Inode, to: &Path) -> bool {
        if std::fs::hard_link(self.path.join(rel), to).is_err() {
            return false;
        }
        match std::fs::symlink_metadata(to) {
            Ok(meta) if meta.is_file() && self::inode(&meta) == inode => true,
            _ => {
                let _ = std::fs::remove_file(to);
                false
            }
        }
    }

    #[cfg(target_os = "linux")]
    fn open_beneath(&self, rel: &str) -> io::Result<File> {
        use std::ffi::CString;
        use std::os::fd::{AsRawFd, FromRawFd};
        let rel = CString::new(rel).map_err(io::Error::other)?;
        let how = OpenHow {
            flags: (libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC) as u64,
            mode: 0,
            resolve: libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_BENEATH,
        };
        // SAFETY: a valid folder descriptor we own, a NUL-terminated path and an `open_how`
        // of the size passed; the descriptor returned is owned by the `File` made from it.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                self.root.as_raw_fd(),
                rel.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor that nothing else owns.
        Ok(unsafe { File::from_raw_fd(fd as i32) })
    }

    #[cfg(not(target_os = "linux"))]
    fn open_beneath(&self, _: &str) -> io::Result<File> {
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// `struct open_how` of `openat2(2)` (libc's is non-exhaustive).
#[cfg(target_os = "linux")]
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

#[cfg(unix)]
fn open_folder(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(path)?;
    Ok(file)
}

#[cfg(not(unix))]
fn open_folder(_: &Path) -> io::Result<File> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> Inode {
    use std::os::unix::fs::MetadataExt;
    Inode {
        dev: meta.dev(),
        ino: meta.ino(),
    }
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> Inode {
    Inode { dev: 0, ino: 0 }
}

/// Whether the rest of `file` is exactly `bytes`, read a block at a time.
fn same_bytes(file: &mut File, mut bytes: &[u8]) -> io::Result<bool> {
    let mut block = vec![0; bytes.len().clamp(1, 64 * 1024)];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(bytes.is_empty());
        }
        if n > bytes.len() || block[..n] != bytes[..n] {
            return Ok(false);
        }
        bytes = &bytes[n..];
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn previous_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Previous) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join(super::super::STAMP), "").unwrap();
        for (rel, text) in files {
            std::fs::write(out.join(rel), text).unwrap();
        }
        let previous = Previous::open(&out).unwrap();
        (dir, previous)
    }

    #[test]
    fn only_a_regular_file_with_the_same_bytes_is_unchanged() {
        let (dir, previous) = previous_with(&[("a/x.html", "same"), ("y.html", "longer")]);
        assert!(previous.unchanged("a/x.html", b"same").is_some());
        assert!(previous.unchanged("a/x.html", b"sane").is_none());
        assert!(previous.unchanged("a/x.html", b"sam").is_none());
        assert!(previous.unchanged("y.html", b"longer!").is_none());
        assert!(previous.unchanged("a", b"").is_none(), "a folder");
        assert!(previous.unchanged("missing.html", b"").is_none());
        assert!(previous.unchanged("../public/y.html", b"longer").is_none());
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(out.join("y.html"), out.join("link.html")).unwrap();
        std::os::unix::fs::symlink(out.join("a"), out.join("b")).unwrap();
        assert!(previous.unchanged("link.html", b"longer").is_none());
        assert!(previous.unchanged("b/x.html", b"same").is_none());
    }

    #[test]
    fn a_folder_without_the_stamp_or_behind_a_symlink_is_not_a_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        assert!(Previous::open(&out).is_none());
        std::fs::write(out.join(super::super::STAMP), "").unwrap();
        std::os::unix::fs::symlink(&out, dir.path().join("alias")).unwrap();
        assert!(Previous::open(&dir.path().join("alias")).is_none());
        assert!(Previous::open(&out).is_some());
    }

    #[test]
    fn a_link_is_kept_only_when_it_is_the_compared_inode() {
        let (dir, previous) = previous_with(&[("a/x.html", "same"), ("y.html", "same")]);
        let inode = previous.unchanged("a/x.html", b"same").unwrap();
        let staged = dir.path().join("staged.html");
        assert!(!previous.link("y.html", inode, &staged), "another inode");
        assert!(!staged.exists());
        assert!(previous.link("a/x.html", inode, &staged));
        assert_eq!(std::fs::read_to_string(&staged).unwrap(), "same");
    }
}
