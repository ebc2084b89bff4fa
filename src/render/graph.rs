//! The relation graph page: a force-directed layout computed at build time and drawn
//! as inline SVG, so the graph shows without JavaScript and from `file://`, and a list
//! of the same relations in words beside it.
//!
//! The layout is Fruchterman–Reingold from a fixed start (a sunflower spiral in id
//! order), so the same input gives the same picture, byte for byte. Each step costs
//! O(n²) for n related actors, computed in parallel per node; the number of steps
//! shrinks as n grows so that a 2,000-actor graph still lays out in about a second.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{RelationType, Site};
use crate::resolve::Resolved;
use crate::text::escape_html;

/// The drawing's coordinate box.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 720.0;
const MARGIN: f64 = 60.0;
/// The pull towards the centre, against the repulsion.
const GRAVITY: f64 = 0.02;
/// How far the drawing may stretch one axis more than the other to fill the box.
const STRETCH: f64 = 1.5;
/// Above this many nodes, only the most-mentioned carry a visible label.
const LABELS_SHOWN: usize = 80;

/// What `graph.html` receives.
#[derive(Serialize)]
pub struct GraphView<'a> {
    /// The SVG, already escaped; empty when no actor has a relation.
    pub svg: String,
    /// Relation types drawn, in the vocabulary's order, with how many edges each.
    pub legend: Vec<LegendEntry>,
    /// The same edges in words, grouped by type.
    pub groups: Vec<EdgeGroup<'a>>,
    pub nodes: usize,
    pub edges: usize,
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
            Edge { from, to, kind }
        })
        .collect();
    // `declared_edges` already counts a relation declared from both ends once.
    edges.sort_by_key(|e| (order(e.kind), e.from, e.to));

    let mut related = vec![false; site.actors.len()];
    for e in &edges {
        related[e.from] = true;
        related[e.to] = true;
    }
    let nodes: Vec<usize> = (0..site.actors.len()).filter(|&i| related[i]).collect();
    let unrelated = (0..site.actors.len())
        .filter(|&i| !related[i])
        .map(named)
        .collect();

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

    let svg = if nodes.is_empty() {
        String::new()
    } else {
        draw(site, resolved, &nodes, &edges)
    };
    GraphView {
        svg,
        legend,
        groups,
        nodes: nodes.len(),
        edges: edges.len(),
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

/// Positions for `n` nodes linked by `links` (indices into the nodes), inside the box.
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
    fit(&mut pos);
    pos
}

/// Scales and centres positions into the drawing box, keeping the aspect ratio.
fn fit(pos: &mut [(f64, f64)]) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos.iter() {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    let (sx, sy) = ((WIDTH - 2.0 * MARGIN) / w, (HEIGHT - 2.0 * MARGIN) / h);
    let (sx, sy) = (sx.min(sy * STRETCH), sy.min(sx * STRETCH));
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    for p in pos.iter_mut() {
        p.0 = WIDTH / 2.0 + (p.0 - cx) * sx;
        p.1 = HEIGHT / 2.0 + (p.1 - cy) * sy;
    }
}

