//! A vendor pack's data (`vendor-pack.typ.hbs`, one PDF per vendor): the vendor's
//! in-scope services and their responsibility split, its attestations, its CUECs with the
//! customer's evidence, its findings, residency, its own questionnaires, and a one-line
//! verdict.

use super::questionnaire::{CaiqView, FedrampView};
use super::residency::VendorResidency;
use super::{cell_status, service_marks, AttestationView, CellView, Mark, Meta};
use crate::findings::{Code, Finding, Severity};
use crate::inputs::directory::{Directory, VendorId};
use crate::inputs::{Inputs, Service};
use crate::reconcile::{CellStatus, ControlStatus, Reconciliation};
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

/// Up to this many findings a vendor pack gives each its message and remedy.
pub const VENDOR_DETAILED_FINDINGS: usize = 40;

/// A vendor pack lists at most this many findings of one code (and severity), and this
/// many in all: the pack stays within twelve pages whatever the vendor's size; the rest
/// are counted, and every one is in the follow-up questions and the auditor workbook.
pub const VENDOR_FINDINGS_PER_CODE: usize = 40;
pub const VENDOR_FINDINGS_LISTED: usize = 240;

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
    /// The follow-up questions workbook written beside the pack (`Okta-questions.xlsx`);
    /// empty when the vendor has nothing to answer and none is written, so that the pack
    /// never points to a file that is not there. Set by the renderer, which decides.
    pub questions_file: String,
    /// The verdict, worst first: its colour and headline come from the vendor's worst
    /// open finding, its reasons follow one per line.
    pub verdict: Verdict,
    /// Each current SOC report (or other attestation) reviewed as an analyst reads it.
    pub reviews: Vec<ReportReview>,
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
    /// Findings about the vendor or its services, worst first, grouped by code and then
    /// service (or control family for its questionnaires), at most 40 lines per code.
    pub findings: Vec<super::findings::SeverityFindings>,
    /// Findings about the vendor or its services, in all.
    pub findings_total: usize,
    /// True when they are few enough to list each with its message.
    pub findings_detailed: bool,
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

/// A vendor's verdict.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Verdict {
    /// The worst open finding's severity (`critical` … `info`), or `ok` when there is none:
    /// the colour the verdict is set in.
    pub level: &'static str,
    /// One line, worst first: "Not acceptable as it stands: 2 critical findings".
    pub headline: String,
    /// Why, one line each, worst first: each kind of finding with its count, then the
    /// state of the vendor's assurance.
    pub reasons: Vec<String>,
}

/// A current attestation as an analyst reviews it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportReview {
    /// Its kind, e.g. `SOC 2 Type II`.
    pub kind: &'static str,
    /// The audit firm, or `not stated`.
    pub auditor: String,
    /// The audit period or, for a certificate, its issue and expiry.
    pub period: String,
    /// The opinion, or `not stated`.
    pub opinion: String,
    /// Exceptions the report lists, with the notes on them; empty when none.
    pub exceptions: String,
    /// The bridge letter and how much of the reporting period the report covers.
    pub coverage: String,
    /// When the next report or certificate is due.
    pub next_due: String,
    /// The subservice organisations it names and how it treats them; empty when none.
    pub subservice: String,
    /// Its row in the workbook.
    pub source: String,
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
    /// Under `model = "providers"`: the provider's own split that decided its cells;
    /// `null` under any other model.
    pub split: Option<super::ProfileSplit>,
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
    /// `services: date result (status)`, `; `-separated, services whose evidence reads
    /// alike sharing one entry; or, when the CUEC is not assessed, why.
    pub evidence: String,
    /// Its finding's code; `evidenced`; or `not assessed` when its control applies to none
    /// of the vendor's services in scope.
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

