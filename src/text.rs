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

/// The id a name should have: transliterated to ASCII, lowercased, apostrophes dropped,
/// every other run of non-alphanumerics turned into one hyphen ("Kata’ib Hezbollah" → "kataib-hezbollah").
pub fn slugify(name: &str) -> String {
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

/// Checks a URL against the allow-list; the error says what is wrong.
pub fn check_url(url: &str, usage: UrlUse) -> Result<(), String> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let scheme = url_scheme(&cleaned).map(|s| s.to_ascii_lowercase());
    match (usage, scheme.as_deref()) {
        (_, Some("http" | "https")) => Ok(()),
        (UrlUse::Markdown, Some("mailto")) => Ok(()),
        (UrlUse::Markdown, None) => Ok(()),
        (UrlUse::Web, None) => Err(format!(
            "`{url}` is not an absolute URL: write it with http:// or https://"
        )),
        (UrlUse::Web, Some(s)) => Err(format!(
            "URL scheme `{s}:` is not allowed here: use http or https"
        )),
        (UrlUse::Markdown, Some(s)) => Err(format!(
            "URL scheme `{s}:` is not allowed: links may use http, https, mailto or a relative path"
        )),
    }
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

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
}
