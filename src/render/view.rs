//! What the PDF templates read: the run's results flattened into plain strings and lists
//! (`/data.json` inside Typst). Dates and numbers are formatted here, in Rust, so the
//! templates only lay out text they are given.

use crate::findings::{Finding, Severity};
use crate::inputs::{Attestation, Inputs};
use crate::reconcile::Reconciliation;
use crate::render::listing;
use crate::render::trend::{self, Previous};
use crate::Run;
use serde_json::{json, Value};

/// Above this many (control, service) rows the auditor pack lists only gaps in full.
pub const AUTO_COMPACT_ROWS: usize = 2_000;

/// The longest service name the board's heatmap shows whole, in characters: a longer one
/// would take the width the domain columns need (a 200-character name left them a letter
/// wide). It is cut, numbered, and given whole in a legend under the heatmap.
const HEATMAP_NAME_CHARS: usize = 40;

/// A service's label in the heatmap, and its legend number when the name is cut.
fn heatmap_label(name: &str, notes: &mut usize) -> (String, Option<usize>) {
    if name.chars().count() <= HEATMAP_NAME_CHARS {
        return (name.to_string(), None);
    }
    *notes += 1;
    let cut: String = name.chars().take(HEATMAP_NAME_CHARS - 4).collect();
    (format!("{}…", cut.trim_end()), Some(*notes))
}

/// Above this many in-scope services the board's heatmap shows service models instead.
pub const HEATMAP_MAX_SERVICES: usize = 30;

/// Above this many CUECs the auditor pack lists only those with a finding.
pub const MAX_LISTED_CUECS: usize = 300;

/// The auditor pack lists at most this many findings of one code at one severity.
pub const MAX_FINDINGS_PER_CODE: usize = 300;

/// The full evidence appendix's columns, in monospace cells: 196 cells fill an A4
/// landscape line at 6.5 pt DejaVu Sans Mono (773.9 pt of text width / 3.913 pt a cell
/// = 197.7 cells; one spare).
fn appendix_layout() -> listing::Layout {
    use listing::Column;
    let columns = vec![
        Column {
            title: "Row",
            width: 30,
        },
        Column {
            title: "Control",
            width: 12,
        },
        Column {
            title: "Service",
            width: 22,
        },
        Column {
            title: "Collected",
            width: 10,
        },
        Column {
            title: "Result",
            width: 11,
        },
        Column {
            title: "Tester",
            width: 16,
        },
        Column {
            title: "Evidence · file",
            width: 57,
        },
        Column {
            title: "Status · SHA-256",
            width: 24,
        },
    ];
    listing::Layout {
        columns,
        lines_per_page: APPENDIX_LINES_PER_PAGE,
        lines_on_first_page: APPENDIX_LINES_PER_PAGE - APPENDIX_INTRODUCTION_LINES,
    }
}

/// Lines of rows on an appendix page. The template fixes each line's height at 1.25 em of
/// 6.5 pt (8.125 pt); A4 landscape with the appendix's margins leaves 493.2 pt, less the
/// column titles and their rule: 58 lines leave more than a line to spare.
pub const APPENDIX_LINES_PER_PAGE: usize = 58;

/// Lines of a first page the appendix's heading and introduction take.
const APPENDIX_INTRODUCTION_LINES: usize = 16;

/// One part of the full evidence appendix (`--evidence-listing full`): the evidence rows
/// `rows` (indexes into `inputs.evidence`, all on or before the period end), laid out here
/// as pages of fixed-width monospace lines (see [`listing`]) so that Typst only sets text.
pub fn evidence_appendix(
    run: &Run,
    inputs: &Inputs,
    files: &[crate::inputs::evidence_files::FileStatus],
    rows: &[usize],
    numbering: AppendixPart,
) -> Value {
    let layout = appendix_layout();
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|&i| {
            let e = &inputs.evidence[i];
            let file_name = std::path::Path::new(&*e.source.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let status = &files[i];
            let sha = status.sha256();
            let status_text = if sha.is_empty() {
                status.label().to_string()
            } else {
                format!("{} {}", status.label(), &sha[..sha.len().min(16)])
            };
            let evidence = match (e.description.is_empty(), e.file.is_empty()) {
                (false, false) => format!("{} · {}", e.description, e.file),
                (false, true) => e.description.clone(),
                (true, _) => e.file.clone(),
            };
            [
                format!("{file_name} {}!{}", e.source.sheet, e.source.row),
                e.control_id.to_string(),
                e.service.as_deref().unwrap_or("*").to_string(),
                e.collected_on.to_string(),
                e.result.as_str().to_string(),
                e.tester.to_string(),
                evidence,
                status_text,
            ]
        })
        .collect();
    let pages = layout.paginate(cells.iter().map(|r| r.iter().map(String::as_str).collect()));
    json!({
        "meta": meta(run),
        "part": numbering.part,
        "parts": numbering.parts,
        "first": numbering.first,
        "last": numbering.first + rows.len().saturating_sub(1),
        "total": numbering.total,
        "titles": layout.titles(),
        "pages": pages,
    })
}

