//! The shipped knowledge base in `content/`: it checks, builds, and its articles link
//! the actors they name. Also the HTML readers and site-wide checks `build.rs` shares.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::support::*;
use html::{actor_of, between, mention_links};

/// A site folder holding a copy of the repository's `content/`.
fn copy_of_content() -> TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_dir(&content, &site.path().join("content"));
    site
}

/// The knowledge base, built into a temporary `public/`.
fn knowledge_base() -> TempDir {
    let site = copy_of_content();
    assert_ok(&build(site.path(), &[]));
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    read(&site.path().join("public"), rel)
}

fn data(site: &TempDir, rel: &str) -> Vec<Value> {
    let json: Value = serde_json::from_str(&page(site, rel)).expect("JSON");
    json.as_array().expect("an array").clone()
}

/// `(anchor text, actor id)` of every mention on a page.
fn mentions(html: &str) -> Vec<(String, String)> {
    let pair = |(href, text): (String, String)| (text, actor_of(&href).to_string());
    mention_links(html).into_iter().map(pair).collect()
}

/// What one article of the knowledge base must and must not link.
struct Article {
    id: &'static str,
    /// `anchor text → actor id`, one a line: mentions the page must have.
    links: &'static str,
    /// Anchor texts that must never be a mention.
    not_linked: &'static [&'static str],
    /// Actors the title and body must not link (a tagged one still shows in the side list).
    not_actors: &'static [&'static str],
}

impl Article {
    /// Builds the knowledge base, checks the article's page and returns it.
    #[track_caller]
    fn check(&self) -> String {
        let html = page(&knowledge_base(), &format!("sources/{}.html", self.id));
        let found = mentions(&html);
        let links = self.links.lines().map(str::trim).filter(|l| !l.is_empty());
        assert!(links.clone().count() >= 5, "five actors at least");
        for line in links {
            let (text, actor) = line.split_once(" → ").expect("text → actor");
            let pair = (text.to_string(), actor.to_string());
            let id = self.id;
            assert!(found.contains(&pair), "{id}: no {line:?} in {found:?}");
        }
        for (text, actor) in &found {
            let wrong = self.not_linked.contains(&&text[..]);
            assert!(
                !wrong && !self.not_actors.contains(&&actor[..]),
                "{text} → {actor}"
            );
        }
        html
    }
}

#[test]
fn strategic_coordination_links_the_groups_and_people_it_names() {
    let html = Article {
        id: "hamas-and-hezbollah-strategic-coordination-in-the-face-of-conflict",
        links: "
            Hamas → hamas
            Hezbollah → hezbollah
            Abu Ubaida → abu-ubaida
            Izz ad-Din al-Qassam Brigades → qassam-brigades
            Ismail Haniyeh → ismail-haniyeh
            Loyalty to the Resistance → loyalty-to-the-resistance-bloc
            axis of resistance → axis-of-resistance
            Ansar Allah → houthis
            Hussein Amir Abdullahian → hossein-amir-abdollahian
            Antony Blinken → antony-blinken
            US → united-states
            Israeli entity → israel
            Iraqi resistance → islamic-resistance-in-iraq
            the resistance in Lebanon → hezbollah
            the party → hezbollah",
        not_linked: &["Iranian", "Israeli", "Hezbollah's", "Southern Front"],
        not_actors: &["iran"],
    }
    .check();
    let aside = between(&html, "<h2>Actors mentioned</h2>", "</ul>");
    let tagged =
        r#"<a href="../actors/iran.html">Iran</a> <span class="count" title="mentions">0<"#;
    assert!(
        aside.contains(tagged),
        "tagged in the front matter: {aside}"
    );
}

#[test]
fn hamas_says_it_coordinates_links_leaders_states_and_a_possessive() {
    Article {
        id: "hamas-says-it-coordinates-closely-with-hezbollah",
        links: "
            Iran → iran
            Hamas → hamas
            Hezbollah → hezbollah
            Lebanon → lebanon
            Israel → israel
            Benjamin Netanyahu → benjamin-netanyahu
            Israeli military → israel-defense-forces
            Richard Hecht → richard-hecht
            U.S. → united-states
            Antony Blinken → antony-blinken
            Joe Biden → joe-biden",
        not_linked: &[
            "Israeli",
            "Benjamin Netanyahu’s",
            "Iran-backed",
            "Israeli military spokesman",
        ],
        not_actors: &[],
    }
    .check();
}

