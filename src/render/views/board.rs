//! The board report's data: what a board member needs in thirty seconds — are we inside
//! our risk appetite, what changed, which few things need a decision and who owns them —
//! then the heatmap, the trend, vendors' assurance, scope and sign-off.
//!
//! Every list here is bounded (risks, heatmap rows, vendors, left-out services), and every
//! bound is counted on the page ("+4 more risks (512 findings): auditor pack"), so the
//! report stays 2–4 pages at any size and nothing is silently dropped.

use super::summary::{self, VendorAssurance};
use super::Meta;
use crate::findings::{Finding, Severity};
use crate::inputs::directory::VendorId;
use crate::inputs::names::key;
use crate::inputs::names::thousands;
use crate::inputs::Inputs;
use crate::model::appetite::Board;
use crate::reconcile::risks::{self, Risk};
use crate::reconcile::{CellStatus, Reconciliation, ResidencyStatus};
use crate::render::trend::{self, History, Previous};
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

/// Risks shown, the decisions included; the rest are counted.
pub const LISTED_RISKS: usize = 10;
/// Risks on the first page, as the decisions to take.
pub const DECISIONS: usize = 3;
/// Vendors listed under assurance; the rest are counted.
pub const LISTED_VENDORS: usize = 12;
/// Out-of-scope services named; the rest are counted.
pub const LISTED_OUT_OF_SCOPE: usize = 12;

/// Left-out services past [`LISTED_OUT_OF_SCOPE`] named in one line, without reasons;
/// beyond these they are counted.
const NAMED_MORE_OUT_OF_SCOPE: usize = 40;
/// Above this many in-scope services the heatmap shows service models instead (the
/// auditor pack folds its services section at the same size).
pub const HEATMAP_MAX_SERVICES: usize = 30;
/// Longer service names are cut in the heatmap and given in full in its legend.
const HEATMAP_NAME_CHARS: usize = 40;

