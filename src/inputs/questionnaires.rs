//! What vendors say about themselves, as read from the documents they send: a CSA CAIQ v4
//! questionnaire ([`Caiq`]) and a FedRAMP Control Implementation Summary / Customer
//! Responsibility Matrix workbook ([`Fedramp`]). Ingest builds these records; reconcile
//! judges them against the model; render shows them in the vendor packs.
//!
//! A vendor's document is outside the customer's control, so a cell in it that breaks the
//! questionnaire's own vocabulary is kept as [`Stated::Unknown`] (and reported as a
//! `QUESTIONNAIRE_INCONSISTENT` finding) instead of stopping the run. Only a document whose
//! structure cannot be read at all is an input error.

use crate::findings::Source;
use crate::inputs::names::loose_key;
use serde::Serialize;

/// A cell of a closed vocabulary, as the vendor filled it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Stated<T> {
    Blank,
    Known(T),
    /// Text that is none of the accepted values, kept as written.
    Unknown(String),
}

impl<T: Copy> Stated<T> {
    /// Reads a cell's text with a parser: blank, a known value, or the text as written.
    pub fn read(text: &str, parse: impl Fn(&str) -> Option<T>) -> Stated<T> {
        let text = text.trim();
        if text.is_empty() {
            Stated::Blank
        } else {
            match parse(text) {
                Some(value) => Stated::Known(value),
                None => Stated::Unknown(text.to_string()),
            }
        }
    }

    pub fn known(&self) -> Option<T> {
        match self {
            Stated::Known(value) => Some(*value),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSA CAIQ v4
// ---------------------------------------------------------------------------------------

/// A CAIQ answer (`CSP CAIQ Answer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum CaiqAnswer {
    Yes,
    No,
    #[serde(rename = "NA")]
    Na,
}

impl CaiqAnswer {
    pub const ALL: [CaiqAnswer; 3] = [CaiqAnswer::Yes, CaiqAnswer::No, CaiqAnswer::Na];

    pub fn as_str(self) -> &'static str {
        match self {
            CaiqAnswer::Yes => "Yes",
            CaiqAnswer::No => "No",
            CaiqAnswer::Na => "NA",
        }
    }

    /// `Yes`, `No`, `NA`, also `N/A` and `Not applicable`, ignoring case.
    pub fn parse(text: &str) -> Option<CaiqAnswer> {
        match loose_key(text).as_str() {
            "yes" => Some(CaiqAnswer::Yes),
            "no" => Some(CaiqAnswer::No),
            "na" | "notapplicable" => Some(CaiqAnswer::Na),
            _ => None,
        }
    }
}

/// Who the vendor says owns a question (`SSRM Control Ownership`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Ownership {
    #[serde(rename = "CSP-owned")]
    CspOwned,
    #[serde(rename = "CSC-owned")]
    CscOwned,
    #[serde(rename = "3rd-party outsourced")]
    ThirdParty,
    #[serde(rename = "Shared CSP and CSC")]
    SharedCsc,
    #[serde(rename = "Shared CSP and 3rd-party")]
    SharedThirdParty,
}

impl Ownership {
    pub const ALL: [Ownership; 5] = [
        Ownership::CspOwned,
        Ownership::CscOwned,
        Ownership::ThirdParty,
        Ownership::SharedCsc,
        Ownership::SharedThirdParty,
    ];

    /// The spelling of CAIQ v4.0.3.
    pub fn as_str(self) -> &'static str {
        match self {
            Ownership::CspOwned => "CSP-owned",
            Ownership::CscOwned => "CSC-owned",
            Ownership::ThirdParty => "3rd-party outsourced",
            Ownership::SharedCsc => "Shared CSP and CSC",
            Ownership::SharedThirdParty => "Shared CSP and 3rd-party",
        }
    }

    /// The published values and the variants seen in vendors' questionnaires
    /// (`Third-party outsourced`, `Shared CSP and third party`, `Shared CSP and CSC
    /// responsibility`, …), ignoring case, spaces and punctuation.
    pub fn parse(text: &str) -> Option<Ownership> {
        let key = loose_key(text)
            .replace("thirdparty", "3rdparty")
            .replace("responsibility", "")
            .replace("responsibilities", "");
        match key.as_str() {
            "cspowned" | "csp" => Some(Ownership::CspOwned),
            "cscowned" | "csc" => Some(Ownership::CscOwned),
            "3rdpartyoutsourced" | "outsourced" => Some(Ownership::ThirdParty),
            "sharedcspandcsc" | "cspandcscshared" | "sharedcsccsp" | "sharedcspcsc"
            | "sharedcscandcsp" => Some(Ownership::SharedCsc),
            "sharedcspand3rdparty" | "cspand3rdpartyshared" | "sharedcsp3rdparty" => {
                Some(Ownership::SharedThirdParty)
            }
            _ => None,
        }
    }

    /// Whether the vendor takes on (some of) the question: every value but `CSC-owned`. A
    /// third party the vendor outsources to is on the vendor's side of the line.
    pub fn vendor_owns(self) -> bool {
        self != Ownership::CscOwned
    }

    /// Whether the vendor leaves (some of) it to the customer.
    pub fn customer_part(self) -> bool {
        matches!(self, Ownership::CscOwned | Ownership::SharedCsc)
    }
}

