//! `dossier serve`: build in memory, serve on 127.0.0.1, watch, rebuild, live reload.
//!
//! The site is built into memory (nothing is written to disk) and held behind an
//! `RwLock` that each rebuild swaps whole. One thread accepts connections (tiny_http) and
//! gives every request a thread of its own; the calling thread watches `content/`,
//! `templates/` and `theme/`, rebuilds on a change and tells every open page to reload
//! through server-sent events on [`EVENTS_PATH`]. The reload script is added to HTML
//! responses only as they are served; `dossier build` output never contains it.

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{EventHandler, RecommendedWatcher, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult, Debouncer};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::diagnostic::Diagnostic;
use crate::pipeline;
use crate::text::escape_html;

/// The server-sent event stream the reload script listens to.
pub const EVENTS_PATH: &str = "/__dossier/events";

/// How many ports after the requested one are tried when it is taken.
const PORT_TRIES: u16 = 50;

/// Quiet time after the last file event before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// After a batch of changes, how long to wait for the rest of the same save.
const SETTLE: Duration = Duration::from_millis(30);

/// An idle event stream sends a comment this often, so a closed page is noticed.
const PING_EVERY: Duration = Duration::from_secs(15);

/// Added before `</body>` of every served HTML page, with the version of the build that
/// served it. The event stream sends the current version when it opens and each new one
/// after a rebuild; a version other than the page's own means reload. A hidden tab closes
/// its stream (browsers allow about six open connections per server, shared by all tabs)
/// and opens it again when shown, so it catches up then; a restarted server has new
/// versions, so pages reload after it too.
const RELOAD_SCRIPT: &str = r#"<script>
(() => {
  const version = "{VERSION}";
  let events = null;
  const connect = () => {
    if (events || document.visibilityState === "hidden") return;
    events = new EventSource("/__dossier/events");
    events.onmessage = (e) => { if (e.data !== version) location.reload(); };
    events.onerror = () => { disconnect(); setTimeout(connect, 1000); };
  };
  const disconnect = () => { if (events) { events.close(); events = null; } };
  document.addEventListener("visibilitychange", () =>
    document.visibilityState === "hidden" ? disconnect() : connect());
  addEventListener("pagehide", disconnect);
  addEventListener("pageshow", connect);
  connect();
})();
</script>
"#;

/// Serves the site until interrupted (Ctrl-C ends the process).
///
/// While the last build failed, every HTML page (and every unknown path) is answered with
/// status 500 and a "Build error" page that lists the diagnostics; other files (CSS,
/// JSON, …) are still served from the last successful build. The server keeps running,
/// and the next successful rebuild restores the site and reloads the open pages.
pub fn serve(content: &Path, port: u16, open: bool, quiet: bool) -> Result<(), String> {
    let (server, port) = bind(port)?;
    let url = format!("http://127.0.0.1:{port}/");
    // The local address stands in for site.yaml's base_url, so the absolute links (the
    // 404 page's, canonical, feed, sitemap) lead to this server rather than the live site.
    let mut builder = Builder::new(content, &url);
    let (first, outcome) = builder.snapshot(&Arc::default());
    let warnings = match outcome {
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
        site: RwLock::new(Arc::new(first)),
        subscribers: Mutex::new(Vec::new()),
    });

    // Watch before announcing the address, so no change made after it is missed.
    let (changes_tx, changes) = mpsc::channel();
    let mut watcher = match Watch::start(content, changes_tx) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            eprintln!("dossier: warning: cannot watch for changes ({e}); pages will not reload");
            None
        }
    };

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
            .spawn(move || accept_loop(&server, &shared))
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
    /// One sender per open event stream; a send fails once its page is gone.
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn replace(&self, snapshot: Snapshot) {
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
    }

    fn subscribe(&self) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
        rx
    }

    /// Tells every open page the new version, forgetting those that have gone away.
    fn reload_all(&self, version: &str) {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|tx| tx.send(version.to_string()).is_ok());
    }
}

/// Builds the site in memory, naming each build with a version.
struct Builder<'a> {
    content: &'a Path,
    base_url: &'a str,
    /// Unique to this server run, so that a page served by an earlier run reloads once it
    /// reconnects.
    run: String,
    builds: u64,
}

impl<'a> Builder<'a> {
    fn new(content: &'a Path, base_url: &'a str) -> Self {
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Builder {
            content,
            base_url,
            run: format!("{run:x}"),
            builds: 0,
        }
    }

