//! The finding catalogue, declared once. Each entry is everything the engine, `demarc
//! explain`, the auditor pack's methodology, the vendor verdicts and the README say about a
//! code; [`Code`], [`Code::ALL`] and every accessor are generated from it, so no list is
//! written by hand and no code can fall out of one. Adding a code is one entry here, one
//! rule function in `reconcile/`, and one test (see the README's "Adding a finding code").
//!
//! The order of the entries is the catalogue's order: findings are sorted by it within a
//! severity, and the reports list codes in it.

use super::Severity;
use serde::{Deserialize, Serialize};

/// How a code's severity moves where a service holds PII, PHI or PCI data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUp {
    /// One step up (to at most critical).
    Standard,
    /// Never stepped up, with the reason when there is one worth saying.
    Never { why: Option<&'static str> },
    /// A rule of the code's own, as the reports state it; `steps_up` says whether the
    /// reconciler's one-step raise is used at all (under the code's own condition, for
    /// RESIDENCY_VIOLATION: PHI or PCI rather than any regulated class).
    Own { rule: &'static str, steps_up: bool },
}

impl StepUp {
    /// Whether regulated data raises the severity one step.
    pub fn applies(self) -> bool {
        match self {
            StepUp::Standard => true,
            StepUp::Never { .. } => false,
            StepUp::Own { steps_up, .. } => steps_up,
        }
    }
}

/// Whose part of the model a code concerns: the vendor verdicts and the report sections
/// group codes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The customer's own controls and their evidence.
    Customer,
    /// A vendor's independent assurance: attestations, opinions, exceptions.
    Assurance,
    /// The customer's duties under a vendor's report (CUECs).
    Cuec,
    /// What a vendor says of itself in a CAIQ or FedRAMP workbook.
    Questionnaire,
    /// Where data is held.
    Residency,
    /// The registers' own consistency.
    Hygiene,
    /// The organisation's relationship with a vendor: agreements signed, reviews held
    /// (the Vendors sheet).
    Relationship,
}

/// Everything the catalogue says about one code.
#[derive(Debug)]
pub struct Entry {
    /// The stable name other tools read (`EVIDENCE_STALE`).
    pub name: &'static str,
    /// What the finding means in one plain line.
    pub title: &'static str,
    /// When it is raised, in a line (the README's findings table).
    pub summary: &'static str,
    /// The severity before any step-up.
    pub severity: Severity,
    pub step_up: StepUp,
    pub side: Side,
    /// The rule that raises it, in full (the auditor pack's methodology).
    pub rule: &'static str,
    /// Why an auditor or a board should care (`demarc explain`).
    pub why: &'static str,
    /// How to clear it, in general terms; each finding carries its own.
    pub remedy: &'static str,
}

macro_rules! catalogue {
    ($(
        $variant:ident = $name:literal {
            title: $title:literal,
            summary: $summary:literal,
            severity: $severity:ident,
            step_up: $step_up:expr,
            side: $side:ident,
            rule: $rule:literal,
            why: $why:literal,
            remedy: $remedy:literal $(,)?
        }
    )*) => {
        /// The stable finding codes. Their names are a contract: other tools read them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $( #[serde(rename = $name)] $variant, )*
        }

        /// How many codes there are.
        const COUNT: usize = [$(Code::$variant),*].len();

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: [Code; COUNT] = [$(Code::$variant),*];

            /// The code's catalogue entry.
            pub fn entry(self) -> &'static Entry {
                match self {
                    $( Code::$variant => &Entry {
                        name: $name,
                        title: $title,
                        summary: $summary,
                        severity: Severity::$severity,
                        step_up: $step_up,
                        side: Side::$side,
                        rule: $rule,
                        why: $why,
                        remedy: $remedy,
                    }, )*
                }
            }
        }
    };
}

