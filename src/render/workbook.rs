//! `auditor-workbook.xlsx` (issue #18): the run as an auditor samples and ties it out in
//! Excel — every finding, every responsibility cell, every evidence row, every attestation,
//! every CUEC and every input file, one sheet each.
//!
//! The PDFs are for reading; an auditor's work is filtering, sorting and sampling, which a
//! PDF cannot do and a CSV does badly (dates arrive as text, severities without colour, one
//! file per table). So each sheet has a frozen header with a filter on it, columns sized to
//! their content, severities filled in the PDFs' colours and dates as real Excel dates.
//!
//! Two promises shape the code:
//!
//! - **The same inputs give the same bytes.** The document properties are fixed (the
//!   creation date is the run's as-of date, as the PDFs' is), and nothing else in the file
//!   depends on the clock or the machine: no absolute path of the machine that ran the
//!   report is written (an absolute input path is shown by its file name).
//! - **Memory stays bounded at any scale.** A million evidence rows are written through
//!   rust_xlsxwriter's constant-memory worksheets: each row goes to a temporary file as it is
//!   written, straight from the run's records, never gathered into a second copy. Column
//!   widths are measured on the way (autofit would need the rows in memory) and set when a
//!   sheet is finished, which constant-memory mode allows because the sheet's XML head is
//!   assembled only when the file is saved. A sheet with more rows than Excel allows
//!   continues on a second sheet (`Evidence index (2)`) rather than failing the run.

use super::views::{auditor::cuec_findings, cell_status, cuec_not_assessed_because, cuec_status};
use super::RenderError;
use crate::findings::{Finding, Severity, Source};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::Inputs;
use crate::reconcile::Reconciliation;
use crate::Run;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError,
};
use std::borrow::Cow;
use std::path::Path;

/// The file's name among a run's outputs.
pub const NAME: &str = "auditor-workbook.xlsx";

/// Rows a worksheet holds in Excel, the header included.
const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Characters a cell holds in Excel; longer text is cut (and marked) rather than refused.
const EXCEL_MAX_CHARS: usize = 32_767;

/// The widest a column is made, in characters: wider text stays readable in the cell and
/// the formula bar without pushing every other column off screen.
const MAX_COLUMN_WIDTH: usize = 60;

/// Room beside a header for the filter's drop-down button, in characters.
const FILTER_BUTTON: usize = 3;

/// The workbook's deflate level (1 fastest … 9 smallest); see [`write`].
const ZIP_LEVEL: u8 = 3;

/// Builds the workbook and saves it with `save` (to a buffer, or straight to a staged
/// file). Constant-memory worksheets keep their rows in temporary files until then: in
/// `tempdir` when given (the run's staging directory, on the disk the outputs go to: the
/// system's temporary directory is often memory-backed, which would hold the whole
/// evidence sheet in RAM after all), else in the system's.
pub fn write<T>(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
    tempdir: Option<&Path>,
    save: impl FnOnce(&mut Workbook) -> Result<T, RenderError>,
) -> Result<T, RenderError> {
    let mut book = Workbook::new();
    // Deflate at level 3, as Excel itself does (rust_xlsxwriter's performance notes),
    // not the zip default 6: at a million evidence rows compressing was about two thirds
    // of the workbook's 16 s. At enterprise scale 1, measured 2026-12-04: 0.70–0.97 s
    // instead of 1.04–1.23 s, for a file 14% larger (8.8 MB against 7.7 MB).
    book.set_zip_compression_level(ZIP_LEVEL);
    if let Some(dir) = tempdir {
        book.set_tempdir(dir).map_err(workbook_error)?;
    }
    book.set_properties(&properties(run).map_err(workbook_error)?);
    let formats = Formats::new();
    fill(&mut book, &formats, run, inputs, rec, files).map_err(workbook_error)?;
    save(&mut book)
}

