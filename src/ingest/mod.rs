//! Reading the inputs: workbooks (`.xlsx/.xlsm/.xls/.xlsb/.ods`) through calamine and CSV
//! files (one per sheet, named after the sheet), into validated [`Inputs`].
//!
//! This is the only module that knows about calamine, CSV, header aliases, banner rows and
//! date formats. Every problem it finds names the file, the sheet and the cell; problems
//! are collected (up to [`MAX_ERRORS`]) so a user can fix a sheet in one pass.
//!
//! This file runs a read from end to end ([`read_inputs`]: each file opened, each sheet
//! recognised, its header found, its rows read). The parts that each do one job live
//! beside it: [`errors`] (how problems are told), `discovery` (which files to read),
//! `workbook` and `csv_text` (opening each kind of file), [`table`] (one sheet's cells),
//! [`columns`] (headers), `records` (rows into records), [`dates`] (dates typed as text).

mod caiq;
pub mod columns;
mod csv_text;
pub mod dates;
mod discovery;
pub mod errors;
mod fedramp;
mod limits;
mod precheck;
mod records;
mod stream;
pub mod table;
mod vendor_documents;
mod workbook;

pub use columns::SheetKind;
pub use dates::DateOrder;
pub(crate) use errors::Problems;
pub use errors::{IngestError, InputError, MAX_ERRORS};
pub use limits::{raise as raise_limit, Limits, RawLimits};
pub use vendor_documents::VendorDocuments;

use crate::findings::Source;
use crate::inputs::{InputFile, Inputs, SheetRead, SheetUse};
use crate::model::Model;
use columns::{locate_header, HEADER_SEARCH_ROWS};
use csv_text::{decode_text, read_csv};
use discovery::{discover, extension};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use table::{column_letters, MergedDown, Table, TableBuilder};
use workbook::{sniff, Format, Workbook};

/// Settings that change how cells are read.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// How to read ambiguous numeric dates such as `03/04/2026`; `None` refuses them.
    pub date_order: Option<DateOrder>,
    /// What one input may cost before it is refused (`[limits]` in demarc.toml).
    pub limits: Limits,
    /// A `regions` cell naming no known region, group or wildcard is an error (otherwise a
    /// warning). [`crate::analyse`] turns this on whenever a residency policy is set.
    pub strict_regions: bool,
    /// Vendors' CAIQ and FedRAMP workbooks among the inputs, and the domain mapping.
    pub vendor_documents: VendorDocuments,
}

