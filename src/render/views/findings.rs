//! Findings as both packs print them (`partials/findings.typ.hbs`): grouped by severity,
//! then code, then the service, vendor or control family they are about, one line each,
//! so that what a code means is said once and any id of findings.json is found on a line.
//! Also how the reports name input files, and the anchors lines link to.

use crate::findings::{Finding, Source};
use crate::inputs::directory::Subject;
use crate::inputs::Inputs;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The findings of one severity.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SeverityFindings {
    /// The severity.
    pub severity: &'static str,
    /// All findings of that severity (listed or not).
    pub count: usize,
    /// Its findings by code, in catalogue order.
    pub codes: Vec<CodeFindings>,
}

/// The findings of one code at one severity: what they mean is said once.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CodeFindings {
    /// The code, e.g. `EVIDENCE_MISSING`.
    pub code: &'static str,
    /// Its short title: the pattern every message of the group follows.
    pub title: &'static str,
    /// What raises it.
    pub rule: &'static str,
    /// How to clear it, in general terms (each finding's own is in the workbook).
    pub remedy: &'static str,
    /// Its findings at this severity.
    pub count: usize,
    /// Its findings by what they are about: a service, else a vendor, else the estate.
    pub parts: Vec<FindingPart>,
    /// A sentence when some were not listed (the vendor packs' bound); else empty.
    pub more: String,
}

/// Findings of one code about one service or vendor.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingPart {
    /// The service (with its vendor) or vendor they are about, or `Across the estate`.
    pub about: String,
    /// The service's anchor (`svc-N`, its entry in the services section) when the part is
    /// a service's; else empty.
    pub service_anchor: String,
    /// Each finding, one line.
    pub lines: Vec<FindingLine>,
}

/// A finding in a line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingLine {
    /// The stable id, as in findings.json, the CSV and the workbook.
    pub id: String,
    /// What else it names beyond its part's service or vendor: its control or CUEC, else
    /// its domain.
    pub detail: String,
    /// The control's anchor (`ctl-N`) when it names a listed control; else empty.
    pub control_anchor: String,
    /// Its message, when the findings are few enough to list them (else empty).
    pub message: String,
    /// Its remedy, likewise.
    pub remedy: String,
    /// The rows it comes from, `sheet!row`, `; `-separated (with the file when the run
    /// read several).
    pub sources: String,
}

/// The anchor links to a service point at: its row in the Services sheet, so unique.
pub(super) fn service_anchor(row: usize) -> String {
    format!("svc-{row}")
}

/// The anchor links to a control point at: its row in the Controls sheet, so unique.
pub(super) fn control_anchor(row: usize) -> String {
    format!("ctl-{row}")
}

/// An input's path as the reports show it: as given when relative; only its file name
/// when absolute, so that no output records the layout of the machine that ran it.
pub fn shown_path(path: &str) -> &str {
    let windows_drive = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with(['/', '\\']) || windows_drive || std::path::Path::new(path).is_absolute() {
        path.rsplit(['/', '\\'])
            .find(|part| !part.is_empty())
            .unwrap_or(path)
    } else {
        path
    }
}

/// A finding's rows, `sheet!row`, the file named once before its rows when the run read
/// several: `caiq.xlsx: CAIQ!12, CAIQ!13; company.xlsx: Services!4`.
fn sources_in_brief(sources: &[Source], several_files: bool) -> String {
    let mut out = String::new();
    let mut file: Option<&str> = None;
    for src in sources {
        let same_file = file == Some(&*src.file);
        if !out.is_empty() {
            out.push_str(if same_file || !several_files {
                ", "
            } else {
                "; "
            });
        }
        if several_files && !same_file {
            out.push_str(shown_path(&src.file));
            out.push_str(": ");
        }
        file = Some(&src.file);
        out.push_str(&format!("{}!{}", src.sheet, src.row));
    }
    out
}

/// How many finding lines a document lists: per code and severity, and in all.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub per_code: usize,
    pub total: usize,
}

