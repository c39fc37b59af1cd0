//! What the reports say about data residency: one line for the board, the policy and a
//! services × regions × data classes table for the auditor, and where a vendor's services
//! hold data for its vendor pack. Each document's residency block is one key of its data
//! (`residency`).

use crate::inputs::{Inputs, Service};
use crate::model::regions::catalogue;
use crate::reconcile::residency::{ResidencyStatus, Verdict};
use crate::reconcile::Reconciliation;
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;

/// Above this many in-scope services the auditor pack lists in full only those outside the
/// policy or with no region, and the rest by region.
pub const MAX_SERVICES_LISTED: usize = 60;

/// The auditor pack's residency section.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AuditorResidency {
    /// A residency policy is set: it, and every service judged under it.
    Judged {
        /// One row per data class the policy names (and its default, if any).
        policy: Vec<PolicyRow>,
        /// Counts of services by verdict, in a sentence.
        summary: String,
        /// True above 60 in-scope services: `services` then lists only those outside the
        /// policy or with no region, and `others` counts the rest by place.
        bounded: bool,
        /// The services listed in full.
        services: Vec<ServiceResidency>,
        /// When `bounded`, the services not listed, counted per place.
        others: Vec<PlaceCount>,
    },
    /// No residency policy is set: `policy` is `null` and there are no other keys.
    NoPolicy {
        /// Always `null`.
        policy: (),
    },
}

/// Where a data class may be held.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PolicyRow {
    /// The data class (`PII`, `PHI`, …) or `any other class (default)`.
    pub class: String,
    /// The allowed places as the policy writes them.
    pub places: String,
    /// How many known regions that allows, e.g. `12 known regions` or `anywhere`.
    pub regions: String,
}

/// Services not listed in full, counted at one place.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlaceCount {
    /// The place as first written.
    pub place: String,
    /// What it stands for, e.g. "AWS, Europe (Ireland)".
    pub meaning: String,
    /// How many services hold data there, as text.
    pub services: String,
    /// The data classes held there, `, `-separated.
    pub classes: String,
}

/// One service: where it holds data, place by place.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ServiceResidency {
    /// The service's name.
    pub service: String,
    /// Its provider.
    pub provider: String,
    /// Its verdict under the policy (e.g. `outside the policy`); empty without a policy.
    pub status: &'static str,
    /// The places it holds data; one place with an empty `place` when it states none.
    pub places: Vec<Place>,
}

/// A place a service holds data.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Place {
    /// The region or place as the workbook writes it; empty when none is stated.
    pub place: String,
    /// What it stands for, or `not a known region` / `no region stated`.
    pub meaning: String,
    /// The data classes held there, each with its verdict.
    pub classes: Vec<ClassVerdict>,
}

/// A data class held at a place.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClassVerdict {
    /// The data class (`PII`, `PHI`, `PCI`, …).
    pub class: &'static str,
    /// `allowed`, `outside` or `not checked`; empty when no policy is set.
    pub verdict: &'static str,
}

/// The vendor pack's "where the data is held".
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorResidency {
    /// True when a residency policy is set (verdicts are then filled in).
    pub policy: bool,
    /// Every in-scope service of the vendor, in sheet order.
    pub services: Vec<ServiceResidency>,
}

fn count(rec: &Reconciliation, status: ResidencyStatus) -> usize {
    rec.residency.iter().filter(|r| r.status == status).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The board report's line, or `None` when no policy is set (nothing was checked).
pub fn board_line(run: &Run, rec: &Reconciliation) -> Option<String> {
    run.residency.as_ref()?;
    let outside = count(rec, ResidencyStatus::Outside);
    let unknown = count(rec, ResidencyStatus::Unknown);
    let within = count(rec, ResidencyStatus::Within);
    let checked = outside + unknown + within;
    let line = if checked == 0 {
        "the policy covers no data held by an in-scope service.".to_string()
    } else if outside + unknown == 0 && within == 1 {
        "the one service the policy covers holds its data where it allows.".to_string()
    } else if outside + unknown == 0 {
        format!("all {within} services the policy covers hold their data where it allows.")
    } else {
        let mut parts = Vec::new();
        if outside > 0 {
            parts.push(format!(
                "{} of {checked} {} the policy covers {} data outside it",
                outside,
                if checked == 1 { "service" } else { "services" },
                if outside == 1 { "holds" } else { "hold" }
            ));
        }
        if unknown > 0 {
            parts.push(format!(
                "{} regulated data in no stated region",
                if unknown == 1 {
                    "1 holds".to_string()
                } else {
                    format!("{unknown} hold")
                }
            ));
        }
        format!("{}.", parts.join("; "))
    };
    Some(line)
}

/// What a written place stands for, for people.
fn meaning(written: &str) -> String {
    catalogue()
        .resolve(written)
        .map(|l| crate::reconcile::residency::meaning(&l))
        .unwrap_or_else(|_| "not a known region".into())
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "allowed",
        Verdict::Outside => "outside",
        Verdict::NotChecked => "not checked",
    }
}

