//! Resolve: check every cross-reference, then derive what the pages show: relations with
//! their inverses, mentions, backlinks, co-mentions and citations. Collects all errors.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::diagnostic::{self, did_you_mean, Diagnostic};
use crate::markdown::{self, Context, Linker, Mention, Problem};
use crate::mentions::{fold, Matcher};
use crate::model::{Located, PartialDate, RelationType, Site, SourceFile};

/// A relation as shown on one actor's page: declared there, or the inverse of another's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub kind: RelationType,
    pub other: usize,
    pub declared: bool,
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub note: Option<String>,
    /// Indices of the sources cited for it.
    pub sources: Vec<usize>,
}

/// A source rendered, with the actors it mentions.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub title_html: String,
    pub body_html: String,
    /// (actor, mention count), most mentioned first; tagged-only actors have count 0.
    pub actors: Vec<(usize, u32)>,
    pub mentions: Vec<Mention>,
}

/// One passage of a source that mentions an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub paragraph: u32,
    pub context: Context,
}

/// Every mention of one actor in one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub source: usize,
    pub count: u32,
    /// Paragraph numbers, ascending, without repeats (0 is the title).
    pub paragraphs: Vec<u32>,
    /// One passage per sentence that mentions the actor.
    pub passages: Vec<Passage>,
}

/// What cites a source as evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Citations {
    /// Actors whose profile lists the source.
    pub profiles: Vec<usize>,
    /// (actor, type, target) of declared relations that cite it.
    pub relations: Vec<(usize, RelationType, usize)>,
}

/// Everything the renderer needs beyond the site itself.
#[derive(Debug, Default)]
pub struct Resolved {
    pub actor_index: HashMap<String, usize>,
    pub source_index: HashMap<String, usize>,
    /// The outlet of each source.
    pub source_outlet: Vec<Option<usize>>,
    /// Source indices, newest first (undated last, then by id).
    pub source_order: Vec<usize>,
    pub relations: Vec<Vec<Edge>>,
    pub docs: Vec<Doc>,
    pub backlinks: Vec<Vec<Backlink>>,
    pub mention_totals: Vec<u32>,
    pub co_mentions: Vec<Vec<(usize, u32)>>,
    pub citations: Vec<Citations>,
    pub descriptions: Vec<Option<String>>,
    pub outlet_descriptions: Vec<Option<String>>,
    /// Per outlet, its sources newest first.
    pub outlet_sources: Vec<Vec<usize>>,
}

impl Resolved {
    /// Every declared relation once, as `(actor, edge)`: a relation declared on both
    /// sides ("A ally-of B" and "B ally-of A", or "A backs B" and "B backed-by A")
    /// counts for the side with the lower index only.
    pub fn declared_edges(&self) -> impl Iterator<Item = (usize, &Edge)> {
        self.relations
            .iter()
            .enumerate()
            .flat_map(move |(i, edges)| {
                edges
                    .iter()
                    .filter(move |e| {
                        e.declared
                            && !(e.other < i
                                && self.relations[e.other].iter().any(|back| {
                                    back.other == i
                                        && back.kind == e.kind.inverse()
                                        && back.declared
                                }))
                    })
                    .map(move |e| (i, e))
            })
    }
}

/// How many actors an actor page lists as "mentioned alongside".
const CO_MENTIONS_SHOWN: usize = 10;

