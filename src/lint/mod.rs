//! Warnings: problems that never fail a build (unless `--deny-warnings`), found on a
//! resolved site: unmentioned actors, sources that mention nobody, relations whose two
//! sides disagree, and candidate actors (names in several sources that match no profile).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;

use crate::model::{Site, Source};
use crate::resolve::Doc;
use crate::resolve::Resolved;

/// How many candidate actors are listed at most, most frequent first.
pub const MAX_CANDIDATES: usize = 30;

pub fn warnings(site: &Site, resolved: &Resolved) -> Vec<Diagnostic> {
    let names: Vec<SourceNames> = site
        .sources
        .par_iter()
        .zip(&resolved.sources)
        .map(|(source, r)| source_names(source, &r.doc))
        .collect();
    warnings_with(site, resolved, &names)
}

/// The capitalized runs of words of one source that are not mentions, with the byte
/// offset in the file of each: what candidate actors are counted from.
pub type SourceNames = Vec<(String, usize)>;

/// [`warnings`], given each source's [`source_names`] (which `serve` keeps for sources
/// that did not change).
pub fn warnings_with(
    site: &Site,
    resolved: &Resolved,
    names: &[impl std::borrow::Borrow<SourceNames>],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (actor, r) in site.actors.iter().zip(&resolved.actors) {
        if r.backlinks.is_empty() {
            let name = &actor.name;
            out.push(
                Diagnostic::warning(
                    &actor.file.path,
                    &actor.file.text,
                    name.line,
                    name.col,
                    format!(
                        "no source mentions `{}` ({}): add an alias the articles use, or tag it in an article's `actors:`",
                        actor.id, name.value
                    ),
                )
                .with_len(name.value.chars().count()),
            );
        }
    }
    for (source, r) in site.sources.iter().zip(&resolved.sources) {
        if r.doc.actors.is_empty() {
            let (line, col) = title_position(source);
            out.push(Diagnostic::warning(
                &source.file.path,
                &source.file.text,
                line,
                col,
                format!("`{}` mentions no actor: add the aliases it uses to profiles, or tag actors in `actors:`", source.id),
            ));
        }
    }
    out.extend(site.sources.iter().filter_map(unattributed));
    out.extend(disagreeing_relations(site));
    out.extend(candidate_actors(site, names));
    out
}

/// A source without `url`, `date` or `outlet`: a reader cannot tell where it comes from,
/// unless `provenance` says where this copy comes from and why they are unknown.
fn unattributed(source: &Source) -> Option<Diagnostic> {
    if source.provenance.is_some() {
        return None;
    }
    let missing: Vec<&str> = [
        ("url", source.url.is_none()),
        ("date", source.date.is_none()),
        ("outlet", source.outlet.is_none()),
    ]
    .into_iter()
    .filter_map(|(key, gone)| gone.then_some(key))
    .collect();
    if missing.is_empty() {
        return None;
    }
    let (line, col) = title_position(source);
    let list = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Diagnostic::warning(
        &source.file.path,
        &source.file.text,
        line,
        col,
        format!(
            "`{}` has no {list} in its front matter: readers see where a source comes from by its original address, date and outlet (where they cannot be established, say why in `provenance`)",
            source.id
        ),
    ))
}

fn title_position(source: &Source) -> (usize, usize) {
    source
        .file
        .text
        .lines()
        .position(|l| l.starts_with("title:"))
        .map_or((1, 1), |i| (i + 1, 1))
}

