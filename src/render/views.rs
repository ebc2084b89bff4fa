//! View structs: what each template receives, built from the model and the resolved data.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::{Actor, ActorIx, PartialDate, RelationType, Site, Source, SourceIx};
use crate::resolve::markdown::cite_marker;
use crate::resolve::{Doc, Edge, Resolved, ResolvedActor};
use crate::text::{escape_html, push_escaped_html};

#[derive(Serialize, Clone)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
}

/// A link to an actor page.
#[derive(Serialize, Clone)]
pub struct ActorRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    pub summary: Option<&'a str>,
    pub mentions: u32,
}

impl<'a> ActorRef<'a> {
    pub fn new(site: &'a Site, resolved: &Resolved, i: ActorIx) -> Self {
        let a: &Actor = &site.actors[i];
        ActorRef {
            id: &a.id,
            name: &a.name.value,
            kind: a.kind.as_str(),
            summary: a.summary.as_deref(),
            mentions: resolved.actors[i].mention_total,
        }
    }
}

/// A link to an actor from another actor's, a source's or an outlet's page: only what
/// the link shows, so such a page changes only when these do (see `incremental`).
#[derive(Serialize, Clone)]
pub struct ActorLink<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
}

impl<'a> ActorLink<'a> {
    pub fn new(site: &'a Site, i: ActorIx) -> Self {
        let a: &Actor = &site.actors[i];
        ActorLink {
            id: &a.id,
            name: &a.name.value,
            kind: a.kind.as_str(),
        }
    }
}

/// A link to a source page.
#[derive(Serialize, Clone)]
pub struct SourceRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<String>,
    pub date_human: Option<String>,
    pub outlet: Option<OutletRef<'a>>,
    pub summary: Option<&'a str>,
}

impl<'a> SourceRef<'a> {
    pub fn new(site: &'a Site, resolved: &Resolved, i: SourceIx) -> Self {
        let s: &Source = &site.sources[i];
        SourceRef {
            id: &s.id,
            title: &s.title,
            date: s.date.map(|d| d.to_string()),
            date_human: s.date.map(|d| d.human()),
            outlet: resolved.sources[i].outlet.map(|o| {
                let x = &site.outlets[o];
                OutletRef {
                    id: &x.id,
                    name: &x.name,
                }
            }),
            summary: s.summary.as_deref(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct OutletRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// How many sources one page of backlinks shows: the actor page the newest, then
/// `actors/<id>/sources-<n>.html` the rest, in the same order.
pub const BACKLINKS_PER_PAGE: usize = 25;

/// How many pages of backlinks an actor has (1 when it has none: its own page).
pub fn backlink_pages(r: &ResolvedActor) -> usize {
    r.backlinks.len().div_ceil(BACKLINKS_PER_PAGE).max(1)
}

/// The path of page `n` (from 1) of an actor's backlinks.
pub fn backlinks_path(id: &str, n: usize) -> String {
    if n <= 1 {
        format!("actors/{id}.html")
    } else {
        format!("actors/{id}/sources-{n}.html")
    }
}

#[derive(Serialize)]
pub struct LinkView {
    pub label: &'static str,
    pub url: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct EdgeView<'a> {
    pub actor: ActorLink<'a>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// No end date: the relation holds today as far as the profile says.
    pub current: bool,
    pub note: Option<&'a str>,
    /// Reference numbers of its sources, in the page's list of references.
    pub cites: Vec<u32>,
}

#[derive(Serialize)]
pub struct RelationGroup<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: &'static str,
    pub edges: Vec<EdgeView<'a>>,
}

/// A relation in plain words, from the point of view of the actor whose page shows it:
/// "Hezbollah · Led by", "Iran · Backs". Every heading completes the actor's name.
pub fn phrase(kind: RelationType) -> &'static str {
    match kind {
        RelationType::LeaderOf => "Leads",
        RelationType::LedBy => "Led by",
        RelationType::PartOf => "Part of",
        RelationType::HasPart => "Includes",
        RelationType::MemberOf => "Member of",
        RelationType::HasMember => "Has as members",
        RelationType::BackedBy => "Backed by",
        RelationType::Backs => "Backs",
        RelationType::AllyOf => "Allied with",
        RelationType::Opposes => "Opposes",
    }
}

/// A run of a passage's text; `mark` for a mention of the page's actor.
struct PartView<'a> {
    text: Cow<'a, str>,
    mark: bool,
}

/// A passage as the template shows it: `html` is its text, escaped, each mention of the
/// page's actor in a `<mark>`. Made here rather than by a loop in the template, which
/// cost a variable lookup and an escape call per run of text on every actor page.
#[derive(Serialize)]
pub struct PassageView {
    pub paragraph: u32,
    pub html: String,
}

/// The runs of a passage as HTML: escaped, the marked ones in `<mark>`.
fn passage_html(parts: &[PartView]) -> String {
    let len: usize = parts.iter().map(|p| p.text.len() + 13).sum();
    let mut html = String::with_capacity(len + len / 8);
    for part in parts {
        if part.mark {
            html.push_str("<mark>");
            push_escaped_html(&mut html, &part.text);
            html.push_str("</mark>");
        } else {
            push_escaped_html(&mut html, &part.text);
        }
    }
    html
}

#[derive(Serialize)]
pub struct BacklinkView<'a> {
    pub source: SourceRef<'a>,
    pub count: u32,
    pub passages: Vec<PassageView>,
}

