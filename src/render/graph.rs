//! The relation graph page: a force-directed layout computed at build time and drawn
//! as inline SVG, so the graph shows without JavaScript and from `file://`, and a list
//! of the same relations in words beside it.
//!
//! The layout is Fruchterman–Reingold from a fixed start (a sunflower spiral in id
//! order), so the same input gives the same picture, byte for byte; repulsion reaches
//! [`REACH`] edge lengths, so a small unlinked cluster sits beside the rest. It draws at most
//! [`NODES_SHOWN`] actors, the most connected: above that a whole-network picture is
//! unreadable, and each actor page has its own neighbourhood graph. So a step costs
//! at most O(150²), whatever the number of actors.
//!
//! The picture is drawn twice: a wide layout for screens and a narrow, taller one for
//! phones (the stylesheet shows one), each with every label readable at its size. The
//! narrow one spaces its nodes evenly down the page in their layout's top-to-bottom
//! order ([`even_out`]), so that dense bands open up for their labels.

use rayon::prelude::*;
use serde::Serialize;

use super::drawing::{self, Frame, Line, Node};
use crate::model::{RelationType, Site};
use crate::resolve::Resolved;

/// The wide drawing's box (the narrow one's is [`NARROW`]), in drawing units.
const WIDE: (f64, f64) = (1000.0, 680.0);
const NARROW: (f64, f64) = (360.0, 640.0);
/// Space between the outermost nodes and the box's sides.
const MARGIN: f64 = 24.0;
/// Label font sizes, in drawing units: the wide SVG is shown at about its width on a
/// desktop, the narrow one at about a phone's width.
const WIDE_FONT: f64 = 13.0;
const NARROW_FONT: f64 = 13.0;
/// Labels are cut to this many characters (see [`Frame::max_chars`]).
const WIDE_CHARS: usize = 32;
const NARROW_CHARS: usize = 26;
/// How far the narrow drawing's nodes move towards even spacing down the box (see
/// [`even_out`]); the wide drawing keeps its layout.
const NARROW_EVEN: f64 = 1.0;
/// The pull towards the centre, against the repulsion.
const GRAVITY: f64 = 0.02;
/// Nodes farther apart than this (in ideal edge lengths) no longer repel: a small
/// cluster unlinked to the rest then settles beside it instead of being pushed to the
/// far edge, where fitting the box would shrink the rest to a corner.
const REACH: f64 = 3.0;
/// How far the drawing may stretch one axis more than the other to fill the box.
const STRETCH: f64 = 1.5;
/// The most actors the picture draws: above this, the most connected.
pub const NODES_SHOWN: usize = 150;

/// What `graph.html` receives.
#[derive(Serialize)]
pub struct GraphView<'a> {
    /// The wide and the narrow SVG, already escaped; empty when no actor has a relation.
    pub svg: String,
    pub svg_narrow: String,
    /// Relation types drawn, in the vocabulary's order, with how many edges each.
    pub legend: Vec<LegendEntry>,
    /// The drawn edges in words, grouped by type.
    pub groups: Vec<EdgeGroup<'a>>,
    /// Actors and relations drawn, and in all.
    pub nodes: usize,
    pub edges: usize,
    pub all_nodes: usize,
    pub all_edges: usize,
    /// Related actors left out of the picture (when there are more than [`NODES_SHOWN`]).
    pub left_out: Vec<Named<'a>>,
    /// Actors with no relation at all (not drawn).
    pub unrelated: Vec<Named<'a>>,
}

#[derive(Serialize)]
pub struct LegendEntry {
    pub kind: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
pub struct EdgeGroup<'a> {
    pub kind: &'static str,
    pub label: &'static str,
    pub edges: Vec<EdgeView<'a>>,
}

#[derive(Serialize)]
pub struct EdgeView<'a> {
    pub from: Named<'a>,
    pub to: Named<'a>,
}

#[derive(Serialize, Clone, Copy)]
pub struct Named<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// A drawn edge: from → to, in the active voice ("from backs to").
struct Edge {
    from: usize,
    to: usize,
    kind: RelationType,
}

