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
pub mod templates;
pub mod trend;
pub mod view;
pub mod views;

use crate::inputs::Inputs;
use crate::progress::{Event, Progress, Unit};
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
    /// A document Typst could not compile, with its generated source kept on disk.
    #[error("rendering {document} failed: {message}")]
    Compile { document: String, message: String },
    #[error("{path}: {message}")]
    Previous { path: PathBuf, message: String },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write reports here: {source}")]
    OutputDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One rendered output, ready to be written.
pub struct Output {
    /// Path relative to the period's output directory.
    pub name: String,
    pub content: Content,
}

/// An output's content: in memory, or already written in full to a synced temporary file
/// beside its place (see [`ReportOptions::stage_in`]), waiting to be renamed into it.
pub enum Content {
    Bytes(Vec<u8>),
    Staged(tempfile::NamedTempFile),
}

impl Output {
    /// The content's bytes (read back from disk when staged).
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.content {
            Content::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Content::Staged(temp) => std::fs::read(temp.path()).map(std::borrow::Cow::Owned),
        }
    }
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

/// What a task makes: a document to compile (its Typst source and data), or a file's
/// bytes.
enum Made {
    Pdf { source: String, data: Vec<u8> },
    File(Vec<u8>),
    Staged(tempfile::NamedTempFile),
}

/// One output to produce, on whichever worker is free: its name (relative to the period's
/// output directory) and the work that makes it. Building a document's data runs on the
/// workers too, so the vendor packs' views are built while the auditor pack compiles.
struct Task<'a> {
    name: String,
    make: Box<dyn Fn() -> Result<Made, RenderError> + Send + Sync + 'a>,
}