/// One question of a CAIQ, with the CCM control it sits under (forward-filled from the
/// cells merged down across a control's questions).
#[derive(Debug, Clone, Serialize)]
pub struct CaiqQuestion {
    pub question_id: String,
    pub question: String,
    pub answer: Stated<CaiqAnswer>,
    pub ownership: Stated<Ownership>,
    /// `CSP Implementation Description` (column E): the vendor's own explanation of its
    /// answer, shown beside each gap and drift so a reviewer reads "No" with its reason.
    pub implementation: String,
    /// `CSC Responsibilities` (column F): what the vendor says is the customer's to do,
    /// listed in the vendor pack as the customer's to-do list.
    pub csc_responsibilities: String,
    pub ccm_control_id: String,
    pub ccm_control_title: String,
    pub ccm_domain_title: String,
    /// The model domain the CCM control maps to, if any.
    pub domain: Option<usize>,
    pub source: Source,
}

/// A vendor's CAIQ.
#[derive(Debug, Clone, Serialize)]
pub struct Caiq {
    /// The vendor it describes, as `--caiq` or `[caiq]` names it.
    pub vendor: String,
    /// The file and sheet it was read from.
    pub file: String,
    pub sheet: String,
    pub questions: Vec<CaiqQuestion>,
}

// ---------------------------------------------------------------------------------------
// FedRAMP CIS / CRM
// ---------------------------------------------------------------------------------------

/// A column of the CIS worksheet's "Implementation Status" group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ImplementationStatus {
    Implemented,
    #[serde(rename = "Partially Implemented")]
    PartiallyImplemented,
    Planned,
    #[serde(rename = "Alternative Implementation")]
    Alternative,
    #[serde(rename = "N/A")]
    NotApplicable,
}

impl ImplementationStatus {
    pub const ALL: [ImplementationStatus; 5] = [
        ImplementationStatus::Implemented,
        ImplementationStatus::PartiallyImplemented,
        ImplementationStatus::Planned,
        ImplementationStatus::Alternative,
        ImplementationStatus::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImplementationStatus::Implemented => "Implemented",
            ImplementationStatus::PartiallyImplemented => "Partially Implemented",
            ImplementationStatus::Planned => "Planned",
            ImplementationStatus::Alternative => "Alternative Implementation",
            ImplementationStatus::NotApplicable => "N/A",
        }
    }
}

/// A column of the CIS worksheet's "Control Origination" group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Origination {
    #[serde(rename = "Service Provider Corporate")]
    ProviderCorporate,
    #[serde(rename = "Service Provider System Specific")]
    ProviderSystem,
    #[serde(rename = "Service Provider Hybrid")]
    ProviderHybrid,
    #[serde(rename = "Configured by Customer")]
    ConfiguredByCustomer,
    #[serde(rename = "Provided by Customer")]
    ProvidedByCustomer,
    Shared,
    #[serde(rename = "Inherited from Pre-Existing Authorization")]
    Inherited,
}

impl Origination {
    pub const ALL: [Origination; 7] = [
        Origination::ProviderCorporate,
        Origination::ProviderSystem,
        Origination::ProviderHybrid,
        Origination::ConfiguredByCustomer,
        Origination::ProvidedByCustomer,
        Origination::Shared,
        Origination::Inherited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Origination::ProviderCorporate => "Service Provider Corporate",
            Origination::ProviderSystem => "Service Provider System Specific",
            Origination::ProviderHybrid => "Service Provider Hybrid",
            Origination::ConfiguredByCustomer => "Configured by Customer",
            Origination::ProvidedByCustomer => "Provided by Customer",
            Origination::Shared => "Shared",
            Origination::Inherited => "Inherited from Pre-Existing Authorization",
        }
    }

    /// Which side of the line it puts the control on: the provider (its own, or inherited
    /// from an authorization it builds on), shared, or the customer.
    pub fn side(self) -> Side {
        match self {
            Origination::ProviderCorporate
            | Origination::ProviderSystem
            | Origination::ProviderHybrid
            | Origination::Inherited => Side::Provider,
            Origination::Shared => Side::Shared,
            Origination::ConfiguredByCustomer | Origination::ProvidedByCustomer => Side::Customer,
        }
    }
}

