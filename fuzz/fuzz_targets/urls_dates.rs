//! URLs, dates, slugs and escaping: each line of the input is tried as all of them.
//! Properties: a URL accepted for a YAML field is a web URL; an external-looking URL is
//! never classified relative; a slug is a valid id (or empty) and never longer than
//! `MAX_SLUG`; a parsed date prints back as itself; escaped text holds no markup.
#![no_main]

use std::collections::HashMap;

use dossier::links::{internal_link, Known};
use dossier::model::{ActorIx, PartialDate};
use dossier::text::{
    check_url, classify_url, escape_html, is_valid_id, slugify, UrlKind, UrlUse, MAX_SLUG,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources: HashMap<&str, usize> = [("other-article", 0)].into_iter().collect();
    let actors: HashMap<&str, ActorIx> = [("hamas", ActorIx::new(0))].into_iter().collect();
    let known = Known {
        sources: &sources,
        actors: &actors,
    };
    for line in text.split('\n') {
        let kind = classify_url(line);
        if check_url(line, UrlUse::Web).is_ok() {
            assert_eq!(kind, Ok(UrlKind::Web), "{line:?}");
        }
        let lower = line.trim().to_ascii_lowercase();
        if lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//") {
            assert!(!matches!(kind, Ok(UrlKind::Relative)), "{line:?}");
        }
        if let Ok(Some(url)) = internal_link(line, 3, known) {
            assert!(url.starts_with("../"), "{line:?} → {url}");
        }
        if let Some(date) = PartialDate::parse(line) {
            assert_eq!(date.to_string(), line);
            let _ = date.human();
        }
        let slug = slugify(line);
        assert!(slug.is_empty() || is_valid_id(&slug), "{line:?} → {slug:?}");
        assert!(slug.len() <= MAX_SLUG);
        let escaped = escape_html(line);
        assert!(!escaped.contains(['<', '>', '"', '\'']));
    }
});