/// Resolves a loaded site; every error found is returned at once.
pub fn resolve(site: &Site) -> Result<Resolved, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let actor_index: HashMap<String, usize> = site
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    let source_index: HashMap<&str, usize> = site
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let outlet_index: HashMap<&str, usize> = site
        .outlets
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();

    check_aliases(site, &mut errors);
    let refs = Refs {
        actors: &actor_index,
        sources: &source_index,
        outlets: &outlet_index,
    };
    refs.check(site, &mut errors);
    check_countries(site, &actor_index, &mut errors);

    let ids: Vec<&str> = site.actors.iter().map(|a| a.id.as_str()).collect();
    let names: Vec<&str> = site.actors.iter().map(|a| a.name.value.as_str()).collect();
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let matcher = Matcher::new(
        site.actors
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.names().map(move |n| (i, n.value.as_str()))),
    );
    let source_linker = Linker {
        matcher: Some(&matcher),
        index: &index,
        ids: &ids,
        names: &names,
        unloaded: &site.unloaded.actors,
        href_prefix: "../actors/",
        sources: &source_index,
    };
    let profile_linker = Linker {
        matcher: None,
        href_prefix: "",
        ..source_linker
    };
    let outlet_linker = Linker {
        matcher: None,
        ..source_linker
    };

    let rendered: Vec<(Doc, Vec<Diagnostic>)> = site
        .sources
        .par_iter()
        .map(|source| {
            let (title_html, mut mentions) = markdown::render_plain(&source.title, &source_linker);
            let body = markdown::render(source.body(), &source_linker, true);
            mentions.extend(body.mentions);
            let errors = body
                .problems
                .iter()
                .map(|p| problem_at_offset(&source.file, source.body_offset, p))
                .collect();
            let tagged = source
                .actors
                .iter()
                .filter_map(|t| actor_index.get(&t.value).copied());
            let actors = count_actors(&mentions, tagged);
            (
                Doc {
                    title_html,
                    body_html: body.html,
                    actors,
                    mentions,
                },
                errors,
            )
        })
        .collect();
    let mut docs = Vec::with_capacity(rendered.len());
    for (doc, doc_errors) in rendered {
        docs.push(doc);
        errors.extend(doc_errors);
    }

    let descriptions = render_descriptions(
        site.actors
            .iter()
            .map(|a| (&a.file, a.description.as_ref())),
        &profile_linker,
        &mut errors,
    );
    let outlet_descriptions = render_descriptions(
        site.outlets
            .iter()
            .map(|o| (&o.file, o.description.as_ref())),
        &outlet_linker,
        &mut errors,
    );

    let relations = relations(site, &actor_index, &source_index, &mut errors);

    if !errors.is_empty() {
        diagnostic::sort(&mut errors);
        errors.dedup();
        return Err(errors);
    }

    let mut source_order: Vec<usize> = (0..site.sources.len()).collect();
    source_order.sort_by(|&a, &b| {
        let (a, b) = (&site.sources[a], &site.sources[b]);
        b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id))
    });
    let rank: Vec<usize> = {
        let mut rank = vec![0; source_order.len()];
        for (r, &s) in source_order.iter().enumerate() {
            rank[s] = r;
        }
        rank
    };

    let (backlinks, mention_totals) = backlinks(site.actors.len(), &docs, &source_order);
    let co_mentions = co_mentions(site.actors.len(), &docs, &names);
    let citations = citations(site, &actor_index, &source_index);
    let mut outlet_sources = vec![Vec::new(); site.outlets.len()];
    for (i, source) in site.sources.iter().enumerate() {
        if let Some(o) = source
            .outlet
            .as_ref()
            .and_then(|o| outlet_index.get(o.value.as_str()))
        {
            outlet_sources[*o].push(i);
        }
    }
    for list in &mut outlet_sources {
        list.sort_by_key(|&s| rank[s]);
    }

    let source_outlet = site
        .sources
        .iter()
        .map(|s| {
            s.outlet
                .as_ref()
                .and_then(|o| outlet_index.get(o.value.as_str()).copied())
        })
        .collect();
    Ok(Resolved {
        actor_index,
        source_index: source_index
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        source_outlet,
        source_order,
        relations,
        docs,
        backlinks,
        mention_totals,
        co_mentions,
        citations,
        descriptions,
        outlet_descriptions,
        outlet_sources,
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

fn render_descriptions<'a>(
    items: impl Iterator<Item = (&'a SourceFile, Option<&'a Located<String>>)>,
    linker: &Linker,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Option<String>> {
    items
        .map(|(file, description)| {
            let description = description?;
            let rendered = markdown::render(&description.value, linker, false);
            for p in rendered.problems {
                errors.push(match scalar_offset(&file.text, description, p.offset) {
                    Some(at) => problem_at_offset(file, at, &Problem { offset: 0, ..p }),
                    // A quoted scalar with escapes: the description's start is the best we know.
                    None => Diagnostic::error(
                        &file.path,
                        &file.text,
                        description.line,
                        description.col,
                        p.message,
                    ),
                });
            }
            Some(rendered.html)
        })
        .collect()
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
    actors: &'a HashMap<String, usize>,
    sources: &'a HashMap<&'a str, usize>,
    outlets: &'a HashMap<&'a str, usize>,
}

impl Refs<'_> {
    fn check(&self, site: &Site, errors: &mut Vec<Diagnostic>) {
        let actor_ids = || self.actors.keys().map(String::as_str);
        let source_ids = || self.sources.keys().copied();
        let unloaded = &site.unloaded;
        let is_actor = |id: &String| self.actors.contains_key(id) || unloaded.actors.contains(id);
        let is_source =
            |id: &String| self.sources.contains_key(id.as_str()) || unloaded.sources.contains(id);
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
                let known = self.outlets.contains_key(outlet.value.as_str())
                    || unloaded.outlets.contains(&outlet.value);
                expect(
                    f,
                    outlet,
                    known,
                    "outlet",
                    self.outlets.keys().copied(),
                    errors,
                );
            }
            for a in &source.actors {
                expect(f, a, is_actor(&a.value), "actor", actor_ids(), errors);
            }
        }
        for outlet in &site.outlets {
            if let Some(country) = &outlet.country {
                expect(
                    &outlet.file,
                    country,
                    is_actor(&country.value),
                    "actor",
                    actor_ids(),
                    errors,
                );
            }
        }
    }
}

