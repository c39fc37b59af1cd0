//! Everything a run writes: the findings document (JSON, CSV), the OSCAL assessment
//! results ([`oscal`]) and the PDFs, rendered in memory first and then written each to a
//! temporary file renamed into place — so a failure leaves the previous run's outputs whole
//! and never a half-written report.

pub mod document;
pub mod kit;
pub mod listing;
pub mod oscal;
pub mod pdf;
pub mod publish;
pub mod questions;
mod schedule;
pub mod templates;
pub mod trend;
pub mod view;
pub mod views;
pub mod workbook;
mod write;

use crate::inputs::Inputs;
use crate::progress::{Event, Progress, Unit};
use crate::reconcile::Reconciliation;
use crate::Run;
use document::FindingsDocument;
use schedule::{run_tasks, Made, Task};
use serde::Serialize;
use std::path::PathBuf;
use templates::Templates;
pub(crate) use write::write_error;
use write::{output_rank, stage_with, unique_file_stem};
pub use write::{write_atomically, Content, Output};

/// Why outputs could not be produced or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] templates::TemplateError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// A document Typst could not compile, with its generated source kept on disk.
    #[error("rendering {document} failed: {message}")]
    Compile { document: String, message: String },
    #[error("{path}: {message}")]
    Previous { path: PathBuf, message: String },
    /// A vendor's follow-up questions workbook could not be written.
    #[error("writing the follow-up questions for {vendor} failed: {message}")]
    Questions { vendor: String, message: String },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The auditor workbook could not be built (rust_xlsxwriter refused a cell, or its
    /// temporary files could not be written).
    #[error("auditor-workbook.xlsx: cannot build the workbook: {message}")]
    Workbook { message: String },
    #[error("{path}: cannot write reports here: {source}")]
    OutputDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How much evidence the auditor pack lists per control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EvidenceListing {
    /// `newest` for small inputs, `compact` when the listing would exceed a few thousand rows.
    #[default]
    Auto,
    /// The newest evidence of every control for every in-scope service it applies to.
    Newest,
    /// Services with gaps in full; fresh, Effective ones counted.
    Compact,
    /// As `auto`, plus every evidence row on or before the period end in an appendix
    /// (`auditor-pack-appendix/part-NN.pdf`, parts of 5,000 rows compiled in parallel).
    Full,
}

/// Rows per part of the full evidence appendix: small enough that a part's layout stays
/// well under a gigabyte (Typst holds a document's pages in memory while it compiles).
pub const APPENDIX_ROWS_PER_PART: usize = 5_000;

/// Options of `demarc report` that change the PDFs only.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    pub pdf_standard: Option<pdf::Archival>,
    /// Where evidence files live; `None` records them as not checked.
    pub evidence_root: Option<PathBuf>,
    pub evidence_listing: EvidenceListing,
    pub previous: Option<trend::Previous>,
    /// Earlier periods for the board report's trend chart (`--history DIR`).
    pub history: trend::History,
    /// How many PDFs to compile at once; `None` is one per core.
    pub jobs: Option<usize>,
    /// The directory outputs will be written to, when known: the evidence index (190 MB at a
    /// million rows) is then written straight to a temporary file there instead of being
    /// held in memory until the end.
    pub stage_in: Option<PathBuf>,
    /// `[board]`: the appetite the board report rates against, and its sign-off.
    pub board: crate::model::appetite::Board,
}

/// Run-level values the Handlebars templates may use (escaped for Typst markup).
#[derive(Serialize)]
struct TemplateContext<'a> {
    organisation: &'a str,
    classification: &'a str,
    period: &'a str,
    version: &'a str,
    /// The vendor of a vendor pack (empty for the other documents).
    vendor: &'a str,
}

impl<'a> TemplateContext<'a> {
    fn of(run: &'a Run, vendor: &'a str) -> TemplateContext<'a> {
        TemplateContext {
            organisation: run
                .organisation
                .as_deref()
                .unwrap_or("(organisation not set)"),
            classification: &run.classification,
            period: &run.period.label,
            version: env!("CARGO_PKG_VERSION"),
            vendor,
        }
    }
}

/// A file demarc writes itself, made by `write`: straight into its staged file when the
/// output directory is known, so that no output is ever held whole in memory (at half a
/// million findings findings.json is 400 MB and the OSCAL export more); into memory
/// otherwise (the library's callers and tests).
fn streamed(
    options: &ReportOptions,
    name: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Made, RenderError> {
    match &options.stage_in {
        Some(dir) => stage_with(&dir.join(name), |file| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
            write(&mut buffered)?;
            std::io::Write::flush(&mut buffered)
        })
        .map(Made::Staged),
        None => {
            let mut bytes = Vec::new();
            write(&mut bytes).expect("writing to memory");
            Ok(Made::File(bytes))
        }
    }
}

