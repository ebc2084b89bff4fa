//! The file formats as serde types (with spans), and their checked conversion into the model.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::yaml::YamlDoc;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::{
    Actor, ActorKind, Links, Located, Outlet, PartialDate, Relation, RelationType, SiteConfig,
    Source,
};
use crate::text::{check_url, is_forbidden_char, UrlUse, WEB_URL_PATTERN};

/// Characters that show nothing: zero-width spaces and joiners, the word joiner, the BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{202A}'..='\u{202E}'
    )
}

/// A date as written: `2023`, `2023-10` or `2023-10-07` (YAML may read the first as a number).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DateScalar {
    Int(#[schemars(range(min = 1, max = 9999))] i64),
    Text(
        #[schemars(regex(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"))]
        String,
    ),
}

/// `content/site.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dossier site.yaml")]
pub struct RawSite {
    /// The site's title.
    #[schemars(with = "String")]
    title: Spanned<String>,
    /// One sentence: what the site is.
    description: Option<String>,
    /// Absolute http(s) URL the site is published at; used only for the sitemap, feed and canonical links.
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    base_url: Option<Spanned<String>>,
    /// The repository, for "Edit this profile" links (e.g. https://github.com/owner/repo).
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    repo_url: Option<Spanned<String>>,
    /// Language code of the pages (default en).
    language: Option<String>,
    /// Capitalized names that are not actors (places, events), left out of the candidate-actor warnings.
    #[serde(default)]
    ignore_candidates: Vec<String>,
}

/// The YAML front matter of `content/articles/<id>.md`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dossier article front matter")]
pub struct RawFrontMatter {
    /// The article's title.
    #[schemars(with = "String")]
    title: Spanned<String>,
    /// Publication date, only where the source gives one.
    #[schemars(with = "Option<DateScalar>")]
    date: Option<Spanned<DateScalar>>,
    /// Id of content/outlets/<id>.yaml.
    #[schemars(with = "Option<String>")]
    outlet: Option<Spanned<String>>,
    /// The original, http(s) only.
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    url: Option<Spanned<String>>,
    /// Who wrote it.
    author: Option<String>,
    /// Actor ids tagged explicitly, added to the mentions found in the text.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    actors: Vec<Spanned<String>>,
    /// One neutral sentence, plain text.
    summary: Option<String>,
    /// Where this copy comes from, when its original address, date or outlet could not
    /// be established (plain text, shown on the source page).
    provenance: Option<String>,
}

/// `content/actors/<id>.yaml`: an actor profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dossier actor profile")]
pub struct RawActor {
    /// The common English name; matched in article text.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// What the actor is.
    #[schemars(with = "crate::model::ActorKind")]
    kind: Spanned<String>,
    /// Other names matched in article text (case-sensitive, whole words).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    aliases: Vec<Spanned<String>>,
    /// One neutral line, plain text.
    summary: Option<String>,
    /// Markdown; [[actor-id]] or [[actor-id|text]] links to another actor.
    #[schemars(with = "Option<String>")]
    description: Option<Spanned<String>>,
    /// For organizations and states.
    #[schemars(with = "Option<DateScalar>")]
    founded: Option<Spanned<DateScalar>>,
    /// For organizations, states and coalitions that no longer exist.
    #[schemars(with = "Option<DateScalar>")]
    dissolved: Option<Spanned<DateScalar>>,
    /// For persons.
    #[schemars(with = "Option<DateScalar>")]
    born: Option<Spanned<DateScalar>>,
    /// For persons who have died.
    #[schemars(with = "Option<DateScalar>")]
    died: Option<Spanned<DateScalar>>,
    /// The day a contributor last checked the whole profile: YYYY-MM-DD.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
    )]
    reviewed: Option<Spanned<DateScalar>>,
    /// How listings sort the actor, e.g. "Nasrallah, Hassan" (default: the name; a person's last word first).
    sort_name: Option<String>,
    /// An actor id.
    #[schemars(with = "Option<String>")]
    country: Option<Spanned<String>>,
    /// Typed relations; write one side, the inverse is shown on the target's page.
    #[serde(default)]
    relations: Vec<RawRelation>,
    /// External references, only where certain.
    links: Option<RawLinks>,
    /// Article ids that support the profile as a whole.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    sources: Vec<Spanned<String>>,
}

