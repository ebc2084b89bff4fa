//! Resolve: check every cross-reference, then derive what the pages show: relations with
//! their inverses, mentions, backlinks, co-mentions and citations. Collects all errors.

mod derived;
pub mod markdown;
pub mod mentions;

pub use derived::Derived;

#[cfg(test)]
mod in_memory_tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{self, did_you_mean, Diagnostic};
use crate::model::{
    ActorIx, Index, Located, OutletIx, PartialDate, RelationType, Site, Source, SourceFile,
    SourceIx,
};
pub use markdown::{Context, TextBlock};
use markdown::{Linker, Mention, Problem};
use mentions::fold;
pub use mentions::Matcher;

/// A relation as shown on one actor's page: declared there, or the inverse of another's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub kind: RelationType,
    pub other: ActorIx,
    pub declared: bool,
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub note: Option<String>,
    /// The sources cited for it.
    pub sources: Vec<SourceIx>,
}

/// A source rendered, with the actors it mentions. `Eq`, so that comparing two
/// `Arc<Doc>` that are one (an unchanged source in `serve`) compares no text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub title_html: String,
    pub body_html: String,
    /// (actor, mention count), most mentioned first; tagged-only actors have count 0.
    pub actors: Vec<(ActorIx, u32)>,
    pub mentions: Vec<Mention>,
    /// The plain text of each numbered block (the title first, as block 0), for search and lint.
    pub blocks: Vec<TextBlock>,
}

impl Doc {
    /// The text before mention `m`, the mention and the text after it (see
    /// [`markdown::Context::parts`]).
    pub fn context(&self, m: &Mention) -> (Cow<'_, str>, &str, Cow<'_, str>) {
        let text = self.blocks.get(m.block as usize).map_or("", |b| &b.text);
        m.context.parts(text)
    }

    /// The body's plain text, a line per block (the title left out).
    pub fn body_text(&self) -> String {
        let mut text = String::new();
        for block in self.blocks.iter().filter(|b| b.paragraph > 0) {
            text.push_str(&block.text);
            text.push('\n');
        }
        text
    }
}

/// Every mention of one actor in one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub source: SourceIx,
    pub count: u32,
    /// Paragraph numbers, ascending, without repeats (0 is the title).
    pub paragraphs: Vec<u32>,
    /// Indices into the source's `Doc::mentions`: the first mention of the actor in each
    /// sentence that mentions it.
    pub passages: Vec<u32>,
}

/// What cites a source as evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Citations {
    /// Actors whose profile lists the source.
    pub profiles: Vec<ActorIx>,
    /// (actor, type, target) of declared relations that cite it.
    pub relations: Vec<(ActorIx, RelationType, ActorIx)>,
}

/// What resolve derives for one actor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedActor {
    /// Declared and inverse relations, by type then other actor.
    pub relations: Vec<Edge>,
    /// Newest source first; shared with the next build of `serve` while unchanged.
    pub backlinks: Arc<[Backlink]>,
    pub mention_total: u32,
    /// Actors mentioned in the same sources, most shared sources first.
    pub co_mentions: Vec<(ActorIx, u32)>,
    /// With a [`markdown::cite_marker`] for each footnote that cites a source.
    pub description_html: Option<String>,
    /// The description's plain text, from the same Markdown pass (for search).
    pub description_text: Option<String>,
    /// The sources the description's footnotes cite, in the order of the markers.
    pub description_cites: Vec<SourceIx>,
}

/// What resolve derives for one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedSource {
    /// Shared, so that `serve` can keep the Markdown pass of an unchanged source.
    pub doc: Arc<Doc>,
    pub outlet: Option<OutletIx>,
    pub citations: Citations,
}

/// What resolve derives for one outlet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedOutlet {
    pub description_html: Option<String>,
    /// Its sources, newest first.
    pub sources: Vec<SourceIx>,
}

crate::indexed_by!(ResolvedActor => ActorIx);
crate::indexed_by!(ResolvedSource => SourceIx);
crate::indexed_by!(ResolvedOutlet => OutletIx);

