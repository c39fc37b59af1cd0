//! The findings document (`findings.json`, `check --json`) and `findings.csv`. Field names
//! are a contract other tools read: add fields, never rename them.

use crate::findings::{Code, Finding, Severity};
use crate::reconcile::{CellStatus, Coverage, Reconciliation};
use crate::Run;
use serde::Serialize;
use std::collections::BTreeMap;

/// The top-level object of `findings.json`.
#[derive(Debug, Serialize)]
pub struct FindingsDocument<'a> {
    pub tool: Tool,
    pub organisation: Option<&'a str>,
    pub period: PeriodOut<'a>,
    pub as_of: String,
    pub model: ModelOut<'a>,
    pub summary: Summary<'a>,
    pub findings: &'a [Finding],
    pub cells: &'a [CellStatus],
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PeriodOut<'a> {
    pub label: &'a str,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize)]
pub struct ModelOut<'a> {
    pub name: &'a str,
    pub file: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub total: usize,
    /// Every severity, most severe first, zeros included.
    pub by_severity: BTreeMap<&'static str, usize>,
    /// Every code of the catalogue, zeros included.
    pub by_code: BTreeMap<&'static str, usize>,
    pub coverage: &'a Coverage,
}

impl<'a> FindingsDocument<'a> {
    pub fn new(run: &'a Run, reconciliation: &'a Reconciliation) -> Self {
        FindingsDocument {
            tool: Tool {
                name: "demarc",
                version: env!("CARGO_PKG_VERSION"),
            },
            organisation: run.organisation.as_deref(),
            period: PeriodOut {
                label: &run.period.label,
                start: run.period.start.to_string(),
                end: run.period.end.to_string(),
            },
            as_of: run.as_of.to_string(),
            model: ModelOut {
                name: &run.model.name,
                file: run.model.file.as_ref().map(|p| p.display().to_string()),
            },
            summary: summarise(&reconciliation.findings, &reconciliation.coverage),
            findings: &reconciliation.findings,
            cells: &reconciliation.cells,
        }
    }

    pub fn to_json(&self) -> String {
        let bytes = self.write_to(Vec::new()).expect("writing to memory");
        String::from_utf8(bytes).expect("serde_json writes UTF-8")
    }

    /// The document written to `out` as it is serialised: at half a million findings it is
    /// 400 MB of text, which `report` streams to its staged file and `check --json` to
    /// standard output rather than holding.
    pub fn write_to<W: std::io::Write>(&self, out: W) -> std::io::Result<W> {
        write_pretty_json(out, self)
    }
}

/// `value` as pretty-printed JSON, and a final line break, written to `out` as it is
/// serialised (nothing is held whole).
///
/// The characters a terminal would act on, or that hide what a string says (DEL, C1
/// controls, bidi overrides, zero-width characters), are written as `\uXXXX` escapes.
/// serde_json escapes only C0; the data is the same, but `cat findings.json` can no longer
/// recolour a terminal or reorder a name.
pub fn write_pretty_json<W: std::io::Write>(out: W, value: &impl Serialize) -> std::io::Result<W> {
    let mut serializer = serde_json::Serializer::with_formatter(out, InertFormatter::default());
    value.serialize(&mut serializer)?;
    let mut out = serializer.into_inner();
    out.write_all(b"\n")?;
    Ok(out)
}

/// serde_json's pretty formatter, escaping invisible and control characters in strings
/// (see [`write_pretty_json`]). Only string fragments can hold them.
#[derive(Default)]
struct InertFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for InertFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Below DEL every character serde_json has not escaped is printable.
        if fragment.bytes().all(|b| b < 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if crate::inputs::names::is_control_or_invisible(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Counts by severity and by code.
pub fn summarise<'a>(findings: &[Finding], coverage: &'a Coverage) -> Summary<'a> {
    let mut by_severity: BTreeMap<&'static str, usize> =
        Severity::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    let mut by_code: BTreeMap<&'static str, usize> =
        Code::ALL.iter().map(|c| (c.as_str(), 0)).collect();
    for f in findings {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
        *by_code.entry(f.code.as_str()).or_default() += 1;
    }
    Summary {
        total: findings.len(),
        by_severity,
        by_code,
        coverage,
    }
}

/// `findings.csv`: one row per finding; sources joined as `file:sheet!row`, `; `-separated.
pub fn findings_csv(findings: &[Finding]) -> Vec<u8> {
    write_findings_csv(Vec::new(), findings).expect("writing to memory")
}

