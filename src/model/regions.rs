//! The cloud regions demarc knows — AWS, Azure and Google Cloud, each with the country its
//! data centres are in — and what a place written in a `regions` cell or a residency policy
//! means: one region, a named group of them, a wildcard, or anywhere.
//!
//! The list is data, `src/data/regions.toml` (with the sources it was taken from), compiled
//! in and parsed once. This module knows nothing of policies or findings: [`crate::model::residency`]
//! decides what is allowed, the reconciler what is a violation.
//!
//! What a place may be, compared ignoring case and spaces (so Azure's display name
//! `West Europe` reads as `westeurope`):
//! - a provider's region name: `eu-west-1`, `westeurope`, `europe-west1`;
//! - a group: `EU` (the member states), `EEA`, `UK`, or any country code that has a region
//!   (`US`, `BR`, `DE`, `CH`, …) — every region whose data centres are there;
//! - a wildcard, `*` standing for any run of characters: `eu-*`, `europe-*`, `*europe*` —
//!   the regions whose names match; one that matches none is refused;
//! - `global` or `*`: anywhere at all (a global SaaS, a multi-region service).

use crate::inputs::names::closest;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

/// One provider region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The provider's programmatic name, lowercase: `eu-west-1`.
    pub name: String,
    /// `AWS`, `Azure` or `Google Cloud`.
    pub provider: &'static str,
    /// ISO 3166-1 alpha-2 code of where its data centres are: `IE`.
    pub country: String,
    /// Where that is, for people: `Europe (Ireland)`.
    pub place: String,
}

/// What a written place stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Anywhere: `global` or `*`.
    Anywhere,
    /// These regions (indexes into [`Catalogue::regions`], sorted): one region, a group's,
    /// or a wildcard's matches.
    Regions(Vec<usize>),
}

/// Which kind of name a place was written as (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Anywhere,
    Region,
    Group,
    Wildcard,
}

/// A place as written, with what it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// As written, trimmed.
    pub written: String,
    pub kind: PlaceKind,
    pub place: Place,
}

/// Every known region and group.
#[derive(Debug)]
pub struct Catalogue {
    /// AWS, then Azure, then Google Cloud; by name within each.
    pub regions: Vec<Region>,
    /// Normalised region name → index.
    by_name: HashMap<String, usize>,
    /// Group name as shown (`EU`, `US`) → its regions, sorted. Keyed by the normalised name.
    groups: BTreeMap<String, (String, Vec<usize>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    groups: BTreeMap<String, Vec<String>>,
    aws: BTreeMap<String, RawRegion>,
    azure: BTreeMap<String, RawRegion>,
    gcp: BTreeMap<String, RawRegion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    country: String,
    place: String,
}

/// The built-in catalogue, parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
        Catalogue::parse(include_str!("../data/regions.toml"))
            .unwrap_or_else(|e| panic!("src/data/regions.toml: {e}"))
    });
    &CATALOGUE
}