/// A sentence around the first mention of `actor` at `first`, with every later mention
/// of the actor in the same sentence marked as well (a sentence is listed once).
fn passage_view(doc: &Doc, actor: ActorIx, first: u32) -> PassageView {
    let m = &doc.mentions[first as usize];
    let (before, text, after) = doc.context(m);
    let mut parts = vec![
        PartView {
            text: before,
            mark: false,
        },
        PartView {
            text: Cow::Borrowed(text),
            mark: true,
        },
    ];
    let mut rest = after;
    let same_sentence = doc.mentions[first as usize + 1..]
        .iter()
        .take_while(|o| o.sentence == m.sentence)
        .filter(|o| o.actor == actor);
    for other in same_sentence {
        let (_, other_text, _) = doc.context(other);
        if other_text.is_empty() {
            continue;
        }
        if let Some(at) = rest.find(other_text) {
            let end = at + other_text.len();
            let (head, mark, tail) = split3(rest, at, end);
            parts.push(PartView {
                text: head,
                mark: false,
            });
            parts.push(PartView {
                text: mark,
                mark: true,
            });
            rest = tail;
        }
    }
    parts.push(PartView {
        text: rest,
        mark: false,
    });
    parts.retain(|p| !p.text.is_empty());
    PassageView {
        paragraph: m.paragraph,
        html: passage_html(&parts),
    }
}

/// `text` cut at `at` and `end`, borrowing where it borrows.
fn split3(text: Cow<'_, str>, at: usize, end: usize) -> (Cow<'_, str>, Cow<'_, str>, Cow<'_, str>) {
    match text {
        Cow::Borrowed(t) => (
            Cow::Borrowed(&t[..at]),
            Cow::Borrowed(&t[at..end]),
            Cow::Borrowed(&t[end..]),
        ),
        Cow::Owned(t) => (
            Cow::Owned(t[..at].to_string()),
            Cow::Owned(t[at..end].to_string()),
            Cow::Owned(t[end..].to_string()),
        ),
    }
}

