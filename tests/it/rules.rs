//! The reconciliation rules of PRODUCT.md ("Reconciliation: the findings" and its "Precise
//! rules"), code by code. Every test starts from `baseline()`, a tiny healthy company with
//! no findings for 2026-Q3 (2026-07-01 … 2026-09-30), changes one thing, and states the exact
//! findings that follow — severity, subject and source rows — and that they vanish on the
//! other side of each boundary.
//!
//! Findings are compared as one line each, e.g.
//! `EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!4`:
//! code, severity, the subject fields that are set (domains by the short names of
//! [`DOMAINS`]), then the source rows (sheet!row as the spreadsheet shows it, sorted).

use crate::support;

use chrono::NaiveDate;
use demarc::findings::{Code, Finding, Severity};
use demarc::reconcile::CellStatus;
use demarc::Analysis;
use std::fmt::Write as _;
use std::path::PathBuf;
use support::{analyse, analyse_as_of, analyse_with_settings, d, row, Book, Cell};

// ---------------------------------------------------------------------------------------
// The healthy company
// ---------------------------------------------------------------------------------------

const PERIOD: &str = "2026-Q3";

const SERVICES: &[&str] = &[
    "service",
    "provider",
    "service_model",
    "data_classes",
    "in_scope",
];
const CONTROLS: &[&str] = &["control_id", "title", "domain", "frequency", "applies_to"];
const EVIDENCE: &[&str] = &[
    "control_id",
    "service",
    "evidence",
    "collected_on",
    "result",
    "tester",
];
use support::ATTESTATIONS_DATED as ATTESTATIONS;
const CUECS: &[&str] = &[
    "vendor",
    "attestation",
    "cuec_id",
    "description",
    "mapped_control",
];

/// The default model's domains, with the short names the findings are shown with here.
const DOMAINS: [(&str, &str); 7] = [
    ("DC", "Data classification and accountability"),
    ("EP", "Client and endpoint protection"),
    ("IAM", "Identity and access management"),
    ("APP", "Application-level controls"),
    ("NET", "Network controls"),
    ("HOST", "Host infrastructure"),
    ("PHYS", "Physical security"),
];

/// The cells of a SaaS service that need a vendor attestation: shared (EP, IAM, APP) and
/// provider (NET, HOST, PHYS). DC is the customer's alone.
const ATTESTED: [&str; 6] = ["EP", "IAM", "APP", "NET", "HOST", "PHYS"];

const NONE: &[&str] = &[];

fn domain(short: &str) -> &'static str {
    DOMAINS
        .iter()
        .find(|(s, _)| *s == short)
        .map(|(_, long)| *long)
        .unwrap_or_else(|| panic!("no domain {short}"))
}

fn short(long: &str) -> &'static str {
    DOMAINS
        .iter()
        .find(|(_, l)| *l == long)
        .map(|(s, _)| *s)
        .unwrap_or_else(|| {
            panic!("a finding names domain {long:?}, which is not in the default model")
        })
}

/// A SaaS service.
fn service(name: &str, provider: &str, data_classes: &str, in_scope: &str) -> Vec<Cell> {
    row(&[name, provider, "SaaS", data_classes, in_scope])
}

fn control(id: &str, short_domain: &str, frequency: &str, applies_to: &str) -> Vec<Cell> {
    row(&[
        id,
        &format!("{id} control"),
        domain(short_domain),
        frequency,
        applies_to,
    ])
}

fn evidence(control: &str, service: &str, collected_on: NaiveDate, result: &str) -> Vec<Cell> {
    vec![
        control.into(),
        service.into(),
        "Quarterly review".into(),
        collected_on.into(),
        result.into(),
        "A. Tester".into(),
    ]
}

fn cuec(vendor: &str, cuec_id: &str, mapped_control: &str) -> Vec<Cell> {
    row(&[
        vendor,
        "SOC 2 Type II",
        cuec_id,
        "Customer reviews application roles",
        mapped_control,
    ])
}

/// An Attestations row.
#[derive(Clone, Copy)]
struct Att {
    vendor: &'static str,
    services: &'static str,
    kind: &'static str,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    issued_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    opinion: &'static str,
    exceptions: f64,
    bridge: Option<NaiveDate>,
    domains: &'static str,
}

impl Att {
    /// The baseline's SOC 2 Type II from Okta: period 2025-07-01 … 2026-06-30, issued
    /// 2026-08-01, unqualified, no exceptions, bridge letter through 2026-12-31.
    fn soc2() -> Att {
        Att {
            vendor: "Okta",
            services: "*",
            kind: "SOC 2 Type II",
            period_start: Some(d(2025, 7, 1)),
            period_end: Some(d(2026, 6, 30)),
            issued_on: Some(d(2026, 8, 1)),
            expires_on: None,
            opinion: "Unqualified",
            exceptions: 0.0,
            bridge: Some(d(2026, 12, 31)),
            domains: "*",
        }
    }

    /// An ISO 27001 certificate from Okta, issued 2025-10-01.
    fn iso(expires_on: NaiveDate) -> Att {
        Att {
            kind: "ISO 27001",
            period_start: None,
            period_end: None,
            issued_on: Some(d(2025, 10, 1)),
            expires_on: Some(expires_on),
            opinion: "",
            bridge: None,
            ..Att::soc2()
        }
    }

    fn cells(self) -> Vec<Cell> {
        let date = |date: Option<NaiveDate>| date.map_or(Cell::Blank, Cell::Date);
        vec![
            self.vendor.into(),
            self.services.into(),
            self.kind.into(),
            date(self.period_start),
            date(self.period_end),
            date(self.issued_on),
            date(self.expires_on),
            self.opinion.into(),
            Cell::Number(self.exceptions),
            date(self.bridge),
            self.domains.into(),
        ]
    }
}

/// A healthy company: one SaaS service (Okta, from Okta), one quarterly control per
/// customer/shared domain with fresh Effective evidence for every service (`*`), Okta's
/// SOC 2 bridged past the period end, and one CUEC mapped to APP-1.
///
/// Rows: Services!2 Okta · Controls!2 DC-1, !3 EP-1, !4 IAM-1, !5 APP-1 · Evidence!2..5 the
/// same controls, 2026-09-15 · Attestations!2 the SOC 2 · CUECs!2 CUEC-1 → APP-1.
/// Tests perturb IAM-1 (no CUEC depends on it) unless they are about CUECs.
fn baseline() -> Book {
    let fresh = d(2026, 9, 15);
    Book::new()
        .sheet(
            "Services",
            SERVICES,
            vec![service("Okta", "Okta", "Confidential", "yes")],
        )
        .sheet(
            "Controls",
            CONTROLS,
            vec![
                control("DC-1", "DC", "quarterly", "*"),
                control("EP-1", "EP", "quarterly", "*"),
                control("IAM-1", "IAM", "quarterly", "*"),
                control("APP-1", "APP", "quarterly", "*"),
            ],
        )
        .sheet(
            "Evidence",
            EVIDENCE,
            vec![
                evidence("DC-1", "*", fresh, "Effective"),
                evidence("EP-1", "*", fresh, "Effective"),
                evidence("IAM-1", "*", fresh, "Effective"),
                evidence("APP-1", "*", fresh, "Effective"),
            ],
        )
        .sheet("Attestations", ATTESTATIONS, vec![Att::soc2().cells()])
        .sheet("CUECs", CUECS, vec![cuec("Okta", "CUEC-1", "APP-1")])
}

/// A second Okta service (Services!3), served by the same `*` controls, evidence and SOC 2.
fn okta_verify(book: Book, data_classes: &str, in_scope: &str) -> Book {
    book.push(
        "Services",
        service("Okta Verify", "Okta", data_classes, in_scope),
    )
}

/// A second vendor: Slack (Services!3) with its own SOC 2 (Attestations!3) and a CUEC
/// mapped to APP-1 (CUECs!3).
fn with_slack(book: Book) -> Book {
    book.push("Services", service("Slack", "Slack", "Confidential", "yes"))
        .push(
            "Attestations",
            Att {
                vendor: "Slack",
                ..Att::soc2()
            }
            .cells(),
        )
        .push("CUECs", cuec("Slack", "CUEC-2", "APP-1"))
}

// ---------------------------------------------------------------------------------------
// Editing and running books
// ---------------------------------------------------------------------------------------

/// The index into a sheet's rows of spreadsheet row `row_number` (header on the row after
/// the banner).
fn data_index(book: &Book, sheet: &str, row_number: u32) -> (usize, usize) {
    let s = book
        .sheets
        .iter()
        .position(|s| s.name == sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet}"));
    let first_data_row = book.sheets[s].banner.len() + 2;
    let index = (row_number as usize)
        .checked_sub(first_data_row)
        .unwrap_or_else(|| panic!("{sheet}!{row_number} is not a data row"));
    (s, index)
}

/// Edits a book in place of its rows, addressed as the spreadsheet shows them.
trait Edit {
    /// Sets one cell: sheet, row number, column header.
    fn set(self, sheet: &str, row_number: u32, column: &str, value: impl Into<Cell>) -> Book;
    /// Deletes a row (the rows below move up).
    fn delete(self, sheet: &str, row_number: u32) -> Book;
}

impl Edit for Book {
    fn set(mut self, sheet: &str, row_number: u32, column: &str, value: impl Into<Cell>) -> Book {
        let (s, index) = data_index(&self, sheet, row_number);
        let sheet = &mut self.sheets[s];
        let col = sheet
            .header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column} in {}", sheet.name));
        let cells = &mut sheet.rows[index];
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Blank);
        }
        cells[col] = value.into();
        self
    }

    fn delete(mut self, sheet: &str, row_number: u32) -> Book {
        let (s, index) = data_index(&self, sheet, row_number);
        self.sheets[s].rows.remove(index);
        self
    }
}

fn run(book: &Book) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    analyse(&[path], PERIOD).unwrap_or_else(|e| panic!("the run failed: {e}"))
}

fn run_for(book: &Book, period: &str, as_of: Option<NaiveDate>) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    analyse_as_of(&[path], period, as_of).unwrap_or_else(|e| panic!("the run failed: {e}"))
}

// ---------------------------------------------------------------------------------------
// Looking at findings
// ---------------------------------------------------------------------------------------

/// Code, severity and the subject fields that are set.
fn subject(f: &Finding) -> String {
    let mut line = format!("{} {}", f.code, f.severity);
    let fields = [
        ("service", f.service.as_deref()),
        ("domain", f.domain.as_deref().map(short)),
        ("control", f.control_id.as_deref()),
        ("vendor", f.vendor.as_deref()),
        ("cuec", f.cuec_id.as_deref()),
    ];
    for (label, value) in fields {
        if let Some(value) = value {
            let _ = write!(line, " {label}={value}");
        }
    }
    line
}

/// The subject, then the source rows (sorted).
fn show(f: &Finding) -> String {
    let mut line = subject(f);
    let mut rows: Vec<(&str, u32)> = f.sources.iter().map(|s| (&*s.sheet, s.row)).collect();
    rows.sort();
    line.push_str(" @");
    for (sheet, row) in rows {
        let _ = write!(line, " {sheet}!{row}");
    }
    line
}

/// Every finding, shown, sorted.
fn findings(a: &Analysis) -> Vec<String> {
    let mut lines: Vec<String> = a.reconciliation.findings.iter().map(show).collect();
    lines.sort();
    lines
}

/// Every finding's subject (no rows), sorted.
fn subjects(a: &Analysis) -> Vec<String> {
    let mut lines: Vec<String> = a.reconciliation.findings.iter().map(subject).collect();
    lines.sort();
    lines
}

/// The findings with one code.
fn of(a: &Analysis, code: Code) -> Vec<&Finding> {
    a.reconciliation
        .findings
        .iter()
        .filter(|f| f.code == code)
        .collect()
}

/// The same finding on several cells of a service, e.g.
/// `each("ATTESTATION_GAP high", "Okta", &ATTESTED, "vendor=Okta @ Attestations!2 Services!2")`.
fn each(code_severity: &str, service: &str, domains: &[&str], rest: &str) -> Vec<String> {
    domains
        .iter()
        .map(|d| format!("{code_severity} service={service} domain={d} {rest}"))
        .collect()
}

fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// Asserts the exact set of findings.
#[track_caller]
fn expect<S: AsRef<str>>(a: &Analysis, expected: &[S]) {
    expect_in("", a, expected);
}

