//! Write: the site goes to a temporary folder beside the output, which replaces it only
//! once everything is written, so a failed build leaves the previous output untouched.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

/// Writes `files` into `out`, replacing what was there only on success.
pub fn write_site(files: &[OutputFile], out: &Path) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;

    let dirs: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        std::fs::create_dir_all(staging.path().join(dir))?;
    }
    files
        .par_iter()
        .try_for_each(|f| std::fs::write(staging.path().join(&f.path), &f.bytes))?;

    let staged = staging.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)?
            .keep();
        std::fs::remove_dir(&old)?;
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
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
