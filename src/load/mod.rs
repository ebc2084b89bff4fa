//! Load: walk `content/`, split front matter, parse YAML, check each file on its own.
//! Cross-file checks (references, aliases) are the resolver's. For `serve`, a [`Cache`]
//! keeps each file's parse: a load reads again the files whose stamp changed, or only
//! the files a watcher names ([`load_changed`]).

mod files;
pub mod format;
pub mod schema;
mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic};
use crate::model::{Site, SiteConfig, SourceFile};
use crate::text::{is_valid_id, slugify};
use files::{FileKind, Found};
use format::Checker;
use yaml::YamlDoc;

#[derive(Clone)]
enum Loaded {
    Site(SiteConfig),
    Article(crate::model::Source),
    Actor(crate::model::Actor),
    Outlet(crate::model::Outlet),
}

/// What [`load_cached`] keeps from one load to the next (for `serve`): the files the last
/// walk found, and each file's [`Stamp`], text and outcome, so that only files whose
/// bytes changed are parsed again.
///
/// A file is read again when its stamp (length, inode, modification and change times
/// with nanoseconds) differs from the cached one, and a stamp is trusted only for a file
/// last modified and changed well before it was read (git's "racy clean" rule): a file
/// written twice within the file system's timestamp resolution, with the same length, is
/// still read again. The change time and the inode catch what the modification time can
/// hide: a file replaced by a rename, or its modification time set back (`touch -d`,
/// `cp -p`, `rsync -t`).
#[derive(Default)]
pub struct Cache {
    files: HashMap<PathBuf, Cached>,
    /// What the last walk found (sorted), and its problems; `None` before the first.
    walked: Option<(Vec<Found>, Vec<Diagnostic>)>,
}

/// How close to a file's reading a modification must be for its stamp not to be trusted.
const RACY: std::time::Duration = std::time::Duration::from_secs(2);

struct Cached {
    stamp: Option<Stamp>,
    /// When the load that read the file began.
    read_at: SystemTime,
    /// Shared with the loaded file's `SourceFile::text`.
    text: Arc<str>,
    outcome: (Option<Loaded>, Vec<Diagnostic>),
}

impl Cached {
    /// Whether the file is as it was read, by its stamp alone.
    fn unchanged(&self, now: Option<Stamp>) -> bool {
        let trusted =
            (self.read_at.checked_sub(RACY)).is_some_and(|t| now.is_some_and(|s| s.before(t)));
        trusted && self.stamp == now
    }
}

/// What tells a file's versions apart without reading it, where the file system gives it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    /// The inode and the change time (seconds, nanoseconds), on Unix.
    node: (u64, i64, i64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let node = (0, 0, 0);
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok()?,
            node,
        })
    }

    /// Whether the file was last modified and changed before `time`.
    fn before(&self, time: SystemTime) -> bool {
        let (_, secs, nanos) = self.node;
        let changed =
            std::time::Duration::new(secs.max(0) as u64, nanos.clamp(0, 999_999_999) as u32);
        self.modified < time && SystemTime::UNIX_EPOCH + changed < time
    }
}

/// Loads every file of the content folder: the site as far as it loaded, with every
/// problem of every file (sorted). A file that fails to load is named in `site.unloaded`,
/// so that the resolver can still check the others without blaming references to it.
pub fn load(content: &Path) -> (Site, Vec<Diagnostic>) {
    load_cached(content, &mut Cache::default())
}

/// [`load`], parsing again only the files whose bytes differ from `cache`'s; the cache is
/// updated (and forgets files that are gone).
pub fn load_cached(content: &Path, cache: &mut Cache) -> (Site, Vec<Diagnostic>) {
    let started = SystemTime::now();
    let mut walk_errors = Vec::new();
    let found = files::walk(content, &mut walk_errors);
    let fresh: Vec<Option<Cached>> = found
        .par_iter()
        .map(|f| {
            let stamp = Stamp::of(&f.path);
            let cached = cache.files.get(&f.path);
            if cached.is_some_and(|c| c.unchanged(stamp)) {
                return None;
            }
            Some(read(content, f, stamp, started, cached))
        })
        .collect();
    let mut files = HashMap::with_capacity(found.len());
    for (f, fresh) in found.iter().zip(fresh) {
        let entry = match fresh {
            Some(entry) => entry,
            None => cache
                .files
                .remove(&f.path)
                .expect("unchanged files are cached"),
        };
        files.insert(f.path.clone(), entry);
    }
    cache.files = files;
    cache.walked = Some((found, walk_errors));
    assemble(cache)
}

