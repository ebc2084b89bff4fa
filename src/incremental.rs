//! Incremental builds, for `serve`: on a change, load reads again only the files the
//! watcher names (or, when it cannot say, stats every file and parses again those whose
//! bytes changed), the templates are kept unless a file outside `content` changed,
//! resolve runs the Markdown pass again only for changed sources (or for those whose
//! text holds a changed name) and derives backlinks and co-mentions again only for the
//! actors those sources mention ([`Derived`]), the alias automaton is kept while the
//! actors' names are, lint reuses the names it read from unchanged sources, and render
//! re-renders only the files whose inputs changed; `data/actors.json` and
//! `data/sources.json` are joined from an entry per actor or source, of which only the
//! changed ones are serialized again ([`JsonEntries`]). The previous build is freed
//! only when [`Incremental::release`] is called (after the pages reload). The result
//! always equals what a full build of the same input writes.
//!
//! What a file depends on, by kind (all compared with the previous build, entity by
//! entity, by id):
//! - an actor page (and its pages of older sources): its profile, what resolve derived
//!   for it, the name and kind of every actor it links to (and the mention count of
//!   those its neighbourhood graph draws), and the file, metadata and
//!   Markdown pass of every source it cites, lists or quotes;
//! - a source page: its file, what resolve derived for it, the name and kind of the
//!   actors it links to, its outlet's name;
//! - an outlet page: its file, its sources' metadata, its country's name;
//! - listings, the feed and the data exports: after a change of what they list (actors'
//!   names, kinds, summaries and mention counts, relations, sources' metadata,
//!   mentions); an entry of `data/actors.json` or `data/sources.json`, after a change of
//!   its actor's or source's file or of what resolve derived for it;
//! - the graph page and `data/graph.json`: after a change of actors' names, kinds,
//!   relations or mention totals (not of a summary);
//! - the search index, after a change of a profile's or a source's text, or of what a
//!   link to an actor, a source or an outlet shows;
//! - everything: the templates and theme, `site.yaml`, the base URL, and the set of ids
//!   (an actor, source or outlet added or removed renumbers the others).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::lint::{self, SourceNames};
use crate::load;
use crate::model::{ActorIx, Index, OutletIx, Site, SourceIx};
use crate::pipeline::{self, Checked};
use crate::render::{self, JsonEntries, OutputFile, Page, Renderer, SearchIndex};
use crate::resolve::{self, Derived, Doc, Matcher, Mentions, Resolved};

/// The files of a built site, by output path.
pub type Files = HashMap<String, Arc<[u8]>>;

/// A site that rebuilds only what a change affects.
pub struct Incremental {
    content: PathBuf,
    /// `content` made absolute, as a watcher names the paths under it.
    content_absolute: PathBuf,
    base_url: Option<String>,
    load: load::Cache,
    /// The templates and theme, kept while no file outside `content` changes.
    renderer: Option<Arc<Renderer>>,
    /// What the cached Markdown passes were made from besides their sources.
    passes_from: PassInputs,
    /// The alias automaton of `passes_from`'s names, once made.
    matcher: Option<Arc<Matcher>>,
    /// By source id: the file's text, its Markdown pass and that pass's problems.
    docs: HashMap<String, Pass>,
    /// Backlinks and co-mentions, derived again only for the actors of changed sources.
    derived: Derived,
    /// By source id: the names lint read from that Markdown pass.
    names: HashMap<String, (Arc<Doc>, Arc<SourceNames>)>,
    /// The search index, which an edit changes only where it must.
    search: SearchIndex,
    last: Option<Last>,
    /// The build before the last, kept until [`Self::release`] frees it.
    retired: Option<Last>,
}

/// A source's text, its Markdown pass and that pass's problems.
type Pass = (Arc<str>, Arc<Doc>, Vec<Diagnostic>);

/// What the Markdown pass of a source depends on besides the source itself: each
/// actor's id and names in order (the alias automaton, wikilinks' text), and a hash of
/// the rest (the ids of the actors, of the profiles that failed to load and of the
/// sources, which internal links check). Equal inputs render an unchanged source to
/// the same `Doc`.
#[derive(Default, PartialEq)]
struct PassInputs {
    actors: Vec<(String, Vec<String>)>,
    structure: u64,
}