/// Builds the graph page's view.
pub fn view<'a>(site: &'a Site, resolved: &Resolved) -> GraphView<'a> {
    let named = |i: usize| Named {
        id: &site.actors[i].id,
        name: &site.actors[i].name.value,
    };
    let mut edges: Vec<Edge> = resolved
        .declared_edges()
        .map(|(i, e)| {
            let (kind, flipped) = e.kind.active();
            let (from, to) = if flipped { (e.other, i) } else { (i, e.other) };
            Edge {
                from: from.get(),
                to: to.get(),
                kind,
            }
        })
        .collect();
    // `declared_edges` already counts a relation declared from both ends once.
    edges.sort_by_key(|e| (order(e.kind), e.from, e.to));
    let all_edges = edges.len();

    let mut degree = vec![0usize; site.actors.len()];
    for e in &edges {
        degree[e.from] += 1;
        degree[e.to] += 1;
    }
    let related: Vec<usize> = (0..site.actors.len()).filter(|&i| degree[i] > 0).collect();
    let unrelated = (0..site.actors.len())
        .filter(|&i| degree[i] == 0)
        .map(named)
        .collect();
    // The most connected actors, then the most mentioned, then in id order.
    let mut ranked = related.clone();
    ranked.sort_by_key(|&a| {
        (
            std::cmp::Reverse(degree[a]),
            std::cmp::Reverse(resolved.actors[a].mention_total),
            a,
        )
    });
    let mut shown = vec![false; site.actors.len()];
    for &a in ranked.iter().take(NODES_SHOWN) {
        shown[a] = true;
    }
    let nodes: Vec<usize> = related.iter().copied().filter(|&a| shown[a]).collect();
    let mut left_out: Vec<Named> = related
        .iter()
        .filter(|&&a| !shown[a])
        .map(|&a| named(a))
        .collect();
    left_out.sort_by(|a, b| a.name.cmp(b.name).then(a.id.cmp(b.id)));
    edges.retain(|e| shown[e.from] && shown[e.to]);

    let mut legend = Vec::new();
    let mut groups: Vec<EdgeGroup> = Vec::new();
    for e in &edges {
        let (kind, label) = (e.kind.as_str(), e.kind.label());
        if groups.last().map(|g| g.kind) != Some(kind) {
            legend.push(LegendEntry {
                kind,
                label,
                count: 0,
            });
            groups.push(EdgeGroup {
                kind,
                label,
                edges: Vec::new(),
            });
        }
        legend.last_mut().expect("pushed above").count += 1;
        let group = groups.last_mut().expect("pushed above");
        group.edges.push(EdgeView {
            from: named(e.from),
            to: named(e.to),
        });
    }
    for g in &mut groups {
        g.edges
            .sort_by(|a, b| (a.from.name, a.to.name).cmp(&(b.from.name, b.to.name)));
    }

    let (svg, svg_narrow) = if nodes.is_empty() {
        (String::new(), String::new())
    } else {
        draw(site, resolved, &nodes, &edges)
    };
    GraphView {
        svg,
        svg_narrow,
        legend,
        groups,
        nodes: nodes.len(),
        edges: edges.len(),
        all_nodes: related.len(),
        all_edges,
        left_out,
        unrelated,
    }
}

/// The vocabulary's order, for the legend and the lists.
fn order(kind: RelationType) -> usize {
    RelationType::ALL
        .iter()
        .position(|&t| t == kind)
        .unwrap_or(usize::MAX)
}

/// Positions for `n` nodes linked by `links` (indices into the nodes), in layout units
/// (the ideal edge length is 1); [`fit`] puts them in a box.
fn layout(n: usize, links: &[(usize, usize)]) -> Vec<(f64, f64)> {
    // A sunflower spiral: evenly spread, and the same every time.
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let r = (i as f64 + 0.5).sqrt();
            let a = i as f64 * golden;
            (r * a.cos(), r * a.sin())
        })
        .collect();
    let k = 1.0; // the ideal edge length, in spiral units
    let steps = (60_000 / n.max(1)).clamp(40, 300);
    let mut temperature = (n as f64).sqrt() / 4.0 + 0.5;
    let cooling = temperature / steps as f64;
    for _ in 0..steps {
        let mut force: Vec<(f64, f64)> = pos
            .par_iter()
            .enumerate()
            .map(|(i, &(xi, yi))| {
                let (mut fx, mut fy) = (0.0, 0.0);
                for (j, &(xj, yj)) in pos.iter().enumerate() {
                    if i != j {
                        let (dx, dy) = (xi - xj, yi - yj);
                        let d2 = (dx * dx + dy * dy).max(1e-4);
                        if d2 > REACH * REACH * k * k {
                            continue;
                        }
                        // Repulsion k²/d, along the unit vector: k² d⃗ / d².
                        fx += k * k * dx / d2;
                        fy += k * k * dy / d2;
                    }
                }
                // A weak pull to the centre keeps separate clusters on the page.
                (fx - GRAVITY * xi, fy - GRAVITY * yi)
            })
            .collect();
        for &(a, b) in links {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-2);
            // Attraction d²/k, along the unit vector: d d⃗ / k.
            let (fx, fy) = (d * dx / k, d * dy / k);
            force[a].0 -= fx;
            force[a].1 -= fy;
            force[b].0 += fx;
            force[b].1 += fy;
        }
        for (p, f) in pos.iter_mut().zip(&force) {
            let len = (f.0 * f.0 + f.1 * f.1).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                p.0 += f.0 / len * step;
                p.1 += f.1 / len * step;
            }
        }
        temperature = (temperature - cooling).max(0.01);
    }
    pos
}

