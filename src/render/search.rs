//! The full-text search index, written in shards under `assets/search/`, each a script
//! that calls `dossierSearchShard(name, data)`, so that `theme/search.js` loads only the
//! shards a query needs by adding `<script>` elements (which works from `file://`, at a
//! domain root and under a subpath; nothing is fetched as JSON).
//!
//! - `m.js`, the manifest: the number of documents, documents per shard, the keys of
//!   the term shards and of the typo lists.
//! - `t<n>.js`, term shards: every term lands in exactly one, the one whose key is the
//!   longest key that begins the term ([`shard_of`]). Keys are prefixes of the folded
//!   terms, grown one character at a time where a shard would pass
//!   [`TERM_SHARD_BYTES`]. A term's record is `[term, df, postings]`, the postings
//!   `[doc, weight, unit, …]` with doc numbers delta-encoded, at most
//!   [`MAX_POSTINGS`] of them (the heaviest) though `df` counts them all; `unit` is
//!   1 + the index of the snippet unit of that document holding the term, or 0. A term
//!   shard also maps the names and titles whose first word is one of its terms
//!   (folded as a query is) to their documents, for "the document named as the query first".
//! - `d<n>.js`, document shards of [`DOCS_PER_SHARD`] documents:
//!   `[kind, path, title, detail, excerpt, units]`, units being `[paragraph, text]`,
//!   the few sentences of a source that best cover its rarer words.
//! - `f<n>.js`, typo lists: the terms of one first letter and one length, most
//!   frequent first, for edit-distance-1 matches in the browser.
//!
//! A name or title counts [`TITLE_WEIGHT`] times a word of the body, a summary
//! [`SUMMARY_WEIGHT`] times. Terms are folded the same way here and in `search.js`:
//! text is split into words of letters and digits (`char::is_alphabetic` or
//! `is_numeric`; `[\p{Alphabetic}\p{N}]` in JavaScript); a `.` or an apostrophe
//! between two such runs joins them into one compound ("U.S.", "Kata'ib"). Each part
//! is folded (Unicode NFKD, marks dropped, lowercased). The index holds every part
//! and, for a compound, the parts joined ("u.s." gives "us", "kata'ib" gives "kata",
//! "ib" and "kataib"); a query uses the joined form, so "U.S.", "US", "Kata'ib" and
//! "Kataib" all find what they should. A final `'s` is a possessive and dropped.
//! Terms of one character and stop words are left out on both sides.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::OutputFile;
use crate::model::{ActorIx, Site, SourceIx};
use crate::resolve::Resolved;

const TITLE_WEIGHT: u32 = 8;
const SUMMARY_WEIGHT: u32 = 3;
/// Characters of text shown under a result that has no matching sentence.
const EXCERPT_CHARS: usize = 220;
/// The longest snippet unit: a longer sentence is cut into pieces of about this length.
const UNIT_CHARS: usize = 200;
/// Snippet units kept per source.
const UNITS_PER_DOC: usize = 5;
/// Postings kept per term, the heaviest: more than a result page ever shows.
const MAX_POSTINGS: usize = 200;
/// The size a term shard is split beyond (a shard of one term may be larger).
const TERM_SHARD_BYTES: usize = 64 * 1024;
/// The most a typo list holds (its least frequent terms are left out beyond).
const TYPO_SHARD_BYTES: usize = 32 * 1024;
/// Documents per document shard: a result page of 20 loads at most 20 small files.
const DOCS_PER_SHARD: usize = 4;
/// The shortest term a typo can be corrected to (a query word of 5 letters less one).
const TYPO_MIN_CHARS: usize = 4;
/// Source titles of at most this many words count as names (for "named as the query first").
const NAMED_TITLE_WORDS: usize = 4;
/// Where the shards go.
const DIR: &str = "assets/search";

/// Words too common to search for; `search.js` drops the same ones from queries.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "in",
    "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "which",
    "with",
];

/// Characters that join two runs of letters or digits into one compound.
const JOINERS: &[char] = &['.', '\'', '’', 'ʼ', '‘'];

/// A letter or digit (a joiner such as `ʼ`, a modifier letter, is not one).
fn is_word_char(c: char) -> bool {
    (c.is_alphabetic() || c.is_numeric()) && !JOINERS.contains(&c)
}

