//! The customer's side of a cell: is the domain owned by a control, and is each serving
//! control's newest evidence fresh and effective?

use super::index::{EvidenceState, Index};
use super::{day, ControlStatus, Draft};
use crate::findings::{Code, Finding};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::TestResult;

/// Judges a customer or shared cell; returns whether the customer's part is evidenced.
pub(super) fn judge_cell(
    index: &Index<'_>,
    s: usize,
    d: usize,
    findings: &mut Vec<Finding>,
) -> bool {
    let inputs = index.judgement.inputs;
    let model = index.judgement.model;
    let period = index.judgement.period;
    let service = &inputs.services[s];
    let domain = &model.domains[d].name;
    let owner = model
        .owner(d, &service.name, &service.provider, service.service_model)
        .owner;
    let regulated = service.is_regulated();

    let serving: Vec<usize> = index.serving(s, d).collect();
    if serving.is_empty() {
        findings.push(
            Draft::new(
                Code::DomainUnowned,
                format!(
                    "No control in the catalogue covers {domain} for {} ({}, {} responsibility): nobody owns it.",
                    service.name,
                    service.service_model.as_str(),
                    owner.as_str()
                ),
                format!("Add a control for {domain} that applies to {}, with an owner and a frequency.", service.name),
            )
            .regulated(regulated)
            .service(&service.name)
            .domain(domain)
            .source(&service.source)
            .done(),
        );
        return false;
    }

    let mut all_good = true;
    for c in serving {
        let control = &inputs.controls[c];
        let subject = |draft: Draft| {
            draft
                .regulated(regulated)
                .service(&service.name)
                .domain(domain)
                .control(&control.id)
        };
        let state = index.evidence_state(c, s);
        all_good &= state.is_good(&inputs.evidence);
        let (row, fresh) = match state {
            EvidenceState::Missing => {
                findings.push(
                    subject(Draft::new(
                        Code::EvidenceMissing,
                        format!(
                            "Control {} ({}) has no evidence for {} on or before {}.",
                            control.id,
                            title_or_dash(&control.title),
                            service.name,
                            day(period.end)
                        ),
                        format!(
                            "Test {} on {} and record the result in the Evidence sheet.",
                            control.id, service.name
                        ),
                    ))
                    .source(&control.source)
                    .source(&service.source)
                    .done(),
                );
                continue;
            }
            EvidenceState::Found { row, fresh } => (row, fresh),
        };
        let evidence = &inputs.evidence[row];
        if !fresh {
            let cutoff = index.cutoff(c);
            findings.push(
                subject(Draft::new(
                    Code::EvidenceStale,
                    format!(
                        "Newest evidence of {} for {} is from {}; a {} control needs evidence after {}.",
                        control.id,
                        service.name,
                        day(evidence.collected_on),
                        control.frequency.as_str(),
                        day(cutoff)
                    ),
                    format!("Collect fresh evidence for {} on {} (dated after {}).", control.id, service.name, day(cutoff)),
                ))
                .source(&evidence.source)
                .source(&control.source)
                .done(),
            );
        }
        let verdict = match evidence.result {
            TestResult::Effective => None,
            TestResult::Ineffective | TestResult::Exception => Some((
                Code::ControlIneffective,
                format!("Remediate {} on {}, retest it, and record the new result.", control.id, service.name),
            )),
            TestResult::NotTested | TestResult::PartiallyEffective => Some((
                Code::ControlNotTested,
                format!("Complete the test of {} on {} and record an Effective result or the gaps found.", control.id, service.name),
            )),
        };
        if let Some((code, remedy)) = verdict {
            findings.push(
                subject(Draft::new(
                    code,
                    format!(
                        "Newest evidence of {} for {} ({}) says {}.",
                        control.id,
                        service.name,
                        day(evidence.collected_on),
                        evidence.result.as_str()
                    ),
                    remedy,
                ))
                .source(&evidence.source)
                .source(&control.source)
                .done(),
            );
        }
    }
    all_good
}

fn title_or_dash(title: &str) -> &str {
    if title.is_empty() {
        "untitled"
    } else {
        title
    }
}

/// Each control's newest evidence for each in-scope service it applies to, for the
/// auditor pack's control register.
pub(super) fn control_status(index: &Index<'_>) -> Vec<ControlStatus> {
    let inputs = index.judgement.inputs;
    let mut status = Vec::new();
    for c in 0..inputs.controls.len() {
        if !index.is_primary_control(c) {
            continue;
        }
        for s in 0..inputs.services.len() {
            if !inputs.services[s].in_scope || !index.is_primary_service(s) || !index.applies(c, s)
            {
                continue;
            }
            status.push(ControlStatus {
                control: c,
                service: s,
                state: index.evidence_state(c, s),
            });
        }
    }
    status
}

/// `EVIDENCE_FILE_MISSING`: under an evidence root, each evidence row the run relies on
/// (the newest of a control for some in-scope service) whose file is not there. One
/// finding per row, however many services it serves: the auditor ties out the row, and a
/// control evidenced org-wide would otherwise raise one finding per service.
pub(super) fn missing_files(
    index: &Index<'_>,
    control_status: &[ControlStatus],
    files: &[FileStatus],
    findings: &mut Vec<Finding>,
) {
    let inputs = index.judgement.inputs;
    let model = index.judgement.model;
    // Each relied-on row with a missing file, and the services it serves, in row order.
    let mut served: std::collections::BTreeMap<usize, (usize, Vec<usize>)> = Default::default();
    for st in control_status {
        if let Some(row) = st.newest() {
            // A refused path (one leaving the root) cannot be tied out either.
            if matches!(
                files.get(row),
                Some(FileStatus::Missing | FileStatus::Refused(_))
            ) {
                served
                    .entry(row)
                    .or_insert_with(|| (st.control, Vec::new()))
                    .1
                    .push(st.service);
            }
        }
    }
    for (row, (c, services)) in served {
        let evidence = &inputs.evidence[row];
        let control = &inputs.controls[c];
        let service = match (&evidence.service, services.as_slice()) {
            (Some(named), _) => Some(named.to_string()),
            (None, [only]) => Some(inputs.services[*only].name.clone()),
            (None, _) => None,
        };
        let serves = match services.len() {
            1 => inputs.services[services[0]].name.clone(),
            n => format!("{n} services"),
        };
        let mut draft = Draft::new(
            Code::EvidenceFileMissing,
            format!(
                "Evidence for control {} ({}) collected {} relies on the file {:?}, which {}; it serves {serves}.",
                control.id,
                title_or_dash(&control.title),
                evidence.collected_on,
                evidence.file,
                match &files[row] {
                    FileStatus::Refused(why) => format!("was refused and not read ({why})"),
                    _ => "is not under the evidence root".to_string(),
                }
            ),
            format!(
                "Put {:?} under the evidence root, or correct evidence_file in {}!{}.",
                evidence.file, evidence.source.sheet, evidence.source.row
            ),
        )
        .domain(&model.domains[control.domain].name)
        .control(&control.id)
        .source(&evidence.source);
        if let Some(service) = &service {
            draft = draft.service(service);
        }
        findings.push(draft.done());
    }
}