/// One page of an actor's backlinks: only the sources of that page are rendered.
pub fn backlinks_view<'a>(
    site: &'a Site,
    resolved: &'a Resolved,
    i: ActorIx,
    page: usize,
) -> Vec<BacklinkView<'a>> {
    let all = &resolved.actors[i].backlinks;
    let start = ((page.max(1) - 1) * BACKLINKS_PER_PAGE).min(all.len());
    let end = (start + BACKLINKS_PER_PAGE).min(all.len());
    all[start..end]
        .iter()
        .map(|b| {
            let doc = &resolved.sources[b.source].doc;
            BacklinkView {
                source: SourceRef::new(site, resolved, b.source),
                count: b.count,
                passages: b
                    .passages
                    .iter()
                    .map(|&p| passage_view(doc, i, p))
                    .collect(),
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct PageLink {
    pub n: usize,
    pub href: String,
    pub current: bool,
}

/// Where a page of backlinks sits among the others, with links relative to it.
#[derive(Serialize)]
pub struct Paging {
    pub page: usize,
    pub pages: usize,
    /// Every source that mentions the actor, on all pages.
    pub total: usize,
    /// 1-based positions of the first and last source on this page.
    pub first: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page links: the first, the last, and the two either side of this one; `None` for a gap.
    pub links: Vec<Option<PageLink>>,
}

pub fn paging(id: &str, total: usize, page: usize) -> Paging {
    let pages = total.div_ceil(BACKLINKS_PER_PAGE).max(1);
    let href = |n: usize| {
        let target = backlinks_path(id, n);
        // Relative to this page: the actor page sits in actors/, the others in actors/<id>/.
        match (page, n) {
            (1, 1) => format!("{id}.html"),
            (1, n) => format!("{id}/sources-{n}.html"),
            (_, 1) => format!("../{id}.html"),
            _ => target.rsplit('/').next().unwrap_or_default().to_string(),
        }
    };
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(page) <= 2 {
            if n > last_shown + 1 {
                links.push(None);
            }
            links.push(Some(PageLink {
                n,
                href: href(n),
                current: n == page,
            }));
            last_shown = n;
        }
    }
    let first = ((page - 1) * BACKLINKS_PER_PAGE + 1).min(total);
    Paging {
        page,
        pages,
        total,
        first,
        last: (page * BACKLINKS_PER_PAGE).min(total),
        prev: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
        links,
    }
}

/// A numbered entry of the page's references.
#[derive(Serialize)]
pub struct ReferenceView<'a> {
    pub n: u32,
    pub source: SourceRef<'a>,
    pub url: Option<&'a str>,
    pub author: Option<&'a str>,
}

/// Numbers sources in the order the page first cites them.
struct References<'a> {
    site: &'a Site,
    resolved: &'a Resolved,
    numbers: HashMap<SourceIx, u32>,
    list: Vec<ReferenceView<'a>>,
}

impl<'a> References<'a> {
    fn cite(&mut self, s: SourceIx) -> u32 {
        if let Some(&n) = self.numbers.get(&s) {
            return n;
        }
        let n = self.list.len() as u32 + 1;
        self.numbers.insert(s, n);
        let source = &self.site.sources[s];
        self.list.push(ReferenceView {
            n,
            source: SourceRef::new(self.site, self.resolved, s),
            url: source.url.as_deref(),
            author: source.author.as_deref(),
        });
        n
    }
}

/// A description's HTML with each [`cite_marker`] replaced by the superscript number of
/// its source in the page's references, as relation citations are written.
fn numbered_citations(html: &str, cites: &[SourceIx], refs: &mut References) -> String {
    let mut out = html.to_string();
    for (k, &s) in cites.iter().enumerate() {
        let n = refs.cite(s);
        let sup = format!(
            "<sup class=\"cite\"><a href=\"#ref-{n}\" aria-label=\"reference {n}\">[{n}]</a></sup>"
        );
        out = out.replace(&cite_marker(k), &sup);
    }
    out
}

/// A line of the summary box: the current and past ends of one kind of relation.
#[derive(Serialize)]
pub struct KeyFact<'a> {
    pub label: &'static str,
    pub edges: Vec<EdgeView<'a>>,
}

#[derive(Serialize)]
pub struct MonthCount {
    pub label: String,
    pub count: u32,
}

#[derive(Serialize)]
pub struct EventView<'a> {
    pub date: String,
    pub date_human: String,
    pub what: String,
    pub actor: Option<ActorLink<'a>>,
}

#[derive(Serialize)]
pub struct TimelineView<'a> {
    /// The bar chart, made here and escaped here (`| safe` in the template).
    pub svg: Option<String>,
    /// Every month with mentions before the chart's first (see [`chart_start`]), then
    /// every month the chart draws: the chart's numbers, for screen readers.
    pub months: Vec<MonthCount>,
    /// Mentions in the months before the chart's first, and the first of those months.
    pub earlier: u32,
    pub earlier_from: Option<String>,
    /// Mentions in sources dated by year only, left out of the chart.
    pub year_only: u32,
    pub events: Vec<EventView<'a>>,
}

