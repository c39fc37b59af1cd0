//! Reading the inputs: workbooks (`.xlsx/.xlsm/.xls/.xlsb/.ods`) through calamine and CSV
//! files (one per sheet, named after the sheet), into validated [`Inputs`].
//!
//! This is the only module that knows about calamine, CSV, header aliases, banner rows and
//! date formats. Every problem it finds names the file, the sheet and the cell; problems
//! are collected (up to [`MAX_ERRORS`]) so a user can fix a sheet in one pass.

mod columns;
mod records;
pub mod table;

pub use columns::SheetKind;
pub use table::DateOrder;

use crate::findings::Source;
use crate::inputs::{InputFile, Inputs, SheetRead};
use crate::model::Model;
use columns::{locate_header, HEADER_SEARCH_ROWS};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use table::{column_letters, Table};

/// At most this many input errors are collected before a run gives up.
pub const MAX_ERRORS: usize = 50;

/// Files larger than this are refused before they are parsed (a guard against runaway
/// inputs; real compliance workbooks are far smaller).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Settings that change how cells are read.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// How to read ambiguous numeric dates such as `03/04/2026`; `None` refuses them.
    pub date_order: Option<DateOrder>,
}

/// One problem with the inputs, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub sheet: Option<String>,
    /// A1-style cell (`E14`) or a row (`row 14`) when the problem is a whole row.
    pub location: Option<String>,
    pub problem: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        match (&self.sheet, &self.location) {
            (Some(sheet), Some(location)) => write!(f, "{sheet}!{location}: ")?,
            (Some(sheet), None) => write!(f, "{sheet}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.problem)
    }
}

/// Why the inputs could not be read: every problem found, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    pub errors: Vec<InputError>,
    /// More problems were found than are listed.
    pub truncated: bool,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        if n == 1 {
            writeln!(f, "the inputs have a problem:")?;
        } else {
            writeln!(
                f,
                "the inputs have {n}{} problems:",
                if self.truncated { "+" } else { "" }
            )?;
        }
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        if self.truncated {
            writeln!(
                f,
                "  … stopped after {MAX_ERRORS} problems; fix these and run again"
            )?;
        }
        write!(f, "nothing was written")
    }
}

impl std::error::Error for IngestError {}

/// Collects problems while reading, so all of them can be reported together.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    errors: Vec<InputError>,
    truncated: bool,
}

impl Problems {
    pub(crate) fn push(&mut self, error: InputError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(error);
        } else {
            self.truncated = true;
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.truncated
    }
}

/// The spreadsheet extensions demarc reads (CSV is handled apart).
const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Reads every input (files, or directories searched for spreadsheets) into validated
/// records. The model is needed to recognise domain names.
pub fn read_inputs(
    paths: &[PathBuf],
    model: &Model,
    options: &IngestOptions,
) -> Result<Inputs, IngestError> {
    let mut problems = Problems::default();
    let files = discover(paths, &mut problems);
    let mut inputs = Inputs::default();
    let mut found = std::collections::BTreeSet::new();
    let mut collector = records::Collector::new(model, options);
    for path in &files {
        if problems.is_full() {
            break;
        }
        let shown = path.display().to_string();
        let Some(bytes) = read_file(path, &shown, &mut problems) else {
            continue;
        };
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let mut file = InputFile {
            path: shown.clone(),
            sha256,
            bytes: bytes.len() as u64,
            sheets: Vec::new(),
        };
        for (sheet, table) in open_tables(path, &shown, bytes, &mut problems) {
            let Some(kind) = SheetKind::from_sheet_name(&sheet) else {
                inputs.warnings.push(format!(
                    "{shown}: sheet {sheet:?} ignored: its name is none of Services, Controls, Evidence, Attestations, CUECs"
                ));
                file.sheets.push(SheetRead {
                    name: sheet,
                    kind: "ignored".into(),
                    rows: 0,
                });
                continue;
            };
            found.insert(kind);
            let rows = read_sheet(
                &shown,
                &sheet,
                kind,
                &table,
                &mut collector,
                &mut inputs,
                &mut problems,
            );
            file.sheets.push(SheetRead {
                name: sheet,
                kind: kind.as_str().into(),
                rows,
            });
        }
        inputs.files.push(file);
    }
    for kind in [
        SheetKind::Services,
        SheetKind::Controls,
        SheetKind::Evidence,
    ] {
        if !found.contains(&kind) && !files.is_empty() && problems.errors.is_empty() {
            problems.push(InputError {
                file: files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                sheet: None,
                location: None,
                problem: format!(
                    "no {} sheet in any input: name a sheet (or a CSV file) `{}`",
                    kind.as_str(),
                    kind.as_str().to_lowercase()
                ),
            });
        }
    }
    if !problems.errors.is_empty() {
        return Err(IngestError {
            errors: problems.errors,
            truncated: problems.truncated,
        });
    }
    collector.finish(&mut inputs);
    inputs.attestations_absent = !found.contains(&SheetKind::Attestations);
    inputs.cuecs_absent = !found.contains(&SheetKind::Cuecs);
    if inputs.attestations_absent {
        inputs.warnings.push(
            "no Attestations sheet in the inputs: every provider and shared cell is unattested"
                .into(),
        );
    }
    if inputs.cuecs_absent {
        inputs.warnings.push(
            "no CUECs sheet in the inputs: no complementary user entity controls were checked"
                .into(),
        );
    }
    Ok(inputs)
}

