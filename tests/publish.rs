//! What a build publishes for other machines: the sitemap and the Atom feed, which need
//! absolute URLs, and the notes a build prints about what it left out.

use std::path::Path;

use crate::support::*;

/// The site-basic fixture with `base_url` taken out of its site.yaml.
fn without_base_url() -> tempfile::TempDir {
    let site = copy_fixture("site-basic");
    let path = site.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("base_url:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(kept, text);
    std::fs::write(&path, kept).unwrap();
    site
}

/// The text between each `open` and the next `close`.
fn all_between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    text.split(open)
        .skip(1)
        .map(|rest| &rest[..rest.find(close).expect("closed")])
        .collect()
}

fn notes(o: &std::process::Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("dossier: warning: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_sitemap_is_written_only_with_a_base_url_and_then_every_location_is_absolute() {
    let site = without_base_url();
    let o = build(site.path(), &[]);
    assert_ok(&o);
    assert_eq!(
        notes(&o),
        [
            "dossier: warning: no base_url: sitemap.xml and feed.xml were not written, as they \
          need absolute URLs (set base_url in site.yaml or pass --base-url)"
        ]
    );
    let out = site.path().join("public");
    assert!(out.join("index.html").is_file());
    assert!(!out.join("sitemap.xml").exists());
    assert!(!out.join("feed.xml").exists());
    for rel in ["index.html", "actors/kestan.html", "404.html"] {
        assert!(
            !read(&out, rel).contains("feed.xml"),
            "{rel} links the feed"
        );
    }
    let content_warnings = (stderr(&o).lines())
        .filter(|l| l.contains(": warning: ") && !l.starts_with("dossier:"))
        .count();
    assert!(
        stdout(&o).contains(&format!(" {content_warnings} warning")),
        "the base URL note is not counted as a content warning: {}",
        stdout(&o)
    );

    let o = build(site.path(), &["--base-url", "https://example.org/kb"]);
    assert_ok(&o);
    assert!(
        notes(&o).iter().all(|n| !n.contains("sitemap")),
        "{:?}",
        notes(&o)
    );
    let sitemap = read(&out, "sitemap.xml");
    let locs = all_between(&sitemap, "<loc>", "</loc>");
    assert_eq!(locs.len(), 16);
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://example.org/kb/")));
    assert!(read(&out, "index.html").contains("href=\"feed.xml\""));
}

/// The feed built with `--base-url base`, and the notes printed.
fn feed(site: &Path, base: &str) -> (String, Vec<String>) {
    let o = build(site, &["--base-url", base]);
    assert_ok(&o);
    (read(site, "public/feed.xml"), notes(&o))
}

#[test]
fn feed_ids_come_from_the_base_url_and_the_feed_links_itself() {
    let site = without_base_url();
    let (a, _) = feed(site.path(), "https://one.example/kb/");
    let (b, _) = feed(site.path(), "https://two.example/");
    let ids_a = all_between(&a, "<id>", "</id>");
    let ids_b = all_between(&b, "<id>", "</id>");
    assert_eq!(ids_a.len(), 4, "the feed and 3 dated sources: {ids_a:?}");
    assert!(
        ids_a.iter().all(|id| !ids_b.contains(id)),
        "{ids_a:?} {ids_b:?}"
    );
    assert_eq!(ids_a[0], "https://one.example/kb/feed.xml");
    assert!(ids_a.contains(&"https://one.example/kb/sources/hostile.html"));
    assert!(a.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://one.example/kb/feed.xml\"/>"
    ));
    assert!(b.contains(
        "rel=\"self\" type=\"application/atom+xml\" href=\"https://two.example/feed.xml\""
    ));
    assert!(!a.contains("urn:"), "{a}");
}

#[test]
fn undated_sources_are_left_out_of_the_feed_with_a_warning() {
    let site = copy_fixture("site-basic");
    let (text, notes) = feed(site.path(), "https://example.org/kb/");
    assert_eq!(
        notes,
        [
            "dossier: warning: feed.xml leaves out 1 undated source (background): \
          a `date:` puts a source in it"
        ]
    );
    assert!(!text.contains("sources/background.html"));
    assert!(text.contains("sources/front-offensive.html"));
    // Dated, it is in the feed and the warning is gone.
    let path = site.path().join("content/articles/background.md");
    let with_date = read(site.path(), "content/articles/background.md").replacen(
        "---\n",
        "---\ndate: 2020-01-02\n",
        1,
    );
    std::fs::write(path, with_date).unwrap();
    let (text, notes) = feed(site.path(), "https://example.org/kb/");
    assert!(notes.is_empty(), "{notes:?}");
    assert!(text.contains("<id>https://example.org/kb/sources/background.html</id>"));
}
