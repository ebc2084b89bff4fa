//! The HTTP/1.1 server on `std::net`: one thread per connection, GET and HEAD only.
//!
//! Each connection has its own thread, so the event streams, which stay open as long
//! as their page, never keep another request waiting. What a connection may cost is
//! bounded: a request head must fit in [`MAX_HEAD`] bytes (else 431) and arrive whole
//! within [`HEAD_TIMEOUT`] (else 408), a kept-alive connection idle that long is
//! closed, a client that stops reading is dropped after [`WRITE_TIMEOUT`], and at most
//! [`MAX_CONNECTIONS`] are open at once (more are answered 503). Only requests for this
//! server's own address are answered: the `Host` must be `127.0.0.1`, `localhost` or
//! `[::1]` with the port in use, so a page whose domain is made to resolve to 127.0.0.1
//! (DNS rebinding) cannot read the site or its error page; others get 421.

use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// The longest request head (request line and headers) read.
pub(super) const MAX_HEAD: usize = 16 * 1024;

/// How long a request head may take to arrive, and a kept-alive connection may stay idle.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write may wait for a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections open at once (each holds a thread).
const MAX_CONNECTIONS: usize = 512;

/// How many connections may wait to be accepted (std asks for 128; the system may cap it).
const BACKLOG: i32 = 1024;

/// Gives each connection a thread of its own, up to [`MAX_CONNECTIONS`].
pub(super) fn accept_loop(listener: &TcpListener, port: u16, shared: &Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if open.load(Ordering::Acquire) >= MAX_CONNECTIONS {
            let _ = write_reply(&mut stream, &refusal(503), false, false);
            continue;
        }
        let guard = Open::new(&open);
        let shared = Arc::clone(shared);
        // If no thread can be started, the stream is dropped, which closes it.
        let _ = thread::Builder::new()
            .name("dossier-connection".into())
            .spawn(move || {
                let _guard = guard;
                connection(stream, port, &shared);
            });
    }
}

/// Counts an open connection until dropped.
struct Open(Arc<AtomicUsize>);

impl Open {
    fn new(count: &Arc<AtomicUsize>) -> Open {
        count.fetch_add(1, Ordering::AcqRel);
        Open(Arc::clone(count))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers the requests of one connection in turn, until it closes, idles, errs or asks
/// for the event stream.
fn connection(mut stream: TcpStream, port: u16, shared: &Shared) {
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
            event_stream(stream, shared, head_only);
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
    loop {
        if let Some(end) = head_end(pending) {
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

/// Where the head ends (after its empty line), lines ending in CRLF or LF alone.
pub(super) fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    // Empty lines before the request line are allowed (RFC 9112, 2.2).
    let mut started = false;
    for (at, _) in bytes.iter().enumerate().filter(|(_, b)| **b == b'\n') {
        let line = &bytes[line_start..at];
        let empty = line.is_empty() || line == b"\r";
        if empty && started {
            return Some(at + 1);
        }
        started |= !empty;
        line_start = at + 1;
    }
    None
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
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        let value = value.trim();
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
    stream: &mut TcpStream,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let body = reply.body.as_ref();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n",
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

    #[test]
    fn finds_the_end_of_a_head_after_leading_empty_lines() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: x\n\n"), Some(24));
        assert_eq!(head_end(b"\r\nGET / HTTP/1.1\r\n\r\n"), Some(20));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b"\r\n\r\n"), None);
    }
}
