//! What the board reads first: the executive summary in plain sentences, and each
//! vendor's assurance taken as a whole.
//!
//! The sentences are generated from the data, the same way every time (no model, no
//! network): a board member compares quarters, and a sentence that changes its shape
//! without the data changing would read as news.

use crate::inputs::directory::VendorId;
use crate::inputs::names::thousands;
use crate::inputs::period::Period;
use crate::inputs::{Inputs, Opinion};
use crate::model::appetite::Rating;
use crate::reconcile::risks::Risk;
use crate::reconcile::Reconciliation;
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// One vendor's assurance across all its current attestations: a vendor is covered until
/// its last attestation lapses, so an expired penetration test beside a current SOC 2 is
/// not lapsed assurance.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorAssurance {
    pub vendor: String,
    /// The last day any current attestation of this vendor covers.
    pub covered_through: NaiveDate,
    /// The attestation that reaches furthest ("SOC 2 Type II").
    pub by: &'static str,
    /// Its other current attestations, each with the day it lapses.
    pub others: Vec<(&'static str, NaiveDate)>,
    /// Current reports whose auditor modified the opinion ("Qualified", "Adverse"…).
    pub modified_opinions: Vec<(&'static str, &'static str)>,
    /// Exceptions noted in current reports.
    pub exceptions: u32,
}

/// Every vendor that runs an in-scope service and has a dated current attestation,
/// soonest to lapse first.
pub fn vendor_assurance(inputs: &Inputs, rec: &Reconciliation) -> Vec<VendorAssurance> {
    let directory = &rec.directory;
    let runs_in_scope: std::collections::HashSet<VendorId> = inputs
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.in_scope)
        .map(|(i, _)| directory.vendor_of_service(i))
        .collect();
    let mut by_vendor: BTreeMap<VendorId, Vec<&crate::inputs::Attestation>> = BTreeMap::new();
    for &i in &rec.current_attestations {
        let vendor = directory.vendor_of_attestation(i);
        if runs_in_scope.contains(&vendor) {
            by_vendor
                .entry(vendor)
                .or_default()
                .push(&inputs.attestations[i]);
        }
    }
    let mut vendors: Vec<VendorAssurance> = by_vendor
        .into_values()
        .filter_map(|attestations| {
            let mut dated: Vec<(&'static str, NaiveDate)> = attestations
                .iter()
                .filter_map(|a| a.covered_through().map(|d| (a.kind.as_str(), d)))
                .collect();
            dated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let (by, covered_through) = *dated.first()?;
            let modified_opinions = attestations
                .iter()
                .filter_map(|a| match a.opinion {
                    Some(o) if o != Opinion::Unqualified => Some((a.kind.as_str(), o.as_str())),
                    _ => None,
                })
                .collect();
            Some(VendorAssurance {
                vendor: attestations[0].vendor.clone(),
                covered_through,
                by,
                others: dated[1..].to_vec(),
                modified_opinions,
                exceptions: attestations.iter().map(|a| a.exceptions).sum(),
            })
        })
        .collect();
    vendors.sort_by(|a, b| {
        a.covered_through
            .cmp(&b.covered_through)
            .then(a.vendor.cmp(&b.vendor))
    });
    vendors
}

/// The quarter after the period: what "lapsing next quarter" means.
pub fn next_quarter(period: &Period) -> (NaiveDate, NaiveDate) {
    let start = period.end.succ_opt().unwrap_or(period.end);
    let end = start
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    (start, end)
}

/// The facts the summary speaks of.
pub struct Facts<'a> {
    pub period: &'a Period,
    pub rating: &'a Rating,
    pub percent: f64,
    pub cells: usize,
    pub critical: usize,
    pub high: usize,
    /// The previous period: its label, posture, critical and high counts.
    pub previous: Option<(&'a str, f64, usize, usize)>,
    /// Worst first.
    pub risks: &'a [Risk],
    /// Soonest to lapse first.
    pub vendors: &'a [VendorAssurance],
    /// Under a residency policy: services holding data outside it, and in an unstated
    /// region.
    pub residency: Option<(usize, usize)>,
}

