//! What demarc prints for people: findings grouped by severity, coloured only when the
//! stream is a terminal and `NO_COLOR` is unset; progress bars on a terminal only; a
//! closing summary. `--quiet` silences all but errors, `-v` adds what was read and how
//! long each step took (on stderr, so stdout stays clean for `--format json|csv`).

use demarc::findings::Severity;
use demarc::inputs::names::{inert, inert_lines};
use demarc::progress::{Event, Progress, Unit};
use demarc::{Analysis, Error, Run};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// 0 quiet, 1 normal, 2 and up verbose. Set once from the command line.
static VERBOSITY: AtomicU8 = AtomicU8::new(1);

/// Sets how much is printed for the rest of the process.
pub fn set_verbosity(quiet: bool, verbose: u8) {
    let level = if quiet { 0 } else { 1 + verbose.min(2) };
    VERBOSITY.store(level, Ordering::Relaxed);
}

/// True under `--quiet`.
pub fn is_quiet() -> bool {
    VERBOSITY.load(Ordering::Relaxed) == 0
}

fn is_verbose() -> bool {
    VERBOSITY.load(Ordering::Relaxed) >= 2
}

/// Prints a line on stderr under `-v` only.
fn detail(text: impl AsRef<str>) {
    if is_verbose() {
        let on = colour_enabled(std::io::stderr().is_terminal());
        eprintln!("{} {}", paint("·", "2", on), text.as_ref());
    }
}

/// Shows what the library reports as it works (see [`demarc::progress`]): a spinner
/// naming each step, a bar over counted work (PDFs rendered, bytes sealed), and under `-v`
/// each detail and how long each step took. Bars are drawn only on a terminal and never
/// under `--quiet`, so piped output and CI logs stay free of control characters.
pub struct Terminal;

