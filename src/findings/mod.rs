//! What demarc reports: a [`Finding`] with a stable [`Code`], a [`Severity`], the subject it
//! concerns and the spreadsheet rows ([`Source`]) that caused it.
//!
//! Codes and their wording are declared once, in [`catalogue`], so that the catalogue the
//! reports print, the rule the reconciler applies and the remedy a user reads cannot drift
//! apart. This module knows nothing about spreadsheets or PDFs.

pub mod explain;

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered from least to most severe so that `max()` is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, most severe first (the order reports list them in).
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// One step more severe, capped at critical: the PII/PHI/PCI step-up.
    pub fn step_up(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    /// The lowercase name used in JSON, CSV and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a severity name, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> Option<Severity> {
        let text = text.trim().to_ascii_lowercase();
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

mod catalogue;

pub use catalogue::{Code, Entry, Side, StepUp};

impl Code {
    /// The code as written in findings documents, e.g. `EVIDENCE_STALE`.
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    /// The severity before any step-up (a code with a rule of its own may move from it:
    /// see [`Code::step_up`]).
    pub fn base_severity(self) -> Severity {
        self.entry().severity
    }

    /// How regulated data moves the severity.
    pub fn step_up(self) -> StepUp {
        self.entry().step_up
    }

    /// Whose part of the model the code concerns.
    pub fn side(self) -> Side {
        self.entry().side
    }

    /// The rule that raises this code, as the catalogue states it (printed in the
    /// auditor pack's methodology).
    pub fn rule(self) -> &'static str {
        self.entry().rule
    }

    /// What the finding means in one plain line, for the summary tables.
    pub fn title(self) -> &'static str {
        self.entry().title
    }

    /// When the code is raised, in one line (the README's findings table).
    pub fn summary(self) -> &'static str {
        self.entry().summary
    }

    /// Why an auditor or a board should care, in two or three sentences. Printed by
    /// `demarc explain`; the lessons are the seeds' (the documents the project was founded
    /// on).
    pub fn why(self) -> &'static str {
        self.entry().why
    }

    /// How to clear a finding of this code, in general terms. Each finding carries its own
    /// remedy naming its service, control or vendor; this is the catalogue's version.
    pub fn remedy(self) -> &'static str {
        self.entry().remedy
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record came from: the file, the sheet and the row as the spreadsheet shows it
/// (1-based, banner rows counted). CSV files use the file's stem as the sheet name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    /// Shared, not copied: a million evidence rows name the same file and sheet.
    pub file: std::sync::Arc<str>,
    pub sheet: std::sync::Arc<str>,
    pub row: u32,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}!{}", self.file, self.sheet, self.row)
    }
}

/// One thing an auditor should look at. Field names are part of the findings.json contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// A short, stable identifier (`F-3f9a1c2b7d4e`): the same finding keeps it from one
    /// run and one period to the next, because it is derived from the code and what the
    /// finding is about, never from row numbers that shift (see [`assign_ids`]). Files
    /// written before ids existed read with it empty.
    #[serde(default)]
    pub id: String,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub remedy: String,
    pub service: Option<String>,
    pub domain: Option<String>,
    pub control_id: Option<String>,
    pub vendor: Option<String>,
    pub cuec_id: Option<String>,
    pub sources: Vec<Source>,
}

impl Finding {
    /// What the finding is about, as compared across runs: its code and subject (service,
    /// domain, control, vendor, CUEC), trimmed and case-folded — not its wording or rows.
    pub fn identity(&self) -> (Code, [String; 5]) {
        let k = |v: &Option<String>| {
            v.as_deref()
                .map(crate::inputs::names::key)
                .unwrap_or_default()
        };
        (
            self.code,
            [
                k(&self.service),
                k(&self.domain),
                k(&self.control_id),
                k(&self.vendor),
                k(&self.cuec_id),
            ],
        )
    }

