//! `demarc.toml`: everything a quarterly run needs, so the command line can stay short.
//! Paths in it are relative to the file's own directory. Unknown keys are errors (with the
//! line), because a misspelt setting silently ignored is a wrong report.

use crate::ingest::DateOrder;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Organisation name printed on the reports.
    pub organisation: Option<String>,
    /// `YYYY-Qn`, `YYYY`, or `previous-quarter`.
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub as_of: Option<String>,
    /// First month of the fiscal year (1–12; default 1).
    pub fiscal_year_start: Option<u32>,
    /// Workbooks, CSV files or directories.
    #[serde(default)]
    pub inputs: Vec<PathBuf>,
    /// A model file (TOML) extending or replacing the default model, or the name of a
    /// built-in one: `providers` (the providers' own splits) or `default`.
    pub model: Option<PathBuf>,
    pub fail_on: Option<String>,
    /// Label printed on every page, e.g. CONFIDENTIAL.
    pub classification: Option<String>,
    /// Output directory (reports go under `<out>/<period>/`).
    pub out: Option<PathBuf>,
    /// A directory whose templates replace the built-in ones by file name.
    pub templates: Option<PathBuf>,
    /// Where the files named in Evidence's `evidence_file` column live.
    pub evidence_root: Option<PathBuf>,
    /// How to read ambiguous dates like 03/04/2026: "dmy" or "mdy".
    pub date_order: Option<DateOrder>,
    /// `[limits]`: what one input may cost before it is refused (keys left out keep
    /// their defaults).
    #[serde(default)]
    pub limits: crate::ingest::RawLimits,
    /// `[residency]`: for each data class, the regions it may be held in. Without it the
    /// residency check is off.
    pub residency: Option<crate::model::residency::Policy>,
    /// `[board]`: the risk appetite the board report's rating is judged against, and
    /// its sign-off.
    pub board: Option<crate::model::appetite::Board>,
    /// `[caiq]`: each vendor's CSA CAIQ v4 questionnaire, `Okta = "vendors/okta-caiq.xlsx"`.
    #[serde(default)]
    pub caiq: BTreeMap<String, PathBuf>,
    /// `[fedramp]`: each provider's FedRAMP CIS/CRM workbook, `"cloud.gov" = "cis.xlsx"`.
    #[serde(default)]
    pub fedramp: BTreeMap<String, PathBuf>,
    /// A file extending (or replacing) the built-in mapping from CCM and NIST 800-53
    /// controls to the model's domains.
    pub domain_mapping: Option<PathBuf>,
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the settings file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{0}")]
    Option(String),
}

impl ConfigFile {
    /// Reads a settings file and makes its paths relative to the current directory.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = crate::small_file::read_text(path, crate::small_file::SETTINGS_MAX_BYTES)
            .map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        let mut file: ConfigFile = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        file.inputs.iter_mut().for_each(rebase);
        // A built-in model's name is not a path beside the file.
        if let Some(model) = file.model.as_mut() {
            if crate::model::Builtin::named(model).is_none() {
                rebase(model);
            }
        }
        // One rule for `out`: beside the settings file, whether it is written there or left
        // to its default, as the file's other paths are.
        file.out = Some(file.out.take().unwrap_or_else(|| PathBuf::from("output")));
        file.out.as_mut().map(rebase);
        file.templates.as_mut().map(rebase);
        file.evidence_root.as_mut().map(rebase);
        file.caiq.values_mut().for_each(rebase);
        file.fedramp.values_mut().for_each(rebase);
        file.domain_mapping.as_mut().map(rebase);
        if let Some(board) = &file.board {
            board.validate().map_err(|message| ConfigError::Invalid {
                path: path.to_path_buf(),
                message,
            })?;
        }
        let printed = [
            ("organisation", file.organisation.as_deref()),
            ("classification", file.classification.as_deref()),
            (
                "[board] prepared_by",
                file.board.as_ref().and_then(|b| b.prepared_by.as_deref()),
            ),
            (
                "[board] approved_by",
                file.board.as_ref().and_then(|b| b.approved_by.as_deref()),
            ),
        ];
        for (key, value) in printed {
            if let Some(message) = value.and_then(|v| bidi_control(key, v)) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message,
                });
            }
        }
        Ok(file)
    }
}

/// Text printed on every report (the organisation, the classification, the sign-off
/// names) may not hold a bidirectional control: an override makes `Acme <RLO>LAITNEDIFNOC`
/// show as "Acme CONFIDENTIAL" in every page header. Spreadsheet cells lose such
/// characters with a warning; a setting the user typed is refused instead, since its fix
/// is one edit away. (Line breaks and other control characters are made inert where the
/// templates print the value.)
fn bidi_control(key: &str, value: &str) -> Option<String> {
    let c = value
        .chars()
        .find(|c| crate::inputs::names::is_bidi_control(*c))?;
    Some(format!(
        "{key} = \"{}\": holds a bidirectional control, U+{:04X}, that would change how the \
         reports read without being seen; remove it",
        crate::inputs::names::inert(value),
        c as u32
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demarc.toml");
        std::fs::write(&path, "period = \"2026-Q3\"\norganization = \"x\"\n").unwrap();
        let err = ConfigFile::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("organization") && err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demarc.toml");
        std::fs::write(&path, "inputs = [\"book.xlsx\"]\n").unwrap();
        let file = ConfigFile::load(&path).unwrap();
        assert_eq!(file.inputs, [dir.path().join("book.xlsx")]);
    }

    #[test]
    fn out_is_beside_the_file_whether_written_or_left_to_its_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demarc.toml");
        std::fs::write(&path, "out = \"output\"\n").unwrap();
        let written = ConfigFile::load(&path).unwrap().out;
        std::fs::write(&path, "period = \"2026-Q3\"\n").unwrap();
        let default = ConfigFile::load(&path).unwrap().out;
        assert_eq!(written, Some(dir.path().join("output")));
        assert_eq!(default, written);
    }

    #[test]
    fn vendor_documents_are_named_by_vendor_and_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demarc.toml");
        std::fs::write(
            &path,
            "domain_mapping = \"map.toml\"\n[caiq]\nOkta = \"vendors/okta.xlsx\"\n[fedramp]\n\"cloud.gov\" = \"/abs/cis.xlsx\"\n",
        )
        .unwrap();
        let file = ConfigFile::load(&path).unwrap();
        assert_eq!(file.caiq["Okta"], dir.path().join("vendors/okta.xlsx"));
        assert_eq!(file.fedramp["cloud.gov"], PathBuf::from("/abs/cis.xlsx"));
        assert_eq!(file.domain_mapping, Some(dir.path().join("map.toml")));
    }
}
