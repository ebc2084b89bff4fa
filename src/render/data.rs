//! The JSON exports other tools read: `data/actors.json`, `data/sources.json`, `data/graph.json`.
//! The two arrays can be kept as [`JsonEntries`] (an entry per actor or source), which
//! `serve` updates for the changed items only.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

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
    let entry = |a: usize| indented(&actor_json(site, resolved, ActorIx::new(a)));
    whole(
        ACTORS_JSON,
        &JsonEntries::make(None, site.actors.len(), &|_| true, &entry),
    )
}

/// `data/sources.json`: every source's metadata and the actors it mentions.
pub fn sources(site: &Site, resolved: &Resolved) -> OutputFile {
    let entry = |s: usize| indented(&source_json(site, resolved, SourceIx::new(s)));
    whole(
        SOURCES_JSON,
        &JsonEntries::make(None, site.sources.len(), &|_| true, &entry),
    )
}

/// Where [`actors`] and [`sources`] write.
pub const ACTORS_JSON: &str = "data/actors.json";
pub const SOURCES_JSON: &str = "data/sources.json";

fn whole(path: &str, entries: &[Arc<[u8]>]) -> OutputFile {
    let mut bytes = vec![0; file_len(entries)];
    write_file(entries, &mut bytes);
    OutputFile {
        path: path.to_string(),
        bytes,
    }
}

/// A JSON array export (`data/actors.json`, `data/sources.json`) as one serialized
/// entry per item (indented as the whole file indents it), so that an update
/// serializes again only the entries of the items it is told changed and joins them
/// with the others' kept bytes. The file is the same, byte for byte, as one
/// serialization of the whole array.
#[derive(Default)]
pub struct JsonEntries {
    entries: Vec<Arc<[u8]>>,
}

impl JsonEntries {
    /// `data/actors.json` (at [`ACTORS_JSON`]), the entries of the actors `changed`
    /// names serialized again and the others taken from `previous` (see [`Self::update`]).
    pub fn actors(
        previous: Option<&JsonEntries>,
        site: &Site,
        resolved: &Resolved,
        changed: &(dyn Fn(ActorIx) -> bool + Sync),
    ) -> (JsonEntries, Arc<[u8]>) {
        let entry = |a: usize| indented(&actor_json(site, resolved, ActorIx::new(a)));
        let changed = |a: usize| changed(ActorIx::new(a));
        Self::update(previous, site.actors.len(), &changed, &entry)
    }

    /// `data/sources.json` (at [`SOURCES_JSON`]), as [`Self::actors`] makes its file.
    pub fn sources(
        previous: Option<&JsonEntries>,
        site: &Site,
        resolved: &Resolved,
        changed: &(dyn Fn(SourceIx) -> bool + Sync),
    ) -> (JsonEntries, Arc<[u8]>) {
        let entry = |s: usize| indented(&source_json(site, resolved, SourceIx::new(s)));
        let changed = |s: usize| changed(SourceIx::new(s));
        Self::update(previous, site.sources.len(), &changed, &entry)
    }

    /// The entries of `len` items and the file they make: those of the items `changed`
    /// names are made again, the others taken from `previous` (all are made when there
    /// is no previous, or it holds another number of items). `previous` is left as it
    /// was, so it stays true to the build it was made for. The file is made in place
    /// (12 MB for the actors at 10,000 sources: a copy costs page faults).
    fn update(
        previous: Option<&JsonEntries>,
        len: usize,
        changed: &(dyn Fn(usize) -> bool + Sync),
        entry: &(dyn Fn(usize) -> Vec<u8> + Sync),
    ) -> (JsonEntries, Arc<[u8]>) {
        let entries = Self::make(previous, len, changed, entry);
        let mut file: Arc<[u8]> = std::iter::repeat_n(0, file_len(&entries)).collect();
        if let Some(bytes) = Arc::get_mut(&mut file) {
            write_file(&entries, bytes);
        }
        (JsonEntries { entries }, file)
    }

    fn make(
        previous: Option<&JsonEntries>,
        len: usize,
        changed: &(dyn Fn(usize) -> bool + Sync),
        entry: &(dyn Fn(usize) -> Vec<u8> + Sync),
    ) -> Vec<Arc<[u8]>> {
        let previous = previous.filter(|p| p.entries.len() == len);
        (0..len)
            .into_par_iter()
            .map(|i| match previous {
                Some(p) if !changed(i) => Arc::clone(&p.entries[i]),
                _ => Arc::from(entry(i)),
            })
            .collect()
    }
}

/// The length of the file [`write_file`] writes.
fn file_len(entries: &[Arc<[u8]>]) -> usize {
    match entries.len() {
        0 => "[]\n".len(),
        n => {
            "[".len()
                + entries
                    .iter()
                    .map(|e| "\n  ".len() + e.len())
                    .sum::<usize>()
                + (n - 1) * ",".len()
                + "\n]\n".len()
        }
    }
}

/// The whole file from its entries, into `out` ([`file_len`] bytes): what
/// `serde_json::to_vec_pretty` makes of the array, and a line break.
fn write_file(entries: &[Arc<[u8]>], out: &mut [u8]) {
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    if entries.is_empty() {
        put(b"[]");
    } else {
        put(b"[");
        for (n, entry) in entries.iter().enumerate() {
            if n > 0 {
                put(b",");
            }
            put(b"\n  ");
            put(entry);
        }
        put(b"\n]");
    }
    put(b"\n");
}

