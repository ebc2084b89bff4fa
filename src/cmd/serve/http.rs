//! Routing a request path to a file of the built site, the error page, content types.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use super::*;

/// The body of a response: a file of the site as built, or bytes made for this response.
pub(super) enum Body {
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

/// A response: its status, type and body, and any other header.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) body: Body,
    /// Headers besides Content-Type, Content-Length, Cache-Control and Connection.
    pub(super) headers: Vec<(&'static str, String)>,
}

pub(super) fn reply(status: u16, content_type: &'static str, body: Body) -> Reply {
    Reply {
        status,
        content_type,
        body,
        headers: Vec::new(),
    }
}

/// `reply` with the header `name: value`; a value with a control character (a line
/// break would start a header of its own) is left out.
pub(super) fn with_header(mut reply: Reply, name: &'static str, value: &str) -> Reply {
    if !value.chars().any(char::is_control) {
        reply.headers.push((name, value.to_string()));
    }
    reply
}

/// Where a request path leads in the built site.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// An output file, by its path in the site.
    File(String),
    /// A folder asked for without its trailing slash: redirect to this location.
    Redirect(String),
    NotFound,
}

/// What a redirect's `Location` percent-encodes of a decoded path, besides every byte
/// that is not ASCII: what would end the path or change what it means (`?`, `#`, `%`),
/// and what a URL may not hold (controls, space, quotes, angle and curly brackets).
const LOCATION: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Maps a URL path to a file of the site: `/` and `/x/` to their `index.html`, `/x` to
/// `/x/` when that is a folder with an index (percent-encoded again), or to `x.html` when
/// that exists. Percent-escapes are decoded; `.` and `..` segments are resolved and cannot climb above
/// the root.
pub(super) fn resolve(files: &HashMap<String, Arc<[u8]>>, url_path: &str) -> Target {
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
        return Target::Redirect(format!("/{}/", utf8_percent_encode(&key, LOCATION)));
    }
    let html = format!("{key}.html");
    if files.contains_key(&html) {
        return Target::File(html);
    }
    Target::NotFound
}

pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The response to a GET or HEAD of `path` (events aside).
pub(super) fn respond_to(site: &Snapshot, path: &str) -> Reply {
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
pub(super) fn content_type(path: &str) -> &'static str {
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

/// The page shown instead of the site while the last build failed.
pub(super) fn error_page(errors: &[String], version: &str) -> String {
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
    fn redirects_to_the_folder_encoded_again() {
        let files = site(&["a?b#c/index.html", "é/index.html", "100%/index.html"]);
        let redirect = |p: &str| Target::Redirect(p.to_string());
        assert_eq!(resolve(&files, "/a%3Fb%23c"), redirect("/a%3Fb%23c/"));
        assert_eq!(resolve(&files, "/%C3%A9"), redirect("/%C3%A9/"));
        assert_eq!(resolve(&files, "/100%25"), redirect("/100%25/"));
    }

    #[test]
    fn decodes_percent_escapes_and_keeps_bad_ones() {
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz%4"), "/%zz%4");
        assert_eq!(percent_decode("/%C3%A9"), "/é");
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
    fn the_error_page_escapes_each_diagnostic() {
        let page = error_page(&["a.yaml:1:1: error: bad <b>\n1 | x".to_string()], "ab-4");
        assert!(page.contains("const version = \"ab-4\";"));
        assert!(page.contains("<title>Build error</title>"));
        assert!(page.contains("<pre>a.yaml:1:1: error: bad &lt;b&gt;\n1 | x</pre>"));
        assert!(page.contains("new EventSource(\"/__dossier/events\")"));
    }
}
