//! Reporting periods and the calendar arithmetic the rules need.
//!
//! Everything demarc judges is judged *as at the period end*, so a period is just its first
//! and last day plus the label reports print. Month arithmetic clamps to the month's end
//! (2026-09-30 − 1 month = 2026-08-30; 2026-03-31 − 1 month = 2026-02-28), as chrono's
//! `checked_sub_months` does.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::fmt;

/// A reporting period: first and last day, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// How the period is named in paths and reports: `2026-Q3`, `2026`, or
    /// `2026-07-01_2026-09-30` for an explicit range.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Why a period could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("period `{0}` is not understood: expected `YYYY-Qn` (e.g. 2026-Q3), `YYYY` (e.g. 2026), or --from DATE --to DATE")]
    Unrecognised(String),
    #[error("period runs backwards: --from {from} is after --to {to}")]
    Backwards { from: NaiveDate, to: NaiveDate },
    #[error("fiscal year start month must be 1..=12, found {0}")]
    BadFiscalStart(u32),
    #[error("period {label} runs {start} … {end}, outside the years demarc reports on (1900 to 2999: OSCAL's dates and the reports' four-digit years end there)")]
    OutOfRange {
        label: String,
        start: NaiveDate,
        end: NaiveDate,
    },
}

/// The first and last days a period may cover. Excel's dates start in 1900; OSCAL's date
/// pattern allows years up to 2999 only, and the reports name a period by four digits.
const FIRST_DAY: (i32, u32, u32) = (1900, 1, 1);
const LAST_DAY: (i32, u32, u32) = (2999, 12, 31);

fn check_range(label: &str, start: NaiveDate, end: NaiveDate) -> Result<(), PeriodError> {
    let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).expect("a real day");
    if start < day(FIRST_DAY) || end > day(LAST_DAY) {
        return Err(PeriodError::OutOfRange {
            label: label.to_string(),
            start,
            end,
        });
    }
    Ok(())
}

impl Period {
    /// The calendar quarter before the one `today` falls in (`period = "previous-quarter"`).
    pub fn previous_quarter(today: NaiveDate) -> Period {
        Period::parse(&calendar_quarter_of(months_before(today, 3)), 1)
            .expect("a calendar quarter label always parses")
    }

    /// Parses `YYYY-Qn` or `YYYY`. `fiscal_start_month` (1 = January) says in which month a
    /// year begins: with 4, `2026` runs 2026-04-01 … 2027-03-31 and `2026-Q1` is
    /// April–June 2026.
    pub fn parse(text: &str, fiscal_start_month: u32) -> Result<Period, PeriodError> {
        if !(1..=12).contains(&fiscal_start_month) {
            return Err(PeriodError::BadFiscalStart(fiscal_start_month));
        }
        let trimmed = text.trim();
        let bad = || PeriodError::Unrecognised(text.to_string());
        let (year_text, quarter) = match trimmed.split_once(['-', ' ']) {
            Some((year, q)) => {
                let q = q.trim();
                let digit = q
                    .strip_prefix('Q')
                    .or_else(|| q.strip_prefix('q'))
                    .ok_or_else(bad)?;
                let n: u32 = digit.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&n) {
                    return Err(bad());
                }
                (year, Some(n))
            }
            None => (trimmed, None),
        };
        if year_text.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year_text.parse().map_err(|_| bad())?;
        let year_start = NaiveDate::from_ymd_opt(year, fiscal_start_month, 1).ok_or_else(bad)?;
        let (start, months) = match quarter {
            Some(q) => (
                year_start
                    .checked_add_months(Months::new(3 * (q - 1)))
                    .ok_or_else(bad)?,
                3,
            ),
            None => (year_start, 12),
        };
        let end = start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .ok_or_else(bad)?;
        let label = match quarter {
            Some(q) => format!("{year}-Q{q}"),
            None => format!("{year}"),
        };
        check_range(&label, start, end)?;
        Ok(Period { label, start, end })
    }

    /// An explicit range from `--from` and `--to`, both inclusive.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Period, PeriodError> {
        if from > to {
            return Err(PeriodError::Backwards { from, to });
        }
        let label = format!("{}_{}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"));
        check_range(&label, from, to)?;
        Ok(Period {
            label,
            start: from,
            end: to,
        })
    }

    /// Number of days in the period, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} … {})", self.label, self.start, self.end)
    }
}

/// `date` minus `months` calendar months, clamped to the end of the target month.
pub fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// The quarter label (`2026-Q3`) of a calendar date, used to name the previous quarter.
pub fn calendar_quarter_of(date: NaiveDate) -> String {
    format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_and_years() {
        let q3 = Period::parse("2026-Q3", 1).unwrap();
        assert_eq!((q3.start, q3.end), (d(2026, 7, 1), d(2026, 9, 30)));
        let q1 = Period::parse("2024-q1", 1).unwrap();
        assert_eq!(q1.end, d(2024, 3, 31));
        let year = Period::parse("2026", 1).unwrap();
        assert_eq!((year.start, year.end), (d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(year.days(), 365);
    }

    #[test]
    fn periods_outside_1900_to_2999_are_refused_not_a_panic_later() {
        // 9999 with April fiscal years would end in the year 10000: the PDF's date panicked.
        assert_eq!(
            Period::parse("9999", 4).unwrap_err().to_string(),
            "period 9999 runs 9999-04-01 … +10000-03-31, outside the years demarc reports on (1900 to 2999: OSCAL's dates and the reports' four-digit years end there)"
        );
        assert!(matches!(
            Period::parse("2999-Q4", 4),
            Err(PeriodError::OutOfRange { .. })
        ));
        assert!(Period::parse("2999-Q4", 1).is_ok());
        assert!(matches!(
            Period::parse("1899", 1),
            Err(PeriodError::OutOfRange { .. })
        ));
        assert!(matches!(
            Period::between(d(1899, 12, 1), d(1900, 1, 31)),
            Err(PeriodError::OutOfRange { .. })
        ));
        assert!(Period::between(d(1900, 1, 1), d(2999, 12, 31)).is_ok());
    }

    #[test]
    fn fiscal_years_start_in_another_month() {
        let fy = Period::parse("2026", 4).unwrap();
        assert_eq!((fy.start, fy.end), (d(2026, 4, 1), d(2027, 3, 31)));
        let q4 = Period::parse("2026-Q4", 4).unwrap();
        assert_eq!((q4.start, q4.end), (d(2027, 1, 1), d(2027, 3, 31)));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["2026-Q5", "26-Q1", "Q3", "2026-Q", "last quarter", ""] {
            assert!(Period::parse(bad, 1).is_err(), "{bad} should be refused");
        }
        assert!(Period::between(d(2026, 2, 1), d(2026, 1, 1)).is_err());
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(months_before(d(2026, 9, 30), 1), d(2026, 8, 30));
        assert_eq!(months_before(d(2026, 3, 31), 1), d(2026, 2, 28));
        assert_eq!(months_before(d(2026, 9, 30), 12), d(2025, 9, 30));
    }
}
