//! Scheduling the work of a run: every output is a task, run on `--jobs` worker threads,
//! longest first, with Typst's memo cache emptied between documents when it can be
//! ([`EvictionGate`]).

use super::templates::Templates;
use super::write::Content;
use super::{pdf, Output, RenderError, ReportOptions};
use crate::progress::{Event, Progress};

/// What a task makes: a document to compile (its Typst source and data), or a file's
/// bytes.
pub(super) enum Made {
    Pdf { source: String, data: Vec<u8> },
    File(Vec<u8>),
    Staged(tempfile::NamedTempFile),
}

/// One output to produce, on whichever worker is free: its name (relative to the period's
/// output directory) and the work that makes it. Building a document's data runs on the
/// workers too, so the vendor packs' views are built while the auditor pack compiles.
pub(super) struct Task<'a> {
    name: String,
    make: Box<dyn Fn() -> Result<Made, RenderError> + Send + Sync + 'a>,
}

impl<'a> Task<'a> {
    pub(super) fn new(
        name: impl Into<String>,
        make: impl Fn() -> Result<Made, RenderError> + Send + Sync + 'a,
    ) -> Task<'a> {
        Task {
            name: name.into(),
            make: Box::new(make),
        }
    }
}

/// Runs the tasks on `--jobs` threads (default: every core), each worker taking the next
/// task in order.
pub(super) fn run_tasks(
    tasks: Vec<Task<'_>>,
    today: chrono::NaiveDate,
    options: &ReportOptions,
    templates: &Templates,
    progress: &dyn Progress,
) -> Result<(Vec<Output>, StoodIn), RenderError> {
    let archival = options.pdf_standard;
    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(tasks.len())
        .max(1);
    type Slot = Option<Result<Content, RenderError>>;
    let slots: std::sync::Mutex<Vec<Slot>> =
        std::sync::Mutex::new((0..tasks.len()).map(|_| None).collect());
    let stood_in: std::sync::Mutex<StoodIn> = Default::default();
    let gate = EvictionGate::new(
        EVICT_AFTER_PAGES,
        tasks.iter().map(|t| is_long(&t.name)).collect(),
    );
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
                            let mut seen =
                                stood_in.lock().expect("no worker panics holding the lock");
                            for (c, around) in compiled.stood_in {
                                // Named in the first document of the run's order that
                                // has it, whichever worker finished first.
                                let first = (i, task.name.clone(), around);
                                match seen.get(&c) {
                                    Some(known) if known.0 < i => {}
                                    _ => {
                                        seen.insert(c, first);
                                    }
                                }
                            }
                            Ok(Content::Bytes(compiled.pdf))
                        }
                    });
                    progress.event(Event::Detail(&format!(
                        "made {} in {:.2} s",
                        task.name,
                        started.elapsed().as_secs_f64()
                    )));
                    slots.lock().expect("no worker panics holding the lock")[i] = Some(result);
                    gate.finished(pages, is_long(&task.name));
                    progress.event(Event::Advanced { by: 1, on: None });
                }
            });
        }
    });
    let results = slots
        .into_inner()
        .expect("no worker panics holding the lock");
    let outputs = tasks
        .into_iter()
        .zip(results)
        .map(|(task, result)| {
            Ok(Output {
                name: task.name,
                content: result.expect("every task ran")?,
            })
        })
        .collect::<Result<_, RenderError>>()?;
    let stood_in = stood_in
        .into_inner()
        .expect("no worker panics holding the lock");
    Ok((outputs, stood_in))
}

/// The characters no bundled font has, each with the first document (its place among the
/// tasks, and its name) and the text it was found in; [`pdf::STAND_IN`] shows in their
/// place.
pub(super) type StoodIn = std::collections::BTreeMap<char, (usize, String, String)>;

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

/// A document of this many pages empties the cache when it finishes, whatever else runs.
const LONG_DOCUMENT_PAGES: usize = 100;

/// While no long document compiles, the cache is emptied once this many pages have
/// finished, beside whatever short document still runs: the vendor packs' layouts are
/// small to recompute, and 360 of them (2,000 pages at scale 10) kept 0.4 GB between
/// drains at [`EVICT_AFTER_PAGES`].
const SHORT_DOCUMENTS_PAGES: usize = 40;

/// The documents whose layout runs in several passes over many pages: the auditor pack
/// and the parts of its appendix. Emptying the cache beside them costs them dearly.
fn is_long(name: &str) -> bool {
    name == "auditor-pack.pdf" || name.starts_with("auditor-pack-appendix/")
}