/// The compounds of a text, each as the byte spans of its parts.
fn compounds(text: &str) -> Vec<Vec<(usize, usize)>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if is_word_char(c) {
            start.get_or_insert(at);
            continue;
        }
        if let Some(s) = start.take() {
            parts.push((s, at));
            let next_is_word = chars.get(i + 1).is_some_and(|&(_, n)| is_word_char(n));
            if JOINERS.contains(&c) && next_is_word {
                continue;
            }
        }
        if !parts.is_empty() {
            out.push(std::mem::take(&mut parts));
        }
    }
    if let Some(s) = start {
        parts.push((s, text.len()));
    }
    if !parts.is_empty() {
        out.push(parts);
    }
    out
}

/// One part folded: NFKD, marks dropped, lowercased.
fn fold(part: &str) -> String {
    part.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|&c| is_word_char(c))
        .collect()
}

fn kept(term: &str) -> bool {
    term.chars().count() > 1 && !STOP_WORDS.contains(&term)
}

/// A compound's folded parts (a possessive `'s` dropped) and, for two parts or more, the joined form.
fn folded_parts(text: &str, spans: &[(usize, usize)]) -> (Vec<String>, Option<String>) {
    let mut parts: Vec<String> = spans.iter().map(|&(s, e)| fold(&text[s..e])).collect();
    if parts.len() >= 2 && parts.last().is_some_and(|p| p == "s") {
        let (prev_end, last_start) = (spans[spans.len() - 2].1, spans[spans.len() - 1].0);
        if text[prev_end..last_start] != *"." {
            parts.pop();
        }
    }
    let joined = (parts.len() >= 2).then(|| parts.concat());
    (parts, joined)
}

/// The folded terms a text is indexed under, in order (repeats kept): every part of
/// every compound, and the joined form of a compound.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for spans in compounds(text) {
        let (parts, joined) = folded_parts(text, &spans);
        out.extend(parts.into_iter().filter(|p| kept(p)));
        out.extend(joined.filter(|j| kept(j)));
    }
    out
}

/// The folded words of a query (`search.js` does the same): one per compound, joined.
pub fn query_terms(text: &str) -> Vec<String> {
    compounds(text)
        .into_iter()
        .filter_map(|spans| {
            let (mut parts, joined) = folded_parts(text, &spans);
            joined.or_else(|| parts.pop())
        })
        .filter(|t| kept(t))
        .collect()
}

/// A source's body text by paragraph, from resolve's Markdown pass (no HTML is read back).
fn source_text(resolved: &Resolved, source: SourceIx) -> Vec<(u32, String)> {
    (resolved.sources[source].doc.blocks.iter())
        .filter(|b| b.paragraph > 0)
        .map(|b| (b.paragraph, b.text.clone()))
        .collect()
}

/// An actor's description as plain text, from the same pass.
fn description_text(resolved: &Resolved, actor: ActorIx) -> String {
    resolved.actors[actor]
        .description_text
        .clone()
        .unwrap_or_default()
}

/// Abbreviations a period does not end a sentence after.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "st", "jr", "sr", "vs",
    "etc", "e.g", "i.e", "prof", "rep", "sen", "gov", "pres", "brig", "adm",
];

/// A paragraph cut into sentences.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut j = i + 1;
        while chars
            .get(j)
            .is_some_and(|&(_, q)| matches!(q, '"' | '\'' | '”' | '’' | ')' | '»'))
        {
            j += 1;
        }
        if !chars.get(j).is_some_and(|&(_, s)| s.is_whitespace()) {
            continue;
        }
        let next = chars[j..].iter().find(|&&(_, s)| !s.is_whitespace());
        if !next.is_some_and(|&(_, n)| n.is_uppercase() || n.is_numeric() || "\"“‘'(«".contains(n))
        {
            continue;
        }
        if c == '.' {
            let word = text[start..at]
                .rsplit(char::is_whitespace)
                .next()
                .unwrap_or("");
            let word = word
                .trim_start_matches(|w: char| !w.is_alphanumeric())
                .to_lowercase();
            let last_part = word.rsplit('.').next().unwrap_or("");
            if last_part.chars().count() == 1 || ABBREVIATIONS.contains(&word.as_str()) {
                continue;
            }
        }
        let end = chars[j].0;
        if text[start..end].trim().is_empty() {
            continue;
        }
        out.push(text[start..end].trim());
        start = end;
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// Snippet units of a paragraph: its sentences, a long one cut at words into pieces.
fn units(paragraph: u32, text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let mut piece = String::new();
        let mut count = 0;
        for word in sentence.split_whitespace() {
            let n = word.chars().count();
            if count > 0 && count + 1 + n > UNIT_CHARS {
                out.push((paragraph, format!("{piece} …")));
                piece = "… ".to_string();
                count = 2;
            } else if count > 0 {
                piece.push(' ');
                count += 1;
            }
            piece.push_str(word);
            count += n;
        }
        if count > 2 || (count > 0 && !piece.starts_with('…')) {
            out.push((paragraph, piece));
        }
    }
    out
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Adds `text`'s terms to one document's weights.
fn add(weights: &mut BTreeMap<String, u32>, text: &str, weight: u32) {
    for term in terms(text) {
        *weights.entry(term).or_default() += weight;
    }
}

