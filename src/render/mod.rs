//! Render: Tera templates (embedded defaults, local overrides) and theme assets into
//! an in-memory list of output files. Nothing here touches the output folder.

mod data;
mod graph;
mod highlight;
mod search;
mod views;

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::Diagnostic;
use crate::model::{ActorKind, Site};
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
    "search.html",
);

/// The theme assets compiled into the binary, written under `assets/`.
const THEME: &[(&str, &[u8])] = embedded!("theme": "style.css", "search.js");

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
}

impl Renderer {
    /// Embedded templates and theme, each replaced by a file of the same name in
    /// `<site_dir>/templates/` or `<site_dir>/theme/` when there is one (SPEC §5).
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
            Page::Sources,
            Page::NotFound,
            Page::Sitemap,
            Page::Feed,
            Page::Graph,
            Page::Search,
        ]
        .into_iter()
        .chain((0..site.actors.len()).map(Page::Actor))
        .chain((0..site.sources.len()).map(Page::Source))
        .chain((0..site.outlets.len()).map(Page::Outlet))
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
                actors_context(site, resolved),
            ),
            Page::Sources => {
                let mut ctx = Context::new();
                let list: Vec<SourceRef> = resolved
                    .source_order
                    .iter()
                    .map(|&s| SourceRef::new(site, resolved, s))
                    .collect();
                ctx.insert("sources", &list);
                ("sources.html".to_string(), "sources.html", ctx)
            }
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
                sitemap_context(site),
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
            Page::Outlet(i) => {
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
                let list: Vec<SourceRef> = resolved.outlet_sources[i]
                    .iter()
                    .map(|&s| SourceRef::new(site, resolved, s))
                    .collect();
                ctx.insert("sources", &list);
                (format!("outlets/{}.html", o.id), "outlet.html", ctx)
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
    Sources,
    NotFound,
    Sitemap,
    Feed,
    Graph,
    Search,
    Actor(usize),
    Source(usize),
    Outlet(usize),
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

#[derive(Serialize)]
struct KindGroup<'a> {
    kind: &'static str,
    label: &'static str,
    actors: Vec<ActorRef<'a>>,
}

fn actors_context(site: &Site, resolved: &Resolved) -> Context {
    let groups: Vec<KindGroup> = ActorKind::ALL
        .into_iter()
        .map(|kind| {
            let mut actors: Vec<ActorRef> = (0..site.actors.len())
                .filter(|&a| site.actors[a].kind == kind)
                .map(|a| ActorRef::new(site, resolved, a))
                .collect();
            actors.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.id.cmp(b.id))
            });
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

fn sitemap_context(site: &Site) -> Context {
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