/// Where a part sits in the appendix (1-based).
#[derive(Debug, Clone, Copy)]
pub struct AppendixPart {
    pub part: usize,
    pub parts: usize,
    /// The number of this part's first row among all listed rows.
    pub first: usize,
    pub total: usize,
}

/// In the compact listing, at most this many services with gaps are listed per control.
const MAX_GAP_ROWS_PER_CONTROL: usize = 25;

fn opt_date(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn subject(f: &Finding) -> String {
    let parts: Vec<String> = [
        f.service.as_deref().map(|s| s.to_string()),
        f.domain.clone(),
        f.control_id.as_deref().map(|c| format!("control {c}")),
        f.vendor
            .as_deref()
            .filter(|_| f.service.is_none())
            .map(|v| v.to_string()),
        f.cuec_id.as_deref().map(|c| format!("CUEC {c}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" · ")
}

fn sources(f: &Finding) -> String {
    f.sources
        .iter()
        .map(|s| format!("{}: {}!{}", s.file, s.sheet, s.row))
        .collect::<Vec<_>>()
        .join("; ")
}

fn finding_view(f: &Finding) -> Value {
    json!({
        "severity": f.severity.as_str(),
        "code": f.code.as_str(),
        "title": f.code.title(),
        "subject": subject(f),
        "message": f.message,
        "remedy": f.remedy,
        "sources": sources(f),
    })
}

fn meta(run: &Run) -> Value {
    json!({
        "organisation": run.organisation.clone().unwrap_or_else(|| "(organisation not set)".into()),
        "classification": run.classification,
        "period": run.period.label,
        "start": run.period.start.to_string(),
        "end": run.period.end.to_string(),
        "as_of": run.as_of.to_string(),
        "version": env!("CARGO_PKG_VERSION"),
        "model": run.model.name,
    })
}

fn severity_counts(findings: &[Finding]) -> Value {
    Severity::ALL
        .iter()
        .map(|s| json!({"severity": s.as_str(), "count": findings.iter().filter(|f| f.severity == *s).count()}))
        .collect()
}

/// A cell's status in words. A cell the vendor's own documents give another owner says
/// so even when evidenced: the evidence is for the model's owner, which the vendor disputes.
fn cell_status(cell: &crate::reconcile::CellStatus) -> String {
    let status = match (cell.customer_evidenced, cell.provider_attested) {
        _ if cell.evidenced => "evidenced",
        (Some(false), Some(false)) => "customer evidence and vendor attestation lacking",
        (Some(false), _) => "customer evidence lacking",
        (_, Some(false)) => "vendor attestation lacking",
        _ => "not evidenced",
    };
    if cell.disputed {
        format!("{status}; the vendor states another owner (responsibility drift)")
    } else {
        status.to_string()
    }
}

fn attestation_view(
    a: &Attestation,
    period: &crate::inputs::period::Period,
    current: bool,
) -> Value {
    let end = period.end;
    let covered = a.days_covered(period.start, period.end);
    let through = a.covered_through();
    let status = match through {
        Some(t) if a.covers_date(end) => format!("covers period end (through {t})"),
        Some(t) => format!("does not reach period end (through {t})"),
        None => "no coverage dates".into(),
    };
    json!({
        "vendor": a.vendor,
        "type": a.kind.as_str(),
        "services": a.services.describe(),
        "period": match (a.period_start, a.period_end) {
            (Some(s), Some(e)) => format!("{s} to {e}"),
            (None, Some(e)) => format!("to {e}"),
            _ => String::new(),
        },
        "issued": opt_date(a.issued_on),
        "expires": opt_date(a.expires_on),
        "bridge": opt_date(a.bridge_letter_through),
        "opinion": a.opinion.map(|o| o.as_str()).unwrap_or(""),
        "exceptions": a.exceptions.to_string(),
        "exception_notes": a.exception_notes,
        "auditor": a.auditor,
        "status": status,
        "source": format!("{}!{}", a.source.sheet, a.source.row),
        "current": current,
        "days_covered": covered.to_string(),
        "days_gap": (period.days() - covered).to_string(),
    })
}

/// One mark per domain of the model, in model order, for a service's row in a folded
/// services matrix (auditor pack above 30 services, vendor pack above 3): the owner's
/// initial (`*` when an override decided it), whether the cell is owned and evidenced,
/// and its worst finding. A domain with no cell (the service is out of scope) has an
/// empty owner.
fn service_marks<'c>(
    domain_names: &[&str],
    cells: impl Iterator<Item = &'c crate::reconcile::CellStatus>,
) -> Vec<Value> {
    let cells: Vec<&crate::reconcile::CellStatus> = cells.collect();
    domain_names
        .iter()
        .map(|d| match cells.iter().find(|c| c.domain == *d) {
            Some(c) => json!({
                "owner": format!("{}{}", &c.owner.as_str()[..1].to_uppercase(), if c.overridden { "*" } else { "" }),
                "ok": c.evidenced && !c.disputed,
                "worst": c.worst.map(|w| w.as_str()).unwrap_or(""),
            }),
            None => json!({"owner": "", "ok": true, "worst": ""}),
        })
        .collect()
}

/// Above this many services a vendor pack shows one matrix (a row per service, a mark per
/// domain) instead of a table per service.
pub const VENDOR_PACK_FOLD_SERVICES: usize = 3;

/// Data for `auditor-pack.typ`.
pub fn auditor_pack(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[crate::inputs::evidence_files::FileStatus],
    listing: crate::render::EvidenceListing,
) -> Value {
    let compact = match listing {
        crate::render::EvidenceListing::Newest => false,
        crate::render::EvidenceListing::Compact => true,
        crate::render::EvidenceListing::Auto | crate::render::EvidenceListing::Full => {
            rec.control_status.len() > AUTO_COMPACT_ROWS
        }
    };
    let model = &run.model;
    let domain_names: Vec<&str> = model.domains.iter().map(|d| d.name.as_str()).collect();
    let services: Vec<Value> = inputs
        .services
        .iter()
        .map(|s| {
            let cells: Vec<Value> = rec
                .cells
                .iter()
                .filter(|c| c.service == s.name)
                .map(|c| {
                    json!({
                        "domain": c.domain,
                        "owner": format!("{}{}", c.owner.as_str(), if c.overridden { " (override)" } else { "" }),
                        "status": cell_status(c),
                        "worst": c.worst.map(|w| w.as_str()).unwrap_or(""),
                    })
                })
                .collect();
            let marks = service_marks(&domain_names, rec.cells.iter().filter(|c| c.service == s.name));
            json!({
                "name": s.name,
                "provider": s.provider,
                "model": s.service_model.as_str(),
                "model_inferred": s.service_model_inferred,
                "marks": marks,
                "data_classes": s.data_classes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
                "in_scope": if s.in_scope { "yes" } else { "no" },
                "owner": s.owner,
                "regions": s.regions.join(", "),
                "cells": cells,
            })
        })
        .collect();
    // Built once: statuses by control, rows on file by control, findings by control.
    let mut status_of: std::collections::HashMap<usize, Vec<&crate::reconcile::ControlStatus>> =
        std::collections::HashMap::new();
    for st in &rec.control_status {
        status_of.entry(st.control).or_default().push(st);
    }
    let mut rows_on_file: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    for e in inputs
        .evidence
        .iter()
        .filter(|e| e.collected_on <= run.period.end)
    {
        *rows_on_file
            .entry(crate::inputs::names::key(&e.control_id))
            .or_default() += 1;
    }
    let mut findings_of: std::collections::HashMap<String, std::collections::BTreeSet<&str>> =
        std::collections::HashMap::new();
    for f in &rec.findings {
        if let Some(id) = &f.control_id {
            findings_of
                .entry(crate::inputs::names::key(id))
                .or_default()
                .insert(f.code.as_str());
        }
    }
    let controls: Vec<Value> = inputs
        .controls
        .iter()
        .enumerate()
        .map(|(c, control)| {
            let statuses: &[&crate::reconcile::ControlStatus] = status_of.get(&c).map(Vec::as_slice).unwrap_or_default();
            // Compact listing: every service with a gap is shown; fresh, Effective ones are
            // counted (the full listing is evidence-index.csv).
            let (shown, good): (Vec<&crate::reconcile::ControlStatus>, Vec<&crate::reconcile::ControlStatus>) = if compact {
                statuses.iter().partition(|st| !st.is_good(&inputs.evidence))
            } else {
                (statuses.to_vec(), Vec::new())
            };
            let hidden = shown.len().saturating_sub(MAX_GAP_ROWS_PER_CONTROL);
            let rows: Vec<Value> = shown
                .iter()
                .take(if compact { MAX_GAP_ROWS_PER_CONTROL } else { usize::MAX })
                .map(|st| {
                    let service = &inputs.services[st.service].name;
                    match st.newest() {
                        Some(i) => {
                            let e = &inputs.evidence[i];
                            let file = &files[i];
                            json!({
                                "service": service,
                                "date": e.collected_on.to_string(),
                                "result": e.result.as_str(),
                                "description": e.description,
                                "tester": e.tester,
                                "status": st.label(&inputs.evidence),
                                "file": e.file,
                                "file_status": file.label(),
                                "sha256": file.sha256(),
                                "source": format!("{}!{}", e.source.sheet, e.source.row),
                            })
                        }
                        None => json!({
                            "service": service, "date": "", "result": "", "description": "",
                            "tester": "", "status": st.label(&inputs.evidence), "file": "", "file_status": "", "sha256": "", "source": "",
                        }),
                    }
                })
                .collect();
            let newest_good = good.iter().filter_map(|st| st.newest().map(|i| inputs.evidence[i].collected_on)).max();
            let summary = match (good.len(), newest_good) {
                (0, _) => String::new(),
                (n, Some(date)) => format!("{n} more service{} with fresh, Effective evidence (newest {date}); each is listed in evidence-index.csv.", if n == 1 { "" } else { "s" }),
                (n, None) => format!("{n} more services with fresh, Effective evidence."),
            };
            let more = if compact && hidden > 0 {
                format!("{hidden} more services with gaps are not listed here: see evidence-index.csv and the findings.")
            } else {
                String::new()
            };
            let key = crate::inputs::names::key(&control.id);
            json!({
                "id": control.id,
                "title": control.title,
                "domain": domain_names[control.domain],
                "frequency": control.frequency.as_str(),
                "frameworks": control.frameworks.join("; "),
                "applies_to": control.applies_to.describe(),
                "owner": control.owner,
                "rows_on_file": rows_on_file.get(&key).copied().unwrap_or(0).to_string(),
                "findings": findings_of.get(&key).map(|codes| codes.iter().copied().collect::<Vec<_>>().join(", ")).unwrap_or_default(),
                "rows": rows,
                "summary": summary,
                "more": more,
            })
        })
        .collect();
    // Each CUEC's finding, looked up once: the first finding naming the CUEC, its vendor
    // and its row.
    let mut cuec_findings: std::collections::HashMap<
        (&str, &str, &crate::findings::Source),
        &Finding,
    > = std::collections::HashMap::new();
    for f in &rec.findings {
        if let (Some(id), Some(vendor), Some(source)) =
            (f.cuec_id.as_deref(), f.vendor.as_deref(), f.sources.first())
        {
            cuec_findings.entry((id, vendor, source)).or_insert(f);
        }
    }
    // Up to MAX_LISTED_CUECS every CUEC is listed; above, those with a finding are, and
    // the evidenced ones are counted by vendor (findings.json holds every CUEC's finding).
    let list_every_cuec = inputs.cuecs.len() <= MAX_LISTED_CUECS;
    let mut evidenced_by_vendor: std::collections::BTreeMap<&str, usize> =
        std::collections::BTreeMap::new();
    let mut cuecs: Vec<Value> = Vec::new();
    for cuec in &inputs.cuecs {
        let finding = cuec_findings
            .get(&(cuec.cuec_id.as_str(), cuec.vendor.as_str(), &cuec.source))
            .copied();
        if finding.is_none() && !list_every_cuec {
            *evidenced_by_vendor.entry(cuec.vendor.as_str()).or_default() += 1;
            continue;
        }
        cuecs.push(json!({
            "vendor": cuec.vendor,
            "attestation": cuec.attestation,
            "id": cuec.cuec_id,
            "description": cuec.description,
            "control": cuec.mapped_control.clone().unwrap_or_default(),
            "status": finding.map(|f| f.code.as_str()).unwrap_or("evidenced"),
        }));
    }
    let cuecs_counted = if evidenced_by_vendor.is_empty() {
        String::new()
    } else {
        let total: usize = evidenced_by_vendor.values().sum();
        format!(
            "With {} CUECs, only those with a finding are listed; the {total} whose mapped control is evidenced are counted by vendor: {}.",
            inputs.cuecs.len(),
            evidenced_by_vendor
                .iter()
                .map(|(vendor, n)| format!("{vendor} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // Every finding is listed, up to a bound per code and severity that keeps the PDF
    // usable; findings.json and findings.csv always hold them all.
    let mut findings_by_severity = Vec::new();
    for s in Severity::ALL {
        let mut shown_per_code: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        let mut list = Vec::new();
        for f in rec.findings.iter().filter(|f| f.severity == s) {
            let shown = shown_per_code.entry(f.code.as_str()).or_default();
            *shown += 1;
            if *shown <= MAX_FINDINGS_PER_CODE {
                list.push(finding_view(f));
            }
        }
        let omitted: Vec<String> = shown_per_code
            .iter()
            .filter(|(_, n)| **n > MAX_FINDINGS_PER_CODE)
            .map(|(code, n)| format!("{} more {code}", n - MAX_FINDINGS_PER_CODE))
            .collect();
        if !list.is_empty() {
            findings_by_severity.push(json!({
                "severity": s.as_str(),
                "count": shown_per_code.values().sum::<usize>(),
                "findings": list,
                "omitted": if omitted.is_empty() { String::new() } else {
                    format!("Not listed here, to keep this document usable: {}. Every finding is in findings.csv and findings.json.", omitted.join(", "))
                },
            }));
        }
    }
    json!({
        "meta": meta(run),
        "summary": {
            "total": rec.findings.len(),
            "by_severity": severity_counts(&rec.findings),
            "cells": rec.coverage.cells,
            "evidenced": rec.coverage.evidenced,
            "percent": format!("{:.1}", rec.coverage.percent),
        },
        "files": inputs.files.iter().map(|f| json!({
            "path": f.path,
            "sha256": f.sha256,
            "bytes": f.bytes.to_string(),
            "sheets": f.sheets.iter().map(|s| format!("{} → {} ({} rows)", s.name, s.kind_label(), s.rows)).collect::<Vec<_>>().join("; "),
        })).collect::<Vec<_>>(),
        "warnings": inputs.warnings,
        "listing": if compact { "compact" } else { "newest" },
        "appendix": if listing == crate::render::EvidenceListing::Full {
            let rows = inputs.evidence.iter().filter(|e| e.collected_on <= run.period.end).count();
            let parts = rows.div_ceil(crate::render::APPENDIX_ROWS_PER_PART).max(1);
            if parts == 1 {
                format!("Every one of the {rows} evidence rows dated on or before the period end is listed in the appendix beside this document: auditor-pack-appendix/part-01.pdf.")
            } else {
                format!("Every one of the {rows} evidence rows dated on or before the period end is listed in the appendix beside this document, in {parts} parts: auditor-pack-appendix/part-01.pdf to part-{parts:02}.pdf.")
            }
        } else {
            String::new()
        },
        "evidence_root": if files.contains(&crate::inputs::evidence_files::FileStatus::NotChecked) { "not given: evidence files were not looked for" } else { "" },
        "model": {
            "name": model.name,
            "file": model.file.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "built in".into()),
            "domains": model.domains.iter().map(|d| json!({
                "name": d.name,
                "owners": d.owners.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "overrides": model.overrides.iter().map(|o| model.describe_override(o)).collect::<Vec<_>>(),
        },
        "codes": crate::findings::Code::ALL.iter().map(|c| json!({
            "code": c.as_str(),
            "severity": c.base_severity().as_str(),
            "severity_rule": crate::findings::explain::severity_text(*c),
            "title": c.title(),
            "rule": c.rule(),
        })).collect::<Vec<_>>(),
        "services": services,
        // Above this many services, one matrix replaces a table per service.
        "services_folded": inputs.services.iter().filter(|s| s.in_scope).count() > HEATMAP_MAX_SERVICES,
        "domain_names": domain_names,
        "controls": controls,
        "attestations": inputs.attestations.iter().enumerate().map(|(i, a)| {
            attestation_view(a, &run.period, rec.current_attestations.contains(&i))
        }).collect::<Vec<_>>(),
        "attestations_absent": inputs.attestations_absent,
        "cuecs": cuecs,
        "cuecs_counted": cuecs_counted,
        "findings": findings_by_severity,
        "residency": super::residency::auditor_section(run, inputs, rec),
    })
}

/// Data for `board-report.typ`.
pub fn board_report(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    previous: Option<&Previous>,
) -> Value {
    let count = |s: Severity| rec.findings.iter().filter(|f| f.severity == s).count();
    let (critical, high) = (count(Severity::Critical), count(Severity::High));
    let sentence = format!(
        "{} of {} in-scope responsibility cells ({}%) are owned and evidenced at {}; {} critical and {} high findings need action.",
        rec.coverage.evidenced,
        rec.coverage.cells,
        format_args!("{:.1}", rec.coverage.percent),
        run.period.end,
        critical,
        high
    );
    let trend_view = previous.map(|p| {
        let t = trend::compare(&p.findings, &rec.findings);
        let change = rec.coverage.percent - p.percent;
        json!({
            "previous": p.label,
            "previous_percent": format!("{:.1}", p.percent),
            "previous_value": p.percent,
            "current_value": rec.coverage.percent,
            "change": format!("{change:+.1}"),
            "new": t.new.len(),
            "resolved": t.resolved.len(),
            "persisting": t.persisting.len(),
            "sentence": format!(
                "Since {}: posture {:.1}% → {:.1}% ({change:+.1} points); {} new, {} resolved and {} persisting findings.",
                p.label, p.percent, rec.coverage.percent, t.new.len(), t.resolved.len(), t.persisting.len()
            ),
            "new_list": t.new.iter().take(7).map(|f| finding_view(f)).collect::<Vec<_>>(),
            "resolved_list": t.resolved.iter().take(7).map(|f| finding_view(f)).collect::<Vec<_>>(),
        })
    });
    let domains: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    // The heatmap: one row per in-scope service, or per service model when there are
    // too many services for a board page.
    let mut cell_of: std::collections::HashMap<(&str, &str), &crate::reconcile::CellStatus> =
        std::collections::HashMap::new();
    for c in &rec.cells {
        cell_of.insert((c.service.as_str(), c.domain.as_str()), c);
    }
    let letter = |o: crate::model::Owner| match o {
        crate::model::Owner::Customer => "C",
        crate::model::Owner::Shared => "S",
        crate::model::Owner::Provider => "P",
    };
    let heat_cell = |cells: &[&crate::reconcile::CellStatus]| -> Value {
        if cells.is_empty() {
            return json!({"owner": "", "worst": "none"});
        }
        let mut owners: Vec<&str> = cells.iter().map(|c| letter(c.owner)).collect();
        owners.sort_unstable();
        owners.dedup();
        let worst = cells.iter().filter_map(|c| c.worst).max();
        let label = match worst {
            Some(w) => w.as_str(),
            None if cells.iter().all(|c| c.evidenced) => "ok",
            None => "gap",
        };
        json!({"owner": owners.join("/"), "worst": label})
    };
    let in_scope: Vec<&crate::inputs::Service> = inputs
        .services
        .iter()
        .filter(|s| {
            s.in_scope
                && domains
                    .iter()
                    .any(|d| cell_of.contains_key(&(s.name.as_str(), *d)))
        })
        .collect();
    let by_model = in_scope.len() > HEATMAP_MAX_SERVICES;
    let heat_rows: Vec<Value> = if by_model {
        crate::model::ServiceModel::ALL
            .iter()
            .filter_map(|model| {
                let members: Vec<&str> = in_scope.iter().filter(|s| s.service_model == *model).map(|s| s.name.as_str()).collect();
                if members.is_empty() {
                    return None;
                }
                let cells: Vec<Value> = domains
                    .iter()
                    .map(|d| heat_cell(&members.iter().filter_map(|s| cell_of.get(&(*s, *d)).copied()).collect::<Vec<_>>()))
                    .collect();
                Some(json!({"service": format!("{} services", model.as_str()), "model": format!("{}", members.len()), "cells": cells}))
            })
            .collect()
    } else {
        let mut notes = 0;
        in_scope
            .iter()
            .map(|s| {
                let (label, note) = heatmap_label(&s.name, &mut notes);
                let cells: Vec<Value> = domains
                    .iter()
                    .map(|d| {
                        heat_cell(
                            &cell_of
                                .get(&(s.name.as_str(), *d))
                                .copied()
                                .into_iter()
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                json!({"service": label, "note": note, "full_name": s.name, "model": s.service_model.as_str(), "cells": cells})
            })
            .collect()
    };
    let heat_legend: Vec<Value> = heat_rows
        .iter()
        .filter(|r| r.get("note").is_some_and(|n| !n.is_null()))
        .map(|r| json!({"note": r["note"], "name": r["full_name"]}))
        .collect();
    let top: Vec<Value> = rec.findings.iter().take(7).map(finding_view).collect();
    let end = run.period.end;
    let mut lapsing = Vec::new();
    let mut lapsed = Vec::new();
    for a in rec
        .current_attestations
        .iter()
        .map(|&i| &inputs.attestations[i])
    {
        let Some(through) = a.covered_through() else {
            continue;
        };
        let covers_in_scope = inputs.services.iter().any(|s| {
            s.in_scope
                && crate::inputs::names::key(&s.provider) == crate::inputs::names::key(&a.vendor)
        });
        if !covers_in_scope {
            continue;
        }
        let row =
            json!({"vendor": a.vendor, "type": a.kind.as_str(), "through": through.to_string()});
        if through < end {
            lapsed.push(row);
        } else if (through - end).num_days() <= 90 {
            lapsing.push(row);
        }
    }
    json!({
        "meta": meta(run),
        "headline": {
            "percent": format!("{:.1}", rec.coverage.percent),
            "cells": rec.coverage.cells,
            "evidenced": rec.coverage.evidenced,
            "critical": critical,
            "high": high,
            "total": rec.findings.len(),
            "sentence": sentence,
        },
        "by_severity": severity_counts(&rec.findings),
        "by_domain": rec.coverage.by_domain.iter().map(|l| json!({
            "name": l.name, "cells": l.cells, "evidenced": l.evidenced, "percent": format!("{:.1}", l.percent),
        })).collect::<Vec<_>>(),
        "heat": {"domains": domains, "rows": heat_rows, "legend": heat_legend, "by_model": by_model, "services": in_scope.len()},
        "top_risks": top,
        "lapsing": lapsing,
        "lapsed": lapsed,
        "trend": trend_view,
        "residency": super::residency::board_line(run, rec),
    })
}

/// The vendors that get a pack: providers of in-scope services other than On-prem ones
/// (an organisation does not assess itself as a vendor), in sheet order.
pub fn pack_vendors(inputs: &Inputs) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    inputs
        .services
        .iter()
        .filter(|s| s.in_scope && s.service_model != crate::model::ServiceModel::OnPrem)
        .filter(|s| seen.insert(crate::inputs::names::key(&s.provider)))
        .map(|s| s.provider.clone())
        .collect()
}

/// Data for `vendor-pack.typ`: one vendor's services, responsibility split, attestations,
/// CUECs with the customer's evidence, findings, and a one-line verdict.
pub fn vendor_pack(run: &Run, inputs: &Inputs, rec: &Reconciliation, vendor: &str) -> Value {
    use crate::findings::Code;
    use crate::inputs::names::key;
    let vendor_key = key(vendor);
    let services: Vec<&crate::inputs::Service> = inputs
        .services
        .iter()
        .filter(|s| s.in_scope && key(&s.provider) == vendor_key)
        .collect();
    let service_keys: Vec<String> = services.iter().map(|s| key(&s.name)).collect();
    let findings: Vec<&Finding> = rec
        .findings
        .iter()
        .filter(|f| {
            f.vendor.as_deref().is_some_and(|v| key(v) == vendor_key)
                || f.service
                    .as_deref()
                    .is_some_and(|s| service_keys.contains(&key(s)))
        })
        .collect();
    let count = |code: Code| findings.iter().filter(|f| f.code == code).count();
    let assurance = if count(Code::AttestationMissing) > 0 {
        "No attestation on file".to_string()
    } else if count(Code::AttestationGap) + count(Code::AttestationExpired) > 0 {
        "Assurance lapsed for part of the services".to_string()
    } else if count(Code::AttestationScope) > 0 {
        "Assurance does not cover every service and domain".to_string()
    } else if count(Code::OpinionModified) > 0 {
        "Assurance current, with a modified opinion".to_string()
    } else {
        "Assurance current".to_string()
    };
    let mut verdict = vec![assurance];
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if count(Code::CuecUnevidenced) > 0 {
        verdict.push(plural(
            count(Code::CuecUnevidenced),
            "CUEC unevidenced",
            "CUECs unevidenced",
        ));
    }
    if count(Code::CuecUnmapped) > 0 {
        verdict.push(plural(
            count(Code::CuecUnmapped),
            "CUEC unmapped",
            "CUECs unmapped",
        ));
    }
    if count(Code::AttestationExpiring) > 0 {
        verdict.push("a certificate expires within 90 days".into());
    }
    // What the vendor's own questionnaires say.
    for (code, one, many) in [
        (
            Code::ResponsibilityDrift,
            "responsibility drift",
            "responsibility drifts",
        ),
        (
            Code::VendorControlGap,
            "control gap it admits",
            "control gaps it admits",
        ),
        (
            Code::OriginationMismatch,
            "CIS/CRM mismatch",
            "CIS/CRM mismatches",
        ),
    ] {
        if count(code) > 0 {
            verdict.push(plural(count(code), one, many));
        }
    }
    let customer_side = findings
        .iter()
        .filter(|f| f.code.side() == crate::findings::Side::Customer)
        .count();
    if customer_side > 0 {
        verdict.push(plural(customer_side, "gap on our side", "gaps on our side"));
    }
    let domain_names: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
    let service_rows: Vec<Value> = services
        .iter()
        .map(|s| {
            let name = key(&s.name);
            let own: Vec<&crate::reconcile::CellStatus> =
                rec.cells.iter().filter(|c| key(&c.service) == name).collect();
            let cells: Vec<Value> = own
                .iter()
                .map(|c| json!({"domain": c.domain, "owner": c.owner.as_str(), "status": cell_status(c), "worst": c.worst.map(|w| w.as_str()).unwrap_or("")}))
                .collect();
            json!({
                "name": s.name,
                "model": s.service_model.as_str(),
                "data_classes": s.data_classes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
                "regions": s.regions.join(", "),
                "cells": cells,
                "marks": service_marks(&domain_names, own.into_iter()),
            })
        })
        .collect();
    let attestations: Vec<Value> = inputs
        .attestations
        .iter()
        .enumerate()
        .filter(|(_, a)| key(&a.vendor) == vendor_key)
        .map(|(i, a)| attestation_view(a, &run.period, rec.current_attestations.contains(&i)))
        .collect();
    // Looked up once per CUEC below: built here, not searched for each.
    let control_by_key: std::collections::HashMap<String, usize> = inputs
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| (key(&c.id), i))
        .rev()
        .collect();
    let in_this_pack: Vec<bool> = inputs
        .services
        .iter()
        .map(|s| service_keys.contains(&key(&s.name)))
        .collect();
    let mut statuses_of: std::collections::HashMap<usize, Vec<&crate::reconcile::ControlStatus>> =
        std::collections::HashMap::new();
    for st in &rec.control_status {
        if in_this_pack[st.service] {
            statuses_of.entry(st.control).or_default().push(st);
        }
    }
    let cuecs: Vec<Value> = inputs
        .cuecs
        .iter()
        .filter(|c| key(&c.vendor) == vendor_key)
        .map(|cuec| {
            let finding = findings.iter().find(|f| {
                f.cuec_id.as_deref() == Some(cuec.cuec_id.as_str())
                    && f.sources.first() == Some(&cuec.source)
            });
            let evidence: Vec<String> = cuec
                .mapped_control
                .as_deref()
                .and_then(|id| control_by_key.get(&key(id)))
                .map(|c| {
                    statuses_of
                        .get(c)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|st| {
                            let service = &inputs.services[st.service].name;
                            match st.newest().map(|e| &inputs.evidence[e]) {
                                Some(e) => format!(
                                    "{service}: {} {} ({})",
                                    e.collected_on,
                                    e.result.as_str(),
                                    st.label(&inputs.evidence)
                                ),
                                None => format!("{service}: no evidence"),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "id": cuec.cuec_id,
                "description": cuec.description,
                "control": cuec.mapped_control.clone().unwrap_or_default(),
                "evidence": evidence.join("; "),
                "status": finding.map(|f| f.code.as_str()).unwrap_or("evidenced"),
            })
        })
        .collect();
    json!({
        "meta": meta(run),
        "vendor": vendor,
        "verdict": verdict.join("; "),
        "services": service_rows,
        "services_folded": services.len() > VENDOR_PACK_FOLD_SERVICES,
        "domain_names": domain_names,
        "attestations": attestations,
        "cuecs": cuecs,
        "findings": findings.iter().map(|f| finding_view(f)).collect::<Vec<_>>(),
        "residency": super::residency::vendor_section(run, inputs, rec, vendor),
        "caiq": crate::render::questionnaire_view::caiq(run, inputs, &findings, vendor),
        "fedramp": crate::render::questionnaire_view::fedramp(run, inputs, &findings, vendor),
    })
}
