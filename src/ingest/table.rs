//! One sheet's cells, from a workbook (calamine) or a CSV file, behind one interface, and
//! the conversions from a cell to the values demarc needs (text, dates, numbers). Dates
//! written as text are read by [`super::dates`].
//!
//! A table is sparse: only cells holding something are kept, row by row. A sheet with a
//! million formatted but empty rows, or one stray cell at XFD1048576, costs nothing, and
//! the per-sheet limits (rows, characters per cell) are applied while it is built.

use super::dates::parse_iso_prefix;
use super::limits::{raise, Limits};
use calamine::{Data, Dimensions};
use chrono::{Datelike, NaiveDate};

/// A sheet's non-empty cells.
#[derive(Debug, Default)]
pub struct Table {
    /// The 0-based sheet row and column of the first row and column holding anything.
    origin: (u32, u32),
    /// Rows from the origin; each holds its non-empty cells as (column from the origin,
    /// value), in column order.
    rows: Vec<Vec<(u32, Data)>>,
    /// Merged regions, in sheet coordinates (only loaded when the header needs them, or
    /// the sheet has cells merged down over several rows).
    merged: Vec<Dimensions>,
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
    /// A formula with no computed value: the workbook was written by a program that does
    /// not calculate (a script), and nobody has opened and saved it since.
    Uncomputed,
}

/// How a formula with no computed value travels with the cells: as the error Excel shows
/// while a value is still being fetched (`#GETTING_DATA`, stored as code 0x2B in .xls),
/// which means just that — the cell has no value yet — and which no formula can return.
pub(crate) fn uncomputed_formula() -> Data {
    Data::Error(calamine::CellErrorType::GettingData)
}

/// The largest Excel date serial (9999-12-31 in the 1900 system).
const MAX_DATE_SERIAL: f64 = 2_958_465.0;

impl Table {
    /// A table of CSV records (row 1 is the first record).
    pub fn from_records(records: &[csv::StringRecord]) -> Table {
        let mut builder = TableBuilder::unlimited();
        for (r, record) in records.iter().enumerate() {
            for (c, field) in record.iter().enumerate() {
                builder.push(r as u32, c as u32, Data::String(field.to_string()));
            }
        }
        builder.finish()
    }

    /// Number of rows, counting from [`Table::origin`].
    pub fn height(&self) -> usize {
        self.rows.len()
    }

    /// The 0-based sheet row and column of the table's top-left cell: a sheet's used range
    /// need not start at A1.
    pub fn origin(&self) -> (u32, u32) {
        self.origin
    }

