//! The board report's data (`board-report.typ.hbs`): one page of posture — the headline,
//! findings by severity and domain, a heatmap of services × domains, the top risks,
//! lapsing assurance and, with `--previous`, the trend.

use super::{severity_counts, FindingView, Meta, SeverityCount};
use crate::findings::Severity;
use crate::inputs::Inputs;
use crate::reconcile::{CellStatus, Reconciliation};
use crate::render::trend::{self, Previous};
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

/// The longest service name the board's heatmap shows whole, in characters: a longer one
/// would take the width the domain columns need (a 200-character name left them a letter
/// wide). It is cut, numbered, and given whole in a legend under the heatmap.
const HEATMAP_NAME_CHARS: usize = 40;

/// Above this many in-scope services the board's heatmap shows service models instead.
pub const HEATMAP_MAX_SERVICES: usize = 30;

/// How many findings the board sees by name (top risks, new and resolved ones).
const LISTED_FINDINGS: usize = 7;

/// Everything `board-report.typ.hbs` reads.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BoardReport {
    /// The run: organisation, period, dates, version.
    pub meta: Meta,
    /// The posture in numbers and one sentence.
    pub headline: Headline,
    /// Findings per severity, most severe first.
    pub by_severity: Vec<SeverityCount>,
    /// Coverage per model domain, in model order.
    pub by_domain: Vec<DomainCoverage>,
    /// The services × domains heatmap.
    pub heat: Heatmap,
    /// The most severe findings, at most 7, most severe first.
    pub top_risks: Vec<FindingView>,
    /// In-scope vendors whose assurance ends within 90 days after the period end.
    pub lapsing: Vec<Lapse>,
    /// In-scope vendors whose assurance ended before the period end.
    pub lapsed: Vec<Lapse>,
    /// The change since the previous period; `null` without `--previous`.
    pub trend: Option<Trend>,
    /// One sentence on data residency; `null` when no residency policy is set.
    pub residency: Option<String>,
}

/// The posture in numbers.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Headline {
    /// Share of in-scope responsibility cells owned and evidenced, one decimal (`87.6`).
    pub percent: String,
    /// In-scope responsibility cells (service × domain).
    pub cells: usize,
    /// Those owned and evidenced.
    pub evidenced: usize,
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// All findings.
    pub total: usize,
    /// The posture in one sentence, ready to print.
    pub sentence: String,
}

/// One domain's coverage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DomainCoverage {
    /// The domain's name.
    pub name: String,
    /// Its in-scope cells.
    pub cells: usize,
    /// Those owned and evidenced.
    pub evidenced: usize,
    /// Their share, one decimal.
    pub percent: String,
}

/// Services (or service models) × domains, each cell its owner and worst finding.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Heatmap {
    /// The column titles: the model's domains, in order.
    pub domains: Vec<String>,
    /// One row per in-scope service, or per service model when `by_model`.
    pub rows: Vec<HeatRow>,
    /// The full names of services whose label was cut, by note number.
    pub legend: Vec<HeatNote>,
    /// True when there are more than 30 in-scope services and rows are service models.
    pub by_model: bool,
    /// In-scope services with at least one cell.
    pub services: usize,
}

/// A heatmap row: a service, or (above 30 services) a service model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HeatRow {
    Service {
        /// The service's label: its name, cut to 40 characters with `…` when longer.
        service: String,
        /// The legend number of a cut name; `null` when the name is whole.
        note: Option<usize>,
        /// The service's whole name.
        full_name: String,
        /// Its service model (`SaaS`, `PaaS`, `IaaS`, `On-prem`).
        model: &'static str,
        /// One cell per domain, in `domains` order.
        cells: Vec<HeatCell>,
    },
    Model {
        /// The row's label, e.g. `SaaS services`.
        service: String,
        /// How many services the row stands for, as text.
        model: String,
        /// One cell per domain, in `domains` order, summing the row's services.
        cells: Vec<HeatCell>,
    },
}

/// A heatmap cell.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HeatCell {
    /// Owners' initials (`C`, `S`, `P`), `/`-joined when a model row mixes them; empty
    /// when no service has a cell here.
    pub owner: String,
    /// The worst finding's severity; else `ok` (all evidenced), `gap` (not all
    /// evidenced) or `none` (no cell).
    pub worst: &'static str,
}