/// Scales and centres positions into a `w` × `h` box, keeping the aspect ratio within
/// [`STRETCH`]; a layout wider than tall is turned a quarter for a taller box.
fn fit(pos: &[(f64, f64)], (w, h): (f64, f64)) -> Vec<(f64, f64)> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let turn = (x1 - x0 > y1 - y0) != (w > h);
    let (pos, x0, y0, x1, y1): (Vec<(f64, f64)>, _, _, _, _) = if turn {
        (pos.iter().map(|&(x, y)| (y, x)).collect(), y0, x0, y1, x1)
    } else {
        (pos.to_vec(), x0, y0, x1, y1)
    };
    let (dw, dh) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    let (sx, sy) = ((w - 2.0 * MARGIN) / dw, (h - 2.0 * MARGIN) / dh);
    let (sx, sy) = (sx.min(sy * STRETCH), sy.min(sx * STRETCH));
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    pos.iter()
        .map(|&(x, y)| (w / 2.0 + (x - cx) * sx, h / 2.0 + (y - cy) * sy))
        .collect()
}

/// Moves each node's y a share `even` of the way to where it would be if the nodes were
/// spaced evenly down the box in the same top-to-bottom order: dense bands open up and
/// empty ones close, so that a narrow drawing has room for its labels (x is kept).
fn even_out(pos: &[(f64, f64)], height: f64, even: f64) -> Vec<(f64, f64)> {
    let mut rank: Vec<usize> = (0..pos.len()).collect();
    rank.sort_by(|&a, &b| pos[a].1.total_cmp(&pos[b].1).then(a.cmp(&b)));
    let step = (height - 2.0 * MARGIN) / (pos.len().max(2) - 1) as f64;
    let mut out = pos.to_vec();
    for (k, &i) in rank.iter().enumerate() {
        let target = if pos.len() == 1 {
            height / 2.0
        } else {
            MARGIN + k as f64 * step
        };
        out[i].1 += (target - pos[i].1) * even;
    }
    out
}

/// The wide and the narrow SVG of the same layout.
fn draw(site: &Site, resolved: &Resolved, nodes: &[usize], edges: &[Edge]) -> (String, String) {
    let mut slot = vec![usize::MAX; site.actors.len()];
    for (n, &a) in nodes.iter().enumerate() {
        slot[a] = n;
    }
    let links: Vec<(usize, usize)> = edges.iter().map(|e| (slot[e.from], slot[e.to])).collect();
    let pos = layout(nodes.len(), &links);
    let lines: Vec<Line> = edges
        .iter()
        .map(|e| Line {
            from: slot[e.from],
            to: slot[e.to],
            kind: e.kind,
        })
        .collect();
    // Labels are placed for the most mentioned actors first.
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by_key(|&n| {
        (
            std::cmp::Reverse(resolved.actors[nodes[n]].mention_total),
            n,
        )
    });
    let title = format!("Relations between {} actors", nodes.len());
    let one = |(width, height): (f64, f64),
               class: &str,
               id: &str,
               font: f64,
               max_chars: usize,
               even: f64| {
        // Room for the labels: the box is at least tall enough for 2.5 times their area.
        let labels: f64 = nodes
            .iter()
            .map(|&a| {
                let text = drawing::label_text(&site.actors[a].name.value, max_chars);
                let (w, h) = drawing::label_size(&text, font);
                w * h
            })
            .sum();
        let box_ = (width, height.max(2.5 * labels / width));
        let mut drawn: Vec<Node> = even_out(&fit(&pos, box_), box_.1, even)
            .into_iter()
            .zip(nodes)
            .map(|((x, y), &a)| node(site, resolved, a, x, y, "actors/"))
            .collect();
        let frame = Frame {
            class,
            id,
            width: box_.0,
            font,
            max_chars,
            title: &title,
        };
        let (boxes, height) = drawing::settle(&mut drawn, &order, &frame);
        drawing::svg(&drawn, &lines, &boxes, height, &frame)
    };
    (
        one(WIDE, "graph graph-wide", "gw", WIDE_FONT, WIDE_CHARS, 0.0),
        one(
            NARROW,
            "graph graph-narrow",
            "gn",
            NARROW_FONT,
            NARROW_CHARS,
            NARROW_EVEN,
        ),
    )
}

