//! The search index as a value that an update changes only where its inputs changed.
//!
//! Each document's contribution (its terms with their weights, its snippet units and the
//! terms of each) is made from that document's text alone, and kept while the text is
//! the same. What depends on the whole collection is made again only where an input of
//! it changed: a document's chosen snippet units depend on the document frequencies of
//! its terms, a term's record on its postings, a document shard on its four documents.
//! The term shards, typo lists and manifest are put together again from the kept
//! records on every update (a few milliseconds at 10,000 sources), and a file whose
//! bytes did not change keeps its buffer. An update of an empty index is the full
//! build, so `serve`'s index is `build`'s, byte for byte.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{
    excerpt, name_key, partition, shard_of, typo_key, units, Manifest, Unit, DIR, DOCS_PER_SHARD,
    MAX_POSTINGS, NAMED_TITLE_WORDS, SUMMARY_WEIGHT, TERM_SHARD_BYTES, TITLE_WEIGHT,
    TYPO_SHARD_BYTES, UNITS_PER_DOC,
};
use crate::model::{PartialDate, Site};
use crate::resolve::{Doc, Resolved};

/// A term's number in [`Terms`].
type TermId = u32;

/// A term shard's records (JSON) and the names it maps to documents.
type ShardParts<'a> = (Vec<&'a str>, BTreeMap<&'a str, &'a Vec<u32>>);

/// A file of the index: its path and bytes (shared, so that an unchanged file is kept).
pub type IndexFile = (String, Arc<[u8]>);

/// The search index of the last update, and what is kept to make the next one.
pub struct Index {
    terms: Terms,
    /// By document number: actors first, then sources newest first.
    docs: Vec<DocState>,
    /// By term: the number of documents holding it.
    df: Vec<u32>,
    /// By term: its record `[term, df, postings]` as JSON, while a document holds it.
    records: Vec<Option<Arc<str>>>,
    /// The terms documents hold, in the order of their text.
    order: Vec<TermId>,
    /// The files of the last update, by path.
    files: HashMap<String, Arc<[u8]>>,
    /// The size a term shard is split beyond ([`TERM_SHARD_BYTES`] but in tests).
    shard_bytes: usize,
}

impl Default for Index {
    fn default() -> Self {
        Index::with_shard_bytes(TERM_SHARD_BYTES)
    }
}

/// Every term seen, numbered in order of appearance (a term no document holds any more
/// keeps its number; it is simply left out).
#[derive(Default)]
struct Terms {
    ids: FxHashMap<Box<str>, TermId>,
    text: Vec<Box<str>>,
    /// The key of its typo list, if it has one.
    typo: Vec<Option<Box<str>>>,
}

impl Terms {
    fn id(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.text.len() as TermId;
        self.ids.insert(term.into(), id);
        self.text.push(term.into());
        self.typo.push(typo_key(term).map(Into::into));
        id
    }

    fn len(&self) -> usize {
        self.text.len()
    }
}

/// What one document's contribution is made from: borrowed from the site to be
/// compared with the last one (no copy for an unchanged document), owned once kept.
#[derive(Clone, PartialEq)]
struct Input<'a> {
    /// Its page, which names it: `actors/<id>.html` or `sources/<id>.html`.
    folder: &'static str,
    id: Cow<'a, str>,
    kind: &'static str,
    title: Cow<'a, str>,
    text: Text<'a>,
}

#[derive(Clone, PartialEq)]
enum Text<'a> {
    Actor {
        aliases: Vec<Cow<'a, str>>,
        summary: Cow<'a, str>,
        description: Cow<'a, str>,
    },
    Source {
        date: Option<PartialDate>,
        outlet: Option<Cow<'a, str>>,
        summary: Cow<'a, str>,
        author: Cow<'a, str>,
        body: Body,
    },
}

