//! The relationship with each vendor (Vendors sheet): the agreements regulated data needs
//! — a HIPAA business associate agreement for PHI, a data processing agreement for PII —
//! and the periodic review. Judged as at the period end, and only when the inputs have a
//! Vendors sheet: without one the facts were not given, which is not the same as a vendor
//! without a BAA.
//!
//! Only vendors the organisation assesses are judged: providers of in-scope services
//! other than On-prem ones, as for the vendor packs.

use super::index::Index;
use super::{day, Draft};
use crate::findings::{Code, Finding};
use crate::inputs::{DataClass, Service, VendorRecord};
use crate::model::ServiceModel;

/// A service the organisation holds a vendor to account for.
fn assessed(service: &Service) -> bool {
    service.in_scope && service.service_model != ServiceModel::OnPrem
}

pub(super) fn judge(index: &Index<'_>, findings: &mut Vec<Finding>) {
    if index.judgement.inputs.vendors_absent {
        return;
    }
    agreements(index, findings);
    reviews(index, findings);
}

/// One agreement regulated data needs: the class, the code raised without it, and how
/// messages name it.
struct Agreement {
    class: DataClass,
    code: Code,
    name: &'static str,
    short: &'static str,
    column: &'static str,
    signed: fn(&VendorRecord) -> Option<chrono::NaiveDate>,
}

const AGREEMENTS: [Agreement; 2] = [
    Agreement {
        class: DataClass::Phi,
        code: Code::BaaMissing,
        name: "business associate agreement (BAA)",
        short: "BAA",
        column: "baa_signed_on",
        signed: |r| r.baa_signed_on,
    },
    Agreement {
        class: DataClass::Pii,
        code: Code::DpaMissing,
        name: "data processing agreement (DPA)",
        short: "DPA",
        column: "dpa_signed_on",
        signed: |r| r.dpa_signed_on,
    },
];

/// `BAA_MISSING` and `DPA_MISSING`: one per service holding the class whose vendor has no
/// agreement signed on or before the period end.
fn agreements(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let end = index.judgement.period.end;
    let directory = index.directory;
    for (s, service) in inputs.services.iter().enumerate() {
        if !assessed(service) || !index.is_primary_service(s) {
            continue;
        }
        let record = directory
            .vendor_record(directory.vendor_of_service(s))
            .map(|r| &inputs.vendors[r]);
        let vendor = &service.provider;
        for agreement in &AGREEMENTS {
            if !service.data_classes.contains(&agreement.class) {
                continue;
            }
            let signed = record.and_then(agreement.signed);
            if signed.is_some_and(|on| on <= end) {
                continue;
            }
            let (name, short, column) = (agreement.name, agreement.short, agreement.column);
            let class = agreement.class.as_str();
            let (state, remedy) = match (record, signed) {
                (None, _) => (
                    format!("{vendor} has no row on the Vendors sheet, so no {name} with it is recorded"),
                    format!("Sign a {short} with {vendor}, then add a Vendors row for {vendor} with the date in {column}."),
                ),
                (Some(_), None) => (
                    format!("the Vendors sheet records no {name} with {vendor} ({column} is blank)"),
                    format!("Sign a {short} with {vendor} and record the date in {column} on the Vendors sheet."),
                ),
                (Some(_), Some(on)) => (
                    format!(
                        "{vendor}'s {short} was signed on {}, after the period end {}",
                        day(on),
                        day(end)
                    ),
                    format!("Nothing to sign: the {short} is in place from {}; the finding clears next period.", day(on)),
                ),
            };
            let mut draft = Draft::new(
                agreement.code,
                format!("{} holds {class}, and {state}.", service.name),
                remedy,
            )
            .service(&service.name)
            .vendor(vendor)
            .source(&service.source);
            if let Some(record) = record {
                draft = draft.source(&record.source);
            }
            findings.push(draft.done());
        }
    }
}

/// `VENDOR_REVIEW_OVERDUE`: one per assessed vendor whose next review fell due before the
/// period end.
fn reviews(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let end = index.judgement.period.end;
    let directory = index.directory;
    for (i, record) in inputs.vendors.iter().enumerate() {
        let Some(vendor) = directory.vendor(&record.vendor) else {
            continue;
        };
        // A later row for the same vendor is a duplicate (hygiene): the first one counts.
        if directory.vendor_record(vendor) != Some(i) {
            continue;
        }
        let Some(due) = record.next_review_due.filter(|due| *due < end) else {
            continue;
        };
        let services: Vec<&Service> = directory
            .services_of(vendor)
            .iter()
            .map(|&s| &inputs.services[s])
            .filter(|s| assessed(s))
            .collect();
        let Some(first) = services.first() else {
            continue;
        };
        let name = &first.provider;
        let reviewer = if record.reviewer.is_empty() {
            String::new()
        } else {
            format!(" (reviewer: {})", record.reviewer)
        };
        findings.push(
            Draft::new(
                Code::VendorReviewOverdue,
                format!(
                    "The review of {name} was due on {}, before the period end {}{reviewer}.",
                    day(due),
                    day(end)
                ),
                format!("Review {name}, record the outcome and set next_review_due on the Vendors sheet to the next date."),
            )
            .regulated(services.iter().any(|s| s.is_regulated()))
            .vendor(name)
            .source(&record.source)
            .done(),
        );
    }
}
