//! The full evidence appendix's data (`evidence-appendix.typ.hbs`, one PDF per part with
//! `--evidence-listing full`): every evidence row, already laid out as pages of
//! fixed-width monospace lines (see [`crate::render::listing`]) so that Typst only sets
//! text — a million rows would otherwise take Typst's table layout hours.

use super::Meta;
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::Inputs;
use crate::render::listing;
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;

/// Lines of rows on an appendix page. The template fixes each line's height at 1.25 em of
/// 6.5 pt (8.125 pt); A4 landscape with the appendix's margins leaves 493.2 pt, less the
/// column titles and their rule: 58 lines leave more than a line to spare.
pub const APPENDIX_LINES_PER_PAGE: usize = 58;

/// Lines of a first page the appendix's heading and introduction take.
const APPENDIX_INTRODUCTION_LINES: usize = 16;

/// Everything `evidence-appendix.typ.hbs` reads, for one part.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EvidenceAppendix {
    /// The run: organisation, period, dates, version.
    pub meta: Meta,
    /// This part's number, from 1.
    pub part: usize,
    /// How many parts the appendix has.
    pub parts: usize,
    /// The number of this part's first row among all listed rows, from 1.
    pub first: usize,
    /// The number of its last row.
    pub last: usize,
    /// Rows listed across all parts (evidence dated on or before the period end).
    pub total: usize,
    /// The column titles as one monospace line, padded to the columns' widths.
    pub titles: String,
    /// The pages: each one string of `\n`-separated monospace lines, ready to set as is.
    pub pages: Vec<String>,
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

/// The full evidence appendix's columns, in monospace cells: 196 cells fill an A4
/// landscape line at 6.5 pt DejaVu Sans Mono (773.9 pt of text width / 3.913 pt a cell
/// = 197.7 cells; one spare).
fn appendix_layout() -> listing::Layout {
    use listing::Column;
    let column = |title, width| Column { title, width };
    listing::Layout {
        columns: vec![
            column("Row", 30),
            column("Control", 12),
            column("Service", 22),
            column("Collected", 10),
            column("Result", 11),
            column("Tester", 16),
            column("Evidence · file", 57),
            column("Status · SHA-256", 24),
        ],
        lines_per_page: APPENDIX_LINES_PER_PAGE,
        lines_on_first_page: APPENDIX_LINES_PER_PAGE - APPENDIX_INTRODUCTION_LINES,
    }
}

/// One part of the full evidence appendix: the evidence rows `rows` (indexes into
/// `inputs.evidence`, all on or before the period end).
pub fn evidence_appendix(
    run: &Run,
    inputs: &Inputs,
    files: &[FileStatus],
    rows: &[usize],
    numbering: AppendixPart,
) -> EvidenceAppendix {
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
    EvidenceAppendix {
        meta: Meta::of(run),
        part: numbering.part,
        parts: numbering.parts,
        first: numbering.first,
        last: numbering.first + rows.len().saturating_sub(1),
        total: numbering.total,
        titles: layout.titles(),
        pages,
    }
}
