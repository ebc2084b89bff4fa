//! Syntax highlighting of profile YAML with syntect, as CSS classes: the colours live in
//! `theme/syntax.css`, a few rules chosen for contrast (4.5:1 or more, light and dark).
//!
//! The syntax is syntect's own YAML syntax (its `default-syntaxes`), kept as JSON in
//! `yaml-syntax.json` with one change: each of its two implicit-type regexes (`null`,
//! `true`, numbers, dates, `=`, `<<` ending a plain scalar) starts with a lookahead that
//! any match of it already satisfies (`IMPLICIT_TYPE_START` in the tests). The regexes
//! match exactly where they did, with the same groups, so the HTML is the same; but
//! Oniguruma no longer tries the whole alternation at every position of a line, and
//! syntect searches these regexes from each plain scalar to the end of its line, so they
//! were two thirds of its time on the benchmark's profiles (flow lists of long source ids). A profile of 1.5 kB
//! took 1.35 ms, now 0.7 ms (1,000 profiles, one thread). Loading the one syntax from JSON
//! takes about 2 ms; the stock set would have to be unpacked whole (100–200 ms) to change it.
//! The tests check that the file is the stock syntax with that change and that the HTML
//! equals stock syntect's.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

use crate::text::escape_html;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// syntect's YAML syntax with the implicit-type regexes prefixed by a lookahead.
const YAML_SYNTAX: &str = include_str!("yaml-syntax.json");

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    // The file is compiled in and a test reads it: the stock set is only a safe way out.
    SET.get_or_init(|| shipped().unwrap_or_else(SyntaxSet::load_defaults_newlines))
}

/// A set of the one syntax of `yaml-syntax.json`.
fn shipped() -> Option<SyntaxSet> {
    let yaml: SyntaxDefinition = serde_json::from_str(YAML_SYNTAX).ok()?;
    let mut builder = SyntaxSetBuilder::new();
    builder.add(yaml);
    Some(builder.build())
}

/// YAML as highlighted HTML (already escaped), for a `<pre><code>`.
pub fn yaml(text: &str) -> String {
    highlight(syntaxes(), text)
}

