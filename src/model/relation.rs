//! Typed relations between actors and their inverses.

use serde::Serialize;

use super::{Located, PartialDate};

/// A relation type of the vocabulary; each has an inverse shown on the target's page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RelationType {
    LeaderOf,
    LedBy,
    PartOf,
    HasPart,
    MemberOf,
    HasMember,
    BackedBy,
    Backs,
    AllyOf,
    Opposes,
}

impl RelationType {
    pub const ALL: [RelationType; 10] = [
        RelationType::LeaderOf,
        RelationType::LedBy,
        RelationType::PartOf,
        RelationType::HasPart,
        RelationType::MemberOf,
        RelationType::HasMember,
        RelationType::BackedBy,
        RelationType::Backs,
        RelationType::AllyOf,
        RelationType::Opposes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::LeaderOf => "leader-of",
            RelationType::LedBy => "led-by",
            RelationType::PartOf => "part-of",
            RelationType::HasPart => "has-part",
            RelationType::MemberOf => "member-of",
            RelationType::HasMember => "has-member",
            RelationType::BackedBy => "backed-by",
            RelationType::Backs => "backs",
            RelationType::AllyOf => "ally-of",
            RelationType::Opposes => "opposes",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn inverse(self) -> Self {
        match self {
            RelationType::LeaderOf => RelationType::LedBy,
            RelationType::LedBy => RelationType::LeaderOf,
            RelationType::PartOf => RelationType::HasPart,
            RelationType::HasPart => RelationType::PartOf,
            RelationType::MemberOf => RelationType::HasMember,
            RelationType::HasMember => RelationType::MemberOf,
            RelationType::BackedBy => RelationType::Backs,
            RelationType::Backs => RelationType::BackedBy,
            RelationType::AllyOf => RelationType::AllyOf,
            RelationType::Opposes => RelationType::Opposes,
        }
    }

    pub fn is_symmetric(self) -> bool {
        self.inverse() == self
    }

    /// The active-voice type of a relation and whether its direction flips to read it so:
    /// "A backed-by B" is drawn as "B backs A".
    pub fn active(self) -> (Self, bool) {
        match self {
            RelationType::LedBy
            | RelationType::HasPart
            | RelationType::HasMember
            | RelationType::BackedBy => (self.inverse(), true),
            _ => (self, false),
        }
    }

    /// Heading for a group of relations on an actor page.
    pub fn label(self) -> &'static str {
        match self {
            RelationType::LeaderOf => "Leader of",
            RelationType::LedBy => "Led by",
            RelationType::PartOf => "Part of",
            RelationType::HasPart => "Has part",
            RelationType::MemberOf => "Member of",
            RelationType::HasMember => "Members",
            RelationType::BackedBy => "Backed by",
            RelationType::Backs => "Backs",
            RelationType::AllyOf => "Allied with",
            RelationType::Opposes => "Opposes",
        }
    }
}

/// A relation as a profile declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub kind: RelationType,
    pub target: Located<String>,
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub note: Option<String>,
    pub sources: Vec<Located<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_the_inverse_of_its_inverse() {
        for t in RelationType::ALL {
            assert_eq!(t.inverse().inverse(), t);
            assert_eq!(RelationType::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn only_ally_of_and_opposes_are_symmetric() {
        let symmetric: Vec<_> = RelationType::ALL
            .into_iter()
            .filter(|t| t.is_symmetric())
            .collect();
        assert_eq!(symmetric, [RelationType::AllyOf, RelationType::Opposes]);
        assert_eq!(RelationType::BackedBy.inverse(), RelationType::Backs);
        assert_eq!(RelationType::LeaderOf.inverse(), RelationType::LedBy);
    }

    #[test]
    fn the_active_voice_flips_passive_types_only() {
        assert_eq!(RelationType::BackedBy.active(), (RelationType::Backs, true));
        assert_eq!(RelationType::Backs.active(), (RelationType::Backs, false));
        assert_eq!(
            RelationType::Opposes.active(),
            (RelationType::Opposes, false)
        );
        for t in RelationType::ALL {
            let (active, flipped) = t.active();
            assert_eq!(active.active(), (active, false));
            assert_eq!(flipped, active != t);
        }
    }
}
