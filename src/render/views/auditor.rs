//! The auditor pack's data (`auditor-pack.typ.hbs`): the whole run for someone who checks
//! it — inputs read, the model, every service's cells, every control with its evidence,
//! attestations, CUECs, every finding, residency, and the rules behind the codes.

use super::findings::{
    control_anchor, group_findings, service_anchor, shown_path, Bounds, SeverityFindings,
};
use super::{
    cell_status, service_marks, severity_counts, AttestationView, CellView, Mark, Meta,
    SeverityCount,
};
use crate::findings::{Code, Finding, Source};
use crate::inputs::directory::Subject;
use crate::inputs::evidence_files::{Completeness, FileStatus};
use crate::inputs::names::thousands;
use crate::inputs::Inputs;
use crate::reconcile::{ControlStatus, Reconciliation};
use crate::render::EvidenceListing;
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Above this many (control, service) rows the auditor pack lists only gaps in full.
pub const AUTO_COMPACT_ROWS: usize = 2_000;

/// Above this many CUECs the auditor pack lists only those with a finding, and at most
/// this many of those.
pub const MAX_LISTED_CUECS: usize = 300;

/// Up to this many findings, each is listed with its message; above, one line each, the
/// message pattern stated once per code (every message is in the auditor workbook).
pub const DETAILED_FINDINGS: usize = 300;

/// The auditor pack's bounds keep it within about 170 pages whatever the input (3,000
/// services, 6,000 controls and half a million findings ran to 725 pages before them,
/// and Typst holds about 5 MB a page while it lays a document out);
/// what a bound leaves out is counted in the pack, and every row is in the auditor
/// workbook, findings.csv and findings.json.
///
/// Finding lines, with a line for each service's or vendor's heading: about 115 fit on a
/// page with the code headings, so ~70 pages. Up to it every finding is listed; above,
/// the lines are shared out so that every service lists its first findings of each code.
pub const MAX_LISTED_FINDINGS: usize = 8_000;

/// Services in the folded matrix (about 22 a page): above it, the worst are listed.
pub const MAX_LISTED_SERVICES: usize = 400;

/// Controls in the compact listing (about 22 a page): above it, those with the worst
/// evidence are listed.
pub const MAX_LISTED_CONTROLS: usize = 700;

/// Attestations in the register (about 8 a page): current ones first.
pub const MAX_LISTED_ATTESTATIONS: usize = 120;

/// A group of services sharing the same newest evidence names at most this many of them;
/// the rest are counted.
const NAMED_SERVICES: usize = 6;

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
    /// Above [`MAX_LISTED_SERVICES`] services, a sentence saying which are listed and
    /// counting the rest; else empty.
    pub services_omitted: String,
    /// The model's domains in order: the folded matrix's columns.
    pub domain_names: Vec<String>,
    /// Every control, in sheet order, with its evidence (in the compact listing, at most
    /// [`MAX_LISTED_CONTROLS`]: those with the worst evidence).
    pub controls: Vec<ControlView>,
    /// When controls were left out, a sentence counting them by state; else empty.
    pub controls_omitted: String,
    /// Every attestation on file, current ones first (at most [`MAX_LISTED_ATTESTATIONS`]).
    pub attestations: Vec<AttestationView>,
    /// When attestations were left out, a sentence counting them; else empty.
    pub attestations_omitted: String,
    /// True when the workbook has no attestations sheet.
    pub attestations_absent: bool,
    /// The CUECs listed (all up to 300; above, those with a finding).
    pub cuecs: Vec<CuecView>,
    /// Above 300 CUECs, a sentence counting the evidenced ones by vendor; and, when some
    /// CUECs are not assessed, a sentence saying why; else empty.
    pub cuecs_counted: String,
    /// True when the findings are few enough to list each with its message and remedy.
    pub findings_detailed: bool,
    /// Findings by severity, most severe first, then by code; severities without findings
    /// left out.
    pub findings: Vec<SeverityFindings>,
    /// A sentence when findings were left out of the PDF (beyond [`MAX_LISTED_FINDINGS`]
    /// lines); else empty.
    pub findings_omitted: String,
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
    /// Evidence rows by what became of their `evidence_file`.
    pub evidence_files: EvidenceFileCounts,
}