/// A declared relation whose target declares relations back, none of them its inverse.
fn disagreeing_relations(site: &Site) -> Vec<Diagnostic> {
    let index: HashMap<&str, usize> = site
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for actor in &site.actors {
        for r in &actor.relations {
            let Some(&t) = index.get(r.target.value.as_str()) else {
                continue;
            };
            let back: Vec<_> = site.actors[t]
                .relations
                .iter()
                .filter(|b| b.target.value == actor.id)
                .collect();
            if back.is_empty() || back.iter().any(|b| b.kind == r.kind.inverse()) {
                continue;
            }
            let theirs: Vec<&str> = back.iter().map(|b| b.kind.as_str()).collect();
            out.push(
                Diagnostic::warning(
                    &actor.file.path,
                    &actor.file.text,
                    r.target.line,
                    r.target.col,
                    format!(
                        "`{}` {} `{}` here, but {} declares `{}` back; the inverse of `{}` is `{}`",
                        actor.id,
                        r.kind.as_str(),
                        r.target.value,
                        site.actors[t].file.path.display(),
                        theirs.join("`, `"),
                        r.kind.as_str(),
                        r.kind.inverse().as_str()
                    ),
                )
                .with_len(r.target.value.chars().count()),
            );
        }
    }
    out
}

/// Words that start sentences or are capitalized for reasons other than being a name,
/// in byte order: [`is_not_name`] searches them by halves.
const NOT_NAMES: &[&str] = &[
    "A",
    "Additionally",
    "An",
    "And",
    "Any",
    "April",
    "As",
    "At",
    "August",
    "But",
    "By",
    "Consequently",
    "December",
    "Each",
    "February",
    "For",
    "Friday",
    "From",
    "He",
    "Her",
    "His",
    "However",
    "I",
    "If",
    "In",
    "Instead",
    "It",
    "Its",
    "January",
    "July",
    "June",
    "Last",
    "March",
    "May",
    "Meanwhile",
    "Monday",
    "Most",
    "No",
    "Not",
    "November",
    "October",
    "Of",
    "On",
    "One",
    "Or",
    "Our",
    "Recently",
    "Saturday",
    "September",
    "She",
    "Similarly",
    "Since",
    "So",
    "Some",
    "Sunday",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Thursday",
    "To",
    "Tuesday",
    "We",
    "Wednesday",
    "What",
    "When",
    "Where",
    "While",
    "Who",
    "With",
    "Yet",
];

fn is_not_name(word: &str) -> bool {
    NOT_NAMES.binary_search(&word).is_ok()
}

/// Lower-case words allowed inside a multi-word name ("Bab el-Mandeb", "Gaza Strip", "Council of Ministers").
const CONNECTORS: &[&str] = &["of", "the", "al", "el", "bin", "ibn", "de", "for"];

#[derive(Default)]
struct Candidate {
    /// How many sources hold the name.
    sources: usize,
    /// The last source counted (sources are counted in order).
    last: usize,
    count: usize,
    /// Source index and byte offset of the first occurrence.
    first: (usize, usize),
}

