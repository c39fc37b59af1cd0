//! Reconciliation: (inputs, model, period) → findings and coverage. Pure: no I/O, no
//! spreadsheets, no PDFs — so every rule can be tested on records built in memory.
//!
//! The rules are PRODUCT.md's, applied per cell of the model: for each in-scope service and
//! each domain the model names an owner; customer and shared cells need fresh, effective
//! evidence ([`customer`]), provider and shared cells a vendor attestation that covers the
//! service, the domain and the period end ([`vendor`]). CUECs, unknown references and
//! conflicting duplicates are checked row by row ([`cuecs`], [`hygiene`]); where each
//! service holds its data, service by service under a residency policy ([`residency`]).
//! Vendors' own documents — CAIQ answers ([`questionnaire`]) and FedRAMP CIS/CRM
//! workbooks ([`fedramp`]) — are held against the model and against themselves. The
//! relationship with each vendor (the Vendors sheet: BAA, DPA, review dates) is judged in
//! [`relationship`].
//!
//! Everything is looked up through indexes built once ([`Index`]): no rule scans the
//! evidence rows.

mod cuecs;
mod customer;
mod fedramp;
mod hygiene;
mod index;
mod questionnaire;
mod relationship;
pub mod residency;
pub mod risks;
#[cfg(test)]
mod tests;
mod vendor;

pub use index::{EvidenceState, Index};
pub use residency::{ResidencyStatus, ServiceResidency};

use crate::findings::{Code, Finding, Severity, Source};
use crate::inputs::directory::{Directory, Subject};
use crate::inputs::period::Period;
use crate::inputs::Inputs;
use crate::model::{Model, Owner};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the reconciler was asked to judge.
#[derive(Debug, Clone, Copy)]
pub struct Judgement<'a> {
    pub inputs: &'a Inputs,
    pub model: &'a Model,
    pub period: &'a Period,
    /// Attestations issued after this date do not count (default: the period end).
    pub as_of: NaiveDate,
    /// Where each class of data may be held; `None`: residency is not checked.
    pub residency: Option<&'a crate::model::residency::Policy>,
    /// What became of each evidence row's file under `--evidence-root` (same order as
    /// the rows); `None` when files were not looked for, and EVIDENCE_FILE_MISSING is
    /// not raised.
    pub evidence_files: Option<&'a [crate::inputs::evidence_files::FileStatus]>,
}

/// The outcome of a run: findings in a deterministic order, and the state of every cell.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub findings: Vec<Finding>,
    /// What each finding is about, as rows and ids (same order as `findings`): the reports
    /// join through these, never by re-keying names.
    #[serde(skip)]
    pub subjects: Vec<Subject>,
    pub cells: Vec<CellStatus>,
    pub coverage: Coverage,
    /// For each control and each in-scope service it applies to: its newest evidence.
    pub control_status: Vec<ControlStatus>,
    /// Indexes into `inputs.attestations` of the current row of each (vendor, type).
    pub current_attestations: Vec<usize>,
    /// Under a residency policy: where each in-scope service holds its data, judged (empty
    /// without a policy).
    pub residency: Vec<ServiceResidency>,
    /// For each (first) control row, how many evidence rows on or before the period end
    /// name it.
    #[serde(skip)]
    pub rows_on_file: Vec<usize>,
    /// Services, controls and vendors by name, resolved once for the rules and the reports.
    #[serde(skip)]
    pub directory: Directory,
    /// What was judged of each CUEC row (same order as `inputs.cuecs`). A CUEC without a
    /// finding is evidenced only when its control was judged on at least one of the
    /// vendor's services: one whose control applies to none of them raises nothing (the
    /// catalogue's rule), yet nothing shows the customer operates it for that vendor, and
    /// no report may call it evidenced.
    #[serde(skip)]
    pub cuec_scopes: Vec<CuecScope>,
}