/// Resolve's Markdown pass, whose numbered blocks are the body's text; two are the same
/// when those blocks are (a pass made again after an alias changed usually is).
#[derive(Clone)]
struct Body(Arc<Doc>);

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || body(&self.0).eq(body(&other.0))
    }
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl Input<'_> {
    /// Every document of a site, in the order they are numbered.
    fn all<'a>(site: &'a Site, resolved: &'a Resolved) -> Vec<Input<'a>> {
        let text = |t: &'a Option<String>| Cow::Borrowed(t.as_deref().unwrap_or_default());
        let actors = (site.actors.iter().zip(&resolved.actors)).map(|(a, r)| Input {
            folder: "actors",
            id: Cow::Borrowed(&a.id),
            kind: a.kind.as_str(),
            title: Cow::Borrowed(&a.name.value),
            text: Text::Actor {
                aliases: (a.aliases.iter())
                    .map(|x| Cow::Borrowed(x.value.as_str()))
                    .collect(),
                summary: text(&a.summary),
                description: text(&r.description_text),
            },
        });
        let sources = resolved.source_order.iter().map(move |&i| {
            let s = &site.sources[i];
            let outlet = resolved.sources[i].outlet.map(|o| &site.outlets[o].name);
            Input {
                folder: "sources",
                id: Cow::Borrowed(&s.id),
                kind: "source",
                title: Cow::Borrowed(&s.title),
                text: Text::Source {
                    date: s.date,
                    outlet: outlet.map(|o| Cow::Borrowed(o.as_str())),
                    summary: text(&s.summary),
                    author: text(&s.author),
                    body: Body(Arc::clone(&resolved.sources[i].doc)),
                },
            }
        });
        actors.chain(sources).collect()
    }

    /// The same input, owning its text (to be kept).
    fn into_owned(self) -> Input<'static> {
        let text = match self.text {
            Text::Actor {
                aliases,
                summary,
                description,
            } => Text::Actor {
                aliases: aliases.into_iter().map(owned).collect(),
                summary: owned(summary),
                description: owned(description),
            },
            Text::Source {
                date,
                outlet,
                summary,
                author,
                body,
            } => Text::Source {
                date,
                outlet: outlet.map(owned),
                summary: owned(summary),
                author: owned(author),
                body,
            },
        };
        Input {
            folder: self.folder,
            id: owned(self.id),
            kind: self.kind,
            title: owned(self.title),
            text,
        }
    }

    /// Its page: where the document's record leads.
    fn path(&self) -> String {
        format!("{}/{}.html", self.folder, self.id)
    }

    /// What a result shows under the title: an actor's kind, a source's date and outlet.
    fn detail(&self) -> String {
        match &self.text {
            Text::Actor { .. } => self.kind.to_string(),
            Text::Source { date, outlet, .. } => [
                date.map(|d| d.human()),
                outlet.as_deref().map(str::to_string),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        }
    }
}

/// The numbered blocks of a body: (paragraph, text).
fn body(doc: &Doc) -> impl Iterator<Item = (u32, &str)> {
    (doc.blocks.iter())
        .filter(|b| b.paragraph > 0)
        .map(|b| (b.paragraph, b.text.as_str()))
}

/// One document's contribution before its terms are numbered (made in parallel).
type Draft = Contribution<String>;

/// A document's terms and weights while they are read.
#[derive(Default)]
struct Weights {
    ids: FxHashMap<String, u32>,
    weights: Vec<u32>,
}

impl Weights {
    /// Adds `text`'s terms with `weight` each; calls `seen` with each term's local index.
    fn add(&mut self, text: &str, weight: u32, mut seen: impl FnMut(u32)) {
        super::each_term(text, |term| {
            let i = match self.ids.get(term) {
                Some(&i) => i,
                None => {
                    let i = self.weights.len() as u32;
                    self.ids.insert(term.to_string(), i);
                    self.weights.push(0);
                    i
                }
            };
            self.weights[i as usize] += weight;
            seen(i);
        });
    }

    /// The terms in the order of their text, and where each local index went.
    fn sorted(self) -> (Vec<(String, u32)>, Vec<u32>) {
        let mut terms: Vec<(String, u32, u32)> = (self.ids.into_iter())
            .map(|(term, i)| (term, self.weights[i as usize], i))
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut rank = vec![0; terms.len()];
        for (r, (_, _, i)) in terms.iter().enumerate() {
            rank[*i as usize] = r as u32;
        }
        let terms = terms.into_iter().map(|(t, w, _)| (t, w)).collect();
        (terms, rank)
    }
}

