//! `dossier serve`: build in memory, serve on 127.0.0.1, watch, rebuild, live reload.
//!
//! The site is built into memory (nothing is written to disk) by an
//! [`Incremental`] builder, which re-renders only the files a change affects, and held
//! behind an `RwLock` that each rebuild swaps whole (unchanged files are shared). One
//! thread accepts connections and gives each a thread of its own ([`server`]: a small
//! HTTP/1.1 server that answers only requests for its own loopback address); the calling
//! thread watches `content/`, `templates/` and `theme/`, rebuilds on a change and tells
//! every open page to reload through server-sent events on [`EVENTS_PATH`]. The reload
//! script is added to HTML responses only as they are served; `dossier build` output
//! never contains it.

mod http;
mod reload;
mod server;
mod watch;

use http::*;
use reload::*;
use server::*;
use watch::*;

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::thread;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{EventHandler, RecommendedWatcher, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult, Debouncer};

use crate::diagnostic::Diagnostic;
use crate::incremental::Incremental;
use crate::pipeline;
use crate::text::escape_html;

/// The server-sent event stream the reload script listens to.
pub const EVENTS_PATH: &str = "/__dossier/events";

/// How many ports after the requested one are tried when it is taken.
const PORT_TRIES: u16 = 50;

/// Quiet time after the last file event before a rebuild starts. An editor's save (a
/// write, or a temporary file renamed) comes as events microseconds apart; what comes
/// later is caught by [`SETTLE`] or starts another rebuild. Short, since it is part of
/// every save's wait for the reload (issue #8: 150 ms at 10,000 sources).
const DEBOUNCE: Duration = Duration::from_millis(25);

/// After a batch of changes, how long to wait for the rest of the same save.
const SETTLE: Duration = Duration::from_millis(10);

/// Serves the site until interrupted (Ctrl-C ends the process).
///
/// While the last build failed, every HTML page (and every unknown path) is answered with
/// status 500 and a "Build error" page that lists the diagnostics; other files (CSS,
/// JSON, …) are still served from the last successful build. The server keeps running,
/// and the next successful rebuild restores the site and reloads the open pages.
pub fn serve(content: &Path, port: u16, open: bool, quiet: bool) -> Result<(), String> {
    let (listener, port) = bind(port)?;
    let url = format!("http://127.0.0.1:{port}/");
    // The local address stands in for site.yaml's base_url, so the absolute links (the
    // 404 page's, canonical, feed, sitemap) lead to this server rather than the live site.
    let mut builder = Builder::new(content, &url);
    // Watch before the first build, so that no change made during it or after it is
    // missed: each rebuild reads again only the files the watcher names.
    let (changes_tx, changes) = mpsc::channel();
    let mut watcher = match Watch::start(content, changes_tx) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            eprintln!("dossier: warning: cannot watch for changes ({e}); pages will not reload");
            None
        }
    };
    let first = builder.rebuild(None);
    let warnings = match first.outcome {
        Ok(warnings) => {
            print_diagnostics(&warnings);
            warnings
        }
        Err(errors) => {
            print_errors(&errors);
            Vec::new()
        }
    };
    let shared = Arc::new(Shared {
        site: RwLock::new(Arc::new(first.snapshot.unwrap_or_default())),
        subscribers: Mutex::new(Vec::new()),
    });

    if !quiet {
        println!("Serving {} at {url} (Ctrl-C to stop)", content.display());
    }
    if open {
        open_browser(&url);
    }

    let accept = {
        let shared = Arc::clone(&shared);
        thread::Builder::new()
            .name("dossier-http".into())
            .spawn(move || accept_loop(&listener, port, &shared))
            .map_err(|e| format!("cannot start the server thread: {e}"))?
    };
    if let Some(watch) = &mut watcher {
        rebuild_loop(&mut builder, &shared, &changes, watch, warnings, quiet);
    }
    drop(watcher);
    accept
        .join()
        .map_err(|_| "the server thread stopped unexpectedly".to_string())
}

/// One build's worth of site, as served.
#[derive(Default)]
struct Snapshot {
    /// Output path (`actors/x.html`) → bytes, from the last successful build.
    files: Arc<HashMap<String, Arc<[u8]>>>,
    /// The full text of each diagnostic, when the last build failed.
    errors: Option<Vec<String>>,
    /// Names this build (see [`RELOAD_SCRIPT`]).
    version: String,
}

/// What the request threads and the rebuild loop share.
struct Shared {
    site: RwLock<Arc<Snapshot>>,
    /// One per open event stream.
    subscribers: Mutex<Vec<Subscriber>>,
}

/// The rebuild loop's end of an event stream.
struct Subscriber {
    versions: Sender<String>,
    /// Gone once the stream has ended.
    open: Weak<()>,
}

