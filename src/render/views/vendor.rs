//! A vendor pack's data (`vendor-pack.typ.hbs`, one PDF per vendor): the vendor's
//! in-scope services and their responsibility split, its attestations, its CUECs with the
//! customer's evidence, its findings, residency, its own questionnaires, and a one-line
//! verdict.

use super::questionnaire::{CaiqView, FedrampView};
use super::residency::VendorResidency;
use super::{cell_status, service_marks, AttestationView, CellView, FindingView, Mark, Meta};
use crate::findings::{Code, Finding};
use crate::inputs::directory::{Directory, VendorId};
use crate::inputs::{Inputs, Service};
use crate::reconcile::{CellStatus, ControlStatus, Reconciliation};
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

/// Above this many services a vendor pack shows one matrix (a row per service, a mark per
/// domain) instead of a table per service.
pub const VENDOR_PACK_FOLD_SERVICES: usize = 3;

/// Everything `vendor-pack.typ.hbs` reads, for one vendor.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorPack {
    /// The run: organisation, period, dates, version.
    pub meta: Meta,
    /// The vendor, as the Services sheet first names it.
    pub vendor: String,
    /// The verdict in one line: assurance, then CUECs, questionnaires and the customer's
    /// own gaps, `; `-separated.
    pub verdict: String,
    /// The vendor's in-scope services, in sheet order.
    pub services: Vec<VendorService>,
    /// True above 3 services: show one matrix of `marks` instead of a table per service.
    pub services_folded: bool,
    /// The model's domains in order: the folded matrix's columns.
    pub domain_names: Vec<String>,
    /// The vendor's attestations on file.
    pub attestations: Vec<AttestationView>,
    /// The vendor's CUECs, each with the customer's evidence for its mapped control.
    pub cuecs: Vec<VendorCuec>,
    /// Findings about the vendor or its services, most severe first.
    pub findings: Vec<FindingView>,
    /// Where the vendor's services hold data.
    pub residency: VendorResidency,
    /// The vendor's CAIQ questionnaire; `null` when it sent none.
    pub caiq: Option<CaiqView>,
    /// The provider's FedRAMP CIS/CRM workbook; `null` when it sent none.
    pub fedramp: Option<FedrampView>,
    /// What the Vendors sheet says of the relationship: tier, contract, agreements, review.
    pub relationship: Relationship,
}

/// The vendor's row on the Vendors sheet, as the pack shows it. Dates are ISO; a blank
/// cell is `""`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Relationship {
    /// False when the inputs have no Vendors sheet: the facts below were not given.
    pub given: bool,
    /// False when the sheet has no row for this vendor.
    pub recorded: bool,
    /// `critical`, `high`, `medium` or `low`.
    pub tier: String,
    pub contract_end: String,
    /// When the data processing agreement was signed.
    pub dpa_signed_on: String,
    /// When the HIPAA business associate agreement was signed.
    pub baa_signed_on: String,
    pub next_review_due: String,
    pub reviewer: String,
    /// The row read, `file: Vendors!7`.
    pub source: String,
}

/// The vendor's relationship facts (its first Vendors row).
fn relationship(inputs: &Inputs, directory: &Directory, vendor: Option<VendorId>) -> Relationship {
    if inputs.vendors_absent {
        return Relationship::default();
    }
    let Some(record) = vendor
        .and_then(|v| directory.vendor_record(v))
        .map(|r| &inputs.vendors[r])
    else {
        return Relationship {
            given: true,
            ..Relationship::default()
        };
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    Relationship {
        given: true,
        recorded: true,
        tier: record
            .tier
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        contract_end: date(record.contract_end),
        dpa_signed_on: date(record.dpa_signed_on),
        baa_signed_on: date(record.baa_signed_on),
        next_review_due: date(record.next_review_due),
        reviewer: record.reviewer.clone(),
        source: record.source.to_string(),
    }
}

/// One of the vendor's services and its cells.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorService {
    /// The service's name.
    pub name: String,
    /// Its service model (`SaaS`, `PaaS`, `IaaS`).
    pub model: &'static str,
    /// Its data classes, `, `-separated.
    pub data_classes: String,
    /// Its regions, `, `-separated.
    pub regions: String,
    /// Its cells, one per domain.
    pub cells: Vec<CellView>,
    /// One mark per model domain, for the folded matrix.
    pub marks: Vec<Mark>,
}

