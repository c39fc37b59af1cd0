//! What demarc prints for people: findings grouped by severity, coloured only when the
//! stream is a terminal and `NO_COLOR` is unset; progress bars on a terminal only; a
//! closing summary. `--quiet` silences all but errors, `-v` adds what was read and how
//! long each step took (on stderr, so stdout stays clean for `--format json|csv`).

use crate::findings::Severity;
use crate::{Analysis, Error, Run};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
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
pub fn detail(text: impl AsRef<str>) {
    if is_verbose() {
        let on = colour_enabled(std::io::stderr().is_terminal());
        eprintln!("{} {}", paint("·", "2", on), text.as_ref());
    }
}

/// A step of a run: under `-v`, its time is printed when it ends.
pub struct Step {
    label: &'static str,
    started: Instant,
}

impl Step {
    pub fn start(label: &'static str) -> Step {
        Step {
            label,
            started: Instant::now(),
        }
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        detail(format!(
            "{}: {:.2} s",
            self.label,
            self.started.elapsed().as_secs_f64()
        ));
    }
}

/// A progress bar on stderr when it is a terminal and not `--quiet`; hidden otherwise
/// (piped output and CI logs stay free of control characters). `unit` is `bytes` for a
/// bar over bytes, anything else is a count of that thing.
pub fn progress_bar(total: u64, verb: &str, unit: &str) -> ProgressBar {
    if is_quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let counts = if unit == "bytes" {
        "{bytes}/{total_bytes} {eta}".to_string()
    } else {
        format!("{{pos}}/{{len}} {unit}")
    };
    let template = format!("{verb} {{bar:30}} {counts} {{wide_msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A spinner on stderr for a step of unknown length, under the same rules as
/// [`progress_bar`].
pub fn spinner(message: &'static str) -> ProgressBar {
    if is_quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
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
    println!("demarc check · {} · model: {}", run.period, run.model.name);
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
            println!("  {}  {}", paint(f.code.as_str(), "1", on), f.message);
            println!("      → {}", f.remedy);
            let sources: Vec<String> = f.sources.iter().map(|s| s.to_string()).collect();
            println!(
                "      {}",
                paint(&format!("at {}", sources.join("; ")), "2", on)
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

/// Prints what `report` wrote and the summary.
pub fn print_report(_run: &Run, analysis: &Analysis, written: &[PathBuf]) {
    if is_quiet() {
        return;
    }
    print_warnings(&analysis.inputs.warnings);
    for path in written {
        println!("wrote {}", path.display());
    }
    println!("{}", summary_line(analysis));
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
        eprintln!("{} {w}", paint("warning:", "33", on));
    }
}

/// Prints a failed run's error with every cause on its own line; for a command that writes
/// files, says that none were when the run failed before writing began.
pub fn print_error(error: &Error, writes_files: bool) {
    let on = colour_enabled(std::io::stderr().is_terminal());
    let mut said = error.to_string();
    eprintln!("{} {}", paint("error:", "1;31", on), said.trim_end());
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        // A message that quotes its cause (`…: No such file or directory (os error 2)`),
        // or a transparent variant, would print the same words twice.
        let text = c.to_string();
        if !said.contains(&text) {
            eprintln!("  caused by: {text}");
            said.push_str(&text);
        }
        cause = c.source();
    }
    if writes_files && error.failed_before_writing() {
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
        crate::init::WORKBOOK_NAME
    );
    println!("  {cd}demarc check     # the findings, on the terminal");
    println!("  {cd}demarc report    # the PDFs, under output/<period>/");
    println!("demarc explain lists what each finding means.");
}
