//! The alias automaton: every name and alias of every actor in one Aho-Corasick machine,
//! matched case-sensitively on whole words, leftmost-longest, with typographic quotes and
//! whitespace folded (docs/mentions.md).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::model::ActorIx;

/// One mention found in a text: byte range in the original text and the actor's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub actor: ActorIx,
}

/// Matches all aliases at once, in time linear in the text.
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// The actor of each pattern, in pattern order.
    actors: Vec<ActorIx>,
}

impl Matcher {
    /// Builds the automaton from `(actor index, name)` pairs. Names are folded like the text.
    pub fn new<'a>(names: impl IntoIterator<Item = (ActorIx, &'a str)>) -> Self {
        let mut patterns = Vec::new();
        let mut actors = Vec::new();
        for (actor, name) in names {
            let (folded, _) = fold(name.trim());
            if !folded.is_empty() {
                patterns.push(folded);
                actors.push(actor);
            }
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("alias automaton fits in memory")
        });
        Matcher { automaton, actors }
    }

    /// The mentions in `text`, in order, none overlapping.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let (folded, map) = fold(text);
        // Every whole-word candidate; then leftmost, and longest at that start, wins.
        let mut candidates: Vec<(usize, usize, ActorIx)> = automaton
            .find_overlapping_iter(&folded)
            .filter(|m| {
                is_boundary_before(&folded, m.start()) && is_boundary_after(&folded, m.end())
            })
            .map(|m| (m.start(), m.end(), self.actors[m.pattern().as_usize()]))
            .collect();
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut hits = Vec::new();
        let mut next_free = 0;
        for (start, end, actor) in candidates {
            if start >= next_free {
                hits.push(Hit {
                    start: map[start],
                    end: map[end],
                    actor,
                });
                next_free = end;
            }
        }
        hits
    }
}

fn is_boundary_before(text: &str, at: usize) -> bool {
    !text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn is_boundary_after(text: &str, at: usize) -> bool {
    !text[at..].chars().next().is_some_and(char::is_alphanumeric)
}

/// Folds typographic apostrophes and quotes to ASCII and each run of whitespace to one space.
/// Returns the folded text and, for every byte offset of it (and its end), the offset in `text`.
pub fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if in_space {
                continue;
            }
            in_space = true;
        } else {
            in_space = false;
        }
        for _ in 0..c.len_utf8() {
            map.push(i);
        }
        folded.push(c);
    }
    map.push(text.len());
    (folded, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(names: &[(usize, &str)]) -> Matcher {
        Matcher::new(names.iter().map(|&(i, n)| (ActorIx::new(i), n)))
    }

    fn found<'a>(m: &Matcher, text: &'a str) -> Vec<(&'a str, usize)> {
        m.find(text)
            .into_iter()
            .map(|h| (&text[h.start..h.end], h.actor.get()))
            .collect()
    }

    #[test]
    fn longest_alias_wins_where_aliases_overlap() {
        let m = matcher(&[(0, "Hezbollah"), (1, "Hezbollah Brigades in Iraq")]);
        assert_eq!(
            found(&m, "“Hezbollah Brigades in Iraq,” and Hezbollah"),
            [("Hezbollah Brigades in Iraq", 1), ("Hezbollah", 0)]
        );
    }

    #[test]
    fn falls_back_to_a_shorter_alias_when_the_longer_is_not_a_whole_word() {
        let m = matcher(&[(0, "Hezbollah"), (1, "Hezbollah Brigades")]);
        assert_eq!(found(&m, "Hezbollah Brigadesmen"), [("Hezbollah", 0)]);
    }

    #[test]
    fn possessive_with_typographic_apostrophe_matches() {
        let m = matcher(&[(0, "Netanyahu")]);
        assert_eq!(
            found(&m, "Benjamin Netanyahu’s aspirations"),
            [("Netanyahu", 0)]
        );
    }

    #[test]
    fn ascii_alias_matches_typographic_apostrophe_in_text() {
        let m = matcher(&[(0, "Al-Anjaba' Movement"), (1, "Kata'ib Hezbollah")]);
        assert_eq!(
            found(&m, "“Al-Anjaba’ Movement,”"),
            [("Al-Anjaba’ Movement", 0)]
        );
        assert_eq!(found(&m, "Kataʼib Hezbollah"), [("Kataʼib Hezbollah", 1)]);
    }

    #[test]
    fn a_name_broken_across_lines_matches_once() {
        let m = matcher(&[(0, "Antony Blinken")]);
        assert_eq!(
            found(&m, "Secretary Antony\n   Blinken said"),
            [("Antony\n   Blinken", 0)]
        );
    }

    #[test]
    fn whole_words_only() {
        let m = matcher(&[(0, "Iran"), (1, "US")]);
        assert_eq!(
            found(&m, "Iranian and Iran’s and Iran-backed"),
            [("Iran", 0), ("Iran", 0)]
        );
        assert_eq!(found(&m, "US positions, USA, us, BUS"), [("US", 1)]);
        assert!(found(&m, "Iran2").is_empty());
    }

    #[test]
    fn matching_is_case_sensitive() {
        let m = matcher(&[(0, "Axis of Resistance"), (1, "axis of resistance")]);
        assert_eq!(
            found(&m, "the axis of resistance"),
            [("axis of resistance", 1)]
        );
        assert!(found(&m, "AXIS OF RESISTANCE").is_empty());
    }

    #[test]
    fn aliases_with_dots_match_before_punctuation() {
        let m = matcher(&[(0, "U.S.")]);
        assert_eq!(found(&m, "the U.S. has"), [("U.S.", 0)]);
    }

    #[test]
    fn folding_keeps_a_map_to_original_offsets() {
        let (folded, map) = fold("a’  b");
        assert_eq!(folded, "a' b");
        assert_eq!(map[1], 1);
        assert_eq!(map[2], 4);
        assert_eq!(map[3], 6);
        assert_eq!(map[4], 7);
    }
}