/// A node for actor `a` at (`x`, `y`), sized by how often the sources mention it.
pub(super) fn node(site: &Site, resolved: &Resolved, a: usize, x: f64, y: f64, dir: &str) -> Node {
    let actor = &site.actors[a];
    let mentions = resolved.actors[a].mention_total;
    Node {
        x,
        y,
        r: 5.0 + (mentions as f64).sqrt().min(9.0),
        name: actor.name.value.clone(),
        href: format!("{dir}{}.html", actor.id),
        kind: actor.kind.as_str(),
        detail: format!(
            "({}, {mentions} mention{})",
            actor.kind.as_str(),
            if mentions == 1 { "" } else { "s" }
        ),
        prefer_left: false,
        focus: false,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_deterministic_and_fits_the_box() {
        let links = [(0, 1), (1, 2), (2, 0), (3, 4)];
        let one = fit(&layout(6, &links), WIDE);
        assert_eq!(one, fit(&layout(6, &links), WIDE));
        for &(x, y) in &one {
            assert!((MARGIN - 1e-6..=WIDE.0 - MARGIN + 1e-6).contains(&x), "{x}");
            assert!((MARGIN - 1e-6..=WIDE.1 - MARGIN + 1e-6).contains(&y), "{y}");
        }
        // Linked nodes end closer together than unlinked ones.
        let dist = |a: usize, b: usize| {
            ((one[a].0 - one[b].0).powi(2) + (one[a].1 - one[b].1).powi(2)).sqrt()
        };
        assert!(dist(0, 1) < dist(0, 5), "{one:?}");
        assert!(dist(3, 4) < dist(3, 0), "{one:?}");
    }

    #[test]
    fn a_wide_layout_is_turned_for_the_narrow_box() {
        let wide = [(0.0, 0.0), (10.0, 1.0), (20.0, 0.0)];
        let narrow = fit(&wide, NARROW);
        let span = |i: usize| {
            let v: Vec<f64> = narrow
                .iter()
                .map(|p| if i == 0 { p.0 } else { p.1 })
                .collect();
            v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
        };
        assert!(span(1) > span(0), "{narrow:?}");
    }

    #[test]
    fn an_unlinked_pair_settles_beside_the_rest() {
        // A star of ten and a pair linked to nothing else.
        let mut links: Vec<(usize, usize)> = (1..10).map(|k| (0, k)).collect();
        links.push((10, 11));
        let pos = layout(12, &links);
        let span = (1..10)
            .map(|k| (pos[k].0 - pos[0].0).hypot(pos[k].1 - pos[0].1))
            .fold(0.0, f64::max);
        let pair = ((pos[10].0 + pos[11].0) / 2.0, (pos[10].1 + pos[11].1) / 2.0);
        let away = (pair.0 - pos[0].0).hypot(pair.1 - pos[0].1);
        assert!(away < span + 6.0, "{away} from a star {span} wide");
    }

    #[test]
    fn evening_out_spaces_the_nodes_down_the_box_in_their_order() {
        let pos = [(5.0, 100.0), (6.0, 101.0), (7.0, 300.0), (8.0, 99.0)];
        let even = even_out(&pos, 2.0 * MARGIN + 30.0, 1.0);
        let ys: Vec<f64> = even.iter().map(|p| p.1).collect();
        assert_eq!(ys, [MARGIN + 10.0, MARGIN + 20.0, MARGIN + 30.0, MARGIN]);
        assert!(even.iter().zip(&pos).all(|(a, b)| a.0 == b.0));
        assert_eq!(even_out(&pos, 500.0, 0.0), pos);
    }

    #[test]
    fn one_node_is_centred() {
        assert_eq!(fit(&layout(1, &[]), WIDE), [(WIDE.0 / 2.0, WIDE.1 / 2.0)]);
    }
}
