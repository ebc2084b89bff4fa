//! The relation graph (`graph.html`) and each actor page's neighbourhood graph: every
//! node labelled, no label box over another label or over a node, no `role="img"`
//! around the links, and bounded drawings at scale.
//!
//! Label boxes are computed from the SVG's coordinates with the estimate the placement
//! uses (`src/render/drawing.rs`): font size × 0.6 per character, 2 units of padding on
//! each side, 1.25 font sizes tall, the baseline 0.35 font sizes below the middle, the
//! box starting, centred or ending at `x` as `text-anchor` says. A label placed away from
//! its node has a leader line (`<line class="leader">` in the node's link) from the
//! node's rim to the label's box, through no other label; a label without one is nearer
//! its own node than any other node.

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

/// A line: from (x0, y0) to (x1, y1).
type Segment = (f64, f64, f64, f64);

/// Whether the segment passes through the inside of `b`, by sampling it finely.
fn crosses((x0, y0, x1, y1): Segment, b: &Rect) -> bool {
    (0..=200).any(|k| {
        let t = k as f64 / 200.0;
        let (x, y) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
        b.x0 < x && x < b.x1 && b.y0 < y && y < b.y1
    })
}

/// A drawn graph, measured from its markup.
#[derive(Debug)]
struct Drawing {
    width: f64,
    height: f64,
    /// The labels' font size, in drawing units.
    font: f64,
    /// One per node link: its circle, and its label's text and box.
    nodes: Vec<(Circle, Option<(String, Rect)>)>,
    /// The leader lines, by node.
    leaders: Vec<Option<Segment>>,
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
    let mut leaders = Vec::new();
    for t in &all {
        if t.name != "a" {
            continue;
        }
        let close = t.end + svg[t.end..].find("</a>").expect("closed link");
        let inside = all.iter().filter(|u| u.start > t.start && u.start < close);
        let mut circle = None;
        let mut label = None;
        let mut leader = None;
        for u in inside {
            if u.name == "line" && u.attr("class") == Some("leader") {
                leader = Some((num(u, "x1"), num(u, "y1"), num(u, "x2"), num(u, "y2")));
            }
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
        leaders.push(leader);
    }
    Drawing {
        width: view[2],
        height: view[3],
        font,
        nodes,
        leaders,
    }
}

/// Every node of the drawing has a label, inside the drawing, over no other label and no
/// node; each leader line runs from its node's rim to its label, through no other label;
/// a label without one is nearer its own node than any other.
#[track_caller]
fn assert_readable(svg: &str, what: &str) -> Drawing {
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
    // How far a box is from a circle's rim.
    let rim = |b: &Rect, (cx, cy, r): Circle| {
        (cx - cx.clamp(b.x0, b.x1)).hypot(cy - cy.clamp(b.y0, b.y1)) - r
    };
    for (i, leader) in d.leaders.iter().enumerate() {
        let ((circle, label), l) = (&d.nodes[i], *leader);
        let Some(l) = l else {
            // A label without a leader is nearer its own node than any other node.
            let Some((text, b)) = label.as_ref() else {
                continue;
            };
            let own = rim(b, *circle);
            for (j, (other, _)) in d.nodes.iter().enumerate() {
                let nearer = rim(b, *other) < own - eps;
                assert!(
                    !nearer,
                    "{what}: label {text:?} nearer node {j} than its own"
                );
            }
            continue;
        };
        let ((cx, cy, r), label) = &d.nodes[i];
        let (_, b) = label.as_ref().expect("a leader leads to a label");
        let from_rim = ((l.0 - cx).powi(2) + (l.1 - cy).powi(2)).sqrt();
        assert!(
            (from_rim - r).abs() < 2.0 * eps,
            "{what}: leader {i} from {from_rim}"
        );
        let on_box =
            (b.x0 - eps..=b.x1 + eps).contains(&l.2) && (b.y0 - eps..=b.y1 + eps).contains(&l.3);
        assert!(on_box, "{what}: leader {i} {l:?} ends off its label {b:?}");
        for (j, (_, other)) in d.nodes.iter().enumerate() {
            if let Some((text, c)) = other.as_ref().filter(|_| i != j) {
                let shrunk = Rect {
                    x0: c.x0 + eps,
                    y0: c.y0 + eps,
                    x1: c.x1 - eps,
                    y1: c.y1 - eps,
                };
                assert!(!crosses(l, &shrunk), "{what}: leader {i} through {text:?}");
            }
        }
    }
    for (i, (_, label)) in d.nodes.iter().enumerate() {
        assert!(label.is_some(), "{what}: node {i} unlabelled");
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
    let wide = assert_readable(wide[0], "graph.html wide");
    let narrow = assert_readable(narrow[0], "graph.html narrow");
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
    // The phone drawing is as wide as a phone, and its labels a readable size there: on
    // a 390 px screen it is drawn 356 px wide (the page's 1rem padding each side, the
    // frame's 1px borders), so a drawing unit is 356 / 360 px.
    assert_eq!(narrow.width, 360.0);
    let css = page(&site, "assets/style.css");
    assert!(css.contains("main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }"));
    assert!(css.contains("svg.graph-narrow { display: none; width: 100%; max-width: 30rem;"));
    let px = narrow.font * (390.0 - 2.0 * 16.0 - 2.0) / narrow.width;
    assert!(px >= 11.0, "phone labels {px:.1} px");
    assert!(wide.font >= 12.0, "desktop labels {}", wide.font);
    // Relation colours come from the stylesheet, which has dark-mode values for each.
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
    // Every label on both drawings, the phone's too (it grows taller and scrolls).
    let wide = assert_readable(svgs(&html, "graph-wide")[0], "large wide");
    let narrow = assert_readable(svgs(&html, "graph-narrow")[0], "large narrow");
    assert_eq!((wide.nodes.len(), narrow.nodes.len()), (150, 150));
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
