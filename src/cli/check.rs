//! `demarc check`: reconcile and print the findings (no files written).

use super::{exit_for, settings, terminal, CheckFormat};
use demarc::findings::Severity;
use demarc::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// `demarc check`: reconcile and print; exit 1 when a finding reaches `--fail-on`.
pub fn execute(args: super::CheckArgs) -> Result<ExitCode, Error> {
    demarc::memory_guard::return_freed_memory_at_once();
    let config = settings::load_config(args.run.config.as_deref())?;
    let fail_on = match args.fail_on.as_deref().or(config.fail_on.as_deref()) {
        Some(text) => settings::parse_severity(text, "--fail-on")?,
        None => Severity::High,
    };
    let run = settings::resolve_run(&args.run, &config)?;
    let analysis = demarc::analyse_showing(&run, &terminal::Terminal)?;
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    let rec = &analysis.reconciliation;
    match format {
        CheckFormat::Table => terminal::print_check(&run, &analysis, fail_on),
        CheckFormat::Json => {
            // Streamed: half a million findings are 400 MB of JSON, never held whole.
            let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            demarc::render::document::FindingsDocument::new(&run, rec)
                .write_to(out)
                .and_then(|mut out| std::io::Write::flush(&mut out))
                .map_err(standard_output)?;
        }
        CheckFormat::Csv => {
            use std::io::Write;
            // CSV cannot escape a control character without changing the data: piped, it
            // is written as it is (streamed); on a terminal, it is shown escaped.
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                let csv = demarc::render::document::findings_csv(&rec.findings);
                let shown = demarc::inputs::names::inert_lines(&String::from_utf8_lossy(&csv));
                std::io::stdout()
                    .write_all(shown.as_bytes())
                    .map_err(standard_output)?;
            } else {
                let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                demarc::render::document::write_findings_csv(out, &rec.findings)
                    .and_then(|mut out| out.flush())
                    .map_err(standard_output)?;
            }
        }
        CheckFormat::Github => {
            terminal::print_warnings(&analysis.inputs.warnings);
            print!(
                "{}",
                demarc::inputs::names::inert_lines(&demarc::render::document::github_annotations(
                    &rec.findings
                ))
            );
        }
    }
    Ok(exit_for(&rec.findings, Some(fail_on)))
}

/// A failed write to standard output (a closed pipe, a full disk), as an error.
fn standard_output(e: std::io::Error) -> Error {
    Error::Output {
        path: PathBuf::from("(standard output)"),
        message: e.to_string(),
    }
}