/// The workbook in memory.
pub fn to_bytes(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> Result<Vec<u8>, RenderError> {
    write(run, inputs, rec, files, None, |book| {
        book.save_to_buffer().map_err(workbook_error)
    })
}

/// A rust_xlsxwriter error, named by the file it concerns.
pub(super) fn workbook_error(error: XlsxError) -> RenderError {
    RenderError::Workbook {
        message: error.to_string(),
    }
}

/// Fixed document properties: the file does not change with the clock.
fn properties(run: &Run) -> Result<DocProperties, XlsxError> {
    let organisation = run.organisation.as_deref().unwrap_or("");
    let title = match organisation {
        "" => format!("Auditor workbook {}", run.period.label),
        org => format!("Auditor workbook — {org} {}", run.period.label),
    };
    Ok(DocProperties::new()
        .set_title(&title)
        .set_company(organisation)
        .set_author(format!("demarc {}", env!("CARGO_PKG_VERSION")))
        .set_comment(format!(
            "{} to {}, as of {}",
            run.period.start, run.period.end, run.as_of
        ))
        .set_creation_datetime(
            &excel_date(run.as_of).unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?),
        ))
}

/// The formats every sheet shares.
struct Formats {
    header: Format,
    date: Format,
    /// Fills per severity, in the order of [`Severity::ALL`].
    severities: [Format; 5],
}

impl Formats {
    fn new() -> Formats {
        // The PDFs' pill colours (templates/partials/style.typ.hbs), with their ink: white
        // on critical and high, black on the rest.
        let fill = |rgb: u32, ink: Color| {
            Format::new()
                .set_background_color(Color::RGB(rgb))
                .set_font_color(ink)
                .set_bold()
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xe5e7eb))
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            severities: [
                fill(0x7f1d1d, Color::White),
                fill(0xdc2626, Color::White),
                fill(0xf59e0b, Color::Black),
                fill(0x60a5fa, Color::Black),
                fill(0xd1d5db, Color::Black),
            ],
        }
    }

    fn severity(&self, severity: Severity) -> &Format {
        let i = Severity::ALL
            .iter()
            .position(|s| *s == severity)
            .expect("every severity is in ALL");
        &self.severities[i]
    }
}

/// One cell of a row.
enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    /// A real Excel date (blank when absent).
    Date(Option<NaiveDate>),
    /// A severity's name on its fill (blank when absent).
    Severity(Option<Severity>),
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned<'a>(s: String) -> Cell<'a> {
    Cell::Text(Cow::Owned(s))
}

fn number(n: impl Into<f64>) -> Cell<'static> {
    Cell::Number(n.into())
}

/// A date as Excel holds it; `None` outside Excel's calendar (before 1900), which is then
/// written as text.
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

/// A table written row by row into constant-memory worksheets: the header first (frozen,
/// with a filter), each row as it comes, widths measured on the way.
struct Table<'b> {
    book: &'b mut Workbook,
    name: &'static str,
    header: &'static [&'static str],
    /// Widest content per column so far, in characters.
    widths: Vec<usize>,
    /// The worksheet being written (its index in the workbook) and its part number.
    sheet: usize,
    part: u32,
    /// The next row to write in it.
    row: u32,
}