/// The verdict: the worst open finding sets its colour and headline, so it never reads
/// well beside a critical or high finding about the vendor's services; the reasons are
/// each kind of finding, worst first, then the state of the vendor's assurance in words
/// that claim nothing the findings contradict.
fn verdict(findings: &[&Finding], reviews: &[ReportReview]) -> Verdict {
    let worst = findings.iter().map(|f| f.severity).max();
    let at = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let headline = match worst {
        None => "Acceptable: no open findings about this vendor or its services".to_string(),
        Some(Severity::Critical) => format!(
            "Not acceptable as it stands: {}",
            plural(
                at(Severity::Critical),
                "critical finding",
                "critical findings"
            )
        ),
        Some(Severity::High) => format!(
            "Action needed before relying on this vendor: {}",
            plural(at(Severity::High), "high finding", "high findings")
        ),
        Some(Severity::Medium) => format!(
            "Acceptable with follow-up: {}",
            plural(at(Severity::Medium), "medium finding", "medium findings")
        ),
        Some(s) => format!("Acceptable: only {} and informational findings", s.as_str()),
    };
    // Each (severity, code), worst first, in catalogue order within a severity.
    let mut kinds: Vec<(Severity, Code, usize)> = Vec::new();
    for f in findings {
        match kinds
            .iter_mut()
            .find(|(s, c, _)| *s == f.severity && *c == f.code)
        {
            Some(kind) => kind.2 += 1,
            None => kinds.push((f.severity, f.code, 1)),
        }
    }
    kinds.sort_by_key(|&(s, c, _)| (std::cmp::Reverse(s), c));
    let mut reasons: Vec<String> = kinds
        .iter()
        .map(|&(s, code, n)| {
            format!(
                "{} · {n} × {} ({})",
                s.as_str(),
                code.title(),
                code.as_str()
            )
        })
        .collect();
    let serious = worst.is_some_and(|w| w >= Severity::High);
    reasons.push(match reviews {
        [] => "No current attestation from this vendor is on file.".to_string(),
        _ if serious => format!(
            "Attestations on file: {} (see the review below; they do not outweigh the findings above).",
            reviews.iter().map(|r| r.kind).collect::<Vec<_>>().join(", ")
        ),
        _ => format!(
            "Attestations on file cover the period end: {}.",
            reviews.iter().map(|r| r.kind).collect::<Vec<_>>().join(", ")
        ),
    });
    Verdict {
        level: worst.map(Severity::as_str).unwrap_or("ok"),
        headline,
        reasons,
    }
}

/// When the next attestation is due, and what to ask for. Coverage that ended before the
/// period end, or ends next quarter, is said first: advising to wait for a report whose
/// period ends next year read as comfort for a vendor already uncovered.
fn next_due(a: &crate::inputs::Attestation, period: &crate::inputs::period::Period) -> String {
    let (_, next_quarter_end) = super::summary::next_quarter(period);
    let through = a.covered_through();
    if a.kind.is_certificate() {
        return match a.expires_on {
            Some(e) if e < period.end => {
                format!("overdue: the certificate expired on {e}, before the period end; ask for the renewed certificate now")
            }
            Some(e) if e <= next_quarter_end => {
                format!("renewal due next quarter: the certificate expires on {e}; ask for the renewed certificate before then")
            }
            Some(e) => format!("renewal before the certificate expires on {e}"),
            None => "not stated (no expiry date)".into(),
        };
    }
    let Some(end) = a.period_end else {
        return "not stated (no period end)".into();
    };
    let next = end
        .checked_add_months(chrono::Months::new(12))
        .unwrap_or(end);
    match through {
        Some(t) if t < period.end => format!(
            "overdue: coverage ended on {t}, before the period end; ask now for a bridge letter to date, and for the next report (its period would end {next})"
        ),
        Some(t) if t <= next_quarter_end => format!(
            "coverage ends on {t}, next quarter; ask for a bridge letter beyond it, or the next report (its period would end {next})"
        ),
        _ => format!(
            "the next report's period ends {next}; ask for the report, or a bridge letter, soon after"
        ),
    }
}