#[test]
fn iran_backed_militias_links_each_militia_by_its_longest_name() {
    let html = Article {
        id: "iran-backed-militias-said-to-be-ready-to-join-hezbollah",
        links: "
            Hezbollah Brigades in Iraq → kataib-hezbollah
            Al-Anjaba’ Movement → harakat-al-nujaba
            Katayib Sayyid al-Shuhda’a → kataib-sayyid-al-shuhada
            Al-Hashd al-Shaabi → popular-mobilization-forces
            Al-Fatemyoun → fatemiyoun
            Al-Zayinbiyoun → zainabiyoun
            Kiumareth Heidari → kioumars-heydari
            Iranian army → islamic-republic-of-iran-army
            Iranian Revolutionary Guards → islamic-revolutionary-guard-corps
            Yoav Galant → yoav-gallant
            IDF → israel-defense-forces
            Houthi → houthis
            Hezbollah → hezbollah",
        not_linked: &["Iranian", "Israeli", "Iraqi", "Hezbollah Brigades"],
        not_actors: &[],
    }
    .check();
    let phrase = r#"“<a class="mention" href="../actors/kataib-hezbollah.html">Hezbollah Brigades"#;
    let phrase = format!("{phrase} in Iraq</a>,”");
    assert!(html.contains(&phrase), "one mention, not one of Hezbollah");
}

#[test]
fn supreme_leader_meets_hamas_head_links_the_title_and_the_allies() {
    let html = Article {
        id: "irans-supreme-leader-meets-hamas-head-iran-hamas-alliance-tested-in-current-conflict",
        links: "
            Iran → iran
            Ayatollah Ali Khamenei → ali-khamenei
            Khamenei → ali-khamenei
            Ismail Haniyeh → ismail-haniyeh
            Hamas → hamas
            Hezbollah → hezbollah
            Syria → syria
            Yemen → yemen
            United States → united-states
            U.S. → united-states
            Axis of Resistance → axis-of-resistance
            axis militias → axis-of-resistance",
        not_linked: &["Iranian", "Israeli", "Supreme Leader", "Ali Khamenei"],
        not_actors: &[],
    }
    .check();
    let title = mentions(between(&html, "<h1>", "</h1>"));
    let title: Vec<&str> = title.iter().map(|(_, actor)| &actor[..]).collect();
    assert_eq!(title, ["iran", "hamas", "iran", "hamas"]);
}

#[test]
fn nasrallah_hosts_links_every_leader_and_the_full_name_of_islamic_jihad() {
    Article {
        id: "nasrallah-hosts-hamas-and-pij-leaders-in-lebanon",
        links: "
            Hassan Nasrallah → hassan-nasrallah
            Nasrallah → hassan-nasrallah
            Saleh al-Arouri → saleh-al-arouri
            Arouri → saleh-al-arouri
            Ziyad al-Nakhalah → ziyad-al-nakhalah
            Nakhalah → ziyad-al-nakhalah
            Palestinian Islamic Jihad → palestinian-islamic-jihad
            PIJ → palestinian-islamic-jihad
            Axis of Resistance → axis-of-resistance
            Houthis → houthis
            Saudi Arabia → saudi-arabia
            US → united-states",
        not_linked: &["Islamic Jihad", "Israelis", "Israeli", "Iran-backed"],
        not_actors: &[],
    }
    .check();
}

#[test]
fn adjectives_and_parts_of_words_are_never_linked() {
    let kb = knowledge_base();
    let adjectives = ["Iranian", "Israeli", "Israelis", "Iraqi", "Lebanese"];
    for (rel, html) in site::pages(&kb.path().join("public"), &[".html"]) {
        if !rel.starts_with("sources/") {
            continue;
        }
        for (text, actor) in mentions(&html) {
            assert!(!adjectives.contains(&&text[..]), "{rel}: {text} → {actor}");
        }
        for (at, _) in html.match_indices("<a class=\"mention\"") {
            let before = html[..at].chars().next_back().unwrap();
            let (_, rest) = html[at..].split_once("</a>").unwrap();
            let after = rest.chars().next().unwrap();
            let inside_a_word = before.is_alphanumeric() || after.is_alphanumeric();
            assert!(!inside_a_word, "{rel}: {}", &html[at - 20..at + 80]);
        }
    }
}

