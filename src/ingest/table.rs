//! One sheet's cells, from a workbook (calamine) or a CSV file, behind one interface, and
//! the conversions from a cell to the values demarc needs (text, dates, numbers).
//!
//! Cells are read in place from calamine's range or the CSV records: nothing is copied
//! per cell, so a million-row sheet costs what calamine already spent on it.

use calamine::{Data, Range};
use chrono::{Datelike, NaiveDate};

/// How to read a numeric date such as `03/04/2026` whose day and month could be swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: 03/04/2026 is 3 April.
    Dmy,
    /// Month first: 03/04/2026 is 4 March.
    Mdy,
}

/// A sheet's cells.
pub enum Table {
    Workbook(Range<Data>),
    Csv(Vec<csv::StringRecord>),
}

/// A borrowed view of one cell.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A date cell: `None` when its serial number is not a representable date.
    Date(Option<NaiveDate>),
    /// A formula error such as `#REF!`.
    Error(&'a calamine::CellErrorType),
}

impl Table {
    /// Number of rows, counting from [`Table::first_row`].
    pub fn height(&self) -> usize {
        match self {
            Table::Workbook(range) => range.height(),
            Table::Csv(records) => records.len(),
        }
    }

    /// The 0-based sheet row and column of the table's top-left cell: a workbook's used
    /// range need not start at A1.
    pub fn origin(&self) -> (u32, u32) {
        match self {
            Table::Workbook(range) => range.start().unwrap_or((0, 0)),
            Table::Csv(_) => (0, 0),
        }
    }

    /// Number of columns in a row.
    pub fn width(&self, row: usize) -> usize {
        match self {
            Table::Workbook(range) => range.width(),
            Table::Csv(records) => records.get(row).map_or(0, |r| r.len()),
        }
    }

    /// The cell at a row and column relative to the origin.
    pub fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        match self {
            Table::Workbook(range) => match range.get((row, col)) {
                None | Some(Data::Empty) => Cell::Empty,
                Some(Data::String(s)) | Some(Data::DurationIso(s)) => text_cell(s),
                Some(Data::DateTimeIso(s)) => match parse_iso_prefix(s) {
                    Some(date) => Cell::Date(Some(date)),
                    None => text_cell(s),
                },
                Some(Data::Float(f)) => Cell::Number(*f),
                Some(Data::Int(i)) => Cell::Number(*i as f64),
                Some(Data::Bool(b)) => Cell::Bool(*b),
                Some(Data::DateTime(dt)) => Cell::Date(dt.as_datetime().map(|d| d.date())),
                Some(Data::Error(e)) => Cell::Error(e),
            },
            Table::Csv(records) => match records.get(row).and_then(|r| r.get(col)) {
                None => Cell::Empty,
                Some(s) => text_cell(s),
            },
        }
    }

    /// Whether every cell of a row is empty.
    pub fn row_is_blank(&self, row: usize) -> bool {
        (0..self.width(row)).all(|col| matches!(self.cell(row, col), Cell::Empty))
    }
}

fn text_cell(s: &str) -> Cell<'_> {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

impl Cell<'_> {
    /// The cell as the text a person would read in it (numbers without a spurious `.0`).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => format_number(*f),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
            Cell::Date(None) => "(date out of range)".to_string(),
            Cell::Error(e) => e.to_string(),
        }
    }

    /// How the cell is quoted in an error message.
    pub fn describe(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".to_string(),
            Cell::Text(s) => format!("{:?}", truncate(s.trim(), 80)),
            Cell::Number(f) => format!("the number {}", format_number(*f)),
            Cell::Bool(b) => format!("the boolean {}", if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(Some(d)) => format!("the date {d}"),
            Cell::Date(None) => "a date serial number outside the calendar".to_string(),
            Cell::Error(e) => format!("the formula error {e}"),
        }
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{cut}…")
    }
}

fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Spreadsheet column letters for a 0-based column (0 → A, 26 → AA).
pub fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// Why a text could not be read as a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    NotADate,
    /// Day and month could be swapped (`03/04/2026`) and no date order is configured.
    Ambiguous,
}

/// Reads a date written as text: ISO 8601 (`2026-09-30`, with or without a time),
/// `2026/09/30`, `30 Sep 2026`, `30 September 2026`, `30-Sep-2026`, `Sep 30, 2026`,
/// `September 30 2026`; and numeric day/month forms when they are unambiguous or a
/// [`DateOrder`] is given.
pub fn parse_text_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let date = parse_any_date(text.trim(), order)?;
    // chrono's %Y takes any digits: `03/04/26` would be the year 26. Two-digit years are a
    // guess we refuse to make.
    if date.year() < 1000 {
        return Err(DateProblem::NotADate);
    }
    Ok(date)
}

fn parse_any_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    if let Some(date) = parse_iso_prefix(text) {
        return Ok(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y/%m/%d") {
        return Ok(date);
    }
    // Month names: normalise "Sept" and stray commas/dots so one format list covers them.
    let words = text
        .replace(['.', ','], " ")
        .replace('-', " ")
        .split_whitespace()
        .map(|w| {
            if w.eq_ignore_ascii_case("sept") {
                "Sep"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    for format in ["%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(&words, format) {
            return Ok(date);
        }
    }
    parse_numeric_date(text, order)
}

fn parse_iso_prefix(text: &str) -> Option<NaiveDate> {
    let head = text.get(..10)?;
    let rest = &text[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn parse_numeric_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [a, b, y] = parts.as_slice() else {
        return Err(DateProblem::NotADate);
    };
    let (Ok(a), Ok(b), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>(), y.parse::<i32>()) else {
        return Err(DateProblem::NotADate);
    };
    if y < 1000 {
        // Two-digit years are a guess we refuse to make.
        return Err(DateProblem::NotADate);
    }
    let order = match order {
        Some(order) => order,
        None if a > 12 && b <= 12 => DateOrder::Dmy,
        None if b > 12 && a <= 12 => DateOrder::Mdy,
        None if a == b => DateOrder::Dmy,
        None => return Err(DateProblem::Ambiguous),
    };
    let (day, month) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    NaiveDate::from_ymd_opt(y, month, day).ok_or(DateProblem::NotADate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates_in_the_forms_people_type() {
        for text in [
            "2026-09-30",
            "2026-09-30T00:00:00",
            "2026/09/30",
            "30 Sep 2026",
            "30 Sept 2026",
            "30 september 2026",
            "30-Sep-2026",
            "Sep 30, 2026",
            "September 30 2026",
            " 30/09/2026 ",
            "09/30/2026",
        ] {
            assert_eq!(parse_text_date(text, None), Ok(d(2026, 9, 30)), "{text}");
        }
    }

    #[test]
    fn ambiguous_dates_need_an_order() {
        assert_eq!(
            parse_text_date("03/04/2026", None),
            Err(DateProblem::Ambiguous)
        );
        assert_eq!(
            parse_text_date("03/04/2026", Some(DateOrder::Dmy)),
            Ok(d(2026, 4, 3))
        );
        assert_eq!(
            parse_text_date("03/04/2026", Some(DateOrder::Mdy)),
            Ok(d(2026, 3, 4))
        );
        assert_eq!(parse_text_date("n/a", None), Err(DateProblem::NotADate));
        assert_eq!(
            parse_text_date("31/02/2026", None),
            Err(DateProblem::NotADate)
        );
        assert_eq!(
            parse_text_date("03/04/26", None),
            Err(DateProblem::NotADate)
        );
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