/// Who carries a FedRAMP control, from its origination. Ordered from the provider to the
/// customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Provider,
    Shared,
    Customer,
}

impl Side {
    pub const ALL: [Side; 3] = [Side::Provider, Side::Shared, Side::Customer];

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Provider => "provider",
            Side::Shared => "shared",
            Side::Customer => "customer",
        }
    }

    /// The CRM answer the FedRAMP template asks for this origination: provider → `Yes`,
    /// shared → `Partial`, customer → `No`.
    pub fn expected_answer(self) -> Inheritable {
        match self {
            Side::Provider => Inheritable::Yes,
            Side::Shared => Inheritable::Partial,
            Side::Customer => Inheritable::No,
        }
    }
}

/// The CRM's `Can Be Inherited from CSP`. Ordered from least to most inheritance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Inheritable {
    No,
    Partial,
    Yes,
}

impl Inheritable {
    pub const ALL: [Inheritable; 3] = [Inheritable::Yes, Inheritable::Partial, Inheritable::No];

    pub fn as_str(self) -> &'static str {
        match self {
            Inheritable::Yes => "Yes",
            Inheritable::Partial => "Partial",
            Inheritable::No => "No",
        }
    }

    pub fn parse(text: &str) -> Option<Inheritable> {
        match loose_key(text).as_str() {
            "yes" | "y" => Some(Inheritable::Yes),
            "partial" | "partially" => Some(Inheritable::Partial),
            "no" | "n" => Some(Inheritable::No),
            _ => None,
        }
    }
}

/// A cell of the CIS worksheet's status or origination columns holding something other
/// than a mark (`X` or `x`).
#[derive(Debug, Clone, Serialize)]
pub struct OddMark {
    /// The column's header, as written.
    pub column: String,
    /// The A1 cell.
    pub cell: String,
    pub text: String,
}

/// One row of the CIS worksheet (one control or control part, e.g. `AC-2(a)`), joined with
/// its CRM row.
#[derive(Debug, Clone, Serialize)]
pub struct FedrampControl {
    pub control_id: String,
    pub status: Vec<ImplementationStatus>,
    pub origination: Vec<Origination>,
    pub odd_marks: Vec<OddMark>,
    /// Index into [`Fedramp::crm`] of the CRM row for the same control, if any.
    pub crm: Option<usize>,
    /// The model domain its 800-53 family maps to, if any.
    pub domain: Option<usize>,
    pub source: Source,
    /// Another CIS row lists the same control above this one.
    pub duplicate: bool,
}

impl FedrampControl {
    /// The side its origination marks put it on, taking every mark into account: each
    /// mark names who takes part (a provider mark the provider, a customer mark the
    /// customer, Shared both), and the control is the provider's when only the provider
    /// takes part, the customer's when only the customer does, and shared otherwise. So
    /// Service Provider Hybrid + Provided by Customer is shared, not the customer's alone:
    /// reading it as the customer's would hide the provider's part (and any gap in it).
    /// `None` when nothing is marked.
    pub fn side(&self) -> Option<Side> {
        let provider = self.origination.iter().any(|o| o.side() != Side::Customer);
        let customer = self.origination.iter().any(|o| o.side() != Side::Provider);
        match (provider, customer) {
            (true, false) => Some(Side::Provider),
            (true, true) => Some(Side::Shared),
            (false, true) => Some(Side::Customer),
            (false, false) => None,
        }
    }

    /// Whether the provider says the control does not apply (N/A): such a control has no
    /// owner to compare with the model or the CRM, as a CAIQ question answered NA.
    pub fn not_applicable(&self) -> bool {
        self.status.contains(&ImplementationStatus::NotApplicable)
    }
}

/// One row of the CRM worksheet.
#[derive(Debug, Clone, Serialize)]
pub struct CrmRow {
    pub control_id: String,
    pub inheritable: Stated<Inheritable>,
    /// The responsibility text (`Specific Inheritance and Customer Agency/CSP
    /// Responsibilities`, or the provider's customised heading).
    pub responsibility: String,
    /// Whether a CIS row lists the same control.
    pub in_cis: bool,
    pub source: Source,
    /// Another CRM row gives the same control above this one.
    pub duplicate: bool,
}

