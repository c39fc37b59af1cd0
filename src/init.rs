//! `demarc init`: a starter a compliance lead can fill in and run the same hour —
//! `demarc.toml` with every setting explained, and `compliance.xlsx`: a Read me sheet, the
//! five sheets demarc reads with a worked example row in each, drop-down lists for every
//! enumeration (fed by a hidden Lists sheet), and a starter control catalogue for the
//! customer's side of the model.
//!
//! The example rows are dated inside the previous quarter (the starter's `period`), so the
//! first `demarc report` works at once and its findings say what to fill in next.

use crate::inputs::period::Period;
use crate::inputs::{AttestationType, Frequency, Opinion, TestResult, VendorTier};
use crate::model::{Model, ServiceModel};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Formula, Workbook,
    Worksheet, XlsxError,
};
use std::path::{Path, PathBuf};

/// The workbook `init` writes, beside `demarc.toml`.
pub const WORKBOOK_NAME: &str = "compliance.xlsx";

/// The settings file template; `{{ORGANISATION}}` and `{{WORKBOOK}}` are filled in.
const CONFIG_TEMPLATE: &str = include_str!("data/starter-demarc.toml");

/// The starter control catalogue (CSV with the Controls sheet's own headers). Framework
/// references are from AICPA's 2017 Trust Services Criteria, ISO/IEC 27001:2022 Annex A,
/// NIST SP 800-53 Rev. 5 and CIS Controls v8.
const STARTER_CONTROLS: &str = include_str!("data/starter-controls.csv");

/// Rows of each sheet that get drop-down lists (the header is row 1).
const VALIDATED_ROWS: u32 = 5_000;

/// Why the starter could not be written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{path}: already exists; demarc init never overwrites a file (use --force to replace it)"
    )]
    Exists { path: PathBuf },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot build the starter workbook: {message}")]
    Workbook { path: PathBuf, message: String },
}

/// Writes `demarc.toml` and the starter workbook into `dir`, returning the paths written.
/// Nothing is written when either file exists already (unless `force`).
pub fn write_starter(dir: &Path, force: bool) -> Result<Vec<PathBuf>, InitError> {
    let config_path = dir.join("demarc.toml");
    let workbook_path = dir.join(WORKBOOK_NAME);
    if !force {
        for path in [&config_path, &workbook_path] {
            if path.exists() {
                return Err(InitError::Exists { path: path.clone() });
            }
        }
    }
    let today = chrono::Local::now().date_naive();
    let workbook =
        starter_workbook(Period::previous_quarter(today)).map_err(|e| InitError::Workbook {
            path: workbook_path.clone(),
            message: e.to_string(),
        })?;
    let organisation = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Your organisation".into());
    let config = CONFIG_TEMPLATE
        .replace("{{ORGANISATION}}", &organisation.replace(['"', '\\'], ""))
        .replace("{{WORKBOOK}}", WORKBOOK_NAME);
    for (path, bytes) in [
        (&workbook_path, workbook.as_slice()),
        (&config_path, config.as_bytes()),
    ] {
        crate::render::write_atomically(path, bytes).map_err(|e| match e {
            crate::render::RenderError::Write { path, source } => InitError::Write { path, source },
            other => InitError::Write {
                path: path.clone(),
                source: std::io::Error::other(other.to_string()),
            },
        })?;
    }
    Ok(vec![config_path, workbook_path])
}

/// One column of a starter sheet: its header, width, a prompt shown when a cell is
/// selected, and the drop-down list (a column of the hidden Lists sheet) if it has one.
#[derive(Clone, Copy)]
struct Column {
    header: &'static str,
    width: f64,
    prompt: &'static str,
    list: Option<usize>,
    date: bool,
}

const fn text(header: &'static str, width: f64, prompt: &'static str) -> Column {
    Column {
        header,
        width,
        prompt,
        list: None,
        date: false,
    }
}

const fn pick(header: &'static str, width: f64, prompt: &'static str, list: usize) -> Column {
    Column {
        header,
        width,
        prompt,
        list: Some(list),
        date: false,
    }
}

