//! `demarc templates export DIR`: the built-in templates, this run's data for each
//! document and the data's schemas, to restyle the PDFs from.

use super::{settings, terminal, RenderArgs, TemplatesAction, TemplatesArgs};
use demarc::config::ConfigError;
use demarc::Error;
use std::process::ExitCode;

pub fn execute(args: TemplatesArgs) -> Result<ExitCode, Error> {
    let TemplatesAction::Export(args) = args.action;
    let config = settings::load_config(args.run.config.as_deref())?;
    // The same resolution as `report`, so the data is what `report` would give the
    // templates; the options that only shape PDFs do not apply.
    let render = RenderArgs {
        templates: None,
        previous: args.previous.clone(),
        history: args.history.clone(),
        evidence_root: args.evidence_root.clone(),
        evidence_listing: args.evidence_listing,
        pdf_standard: None,
        jobs: None,
    };
    let (run, options) = settings::resolve_report(&args.run, &render, &config)?;
    if let Some(root) = options.evidence_root.as_deref().filter(|r| !r.is_dir()) {
        return Err(Error::Config(ConfigError::Option(format!(
            "evidence root {}: no such directory (--evidence-root or evidence_root in demarc.toml)",
            root.display()
        ))));
    }
    let kit = demarc::template_kit(&run, &options, &terminal::Terminal)?;
    // Nothing is written when any file is there already: an organisation's edited
    // template is not overwritten by a second export without --force.
    if !args.force {
        let taken: Vec<String> = kit
            .iter()
            .map(|file| args.dir.join(&file.path))
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !taken.is_empty() {
            return Err(Error::Output {
                path: args.dir.clone(),
                message: format!(
                    "{} of the files to export are there already ({}{}): export to a new directory, or add --force to overwrite them",
                    taken.len(),
                    taken[0],
                    if taken.len() > 1 { ", …" } else { "" }
                ),
            });
        }
    }
    for file in &kit {
        let path = args.dir.join(&file.path);
        demarc::render::write_atomically(&path, &file.bytes)?;
        if !terminal::is_quiet() {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