/// What [`Terminal`] has on screen: one spinner or bar at a time, and the steps begun.
struct Shown {
    bar: Option<ProgressBar>,
    started: Vec<(&'static str, Instant)>,
}

static SHOWN: Mutex<Shown> = Mutex::new(Shown {
    bar: None,
    started: Vec::new(),
});

impl Progress for Terminal {
    fn event(&self, event: Event<'_>) {
        // A worker that panicked while holding the lock left nothing half-drawn that
        // matters more than the rest of the run.
        let mut shown = SHOWN
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match event {
            Event::Started(step) => {
                shown.started.push((step, Instant::now()));
                replace_bar(&mut shown, spinner(step));
            }
            Event::Finished(step) => {
                replace_bar(&mut shown, None);
                if let Some(i) = shown.started.iter().rposition(|(s, _)| *s == step) {
                    let (_, began) = shown.started.remove(i);
                    detail(format!("{step}: {:.2} s", began.elapsed().as_secs_f64()));
                }
            }
            Event::Detail(text) => detail(text),
            Event::Counting { verb, unit, total } => {
                replace_bar(&mut shown, progress_bar(total, verb, unit));
            }
            Event::Advanced { by, on } => {
                if let Some(bar) = &shown.bar {
                    bar.inc(by);
                    if let Some(on) = on {
                        bar.set_message(inert(on).into_owned());
                    }
                }
            }
            Event::Counted => replace_bar(&mut shown, None),
        }
    }
}

fn replace_bar(shown: &mut Shown, bar: Option<ProgressBar>) {
    if let Some(old) = std::mem::replace(&mut shown.bar, bar) {
        old.finish_and_clear();
    }
}

/// A progress bar on stderr, when it is a terminal and not `--quiet`.
fn progress_bar(total: u64, verb: &str, unit: Unit) -> Option<ProgressBar> {
    if is_quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    let counts = match unit {
        Unit::Bytes => "{bytes}/{total_bytes} {eta}",
        Unit::Files => "{pos}/{len} files",
    };
    let template = format!("{verb} {{bar:30}} {counts} {{wide_msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// A spinner on stderr for a step of unknown length, under the same rules as
/// [`progress_bar`].
fn spinner(step: &'static str) -> Option<ProgressBar> {
    if is_quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner().with_message(step);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

fn colour_enabled(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;97;41",
        Severity::High => "1;31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

/// Prints findings grouped by severity, then the summary line.
pub fn print_check(run: &Run, analysis: &Analysis, fail_on: Severity) {
    if is_quiet() {
        return;
    }
    let on = colour_enabled(std::io::stdout().is_terminal());
    let rec = &analysis.reconciliation;
    print_warnings(&analysis.inputs.warnings);
    println!(
        "demarc check · {} · model: {}",
        run.period,
        inert(&run.model.name)
    );
    for severity in Severity::ALL {
        let group: Vec<_> = rec
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        println!();
        println!(
            "{}",
            paint(
                &format!("{} ({})", severity.as_str().to_uppercase(), group.len()),
                severity_style(severity),
                on
            )
        );
        for f in group {
            println!(
                "  {}  {}",
                paint(f.code.as_str(), "1", on),
                inert(&f.message)
            );
            println!("      → {}", inert(&f.remedy));
            let sources: Vec<String> = f.sources.iter().map(|s| s.to_string()).collect();
            println!(
                "      {}",
                paint(
                    &format!("{} at {}", f.id, inert(&sources.join("; "))),
                    "2",
                    on
                )
            );
        }
    }
    println!();
    println!("{}", summary_line(analysis));
    let failing = rec
        .findings
        .iter()
        .filter(|f| f.severity >= fail_on)
        .count();
    if failing > 0 {
        println!("{failing} finding(s) at or above {fail_on}: exit status 1");
    }
}

/// Prints what `report` wrote and the summary, with how many evidence files were missing
/// when an evidence root was given (`files`: one status per evidence row).
pub fn print_report(
    _run: &Run,
    analysis: &Analysis,
    files: &[demarc::inputs::evidence_files::FileStatus],
    written: &[PathBuf],
) {
    if is_quiet() {
        return;
    }
    print_warnings(&analysis.inputs.warnings);
    for path in written {
        println!("wrote {}", inert(&path.display().to_string()));
    }
    let mut line = summary_line(analysis);
    let counts = demarc::inputs::evidence_files::Completeness::of(files);
    if counts.not_checked == 0 && counts.named_on_disk() > 0 {
        line.push_str(&format!(
            "; evidence files: {} of {} found and hashed, {} missing, {} refused",
            counts.hashed,
            counts.named_on_disk(),
            counts.missing,
            counts.refused
        ));
    }
    println!("{line}");
}

fn summary_line(analysis: &Analysis) -> String {
    let rec = &analysis.reconciliation;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                rec.findings.iter().filter(|f| f.severity == *s).count(),
                s.as_str()
            )
        })
        .collect();
    let mut line = format!(
        "{} findings ({}); {} of {} responsibility cells owned and evidenced ({:.1}%)",
        rec.findings.len(),
        counts.join(", "),
        rec.coverage.evidenced,
        rec.coverage.cells,
        rec.coverage.percent
    );
    // Warnings scroll past above the findings; the last line keeps their count in view.
    match analysis.inputs.warnings.len() {
        0 => {}
        1 => line.push_str("; 1 warning (see above)"),
        n => line.push_str(&format!("; {n} warnings (see above)")),
    }
    line
}

/// Prints warnings on stderr (not under `--quiet`).
pub fn print_warnings(warnings: &[String]) {
    if is_quiet() {
        return;
    }
    let on = colour_enabled(std::io::stderr().is_terminal());
    for w in warnings {
        eprintln!("{} {}", paint("warning:", "33", on), inert(w));
    }
}

/// Prints a failed run's error with every cause on its own line; for a command that writes
/// files, says that none were when that is so.
pub fn print_error(error: &Error, writes_files: bool) {
    if let Error::Ingest(failed) = error {
        print_warnings(&failed.warnings);
    }
    let on = colour_enabled(std::io::stderr().is_terminal());
    let mut said = error.to_string();
    eprintln!(
        "{} {}",
        paint("error:", "1;31", on),
        inert_lines(said.trim_end())
    );
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        // A message that quotes its cause (`…: No such file or directory (os error 2)`),
        // or a transparent variant, would print the same words twice.
        let text = c.to_string();
        if !said.contains(&text) {
            eprintln!("  caused by: {}", inert(&text));
            said.push_str(&text);
        }
        cause = c.source();
    }
    if writes_files && error.wrote_nothing() {
        eprintln!("nothing was written");
    }
}

/// Prints what `init` wrote and what to do next.
pub fn print_init(dir: &std::path::Path, written: &[PathBuf]) {
    if is_quiet() {
        return;
    }
    for path in written {
        println!("wrote {}", path.display());
    }
    let cd = if dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    println!();
    println!(
        "Next: fill in {} (the grey rows are examples), then run:",
        demarc::init::WORKBOOK_NAME
    );
    println!("  {cd}demarc check     # the findings, on the terminal");
    println!("  {cd}demarc report    # the PDFs, under output/<period>/");
    println!("demarc explain lists what each finding means.");
}