impl<'a> Task<'a> {
    fn new(
        name: impl Into<String>,
        make: impl Fn() -> Result<Made, RenderError> + Send + Sync + 'a,
    ) -> Task<'a> {
        Task {
            name: name.into(),
            make: Box::new(make),
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
) -> Result<Vec<Output>, RenderError> {
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
        Task::new("findings.json", move || {
            Ok(Made::File(
                FindingsDocument::new(run, rec).to_json().into_bytes(),
            ))
        }),
        Task::new("findings.csv", move || {
            Ok(Made::File(document::findings_csv(&rec.findings)))
        }),
        Task::new("evidence-index.csv", move || {
            let end = run.period.end;
            match &options.stage_in {
                Some(dir) => {
                    let path = dir.join("evidence-index.csv");
                    stage_with(&path, |file| {
                        let buffered = std::io::BufWriter::with_capacity(1 << 20, file);
                        document::write_evidence_index(buffered, inputs, files, end)?
                            .into_inner()
                            .map_err(|e| e.into_error())?;
                        Ok(())
                    })
                    .map(Made::Staged)
                }
                None => Ok(Made::File(document::evidence_index_csv(inputs, files, end))),
            }
        }),
        Task::new("assessment-results.json", move || {
            Ok(Made::File(
                oscal::assessment_results(run, inputs, rec, files).into_bytes(),
            ))
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
    for vendor in views::vendor::pack_vendors(inputs) {
        let name = format!("vendors/{}.pdf", unique_file_stem(&vendor, &mut used_names));
        tasks.push(Task::new(name, move || {
            pdf(
                "vendor-pack",
                &vendor,
                to_json(&views::vendor::vendor_pack(run, inputs, rec, &vendor)),
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
    let outputs = run_tasks(tasks, run.as_of, options, templates, progress);
    progress.event(Event::Counted);
    let mut outputs = outputs?;
    // Written (and listed) in a fixed order: the findings and indexes, then the PDFs.
    outputs.sort_by_key(|o| output_rank(&o.name));
    Ok(outputs)
}

/// Where an output comes in the list of written files: the findings document and the
/// indexes first, then the board report, the auditor pack, its appendix, the vendor packs.
fn output_rank(name: &str) -> (u8, String) {
    let rank = match name {
        "findings.json" => 0,
        "findings.csv" => 1,
        "evidence-index.csv" => 2,
        "assessment-results.json" => 3,
        "board-report.pdf" => 4,
        "auditor-pack.pdf" => 5,
        _ if name.starts_with("vendors/") => 7,
        _ => 6,
    };
    (rank, name.to_string())
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

/// Runs the tasks on `--jobs` threads (default: every core), each worker taking the next
/// task in order.
fn run_tasks(
    tasks: Vec<Task<'_>>,
    today: chrono::NaiveDate,
    options: &ReportOptions,
    templates: &Templates,
    progress: &dyn Progress,
) -> Result<Vec<Output>, RenderError> {
    let archival = options.pdf_standard;
    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(tasks.len())
        .max(1);
    type Slot = Option<Result<Content, RenderError>>;
    let slots: std::sync::Mutex<Vec<Slot>> =
        std::sync::Mutex::new((0..tasks.len()).map(|_| None).collect());
    let gate = EvictionGate::new(EVICT_AFTER_PAGES);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(i) = gate.next_job(tasks.len()) {
                    let task = &tasks[i];
                    let started = std::time::Instant::now();
                    let mut pages = 0;
                    let result = (task.make)().and_then(|made| match made {
                        Made::File(bytes) => Ok(Content::Bytes(bytes)),
                        Made::Staged(temp) => Ok(Content::Staged(temp)),
                        Made::Pdf { source, data } => {
                            let document = task.name.trim_end_matches(".pdf");
                            let compiled = pdf::compile(document, source, data, today, archival)
                                .map_err(|e| compile_error(e, templates))?;
                            pages = compiled.pages;
                            Ok(Content::Bytes(compiled.pdf))
                        }
                    });
                    progress.event(Event::Detail(&format!(
                        "made {} in {:.2} s",
                        task.name,
                        started.elapsed().as_secs_f64()
                    )));
                    slots.lock().expect("no worker panics holding the lock")[i] = Some(result);
                    gate.finished(pages);
                    progress.event(Event::Advanced { by: 1, on: None });
                }
            });
        }
    });
    let results = slots
        .into_inner()
        .expect("no worker panics holding the lock");
    tasks
        .into_iter()
        .zip(results)
        .map(|(task, result)| {
            Ok(Output {
                name: task.name,
                content: result.expect("every task ran")?,
            })
        })
        .collect()
}

/// A document Typst could not compile, as an error its template's author can act on. The
/// generated source exists only in memory, so it and its data are written to a new
/// directory under the system's temporary directory and kept — not beside the reports: a
/// failed run writes none of its outputs. Each error is placed in the kept `.typ` and,
/// where [`Templates::locate`] finds the line, in the template.
fn compile_error(error: pdf::PdfError, templates: &Templates) -> RenderError {
    let Some(failed) = &error.failed else {
        return error.into();
    };
    let stem = error.document.replace('/', "-");
    let kept = tempfile::Builder::new()
        .prefix("demarc-failed-")
        .tempdir()
        .map(tempfile::TempDir::keep)
        .and_then(|dir| {
            let typ = dir.join(format!("{stem}.typ"));
            std::fs::write(&typ, &failed.source)?;
            // Where the source reads it (`json("/data.json")`), so that
            // `typst compile DIR/NAME.typ` runs it as demarc did.
            std::fs::write(dir.join("data.json"), &failed.data)?;
            Ok(typ)
        });
    let lines: Vec<&str> = failed.source.lines().collect();
    let file = match &kept {
        Ok(typ) => typ.display().to_string(),
        Err(_) => "main.typ".to_string(),
    };
    let mut message = error
        .diagnostics
        .iter()
        .map(|d| match d.at {
            Some((line, column)) => {
                let template = lines
                    .get(line - 1)
                    .and_then(|text| templates.locate(text))
                    .map(|(hbs, at)| format!(" (from {hbs}:{at})"))
                    .unwrap_or_default();
                format!("{file}:{line}:{column}{template}: {}", d.message)
            }
            None => d.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    match kept {
        Ok(typ) => message.push_str(&format!(
            "; the generated Typst and the data it reads are kept for you in {} ({stem}.typ, data.json)",
            typ.parent().unwrap_or(&typ).display()
        )),
        Err(e) => message.push_str(&format!(
            "; the generated Typst could not be kept for you to read: {e}"
        )),
    }
    RenderError::Compile {
        document: error.document,
        message,
    }
}

/// Pages compiled after which the workers stop taking new documents until those running
/// finish, so that Typst's memo cache can be emptied. Keeping the cache across documents
/// is faster (the vendor packs share their template's layout): at scale 10 of the
/// benchmark a budget of 50 pages took `report` from 10.9 s to 14.6 s while saving 0.3 GB
/// of its 1.4 GB peak. At scale 1 (a 143-page auditor pack beside 40 vendor packs of ~120
/// pages in all) 200 pages never pause; the full evidence appendix (~170 pages a part)
/// pauses every two parts.
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
    // File systems allow 255 bytes a name: a long vendor name keeps its first 80 bytes and
    // a hash of the whole, so that two long names sharing a beginning stay apart.
    const MAX_STEM_BYTES: usize = 80;
    if stem.len() > MAX_STEM_BYTES {
        let mut cut = MAX_STEM_BYTES;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        let digest = <sha2::Sha256 as sha2::Digest>::digest(vendor.as_bytes());
        let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        stem = format!("{}-{hash}", stem[..cut].trim_end_matches('-'));
    }
    let mut candidate = stem.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

/// Writes a file so that readers see either the old content or the new, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    persist(stage(path, bytes)?, path)
}

pub(crate) fn write_error(path: &Path) -> impl Fn(std::io::Error) -> RenderError + '_ {
    move |source| RenderError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` in full to a synced temporary file in `path`'s directory.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, RenderError> {
    stage_with(path, |file| file.write_all(bytes))
}

/// Writes a file's content with `write` to a synced temporary file in `path`'s directory.
fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile, RenderError> {
    let fail = write_error(path);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(&fail)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".demarc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(&fail)?;
    write(temp.as_file_mut()).map_err(&fail)?;
    temp.as_file().sync_all().map_err(&fail)?;
    // Temporary files are private (0600); reports are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(&fail)?;
    }
    Ok(temp)
}

/// Renames a staged file into place.
fn persist(temp: tempfile::NamedTempFile, path: &Path) -> Result<(), RenderError> {
    temp.persist(path).map_err(|e| write_error(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_holds_new_documents_once_the_budget_is_spent_until_the_running_ones_finish() {
        let gate = EvictionGate::new(10);
        assert_eq!(gate.next_job(5), Some(0));
        assert_eq!(gate.next_job(5), Some(1));
        // Job 1 finishes with 12 pages while job 0 still runs: over budget, drain.
        gate.finished(12);
        assert!(gate.state.lock().unwrap().draining);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| gate.next_job(5));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiting.is_finished(), "no new job while draining");
            // The last running job finishes: the cache is emptied and the gate opens.
            gate.finished(1);
            assert_eq!(waiting.join().unwrap(), Some(2));
        });
        let state = gate.state.lock().unwrap();
        assert!(!state.draining);
        assert_eq!(state.pages_since_eviction, 0);
    }

    #[test]
    fn under_budget_the_gate_never_holds_and_every_job_is_handed_out_once() {
        let gate = EvictionGate::new(1000);
        let mut handed = Vec::new();
        while let Some(i) = gate.next_job(4) {
            handed.push(i);
            if handed.len() % 2 == 0 {
                gate.finished(5);
                gate.finished(5);
            }
        }
        assert_eq!(handed, vec![0, 1, 2, 3]);
        assert!(!gate.state.lock().unwrap().draining);
    }

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