/// Expands directories into the spreadsheets they hold (sorted, so runs are repeatable)
/// and checks that named files exist and are spreadsheets.
fn discover(paths: &[PathBuf], problems: &mut Problems) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if paths.is_empty() {
        problems.push(InputError {
            file: "(command line)".into(),
            sheet: None,
            location: None,
            problem: "no inputs: name the workbooks or directories to read, or list them as `inputs` in demarc.toml".into(),
        });
    }
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files, problems);
            if files.len() == before {
                problems.push(InputError {
                    file: shown,
                    sheet: None,
                    location: None,
                    problem:
                        "the directory holds no spreadsheet (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv)"
                            .into(),
                });
            }
        } else if !path.exists() {
            problems.push(InputError {
                file: shown,
                sheet: None,
                location: None,
                problem: "no such file or directory".into(),
            });
        } else if is_spreadsheet(path) {
            files.push(path.clone());
        } else {
            problems.push(InputError {
                file: shown,
                sheet: None,
                location: None,
                problem:
                    "not a spreadsheet: expected a .xlsx, .xlsm, .xls, .xlsb, .ods or .csv file"
                        .into(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Problems) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(InputError {
                file: dir.display().to_string(),
                sheet: None,
                location: None,
                problem: format!("cannot list the directory: {e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files and Office lock files (`~$book.xlsx`) are never inputs.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, problems);
        } else if is_spreadsheet(&path) {
            files.push(path);
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_spreadsheet(path: &Path) -> bool {
    let ext = extension(path);
    ext == "csv" || WORKBOOK_EXTENSIONS.contains(&ext.as_str())
}

fn read_file(path: &Path, shown: &str, problems: &mut Problems) -> Option<Vec<u8>> {
    let error = |problem: String| InputError {
        file: shown.to_string(),
        sheet: None,
        location: None,
        problem,
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            problems.push(error(format!(
                "the file is {} MB; demarc reads inputs up to {} MB",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            )));
            return None;
        }
        Err(e) => {
            problems.push(error(format!("cannot read the file: {e}")));
            return None;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            problems.push(error(format!("cannot read the file: {e}")));
            None
        }
    }
}

/// Opens a file's sheets: every worksheet of a workbook, or the one sheet a CSV file is
/// (named after the file's stem).
fn open_tables(
    path: &Path,
    shown: &str,
    bytes: Vec<u8>,
    problems: &mut Problems,
) -> Vec<(String, Table)> {
    let error = |problem: String| InputError {
        file: shown.to_string(),
        sheet: None,
        location: None,
        problem,
    };
    let ext = extension(path);
    if ext == "csv" {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("csv")
            .to_string();
        return match read_csv(&bytes) {
            Ok(records) => vec![(stem, Table::Csv(records))],
            Err(problem) => {
                problems.push(error(problem));
                Vec::new()
            }
        };
    }
    if let Some(problem) = sniff_mismatch(&ext, &bytes) {
        problems.push(error(problem));
        return Vec::new();
    }
    use calamine::Reader;
    let cursor = Cursor::new(bytes);
    let opened: Result<calamine::Sheets<_>, String> = match ext.as_str() {
        "xls" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xls)
            .map_err(|e| e.to_string()),
        "xlsb" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsb)
            .map_err(|e| e.to_string()),
        "ods" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Ods)
            .map_err(|e| e.to_string()),
        _ => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsx)
            .map_err(|e| e.to_string()),
    };
    let mut workbook = match opened {
        Ok(workbook) => workbook,
        Err(e) => {
            problems.push(error(format!(
                "cannot open the workbook (is it damaged or password-protected?): {e}"
            )));
            return Vec::new();
        }
    };
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        // Only sheets demarc reads are parsed: a huge unrelated sheet costs nothing.
        if SheetKind::from_sheet_name(&name).is_none() {
            tables.push((name, Table::Csv(Vec::new())));
            continue;
        }
        match workbook.worksheet_range(&name) {
            Ok(range) => tables.push((name, Table::Workbook(range))),
            Err(e) => problems.push(InputError {
                file: shown.to_string(),
                sheet: Some(name.clone()),
                location: None,
                problem: format!("cannot read the sheet: {e}"),
            }),
        }
    }
    tables
}