/// Evidence rows counted by what became of their file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceFileCounts {
    /// Every evidence row read.
    pub rows: usize,
    /// Found under the evidence root and hashed.
    pub hashed: usize,
    /// Named, but not under the evidence root.
    pub missing: usize,
    /// Paths that leave the evidence root (or are not plain files): not opened.
    pub refused: usize,
    /// URLs: recorded, not fetched.
    pub url: usize,
    /// Not looked for: no evidence root was given.
    pub not_checked: usize,
    /// Rows that name no file.
    pub blank: usize,
    /// True when an evidence root was given.
    pub checked: bool,
}

/// An input file read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InputFile {
    /// Its path as given when relative, else its file name: never the layout of the
    /// machine that ran the report.
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
    /// Under `model = "providers"`: for each in-scope service, which provider profile
    /// decided its cells and its source; empty under any other model.
    pub profiles: Vec<ServiceProfile>,
    /// Each provider profile those services use, once, with its sources and note.
    pub profile_sources: Vec<ProfileSource>,
}

/// A provider profile the run used, and where it is published.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProfileSource {
    /// The profile's name (`AWS`).
    pub name: String,
    /// Its title, as the provider names its page.
    pub title: String,
    /// Its pages with their dates, `; `-separated.
    pub source: String,
    /// The provider's note (Google Cloud's shared fate).
    pub note: String,
}

/// A service and the provider profile that decided its cells.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ServiceProfile {
    /// The service's name.
    pub service: String,
    /// Its provider, as the Services sheet writes it.
    pub provider: String,
    /// The profile, its differences from the matrix and its source.
    pub split: super::ProfileSplit,
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
    /// Where links to it point: `svc-N`, unique in the document.
    pub anchor: String,
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
    /// Where links to it point: `ctl-N`, unique in the document.
    pub anchor: String,
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
    /// The same in brief, for a table cell: `*`, up to three names, or a count and the
    /// first three.
    pub applies_in_brief: String,
    /// Its owner in the organisation.
    pub owner: String,
    /// Evidence rows on file for it, dated on or before the period end, as text.
    pub rows_on_file: String,
    /// Codes of its findings, `, `-separated.
    pub findings: String,
    /// The in-scope services it applies to, counted by the state of their newest
    /// evidence, in words ("12 fresh and Effective (newest 2026-09-20); 3 stale").
    pub tally: String,
    /// The worst state among them: `ok`, `stale`, `failed` (Ineffective or Not tested) or
    /// `missing`; `none` when it applies to no in-scope service.
    pub state: &'static str,
    /// Newest listing: the services grouped by their newest evidence, problems first: a
    /// row that serves several services is shown once. Empty in the compact listing.
    pub groups: Vec<EvidenceGroup>,
}

/// In-scope services that share a control's newest evidence row (or share having none).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceGroup {
    /// The services, in words: `all 15 services`, a name, or some names and a count.
    pub services: String,
    /// When the evidence was collected, `YYYY-MM-DD`; empty when missing.
    pub date: String,
    /// The one result column: `Effective`, `Ineffective`, `Not tested`, `Stale (was
    /// Effective)` or `Missing`.
    pub result: String,
    /// `ok`, `stale`, `failed` or `missing`: the colour the result is set in.
    pub state: &'static str,
    /// What the evidence is.
    pub description: String,
    /// The evidence file named in the workbook.
    pub file: String,
    /// What became of that file: `hashed`, `missing`, `refused`, `url`, `not checked`.
    pub file_status: &'static str,
    /// Its SHA-256 when hashed.
    pub sha256: String,
    /// Who tested.
    pub tester: String,
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
    /// Its finding's code; `evidenced`; or `not assessed` when its control applies to none
    /// of the vendor's services in scope.
    pub status: &'static str,
}

