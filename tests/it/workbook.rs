//! Issue #18: `auditor-workbook.xlsx`, the run as an auditor samples it in Excel. Read back
//! with calamine and tied out against the files the same run writes (findings.json,
//! evidence-index.csv): the same findings in the same order, one row per evidence row with
//! real dates, no path of the machine that ran it, and the same bytes every time.

use crate::support::{demarc, read_json, repo};
use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SHEETS: [&str; 6] = [
    "Findings",
    "Cells",
    "Evidence index",
    "Attestations",
    "CUECs",
    "Inputs",
];

/// The samples' reports (`samples/demarc.toml`) under `out`; returns the period's folder.
fn sample_reports(out: &Path) -> PathBuf {
    demarc()
        .current_dir(repo(""))
        .args(["report", "--config", "samples/demarc.toml", "--out"])
        .arg(out)
        .assert()
        .success();
    out.join("2026-Q3")
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

/// The sheet's rows below the header, each cell as text (dates as `YYYY-MM-DD`), keyed by
/// the header's titles.
struct Rows {
    header: Vec<String>,
    rows: Vec<Vec<Data>>,
}

impl Rows {
    fn of(range: &Range<Data>) -> Rows {
        let mut rows = range.rows();
        let header = rows
            .next()
            .expect("a header row")
            .iter()
            .map(|c| c.to_string())
            .collect();
        Rows {
            header,
            rows: rows.map(|r| r.to_vec()).collect(),
        }
    }

    fn col(&self, title: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == title)
            .unwrap_or_else(|| panic!("no column {title:?} in {:?}", self.header))
    }

    fn column(&self, title: &str) -> Vec<&Data> {
        let c = self.col(title);
        self.rows.iter().map(|r| &r[c]).collect()
    }

    fn texts(&self, title: &str) -> Vec<String> {
        self.column(title).iter().map(|d| d.to_string()).collect()
    }
}

/// A date cell as `YYYY-MM-DD`; panics unless it is a real Excel date.
fn date(cell: &Data) -> String {
    match cell {
        Data::DateTime(d) => d
            .as_datetime()
            .expect("a date Excel can show")
            .date()
            .to_string(),
        other => panic!("{other:?} is not a date cell"),
    }
}

#[test]
fn the_workbook_ties_out_to_findings_json_and_the_evidence_index() {
    let out = tempfile::tempdir().unwrap();
    let period = sample_reports(out.path());
    let doc = read_json(&period.join("findings.json"));
    let mut book = open(&period.join("auditor-workbook.xlsx"));
    assert_eq!(book.sheet_names(), SHEETS, "one sheet per table, in order");

    // Findings: every finding of findings.json, same order, same severity and code.
    let findings = Rows::of(&sheet(&mut book, "Findings"));
    let expected = doc["findings"].as_array().unwrap();
    assert!(!expected.is_empty(), "the samples have findings");
    let field = |key: &str| -> Vec<String> {
        expected
            .iter()
            .map(|f| f[key].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(findings.rows.len(), expected.len());
    assert_eq!(
        findings.texts("ID"),
        field("id"),
        "same ids in the same order"
    );
    assert_eq!(findings.texts("Severity"), field("severity"));
    assert_eq!(findings.texts("Code"), field("code"));
    assert_eq!(findings.texts("Message"), field("message"));
    let first_sources: Vec<String> = expected
        .iter()
        .map(|f| {
            let s = &f["sources"][0];
            format!(
                "{}: {}!{}",
                s["file"].as_str().unwrap(),
                s["sheet"].as_str().unwrap(),
                s["row"]
            )
        })
        .collect();
    for (cell, first) in findings.texts("Sources").iter().zip(&first_sources) {
        assert!(
            cell.starts_with(first.as_str()),
            "{cell:?} does not start with {first:?}"
        );
    }

    // Cells: one row per cell of findings.json, with its service, domain and worst finding.
    let cells = Rows::of(&sheet(&mut book, "Cells"));
    let expected_cells = doc["cells"].as_array().unwrap();
    assert_eq!(cells.rows.len(), expected_cells.len());
    for (i, c) in expected_cells.iter().enumerate() {
        assert_eq!(cells.texts("Service")[i], c["service"].as_str().unwrap());
        assert_eq!(cells.texts("Domain")[i], c["domain"].as_str().unwrap());
        assert_eq!(
            cells.texts("Worst finding")[i],
            c["worst"].as_str().unwrap_or(""),
            "cell {i}"
        );
    }

    // Evidence index: one row per row of evidence-index.csv, dates as real dates.
    let evidence = Rows::of(&sheet(&mut book, "Evidence index"));
    let mut csv = csv::Reader::from_path(period.join("evidence-index.csv")).unwrap();
    let index: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert!(
        index.len() > 100,
        "the samples have hundreds of evidence rows"
    );
    assert_eq!(evidence.rows.len(), index.len(), "one row per evidence row");
    let dates: Vec<String> = evidence
        .column("Collected on")
        .into_iter()
        .map(date)
        .collect();
    let controls = evidence.texts("Control");
    let counts = evidence.texts("Counts for period");
    let statuses = evidence.texts("File status");
    let rows = evidence.column("Row");
    for (i, record) in index.iter().enumerate() {
        assert_eq!(controls[i], record[0].trim_start_matches('\''), "row {i}");
        assert_eq!(dates[i], &record[2], "row {i}");
        assert_eq!(statuses[i], &record[7], "row {i}");
        assert_eq!(counts[i], &record[10], "row {i}");
        assert_eq!(
            rows[i],
            &Data::Float(record[13].parse().unwrap()),
            "row {i}"
        );
    }

    // Attestations: every one, its dates as dates, exactly one current per vendor and type.
    let attestations = Rows::of(&sheet(&mut book, "Attestations"));
    assert!(!attestations.rows.is_empty());
    for cell in attestations.column("Period end") {
        if *cell != Data::Empty {
            date(cell);
        }
    }
    let mut current = std::collections::BTreeSet::new();
    for (i, standing) in attestations.texts("Standing").iter().enumerate() {
        if standing == "current" {
            let key = (
                attestations.texts("Vendor")[i].clone(),
                attestations.texts("Type")[i].clone(),
            );
            assert!(
                current.insert(key),
                "two current rows for one vendor and type"
            );
        }
    }
    assert!(!current.is_empty());

    // CUECs: a finding id named there is a finding of findings.json with that code.
    let cuecs = Rows::of(&sheet(&mut book, "CUECs"));
    let by_id: std::collections::HashMap<&str, &Value> = expected
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f))
        .collect();
    let mut judged = 0;
    for (status, id) in cuecs.texts("Status").iter().zip(cuecs.texts("Finding")) {
        if status == "evidenced" || status == "not assessed" {
            assert_eq!(id, "");
        } else {
            let finding = by_id
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{id:?} not in findings.json"));
            assert_eq!(finding["code"], status.as_str());
            judged += 1;
        }
    }
    assert!(judged > 0, "the samples have a CUEC with a finding");

    // Inputs: the workbook read, with its size and hash.
    let inputs = Rows::of(&sheet(&mut book, "Inputs"));
    let northwind = std::fs::read(repo("samples/northwind.xlsx")).unwrap();
    assert_eq!(inputs.texts("File"), ["samples/northwind.xlsx"]);
    assert_eq!(
        inputs.column("Bytes")[0],
        &Data::Float(northwind.len() as f64)
    );
    assert_eq!(
        inputs.texts("SHA-256")[0],
        format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&northwind))
    );
}

