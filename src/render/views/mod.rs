//! What each PDF template reads as `/data.json`: the run's results flattened into plain
//! strings, numbers and lists, one typed tree per document. Dates and numbers are
//! formatted here, in Rust, so that a template only lays out text it is given.
//!
//! These types are the contract with whoever writes templates (`--templates DIR`): their
//! field names and order are the JSON's keys and order, and their doc comments are the
//! descriptions in the JSON Schema `demarc templates export` writes ([`schemas`]). Adding a
//! field is safe; renaming or removing one breaks someone's template.

pub mod appendix;
pub mod auditor;
pub mod board;
pub mod findings;
pub mod questionnaire;
pub mod residency;
pub mod summary;
pub mod vendor;

#[cfg(test)]
mod tests;

use crate::findings::{Finding, Severity};
use crate::inputs::Attestation;
use crate::reconcile::{CellStatus, CuecScope};
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;

/// A CUEC's status as every report prints it: its finding's code; `evidenced` when its
/// control was judged on the vendor's services and raised nothing; else `not assessed`, never
/// `evidenced`, because nothing was looked at (see [`cuec_not_assessed_because`]). Shared by
/// the auditor pack, the vendor packs and the auditor workbook, so that they never disagree.
pub(crate) fn cuec_status(scope: Option<CuecScope>, finding: Option<&Finding>) -> &'static str {
    match (finding, scope) {
        (Some(f), _) => f.code.as_str(),
        (None, Some(CuecScope::Judged(_))) => EVIDENCED,
        (None, _) => NOT_ASSESSED,
    }
}

/// The status of a CUEC whose control was judged on the vendor's services and raised nothing.
pub(crate) const EVIDENCED: &str = "evidenced";

/// The status of a CUEC of whose control nothing was assessed.
pub(crate) const NOT_ASSESSED: &str = "not assessed";

/// Why nothing was judged of a CUEC without a finding, in a sentence naming its vendor and
/// control; `None` when something was (or a finding says what).
pub(crate) fn cuec_not_assessed_because(
    scope: Option<CuecScope>,
    vendor: &str,
    control: &str,
) -> Option<String> {
    match scope? {
        CuecScope::ControlAppliesToNone => Some(format!(
            "{control} applies to none of {vendor}'s services in scope: nothing shows this CUEC is met for them"
        )),
        CuecScope::NoServiceInScope => Some(format!(
            "none of {vendor}'s services is in scope: nothing was assessed"
        )),
        CuecScope::Judged(_) | CuecScope::Unmapped => None,
    }
}

/// The run, as every document's header and footer show it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Meta {
    /// The organisation's name from the settings, or `(organisation not set)`.
    pub organisation: String,
    /// The classification label printed on every page (e.g. `CONFIDENTIAL`).
    pub classification: String,
    /// The reporting period's label (`2026-Q3`, `2026`, or `FROM to TO`).
    pub period: String,
    /// The period's first day, `YYYY-MM-DD`.
    pub start: String,
    /// The period's last day, `YYYY-MM-DD`: coverage is judged on this day.
    pub end: String,
    /// The date attestations are counted up to, `YYYY-MM-DD` (the period end unless
    /// `--as-of` moved it).
    pub as_of: String,
    /// The demarc version that made the document.
    pub version: &'static str,
    /// The name of the responsibility model the run judged against.
    pub model: String,
}

impl Meta {
    pub fn of(run: &Run) -> Meta {
        Meta {
            organisation: run
                .organisation
                .clone()
                .unwrap_or_else(|| "(organisation not set)".into()),
            classification: run.classification.clone(),
            period: run.period.label.clone(),
            start: run.period.start.to_string(),
            end: run.period.end.to_string(),
            as_of: run.as_of.to_string(),
            version: env!("CARGO_PKG_VERSION"),
            model: run.model.name.clone(),
        }
    }
}

/// How many findings a severity has.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SeverityCount {
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: &'static str,
    /// Findings of that severity (zero included).
    pub count: usize,
}

/// Every severity, most severe first, with its count of findings.
pub fn severity_counts(findings: &[Finding]) -> Vec<SeverityCount> {
    Severity::ALL
        .iter()
        .map(|s| SeverityCount {
            severity: s.as_str(),
            count: findings.iter().filter(|f| f.severity == *s).count(),
        })
        .collect()
}

