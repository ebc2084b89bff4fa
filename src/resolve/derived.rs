//! What resolve derives from the Markdown passes of all sources together: each actor's
//! backlinks and mention total, and its co-mentions. [`Derived`] keeps them between the
//! builds of `serve`: while the order of the sources and the actors' names are the same,
//! only the actors that a changed source mentions (before or after the change) are
//! derived again, and an unchanged actor's backlinks are shared, not copied.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::{Backlink, Doc, ResolvedSource, CO_MENTIONS_SHOWN};
use crate::model::{ActorIx, Site, SourceIx};

/// Above this share of changed sources, everything is derived again (it is as quick).
const PATCH_LIMIT: usize = 8;

/// Backlinks, mention totals and co-mentions, with what they were derived from.
#[derive(Default)]
pub struct Derived {
    /// The Markdown pass of each source, the order of the sources (newest first) and
    /// each actor's name (co-mentions are ordered by it).
    docs: Vec<Arc<Doc>>,
    order: Vec<SourceIx>,
    names: Vec<String>,
    pub(super) backlinks: Vec<Arc<[Backlink]>>,
    pub(super) totals: Vec<u32>,
    /// For each actor, how many sources it shares with each other actor.
    shared: Vec<HashMap<ActorIx, u32>>,
    pub(super) co_mentions: Vec<Vec<(ActorIx, u32)>>,
}

impl Derived {
    /// Brings everything up to date with `sources` in `order`.
    pub(super) fn update(&mut self, site: &Site, sources: &[ResolvedSource], order: &[SourceIx]) {
        let same_frame = self.order == order
            && self.docs.len() == sources.len()
            && self.backlinks.len() == site.actors.len()
            && (self.names.iter()).eq(site.actors.iter().map(|a| &a.name.value));
        let changed: Vec<SourceIx> = match same_frame {
            true => SourceIx::all(sources.len())
                .filter(|&s| !Arc::ptr_eq(&self.docs[s.get()], &sources[s].doc))
                .collect(),
            false => Vec::new(),
        };
        if !same_frame || changed.len() * PATCH_LIMIT > sources.len().max(1) {
            *self = Derived::all(site, sources, order);
            return;
        }
        let mut touched: BTreeSet<ActorIx> = BTreeSet::new();
        for &s in &changed {
            let (old, new) = (&self.docs[s.get()], &sources[s].doc);
            count_shared(&mut self.shared, old, false);
            count_shared(&mut self.shared, new, true);
            touched.extend(old.actors.iter().chain(&new.actors).map(|&(a, _)| a));
            self.docs[s.get()] = Arc::clone(new);
        }
        let mut rank = vec![0; order.len()];
        for (r, &s) in order.iter().enumerate() {
            rank[s.get()] = r;
        }
        let fresh: Vec<Vec<(ActorIx, Backlink)>> = (changed.iter())
            .map(|&s| doc_backlinks(s, &sources[s].doc))
            .collect();
        for a in touched {
            let mut list: Vec<Backlink> = (self.backlinks[a.get()].iter())
                .filter(|b| !changed.contains(&b.source))
                .cloned()
                .collect();
            list.extend(
                fresh
                    .iter()
                    .flatten()
                    .filter(|(x, _)| *x == a)
                    .map(|(_, b)| b.clone()),
            );
            list.sort_by_key(|b| rank[b.source.get()]);
            self.totals[a.get()] = list.iter().map(|b| b.count).sum();
            self.backlinks[a.get()] = list.into();
            self.co_mentions[a.get()] = most_shared(&self.shared[a.get()], site);
        }
    }

    /// Everything derived from scratch.
    fn all(site: &Site, sources: &[ResolvedSource], order: &[SourceIx]) -> Derived {
        let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); site.actors.len()];
        let mut totals = vec![0; site.actors.len()];
        for &s in order {
            for (actor, b) in doc_backlinks(s, &sources[s].doc) {
                totals[actor.get()] += b.count;
                backlinks[actor.get()].push(b);
            }
        }
        let mut shared = vec![HashMap::new(); site.actors.len()];
        for source in sources {
            count_shared(&mut shared, &source.doc, true);
        }
        let co_mentions = shared.iter().map(|m| most_shared(m, site)).collect();
        Derived {
            docs: sources.iter().map(|s| Arc::clone(&s.doc)).collect(),
            order: order.to_vec(),
            names: site.actors.iter().map(|a| a.name.value.clone()).collect(),
            backlinks: backlinks.into_iter().map(Arc::from).collect(),
            totals,
            shared,
            co_mentions,
        }
    }
}

/// The backlink of each actor a source mentions or tags. A passage is the first mention
/// of the actor in a sentence: a sentence that mentions it twice is one passage. Linear
/// in the number of mentions.
fn doc_backlinks(s: SourceIx, doc: &Doc) -> Vec<(ActorIx, Backlink)> {
    // The position of each of the document's actors in `found`.
    let mut slot: HashMap<ActorIx, usize> = HashMap::with_capacity(doc.actors.len());
    let mut found: Vec<(ActorIx, Backlink)> = (doc.actors.iter().enumerate())
        .map(|(k, &(actor, count))| {
            slot.insert(actor, k);
            let b = Backlink {
                source: s,
                count,
                paragraphs: Vec::new(),
                passages: Vec::new(),
            };
            (actor, b)
        })
        .collect();
    let mut seen: BTreeSet<(ActorIx, u32)> = BTreeSet::new();
    for (m, mention) in doc.mentions.iter().enumerate() {
        let (_, b) = &mut found[slot[&mention.actor]];
        if b.paragraphs.last() != Some(&mention.paragraph) {
            b.paragraphs.push(mention.paragraph);
        }
        if seen.insert((mention.actor, mention.sentence)) {
            b.passages.push(m as u32);
        }
    }
    for (_, b) in &mut found {
        b.paragraphs.sort_unstable();
        b.paragraphs.dedup();
    }
    found
}

/// Adds (or takes away) one for each pair of actors `doc` mentions together.
fn count_shared(shared: &mut [HashMap<ActorIx, u32>], doc: &Doc, add: bool) {
    for &(a, _) in &doc.actors {
        for &(b, _) in &doc.actors {
            if a == b {
                continue;
            }
            let counts = &mut shared[a.get()];
            if add {
                *counts.entry(b).or_default() += 1;
            } else if let Some(n) = counts.get_mut(&b) {
                *n -= 1;
                if *n == 0 {
                    counts.remove(&b);
                }
            }
        }
    }
}

/// The actors sharing the most sources with one actor, then by name.
fn most_shared(shared: &HashMap<ActorIx, u32>, site: &Site) -> Vec<(ActorIx, u32)> {
    let name = |a: ActorIx| site.actors[a].name.value.as_str();
    let mut list: Vec<(ActorIx, u32)> = shared.iter().map(|(&a, &n)| (a, n)).collect();
    list.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| name(a.0).cmp(name(b.0)))
            .then(a.0.cmp(&b.0))
    });
    list.truncate(CO_MENTIONS_SHOWN);
    list
}
