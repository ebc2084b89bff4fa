//! View structs: what each template receives, built from the model and the resolved data.

use serde::Serialize;

use crate::model::{Actor, ActorIx, PartialDate, Site, Source, SourceIx};
use crate::resolve::Resolved;

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

#[derive(Serialize)]
pub struct LinkView<'a> {
    pub label: &'static str,
    pub url: String,
    pub text: &'a str,
}

#[derive(Serialize)]
pub struct EdgeView<'a> {
    pub actor: ActorLink<'a>,
    pub declared: bool,
    pub since: Option<String>,
    pub until: Option<String>,
    pub note: Option<&'a str>,
    pub sources: Vec<SourceRef<'a>>,
}

#[derive(Serialize)]
pub struct RelationGroup<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: &'static str,
    pub edges: Vec<EdgeView<'a>>,
}

#[derive(Serialize)]
pub struct PassageView<'a> {
    pub paragraph: u32,
    pub before: &'a str,
    pub text: &'a str,
    pub after: &'a str,
}

#[derive(Serialize)]
pub struct BacklinkView<'a> {
    pub source: SourceRef<'a>,
    pub count: u32,
    pub passages: Vec<PassageView<'a>>,
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
    pub description_html: Option<&'a str>,
    pub founded: Option<String>,
    pub born: Option<String>,
    pub dissolved: Option<String>,
    pub died: Option<String>,
    pub reviewed: Option<String>,
    pub country: Option<ActorLink<'a>>,
    pub links: Vec<LinkView<'a>>,
    pub relation_groups: Vec<RelationGroup<'a>>,
    pub backlinks: Vec<BacklinkView<'a>>,
    pub mention_total: u32,
    pub co_mentions: Vec<CountedActor<'a>>,
    pub profile_sources: Vec<SourceRef<'a>>,
    pub yaml_html: String,
    pub file: &'a str,
    pub edit_url: Option<String>,
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
            text: w,
        });
    }
    if let Some(q) = &a.links.wikidata {
        links.push(LinkView {
            label: "Wikidata",
            url: format!("https://www.wikidata.org/wiki/{q}"),
            text: q,
        });
    }
    if let Some(w) = &a.links.website {
        links.push(LinkView {
            label: "Website",
            url: w.clone(),
            text: w,
        });
    }
    let mut relation_groups: Vec<RelationGroup> = Vec::new();
    for edge in &r.relations {
        let view = EdgeView {
            actor: ActorLink::new(site, edge.other),
            declared: edge.declared,
            since: edge.since.map(|d| d.human()),
            until: edge.until.map(|d| d.human()),
            note: edge.note.as_deref(),
            sources: edge
                .sources
                .iter()
                .map(|&s| SourceRef::new(site, resolved, s))
                .collect(),
        };
        match relation_groups.last_mut() {
            Some(g) if g.kind == edge.kind.as_str() => g.edges.push(view),
            _ => relation_groups.push(RelationGroup {
                kind: edge.kind.as_str(),
                label: edge.kind.label(),
                edges: vec![view],
            }),
        }
    }
    for g in &mut relation_groups {
        g.edges.sort_by(|x, y| x.actor.name.cmp(y.actor.name));
    }
    let backlinks = r
        .backlinks
        .iter()
        .map(|b| BacklinkView {
            source: SourceRef::new(site, resolved, b.source),
            count: b.count,
            passages: b
                .passages
                .iter()
                .map(|&p| {
                    let m = resolved.passage(b, p);
                    PassageView {
                        paragraph: m.paragraph,
                        before: &m.context.before,
                        text: &m.context.text,
                        after: &m.context.after,
                    }
                })
                .collect(),
        })
        .collect();
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
        description_html: r.description_html.as_deref(),
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
        relation_groups,
        backlinks,
        mention_total: r.mention_total,
        co_mentions: r
            .co_mentions
            .iter()
            .map(|&(o, count)| CountedActor {
                actor: ActorLink::new(site, o),
                count,
            })
            .collect(),
        profile_sources: a
            .sources
            .iter()
            .filter_map(|s| resolved.index.source(&s.value))
            .map(|s| SourceRef::new(site, resolved, s))
            .collect(),
        yaml_html,
        file: &a.file.rel_path,
        edit_url,
    }
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
                label: kind.as_str(),
                to: ActorLink::new(site, t),
            })
            .collect(),
    }
}