#[derive(Serialize)]
pub struct CountedActor<'a> {
    pub actor: ActorLink<'a>,
    pub count: u32,
}

#[derive(Serialize)]
pub struct ActorPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    pub aliases: Vec<&'a str>,
    pub summary: Option<&'a str>,
    pub description_html: Option<String>,
    pub founded: Option<String>,
    pub born: Option<String>,
    pub dissolved: Option<String>,
    pub died: Option<String>,
    pub reviewed: Option<String>,
    pub country: Option<ActorLink<'a>>,
    pub links: Vec<LinkView>,
    pub key_facts: Vec<KeyFact<'a>>,
    pub relation_groups: Vec<RelationGroup<'a>>,
    pub mention_total: u32,
    pub source_total: usize,
    pub sources_from: Option<String>,
    pub sources_to: Option<String>,
    pub timeline: Option<TimelineView<'a>>,
    pub co_mentions: Vec<CountedActor<'a>>,
    /// Reference numbers of the sources the profile lists.
    pub profile_cites: Vec<u32>,
    pub references: Vec<ReferenceView<'a>>,
    pub yaml_html: String,
    pub file: &'a str,
    pub edit_url: Option<String>,
}

/// "Wikipedia: Hassan Nasrallah" from the article's address.
fn wikipedia_title(url: &str) -> String {
    let last = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let last = last.split(['#', '?']).next().unwrap_or_default();
    let mut bytes = Vec::with_capacity(last.len());
    let raw = last.as_bytes();
    let mut k = 0;
    while k < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (raw[k], raw.get(k + 1).copied(), raw.get(k + 2).copied()) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                bytes.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                k += 3;
            }
            (b'_', ..) => {
                bytes.push(b' ');
                k += 1;
            }
            (b, ..) => {
                bytes.push(b);
                k += 1;
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(title) if !title.trim().is_empty() => title,
        _ => url.to_string(),
    }
}

fn edge_view<'a>(site: &'a Site, edge: &'a Edge, refs: &mut References<'a>) -> EdgeView<'a> {
    EdgeView {
        actor: ActorLink::new(site, edge.other),
        since: edge.since.map(|d| d.human()),
        until: edge.until.map(|d| d.human()),
        current: edge.until.is_none(),
        note: edge.note.as_deref(),
        cites: edge.sources.iter().map(|&s| refs.cite(s)).collect(),
    }
}

