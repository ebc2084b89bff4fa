//! The JSON exports other tools read: `data/actors.json`, `data/sources.json`, `data/graph.json`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::OutputFile;
use crate::model::{ActorIx, Site, SourceIx};
use crate::resolve::Resolved;

#[derive(Serialize)]
struct ActorJson<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    aliases: Vec<&'a str>,
    summary: Option<&'a str>,
    mentions: Vec<MentionJson<'a>>,
    relations: Vec<RelationJson<'a>>,
}

#[derive(Serialize)]
struct MentionJson<'a> {
    source: &'a str,
    count: u32,
    paragraphs: Vec<u32>,
}

#[derive(Serialize)]
struct RelationJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: &'a str,
    declared: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<String>,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<String>,
    outlet: Option<&'a str>,
    url: Option<&'a str>,
    author: Option<&'a str>,
    actors: BTreeMap<&'a str, u32>,
}

#[derive(Serialize)]
struct Graph<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<GraphEdge<'a>>,
}

#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    mentions: u32,
}

#[derive(Serialize)]
struct GraphEdge<'a> {
    source: &'a str,
    target: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// `data/actors.json`: every actor with its mentions (by source id) and relations.
pub fn actors(site: &Site, resolved: &Resolved) -> OutputFile {
    let source_id = |s: SourceIx| site.sources[s].id.as_str();
    let actors: Vec<ActorJson> = site
        .actors
        .iter()
        .zip(&resolved.actors)
        .map(|(a, r)| {
            let mut mentions: Vec<MentionJson> = r
                .backlinks
                .iter()
                .map(|b| MentionJson {
                    source: source_id(b.source),
                    count: b.count,
                    paragraphs: b.paragraphs.clone(),
                })
                .collect();
            mentions.sort_by(|x, y| x.source.cmp(y.source));
            ActorJson {
                id: &a.id,
                name: &a.name.value,
                kind: a.kind.as_str(),
                aliases: a.aliases.iter().map(|x| x.value.as_str()).collect(),
                summary: a.summary.as_deref(),
                mentions,
                relations: r
                    .relations
                    .iter()
                    .map(|e| RelationJson {
                        kind: e.kind.as_str(),
                        target: &site.actors[e.other].id,
                        declared: e.declared,
                        since: e.since.map(|d| d.to_string()),
                        until: e.until.map(|d| d.to_string()),
                        sources: e.sources.iter().map(|&s| source_id(s)).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    json("data/actors.json", &actors)
}

/// `data/sources.json`: every source's metadata and the actors it mentions.
pub fn sources(site: &Site, resolved: &Resolved) -> OutputFile {
    let sources: Vec<SourceJson> = site
        .sources
        .iter()
        .zip(&resolved.sources)
        .map(|(s, r)| SourceJson {
            id: &s.id,
            title: &s.title,
            date: s.date.map(|d| d.to_string()),
            outlet: s.outlet.as_ref().map(|o| o.value.as_str()),
            url: s.url.as_deref(),
            author: s.author.as_deref(),
            actors: (r.doc.actors.iter())
                .map(|&(a, c)| (site.actors[a].id.as_str(), c))
                .collect(),
        })
        .collect();
    json("data/sources.json", &sources)
}

/// `data/graph.json`: actors as nodes, each declared relation once as an edge.
pub fn graph(site: &Site, resolved: &Resolved) -> OutputFile {
    let graph = Graph {
        nodes: (site.actors.iter().zip(&resolved.actors))
            .map(|(a, r)| Node {
                id: &a.id,
                name: &a.name.value,
                kind: a.kind.as_str(),
                mentions: r.mention_total,
            })
            .collect(),
        edges: resolved
            .declared_edges()
            .map(|(i, e): (ActorIx, _)| GraphEdge {
                source: &site.actors[i].id,
                target: &site.actors[e.other].id,
                kind: e.kind.as_str(),
            })
            .collect(),
    };
    json("data/graph.json", &graph)
}

fn json<T: Serialize>(path: &str, value: &T) -> OutputFile {
    let mut bytes = serde_json::to_vec_pretty(value).expect("views serialize to JSON");
    bytes.push(b'\n');
    OutputFile {
        path: path.to_string(),
        bytes,
    }
}
