//! Drawing a laid-out graph as inline SVG: labels placed around their nodes where they
//! overlap no other label and no node, and the markup (typed, directed edges; each
//! node a link with its label), shared by `graph.html` and the actor pages.
//!
//! A label's box is estimated from its font size and character count ([`label_box`]);
//! the tests measure the drawn SVG with the same estimate. Each label takes the first
//! free place among [`candidates`]: beside, below or above its node, then on rings at
//! growing distances, where a dashed leader line joins node and label. A label without
//! a leader must be nearer its own node's rim than any other's, so that it reads as
//! its node's. A leader may cross edges and nodes but no label, and no later label
//! covers it. Collision checks
//! go through a spatial hash, so a pass costs about nodes × candidates. When some label
//! still finds no free place, the drawing is stretched vertically and the labels placed
//! again: the width stays that of the drawing's box, the height grows.

use std::fmt::Write as _;

use crate::model::RelationType;
use crate::text::escape_html;

/// Width of one character, in ems: a generous estimate for proportional sans-serif text.
pub const CHAR_WIDTH: f64 = 0.6;
/// Space around a label's text inside its box, in drawing units.
pub const LABEL_PAD: f64 = 2.0;
/// A label's box is this many font sizes tall.
pub const LINE_HEIGHT: f64 = 1.25;
/// The text's baseline sits this many font sizes below the middle of its box.
pub const BASELINE: f64 = 0.35;
/// Gap between a node's rim and its label.
const GAP: f64 = 3.0;
/// Space above and below the drawing.
const PAD_Y: f64 = 10.0;
/// How much each retry stretches the drawing vertically, and how often it may (at most
/// about 3.1 times in all: past that, a label that still finds no place is left out and
/// its node keeps its tooltip).
const STRETCH_STEP: f64 = 1.1;
const STRETCH_TRIES: usize = 12;
/// Rings of far places tried around a node, a line height apart, and the directions on
/// each.
const RINGS: usize = 10;
const RING_DIRECTIONS: usize = 16;

/// A box in drawing units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether the box and the circle at (`cx`, `cy`) of radius `r` share any point.
    pub fn touches_circle(&self, cx: f64, cy: f64, r: f64) -> bool {
        let dx = cx - cx.clamp(self.x0, self.x1);
        let dy = cy - cy.clamp(self.y0, self.y1);
        dx * dx + dy * dy < r * r
    }
}

