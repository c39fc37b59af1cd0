//! Property tests standing in for fuzzing (cargo-fuzz needs a nightly toolchain): header
//! matching, text dates, CSV ingest and xlsx ingest — none may panic, and every input
//! problem must be located.
//!
//! `cargo test` runs a few cases of each. To fuzz for a bounded time, give each property
//! a number of seconds (it runs batches of fresh random cases until the time is up):
//!
//! ```sh
//! FUZZ_SECONDS=600 cargo test --release --test it -- fuzz:: --test-threads=1 --nocapture
//! ```
//!
//! `PROPTEST_CASES=N` sets the batch size instead of the default (32).

use crate::support;

use demarc::ingest::columns::{locate_header, SheetKind};
use demarc::ingest::dates::{parse_text_date, DateOrder};
use demarc::ingest::table::Table;
use demarc::ingest::{read_inputs, IngestOptions, Limits};
use demarc::model::Model;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{d, row, Book};

/// Runs a property: one batch of cases, or batches until `FUZZ_SECONDS` have passed.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let batch: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let start = Instant::now();
    let mut cases: u64 = 0;
    loop {
        let mut runner = TestRunner::new(Config {
            cases: batch,
            failure_persistence: None,
            ..Config::default()
        });
        match runner.run(&strategy, &test) {
            Ok(()) => cases += u64::from(batch),
            Err(TestError::Fail(reason, value)) => {
                panic!("{name}: failed after {cases} cases: {reason}\nminimal input: {value:#?}")
            }
            Err(e) => panic!("{name}: {e}"),
        }
        match seconds {
            Some(s) if start.elapsed() < Duration::from_secs(s) => continue,
            _ => break,
        }
    }
    if seconds.is_some() {
        eprintln!(
            "{name}: {cases} cases in {:.0} s, no failure",
            start.elapsed().as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Header matching

/// Writes a header the way people do: any case, spaces, underscores, hyphens, `#`, stray
/// punctuation around it.
fn mangled(name: &'static str) -> impl Strategy<Value = String> {
    let words: Vec<&'static str> = name.split('_').collect();
    (
        proptest::collection::vec(any::<bool>(), name.len()),
        proptest::sample::select(vec![" ", "_", "-", "", "  "]),
        proptest::sample::select(vec!["", " ", "# ", "* ", "("]),
        proptest::sample::select(vec!["", " ", " #", ":", ")", " *", "."]),
    )
        .prop_map(move |(upper, sep, before, after)| {
            let joined = words.join(sep);
            let cased: String = joined
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
                .collect();
            format!("{before}{cased}{after}")
        })
}

fn sheet_kind() -> impl Strategy<Value = SheetKind> {
    proptest::sample::select(SheetKind::ALL.to_vec())
}

/// A sheet kind, its columns' canonical names mangled and shuffled, and a few banner rows.
fn header_row() -> impl Strategy<Value = (SheetKind, Vec<(String, &'static str)>, usize)> {
    sheet_kind()
        .prop_flat_map(|kind| {
            let names: Vec<&'static str> = kind.columns().iter().map(|c| c.name).collect();
            let mangled: Vec<_> = names.iter().map(|n| mangled(n)).collect();
            (Just(kind), mangled, Just(names), 0usize..4)
        })
        .prop_flat_map(|(kind, headers, names, banner)| {
            let pairs: Vec<(String, &'static str)> = headers.into_iter().zip(names).collect();
            (Just(kind), Just(pairs).prop_shuffle(), Just(banner))
        })
}

#[test]
fn a_shuffled_mangled_header_row_maps_every_column() {
    check("header mapping", header_row(), |(kind, pairs, banner)| {
        let mut records: Vec<csv::StringRecord> = (0..banner)
            .map(|i| csv::StringRecord::from(vec![format!("Banner line {i}")]))
            .collect();
        records.push(csv::StringRecord::from(
            pairs.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>(),
        ));
        let table = Table::from_records(&records);
        let map =
            locate_header(&table, kind).ok_or_else(|| TestCaseError::fail("no header found"))?;
        prop_assert_eq!(map.header_row, banner);
        for (col, (header, name)) in pairs.iter().enumerate() {
            prop_assert_eq!(
                map.position(kind, name),
                Some(col),
                "{:?} (for {}) not mapped to its column",
                header,
                name
            );
        }
        prop_assert!(map.duplicates.is_empty(), "{:?}", map.duplicates);
        Ok(())
    });
}

#[test]
fn header_matching_never_panics() {
    let rows = proptest::collection::vec(proptest::collection::vec(".{0,20}", 0..12), 0..25);
    check("header matching", (sheet_kind(), rows), |(kind, rows)| {
        let records: Vec<csv::StringRecord> = rows
            .iter()
            .map(|r| csv::StringRecord::from(r.clone()))
            .collect();
        let table = Table::from_records(&records);
        if let Some(map) = locate_header(&table, kind) {
            prop_assert!(map.header_row < table.height());
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Text dates

fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (1000i32..=9999, 1u32..=12, 1u32..=31).prop_filter_map("a real date", |(y, m, day)| {
        chrono::NaiveDate::from_ymd_opt(y, m, day)
    })
}

#[test]
fn text_dates_round_trip() {
    check("date round trip", date(), |date| {
        for format in [
            "%Y-%m-%d",
            "%Y-%m-%dT%H:%M:%S",
            "%Y/%m/%d",
            "%d %b %Y",
            "%d %B %Y",
            "%b %d, %Y",
            "%B %d %Y",
            "%d-%b-%Y",
        ] {
            let text = date
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .format(format)
                .to_string();
            prop_assert_eq!(parse_text_date(&text, None), Ok(date), "{}", text);
        }
        let dmy = date.format("%d/%m/%Y").to_string();
        prop_assert_eq!(
            parse_text_date(&dmy, Some(DateOrder::Dmy)),
            Ok(date),
            "{}",
            dmy
        );
        let mdy = date.format("%m/%d/%Y").to_string();
        prop_assert_eq!(
            parse_text_date(&mdy, Some(DateOrder::Mdy)),
            Ok(date),
            "{}",
            mdy
        );
        Ok(())
    });
}

#[test]
fn text_date_parsing_never_panics() {
    let text = prop_oneof![
        ".*",
        "[0-9/.\\- ]{0,20}",
        "[0-9]{1,6}[/.\\-][0-9]{1,6}[/.\\-][0-9]{1,12}",
        "[0-9]{1,3} [A-Za-z]{2,10},? [0-9]{1,12}",
    ];
    let order = proptest::option::of(proptest::sample::select(vec![
        DateOrder::Dmy,
        DateOrder::Mdy,
    ]));
    check("date parsing", (text, order), |(text, order)| {
        if let Ok(date) = parse_text_date(&text, order) {
            use chrono::Datelike;
            prop_assert!(
                (1000..=9999).contains(&date.year()) || date.year() > 9999,
                "{}",
                text
            );
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------
// Ingest of arbitrary cell text

/// Any text a cell may hold: anything printable, date-like and list-like text, formula
/// and markup syntax, and control characters.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[0-9/\\-. ]{0,14}",
        "(#REF!|#N/A|=1+1|\\{\\{x\\}\\}|#set page|\\*|;|,|\\n)*",
        "[\\x00-\\x1F\\x7F]{0,5}",
        Just("x".repeat(40_000)),
    ]
}

/// The company of the corpus, with arbitrary text written into one cell of one sheet.
fn company_with(sheet: usize, row_index: usize, col: usize, text: &str) -> Book {
    let mut evidence = row(&["IAM-1", "", "Access review"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.push("Effective".into());
    let mut book = Book::new()
        .sheet(
            "Services",
            &[
                "service",
                "provider",
                "service_model",
                "data_classes",
                "in_scope",
            ],
            vec![row(&["Okta", "Okta", "SaaS", "PII", "yes"])],
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
        .sheet(
            "Attestations",
            &[
                "vendor",
                "type",
                "period_start",
                "period_end",
                "exceptions",
                "domains",
            ],
            vec![row(&[
                "Okta",
                "SOC 2 Type II",
                "2025-07-01",
                "2026-06-30",
                "0",
                "*",
            ])],
        );
    let target = &mut book.sheets[sheet % 4];
    let width = target.header.len();
    if row_index == 0 {
        target.header[col % width] = text.to_string();
    } else {
        let r = &mut target.rows[0];
        r[col % width] = text.into();
    }
    book
}

/// Every problem names the file; one about a cell names its sheet and location.
fn located(error: &demarc::ingest::IngestError) -> Result<(), TestCaseError> {
    for e in &error.errors {
        prop_assert!(!e.file.is_empty(), "{e}");
        if e.location.is_some() {
            prop_assert!(e.sheet.is_some(), "{e}");
        }
        prop_assert!(!e.problem.is_empty(), "{e}");
        prop_assert!(
            e.problem.len() < 2_000,
            "a problem quotes too much: {}",
            e.problem.len()
        );
    }
    Ok(())
}

fn ingest(paths: &[PathBuf]) -> Result<(), TestCaseError> {
    let limits = Limits {
        cell_chars: 32_767,
        ..Limits::default()
    };
    let options = IngestOptions {
        limits,
        ..IngestOptions::default()
    };
    match read_inputs(paths, &Model::default(), &options) {
        Ok(_) => Ok(()),
        Err(error) => located(&error),
    }
}

fn place() -> impl Strategy<Value = (usize, usize, usize)> {
    (0usize..4, 0usize..2, 0usize..8)
}

#[test]
fn csv_ingest_of_arbitrary_cells_never_panics() {
    check(
        "csv ingest",
        (place(), cell_text()),
        |((sheet, r, c), text)| {
            let dir = tempfile::tempdir().unwrap();
            let paths = company_with(sheet, r, c, &text).write_csv(dir.path());
            ingest(&paths)
        },
    );
}

#[test]
fn csv_ingest_of_arbitrary_bytes_never_panics() {
    let bytes = proptest::collection::vec(any::<u8>(), 0..2_000);
    check("csv bytes", bytes, |bytes| {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = company_with(0, 1, 0, "Okta").write_csv(dir.path());
        let evidence = dir.path().join("evidence.csv");
        std::fs::write(&evidence, &bytes).unwrap();
        paths.retain(|p| p != &evidence);
        paths.push(evidence);
        ingest(&paths)
    });
}

#[test]
fn xlsx_ingest_of_arbitrary_cells_never_panics() {
    // rust_xlsxwriter refuses strings over Excel's 32,767 characters.
    let text = cell_text().prop_map(|t| t.chars().take(32_767).collect::<String>());
    check("xlsx ingest", (place(), text), |((sheet, r, c), text)| {
        let dir = tempfile::tempdir().unwrap();
        let path = company_with(sheet, r, c, &text).write(dir.path(), "q3.xlsx");
        ingest(&[path])
    });
}

#[test]
fn xlsx_ingest_of_arbitrary_numbers_in_date_cells_never_panics() {
    let number = prop_oneof![any::<f64>(), -1e7f64..3e6, 0f64..3e6];
    check("xlsx date serials", (0usize..3, number), |(col, n)| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q3.xlsx");
        write_numbers(&path, col, n);
        ingest(&[path])
    });
}

/// The company, as a workbook whose Evidence row has `n` in a date-formatted cell.
fn write_numbers(path: &Path, col: usize, n: f64) {
    let book = company_with(0, 1, 0, "Okta");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &book.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (c, cell) in sheet.rows[0].iter().enumerate() {
            if let support::Cell::Text(t) = cell {
                ws.write_string(1, c as u16, t).unwrap();
            }
        }
        if sheet.name == "Evidence" {
            ws.write_string(1, 0, "IAM-1").unwrap();
            ws.write_number_with_format(1, [3u16, 4, 1][col], n, &date)
                .unwrap();
        }
    }
    workbook.save(path).unwrap();
}

#[test]
fn xlsx_ingest_of_damaged_bytes_never_panics() {
    // A real workbook with bytes overwritten and the tail cut at random.
    let damage = (
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    );
    let dir = tempfile::tempdir().unwrap();
    let original =
        std::fs::read(company_with(0, 1, 0, "Okta").write(dir.path(), "base.xlsx")).unwrap();
    check("xlsx damage", damage, |(writes, cut, truncate)| {
        let mut bytes = original.clone();
        for (at, byte) in writes {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q3.xlsx");
        std::fs::write(&path, bytes).unwrap();
        ingest(&[path])
    });
}

// ---------------------------------------------------------------------------------------
// Declared counts and repeat attributes (issue 15): whatever a file declares, reading it
// must end in a result or a located error — never an abort, which would kill this whole
// test process. Limits are kept small so that anything they let through is cheap to read.

/// A declared count as a file might write it: any 64-bit number, a number too long for
/// 64 bits, a negative one, or not a number at all.
fn declared_count() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..100).prop_map(|n| n.to_string()),
        "[0-9]{20,40}",
        "-[0-9]{1,20}",
        "[ a-z+-]{0,6}",
    ]
}

/// Rewrites one attribute's value on the first tag holding it.
fn with_attribute(xml: &str, key: &str, value: &str) -> String {
    match xml.find(&format!(" {key}=\"")) {
        Some(at) => {
            let at = at + key.len() + 3;
            let end = at + xml[at..].find('"').unwrap();
            format!("{}{value}{}", &xml[..at], &xml[end..])
        }
        None => xml.to_string(),
    }
}

/// The company's workbook with parts rewritten.
fn company_rewritten(dir: &Path, rewrite: impl Fn(&str, String) -> String) -> PathBuf {
    use std::io::{Read, Write};
    let path = company_with(0, 1, 0, "Okta").write(dir, "q3.xlsx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        entries.push((name.clone(), rewrite(&name, text)));
    }
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, text) in entries {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    path
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (1u64..200_000, 1u64..500, 1u64..50, 1u64..2_000).prop_map(
        |(shared_strings, styles, sheets, cells)| Limits {
            shared_strings,
            styles,
            sheets,
            cells: cells * 1_000,
            ..Limits::default()
        },
    )
}

fn read_with(paths: &[PathBuf], limits: Limits) -> Result<Result<(), String>, TestCaseError> {
    let options = IngestOptions {
        limits,
        ..IngestOptions::default()
    };
    match read_inputs(paths, &Model::default(), &options) {
        Ok(_) => Ok(Ok(())),
        Err(error) => {
            located(&error)?;
            Ok(Err(error.to_string()))
        }
    }
}

#[test]
fn xlsx_declared_counts_never_abort() {
    let strategy = (
        declared_count(),
        declared_count(),
        0usize..600,
        0usize..60,
        small_limits(),
    );
    check(
        "xlsx declared counts",
        strategy,
        |(unique, count, xfs, sheet_entries, limits)| {
            let dir = tempfile::tempdir().unwrap();
            let path = company_rewritten(dir.path(), |name, xml| match name {
                "xl/sharedStrings.xml" => with_attribute(
                    &with_attribute(&xml, "uniqueCount", &unique),
                    "count",
                    &count,
                ),
                "xl/styles.xml" => match xml.find("<cellXfs") {
                    Some(at) => {
                        let at = at + xml[at..].find('>').unwrap() + 1;
                        format!("{}{}{}", &xml[..at], "<xf/>".repeat(xfs), &xml[at..])
                    }
                    None => xml,
                },
                "xl/workbook.xml" => {
                    let extra: String = (0..sheet_entries)
                        .map(|i| {
                            format!(
                                "<sheet name=\"Extra {i}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
                                100 + i,
                                1 + i % 3
                            )
                        })
                        .collect();
                    xml.replace("</sheets>", &format!("{extra}</sheets>"))
                }
                _ => xml,
            });
            let result = read_with(&[path], limits)?;
            // A declared count over the limit is refused, by the key that governs it (the
            // sheet list is checked first: extra entries are refused before it).
            let declared = unique.trim().parse::<u64>().ok().or_else(|| {
                (!unique.is_empty() && unique.bytes().all(|b| b.is_ascii_digit()))
                    .then_some(u64::MAX)
            });
            if sheet_entries == 0 && declared.is_some_and(|n| n > limits.shared_strings) {
                // The sheet list is checked first: under a `sheets` limit smaller than the
                // workbook's own sheets, that is the refusal (found by a 10-minute run).
                let error = result.clone().unwrap_err();
                prop_assert!(
                    error.contains("[limits] shared_strings") || error.contains("[limits] sheets"),
                    "{error}"
                );
            }
            if sheet_entries > 0 {
                // Extra sheet entries point at parts already listed: refused, never read twice.
                prop_assert!(result.is_err());
            }
            Ok(())
        },
    );
}

#[test]
fn ods_repeat_attributes_never_abort() {
    let repeat = prop_oneof![1u64..5_000, any::<u64>(), Just(1_048_576u64)];
    let strategy = (
        repeat.clone(),
        repeat.clone(),
        repeat,
        any::<bool>(),
        small_limits(),
    );
    check(
        "ods repeats",
        strategy,
        |(empty_rows, rows, columns, typed, limits)| {
            let dir = tempfile::tempdir().unwrap();
            let value = if typed {
                "office:value-type=\"float\" office:value=\"1\""
            } else {
                ""
            };
            let content = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Evidence\">\
                 <table:table-row table:number-rows-repeated=\"{empty_rows}\"><table:table-cell table:number-columns-repeated=\"3\"/></table:table-row>\
                 <table:table-row table:number-rows-repeated=\"{rows}\"><table:table-cell table:number-columns-repeated=\"{columns}\" {value}/></table:table-row>\
                 </table:table></office:spreadsheet></office:body></office:document-content>"
            );
            let path = dir.path().join("q3.ods");
            {
                use std::io::Write;
                let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
                let options = zip::write::SimpleFileOptions::default();
                writer.start_file("mimetype", options).unwrap();
                writer
                    .write_all(b"application/vnd.oasis.opendocument.spreadsheet")
                    .unwrap();
                writer.start_file("content.xml", options).unwrap();
                writer.write_all(content.as_bytes()).unwrap();
                writer.finish().unwrap();
            }
            let result = read_with(&[path], limits)?;
            if typed && rows.saturating_mul(columns) > limits.cells {
                let error = result.unwrap_err();
                prop_assert!(error.contains("[limits] cells"), "{error}");
            }
            Ok(())
        },
    );
}

#[test]
fn xls_dimensions_and_cell_positions_never_abort() {
    let strategy = (
        any::<(u32, u32, u16, u16)>(),
        proptest::collection::vec(any::<(u16, u16)>(), 0..4),
        small_limits(),
    );
    check(
        "xls dimensions",
        strategy,
        |((first_row, end_row, first_col, end_col), cells, limits)| {
            let dir = tempfile::tempdir().unwrap();
            let mut records = support::xls::dimensions(first_row, end_row, first_col, end_col);
            for (row, col) in &cells {
                records.extend(support::xls::number(*row, *col, 1.0));
            }
            let path = dir.path().join("q3.xls");
            std::fs::write(
                &path,
                support::xls::workbook(&[("Evidence", records)], |i, offsets| offsets[i]),
            )
            .unwrap();
            // Any outcome will do, so long as it is one (and its errors are located).
            let _ = read_with(&[path], limits)?;
            Ok(())
        },
    );
}
