//! What a vendor says about itself, judged against the model: CSA CAIQ v4 answers
//! (`RESPONSIBILITY_DRIFT`, `VENDOR_CONTROL_GAP`, `QUESTIONNAIRE_INCONSISTENT`), and the
//! comparison of a stated owner with the model's cell that FedRAMP origination shares
//! ([`Parties`], [`judge_drift`]).
//!
//! A questionnaire is judged only for a vendor with an in-scope service, like everything
//! else; a row that breaks the questionnaire's own rules is reported once and left out of
//! the other checks.

use super::index::Index;
use super::Draft;
use crate::findings::{Code, Finding, Severity, Source};
use crate::inputs::names::closest;
use crate::inputs::questionnaires::{CaiqAnswer, Ownership, Side, Stated};
use crate::model::Owner;

/// Who a statement gives a control to: the vendor, the customer, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Parties {
    pub provider: bool,
    pub customer: bool,
}

impl Parties {
    /// A CAIQ ownership: a third party the vendor outsources to is on the vendor's side.
    pub fn of_ownership(o: Ownership) -> Parties {
        Parties {
            provider: o.vendor_owns(),
            customer: o.customer_part(),
        }
    }

    /// A FedRAMP origination's side.
    pub fn of_side(side: Side) -> Parties {
        Parties {
            provider: side != Side::Customer,
            customer: side != Side::Provider,
        }
    }

    fn of_owner(owner: Owner) -> Parties {
        Parties {
            provider: owner != Owner::Customer,
            customer: owner != Owner::Provider,
        }
    }

    /// How a message says it.
    fn phrase(self) -> &'static str {
        match (self.provider, self.customer) {
            (false, true) => "the customer's alone",
            (true, true) => "shared with the customer",
            _ => "the vendor's own",
        }
    }
}

/// Whether a vendor's statement contradicts the model's owner of the cell: it gives the
/// customer a part the model does not, or takes from the vendor a part the model gives it,
/// or the two have nobody in common. So `CSC-owned` drifts from provider and shared cells,
/// `Shared CSP and CSC` from provider cells, `CSP-owned` from customer cells; `CSP-owned`
/// against a shared cell, and shared against a customer cell, do not (the customer's part
/// stands either way).
pub(super) fn drifts(stated: Parties, owner: Owner) -> bool {
    let model = Parties::of_owner(owner);
    let common = (stated.provider && model.provider) || (stated.customer && model.customer);
    (stated.customer && !model.customer) || (!stated.provider && model.provider) || !common
}

fn owner_phrase(owner: Owner, vendor: &str) -> String {
    match owner {
        Owner::Provider => format!("to {vendor} alone"),
        Owner::Shared => format!("to {vendor} and the customer jointly"),
        Owner::Customer => "to the customer alone".to_string(),
    }
}

/// A vendor's statement of who owns one control, to compare with the model.
pub(super) struct Statement<'a> {
    pub vendor: &'a str,
    pub domain: usize,
    pub parties: Parties,
    /// The statement as the document words it: `CSC-owned`, `origination Shared`.
    pub stated: String,
    /// What the statement is about: `CAIQ IAM-02.1 ("…")`, `CIS control AC-02 (a)`.
    pub about: String,
    pub control_id: &'a str,
    /// The finding's `control_id`: the id with its framework ([`caiq_reference`],
    /// [`nist_reference`]).
    pub reference: String,
    pub source: &'a Source,
    /// The vendor's own explanation of the row (a CAIQ's `CSP Implementation Description`),
    /// quoted in the finding; empty when it gives none.
    pub explanation: &'a str,
}

/// A CAIQ question as a finding's `control_id`: `CAIQ:IAM-02.1`. The framework prefix (as
/// in the Controls sheet's `frameworks` column) keeps a vendor's question apart from a
/// customer control of the same name.
pub(super) fn caiq_reference(question_id: &str) -> String {
    format!("CAIQ:{question_id}")
}

/// A FedRAMP (NIST SP 800-53) control as a finding's `control_id`: `NIST-800-53:AC-02 (a)`.
pub(super) fn nist_reference(control_id: &str) -> String {
    format!("NIST-800-53:{control_id}")
}

