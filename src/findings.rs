//! What demarc reports: a [`Finding`] with a stable [`Code`], a [`Severity`], the subject it
//! concerns and the spreadsheet rows ([`Source`]) that caused it.
//!
//! Codes and their wording live here, beside each other, so that the catalogue the reports
//! print, the rule the reconciler applies and the remedy a user reads cannot drift apart.
//! This module knows nothing about spreadsheets or PDFs.

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

/// The stable finding codes. Their names are a contract: other tools read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    DomainUnowned,
    EvidenceMissing,
    EvidenceStale,
    ControlIneffective,
    ControlNotTested,
    AttestationMissing,
    AttestationGap,
    AttestationScope,
    AttestationExpired,
    AttestationExpiring,
    OpinionModified,
    AttestationExceptions,
    CuecUnmapped,
    CuecUnevidenced,
    UnknownReference,
    DuplicateRow,
}

impl Code {
    /// Every code, in catalogue order.
    pub const ALL: [Code; 16] = [
        Code::EvidenceMissing,
        Code::EvidenceStale,
        Code::ControlIneffective,
        Code::ControlNotTested,
        Code::DomainUnowned,
        Code::AttestationMissing,
        Code::AttestationGap,
        Code::AttestationExpired,
        Code::AttestationExpiring,
        Code::OpinionModified,
        Code::AttestationExceptions,
        Code::AttestationScope,
        Code::CuecUnmapped,
        Code::CuecUnevidenced,
        Code::UnknownReference,
        Code::DuplicateRow,
    ];

    /// The code as written in findings documents, e.g. `EVIDENCE_STALE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EvidenceMissing => "EVIDENCE_MISSING",
            Code::EvidenceStale => "EVIDENCE_STALE",
            Code::ControlIneffective => "CONTROL_INEFFECTIVE",
            Code::ControlNotTested => "CONTROL_NOT_TESTED",
            Code::DomainUnowned => "DOMAIN_UNOWNED",
            Code::AttestationMissing => "ATTESTATION_MISSING",
            Code::AttestationGap => "ATTESTATION_GAP",
            Code::AttestationExpired => "ATTESTATION_EXPIRED",
            Code::AttestationExpiring => "ATTESTATION_EXPIRING",
            Code::OpinionModified => "OPINION_MODIFIED",
            Code::AttestationExceptions => "ATTESTATION_EXCEPTIONS",
            Code::AttestationScope => "ATTESTATION_SCOPE",
            Code::CuecUnmapped => "CUEC_UNMAPPED",
            Code::CuecUnevidenced => "CUEC_UNEVIDENCED",
            Code::UnknownReference => "UNKNOWN_REFERENCE",
            Code::DuplicateRow => "DUPLICATE_ROW",
        }
    }

    /// The severity before any step-up. `OPINION_MODIFIED` is raised to critical by the
    /// reconciler for Adverse and Disclaimer opinions; `CONTROL_NOT_TESTED` stays medium.
    pub fn base_severity(self) -> Severity {
        match self {
            Code::DomainUnowned => Severity::Critical,
            Code::EvidenceMissing
            | Code::ControlIneffective
            | Code::AttestationMissing
            | Code::AttestationGap
            | Code::AttestationExpired
            | Code::OpinionModified
            | Code::AttestationScope
            | Code::CuecUnmapped
            | Code::CuecUnevidenced => Severity::High,
            Code::EvidenceStale
            | Code::ControlNotTested
            | Code::AttestationExceptions
            | Code::DuplicateRow => Severity::Medium,
            Code::AttestationExpiring | Code::UnknownReference => Severity::Low,
        }
    }

    /// The rule that raises this code, as the catalogue states it (printed in the
    /// auditor pack's methodology).
    pub fn rule(self) -> &'static str {
        match self {
            Code::EvidenceMissing => "A control serving a customer or shared cell of an in-scope service has no evidence for that service on or before the period end.",
            Code::EvidenceStale => "The newest evidence on or before the period end is not after period end minus the control's frequency window (continuous and monthly 1 month, quarterly 3, semiannual 6, annual 12; default quarterly). Evidence dated exactly on the cut-off is stale.",
            Code::ControlIneffective => "The newest evidence on or before the period end says Ineffective or Exception.",
            Code::ControlNotTested => "The newest evidence on or before the period end says Not tested or Partially effective.",
            Code::DomainUnowned => "A customer or shared cell of an in-scope service has no control in the catalogue for that domain and service: nobody owns it.",
            Code::AttestationMissing => "A provider or shared cell has no attestation at all from the service's vendor (issued on or before the as-of date): the provider's part is assumed, not verified.",
            Code::AttestationGap => "Attestations from the vendor cover the cell's service and domain, but none covers the period end: a period report through its period end or bridge letter, a certificate from issue to expiry.",
            Code::AttestationExpired => "The vendor's current certificate expired (expires_on) before the period end.",
            Code::AttestationExpiring => "The vendor's current certificate expires within 90 days after the period end (on the period end itself included).",
            Code::OpinionModified => "The current report's opinion is Qualified (high), or Adverse or Disclaimer (critical).",
            Code::AttestationExceptions => "The current report notes exceptions.",
            Code::AttestationScope => "The vendor has attestations, but none covers this service (services `*` or naming it) and this domain (domains `*` or naming it).",
            Code::CuecUnmapped => "A complementary user entity control (CUEC) maps to no control in the customer's catalogue.",
            Code::CuecUnevidenced => "For an in-scope service of the CUEC's vendor that the mapped control applies to, the control's newest evidence is missing, stale or not Effective.",
            Code::UnknownReference => "A row names a control, service or vendor that exists nowhere else in the inputs.",
            Code::DuplicateRow => "Two rows say conflicting things about the same key (the same service, control, attestation or CUEC, or the same control, service and date of evidence).",
        }
    }

    /// What the finding means in one plain line, for the summary tables.
    pub fn title(self) -> &'static str {
        match self {
            Code::EvidenceMissing => "No evidence for a control",
            Code::EvidenceStale => "Evidence too old for the control's frequency",
            Code::ControlIneffective => "Control found ineffective",
            Code::ControlNotTested => "Control not (fully) tested",
            Code::DomainUnowned => "Nobody owns a customer responsibility",
            Code::AttestationMissing => "No vendor attestation at all",
            Code::AttestationGap => "Vendor attestation does not reach the period end",
            Code::AttestationExpired => "Vendor certificate expired",
            Code::AttestationExpiring => "Vendor certificate expires soon",
            Code::OpinionModified => "Auditor's opinion modified",
            Code::AttestationExceptions => "Vendor report notes exceptions",
            Code::AttestationScope => "Vendor attestation does not cover the service or domain",
            Code::CuecUnmapped => "CUEC not mapped to a customer control",
            Code::CuecUnevidenced => "CUEC's control not evidenced",
            Code::UnknownReference => "Reference to something that does not exist",
            Code::DuplicateRow => "Conflicting duplicate rows",
        }
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
    pub file: String,
    pub sheet: String,
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
    fn codes_serialise_as_catalogue_names() {
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