/// Everything the renderer needs beyond the site itself: one result per entity.
#[derive(Debug, Default)]
pub struct Resolved {
    pub index: Index,
    pub actors: Vec<ResolvedActor>,
    pub sources: Vec<ResolvedSource>,
    pub outlets: Vec<ResolvedOutlet>,
    /// Sources newest first (undated last, then by id).
    pub source_order: Vec<SourceIx>,
}

impl Resolved {
    /// Every declared relation once, as `(actor, edge)`: a relation declared on both
    /// sides ("A ally-of B" and "B ally-of A", or "A backs B" and "B backed-by A")
    /// counts for the side with the lower index only.
    pub fn declared_edges(&self) -> impl Iterator<Item = (ActorIx, &Edge)> {
        self.actors.iter().enumerate().flat_map(move |(i, actor)| {
            let i = ActorIx::new(i);
            actor
                .relations
                .iter()
                .filter(move |e| {
                    e.declared
                        && !(e.other < i
                            && self.actors[e.other].relations.iter().any(|back| {
                                back.other == i && back.kind == e.kind.inverse() && back.declared
                            }))
                })
                .map(move |e| (i, e))
        })
    }

    /// The mention a backlink's passage points at.
    pub fn passage(&self, backlink: &Backlink, passage: u32) -> &Mention {
        &self.sources[backlink.source].doc.mentions[passage as usize]
    }
}

/// How many actors an actor page lists as "mentioned alongside".
pub(crate) const CO_MENTIONS_SHOWN: usize = 10;

/// The parts of the Markdown pass that depend only on the actors' ids and names: one
/// automaton and one set of linkers, shared by every source and description.
pub struct Mentions<'s> {
    matcher: Arc<Matcher>,
    index: HashMap<&'s str, ActorIx>,
    ids: Vec<&'s str>,
    names: Vec<&'s str>,
    unloaded: &'s BTreeSet<String>,
    /// Source ids, for internal links such as `[x](other-article.md)`.
    sources: HashMap<&'s str, usize>,
}

impl<'s> Mentions<'s> {
    pub fn new(site: &'s Site) -> Self {
        Self::with_matcher(site, Arc::new(Self::matcher(site)))
    }

    /// The alias automaton of `site`'s actors: made from each actor's names, in order,
    /// and nothing else (so `serve` keeps it while they stay the same).
    pub fn matcher(site: &Site) -> Matcher {
        Matcher::new(
            (site.actors.iter().enumerate())
                .flat_map(|(i, a)| a.names().map(move |n| (ActorIx::new(i), n.value.as_str()))),
        )
    }

    /// [`Self::new`] with the automaton given: [`Self::matcher`] of a site whose actors
    /// have the same names in the same order.
    pub fn with_matcher(site: &'s Site, matcher: Arc<Matcher>) -> Self {
        Mentions {
            matcher,
            index: (site.actors.iter().enumerate())
                .map(|(i, a)| (a.id.as_str(), ActorIx::new(i)))
                .collect(),
            ids: site.actors.iter().map(|a| a.id.as_str()).collect(),
            names: site.actors.iter().map(|a| a.name.value.as_str()).collect(),
            unloaded: &site.unloaded.actors,
            sources: (site.sources.iter().enumerate())
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
        }
    }