fn service_views(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> Vec<ServiceView> {
    let domain_names: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    // Each service's cells, found once (a scan of every cell per service took seconds at
    // 3,000 services).
    let mut cells_of: HashMap<&str, Vec<&crate::reconcile::CellStatus>> = HashMap::new();
    for c in &rec.cells {
        cells_of.entry(c.service.as_str()).or_default().push(c);
    }
    inputs
        .services
        .iter()
        .enumerate()
        .map(|(row, s)| {
            let own = || cells_of.get(s.name.as_str()).into_iter().flatten().copied();
            ServiceView {
                anchor: service_anchor(row),
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

/// How a service's newest evidence for a control stands, worst last: the order problem
/// groups are listed in, and the colour of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    Ok,
    Stale,
    Failed,
    Missing,
}

impl State {
    fn of(st: &ControlStatus, inputs: &Inputs) -> State {
        match st.label(&inputs.evidence) {
            "missing" => State::Missing,
            "stale" => State::Stale,
            _ if st.is_good(&inputs.evidence) => State::Ok,
            _ => State::Failed,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Stale => "stale",
            State::Failed => "failed",
            State::Missing => "missing",
        }
    }
}

/// A control's `applies_to` in brief, under its title: each service once (a register may
/// name one twice), up to three named, and how many of them are not in scope — a count
/// that included those read as more services checked than there were.
fn applies_in_brief(
    reach: &crate::inputs::Reach,
    in_scope_by_key: &HashMap<String, bool>,
) -> String {
    let names = match reach {
        crate::inputs::Reach::All => return "every service (*)".into(),
        crate::inputs::Reach::Named(names) => names,
    };
    let mut seen = std::collections::HashSet::new();
    let distinct: Vec<&str> = names
        .iter()
        .filter(|n| seen.insert(crate::inputs::names::key(n)))
        .map(String::as_str)
        .collect();
    let outside = distinct
        .iter()
        .filter(|n| {
            !in_scope_by_key
                .get(&crate::inputs::names::key(n))
                .copied()
                .unwrap_or(false)
        })
        .count();
    let listed = if distinct.len() > 3 {
        format!(
            "{} services: {}; …",
            distinct.len(),
            distinct[..3].join("; ")
        )
    } else {
        distinct.join("; ")
    };
    match outside {
        0 => listed,
        1 if distinct.len() == 1 => format!("{listed} (not in scope)"),
        n if n == distinct.len() => format!("{listed} (none in scope)"),
        n => format!("{listed} ({n} not in scope)"),
    }
}

/// Names services: every one when they are all the control applies to ("all 15
/// services"), else up to six names and a count of the rest.
fn name_services(inputs: &Inputs, services: &[usize], applies_to: usize) -> String {
    let n = services.len();
    if n > 1 && n == applies_to {
        return format!("all {n} services");
    }
    let names: Vec<&str> = services
        .iter()
        .take(NAMED_SERVICES)
        .map(|&s| inputs.services[s].name.as_str())
        .collect();
    if n > NAMED_SERVICES {
        format!(
            "{n} services: {} and {} more",
            names.join(", "),
            n - NAMED_SERVICES
        )
    } else {
        names.join(", ")
    }
}

/// A control's in-scope services grouped by their newest evidence row: a row serving
/// several services (org-wide evidence) is one group; services with no evidence are one.
/// Problems first (missing, failed, stale), then in the order of the rows.
fn evidence_groups(
    inputs: &Inputs,
    files: &[FileStatus],
    statuses: &[&ControlStatus],
) -> Vec<EvidenceGroup> {
    let mut by_row: BTreeMap<(std::cmp::Reverse<State>, Option<usize>), Vec<usize>> =
        BTreeMap::new();
    for st in statuses {
        by_row
            .entry((std::cmp::Reverse(State::of(st, inputs)), st.newest()))
            .or_default()
            .push(st.service);
    }
    by_row
        .into_iter()
        .map(|((std::cmp::Reverse(state), row), services)| {
            let services = name_services(inputs, &services, statuses.len());
            match row {
                None => EvidenceGroup {
                    services,
                    date: String::new(),
                    result: "Missing".into(),
                    state: state.as_str(),
                    description: String::new(),
                    file: String::new(),
                    file_status: "",
                    sha256: String::new(),
                    tester: String::new(),
                    source: String::new(),
                },
                Some(i) => {
                    let e = &inputs.evidence[i];
                    EvidenceGroup {
                        services,
                        date: e.collected_on.to_string(),
                        result: match state {
                            State::Stale => format!("Stale (was {})", e.result.as_str()),
                            _ => e.result.as_str().to_string(),
                        },
                        state: state.as_str(),
                        description: e.description.clone(),
                        file: e.file.clone(),
                        file_status: files[i].label(),
                        sha256: files[i].sha256().to_string(),
                        tester: e.tester.to_string(),
                        source: format!("{}!{}", e.source.sheet, e.source.row),
                    }
                }
            }
        })
        .collect()
}

/// A control's services counted by the state of their newest evidence, in words, and
/// the worst state.
fn tally(inputs: &Inputs, statuses: &[&ControlStatus]) -> (String, &'static str) {
    let mut counts = [0usize; 4];
    let mut newest_good = None;
    // Stale evidence that also failed is two findings (stale, and ineffective or not
    // tested): both are counted, so the line ties out to the findings below.
    let mut stale_and_failed = 0usize;
    for st in statuses {
        let state = State::of(st, inputs);
        counts[state as usize] += 1;
        if state == State::Stale
            && st
                .newest()
                .is_some_and(|i| inputs.evidence[i].result != crate::inputs::TestResult::Effective)
        {
            stale_and_failed += 1;
        }
        if state == State::Ok {
            newest_good = newest_good.max(st.newest().map(|i| inputs.evidence[i].collected_on));
        }
    }
    let mut parts = Vec::new();
    if counts[0] > 0 {
        parts.push(match newest_good {
            Some(date) => format!("{} fresh and Effective (newest {date})", counts[0]),
            None => format!("{} fresh and Effective", counts[0]),
        });
    }
    for (state, words) in [
        (2, "Ineffective or not tested"),
        (1, "stale"),
        (3, "missing"),
    ] {
        if counts[state] > 0 {
            parts.push(format!("{} {words}", counts[state]));
        }
        if state == 1 && stale_and_failed > 0 {
            let last = parts.last_mut().expect("the stale count was just pushed");
            last.push_str(&format!(
                " ({stale_and_failed} of them also Ineffective or not tested)"
            ));
        }
    }
    let worst = [State::Missing, State::Failed, State::Stale, State::Ok]
        .into_iter()
        .find(|s| counts[*s as usize] > 0)
        .map(State::as_str)
        .unwrap_or("none");
    (parts.join("; "), worst)
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
    let in_scope_by_key: HashMap<String, bool> = inputs
        .services
        .iter()
        .map(|s| (crate::inputs::names::key(&s.name), s.in_scope))
        .collect();
    inputs
        .controls
        .iter()
        .enumerate()
        .map(|(c, control)| {
            let statuses: &[&ControlStatus] =
                status_of.get(&c).map(Vec::as_slice).unwrap_or_default();
            let first = directory.primary_control(c);
            let (tally, state) = tally(inputs, statuses);
            ControlView {
                anchor: control_anchor(c),
                id: control.id.clone(),
                title: control.title.clone(),
                domain: domain_names[control.domain].to_string(),
                frequency: control.frequency.as_str(),
                frameworks: control.frameworks.join("; "),
                applies_to: control.applies_to.describe(),
                applies_in_brief: applies_in_brief(&control.applies_to, &in_scope_by_key),
                owner: control.owner.clone(),
                rows_on_file: rec.rows_on_file[first].to_string(),
                findings: findings_of
                    .get(&first)
                    .map(|codes| codes.iter().copied().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                tally,
                state,
                groups: if compact {
                    Vec::new()
                } else {
                    evidence_groups(inputs, files, statuses)
                },
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
    // Up to MAX_LISTED_CUECS every CUEC is listed. Above, only those with a finding are
    // (the first MAX_LISTED_CUECS of them), and the evidenced and the not assessed are
    // counted by vendor: listing hundreds of "not assessed" beside a handful of findings
    // pushed findings off the list (every CUEC is in the auditor workbook).
    let list_every_cuec = inputs.cuecs.len() <= MAX_LISTED_CUECS;
    let mut evidenced_by_vendor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut not_assessed_by_vendor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unlisted_with_finding = 0usize;
    let mut cuecs = Vec::new();
    for (i, cuec) in inputs.cuecs.iter().enumerate() {
        let finding = cuec_findings
            .get(&(cuec.cuec_id.as_str(), cuec.vendor.as_str(), &cuec.source))
            .copied();
        let status = super::cuec_status(rec.cuec_scopes.get(i).copied(), finding);
        let vendor = cuec.vendor.as_str();
        if status == super::NOT_ASSESSED {
            *not_assessed_by_vendor.entry(vendor).or_default() += 1;
        }
        if !list_every_cuec && (status == super::EVIDENCED || status == super::NOT_ASSESSED) {
            if status == super::EVIDENCED {
                *evidenced_by_vendor.entry(vendor).or_default() += 1;
            }
            continue;
        }
        if cuecs.len() >= MAX_LISTED_CUECS {
            unlisted_with_finding += 1;
            continue;
        }
        cuecs.push(CuecView {
            vendor: cuec.vendor.clone(),
            attestation: cuec.attestation.clone(),
            id: cuec.cuec_id.clone(),
            description: cuec.description.clone(),
            control: cuec.mapped_control.clone().unwrap_or_default(),
            status,
        });
    }
    let by_vendor = |counts: &BTreeMap<&str, usize>| {
        counts
            .iter()
            .map(|(vendor, n)| format!("{vendor} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut counted = String::new();
    if !list_every_cuec {
        let with_finding = cuecs.len() + unlisted_with_finding;
        counted.push_str(&format!(
            "With {} CUECs, only the {} with a finding are listed; the others are counted here, and every CUEC is in the auditor workbook's CUECs sheet.",
            thousands(inputs.cuecs.len()),
            thousands(with_finding)
        ));
        if unlisted_with_finding > 0 {
            counted.push_str(&format!(
                " The first {MAX_LISTED_CUECS} are listed; {} more with a finding are in the workbook.",
                thousands(unlisted_with_finding)
            ));
        }
        if !evidenced_by_vendor.is_empty() {
            let total: usize = evidenced_by_vendor.values().sum();
            counted.push_str(&format!(
                " The {} whose mapped control is evidenced are, by vendor: {}.",
                thousands(total),
                by_vendor(&evidenced_by_vendor)
            ));
        }
    }
    let not_assessed: usize = not_assessed_by_vendor.values().sum();
    if not_assessed > 0 {
        let (n, are, their) = match not_assessed {
            1 => ("1 CUEC is".to_string(), "it is", "its"),
            _ => (
                format!("{} CUECs are", thousands(not_assessed)),
                "they are",
                "their",
            ),
        };
        counted.push_str(&format!(
            " {n} not assessed: {their} mapped control applies to none of the vendor's services in scope (or the vendor has none in scope). No finding is raised, and nothing shows {are} operated for that vendor."
        ));
        if !list_every_cuec {
            counted.push_str(&format!(
                " By vendor: {}.",
                by_vendor(&not_assessed_by_vendor)
            ));
        }
    }
    (cuecs, counted.trim_start().to_string())
}

/// Every finding in one line (with its message when they are few), grouped by severity,
/// then code, then the service or vendor it is about: the pattern of a code's messages
/// is said once per group, and a reader can find any id of findings.json on a line.
fn findings_by_severity(
    inputs: &Inputs,
    rec: &Reconciliation,
    detailed: bool,
) -> (Vec<SeverityFindings>, String) {
    let all: Vec<(&Finding, &Subject)> = rec.findings.iter().zip(&rec.subjects).collect();
    let (groups, omitted) = group_findings(
        inputs,
        &all,
        detailed,
        Bounds {
            per_code: usize::MAX,
            total: MAX_LISTED_FINDINGS,
            share_between_parts: true,
        },
    );
    let counts_only = groups
        .iter()
        .flat_map(|s| &s.codes)
        .flat_map(|c| &c.parts)
        .all(|p| p.lines.is_empty());
    let how = if counts_only {
        "each code lists the services and vendors it is about, each with its count of findings"
    } else {
        "each service or vendor lists its first findings of each code (a heading says how many of how many)"
    };
    let omitted = if omitted.is_empty() {
        String::new()
    } else {
        format!(
            "With {} findings, {how}, and the findings not on a line are counted here: {}. Every finding, with its id, is in auditor-workbook.xlsx, findings.csv and findings.json.",
            rec.findings.len(),
            omitted
                .iter()
                .map(|(code, n)| format!("{n} {code}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    (groups, omitted)
}

/// Above this many in-scope services, the model section's table of provider profiles has
/// a row per provider and split, not per service.
const MAX_PROFILE_ROWS: usize = 60;

/// The profile table's rows: one per service up to [`MAX_PROFILE_ROWS`]; above, services
/// of one provider whose cells one split decided alike share a row, counted and the first
/// three named (3,000 services would otherwise fill a hundred pages of the model section).
fn fold_profiles(profiles: Vec<ServiceProfile>) -> Vec<ServiceProfile> {
    if profiles.len() <= MAX_PROFILE_ROWS {
        return profiles;
    }
    // The services no profile speaks for (the matrix decides them) share one row,
    // whatever their provider.
    let mut rows: Vec<(ServiceProfile, Vec<String>, BTreeSet<String>)> = Vec::new();
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for p in profiles {
        let provider = if p.split.source.is_empty() {
            String::new()
        } else {
            p.provider.clone()
        };
        let group = (provider, p.split.profile.clone(), p.split.differs.clone());
        let at = *index.entry(group).or_insert_with(|| {
            rows.push((p.clone(), Vec::new(), BTreeSet::new()));
            rows.len() - 1
        });
        rows[at].1.push(p.service);
        rows[at].2.insert(p.provider);
    }
    rows.into_iter()
        .map(|(mut row, names, providers)| {
            if names.len() > 1 {
                let first: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
                let more = if names.len() > 3 { ", …" } else { "" };
                row.service = format!("{} services: {}{more}", names.len(), first.join(", "));
            }
            if providers.len() > 1 {
                row.provider = format!("{} providers", providers.len());
            }
            row
        })
        .collect()
}

/// The services the folded matrix lists: all up to [`MAX_LISTED_SERVICES`]; above, those
/// with the worst cells, worst first (a critical finding, then the most cells not
/// evidenced), and a sentence counting the rest.
fn bound_services(services: Vec<ServiceView>, folded: bool) -> (Vec<ServiceView>, String) {
    if !folded || services.len() <= MAX_LISTED_SERVICES {
        return (services, String::new());
    }
    let rank = |s: &ServiceView| {
        let worst = s
            .marks
            .iter()
            .filter_map(|m| crate::findings::Severity::parse(m.worst))
            .max();
        let open = s
            .marks
            .iter()
            .filter(|m| !m.owner.is_empty() && !m.ok)
            .count();
        (std::cmp::Reverse(worst), std::cmp::Reverse(open))
    };
    let total = services.len();
    let mut ranked: Vec<ServiceView> = services;
    // Stable: services that rank alike keep their sheet order.
    ranked.sort_by_key(|s| rank(s));
    let rest = ranked.split_off(MAX_LISTED_SERVICES);
    let with_critical = rest
        .iter()
        .filter(|s| s.marks.iter().any(|m| m.worst == "critical"))
        .count();
    let fully = rest
        .iter()
        .filter(|s| s.marks.iter().all(|m| m.owner.is_empty() || m.ok))
        .count();
    (
        ranked,
        format!(
            "With {total} services, the {MAX_LISTED_SERVICES} with the worst cells are listed, worst first. The other {} ({with_critical} with a critical finding, {fully} with every in-scope cell owned and evidenced or out of scope) are in the auditor workbook's Cells sheet, a row per cell.",
            rest.len()
        ),
    )
}

/// The controls the compact listing lists: all up to [`MAX_LISTED_CONTROLS`]; above,
/// those with the worst evidence (missing, then failed, then stale), in sheet order, and
/// a sentence counting the rest by state.
fn bound_controls(controls: Vec<ControlView>, compact: bool) -> (Vec<ControlView>, String) {
    if !compact || controls.len() <= MAX_LISTED_CONTROLS {
        return (controls, String::new());
    }
    let order = |state: &str| match state {
        "missing" => 0,
        "failed" => 1,
        "stale" => 2,
        "ok" => 3,
        _ => 4,
    };
    let mut ranked: Vec<(usize, &'static str)> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.state))
        .collect();
    ranked.sort_by_key(|&(i, state)| (order(state), i));
    let keep: BTreeSet<usize> = ranked[..MAX_LISTED_CONTROLS]
        .iter()
        .map(|&(i, _)| i)
        .collect();
    let mut left: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &(_, state) in &ranked[MAX_LISTED_CONTROLS..] {
        *left.entry(state).or_default() += 1;
    }
    let total = controls.len();
    let listed = controls
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, c)| c)
        .collect();
    let words = |state: &str| match state {
        "missing" => "with a service missing evidence",
        "failed" => "with failed evidence",
        "stale" => "with stale evidence",
        "ok" => "fresh and Effective for every service",
        _ => "applying to no in-scope service",
    };
    let counted: Vec<String> = ["missing", "failed", "stale", "ok", "none"]
        .iter()
        .filter_map(|state| left.get(state).map(|n| format!("{n} {}", words(state))))
        .collect();
    (
        listed,
        format!(
            "With {total} controls, the {MAX_LISTED_CONTROLS} with the worst evidence are listed, in sheet order. The other {} ({}) are in the auditor workbook's Evidence index and evidence-index.csv.",
            total - MAX_LISTED_CONTROLS,
            counted.join(", ")
        ),
    )
}

/// The register's attestations: all, in sheet order, up to [`MAX_LISTED_ATTESTATIONS`];
/// above, current ones first, then superseded, and a sentence counting the rest.
fn bound_attestations(attestations: Vec<AttestationView>) -> (Vec<AttestationView>, String) {
    let total = attestations.len();
    if total <= MAX_LISTED_ATTESTATIONS {
        return (attestations, String::new());
    }
    let (mut listed, superseded): (Vec<_>, Vec<_>) =
        attestations.into_iter().partition(|a| a.current);
    listed.extend(superseded);
    let rest = listed.split_off(MAX_LISTED_ATTESTATIONS);
    let current = rest.iter().filter(|a| a.current).count();
    (
        listed,
        format!(
            "With {total} attestations, the first {MAX_LISTED_ATTESTATIONS} are listed, current ones first. The other {} ({current} current, {} superseded) are in the auditor workbook's Attestations sheet, with their coverage and gap days.",
            rest.len(),
            rest.len() - current
        ),
    )
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
    let findings_detailed = rec.findings.len() <= DETAILED_FINDINGS;
    let (mut findings, findings_omitted) = findings_by_severity(inputs, rec, findings_detailed);
    let services_folded = inputs.services.iter().filter(|s| s.in_scope).count() > FOLD_SERVICES;
    let (services, services_omitted) =
        bound_services(service_views(run, inputs, rec), services_folded);
    let (controls, controls_omitted) =
        bound_controls(control_views(run, inputs, rec, files, compact), compact);
    let (attestations, attestations_omitted) = bound_attestations(
        inputs
            .attestations
            .iter()
            .enumerate()
            .map(|(i, a)| {
                AttestationView::of(
                    a,
                    run,
                    rec.current_attestations.contains(&i),
                    &super::vendor_service_names(inputs, &rec.directory, i),
                )
            })
            .collect(),
    );
    super::findings::unlink(
        &mut findings,
        &services.iter().map(|s| s.anchor.clone()).collect(),
        &controls.iter().map(|c| c.anchor.clone()).collect(),
    );
    AuditorPack {
        meta: Meta::of(run),
        summary: Summary {
            total: rec.findings.len(),
            by_severity: severity_counts(&rec.findings),
            cells: rec.coverage.cells,
            evidenced: rec.coverage.evidenced,
            percent: format!("{:.1}", rec.coverage.percent),
            evidence_files: {
                let c = Completeness::of(files);
                EvidenceFileCounts {
                    rows: files.len(),
                    hashed: c.hashed,
                    missing: c.missing,
                    refused: c.refused,
                    url: c.url,
                    not_checked: c.not_checked,
                    blank: c.blank,
                    checked: c.not_checked == 0,
                }
            },
        },
        files: inputs
            .files
            .iter()
            .map(|f| InputFile {
                path: shown_path(&f.path).to_string(),
                sha256: f.sha256.clone(),
                bytes: f.bytes.to_string(),
                sheets: f
                    .sheets
                    .iter()
                    .map(|s| {
                        format!(
                            "{} → {} ({} rows)",
                            s.name,
                            s.kind_label(),
                            thousands(s.rows)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        warnings: {
            let files: Vec<&str> = inputs.files.iter().map(|f| f.path.as_str()).collect();
            inputs
                .warnings
                .iter()
                .map(|w| super::findings::with_input_paths_shown(w, &run.inputs, &files))
                .collect()
        },
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
                .map(|p| shown_path(&p.display().to_string()).to_string())
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
            profiles: fold_profiles(
                inputs
                    .services
                    .iter()
                    .filter(|s| s.in_scope)
                    .filter_map(|s| {
                        Some(ServiceProfile {
                            service: s.name.clone(),
                            provider: s.provider.clone(),
                            split: super::ProfileSplit::of(model, s)?,
                        })
                    })
                    .collect(),
            ),
            profile_sources: crate::model::profiles::builtin()
                .iter()
                .filter(|p| {
                    inputs.services.iter().any(|s| {
                        s.in_scope
                            && model
                                .profile_for(&s.name, &s.provider, s.service_model)
                                .is_some_and(|a| std::ptr::eq(a.profile, *p))
                    })
                })
                .map(|p| ProfileSource {
                    name: p.name.clone(),
                    title: p.title.clone(),
                    source: p.cite(),
                    note: p.note.clone(),
                })
                .collect(),
        },
        codes: Code::ALL
            .iter()
            .map(|c| CodeView {
                code: c.as_str(),
                severity: c.base_severity().as_str(),
                severity_rule: crate::findings::explain::severity_text_beside_the_standard(*c),
                title: c.title(),
                rule: c.rule(),
            })
            .collect(),
        services,
        services_folded,
        services_omitted,
        domain_names: model.domains.iter().map(|d| d.name.clone()).collect(),
        controls,
        controls_omitted,
        attestations,
        attestations_omitted,
        attestations_absent: inputs.attestations_absent,
        cuecs,
        cuecs_counted,
        findings_detailed,
        findings,
        findings_omitted,
        residency: super::residency::auditor_section(run, inputs, rec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_controls_services_are_counted_once_each_with_those_not_in_scope_said() {
        use crate::inputs::Reach;
        let scope: HashMap<String, bool> = [("a", true), ("b", false), ("c", true), ("d", true)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let named = |names: &[&str]| Reach::Named(names.iter().map(|n| n.to_string()).collect());
        // `A` twice (as a register may write it) is one service; B is out of scope.
        assert_eq!(
            applies_in_brief(&named(&["A", " a", "B", "C", "D"]), &scope),
            "4 services: A; B; C; … (1 not in scope)"
        );
        assert_eq!(applies_in_brief(&named(&["A", "C"]), &scope), "A; C");
        assert_eq!(applies_in_brief(&named(&["B"]), &scope), "B (not in scope)");
        // A name the Services sheet lacks is not a service in scope either.
        assert_eq!(
            applies_in_brief(&named(&["B", "Z"]), &scope),
            "B; Z (none in scope)"
        );
        assert_eq!(applies_in_brief(&Reach::All, &scope), "every service (*)");
    }

    fn service(name: &str, provider: &str, profile: &str, source: &str) -> ServiceProfile {
        ServiceProfile {
            service: name.into(),
            provider: provider.into(),
            split: super::super::ProfileSplit {
                profile: profile.into(),
                differs: String::new(),
                note: String::new(),
                source: source.into(),
            },
        }
    }

    #[test]
    fn many_services_share_a_profile_row_per_provider_and_split() {
        let few: Vec<ServiceProfile> = (0..3)
            .map(|i| service(&format!("S3 {i}"), "AWS", "AWS abstracted", "aws"))
            .collect();
        assert_eq!(fold_profiles(few).len(), 3, "a row each when few");

        let mut many: Vec<ServiceProfile> = (0..50)
            .map(|i| service(&format!("S3 {i:02}"), "AWS", "AWS abstracted", "aws"))
            .collect();
        many.extend((0..40).map(|i| {
            service(
                &format!("App {i:02}"),
                &format!("Vendor {i}"),
                "seeds matrix",
                "",
            )
        }));
        let rows = fold_profiles(many);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].service, "50 services: S3 00, S3 01, S3 02, …");
        assert_eq!(rows[0].provider, "AWS");
        // The matrix's services share one row whatever their provider.
        assert_eq!(rows[1].service, "40 services: App 00, App 01, App 02, …");
        assert_eq!(rows[1].provider, "40 providers");
    }
}
