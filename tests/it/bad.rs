//! The bad-input corpus (issue 4): every case is an input demarc must refuse with an exact,
//! located message — file, sheet, A1 cell, wording — or an odd but valid input it must read
//! correctly. Each case is its own test; `no_case_panics` runs them all under
//! `catch_unwind`, and `error_wording` snapshots what a user reads for every refusal.
//!
//! Inputs are built in code next to their expectation: workbooks with rust_xlsxwriter
//! (then patched inside the zip where the writer cannot say what we need — a 1904 date
//! system, a corrupt sheet), zips and deflate streams by hand where the point is a
//! hostile container. The one committed fixture is `tests/bad/encrypted.xlsx` (see
//! `tests/bad/README.md`).

use crate::support;

use demarc::ingest::{read_inputs, IngestError, IngestOptions, Limits};
use demarc::inputs::Inputs;
use demarc::model::Model;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use support::{craft, d, row, xls, Book};

// ---------------------------------------------------------------------------------------
// The harness

/// What a case's inputs must produce.
enum Expect {
    /// Exactly these problems, in order: (file name, sheet, location, problem). A problem
    /// ending in `…` is matched as a prefix (the rest quotes a library's own words).
    Refused(&'static [Problem]),
    /// Read without error; the function checks what was read.
    Read(fn(&Inputs)),
}

type Problem = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

struct Case {
    name: &'static str,
    /// Writes the inputs into the directory; returns them and the options to read with.
    build: fn(&Path) -> (Vec<PathBuf>, IngestOptions),
    expect: Expect,
}

fn read(
    dir: &Path,
    build: fn(&Path) -> (Vec<PathBuf>, IngestOptions),
) -> Result<Inputs, IngestError> {
    let (paths, options) = build(dir);
    read_inputs(&paths, &Model::default(), &options)
}

fn run_case(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let result = read(dir.path(), case.build);
    match (&case.expect, result) {
        (Expect::Refused(wanted), Err(error)) => {
            let got: Vec<String> = error
                .errors
                .iter()
                .map(|e| {
                    let file = Path::new(&e.file)
                        .file_name()
                        .map(|f| f.to_string_lossy().to_string())
                        .unwrap_or_default();
                    format!("{file} | {:?} | {:?} | {}", e.sheet, e.location, e.problem)
                })
                .collect();
            assert_eq!(
                got.len(),
                wanted.len(),
                "{}: expected {} problems, got:\n{}",
                case.name,
                wanted.len(),
                got.join("\n")
            );
            for ((file, sheet, location, problem), (e, shown)) in
                wanted.iter().zip(error.errors.iter().zip(&got))
            {
                let name = Path::new(&e.file).file_name().unwrap().to_string_lossy();
                assert_eq!(name, *file, "{}: file in {shown}", case.name);
                assert_eq!(
                    e.sheet.as_deref(),
                    *sheet,
                    "{}: sheet in {shown}",
                    case.name
                );
                assert_eq!(
                    e.location.as_deref(),
                    *location,
                    "{}: location in {shown}",
                    case.name
                );
                match problem.strip_suffix('…') {
                    Some(prefix) => assert!(
                        e.problem.starts_with(prefix),
                        "{}: problem\n  got:    {}\n  wanted: {problem}",
                        case.name,
                        e.problem
                    ),
                    None => assert_eq!(&e.problem, problem, "{}", case.name),
                }
            }
        }
        (Expect::Refused(_), Ok(_)) => panic!("{}: read without error", case.name),
        (Expect::Read(check), Ok(inputs)) => check(&inputs),
        (Expect::Read(_), Err(error)) => panic!("{}: refused:\n{error}", case.name),
    }
}

/// One `#[test]` per case, so a failure names its case.
macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run_case(&cases::$name()); })*
        fn all_cases() -> Vec<Case> { vec![$(cases::$name()),*] }
    };
}

cases!(
    truncated_xlsx,
    corrupt_sheet_xml,
    decompression_bomb,
    zip_lying_about_its_size,
    absurd_zip_entry_count,
    password_protected_xlsx,
    csv_saved_as_xlsx,
    html_saved_as_xlsx,
    empty_file,
    empty_workbook,
    empty_sheet,
    sheet_without_header_row,
    duplicate_headers,
    merged_header_cells,
    ref_error_in_a_date,
    na_error_in_a_result,
    ref_error_in_a_required_id,
    div0_error_in_a_count,
    na_error_in_a_text_column,
    na_error_in_a_note_is_read_as_blank,
    ref_error_in_an_attestation_date,
    date_serial_past_9999,
    date_serial_absurdly_negative,
    date_as_a_plain_number,
    boolean_in_a_date_column,
    workbook_using_1904_dates,
    ambiguous_date,
    ambiguous_date_with_an_order,
    megabyte_cell,
    long_unknown_value_is_quoted_short,
    rows_over_the_limit,
    file_over_the_limit,
    million_empty_formatted_rows,
    stray_cell_at_the_far_corner,
    csv_with_utf8_bom,
    csv_in_windows_1252,
    csv_in_utf16,
    csv_with_quoted_newlines,
    csv_megabyte_cell,
    csv_ambiguous_date,
    ods_workbook,
    unknown_region_under_a_residency_policy,
    unknown_region_without_a_policy,
    rows_out_of_order_in_the_sheet,
    a_cell_written_twice,
    a_later_sheets_limit_before_an_earlier_sheets_rows,
    shared_strings_declaring_a_trillion,
    shared_strings_declaring_1e18,
    more_shared_strings_than_the_limit,
    styles_with_more_entries_than_the_limit,
    two_thousand_sheets_on_one_part_as_a_caiq,
    two_sheets_on_one_part,
    duplicated_zip_entry,
    xls_workbook,
    xls_dimensions_patched,
    xls_dimensions_patched_as_a_caiq,
    xls_cell_at_column_ffff,
    xls_cells_spanning_more_than_the_limit,
    xls_sheets_at_one_offset,
    ods_repeats_over_the_limit,
    csv_row_past_the_last_column,
    fifo_as_an_input,
    fifo_in_an_input_directory,
    phantom_leap_day_1900,
    shared_string_index_minus_one,
);

#[test]
fn no_case_panics() {
    let mut panicked = Vec::new();
    for case in all_cases() {
        let dir = tempfile::tempdir().unwrap();
        let build = case.build;
        let outcome = std::panic::catch_unwind(|| {
            let _ = read(dir.path(), build);
        });
        if outcome.is_err() {
            panicked.push(case.name);
        }
    }
    assert!(panicked.is_empty(), "panicked: {panicked:?}");
    assert!(all_cases().len() >= 30);
}

