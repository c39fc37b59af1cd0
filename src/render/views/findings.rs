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
    /// A sentence when some were not listed (the document's bounds); else empty.
    pub more: String,
    /// How many are listed.
    #[serde(skip)]
    shown: usize,
}

/// Findings of one code about one service or vendor.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingPart {
    /// The service (with its vendor) or vendor they are about, or `Across the estate`.
    pub about: String,
    /// The service's anchor (`svc-N`, its entry in the services section) when the part is
    /// a service's and the document lists it; else empty.
    pub service_anchor: String,
    /// All its findings, listed or not.
    pub count: usize,
    /// Each finding listed, one line (all of them unless the document's bounds cut).
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

/// `text` (a warning, which quotes paths as the user typed them) with every absolute path
/// of the run's inputs shown as [`shown_path`] shows it: a file by its name, a place inside
/// a folder named on the command line relative to that folder. No report prints the
/// directories of the machine that ran it.
pub fn with_input_paths_shown(text: &str, named: &[std::path::PathBuf], files: &[&str]) -> String {
    let mut replacements: Vec<(String, String)> = Vec::new();
    for file in files {
        if shown_path(file) != *file {
            replacements.push((file.to_string(), shown_path(file).to_string()));
        }
    }
    for path in named {
        let path = path.display().to_string();
        if shown_path(&path) != path && std::path::Path::new(&path).is_dir() {
            let folder = path.trim_end_matches(['/', '\\']);
            for separator in ['/', '\\'] {
                replacements.push((format!("{folder}{separator}"), String::new()));
            }
        }
    }
    // The longest first: a file's path before the folder it is in.
    replacements.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    let mut shown = text.to_string();
    for (from, to) in &replacements {
        if shown.contains(from.as_str()) {
            shown = shown.replace(from.as_str(), to);
        }
    }
    shown
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
    /// Share the `total` out between the parts (services, vendors): each lists at most as
    /// many lines as lets every part list some, so that half a million findings about
    /// three thousand services read as every service with its first few, not the first
    /// few services in full. A part's heading counts as a line.
    pub share_between_parts: bool,
}

/// Below this many lines a part, parts are listed with their counts alone.
const MIN_LINES_PER_PART: usize = 3;

