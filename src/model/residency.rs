//! The residency policy: for each class of data, the places it may be held. Written as a
//! `[residency]` table in `demarc.toml`:
//!
//! ```toml
//! [residency]
//! PII = ["EEA", "UK"]     # GDPR and UK GDPR: personal data stays in Europe
//! PHI = ["US"]
//! PCI = ["us-east-1", "us-west-2"]
//! default = ["*"]         # optional: classes not listed (without it they are not checked)
//! ```
//!
//! Each entry is a place as [`crate::model::regions`] reads them: a region, a group, a wildcard,
//! or `*`/`global`. A class, a place or a key demarc does not know is an error naming the
//! line of `demarc.toml`. Where data is held is always the customer's decision — the
//! provider only keeps it where it is told — so the policy is the organisation's, kept
//! beside its other settings rather than in the responsibility model (which says who does
//! what, not where).
//!
//! This module decides what a policy allows; [`crate::reconcile`] judges services by it.

use crate::inputs::names::closest;
use crate::inputs::DataClass;
use crate::model::regions::{catalogue, Location, Place};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;

/// Where one class of data may be held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// The entries, as written.
    pub places: Vec<Location>,
    /// An entry is `*` or `global`.
    anywhere: bool,
    /// Every region some entry covers.
    regions: BTreeSet<usize>,
}

impl Allowed {
    fn new(places: Vec<Location>) -> Allowed {
        let mut anywhere = false;
        let mut regions = BTreeSet::new();
        for p in &places {
            match &p.place {
                Place::Anywhere => anywhere = true,
                Place::Regions(list) => regions.extend(list.iter().copied()),
            }
        }
        Allowed {
            places,
            anywhere,
            regions,
        }
    }

    /// Whether data may be held at a place: anywhere is allowed only where the policy says
    /// `*` (or `global`); a group or wildcard only when every region it stands for is.
    pub fn allows(&self, location: &Location) -> bool {
        self.anywhere
            || match &location.place {
                Place::Anywhere => false,
                Place::Regions(list) => list.iter().all(|r| self.regions.contains(r)),
            }
    }

    /// Whether one region is allowed.
    pub fn allows_region(&self, region: usize) -> bool {
        self.anywhere || self.regions.contains(&region)
    }

    /// The entries as written: `EU, uk*`.
    pub fn describe(&self) -> String {
        self.places
            .iter()
            .map(|p| p.written.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The whole policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Classes the policy names, in [`DataClass::ALL`] order.
    pub classes: Vec<(DataClass, Allowed)>,
    /// For classes it does not name (`default`); without it those are not checked.
    pub default: Option<Allowed>,
}

impl Policy {
    /// Where a class may be held, and whether that comes from `default`; `None` when the
    /// policy says nothing about it.
    pub fn for_class(&self, class: DataClass) -> Option<(&Allowed, bool)> {
        self.classes
            .iter()
            .find(|(c, _)| *c == class)
            .map(|(_, a)| (a, false))
            .or(self.default.as_ref().map(|a| (a, true)))
    }

    /// One line per key, as the reports print the policy: (`PII`, `EU, uk*`).
    pub fn lines(&self) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = self
            .classes
            .iter()
            .map(|(c, a)| (c.as_str().to_string(), a.describe()))
            .collect();
        if let Some(a) = &self.default {
            lines.push(("any other class (default)".into(), a.describe()));
        }
        lines
    }
}

/// A `[residency]` key: a data class, or `default`.
enum Key {
    Class(DataClass),
    Default,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        let text = String::deserialize(deserializer)?;
        if crate::inputs::names::loose_key(&text) == "default" {
            return Ok(Key::Default);
        }
        let wanted = crate::inputs::names::loose_key(&text);
        if let Some(class) = DataClass::ALL
            .into_iter()
            .find(|c| crate::inputs::names::loose_key(c.as_str()) == wanted)
        {
            return Ok(Key::Class(class));
        }
        let accepted: Vec<&str> = DataClass::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(["default"])
            .collect();
        let mut message = format!(
            "residency: {text:?} is not a data class: expected one of {}",
            accepted.join(", ")
        );
        if let Some(hint) = closest(&text, accepted.iter().copied()) {
            message.push_str(&format!(" (did you mean {hint:?}?)"));
        }
        Err(de::Error::custom(message))
    }
}