impl<'b> Table<'b> {
    fn begin(
        book: &'b mut Workbook,
        formats: &Formats,
        name: &'static str,
        header: &'static [&'static str],
    ) -> Result<Table<'b>, XlsxError> {
        let mut table = Table {
            book,
            name,
            header,
            widths: header.iter().map(|h| h.chars().count()).collect(),
            sheet: 0,
            part: 0,
            row: 0,
        };
        table.new_sheet(formats)?;
        Ok(table)
    }

    fn new_sheet(&mut self, formats: &Formats) -> Result<(), XlsxError> {
        self.part += 1;
        let name = match self.part {
            1 => self.name.to_string(),
            n => format!("{} ({n})", self.name),
        };
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, title) in self.header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &formats.header)?;
        }
        self.sheet = self.book.worksheets().len() - 1;
        self.row = 1;
        Ok(())
    }

    fn push(&mut self, formats: &Formats, cells: &[Cell<'_>]) -> Result<(), XlsxError> {
        debug_assert_eq!(cells.len(), self.header.len(), "{}", self.name);
        if self.row == EXCEL_MAX_ROWS {
            self.finish_sheet()?;
            self.new_sheet(formats)?;
        }
        let row = self.row;
        let sheet = self.book.worksheet_from_index(self.sheet)?;
        for (col, cell) in cells.iter().enumerate() {
            let c = col as u16;
            let width = match cell {
                Cell::Text(s) if s.is_empty() => 0,
                Cell::Text(s) => {
                    let s = fit_cell(s);
                    let width = s.chars().count();
                    sheet.write_string(row, c, s)?;
                    width
                }
                Cell::Number(n) => {
                    sheet.write_number(row, c, *n)?;
                    digits(*n)
                }
                Cell::Date(None) | Cell::Severity(None) => 0,
                Cell::Date(Some(date)) => match excel_date(*date) {
                    Some(d) => {
                        sheet.write_datetime_with_format(row, c, d, &formats.date)?;
                        10
                    }
                    None => {
                        sheet.write_string(row, c, date.to_string())?;
                        10
                    }
                },
                Cell::Severity(Some(s)) => {
                    sheet.write_string_with_format(row, c, s.as_str(), formats.severity(*s))?;
                    s.as_str().len()
                }
            };
            if width > self.widths[col] {
                self.widths[col] = width;
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Sets the current worksheet's widths, filter and frozen header.
    fn finish_sheet(&mut self) -> Result<(), XlsxError> {
        let last_row = self.row - 1;
        let last_col = (self.header.len() - 1) as u16;
        let sheet = self.book.worksheet_from_index(self.sheet)?;
        for (col, (width, title)) in self.widths.iter().zip(self.header).enumerate() {
            let fitted = (*width).max(title.chars().count() + FILTER_BUTTON);
            sheet.set_column_width(col as u16, (fitted.min(MAX_COLUMN_WIDTH) + 1) as f64)?;
        }
        sheet.autofilter(0, 0, last_row, last_col)?;
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), XlsxError> {
        self.finish_sheet()
    }
}

/// How wide a whole number (bytes, days, a row) is written: its digits and sign.
fn digits(n: f64) -> usize {
    let sign = usize::from(n < 0.0);
    let mut magnitude = n.abs().trunc();
    let mut count = 1;
    while magnitude >= 10.0 {
        magnitude = (magnitude / 10.0).trunc();
        count += 1;
    }
    sign + count
}

/// Text as a cell holds it: cut at Excel's limit, with a mark that it was.
fn fit_cell(s: &str) -> Cow<'_, str> {
    if s.len() <= EXCEL_MAX_CHARS || s.chars().count() <= EXCEL_MAX_CHARS {
        return Cow::Borrowed(s);
    }
    let mut cut: String = s.chars().take(EXCEL_MAX_CHARS - 1).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// A source row as `file: sheet!row`, as the PDFs write it.
fn source_text(source: &Source) -> String {
    format!(
        "{}: {}!{}",
        super::views::findings::shown_path(&source.file),
        source.sheet,
        source.row
    )
}

fn fill(
    book: &mut Workbook,
    formats: &Formats,
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> Result<(), XlsxError> {
    findings_sheet(book, formats, &rec.findings)?;
    cells_sheet(book, formats, rec)?;
    evidence_sheet(book, formats, run, inputs, files)?;
    attestations_sheet(book, formats, run, inputs, rec)?;
    cuecs_sheet(book, formats, inputs, rec)?;
    inputs_sheet(book, formats, inputs)
}

/// Every finding, in findings.json's order.
fn findings_sheet(
    book: &mut Workbook,
    formats: &Formats,
    findings: &[Finding],
) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "Findings",
        &[
            "ID", "Severity", "Code", "Service", "Domain", "Control", "Vendor", "CUEC", "Message",
            "Remedy", "Sources",
        ],
    )?;
    fn opt(o: &Option<String>) -> Cell<'_> {
        text(o.as_deref().unwrap_or(""))
    }
    for f in findings {
        let sources = f
            .sources
            .iter()
            .map(source_text)
            .collect::<Vec<_>>()
            .join("; ");
        table.push(
            formats,
            &[
                text(&f.id),
                Cell::Severity(Some(f.severity)),
                text(f.code.as_str()),
                opt(&f.service),
                opt(&f.domain),
                opt(&f.control_id),
                opt(&f.vendor),
                opt(&f.cuec_id),
                text(&f.message),
                text(&f.remedy),
                owned(sources),
            ],
        )?;
    }
    table.finish()
}

/// Every in-scope service × domain cell, in findings.json's order.
fn cells_sheet(
    book: &mut Workbook,
    formats: &Formats,
    rec: &Reconciliation,
) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "Cells",
        &[
            "Service",
            "Provider",
            "Domain",
            "Owner",
            "Status",
            "Worst finding",
            "Findings",
        ],
    )?;
    for c in &rec.cells {
        let owner = if c.overridden {
            Cow::Owned(format!("{} (override)", c.owner.as_str()))
        } else {
            Cow::Borrowed(c.owner.as_str())
        };
        table.push(
            formats,
            &[
                text(&c.service),
                text(&c.provider),
                text(&c.domain),
                Cell::Text(owner),
                owned(cell_status(c)),
                Cell::Severity(c.worst),
                number(c.findings as f64),
            ],
        )?;
    }
    table.finish()
}

