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
    ResidencyViolation,
    ResidencyUnknown,
    ResponsibilityDrift,
    VendorControlGap,
    QuestionnaireInconsistent,
    OriginationMismatch,
}

impl Code {
    /// Every code, in catalogue order.
    pub const ALL: [Code; 22] = [
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
        Code::ResidencyViolation,
        Code::ResidencyUnknown,
        Code::ResponsibilityDrift,
        Code::VendorControlGap,
        Code::QuestionnaireInconsistent,
        Code::OriginationMismatch,
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
            Code::ResidencyViolation => "RESIDENCY_VIOLATION",
            Code::ResidencyUnknown => "RESIDENCY_UNKNOWN",
            Code::ResponsibilityDrift => "RESPONSIBILITY_DRIFT",
            Code::VendorControlGap => "VENDOR_CONTROL_GAP",
            Code::QuestionnaireInconsistent => "QUESTIONNAIRE_INCONSISTENT",
            Code::OriginationMismatch => "ORIGINATION_MISMATCH",
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
            Code::ResidencyViolation => Severity::High,
            Code::ResidencyUnknown => Severity::Medium,
            Code::ResponsibilityDrift => Severity::High,
            Code::VendorControlGap | Code::OriginationMismatch => Severity::Medium,
            Code::QuestionnaireInconsistent => Severity::Low,
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
            Code::ResidencyViolation => "Under a [residency] policy: an in-scope service holds a data class in a region the policy does not allow for that class (a group or wildcard in the regions cell counts as every region it stands for; global is allowed only where the policy says *). One finding per service. High, critical when a class held outside the policy is PHI or PCI (PII alone stays high).",
            Code::ResidencyUnknown => "Under a [residency] policy: an in-scope service holds PII, PHI or PCI data and its regions cell is empty. Medium, never stepped up (it only concerns regulated data).",
            Code::ResponsibilityDrift => "A vendor's own statement of who owns a control contradicts the model for that vendor's in-scope services, in the domain the control maps to (CCM and 800-53 controls are mapped by a table shipped as data). CAIQ (questions answered Yes or No): CSC-owned where the model gives the vendor all or a share of the domain; Shared CSP and CSC where the model gives it to the vendor alone; CSP-owned or 3rd-party (alone or shared with the vendor) where the model gives it to the customer alone. CSP-owned against a shared cell, and shared against a customer cell, are not drift: the customer's part stands either way. FedRAMP CIS: the same comparison for the control's origination (provider, shared or customer; several marks on a row name every party they mark, so a provider mark with a customer mark is shared); controls whose status is N/A are not compared, as CAIQ NA answers are not. One finding per question or CIS row: without a service when every in-scope service of the vendor drifts (each of those services' cells still shows it), else one per drifting service. The message ends with the vendor's own explanation (a CAIQ's CSP Implementation Description) when it gives one.",
            Code::VendorControlGap => "By the vendor's own account a control on its side is not in place: a CAIQ question answered No whose ownership is CSP-owned, 3rd-party outsourced, or shared (with the customer or a third party); or a FedRAMP CIS control with any provider or Shared origination mark, whatever else is marked, whose implementation status is Planned or Partially Implemented (and not Implemented). One finding per row; a CAIQ gap's message ends with the vendor's own explanation when it gives one.",
            Code::QuestionnaireInconsistent => "A row of a vendor's questionnaire breaks the questionnaire's own rules, so it cannot be judged: a blank or unknown CAIQ answer or ownership, an answer with no ownership, no Question ID, or an ownership given for an NA answer (info, when that is the only fault); in a FedRAMP workbook a CIS row with no control origination (info, when that is the only fault and the status is N/A), no implementation status, or N/A together with another status (Implemented and N/A), a status or origination cell holding something other than X, a CRM answer other than Yes, Partial or No, a control in the CIS but not the CRM or the reverse, or a control listed twice. One finding per row; never stepped up. Such rows are left out of the other checks.",
            Code::OriginationMismatch => "The CRM's Can Be Inherited from CSP contradicts the CIS's control origination for the same control: the FedRAMP template asks Yes for a provider origination (Service Provider Corporate, System Specific or Hybrid, or Inherited from a pre-existing authorization), Partial for Shared, and No for Configured or Provided by Customer; several marks on a row name every party they mark, so a provider mark with a customer mark is shared (Partial). Controls whose status is N/A are not compared. Medium; high when the CRM promises more inheritance than the origination allows (Yes for a shared or customer control, Partial for a customer one). One finding per CIS row.",
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
            Code::ResidencyViolation => "Data held outside the residency policy",
            Code::ResidencyUnknown => "Regulated data held in an unstated region",
            Code::ResponsibilityDrift => "Vendor's stated ownership contradicts the model",
            Code::VendorControlGap => "Vendor says a control of its own is not in place",
            Code::QuestionnaireInconsistent => "Vendor questionnaire breaks its own rules",
            Code::OriginationMismatch => "FedRAMP CRM contradicts the CIS origination",
        }
    }
}

