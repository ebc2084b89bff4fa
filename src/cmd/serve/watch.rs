//! Watching `content/`, `templates/` and `theme/`, and the loop that rebuilds after each
//! save, telling the builder which files changed (or that it cannot tell: events lost, a
//! folder watched anew), and reloading the pages before freeing the previous build and
//! printing what the build found.

use super::*;

use std::collections::HashSet;

// Watching and rebuilding

/// The platform watcher, minus read-only events. On Linux notify reports every `open` of
/// a watched file, and debouncer-mini drops the event kinds, so without this filter each
/// rebuild (which reads every file) would trigger the next one.
pub(super) struct ChangesOnly(RecommendedWatcher);

impl Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        RecommendedWatcher::new(
            move |event: notify::Result<notify::Event>| {
                if event.as_ref().map_or(true, |e| is_change(&e.kind)) {
                    handler.handle_event(event);
                }
            },
            config,
        )
        .map(ChangesOnly)
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// Whether an event kind may mean different bytes (not a read, not an access time).
pub(super) fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The watched folders: `content/` and the site's `templates/` and `theme/`, each
/// recursively, and the site folder itself (not recursively), where those three are
/// created, deleted and renamed. A watch ends with its folder (notify drops it when the
/// folder is deleted or renamed away), so each folder is watched again when it is back:
/// deleting `content/` and restoring it, or renaming it away and back, takes effect
/// without a restart, as does creating `templates/` or `theme/`.
pub(super) struct Watch {
    debouncer: Debouncer<ChangesOnly>,
    /// The site folder, absolute.
    site: PathBuf,
    /// The content folder and the override folders, absolute, and whether each is watched.
    folders: [(PathBuf, bool); 3],
}

