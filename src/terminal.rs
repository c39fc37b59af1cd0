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

/// Text from an input (a cell, a file or zip entry name, a manifest field, a JSON string),
/// made inert for a terminal: every control character (C0, DEL, C1), line and paragraph
/// separator, bidirectional control and zero-width character is shown escaped (`\u{1b}`,
/// `\n`), as the error messages quote cells. Otherwise a cell or a zip entry name could
/// clear the screen and print a fake report, set the window title, write the clipboard
/// (OSC 52), start a new line that looks like demarc's own, or reorder what is shown.
///
/// Every printing path passes input-derived text through here: one function, so that no
/// path is forgotten when another is added.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(crate::names::is_control_or_invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::names::is_control_or_invisible(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`inert`], line by line: for text whose line breaks are demarc's own (an error listing
/// its problems), while every other control character is still escaped.
pub fn inert_lines(text: &str) -> String {
    text.split('\n').map(inert).collect::<Vec<_>>().join("\n")
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
                paint(&format!("at {}", inert(&sources.join("; "))), "2", on)
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
        println!("wrote {}", inert(&path.display().to_string()));
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
        eprintln!("{} {}", paint("warning:", "33", on), inert(w));
    }
}

/// Prints a failed run's error with every cause on its own line; for a command that writes
/// files, says that none were when that is so.
pub fn print_error(error: &Error, writes_files: bool) {
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
        crate::init::WORKBOOK_NAME
    );
    println!("  {cd}demarc check     # the findings, on the terminal");
    println!("  {cd}demarc report    # the PDFs, under output/<period>/");
    println!("demarc explain lists what each finding means.");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_text_reaches_a_terminal_inert() {
        assert_eq!(inert("Okta"), "Okta");
        assert!(matches!(inert("Okta"), std::borrow::Cow::Borrowed(_)));
        // Clear screen and home, then a fake line: one visible line, escapes spelt out.
        assert_eq!(
            inert("x\u{1b}[2J\u{1b}[H\nverified: all ok"),
            "x\\u{1b}[2J\\u{1b}[H\\nverified: all ok"
        );
        // OSC 52 (clipboard) ended by BEL, a C1 CSI, DEL.
        assert_eq!(
            inert("\u{1b}]52;c;ZWNobw==\u{7}\u{9b}31m\u{7f}"),
            "\\u{1b}]52;c;ZWNobw==\\u{7}\\u{9b}31m\\u{7f}"
        );
        // Right-to-left override and zero-width characters are shown, not obeyed.
        assert_eq!(inert("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(inert("Ok\u{200b}ta"), "Ok\\u{200b}ta");
        assert_eq!(inert_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }
}
