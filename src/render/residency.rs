//! What the reports say about data residency, as template data: one line for the board,
//! the policy and a services × regions × data classes table for the auditor, and where a
//! vendor's services hold data for its vendor pack. Kept apart from [`super::view`] so that
//! each document's residency block is one key of its data (`residency`).

use crate::inputs::{Inputs, Service};
use crate::model::regions::catalogue;
use crate::reconcile::residency::{ResidencyStatus, Verdict};
use crate::reconcile::Reconciliation;
use crate::Run;
use serde_json::{json, Value};

/// Above this many in-scope services the auditor pack lists in full only those outside the
/// policy or with no region, and the rest by region.
pub const MAX_SERVICES_LISTED: usize = 60;

fn count(rec: &Reconciliation, status: ResidencyStatus) -> usize {
    rec.residency.iter().filter(|r| r.status == status).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The board report's line, or `null` when no policy is set (nothing was checked).
pub fn board_line(run: &Run, rec: &Reconciliation) -> Value {
    if run.residency.is_none() {
        return Value::Null;
    }
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
    json!(line)
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
fn service_entry(inputs: &Inputs, rec: &Reconciliation, s: usize) -> Value {
    let service: &Service = &inputs.services[s];
    let judged = rec.residency.iter().find(|r| r.service == s);
    let unjudged = || -> Vec<Value> {
        service
            .data_classes
            .iter()
            .map(|c| json!({"class": c.as_str(), "verdict": ""}))
            .collect()
    };
    let places: Vec<Value> = match judged {
        Some(judged) if !judged.places.is_empty() => judged
            .places
            .iter()
            .map(|p| {
                json!({
                    "place": p.written,
                    "meaning": p.meaning,
                    "classes": p.classes.iter().map(|c| json!({"class": c.class.as_str(), "verdict": verdict(c.verdict)})).collect::<Vec<_>>(),
                })
            })
            .collect(),
        _ if service.regions.is_empty() => vec![json!({
            "place": "",
            "meaning": "no region stated",
            "classes": unjudged(),
        })],
        _ => service
            .regions
            .iter()
            .map(|p| json!({"place": p, "meaning": meaning(p), "classes": unjudged()}))
            .collect(),
    };
    json!({
        "service": service.name,
        "provider": service.provider,
        "status": judged.map(|r| r.status.as_str()).unwrap_or(""),
        "places": places,
    })
}

/// The auditor pack's residency section.
pub fn auditor_section(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> Value {
    let Some(policy) = &run.residency else {
        return json!({"policy": Value::Null});
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
    let policy_rows: Vec<Value> = keys
        .map(|(class, allowed)| {
            let regions = (0..known).filter(|&r| allowed.allows_region(r)).count();
            json!({
                "class": class,
                "places": allowed.describe(),
                "regions": if regions == known {
                    "anywhere".to_string()
                } else {
                    plural(regions, "known region", "known regions")
                },
            })
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
    json!({
        "policy": policy_rows,
        "summary": summary,
        "bounded": bounded,
        "services": services,
        "others": by_place.into_values().map(|(place, n, classes)| json!({
            "place": place,
            "meaning": meaning(&place),
            "services": n.to_string(),
            "classes": classes.join(", "),
        })).collect::<Vec<_>>(),
    })
}

/// The vendor pack's "where the data is held": every in-scope service of the vendor, each
/// place with what it stands for, judged when a policy is set.
pub fn vendor_section(run: &Run, inputs: &Inputs, rec: &Reconciliation, vendor: &str) -> Value {
    let vendor_key = crate::inputs::names::key(vendor);
    let services: Vec<Value> = inputs
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.in_scope && crate::inputs::names::key(&s.provider) == vendor_key)
        .map(|(s, _)| service_entry(inputs, rec, s))
        .collect();
    json!({
        "policy": run.residency.is_some(),
        "services": services,
    })
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
        let section = auditor_section(&run, &inputs, &rec);
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
            board_line(&run, &rec),
            format!(
                "1 of {} services the policy covers holds data outside it; 1 holds regulated data in no stated region.",
                MAX_SERVICES_LISTED + 5
            )
        );
    }

    #[test]
    fn a_small_estate_lists_every_service_and_the_board_line_says_all_is_well() {
        let (run, inputs, rec) = judged(vec![
            service(0, &[DataClass::Pii], &["eu-west-1", "EU"]),
            service(1, &[DataClass::Ip], &["us-east-1"]),
        ]);
        let section = auditor_section(&run, &inputs, &rec);
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
            board_line(&run, &rec),
            "the one service the policy covers holds its data where it allows."
        );
    }
}