/// The text drawn for a name: cut to `max` characters, with an ellipsis (the node's
/// title keeps the whole name).
pub fn label_text(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let cut: String = name.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The box of a label drawn at `x` with this `text-anchor`, its baseline at `y` (how a
/// reader of the SVG measures it).
#[cfg(test)]
fn label_box(text: &str, x: f64, y: f64, anchor: &str, font: f64) -> Rect {
    let (w, h) = label_size(text, font);
    let x0 = match anchor {
        "end" => x + LABEL_PAD - w,
        "middle" => x - w / 2.0,
        _ => x - LABEL_PAD,
    };
    let mid = y - BASELINE * font;
    Rect {
        x0,
        y0: mid - h / 2.0,
        x1: x0 + w,
        y1: mid + h / 2.0,
    }
}

/// The estimated width and height of a label's box.
pub fn label_size(text: &str, font: f64) -> (f64, f64) {
    let chars = text.chars().count() as f64;
    (
        chars * CHAR_WIDTH * font + 2.0 * LABEL_PAD,
        LINE_HEIGHT * font,
    )
}

/// A node to draw.
pub struct Node {
    pub x: f64,
    pub y: f64,
    pub r: f64,
    /// The whole name (the label may be cut).
    pub name: String,
    /// Relative link to the actor page.
    pub href: String,
    pub kind: &'static str,
    /// What the node's tooltip adds after the name: "(person, 12 mentions)".
    pub detail: String,
    /// Try the label's left side before its right.
    pub prefer_left: bool,
    /// Drawn with a ring (the actor a neighbourhood graph is about).
    pub focus: bool,
}

/// An edge in the active voice: `from` backs `to`; indices into the nodes.
pub struct Line {
    pub from: usize,
    pub to: usize,
    pub kind: RelationType,
}

/// What the SVG is: its class, a prefix for its ids, its width, font size and title.
pub struct Frame<'a> {
    pub class: &'a str,
    pub id: &'a str,
    pub width: f64,
    pub font: f64,
    /// Labels longer than this are cut. A label at most about (width − 20) / 1.5 wide fits
    /// beside or centred on any node inside the width, so stretching always finds it a place.
    pub max_chars: usize,
    pub title: &'a str,
}

/// Places every label, stretching the drawing vertically until each finds a place
/// (see the module's note), moves the drawing to start at y = 0, and returns the
/// label boxes (in the nodes' order) and the drawing's height.
pub fn settle(nodes: &mut [Node], order: &[usize], frame: &Frame) -> (Vec<Option<Rect>>, f64) {
    let mut boxes = place_labels(nodes, order, frame);
    for _ in 0..STRETCH_TRIES {
        if boxes.iter().all(Option::is_some) || nodes.len() < 2 {
            break;
        }
        let mid = nodes.iter().map(|n| n.y).sum::<f64>() / nodes.len() as f64;
        for n in nodes.iter_mut() {
            n.y = mid + (n.y - mid) * STRETCH_STEP;
        }
        boxes = place_labels(nodes, order, frame);
    }
    // Shift everything so the drawing starts at the top.
    let mut top = f64::MAX;
    let mut bottom = f64::MIN;
    for n in nodes.iter() {
        top = top.min(n.y - n.r);
        bottom = bottom.max(n.y + n.r);
    }
    for b in boxes.iter().flatten() {
        top = top.min(b.y0);
        bottom = bottom.max(b.y1);
    }
    if nodes.is_empty() {
        (top, bottom) = (0.0, 0.0);
    }
    let shift = PAD_Y - top;
    for n in nodes.iter_mut() {
        n.y += shift;
    }
    for b in boxes.iter_mut().flatten() {
        b.y0 += shift;
        b.y1 += shift;
    }
    (boxes, bottom - top + 2.0 * PAD_Y)
}

/// One pass of label placement, in `order` (most important first): each label takes the
/// first candidate place around its node that stays inside the width and overlaps no
/// node and no label placed before it. The checks look only at the obstacles a spatial
/// hash files near the candidate, so a pass costs about nodes × candidates.
fn place_labels(nodes: &[Node], order: &[usize], frame: &Frame) -> Vec<Option<Rect>> {
    let mut boxes: Vec<Option<Rect>> = vec![None; nodes.len()];
    let mut grid = Grid::new(LINE_HEIGHT * frame.font * 2.0);
    for n in nodes {
        let r = n.r + 1.0;
        grid.add(Obstacle::Node(n.x, n.y, r));
    }
    for &i in order {
        let n = &nodes[i];
        let text = label_text(&n.name, frame.max_chars);
        let (w, h) = label_size(&text, frame.font);
        let free = |b: &Rect| {
            b.x0 >= 0.0
                && b.x1 <= frame.width
                && grid.is_free(b)
                && match leader(n, b, frame.font) {
                    Some(l) => grid.is_clear(&l),
                    None => grid.is_nearest(n, b),
                }
        };
        let found = candidates(n, w, h).into_iter().find(|b| free(b));
        if let Some(b) = found {
            grid.add(Obstacle::Label(b));
            if let Some(l) = leader(n, &b, frame.font) {
                grid.add(Obstacle::Leader(l));
            }
            boxes[i] = Some(b);
        }
    }
    boxes
}

/// What a label may not cover: a node's circle (centre and radius), a placed label, or
/// a leader line (which no label may cover either).
#[derive(Clone, Copy)]
enum Obstacle {
    Node(f64, f64, f64),
    Label(Rect),
    Leader(Segment),
}

/// A line from (`x0`, `y0`) to (`x1`, `y1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Segment {
    fn bounds(&self) -> Rect {
        Rect {
            x0: self.x0.min(self.x1),
            y0: self.y0.min(self.y1),
            x1: self.x0.max(self.x1),
            y1: self.y0.max(self.y1),
        }
    }

    /// Whether the line passes through the inside of `b` (Liang–Barsky clipping).
    pub fn crosses(&self, b: &Rect) -> bool {
        let (dx, dy) = (self.x1 - self.x0, self.y1 - self.y0);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, self.x0 - b.x0),
            (dx, b.x1 - self.x0),
            (-dy, self.y0 - b.y0),
            (dy, b.y1 - self.y0),
        ] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        t0 < t1
    }
}