impl PassInputs {
    fn of(site: &Site) -> Self {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for actor in &site.actors {
            actor.id.hash(&mut hasher);
        }
        site.unloaded.actors.hash(&mut hasher);
        for source in &site.sources {
            source.id.hash(&mut hasher);
        }
        PassInputs {
            actors: (site.actors.iter())
                .map(|a| (a.id.clone(), a.names().map(|n| n.value.clone()).collect()))
                .collect(),
            structure: hasher.finish(),
        }
    }

    /// Strings at least one of which the text of any source whose Markdown pass differs
    /// between `self` and `now` holds: for each name added to or removed from an actor,
    /// its longest run of ASCII letters and digits (a match of the name holds it
    /// verbatim: matching folds only quotes and whitespace, and NFC leaves ASCII as it
    /// is), and a renamed actor's id (its wikilinks show the name). `None` when anything
    /// else changed, or a name has no such run: then every pass is made again.
    fn probes(&self, now: &PassInputs) -> Option<Vec<String>> {
        if self.structure != now.structure || self.actors.len() != now.actors.len() {
            return None;
        }
        let mut probes = Vec::new();
        for ((id, before), (_, after)) in self.actors.iter().zip(&now.actors) {
            if before.first() != after.first() {
                probes.push(id.clone());
            }
            let changed = (before.iter().filter(|n| !after.contains(n)))
                .chain(after.iter().filter(|n| !before.contains(n)));
            for name in changed {
                let run = name
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .max_by_key(|run| run.len())
                    .filter(|run| !run.is_empty())?;
                probes.push(run.to_string());
            }
        }
        Some(probes)
    }
}

/// Removes from `map` (by source id) the sources `site` no longer has.
fn forget_others<T>(map: &mut HashMap<String, T>, site: &Site) {
    if map.len() != site.sources.len() {
        let ids: HashSet<&str> = site.sources.iter().map(|s| s.id.as_str()).collect();
        map.retain(|id, _| ids.contains(id.as_str()));
    }
}

/// The previous successful build.
struct Last {
    site: Site,
    resolved: Resolved,
    renderer: u64,
    /// The output paths of each job.
    paths: HashMap<Page, Vec<String>>,
    files: Arc<Files>,
    /// `data/actors.json` by actor and `data/sources.json` by source, as this build
    /// wrote them.
    exports: Exports,
}

/// What one build did.
pub struct Outcome {
    pub warnings: Vec<Diagnostic>,
    /// How many jobs (a page, an export, the search index) were rendered; the rest kept.
    pub rendered: usize,
    /// Whether any output file differs from the previous build's.
    pub changed: bool,
    /// How long each stage took: load, resolve, lint, render, and the search index (updated
    /// during render, alongside the pages).
    pub timings: Vec<(&'static str, Duration)>,
}

impl Incremental {
    pub fn new(content: &Path, base_url: Option<&str>) -> Self {
        Incremental {
            content: content.to_path_buf(),
            content_absolute: std::path::absolute(content).unwrap_or_else(|_| content.into()),
            base_url: base_url.map(str::to_string),
            load: load::Cache::default(),
            renderer: None,
            passes_from: PassInputs::default(),
            matcher: None,
            docs: HashMap::new(),
            derived: Derived::default(),
            names: HashMap::new(),
            search: SearchIndex::default(),
            last: None,
            retired: None,
        }
    }

    /// Frees the build before the last, which a build keeps so that freeing it is not
    /// part of its time: `serve` calls this once the pages have been told to reload. It
    /// is on the calling thread: freeing on another (a rayon task) made the next build's
    /// allocations slower with glibc's arenas (a profile save at 10k took 650 ms
    /// instead of 370).
    pub fn release(&mut self) {
        self.retired = None;
    }

    /// The files of the last successful build (empty before the first).
    pub fn files(&self) -> Arc<Files> {
        self.last
            .as_ref()
            .map_or_else(Arc::default, |l| Arc::clone(&l.files))
    }