/// Reads every input (files, or directories searched for spreadsheets) into validated
/// records. The model is needed to recognise domain names.
pub fn read_inputs(
    paths: &[PathBuf],
    model: &Model,
    options: &IngestOptions,
) -> Result<Inputs, IngestError> {
    let mut problems = Problems::default();
    let mut inputs = Inputs::default();
    let mut files = discover(paths, &mut problems, &mut inputs.warnings);
    // A vendor's document found in an input directory is read once, as that document.
    files.retain(|p| !options.vendor_documents.declares(p));
    let mut found = std::collections::BTreeSet::new();
    let mut collector = records::Collector::new(model, options);
    for path in &files {
        if problems.is_full() {
            break;
        }
        let shown = path.display().to_string();
        let Some(bytes) = read_file(path, &shown, &options.limits, &mut problems) else {
            continue;
        };
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let mut file = InputFile {
            path: shown.clone(),
            sha256,
            bytes: bytes.len() as u64,
            sheets: Vec::new(),
        };
        let sheets = open_sheets(
            path,
            &shown,
            bytes,
            options,
            model,
            &mut inputs,
            &mut problems,
        );
        let mut vendor_document = None;
        for (sheet, read) in sheets {
            let Some(kind) = SheetKind::from_sheet_name(&sheet) else {
                vendor_document = vendor_document.or(vendor_documents::looks_like(&sheet));
                // The starter workbook's own help and drop-down sheets are expected.
                if !matches!(
                    crate::inputs::names::loose_key(&sheet).as_str(),
                    "readme" | "lists"
                ) {
                    inputs.warnings.push(format!(
                    "{shown}: sheet {sheet:?} ignored: its name is none of Services, Controls, Evidence, Attestations, CUECs, Vendors"
                ));
                }
                file.sheets.push(SheetRead::ignored(&sheet));
                continue;
            };
            found.insert(kind);
            // A sheet that broke a limit has said so already.
            let rows = match read {
                None => continue,
                Some(Sheet::Table(mut table)) => read_sheet(
                    &shown,
                    &sheet,
                    kind,
                    &mut table,
                    &mut collector,
                    &mut inputs,
                    &mut problems,
                ),
                Some(Sheet::Streamed(read)) => {
                    read.take_into(&mut collector, &mut inputs.warnings, &mut problems)
                }
            };
            file.sheets.push(SheetRead {
                name: sheet,
                kind: Some(SheetUse::Records(kind)),
                rows,
            });
        }
        // A vendor's questionnaire among the ordinary inputs needs to be told whose it is.
        if let Some(what) = vendor_document {
            if file.sheets.iter().all(|s| s.kind.is_none()) {
                problems.push(InputError {
                    file: shown.clone(),
                    sheet: None,
                    location: None,
                    problem: format!("this looks like {what}"),
                });
            }
        }
        inputs.files.push(file);
        // The parser's buffers and shared strings are freed by now: handed back, so that
        // the rest of the run does not stack on them.
        crate::memory_guard::return_free_memory();
    }
    // A missing sheet is only worth saying when every file could be read: a sheet in a
    // damaged file is not missing.
    let all_read = problems.errors.is_empty();
    for kind in [
        SheetKind::Services,
        SheetKind::Controls,
        SheetKind::Evidence,
    ] {
        if !found.contains(&kind) && !files.is_empty() && all_read {
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
    vendor_documents::read_all(model, options, &mut inputs, &mut problems);
    if !problems.errors.is_empty() {
        return Err(IngestError {
            errors: problems.errors,
            truncated: problems.truncated,
            warnings: std::mem::take(&mut inputs.warnings),
        });
    }
    collector.finish(&mut inputs);
    let one_vendor = crate::inputs::vendor_names::unify(&mut inputs);
    inputs.warnings.extend(one_vendor);
    crate::inputs::vendor_names::name_documents_as_services_do(&mut inputs);
    let long_names =
        crate::inputs::service_names::read_attested_services_as_inventory_does(&mut inputs);
    inputs.warnings.extend(long_names);
    vendor_documents::check_vendors(options, &inputs, &mut problems);
    if !problems.errors.is_empty() {
        return Err(IngestError {
            errors: problems.errors,
            truncated: problems.truncated,
            warnings: std::mem::take(&mut inputs.warnings),
        });
    }
    inputs.attestations_absent = !found.contains(&SheetKind::Attestations);
    inputs.cuecs_absent = !found.contains(&SheetKind::Cuecs);
    // The Vendors sheet is optional and newer than the others: its absence is no warning,
    // the vendor packs say the relationship facts were not given.
    inputs.vendors_absent = !found.contains(&SheetKind::Vendors);
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

/// Why a path that is neither a file nor a directory is refused.
pub const NOT_A_REGULAR_FILE: &str =
    "not a regular file (a FIFO, socket or device): demarc reads only regular files";

fn read_file(
    path: &Path,
    shown: &str,
    limits: &Limits,
    problems: &mut Problems,
) -> Option<Vec<u8>> {
    let error = |problem: String| InputError {
        file: shown.to_string(),
        sheet: None,
        location: None,
        problem,
    };
    let refused = match std::fs::metadata(path) {
        // A FIFO, socket or device would block the read or never end: only a regular file
        // has a size to check.
        Ok(meta) if !meta.is_file() => Some(NOT_A_REGULAR_FILE.to_string()),
        Ok(meta) => limits::check_file_size(meta.len(), limits).err(),
        Err(e) => Some(format!("cannot read the file: {e}")),
    };
    if let Some(problem) = refused {
        problems.push(error(problem));
        return None;
    }
    // Read no more than the limit allows, even if the file grew since it was measured.
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|file| {
        use std::io::Read;
        file.take(limits.file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
    });
    match read {
        Ok(_) => match limits::check_file_size(bytes.len() as u64, limits) {
            Ok(()) => Some(bytes),
            Err(problem) => {
                problems.push(error(problem));
                None
            }
        },
        Err(e) => {
            problems.push(error(format!("cannot read the file: {e}")));
            None
        }
    }
}

/// A sheet's name and, for a sheet demarc reads, its cells (`None` when it is not one of
/// demarc's sheets, or when it broke a limit and the problem has been recorded).
type NamedTable = (String, Option<Table>);

/// What was read of one of demarc's sheets: its table, or — read as a stream — its
/// records, problems and warnings, waiting for the sheet's turn.
enum Sheet<'m> {
    Table(Table),
    Streamed(Box<stream::ReadSheet<'m>>),
}

/// A sheet's name and what was read of it (`None` when it is not one of demarc's sheets,
/// or when it broke a limit or is damaged and the problem has been recorded).
type NamedSheet<'m> = (String, Option<Sheet<'m>>);

/// Opens a file's sheets: every worksheet of a workbook, or the one sheet a CSV file is
/// (named after the file's stem). Only sheets demarc reads are parsed: a huge unrelated
/// sheet costs nothing. Each is streamed straight into records where that gives what its
/// table would (`stream.rs`), and read into a table otherwise.
fn open_sheets<'m>(
    path: &Path,
    shown: &str,
    bytes: Vec<u8>,
    options: &'m IngestOptions,
    model: &'m Model,
    inputs: &mut Inputs,
    problems: &mut Problems,
) -> Vec<NamedSheet<'m>> {
    open(path, shown, bytes, options, Some(model), inputs, problems)
}

