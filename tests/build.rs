//! Fixture sites built end to end.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::content::html::{actor_of, between, element_by_id, listed_actors, mention_links};
use crate::content::html::{page_mentions, tags, text};
use crate::content::site::{self, files};
use crate::support::*;

/// The fixture, copied to a temporary folder and built into its `public/`.
fn built() -> TempDir {
    let site = copy_fixture("site-basic");
    assert_ok(&build(site.path(), &[]));
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    read(&site.path().join("public"), rel)
}

fn data(site: &TempDir, rel: &str) -> Value {
    serde_json::from_str(&page(site, rel)).expect("JSON")
}

/// The entry of a JSON array whose `key` is `value`.
fn entry<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    let mut list = list.as_array().expect("an array").iter();
    list.find(|e| e[key] == value).expect("an entry")
}

fn array(value: &Value) -> &Vec<Value> {
    value.as_array().expect("an array")
}

/// Asserts that `html` contains each non-empty line of `needles` (trimmed).
#[track_caller]
fn has(html: &str, needles: &str) {
    for needle in needles.lines().map(str::trim).filter(|n| !n.is_empty()) {
        assert!(html.contains(needle), "lacks {needle:?}:\n{html}");
    }
}

/// The built files whose name ends with one of `ends`, as text.
fn pages(site: &TempDir, ends: &[&str]) -> Vec<(String, String)> {
    site::pages(&site.path().join("public"), ends)
}

fn section<'a>(html: &'a str, class: &str) -> &'a str {
    between(html, &format!("<section class=\"{class}\">"), "</section>")
}

/// One relation group of an actor page, from its heading to the end of its list.
fn group(site: &TempDir, actor: &str, kind: &str) -> String {
    let html = page(site, &format!("actors/{actor}.html"));
    let heading = format!("<h3 id=\"rel-{kind}\">");
    between(section(&html, "relations"), &heading, "</ul>").to_string()
}

/// The ids in links `{prefix}<id>.html`, in page order.
fn linked_ids<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    let links = html.split(prefix).skip(1);
    links
        .map(|s| &s[..s.find(".html").expect("a link")])
        .collect()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn entries(dir: &Path) -> Vec<std::ffi::OsString> {
    let entries = std::fs::read_dir(dir).expect("read dir");
    entries.map(|e| e.expect("entry").file_name()).collect()
}

/// Trims each line of an indented literal.
fn lines(text: &str) -> String {
    let lines = text.trim().lines().map(|l| format!("{}\n", l.trim()));
    lines.collect()
}

#[test]
fn builds_every_page_the_spec_lists_for_the_content_present() {
    let site = built();
    let files = files(&site.path().join("public"));
    let expected = "index.html actors.html sources.html 404.html sitemap.xml feed.xml
        .nojekyll data/actors.json data/sources.json data/graph.json assets/style.css
        outlets/harbor-times.html actors/amir-rostam.html actors/eastern-brigades.html
        actors/kestan.html actors/lena-vogt.html actors/northern-front.html
        actors/valoria.html sources/background.html sources/front-offensive.html
        sources/hostile.html sources/talks-in-valoria.html";
    for rel in expected.split_whitespace() {
        assert!(files.contains_key(rel), "no {rel} in {:?}", files.keys());
    }
    assert!(!files["assets/style.css"].is_empty());
    let index = page(&site, "index.html");
    has(&index, "6</strong> actors\n4</strong> sources");
    let list = page(&site, "sources.html");
    let order = linked_ids(&list, "href=\"sources/");
    let newest_first = [
        "talks-in-valoria",
        "front-offensive",
        "hostile",
        "background",
    ];
    assert_eq!(order, newest_first, "undated last");
}