/// How places are compared: trimmed, lowercase, without spaces (`West Europe` = `westeurope`).
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (both
/// already [`normalise`]d).
fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    if !name.ends_with(last) {
        return false;
    }
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

impl Catalogue {
    /// Parses and checks the region list: names unique across providers, every country a
    /// two-letter code, every group's members countries or earlier-defined groups.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let raw: RawCatalogue = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut regions = Vec::new();
        for (provider, list) in [
            ("AWS", raw.aws),
            ("Azure", raw.azure),
            ("Google Cloud", raw.gcp),
        ] {
            for (name, r) in list {
                if r.country.len() != 2 || !r.country.chars().all(|c| c.is_ascii_uppercase()) {
                    return Err(format!(
                        "{name}: country {:?} is not an ISO code",
                        r.country
                    ));
                }
                regions.push(Region {
                    name: normalise(&name),
                    provider,
                    country: r.country,
                    place: r.place,
                });
            }
        }
        let mut by_name = HashMap::new();
        for (i, r) in regions.iter().enumerate() {
            if by_name.insert(r.name.clone(), i).is_some() {
                return Err(format!("region {} is listed twice", r.name));
            }
        }
        // Every country with a region is a group of its own.
        let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (i, r) in regions.iter().enumerate() {
            groups
                .entry(normalise(&r.country))
                .or_insert_with(|| (r.country.clone(), Vec::new()))
                .1
                .push(i);
        }
        // Named groups may use country codes (a country without a region adds none) and
        // other named groups (EEA uses EU), in any order.
        let named: BTreeSet<String> = raw.groups.keys().map(|n| normalise(n)).collect();
        let is_code = |m: &str| m.len() == 2 && m.chars().all(|c| c.is_ascii_uppercase());
        let mut pending: Vec<(String, Vec<String>)> = raw.groups.into_iter().collect();
        while !pending.is_empty() {
            let before = pending.len();
            let mut waiting = Vec::new();
            for (name, members) in pending {
                if groups.contains_key(&normalise(&name)) {
                    return Err(format!(
                        "group {name} has the name of a country with regions"
                    ));
                }
                if let Some(m) = members
                    .iter()
                    .find(|m| !is_code(m) && !named.contains(&normalise(m)))
                {
                    return Err(format!(
                        "group {name}: {m} is neither a country code nor a group"
                    ));
                }
                let ready = members.iter().all(|m| {
                    let key = normalise(m);
                    !named.contains(&key) || groups.contains_key(&key)
                });
                if !ready {
                    waiting.push((name, members));
                    continue;
                }
                let set: BTreeSet<usize> = members
                    .iter()
                    .filter_map(|m| groups.get(&normalise(m)))
                    .flat_map(|(_, list)| list.iter().copied())
                    .collect();
                if set.is_empty() {
                    return Err(format!("group {name} holds no region"));
                }
                groups.insert(normalise(&name), (name, set.into_iter().collect()));
            }
            if waiting.len() == before {
                let names: Vec<&str> = waiting.iter().map(|(n, _)| n.as_str()).collect();
                return Err(format!(
                    "groups {} are defined in a circle",
                    names.join(", ")
                ));
            }
            pending = waiting;
        }
        for r in &regions {
            if groups.contains_key(&r.name) {
                return Err(format!("region {} has the name of a group", r.name));
            }
        }
        Ok(Catalogue {
            regions,
            by_name,
            groups,
        })
    }

    /// The region of this name (any case), if known.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.by_name
            .get(&normalise(name))
            .map(|&i| &self.regions[i])
    }

    /// The group names, as shown (`EEA`, `EU`, `UK`, then country codes), sorted.
    pub fn group_names(&self) -> Vec<&str> {
        self.groups.values().map(|(n, _)| n.as_str()).collect()
    }

    /// The regions of a group (any case), if it is one.
    pub fn group(&self, name: &str) -> Option<&[usize]> {
        self.groups
            .get(&normalise(name))
            .map(|(_, list)| list.as_slice())
    }

    /// What a written place stands for, or why it stands for nothing (a message naming the
    /// value, what was expected and, when one is close, the name it probably meant).
    pub fn resolve(&self, text: &str) -> Result<Location, String> {
        let written = text.trim().to_string();
        let key = normalise(&written);
        let location = |kind, place| Location {
            written: written.clone(),
            kind,
            place,
        };
        if key == "global" || key == "*" {
            return Ok(location(PlaceKind::Anywhere, Place::Anywhere));
        }
        if let Some(&i) = self.by_name.get(&key) {
            return Ok(location(PlaceKind::Region, Place::Regions(vec![i])));
        }
        if let Some((_, list)) = self.groups.get(&key) {
            return Ok(location(PlaceKind::Group, Place::Regions(list.clone())));
        }
        if key.contains('*') {
            let matches: Vec<usize> = (0..self.regions.len())
                .filter(|&i| wildcard_matches(&key, &self.regions[i].name))
                .collect();
            if matches.is_empty() {
                return Err(format!(
                    "{written:?} matches no AWS, Azure or Google Cloud region (wildcards match region names such as eu-west-1, westeurope, europe-west1)"
                ));
            }
            return Ok(location(PlaceKind::Wildcard, Place::Regions(matches)));
        }
        let mut problem = format!(
            "{written:?} is not a known region: expected an AWS, Azure or Google Cloud region name (eu-west-1, westeurope, europe-west1), a group (EU, EEA, UK, US, BR or another country code), a wildcard (eu-*) or global"
        );
        if let Some(hint) = self.hint(&written) {
            problem.push_str(&format!(" (did you mean {hint:?}?)"));
        }
        Err(problem)
    }

    /// The known name closest to a misspelt one.
    fn hint(&self, seen: &str) -> Option<&str> {
        let names = self
            .regions
            .iter()
            .map(|r| r.name.as_str())
            .chain(self.groups.values().map(|(n, _)| n.as_str()))
            .chain(["global"]);
        closest(seen, names)
    }

    /// `eu-west-1 (AWS, Europe (Ireland))`: a region as the reports name it.
    pub fn describe(&self, region: usize) -> String {
        let r = &self.regions[region];
        format!("{} ({}, {})", r.name, r.provider, r.place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(location: &Location) -> Vec<&'static str> {
        match &location.place {
            Place::Anywhere => vec!["*"],
            Place::Regions(list) => list
                .iter()
                .map(|&i| catalogue().regions[i].name.as_str())
                .collect(),
        }
    }

    fn resolve(text: &str) -> Location {
        catalogue()
            .resolve(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_built_in_list_parses_and_every_provider_has_regions() {
        let c = catalogue();
        for provider in ["AWS", "Azure", "Google Cloud"] {
            assert!(
                c.regions.iter().filter(|r| r.provider == provider).count() > 30,
                "{provider}"
            );
        }
        assert_eq!(c.region("EU-WEST-1").unwrap().country, "IE");
        assert_eq!(c.region("West Europe").unwrap().country, "NL");
        assert_eq!(c.region("europe-west1").unwrap().country, "BE");
    }

    #[test]
    fn eu_means_member_states_not_region_names_starting_with_eu() {
        let eu = names(&resolve("EU"));
        for inside in [
            "eu-west-1",
            "eu-central-1",
            "eu-west-3",
            "eu-south-1",
            "eu-south-2",
            "eu-north-1",
            "westeurope",
            "northeurope",
            "germanywestcentral",
            "europe-west1",
            "europe-west4",
            "europe-north1",
            "europe-central2",
        ] {
            assert!(eu.contains(&inside), "{inside} is in the EU");
        }
        for outside in [
            "eu-west-2",        // London
            "eu-central-2",     // Zurich
            "europe-west2",     // London
            "europe-west6",     // Zurich
            "uksouth",          // London
            "ukwest",           // Cardiff
            "switzerlandnorth", // Zurich
            "norwayeast",       // Norway: EEA, not EU
            "us-east-1",
        ] {
            assert!(!eu.contains(&outside), "{outside} is not in the EU");
        }
        let eea = names(&resolve("eea"));
        assert!(eea.contains(&"norwayeast") && eea.contains(&"eu-west-1"));
        assert!(!eea.contains(&"switzerlandnorth") && !eea.contains(&"uksouth"));
        assert_eq!(
            names(&resolve("UK")),
            ["eu-west-2", "uksouth", "ukwest", "europe-west2"]
        );
    }

    #[test]
    fn country_groups_span_the_three_providers() {
        assert_eq!(
            names(&resolve("BR")),
            [
                "sa-east-1",
                "brazilsouth",
                "brazilsoutheast",
                "southamerica-east1"
            ]
        );
        let us = names(&resolve("us"));
        assert!(us.contains(&"us-east-1") && us.contains(&"eastus") && us.contains(&"us-central1"));
        assert!(us.contains(&"us-gov-west-1"));
        assert!(!us.contains(&"ca-central-1"));
        assert_eq!(resolve("US").kind, PlaceKind::Group);
    }

    #[test]
    fn wildcards_match_names_and_must_match_something() {
        let eu_star = names(&resolve("eu-*"));
        assert!(
            eu_star.contains(&"eu-west-2"),
            "eu-* is a name pattern: London matches"
        );
        assert!(eu_star.iter().all(|n| n.starts_with("eu-")));
        assert_eq!(
            names(&resolve("*europe")),
            ["northeurope", "westeurope"],
            "a leading star"
        );
        assert_eq!(names(&resolve("uk*")), ["uksouth", "ukwest"]);
        assert_eq!(
            names(&resolve("europe-*2")),
            [
                "europe-central2",
                "europe-north2",
                "europe-west12",
                "europe-west2"
            ]
        );
        assert!(names(&resolve("*-central-*")).contains(&"eu-central-2"));
        assert_eq!(resolve("eu-*").kind, PlaceKind::Wildcard);
        let err = catalogue().resolve("europa-*").unwrap_err();
        assert!(err.contains("\"europa-*\" matches no"), "{err}");
    }

    #[test]
    fn global_and_star_mean_anywhere() {
        assert_eq!(resolve("Global").place, Place::Anywhere);
        assert_eq!(resolve("*").place, Place::Anywhere);
    }

    #[test]
    fn unknown_names_are_refused_with_a_hint() {
        let err = catalogue().resolve("eu-wst-1").unwrap_err();
        assert!(
            err.starts_with("\"eu-wst-1\" is not a known region"),
            "{err}"
        );
        assert!(err.ends_with("(did you mean \"eu-west-1\"?)"), "{err}");
        let err = catalogue().resolve("westeurop").unwrap_err();
        assert!(err.ends_with("(did you mean \"westeurope\"?)"), "{err}");
        let err = catalogue().resolve("Portland HQ").unwrap_err();
        assert!(!err.contains("did you mean"), "{err}");
        // Two-letter codes of countries with no region are not groups.
        assert!(catalogue().resolve("PT").is_err());
    }

    #[test]
    fn wildcard_matching() {
        assert!(wildcard_matches("a*", "abc"));
        assert!(wildcard_matches("*c", "abc"));
        assert!(wildcard_matches("a*c", "abc"));
        assert!(wildcard_matches("a*b*c", "abc"));
        assert!(!wildcard_matches("a*b*c", "acb"));
        assert!(!wildcard_matches("ab*bc", "abc"), "parts may not overlap");
        assert!(wildcard_matches("*", ""));
    }

    #[test]
    fn a_broken_list_is_refused() {
        let bad = "[groups]\nEU = [\"XX\"]\n[aws]\na = { country = \"DE\", place = \"x\" }\n[azure]\n[gcp]\n";
        assert!(Catalogue::parse(bad)
            .unwrap_err()
            .contains("holds no region"));
        let twice = "[groups]\n[aws]\na = { country = \"DE\", place = \"x\" }\n[azure]\na = { country = \"DE\", place = \"x\" }\n[gcp]\n";
        assert!(Catalogue::parse(twice)
            .unwrap_err()
            .contains("listed twice"));
    }
}