/// One document as the shards show it: `[kind, path, title, detail, excerpt, units]`.
#[derive(Serialize)]
struct DocRecord<'a>(&'a str, String, &'a str, String, String, Vec<(u32, String)>);

/// One document before sharding.
struct Entry<'a> {
    record: DocRecord<'a>,
    weights: BTreeMap<String, u32>,
    /// Every snippet unit the document could show (sources only).
    units: Vec<(u32, String)>,
    /// Its names and title, folded as a query is and joined by spaces.
    names: Vec<String>,
}

fn name_key(name: &str) -> Option<String> {
    let words = query_terms(name);
    (!words.is_empty()).then(|| words.join(" "))
}

fn actor_entry<'a>(site: &'a Site, resolved: &Resolved, i: ActorIx) -> Entry<'a> {
    let a = &site.actors[i];
    let mut weights = BTreeMap::new();
    add(&mut weights, &a.name.value, TITLE_WEIGHT);
    let mut names: Vec<String> = name_key(&a.name.value).into_iter().collect();
    for alias in &a.aliases {
        add(&mut weights, &alias.value, TITLE_WEIGHT);
        names.extend(name_key(&alias.value));
    }
    let summary = a.summary.as_deref().unwrap_or_default();
    add(&mut weights, summary, SUMMARY_WEIGHT);
    let description = description_text(resolved, i);
    add(&mut weights, &description, 1);
    let shown = if summary.is_empty() {
        excerpt(&description)
    } else {
        summary.to_string()
    };
    names.sort();
    names.dedup();
    Entry {
        record: DocRecord(
            a.kind.as_str(),
            format!("actors/{}.html", a.id),
            &a.name.value,
            a.kind.as_str().to_string(),
            shown,
            Vec::new(),
        ),
        weights,
        units: Vec::new(),
        names,
    }
}

fn source_entry<'a>(site: &'a Site, resolved: &Resolved, i: SourceIx) -> Entry<'a> {
    let s = &site.sources[i];
    let mut weights = BTreeMap::new();
    add(&mut weights, &s.title, TITLE_WEIGHT);
    let summary = s.summary.as_deref().unwrap_or_default();
    add(&mut weights, summary, SUMMARY_WEIGHT);
    add(
        &mut weights,
        s.author.as_deref().unwrap_or_default(),
        SUMMARY_WEIGHT,
    );
    let paragraphs = source_text(resolved, i);
    let mut all_units = Vec::new();
    for (n, text) in &paragraphs {
        add(&mut weights, text, 1);
        all_units.extend(units(*n, text));
    }
    let outlet = resolved.sources[i]
        .outlet
        .map(|o| site.outlets[o].name.as_str());
    let detail = [s.date.map(|d| d.human()), outlet.map(str::to_string)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let shown = if summary.is_empty() {
        paragraphs
            .first()
            .map(|(_, t)| excerpt(t))
            .unwrap_or_default()
    } else {
        summary.to_string()
    };
    Entry {
        record: DocRecord(
            "source",
            format!("sources/{}.html", s.id),
            &s.title,
            detail,
            shown,
            Vec::new(),
        ),
        weights,
        units: all_units,
        // A long title is never typed whole; leaving it out keeps common first words' shards small.
        names: name_key(&s.title)
            .filter(|k| k.split(' ').count() <= NAMED_TITLE_WORDS)
            .into_iter()
            .collect(),
    }
}