/// A provider's FedRAMP CIS/CRM workbook.
#[derive(Debug, Clone, Serialize)]
pub struct Fedramp {
    /// The provider it describes, as `--fedramp` or `[fedramp]` names it.
    pub provider: String,
    pub file: String,
    /// The CIS worksheet read (`None`: every CIS worksheet was blank).
    pub cis_sheet: Option<String>,
    /// The CRM worksheet read, if any.
    pub crm_sheet: Option<String>,
    pub controls: Vec<FedrampControl>,
    pub crm: Vec<CrmRow>,
    /// CIS worksheets left out because nothing in them is marked (a blank template).
    pub blank_sheets: Vec<String>,
}

/// The vendors' documents read for a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Questionnaires {
    pub caiqs: Vec<Caiq>,
    pub fedramp: Vec<Fedramp>,
}

/// A normalised NIST control id, so that `AC-02 (a)` and `AC-2(a)` are one control:
/// letters uppercase, numbers without leading zeros, parts joined by `.`.
pub fn nist_key(id: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut digits = false;
    let flush = |current: &mut String, parts: &mut Vec<String>, digits: bool| {
        if current.is_empty() {
            return;
        }
        let part = if digits {
            current.trim_start_matches('0').to_string()
        } else {
            current.to_uppercase()
        };
        parts.push(if part.is_empty() { "0".into() } else { part });
        current.clear();
    };
    for c in id.chars() {
        if c.is_ascii_digit() {
            if !digits {
                flush(&mut current, &mut parts, false);
            }
            digits = true;
            current.push(c);
        } else if c.is_alphanumeric() {
            if digits {
                flush(&mut current, &mut parts, true);
            }
            digits = false;
            current.push(c);
        } else {
            flush(&mut current, &mut parts, digits);
        }
    }
    flush(&mut current, &mut parts, digits);
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caiq_vocabularies_accept_the_published_variants() {
        for (text, want) in [
            ("CSP-owned", Ownership::CspOwned),
            ("csc-owned", Ownership::CscOwned),
            ("3rd-party outsourced", Ownership::ThirdParty),
            ("Third-party outsourced", Ownership::ThirdParty),
            ("Shared CSP and CSC", Ownership::SharedCsc),
            ("Shared CSP and CSC responsibility", Ownership::SharedCsc),
            ("Shared CSP and 3rd-party", Ownership::SharedThirdParty),
            ("Shared CSP and third party", Ownership::SharedThirdParty),
            ("Shared CSP and 3rd party", Ownership::SharedThirdParty),
        ] {
            assert_eq!(Ownership::parse(text), Some(want), "{text}");
        }
        assert_eq!(Ownership::parse("Customer"), None);
        assert_eq!(CaiqAnswer::parse("N/A"), Some(CaiqAnswer::Na));
        assert_eq!(CaiqAnswer::parse(" yes "), Some(CaiqAnswer::Yes));
        assert_eq!(CaiqAnswer::parse("Partially"), None);
    }

    #[test]
    fn nist_ids_match_whatever_the_padding() {
        assert_eq!(nist_key("AC-02 (a)"), "AC.2.A");
        assert_eq!(nist_key("AC-2(a)"), "AC.2.A");
        assert_eq!(nist_key("ac-02 (12) (a)"), nist_key("AC-2(12)(a)"));
        assert_eq!(nist_key("SC-07 (10)"), "SC.7.10");
        assert_ne!(nist_key("AC-2"), nist_key("AC-20"));
    }

    #[test]
    fn several_originations_are_every_party_they_name() {
        let control = |origination: Vec<Origination>| FedrampControl {
            control_id: "AC-2".into(),
            status: vec![],
            origination,
            odd_marks: vec![],
            crm: None,
            domain: None,
            source: Source {
                file: "f".into(),
                sheet: "s".into(),
                row: 1,
            },
            duplicate: false,
        };
        assert_eq!(
            control(vec![Origination::Shared, Origination::Inherited]).side(),
            Some(Side::Shared)
        );
        assert_eq!(
            control(vec![
                Origination::ProviderSystem,
                Origination::ProvidedByCustomer
            ])
            .side(),
            Some(Side::Shared)
        );
        assert_eq!(
            control(vec![
                Origination::ConfiguredByCustomer,
                Origination::ProvidedByCustomer
            ])
            .side(),
            Some(Side::Customer)
        );
        assert_eq!(
            control(vec![Origination::ProviderCorporate, Origination::Inherited]).side(),
            Some(Side::Provider)
        );
        assert_eq!(control(vec![]).side(), None);
    }
}
