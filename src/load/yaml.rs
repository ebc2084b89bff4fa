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
    /// Deserializes the document, reporting every problem of it rather than the first:
    /// after a problem with one entry (an unknown key, a value of the wrong type), that
    /// entry is blanked out and the document read again. The value comes back when the
    /// rest of the document reads; the problems come back either way.
    pub fn parse<T: DeserializeOwned>(&self) -> (Option<T>, Vec<Diagnostic>) {
        // An empty document is an empty mapping, so that "missing key" is what the user hears.
        let mut yaml = if self.yaml.trim().is_empty() {
            "{}".to_string()
        } else {
            self.yaml.to_string()
        };
        let mut errors: Vec<Diagnostic> = Vec::new();
        let mut blanked: Vec<String> = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let e = match serde_saphyr::from_str::<T>(&yaml) {
                Ok(value) => return (Some(value), errors),
                Err(e) => e,
            };
            let raw = e.without_snippet().to_string();
            let (line, col, len) = match e.location() {
                Some(loc) if loc != Location::UNKNOWN => (
                    loc.line() as usize,
                    loc.column() as usize,
                    loc.span().len() as usize,
                ),
                _ => (1, 1, 1),
            };
            let message = friendly(&raw);
            if let Some(key) = message
                .strip_prefix("missing required key `")
                .and_then(|m| m.split('`').next())
            {
                // A key blanked after an error of its own is not missing a second time.
                // After another problem of the file, a missing key may be that problem.
                if errors.is_empty() && !blanked.iter().any(|b| b == key) {
                    let (line, col) = mapping_start(&yaml, line, col);
                    let len = key_len(&yaml, line, col).unwrap_or(len);
                    errors.push(self.error(line, col, message).with_len(len));
                }
                return (None, errors);
            }
            let (line, col, len, message) = match unclosed_bracket(&yaml, &raw, line) {
                Some((open_line, open_col, bracket)) => {
                    let message = if open_line < line {
                        format!("`{bracket}` is never closed (the YAML reader stopped at line {}: {message})", line + self.line_offset)
                    } else {
                        message
                    };
                    (open_line, open_col, 1, message)
                }
                None => (line, col, len, message),
            };
            let (line, col, message) = match tab_at(&yaml, &raw, line, col) {
                Some((line, col)) => (
                    line,
                    col,
                    "a tab where YAML expects spaces: indent and separate with spaces only"
                        .to_string(),
                ),
                None => (line, col, message),
            };
            let len = match message
                .strip_prefix("unknown key `")
                .and_then(|m| m.split('`').next())
            {
                Some(key) => key.chars().count(),
                None => len,
            };
            errors.push(self.error(line, col, message).with_len(len));
            if !is_entry_error(&raw) {
                return (None, errors);
            }
            match blank_entry(&yaml, line, col) {
                Some((key, next)) if next != yaml => {
                    blanked.push(key);
                    yaml = if next.trim().is_empty() {
                        "{}".to_string()
                    } else {
                        next
                    };
                }
                _ => return (None, errors),
            }
        }
        (None, errors)
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

    /// The text a scalar is written with in the file (`0x7E7` where the value is 2023),
    /// quotes included; `None` when the parser did not record where it is.
    pub fn raw_scalar<T>(&self, spanned: &Spanned<T>) -> Option<&'a str> {
        let span = spanned.referenced.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        let len = usize::try_from(span.byte_len()?).ok()?;
        self.yaml.get(start..start + len).map(str::trim)
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

/// How many problems of one file are reported at most (each costs one more parse).
const MAX_ROUNDS: usize = 50;

/// Whether a parse error is about one entry's value or key (the rest of the document can
/// still be read once that entry is blanked), rather than about the YAML syntax.
fn is_entry_error(raw: &str) -> bool {
    [
        "unknown field",
        "invalid type",
        "invalid value",
        "invalid length",
        "did not match any variant",
        "cannot deserialize",
        "duplicate mapping key",
        "!!binary",
        "unsupported tag",
        "invalid ",
    ]
    .iter()
    .any(|p| raw.starts_with(p))
        && !raw.starts_with("invalid UTF")
}

/// A block-mapping key's 1-based column on `line`, if the line holds `key:` (after
/// indentation and any `- ` list markers).
fn key_col(line: &str) -> Option<usize> {
    let mut rest = line;
    let mut col = 1;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        col += rest.len() - trimmed.len();
        rest = trimmed;
        match rest.strip_prefix("- ") {
            Some(after) => {
                col += 2;
                rest = after;
            }
            None => break,
        }
    }
    let first = rest.chars().next()?;
    if matches!(first, '#' | '-' | '[' | '{' | '\'' | '"' | ':') || first.is_whitespace() {
        return None;
    }
    let colon = rest
        .find(": ")
        .or_else(|| rest.trim_end().strip_suffix(':').map(|k| k.len()))?;
    let key = &rest[..colon];
    (!key.is_empty() && !key.contains([' ', '\t', '#'])).then_some(col)
}

