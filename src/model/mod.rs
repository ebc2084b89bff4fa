//! The content as plain data: no IO, so tests can build a site without a disk.

mod date;
mod index;
mod relation;

pub use date::PartialDate;
pub use index::{ActorIx, Index, Indexed, OutletIx, SourceIx};
pub use relation::{Relation, RelationType};

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

/// A whole site as loaded: every list sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub config: SiteConfig,
    pub actors: Vec<Actor>,
    pub sources: Vec<Source>,
    pub outlets: Vec<Outlet>,
    /// Files that exist but could not be loaded: references to them are not errors of their own.
    pub unloaded: Unloaded,
}

/// The ids of content files that failed to load, by kind.
#[derive(Debug, Clone, Default)]
pub struct Unloaded {
    pub actors: BTreeSet<String>,
    pub sources: BTreeSet<String>,
    pub outlets: BTreeSet<String>,
}

/// `site.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    /// Absolute URL with a trailing slash, used only where an absolute URL is required.
    pub base_url: Option<String>,
    pub repo_url: Option<String>,
    pub language: String,
    /// Names left out of the candidate-actor warnings.
    pub ignore_candidates: Vec<String>,
}

/// A file of the content folder: where it is and what it says (BOM removed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path relative to the site folder, with `/` separators (for "edit" links).
    pub rel_path: String,
    /// Shared: `serve` keeps it between loads without copying it.
    pub text: std::sync::Arc<str>,
}

/// A value with the 1-based line and column where it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub col: usize,
}

impl<T> Located<T> {
    pub fn new(value: T, line: usize, col: usize) -> Self {
        Located { value, line, col }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    #[default]
    Organization,
    State,
    Coalition,
}

impl ActorKind {
    pub const ALL: [ActorKind; 4] = [
        ActorKind::Person,
        ActorKind::Organization,
        ActorKind::State,
        ActorKind::Coalition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::State => "state",
            ActorKind::Coalition => "coalition",
        }
    }

    pub fn plural_label(self) -> &'static str {
        match self {
            ActorKind::Person => "People",
            ActorKind::Organization => "Organizations",
            ActorKind::State => "States",
            ActorKind::Coalition => "Coalitions",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// External references of a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    pub wikidata: Option<String>,
    pub wikipedia: Option<String>,
    pub website: Option<String>,
}

/// `actors/<id>.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: String,
    pub name: Located<String>,
    pub kind: ActorKind,
    pub aliases: Vec<Located<String>>,
    pub summary: Option<String>,
    /// Markdown; `[[id]]` links are checked where the description starts.
    pub description: Option<Located<String>>,
    pub founded: Option<PartialDate>,
    pub dissolved: Option<PartialDate>,
    pub born: Option<PartialDate>,
    pub died: Option<PartialDate>,
    /// The day a contributor last checked the whole profile.
    pub reviewed: Option<PartialDate>,
    /// How listings sort the actor (`Nasrallah, Hassan`); see [`Actor::sort_key`].
    pub sort_name: Option<String>,
    pub country: Option<Located<String>>,
    pub relations: Vec<Relation>,
    pub links: Links,
    pub sources: Vec<Located<String>>,
    pub file: SourceFile,
}

impl Actor {
    /// The name followed by every alias: all the strings matched in article text.
    /// The key listings sort by: `sort_name`, else a person's last word first, else the name.
    pub fn sort_key(&self) -> String {
        if let Some(s) = &self.sort_name {
            return s.to_lowercase();
        }
        let name = self.name.value.as_str();
        match (self.kind, name.rsplit_once(' ')) {
            (ActorKind::Person, Some((first, last))) => format!("{last}, {first}").to_lowercase(),
            _ => name.to_lowercase(),
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &Located<String>> {
        std::iter::once(&self.name).chain(&self.aliases)
    }
}

/// `articles/<id>.md`: one source document.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub date: Option<PartialDate>,
    pub outlet: Option<Located<String>>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// Explicit tags, added to the detected mentions.
    pub actors: Vec<Located<String>>,
    pub summary: Option<String>,
    /// Where this copy comes from, when the original's address, date or outlet is unknown.
    pub provenance: Option<String>,
    /// Byte offset of the Markdown body in `file.text`.
    pub body_offset: usize,
    pub file: SourceFile,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_offset..]
    }
}

/// `outlets/<id>.yaml`: a publisher.
#[derive(Debug, Clone, Default)]
pub struct Outlet {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub country: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub file: SourceFile,
}