impl Draft {
    fn new(input: Input<'static>) -> Draft {
        let mut weights = Weights::default();
        let mut names = Vec::new();
        let mut units_all = Vec::new();
        let mut unit_terms: Vec<u32> = Vec::new();
        let mut unit_ends: Vec<u32> = Vec::new();
        let excerpt_text;
        weights.add(&input.title, TITLE_WEIGHT, |_| {});
        match &input.text {
            Text::Actor {
                aliases,
                summary,
                description,
            } => {
                names.extend(name_key(&input.title));
                for alias in aliases {
                    weights.add(alias, TITLE_WEIGHT, |_| {});
                    names.extend(name_key(alias));
                }
                weights.add(summary, SUMMARY_WEIGHT, |_| {});
                weights.add(description, 1, |_| {});
                excerpt_text = if summary.is_empty() {
                    excerpt(description)
                } else {
                    summary.to_string()
                };
                names.sort();
                names.dedup();
            }
            Text::Source {
                summary,
                author,
                body: Body(doc),
                ..
            } => {
                weights.add(summary, SUMMARY_WEIGHT, |_| {});
                weights.add(author, SUMMARY_WEIGHT, |_| {});
                // A paragraph's terms are its units' terms: units cut it at white space only.
                for (b, block) in doc.blocks.iter().enumerate() {
                    if block.paragraph == 0 {
                        continue;
                    }
                    for unit in units(&block.text) {
                        weights.add(unit.words(&block.text), 1, |i| unit_terms.push(i));
                        unit_ends.push(unit_terms.len() as u32);
                        units_all.push((b as u32, unit));
                    }
                }
                excerpt_text = if summary.is_empty() {
                    body(doc)
                        .next()
                        .map(|(_, t)| excerpt(t))
                        .unwrap_or_default()
                } else {
                    summary.to_string()
                };
                // A long title is never typed whole; leaving it out keeps common first
                // words' shards small.
                names.extend(
                    name_key(&input.title).filter(|k| k.split(' ').count() <= NAMED_TITLE_WORDS),
                );
            }
        }
        let (terms, rank) = weights.sorted();
        // Each unit's terms by rank, ascending, once each.
        let mut held_all = Vec::with_capacity(unit_terms.len());
        let mut start = 0;
        for end in &mut unit_ends {
            let mut held: Vec<u32> = (unit_terms[start..*end as usize].iter())
                .map(|&i| rank[i as usize])
                .collect();
            held.sort_unstable();
            held.dedup();
            start = *end as usize;
            held_all.extend(held);
            *end = held_all.len() as u32;
        }
        Draft {
            path: input.path(),
            detail: input.detail(),
            input,
            excerpt: excerpt_text,
            terms,
            units: units_all,
            unit_terms: held_all,
            unit_ends,
            names,
        }
    }

    /// The contribution, its terms numbered.
    fn number(self, terms: &mut Terms) -> Contribution<TermId> {
        Contribution {
            terms: (self.terms.iter())
                .map(|(t, w)| (terms.id(t), *w))
                .collect(),
            input: self.input,
            path: self.path,
            detail: self.detail,
            excerpt: self.excerpt,
            units: self.units,
            unit_terms: self.unit_terms,
            unit_ends: self.unit_ends,
            names: self.names,
        }
    }
}

/// One document's contribution, made from its own text alone, its terms numbered
/// ([`TermId`]) or not yet (`String`).
struct Contribution<T = TermId> {
    input: Input<'static>,
    /// The page of its record, and what the record shows under the title.
    path: String,
    detail: String,
    excerpt: String,
    /// Its terms with their summed weights, in the order of their text.
    terms: Vec<(T, u32)>,
    /// Every snippet unit it could show (sources only): (the number of its block in the
    /// body's Markdown pass, where it is), in order.
    units: Vec<(u32, Unit)>,
    /// The indices in `terms` of each unit's terms, ascending, one unit after another.
    unit_terms: Vec<u32>,
    /// Where each unit's terms end in `unit_terms`.
    unit_ends: Vec<u32>,
    /// Its names and title, folded as a query is and joined by spaces.
    names: Vec<String>,
}

impl<T> Contribution<T> {
    /// The indices in `terms` of unit `u`'s terms.
    fn held(&self, u: usize) -> &[u32] {
        let start = u.checked_sub(1).map_or(0, |p| self.unit_ends[p] as usize);
        &self.unit_terms[start..self.unit_ends[u] as usize]
    }

    /// Unit `u` as a result shows it: (paragraph, text).
    fn unit(&self, u: usize) -> (u32, String) {
        let (b, unit) = self.units[u];
        match &self.input.text {
            Text::Source { body, .. } => {
                let block = &body.0.blocks[b as usize];
                (block.paragraph, unit.shown(&block.text))
            }
            Text::Actor { .. } => unreachable!("only sources have snippet units"),
        }
    }
}

/// A document's postings: (term, weight, 1 + the index of the first shown unit holding it, or 0).
fn postings(state: &DocState) -> impl Iterator<Item = (TermId, u32, u32)> + '_ {
    (state.entry.terms.iter().zip(&state.shown.refs)).map(|(&(t, w), &u)| (t, w, u))
}

/// A document as the index shows it, at its number.
#[derive(Clone)]
struct DocState {
    entry: Arc<Contribution>,
    shown: Arc<Shown>,
}

