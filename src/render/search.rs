//! The full-text search index, written as `assets/search-index.js` (a script, not JSON
//! fetched at run time, so search works from `file://`), and read by `theme/search.js`.
//!
//! The index is inverted: every term of every actor (name, aliases, summary,
//! description) and every source (title, summary, author, body) maps to the documents
//! that hold it, with a weight. A name or title counts [`TITLE_WEIGHT`] times a word of
//! the body, a summary [`SUMMARY_WEIGHT`] times. Terms are folded the same way on both
//! sides: Unicode NFKD, marks dropped, lowercased, split at anything that is not a
//! letter or digit (`search.js` does `normalize("NFKD")`, drops `\p{M}`, splits at
//! `[^\p{L}\p{N}]`).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::OutputFile;
use crate::model::Site;
use crate::resolve::Resolved;

const TITLE_WEIGHT: u32 = 8;
const SUMMARY_WEIGHT: u32 = 3;
/// Characters of text shown under a result.
const EXCERPT_CHARS: usize = 220;

/// Words too common to search for; `search.js` drops the same ones from queries.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "in",
    "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "which",
    "with",
];

/// One searchable document: `[kind, path, title, detail, excerpt]` in the index, kind
/// being an actor kind or `source`, detail the kind label or the date and outlet.
#[derive(Serialize)]
struct SearchDoc<'a>(&'a str, String, &'a str, String, String);

#[derive(Serialize)]
struct SearchIndex<'a> {
    docs: Vec<SearchDoc<'a>>,
    /// `[term, [doc, weight, doc, weight, …]]`, sorted by term (for prefix search).
    terms: Vec<(String, Vec<u32>)>,
}

/// The folded terms of a text, in order (repeats kept).
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.nfkd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|t| t.chars().count() > 1 && !STOP_WORDS.contains(&t.as_str()))
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

/// `assets/search-index.js`.
pub fn index_file(site: &Site, resolved: &Resolved) -> OutputFile {
    let actors = site.actors.par_iter().enumerate().map(|(i, a)| {
        let mut weights = BTreeMap::new();
        add(&mut weights, &a.name.value, TITLE_WEIGHT);
        for alias in &a.aliases {
            add(&mut weights, &alias.value, TITLE_WEIGHT);
        }
        let summary = a.summary.as_deref().unwrap_or_default();
        add(&mut weights, summary, SUMMARY_WEIGHT);
        let description = resolved.actors[i].description_text.clone();
        if let Some(d) = &description {
            add(&mut weights, d, 1);
        }
        let shown = if summary.is_empty() {
            description.as_deref().map(excerpt).unwrap_or_default()
        } else {
            summary.to_string()
        };
        let doc = SearchDoc(
            a.kind.as_str(),
            format!("actors/{}.html", a.id),
            &a.name.value,
            a.kind.as_str().to_string(),
            shown,
        );
        (doc, weights)
    });
    let sources = resolved.source_order.par_iter().map(|&i| {
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
        let body = resolved.sources[i].doc.body_text();
        add(&mut weights, &body, 1);
        let outlet = resolved.sources[i]
            .outlet
            .map(|o| site.outlets[o].name.as_str());
        let detail = [s.date.map(|d| d.human()), outlet.map(str::to_string)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let shown = if summary.is_empty() {
            excerpt(&body)
        } else {
            summary.to_string()
        };
        let doc = SearchDoc(
            "source",
            format!("sources/{}.html", s.id),
            &s.title,
            detail,
            shown,
        );
        (doc, weights)
    });
    let all: Vec<(SearchDoc, BTreeMap<String, u32>)> = actors.chain(sources).collect();

    let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut docs = Vec::with_capacity(all.len());
    for (n, (doc, weights)) in all.into_iter().enumerate() {
        docs.push(doc);
        for (term, weight) in weights {
            let list = postings.entry(term).or_default();
            list.push(n as u32);
            list.push(weight);
        }
    }
    let index = SearchIndex {
        docs,
        terms: postings.into_iter().collect(),
    };
    let json = serde_json::to_string(&index).expect("the index serializes");
    OutputFile {
        path: "assets/search-index.js".to_string(),
        bytes: format!("window.DOSSIER_SEARCH = {json};\n").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_case_marks_and_punctuation_and_drop_stop_words() {
        let found: Vec<String> =
            terms("The Qassām Brigades’ leader, Kata’ib Ḥezbollah in 2023!").collect();
        assert_eq!(
            found,
            [
                "qassam",
                "brigades",
                "leader",
                "kata",
                "ib",
                "hezbollah",
                "2023"
            ]
        );
        let arabic: Vec<String> = terms("حزب الله").collect();
        assert_eq!(arabic, ["حزب", "الله"]);
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
}
