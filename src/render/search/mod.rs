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

mod index;

use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::OutputFile;
use crate::model::Site;
use crate::resolve::Resolved;
pub use index::Index;

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
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    (c.is_alphabetic() || c.is_numeric()) && !JOINERS.contains(&c)
}

/// Calls `f` with each compound of a text, as the byte spans of its parts.
fn each_compound(text: &str, mut f: impl FnMut(&[(usize, usize)])) {
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if is_word_char(c) {
            start.get_or_insert(at);
            continue;
        }
        if let Some(s) = start.take() {
            parts.push((s, at));
            let next_is_word = chars.peek().is_some_and(|&(_, n)| is_word_char(n));
            if JOINERS.contains(&c) && next_is_word {
                continue;
            }
        }
        if !parts.is_empty() {
            f(&parts);
            parts.clear();
        }
    }
    if let Some(s) = start {
        parts.push((s, text.len()));
    }
    if !parts.is_empty() {
        f(&parts);
    }
}

/// One part folded into `out`: NFKD, marks dropped, lowercased (ASCII directly).
fn fold_into(part: &str, out: &mut String) {
    out.clear();
    if part.is_ascii() {
        out.extend(part.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    out.extend(
        part.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .filter(|&c| is_word_char(c)),
    );
}

fn fold(part: &str) -> String {
    let mut out = String::new();
    fold_into(part, &mut out);
    out
}

fn kept(term: &str) -> bool {
    term.chars().nth(1).is_some() && !STOP_WORDS.contains(&term)
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

/// Calls `f` with each folded term a text is indexed under, in order (repeats kept):
/// every part of every compound, and the joined form of a compound.
fn each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    each_compound(text, |spans| {
        if let [(s, e)] = spans {
            // One word, most of a text: folded into one buffer, no allocation.
            fold_into(&text[*s..*e], &mut word);
            if kept(&word) {
                f(&word);
            }
            return;
        }
        let (parts, joined) = folded_parts(text, spans);
        for part in parts.iter().chain(&joined) {
            if kept(part) {
                f(part);
            }
        }
    });
}

/// The folded terms a text is indexed under, in order (repeats kept).
#[cfg(test)]
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.to_string()));
    out
}

/// The folded words of a query (`search.js` does the same): one per compound, joined.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_compound(text, |spans| {
        let (mut parts, joined) = folded_parts(text, spans);
        out.extend(joined.or_else(|| parts.pop()).filter(|t| kept(t)));
    });
    out
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
    for (at, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let rest = &text[at + c.len_utf8()..];
        let closers = rest
            .find(|q| !matches!(q, '"' | '\'' | '”' | '’' | ')' | '»'))
            .unwrap_or(rest.len());
        let after = &rest[closers..];
        if !after.chars().next().is_some_and(char::is_whitespace) {
            continue;
        }
        let next = after.chars().find(|s| !s.is_whitespace());
        if !next.is_some_and(|n| n.is_uppercase() || n.is_numeric() || "\"“‘'(«".contains(n)) {
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
        let end = at + c.len_utf8() + closers;
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

/// A snippet unit: a stretch of a paragraph's text (byte offsets), shown with its white
/// space as single spaces and with `… ` / ` …` where a long sentence was cut. Kept as
/// offsets, not text: the index holds every unit of every source, and shows three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    start: u32,
    end: u32,
    cut_before: bool,
    cut_after: bool,
}

impl Unit {
    /// Its words, as `text` (the paragraph it was cut from) holds them.
    fn words(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }

    /// What a search result shows of it.
    fn shown(self, text: &str) -> String {
        let mut out = String::new();
        if self.cut_before {
            out.push_str("… ");
        }
        for (k, word) in self.words(text).split_whitespace().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        if self.cut_after {
            out.push_str(" …");
        }
        out
    }
}

/// Snippet units of a paragraph: its sentences, a long one cut at words into pieces of
/// at most [`UNIT_CHARS`] characters as shown.
fn units(text: &str) -> Vec<Unit> {
    let offset = |part: &str| (part.as_ptr() as usize - text.as_ptr() as usize) as u32;
    let mut out = Vec::new();
    for sentence in sentences(text) {
        // The first and last byte of the piece's words, its length as shown.
        let mut words: Option<(u32, u32)> = None;
        let mut cut_before = false;
        let mut count = 0;
        let unit = |words: Option<(u32, u32)>, cut_before, cut_after| {
            let (start, end) = words.unwrap_or((0, 0));
            Unit {
                start,
                end,
                cut_before,
                cut_after,
            }
        };
        for word in sentence.split_whitespace() {
            let n = word.chars().count();
            if count > 0 && count + 1 + n > UNIT_CHARS {
                out.push(unit(words.take(), cut_before, true));
                cut_before = true;
                count = 2;
            } else if count > 0 {
                count += 1;
            }
            let at = offset(word);
            words = Some((words.map_or(at, |w| w.0), at + word.len() as u32));
            count += n;
        }
        let starts_with_ellipsis =
            cut_before || words.is_some_and(|(s, _)| text[s as usize..].starts_with('…'));
        if count > 2 || (count > 0 && !starts_with_ellipsis) {
            out.push(unit(words, cut_before, false));
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

fn name_key(name: &str) -> Option<String> {
    let words = query_terms(name);
    (!words.is_empty()).then(|| words.join(" "))
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

#[derive(Serialize)]
struct Manifest {
    docs: usize,
    per: usize,
    terms: Vec<String>,
    typo: Vec<String>,
}

/// Every file of the search index, made at once (`serve` keeps an [`Index`] instead).
pub fn index_files(site: &Site, resolved: &Resolved) -> Vec<OutputFile> {
    (Index::default().update(site, resolved).into_iter())
        .map(|(path, bytes)| OutputFile {
            path,
            bytes: bytes.to_vec(),
        })
        .collect()
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
        let text = long.trim();
        let got: Vec<String> = units(text).iter().map(|u| u.shown(text)).collect();
        assert!(got.len() >= 2, "{got:?}");
        assert!(got.iter().all(|u| u.chars().count() <= UNIT_CHARS + 2));
        assert!(got[0].ends_with(" …") && got[1].starts_with("… "));
    }

    #[test]
    fn a_unit_points_into_its_paragraph_and_shows_single_spaces() {
        let text = "First  line\nof it. Second one";
        let got = units(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].words(text), "First  line\nof it.");
        assert_eq!(got[0].shown(text), "First line of it.");
        assert_eq!(got[1].shown(text), "Second one");
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
}
