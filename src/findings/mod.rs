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

#[cfg(test)]
mod tests {
    use super::*;

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
