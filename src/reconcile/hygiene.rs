//! Row hygiene: rows that name a control, service or vendor that exists nowhere else
//! (`UNKNOWN_REFERENCE`, one per offending row, never stepped up) and rows that say
//! conflicting things about the same key (`DUPLICATE_ROW`).

use super::index::Index;
use super::{day, Draft};
use crate::findings::{Code, Finding, Source};
use crate::inputs::names::key;
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

    for record in &inputs.vendors {
        if index.services_of(&record.vendor).is_empty() {
            findings.push(
                unknown(
                    format!(
                        "The Vendors sheet has a row for {}, which provides no service in the Services sheet.",
                        record.vendor
                    ),
                    "Correct the vendor name to match the Services sheet's provider, or remove the row.".into(),
                    &record.source,
                )
                .vendor(&record.vendor)
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
    for_each_repeat(
        &inputs.services,
        |s| Some(key(&s.name)),
        |a, s| {
            let differs = differing(&[
                ("provider", key(&a.provider) != key(&s.provider)),
                ("service_model", a.service_model != s.service_model),
                ("data_classes", a.data_classes != s.data_classes),
                ("in_scope", a.in_scope != s.in_scope),
            ]);
            if differs.is_empty() || (!a.in_scope && !s.in_scope) {
                return;
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
        },
    );

    // Controls: same id, different definitions.
    for_each_repeat(
        &inputs.controls,
        |c| Some(key(&c.id)),
        |a, c| {
            let differs = differing(&[
                ("title", a.title != c.title),
                ("domain", a.domain != c.domain),
                ("frequency", a.frequency != c.frequency),
                ("applies_to", a.applies_to != c.applies_to),
            ]);
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
        },
    );

    // Evidence: same control, service and date, different result. The map holds a slot
    // per evidence row (a million at scale): names are numbers here, not strings, and the
    // index looked each row's names up once.
    let mut controls = Numbering::new(inputs.controls.len());
    let mut services = Numbering::new(inputs.services.len());
    let end = index.judgement.period.end;
    let mut row = 0;
    for_each_repeat(
        &inputs.evidence,
        |e| {
            let i = row;
            row += 1;
            if e.collected_on > end {
                return None;
            }
            let (control_row, service_row) = index.evidence_names(i);
            let control = controls.number(control_row, &e.control_id);
            let service = match e.service.as_deref() {
                Some(name) => services.number(service_row, name),
                None => u32::MAX,
            };
            Some((control, service, e.collected_on))
        },
        |a, e| {
            if a.result == e.result || e.service.as_deref().is_some_and(out_of_scope) {
                return;
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
        },
    );

    // Attestations: same vendor, type and issue date, different terms.
    for_each_repeat(
        &inputs.attestations,
        |t| Some((key(&t.vendor), t.kind, t.issued())),
        |a, t| {
            let differs = differing(&[
                ("period_end", a.period_end != t.period_end),
                ("expires_on", a.expires_on != t.expires_on),
                ("opinion", a.opinion != t.opinion),
                ("exceptions", a.exceptions != t.exceptions),
                (
                    "bridge_letter_through",
                    a.bridge_letter_through != t.bridge_letter_through,
                ),
                ("services", a.services != t.services),
                ("domains", a.domains != t.domains),
            ]);
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
        },
    );

    // Vendors: the same vendor twice, with different facts.
    for_each_repeat(
        &inputs.vendors,
        |v| Some(key(&v.vendor)),
        |a, v| {
            let differs = differing(&[
                ("tier", a.tier != v.tier),
                ("contract_end", a.contract_end != v.contract_end),
                ("dpa_signed_on", a.dpa_signed_on != v.dpa_signed_on),
                ("baa_signed_on", a.baa_signed_on != v.baa_signed_on),
                ("next_review_due", a.next_review_due != v.next_review_due),
            ]);
            if !differs.is_empty() {
                findings.push(
                    duplicate(
                        &format!("vendor {}", a.vendor),
                        &differs,
                        &a.source,
                        &v.source,
                        "the first row is used",
                    )
                    .vendor(&a.vendor)
                    .done(),
                );
            }
        },
    );

    // CUECs: same vendor and id, mapped to different controls.
    for_each_repeat(
        &inputs.cuecs,
        |c| Some((key(&c.vendor), key(&c.cuec_id))),
        |a, c| {
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
        },
    );
}

/// The one shape of every duplicate check: walks `rows` in order and calls
/// `repeat(first, later)` for each row whose key an earlier row already has (a row keyed
/// `None` takes no part). The first row with a key is the one every later row is compared
/// with.
fn for_each_repeat<'a, T, K: std::hash::Hash + Eq>(
    rows: &'a [T],
    mut key_of: impl FnMut(&'a T) -> Option<K>,
    mut repeat: impl FnMut(&'a T, &'a T),
) {
    let mut first: HashMap<K, usize> = HashMap::default();
    for (i, row) in rows.iter().enumerate() {
        let Some(key) = key_of(row) else {
            continue;
        };
        match first.get(&key) {
            Some(&f) => repeat(&rows[f], row),
            None => {
                first.insert(key, i);
            }
        }
    }
}

/// The names of the fields that differ, in the order given.
fn differing<'n>(fields: &[(&'n str, bool)]) -> Vec<&'n str> {
    fields
        .iter()
        .filter(|(_, differs)| *differs)
        .map(|(name, _)| *name)
        .collect()
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