/// Every case run through the binary, as a child process: a failed allocation aborts the
/// process (SIGABRT, status 134) where `catch_unwind` sees nothing, so only a child's exit
/// status shows that no case aborts. A refusal must be status 2 and print its problems;
/// an input that reads must give 0 or 1.
#[test]
fn no_case_aborts() {
    const MIB: u64 = 1024 * 1024;
    let mut failures = Vec::new();
    for case in all_cases() {
        let dir = tempfile::tempdir().unwrap();
        let (paths, options) = (case.build)(dir.path());
        let limits = options.limits;
        let mut toml = String::from("period = \"2026-Q3\"\n");
        if let Some(order) = options.date_order {
            toml.push_str(&format!(
                "date_order = \"{}\"\n",
                serde_json::to_value(order).unwrap().as_str().unwrap()
            ));
        }
        toml.push_str(&format!(
            "[limits]\nzip_entries = {}\nrows = {}\ncell_chars = {}\ncolumns = {}\ncells = {}\nsheets = {}\nshared_strings = {}\nstyles = {}\n",
            limits.zip_entries,
            limits.rows,
            limits.cell_chars,
            limits.columns,
            limits.cells,
            limits.sheets,
            limits.shared_strings,
            limits.styles,
        ));
        // Limits in bytes are written in MB: a case whose limit is not a whole number of
        // them is only checked for not aborting.
        let mut exact = !options.strict_regions;
        for (key, bytes) in [
            ("file_mb", limits.file_bytes),
            ("unzipped_mb", limits.unzipped_bytes),
        ] {
            if bytes % MIB == 0 {
                toml.push_str(&format!("{key} = {}\n", bytes / MIB));
            } else {
                exact = false;
            }
        }
        let config = dir.path().join("run.toml");
        std::fs::write(&config, toml).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_demarc"));
        cmd.env("NO_COLOR", "1")
            .arg("check")
            .arg("--config")
            .arg(&config)
            .args(&paths);
        for (vendor, file) in &options.vendor_documents.caiq {
            cmd.arg("--caiq")
                .arg(format!("{vendor}={}", file.display()));
        }
        for (vendor, file) in &options.vendor_documents.fedramp {
            cmd.arg("--fedramp")
                .arg(format!("{vendor}={}", file.display()));
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = out.status.signal() {
                failures.push(format!("{}: killed by signal {signal}", case.name));
                continue;
            }
        }
        if stderr.contains("panicked") {
            failures.push(format!("{}: panicked:\n{stderr}", case.name));
            continue;
        }
        match (&case.expect, code) {
            (Expect::Refused(wanted), Some(2)) if exact => {
                for (_, _, _, problem) in wanted.iter() {
                    let text = problem.strip_suffix('…').unwrap_or(problem);
                    if !stderr.contains(text) {
                        failures.push(format!("{}: no {text:?} in:\n{stderr}", case.name));
                    }
                }
            }
            (Expect::Refused(_), Some(2)) => {}
            (Expect::Read(_), Some(0 | 1)) if exact => {}
            (_, Some(0..=2)) if !exact => {}
            (_, code) => failures.push(format!("{}: exit status {code:?}:\n{stderr}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What a user reads for every refusal in the corpus, as the CLI prints it.
#[test]
fn error_wording() {
    let mut text = String::new();
    for case in all_cases() {
        if !matches!(case.expect, Expect::Refused(_)) {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let error = read(dir.path(), case.build).unwrap_err();
        let shown = error
            .to_string()
            .replace(&format!("{}/", dir.path().display()), "");
        text.push_str(&format!("## {}\n{shown}\n\n", case.name));
    }
    insta::assert_snapshot!("error_wording", text);
}

// ---------------------------------------------------------------------------------------
// Inputs

/// A small, valid company: one SaaS service, one control, one piece of evidence. Evidence
/// columns: A control_id, B service, C evidence, D collected_on, E result; the first data
/// row is row 2.
fn company() -> Book {
    let mut evidence = row(&["IAM-1", "", "Access review"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.push("Effective".into());
    Book::new()
        .sheet(
            "Services",
            &["service", "provider", "service_model"],
            vec![row(&["Okta", "Okta", "SaaS"])],
        )
        .sheet(
            "Controls",
            &["control_id", "title", "domain", "frequency", "applies_to"],
            vec![row(&[
                "IAM-1",
                "Access reviews",
                "Identity and access management",
                "quarterly",
                "*",
            ])],
        )
        .sheet(
            "Evidence",
            &[
                "control_id",
                "service",
                "evidence",
                "collected_on",
                "result",
            ],
            vec![evidence],
        )
}

fn defaults() -> IngestOptions {
    IngestOptions::default()
}

fn with_limits(limits: Limits) -> IngestOptions {
    IngestOptions {
        limits,
        ..IngestOptions::default()
    }
}

/// Writes a book as .xlsx, letting `tweak` write cells the `Book` builder cannot.
fn write_xlsx(book: &Book, path: &Path, tweak: impl FnOnce(&mut Workbook)) {
    book.write_to(path, tweak);
}

/// The company's workbook with `tweak` applied to its Evidence sheet.
fn evidence_tweaked(
    dir: &Path,
    tweak: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> Vec<PathBuf> {
    let path = dir.join("q3.xlsx");
    write_xlsx(&company(), &path, |wb| {
        tweak(wb.worksheet_from_name("Evidence").unwrap());
    });
    vec![path]
}

/// A formula cell whose cached result is an error value, as Excel saves `=#REF!`.
fn error_formula(value: &str) -> Formula {
    Formula::new(format!("={value}")).set_result(value)
}

fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

/// The entries of a zip, in order.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// Rewrites a zip with the `zip` crate, replacing entries by name.
fn rezip(path: &Path, replace: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let entries = unzip(path);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        let bytes = replace(&name, bytes);
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// How far down the formatted empty rows go: to Excel's last row, 1,048,576, in an
/// optimised build (`cargo test --release --test it -- bad::`); an eighth of that in the dev
/// profile, where calamine's XML parser runs unoptimised at ~6 s per million rows.
fn formatted_rows() -> u32 {
    if cfg!(debug_assertions) {
        131_072
    } else {
        1_048_576
    }
}

/// Writes CSV files (one per sheet of the book) and returns their paths.
fn csv_company(dir: &Path) -> Vec<PathBuf> {
    company().write_csv(dir)
}

/// A real workbook whose shared-strings part is replaced by a deflate stream inflating to
/// `repeats × 258` bytes of one string, declared as `declared` bytes.
fn bomb(dir: &Path, repeats: u64, declared: impl Fn(u64) -> u32) -> Vec<PathBuf> {
    let path = dir.join("q3.xlsx");
    company().write(dir, "q3.xlsx");
    let mut entries = Vec::new();
    for (name, bytes) in unzip(&path) {
        if name == "xl/sharedStrings.xml" {
            let (stream, inflated) = craft::deflate_run(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>",
                b'A',
                repeats,
                b"</t></si></sst>",
            );
            entries.push(craft::Entry {
                name,
                method: 8,
                // The checksum of the inflated text: never computed, because checking it
                // would mean inflating everything, which is what must not happen.
                crc: 0,
                size: declared(inflated),
                data: stream,
            });
        } else {
            entries.push(craft::Entry::stored(&name, bytes));
        }
    }
    std::fs::write(&path, craft::zip(&entries)).unwrap();
    vec![path]
}

mod cases {
    // The residency cases live beside the helper that builds their workbook.
    pub use super::hostile_cases::{
        csv_row_past_the_last_column, duplicated_zip_entry, fifo_as_an_input,
        fifo_in_an_input_directory, more_shared_strings_than_the_limit, ods_repeats_over_the_limit,
        phantom_leap_day_1900, shared_string_index_minus_one, shared_strings_declaring_1e18,
        shared_strings_declaring_a_trillion, styles_with_more_entries_than_the_limit,
        two_sheets_on_one_part, two_thousand_sheets_on_one_part_as_a_caiq, xls_cell_at_column_ffff,
        xls_cells_spanning_more_than_the_limit, xls_dimensions_patched,
        xls_dimensions_patched_as_a_caiq, xls_sheets_at_one_offset, xls_workbook,
    };
    pub use super::residency_cases::{
        unknown_region_under_a_residency_policy, unknown_region_without_a_policy,
    };
    pub use super::stream_cases::{
        a_cell_written_twice, a_later_sheets_limit_before_an_earlier_sheets_rows,
        rows_out_of_order_in_the_sheet,
    };
    use super::*;

    pub fn truncated_xlsx() -> Case {
        Case {
            name: "truncated_xlsx",
            build: |dir| {
                let path = company().write(dir, "q3.xlsx");
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the workbook is damaged or truncated (its zip directory cannot be read: …",
            )]),
        }
    }

    pub fn corrupt_sheet_xml() -> Case {
        Case {
            name: "corrupt_sheet_xml",
            build: |dir| {
                let path = company().write(dir, "q3.xlsx");
                rezip(&path, |name, bytes| {
                    if name == "xl/worksheets/sheet3.xml" {
                        b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B".to_vec()
                    } else {
                        bytes
                    }
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                None,
                "cannot read the sheet: the workbook is damaged (…",
            )]),
        }
    }

    pub fn decompression_bomb() -> Case {
        Case {
            name: "decompression_bomb",
            // ~7 MB on disk, 1.1 GiB of shared strings once inflated: refused from the zip
            // directory before a byte is inflated (this test takes milliseconds and no
            // memory to speak of).
            build: |dir| {
                let repeats = (1u64 << 30) / 258 + (100 << 20) / 258;
                (bomb(dir, repeats, |inflated| inflated as u32), defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the workbook would unpack to 1125 MB, over the limit of 1024 MB (a decompression bomb, or a very large workbook: raise [limits] unzipped_mb in demarc.toml)",
            )]),
        }
    }

    pub fn zip_lying_about_its_size() -> Case {
        Case {
            name: "zip_lying_about_its_size",
            // The same kind of stream declared as 1,000 bytes: the zip reader stops it at
            // its declared size, so lying does not get past the limit.
            build: |dir| (bomb(dir, 100_000, |_| 1000), defaults()),
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "cannot open the workbook: it is damaged or not really a workbook (…",
            )]),
        }
    }

    pub fn absurd_zip_entry_count() -> Case {
        Case {
            name: "absurd_zip_entry_count",
            build: |dir| {
                let entries: Vec<craft::Entry> = (0..10_001)
                    .map(|i| craft::Entry::stored(&format!("x/{i}"), Vec::new()))
                    .collect();
                let path = dir.join("q3.xlsx");
                std::fs::write(&path, craft::zip(&entries)).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the workbook holds 10001 files inside it, over the limit of 10000 (a real workbook holds a few dozen: raise [limits] zip_entries in demarc.toml)",
            )]),
        }
    }

    pub fn password_protected_xlsx() -> Case {
        Case {
            name: "password_protected_xlsx",
            build: |dir| {
                let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/encrypted.xlsx");
                let path = dir.join("q3.xlsx");
                std::fs::copy(fixture, &path).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the workbook is password-protected: demarc cannot read it; remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again",
            )]),
        }
    }

    pub fn csv_saved_as_xlsx() -> Case {
        Case {
            name: "csv_saved_as_xlsx",
            build: |dir| {
                let path = dir.join("q3.xlsx");
                std::fs::write(&path, "control_id,collected_on\nIAM-1,2026-09-01\n").unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "not a .xlsx workbook: the file is plain text (CSV?); save it as a real spreadsheet, or rename a CSV to .csv",
            )]),
        }
    }

    pub fn html_saved_as_xlsx() -> Case {
        Case {
            name: "html_saved_as_xlsx",
            build: |dir| {
                let path = dir.join("q3.xls");
                std::fs::write(
                    &path,
                    "<!DOCTYPE html><html><body><table><tr><td>IAM-1</td></tr></table></body></html>",
                )
                .unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xls",
                None,
                None,
                "not a .xls workbook: the file is an HTML page; save it as a real spreadsheet, or rename a CSV to .csv",
            )]),
        }
    }

    pub fn empty_file() -> Case {
        Case {
            name: "empty_file",
            build: |dir| {
                let path = dir.join("q3.xlsx");
                std::fs::write(&path, "").unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the file is empty: expected a spreadsheet",
            )]),
        }
    }

    pub fn empty_workbook() -> Case {
        Case {
            name: "empty_workbook",
            build: |dir| {
                let path = dir.join("q3.xlsx");
                let mut workbook = Workbook::new();
                workbook.add_worksheet();
                workbook.save(&path).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[
                (
                    "q3.xlsx",
                    None,
                    None,
                    "no Services sheet in any input: name a sheet (or a CSV file) `services`",
                ),
                (
                    "q3.xlsx",
                    None,
                    None,
                    "no Controls sheet in any input: name a sheet (or a CSV file) `controls`",
                ),
                (
                    "q3.xlsx",
                    None,
                    None,
                    "no Evidence sheet in any input: name a sheet (or a CSV file) `evidence`",
                ),
            ]),
        }
    }

    pub fn empty_sheet() -> Case {
        Case {
            name: "empty_sheet",
            build: |dir| {
                let path = company()
                    .sheet("Evidence", &[], Vec::new())
                    .write(dir, "q3.xlsx");
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                None,
                "the sheet is empty: expected a header row with control_id, collected_on",
            )]),
        }
    }

    pub fn sheet_without_header_row() -> Case {
        Case {
            name: "sheet_without_header_row",
            build: |dir| {
                let mut second = row(&["IAM-2", "", "Review"]);
                second.push(d(2026, 8, 1).into());
                let path = company()
                    .sheet(
                        "Evidence",
                        &["IAM-1", "", "Access review", "2026-09-01", "Effective"],
                        vec![second],
                    )
                    .write(dir, "q3.xlsx");
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                None,
                "no header row found in the first 20 rows: expected columns control_id, collected_on",
            )]),
        }
    }

    pub fn duplicate_headers() -> Case {
        Case {
            name: "duplicate_headers",
            build: |dir| {
                let mut evidence = row(&["IAM-1", "", "Access review"]);
                evidence.push(d(2026, 9, 1).into());
                evidence.extend(row(&["Effective", "IAM-1"]));
                let path = company()
                    .sheet(
                        "Evidence",
                        &[
                            "control_id",
                            "service",
                            "evidence",
                            "collected_on",
                            "result",
                            "Control ID",
                        ],
                        vec![evidence],
                    )
                    .write(dir, "q3.xlsx");
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("row 1"),
                "columns A (\"control_id\") and F (\"Control ID\") both read as `control_id`, and neither names it more plainly: rename or remove one",
            )]),
        }
    }

    pub fn merged_header_cells() -> Case {
        Case {
            name: "merged_header_cells",
            // A two-row header: "Control ID" and "Collected on" are merged down over both
            // rows, "Test" is merged across the two result columns above "Result" and
            // "Tester". The header is row 2; data starts on row 3.
            build: |dir| {
                let path = dir.join("q3.xlsx");
                write_xlsx(&company().without("Evidence"), &path, |wb| {
                    let ws = wb.add_worksheet();
                    ws.set_name("Evidence").unwrap();
                    let plain = Format::new();
                    ws.merge_range(0, 0, 1, 0, "Control ID", &plain).unwrap();
                    ws.merge_range(0, 1, 1, 1, "Collected on", &plain).unwrap();
                    ws.merge_range(0, 2, 0, 3, "Test", &plain).unwrap();
                    ws.write_string(1, 2, "Result").unwrap();
                    ws.write_string(1, 3, "Tester").unwrap();
                    ws.write_string(2, 0, "IAM-1").unwrap();
                    let dt = ExcelDateTime::from_ymd(2026, 9, 1).unwrap();
                    ws.write_datetime_with_format(2, 1, &dt, &date_format())
                        .unwrap();
                    ws.write_string(2, 2, "Effective").unwrap();
                    ws.write_string(2, 3, "A. Tester").unwrap();
                });
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence.len(), 1);
                let e = &inputs.evidence[0];
                assert_eq!(&*e.control_id, "IAM-1");
                assert_eq!(e.collected_on, d(2026, 9, 1));
                assert_eq!(&*e.tester, "A. Tester");
                assert_eq!(e.source.row, 3);
            }),
        }
    }

    pub fn ref_error_in_a_date() -> Case {
        Case {
            name: "ref_error_in_a_date",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(2, 0, "IAM-1").unwrap();
                    ws.write_formula(2, 3, error_formula("#REF!")).unwrap();
                    ws.write_string(2, 4, "Effective").unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D3"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found the formula error #REF!",
            )]),
        }
    }

    pub fn na_error_in_a_result() -> Case {
        Case {
            name: "na_error_in_a_result",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_formula(1, 4, error_formula("#N/A")).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("E2"),
                "result: expected one of Effective, Partially effective, Ineffective, Exception, Not tested, found the formula error #N/A",
            )]),
        }
    }

    pub fn ref_error_in_a_required_id() -> Case {
        Case {
            name: "ref_error_in_a_required_id",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_formula(1, 0, error_formula("#REF!")).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("A2"),
                "control_id: expected a value, found the formula error #REF!",
            )]),
        }
    }

    pub fn div0_error_in_a_count() -> Case {
        Case {
            name: "div0_error_in_a_count",
            build: |dir| {
                let path = dir.join("q3.xlsx");
                let book = company().sheet(
                    "Attestations",
                    &["vendor", "type", "period_end", "exceptions"],
                    vec![row(&["Okta", "SOC 2 Type II", "2026-06-30"])],
                );
                write_xlsx(&book, &path, |wb| {
                    let ws = wb.worksheet_from_name("Attestations").unwrap();
                    ws.write_formula(1, 3, error_formula("#DIV/0!")).unwrap();
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Attestations"),
                Some("D2"),
                "exceptions: expected a whole number, found the formula error #DIV/0!",
            )]),
        }
    }

    pub fn na_error_in_a_text_column() -> Case {
        Case {
            name: "na_error_in_a_text_column",
            // Read as text, `#N/A` would become a service nobody has.
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_formula(1, 1, error_formula("#N/A")).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("B2"),
                "service: expected text, found the formula error #N/A: fix the formula or clear the cell",
            )]),
        }
    }

    pub fn na_error_in_a_note_is_read_as_blank() -> Case {
        Case {
            name: "na_error_in_a_note_is_read_as_blank",
            // A lookup's #N/A beside a row it found nothing for, in a column demarc only
            // prints: the run goes on, the note blank, with a warning naming the cell.
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(0, 5, "Notes").unwrap();
                    ws.write_formula(1, 5, error_formula("#N/A")).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence.len(), 1);
                assert_eq!(inputs.evidence[0].notes, "");
                assert!(
                    inputs.warnings.iter().any(|w| w.ends_with(
                        "q3.xlsx: Evidence!F2: notes: the formula error #N/A read as blank: the column is text demarc only prints; fix the formula or clear the cell"
                    )),
                    "{:#?}",
                    inputs.warnings
                );
            }),
        }
    }

    pub fn ref_error_in_an_attestation_date() -> Case {
        Case {
            name: "ref_error_in_an_attestation_date",
            build: |dir| {
                let path = dir.join("q3.xlsx");
                let book = company().sheet(
                    "Attestations",
                    &["vendor", "type", "period_start", "period_end"],
                    vec![row(&["Okta", "SOC 2 Type II", "2025-07-01"])],
                );
                write_xlsx(&book, &path, |wb| {
                    let ws = wb.worksheet_from_name("Attestations").unwrap();
                    ws.write_formula(1, 3, error_formula("#REF!")).unwrap();
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Attestations"),
                Some("D2"),
                "period_end: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found the formula error #REF!",
            )]),
        }
    }

    pub fn date_serial_past_9999() -> Case {
        Case {
            name: "date_serial_past_9999",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_number_with_format(1, 3, 3_000_000.0, &date_format())
                        .unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D2"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found a date serial number outside the calendar",
            )]),
        }
    }

    pub fn date_serial_absurdly_negative() -> Case {
        Case {
            name: "date_serial_absurdly_negative",
            // calamine's own conversion panics on this one (chrono's milliseconds overflow).
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_number_with_format(1, 3, -1e300, &date_format())
                        .unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D2"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found a date serial number outside the calendar",
            )]),
        }
    }

    pub fn date_as_a_plain_number() -> Case {
        Case {
            name: "date_as_a_plain_number",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_number(1, 3, 46266.0).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D2"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found the number 46266: format the cell as a date",
            )]),
        }
    }

    pub fn boolean_in_a_date_column() -> Case {
        Case {
            name: "boolean_in_a_date_column",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_boolean(1, 3, true).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D2"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found the boolean TRUE",
            )]),
        }
    }

    pub fn workbook_using_1904_dates() -> Case {
        Case {
            name: "workbook_using_1904_dates",
            // rust_xlsxwriter cannot write a 1904 workbook, so the serial is written as a
            // number in 1904 terms (days since 1904-01-01) and workbook.xml is patched to
            // say date1904="1", as Excel for Mac saves it.
            build: |dir| {
                let serial_1904 = (d(2026, 9, 1) - d(1904, 1, 1)).num_days() as f64;
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_number_with_format(1, 3, serial_1904, &date_format())
                        .unwrap();
                });
                rezip(&paths[0], |name, bytes| {
                    if name != "xl/workbook.xml" {
                        return bytes;
                    }
                    let xml = String::from_utf8(bytes).unwrap();
                    assert!(xml.contains("<workbookPr"), "{xml}");
                    xml.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                        .into_bytes()
                });
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence[0].collected_on, d(2026, 9, 1));
            }),
        }
    }

    pub fn ambiguous_date() -> Case {
        Case {
            name: "ambiguous_date",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(1, 3, "03/04/2026").unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("D2"),
                "collected_on: \"03/04/2026\" is ambiguous (day/month or month/day?): write 2026-09-30, or set date_order = \"dmy\" or \"mdy\" in demarc.toml",
            )]),
        }
    }

    pub fn ambiguous_date_with_an_order() -> Case {
        Case {
            name: "ambiguous_date_with_an_order",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(1, 3, "03/04/2026").unwrap();
                });
                let options = IngestOptions {
                    date_order: Some(demarc::ingest::DateOrder::Dmy),
                    ..IngestOptions::default()
                };
                (paths, options)
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence[0].collected_on, d(2026, 4, 3));
            }),
        }
    }

    pub fn megabyte_cell() -> Case {
        Case {
            name: "megabyte_cell",
            build: |dir| {
                // Excel (and rust_xlsxwriter) stop at 32,767 characters; a hostile file
                // need not, so the shared string is patched in the zip.
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(1, 2, "PLACEHOLDER").unwrap();
                });
                rezip(&paths[0], |name, bytes| {
                    if name != "xl/sharedStrings.xml" {
                        return bytes;
                    }
                    String::from_utf8(bytes)
                        .unwrap()
                        .replace("PLACEHOLDER", &"x".repeat(1 << 20))
                        .into_bytes()
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("C2"),
                "the cell holds 1048576 characters; demarc reads cells up to 32767 (raise [limits] cell_chars in demarc.toml)",
            )]),
        }
    }

    pub fn long_unknown_value_is_quoted_short() -> Case {
        Case {
            name: "long_unknown_value_is_quoted_short",
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(1, 4, "E".repeat(10_000)).unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("E2"),
                "result: \"EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE…\" is not one of Effective, Partially effective, Ineffective, Exception, Not tested",
            )]),
        }
    }

    pub fn rows_over_the_limit() -> Case {
        Case {
            name: "rows_over_the_limit",
            build: |dir| {
                let mut book = company();
                for _ in 0..9 {
                    let mut r = row(&["IAM-1", "", "Review"]);
                    r.push(d(2026, 9, 1).into());
                    book = book.push("Evidence", r);
                }
                let path = book.write(dir, "q3.xlsx");
                let limits = Limits {
                    rows: 5,
                    ..Limits::default()
                };
                (vec![path], with_limits(limits))
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("row 6"),
                "the sheet goes on past row 5, the most demarc reads (raise [limits] rows in demarc.toml)",
            )]),
        }
    }

    pub fn file_over_the_limit() -> Case {
        Case {
            name: "file_over_the_limit",
            build: |dir| {
                let mut paths = csv_company(dir);
                let evidence = dir.join("evidence.csv");
                let mut text = String::from("control_id,collected_on\n");
                while text.len() < 2000 {
                    text.push_str("IAM-1,2026-09-01\n");
                }
                text.truncate(2000);
                std::fs::write(&evidence, text).unwrap();
                paths.retain(|p| p == &evidence);
                let limits = Limits {
                    file_bytes: 1000,
                    ..Limits::default()
                };
                (paths, with_limits(limits))
            },
            expect: Expect::Refused(&[(
                "evidence.csv",
                None,
                None,
                "the file is 2000 bytes; demarc reads inputs up to 1000 bytes (raise [limits] file_mb in demarc.toml)",
            )]),
        }
    }

    pub fn million_empty_formatted_rows() -> Case {
        Case {
            name: "million_empty_formatted_rows",
            // Every row down to 1,048,576 carries a format, as a sheet does after whole
            // rows were formatted. Nothing of it is kept. (The sheet is stored rather than
            // deflated so that building the test input stays cheap.)
            build: |dir| {
                let path = company().write(dir, "q3.xlsx");
                let entries = unzip(&path);
                let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
                for (name, bytes) in entries {
                    let mut options = zip::write::SimpleFileOptions::default();
                    let bytes = if name == "xl/worksheets/sheet3.xml" {
                        options = options
                            .compression_method(zip::CompressionMethod::Stored)
                            .large_file(false);
                        let xml = String::from_utf8(bytes).unwrap();
                        let end = xml.find("</sheetData>").unwrap();
                        let row = "<row s=\"1\" customFormat=\"1\"/>";
                        let mut out = String::with_capacity(xml.len() + (row.len() << 20));
                        out.push_str(&xml[..end]);
                        for _ in 3..=formatted_rows() {
                            out.push_str(row);
                        }
                        out.push_str(&xml[end..]);
                        out.into_bytes()
                    } else {
                        bytes
                    };
                    writer.start_file(name, options).unwrap();
                    writer.write_all(&bytes).unwrap();
                }
                writer.finish().unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence.len(), 1);
                let sheet = inputs.files[0]
                    .sheets
                    .iter()
                    .find(|s| s.name == "Evidence")
                    .unwrap();
                assert_eq!(sheet.rows, 1);
            }),
        }
    }

    pub fn stray_cell_at_the_far_corner() -> Case {
        Case {
            name: "stray_cell_at_the_far_corner",
            // One cell at XFD1048576: a dense grid would be 17 billion cells. The cell is
            // a row of its own, so it is read — and its row lacks a control_id.
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_string(1_048_575, 16_383, "stray").unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Refused(&[
                (
                    "q3.xlsx",
                    Some("Evidence"),
                    Some("A1048576"),
                    "control_id: required, but the cell is empty",
                ),
                (
                    "q3.xlsx",
                    Some("Evidence"),
                    Some("D1048576"),
                    "collected_on: required: expected a date, but the cell is empty",
                ),
            ]),
        }
    }

    pub fn csv_with_utf8_bom() -> Case {
        Case {
            name: "csv_with_utf8_bom",
            build: |dir| {
                let paths = csv_company(dir);
                for path in &paths {
                    let mut bytes = b"\xEF\xBB\xBF".to_vec();
                    bytes.extend(std::fs::read(path).unwrap());
                    std::fs::write(path, bytes).unwrap();
                }
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                // The first header (`control_id`, `service`) matched despite the BOM.
                assert_eq!(&*inputs.evidence[0].control_id, "IAM-1");
                assert_eq!(inputs.services[0].name, "Okta");
                assert!(
                    inputs
                        .warnings
                        .iter()
                        .all(|w| !w.contains("not one demarc reads")),
                    "{:?}",
                    inputs.warnings
                );
            }),
        }
    }

    pub fn csv_in_windows_1252() -> Case {
        Case {
            name: "csv_in_windows_1252",
            build: |dir| {
                let paths = csv_company(dir);
                let evidence = dir.join("evidence.csv");
                // "Revue d'accès – Müller" in Windows-1252: è = E8, – = 96, ü = FC.
                let mut bytes =
                    b"control_id,service,evidence,collected_on,result\nIAM-1,,Revue d'acc".to_vec();
                bytes.extend(b"\xE8s \x96 M\xFCller,2026-09-01,Effective\n");
                std::fs::write(&evidence, bytes).unwrap();
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence[0].description, "Revue d'accès – Müller");
                assert!(
                    inputs.warnings.iter().any(|w| w.ends_with(
                        "evidence.csv: the text is not UTF-8; read it as Windows-1252 (check accented letters, or save the file as \"CSV UTF-8\")"
                    )),
                    "{:?}",
                    inputs.warnings
                );
            }),
        }
    }

    pub fn csv_in_utf16() -> Case {
        Case {
            name: "csv_in_utf16",
            build: |dir| {
                let paths = csv_company(dir);
                let evidence = dir.join("evidence.csv");
                let text = "control_id,service,evidence,collected_on,result\nIAM-1,,Revue d'accès,2026-09-01,Effective\n";
                let mut bytes = vec![0xFF, 0xFE];
                bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
                std::fs::write(&evidence, bytes).unwrap();
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence[0].description, "Revue d'accès");
            }),
        }
    }

    pub fn csv_with_quoted_newlines() -> Case {
        Case {
            name: "csv_with_quoted_newlines",
            // Record 3 spans three lines; the bad date in record 4 is row 4 (line 6), as a
            // spreadsheet shows it.
            build: |dir| {
                let paths = csv_company(dir);
                std::fs::write(
                    dir.join("evidence.csv"),
                    "control_id,service,evidence,collected_on,result\n\
                     IAM-1,,Review,2026-09-01,Effective\n\
                     IAM-1,,\"Line one\nline two, with a comma\nline three\",2026-09-02,Effective\n\
                     IAM-1,,Review,soon,Effective\n",
                )
                .unwrap();
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "evidence.csv",
                Some("evidence"),
                Some("D4"),
                "collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), found \"soon\"",
            )]),
        }
    }

    pub fn csv_megabyte_cell() -> Case {
        Case {
            name: "csv_megabyte_cell",
            build: |dir| {
                let paths = csv_company(dir);
                std::fs::write(
                    dir.join("evidence.csv"),
                    format!(
                        "control_id,service,evidence,collected_on,result\nIAM-1,,\"{}\",2026-09-01,Effective\n",
                        "é".repeat(1 << 20)
                    ),
                )
                .unwrap();
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "evidence.csv",
                Some("evidence"),
                Some("C2"),
                "the cell holds 1048576 characters; demarc reads cells up to 32767 (raise [limits] cell_chars in demarc.toml)",
            )]),
        }
    }

    pub fn ods_workbook() -> Case {
        Case {
            name: "ods_workbook",
            // An OpenDocument spreadsheet, written by hand: a date cell, a text date, and
            // a `number-rows-repeated` run of empty rows after the data.
            build: |dir| {
                let cell = |text: &str| {
                    format!("<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>")
                };
                let table = |name: &str, rows: &[Vec<String>]| {
                    let mut xml = format!("<table:table table:name=\"{name}\">");
                    for r in rows {
                        xml.push_str(&format!(
                            "<table:table-row>{}</table:table-row>",
                            r.concat()
                        ));
                    }
                    xml.push_str("<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"5\"/></table:table-row>");
                    xml.push_str("</table:table>");
                    xml
                };
                let date = "<table:table-cell office:value-type=\"date\" office:date-value=\"2026-09-01\"><text:p>2026-09-01</text:p></table:table-cell>";
                let body = [
                    table(
                        "Services",
                        &[
                            vec![cell("service"), cell("provider"), cell("service_model")],
                            vec![cell("Okta"), cell("Okta"), cell("SaaS")],
                        ],
                    ),
                    table(
                        "Controls",
                        &[
                            vec![cell("control_id"), cell("domain")],
                            vec![cell("IAM-1"), cell("Identity and access management")],
                        ],
                    ),
                    table(
                        "Evidence",
                        &[
                            vec![cell("control_id"), cell("collected_on"), cell("result")],
                            vec![cell("IAM-1"), date.to_string(), cell("Effective")],
                            vec![cell("IAM-1"), cell("30 Sep 2026"), cell("Effective")],
                        ],
                    ),
                ]
                .concat();
                let content = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
                     xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
                     xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
                     xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
                     <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
                );
                let path = dir.join("q3.ods");
                std::fs::write(
                    &path,
                    craft::zip(&[
                        craft::Entry::stored(
                            "mimetype",
                            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
                        ),
                        craft::Entry::stored("content.xml", content.into_bytes()),
                        craft::Entry::stored(
                            "META-INF/manifest.xml",
                            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>".to_vec(),
                        ),
                    ]),
                )
                .unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                let dates: Vec<_> = inputs.evidence.iter().map(|e| e.collected_on).collect();
                assert_eq!(dates, [d(2026, 9, 1), d(2026, 9, 30)]);
                assert_eq!(inputs.evidence[1].source.row, 3);
            }),
        }
    }

    pub fn csv_ambiguous_date() -> Case {
        Case {
            name: "csv_ambiguous_date",
            build: |dir| {
                let paths = csv_company(dir);
                std::fs::write(
                    dir.join("evidence.csv"),
                    "control_id,service,evidence,collected_on,result\nIAM-1,,Review,5/6/2026,Effective\n",
                )
                .unwrap();
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "evidence.csv",
                Some("evidence"),
                Some("D2"),
                "collected_on: \"5/6/2026\" is ambiguous (day/month or month/day?): write 2026-09-30, or set date_order = \"dmy\" or \"mdy\" in demarc.toml",
            )]),
        }
    }
}