/// Every worksheet of a file into a table, whatever its name (a vendor's questionnaire is
/// recognised by its header, not its sheet name), without merged cells.
fn open_every_sheet(
    path: &Path,
    shown: &str,
    bytes: Vec<u8>,
    options: &IngestOptions,
    inputs: &mut Inputs,
    problems: &mut Problems,
) -> Vec<NamedTable> {
    open(path, shown, bytes, options, None, inputs, problems)
        .into_iter()
        .map(|(name, sheet)| {
            let table = sheet.and_then(|sheet| match sheet {
                Sheet::Table(table) => Some(table),
                Sheet::Streamed(_) => None,
            });
            (name, table)
        })
        .collect()
}

/// [`open_sheets`] when given the model to read records with; [`open_every_sheet`]
/// without it.
fn open<'m>(
    path: &Path,
    shown: &str,
    bytes: Vec<u8>,
    options: &'m IngestOptions,
    model: Option<&'m Model>,
    inputs: &mut Inputs,
    problems: &mut Problems,
) -> Vec<NamedSheet<'m>> {
    let every_sheet = model.is_none();
    let limits = &options.limits;
    let error = |problem: String| InputError {
        file: shown.to_string(),
        sheet: None,
        location: None,
        problem,
    };
    // A sheet that broke a limit: its problems, and no sheet.
    let refused = |sheet: &str, limit_problems: &[table::LimitProblem], problems: &mut Problems| {
        for p in limit_problems {
            problems.push(InputError {
                file: shown.to_string(),
                sheet: Some(sheet.to_string()),
                location: Some(p.location.clone()),
                problem: p.problem.clone(),
            });
        }
    };
    let ext = extension(path);
    // A tab-separated file is a CSV file whose delimiter is a tab (see `csv_text::delimiter`).
    if ext == "csv" || ext == "tsv" {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("csv")
            .to_string();
        let (text, encoding) = decode_text(bytes);
        let delimiter = csv_text::delimiter(&text);
        // The csv reader holds a whole record at once: one row of 50 million fields would
        // cost gigabytes before a cell reached the column limit.
        if let Err(p) = limits::check_csv_fields(&text, delimiter, limits) {
            refused(&stem, &[p], problems);
            return vec![(stem, None)];
        }
        if let Some(encoding) = encoding {
            inputs.warnings.push(format!(
                "{shown}: the text is not UTF-8; read it as {encoding} (check accented letters, or save the file as \"CSV UTF-8\")"
            ));
        }
        if let (Some(model), Some(kind)) = (model, SheetKind::from_sheet_name(&stem)) {
            let sheet = stream::SheetStream::new(
                shown,
                &stem,
                kind,
                false,
                limits,
                records::Collector::new(model, options),
            );
            match stream::read(sheet, |sink| read_csv(&text, delimiter, &stem, sink)) {
                stream::Streamed::Read(read) => return vec![(stem, Some(Sheet::Streamed(read)))],
                stream::Streamed::Refused(limit_problems) => {
                    refused(&stem, &limit_problems, problems);
                    return vec![(stem, None)];
                }
                stream::Streamed::Damaged(problem) => {
                    problems.push(error(problem));
                    return Vec::new();
                }
                stream::Streamed::NeedsTable => {}
            }
        }
        let mut builder = TableBuilder::new(limits);
        if let Err(problem) = read_csv(&text, delimiter, &stem, &mut builder) {
            problems.push(error(problem));
            return Vec::new();
        }
        let table = finish_table(shown, &stem, builder, problems);
        return vec![(stem, table.map(Sheet::Table))];
    }
    let format = match sniff(&ext, &bytes) {
        Ok(format) => format,
        Err(problem) => {
            problems.push(error(problem));
            return Vec::new();
        }
    };
    if format.is_zip() {
        if let Err(problem) = limits::check_zip(&bytes, limits) {
            problems.push(error(problem));
            return Vec::new();
        }
    }
    // What the parser would allocate from what the file declares, before it is asked to.
    let prechecked = match format {
        Format::Xls => precheck::check_xls(&bytes, limits).map(|()| Default::default()),
        Format::Xlsx | Format::Ods => {
            let reads_sheet =
                |name: &str| every_sheet || SheetKind::from_sheet_name(name).is_some();
            precheck::check_zip_workbook(&bytes, format == Format::Ods, limits, &reads_sheet)
        }
        Format::Xlsb => Ok(Default::default()),
    };
    let refusal = |refusal: precheck::Refusal| InputError {
        file: shown.to_string(),
        sheet: refusal.sheet,
        location: refusal.location,
        problem: refusal.problem,
    };
    let precheck::ZipChecked {
        shared_string_parts: cells_to_check,
        ods_merges,
    } = match prechecked {
        Ok(checked) => checked,
        Err(refused) => {
            problems.push(refusal(refused));
            return Vec::new();
        }
    };
    let bytes: std::sync::Arc<[u8]> = bytes.into();
    // The shared-string cells are checked on another core while the parse runs (the check
    // reads every cell of the sheets, a second pass as long as the parse); its refusal
    // discards what was read.
    let cell_check = (!cells_to_check.is_empty()).then(|| {
        let bytes = std::sync::Arc::clone(&bytes);
        std::thread::spawn(move || precheck::check_shared_string_cells(&bytes, &cells_to_check))
    });
    // The sheets with cells merged down over several rows, when the cells are sound.
    let checked_cells = |problems: &mut Problems| match cell_check.map(|check| check.join()) {
        None => Some(Vec::new()),
        Some(Ok(Ok(merged_down))) => Some(merged_down),
        Some(Ok(Err(refused))) => {
            problems.push(refusal(refused));
            None
        }
        Some(Err(_)) => {
            problems.push(error(
                "cannot read the workbook: it is malformed (its cells could not be checked); open it in Excel and save it again, or export the sheets as CSV".into(),
            ));
            None
        }
    };
    // Whatever the checks above let through, parsing this workbook may take at most
    // `[limits] memory_mb`: past it the run ends naming the file, not with an abort.
    let _armed = crate::memory_guard::arm(shown, limits.memory_bytes);
    let mut workbook = match guarded(|| Workbook::open(format, bytes)) {
        Ok(workbook) => workbook,
        Err(problem) => {
            problems.push(error(problem));
            return Vec::new();
        }
    };
    workbook.set_ods_merges(ods_merges);
    let damaged = |sheet: &str, e: &str| InputError {
        file: shown.to_string(),
        sheet: Some(sheet.to_string()),
        location: None,
        problem: format!("cannot read the sheet: the workbook is damaged ({e})"),
    };
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let kind = SheetKind::from_sheet_name(&name);
        if kind.is_none() && !every_sheet {
            sheets.push((name, None));
            continue;
        }
        if let (Some(model), Some(kind)) = (model, kind) {
            let sheet = stream::SheetStream::new(
                shown,
                &name,
                kind,
                format.keeps_merged_cells(),
                limits,
                records::Collector::new(model, options),
            );
            match stream::read(sheet, |sink| workbook.read_cells(&name, sink)) {
                stream::Streamed::Read(read) => {
                    sheets.push((name, Some(Sheet::Streamed(read))));
                    continue;
                }
                stream::Streamed::Refused(limit_problems) => {
                    refused(&name, &limit_problems, problems);
                    sheets.push((name, None));
                    continue;
                }
                stream::Streamed::Damaged(e) => {
                    problems.push(damaged(&name, &e));
                    sheets.push((name, None));
                    continue;
                }
                stream::Streamed::NeedsTable => {}
            }
        }
        let mut builder = TableBuilder::new(limits);
        if let Err(e) = guarded(|| workbook.read_cells(&name, &mut builder)) {
            problems.push(damaged(&name, &e));
            sheets.push((name, None));
            continue;
        }
        let mut table = finish_table(shown, &name, builder, problems);
        if let (Some(table), Some(kind), false) = (&mut table, kind, every_sheet) {
            // Merged header cells are only looked up when the header seems to need them:
            // reading them costs a second pass over the sheet.
            if columns::header_may_be_merged(table, kind) {
                table.set_merged(workbook.merged_cells(&name));
            }
        }
        sheets.push((name, table.map(Sheet::Table)));
    }
    let Some(mut merged_down) = checked_cells(problems) else {
        return Vec::new();
    };
    if matches!(format, Format::Xls | Format::Ods) {
        // An .xls holds its merges in memory once opened, and an .ods's were found by the
        // precheck: no pass over the cells to find them.
        for (name, sheet) in &sheets {
            let spans_rows = |m: &calamine::Dimensions| m.end.0 > m.start.0;
            if sheet.is_some() && workbook.merged_cells(name).iter().any(spans_rows) {
                merged_down.push(name.clone());
            }
        }
    }
    // A cell merged down over several rows holds its value once, in its top row, yet
    // stands for it on every row it spans. The streamed read cannot know that (a sheet
    // lists its merges after its cells), so such a sheet is read again into a table,
    // with its merges: only hand-made sheets have them, and they are small.
    for (name, sheet) in sheets.iter_mut() {
        if !merged_down.contains(name) || every_sheet {
            continue;
        }
        if let Some(Sheet::Streamed(_)) = sheet {
            let mut builder = TableBuilder::new(limits);
            if let Err(e) = guarded(|| workbook.read_cells(name, &mut builder)) {
                problems.push(damaged(name, &e));
                *sheet = None;
                continue;
            }
            *sheet = finish_table(shown, name, builder, problems).map(Sheet::Table);
        }
        if let Some(Sheet::Table(table)) = sheet {
            table.set_merged(workbook.merged_cells(name));
        }
    }
    sheets
}

