//! Actor and source pages as a reference work (issue #9): summary box, timeline, paged
//! backlinks, numbered references, head tags, and the source warning.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{assert_ok, build, check, read, stderr, write};

/// A site where `alpha` is mentioned in `n` sources (dated a day apart, the newest last
/// written), one of them twice in one sentence; `bravo` led it and died.
pub(crate) fn site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let c = dir.path().join("content");
    write(
        &c.join("site.yaml"),
        "title: Pages test\ndescription: The own description of the site.\n",
    );
    write(
        &c.join("outlets/wire.yaml"),
        "name: The Wire\nurl: https://wire.example.com\n",
    );
    write(
        &c.join("actors/alpha.yaml"),
        "name: Alpha Front\nkind: organization\naliases: [Alpha]\nsummary: An armed group of the test site.\nfounded: 2001-02\nrelations:\n  - type: led-by\n    target: bravo\n    since: 2010\n    until: 2024-05\n    sources: [s001, s002]\n  - type: led-by\n    target: charlie\n    since: 2024-06\n    sources: [s002]\n  - type: opposes\n    target: charlie\n    sources: [s003]\nsources: [s001, s004]\n",
    );
    write(
        &c.join("actors/bravo.yaml"),
        "name: Bravo Person\nkind: person\nsummary: Led Alpha Front.\nborn: 1960\ndied: 2024-05\nreviewed: 2026-11-21\n",
    );
    write(
        &c.join("actors/charlie.yaml"),
        "name: Charlie Leader\nkind: person\nsummary: Leads Alpha Front.\n",
    );
    for k in 1..=n {
        let month = (k - 1) / 28 % 12 + 1;
        let day = (k - 1) % 28 + 1;
        let body = if k == 1 {
            "Alpha said that Alpha would hold the line, according to Bravo Person.".to_string()
        } else {
            format!("Report {k}: Alpha moved again. Charlie Leader spoke.")
        };
        write(
            &c.join(format!("articles/s{k:03}.md")),
            &format!("---\ntitle: \"Source {k}\"\ndate: 2024-{month:02}-{day:02}\noutlet: wire\nurl: https://wire.example.com/{k}\n---\n{body}\n"),
        );
    }
    dir
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The ids of a page's numbered references, in order; none listed twice.
fn reference_ids(html: &str) -> Vec<&str> {
    let ids: Vec<&str> = html
        .split("<li id=\"ref-")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("id end")])
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    ids
}

/// The source ids a page of backlinks lists, in order.
fn listed(html: &str) -> Vec<String> {
    html.split("<article class=\"backlink\">")
        .skip(1)
        .map(|b| {
            let at = b.find("sources/").expect("source link") + "sources/".len();
            b[at..at + 4].to_string()
        })
        .collect()
}

