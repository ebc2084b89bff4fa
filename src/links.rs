//! Internal links in Markdown, checked as Zola checks them: an article may link another by
//! its file name (`other-article.md`), which becomes the right relative URL; a link to a
//! page or paragraph that does not exist, or a root-absolute path (which breaks under a
//! GitHub Pages subpath), is an error.

use std::collections::HashMap;

use crate::text::{classify_url, UrlKind};

/// The ids a link may point at.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    pub sources: &'a HashMap<&'a str, usize>,
    pub actors: &'a HashMap<&'a str, crate::model::ActorIx>,
}

/// Checks a link destination of a Markdown document whose page sits one folder below the
/// site root (`sources/`, `actors/`, `outlets/`) and has `paragraphs` numbered paragraphs.
/// Returns the URL to write instead (`Some`), the destination unchanged (`None`), or what
/// is wrong.
pub fn internal_link(dest: &str, paragraphs: u32, known: Known) -> Result<Option<String>, String> {
    match classify_url(dest) {
        Ok(UrlKind::Relative) => {}
        Ok(_) => return Ok(None),
        Err(e) => return Err(e),
    }
    let dest = dest.trim();
    if dest.starts_with('/') {
        return Err(format!(
            "`{dest}` starts at the root of the domain, so it breaks when the site is served under a subpath or opened from disk: \
             link an article by its file name (`other-article.md`), or write a relative path"
        ));
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    if path.is_empty() {
        if let Some(n) = fragment.and_then(paragraph_number) {
            if n > paragraphs {
                return Err(format!(
                    "there is no paragraph #p-{n} here: this document has {paragraphs} numbered paragraph{}",
                    if paragraphs == 1 { "" } else { "s" }
                ));
            }
        }
        return Ok(None);
    }
    let (dir, file) = match path.rsplit_once('/') {
        Some((dir, file)) => (dir, file),
        None => ("", path),
    };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return Ok(None);
    };
    let (folder, what) = match (ext, dir) {
        ("md" | "markdown", "" | "." | "../articles" | "../../articles") => ("sources", "article"),
        ("yaml" | "yml", "../actors" | "../../actors") => ("actors", "actor"),
        ("html", "../sources" | "" | ".") => ("sources", "source page"),
        ("html", "../actors") => ("actors", "actor page"),
        ("md" | "markdown", _) => {
            return Err(format!(
                "`{dest}`: link an article by its file name alone, such as `{stem}.md`"
            ))
        }
        _ => return Ok(None),
    };
    let exists = match folder {
        "sources" => known.sources.contains_key(stem),
        _ => known.actors.contains_key(stem),
    };
    if !exists {
        let mut names: Vec<&str> = match folder {
            "sources" => known.sources.keys().copied().collect(),
            _ => known.actors.keys().copied().collect(),
        };
        names.sort_unstable();
        let hint = match crate::diagnostic::did_you_mean(stem, names) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => String::new(),
        };
        return Err(format!("`{dest}` links to a missing {what} `{stem}`{hint}"));
    }
    let mut url = format!("../{folder}/{stem}.html");
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    Ok((url != dest).then_some(url))
}

/// `p-12` → 12.
fn paragraph_number(fragment: &str) -> Option<u32> {
    let digits = fragment.strip_prefix("p-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(dest: &str, paragraphs: u32) -> Result<Option<String>, String> {
        let sources: HashMap<&str, usize> = [("other-article", 0)].into_iter().collect();
        let actors: HashMap<&str, crate::model::ActorIx> =
            [("hamas", crate::model::ActorIx(0))].into_iter().collect();
        internal_link(
            dest,
            paragraphs,
            Known {
                sources: &sources,
                actors: &actors,
            },
        )
    }

    #[test]
    fn an_article_file_name_becomes_its_page() {
        assert_eq!(
            check("other-article.md", 0).unwrap().as_deref(),
            Some("../sources/other-article.html")
        );
        assert_eq!(
            check("../articles/other-article.md#p-2", 0)
                .unwrap()
                .as_deref(),
            Some("../sources/other-article.html#p-2")
        );
        assert_eq!(
            check("../actors/hamas.yaml", 0).unwrap().as_deref(),
            Some("../actors/hamas.html")
        );
        assert_eq!(check("../actors/hamas.html", 0).unwrap(), None);
        assert_eq!(check("https://example.org/x.md", 0).unwrap(), None);
        assert_eq!(check("img/map.png", 0).unwrap(), None);
    }

    #[test]
    fn missing_pages_paragraphs_and_absolute_paths_are_errors() {
        assert!(check("missing.md", 5)
            .unwrap_err()
            .contains("missing article `missing`"));
        assert!(check("#p-99", 5)
            .unwrap_err()
            .contains("5 numbered paragraphs"));
        assert!(check("#p-5", 5).unwrap().is_none());
        assert!(check("#p-0", 0).unwrap().is_none());
        assert!(check("/abs.html", 5).unwrap_err().contains("subpath"));
        assert!(check("../actors/nobody.html", 5).is_err());
        assert!(check("sub/other-article.md", 5).is_err());
    }
}