/// A CUEC of the vendor's.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorCuec {
    /// The CUEC's id.
    pub id: String,
    /// What the customer must do.
    pub description: String,
    /// The customer's control it is mapped to; empty when unmapped.
    pub control: String,
    /// The newest evidence per service of this vendor for that control, as
    /// `service: date result (status)`, `; `-separated.
    pub evidence: String,
    /// Its finding's code, or `evidenced`.
    pub status: &'static str,
}

/// The vendors that get a pack: providers of in-scope services other than On-prem ones
/// (an organisation does not assess itself as a vendor), in sheet order.
pub fn pack_vendors(inputs: &Inputs, directory: &Directory) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    inputs
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.in_scope && s.service_model != crate::model::ServiceModel::OnPrem)
        .filter(|(i, _)| seen.insert(directory.vendor_of_service(*i)))
        .map(|(_, s)| s.provider.clone())
        .collect()
}

/// The one-line verdict: assurance first, then what else needs the reader.
fn verdict(findings: &[&Finding]) -> String {
    let count = |code: Code| findings.iter().filter(|f| f.code == code).count();
    let assurance = if count(Code::AttestationMissing) > 0 {
        "No attestation on file"
    } else if count(Code::AttestationGap) + count(Code::AttestationExpired) > 0 {
        "Assurance lapsed for part of the services"
    } else if count(Code::AttestationScope) > 0 {
        "Assurance does not cover every service and domain"
    } else if count(Code::OpinionModified) > 0 {
        "Assurance current, with a modified opinion"
    } else {
        "Assurance current"
    };
    let mut verdict = vec![assurance.to_string()];
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if count(Code::CuecUnevidenced) > 0 {
        verdict.push(plural(
            count(Code::CuecUnevidenced),
            "CUEC unevidenced",
            "CUECs unevidenced",
        ));
    }
    if count(Code::CuecUnmapped) > 0 {
        verdict.push(plural(
            count(Code::CuecUnmapped),
            "CUEC unmapped",
            "CUECs unmapped",
        ));
    }
    if count(Code::AttestationExpiring) > 0 {
        verdict.push("a certificate expires within 90 days".into());
    }
    // What the vendor's own questionnaires say.
    for (code, one, many) in [
        (
            Code::ResponsibilityDrift,
            "responsibility drift",
            "responsibility drifts",
        ),
        (
            Code::VendorControlGap,
            "control gap it admits",
            "control gaps it admits",
        ),
        (
            Code::OriginationMismatch,
            "CIS/CRM mismatch",
            "CIS/CRM mismatches",
        ),
    ] {
        if count(code) > 0 {
            verdict.push(plural(count(code), one, many));
        }
    }
    let customer_side = findings
        .iter()
        .filter(|f| f.code.side() == crate::findings::Side::Customer)
        .count();
    if customer_side > 0 {
        verdict.push(plural(customer_side, "gap on our side", "gaps on our side"));
    }
    verdict.join("; ")
}

