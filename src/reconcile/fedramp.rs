//! A provider's FedRAMP CIS/CRM workbook, judged: does the CRM's inheritance answer agree
//! with the CIS's control origination (`ORIGINATION_MISMATCH`)? Does the provider say a
//! control of its own is only planned or partly implemented (`VENDOR_CONTROL_GAP`)? Does
//! the origination contradict the model, for 800-53 families mapped to a domain
//! (`RESPONSIBILITY_DRIFT`)? And which rows break the workbook's own rules
//! (`QUESTIONNAIRE_INCONSISTENT`)?

use super::index::Index;
use super::questionnaire::{
    in_scope_services, judge_drift, nist_reference, not_one_of, Parties, Statement,
};
use super::Draft;
use crate::findings::{Code, Finding, Severity};
use crate::inputs::questionnaires::{
    Fedramp, FedrampControl, ImplementationStatus, Inheritable, Side, Stated,
};

pub(super) fn judge(index: &Index<'_>, findings: &mut Vec<Finding>) {
    let inputs = index.judgement.inputs;
    for workbook in &inputs.questionnaires.fedramp {
        let services = in_scope_services(index, &workbook.provider);
        if services.is_empty() {
            continue;
        }
        let regulated = services.iter().any(|&s| inputs.services[s].is_regulated());
        for control in &workbook.controls {
            judge_control(index, workbook, control, &services, regulated, findings);
        }
        judge_crm_rows(index, workbook, findings);
    }
}