/// What a document shows, which depends on the document frequencies of its terms.
struct Shown {
    /// The snippet units kept, ascending.
    picked: Vec<u32>,
    /// Per term of the document: 1 + the index in `picked` of the first unit holding it, or 0.
    refs: Vec<u32>,
    /// `[kind, path, title, detail, excerpt, units]` as JSON.
    json: Arc<str>,
}

impl Shown {
    fn new(entry: &Contribution, idf: &[f64], before: Option<&Arc<Shown>>) -> Arc<Shown> {
        let picked = pick_units(entry, idf);
        if let Some(before) = before.filter(|b| b.picked == picked) {
            return Arc::clone(before);
        }
        let mut refs = vec![0; entry.terms.len()];
        for (k, &u) in picked.iter().enumerate() {
            for &i in entry.held(u as usize) {
                if refs[i as usize] == 0 {
                    refs[i as usize] = k as u32 + 1;
                }
            }
        }
        let input = &entry.input;
        let units: Vec<(u32, String)> = picked.iter().map(|&u| entry.unit(u as usize)).collect();
        let record = (
            input.kind,
            &entry.path,
            &input.title,
            &entry.detail,
            &entry.excerpt,
            units,
        );
        let json = serde_json::to_string(&record).expect("a record serializes");
        Arc::new(Shown {
            picked,
            refs,
            json: json.into(),
        })
    }
}

/// The units that best cover a document's rarer terms (greedy, by summed idf of the
/// terms not yet covered), ascending.
fn pick_units(entry: &Contribution, idf: &[f64]) -> Vec<u32> {
    let mut covered = vec![false; entry.terms.len()];
    let mut chosen: Vec<u32> = Vec::new();
    while chosen.len() < UNITS_PER_DOC {
        let mut best: Option<(usize, f64)> = None;
        for u in 0..entry.units.len() {
            let held = entry.held(u);
            if chosen.contains(&(u as u32)) {
                continue;
            }
            // Summed in the order of the terms' text, always the same.
            let gain: f64 = (held.iter())
                .filter(|&&i| !covered[i as usize])
                .map(|&i| idf[entry.terms[i as usize].0 as usize])
                .sum();
            if gain > 0.0 && best.is_none_or(|(_, g)| gain > g) {
                best = Some((u, gain));
            }
        }
        let Some((u, _)) = best else { break };
        for &i in entry.held(u) {
            covered[i as usize] = true;
        }
        chosen.push(u as u32);
    }
    chosen.sort_unstable();
    chosen
}

/// Where each document was in the last update: at the same number, unless documents
/// were added, removed or reordered (then found by page).
struct Last {
    moved: bool,
    /// By (folder, id), when `moved`.
    numbers: HashMap<(&'static str, String), usize>,
}

impl Last {
    fn new(docs: &[DocState], inputs: &[Input]) -> Last {
        let page = |i: &Input| (i.folder, i.id.to_string());
        let moved = docs.len() != inputs.len()
            || (docs.iter().zip(inputs))
                .any(|(d, i)| d.entry.input.folder != i.folder || d.entry.input.id != i.id);
        let numbers = if moved {
            (docs.iter().enumerate())
                .map(|(n, d)| (page(&d.entry.input), n))
                .collect()
        } else {
            HashMap::new()
        };
        Last { moved, numbers }
    }

    /// The last state of the document `input` names, now number `d`.
    fn at<'d>(&self, docs: &'d [DocState], d: usize, input: &Input) -> Option<&'d DocState> {
        if !self.moved {
            return docs.get(d);
        }
        let n = self.numbers.get(&(input.folder, input.id.to_string()))?;
        docs.get(*n)
    }
}

impl Index {
    /// An empty index whose term shards split beyond `shard_bytes`.
    fn with_shard_bytes(shard_bytes: usize) -> Self {
        Index {
            terms: Terms::default(),
            docs: Vec::new(),
            df: Vec::new(),
            records: Vec::new(),
            order: Vec::new(),
            files: HashMap::new(),
            shard_bytes,
        }
    }

    /// The index of `site`, every file of it; a file whose bytes did not change since the
    /// last update keeps its buffer.
    pub fn update(&mut self, site: &Site, resolved: &Resolved) -> Vec<IndexFile> {
        self.update_inputs(Input::all(site, resolved))
    }