/// A legend entry for a cut service name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HeatNote {
    /// The note number shown beside the cut label.
    pub note: usize,
    /// The service's whole name.
    pub name: String,
}

/// A vendor's assurance that lapsed or is lapsing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Lapse {
    /// The vendor.
    pub vendor: String,
    /// The attestation's kind.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its last covered day, `YYYY-MM-DD`.
    pub through: String,
}

/// The change since the previous period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Trend {
    /// The previous period's label.
    pub previous: String,
    /// The previous posture, one decimal.
    pub previous_percent: String,
    /// The previous posture as a number (for charts).
    pub previous_value: f64,
    /// This period's posture as a number (for charts).
    pub current_value: f64,
    /// The change in points, signed, one decimal (`+2.5`).
    pub change: String,
    /// Findings new this period.
    pub new: usize,
    /// Findings of the previous period gone now.
    pub resolved: usize,
    /// Findings in both.
    pub persisting: usize,
    /// The trend in one sentence, ready to print.
    pub sentence: String,
    /// The first 7 new findings.
    pub new_list: Vec<FindingView>,
    /// The first 7 resolved findings.
    pub resolved_list: Vec<FindingView>,
}

/// A service's label in the heatmap, and its legend number when the name is cut.
fn heatmap_label(name: &str, notes: &mut usize) -> (String, Option<usize>) {
    if name.chars().count() <= HEATMAP_NAME_CHARS {
        return (name.to_string(), None);
    }
    *notes += 1;
    let cut: String = name.chars().take(HEATMAP_NAME_CHARS - 4).collect();
    (format!("{}…", cut.trim_end()), Some(*notes))
}

fn trend_of(previous: &Previous, rec: &Reconciliation) -> Trend {
    let t = trend::compare(&previous.findings, &rec.findings);
    let change = rec.coverage.percent - previous.percent;
    let listed = |list: &[&crate::findings::Finding]| -> Vec<FindingView> {
        list.iter()
            .take(LISTED_FINDINGS)
            .map(|f| FindingView::of(f))
            .collect()
    };
    Trend {
        previous: previous.label.clone(),
        previous_percent: format!("{:.1}", previous.percent),
        previous_value: previous.percent,
        current_value: rec.coverage.percent,
        change: format!("{change:+.1}"),
        new: t.new.len(),
        resolved: t.resolved.len(),
        persisting: t.persisting.len(),
        sentence: format!(
            "Since {}: posture {:.1}% → {:.1}% ({change:+.1} points); {} new, {} resolved and {} persisting findings.",
            previous.label,
            previous.percent,
            rec.coverage.percent,
            t.new.len(),
            t.resolved.len(),
            t.persisting.len()
        ),
        new_list: listed(&t.new),
        resolved_list: listed(&t.resolved),
    }
}

/// A heatmap cell summing `cells` (one service's, or a service model's in one domain).
fn heat_cell(cells: &[&CellStatus]) -> HeatCell {
    if cells.is_empty() {
        return HeatCell {
            owner: String::new(),
            worst: "none",
        };
    }
    let letter = |o: crate::model::Owner| match o {
        crate::model::Owner::Customer => "C",
        crate::model::Owner::Shared => "S",
        crate::model::Owner::Provider => "P",
    };
    let mut owners: Vec<&str> = cells.iter().map(|c| letter(c.owner)).collect();
    owners.sort_unstable();
    owners.dedup();
    let worst = match cells.iter().filter_map(|c| c.worst).max() {
        Some(w) => w.as_str(),
        None if cells.iter().all(|c| c.evidenced) => "ok",
        None => "gap",
    };
    HeatCell {
        owner: owners.join("/"),
        worst,
    }
}

