//! `demarc explain`: the finding catalogue for people. Everything printed comes from
//! [`Code`]'s own methods, the same ones the reconciler and the reports use, so a code can
//! never be missing here or explained differently from how it is judged.

use crate::findings::{Code, Severity, StepUp};
use crate::inputs::names;

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
    let own: Vec<&str> = Code::ALL
        .iter()
        .filter(|&&code| has_own_rule(code))
        .map(|code| code.as_str())
        .collect();
    text.push('\n');
    text.push_str(&wrap(&format!(
        "Severity rises one step (to at most critical) where the service holds PII, PHI or PCI data; {} have their own rule.",
        own.join(", ")
    )));
    text.push_str("\n`demarc explain CODE` gives the rule, why it matters and the remedy.\n");
    text
}

/// The standard step-up, as [`severity_text`] words it.
const STANDARD_STEP_UP: &str =
    "; one step up (to at most critical) where the service holds PII, PHI or PCI";

/// Whether a code's severity follows a rule of its own rather than the standard step-up.
fn has_own_rule(code: Code) -> bool {
    !matches!(code.step_up(), StepUp::Standard)
}

/// The base severity, with the code's own rule for moving from it (also the auditor pack's
/// methodology table, so the two cannot drift apart).
pub(crate) fn severity_text(code: Code) -> String {
    let base = code.base_severity();
    let note = match code.step_up() {
        StepUp::Standard if base == Severity::Critical => String::new(),
        StepUp::Standard => STANDARD_STEP_UP.to_string(),
        StepUp::Never { why: None } => "; never stepped up".to_string(),
        StepUp::Never { why: Some(why) } => format!("; never stepped up ({why})"),
        StepUp::Own { rule, .. } => format!("; {rule}"),
    };
    format!("{base}{note}")
}

/// The same for a table under a sentence stating the standard step-up once (the auditor
/// pack's methodology): a code that follows it shows its base severity alone, so that
/// the rows that differ stand out instead of a clause repeated on most of them.
pub(crate) fn severity_text_beside_the_standard(code: Code) -> String {
    match code.step_up() {
        StepUp::Standard => code.base_severity().to_string(),
        _ => severity_text(code),
    }
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

    /// The README's table of codes with a severity rule of their own says what `demarc
    /// explain` says, code by code, and lists every such code.
    #[test]
    fn the_readme_states_each_own_severity_rule_as_explain_does() {
        let readme = include_str!("../../README.md");
        for code in Code::ALL.into_iter().filter(|&c| has_own_rule(c)) {
            let text = severity_text(code);
            let own = text
                .strip_prefix(code.base_severity().as_str())
                .unwrap_or(&text);
            let row = format!("| `{}` | {} |", code.as_str(), own.trim_start_matches("; "));
            assert!(readme.contains(&row), "README.md lacks the row\n{row}");
        }
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