/// One relation of a profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    /// The relation type.
    #[serde(rename = "type")]
    #[schemars(with = "crate::model::RelationType")]
    kind: Spanned<String>,
    /// An actor id.
    #[schemars(with = "String")]
    target: Spanned<String>,
    #[schemars(with = "Option<DateScalar>")]
    since: Option<Spanned<DateScalar>>,
    #[schemars(with = "Option<DateScalar>")]
    until: Option<Spanned<DateScalar>>,
    /// Plain text.
    note: Option<String>,
    /// Article ids that support the relation.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    sources: Vec<Spanned<String>>,
}

/// External references of a profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLinks {
    /// A Wikidata item id such as Q38799.
    #[schemars(with = "Option<String>", regex(pattern = r"^Q[0-9]+$"))]
    wikidata: Option<Spanned<String>>,
    /// The English Wikipedia article, https.
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    wikipedia: Option<Spanned<String>>,
    /// The official website, http(s).
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    website: Option<Spanned<String>>,
}

/// `content/outlets/<id>.yaml`: a publisher.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dossier outlet")]
pub struct RawOutlet {
    /// The outlet's name.
    name: String,
    /// Its website, http(s).
    #[schemars(with = "Option<String>", regex(pattern = WEB_URL_PATTERN))]
    url: Option<Spanned<String>>,
    /// An actor id.
    #[schemars(with = "Option<String>")]
    country: Option<Spanned<String>>,
    /// Markdown.
    #[schemars(with = "Option<String>")]
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
            DateScalar::Int(i) => {
                // YAML reads `0x7E7`, `0o3700` and `2_023` as 2023; a year is written in digits.
                let raw = self.doc.raw_scalar(spanned).unwrap_or_default();
                if !raw.is_empty() && raw != i.to_string() {
                    self.errors.push(self.doc.error_at(
                        spanned,
                        format!(
                            "invalid date `{raw}`: write the year in four digits, such as `{i:04}`"
                        ),
                    ));
                    return None;
                }
                i.to_string()
            }
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