/// What was judged of one CUEC row; see [`Reconciliation::cuec_scopes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CuecScope {
    /// Its mapped control was judged on this many of the vendor's in-scope services.
    Judged(usize),
    /// Its vendor provides no in-scope service: nothing was judged.
    NoServiceInScope,
    /// Its mapped control applies to none of the vendor's in-scope services: nothing was
    /// judged.
    ControlAppliesToNone,
    /// Its mapped control is blank or not in the catalogue (`CUEC_UNMAPPED`).
    Unmapped,
}

/// One in-scope service × domain cell of the model.
#[derive(Debug, Clone, Serialize)]
pub struct CellStatus {
    pub service: String,
    /// The service's (first) row, for joins: reports match cells to services by it, not
    /// by name.
    #[serde(skip)]
    pub service_row: usize,
    pub provider: String,
    pub domain: String,
    pub owner: Owner,
    /// The cell's owner came from an override of the model.
    pub overridden: bool,
    /// The provider profile that gave the owner (`AWS abstracted`, `Azure PaaS`) under
    /// `model = "providers"`; absent when the matrix or an override did, so that a run on
    /// the default model writes the same `findings.json` as before profiles existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Customer part: `Some(true)` when every serving control has fresh Effective evidence;
    /// `None` when the owner is the provider alone.
    pub customer_evidenced: Option<bool>,
    /// Provider part: `Some(true)` when a counted attestation covers the service, domain and
    /// period end; `None` when the owner is the customer alone.
    pub provider_attested: Option<bool>,
    /// Owned and evidenced: every part the owner needs is in place.
    pub evidenced: bool,
    /// The worst finding about this service and domain, if any.
    pub worst: Option<Severity>,
    pub findings: usize,
    /// The vendor's own CAIQ or FedRAMP workbook gives this cell another owner than the
    /// model (`RESPONSIBILITY_DRIFT`). Kept apart from `evidenced`, which says the model's
    /// owner has what it needs: a cell can be evidenced and still disputed, and a report
    /// must not call it settled.
    pub disputed: bool,
}

/// Share of cells owned and evidenced, overall and by domain, service and vendor.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub cells: usize,
    pub evidenced: usize,
    pub percent: f64,
    pub by_domain: Vec<CoverageLine>,
    pub by_service: Vec<CoverageLine>,
    pub by_vendor: Vec<CoverageLine>,
}

/// One line of a coverage table.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageLine {
    pub name: String,
    pub cells: usize,
    pub evidenced: usize,
    pub percent: f64,
}

/// A control's newest evidence for one service it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct ControlStatus {
    /// Index into `inputs.controls`.
    pub control: usize,
    /// Index into `inputs.services`.
    pub service: usize,
    /// The newest row on or before the period end, and whether it is fresh.
    pub state: EvidenceState,
}

impl ControlStatus {
    /// Index into `inputs.evidence` of the newest row on or before the period end.
    pub fn newest(&self) -> Option<usize> {
        match self.state {
            EvidenceState::Missing => None,
            EvidenceState::Found { row, .. } => Some(row),
        }
    }

    /// Fresh and Effective.
    pub fn is_good(&self, evidence: &[crate::inputs::Evidence]) -> bool {
        self.state.is_good(evidence)
    }

    /// How the reports name the state: `missing`, `stale`, or the newest result when
    /// fresh (`Effective`, …).
    pub fn label(&self, evidence: &[crate::inputs::Evidence]) -> &'static str {
        match self.state {
            EvidenceState::Missing => "missing",
            EvidenceState::Found { fresh: false, .. } => "stale",
            EvidenceState::Found { row, fresh: true } => evidence[row].result.as_str(),
        }
    }
}

