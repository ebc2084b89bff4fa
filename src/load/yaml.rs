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