    fn linker(&self, automatic: bool, href_prefix: &'static str) -> Linker<'_> {
        Linker {
            matcher: automatic.then_some(&self.matcher),
            index: &self.index,
            ids: &self.ids,
            names: &self.names,
            unloaded: self.unloaded,
            href_prefix,
            sources: &self.sources,
        }
    }

    /// The Markdown pass over one source: its title and body rendered with mentions
    /// linked, and the problems found, positioned in the file.
    pub fn source(&self, source: &Source, index: &Index) -> (Doc, Vec<Diagnostic>) {
        let linker = self.linker(true, "../actors/");
        let (title_html, title) = markdown::render_plain(&source.title, &linker);
        let body = markdown::render(source.body(), &linker, true);
        let errors = body
            .problems
            .iter()
            .map(|p| problem_at_offset(&source.file, source.body_offset, p))
            .collect();
        let mut mentions = title.mentions;
        let sentence_base = title.sentences;
        let block_base = title.blocks.len() as u32;
        mentions.extend(body.mentions.into_iter().map(|mut m| {
            m.sentence += sentence_base;
            m.block += block_base;
            m
        }));
        let mut blocks = title.blocks;
        blocks.extend(body.blocks);
        let tagged = source.actors.iter().filter_map(|t| index.actor(&t.value));
        let actors = count_actors(&mentions, tagged);
        let doc = Doc {
            title_html,
            body_html: body.html,
            actors,
            mentions,
            blocks,
        };
        (doc, errors)
    }

    /// Profile descriptions link `[[id]]` only; actor pages sit beside each other.
    fn descriptions(&self, site: &Site, errors: &mut Vec<Diagnostic>) -> Vec<Option<Description>> {
        let linker = self.linker(false, "");
        render_descriptions(
            site.actors
                .iter()
                .map(|a| (&a.file, a.description.as_ref())),
            &linker,
            true,
            errors,
        )
    }

    /// Outlet descriptions link `[[id]]` only, from `outlets/`.
    fn outlet_descriptions(
        &self,
        site: &Site,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<Option<Description>> {
        let linker = self.linker(false, "../actors/");
        render_descriptions(
            site.outlets
                .iter()
                .map(|o| (&o.file, o.description.as_ref())),
            &linker,
            false,
            errors,
        )
    }
}

/// Resolves a loaded site; every error found is returned at once.
pub fn resolve(site: &Site) -> Result<Resolved, Vec<Diagnostic>> {
    let mentions = Mentions::new(site);
    let index = Index::new(site);
    let docs: Vec<(Arc<Doc>, Vec<Diagnostic>)> = site
        .sources
        .par_iter()
        .map(|source| {
            let (doc, errors) = mentions.source(source, &index);
            (Arc::new(doc), errors)
        })
        .collect();
    resolve_with(site, index, &mentions, docs, &mut Derived::default())
}

/// The rest of resolve, given the Markdown pass over every source and what was derived
/// from the passes before (which `serve` keeps from one build to the next: see
/// [`Derived`]).
pub fn resolve_with(
    site: &Site,
    index: Index,
    mentions: &Mentions,
    docs: Vec<(Arc<Doc>, Vec<Diagnostic>)>,
    derived: &mut Derived,
) -> Result<Resolved, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    check_aliases(site, &mut errors);
    Refs { index: &index }.check(site, &mut errors);
    check_countries(site, &index, &mut errors);
    let mut sources: Vec<ResolvedSource> = Vec::with_capacity(docs.len());
    for (doc, doc_errors) in docs {
        errors.extend(doc_errors);
        sources.push(ResolvedSource {
            doc,
            ..ResolvedSource::default()
        });
    }
    let descriptions = mentions.descriptions(site, &mut errors);
    let outlet_descriptions = mentions.outlet_descriptions(site, &mut errors);
    let relations = relations(site, &index, &mut errors);

    if !errors.is_empty() {
        diagnostic::sort(&mut errors);
        errors.dedup();
        return Err(errors);
    }

    let mut source_order: Vec<SourceIx> = SourceIx::all(site.sources.len()).collect();
    source_order.sort_by(|&a, &b| {
        let (a, b) = (&site.sources[a], &site.sources[b]);
        b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id))
    });
    let mut rank = vec![0; source_order.len()];
    for (r, &s) in source_order.iter().enumerate() {
        rank[s.get()] = r;
    }

    derived.update(site, &sources, &source_order);
    let backlinks = derived.backlinks.iter().map(Arc::clone);
    let mention_totals = derived.totals.iter().copied();
    let co_mentions = derived.co_mentions.iter().cloned();
    let mut citations = citations(site, &index);
    // A description's footnote cites its source as the profile's `sources` do.
    for (a, d) in descriptions.iter().enumerate() {
        for s in d.iter().flat_map(|d| &d.cites) {
            citations[s.get()].profiles.push(ActorIx::new(a));
        }
    }
    for c in &mut citations {
        c.profiles.sort();
        c.profiles.dedup();
    }
    for (s, citations) in citations.into_iter().enumerate() {
        let source = &mut sources[s];
        source.citations = citations;
        source.outlet = (site.sources[s].outlet.as_ref()).and_then(|o| index.outlet(&o.value));
    }
    let mut outlets: Vec<ResolvedOutlet> = outlet_descriptions
        .into_iter()
        .map(|description| ResolvedOutlet {
            description_html: description.map(|d| d.html),
            sources: Vec::new(),
        })
        .collect();
    for &s in &source_order {
        if let Some(o) = sources[s].outlet {
            outlets[o].sources.push(s);
        }
    }
    let actors = (relations.into_iter().zip(backlinks).zip(mention_totals))
        .zip(co_mentions.zip(descriptions))
        .map(
            |(((relations, backlinks), mention_total), (co_mentions, description))| {
                let (description_html, description_text, description_cites) = match description {
                    Some(d) => (Some(d.html), Some(d.text), d.cites),
                    None => (None, None, Vec::new()),
                };
                ResolvedActor {
                    relations,
                    backlinks,
                    mention_total,
                    co_mentions,
                    description_html,
                    description_text,
                    description_cites,
                }
            },
        )
        .collect();
    Ok(Resolved {
        index,
        actors,
        sources,
        outlets,
        source_order,
    })
}