catalogue! {
    EvidenceMissing = "EVIDENCE_MISSING" {
        title: "No evidence for a control",
        summary: "a control serving a customer/shared cell has no evidence for the service on or before the period end",
        severity: High,
        step_up: StepUp::Standard,
        side: Customer,
        rule: "A control serving a customer or shared cell of an in-scope service has no evidence for that service on or before the period end.",
        why: "The model says this part is yours, and nothing shows it is done. Most cloud breaches are not attacks on the provider but the customer's own side left unmanaged (Capital One, 2019: overly permissive customer IAM roles). An auditor treats an unevidenced control as not operating.",
        remedy: "Record evidence for the control and service (a dated Evidence row with its result), or, if the control does not apply to that service, narrow the control's `applies_to`.",
    }
    EvidenceStale = "EVIDENCE_STALE" {
        title: "Evidence too old for the control's frequency",
        summary: "the newest evidence is older than the control's frequency allows",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Customer,
        rule: "The newest evidence on or before the period end is not after period end minus the control's frequency window (continuous and monthly 1 month, quarterly 3, semiannual 6, annual 12; default quarterly). Evidence dated exactly on the cut-off is stale.",
        why: "A control tested once is not a control operating through the period. Evidence older than the control's own frequency says nothing about the quarter being reported, so an auditor will not rely on it.",
        remedy: "Test the control again and record the new evidence, or, if it really runs less often, correct its `frequency` in Controls.",
    }
    EvidenceFileMissing = "EVIDENCE_FILE_MISSING" {
        title: "Evidence file not found under the evidence root",
        summary: "the file a relied-on evidence row names is not under `--evidence-root`, or was refused",
        severity: Medium,
        step_up: StepUp::Never { why: Some("it is about tying evidence out, whatever data the service holds") },
        side: Customer,
        rule: "Raised only under `--evidence-root`: the newest evidence row of a control for an in-scope service, the row the run relies on, names an `evidence_file` that is not under the root, or a path demarc refused to open (one leaving the root). One finding per such row, whatever the number of services it serves.",
        why: "An auditor ties each piece of evidence relied on to the file behind it. A register row whose file cannot be produced is a claim, not evidence: the auditor cannot rely on it, and the control may be judged as not operating.",
        remedy: "Put the file under the evidence root at the path the row names, or correct the row's `evidence_file`.",
    }
    ControlIneffective = "CONTROL_INEFFECTIVE" {
        title: "Control found ineffective",
        summary: "the newest evidence says Ineffective or Exception",
        severity: High,
        step_up: StepUp::Standard,
        side: Customer,
        rule: "The newest evidence on or before the period end says Ineffective or Exception.",
        why: "The control exists and was tested, and the test says it does not work. This is the customer's side of the model failing in a way already on record: the first thing an auditor and an attacker will look at.",
        remedy: "Fix the control, retest it and record the new evidence; record the remediation plan meanwhile.",
    }
    ControlNotTested = "CONTROL_NOT_TESTED" {
        title: "Control not (fully) tested",
        summary: "the newest evidence says Not tested or Partially effective",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Customer,
        rule: "The newest evidence on or before the period end says Not tested or Partially effective.",
        why: "A control that was not (fully) tested gives only partial assurance. It is not a failure yet, but it cannot be counted as operating effectively either.",
        remedy: "Complete the test and record its result (Effective, or the exceptions found).",
    }
    DomainUnowned = "DOMAIN_UNOWNED" {
        title: "Nobody owns a customer responsibility",
        summary: "a customer/shared cell has no control for that domain and service",
        severity: Critical,
        step_up: StepUp::Standard,
        side: Customer,
        rule: "A customer or shared cell of an in-scope service has no control in the catalogue for that domain and service: nobody owns it.",
        why: "The model hands this responsibility to you (alone or shared), and no control in your catalogue takes it on. Nobody is doing it. Misconfiguration is your responsibility even in secure cloud environments: a gap nobody owns is how data ends up exposed.",
        remedy: "Add a control for the domain that applies to the service (Controls sheet: domain and applies_to), with an owner; or, if the model is wrong for this service, override it in the model file.",
    }
    AttestationMissing = "ATTESTATION_MISSING" {
        title: "No vendor attestation at all",
        summary: "a provider/shared cell has no attestation at all from the vendor",
        severity: High,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "A provider or shared cell has no attestation at all from the service's vendor (issued on or before the as-of date): the provider's part is assumed, not verified.",
        why: "For the provider's part of the model you rely on the provider, and the only independent evidence that the provider does its part is an attestation (SOC 2, ISO 27001, FedRAMP...). Without one, the provider's side is assumed, not verified.",
        remedy: "Obtain the vendor's current SOC 2 report, ISO 27001 certificate or equivalent and record it in Attestations.",
    }
    AttestationGap = "ATTESTATION_GAP" {
        title: "Vendor attestation does not reach the period end",
        summary: "no attestation covering the cell reaches the period end (bridge letters count)",
        severity: High,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "Attestations from the vendor cover the cell's service and domain, but none covers the period end: a period report through its period end or bridge letter, a certificate from issue to expiry.",
        why: "A SOC report covers a past period; a certificate has an expiry. If nothing covers the period end, there is a stretch of time for which nobody independent vouches for the provider's controls.",
        remedy: "Ask the vendor for a bridge letter covering the gap, or for the report of the next period, and record it.",
    }
    AttestationExpired = "ATTESTATION_EXPIRED" {
        title: "Vendor certificate expired",
        summary: "a certificate expired before the period end",
        severity: High,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "The vendor's current certificate expired (expires_on) before the period end.",
        why: "An expired certificate no longer vouches for anything: the provider may have lapsed, failed recertification or simply not sent the new one. Either way the provider's part is unverified at the period end.",
        remedy: "Obtain the renewed certificate and record it; until then treat the provider's part as unverified.",
    }
    AttestationExpiring = "ATTESTATION_EXPIRING" {
        title: "Vendor certificate expires soon",
        summary: "a certificate expires within 90 days after the period end",
        severity: Low,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "The vendor's current certificate expires within 90 days after the period end (on the period end itself included).",
        why: "The certificate still holds, but will lapse soon after the period end. Ask for the renewal now so next quarter's pack is not a gap.",
        remedy: "Ask the vendor for the renewal date and the new certificate before it lapses.",
    }
    OpinionModified = "OPINION_MODIFIED" {
        title: "Auditor's opinion modified",
        summary: "Qualified (high), Adverse or Disclaimer (critical) opinion",
        severity: High,
        step_up: StepUp::Own {
            rule: "critical for an Adverse opinion or a Disclaimer; one step up for PII, PHI or PCI",
            steps_up: true,
        },
        side: Assurance,
        rule: "The current report's opinion is Qualified (high), or Adverse or Disclaimer (critical).",
        why: "A qualified, adverse or disclaimed opinion means the provider's own auditor could not say the controls are fairly described and operating. You cannot rely on that report as you would on a clean one.",
        remedy: "Read the basis for the modified opinion, assess its effect on the services you use, and record compensating controls or a risk acceptance.",
    }
    AttestationExceptions = "ATTESTATION_EXCEPTIONS" {
        title: "Vendor report notes exceptions",
        summary: "the report notes exceptions",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "The current report notes exceptions.",
        why: "The report is clean overall, but the auditor found exceptions in some controls. Whether they touch the services and domains you rely on must be read and recorded.",
        remedy: "Read the exceptions, decide whether they affect your services, and record the assessment.",
    }
    AttestationScope = "ATTESTATION_SCOPE" {
        title: "Vendor attestation does not cover the service or domain",
        summary: "attestations exist but none covers that service or domain",
        severity: High,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "The vendor has attestations, but none covers this service (services `*` or naming it) and this domain (domains `*` or naming it).",
        why: "Attestations cover named systems and criteria. A report that does not cover this service or this domain proves nothing about it, however good it is elsewhere.",
        remedy: "Ask the vendor for an attestation that covers the service and domain, or record why the existing scope is enough.",
    }
    SubserviceUnattested = "SUBSERVICE_UNATTESTED" {
        title: "Carved-out subservice organisation has no attestation",
        summary: "a report carves out a subservice organisation that has no attestation of its own",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Assurance,
        rule: "A current report that covers an in-scope service names a subservice organisation (`subservice_orgs`) under the carve-out method (`carve_out`), and the Attestations sheet holds no attestation of that organisation.",
        why: "Under the carve-out method the vendor's auditor did not test the subservice organisation's controls (a data centre, a cloud provider under the vendor's own service). The vendor's report says nothing about them; only that organisation's own report does.",
        remedy: "Obtain the subservice organisation's own attestation (often the vendor can share it) and add it to the Attestations sheet, or record why its part is not relied on.",
    }
    CuecUnmapped = "CUEC_UNMAPPED" {
        title: "CUEC not mapped to a customer control",
        summary: "a CUEC maps to no customer control",
        severity: High,
        step_up: StepUp::Standard,
        side: Cuec,
        rule: "A complementary user entity control (CUEC) maps to no control in the customer's catalogue.",
        why: "A provider's SOC report only holds if its customers do their part: the complementary user entity controls. A CUEC with no control of yours behind it means the provider's assurance is conditional on something nobody does.",
        remedy: "Map the CUEC to a control of yours in the CUECs sheet (`mapped_control`), adding the control if none exists.",
    }
    CuecUnevidenced = "CUEC_UNEVIDENCED" {
        title: "CUEC's control not evidenced",
        summary: "a CUEC's control lacks fresh, effective evidence for the vendor's services",
        severity: High,
        step_up: StepUp::Standard,
        side: Cuec,
        rule: "For an in-scope service of the CUEC's vendor that the mapped control applies to, the control's newest evidence is missing, stale or not Effective.",
        why: "The CUEC is mapped to one of your controls, but that control is not evidenced as operating. The provider's report assumes it is, so the assurance you take from the report is weaker than it looks.",
        remedy: "Evidence the mapped control for the vendor's services: record current, effective evidence.",
    }
    BaaMissing = "BAA_MISSING" {
        title: "No business associate agreement for PHI",
        summary: "with a Vendors sheet, an in-scope service holding PHI has a vendor with no `baa_signed_on` date on or before the period end",
        severity: High,
        step_up: StepUp::Never {
            why: Some("it only concerns PHI"),
        },
        side: Relationship,
        rule: "With a Vendors sheet among the inputs: an in-scope service (not On-prem) holds PHI, and its vendor's row leaves `baa_signed_on` blank or dates it after the period end, or the vendor has no row on the sheet. One finding per service, naming the Services row and the vendor's Vendors row (when it has one). Without a Vendors sheet nothing is judged. High, never stepped up (it only concerns PHI).",
        why: "Under HIPAA a vendor that creates, receives, keeps or sends PHI for a covered entity is a business associate, and the covered entity must have a signed business associate agreement with it before the PHI is shared (45 CFR 164.308(b) and 164.502(e)). PHI held without one is a violation in itself, however good the vendor's controls, and regulators have fined covered entities for that alone.",
        remedy: "Sign a BAA with the vendor (the major cloud vendors offer one) and record the date in the Vendors sheet's `baa_signed_on`; until then keep PHI out of the service.",
    }
    DpaMissing = "DPA_MISSING" {
        title: "No data processing agreement for personal data",
        summary: "with a Vendors sheet, an in-scope service holding PII has a vendor with no `dpa_signed_on` date on or before the period end",
        severity: Medium,
        step_up: StepUp::Never {
            why: Some("it only concerns PII"),
        },
        side: Relationship,
        rule: "With a Vendors sheet among the inputs: an in-scope service (not On-prem) holds PII, and its vendor's row leaves `dpa_signed_on` blank or dates it after the period end, or the vendor has no row on the sheet. One finding per service, naming the Services row and the vendor's Vendors row (when it has one). Without a Vendors sheet nothing is judged. Medium, never stepped up (it only concerns PII).",
        why: "A vendor processing personal data on the organisation's behalf is its processor. GDPR article 28 (and UK GDPR, Brazil's LGPD, the CCPA's service-provider terms) require a written contract binding the processor to act only on instructions, keep the data secure, use sub-processors only with consent and help with data subjects' requests and breaches. Without a signed DPA none of that is owed.",
        remedy: "Sign the vendor's data processing agreement (or your own) and record the date in the Vendors sheet's `dpa_signed_on`.",
    }
    VendorReviewOverdue = "VENDOR_REVIEW_OVERDUE" {
        title: "Vendor review overdue",
        summary: "with a Vendors sheet, a vendor's `next_review_due` is before the period end",
        severity: Low,
        step_up: StepUp::Standard,
        side: Relationship,
        rule: "With a Vendors sheet among the inputs: a vendor providing an in-scope service (not On-prem) has a `next_review_due` before the period end, so its periodic review was not held in time. One finding per vendor, naming its Vendors row; a blank `next_review_due` raises nothing. Low; one step up where any of the vendor's in-scope services holds PII, PHI or PCI.",
        why: "A vendor's risk changes: owners, sub-processors, breaches, the scope of its reports. The periodic review is how the organisation notices, and auditors (SOC 2 CC9.2, ISO 27001 A.5.22) test that it happens on schedule. An overdue review means the vendor's rating is older than the organisation's own policy allows.",
        remedy: "Review the vendor (attestations, questionnaire, incidents, contract), record the outcome and set `next_review_due` to the next date.",
    }
    UnknownReference = "UNKNOWN_REFERENCE" {
        title: "Reference to something that does not exist",
        summary: "a row names a control, service or vendor that exists nowhere else",
        severity: Low,
        step_up: StepUp::Never { why: None },
        side: Hygiene,
        rule: "A row names a control, service or vendor that exists nowhere else in the inputs.",
        why: "A row names a control, service or vendor that is defined nowhere else. Usually a typo or a renamed item; until it is fixed, that row is not counted where it was meant to be, and a real gap may hide behind it.",
        remedy: "Correct the name (see the did-you-mean hint), or add the missing control, service or vendor to its sheet.",
    }
    DuplicateRow = "DUPLICATE_ROW" {
        title: "Conflicting duplicate rows",
        summary: "two rows say conflicting things about the same key",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Hygiene,
        rule: "Two rows say conflicting things about the same key (the same service, control, attestation, CUEC or vendor on the Vendors sheet, or the same control, service and date of evidence).",
        why: "Two rows say different things about the same thing. The report cannot know which is true, and neither can an auditor; keep one source of truth.",
        remedy: "Keep one row per key and delete or correct the other.",
    }
    ResidencyViolation = "RESIDENCY_VIOLATION" {
        title: "Data held outside the residency policy",
        summary: "under a `[residency]` policy, an in-scope service holds a data class in a region the policy does not allow for it (one per service)",
        severity: High,
        step_up: StepUp::Own {
            rule: "critical when a class held outside the policy is PHI or PCI (PII alone stays high)",
            steps_up: true,
        },
        side: Residency,
        rule: "Under a [residency] policy: an in-scope service holds a data class in a region the policy does not allow for that class (a group or wildcard in the regions cell counts as every region it stands for; global is allowed only where the policy says *). One finding per service. High, critical when a class held outside the policy is PHI or PCI (PII alone stays high).",
        why: "Where data lives is always the customer's side of the model: the provider keeps it in whatever region it is told to. Data protection and sovereignty laws (GDPR and UK GDPR, Brazil's LGPD, California's CCPA, HIPAA agreements for health data) tie classes of data to places, so data held outside the organisation's own residency policy is a compliance breach no provider attestation covers. PHI and PCI data held outside it is critical.",
        remedy: "Move the data to a region the policy allows for its class, or stop keeping that class in the service; if the policy itself is wrong, change `[residency]` in demarc.toml (and record who approved the change).",
    }
    ResidencyUnknown = "RESIDENCY_UNKNOWN" {
        title: "Regulated data held in an unstated region",
        summary: "under a `[residency]` policy, an in-scope service holding PII, PHI or PCI names no region",
        severity: Medium,
        step_up: StepUp::Never {
            why: Some("it only concerns regulated data"),
        },
        side: Residency,
        rule: "Under a [residency] policy: an in-scope service holds PII, PHI or PCI data and its regions cell is empty. Medium, never stepped up (it only concerns regulated data).",
        why: "The service holds regulated data (PII, PHI or PCI) and nobody has recorded where. Residency is the customer's duty under GDPR, LGPD, CCPA and similar laws; a location nobody knows cannot be shown to comply, and is often where a transfer nobody approved hides.",
        remedy: "Find out where the service holds its data (from the provider's console or the vendor's data processing terms) and fill in its `regions` cell: region names, a group such as EU or US, or global.",
    }
    ResponsibilityDrift = "RESPONSIBILITY_DRIFT" {
        title: "Vendor's stated ownership contradicts the model",
        summary: "a vendor's CAIQ ownership or FedRAMP origination contradicts the model for its services",
        severity: High,
        step_up: StepUp::Standard,
        side: Questionnaire,
        rule: "A vendor's own statement of who owns a control contradicts the model for that vendor's in-scope services, in the domain the control maps to (CCM and 800-53 controls are mapped by a table shipped as data). CAIQ (questions answered Yes or No): CSC-owned where the model gives the vendor all or a share of the domain; Shared CSP and CSC where the model gives it to the vendor alone; CSP-owned or 3rd-party (alone or shared with the vendor) where the model gives it to the customer alone. CSP-owned against a shared cell, and shared against a customer cell, are not drift: the customer's part stands either way. FedRAMP CIS: the same comparison for the control's origination (provider, shared or customer; several marks on a row name every party they mark, so a provider mark with a customer mark is shared); controls whose status is N/A are not compared, as CAIQ NA answers are not. One finding per question or CIS row: without a service when every in-scope service of the vendor drifts (each of those services' cells still shows it), else one per drifting service. The message ends with the vendor's own explanation (a CAIQ's CSP Implementation Description) when it gives one.",
        why: "Most cloud breaches come from a responsibility each side thought was the other's. When the vendor says a control is yours and your model says it is the vendor's (or shared), nobody may be doing it: your catalogue has no control for it and the vendor has disclaimed it. Settle it with the vendor before an incident does.",
        remedy: "Ask the vendor who performs the control and record the answer; then add or assign a customer control for your part, or correct the model with an override for the vendor's services, so that both agree.",
    }
    VendorControlGap = "VENDOR_CONTROL_GAP" {
        title: "Vendor says a control of its own is not in place",
        summary: "the vendor answers No to a CAIQ question it owns, or its CIS says a control of its own is Planned or Partially Implemented",
        severity: Medium,
        step_up: StepUp::Standard,
        side: Questionnaire,
        rule: "By the vendor's own account a control on its side is not in place: a CAIQ question answered No whose ownership is CSP-owned, 3rd-party outsourced, or shared (with the customer or a third party); or a FedRAMP CIS control with any provider or Shared origination mark, whatever else is marked, whose implementation status is Planned or Partially Implemented (and not Implemented). One finding per row; a CAIQ gap's message ends with the vendor's own explanation when it gives one.",
        why: "The vendor itself says a control it is responsible for is not in place. Its attestation may not test that point, so the gap can be invisible in the SOC report: it is a known weakness on the provider's side of the model.",
        remedy: "Ask the vendor when the control will be in place, record compensating controls on your side meanwhile, and weigh the gap in the vendor's risk rating.",
    }
    QuestionnaireInconsistent = "QUESTIONNAIRE_INCONSISTENT" {
        title: "Vendor questionnaire breaks its own rules",
        summary: "a row of a vendor's questionnaire breaks its own rules (blank or unknown answers, ownership for an NA answer, …)",
        severity: Low,
        step_up: StepUp::Own {
            rule: "info when the only fault is an ownership given for an NA answer, or no origination marked on an N/A CIS row; never stepped up",
            steps_up: false,
        },
        side: Questionnaire,
        rule: "A row of a vendor's questionnaire breaks the questionnaire's own rules, so it cannot be judged: a blank or unknown CAIQ answer or ownership, an answer with no ownership, no Question ID, or an ownership given for an NA answer (info, when that is the only fault); in a FedRAMP workbook a CIS row with no control origination (info, when that is the only fault and the status is N/A), no implementation status, or N/A together with another status (Implemented and N/A), a status or origination cell holding something other than X, a CRM answer other than Yes, Partial or No, a control in the CIS but not the CRM or the reverse, or a control listed twice. One finding per row; never stepped up. Such rows are left out of the other checks.",
        why: "A questionnaire with blank, unknown or self-contradicting answers cannot be relied on row by row. Those rows are left out of the drift and gap checks, so the reviewer needs to know how much of the questionnaire could be judged, and the vendor should fix it.",
        remedy: "Ask the vendor to correct the rows named; until then treat those answers as unknown.",
    }
    OriginationMismatch = "ORIGINATION_MISMATCH" {
        title: "FedRAMP CRM contradicts the CIS origination",
        summary: "a FedRAMP CRM's inheritance answer contradicts the CIS origination of the same control",
        severity: Medium,
        step_up: StepUp::Own {
            rule: "high when the CRM promises more inheritance than the origination allows; one step up for PII, PHI or PCI",
            steps_up: true,
        },
        side: Questionnaire,
        rule: "The CRM's Can Be Inherited from CSP contradicts the CIS's control origination for the same control: the FedRAMP template asks Yes for a provider origination (Service Provider Corporate, System Specific or Hybrid, or Inherited from a pre-existing authorization), Partial for Shared, and No for Configured or Provided by Customer; several marks on a row name every party they mark, so a provider mark with a customer mark is shared (Partial). Controls whose status is N/A are not compared. Medium; high when the CRM promises more inheritance than the origination allows (Yes for a shared or customer control, Partial for a customer one). One finding per CIS row.",
        why: "The CIS and the CRM are the provider's two statements of who does each control, and customers plan their own controls from the CRM. When they disagree, either the customer does work the provider already does or, worse, relies on an inheritance the provider does not give.",
        remedy: "Ask the provider which statement is right and to correct its workbook; until then plan your own controls on the more customer-facing of the two.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's findings table, generated from the catalogue so the two cannot disagree.
    pub fn readme_table() -> String {
        let mut out = String::from("| code | raised when | base severity |\n|---|---|---|\n");
        for code in Code::ALL {
            let entry = code.entry();
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                entry.name,
                entry.summary,
                entry.severity.as_str()
            ));
        }
        out
    }

    #[test]
    fn the_readme_findings_table_is_the_catalogue() {
        let readme = include_str!("../../README.md");
        let table = readme_table();
        assert!(
            readme.contains(&table),
            "README.md's findings table is out of date; it should read:\n{table}"
        );
    }

    #[test]
    fn names_are_unique_and_serialise_as_themselves() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.entry().name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.entry().name));
        }
    }
}
