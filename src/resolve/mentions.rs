//! The alias automaton: every name and alias of every actor in one Aho-Corasick machine,
//! matched case-sensitively on whole words, leftmost-longest, with typographic quotes and
//! whitespace folded (docs/mentions.md).

use std::borrow::Cow;

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
        // Most text needs no folding: then offsets are the text's own, and nothing is copied.
        let (folded, map) = if needs_folding(text) {
            let (f, map) = fold(text);
            (Cow::Owned(f), Some(map))
        } else {
            (Cow::Borrowed(text), None)
        };
        let folded = folded.as_ref();
        let at = |i: usize| map.as_ref().map_or(i, |m| m.original(i));
        // Every whole-word candidate; then leftmost, and longest at that start, wins.
        let mut candidates: Vec<(usize, usize, ActorIx)> = automaton
            .find_overlapping_iter(folded)
            .filter(|m| is_boundary_before(folded, m.start()) && is_boundary_after(folded, m.end()))
            .map(|m| (m.start(), m.end(), self.actors[m.pattern().as_usize()]))
            .collect();
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut hits = Vec::new();
        let mut next_free = 0;
        for (start, end, actor) in candidates {
            if start >= next_free {
                hits.push(Hit {
                    start: at(start),
                    end: at(end),
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

/// Whether [`fold`] would change `text`: a typographic apostrophe or quote, white space
/// other than a single space, or any other character outside ASCII (checked by `fold`).
fn needs_folding(text: &str) -> bool {
    let mut after_space = false;
    for &b in text.as_bytes() {
        match b {
            b' ' if after_space => return true,
            b' ' => after_space = true,
            b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => return true,
            0x80.. => return true,
            _ => after_space = false,
        }
    }
    false
}

/// Where the offsets of a folded text are in the original: the original offset of
/// each char boundary of the folded text, kept as the points where the difference
/// between the two changes (most text has none, or a few).
#[derive(Debug, Default)]
pub struct Offsets {
    /// (folded offset, original offset), ascending; the first is (0, 0).
    points: Vec<(usize, usize)>,
}

impl Offsets {
    /// The original offset of the folded text's char boundary `at`.
    pub fn original(&self, at: usize) -> usize {
        let k = self.points.partition_point(|p| p.0 <= at);
        let (f, o) = self.points[k.saturating_sub(1)];
        o + (at - f)
    }
}

/// Folds typographic apostrophes and quotes to ASCII and each run of whitespace to one space.
/// Returns the folded text and where its offsets are in `text`.
pub fn fold(text: &str) -> (String, Offsets) {
    let bytes = text.as_bytes();
    let mut folded = String::with_capacity(text.len());
    let mut points = vec![(0, 0)];
    let mut delta = 0;
    let mut in_space = false;
    let mut i = 0;
    while i < text.len() {
        // A run of ASCII that folds to itself is copied whole: its offsets shift by the
        // same amount as its first byte's.
        let run = i;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii() || ((b.is_ascii_whitespace() || b == 0x0b) && (b != b' ' || in_space))
            {
                break;
            }
            in_space = b == b' ';
            i += 1;
        }
        if i > run {
            if run - folded.len() != delta {
                delta = run - folded.len();
                points.push((folded.len(), run));
            }
            folded.push_str(&text[run..i]);
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        // The next boundary: where the original char ends.
        let next = i + c.len_utf8();
        let at = i;
        i = next;
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
        if at - folded.len() != delta {
            delta = at - folded.len();
            points.push((folded.len(), at));
        }
        folded.push(c);
        if next - folded.len() != delta {
            delta = next - folded.len();
            points.push((folded.len(), next));
        }
    }
    if text.len() - folded.len() != delta {
        points.push((folded.len(), text.len()));
    }
    (folded, Offsets { points })
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
    fn text_that_folds_to_itself_is_matched_as_it_is() {
        for text in ["plain text, one space", "", "a b"] {
            assert!(!needs_folding(text));
            assert_eq!(fold(text).0, text);
        }
        for text in [
            "two  spaces",
            "a\nb",
            "tab\there",
            "Iran’s",
            "café",
            "a\u{a0}b",
        ] {
            assert!(needs_folding(text), "{text}");
        }
        let m = matcher(&[(0, "Hamas"), (1, "Iran")]);
        assert_eq!(found(&m, "Hamas and Iran met"), [("Hamas", 0), ("Iran", 1)]);
    }

    proptest::proptest! {
        /// The kept points give, at every char boundary of the folded text, what a map
        /// of every byte (the first version) gave.
        #[test]
        fn offsets_equal_a_map_of_every_byte(text in "[ab ’ʼ“”‘é\n\t\r\u{b}\u{a0}\u{2003}]{0,40}") {
            let mut map = Vec::new();
            let mut expected = String::new();
            let mut in_space = false;
            let mut folded_len = 0;
            for (i, c) in text.char_indices() {
                let space = c.is_whitespace();
                if space && in_space {
                    continue;
                }
                in_space = space;
                let len = match c {
                    '’' | 'ʼ' | '“' | '”' | '‘' => 1,
                    c if c.is_whitespace() => 1,
                    c => c.len_utf8(),
                };
                expected.push(match c {
                    '’' | 'ʼ' | '‘' => '\'',
                    '“' | '”' => '"',
                    c if c.is_whitespace() => ' ',
                    c => c,
                });
                map.push((folded_len, i));
                folded_len += len;
            }
            map.push((folded_len, text.len()));
            let (folded, offsets) = fold(&text);
            proptest::prop_assert_eq!(&folded, &expected);
            proptest::prop_assert_eq!(folded.len(), folded_len);
            for (f, o) in map {
                proptest::prop_assert_eq!(offsets.original(f), o);
            }
        }
    }

    #[test]
    fn folding_keeps_a_map_to_original_offsets() {
        let (folded, map) = fold("a’  b");
        assert_eq!(folded, "a' b");
        assert_eq!(map.original(1), 1);
        assert_eq!(map.original(2), 4);
        assert_eq!(map.original(3), 6);
        assert_eq!(map.original(4), 7);
        let (folded, map) = fold("é’s  \n");
        assert_eq!(folded, "é's ");
        let boundaries: Vec<usize> = [0, 2, 3, 4, 5].map(|b| map.original(b)).to_vec();
        assert_eq!(boundaries, [0, 2, 5, 6, 9]);
    }
}