    /// The cell at a row and column relative to the origin.
    pub fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        cell_in(self.row(row), col)
    }

    /// A row's non-empty cells as (column relative to the origin, value), in column order;
    /// empty past the last row.
    pub(crate) fn row(&self, row: usize) -> &[(u32, Data)] {
        self.rows.get(row).map_or(&[], Vec::as_slice)
    }

    /// The non-empty cells of a row: (column relative to the origin, cell).
    pub fn row_cells(&self, row: usize) -> impl Iterator<Item = (usize, Cell<'_>)> {
        self.rows
            .get(row)
            .into_iter()
            .flatten()
            .map(|(c, data)| (*c as usize, view(data)))
    }

    /// Whether every cell of a row is empty.
    pub fn row_is_blank(&self, row: usize) -> bool {
        self.rows.get(row).is_none_or(|cells| cells.is_empty())
    }

    /// Frees a row's cells once they have been read (the row then reads as blank).
    pub fn release_row(&mut self, row: usize) {
        if let Some(cells) = self.rows.get_mut(row) {
            *cells = Vec::new();
        }
    }

    /// Gives the table its merged regions (sheet coordinates).
    pub fn set_merged(&mut self, merged: Vec<Dimensions>) {
        self.merged = merged;
    }

    /// The merged regions spanning rows that start under `header_row`, as (top row, left
    /// column, last row) relative to the origin, by top row then column. A merged cell's
    /// value is its top-left cell's: horizontal spans are not spread, as in
    /// [`Table::header_cell`].
    pub(crate) fn merged_down_under(&self, header_row: usize) -> Vec<(usize, u32, usize)> {
        let (origin_row, origin_col) = (u64::from(self.origin.0), u64::from(self.origin.1));
        let mut regions: Vec<(usize, u32, usize)> = self
            .merged
            .iter()
            .filter(|m| m.end.0 > m.start.0)
            .filter(|m| u64::from(m.start.0) >= origin_row && u64::from(m.start.1) >= origin_col)
            .map(|m| {
                (
                    (u64::from(m.start.0) - origin_row) as usize,
                    (u64::from(m.start.1) - origin_col) as u32,
                    (u64::from(m.end.0) - origin_row) as usize,
                )
            })
            .filter(|(top, ..)| *top > header_row)
            .collect();
        regions.sort_unstable();
        regions
    }

    /// A cell as a header: an empty cell under the top of a vertically merged region reads
    /// as that region's top cell (a header merged over two header rows names the column in
    /// both). Horizontal merges are not spread: one header names one column.
    pub fn header_cell(&self, row: usize, col: usize) -> Cell<'_> {
        let cell = self.cell(row, col);
        if !matches!(cell, Cell::Empty) {
            return cell;
        }
        let (r, c) = (
            self.origin.0 as u64 + row as u64,
            self.origin.1 as u64 + col as u64,
        );
        for region in &self.merged {
            let (top, left) = (u64::from(region.start.0), u64::from(region.start.1));
            if left == c && top < r && r <= u64::from(region.end.0) && top >= self.origin.0 as u64 {
                return self.cell((top - self.origin.0 as u64) as usize, col);
            }
        }
        Cell::Empty
    }

    /// The lowest row (relative to the origin) reached by a region merged down from a cell
    /// of `row`; `row` itself when none is.
    pub fn merged_header_bottom(&self, row: usize) -> usize {
        let r = u64::from(self.origin.0) + row as u64;
        self.merged
            .iter()
            .filter(|m| u64::from(m.start.0) == r && m.end.0 > m.start.0)
            .map(|m| (u64::from(m.end.0) - u64::from(self.origin.0)) as usize)
            .fold(row, usize::max)
    }

    /// Columns (relative to the origin) of a header row, counting vertically merged cells.
    pub fn header_columns(&self, row: usize) -> Vec<usize> {
        let mut cols: Vec<usize> = self.row_cells(row).map(|(c, _)| c).collect();
        let r = self.origin.0 as u64 + row as u64;
        for region in &self.merged {
            let left = u64::from(region.start.1);
            if u64::from(region.start.0) < r
                && r <= u64::from(region.end.0)
                && left >= u64::from(self.origin.1)
            {
                cols.push((left - u64::from(self.origin.1)) as usize);
            }
        }
        cols.sort_unstable();
        cols.dedup();
        cols
    }
}

/// Carries the value of each cell merged down over several rows onto the rows under its
/// top, which hold nothing there: the sheet shows the value on all of them. Told of every
/// row in order ([`MergedDown::enter`], before the row's cells are released), it fills
/// each row's cells ([`MergedDown::fill`]).
pub(crate) struct MergedDown {
    /// (top row, left column, last row), relative to the origin, by top row.
    regions: std::iter::Peekable<std::vec::IntoIter<(usize, u32, usize)>>,
    /// The merges spanning the current row: (column, last row, value).
    carried: Vec<(u32, usize, Data)>,
}

impl MergedDown {
    /// The merges of `table` that start under `header_row`.
    pub(crate) fn new(table: &Table, header_row: usize) -> MergedDown {
        MergedDown {
            regions: table.merged_down_under(header_row).into_iter().peekable(),
            carried: Vec::new(),
        }
    }

