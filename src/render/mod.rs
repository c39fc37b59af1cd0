//! Everything a run writes: the findings document (JSON, CSV), the OSCAL assessment
//! results ([`oscal`]) and the PDFs, rendered in memory first and then written each to a
//! temporary file renamed into place — so a failure leaves the previous run's outputs whole
//! and never a half-written report.

pub mod document;
pub mod listing;
pub mod oscal;
pub mod pdf;
pub mod questionnaire_view;
pub mod residency;
pub mod templates;
pub mod trend;
pub mod view;

use crate::inputs::Inputs;
use crate::reconcile::Reconciliation;
use crate::Run;
use document::FindingsDocument;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use templates::Templates;

/// Why outputs could not be produced or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] templates::TemplateError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("{path}: {message}")]
    Previous { path: PathBuf, message: String },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One rendered output, ready to be written.
pub struct Output {
    /// Path relative to the period's output directory.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// How much evidence the auditor pack lists per control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
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
    /// How many PDFs to compile at once; `None` is one per core.
    pub jobs: Option<usize>,
    /// Ticked once per PDF compiled (a terminal's progress bar), if any.
    pub progress: Option<indicatif::ProgressBar>,
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

/// A document to compile: its output name, Typst source and data.
struct Job {
    name: String,
    source: String,
    data: Vec<u8>,
}

/// Renders every output of `demarc report` in memory.
pub fn render_all(
    run: &Run,
    options: &ReportOptions,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[crate::evidence_files::FileStatus],
) -> Result<Vec<Output>, RenderError> {
    let templates = Templates::load(run.templates.as_deref())?;
    let context = |vendor: &'static str| TemplateContext {
        organisation: run
            .organisation
            .as_deref()
            .unwrap_or("(organisation not set)"),
        classification: &run.classification,
        period: &run.period.label,
        version: env!("CARGO_PKG_VERSION"),
        vendor,
    };
    let json = |value: serde_json::Value| serde_json::to_vec(&value).expect("report data is JSON");
    let mut jobs = vec![
        Job {
            name: "board-report.pdf".into(),
            source: templates.render("board-report", &context(""))?,
            data: json(view::board_report(
                run,
                inputs,
                rec,
                options.previous.as_ref(),
            )),
        },
        Job {
            name: "auditor-pack.pdf".into(),
            source: templates.render("auditor-pack", &context(""))?,
            data: json(view::auditor_pack(
                run,
                inputs,
                rec,
                files,
                options.evidence_listing,
            )),
        },
    ];
    let mut used_names = std::collections::BTreeSet::new();
    for vendor in view::pack_vendors(inputs) {
        let vendor_context = TemplateContext {
            vendor: &vendor,
            ..context("")
        };
        jobs.push(Job {
            name: format!("vendors/{}.pdf", unique_file_stem(&vendor, &mut used_names)),
            source: templates.render("vendor-pack", &vendor_context)?,
            data: json(view::vendor_pack(run, inputs, rec, &vendor)),
        });
    }
    if options.evidence_listing == EvidenceListing::Full {
        jobs.extend(appendix_jobs(run, inputs, files, &templates, &context(""))?);
    }
    if let Some(bar) = &options.progress {
        bar.set_length(jobs.len() as u64);
    }
    let pdfs = compile_all(jobs, run.as_of, options)?;
    let document = FindingsDocument::new(run, rec);
    let mut outputs = vec![
        Output {
            name: "findings.json".into(),
            bytes: document.to_json().into_bytes(),
        },
        Output {
            name: "findings.csv".into(),
            bytes: document::findings_csv(&rec.findings),
        },
        Output {
            name: "evidence-index.csv".into(),
            bytes: document::evidence_index_csv(inputs, files, run.period.end),
        },
        Output {
            name: "assessment-results.json".into(),
            bytes: oscal::assessment_results(run, inputs, rec, files).into_bytes(),
        },
    ];
    outputs.extend(pdfs);
    Ok(outputs)
}

