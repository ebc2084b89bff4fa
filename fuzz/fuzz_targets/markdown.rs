//! Markdown with mentions: the input's first line lists names (`|`-separated, one actor
//! each), the rest is an article body. Rendering must not panic, every paragraph number
//! must exist, and no raw `<script` may come out of it.
#![no_main]

use std::collections::{BTreeSet, HashMap};

use dossier::model::ActorIx;
use dossier::resolve::markdown::{render, render_plain, Linker};
use dossier::resolve::mentions::Matcher;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (names_line, body) = text.split_once('\n').unwrap_or(("Hamas|Hezbollah", text));
    let names: Vec<&str> = names_line.split('|').take(16).collect();
    let ids: Vec<String> = (0..names.len()).map(|i| format!("actor-{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let index: HashMap<&str, ActorIx> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, ActorIx::new(i)))
        .collect();
    let sources: HashMap<&str, usize> = [("other-article", 0)].into_iter().collect();
    let matcher = Matcher::new(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (ActorIx::new(i), *n)),
    );
    let unloaded = BTreeSet::new();
    let linker = Linker {
        matcher: Some(&matcher),
        index: &index,
        ids: &ids,
        names: &names,
        unloaded: &unloaded,
        href_prefix: "../actors/",
        sources: &sources,
    };
    let rendered = render(body, &linker, true);
    for m in &rendered.mentions {
        assert!(m.paragraph <= rendered.paragraphs, "paragraph out of range");
        assert!(m.actor.get() < names.len());
    }
    for p in &rendered.problems {
        assert!(p.offset <= body.len(), "problem offset outside the text");
    }
    assert!(
        !rendered.html.to_ascii_lowercase().contains("<script"),
        "raw HTML passed through:\n{}",
        rendered.html
    );
    let (title, _) = render_plain(names_line, &linker);
    assert!(!title.contains('<') || title.contains("<a class=\"mention\""));
    let description = render(body, &Linker { matcher: None, ..linker }, false);
    assert_eq!(description.paragraphs, 0);
});