fn problem_at_offset(file: &SourceFile, base: usize, problem: &Problem) -> Diagnostic {
    let len = file.text[base + problem.offset..]
        .lines()
        .next()
        .map_or(1, |l| {
            let end = problem.len.min(l.len());
            l[..end].chars().count()
        });
    Diagnostic::error_at_offset(
        &file.path,
        &file.text,
        base + problem.offset,
        problem.message.clone(),
    )
    .with_len(len)
}

/// A description rendered: its HTML, its plain text (for search), and the sources its
/// footnotes cite (actor descriptions only; see [`markdown::render_description`]).
struct Description {
    html: String,
    text: String,
    cites: Vec<SourceIx>,
}

/// Each item's description rendered (in parallel: a thousand profiles take a
/// noticeable share of a `serve` rebuild), its problems added to `errors` in order.
fn render_descriptions<'a>(
    items: impl Iterator<Item = (&'a SourceFile, Option<&'a Located<String>>)>,
    linker: &Linker,
    cite_sources: bool,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Option<Description>> {
    let items: Vec<_> = items.collect();
    let rendered: Vec<(Option<Description>, Vec<Diagnostic>)> = items
        .into_par_iter()
        .map(|(file, description)| match description {
            Some(description) => render_description(file, description, linker, cite_sources),
            None => (None, Vec::new()),
        })
        .collect();
    (rendered.into_iter())
        .map(|(description, problems)| {
            errors.extend(problems);
            description
        })
        .collect()
}

fn render_description(
    file: &SourceFile,
    description: &Located<String>,
    linker: &Linker,
    cite_sources: bool,
) -> (Option<Description>, Vec<Diagnostic>) {
    let rendered = markdown::render_description(&description.value, linker, cite_sources);
    let errors = (rendered.problems.into_iter())
        .map(|p| match scalar_offset(&file.text, description, p.offset) {
            Some(at) => problem_at_offset(file, at, &Problem { offset: 0, ..p }),
            // A quoted scalar with escapes: the description's start is the best we know.
            None => Diagnostic::error(
                &file.path,
                &file.text,
                description.line,
                description.col,
                p.message,
            ),
        })
        .collect();
    let text: Vec<&str> = rendered.blocks.iter().map(|b| b.text.as_str()).collect();
    let description = Description {
        text: text.join("\n"),
        html: rendered.html,
        cites: rendered.cites.into_iter().map(SourceIx::new).collect(),
    };
    (Some(description), errors)
}