    /// Moves to `row`: takes the values of the merges starting there, drops those ended.
    pub(crate) fn enter(&mut self, table: &Table, row: usize) {
        while let Some((_, col, last)) = self.regions.next_if(|m| m.0 == row) {
            if let Some((_, data)) = table.row(row).iter().find(|(c, _)| *c == col) {
                self.carried.push((col, last, data.clone()));
            }
        }
        self.carried.retain(|(_, last, _)| *last >= row);
    }

    /// The current row's cells with the merged values filled in where the row is empty;
    /// `None` when there is nothing to fill.
    pub(crate) fn fill(&self, cells: &[(u32, Data)]) -> Option<FilledRow> {
        let has = |col: u32| cells.iter().any(|(c, _)| *c == col);
        let missing: Vec<&(u32, usize, Data)> =
            self.carried.iter().filter(|(col, ..)| !has(*col)).collect();
        if missing.is_empty() {
            return None;
        }
        let mut filled = cells.to_vec();
        filled.extend(missing.iter().map(|(col, _, data)| (*col, data.clone())));
        filled.sort_by_key(|(c, _)| *c);
        Some(FilledRow {
            cells: filled,
            columns: missing.iter().map(|(col, ..)| *col).collect(),
        })
    }
}

/// A row with merged values filled in ([`MergedDown::fill`]).
pub(crate) struct FilledRow {
    /// The row's non-empty cells, in column order, as a table row holds them.
    pub cells: Vec<(u32, Data)>,
    /// The columns that took a merged value.
    pub columns: Vec<u32>,
}

/// A row's non-empty cells as the texts a person reads in them, in column order.
pub(crate) fn row_texts(cells: &[(u32, Data)]) -> Vec<String> {
    cells
        .iter()
        .map(|(_, data)| view(data))
        .filter(|cell| !matches!(cell, Cell::Empty))
        .map(|cell| cell.to_text())
        .collect()
}

/// The cell in a column of a row's non-empty cells (sorted by column, as [`Table::row`]
/// gives them).
pub(crate) fn cell_in(cells: &[(u32, Data)], col: usize) -> Cell<'_> {
    match cells.binary_search_by_key(&(col as u64), |(c, _)| u64::from(*c)) {
        Ok(i) => view(&cells[i].1),
        Err(_) => Cell::Empty,
    }
}

/// A cell's value as a [`Cell`].
pub(crate) fn view(data: &Data) -> Cell<'_> {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DurationIso(s) => text_cell(s),
        Data::DateTimeIso(s) => match parse_iso_prefix(s) {
            Some(date) => Cell::Date(Some(date)),
            None => text_cell(s),
        },
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Date(serial_date(dt)),
        Data::Error(calamine::CellErrorType::GettingData) => Cell::Uncomputed,
        Data::Error(e) => Cell::Error(e),
    }
}

/// A date cell's calendar date. calamine's own conversion panics on absurd serials, so the
/// serial is checked first: Excel's dates run from 0 to 9999-12-31.
fn serial_date(dt: &calamine::ExcelDateTime) -> Option<NaiveDate> {
    let serial = dt.as_f64();
    if !(0.0..=MAX_DATE_SERIAL).contains(&serial) {
        return None;
    }
    let date = dt.as_datetime()?.date();
    (1900..=9999).contains(&date.year()).then_some(date)
}

fn text_cell(s: &str) -> Cell<'_> {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// Whether a value holds nothing a person would see.
fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Why building a table stopped or refused cells: a problem at a sheet cell or row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitProblem {
    /// `E14` or `row 2000001`.
    pub location: String,
    pub problem: String,
}

/// Where a sheet's cells go as they are read: a [`TableBuilder`], or a channel to the
/// thread that turns rows into records (`stream.rs`).
pub(crate) trait CellSink {
    /// Takes a cell at a 0-based sheet position. Returns `false` when reading the sheet
    /// further is pointless (a limit was broken badly, or nobody is listening any more).
    fn push(&mut self, row: u32, col: u32, data: Data) -> bool;
}

