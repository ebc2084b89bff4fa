//! Live reload: the script added to served pages and the server-sent event stream it listens to.

use std::io::{ErrorKind, Read};

use super::*;

/// An idle event stream sends a comment this often, so a closed page is noticed.
pub(super) const PING_EVERY: Duration = Duration::from_secs(15);

/// Added before `</body>` of every served HTML page, with the version of the build that
/// served it. The event stream sends the current version when it opens and each new one
/// after a rebuild; a version other than the page's own means reload. A hidden tab closes
/// its stream (browsers allow about six open connections per server, shared by all tabs)
/// and opens it again when shown, so it catches up then; a restarted server has new
/// versions, so pages reload after it too.
pub(super) const RELOAD_SCRIPT: &str = r#"<script>
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

/// The reload script for a page of build `version`.
pub(super) fn reload_script(version: &str) -> String {
    RELOAD_SCRIPT.replace("{VERSION}", version)
}

/// `html` with the reload script before its last `</body>` (or at the end).
pub(super) fn inject_reload(html: &[u8], version: &str) -> Vec<u8> {
    let script = reload_script(version);
    let mut out = Vec::with_capacity(html.len() + script.len());
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The last position of `needle` in `haystack`, ASCII case ignored.
pub(super) fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len().max(1))
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The head of an event stream's response.
pub(super) const EVENTS_HEAD: &str = "HTTP/1.1 200 OK\r\n\
    Content-Type: text/event-stream\r\n\
    Cache-Control: no-store\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Connection: close\r\n\r\n";

/// Keeps a `text/event-stream` open: `data: <version>` at once and after each rebuild, a
/// comment line every [`PING_EVERY`]. The stream ends when its page has gone: before each
/// message the connection is checked for the end the client sent when it closed (see
/// [`client_gone`]), and a write that fails ends it too.
///
/// The stream has the connection to itself (it is closed after), and its thread.
pub(super) fn event_stream(mut stream: TcpStream, shared: &Shared, head: bool) {
    // Subscribe before answering, so a rebuild right after the answer is not missed.
    let events = (!head).then(|| shared.subscribe());
    if send(&mut stream, EVENTS_HEAD.as_bytes()).is_err() {
        return;
    }
    let Some(events) = events else { return };
    // The version now: a page built before it (a tab that was hidden) reloads at once.
    let hello = format!("retry: 1000\n\ndata: {}\n\n", shared.snapshot().version);
    if send(&mut stream, hello.as_bytes()).is_err() {
        return;
    }
    loop {
        let message = match events.versions.recv_timeout(PING_EVERY) {
            Ok(version) => format!("data: {version}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if client_gone(&mut stream) || send(&mut stream, message.as_bytes()).is_err() {
            return;
        }
    }
}

fn send(stream: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes)?;
    stream.flush()
}

/// Whether the client has closed the connection, without waiting: a page that has gone
/// does not read, but the ping is so small that writing it would succeed for a long time.
/// What the client sent since its request (nothing, normally) is read and dropped.
pub(super) fn client_gone(stream: &mut TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut sent = [0u8; 512];
    let gone = match stream.read(&mut sent) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
    };
    stream.set_nonblocking(false).is_err() || gone
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_event_stream_is_not_sniffed() {
        assert!(EVENTS_HEAD.contains("\r\nX-Content-Type-Options: nosniff\r\n"));
    }

    #[test]
    fn notices_a_client_that_has_closed_the_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client =
            TcpStream::connect(listener.local_addr().expect("address")).expect("connect");
        let (mut server, _) = listener.accept().expect("accept");
        assert!(!client_gone(&mut server));
        client.write_all(b"stray bytes").expect("write");
        assert!(!client_gone(&mut server));
        drop(client);
        // The end arrives at once on loopback; the deadline is against hanging only.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !client_gone(&mut server) {
            assert!(
                Instant::now() < deadline,
                "the closed client was not noticed"
            );
            thread::sleep(Duration::from_millis(10));
        }
        // The stream is blocking again, as it was.
        server
            .set_read_timeout(Some(Duration::from_millis(1)))
            .expect("timeout");
        assert_eq!(server.read(&mut [0u8; 1]).expect("end of stream"), 0);
    }
}