/// Every evidence row, in input order, with evidence-index.csv's columns and judgements.
fn evidence_sheet(
    book: &mut Workbook,
    formats: &Formats,
    run: &Run,
    inputs: &Inputs,
    files: &[FileStatus],
) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "Evidence index",
        &[
            "Control",
            "Service",
            "Collected on",
            "Result",
            "Tester",
            "Evidence",
            "Evidence file",
            "File status",
            "SHA-256",
            "Bytes",
            "Counts for period",
            "File",
            "Sheet",
            "Row",
        ],
    )?;
    let end = run.period.end;
    for (e, status) in inputs.evidence.iter().zip(files) {
        let bytes = match status {
            FileStatus::Hashed { bytes, .. } => number(*bytes as f64),
            _ => text(""),
        };
        table.push(
            formats,
            &[
                text(&e.control_id),
                text(e.service.as_deref().unwrap_or("*")),
                Cell::Date(Some(e.collected_on)),
                text(e.result.as_str()),
                text(&e.tester),
                text(&e.description),
                text(&e.file),
                text(status.label()),
                text(status.sha256()),
                bytes,
                text(if e.collected_on <= end { "yes" } else { "no" }),
                text(super::views::findings::shown_path(&e.source.file)),
                text(&e.source.sheet),
                number(e.source.row),
            ],
        )?;
    }
    table.finish()
}

/// Every attestation on file, with what it covers of the period and whether the run
/// counts it.
fn attestations_sheet(
    book: &mut Workbook,
    formats: &Formats,
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "Attestations",
        &[
            "Vendor",
            "Type",
            "Auditor",
            "Services",
            "Period start",
            "Period end",
            "Issued",
            "Expires",
            "Bridge letter through",
            "Opinion",
            "Exceptions",
            "Exception notes",
            "Days covered",
            "Days uncovered",
            "Coverage",
            "Standing",
            "Source",
        ],
    )?;
    let period = &run.period;
    for (i, a) in inputs.attestations.iter().enumerate() {
        // Only the full list is used here (every service named), not the brief form.
        let view =
            super::views::AttestationView::of(a, run, rec.current_attestations.contains(&i), &[]);
        let covered = a.days_covered(period.start, period.end);
        let standing = view.standing;
        table.push(
            formats,
            &[
                text(&a.vendor),
                text(a.kind.as_str()),
                text(&a.auditor),
                owned(view.services),
                Cell::Date(a.period_start),
                Cell::Date(a.period_end),
                Cell::Date(a.issued_on),
                Cell::Date(a.expires_on),
                Cell::Date(a.bridge_letter_through),
                text(a.opinion.map(|o| o.as_str()).unwrap_or("")),
                number(a.exceptions),
                text(&a.exception_notes),
                number(covered as f64),
                number((period.days() - covered) as f64),
                owned(view.status),
                text(standing),
                owned(source_text(&a.source)),
            ],
        )?;
    }
    table.finish()
}