/// Each current attestation of the vendor, reviewed: firm, period, opinion, exceptions,
/// bridge, coverage, the next one's due date and subservice organisations.
fn reviews(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    vendor: Option<VendorId>,
) -> Vec<ReportReview> {
    let directory = &rec.directory;
    let period = &run.period;
    inputs
        .attestations
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            Some(directory.vendor_of_attestation(*i)) == vendor
                && rec.current_attestations.contains(i)
        })
        .map(|(_, a)| {
            let covered = a.days_covered(period.start, period.end);
            let days = period.days();
            let through = a.covered_through();
            let coverage = match (a.bridge_letter_through, through) {
                (_, Some(t)) if a.kind.is_certificate() => {
                    format!("valid through {t}: {covered} of the period's {days} days covered")
                }
                (Some(bridge), _) => format!(
                    "bridge letter to {bridge}; {covered} of the period's {days} days covered"
                ),
                (None, Some(t)) => format!(
                    "no bridge letter; covers through {t}: {covered} of the period's {days} days"
                ),
                (None, None) => "no coverage dates stated".to_string(),
            };
            let next_due = next_due(a, period);
            let period_text = match (a.period_start, a.period_end, a.issued_on, a.expires_on) {
                (Some(s), Some(e), _, _) => format!("{s} to {e}"),
                (None, Some(e), _, _) => format!("to {e}"),
                (_, _, Some(i), Some(x)) => format!("issued {i}, expires {x}"),
                (_, _, Some(i), None) => format!("issued {i}"),
                _ => "not stated".into(),
            };
            let exceptions = match (a.exceptions, a.exception_notes.trim()) {
                (0, "") => String::new(),
                (n, "") => {
                    format!("{n} listed; no notes on how they were dispositioned were recorded")
                }
                (n, notes) => format!("{n} listed: {notes}"),
            };
            let subservice = if a.subservice_orgs.is_empty() {
                String::new()
            } else {
                let method = match a.subservice_method {
                    Some(crate::inputs::SubserviceMethod::CarveOut) => {
                        "carved out (not tested by this report)"
                    }
                    Some(crate::inputs::SubserviceMethod::Inclusive) => {
                        "inclusive (tested by this report)"
                    }
                    None => "method not stated",
                };
                format!("{}: {method}", a.subservice_orgs.join(", "))
            };
            ReportReview {
                kind: a.kind.as_str(),
                auditor: if a.auditor.trim().is_empty() {
                    "not stated".into()
                } else {
                    a.auditor.clone()
                },
                period: period_text,
                opinion: a
                    .opinion
                    .map(|o| o.as_str().to_string())
                    .unwrap_or_else(|| "not stated".into()),
                exceptions,
                coverage,
                next_due,
                subservice,
                source: format!("{}!{}", a.source.sheet, a.source.row),
            }
        })
        .collect()
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
    let pack: Vec<&str> = (0..inputs.services.len())
        .filter(|&s| in_this_pack[s] && directory.primary_service(s) == s)
        .map(|s| inputs.services[s].name.as_str())
        .collect();
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
            let scope = rec.cuec_scopes.get(i).copied();
            let control = cuec.mapped_control.clone().unwrap_or_default();
            let evidence = match super::cuec_not_assessed_because(scope, &cuec.vendor, &control) {
                Some(why) if finding.is_none() => why,
                _ => directory
                    .control_of_cuec(i)
                    .map(|c| {
                        evidence_by_state(
                            inputs,
                            &pack,
                            statuses_of.get(&c).map_or(&[][..], Vec::as_slice),
                        )
                    })
                    .unwrap_or_default(),
            };
            VendorCuec {
                id: cuec.cuec_id.clone(),
                description: cuec.description.clone(),
                control,
                evidence,
                status: super::cuec_status(scope, finding.copied()),
            }
        })
        .collect()
}