/// A (service, domain) responsibility cell in a service's table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CellView {
    /// The model domain, e.g. "Identity and access management".
    pub domain: String,
    /// Who owns the cell: `customer`, `shared` or `provider` (the auditor pack adds
    /// ` (override)` when a model override decided it).
    pub owner: String,
    /// The cell's status in words, e.g. "evidenced" or "customer evidence lacking".
    pub status: String,
    /// The cell's worst finding's severity, empty when it has none.
    pub worst: &'static str,
}

/// A cell's status in words. A cell the vendor's own documents give another owner says
/// so even when evidenced: the evidence is for the model's owner, which the vendor disputes.
pub fn cell_status(cell: &CellStatus) -> String {
    let status = match (cell.customer_evidenced, cell.provider_attested) {
        _ if cell.evidenced => "evidenced",
        (Some(false), Some(false)) => "customer evidence and vendor attestation lacking",
        (Some(false), _) => "customer evidence lacking",
        (_, Some(false)) => "vendor attestation lacking",
        _ => "not evidenced",
    };
    if cell.disputed {
        format!("{status}; the vendor states another owner (responsibility drift)")
    } else {
        status.to_string()
    }
}

/// The worst finding's severity of a cell, or empty.
fn worst(cell: &CellStatus) -> &'static str {
    cell.worst.map(|w| w.as_str()).unwrap_or("")
}

/// One domain's mark in a folded services matrix (a row per service, a column per domain).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Mark {
    /// The owner's initial (`C`, `S`, `P`), with `*` when a model override decided it;
    /// empty when the service has no cell in this domain (it is out of scope).
    pub owner: String,
    /// True when the cell is owned and evidenced, and the vendor does not dispute it.
    pub ok: bool,
    /// The cell's worst finding's severity, empty when it has none.
    pub worst: &'static str,
}

/// One mark per domain of the model, in model order, for a service's row in a folded
/// services matrix (auditor pack above 30 services, vendor pack above 3).
pub fn service_marks<'c>(
    domain_names: &[&str],
    cells: impl Iterator<Item = &'c CellStatus>,
) -> Vec<Mark> {
    let cells: Vec<&CellStatus> = cells.collect();
    domain_names
        .iter()
        .map(|d| match cells.iter().find(|c| c.domain == *d) {
            Some(c) => Mark {
                owner: format!(
                    "{}{}",
                    &c.owner.as_str()[..1].to_uppercase(),
                    if c.overridden { "*" } else { "" }
                ),
                ok: c.evidenced && !c.disputed,
                worst: worst(c),
            },
            None => Mark {
                owner: String::new(),
                ok: true,
                worst: "",
            },
        })
        .collect()
}

/// A vendor's attestation (SOC 2 report, ISO certificate, …) and what it covers of the
/// period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AttestationView {
    /// The vendor it attests.
    pub vendor: String,
    /// Its kind, e.g. `SOC 2 Type II` or `ISO 27001`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The services it covers, every one named (`*` for all).
    pub services: String,
    /// The same in brief, for a table cell: `all AWS services (92)` when it names every
    /// one of the vendor's services in the workbook, a few names, or a count and the first
    /// names (the full list is in the auditor workbook).
    pub services_in_brief: String,
    /// The audit period, `START to END` or `to END`; empty when not stated.
    pub period: String,
    /// When it was issued, `YYYY-MM-DD` or empty.
    pub issued: String,
    /// When it expires, `YYYY-MM-DD` or empty.
    pub expires: String,
    /// The bridge letter's last covered day, `YYYY-MM-DD` or empty.
    pub bridge: String,
    /// The auditor's opinion (`Unqualified`, `Qualified`, …), empty when not stated.
    pub opinion: &'static str,
    /// The number of exceptions the report lists, as text.
    pub exceptions: String,
    /// The vendor's or auditor's notes on the exceptions.
    pub exception_notes: String,
    /// The audit firm.
    pub auditor: String,
    /// Whether it reaches the period end, e.g. "covers period end (through 2026-12-31)".
    pub status: String,
    /// Its row in the workbook, `sheet!row`.
    pub source: String,
    /// True when it is the attestation the run counts for the vendor.
    pub current: bool,
    /// Days of the period it covers, as text.
    pub days_covered: String,
    /// Days of the period it leaves uncovered, as text.
    pub days_gap: String,
    /// `current` (the one the run counts for the vendor), `superseded`, or `issued after
    /// the as-of date` (not yet on file at the as-of date, so not relied on).
    pub standing: &'static str,
    /// Its coverage of the reporting period in words, for a reader: "covers period end
    /// (through 2026-12-31)", "superseded; ran through 2025-06-30", "issued 2026-12-10,
    /// after the as-of date: not relied on".
    pub coverage: String,
    /// "92 of the period's 92 days covered"; empty for one issued after the as-of date,
    /// whose days are not counted.
    pub coverage_days: String,
}