fn highlight(set: &SyntaxSet, text: &str) -> String {
    let Some(syntax) = set.find_syntax_by_extension("yaml") else {
        return escape_html(text);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    for line in LinesWithEndings::from(text) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape_html(text);
        }
    }
    generator.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;
    use syntect::parsing::syntax_definition::Pattern;
    use syntect::parsing::Regex;

    /// What the text at a match of an implicit-type regex starts with: an optional sign then
    /// a digit or a dot (numbers, dates, `.inf`, `.nan`), a word of at most five ASCII
    /// letters (`null`, `y`, `yes`, `true`, `false`, `on`, `off` in their spellings) followed
    /// by what ends a plain scalar (white space, `:`, a bracket or brace, a comma, the end),
    /// or `~`, `=`, `<`. It is the start of every alternative of the regex, so prefixing it
    /// changes no match.
    const IMPLICIT_TYPE_START: &str =
        r"(?=[-+]?[.\d]|[nNyYtTfFoO][a-zA-Z]{0,4}(?:[\s:\[\]{},]|(?m:$))|[~=<])";

    fn stock() -> &'static SyntaxSet {
        static SET: OnceLock<SyntaxSet> = OnceLock::new();
        SET.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// The stock YAML syntax with the change this module describes, its references by
    /// name so that it links on its own. The change is made on the syntax's serialized
    /// form, where the private index of a context reference shows.
    fn generated() -> SyntaxDefinition {
        let builder = SyntaxSet::load_defaults_newlines().into_builder();
        let yaml = (builder.syntaxes().iter())
            .find(|s| s.name == "YAML")
            .expect("syntect ships a YAML syntax");
        // A built set numbers a syntax's contexts in the order of their names.
        let mut names: Vec<&String> = yaml.contexts.keys().collect();
        names.sort();
        let mut value = serde_json::to_value(yaml).expect("a syntax serializes");
        for (name, context) in value["contexts"].as_object_mut().unwrap() {
            // Linking sets the prototype again, as it did for the stock set.
            context["prototype"] = Value::Null;
            by_name(context, &names);
            if name.ends_with("-implicit-type") {
                for pattern in context["patterns"].as_array_mut().unwrap() {
                    let regex = pattern["Match"]["regex"].as_str().unwrap();
                    assert!(regex.starts_with("(?x)\n(?x:\n    ((?:null|Null|NULL|~))"));
                    pattern["Match"]["regex"] = format!("{IMPLICIT_TYPE_START}{regex}").into();
                }
            }
        }
        serde_json::from_value(value).expect("the changed syntax deserializes")
    }

    /// Every reference to a context in `value`, by that context's name.
    fn by_name(value: &mut Value, names: &[&String]) {
        match value {
            Value::Object(map) => {
                if let Some(id) = map.get("Direct") {
                    let index = id["context_index"].as_u64().expect("a context index");
                    *value = serde_json::json!({ "Named": names[index as usize] });
                    return;
                }
                map.values_mut().for_each(|v| by_name(v, names));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| by_name(v, names)),
            _ => {}
        }
    }

    fn json(yaml: &SyntaxDefinition) -> String {
        let mut text = serde_json::to_string_pretty(yaml).expect("a syntax serializes");
        text.push('\n');
        text
    }

    #[test]
    fn the_yaml_syntax_file_is_syntect_s_with_the_implicit_type_lookahead() {
        let shipped: SyntaxDefinition =
            serde_json::from_str(YAML_SYNTAX).expect("yaml-syntax.json is a syntax");
        let fresh = generated();
        if shipped != fresh {
            // After a syntect upgrade: the file to review and copy over the shipped one.
            let path = std::env::temp_dir().join("dossier-yaml-syntax.json");
            std::fs::write(&path, json(&fresh)).expect("the fresh syntax is written");
            panic!(
                "src/render/yaml-syntax.json is not syntect's YAML syntax with the change; \
                 the syntax it should be is in {}",
                path.display()
            );
        }
        let implicit = (shipped.contexts.iter())
            .filter(|(name, _)| name.ends_with("-implicit-type"))
            .flat_map(|(_, c)| &c.patterns)
            .filter(|p| matches!(p, Pattern::Match(m) if m.regex.regex_str().starts_with(IMPLICIT_TYPE_START)))
            .count();
        assert_eq!(implicit, 2);
    }

    #[test]
    fn the_lookahead_changes_no_match_of_the_implicit_type_regexes() {
        let shipped: SyntaxDefinition = serde_json::from_str(YAML_SYNTAX).unwrap();
        let stock = generated_stock_regexes();
        let samples = [
            "null",
            "~",
            "y",
            "yes",
            "NO",
            "true",
            "False",
            "on",
            "OFF",
            "0",
            "-12",
            "+0b101",
            "0o17",
            "0x1F",
            "1:20:30",
            "-.5",
            "1.5e+3",
            ".inf",
            "-.Inf",
            ".NaN",
            "2026-11-21",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 Z",
            "=",
            "<<",
            "n-1",
            "Yes:",
            "no, ",
            "a-8598, b",
            "source-12]",
            "x: 12 # c",
            "no\n",
            "1_000:",
        ];
        let implicit =
            (shipped.contexts.iter()).filter(|(name, _)| name.ends_with("-implicit-type"));
        for (name, context) in implicit {
            for (i, pattern) in context.patterns.iter().enumerate() {
                let Pattern::Match(m) = pattern else { continue };
                let old = &stock[&(name.clone(), i)];
                for sample in samples {
                    for start in 0..=sample.len() {
                        if sample.is_char_boundary(start) {
                            assert_eq!(
                                search(&m.regex, sample, start),
                                search(old, sample, start),
                                "{name} on {sample:?} from {start}"
                            );
                        }
                    }
                }
            }
        }
    }

    fn generated_stock_regexes() -> std::collections::HashMap<(String, usize), Regex> {
        let builder = SyntaxSet::load_defaults_newlines().into_builder();
        let yaml = builder
            .syntaxes()
            .iter()
            .find(|s| s.name == "YAML")
            .unwrap();
        let mut regexes = std::collections::HashMap::new();
        for (name, context) in &yaml.contexts {
            for (i, pattern) in context.patterns.iter().enumerate() {
                if let Pattern::Match(m) = pattern {
                    regexes.insert((name.clone(), i), Regex::new(m.regex.regex_str().into()));
                }
            }
        }
        regexes
    }

    /// Where `regex` matches in `text` from `start`, with every group's span.
    fn search(regex: &Regex, text: &str, start: usize) -> Option<Vec<Option<(usize, usize)>>> {
        let mut region = syntect::parsing::Region::new();
        regex
            .search(text, start, text.len(), Some(&mut region))
            .then(|| (0..10).map(|g| region.pos(g)).collect())
    }

    #[test]
    fn highlights_with_the_one_syntax_of_the_file() {
        assert_eq!(syntaxes().syntaxes().len(), 1);
        assert_eq!(syntaxes().syntaxes()[0].name, "YAML");
    }

    #[test]
    fn highlights_the_shipped_profiles_as_stock_syntect_does() {
        let actors = concat!(env!("CARGO_MANIFEST_DIR"), "/content/actors");
        let mut seen = 0;
        for entry in std::fs::read_dir(actors).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            assert_eq!(yaml(&text), highlight(stock(), &text));
            seen += 1;
        }
        assert!(seen > 10);
    }

    /// Pieces of profile-like YAML: keys, ids with numbers, the words and numbers an
    /// implicit type matches, flow and block collections, quotes, comments, block scalars.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "name",
            "sources",
            ": ",
            ":",
            "\n",
            " ",
            "  ",
            "- ",
            "-",
            "[",
            "]",
            "{",
            "}",
            ", ",
            ",",
            "\"",
            "'",
            "# note",
            " #",
            "|\n",
            ">-\n",
            "null",
            "~",
            "y",
            "n",
            "no",
            "Yes",
            "true",
            "FALSE",
            "on",
            "Off",
            "0",
            "12",
            "-8598",
            "+3",
            "0x1F",
            "0b10",
            "1.5",
            ".inf",
            "-.Inf",
            ".nan",
            "1:30",
            "2026-11-21",
            "2001-12-14 21:59:43.10 Z",
            "=",
            "<<",
            "diplomats-fighters-it-plans",
            "axis-of-bouljusboud-946",
            "é",
            "?",
            "&a",
            "*a",
            "!tag",
            "%",
            "`",
            "@",
            "\t",
            "https://example.org/x?y=1#z",
            "Q100053",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn highlights_random_yaml_as_stock_syntect_does(
            pieces in prop::collection::vec(piece(), 0..60)
        ) {
            let text = pieces.concat();
            prop_assert_eq!(yaml(&text), highlight(stock(), &text));
        }
    }
}