const fn date(header: &'static str, prompt: &'static str) -> Column {
    Column {
        header,
        width: 13.0,
        prompt,
        list: None,
        date: true,
    }
}

// Columns of the hidden Lists sheet.
const LIST_SERVICE_MODEL: usize = 0;
const LIST_YES_NO: usize = 1;
const LIST_DOMAIN: usize = 2;
const LIST_FREQUENCY: usize = 3;
const LIST_RESULT: usize = 4;
const LIST_TYPE: usize = 5;
const LIST_OPINION: usize = 6;
const LIST_TIER: usize = 7;

/// The drop-down values, from the same enumerations ingest accepts.
fn lists() -> Vec<(&'static str, Vec<String>)> {
    let owned = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            "service_model",
            ServiceModel::ALL
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
        ),
        ("in_scope", owned(&["yes", "no"])),
        (
            "domain",
            Model::default()
                .domains
                .iter()
                .map(|d| d.name.clone())
                .collect(),
        ),
        (
            "frequency",
            Frequency::ALL
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
        ),
        (
            "result",
            TestResult::ALL
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
        ),
        (
            "type",
            AttestationType::ALL
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        ),
        (
            "opinion",
            Opinion::ALL
                .iter()
                .map(|o| o.as_str().to_string())
                .collect(),
        ),
        (
            "tier",
            VendorTier::ALL
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        ),
    ]
}