    /// Builds the site again; on failure the previous files stay as they were.
    pub fn build(&mut self) -> Result<Outcome, Vec<Diagnostic>> {
        self.build_changed(None)
    }

    /// [`Self::build`] after a watcher saw changes to the files at `paths` (absolute) and
    /// to nothing else: only those content files are read again (unless one was added,
    /// deleted or renamed: then the folder is walked), and the templates and theme are
    /// kept unless a path lies outside `content`. `None`: anything may have changed.
    pub fn build_changed(&mut self, paths: Option<&[PathBuf]>) -> Result<Outcome, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let base_url = (self.base_url.as_deref()).and_then(|url| {
            pipeline::checked_base_url(url)
                .map_err(|e| errors.push(e))
                .ok()
        });
        let content_paths: Option<Vec<PathBuf>> = paths.and_then(|paths| {
            (paths.iter())
                .map(|p| {
                    Some(
                        self.content
                            .join(p.strip_prefix(&self.content_absolute).ok()?),
                    )
                })
                .collect()
        });
        if content_paths.is_none() {
            self.renderer = None;
        }
        let renderer = match &self.renderer {
            Some(renderer) => Some(Arc::clone(renderer)),
            None => Renderer::new(&pipeline::site_dir(&self.content))
                .map(Arc::new)
                .map_err(|e| errors.extend(e))
                .ok(),
        };
        self.renderer.clone_from(&renderer);
        let checked = self.check(content_paths.as_deref());
        let (mut checked, renderer) = match (checked, renderer) {
            (Ok(checked), Some(renderer)) if errors.is_empty() => (checked, renderer),
            (checked, _) => {
                if let Err(e) = checked {
                    errors.extend(e);
                }
                crate::diagnostic::sort(&mut errors);
                errors.dedup();
                return Err(errors);
            }
        };
        if let Some(url) = base_url {
            checked.site.config.base_url = Some(url);
        }
        let mut timings = std::mem::take(&mut checked.timings);
        let started = Instant::now();
        let mut outcome = self.render(checked, &renderer)?;
        timings.push(("render", started.elapsed()));
        timings.append(&mut outcome.timings);
        outcome.timings = timings;
        Ok(outcome)
    }

    /// Load, resolve and lint, keeping the work of unchanged files.
    fn check(&mut self, paths: Option<&[PathBuf]>) -> Result<Checked, Vec<Diagnostic>> {
        let started = Instant::now();
        let (site, load_errors) = paths
            .and_then(|paths| load::load_changed(&self.content, &mut self.load, paths))
            .unwrap_or_else(|| load::load_cached(&self.content, &mut self.load));
        let loaded = started.elapsed();
        let inputs = PassInputs::of(&site);
        if inputs != self.passes_from {
            // Names changed, or which actors and sources there are. When only names did,
            // a source's pass can change only where its text holds one of them (or a
            // wikilink to a renamed actor): keep the others.
            match self.passes_from.probes(&inputs) {
                Some(probes) => self
                    .docs
                    .retain(|_, (text, _, _)| !probes.iter().any(|p| text.contains(p.as_str()))),
                None => self.docs.clear(),
            }
            self.passes_from = inputs;
            self.matcher = None;
        }
        let matcher = (self.matcher)
            .get_or_insert_with(|| Arc::new(Mentions::matcher(&site)))
            .clone();
        let mentions = Mentions::with_matcher(&site, matcher);
        let index = Index::new(&site);
        // Each source's pass, and whether it was made anew.
        let passes: Vec<(Arc<Doc>, Vec<Diagnostic>, bool)> = site
            .sources
            .par_iter()
            .map(|source| match self.docs.get(&source.id) {
                Some((text, doc, errors)) if *text == source.file.text => {
                    (Arc::clone(doc), errors.clone(), false)
                }
                _ => {
                    let (doc, errors) = mentions.source(source, &index);
                    (Arc::new(doc), errors, true)
                }
            })
            .collect();
        // Only the passes made anew are stored, and the sources gone forgotten: the
        // map is not made again (ten thousand ids copied) on every save.
        for (s, (doc, errors, fresh)) in site.sources.iter().zip(&passes) {
            if *fresh {
                let entry = (Arc::clone(&s.file.text), Arc::clone(doc), errors.clone());
                self.docs.insert(s.id.clone(), entry);
            }
        }
        forget_others(&mut self.docs, &site);
        let docs: Vec<(Arc<Doc>, Vec<Diagnostic>)> = (passes.into_iter())
            .map(|(doc, errors, _)| (doc, errors))
            .collect();
        let resolved = resolve::resolve_with(&site, index, &mentions, docs, &mut self.derived);
        drop(mentions);
        let names = &mut self.names;
        let timings = vec![("load", loaded), ("resolve", started.elapsed() - loaded)];
        pipeline::finish_with(site, load_errors, resolved, timings, |site, resolved| {
            let lists: Vec<(Arc<SourceNames>, bool)> =
                (site.sources.par_iter().zip(&resolved.sources))
                    .map(|(source, r)| match names.get(&source.id) {
                        Some((doc, list)) if Arc::ptr_eq(doc, &r.doc) => (Arc::clone(list), false),
                        _ => (Arc::new(lint::source_names(source, &r.doc)), true),
                    })
                    .collect();
            for ((s, r), (list, fresh)) in site.sources.iter().zip(&resolved.sources).zip(&lists) {
                if *fresh {
                    names.insert(s.id.clone(), (Arc::clone(&r.doc), Arc::clone(list)));
                }
            }
            forget_others(names, site);
            let lists: Vec<Arc<SourceNames>> = lists.into_iter().map(|(list, _)| list).collect();
            lint::warnings_with(site, resolved, &lists)
        })
    }

