//! The validated records demarc reasons about, one struct per kind of sheet, each
//! remembering its [`Source`] row. Ingest builds them; reconcile and render only read them.
//!
//! Names keep the spelling of the spreadsheet (reports print them as typed); comparisons
//! go through [`crate::inputs::names::key`].

#[cfg(test)]
pub mod build;
pub mod directory;
pub mod evidence_files;
pub mod names;
pub mod period;
pub mod questionnaires;
pub mod service_names;
pub mod vendor_names;

use crate::findings::Source;
use crate::model::ServiceModel;
use chrono::NaiveDate;
use serde::Serialize;

/// A class of data a service holds. PII, PHI and PCI are regulated: findings about a
/// service holding them step up one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DataClass {
    #[serde(rename = "PII")]
    Pii,
    #[serde(rename = "PHI")]
    Phi,
    #[serde(rename = "PCI")]
    Pci,
    #[serde(rename = "IP")]
    Ip,
    Confidential,
    Public,
}

impl DataClass {
    pub const ALL: [DataClass; 6] = [
        DataClass::Pii,
        DataClass::Phi,
        DataClass::Pci,
        DataClass::Ip,
        DataClass::Confidential,
        DataClass::Public,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Pii => "PII",
            DataClass::Phi => "PHI",
            DataClass::Pci => "PCI",
            DataClass::Ip => "IP",
            DataClass::Confidential => "Confidential",
            DataClass::Public => "Public",
        }
    }

    pub fn is_regulated(self) -> bool {
        matches!(self, DataClass::Pii | DataClass::Phi | DataClass::Pci)
    }
}

/// How often a control must be evidenced; sets the freshness window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Continuous,
    Monthly,
    #[default]
    Quarterly,
    Semiannual,
    Annual,
}

impl Frequency {
    pub const ALL: [Frequency; 5] = [
        Frequency::Continuous,
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::Semiannual,
        Frequency::Annual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Continuous => "continuous",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Semiannual => "semiannual",
            Frequency::Annual => "annual",
        }
    }

    /// Calendar months back from the period end within which evidence is fresh.
    pub fn window_months(self) -> u32 {
        match self {
            Frequency::Continuous | Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Semiannual => 6,
            Frequency::Annual => 12,
        }
    }
}

/// What a test of a control concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TestResult {
    Effective,
    #[serde(rename = "Partially effective")]
    PartiallyEffective,
    Ineffective,
    Exception,
    #[serde(rename = "Not tested")]
    NotTested,
}

impl TestResult {
    pub const ALL: [TestResult; 5] = [
        TestResult::Effective,
        TestResult::PartiallyEffective,
        TestResult::Ineffective,
        TestResult::Exception,
        TestResult::NotTested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TestResult::Effective => "Effective",
            TestResult::PartiallyEffective => "Partially effective",
            TestResult::Ineffective => "Ineffective",
            TestResult::Exception => "Exception",
            TestResult::NotTested => "Not tested",
        }
    }
}

/// The kinds of vendor assurance, and how each one covers time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AttestationType {
    #[serde(rename = "SOC 2 Type II")]
    Soc2Type2,
    #[serde(rename = "SOC 2 Type I")]
    Soc2Type1,
    #[serde(rename = "SOC 1 Type II")]
    Soc1Type2,
    #[serde(rename = "SOC 1 Type I")]
    Soc1Type1,
    #[serde(rename = "ISO 27001")]
    Iso27001,
    #[serde(rename = "ISO 27017")]
    Iso27017,
    #[serde(rename = "ISO 27018")]
    Iso27018,
    #[serde(rename = "PCI DSS AOC")]
    PciDssAoc,
    FedRAMP,
    #[serde(rename = "CSA STAR")]
    CsaStar,
    #[serde(rename = "HITRUST")]
    Hitrust,
    #[serde(rename = "Penetration test")]
    PenetrationTest,
}