/// Runs a step of reading a workbook, turning a panic inside the parser into an error: a
/// malformed file must be reported, not crash the run.
fn guarded<T>(step: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the parser gave up".into());
        Err(format!(
            "cannot read the workbook: it is malformed ({what}); open it in Excel and save it again, or export the sheets as CSV"
        ))
    })
}

/// Turns a built table into the sheet's table, or records why the sheet broke a limit.
fn finish_table(
    file: &str,
    sheet: &str,
    builder: TableBuilder,
    problems: &mut Problems,
) -> Option<Table> {
    if builder.problems().is_empty() {
        return Some(builder.finish());
    }
    for p in builder.problems() {
        problems.push(InputError {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            location: Some(p.location.clone()),
            problem: p.problem.clone(),
        });
    }
    None
}

/// Reads one recognised sheet's table into the collector; returns the number of data rows
/// read.
fn read_sheet(
    file: &str,
    sheet: &str,
    kind: SheetKind,
    table: &mut Table,
    collector: &mut records::Collector,
    inputs: &mut Inputs,
    problems: &mut Problems,
) -> usize {
    let (origin_row, origin_col) = table.origin();
    let Some(map) = header(file, sheet, kind, table, problems, &mut inputs.warnings) else {
        return 0;
    };
    // One copy of the file and sheet names, shared by every record of the sheet.
    let shared_file: std::sync::Arc<str> = file.into();
    let shared_sheet: std::sync::Arc<str> = sheet.into();
    let mut rows = 0;
    let mut merged = MergedDown::new(table, map.header_row);
    // How many empty cells took a merged value, and the first of them: (column, row).
    let mut filled = 0;
    let mut first_filled = None;
    for row in map.header_row + 1..table.height() {
        merged.enter(table, row);
        if table.row_is_blank(row) {
            continue;
        }
        if problems.is_full() {
            break;
        }
        let with_merges = merged.fill(table.row(row));
        if let Some(with) = &with_merges {
            filled += with.columns.len();
            first_filled.get_or_insert((with.columns[0], row));
        }
        let cells = with_merges
            .as_ref()
            .map_or(table.row(row), |with| with.cells.as_slice());
        let source = Source {
            file: shared_file.clone(),
            sheet: shared_sheet.clone(),
            row: origin_row + row as u32 + 1,
        };
        let reader = records::RowReader {
            cells,
            origin_col,
            map: &map,
            kind,
            source,
        };
        if collector.read_row(&reader, problems) {
            rows += 1;
        }
        // The row is a record now: free its cells, so that a large sheet's cells and its
        // records are not both held in full at the peak.
        table.release_row(row);
    }
    if let Some((col, row)) = first_filled {
        let more = match filled {
            1 => String::new(),
            n => format!(" (and {} more cells)", n - 1),
        };
        inputs.warnings.push(format!(
            "{file}: {sheet}!{}{}{more}: empty in a cell merged down from the row above; read as the merged cell's value, as the sheet shows it",
            column_letters(origin_col + col),
            origin_row + row as u32 + 1
        ));
    }
    rows
}