pub fn actor_page<'a>(
    site: &'a Site,
    resolved: &'a Resolved,
    i: ActorIx,
    yaml_html: String,
) -> ActorPage<'a> {
    let a = &site.actors[i];
    let r = &resolved.actors[i];
    let date = |d: Option<PartialDate>| d.map(|d| d.human());
    let mut links = Vec::new();
    if let Some(w) = &a.links.wikipedia {
        links.push(LinkView {
            label: "Wikipedia",
            url: w.clone(),
            text: wikipedia_title(w),
        });
    }
    if let Some(q) = &a.links.wikidata {
        links.push(LinkView {
            label: "Wikidata",
            url: format!("https://www.wikidata.org/wiki/{q}"),
            text: q.clone(),
        });
    }
    if let Some(w) = &a.links.website {
        links.push(LinkView {
            label: "Website",
            url: w.clone(),
            text: w
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
        });
    }
    let mut refs = References {
        site,
        resolved,
        numbers: HashMap::new(),
        list: Vec::new(),
    };
    // The description comes first on the page: its footnotes' sources are numbered first.
    let description_html = r
        .description_html
        .as_deref()
        .map(|html| numbered_citations(html, &r.description_cites, &mut refs));
    let name = |e: &Edge| site.actors[e.other].name.value.as_str();

    // The summary box: who leads it (or what a person leads), what it is part of.
    let mut key_facts = Vec::new();
    for kind in [
        RelationType::LedBy,
        RelationType::LeaderOf,
        RelationType::PartOf,
        RelationType::MemberOf,
    ] {
        let mut edges: Vec<&Edge> = r.relations.iter().filter(|e| e.kind == kind).collect();
        // Present ones first, newest start first; then past ones, most recently ended first.
        edges.sort_by(|x, y| {
            (
                x.until.is_some(),
                std::cmp::Reverse(x.until),
                std::cmp::Reverse(x.since),
            )
                .cmp(&(
                    y.until.is_some(),
                    std::cmp::Reverse(y.until),
                    std::cmp::Reverse(y.since),
                ))
                .then_with(|| name(x).cmp(name(y)))
        });
        if !edges.is_empty() {
            key_facts.push(KeyFact {
                label: phrase(kind),
                edges: edges
                    .into_iter()
                    .map(|e| EdgeView {
                        actor: ActorLink::new(site, e.other),
                        since: date(e.since),
                        until: date(e.until),
                        current: e.until.is_none(),
                        note: None,
                        cites: Vec::new(),
                    })
                    .collect(),
            });
        }
    }

    let mut grouped: Vec<(RelationType, Vec<&Edge>)> = Vec::new();
    for edge in &r.relations {
        match grouped.last_mut() {
            Some((kind, edges)) if *kind == edge.kind => edges.push(edge),
            _ => grouped.push((edge.kind, vec![edge])),
        }
    }
    let relation_groups: Vec<RelationGroup> = grouped
        .into_iter()
        .map(|(kind, mut edges)| {
            edges.sort_by(|x, y| name(x).cmp(name(y)).then(x.other.cmp(&y.other)));
            RelationGroup {
                kind: kind.as_str(),
                label: phrase(kind),
                edges: edges
                    .into_iter()
                    .map(|e| edge_view(site, e, &mut refs))
                    .collect(),
            }
        })
        .collect();
    let profile_cites: Vec<u32> = a
        .sources
        .iter()
        .filter_map(|s| resolved.index.source(&s.value))
        .map(|s| refs.cite(s))
        .collect();

    let dated = || {
        r.backlinks
            .iter()
            .filter_map(|b| site.sources[b.source].date)
    };
    let edit_url = site
        .config
        .repo_url
        .as_ref()
        .map(|r| format!("{r}/edit/main/{}", a.file.rel_path));
    ActorPage {
        id: &a.id,
        name: &a.name.value,
        kind: a.kind.as_str(),
        aliases: a.aliases.iter().map(|x| x.value.as_str()).collect(),
        summary: a.summary.as_deref(),
        description_html,
        founded: date(a.founded),
        born: date(a.born),
        dissolved: date(a.dissolved),
        died: date(a.died),
        reviewed: date(a.reviewed),
        country: a
            .country
            .as_ref()
            .and_then(|c| resolved.index.actor(&c.value))
            .map(|c| ActorLink::new(site, c)),
        links,
        key_facts,
        relation_groups,
        mention_total: r.mention_total,
        source_total: r.backlinks.len(),
        sources_from: dated().min().map(|d| d.human()),
        sources_to: dated().max().map(|d| d.human()),
        timeline: timeline(site, resolved, i),
        co_mentions: r
            .co_mentions
            .iter()
            .map(|&(o, count)| CountedActor {
                actor: ActorLink::new(site, o),
                count,
            })
            .collect(),
        profile_cites,
        references: refs.list,
        yaml_html,
        file: &a.file.rel_path,
        edit_url,
    }
}