/// The most lines any one part may list so that, with a line for each part's heading,
/// all parts fit in `budget` lines: the largest `k` with Σ (min(count, k) + 1) ≤ budget,
/// at least 1 (when even a line each does not fit, the total bound cuts the later parts).
fn lines_per_part(counts: &[usize], budget: usize) -> usize {
    let needed = |k: usize| -> usize { counts.iter().map(|&n| n.min(k) + 1).sum() };
    let most = counts.iter().copied().max().unwrap_or(0);
    if needed(most) <= budget {
        return most.max(1);
    }
    let (mut low, mut high) = (1, most);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if needed(mid) <= budget {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

/// Drops the links to anchors the document does not hold (services or controls its
/// bounds left out), which Typst would refuse to compile.
pub(super) fn unlink(
    groups: &mut [SeverityFindings],
    services: &std::collections::HashSet<String>,
    controls: &std::collections::HashSet<String>,
) {
    for part in groups
        .iter_mut()
        .flat_map(|s| &mut s.codes)
        .flat_map(|c| &mut c.parts)
    {
        if !part.service_anchor.is_empty() && !services.contains(&part.service_anchor) {
            part.service_anchor.clear();
        }
        for line in &mut part.lines {
            if !line.control_anchor.is_empty() && !controls.contains(&line.control_anchor) {
                line.control_anchor.clear();
            }
        }
    }
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
    // Each finding's part, worked out once.
    let parts: Vec<(String, String)> = findings
        .iter()
        .map(|&(f, subject)| part_of(inputs, f, subject))
        .collect();
    let per_part = if bounds.share_between_parts {
        let mut counts: Vec<usize> = Vec::new();
        let mut previous: Option<(&str, &str, &str)> = None;
        for (&(f, _), (about, _)) in findings.iter().zip(&parts) {
            let here = (f.severity.as_str(), f.code.as_str(), about.as_str());
            // Findings come sorted by severity, code and service, so a part's findings
            // mostly follow one another; a part seen again only overcounts parts.
            if previous == Some(here) {
                *counts.last_mut().expect("pushed before") += 1;
            } else {
                counts.push(1);
                previous = Some(here);
            }
        }
        lines_per_part(&counts, bounds.total)
    } else {
        usize::MAX
    };
    // Fewer lines a part than this say less than a count does: past it each part is
    // listed with its count alone, three to a line (so three times as many fit).
    let counts_only = bounds.share_between_parts && per_part < MIN_LINES_PER_PART;
    let per_part = if counts_only { 0 } else { per_part };
    let most_parts = if counts_only {
        bounds.total.saturating_mul(3)
    } else {
        usize::MAX
    };
    let mut parts_listed = 0usize;
    let mut listed = 0usize;
    let mut omitted: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_severity: Vec<SeverityFindings> = Vec::new();
    let mut part_index: HashMap<String, usize> = HashMap::new();
    for (&(f, subject), (about, service_anchor)) in findings.iter().zip(parts) {
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
                shown: 0,
            });
            part_index.clear();
        }
        let code = group.codes.last_mut().expect("pushed above");
        code.count += 1;
        let mut at = part_index.get(&about).copied();
        if at.is_none() && counts_only && parts_listed < most_parts {
            part_index.insert(about.clone(), code.parts.len());
            code.parts.push(FindingPart {
                about: about.clone(),
                service_anchor: service_anchor.clone(),
                count: 0,
                lines: Vec::new(),
            });
            parts_listed += 1;
            at = Some(code.parts.len() - 1);
        }
        let part_full = counts_only || at.is_some_and(|at| code.parts[at].lines.len() >= per_part);
        if code.shown >= bounds.per_code || listed >= bounds.total || part_full {
            *omitted.entry(f.code.as_str()).or_default() += 1;
            if let Some(at) = at {
                code.parts[at].count += 1;
            }
            code.more = if counts_only {
                // Each listed part counts its own; only parts past the bound go unsaid.
                let counted: usize = code.parts.iter().map(|p| p.count).sum();
                match code.count - counted {
                    0 => String::new(),
                    more => format!(
                        "{more} more about services or vendors not listed here; every finding of this code is in the auditor workbook and findings.csv."
                    ),
                }
            } else {
                format!(
                    "{} more not listed here; every finding of this code is in the auditor workbook and findings.csv.",
                    code.count - code.shown
                )
            };
            continue;
        }
        listed += 1;
        code.shown += 1;
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
        let at = match at {
            Some(at) => at,
            None => {
                part_index.insert(about.clone(), code.parts.len());
                code.parts.push(FindingPart {
                    about,
                    service_anchor,
                    count: 0,
                    lines: Vec::new(),
                });
                code.parts.len() - 1
            }
        };
        code.parts[at].count += 1;
        code.parts[at].lines.push(line);
    }
    (by_severity, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of one code about `services` services, `each` apiece, sorted as the
    /// engine sorts them.
    fn spread(services: usize, each: usize) -> Vec<Finding> {
        (0..services)
            .flat_map(|s| {
                (0..each).map(move |i| Finding {
                    id: format!("F-{s}-{i}"),
                    code: crate::findings::Code::EvidenceMissing,
                    severity: crate::findings::Severity::Critical,
                    message: String::new(),
                    remedy: String::new(),
                    service: Some(format!("Service {s:05}")),
                    domain: None,
                    control_id: Some(format!("CTL-{i}")),
                    vendor: Some("Vendor".into()),
                    cuec_id: None,
                    sources: Vec::new(),
                })
            })
            .collect()
    }

    #[test]
    fn too_many_parts_for_lines_are_listed_with_their_counts() {
        let inputs = Inputs::default();
        let findings = spread(500, 4);
        let subject = Subject::default();
        let pairs: Vec<(&Finding, &Subject)> = findings.iter().map(|f| (f, &subject)).collect();
        let bounds = |total| Bounds {
            per_code: usize::MAX,
            total,
            share_between_parts: true,
        };
        // 500 services and 1,200 lines: two lines a service would fit, which says less
        // than a count; each service is listed with its count instead.
        let (groups, omitted) = group_findings(&inputs, &pairs, false, bounds(1_200));
        let code = &groups[0].codes[0];
        assert_eq!(code.parts.len(), 500);
        assert!(code
            .parts
            .iter()
            .all(|p| p.lines.is_empty() && p.count == 4));
        assert_eq!(omitted.values().sum::<usize>(), 2_000);
        assert_eq!(code.more, "");
        // With room for three lines each, lines come back: 3 of 4 listed per service.
        let (groups, _) = group_findings(&inputs, &pairs, false, bounds(2_000));
        let code = &groups[0].codes[0];
        assert!(code
            .parts
            .iter()
            .all(|p| p.lines.len() == 3 && p.count == 4));
        // Past three parts a line, the later parts are counted in a sentence.
        let (groups, _) = group_findings(&inputs, &pairs, false, bounds(100));
        let code = &groups[0].codes[0];
        assert_eq!(code.parts.len(), 300);
        assert!(
            code.more.starts_with("800 more about services"),
            "{}",
            code.more
        );
    }

    #[test]
    fn lines_are_shared_so_that_every_part_lists_some() {
        // Everything fits: each part lists all of its findings.
        assert_eq!(lines_per_part(&[3, 1, 2], 100), 3);
        // One big part and two small: (k + 1) + 2 + 2 <= 10, so k = 5.
        assert_eq!(lines_per_part(&[100, 1, 1], 10), 5);
        // More parts than lines: one each, and the total bound cuts the later parts.
        assert_eq!(lines_per_part(&[5; 50], 20), 1);
        assert_eq!(lines_per_part(&[], 10), 1);
    }

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
        // A warning names files and folders as typed; a report shows them without the
        // directories they are in.
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().display().to_string();
        let warning =
            format!("{folder}/output/2026-Q3: skipped; {folder}/q3.xlsx: Controls!C2: read");
        let file = format!("{folder}/q3.xlsx");
        assert_eq!(
            with_input_paths_shown(&warning, &[dir.path().to_path_buf()], &[&file]),
            "output/2026-Q3: skipped; q3.xlsx: Controls!C2: read"
        );
        assert_eq!(
            with_input_paths_shown("q3.xlsx: read", &[], &["q3.xlsx"]),
            "q3.xlsx: read"
        );
        // A warning names files and folders as typed; a report shows them without the
        // directories they are in.
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().display().to_string();
        let warning =
            format!("{folder}/output/2026-Q3: skipped; {folder}/q3.xlsx: Controls!C2: read");
        assert_eq!(
            with_input_paths_shown(
                &warning,
                &[dir.path().to_path_buf()],
                &[&format!("{folder}/q3.xlsx")]
            ),
            "output/2026-Q3: skipped; q3.xlsx: Controls!C2: read"
        );
        assert_eq!(
            with_input_paths_shown("q3.xlsx: read", &[], &["q3.xlsx"]),
            "q3.xlsx: read"
        );
    }
}