/// An event stream's end of its subscription: the new versions, until dropped.
struct Subscription {
    versions: mpsc::Receiver<String>,
    _open: Arc<()>,
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `snapshot` from now on, and gives back the one it replaces (for the
    /// caller to free once the pages have been told to reload).
    fn replace(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let mut site = self.site.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut site, Arc::new(snapshot))
    }

    /// Subscribes an event stream to new versions, forgetting the streams that ended.
    fn subscribe(&self) -> Subscription {
        let (tx, versions) = mpsc::channel();
        let open = Arc::new(());
        let mut subscribers = self
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        subscribers.retain(|s| s.open.strong_count() > 0);
        subscribers.push(Subscriber {
            versions: tx,
            open: Arc::downgrade(&open),
        });
        Subscription {
            versions,
            _open: open,
        }
    }

    /// Tells every open page the new version, forgetting those that have gone away.
    fn reload_all(&self, version: &str) {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|s| s.versions.send(version.to_string()).is_ok());
    }
}

/// Builds the site in memory, incrementally, naming each build with a version.
struct Builder<'a> {
    content: &'a Path,
    site: Incremental,
    /// Unique to this server run, so that a page served by an earlier run reloads once it
    /// reconnects.
    run: String,
    builds: u64,
    /// Whether the last build failed (the pages show its errors).
    failed: bool,
}

/// What a rebuild did: nothing (a save that changed no output), or a new snapshot.
struct Rebuilt {
    snapshot: Option<Snapshot>,
    outcome: Result<Vec<Diagnostic>, Vec<Diagnostic>>,
    rendered: usize,
    /// How long load, resolve and lint (`check`) and render took.
    timings: Vec<(&'static str, std::time::Duration)>,
}

impl<'a> Builder<'a> {
    fn new(content: &'a Path, base_url: &'a str) -> Self {
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Builder {
            content,
            site: Incremental::new(content, Some(base_url)),
            run: format!("{run:x}"),
            builds: 0,
            failed: false,
        }
    }

    /// Frees what the last rebuild kept of the build before it (see
    /// [`Incremental::release`]).
    fn release(&mut self) {
        self.site.release();
    }

    /// Builds the site again (the result holds its warnings), after changes to the files
    /// at `changed` (absolute paths) and nothing else, or to anything (`None`). A build
    /// whose output is the same as the served one, after a build that did not fail, gives
    /// no snapshot: nothing to swap, no page to reload. On failure the files of the last
    /// successful build stay, and the errors are recorded.
    fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Rebuilt {
        let outcome = self.site.build_changed(changed);
        let failed = std::mem::replace(&mut self.failed, outcome.is_err());
        if let Ok(done) = &outcome {
            if !done.changed && !failed && self.builds > 0 {
                return Rebuilt {
                    snapshot: None,
                    rendered: done.rendered,
                    timings: done.timings.clone(),
                    outcome: outcome.map(|o| o.warnings),
                };
            }
        }
        self.builds += 1;
        let version = format!("{}-{}", self.run, self.builds);
        let files = self.site.files();
        match outcome {
            Ok(done) => Rebuilt {
                snapshot: Some(Snapshot {
                    files,
                    errors: None,
                    version,
                }),
                rendered: done.rendered,
                timings: done.timings,
                outcome: Ok(done.warnings),
            },
            Err(diagnostics) => Rebuilt {
                snapshot: Some(Snapshot {
                    files,
                    errors: Some(diagnostics.iter().map(ToString::to_string).collect()),
                    version,
                }),
                rendered: 0,
                timings: Vec::new(),
                outcome: Err(diagnostics),
            },
        }
    }
}

/// Prints diagnostics on stderr, as `dossier build` does.
fn print_diagnostics<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    let mut stderr = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(stderr, "{d}\n");
    }
}

/// Prints the diagnostics of a failed build, then how many errors.
fn print_errors(errors: &[Diagnostic]) {
    print_diagnostics(errors);
    let mut stderr = std::io::stderr().lock();
    let count = errors.iter().filter(|e| e.is_error()).count();
    let _ = writeln!(
        stderr,
        "dossier: {count} error{}; the pages show them until they are fixed",
        if count == 1 { "" } else { "s" }
    );
}

/// Opens `url` in the default browser; failures are ignored (the address is printed).
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/c", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Ok(mut child) = command.spawn() {
        // Reap it when it exits, so it does not linger as a zombie.
        let _ = thread::Builder::new().spawn(move || child.wait());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribing_forgets_the_event_streams_that_ended() {
        let shared = Shared {
            site: RwLock::default(),
            subscribers: Mutex::default(),
        };
        let ended = shared.subscribe();
        let open = shared.subscribe();
        drop(ended);
        let _new = shared.subscribe();
        let subscribers = shared.subscribers.lock().expect("lock");
        assert_eq!(subscribers.len(), 2);
        drop(subscribers);
        shared.reload_all("v2");
        assert_eq!(open.versions.try_recv().as_deref(), Ok("v2"));
    }
}