/// Hands out jobs and decides when Typst's memo cache is emptied.
///
/// The cache is global: emptying it while another document compiles throws away results
/// that document's next layout pass reuses (the auditor pack's layout runs more than once
/// to settle its page references), which made the auditor pack 1.8× slower beside the
/// vendor packs. Never emptying it keeps every finished document's layout in memory (5.7
/// GB for the full appendix at scale 1). So: the cache is emptied whenever no document is
/// compiling, when a long document finishes, and, while no long document compiles, every
/// [`SHORT_DOCUMENTS_PAGES`] pages; while one does, once `budget` pages have finished
/// since it was last emptied, no new document starts until the running ones finish and
/// it is.
struct EvictionGate {
    state: std::sync::Mutex<GateState>,
    resumed: std::sync::Condvar,
    budget: usize,
    /// Per job, whether it is long ([`is_long`]).
    long: Vec<bool>,
}

#[derive(Default)]
struct GateState {
    next: usize,
    running: usize,
    long_running: usize,
    pages_since_eviction: usize,
    draining: bool,
}

impl EvictionGate {
    fn new(budget: usize, long: Vec<bool>) -> EvictionGate {
        EvictionGate {
            state: std::sync::Mutex::new(GateState::default()),
            resumed: std::sync::Condvar::new(),
            budget,
            long,
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
        if self.long.get(state.next - 1).copied().unwrap_or(false) {
            state.long_running += 1;
        }
        Some(state.next - 1)
    }

    /// Records a finished job of `pages` pages, emptying the cache when it can.
    fn finished(&self, pages: usize, long: bool) {
        let mut state = self
            .state
            .lock()
            .expect("no worker panics holding the lock");
        state.running -= 1;
        if long {
            state.long_running -= 1;
        }
        state.pages_since_eviction += pages;
        let only_short = state.long_running == 0;
        if state.running == 0
            || pages >= LONG_DOCUMENT_PAGES
            || (only_short && state.pages_since_eviction >= SHORT_DOCUMENTS_PAGES)
        {
            pdf::evict_memo_cache();
            crate::memory_guard::return_free_memory();
            state.pages_since_eviction = 0;
            state.draining = false;
            self.resumed.notify_all();
        } else if state.pages_since_eviction >= self.budget {
            state.draining = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_holds_new_documents_once_the_budget_is_spent_until_the_running_ones_finish() {
        // Job 0 is long (the auditor pack).
        let gate = EvictionGate::new(10, vec![true, false, false, false, false]);
        assert_eq!(gate.next_job(5), Some(0));
        assert_eq!(gate.next_job(5), Some(1));
        // Job 1 finishes with 12 pages while job 0 still runs: over budget, drain.
        gate.finished(12, false);
        assert!(gate.state.lock().unwrap().draining);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| gate.next_job(5));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiting.is_finished(), "no new job while draining");
            // The last running job finishes: the cache is emptied and the gate opens.
            gate.finished(1, true);
            assert_eq!(waiting.join().unwrap(), Some(2));
        });
        let state = gate.state.lock().unwrap();
        assert!(!state.draining);
        assert_eq!(state.pages_since_eviction, 0);
    }

    #[test]
    fn under_budget_the_gate_never_holds_and_every_job_is_handed_out_once() {
        let gate = EvictionGate::new(1000, vec![false; 4]);
        let mut handed = Vec::new();
        while let Some(i) = gate.next_job(4) {
            handed.push(i);
            if handed.len() % 2 == 0 {
                gate.finished(5, false);
                gate.finished(5, false);
            }
        }
        assert_eq!(handed, vec![0, 1, 2, 3]);
        assert!(!gate.state.lock().unwrap().draining);
    }

    #[test]
    fn beside_short_documents_only_the_cache_is_emptied_without_holding_anyone() {
        let gate = EvictionGate::new(200, vec![false; 6]);
        assert_eq!(gate.next_job(6), Some(0));
        assert_eq!(gate.next_job(6), Some(1));
        gate.finished(SHORT_DOCUMENTS_PAGES, false);
        let state = gate.state.lock().unwrap();
        assert_eq!(state.pages_since_eviction, 0, "emptied at once");
        assert!(!state.draining, "nobody waits");
        assert_eq!(state.running, 1);
    }
}