impl AttestationType {
    pub const ALL: [AttestationType; 12] = [
        AttestationType::Soc2Type2,
        AttestationType::Soc2Type1,
        AttestationType::Soc1Type2,
        AttestationType::Soc1Type1,
        AttestationType::Iso27001,
        AttestationType::Iso27017,
        AttestationType::Iso27018,
        AttestationType::PciDssAoc,
        AttestationType::FedRAMP,
        AttestationType::CsaStar,
        AttestationType::Hitrust,
        AttestationType::PenetrationTest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttestationType::Soc2Type2 => "SOC 2 Type II",
            AttestationType::Soc2Type1 => "SOC 2 Type I",
            AttestationType::Soc1Type2 => "SOC 1 Type II",
            AttestationType::Soc1Type1 => "SOC 1 Type I",
            AttestationType::Iso27001 => "ISO 27001",
            AttestationType::Iso27017 => "ISO 27017",
            AttestationType::Iso27018 => "ISO 27018",
            AttestationType::PciDssAoc => "PCI DSS AOC",
            AttestationType::FedRAMP => "FedRAMP",
            AttestationType::CsaStar => "CSA STAR",
            AttestationType::Hitrust => "HITRUST",
            AttestationType::PenetrationTest => "Penetration test",
        }
    }

    /// Certificates (ISO, PCI AOC, CSA STAR) cover from issue to expiry; everything else is
    /// a period report covering through its period end (or bridge letter).
    pub fn is_certificate(self) -> bool {
        matches!(
            self,
            AttestationType::Iso27001
                | AttestationType::Iso27017
                | AttestationType::Iso27018
                | AttestationType::PciDssAoc
                | AttestationType::CsaStar
        )
    }
}

/// How a SOC report treats the subservice organisations its vendor relies on (AICPA's
/// two methods): the *inclusive* method tests their controls within the report; the
/// *carve-out* method leaves them out, so the reader needs each one's own assurance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SubserviceMethod {
    Inclusive,
    CarveOut,
}

impl SubserviceMethod {
    pub const ALL: [SubserviceMethod; 2] =
        [SubserviceMethod::Inclusive, SubserviceMethod::CarveOut];

    pub fn as_str(self) -> &'static str {
        match self {
            SubserviceMethod::Inclusive => "inclusive",
            SubserviceMethod::CarveOut => "carve-out",
        }
    }
}

/// How much a vendor matters to the organisation (`tier` on the Vendors sheet): the
/// board report ranks the risks of critical and high tier vendors first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VendorTier {
    Low,
    Medium,
    High,
    Critical,
}

impl VendorTier {
    /// Most important first, as the sheet's drop-down lists them.
    pub const ALL: [VendorTier; 4] = [
        VendorTier::Critical,
        VendorTier::High,
        VendorTier::Medium,
        VendorTier::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VendorTier::Critical => "critical",
            VendorTier::High => "high",
            VendorTier::Medium => "medium",
            VendorTier::Low => "low",
        }
    }

    /// Critical and high tier vendors: their risks rank first among equals.
    pub fn is_prominent(self) -> bool {
        matches!(self, VendorTier::Critical | VendorTier::High)
    }
}

/// The auditor's opinion on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Opinion {
    Unqualified,
    Qualified,
    Adverse,
    Disclaimer,
}

impl Opinion {
    pub const ALL: [Opinion; 4] = [
        Opinion::Unqualified,
        Opinion::Qualified,
        Opinion::Adverse,
        Opinion::Disclaimer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Opinion::Unqualified => "Unqualified",
            Opinion::Qualified => "Qualified",
            Opinion::Adverse => "Adverse",
            Opinion::Disclaimer => "Disclaimer",
        }
    }
}

/// Which services a control or attestation reaches: all (`*`, or blank for controls), or
/// the named ones (name keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Reach {
    All,
    Named(Vec<String>),
}

impl Reach {
    /// Whether the reach includes a service (given by its name key).
    pub fn includes(&self, service_key: &str) -> bool {
        match self {
            Reach::All => true,
            Reach::Named(names) => names
                .iter()
                .any(|n| crate::inputs::names::key(n) == service_key),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Reach::All => "*".to_string(),
            Reach::Named(names) => names.join("; "),
        }
    }
}

/// A service in use (Services sheet).
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub provider: String,
    pub service_model: ServiceModel,
    /// True when the sheet left `service_model` blank and demarc's catalogue of
    /// well-known services filled it in (the auditor pack says so).
    pub service_model_inferred: bool,
    pub data_classes: Vec<DataClass>,
    pub owner: String,
    pub in_scope: bool,
    pub regions: Vec<String>,
    /// Why the service is in or out of scope, as the register says (`scope_note`):
    /// the board report gives it for each service left out.
    pub scope_note: String,
    pub source: Source,
}

