//! Syntax highlighting of profile YAML with syntect, as CSS classes: the colours live in
//! `theme/syntax.css`, a few rules chosen for contrast (4.5:1 or more, light and dark).

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::text::escape_html;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// YAML as highlighted HTML (already escaped), for a `<pre><code>`.
pub fn yaml(text: &str) -> String {
    let set = syntaxes();
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