    fn update_inputs(&mut self, inputs: Vec<Input>) -> Vec<IndexFile> {
        let last = Last::new(&self.docs, &inputs);
        let docs = self.documents(inputs, &last);
        let n = docs.len();
        let df = self.frequencies(&docs);
        let df_changed: Vec<bool> = (df.iter().enumerate())
            .map(|(t, &d)| self.df.get(t).copied().unwrap_or(0) != d)
            .collect();
        let any_df_changed = df_changed.contains(&true);
        let same_entries =
            !last.moved && (docs.iter().zip(&self.docs)).all(|(a, b)| Arc::ptr_eq(a, &b.entry));
        if same_entries && !any_df_changed && !self.files.is_empty() {
            // Nothing the index is made of changed.
            return self.files_in_order(n);
        }
        let idf: Vec<f64> = (df.iter())
            .map(|&d| (1.0 + n as f64 / f64::from(d.max(1))).ln())
            .collect();
        let same_n = n == self.docs.len();
        let docs = self.shown(docs, &last, &idf, |entry| {
            !same_n
                || (any_df_changed && (entry.terms.iter()).any(|&(t, _)| df_changed[t as usize]))
        });
        let dirty = self.dirty_terms(&docs, &df_changed);
        self.records.resize(df.len(), None);
        if dirty.contains(&true) {
            self.update_records(&docs, &df, &dirty);
        }
        let live = |df: &[u32], t: usize| df.get(t).is_some_and(|&d| d > 0);
        if (0..df.len()).any(|t| df_changed[t] && live(&df, t) != live(&self.df, t)) {
            self.order = (0..df.len() as TermId)
                .filter(|&t| live(&df, t as usize))
                .collect();
            let text = &self.terms.text;
            self.order
                .sort_unstable_by(|&a, &b| text[a as usize].cmp(&text[b as usize]));
        }
        self.df = df;
        let (keys, mut files) = self.term_shards(&docs);
        let typo = self.typo_lists();
        let manifest = Manifest {
            docs: n,
            per: DOCS_PER_SHARD,
            terms: keys,
            typo: typo.iter().map(|(k, _)| k.to_string()).collect(),
        };
        files.insert(
            0,
            script("m", &serde_json::to_string(&manifest).expect("serializes")),
        );
        files.extend(typo.iter().enumerate().map(|(i, (_, list))| {
            script(
                &format!("f{i}"),
                &serde_json::to_string(list).expect("serializes"),
            )
        }));
        let mut out = self.keep_unchanged(files);
        out.extend(self.doc_shards(&docs));
        self.docs = docs;
        self.files = (out.iter())
            .map(|(p, b)| (p.clone(), Arc::clone(b)))
            .collect();
        out
    }

    /// The last update's files, the manifest, term shards and typo lists first (as an
    /// update lists them), for `n` documents.
    fn files_in_order(&self, n: usize) -> Vec<IndexFile> {
        let file = |name: String| {
            let path = format!("{DIR}/{name}.js");
            let bytes = Arc::clone(&self.files[&path]);
            (path, bytes)
        };
        let count = |prefix: &str| {
            (0..)
                .take_while(|i| self.files.contains_key(&format!("{DIR}/{prefix}{i}.js")))
                .count()
        };
        let mut out = vec![file("m".to_string())];
        for prefix in ["t", "f"] {
            out.extend((0..count(prefix)).map(|i| file(format!("{prefix}{i}"))));
        }
        out.extend((0..n.div_ceil(DOCS_PER_SHARD)).map(|i| file(format!("d{i}"))));
        out
    }

    /// Each document's contribution: the last one where its input is the same, else made
    /// again (in parallel), its terms numbered.
    fn documents(&mut self, inputs: Vec<Input>, last: &Last) -> Vec<Arc<Contribution>> {
        let made: Vec<Result<Arc<Contribution>, Box<Draft>>> = (inputs.into_par_iter().enumerate())
            .map(|(d, input)| match last.at(&self.docs, d, &input) {
                Some(state) if state.entry.input == input => Ok(Arc::clone(&state.entry)),
                _ => Err(Box::new(Draft::new(input.into_owned()))),
            })
            .collect();
        (made.into_iter())
            .map(|m| m.unwrap_or_else(|draft| Arc::new(draft.number(&mut self.terms))))
            .collect()
    }

    /// By term: how many of `docs` hold it.
    fn frequencies(&self, docs: &[Arc<Contribution>]) -> Vec<u32> {
        let mut df = vec![0; self.terms.len()];
        for e in docs {
            for &(t, _) in &e.terms {
                df[t as usize] += 1;
            }
        }
        df
    }

