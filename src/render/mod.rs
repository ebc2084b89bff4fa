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
use crate::model::Site;
use crate::resolve::Resolved;
use crate::text::escape_html;
use views::{ActorRef, SiteView, SourceRef};

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
    "search.html", "source-listing.html",
);

/// The theme assets compiled into the binary, written under `assets/`.
const THEME: &[(&str, &[u8])] = embedded!("theme": "style.css", "search.js", "filter.js");

/// How many sources and actors the front page lists.
const FRONT_PAGE_ITEMS: usize = 10;

/// Templates and assets, ready to render any number of sites.
pub struct Renderer {
    tera: Tera,
    assets: Vec<(String, Vec<u8>)>,
}

impl Renderer {
    /// Embedded templates and theme, each replaced by a file of the same name in
    /// `<site_dir>/templates/` or `<site_dir>/theme/` when there is one (SPEC §5).
    pub fn new(site_dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut sources = Vec::new();
        for (name, embedded) in TEMPLATES {
            let local = site_dir.join("templates").join(name);
            let text = match std::fs::read(&local) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map_err(|_| Diagnostic::file_error(&local, "invalid UTF-8")),
                Err(_) => Ok(String::from_utf8_lossy(embedded).into_owned()),
            };
            match text {
                Ok(text) => sources.push((name.to_string(), text)),
                Err(e) => errors.push(e),
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        if let Err(e) = tera.add_raw_templates(sources) {
            errors.push(Diagnostic::file_error(
                &site_dir.join("templates"),
                error_chain(&e),
            ));
        }
        let mut assets: Vec<(String, Vec<u8>)> = THEME
            .iter()
            .map(|(name, embedded)| {
                let local = site_dir.join("theme").join(name);
                (
                    name.to_string(),
                    std::fs::read(local).unwrap_or_else(|_| embedded.to_vec()),
                )
            })
            .collect();
        assets.push((
            "syntax.css".to_string(),
            highlight::stylesheet().as_bytes().to_vec(),
        ));
        if errors.is_empty() {
            Ok(Renderer { tera, assets })
        } else {
            Err(errors)
        }
    }

    /// Every page, data file and asset of the site.
    pub fn render(
        &self,
        site: &Site,
        resolved: &Resolved,
        progress: &indicatif::ProgressBar,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let jobs: Vec<Page> = [
            Page::Index,
            Page::Actors,
            Page::NotFound,
            Page::Sitemap,
            Page::Feed,
            Page::Graph,
            Page::Search,
        ]
        .into_iter()
        .chain((0..site.actors.len()).map(Page::Actor))
        .chain((0..site.sources.len()).map(Page::Source))
        .chain((1..=listing::page_count(site.sources.len())).map(Page::Sources))
        .chain((0..site.outlets.len()).flat_map(|o| {
            let pages = listing::page_count(resolved.outlet_sources[o].len());
            (1..=pages).map(move |n| Page::Outlet(o, n))
        }))
        .collect();
        progress.set_length(jobs.len() as u64);
        let pages: Vec<Result<OutputFile, Diagnostic>> = jobs
            .par_iter()
            .map(|job| {
                let page = self.page(site, resolved, *job);
                progress.inc(1);
                page
            })
            .collect();
        progress.finish_and_clear();
        let mut files = Vec::with_capacity(pages.len() + 8);
        let mut errors = Vec::new();
        for page in pages {
            match page {
                Ok(file) => files.push(file),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        files.extend(data::files(site, resolved));
        files.push(search::index_file(site, resolved));
        files.push(OutputFile {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        });
        for (name, bytes) in &self.assets {
            files.push(OutputFile {
                path: format!("assets/{name}"),
                bytes: bytes.clone(),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
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
                ctx.insert("neighbourhood", &neighbourhood::view(site, resolved, i));
                (format!("actors/{}.html", a.id), "actor.html", ctx)
            }
            Page::Source(i) => {
                let mut ctx = Context::new();
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
                            .and_then(|c| resolved.actor_index.get(&c.value))
                            .map(|&c| ActorRef::new(site, resolved, c)),
                        description_html: resolved.outlet_descriptions[i].as_deref(),
                    },
                );
                let order = &resolved.outlet_sources[i];
                let mut list =
                    listing::listing(site, resolved, order, n, |n| listing::outlet_path(&o.id, n));
                list.heading = "h3";
                ctx.insert("listing", &list);
                (listing::outlet_path(&o.id, n), "outlet.html", ctx)
            }
        };
        // The 404 page is served at any depth: it links from the site root when that is known.
        let root = match (page, site.config.base_url.as_deref()) {
            (Page::NotFound, Some(base)) => base.to_string(),
            _ => "../".repeat(path.matches('/').count()),
        };
        ctx.insert("root", &root);
        ctx.insert("path", &path);
        ctx.insert(
            "site",
            &SiteView {
                title: &site.config.title,
                description: site.config.description.as_deref(),
                language: &site.config.language,
                base_url: site.config.base_url.as_deref(),
            },
        );
        let html = self.tera.render(template, &ctx).map_err(|e| {
            Diagnostic::file_error(
                Path::new("templates").join(template).as_path(),
                error_chain(&e),
            )
        })?;
        Ok(OutputFile {
            path,
            bytes: html.into_bytes(),
        })
    }
}

#[derive(Clone, Copy)]
enum Page {
    Index,
    Actors,
    /// A page of the sources listing, from 1.
    Sources(usize),
    NotFound,
    Sitemap,
    Feed,
    Graph,
    Search,
    Actor(usize),
    Source(usize),
    /// An outlet's page of its sources, from 1.
    Outlet(usize, usize),
}

#[derive(Serialize)]
struct OutletView<'a> {
    id: &'a str,
    name: &'a str,
    url: Option<&'a str>,
    country: Option<ActorRef<'a>>,
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
    let mut top: Vec<usize> = (0..site.actors.len())
        .filter(|&a| resolved.mention_totals[a] > 0)
        .collect();
    top.sort_by(|&a, &b| {
        resolved.mention_totals[b]
            .cmp(&resolved.mention_totals[a])
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

fn sitemap_context(site: &Site, resolved: &Resolved) -> Context {
    let mut urls = vec![
        "index.html".to_string(),
        "actors.html".to_string(),
        "sources.html".to_string(),
        "graph.html".to_string(),
        "search.html".to_string(),
    ];
    urls.extend(site.actors.iter().map(|a| format!("actors/{}.html", a.id)));
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

#[derive(Serialize)]
struct FeedEntry<'a> {
    source: SourceRef<'a>,
    link: String,
    id: String,
    updated: String,
}

/// The feed lists dated sources, newest first; its own date is the newest source's (never the clock).
fn feed_context(site: &Site, resolved: &Resolved) -> Context {
    let base = site.config.base_url.clone().unwrap_or_default();
    let entries: Vec<FeedEntry> = resolved
        .source_order
        .iter()
        .filter_map(|&s| {
            let date = site.sources[s].date?;
            let link = format!("{base}sources/{}.html", site.sources[s].id);
            let id = if base.is_empty() {
                format!("urn:dossier:source:{}", site.sources[s].id)
            } else {
                link.clone()
            };
            Some(FeedEntry {
                source: SourceRef::new(site, resolved, s),
                link,
                id,
                updated: date.rfc3339(),
            })
        })
        .take(50)
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    ctx.insert("updated", &updated);
    ctx.insert(
        "feed_id",
        &if base.is_empty() {
            "urn:dossier:feed".to_string()
        } else {
            format!("{base}feed.xml")
        },
    );
    ctx.insert("home", &format!("{base}index.html"));
    ctx
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
