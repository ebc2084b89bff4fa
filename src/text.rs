//! Small text rules shared by the loader and the commands: ids, slugs, URL schemes.

/// Whether `id` matches `^[a-z0-9]+(-[a-z0-9]+)*$`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The longest slug [`slugify`] makes, in characters: file names stay well under the
/// 255 bytes file systems allow, and URLs stay readable.
pub const MAX_SLUG: usize = 80;

/// The id a name should have: transliterated to ASCII, lowercased, apostrophes dropped,
/// every other run of non-alphanumerics turned into one hyphen ("Kata’ib Hezbollah" → "kataib-hezbollah"),
/// cut to [`MAX_SLUG`] characters at a hyphen where there is one.
pub fn slugify(name: &str) -> String {
    let slug = slugify_whole(name);
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    let cut = &slug[..MAX_SLUG];
    match cut.rfind('-') {
        Some(i) if i >= MAX_SLUG / 2 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// Whether [`slugify`] had to cut the slug of `name` to [`MAX_SLUG`].
pub fn slug_is_cut(name: &str) -> bool {
    slugify_whole(name).len() > MAX_SLUG
}

fn slugify_whole(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '`' {
            pending_hyphen = true;
        }
    }
    slug
}

/// Where a URL is written decides which forms it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// A YAML field such as `url:`: an absolute `http` or `https` URL.
    Web,
    /// A Markdown link or image: `http`, `https`, `mailto` or relative.
    Markdown,
}

/// What a URL that passed [`classify_url`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// `http:` or `https:`, in any letter case, with or without `//`: loads from the network.
    Web,
    /// `//host/path` (or `\\host`): takes the page's scheme, so it loads from the network too.
    SchemeRelative,
    /// `mailto:`.
    Mailto,
    /// A path or fragment inside the site.
    Relative,
}

impl UrlKind {
    /// Whether a browser would fetch it from another host.
    pub fn is_external(self) -> bool {
        matches!(self, UrlKind::Web | UrlKind::SchemeRelative)
    }
}