/// Four to six sentences, in the order a board asks: where do we stand, is it getting
/// better, what are the biggest risks, what lapses next, where is our data.
pub fn sentences(facts: &Facts) -> Vec<String> {
    let mut said = Vec::new();
    let posture = format!(
        "{:.1}% of our {} responsibility cells are owned and evidenced",
        facts.percent,
        thousands(facts.cells)
    );
    said.push(match facts.previous {
        Some((label, before, ..)) => {
            let change = facts.percent - before;
            let moved = if change.abs() < 0.05 {
                "unchanged".to_string()
            } else if change > 0.0 {
                format!("up {change:.1} points")
            } else {
                format!("down {:.1} points", -change)
            };
            format!("{posture}, {moved} since {label} ({before:.1}%).")
        }
        None => format!("{posture} at {}.", facts.period.end),
    });
    let counts = match (facts.critical, facts.high) {
        (0, 0) => "There are no critical or high findings".to_string(),
        (c, h) => format!(
            "There are {} critical and {} high findings",
            thousands(c),
            thousands(h)
        ),
    };
    said.push(match facts.previous {
        Some((label, _, critical, high)) => format!(
            "{counts}, against {} and {} in {label}; the rating is {}.",
            thousands(critical),
            thousands(high),
            facts.rating.level.as_str()
        ),
        None => format!("{counts}; the rating is {}.", facts.rating.level.as_str()),
    });
    let biggest: Vec<&str> = facts
        .risks
        .iter()
        .take(3)
        .map(|r| r.title.as_str())
        .collect();
    said.push(match biggest.len() {
        0 => "No risk needs a decision.".to_string(),
        1 => format!("The biggest risk: {}.", biggest[0]),
        n => format!("The {n} biggest risks: {}.", biggest.join("; ")),
    });
    let (from, to) = next_quarter(facts.period);
    let lapsing: Vec<&VendorAssurance> = facts
        .vendors
        .iter()
        .filter(|v| v.covered_through >= from && v.covered_through <= to)
        .collect();
    let lapsed = facts
        .vendors
        .iter()
        .filter(|v| v.covered_through < from)
        .count();
    said.push(match (lapsing.len(), lapsed) {
        (0, 0) => "No vendor's assurance lapses next quarter.".to_string(),
        (0, n) => format!(
            "No further vendor's assurance lapses next quarter; {n} already lapsed before the period ended."
        ),
        (1, _) => format!(
            "One vendor's assurance lapses next quarter: {}.",
            lapsing_on_their_dates(&lapsing)
        ),
        (n, _) if n <= LAPSING_NAMED => format!(
            "{n} vendors' assurance lapses next quarter: {}.",
            lapsing_on_their_dates(&lapsing)
        ),
        (n, _) => {
            let (named, rest) = lapsing.split_at(LAPSING_NAMED);
            let last_named = named[LAPSING_NAMED - 1].covered_through;
            let last = rest.last().map_or(to, |v| v.covered_through);
            if last == last_named {
                // The rest lapse on the last named day (the list is soonest first): they
                // join its group, "…, Oracle Cloud and 3 more on 2026-12-31", rather than
                // "first … on 2026-12-31, and 3 more by 2026-12-31".
                format!(
                    "{n} vendors' assurance lapses next quarter: {}.",
                    lapsing_on_their_dates_and_more(named, rest.len())
                )
            } else {
                format!(
                    "{n} vendors' assurance lapses next quarter, first {}, and {} more by {last}.",
                    lapsing_on_their_dates(named),
                    rest.len()
                )
            }
        }
    });
    if let Some((outside, unstated)) = facts.residency {
        said.push(match (outside, unstated) {
            (0, 0) => "Every in-scope service holds its data where the residency policy allows.".to_string(),
            (o, 0) => format!("{} regulated data outside the residency policy.", services_hold(o)),
            (0, u) => format!("{} regulated data in a region nobody has stated.", services_hold(u)),
            (o, u) => format!(
                "{} regulated data outside the residency policy, and {} in a region nobody has stated.",
                services_hold(o),
                u
            ),
        });
    }
    said
}