/// One entry of a class's list: a place demarc knows.
struct Entry(Location);

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entry, D::Error> {
        let text = String::deserialize(deserializer)?;
        catalogue()
            .resolve(&text)
            .map(Entry)
            .map_err(|problem| de::Error::custom(format!("residency: {problem}")))
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Policy, D::Error> {
        struct PolicyVisitor;

        impl<'de> Visitor<'de> for PolicyVisitor {
            type Value = Policy;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of data classes, each with a list of regions")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Policy, M::Error> {
                let mut policy = Policy::default();
                while let Some(key) = map.next_key::<Key>()? {
                    let entries: Vec<Entry> = map.next_value()?;
                    let name = match &key {
                        Key::Class(c) => c.as_str(),
                        Key::Default => "default",
                    };
                    if entries.is_empty() {
                        return Err(de::Error::custom(format!(
                            "residency: {name} = [] would allow {name} data nowhere: list where it may be held, or remove the key"
                        )));
                    }
                    let allowed = Allowed::new(entries.into_iter().map(|e| e.0).collect());
                    let duplicate = match key {
                        Key::Class(class) => {
                            let seen = policy.classes.iter().any(|(c, _)| *c == class);
                            policy.classes.push((class, allowed));
                            seen
                        }
                        Key::Default => policy.default.replace(allowed).is_some(),
                    };
                    if duplicate {
                        return Err(de::Error::custom(format!(
                            "residency: {name} is given twice (keys are compared ignoring case)"
                        )));
                    }
                }
                policy
                    .classes
                    .sort_by_key(|(c, _)| DataClass::ALL.iter().position(|a| a == c));
                Ok(policy)
            }
        }

        deserializer.deserialize_map(PolicyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        residency: Policy,
    }

    fn policy(toml_text: &str) -> Result<Policy, String> {
        toml::from_str::<File>(toml_text)
            .map(|f| f.residency)
            .map_err(|e| e.to_string())
    }

    fn place(text: &str) -> Location {
        catalogue().resolve(text).unwrap()
    }

    #[test]
    fn classes_default_and_wildcards() {
        let p = policy("[residency]\npii = [\"EU\", \"uk*\"]\nPHI = [\"US\"]\ndefault = [\"*\"]\n")
            .unwrap();
        let (pii, from_default) = p.for_class(DataClass::Pii).unwrap();
        assert!(!from_default);
        assert!(pii.allows(&place("eu-west-1")));
        assert!(
            pii.allows(&place("uksouth")),
            "uk* matches Azure's UK regions"
        );
        assert!(
            !pii.allows(&place("eu-west-2")),
            "London is neither EU nor uk*"
        );
        assert!(!pii.allows(&place("us-east-1")));
        assert!(!pii.allows(&place("global")));
        assert!(pii.allows(&place("europe-west1")));
        let (phi, _) = p.for_class(DataClass::Phi).unwrap();
        assert!(
            phi.allows(&place("US")),
            "a group is allowed when all its regions are"
        );
        assert!(
            phi.allows(&place("us-*")),
            "every region named us-* is in the US"
        );
        assert!(!phi.allows(&place("ca-central-1")));
        let (ip, from_default) = p.for_class(DataClass::Ip).unwrap();
        assert!(from_default && ip.allows(&place("global")));
        assert_eq!(pii.describe(), "EU, uk*");
        assert_eq!(
            p.lines(),
            [
                ("PII".to_string(), "EU, uk*".to_string()),
                ("PHI".into(), "US".into()),
                ("any other class (default)".into(), "*".into())
            ]
        );
    }

    #[test]
    fn a_group_is_allowed_only_when_every_region_in_it_is() {
        let p = policy("[residency]\nPII = [\"eu-*\"]\n").unwrap();
        let (pii, _) = p.for_class(DataClass::Pii).unwrap();
        assert!(
            !pii.allows(&place("EU")),
            "westeurope is in the EU but not eu-*"
        );
        assert!(pii.allows(&place("eu-west-2")));
        assert!(
            p.for_class(DataClass::Phi).is_none(),
            "no default: not checked"
        );
    }

    #[test]
    fn the_starters_commented_policy_parses_once_uncommented() {
        let starter = include_str!("../data/starter-demarc.toml");
        let block: String = starter[starter.find("# [residency]").unwrap()..]
            .lines()
            .map(|l| l.trim_start_matches("# ").to_string() + "\n")
            .collect();
        let p = policy(&block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        assert_eq!(p.classes.len(), 2);
        assert!(p.default.is_some());
    }

    #[test]
    fn unknown_places_and_classes_name_the_line() {
        let err =
            policy("[residency]\nPII = [\"EU\"]\nPHI = [\"US\", \"eu-wst-1\"]\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("\"eu-wst-1\" is not a known region"), "{err}");
        assert!(err.contains("did you mean \"eu-west-1\""), "{err}");

        let err = policy("[residency]\nPIII = [\"EU\"]\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("\"PIII\" is not a data class"), "{err}");
        assert!(err.contains("did you mean \"PII\""), "{err}");

        let err = policy("[residency]\nPII = []\n").unwrap_err();
        assert!(err.contains("allow PII data nowhere"), "{err}");
        let err = policy("[residency]\nPII = [\"EU\"]\npii = [\"US\"]\n").unwrap_err();
        assert!(err.contains("PII is given twice"), "{err}");
        let err = policy("[residency]\nPII = \"EU\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
