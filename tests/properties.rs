//! Property tests (proptest): slugs, URL classification and escaping hold for any text.

use dossier::text::{
    check_url, classify_url, escape_html, is_valid_id, slugify, UrlKind, UrlUse, MAX_SLUG,
};
use proptest::prelude::*;

/// A scheme in random letter case, with random tabs and line breaks inside it.
fn spelled(scheme: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (any::<bool>(), prop_oneof![Just(""), Just("\t"), Just("\n")]),
        scheme.len(),
    )
    .prop_map(move |v| {
        scheme
            .chars()
            .zip(v)
            .map(|(c, (upper, noise))| {
                let c = if upper { c.to_ascii_uppercase() } else { c };
                format!("{c}{noise}")
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn a_slug_is_a_valid_id_or_empty_and_short(name in "\\PC{0,300}") {
        let slug = slugify(&name);
        prop_assert!(slug.is_empty() || is_valid_id(&slug), "{name:?} → {slug:?}");
        prop_assert!(slug.len() <= MAX_SLUG);
        prop_assert_eq!(slugify(&slug), slug.clone(), "a slug is its own slug");
    }

    #[test]
    fn script_schemes_are_refused_in_any_spelling(
        scheme in prop_oneof![spelled("javascript"), spelled("data"), spelled("vbscript")],
        lead in "[ \\x00-\\x1f]{0,2}",
        rest in "[a-z0-9(),/]{0,20}",
    ) {
        let url = format!("{lead}{scheme}:{rest}");
        prop_assert!(classify_url(&url).is_err(), "{url:?}");
        prop_assert!(check_url(&url, UrlUse::Markdown).is_err(), "{url:?}");
    }

    #[test]
    fn web_urls_are_external_in_any_spelling(
        scheme in prop_oneof![spelled("http"), spelled("https")],
        slashes in prop_oneof![Just(""), Just("//")],
        host in "[a-z]{1,10}\\.[a-z]{2,3}",
        path in "(/[a-z0-9.]{0,8}){0,3}",
    ) {
        let url = format!("{scheme}:{slashes}{host}{path}");
        prop_assert_eq!(classify_url(&url), Ok(UrlKind::Web), "{:?}", url);
        let relative = format!("//{host}{path}");
        prop_assert_eq!(classify_url(&relative), Ok(UrlKind::SchemeRelative));
        prop_assert!(check_url(&relative, UrlUse::Web).is_err());
    }

    #[test]
    fn a_url_fit_for_a_yaml_field_is_a_web_url(url in "\\PC{0,40}") {
        if check_url(&url, UrlUse::Web).is_ok() {
            prop_assert_eq!(classify_url(&url), Ok(UrlKind::Web));
        }
    }

    #[test]
    fn escaped_text_holds_no_markup_and_no_control_characters(text in "\\PC{0,80}|[\\x00-\\x1f<>&\"'\u{fffe}\u{ffff}a]{0,40}") {
        let escaped = escape_html(&text);
        prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
        let forbidden = escaped
            .chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}');
        prop_assert!(!forbidden, "a control character is left in {:?}", escaped);
        // Every `&` starts an entity we wrote.
        for (i, _) in escaped.match_indices('&') {
            let rest = &escaped[i..];
            prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e)));
        }
    }
}