/// The document with the entry that holds `line`:`col` replaced by spaces, and that
/// entry's key: the key on that line (at or before the column), else the nearest key
/// above it that is less indented. Lines and columns of the rest stay where they were.
fn blank_entry(yaml: &str, line: usize, col: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let indent = |text: &str| text.len() - text.trim_start_matches(' ').len();
    let error_indent = indent(lines.get(line.checked_sub(1)?)?);
    let mut at = line;
    let key_at = loop {
        let text = lines.get(at - 1)?;
        match key_col(text) {
            Some(kc) if at == line && kc <= col => break kc,
            Some(kc) if at < line && kc <= error_indent => break kc,
            _ if at == 1 => return None,
            _ => at -= 1,
        }
    };
    let key_text = lines[at - 1];
    let key_start = key_text.char_indices().nth(key_at - 1)?.0;
    let key = key_text[key_start..]
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let blank = |text: &str| -> String {
        let body = text.trim_end_matches(['\n', '\r']);
        // One space a byte: the byte offsets of the rest of the document stay put.
        format!("{}{}", " ".repeat(body.len()), &text[body.len()..])
    };
    // A key with no value on its line may hold a list at its own indentation.
    let value_on_line = key_text[key_start..]
        .split_once(':')
        .is_some_and(|(_, v)| !v.trim().is_empty() && !v.trim().starts_with('#'));
    let mut out: String = lines[..at - 1].concat();
    out.push_str(&key_text[..key_start]);
    out.push_str(&blank(&key_text[key_start..]));
    let mut inside = true;
    for text in &lines[at..] {
        let content = text.trim();
        let item = !value_on_line
            && indent(text) + 1 == key_at
            && (content.starts_with("- ") || content == "-");
        inside = inside
            && (content.is_empty() || content.starts_with('#') || indent(text) >= key_at || item);
        if inside {
            out.push_str(&blank(text));
        } else {
            out.push_str(text);
        }
    }
    Some((key, out))
}

/// For a parse error inside a flow sequence or mapping left open, the line and column of
/// the `[` or `{` (the parser reports where it gave up: the end of the file, or the next
/// line's `:`), and the bracket. An opener counts when it starts a value (after `key:`,
/// `- `, or inside another flow collection): a `[` in the middle of plain text is text.
/// One on the error's own line is reported there only for errors about flow collections.
fn unclosed_bracket(yaml: &str, raw: &str, line: usize) -> Option<(usize, usize, char)> {
    let about_flow = ["flow sequence", "flow mapping", "',' or ']'", "',' or '}'"]
        .iter()
        .any(|p| raw.contains(p));
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    for (n, text) in yaml.lines().enumerate().take(line) {
        let mut previous = ' ';
        let mut last_mark = if open.is_empty() { '\n' } else { ',' };
        for (col, c) in text.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') if matches!(last_mark, '\n' | ':' | '-' | '[' | '{' | ',') => {
                    open.push((n + 1, col + 1, c));
                }
                (None, ']' | '}') if !open.is_empty() => {
                    open.pop();
                }
                _ => {}
            }
            if !c.is_whitespace() {
                last_mark = if quote.is_none() && matches!(c, ':' | '-' | '[' | '{' | ',') {
                    c
                } else {
                    'x'
                };
            }
            previous = c;
        }
        quote = None;
    }
    let first = open.first().copied()?;
    (about_flow || first.0 < line).then_some(first)
}

/// For the parser's "found a tab" errors, the line and column of that tab (the parser
/// reports the start of the scalar it was reading, often on the line before).
fn tab_at(yaml: &str, raw: &str, line: usize, col: usize) -> Option<(usize, usize)> {
    if !raw.contains("found a tab") {
        return None;
    }
    yaml.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .take(2)
        .find_map(|(n, text)| {
            let skip = if n + 1 == line {
                col.saturating_sub(1)
            } else {
                0
            };
            let at = text.chars().skip(skip).position(|c| c == '\t')?;
            Some((n + 1, skip + at + 1))
        })
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

/// Rewrites the parser's and serde's messages into the words a content author uses:
/// never a Rust type or an option of the parser.
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
    if message.starts_with("duplicate mapping key") {
        return "duplicate key: each key may appear once".to_string();
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("missing required key `{key}`");
    }
    if message.contains("untagged enum DateScalar") {
        return "expected a date: YYYY, YYYY-MM or YYYY-MM-DD".to_string();
    }
    if message.starts_with("cannot deserialize null into string") {
        return "this value is empty: write a text here, or remove the key".to_string();
    }
    if message.starts_with("multiple YAML documents") {
        return "a second YAML document starts here (`---`): a file holds one document".to_string();
    }
    if message.starts_with("budget breached") || message.starts_with("alias ") {
        return "too many aliases (`*name`) or too deep nesting: the file is refused as a precaution; write the values out".to_string();
    }
    if message.contains("!!binary") || message.contains("tagged scalar") {
        return "a tagged value (`!!binary`, `!tag`) is not accepted here: write plain text"
            .to_string();
    }
    if let Some(rest) = message.strip_prefix("unsupported tag `") {
        let tag = rest.split('`').next().unwrap_or(rest);
        return format!("the tag `{tag}` is not accepted: write a plain value");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "expected {}, found {}",
                plain_type(expected),
                plain_type(found)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((_, expected)) = rest.split_once(", expected ") {
            return format!("expected {}", plain_type(expected));
        }
    }
    message.to_string()
}

/// serde's names of kinds of values, as a YAML author says them.
fn plain_type(what: &str) -> String {
    let what = what.trim();
    let plain = match what {
        "a sequence" | "sequence" => "a list",
        "a map" | "map" | "mapping" | "a mapping" => "a mapping (`key: value` lines)",
        "a string" | "string" => "a text",
        "unit value" | "null" => "an empty value",
        "a boolean" | "boolean" => "true or false",
        "i64" | "u64" | "i32" | "u32" | "an integer" => "a whole number",
        "floating point" | "f64" => "a number",
        _ if what.starts_with("struct ") => "a mapping (`key: value` lines)",
        _ if what.starts_with("a sequence") || what.starts_with("sequence") => "a list",
        _ if what.starts_with("string ") || what.starts_with("a string ") => "a text",
        _ if what.starts_with("integer ") => "a number",
        _ if what.starts_with("boolean ") => "true or false",
        _ => what,
    };
    plain.to_string()
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