/// The company with a `regions` column (D) on its one service (row 2).
fn company_in(regions: &str) -> Book {
    company().sheet(
        "Services",
        &["service", "provider", "service_model", "regions"],
        vec![row(&["Okta", "Okta", "SaaS", regions])],
    )
}

mod residency_cases {
    use super::*;

    pub fn unknown_region_under_a_residency_policy() -> Case {
        Case {
            name: "unknown_region_under_a_residency_policy",
            // A typo, a place that is no cloud region, a wildcard matching nothing and a
            // known region, in one cell: each unknown one is reported, with a hint when
            // one is close.
            build: |dir| {
                let path = company_in("eu-wst-1; Frankfurt DC, europa-*; westeurope")
                    .write(dir, "q3.xlsx");
                let options = IngestOptions {
                    strict_regions: true,
                    ..IngestOptions::default()
                };
                (vec![path], options)
            },
            expect: Expect::Refused(&[
                (
                    "q3.xlsx",
                    Some("Services"),
                    Some("D2"),
                    "regions: \"eu-wst-1\" is not a known region: expected an AWS, Azure or Google Cloud region name (eu-west-1, westeurope, europe-west1), a group (EU, EEA, UK, US, BR or another country code), a wildcard (eu-*) or global (did you mean \"eu-west-1\"?)",
                ),
                (
                    "q3.xlsx",
                    Some("Services"),
                    Some("D2"),
                    "regions: \"Frankfurt DC\" is not a known region: expected an AWS, Azure or Google Cloud region name (eu-west-1, westeurope, europe-west1), a group (EU, EEA, UK, US, BR or another country code), a wildcard (eu-*) or global",
                ),
                (
                    "q3.xlsx",
                    Some("Services"),
                    Some("D2"),
                    "regions: \"europa-*\" matches no AWS, Azure or Google Cloud region (wildcards match region names such as eu-west-1, westeurope, europe-west1)",
                ),
            ]),
        }
    }

