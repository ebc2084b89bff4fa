//! Write: the site goes to a temporary folder beside the output, which replaces it only
//! once everything is written, so a failed build leaves the previous output untouched.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::render::OutputFile;

/// A folder beside the output that a build writes into, file by file and from many
/// threads; [`Staging::commit`] swaps it in. Dropped without a commit, it is removed and
/// the output stays as it was.
pub struct Staging {
    dir: TempDir,
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Staging {
    /// An empty staging folder beside `out` (whose parent is created if missing).
    pub fn create(out: &Path) -> io::Result<Self> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent,
            name,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes one file, creating its folder when it is the first file there.
    pub fn write(&self, file: &OutputFile) -> io::Result<()> {
        let path = self.dir.path().join(&file.path);
        match std::fs::write(&path, &file.bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(folder) = path.parent() {
                    std::fs::create_dir_all(folder)?;
                }
                std::fs::write(&path, &file.bytes)
            }
            done => done,
        }
    }

    /// Replaces the output with what was written.
    pub fn commit(self) -> io::Result<()> {
        let Staging {
            dir,
            out,
            parent,
            name,
        } = self;
        let staged = dir.keep();
        if out.exists() {
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(&parent)?
                .keep();
            std::fs::remove_dir(&old)?;
            std::fs::rename(&out, &old)?;
            if let Err(e) = std::fs::rename(&staged, &out) {
                let _ = std::fs::rename(&old, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)?;
        } else if let Err(e) = std::fs::rename(&staged, &out) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        Ok(())
    }
}

/// Writes `files` into `out`, replacing what was there only on success.
pub fn write_site(files: &[OutputFile], out: &Path) -> io::Result<()> {
    let staging = Staging::create(out)?;
    for file in files {
        staging.write(file)?;
    }
    staging.commit()
}

/// Refuses an output folder whose replacement would delete the content or the working folder.
pub fn check_output_dir(out: &Path, content: &Path) -> Result<(), String> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.canonicalize().unwrap_or(p)
    };
    let out_abs = absolute(out);
    let content_abs = absolute(content);
    let cwd = absolute(Path::new("."));
    if content_abs.starts_with(&out_abs) || cwd.starts_with(&out_abs) {
        return Err(format!(
            "refusing to write to {}: the output folder is replaced on every build, and it holds {}",
            out.display(),
            if content_abs.starts_with(&out_abs) { "the content" } else { "the current folder" }
        ));
    }
    if out.exists() && !out.is_dir() {
        return Err(format!("{} exists and is not a folder", out.display()));
    }
    Ok(())
}