/// Raises `RESPONSIBILITY_DRIFT` for a statement: one finding without a service when every
/// in-scope service of the vendor drifts, else one per drifting service.
pub(super) fn judge_drift(
    index: &Index<'_>,
    services: &[usize],
    statement: &Statement<'_>,
    findings: &mut Vec<Finding>,
) {
    let inputs = index.judgement.inputs;
    let model = index.judgement.model;
    let domain = &model.domains[statement.domain].name;
    let drifting: Vec<(usize, Owner)> = services
        .iter()
        .map(|&s| {
            let service = &inputs.services[s];
            let owner = model
                .owner(
                    statement.domain,
                    &service.name,
                    &service.provider,
                    service.service_model,
                )
                .owner;
            (s, owner)
        })
        .filter(|&(_, owner)| drifts(statement.parties, owner))
        .collect();
    if drifting.is_empty() {
        return;
    }
    let vendor = statement.vendor;
    let draft = |services: &[(usize, Owner)]| {
        let owners: Vec<Owner> = {
            let mut o: Vec<Owner> = services.iter().map(|(_, o)| *o).collect();
            o.sort();
            o.dedup();
            o
        };
        let served: Vec<String> = services
            .iter()
            .map(|&(s, owner)| {
                let service = &inputs.services[s];
                if owners.len() > 1 {
                    format!(
                        "{} ({}: {})",
                        service.name,
                        service.service_model.as_str(),
                        owner.as_str()
                    )
                } else {
                    format!("{} ({})", service.name, service.service_model.as_str())
                }
            })
            .collect();
        let model_says = if owners.len() == 1 {
            format!("gives {domain} {}", owner_phrase(owners[0], vendor))
        } else {
            format!("gives {domain} to different owners")
        };
        Draft::new(
            Code::ResponsibilityDrift,
            format!(
                "{vendor} says {} is {} ({}), but the model {model_says} for {}.{}",
                statement.about,
                statement.parties.phrase(),
                statement.stated,
                served.join(", "),
                explained(vendor, statement.explanation)
            ),
            format!(
                "Ask {vendor} who performs {}; then add or assign a customer control for your part, or override the model for {vendor}'s services, so that both agree.",
                statement.control_id
            ),
        )
        .regulated(services.iter().any(|&(s, _)| inputs.services[s].is_regulated()))
        .domain(domain)
        .control(&statement.reference)
        .vendor(vendor)
        .source(statement.source)
    };
    if drifting.len() == services.len() {
        let mut finding = draft(&drifting);
        for &(s, _) in &drifting {
            finding = finding.source(&inputs.services[s].source);
        }
        findings.push(finding.done());
    } else {
        for one in &drifting {
            let service = &inputs.services[one.0];
            findings.push(
                draft(std::slice::from_ref(one))
                    .service(&service.name)
                    .source(&service.source)
                    .done(),
            );
        }
    }
}

/// A vendor's in-scope services (first rows), in sheet order.
pub(super) fn in_scope_services(index: &Index<'_>, vendor: &str) -> Vec<usize> {
    let inputs = index.judgement.inputs;
    index
        .services_of(vendor)
        .iter()
        .copied()
        .filter(|&s| inputs.services[s].in_scope)
        .collect()
}