/// The units that best cover a document's rarer terms (greedy, by summed idf of the
/// terms not yet covered), in text order, each with its terms.
fn pick_units(
    units: &[(u32, String)],
    idf: &dyn Fn(&str) -> f64,
) -> Vec<((u32, String), BTreeSet<String>)> {
    let unit_terms: Vec<BTreeSet<String>> = units
        .iter()
        .map(|(_, t)| terms(t).into_iter().collect())
        .collect();
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < UNITS_PER_DOC {
        let mut best: Option<(usize, f64)> = None;
        for (u, set) in unit_terms.iter().enumerate() {
            if chosen.contains(&u) {
                continue;
            }
            let gain: f64 = set
                .iter()
                .filter(|t| !covered.contains(t.as_str()))
                .map(|t| idf(t.as_str()))
                .sum();
            if gain > 0.0 && best.is_none_or(|(_, g)| gain > g) {
                best = Some((u, gain));
            }
        }
        let Some((u, _)) = best else { break };
        covered.extend(unit_terms[u].iter().map(String::as_str));
        chosen.push(u);
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|u| (units[u].clone(), unit_terms[u].clone()))
        .collect()
}

/// The term shard keys: a prefix is split one character further while its shard is
/// larger than `target` bytes, largest groups first; what is left stays under it.
/// `terms` is sorted, each with its size in bytes. The root key `""` is always there.
fn partition(terms: &[(&str, usize)], target: usize) -> Vec<String> {
    fn split(terms: &[(&str, usize)], key: &str, target: usize, keys: &mut Vec<String>) {
        let total: usize = terms.iter().map(|t| t.1).sum();
        if total <= target || terms.len() <= 1 {
            if !terms.is_empty() || key.is_empty() {
                keys.push(key.to_string());
            }
            return;
        }
        // Groups by the character after the key (a term equal to the key stays).
        let mut groups: Vec<(String, usize, usize, usize)> = Vec::new();
        for (i, (term, bytes)) in terms.iter().enumerate() {
            let Some(next) = term[key.len()..].chars().next() else {
                continue;
            };
            let child = format!("{key}{next}");
            match groups.last_mut() {
                Some(g) if g.0 == child => {
                    g.2 = i + 1;
                    g.3 += bytes;
                }
                _ => groups.push((child, i, i + 1, *bytes)),
            }
        }
        groups.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
        let mut rest = total;
        let mut apart = Vec::new();
        for g in groups {
            if rest <= target {
                break;
            }
            rest -= g.3;
            apart.push(g);
        }
        if rest > 0 || key.is_empty() {
            keys.push(key.to_string());
        }
        for (child, from, to, _) in apart {
            split(&terms[from..to], &child, target, keys);
        }
    }
    let mut keys = Vec::new();
    split(terms, "", target, &mut keys);
    keys.sort();
    keys
}

/// The shard of a term: the longest key that begins it (`search.js` does the same).
pub fn shard_of(term: &str, keys: &[String]) -> usize {
    let mut ends: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    ends.push(term.len());
    for &end in ends.iter().rev() {
        if let Ok(n) = keys.binary_search_by(|k| k.as_str().cmp(&term[..end])) {
            return n;
        }
    }
    unreachable!("the root key \"\" begins every term")
}

/// The key of a term's typo list: its first character and its length in characters.
fn typo_key(term: &str) -> Option<String> {
    let count = term.chars().count();
    let first = term.chars().next()?;
    (count >= TYPO_MIN_CHARS && term.chars().any(char::is_alphabetic))
        .then(|| format!("{first}{count}"))
}

fn script(name: &str, data: &impl Serialize) -> OutputFile {
    let json = serde_json::to_string(data).expect("the index serializes");
    OutputFile {
        path: format!("{DIR}/{name}.js"),
        bytes: format!("dossierSearchShard(\"{name}\",{json});\n").into_bytes(),
    }
}

#[derive(Serialize)]
struct Manifest {
    docs: usize,
    per: usize,
    terms: Vec<String>,
    typo: Vec<String>,
}