/// The timeline: mentions per month over the dated sources, and the dated events of the
/// actor's own life and of its relations, in order. `None` when there is nothing to show.
fn timeline<'a>(site: &'a Site, resolved: &'a Resolved, i: ActorIx) -> Option<TimelineView<'a>> {
    let a = &site.actors[i];
    let r = &resolved.actors[i];
    let mut per_month: BTreeMap<(u16, u8), u32> = BTreeMap::new();
    let mut year_only = 0;
    // Sources that only tag the actor in their front matter (count 0) are no mentions.
    for b in r.backlinks.iter().filter(|b| b.count > 0) {
        match site.sources[b.source].date {
            Some(PartialDate {
                year,
                month: Some(m),
                ..
            }) => *per_month.entry((year, m)).or_default() += b.count,
            Some(_) => year_only += b.count,
            None => {}
        }
    }
    let drawn_from = chart_start(&per_month);
    let mut earlier = Vec::new();
    let mut months = Vec::new();
    if let (Some(first), Some(&last)) = (drawn_from, per_month.keys().next_back()) {
        for (&(y, m), &count) in per_month.range(..first) {
            earlier.push(((y, m), month_human(y, m), count));
        }
        let (mut y, mut m) = first;
        while (y, m) <= last {
            months.push((
                (y, m),
                month_human(y, m),
                per_month.get(&(y, m)).copied().unwrap_or(0),
            ));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let svg = (!months.is_empty()).then(|| bar_chart(&months));
    let mut events: Vec<(PartialDate, u8, String, Option<ActorIx>)> = Vec::new();
    let own = [
        (a.founded, "Founded"),
        (a.born, "Born"),
        (a.dissolved, "Dissolved"),
        (a.died, "Died"),
    ];
    for (d, what) in own {
        if let Some(d) = d {
            events.push((d, 0, what.to_string(), None));
        }
    }
    for e in &r.relations {
        if let Some(d) = e.since {
            events.push((d, 1, format!("{} (begins)", phrase(e.kind)), Some(e.other)));
        }
        if let Some(d) = e.until {
            events.push((d, 2, format!("{} (ends)", phrase(e.kind)), Some(e.other)));
        }
    }
    events.sort_by(|x, y| (x.0, x.1, &x.2, x.3).cmp(&(y.0, y.1, &y.2, y.3)));
    if months.is_empty() && events.is_empty() {
        return None;
    }
    Some(TimelineView {
        svg,
        earlier: earlier.iter().map(|m| m.2).sum(),
        earlier_from: earlier.first().map(|m| m.1.clone()),
        months: earlier
            .into_iter()
            .chain(months)
            .map(|(_, label, count)| MonthCount { label, count })
            .collect(),
        year_only,
        events: events
            .into_iter()
            .map(|(d, _, what, other)| EventView {
                date: d.to_string(),
                date_human: d.human(),
                what,
                actor: other.map(|o| ActorLink::new(site, o)),
            })
            .collect(),
    })
}

/// A gap of at least this many months without mentions, with at most
/// [`OUTLIER_SHARE`] of the mentions before it, starts the chart after the gap: one
/// old source (a 1997 designation among 2023–24 reports) must not squeeze the rest
/// into the right edge. The months left out are still in the table and the caption.
const OUTLIER_GAP_MONTHS: u32 = 24;
const OUTLIER_SHARE: f64 = 0.1;

/// The first month the chart draws: the first with mentions, or the first after the
/// latest long gap that only a few mentions precede. `None` without dated mentions.
fn chart_start(per_month: &BTreeMap<(u16, u8), u32>) -> Option<(u16, u8)> {
    let total: u32 = per_month.values().sum();
    let index = |(y, m): (u16, u8)| u32::from(y) * 12 + u32::from(m);
    let mut start = *per_month.keys().next()?;
    let mut before = 0;
    let mut previous: Option<(u16, u8)> = None;
    for (&month, &count) in per_month {
        if let Some(p) = previous {
            let gap = index(month) - index(p) - 1;
            if gap >= OUTLIER_GAP_MONTHS && f64::from(before) <= OUTLIER_SHARE * f64::from(total) {
                start = month;
            }
        }
        before += count;
        previous = Some(month);
    }
    Some(start)
}

fn month_human(year: u16, month: u8) -> String {
    PartialDate {
        year,
        month: Some(month),
        day: None,
    }
    .human()
}

/// Width and height of the chart's drawing, in SVG units (it scales to its box).
const CHART_W: f64 = 720.0;
const CHART_H: f64 = 120.0;
const CHART_TOP: f64 = 16.0;
const CHART_AXIS: f64 = 18.0;

/// Mentions per month as bars, a year label under each January (or the first month),
/// and the highest count; every bar has a tooltip. Hidden from screen readers, which read
/// the table instead.
fn bar_chart(months: &[((u16, u8), String, u32)]) -> String {
    use std::fmt::Write;
    let max = months.iter().map(|m| m.2).max().unwrap_or(0).max(1);
    let slot = CHART_W / months.len() as f64;
    let gap = if slot > 4.0 { slot * 0.2 } else { 0.0 };
    let plot = CHART_H - CHART_TOP - CHART_AXIS;
    let mut svg = format!(
        "<svg class=\"timeline-chart\" viewBox=\"0 0 {CHART_W} {CHART_H}\" aria-hidden=\"true\" focusable=\"false\">"
    );
    let _ = write!(
        svg,
        "<text class=\"axis\" x=\"0\" y=\"11\">{} at most in a month</text>",
        max
    );
    let _ = write!(
        svg,
        "<line class=\"base\" x1=\"0\" x2=\"{CHART_W}\" y1=\"{0}\" y2=\"{0}\"/>",
        CHART_TOP + plot
    );
    // Year labels are left out where they would be closer than this to the previous one.
    let mut next_label_x = 0.0;
    for (k, ((year, month), label, count)) in months.iter().enumerate() {
        let x = k as f64 * slot;
        let h = plot * f64::from(*count) / f64::from(max);
        if *count > 0 {
            let _ = write!(
                svg,
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"><title>{}: {} mention{}</title></rect>",
                x + gap / 2.0,
                CHART_TOP + plot - h,
                (slot - gap).max(0.5),
                h.max(1.0),
                escape_html(label),
                count,
                if *count == 1 { "" } else { "s" }
            );
        }
        if (*month == 1 || k == 0) && x >= next_label_x {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.2}\" y=\"{}\">{year}</text>",
                x,
                CHART_H - 4.0
            );
            next_label_x = x + 36.0;
        }
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Serialize)]
pub struct CitedRelation<'a> {
    pub from: ActorLink<'a>,
    pub label: &'static str,
    pub to: ActorLink<'a>,
}