#[test]
fn check_reports_no_errors_on_the_knowledge_base() {
    let site = copy_of_content();
    let o = check(site.path());
    assert_ok(&o);
    assert!(!stderr(&o).contains("error"), "{}", stderr(&o));
}

#[test]
fn every_actor_is_mentioned_or_cites_sources_for_its_profile() {
    let site = knowledge_base();
    for actor in data(&site, "data/actors.json") {
        let id = actor["id"].as_str().unwrap();
        let mut mentions = actor["mentions"].as_array().unwrap().iter();
        let mentioned = mentions.any(|m| m["count"] != 0);
        let profile = page(&site, &format!("actors/{id}.html"));
        let cited = profile.contains("<section class=\"profile-sources\">");
        assert!(mentioned || cited, "{id}: no mention, no profile sources");
    }
}

/// The collected articles: the sources with a body (the others are citation-only).
const COLLECTED: [&str; 5] = [
    "hamas-and-hezbollah-strategic-coordination-in-the-face-of-conflict",
    "hamas-says-it-coordinates-closely-with-hezbollah",
    "iran-backed-militias-said-to-be-ready-to-join-hezbollah",
    "irans-supreme-leader-meets-hamas-head-iran-hamas-alliance-tested-in-current-conflict",
    "nasrallah-hosts-hamas-and-pij-leaders-in-lebanon",
];