/// [`load_cached`] after a watcher saw changes to the files at `paths` (as the walk names
/// them: under `content`) and to nothing else of the folder: only those are read again,
/// and the folder is not walked. `None` when the cache cannot answer alone: before the
/// first load, or when a path is not a regular file the last walk found (a file added,
/// deleted or renamed away, a folder, a link); then [`load_cached`] walks it all. A path
/// that the last walk did not find and that does not exist (an editor's temporary file,
/// already renamed onto the file it saved) is passed over.
pub fn load_changed(
    content: &Path,
    cache: &mut Cache,
    paths: &[PathBuf],
) -> Option<(Site, Vec<Diagnostic>)> {
    let started = SystemTime::now();
    let (found, _) = cache.walked.as_ref()?;
    let mut changed: Vec<&Found> = Vec::with_capacity(paths.len());
    for path in paths {
        if !cache.files.contains_key(path) {
            // A file the last walk never saw and that is gone again (an editor's temporary
            // file, renamed onto the file it saves) adds and removes nothing. Anything else
            // (a file added, a folder moved away) needs a walk.
            let gone =
                matches!(path.symlink_metadata(), Err(e) if e.kind() == io::ErrorKind::NotFound);
            if gone && !cache.files.keys().any(|p| p.starts_with(path)) {
                continue;
            }
            return None;
        }
        let f = found.iter().find(|f| f.path == *path)?;
        if !path.symlink_metadata().ok()?.is_file() {
            return None;
        }
        if !changed.contains(&f) {
            changed.push(f);
        }
    }
    let fresh: Vec<(PathBuf, Cached)> = changed
        .par_iter()
        .map(|f| {
            let cached = cache.files.get(&f.path);
            (
                f.path.clone(),
                read(content, f, Stamp::of(&f.path), started, cached),
            )
        })
        .collect();
    cache.files.extend(fresh);
    Some(assemble(cache))
}

/// Reads a file whose stamp is `stamp`, parsing it again unless its text is `cached`'s.
fn read(
    content: &Path,
    f: &Found,
    stamp: Option<Stamp>,
    read_at: SystemTime,
    cached: Option<&Cached>,
) -> Cached {
    let text = match files::read_text(&f.path) {
        Ok(text) => text,
        Err(e) => {
            return Cached {
                stamp: None,
                read_at,
                text: Arc::from(""),
                outcome: (None, vec![e]),
            }
        }
    };
    match cached {
        Some(c) if c.stamp.is_some() && *c.text == *text => Cached {
            stamp,
            read_at,
            text: Arc::clone(&c.text),
            outcome: c.outcome.clone(),
        },
        _ => {
            let text: Arc<str> = text.into();
            let outcome = load_file(content, f, &text);
            Cached {
                stamp,
                read_at,
                text,
                outcome,
            }
        }
    }
}

/// The site from the cache's files, in the order the walk found them.
fn assemble(cache: &Cache) -> (Site, Vec<Diagnostic>) {
    let (found, walk_errors) = cache.walked.as_ref().expect("assembled after a walk");
    let mut errors = walk_errors.clone();
    let results: Vec<(Option<Loaded>, Vec<Diagnostic>)> = found
        .par_iter()
        .map(|f| cache.files[&f.path].outcome.clone())
        .collect();

    let mut site = Site::default();
    let mut seen: BTreeMap<(FileKind, String), &Path> = BTreeMap::new();
    for (f, (loaded, file_errors)) in found.iter().zip(results) {
        errors.extend(file_errors);
        let Some(loaded) = loaded else {
            let stem = f
                .path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let unloaded = match f.kind {
                FileKind::Site => continue,
                FileKind::Article => &mut site.unloaded.sources,
                FileKind::Actor => &mut site.unloaded.actors,
                FileKind::Outlet => &mut site.unloaded.outlets,
            };
            unloaded.insert(stem.to_string());
            continue;
        };
        let id = match &loaded {
            Loaded::Site(_) => String::new(),
            Loaded::Article(s) => s.id.clone(),
            Loaded::Actor(a) => a.id.clone(),
            Loaded::Outlet(o) => o.id.clone(),
        };
        if let Some(first) = seen.insert((f.kind, id.clone()), &f.path) {
            errors.push(Diagnostic::file_error(
                &f.path,
                format!("duplicate id `{id}`: {} has the same one", first.display()),
            ));
            continue;
        }
        match loaded {
            Loaded::Site(config) => site.config = config,
            Loaded::Article(s) => site.sources.push(s),
            Loaded::Actor(a) => site.actors.push(a),
            Loaded::Outlet(o) => site.outlets.push(o),
        }
    }
    site.sources.sort_by(|a, b| a.id.cmp(&b.id));
    site.actors.sort_by(|a, b| a.id.cmp(&b.id));
    site.outlets.sort_by(|a, b| a.id.cmp(&b.id));
    diagnostic::sort(&mut errors);
    (site, errors)
}

