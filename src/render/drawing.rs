//! Drawing a laid-out graph as inline SVG: labels placed beside their nodes where they
//! overlap no other label and no node, and the markup (typed, directed edges; each
//! node a link with its label), shared by `graph.html` and the actor pages.
//!
//! A label's box is estimated from its font size and character count ([`label_box`]);
//! the tests measure the drawn SVG with the same estimate. When some label finds no
//! free place, the drawing is stretched vertically and the labels placed again, so
//! that labels find room: the width stays that of the drawing's box, the height grows.

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
/// first candidate place beside its node that stays inside the width and overlaps no
/// node and no label placed before it.
fn place_labels(nodes: &[Node], order: &[usize], frame: &Frame) -> Vec<Option<Rect>> {
    let mut boxes: Vec<Option<Rect>> = vec![None; nodes.len()];
    let mut placed: Vec<Rect> = Vec::with_capacity(nodes.len());
    for &i in order {
        let n = &nodes[i];
        let text = label_text(&n.name, frame.max_chars);
        let (w, h) = label_size(&text, frame.font);
        let free = |b: &Rect| {
            b.x0 >= 0.0
                && b.x1 <= frame.width
                && !placed.iter().any(|p| p.overlaps(b))
                && !nodes.iter().any(|m| b.touches_circle(m.x, m.y, m.r + 1.0))
        };
        let found = candidates(n, w, h).into_iter().find(|b| free(b));
        if let Some(b) = found {
            placed.push(b);
            boxes[i] = Some(b);
        }
    }
    boxes
}

/// Places for a `w` × `h` label around node `n`, nearest and most readable first.
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
    let mut out = Vec::with_capacity(26);
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
    out
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
    fn long_names_are_cut_with_an_ellipsis() {
        let long = "A".repeat(40);
        assert_eq!(label_text(&long, 30).chars().count(), 30);
        assert!(label_text(&long, 30).ends_with('…'));
        assert_eq!(label_text("Hamas", 30), "Hamas");
    }
}
