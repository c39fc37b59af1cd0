//! Flags and `demarc.toml` resolved into a validated [`Run`] and report options: flags
//! win over the file, the file over the defaults.

use super::{DateOrderArg, RenderArgs, RunArgs};
use chrono::NaiveDate;
use demarc::config::{ConfigError, ConfigFile};
use demarc::findings::Severity;
use demarc::ingest::{DateOrder, IngestOptions, VendorDocuments};
use demarc::inputs::period::Period;
use demarc::model::mapping::DomainMapping;
use demarc::model::Model;
use demarc::render::trend::Previous;
use demarc::{Error, Run};
use std::path::{Path, PathBuf};

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

pub fn option_error(message: String) -> Error {
    Error::Config(ConfigError::Option(message))
}

fn parse_date(text: &str, what: &str) -> Result<NaiveDate, Error> {
    demarc::ingest::dates::parse_text_date(text, None).map_err(|_| {
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

/// Loads the model named by a flag, else by the settings file, else the default: a
/// built-in one by name (`providers`, `default`), else a model file.
pub fn resolve_model(flag: Option<&Path>, config: &ConfigFile) -> Result<Model, Error> {
    match flag.or(config.model.as_deref()) {
        Some(path) => match demarc::model::Builtin::named(path) {
            Some(builtin) => Ok(builtin.model()),
            None => Ok(Model::load(path)?),
        },
        None => Ok(Model::default()),
    }
}

/// The run and PDF options of `report` and `bundle`: flags first, then the settings file.
pub fn resolve_report(
    run_args: &RunArgs,
    args: &RenderArgs,
    config: &ConfigFile,
) -> Result<(Run, demarc::render::ReportOptions), Error> {
    let mut run = resolve_run(run_args, config)?;
    if let Some(dir) = &args.templates {
        run.templates = Some(dir.clone());
    }
    let history = match &args.history {
        Some(dir) => Previous::history(dir, run.organisation.as_deref(), &run.period)?,
        None => Default::default(),
    };
    let previous_file = args
        .previous
        .clone()
        .or_else(|| history.periods.last().map(|p| p.file.clone()));
    let previous = match previous_file {
        Some(path) => {
            let previous = Previous::load(&path)?;
            previous.check_fits(&path, run.organisation.as_deref(), &run.period)?;
            Some(previous)
        }
        None => None,
    };
    let options = demarc::render::ReportOptions {
        pdf_standard: args.pdf_standard.map(Into::into),
        evidence_root: args
            .evidence_root
            .clone()
            .or_else(|| config.evidence_root.clone()),
        evidence_listing: args.evidence_listing.into(),
        previous,
        history,
        jobs: args.jobs.map(usize::from),
        stage_in: None,
        board: config.board.clone().unwrap_or_default(),
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
            if !given.insert(demarc::inputs::names::key(vendor)) {
                return Err(option_error(format!(
                    "{flag} names {vendor:?} twice: give one file per {}",
                    who.to_lowercase()
                )));
            }
            entries.retain(|(v, _)| {
                demarc::inputs::names::key(v) != demarc::inputs::names::key(vendor)
            });
            entries.push((vendor.to_string(), PathBuf::from(file)));
        }
        entries.sort_by_key(|(v, _)| demarc::inputs::names::key(v));
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
    if demarc::inputs::names::loose_key(text) == "previousquarter" {
        return Ok(Period::previous_quarter(chrono::Local::now().date_naive()));
    }
    Period::parse(text, fiscal_start).map_err(|e| option_error(e.to_string()))
}