    pub fn unknown_region_without_a_policy() -> Case {
        Case {
            name: "unknown_region_without_a_policy",
            // No residency policy: the run goes on, with one warning naming the first cell.
            build: |dir| {
                let path = company_in("Frankfurt DC; eu-central-1").write(dir, "q3.xlsx");
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.services[0].regions, ["Frankfurt DC", "eu-central-1"]);
                let warnings: Vec<&String> = inputs
                    .warnings
                    .iter()
                    .filter(|w| w.contains("region"))
                    .collect();
                assert_eq!(warnings.len(), 1, "{warnings:?}");
                assert!(
                    warnings[0].ends_with("q3.xlsx: Services!D2: regions: \"Frankfurt DC\" is no known AWS, Azure or Google Cloud region, group or wildcard; regions are checked only under a [residency] policy in demarc.toml, which would refuse it"),
                    "{}",
                    warnings[0]
                );
            }),
        }
    }
}

/// Sheets are read as a stream of cells where that is safe; these cases hold the stream
/// to what reading the whole sheet into a table gives.
mod stream_cases {
    use super::*;

    /// The company with three evidence rows (rows 2–4), told apart by their description.
    fn three_evidence_rows() -> Book {
        let mut book = company();
        for (n, month) in [("second", 8), ("third", 7)] {
            let mut evidence = row(&["IAM-1", "", n]);
            evidence.push(d(2026, month, 1).into());
            evidence.push("Effective".into());
            book = book.push("Evidence", evidence);
        }
        book
    }

    /// A sheet's `<row r="N">…</row>` element.
    fn row_element(xml: &str, n: u32) -> std::ops::Range<usize> {
        let start = xml.find(&format!("<row r=\"{n}\"")).unwrap();
        let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
        start..end
    }

    fn descriptions(inputs: &Inputs) -> Vec<(&str, u32)> {
        inputs
            .evidence
            .iter()
            .map(|e| (e.description.as_str(), e.source.row))
            .collect()
    }

