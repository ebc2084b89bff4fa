//! `dossier serve` end to end: start the real binary on a free loopback port, talk plain
//! HTTP/1.1 to it over a `TcpStream`, change files and wait (10 s at most) for the
//! server-sent reload event.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::content::html::between;
use crate::support::*;

/// The longest any test waits for the server.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

pub(crate) const ALPHA: &str = "content/actors/alpha-group.yaml";
const SCRIPT: &str = r#"new EventSource("/__dossier/events")"#;

/// A running `dossier serve`, killed when dropped (a failing test included).
pub(crate) struct Served {
    child: Child,
    pub(crate) port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        get(self.port, path)
    }
}

/// A port that was free a moment ago (the server moves on to the next one if it is not).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Starts `dossier serve` on `site/content` and waits for its "Serving … at URL" line.
pub(crate) fn serve(site: &Path) -> Served {
    serve_with(site, |_| {})
}

/// [`serve`], with the command changed by `adjust` before it starts.
pub(crate) fn serve_with(site: &Path, adjust: impl FnOnce(&mut Command)) -> Served {
    let mut command = dossier();
    command
        .current_dir(site)
        .arg("serve")
        .arg("--content")
        .arg(site.join("content"))
        .args(["--port", &free_port().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    adjust(&mut command);
    let mut child = command.spawn().expect("start dossier serve");
    let stdout = child.stdout.take().expect("stdout");
    let stderr_pipe = child.stderr.take().expect("stderr");
    let mut served = Served {
        child,
        port: 0,
        stderr: Arc::default(),
    };

    let stderr = Arc::clone(&served.stderr);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
            if let Ok(mut text) = stderr.lock() {
                text.push_str(&line);
                text.push('\n');
            }
        }
    });
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep draining stdout after the first line, so the server never blocks on it.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });

    let line: String = lines.recv_timeout(WAIT).unwrap_or_else(|_| {
        panic!(
            "dossier serve printed no address; stderr:\n{}",
            served.stderr()
        )
    });
    assert!(line.starts_with("Serving "), "{line}");
    assert!(line.ends_with("/ (Ctrl-C to stop)"), "{line}");
    served.port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    served
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

