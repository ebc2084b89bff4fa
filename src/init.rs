//! `dossier init [DIR]`: a new knowledge base that builds at once, with its schemas,
//! GitHub workflows and `.gitignore`, written only into a new or empty folder.

use std::path::{Path, PathBuf};

use crate::scaffold::quoted;

/// The placeholder the generated workflows carry for the git repository dossier is
/// installed from; the docs tell the user to replace it.
pub const DOSSIER_GIT_PLACEHOLDER: &str = "https://github.com/OWNER/dossier";

/// Writes a new site into `dir` (created if missing) and returns the files written, in
/// order. Refuses a folder that holds anything but a `.git` folder, before writing anything.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    refuse_non_empty(dir)?;
    let title = site_title(dir);
    let mut written = Vec::new();
    for (rel, text) in files(&title) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// What to do next, printed after the files are written.
pub fn next_steps(dir: &Path, written: usize) -> String {
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("  cd {}\n", shell_word(&dir.display().to_string()))
    };
    format!(
        "created a dossier site in {dir} ({written} files)\n\
         next:\n\
         {cd}  dossier serve                 preview at http://127.0.0.1:1111/, rebuilt on every save\n\
         \x20 dossier new actor \"Name\"      a profile (--kind person, organization, state or coalition)\n\
         \x20 dossier new article \"Title\"   an article\n\
         \x20 dossier build                 the site, into public/\n\
         to publish on GitHub Pages: set DOSSIER_GIT in .github/workflows/check.yml and\n\
         pages.yml to the git URL of dossier, push, and choose GitHub Actions under\n\
         Settings > Pages > Source.",
        dir = dir.display()
    )
}

/// `text` as one shell word (quoted only when it needs to be).
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Every file of a new site: `(path relative to the site folder, text)`.
fn files(title: &str) -> Vec<(String, String)> {
    let mut files = vec![
        (".gitignore".to_string(), GITIGNORE.to_string()),
        (".github/workflows/check.yml".to_string(), check_workflow()),
        (".github/workflows/pages.yml".to_string(), pages_workflow()),
        ("content/site.yaml".to_string(), site_yaml(title)),
        (
            "content/actors/example-group.yaml".to_string(),
            EXAMPLE_ACTOR.to_string(),
        ),
        (
            "content/articles/example-group-opens-an-office.md".to_string(),
            EXAMPLE_ARTICLE.to_string(),
        ),
        (
            "content/outlets/example-news.yaml".to_string(),
            EXAMPLE_OUTLET.to_string(),
        ),
    ];
    files.extend(
        crate::load::schema::schemas()
            .into_iter()
            .map(|(name, text)| (format!("content/schema/{name}"), text)),
    );
    files
}

fn refuse_non_empty(dir: &Path) -> Result<(), String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(format!("{} exists and is not a folder", dir.display()))
        }
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut held: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".git")
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    held.sort();
    let shown = held.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let more = if held.len() > 3 { ", …" } else { "" };
    Err(format!(
        "{} is not empty (it holds {shown}{more}); `dossier init` writes only into a new or empty folder",
        dir.display()
    ))
}

/// The folder's name as the site's title, or a generic one.
fn site_title(dir: &Path) -> String {
    let named = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().trim().to_string())
    };
    named(dir)
        .or_else(|| std::fs::canonicalize(dir).ok().and_then(|p| named(&p)))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "My dossier".to_string())
}

const GITIGNORE: &str = "# What `dossier build` writes (and its staging folder while it builds).
/public/
/.public.*
";

fn site_yaml(title: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=schema/site.schema.json
# The site as a whole. Only `title` is required; every other key may be left out.

# The site's name, shown in every page's header and in the feed.
title: {title}

# One sentence: what the site is (front page, <meta name="description">, feed subtitle).
description: A cross-linked reference of actors and the sources that mention them.

# The absolute http(s) URL the site is published at, ending in `/`. Only sitemap.xml,
# feed.xml and canonical links use it; without it `dossier build` leaves those two files
# out and says so. The Pages workflow passes it with `--base-url`, so it can stay unset.
# base_url: https://OWNER.github.io/REPOSITORY/

# The repository holding this folder: each actor page then has an "Edit this profile"
# link. The Pages workflow sets it from the repository it runs in when it is not set here.
# repo_url: https://github.com/OWNER/REPOSITORY

# The language of the pages (the `lang` attribute): a BCP 47 code.
language: en

# Capitalized names the articles use that are not actors (places, adjectives): `dossier
# check` leaves them out of its "candidate actor" warnings.
ignore_candidates: []
"#,
        title = quoted(title)
    )
}

const EXAMPLE_ACTOR: &str = r#"# yaml-language-server: $schema=../schema/actor.schema.json
# An example profile: edit it into a real one, or delete it with the example article.
name: Example Group   # required: the common English name
kind: organization   # required: person | organization | state | coalition
aliases: [EG]   # other spellings matched in article text (case-sensitive, whole words)
summary: A made-up organization that shows what a profile looks like.   # one neutral line
description: |   # Markdown; [[actor-id]] links to another actor's page
  Every name and alias above is looked for in every article: each place one
  appears links here, and this page lists those passages under "Mentioned in".
  Attribute claims to their sources ("according to Example News, ...").
