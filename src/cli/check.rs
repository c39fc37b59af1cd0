//! `demarc check`: reconcile and print the findings (no files written).

use super::{exit_for, settings, terminal, CheckFormat};
use demarc::findings::Severity;
use demarc::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// `demarc check`: reconcile and print; exit 1 when a finding reaches `--fail-on`.
pub fn execute(args: super::CheckArgs) -> Result<ExitCode, Error> {
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
            print!(
                "{}",
                demarc::render::document::FindingsDocument::new(&run, rec).to_json()
            );
        }
        CheckFormat::Csv => {
            use std::io::Write;
            let mut csv = demarc::render::document::findings_csv(&rec.findings);
            // CSV cannot escape a control character without changing the data: piped, it
            // is written as it is; on a terminal, it is shown escaped.
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                csv =
                    demarc::inputs::names::inert_lines(&String::from_utf8_lossy(&csv)).into_bytes();
            }
            std::io::stdout()
                .write_all(&csv)
                .map_err(|e| Error::Output {
                    path: PathBuf::from("(standard output)"),
                    message: e.to_string(),
                })?;
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