impl Service {
    /// Holds PII, PHI or PCI data: findings about it step up one severity.
    pub fn is_regulated(&self) -> bool {
        self.data_classes.iter().any(|c| c.is_regulated())
    }
}

/// A control of the customer's catalogue (Controls sheet).
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Index into the model's domains.
    pub domain: usize,
    pub frameworks: Vec<String>,
    pub owner: String,
    pub frequency: Frequency,
    pub applies_to: Reach,
    pub source: Source,
}

/// One piece of collected evidence (Evidence sheet).
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Shared with every row naming the same control (a million rows name a few hundred).
    pub control_id: std::sync::Arc<str>,
    /// `None` when the cell is blank or `*`: the row counts for every service the control
    /// applies to. Shared like `control_id`.
    pub service: Option<std::sync::Arc<str>>,
    pub description: String,
    pub file: String,
    pub collected_on: NaiveDate,
    pub result: TestResult,
    /// Shared like `control_id`.
    pub tester: std::sync::Arc<str>,
    pub notes: String,
    pub source: Source,
}

/// A vendor attestation (Attestations sheet).
#[derive(Debug, Clone, Serialize)]
pub struct Attestation {
    pub vendor: String,
    pub services: Reach,
    pub kind: AttestationType,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub auditor: String,
    pub opinion: Option<Opinion>,
    pub exceptions: u32,
    pub exception_notes: String,
    /// The subservice organisations the report names (`subservice_orgs`).
    pub subservice_orgs: Vec<String>,
    /// Whether the report includes or carves out those organisations (`carve_out`);
    /// `None` when the sheet does not say.
    pub subservice_method: Option<SubserviceMethod>,
    pub bridge_letter_through: Option<NaiveDate>,
    /// Domain indexes, or `None` for `*` (every domain).
    pub domains: Option<Vec<usize>>,
    pub report_file: String,
    pub source: Source,
}

impl Attestation {
    /// The date that decides whether the attestation counts and which row is current:
    /// `issued_on`, else `period_start`.
    pub fn issued(&self) -> Option<NaiveDate> {
        self.issued_on.or(self.period_start)
    }

    /// The last day this attestation gives assurance for: the period end extended by a
    /// bridge letter for reports, the expiry date for certificates.
    pub fn covered_through(&self) -> Option<NaiveDate> {
        if self.kind.is_certificate() {
            self.expires_on
        } else {
            match (self.period_end, self.bridge_letter_through) {
                (Some(end), Some(bridge)) => Some(end.max(bridge)),
                (end, bridge) => end.or(bridge),
            }
        }
    }

    /// The first day it gives assurance for.
    pub fn covered_from(&self) -> Option<NaiveDate> {
        if self.kind.is_certificate() {
            self.issued_on.or(self.period_start)
        } else {
            self.period_start
        }
    }

    /// Whether it gives assurance on `date` (the period end).
    pub fn covers_date(&self, date: NaiveDate) -> bool {
        let started = self.covered_from().is_none_or(|from| from <= date);
        let lasts = self
            .covered_through()
            .is_some_and(|through| through >= date);
        started && lasts
    }

    /// How many days of `[start, end]` this attestation gives assurance for.
    pub fn days_covered(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        let Some(through) = self.covered_through() else {
            return 0;
        };
        let from = self.covered_from().map_or(start, |f| f.max(start));
        let to = through.min(end);
        ((to - from).num_days() + 1).max(0)
    }

    /// Whether it covers a domain (by index).
    pub fn covers_domain(&self, domain: usize) -> bool {
        self.domains.as_ref().is_none_or(|d| d.contains(&domain))
    }
}

/// A complementary user entity control (CUECs sheet).
#[derive(Debug, Clone, Serialize)]
pub struct Cuec {
    pub vendor: String,
    pub attestation: String,
    pub cuec_id: String,
    pub description: String,
    pub mapped_control: Option<String>,
    pub source: Source,
}

