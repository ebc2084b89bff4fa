//! Watching `content/`, `templates/` and `theme/`, and the loop that rebuilds after each save.

use super::*;

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

/// The watched folders: `content/` and the site's `templates/` and `theme/`. A
/// `templates/` or `theme/` that does not exist yet is waited for by watching the site
/// folder itself (not recursively), so creating one takes effect without a restart.
pub(super) struct Watch {
    debouncer: Debouncer<ChangesOnly>,
    /// The site folder, absolute.
    site: PathBuf,
    /// The override folders, absolute, and whether each is watched now.
    overrides: [(PathBuf, bool); 2],
    /// Whether the site folder itself is watched.
    site_watched: bool,
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
            .watch(content, RecursiveMode::Recursive)
            .map_err(|e| format!("{}: {e}", content.display()))?;
        let mut watch = Watch {
            debouncer,
            overrides: [(site.join("templates"), false), (site.join("theme"), false)],
            site,
            site_watched: false,
        };
        watch.follow_overrides();
        Ok(watch)
    }

    /// Watches override folders that have appeared, and the site folder while one is
    /// missing. Returns whether a folder started being watched (its files are new).
    pub(super) fn follow_overrides(&mut self) -> bool {
        let mut added = false;
        for (folder, watched) in &mut self.overrides {
            let exists = folder.is_dir();
            if exists && !*watched {
                let watcher = self.debouncer.watcher();
                match watcher.watch(folder, RecursiveMode::Recursive) {
                    Ok(()) => {
                        *watched = true;
                        added = true;
                    }
                    Err(e) => eprintln!("dossier: warning: cannot watch {}: {e}", folder.display()),
                }
            } else if !exists {
                // A removed folder's watch is gone with it; watch again when it is back.
                *watched = false;
            }
        }
        let missing = self.overrides.iter().any(|(_, watched)| !watched);
        if missing && !self.site_watched {
            let watcher = self.debouncer.watcher();
            match watcher.watch(&self.site, RecursiveMode::NonRecursive) {
                Ok(()) => self.site_watched = true,
                Err(e) => eprintln!(
                    "dossier: warning: cannot watch {}: {e}",
                    self.site.display()
                ),
            }
        }
        added
    }

    /// Whether a changed path can change the site: the site folder is watched only for
    /// its override folders, and the output folder and editor scratch files never count.
    fn matters(&self, path: &Path, output: &Path) -> bool {
        let path = absolute(path);
        if path.parent() == Some(self.site.as_path()) {
            return self.overrides.iter().any(|(folder, _)| *folder == path);
        }
        !ignored(&path, output)
    }

    pub(super) fn relevant(&self, batch: DebounceEventResult, output: &Path) -> bool {
        match batch {
            Ok(events) => events.iter().any(|e| self.matters(&e.path, output)),
            // Events may have been lost (a queue overflow, say): rebuild to be safe.
            Err(e) => {
                eprintln!("dossier: warning: watching for changes: {e}");
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
        let mut relevant = watch.relevant(batch, &output);
        // One save can come as batches a few ms apart (an editor writes a temporary file,
        // then renames it), and changes may have piled up during the last build: this
        // build covers them all.
        while let Ok(more) = changes.recv_timeout(SETTLE) {
            relevant |= watch.relevant(more, &output);
        }
        relevant |= watch.follow_overrides();
        if !relevant {
            continue;
        }
        let started = Instant::now();
        let rebuilt = builder.rebuild();
        let version = rebuilt.snapshot.as_ref().map(|s| s.version.clone());
        if let Some(snapshot) = rebuilt.snapshot {
            shared.replace(snapshot);
        }
        match rebuilt.outcome {
            Ok(warnings) => {
                // By their text, in a set: a site with thousands of warnings is not compared
                // pairwise on every save.
                let before: std::collections::HashSet<String> =
                    shown.iter().map(ToString::to_string).collect();
                print_diagnostics(warnings.iter().filter(|w| !before.contains(&w.to_string())));
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
                        started.elapsed().as_millis(),
                        stages.join(", ")
                    );
                }
                shown = warnings;
            }
            Err(errors) => print_errors(&errors),
        }
        if let Some(version) = version {
            shared.reload_all(&version);
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