    /// Renders the files whose inputs changed and keeps the others.
    fn render(
        &mut self,
        checked: Checked,
        renderer: &Renderer,
    ) -> Result<Outcome, Vec<Diagnostic>> {
        let Checked {
            site,
            resolved,
            warnings,
            ..
        } = checked;
        let jobs = renderer.jobs(&site, &resolved);
        let affected = match &self.last {
            Some(last) => Affected::compare(last, &site, &resolved, renderer.fingerprint),
            None => Affected::All,
        };
        let last = self.last.as_ref();
        // The exports' entries made by this build, by job.
        let exports = std::sync::Mutex::new(Vec::new());
        let kept = |job: &Page| -> Option<Vec<(String, Arc<[u8]>)>> {
            let last = last?;
            if affected.touches(*job, &site, &resolved) {
                return None;
            }
            (last.paths.get(job)?.iter())
                .map(|path| Some((path.clone(), Arc::clone(last.files.get(path)?))))
                .collect()
        };
        // The search index is updated on its own (it keeps what it needs between builds),
        // alongside the other jobs.
        let search = &mut self.search;
        #[allow(clippy::type_complexity)]
        let (mut outcomes, (index, indexed)): (
            Vec<Result<Made, Diagnostic>>,
            (Option<Made>, Duration),
        ) = rayon::join(
            || {
                (jobs.par_iter().filter(|&&job| job != Page::SearchIndex))
                    .map(|&job| match kept(&job) {
                        Some(files) => Ok((job, files, false)),
                        None if matches!(job, Page::ActorsJson | Page::SourcesJson) => {
                            let (path, entries, file) =
                                export_update(job, last, &affected, &site, &resolved);
                            (exports.lock().unwrap_or_else(PoisonError::into_inner))
                                .push((job, entries));
                            Ok((job, vec![(path.to_string(), file)], true))
                        }
                        None => renderer.render_one(&site, &resolved, job).map(|files| {
                            let files = (files.into_iter())
                                .map(|OutputFile { path, bytes }| (path, Arc::from(bytes)))
                                .collect();
                            (job, files, true)
                        }),
                    })
                    .collect()
            },
            || {
                let started = Instant::now();
                let job = Page::SearchIndex;
                let made = jobs.contains(&job).then(|| match kept(&job) {
                    Some(files) => (job, files, false),
                    None => (job, search.update(&site, &resolved), true),
                });
                (made, started.elapsed())
            },
        );
        outcomes.extend(index.map(Ok));
        let mut errors = Vec::new();
        let mut files = Files::with_capacity(jobs.len());
        let mut paths = HashMap::with_capacity(jobs.len());
        let mut rendered = 0;
        // Kept files are the previous build's; a rendered one may differ.
        let mut differs = self.last.is_none();
        for outcome in outcomes {
            match outcome {
                Ok((job, made, fresh)) => {
                    rendered += usize::from(fresh);
                    if let (true, Some(last)) = (fresh && !differs, &self.last) {
                        differs =
                            (made.iter()).any(|(path, bytes)| last.files.get(path) != Some(bytes));
                    }
                    paths.insert(job, made.iter().map(|(path, _)| path.clone()).collect());
                    files.extend(made);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Every file is in the previous build, the same: the two are equal when they hold
        // as many files.
        let changed = differs
            || self
                .last
                .as_ref()
                .is_some_and(|last| last.files.len() != files.len());
        let mut kept =
            (self.last.as_mut()).map_or_else(Exports::default, |l| std::mem::take(&mut l.exports));
        for (job, entries) in exports.into_inner().unwrap_or_else(PoisonError::into_inner) {
            match job {
                Page::ActorsJson => kept.actors = entries,
                _ => kept.sources = entries,
            }
        }
        // The previous build is kept until `release`: freeing it (tens of thousands of
        // allocations at 10k sources) is no part of the wait for the reload.
        self.retired = self.last.replace(Last {
            site,
            resolved,
            renderer: renderer.fingerprint,
            paths,
            files: Arc::new(files),
            exports: kept,
        });
        Ok(Outcome {
            warnings,
            rendered,
            changed,
            timings: vec![("search", indexed)],
        })
    }
}

/// The entries of `data/actors.json` and `data/sources.json`.
#[derive(Default)]
struct Exports {
    actors: JsonEntries,
    sources: JsonEntries,
}

/// `data/actors.json` or `data/sources.json` (`job`) made again for the actors or
/// sources whose entry may have changed since the last build (its file or what resolve
/// made of it: [`Changes::actors`], [`Changes::sources`]; the ids an entry shows are
/// the same, or everything changed), the other entries kept from that build.
fn export_update(
    job: Page,
    last: Option<&Last>,
    affected: &Affected,
    site: &Site,
    resolved: &Resolved,
) -> (&'static str, JsonEntries, Arc<[u8]>) {
    let changes = match affected {
        Affected::All => None,
        Affected::Some(c) => Some(c),
    };
    if job == Page::ActorsJson {
        let previous = last
            .map(|l| &l.exports.actors)
            .filter(|_| changes.is_some());
        let changed = |a: ActorIx| changes.is_none_or(|c| c.actors.contains(&a));
        let (entries, file) = JsonEntries::actors(previous, site, resolved, &changed);
        (render::ACTORS_JSON, entries, file)
    } else {
        let previous = last
            .map(|l| &l.exports.sources)
            .filter(|_| changes.is_some());
        let changed = |s: SourceIx| changes.is_none_or(|c| c.sources.contains(&s));
        let (entries, file) = JsonEntries::sources(previous, site, resolved, &changed);
        (render::SOURCES_JSON, entries, file)
    }
}

/// The files of one job: the job, each file's path and bytes, and whether they were
/// rendered (not kept).
type Made = (Page, Vec<(String, Arc<[u8]>)>, bool);

/// Above this many changed sources, which backlinks changed is not worked out.
const QUOTED_LIMIT: usize = 64;

/// The actors whose backlink to source `s` shows something else in `now` than in
/// `before`: its count or paragraphs, which passages, or the mentions of a passage's
/// sentence (what an actor page quotes).
fn requoted(before: &Resolved, now: &Resolved, s: SourceIx) -> Vec<(ActorIx, SourceIx)> {
    let (old, new) = (&before.sources[s].doc, &now.sources[s].doc);
    let backlink = |r: &'_ Resolved, a: ActorIx| {
        let list = &r.actors[a].backlinks;
        list.iter().find(|b| b.source == s).cloned()
    };
    let sentence = |doc: &Doc, p: u32| -> Vec<_> {
        let first = &doc.mentions[p as usize];
        (doc.mentions[p as usize..].iter())
            .take_while(|m| m.sentence == first.sentence)
            .cloned()
            .collect()
    };
    let actors: HashSet<ActorIx> = (old.actors.iter().chain(&new.actors))
        .map(|&(a, _)| a)
        .collect();
    (actors.into_iter())
        .filter(|&a| match (backlink(before, a), backlink(now, a)) {
            (Some(x), Some(y)) => {
                x != y
                    || x.passages
                        .iter()
                        .any(|&p| sentence(old, p) != sentence(new, p))
            }
            (None, None) => false,
            _ => true,
        })
        .map(|a| (a, s))
        .collect()
}

impl Changes {
    /// Whether what actor `a`'s pages show of source `s` may have changed.
    fn quotes(&self, a: ActorIx, s: SourceIx) -> bool {
        self.source_links.contains(&s)
            || match &self.quoted {
                Some(quoted) => quoted.contains(&(a, s)),
                None => self.sources.contains(&s),
            }
    }
}

/// Which entities changed since the last build.
enum Affected {
    All,
    Some(Box<Changes>),
}

#[derive(Default)]
struct Changes {
    /// An actor's profile or resolved data.
    actors: HashSet<ActorIx>,
    /// Actors whose list of backlinked sources changed (their pages of older sources shift).
    backlinked: HashSet<ActorIx>,
    /// (actor, source) whose backlink changed: its count, paragraphs or passages (the
    /// mentions of each passage's sentence). `None` when too many sources changed to
    /// tell: then any changed source counts.
    quoted: Option<HashSet<(ActorIx, SourceIx)>>,
    /// An actor's name or kind (what a link to it shows).
    actor_links: HashSet<ActorIx>,
    /// A source's file or resolved data.
    sources: HashSet<SourceIx>,
    /// A source's title, date, outlet or summary (what a link to it shows).
    source_links: HashSet<SourceIx>,
    outlets: HashSet<OutletIx>,
    /// Whether any profile's or source's text changed (for the search index).
    text: bool,
    /// Whether any actor's summary or mention total changed (what listings and the front
    /// page show; the graph shows totals, not summaries).
    listed: bool,
    /// Whether any actor's relations changed (the graph, the front page's count).
    relations: bool,
    /// Actors whose mention total changed (the size of their node in the graphs).
    totals: HashSet<ActorIx>,
}

impl Affected {
    fn compare(last: &Last, site: &Site, resolved: &Resolved, renderer: u64) -> Affected {
        let same_ids = |a: Vec<&str>, b: Vec<&str>| a == b;
        if last.renderer != renderer
            || last.site.config != site.config
            || !same_ids(
                last.site.actors.iter().map(|a| a.id.as_str()).collect(),
                site.actors.iter().map(|a| a.id.as_str()).collect(),
            )
            || !same_ids(
                last.site.sources.iter().map(|s| s.id.as_str()).collect(),
                site.sources.iter().map(|s| s.id.as_str()).collect(),
            )
            || !same_ids(
                last.site.outlets.iter().map(|o| o.id.as_str()).collect(),
                site.outlets.iter().map(|o| o.id.as_str()).collect(),
            )
        {
            return Affected::All;
        }
        let (old, old_resolved) = (&last.site, &last.resolved);
        let mut changes = Changes::default();
        for a in ActorIx::all(site.actors.len()) {
            let (x, y) = (&old.actors[a], &site.actors[a]);
            let profile = x.file.text != y.file.text || x.file.rel_path != y.file.rel_path;
            if profile {
                changes.text = true;
            }
            if profile || old_resolved.actors[a] != resolved.actors[a] {
                changes.actors.insert(a);
            }
            if x.name.value != y.name.value || x.kind != y.kind {
                changes.actor_links.insert(a);
            }
            let (rx, ry) = (&old_resolved.actors[a], &resolved.actors[a]);
            changes.listed |= x.summary != y.summary || rx.mention_total != ry.mention_total;
            if rx.mention_total != ry.mention_total {
                changes.totals.insert(a);
            }
            changes.relations |= rx.relations != ry.relations;
        }
        fn outlet_name<'a>(
            site: &'a Site,
            resolved: &Resolved,
            s: SourceIx,
        ) -> Option<(&'a str, &'a str)> {
            let o = resolved.sources[s].outlet?;
            Some((&site.outlets[o].id, &site.outlets[o].name))
        }
        for s in SourceIx::all(site.sources.len()) {
            let (x, y) = (&old.sources[s], &site.sources[s]);
            let (rx, ry) = (&old_resolved.sources[s], &resolved.sources[s]);
            let file = x.file.text != y.file.text || x.file.rel_path != y.file.rel_path;
            if file {
                changes.text = true;
            }
            if file || rx != ry {
                changes.sources.insert(s);
            }
            if x.title != y.title
                || x.date != y.date
                || x.summary != y.summary
                || outlet_name(old, old_resolved, s) != outlet_name(site, resolved, s)
            {
                changes.source_links.insert(s);
            }
        }
        for o in OutletIx::all(site.outlets.len()) {
            let (x, y) = (&old.outlets[o], &site.outlets[o]);
            if x.file.text != y.file.text || old_resolved.outlets[o] != resolved.outlets[o] {
                changes.outlets.insert(o);
            }
        }
        for &a in &changes.actors {
            let sources = |r: &Resolved| -> Vec<SourceIx> {
                r.actors[a].backlinks.iter().map(|b| b.source).collect()
            };
            if sources(old_resolved) != sources(resolved) {
                changes.backlinked.insert(a);
            }
        }
        changes.quoted = (changes.sources.len() <= QUOTED_LIMIT).then(|| {
            (changes.sources.iter())
                .flat_map(|&s| requoted(old_resolved, resolved, s))
                .collect()
        });
        Affected::Some(Box::new(changes))
    }

    /// Whether `job`'s inputs changed.
    fn touches(&self, job: Page, site: &Site, resolved: &Resolved) -> bool {
        let Affected::Some(c) = self else {
            return true;
        };
        let nothing = c.actors.is_empty()
            && c.actor_links.is_empty()
            && c.sources.is_empty()
            && c.source_links.is_empty()
            && c.outlets.is_empty();
        match job {
            // Made from the templates, the theme, the ids and site.yaml alone.
            Page::NotFound | Page::Search | Page::Sitemap | Page::NoJekyll | Page::Asset(_) => {
                false
            }
            Page::SearchIndex => {
                c.text
                    || !c.actor_links.is_empty()
                    || !c.source_links.is_empty()
                    || !c.outlets.is_empty()
            }
            // The pages of an actor's older sources show its name and those sources.
            Page::ActorSources(a, _) => {
                c.actor_links.contains(&a)
                    || c.backlinked.contains(&a)
                    || (resolved.actors[a].backlinks.iter()).any(|b| c.quotes(a, b.source))
            }
            Page::Actor(a) => {
                let r = &resolved.actors[a];
                let actor = &site.actors[a];
                let source = |s: &SourceIx| c.sources.contains(s) || c.source_links.contains(s);
                c.actors.contains(&a)
                    || r.relations.iter().any(|e| {
                        c.actor_links.contains(&e.other)
                            || c.totals.contains(&e.other)
                            || e.sources.iter().any(source)
                    })
                    || r.co_mentions.iter().any(|(x, _)| c.actor_links.contains(x))
                    || (actor.country.as_ref())
                        .and_then(|x| resolved.index.actor(&x.value))
                        .is_some_and(|x| c.actor_links.contains(&x))
                    || r.backlinks.iter().any(|b| c.quotes(a, b.source))
                    || r.description_cites.iter().any(source)
                    || (actor.sources.iter())
                        .filter_map(|s| resolved.index.source(&s.value))
                        .any(|s| source(&s))
            }
            Page::Source(s) => {
                let r = &resolved.sources[s];
                c.sources.contains(&s)
                    || c.source_links.contains(&s)
                    || r.doc.actors.iter().any(|(x, _)| c.actor_links.contains(x))
                    || r.citations
                        .profiles
                        .iter()
                        .any(|x| c.actor_links.contains(x))
                    || (r.citations.relations.iter())
                        .any(|(x, _, y)| c.actor_links.contains(x) || c.actor_links.contains(y))
            }
            Page::Outlet(o, _) => {
                let r = &resolved.outlets[o];
                c.outlets.contains(&o)
                    || r.sources.iter().any(|s| c.source_links.contains(s))
                    || (site.outlets[o].country.as_ref())
                        .and_then(|x| resolved.index.actor(&x.value))
                        .is_some_and(|x| c.actor_links.contains(&x))
            }
            // The graph shows actors' names, kinds, relations and mention totals (which
            // rank and size its nodes), not their summaries.
            Page::Graph | Page::GraphJson => {
                c.relations || !c.totals.is_empty() || !c.actor_links.is_empty()
            }
            Page::Actors => c.listed || !c.actor_links.is_empty(),
            Page::Sources(_) | Page::Feed => !c.source_links.is_empty(),
            Page::Index => {
                c.listed || c.relations || !c.actor_links.is_empty() || !c.source_links.is_empty()
            }
            Page::ActorsJson => !c.actors.is_empty() || !c.actor_links.is_empty(),
            Page::SourcesJson => !c.sources.is_empty() || !c.source_links.is_empty(),
            // Any page kind added later: after any change.
            #[allow(unreachable_patterns)]
            _ => !nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PassInputs;

    fn names(actors: &[(&str, &[&str])], structure: u64) -> PassInputs {
        PassInputs {
            actors: (actors.iter())
                .map(|(id, n)| (id.to_string(), n.iter().map(|s| s.to_string()).collect()))
                .collect(),
            structure,
        }
    }

    #[test]
    fn only_changed_names_are_probed_and_anything_else_remakes_every_pass() {
        let before = names(&[("hamas", &["Hamas"]), ("kh", &["Kata’ib Hezbollah"])], 1);
        // An alias added: its longest ASCII run; the unchanged actor adds nothing.
        let after = names(
            &[
                ("hamas", &["Hamas", "Harakat al-Muqawama"]),
                ("kh", &["Kata’ib Hezbollah"]),
            ],
            1,
        );
        assert_eq!(before.probes(&after), Some(vec!["Muqawama".to_string()]));
        // A rename: the old and new names, and the id (its wikilinks show the name).
        let after = names(&[("hamas", &["Hamas"]), ("kh", &["Kataib Hezbollah"])], 1);
        assert_eq!(
            before.probes(&after),
            Some(vec!["kh".into(), "Hezbollah".into(), "Hezbollah".into()])
        );
        // Reordered aliases change no match.
        let a = names(&[("x", &["Alpha", "Beta"])], 1);
        let b = names(&[("x", &["Alpha", "Gamma", "Beta"])], 1);
        let c = names(&[("x", &["Alpha", "Beta", "Gamma"])], 1);
        assert_eq!(b.probes(&c), Some(vec![]));
        assert_eq!(a.probes(&c), Some(vec!["Gamma".to_string()]));
        // Other actors or sources, or a name without an ASCII run: every pass again.
        assert_eq!(
            before.probes(&names(
                &[("hamas", &["Hamas"]), ("kh", &["Kata’ib Hezbollah"])],
                2
            )),
            None
        );
        let arabic = names(
            &[
                ("hamas", &["Hamas", "حماس"]),
                ("kh", &["Kata’ib Hezbollah"]),
            ],
            1,
        );
        assert_eq!(before.probes(&arabic), None);
    }
}

#[cfg(test)]
mod release_tests {
    use super::Incremental;

    #[test]
    fn a_build_keeps_the_one_before_until_released() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/site-basic/content");
        let mut site = Incremental::new(&content, None);
        site.build().expect("the fixture builds");
        assert!(site.retired.is_none(), "nothing before the first build");
        let first = site.files();
        site.build().expect("builds again");
        assert!(site.retired.is_some(), "the first build is kept");
        site.release();
        assert!(site.retired.is_none());
        assert_eq!(
            site.files().len(),
            first.len(),
            "the last build is served still"
        );
    }
}