#[test]
fn actor_page_shows_name_kind_aliases_description_and_links() {
    let site = built();
    let want = r#"
        <h1>Northern Front Movement</h1>
        <span class="badge kind-organization">organization</span>
        <dt>Also known as</dt><dd>Northern Front · NFM</dd>
        <p class="lede">Armed movement active in the north of Valoria.</p>
        <dt>Founded</dt><dd>April 2015</dd>
        <dt>Country</dt><dd><a href="valoria.html">Valoria</a></dd>
        backed by <a class="mention" href="kestan.html">Kestan</a> and led by
        <a class="mention" href="amir-rostam.html">its founder</a>
    "#;
    has(&page(&site, "actors/northern-front.html"), want);
    let want = r#"
        <dd>Rostam · Commander Rostam</dd>
        <dt>Born</dt><dd>1971</dd>
        <a href="https://www.wikidata.org/wiki/Q4242" rel="noopener">Q4242</a>
        <a href="https://rostam.example.net" rel="noopener">
    "#;
    has(&page(&site, "actors/amir-rostam.html"), want);
}

#[test]
fn relations_are_grouped_with_their_sources_and_inverses_show_on_the_target() {
    let site = built();
    let want = r#"
        Led by</h3>
        <a href="amir-rostam.html">Amir Rostam</a>
        · inverse
        Sources: <a href="../sources/front-offensive.html">Northern Front opens
    "#;
    has(&group(&site, "northern-front", "led-by"), want);
    let want = r#"
        <a href="valoria.html">Valoria</a>
        · inverse
        Sources: <a href="../sources/talks-in-valoria.html">
    "#;
    has(&group(&site, "northern-front", "opposes"), want);
    let backed = group(&site, "northern-front", "backed-by");
    has(&backed, r#"Sources: <a href="../sources/background.html">"#);
    assert!(!backed.contains("inverse"), "declared here: {backed}");
    let leads = group(&site, "amir-rostam", "leader-of");
    assert!(leads.contains("northern-front.html") && !leads.contains("inverse"));
    let backs = group(&site, "kestan", "backs");
    has(&backs, "Backs</h3>\nnorthern-front.html\neastern-brigades");
    has(&group(&site, "valoria", "has-member"), "lena-vogt.html");
}

#[test]
fn a_symmetric_relation_declared_on_both_sides_is_shown_once_as_declared() {
    let site = built();
    let actors = ["northern-front", "eastern-brigades"];
    for (actor, other) in [(actors[0], actors[1]), (actors[1], actors[0])] {
        let allies = group(&site, actor, "ally-of");
        let links = allies.matches(&format!("href=\"{other}.html\"")).count();
        assert_eq!(links, 1, "{actor}: {allies}");
        assert!(!allies.contains("inverse"), "{actor}: {allies}");
        has(
            &allies,
            "sources/background.html\nsources/front-offensive.html",
        );
    }
}

#[test]
fn backlinks_are_newest_first_with_the_sentence_around_the_mention() {
    let site = built();
    let nf = page(&site, "actors/northern-front.html");
    let order = linked_ids(section(&nf, "backlinks"), "<h3><a href=\"../sources/");
    assert_eq!(order, ["talks-in-valoria", "front-offensive", "background"]);
    let want = r#"
        Mentioned in 3 sources
        <a href="../sources/front-offensive.html#p-2">Fighters of the <mark>Northern Front</mark> crossed the river on Monday.</a>
    "#;
    has(&nf, want);
    let offensive = page(&site, "sources/front-offensive.html");
    let p2 = text(element_by_id(&offensive, "p-2"));
    let sentence = "Fighters of the Northern Front crossed the river on Monday.";
    assert!(p2.contains(sentence), "{p2}");
    let want = r#"
        #p-3">The commander, <mark>Amir Rostam</mark>, said the offensive would continue.</a>
        #p-3"><mark>Rostam</mark>’s deputies agreed with him.</a>
    "#;
    has(&page(&site, "actors/amir-rostam.html"), want);
    let kestan = page(&site, "actors/kestan.html");
    let tagged = between(&kestan, "../sources/talks-in-valoria.html", "</article>");
    has(tagged, "0 mentions\nTagged in the source's front matter.");
}

#[test]
fn every_backlink_lands_on_the_paragraph_that_holds_its_sentence() {
    let site = built();
    let mut checked = 0;
    for (rel, html) in pages(&site, &[".html"]) {
        if !rel.starts_with("actors/") {
            continue;
        }
        for quote in section(&html, "backlinks").split("<blockquote>").skip(1) {
            let quote = between(quote, "", "</blockquote>");
            let href = between(quote, "<a href=\"", "\"");
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let source = page(&site, file.trim_start_matches("../"));
            let holder = match fragment {
                "" => between(&source, "<h1>", "</h1>"),
                id => element_by_id(&source, id),
            };
            let holder = squash(&text(holder));
            let mark = squash(&text(between(quote, "<mark>", "</mark>")));
            // Table cells are set apart by " | " in a context; the page has them in cells.
            let context = text(quote).replace(" | ", " ");
            for piece in context.split('…').map(squash).chain([mark]) {
                assert!(holder.contains(&piece), "{rel}: {href} lacks {piece:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} passages");
}

#[test]
fn backlink_context_from_a_table_keeps_cells_apart() {
    let site = built();
    let nf = page(&site, "actors/northern-front.html");
    let quote = text(between(&nf, "front-offensive.html#p-6\">", "</a>"));
    // The row of the mention, its cells apart; not the header row, not the next row.
    assert_eq!(quote, "Northern Front | Amir Rostam");
}

#[test]
fn actor_page_lists_co_mentions_and_the_highlighted_profile_with_an_edit_link() {
    let site = built();
    let nf = page(&site, "actors/northern-front.html");
    let co = section(&nf, "co-mentions");
    let rostam = r#"<a href="amir-rostam.html">Amir Rostam</a> <span class="count" "#;
    has(co, &format!("{rostam}title=\"shared sources\">3</span>"));
    assert!(!co.contains("northern-front.html"), "not alongside itself");
    let yaml = between(
        &nf,
        "<pre class=\"code\" tabindex=\"0\"><code>",
        "</code></pre>",
    );
    assert!(yaml.contains("class=\"hl-"), "highlighted");
    let original = read(site.path(), "content/actors/northern-front.yaml");
    assert_eq!(squash(&text(yaml)), squash(&original), "all of it, escaped");
    let edit = "https://github.com/example/kb/edit/main/content/actors/northern-front.yaml";
    let link = format!("<a href=\"{edit}\" rel=\"noopener\">Edit this profile");
    has(&nf, &link);
}

#[test]
fn source_page_links_each_mention_to_the_right_actor() {
    let site = built();
    let html = page(&site, "sources/front-offensive.html");
    let body = between(&html, "<div class=\"body\">", "<p id=\"p-9\">");
    let found = mention_links(body).into_iter();
    let found: String = found
        .map(|(h, t)| format!("{t} → {}\n", actor_of(&h)))
        .collect();
    let expected = "
        Northern Front → northern-front
        Kestan → kestan
        Amir Rostam → amir-rostam
        Rostam → amir-rostam
        Kestan → kestan
        Northern Front Brigades in the East → eastern-brigades
        Kata’ib al-Sharq → eastern-brigades
        Northern Front → northern-front
        Amir Rostam → amir-rostam
        Eastern Brigades → eastern-brigades
        Valoria → valoria
        Lena Vogt → lena-vogt";
    assert_eq!(found, lines(expected));
    let want = r#"
        <h1><a class="mention" href="../actors/northern-front.html">Northern Front</a> opens
        <p id="p-4">Kestani officials declined
        <a class="mention" href="../actors/amir-rostam.html">Amir
    "#;
    has(&html, want);
    let want = r#"
        <a class="mention" href="../actors/valoria.html">The republic</a>
        <a class="mention" href="../actors/eastern-brigades.html">Kata'ib al-Sharq</a>
    "#;
    has(&page(&site, "sources/background.html"), want);
}

#[test]
fn names_in_code_and_in_links_are_not_mentions() {
    let site = built();
    let html = page(&site, "sources/front-offensive.html");
    let p9 = element_by_id(&html, "p-9");
    let want = r#"
        <code>Northern Front</code>
        <a href="https://example.org">Amir Rostam</a>
    "#;
    has(p9, want);
    for (_, text) in mention_links(p9) {
        assert!(text != "Northern Front" && text != "Amir Rostam", "{p9}");
    }
}

#[test]
fn names_inside_inline_raw_html_are_not_mentions() {
    let site = built();
    let html = page(&site, "sources/front-offensive.html");
    let p9 = element_by_id(&html, "p-9");
    has(p9, "&lt;b&gt;Lena Vogt&lt;/b&gt;");
    assert!(mention_links(p9).is_empty(), "{p9}");
    let actors = data(&site, "data/actors.json");
    let vogt = &entry(&actors, "id", "lena-vogt")["mentions"];
    let offensive = entry(vogt, "source", "front-offensive");
    assert_eq!(offensive["paragraphs"], json!([8]));
}

#[test]
fn source_page_numbers_every_block_from_p_1() {
    let site = built();
    let html = page(&site, "sources/front-offensive.html");
    let body = tags(between(&html, "<div class=\"body\">", "<aside>"));
    let ids: Vec<&str> = body.iter().filter_map(|t| t.attr("id")).collect();
    assert_eq!(ids.join(" "), "p-1 p-2 p-3 p-4 p-5 p-6 p-7 p-8 p-9");
    let blocks = r#"<h1 id="p-1">
        <div class="table" id="p-6">
        <li id="p-8">"#;
    has(&html, blocks);
}

#[test]
fn source_page_lists_the_actors_it_mentions_with_counts() {
    let site = built();
    let talks = listed_actors(&page(&site, "sources/talks-in-valoria.html"));
    let expected = "lena-vogt 2\nnorthern-front 2\nvaloria 2\namir-rostam 1\nkestan 0\n";
    assert_eq!(talks, expected, "most mentioned first; a tag alone: 0");
    let sources = data(&site, "data/sources.json");
    for source in array(&sources) {
        let id = source["id"].as_str().unwrap();
        let listed = listed_actors(&page(&site, &format!("sources/{id}.html")));
        let mut listed: Vec<&str> = listed.lines().collect();
        listed.sort();
        let counts = source["actors"].as_object().unwrap().iter();
        let json: Vec<String> = counts.map(|(a, c)| format!("{a} {c}")).collect();
        assert_eq!(listed, json, "{id}");
    }
}

#[test]
fn source_page_lists_the_profiles_and_relations_citing_it() {
    let site = built();
    let html = page(&site, "sources/background.html");
    let cited = between(&html, "<h2>Cited as evidence</h2>", "</aside>");
    let profiles = between(cited, "By the profiles of", "</p>");
    has(profiles, "amir-rostam.html\nnorthern-front.html");
    let list = between(cited, "<ul class=\"cited-relations\">", "</ul>");
    let relations: String = list
        .split("<li>")
        .skip(1)
        .map(|li| text(li) + "\n")
        .collect();
    let expected = "
        Kata'ib al-Sharq ally-of Northern Front Movement
        Northern Front Movement backed-by Kestan";
    assert_eq!(relations, lines(expected));
}

/// The keys of a JSON object, sorted, space-separated.
fn keys(value: &Value) -> String {
    let mut keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    keys.sort();
    keys.into_iter().map(|k| format!("{k} ")).collect()
}

#[test]
fn actors_json_has_the_shape_the_spec_documents() {
    let site = built();
    let actors = data(&site, "data/actors.json");
    assert_eq!(array(&actors).len(), 6);
    for a in array(&actors) {
        assert_eq!(keys(a), "aliases id kind mentions name relations summary ");
        for m in array(&a["mentions"]) {
            assert_eq!(keys(m), "count paragraphs source ");
        }
        for r in array(&a["relations"]) {
            has(&keys(r), "declared \nsources target type ");
        }
    }
    let rostam = entry(&actors, "id", "amir-rostam");
    assert_eq!(rostam["name"], "Amir Rostam");
    assert_eq!(rostam["kind"], "person");
    assert_eq!(rostam["aliases"], json!(["Rostam", "Commander Rostam"]));
    let mention = entry(&rostam["mentions"], "source", "front-offensive");
    let expected = json!({"source": "front-offensive", "count": 3, "paragraphs": [3, 6]});
    assert_eq!(mention, &expected);
    let leads = json!({"type": "leader-of", "target": "northern-front", "declared": true,
        "since": "2015", "sources": ["front-offensive"]});
    assert_eq!(rostam["relations"], json!([leads]));
}

/// "actor type target declared" for every relation in `data/actors.json`.
fn json_relations(site: &TempDir) -> BTreeSet<String> {
    let mut edges = BTreeSet::new();
    for a in array(&data(site, "data/actors.json")) {
        for r in array(&a["relations"]) {
            let (kind, target) = (&r["type"], &r["target"]);
            edges.insert(format!("{} {kind} {target} {}", a["id"], r["declared"]));
        }
    }
    edges.iter().map(|e| e.replace('"', "")).collect()
}

#[test]
fn actors_json_lists_every_relation_on_both_ends_with_inverses_undeclared() {
    let site = built();
    let edges = json_relations(&site);
    let expected = "
        amir-rostam leader-of northern-front true
        northern-front led-by amir-rostam false
        kestan backs northern-front false
        kestan backs eastern-brigades false
        northern-front opposes valoria false
        valoria has-member lena-vogt false
        northern-front ally-of eastern-brigades true
        eastern-brigades ally-of northern-front true";
    for edge in lines(expected).lines() {
        assert!(edges.contains(edge), "no {edge:?} in {edges:?}");
    }
    let allies = edges
        .iter()
        .filter(|e| e.starts_with("northern-front ally"));
    assert_eq!(allies.count(), 1, "one edge per end, though written twice");
    let inverses = "leader-of led-by backed-by backs member-of has-member part-of has-part";
    let inverses: Vec<&str> = inverses.split(' ').collect();
    for edge in &edges {
        let [from, kind, to, _] = edge.split(' ').collect::<Vec<_>>()[..] else {
            panic!("{edge}")
        };
        let at = inverses.iter().position(|k| *k == kind);
        let inverse = at.map_or(kind, |i| inverses[i ^ 1]);
        let back = format!("{to} {inverse} {from} ");
        let found = edges.iter().any(|e| e.starts_with(&back));
        assert!(found, "no inverse of {edge}");
    }
}

#[test]
fn actors_json_counts_and_paragraphs_match_the_source_pages() {
    let site = built();
    let mut on_pages: BTreeMap<String, (u64, BTreeSet<u64>)> = BTreeMap::new();
    for (rel, html) in pages(&site, &[".html"]) {
        let Some(source) = rel.strip_prefix("sources/") else {
            continue;
        };
        for (actor, paragraph) in page_mentions(&html) {
            let key = format!("{actor} in {}", source.trim_end_matches(".html"));
            let entry = on_pages.entry(key).or_default();
            entry.0 += 1;
            entry.1.insert(paragraph);
        }
    }
    let mut in_data = BTreeMap::new();
    for a in array(&data(&site, "data/actors.json")) {
        for m in array(&a["mentions"]).iter().filter(|m| m["count"] != 0) {
            let key = format!("{} in {}", a["id"], m["source"]).replace('"', "");
            let paragraphs = serde_json::from_value(m["paragraphs"].clone());
            in_data.insert(key, (m["count"].as_u64().unwrap(), paragraphs.unwrap()));
        }
    }
    assert_eq!(in_data, on_pages);
}

#[test]
fn sources_and_graph_json_describe_sources_and_declared_edges() {
    let site = built();
    let sources = data(&site, "data/sources.json");
    let offensive = json!({"id": "front-offensive", "title": "Northern Front opens a new offensive",
        "date": "2024-03-02", "outlet": "harbor-times", "author": "Mira Sand",
        "url": "https://harbor-times.example.com/2024/03/offensive", "actors": null});
    let mut found = entry(&sources, "id", "front-offensive").clone();
    let actors = found["actors"].take();
    assert_eq!(found, offensive);
    assert_eq!([&actors["amir-rostam"], &actors["valoria"]], [3, 1]);
    let background = entry(&sources, "id", "background");
    assert!(background["date"].is_null() && background["outlet"].is_null());
    let graph = data(&site, "data/graph.json");
    assert_eq!(array(&graph["nodes"]).len(), 6);
    let edges = graph["edges"].to_string();
    assert_eq!(edges.matches("ally-of").count(), 1, "drawn once: {edges}");
    for inverse in ["led-by", "backs", "has-member"] {
        assert!(!edges.contains(inverse), "{edges}");
    }
    let leads = json!({"source": "amir-rostam", "target": "northern-front", "type": "leader-of"});
    assert!(array(&graph["edges"]).contains(&leads));
}

#[test]
fn front_page_counts_each_relation_once() {
    let site = built();
    let edges = array(&data(&site, "data/graph.json")["edges"]).len();
    let index = page(&site, "index.html");
    has(&index, &format!("<strong>{edges}</strong> relations"));
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = copy_fixture("site-basic");
    assert_ok(&build(site.path(), &["--output", "out1"]));
    let mut serial = dossier();
    serial
        .current_dir(site.path())
        .env("RAYON_NUM_THREADS", "1");
    let serial = serial.args(["build", "--output", "out2"]).output();
    assert_ok(&serial.expect("run dossier"));
    let one = files(&site.path().join("out1"));
    let two = files(&site.path().join("out2"));
    assert!(one.len() > 20);
    assert!(one.keys().eq(two.keys()), "the same files");
    for (rel, bytes) in &one {
        assert!(bytes == &two[rel], "{rel} differs between builds");
    }
}

#[test]
fn every_relative_link_resolves_to_a_file_and_every_fragment_to_an_id() {
    let site = built();
    assert!(site::links_resolve(&site.path().join("public")) > 200);
}

#[test]
fn nothing_is_loaded_from_the_network() {
    let site = built();
    site::nothing_remote(&site.path().join("public"), Some("https://example.org/kb/"));
    let image = r#"<a class="external-image" href="https://maps.example.com/north.png">"#;
    has(&page(&site, "sources/background.html"), image);
}

#[test]
fn untrusted_text_never_becomes_markup() {
    let site = built();
    site::no_markup_from_text(&site.path().join("public"));
    let want = r#"
        <h1>Report &lt;script&gt;alert(1)&lt;/script&gt; on <a
        <title>Report &lt;script&gt;alert(1)&lt;/script&gt; on Kestan
        Summary &lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;
        <code>&lt;script&gt;alert(1)&lt;/script&gt;
        &lt;img src=x onerror=alert(1)&gt;
        &lt;a href=
        &lt;div onclick=
    "#;
    has(&page(&site, "sources/hostile.html"), want);
    let summary = "east &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; allied";
    has(&page(&site, "actors/eastern-brigades.html"), summary);
    has(&page(&site, "actors.html"), summary);
    let feed = page(&site, "feed.xml");
    has(&feed, "<title>Report &lt;script&gt;alert(1)&lt;/script&gt;");
}

#[test]
fn base_url_flag_sets_canonical_links_and_sitemap_locations() {
    let site = copy_fixture("site-basic");
    let base = "https://mirror.example.net/sub/";
    let flag = ["--base-url", base.trim_end_matches('/')];
    assert_ok(&build(site.path(), &flag));
    let canonical = format!("<link rel=\"canonical\" href=\"{base}actors/kestan.html\">");
    has(&page(&site, "actors/kestan.html"), &canonical);
    let feed_id = format!("<id>{base}feed.xml</id>");
    has(&page(&site, "feed.xml"), &feed_id);
    let sitemap = page(&site, "sitemap.xml");
    let locs = sitemap.split("<loc>").skip(1).map(|l| between(l, "", "<"));
    let locs: Vec<&str> = locs.collect();
    assert_eq!(
        locs.len(),
        16,
        "3 lists, graph, search, 6 actors, 4 sources, 1 outlet"
    );
    assert!(locs.iter().all(|l| l.starts_with(base)), "{locs:?}");
    assert!(locs.contains(&"https://mirror.example.net/sub/sources/hostile.html"));
    for (rel, text) in pages(&site, &[""]) {
        assert!(!text.contains("example.org/kb"), "{rel} keeps the old base");
    }
}

#[test]
fn output_flag_writes_the_site_elsewhere() {
    let site = copy_fixture("site-basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("nested/site");
    assert_ok(&build(site.path(), &["--output", target.to_str().unwrap()]));
    assert!(target.join("index.html").is_file());
    assert!(target.join("actors/kestan.html").is_file());
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_second_build_replaces_the_output() {
    let site = built();
    let out = site.path().join("public");
    write(&out.join("stale.html"), "old");
    write(&out.join("actors/gone.html"), "old");
    assert_ok(&build(site.path(), &[]));
    assert!(!out.join("stale.html").exists());
    assert!(!out.join("actors/gone.html").exists());
    assert!(out.join("actors/kestan.html").is_file());
    let left = entries(site.path());
    assert_eq!(left.len(), 2, "content/, public/, no staging: {left:?}");
}

#[test]
fn check_exits_zero_and_writes_nothing() {
    let site = copy_fixture("site-basic");
    let before = files(site.path());
    let o = check(site.path());
    assert_ok(&o);
    assert!(stdout(&o).contains("no errors"), "{}", stdout(&o));
    assert_eq!(files(site.path()), before);
    assert_eq!(entries(site.path()), ["content"]);
}

#[test]
fn graph_page_draws_every_related_actor_and_relation_without_script() {
    let site = built();
    let html = page(&site, "graph.html");
    let svg = between(&html, "<svg class=\"graph\"", "</svg>");
    let nodes: Vec<&str> = svg
        .split("<a href=\"actors/")
        .skip(1)
        .map(|n| between(n, "", ".html"))
        .collect();
    assert_eq!(
        nodes,
        [
            "amir-rostam",
            "eastern-brigades",
            "kestan",
            "lena-vogt",
            "northern-front",
            "valoria"
        ]
    );
    // One line per relation; `backed-by` reads in the active voice, with an arrowhead.
    assert_eq!(svg.matches("<line class=\"edge").count(), 6, "{svg}");
    has(svg, "<title>Kestan backs Kata&#39;ib al-Sharq</title>");
    let backs = between(svg, "<line class=\"edge rel-backs\"", "</line>");
    assert!(
        backs.contains("marker-end=\"url(#arrow-backs)\""),
        "{backs}"
    );
    let ally = between(svg, "<line class=\"edge rel-ally-of\"", "</line>");
    assert!(!ally.contains("marker-end"), "symmetric: no arrow");
    // The same relations in words, for readers without the picture.
    let words = between(&html, "<h2>The relations in words</h2>", "</main>");
    let lines: Vec<String> = words
        .split("<li>")
        .skip(1)
        .map(|li| text(between(li, "", "</li>")))
        .collect();
    assert!(
        lines.contains(&"Kestan backs Northern Front Movement".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Lena Vogt member of Valoria".to_string()),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 6);
    assert!(!html.contains("<script"), "the graph needs no JavaScript");
    has(
        &page(&site, "index.html"),
        "<a href=\"graph.html\">Graph</a>",
    );
    has(
        &page(&site, "actors/kestan.html"),
        "<a href=\"../graph.html\">Graph</a>",
    );
}

#[test]
fn a_relation_declared_from_both_ends_is_one_edge() {
    let site = copy_fixture("site-basic");
    let kestan = site.path().join("content/actors/kestan.yaml");
    let mut text = read(site.path(), "content/actors/kestan.yaml");
    text.push_str("relations:\n  - type: backs\n    target: northern-front\n");
    std::fs::write(kestan, text).expect("write");
    assert_ok(&build(site.path(), &[]));
    let graph = data(&site, "data/graph.json");
    assert_eq!(array(&graph["edges"]).len(), 6, "{graph}");
    has(&page(&site, "index.html"), "<strong>6</strong> relations");
    let svg = page(&site, "graph.html");
    assert_eq!(svg.matches("<line class=\"edge").count(), 6);
}

/// The search index of a built site, as the JSON inside `assets/search-index.js`.
fn search_index(site: &TempDir) -> Value {
    let script = page(site, "assets/search-index.js");
    let json = script
        .strip_prefix("window.DOSSIER_SEARCH = ")
        .and_then(|s| s.strip_suffix(";\n"))
        .expect("a script that assigns the index");
    serde_json::from_str(json).expect("JSON")
}

#[test]
fn search_page_loads_a_script_index_of_every_actor_and_source() {
    let site = built();
    let html = page(&site, "search.html");
    has(&html, "<form id=\"search-form\" class=\"search-form\" action=\"search.html\" method=\"get\" role=\"search\">");
    has(&html, "<script src=\"assets/search-index.js\"></script>");
    has(&html, "<script src=\"assets/search.js\"></script>");
    let noscript = between(&html, "<noscript>", "</noscript>");
    assert!(noscript.contains("href=\"actors.html\""), "{noscript}");

    let index = search_index(&site);
    let paths: Vec<&str> = array(&index["docs"])
        .iter()
        .map(|d| d[1].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 10, "6 actors, 4 sources: {paths:?}");
    for path in &paths {
        assert!(site.path().join("public").join(path).is_file(), "{path}");
    }
    let terms = array(&index["terms"]);
    let words: Vec<&str> = terms.iter().map(|t| t[0].as_str().unwrap()).collect();
    let mut sorted = words.clone();
    sorted.sort_unstable();
    assert_eq!(words, sorted, "sorted, for prefix search");
    let postings = |word: &str| -> Vec<(String, u64)> {
        let term = terms
            .iter()
            .find(|t| t[0] == word)
            .unwrap_or_else(|| panic!("no {word}"));
        let list = array(&term[1]);
        list.chunks(2)
            .map(|p| {
                (
                    paths[p[0].as_u64().unwrap() as usize].to_string(),
                    p[1].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // A word of an article body only (not its title or summary) finds the article.
    let offensive = postings("offensive");
    assert!(
        offensive
            .iter()
            .any(|(p, _)| p == "sources/front-offensive.html"),
        "{offensive:?}"
    );
    // A name weighs more in its actor's entry than in a passing mention.
    let rostam = postings("rostam");
    let actor = rostam
        .iter()
        .find(|(p, _)| p == "actors/amir-rostam.html")
        .expect("actor");
    assert!(
        rostam.iter().all(|(p, w)| p == &actor.0 || w < &actor.1),
        "{rostam:?}"
    );
    // Stop words are not indexed; case and apostrophes are folded.
    assert!(!words.contains(&"the") && !words.contains(&"The"));
    assert!(words.contains(&"sharq"), "Kata'ib al-Sharq");
}

#[test]
fn search_script_ranks_matches_with_node_when_it_is_installed() {
    // `.ci/run` installs Node.js, so CI always runs this; elsewhere it needs `node`.
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: node is not installed (.ci/run installs it)");
        return;
    }
    let site = built();
    let public = site.path().join("public");
    let harness = format!(
        "global.window = {{}}; require({index:?}); const s = require({script:?});\n\
         const q = (text) => s.query(window.DOSSIER_SEARCH, text).map(r => window.DOSSIER_SEARCH.docs[r.doc][1]);\n\
         console.log(JSON.stringify({{rostam: q('Rostam'), prefix: q('offens'), both: q('kestan rostam'),\n\
           marks: q('RÓSTAM'), none: q('zzzz'), stop: q('the of'), named: q('Kestan')}}));",
        index = public.join("assets/search-index.js"),
        script = public.join("assets/search.js"),
    );
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(harness)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(found["rostam"][0], "actors/amir-rostam.html", "{found}");
    assert!(array(&found["rostam"]).contains(&json!("sources/front-offensive.html")));
    assert!(
        array(&found["prefix"]).contains(&json!("sources/front-offensive.html")),
        "{found}"
    );
    // Every word must match: fewer results than either word alone.
    let both = array(&found["both"]).len();
    assert!(both > 0 && both < array(&found["rostam"]).len(), "{found}");
    assert_eq!(found["marks"], found["rostam"], "case and accents folded");
    assert_eq!(
        found["named"][0], "actors/kestan.html",
        "the actor so named first"
    );
    assert_eq!(found["none"], json!([]));
    assert_eq!(found["stop"], json!([]));
}

#[test]
fn front_page_counts_agree_in_number_and_lead_to_the_graph() {
    let site = built();
    let index = page(&site, "index.html");
    has(&index, "<strong>1</strong> outlet</li>");
    has(
        &index,
        "<a href=\"graph.html\"><strong>6</strong> relations</a>",
    );
}