/// An array's entry, pretty-printed one level deep: every line after the first
/// indented by two more spaces. JSON strings escape their line breaks, so every `\n`
/// in the output is the formatter's.
fn indented<T: Serialize>(value: &T) -> Vec<u8> {
    let flat = serde_json::to_vec_pretty(value).expect("views serialize to JSON");
    let lines = flat.iter().filter(|&&b| b == b'\n').count();
    let mut indented = Vec::with_capacity(flat.len() + 2 * lines);
    for &b in &flat {
        indented.push(b);
        if b == b'\n' {
            indented.extend_from_slice(b"  ");
        }
    }
    indented
}

fn actor_json<'a>(site: &'a Site, resolved: &'a Resolved, a: ActorIx) -> ActorJson<'a> {
    let (actor, r) = (&site.actors[a], &resolved.actors[a]);
    let source_id = |s: SourceIx| site.sources[s].id.as_str();
    let mut mentions: Vec<MentionJson> = (r.backlinks.iter())
        .map(|b| MentionJson {
            source: source_id(b.source),
            count: b.count,
            paragraphs: b.paragraphs.clone(),
        })
        .collect();
    mentions.sort_by(|x, y| x.source.cmp(y.source));
    ActorJson {
        id: &actor.id,
        name: &actor.name.value,
        kind: actor.kind.as_str(),
        aliases: actor.aliases.iter().map(|x| x.value.as_str()).collect(),
        summary: actor.summary.as_deref(),
        mentions,
        relations: (r.relations.iter())
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
}

fn source_json<'a>(site: &'a Site, resolved: &'a Resolved, s: SourceIx) -> SourceJson<'a> {
    let (source, r) = (&site.sources[s], &resolved.sources[s]);
    SourceJson {
        id: &source.id,
        title: &source.title,
        date: source.date.map(|d| d.to_string()),
        outlet: source.outlet.as_ref().map(|o| o.value.as_str()),
        url: source.url.as_deref(),
        author: source.author.as_deref(),
        actors: (r.doc.actors.iter())
            .map(|&(a, c)| (site.actors[a].id.as_str(), c))
            .collect(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, Located, Relation, RelationType, Source, SourceFile};

    fn located(text: &str) -> Located<String> {
        Located::new(text.to_string(), 1, 1)
    }

    fn site(summary: &str) -> Site {
        let text = "---\ntitle: x\n---\nAlpha met Beta.\n\nAlpha left.";
        Site {
            actors: vec![
                Actor {
                    id: "alpha".into(),
                    name: located("Alpha"),
                    aliases: vec![located("The \"A\"\nline")],
                    summary: Some(summary.into()),
                    relations: vec![Relation {
                        kind: RelationType::Backs,
                        target: located("beta"),
                        since: None,
                        until: None,
                        note: None,
                        sources: vec![located("talks")],
                    }],
                    ..Actor::default()
                },
                Actor {
                    id: "beta".into(),
                    name: located("Beta"),
                    ..Actor::default()
                },
                Actor {
                    id: "gamma".into(),
                    name: located("Gamma"),
                    ..Actor::default()
                },
            ],
            sources: vec![Source {
                id: "talks".into(),
                title: "Talks".into(),
                body_offset: text.find("Alpha").unwrap(),
                file: SourceFile {
                    text: text.into(),
                    ..SourceFile::default()
                },
                ..Source::default()
            }],
            ..Site::default()
        }
    }

    fn whole_array(site: &Site, resolved: &Resolved) -> Vec<u8> {
        let all: Vec<ActorJson> = (ActorIx::all(site.actors.len()))
            .map(|a| actor_json(site, resolved, a))
            .collect();
        let mut bytes = serde_json::to_vec_pretty(&all).unwrap();
        bytes.push(b'\n');
        bytes
    }

    #[test]
    fn the_file_joined_from_entries_equals_the_array_serialized_whole() {
        let site = site("Line one.\nLine two, \"quoted\".");
        let resolved = crate::resolve::resolve(&site).expect("resolves");
        let file = actors(&site, &resolved);
        assert_eq!(
            String::from_utf8(file.bytes).unwrap(),
            String::from_utf8(whole_array(&site, &resolved)).unwrap()
        );
        assert!(
            resolved.actors[ActorIx::new(0)].backlinks.len() == 1,
            "the test has a mention"
        );
        let empty = Site::default();
        let none = crate::resolve::resolve(&empty).expect("resolves");
        assert_eq!(actors(&empty, &none).bytes, whole_array(&empty, &none));
    }

    #[test]
    fn an_update_serializes_again_only_the_entries_it_is_told_changed() {
        let before = site("Before.");
        let r = crate::resolve::resolve(&before).expect("resolves");
        let (kept, _) = JsonEntries::actors(None, &before, &r, &|_| true);
        let after = site("After.");
        let r = crate::resolve::resolve(&after).expect("resolves");
        let alpha = |file: &Arc<[u8]>| String::from_utf8_lossy(file).contains("After.");
        // Told nothing changed, the update keeps the stale entry: the caller's word is
        // what it goes by.
        let (_, stale) = JsonEntries::actors(Some(&kept), &after, &r, &|_| false);
        assert!(!alpha(&stale));
        let (_, fresh) = JsonEntries::actors(Some(&kept), &after, &r, &|a| a.get() == 0);
        assert!(alpha(&fresh));
        assert_eq!(fresh.to_vec(), whole_array(&after, &r));
        // Another number of actors: every entry again.
        let mut fewer = site("After.");
        fewer.actors.pop();
        let r = crate::resolve::resolve(&fewer).expect("resolves");
        let (_, file) = JsonEntries::actors(Some(&kept), &fewer, &r, &|_| false);
        assert_eq!(file.to_vec(), whole_array(&fewer, &r));
    }
}