/// Every CUEC, with the finding that judges it, `evidenced`, or `not assessed` and why.
fn cuecs_sheet(
    book: &mut Workbook,
    formats: &Formats,
    inputs: &Inputs,
    rec: &Reconciliation,
) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "CUECs",
        &[
            "Vendor",
            "Attestation",
            "CUEC",
            "Description",
            "Mapped control",
            "Status",
            "Finding",
            "Why not assessed",
            "Source",
        ],
    )?;
    let found = cuec_findings(rec);
    for (i, cuec) in inputs.cuecs.iter().enumerate() {
        let finding = found
            .get(&(cuec.cuec_id.as_str(), cuec.vendor.as_str(), &cuec.source))
            .copied();
        let scope = rec.cuec_scopes.get(i).copied();
        let control = cuec.mapped_control.as_deref().unwrap_or("");
        table.push(
            formats,
            &[
                text(&cuec.vendor),
                text(&cuec.attestation),
                text(&cuec.cuec_id),
                text(&cuec.description),
                text(control),
                text(cuec_status(scope, finding)),
                text(finding.map_or("", |f| f.id.as_str())),
                match (
                    finding,
                    cuec_not_assessed_because(scope, &cuec.vendor, control),
                ) {
                    (None, Some(why)) => owned(why),
                    _ => text(""),
                },
                owned(source_text(&cuec.source)),
            ],
        )?;
    }
    table.finish()
}

/// Every input file read, with its size and hash: what the auditor checks the files they
/// were given against.
fn inputs_sheet(book: &mut Workbook, formats: &Formats, inputs: &Inputs) -> Result<(), XlsxError> {
    let mut table = Table::begin(
        book,
        formats,
        "Inputs",
        &["File", "Bytes", "SHA-256", "Sheets read"],
    )?;
    for f in &inputs.files {
        let sheets = f
            .sheets
            .iter()
            .map(|s| format!("{} → {} ({} rows)", s.name, s.kind_label(), s.rows))
            .collect::<Vec<_>>()
            .join("; ");
        table.push(
            formats,
            &[
                text(super::views::findings::shown_path(&f.path)),
                number(f.bytes as f64),
                text(&f.sha256),
                owned(sheets),
            ],
        )?;
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_longer_than_a_cell_holds_is_cut_and_marked() {
        let long = "x".repeat(EXCEL_MAX_CHARS + 10);
        let fitted = fit_cell(&long);
        assert_eq!(fitted.chars().count(), EXCEL_MAX_CHARS);
        assert!(fitted.ends_with('…'));
        assert_eq!(fit_cell("short"), "short");
    }

    #[test]
    fn whole_numbers_are_measured_by_their_digits() {
        assert_eq!(digits(0.0), 1);
        assert_eq!(digits(9.0), 1);
        assert_eq!(digits(10.0), 2);
        assert_eq!(digits(1_048_576.0), 7);
        assert_eq!(digits(-92.0), 3);
    }

    #[test]
    fn dates_before_excels_calendar_are_not_excel_dates() {
        assert!(excel_date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()).is_some());
        assert!(excel_date(NaiveDate::from_ymd_opt(1850, 1, 1).unwrap()).is_none());
    }
}
