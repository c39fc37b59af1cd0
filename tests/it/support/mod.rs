//! Shared by the integration tests: build small workbooks in code (so each test shows its
//! input beside its assertion), run the library or the binary on them, read PDFs' text.
#![allow(dead_code)]

pub mod craft;
pub mod xls;

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

/// The `demarc` binary, without colour (its output is compared as text).
pub fn demarc() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("demarc").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The sample company's reports (`samples/demarc.toml`), written into `out`.
/// Writes `book` as `q3.xlsx` in `dir` and runs `demarc report` on it for 2026-Q3 with the
/// `extra` options; returns the workbook's path and the output root (`dir/out`).
pub fn report_q3(dir: &Path, book: &Book, extra: &[&str]) -> (PathBuf, PathBuf) {
    let path = book.write(dir, "q3.xlsx");
    let out = dir.join("out");
    demarc()
        .arg("report")
        .arg(&path)
        .args(["--period", "2026-Q3"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    (path, out)
}

/// The Attestations sheet's columns with the issue and expiry dates, which
/// `small_company()` leaves out.
pub const ATTESTATIONS_DATED: &[&str] = &[
    "vendor",
    "services",
    "type",
    "period_start",
    "period_end",
    "issued_on",
    "expires_on",
    "opinion",
    "exceptions",
    "bridge_letter_through",
    "domains",
];

/// One cell of a test workbook.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// A real spreadsheet date cell.
    Date(NaiveDate),
    Number(f64),
    Blank,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        if text.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(text.to_string())
        }
    }
}

impl From<NaiveDate> for Cell {
    fn from(date: NaiveDate) -> Cell {
        Cell::Date(date)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// A row of text cells.
pub fn row(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| Cell::from(*c)).collect()
}

/// A date.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A sheet: name, optional banner rows above the header, header, rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub banner: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook under construction.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// Adds a sheet, or replaces the one of that name where it stands.
    pub fn sheet(mut self, name: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> Book {
        let sheet = Sheet {
            name: name.to_string(),
            banner: Vec::new(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        match self.sheets.iter_mut().find(|s| s.name == name) {
            Some(existing) => *existing = sheet,
            None => self.sheets.push(sheet),
        }
        self
    }

    /// Replaces a sheet's rows, keeping its header.
    pub fn with_rows(mut self, name: &str, rows: Vec<Vec<Cell>>) -> Book {
        self.sheets
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
            .rows = rows;
        self
    }

    /// Removes a sheet.
    pub fn without(mut self, name: &str) -> Book {
        self.sheets.retain(|s| s.name != name);
        self
    }

    /// Appends a row to an existing sheet.
    pub fn push(mut self, sheet: &str, cells: Vec<Cell>) -> Book {
        self.sheets
            .iter_mut()
            .find(|s| s.name == sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"))
            .rows
            .push(cells);
        self
    }

    /// Puts banner lines above a sheet's header row (a title, then a blank row, say).
    pub fn banner(mut self, sheet: &str, lines: &[&str]) -> Book {
        let s = self.sheets.iter_mut().find(|s| s.name == sheet).unwrap();
        s.banner = lines.iter().map(|l| l.to_string()).collect();
        self
    }

    /// Writes the workbook as .xlsx and returns its path.
    pub fn write(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        self.write_to(&path, |_| {});
        path
    }

    /// Writes the workbook as .xlsx at `path`, letting `tweak` write what the builder
    /// cannot (formula errors, merged cells, odd number formats) before it is saved.
    pub fn write_to(&self, path: &Path, tweak: impl FnOnce(&mut Workbook)) {
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        for sheet in &self.sheets {
            let ws = workbook.add_worksheet();
            ws.set_name(&sheet.name).unwrap();
            let mut r = 0u32;
            for line in &sheet.banner {
                if !line.is_empty() {
                    ws.write_string(r, 0, line).unwrap();
                }
                r += 1;
            }
            for (c, h) in sheet.header.iter().enumerate() {
                ws.write_string(r, c as u16, h).unwrap();
            }
            r += 1;
            for cells in &sheet.rows {
                for (c, cell) in cells.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Text(t) => {
                            ws.write_string(r, c, t).unwrap();
                        }
                        Cell::Number(n) => {
                            ws.write_number(r, c, *n).unwrap();
                        }
                        Cell::Date(date) => {
                            use chrono::Datelike;
                            let dt = ExcelDateTime::from_ymd(
                                date.year() as u16,
                                date.month() as u8,
                                date.day() as u8,
                            )
                            .unwrap();
                            ws.write_datetime_with_format(r, c, &dt, &date_format)
                                .unwrap();
                        }
                        Cell::Blank => {}
                    }
                }
                r += 1;
            }
        }
        tweak(&mut workbook);
        workbook.save(path).unwrap();
    }

    /// Writes each sheet as `<sheet>.csv` in `dir` (dates as ISO text).
    pub fn write_csv(&self, dir: &Path) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        for sheet in &self.sheets {
            let path = dir.join(format!("{}.csv", sheet.name.to_lowercase()));
            // Flexible: a banner line or a heading said again is shorter than the header.
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_path(&path)
                .unwrap();
            for line in &sheet.banner {
                w.write_record([line.as_str()]).unwrap();
            }
            w.write_record(&sheet.header).unwrap();
            for cells in &sheet.rows {
                let texts: Vec<String> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.clone(),
                        Cell::Date(d) => d.to_string(),
                        Cell::Number(n) => n.to_string(),
                        Cell::Blank => String::new(),
                    })
                    .collect();
                w.write_record(&texts).unwrap();
            }
            w.flush().unwrap();
            paths.push(path);
        }
        paths
    }
}

