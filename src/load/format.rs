//! The file formats as serde types (with spans), and their checked conversion into the model.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::yaml::YamlDoc;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::{
    Actor, ActorKind, Links, Located, Outlet, PartialDate, Relation, RelationType, SiteConfig,
    Source,
};
use crate::text::{check_url, UrlUse};

/// A date as written: `2023`, `2023-10` or `2023-10-07` (YAML may read the first as a number).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateScalar {
    Int(i64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    title: Spanned<String>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    repo_url: Option<Spanned<String>>,
    language: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    title: Spanned<String>,
    date: Option<Spanned<DateScalar>>,
    outlet: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    author: Option<String>,
    #[serde(default)]
    actors: Vec<Spanned<String>>,
    summary: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    name: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    summary: Option<String>,
    description: Option<Spanned<String>>,
    founded: Option<Spanned<DateScalar>>,
    born: Option<Spanned<DateScalar>>,
    country: Option<Spanned<String>>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    links: Option<RawLinks>,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    target: Spanned<String>,
    since: Option<Spanned<DateScalar>>,
    until: Option<Spanned<DateScalar>>,
    note: Option<String>,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLinks {
    wikidata: Option<Spanned<String>>,
    wikipedia: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutlet {
    name: String,
    url: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
}

/// Collects the errors of one file while its fields are converted.
pub struct Checker<'a> {
    pub doc: YamlDoc<'a>,
    pub errors: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(doc: YamlDoc<'a>) -> Self {
        Checker {
            doc,
            errors: Vec::new(),
        }
    }

    fn date(&mut self, value: &Option<Spanned<DateScalar>>) -> Option<PartialDate> {
        let spanned = value.as_ref()?;
        let text = match &spanned.value {
            DateScalar::Int(i) => i.to_string(),
            DateScalar::Text(t) => t.clone(),
        };
        let date = PartialDate::parse(text.trim());
        if date.is_none() {
            self.errors.push(self.doc.error_at(
                spanned,
                format!(
                    "invalid date `{text}`: write YYYY, YYYY-MM or YYYY-MM-DD, a day that exists"
                ),
            ));
        }
        date
    }

    fn web_url(&mut self, value: &Option<Spanned<String>>) -> Option<String> {
        let spanned = value.as_ref()?;
        match check_url(spanned.value.trim(), UrlUse::Web) {
            Ok(()) => Some(spanned.value.trim().to_string()),
            Err(message) => {
                self.errors.push(self.doc.error_at(spanned, message));
                None
            }
        }
    }

    fn non_empty(&mut self, spanned: &Spanned<String>, what: &str) -> Located<String> {
        if spanned.value.trim().is_empty() {
            self.errors.push(
                self.doc
                    .error_at(spanned, format!("{what} must not be empty")),
            );
        }
        let mut located = self.doc.located(spanned);
        located.value = located.value.trim().to_string();
        located
    }

    fn ids(&self, values: &[Spanned<String>]) -> Vec<Located<String>> {
        values.iter().map(|v| self.doc.located(v)).collect()
    }

    pub fn site(&mut self, raw: RawSite) -> SiteConfig {
        let title = self.non_empty(&raw.title, "`title`").value;
        let base_url = self.web_url(&raw.base_url).map(|u| with_trailing_slash(&u));
        SiteConfig {
            title,
            description: raw.description,
            base_url,
            repo_url: self
                .web_url(&raw.repo_url)
                .map(|u| u.trim_end_matches('/').to_string()),
            language: raw.language.unwrap_or_else(|| "en".to_string()),
        }
    }

    pub fn source(&mut self, raw: RawFrontMatter, id: String) -> Source {
        Source {
            id,
            title: self.non_empty(&raw.title, "`title`").value,
            date: self.date(&raw.date),
            outlet: raw.outlet.as_ref().map(|o| self.doc.located(o)),
            url: self.web_url(&raw.url),
            author: raw.author,
            actors: self.ids(&raw.actors),
            summary: raw.summary,
            ..Source::default()
        }
    }

    pub fn actor(&mut self, raw: RawActor, id: String) -> Actor {
        let kind = ActorKind::parse(raw.kind.value.trim()).unwrap_or_else(|| {
            let names = ActorKind::ALL.map(ActorKind::as_str);
            let hint = match did_you_mean(raw.kind.value.trim(), names) {
                Some(close) => format!("; did you mean `{close}`?"),
                None => format!("; use one of: {}", names.join(", ")),
            };
            self.errors.push(self.doc.error_at(
                &raw.kind,
                format!("unknown kind `{}`{hint}", raw.kind.value),
            ));
            ActorKind::Organization
        });
        let relations = raw
            .relations
            .iter()
            .filter_map(|r| self.relation(r))
            .collect();
        let links = raw.links.map(|l| {
            let wikidata = l.wikidata.as_ref().map(|w| {
                let valid = w.value.starts_with('Q')
                    && w.value.len() > 1
                    && w.value[1..].bytes().all(|b| b.is_ascii_digit());
                if !valid {
                    self.errors.push(self.doc.error_at(
                        w,
                        format!("`{}` is not a Wikidata id such as Q38799", w.value),
                    ));
                }
                w.value.clone()
            });
            Links {
                wikidata,
                wikipedia: self.web_url(&l.wikipedia),
                website: self.web_url(&l.website),
            }
        });
        Actor {
            id,
            name: self.non_empty(&raw.name, "`name`"),
            kind,
            aliases: raw
                .aliases
                .iter()
                .map(|a| self.non_empty(a, "an alias"))
                .collect(),
            summary: raw.summary,
            description: raw.description.as_ref().map(|d| self.doc.located(d)),
            founded: self.date(&raw.founded),
            born: self.date(&raw.born),
            country: raw.country.as_ref().map(|c| self.doc.located(c)),
            relations,
            links: links.unwrap_or_default(),
            sources: self.ids(&raw.sources),
            file: Default::default(),
        }
    }

    fn relation(&mut self, raw: &RawRelation) -> Option<Relation> {
        let Some(kind) = RelationType::parse(raw.kind.value.trim()) else {
            let names = RelationType::ALL.map(RelationType::as_str);
            let hint = match did_you_mean(raw.kind.value.trim(), names) {
                Some(close) => format!("; did you mean `{close}`?"),
                None => format!("; use one of: {}", names.join(", ")),
            };
            self.errors.push(self.doc.error_at(
                &raw.kind,
                format!("unknown relation type `{}`{hint}", raw.kind.value),
            ));
            return None;
        };
        let since = self.date(&raw.since);
        let until = self.date(&raw.until);
        if let (Some(s), Some(u)) = (since, until) {
            if u < s {
                let until = raw.until.as_ref().expect("until was parsed");
                self.errors.push(
                    self.doc
                        .error_at(until, format!("`until` ({u}) is before `since` ({s})")),
                );
            }
        }
        Some(Relation {
            kind,
            target: self.doc.located(&raw.target),
            since,
            until,
            note: raw.note.clone(),
            sources: self.ids(&raw.sources),
        })
    }

    pub fn outlet(&mut self, raw: RawOutlet, id: String) -> Outlet {
        Outlet {
            id,
            name: raw.name,
            url: self.web_url(&raw.url),
            country: raw.country.as_ref().map(|c| self.doc.located(c)),
            description: raw.description.as_ref().map(|d| self.doc.located(d)),
            file: Default::default(),
        }
    }
}

fn with_trailing_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}
