//! Resolve on sites built in memory, without a disk: inverses, declarations from both
//! ends, backlinks, co-mentions and citations.

use super::*;
use crate::model::{Actor, ActorKind, Relation, RelationType, Source};

fn located(text: &str) -> Located<String> {
    Located::new(text.to_string(), 1, 1)
}

fn actor(id: &str, name: &str, relations: Vec<Relation>) -> Actor {
    Actor {
        id: id.to_string(),
        name: located(name),
        kind: ActorKind::Organization,
        relations,
        ..Actor::default()
    }
}

fn relation(kind: RelationType, target: &str, sources: &[&str]) -> Relation {
    Relation {
        kind,
        target: located(target),
        since: None,
        until: None,
        note: None,
        sources: sources.iter().map(|s| located(s)).collect(),
    }
}

fn source(id: &str, title: &str, body: &str, date: &str) -> Source {
    let text = format!("---\ntitle: x\n---\n{body}");
    Source {
        id: id.to_string(),
        title: title.to_string(),
        date: PartialDate::parse(date),
        body_offset: text.len() - body.len(),
        file: SourceFile {
            text: text.into(),
            ..SourceFile::default()
        },
        ..Source::default()
    }
}

/// Alpha backs Beta (declared by Alpha, and again by Beta as backed-by); Gamma is an
/// ally of Alpha (declared by Gamma only). Two sources mention them.
fn site() -> Site {
    use RelationType::*;
    Site {
        actors: vec![
            actor("alpha", "Alpha", vec![relation(Backs, "beta", &["old"])]),
            actor("beta", "Beta", vec![relation(BackedBy, "alpha", &["new"])]),
            actor("gamma", "Gamma", vec![relation(AllyOf, "alpha", &[])]),
        ],
        sources: vec![
            source(
                "new",
                "Beta speaks",
                "Alpha and Beta met. Beta and Alpha agreed.\n\nGamma was absent.",
                "2024-02",
            ),
            source("old", "Old news", "Alpha said nothing.", "2023"),
        ],
        ..Site::default()
    }
}

fn ix(resolved: &Resolved, id: &str) -> ActorIx {
    resolved.index.actor(id).unwrap()
}

#[test]
fn inverse_relations_appear_on_the_target_and_both_ends_merge() {
    let site = site();
    let r = resolve(&site).expect("resolves");
    let (alpha, beta, gamma) = (ix(&r, "alpha"), ix(&r, "beta"), ix(&r, "gamma"));
    let edges = &r.actors[beta].relations;
    assert_eq!(
        edges.len(),
        1,
        "declared on both ends, shown once: {edges:?}"
    );
    assert_eq!(edges[0].kind, RelationType::BackedBy);
    assert_eq!(edges[0].other, alpha);
    assert!(edges[0].declared);
    let cited: Vec<&str> = (edges[0].sources.iter())
        .map(|&s| site.sources[s].id.as_str())
        .collect();
    assert_eq!(cited, ["new", "old"], "the sources of both declarations");
    let on_alpha = &r.actors[alpha].relations;
    let ally = on_alpha
        .iter()
        .find(|e| e.other == gamma)
        .expect("inverse of gamma's ally-of");
    assert_eq!(ally.kind, RelationType::AllyOf);
    assert!(!ally.declared);
    assert_eq!(r.declared_edges().count(), 2, "backs/backed-by counts once");
}

#[test]
fn backlinks_are_newest_first_with_one_passage_per_sentence() {
    let site = site();
    let r = resolve(&site).expect("resolves");
    let alpha = &r.actors[ix(&r, "alpha")];
    let sources: Vec<&str> = (alpha.backlinks.iter())
        .map(|b| site.sources[b.source].id.as_str())
        .collect();
    assert_eq!(sources, ["new", "old"]);
    let newest = &alpha.backlinks[0];
    assert_eq!(newest.count, 2);
    assert_eq!(newest.paragraphs, [1]);
    assert_eq!(newest.passages.len(), 2, "two sentences, each once");
    let beta = &r.actors[ix(&r, "beta")];
    let b = &beta.backlinks[0];
    assert_eq!(b.count, 3, "the title and two sentences");
    assert_eq!(b.passages.len(), 3);
    assert_eq!(
        r.passage(b, b.passages[0]).paragraph,
        0,
        "the title is paragraph 0"
    );
    assert_eq!(alpha.mention_total, 3);
}