/// The vendor's CUECs, each with the customer's newest evidence for its mapped control
/// from the services in this pack.
fn cuec_views(
    inputs: &Inputs,
    rec: &Reconciliation,
    vendor: VendorId,
    in_this_pack: &[bool],
    findings: &[&Finding],
) -> Vec<VendorCuec> {
    let mut statuses_of: HashMap<usize, Vec<&ControlStatus>> = HashMap::new();
    for st in &rec.control_status {
        if in_this_pack[st.service] {
            statuses_of.entry(st.control).or_default().push(st);
        }
    }
    let directory = &rec.directory;
    inputs
        .cuecs
        .iter()
        .enumerate()
        .filter(|(i, _)| directory.vendor_of_cuec(*i) == vendor)
        .map(|(i, cuec)| {
            let finding = findings.iter().find(|f| {
                f.cuec_id.as_deref() == Some(cuec.cuec_id.as_str())
                    && f.sources.first() == Some(&cuec.source)
            });
            let evidence: Vec<String> = directory
                .control_of_cuec(i)
                .map(|c| {
                    statuses_of
                        .get(&c)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|st| {
                            let service = &inputs.services[st.service].name;
                            match st.newest().map(|e| &inputs.evidence[e]) {
                                Some(e) => format!(
                                    "{service}: {} {} ({})",
                                    e.collected_on,
                                    e.result.as_str(),
                                    st.label(&inputs.evidence)
                                ),
                                None => format!("{service}: no evidence"),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            VendorCuec {
                id: cuec.cuec_id.clone(),
                description: cuec.description.clone(),
                control: cuec.mapped_control.clone().unwrap_or_default(),
                evidence: evidence.join("; "),
                status: finding.map(|f| f.code.as_str()).unwrap_or("evidenced"),
            }
        })
        .collect()
}

/// Which service rows a vendor's pack covers: its in-scope services, duplicates of a row
/// counting as it.
fn pack_services(inputs: &Inputs, directory: &Directory, vendor: Option<VendorId>) -> Vec<bool> {
    let mut covered = vec![false; inputs.services.len()];
    for (i, s) in inputs.services.iter().enumerate() {
        if s.in_scope && Some(directory.vendor_of_service(i)) == vendor {
            covered[directory.primary_service(i)] = true;
        }
    }
    (0..inputs.services.len())
        .map(|i| covered[directory.primary_service(i)])
        .collect()
}

/// The findings a vendor's pack shows: those naming the vendor itself or one of the
/// services the pack covers, in the findings' order.
fn pack_findings<'a>(
    rec: &'a Reconciliation,
    vendor: Option<VendorId>,
    in_this_pack: &[bool],
) -> Vec<&'a Finding> {
    rec.findings
        .iter()
        .zip(&rec.subjects)
        .filter(|(_, subject)| {
            (subject.vendor.is_some() && subject.vendor == vendor)
                || subject.service.is_some_and(|s| in_this_pack[s])
        })
        .map(|(f, _)| f)
        .collect()
}

/// The findings of a vendor's pack (see [`vendor_pack`]), for other documents about the
/// vendor (its follow-up questions workbook).
pub fn vendor_findings<'a>(
    inputs: &Inputs,
    rec: &'a Reconciliation,
    vendor: &str,
) -> Vec<&'a Finding> {
    let vendor_id = rec.directory.vendor(vendor);
    let in_this_pack = pack_services(inputs, &rec.directory, vendor_id);
    pack_findings(rec, vendor_id, &in_this_pack)
}

/// Builds one vendor's pack data.
pub fn vendor_pack(run: &Run, inputs: &Inputs, rec: &Reconciliation, vendor: &str) -> VendorPack {
    let directory = &rec.directory;
    let vendor_id = directory.vendor(vendor);
    let services: Vec<(usize, &Service)> = inputs
        .services
        .iter()
        .enumerate()
        .filter(|(i, s)| s.in_scope && Some(directory.vendor_of_service(*i)) == vendor_id)
        .collect();
    let in_this_pack = pack_services(inputs, directory, vendor_id);
    let findings = pack_findings(rec, vendor_id, &in_this_pack);
    let domain_names: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    let service_rows = services
        .iter()
        .map(|&(i, s)| {
            let row = directory.primary_service(i);
            let own: Vec<&CellStatus> = rec.cells.iter().filter(|c| c.service_row == row).collect();
            VendorService {
                name: s.name.clone(),
                model: s.service_model.as_str(),
                data_classes: s
                    .data_classes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                regions: s.regions.join(", "),
                cells: own
                    .iter()
                    .map(|c| CellView {
                        domain: c.domain.clone(),
                        owner: c.owner.as_str().to_string(),
                        status: cell_status(c),
                        worst: super::worst(c),
                    })
                    .collect(),
                marks: service_marks(&domain_names, own.into_iter()),
            }
        })
        .collect();
    VendorPack {
        meta: Meta::of(run),
        vendor: vendor.to_string(),
        verdict: verdict(&findings),
        services: service_rows,
        services_folded: services.len() > VENDOR_PACK_FOLD_SERVICES,
        domain_names: domain_names.iter().map(|d| d.to_string()).collect(),
        attestations: inputs
            .attestations
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(directory.vendor_of_attestation(*i)) == vendor_id)
            .map(|(i, a)| {
                AttestationView::of(a, &run.period, rec.current_attestations.contains(&i))
            })
            .collect(),
        cuecs: match vendor_id {
            Some(vendor_id) => cuec_views(inputs, rec, vendor_id, &in_this_pack, &findings),
            None => Vec::new(),
        },
        findings: findings.iter().map(|f| FindingView::of(f)).collect(),
        residency: super::residency::vendor_section(run, inputs, rec, vendor),
        caiq: super::questionnaire::caiq(run, inputs, &findings, vendor),
        fedramp: super::questionnaire::fedramp(run, inputs, &findings, vendor),
        relationship: relationship(inputs, directory, vendor_id),
    }
}
