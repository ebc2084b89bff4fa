//! An actor's neighbourhood graph, on its page: the actor in the middle and its direct
//! relations around it, typed and directed as on `graph.html`, laid out at build time.
//!
//! The layout is a ring, the neighbours grouped by relation type, so it costs nothing
//! to compute; at most [`NEIGHBOURS_SHOWN`] neighbours are drawn (those whose relations
//! cite the most sources), and the page says how many more there are.

use serde::Serialize;

use super::drawing::{self, Frame, Line};
use super::graph;
use crate::model::Site;
use crate::resolve::Resolved;

/// The most neighbours a drawing shows.
pub const NEIGHBOURS_SHOWN: usize = 24;
/// The wide drawing's width and the ring's radii in it; the same for the narrow one.
const WIDE: (f64, f64, f64) = (640.0, 150.0, 110.0);
const NARROW: (f64, f64, f64) = (360.0, 60.0, 120.0);
const FONT: f64 = 13.0;
const WIDE_CHARS: usize = 32;
const NARROW_CHARS: usize = 26;

/// What the actor page receives.
#[derive(Serialize)]
pub struct Neighbourhood {
    pub svg: String,
    pub svg_narrow: String,
    /// Neighbours drawn, and in all.
    pub shown: usize,
    pub total: usize,
}

/// The neighbourhood of actor `i`; `None` when it has no relation.
pub fn view(site: &Site, resolved: &Resolved, i: usize) -> Option<Neighbourhood> {
    // Each relation once, in the active voice: (type, from, to).
    let mut edges: Vec<(crate::model::RelationType, usize, usize, usize)> = resolved.actors[i]
        .relations
        .iter()
        .map(|e| {
            let (kind, flipped) = e.kind.active();
            let (from, to) = if flipped {
                (e.other.get(), i)
            } else {
                (i, e.other.get())
            };
            (kind, from, to, e.sources.len())
        })
        .collect();
    edges.sort_by_key(|&(kind, from, to, sources)| (kind, from, to, std::cmp::Reverse(sources)));
    edges.dedup_by_key(|&mut (kind, from, to, _)| (kind, from, to));
    edges.retain(|&(_, from, to, _)| from != to);
    if edges.is_empty() {
        return None;
    }
    // Neighbours by weight: one for each relation, and one for each source it cites.
    let other = |&(_, from, to, _): &(_, usize, usize, usize)| if from == i { to } else { from };
    let mut weight: Vec<(usize, usize)> = Vec::new();
    for e in &edges {
        let o = other(e);
        match weight.iter_mut().find(|(n, _)| *n == o) {
            Some(w) => w.1 += 1 + e.3,
            None => weight.push((o, 1 + e.3)),
        }
    }
    let total = weight.len();
    weight.sort_by_key(|&(n, w)| {
        (
            std::cmp::Reverse(w),
            std::cmp::Reverse(resolved.actors[n].mention_total),
            n,
        )
    });
    weight.truncate(NEIGHBOURS_SHOWN);
    let shown: Vec<usize> = weight.iter().map(|&(n, _)| n).collect();
    edges.retain(|e| shown.contains(&other(e)));
    // Around the ring, grouped by the type of each neighbour's first relation, then by name.
    let mut ring = shown.clone();
    let first_kind = |n: usize| edges.iter().find(|e| other(e) == n).map(|e| e.0);
    ring.sort_by(|&a, &b| {
        (first_kind(a), &site.actors[a].name.value)
            .cmp(&(first_kind(b), &site.actors[b].name.value))
    });
    let mut slot = vec![0usize; site.actors.len()];
    for (k, &n) in ring.iter().enumerate() {
        slot[n] = k + 1;
    }
    let lines: Vec<Line> = edges
        .iter()
        .map(|&(kind, from, to, _)| Line {
            from: slot[from],
            to: slot[to],
            kind,
        })
        .collect();
    let name = &site.actors[i].name.value;
    let title = format!(
        "{name} and {} related actor{}",
        ring.len(),
        if ring.len() == 1 { "" } else { "s" }
    );
    let draw = |(width, rx, ry): (f64, f64, f64), class: &str, id: &str, max_chars: usize| {
        let cx = width / 2.0;
        let mut nodes = vec![graph::node(site, resolved, i, cx, 0.0, "")];
        nodes[0].focus = true;
        let count = ring.len() as f64;
        for (k, &n) in ring.iter().enumerate() {
            // From the top, clockwise; one neighbour sits to the right.
            let angle = if ring.len() == 1 {
                0.0
            } else {
                -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / count
            };
            let (x, y) = (cx + rx * angle.cos(), ry * angle.sin());
            let mut node = graph::node(site, resolved, n, x, y, "");
            node.prefer_left = x < cx - 1.0;
            nodes.push(node);
        }
        let frame = Frame {
            class,
            id,
            width,
            font: FONT,
            max_chars,
            title: &title,
        };
        let order: Vec<usize> = (0..nodes.len()).collect();
        let (boxes, height) = drawing::settle(&mut nodes, &order, &frame);
        drawing::svg(&nodes, &lines, &boxes, height, &frame)
    };
    Some(Neighbourhood {
        svg: draw(WIDE, "graph ego ego-wide", "ew", WIDE_CHARS),
        svg_narrow: draw(NARROW, "graph ego ego-narrow", "en", NARROW_CHARS),
        shown: ring.len(),
        total,
    })
}