/// The byte offset in the file `text` of byte `offset` of a YAML string scalar that
/// starts at `scalar.line`:`scalar.col`. The scalar's lines are found in the file in
/// order (block indentation and folding only move them), so plain, quoted, literal
/// `|` and folded `>` scalars all map back; `None` where escapes make the text differ.
fn scalar_offset(text: &str, scalar: &Located<String>, offset: usize) -> Option<usize> {
    let value = &scalar.value;
    let mut line_start = 0;
    let mut searched = 0;
    for (n, line) in text.split('\n').enumerate() {
        let this_start = line_start;
        line_start += line.len() + 1;
        let number = n + 1;
        if number < scalar.line {
            continue;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        // On the first line the scalar starts at its column, after a `|` or `>` header if any.
        let skip = if number == scalar.line {
            line.char_indices()
                .nth(scalar.col.saturating_sub(1))
                .map_or(line.len(), |(i, _)| i)
        } else {
            0
        };
        let mut body = &line[skip..];
        if number == scalar.line {
            if body.starts_with(['|', '>']) {
                continue;
            }
            body = body.strip_prefix(['"', '\'']).unwrap_or(body);
        }
        let lead = body.len() - body.trim_start().len();
        // `body` ends the line, so its start in the line is what precedes it.
        let piece_start = this_start + line.len() - body.len() + lead;
        let trimmed = body.trim().trim_end_matches(['"', '\'']);
        if trimmed.is_empty() {
            continue;
        }
        let found = searched + value[searched..].find(trimmed)?;
        if (found..found + trimmed.len()).contains(&offset) {
            return Some(piece_start + (offset - found));
        }
        searched = found + trimmed.len();
        if searched > offset {
            return None;
        }
    }
    None
}

/// The same name or alias claimed by two actors is an error naming both files.
fn check_aliases(site: &Site, errors: &mut Vec<Diagnostic>) {
    let mut claimed: HashMap<String, (usize, &Located<String>)> = HashMap::new();
    for (i, actor) in site.actors.iter().enumerate() {
        for name in actor.names() {
            let (key, _) = fold(name.value.trim());
            match claimed.get(&key) {
                Some(&(j, first)) if j != i => {
                    let other = &site.actors[j];
                    errors.push(
                        Diagnostic::error(
                            &actor.file.path,
                            &actor.file.text,
                            name.line,
                            name.col,
                            format!(
                                "`{}` is claimed by two actors: `{}` here and `{}` in {}:{}:{}",
                                name.value,
                                actor.id,
                                other.id,
                                other.file.path.display(),
                                first.line,
                                first.col
                            ),
                        )
                        .with_len(name.value.chars().count()),
                    );
                }
                Some(_) => {}
                None => {
                    claimed.insert(key, (i, name));
                }
            }
        }
    }
}

/// The ids a site defines, to check references against.
struct Refs<'a> {
    index: &'a Index,
}