/// What [`CellLimits::admit`] decided about one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// The cell holds something and is within the limits.
    Keep,
    /// The cell is blank, or refused with a problem recorded: read on.
    Skip,
    /// The sheet went past a limit badly enough that reading it further is pointless.
    Stop,
}

/// The per-sheet limits (rows, characters per cell), applied cell by cell in the order the
/// cells are read, so that a table and a streamed sheet refuse the same cells with the same
/// problems.
#[derive(Debug)]
pub(crate) struct CellLimits {
    limits: Limits,
    problems: Vec<LimitProblem>,
    stopped: bool,
}

/// At most this many limit problems are kept per sheet.
const MAX_LIMIT_PROBLEMS: usize = 10;

impl CellLimits {
    pub(crate) fn new(limits: &Limits) -> CellLimits {
        CellLimits {
            limits: *limits,
            problems: Vec::new(),
            stopped: false,
        }
    }

    /// Decides whether a cell at a 0-based sheet position is kept, recording a problem
    /// when it breaks a limit.
    pub(crate) fn admit(&mut self, row: u32, col: u32, data: &Data) -> Admit {
        if self.stopped {
            return Admit::Stop;
        }
        if is_blank(data) {
            return Admit::Skip;
        }
        // Row numbers are shown 1-based, so the last u32 row is never reachable.
        if u64::from(row) >= self.limits.rows.min(u64::from(u32::MAX)) {
            self.problems.push(LimitProblem {
                location: format!("row {}", u64::from(row) + 1),
                problem: format!(
                    "the sheet goes on past row {}, the most demarc reads ({})",
                    self.limits.rows,
                    raise("rows")
                ),
            });
            self.stopped = true;
            return Admit::Stop;
        }
        if u64::from(col) >= self.limits.columns {
            self.problems.push(LimitProblem {
                location: format!("{}{}", column_letters(col), u64::from(row) + 1),
                problem: format!(
                    "the row goes on past column {}, the most demarc reads ({})",
                    self.limits.columns,
                    raise("columns")
                ),
            });
            self.stopped = true;
            return Admit::Stop;
        }
        if let Data::String(s) = data {
            // Counting characters is only needed when the bytes could exceed the limit.
            if s.len() as u64 > self.limits.cell_chars {
                let chars = s.chars().count() as u64;
                if chars > self.limits.cell_chars {
                    self.problems.push(LimitProblem {
                        location: format!("{}{}", column_letters(col), u64::from(row) + 1),
                        problem: format!(
                            "the cell holds {chars} characters; demarc reads cells up to {} ({})",
                            self.limits.cell_chars,
                            raise("cell_chars")
                        ),
                    });
                    if self.problems.len() >= MAX_LIMIT_PROBLEMS {
                        self.stopped = true;
                        return Admit::Stop;
                    }
                    return Admit::Skip;
                }
            }
        }
        Admit::Keep
    }

    /// The problems found (empty when the sheet is within every limit).
    pub(crate) fn problems(&self) -> &[LimitProblem] {
        &self.problems
    }

    pub(crate) fn into_problems(self) -> Vec<LimitProblem> {
        self.problems
    }
}

/// Builds a [`Table`] from cells in any order, applying the row and cell-size limits.
pub(crate) struct TableBuilder {
    limits: CellLimits,
    cells: Vec<(u32, u32, Data)>,
}

impl CellSink for TableBuilder {
    fn push(&mut self, row: u32, col: u32, data: Data) -> bool {
        TableBuilder::push(self, row, col, data)
    }
}

impl TableBuilder {
    pub(crate) fn new(limits: &Limits) -> TableBuilder {
        TableBuilder {
            limits: CellLimits::new(limits),
            cells: Vec::new(),
        }
    }