/// The pattern of a YAML URL field in the JSON Schema: what [`check_url`] accepts with
/// [`UrlUse::Web`] (an http(s) scheme in any letter case, `://`, a host, no whitespace).
pub const WEB_URL_PATTERN: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@]+([/?#][^\s]*)?$";

/// Classifies a URL the way a browser reads it (the WHATWG parser of the `url` crate):
/// the scheme in any letter case, tabs and line breaks inside it ignored, a scheme-relative
/// `//host` external. A scheme other than http, https and mailto is an error.
pub fn classify_url(url: &str) -> Result<UrlKind, String> {
    // Browsers strip leading and trailing C0 controls and spaces, and drop tabs and line
    // breaks anywhere ("java\tscript:").
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match url::Url::parse(&cleaned) {
        Ok(parsed) => match parsed.scheme() {
            "http" | "https" => Ok(UrlKind::Web),
            "mailto" => Ok(UrlKind::Mailto),
            scheme => Err(format!(
                "URL scheme `{}:` is not allowed: links may use http, https, mailto or a relative path",
                escape_control(scheme)
            )),
        },
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let slashes = cleaned.chars().take(2).all(|c| c == '/' || c == '\\');
            if slashes && cleaned.len() >= 2 {
                Ok(UrlKind::SchemeRelative)
            } else {
                Ok(UrlKind::Relative)
            }
        }
        Err(e) => match url_scheme(&cleaned).map(str::to_ascii_lowercase) {
            Some(s) if s == "http" || s == "https" => Err(format!(
                "`{}` is not a valid URL: {e}",
                escape_control(url)
            )),
            Some(s) => Err(format!(
                "URL scheme `{}:` is not allowed: links may use http, https, mailto or a relative path",
                escape_control(&s)
            )),
            None => Err(format!("`{}` is not a valid URL: {e}", escape_control(url))),
        },
    }
}

/// Checks a URL against the allow-list; the error says what is wrong.
pub fn check_url(url: &str, usage: UrlUse) -> Result<(), String> {
    let kind = classify_url(url);
    match usage {
        UrlUse::Markdown => kind.map(|_| ()),
        UrlUse::Web => {
            let shown = escape_control(url);
            match kind {
                Ok(UrlKind::Web) if is_plain_web_url(url) => Ok(()),
                Ok(UrlKind::Web) => Err(format!(
                    "`{shown}` is not a plain absolute URL: write it as http(s)://host/path, without spaces"
                )),
                Ok(UrlKind::SchemeRelative | UrlKind::Relative) => Err(format!(
                    "`{shown}` is not an absolute URL: write it with http:// or https://"
                )),
                Ok(UrlKind::Mailto) => Err(
                    "URL scheme `mailto:` is not allowed here: use http or https".to_string(),
                ),
                Err(e) if e.starts_with("URL scheme") => {
                    let scheme = url_scheme(url.trim()).unwrap_or_default().to_ascii_lowercase();
                    Err(format!(
                        "URL scheme `{}:` is not allowed here: use http or https",
                        escape_control(&scheme)
                    ))
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// [`WEB_URL_PATTERN`] by hand: `http(s)://`, a host without `@`, no whitespace or controls.
fn is_plain_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    !host.is_empty()
        && !host.contains('@')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The scheme of a URL (`javascript` in `javascript:alert(1)`), if it has one.
fn url_scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Characters that no content may hold: C0 controls but tab, line feed and carriage
/// return, and the noncharacters U+FFFE and U+FFFF (none of them may appear in XML).
pub fn is_forbidden_char(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Text with every control character shown as an escape (`\u{1b}`), for a terminal: a name
/// holding `ESC ]0;` must not retitle it.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() || is_forbidden_char(c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() || is_forbidden_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes text for HTML content and attribute values: `& < > " '` as entities, and
/// every forbidden character ([`is_forbidden_char`]) as U+FFFD.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped_html(&mut out, text);
    out
}

/// [`escape_html`] appended to `out`, with no string of its own.
pub fn push_escaped_html(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Runs of bytes that need nothing are copied whole.
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| MAY_ESCAPE[usize::from(b)]) {
        let i = at + found;
        at = i + 1;
        let Some((replacement, len)) = escape_at(bytes, i) else {
            continue;
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        copied = i + len;
        at = copied;
    }
    out.push_str(&text[copied..]);
}

/// The bytes that may begin a character [`escape_html`] changes: the five it escapes,
/// C0 controls, and 0xEF (the first byte of U+FFFE and U+FFFF in UTF-8).
const MAY_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let mut i = 0;
    let special = *b"&<>\"'\xEF";
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// What the character starting at byte `i` becomes in [`escape_html`], with its length
/// in bytes; `None` when it stays. Only ASCII and U+FFFE/U+FFFF (`EF BF BE`, `EF BF BF`)
/// change, and no byte inside a longer UTF-8 sequence is ASCII or 0xEF.
fn escape_at(bytes: &[u8], i: usize) -> Option<(&'static str, usize)> {
    match bytes[i] {
        b'&' => Some(("&amp;", 1)),
        b'<' => Some(("&lt;", 1)),
        b'>' => Some(("&gt;", 1)),
        b'"' => Some(("&quot;", 1)),
        b'\'' => Some(("&#39;", 1)),
        b'\t' | b'\n' | b'\r' => None,
        0..0x20 => Some(("\u{FFFD}", 1)),
        0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
            Some(("\u{FFFD}", 3))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_words_joined_by_single_hyphens() {
        assert!(is_valid_id("hamas"));
        assert!(is_valid_id("kataib-hezbollah-2"));
        for bad in ["", "Hamas", "a--b", "-a", "a-", "a_b", "ḥamas", "a b"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn slugs_transliterate_and_drop_apostrophes() {
        assert_eq!(slugify("Kata’ib Hezbollah"), "kataib-hezbollah");
        assert_eq!(
            slugify("Kata'ib Sayyid al-Shuhada"),
            "kataib-sayyid-al-shuhada"
        );
        assert_eq!(slugify("  Ḥamās: the Movement!  "), "hamas-the-movement");
        assert_eq!(slugify("U.S."), "u-s");
        assert!(is_valid_id(&slugify(
            "Hamas and Hezbollah: Strategic Coordination"
        )));
    }

    #[test]
    fn urls_follow_the_allow_list_in_any_letter_case() {
        assert!(check_url("https://example.org", UrlUse::Web).is_ok());
        assert!(check_url("mailto:a@b.c", UrlUse::Markdown).is_ok());
        assert!(check_url("../actors/hamas.html", UrlUse::Markdown).is_ok());
        assert!(check_url("#p-2", UrlUse::Markdown).is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:x",
            " data:text/html,x",
            "vbscript:x",
        ] {
            assert!(check_url(bad, UrlUse::Markdown).is_err(), "{bad}");
        }
        assert!(check_url("mailto:a@b.c", UrlUse::Web).is_err());
        assert!(check_url("example.org", UrlUse::Web).is_err());
    }

    /// The character-by-character definition `escape_html` must equal.
    fn escape_by_char(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c if is_forbidden_char(c) => out.push('\u{FFFD}'),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escape_html_copies_runs_and_replaces_what_the_definition_replaces() {
        let cases = [
            "",
            "plain words",
            "<a href=\"x\">Tom & Jerry's</a>",
            "&&<<>>",
            "tab\tline\ncr\r bell\u{7} nul\u{0} esc\u{1b}",
            "\u{FFFE}\u{FFFF}\u{FFFD}\u{FEFF}\u{EFBF}",
            "ḥamās «quoted» 中文 \u{FFFF}end",
            "\u{F000}\u{FFBE}\u{FFBF}",
            "ends with &",
        ];
        for text in cases {
            assert_eq!(escape_html(text), escape_by_char(text), "{text:?}");
        }
        assert_eq!(escape_html("a\u{FFFE}b<"), "a\u{FFFD}b&lt;");
    }
}