fn heatmap(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> Heatmap {
    let domains: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    let mut cell_of: HashMap<(&str, &str), &CellStatus> = HashMap::new();
    for c in &rec.cells {
        cell_of.insert((c.service.as_str(), c.domain.as_str()), c);
    }
    let in_scope: Vec<&crate::inputs::Service> = inputs
        .services
        .iter()
        .filter(|s| {
            s.in_scope
                && domains
                    .iter()
                    .any(|d| cell_of.contains_key(&(s.name.as_str(), *d)))
        })
        .collect();
    let by_model = in_scope.len() > HEATMAP_MAX_SERVICES;
    let rows: Vec<HeatRow> = if by_model {
        crate::model::ServiceModel::ALL
            .iter()
            .filter_map(|model| {
                let members: Vec<&str> = in_scope
                    .iter()
                    .filter(|s| s.service_model == *model)
                    .map(|s| s.name.as_str())
                    .collect();
                if members.is_empty() {
                    return None;
                }
                let cells = domains
                    .iter()
                    .map(|d| {
                        let of_domain: Vec<&CellStatus> = members
                            .iter()
                            .filter_map(|s| cell_of.get(&(*s, *d)).copied())
                            .collect();
                        heat_cell(&of_domain)
                    })
                    .collect();
                Some(HeatRow::Model {
                    service: format!("{} services", model.as_str()),
                    model: members.len().to_string(),
                    cells,
                })
            })
            .collect()
    } else {
        let mut notes = 0;
        in_scope
            .iter()
            .map(|s| {
                let (label, note) = heatmap_label(&s.name, &mut notes);
                let cells = domains
                    .iter()
                    .map(|d| {
                        let own: Vec<&CellStatus> = cell_of
                            .get(&(s.name.as_str(), *d))
                            .copied()
                            .into_iter()
                            .collect();
                        heat_cell(&own)
                    })
                    .collect();
                HeatRow::Service {
                    service: label,
                    note,
                    full_name: s.name.clone(),
                    model: s.service_model.as_str(),
                    cells,
                }
            })
            .collect()
    };
    let legend = rows
        .iter()
        .filter_map(|r| match r {
            HeatRow::Service {
                note: Some(note),
                full_name,
                ..
            } => Some(HeatNote {
                note: *note,
                name: full_name.clone(),
            }),
            _ => None,
        })
        .collect();
    Heatmap {
        domains: domains.iter().map(|d| d.to_string()).collect(),
        rows,
        legend,
        by_model,
        services: in_scope.len(),
    }
}

/// In-scope vendors' current attestations that lapsed before the period end, and those
/// lapsing within 90 days after it.
fn lapses(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> (Vec<Lapse>, Vec<Lapse>) {
    let end = run.period.end;
    let mut lapsing = Vec::new();
    let mut lapsed = Vec::new();
    for a in rec
        .current_attestations
        .iter()
        .map(|&i| &inputs.attestations[i])
    {
        let Some(through) = a.covered_through() else {
            continue;
        };
        let covers_in_scope = inputs.services.iter().any(|s| {
            s.in_scope
                && crate::inputs::names::key(&s.provider) == crate::inputs::names::key(&a.vendor)
        });
        if !covers_in_scope {
            continue;
        }
        let row = Lapse {
            vendor: a.vendor.clone(),
            kind: a.kind.as_str(),
            through: through.to_string(),
        };
        if through < end {
            lapsed.push(row);
        } else if (through - end).num_days() <= 90 {
            lapsing.push(row);
        }
    }
    (lapsing, lapsed)
}

/// Builds the board report's data.
pub fn board_report(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    previous: Option<&Previous>,
) -> BoardReport {
    let count = |s: Severity| rec.findings.iter().filter(|f| f.severity == s).count();
    let (critical, high) = (count(Severity::Critical), count(Severity::High));
    let sentence = format!(
        "{} of {} in-scope responsibility cells ({}%) are owned and evidenced at {}; {} critical and {} high findings need action.",
        rec.coverage.evidenced,
        rec.coverage.cells,
        format_args!("{:.1}", rec.coverage.percent),
        run.period.end,
        critical,
        high
    );
    let (lapsing, lapsed) = lapses(run, inputs, rec);
    BoardReport {
        meta: Meta::of(run),
        headline: Headline {
            percent: format!("{:.1}", rec.coverage.percent),
            cells: rec.coverage.cells,
            evidenced: rec.coverage.evidenced,
            critical,
            high,
            total: rec.findings.len(),
            sentence,
        },
        by_severity: severity_counts(&rec.findings),
        by_domain: rec
            .coverage
            .by_domain
            .iter()
            .map(|l| DomainCoverage {
                name: l.name.clone(),
                cells: l.cells,
                evidenced: l.evidenced,
                percent: format!("{:.1}", l.percent),
            })
            .collect(),
        heat: heatmap(run, inputs, rec),
        top_risks: rec
            .findings
            .iter()
            .take(LISTED_FINDINGS)
            .map(FindingView::of)
            .collect(),
        lapsing,
        lapsed,
        trend: previous.map(|p| trend_of(p, rec)),
        residency: super::residency::board_line(run, rec),
    }
}