/// The names of one source, read from the plain text and the mentions of resolve's
/// Markdown pass (no second scan of the Markdown).
pub fn source_names(source: &Source, doc: &Doc) -> SourceNames {
    let mut names = Vec::new();
    // The first block is the title; the rest is the body.
    for block in doc.blocks.iter().skip(1) {
        let text = block.text.as_str();
        let mut hits = block.hits.iter().peekable();
        // Names come in order: each is searched for in the Markdown from the last one on,
        // so a block costs time linear in its length.
        let mut from = block.offset;
        let mut last_end = 0;
        for (start, end) in name_runs(text) {
            while hits.next_if(|h| h.1 <= start).is_some() {}
            if hits.peek().is_some_and(|h| h.0 < end) {
                continue;
            }
            let name = text[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            // The Markdown between two names is about as long as their plain text gap.
            let window = 256 + 2 * (end - last_end);
            let at = position_in_body(source, from, window, &text[start..end]);
            from = at - source.body_offset;
            last_end = end;
            names.push((name, at));
        }
    }
    names
}

/// Capitalized names of one to four words in at least two sources that match no profile.
fn candidate_actors(
    site: &Site,
    names: &[impl std::borrow::Borrow<SourceNames>],
) -> Vec<Diagnostic> {
    // A hash map, not a sorted one: the ranking below orders the few kept, and the
    // sources are visited in order, so the first occurrence and the count of sources
    // need no set (at 10,000 sources, hundreds of thousands of names are counted on
    // every `serve` rebuild).
    let mut candidates: HashMap<&str, Candidate> = HashMap::new();
    for (s, source_names) in names.iter().enumerate() {
        for (name, at) in source_names.borrow().iter() {
            let c = candidates.entry(name.as_str()).or_default();
            if c.count == 0 {
                c.first = (s, *at);
            }
            if c.count == 0 || c.last != s {
                c.sources += 1;
            }
            c.count += 1;
            c.last = s;
        }
    }
    let known: Vec<&str> = site
        .actors
        .iter()
        .flat_map(|a| a.names())
        .map(|n| n.value.as_str())
        .collect();
    let mut ranked: Vec<(&str, Candidate)> = candidates
        .into_iter()
        .filter(|(name, c)| {
            c.sources >= 2
                && !is_demonym_of(name, &known)
                && !site.config.ignore_candidates.iter().any(|i| i == name)
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.1.sources, b.1.count)
            .cmp(&(a.1.sources, a.1.count))
            .then_with(|| a.0.cmp(b.0))
    });
    ranked
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(name, c)| {
            let file = &site.sources[c.first.0].file;
            let mut d = Diagnostic::error_at_offset(
                &file.path,
                &file.text,
                c.first.1,
                format!(
                    "candidate actor `{name}`: in {} sources ({} times), matching no profile",
                    c.sources, c.count
                ),
            )
            .with_len(name.chars().count());
            d.severity = crate::diagnostic::Severity::Warning;
            d
        })
        .collect()
}

/// The byte offset in the file of `name` (its first word), searched in the `window` bytes
/// of the body from `from` on; `from` itself where it is not found there.
fn position_in_body(source: &Source, from: usize, window: usize, name: &str) -> usize {
    let body = source.body();
    let first_word = name.split_whitespace().next().unwrap_or(name);
    let from = from.min(body.len());
    let mut to = (from + window).min(body.len());
    while !body.is_char_boundary(to) {
        to += 1;
    }
    let at = body[from..to].find(first_word).map_or(from, |i| from + i);
    source.body_offset + at
}

/// "Israeli", "Iraqi", "Lebanese": an adjective made from the name of an actor that has a profile.
fn is_demonym_of(word: &str, known: &[&str]) -> bool {
    const SUFFIXES: [&str; 5] = ["i", "an", "ian", "ese", "ish"];
    !word.contains(' ')
        && SUFFIXES.iter().any(|s| word.ends_with(s))
        && known.iter().any(|name| {
            let common = name
                .chars()
                .zip(word.chars())
                .take_while(|(a, b)| a == b)
                .count();
            common >= 4 && common + 3 >= name.chars().count()
        })
}

/// Byte ranges of runs of capitalized words (one to four, connectors allowed inside).
fn name_runs(text: &str) -> Vec<(usize, usize)> {
    let words = words(text);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (start, end, _) = words[i];
        if !is_capitalized(&text[start..end]) {
            i += 1;
            continue;
        }
        let sentence_start = text[..start]
            .trim_end_matches(['"', '“', '‘', '\'', '('])
            .trim_end()
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '\n' | '#' | '*' | '-'));
        let mut last = i;
        let mut j = i + 1;
        let mut capitalized = 1;
        while j < words.len() && capitalized < 4 {
            let gap = &text[words[j - 1].1..words[j].0];
            if gap != " " {
                break;
            }
            let w = &text[words[j].0..words[j].1];
            if is_capitalized(w) {
                capitalized += 1;
                last = j;
            } else if !CONNECTORS.contains(&w) {
                break;
            }
            j += 1;
        }
        let first_word = &text[start..end];
        let mut from = i;
        if is_not_name(first_word) || (sentence_start && last == i) {
            from = i + 1;
        }
        if from <= last && (from > i || !is_not_name(first_word)) {
            let (s, _, _) = words[from];
            let (_, e, _) = words[last];
            if is_capitalized(&text[s..words[from].1]) && !is_not_name(&text[s..words[from].1]) {
                runs.push((s, e));
            }
        }
        i = last + 1;
    }
    runs
}

