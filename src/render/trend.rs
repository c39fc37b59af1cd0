//! The trend against the previous period, from its `findings.json`: which findings are
//! new, which were resolved and which persist, and how the posture moved.

use super::RenderError;
use crate::findings::Finding;
use crate::inputs::names::key;
use crate::inputs::period::Period;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the board report needs of the previous period's findings document.
#[derive(Debug, Clone)]
pub struct Previous {
    pub label: String,
    pub percent: f64,
    pub findings: Vec<Finding>,
    /// The organisation the file was written for, if it names one.
    pub organisation: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct PreviousDocument {
    #[serde(default)]
    organisation: Option<String>,
    period: PreviousPeriod,
    summary: PreviousSummary,
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
struct PreviousPeriod {
    label: String,
    #[serde(default)]
    start: Option<NaiveDate>,
    #[serde(default)]
    end: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct PreviousSummary {
    coverage: PreviousCoverage,
    #[serde(default)]
    by_severity: BTreeMap<String, usize>,
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
            organisation: doc.organisation,
            start: doc.period.start,
            end: doc.period.end,
        })
    }

    /// The earlier periods of a history directory, up to seven before this one (eight
    /// quarters with it).
    pub fn history(
        dir: &Path,
        organisation: Option<&str>,
        period: &Period,
    ) -> Result<History, RenderError> {
        History::load(dir, organisation, period, 7)
    }

    /// Refuses a previous period that cannot be this run's past: another organisation's
    /// file (the trend would compare two companies), or a period that does not end before
    /// this one begins ("Since 2026-Q3" inside a Q2 report).
    pub fn check_fits(
        &self,
        path: &Path,
        organisation: Option<&str>,
        period: &Period,
    ) -> Result<(), RenderError> {
        fits(
            path,
            self.organisation.as_deref(),
            &self.label,
            self.end,
            organisation,
            period,
        )
    }
}

fn fits(
    path: &Path,
    theirs: Option<&str>,
    label: &str,
    end: Option<NaiveDate>,
    ours: Option<&str>,
    period: &Period,
) -> Result<(), RenderError> {
    let fail = |message: String| RenderError::Previous {
        path: path.to_path_buf(),
        message,
    };
    if let (Some(theirs), Some(ours)) = (theirs, ours) {
        if key(theirs) != key(ours) {
            return Err(fail(format!(
                "written for {theirs:?}, not {ours:?}: a trend compares one organisation with itself"
            )));
        }
    }
    match end {
        Some(end) if end < period.start => Ok(()),
        Some(end) => Err(fail(format!(
            "its period {label} ends on {end}, not before this period {} begins on {}: the previous period must come earlier",
            period.label, period.start
        ))),
        None => Err(fail(format!(
            "its period {label} has no end date: not a findings.json written by this version of demarc"
        ))),
    }
}

/// One earlier period as a trend chart needs it: its counts and posture, not its findings.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSummary {
    /// The findings.json it was read from.
    pub file: std::path::PathBuf,
    pub label: String,
    pub end: NaiveDate,
    pub critical: usize,
    pub high: usize,
    pub percent: f64,
}

#[derive(Deserialize)]
struct SummaryDocument {
    #[serde(default)]
    organisation: Option<String>,
    period: PreviousPeriod,
    summary: PreviousSummary,
    // `findings` and `cells` are skipped as they are read: a 400 MB findings.json costs
    // time here, not memory.
}

/// The earlier runs of `--history DIR`: every `findings.json` in DIR or one folder down
/// (`output/2026-Q2/findings.json`), for periods ending before this one, newest last, at
/// most `keep`. A file of another organisation, or of this period or a later one, is left
/// out and said in `left_out`; one that is not a findings document is an error.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub periods: Vec<PeriodSummary>,
    pub left_out: Vec<String>,
}

impl History {
    pub fn load(
        dir: &Path,
        organisation: Option<&str>,
        period: &Period,
        keep: usize,
    ) -> Result<History, RenderError> {
        let fail = |path: &Path, message: String| RenderError::Previous {
            path: path.to_path_buf(),
            message,
        };
        let listing = |d: &Path| -> Result<Vec<std::path::PathBuf>, RenderError> {
            let mut entries: Vec<_> = std::fs::read_dir(d)
                .map_err(|e| fail(d, format!("cannot read the history directory: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            Ok(entries)
        };
        let mut files = Vec::new();
        for entry in listing(dir)? {
            // `.demarc-previous-PERIOD` holds the outputs a re-run replaced: not history.
            if entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if entry.is_dir() {
                let file = entry.join("findings.json");
                if file.is_file() {
                    files.push(file);
                }
            } else if entry.file_name().is_some_and(|n| n == "findings.json") {
                files.push(entry);
            }
        }
        let mut history = History::default();
        let mut seen = BTreeSet::new();
        for file in files {
            let reader = std::fs::File::open(&file)
                .map_err(|e| fail(&file, format!("cannot read it: {e}")))?;
            let doc: SummaryDocument = serde_json::from_reader(std::io::BufReader::new(reader))
                .map_err(|e| {
                    fail(
                        &file,
                        format!(
                            "not a demarc findings.json (line {}, column {}): {e}",
                            e.line(),
                            e.column()
                        ),
                    )
                })?;
            let label = doc.period.label.clone();
            if let Err(RenderError::Previous { message, .. }) = fits(
                &file,
                doc.organisation.as_deref(),
                &label,
                doc.period.end,
                organisation,
                period,
            ) {
                if label != period.label {
                    history
                        .left_out
                        .push(format!("{}: {message}", file.display()));
                }
                continue;
            }
            let Some(end) = doc.period.end else { continue };
            if !seen.insert(end) {
                history.left_out.push(format!(
                    "{}: a second run for {label}; the first one read is kept",
                    file.display()
                ));
                continue;
            }
            let count = |s: &str| doc.summary.by_severity.get(s).copied().unwrap_or(0);
            history.periods.push(PeriodSummary {
                critical: count("critical"),
                high: count("high"),
                percent: doc.summary.coverage.percent,
                label,
                end,
                file,
            });
        }
        history.periods.sort_by_key(|p| p.end);
        let extra = history.periods.len().saturating_sub(keep);
        history.periods.drain(..extra);
        Ok(history)
    }
}

/// A finding's identity across periods: its code and subject, not its wording or rows.
fn identity(f: &Finding) -> (crate::findings::Code, [String; 5]) {
    f.identity()
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
