//! Which responsibility domain of the model a framework control belongs to: CSA CCM v4
//! controls (under which CAIQ questions sit) and NIST SP 800-53 controls (the rows of a
//! FedRAMP CIS/CRM workbook). The built-in table is data (`src/data/domain-mapping.toml`);
//! a user's `domain_mapping` file extends or replaces it.
//!
//! This module owns the table and its file format. It does not read questionnaires, and
//! it does not judge anything: ingest asks it for each row's domain.

use crate::inputs::names::{closest, loose_key};
use crate::model::Model;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in table.
const BUILT_IN: &str = include_str!("../data/domain-mapping.toml");

/// A control framework the mapping knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    /// CSA Cloud Controls Matrix v4 (`IAM-02`, `A&A-01`).
    Ccm,
    /// NIST SP 800-53 (`AC-2`, `AC-02 (a)`).
    Nist80053,
}

impl Framework {
    fn table_name(self) -> &'static str {
        match self {
            Framework::Ccm => "ccm",
            Framework::Nist80053 => "nist_800_53",
        }
    }
}

/// One framework's table: by prefix and by control, to a domain name (`None`: not mapped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    prefixes: BTreeMap<String, Option<String>>,
    controls: BTreeMap<(String, u32), Option<String>>,
}

/// The mapping in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainMapping {
    ccm: Table,
    nist: Table,
    /// The file it came from, or `None` for the built-in table alone.
    pub file: Option<PathBuf>,
}

/// Why a mapping file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("{path}: cannot read the domain mapping file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    extends: Option<String>,
    #[serde(default)]
    ccm: BTreeMap<String, String>,
    #[serde(default)]
    nist_800_53: BTreeMap<String, String>,
}

impl Default for DomainMapping {
    fn default() -> Self {
        let file: MappingFile = toml::from_str(BUILT_IN).expect("the built-in mapping parses");
        let mut mapping = DomainMapping {
            ccm: Table::default(),
            nist: Table::default(),
            file: None,
        };
        mapping
            .merge(file, None, Path::new("(built in)"))
            .expect("the built-in mapping is valid");
        mapping
    }
}

/// Splits a control id into its prefix and number: `IVS-03` → (`IVS`, 3),
/// `AC-02 (a)` → (`AC`, 2), `A&A-01.1` → (`A&A`, 1). `None` when there is no number after
/// the prefix; a bare prefix (`IAM`) gives (`IAM`, `None`).
pub fn split_control_id(id: &str) -> Option<(String, Option<u32>)> {
    let id = id.trim();
    let (prefix, rest) = match id.find(['-', ' ', '_']) {
        Some(i) => (&id[..i], &id[i + 1..]),
        None => {
            // `AC2` or a bare `IAM`.
            let digits = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
            (&id[..digits], &id[digits..])
        }
    };
    let prefix = prefix.trim().to_uppercase();
    if prefix.is_empty() {
        return None;
    }
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return rest.trim().is_empty().then_some((prefix, None));
    }
    Some((prefix, digits.parse().ok()))
}

