//! Render: Tera templates (embedded defaults, local overrides) and theme assets into
//! an in-memory list of output files. Nothing here touches the output folder.

mod data;
mod drawing;
mod graph;
mod highlight;
mod listing;
mod neighbourhood;
mod search;
mod views;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::Diagnostic;
use crate::model::{ActorIx, OutletIx, Site, SourceIx};
use crate::resolve::Resolved;
use crate::text::escape_html;
pub use data::{JsonEntries, ACTORS_JSON, SOURCES_JSON};
pub use search::Index as SearchIndex;
use views::{ActorLink, ActorRef, SiteView, SourceRef};

/// One file of the built site: its path relative to the output folder, with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

macro_rules! embedded {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../", $dir, "/", $name)) as &[u8])),*]
    };
}

/// The templates compiled into the binary.
const TEMPLATES: &[(&str, &[u8])] = embedded!("templates":
    "base.html", "index.html", "actors.html", "actor.html", "sources.html", "source.html",
    "outlet.html", "404.html", "sitemap.xml", "feed.xml", "graph.html",
    "search.html", "actor-sources.html", "backlinks.html", "source-listing.html",
);

/// The theme assets compiled into the binary, written under `assets/`.
const THEME: &[(&str, &[u8])] = embedded!("theme": "style.css", "search.js", "favicon.svg", "print.css", "syntax.css", "filter.js");

/// The room a page's bytes start with: more than most pages need (a source page is
/// about 10 kB, an actor page 50 kB on the benchmark), so few grow.
const PAGE_CAPACITY: usize = 64 * 1024;

/// How many sources and actors the front page lists.
const FRONT_PAGE_ITEMS: usize = 10;

/// The site's own `<folder>/<name>` (a template or theme file), if there is one. The
/// content folder's rule holds here too: a file whose real location is outside that
/// folder (a symbolic link to `/etc/passwd`) is an error, never published.
fn read_local(site_dir: &Path, folder: &str, name: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
    let dir = site_dir.join(folder);
    let path = dir.join(name);
    if path.symlink_metadata().is_err() {
        return Ok(None);
    }
    let inside = match (dir.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(real)) => real.starts_with(&root) && real.is_file(),
        _ => false,
    };
    if !inside {
        let target = std::fs::read_link(&path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Err(Diagnostic::file_error(
            &path,
            format!(
                "this {folder} file is a link to a file outside {folder}/ ({target}), or not a regular file: only files inside the folder are read"
            ),
        ));
    }
    std::fs::read(&path)
        .map(Some)
        .map_err(|e| Diagnostic::file_error(&path, format!("cannot read: {e}")))
}

/// Templates and assets, ready to render any number of sites.
pub struct Renderer {
    tera: Tera,
    assets: Vec<(String, Vec<u8>)>,
    /// A hash of every template and asset: two renderers with the same one render alike.
    pub fingerprint: u64,
}