    pub fn rows_out_of_order_in_the_sheet() -> Case {
        Case {
            name: "rows_out_of_order_in_the_sheet",
            // Excel writes rows in order, but a file from elsewhere need not: row 4 before
            // row 2. The rows are read in sheet order all the same.
            build: |dir| {
                let path = three_evidence_rows().write(dir, "q3.xlsx");
                rezip(&path, |name, bytes| {
                    if name != "xl/worksheets/sheet3.xml" {
                        return bytes;
                    }
                    let xml = String::from_utf8(bytes).unwrap();
                    let (second, fourth) = (row_element(&xml, 2), row_element(&xml, 4));
                    format!(
                        "{}{}{}{}{}",
                        &xml[..second.start],
                        &xml[fourth.clone()],
                        &xml[second.end..fourth.start],
                        &xml[second],
                        &xml[fourth.end..]
                    )
                    .into_bytes()
                });
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(
                    descriptions(inputs),
                    [("Access review", 2), ("second", 3), ("third", 4)]
                );
            }),
        }
    }

    pub fn a_cell_written_twice() -> Case {
        Case {
            name: "a_cell_written_twice",
            // Two values at C2 (the second after E2): the later one stands, as a
            // spreadsheet would show it.
            build: |dir| {
                let path = three_evidence_rows().write(dir, "q3.xlsx");
                rezip(&path, |name, bytes| {
                    if name != "xl/worksheets/sheet3.xml" {
                        return bytes;
                    }
                    let mut xml = String::from_utf8(bytes).unwrap();
                    let end = row_element(&xml, 2).end - "</row>".len();
                    xml.insert_str(
                        end,
                        "<c r=\"C2\" t=\"inlineStr\"><is><t>written again</t></is></c>",
                    );
                    xml.into_bytes()
                });
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(
                    descriptions(inputs),
                    [("written again", 2), ("second", 3), ("third", 4)]
                );
            }),
        }
    }

    pub fn a_later_sheets_limit_before_an_earlier_sheets_rows() -> Case {
        Case {
            name: "a_later_sheets_limit_before_an_earlier_sheets_rows",
            // A file's sheets are all opened (and their limits applied) before any sheet's
            // rows are read: the Evidence sheet's long cell comes before the Services
            // sheet's empty provider, though the Services sheet comes first.
            build: |dir| {
                let book = company().sheet(
                    "Services",
                    &["service", "provider", "service_model"],
                    vec![row(&["Okta", "", "SaaS"])],
                );
                let path = dir.join("q3.xlsx");
                write_xlsx(&book, &path, |wb| {
                    let ws = wb.worksheet_from_name("Evidence").unwrap();
                    ws.write_string(1, 2, "PLACEHOLDER").unwrap();
                });
                rezip(&path, |name, bytes| {
                    if name != "xl/sharedStrings.xml" {
                        return bytes;
                    }
                    String::from_utf8(bytes)
                        .unwrap()
                        .replace("PLACEHOLDER", &"x".repeat(40_000))
                        .into_bytes()
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[
                (
                    "q3.xlsx",
                    Some("Evidence"),
                    Some("C2"),
                    "the cell holds 40000 characters; demarc reads cells up to 32767 (raise [limits] cell_chars in demarc.toml)",
                ),
                (
                    "q3.xlsx",
                    Some("Services"),
                    Some("B2"),
                    "provider: required, but the cell is empty",
                ),
            ]),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Odd but valid inputs judged end to end

mod reconciled {
    use super::*;
    use demarc::findings::Code;

    #[test]
    fn control_ids_that_differ_in_case_and_spaces_are_one_control() {
        let dir = tempfile::tempdir().unwrap();
        let mut evidence = row(&[" iam-1 ", "", "Review"]);
        evidence.push(d(2026, 9, 2).into());
        evidence.push("Effective".into());
        let book = company()
            .push(
                "Controls",
                row(&[
                    " iam-1 ",
                    "Access reviews",
                    "Network controls",
                    "quarterly",
                    "*",
                ]),
            )
            .push("Evidence", evidence)
            .write(dir.path(), "q3.xlsx");
        let analysis = support::analyse(&[book], "2026-Q3").unwrap();
        let findings = &analysis.reconciliation.findings;
        let duplicates: Vec<_> = findings
            .iter()
            .filter(|f| f.code == Code::DuplicateRow)
            .collect();
        assert_eq!(duplicates.len(), 1, "{findings:#?}");
        let rows: Vec<u32> = duplicates[0].sources.iter().map(|s| s.row).collect();
        assert_eq!(rows, [2, 3]);
        assert!(
            duplicates[0].message.contains("domain"),
            "{}",
            duplicates[0].message
        );
        // Evidence for " iam-1 " is evidence for IAM-1, not an unknown control.
        assert!(
            findings.iter().all(|f| f.code != Code::UnknownReference),
            "{findings:#?}"
        );
    }

    #[test]
    fn the_same_evidence_row_twice_with_different_results_is_a_duplicate() {
        let dir = tempfile::tempdir().unwrap();
        let mut again = row(&["IAM-1", "", "Access review"]);
        again.push(d(2026, 9, 1).into());
        again.push("Ineffective".into());
        let book = company()
            .push("Evidence", again)
            .write(dir.path(), "q3.xlsx");
        let analysis = support::analyse(&[book], "2026-Q3").unwrap();
        let duplicates: Vec<_> = analysis
            .reconciliation
            .findings
            .iter()
            .filter(|f| f.code == Code::DuplicateRow)
            .collect();
        assert_eq!(duplicates.len(), 1);
        let rows: Vec<u32> = duplicates[0].sources.iter().map(|s| s.row).collect();
        assert_eq!(rows, [2, 3]);
    }

    #[test]
    fn the_same_evidence_row_twice_identically_is_no_finding() {
        let dir = tempfile::tempdir().unwrap();
        let mut again = row(&["IAM-1", "", "Access review"]);
        again.push(d(2026, 9, 1).into());
        again.push("Effective".into());
        let book = company()
            .push("Evidence", again)
            .write(dir.path(), "q3.xlsx");
        let analysis = support::analyse(&[book], "2026-Q3").unwrap();
        assert!(analysis
            .reconciliation
            .findings
            .iter()
            .all(|f| f.code != Code::DuplicateRow));
    }
}

// ---------------------------------------------------------------------------------------
// Limits from demarc.toml, through the binary

#[test]
fn limits_are_read_from_demarc_toml_and_unknown_keys_refused() {
    let dir = tempfile::tempdir().unwrap();
    csv_company(dir.path());
    std::fs::write(
        dir.path().join("evidence.csv"),
        "control_id,service,evidence,collected_on,result\nIAM-1,,A review longer than twenty characters,2026-09-01,Effective\n",
    )
    .unwrap();
    let demarc = || {
        let mut cmd = assert_cmd::Command::cargo_bin("demarc").unwrap();
        cmd.env("NO_COLOR", "1").current_dir(dir.path());
        cmd
    };
    std::fs::write(
        dir.path().join("demarc.toml"),
        "period = \"2026-Q3\"\ninputs = [\".\"]\n\n[limits]\ncell_chars = 20\n",
    )
    .unwrap();
    let out = demarc().arg("check").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("evidence!C2: the cell holds 38 characters; demarc reads cells up to 20 (raise [limits] cell_chars in demarc.toml)"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("demarc.toml"),
        "period = \"2026-Q3\"\ninputs = [\".\"]\n\n[limits]\ncell_characters = 20\n",
    )
    .unwrap();
    let out = demarc().arg("check").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("cell_characters"), "{stderr}");
    std::fs::write(
        dir.path().join("demarc.toml"),
        "period = \"2026-Q3\"\ninputs = [\".\"]\n\n[limits]\ncell_chars = 100\n",
    )
    .unwrap();
    demarc().arg("check").assert().code(predicates::ord::lt(2));
}

// ---------------------------------------------------------------------------------------
// Hostile files (issue 15): small files that declare enormous allocations, and inputs that
// are not files at all. Each is refused before the parser allocates, naming the file, the
// part or sheet, and the `[limits]` key.

/// The company as a `.xls` (dates as ISO text): what the hostile `.xls` cases patch.
fn company_xls_sheets() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "Services",
            xls::text_sheet(&[
                &["service", "provider", "service_model"],
                &["Okta", "Okta", "SaaS"],
            ]),
        ),
        (
            "Controls",
            xls::text_sheet(&[
                &["control_id", "title", "domain", "frequency", "applies_to"],
                &[
                    "IAM-1",
                    "Access reviews",
                    "Identity and access management",
                    "quarterly",
                    "*",
                ],
            ]),
        ),
        (
            "Evidence",
            xls::text_sheet(&[
                &[
                    "control_id",
                    "service",
                    "evidence",
                    "collected_on",
                    "result",
                ],
                &["IAM-1", "", "Access review", "2026-09-01", "Effective"],
            ]),
        ),
    ]
}

/// An `.xls` register's control id typed once in a cell merged over two tests (A2:A3) is
/// read on both rows, as the sheet shows it, with a warning naming the cell filled.
#[test]
fn an_xls_cell_merged_down_stands_for_its_value_on_every_row_it_spans() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = company_xls_sheets();
    let header = [
        "control_id",
        "service",
        "evidence",
        "collected_on",
        "result",
    ];
    let tests = [
        ["IAM-1", "Access review", "2026-06-30", "Effective"],
        ["", "Access review", "2026-09-01", "Ineffective"],
    ];
    let mut evidence = vec![xls::dimensions(0, 3, 0, 5)];
    for (c, text) in header.iter().enumerate() {
        evidence.push(xls::label(0, c as u16, text));
    }
    for (r, [control, what, on, result]) in tests.iter().enumerate() {
        let r = r as u16 + 1;
        if !control.is_empty() {
            evidence.push(xls::label(r, 0, control));
        }
        evidence.push(xls::label(r, 2, what));
        evidence.push(xls::label(r, 3, on));
        evidence.push(xls::label(r, 4, result));
    }
    // MERGEDCELLS: one range, rows 1 to 2 (0-based) of column A.
    let mut merge = 1u16.to_le_bytes().to_vec();
    for bound in [1u16, 2, 0, 0] {
        merge.extend(bound.to_le_bytes());
    }
    evidence.push(xls::record(0x00E5, &merge));
    sheets[2].1 = evidence.concat();
    let path = write_xls(&dir.path().join("q3.xls"), &sheets);
    let inputs = read_inputs(&[path], &Model::default(), &defaults())
        .unwrap_or_else(|e| panic!("refused:\n{e}"));
    let read: Vec<(&str, demarc::inputs::TestResult)> = inputs
        .evidence
        .iter()
        .map(|e| (&*e.control_id, e.result))
        .collect();
    assert_eq!(
        read,
        [
            ("IAM-1", demarc::inputs::TestResult::Effective),
            ("IAM-1", demarc::inputs::TestResult::Ineffective)
        ]
    );
    assert!(
        inputs
            .warnings
            .iter()
            .any(|w| w.ends_with("q3.xls: Evidence!A3: empty in a cell merged down from the row above; read as the merged cell's value, as the sheet shows it")),
        "{:#?}",
        inputs.warnings
    );
}

/// An `.ods` register as LibreOffice saves a merge: the control id typed once in a cell
/// spanning two rows (A2:A3), the cell below it "covered". It is read on both rows, with a
/// warning naming the cell filled, as in an `.xlsx` or `.xls` (calamine reads an `.ods`'s
/// values but not its merges).
#[test]
fn an_ods_cell_merged_down_stands_for_its_value_on_every_row_it_spans() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = [
        ods_row(&[
            ods_text("control_id"),
            ods_text("evidence"),
            ods_text("collected_on"),
            ods_text("result"),
        ]),
        ods_row(&[
            ods_merged("IAM-1", 2, 1),
            ods_text("Access review"),
            ods_text("2026-06-30"),
            ods_text("Effective"),
        ]),
        ods_row(&[
            "<table:covered-table-cell/>".to_string(),
            ods_text("Access review"),
            ods_text("2026-09-01"),
            ods_text("Ineffective"),
        ]),
    ]
    .concat();
    let path = ods_company(dir.path(), &evidence);
    let inputs = read_inputs(&[path], &Model::default(), &defaults())
        .unwrap_or_else(|e| panic!("refused:\n{e}"));
    let read: Vec<(&str, demarc::inputs::TestResult, u32)> = inputs
        .evidence
        .iter()
        .map(|e| (&*e.control_id, e.result, e.source.row))
        .collect();
    assert_eq!(
        read,
        [
            ("IAM-1", demarc::inputs::TestResult::Effective, 2),
            ("IAM-1", demarc::inputs::TestResult::Ineffective, 3)
        ]
    );
    assert!(
        inputs
            .warnings
            .iter()
            .any(|w| w.ends_with("q3.ods: Evidence!A3: empty in a cell merged down from the row above; read as the merged cell's value, as the sheet shows it")),
        "{:#?}",
        inputs.warnings
    );
}

/// A two-row `.ods` header, as the `.xlsx` one of `merged_header_cells`: "Control ID" and
/// "Collected on" merged down over both rows, "Test" across "Result" and "Tester".
#[test]
fn an_ods_header_merged_over_two_rows_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let date = "<table:table-cell office:value-type=\"date\" office:date-value=\"2026-09-01\"><text:p>2026-09-01</text:p></table:table-cell>";
    let evidence = [
        ods_row(&[
            ods_merged("Control ID", 2, 1),
            ods_merged("Collected on", 2, 1),
            ods_merged("Test", 1, 2),
            "<table:covered-table-cell/>".to_string(),
        ]),
        ods_row(&[
            "<table:covered-table-cell table:number-columns-repeated=\"2\"/>".to_string(),
            ods_text("Result"),
            ods_text("Tester"),
        ]),
        ods_row(&[
            ods_text("IAM-1"),
            date.to_string(),
            ods_text("Effective"),
            ods_text("A. Tester"),
        ]),
    ]
    .concat();
    let path = ods_company(dir.path(), &evidence);
    let inputs = read_inputs(&[path], &Model::default(), &defaults())
        .unwrap_or_else(|e| panic!("refused:\n{e}"));
    assert_eq!(inputs.evidence.len(), 1);
    let e = &inputs.evidence[0];
    assert_eq!(&*e.control_id, "IAM-1");
    assert_eq!(e.collected_on, d(2026, 9, 1));
    assert_eq!(&*e.tester, "A. Tester");
    assert_eq!(e.source.row, 3);
}

/// The sample register merged as people do (each run of one control's tests under one
/// control-id cell, 41 merges) and saved by LibreOffice Calc as `.ods`
/// (tests/data/README.md): read as the sample itself, test for test.
#[test]
fn a_register_merged_and_saved_by_libreoffice_reads_as_the_unmerged_one() {
    let evidence = |path: PathBuf| {
        let inputs = read_inputs(&[path], &Model::default(), &defaults())
            .unwrap_or_else(|e| panic!("refused:\n{e}"));
        let rows: Vec<_> = inputs
            .evidence
            .iter()
            .map(|e| {
                (
                    e.control_id.to_string(),
                    e.collected_on,
                    e.result,
                    e.source.row,
                )
            })
            .collect();
        (rows, inputs.warnings)
    };
    let (merged, warnings) = evidence(support::repo("tests/data/northwind-merged.ods"));
    let (sample, _) = evidence(support::repo("samples/northwind.xlsx"));
    assert!(sample.len() > 300, "{}", sample.len());
    assert_eq!(merged, sample);
    assert!(
        warnings.iter().any(|w| w.contains(
            "northwind-merged.ods: Evidence!A8 (and 68 more cells): empty in a cell merged down from the row above"
        )),
        "{warnings:#?}"
    );
}

