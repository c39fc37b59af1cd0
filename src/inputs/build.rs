//! Records built in memory, for tests of the rules that read them: no workbook to write,
//! no ingest to run, so a reconcile test is a few lines of input beside its expected
//! findings and runs in microseconds. (The end-to-end tests in `tests/it/` still go through
//! real workbooks; this is the fast layer underneath them.)
//!
//! Each constructor gives a record with the plainest values a sheet could hold — in
//! scope, no data classes, quarterly, Effective, Unqualified — so a test states only what
//! its case is about, with struct update syntax:
//!
//! ```ignore
//! let inputs = InputsBuilder::new()
//!     .service(Service { data_classes: vec![DataClass::Pii], ..service("Ledger", "Acme", ServiceModel::Iaas) })
//!     .control(control("AC-1", 0))
//!     .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", TestResult::Effective))
//!     .build();
//! ```
//!
//! The builder numbers each sheet's rows from 2 (row 1 is the header), as ingest would, so
//! findings name believable sources and duplicate-row findings can be told apart.

use super::{
    Attestation, AttestationType, Control, Cuec, DataClass, Evidence, Frequency, Inputs, Opinion,
    Reach, Service, TestResult, VendorRecord,
};
use crate::findings::Source;
use crate::model::ServiceModel;
use chrono::NaiveDate;

/// The file every built record claims to come from.
pub const FILE: &str = "built.xlsx";

/// A date written as in a sheet, `2026-09-30`; panics on a typo, which is a test's bug.
pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("not a date: {text}"))
}

fn source(sheet: &str, row: u32) -> Source {
    Source {
        file: FILE.into(),
        sheet: sheet.into(),
        row,
    }
}

/// An in-scope service holding no classified data, in no named region.
pub fn service(name: &str, provider: &str, model: ServiceModel) -> Service {
    Service {
        name: name.into(),
        provider: provider.into(),
        service_model: model,
        service_model_inferred: false,
        data_classes: Vec::new(),
        owner: String::new(),
        in_scope: true,
        regions: Vec::new(),
        scope_note: String::new(),
        source: source("Services", 0),
    }
}

/// A service holding `classes` in `regions`, for residency cases.
pub fn service_in(name: &str, provider: &str, classes: &[DataClass], regions: &[&str]) -> Service {
    Service {
        data_classes: classes.to_vec(),
        regions: regions.iter().map(|r| r.to_string()).collect(),
        ..service(name, provider, ServiceModel::Saas)
    }
}

/// A quarterly control of the domain with index `domain`, applying to every service.
pub fn control(id: &str, domain: usize) -> Control {
    Control {
        id: id.into(),
        title: format!("{id} title"),
        domain,
        frameworks: Vec::new(),
        owner: String::new(),
        frequency: Frequency::Quarterly,
        applies_to: Reach::All,
        source: source("Controls", 0),
    }
}

/// Evidence for a control, for one service or (`None`) for every service it applies to.
pub fn evidence(
    control: &str,
    service: Option<&str>,
    collected_on: &str,
    result: TestResult,
) -> Evidence {
    Evidence {
        control_id: control.into(),
        service: service.map(Into::into),
        description: String::new(),
        file: String::new(),
        collected_on: date(collected_on),
        result,
        tester: "".into(),
        notes: String::new(),
        source: source("Evidence", 0),
    }
}

/// A vendor's attestation over every service and domain, Unqualified, with no exceptions
/// and no dates: a case sets the dates its rule reads (a report's period, a certificate's
/// issue and expiry).
pub fn attestation(vendor: &str, kind: AttestationType) -> Attestation {
    Attestation {
        vendor: vendor.into(),
        services: Reach::All,
        kind,
        period_start: None,
        period_end: None,
        issued_on: None,
        expires_on: None,
        auditor: String::new(),
        opinion: Some(Opinion::Unqualified),
        exceptions: 0,
        exception_notes: String::new(),
        subservice_orgs: Vec::new(),
        subservice_method: None,
        bridge_letter_through: None,
        domains: None,
        report_file: String::new(),
        source: source("Attestations", 0),
    }
}

