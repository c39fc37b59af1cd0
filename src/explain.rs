//! `demarc explain`: the finding catalogue for people. Everything printed comes from
//! [`Code`]'s own methods, the same ones the reconciler and the reports use, so a code can
//! never be missing here or explained differently from how it is judged.

use crate::findings::{Code, Severity};
use crate::names;

/// One code in full: title, severity, rule, why it matters, remedy.
pub fn one(text: &str) -> Result<String, crate::Error> {
    let wanted = names::loose_key(text);
    let Some(code) = Code::ALL
        .into_iter()
        .find(|c| names::loose_key(c.as_str()) == wanted)
    else {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let hint = names::closest(text, all.iter().copied())
            .map(|c| format!(" (did you mean {c}?)"))
            .unwrap_or_default();
        return Err(crate::Error::Explain(format!(
            "{text:?} is not a finding code{hint}; `demarc explain` lists them all"
        )));
    };
    Ok(format!(
        "{code} — {title}\n\nseverity: {severity}\n\nRule\n{rule}\n\nWhy it matters\n{why}\n\nRemedy\n{remedy}\n",
        title = code.title(),
        severity = severity_text(code),
        rule = wrap(code.rule()),
        why = wrap(code.why()),
        remedy = wrap(code.remedy()),
    ))
}

/// Every code, one line each, in catalogue order.
pub fn catalogue() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for code in Code::ALL {
        text.push_str(&format!(
            "{:width$}  {:8}  {}\n",
            code.as_str(),
            code.base_severity().as_str(),
            code.title()
        ));
    }
    text.push_str("\nSeverity rises one step (to at most critical) where the service holds PII, PHI or PCI data\n(UNKNOWN_REFERENCE, the RESIDENCY_ codes, QUESTIONNAIRE_INCONSISTENT and ORIGINATION_MISMATCH\nhave their own rule).\n`demarc explain CODE` gives the rule, why it matters and the remedy.\n");
    text
}

/// The base severity, with the code's own rule for moving from it.
fn severity_text(code: Code) -> String {
    let base = code.base_severity();
    let note = match code {
        Code::OpinionModified => {
            "; critical for an Adverse opinion or a Disclaimer; one step up for PII, PHI or PCI"
        }
        Code::UnknownReference => "; never stepped up",
        Code::ResidencyViolation => {
            "; critical when a class held outside the policy is PHI or PCI (PII alone stays high)"
        }
        Code::ResidencyUnknown => "; never stepped up (it only concerns regulated data)",
        Code::QuestionnaireInconsistent => {
            "; info when the only fault is an ownership given for an NA answer, or no origination marked on an N/A CIS row; never stepped up"
        }
        Code::OriginationMismatch => {
            "; high when the CRM promises more inheritance than the origination allows; one step up for PII, PHI or PCI"
        }
        _ if base == Severity::Critical => "",
        _ => "; one step up (to at most critical) where the service holds PII, PHI or PCI",
    };
    format!("{base}{note}")
}

/// Wraps text at 88 columns on spaces, for a terminal.
fn wrap(text: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 88 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_loosely_and_suggests_near_misses() {
        assert!(one("evidence-stale").unwrap().starts_with("EVIDENCE_STALE"));
        let error = one("EVIDENCE_STAEL").unwrap_err().to_string();
        assert!(error.contains("did you mean EVIDENCE_STALE"), "{error}");
    }

    #[test]
    fn wraps_without_losing_words() {
        let text = Code::DomainUnowned.why();
        let wrapped = wrap(text);
        assert!(wrapped.lines().all(|l| l.len() <= 88));
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }
}