/// A text cell of an `.ods` table.
fn ods_text(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

/// A text cell spanning `rows` × `columns`, as LibreOffice writes a merge (the cells it
/// covers follow as `covered-table-cell`s).
fn ods_merged(text: &str, rows: u32, columns: u32) -> String {
    format!("<table:table-cell office:value-type=\"string\" table:number-rows-spanned=\"{rows}\" table:number-columns-spanned=\"{columns}\"><text:p>{text}</text:p></table:table-cell>")
}

fn ods_row(cells: &[String]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

/// `q3.ods`: one service (Okta), one control (IAM-1), and `evidence` as its Evidence table.
fn ods_company(dir: &Path, evidence: &str) -> PathBuf {
    let services = [
        ods_row(&[
            ods_text("service"),
            ods_text("provider"),
            ods_text("service_model"),
        ]),
        ods_row(&[ods_text("Okta"), ods_text("Okta"), ods_text("SaaS")]),
    ]
    .concat();
    let controls = [
        ods_row(&[ods_text("control_id"), ods_text("domain")]),
        ods_row(&[
            ods_text("IAM-1"),
            ods_text("Identity and access management"),
        ]),
    ]
    .concat();
    write_ods_tables(
        &dir.join("q3.ods"),
        &[
            ("Services", &services),
            ("Controls", &controls),
            ("Evidence", evidence),
        ],
    )
}

fn write_xls(path: &Path, sheets: &[(&str, Vec<u8>)]) -> PathBuf {
    std::fs::write(path, xls::workbook(sheets, |i, offsets| offsets[i])).unwrap();
    path.to_path_buf()
}

/// The company's workbook with one part's text rewritten.
fn company_patched(dir: &Path, part: &str, patch: impl Fn(String) -> String) -> PathBuf {
    let path = company().write(dir, "q3.xlsx");
    rezip(&path, |name, bytes| {
        if name == part {
            patch(String::from_utf8(bytes).unwrap()).into_bytes()
        } else {
            bytes
        }
    });
    path
}

/// Replaces the value of an attribute on the first tag that has it.
fn set_attribute(xml: &str, key: &str, value: &str) -> String {
    let at = xml.find(&format!(" {key}=\"")).expect(key) + key.len() + 3;
    let end = at + xml[at..].find('"').unwrap();
    format!("{}{value}{}", &xml[..at], &xml[end..])
}

/// A one-table `.ods` whose content is `rows` (the inside of `<table:table>`).
fn write_ods(path: &Path, sheet: &str, rows: &str) -> PathBuf {
    write_ods_tables(path, &[(sheet, rows)])
}

/// An `.ods` of one table per (sheet, rows), `rows` being the inside of `<table:table>`.
fn write_ods_tables(path: &Path, tables: &[(&str, &str)]) -> PathBuf {
    let body: String = tables
        .iter()
        .map(|(sheet, rows)| format!("<table:table table:name=\"{sheet}\">{rows}</table:table>"))
        .collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("mimetype", stored).unwrap();
    writer
        .write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    writer
        .start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(content.as_bytes()).unwrap();
    writer
        .start_file(
            "META-INF/manifest.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>").unwrap();
    writer.finish().unwrap();
    std::fs::write(path, out.into_inner()).unwrap();
    path.to_path_buf()
}

/// The company's workbook, and a vendor's CAIQ declared for Okta at `caiq`.
fn company_with_caiq(dir: &Path, caiq: PathBuf) -> (Vec<PathBuf>, IngestOptions) {
    let book = company().write(dir, "q3.xlsx");
    let mut options = defaults();
    options.vendor_documents.caiq = vec![("Okta".into(), caiq)];
    (vec![book], options)
}

/// A FIFO at `path` (nothing ever writes to it: opening it to read would wait forever).
fn fifo(path: &Path) -> PathBuf {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
    path.to_path_buf()
}

mod hostile_cases {
    use super::*;

    pub fn shared_strings_declaring_a_trillion() -> Case {
        Case {
            name: "shared_strings_declaring_a_trillion",
            // calamine reserves room for the declared count: 24 TB, and the process aborts.
            build: |dir| {
                let path = company_patched(dir, "xl/sharedStrings.xml", |xml| {
                    set_attribute(&xml, "uniqueCount", "1000000000000")
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "xl/sharedStrings.xml declares uniqueCount=\"1000000000000\" shared strings, over the limit of 10000000 (raise [limits] shared_strings in demarc.toml)",
            )]),
        }
    }

    pub fn shared_strings_declaring_1e18() -> Case {
        Case {
            name: "shared_strings_declaring_1e18",
            // Too many to reserve at all: calamine panics (capacity overflow) and prints a
            // backtrace before its error.
            build: |dir| {
                let path = company_patched(dir, "xl/sharedStrings.xml", |xml| {
                    set_attribute(&xml, "uniqueCount", "1000000000000000000")
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "xl/sharedStrings.xml declares uniqueCount=\"1000000000000000000\" shared strings, over the limit of 10000000 (raise [limits] shared_strings in demarc.toml)",
            )]),
        }
    }

    pub fn more_shared_strings_than_the_limit() -> Case {
        Case {
            name: "more_shared_strings_than_the_limit",
            // 55 million `<si/>` in 2.3 MB peak at 3 GB; here the limit is lowered rather
            // than the file enlarged, and no count is declared: the entries are counted.
            build: |dir| {
                let path = company_patched(dir, "xl/sharedStrings.xml", |xml| {
                    set_attribute(&set_attribute(&xml, "uniqueCount", ""), "count", "")
                });
                let limits = Limits {
                    shared_strings: 5,
                    ..Limits::default()
                };
                (vec![path], with_limits(limits))
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "xl/sharedStrings.xml holds more than 5 shared strings, the most demarc reads (raise [limits] shared_strings in demarc.toml)",
            )]),
        }
    }

    pub fn styles_with_more_entries_than_the_limit() -> Case {
        Case {
            name: "styles_with_more_entries_than_the_limit",
            // 45 million `<xf>` in a 2 MB styles.xml peak at 8 GB; the limit is lowered here.
            build: |dir| {
                let path = company_patched(dir, "xl/styles.xml", |xml| {
                    let at = xml.find("<cellXfs").unwrap();
                    let at = at + xml[at..].find('>').unwrap() + 1;
                    let xfs = "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
                        .repeat(300);
                    format!("{}{xfs}{}", &xml[..at], &xml[at..])
                });
                let limits = Limits {
                    styles: 200,
                    ..Limits::default()
                };
                (vec![path], with_limits(limits))
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "xl/styles.xml holds more than 200 style entries, the most demarc reads (Excel itself stops at 64,000 cell formats: raise [limits] styles in demarc.toml)",
            )]),
        }
    }

    pub fn two_thousand_sheets_on_one_part_as_a_caiq() -> Case {
        Case {
            name: "two_thousand_sheets_on_one_part_as_a_caiq",
            // Every sheet entry names the same worksheet: `unzipped_mb` counts its data
            // once, and each sheet would read it again.
            build: |dir| {
                let caiq = company().write(dir, "okta-caiq.xlsx");
                rezip(&caiq, |name, bytes| {
                    if name != "xl/workbook.xml" {
                        return bytes;
                    }
                    let xml = String::from_utf8(bytes).unwrap();
                    let start = xml.find("<sheets>").unwrap() + "<sheets>".len();
                    let end = xml.find("</sheets>").unwrap();
                    let sheets: String = (1..=2000)
                        .map(|i| format!("<sheet name=\"Copy {i}\" sheetId=\"{i}\" r:id=\"rId3\"/>"))
                        .collect();
                    format!("{}{sheets}{}", &xml[..start], &xml[end..]).into_bytes()
                });
                company_with_caiq(dir, caiq)
            },
            expect: Expect::Refused(&[(
                "okta-caiq.xlsx",
                None,
                None,
                "xl/workbook.xml lists more than 1000 sheets, the most demarc reads in one workbook (raise [limits] sheets in demarc.toml)",
            )]),
        }
    }

    pub fn two_sheets_on_one_part() -> Case {
        Case {
            name: "two_sheets_on_one_part",
            build: |dir| {
                let path = company_patched(dir, "xl/workbook.xml", |xml| {
                    xml.replace(
                        "</sheets>",
                        "<sheet name=\"Evidence again\" sheetId=\"9\" r:id=\"rId3\"/></sheets>",
                    )
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence again"),
                None,
                "the sheet is the same part (xl/worksheets/sheet3.xml) as sheet \"Evidence\": a workbook never holds one sheet twice, and each copy would be read in full (the file is malformed; save it again from Excel)",
            )]),
        }
    }

    pub fn duplicated_zip_entry() -> Case {
        Case {
            name: "duplicated_zip_entry",
            // A second Evidence sheet under the same name: readers silently take the later.
            build: |dir| {
                let path = company().write(dir, "q3.xlsx");
                let mut entries: Vec<craft::Entry> = unzip(&path)
                    .into_iter()
                    .map(|(name, bytes)| craft::Entry::stored(&name, bytes))
                    .collect();
                let sheet = entries
                    .iter()
                    .find(|e| e.name == "xl/worksheets/sheet3.xml")
                    .unwrap();
                let copy = craft::Entry::stored(&sheet.name, sheet.data.clone());
                entries.push(copy);
                std::fs::write(&path, craft::zip(&entries)).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "the workbook holds two parts named xl/worksheets/sheet3.xml: one would be read and the other silently ignored (the file is malformed or tampered with; save it again from Excel)",
            )]),
        }
    }

    pub fn xls_workbook() -> Case {
        Case {
            name: "xls_workbook",
            // A well-formed legacy workbook passes the checks and is read.
            build: |dir| {
                let path = write_xls(&dir.join("q3.xls"), &company_xls_sheets());
                (vec![path], defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence.len(), 1);
                assert_eq!(inputs.evidence[0].collected_on, d(2026, 9, 1));
            }),
        }
    }

    /// The company as `.xls` with Evidence's DIMENSIONS record claiming a full sheet.
    fn xls_with_patched_dimensions(path: &Path) -> PathBuf {
        let mut sheets = company_xls_sheets();
        let mut records = xls::dimensions(0, 1_048_576, 0, 16_384);
        records.extend(xls::label(0, 0, "control_id"));
        sheets[2].1 = records;
        write_xls(path, &sheets)
    }

    pub fn xls_dimensions_patched() -> Case {
        Case {
            name: "xls_dimensions_patched",
            // calamine reserves rows × columns cells from the record: 687 GB.
            build: |dir| {
                let path = xls_with_patched_dimensions(&dir.join("q3.xls"));
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xls",
                Some("Evidence"),
                None,
                "its DIMENSIONS record declares 1048576 rows × 16384 columns = 17179869184 cells; demarc reads .xls sheets of up to 10000000 cells (raise [limits] cells in demarc.toml)",
            )]),
        }
    }

    pub fn xls_dimensions_patched_as_a_caiq() -> Case {
        Case {
            name: "xls_dimensions_patched_as_a_caiq",
            build: |dir| {
                let caiq = xls_with_patched_dimensions(&dir.join("okta-caiq.xls"));
                company_with_caiq(dir, caiq)
            },
            expect: Expect::Refused(&[(
                "okta-caiq.xls",
                Some("Evidence"),
                None,
                "its DIMENSIONS record declares 1048576 rows × 16384 columns = 17179869184 cells; demarc reads .xls sheets of up to 10000000 cells (raise [limits] cells in demarc.toml)",
            )]),
        }
    }

    pub fn xls_cell_at_column_ffff() -> Case {
        Case {
            name: "xls_cell_at_column_ffff",
            build: |dir| {
                let mut sheets = company_xls_sheets();
                sheets[2].1.extend(xls::number(1, 0xFFFF, 1.0));
                let path = write_xls(&dir.join("q3.xls"), &sheets);
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xls",
                Some("Evidence"),
                Some("CRXP2"),
                "the cell is in column 65536, past the 16384 columns demarc reads (raise [limits] columns in demarc.toml)",
            )]),
        }
    }

    pub fn xls_cells_spanning_more_than_the_limit() -> Case {
        Case {
            name: "xls_cells_spanning_more_than_the_limit",
            // Two cells far apart make a dense grid of everything between them.
            build: |dir| {
                let mut sheets = company_xls_sheets();
                sheets[2].1.extend(xls::number(60_000, 200, 1.0));
                let path = write_xls(&dir.join("q3.xls"), &sheets);
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xls",
                Some("Evidence"),
                Some("A1:GS60001"),
                "its cells span 60001 rows × 201 columns = 12060201 cells; demarc reads .xls sheets of up to 10000000 cells (raise [limits] cells in demarc.toml)",
            )]),
        }
    }

    pub fn xls_sheets_at_one_offset() -> Case {
        Case {
            name: "xls_sheets_at_one_offset",
            build: |dir| {
                let mut sheets = company_xls_sheets();
                sheets.push(("Evidence again", Vec::new()));
                let bytes = xls::workbook(&sheets, |i, offsets| offsets[i.min(2)]);
                let path = dir.join("q3.xls");
                std::fs::write(&path, bytes).unwrap();
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xls",
                Some("Evidence again"),
                None,
                "the sheet is stored at the same place as sheet \"Evidence\": a workbook never holds one sheet twice, and each copy would be read in full (the file is malformed; save it again from Excel)",
            )]),
        }
    }

    pub fn ods_repeats_over_the_limit() -> Case {
        Case {
            name: "ods_repeats_over_the_limit",
            // Under a kilobyte: one float cell repeated 16384 columns across and 6000 rows
            // down, which calamine expands into 98 million cells (6 GB).
            build: |dir| {
                let path = write_ods(
                    &dir.join("q3.ods"),
                    "Evidence",
                    "<table:table-row table:number-rows-repeated=\"6000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
                );
                assert!(std::fs::metadata(&path).unwrap().len() < 1024);
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.ods",
                Some("Evidence"),
                Some("row 6000"),
                "counting its repeated rows and columns (table:number-rows-repeated, table:number-columns-repeated), the sheet spans 6000 rows × 16384 columns = 98304000 cells, over the limit of 10000000 (raise [limits] cells in demarc.toml)",
            )]),
        }
    }

    pub fn csv_row_past_the_last_column() -> Case {
        Case {
            name: "csv_row_past_the_last_column",
            // One row of 50 million fields aborted at 6.7 GB; 20,000 show the same refusal.
            build: |dir| {
                let paths = csv_company(dir);
                let mut text = String::from("control_id,service,evidence,collected_on,result\n");
                text.push_str(&vec!["x"; 20_000].join(","));
                text.push('\n');
                std::fs::write(dir.join("evidence.csv"), text).unwrap();
                (paths, defaults())
            },
            expect: Expect::Refused(&[(
                "evidence.csv",
                Some("evidence"),
                Some("XFE2"),
                "the row goes on past column 16384, the most demarc reads (raise [limits] columns in demarc.toml)",
            )]),
        }
    }

    pub fn shared_string_index_minus_one() -> Case {
        Case {
            name: "shared_string_index_minus_one",
            // calamine reads an index it cannot parse as string 0: Evidence!A2 would read
            // as the first shared string ("service") with no word said.
            build: |dir| {
                let path = company_patched(dir, "xl/worksheets/sheet3.xml", |xml| {
                    let cell = xml.find("r=\"A2\"").unwrap();
                    let v = cell + xml[cell..].find("<v>").unwrap() + 3;
                    let end = v + xml[v..].find("</v>").unwrap();
                    format!("{}-1{}", &xml[..v], &xml[end..])
                });
                (vec![path], defaults())
            },
            expect: Expect::Refused(&[(
                "q3.xlsx",
                Some("Evidence"),
                Some("A2"),
                "the cell's shared-string index is \"-1\", which names no string (a reader would silently show the first string instead; the file is malformed: save it again from Excel)",
            )]),
        }
    }

    pub fn phantom_leap_day_1900() -> Case {
        Case {
            name: "phantom_leap_day_1900",
            // Serial 60 is the 29 February 1900 Excel invented; it is read as the 28th,
            // with a warning naming the cell.
            build: |dir| {
                let paths = evidence_tweaked(dir, |ws| {
                    ws.write_number_with_format(1, 3, 60.0, &date_format())
                        .unwrap();
                });
                (paths, defaults())
            },
            expect: Expect::Read(|inputs| {
                assert_eq!(inputs.evidence[0].collected_on, d(1900, 2, 28));
                let warning = inputs
                    .warnings
                    .iter()
                    .find(|w| w.contains("serial 60"))
                    .expect("a warning");
                assert!(
                    warning.ends_with("q3.xlsx: Evidence!D2: date serial 60 is 29 February 1900, a day that never was (Excel counts 1900 as a leap year); read as 1900-02-28: check the cell"),
                    "{warning}"
                );
            }),
        }
    }

    pub fn fifo_as_an_input() -> Case {
        Case {
            name: "fifo_as_an_input",
            build: |dir| (vec![fifo(&dir.join("q3.xlsx"))], defaults()),
            expect: Expect::Refused(&[(
                "q3.xlsx",
                None,
                None,
                "not a regular file (a FIFO, socket or device): demarc reads only regular files",
            )]),
        }
    }

    pub fn fifo_in_an_input_directory() -> Case {
        Case {
            name: "fifo_in_an_input_directory",
            build: |dir| {
                let inputs = dir.join("inputs");
                std::fs::create_dir(&inputs).unwrap();
                company().write(&inputs, "q3.xlsx");
                fifo(&inputs.join("q4.xlsx"));
                (vec![inputs], defaults())
            },
            expect: Expect::Refused(&[(
                "q4.xlsx",
                None,
                None,
                "not a regular file (a FIFO, socket or device): demarc reads only regular files",
            )]),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Hostile paths and bundles, through the binary

fn demarc_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("demarc").unwrap();
    cmd.env("NO_COLOR", "1")
        .current_dir(dir)
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// Runs demarc and returns its exit status and standard error.
fn refused(cmd: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn devices_and_fifos_given_as_settings_model_previous_key_or_bundle_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    csv_company(dir.path());
    let not_regular =
        "not a regular file (a FIFO, socket or device): demarc reads only regular files";
    let fifo_path = fifo(&dir.path().join("bundle.zip"));
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["check", "--config", "/dev/zero"],
            format!("error: /dev/zero: cannot read the settings file: {not_regular}"),
        ),
        (
            vec!["check", ".", "-p", "2026-Q3", "--model", "/dev/zero"],
            format!("error: /dev/zero: cannot read the model file: {not_regular}"),
        ),
        (
            vec!["report", ".", "-p", "2026-Q3", "--previous", "/dev/zero"],
            format!("error: /dev/zero: cannot read it: {not_regular}"),
        ),
        (
            vec!["bundle", ".", "-p", "2026-Q3", "--sign", "/dev/zero"],
            format!("error: /dev/zero: {not_regular}"),
        ),
        (
            vec!["verify", "bundle.zip"],
            format!(
                "error: {}: cannot be verified: {not_regular}",
                fifo_path.file_name().unwrap().to_string_lossy()
            ),
        ),
    ];
    for (args, wanted) in cases {
        let (code, stderr) = refused(demarc_in(dir.path()).args(&args));
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&wanted),
            "{args:?}:\n{stderr}\nwanted: {wanted}"
        );
    }
}

