//! The auditor pack's data (`auditor-pack.typ.hbs`): the whole run for someone who checks
//! it — inputs read, the model, every service's cells, every control with its evidence,
//! attestations, CUECs, every finding, residency, and the rules behind the codes.

use super::{
    cell_status, service_marks, severity_counts, AttestationView, CellView, FindingView, Mark,
    Meta, SeverityCount,
};
use crate::findings::{Code, Finding, Severity, Source};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::Inputs;
use crate::reconcile::{ControlStatus, Reconciliation};
use crate::render::EvidenceListing;
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Above this many (control, service) rows the auditor pack lists only gaps in full.
pub const AUTO_COMPACT_ROWS: usize = 2_000;

/// Above this many CUECs the auditor pack lists only those with a finding.
pub const MAX_LISTED_CUECS: usize = 300;

/// The auditor pack lists at most this many findings of one code at one severity.
pub const MAX_FINDINGS_PER_CODE: usize = 300;

/// In the compact listing, at most this many services with gaps are listed per control.
const MAX_GAP_ROWS_PER_CONTROL: usize = 25;

/// Above this many in-scope services, one matrix replaces a table per service.
const FOLD_SERVICES: usize = super::board::HEATMAP_MAX_SERVICES;

/// Everything `auditor-pack.typ.hbs` reads.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuditorPack {
    /// The run: organisation, period, dates, version.
    pub meta: Meta,
    /// Findings and coverage in numbers.
    pub summary: Summary,
    /// The input files read, with their hashes and sheets.
    pub files: Vec<InputFile>,
    /// Things worth knowing that did not stop the run (ignored sheets, extra columns).
    pub warnings: Vec<String>,
    /// How evidence is listed per control: `newest` (every service) or `compact` (services
    /// with gaps; the rest counted).
    pub listing: &'static str,
    /// With `--evidence-listing full`, a sentence pointing at the appendix; else empty.
    pub appendix: String,
    /// Non-empty when no `--evidence-root` was given (evidence files were not looked for).
    pub evidence_root: &'static str,
    /// The responsibility model the run judged against.
    pub model: ModelView,
    /// Every finding code with its severity and rule.
    pub codes: Vec<CodeView>,
    /// Every service of the workbook, in sheet order.
    pub services: Vec<ServiceView>,
    /// True above 30 in-scope services: show one matrix of `marks` instead of a table of
    /// `cells` per service.
    pub services_folded: bool,
    /// The model's domains in order: the folded matrix's columns.
    pub domain_names: Vec<String>,
    /// Every control, in sheet order, with its evidence.
    pub controls: Vec<ControlView>,
    /// Every attestation on file.
    pub attestations: Vec<AttestationView>,
    /// True when the workbook has no attestations sheet.
    pub attestations_absent: bool,
    /// The CUECs listed (all up to 300; above, those with a finding).
    pub cuecs: Vec<CuecView>,
    /// Above 300 CUECs, a sentence counting the evidenced ones by vendor; else empty.
    pub cuecs_counted: String,
    /// Findings by severity, most severe first; severities without findings left out.
    pub findings: Vec<SeverityFindings>,
    /// Data residency: the policy and where each service holds data.
    pub residency: super::residency::AuditorResidency,
}

/// Findings and coverage in numbers.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Summary {
    /// All findings.
    pub total: usize,
    /// Findings per severity, most severe first.
    pub by_severity: Vec<SeverityCount>,
    /// In-scope responsibility cells.
    pub cells: usize,
    /// Those owned and evidenced.
    pub evidenced: usize,
    /// Their share, one decimal.
    pub percent: String,
}

/// An input file read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InputFile {
    /// Its path as given.
    pub path: String,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Its size in bytes, as text.
    pub bytes: String,
    /// Its sheets, as `name → kind (n rows)`, `; `-separated.
    pub sheets: String,
}

/// The responsibility model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ModelView {
    /// Its name.
    pub name: String,
    /// The model file, or `built in`.
    pub file: String,
    /// Its domains, in order.
    pub domains: Vec<DomainOwners>,
    /// Its overrides, each in words.
    pub overrides: Vec<String>,
}

