//! The command line: clap's derive (doc comments are the help text), then resolution of
//! flags and `demarc.toml` into a validated [`Run`] — flags win over the file.

use crate::config::{ConfigError, ConfigFile};
use crate::findings::Severity;
use crate::ingest::{DateOrder, IngestOptions, VendorDocuments};
use crate::mapping::DomainMapping;
use crate::model::Model;
use crate::period::Period;
use crate::{Error, Run};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Reconcile compliance spreadsheets against the cloud Shared Responsibility Model.
#[derive(Debug, Parser)]
#[command(name = "demarc", version, about, long_about = None)]
pub struct Cli {
    /// Print nothing but errors: no findings listing, warnings, progress or summary (the
    /// exit status still tells the result).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more on stderr: what each input held and how long each step took.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

impl Command {
    /// Whether the command writes files, so that a failure must say whether any were
    /// written (`check` writes nothing and must not claim otherwise).
    pub fn writes_files(&self) -> bool {
        matches!(
            self,
            Command::Report(_) | Command::Bundle(_) | Command::Init(_) | Command::Model(_)
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reconcile the inputs and print the findings (no PDFs).
    ///
    /// Exit status: 0 no finding at or above --fail-on, 1 some, 2 the run failed.
    Check(CheckArgs),
    /// Reconcile and write findings.json, findings.csv, the OSCAL assessment-results.json
    /// and the PDF reports under OUT/PERIOD/.
    ///
    /// Exit status: 0 once the reports are written (1 only with an explicit --fail-on and
    /// findings at or above it), 2 the run failed.
    Report(ReportArgs),
    /// Show the responsibility model in use, or export it as a TOML file to start from.
    Model(ModelArgs),
    /// Seal the period's reports, input workbooks and evidence files into one zip with a
    /// manifest of SHA-256 hashes, for handing to an auditor (check it with `demarc verify`).
    ///
    /// Exit status: 0 once the bundle is written, 2 the run failed (nothing was written).
    Bundle(BundleArgs),
    /// Check an evidence bundle: recompute every hash against its manifest, and its
    /// signature when there is one.
    ///
    /// Exit status: 0 every file matches (and the signature, if any, is good), 1 the bundle
    /// fails verification, 2 it cannot be read at all.
    Verify(VerifyArgs),
    /// Write a starter: demarc.toml with every setting explained, and a workbook with the
    /// five sheets, drop-down lists and a starter control catalogue to fill in.
    Init(InitArgs),
    /// Explain a finding code: the rule, why it matters and how to remedy it. Without a
    /// code, list every code.
    Explain(ExplainArgs),
    /// Print a shell completion script (e.g. `demarc completions bash > /etc/bash_completion.d/demarc`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `demarc man > demarc.1 && man ./demarc.1`.
    Man,
}

/// What every reconciling command takes.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Workbooks (.xlsx .xlsm .xls .xlsb .ods), CSV files (one per sheet, named after it) or
    /// directories holding them.
    pub inputs: Vec<PathBuf>,
    /// Settings file [default: ./demarc.toml when present].
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Reporting period: YYYY-Qn (2026-Q3), YYYY (2026) or previous-quarter.
    #[arg(long, short = 'p')]
    pub period: Option<String>,
    /// First day of an explicit period (with --to).
    #[arg(long, value_name = "DATE", requires = "to", conflicts_with = "period")]
    pub from: Option<String>,
    /// Last day of an explicit period (with --from).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// Count attestations issued up to this date (default: the period end); coverage is
    /// still judged at the period end.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A model file (TOML) extending or replacing the built-in model.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// How to read ambiguous dates like 03/04/2026.
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// A vendor's CSA CAIQ v4 questionnaire, as VENDOR=FILE (repeatable; adds to, or for
    /// the same vendor replaces, `[caiq]` in demarc.toml).
    #[arg(long, value_name = "VENDOR=FILE")]
    pub caiq: Vec<String>,
    /// A provider's FedRAMP CIS/CRM workbook, as PROVIDER=FILE (repeatable; adds to, or for
    /// the same provider replaces, `[fedramp]` in demarc.toml).
    #[arg(long, value_name = "PROVIDER=FILE")]
    pub fedramp: Vec<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DateOrderArg {
    /// Day first (03/04/2026 is 3 April).
    Dmy,
    /// Month first (03/04/2026 is 4 March).
    Mdy,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Exit 1 when a finding at or above this severity exists [default: high].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// How to print the findings: `table` for people, `json` (the findings.json
    /// document), `csv` (findings.csv), `github` (annotations for a GitHub Actions log).
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
    /// Shorthand for --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// The ways `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Csv,
    Github,
}

/// What shapes the PDFs, shared by `report` and `bundle`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A directory of templates; any file named like a built-in one replaces it.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The previous period's findings.json: adds the trend (new, resolved, persisting
    /// findings and the posture change) to the board report.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Where the files named in Evidence's `evidence_file` column live: each one found is
    /// hashed into the auditor pack and evidence-index.csv (and sealed into a bundle);
    /// paths leaving it are refused.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// How much evidence the auditor pack lists per control: `newest` (every service),
    /// `compact` (services with gaps; the rest counted), `auto` (compact for large inputs), or
    /// `full` (auto, plus every evidence row in an appendix).
    #[arg(long, value_enum, default_value = "auto")]
    pub evidence_listing: crate::render::EvidenceListing,
    /// Write archival PDFs conforming to this PDF/A standard.
    #[arg(long, value_enum, value_name = "STANDARD")]
    pub pdf_standard: Option<crate::render::pdf::Archival>,
    /// How many PDFs to compile at once [default: one per core].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Output directory; reports go under OUT/PERIOD/ [default: output].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists (off unless given).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
}

#[derive(Debug, Args)]
pub struct BundleArgs {
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub render: RenderArgs,
    /// The bundle to write [default: OUT/PERIOD/evidence-bundle-PERIOD.zip, OUT being
    /// `out` from demarc.toml or output].
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Sign the manifest with this Ed25519 secret key: a file holding the 32-byte seed as
    /// 64 hex digits (make one with --generate-key).
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
    /// Make a new signing key: the secret key in FILE (private), the public key to give
    /// auditors in FILE.pub; then exit.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["sign", "out"])]
    pub generate_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The evidence bundle (.zip) to check.
    pub bundle: PathBuf,
    /// The signer's public key (FILE.pub from `demarc bundle --generate-key`): the bundle
    /// must be signed, and by this key.
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// Settings file, for its `[limits]` [default: ./demarc.toml when present].
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter (created if need be) [default: the current directory].
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite demarc.toml and the workbook if they already exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding code, e.g. EVIDENCE_STALE (case and `-`/`_` do not matter).
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// A model file (TOML) extending or replacing the built-in model.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Settings file [default: ./demarc.toml when present].
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the model to FILE as TOML instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
}

/// Loads the settings file named by `--config`, else `./demarc.toml` if it exists.
pub fn load_config(explicit: Option<&Path>) -> Result<ConfigFile, ConfigError> {
    match explicit {
        Some(path) => ConfigFile::load(path),
        None => {
            let default = Path::new("demarc.toml");
            if default.is_file() {
                ConfigFile::load(default)
            } else {
                Ok(ConfigFile::default())
            }
        }
    }
}

fn option_error(message: String) -> Error {
    Error::Config(ConfigError::Option(message))
}

fn parse_date(text: &str, what: &str) -> Result<NaiveDate, Error> {
    crate::ingest::table::parse_text_date(text, None).map_err(|_| {
        option_error(format!(
            "{what}: {text:?} is not a date: write it as 2026-09-30"
        ))
    })
}

/// Parses a severity given as an option.
pub fn parse_severity(text: &str, what: &str) -> Result<Severity, Error> {
    Severity::parse(text).ok_or_else(|| {
        option_error(format!(
            "{what}: {text:?} is not a severity: expected critical, high, medium, low or info"
        ))
    })
}

/// Loads the model named by a flag, else by the settings file, else the default.
pub fn resolve_model(flag: Option<&Path>, config: &ConfigFile) -> Result<Model, Error> {
    match flag.or(config.model.as_deref()) {
        Some(path) => Ok(Model::load(path)?),
        None => Ok(Model::default()),
    }
}

/// The run and PDF options of `report` and `bundle`: flags first, then the settings file.
pub fn resolve_report(
    run_args: &RunArgs,
    args: &RenderArgs,
    config: &ConfigFile,
) -> Result<(Run, crate::render::ReportOptions), Error> {
    let mut run = resolve_run(run_args, config)?;
    if let Some(dir) = &args.templates {
        run.templates = Some(dir.clone());
    }
    let options = crate::render::ReportOptions {
        pdf_standard: args.pdf_standard,
        evidence_root: args
            .evidence_root
            .clone()
            .or_else(|| config.evidence_root.clone()),
        evidence_listing: args.evidence_listing,
        previous: match &args.previous {
            Some(path) => Some(crate::render::trend::Previous::load(path)?),
            None => None,
        },
        jobs: args.jobs.map(usize::from),
        progress: None,
        stage_in: None,
    };
    Ok((run, options))
}

/// Combines flags and the settings file into a run.
pub fn resolve_run(args: &RunArgs, config: &ConfigFile) -> Result<Run, Error> {
    let fiscal = config.fiscal_year_start.unwrap_or(1);
    let from = args.from.as_deref().or(config.from.as_deref());
    let to = args.to.as_deref().or(config.to.as_deref());
    let period = match (&args.period, from, to) {
        (Some(p), _, _) => named_period(p, fiscal)?,
        (None, Some(from), Some(to)) if args.from.is_some() || config.period.is_none() => {
            Period::between(parse_date(from, "--from")?, parse_date(to, "--to")?)
                .map_err(|e| option_error(e.to_string()))?
        }
        (None, _, _) => match &config.period {
            Some(p) => named_period(p, fiscal)?,
            None => {
                return Err(option_error(
                    "no reporting period: give --period 2026-Q3 (or YYYY, or --from/--to), or set period in demarc.toml (`demarc init` writes one to start from)".into(),
                ))
            }
        },
    };
    let as_of = match args.as_of.as_deref().or(config.as_of.as_deref()) {
        Some(text) => {
            let date = parse_date(text, "--as-of")?;
            if date < period.end {
                return Err(option_error(format!(
                    "--as-of {date} is before the period end {}: it may only move later",
                    period.end
                )));
            }
            date
        }
        None => period.end,
    };
    let inputs = if args.inputs.is_empty() {
        config.inputs.clone()
    } else {
        args.inputs.clone()
    };
    let date_order = match args.date_order {
        Some(DateOrderArg::Dmy) => Some(DateOrder::Dmy),
        Some(DateOrderArg::Mdy) => Some(DateOrder::Mdy),
        None => config.date_order,
    };
    let model = resolve_model(args.model.as_deref(), config)?;
    let vendor_documents = resolve_vendor_documents(args, config, &model)?;
    Ok(Run {
        inputs,
        period,
        as_of,
        model,
        organisation: config.organisation.clone(),
        classification: config
            .classification
            .clone()
            .unwrap_or_else(|| "CONFIDENTIAL".into()),
        templates: config.templates.clone(),
        ingest: IngestOptions {
            date_order,
            limits: config.limits.into(),
            strict_regions: false,
            vendor_documents,
        },
        residency: config.residency.clone(),
    })
}

/// The vendors' documents: `[caiq]` and `[fedramp]` in demarc.toml, then `--caiq` and
/// `--fedramp` (a flag replaces the file's entry for the same vendor), and the domain
/// mapping.
fn resolve_vendor_documents(
    args: &RunArgs,
    config: &ConfigFile,
    model: &Model,
) -> Result<VendorDocuments, Error> {
    fn merge(
        from_file: &std::collections::BTreeMap<String, PathBuf>,
        flags: &[String],
        flag: &str,
        who: &str,
    ) -> Result<Vec<(String, PathBuf)>, Error> {
        let mut entries: Vec<(String, PathBuf)> = from_file
            .iter()
            .map(|(v, p)| (v.trim().to_string(), p.clone()))
            .collect();
        let mut given = std::collections::BTreeSet::new();
        for text in flags {
            let Some((vendor, file)) = text
                .split_once('=')
                .map(|(v, f)| (v.trim(), f.trim()))
                .filter(|(v, f)| !v.is_empty() && !f.is_empty())
            else {
                return Err(option_error(format!(
                    "{flag} {text:?}: expected {who}=FILE, e.g. {flag} \"Okta=vendors/okta.xlsx\""
                )));
            };
            if !given.insert(crate::names::key(vendor)) {
                return Err(option_error(format!(
                    "{flag} names {vendor:?} twice: give one file per {}",
                    who.to_lowercase()
                )));
            }
            entries.retain(|(v, _)| crate::names::key(v) != crate::names::key(vendor));
            entries.push((vendor.to_string(), PathBuf::from(file)));
        }
        entries.sort_by_key(|(v, _)| crate::names::key(v));
        Ok(entries)
    }
    let mapping = match &config.domain_mapping {
        Some(path) => DomainMapping::load(path, model).map_err(|e| option_error(e.to_string()))?,
        None => DomainMapping::default(),
    };
    Ok(VendorDocuments {
        caiq: merge(&config.caiq, &args.caiq, "--caiq", "VENDOR")?,
        fedramp: merge(&config.fedramp, &args.fedramp, "--fedramp", "PROVIDER")?,
        mapping,
    })
}

fn named_period(text: &str, fiscal_start: u32) -> Result<Period, Error> {
    if crate::names::loose_key(text) == "previousquarter" {
        return Ok(Period::previous_quarter(chrono::Local::now().date_naive()));
    }
    Period::parse(text, fiscal_start).map_err(|e| option_error(e.to_string()))
}
