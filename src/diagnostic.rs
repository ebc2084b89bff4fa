//! Diagnostics: `path:line:col: error: message`, the offending line and a caret.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the content, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    /// 1-based line in the file as an editor counts it.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// How many characters the caret underlines (at least 1).
    pub len: usize,
    pub message: String,
    /// The offending line, without its line ending; empty when there is none to show.
    pub source_line: String,
}

impl Diagnostic {
    /// An error at `line:col` of `text` (the whole file, BOM already removed).
    pub fn error(
        path: &Path,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Error, path, text, line, col, message)
    }

    pub fn warning(
        path: &Path,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Warning, path, text, line, col, message)
    }

    fn at(
        severity: Severity,
        path: &Path,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        let line = line.max(1);
        let source_line = text
            .split('\n')
            .nth(line - 1)
            .map(|l| l.trim_end_matches('\r').to_string())
            .unwrap_or_default();
        Diagnostic {
            severity,
            path: path.to_path_buf(),
            line,
            col: col.max(1),
            len: 1,
            message: message.into(),
            source_line,
        }
    }

    /// An error about a whole file, where no line can be shown.
    pub fn file_error(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            len: 1,
            message: message.into(),
            source_line: String::new(),
        }
    }

    /// Underline `len` characters instead of one.
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// An error at a byte offset of `text`.
    pub fn error_at_offset(
        path: &Path,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, col) = line_col(text, offset);
        Self::error(path, text, line, col, message)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Names come from contributors: control characters are shown escaped, never sent
        // to the terminal (`ESC ]0;` would retitle it).
        write!(
            f,
            "{}:{}:{}: {label}: {}",
            crate::text::escape_control(&self.path.display().to_string()),
            self.line,
            self.col,
            crate::text::escape_control(&self.message)
        )?;
        if !self.source_line.is_empty() {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // Tabs are shown as one space so the caret stays under the right character;
            // a long line is cropped to a window around the column.
            let chars: Vec<char> = self
                .source_line
                .chars()
                .map(|c| match c {
                    '\t' => ' ',
                    c if c.is_control() => '\u{FFFD}',
                    c => c,
                })
                .collect();
            let col = self.col - 1;
            let (from, to) = if chars.len() > MAX_SHOWN {
                let from = col
                    .saturating_sub(MAX_SHOWN / 3)
                    .min(chars.len() - MAX_SHOWN);
                (from, from + MAX_SHOWN)
            } else {
                (0, chars.len())
            };
            let lead = usize::from(from > 0);
            let shown = format!(
                "{}{}{}",
                if from > 0 { "…" } else { "" },
                chars[from..to].iter().collect::<String>(),
                if to < chars.len() { "…" } else { "" }
            );
            let width = to - from + lead;
            let start = (col.saturating_sub(from) + lead).min(width);
            let len = self.len.min(width.saturating_sub(start)).max(1);
            write!(
                f,
                "\n{number} | {shown}\n{pad} | {}{}",
                " ".repeat(start),
                "^".repeat(len)
            )?;
        }
        Ok(())
    }
}

/// Longest part of a source line shown under a diagnostic, in characters.
const MAX_SHOWN: usize = 100;

/// Sort diagnostics by file, then position, so output is stable whatever the thread order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
    });
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = word.chars().count().div_ceil(3);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_and_caret_under_the_column() {
        let text = "name: x\nalaises: [a]\n";
        let d =
            Diagnostic::error(Path::new("a.yaml"), text, 2, 1, "unknown key `alaises`").with_len(7);
        assert_eq!(
            d.to_string(),
            "a.yaml:2:1: error: unknown key `alaises`\n2 | alaises: [a]\n  | ^^^^^^^"
        );
    }

    #[test]
    fn long_lines_are_cropped_around_the_column() {
        let text = format!("{}target{}", "a ".repeat(100), " b".repeat(100));
        let d = Diagnostic::error(Path::new("a.md"), &text, 1, 201, "here").with_len(6);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[1].starts_with("1 | …") && lines[1].ends_with('…'));
        let caret = lines[2].find('^').unwrap();
        let under: String = lines[1].chars().skip(caret).take(6).collect();
        assert_eq!(under, "target");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("a\n’x y", 5), (2, 2));
        assert_eq!(line_col("a\r\nb", 3), (2, 1));
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(
            did_you_mean("alaises", ["name", "aliases"]),
            Some("aliases")
        );
        assert_eq!(did_you_mean("zzz", ["name", "aliases"]), None);
    }
}