/// A SOC 2 Type II report covering `start` to `end`.
pub fn soc2(vendor: &str, start: &str, end: &str) -> Attestation {
    Attestation {
        period_start: Some(date(start)),
        period_end: Some(date(end)),
        ..attestation(vendor, AttestationType::Soc2Type2)
    }
}

/// An ISO 27001 certificate issued on `issued`, expiring on `expires`.
pub fn iso(vendor: &str, issued: &str, expires: &str) -> Attestation {
    Attestation {
        issued_on: Some(date(issued)),
        expires_on: Some(date(expires)),
        ..attestation(vendor, AttestationType::Iso27001)
    }
}

/// A CUEC of a vendor's SOC 2 report, mapped to a customer control or to none.
pub fn cuec(vendor: &str, id: &str, mapped_control: Option<&str>) -> Cuec {
    Cuec {
        vendor: vendor.into(),
        attestation: "SOC 2 Type II".into(),
        cuec_id: id.into(),
        description: format!("{id} description"),
        mapped_control: mapped_control.map(Into::into),
        source: source("CUECs", 0),
    }
}

/// A Vendors row naming a vendor and nothing else: no tier, no agreement, no review date.
pub fn vendor(name: &str) -> VendorRecord {
    VendorRecord {
        vendor: name.into(),
        tier: None,
        contract_end: None,
        dpa_signed_on: None,
        baa_signed_on: None,
        next_review_due: None,
        reviewer: String::new(),
        source: source("Vendors", 0),
    }
}

/// Collects records into [`Inputs`] as ingest would: the Attestations and CUECs sheets
/// present, the Vendors sheet absent until a Vendors row is added ([`Self::vendor`],
/// [`Self::with_vendors_sheet`]), rows numbered in order.
#[derive(Debug)]
pub struct InputsBuilder {
    inputs: Inputs,
}

impl Default for InputsBuilder {
    fn default() -> Self {
        InputsBuilder {
            inputs: Inputs {
                vendors_absent: true,
                ..Inputs::default()
            },
        }
    }
}

impl InputsBuilder {
    pub fn new() -> InputsBuilder {
        InputsBuilder::default()
    }

    /// A Vendors row (and so a Vendors sheet).
    pub fn vendor(mut self, mut row: VendorRecord) -> Self {
        row.source.row = next_row(self.inputs.vendors.len());
        self.inputs.vendors.push(row);
        self.inputs.vendors_absent = false;
        self
    }

    /// As if the workbook had a Vendors sheet, with whatever rows are added.
    pub fn with_vendors_sheet(mut self) -> Self {
        self.inputs.vendors_absent = false;
        self
    }

    pub fn service(mut self, mut row: Service) -> Self {
        row.source.row = next_row(self.inputs.services.len());
        self.inputs.services.push(row);
        self
    }

    pub fn control(mut self, mut row: Control) -> Self {
        row.source.row = next_row(self.inputs.controls.len());
        self.inputs.controls.push(row);
        self
    }

    pub fn evidence(mut self, mut row: Evidence) -> Self {
        row.source.row = next_row(self.inputs.evidence.len());
        self.inputs.evidence.push(row);
        self
    }

    pub fn attestation(mut self, mut row: Attestation) -> Self {
        row.source.row = next_row(self.inputs.attestations.len());
        self.inputs.attestations.push(row);
        self
    }

    pub fn cuec(mut self, mut row: Cuec) -> Self {
        row.source.row = next_row(self.inputs.cuecs.len());
        self.inputs.cuecs.push(row);
        self
    }

    /// As if the workbook had no Attestations sheet (and so no CUECs sheet either).
    pub fn without_vendor_sheets(mut self) -> Self {
        self.inputs.attestations_absent = true;
        self.inputs.cuecs_absent = true;
        self
    }

    pub fn build(self) -> Inputs {
        self.inputs
    }
}

/// The sheet row of the `count`-th record: row 1 is the header.
fn next_row(count: usize) -> u32 {
    u32::try_from(count).expect("a test's rows fit u32") + 2
}