#[test]
fn sixty_sources_make_three_pages_of_backlinks_with_totals_and_links() {
    let dir = site(60);
    let site = dir.path();
    assert_ok(&build(site, &["--base-url", "https://example.org/kb/"]));
    let first = read(site, "public/actors/alpha.html");
    let second = read(site, "public/actors/alpha/sources-2.html");
    let third = read(site, "public/actors/alpha/sources-3.html");
    assert!(!site.join("public/actors/alpha/sources-4.html").exists());
    assert!(
        !site.join("public/actors/bravo").exists(),
        "one page is enough"
    );
    assert!(first.contains("Mentioned in 60 sources"));
    assert!(first.contains("Sources 1–25 of 60, newest first."));
    assert!(second.contains("Sources 26–50 of 60, newest first."));
    assert!(third.contains("Sources 51–60 of 60, newest first."));
    assert!(first.contains(r#"<a rel="next" href="alpha/sources-2.html">"#));
    assert!(first.contains(r#"<a href="alpha/sources-3.html">3</a>"#));
    assert!(!first.contains("rel=\"prev\""));
    assert!(second.contains(r#"<a rel="prev" href="../alpha.html">"#));
    assert!(second.contains(r#"<a rel="next" href="sources-3.html">"#));
    assert!(third.contains(r#"<a rel="prev" href="sources-2.html">"#));
    assert!(!third.contains("rel=\"next\""));
    assert!(second.contains(r#"<span aria-current="page">2</span>"#));
    // Links from the nested pages reach the sources and the stylesheet.
    assert!(second.contains(r#"href="../../sources/s"#));
    assert!(second.contains(r#"href="../../assets/style.css""#));
    let pages = [listed(&first), listed(&second), listed(&third)];
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [25, 25, 10]);
    let all: Vec<String> = pages.concat();
    let want: Vec<String> = (1..=60).rev().map(|k| format!("s{k:03}")).collect();
    assert_eq!(
        all, want,
        "newest first, each source once, across the pages"
    );
    let sitemap = read(site, "public/sitemap.xml");
    assert!(sitemap.contains("actors/alpha/sources-3.html"));
}

#[test]
fn a_sentence_with_two_mentions_shows_once_with_both_marked() {
    let dir = site(5);
    assert_ok(&build(dir.path(), &[]));
    let html = read(dir.path(), "public/actors/alpha.html");
    let entry = html
        .split("<article class=\"backlink\">")
        .find(|b| b.contains("sources/s001.html"))
        .expect("s001 listed");
    assert_eq!(count(entry, "<blockquote>"), 1, "{entry}");
    assert!(
        entry.contains("<mark>Alpha</mark> said that <mark>Alpha</mark> would hold the line"),
        "{entry}"
    );
    assert!(entry.contains("2 mentions"), "{entry}");
}

#[test]
fn the_summary_box_and_timeline_show_leaders_deaths_and_dates() {
    let dir = site(30);
    assert_ok(&build(dir.path(), &[]));
    let alpha = read(dir.path(), "public/actors/alpha.html");
    let infobox = &alpha[alpha.find("class=\"infobox\"").expect("box")..];
    let infobox = &infobox[..infobox.find("</section>").expect("end")];
    // The present leader first, then the past one with its dates.
    let now = infobox.find("charlie.html").expect("current leader");
    let past = infobox.find("bravo.html").expect("past leader");
    assert!(now < past, "{infobox}");
    assert!(infobox.contains("<dt>Led by</dt>"), "{infobox}");
    assert!(infobox.contains("since June 2024"), "{infobox}");
    assert!(infobox.contains("(formerly, 2010 – May 2024)"), "{infobox}");
    assert!(infobox.contains("<dt>Founded</dt><dd>February 2001</dd>"));
    assert!(
        infobox.contains("31 in 30 sources, 1 January 2024 – 2 February 2024"),
        "{infobox}"
    );
    assert!(!alpha.contains("inverse"));
    // Bravo: died, in the box and in the timeline's events, and the review date.
    let bravo = read(dir.path(), "public/actors/bravo.html");
    assert!(bravo.contains("<dt>Died</dt><dd>May 2024</dd>"), "{bravo}");
    assert!(bravo.contains("Profile reviewed 21 November 2026"));
    let timeline = &bravo[bravo.find("class=\"timeline\"").expect("timeline")..];
    let born = timeline
        .find("<time datetime=\"1960\">1960</time> <span>Born")
        .expect("born");
    let leads = timeline.find("Leads (begins)").expect("begins");
    let died = timeline
        .find("<time datetime=\"2024-05\">May 2024</time> <span>Died")
        .expect("died");
    assert!(born < leads && leads < died, "{timeline}");
    // Alpha's chart: one bar per month with mentions, the same numbers as a table.
    let chart = &alpha[alpha.find("<svg class=\"timeline-chart\"").expect("chart")..];
    let chart = &chart[..chart.find("</svg>").expect("end")];
    assert_eq!(count(chart, "<rect"), 2, "January and February");
    assert!(
        chart.contains("<title>January 2024: 29 mentions</title>"),
        "{chart}"
    );
    assert!(alpha.contains("<th scope=\"row\">February 2024</th><td>2</td>"));
}

#[test]
fn one_old_source_does_not_stretch_the_timeline() {
    let dir = site(30);
    write(
        &dir.path().join("content/articles/s900.md"),
        "---\ntitle: \"An old designation\"\ndate: 1997-10-09\noutlet: wire\nurl: https://wire.example.com/1997\n---\nAlpha was designated.\n",
    );
    // A source that only tags the actor in its front matter mentions it 0 times: no month.
    write(
        &dir.path().join("content/articles/s901.md"),
        "---\ntitle: \"A list of groups\"\ndate: 1990-05-01\noutlet: wire\nurl: https://wire.example.com/1990\nactors: [alpha]\n---\nA list.\n",
    );
    assert_ok(&build(dir.path(), &[]));
    assert!(!read(dir.path(), "public/actors/alpha.html").contains("May 1990</th>"));
    let alpha = read(dir.path(), "public/actors/alpha.html");
    let chart = &alpha[alpha.find("<svg class=\"timeline-chart\"").expect("chart")..];
    let chart = &chart[..chart.find("</svg>").expect("end")];
    // The axis runs from January 2024, not from 1997: two bars over two months.
    assert_eq!(count(chart, "<rect"), 2, "{chart}");
    assert!(!chart.contains("1997"), "{chart}");
    assert!(chart.contains(">2024</text>"), "{chart}");
    assert!(
        alpha.contains("not drawn: 1 earlier mention, from October 1997."),
        "the caption says what is left out"
    );
    // The table keeps the old month, and no empty month of the gap.
    assert!(alpha.contains("<th scope=\"row\">October 1997</th><td>1</td>"));
    assert!(!alpha.contains("<th scope=\"row\">November 1997</th>"));
    assert!(!alpha.contains("<th scope=\"row\">June 2010</th>"));
    // A source of a year before the rest is no outlier: with a short gap, it is drawn.
    write(
        &dir.path().join("content/articles/s900.md"),
        "---\ntitle: \"A recent designation\"\ndate: 2023-03-09\noutlet: wire\nurl: https://wire.example.com/2023\n---\nAlpha was designated.\n",
    );
    assert_ok(&build(dir.path(), &[]));
    let alpha = read(dir.path(), "public/actors/alpha.html");
    assert!(alpha.contains(">2023</text>"));
    assert!(!alpha.contains("not drawn"));
}

/// Alpha's profile with a description whose footnotes cite sources (by id, and by a
/// link to the article's file) and one that is an ordinary note.
fn with_footnotes(dir: &tempfile::TempDir, first_footnote: &str) {
    let path = dir.path().join("content/actors/alpha.yaml");
    let profile = std::fs::read_to_string(&path).expect("alpha");
    let description = format!(
        "description: |\n  Alpha fights Charlie Leader.[^a] It was founded in 2001.[^b] It says so again.[^a] See the note.[^c]\n\n  [^a]: {first_footnote}\n  [^b]: [The Wire's report](s005.md)\n  [^c]: A note of the contributor.\n"
    );
    write(
        &path,
        &profile.replace(
            "founded: 2001-02\n",
            &format!("founded: 2001-02\n{description}"),
        ),
    );
}

#[test]
fn description_footnotes_that_cite_sources_join_the_numbered_references() {
    let dir = site(5);
    with_footnotes(&dir, "s003");
    assert_ok(&build(dir.path(), &[]));
    let html = read(dir.path(), "public/actors/alpha.html");
    let description = &html[html
        .find("<section class=\"description\">")
        .expect("description")..];
    let description = &description[..description.find("</section>").expect("end")];
    // Numbered first, as the description comes first: s003 is [1], s005 [2].
    assert!(
        description.contains("Charlie Leader.<sup class=\"cite\"><a href=\"#ref-1\" aria-label=\"reference 1\">[1]</a></sup>"),
        "{description}"
    );
    assert!(
        description.contains("2001.<sup class=\"cite\"><a href=\"#ref-2\""),
        "{description}"
    );
    assert_eq!(count(description, "href=\"#ref-1\""), 2, "{description}");
    // The citing footnotes are not listed as footnotes; the ordinary one is.
    assert!(!description.contains("s003"), "{description}");
    assert!(
        description.contains("A note of the contributor."),
        "{description}"
    );
    assert_eq!(
        count(description, "footnote-definition\""),
        1,
        "{description}"
    );
    assert!(!description.contains('\0'));
    // One reference entry for s003, cited by the footnote and by the `opposes` relation.
    let refs = &html[html.find("<li id=\"ref-1\"").expect("ref 1")..];
    assert!(refs[..refs.find("</li>").expect("end")].contains("sources/s003.html"));
    reference_ids(&html);
    let s003 = html
        .matches("<li id=\"ref-")
        .zip(html.split("<li id=\"ref-").skip(1))
        .filter(|(_, li)| li[..li.find("</li>").unwrap()].contains("sources/s003.html"))
        .count();
    assert_eq!(s003, 1, "s003 listed once");
    // The source page counts the profile among those that cite it.
    let source = read(dir.path(), "public/sources/s005.html");
    assert!(
        source.contains("alpha.html"),
        "s005 is cited by Alpha's profile"
    );
}

#[test]
fn a_footnote_naming_an_unknown_source_is_an_error_at_its_place() {
    let dir = site(5);
    with_footnotes(&dir, "s-999");
    let out = check(dir.path());
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("alpha.yaml:") && err.contains("no source has the id `s-999`"),
        "{err}"
    );
    assert!(err.contains("[^a]: s-999"), "the line and a caret: {err}");
}

#[test]
fn references_are_numbered_once_and_every_citation_lands_on_one() {
    let dir = site(5);
    assert_ok(&build(dir.path(), &[]));
    let html = read(dir.path(), "public/actors/alpha.html");
    let ids = reference_ids(&html);
    // s001, s002 (led-by), s003 (opposes), s004 (profile only): four, numbered 1 to 4.
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let cites: Vec<&str> = html
        .split("href=\"#ref-")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("href end")])
        .collect();
    assert!(cites.len() >= 5, "{cites:?}");
    for c in &cites {
        assert!(ids.contains(c), "#ref-{c} lands nowhere");
    }
    let refs = &html[html.find("class=\"references\"").expect("refs")..];
    assert!(refs.contains(
        "Source 1</a>. <span class=\"outlet\">The Wire</span>, <time datetime=\"2024-01-01\">1 January 2024</time>. <a class=\"original\" href=\"https://wire.example.com/1\""
    ), "{refs}");
    let source = read(dir.path(), "public/sources/s001.html");
    assert!(
        source.contains("<span class=\"rel\">Led by</span>"),
        "no raw ids"
    );
    assert!(source.contains("class=\"original\" href=\"https://wire.example.com/1\""));
}

#[test]
fn a_source_without_url_date_or_outlet_is_warned_about() {
    let dir = site(5);
    write(
        &dir.path().join("content/articles/bare.md"),
        "---\ntitle: \"A bare note\"\n---\nAlpha again.\n",
    );
    let o = check(dir.path());
    assert!(o.status.success(), "a warning only: {}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("content/articles/bare.md:2:1: warning: `bare` has no `url`, `date`, `outlet` in its front matter"),
        "{err}"
    );
    assert!(!err.contains("s001"), "{err}");
    assert_ok(&build(dir.path(), &[]));
    let bare = read(dir.path(), "public/sources/bare.html");
    assert!(bare.contains("original address not recorded"));
}

#[test]
fn head_tags_favicon_print_and_syntax_stylesheet_where_needed() {
    let dir = site(5);
    let site: &Path = dir.path();
    assert_ok(&build(site, &[]));
    let alpha = read(site, "public/actors/alpha.html");
    assert!(
        alpha.contains(r#"<meta name="description" content="An armed group of the test site.">"#)
    );
    assert!(alpha.contains(r#"<meta property="og:title" content="Alpha Front">"#));
    assert!(alpha.contains(r#"<meta property="og:type" content="profile">"#));
    assert!(alpha.contains(r#"href="../assets/syntax.css""#));
    assert!(alpha.contains(r#"<pre class="code" tabindex="0""#));
    assert!(alpha.contains(r#"<a href="../actors.html" aria-current="page">Actors</a>"#));
    let index = read(site, "public/index.html");
    assert!(!index.contains("syntax.css"), "only pages with YAML");
    assert!(
        index.contains(r#"<meta name="description" content="The own description of the site.">"#)
    );
    assert!(index.contains(r#"<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">"#));
    assert!(index.contains(r#"<link rel="stylesheet" href="assets/print.css" media="print">"#));
    let source = read(site, "public/sources/s001.html");
    assert!(!source.contains("syntax.css"));
    assert!(source.contains(r#"<meta property="og:type" content="article">"#));
    assert!(source.contains(r#"<a href="../sources.html" aria-current="page">Sources</a>"#));
    for asset in ["favicon.svg", "print.css", "syntax.css"] {
        assert!(site.join("public/assets").join(asset).is_file(), "{asset}");
    }
    let syntax = read(site, "public/assets/syntax.css");
    assert!(syntax.len() < 3000, "a few rules, not a whole theme");
}