/// A document's data as the JSON its template reads (`/data.json`).
fn to_json(view: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(view).expect("report data is JSON")
}

/// Renders every output of `demarc report` in memory.
///
/// Tasks start longest first: the auditor pack is the critical path, and the files demarc
/// writes itself (the 100 MB evidence index at scale) are made beside it; the vendor packs
/// and appendix parts fill the cores after.
pub fn render_all(
    run: &Run,
    options: &ReportOptions,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[crate::inputs::evidence_files::FileStatus],
    progress: &dyn Progress,
) -> Result<Rendered, RenderError> {
    let templates = Templates::load(run.templates.as_deref())?;
    let templates = &templates;
    let pdf = move |template: &str, vendor: &str, data: Vec<u8>| {
        Ok(Made::Pdf {
            source: templates.render(template, &TemplateContext::of(run, vendor))?,
            data,
        })
    };
    let mut tasks = vec![
        Task::new("auditor-pack.pdf", move || {
            pdf(
                "auditor-pack",
                "",
                to_json(&views::auditor::auditor_pack(
                    run,
                    inputs,
                    rec,
                    files,
                    options.evidence_listing,
                )),
            )
        }),
        // Second: at a million evidence rows the workbook is the longest task of all
        // (9 s), so it starts at once beside the auditor pack.
        Task::new(workbook::NAME, move || {
            // Staged straight to its file when the output directory is known, its rows'
            // temporary files beside it; otherwise built in memory.
            match &options.stage_in {
                Some(dir) => {
                    let mut failed = None;
                    let staged = workbook::write(run, inputs, rec, files, Some(dir), |book| {
                        stage_with(&dir.join(workbook::NAME), |file| {
                            book.save_to_writer(file).map_err(|e| {
                                let io = std::io::Error::other(e.to_string());
                                failed = Some(workbook::workbook_error(e));
                                io
                            })
                        })
                    });
                    match (staged, failed) {
                        (Ok(temp), _) => Ok(Made::Staged(temp)),
                        // rust_xlsxwriter's own error says more than the I/O error made of it.
                        (Err(_), Some(error)) | (Err(error), None) => Err(error),
                    }
                }
                None => workbook::to_bytes(run, inputs, rec, files).map(Made::File),
            }
        }),
        Task::new("findings.json", move || {
            streamed(options, "findings.json", |out| {
                FindingsDocument::new(run, rec).write_to(out).map(drop)
            })
        }),
        Task::new("findings.csv", move || {
            streamed(options, "findings.csv", |out| {
                document::write_findings_csv(out, &rec.findings).map(drop)
            })
        }),
        Task::new("evidence-index.csv", move || {
            streamed(options, "evidence-index.csv", |out| {
                document::write_evidence_index(out, inputs, files, run.period.end).map(drop)
            })
        }),
        Task::new("assessment-results.json", move || match &options.stage_in {
            // Its digest is written over a placeholder at the end: streamed to a file it
            // can seek in, not through `streamed`.
            Some(dir) => stage_with(&dir.join("assessment-results.json"), |file| {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                oscal::write_assessment_results(&mut out, run, inputs, rec, files)?;
                std::io::Write::flush(&mut out)
            })
            .map(Made::Staged),
            None => Ok(Made::File(
                oscal::assessment_results(run, inputs, rec, files).into_bytes(),
            )),
        }),
        Task::new("board-report.pdf", move || {
            pdf(
                "board-report",
                "",
                to_json(&views::board::board_report(
                    run,
                    inputs,
                    rec,
                    &options.board,
                    options.previous.as_ref(),
                    &options.history,
                )),
            )
        }),
    ];
    let mut used_names = std::collections::BTreeSet::new();
    for vendor in views::vendor::pack_vendors(inputs, &rec.directory) {
        let stem = unique_file_stem(&vendor, &mut used_names);
        // Beside the pack, the questions for the vendor, when there are any.
        let asked = questions::vendor_questions(run, inputs, rec, &vendor);
        let questions_file = if asked.is_empty() {
            String::new()
        } else {
            format!("{stem}-questions.xlsx")
        };
        if !asked.is_empty() {
            let vendor = vendor.clone();
            tasks.push(Task::new(
                format!("vendors/{stem}-questions.xlsx"),
                move || {
                    questions::questions_workbook(run, &vendor, &asked)
                        .map(Made::File)
                        .map_err(|e| RenderError::Questions {
                            vendor: vendor.clone(),
                            message: e.to_string(),
                        })
                },
            ));
        }
        tasks.push(Task::new(format!("vendors/{stem}.pdf"), move || {
            pdf(
                "vendor-pack",
                &vendor,
                to_json(&views::vendor::VendorPack {
                    questions_file: questions_file.clone(),
                    ..views::vendor::vendor_pack(run, inputs, rec, &vendor)
                }),
            )
        }));
    }
    if options.evidence_listing == EvidenceListing::Full {
        tasks.extend(appendix_tasks(run, inputs, files, templates)?);
    }
    progress.event(Event::Counting {
        verb: "rendering",
        unit: Unit::Files,
        total: tasks.len() as u64,
    });
    let rendered = run_tasks(tasks, run.as_of, options, templates, progress);
    progress.event(Event::Counted);
    let (mut outputs, stood_in) = rendered?;
    // Written (and listed) in a fixed order: the findings and indexes, then the PDFs.
    outputs.sort_by_key(|o| output_rank(&o.name));
    Ok(Rendered {
        outputs,
        warnings: stood_in_warning(&stood_in).into_iter().collect(),
    })
}