/// A small, healthy company: one SaaS service, a control per customer/shared domain with
/// fresh Effective evidence, and a SOC 2 with a bridge letter.
pub fn small_company() -> Book {
    let domains = [
        ("DATA-1", "Data classification and accountability"),
        ("END-1", "Client and endpoint protection"),
        ("IAM-1", "Identity and access management"),
        ("APP-1", "Application-level controls"),
    ];
    let controls = domains
        .iter()
        .map(|(id, domain)| row(&[id, &format!("{domain} control"), domain, "quarterly", "*"]))
        .collect();
    let evidence = domains
        .iter()
        .map(|(id, _)| {
            let mut r = row(&[id, "", "Quarterly review"]);
            r.push(d(2026, 9, 1).into());
            r.extend(row(&["Effective", "A. Tester"]));
            r
        })
        .collect();
    Book::new()
        .sheet(
            "Services",
            &[
                "service",
                "provider",
                "service_model",
                "data_classes",
                "in_scope",
            ],
            vec![row(&["Okta", "Okta", "SaaS", "Confidential", "yes"])],
        )
        .sheet(
            "Controls",
            &["control_id", "title", "domain", "frequency", "applies_to"],
            controls,
        )
        .sheet(
            "Evidence",
            &[
                "control_id",
                "service",
                "evidence",
                "collected_on",
                "result",
                "tester",
            ],
            evidence,
        )
        .sheet(
            "Attestations",
            &[
                "vendor",
                "services",
                "type",
                "period_start",
                "period_end",
                "opinion",
                "exceptions",
                "bridge_letter_through",
                "domains",
            ],
            vec![row(&[
                "Okta",
                "*",
                "SOC 2 Type II",
                "2025-07-01",
                "2026-06-30",
                "Unqualified",
                "0",
                "2026-12-31",
                "*",
            ])],
        )
}

/// Runs ingest + reconcile through the library for a period such as "2026-Q3".
pub fn analyse(paths: &[PathBuf], period: &str) -> Result<demarc::Analysis, demarc::Error> {
    analyse_as_of(paths, period, None)
}

/// Same, under the residency policy of a `demarc.toml` holding `settings` (e.g.
/// `[residency]\nPII = ["EU"]`), read as the CLI reads it.
pub fn analyse_with_settings(
    paths: &[PathBuf],
    period: &str,
    settings: &str,
) -> Result<demarc::Analysis, demarc::Error> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demarc.toml");
    std::fs::write(&file, settings).unwrap();
    let config = demarc::config::ConfigFile::load(&file)?;
    let period = demarc::inputs::period::Period::parse(period, 1).unwrap();
    let run = demarc::Run {
        inputs: paths.to_vec(),
        as_of: period.end,
        period,
        model: demarc::model::Model::default(),
        organisation: Some("Test Org".into()),
        classification: "INTERNAL".into(),
        templates: None,
        ingest: Default::default(),
        residency: config.residency,
    };
    demarc::analyse(&run)
}