/// What the organisation holds on file about its relationship with a vendor (Vendors
/// sheet): the agreements signed and when the vendor is next reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct VendorRecord {
    pub vendor: String,
    pub tier: Option<VendorTier>,
    pub contract_end: Option<NaiveDate>,
    /// When the data processing agreement (GDPR art. 28 and the like) was signed.
    pub dpa_signed_on: Option<NaiveDate>,
    /// When the HIPAA business associate agreement was signed.
    pub baa_signed_on: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub reviewer: String,
    pub source: Source,
}

/// A sheet read from an input file, for the scope section of the reports.
#[derive(Debug, Clone, Serialize)]
pub struct SheetRead {
    pub name: String,
    /// What the sheet was read as; `None` when demarc did not read it (its name is none
    /// it knows, or it sits beside a questionnaire's one sheet). Written as
    /// [`SheetRead::kind_label`] in reports and JSON.
    #[serde(serialize_with = "serialize_kind")]
    pub kind: Option<SheetUse>,
    pub rows: usize,
}

impl SheetRead {
    /// A sheet demarc did not read.
    pub fn ignored(name: &str) -> SheetRead {
        SheetRead {
            name: name.to_string(),
            kind: None,
            rows: 0,
        }
    }

    /// How the reports name what the sheet was read as: `Services`, `CAIQ`,
    /// `FedRAMP CIS (blank, not read)`, … or `ignored`.
    pub fn kind_label(&self) -> String {
        self.kind
            .map_or_else(|| "ignored".to_string(), |kind| kind.to_string())
    }
}

fn serialize_kind<S: serde::Serializer>(
    kind: &Option<SheetUse>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match kind {
        Some(kind) => serializer.collect_str(kind),
        None => serializer.serialize_str("ignored"),
    }
}

/// What demarc read a sheet as. A closed set, so that code asking "was this sheet read?"
/// or "is it the CAIQ?" is checked by the compiler rather than by comparing labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetUse {
    /// One of the customer's own sheets: Services, Controls, Evidence, Attestations, CUECs,
    /// Vendors.
    Records(crate::ingest::columns::SheetKind),
    /// A vendor's CAIQ questionnaire.
    Caiq,
    /// A worksheet of a FedRAMP workbook. `blank`: recognised by its header but holding no
    /// rows (or its header could not be read), so nothing was read from it.
    Fedramp { part: FedrampPart, blank: bool },
}

/// The two worksheets of a FedRAMP CIS/CRM workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FedrampPart {
    /// Control Implementation Summary.
    Cis,
    /// Customer Responsibility Matrix.
    Crm,
}

impl std::fmt::Display for SheetUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SheetUse::Records(kind) => f.write_str(kind.as_str()),
            SheetUse::Caiq => f.write_str("CAIQ"),
            SheetUse::Fedramp { part, blank } => {
                f.write_str(match part {
                    FedrampPart::Cis => "FedRAMP CIS",
                    FedrampPart::Crm => "FedRAMP CRM",
                })?;
                if *blank {
                    f.write_str(" (blank, not read)")?;
                }
                Ok(())
            }
        }
    }
}

/// An input file and what was read from it.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub sheets: Vec<SheetRead>,
}

/// Everything read from the inputs, validated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inputs {
    pub services: Vec<Service>,
    pub controls: Vec<Control>,
    pub evidence: Vec<Evidence>,
    pub attestations: Vec<Attestation>,
    pub cuecs: Vec<Cuec>,
    /// The Vendors sheet's rows: the relationship with each vendor.
    pub vendors: Vec<VendorRecord>,
    pub files: Vec<InputFile>,
    /// True when no Attestations sheet was found: every provider cell is unattested.
    pub attestations_absent: bool,
    /// True when no CUECs sheet was found.
    pub cuecs_absent: bool,
    /// True when no Vendors sheet was found: the relationship facts (agreements, reviews)
    /// were not given, and nothing is judged of them.
    pub vendors_absent: bool,
    /// Things worth knowing that did not stop the run (ignored sheets, extra columns).
    pub warnings: Vec<String>,
    /// Vendors' CAIQ questionnaires and FedRAMP CIS/CRM workbooks.
    pub questionnaires: crate::inputs::questionnaires::Questionnaires,
}
