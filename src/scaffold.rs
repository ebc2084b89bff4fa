//! `dossier new`: scaffolds for an actor profile or an article, every field commented.

use std::path::{Path, PathBuf};

use crate::model::ActorKind;
use crate::text::{escape_control, slug_is_cut, slugify, MAX_SLUG};

/// A YAML double-quoted string.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

/// The text of a new actor profile.
pub fn actor(name: &str, kind: ActorKind) -> String {
    format!(
        r#"# yaml-language-server: $schema=../schema/actor.schema.json
name: {name}   # required: the common English name
kind: {kind}   # required: person | organization | state | coalition
aliases: []   # other spellings matched in article text, e.g. [Hizballah, Hizbullah]
summary: ""   # one neutral line, plain text
# description: |   # Markdown; [[actor-id]] links to another actor; attribute claims to their sources
#   ...
# founded: 1982   # YYYY, YYYY-MM or YYYY-MM-DD, only when certain (persons: born:)
# dissolved: 2024   # when it ceased to exist (persons: died:)
# reviewed: 2026-11-21   # the day you last checked the whole profile against its sources
# sort_name: "Nasrallah, Hassan"   # how listings sort it, when not the name (persons: surname first)
# country: lebanon   # an actor id
relations: []   # typed relations; write one side, the inverse shows on the other actor
#  - type: backed-by   # ally-of, opposes, backed-by, backs, member-of, has-member, part-of, has-part, leader-of, led-by
#    target: iran   # an actor id
#    since: 1982   # optional partial dates: since, until
#    note: plain text
#    sources: [article-id]   # the articles that support it
# links: {{ wikidata: Q..., wikipedia: "https://en.wikipedia.org/wiki/...", website: "https://..." }}
sources: []   # article ids that support the profile as a whole
"#,
        name = quoted(name),
        kind = kind.as_str()
    )
}

/// The text of a new article.
pub fn article(title: &str) -> String {
    format!(
        r#"---
title: {title}   # required
# date: 2023-12-05   # YYYY, YYYY-MM or YYYY-MM-DD, only where the source gives one
# outlet: lbci   # id of content/outlets/<id>.yaml
# url: https://...   # the original, http(s) only
# author: ...
# actors: [hamas]   # explicit tags, added to the mentions found in the text
# summary: One neutral sentence, attributing claims ("according to ...").
---
Paste the article's text here, word for word, one blank line between paragraphs.
"#,
        title = quoted(title)
    )
}

/// Writes a scaffold at `<content>/<folder>/<slug>.<ext>`, refusing to overwrite; returns the path.
/// The content folder must hold a `site.yaml` (else the site would not build), and the schema
/// a scaffold's `$schema` line names is written into `<content>/schema/` when it is missing.
pub fn create(
    content: &Path,
    folder: &str,
    name: &str,
    ext: &str,
    text: &str,
) -> Result<PathBuf, String> {
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(format!(
            "`{}` has no letters or digits to make an id from",
            escape_control(name)
        ));
    }
    let site_yaml = content.join("site.yaml");
    if !site_yaml.is_file() {
        return Err(format!(
            "{} not found: `dossier new` adds to an existing site; start one with `dossier init`, \
             or point at one with --content",
            site_yaml.display()
        ));
    }
    if slug_is_cut(name) {
        eprintln!(
            "dossier: note: the name is long, so its id (the file name) is cut to at most {MAX_SLUG} characters: {slug}"
        );
    }
    let dir = content.join(folder);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("{slug}.{ext}"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} already exists; edit it, or choose another name",
                    path.display()
                )
            } else {
                format!("cannot write {}: {e}", path.display())
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if let Some(name) = schema_named(text) {
        write_missing_schema(content, name)?;
    }
    Ok(path)
}

/// The file a scaffold's first line, `# yaml-language-server: $schema=../schema/<name>`, names.
fn schema_named(text: &str) -> Option<&str> {
    let first = text.lines().next()?;
    first.strip_prefix("# yaml-language-server: $schema=../schema/")
}

/// Writes `<content>/schema/<name>` when it does not exist, so that the line points at a file.
fn write_missing_schema(content: &Path, name: &str) -> Result<(), String> {
    let path = content.join("schema").join(name);
    if path.exists() {
        return Ok(());
    }
    let Some((_, text)) = crate::load::schema::schemas()
        .into_iter()
        .find(|(n, _)| *n == name)
    else {
        return Ok(());
    };
    std::fs::create_dir_all(content.join("schema"))
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffolds_quote_names_safely() {
        let text = actor("Kata’ib \"Hezbollah\"", ActorKind::Organization);
        assert!(text.contains(r#"name: "Kata’ib \"Hezbollah\"""#));
        assert!(article("A: B").contains(r#"title: "A: B""#));
    }

    #[test]
    fn the_actor_scaffold_names_a_schema_dossier_can_write() {
        let scaffold = actor("X", ActorKind::Person);
        let name = schema_named(&scaffold).expect("a schema line");
        let names: Vec<&str> = crate::load::schema::schemas()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert!(names.contains(&name), "{name} not in {names:?}");
        assert_eq!(schema_named(&article("X")), None);
    }
}
