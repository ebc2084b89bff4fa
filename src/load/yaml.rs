//! YAML through serde-saphyr, its errors turned into diagnostics at the right line of the file.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Location, Spanned};

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::Located;

/// Where a YAML document sits in its file: `text` is the whole file, the YAML starts after `line_offset` lines.
#[derive(Clone, Copy)]
pub struct YamlDoc<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub yaml: &'a str,
    pub line_offset: usize,
}

impl<'a> YamlDoc<'a> {
    /// Deserializes the document; a failure becomes one diagnostic with a helpful message.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        // An empty document is an empty mapping, so that "missing key" is what the user hears.
        let yaml = if self.yaml.trim().is_empty() {
            "{}"
        } else {
            self.yaml
        };
        serde_saphyr::from_str(yaml).map_err(|e| {
            let (line, col, len) = match e.location() {
                Some(loc) if loc != Location::UNKNOWN => (
                    loc.line() as usize,
                    loc.column() as usize,
                    loc.span().len() as usize,
                ),
                _ => (1, 1, 1),
            };
            let message = friendly(&e.without_snippet().to_string());
            // serde reports a missing key where the mapping ends; point where it starts.
            let (line, col, len) = if message.starts_with("missing required key") {
                let (line, col) = mapping_start(yaml, line, col);
                (line, col, key_len(yaml, line, col).unwrap_or(len))
            } else {
                (line, col, len)
            };
            let len = if let Some(key) = message
                .strip_prefix("unknown key `")
                .and_then(|m| m.split('`').next())
            {
                key.chars().count()
            } else {
                len
            };
            self.error(line, col, message).with_len(len)
        })
    }

    /// An error at a line and column of the YAML document.
    pub fn error(&self, line: usize, col: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, self.text, line + self.line_offset, col, message)
    }

    /// An error pointing at a spanned value.
    pub fn error_at<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> Diagnostic {
        let loc = spanned.referenced;
        self.error(loc.line() as usize, loc.column() as usize, message)
            .with_len(loc.span().len() as usize)
    }

    /// A spanned value as model data, its position counted in the file.
    pub fn located<T: Clone>(&self, spanned: &Spanned<T>) -> Located<T> {
        Located::new(
            spanned.value.clone(),
            spanned.referenced.line() as usize + self.line_offset,
            spanned.referenced.column() as usize,
        )
    }
}

/// The first key of the block mapping whose key at `line`:`col` (1-based) is given:
/// siblings sit at the same column, and the first may follow a list item's `- `.
fn mapping_start(yaml: &str, line: usize, col: usize) -> (usize, usize) {
    let lines: Vec<&str> = yaml.lines().collect();
    let indent_of = |text: &str| text.len() - text.trim_start_matches(' ').len();
    match lines.get(line.wrapping_sub(1)) {
        // Only a key that starts its line (or follows `- `) is a block mapping's.
        Some(text)
            if text
                .get(..col.saturating_sub(1))
                .is_some_and(|lead| matches!(lead.trim(), "" | "-")) => {}
        _ => return (line, col),
    }
    let mut start = line;
    for n in (1..line).rev() {
        let text = lines[n - 1];
        let trimmed = text.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(text);
        if indent + 1 == col {
            start = n;
            if trimmed.starts_with("- ") || trimmed == "-" {
                break;
            }
        } else if indent + 1 < col {
            // A `- key:` line whose key sits at our column opens the mapping.
            let item = trimmed
                .strip_prefix('-')
                .map(|rest| rest.trim_start_matches(' '));
            if let Some(rest) = item {
                if !rest.is_empty() && text.len() - rest.len() + 1 == col {
                    start = n;
                }
            }
            break;
        }
    }
    if start == line {
        return (line, col);
    }
    (start, col)
}

/// The length in characters of the plain key at `line`:`col`, if one is there.
fn key_len(yaml: &str, line: usize, col: usize) -> Option<usize> {
    let text = yaml.lines().nth(line.checked_sub(1)?)?;
    let rest: String = text.chars().skip(col.checked_sub(1)?).collect();
    let key = rest.split_once(':')?.0.trim_end();
    (!key.is_empty()).then(|| key.chars().count())
}

/// Rewrites serde's messages into the words a content author uses.
fn friendly(raw: &str) -> String {
    let message = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw,
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        return match did_you_mean(key, expected.iter().copied()) {
            Some(close) => format!("unknown key `{key}`; did you mean `{close}`?"),
            None => format!(
                "unknown key `{key}`; expected one of: {}",
                expected.join(", ")
            ),
        };
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return format!("duplicate key `{key}`: each key may appear once");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("missing required key `{key}`");
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_points_at_the_start_of_its_mapping() {
        let top = "kind: state\nsummary: A state.\ncountry: x\n";
        assert_eq!(mapping_start(top, 3, 1), (1, 1));
        let nested = "name: A\nrelations:\n  - type: opposes\n    note: n\n    since: 2001\n  - target: b\n    type: ally-of\n";
        assert_eq!(mapping_start(nested, 5, 5), (3, 5));
        assert_eq!(mapping_start(nested, 7, 5), (6, 5));
        let child = "name: A\nlinks:\n  wikidata: Q1\n  website: https://a\nsources: []\n";
        assert_eq!(mapping_start(child, 4, 3), (3, 3));
        assert_eq!(mapping_start(child, 5, 1), (1, 1));
        // A flow mapping is left where serde put it.
        assert_eq!(mapping_start("links: {a: 1, b: 2}\n", 1, 15), (1, 15));
    }

    #[test]
    fn unknown_fields_get_a_suggestion() {
        assert_eq!(
            friendly(
                "unknown field `alaises`, expected one of name, aliases, kind at line 2, column 1"
            ),
            "unknown key `alaises`; did you mean `aliases`?"
        );
        assert_eq!(
            friendly("unknown field `colour`, expected one of name, kind at line 2, column 1"),
            "unknown key `colour`; expected one of: name, kind"
        );
        assert_eq!(
            friendly("missing field `name` at line 1, column 1"),
            "missing required key `name`"
        );
    }
}