/// Every sheet opens with its header frozen and filtered, and severities are filled.
#[test]
fn every_sheet_has_a_frozen_filtered_header_and_severities_are_filled() {
    let out = tempfile::tempdir().unwrap();
    let period = sample_reports(out.path());
    let file = std::fs::File::open(period.join("auditor-workbook.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    for n in 1..=SHEETS.len() {
        let xml = read(&format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "sheet {n} header not frozen"
        );
        assert!(
            xml.contains("<autoFilter ref=\"A1:"),
            "sheet {n} has no filter"
        );
        assert!(xml.contains("<col "), "sheet {n} has no column widths");
    }
    // The PDFs' pill colours, for each severity the run has (a format is only written
    // once a cell uses it).
    let styles = read("xl/styles.xml");
    let doc = read_json(&period.join("findings.json"));
    let fills = [
        ("critical", "FF7F1D1D"),
        ("high", "FFDC2626"),
        ("medium", "FFF59E0B"),
        ("low", "FF60A5FA"),
        ("info", "FFD1D5DB"),
    ];
    let mut checked = 0;
    for (severity, rgb) in fills {
        if doc["summary"]["by_severity"][severity].as_u64().unwrap() > 0 {
            assert!(
                styles.contains(rgb),
                "no {rgb} fill for {severity} findings"
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked}");
}

/// No absolute path of the machine that ran the report: inputs given by absolute path are
/// named by their file name, in the Inputs sheet and in every source column.
#[test]
fn the_workbook_holds_no_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("samples/northwind.xlsx");
    assert!(input.is_absolute());
    demarc()
        .current_dir(dir.path())
        .arg("report")
        .arg(&input)
        .args(["--period", "2026-Q3", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let mut book = open(&dir.path().join("out/2026-Q3/auditor-workbook.xlsx"));
    let inputs = Rows::of(&sheet(&mut book, "Inputs"));
    assert_eq!(inputs.texts("File"), ["northwind.xlsx"]);
    let machine = [
        env!("CARGO_MANIFEST_DIR").to_string(),
        dir.path().display().to_string(),
    ];
    let mut seen = 0;
    for name in SHEETS {
        for row in sheet(&mut book, name).rows() {
            for cell in row {
                let text = cell.to_string();
                seen += 1;
                for path in &machine {
                    assert!(
                        !text.contains(path.as_str()),
                        "{name}: {text:?} holds {path}"
                    );
                }
            }
        }
    }
    assert!(seen > 1000);
    let findings = Rows::of(&sheet(&mut book, "Findings"));
    assert!(findings
        .texts("Sources")
        .iter()
        .any(|s| s.starts_with("northwind.xlsx: ")));
}

#[test]
fn two_runs_write_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let x = std::fs::read(sample_reports(a.path()).join("auditor-workbook.xlsx")).unwrap();
    let y = std::fs::read(sample_reports(b.path()).join("auditor-workbook.xlsx")).unwrap();
    assert!(x.len() > 10_000);
    assert!(x == y, "auditor-workbook.xlsx differs between two runs");
}