/// The newest evidence of a control on each of the pack's services (`pack`, their names),
/// as `services: date result (state)`, `; `-separated. Services whose newest evidence
/// reads alike share one entry, so a control evidenced on one day for eight services is one
/// line, not eight; a share of most of the pack is said by the services it leaves out.
fn evidence_by_state(inputs: &Inputs, pack: &[&str], statuses: &[&ControlStatus]) -> String {
    let mut states: Vec<(String, Vec<&str>)> = Vec::new();
    for st in statuses {
        let service = inputs.services[st.service].name.as_str();
        let state = match st.newest().map(|e| &inputs.evidence[e]) {
            // The state is said only when it is not the result itself ("stale"), never
            // "Effective (Effective)".
            Some(e) if st.label(&inputs.evidence) == e.result.as_str() => {
                format!("{} {}", e.collected_on, e.result.as_str())
            }
            Some(e) => format!(
                "{} {} ({})",
                e.collected_on,
                e.result.as_str(),
                st.label(&inputs.evidence)
            ),
            None => "no evidence".to_string(),
        };
        match states.iter_mut().find(|(s, _)| *s == state) {
            Some((_, services)) => {
                if !services.contains(&service) {
                    services.push(service)
                }
            }
            None => states.push((state, vec![service])),
        }
    }
    states
        .iter()
        .map(|(state, services)| format!("{}: {state}", services_named(pack, services)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Some of a pack's services, named: all of them by count (or "both"); most of them (four or more) by
/// the ones left out; else one by one.
fn services_named(pack: &[&str], services: &[&str]) -> String {
    let left_out: Vec<&str> = pack
        .iter()
        .copied()
        .filter(|p| !services.contains(p))
        .collect();
    if services.len() == 2 && left_out.is_empty() {
        "both services".to_string()
    } else if services.len() > 2 && left_out.is_empty() {
        format!("all {} services", services.len())
    } else if services.len() >= 4 && left_out.len() < services.len() && left_out.len() <= 3 {
        format!(
            "{} of {} services (all but {})",
            services.len(),
            pack.len(),
            crate::inputs::names::and_list(&left_out)
        )
    } else {
        services.join(", ")
    }
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
) -> Vec<(&'a Finding, &'a crate::inputs::directory::Subject)> {
    rec.findings
        .iter()
        .zip(&rec.subjects)
        .filter(|(_, subject)| {
            (subject.vendor.is_some() && subject.vendor == vendor)
                || subject.service.is_some_and(|s| in_this_pack[s])
        })
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
        .into_iter()
        .map(|(f, _)| f)
        .collect()
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
    let listed_findings = pack_findings(rec, vendor_id, &in_this_pack);
    let findings: Vec<&Finding> = listed_findings.iter().map(|(f, _)| *f).collect();
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
                split: super::ProfileSplit::of(&run.model, s),
            }
        })
        .collect();
    let reviews = reviews(run, inputs, rec, vendor_id);
    VendorPack {
        meta: Meta::of(run),
        vendor: vendor.to_string(),
        questions_file: String::new(),
        verdict: verdict(&findings, &reviews),
        reviews,
        services: service_rows,
        services_folded: services.len() > VENDOR_PACK_FOLD_SERVICES,
        domain_names: domain_names.iter().map(|d| d.to_string()).collect(),
        attestations: inputs
            .attestations
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(directory.vendor_of_attestation(*i)) == vendor_id)
            .map(|(i, a)| {
                AttestationView::of(
                    a,
                    run,
                    rec.current_attestations.contains(&i),
                    &super::vendor_service_names(inputs, directory, i),
                )
            })
            .collect(),
        cuecs: match vendor_id {
            Some(vendor_id) => cuec_views(inputs, rec, vendor_id, &in_this_pack, &findings),
            None => Vec::new(),
        },
        findings: super::findings::group_findings(
            inputs,
            &listed_findings,
            findings.len() <= VENDOR_DETAILED_FINDINGS,
            super::findings::Bounds {
                per_code: VENDOR_FINDINGS_PER_CODE,
                total: VENDOR_FINDINGS_LISTED,
                share_between_parts: false,
            },
        )
        .0,
        findings_total: findings.len(),
        findings_detailed: findings.len() <= VENDOR_DETAILED_FINDINGS,
        residency: super::residency::vendor_section(run, inputs, rec, vendor),
        caiq: super::questionnaire::caiq(run, inputs, &findings, vendor),
        fedramp: super::questionnaire::fedramp(run, inputs, &findings, vendor),
        relationship: relationship(inputs, directory, vendor_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Code;

    fn finding(code: Code, severity: Severity) -> Finding {
        Finding {
            id: String::new(),
            code,
            severity,
            message: String::new(),
            remedy: String::new(),
            service: Some("Amazon EC2".into()),
            domain: None,
            control_id: None,
            vendor: Some("AWS".into()),
            cuec_id: None,
            sources: Vec::new(),
        }
    }

    fn current_report() -> ReportReview {
        ReportReview {
            kind: "SOC 2 Type II",
            auditor: "Harbor & Vale LLP".into(),
            period: "2025-07-01 to 2026-06-30".into(),
            opinion: "Unqualified".into(),
            exceptions: String::new(),
            coverage: String::new(),
            next_due: String::new(),
            subservice: String::new(),
            source: "Attestations!2".into(),
        }
    }

    /// Services sharing one evidence state are named as a reader counts them: every one
    /// of the pack's by count, most of them by those left out, a few one by one.
    #[test]
    fn services_sharing_a_state_are_named_by_count_or_by_those_left_out() {
        let pack = ["A", "B", "C", "D", "E"];
        assert_eq!(services_named(&pack, &pack), "all 5 services");
        assert_eq!(
            services_named(&pack, &["A", "B", "D", "E"]),
            "4 of 5 services (all but C)"
        );
        assert_eq!(services_named(&pack, &["A", "C"]), "A, C");
        assert_eq!(services_named(&pack[..1], &["A"]), "A", "one is named");
        assert_eq!(services_named(&pack[..2], &["A", "B"]), "both services");
        // Three of five are named: the left-out would be as long a list.
        assert_eq!(services_named(&pack, &["A", "B", "C"]), "A, B, C");
    }

    /// The verdict takes its level and first words from the worst finding, whatever the
    /// order they come in, and never calls assurance current beside a critical or high.
    #[test]
    fn the_verdict_follows_the_worst_finding() {
        let reviews = [current_report()];
        let cases = [
            (
                Severity::Critical,
                "critical",
                "Not acceptable as it stands",
            ),
            (Severity::High, "high", "Action needed"),
            (Severity::Medium, "medium", "Acceptable with follow-up"),
            (Severity::Low, "low", "Acceptable: only low"),
            (Severity::Info, "info", "Acceptable: only info"),
        ];
        for (worst, level, headline) in cases {
            let findings = [
                finding(Code::AttestationExpiring, Severity::Info),
                finding(Code::ControlIneffective, worst),
            ];
            let refs: Vec<&Finding> = findings.iter().collect();
            let v = verdict(&refs, &reviews);
            assert_eq!(v.level, level);
            assert!(v.headline.starts_with(headline), "{}", v.headline);
            assert!(
                v.reasons[0].starts_with(level),
                "worst reason first: {:?}",
                v.reasons
            );
            let says_current = v.reasons.iter().any(|r| r.contains("cover the period end"))
                || v.headline.to_lowercase().contains("current");
            assert_eq!(says_current, worst < Severity::High, "{v:?}");
        }
        let calm = verdict(&[], &reviews);
        assert_eq!(calm.level, "ok");
        assert!(calm.headline.starts_with("Acceptable"));
        let none = verdict(&[], &[]);
        assert!(none
            .reasons
            .iter()
            .any(|r| r.contains("No current attestation")));
    }
}
