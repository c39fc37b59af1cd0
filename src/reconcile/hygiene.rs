//! Row hygiene: rows that name a control, service or vendor that exists nowhere else
//! (`UNKNOWN_REFERENCE`, one per offending row, never stepped up) and rows that say
//! conflicting things about the same key (`DUPLICATE_ROW`).

use super::index::Index;
use super::{day, Draft};
use crate::findings::{Code, Finding, Source};
use crate::names::key;
use rustc_hash::FxHashMap as HashMap;

pub(super) fn unknown_references(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let unknown = |message: String, remedy: String, source: &Source| {
        Draft::new(Code::UnknownReference, message, remedy).source(source)
    };

    let end = index.judgement.period.end;
    // Rows dated after the period end do not count for the period, in any rule.
    for (i, e) in inputs.evidence.iter().enumerate() {
        if e.collected_on > end {
            continue;
        }
        let (control, known_service) = index.evidence_names(i);
        // One finding per row, naming everything in it that is unknown.
        let unknown_service = e.service.as_ref().filter(|_| known_service.is_none());
        if control.is_none() {
            let draft = match unknown_service {
                None => unknown(
                    format!(
                        "Evidence names control {}, which is not in the catalogue.",
                        e.control_id
                    ),
                    "Correct the control_id, or add the control to the Controls sheet.".into(),
                    &e.source,
                )
                .control(&e.control_id),
                Some(service) => unknown(
                    format!(
                        "Evidence names control {}, which is not in the catalogue, and service {service}, which is not in the Services sheet.",
                        e.control_id
                    ),
                    "Correct the control_id and the service name, or add the control to the Controls sheet and the service to the Services sheet.".into(),
                    &e.source,
                )
                .control(&e.control_id)
                .service(service),
            };
            findings.push(draft.done());
        } else if let Some(service) = &e.service {
            if known_service.is_none() {
                findings.push(
                    unknown(
                        format!("Evidence for {} names service {service}, which is not in the Services sheet.", e.control_id),
                        "Correct the service name, or add the service to the Services sheet.".into(),
                        &e.source,
                    )
                    .control(&e.control_id)
                    .service(service)
                    .done(),
                );
            }
        }
    }

    for (c, control) in inputs.controls.iter().enumerate() {
        if !index.is_primary_control(c) {
            continue;
        }
        if let crate::inputs::Reach::Named(names) = &control.applies_to {
            let missing: Vec<&str> = names
                .iter()
                .filter(|n| index.service(n).is_none())
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                findings.push(
                    unknown(
                        format!(
                            "Control {} applies to {}, not in the Services sheet.",
                            control.id,
                            missing.join(", ")
                        ),
                        "Correct the applies_to names, or add the services to the Services sheet."
                            .into(),
                        &control.source,
                    )
                    .control(&control.id)
                    .done(),
                );
            }
        }
    }

    for a in &inputs.attestations {
        let services = index.services_of(&a.vendor);
        if services.is_empty() {
            findings.push(
                unknown(
                    format!("{} has a {} attestation but provides no service in the Services sheet.", a.vendor, a.kind.as_str()),
                    "Correct the vendor name to match the Services sheet's provider, or add the vendor's services.".into(),
                    &a.source,
                )
                .vendor(&a.vendor)
                .done(),
            );
        } else if let crate::inputs::Reach::Named(names) = &a.services {
            let missing: Vec<&str> = names
                .iter()
                .filter(|n| {
                    !services
                        .iter()
                        .any(|&s| key(&inputs.services[s].name) == key(n))
                })
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                findings.push(
                    unknown(
                        format!(
                            "{}'s {} names {}, not among its services in the Services sheet.",
                            a.vendor,
                            a.kind.as_str(),
                            missing.join(", ")
                        ),
                        "Correct the services names, or add the services under this provider."
                            .into(),
                        &a.source,
                    )
                    .vendor(&a.vendor)
                    .done(),
                );
            }
        }
    }

    for cuec in &inputs.cuecs {
        if index.services_of(&cuec.vendor).is_empty() {
            findings.push(
                unknown(
                    format!(
                        "CUEC {} names vendor {}, which provides no service in the Services sheet.",
                        cuec.cuec_id, cuec.vendor
                    ),
                    "Correct the vendor name to match the Services sheet's provider.".into(),
                    &cuec.source,
                )
                .vendor(&cuec.vendor)
                .cuec(&cuec.cuec_id)
                .done(),
            );
        }
    }
}