    /// Builds the site (the result holds its warnings); on failure keeps the files of
    /// `previous` and records the errors.
    fn snapshot(
        &mut self,
        previous: &Arc<HashMap<String, Arc<[u8]>>>,
    ) -> (Snapshot, Result<Vec<Diagnostic>, Vec<Diagnostic>>) {
        self.builds += 1;
        let version = format!("{}-{}", self.run, self.builds);
        match pipeline::build(self.content, Some(self.base_url)) {
            Ok((checked, files)) => {
                let files = files
                    .into_iter()
                    .map(|f| (f.path, Arc::from(f.bytes)))
                    .collect();
                let snapshot = Snapshot {
                    files: Arc::new(files),
                    errors: None,
                    version,
                };
                (snapshot, Ok(checked.warnings))
            }
            Err(diagnostics) => {
                let snapshot = Snapshot {
                    files: Arc::clone(previous),
                    errors: Some(diagnostics.iter().map(ToString::to_string).collect()),
                    version,
                };
                (snapshot, Err(diagnostics))
            }
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

/// Listens on 127.0.0.1:`port`, or the first free one of the next [`PORT_TRIES`] ports.
fn bind(port: u16) -> Result<(Server, u16), String> {
    let last = port.saturating_add(PORT_TRIES);
    let mut failure = String::new();
    for candidate in port..=last {
        match Server::http(("127.0.0.1", candidate)) {
            Ok(server) => {
                let bound = server
                    .server_addr()
                    .to_ip()
                    .map_or(candidate, |addr| addr.port());
                return Ok((server, bound));
            }
            Err(e) => failure = e.to_string(),
        }
    }
    Err(format!(
        "cannot listen on 127.0.0.1, ports {port} to {last}: {failure}"
    ))
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

// ---------------------------------------------------------------------------------------
// Watching and rebuilding

/// The platform watcher, minus read-only events. On Linux notify reports every `open` of
/// a watched file, and debouncer-mini drops the event kinds, so without this filter each
/// rebuild (which reads every file) would trigger the next one.
struct ChangesOnly(RecommendedWatcher);

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
fn is_change(kind: &EventKind) -> bool {
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
struct Watch {
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
    fn start(content: &Path, changes: Sender<DebounceEventResult>) -> Result<Watch, String> {
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
    fn follow_overrides(&mut self) -> bool {
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

    fn relevant(&self, batch: DebounceEventResult, output: &Path) -> bool {
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
fn rebuild_loop(
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
        let previous = Arc::clone(&shared.snapshot().files);
        let (snapshot, outcome) = builder.snapshot(&previous);
        let version = snapshot.version.clone();
        shared.replace(snapshot);
        match outcome {
            Ok(warnings) => {
                print_diagnostics(warnings.iter().filter(|w| !shown.contains(w)));
                if !quiet {
                    let count = match warnings.len() {
                        0 => String::new(),
                        1 => ", 1 warning".to_string(),
                        n => format!(", {n} warnings"),
                    };
                    println!("rebuilt in {} ms{count}", started.elapsed().as_millis());
                }
                shown = warnings;
            }
            Err(errors) => print_errors(&errors),
        }
        shared.reload_all(&version);
    }
}

/// Events under the output folder and for editor scratch files do not trigger a rebuild.
fn ignored(path: &Path, output: &Path) -> bool {
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

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

/// Hands each request to a thread of its own (event streams stay open for long).
fn accept_loop(server: &Server, shared: &Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = Arc::clone(shared);
        // If no thread can be started, the request is dropped and tiny_http answers 500.
        let _ = thread::Builder::new()
            .name("dossier-request".into())
            .spawn(move || handle(request, &shared));
    }
}

fn handle(request: Request, shared: &Shared) {
    let head = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            let body = Body::Owned(b"405 Method Not Allowed\n".to_vec());
            let response = reply(405, "text/plain; charset=utf-8", body);
            let _ = request.respond(with_header(response, "Allow", "GET, HEAD"));
            return;
        }
    };
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if path == EVENTS_PATH {
        event_stream(request, shared, head);
        return;
    }
    let _ = request.respond(respond_to(&shared.snapshot(), &path));
}

/// The body of a response: a file of the site as built, or bytes made for this response.
enum Body {
    Shared(Arc<[u8]>),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Body::Shared(bytes) => bytes,
            Body::Owned(bytes) => bytes,
        }
    }
}

type Reply = Response<Cursor<Body>>;

fn reply(status: u16, content_type: &str, body: Body) -> Reply {
    let length = body.as_ref().len();
    let headers = [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ]
    .into_iter()
    .filter_map(|(name, value)| header(name, value))
    .collect();
    Response::new(
        StatusCode(status),
        headers,
        Cursor::new(body),
        Some(length),
        None,
    )
    // Always send a Content-Length rather than switching to chunked for large files.
    .with_chunked_threshold(usize::MAX)
}

/// A header, or `None` if tiny_http refuses it (not ASCII).
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn with_header(response: Reply, name: &str, value: &str) -> Reply {
    match header(name, value) {
        Some(h) => response.with_header(h),
        None => response,
    }
}

/// Where a request path leads in the built site.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// An output file, by its path in the site.
    File(String),
    /// A folder asked for without its trailing slash: redirect to this location.
    Redirect(String),
    NotFound,
}

/// Maps a URL path to a file of the site: `/` and `/x/` to their `index.html`, `/x` to
/// `/x/` when that is a folder with an index, or to `x.html` when that exists.
/// Percent-escapes are decoded; `.` and `..` segments are resolved and cannot climb above
/// the root.
fn resolve(files: &HashMap<String, Arc<[u8]>>, url_path: &str) -> Target {
    let decoded = percent_decode(url_path);
    let mut parts: Vec<&str> = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let key = parts.join("/");
    let folder = key.is_empty() || decoded.ends_with('/') || decoded.ends_with("/.");
    if folder {
        let index = if key.is_empty() {
            "index.html".to_string()
        } else {
            format!("{key}/index.html")
        };
        return if files.contains_key(&index) {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if files.contains_key(&key) {
        return Target::File(key);
    }
    if files.contains_key(&format!("{key}/index.html")) {
        return Target::Redirect(format!("/{key}/"));
    }
    let html = format!("{key}.html");
    if files.contains_key(&html) {
        return Target::File(html);
    }
    Target::NotFound
}

fn percent_decode(text: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The response to a GET or HEAD of `path` (events aside).
fn respond_to(site: &Snapshot, path: &str) -> Reply {
    let target = resolve(&site.files, path);
    if let Some(errors) = &site.errors {
        let is_page = match &target {
            Target::File(key) => content_type(key).starts_with("text/html"),
            Target::Redirect(_) | Target::NotFound => true,
        };
        if is_page {
            return reply(
                500,
                "text/html; charset=utf-8",
                Body::Owned(error_page(errors, &site.version).into_bytes()),
            );
        }
    }
    let found = match &target {
        Target::File(key) => site.files.get(key).map(|bytes| (key, Arc::clone(bytes))),
        _ => None,
    };
    if let Some((key, bytes)) = found {
        let kind = content_type(key);
        let body = if kind.starts_with("text/html") {
            Body::Owned(inject_reload(&bytes, &site.version))
        } else {
            Body::Shared(bytes)
        };
        return reply(200, kind, body);
    }
    match target {
        Target::Redirect(location) => {
            let response = reply(301, "text/plain; charset=utf-8", Body::Owned(Vec::new()));
            with_header(response, "Location", &location)
        }
        Target::File(_) | Target::NotFound => match site.files.get("404.html") {
            // Its links are absolute (from the local base URL), so it works at any depth.
            Some(page) => reply(
                404,
                "text/html; charset=utf-8",
                Body::Owned(inject_reload(page, &site.version)),
            ),
            None => reply(
                404,
                "text/plain; charset=utf-8",
                Body::Owned(b"404 Not Found\n".to_vec()),
            ),
        },
    }
}

/// The Content-Type of an output file, by its name.
fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == ".nojekyll" {
        return "text/plain; charset=utf-8";
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "md" | "yaml" | "yml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The reload script for a page of build `version`.
fn reload_script(version: &str) -> String {
    RELOAD_SCRIPT.replace("{VERSION}", version)
}

/// `html` with the reload script before its last `</body>` (or at the end).
fn inject_reload(html: &[u8], version: &str) -> Vec<u8> {
    let script = reload_script(version);
    let mut out = Vec::with_capacity(html.len() + script.len());
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The last position of `needle` in `haystack`, ASCII case ignored.
fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len().max(1))
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The page shown instead of the site while the last build failed.
fn error_page(errors: &[String], version: &str) -> String {
    let count = errors.len();
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Build error</title>\n<style>\n\
         body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; \
         padding: 0 1rem; color: #222; background: #fff; }\n\
         h1 { color: #b00020; }\n\
         pre { background: #fff3f3; border-left: 4px solid #b00020; padding: .75rem 1rem; \
         overflow-x: auto; }\n</style>\n</head>\n<body>\n<h1>Build error</h1>\n",
    );
    page.push_str(&format!(
        "<p>The site does not build: {count} problem{}. Save a fix and this page reloads.</p>\n",
        if count == 1 { "" } else { "s" }
    ));
    for error in errors {
        page.push_str("<pre>");
        page.push_str(&escape_html(error));
        page.push_str("</pre>\n");
    }
    page.push_str(&reload_script(version));
    page.push_str("</body>\n</html>\n");
    page
}

/// Keeps a `text/event-stream` open: `data: <version>` at once and after each rebuild, a comment line
/// every [`PING_EVERY`] so a page that has gone is noticed (the write fails).
///
/// The response is written by hand: tiny_http's chunked encoder buffers 8 KiB before it
/// sends anything, which would hold the events back.
fn event_stream(request: Request, shared: &Shared, head: bool) {
    // Subscribe before answering, so a rebuild right after the answer is not missed.
    let events = (!head).then(|| shared.subscribe());
    let mut writer = request.into_writer();
    let mut send = |bytes: &[u8]| writer.write_all(bytes).and_then(|()| writer.flush());
    let start = b"HTTP/1.1 200 OK\r\n\
        Content-Type: text/event-stream\r\n\
        Cache-Control: no-store\r\n\
        Connection: close\r\n\r\n";
    if send(start).is_err() {
        return;
    }
    let Some(events) = events else { return };
    // The version now: a page built before it (a tab that was hidden) reloads at once.
    let hello = format!("retry: 1000\n\ndata: {}\n\n", shared.snapshot().version);
    if send(hello.as_bytes()).is_err() {
        return;
    }
    loop {
        let message = match events.recv_timeout(PING_EVERY) {
            Ok(version) => format!("data: {version}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(message.as_bytes()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(paths: &[&str]) -> HashMap<String, Arc<[u8]>> {
        paths
            .iter()
            .map(|p| (p.to_string(), Arc::from(p.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn resolves_paths_inside_the_site_only() {
        let files = site(&["index.html", "actors.html", "actors/a.html", "x/index.html"]);
        let file = |p: &str| Target::File(p.to_string());
        assert_eq!(resolve(&files, "/"), file("index.html"));
        assert_eq!(resolve(&files, ""), file("index.html"));
        assert_eq!(resolve(&files, "/actors/a.html"), file("actors/a.html"));
        assert_eq!(resolve(&files, "/actors/a"), file("actors/a.html"));
        assert_eq!(resolve(&files, "/actors"), file("actors.html"));
        assert_eq!(resolve(&files, "/x/"), file("x/index.html"));
        assert_eq!(resolve(&files, "/x"), Target::Redirect("/x/".into()));
        assert_eq!(resolve(&files, "/../../etc/passwd"), Target::NotFound);
        assert_eq!(resolve(&files, "/../index.html"), file("index.html"));
        assert_eq!(
            resolve(&files, "/%2e%2e/actors/%61.html"),
            file("actors/a.html")
        );
        assert_eq!(
            resolve(&files, "/actors/..\\index.html"),
            file("index.html")
        );
        assert_eq!(resolve(&files, "/missing.html"), Target::NotFound);
        assert_eq!(resolve(&files, "/actors/"), Target::NotFound);
    }

    #[test]
    fn decodes_percent_escapes_and_keeps_bad_ones() {
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz%4"), "/%zz%4");
        assert_eq!(percent_decode("/%C3%A9"), "/é");
    }

    #[test]
    fn injects_the_script_before_the_last_body_end() {
        let html = b"<html><head></head><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject_reload(html, "ab-3")).expect("utf-8");
        assert!(out.starts_with("<html><head></head><body><p>x</p><script>"));
        assert!(out.contains("const version = \"ab-3\";"), "{out}");
        assert!(out.ends_with("</script>\n</BODY></html>"));
        let out = String::from_utf8(inject_reload(b"<p>no body</p>", "ab-3")).expect("utf-8");
        assert!(out.starts_with("<p>no body</p><script>"));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("assets/search.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("data/actors.json"), "application/json");
        assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type(".nojekyll"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a/logo.SVG"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

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

    #[test]
    fn the_error_page_escapes_each_diagnostic() {
        let page = error_page(&["a.yaml:1:1: error: bad <b>\n1 | x".to_string()], "ab-4");
        assert!(page.contains("const version = \"ab-4\";"));
        assert!(page.contains("<title>Build error</title>"));
        assert!(page.contains("<pre>a.yaml:1:1: error: bad &lt;b&gt;\n1 | x</pre>"));
        assert!(page.contains("new EventSource(\"/__dossier/events\")"));
    }
}