/// What a group of findings is about: a service (with its vendor), else for a vendor's
/// questionnaire findings the control family (`AC`, `DCS`), else the vendor, else the
/// estate.
fn part_of(inputs: &Inputs, f: &Finding, subject: &Subject) -> (String, String) {
    match (&f.service, &f.vendor) {
        (Some(service), vendor) => {
            let provider = match (vendor, subject.service) {
                (Some(vendor), _) => vendor.as_str(),
                (None, Some(row)) => inputs.services[row].provider.as_str(),
                (None, None) => "",
            };
            let about = if provider.is_empty() {
                service.clone()
            } else {
                format!("{service} ({provider})")
            };
            (
                about,
                subject.service.map(service_anchor).unwrap_or_default(),
            )
        }
        (None, Some(vendor)) => {
            let family = f
                .control_id
                .as_deref()
                .filter(|_| f.code.side() == crate::findings::Side::Questionnaire)
                .map(super::control_family);
            match family {
                Some(family) => (format!("{vendor}: control family {family}"), String::new()),
                None => (format!("Vendor {vendor}"), String::new()),
            }
        }
        (None, None) => ("Across the estate".to_string(), String::new()),
    }
}

/// Groups findings (already in the engine's order: worst first, then catalogue order) by
/// severity, code and [`part_of`], a line each, within `bounds`; returns the groups and
/// the count of findings left out per code.
pub fn group_findings(
    inputs: &Inputs,
    findings: &[(&Finding, &Subject)],
    detailed: bool,
    bounds: Bounds,
) -> (Vec<SeverityFindings>, BTreeMap<&'static str, usize>) {
    let several_files = inputs.files.len() > 1;
    let mut listed = 0usize;
    let mut omitted: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_severity: Vec<SeverityFindings> = Vec::new();
    let mut part_index: HashMap<String, usize> = HashMap::new();
    for &(f, subject) in findings {
        let severity = f.severity.as_str();
        if by_severity.last().is_none_or(|s| s.severity != severity) {
            by_severity.push(SeverityFindings {
                severity,
                count: 0,
                codes: Vec::new(),
            });
        }
        let group = by_severity.last_mut().expect("pushed above");
        group.count += 1;
        if group.codes.last().is_none_or(|c| c.code != f.code.as_str()) {
            group.codes.push(CodeFindings {
                code: f.code.as_str(),
                title: f.code.title(),
                rule: f.code.rule(),
                remedy: f.code.remedy(),
                count: 0,
                parts: Vec::new(),
                more: String::new(),
            });
            part_index.clear();
        }
        let code = group.codes.last_mut().expect("pushed above");
        code.count += 1;
        let shown: usize = code.parts.iter().map(|p| p.lines.len()).sum();
        if shown >= bounds.per_code || listed >= bounds.total {
            *omitted.entry(f.code.as_str()).or_default() += 1;
            let more = code.count - shown;
            code.more = format!(
                "{more} more not listed here: every one is in the auditor workbook and findings.csv."
            );
            continue;
        }
        listed += 1;
        // A control or CUEC implies its domain (the controls section gives it), so the
        // domain is named only when nothing narrower is: one line per finding.
        let detail = match (f.control_id.as_deref(), f.cuec_id.as_deref()) {
            (Some(control), Some(cuec)) => format!("{cuec} · {control}"),
            (Some(one), None) | (None, Some(one)) => one.to_string(),
            (None, None) => f.domain.clone().unwrap_or_default(),
        };
        let line = FindingLine {
            id: f.id.clone(),
            detail,
            control_anchor: subject.control.map(control_anchor).unwrap_or_default(),
            message: if detailed {
                f.message.clone()
            } else {
                String::new()
            },
            remedy: if detailed {
                f.remedy.clone()
            } else {
                String::new()
            },
            sources: sources_in_brief(&f.sources, several_files),
        };
        let (about, service_anchor) = part_of(inputs, f, subject);
        let next = code.parts.len();
        let at = *part_index.entry(about.clone()).or_insert(next);
        if at == next {
            code.parts.push(FindingPart {
                about,
                service_anchor,
                lines: Vec::new(),
            });
        }
        code.parts[at].lines.push(line);
    }
    (by_severity, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_are_shown_by_their_file_name_only() {
        assert_eq!(
            shown_path("samples/northwind.xlsx"),
            "samples/northwind.xlsx"
        );
        assert_eq!(shown_path("q3.xlsx"), "q3.xlsx");
        assert_eq!(shown_path("/home/ana/grc/q3.xlsx"), "q3.xlsx");
        assert_eq!(shown_path(r"C:\Users\ana\q3.xlsx"), "q3.xlsx");
        assert_eq!(shown_path(r"\\server\share\q3.xlsx"), "q3.xlsx");
    }
}
