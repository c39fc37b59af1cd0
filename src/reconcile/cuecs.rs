//! Complementary user entity controls: the duties a vendor's report puts back on the
//! customer. Each CUEC row must map to a customer control, and that control must be
//! evidenced (fresh and Effective) for every in-scope service of the vendor it applies to.

use super::index::{EvidenceState, Index};
use super::{CuecScope, Draft};
use crate::findings::{Code, Finding};

/// Judges every CUEC row, adding its finding, and returns what was judged of each (in the
/// order of `inputs.cuecs`).
pub(super) fn judge(index: &Index<'_>, findings: &mut Vec<Finding>) -> Vec<CuecScope> {
    let inputs = index.judgement.inputs;
    let mut scopes = Vec::with_capacity(inputs.cuecs.len());
    for cuec in &inputs.cuecs {
        let vendor_services: Vec<usize> = index
            .services_of(&cuec.vendor)
            .iter()
            .copied()
            .filter(|&s| inputs.services[s].in_scope)
            .collect();
        // A vendor with no in-scope service raises nothing here (an unknown vendor is an
        // UNKNOWN_REFERENCE, raised elsewhere).
        if vendor_services.is_empty() {
            scopes.push(CuecScope::NoServiceInScope);
            continue;
        }
        let description = if cuec.description.is_empty() {
            String::new()
        } else {
            format!(" ({})", cuec.description)
        };
        let control = cuec
            .mapped_control
            .as_deref()
            .and_then(|id| index.control(id));
        let Some(c) = control else {
            let message = match &cuec.mapped_control {
                None => format!("CUEC {} of {}{description} maps to no customer control.", cuec.cuec_id, cuec.vendor),
                Some(id) => format!(
                    "CUEC {} of {}{description} maps to control {id}, which is not in the catalogue.",
                    cuec.cuec_id, cuec.vendor
                ),
            };
            let mut draft = Draft::new(
                Code::CuecUnmapped,
                message,
                format!("Map {} to the customer control that meets it (mapped_control), or add such a control.", cuec.cuec_id),
            )
            .regulated(vendor_services.iter().any(|&s| inputs.services[s].is_regulated()))
            .vendor(&cuec.vendor)
            .cuec(&cuec.cuec_id)
            .source(&cuec.source);
            if let Some(id) = &cuec.mapped_control {
                draft = draft.control(id);
            }
            findings.push(draft.done());
            scopes.push(CuecScope::Unmapped);
            continue;
        };
        let control_row = &inputs.controls[c];
        let judged: Vec<usize> = vendor_services
            .into_iter()
            .filter(|&s| index.applies(c, s))
            .collect();
        scopes.push(match judged.len() {
            0 => CuecScope::ControlAppliesToNone,
            n => CuecScope::Judged(n),
        });
        let mut failing = Vec::new();
        let mut rows = Vec::new();
        for &s in &judged {
            let state = index.evidence_state(c, s);
            if let EvidenceState::Found { row, .. } = state {
                rows.push(row);
            }
            if !state.is_good(&inputs.evidence) {
                let why = match state {
                    EvidenceState::Missing => "no evidence".to_string(),
                    EvidenceState::Found { fresh: false, .. } => "stale evidence".to_string(),
                    EvidenceState::Found { row, .. } => {
                        inputs.evidence[row].result.as_str().to_string()
                    }
                };
                failing.push(format!("{}: {why}", inputs.services[s].name));
            }
        }
        if failing.is_empty() {
            continue;
        }
        let mut draft = Draft::new(
            Code::CuecUnevidenced,
            format!(
                "CUEC {} of {}{description} relies on control {}, which is not evidenced ({}).",
                cuec.cuec_id,
                cuec.vendor,
                control_row.id,
                failing.join("; ")
            ),
            format!(
                "Collect fresh, effective evidence that {} operates for the vendor's services.",
                control_row.id
            ),
        )
        .regulated(judged.iter().any(|&s| inputs.services[s].is_regulated()))
        .vendor(&cuec.vendor)
        .cuec(&cuec.cuec_id)
        .control(&control_row.id)
        .source(&cuec.source)
        .source(&control_row.source);
        rows.sort_unstable();
        for row in rows {
            draft = draft.source(&inputs.evidence[row].source);
        }
        findings.push(draft.done());
    }
    scopes
}
