//! Data residency: where each in-scope service holds each class of its data, judged by the
//! residency policy (`[residency]` in demarc.toml). Always the customer's side of the model:
//! the provider keeps data where the customer puts it.
//!
//! `RESIDENCY_VIOLATION` (one per service): a class held in a region the policy does not
//! allow for it — high, critical when that class is PHI or PCI. `RESIDENCY_UNKNOWN` (one
//! per service): PII, PHI or PCI held, no region stated — medium, never stepped up. Without
//! a policy nothing here runs. The verdict for every service × place × class is kept for
//! the reports.

use super::index::Index;
use super::Draft;
use crate::findings::{Code, Finding};
use crate::inputs::{DataClass, Service};
use crate::model::regions::{catalogue, Location, Place, PlaceKind};
use crate::model::residency::Policy;
use serde::Serialize;

/// What the policy says of one class held at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allowed,
    Outside,
    /// The policy says nothing about this class (no key, no `default`).
    NotChecked,
}

/// One class at one place.
#[derive(Debug, Clone, Serialize)]
pub struct ClassVerdict {
    pub class: DataClass,
    pub verdict: Verdict,
}

/// One entry of a service's `regions` cell, with the verdict for each class it holds.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceVerdict {
    /// As written in the cell.
    pub written: String,
    /// What it stands for: `AWS, Europe (Ireland)`, `group of 40 regions`, `anywhere`.
    pub meaning: String,
    pub classes: Vec<ClassVerdict>,
}

/// Where one in-scope service holds its data, judged.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceResidency {
    /// Index into `inputs.services`.
    pub service: usize,
    pub places: Vec<PlaceVerdict>,
    pub status: ResidencyStatus,
}

/// A service's residency, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidencyStatus {
    /// Some class is held where the policy does not allow it.
    Outside,
    /// Regulated data, no region stated.
    Unknown,
    /// Every class the policy speaks of is held where it allows.
    Within,
    /// The policy speaks of none of its classes, or it holds none.
    NotChecked,
}

impl ResidencyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResidencyStatus::Outside => "outside the policy",
            ResidencyStatus::Unknown => "no region stated",
            ResidencyStatus::Within => "within the policy",
            ResidencyStatus::NotChecked => "not checked",
        }
    }
}

/// What a place stands for, for people: `AWS, Europe (Ireland)`, `group of 40 regions`,
/// `anywhere`.
pub fn meaning(location: &Location) -> String {
    match (&location.place, location.kind) {
        (Place::Anywhere, _) => "anywhere".into(),
        (Place::Regions(list), PlaceKind::Region) => {
            let r = &catalogue().regions[list[0]];
            format!("{}, {}", r.provider, r.place)
        }
        (Place::Regions(list), kind) => format!(
            "{} of {} region{}",
            if kind == PlaceKind::Group {
                "group"
            } else {
                "wildcard"
            },
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        ),
    }
}

/// Judges every in-scope service: its verdicts, and the findings they raise.
pub(super) fn judge(
    index: &Index<'_>,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) -> Vec<ServiceResidency> {
    let services = &index.judgement.inputs.services;
    let mut judged = Vec::new();
    for (s, service) in services.iter().enumerate() {
        if !service.in_scope || !index.is_primary_service(s) {
            continue;
        }
        let judgement = judge_service(s, service, policy);
        if let Some(finding) = finding(service, policy, &judgement) {
            findings.push(finding);
        }
        judged.push(judgement);
    }
    judged
}

fn judge_service(s: usize, service: &Service, policy: &Policy) -> ServiceResidency {
    let places: Vec<PlaceVerdict> = service
        .regions
        .iter()
        .map(|written| {
            // Ingest refused unknown places under a policy; one that still slips through
            // (records built in memory) is judged outside wherever a class is checked.
            let location = catalogue().resolve(written).ok();
            let classes = service
                .data_classes
                .iter()
                .map(|&class| ClassVerdict {
                    class,
                    verdict: match (policy.for_class(class), &location) {
                        (None, _) => Verdict::NotChecked,
                        (Some((allowed, _)), Some(l)) if allowed.allows(l) => Verdict::Allowed,
                        (Some(_), _) => Verdict::Outside,
                    },
                })
                .collect();
            PlaceVerdict {
                written: written.clone(),
                meaning: location
                    .as_ref()
                    .map(meaning)
                    .unwrap_or_else(|| "not a known region".into()),
                classes,
            }
        })
        .collect();
    let verdicts = || places.iter().flat_map(|p| p.classes.iter());
    let status = if verdicts().any(|c| c.verdict == Verdict::Outside) {
        ResidencyStatus::Outside
    } else if service.regions.is_empty() && service.is_regulated() {
        ResidencyStatus::Unknown
    } else if verdicts().any(|c| c.verdict == Verdict::Allowed) {
        ResidencyStatus::Within
    } else {
        ResidencyStatus::NotChecked
    };
    ServiceResidency {
        service: s,
        places,
        status,
    }
}

fn finding(service: &Service, policy: &Policy, judged: &ServiceResidency) -> Option<Finding> {
    match judged.status {
        ResidencyStatus::Outside => {
            // Class by class, in catalogue order: where it is held outside the policy.
            let mut parts = Vec::new();
            let mut severe = false;
            for class in DataClass::ALL {
                let outside: Vec<&str> = judged
                    .places
                    .iter()
                    .filter(|p| {
                        p.classes
                            .iter()
                            .any(|c| c.class == class && c.verdict == Verdict::Outside)
                    })
                    .map(|p| p.written.as_str())
                    .collect();
                if outside.is_empty() {
                    continue;
                }
                severe |= matches!(class, DataClass::Phi | DataClass::Pci);
                let allowed = policy
                    .for_class(class)
                    .map(|(a, _)| a.describe())
                    .unwrap_or_default();
                parts.push(format!(
                    "{} in {} (allowed: {allowed})",
                    class.as_str(),
                    outside.join(", ")
                ));
            }
            Some(
                Draft::new(
                    Code::ResidencyViolation,
                    format!(
                        "{} holds data where the residency policy does not allow it: {}.",
                        service.name,
                        parts.join("; ")
                    ),
                    "Move the data to a region the policy allows (or stop keeping that class in this service); if the policy is what is wrong, change [residency] in demarc.toml. Where data lives is the customer's decision under GDPR, LGPD, CCPA and similar laws, whatever the provider attests.".into(),
                )
                .regulated(severe)
                .service(&service.name)
                .source(&service.source)
                .done(),
            )
        }
        ResidencyStatus::Unknown => {
            let regulated: Vec<&str> = service
                .data_classes
                .iter()
                .filter(|c| c.is_regulated())
                .map(|c| c.as_str())
                .collect();
            Some(
                Draft::new(
                    Code::ResidencyUnknown,
                    format!(
                        "{} holds {} but names no region: where that data lives cannot be checked against the residency policy.",
                        service.name,
                        crate::inputs::names::and_list(&regulated)
                    ),
                    "Fill in the service's regions cell: the provider's region names (eu-west-1, westeurope), a group (EU, US) or global.".into(),
                )
                .service(&service.name)
                .source(&service.source)
                .done(),
            )
        }
        ResidencyStatus::Within | ResidencyStatus::NotChecked => None,
    }
}
