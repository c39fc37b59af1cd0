//! What `check` and `report` print on a terminal: findings grouped by severity, coloured
//! only when stdout is a terminal and `NO_COLOR` is unset, and a closing summary.

use crate::findings::Severity;
use crate::{Analysis, Error, Run};
use std::io::IsTerminal;
use std::path::PathBuf;

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
    format!(
        "{} findings ({}); {} of {} responsibility cells owned and evidenced ({:.1}%)",
        rec.findings.len(),
        counts.join(", "),
        rec.coverage.evidenced,
        rec.coverage.cells,
        rec.coverage.percent
    )
}

fn print_warnings(warnings: &[String]) {
    let on = colour_enabled(std::io::stderr().is_terminal());
    for w in warnings {
        eprintln!("{} {w}", paint("warning:", "33", on));
    }
}

/// Prints a failed run's error with every cause on its own line.
pub fn print_error(error: &Error) {
    let on = colour_enabled(std::io::stderr().is_terminal());
    eprintln!("{} {error}", paint("error:", "1;31", on));
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        // Transparent variants repeat their source's message: skip exact repeats.
        let text = c.to_string();
        if text != error.to_string() {
            eprintln!("  caused by: {text}");
        }
        cause = c.source();
    }
}