/// Same, naming the case of a table.
#[track_caller]
fn expect_in<S: AsRef<str>>(case: &str, a: &Analysis, expected: &[S]) {
    let mut want: Vec<String> = expected.iter().map(|s| s.as_ref().to_string()).collect();
    want.sort();
    let got = findings(a);
    assert!(
        got == want,
        "{case}\nfindings:\n{got:#?}\nexpected:\n{want:#?}"
    );
}

/// One cell of the reconciliation.
fn cell<'a>(a: &'a Analysis, service: &str, short_domain: &str) -> &'a CellStatus {
    a.reconciliation
        .cells
        .iter()
        .find(|c| c.service == service && c.domain == domain(short_domain))
        .unwrap_or_else(|| panic!("no cell {service} / {short_domain}"))
}

// ---------------------------------------------------------------------------------------
// The baseline
// ---------------------------------------------------------------------------------------

#[test]
fn baseline_has_no_findings_and_every_cell_is_owned_and_evidenced() {
    let a = run(&baseline());
    expect(&a, NONE);

    // The SaaS column of the model: DC is the customer's, EP/IAM/APP shared, the rest the
    // provider's; each part the owner needs is in place.
    let shape = [
        ("DC", Some(true), None),
        ("EP", Some(true), Some(true)),
        ("IAM", Some(true), Some(true)),
        ("APP", Some(true), Some(true)),
        ("NET", None, Some(true)),
        ("HOST", None, Some(true)),
        ("PHYS", None, Some(true)),
    ];
    assert_eq!(a.reconciliation.cells.len(), shape.len());
    for (short_domain, customer, provider) in shape {
        let c = cell(&a, "Okta", short_domain);
        assert_eq!(
            (c.customer_evidenced, c.provider_attested, c.evidenced),
            (customer, provider, true),
            "{short_domain}"
        );
    }
    let coverage = &a.reconciliation.coverage;
    assert_eq!((coverage.cells, coverage.evidenced), (7, 7));
}

#[test]
fn sources_name_the_file_and_count_banner_rows() {
    let dir = tempfile::tempdir().unwrap();
    let book = baseline()
        .set("Evidence", 4, "collected_on", d(2026, 6, 30))
        .banner("Evidence", &["Evidence register, Q3 2026", ""]);
    let path = book.write(dir.path(), "company.xlsx");
    let a = analyse(std::slice::from_ref(&path), PERIOD).unwrap();
    // Two banner rows push IAM-1's evidence from row 4 to row 6.
    expect(
        &a,
        &["EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6"],
    );
    for source in &a.reconciliation.findings[0].sources {
        assert_eq!(&*source.file, path.display().to_string());
    }
}