impl Renderer {
    /// Embedded templates and theme, each replaced by a file of the same name in
    /// `<site_dir>/templates/` or `<site_dir>/theme/` when there is one (docs/site.md).
    pub fn new(site_dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut sources = Vec::new();
        for (name, embedded) in TEMPLATES {
            let local = site_dir.join("templates").join(name);
            let text = match read_local(site_dir, "templates", name) {
                Ok(Some(bytes)) => String::from_utf8(bytes)
                    .map_err(|_| Diagnostic::file_error(&local, "invalid UTF-8")),
                Ok(None) => Ok(String::from_utf8_lossy(embedded).into_owned()),
                Err(e) => Err(e),
            };
            match text {
                Ok(text) => sources.push((name.to_string(), text)),
                Err(e) => errors.push(e),
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&sources, &mut hasher);
        if let Err(e) = tera.add_raw_templates(sources) {
            errors.push(Diagnostic::file_error(
                &site_dir.join("templates"),
                error_chain(&e),
            ));
        }
        let mut assets: Vec<(String, Vec<u8>)> = Vec::with_capacity(THEME.len() + 1);
        for (name, embedded) in THEME {
            match read_local(site_dir, "theme", name) {
                Ok(bytes) => {
                    assets.push((name.to_string(), bytes.unwrap_or_else(|| embedded.to_vec())))
                }
                Err(e) => errors.push(e),
            }
        }
        std::hash::Hash::hash(&assets, &mut hasher);
        let fingerprint = std::hash::Hasher::finish(&hasher);
        if errors.is_empty() {
            Ok(Renderer {
                tera,
                assets,
                fingerprint,
            })
        } else {
            Err(errors)
        }
    }

    /// Every file of the site, as jobs that render independently: pages first (the
    /// per-entity ones are most of the work), then data, search and assets.
    pub fn jobs(&self, site: &Site, resolved: &Resolved) -> Vec<Page> {
        let mut jobs = vec![
            Page::Index,
            Page::Actors,
            Page::NotFound,
            Page::Graph,
            Page::Search,
        ];
        // The sitemap and the feed need absolute URLs: without a base URL they are left
        // out (see `publishing_notes`).
        if site.config.base_url.is_some() {
            jobs.extend([Page::Sitemap, Page::Feed]);
        }
        jobs.extend(ActorIx::all(site.actors.len()).map(Page::Actor));
        jobs.extend(ActorIx::all(site.actors.len()).flat_map(|a| {
            (2..=views::backlink_pages(&resolved.actors[a])).map(move |n| Page::ActorSources(a, n))
        }));
        jobs.extend(SourceIx::all(site.sources.len()).map(Page::Source));
        jobs.extend((1..=listing::page_count(site.sources.len())).map(Page::Sources));
        jobs.extend(OutletIx::all(site.outlets.len()).flat_map(|o| {
            let pages = listing::page_count(resolved.outlets[o].sources.len());
            (1..=pages).map(move |n| Page::Outlet(o, n))
        }));
        jobs.extend([
            Page::ActorsJson,
            Page::SourcesJson,
            Page::GraphJson,
            Page::SearchIndex,
            Page::NoJekyll,
        ]);
        jobs.extend((0..self.assets.len()).map(Page::Asset));
        jobs
    }

    /// Renders `jobs` in parallel, handing each file to `sink` as soon as it is made
    /// (so a build never holds the whole site in memory). Every failure is returned.
    pub fn render_into(
        &self,
        site: &Site,
        resolved: &Resolved,
        jobs: &[Page],
        sink: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
        progress: &indicatif::ProgressBar,
    ) -> Result<(), Vec<Diagnostic>> {
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|&job| {
                let done = (self.render_one(site, resolved, job))
                    .and_then(|files| files.into_iter().try_for_each(sink));
                progress.inc(1);
                done.err()
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The whole site in memory, sorted by path (for `serve` and tests).
    pub fn render(
        &self,
        site: &Site,
        resolved: &Resolved,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let files = std::sync::Mutex::new(Vec::new());
        let sink = |file: OutputFile| {
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(file);
            Ok(())
        };
        let hidden = indicatif::ProgressBar::hidden();
        self.render_into(site, resolved, &self.jobs(site, resolved), &sink, &hidden)?;
        let mut files = files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// The files of one job: one, but for the search index, which is many shards.
    pub fn render_one(
        &self,
        site: &Site,
        resolved: &Resolved,
        job: Page,
    ) -> Result<Vec<OutputFile>, Diagnostic> {
        let file = match job {
            Page::ActorsJson => data::actors(site, resolved),
            Page::SourcesJson => data::sources(site, resolved),
            Page::GraphJson => data::graph(site, resolved),
            Page::SearchIndex => return Ok(search::index_files(site, resolved)),
            Page::NoJekyll => OutputFile {
                path: ".nojekyll".into(),
                bytes: Vec::new(),
            },
            Page::Asset(i) => {
                let (name, bytes) = &self.assets[i];
                OutputFile {
                    path: format!("assets/{name}"),
                    bytes: bytes.clone(),
                }
            }
            page => self.page(site, resolved, page)?,
        };
        Ok(vec![file])
    }

    fn page(&self, site: &Site, resolved: &Resolved, page: Page) -> Result<OutputFile, Diagnostic> {
        let (path, template, mut ctx) = match page {
            Page::Index => (
                "index.html".to_string(),
                "index.html",
                index_context(site, resolved),
            ),
            Page::Actors => (
                "actors.html".to_string(),
                "actors.html",
                listing::actors_context(site, resolved),
            ),
            Page::Sources(n) => (
                listing::sources_path(n),
                "sources.html",
                listing::sources_context(site, resolved, n),
            ),
            Page::NotFound => ("404.html".to_string(), "404.html", Context::new()),
            Page::Search => ("search.html".to_string(), "search.html", Context::new()),
            Page::Graph => {
                let mut ctx = Context::new();
                ctx.insert("graph", &graph::view(site, resolved));
                ("graph.html".to_string(), "graph.html", ctx)
            }
            Page::Sitemap => (
                "sitemap.xml".to_string(),
                "sitemap.xml",
                sitemap_context(site, resolved),
            ),
            Page::Feed => (
                "feed.xml".to_string(),
                "feed.xml",
                feed_context(site, resolved),
            ),
            Page::Actor(i) => {
                let a = &site.actors[i];
                let yaml = highlight::yaml(&a.file.text);
                let mut ctx = Context::new();
                ctx.insert("actor", &views::actor_page(site, resolved, i, yaml));
                ctx.insert("backlinks", &views::backlinks_view(site, resolved, i, 1));
                let total = resolved.actors[i].backlinks.len();
                ctx.insert("paging", &views::paging(&a.id, total, 1));
                ctx.insert("description", &a.summary);
                ctx.insert("og_type", "profile");
                ctx.insert(
                    "neighbourhood",
                    &neighbourhood::view(site, resolved, i.get()),
                );
                (format!("actors/{}.html", a.id), "actor.html", ctx)
            }
            // The older sources of an actor show its name, not its profile: a profile
            // edit that keeps the name leaves these pages as they are (and `serve` does
            // not render them again; see incremental.rs).
            Page::ActorSources(i, n) => {
                let a = &site.actors[i];
                let mut ctx = Context::new();
                ctx.insert("actor", &ActorLink::new(site, i));
                ctx.insert("backlinks", &views::backlinks_view(site, resolved, i, n));
                let total = resolved.actors[i].backlinks.len();
                let paging = views::paging(&a.id, total, n);
                let description = format!(
                    "Sources that mention {}, page {n} of {}.",
                    a.name.value, paging.pages
                );
                ctx.insert("paging", &paging);
                ctx.insert("description", &description);
                (views::backlinks_path(&a.id, n), "actor-sources.html", ctx)
            }
            Page::Source(i) => {
                let mut ctx = Context::new();
                ctx.insert("description", &site.sources[i].summary);
                ctx.insert("og_type", "article");
                ctx.insert("page", &views::source_page(site, resolved, i));
                (
                    format!("sources/{}.html", site.sources[i].id),
                    "source.html",
                    ctx,
                )
            }
            Page::Outlet(i, n) => {
                let o = &site.outlets[i];
                let mut ctx = Context::new();
                ctx.insert(
                    "outlet",
                    &OutletView {
                        id: &o.id,
                        name: &o.name,
                        url: o.url.as_deref(),
                        country: o
                            .country
                            .as_ref()
                            .and_then(|c| resolved.index.actor(&c.value))
                            .map(|c| ActorLink::new(site, c)),
                        description_html: resolved.outlets[i].description_html.as_deref(),
                    },
                );
                let order = &resolved.outlets[i].sources;
                let mut list =
                    listing::listing(site, resolved, order, n, |n| listing::outlet_path(&o.id, n));
                list.heading = "h3";
                ctx.insert("listing", &list);
                (listing::outlet_path(&o.id, n), "outlet.html", ctx)
            }
            other => unreachable!("{other:?} is rendered by render_one"),
        };
        // The 404 page is served at any depth: it links from the site root when that is known.
        let root = match (page, site.config.base_url.as_deref()) {
            (Page::NotFound, Some(base)) => base.to_string(),
            _ => "../".repeat(path.matches('/').count()),
        };
        ctx.insert("root", &root);
        ctx.insert("path", &path);
        // The navigation marks the section a page belongs to.
        let section = match path.split_once('/') {
            Some(("actors", _)) => "actors",
            Some(("sources" | "outlets", _)) => "sources",
            _ => path.trim_end_matches(".html"),
        };
        ctx.insert("section", section);
        ctx.insert(
            "site",
            &SiteView {
                title: &site.config.title,
                description: site.config.description.as_deref(),
                language: &site.config.language,
                base_url: site.config.base_url.as_deref(),
            },
        );
        // Rendered straight into the file's bytes: no growing from Tera's 2 kB, and no
        // second pass to check as UTF-8 what the templates and escaping made from `str`s.
        let mut bytes = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(template, &ctx, &mut bytes)
            .map_err(|e| {
                Diagnostic::file_error(
                    Path::new("templates").join(template).as_path(),
                    error_chain(&e),
                )
            })?;
        Ok(OutputFile { path, bytes })
    }
}

/// One file of the site: a page, a data export, the search index or an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Index,
    Actors,
    /// A page of the sources listing, from 1.
    Sources(usize),
    NotFound,
    Sitemap,
    Feed,
    Graph,
    Search,
    Actor(ActorIx),
    /// Page `n` (2 or more) of an actor's backlinks.
    ActorSources(ActorIx, usize),
    Source(SourceIx),
    /// An outlet's page of its sources, from 1.
    Outlet(OutletIx, usize),
    ActorsJson,
    SourcesJson,
    GraphJson,
    SearchIndex,
    NoJekyll,
    /// The theme asset at this position.
    Asset(usize),
}

#[derive(Serialize)]
struct OutletView<'a> {
    id: &'a str,
    name: &'a str,
    url: Option<&'a str>,
    country: Option<ActorLink<'a>>,
    description_html: Option<&'a str>,
}

fn index_context(site: &Site, resolved: &Resolved) -> Context {
    let mut ctx = Context::new();
    let newest: Vec<SourceRef> = resolved
        .source_order
        .iter()
        .take(FRONT_PAGE_ITEMS)
        .map(|&s| SourceRef::new(site, resolved, s))
        .collect();
    let total = |a: ActorIx| resolved.actors[a].mention_total;
    let mut top: Vec<ActorIx> = ActorIx::all(site.actors.len())
        .filter(|&a| total(a) > 0)
        .collect();
    top.sort_by(|&a, &b| {
        total(b)
            .cmp(&total(a))
            .then_with(|| site.actors[a].name.value.cmp(&site.actors[b].name.value))
    });
    let top: Vec<ActorRef> = top
        .into_iter()
        .take(FRONT_PAGE_ITEMS)
        .map(|a| ActorRef::new(site, resolved, a))
        .collect();
    let relations = resolved.declared_edges().count();
    ctx.insert(
        "counts",
        &serde_json::json!({
            "actors": site.actors.len(),
            "sources": site.sources.len(),
            "outlets": site.outlets.len(),
            "relations": relations,
        }),
    );
    ctx.insert("newest", &newest);
    ctx.insert("top_actors", &top);
    ctx
}

/// The sitemap: absolute URLs only, as the sitemaps protocol requires.
fn sitemap_context(site: &Site, resolved: &Resolved) -> Context {
    let mut urls = vec![
        "index.html".to_string(),
        "actors.html".to_string(),
        "sources.html".to_string(),
        "graph.html".to_string(),
        "search.html".to_string(),
    ];
    for (a, r) in site.actors.iter().zip(&resolved.actors) {
        urls.extend((1..=views::backlink_pages(r)).map(|n| views::backlinks_path(&a.id, n)));
    }
    urls.extend(
        site.sources
            .iter()
            .map(|s| format!("sources/{}.html", s.id)),
    );
    urls.extend(
        site.outlets
            .iter()
            .map(|o| format!("outlets/{}.html", o.id)),
    );
    urls.extend(listing::extra_pages(site, resolved));
    let base = site.config.base_url.clone().unwrap_or_default();
    let urls: Vec<String> = urls.into_iter().map(|u| format!("{base}{u}")).collect();
    let mut ctx = Context::new();
    ctx.insert("urls", &urls);
    ctx
}

/// How many sources the feed lists at most.
const FEED_ENTRIES: usize = 50;

#[derive(Serialize)]
struct FeedEntry<'a> {
    source: SourceRef<'a>,
    link: String,
    updated: String,
}

/// The feed lists dated sources, newest first; its own date is the newest source's (never
/// the clock). Each id is the page's absolute URL, so two sites never share one.
fn feed_context(site: &Site, resolved: &Resolved) -> Context {
    let base = site.config.base_url.clone().unwrap_or_default();
    let entries: Vec<FeedEntry> = resolved
        .source_order
        .iter()
        .filter_map(|&s| {
            let date = site.sources[s].date?;
            Some(FeedEntry {
                source: SourceRef::new(site, resolved, s),
                link: format!("{base}sources/{}.html", site.sources[s].id),
                updated: date.rfc3339(),
            })
        })
        .take(FEED_ENTRIES)
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    ctx.insert("updated", &updated);
    ctx.insert("feed_url", &format!("{base}feed.xml"));
    ctx.insert("home", &format!("{base}index.html"));
    ctx
}

/// One line each for what a build leaves out of the published site and why: the sitemap
/// and feed without a base URL, undated sources from the feed. Not content warnings: they
/// depend on how `build` is called, and `--deny-warnings` does not count them.
pub fn publishing_notes(site: &Site) -> Vec<String> {
    if site.config.base_url.is_none() {
        return vec![
            "no base_url: sitemap.xml and feed.xml were not written, as they need absolute URLs \
             (set base_url in site.yaml or pass --base-url)"
                .to_string(),
        ];
    }
    let undated: Vec<&str> = site
        .sources
        .iter()
        .filter(|s| s.date.is_none())
        .map(|s| s.id.as_str())
        .collect();
    if undated.is_empty() {
        return Vec::new();
    }
    let shown = undated
        .iter()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if undated.len() > 3 {
        format!(" and {} more", undated.len() - 3)
    } else {
        String::new()
    };
    vec![format!(
        "feed.xml leaves out {} undated source{} ({shown}{more}): a `date:` puts a source in it",
        undated.len(),
        if undated.len() == 1 { "" } else { "s" }
    )]
}

/// A Tera error with its causes, on one line.
fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