/// Every output of a run, rendered in memory, and what its reader must be told of them.
pub struct Rendered {
    pub outputs: Vec<Output>,
    /// Warnings about the outputs themselves (characters the PDFs cannot show).
    pub warnings: Vec<String>,
}

/// The warning for characters no bundled font has: the PDFs show U+FFFD for them, and the
/// user must hear that the data files keep them, and where they are.
fn stood_in_warning(stood_in: &schedule::StoodIn) -> Option<String> {
    const NAMED: usize = 5;
    if stood_in.is_empty() {
        return None;
    }
    let mut named: Vec<String> = stood_in
        .iter()
        .take(NAMED)
        .map(|(c, (_, document, around))| {
            format!("{c} (U+{:04X}) in {around:?} ({document})", *c as u32)
        })
        .collect();
    if stood_in.len() > NAMED {
        named.push(format!("and {} more", stood_in.len() - NAMED));
    }
    Some(format!(
        "the PDFs show {} for {} character{} no bundled font has: {}; findings.json, the CSVs and the auditor workbook keep them as written",
        pdf::STAND_IN,
        stood_in.len(),
        if stood_in.len() == 1 { "" } else { "s" },
        named.join(", ")
    ))
}

/// The full evidence appendix, one task per part: every evidence row dated on or before
/// the period end, in input order.
fn appendix_tasks<'a>(
    run: &'a Run,
    inputs: &'a Inputs,
    files: &'a [crate::inputs::evidence_files::FileStatus],
    templates: &Templates,
) -> Result<Vec<Task<'a>>, RenderError> {
    let listed: Vec<usize> = (0..inputs.evidence.len())
        .filter(|&i| inputs.evidence[i].collected_on <= run.period.end)
        .collect();
    let listed = std::sync::Arc::new(listed);
    let ranges = appendix_parts(listed.len(), APPENDIX_ROWS_PER_PART);
    let source = templates.render("evidence-appendix", &TemplateContext::of(run, ""))?;
    let parts = ranges.len();
    Ok(ranges
        .into_iter()
        .enumerate()
        .map(|(part, range)| {
            let listed = std::sync::Arc::clone(&listed);
            let source = source.clone();
            Task::new(
                format!("auditor-pack-appendix/part-{:02}.pdf", part + 1),
                move || {
                    let data = views::appendix::evidence_appendix(
                        run,
                        inputs,
                        files,
                        &listed[range.clone()],
                        views::appendix::AppendixPart {
                            part: part + 1,
                            parts,
                            first: range.start + 1,
                            total: listed.len(),
                        },
                    );
                    Ok(Made::Pdf {
                        source: source.clone(),
                        data: to_json(&data),
                    })
                },
            )
        })
        .collect())
}

/// Splits `rows` listed rows into parts of at most `per_part`; one (empty) part when there
/// are none, so the appendix always exists when asked for.
fn appendix_parts(rows: usize, per_part: usize) -> Vec<std::ops::Range<usize>> {
    if rows == 0 {
        return std::iter::once(0..0).collect();
    }
    (0..rows)
        .step_by(per_part)
        .map(|start| start..(start + per_part).min(rows))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_parts_cover_every_row_once() {
        assert_eq!(appendix_parts(0, 10), vec![0..0]);
        assert_eq!(appendix_parts(10, 10), vec![0..10]);
        assert_eq!(appendix_parts(25, 10), vec![0..10, 10..20, 20..25]);
        let parts = appendix_parts(100_001, APPENDIX_ROWS_PER_PART);
        assert_eq!(parts.len(), 100_000 / APPENDIX_ROWS_PER_PART + 1);
        assert_eq!(parts.iter().map(|r| r.len()).sum::<usize>(), 100_001);
        assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
    }
}
