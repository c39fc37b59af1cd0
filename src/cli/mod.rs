//! The `demarc` command line, apart from the library: clap's derive (doc comments are the
//! help text), one file per command, [`settings`] turning flags and `demarc.toml` into a
//! validated [`demarc::Run`], and [`terminal`] printing for people. The library prints
//! nothing; it reports progress through [`demarc::progress`], which [`terminal`] shows.

mod bundle;
mod check;
mod explain;
mod init;
mod model;
mod report;
pub mod settings;
mod shell;
mod templates;
pub mod terminal;

use clap::{Args, Parser, Subcommand};
use demarc::Error;
use std::path::PathBuf;
use std::process::ExitCode;

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
            Command::Report(_)
                | Command::Bundle(_)
                | Command::Init(_)
                | Command::Model(_)
                | Command::Templates(_)
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
    /// Work with the PDF templates: `export DIR` writes the built-in templates, each
    /// document's data for this run and the data's JSON Schemas, to restyle the reports
    /// from (then `report --templates DIR`).
    Templates(TemplatesArgs),
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
    /// A model file (TOML) extending or replacing the built-in model, or `providers`: the
    /// providers' own splits (AWS, Azure, Google Cloud) over the seeds' matrix.
    #[arg(long, short = 'm', value_name = "FILE|providers")]
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

/// `--evidence-listing`, mirroring [`demarc::render::EvidenceListing`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EvidenceListingArg {
    /// `newest` for small inputs, `compact` when the listing would exceed a few thousand rows.
    #[default]
    Auto,
    /// The newest evidence of every control for every in-scope service it applies to.
    Newest,
    /// Services with gaps in full; fresh, Effective ones counted.
    Compact,
    /// As `auto`, plus every evidence row on or before the period end in an appendix
    /// (`auditor-pack-appendix/part-NN.pdf`, parts of 5,000 rows compiled in parallel).
    Full,
}

impl From<EvidenceListingArg> for demarc::render::EvidenceListing {
    fn from(arg: EvidenceListingArg) -> Self {
        use demarc::render::EvidenceListing as Listing;
        match arg {
            EvidenceListingArg::Auto => Listing::Auto,
            EvidenceListingArg::Newest => Listing::Newest,
            EvidenceListingArg::Compact => Listing::Compact,
            EvidenceListingArg::Full => Listing::Full,
        }
    }
}

/// `--pdf-standard`, mirroring [`demarc::render::pdf::Archival`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PdfStandardArg {
    /// PDF/A-2b: visual appearance preserved (the usual archival choice).
    #[value(name = "a-2b")]
    A2b,
    /// PDF/A-2u: as a-2b, and all text extractable as Unicode.
    #[value(name = "a-2u")]
    A2u,
    /// PDF/A-3b: as a-2b, allowing embedded files.
    #[value(name = "a-3b")]
    A3b,
}

impl From<PdfStandardArg> for demarc::render::pdf::Archival {
    fn from(arg: PdfStandardArg) -> Self {
        use demarc::render::pdf::Archival;
        match arg {
            PdfStandardArg::A2b => Archival::A2b,
            PdfStandardArg::A2u => Archival::A2u,
            PdfStandardArg::A3b => Archival::A3b,
        }
    }
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
    /// A directory of earlier runs (e.g. output/, one folder per period): the board
    /// report charts up to eight quarters from their findings.json, and the newest one
    /// is the previous period unless --previous names another.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Where the files named in Evidence's `evidence_file` column live: each one found is
    /// hashed into the auditor pack and evidence-index.csv (and sealed into a bundle);
    /// paths leaving it are refused.
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// How much evidence the auditor pack lists per control: `newest` (every service),
    /// `compact` (services with gaps; the rest counted), `auto` (compact for large inputs), or
    /// `full` (auto, plus every evidence row in an appendix).
    #[arg(long, value_enum, default_value = "auto")]
    pub evidence_listing: EvidenceListingArg,
    /// Write archival PDFs conforming to this PDF/A standard.
    #[arg(long, value_enum, value_name = "STANDARD")]
    pub pdf_standard: Option<PdfStandardArg>,
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
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub action: TemplatesAction,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Write the built-in templates (as --templates DIR reads them), the data each
    /// document's template receives for this run (`*.data.json`) and its JSON Schema
    /// (`schemas/`) to DIR.
    ///
    /// Exit status: 0 once everything is written, 2 the run failed.
    Export(TemplatesExportArgs),
}