#[test]
fn a_settings_file_over_16_mb_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; (16 << 20) + 1]).unwrap();
    let (code, stderr) = refused(demarc_in(dir.path()).args(["check", "--config", "big.toml"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: big.toml: cannot read the settings file: the file is larger than 16 MB, far more than such a file needs"),
        "{stderr}"
    );
}

/// A bundle whose manifest.json is `{"format": …, "files": [{}, {}, …]}`.
fn bundle_with_manifest_entries(path: &Path, entries: usize) {
    let mut manifest = String::from("{\"format\":\"demarc-evidence-bundle\",\"files\":[");
    manifest.push_str(&vec!["{}"; entries].join(","));
    manifest.push_str("]}");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    writer
        .start_file("manifest.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(manifest.as_bytes()).unwrap();
    writer.finish().unwrap();
}

#[test]
fn a_manifest_listing_more_entries_than_the_limit_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    // A million and one `{}`: 3 MB, compressing to a few kilobytes. Six million took 4.1 GB
    // to parse.
    bundle_with_manifest_entries(&dir.path().join("bundle.zip"), 1_000_001);
    let (code, stderr) = refused(demarc_in(dir.path()).args(["verify", "bundle.zip"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: bundle.zip: cannot be verified: its manifest.json holds 1000002 entries (JSON objects), more than the 1000000 demarc verifies (raise [limits] manifest_entries in demarc.toml)"),
        "{stderr}"
    );
    // The limit is read from demarc.toml (or --config).
    std::fs::write(
        dir.path().join("demarc.toml"),
        "[limits]\nmanifest_entries = 2000000\n",
    )
    .unwrap();
    let (code, stderr) = refused(demarc_in(dir.path()).args(["verify", "bundle.zip"]));
    assert_eq!(code, Some(1), "{stderr}");
}

#[test]
fn parsing_past_memory_mb_ends_with_an_error_naming_the_workbook_not_an_abort() {
    // A workbook the pre-checks pass (nothing in it is declared out of bounds), read under
    // a budget it needs more than: the counting allocator stops the run.
    let dir = tempfile::tempdir().unwrap();
    let mut book = company();
    for i in 0..20_000 {
        let mut evidence = row(&["IAM-1", "", &format!("Access review number {i} of many")]);
        evidence.push(d(2026, 9, 1).into());
        evidence.push("Effective".into());
        book = book.push("Evidence", evidence);
    }
    book.write(dir.path(), "q3.xlsx");
    std::fs::write(
        dir.path().join("demarc.toml"),
        "period = \"2026-Q3\"\n\n[limits]\nmemory_mb = 2\n",
    )
    .unwrap();
    let (code, stderr) = refused(demarc_in(dir.path()).args(["check", "q3.xlsx"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: q3.xlsx: reading it would take more than 2 MB of memory, the most demarc gives one workbook (a hostile or damaged file, or a very large one: raise [limits] memory_mb in demarc.toml)\n"
    );
    // `report` writes files, so there it says none were.
    let (code, stderr) = refused(demarc_in(dir.path()).args(["report", "q3.xlsx"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.ends_with("demarc.toml)\nnothing was written\n"),
        "{stderr}"
    );
    // With the default budget the same workbook reads.
    std::fs::write(dir.path().join("demarc.toml"), "period = \"2026-Q3\"\n").unwrap();
    let (code, stderr) = refused(demarc_in(dir.path()).args(["check", "q3.xlsx"]));
    assert!(matches!(code, Some(0 | 1)), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Headers a person reads as unambiguous (issue 14): registers carry extra columns whose
// names happen to be aliases (`Link`, `ID`, `Date`, `Report`). The column's own name beats
// an alias, an earlier alias beats a later one, and the loser is kept as an extra column
// with a warning naming both cells. Only two headers of the same rank are refused.

/// Reads the inputs, failing the test with the full error when they are refused.
fn read_ok(paths: &[PathBuf]) -> Inputs {
    read_inputs(paths, &Model::default(), &defaults()).unwrap_or_else(|e| panic!("refused:\n{e}"))
}

/// The warnings that mention `needle`.
fn warnings_about<'a>(inputs: &'a Inputs, needle: &str) -> Vec<&'a str> {
    inputs
        .warnings
        .iter()
        .map(String::as_str)
        .filter(|w| w.contains(needle))
        .collect()
}

/// The "kept as an extra column" warnings, without the file they name first.
fn outranked(inputs: &Inputs) -> Vec<String> {
    warnings_about(inputs, "kept as an extra column")
        .iter()
        .map(|w| w.split_once(": ").unwrap().1.to_string())
        .collect()
}

/// The issue's own register: `Link` beside `Evidence File`.
fn register_with_a_link_column() -> Book {
    let mut evidence = row(&["IAM-1", "Okta", "Access review", "reviews/q3.pdf"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.extend(row(&["Effective", "J. Doe", "https://wiki.example/q3"]));
    company().sheet(
        "Evidence",
        &[
            "Control ID",
            "Service",
            "Evidence",
            "Evidence File",
            "Collected On",
            "Result",
            "Tester",
            "Link",
        ],
        vec![evidence],
    )
}

#[test]
fn evidence_link_column_beside_evidence_file_is_kept_as_an_extra_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = register_with_a_link_column().write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.evidence.len(), 1);
    assert_eq!(inputs.evidence[0].file, "reviews/q3.pdf");
    assert_eq!(
        warnings_about(&inputs, "kept as an extra column"),
        [format!(
            "{}: Evidence!H1 \"Link\" kept as an extra column: D1 \"Evidence File\" is evidence_file",
            dir.path().join("q3.xlsx").display()
        )]
    );
}

#[test]
fn evidence_link_column_in_csv_is_kept_as_an_extra_column() {
    let dir = tempfile::tempdir().unwrap();
    let paths = register_with_a_link_column().write_csv(dir.path());
    let inputs = read_ok(&paths);
    assert_eq!(inputs.evidence[0].file, "reviews/q3.pdf");
    assert_eq!(
        outranked(&inputs),
        ["evidence!H1 \"Link\" kept as an extra column: D1 \"Evidence File\" is evidence_file"]
    );
}

#[test]
fn evidence_generic_date_loses_to_a_more_specific_alias_under_a_banner() {
    // Neither header is `collected_on` itself: `Tested On` is listed before `Date`.
    let dir = tempfile::tempdir().unwrap();
    let mut evidence = row(&["IAM-1", "Okta", "not a date at all"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.push("Effective".into());
    let path = company()
        .sheet(
            "Evidence",
            &["Control ID", "Service", "Date", "Tested On", "Result"],
            vec![evidence],
        )
        .banner("Evidence", &["Q3 evidence log", ""])
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.evidence[0].collected_on, d(2026, 9, 1));
    assert_eq!(
        outranked(&inputs),
        ["Evidence!C3 \"Date\" kept as an extra column: D3 \"Tested On\" is collected_on"]
    );
}

#[test]
fn services_vendor_column_beside_provider_is_kept_as_an_extra_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = company()
        .sheet(
            "Services",
            &["Service", "Vendor", "Provider", "Service Model"],
            vec![row(&["Okta", "Reseller Ltd", "Okta", "SaaS"])],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.services[0].provider, "Okta");
    assert_eq!(
        outranked(&inputs),
        ["Services!B1 \"Vendor\" kept as an extra column: C1 \"Provider\" is provider"]
    );
}

#[test]
fn controls_id_ref_and_name_beside_their_columns_are_kept_as_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = company()
        .sheet(
            "Controls",
            &[
                "ID",
                "Ref",
                "Control ID",
                "Name",
                "Title",
                "Domain",
                "Applies To",
            ],
            vec![row(&[
                "17",
                "SOC2 CC6.2",
                "IAM-1",
                "short name",
                "Access reviews",
                "Identity and access management",
                "*",
            ])],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.controls[0].id, "IAM-1");
    assert_eq!(inputs.controls[0].title, "Access reviews");
    assert_eq!(
        outranked(&inputs),
        [
            "Controls!A1 \"ID\" kept as an extra column: C1 \"Control ID\" is control_id",
            "Controls!B1 \"Ref\" kept as an extra column: C1 \"Control ID\" is control_id",
            "Controls!D1 \"Name\" kept as an extra column: E1 \"Title\" is title",
        ]
    );
}

#[test]
fn attestations_report_and_link_beside_report_file_are_kept_as_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = company()
        .sheet(
            "Attestations",
            &[
                "Vendor",
                "Services",
                "Type",
                "Link",
                "Report File",
                "Expires On",
            ],
            vec![vec![
                "Okta".into(),
                "Okta".into(),
                "ISO 27001".into(),
                "https://trust.okta.example".into(),
                "okta-iso.pdf".into(),
                d(2027, 6, 30).into(),
            ]],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.attestations[0].report_file, "okta-iso.pdf");
    assert_eq!(
        outranked(&inputs),
        ["Attestations!D1 \"Link\" kept as an extra column: E1 \"Report File\" is report_file"]
    );
}

#[test]
fn cuecs_id_beside_cuec_id_is_kept_as_an_extra_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = company()
        .sheet(
            "CUECs",
            &["Vendor", "ID", "CUEC ID", "Description", "Control"],
            vec![row(&[
                "Okta",
                "7",
                "CUEC-1",
                "Customers review access",
                "IAM-1",
            ])],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.cuecs[0].cuec_id, "CUEC-1");
    assert_eq!(inputs.cuecs[0].mapped_control.as_deref(), Some("IAM-1"));
    assert_eq!(
        outranked(&inputs),
        ["CUECs!B1 \"ID\" kept as an extra column: C1 \"CUEC ID\" is cuec_id"]
    );
}

// ---------------------------------------------------------------------------------------
// Formula cells with no computed value (issue 14): a workbook written by a script holds
// `<f>` without `<v>`; Excel computes it on opening, demarc cannot. Read as blank, it
// silently turned a control's title into "untitled".

/// Writes `book` with formulas in the given (sheet, row, col) cells, then strips their
/// cached values from the zip, as a script that writes workbooks leaves them.
fn with_uncomputed_formulas(book: &Book, path: &Path, cells: &[(&str, u32, u16, &str)]) {
    write_xlsx(book, path, |wb| {
        for (sheet, row, col, formula) in cells {
            let ws = wb.worksheet_from_name(sheet).unwrap();
            ws.write_formula(*row, *col, Formula::new(*formula).set_result("UNCOMPUTED"))
                .unwrap();
        }
    });
    rezip(path, |name, bytes| {
        if !name.starts_with("xl/worksheets/") {
            return bytes;
        }
        let text = String::from_utf8(bytes).unwrap();
        text.replace(" t=\"str\"", "")
            .replace("<v>UNCOMPUTED</v>", "")
            .into_bytes()
    });
}

#[test]
fn uncomputed_formula_in_a_text_column_is_read_as_blank_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q3.xlsx");
    // Controls!B2 is the title; "= Not a heading" is text a person typed after "=".
    with_uncomputed_formulas(&company(), &path, &[("Controls", 1, 1, "= Not a heading")]);
    let inputs = read_ok(std::slice::from_ref(&path));
    assert_eq!(inputs.controls[0].title, "");
    assert_eq!(
        warnings_about(&inputs, "formula"),
        [format!(
            "{}: Controls!B2: title: read as blank: the cell holds a formula with no computed value (a workbook written by a script, or text typed starting with \"=\"): open and save the workbook in Excel or LibreOffice so the formula is computed, or type the text with a leading apostrophe",
            path.display()
        )]
    );
}

#[test]
fn uncomputed_formulas_down_a_column_give_one_warning_with_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q3.xlsx");
    let book = company()
        .push("Evidence", {
            let mut r = row(&["IAM-1", "", "Second review"]);
            r.push(d(2026, 9, 2).into());
            r.push("Effective".into());
            r
        })
        .push("Evidence", {
            let mut r = row(&["IAM-1", "", "Third review"]);
            r.push(d(2026, 9, 3).into());
            r.push("Effective".into());
            r
        });
    let cells: Vec<(&str, u32, u16, &str)> = (1..=3)
        .map(|r| ("Evidence", r, 2, "=CONCAT(\"review \", A2)"))
        .collect();
    with_uncomputed_formulas(&book, &path, &cells);
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.evidence.len(), 3);
    let warnings = warnings_about(&inputs, "formula");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("Evidence!C2: evidence: read as blank (and 2 more cells in the column): the cell holds a formula with no computed value"),
        "{warnings:?}"
    );
}