/// `GET path` with a hand-written HTTP/1.1 request; reads the body by its Content-Length.
pub(crate) fn get(port: u16, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).expect("read response head");
        assert!(n > 0, "connection closed before the response head");
        raw.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no Content-Length in\n{head}"));
    let mut body = raw[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).expect("read response body");
        assert!(n > 0, "connection closed before the end of the body");
        body.extend_from_slice(&chunk[..n]);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in\n{head}"));
    Reply {
        status,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// An open `/__dossier/events` stream.
pub(crate) struct Events {
    stream: TcpStream,
    text: String,
    /// The last build version the stream announced.
    version: String,
    /// How long to wait for each message.
    wait: Duration,
}

impl Events {
    /// Connects and waits until the server has answered (and so has subscribed us).
    pub(crate) fn open(port: u16) -> Events {
        Events::try_open(port, WAIT).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Events::open`], waiting up to `wait` for each message, and saying what went wrong
    /// rather than failing the test.
    pub(crate) fn try_open(port: u16, wait: Duration) -> Result<Events, String> {
        let mut stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
        write!(
            stream,
            "GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .map_err(|e| format!("send request: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|e| format!("timeout: {e}"))?;
        let mut events = Events {
            stream,
            text: String::new(),
            version: String::new(),
            wait,
        };
        let head = events.read_until("\r\n\r\n")?;
        if !head.starts_with("HTTP/1.1 200") || !head.contains("Content-Type: text/event-stream") {
            return Err(format!("not an event stream: {head}"));
        }
        // The stream opens with the version being served.
        events.version = events.next_version()?;
        Ok(events)
    }

    /// The next `data:` message: a build version.
    fn next_version(&mut self) -> Result<String, String> {
        self.read_until("data: ")?;
        let version = self.read_until("\n\n")?;
        Ok(version.trim_end().to_string())
    }

    /// Reads until `marker` has arrived; takes and returns everything up to it.
    fn read_until(&mut self, marker: &str) -> Result<String, String> {
        let deadline = Instant::now() + self.wait;
        let mut chunk = [0u8; 1024];
        while !self.text.contains(marker) {
            if Instant::now() >= deadline {
                return Err(format!(
                    "no {marker:?} within {:?}; got {:?}",
                    self.wait, self.text
                ));
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(format!("event stream closed; got {:?}", self.text)),
                Ok(n) => self.text.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(format!("reading the event stream: {e}")),
            }
        }
        let end = self.text.find(marker).expect("marker") + marker.len();
        Ok(self.text.drain(..end).collect())
    }

    /// Asserts that no message other than a ping arrives for `quiet`.
    fn expect_quiet(&mut self, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        let mut chunk = [0u8; 1024];
        while Instant::now() < deadline {
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("event stream closed; got {:?}", self.text),
                Ok(n) => self.text.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("reading the event stream: {e}"),
            }
        }
        assert!(
            !self.text.contains("data:"),
            "unexpected event: {:?}",
            self.text
        );
    }

    /// Waits for a version other than the last one: what makes a page reload.
    pub(crate) fn wait_for_reload(&mut self) {
        self.try_wait_for_reload().unwrap_or_else(|e| panic!("{e}"));
    }

    /// [`Events::wait_for_reload`], saying what went wrong rather than failing the test.
    pub(crate) fn try_wait_for_reload(&mut self) -> Result<(), String> {
        loop {
            let version = self.next_version()?;
            if version != self.version {
                self.version = version;
                return Ok(());
            }
        }
    }
}

/// Replaces a file of the site in one step (write beside the watched folders, then
/// rename), as editors that save atomically do, so no half-written file is ever built.
pub(crate) fn save(site: &Path, rel: &str, text: &str) {
    let scratch = site.join(".serve-test-save");
    std::fs::write(&scratch, text).expect("write");
    std::fs::rename(&scratch, site.join(rel)).expect("rename");
}

#[test]
fn serves_pages_with_the_reload_script_that_build_output_lacks() {
    let site = copy_fixture("errors-base");
    let served = serve(site.path());

    let page = served.get("/index.html");
    assert_eq!(page.status, 200, "{}", page.head);
    assert!(
        page.head.contains("Content-Type: text/html; charset=utf-8"),
        "{}",
        page.head
    );
    assert!(page.body.contains("Errors Test Site"), "{}", page.body);
    assert!(page.body.contains(SCRIPT), "{}", page.body);
    let script_at = page.body.find(SCRIPT).expect("script");
    assert!(
        page.body[script_at..].contains("</body>"),
        "the script is not inside <body>"
    );
    assert_eq!(served.get("/").body, page.body);

    let actor = served.get("/actors/alpha-group.html");
    assert_eq!(actor.status, 200);
    assert!(actor.body.contains("Alpha Group") && actor.body.contains(SCRIPT));
    let missing = served.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(SCRIPT), "{}", missing.body);
    let escape = served.get("/../../../../etc/passwd");
    assert_ne!(escape.status, 200, "{}", escape.body);
    let json = served.get("/data/actors.json");
    assert_eq!(json.status, 200);
    assert!(json.head.contains("Content-Type: application/json"));
    assert!(!json.body.contains(SCRIPT));

    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    let built = build(
        site.path(),
        &["--output", public.to_str().expect("utf-8 path")],
    );
    assert_ok(&built);
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.expect("walk output");
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read output");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("__dossier") && !text.contains("EventSource"),
                "{} contains the reload script",
                entry.path().display()
            );
            pages += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(pages > 3, "only {pages} pages built");
}

#[test]
fn editing_a_profile_sends_a_reload_and_serves_the_change() {
    let site = copy_fixture("errors-base");
    let served = serve(site.path());
    assert!(!served
        .get("/actors/alpha-group.html")
        .body
        .contains("Alpha Legion"));

    let mut events = Events::open(served.port);
    let profile = std::fs::read_to_string(site.path().join(ALPHA)).expect("read");
    let edited = profile.replace(
        "aliases: [Alpha Front, The Alphas]",
        "aliases: [Alpha Front, The Alphas, Alpha Legion]",
    );
    assert_ne!(edited, profile, "the fixture changed; update this test");
    save(site.path(), ALPHA, &edited);
    events.wait_for_reload();

    let page = served.get("/actors/alpha-group.html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Alpha Legion"), "{}", page.body);
}

#[test]
fn a_broken_file_shows_the_error_page_until_it_is_fixed() {
    let site = copy_fixture("errors-base");
    let served = serve(site.path());
    let profile = std::fs::read_to_string(site.path().join(ALPHA)).expect("read");
    let mut events = Events::open(served.port);

    save(site.path(), ALPHA, &profile.replace("aliases:", "alaises:"));
    events.wait_for_reload();
    let expected = "content/actors/alpha-group.yaml:3:1: error: unknown key `alaises`; \
                    did you mean `aliases`?\n3 | alaises: [Alpha Front, The Alphas]";
    for path in ["/actors/alpha-group.html", "/", "/sources.html", "/nowhere"] {
        let page = served.get(path);
        assert_eq!(page.status, 500, "{path}: {}", page.head);
        assert!(
            page.body.contains("<title>Build error</title>"),
            "{path}: {}",
            page.body
        );
        assert!(page.body.contains(expected), "{path}: {}", page.body);
        assert!(page.body.contains(SCRIPT), "{path}: {}", page.body);
    }
    let deadline = Instant::now() + WAIT;
    while !served.stderr().contains(expected) {
        assert!(
            Instant::now() < deadline,
            "stderr lacks the error:\n{}",
            served.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    save(site.path(), ALPHA, &profile);
    events.wait_for_reload();
    let page = served.get("/actors/alpha-group.html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("Build error"), "{}", page.body);
    assert!(page.body.contains("Alpha Group"), "{}", page.body);
}

#[test]
fn a_site_that_does_not_build_at_start_is_still_served() {
    let site = copy_fixture("errors-base");
    let profile = std::fs::read_to_string(site.path().join(ALPHA)).expect("read");
    save(site.path(), ALPHA, &profile.replace("kind:", "knid:"));
    let served = serve(site.path());

    let page = served.get("/");
    assert_eq!(page.status, 500, "{}", page.head);
    assert!(page.body.contains("<title>Build error</title>"));
    assert!(
        page.body
            .contains("content/actors/alpha-group.yaml:2:1: error: unknown key `knid`"),
        "{}",
        page.body
    );

    let mut events = Events::open(served.port);
    save(site.path(), ALPHA, &profile);
    events.wait_for_reload();
    let page = served.get("/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Errors Test Site"), "{}", page.body);
}

/// The `const version = "…"` a served page was built as.
fn page_version(body: &str) -> &str {
    between(body, "const version = \"", "\"")
}

#[test]
fn a_page_from_before_a_rebuild_learns_it_as_soon_as_it_connects() {
    // A hidden tab has no open stream; when shown it connects, and the first message
    // must tell it that the site changed meanwhile.
    let site = copy_fixture("errors-base");
    let served = serve(site.path());
    let old = served.get("/index.html").body;
    let mut watching = Events::open(served.port);
    assert_eq!(
        watching.version,
        page_version(&old),
        "the stream opens with the page's version"
    );

    let profile = std::fs::read_to_string(site.path().join(ALPHA)).expect("read");
    save(
        site.path(),
        ALPHA,
        &profile.replace("A fictional", "An invented"),
    );
    watching.wait_for_reload();

    let returning = Events::open(served.port);
    assert_ne!(returning.version, page_version(&old));
    assert_eq!(returning.version, watching.version);
    let new = served.get("/index.html").body;
    assert_eq!(page_version(&new), returning.version);
}

#[test]
fn a_templates_folder_created_while_serving_is_watched() {
    let site = copy_fixture("errors-base");
    assert!(!site.path().join("templates").exists());
    let served = serve(site.path());
    let mut events = Events::open(served.port);

    // Created by hand: the folder first, then a file in it (each its own event).
    std::fs::create_dir(site.path().join("templates")).expect("mkdir");
    let custom =
        "{% extends \"base.html\" %}{% block content %}<h1>Lost here</h1>{% endblock content %}";
    std::fs::write(site.path().join("templates/404.html"), custom).expect("write");
    let deadline = Instant::now() + WAIT;
    loop {
        events.wait_for_reload();
        if served.get("/nowhere").body.contains("<h1>Lost here</h1>") {
            break;
        }
        assert!(Instant::now() < deadline, "the override never showed");
    }

    // And edits inside it are followed from now on.
    let edited = custom.replace("Lost here", "Still lost");
    std::fs::write(site.path().join("templates/404.html"), edited).expect("write");
    events.wait_for_reload();
    assert!(served.get("/nowhere").body.contains("<h1>Still lost</h1>"));

    // A change elsewhere in the site folder (not content, templates or theme) is no rebuild.
    std::fs::write(site.path().join("notes.txt"), "scratch").expect("write");
    events.expect_quiet(Duration::from_millis(600));
}