    /// The key findings are sorted by: worst first, then catalogue order, then subject.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            Code::ALL.iter().position(|c| *c == self.code),
            self.service.as_deref().map(str::to_lowercase),
            self.domain.as_deref(),
            self.control_id.as_deref().map(str::to_lowercase),
            self.vendor.as_deref().map(str::to_lowercase),
            self.cuec_id.as_deref().map(str::to_lowercase),
            &self.sources,
        )
    }
}

/// Puts findings in report order ([`Finding::sort_key`]), stably. Each key is made once:
/// comparing half a million findings made their lower-cased names twenty million times.
pub fn sort(findings: &mut Vec<Finding>) {
    let order = {
        let keys: Vec<_> = findings.iter().map(Finding::sort_key).collect();
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        order
    };
    let mut taken: Vec<Option<Finding>> = std::mem::take(findings).into_iter().map(Some).collect();
    findings.extend(
        order
            .into_iter()
            .map(|i| taken[i].take().expect("each finding is placed once")),
    );
}

/// Gives every finding its id: `F-` and the first 12 hex digits of the SHA-256 of its
/// [`Finding::identity`]. 48 bits keep a chance collision between two different findings
/// below one in two thousand even at half a million findings; findings that share an
/// identity (two conflicting duplicate pairs of one control) or a collision are told apart
/// by `-2`, `-3`… in the findings' own (deterministic) order.
pub fn assign_ids(findings: &mut [Finding]) {
    use sha2::{Digest, Sha256};
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for finding in findings.iter_mut() {
        let (code, subject) = finding.identity();
        let mut hasher = Sha256::new();
        hasher.update(code.as_str());
        for part in &subject {
            hasher.update([0x1f]);
            hasher.update(part);
        }
        let digest = hasher.finalize();
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let base = format!("F-{hex}");
        let count = seen.entry(base.clone()).or_insert(0);
        *count += 1;
        finding.id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: Code, service: &str) -> Finding {
        Finding {
            id: String::new(),
            code,
            severity: Severity::High,
            message: format!("row {service}"),
            remedy: String::new(),
            service: Some(service.into()),
            domain: None,
            control_id: Some("AC-2".into()),
            vendor: None,
            cuec_id: None,
            sources: Vec::new(),
        }
    }

    #[test]
    fn ids_follow_what_a_finding_is_about_not_its_wording_or_place() {
        let mut run1 = vec![
            finding(Code::EvidenceMissing, "Okta"),
            finding(Code::EvidenceMissing, "Slack"),
        ];
        let mut run2 = vec![finding(Code::EvidenceMissing, " okta ")];
        run2[0].message = "reworded, and read from another row".into();
        assign_ids(&mut run1);
        assign_ids(&mut run2);
        assert_eq!(run1[0].id, run2[0].id, "the same finding keeps its id");
        assert_ne!(run1[0].id, run1[1].id);
        assert!(
            run1[0].id.starts_with("F-") && run1[0].id.len() == 14,
            "{}",
            run1[0].id
        );
        let mut other_code = vec![finding(Code::EvidenceStale, "Okta")];
        assign_ids(&mut other_code);
        assert_ne!(other_code[0].id, run1[0].id);
    }

    #[test]
    fn findings_sharing_an_identity_are_told_apart_in_order() {
        let mut twins = vec![
            finding(Code::DuplicateRow, "Okta"),
            finding(Code::DuplicateRow, "Okta"),
        ];
        assign_ids(&mut twins);
        assert_eq!(twins[1].id, format!("{}-2", twins[0].id));
    }

    #[test]
    fn step_up_caps_at_critical() {
        assert_eq!(Severity::Low.step_up(), Severity::Medium);
        assert_eq!(Severity::High.step_up(), Severity::Critical);
        assert_eq!(Severity::Critical.step_up(), Severity::Critical);
    }

    #[test]
    fn every_code_is_explained() {
        for code in Code::ALL {
            assert!(code.why().len() > 40, "{code}: why is too thin");
            assert!(code.remedy().len() > 20, "{code}: remedy is too thin");
            assert!(!code.rule().is_empty() && !code.title().is_empty());
        }
    }
}