pub(super) fn duplicates(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let regulated_in_scope = |name: &str| {
        index
            .service(name)
            .map(|s| &inputs.services[s])
            .is_some_and(|s| s.in_scope && s.is_regulated())
    };
    let out_of_scope = |name: &str| {
        index
            .service(name)
            .is_some_and(|s| !inputs.services[s].in_scope)
    };

    // Services: same name, different facts.
    let mut first: HashMap<String, usize> = HashMap::default();
    for (i, s) in inputs.services.iter().enumerate() {
        let Some(&f) = first.get(&key(&s.name)) else {
            first.insert(key(&s.name), i);
            continue;
        };
        let a = &inputs.services[f];
        let mut differs = Vec::new();
        if key(&a.provider) != key(&s.provider) {
            differs.push("provider");
        }
        if a.service_model != s.service_model {
            differs.push("service_model");
        }
        if a.data_classes != s.data_classes {
            differs.push("data_classes");
        }
        if a.in_scope != s.in_scope {
            differs.push("in_scope");
        }
        if differs.is_empty() || (!a.in_scope && !s.in_scope) {
            continue;
        }
        findings.push(
            duplicate(
                &format!("service {}", a.name),
                &differs,
                &a.source,
                &s.source,
                "the first row is used",
            )
            .service(&a.name)
            .regulated(regulated_in_scope(&a.name))
            .done(),
        );
    }

    // Controls: same id, different definitions.
    let mut first: HashMap<String, usize> = HashMap::default();
    for (i, c) in inputs.controls.iter().enumerate() {
        let Some(&f) = first.get(&key(&c.id)) else {
            first.insert(key(&c.id), i);
            continue;
        };
        let a = &inputs.controls[f];
        let mut differs = Vec::new();
        if a.title != c.title {
            differs.push("title");
        }
        if a.domain != c.domain {
            differs.push("domain");
        }
        if a.frequency != c.frequency {
            differs.push("frequency");
        }
        if a.applies_to != c.applies_to {
            differs.push("applies_to");
        }
        if !differs.is_empty() {
            findings.push(
                duplicate(
                    &format!("control {}", a.id),
                    &differs,
                    &a.source,
                    &c.source,
                    "the first row is used",
                )
                .control(&a.id)
                .done(),
            );
        }
    }

    // Evidence: same control, service and date, different result. The map holds a slot
    // per evidence row (a million at scale): names are numbers here, not strings.
    let mut controls = Numbering::new(inputs.controls.len());
    let mut services = Numbering::new(inputs.services.len());
    let mut first: HashMap<(u32, u32, chrono::NaiveDate), usize> = HashMap::default();
    for (i, e) in inputs.evidence.iter().enumerate() {
        if e.collected_on > index.judgement.period.end {
            continue;
        }
        // The index looked each row's names up once.
        let (control_row, service_row) = index.evidence_names(i);
        let control = controls.number(control_row, &e.control_id);
        let service = match e.service.as_deref() {
            Some(name) => services.number(service_row, name),
            None => u32::MAX,
        };
        let slot = (control, service, e.collected_on);
        let Some(&f) = first.get(&slot) else {
            first.insert(slot, i);
            continue;
        };
        let a = &inputs.evidence[f];
        if a.result == e.result || e.service.as_deref().is_some_and(out_of_scope) {
            continue;
        }
        let subject = format!(
            "evidence of {} for {} on {} ({} vs {})",
            a.control_id,
            a.service.as_deref().unwrap_or("every service"),
            day(a.collected_on),
            a.result.as_str(),
            e.result.as_str()
        );
        let mut draft = duplicate(
            &subject,
            &["result"],
            &a.source,
            &e.source,
            "the lower row decides the result",
        )
        .control(&a.control_id)
        .regulated(e.service.as_deref().is_some_and(regulated_in_scope));
        if let Some(service) = &a.service {
            draft = draft.service(service);
        }
        findings.push(draft.done());
    }

    // Attestations: same vendor, type and issue date, different terms.
    let mut first: HashMap<
        (
            String,
            crate::inputs::AttestationType,
            Option<chrono::NaiveDate>,
        ),
        usize,
    > = HashMap::default();
    for (i, t) in inputs.attestations.iter().enumerate() {
        let slot = (key(&t.vendor), t.kind, t.issued());
        let Some(&f) = first.get(&slot) else {
            first.insert(slot, i);
            continue;
        };
        let a = &inputs.attestations[f];
        let mut differs = Vec::new();
        if a.period_end != t.period_end {
            differs.push("period_end");
        }
        if a.expires_on != t.expires_on {
            differs.push("expires_on");
        }
        if a.opinion != t.opinion {
            differs.push("opinion");
        }
        if a.exceptions != t.exceptions {
            differs.push("exceptions");
        }
        if a.bridge_letter_through != t.bridge_letter_through {
            differs.push("bridge_letter_through");
        }
        if a.services != t.services {
            differs.push("services");
        }
        if a.domains != t.domains {
            differs.push("domains");
        }
        if !differs.is_empty() {
            findings.push(
                duplicate(
                    &format!("{}'s {}", a.vendor, a.kind.as_str()),
                    &differs,
                    &a.source,
                    &t.source,
                    "both rows are used",
                )
                .vendor(&a.vendor)
                .done(),
            );
        }
    }

    // CUECs: same vendor and id, mapped to different controls.
    let mut first: HashMap<(String, String), usize> = HashMap::default();
    for (i, c) in inputs.cuecs.iter().enumerate() {
        let slot = (key(&c.vendor), key(&c.cuec_id));
        let Some(&f) = first.get(&slot) else {
            first.insert(slot, i);
            continue;
        };
        let a = &inputs.cuecs[f];
        if a.mapped_control.as_deref().map(key) != c.mapped_control.as_deref().map(key) {
            findings.push(
                duplicate(
                    &format!("CUEC {} of {}", a.cuec_id, a.vendor),
                    &["mapped_control"],
                    &a.source,
                    &c.source,
                    "both rows are judged",
                )
                .vendor(&a.vendor)
                .cuec(&a.cuec_id)
                .done(),
            );
        }
    }
}