/// [`AttestationView::standing`] of the one the run counts for its vendor.
pub const CURRENT: &str = "current";
/// [`AttestationView::standing`] of an older one the run does not count.
pub const SUPERSEDED: &str = "superseded";
/// [`AttestationView::standing`] of one issued after the as-of date: a report or
/// certificate nobody had on that day cannot be relied on for it.
pub const ISSUED_AFTER_AS_OF: &str = "issued after the as-of date";

/// An attestation's standing at the as-of date: current when the run counts it for its
/// vendor, else issued after the as-of date, else superseded.
pub fn attestation_standing(
    a: &Attestation,
    current: bool,
    as_of: chrono::NaiveDate,
) -> &'static str {
    if current {
        CURRENT
    } else if a.issued().is_some_and(|issued| issued > as_of) {
        ISSUED_AFTER_AS_OF
    } else {
        SUPERSEDED
    }
}

fn opt_date(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A control's family, the part of its id before the first `-`, `.` or `(` (after any
/// catalogue prefix ending in `:`), upper-cased: `AC` for FedRAMP's `AC-2(1)` and
/// `NIST-800-53:AC-2 (a)`, `DCS` for CAIQ's `DCS-07.1`.
pub fn control_family(id: &str) -> String {
    // A catalogue prefix (`NIST-800-53:AC-2`) is not the family.
    let id = id.rsplit(':').next().unwrap_or(id);
    id.trim()
        .split(['-', '.', '(', ' '])
        .next()
        .unwrap_or(id)
        .to_uppercase()
}

/// The names of the services of the vendor attestation row `attestation` names.
pub fn vendor_service_names<'a>(
    inputs: &'a crate::inputs::Inputs,
    directory: &crate::inputs::directory::Directory,
    attestation: usize,
) -> Vec<&'a str> {
    directory
        .services_of(directory.vendor_of_attestation(attestation))
        .iter()
        .map(|&s| inputs.services[s].name.as_str())
        .collect()
}

/// Above this many services an attestation's list is summarised in tables.
const LISTED_ATTESTED_SERVICES: usize = 4;

/// An attestation's services in brief (see [`AttestationView::services_in_brief`]).
fn attested_in_brief(a: &Attestation, vendor_services: &[&str]) -> String {
    let names = match &a.services {
        crate::inputs::Reach::All => return "every service (*)".into(),
        crate::inputs::Reach::Named(names) => names,
    };
    let named: std::collections::HashSet<String> =
        names.iter().map(|n| crate::inputs::names::key(n)).collect();
    let all_of_the_vendors = vendor_services.len() > 1
        && names.len() == vendor_services.len()
        && vendor_services
            .iter()
            .all(|s| named.contains(&crate::inputs::names::key(s)));
    if all_of_the_vendors {
        format!("all {} services ({})", a.vendor, names.len())
    } else if names.len() <= LISTED_ATTESTED_SERVICES {
        names.join("; ")
    } else {
        format!(
            "{} services: {}; … (all in auditor-workbook.xlsx)",
            names.len(),
            names[..3].join("; ")
        )
    }
}

