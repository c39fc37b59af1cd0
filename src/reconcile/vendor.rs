//! The provider's side: does a counted attestation from the service's vendor cover the
//! service, the domain and the period end? And, per attestation row, is the vendor's
//! current report or certificate sound?

use super::index::Index;
use super::{day, Draft};
use crate::findings::{Code, Finding, Severity};
use crate::inputs::names::key;
use crate::inputs::{Attestation, Opinion, SubserviceMethod};

/// Judges a provider or shared cell; returns whether the provider's part is attested.
pub(super) fn judge_cell(
    index: &Index<'_>,
    s: usize,
    d: usize,
    findings: &mut Vec<Finding>,
) -> bool {
    let inputs = index.judgement.inputs;
    let period = index.judgement.period;
    let service = &inputs.services[s];
    let domain = &index.judgement.model.domains[d].name;
    let vendor = &service.provider;
    let draft = |code, message: String, remedy: String| {
        Draft::new(code, message, remedy)
            .regulated(service.is_regulated())
            .service(&service.name)
            .domain(domain)
            .vendor(vendor)
            .source(&service.source)
    };

    let counted = index.attestations_of(vendor);
    if counted.is_empty() {
        findings.push(
            draft(
                Code::AttestationMissing,
                format!(
                    "No attestation from {vendor} is on file: its part of {domain} for {} is assumed, not verified.",
                    service.name
                ),
                format!("Obtain {vendor}'s SOC 2 Type II report or ISO 27001 certificate and add it to the Attestations sheet."),
            )
            .done(),
        );
        return false;
    }
    let service_key = key(&service.name);
    let in_scope: Vec<&Attestation> = counted
        .iter()
        .map(|&a| &inputs.attestations[a])
        .filter(|a| a.services.includes(&service_key) && a.covers_domain(d))
        .collect();
    if in_scope.is_empty() {
        let mut finding = draft(
            Code::AttestationScope,
            format!("{vendor} has attestations, but none covers {} for {domain}.", service.name),
            format!(
                "Ask {vendor} for an attestation whose scope includes {} and {domain}, or correct the services and domains columns.",
                service.name
            ),
        );
        for &a in counted {
            finding = finding.source(&inputs.attestations[a].source);
        }
        findings.push(finding.done());
        return false;
    }
    if in_scope.iter().any(|a| a.covers_date(period.end)) {
        return true;
    }
    let reach = in_scope.iter().filter_map(|a| a.covered_through()).max();
    let mut finding = draft(
        Code::AttestationGap,
        format!(
            "No attestation from {vendor} for {} / {domain} covers the period end {}{}.",
            service.name,
            day(period.end),
            match reach {
                Some(date) => format!("; the latest reaches {}", day(date)),
                None => String::new(),
            }
        ),
        format!(
            "Obtain {vendor}'s current report, or a bridge letter through {}.",
            day(period.end)
        ),
    );
    for a in in_scope {
        finding = finding.source(&a.source);
    }
    findings.push(finding.done());
    false
}

/// Per-attestation findings, on the current row (the latest issued) of each
/// (vendor, type), and only when it covers an in-scope service.
pub(super) fn judge_attestation_rows(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let period = index.judgement.period;
    for a in index.current_attestations() {
        let row = &inputs.attestations[a];
        let covered: Vec<usize> = index
            .services_of(&row.vendor)
            .iter()
            .copied()
            .filter(|&s| {
                inputs.services[s].in_scope && row.services.includes(&key(&inputs.services[s].name))
            })
            .collect();
        if covered.is_empty() {
            continue;
        }
        let regulated = covered.iter().any(|&s| inputs.services[s].is_regulated());
        let kind = row.kind.as_str();
        let vendor = &row.vendor;
        let draft = |code, message: String, remedy: String| {
            Draft::new(code, message, remedy)
                .vendor(vendor)
                .source(&row.source)
        };
        if row.kind.is_certificate() {
            if let Some(expires) = row.expires_on {
                if expires < period.end {
                    findings.push(
                        draft(
                            Code::AttestationExpired,
                            format!("{vendor}'s {kind} certificate expired on {}, before the period end {}.", day(expires), day(period.end)),
                            format!("Obtain {vendor}'s renewed {kind} certificate and add it to the Attestations sheet."),
                        )
                        .regulated(regulated)
                        .done(),
                    );
                } else if (expires - period.end).num_days() <= 90 {
                    findings.push(
                        draft(
                            Code::AttestationExpiring,
                            format!(
                                "{vendor}'s {kind} certificate expires on {}, {} days after the period end.",
                                day(expires),
                                (expires - period.end).num_days()
                            ),
                            format!("Ask {vendor} for the renewed {kind} certificate before {}.", day(expires)),
                        )
                        .regulated(regulated)
                        .done(),
                    );
                }
            }
        }
        if let Some(opinion @ (Opinion::Qualified | Opinion::Adverse | Opinion::Disclaimer)) =
            row.opinion
        {
            let base = if opinion == Opinion::Qualified {
                Severity::High
            } else {
                Severity::Critical
            };
            findings.push(
                draft(
                    Code::OpinionModified,
                    format!("{vendor}'s {kind} report{} carries a {} opinion.", report_period(row), opinion.as_str()),
                    format!("Read the basis for the {} opinion, assess its effect on the services you use, and record compensating controls.", opinion.as_str().to_lowercase()),
                )
                .severity(base)
                .regulated(regulated)
                .done(),
            );
        }
        if row.subservice_method == Some(SubserviceMethod::CarveOut) {
            for org in &row.subservice_orgs {
                if index.attestations_of(org).is_empty() {
                    findings.push(
                        draft(
                            Code::SubserviceUnattested,
                            format!("{vendor}'s {kind} report{} carves out the subservice organisation {org}, and the Attestations sheet holds no attestation of {org}: what {org} does for {vendor}'s services is covered by no report.", report_period(row)),
                            format!("Obtain {org}'s own attestation (ask {vendor} for it) and add it to the Attestations sheet, or record why {org}'s part is not relied on."),
                        )
                        .regulated(regulated)
                        .done(),
                    );
                }
            }
        }
        if row.exceptions > 0 {
            let notes = if row.exception_notes.is_empty() {
                String::new()
            } else {
                format!(": {}", row.exception_notes)
            };
            findings.push(
                draft(
                    Code::AttestationExceptions,
                    format!("{vendor}'s {kind} report notes {} exception{}{notes}.", row.exceptions, if row.exceptions == 1 { "" } else { "s" }),
                    format!("Review each exception in {vendor}'s report and record how it affects your use of the service."),
                )
                .regulated(regulated)
                .done(),
            );
        }
    }
}

fn report_period(row: &Attestation) -> String {
    match (row.period_start, row.period_end) {
        (Some(start), Some(end)) => format!(" ({} to {})", day(start), day(end)),
        (None, Some(end)) => format!(" (through {})", day(end)),
        _ => String::new(),
    }
}