#[test]
fn a_heading_said_again_under_the_header_is_skipped_with_a_warning() {
    // A register printed or pasted page by page repeats its heading: the title above the
    // header, and the header itself, here in other words than the first time and once
    // more at the very end.
    let title = "Evidence register, Q3 2026";
    let again = || {
        row(&[
            "Control ID",
            "Service",
            "Evidence",
            "Date Collected",
            "Result",
            "Tested By",
        ])
    };
    let fresh = d(2026, 9, 15);
    let book = baseline().banner("Evidence", &[title, ""]).with_rows(
        "Evidence",
        vec![
            evidence("DC-1", "*", fresh, "Effective"),
            evidence("EP-1", "*", fresh, "Effective"),
            row(&[title]),
            vec![],
            again(),
            evidence("IAM-1", "*", d(2026, 6, 30), "Effective"),
            evidence("APP-1", "*", fresh, "Effective"),
            again(),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let xlsx = book.write(dir.path(), "company.xlsx");
    let csv_dir = dir.path().join("csv");
    std::fs::create_dir(&csv_dir).unwrap();
    let csv = book.write_csv(&csv_dir);
    // CSV files are sheets named after their files.
    for (case, paths, controls, evidence) in [
        ("xlsx", vec![xlsx], "Controls", "company.xlsx: Evidence"),
        ("csv", csv, "controls", "evidence.csv: evidence"),
    ] {
        let a = analyse(&paths, PERIOD).unwrap_or_else(|e| panic!("{case}: {e}"));
        // The rows keep the numbers the spreadsheet shows: IAM-1's is row 9.
        expect_in(
            case,
            &a,
            &[format!(
                "EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ {controls}!4 {}!9",
                &evidence[evidence.find(": ").unwrap() + 2..]
            )],
        );
        assert_eq!(a.inputs.evidence.len(), 4, "{case}");
        let said: Vec<&String> = a
            .inputs
            .warnings
            .iter()
            .filter(|w| w.contains("repeat"))
            .collect();
        assert_eq!(said.len(), 1, "{case}: {:#?}", a.inputs.warnings);
        assert!(
            said[0].ends_with(&format!("{evidence} rows 6, 8 and 11 repeat the sheet's heading (its header row or the title above it), as a register printed or pasted page by page does; skipped, not read as records")),
            "{case}: {}",
            said[0]
        );
    }
}

#[test]
fn a_cell_merged_down_stands_for_its_value_on_every_row_it_spans() {
    // IAM-1 tested twice, its id typed once in a cell merged over both rows (A4:A5), as
    // hand-kept registers do; the newer test, on row 5, found it ineffective.
    let fresh = d(2026, 9, 15);
    let book = baseline().with_rows(
        "Evidence",
        vec![
            evidence("DC-1", "*", fresh, "Effective"),
            evidence("EP-1", "*", fresh, "Effective"),
            evidence("IAM-1", "*", d(2026, 6, 30), "Effective"),
            evidence("", "*", fresh, "Ineffective"),
            evidence("APP-1", "*", fresh, "Effective"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.xlsx");
    book.write_to(&path, |workbook| {
        let sheet = workbook.worksheet_from_name("Evidence").unwrap();
        sheet
            .merge_range(3, 0, 4, 0, "IAM-1", &rust_xlsxwriter::Format::new())
            .unwrap();
    });
    let a = analyse(std::slice::from_ref(&path), PERIOD).unwrap_or_else(|e| panic!("{e}"));
    expect(
        &a,
        &["CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!5"],
    );
    assert_eq!(a.inputs.evidence.len(), 5);
    let said: Vec<&String> = a
        .inputs
        .warnings
        .iter()
        .filter(|w| w.contains("merged"))
        .collect();
    assert_eq!(said.len(), 1, "{:#?}", a.inputs.warnings);
    assert!(
        said[0].ends_with("merged.xlsx: Evidence!A5: empty in a cell merged down from the row above; read as the merged cell's value, as the sheet shows it"),
        "{}",
        said[0]
    );
}

#[test]
fn hints_in_brackets_are_read_past_and_a_date_format_hint_settles_day_and_month() {
    // A register in its own words: hints in brackets after its headers, and results as a
    // test script's pass/fail. IAM-1's test of 09/08/2026 failed; which day that is, only
    // the date column's hint says.
    let book = |dates: &str| {
        baseline().sheet(
            "Evidence",
            &[
                "Control ID",
                "Service",
                "Evidence",
                dates,
                "Result (Pass/Fail)",
                "Tested By [name]",
            ],
            vec![
                row(&[
                    "DC-1",
                    "*",
                    "Quarterly review",
                    "2026-09-15",
                    "Pass",
                    "A. Tester",
                ]),
                row(&[
                    "EP-1",
                    "*",
                    "Quarterly review",
                    "2026-09-15",
                    "Passed",
                    "A. Tester",
                ]),
                row(&[
                    "IAM-1",
                    "*",
                    "Quarterly review",
                    "09/08/2026",
                    "Fail",
                    "A. Tester",
                ]),
                row(&[
                    "APP-1",
                    "*",
                    "Quarterly review",
                    "2026-09-15",
                    "Operating effectively",
                    "A. Tester",
                ]),
            ],
        )
    };
    let dir = tempfile::tempdir().unwrap();
    for (hint, day) in [
        ("Date Collected (DD/MM/YYYY)", d(2026, 8, 9)),
        ("Date Collected [mm-dd-yy]", d(2026, 9, 8)),
    ] {
        let path = book(hint).write(dir.path(), "hinted.xlsx");
        let a = analyse(&[path], PERIOD).unwrap_or_else(|e| panic!("{hint}: {e}"));
        expect_in(
            hint,
            &a,
            &["CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!4"],
        );
        assert_eq!(a.inputs.evidence[2].collected_on, day, "{hint}");
        assert_eq!(&*a.inputs.evidence[2].tester, "A. Tester", "{hint}");
        assert!(
            a.inputs
                .warnings
                .iter()
                .all(|w| !w.contains("not one demarc reads")),
            "{hint}: {:#?}",
            a.inputs.warnings
        );
    }
    // A hint that is no date format says nothing about the order: the date stays
    // ambiguous, and the run says so.
    let path = book("Date Collected (UTC)").write(dir.path(), "unhinted.xlsx");
    let Err(error) = analyse(&[path], PERIOD) else {
        panic!("09/08/2026 was read without anything saying which day it is");
    };
    assert!(
        error
            .to_string()
            .contains("Evidence!D4: collected_on: \"09/08/2026\" is ambiguous"),
        "{error}"
    );
}

#[test]
fn notes_totals_and_footnotes_in_a_register_are_skipped_but_never_a_record() {
    // A register as people keep one: a subtotal under a section, and who prepared and
    // reviewed it under the table. None is a record; each would be refused cell by cell.
    let fresh = d(2026, 9, 15);
    let book = baseline()
        .with_rows(
            "Evidence",
            vec![
                evidence("DC-1", "*", fresh, "Effective"),
                evidence("EP-1", "*", fresh, "Effective"),
                vec!["Total: 2 tests".into(), "".into(), "".into(), 2.0.into()],
                evidence("IAM-1", "*", d(2026, 6, 30), "Effective"),
                evidence("APP-1", "*", fresh, "Effective"),
                vec![],
                row(&["Prepared by: J. Alvarez, GRC analyst, 2026-10-02"]),
                row(&["", "Reviewed by M. Chen"]),
            ],
        )
        // A control whose id begins as a note does is still a control.
        .push("Controls", control("Total 1", "DC", "quarterly", "*"));
    let dir = tempfile::tempdir().unwrap();
    let xlsx = book.write(dir.path(), "company.xlsx");
    let csv_dir = dir.path().join("csv");
    std::fs::create_dir(&csv_dir).unwrap();
    let csv = book.write_csv(&csv_dir);
    for (case, paths, controls, services, evidence) in [
        (
            "xlsx",
            vec![xlsx],
            "Controls",
            "Services",
            "company.xlsx: Evidence",
        ),
        ("csv", csv, "controls", "services", "evidence.csv: evidence"),
    ] {
        let a = analyse(&paths, PERIOD).unwrap_or_else(|e| panic!("{case}: {e}"));
        let evidence_sheet = &evidence[evidence.find(": ").unwrap() + 2..];
        expect_in(
            case,
            &a,
            &[
                format!("EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ {controls}!4 {evidence_sheet}!5"),
                format!("EVIDENCE_MISSING high service=Okta domain=DC control=Total 1 @ {controls}!6 {services}!2"),
            ],
        );
        assert_eq!(a.inputs.evidence.len(), 4, "{case}");
        let said: Vec<&String> = a
            .inputs
            .warnings
            .iter()
            .filter(|w| w.contains("notes, not records"))
            .collect();
        assert_eq!(said.len(), 1, "{case}: {:#?}", a.inputs.warnings);
        assert!(
            said[0].ends_with(&format!("{evidence} rows 4 (\"Total: 2 tests\") and 2 more are notes, not records (they begin as notes, totals and footnotes do, and cannot be read as records); skipped")),
            "{case}: {}",
            said[0]
        );
    }
}

#[test]
fn a_report_naming_a_service_by_its_long_name_covers_the_inventory_s_short_one() {
    // A provider's SOC 2 names its services as `Long Name (Short)`; the inventory keeps the
    // short name. Read as written, the report covered nothing: every Okta cell was
    // unattested and the report an unknown reference.
    // Its ISO certificate (Attestations!3) writes the name the same way: one warning.
    let book = baseline()
        .set(
            "Attestations",
            2,
            "services",
            "Okta Workforce Identity Cloud (Okta); Okta Customer Identity Cloud (Auth0)",
        )
        .push(
            "Attestations",
            Att {
                services: "Okta Workforce Identity Cloud (Okta)",
                kind: "ISO 27001",
                period_start: None,
                period_end: None,
                expires_on: Some(d(2027, 12, 31)),
                bridge: None,
                ..Att::soc2()
            }
            .cells(),
        );
    let a = run(&book);
    expect(&a, &["UNKNOWN_REFERENCE low vendor=Okta @ Attestations!2"]);
    let said: Vec<&String> = a
        .inputs
        .warnings
        .iter()
        .filter(|w| w.contains("read as the service"))
        .collect();
    assert!(
        matches!(&said[..], [w] if w.ends_with("company.xlsx: Attestations!2: \"Okta Workforce Identity Cloud (Okta)\" read as the service \"Okta\" (and 1 more row) (its name in brackets, as the provider's report writes it)")),
        "{:#?}",
        a.inputs.warnings
    );
}

#[test]
fn footnotes_under_a_vendors_sheet_are_notes_not_vendors() {
    // The Vendors sheet needs only a name, so a footnote alone in its row reads as one: a
    // total, a source line and a sign-off were three unknown vendors in the findings.
    // A vendor alone in its row, even one called `Source`, is still a vendor.
    let book = baseline().sheet(
        "Vendors",
        &["vendor", "tier"],
        vec![
            row(&["Okta", "critical"]),
            row(&["Source"]),
            vec![],
            row(&["Total: 2 vendors"]),
            row(&["* Source: ServiceNow GRC export, 2026-10-01"]),
            row(&["Reviewed by: Internal Audit"]),
        ],
    );
    let a = run(&book);
    expect(&a, &["UNKNOWN_REFERENCE low vendor=Source @ Vendors!3"]);
    let names: Vec<&str> = a.inputs.vendors.iter().map(|v| v.vendor.as_str()).collect();
    assert_eq!(names, ["Okta", "Source"]);
    assert!(
        a.inputs.warnings.iter().any(|w| w.ends_with(
            "Vendors rows 5 (\"Total: 2 vendors\") and 2 more are notes, not records (they begin as notes, totals and footnotes do, and cannot be read as records); skipped"
        )),
        "{:#?}",
        a.inputs.warnings
    );
}

#[test]
fn a_text_date_with_a_month_name_and_a_two_digit_year_is_this_centurys() {
    // Excel's d-mmm-yy, as a CSV export writes it: IAM-1 tested on 30-Jun-26 is stale.
    let book = baseline()
        .set("Evidence", 4, "collected_on", "30-Jun-26")
        .set("Evidence", 5, "collected_on", "15-Sep-26");
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    let a = analyse(std::slice::from_ref(&path), PERIOD).unwrap_or_else(|e| panic!("{e}"));
    expect(&a, &[IAM_STALE]);
    assert!(
        a.inputs.warnings.iter().any(|w| w.ends_with(
            "company.xlsx: Evidence!D4: collected_on: \"30-Jun-26\" has a two-digit year (and 1 more cell in the column): read as 2026, in this century; write the year in full if that is wrong"
        )),
        "{:#?}",
        a.inputs.warnings
    );
    // Numbers alone with a two-digit year could be year first: refused, naming the cell.
    let path = baseline()
        .set("Evidence", 4, "collected_on", "30/06/26")
        .write(dir.path(), "numeric.xlsx");
    let Err(error) = analyse(&[path], PERIOD) else {
        panic!("30/06/26 was read as a date");
    };
    assert!(
        error
            .to_string()
            .contains("Evidence!D4: collected_on: \"30/06/26\" has a two-digit year"),
        "{error}"
    );
}

#[test]
fn one_vendor_spelt_two_ways_is_one_vendor_with_a_warning() {
    // The Services sheet says Okta; the SOC 2 row and the CUEC say the company's legal
    // name. Read as two vendors, every Okta cell would be unattested beside Okta's report.
    let book = baseline()
        .set("Attestations", 2, "vendor", "Okta, Inc.")
        .set("CUECs", 2, "vendor", "OKTA INC");
    let a = run(&book);
    expect(&a, NONE);
    let said: Vec<&String> = a
        .inputs
        .warnings
        .iter()
        .filter(|w| w.contains("name one vendor"))
        .collect();
    assert_eq!(said.len(), 1, "{:#?}", a.inputs.warnings);
    assert!(
        said[0].starts_with("vendor names \"Okta\" (")
            && said[0].contains("Services!2), \"Okta, Inc.\" (")
            && said[0].contains("Attestations!2) and \"OKTA INC\" (")
            && said[0].ends_with("name one vendor: read as \"Okta\" throughout; write one name in every sheet to silence this"),
        "{}",
        said[0]
    );
    assert!(a.inputs.attestations.iter().all(|att| att.vendor == "Okta"));
    // Another vendor of a similar name is not Okta.
    let other = baseline().set("Attestations", 2, "vendor", "Okta Verify Ltd");
    let a = run(&other);
    assert!(
        findings(&a)
            .iter()
            .any(|f| f.starts_with("ATTESTATION_MISSING")),
        "{:#?}",
        findings(&a)
    );
}

#[test]
fn values_with_a_gloss_are_read_but_never_a_results() {
    // A register's own wording of each value: the healthy company, still healthy.
    let book = baseline()
        .set(
            "Services",
            2,
            "service_model",
            "Software as a Service (SaaS)",
        )
        .set("Services", 2, "in_scope", "✓")
        .set("Controls", 4, "frequency", "Quarterly (Q)")
        .set(
            "Attestations",
            2,
            "type",
            "SOC 2 Type II Report (with bridge letter)",
        )
        .set("Attestations", 2, "opinion", "Unmodified");
    expect(&run(&book), NONE);
    // A result's gloss can reverse it: "Effective (exceptions noted)" is refused, naming
    // the cell, rather than read as Effective.
    let dir = tempfile::tempdir().unwrap();
    let path = baseline()
        .set("Evidence", 4, "result", "Effective (exceptions noted)")
        .write(dir.path(), "company.xlsx");
    let Err(error) = analyse(&[path], PERIOD) else {
        panic!("a result with a gloss was read");
    };
    assert!(
        error
            .to_string()
            .contains("Evidence!E4: result: \"Effective (exceptions noted)\" is not one of"),
        "{error}"
    );
}

#[test]
fn all_in_a_service_cell_is_every_service() {
    // Two services, so that "All" read as a name would leave Okta Verify unserved,
    // unevidenced and unattested.
    let healthy = okta_verify(baseline(), "Confidential", "yes");
    let mut book = healthy
        .clone()
        .set("Controls", 2, "applies_to", "All services")
        .set("Controls", 3, "applies_to", "Org-wide")
        .set("Evidence", 2, "service", "All")
        .set("Attestations", 2, "services", "All Okta services");
    for row in 3..=5 {
        book = book.set("Evidence", row, "service", "ALL");
    }
    expect(&run(&healthy), NONE);
    expect(&run(&book), NONE);
    // A subset is a name: "All SaaS" is no service of the Services sheet.
    let subset = healthy.set("Evidence", 4, "service", "All SaaS");
    assert!(
        findings(&run(&subset))
            .iter()
            .any(|f| f.starts_with("UNKNOWN_REFERENCE")),
        "{:#?}",
        findings(&run(&subset))
    );
}

#[test]
fn a_register_split_into_sheets_by_period_is_read_whole() {
    // IAM-1's evidence is on the older sheet only: stale, but found.
    let fresh = d(2026, 9, 15);
    let book = baseline()
        .without("Evidence")
        .sheet(
            "Evidence 2026-Q2",
            EVIDENCE,
            vec![evidence("IAM-1", "*", d(2026, 6, 30), "Effective")],
        )
        .sheet(
            "Q3 FY26 Evidence",
            EVIDENCE,
            vec![
                evidence("DC-1", "*", fresh, "Effective"),
                evidence("EP-1", "*", fresh, "Effective"),
                evidence("APP-1", "*", fresh, "Effective"),
            ],
        )
        // Not a period: an old copy stays unread, with the usual warning.
        .sheet(
            "Evidence (old)",
            EVIDENCE,
            vec![evidence("IAM-1", "*", fresh, "Effective")],
        );
    let a = run(&book);
    expect(
        &a,
        &["EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence 2026-Q2!2"],
    );
    assert_eq!(a.inputs.evidence.len(), 4);
    assert!(
        a.inputs
            .warnings
            .iter()
            .any(|w| w.contains("sheet \"Evidence (old)\" ignored")),
        "{:#?}",
        a.inputs.warnings
    );
}

#[test]
fn csv_saved_with_semicolons_or_tabs_is_read_as_with_commas() {
    // Excel writes ";" where the comma is the decimal mark, and dates as 30.06.2026; its
    // "Unicode Text" is tab-separated. IAM-1's evidence is stale whichever it is.
    let book = baseline().set("Evidence", 4, "collected_on", "30.06.2026");
    let dir = tempfile::tempdir().unwrap();
    let commas = dir.path().join("commas");
    std::fs::create_dir(&commas).unwrap();
    let files = book.write_csv(&commas);
    let stale =
        "EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ controls!4 evidence!4";
    expect_in("commas", &analyse(&files, PERIOD).unwrap(), &[stale]);
    for (case, delimiter, extension) in [("semicolons", b';', "csv"), ("tabs", b'\t', "tsv")] {
        let out = dir.path().join(case);
        std::fs::create_dir(&out).unwrap();
        for file in &files {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(file)
                .unwrap();
            let stem = file.file_stem().unwrap().to_str().unwrap();
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_path(out.join(format!("{stem}.{extension}")))
                .unwrap();
            for record in reader.records() {
                writer.write_record(&record.unwrap()).unwrap();
            }
        }
        let a = analyse(&[out], PERIOD).unwrap_or_else(|e| panic!("{case}: {e}"));
        expect_in(case, &a, &[stale]);
        assert_eq!(a.inputs.evidence.len(), 4, "{case}");
    }
}

#[test]
fn a_cadence_demarc_cannot_judge_is_refused_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    for (cadence, why) in [
        (
            "Weekly",
            "demarc judges freshness by the month at the finest",
        ),
        (
            "Ad hoc",
            "freshness is judged against a cadence, and this names none",
        ),
    ] {
        let path = baseline()
            .set("Controls", 4, "frequency", cadence)
            .write(dir.path(), "company.xlsx");
        let Err(error) = analyse(&[path], PERIOD) else {
            panic!("{cadence} was read as a cadence");
        };
        let said = error.to_string();
        assert!(
            said.contains(&format!(
                "Controls!D4: frequency: \"{cadence}\" is not one of"
            )) && said.contains(why),
            "{said}"
        );
    }
    // Real time is continuous.
    expect(
        &run(&baseline().set("Controls", 4, "frequency", "Real-time")),
        NONE,
    );
}

#[test]
fn data_classes_written_out_or_slashed_are_the_classes_they_name() {
    // Okta holds health data and personal data: a missing test of its IAM control steps up
    // from high to critical.
    let book = baseline().delete("Evidence", 4).set(
        "Services",
        2,
        "data_classes",
        "Health data / PII (personal data)",
    );
    let a = run(&book);
    expect(
        &a,
        &["EVIDENCE_MISSING critical service=Okta domain=IAM control=IAM-1 @ Controls!4 Services!2"],
    );
    assert_eq!(
        a.inputs.services[0].data_classes,
        vec![
            demarc::inputs::DataClass::Phi,
            demarc::inputs::DataClass::Pii
        ]
    );
}

#[test]
fn only_a_whole_heading_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // Only a whole header is skipped: a row with one header word among real values is
    // still refused, naming its cell.
    let half = baseline().push(
        "Evidence",
        row(&[
            "IAM-1",
            "*",
            "Quarterly review",
            "collected_on",
            "Effective",
            "A. Tester",
        ]),
    );
    let path = half.write(dir.path(), "half.xlsx");
    let Err(error) = analyse(&[path], PERIOD) else {
        panic!("a row of values is not a header, yet the run read it");
    };
    assert!(
        error
            .to_string()
            .contains("Evidence!D6: collected_on: expected a date"),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------
// Customer evidence: EVIDENCE_MISSING, EVIDENCE_STALE, CONTROL_INEFFECTIVE, CONTROL_NOT_TESTED
// ---------------------------------------------------------------------------------------

const IAM_MISSING: &str =
    "EVIDENCE_MISSING high service=Okta domain=IAM control=IAM-1 @ Controls!4 Services!2";
const IAM_STALE: &str =
    "EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!4";

#[test]
fn evidence_missing_when_a_serving_control_has_no_evidence_for_the_service() {
    let a = run(&baseline().delete("Evidence", 4));
    expect(&a, &[IAM_MISSING]);
    let iam = cell(&a, "Okta", "IAM");
    assert_eq!(
        (iam.customer_evidenced, iam.provider_attested, iam.evidenced),
        (Some(false), Some(true), false)
    );

    // Evidence naming another service does not count for this one.
    let book = okta_verify(
        baseline().set("Evidence", 4, "service", "Okta Verify"),
        "Confidential",
        "yes",
    );
    expect(&run(&book), &[IAM_MISSING]);
}

#[test]
fn evidence_dated_after_the_period_end_does_not_count() {
    // The only row is dated the day after the period end: missing, not stale.
    let late = baseline().set("Evidence", 4, "collected_on", d(2026, 10, 1));
    expect(&run(&late), &[IAM_MISSING]);

    // With an older row too, that older row is the newest that counts: stale, not missing.
    let book = late.push(
        "Evidence",
        evidence("IAM-1", "Okta", d(2026, 6, 1), "Effective"),
    );
    expect(
        &run(&book),
        &["EVIDENCE_STALE medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6"],
    );

    // A later row does not decide the result either.
    let book = baseline().push(
        "Evidence",
        evidence("IAM-1", "*", d(2026, 10, 1), "Ineffective"),
    );
    expect(&run(&book), NONE);

    // A row dated on the period end itself counts, and decides.
    let on_the_end = baseline().set("Evidence", 4, "collected_on", d(2026, 9, 30));
    expect(&run(&on_the_end), NONE);
    let book = baseline().push(
        "Evidence",
        evidence("IAM-1", "*", d(2026, 9, 30), "Ineffective"),
    );
    expect(&run(&book), &["CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6"]);
}

#[test]
fn evidence_on_the_cutoff_is_stale_and_the_day_after_is_fresh() {
    // (frequency, cut-off = 2026-09-30 minus the window in calendar months)
    let cases = [
        ("quarterly", d(2026, 6, 30)),
        ("", d(2026, 6, 30)), // no frequency: quarterly
        ("monthly", d(2026, 8, 30)),
        ("continuous", d(2026, 8, 30)),
        ("semiannual", d(2026, 3, 30)),
        ("annual", d(2025, 9, 30)),
    ];
    for (frequency, cutoff) in cases {
        let book = |on: NaiveDate| {
            baseline().set("Controls", 4, "frequency", frequency).set(
                "Evidence",
                4,
                "collected_on",
                on,
            )
        };
        let stale = run(&book(cutoff));
        expect_in(&format!("{frequency:?} on {cutoff}"), &stale, &[IAM_STALE]);
        assert_eq!(cell(&stale, "Okta", "IAM").customer_evidenced, Some(false));
        let day_after = cutoff.succ_opt().unwrap();
        expect_in(
            &format!("{frequency:?} on {day_after}"),
            &run(&book(day_after)),
            NONE,
        );
    }
}

#[test]
fn month_arithmetic_clamps_to_the_end_of_the_month() {
    // (period, frequency, cut-off): 2026-03-31 − 1 month = 2026-02-28; 2026-12-31 − 3 months
    // = 2026-09-30.
    let cases = [
        ("2026-Q1", "monthly", d(2026, 2, 28)),
        ("2026-Q4", "quarterly", d(2026, 9, 30)),
    ];
    for (period, frequency, cutoff) in cases {
        for (on, stale) in [(cutoff, true), (cutoff.succ_opt().unwrap(), false)] {
            let book = baseline().set("Controls", 4, "frequency", frequency).set(
                "Evidence",
                4,
                "collected_on",
                on,
            );
            let a = run_for(&book, period, None);
            // Other controls' evidence (2026-09-15) does not suit these periods; look at IAM-1.
            let iam: Vec<String> = a
                .reconciliation
                .findings
                .iter()
                .filter(|f| f.control_id.as_deref() == Some("IAM-1"))
                .map(show)
                .collect();
            let want = if stale {
                strings(&[IAM_STALE])
            } else {
                Vec::new()
            };
            assert_eq!(iam, want, "{period} {frequency} evidence on {on}");
        }
    }
}

#[test]
fn the_newest_result_decides_ineffective_and_not_tested() {
    let cases = [
        ("Effective", None),
        ("Ineffective", Some("CONTROL_INEFFECTIVE high")),
        ("Exception", Some("CONTROL_INEFFECTIVE high")),
        ("Not tested", Some("CONTROL_NOT_TESTED medium")),
        ("Partially effective", Some("CONTROL_NOT_TESTED medium")),
    ];
    for (result, code) in cases {
        let a = run(&baseline().set("Evidence", 4, "result", result));
        let want: Vec<String> = code
            .map(|c| format!("{c} service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!4"))
            .into_iter()
            .collect();
        expect_in(result, &a, &want);
        assert_eq!(
            cell(&a, "Okta", "IAM").customer_evidenced,
            Some(code.is_none()),
            "{result}"
        );
    }
}

#[test]
fn staleness_and_a_bad_result_are_judged_independently() {
    let book = baseline()
        .set("Evidence", 4, "collected_on", d(2026, 6, 30))
        .set("Evidence", 4, "result", "Ineffective");
    expect(
        &run(&book),
        &[IAM_STALE, "CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!4"],
    );
}

#[test]
fn the_newest_row_decides_and_a_tie_goes_to_the_lower_row() {
    // Each case rewrites Evidence!4 (IAM-1) and adds Evidence!6 (IAM-1): (service, date, result).
    // A blank or `*` service row competes with the service's own rows by date.
    let ineffective_row_6 = Some(
        "CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6",
    );
    let sep = |day: u32| d(2026, 9, day);
    let cases = [
        (
            "older Ineffective above a newer Effective",
            ("*", sep(1), "Ineffective"),
            ("*", sep(15), "Effective"),
            None,
        ),
        (
            "newer Effective above an older Ineffective",
            ("*", sep(15), "Effective"),
            ("*", sep(1), "Ineffective"),
            None,
        ),
        (
            "newer Ineffective below",
            ("*", sep(15), "Effective"),
            ("*", sep(20), "Ineffective"),
            ineffective_row_6,
        ),
        (
            "own row newer than the * row",
            ("*", sep(15), "Effective"),
            ("Okta", sep(20), "Ineffective"),
            ineffective_row_6,
        ),
        (
            "own row older than the * row",
            ("*", sep(15), "Effective"),
            ("Okta", sep(1), "Ineffective"),
            None,
        ),
        (
            "blank-service row newer than own row",
            ("Okta", sep(1), "Effective"),
            ("", sep(15), "Ineffective"),
            ineffective_row_6,
        ),
        (
            "blank-service row older than own row",
            ("Okta", sep(20), "Effective"),
            ("", sep(15), "Ineffective"),
            None,
        ),
        (
            "tie: own row below the * row",
            ("*", sep(15), "Effective"),
            ("Okta", sep(15), "Ineffective"),
            ineffective_row_6,
        ),
        (
            "tie: * row below own row",
            ("Okta", sep(15), "Effective"),
            ("*", sep(15), "Ineffective"),
            ineffective_row_6,
        ),
        (
            "tie: Effective own row below",
            ("*", sep(15), "Ineffective"),
            ("Okta", sep(15), "Effective"),
            None,
        ),
        (
            "tie: Effective * row below",
            ("Okta", sep(15), "Ineffective"),
            ("*", sep(15), "Effective"),
            None,
        ),
    ];
    for (case, (service4, date4, result4), (service6, date6, result6), want) in cases {
        let book = baseline()
            .set("Evidence", 4, "service", service4)
            .set("Evidence", 4, "collected_on", date4)
            .set("Evidence", 4, "result", result4)
            .push("Evidence", evidence("IAM-1", service6, date6, result6));
        let want: Vec<&str> = want.into_iter().collect();
        expect_in(case, &run(&book), &want);
    }
}

// ---------------------------------------------------------------------------------------
// DOMAIN_UNOWNED
// ---------------------------------------------------------------------------------------

#[test]
fn domain_unowned_when_no_control_serves_a_customer_or_shared_cell() {
    // IAM-1 moved to Network controls (the provider's alone for SaaS): IAM is unowned, and
    // IAM-1 serves no customer cell any more, so even an Ineffective result raises nothing.
    let book = baseline().set("Controls", 4, "domain", domain("NET")).set(
        "Evidence",
        4,
        "result",
        "Ineffective",
    );
    let a = run(&book);
    expect(
        &a,
        &["DOMAIN_UNOWNED critical service=Okta domain=IAM @ Services!2"],
    );
    assert_eq!(cell(&a, "Okta", "IAM").customer_evidenced, Some(false));
    assert!(cell(&a, "Okta", "NET").evidenced);
}

#[test]
fn a_control_serves_the_services_its_applies_to_names() {
    // Two Okta services; IAM-1's applies_to decides whether it owns Okta Verify's IAM cell.
    let unowned = &["DOMAIN_UNOWNED critical service=Okta Verify domain=IAM @ Services!3"];
    let cases = [
        ("Okta", &unowned[..]),
        ("Okta; Okta Verify", NONE),
        ("okta verify, OKTA", NONE),
        ("Okta\nOkta Verify", NONE),
        ("*", NONE),
        ("", NONE),
    ];
    for (applies_to, want) in cases {
        let book = okta_verify(
            baseline().set("Controls", 4, "applies_to", applies_to),
            "Confidential",
            "yes",
        );
        expect_in(&format!("applies_to {applies_to:?}"), &run(&book), want);
    }
}

// ---------------------------------------------------------------------------------------
// Vendor attestations: ATTESTATION_MISSING, _GAP, _EXPIRED, _EXPIRING, _SCOPE
// ---------------------------------------------------------------------------------------

#[test]
fn attestation_missing_on_every_shared_and_provider_cell_without_one_from_the_vendor() {
    // Okta's report filed under another vendor's name: nothing from Okta.
    let a = run(&baseline().set("Attestations", 2, "vendor", "Auth0"));
    let mut want = each(
        "ATTESTATION_MISSING high",
        "Okta",
        &ATTESTED,
        "vendor=Okta @ Services!2",
    );
    want.push("UNKNOWN_REFERENCE low vendor=Auth0 @ Attestations!2".into());
    expect(&a, &want);
    assert_eq!(cell(&a, "Okta", "NET").provider_attested, Some(false));
    assert_eq!(cell(&a, "Okta", "IAM").provider_attested, Some(false));
    assert_eq!(cell(&a, "Okta", "DC").provider_attested, None);
    assert!(cell(&a, "Okta", "DC").evidenced);

    // Vendor names match ignoring case and surrounding spaces.
    expect(
        &run(&baseline().set("Attestations", 2, "vendor", " OKTA ")),
        NONE,
    );

    // An Attestations sheet with no rows.
    let empty = baseline().sheet("Attestations", ATTESTATIONS, Vec::new());
    expect(
        &run(&empty),
        &each(
            "ATTESTATION_MISSING high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Services!2",
        ),
    );
}

#[test]
fn without_attestations_and_cuecs_sheets_the_run_succeeds_and_every_vendor_cell_is_unattested() {
    let a = run(&baseline().without("Attestations").without("CUECs"));
    expect(
        &a,
        &each(
            "ATTESTATION_MISSING high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Services!2",
        ),
    );
    assert!(a.inputs.attestations_absent && a.inputs.cuecs_absent);
}

#[test]
fn attestation_gap_unless_the_period_or_a_bridge_letter_reaches_the_period_end() {
    let gap = each(
        "ATTESTATION_GAP high",
        "Okta",
        &ATTESTED,
        "vendor=Okta @ Attestations!2 Services!2",
    );
    // (period_end, bridge_letter_through, gap?)
    let cases = [
        (d(2026, 6, 30), Some(d(2026, 9, 30)), false),
        (d(2026, 6, 30), Some(d(2026, 9, 29)), true),
        (d(2026, 6, 30), None, true),
        (d(2026, 9, 30), None, false),
        (d(2026, 9, 29), None, true),
    ];
    for (period_end, bridge, is_gap) in cases {
        let book = baseline().sheet(
            "Attestations",
            ATTESTATIONS,
            vec![Att {
                period_end: Some(period_end),
                bridge,
                ..Att::soc2()
            }
            .cells()],
        );
        let a = run(&book);
        let want = if is_gap { gap.clone() } else { Vec::new() };
        expect_in(
            &format!("period_end {period_end}, bridge {bridge:?}"),
            &a,
            &want,
        );
        assert_eq!(cell(&a, "Okta", "HOST").provider_attested, Some(!is_gap));
    }
}

#[test]
fn certificates_expire_before_the_period_end_and_expire_soon_within_90_days_after() {
    // Okta's only attestation is an ISO 27001 certificate.
    let expired = {
        let mut lines = strings(&["ATTESTATION_EXPIRED high vendor=Okta @ Attestations!2"]);
        lines.extend(each(
            "ATTESTATION_GAP high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Attestations!2 Services!2",
        ));
        lines
    };
    let expiring = strings(&["ATTESTATION_EXPIRING low vendor=Okta @ Attestations!2"]);
    let cases = [
        (d(2026, 9, 29), expired),
        (d(2026, 9, 30), expiring.clone()), // on the period end: still valid, and lapses soon
        (d(2026, 12, 29), expiring),        // 90 days after
        (d(2026, 12, 30), Vec::new()),      // 91 days after
    ];
    for (expires_on, want) in cases {
        let book = baseline().sheet(
            "Attestations",
            ATTESTATIONS,
            vec![Att::iso(expires_on).cells()],
        );
        let a = run(&book);
        expect_in(&format!("expires_on {expires_on}"), &a, &want);
        assert_eq!(
            cell(&a, "Okta", "NET").provider_attested,
            Some(expires_on >= d(2026, 9, 30))
        );
    }
}

#[test]
fn expiry_is_judged_on_the_current_certificate_only() {
    // An old certificate that lapsed, superseded by its renewal (listed above it): nothing.
    let book = baseline().sheet(
        "Attestations",
        ATTESTATIONS,
        vec![
            Att {
                issued_on: Some(d(2026, 9, 1)),
                ..Att::iso(d(2029, 8, 31))
            }
            .cells(),
            Att {
                issued_on: Some(d(2023, 10, 1)),
                ..Att::iso(d(2026, 9, 29))
            }
            .cells(),
        ],
    );
    expect(&run(&book), NONE);

    // An expired certificate beside a valid report: the row is expired, the cells are covered.
    let book = baseline().push("Attestations", Att::iso(d(2026, 9, 29)).cells());
    expect(
        &run(&book),
        &["ATTESTATION_EXPIRED high vendor=Okta @ Attestations!3"],
    );

    // A SOC 2 report's expires_on is not a certificate expiry: the bridge letter still covers.
    expect(
        &run(&baseline().set("Attestations", 2, "expires_on", d(2026, 9, 1))),
        NONE,
    );
}

#[test]
fn attestations_issued_after_the_as_of_date_do_not_count() {
    // Okta's only report (through the period end) was issued after the quarter closed.
    let late = Att {
        period_start: Some(d(2025, 10, 1)),
        period_end: Some(d(2026, 9, 30)),
        issued_on: Some(d(2026, 10, 15)),
        bridge: None,
        ..Att::soc2()
    };
    let book = baseline().sheet("Attestations", ATTESTATIONS, vec![late.cells()]);
    let missing = each(
        "ATTESTATION_MISSING high",
        "Okta",
        &ATTESTED,
        "vendor=Okta @ Services!2",
    );
    expect_in("default as-of (the period end)", &run(&book), &missing);
    expect_in(
        "as of 2026-10-14",
        &run_for(&book, PERIOD, Some(d(2026, 10, 14))),
        &missing,
    );
    expect_in(
        "as of 2026-10-15",
        &run_for(&book, PERIOD, Some(d(2026, 10, 15))),
        NONE,
    );
    let on_time = baseline().sheet(
        "Attestations",
        ATTESTATIONS,
        vec![Att {
            issued_on: Some(d(2026, 9, 30)),
            ..late
        }
        .cells()],
    );
    expect_in("issued on the period end", &run(&on_time), NONE);

    // Coverage is still judged at the period end.
    let ends_early = baseline().sheet(
        "Attestations",
        ATTESTATIONS,
        vec![Att {
            period_end: Some(d(2026, 9, 29)),
            ..late
        }
        .cells()],
    );
    expect(
        &run_for(&ends_early, PERIOD, Some(d(2026, 10, 15))),
        &each(
            "ATTESTATION_GAP high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Attestations!2 Services!2",
        ),
    );

    // A certificate issued after the period end counts, but does not cover the period end.
    let renewed = baseline().sheet(
        "Attestations",
        ATTESTATIONS,
        vec![Att {
            issued_on: Some(d(2026, 10, 5)),
            ..Att::iso(d(2029, 10, 4))
        }
        .cells()],
    );
    expect(
        &run_for(&renewed, PERIOD, Some(d(2026, 10, 15))),
        &each(
            "ATTESTATION_GAP high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Attestations!2 Services!2",
        ),
    );

    // A late report's opinion counts only once the report does.
    let qualified = baseline().sheet(
        "Attestations",
        ATTESTATIONS,
        vec![Att {
            opinion: "Qualified",
            ..late
        }
        .cells()],
    );
    assert!(of(&run(&qualified), Code::OpinionModified).is_empty());
    expect(
        &run_for(&qualified, PERIOD, Some(d(2026, 10, 15))),
        &["OPINION_MODIFIED high vendor=Okta @ Attestations!2"],
    );
}

#[test]
fn attestation_scope_when_no_attestation_covers_the_service_or_the_domain() {
    let verify = |book: Book| okta_verify(book, "Confidential", "yes");

    // Okta's only report names its other service.
    let a = run(&verify(baseline().set(
        "Attestations",
        2,
        "services",
        "Okta Verify",
    )));
    expect(
        &a,
        &each(
            "ATTESTATION_SCOPE high",
            "Okta",
            &ATTESTED,
            "vendor=Okta @ Attestations!2 Services!2",
        ),
    );
    assert_eq!(cell(&a, "Okta", "APP").provider_attested, Some(false));
    assert!(cell(&a, "Okta Verify", "APP").evidenced);
    expect(
        &run(&verify(baseline().set(
            "Attestations",
            2,
            "services",
            "okta verify; Okta",
        ))),
        NONE,
    );

    // The report excludes the shared domains.
    let provider_only = "Network controls; Host infrastructure; Physical security";
    let book = baseline().set("Attestations", 2, "domains", provider_only);
    expect(
        &run(&book),
        &each(
            "ATTESTATION_SCOPE high",
            "Okta",
            &["EP", "IAM", "APP"],
            "vendor=Okta @ Attestations!2 Services!2",
        ),
    );

    // A second attestation covering the rest closes the scope.
    let iso = Att { domains: "Client and endpoint protection, Identity and access management\nApplication-level controls", ..Att::iso(d(2028, 9, 30)) };
    expect(&run(&book.push("Attestations", iso.cells())), NONE);
}

// ---------------------------------------------------------------------------------------
// The vendor's current report: OPINION_MODIFIED, ATTESTATION_EXCEPTIONS
// ---------------------------------------------------------------------------------------

#[test]
fn opinion_modified_qualified_is_high_adverse_and_disclaimer_are_critical() {
    let cases = [
        ("Unqualified", None),
        ("", None),
        ("Qualified", Some("high")),
        ("Adverse", Some("critical")),
        ("Disclaimer", Some("critical")),
    ];
    for (opinion, severity) in cases {
        let a = run(&baseline().set("Attestations", 2, "opinion", opinion));
        let want: Vec<String> = severity
            .map(|s| format!("OPINION_MODIFIED {s} vendor=Okta @ Attestations!2"))
            .into_iter()
            .collect();
        expect_in(opinion, &a, &want);
        // A modified opinion is reported, but the report still covers the cells.
        assert!(cell(&a, "Okta", "PHYS").evidenced, "{opinion}");
    }
}

#[test]
fn attestation_exceptions_when_the_report_notes_any() {
    let cases: [(Cell, bool); 5] = [
        (Cell::Number(0.0), false),
        (Cell::Blank, false),
        (Cell::Text("none".into()), false),
        (Cell::Number(1.0), true),
        (Cell::Text("3".into()), true),
    ];
    for (exceptions, raised) in cases {
        let case = format!("exceptions {exceptions:?}");
        let a = run(&baseline().set("Attestations", 2, "exceptions", exceptions));
        let want = if raised {
            strings(&["ATTESTATION_EXCEPTIONS medium vendor=Okta @ Attestations!2"])
        } else {
            Vec::new()
        };
        expect_in(&case, &a, &want);
    }
}

/// The baseline with the SOC 2's subservice organisations and their method filled in.
fn with_subservices(book: Book, orgs: &str, method: &str) -> Book {
    let mut book = book;
    let sheet = book
        .sheets
        .iter_mut()
        .find(|s| s.name == "Attestations")
        .unwrap();
    sheet.header.extend([
        "Subservice organisations".to_string(),
        "Carve-out or inclusive".to_string(),
    ]);
    book.set("Attestations", 2, "Subservice organisations", orgs)
        .set("Attestations", 2, "Carve-out or inclusive", method)
}

// The catalogue's path for a new code, shown (issue 16): one entry in
// src/findings/catalogue.rs, one rule in src/reconcile/vendor.rs, this test.
#[test]
fn subservice_unattested_when_a_carved_out_organisation_has_no_attestation() {
    let raised = "SUBSERVICE_UNATTESTED medium vendor=Okta @ Attestations!2";
    let cases = [
        ("Equinix", "carve-out", vec![raised]),
        ("Equinix", "Carve-out method", vec![raised]),
        ("Equinix", "inclusive", vec![]),
        ("Equinix", "", vec![]),
        ("", "carve-out", vec![]),
    ];
    for (orgs, method, want) in cases {
        let a = run(&with_subservices(baseline(), orgs, method));
        expect_in(&format!("{orgs:?} {method:?}"), &a, &strings(&want));
    }
    // Two organisations, one of which has its own certificate in the workbook: only the
    // other is raised, named in the message.
    let equinix = Att {
        vendor: "Equinix",
        ..Att::iso(d(2028, 9, 30))
    };
    let book = with_subservices(baseline(), "Equinix; Google Cloud", "carve-out")
        .push("Attestations", equinix.cells());
    let a = run(&book);
    let raised: Vec<&str> = a
        .reconciliation
        .findings
        .iter()
        .filter(|f| f.code == Code::SubserviceUnattested)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert!(
        raised[0].contains("carves out the subservice organisation Google Cloud"),
        "{raised:?}"
    );
    // An unknown method is an error naming the cell and the accepted values.
    let dir = tempfile::tempdir().unwrap();
    let path = with_subservices(baseline(), "Equinix", "sometimes").write(dir.path(), "q3.xlsx");
    let err = support::analyse(&[path], "2026-Q3")
        .err()
        .expect("an unknown method is refused")
        .to_string();
    assert!(
        err.contains(
            "Attestations!M2: carve_out: \"sometimes\" is not one of inclusive, carve-out"
        ),
        "{err}"
    );
}

#[test]
fn only_the_latest_issued_report_of_each_type_is_judged() {
    // A superseded qualified report with exceptions, listed below the current clean one.
    let old = Att {
        period_start: Some(d(2024, 7, 1)),
        period_end: Some(d(2025, 6, 30)),
        issued_on: Some(d(2025, 8, 1)),
        bridge: None,
        opinion: "Qualified",
        exceptions: 4.0,
        ..Att::soc2()
    };
    expect(&run(&baseline().push("Attestations", old.cells())), NONE);

    // The other way round: the current report (Attestations!2) is the qualified one.
    let old_clean = Att {
        opinion: "Unqualified",
        exceptions: 0.0,
        ..old
    };
    let book = baseline()
        .set("Attestations", 2, "opinion", "Qualified")
        .push("Attestations", old_clean.cells());
    expect(
        &run(&book),
        &["OPINION_MODIFIED high vendor=Okta @ Attestations!2"],
    );
}

#[test]
fn per_attestation_findings_step_up_for_the_in_scope_services_the_attestation_covers() {
    // Okta Verify holds PII; Okta's report is qualified.
    let qualified = |services: &str, in_scope: &str| {
        let book = baseline()
            .set("Attestations", 2, "opinion", "Qualified")
            .set("Attestations", 2, "services", services);
        let a = run(&okta_verify(book, "PII", in_scope));
        of(&a, Code::OpinionModified)
            .into_iter()
            .map(show)
            .collect::<Vec<_>>()
    };
    let high = ["OPINION_MODIFIED high vendor=Okta @ Attestations!2"];
    let critical = ["OPINION_MODIFIED critical vendor=Okta @ Attestations!2"];
    assert_eq!(qualified("*", "yes"), critical, "covers the PII service");
    assert_eq!(
        qualified("Okta; Okta Verify", "yes"),
        critical,
        "names the PII service"
    );
    assert_eq!(
        qualified("Okta", "yes"),
        high,
        "does not cover the PII service"
    );
    assert_eq!(
        qualified("*", "no"),
        high,
        "the PII service is out of scope"
    );
}

// ---------------------------------------------------------------------------------------
// Severity step-up and scope
// ---------------------------------------------------------------------------------------

#[test]
fn regulated_data_steps_severity_up_one_level_except_unknown_references() {
    // One perturbation per code, with its base severity.
    type Perturbation = fn(Book) -> Book;
    let cases: [(Code, Severity, Perturbation); 16] = [
        (Code::EvidenceMissing, Severity::High, |b| {
            b.delete("Evidence", 4)
        }),
        (Code::EvidenceStale, Severity::Medium, |b| {
            b.set("Evidence", 4, "collected_on", d(2026, 6, 30))
        }),
        (Code::ControlIneffective, Severity::High, |b| {
            b.set("Evidence", 4, "result", "Ineffective")
        }),
        (Code::ControlNotTested, Severity::Medium, |b| {
            b.set("Evidence", 4, "result", "Partially effective")
        }),
        (Code::DomainUnowned, Severity::Critical, |b| {
            b.set("Controls", 4, "domain", domain("NET"))
        }),
        (Code::AttestationMissing, Severity::High, |b| {
            b.set("Attestations", 2, "vendor", "Auth0")
        }),
        (Code::AttestationGap, Severity::High, |b| {
            b.set("Attestations", 2, "bridge_letter_through", "")
        }),
        (Code::AttestationScope, Severity::High, |b| {
            b.set("Attestations", 2, "domains", domain("NET"))
        }),
        (Code::AttestationExpired, Severity::High, |b| {
            b.sheet(
                "Attestations",
                ATTESTATIONS,
                vec![Att::iso(d(2026, 9, 29)).cells()],
            )
        }),
        (Code::AttestationExpiring, Severity::Low, |b| {
            b.sheet(
                "Attestations",
                ATTESTATIONS,
                vec![Att::iso(d(2026, 10, 31)).cells()],
            )
        }),
        (Code::OpinionModified, Severity::High, |b| {
            b.set("Attestations", 2, "opinion", "Qualified")
        }),
        (Code::AttestationExceptions, Severity::Medium, |b| {
            b.set("Attestations", 2, "exceptions", 2.0)
        }),
        (Code::CuecUnmapped, Severity::High, |b| {
            b.set("CUECs", 2, "mapped_control", "")
        }),
        (Code::CuecUnevidenced, Severity::High, |b| {
            b.set("Evidence", 5, "result", "Ineffective")
        }),
        (Code::DuplicateRow, Severity::Medium, |b| {
            b.set("Evidence", 4, "service", "Okta").push(
                "Evidence",
                evidence("IAM-1", "Okta", d(2026, 9, 15), "Ineffective"),
            )
        }),
        (Code::UnknownReference, Severity::Low, |b| {
            b.push(
                "Evidence",
                evidence("IAM-9", "Okta", d(2026, 9, 15), "Effective"),
            )
        }),
    ];
    let classes = [
        ("Confidential", false),
        ("", false),
        ("IP; Public", false),
        ("PII", true),
        ("PHI", true),
        ("PCI", true),
        ("Public, PII", true),
    ];
    for (data_classes, regulated) in classes {
        for (code, base, perturb) in &cases {
            let a = run(&perturb(baseline().set(
                "Services",
                2,
                "data_classes",
                data_classes,
            )));
            let hits = of(&a, *code);
            assert!(
                !hits.is_empty(),
                "{code} with data_classes {data_classes:?}: not raised; findings {:#?}",
                findings(&a)
            );
            // One step up, capped at critical (worked out here, not by the library).
            let up = match base {
                Severity::Info => Severity::Low,
                Severity::Low => Severity::Medium,
                Severity::Medium => Severity::High,
                Severity::High | Severity::Critical => Severity::Critical,
            };
            let want = if regulated && *code != Code::UnknownReference {
                up
            } else {
                *base
            };
            for f in hits {
                assert_eq!(
                    f.severity,
                    want,
                    "{code} with data_classes {data_classes:?}: {}",
                    show(f)
                );
            }
        }
    }
}

#[test]
fn out_of_scope_services_raise_nothing() {
    // Legacy CRM (PII, from Acme) has an ineffective control, a qualified report with
    // exceptions that does not reach the period end, and an unmapped CUEC.
    let book = |in_scope: &str| {
        baseline()
            .push("Services", service("Legacy CRM", "Acme", "PII", in_scope))
            .push(
                "Evidence",
                evidence("IAM-1", "Legacy CRM", d(2026, 9, 20), "Ineffective"),
            )
            .push(
                "Attestations",
                Att {
                    vendor: "Acme",
                    bridge: None,
                    opinion: "Qualified",
                    exceptions: 2.0,
                    ..Att::soc2()
                }
                .cells(),
            )
            .push("CUECs", cuec("Acme", "CUEC-9", ""))
    };
    let a = run(&book("no"));
    expect(&a, NONE);
    assert!(a.reconciliation.cells.iter().all(|c| c.service == "Okta"));

    // In scope, each of those is a finding, stepped up for PII.
    let mut want = strings(&[
        "CONTROL_INEFFECTIVE critical service=Legacy CRM domain=IAM control=IAM-1 @ Controls!4 Evidence!6",
        "OPINION_MODIFIED critical vendor=Acme @ Attestations!3",
        "ATTESTATION_EXCEPTIONS high vendor=Acme @ Attestations!3",
        "CUEC_UNMAPPED critical vendor=Acme cuec=CUEC-9 @ CUECs!3",
    ]);
    want.extend(each(
        "ATTESTATION_GAP critical",
        "Legacy CRM",
        &ATTESTED,
        "vendor=Acme @ Attestations!3 Services!3",
    ));
    expect(&run(&book("yes")), &want);
}

// ---------------------------------------------------------------------------------------
// CUECs
// ---------------------------------------------------------------------------------------

#[test]
fn cuec_unmapped_when_the_mapped_control_is_blank_or_not_in_the_catalogue() {
    let cases = [
        ("APP-1", None),
        (" app-1 ", None),
        (
            "",
            Some("CUEC_UNMAPPED high vendor=Okta cuec=CUEC-1 @ CUECs!2"),
        ),
        (
            "APP-9",
            Some("CUEC_UNMAPPED high control=APP-9 vendor=Okta cuec=CUEC-1 @ CUECs!2"),
        ),
    ];
    for (mapped, want) in cases {
        let want: Vec<&str> = want.into_iter().collect();
        expect_in(
            &format!("mapped_control {mapped:?}"),
            &run(&baseline().set("CUECs", 2, "mapped_control", mapped)),
            &want,
        );
    }
}

#[test]
fn cuec_unevidenced_when_the_mapped_controls_evidence_is_missing_stale_or_not_effective() {
    // CUEC-1 maps to APP-1 (Controls!5, evidence Evidence!5). The cell finding and the CUEC
    // finding both fire.
    let cuec_finding = "CUEC_UNEVIDENCED high control=APP-1 vendor=Okta cuec=CUEC-1 @ CUECs!2 Controls!5 Evidence!5";
    let app = |code_severity: &str| {
        format!("{code_severity} service=Okta domain=APP control=APP-1 @ Controls!5 Evidence!5")
    };
    let cases: [(&str, Book, Vec<String>); 7] = [
        ("fresh and Effective", baseline().set("Evidence", 5, "collected_on", d(2026, 7, 1)), Vec::new()),
        (
            "stale",
            baseline().set("Evidence", 5, "collected_on", d(2026, 6, 30)),
            vec![app("EVIDENCE_STALE medium"), cuec_finding.into()],
        ),
        (
            "Partially effective",
            baseline().set("Evidence", 5, "result", "Partially effective"),
            vec![app("CONTROL_NOT_TESTED medium"), cuec_finding.into()],
        ),
        (
            "Not tested",
            baseline().set("Evidence", 5, "result", "Not tested"),
            vec![app("CONTROL_NOT_TESTED medium"), cuec_finding.into()],
        ),
        (
            "Exception",
            baseline().set("Evidence", 5, "result", "Exception"),
            vec![app("CONTROL_INEFFECTIVE high"), cuec_finding.into()],
        ),
        (
            "Ineffective",
            baseline().set("Evidence", 5, "result", "Ineffective"),
            vec![app("CONTROL_INEFFECTIVE high"), cuec_finding.into()],
        ),
        (
            "missing",
            baseline().delete("Evidence", 5),
            strings(&[
                "EVIDENCE_MISSING high service=Okta domain=APP control=APP-1 @ Controls!5 Services!2",
                "CUEC_UNEVIDENCED high control=APP-1 vendor=Okta cuec=CUEC-1 @ CUECs!2 Controls!5",
            ]),
        ),
    ];
    for (case, book, want) in cases {
        expect_in(case, &run(&book), &want);
    }
}

#[test]
fn cuecs_are_judged_on_their_own_vendors_services() {
    // Okta's CUEC-1 and Slack's CUEC-2 both map to APP-1.
    expect(&run(&with_slack(baseline())), NONE);

    // APP-1 fails for Okta only: Okta's CUEC is unevidenced, Slack's is not.
    let book = with_slack(baseline()).push(
        "Evidence",
        evidence("APP-1", "Okta", d(2026, 9, 20), "Ineffective"),
    );
    expect(
        &run(&book),
        &[
            "CONTROL_INEFFECTIVE high service=Okta domain=APP control=APP-1 @ Controls!5 Evidence!6",
            "CUEC_UNEVIDENCED high control=APP-1 vendor=Okta cuec=CUEC-1 @ CUECs!2 Controls!5 Evidence!6",
        ],
    );

    // And the other way round.
    let book = with_slack(baseline()).push(
        "Evidence",
        evidence("APP-1", "Slack", d(2026, 9, 20), "Ineffective"),
    );
    expect(
        &run(&book),
        &[
            "CONTROL_INEFFECTIVE high service=Slack domain=APP control=APP-1 @ Controls!5 Evidence!6",
            "CUEC_UNEVIDENCED high control=APP-1 vendor=Slack cuec=CUEC-2 @ CUECs!3 Controls!5 Evidence!6",
        ],
    );
}

#[test]
fn cuecs_are_judged_on_the_vendors_in_scope_services_the_control_applies_to() {
    // APP-1 is Ineffective for Okta's second service, Okta Verify.
    let failing_for_verify = |book: Book| {
        book.push(
            "Evidence",
            evidence("APP-1", "Okta Verify", d(2026, 9, 20), "Ineffective"),
        )
    };
    let both = [
        "CONTROL_INEFFECTIVE high service=Okta Verify domain=APP control=APP-1",
        "CUEC_UNEVIDENCED high control=APP-1 vendor=Okta cuec=CUEC-1",
    ];

    // Out of scope: not judged.
    expect(
        &run(&failing_for_verify(okta_verify(
            baseline(),
            "Confidential",
            "no",
        ))),
        NONE,
    );
    // In scope: judged.
    assert_eq!(
        subjects(&run(&failing_for_verify(okta_verify(
            baseline(),
            "Confidential",
            "yes"
        )))),
        both
    );

    // APP-1 applies to Okta only (APP-2 owns Okta Verify's APP cell): not judged on Okta Verify.
    let applying = |applies_to: &str| {
        let book = okta_verify(baseline(), "Confidential", "yes")
            .set("Controls", 5, "applies_to", applies_to)
            .push(
                "Controls",
                control("APP-2", "APP", "quarterly", "Okta Verify"),
            )
            .push(
                "Evidence",
                evidence("APP-2", "*", d(2026, 9, 15), "Effective"),
            );
        run(&failing_for_verify(book))
    };
    expect(&applying("Okta"), NONE);
    assert_eq!(subjects(&applying("Okta; Okta Verify")), both);
}

#[test]
fn cuec_findings_step_up_for_the_services_they_judge() {
    // Okta Verify holds PII; APP-1 is Ineffective for Okta (not regulated).
    let book = |applies_to: &str| {
        okta_verify(baseline(), "PII", "yes")
            .set("Controls", 5, "applies_to", applies_to)
            .push(
                "Controls",
                control("APP-2", "APP", "quarterly", "Okta Verify"),
            )
            .push(
                "Evidence",
                evidence("APP-2", "*", d(2026, 9, 15), "Effective"),
            )
            .push(
                "Evidence",
                evidence("APP-1", "Okta", d(2026, 9, 20), "Ineffective"),
            )
    };
    let cuec_severity = |applies_to: &str| {
        let a = run(&book(applies_to));
        of(&a, Code::CuecUnevidenced)
            .iter()
            .map(|f| f.severity)
            .collect::<Vec<_>>()
    };
    // Judged on Okta alone: not stepped up, although the vendor's other service holds PII.
    assert_eq!(cuec_severity("Okta"), [Severity::High]);
    // Judged on both: stepped up.
    assert_eq!(cuec_severity("*"), [Severity::Critical]);
}

// ---------------------------------------------------------------------------------------
// Row hygiene: UNKNOWN_REFERENCE, DUPLICATE_ROW
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_reference_once_per_row_naming_a_control_service_or_vendor_that_exists_nowhere_else() {
    let sep15 = d(2026, 9, 15);
    let cases: [(&str, Book, &[&str]); 8] = [
        (
            "evidence for an unknown control",
            baseline().push("Evidence", evidence("IAM-9", "Okta", sep15, "Effective")),
            &["UNKNOWN_REFERENCE low control=IAM-9 @ Evidence!6"],
        ),
        (
            "evidence naming an unknown service",
            baseline().push(
                "Evidence",
                evidence("IAM-1", "Okta Classic", sep15, "Effective"),
            ),
            &["UNKNOWN_REFERENCE low service=Okta Classic control=IAM-1 @ Evidence!6"],
        ),
        (
            "one finding per offending row",
            baseline()
                .push("Evidence", evidence("IAM-9", "*", sep15, "Effective"))
                .push(
                    "Evidence",
                    evidence("IAM-9", "*", d(2026, 9, 16), "Effective"),
                ),
            &[
                "UNKNOWN_REFERENCE low control=IAM-9 @ Evidence!6",
                "UNKNOWN_REFERENCE low control=IAM-9 @ Evidence!7",
            ],
        ),
        (
            "names match ignoring case and spaces",
            baseline().push(
                "Evidence",
                evidence(" iam-1 ", "OKTA ", d(2026, 9, 1), "Effective"),
            ),
            NONE,
        ),
        (
            "an attestation from a vendor with no service",
            baseline().push(
                "Attestations",
                Att {
                    vendor: "Auth0",
                    ..Att::soc2()
                }
                .cells(),
            ),
            &["UNKNOWN_REFERENCE low vendor=Auth0 @ Attestations!3"],
        ),
        (
            "an attestation naming a service its vendor does not provide",
            baseline().set("Attestations", 2, "services", "Okta; Okta Workflows"),
            &["UNKNOWN_REFERENCE low vendor=Okta @ Attestations!2"],
        ),
        (
            "a control applying to an unknown service",
            baseline().set("Controls", 4, "applies_to", "Okta; Okta Classic"),
            &["UNKNOWN_REFERENCE low control=IAM-1 @ Controls!4"],
        ),
        (
            "a CUEC from a vendor with no service",
            baseline().push("CUECs", cuec("Auth0", "A-1", "APP-1")),
            &["UNKNOWN_REFERENCE low vendor=Auth0 cuec=A-1 @ CUECs!3"],
        ),
    ];
    for (case, book, want) in cases {
        expect_in(case, &run(&book), want);
    }

    // A row naming both an unknown control and an unknown service is still one finding.
    let a = run(&baseline().push(
        "Evidence",
        evidence("IAM-9", "Okta Classic", sep15, "Effective"),
    ));
    let rows: Vec<String> = findings(&a);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert!(
        rows[0].starts_with("UNKNOWN_REFERENCE low") && rows[0].ends_with("@ Evidence!6"),
        "{rows:#?}"
    );
    // ... and that finding names both, so that fixing the control alone is not a surprise.
    assert_eq!(
        rows[0],
        "UNKNOWN_REFERENCE low service=Okta Classic control=IAM-9 @ Evidence!6"
    );
    assert_eq!(
        a.reconciliation.findings[0].message,
        "Evidence names control IAM-9, which is not in the catalogue, and service Okta Classic, which is not in the Services sheet."
    );
}

#[test]
fn duplicate_row_when_two_evidence_rows_for_the_same_control_service_and_date_disagree() {
    // Evidence!4 is IAM-1, `*`, 2026-09-15, Effective; each case adds Evidence!6.
    let sep = |day: u32| d(2026, 9, day);
    let duplicate = "DUPLICATE_ROW medium control=IAM-1 @ Evidence!4 Evidence!6";
    let ineffective_row_6 =
        "CONTROL_INEFFECTIVE high service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6";
    let cases: [(&str, Book, &[&str]); 5] = [
        (
            "conflicting results: the lower row decides",
            baseline().push("Evidence", evidence("IAM-1", "*", sep(15), "Ineffective")),
            &[duplicate, ineffective_row_6],
        ),
        (
            "conflicting results, Effective below",
            baseline()
                .set("Evidence", 4, "result", "Ineffective")
                .push("Evidence", evidence("IAM-1", "*", sep(15), "Effective")),
            &[duplicate],
        ),
        (
            "identical rows",
            baseline().push("Evidence", evidence("IAM-1", "*", sep(15), "Effective")),
            NONE,
        ),
        (
            "blank and * are the same service",
            baseline().push("Evidence", evidence("iam-1", "", sep(15), "Effective")),
            NONE,
        ),
        (
            "different dates are not duplicates",
            baseline().push("Evidence", evidence("IAM-1", "*", sep(14), "Ineffective")),
            NONE,
        ),
    ];
    for (case, book, want) in cases {
        expect_in(case, &run(&book), want);
    }

    // For a named service, names match ignoring case; the finding names the service.
    let book = baseline()
        .set("Evidence", 4, "service", "Okta")
        .push("Evidence", evidence("iam-1", "OKTA", sep(15), "Not tested"));
    expect(
        &run(&book),
        &[
            "DUPLICATE_ROW medium service=Okta control=IAM-1 @ Evidence!4 Evidence!6",
            "CONTROL_NOT_TESTED medium service=Okta domain=IAM control=IAM-1 @ Controls!4 Evidence!6",
        ],
    );

    // Names nobody knows are compared too, ignoring case: an unknown control and an
    // unknown service, spelt two ways, on the same day.
    let book = baseline()
        .push("Evidence", evidence("XYZ-9", "Wiki", sep(15), "Effective"))
        .push(
            "Evidence",
            evidence("xyz-9", "WIKI", sep(15), "Ineffective"),
        )
        .push(
            "Evidence",
            evidence("XYZ-9", "Other", sep(15), "Ineffective"),
        );
    let got = findings(&run(&book));
    let duplicates: Vec<&String> = got
        .iter()
        .filter(|f| f.starts_with("DUPLICATE_ROW"))
        .collect();
    assert_eq!(
        duplicates,
        ["DUPLICATE_ROW medium service=Wiki control=XYZ-9 @ Evidence!6 Evidence!7"],
        "{got:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// CSV input
// ---------------------------------------------------------------------------------------

#[test]
fn csv_inputs_give_the_same_findings_as_the_workbook() {
    let book = baseline()
        .set("Evidence", 4, "collected_on", d(2026, 6, 30))
        .set("Services", 2, "data_classes", "PII")
        .set("Attestations", 2, "opinion", "Qualified")
        .set("Attestations", 2, "exceptions", 2.0)
        .set("CUECs", 2, "mapped_control", "")
        .push(
            "Evidence",
            evidence("IAM-9", "Okta", d(2026, 9, 1), "Effective"),
        );

    // The findings with sheet names lowercased (a CSV's sheet is its file's stem).
    let normalised = |a: &Analysis| {
        let mut lines: Vec<String> = a
            .reconciliation
            .findings
            .iter()
            .map(|f| {
                let mut f = f.clone();
                for source in &mut f.sources {
                    source.sheet = source.sheet.to_lowercase().into();
                }
                show(&f)
            })
            .collect();
        lines.sort();
        lines
    };

    let xlsx = run(&book);
    assert!(
        xlsx.reconciliation.findings.len() >= 5,
        "{:#?}",
        findings(&xlsx)
    );

    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = book.write_csv(dir.path());
    let from_dir = analyse(&[dir.path().to_path_buf()], PERIOD).unwrap();
    let from_files = analyse(&files, PERIOD).unwrap();
    assert_eq!(normalised(&from_dir), normalised(&xlsx));
    assert_eq!(normalised(&from_files), normalised(&xlsx));
    for f in &from_dir.reconciliation.findings {
        for source in &f.sources {
            assert!(
                source.file.ends_with(&format!("{}.csv", source.sheet)),
                "{source}"
            );
        }
    }
}

#[test]
fn duplicate_row_when_two_rows_describe_the_same_service_control_attestation_or_cuec_differently() {
    let cases: [(&str, Book, &[&str]); 8] = [
        (
            "a service with another service model: the first row is used",
            baseline().push(
                "Services",
                row(&["okta", "Okta", "PaaS", "Confidential", "yes"]),
            ),
            &["DUPLICATE_ROW medium service=Okta @ Services!2 Services!3"],
        ),
        (
            "a service listed twice alike",
            baseline().push("Services", service("Okta", "Okta", "Confidential", "yes")),
            NONE,
        ),
        (
            "a control in another domain: the first row is used",
            baseline().push("Controls", control("IAM-1", "NET", "quarterly", "*")),
            &["DUPLICATE_ROW medium control=IAM-1 @ Controls!4 Controls!6"],
        ),
        (
            "a control listed twice alike",
            baseline().push("Controls", control("IAM-1", "IAM", "quarterly", "*")),
            NONE,
        ),
        (
            "an attestation with the same issue date and another opinion: the lower row is current",
            baseline().push(
                "Attestations",
                Att {
                    opinion: "Qualified",
                    ..Att::soc2()
                }
                .cells(),
            ),
            &[
                "DUPLICATE_ROW medium vendor=Okta @ Attestations!2 Attestations!3",
                "OPINION_MODIFIED high vendor=Okta @ Attestations!3",
            ],
        ),
        (
            "an attestation listed twice alike",
            baseline().push("Attestations", Att::soc2().cells()),
            NONE,
        ),
        (
            "a CUEC mapped to two controls",
            baseline().push("CUECs", cuec("Okta", "CUEC-1", "IAM-1")),
            &["DUPLICATE_ROW medium vendor=Okta cuec=CUEC-1 @ CUECs!2 CUECs!3"],
        ),
        (
            "a CUEC listed twice alike",
            baseline().push("CUECs", cuec("OKTA", "cuec-1", "app-1")),
            NONE,
        ),
    ];
    for (case, book, want) in cases {
        expect_in(case, &run(&book), want);
    }
}

#[test]
fn conflicting_evidence_dated_after_the_period_end_is_not_a_finding_for_the_period() {
    let book = baseline()
        .push(
            "Evidence",
            evidence("IAM-1", "*", d(2026, 10, 1), "Effective"),
        )
        .push(
            "Evidence",
            evidence("IAM-1", "*", d(2026, 10, 1), "Ineffective"),
        );
    expect(&run(&book), NONE);
}

// ---------------------------------------------------------------------------------------
// Data residency
// ---------------------------------------------------------------------------------------

/// The baseline with a `regions` column and these Okta services (name, data classes,
/// in_scope, regions) from Services!2 on; the baseline's `*` controls, evidence and SOC 2
/// cover them all, so the only findings are residency ones.
fn residency_book(services: &[(&str, &str, &str, &str)]) -> Book {
    let header: Vec<&str> = SERVICES.iter().copied().chain(["regions"]).collect();
    baseline().sheet(
        "Services",
        &header,
        services
            .iter()
            .map(|(name, classes, in_scope, regions)| {
                row(&[name, "Okta", "SaaS", classes, in_scope, regions])
            })
            .collect(),
    )
}

/// Runs a book under `[residency]` settings (the lines after the table header).
fn run_policy(book: &Book, policy: &str) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    analyse_with_settings(&[path], PERIOD, &format!("[residency]\n{policy}\n"))
        .unwrap_or_else(|e| panic!("the run failed: {e}"))
}

#[test]
fn residency_violation_when_a_class_is_held_where_the_policy_does_not_allow_it() {
    let book = residency_book(&[
        ("Frankfurt app", "PII", "yes", "eu-central-1"),
        ("London app", "PII", "yes", "eu-west-2"),
        ("Azure UK app", "PII", "yes", "uksouth"),
        (
            "Split app",
            "PII; Confidential",
            "yes",
            "westeurope; us-east-1",
        ),
        ("Wiki", "Confidential", "yes", "us-east-1"),
    ]);
    let a = run_policy(&book, r#"PII = ["EU", "uk*"]"#);
    // London is AWS eu-west-2: not in the EU, and its name does not match uk*.
    expect(
        &a,
        &[
            "RESIDENCY_VIOLATION high service=London app @ Services!3",
            "RESIDENCY_VIOLATION high service=Split app @ Services!5",
        ],
    );
    let split = of(&a, Code::ResidencyViolation)
        .into_iter()
        .find(|f| f.service.as_deref() == Some("Split app"))
        .unwrap();
    assert_eq!(
        split.message,
        "Split app holds data where the residency policy does not allow it: PII in us-east-1 (allowed: EU, uk*)."
    );
    // Confidential has no policy (and no default): the Wiki is not checked.
    let status = |name: &str| {
        let r = a
            .reconciliation
            .residency
            .iter()
            .find(|r| a.inputs.services[r.service].name == name)
            .unwrap();
        r.status
    };
    use demarc::reconcile::ResidencyStatus::*;
    assert_eq!(status("Frankfurt app"), Within);
    assert_eq!(status("London app"), Outside);
    assert_eq!(status("Wiki"), NotChecked);

    // A default covers the classes the policy does not name.
    let a = run_policy(&book, "PII = [\"EU\", \"uk*\"]\ndefault = [\"EU\"]");
    assert_eq!(
        subjects(&a),
        [
            "RESIDENCY_VIOLATION high service=London app",
            "RESIDENCY_VIOLATION high service=Split app",
            "RESIDENCY_VIOLATION high service=Wiki",
        ]
    );
}

#[test]
fn residency_wildcards_match_region_names_of_any_provider() {
    let book = residency_book(&[
        ("A", "PII", "yes", "eu-west-2"),
        ("B", "PII", "yes", "europe-west3"),
        ("C", "PII", "yes", "westeurope"),
        ("D", "PII", "yes", "EU-North-1"),
        ("E", "PII", "yes", "eu-*"),
        ("F", "PII", "yes", "West Europe"),
    ]);
    let outside = |policy: &str| -> Vec<String> {
        of(&run_policy(&book, policy), Code::ResidencyViolation)
            .iter()
            .map(|f| f.service.clone().unwrap())
            .collect()
    };
    // eu-* is a pattern over names: London matches it, Azure's westeurope does not.
    assert_eq!(outside(r#"PII = ["eu-*"]"#), ["B", "C", "F"]);
    assert_eq!(outside(r#"PII = ["europe-*"]"#), ["A", "C", "D", "E", "F"]);
    assert_eq!(outside(r#"PII = ["*europe", "eu-*"]"#), ["B"]);
    assert_eq!(outside(r#"PII = ["EU-*", "EUROPE-*", "*EUROPE"]"#), NONE);
    // A wildcard in the regions cell stands for every region it matches.
    assert_eq!(
        outside(r#"PII = ["EU"]"#),
        ["A", "E"],
        "eu-* reaches London and Zurich"
    );
    assert_eq!(outside(r#"PII = ["*"]"#), NONE);
}

#[test]
fn residency_groups_expand_to_every_providers_regions() {
    let book = residency_book(&[
        ("AWS Virginia", "PHI", "yes", "us-east-1"),
        ("Azure Virginia", "PHI", "yes", "eastus"),
        ("GCP Iowa", "PHI", "yes", "us-central1"),
        ("US SaaS", "PHI", "yes", "US"),
        ("Canada", "PHI", "yes", "ca-central-1"),
        (
            "Sao Paulo",
            "PII",
            "yes",
            "sa-east-1; brazilsouth; southamerica-east1",
        ),
        ("Norway", "PII", "yes", "norwayeast"),
        ("EEA SaaS", "PII", "yes", "EEA"),
        ("Zurich", "PII", "yes", "europe-west6"),
        ("Everywhere", "PII", "yes", "global"),
    ]);
    let outside = |policy: &str| -> Vec<String> {
        of(&run_policy(&book, policy), Code::ResidencyViolation)
            .iter()
            .map(|f| f.service.clone().unwrap())
            .collect()
    };
    assert_eq!(
        outside("PHI = [\"US\"]\nPII = [\"EU\", \"BR\"]"),
        // Norway is in the EEA, not the EU; a group in the cell is allowed only when every
        // region in it is; global only where the policy says *.
        ["Canada", "EEA SaaS", "Everywhere", "Norway", "Zurich"]
    );
    assert_eq!(
        outside("PHI = [\"US\", \"CA\"]\nPII = [\"EEA\", \"br\", \"CH\"]"),
        ["Everywhere"]
    );
    assert_eq!(
        outside("PHI = [\"us\", \"CA\"]\nPII = [\"*\"]"),
        NONE,
        "groups ignore case"
    );
}

#[test]
fn residency_violation_is_high_and_critical_when_phi_or_pci_is_outside() {
    let book = residency_book(&[
        ("PII only", "PII", "yes", "us-east-1"),
        ("PHI", "PHI", "yes", "us-east-1"),
        ("PCI", "PCI; Public", "yes", "us-east-1"),
        ("IP", "IP", "yes", "us-east-1"),
        // PHI is allowed here; only its PII is outside the policy.
        ("PHI inside, PII outside", "PHI; PII", "yes", "us-east-1"),
    ]);
    let a = run_policy(
        &book,
        "PHI = [\"US\"]\nPII = [\"EU\"]\nPCI = [\"EU\"]\nIP = [\"EU\"]",
    );
    expect(
        &a,
        &[
            "RESIDENCY_VIOLATION high service=PII only @ Services!2",
            "RESIDENCY_VIOLATION critical service=PCI @ Services!4",
            "RESIDENCY_VIOLATION high service=IP @ Services!5",
            "RESIDENCY_VIOLATION high service=PHI inside, PII outside @ Services!6",
        ],
    );
    let a = run_policy(&book, "default = [\"EU\"]");
    assert_eq!(
        subjects(&a),
        [
            "RESIDENCY_VIOLATION critical service=PCI",
            "RESIDENCY_VIOLATION critical service=PHI",
            "RESIDENCY_VIOLATION critical service=PHI inside, PII outside",
            "RESIDENCY_VIOLATION high service=IP",
            "RESIDENCY_VIOLATION high service=PII only",
        ]
    );
    let both = of(&a, Code::ResidencyViolation)
        .into_iter()
        .find(|f| f.service.as_deref() == Some("PHI inside, PII outside"))
        .unwrap();
    assert_eq!(
        both.message,
        "PHI inside, PII outside holds data where the residency policy does not allow it: PII in us-east-1 (allowed: EU); PHI in us-east-1 (allowed: EU)."
    );
}

#[test]
fn residency_unknown_when_regulated_data_has_no_region() {
    let book = residency_book(&[
        ("No region PII", "PII; Confidential", "yes", ""),
        ("No region PHI", "PHI", "yes", ""),
        ("No region, not regulated", "Confidential; IP", "yes", ""),
        ("No classes", "", "yes", ""),
    ]);
    // Medium and never stepped up, whether or not the policy names the class.
    let want = [
        "RESIDENCY_UNKNOWN medium service=No region PHI @ Services!3",
        "RESIDENCY_UNKNOWN medium service=No region PII @ Services!2",
    ];
    expect(&run_policy(&book, r#"PHI = ["US"]"#), &want);
    expect(&run_policy(&book, ""), &want);
    let unknown = of(&run_policy(&book, ""), Code::ResidencyUnknown)[1]
        .message
        .clone();
    assert_eq!(
        unknown,
        "No region PII holds PII but names no region: where that data lives cannot be checked against the residency policy."
    );
}

#[test]
fn residency_is_not_checked_out_of_scope_or_without_a_policy() {
    let book = residency_book(&[
        ("Okta", "Confidential", "yes", "eu-west-1"),
        ("Retired", "PHI", "no", "ap-southeast-2"),
        ("Retired, no region", "PII", "no", ""),
        ("Live", "PHI", "yes", "ap-southeast-2"),
    ]);
    expect(
        &run_policy(&book, r#"PHI = ["US"]"#),
        &["RESIDENCY_VIOLATION critical service=Live @ Services!5"],
    );
    // No [residency] table: nothing is checked, and nothing is judged for the reports.
    let a = run(&book);
    expect(&a, NONE);
    assert!(a.reconciliation.residency.is_empty());
}

#[test]
fn unknown_regions_are_input_errors_under_a_policy_and_warnings_without_one() {
    let book = residency_book(&[
        ("Okta", "PII", "yes", "eu-west-1"),
        ("Typo", "PII", "yes", "eu-wst-1; europa-*"),
        ("Site", "PII", "yes", "Portland HQ"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    let err = analyse_with_settings(
        std::slice::from_ref(&path),
        PERIOD,
        "[residency]\nPII = [\"EU\"]\n",
    )
    .err()
    .expect("unknown regions are refused under a policy")
    .to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "the inputs have 3 problems:", "{err}");
    assert!(lines[1].ends_with("company.xlsx: Services!F3: regions: \"eu-wst-1\" is not a known region: expected an AWS, Azure or Google Cloud region name (eu-west-1, westeurope, europe-west1), a group (EU, EEA, UK, US, BR or another country code), a wildcard (eu-*) or global (did you mean \"eu-west-1\"?)"), "{err}");
    assert!(lines[2].ends_with("company.xlsx: Services!F3: regions: \"europa-*\" matches no AWS, Azure or Google Cloud region (wildcards match region names such as eu-west-1, westeurope, europe-west1)"), "{err}");
    assert!(lines[3].ends_with("company.xlsx: Services!F4: regions: \"Portland HQ\" is not a known region: expected an AWS, Azure or Google Cloud region name (eu-west-1, westeurope, europe-west1), a group (EU, EEA, UK, US, BR or another country code), a wildcard (eu-*) or global"), "{err}");

    // Without a policy the run goes on, and says so once.
    let a = analyse(&[path], PERIOD).unwrap();
    let warnings: Vec<&String> = a
        .inputs
        .warnings
        .iter()
        .filter(|w| w.contains("regions"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].ends_with("company.xlsx: Services!F3: regions: \"eu-wst-1\" (and 2 more region cells) is no known AWS, Azure or Google Cloud region, group or wildcard; regions are checked only under a [residency] policy in demarc.toml, which would refuse it"),
        "{}",
        warnings[0]
    );
    expect(&a, NONE);
}

#[test]
fn a_domain_written_by_a_registers_or_microsofts_name_is_read_as_the_models() {
    // Each of the baseline's four domains by another name: read as the model's, the
    // baseline's cells all owned and evidenced, with one warning per name.
    let book = baseline()
        .set("Controls", 2, "domain", "Customer data")
        .set("Controls", 3, "domain", "Endpoint security")
        .set("Controls", 4, "domain", "IAM")
        .set("Controls", 5, "domain", "Applications");
    let dir = tempfile::tempdir().unwrap();
    let path = book.write(dir.path(), "company.xlsx");
    let a = analyse(std::slice::from_ref(&path), PERIOD).unwrap_or_else(|e| panic!("{e}"));
    expect(&a, NONE);
    assert!(
        a.inputs.warnings.iter().any(|w| w.ends_with(
            "company.xlsx: Controls!C4: domain: \"IAM\" read as the model's domain \"Identity and access management\": a name registers and Microsoft's tables give it; write the model's name if another domain was meant"
        )),
        "{:#?}",
        a.inputs.warnings
    );
    let aliases = a
        .inputs
        .warnings
        .iter()
        .filter(|w| w.contains("read as the model's domain"))
        .count();
    assert_eq!(aliases, 4, "{:#?}", a.inputs.warnings);
    // A name that spans several domains is still refused, naming the cell.
    let path = baseline()
        .set("Controls", 4, "domain", "Configurations and settings")
        .write(dir.path(), "spans.xlsx");
    let Err(error) = analyse(&[path], PERIOD) else {
        panic!("Configurations and settings was read as a domain");
    };
    assert!(
        error
            .to_string()
            .contains("Controls!C4: domain: \"Configurations and settings\" is not one of"),
        "{error}"
    );
}