/// One service: where it holds data, place by place, and what is held there — judged
/// under a policy. A service with no region has one place, empty.
fn service_entry(inputs: &Inputs, rec: &Reconciliation, s: usize) -> ServiceResidency {
    let service: &Service = &inputs.services[s];
    let judged = rec.residency.iter().find(|r| r.service == s);
    let unjudged = || -> Vec<ClassVerdict> {
        service
            .data_classes
            .iter()
            .map(|c| ClassVerdict {
                class: c.as_str(),
                verdict: "",
            })
            .collect()
    };
    let places: Vec<Place> = match judged {
        Some(judged) if !judged.places.is_empty() => judged
            .places
            .iter()
            .map(|p| Place {
                place: p.written.clone(),
                meaning: p.meaning.clone(),
                classes: p
                    .classes
                    .iter()
                    .map(|c| ClassVerdict {
                        class: c.class.as_str(),
                        verdict: verdict(c.verdict),
                    })
                    .collect(),
            })
            .collect(),
        _ if service.regions.is_empty() => vec![Place {
            place: String::new(),
            meaning: "no region stated".into(),
            classes: unjudged(),
        }],
        _ => service
            .regions
            .iter()
            .map(|p| Place {
                place: p.clone(),
                meaning: meaning(p),
                classes: unjudged(),
            })
            .collect(),
    };
    ServiceResidency {
        service: service.name.clone(),
        provider: service.provider.clone(),
        status: judged.map(|r| r.status.as_str()).unwrap_or(""),
        places,
    }
}