/// Locates a recognised sheet's header row among the top rows of its table, reporting a
/// missing header, missing required columns and columns read twice (the sheet's rows are
/// then not read: `None`), and warning of columns demarc does not read. Positions in the
/// map count from the table's origin.
fn header(
    file: &str,
    sheet: &str,
    kind: SheetKind,
    table: &Table,
    problems: &mut Problems,
    warnings: &mut Vec<String>,
) -> Option<columns::ColumnMap> {
    let (origin_row, _) = table.origin();
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
        return None;
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
        return None;
    }
    for (name, first, second) in &map.duplicates {
        problems.push(InputError {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            location: Some(format!("row {header_row_number}")),
            problem: same_rank_problem(table, &map, name, *first, *second),
        });
    }
    if !map.duplicates.is_empty() {
        return None;
    }
    for extra in &map.extra {
        warnings.push(format!(
            "{file}: {sheet}: column {extra:?} is not one demarc reads; ignored"
        ));
    }
    warnings.extend(outranked_warnings(file, sheet, table, &map));
    Some(map)
}

/// Why two headers reading as one column at the same rank are refused. Positions count
/// from the table's origin.
pub(crate) fn same_rank_problem(
    table: &Table,
    map: &columns::ColumnMap,
    column: &str,
    first: usize,
    second: usize,
) -> String {
    let (_, origin_col) = table.origin();
    let cell = |col: usize| {
        format!(
            "{} ({:?})",
            column_letters(origin_col + col as u32),
            table.header_cell(map.header_row, col).to_text()
        )
    };
    format!(
        "columns {} and {} both read as `{column}`, and neither names it more plainly: rename or remove one",
        cell(first),
        cell(second)
    )
}

/// One warning per header that lost its column to a better-ranked header, naming both
/// cells: `Evidence!H3 "Link" kept as an extra column: D3 "Evidence File" is
/// evidence_file`. Positions in the map count from the table's origin.
pub(crate) fn outranked_warnings(
    file: &str,
    sheet: &str,
    table: &Table,
    map: &columns::ColumnMap,
) -> Vec<String> {
    let (origin_row, origin_col) = table.origin();
    let row_number = origin_row + map.header_row as u32 + 1;
    let cell = |col: usize| {
        let header = table.header_cell(map.header_row, col).to_text();
        let letters = column_letters(origin_col + col as u32);
        format!("{letters}{row_number} {header:?}")
    };
    map.outranked
        .iter()
        .map(|o| {
            let fate = match o.read_as {
                Some(other) => format!("read as {other}"),
                None => "kept as an extra column".to_string(),
            };
            format!(
                "{file}: {sheet}!{} {fate}: {} is {}",
                cell(o.kept),
                cell(o.winner),
                o.column
            )
        })
        .collect()
}