#[derive(Serialize)]
struct TermShard {
    terms: Vec<(String, u32, Vec<u32>)>,
    names: BTreeMap<String, Vec<u32>>,
}

/// Every file of the search index.
pub fn index_files(site: &Site, resolved: &Resolved) -> Vec<OutputFile> {
    let actors = (0..site.actors.len())
        .into_par_iter()
        .map(|i| actor_entry(site, resolved, ActorIx::new(i)));
    let sources = resolved
        .source_order
        .par_iter()
        .map(|&i| source_entry(site, resolved, i));
    let mut entries: Vec<Entry> = actors.chain(sources).collect();
    build(&mut entries, TERM_SHARD_BYTES)
}

/// The shards of a list of documents (numbered in order), term shards split beyond
/// `term_bytes`.
fn build(entries: &mut [Entry], term_bytes: usize) -> Vec<OutputFile> {
    let n = entries.len();
    let mut df: HashMap<&str, u32> = HashMap::new();
    for e in entries.iter() {
        for term in e.weights.keys() {
            *df.entry(term.as_str()).or_default() += 1;
        }
    }
    let idf = |t: &str| (1.0 + n as f64 / f64::from(*df.get(t).unwrap_or(&1))).ln();
    // Snippet units, and per document the unit each term shows in.
    #[allow(clippy::type_complexity)]
    let refs: Vec<(Vec<(u32, String)>, Vec<u32>)> = entries
        .par_iter()
        .map(|e| {
            let picked = pick_units(&e.units, &idf);
            let refs = e
                .weights
                .keys()
                .map(|t| {
                    picked
                        .iter()
                        .position(|(_, set)| set.contains(t))
                        .map_or(0, |u| u as u32 + 1)
                })
                .collect();
            (picked.into_iter().map(|(u, _)| u).collect(), refs)
        })
        .collect();

    let mut postings: BTreeMap<&str, Vec<(u32, u32, u32)>> = BTreeMap::new();
    let mut names: BTreeMap<&str, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (d, (e, (_, unit_refs))) in entries.iter().zip(&refs).enumerate() {
        for ((term, &w), &u) in e.weights.iter().zip(unit_refs) {
            postings
                .entry(term.as_str())
                .or_default()
                .push((d as u32, w, u));
        }
        for name in &e.names {
            let first = name.split(' ').next().unwrap_or_default();
            names
                .entry(first)
                .or_default()
                .entry(name)
                .or_default()
                .push(d as u32);
        }
    }
    #[allow(clippy::type_complexity)]
    let records: Vec<(&str, (String, u32, Vec<u32>))> = postings
        .into_iter()
        .map(|(term, mut list)| {
            let df = list.len() as u32;
            if list.len() > MAX_POSTINGS {
                list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(MAX_POSTINGS);
                list.sort_unstable();
            }
            let mut flat = Vec::with_capacity(list.len() * 3);
            let mut last = 0;
            for (doc, w, u) in list {
                flat.extend([doc - last, w, u]);
                last = doc;
            }
            (term, (term.to_string(), df, flat))
        })
        .collect();
    let sized: Vec<(&str, usize)> = records
        .iter()
        .map(|(term, record)| {
            let own = serde_json::to_string(record).map_or(0, |s| s.len() + 1);
            let named: usize = names.get(term).map_or(0, |m| {
                m.iter().map(|(k, v)| k.len() + 8 * v.len() + 6).sum()
            });
            (*term, own + named)
        })
        .collect();
    let keys = partition(&sized, term_bytes);

    let mut shards: Vec<TermShard> = keys
        .iter()
        .map(|_| TermShard {
            terms: Vec::new(),
            names: BTreeMap::new(),
        })
        .collect();
    for (term, record) in records {
        let shard = &mut shards[shard_of(term, &keys)];
        if let Some(named) = names.remove(term) {
            for (name, docs) in named {
                shard.names.insert(name.to_string(), docs);
            }
        }
        shard.terms.push(record);
    }

    // Typo lists: terms by first letter and length, most frequent first.
    let mut typo: BTreeMap<String, Vec<(u32, &str)>> = BTreeMap::new();
    for (term, count) in &df {
        if let Some(key) = typo_key(term) {
            typo.entry(key).or_default().push((*count, *term));
        }
    }
    let typo: Vec<(String, Vec<&str>)> = typo
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            let mut bytes = 0;
            let kept: Vec<&str> = list
                .into_iter()
                .map(|(_, t)| t)
                .take_while(|t| {
                    bytes += t.len() + 3;
                    bytes <= TYPO_SHARD_BYTES
                })
                .collect();
            (key, kept)
        })
        .collect();

    let mut files = vec![script(
        "m",
        &Manifest {
            docs: n,
            per: DOCS_PER_SHARD,
            terms: keys,
            typo: typo.iter().map(|(k, _)| k.clone()).collect(),
        },
    )];
    files.extend(
        shards
            .iter()
            .enumerate()
            .map(|(i, shard)| script(&format!("t{i}"), shard)),
    );
    files.extend(
        typo.iter()
            .enumerate()
            .map(|(i, (_, list))| script(&format!("f{i}"), list)),
    );
    for (e, (picked, _)) in entries.iter_mut().zip(refs) {
        e.record.5 = picked;
    }
    files.extend(
        entries
            .chunks(DOCS_PER_SHARD)
            .enumerate()
            .map(|(i, chunk)| {
                let records: Vec<&DocRecord> = chunk.iter().map(|e| &e.record).collect();
                script(&format!("d{i}"), &records)
            }),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_case_marks_and_punctuation_and_drop_stop_words() {
        let found = terms("The Qassām Brigades’ leader, Kata’ib Ḥezbollah in 2023!");
        assert_eq!(
            found,
            [
                "qassam",
                "brigades",
                "leader",
                "kata",
                "ib",
                "kataib",
                "hezbollah",
                "2023"
            ]
        );
        assert_eq!(terms("حزب الله"), ["حزب", "الله"]);
    }

    #[test]
    fn a_punctuated_alias_is_found_as_typed_and_without_its_punctuation() {
        assert_eq!(terms("the U.S. Navy"), ["us", "navy"]);
        for typed in ["U.S.", "US", "u.s"] {
            assert_eq!(query_terms(typed), ["us"], "{typed}");
        }
        for typed in ["Kata'ib", "Kata’ib", "Kataib", "KATAʼIB"] {
            assert_eq!(query_terms(typed), ["kataib"], "{typed}");
        }
        // A possessive is the name itself.
        assert_eq!(terms("Hezbollah’s fighters"), ["hezbollah", "fighters"]);
        assert_eq!(query_terms("Hezbollah's"), ["hezbollah"]);
        // A period at the end of a sentence joins nothing.
        assert_eq!(terms("It ended. Then"), ["ended", "then"]);
    }

    #[test]
    fn arabic_marks_are_folded_away_within_a_word() {
        assert_eq!(terms("حِزْب"), ["حزب"]);
    }

    #[test]
    fn sentences_end_at_stops_but_not_after_initials_or_titles() {
        assert_eq!(
            sentences("The U.S. Navy sailed. Gen. Smith said “no.” Then 3 ships left! Why?"),
            [
                "The U.S. Navy sailed.",
                "Gen. Smith said “no.”",
                "Then 3 ships left!",
                "Why?"
            ]
        );
    }

    #[test]
    fn long_sentences_are_cut_into_units_at_words() {
        let long = "word ".repeat(100);
        let got = units(3, long.trim());
        assert!(got.len() >= 2, "{got:?}");
        assert!(got
            .iter()
            .all(|(n, u)| *n == 3 && u.chars().count() <= UNIT_CHARS + 2));
        assert!(got[0].1.ends_with(" …") && got[1].1.starts_with("… "));
    }

    #[test]
    fn excerpts_end_at_a_word() {
        let long = "word ".repeat(100);
        let e = excerpt(long.trim());
        assert!(
            e.ends_with("word…") && e.chars().count() <= EXCERPT_CHARS + 1,
            "{e}"
        );
        assert_eq!(excerpt("short"), "short");
    }

    /// Sorted terms with sizes, from a list of words.
    fn sized(words: &[&'static str], bytes: usize) -> Vec<(&'static str, usize)> {
        let mut list: Vec<(&str, usize)> = words.iter().map(|w| (*w, bytes)).collect();
        list.sort();
        list.dedup();
        list
    }

    #[test]
    fn every_term_lands_in_exactly_one_shard_no_larger_than_the_target() {
        let words: Vec<&'static str> = [
            "hamas",
            "hamad",
            "haniyeh",
            "hezbollah",
            "houthi",
            "iran",
            "iraq",
            "israel",
            "us",
            "ham",
            "h",
            "hamasa",
            "nasrallah",
            "nasr",
            "zz",
            "حزب",
            "الله",
        ]
        .into_iter()
        .collect();
        let list = sized(&words, 10);
        let keys = partition(&list, 30);
        assert_eq!(keys[0], "", "the root key");
        let mut per_key: Vec<Vec<&str>> = vec![Vec::new(); keys.len()];
        for (term, _) in &list {
            // Exactly one key is the longest that begins the term.
            let longest = keys
                .iter()
                .filter(|k| term.starts_with(k.as_str()))
                .max_by_key(|k| k.len())
                .unwrap();
            let n = shard_of(term, &keys);
            assert_eq!(&keys[n], longest, "{term}");
            per_key[n].push(*term);
        }
        assert_eq!(per_key.iter().map(Vec::len).sum::<usize>(), list.len());
        for (key, terms) in keys.iter().zip(&per_key) {
            assert!(
                terms.len() * 10 <= 30 || terms.len() == 1,
                "{key}: {terms:?}"
            );
        }
        assert!(keys.len() > 3, "{keys:?}");
    }

    #[test]
    fn small_indexes_are_one_shard() {
        let list = sized(&["alpha", "beta"], 10);
        assert_eq!(partition(&list, 1000), [""]);
        assert_eq!(shard_of("zzz", &partition(&list, 1000)), 0);
    }

    fn entry(title: &'static str, body: &str) -> Entry<'static> {
        let mut weights = BTreeMap::new();
        add(&mut weights, title, TITLE_WEIGHT);
        add(&mut weights, body, 1);
        Entry {
            record: DocRecord(
                "source",
                format!("{title}.html"),
                title,
                String::new(),
                String::new(),
                Vec::new(),
            ),
            weights,
            units: units(1, body),
            names: name_key(title).into_iter().collect(),
        }
    }

    /// Parses `dossierSearchShard("name", data);`.
    fn data(file: &OutputFile) -> (String, serde_json::Value) {
        let text = std::str::from_utf8(&file.bytes).unwrap();
        let inner = text
            .strip_prefix("dossierSearchShard(\"")
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap();
        let (name, json) = inner.split_once("\",").unwrap();
        (name.to_string(), serde_json::from_str(json).unwrap())
    }

    #[test]
    fn a_query_word_is_found_in_the_shard_it_loads_and_no_other() {
        let bodies: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "Report {i} on word{i} and common matters. Hamas said {}.",
                    i * 7
                )
            })
            .collect();
        let mut entries: Vec<Entry> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| entry(if i == 0 { "Hamas" } else { "Daily report" }, b))
            .collect();
        let files = build(&mut entries, 2_000);
        let manifest = data(&files[0]).1;
        let keys: Vec<String> = serde_json::from_value(manifest["terms"].clone()).unwrap();
        assert!(keys.len() > 1, "several shards: {keys:?}");
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        for file in &files {
            let (name, value) = data(file);
            assert!(file.bytes.len() <= 1 << 20, "{name} over 1 MB");
            if !name.starts_with('t') {
                continue;
            }
            for t in value["terms"].as_array().unwrap() {
                let term = t[0].as_str().unwrap().to_string();
                assert!(
                    found.insert(term.clone(), name.clone()).is_none(),
                    "{term} twice"
                );
            }
        }
        for word in ["hamas", "word17", "common", "report", "2093"] {
            let loads = format!("t{}", shard_of(word, &keys));
            assert_eq!(found.get(word), Some(&loads), "{word}");
        }
        // Postings are capped, the document frequency is not.
        let shard = files.iter().find(|f| data(f).0 == found["hamas"]).unwrap();
        let hamas = data(shard).1["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t[0] == "hamas")
            .unwrap()
            .clone();
        assert_eq!(hamas[1], 300);
        assert_eq!(hamas[2].as_array().unwrap().len(), MAX_POSTINGS * 3);
        // The document named as the query, kept with the postings of its first word.
        assert_eq!(data(shard).1["names"]["hamas"], serde_json::json!([0]));
    }
}