#[test]
fn uncomputed_formula_in_a_required_column_is_an_error_saying_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q3.xlsx");
    // Evidence!A2 is control_id, D2 collected_on (required), E2 result (a choice).
    with_uncomputed_formulas(
        &company(),
        &path,
        &[
            ("Evidence", 1, 0, "=Controls!A2"),
            ("Evidence", 1, 3, "=TODAY()"),
            ("Evidence", 1, 4, "=IF(TRUE,\"Effective\")"),
        ],
    );
    let error = read_inputs(&[path], &Model::default(), &defaults()).unwrap_err();
    let shown = error.to_string();
    let fix = "the cell holds a formula with no computed value (a workbook written by a script, or text typed starting with \"=\"): open and save the workbook in Excel or LibreOffice so the formula is computed, or type the text with a leading apostrophe";
    for wanted in [
        format!("Evidence!A2: control_id: required, but {fix}"),
        format!("Evidence!D2: collected_on: expected a date (a date cell, 2026-09-30, or 30 Sep 2026), but {fix}"),
        "Evidence!E2: result: expected one of ".to_string(),
    ] {
        assert!(shown.contains(&wanted), "missing {wanted:?} in:\n{shown}");
    }
    assert!(shown.contains(&format!("but {fix}")), "{shown}");
}

// ---------------------------------------------------------------------------------------
// Names that hide what they say (issue 15): bidi controls and zero-width characters are
// removed with a warning; names that differ only by look-alike letters get a warning
// naming both cells.

#[test]
fn hidden_characters_in_names_are_removed_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut evidence = row(&["IAM-1", "Ok\u{200b}ta", "Access review"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.push("Effective".into());
    let path = company()
        .sheet(
            "Services",
            &["service", "provider", "service_model"],
            vec![row(&["Okta\u{202e}", "Okta", "SaaS"])],
        )
        .sheet(
            "Evidence",
            &[
                "control_id",
                "service",
                "evidence",
                "collected_on",
                "result",
            ],
            vec![evidence],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(std::slice::from_ref(&path));
    assert_eq!(inputs.services[0].name, "Okta");
    assert_eq!(inputs.evidence[0].service.as_deref(), Some("Okta"));
    let warnings: Vec<String> = warnings_about(&inputs, "hidden characters")
        .iter()
        .map(|w| w.split_once(": ").unwrap().1.to_string())
        .collect();
    assert_eq!(
        warnings,
        [
            "Services!A2: service: hidden characters (bidirectional controls, zero-width or control characters) removed: they change what a name seems to say without being seen",
            "Evidence!B2: service: hidden characters (bidirectional controls, zero-width or control characters) removed: they change what a name seems to say without being seen",
        ]
    );
}

#[test]
fn look_alike_names_get_a_warning_naming_both_cells() {
    let dir = tempfile::tempdir().unwrap();
    // A Cyrillic O (U+041E) in the attestation's vendor: demarc reads another vendor.
    let path = company()
        .sheet(
            "Attestations",
            &["vendor", "services", "type", "expires_on"],
            vec![vec![
                "\u{41e}kta".into(),
                "*".into(),
                "ISO 27001".into(),
                d(2027, 6, 30).into(),
            ]],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(std::slice::from_ref(&path));
    let warnings = warnings_about(&inputs, "look alike");
    assert_eq!(
        warnings,
        [format!(
            "{0}: Services!B2 \"Okta\" and {0}: Attestations!A2 \"\u{41e}kta\" look alike but are different vendor names to demarc (look-alike characters U+041E): check which one is meant",
            path.display()
        )]
    );
}

#[test]
fn a_catalogue_headed_id_and_control_reads_the_statement_as_the_title() {
    // `ID | Control | Domain`: the ID is the identifier and Control the statement. Before,
    // both read as control_id and the register was refused.
    let dir = tempfile::tempdir().unwrap();
    let path = company()
        .sheet(
            "Controls",
            &["ID", "Control", "Domain", "Applies To"],
            vec![row(&[
                "IAM-1",
                "Access is reviewed quarterly",
                "Identity and access management",
                "*",
            ])],
        )
        .write(dir.path(), "q3.xlsx");
    let inputs = read_ok(&[path]);
    assert_eq!(inputs.controls[0].id, "IAM-1");
    assert_eq!(inputs.controls[0].title, "Access is reviewed quarterly");
    assert_eq!(
        warnings_about(&inputs, "read as title")
            .iter()
            .map(|w| w.split_once(": ").unwrap().1)
            .collect::<Vec<_>>(),
        ["Controls!B1 \"Control\" read as title: A1 \"ID\" is control_id"]
    );
}