/// Same, with an explicit as-of date.
pub fn analyse_as_of(
    paths: &[PathBuf],
    period: &str,
    as_of: Option<NaiveDate>,
) -> Result<demarc::Analysis, demarc::Error> {
    demarc::analyse(&run_of(paths, period, as_of))
}

/// The run the library tests analyse: a period such as "2026-Q3", the default model,
/// organisation "Test Org", as of the period end unless given.
pub fn run_of(paths: &[PathBuf], period: &str, as_of: Option<NaiveDate>) -> demarc::Run {
    let period = demarc::inputs::period::Period::parse(period, 1).unwrap();
    demarc::Run {
        inputs: paths.to_vec(),
        as_of: as_of.unwrap_or(period.end),
        period,
        model: demarc::model::Model::default(),
        organisation: Some("Test Org".into()),
        classification: "INTERNAL".into(),
        templates: None,
        ingest: Default::default(),
        residency: None,
    }
}

/// The text of a PDF, with runs of whitespace collapsed to one space.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of each page of a PDF, as extracted (line breaks kept).
pub fn pdf_pages(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap()
}

/// Reads a workbook back into a [`Book`] (first row of each sheet as its header), as a
/// user's spreadsheet program would open it before they fill it in.
pub fn read_book(path: &Path) -> Book {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut workbook = open_workbook_auto(path).unwrap();
    let mut book = Book::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let mut rows = range.rows();
        let header: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        let cells = rows
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => Cell::Blank,
                        Data::String(s) => Cell::from(s.as_str()),
                        Data::Float(f) => Cell::Number(*f),
                        Data::Int(i) => Cell::Number(*i as f64),
                        Data::DateTime(dt) => {
                            Cell::Date(dt.as_datetime().expect("a real date").date())
                        }
                        other => Cell::Text(other.to_string()),
                    })
                    .collect()
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        book = book.sheet(&name, &header, cells);
    }
    book
}

/// The lines of each page of a PDF as a reader sees them: its runs of text ordered by
/// where they start on the page, left to right, rather than in the order the file stores
/// them (Typst stores a right-to-left run in visual order, but the runs of a line in
/// logical order). pdf-extract gives the glyphs of Typst's fonts no width, so a run is the
/// characters stored one after another at one place; a new run starts where the position
/// jumps.
pub fn pdf_visual_lines(path: &Path) -> Vec<Vec<String>> {
    use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
    /// Runs of each page: (baseline, start x, text).
    #[derive(Default)]
    struct Runs {
        pages: Vec<Vec<(i64, f64, String)>>,
    }
    impl OutputDev for Runs {
        fn begin_page(
            &mut self,
            _: u32,
            _: &MediaBox,
            _: Option<(f64, f64, f64, f64)>,
        ) -> Result<(), OutputError> {
            self.pages.push(Vec::new());
            Ok(())
        }
        fn end_page(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn output_character(
            &mut self,
            trm: &Transform,
            _: f64,
            _: f64,
            _: f64,
            char: &str,
        ) -> Result<(), OutputError> {
            // Lines by baseline to the nearest point; PDF's y grows upwards.
            let (line, x) = (-(trm.m32.round() as i64), trm.m31);
            let Some(page) = self.pages.last_mut() else {
                return Ok(());
            };
            match page.last_mut() {
                // Within a run the position drifts by a fraction of a point.
                Some((at, start, text)) if *at == line && (x - *start).abs() < 1.0 => {
                    text.push_str(char)
                }
                _ => page.push((line, x, char.to_string())),
            }
            Ok(())
        }
        fn begin_word(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn end_word(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
        fn end_line(&mut self) -> Result<(), OutputError> {
            Ok(())
        }
    }
    let doc = pdf_extract::Document::load(path).unwrap();
    let mut runs = Runs::default();
    pdf_extract::output_doc(&doc, &mut runs).unwrap();
    runs.pages
        .into_iter()
        .map(|mut page| {
            // Stable: runs starting at one place keep the file's order.
            page.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut lines: Vec<(i64, String)> = Vec::new();
            for (line, _, text) in page {
                match lines.last_mut() {
                    Some((at, joined)) if *at == line => joined.push_str(&text),
                    _ => lines.push((line, text)),
                }
            }
            lines.into_iter().map(|(_, text)| text).collect()
        })
        .collect()
}