/// A sheet of the starter: its name, columns and example rows.
type StarterSheet = (&'static str, Vec<Column>, Vec<Vec<Value>>);

/// A starter sheet laid out as ingest reads it: one column per column of the sheet kind
/// (`ingest::SheetKind::columns`), in that order, under its canonical name. The prompts and
/// widths written here only dress them: a column added to ingest appears in the starter
/// (with a plain prompt) without a word here, and one removed from ingest disappears.
fn in_ingest_order(
    name: &'static str,
    presented: Vec<Column>,
    rows: Vec<Vec<Value>>,
) -> StarterSheet {
    let kind = crate::ingest::SheetKind::from_sheet_name(name)
        .expect("the starter's sheets are sheets demarc reads");
    // A prompt for a column ingest no longer reads is a mistake here, caught by every
    // test that writes the starter.
    for p in &presented {
        assert!(
            kind.columns().iter().any(|c| c.name == p.header),
            "the starter dresses {}.{}, which ingest does not read",
            name,
            p.header
        );
    }
    let mut rows: Vec<Vec<Option<Value>>> = rows
        .into_iter()
        .map(|row| row.into_iter().map(Some).collect())
        .collect();
    let mut columns = Vec::new();
    let mut order = Vec::new();
    for column in kind.columns() {
        match presented.iter().position(|p| p.header == column.name) {
            Some(i) => order.push(Some(i)),
            None => order.push(None),
        }
        columns.push(match order.last().copied().flatten() {
            Some(i) => presented[i],
            None => text(column.name, 16.0, "See the README's table of columns."),
        });
    }
    let rows = rows
        .iter_mut()
        .map(|row| {
            order
                .iter()
                .map(|i| {
                    i.and_then(|i| row.get_mut(i).and_then(Option::take))
                        .unwrap_or_else(|| t(""))
                })
                .collect()
        })
        .collect();
    (kind.as_str(), columns, rows)
}

/// A value in an example row.
enum Value {
    Text(String),
    Date(NaiveDate),
    Number(f64),
}

fn t(text: &str) -> Value {
    Value::Text(text.to_string())
}

/// Builds the starter workbook in memory.
pub fn starter_workbook(period: Period) -> Result<Vec<u8>, XlsxError> {
    let lists = lists();
    let mut book = Workbook::new();
    // A fixed creation time: the same starter for the same quarter is the same file.
    let created = ExcelDateTime::from_ymd(
        period.end.year() as u16,
        period.end.month() as u8,
        period.end.day() as u8,
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title("demarc starter workbook")
            .set_comment("Written by demarc init. Fill in each sheet, then run: demarc report")
            .set_creation_datetime(&created),
    );

    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x1F3A5F))
        .set_font_color(Color::White)
        .set_border_bottom(FormatBorder::Thin);
    let example = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x555555));
    let example_date = example.clone().set_num_format("yyyy-mm-dd");
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold();

    read_me(book.add_worksheet(), &period, &bold, &wrap)?;

    let evidence_date = period.end - chrono::Days::new(14);
    let year_before = crate::inputs::period::months_before(period.end, 12) + chrono::Days::new(1);
    let next_year = period.end + chrono::Months::new(12);
    let controls: Vec<Vec<Value>> = csv_rows(STARTER_CONTROLS)
        .into_iter()
        .map(|row| row.iter().map(|cell| t(cell)).collect())
        .collect();
    let sheets: Vec<StarterSheet> = vec![
        (
            "Services",
            vec![
                text("service", 24.0, "The service's name, e.g. Microsoft 365, AWS EC2, Salesforce."),
                text("provider", 16.0, "The vendor that runs it (the name used on the Attestations sheet)."),
                pick("service_model", 14.0, "On-prem, IaaS, PaaS or SaaS: decides who owns each domain.", LIST_SERVICE_MODEL),
                text("data_classes", 22.0, "What it holds, separated by ; — PII, PHI, PCI, IP, Confidential, Public."),
                text("owner", 16.0, "Who answers for the service."),
                pick("in_scope", 9.0, "yes (default) or no: out-of-scope services raise nothing.", LIST_YES_NO),
                text("regions", 18.0, "Where it holds data, separated by ; — provider region names, e.g. westeurope, eu-west-1."),
            ],
            vec![vec![
                t("Microsoft 365"),
                t("Microsoft"),
                t("SaaS"),
                t("PII; Confidential"),
                t("IT"),
                t("yes"),
                t("westeurope"),
            ]],
        ),
        (
            "Controls",
            vec![
                text("control_id", 11.0, "A short unique id, e.g. IAM-01."),
                text("title", 60.0, "What the control does."),
                pick("domain", 34.0, "The responsibility domain it serves.", LIST_DOMAIN),
                text("frameworks", 46.0, "References separated by ; — e.g. SOC2:CC6.1; ISO27001:A.8.5."),
                text("owner", 20.0, "Who runs the control."),
                pick("frequency", 12.0, "How often it must be evidenced: sets how fresh evidence must be.", LIST_FREQUENCY),
                text("applies_to", 18.0, "Service names separated by ;, or * for every service."),
            ],
            controls,
        ),
        (
            "Evidence",
            vec![
                text("control_id", 11.0, "The control this evidences (Controls sheet)."),
                text("service", 20.0, "The service it was collected on; blank or * for every service the control applies to."),
                text("evidence", 50.0, "What was collected."),
                text("evidence_file", 30.0, "Path under the evidence root, or a URL."),
                date("collected_on", "The date it was collected (a date cell, or text like 2026-09-30)."),
                pick("result", 18.0, "What the test found.", LIST_RESULT),
                text("tester", 16.0, "Who tested it."),
                text("notes", 30.0, "Anything an auditor should know."),
            ],
            vec![vec![
                t("IAM-01"),
                t("Microsoft 365"),
                t("Conditional access policy export: MFA required for all users"),
                t(""),
                Value::Date(evidence_date),
                t("Effective"),
                t("IT security"),
                t("Example row: replace with your own evidence"),
            ]],
        ),
        (
            "Attestations",
            vec![
                text("vendor", 16.0, "The vendor (as in Services' provider column)."),
                text("services", 20.0, "The services it covers, separated by ;, or * for all the vendor's."),
                pick("type", 16.0, "The kind of attestation.", LIST_TYPE),
                date("period_start", "First day the report covers (reports) — blank for certificates."),
                date("period_end", "Last day the report covers (reports)."),
                date("issued_on", "The date it was issued."),
                date("expires_on", "Expiry (certificates: ISO, PCI DSS AOC, CSA STAR)."),
                text("auditor", 16.0, "The audit firm or certification body."),
                pick("opinion", 13.0, "The auditor's opinion (reports).", LIST_OPINION),
                text("exceptions", 11.0, "How many exceptions the report notes."),
                text("exception_notes", 30.0, "What they were."),
                date("bridge_letter_through", "A bridge letter extends a report's coverage to this date."),
                text("domains", 18.0, "The domains it covers, separated by ;, or *."),
                text("report_file", 24.0, "Where the report is kept."),
            ],
            vec![vec![
                t("Microsoft"),
                t("Microsoft 365"),
                t("SOC 2 Type II"),
                Value::Date(year_before),
                Value::Date(period.end),
                Value::Date(period.end),
                t(""),
                t("Example auditor LLP"),
                t("Unqualified"),
                Value::Number(0.0),
                t(""),
                t(""),
                t("*"),
                t(""),
            ]],
        ),
        (
            "CUECs",
            vec![
                text("vendor", 16.0, "The vendor whose report lists the CUEC."),
                text("attestation", 16.0, "The report it comes from, e.g. SOC 2 Type II."),
                text("cuec_id", 10.0, "The CUEC's number in the report."),
                text("description", 60.0, "What the report expects you to do."),
                text("mapped_control", 14.0, "Your control that does it (Controls sheet)."),
            ],
            vec![vec![
                t("Microsoft"),
                t("SOC 2 Type II"),
                t("CUEC-01"),
                t("User entities are responsible for granting, reviewing and removing their users' access."),
                t("IAM-04"),
            ]],
        ),
        (
            "Vendors",
            vec![
                text("vendor", 16.0, "The vendor (as in Services' provider column)."),
                pick("tier", 10.0, "How much the vendor matters: critical and high tier vendors' risks rank first in the board report.", LIST_TIER),
                date("contract_end", "When the contract ends or renews."),
                date("dpa_signed_on", "When the data processing agreement was signed: needed for a vendor holding PII."),
                date("baa_signed_on", "When the HIPAA business associate agreement was signed: needed for a vendor holding PHI."),
                date("next_review_due", "When the vendor is next due for review."),
                text("reviewer", 18.0, "Who reviews the vendor."),
            ],
            vec![vec![
                t("Microsoft"),
                t("high"),
                Value::Date(next_year),
                Value::Date(year_before),
                t(""),
                Value::Date(next_year),
                t("IT security"),
            ]],
        ),
    ];

    let sheets: Vec<StarterSheet> = sheets
        .into_iter()
        .map(|(name, columns, rows)| in_ingest_order(name, columns, rows))
        .collect();

    for (name, columns, rows) in &sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name)?;
        sheet.set_freeze_panes(1, 0)?;
        for (c, column) in columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_with_format(0, c, column.header, &header)?;
            sheet.set_column_width(c, column.width)?;
            if column.date {
                sheet.set_column_format(c, &date_format)?;
            }
            let mut rule = match column.list {
                Some(list) => {
                    let length = lists[list].1.len() + 1;
                    let letter = (b'A' + list as u8) as char;
                    DataValidation::new()
                        .allow_list_formula(Formula::new(format!(
                            "=Lists!${letter}$2:${letter}${length}"
                        )))
                        .set_error_title("Not one of the accepted values")?
                        .set_error_message(format!(
                            "{} must be one of: {}",
                            column.header,
                            lists[list].1.join(", ")
                        ))?
                }
                None => DataValidation::new().allow_any_value(),
            };
            rule = rule
                .set_input_title(column.header)?
                .set_input_message(column.prompt)?;
            sheet.add_data_validation(1, c, VALIDATED_ROWS, c, &rule)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            // Only the worked examples are greyed; the starter catalogue is yours to keep.
            let is_example = *name != "Controls";
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Text(text) if text.is_empty() => {}
                    Value::Text(text) if is_example => {
                        sheet.write_with_format(r, c, text, &example)?;
                    }
                    Value::Text(text) => {
                        sheet.write(r, c, text)?;
                    }
                    Value::Date(d) => {
                        let cell = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        let format = if is_example {
                            &example_date
                        } else {
                            &date_format
                        };
                        sheet.write_datetime_with_format(r, c, &cell, format)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number_with_format(r, c, *n, &example)?;
                    }
                }
            }
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Lists")?;
    for (c, (name, values)) in lists.iter().enumerate() {
        let c = c as u16;
        sheet.write_with_format(0, c, *name, &bold)?;
        sheet.set_column_width(c, 32.0)?;
        for (r, value) in values.iter().enumerate() {
            sheet.write(r as u32 + 1, c, value)?;
        }
    }
    sheet.set_hidden(true);
    book.save_to_buffer()
}