/// The SVG: edges under nodes; each node a link to its actor page.
fn draw(site: &Site, resolved: &Resolved, nodes: &[usize], edges: &[Edge]) -> String {
    let mut slot = vec![usize::MAX; site.actors.len()];
    for (n, &a) in nodes.iter().enumerate() {
        slot[a] = n;
    }
    let links: Vec<(usize, usize)> = edges.iter().map(|e| (slot[e.from], slot[e.to])).collect();
    let pos = layout(nodes.len(), &links);
    let radius = |a: usize| 5.0 + (resolved.mention_totals[a] as f64).sqrt().min(9.0);
    let mut labelled: Vec<usize> = nodes.to_vec();
    if labelled.len() > LABELS_SHOWN {
        labelled.sort_by_key(|&a| (std::cmp::Reverse(resolved.mention_totals[a]), a));
        labelled.truncate(LABELS_SHOWN);
    }
    let mut show_label = vec![false; site.actors.len()];
    for a in labelled {
        show_label[a] = true;
    }

    let mut svg = String::with_capacity(200 * (nodes.len() + edges.len()) + 1024);
    let _ = write!(
        svg,
        "<svg class=\"graph\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"group\" \
         aria-labelledby=\"graph-title\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"graph-title\">Relations between {} actors</title>\n\
         <defs>",
        nodes.len()
    );
    // One arrowhead per directed type, coloured as its lines (by the stylesheet).
    for kind in RelationType::ALL {
        if kind.active() == (kind, false) && !kind.is_symmetric() {
            let _ = write!(
                svg,
                "<marker id=\"arrow-{0}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
                 markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
                 <path class=\"head rel-{0}\" d=\"M0,0L10,5L0,10z\"/></marker>",
                kind.as_str()
            );
        }
    }
    svg.push_str("</defs>\n<g class=\"edges\">\n");
    for e in edges {
        let (a, b) = (pos[slot[e.from]], pos[slot[e.to]]);
        // Stop the line at the target's rim, so the arrowhead shows.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let d = (dx * dx + dy * dy).sqrt().max(1e-9);
        let back = if e.kind.is_symmetric() {
            0.0
        } else {
            radius(e.to) + 2.0
        };
        let (x2, y2) = (b.0 - dx / d * back, b.1 - dy / d * back);
        let marker = if e.kind.is_symmetric() {
            ""
        } else {
            &format!(" marker-end=\"url(#arrow-{})\"", e.kind.as_str())
        };
        let _ = writeln!(
            svg,
            "<line class=\"edge rel-{}\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"{marker}>\
             <title>{} {} {}</title></line>",
            e.kind.as_str(),
            a.0,
            a.1,
            escape_html(&site.actors[e.from].name.value),
            e.kind.as_str().replace('-', " "),
            escape_html(&site.actors[e.to].name.value),
        );
    }
    svg.push_str("</g>\n<g class=\"nodes\">\n");
    for (n, &a) in nodes.iter().enumerate() {
        let actor = &site.actors[a];
        let (x, y) = pos[n];
        let r = radius(a);
        let name = escape_html(&actor.name.value);
        let _ = write!(
            svg,
            "<a href=\"actors/{}.html\"><circle class=\"node kind-{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\">\
             <title>{name} ({}, {} mentions)</title></circle>",
            actor.id,
            actor.kind.as_str(),
            actor.kind.as_str(),
            resolved.mention_totals[a],
        );
        if show_label[a] {
            // Labels of the right-hand third run leftwards, so they stay in the box.
            let (lx, anchor) = if x > WIDTH * 2.0 / 3.0 {
                (x - r - 3.0, " text-anchor=\"end\"")
            } else {
                (x + r + 3.0, "")
            };
            let _ = write!(
                svg,
                "<text x=\"{lx:.1}\" y=\"{:.1}\"{anchor}>{name}</text>",
                y + 4.0
            );
        }
        svg.push_str("</a>\n");
    }
    svg.push_str("</g>\n</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_deterministic_and_stays_in_the_box() {
        let links = [(0, 1), (1, 2), (2, 0), (3, 4)];
        let one = layout(6, &links);
        assert_eq!(one, layout(6, &links));
        for &(x, y) in &one {
            assert!((MARGIN - 1e-6..=WIDTH - MARGIN + 1e-6).contains(&x), "{x}");
            assert!((MARGIN - 1e-6..=HEIGHT - MARGIN + 1e-6).contains(&y), "{y}");
        }
        // Linked nodes end closer together than unlinked ones.
        let dist = |a: usize, b: usize| {
            ((one[a].0 - one[b].0).powi(2) + (one[a].1 - one[b].1).powi(2)).sqrt()
        };
        assert!(dist(0, 1) < dist(0, 5), "{one:?}");
        assert!(dist(3, 4) < dist(3, 0), "{one:?}");
    }

    #[test]
    fn one_node_is_centred() {
        assert_eq!(layout(1, &[]), [(WIDTH / 2.0, HEIGHT / 2.0)]);
    }
}
