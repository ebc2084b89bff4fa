//! The listings: sources (all of them, and each outlet's) in numbered pages of at most
//! [`PAGE_SIZE`], newest first, grouped by year, each page linking to the others and to
//! where each year starts; and the actors, grouped by kind and sorted by surname, with
//! the names a filter box matches.
//!
//! Page 1 keeps its address (`sources.html`, `outlets/<id>.html`); the others are
//! `sources-<n>.html` and `outlets/<id>/sources-<n>.html`, which no source or outlet id
//! can take. Every link is written from the site root and prefixed with the page's
//! relative `root` in the template.

use serde::Serialize;
use tera::Context;

use super::views::{ActorRef, SourceRef};
use crate::model::{ActorIx, ActorKind, Site, SourceIx};
use crate::resolve::Resolved;

/// The most sources a listing page holds.
pub const PAGE_SIZE: usize = 200;
/// Page links shown on each side of the current page (and at each end).
const NEAR: usize = 2;

/// How many pages `n` entries take (an empty listing still has its first page).
pub fn page_count(n: usize) -> usize {
    n.div_ceil(PAGE_SIZE).max(1)
}

/// The sources listing's page `n` (from 1).
pub fn sources_path(n: usize) -> String {
    if n == 1 {
        "sources.html".to_string()
    } else {
        format!("sources-{n}.html")
    }
}

/// An outlet's page `n` (from 1).
pub fn outlet_path(id: &str, n: usize) -> String {
    if n == 1 {
        format!("outlets/{id}.html")
    } else {
        format!("outlets/{id}/sources-{n}.html")
    }
}

/// Every listing page after the first, for the sitemap.
pub fn extra_pages(site: &Site, resolved: &Resolved) -> Vec<String> {
    let mut paths: Vec<String> = (2..=page_count(site.sources.len()))
        .map(sources_path)
        .collect();
    for (o, outlet) in site.outlets.iter().enumerate() {
        let pages = page_count(resolved.outlets[o].sources.len());
        paths.extend((2..=pages).map(|n| outlet_path(&outlet.id, n)));
    }
    paths
}

/// One page of a listing.
#[derive(Serialize)]
pub struct Listing<'a> {
    /// Sources in all, and the positions (from 1) of this page's first and last.
    pub total: usize,
    pub first: usize,
    pub last: usize,
    /// The year headings' element: `h2`, or `h3` under a page's own `h2`.
    pub heading: &'static str,
    pub groups: Vec<YearGroup<'a>>,
    pub pager: Pager,
}

/// A page's sources of one year ("Undated" for those without a date).
#[derive(Serialize)]
pub struct YearGroup<'a> {
    pub label: String,
    /// The year's anchor, on the page where the year starts.
    pub anchor: Option<String>,
    /// Whether the year started on an earlier page.
    pub continued: bool,
    /// The position (from 1) of the group's first source in the whole listing.
    pub start: usize,
    pub sources: Vec<SourceRef<'a>>,
}

#[derive(Serialize)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page links, with `None` numbers for the gaps.
    pub links: Vec<PageLink>,
    /// Where each year starts.
    pub years: Vec<YearLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: Option<usize>,
    pub href: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct YearLink {
    pub label: String,
    pub href: String,
    pub count: usize,
}

/// The year heading and anchor of source `s`.
fn year(site: &Site, s: SourceIx) -> (String, String) {
    match site.sources[s].date {
        Some(d) => (d.year.to_string(), format!("y-{}", d.year)),
        None => ("Undated".to_string(), "undated".to_string()),
    }
}

/// Page `page` of the listing of `order` (sources, newest first), whose page `n` is at `path(n)`.
pub fn listing<'a>(
    site: &'a Site,
    resolved: &Resolved,
    order: &[SourceIx],
    page: usize,
    path: impl Fn(usize) -> String,
) -> Listing<'a> {
    let pages = page_count(order.len());
    let start = (page - 1) * PAGE_SIZE;
    let end = (start + PAGE_SIZE).min(order.len());

    // The listing is in date order, so each year is one run: found by binary search, a
    // page costs time in its own sources and the number of years, not in the listing's length.
    let year_of = |s: SourceIx| site.sources[s].date.map(|d| d.year);
    let mut years: Vec<YearLink> = Vec::new();
    let mut year_start: Vec<usize> = Vec::new();
    let mut k = 0;
    while k < order.len() {
        let this = year_of(order[k]);
        let count = order[k..].partition_point(|&s| year_of(s) == this);
        let (label, anchor) = year(site, order[k]);
        years.push(YearLink {
            href: format!("{}#{anchor}", path(k / PAGE_SIZE + 1)),
            label,
            count,
        });
        year_start.push(k);
        k += count;
    }

    let mut groups: Vec<YearGroup> = Vec::new();
    for (k, &s) in order.iter().enumerate().take(end).skip(start) {
        let (label, anchor) = year(site, s);
        if groups.last().map(|g| &g.label) != Some(&label) {
            let starts_here = year_start.contains(&k);
            groups.push(YearGroup {
                label,
                anchor: starts_here.then_some(anchor),
                continued: !starts_here,
                start: k + 1,
                sources: Vec::new(),
            });
        }
        let group = groups.last_mut().expect("pushed above");
        group.sources.push(SourceRef::new(site, resolved, s));
    }

    let mut links = Vec::new();
    for n in 1..=pages {
        let near = n <= NEAR || n + NEAR > pages || n.abs_diff(page) <= NEAR;
        if near {
            links.push(PageLink {
                number: Some(n),
                href: path(n),
                current: n == page,
            });
        } else if links.last().is_some_and(|l: &PageLink| l.number.is_some()) {
            links.push(PageLink {
                number: None,
                href: String::new(),
                current: false,
            });
        }
    }
    Listing {
        total: order.len(),
        first: if order.is_empty() { 0 } else { start + 1 },
        last: end,
        heading: "h2",
        groups,
        pager: Pager {
            page,
            pages,
            prev: (page > 1).then(|| path(page - 1)),
            next: (page < pages).then(|| path(page + 1)),
            links,
            years,
        },
    }
}