#[test]
fn co_mentions_count_shared_sources_and_citations_name_who_cites() {
    let site = site();
    let r = resolve(&site).expect("resolves");
    let (alpha, beta, gamma) = (ix(&r, "alpha"), ix(&r, "beta"), ix(&r, "gamma"));
    assert_eq!(r.actors[alpha].co_mentions, [(beta, 1), (gamma, 1)]);
    let old = r.index.source("old").unwrap();
    assert_eq!(
        r.sources[old].citations.relations,
        [(alpha, RelationType::Backs, beta)]
    );
    let new = r.index.source("new").unwrap();
    assert_eq!(
        r.sources[new].citations.relations,
        [(beta, RelationType::BackedBy, alpha)]
    );
    assert_eq!(r.source_order, [new, old]);
}

#[test]
fn unknown_targets_are_errors_and_every_one_is_reported() {
    let mut site = site();
    site.actors[2]
        .relations
        .push(relation(RelationType::Opposes, "delta", &["nowhere"]));
    let errors = resolve(&site).expect_err("unknown ids");
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter().any(|e| e.contains("unknown actor `delta`")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|e| e.contains("unknown article `nowhere`")),
        "{text:?}"
    );
}

/// Twenty sources mentioning Alpha, every other one Beta too; Delta in one only.
fn many() -> Site {
    Site {
        actors: ["alpha", "beta", "delta", "gamma"]
            .iter()
            .map(|id| actor(id, &(id[..1].to_uppercase() + &id[1..]), Vec::new()))
            .collect(),
        sources: (0..20)
            .map(|k| {
                let body = match k {
                    10 => "Alpha and Delta met.",
                    _ if k % 2 == 0 => "Alpha met Beta. Beta left.",
                    _ => "Alpha spoke alone.",
                };
                let date = format!("2024-01-{:02}", k + 1);
                source(&format!("s{k:02}"), "News", body, &date)
            })
            .collect(),
        ..Site::default()
    }
}

/// Resolves `site` keeping `derived`, with the Markdown passes of `before` for the
/// sources other than `changed`.
fn resolve_keeping(
    site: &Site,
    before: Option<&Resolved>,
    changed: usize,
    derived: &mut Derived,
) -> Resolved {
    let mentions = Mentions::new(site);
    let index = Index::new(site);
    let docs = (site.sources.iter().enumerate())
        .map(|(s, source)| match before {
            Some(r) if s != changed => (Arc::clone(&r.sources[s].doc), Vec::new()),
            _ => (Arc::new(mentions.source(source, &index).0), Vec::new()),
        })
        .collect();
    resolve_with(site, index, &mentions, docs, derived).expect("resolves")
}

#[test]
fn after_one_source_changed_backlinks_equal_a_full_resolve_and_the_rest_are_kept() {
    let mut site = many();
    let mut derived = Derived::default();
    let first = resolve_keeping(&site, None, 0, &mut derived);
    // Source 4 now mentions Gamma, and Beta no longer.
    site.sources[4] = source("s04", "News", "Gamma and Alpha met.", "2024-01-05");
    let kept = resolve_keeping(&site, Some(&first), 4, &mut derived);
    let fresh = resolve(&site).expect("resolves");
    assert_eq!(kept.actors, fresh.actors);
    let (alpha, beta, delta, gamma) = (
        ix(&kept, "alpha"),
        ix(&kept, "beta"),
        ix(&kept, "delta"),
        ix(&kept, "gamma"),
    );
    assert_eq!(kept.actors[gamma].backlinks.len(), 1);
    assert_eq!(kept.actors[beta].backlinks.len(), 8);
    assert_eq!(
        kept.actors[alpha].co_mentions,
        vec![(beta, 8), (delta, 1), (gamma, 1)]
    );
    // Delta is not in the changed source: its backlinks are the same value, not a copy.
    assert!(Arc::ptr_eq(
        &first.actors[delta].backlinks,
        &kept.actors[delta].backlinks
    ));
    assert!(!Arc::ptr_eq(
        &first.actors[alpha].backlinks,
        &kept.actors[alpha].backlinks
    ));
}