impl Code {
    /// Why an auditor or a board should care, in two or three sentences. Printed by
    /// `demarc explain`; the lessons are the seeds' (the documents the project was founded on).
    pub fn why(self) -> &'static str {
        match self {
            Code::EvidenceMissing => "The model says this part is yours, and nothing shows it is done. Most cloud breaches are not attacks on the provider but the customer's own side left unmanaged (Capital One, 2019: overly permissive customer IAM roles). An auditor treats an unevidenced control as not operating.",
            Code::EvidenceStale => "A control tested once is not a control operating through the period. Evidence older than the control's own frequency says nothing about the quarter being reported, so an auditor will not rely on it.",
            Code::ControlIneffective => "The control exists and was tested, and the test says it does not work. This is the customer's side of the model failing in a way already on record: the first thing an auditor and an attacker will look at.",
            Code::ControlNotTested => "A control that was not (fully) tested gives only partial assurance. It is not a failure yet, but it cannot be counted as operating effectively either.",
            Code::DomainUnowned => "The model hands this responsibility to you (alone or shared), and no control in your catalogue takes it on. Nobody is doing it. Misconfiguration is your responsibility even in secure cloud environments: a gap nobody owns is how data ends up exposed.",
            Code::AttestationMissing => "For the provider's part of the model you rely on the provider, and the only independent evidence that the provider does its part is an attestation (SOC 2, ISO 27001, FedRAMP...). Without one, the provider's side is assumed, not verified.",
            Code::AttestationGap => "A SOC report covers a past period; a certificate has an expiry. If nothing covers the period end, there is a stretch of time for which nobody independent vouches for the provider's controls.",
            Code::AttestationExpired => "An expired certificate no longer vouches for anything: the provider may have lapsed, failed recertification or simply not sent the new one. Either way the provider's part is unverified at the period end.",
            Code::AttestationExpiring => "The certificate still holds, but will lapse soon after the period end. Ask for the renewal now so next quarter's pack is not a gap.",
            Code::OpinionModified => "A qualified, adverse or disclaimed opinion means the provider's own auditor could not say the controls are fairly described and operating. You cannot rely on that report as you would on a clean one.",
            Code::AttestationExceptions => "The report is clean overall, but the auditor found exceptions in some controls. Whether they touch the services and domains you rely on must be read and recorded.",
            Code::AttestationScope => "Attestations cover named systems and criteria. A report that does not cover this service or this domain proves nothing about it, however good it is elsewhere.",
            Code::CuecUnmapped => "A provider's SOC report only holds if its customers do their part: the complementary user entity controls. A CUEC with no control of yours behind it means the provider's assurance is conditional on something nobody does.",
            Code::CuecUnevidenced => "The CUEC is mapped to one of your controls, but that control is not evidenced as operating. The provider's report assumes it is, so the assurance you take from the report is weaker than it looks.",
            Code::UnknownReference => "A row names a control, service or vendor that is defined nowhere else. Usually a typo or a renamed item; until it is fixed, that row is not counted where it was meant to be, and a real gap may hide behind it.",
            Code::DuplicateRow => "Two rows say different things about the same thing. The report cannot know which is true, and neither can an auditor; keep one source of truth.",
            Code::ResidencyViolation => "Where data lives is always the customer's side of the model: the provider keeps it in whatever region it is told to. Data protection and sovereignty laws (GDPR and UK GDPR, Brazil's LGPD, California's CCPA, HIPAA agreements for health data) tie classes of data to places, so data held outside the organisation's own residency policy is a compliance breach no provider attestation covers. PHI and PCI data held outside it is critical.",
            Code::ResidencyUnknown => "The service holds regulated data (PII, PHI or PCI) and nobody has recorded where. Residency is the customer's duty under GDPR, LGPD, CCPA and similar laws; a location nobody knows cannot be shown to comply, and is often where a transfer nobody approved hides.",
            Code::ResponsibilityDrift => "Most cloud breaches come from a responsibility each side thought was the other's. When the vendor says a control is yours and your model says it is the vendor's (or shared), nobody may be doing it: your catalogue has no control for it and the vendor has disclaimed it. Settle it with the vendor before an incident does.",
            Code::VendorControlGap => "The vendor itself says a control it is responsible for is not in place. Its attestation may not test that point, so the gap can be invisible in the SOC report: it is a known weakness on the provider's side of the model.",
            Code::QuestionnaireInconsistent => "A questionnaire with blank, unknown or self-contradicting answers cannot be relied on row by row. Those rows are left out of the drift and gap checks, so the reviewer needs to know how much of the questionnaire could be judged, and the vendor should fix it.",
            Code::OriginationMismatch => "The CIS and the CRM are the provider's two statements of who does each control, and customers plan their own controls from the CRM. When they disagree, either the customer does work the provider already does or, worse, relies on an inheritance the provider does not give.",
        }
    }

    /// How to clear a finding of this code, in general terms. Each finding carries its own
    /// remedy naming its service, control or vendor; this is the catalogue's version.
    pub fn remedy(self) -> &'static str {
        match self {
            Code::EvidenceMissing => "Record evidence for the control and service (a dated Evidence row with its result), or, if the control does not apply to that service, narrow the control's `applies_to`.",
            Code::EvidenceStale => "Test the control again and record the new evidence, or, if it really runs less often, correct its `frequency` in Controls.",
            Code::ControlIneffective => "Fix the control, retest it and record the new evidence; record the remediation plan meanwhile.",
            Code::ControlNotTested => "Complete the test and record its result (Effective, or the exceptions found).",
            Code::DomainUnowned => "Add a control for the domain that applies to the service (Controls sheet: domain and applies_to), with an owner; or, if the model is wrong for this service, override it in the model file.",
            Code::AttestationMissing => "Obtain the vendor's current SOC 2 report, ISO 27001 certificate or equivalent and record it in Attestations.",
            Code::AttestationGap => "Ask the vendor for a bridge letter covering the gap, or for the report of the next period, and record it.",
            Code::AttestationExpired => "Obtain the renewed certificate and record it; until then treat the provider's part as unverified.",
            Code::AttestationExpiring => "Ask the vendor for the renewal date and the new certificate before it lapses.",
            Code::OpinionModified => "Read the basis for the modified opinion, assess its effect on the services you use, and record compensating controls or a risk acceptance.",
            Code::AttestationExceptions => "Read the exceptions, decide whether they affect your services, and record the assessment.",
            Code::AttestationScope => "Ask the vendor for an attestation that covers the service and domain, or record why the existing scope is enough.",
            Code::CuecUnmapped => "Map the CUEC to a control of yours in the CUECs sheet (`mapped_control`), adding the control if none exists.",
            Code::CuecUnevidenced => "Evidence the mapped control for the vendor's services: record current, effective evidence.",
            Code::UnknownReference => "Correct the name (see the did-you-mean hint), or add the missing control, service or vendor to its sheet.",
            Code::DuplicateRow => "Keep one row per key and delete or correct the other.",
            Code::ResidencyViolation => "Move the data to a region the policy allows for its class, or stop keeping that class in the service; if the policy itself is wrong, change `[residency]` in demarc.toml (and record who approved the change).",
            Code::ResidencyUnknown => "Find out where the service holds its data (from the provider's console or the vendor's data processing terms) and fill in its `regions` cell: region names, a group such as EU or US, or global.",
            Code::ResponsibilityDrift => "Ask the vendor who performs the control and record the answer; then add or assign a customer control for your part, or correct the model with an override for the vendor's services, so that both agree.",
            Code::VendorControlGap => "Ask the vendor when the control will be in place, record compensating controls on your side meanwhile, and weigh the gap in the vendor's risk rating.",
            Code::QuestionnaireInconsistent => "Ask the vendor to correct the rows named; until then treat those answers as unknown.",
            Code::OriginationMismatch => "Ask the provider which statement is right and to correct its workbook; until then plan your own controls on the more customer-facing of the two.",
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

    #[test]
    fn codes_serialise_as_catalogue_names() {
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