/// Says what a file really is when its content does not match its extension (a `.xlsx`
/// that is a CSV or an HTML page saved under the wrong name).
fn sniff_mismatch(ext: &str, bytes: &[u8]) -> Option<String> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let expected_ok = match ext {
        "xlsx" | "xlsm" | "xlsb" | "ods" => is_zip || is_ole,
        "xls" => is_ole || is_zip,
        _ => true,
    };
    if expected_ok {
        return None;
    }
    if bytes.is_empty() {
        return Some("the file is empty: expected a spreadsheet".into());
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let what = if head.contains("<html") || head.contains("<!doctype") || head.contains("<table") {
        "an HTML page"
    } else if head.contains(',') || head.contains(';') || head.contains('\t') {
        "plain text (CSV?)"
    } else {
        "something else"
    };
    Some(format!(
        "not a .{ext} workbook: the file is {what}; save it as a real spreadsheet, or rename a CSV to .csv"
    ))
}

fn read_csv(bytes: &[u8]) -> Result<Vec<csv::StringRecord>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => records.push(record),
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        format!("line {line}: the text is not UTF-8: save the CSV as \"CSV UTF-8\"")
                    }
                    _ => format!("line {line}: cannot read the CSV: {e}"),
                });
            }
        }
    }
    Ok(records)
}

/// Reads one recognised sheet into the collector; returns the number of data rows read.
fn read_sheet(
    file: &str,
    sheet: &str,
    kind: SheetKind,
    table: &Table,
    collector: &mut records::Collector,
    inputs: &mut Inputs,
    problems: &mut Problems,
) -> usize {
    let (origin_row, origin_col) = table.origin();
    let sheet_error = |problem: String| InputError {
        file: file.to_string(),
        sheet: Some(sheet.to_string()),
        location: None,
        problem,
    };
    let Some(map) = locate_header(table, kind) else {
        let wanted: Vec<&str> = kind
            .columns()
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        let problem = if table.height() == 0 {
            format!(
                "the sheet is empty: expected a header row with {}",
                wanted.join(", ")
            )
        } else {
            format!(
                "no header row found in the first {HEADER_SEARCH_ROWS} rows: expected columns {}",
                wanted.join(", ")
            )
        };
        problems.push(sheet_error(problem));
        return 0;
    };
    let header_row_number = origin_row + map.header_row as u32 + 1;
    let missing = map.missing_required(kind);
    if !missing.is_empty() {
        for column in missing {
            problems.push(InputError {
                file: file.to_string(),
                sheet: Some(sheet.to_string()),
                location: Some(format!("row {header_row_number}")),
                problem: format!(
                    "missing required column `{}` in the header row (headers accepted for it: {})",
                    column.name,
                    column.aliases.join(", ")
                ),
            });
        }
        return 0;
    }
    for (name, first, second) in &map.duplicates {
        problems.push(InputError {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            location: Some(format!("row {header_row_number}")),
            problem: format!(
                "columns {} and {} both read as `{name}`: rename or remove one",
                column_letters(origin_col + *first as u32),
                column_letters(origin_col + *second as u32)
            ),
        });
    }
    if !map.duplicates.is_empty() {
        return 0;
    }
    for extra in &map.extra {
        inputs.warnings.push(format!(
            "{file}: {sheet}: column {extra:?} is not one demarc reads; ignored"
        ));
    }
    let mut rows = 0;
    for row in map.header_row + 1..table.height() {
        if table.row_is_blank(row) {
            continue;
        }
        if problems.is_full() {
            break;
        }
        rows += 1;
        let source = Source {
            file: file.to_string(),
            sheet: sheet.to_string(),
            row: origin_row + row as u32 + 1,
        };
        let reader = records::RowReader {
            table,
            row,
            origin_col,
            map: &map,
            kind,
            source,
        };
        collector.read_row(&reader, problems);
    }
    rows
}