impl Obstacle {
    fn bounds(&self) -> Rect {
        match *self {
            Obstacle::Node(x, y, r) => Rect {
                x0: x - r,
                y0: y - r,
                x1: x + r,
                y1: y + r,
            },
            Obstacle::Label(b) => b,
            Obstacle::Leader(l) => l.bounds(),
        }
    }

    fn hits(&self, b: &Rect) -> bool {
        match *self {
            Obstacle::Node(x, y, r) => b.touches_circle(x, y, r),
            Obstacle::Label(c) => b.overlaps(&c),
            Obstacle::Leader(l) => l.crosses(b),
        }
    }
}

/// How far a box is from the rim of the circle at (`x`, `y`) of radius `r`.
fn rim_distance(b: &Rect, x: f64, y: f64, r: f64) -> f64 {
    let (dx, dy) = (x - x.clamp(b.x0, b.x1), y - y.clamp(b.y0, b.y1));
    (dx * dx + dy * dy).sqrt() - r
}

/// A spatial hash: square cells of side `cell`, each listing the obstacles whose
/// bounds reach into it.
struct Grid {
    cell: f64,
    /// The largest node radius filed.
    max_radius: f64,
    items: Vec<Obstacle>,
    cells: std::collections::HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn new(cell: f64) -> Self {
        Grid {
            cell,
            max_radius: 0.0,
            items: Vec::new(),
            cells: std::collections::HashMap::new(),
        }
    }

    /// The cells a box reaches into.
    fn span(&self, b: &Rect) -> impl Iterator<Item = (i64, i64)> {
        let at = |v: f64| (v / self.cell).floor() as i64;
        let (cx0, cx1, cy0, cy1) = (at(b.x0), at(b.x1), at(b.y0), at(b.y1));
        (cx0..=cx1).flat_map(move |cx| (cy0..=cy1).map(move |cy| (cx, cy)))
    }

    fn add(&mut self, o: Obstacle) {
        if let Obstacle::Node(_, _, r) = o {
            self.max_radius = self.max_radius.max(r);
        }
        let k = self.items.len();
        self.items.push(o);
        for c in self.span(&o.bounds()).collect::<Vec<_>>() {
            self.cells.entry(c).or_default().push(k);
        }
    }

    fn is_free(&self, b: &Rect) -> bool {
        self.near(b).all(|o| !o.hits(b))
    }

    /// Whether a leader line passes through no placed label (it may cross nodes' edges
    /// and other leaders).
    fn is_clear(&self, l: &Segment) -> bool {
        self.near(&l.bounds()).all(|o| match o {
            Obstacle::Label(b) => !l.crosses(b),
            _ => true,
        })
    }

    /// Whether no other node's rim is nearer the label box `b` than its own node `n`'s,
    /// so that a label without a leader line reads as its node's.
    fn is_nearest(&self, n: &Node, b: &Rect) -> bool {
        let own = rim_distance(b, n.x, n.y, n.r);
        let reach = own + self.max_radius;
        let around = Rect {
            x0: b.x0 - reach,
            y0: b.y0 - reach,
            x1: b.x1 + reach,
            y1: b.y1 + reach,
        };
        self.near(&around).all(|o| match *o {
            // The own node counts too, at its own distance: not nearer than itself.
            Obstacle::Node(x, y, r) => rim_distance(b, x, y, r - 1.0) >= own - 1e-9,
            _ => true,
        })
    }

    /// The obstacles filed in the cells a box reaches into (some more than once).
    fn near<'a>(&'a self, b: &Rect) -> impl Iterator<Item = &'a Obstacle> + 'a {
        self.span(b)
            .filter_map(|c| self.cells.get(&c))
            .flatten()
            .map(|&k| &self.items[k])
    }
}

