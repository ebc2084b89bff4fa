//! Live reload: the script added to served pages and the server-sent event stream it listens to.

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

/// Keeps a `text/event-stream` open: `data: <version>` at once and after each rebuild, a comment line
/// every [`PING_EVERY`] so a page that has gone is noticed (the write fails).
///
/// The stream has the connection to itself (it is closed after), and its thread.
pub(super) fn event_stream(mut stream: TcpStream, shared: &Shared, head: bool) {
    // Subscribe before answering, so a rebuild right after the answer is not missed.
    let events = (!head).then(|| shared.subscribe());
    let mut send = |bytes: &[u8]| stream.write_all(bytes).and_then(|()| stream.flush());
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
}