#[derive(Debug, Args)]
pub struct TemplatesExportArgs {
    /// The directory to write to (created if need be).
    pub dir: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
    /// The previous period's findings.json: the board report's data then has its trend.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Earlier runs, as for `report`: the board report's data then charts them.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Where evidence files live, as for `report` (their hashes are in the auditor pack's
    /// data).
    #[arg(long, value_name = "DIR")]
    pub evidence_root: Option<PathBuf>,
    /// How much evidence the auditor pack's data lists per control, as for `report`.
    #[arg(long, value_enum, default_value = "auto")]
    pub evidence_listing: EvidenceListingArg,
    /// Overwrite files already in DIR (an edited template would otherwise be kept).
    #[arg(long)]
    pub force: bool,
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
    /// A model file (TOML) extending or replacing the built-in model, or `providers`: the
    /// providers' own splits (AWS, Azure, Google Cloud) over the seeds' matrix.
    #[arg(long, short = 'm', value_name = "FILE|providers")]
    pub model: Option<PathBuf>,
    /// Settings file [default: ./demarc.toml when present].
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the model to FILE as TOML instead of printing it.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["provider", "diff"])]
    pub export: Option<PathBuf>,
    /// Print a provider's own profile (AWS, Azure, Google Cloud): its split, the mapping
    /// onto the model's domains, the services it covers and its sources.
    #[arg(long, value_name = "NAME", conflicts_with = "diff")]
    pub provider: Option<String>,
    /// List, cell by cell, where the provider profiles differ from the seeds' matrix
    /// (`--diff providers`).
    #[arg(long, value_name = "MODEL")]
    pub diff: Option<String>,
}

/// Runs a parsed command line. Errors mean exit status 2.
pub fn execute(cli: Cli) -> Result<ExitCode, Error> {
    terminal::set_verbosity(cli.quiet, cli.verbose);
    match cli.command {
        Command::Check(args) => check::execute(args),
        Command::Report(args) => report::execute(args),
        Command::Bundle(args) => bundle::execute(args),
        Command::Verify(args) => bundle::verify(&args),
        Command::Model(args) => model::execute(args),
        Command::Templates(args) => templates::execute(args),
        Command::Init(args) => init::execute(args),
        Command::Explain(args) => explain::execute(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
    }
}

/// Exit status for a set of findings against a threshold: 1 when any is at or above it.
fn exit_for(
    findings: &[demarc::findings::Finding],
    fail_on: Option<demarc::findings::Severity>,
) -> ExitCode {
    match fail_on {
        Some(threshold) if findings.iter().any(|f| f.severity >= threshold) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `## Commands` synopsis names every option of every command, and every value of
    /// an enumerated option (`--evidence-listing full` was missing).
    #[test]
    fn the_synopsis_names_every_option_and_value() {
        let readme = include_str!("../../README.md");
        let start = readme.find("## Commands").unwrap();
        let block = &readme[start..];
        let block = &block[..block[10..].find("\n## ").map_or(block.len(), |i| i + 10)];
        let synopsis = &block[..block.find("```\n\n").unwrap()];
        let cli = <Cli as clap::CommandFactory>::command();
        let mut missing = Vec::new();
        for command in cli.get_subcommands() {
            assert!(
                synopsis.contains(&format!("demarc {}", command.get_name())),
                "demarc {} is not in the synopsis",
                command.get_name()
            );
            for arg in command.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if ["help", "quiet", "verbose"].contains(&long) {
                    continue; // said once for every command, under the synopsis
                }
                if !synopsis.contains(&format!("--{long}")) {
                    missing.push(format!("demarc {} --{long}", command.get_name()));
                }
                if !arg.get_action().takes_values() {
                    continue;
                }
                for value in arg.get_possible_values() {
                    if !value.is_hide_set() && !synopsis.contains(value.get_name()) {
                        missing.push(format!(
                            "demarc {} --{long} {}",
                            command.get_name(),
                            value.get_name()
                        ));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "the README's synopsis lacks {missing:?}"
        );
    }
}