/// Places for a `w` × `h` label around node `n`, nearest and most readable first:
/// beside, below, above and at the corners of the node, a little shifted; then on rings
/// at growing distances, where the drawing adds a leader line from node to label.
fn candidates(n: &Node, w: f64, h: f64) -> Vec<Rect> {
    let (x, y, r) = (n.x, n.y, n.r);
    let at = |x0: f64, y0: f64| Rect {
        x0,
        y0,
        x1: x0 + w,
        y1: y0 + h,
    };
    let right = x + r + GAP;
    let left = x - r - GAP - w;
    let centre = x - w / 2.0;
    let mid = y - h / 2.0;
    let (below, above) = (y + r + 1.0, y - r - 1.0 - h);
    let (sides, corners) = if n.prefer_left {
        ([left, right], [x - r * 0.7 - w, x + r * 0.7])
    } else {
        ([right, left], [x + r * 0.7, x - r * 0.7 - w])
    };
    let mut out = Vec::with_capacity(26 + RINGS * RING_DIRECTIONS);
    for sx in sides {
        out.push(at(sx, mid));
    }
    out.push(at(centre, below));
    out.push(at(centre, above));
    for cx in corners {
        out.push(at(cx, y + r * 0.7));
        out.push(at(cx, y - r * 0.7 - h));
    }
    // A little farther: shifted down or up by half a line, a line, a line and a half.
    for step in [0.5, 1.0, 1.5] {
        let dy = step * h;
        for sx in sides {
            out.push(at(sx, mid + dy));
            out.push(at(sx, mid - dy));
        }
        out.push(at(centre, below + dy));
        out.push(at(centre, above - dy));
    }
    // Rings: the box's near side one, two, … line heights past the rim, in directions
    // from the preferred side round to the other.
    let first = if n.prefer_left { 0.5 } else { 0.0 };
    for ring in 1..=RINGS {
        let reach = r + GAP + ring as f64 * h;
        for k in 0..RING_DIRECTIONS {
            // 0, +1, −1, +2, −2, … steps from the preferred side.
            let step = k.div_ceil(2);
            let sign = if k % 2 == 1 { 1.0 } else { -1.0 };
            let turn = first + sign * step as f64 / RING_DIRECTIONS as f64;
            let (sin, cos) = (std::f64::consts::TAU * turn).sin_cos();
            let (dx, dy) = (cos, sin);
            // From the node's centre to the box's centre: the reach, plus the box's half
            // extent along the direction.
            let along = reach + dx.abs() * w / 2.0 + dy.abs() * h / 2.0;
            out.push(at(x + dx * along - w / 2.0, y + dy * along - h / 2.0));
        }
    }
    out
}

/// The leader line from node `n` to its label box `b`, when the box is far enough from
/// the node to need one: from the node's rim to the box's point nearest its centre.
pub fn leader(n: &Node, b: &Rect, font: f64) -> Option<Segment> {
    let (px, py) = (n.x.clamp(b.x0, b.x1), n.y.clamp(b.y0, b.y1));
    let (dx, dy) = (px - n.x, py - n.y);
    let d = (dx * dx + dy * dy).sqrt();
    (d > n.r + GAP + 0.5 * LINE_HEIGHT * font).then(|| Segment {
        x0: n.x + dx / d * n.r,
        y0: n.y + dy / d * n.r,
        x1: px,
        y1: py,
    })
}