/// Vendors named in the lapsing sentence; more are counted.
const LAPSING_NAMED: usize = 5;

fn services_hold(n: usize) -> String {
    if n == 1 {
        "1 service holds".to_string()
    } else {
        format!("{n} services hold")
    }
}

/// Vendors lapsing on the same day share it: "Datadog, GitHub and Okta on 2026-12-31",
/// not the date said three times. `vendors` are soonest first.
fn lapsing_on_their_dates(vendors: &[&VendorAssurance]) -> String {
    lapsing_on_their_dates_and_more(vendors, 0)
}

/// The same, with `more` unnamed vendors lapsing on the last day: "Notion, Oracle Cloud and
/// 3 more on 2026-12-31".
fn lapsing_on_their_dates_and_more(vendors: &[&VendorAssurance], more: usize) -> String {
    let mut groups: Vec<(NaiveDate, Vec<String>)> = Vec::new();
    for v in vendors {
        match groups.last_mut() {
            Some((date, names)) if *date == v.covered_through => names.push(v.vendor.clone()),
            _ => groups.push((v.covered_through, vec![v.vendor.clone()])),
        }
    }
    if more > 0 {
        if let Some((_, names)) = groups.last_mut() {
            names.push(format!("{more} more"));
        }
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|(date, names)| format!("{} on {date}", crate::inputs::names::and_list(names)))
        .collect();
    match phrases.split_last() {
        None => String::new(),
        Some((only, [])) => only.clone(),
        // Single names read as a plain list; groups holding their own "and" are set apart
        // by semicolons.
        _ if groups.iter().all(|(_, names)| names.len() == 1) => {
            crate::inputs::names::and_list(&phrases)
        }
        Some((last, rest)) => format!("{}; and {last}", rest.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vendors_lapsing_on_one_day_share_it() {
        let v = |vendor: &str, day: u32| VendorAssurance {
            vendor: vendor.into(),
            covered_through: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            by: "SOC 2 Type II",
            others: Vec::new(),
            modified_opinions: Vec::new(),
            exceptions: 0,
        };
        let (a, b, c, d) = (
            v("Elastic", 1),
            v("HubSpot", 1),
            v("Okta", 9),
            v("Zoom", 31),
        );
        assert_eq!(
            lapsing_on_their_dates(&[&a, &b]),
            "Elastic and HubSpot on 2026-12-01"
        );
        assert_eq!(
            lapsing_on_their_dates(&[&a, &b, &c]),
            "Elastic and HubSpot on 2026-12-01; and Okta on 2026-12-09"
        );
        assert_eq!(
            lapsing_on_their_dates(&[&a, &c, &d]),
            "Elastic on 2026-12-01, Okta on 2026-12-09 and Zoom on 2026-12-31"
        );
    }

    #[test]
    fn unnamed_vendors_lapsing_on_the_last_named_day_join_it() {
        let v = |vendor: &str| VendorAssurance {
            vendor: vendor.into(),
            covered_through: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            by: "SOC 2 Type II",
            others: Vec::new(),
            modified_opinions: Vec::new(),
            exceptions: 0,
        };
        let (a, b) = (v("Notion"), v("Oracle Cloud"));
        assert_eq!(
            lapsing_on_their_dates_and_more(&[&a, &b], 3),
            "Notion, Oracle Cloud and 3 more on 2026-12-31"
        );
    }

    use super::{lapsing_on_their_dates, lapsing_on_their_dates_and_more, VendorAssurance};
    use chrono::NaiveDate;
}