    /// A date that must name a day (`reviewed`).
    fn full_date(&mut self, value: &Option<Spanned<DateScalar>>) -> Option<PartialDate> {
        let date = self.date(value)?;
        if date.day.is_none() {
            let spanned = value.as_ref().expect("a date was parsed");
            self.errors.push(self.doc.error_at(
                spanned,
                format!("`{date}` names no day: write the full date, YYYY-MM-DD"),
            ));
            return None;
        }
        Some(date)
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
        // A YAML escape (`"\e"`, `"\u0000"`) can write what the file may not hold.
        if let Some(c) = spanned.value.chars().find(|&c| is_forbidden_char(c)) {
            self.errors.push(self.doc.error_at(
                spanned,
                format!(
                    "{what} holds the control character U+{:04X}: delete it",
                    c as u32
                ),
            ));
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
            ignore_candidates: raw.ignore_candidates,
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
            provenance: raw
                .provenance
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
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
        self.dates_fit_kind(&raw, kind);
        self.no_relation_and_inverse(&raw.relations);
        if let Some(country) = raw.country.as_ref().filter(|c| c.value.trim() == id) {
            self.errors.push(self.doc.error_at(
                country,
                "`country` names the actor itself: it is the id of the state the actor belongs to",
            ));
        }
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
        let name = self.non_empty(&raw.name, "`name`");
        self.matchable(&raw.name, "the name");
        let mut seen: Vec<String> = vec![name.value.clone()];
        let mut aliases = Vec::with_capacity(raw.aliases.len());
        for a in &raw.aliases {
            let alias = self.non_empty(a, "an alias");
            self.matchable(a, "an alias");
            if seen.contains(&alias.value) {
                self.errors.push(self.doc.error_at(
                    a,
                    format!(
                        "`{}` is listed twice (the name and aliases are compared in Unicode NFC form)",
                        alias.value
                    ),
                ));
            }
            seen.push(alias.value.clone());
            aliases.push(alias);
        }
        Actor {
            id,
            name,
            kind,
            aliases,
            summary: raw.summary,
            description: raw.description.as_ref().map(|d| self.doc.located(d)),
            founded: self.date(&raw.founded),
            born: self.date(&raw.born),
            died: self.date(&raw.died),
            dissolved: self.date(&raw.dissolved),
            reviewed: self.full_date(&raw.reviewed),
            sort_name: raw
                .sort_name
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            country: raw.country.as_ref().map(|c| self.doc.located(c)),
            relations,
            links: links.unwrap_or_default(),
            sources: self.ids(&raw.sources),
            file: Default::default(),
        }
    }

    /// A name or alias is matched in article text: it needs two letters or digits (`a`
    /// would link every article), and no invisible characters (a zero-width space
    /// would make it match nothing, or a different word than it shows).
    fn matchable(&mut self, spanned: &Spanned<String>, what: &str) {
        let value = spanned.value.trim();
        if value.is_empty() {
            return;
        }
        if let Some(c) = value.chars().find(|&c| is_invisible(c)) {
            self.errors.push(self.doc.error_at(
                spanned,
                format!(
                    "{what} holds an invisible character (U+{:04X}): delete it",
                    c as u32
                ),
            ));
        } else if value.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            self.errors.push(self.doc.error_at(
                spanned,
                format!(
                    "{what} `{value}` is too short to match in articles: it needs at least two letters or digits"
                ),
            ));
        }
    }

    /// `born`/`died` belong to persons, `founded`/`dissolved` to the others.
    fn dates_fit_kind(&mut self, raw: &RawActor, kind: ActorKind) {
        let person = kind == ActorKind::Person;
        let fields = [
            ("born", &raw.born, true, "founded"),
            ("died", &raw.died, true, "dissolved"),
            ("founded", &raw.founded, false, "born"),
            ("dissolved", &raw.dissolved, false, "died"),
        ];
        for (key, value, for_persons, other) in fields {
            let Some(value) = value else { continue };
            if for_persons != person {
                let message = format!(
                    "`{key}` is for {}; a {} has `{other}`",
                    if for_persons {
                        "persons"
                    } else {
                        "organizations, states and coalitions"
                    },
                    kind.as_str()
                );
                self.errors.push(self.doc.error_at(value, message));
            }
        }
    }

    /// One profile may not declare a relation and its inverse to the same actor
    /// (`backs: x` and `backed-by: x`): one of them is a mistake.
    fn no_relation_and_inverse(&mut self, relations: &[RawRelation]) {
        let parsed: Vec<(RelationType, &str)> = relations
            .iter()
            .filter_map(|r| {
                Some((
                    RelationType::parse(r.kind.value.trim())?,
                    r.target.value.trim(),
                ))
            })
            .collect();
        for (i, r) in relations.iter().enumerate() {
            let Some(kind) = RelationType::parse(r.kind.value.trim()) else {
                continue;
            };
            let inverse = kind.inverse();
            if inverse == kind {
                continue;
            }
            let target = r.target.value.trim();
            if parsed[..i.min(parsed.len())]
                .iter()
                .any(|&(k, t)| k == inverse && t == target)
            {
                self.errors.push(self.doc.error_at(
                    &r.kind,
                    format!(
                        "`{}` to `{target}` contradicts the `{}` to `{target}` above: keep the one that is true",
                        kind.as_str(),
                        inverse.as_str()
                    ),
                ));
            }
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
