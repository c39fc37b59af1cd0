//! `demarc report`: reconcile, render every output, publish them as one set.

use super::{exit_for, settings, terminal};
use demarc::Error;
use std::path::PathBuf;
use std::process::ExitCode;

/// `demarc report`: reconcile, render every output in memory, then write them all.
pub fn execute(args: super::ReportArgs) -> Result<ExitCode, Error> {
    let config = settings::load_config(args.run.config.as_deref())?;
    let fail_on = args
        .fail_on
        .as_deref()
        .map(|text| settings::parse_severity(text, "--fail-on"))
        .transpose()?;
    let (run, mut options) = settings::resolve_report(&args.run, &args.render, &config)?;
    let out_root = args
        .out
        .or(config.out)
        .unwrap_or_else(|| PathBuf::from("output"));
    // Directories this run creates are removed again if it fails before publishing.
    let created = (!out_root.exists()).then(|| out_root.clone());
    let staging = demarc::render::publish::Staging::begin(&out_root, &run.period.label)?;
    options.stage_in = Some(staging.path().to_path_buf());
    let produced = (|| {
        if let Some(root) = options.evidence_root.as_deref().filter(|r| !r.is_dir()) {
            return Err(Error::Config(demarc::config::ConfigError::Option(format!(
                "evidence root {}: no such directory (--evidence-root or evidence_root in demarc.toml)",
                root.display()
            ))));
        }
        demarc::make_reports(&run, &options, &terminal::Terminal)
    })();
    let reports = match produced {
        Ok(reports) => reports,
        Err(error) => {
            drop(staging);
            if let Some(dir) = created {
                // Only succeeds while empty: nothing of anyone's is ever removed.
                let _ = std::fs::remove_dir(dir);
            }
            return Err(error);
        }
    };
    let demarc::Reports {
        analysis,
        outputs,
        files,
    } = reports;
    let written = staging.publish(outputs)?;
    terminal::print_report(&run, &analysis, &files, &written);
    Ok(exit_for(&analysis.reconciliation.findings, fail_on))
}