/// The context of the sources listing's page `n`.
pub fn sources_context(site: &Site, resolved: &Resolved, n: usize) -> Context {
    let mut ctx = Context::new();
    ctx.insert(
        "listing",
        &listing(site, resolved, &resolved.source_order, n, sources_path),
    );
    ctx
}

/// An actor in `actors.html`: its link, and the names the filter box matches.
#[derive(Serialize)]
struct ListedActor<'a> {
    #[serde(flatten)]
    actor: ActorRef<'a>,
    /// The name and aliases, lowercased, separated by `|`.
    names: String,
}

#[derive(Serialize)]
struct KindGroup<'a> {
    kind: &'static str,
    label: &'static str,
    actors: Vec<ListedActor<'a>>,
}

/// `actors.html`: every actor, grouped by kind; people by surname (or `sort_name`).
pub fn actors_context(site: &Site, resolved: &Resolved) -> Context {
    let groups: Vec<KindGroup> = ActorKind::ALL
        .into_iter()
        .map(|kind| {
            let mut members: Vec<(String, usize)> = (0..site.actors.len())
                .filter(|&a| site.actors[a].kind == kind)
                .map(|a| (site.actors[a].sort_key(), a))
                .collect();
            members.sort_by(|a, b| (&a.0, &site.actors[a.1].id).cmp(&(&b.0, &site.actors[b.1].id)));
            let actors = members
                .into_iter()
                .map(|(_, a)| ListedActor {
                    actor: ActorRef::new(site, resolved, ActorIx::new(a)),
                    names: site.actors[a]
                        .names()
                        .map(|n| n.value.to_lowercase())
                        .collect::<Vec<_>>()
                        .join("|"),
                })
                .collect();
            KindGroup {
                kind: kind.as_str(),
                label: kind.plural_label(),
                actors,
            }
        })
        .filter(|g| !g.actors.is_empty())
        .collect();
    let mut ctx = Context::new();
    ctx.insert("groups", &groups);
    ctx.insert("total", &site.actors.len());
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_at_most_two_hundred() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(200), 1);
        assert_eq!(page_count(201), 2);
        assert_eq!(page_count(450), 3);
    }

    #[test]
    fn each_year_links_to_the_page_where_it_starts_with_its_count() {
        use crate::model::{PartialDate, Source};
        use crate::resolve::ResolvedSource;
        let dates = (0..450).map(|k| match k {
            0..250 => PartialDate::parse("2024-05"),
            250..400 => PartialDate::parse("2023"),
            _ => None,
        });
        let site = Site {
            sources: dates
                .enumerate()
                .map(|(k, date)| Source {
                    id: format!("s{k}"),
                    date,
                    ..Source::default()
                })
                .collect(),
            ..Site::default()
        };
        let resolved = Resolved {
            sources: vec![ResolvedSource::default(); 450],
            ..Resolved::default()
        };
        let order: Vec<SourceIx> = SourceIx::all(450).collect();
        let page = listing(&site, &resolved, &order, 2, sources_path);
        let years: Vec<(&str, &str, usize)> = (page.pager.years.iter())
            .map(|y| (y.label.as_str(), y.href.as_str(), y.count))
            .collect();
        assert_eq!(
            years,
            [
                ("2024", "sources.html#y-2024", 250),
                ("2023", "sources-2.html#y-2023", 150),
                ("Undated", "sources-3.html#undated", 50),
            ]
        );
        let groups: Vec<(&str, bool, usize)> = (page.groups.iter())
            .map(|g| (g.label.as_str(), g.continued, g.sources.len()))
            .collect();
        assert_eq!(groups, [("2024", true, 50), ("2023", false, 150)]);
    }

    #[test]
    fn later_pages_take_addresses_no_id_can_have() {
        assert_eq!(sources_path(1), "sources.html");
        assert_eq!(sources_path(3), "sources-3.html");
        assert_eq!(outlet_path("lbci", 1), "outlets/lbci.html");
        assert_eq!(outlet_path("lbci", 2), "outlets/lbci/sources-2.html");
    }
}