fn origination_list(control: &FedrampControl) -> String {
    control
        .origination
        .iter()
        .map(|o| o.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn judge_control(
    index: &Index<'_>,
    workbook: &Fedramp,
    control: &FedrampControl,
    services: &[usize],
    regulated: bool,
    findings: &mut Vec<Finding>,
) {
    let model = index.judgement.model;
    let provider = workbook.provider.as_str();
    let id = control.control_id.as_str();
    let domain = control.domain.map(|d| model.domains[d].name.as_str());
    let subject = |mut draft: Draft| {
        if let Some(domain) = domain {
            draft = draft.domain(domain);
        }
        draft
            .control(&nist_reference(id))
            .vendor(provider)
            .source(&control.source)
    };

    let mut faults = Vec::new();
    if control.duplicate {
        faults.push("the control is listed twice in the CIS (the first row counts)".to_string());
    }
    for odd in &control.odd_marks {
        faults.push(format!(
            "{} (under {:?}) holds {:?}, not X",
            odd.cell, odd.column, odd.text
        ));
    }
    let not_applicable = control.not_applicable();
    if control.status.is_empty() {
        faults.push("no implementation status is marked".into());
    }
    if not_applicable {
        let others: Vec<&str> = control
            .status
            .iter()
            .filter(|s| **s != ImplementationStatus::NotApplicable)
            .map(|s| s.as_str())
            .collect();
        if !others.is_empty() {
            faults.push(format!(
                "it is marked both N/A and {}",
                others.join(" and ")
            ));
        }
    }
    // An N/A row with no origination is counted among "none marked" in the vendor pack;
    // it is listed here too, as info, so the reader can find those rows.
    let no_origination = control.origination.is_empty();
    if no_origination {
        faults.push(if not_applicable {
            "no control origination is marked (its status is N/A)".to_string()
        } else {
            "no control origination is marked".to_string()
        });
    }
    if let (Some(sheet), None) = (&workbook.crm_sheet, control.crm) {
        faults.push(format!("the CRM ({sheet}) has no row for it"));
    }
    if !faults.is_empty() {
        let only_minor = no_origination && not_applicable && faults.len() == 1;
        findings.push(
            subject(Draft::new(
                Code::QuestionnaireInconsistent,
                format!("{provider}'s CIS control {id}: {}.", faults.join("; ")),
                format!(
                    "Ask {provider} to correct {id} in its CIS/CRM workbook ({} row {}); until then it is left out of the other checks.",
                    control.source.sheet, control.source.row
                ),
            ))
            .severity(if only_minor { Severity::Info } else { Severity::Low })
            .done(),
        );
        return;
    }
    // N/A: the control does not apply, so there is no owner to hold against the CRM or
    // the model (as with a CAIQ question answered NA), and nothing to implement.
    if not_applicable {
        return;
    }
    let Some(side) = control.side() else {
        return;
    };

    // The CRM's answer against the origination.
    if let Some(row) = control.crm.map(|i| &workbook.crm[i]) {
        if let Stated::Known(answer) = row.inheritable {
            let expected = side.expected_answer();
            if answer != expected {
                let promises_more = answer > expected;
                let consequence = if promises_more {
                    ": it promises more inheritance than the origination allows, so a customer relying on it would leave part of its own work undone"
                } else {
                    ": it gives the customer work the origination says the provider does"
                };
                findings.push(
                    subject(Draft::new(
                        Code::OriginationMismatch,
                        format!(
                            "{provider}'s CIS marks {id} {} ({}), but its CRM answers {} to Can Be Inherited from CSP where the template asks {}{consequence}.",
                            origination_list(control),
                            side.as_str(),
                            answer.as_str(),
                            expected.as_str()
                        ),
                        format!(
                            "Ask {provider} whether {id} can be inherited and to correct its CIS or CRM; until then plan your controls on the {} reading.",
                            if promises_more { "CIS's" } else { "CRM's" }
                        ),
                    ))
                    .severity(if promises_more { Severity::High } else { Severity::Medium })
                    .regulated(regulated)
                    .source(&row.source)
                    .done(),
                );
            }
        }
    }

    // A control the provider has a part in (any provider or Shared mark, whatever else is
    // marked) that is not (fully) in place.
    let implemented = control.status.contains(&ImplementationStatus::Implemented);
    let lacking = control.status.iter().find(|s| {
        matches!(
            s,
            ImplementationStatus::Planned | ImplementationStatus::PartiallyImplemented
        )
    });
    if let (Some(status), false, true) = (lacking, implemented, side != Side::Customer) {
        findings.push(
            subject(Draft::new(
                Code::VendorControlGap,
                format!(
                    "{provider}'s CIS gives {id} the status {} although {} ({}).",
                    status.as_str(),
                    if side == Side::Provider {
                        "it originates with the provider"
                    } else {
                        "the provider has a part in it"
                    },
                    origination_list(control)
                ),
                format!(
                    "Ask {provider} when {id} will be fully implemented (its plan of action and milestones), and record compensating controls meanwhile."
                ),
            ))
            .regulated(regulated)
            .done(),
        );
    }

    // The origination against the model.
    if let Some(d) = control.domain {
        judge_drift(
            index,
            services,
            &Statement {
                vendor: provider,
                domain: d,
                parties: Parties::of_side(side),
                stated: format!("origination {}", origination_list(control)),
                about: format!("FedRAMP control {id}"),
                control_id: id,
                reference: nist_reference(id),
                source: &control.source,
                // The CIS gives no reason for an origination.
                explanation: "",
            },
            findings,
        );
    }
}

fn judge_crm_rows(index: &Index<'_>, workbook: &Fedramp, findings: &mut Vec<Finding>) {
    let provider = workbook.provider.as_str();
    let model = index.judgement.model;
    let answers: Vec<&str> = Inheritable::ALL.iter().map(|a| a.as_str()).collect();
    // The domain of each CRM row is its CIS control's.
    let mut domains = vec![None; workbook.crm.len()];
    for control in &workbook.controls {
        if let Some(i) = control.crm {
            domains[i] = domains[i].or(control.domain);
        }
    }
    for (i, row) in workbook.crm.iter().enumerate() {
        let mut faults = Vec::new();
        if row.duplicate {
            faults
                .push("the control is listed twice in the CRM (the first row counts)".to_string());
        }
        match &row.inheritable {
            Stated::Blank => faults.push("Can Be Inherited from CSP is not answered".into()),
            Stated::Unknown(text) => {
                faults.push(not_one_of("Can Be Inherited from CSP", text, &answers))
            }
            Stated::Known(_) => {}
        }
        if !row.in_cis {
            faults.push(format!(
                "the CIS ({}) does not list the control",
                workbook.cis_sheet.as_deref().unwrap_or("?")
            ));
        }
        if faults.is_empty() {
            continue;
        }
        let mut draft = Draft::new(
            Code::QuestionnaireInconsistent,
            format!(
                "{provider}'s CRM row for {}: {}.",
                row.control_id,
                faults.join("; ")
            ),
            format!(
                "Ask {provider} to correct {} in its CIS/CRM workbook ({} row {}).",
                row.control_id, row.source.sheet, row.source.row
            ),
        )
        .control(&nist_reference(&row.control_id))
        .vendor(provider)
        .source(&row.source);
        if let Some(domain) = domains[i] {
            draft = draft.domain(&model.domains[domain].name);
        }
        findings.push(draft.done());
    }
}