impl Watch {
    /// Starts watching; debounced batches of events arrive on `changes`.
    pub(super) fn start(
        content: &Path,
        changes: Sender<DebounceEventResult>,
    ) -> Result<Watch, String> {
        if !content.is_dir() {
            return Err(format!("{} is not a folder", content.display()));
        }
        let site = absolute(&pipeline::site_dir(content));
        let config = Config::default()
            .with_timeout(DEBOUNCE)
            .with_batch_mode(true);
        let mut debouncer =
            new_debouncer_opt::<_, ChangesOnly>(config, changes).map_err(|e| e.to_string())?;
        debouncer
            .watcher()
            .watch(&site, RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", site.display()))?;
        let mut watch = Watch {
            debouncer,
            folders: [
                (absolute(content), false),
                (site.join("templates"), false),
                (site.join("theme"), false),
            ],
            site,
        };
        watch.follow_folders(&[]);
        if !watch.folders[0].1 {
            return Err(format!("cannot watch {}", content.display()));
        }
        Ok(watch)
    }

    /// Watches again the folders among `touched` (paths of a batch's events) that exist,
    /// and each folder not watched that has appeared. Returns whether a folder started
    /// being watched (its files may be new).
    pub(super) fn follow_folders(&mut self, touched: &[PathBuf]) -> bool {
        let mut added = false;
        for (folder, watched) in &mut self.folders {
            let watcher = self.debouncer.watcher();
            if touched.iter().any(|path| path == folder) && *watched {
                // Deleted, renamed away or back: whatever notify kept of it is stale.
                let _ = watcher.unwatch(folder);
                *watched = false;
            }
            if *watched || !folder.is_dir() {
                continue;
            }
            match watcher.watch(folder, RecursiveMode::Recursive) {
                Ok(()) => {
                    *watched = true;
                    added = true;
                }
                Err(e) => eprintln!("dossier: warning: cannot watch {}: {e}", folder.display()),
            }
        }
        added
    }

    /// Whether a changed path can change the site: the site folder is watched only for
    /// the watched folders, and the output folder and editor scratch files never count.
    fn matters(&self, path: &Path, output: &Path) -> bool {
        let path = absolute(path);
        if path.parent() == Some(self.site.as_path()) || path == self.site {
            return self.folders.iter().any(|(folder, _)| *folder == path);
        }
        !ignored(&path, output)
    }

    /// Whether a batch of events can change the site; the paths it touched are added to
    /// `touched`, and those that matter to `changed`, which becomes `None` (anything may
    /// have changed) when events were lost.
    pub(super) fn relevant(
        &self,
        batch: DebounceEventResult,
        output: &Path,
        touched: &mut Vec<PathBuf>,
        changed: &mut Option<Vec<PathBuf>>,
    ) -> bool {
        match batch {
            Ok(events) => {
                let mut relevant = false;
                for e in events {
                    let path = absolute(&e.path);
                    if self.matters(&path, output) {
                        relevant = true;
                        if let Some(changed) = changed {
                            changed.push(path.clone());
                        }
                    }
                    touched.push(path);
                }
                relevant
            }
            // Events may have been lost (a queue overflow, say): rebuild to be safe.
            Err(e) => {
                eprintln!("dossier: warning: watching for changes: {e}");
                *changed = None;
                true
            }
        }
    }
}

/// Rebuilds after every batch of relevant changes, swaps the site and reloads the pages.
/// Warnings already printed (`shown`) are not printed again. Returns only if the watcher
/// stops.
pub(super) fn rebuild_loop(
    builder: &mut Builder,
    shared: &Shared,
    changes: &mpsc::Receiver<DebounceEventResult>,
    watch: &mut Watch,
    mut shown: Vec<Diagnostic>,
    quiet: bool,
) {
    let output = absolute(&pipeline::site_dir(builder.content).join("public"));
    while let Ok(batch) = changes.recv() {
        let mut touched = Vec::new();
        let mut changed = Some(Vec::new());
        let mut relevant = watch.relevant(batch, &output, &mut touched, &mut changed);
        // One save can come as batches a few ms apart (an editor writes a temporary file,
        // then renames it), and changes may have piled up during the last build: this
        // build covers them all.
        while let Ok(more) = changes.recv_timeout(SETTLE) {
            relevant |= watch.relevant(more, &output, &mut touched, &mut changed);
        }
        if watch.follow_folders(&touched) {
            // A folder watched anew: what happened in it before is unknown.
            relevant = true;
            changed = None;
        }
        if !relevant {
            continue;
        }
        let started = Instant::now();
        let rebuilt = builder.rebuild(changed.as_deref());
        // The pages reload first: printing thousands of warnings is not part of the wait.
        let replaced = rebuilt.snapshot.map(|snapshot| {
            let version = snapshot.version.clone();
            let replaced = shared.replace(snapshot);
            shared.reload_all(&version);
            replaced
        });
        let elapsed = started.elapsed();
        // The previous snapshot and build are freed once the pages reload.
        drop(replaced);
        builder.release();
        match rebuilt.outcome {
            Ok(warnings) => {
                // Compared as values, in a set: a site with thousands of warnings is not
                // formatted, nor compared pairwise, on every save.
                let before: HashSet<&Diagnostic> = shown.iter().collect();
                print_diagnostics(warnings.iter().filter(|w| !before.contains(w)));
                if !quiet {
                    let count = match warnings.len() {
                        0 => String::new(),
                        1 => ", 1 warning".to_string(),
                        n => format!(", {n} warnings"),
                    };
                    let what = match rebuilt.rendered {
                        0 => "nothing changed".to_string(),
                        n => format!("rebuilt {n} page{}", if n == 1 { "" } else { "s" }),
                    };
                    let stages: Vec<String> = (rebuilt.timings.iter())
                        .map(|(stage, t)| format!("{stage} {} ms", t.as_millis()))
                        .collect();
                    println!(
                        "{what} in {} ms ({}){count}",
                        elapsed.as_millis(),
                        stages.join(", ")
                    );
                }
                shown = warnings;
            }
            Err(errors) => print_errors(&errors),
        }
    }
}

/// Events under the output folder and for editor scratch files do not trigger a rebuild.
pub(super) fn ignored(path: &Path, output: &Path) -> bool {
    if absolute(path).starts_with(output) {
        return true;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.starts_with(".#")
        || name == "4913" // vim's probe for a writable folder
}

pub(super) fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_files_and_the_output_folder() {
        let out = Path::new("/site/public");
        assert!(ignored(Path::new("/site/public/index.html"), out));
        assert!(ignored(Path::new("/site/content/actors/a.yaml~"), out));
        assert!(ignored(Path::new("/site/content/actors/.a.yaml.swp"), out));
        assert!(ignored(Path::new("/site/content/actors/.#a.yaml"), out));
        assert!(!ignored(Path::new("/site/content/actors/a.yaml"), out));
        assert!(!ignored(Path::new("/site/publication/a.yaml"), out));
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
    }
}