impl DomainMapping {
    /// Loads a mapping file: it extends the built-in table unless it says `extends = "none"`.
    /// Every domain it names must be one of the model's.
    pub fn load(path: &Path, model: &Model) -> Result<DomainMapping, MappingError> {
        let text = crate::small_file::read_text(path, crate::small_file::SETTINGS_MAX_BYTES)
            .map_err(|source| MappingError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        DomainMapping::from_toml(&text, path, model)
    }

    /// Parses mapping TOML; `path` names the file in errors.
    pub fn from_toml(
        text: &str,
        path: &Path,
        model: &Model,
    ) -> Result<DomainMapping, MappingError> {
        let invalid = |message: String| MappingError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let file: MappingFile =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        let mut mapping = match file.extends.as_deref().map(loose_key).as_deref() {
            None | Some("default") => DomainMapping::default(),
            Some("none") => DomainMapping {
                ccm: Table::default(),
                nist: Table::default(),
                file: None,
            },
            Some(other) => {
                return Err(invalid(format!(
                    "extends = {other:?} is not understood: expected \"default\" or \"none\""
                )))
            }
        };
        mapping.merge(file, Some(model), path)?;
        mapping.file = Some(path.to_path_buf());
        Ok(mapping)
    }

    /// Adds a file's entries over the current ones. With a model, every domain named must
    /// be one of its domains.
    fn merge(
        &mut self,
        file: MappingFile,
        model: Option<&Model>,
        path: &Path,
    ) -> Result<(), MappingError> {
        let invalid = |message: String| MappingError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        for (framework, entries) in [
            (Framework::Ccm, file.ccm),
            (Framework::Nist80053, file.nist_800_53),
        ] {
            for (key, domain) in entries {
                let domain = domain.trim();
                let value = if domain.is_empty() {
                    None
                } else if let Some(model) = model {
                    let Some(i) = model.domain_index(domain) else {
                        let names: Vec<&str> =
                            model.domains.iter().map(|d| d.name.as_str()).collect();
                        let hint = closest(domain, names.iter().copied())
                            .map(|c| format!(" (did you mean {c:?}?)"))
                            .unwrap_or_default();
                        return Err(invalid(format!(
                            "[{}] {key} = {domain:?}: not a domain of the model{hint}; the domains are {}",
                            framework.table_name(),
                            names.join(", ")
                        )));
                    };
                    Some(model.domains[i].name.clone())
                } else {
                    Some(domain.to_string())
                };
                let table = self.table_mut(framework);
                match split_control_id(&key) {
                    Some((prefix, None)) => {
                        table.prefixes.insert(prefix, value);
                    }
                    Some((prefix, Some(number))) => {
                        table.controls.insert((prefix, number), value);
                    }
                    None => {
                        return Err(invalid(format!(
                            "[{}] key {key:?} is neither a domain prefix (IAM, AC) nor a control (IVS-03, SC-28)",
                            framework.table_name()
                        )))
                    }
                }
            }
        }
        Ok(())
    }

    fn table(&self, framework: Framework) -> &Table {
        match framework {
            Framework::Ccm => &self.ccm,
            Framework::Nist80053 => &self.nist,
        }
    }

    fn table_mut(&mut self, framework: Framework) -> &mut Table {
        match framework {
            Framework::Ccm => &mut self.ccm,
            Framework::Nist80053 => &mut self.nist,
        }
    }

    /// The domain name a control maps to, as the table writes it: the control's own entry,
    /// else its prefix's; `None` when neither is mapped.
    pub fn domain_name(&self, framework: Framework, control_id: &str) -> Option<&str> {
        let (prefix, number) = split_control_id(control_id)?;
        let table = self.table(framework);
        let entry = number
            .and_then(|n| table.controls.get(&(prefix.clone(), n)))
            .or_else(|| table.prefixes.get(&prefix))?;
        entry.as_deref()
    }

    /// The model domain (index) a control maps to. A built-in entry naming a domain the
    /// model does not have maps to nothing; [`DomainMapping::missing_domains`] lists those.
    pub fn domain(&self, framework: Framework, control_id: &str, model: &Model) -> Option<usize> {
        model.domain_index(self.domain_name(framework, control_id)?)
    }

    /// Domain names in the table that the model lacks (possible only for built-in entries
    /// under a model that replaces the default domains), sorted.
    pub fn missing_domains(&self, model: &Model) -> Vec<String> {
        let mut missing: Vec<String> = [&self.ccm, &self.nist]
            .into_iter()
            .flat_map(|t| t.prefixes.values().chain(t.controls.values()))
            .flatten()
            .filter(|name| model.domain_index(name).is_none())
            .cloned()
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Where the table came from, for the reports.
    pub fn describe(&self) -> String {
        match &self.file {
            None => "built in".to_string(),
            Some(path) => format!("built in, changed by {}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_split_into_prefix_and_number() {
        assert_eq!(split_control_id("IVS-03"), Some(("IVS".into(), Some(3))));
        assert_eq!(split_control_id("A&A-01.1"), Some(("A&A".into(), Some(1))));
        assert_eq!(split_control_id("AC-02 (a)"), Some(("AC".into(), Some(2))));
        assert_eq!(
            split_control_id("ac-2(12)(a)"),
            Some(("AC".into(), Some(2)))
        );
        assert_eq!(split_control_id("IAM"), Some(("IAM".into(), None)));
        assert_eq!(split_control_id("AC2"), Some(("AC".into(), Some(2))));
        assert_eq!(split_control_id("-3"), None);
    }

    #[test]
    fn built_in_table_maps_prefixes_and_single_controls() {
        let m = DomainMapping::default();
        let model = Model::default();
        let name = |f, id| {
            m.domain(f, id, &model)
                .map(|i| model.domains[i].name.as_str())
        };
        assert_eq!(
            name(Framework::Ccm, "IAM-02"),
            Some("Identity and access management")
        );
        assert_eq!(name(Framework::Ccm, "IVS-04"), Some("Host infrastructure"));
        assert_eq!(name(Framework::Ccm, "IVS-03"), Some("Network controls"));
        assert_eq!(name(Framework::Ccm, "GRC-01"), None);
        assert_eq!(
            name(Framework::Nist80053, "SC-07 (a)"),
            Some("Network controls")
        );
        assert_eq!(
            name(Framework::Nist80053, "SC-28"),
            Some("Data classification and accountability")
        );
        assert_eq!(name(Framework::Nist80053, "AT-2"), None);
        assert!(m.missing_domains(&model).is_empty());
    }

    #[test]
    fn a_user_file_overrides_unmaps_and_names_only_model_domains() {
        let model = Model::default();
        let text = "[ccm]\nGRC = \"Data classification and accountability\"\nIAM = \"\"\n";
        let m = DomainMapping::from_toml(text, Path::new("map.toml"), &model).unwrap();
        assert!(m.domain(Framework::Ccm, "GRC-03", &model).is_some());
        assert_eq!(m.domain(Framework::Ccm, "IAM-01", &model), None);
        assert!(m.domain(Framework::Ccm, "DCS-01", &model).is_some());

        let none = "extends = \"none\"\n[ccm]\nDCS = \"physical security\"\n";
        let m = DomainMapping::from_toml(none, Path::new("map.toml"), &model).unwrap();
        assert_eq!(m.domain(Framework::Ccm, "IAM-01", &model), None);
        assert_eq!(
            m.domain_name(Framework::Ccm, "DCS-01"),
            Some("Physical security")
        );

        let bad = "[ccm]\nIAM = \"Identity and acess management\"\n";
        let err = DomainMapping::from_toml(bad, Path::new("map.toml"), &model)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("map.toml")
                && err.contains("did you mean \"Identity and access management\""),
            "{err}"
        );
        let typo = "[cmm]\nIAM = \"\"\n";
        let err = DomainMapping::from_toml(typo, Path::new("map.toml"), &model)
            .unwrap_err()
            .to_string();
        assert!(err.contains("cmm"), "{err}");
    }
}