/// A domain and its owner per service model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DomainOwners {
    /// The domain's name.
    pub name: String,
    /// Its owner (`customer`, `shared`, `provider`) for each service model, in the order
    /// On-prem, IaaS, PaaS, SaaS.
    pub owners: Vec<&'static str>,
}

/// A finding code and its rule.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CodeView {
    /// The code, e.g. `EVIDENCE_STALE`.
    pub code: &'static str,
    /// Its base severity.
    pub severity: &'static str,
    /// When its severity differs from the base, in words.
    pub severity_rule: String,
    /// Its short title.
    pub title: &'static str,
    /// What raises it.
    pub rule: &'static str,
}

/// A service and its responsibility cells.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ServiceView {
    /// The service's name.
    pub name: String,
    /// Its provider.
    pub provider: String,
    /// Its service model (`SaaS`, `PaaS`, `IaaS`, `On-prem`).
    pub model: &'static str,
    /// True when the service model was inferred, not written in the workbook.
    pub model_inferred: bool,
    /// One mark per model domain, for the folded matrix.
    pub marks: Vec<Mark>,
    /// Its data classes, `, `-separated.
    pub data_classes: String,
    /// `yes` or `no`.
    pub in_scope: &'static str,
    /// Its owner in the organisation.
    pub owner: String,
    /// Its regions, `, `-separated.
    pub regions: String,
    /// Its cells, one per domain it has (none when out of scope).
    pub cells: Vec<CellView>,
}

/// A control and its evidence.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ControlView {
    /// The control's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The model domain it evidences.
    pub domain: String,
    /// How often it must be tested, e.g. `quarterly`.
    pub frequency: &'static str,
    /// Frameworks it maps to, `; `-separated.
    pub frameworks: String,
    /// The services it applies to, in words.
    pub applies_to: String,
    /// Its owner in the organisation.
    pub owner: String,
    /// Evidence rows on file for it, dated on or before the period end, as text.
    pub rows_on_file: String,
    /// Codes of its findings, `, `-separated.
    pub findings: String,
    /// The newest evidence per service listed (compact listing: services with gaps only).
    pub rows: Vec<EvidenceRow>,
    /// Compact listing: a sentence counting the services with fresh, Effective evidence;
    /// else empty.
    pub summary: String,
    /// Compact listing: a sentence when more than 25 services with gaps were left out.
    pub more: String,
}

/// A service's newest evidence for a control. Every field but `service` and `status` is
/// empty when there is no evidence.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceRow {
    /// The service.
    pub service: String,
    /// When the evidence was collected, `YYYY-MM-DD`.
    pub date: String,
    /// The test result, e.g. `Effective`.
    pub result: &'static str,
    /// What the evidence is.
    pub description: String,
    /// Who tested.
    pub tester: String,
    /// Its status for the period: the newest row's result (`Effective`, `Ineffective`,
    /// `Not tested`) when fresh, else `stale` or `missing`.
    pub status: String,
    /// The evidence file named in the workbook.
    pub file: String,
    /// What became of that file: `hashed`, `missing`, `refused`, `url`, `not checked`.
    pub file_status: &'static str,
    /// Its SHA-256 when hashed.
    pub sha256: String,
    /// Its row in the workbook, `sheet!row`.
    pub source: String,
}

/// A complementary user entity control.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CuecView {
    /// The vendor whose attestation lists it.
    pub vendor: String,
    /// That attestation.
    pub attestation: String,
    /// The CUEC's id.
    pub id: String,
    /// What the customer must do.
    pub description: String,
    /// The customer's control it is mapped to; empty when unmapped.
    pub control: String,
    /// Its finding's code, or `evidenced`.
    pub status: &'static str,
}

/// The findings of one severity.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SeverityFindings {
    /// The severity.
    pub severity: &'static str,
    /// All findings of that severity (listed or not).
    pub count: usize,
    /// Those listed: at most 300 of each code.
    pub findings: Vec<FindingView>,
    /// A sentence naming what was not listed; empty when all were.
    pub omitted: String,
}

