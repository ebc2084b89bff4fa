//! The HTTP/1.1 server on `std::net`: one thread per connection, GET and HEAD only.
//!
//! Each connection has its own thread, so the event streams, which stay open as long
//! as their page, never keep another request waiting. What a connection may cost is
//! bounded: a request head must fit in [`MAX_HEAD`] bytes (else 431) and arrive whole
//! within [`HEAD_TIMEOUT`] (else 408), and each byte of it is looked at once however it
//! is split into reads; a kept-alive connection idle that long is closed, a client that
//! stops reading is dropped after [`WRITE_TIMEOUT`]. At most [`Limits::connections`]
//! are open at once (512, or half the open-files limit when that is lower) and at most
//! [`Limits::event_streams`] of them are event streams (128): more are answered 503, so
//! streams that are never read cannot keep pages from loading. A failed accept (no file
//! descriptor left) is retried after [`ACCEPT_PAUSE`], not at full speed. A head that
//! RFC 9112 calls malformed (a header name that is not a token, a space before the colon,
//! a folded line, a lone CR or another control character) is answered 400. Only requests
//! for this server's own address are answered: the `Host` must be `127.0.0.1`,
//! `localhost` or `[::1]` with the port in use, so a page whose domain is made to resolve
//! to 127.0.0.1 (DNS rebinding) cannot read the site or its error page; others get 421.
//! Every response says `X-Content-Type-Options: nosniff`.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// The longest request head (request line and headers) read.
pub(super) const MAX_HEAD: usize = 16 * 1024;

/// How long a request head may take to arrive, and a kept-alive connection may stay idle.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write may wait for a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections open at once (each holds a thread and a file descriptor), when
/// the limit on open files allows it (see [`Limits::for_open_files`]).
const MAX_CONNECTIONS: usize = 512;

/// The most event streams open at once. A stream lasts as long as its page, so without
/// a cap of their own, streams could hold every connection and no page would load; a
/// browser opens at most about six per server.
const MAX_EVENT_STREAMS: usize = 128;

/// How long the accept loop rests after a failed accept (out of file descriptors, say),
/// rather than failing again at once, at full speed, until a connection closes.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// How many connections may wait to be accepted (std asks for 128; the system may cap it).
const BACKLOG: i32 = 1024;

/// How many connections, and how many event streams among them, may be open at once.
#[derive(Debug, PartialEq, Eq)]
struct Limits {
    connections: usize,
    event_streams: usize,
}

impl Limits {
    /// The limits for a process that may open `open_files` files (`None`: unknown): half
    /// of them for connections, so the site's watcher, the listener and a rebuild keep
    /// theirs, and at most [`MAX_CONNECTIONS`]; half of those for event streams, and at
    /// most [`MAX_EVENT_STREAMS`].
    fn for_open_files(open_files: Option<u64>) -> Limits {
        let half = open_files.map_or(usize::MAX, |n| usize::try_from(n / 2).unwrap_or(usize::MAX));
        let connections = half.clamp(1, MAX_CONNECTIONS);
        Limits {
            connections,
            event_streams: (connections / 2).min(MAX_EVENT_STREAMS),
        }
    }
}

/// The soft limit on this process's open files.
#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the limit into the struct it is given.
    let known = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    known.then_some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<u64> {
    None
}

/// Gives each connection a thread of its own, up to [`Limits::connections`] at once
/// (more are answered 503).
pub(super) fn accept_loop(listener: &TcpListener, port: u16, shared: &Arc<Shared>) {
    let limits = Limits::for_open_files(open_files_limit());
    let connections = Gauge::new(limits.connections);
    let streams = Gauge::new(limits.event_streams);
    loop {
        let mut stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => {
                thread::sleep(ACCEPT_PAUSE);
                continue;
            }
        };
        let Some(slot) = connections.take() else {
            let _ = write_reply(&mut stream, &refusal(503), false, false);
            continue;
        };
        let shared = Arc::clone(shared);
        let streams = Arc::clone(&streams);
        // If no thread can be started, the stream is dropped, which closes it.
        let _ = thread::Builder::new()
            .name("dossier-connection".into())
            .spawn(move || {
                let _slot = slot;
                connection(stream, port, &shared, &streams);
            });
    }
}