founded: 2024   # YYYY, YYYY-MM or YYYY-MM-DD, only when certain (persons: born:)
# dissolved: 2025   # when it ceased to exist (persons: died:)
# reviewed: 2026-01-31   # the day someone last checked the whole profile against its sources
# sort_name: "Group, Example"   # how listings sort it, when not by its name
# country: some-state   # the id of a state's profile
relations: []   # typed relations to other actors; write one side, the other page shows the inverse
#  - type: backed-by   # ally-of, opposes, backed-by, backs, member-of, has-member, part-of, has-part, leader-of, led-by
#    target: some-state   # an actor id
#    since: 2024   # optional partial dates: since, until
#    note: plain text
#    sources: [example-group-opens-an-office]   # the articles that support it
links: { website: "https://example.com/" }   # wikidata: Q..., wikipedia: https://..., website: https://...
sources: [example-group-opens-an-office]   # article ids that support the profile as a whole
"#;

const EXAMPLE_ARTICLE: &str = r#"---
title: "Example Group opens an office"   # required
date: 2024-05-01   # YYYY, YYYY-MM or YYYY-MM-DD, only where the source gives one
outlet: example-news   # the id of content/outlets/<id>.yaml
url: https://example.com/news/example-group-opens-an-office   # the original, http(s) only
author: A. Reporter
# actors: [example-group]   # explicit tags, added to the mentions found in the text
summary: A made-up article that shows what a source looks like.
---
This example stands for an article you collect: paste the text of a real one here,
word for word, one blank line between paragraphs, and delete this file.

Each name or alias of a profile links to that profile wherever the text uses it, as
Example Group (and EG) does here. A name can also be linked explicitly, with other
words: [[example-group|the group in the example]].
"#;

const EXAMPLE_OUTLET: &str = r#"# yaml-language-server: $schema=../schema/outlet.schema.json
# An example outlet (a publisher of sources): edit it or delete it.
name: Example News   # required
url: https://example.com/   # http(s)
# country: some-state   # the id of a state's profile
description: A made-up news site that shows what an outlet looks like.   # Markdown
"#;

/// Installs dossier from `DOSSIER_GIT` (cached by the commit its HEAD points at).
const INSTALL_STEPS: &str = r#"      - name: Check that DOSSIER_GIT is set
        run: |
          case "$DOSSIER_GIT" in
            */OWNER/*) echo "::error::Set DOSSIER_GIT in .github/workflows/*.yml to the git URL of dossier"; exit 1;;
          esac
      - id: dossier
        name: Find dossier's current commit
        run: echo "rev=$(git ls-remote "$DOSSIER_GIT" HEAD | cut -f1)" >> "$GITHUB_OUTPUT"
      - id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/dossier
          key: dossier-${{ runner.os }}-${{ steps.dossier.outputs.rev }}
      - name: Install dossier
        if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install --locked --git "$DOSSIER_GIT" --rev "${{ steps.dossier.outputs.rev }}"
"#;

fn check_workflow() -> String {
    format!(
        r#"# Every pull request, and every deployment (pages.yml calls this first): the content
# must check without errors or warnings.
name: Check

on:
  pull_request:
  workflow_call:

permissions:
  contents: read

concurrency:
  group: check-${{{{ github.ref }}}}
  cancel-in-progress: true

env:
  # The git repository dossier is installed from: replace OWNER (here and in pages.yml).
  DOSSIER_GIT: {DOSSIER_GIT_PLACEHOLDER}

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
{INSTALL_STEPS}      - name: Check the content
        run: dossier check --deny-warnings
"#
    )
}

fn pages_workflow() -> String {
    format!(
        r#"# Check, build and publish the site on GitHub Pages (Settings → Pages → Source:
# GitHub Actions). Deployment waits for the checks.
name: Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # The git repository dossier is installed from: replace OWNER (here and in check.yml).
  DOSSIER_GIT: {DOSSIER_GIT_PLACEHOLDER}

jobs:
  check:
    uses: ./.github/workflows/check.yml

  build:
    needs: check
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
{INSTALL_STEPS}      - id: pages
        uses: actions/configure-pages@v5
      - name: Link "Edit this profile" to this repository, unless site.yaml names one
        run: |
          grep -q '^repo_url:' content/site.yaml ||
            printf '\nrepo_url: %s\n' "${{{{ github.server_url }}}}/${{{{ github.repository }}}}" >> content/site.yaml
      - name: Build the site
        run: dossier build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflows_carry_the_placeholder_and_github_expressions_intact() {
        let pages = pages_workflow();
        assert!(pages.contains("DOSSIER_GIT: https://github.com/OWNER/dossier\n"));
        assert!(pages.contains("\"${{ github.server_url }}/${{ github.repository }}\""));
        assert!(pages.contains("--rev \"${{ steps.dossier.outputs.rev }}\""));
        assert!(check_workflow().contains("group: check-${{ github.ref }}\n"));
    }

    #[test]
    fn the_title_is_the_folder_name_quoted() {
        assert_eq!(site_title(Path::new("/tmp/kb: notes")), "kb: notes");
        assert!(site_yaml("kb: notes").contains("\ntitle: \"kb: notes\"\n"));
    }
}