/// Shortens a question for a message.
pub(super) fn quote(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 100 {
        text
    } else {
        let cut: String = text.chars().take(99).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The longest explanation quoted whole in a finding's message; the vendor pack shows it
/// in full.
const EXPLANATION_CHARS: usize = 300;

/// A vendor's explanation of a row, as a sentence to end a finding's message with (` Acme
/// explains: "…".`), so that a gap or drift is read with the vendor's reason; nothing
/// when it gives none.
pub(super) fn explained(vendor: &str, explanation: &str) -> String {
    let text = explanation.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return String::new();
    }
    let text = if text.chars().count() <= EXPLANATION_CHARS {
        text
    } else {
        let cut: String = text.chars().take(EXPLANATION_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    };
    // The vendor's own full stop ends the sentence; none is added after the quote.
    let stop = if text.ends_with(['.', '!', '?', '…']) {
        ""
    } else {
        "."
    };
    format!(" {vendor} explains: \"{text}\"{stop}")
}

/// "… is not one of A, B (did you mean A?)".
pub(super) fn not_one_of(what: &str, seen: &str, accepted: &[&str]) -> String {
    let hint = closest(seen, accepted.iter().copied())
        .map(|h| format!(" (did you mean {h:?}?)"))
        .unwrap_or_default();
    format!(
        "{what} {seen:?} is not one of {}{hint}",
        accepted.join(", ")
    )
}

/// Judges every CAIQ.
pub(super) fn judge(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    let model = index.judgement.model;
    let answers: Vec<&str> = CaiqAnswer::ALL.iter().map(|a| a.as_str()).collect();
    let ownerships: Vec<&str> = Ownership::ALL.iter().map(|o| o.as_str()).collect();
    for caiq in &inputs.questionnaires.caiqs {
        let services = in_scope_services(index, &caiq.vendor);
        if services.is_empty() {
            continue;
        }
        let regulated = services.iter().any(|&s| inputs.services[s].is_regulated());
        let vendor = caiq.vendor.as_str();
        for q in &caiq.questions {
            let domain = q.domain.map(|d| model.domains[d].name.as_str());
            let with_subject = |mut draft: Draft| {
                if !q.question_id.is_empty() {
                    draft = draft.control(&caiq_reference(&q.question_id));
                }
                if let Some(domain) = domain {
                    draft = draft.domain(domain);
                }
                draft.vendor(vendor).source(&q.source)
            };

            // The questionnaire's own rules.
            let mut faults = Vec::new();
            if q.question_id.is_empty() {
                faults.push("the row has no Question ID".to_string());
            }
            match &q.answer {
                Stated::Blank => faults.push("the question is not answered".into()),
                Stated::Unknown(text) => faults.push(not_one_of("the answer", text, &answers)),
                Stated::Known(_) => {}
            }
            match (&q.answer, &q.ownership) {
                (_, Stated::Unknown(text)) => {
                    faults.push(not_one_of("the SSRM control ownership", text, &ownerships))
                }
                (Stated::Known(CaiqAnswer::Yes | CaiqAnswer::No), Stated::Blank) => {
                    faults.push("an answered question has no SSRM control ownership".into())
                }
                _ => {}
            }
            let na_owned = matches!(
                (&q.answer, &q.ownership),
                (Stated::Known(CaiqAnswer::Na), Stated::Known(_))
            );
            if na_owned {
                let owner = q.ownership.known().map_or("", |o| o.as_str());
                faults.push(format!(
                    "an ownership ({owner}) is given for a question answered NA"
                ));
            }
            if !faults.is_empty() {
                let only_minor = na_owned && faults.len() == 1;
                let label = if q.question_id.is_empty() {
                    format!("row {}", q.source.row)
                } else {
                    q.question_id.clone()
                };
                findings.push(
                    with_subject(Draft::new(
                        Code::QuestionnaireInconsistent,
                        format!("{vendor}'s CAIQ {label}: {}.", faults.join("; ")),
                        format!(
                            "Ask {vendor} to correct {label} of its CAIQ ({} row {}); until then it is left out of the other checks.",
                            q.source.sheet, q.source.row
                        ),
                    ))
                    .severity(if only_minor { Severity::Info } else { Severity::Low })
                    .done(),
                );
                continue;
            }
            let (Some(answer), Some(ownership)) = (q.answer.known(), q.ownership.known()) else {
                continue;
            };
            let about = if q.question.is_empty() {
                format!("CAIQ {}", q.question_id)
            } else {
                format!("CAIQ {} (\"{}\")", q.question_id, quote(&q.question))
            };
            if answer == CaiqAnswer::No && ownership.vendor_owns() {
                findings.push(
                    with_subject(Draft::new(
                        Code::VendorControlGap,
                        format!(
                            "{vendor} answers No to {about}, a question it owns ({}).{}",
                            ownership.as_str(),
                            explained(vendor, &q.implementation)
                        ),
                        format!(
                            "Ask {vendor} when {} will be in place, record compensating controls meanwhile, and weigh the gap in {vendor}'s risk rating.",
                            q.question_id
                        ),
                    ))
                    .regulated(regulated)
                    .done(),
                );
            }
            if let (Some(d), false) = (q.domain, answer == CaiqAnswer::Na) {
                judge_drift(
                    index,
                    &services,
                    &Statement {
                        vendor,
                        domain: d,
                        parties: Parties::of_ownership(ownership),
                        stated: ownership.as_str().to_string(),
                        about,
                        control_id: &q.question_id,
                        reference: caiq_reference(&q.question_id),
                        source: &q.source,
                        explanation: &q.implementation,
                    },
                    findings,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_a_contradiction_not_a_difference() {
        use Ownership::*;
        let cases = [
            // (stated, provider cell, shared cell, customer cell)
            (CspOwned, [false, false, true]),
            (CscOwned, [true, true, false]),
            (ThirdParty, [false, false, true]),
            (SharedCsc, [true, false, false]),
            (SharedThirdParty, [false, false, true]),
        ];
        for (stated, want) in cases {
            let got = [Owner::Provider, Owner::Shared, Owner::Customer]
                .map(|owner| drifts(Parties::of_ownership(stated), owner));
            assert_eq!(got, want, "{stated:?}");
        }
        let sides = [
            (Side::Provider, [false, false, true]),
            (Side::Shared, [true, false, false]),
            (Side::Customer, [true, true, false]),
        ];
        for (side, want) in sides {
            let got = [Owner::Provider, Owner::Shared, Owner::Customer]
                .map(|owner| drifts(Parties::of_side(side), owner));
            assert_eq!(got, want, "{side:?}");
        }
    }
}