/// The auditor pack's residency section.
pub fn auditor_section(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> AuditorResidency {
    let Some(policy) = &run.residency else {
        return AuditorResidency::NoPolicy { policy: () };
    };
    let known = catalogue().regions.len();
    let keys = policy
        .classes
        .iter()
        .map(|(c, a)| (c.as_str().to_string(), a))
        .chain(
            policy
                .default
                .iter()
                .map(|a| ("any other class (default)".to_string(), a)),
        );
    let policy_rows: Vec<PolicyRow> = keys
        .map(|(class, allowed)| {
            let regions = (0..known).filter(|&r| allowed.allows_region(r)).count();
            PolicyRow {
                class,
                places: allowed.describe(),
                regions: if regions == known {
                    "anywhere".to_string()
                } else {
                    plural(regions, "known region", "known regions")
                },
            }
        })
        .collect();
    let outside = count(rec, ResidencyStatus::Outside);
    let unknown = count(rec, ResidencyStatus::Unknown);
    let within = count(rec, ResidencyStatus::Within);
    let not_checked = count(rec, ResidencyStatus::NotChecked);
    let summary = format!(
        "{} in scope: {outside} outside the policy, {unknown} with regulated data and no region, {within} within the policy, {not_checked} not checked (the policy covers none of their data classes).",
        plural(rec.residency.len(), "service", "services"),
    );
    let bounded = rec.residency.len() > MAX_SERVICES_LISTED;
    let mut services = Vec::new();
    let mut by_place: std::collections::BTreeMap<String, (String, usize, Vec<&str>)> =
        std::collections::BTreeMap::new();
    for judged in &rec.residency {
        let problem = matches!(
            judged.status,
            ResidencyStatus::Outside | ResidencyStatus::Unknown
        );
        if !bounded || problem {
            services.push(service_entry(inputs, rec, judged.service));
            continue;
        }
        // Bounded: the rest are counted per place, with the classes held there.
        for p in &judged.places {
            let entry = by_place
                .entry(crate::model::regions::normalise(&p.written))
                .or_insert_with(|| (p.written.clone(), 0, Vec::new()));
            entry.1 += 1;
            for c in &p.classes {
                if !entry.2.contains(&c.class.as_str()) {
                    entry.2.push(c.class.as_str());
                }
            }
        }
    }
    AuditorResidency::Judged {
        policy: policy_rows,
        summary,
        bounded,
        services,
        others: by_place
            .into_values()
            .map(|(place, n, classes)| PlaceCount {
                meaning: meaning(&place),
                place,
                services: n.to_string(),
                classes: classes.join(", "),
            })
            .collect(),
    }
}

/// The vendor pack's "where the data is held": every in-scope service of the vendor, each
/// place with what it stands for, judged when a policy is set.
pub fn vendor_section(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    vendor: &str,
) -> VendorResidency {
    let vendor = rec.directory.vendor(vendor);
    VendorResidency {
        policy: run.residency.is_some(),
        services: inputs
            .services
            .iter()
            .enumerate()
            .filter(|(i, s)| s.in_scope && Some(rec.directory.vendor_of_service(*i)) == vendor)
            .map(|(s, _)| service_entry(inputs, rec, s))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Source;
    use crate::inputs::period::Period;
    use crate::inputs::{DataClass, Service};
    use crate::model::{Model, ServiceModel};

    fn service(i: usize, classes: &[DataClass], regions: &[&str]) -> Service {
        Service {
            name: format!("Service {i:03}"),
            provider: "AWS".into(),
            service_model: ServiceModel::Saas,
            service_model_inferred: false,
            data_classes: classes.to_vec(),
            owner: String::new(),
            in_scope: true,
            regions: regions.iter().map(|r| r.to_string()).collect(),
            scope_note: String::new(),
            source: Source {
                file: "book.xlsx".into(),
                sheet: "Services".into(),
                row: i as u32 + 2,
            },
        }
    }

    fn judged(services: Vec<Service>) -> (Run, Inputs, Reconciliation) {
        let policy: crate::model::residency::Policy =
            toml::from_str("PII = [\"EU\"]\nPHI = [\"US\"]\n").unwrap();
        let period = Period::parse("2026-Q3", 1).unwrap();
        let run = Run {
            inputs: Vec::new(),
            as_of: period.end,
            period,
            model: Model::default(),
            organisation: None,
            classification: "INTERNAL".into(),
            templates: None,
            ingest: Default::default(),
            residency: Some(policy),
        };
        let inputs = Inputs {
            services,
            ..Inputs::default()
        };
        let rec = crate::reconcile::reconcile(crate::reconcile::Judgement {
            inputs: &inputs,
            model: &run.model,
            period: &run.period,
            as_of: run.as_of,
            residency: run.residency.as_ref(),
            evidence_files: None,
        });
        (run, inputs, rec)
    }

    #[test]
    fn a_large_estate_lists_problems_in_full_and_counts_the_rest_by_region() {
        let mut services = vec![
            service(0, &[DataClass::Phi], &["eu-west-1"]),
            service(1, &[DataClass::Pii], &[]),
        ];
        for i in 2..MAX_SERVICES_LISTED + 5 {
            let region = if i % 2 == 0 {
                "eu-west-1"
            } else {
                "westeurope"
            };
            services.push(service(i, &[DataClass::Pii], &[region]));
        }
        let (run, inputs, rec) = judged(services);
        let section = serde_json::to_value(auditor_section(&run, &inputs, &rec)).unwrap();
        assert_eq!(section["bounded"], true);
        let listed: Vec<&str> = section["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["service"].as_str().unwrap())
            .collect();
        assert_eq!(listed, ["Service 000", "Service 001"]);
        assert_eq!(section["services"][0]["status"], "outside the policy");
        assert_eq!(
            section["services"][1]["places"][0]["meaning"],
            "no region stated"
        );
        let others = section["others"].as_array().unwrap();
        let per_place: Vec<(&str, &str, &str)> = others
            .iter()
            .map(|o| {
                (
                    o["place"].as_str().unwrap(),
                    o["services"].as_str().unwrap(),
                    o["classes"].as_str().unwrap(),
                )
            })
            .collect();
        let even = (2..MAX_SERVICES_LISTED + 5).filter(|i| i % 2 == 0).count();
        let odd = MAX_SERVICES_LISTED + 3 - even;
        assert_eq!(
            per_place,
            [
                ("eu-west-1", even.to_string().as_str(), "PII"),
                ("westeurope", odd.to_string().as_str(), "PII"),
            ]
        );
        assert_eq!(
            board_line(&run, &rec).unwrap(),
            format!(
                "1 of {} services the policy covers holds data outside it; 1 holds regulated data in no stated region.",
                MAX_SERVICES_LISTED + 5
            )
        );
    }

    /// Without a policy the auditor pack's section is `{"policy": null}` and nothing else,
    /// as templates written before the typed views expect.
    #[test]
    fn without_a_policy_the_sections_say_so() {
        let (mut run, inputs, rec) = judged(vec![service(0, &[DataClass::Pii], &["eu-west-1"])]);
        run.residency = None;
        assert_eq!(
            serde_json::to_string(&auditor_section(&run, &inputs, &rec)).unwrap(),
            r#"{"policy":null}"#
        );
        assert_eq!(board_line(&run, &rec), None);
        let vendor = serde_json::to_value(vendor_section(&run, &inputs, &rec, "aws")).unwrap();
        assert_eq!(vendor["policy"], false);
        assert_eq!(vendor["services"][0]["service"], "Service 000");
    }

    #[test]
    fn a_small_estate_lists_every_service_and_the_board_line_says_all_is_well() {
        let (run, inputs, rec) = judged(vec![
            service(0, &[DataClass::Pii], &["eu-west-1", "EU"]),
            service(1, &[DataClass::Ip], &["us-east-1"]),
        ]);
        let section = serde_json::to_value(auditor_section(&run, &inputs, &rec)).unwrap();
        assert_eq!(section["bounded"], false);
        assert_eq!(section["services"].as_array().unwrap().len(), 2);
        assert_eq!(
            section["services"][0]["places"][1]["classes"][0]["verdict"],
            "allowed"
        );
        assert_eq!(
            section["services"][1]["places"][0]["classes"][0]["verdict"],
            "not checked"
        );
        assert_eq!(
            board_line(&run, &rec).unwrap(),
            "the one service the policy covers holds its data where it allows."
        );
    }
}