    pub(crate) fn unlimited() -> TableBuilder {
        TableBuilder::new(&Limits {
            rows: u64::MAX,
            cell_chars: u64::MAX,
            columns: u64::MAX,
            ..Limits::default()
        })
    }

    /// Adds a cell at a 0-based sheet position. Returns `false` once the sheet has gone
    /// past a limit badly enough that reading it further is pointless.
    pub(crate) fn push(&mut self, row: u32, col: u32, data: Data) -> bool {
        match self.limits.admit(row, col, &data) {
            Admit::Keep => {
                self.cells.push((row, col, data));
                true
            }
            Admit::Skip => true,
            Admit::Stop => false,
        }
    }

    /// The problems found (empty when the sheet is within every limit).
    pub(crate) fn problems(&self) -> &[LimitProblem] {
        self.limits.problems()
    }

    pub(crate) fn finish(mut self) -> Table {
        if self.cells.is_empty() {
            return Table::default();
        }
        self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        // A position written twice keeps its last value, as a spreadsheet would show it.
        self.cells.dedup_by(|later, earlier| {
            if (later.0, later.1) == (earlier.0, earlier.1) {
                std::mem::swap(&mut later.2, &mut earlier.2);
                true
            } else {
                false
            }
        });
        let first_row = self.cells[0].0;
        let last_row = self.cells[self.cells.len() - 1].0;
        let first_col = self.cells.iter().map(|(_, c, _)| *c).min().unwrap_or(0);
        let mut rows: Vec<Vec<(u32, Data)>> = (first_row..=last_row).map(|_| Vec::new()).collect();
        for (r, c, data) in self.cells {
            rows[(r - first_row) as usize].push((c - first_col, data));
        }
        Table {
            origin: (first_row, first_col),
            rows,
            merged: Vec::new(),
        }
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
            Cell::Uncomputed => String::new(),
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
            Cell::Uncomputed => "a formula with no computed value".to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tables_keep_only_cells_that_hold_something() {
        let mut builder = TableBuilder::new(&Limits::default());
        builder.push(4, 2, Data::String("header".into()));
        builder.push(1_048_575, 16_383, Data::String("far".into()));
        builder.push(7, 3, Data::String("   ".into()));
        builder.push(5, 2, Data::Empty);
        let table = builder.finish();
        assert_eq!(table.origin(), (4, 2));
        assert_eq!(table.height(), 1_048_572);
        assert!(table.row_is_blank(1));
        assert!(matches!(table.cell(0, 0), Cell::Text("header")));
        assert!(matches!(table.cell(1_048_571, 16_381), Cell::Text("far")));
        assert!(matches!(table.cell(3, 1), Cell::Empty));
    }

    #[test]
    fn limits_stop_a_sheet_at_the_row_and_refuse_a_long_cell() {
        let limits = Limits {
            rows: 3,
            cell_chars: 5,
            ..Limits::default()
        };
        let mut builder = TableBuilder::new(&limits);
        assert!(builder.push(0, 1, Data::String("ééééé".into())));
        assert!(builder.push(1, 1, Data::String("toolong".into())));
        assert!(
            builder.push(9, 0, Data::Empty),
            "blank rows past the limit cost nothing"
        );
        assert!(!builder.push(3, 0, Data::String("x".into())));
        let locations: Vec<&str> = builder
            .problems()
            .iter()
            .map(|p| p.location.as_str())
            .collect();
        assert_eq!(locations, ["B2", "row 4"]);
    }

    #[test]
    fn absurd_date_serials_are_no_date_rather_than_a_panic() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        for serial in [-1e300, -1.0, 2_958_466.0, f64::NAN, f64::INFINITY] {
            let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false);
            assert_eq!(serial_date(&dt), None, "{serial}");
        }
        let dt = ExcelDateTime::new(46266.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(serial_date(&dt), Some(d(2026, 9, 1)));
        let dt = ExcelDateTime::new(46266.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(serial_date(&dt), Some(d(2026, 9, 1)));
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