    /// What each document shows: the last where it is the same document and `stale` is
    /// false (no term of it changed frequency), else chosen again (in parallel).
    fn shown(
        &self,
        docs: Vec<Arc<Contribution>>,
        last: &Last,
        idf: &[f64],
        stale: impl Fn(&Contribution) -> bool + Sync,
    ) -> Vec<DocState> {
        (docs.into_par_iter().enumerate())
            .map(|(d, entry)| {
                let before = (last.at(&self.docs, d, &entry.input))
                    .filter(|state| Arc::ptr_eq(&state.entry, &entry))
                    .map(|state| &state.shown);
                let shown = match before {
                    Some(shown) if !stale(&entry) => Arc::clone(shown),
                    _ => Shown::new(&entry, idf, before),
                };
                DocState { entry, shown }
            })
            .collect()
    }

    /// By term: whether its record may have changed, as its frequency did or the posting
    /// of a document at its number did (a term's record is its frequency and the
    /// postings `(document number, weight, first unit)` of the documents holding it, so
    /// an edit dirties only the terms whose weight or unit it changed, not every term of
    /// the document).
    fn dirty_terms(&self, docs: &[DocState], df_changed: &[bool]) -> Vec<bool> {
        let mut dirty = df_changed.to_vec();
        for (d, state) in docs.iter().enumerate() {
            match self.docs.get(d) {
                Some(old) if Arc::ptr_eq(&old.shown, &state.shown) => {}
                Some(old) => {
                    let mut before: FxHashMap<TermId, (u32, u32)> =
                        postings(old).map(|(t, w, u)| (t, (w, u))).collect();
                    for (t, w, u) in postings(state) {
                        if before.remove(&t) != Some((w, u)) {
                            dirty[t as usize] = true;
                        }
                    }
                    for t in before.into_keys() {
                        dirty[t as usize] = true;
                    }
                }
                None => postings(state).for_each(|(t, _, _)| dirty[t as usize] = true),
            }
        }
        for old in self.docs.iter().skip(docs.len()) {
            postings(old).for_each(|(t, _, _)| dirty[t as usize] = true);
        }
        dirty
    }

    /// The records of the `dirty` terms, from the postings of every document.
    fn update_records(&mut self, docs: &[DocState], df: &[u32], dirty: &[bool]) {
        let mut postings: Vec<Vec<(u32, u32, u32)>> = vec![Vec::new(); df.len()];
        for (d, state) in docs.iter().enumerate() {
            let refs = &state.shown.refs;
            for (&(t, w), &u) in state.entry.terms.iter().zip(refs) {
                if dirty[t as usize] {
                    postings[t as usize].push((d as u32, w, u));
                }
            }
        }
        let text = &self.terms.text;
        let made: Vec<(usize, Option<Arc<str>>)> = (postings.into_par_iter().enumerate())
            .filter(|(t, _)| dirty[*t])
            .map(|(t, list)| (t, (!list.is_empty()).then(|| record(&text[t], list))))
            .collect();
        for (t, record) in made {
            self.records[t] = record;
        }
    }

    /// The term shards, their keys first: the kept records put together.
    fn term_shards(&self, docs: &[DocState]) -> (Vec<String>, Vec<IndexFile>) {
        let text = |t: TermId| &*self.terms.text[t as usize];
        let mut names: BTreeMap<&str, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
        for (d, state) in docs.iter().enumerate() {
            for name in &state.entry.names {
                let first = name.split(' ').next().unwrap_or_default();
                (names.entry(first).or_default().entry(name.as_str()))
                    .or_default()
                    .push(d as u32);
            }
        }
        let record = |t: TermId| self.records[t as usize].as_deref().unwrap_or("");
        let sized: Vec<(&str, usize)> = (self.order.iter())
            .map(|&t| {
                let named: usize = names.get(text(t)).map_or(0, |m| {
                    m.iter().map(|(k, v)| k.len() + 8 * v.len() + 6).sum()
                });
                (text(t), record(t).len() + 1 + named)
            })
            .collect();
        let keys = partition(&sized, self.shard_bytes);
        let mut shards: Vec<ShardParts> = vec![(Vec::new(), BTreeMap::new()); keys.len()];
        for &t in &self.order {
            let shard = &mut shards[shard_of(text(t), &keys)];
            if let Some(named) = names.get(text(t)) {
                shard.1.extend(named.iter().map(|(k, v)| (*k, v)));
            }
            shard.0.push(record(t));
        }
        let files = (shards.iter().enumerate())
            .map(|(i, (records, named))| {
                let named = serde_json::to_string(named).expect("serializes");
                let json = format!("{{\"terms\":[{}],\"names\":{named}}}", records.join(","));
                script(&format!("t{i}"), &json)
            })
            .collect();
        (keys, files)
    }