#[derive(Serialize)]
pub struct SourcePage<'a> {
    pub source: SourceRef<'a>,
    pub url: Option<&'a str>,
    pub provenance: Option<&'a str>,
    pub author: Option<&'a str>,
    pub title_html: &'a str,
    pub body_html: &'a str,
    pub actors: Vec<CountedActor<'a>>,
    pub cited_by_profiles: Vec<ActorLink<'a>>,
    pub cited_by_relations: Vec<CitedRelation<'a>>,
}

pub fn source_page<'a>(site: &'a Site, resolved: &'a Resolved, i: SourceIx) -> SourcePage<'a> {
    let s = &site.sources[i];
    let doc = &resolved.sources[i].doc;
    let citations = &resolved.sources[i].citations;
    SourcePage {
        source: SourceRef::new(site, resolved, i),
        url: s.url.as_deref(),
        provenance: s.provenance.as_deref(),
        author: s.author.as_deref(),
        title_html: &doc.title_html,
        body_html: &doc.body_html,
        actors: doc
            .actors
            .iter()
            .map(|&(a, count)| CountedActor {
                actor: ActorLink::new(site, a),
                count,
            })
            .collect(),
        cited_by_profiles: citations
            .profiles
            .iter()
            .map(|&a| ActorLink::new(site, a))
            .collect(),
        cited_by_relations: citations
            .relations
            .iter()
            .map(|&(a, kind, t)| CitedRelation {
                from: ActorLink::new(site, a),
                label: phrase(kind),
                to: ActorLink::new(site, t),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, mark: bool) -> PartView<'_> {
        PartView {
            text: Cow::Borrowed(text),
            mark,
        }
    }

    #[test]
    fn a_passage_is_its_runs_escaped_with_the_mentions_marked() {
        let parts = [
            part("Talks with ", false),
            part("Tom & Jerry", true),
            part(" said <b>\"no\"</b>, ", false),
            part("Jerry's", true),
        ];
        assert_eq!(
            passage_html(&parts),
            "Talks with <mark>Tom &amp; Jerry</mark> said &lt;b&gt;&quot;no&quot;&lt;/b&gt;, \
             <mark>Jerry&#39;s</mark>"
        );
        assert_eq!(passage_html(&[]), "");
    }
}