/// [`findings_csv`] written to `out` row by row (`report` streams it to its staged file).
pub fn write_findings_csv<W: std::io::Write>(out: W, findings: &[Finding]) -> std::io::Result<W> {
    let mut writer = csv::Writer::from_writer(out);
    let header = [
        "id",
        "severity",
        "code",
        "service",
        "domain",
        "control_id",
        "vendor",
        "cuec_id",
        "message",
        "remedy",
        "sources",
    ];
    writer.write_record(header)?;
    for f in findings {
        let sources = f
            .sources
            .iter()
            .map(|s| format!("{}:{}!{}", s.file, s.sheet, s.row))
            .collect::<Vec<_>>()
            .join("; ");
        let row = [
            f.id.as_str(),
            f.severity.as_str(),
            f.code.as_str(),
            f.service.as_deref().unwrap_or(""),
            f.domain.as_deref().unwrap_or(""),
            f.control_id.as_deref().unwrap_or(""),
            f.vendor.as_deref().unwrap_or(""),
            f.cuec_id.as_deref().unwrap_or(""),
            &f.message,
            &f.remedy,
            &sources,
        ];
        for cell in row {
            writer.write_field(neutralise_formula(cell).as_bytes())?;
        }
        writer.write_record(std::iter::empty::<&[u8]>())?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

/// `evidence-index.csv`: every evidence row, with whether it counts for the period and
/// what became of its file (hashed, missing, refused, url, not checked).
pub fn evidence_index_csv(
    inputs: &crate::inputs::Inputs,
    files: &[crate::inputs::evidence_files::FileStatus],
    period_end: chrono::NaiveDate,
) -> Vec<u8> {
    write_evidence_index(Vec::new(), inputs, files, period_end).expect("writing to memory")
}

/// [`evidence_index_csv`] written to `out` (a million rows are 190 MB: `report` writes them
/// straight to their file rather than holding them).
pub fn write_evidence_index<W: std::io::Write>(
    out: W,
    inputs: &crate::inputs::Inputs,
    files: &[crate::inputs::evidence_files::FileStatus],
    period_end: chrono::NaiveDate,
) -> std::io::Result<W> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "control_id",
        "service",
        "collected_on",
        "result",
        "tester",
        "evidence",
        "evidence_file",
        "file_status",
        "sha256",
        "bytes",
        "counts_for_period",
        "file",
        "sheet",
        "row",
    ])?;
    for (e, status) in inputs.evidence.iter().zip(files) {
        let bytes = match status {
            crate::inputs::evidence_files::FileStatus::Hashed { bytes, .. } => bytes.to_string(),
            _ => String::new(),
        };
        let row = [
            &*e.control_id,
            e.service.as_deref().unwrap_or("*"),
            &e.collected_on.to_string(),
            e.result.as_str(),
            &e.tester,
            &e.description,
            &e.file,
            status.label(),
            status.sha256(),
            &bytes,
            if e.collected_on <= period_end {
                "yes"
            } else {
                "no"
            },
            &e.source.file,
            &e.source.sheet,
            &e.source.row.to_string(),
        ];
        for cell in row {
            writer.write_field(neutralise_formula(cell).as_bytes())?;
        }
        writer.write_record(std::iter::empty::<&[u8]>())?;
    }
    writer.into_inner().map_err(|e| e.into_error())
}

/// GitHub Actions workflow commands, one per finding: `::error` for critical and high,
/// `::warning` for medium and low, `::notice` for info, with the first source's file as
/// the annotation's file. Spreadsheet text is escaped as GitHub documents (`%`, CR, LF;
/// and `:` `,` in properties), so a cell can never end the command and start another.
pub fn github_annotations(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium | Severity::Low => "warning",
            Severity::Info => "notice",
        };
        let title = format!("{} ({}) {}", f.code.as_str(), f.severity.as_str(), f.id);
        let mut properties = Vec::new();
        if let Some(first) = f.sources.first() {
            properties.push(format!("file={}", escape_property(&first.file)));
        }
        properties.push(format!("title={}", escape_property(&title)));
        let sources: Vec<String> = f.sources.iter().map(|s| s.to_string()).collect();
        // The line breaks between the parts are escaped too: one finding, one line.
        let message = format!(
            "{}%0A→ {}%0Aat {}",
            escape_data(&f.message),
            escape_data(&f.remedy),
            escape_data(&sources.join("; "))
        );
        out.push_str(&format!("::{level} {}::{message}\n", properties.join(",")));
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A cell starting with `=`, `+`, `-`, `@` (or a tab/CR) would run as a formula when the
/// CSV is opened in a spreadsheet: prefix it with an apostrophe so it stays text.
fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_cannot_be_broken_out_of() {
        let finding = Finding {
            id: "F-000000000001".into(),
            code: Code::UnknownReference,
            severity: Severity::Low,
            message: "control \"X\"\n::error::injected 100%".into(),
            remedy: "fix, then rerun".into(),
            service: None,
            domain: None,
            control_id: None,
            vendor: None,
            cuec_id: None,
            sources: vec![crate::findings::Source {
                file: "a,b:c.xlsx".into(),
                sheet: "Evidence".into(),
                row: 7,
            }],
        };
        let text = github_annotations(&[finding]);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with(
            "::warning file=a%2Cb%3Ac.xlsx,title=UNKNOWN_REFERENCE (low) F-000000000001::"
        ));
        assert!(text.contains("%0A::error::injected 100%25"), "{text}");
        assert!(text.contains("a,b:c.xlsx: Evidence!7"), "{text}");
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_formula("Okta"), "Okta");
    }
}