impl Refs<'_> {
    fn check(&self, site: &Site, errors: &mut Vec<Diagnostic>) {
        let index = self.index;
        let actor_ids = || index.actors.keys().map(String::as_str);
        let source_ids = || index.sources.keys().map(String::as_str);
        let unloaded = &site.unloaded;
        let is_actor = |id: &String| index.actors.contains_key(id) || unloaded.actors.contains(id);
        let is_source =
            |id: &String| index.sources.contains_key(id) || unloaded.sources.contains(id);
        for actor in &site.actors {
            let f = &actor.file;
            if let Some(country) = &actor.country {
                expect(
                    f,
                    country,
                    is_actor(&country.value),
                    "actor",
                    actor_ids(),
                    errors,
                );
            }
            for s in &actor.sources {
                expect(f, s, is_source(&s.value), "article", source_ids(), errors);
            }
            for r in &actor.relations {
                expect(
                    f,
                    &r.target,
                    is_actor(&r.target.value),
                    "actor",
                    actor_ids(),
                    errors,
                );
                if r.target.value == actor.id {
                    errors.push(located_error(
                        f,
                        &r.target,
                        "a relation cannot point at the actor itself".into(),
                    ));
                }
                for s in &r.sources {
                    expect(f, s, is_source(&s.value), "article", source_ids(), errors);
                }
            }
        }
        for source in &site.sources {
            let f = &source.file;
            if let Some(outlet) = &source.outlet {
                let known = index.outlets.contains_key(&outlet.value)
                    || unloaded.outlets.contains(&outlet.value);
                let outlet_ids = index.outlets.keys().map(String::as_str);
                expect(f, outlet, known, "outlet", outlet_ids, errors);
            }
            for a in &source.actors {
                expect(f, a, is_actor(&a.value), "actor", actor_ids(), errors);
            }
        }
        for outlet in &site.outlets {
            if let Some(country) = &outlet.country {
                let known = is_actor(&country.value);
                expect(&outlet.file, country, known, "actor", actor_ids(), errors);
            }
        }
    }
}

/// `country:` names the state an actor or outlet belongs to: never a person.
fn check_countries(site: &Site, index: &Index, errors: &mut Vec<Diagnostic>) {
    let countries = site
        .actors
        .iter()
        .map(|a| (&a.file, a.country.as_ref()))
        .chain(site.outlets.iter().map(|o| (&o.file, o.country.as_ref())));
    for (file, country) in countries {
        let Some(country) = country else { continue };
        let Some(c) = index.actor(&country.value) else {
            continue;
        };
        let named = &site.actors[c];
        if named.kind == crate::model::ActorKind::Person {
            errors.push(located_error(
                file,
                country,
                format!(
                    "`country` names `{}`, a person: it takes the id of a state",
                    named.id
                ),
            ));
        }
    }
}

fn located_error(file: &SourceFile, at: &Located<String>, message: String) -> Diagnostic {
    Diagnostic::error(&file.path, &file.text, at.line, at.col, message)
        .with_len(at.value.chars().count())
}

/// Reports a reference to an id that does not exist, with the closest one.
fn expect<'a>(
    file: &SourceFile,
    at: &Located<String>,
    known: bool,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
    errors: &mut Vec<Diagnostic>,
) {
    if known {
        return;
    }
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    let hint = match did_you_mean(&at.value, ids) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => String::new(),
    };
    let folder = match what {
        "article" => "articles/<id>.md",
        "outlet" => "outlets/<id>.yaml",
        _ => "actors/<id>.yaml",
    };
    errors.push(located_error(
        file,
        at,
        format!("unknown {what} `{}` (no {folder}){hint}", at.value),
    ));
}

/// Every actor's relations: declared and inverse, merged where both sides say the same.
fn relations(site: &Site, index: &Index, errors: &mut Vec<Diagnostic>) -> Vec<Vec<Edge>> {
    let mut edges: Vec<BTreeMap<(RelationType, ActorIx), Edge>> =
        vec![BTreeMap::new(); site.actors.len()];
    for (a, actor) in site.actors.iter().enumerate() {
        let a = ActorIx::new(a);
        let mut declared_here = BTreeSet::new();
        for r in &actor.relations {
            let Some(t) = index.actor(&r.target.value) else {
                continue;
            };
            if t == a {
                continue;
            }
            if !declared_here.insert((r.kind, t)) {
                errors.push(located_error(
                    &actor.file,
                    &r.target,
                    format!(
                        "relation `{}` to `{}` is declared twice",
                        r.kind.as_str(),
                        r.target.value
                    ),
                ));
                continue;
            }
            let cited: Vec<SourceIx> = r
                .sources
                .iter()
                .filter_map(|s| index.source(&s.value))
                .collect();
            let edge = |kind, other, declared| Edge {
                kind,
                other,
                declared,
                since: r.since,
                until: r.until,
                note: r.note.clone(),
                sources: cited.clone(),
            };
            merge(&mut edges[a.get()], edge(r.kind, t, true));
            merge(&mut edges[t.get()], edge(r.kind.inverse(), a, false));
        }
    }
    edges
        .into_iter()
        .map(|m| m.into_values().collect())
        .collect()
}