    /// Typo lists: terms by first letter and length, most frequent first, by key.
    fn typo_lists(&self) -> Vec<(&str, Vec<&str>)> {
        let mut typo: BTreeMap<&str, Vec<(u32, &str)>> = BTreeMap::new();
        for &t in &self.order {
            if let Some(key) = &self.terms.typo[t as usize] {
                let entry = (self.df[t as usize], &*self.terms.text[t as usize]);
                typo.entry(key).or_default().push(entry);
            }
        }
        (typo.into_iter())
            .map(|(key, mut list)| {
                list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                let mut bytes = 0;
                let kept: Vec<&str> = (list.into_iter().map(|(_, t)| t))
                    .take_while(|t| {
                        bytes += t.len() + 3;
                        bytes <= TYPO_SHARD_BYTES
                    })
                    .collect();
                (key, kept)
            })
            .collect()
    }

    /// The document shards: a shard whose documents are the same at the same numbers is kept.
    fn doc_shards(&self, docs: &[DocState]) -> Vec<IndexFile> {
        (docs.chunks(DOCS_PER_SHARD).enumerate())
            .map(|(i, chunk)| {
                let path = format!("{DIR}/d{i}.js");
                let start = i * DOCS_PER_SHARD;
                let before = self.docs.len().saturating_sub(start).min(DOCS_PER_SHARD);
                let same = before == chunk.len()
                    && (self.docs[start..start + before].iter().zip(chunk))
                        .all(|(a, b)| Arc::ptr_eq(&a.shown, &b.shown));
                match self.files.get(&path) {
                    Some(bytes) if same => (path, Arc::clone(bytes)),
                    _ => {
                        let jsons: Vec<&str> = chunk.iter().map(|d| &*d.shown.json).collect();
                        script(&format!("d{i}"), &format!("[{}]", jsons.join(",")))
                    }
                }
            })
            .collect()
    }

    /// `files`, each with the last update's buffer where its bytes are the same.
    fn keep_unchanged(&self, files: Vec<IndexFile>) -> Vec<IndexFile> {
        (files.into_iter())
            .map(|(path, bytes)| match self.files.get(&path) {
                Some(old) if **old == *bytes => (path, Arc::clone(old)),
                _ => (path, bytes),
            })
            .collect()
    }
}

/// A term's record as JSON: `[term, df, postings]`, the postings `[doc, weight, unit, …]`
/// with doc numbers delta-encoded, the [`MAX_POSTINGS`] heaviest (`df` counts them all).
fn record(term: &str, mut list: Vec<(u32, u32, u32)>) -> Arc<str> {
    let df = list.len() as u32;
    if list.len() > MAX_POSTINGS {
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
        list.sort_unstable();
    }
    let mut flat = Vec::with_capacity(list.len() * 3);
    let mut last = 0;
    for (doc, w, u) in list {
        flat.extend([doc - last, w, u]);
        last = doc;
    }
    serde_json::to_string(&(term, df, flat))
        .expect("a record serializes")
        .into()
}

