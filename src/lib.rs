//! demarc: where the cloud provider's responsibility ends and yours begins.
//!
//! The pipeline, one module per step, data flowing one way:
//!
//! 1. [`ingest`] reads workbooks and CSV files into validated [`inputs`] records, each
//!    remembering its file, sheet and row — and vendors' CAIQ and FedRAMP workbooks into
//!    [`questionnaires`], their controls placed in the model's domains by [`mapping`];
//! 2. [`model`] says who owns each responsibility domain for each service model;
//! 3. [`reconcile`] judges every in-scope service × domain cell, attestation and CUEC at
//!    the [`period`] end, producing [`findings`] and coverage — pure, no I/O;
//! 4. [`render`] writes the findings document (JSON, CSV) and the PDFs (Handlebars → Typst).
//!
//! [`cli`] turns flags and `demarc.toml` ([`config`]) into a [`Run`]; [`terminal`] prints
//! `check` results.

pub mod bundle;
pub mod cli;
pub mod config;
pub mod evidence_files;
pub mod explain;
pub mod findings;
pub mod ingest;
pub mod init;
pub mod inputs;
pub mod known_services;
pub mod mapping;
pub mod memory_guard;
pub mod model;
pub mod names;
pub mod period;
pub mod questionnaires;
pub mod reconcile;
pub mod regions;
pub mod render;
pub mod residency;
pub mod small_file;
pub mod terminal;

use chrono::NaiveDate;
use cli::{Cli, Command};
use findings::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

/// Everything one run needs, validated.
#[derive(Debug, Clone)]
pub struct Run {
    pub inputs: Vec<PathBuf>,
    pub period: period::Period,
    /// Attestations issued after this date do not count.
    pub as_of: NaiveDate,
    pub model: model::Model,
    pub organisation: Option<String>,
    pub classification: String,
    pub templates: Option<PathBuf>,
    pub ingest: ingest::IngestOptions,
    /// Where each class of data may be held (`[residency]` in demarc.toml); `None` turns
    /// the residency check off.
    pub residency: Option<residency::Policy>,
}