/// Words: letters and digits, with inner apostrophes and hyphens ("Kata’ib", "al-Arouri").
fn words(text: &str) -> Vec<(usize, usize, bool)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        let next = i + c.len_utf8();
        let inner = matches!(c, '\'' | '’' | '-')
            && start.is_some()
            && char_at(text, next).is_some_and(char::is_alphanumeric);
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            words.push((s, i, false));
        }
        i = next;
    }
    if let Some(s) = start {
        words.push((s, text.len(), false));
    }
    words
}

/// The char that starts at byte `i` of `text` (a char boundary), decoded only when it is
/// not ASCII: most of an article is.
fn char_at(text: &str, i: usize) -> Option<char> {
    match *text.as_bytes().get(i)? {
        b if b.is_ascii() => Some(char::from(b)),
        _ => text[i..].chars().next(),
    }
}

fn is_capitalized(word: &str) -> bool {
    let word = word
        .strip_prefix("al-")
        .or_else(|| word.strip_prefix("el-"))
        .unwrap_or(word);
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() > 1
        && !word.chars().all(|c| c.is_uppercase() && word.len() <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_names_are_in_byte_order_so_each_is_found_by_halves() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(NOT_NAMES.iter().all(|w| is_not_name(w)));
        assert!(!is_not_name("Gaza") && !is_not_name("the") && !is_not_name(""));
    }

    #[test]
    fn words_keep_inner_apostrophes_and_hyphens_only() {
        let text = "Kata’ib al-Arouri's -x y- 'z' Éire";
        let found: Vec<&str> = words(text).iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(found, ["Kata’ib", "al-Arouri's", "x", "y", "z", "Éire"]);
    }

    /// The previous `words`, which decoded every char: the reference.
    fn words_by_char_indices(text: &str) -> Vec<(usize, usize, bool)> {
        let mut words = Vec::new();
        let mut start = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let inner = matches!(c, '\'' | '’' | '-')
                && start.is_some()
                && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
            if c.is_alphanumeric() || inner {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                words.push((s, i, false));
            }
        }
        if let Some(s) = start {
            words.push((s, text.len(), false));
        }
        words
    }

    proptest::proptest! {
        #[test]
        fn words_equal_the_version_that_decodes_every_char(text in "[aZ9é' ’\\-.\n]{0,40}") {
            proptest::prop_assert_eq!(words(&text), words_by_char_indices(&text));
        }
    }

    fn runs(text: &str) -> Vec<&str> {
        name_runs(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn finds_multi_word_names_with_connectors() {
        assert_eq!(
            runs("ships in the Bab el-Mandeb strait and the Gaza Strip."),
            ["Bab el-Mandeb", "Gaza Strip"]
        );
        assert_eq!(
            runs("visited by Foreign Minister Hussein Amir Abdullahian today"),
            ["Foreign Minister Hussein Amir", "Abdullahian"]
        );
    }

    #[test]
    fn demonyms_of_known_actors_are_not_candidates() {
        let known = ["Israel", "Iraq", "Lebanon"];
        assert!(is_demonym_of("Israeli", &known));
        assert!(is_demonym_of("Iraqi", &known));
        assert!(is_demonym_of("Lebanese", &known));
        assert!(!is_demonym_of("Jordan", &known));
        assert!(!is_demonym_of("Gaza Strip", &known));
    }

    #[test]
    fn skips_sentence_openers_and_common_words() {
        assert_eq!(
            runs("However, it did. The Mar Elias camp. Recently many left."),
            ["Mar Elias"]
        );
        assert!(runs("Hamas said.").is_empty());
        assert_eq!(runs("then Tehran said"), ["Tehran"]);
    }
}