/// A shard: `dossierSearchShard("name",json);`.
fn script(name: &str, json: &str) -> IndexFile {
    let bytes = format!("dossierSearchShard(\"{name}\",{json});\n").into_bytes();
    (format!("{DIR}/{name}.js"), bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::TextBlock;

    fn input(title: &str, summary: &str, body: &str) -> Input<'static> {
        let block = TextBlock {
            paragraph: 1,
            offset: 0,
            text: body.to_string(),
            hits: Vec::new(),
        };
        Input {
            folder: "sources",
            id: Cow::Owned(title.replace(' ', "-")),
            kind: "source",
            title: Cow::Owned(title.to_string()),
            text: Text::Source {
                date: None,
                outlet: None,
                summary: Cow::Owned(summary.to_string()),
                author: Cow::Borrowed(""),
                body: Body(Arc::new(Doc {
                    blocks: vec![block],
                    ..Doc::default()
                })),
            },
        }
    }

    fn reports(count: usize) -> Vec<Input<'static>> {
        (0..count)
            .map(|i| {
                let title = if i == 0 {
                    "Hamas".to_string()
                } else {
                    format!("Daily report {i}")
                };
                let body = format!(
                    "Report {i} on word{i} and common matters. Hamas said {}.",
                    i * 7
                );
                input(&title, "", &body)
            })
            .collect()
    }

    /// Parses `dossierSearchShard("name", data);`.
    fn data(file: &IndexFile) -> (String, serde_json::Value) {
        let text = std::str::from_utf8(&file.1).unwrap();
        let inner = text
            .strip_prefix("dossierSearchShard(\"")
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap();
        let (name, json) = inner.split_once("\",").unwrap();
        (name.to_string(), serde_json::from_str(json).unwrap())
    }

    #[test]
    fn a_query_word_is_found_in_the_shard_it_loads_and_no_other() {
        let files = Index::with_shard_bytes(2_000).update_inputs(reports(300));
        let manifest = data(&files[0]).1;
        let keys: Vec<String> = serde_json::from_value(manifest["terms"].clone()).unwrap();
        assert!(keys.len() > 1, "several shards: {keys:?}");
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        for file in &files {
            let (name, value) = data(file);
            assert!(file.1.len() <= 1 << 20, "{name} over 1 MB");
            if !name.starts_with('t') {
                continue;
            }
            for t in value["terms"].as_array().unwrap() {
                let term = t[0].as_str().unwrap().to_string();
                assert!(
                    found.insert(term.clone(), name.clone()).is_none(),
                    "{term} twice"
                );
            }
        }
        for word in ["hamas", "word17", "common", "report", "2093"] {
            let loads = format!("t{}", shard_of(word, &keys));
            assert_eq!(found.get(word), Some(&loads), "{word}");
        }
        // Postings are capped, the document frequency is not.
        let shard = files.iter().find(|f| data(f).0 == found["hamas"]).unwrap();
        let hamas = data(shard).1["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t[0] == "hamas")
            .unwrap()
            .clone();
        assert_eq!(hamas[1], 300);
        assert_eq!(hamas[2].as_array().unwrap().len(), MAX_POSTINGS * 3);
        // The document named as the query, kept with the postings of its first word.
        assert_eq!(data(shard).1["names"]["hamas"], serde_json::json!([0]));
    }

    #[test]
    fn an_edit_makes_again_only_the_records_of_the_terms_whose_posting_changed() {
        let mut index = Index::with_shard_bytes(2_000);
        index.update_inputs(reports(300));
        let record_of = |index: &Index, term: &str| {
            let t = index.terms.ids[term];
            index.records[t as usize].clone().unwrap()
        };
        let (hamas, word7) = (record_of(&index, "hamas"), record_of(&index, "word7"));
        let mut edited = reports(300);
        // "matters" twice: its weight in report 7 changes, no other term's does.
        edited[7] = input(
            "Daily report 7",
            "",
            "Report 7 on word7 and common matters matters. Hamas said 49.",
        );
        let after = index.update_inputs(edited.clone());
        assert_eq!(after, Index::with_shard_bytes(2_000).update_inputs(edited));
        assert!(
            Arc::ptr_eq(&hamas, &record_of(&index, "hamas")),
            "hamas made again"
        );
        assert!(
            Arc::ptr_eq(&word7, &record_of(&index, "word7")),
            "word7 made again"
        );
    }

    #[test]
    fn an_update_equals_a_fresh_index_and_rewrites_only_the_shards_of_what_changed() {
        let mut index = Index::with_shard_bytes(2_000);
        let before = index.update_inputs(reports(300));
        let mut edited = reports(300);
        // Words the report already holds: no document frequency changes.
        edited[7] = input(
            "Daily report 7",
            "Common matters.",
            "Report 7 on word7 and common matters. Hamas said 49.",
        );
        let after = index.update_inputs(edited.clone());
        let fresh = Index::with_shard_bytes(2_000).update_inputs(edited);
        assert_eq!(after, fresh, "the update is the fresh index");
        let before: HashMap<&str, &Arc<[u8]>> =
            before.iter().map(|(p, b)| (p.as_str(), b)).collect();
        let rewritten: Vec<&str> = (after.iter())
            .filter(|(p, b)| {
                !before
                    .get(p.as_str())
                    .is_some_and(|old| Arc::ptr_eq(old, b))
            })
            .map(|(p, _)| p.as_str())
            .collect();
        let keys: Vec<String> = serde_json::from_value(data(&after[0]).1["terms"].clone()).unwrap();
        let mut expected: Vec<String> = ["common", "matters"]
            .iter()
            .map(|t| format!("assets/search/t{}.js", shard_of(t, &keys)))
            .chain(["assets/search/d1.js".to_string()])
            .collect();
        expected.sort();
        expected.dedup();
        let mut rewritten: Vec<String> = rewritten.into_iter().map(str::to_string).collect();
        rewritten.sort();
        assert_eq!(rewritten, expected);
    }
}