/// How many of something are open, and how many may be.
struct Gauge {
    open: AtomicUsize,
    max: usize,
}

impl Gauge {
    fn new(max: usize) -> Arc<Gauge> {
        Arc::new(Gauge {
            open: AtomicUsize::new(0),
            max,
        })
    }

    /// One more open, counted until the slot is dropped; `None` when all are taken.
    fn take(self: &Arc<Gauge>) -> Option<Slot> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(Arc::clone(self)))
    }
}

/// One open thing of a [`Gauge`], until dropped.
struct Slot(Arc<Gauge>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers the requests of one connection in turn, until it closes, idles, errs or asks
/// for the event stream.
fn connection(mut stream: TcpStream, port: u16, shared: &Shared, streams: &Arc<Gauge>) {
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let mut pending = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut pending) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(status) => {
                let _ = write_reply(&mut stream, &refusal(status), false, false);
                return;
            }
        };
        let request = match parse_head(&head, port) {
            Ok(request) => request,
            Err(status) => {
                let _ = write_reply(&mut stream, &refusal(status), false, false);
                return;
            }
        };
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let reply = with_header(refusal(405), "Allow", "GET, HEAD");
            let _ = write_reply(&mut stream, &reply, false, false);
            return;
        }
        let path = request.target.split(['?', '#']).next().unwrap_or("/");
        if path == EVENTS_PATH {
            match streams.take() {
                Some(_slot) => event_stream(stream, shared, head_only),
                None => {
                    let _ = write_reply(&mut stream, &refusal(503), false, false);
                }
            }
            return;
        }
        let reply = respond_to(&shared.snapshot(), path);
        if write_reply(&mut stream, &reply, head_only, request.keep_alive).is_err()
            || !request.keep_alive
        {
            return;
        }
    }
}

/// Reads the next request head: `Ok(None)` when the connection closes or idles before
/// one starts, the status to refuse it with when it is too long or too slow. Bytes after
/// the head (a pipelined request) stay in `pending`.
fn read_head(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Result<Option<Vec<u8>>, u16> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut chunk = [0u8; 4096];
    let mut scan = HeadScan::default();
    loop {
        if let Some(end) = scan.end(pending) {
            if end > MAX_HEAD {
                return Err(431);
            }
            let rest = pending.split_off(end);
            return Ok(Some(std::mem::replace(pending, rest)));
        }
        if pending.len() > MAX_HEAD {
            return Err(431);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return if pending.is_empty() {
                Ok(None)
            } else {
                Err(408)
            };
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return if pending.is_empty() {
                    Ok(None)
                } else {
                    Err(408)
                };
            }
            Err(_) => return Ok(None),
        }
    }
}

/// Finds where a request head ends (after its empty line), lines ending in CRLF or LF
/// alone, as its bytes arrive: each call looks only at the bytes added since the last, so
/// a head sent a byte at a time costs no more than one sent whole.
#[derive(Default)]
struct HeadScan {
    /// How many bytes were looked at.
    scanned: usize,
    /// Where the line being read starts.
    line_start: usize,
    /// Whether a line that is not empty was seen: empty lines before the request line are
    /// allowed (RFC 9112, 2.2).
    started: bool,
}

impl HeadScan {
    /// Where the head ends in `bytes`, which hold the bytes of every earlier call and
    /// perhaps more.
    fn end(&mut self, bytes: &[u8]) -> Option<usize> {
        let new = bytes.get(self.scanned..).unwrap_or_default();
        for (offset, _) in new.iter().enumerate().filter(|(_, b)| **b == b'\n') {
            let at = self.scanned + offset;
            let line = &bytes[self.line_start..at];
            let empty = line.is_empty() || line == b"\r";
            if empty && self.started {
                self.scanned = at + 1;
                return Some(at + 1);
            }
            self.started |= !empty;
            self.line_start = at + 1;
        }
        self.scanned = bytes.len();
        None
    }
}