impl AttestationView {
    /// `vendor_services`: the names of the attesting vendor's services in the Services
    /// sheet, so that a list naming every one of them can be said in brief.
    pub fn of(
        a: &Attestation,
        run: &Run,
        current: bool,
        vendor_services: &[&str],
    ) -> AttestationView {
        let period = &run.period;
        let covered = a.days_covered(period.start, period.end);
        let status = match a.covered_through() {
            Some(t) if a.covers_date(period.end) => format!("covers period end (through {t})"),
            Some(t) => format!("does not reach period end (through {t})"),
            None => "no coverage dates".into(),
        };
        let standing = attestation_standing(a, current, run.as_of);
        let days = format!("{covered} of the period's {} days covered", period.days());
        let (coverage, coverage_days) = match (standing, a.issued()) {
            (ISSUED_AFTER_AS_OF, Some(issued)) => (
                format!("issued {issued}, after the as-of date: not relied on"),
                String::new(),
            ),
            (SUPERSEDED, _) => (
                match a.covered_through() {
                    Some(t) => format!("superseded; ran through {t}"),
                    None => "superseded".into(),
                },
                days,
            ),
            _ => (status.clone(), days),
        };
        AttestationView {
            vendor: a.vendor.clone(),
            kind: a.kind.as_str(),
            services: a.services.describe(),
            services_in_brief: attested_in_brief(a, vendor_services),
            period: match (a.period_start, a.period_end) {
                (Some(s), Some(e)) => format!("{s} to {e}"),
                (None, Some(e)) => format!("to {e}"),
                _ => String::new(),
            },
            issued: opt_date(a.issued_on),
            expires: opt_date(a.expires_on),
            bridge: opt_date(a.bridge_letter_through),
            opinion: a.opinion.map(|o| o.as_str()).unwrap_or(""),
            exceptions: a.exceptions.to_string(),
            exception_notes: a.exception_notes.clone(),
            auditor: a.auditor.clone(),
            status,
            source: format!("{}!{}", a.source.sheet, a.source.row),
            current,
            days_covered: covered.to_string(),
            days_gap: (period.days() - covered).to_string(),
            standing,
            coverage,
            coverage_days,
        }
    }
}

/// Under `model = "providers"`: whose split decided a service's cells, and where it is
/// published. `null` (and nothing shown) under any other model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProfileSplit {
    /// The profile and the service's column of it (`AWS abstracted`, `Azure PaaS`), or
    /// `seeds matrix` when no provider profile speaks for the service.
    pub profile: String,
    /// The cells where the profile's owner differs from the seeds' matrix, in words
    /// (`Identity and access management: customer (matrix: shared)`), `; `-separated;
    /// `""` when none does.
    pub differs: String,
    /// The provider's own note (Google Cloud's shared fate), or `""`.
    pub note: String,
    /// The pages the profile is taken from, with their dates; `""` for the seeds' matrix.
    pub source: String,
}

impl ProfileSplit {
    /// The split of one service, when the model applies provider profiles.
    pub fn of(
        model: &crate::model::Model,
        service: &crate::inputs::Service,
    ) -> Option<ProfileSplit> {
        if !model.profiles {
            return None;
        }
        let Some(applied) =
            model.profile_for(&service.name, &service.provider, service.service_model)
        else {
            return Some(ProfileSplit {
                profile: "seeds matrix".into(),
                differs: String::new(),
                note: String::new(),
                source: String::new(),
            });
        };
        let matrix = crate::model::Model::default();
        let differs: Vec<String> = (0..model.domains.len())
            .filter_map(|d| {
                let cell = model.owner(d, &service.name, &service.provider, service.service_model);
                cell.profile?;
                let seeds = matrix.domain_index(&model.domains[d].name).map(|m| {
                    matrix
                        .owner(m, &service.name, &service.provider, service.service_model)
                        .owner
                })?;
                (seeds != cell.owner).then(|| {
                    format!(
                        "{}: {} (matrix: {})",
                        model.domains[d].name,
                        cell.owner.as_str(),
                        seeds.as_str()
                    )
                })
            })
            .collect();
        Some(ProfileSplit {
            profile: applied.label(),
            differs: differs.join("; "),
            note: applied.profile.note.clone(),
            source: applied.profile.cite(),
        })
    }
}

/// A label and how many things have it, the count as text (answer counts, status counts).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Counted {
    /// What is counted, e.g. `Yes` or `not answered`.
    pub label: String,
    /// How many, as text.
    pub count: String,
}

impl Counted {
    pub fn new(label: &str, count: usize) -> Counted {
        Counted {
            label: label.to_string(),
            count: count.to_string(),
        }
    }
}

/// The documents a template directory can restyle, each with its template's file name and
/// the JSON Schema of the data it reads.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn of<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a JSON Schema is JSON")
    }
    vec![
        ("board-report", of::<board::BoardReport>()),
        ("auditor-pack", of::<auditor::AuditorPack>()),
        ("vendor-pack", of::<vendor::VendorPack>()),
        ("evidence-appendix", of::<appendix::EvidenceAppendix>()),
    ]
}