/// Everything `board-report.typ` reads, as `data`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BoardReport {
    /// The run, as every page's header and footer show it.
    pub meta: Meta,
    /// The overall rating against the appetite.
    pub rating: RatingView,
    pub headline: Headline,
    /// The executive summary, one sentence per entry.
    pub summary: Vec<String>,
    /// The first few risks: what needs a decision.
    pub decisions: Vec<RiskView>,
    /// The risks after the decisions, worst first.
    pub risks: Vec<RiskView>,
    /// What the list leaves out, counted; `None` when nothing is left out.
    pub more_risks: Option<MoreRisks>,
    /// The responsibility heatmap.
    pub heat: Heat,
    /// `None` without `--previous` or `--history`.
    pub trend: Option<TrendView>,
    /// Each vendor's assurance, across all its current attestations.
    pub vendors: VendorsView,
    /// What is in scope, and what was left out and why.
    pub scope: ScopeView,
    /// Coverage per responsibility domain.
    pub by_domain: Vec<DomainLine>,
    /// One sentence on data residency; `None` when no policy is set.
    pub residency: Option<String>,
    /// Who prepared and approved the report.
    pub sign_off: SignOff,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RatingView {
    /// "red", "amber" or "green".
    pub level: &'static str,
    /// Each limit broken, one line each (or one line saying all are kept).
    pub reasons: Vec<String>,
    /// The rule with this appetite's numbers, printed small.
    pub rule: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Headline {
    /// Posture: the share of in-scope responsibility cells owned and evidenced, "87.6".
    pub percent: String,
    /// In-scope service × domain cells judged.
    pub cells: usize,
    /// Of those, owned and evidenced.
    pub evidenced: usize,
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// All findings.
    pub total: usize,
    /// Against the previous period, when there is one: "+1.9 points", "+3", "-2".
    pub percent_change: Option<String>,
    pub critical_change: Option<String>,
    pub high_change: Option<String>,
    /// The previous period's label.
    pub since: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskView {
    /// The risk's worst severity: `critical`, `high`, `medium`, `low` or `info`.
    pub severity: &'static str,
    /// Plain words: "Okta gives no current assurance for 5 services".
    pub title: String,
    /// Finding codes, shown small beside the words.
    pub codes: Vec<&'static str>,
    /// Distinct services its findings name (0 for a vendor-level risk).
    pub services: usize,
    /// Distinct service × domain cells its findings name.
    pub cells: usize,
    /// Findings it groups.
    pub findings: usize,
    /// Up to three service names, and how many more.
    pub examples: String,
    /// Blank until the registers say.
    pub owner: String,
    pub due: String,
    /// For a risk about one vendor, its tier on the Vendors sheet (`critical`, `high`,
    /// `medium`, `low`); empty otherwise. Critical and high tier vendors' risks rank first
    /// among risks of the same severity.
    pub vendor_tier: &'static str,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MoreRisks {
    /// Risks not listed.
    pub risks: usize,
    /// Findings those risks group.
    pub findings: usize,
    /// How many of those risks are critical.
    pub critical: usize,
    /// How many are high.
    pub high: usize,
    /// The services and vendors the left-out risks name, a few, and how many more:
    /// nothing critical disappears without its name or a count.
    pub naming: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Heat {
    /// The model's responsibility domains, the columns in order.
    pub domains: Vec<String>,
    /// One row per in-scope service, or per service model when `by_model`.
    pub rows: Vec<HeatRow>,
    /// The full names of services whose label was cut.
    pub legend: Vec<LegendLine>,
    /// Rows are service models, not services (too many services for a page).
    pub by_model: bool,
    /// In-scope services shown.
    pub services: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HeatRow {
    /// The service's name (cut when long), or "SaaS services" when `by_model`.
    pub service: String,
    /// Legend number when the name is cut.
    pub note: Option<usize>,
    /// The service model (`SaaS`), or how many services a model row gathers.
    pub model: String,
    /// One cell per domain, in `domains` order.
    pub cells: Vec<HeatCell>,
    /// Findings about the service as a whole or its vendor (residency, the vendor's
    /// opinion, exceptions, an expired certificate): they name no single domain, and
    /// without this column the row would look healthy beside them.
    pub service_level: HeatCell,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HeatCell {
    /// Owner letters: C customer, S shared, P provider ("C/S" when a model row mixes).
    pub owner: String,
    /// "critical"…"info", "ok" (evidenced, no finding), "gap" (not evidenced, no
    /// finding) or "none" (nothing to show).
    pub worst: &'static str,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LegendLine {
    /// The number shown beside the cut label.
    pub note: usize,
    /// The service's full name.
    pub name: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TrendView {
    /// Oldest first, this period last; at most eight.
    pub periods: Vec<TrendPoint>,
    /// The largest critical or high count, for the bars' scale (at least 1).
    pub most: usize,
    /// The previous period's label: new, resolved and persisting are counted since it.
    pub since: String,
    /// Findings now that the previous period did not have.
    pub new: usize,
    /// Findings of the previous period that are gone.
    pub resolved: usize,
    /// Findings of both.
    pub persisting: usize,
    /// Earlier runs found but left out, and why.
    pub left_out: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TrendPoint {
    /// The period's label, `2026-Q2`.
    pub label: String,
    /// Its critical findings.
    pub critical: usize,
    /// Its high findings.
    pub high: usize,
    /// Its posture, % of cells owned and evidenced, to one decimal.
    pub percent: f64,
    /// More than one quarter lies between this period and the one before it.
    pub gap_before: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VendorsView {
    /// Vendors lapsed, lapsing next quarter, or with a modified opinion or exceptions:
    /// lapsed first; at most twelve.
    pub rows: Vec<VendorRow>,
    /// Vendors with current, clean assurance beyond next quarter, counted.
    pub fine: usize,
    /// Vendors that would be listed but did not fit.
    pub more: usize,
    /// Those vendors by name, each with what puts it on the watch list ("GitHub: SOC 2
    /// Type II: Qualified opinion"): a board reader must not need another document to
    /// learn which vendors they are.
    pub more_named: String,
    /// "2026-10-01 to 2026-12-31".
    pub next_quarter: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VendorRow {
    /// The vendor's name as the Attestations sheet spells it.
    pub vendor: String,
    /// "lapsed", "lapses next quarter" or "current, with concerns" (never a bare
    /// "current" in the colour of a concern).
    pub state: &'static str,
    /// The colour key: "critical", "high", "medium" or "ok".
    pub tone: &'static str,
    /// The last day any current attestation covers, `YYYY-MM-DD`.
    pub covered_through: String,
    /// The attestation that reaches furthest, e.g. `SOC 2 Type II`.
    pub by: &'static str,
    /// The auditor's modified opinions and exceptions, in words; empty when clean.
    pub concerns: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ScopeView {
    /// Services in scope.
    pub in_scope: usize,
    /// Services left out, at most twelve, each with its reason.
    pub out: Vec<OutOfScope>,
    /// Left-out services not listed.
    pub more_out: usize,
    /// Those services by name with their Services row ("Box service 007 (Services!160)"),
    /// the first [`NAMED_MORE_OUT_OF_SCOPE`] of them.
    pub more_out_named: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OutOfScope {
    /// The service's name.
    pub service: String,
    /// Why it is out of scope, and where that is recorded.
    pub reason: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DomainLine {
    /// The domain's name.
    pub name: String,
    /// In-scope cells of this domain.
    pub cells: usize,
    /// Of those, owned and evidenced.
    pub evidenced: usize,
    /// The share, to one decimal ("93.3").
    pub percent: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SignOff {
    /// From `[board] prepared_by`; empty leaves a line to sign.
    pub prepared_by: String,
    /// From `[board] approved_by`.
    pub approved_by: String,
    /// From `[board] approved_on`, `YYYY-MM-DD`.
    pub approved_on: String,
}

/// Builds the board report's data.
pub fn board_report(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    board: &Board,
    previous: Option<&Previous>,
    history: &History,
) -> BoardReport {
    let count = |s: Severity| rec.findings.iter().filter(|f| f.severity == s).count();
    let (critical, high) = (count(Severity::Critical), count(Severity::High));
    let rating = board.rate(count, rec.coverage.percent);
    let all_risks = risks::group(&rec.findings, &rec.subjects, inputs);
    let vendors = summary::vendor_assurance(inputs, rec);
    let previous_counts = previous.map(|p| {
        let n = |s: Severity| p.findings.iter().filter(|f| f.severity == s).count();
        (
            p.label.as_str(),
            p.percent,
            n(Severity::Critical),
            n(Severity::High),
        )
    });
    let residency_counts = run.residency.as_ref().map(|_| {
        let n = |status| rec.residency.iter().filter(|r| r.status == status).count();
        (n(ResidencyStatus::Outside), n(ResidencyStatus::Unknown))
    });
    let sentences = summary::sentences(&summary::Facts {
        period: &run.period,
        rating: &rating,
        percent: rec.coverage.percent,
        cells: rec.coverage.cells,
        critical,
        high,
        previous: previous_counts,
        risks: &all_risks,
        vendors: &vendors,
        residency: residency_counts,
    });
    let signed = |n: i64| format!("{n:+}");
    let headline = Headline {
        percent: format!("{:.1}", rec.coverage.percent),
        cells: rec.coverage.cells,
        evidenced: rec.coverage.evidenced,
        critical,
        high,
        total: rec.findings.len(),
        percent_change: previous_counts
            .map(|(_, before, ..)| format!("{:+.1} points", rec.coverage.percent - before)),
        critical_change: previous_counts.map(|(.., c, _)| signed(critical as i64 - c as i64)),
        high_change: previous_counts.map(|(.., h)| signed(high as i64 - h as i64)),
        since: previous_counts.map(|(label, ..)| label.to_string()),
    };
    let shown = all_risks.len().min(LISTED_RISKS);
    let decisions = shown.min(DECISIONS);
    let listed: Vec<RiskView> = all_risks[decisions..shown].iter().map(risk_view).collect();
    let left_out = &all_risks[shown..];
    let more_risks = (!left_out.is_empty()).then(|| more_risks(left_out));
    BoardReport {
        meta: Meta::of(run),
        rating: RatingView {
            level: rating.level.as_str(),
            reasons: rating.reasons.clone(),
            rule: rating.rule.clone(),
        },
        headline,
        summary: sentences,
        decisions: all_risks[..decisions].iter().map(risk_view).collect(),
        risks: listed,
        more_risks,
        heat: heat(run, inputs, rec),
        trend: previous.map(|p| trend_view(run, rec, p, history)),
        vendors: vendors_view(run, &vendors),
        scope: scope_view(inputs),
        by_domain: rec
            .coverage
            .by_domain
            .iter()
            .map(|l| DomainLine {
                name: l.name.clone(),
                cells: l.cells,
                evidenced: l.evidenced,
                percent: format!("{:.1}", l.percent),
            })
            .collect(),
        residency: super::residency::board_line(run, rec),
        sign_off: SignOff {
            prepared_by: board.prepared_by.clone().unwrap_or_default(),
            approved_by: board.approved_by.clone().unwrap_or_default(),
            approved_on: board.approved_on.clone().unwrap_or_default(),
        },
    }
}

fn risk_view(r: &Risk) -> RiskView {
    RiskView {
        severity: r.severity.as_str(),
        title: r.title.clone(),
        codes: r.codes.iter().map(|c| c.as_str()).collect(),
        services: r.services,
        cells: r.cells,
        findings: r.findings,
        examples: some_of(&r.service_names, 3),
        owner: r.owner.clone().unwrap_or_default(),
        due: r.due.map(|d| d.to_string()).unwrap_or_default(),
        vendor_tier: r.vendor_tier.map_or("", |t| t.as_str()),
    }
}

/// "A, B, C and 12 more".
fn some_of(names: &[String], shown: usize) -> String {
    let mut text = names
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > shown {
        text.push_str(&format!(" and {} more", names.len() - shown));
    }
    text
}

fn more_risks(left_out: &[Risk]) -> MoreRisks {
    let n = |s: Severity| left_out.iter().filter(|r| r.severity == s).count();
    // What the left-out critical risks are about, by name, as far as a line allows: the
    // vendor or service, or for a control or domain the services it fails for.
    // In first-seen order; the set keeps this linear when thousands of services fail.
    let mut names: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in left_out.iter().filter(|r| r.severity == Severity::Critical) {
        let about: Vec<&String> = match &r.kind {
            risks::RiskKind::ControlFailing(_) | risks::RiskKind::DomainUnowned(_) => {
                r.service_names.iter().collect()
            }
            _ => vec![&r.subject],
        };
        for name in about {
            if !name.is_empty() && seen.insert(name) {
                names.push(name.clone());
            }
        }
    }
    MoreRisks {
        risks: left_out.len(),
        findings: left_out.iter().map(|r| r.findings).sum(),
        critical: n(Severity::Critical),
        high: n(Severity::High),
        naming: some_of(&names, 6),
    }
}

fn heat(run: &Run, inputs: &Inputs, rec: &Reconciliation) -> Heat {
    let domains: Vec<String> = run.model.domains.iter().map(|d| d.name.clone()).collect();
    let mut cell_of: HashMap<(usize, &str), &CellStatus> = HashMap::new();
    for c in &rec.cells {
        cell_of.insert((c.service_row, c.domain.as_str()), c);
    }
    // The worst finding about each service as a whole (by its first row), or about its
    // vendor; joined through the findings' resolved subjects, not by name.
    let directory = &rec.directory;
    let mut service_worst: HashMap<usize, Severity> = HashMap::new();
    let mut vendor_worst: HashMap<VendorId, Severity> = HashMap::new();
    let domain_keys: Vec<String> = domains.iter().map(|n| key(n)).collect();
    let known_domain = |f: &Finding| {
        f.domain
            .as_deref()
            .is_some_and(|d| domain_keys.contains(&key(d)))
    };
    for (f, subject) in rec.findings.iter().zip(&rec.subjects) {
        let slot = match (f.service.is_some(), subject.service, subject.vendor) {
            (true, Some(service), _) if !known_domain(f) => service_worst.entry(service),
            (false, _, Some(vendor)) => {
                let w = vendor_worst.entry(vendor).or_insert(f.severity);
                *w = (*w).max(f.severity);
                continue;
            }
            _ => continue,
        };
        let w = slot.or_insert(f.severity);
        *w = (*w).max(f.severity);
    }
    let service_level = |row: usize| -> Option<Severity> {
        let own = service_worst.get(&directory.primary_service(row)).copied();
        let vendor = vendor_worst.get(&directory.vendor_of_service(row)).copied();
        own.max(vendor)
    };
    let letter = |o: crate::model::Owner| match o {
        crate::model::Owner::Customer => "C",
        crate::model::Owner::Shared => "S",
        crate::model::Owner::Provider => "P",
    };
    let heat_cell = |cells: &[&CellStatus]| -> HeatCell {
        if cells.is_empty() {
            return HeatCell {
                owner: String::new(),
                worst: "none",
            };
        }
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
    };
    let level_cell = |worst: Option<Severity>| HeatCell {
        owner: String::new(),
        worst: worst.map_or("ok", |w| w.as_str()),
    };
    // One row per service: its first row, which its cells are judged on.
    let in_scope: Vec<(usize, &crate::inputs::Service)> = inputs
        .services
        .iter()
        .enumerate()
        .filter(|&(i, s)| {
            s.in_scope
                && directory.primary_service(i) == i
                && domains
                    .iter()
                    .any(|d| cell_of.contains_key(&(i, d.as_str())))
        })
        .collect();
    let by_model = in_scope.len() > HEATMAP_MAX_SERVICES;
    let mut legend = Vec::new();
    let rows: Vec<HeatRow> = if by_model {
        crate::model::ServiceModel::ALL
            .iter()
            .filter_map(|model| {
                let members: Vec<(usize, &crate::inputs::Service)> = in_scope
                    .iter()
                    .filter(|(_, s)| s.service_model == *model)
                    .copied()
                    .collect();
                if members.is_empty() {
                    return None;
                }
                let cells = domains
                    .iter()
                    .map(|d| {
                        heat_cell(
                            &members
                                .iter()
                                .filter_map(|(i, _)| cell_of.get(&(*i, d.as_str())).copied())
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                Some(HeatRow {
                    service: format!("{} services", model.as_str()),
                    note: None,
                    model: members.len().to_string(),
                    cells,
                    service_level: level_cell(
                        members.iter().filter_map(|(i, _)| service_level(*i)).max(),
                    ),
                })
            })
            .collect()
    } else {
        in_scope
            .iter()
            .map(|&(i, s)| {
                let (label, note) = if s.name.chars().count() <= HEATMAP_NAME_CHARS {
                    (s.name.clone(), None)
                } else {
                    let note = legend.len() + 1;
                    legend.push(LegendLine {
                        note,
                        name: s.name.clone(),
                    });
                    let cut: String = s.name.chars().take(HEATMAP_NAME_CHARS - 4).collect();
                    (format!("{}…", cut.trim_end()), Some(note))
                };
                HeatRow {
                    service: label,
                    note,
                    model: s.service_model.as_str().to_string(),
                    cells: domains
                        .iter()
                        .map(|d| {
                            heat_cell(
                                &cell_of
                                    .get(&(i, d.as_str()))
                                    .copied()
                                    .into_iter()
                                    .collect::<Vec<_>>(),
                            )
                        })
                        .collect(),
                    service_level: level_cell(service_level(i)),
                }
            })
            .collect()
    };
    Heat {
        domains,
        rows,
        legend,
        by_model,
        services: in_scope.len(),
    }
}

fn trend_view(run: &Run, rec: &Reconciliation, p: &Previous, history: &History) -> TrendView {
    let t = trend::compare(&p.findings, &rec.findings);
    let mut points: Vec<(String, chrono::NaiveDate, usize, usize, f64)> = history
        .periods
        .iter()
        .map(|h| (h.label.clone(), h.end, h.critical, h.high, h.percent))
        .collect();
    // `--previous` alone: the one earlier period, from its own file.
    if let Some(end) = p.end.filter(|e| !points.iter().any(|q| q.1 == *e)) {
        let n = |s: Severity| p.findings.iter().filter(|f| f.severity == s).count();
        points.push((
            p.label.clone(),
            end,
            n(Severity::Critical),
            n(Severity::High),
            p.percent,
        ));
        points.sort_by_key(|q| q.1);
    }
    let n = |s: Severity| rec.findings.iter().filter(|f| f.severity == s).count();
    points.push((
        run.period.label.clone(),
        run.period.end,
        n(Severity::Critical),
        n(Severity::High),
        rec.coverage.percent,
    ));
    let keep_from = points.len().saturating_sub(8);
    let points = &points[keep_from..];
    let periods: Vec<TrendPoint> = points
        .iter()
        .enumerate()
        .map(|(i, q)| TrendPoint {
            label: q.0.clone(),
            critical: q.2,
            high: q.3,
            percent: (q.4 * 10.0).round() / 10.0,
            // More than a quarter and a few days between two period ends.
            gap_before: i > 0 && (q.1 - points[i - 1].1).num_days() > 100,
        })
        .collect();
    TrendView {
        most: periods
            .iter()
            .map(|p| p.critical + p.high)
            .max()
            .unwrap_or(0)
            .max(1),
        periods,
        since: p.label.clone(),
        new: t.new.len(),
        resolved: t.resolved.len(),
        persisting: t.persisting.len(),
        left_out: history.left_out.clone(),
    }
}

/// A vendor listed for its auditor's concerns alone: its cover is current, and the red is
/// for the concerns beside it.
const CURRENT_WITH_CONCERNS: &str = "current, with concerns";

fn vendors_view(run: &Run, vendors: &[VendorAssurance]) -> VendorsView {
    let (from, to) = summary::next_quarter(&run.period);
    let mut rows = Vec::new();
    let mut fine = 0;
    for v in vendors {
        let mut concerns: Vec<String> = v
            .modified_opinions
            .iter()
            .map(|(kind, opinion)| format!("{kind}: {opinion} opinion"))
            .collect();
        if v.exceptions > 0 {
            concerns.push(format!(
                "{} exception{} noted",
                v.exceptions,
                if v.exceptions == 1 { "" } else { "s" }
            ));
        }
        let (state, tone) = if v.covered_through < from {
            ("lapsed", "critical")
        } else if v.covered_through <= to {
            ("lapses next quarter", "medium")
        } else if !concerns.is_empty() {
            (CURRENT_WITH_CONCERNS, "high")
        } else {
            fine += 1;
            continue;
        };
        rows.push(VendorRow {
            vendor: v.vendor.clone(),
            state,
            tone,
            covered_through: v.covered_through.to_string(),
            by: v.by,
            concerns: concerns.join("; "),
        });
    }
    // Lapsed first, then lapsing, then concerns (a modified opinion before exceptions
    // alone); each soonest first (as given).
    rows.sort_by_key(|r| match r.state {
        "lapsed" => 0,
        "lapses next quarter" => 1,
        _ if r.concerns.contains("opinion") => 2,
        _ => 3,
    });
    let more = rows.len().saturating_sub(LISTED_VENDORS);
    let more_named = rows
        .iter()
        .skip(LISTED_VENDORS)
        .map(|r| {
            let why = match (r.state, r.concerns.as_str()) {
                (CURRENT_WITH_CONCERNS, concerns) => concerns.to_string(),
                (state, "") => format!("{state} {}", r.covered_through),
                (state, concerns) => format!("{state} {}; {concerns}", r.covered_through),
            };
            format!("{} ({why})", r.vendor)
        })
        .collect::<Vec<_>>()
        .join("; ");
    rows.truncate(LISTED_VENDORS);
    VendorsView {
        rows,
        fine,
        more,
        more_named,
        next_quarter: format!("{from} to {to}"),
    }
}

fn scope_view(inputs: &Inputs) -> ScopeView {
    let out: Vec<OutOfScope> = inputs
        .services
        .iter()
        .filter(|s| !s.in_scope)
        .map(|s| OutOfScope {
            service: s.name.clone(),
            // The register's own reason when it gives one; and where it says so, by the
            // file's name, not the path typed to reach it: a board pack travels.
            reason: format!(
                "{} ({}: {}!{})",
                if s.scope_note.trim().is_empty() {
                    "marked out of scope, no reason given"
                } else {
                    s.scope_note.trim()
                },
                std::path::Path::new(&*s.source.file)
                    .file_name()
                    .map_or_else(
                        || s.source.file.to_string(),
                        |n| n.to_string_lossy().into_owned()
                    ),
                s.source.sheet,
                s.source.row
            ),
        })
        .collect();
    let more_out = out.len().saturating_sub(LISTED_OUT_OF_SCOPE);
    let mut more_out_named = inputs
        .services
        .iter()
        .filter(|s| !s.in_scope)
        .skip(LISTED_OUT_OF_SCOPE)
        .take(NAMED_MORE_OUT_OF_SCOPE)
        .map(|s| format!("{} ({}!{})", s.name, s.source.sheet, s.source.row))
        .collect::<Vec<_>>()
        .join(", ");
    if more_out > NAMED_MORE_OUT_OF_SCOPE {
        more_out_named.push_str(&format!(
            " and {} more, each marked out of scope in the Services sheet",
            thousands(more_out - NAMED_MORE_OUT_OF_SCOPE)
        ));
    }
    ScopeView {
        in_scope: inputs.services.iter().filter(|s| s.in_scope).count(),
        out: out.into_iter().take(LISTED_OUT_OF_SCOPE).collect(),
        more_out,
        more_out_named,
    }
}