/// The SVG markup: edges under nodes; each node a link holding its circle and label.
/// No `role="img"` (it would hide the links): the SVG is a labelled group.
pub fn svg(
    nodes: &[Node],
    lines: &[Line],
    boxes: &[Option<Rect>],
    height: f64,
    frame: &Frame,
) -> String {
    let id = frame.id;
    let mut svg = String::with_capacity(160 * nodes.len() + 120 * lines.len() + 1024);
    let _ = write!(
        svg,
        "<svg class=\"{}\" viewBox=\"0 0 {} {:.0}\" role=\"group\" aria-labelledby=\"{id}-title\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title>\n<defs>",
        frame.class,
        frame.width,
        height.ceil(),
        escape_html(frame.title),
    );
    // One arrowhead per directed type, coloured as its lines (by the stylesheet).
    for kind in RelationType::ALL {
        if kind.active() == (kind, false) && !kind.is_symmetric() {
            let _ = write!(
                svg,
                "<marker id=\"{id}-arrow-{0}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
                 markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
                 <path class=\"head rel-{0}\" d=\"M0,0L10,5L0,10z\"/></marker>",
                kind.as_str()
            );
        }
    }
    // The edges repeat what the node links and the relations in words say.
    svg.push_str("</defs>\n<g class=\"edges\" aria-hidden=\"true\">\n");
    for e in lines {
        let (a, b) = (&nodes[e.from], &nodes[e.to]);
        // Stop the line at the target's rim, so the arrowhead shows.
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let d = (dx * dx + dy * dy).sqrt().max(1e-9);
        let directed = !e.kind.is_symmetric();
        let back = if directed { b.r + 2.0 } else { 0.0 };
        let (x2, y2) = (b.x - dx / d * back, b.y - dy / d * back);
        let marker = if directed {
            format!(" marker-end=\"url(#{id}-arrow-{})\"", e.kind.as_str())
        } else {
            String::new()
        };
        let _ = writeln!(
            svg,
            "<line class=\"edge rel-{}\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"{marker}>\
             <title>{} {} {}</title></line>",
            e.kind.as_str(),
            a.x,
            a.y,
            escape_html(&a.name),
            e.kind.as_str().replace('-', " "),
            escape_html(&b.name),
        );
    }
    let _ = writeln!(
        svg,
        "</g>\n<g class=\"nodes\" font-size=\"{}\">",
        frame.font
    );
    for (n, b) in nodes.iter().zip(boxes) {
        let name = escape_html(&n.name);
        let focus = if n.focus { " focus" } else { "" };
        let _ = write!(
            svg,
            "<a href=\"{}\"><title>{name} {}</title><circle class=\"node kind-{}{focus}\" \
             cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\"/>",
            escape_html(&n.href),
            escape_html(&n.detail),
            n.kind,
            n.x,
            n.y,
            n.r,
        );
        if let Some(l) = b.and_then(|b| leader(n, &b, frame.font)) {
            let _ = write!(
                svg,
                "<line class=\"leader\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
                l.x0, l.y0, l.x1, l.y1,
            );
        }
        if let Some(b) = b {
            // The text hugs the node's side of its box: the width is an estimate, generous
            // for most names, and the slack stays on the far side.
            let (x, anchor) = if b.x1 <= n.x - 0.7 * n.r + 0.01 {
                (b.x1 - LABEL_PAD, " text-anchor=\"end\"")
            } else if b.x0 >= n.x + 0.7 * n.r - 0.01 {
                (b.x0 + LABEL_PAD, "")
            } else {
                ((b.x0 + b.x1) / 2.0, " text-anchor=\"middle\"")
            };
            let mid = (b.y0 + b.y1) / 2.0;
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\"{anchor}>{}</text>",
                mid + BASELINE * frame.font,
                escape_html(&label_text(&n.name, frame.max_chars)),
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

    fn node(x: f64, y: f64, name: &str) -> Node {
        Node {
            x,
            y,
            r: 8.0,
            name: name.into(),
            href: String::new(),
            kind: "person",
            detail: String::new(),
            prefer_left: false,
            focus: false,
        }
    }

    fn frame() -> Frame<'static> {
        Frame {
            class: "graph",
            id: "g",
            width: 300.0,
            font: 12.0,
            max_chars: 24,
            title: "t",
        }
    }

    #[test]
    fn crowded_labels_get_places_that_overlap_nothing() {
        // Five nodes close together in a narrow box: the drawing stretches until each label fits.
        let mut nodes: Vec<Node> = (0..5)
            .map(|i| {
                node(
                    60.0,
                    100.0 + 8.0 * i as f64,
                    &format!("A rather long name {i}"),
                )
            })
            .collect();
        let order: Vec<usize> = (0..5).collect();
        let (boxes, height) = settle(&mut nodes, &order, &frame());
        let boxes: Vec<Rect> = boxes.into_iter().map(|b| b.expect("placed")).collect();
        for (i, b) in boxes.iter().enumerate() {
            assert!(b.x0 >= 0.0 && b.x1 <= 300.0 && b.y0 >= 0.0 && b.y1 <= height);
            for (j, c) in boxes.iter().enumerate() {
                assert!(i == j || !b.overlaps(c), "{b:?} {c:?}");
            }
            for n in &nodes {
                assert!(!b.touches_circle(n.x, n.y, n.r), "{b:?}");
            }
        }
    }

    #[test]
    fn the_drawn_label_measures_as_the_placed_box() {
        let mut nodes = vec![node(50.0, 50.0, "Hassan Nasrallah")];
        let (boxes, height) = settle(&mut nodes, &[0], &frame());
        let svg = svg(&nodes, &[], &boxes, height, &frame());
        let text = svg.split("<text x=\"").nth(1).expect("a label");
        let num = |s: &str| s.parse::<f64>().expect("number");
        let x = num(text.split('"').next().unwrap());
        let y = num(text
            .split("y=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap());
        let anchor = text
            .split("text-anchor=\"")
            .nth(1)
            .map_or("start", |a| a.split('"').next().unwrap());
        let drawn = label_box("Hassan Nasrallah", x, y, anchor, 12.0);
        let placed = boxes[0].expect("placed");
        assert!((drawn.x0 - placed.x0).abs() < 0.1 && (drawn.y1 - placed.y1).abs() < 0.1);
        assert!(!svg.contains("role=\"img\""));
    }

    #[test]
    fn a_label_crowded_out_of_every_near_place_gets_a_far_one_with_a_leader() {
        // A node ringed closely by twelve others: no place beside it is free.
        let mut nodes = vec![node(150.0, 150.0, "Centre")];
        for k in 0..12 {
            let a = std::f64::consts::TAU * k as f64 / 12.0;
            nodes.push(node(150.0 + 22.0 * a.cos(), 150.0 + 22.0 * a.sin(), "x"));
        }
        let boxes = place_labels(&nodes, &[0], &frame());
        let b = boxes[0].expect("placed");
        assert!(
            nodes.iter().all(|n| !b.touches_circle(n.x, n.y, n.r)),
            "{b:?}"
        );
        let l = leader(&nodes[0], &b, 12.0).expect("a leader");
        assert!(
            ((l.x0 - 150.0).hypot(l.y0 - 150.0) - 8.0).abs() < 1e-9,
            "{l:?}"
        );
        assert!((b.x0..=b.x1).contains(&l.x1) && (b.y0..=b.y1).contains(&l.y1));
        let svg = svg(&nodes, &[], &boxes, 300.0, &frame());
        assert_eq!(svg.matches("<line class=\"leader\"").count(), 1);
    }

    #[test]
    fn no_leader_passes_through_a_label_and_no_label_covers_a_leader() {
        let box_ = Rect {
            x0: 10.0,
            y0: 10.0,
            x1: 50.0,
            y1: 25.0,
        };
        let through = Segment {
            x0: 0.0,
            y0: 0.0,
            x1: 60.0,
            y1: 30.0,
        };
        let beside = Segment {
            x0: 0.0,
            y0: 30.0,
            x1: 60.0,
            y1: 30.0,
        };
        assert!(through.crosses(&box_));
        assert!(!beside.crosses(&box_));
        let mut grid = Grid::new(16.0);
        grid.add(Obstacle::Label(box_));
        assert!(!grid.is_clear(&through) && grid.is_clear(&beside));
        let mut grid = Grid::new(16.0);
        grid.add(Obstacle::Leader(through));
        assert!(!grid.is_free(&box_));
    }

    #[test]
    fn a_label_without_a_leader_sits_nearer_its_own_node_than_any_other() {
        // A box between A and B, nearer B, reads as B's label, not A's.
        let nodes = [node(100.0, 100.0, "A"), node(100.0, 128.0, "B")];
        let mut grid = Grid::new(30.0);
        for n in &nodes {
            grid.add(Obstacle::Node(n.x, n.y, n.r + 1.0));
        }
        let below = Rect {
            x0: 90.0,
            y0: 112.0,
            x1: 110.0,
            y1: 118.0,
        };
        assert!(!grid.is_nearest(&nodes[0], &below));
        assert!(grid.is_nearest(&nodes[1], &below));
        let right = Rect {
            x0: 111.0,
            y0: 94.0,
            x1: 140.0,
            y1: 106.0,
        };
        assert!(grid.is_nearest(&nodes[0], &right));
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        let long = "A".repeat(40);
        assert_eq!(label_text(&long, 30).chars().count(), 30);
        assert!(label_text(&long, 30).ends_with('…'));
        assert_eq!(label_text("Hamas", 30), "Hamas");
    }
}