/// `country:` names the state an actor or outlet belongs to: never a person.
fn check_countries(site: &Site, actors: &HashMap<String, usize>, errors: &mut Vec<Diagnostic>) {
    let countries = site
        .actors
        .iter()
        .map(|a| (&a.file, a.country.as_ref()))
        .chain(site.outlets.iter().map(|o| (&o.file, o.country.as_ref())));
    for (file, country) in countries {
        let Some(country) = country else { continue };
        let Some(&c) = actors.get(&country.value) else {
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
fn relations(
    site: &Site,
    actors: &HashMap<String, usize>,
    sources: &HashMap<&str, usize>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Vec<Edge>> {
    let mut edges: Vec<BTreeMap<(RelationType, usize), Edge>> =
        vec![BTreeMap::new(); site.actors.len()];
    for (a, actor) in site.actors.iter().enumerate() {
        let mut declared_here = BTreeSet::new();
        for r in &actor.relations {
            let Some(&t) = actors.get(&r.target.value) else {
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
            let cited: Vec<usize> = r
                .sources
                .iter()
                .filter_map(|s| sources.get(s.value.as_str()).copied())
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
            merge(&mut edges[a], edge(r.kind, t, true));
            merge(&mut edges[t], edge(r.kind.inverse(), a, false));
        }
    }
    edges
        .into_iter()
        .map(|m| m.into_values().collect())
        .collect()
}

fn merge(edges: &mut BTreeMap<(RelationType, usize), Edge>, edge: Edge) {
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
fn count_actors(mentions: &[Mention], tagged: impl Iterator<Item = usize>) -> Vec<(usize, u32)> {
    let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
    for m in mentions {
        *counts.entry(m.actor).or_default() += 1;
    }
    for t in tagged {
        counts.entry(t).or_default();
    }
    let mut actors: Vec<(usize, u32)> = counts.into_iter().collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    actors
}

fn backlinks(actor_count: usize, docs: &[Doc], order: &[usize]) -> (Vec<Vec<Backlink>>, Vec<u32>) {
    let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); actor_count];
    let mut totals = vec![0; actor_count];
    for &s in order {
        let doc = &docs[s];
        for &(actor, count) in &doc.actors {
            totals[actor] += count;
            let mut paragraphs = BTreeSet::new();
            let mut passages: Vec<Passage> = Vec::new();
            for m in doc.mentions.iter().filter(|m| m.actor == actor) {
                paragraphs.insert(m.paragraph);
                let same_sentence = passages.iter().any(|p| {
                    p.paragraph == m.paragraph
                        && format!("{}{}{}", p.context.before, p.context.text, p.context.after)
                            == format!("{}{}{}", m.context.before, m.context.text, m.context.after)
                });
                if !same_sentence {
                    passages.push(Passage {
                        paragraph: m.paragraph,
                        context: m.context.clone(),
                    });
                }
            }
            backlinks[actor].push(Backlink {
                source: s,
                count,
                paragraphs: paragraphs.into_iter().collect(),
                passages,
            });
        }
    }
    (backlinks, totals)
}

/// Actors mentioned in the same sources, by number of shared sources.
fn co_mentions(actor_count: usize, docs: &[Doc], names: &[&str]) -> Vec<Vec<(usize, u32)>> {
    let mut shared: Vec<HashMap<usize, u32>> = vec![HashMap::new(); actor_count];
    for doc in docs {
        for &(a, _) in &doc.actors {
            for &(b, _) in &doc.actors {
                if a != b {
                    *shared[a].entry(b).or_default() += 1;
                }
            }
        }
    }
    shared
        .into_iter()
        .map(|m| {
            let mut list: Vec<(usize, u32)> = m.into_iter().collect();
            list.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| names[a.0].cmp(names[b.0]))
                    .then(a.0.cmp(&b.0))
            });
            list.truncate(CO_MENTIONS_SHOWN);
            list
        })
        .collect()
}

fn citations(
    site: &Site,
    actors: &HashMap<String, usize>,
    sources: &HashMap<&str, usize>,
) -> Vec<Citations> {
    let mut citations = vec![Citations::default(); site.sources.len()];
    for (a, actor) in site.actors.iter().enumerate() {
        for s in &actor.sources {
            if let Some(&s) = sources.get(s.value.as_str()) {
                citations[s].profiles.push(a);
            }
        }
        for r in &actor.relations {
            let Some(&t) = actors.get(&r.target.value) else {
                continue;
            };
            for s in &r.sources {
                if let Some(&s) = sources.get(s.value.as_str()) {
                    citations[s].relations.push((a, r.kind, t));
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