/// `(id, text)` of every file of a folder of the knowledge base (`articles`,
/// `actors`), by id.
fn content_files(folder: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .join(folder);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("content folder") {
        let path = entry.expect("entry").path();
        let id = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        files.push((id, std::fs::read_to_string(&path).expect("read")));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// `(id, front matter, body)` of every source file of the knowledge base, by id.
fn source_files() -> Vec<(String, Value, String)> {
    content_files("articles")
        .into_iter()
        .map(|(id, text)| {
            let rest = text.strip_prefix("---\n").expect("front matter");
            let (front, body) = rest.split_once("\n---\n").expect("closed front matter");
            let front: Value = serde_saphyr::from_str(front).expect("valid front matter");
            (id, front, body.to_string())
        })
        .collect()
}

/// `(id, profile)` of every actor profile, by id.
fn profiles() -> Vec<(String, Value)> {
    content_files("actors")
        .into_iter()
        .map(|(id, text)| (id, serde_saphyr::from_str(&text).expect("valid profile")))
        .collect()
}

/// Ids of the citation-only sources: front matter and an empty body.
fn citation_only() -> Vec<String> {
    let files = source_files().into_iter();
    let empty = files.filter(|(_, _, body)| body.trim().is_empty());
    empty.map(|(id, _, _)| id).collect()
}

#[test]
fn every_source_mentions_at_least_one_actor() {
    let site = knowledge_base();
    let sources = data(&site, "data/sources.json");
    let cited = citation_only();
    assert_eq!(sources.len(), COLLECTED.len() + cited.len());
    for source in sources {
        let id = source["id"].as_str().unwrap();
        let actors = source["actors"].as_object().unwrap();
        if COLLECTED.contains(&id) {
            assert!(actors.values().any(|c| c != 0), "{id} mentions no actor");
        } else {
            assert!(
                cited.iter().any(|c| c == id),
                "{id} has a body: not a collected article"
            );
            assert!(!actors.is_empty(), "{id} concerns no actor");
        }
    }
}

#[test]
fn every_citation_only_source_has_title_outlet_date_url_summary_and_actors() {
    let files = source_files();
    let cited = citation_only();
    assert!(cited.len() >= 20, "the profiles' outside facts are cited");
    for (id, front, _) in files.iter().filter(|(id, ..)| cited.contains(id)) {
        for key in ["title", "outlet", "summary"] {
            let text = front[key].as_str().unwrap_or_default();
            assert!(!text.trim().is_empty(), "{id}: no {key}");
        }
        let date = &front["date"];
        assert!(
            !date.is_null() && date.to_string().len() >= 4,
            "{id}: no date"
        );
        let url = front["url"].as_str().unwrap_or_default();
        assert!(
            url.starts_with("https://") || url.starts_with("http://"),
            "{id}: url {url:?}"
        );
        let actors = front["actors"].as_array().map_or(0, Vec::len);
        assert!(actors > 0, "{id}: no actors tagged");
    }
    let outlets = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/outlets");
    for (id, front, _) in &files {
        if let Some(outlet) = front["outlet"].as_str() {
            let file = outlets.join(format!("{outlet}.yaml"));
            assert!(file.is_file(), "{id}: unknown outlet {outlet}");
        }
    }
}

#[test]
fn collected_articles_whose_original_is_known_give_outlet_date_and_url() {
    let site = knowledge_base();
    let sources = data(&site, "data/sources.json");
    let known = [
        (
            "hamas-and-hezbollah-strategic-coordination-in-the-face-of-conflict",
            "lbci",
        ),
        (
            "iran-backed-militias-said-to-be-ready-to-join-hezbollah",
            "arabexpert",
        ),
    ];
    for (id, outlet) in known {
        let source = sources.iter().find(|s| s["id"] == id).expect("exported");
        assert_eq!(source["outlet"], outlet, "{id}");
        assert!(
            source["date"].as_str().is_some_and(|d| d.len() == 10),
            "{id}"
        );
        let url = source["url"].as_str().unwrap_or_default();
        assert!(url.starts_with("http"), "{id}: {url:?}");
    }
    let dated = sources
        .iter()
        .find(|s| s["id"] == COLLECTED[4])
        .expect("exported");
    assert_eq!(dated["date"], "2023-11-10", "the text's own date line");
}

#[test]
fn every_profile_was_reviewed_on_a_full_date() {
    let all = profiles();
    assert!(all.len() >= 39);
    for (id, profile) in all {
        let reviewed = profile["reviewed"].as_str().unwrap_or_default();
        let digits = |r: std::ops::Range<usize>| reviewed[r].bytes().all(|b| b.is_ascii_digit());
        let full = reviewed.len() == 10 && digits(0..4) && digits(5..7) && digits(8..10);
        assert!(full, "{id}: reviewed {reviewed:?} is not YYYY-MM-DD");
    }
}

#[test]
fn every_relation_cites_articles_that_name_both_ends_or_a_citation() {
    let site = knowledge_base();
    let actors = data(&site, "data/actors.json");
    let mentioned_in = |id: &str| -> Vec<String> {
        let actor = actors.iter().find(|a| a["id"] == id).expect("known actor");
        let mentions = actor["mentions"].as_array().unwrap().iter();
        let named = mentions.filter(|m| m["count"] != 0);
        named
            .map(|m| m["source"].as_str().unwrap().to_string())
            .collect()
    };
    let cited = citation_only();
    let mut checked = 0;
    for actor in &actors {
        let id = actor["id"].as_str().unwrap();
        for relation in actor["relations"].as_array().unwrap() {
            if relation["declared"] != true {
                continue;
            }
            let target = relation["target"].as_str().unwrap();
            let sources = relation["sources"].as_array().unwrap();
            assert!(!sources.is_empty(), "{id} → {target}: no sources");
            for source in sources.iter().map(|s| s.as_str().unwrap().to_string()) {
                let names_both =
                    mentioned_in(id).contains(&source) && mentioned_in(target).contains(&source);
                let ok = names_both || cited.contains(&source);
                assert!(
                    ok,
                    "{id} {} {target}: {source} names only one end",
                    relation["type"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn the_dead_and_the_dissolved_hold_no_current_relation() {
    let site = knowledge_base();
    let actors = data(&site, "data/actors.json");
    let mut ended = 0;
    for (id, profile) in profiles() {
        if profile["died"].is_null() && profile["dissolved"].is_null() {
            continue;
        }
        ended += 1;
        let actor = actors
            .iter()
            .find(|a| a["id"] == id.as_str())
            .expect("exported");
        for relation in actor["relations"].as_array().unwrap() {
            let current = relation["declared"] == true && relation["until"].is_null();
            assert!(
                !current,
                "{id}: {} {} has no `until`",
                relation["type"], relation["target"]
            );
        }
    }
    assert!(ended >= 6, "{ended}");
}

#[test]
fn check_deny_warnings_is_clean_on_the_knowledge_base() {
    let site = copy_of_content();
    let o = crate::support::dossier()
        .current_dir(site.path())
        .args(["check", "--deny-warnings"])
        .output()
        .expect("run dossier");
    assert_ok(&o);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn the_knowledge_base_is_self_contained_and_escapes_what_it_shows() {
    let kb = knowledge_base();
    let out = kb.path().join("public");
    assert!(site::links_resolve(&out) > 1000);
    site::nothing_remote(&out, None);
    site::no_markup_from_text(&out);
}

/// Readers for the HTML the tool writes (shared with `build.rs`).
pub(crate) mod html {
    /// An opening tag: its name, attributes (values decoded) and byte span in the page.
    pub struct Tag {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub start: usize,
        pub end: usize,
    }

    impl Tag {
        pub fn attr(&self, name: &str) -> Option<&str> {
            let found = self.attrs.iter().find(|(n, _)| n == name);
            found.map(|(_, v)| v.as_str())
        }
    }

    const SPACE: [char; 5] = [' ', '\n', '\t', '\r', '/'];

    /// Every opening tag, in order. Attribute values may be double-, single- or unquoted.
    pub fn tags(html: &str) -> Vec<Tag> {
        let mut tags = Vec::new();
        let mut at = 0;
        while let Some(found) = html[at..].find('<') {
            let start = at + found;
            at = start + 1;
            if !html[at..].starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let (mut attrs, mut name) = (Vec::new(), None);
            loop {
                at = html.len() - html[at..].trim_start_matches(SPACE).len();
                if at >= html.len() || html[at..].starts_with('>') {
                    break;
                }
                let len = html[at..].find(|c| SPACE.contains(&c) || c == '>' || c == '=');
                let len = len.unwrap_or(0).max(1);
                let word = html[at..at + len].to_ascii_lowercase();
                at += len;
                if name.is_none() {
                    name = Some(word);
                    continue;
                }
                let mut value = String::new();
                if html[at..].starts_with('=') {
                    at += 1;
                    let quote = html[at..].chars().next().filter(|&c| c == '"' || c == '\'');
                    at += quote.map_or(0, char::len_utf8);
                    let end = match quote {
                        Some(q) => html[at..].find(q),
                        None => html[at..].find(|c: char| c.is_whitespace() || c == '>'),
                    };
                    let end = at + end.unwrap_or(html.len() - at);
                    value = decode(&html[at..end]);
                    at = end + quote.map_or(0, char::len_utf8);
                }
                attrs.push((word, value));
            }
            let name = name.unwrap_or_default();
            let end = (at + 1).min(html.len());
            tags.push(Tag {
                name,
                attrs,
                start,
                end,
            });
        }
        tags
    }

    /// Decodes the character references the tool writes.
    pub fn decode(text: &str) -> String {
        let refs = [
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&#39;", "'"),
        ];
        let refs = refs
            .iter()
            .chain(&[("&#x27;", "'"), ("&#x2F;", "/"), ("&amp;", "&")]);
        refs.fold(text.to_string(), |t, (from, to)| t.replace(from, to))
    }

    /// The text of an HTML fragment: tags dropped, references decoded, whitespace runs as one space.
    pub fn text(html: &str) -> String {
        let mut plain = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            plain.push_str(&rest[..at]);
            rest = &rest[at..];
            rest = &rest[rest.find('>').map_or(rest.len(), |e| e + 1)..];
        }
        plain.push_str(rest);
        let words: Vec<String> = decode(&plain)
            .split_whitespace()
            .map(String::from)
            .collect();
        words.join(" ")
    }

    /// The part of `html` after the first `start` and before the next `end`.
    #[track_caller]
    pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
        let s = html
            .find(start)
            .unwrap_or_else(|| panic!("no {start:?} in {html}"));
        let s = s + start.len();
        let e = html[s..]
            .find(end)
            .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
        &html[s..s + e]
    }

    /// The inner HTML of the element with this id (elements of the same name may nest).
    #[track_caller]
    pub fn element_by_id<'a>(html: &'a str, id: &str) -> &'a str {
        let all = tags(html);
        let open = all.iter().find(|t| t.attr("id") == Some(id));
        let open = open.unwrap_or_else(|| panic!("no element with id {id:?}"));
        let close = format!("</{}>", open.name);
        let (mut depth, mut at) = (1, open.end);
        loop {
            let next = at + html[at..].find(&close).expect("element is closed");
            let inner = all.iter().filter(|t| t.name == open.name);
            depth = depth + inner.filter(|t| t.start >= at && t.start < next).count() - 1;
            if depth == 0 {
                return &html[open.end..next];
            }
            at = next + close.len();
        }
    }

    /// `(href, anchor text)` of every `class="mention"` link, in order.
    pub fn mention_links(html: &str) -> Vec<(String, String)> {
        let tags = tags(html).into_iter();
        let mentions = tags.filter(|t| t.name == "a" && t.attr("class") == Some("mention"));
        let pair = |t: Tag| {
            let inner = &html[t.end..t.end + html[t.end..].find("</a>").expect("closed")];
            (t.attr("href").unwrap_or_default().to_string(), text(inner))
        };
        mentions.map(pair).collect()
    }

    /// (actor id, paragraph) of every mention on a source page; the title is paragraph 0.
    pub fn page_mentions(html: &str) -> Vec<(String, u64)> {
        let title = mention_links(between(html, "<h1>", "</h1>"));
        let mut found: Vec<_> = title.iter().map(|(h, _)| (actor_of(h).into(), 0)).collect();
        let mut paragraph = 0;
        for t in tags(between(html, "<div class=\"body\">", "<aside>")) {
            if let Some(n) = t.attr("id").and_then(|id| id.strip_prefix("p-")) {
                paragraph = n.parse().expect("numbered anchor");
            }
            if t.name == "a" && t.attr("class") == Some("mention") {
                found.push((actor_of(t.attr("href").unwrap()).into(), paragraph));
            }
        }
        found
    }

    /// "actor count" lines of a source page's "Actors mentioned" list.
    pub fn listed_actors(html: &str) -> String {
        let list = between(html, "<h2>Actors mentioned</h2>", "</ul>").split("<li>");
        let item = |li: &str| {
            let count = between(li, "title=\"mentions\">", "<");
            format!("{} {count}\n", between(li, "../actors/", ".html"))
        };
        list.skip(1).map(item).collect()
    }

    /// The actor id of a link to an actor page (`../actors/hamas.html` or `hamas.html`).
    pub fn actor_of(href: &str) -> &str {
        let file = href.rsplit('/').next().unwrap_or(href);
        file.strip_suffix(".html").unwrap_or(file)
    }
}

/// Reading a built output folder, and the checks every built site must pass (shared with `build.rs`).
pub(crate) mod site {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::html::tags;

    /// Every file under `dir`, by path relative to it with `/`.
    pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.expect("walk"))
        {
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy();
                let bytes = std::fs::read(e.path()).expect("read");
                files.insert(rel.replace('\\', "/"), bytes);
            }
        }
        files
    }

    /// The files under `out` whose name ends with one of `ends`, as text.
    pub fn pages(out: &Path, ends: &[&str]) -> Vec<(String, String)> {
        let files = files(out).into_iter();
        let wanted = files.filter(|(rel, _)| ends.iter().any(|e| rel.ends_with(e)));
        let text = |(rel, bytes)| (rel, String::from_utf8(bytes).expect("UTF-8"));
        wanted.map(text).collect()
    }

    /// Every relative `href`/`src` resolves to a file, and every `#fragment` to an id in it;
    /// none is root-relative. Returns how many links were followed.
    #[track_caller]
    pub fn links_resolve(out: &Path) -> usize {
        let mut followed = 0;
        for (rel, html) in pages(out, &[".html"]) {
            let all = tags(&html);
            for url in all
                .iter()
                .flat_map(|t| [t.attr("href"), t.attr("src")])
                .flatten()
            {
                assert!(!url.starts_with('/'), "{rel}: root-relative {url}");
                let absolute = ["http://", "https://", "mailto:"];
                if absolute.iter().any(|s| url.starts_with(s)) {
                    continue;
                }
                let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
                let target = out.join(&rel).parent().expect("folder").join(path);
                let target = if path.is_empty() {
                    out.join(&rel)
                } else {
                    target
                };
                assert!(target.is_file(), "{rel}: {url} is not a file");
                if !fragment.is_empty() {
                    let target = std::fs::read_to_string(&target).expect("read");
                    let found = tags(&target).iter().any(|t| t.attr("id") == Some(fragment));
                    assert!(found, "{rel}: {url}: no id {fragment:?}");
                }
                followed += 1;
            }
        }
        followed
    }

    /// No page loads anything from the network: no remote `src`, stylesheet or icon, and no
    /// `url(http` or `@import` in CSS. `own` is the site's own URL, which 404.html may link
    /// from: a host serves that page at any depth.
    #[track_caller]
    pub fn nothing_remote(out: &Path, own: Option<&str>) {
        let remote = |u: &str| ["http:", "https:", "//"].iter().any(|s| u.starts_with(s));
        for (rel, html) in pages(out, &[".html"]) {
            for t in tags(&html) {
                let src = t.attr("src").unwrap_or_default().to_ascii_lowercase();
                assert!(!remote(&src), "{rel}: <{} src={src}>", t.name);
                let kind = t.attr("rel").unwrap_or_default();
                let loads = ["stylesheet", "icon", "preload"]
                    .iter()
                    .any(|r| kind.contains(r));
                let href = t.attr("href").unwrap_or_default().to_ascii_lowercase();
                let own = own.is_some_and(|o| rel == "404.html" && href.starts_with(o));
                let fetched = t.name == "link" && loads && remote(&href);
                assert!(!fetched || own, "{rel}: {href}");
            }
        }
        for (rel, css) in pages(out, &[".css"]) {
            assert!(
                !css.contains("url(http") && !css.contains("@import"),
                "{rel}"
            );
        }
    }

    /// No page or feed has a `<script`, an `on…=` event handler, or a `javascript:`,
    /// `data:` or `vbscript:` link: untrusted text only ever reaches them escaped.
    #[track_caller]
    pub fn no_markup_from_text(out: &Path) {
        let schemes = ["javascript:", "data:", "vbscript:"];
        for (rel, page) in pages(out, &[".html", ".xml"]) {
            // The only scripts are the tool's own search files, loaded by `search.html`.
            let scripts = page.to_ascii_lowercase().matches("<script").count();
            let own = tags(&page)
                .iter()
                .filter(|t| t.name == "script")
                .filter(|t| {
                    let [(name, src)] = t.attrs.as_slice() else {
                        return false;
                    };
                    let known = ["assets/search.js"];
                    let manifest = rel == "search.html" && src == "assets/search/m.js";
                    let filter = rel == "actors.html" && src == "assets/filter.js";
                    name == "src"
                        && (known.contains(&src.as_str()) || filter || manifest)
                        && page[t.end..].starts_with("</script>")
                })
                .count();
            assert_eq!(scripts, own, "{rel}: a script that is not the tool's own");
            assert!(
                own == 0 || rel == "search.html" || rel == "actors.html",
                "{rel}"
            );
            for t in tags(&page) {
                for (name, value) in &t.attrs {
                    assert!(!name.starts_with("on"), "{rel}: <{} {name}>", t.name);
                    let url: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    let bad = schemes
                        .iter()
                        .any(|s| url.to_ascii_lowercase().starts_with(s));
                    let link = name == "href" || name == "src";
                    assert!(!(bad && link), "{rel}: {name}={value}");
                }
            }
        }
    }
}

/// Hezbollah's page opens with a box that says who leads it and since when, the past
/// leader after, and a timeline drawn over the months of its mentions only.
#[test]
fn hezbollahs_box_names_its_present_leader_first_and_its_timeline_starts_with_the_war() {
    let site = knowledge_base();
    let html = page(&site, "actors/hezbollah.html");
    let infobox = between(&html, "class=\"infobox\"", "</section>");
    let now = infobox
        .find("naim-qassem.html\">Naim Qassem</a> <span class=\"meta\">since 29 October 2024")
        .unwrap_or_else(|| panic!("the present leader and since when:\n{infobox}"));
    let past = infobox
        .find("hassan-nasrallah.html")
        .expect("the past leader");
    assert!(now < past, "{infobox}");
    let chart = between(&html, "<svg class=\"timeline-chart\"", "</svg>");
    assert!(!chart.contains("1997"), "{chart}");
    assert!(chart.contains(">2023</text>"), "{chart}");
}