/// What is needed of a request head.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct RequestHead {
    pub(super) method: String,
    /// The request target, starting with `/`.
    pub(super) target: String,
    /// Whether the connection stays open after the response.
    pub(super) keep_alive: bool,
}

/// Parses a request head and checks it is for this server (`port` on loopback), or gives
/// the status to refuse it with.
pub(super) fn parse_head(head: &[u8], port: u16) -> Result<RequestHead, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) = (
        request_line.next(),
        request_line.next(),
        request_line.next(),
        request_line.next(),
    ) else {
        return Err(400);
    };
    if !is_token(method) || target.bytes().any(|b| b.is_ascii_control()) {
        return Err(400);
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(505),
    };
    // The absolute form (`GET http://host/ HTTP/1.1`) is for proxies: it names a host.
    if !target.starts_with('/') {
        return Err(400);
    }
    let mut hosts = Vec::new();
    let mut keep_alive = http11;
    let mut has_body = false;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = header(line).ok_or(400u16)?;
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value);
        } else if name.eq_ignore_ascii_case("connection") {
            let tokens = value.split(',').map(str::trim);
            for token in tokens {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") && !http11 {
                    keep_alive = true;
                }
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            || (name.eq_ignore_ascii_case("content-length") && value != "0")
        {
            has_body = true;
        }
    }
    match hosts.as_slice() {
        [host] if allowed_host(host, port) => {}
        _ => return Err(421),
    }
    Ok(RequestHead {
        method: method.to_string(),
        target: target.to_string(),
        // A body is never read: the connection ends after the response instead.
        keep_alive: keep_alive && !has_body,
    })
}

/// The name and value (trimmed) of a header line, or `None` when it is malformed (RFC
/// 9112, 5): a name that is not a token (a space before the colon; a line folded onto
/// the one before, which starts with a space or tab), or a control character other than
/// tab in the value (a lone CR among them).
fn header(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let control = |b: u8| b.is_ascii_control() && b != b'\t';
    (is_token(name) && !value.bytes().any(control)).then(|| (name, value.trim_matches([' ', '\t'])))
}

/// Whether `text` is a token (RFC 9110, 5.6.2): what a method or header name is made of.
fn is_token(text: &str) -> bool {
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    !text.is_empty() && text.bytes().all(token_char)
}

/// Whether `host` (a `Host` header) names this server: `127.0.0.1`, `localhost` or
/// `[::1]`, in any letter case, with `port`; without a port only when it is 80, the only
/// case in which browsers leave it out.
pub(super) fn allowed_host(host: &str, port: u16) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, given) = match host.rfind(':') {
        Some(at) if !host[at..].contains(']') => (&host[..at], Some(&host[at + 1..])),
        _ => (host.as_str(), None),
    };
    let port_matches = match given {
        Some(given) => given == port.to_string(),
        None => port == 80,
    };
    port_matches && matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

/// A short plain-text answer to a request that is refused: it names nothing local.
pub(super) fn refusal(status: u16) -> Reply {
    let body = format!("{status} {}\n", reason(status));
    reply(
        status,
        "text/plain; charset=utf-8",
        Body::Owned(body.into_bytes()),
    )
}

