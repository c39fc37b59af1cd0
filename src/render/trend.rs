//! The trend against the previous period, from its `findings.json`: which findings are
//! new, which were resolved and which persist, and how the posture moved.

use super::RenderError;
use crate::findings::Finding;
use crate::inputs::names::key;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// What the board report needs of the previous period's findings document.
#[derive(Debug, Clone)]
pub struct Previous {
    pub label: String,
    pub percent: f64,
    pub findings: Vec<Finding>,
}

#[derive(Deserialize)]
struct PreviousDocument {
    period: PreviousPeriod,
    summary: PreviousSummary,
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
struct PreviousPeriod {
    label: String,
}

#[derive(Deserialize)]
struct PreviousSummary {
    coverage: PreviousCoverage,
}

#[derive(Deserialize)]
struct PreviousCoverage {
    percent: f64,
}

impl Previous {
    /// Reads a findings.json written by demarc.
    pub fn load(path: &Path) -> Result<Previous, RenderError> {
        let fail = |message: String| RenderError::Previous {
            path: path.to_path_buf(),
            message,
        };
        let text = crate::small_file::read_text(path, crate::small_file::FINDINGS_MAX_BYTES)
            .map_err(|e| fail(format!("cannot read it: {e}")))?;
        let doc: PreviousDocument = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "not a demarc findings.json (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        Ok(Previous {
            label: doc.period.label,
            percent: doc.summary.coverage.percent,
            findings: doc.findings,
        })
    }
}

/// A finding's identity across periods: its code and subject, not its wording or rows.
fn identity(f: &Finding) -> (String, [String; 5]) {
    let k = |v: &Option<String>| v.as_deref().map(key).unwrap_or_default();
    (
        f.code.as_str().to_string(),
        [
            k(&f.service),
            k(&f.domain),
            k(&f.control_id),
            k(&f.vendor),
            k(&f.cuec_id),
        ],
    )
}

/// New, resolved and persisting findings between two periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend<'a> {
    pub new: Vec<&'a Finding>,
    pub resolved: Vec<&'a Finding>,
    pub persisting: Vec<&'a Finding>,
}

/// Compares this period's findings with the previous period's.
pub fn compare<'a>(previous: &'a [Finding], current: &'a [Finding]) -> Trend<'a> {
    let before: BTreeSet<_> = previous.iter().map(identity).collect();
    let now: BTreeSet<_> = current.iter().map(identity).collect();
    Trend {
        new: current
            .iter()
            .filter(|f| !before.contains(&identity(f)))
            .collect(),
        resolved: previous
            .iter()
            .filter(|f| !now.contains(&identity(f)))
            .collect(),
        persisting: current
            .iter()
            .filter(|f| before.contains(&identity(f)))
            .collect(),
    }
}