fn service_views(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> Vec<ServiceView> {
    let domain_names: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    inputs
        .services
        .iter()
        .map(|s| {
            let own = || rec.cells.iter().filter(|c| c.service == s.name);
            ServiceView {
                name: s.name.clone(),
                provider: s.provider.clone(),
                model: s.service_model.as_str(),
                model_inferred: s.service_model_inferred,
                marks: service_marks(&domain_names, own()),
                data_classes: s
                    .data_classes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                in_scope: if s.in_scope { "yes" } else { "no" },
                owner: s.owner.clone(),
                regions: s.regions.join(", "),
                cells: own()
                    .map(|c| CellView {
                        domain: c.domain.clone(),
                        owner: format!(
                            "{}{}",
                            c.owner.as_str(),
                            if c.overridden { " (override)" } else { "" }
                        ),
                        status: cell_status(c),
                        worst: super::worst(c),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn evidence_row(inputs: &Inputs, files: &[FileStatus], st: &ControlStatus) -> EvidenceRow {
    let service = inputs.services[st.service].name.clone();
    let status = st.label(&inputs.evidence).to_string();
    match st.newest() {
        Some(i) => {
            let e = &inputs.evidence[i];
            let file = &files[i];
            EvidenceRow {
                service,
                date: e.collected_on.to_string(),
                result: e.result.as_str(),
                description: e.description.clone(),
                tester: e.tester.to_string(),
                status,
                file: e.file.clone(),
                file_status: file.label(),
                sha256: file.sha256().to_string(),
                source: format!("{}!{}", e.source.sheet, e.source.row),
            }
        }
        None => EvidenceRow {
            service,
            date: String::new(),
            result: "",
            description: String::new(),
            tester: String::new(),
            status,
            file: String::new(),
            file_status: "",
            sha256: String::new(),
            source: String::new(),
        },
    }
}

fn control_views(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
    compact: bool,
) -> Vec<ControlView> {
    let domain_names: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    // Built once: statuses by control, rows on file by control, findings by control.
    let mut status_of: HashMap<usize, Vec<&ControlStatus>> = HashMap::new();
    for st in &rec.control_status {
        status_of.entry(st.control).or_default().push(st);
    }
    let directory = &rec.directory;
    let mut findings_of: HashMap<usize, BTreeSet<&str>> = HashMap::new();
    for (f, subject) in rec.findings.iter().zip(&rec.subjects) {
        if let Some(control) = subject.control {
            findings_of
                .entry(control)
                .or_default()
                .insert(f.code.as_str());
        }
    }
    inputs
        .controls
        .iter()
        .enumerate()
        .map(|(c, control)| {
            let statuses: &[&ControlStatus] =
                status_of.get(&c).map(Vec::as_slice).unwrap_or_default();
            // Compact listing: every service with a gap is shown; fresh, Effective ones are
            // counted (the full listing is evidence-index.csv).
            let (shown, good): (Vec<&ControlStatus>, Vec<&ControlStatus>) = if compact {
                statuses
                    .iter()
                    .partition(|st| !st.is_good(&inputs.evidence))
            } else {
                (statuses.to_vec(), Vec::new())
            };
            let hidden = shown.len().saturating_sub(MAX_GAP_ROWS_PER_CONTROL);
            let rows = shown
                .iter()
                .take(if compact {
                    MAX_GAP_ROWS_PER_CONTROL
                } else {
                    usize::MAX
                })
                .map(|st| evidence_row(inputs, files, st))
                .collect();
            let newest_good = good
                .iter()
                .filter_map(|st| st.newest().map(|i| inputs.evidence[i].collected_on))
                .max();
            let summary = match (good.len(), newest_good) {
                (0, _) => String::new(),
                (n, Some(date)) => format!(
                    "{n} more service{} with fresh, Effective evidence (newest {date}); each is listed in evidence-index.csv.",
                    if n == 1 { "" } else { "s" }
                ),
                (n, None) => format!("{n} more services with fresh, Effective evidence."),
            };
            let more = if compact && hidden > 0 {
                format!("{hidden} more services with gaps are not listed here: see evidence-index.csv and the findings.")
            } else {
                String::new()
            };
            let first = directory.primary_control(c);
            ControlView {
                id: control.id.clone(),
                title: control.title.clone(),
                domain: domain_names[control.domain].to_string(),
                frequency: control.frequency.as_str(),
                frameworks: control.frameworks.join("; "),
                applies_to: control.applies_to.describe(),
                owner: control.owner.clone(),
                rows_on_file: rec.rows_on_file[first].to_string(),
                findings: findings_of
                    .get(&first)
                    .map(|codes| codes.iter().copied().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                rows,
                summary,
                more,
            }
        })
        .collect()
}

/// Each CUEC's finding, looked up once: the first finding naming the CUEC, its vendor and
/// its row, keyed by those three. Shared with the auditor workbook, so that the pack and the
/// workbook never disagree on a CUEC's status.
pub(crate) fn cuec_findings(rec: &Reconciliation) -> HashMap<(&str, &str, &Source), &Finding> {
    let mut found: HashMap<(&str, &str, &Source), &Finding> = HashMap::new();
    for f in &rec.findings {
        if let (Some(id), Some(vendor), Some(source)) =
            (f.cuec_id.as_deref(), f.vendor.as_deref(), f.sources.first())
        {
            found.entry((id, vendor, source)).or_insert(f);
        }
    }
    found
}

/// The CUECs listed, and above [`MAX_LISTED_CUECS`] the sentence counting the rest.
fn cuec_views(inputs: &Inputs, rec: &Reconciliation) -> (Vec<CuecView>, String) {
    let cuec_findings = cuec_findings(rec);
    // Up to MAX_LISTED_CUECS every CUEC is listed; above, those with a finding are, and
    // the evidenced ones are counted by vendor (findings.json holds every CUEC's finding).
    let list_every_cuec = inputs.cuecs.len() <= MAX_LISTED_CUECS;
    let mut evidenced_by_vendor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut cuecs = Vec::new();
    for cuec in &inputs.cuecs {
        let finding = cuec_findings
            .get(&(cuec.cuec_id.as_str(), cuec.vendor.as_str(), &cuec.source))
            .copied();
        if finding.is_none() && !list_every_cuec {
            *evidenced_by_vendor.entry(cuec.vendor.as_str()).or_default() += 1;
            continue;
        }
        cuecs.push(CuecView {
            vendor: cuec.vendor.clone(),
            attestation: cuec.attestation.clone(),
            id: cuec.cuec_id.clone(),
            description: cuec.description.clone(),
            control: cuec.mapped_control.clone().unwrap_or_default(),
            status: finding.map(|f| f.code.as_str()).unwrap_or("evidenced"),
        });
    }
    let counted = if evidenced_by_vendor.is_empty() {
        String::new()
    } else {
        let total: usize = evidenced_by_vendor.values().sum();
        format!(
            "With {} CUECs, only those with a finding are listed; the {total} whose mapped control is evidenced are counted by vendor: {}.",
            inputs.cuecs.len(),
            evidenced_by_vendor
                .iter()
                .map(|(vendor, n)| format!("{vendor} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    (cuecs, counted)
}

/// Every finding is listed, up to a bound per code and severity that keeps the PDF
/// usable; findings.json and findings.csv always hold them all.
fn findings_by_severity(rec: &Reconciliation) -> Vec<SeverityFindings> {
    let mut by_severity = Vec::new();
    for s in Severity::ALL {
        let mut shown_per_code: BTreeMap<&str, usize> = BTreeMap::new();
        let mut list = Vec::new();
        for f in rec.findings.iter().filter(|f| f.severity == s) {
            let shown = shown_per_code.entry(f.code.as_str()).or_default();
            *shown += 1;
            if *shown <= MAX_FINDINGS_PER_CODE {
                list.push(FindingView::of(f));
            }
        }
        let omitted: Vec<String> = shown_per_code
            .iter()
            .filter(|(_, n)| **n > MAX_FINDINGS_PER_CODE)
            .map(|(code, n)| format!("{} more {code}", n - MAX_FINDINGS_PER_CODE))
            .collect();
        if !list.is_empty() {
            by_severity.push(SeverityFindings {
                severity: s.as_str(),
                count: shown_per_code.values().sum::<usize>(),
                findings: list,
                omitted: if omitted.is_empty() {
                    String::new()
                } else {
                    format!("Not listed here, to keep this document usable: {}. Every finding is in findings.csv and findings.json.", omitted.join(", "))
                },
            });
        }
    }
    by_severity
}

/// The sentence pointing at the full evidence appendix.
fn appendix_sentence(run: &Run, inputs: &Inputs) -> String {
    let rows = inputs
        .evidence
        .iter()
        .filter(|e| e.collected_on <= run.period.end)
        .count();
    let parts = rows.div_ceil(crate::render::APPENDIX_ROWS_PER_PART).max(1);
    if parts == 1 {
        format!("Every one of the {rows} evidence rows dated on or before the period end is listed in the appendix beside this document: auditor-pack-appendix/part-01.pdf.")
    } else {
        format!("Every one of the {rows} evidence rows dated on or before the period end is listed in the appendix beside this document, in {parts} parts: auditor-pack-appendix/part-01.pdf to part-{parts:02}.pdf.")
    }
}

/// Builds the auditor pack's data.
pub fn auditor_pack(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
    listing: EvidenceListing,
) -> AuditorPack {
    let compact = match listing {
        EvidenceListing::Newest => false,
        EvidenceListing::Compact => true,
        EvidenceListing::Auto | EvidenceListing::Full => {
            rec.control_status.len() > AUTO_COMPACT_ROWS
        }
    };
    let model = &run.model;
    let (cuecs, cuecs_counted) = cuec_views(inputs, rec);
    AuditorPack {
        meta: Meta::of(run),
        summary: Summary {
            total: rec.findings.len(),
            by_severity: severity_counts(&rec.findings),
            cells: rec.coverage.cells,
            evidenced: rec.coverage.evidenced,
            percent: format!("{:.1}", rec.coverage.percent),
        },
        files: inputs
            .files
            .iter()
            .map(|f| InputFile {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                bytes: f.bytes.to_string(),
                sheets: f
                    .sheets
                    .iter()
                    .map(|s| format!("{} → {} ({} rows)", s.name, s.kind_label(), s.rows))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        warnings: inputs.warnings.clone(),
        listing: if compact { "compact" } else { "newest" },
        appendix: if listing == EvidenceListing::Full {
            appendix_sentence(run, inputs)
        } else {
            String::new()
        },
        evidence_root: if files.contains(&FileStatus::NotChecked) {
            "not given: evidence files were not looked for"
        } else {
            ""
        },
        model: ModelView {
            name: model.name.clone(),
            file: model
                .file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "built in".into()),
            domains: model
                .domains
                .iter()
                .map(|d| DomainOwners {
                    name: d.name.clone(),
                    owners: d.owners.iter().map(|o| o.as_str()).collect(),
                })
                .collect(),
            overrides: model
                .overrides
                .iter()
                .map(|o| model.describe_override(o))
                .collect(),
        },
        codes: Code::ALL
            .iter()
            .map(|c| CodeView {
                code: c.as_str(),
                severity: c.base_severity().as_str(),
                severity_rule: crate::findings::explain::severity_text(*c).to_string(),
                title: c.title(),
                rule: c.rule(),
            })
            .collect(),
        services: service_views(run, inputs, rec),
        services_folded: inputs.services.iter().filter(|s| s.in_scope).count() > FOLD_SERVICES,
        domain_names: model.domains.iter().map(|d| d.name.clone()).collect(),
        controls: control_views(run, inputs, rec, files, compact),
        attestations: inputs
            .attestations
            .iter()
            .enumerate()
            .map(|(i, a)| {
                AttestationView::of(a, &run.period, rec.current_attestations.contains(&i))
            })
            .collect(),
        attestations_absent: inputs.attestations_absent,
        cuecs,
        cuecs_counted,
        findings: findings_by_severity(rec),
        residency: super::residency::auditor_section(run, inputs, rec),
    }
}