/// Writes `reply` (its head alone for HEAD), saying whether the connection stays open.
pub(super) fn write_reply(
    stream: &mut impl Write,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let body = reply.body.as_ref();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{NOSNIFF}",
        reply.status,
        reason(reply.status),
        reply.content_type,
        body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Tells the browser to take each response for the type it is sent as, never guessing
/// (a JSON or text file is not run as a script or shown as HTML).
pub(super) const NOSNIFF: &str = "X-Content-Type-Options: nosniff\r\n";

/// The reason phrase of each status this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Listens on 127.0.0.1:`port`, or the first free one of the next [`PORT_TRIES`] ports.
pub(super) fn bind(port: u16) -> Result<(TcpListener, u16), String> {
    let last = port.saturating_add(PORT_TRIES);
    let mut failure = String::new();
    for candidate in port..=last {
        match TcpListener::bind(("127.0.0.1", candidate)) {
            Ok(listener) => {
                lengthen_backlog(&listener);
                let bound = listener.local_addr().map_or(candidate, |addr| addr.port());
                return Ok((listener, bound));
            }
            Err(e) => failure = e.to_string(),
        }
    }
    Err(format!(
        "cannot listen on 127.0.0.1, ports {port} to {last}: {failure}"
    ))
}

/// Lets [`BACKLOG`] connections wait to be accepted, so that a burst of them (a page
/// and its assets in many tabs) is not left to the kernel's retries, seconds apart.
#[cfg(unix)]
fn lengthen_backlog(listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    // SAFETY: `listen` on a socket the listener owns and keeps open; on a socket that
    // listens already it only changes the backlog. A failure leaves std's.
    unsafe {
        libc::listen(listener.as_raw_fd(), BACKLOG);
    }
}

#[cfg(not(unix))]
fn lengthen_backlog(_: &TcpListener) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(head: &str) -> Result<RequestHead, u16> {
        parse_head(head.as_bytes(), 4000)
    }

    #[test]
    fn accepts_the_loopback_names_with_the_port_in_use() {
        for host in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
        ] {
            assert!(allowed_host(host, 4000), "{host}");
        }
        for host in [
            "evil.example:4000",
            "localhost.evil.example:4000",
            "127.0.0.1:4001",
            "127.0.0.1:04000",
            "127.0.0.1",
            "localhost",
            "[::1]",
            "127.0.0.2:4000",
            "",
        ] {
            assert!(!allowed_host(host, 4000), "{host}");
        }
        assert!(allowed_host("localhost", 80));
        assert!(allowed_host("[::1]", 80));
    }

    #[test]
    fn parses_a_request_head_and_its_connection() {
        let get = parse("GET /a?b HTTP/1.1\r\nHost: localhost:4000\r\n\r\n");
        assert_eq!(
            get,
            Ok(RequestHead {
                method: "GET".into(),
                target: "/a?b".into(),
                keep_alive: true,
            })
        );
        let close = parse("GET / HTTP/1.1\r\nhost: localhost:4000\r\nConnection: Close\r\n\r\n");
        assert!(!close.expect("parsed").keep_alive);
        let old = parse("GET / HTTP/1.0\nHost: localhost:4000\n\n");
        assert!(!old.expect("parsed").keep_alive);
        let body = parse("GET / HTTP/1.1\r\nHost: localhost:4000\r\nContent-Length: 3\r\n\r\n");
        assert!(!body.expect("parsed").keep_alive);
    }

    #[test]
    fn refuses_heads_for_other_hosts_or_malformed() {
        assert_eq!(parse("GET / HTTP/1.1\r\n\r\n"), Err(421));
        assert_eq!(
            parse("GET / HTTP/1.1\r\nHost: localhost:4000\r\nHost: localhost:4000\r\n\r\n"),
            Err(421)
        );
        assert_eq!(
            parse("GET http://localhost:4000/ HTTP/1.1\r\nHost: localhost:4000\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            parse("GET / HTTP/2.0\r\nHost: localhost:4000\r\n\r\n"),
            Err(505)
        );
        assert_eq!(parse("GET /\r\nHost: localhost:4000\r\n\r\n"), Err(400));
        assert_eq!(
            parse("GET / HTTP/1.1\r\nno colon\r\nHost: localhost:4000\r\n\r\n"),
            Err(400)
        );
        assert_eq!(parse_head(b"GET /\xff HTTP/1.1\r\n\r\n", 4000), Err(400));
    }

    fn head_end(bytes: &[u8]) -> Option<usize> {
        HeadScan::default().end(bytes)
    }

    #[test]
    fn finds_the_end_of_a_head_after_leading_empty_lines() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: x\n\n"), Some(24));
        assert_eq!(head_end(b"\r\nGET / HTTP/1.1\r\n\r\n"), Some(20));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b"\r\n\r\n"), None);
    }

    #[test]
    fn finds_the_end_of_a_head_whatever_the_reads_it_came_in() {
        let heads: [&[u8]; 5] = [
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\nHost: x\n\nrest",
            b"\r\n\nGET / HTTP/1.1\r\nA: b\nC: d\r\n\n",
            b"GET / HTTP/1.1\r\nA: \r\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n",
        ];
        for head in heads {
            let whole = head_end(head);
            for split in 0..=head.len() {
                let mut scan = HeadScan::default();
                let first = scan.end(&head[..split]);
                let found = first.or_else(|| scan.end(head));
                assert_eq!(found, whole, "{:?} split at {split}", head.escape_ascii());
            }
            let mut scan = HeadScan::default();
            let byte_by_byte = (0..=head.len()).find_map(|n| scan.end(&head[..n]));
            assert_eq!(
                byte_by_byte,
                whole,
                "{:?} a byte at a time",
                head.escape_ascii()
            );
        }
    }

    #[test]
    fn refuses_header_lines_rfc_9112_calls_malformed() {
        let host = "Host: localhost:4000\r\n";
        for line in [
            "Content-Length : 58",
            "Content Length: 58",
            "X-A(b): c",
            ": no name",
            "X-A: b\rc",
            "X\r-A: b",
            "X-A: b\x00",
            " folded: onto the line before",
            "\tfolded: onto the line before",
        ] {
            let head = format!("GET / HTTP/1.1\r\n{host}X-B: c\r\n{line}\r\n\r\n");
            assert_eq!(parse(&head), Err(400), "{line:?}");
        }
        for request_line in ["GET /a\rb HTTP/1.1", "G(T / HTTP/1.1", "GET /\x7f HTTP/1.1"] {
            let head = format!("{request_line}\r\n{host}\r\n");
            assert_eq!(parse(&head), Err(400), "{request_line:?}");
        }
        let fine = parse("GET / HTTP/1.1\r\nHost:localhost:4000\r\nX-A:\t b\tc \r\n\r\n");
        assert!(fine.is_ok(), "{fine:?}");
    }

    #[test]
    fn connections_take_half_the_open_files_and_event_streams_half_of_those() {
        let limits = |connections, event_streams| Limits {
            connections,
            event_streams,
        };
        assert_eq!(Limits::for_open_files(None), limits(512, 128));
        assert_eq!(Limits::for_open_files(Some(u64::MAX)), limits(512, 128));
        assert_eq!(Limits::for_open_files(Some(1024)), limits(512, 128));
        assert_eq!(Limits::for_open_files(Some(200)), limits(100, 50));
        assert_eq!(Limits::for_open_files(Some(64)), limits(32, 16));
        assert_eq!(Limits::for_open_files(Some(0)), limits(1, 0));
    }

    #[test]
    fn a_gauge_gives_no_more_slots_than_its_maximum() {
        let gauge = Gauge::new(2);
        let first = gauge.take();
        let second = gauge.take();
        assert!(first.is_some() && second.is_some());
        assert!(gauge.take().is_none());
        drop(first);
        assert!(gauge.take().is_some());
        assert!(Gauge::new(0).take().is_none());
    }

    #[test]
    fn every_reply_says_its_type_is_not_to_be_guessed() {
        let mut out = Vec::new();
        write_reply(&mut out, &refusal(404), true, false).expect("written");
        let head = String::from_utf8(out).expect("utf-8");
        assert!(
            head.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
            "{head}"
        );
    }
}
