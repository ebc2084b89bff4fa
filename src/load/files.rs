//! Walking `content/`: which files there are, read safely (symlinks, UTF-8, BOM).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::{line_col, Diagnostic};
use crate::text::is_forbidden_char;

/// What a file of the content folder is, by where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Site,
    Article,
    Actor,
    Outlet,
}

/// A content file found by the walk, not yet read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub kind: FileKind,
    pub path: PathBuf,
}

/// Lists the content files, sorted by kind and path. Links leaving the folder are errors.
pub fn walk(content: &Path, errors: &mut Vec<Diagnostic>) -> Vec<Found> {
    let root = match content.canonicalize() {
        Ok(root) => root,
        Err(e) => {
            errors.push(Diagnostic::file_error(
                content,
                format!("cannot open the content folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut found = Vec::new();
    let site = content.join("site.yaml");
    if site.is_file() {
        if check_inside(&site, &root, errors) {
            found.push(Found {
                kind: FileKind::Site,
                path: site,
            });
        }
    } else {
        errors.push(Diagnostic::file_error(
            &site,
            "missing site.yaml: it gives at least the site's `title`",
        ));
    }
    for (folder, kind, extensions) in [
        ("articles", FileKind::Article, &["md", "markdown"][..]),
        ("actors", FileKind::Actor, &["yaml", "yml"][..]),
        ("outlets", FileKind::Outlet, &["yaml", "yml"][..]),
    ] {
        let dir = content.join(folder);
        if !dir.exists() && dir.symlink_metadata().is_err() {
            continue;
        }
        let walker = WalkDir::new(&dir).follow_links(true).sort_by_file_name();
        let mut entries = walker
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(&dir).to_path_buf();
                    errors.push(Diagnostic::file_error(&path, format!("cannot read: {e}")));
                    continue;
                }
            };
            let path = entry.path();
            // A file or folder that is not a link lies where its folder does: only the
            // folders walked and the links need resolving (a `realpath` per file costs a
            // system call per path component).
            let resolve = entry.depth() == 0 || entry.path_is_symlink();
            if resolve && !check_inside(path, &root, errors) {
                // A refused folder is not walked: nothing inside it is read or named.
                if entry.file_type().is_dir() {
                    entries.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if extensions.contains(&ext) {
                found.push(Found {
                    kind,
                    path: path.to_path_buf(),
                });
            } else if let Some(right) = extensions.iter().find(|e| e.eq_ignore_ascii_case(ext)) {
                // `.YAML` would be ignored silently on one system and read on another.
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                errors.push(Diagnostic::file_error(
                    path,
                    format!(
                        "the extension `.{ext}` is not read: rename the file to `{stem}.{right}`"
                    ),
                ));
            }
        }
    }
    found.sort();
    found
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// A file or folder whose real location is outside the content folder is refused (docs/content.md).
fn check_inside(path: &Path, root: &Path, errors: &mut Vec<Diagnostic>) -> bool {
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) => true,
        Ok(_) => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            errors.push(Diagnostic::file_error(
                path,
                format!("symbolic link points outside the content folder ({target}); only files inside it are published"),
            ));
            false
        }
        Err(e) => {
            errors.push(Diagnostic::file_error(
                path,
                format!("cannot follow this path: {e}"),
            ));
            false
        }
    }
}

/// Reads a file as UTF-8 text, without its BOM, in Unicode NFC (so that a name typed with
/// decomposed accents matches the same name typed precomposed), with lone carriage returns
/// (old Mac line endings) read as line feeds, so that lines are counted as editors count
/// them. Invalid UTF-8 is an error at its line and column.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let text = read_utf8(path)?;
    let text = if text.contains('\r') {
        lone_cr_to_lf(&text)
    } else {
        text
    };
    Ok(match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    })
}

/// `\r` not followed by `\n` becomes `\n` (same length, so offsets stay put).
fn lone_cr_to_lf(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Every character no content may hold (see [`is_forbidden_char`]), each an error at its
/// line and column: they would break the feed and the sitemap, and a NUL has no place in a page.
pub fn forbidden_chars(path: &Path, text: &str) -> Vec<Diagnostic> {
    const MAX_REPORTED: usize = 20;
    text.char_indices()
        .filter(|(_, c)| is_forbidden_char(*c))
        .take(MAX_REPORTED)
        .map(|(offset, c)| {
            let (line, col) = line_col(text, offset);
            Diagnostic::error(
                path,
                text,
                line,
                col,
                format!(
                    "control character U+{:04X} is not allowed in content: delete it",
                    c as u32
                ),
            )
        })
        .collect()
}

fn read_utf8(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::file_error(path, format!("cannot read: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, col) = line_col(valid, valid.len());
            let lossy = String::from_utf8_lossy(bytes);
            Err(Diagnostic::error(
                path,
                &lossy,
                line,
                col,
                "invalid UTF-8: files must be saved as UTF-8",
            ))
        }
    }
}