/// Why a run failed (exit status 2). One variant per boundary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Model(#[from] model::ModelError),
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Bundle(#[from] bundle::BundleError),
    #[error(transparent)]
    Init(#[from] init::InitError),
    #[error("{0}")]
    Explain(String),
    #[error("{path}: {message}")]
    Output { path: PathBuf, message: String },
}

impl Error {
    /// Whether the failed run left every file as it was. `report` publishes its outputs
    /// as one set in one rename and `bundle` and `model --export` write one file the same
    /// way, so a failure anywhere writes nothing; only `init`, which writes two files,
    /// can fail between them.
    pub fn wrote_nothing(&self) -> bool {
        !matches!(self, Error::Init(_))
    }
}

/// The result of reading and reconciling.
pub struct Analysis {
    pub inputs: inputs::Inputs,
    pub reconciliation: reconcile::Reconciliation,
}

/// Reads the inputs and reconciles them.
pub fn analyse(run: &Run) -> Result<Analysis, Error> {
    let options = ingest::IngestOptions {
        // Under a residency policy a region nobody knows cannot be judged: it is an error.
        strict_regions: run.ingest.strict_regions || run.residency.is_some(),
        ..run.ingest.clone()
    };
    let mut inputs = {
        let _step = terminal::Step::start("reading inputs");
        let spinner = terminal::spinner("reading the inputs");
        let read = ingest::read_inputs(&run.inputs, &run.model, &options);
        spinner.finish_and_clear();
        read?
    };
    terminal::detail(format!(
        "read {} services, {} controls, {} evidence rows, {} attestations, {} CUECs from {} file(s)",
        inputs.services.len(),
        inputs.controls.len(),
        inputs.evidence.len(),
        inputs.attestations.len(),
        inputs.cuecs.len(),
        inputs.files.len()
    ));
    inputs
        .warnings
        .extend(run.model.overrides_matching_nothing(&inputs.services));
    let reconciliation = {
        let _step = terminal::Step::start("reconciling");
        reconcile::reconcile(reconcile::Judgement {
            inputs: &inputs,
            model: &run.model,
            period: &run.period,
            as_of: run.as_of,
            residency: run.residency.as_ref(),
        })
    };
    Ok(Analysis {
        inputs,
        reconciliation,
    })
}

/// What `report` and `bundle` both make before writing anything.
pub struct Reports {
    pub analysis: Analysis,
    /// One status per evidence row: what became of its `evidence_file`.
    pub files: Vec<evidence_files::FileStatus>,
    /// Every output, rendered in memory.
    pub outputs: Vec<render::Output>,
}

/// Reads, reconciles, judges every evidence file (refused paths become warnings) and
/// renders every output in memory.
pub fn make_reports(run: &Run, options: &render::ReportOptions) -> Result<Reports, Error> {
    let mut analysis = analyse(run)?;
    let (files, refused) = {
        let _step = terminal::Step::start("checking evidence files");
        evidence_files::check_all(&analysis.inputs.evidence, options.evidence_root.as_deref())
    };
    analysis.inputs.warnings.extend(refused);
    let outputs = {
        let _step = terminal::Step::start("rendering");
        let outputs = render::render_all(
            run,
            options,
            &analysis.inputs,
            &analysis.reconciliation,
            &files,
        );
        if let Some(bar) = &options.progress {
            bar.finish_and_clear();
        }
        outputs?
    };
    Ok(Reports {
        analysis,
        files,
        outputs,
    })
}

/// Exit status for a set of findings against a threshold: 1 when any is at or above it.
pub fn exit_for(findings: &[findings::Finding], fail_on: Option<Severity>) -> ExitCode {
    match fail_on {
        Some(threshold) if findings.iter().any(|f| f.severity >= threshold) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// Runs a parsed command line. Errors mean exit status 2.
pub fn execute(cli: Cli) -> Result<ExitCode, Error> {
    terminal::set_verbosity(cli.quiet, cli.verbose);
    match cli.command {
        Command::Check(args) => execute_check(args),
        Command::Report(args) => execute_report(args),
        Command::Bundle(args) => bundle::execute_bundle(args),
        Command::Verify(args) => bundle::execute_verify(&args),
        Command::Model(args) => {
            let config = cli::load_config(args.config.as_deref())?;
            let model = cli::resolve_model(args.model.as_deref(), &config)?;
            match args.export {
                Some(path) => {
                    render::write_atomically(&path, model.to_toml().as_bytes())?;
                    if !terminal::is_quiet() {
                        eprintln!("wrote {}", path.display());
                    }
                }
                None => print!("{}", model.to_table()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(args) => {
            let written = init::write_starter(&args.dir, args.force)?;
            terminal::print_init(&args.dir, &written);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(args) => {
            match args.code {
                Some(text) => print!("{}", explain::one(&text)?),
                None => print!("{}", explain::catalogue()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "demarc", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| Error::Output {
                    path: PathBuf::from("(standard output)"),
                    message: format!("cannot render the manual page: {e}"),
                })?;
            use std::io::Write;
            std::io::stdout()
                .write_all(&page)
                .map_err(|e| Error::Output {
                    path: PathBuf::from("(standard output)"),
                    message: e.to_string(),
                })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `demarc check`: reconcile and print; exit 1 when a finding reaches `--fail-on`.
fn execute_check(args: cli::CheckArgs) -> Result<ExitCode, Error> {
    let config = cli::load_config(args.run.config.as_deref())?;
    let fail_on = match args.fail_on.as_deref().or(config.fail_on.as_deref()) {
        Some(text) => cli::parse_severity(text, "--fail-on")?,
        None => Severity::High,
    };
    let run = cli::resolve_run(&args.run, &config)?;
    let analysis = analyse(&run)?;
    let format = if args.json {
        cli::CheckFormat::Json
    } else {
        args.format
    };
    let rec = &analysis.reconciliation;
    match format {
        cli::CheckFormat::Table => terminal::print_check(&run, &analysis, fail_on),
        cli::CheckFormat::Json => {
            print!(
                "{}",
                render::document::FindingsDocument::new(&run, rec).to_json()
            );
        }
        cli::CheckFormat::Csv => {
            use std::io::Write;
            let mut csv = render::document::findings_csv(&rec.findings);
            // CSV cannot escape a control character without changing the data: piped, it
            // is written as it is; on a terminal, it is shown escaped.
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                csv = terminal::inert_lines(&String::from_utf8_lossy(&csv)).into_bytes();
            }
            std::io::stdout()
                .write_all(&csv)
                .map_err(|e| Error::Output {
                    path: PathBuf::from("(standard output)"),
                    message: e.to_string(),
                })?;
        }
        cli::CheckFormat::Github => {
            terminal::print_warnings(&analysis.inputs.warnings);
            print!(
                "{}",
                terminal::inert_lines(&render::document::github_annotations(&rec.findings))
            );
        }
    }
    Ok(exit_for(&rec.findings, Some(fail_on)))
}

/// `demarc report`: reconcile, render every output in memory, then write them all.
fn execute_report(args: cli::ReportArgs) -> Result<ExitCode, Error> {
    let config = cli::load_config(args.run.config.as_deref())?;
    let fail_on = args
        .fail_on
        .as_deref()
        .map(|text| cli::parse_severity(text, "--fail-on"))
        .transpose()?;
    let (run, mut options) = cli::resolve_report(&args.run, &args.render, &config)?;
    options.progress = Some(terminal::progress_bar(0, "rendering", "PDFs"));
    let out_root = args
        .out
        .or(config.out)
        .unwrap_or_else(|| PathBuf::from("output"));
    // Directories this run creates are removed again if it fails before publishing.
    let created = (!out_root.exists()).then(|| out_root.clone());
    let staging = render::publish::Staging::begin(&out_root, &run.period.label)?;
    options.stage_in = Some(staging.path().to_path_buf());
    let produced = (|| {
        if let Some(root) = options.evidence_root.as_deref().filter(|r| !r.is_dir()) {
            return Err(Error::Config(config::ConfigError::Option(format!(
                "evidence root {}: no such directory (--evidence-root or evidence_root in demarc.toml)",
                root.display()
            ))));
        }
        make_reports(&run, &options)
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
    let Reports {
        analysis, outputs, ..
    } = reports;
    let written = staging.publish(outputs)?;
    terminal::print_report(&run, &analysis, &written);
    Ok(exit_for(&analysis.reconciliation.findings, fail_on))
}
