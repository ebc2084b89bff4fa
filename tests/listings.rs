//! Listings at scale: the sources listing and an outlet's sources in pages of at most
//! 200, newest first, linking to each other and to where each year starts; the actors
//! listing grouped by kind, people by surname, with a filter box.

use tempfile::TempDir;

use crate::content::html::{between, tags};
use crate::content::site;
use crate::support::*;

/// The date of source `k`: later for a larger `k`, all different, over 2022–2024.
fn date(k: usize) -> (usize, usize, usize) {
    let slot = 2 * k;
    (2022 + slot / 336, slot % 336 / 28 + 1, slot % 28 + 1)
}

/// 450 dated sources `s-000` … `s-449`; the first 250 from the outlet `wire`.
fn dated_site() -> TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    let content = site.path().join("content");
    write(&content.join("site.yaml"), "title: Paged\n");
    write(&content.join("outlets/wire.yaml"), "name: The Wire\n");
    write(
        &content.join("actors/hassan-nasrallah.yaml"),
        "name: Hassan Nasrallah\nkind: person\naliases: [Sayyed Hassan]\n",
    );
    for k in 0..450 {
        let (y, m, d) = date(k);
        let outlet = if k < 250 { "outlet: wire\n" } else { "" };
        let text = format!(
            "---\ntitle: Report {k:03}\ndate: {y}-{m:02}-{d:02}\n{outlet}---\nHassan Nasrallah spoke.\n"
        );
        write(&content.join(format!("articles/s-{k:03}.md")), &text);
    }
    // With a base URL, so that the sitemap is written.
    assert_ok(&build(
        site.path(),
        &["--base-url", "https://example.org/kb/"],
    ));
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    read(&site.path().join("public"), rel)
}

/// The source ids a listing page lists, in order.
fn listed(html: &str, prefix: &str) -> Vec<String> {
    let lists = html.split("<ol class=\"source-list\"").skip(1);
    let items = lists.flat_map(|l| {
        let l = &l[..l.find("</ol>").expect("closed list")];
        l.split("<li>").skip(1).map(|li| {
            let href = between(li, &format!("<a href=\"{prefix}sources/"), ".html\"");
            href.to_string()
        })
    });
    items.collect()
}

/// The `href`s of a page's `.pager` navigation (the first one, at the top).
fn pager(html: &str) -> Vec<(String, String)> {
    let nav = between(html, "<nav class=\"pager\"", "</nav>");
    let found = tags(nav).into_iter().filter(|t| t.name == "a");
    found
        .map(|t| {
            let text = between(&nav[t.end..], "", "</a>").to_string();
            (t.attr("href").unwrap_or_default().to_string(), text)
        })
        .collect()
}

#[test]
fn four_hundred_fifty_sources_make_three_pages_newest_first() {
    let site = dated_site();
    let out = site.path().join("public");
    assert!(!out.join("sources-4.html").exists());
    let pages = ["sources.html", "sources-2.html", "sources-3.html"].map(|p| page(&site, p));
    let lists: Vec<Vec<String>> = pages.iter().map(|p| listed(p, "")).collect();
    assert_eq!(
        lists.iter().map(Vec::len).collect::<Vec<_>>(),
        [200, 200, 50]
    );
    let all: Vec<String> = lists.concat();
    let newest_first: Vec<String> = (0..450).rev().map(|k| format!("s-{k:03}")).collect();
    assert_eq!(all, newest_first);
    assert!(pages[0].contains("450 sources, newest first: 1–200 on this page, 3 pages."));
    assert!(pages[2].contains("<title>Sources (page 3) · Paged</title>"));

    // Each page links to the others, and to the pages before and after it.
    let links = pager(&pages[1]);
    let hrefs: Vec<&str> = links.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        hrefs[..5],
        [
            "sources.html",
            "sources.html",
            "sources-2.html",
            "sources-3.html",
            "sources-3.html"
        ]
    );
    assert!(pages[1].contains("<a href=\"sources.html\" rel=\"prev\">"));
    assert!(pages[1].contains("<a href=\"sources-3.html\" rel=\"next\">"));
    assert!(pages[1].contains("<a href=\"sources-2.html\" aria-current=\"page\">2</a>"));
    assert!(!pages[0].contains("rel=\"prev\"") && !pages[2].contains("rel=\"next\""));

    // Years: s-449 … s-336 are 2024 (114 sources), so 2023 starts on page 1 and 2022 on
    // page 2; each year's link lands on its heading.
    let years = between(&pages[2], "By year: ", "</p>");
    assert!(
        years.contains("<a href=\"sources.html#y-2024\">2024</a>"),
        "{years}"
    );
    assert!(
        years.contains("<a href=\"sources.html#y-2023\">2023</a>"),
        "{years}"
    );
    assert!(
        years.contains("<a href=\"sources-2.html#y-2022\">2022</a>"),
        "{years}"
    );
    assert!(pages[0].contains("<h2 class=\"year\" id=\"y-2023\">2023</h2>"));
    assert!(
        pages[1].contains("<h2 class=\"year\">2023 <span class=\"meta\">(continued)</span></h2>")
    );
    assert!(pages[2].contains("<ol class=\"source-list\" start=\"401\">"));

    // Every link of every page resolves, fragments included; the sitemap lists the pages.
    assert!(site::links_resolve(&out) > 450);
    let sitemap = page(&site, "sitemap.xml");
    for p in [
        "sources-2.html",
        "sources-3.html",
        "outlets/wire/sources-2.html",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/kb/{p}</loc>")),
            "{p}"
        );
    }
    for (rel, html) in site::pages(&out, &[".html"]) {
        assert!(html.len() < 1_000_000, "{rel}");
    }
}