fn load_file(content: &Path, found: &Found, text: &Arc<str>) -> (Option<Loaded>, Vec<Diagnostic>) {
    let path = found.path.as_path();
    let mut errors = files::forbidden_chars(path, text);
    if !errors.is_empty() {
        return (None, errors);
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let id = if found.kind == FileKind::Site || is_valid_id(stem) {
        stem.to_string()
    } else {
        let slug = slugify(stem);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        errors.push(Diagnostic::file_error(
            path,
            format!(
                "invalid id `{stem}`: ids are lowercase letters and digits joined by single hyphens; rename the file to `{slug}.{ext}`"
            ),
        ));
        slug
    };
    let file = SourceFile {
        path: path.to_path_buf(),
        rel_path: rel_path(content, path),
        text: Arc::clone(text),
    };

    let (yaml_text, line_offset, body_offset) = if found.kind == FileKind::Article {
        match split_front_matter(text) {
            Ok(parts) => parts,
            Err(message) => {
                errors.push(Diagnostic::error(path, text, 1, 1, message));
                return (None, errors);
            }
        }
    } else {
        (&**text, 0, 0)
    };
    let doc = YamlDoc {
        path,
        text,
        yaml: yaml_text,
        line_offset,
    };
    let mut checker = Checker::new(doc);
    let loaded = match found.kind {
        FileKind::Site => parsed(doc, &mut errors).map(|raw| Loaded::Site(checker.site(raw))),
        FileKind::Article => parsed(doc, &mut errors).map(|raw| {
            let mut source = checker.source(raw, id);
            source.body_offset = body_offset;
            source.file = file;
            Loaded::Article(source)
        }),
        FileKind::Actor => parsed(doc, &mut errors).map(|raw| {
            let mut actor = checker.actor(raw, id);
            actor.file = file;
            Loaded::Actor(actor)
        }),
        FileKind::Outlet => parsed(doc, &mut errors).map(|raw| {
            let mut outlet = checker.outlet(raw, id);
            outlet.file = file;
            Loaded::Outlet(outlet)
        }),
    };
    errors.extend(checker.errors);
    (loaded, errors)
}

/// The document's value, its problems added to `errors`. A value with problems still
/// comes back, so that the rest of the file (and the references to it) are checked.
fn parsed<T: serde::de::DeserializeOwned>(doc: YamlDoc, errors: &mut Vec<Diagnostic>) -> Option<T> {
    let (value, problems) = doc.parse();
    errors.extend(problems);
    value
}

/// The path as a contributor sees it in the repository: `content/actors/hamas.yaml`.
fn rel_path(content: &Path, path: &Path) -> String {
    let base = content
        .file_name()
        .map(Path::new)
        .unwrap_or(Path::new("content"));
    let rel = path.strip_prefix(content).unwrap_or(path);
    base.join(rel)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits `---\nyaml\n---\nbody` into the YAML, the number of lines before it, and the body's byte offset.
pub fn split_front_matter(text: &str) -> Result<(&str, usize, usize), String> {
    const MISSING: &str =
        "missing front matter: an article starts with a `---` line, then YAML with at least `title:`, then another `---` line";
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(MISSING)?;
    if first.trim_end() != "---" {
        return Err(MISSING.to_string());
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok((&text[yaml_start..offset], 1, offset + line.len()));
        }
        offset += line.len();
    }
    Err("front matter is not closed: add a `---` line after the YAML".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_crlf() {
        let text = "---\r\ntitle: A\r\n---\r\nBody\r\n";
        let (yaml, offset, body) = split_front_matter(text).unwrap();
        assert_eq!(yaml, "title: A\r\n");
        assert_eq!(offset, 1);
        assert_eq!(&text[body..], "Body\r\n");
    }

    #[test]
    fn front_matter_must_open_and_close() {
        assert!(split_front_matter("title: A\n")
            .unwrap_err()
            .starts_with("missing front matter"));
        assert!(split_front_matter("---\ntitle: A\n")
            .unwrap_err()
            .starts_with("front matter is not closed"));
    }
}