fn merge(edges: &mut BTreeMap<(RelationType, ActorIx), Edge>, edge: Edge) {
    match edges.get_mut(&(edge.kind, edge.other)) {
        None => {
            edges.insert((edge.kind, edge.other), edge);
        }
        Some(existing) => {
            let mut sources = std::mem::take(&mut existing.sources);
            sources.extend(&edge.sources);
            if edge.declared && !existing.declared {
                *existing = edge;
            }
            sources.sort_unstable();
            sources.dedup();
            existing.sources = sources;
        }
    }
}

/// (actor, count) for a document: mentions counted, tags added with 0, most mentioned first.
fn count_actors(
    mentions: &[Mention],
    tagged: impl Iterator<Item = ActorIx>,
) -> Vec<(ActorIx, u32)> {
    let mut counts: BTreeMap<ActorIx, u32> = BTreeMap::new();
    for m in mentions {
        *counts.entry(m.actor).or_default() += 1;
    }
    for t in tagged {
        counts.entry(t).or_default();
    }
    let mut actors: Vec<(ActorIx, u32)> = counts.into_iter().collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    actors
}

fn citations(site: &Site, index: &Index) -> Vec<Citations> {
    let mut citations = vec![Citations::default(); site.sources.len()];
    for (a, actor) in site.actors.iter().enumerate() {
        let a = ActorIx::new(a);
        for s in &actor.sources {
            if let Some(s) = index.source(&s.value) {
                citations[s.get()].profiles.push(a);
            }
        }
        for r in &actor.relations {
            let Some(t) = index.actor(&r.target.value) else {
                continue;
            };
            for s in &r.sources {
                if let Some(s) = index.source(&s.value) {
                    citations[s.get()].relations.push((a, r.kind, t));
                }
            }
        }
    }
    for c in &mut citations {
        c.profiles.dedup();
        c.relations.sort();
        c.relations.dedup();
    }
    citations
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `needle` of the scalar lands in the file, as (line, column) from 1.
    fn landing(
        text: &str,
        line: usize,
        col: usize,
        value: &str,
        needle: &str,
    ) -> Option<(usize, usize)> {
        let scalar = Located::new(value.to_string(), line, col);
        let at = scalar_offset(text, &scalar, value.find(needle).unwrap())?;
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        assert!(text[at..].starts_with(needle), "{:?}", &text[at..]);
        Some((line, col))
    }

    #[test]
    fn scalar_offsets_map_back_to_the_file_in_every_style() {
        let literal = "name: A\ndescription: |\n  First line.\n\n  Then [[x]] here.\n";
        let value = "First line.\n\nThen [[x]] here.\n";
        assert_eq!(landing(literal, 2, 14, value, "[[x]]"), Some((5, 8)));
        let folded = "description: >-\n  Über alles,\n  then [[x]].\nfounded: 1\n";
        assert_eq!(
            landing(folded, 1, 14, "Über alles, then [[x]].", "[[x]]"),
            Some((3, 8))
        );
        let plain = "description: See [[x]] now\r\n";
        assert_eq!(
            landing(plain, 1, 14, "See [[x]] now", "[[x]]"),
            Some((1, 18))
        );
        let quoted = "description: \"See\n  [[x]] now\"\n";
        assert_eq!(
            landing(quoted, 1, 14, "See [[x]] now", "[[x]]"),
            Some((2, 3))
        );
        // An escape changes the text: no position rather than a wrong one.
        let escaped = "description: \"See \\u0041 [[x]]\"\n";
        assert_eq!(landing(escaped, 1, 14, "See A [[x]]", "[[x]]"), None);
    }
}