/// The first sheet: what each sheet is for and how to run.
fn read_me(
    sheet: &mut Worksheet,
    period: &Period,
    bold: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("Read me")?;
    sheet.set_column_width(0, 18.0)?;
    sheet.set_column_width(1, 100.0)?;
    let lines: [(&str, String); 10] = [
        ("demarc", "A starter workbook. Fill in the sheets, then run `demarc report` beside demarc.toml. Grey italic rows are examples: replace them. demarc skips this sheet and the hidden Lists sheet.".into()),
        ("Services", "Every cloud (and on-prem) service in use: its provider, service model (which decides who owns each responsibility domain), the data it holds and where.".into()),
        ("Controls", "Your control catalogue: the customer's side of the Shared Responsibility Model. It starts with a catalogue drawn from common duties (MFA and SSO, least privilege, encryption, backups, logging, training...) with SOC 2, ISO 27001, NIST SP 800-53 and CIS references. Keep what applies, edit the rest.".into()),
        ("Evidence", "What was collected to show each control works: one row per control, service and date, with the result.".into()),
        ("Attestations", "Vendors' SOC reports and certificates: the only independent evidence that the provider does its part.".into()),
        ("CUECs", "Complementary user entity controls: what a vendor's SOC report expects you to do, mapped to your controls.".into()),
        ("Vendors", "Optional: your relationship with each vendor (tier, contract end, DPA and BAA dates, next review). With it, demarc checks that vendors holding PII have a DPA and those holding PHI a BAA, and that reviews are on time; without it, none of this is judged.".into()),
        ("Period", format!("demarc.toml says period = \"previous-quarter\": the calendar quarter before the day demarc runs, worked out afresh at every run. When this workbook was written that was {} ({} to {}), and the example rows are dated inside it.", period.label, period.start, period.end)),
        ("Drop-downs", "Enumerations (service model, in scope, domain, frequency, result, type, opinion, tier) have drop-down lists; anything else is refused by demarc with the cell named and a did-you-mean hint.".into()),
        ("Next", "demarc check shows the findings on the terminal; demarc report writes the PDFs; demarc explain CODE says what a finding means and how to fix it.".into()),
    ];
    for (r, (label, text)) in lines.iter().enumerate() {
        sheet.write_with_format(r as u32, 0, *label, bold)?;
        sheet.write_with_format(r as u32, 1, text.as_str(), wrap)?;
    }
    Ok(())
}

/// Splits the starter catalogue's CSV (header included) into rows.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("the starter catalogue is valid CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_catalogue_names_real_domains_and_frequencies() {
        let model = Model::default();
        let rows = csv_rows(STARTER_CONTROLS);
        assert!(rows.len() >= 12);
        for row in &rows {
            assert_eq!(row.len(), 7, "{row:?}");
            assert!(model.domain_index(&row[2]).is_some(), "{row:?}");
            assert!(
                Frequency::ALL.iter().any(|f| f.as_str() == row[5]),
                "{row:?}"
            );
            for framework in ["SOC2:", "ISO27001:", "NIST-800-53:"] {
                assert!(row[3].contains(framework), "{} lacks {framework}", row[0]);
            }
        }
        // Every domain the customer owns or shares in a cloud model has a control.
        for domain in &model.domains {
            assert!(rows.iter().any(|r| r[2] == domain.name), "{}", domain.name);
        }
    }
}