/// Numbers for the names of one kind (controls or services): a known name is its row in
/// the index, an unknown one gets the next number after the rows, the same for every
/// spelling with the same key.
struct Numbering {
    next: u32,
    unknown: HashMap<String, u32>,
}

impl Numbering {
    fn new(rows: usize) -> Numbering {
        Numbering {
            next: u32::try_from(rows).unwrap_or(u32::MAX - 1),
            unknown: HashMap::default(),
        }
    }

    fn number(&mut self, row: Option<usize>, name: &str) -> u32 {
        if let Some(row) = row.and_then(|r| u32::try_from(r).ok()) {
            return row;
        }
        let next = &mut self.next;
        *self.unknown.entry(key(name)).or_insert_with(|| {
            *next = next.saturating_add(1);
            *next - 1
        })
    }
}

fn duplicate(
    subject: &str,
    differs: &[&str],
    first: &Source,
    second: &Source,
    consequence: &str,
) -> Draft {
    Draft::new(
        Code::DuplicateRow,
        format!(
            "Rows {} and {} of {} both describe {subject} but disagree on {}; {consequence}.",
            first.row,
            second.row,
            second.sheet,
            differs.join(", ")
        ),
        "Keep one row with the right values and delete the other.".into(),
    )
    .source(first)
    .source(second)
}