/// Runs every rule. The row hygiene checks read every evidence row and depend on nothing
/// but the index, so they run on a second thread beside the cell rules; their findings
/// are put in the same place among the others as before, so the order of findings that
/// sort as equal does not depend on the threads.
pub fn reconcile(judgement: Judgement<'_>) -> Reconciliation {
    let directory = Directory::of(judgement.inputs);
    let mut index = Index::build(judgement, &directory);
    let (mut findings, mut cells, control_status, cuec_scopes) = std::thread::scope(|scope| {
        let hygiene = scope.spawn(|| {
            let mut findings = Vec::new();
            hygiene::unknown_references(&index, &mut findings);
            hygiene::duplicates(&index, &mut findings);
            findings
        });
        let (mut findings, cells) = judge_cells(&index);
        vendor::judge_attestation_rows(&index, &mut findings);
        let cuec_scopes = cuecs::judge(&index, &mut findings);
        relationship::judge(&index, &mut findings);
        let control_status = customer::control_status(&index);
        match hygiene.join() {
            Ok(hygiene) => findings.extend(hygiene),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        (findings, cells, control_status, cuec_scopes)
    });
    let residency = judgement
        .residency
        .map(|policy| residency::judge(&index, policy, &mut findings))
        .unwrap_or_default();
    if let Some(files) = judgement.evidence_files {
        customer::missing_files(&index, &control_status, files, &mut findings);
    }
    questionnaire::judge(&index, &mut findings);
    fedramp::judge(&index, &mut findings);
    crate::findings::sort(&mut findings);
    crate::findings::assign_ids(&mut findings);

    mark_worst(&mut cells, &findings);
    let coverage = coverage(&cells);
    let current_attestations = index.current_attestations();
    let rows_on_file = std::mem::take(&mut index.rows_on_file);
    drop(index);
    let subjects = findings.iter().map(|f| directory.subject(f)).collect();
    Reconciliation {
        findings,
        subjects,
        cells,
        coverage,
        control_status,
        current_attestations,
        residency,
        rows_on_file,
        directory,
        cuec_scopes,
    }
}

/// Judges every in-scope service × domain cell of the model: its findings and its status.
fn judge_cells(index: &Index<'_>) -> (Vec<Finding>, Vec<CellStatus>) {
    let judgement = index.judgement;
    let mut findings = Vec::new();
    let mut cells = Vec::new();
    for (s, service) in judgement.inputs.services.iter().enumerate() {
        if !service.in_scope || !index.is_primary_service(s) {
            continue;
        }
        for (d, domain) in judgement.model.domains.iter().enumerate() {
            let ownership =
                judgement
                    .model
                    .owner(d, &service.name, &service.provider, service.service_model);
            let owner = ownership.owner;
            let customer_evidenced = owner
                .needs_customer_evidence()
                .then(|| customer::judge_cell(index, s, d, &mut findings));
            let provider_attested = owner
                .needs_attestation()
                .then(|| vendor::judge_cell(index, s, d, &mut findings));
            cells.push(CellStatus {
                service: service.name.clone(),
                service_row: s,
                provider: service.provider.clone(),
                domain: domain.name.clone(),
                owner,
                overridden: ownership.overridden_by.is_some(),
                profile: ownership.profile.map(|p| p.label()),
                customer_evidenced,
                provider_attested,
                evidenced: customer_evidenced.unwrap_or(true) && provider_attested.unwrap_or(true),
                worst: None,
                findings: 0,
                disputed: false,
            });
        }
    }
    (findings, cells)
}

/// Gives each cell its worst finding, its count of findings and whether the vendor
/// disputes its owner. A finding names its cell by service and domain; a
/// `RESPONSIBILITY_DRIFT` raised once for all of a vendor's in-scope services (every one
/// of them drifts) names no service, so it is given to each cell of that vendor's
/// services in its domain: without that, a single-service vendor's cells would read
/// "evidenced" beside the drift findings about them.
fn mark_worst(cells: &mut [CellStatus], findings: &[Finding]) {
    #[derive(Default)]
    struct Mark {
        worst: Option<Severity>,
        count: usize,
        disputed: bool,
    }
    let mut by_service: BTreeMap<(String, &str), Mark> = BTreeMap::new();
    let mut by_vendor: BTreeMap<(String, &str), Mark> = BTreeMap::new();
    for f in findings {
        let Some(domain) = f.domain.as_deref() else {
            continue;
        };
        let drift = f.code == Code::ResponsibilityDrift;
        let mark = match (&f.service, &f.vendor) {
            (Some(service), _) => by_service
                .entry((crate::inputs::names::key(service), domain))
                .or_default(),
            (None, Some(vendor)) if drift => by_vendor
                .entry((crate::inputs::names::key(vendor), domain))
                .or_default(),
            _ => continue,
        };
        mark.worst = mark.worst.max(Some(f.severity));
        mark.count += 1;
        mark.disputed |= drift;
    }
    for cell in cells {
        let marks = [
            by_service.get(&(
                crate::inputs::names::key(&cell.service),
                cell.domain.as_str(),
            )),
            by_vendor.get(&(
                crate::inputs::names::key(&cell.provider),
                cell.domain.as_str(),
            )),
        ];
        for mark in marks.into_iter().flatten() {
            cell.worst = cell.worst.max(mark.worst);
            cell.findings += mark.count;
            cell.disputed |= mark.disputed;
        }
    }
}

fn coverage(cells: &[CellStatus]) -> Coverage {
    fn lines(cells: &[CellStatus], group: impl Fn(&CellStatus) -> &str) -> Vec<CoverageLine> {
        // Keep first-seen order (the order of the sheet or the model), not alphabetical.
        let mut order: Vec<String> = Vec::new();
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for cell in cells {
            let name = group(cell).to_string();
            let entry = counts.entry(name.clone()).or_insert_with(|| {
                order.push(name.clone());
                (0, 0)
            });
            entry.0 += 1;
            entry.1 += usize::from(cell.evidenced);
        }
        order
            .into_iter()
            .map(|name| {
                let (cells, evidenced) = counts[&name];
                CoverageLine {
                    name,
                    cells,
                    evidenced,
                    percent: percent(evidenced, cells),
                }
            })
            .collect()
    }
    let evidenced = cells.iter().filter(|c| c.evidenced).count();
    Coverage {
        cells: cells.len(),
        evidenced,
        percent: percent(evidenced, cells.len()),
        by_domain: lines(cells, |c| &c.domain),
        by_service: lines(cells, |c| &c.service),
        by_vendor: lines(cells, |c| &c.provider),
    }
}

/// A percentage rounded to one decimal, so JSON output is stable and readable.
fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// A finding being put together.
pub(crate) struct Draft {
    finding: Finding,
}

impl Draft {
    pub(crate) fn new(code: Code, message: String, remedy: String) -> Draft {
        Draft {
            finding: Finding {
                id: String::new(),
                code,
                severity: code.base_severity(),
                message,
                remedy,
                service: None,
                domain: None,
                control_id: None,
                vendor: None,
                cuec_id: None,
                sources: Vec::new(),
            },
        }
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Draft {
        self.finding.severity = severity;
        self
    }

    /// Steps the severity up one level when regulated data (PII/PHI/PCI) is involved and
    /// the catalogue says the code steps up at all.
    pub(crate) fn regulated(mut self, regulated: bool) -> Draft {
        if regulated && self.finding.code.step_up().applies() {
            self.finding.severity = self.finding.severity.step_up();
        }
        self
    }

    pub(crate) fn service(mut self, name: &str) -> Draft {
        self.finding.service = Some(name.to_string());
        self
    }

    pub(crate) fn domain(mut self, name: &str) -> Draft {
        self.finding.domain = Some(name.to_string());
        self
    }

    pub(crate) fn control(mut self, id: &str) -> Draft {
        self.finding.control_id = Some(id.to_string());
        self
    }

    pub(crate) fn vendor(mut self, name: &str) -> Draft {
        self.finding.vendor = Some(name.to_string());
        self
    }

    pub(crate) fn cuec(mut self, id: &str) -> Draft {
        self.finding.cuec_id = Some(id.to_string());
        self
    }

    pub(crate) fn source(mut self, source: &Source) -> Draft {
        if !self.finding.sources.contains(source) {
            self.finding.sources.push(source.clone());
        }
        self
    }

    pub(crate) fn done(self) -> Finding {
        self.finding
    }
}

/// Dates in messages: ISO, as auditors write them.
pub(crate) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