#[test]
fn an_outlet_lists_its_sources_in_pages_too() {
    let site = dated_site();
    let first = page(&site, "outlets/wire.html");
    let second = page(&site, "outlets/wire/sources-2.html");
    let (a, b) = (listed(&first, "../"), listed(&second, "../../"));
    assert_eq!((a.len(), b.len()), (200, 50));
    assert_eq!(a[0], "s-249");
    assert_eq!(b[49], "s-000");
    assert!(first.contains("<a href=\"../outlets/wire/sources-2.html\" rel=\"next\">"));
    assert!(second.contains("<a href=\"../../outlets/wire.html\" rel=\"prev\">"));
    assert!(second.contains("<link rel=\"stylesheet\" href=\"../../assets/style.css\">"));
    assert!(second.contains("<h2 id=\"sources\">250 sources</h2>"));
    assert!(!site
        .path()
        .join("public/outlets/wire/sources-3.html")
        .exists());
}

#[test]
fn actors_are_grouped_by_kind_people_by_surname_with_a_filter_box() {
    let site = tempfile::tempdir().expect("temp dir");
    let content = site.path().join("content");
    write(&content.join("site.yaml"), "title: Names\n");
    let people = [
        (
            "hassan-nasrallah",
            "name: Hassan Nasrallah\nkind: person\naliases: [Sayyed Hassan]\n",
        ),
        ("ismail-haniyeh", "name: Ismail Haniyeh\nkind: person\n"),
        (
            "abu-mahdi",
            "name: Abu Mahdi al-Muhandis\nkind: person\nsort_name: Muhandis, Abu Mahdi al-\n",
        ),
        ("zeta", "name: Zeta Front\nkind: organization\n"),
        ("alpha", "name: Alpha Brigades\nkind: organization\n"),
    ];
    for (id, yaml) in people {
        write(&content.join(format!("actors/{id}.yaml")), yaml);
    }
    assert_ok(&build(site.path(), &[]));
    let html = page(&site, "actors.html");
    let order: Vec<&str> = html
        .split("<a href=\"actors/")
        .skip(1)
        .map(|s| between(s, "", ".html"))
        .collect();
    assert_eq!(
        order,
        [
            "ismail-haniyeh",
            "abu-mahdi",
            "hassan-nasrallah",
            "alpha",
            "zeta"
        ]
    );
    assert!(html.contains("<li data-names=\"hassan nasrallah|sayyed hassan\">"));
    // The box shows only when the script runs; without it, the whole list.
    assert!(html.contains("<div class=\"filter\" id=\"actor-filter\" hidden>"));
    assert!(html.contains("<script src=\"assets/filter.js\"></script>"));
    let script = page(&site, "assets/filter.js");
    assert!(script.contains("box.hidden = false"));
}