/// The full evidence appendix, one job per part: every evidence row dated on or before the
/// period end, in input order.
fn appendix_jobs(
    run: &Run,
    inputs: &Inputs,
    files: &[crate::evidence_files::FileStatus],
    templates: &Templates,
    context: &TemplateContext<'_>,
) -> Result<Vec<Job>, RenderError> {
    let listed: Vec<usize> = (0..inputs.evidence.len())
        .filter(|&i| inputs.evidence[i].collected_on <= run.period.end)
        .collect();
    let ranges = appendix_parts(listed.len(), APPENDIX_ROWS_PER_PART);
    let source = templates.render("evidence-appendix", context)?;
    let mut jobs = Vec::with_capacity(ranges.len());
    for (part, range) in ranges.iter().enumerate() {
        let data = view::evidence_appendix(
            run,
            inputs,
            files,
            &listed[range.clone()],
            view::AppendixPart {
                part: part + 1,
                parts: ranges.len(),
                first: range.start + 1,
                total: listed.len(),
            },
        );
        jobs.push(Job {
            name: format!("auditor-pack-appendix/part-{:02}.pdf", part + 1),
            source: source.clone(),
            data: serde_json::to_vec(&data).expect("report data is JSON"),
        });
    }
    Ok(jobs)
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

/// Compiles the documents on `--jobs` threads (default: every core), keeping their order.
fn compile_all(
    jobs: Vec<Job>,
    today: chrono::NaiveDate,
    options: &ReportOptions,
) -> Result<Vec<Output>, RenderError> {
    let archival = options.pdf_standard;
    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(jobs.len())
        .max(1);
    type Slot = Option<Result<Vec<u8>, pdf::PdfError>>;
    let slots: std::sync::Mutex<Vec<Slot>> =
        std::sync::Mutex::new((0..jobs.len()).map(|_| None).collect());
    let gate = EvictionGate::new(EVICT_AFTER_PAGES);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(i) = gate.next_job(jobs.len()) {
                    let job = &jobs[i];
                    let document = job.name.trim_end_matches(".pdf");
                    let started = std::time::Instant::now();
                    let result = pdf::compile(
                        document,
                        job.source.clone(),
                        job.data.clone(),
                        today,
                        archival,
                    );
                    crate::terminal::detail(format!(
                        "compiled {} in {:.2} s",
                        job.name,
                        started.elapsed().as_secs_f64()
                    ));
                    let pages = result.as_ref().map_or(0, |c| c.pages);
                    slots.lock().expect("no worker panics holding the lock")[i] =
                        Some(result.map(|c| c.pdf));
                    gate.finished(pages);
                    if let Some(bar) = &options.progress {
                        bar.inc(1);
                    }
                }
            });
        }
    });
    let results = slots
        .into_inner()
        .expect("no worker panics holding the lock");
    jobs.into_iter()
        .zip(results)
        .map(|(job, result)| {
            let bytes = result.expect("every job ran")?;
            Ok(Output {
                name: job.name,
                bytes,
            })
        })
        .collect()
}

/// Pages compiled after which the workers stop taking new documents until those running
/// finish, so that Typst's memo cache can be emptied. Scale 1 of the benchmark is a
/// 184-page auditor pack beside 40 vendor packs of ~180 pages in all: it compiles without
/// a pause; the full evidence appendix (~170 pages a part) pauses every two parts.
const EVICT_AFTER_PAGES: usize = 200;

/// Hands out jobs and decides when Typst's memo cache is emptied.
///
/// The cache is global: emptying it while another document compiles throws away results
/// that document's next layout pass reuses (the auditor pack's layout runs more than once
/// to settle its page references), which made the auditor pack 1.8× slower beside the
/// vendor packs. Never emptying it keeps every finished document's layout in memory (5.7
/// GB for the full appendix at scale 1). So: the cache is emptied whenever no document is
/// compiling; and once `budget` pages have finished since it was last emptied, no new
/// document starts until the running ones finish and it is.
struct EvictionGate {
    state: std::sync::Mutex<GateState>,
    resumed: std::sync::Condvar,
    budget: usize,
}

#[derive(Default)]
struct GateState {
    next: usize,
    running: usize,
    pages_since_eviction: usize,
    draining: bool,
}

impl EvictionGate {
    fn new(budget: usize) -> EvictionGate {
        EvictionGate {
            state: std::sync::Mutex::new(GateState::default()),
            resumed: std::sync::Condvar::new(),
            budget,
        }
    }

    /// The next job to compile, once the gate is open; `None` when every job is taken.
    fn next_job(&self, jobs: usize) -> Option<usize> {
        let mut state = self
            .state
            .lock()
            .expect("no worker panics holding the lock");
        while state.draining {
            state = self
                .resumed
                .wait(state)
                .expect("no worker panics holding the lock");
        }
        if state.next >= jobs {
            return None;
        }
        state.next += 1;
        state.running += 1;
        Some(state.next - 1)
    }

    /// Records a finished job of `pages` pages, emptying the cache when it can.
    fn finished(&self, pages: usize) {
        let mut state = self
            .state
            .lock()
            .expect("no worker panics holding the lock");
        state.running -= 1;
        state.pages_since_eviction += pages;
        if state.running == 0 {
            pdf::evict_memo_cache();
            state.pages_since_eviction = 0;
            state.draining = false;
            self.resumed.notify_all();
        } else if state.pages_since_eviction >= self.budget {
            state.draining = true;
        }
    }
}

/// A file name for a vendor: letters, digits, `-` and `_` kept, the rest `-`; a suffix
/// when two vendors would share a name.
fn unique_file_stem(vendor: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let mut stem: String = vendor
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    stem = stem.trim_matches('-').to_string();
    if stem.is_empty() {
        stem = "vendor".into();
    }
    let mut candidate = stem.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

/// Writes outputs into `dir`, each through a temporary file renamed into place.
pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>, RenderError> {
    let mut written = Vec::new();
    for output in outputs {
        let path = dir.join(&output.name);
        write_atomically(&path, &output.bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes a file so that readers see either the old content or the new, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    let fail = |source| RenderError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".demarc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    // Temporary files are private (0600); reports are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
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
