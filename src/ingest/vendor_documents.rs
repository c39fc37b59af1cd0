//! The vendors' own documents among the inputs: which files are whose CAIQ or FedRAMP
//! workbook (`--caiq VENDOR=FILE`, `[caiq]` in demarc.toml, and the same for FedRAMP),
//! reading each with the same limits as any input, and checking that each vendor named
//! provides a service.

use super::{caiq, fedramp, open_every_sheet, read_file, IngestOptions, InputError, Problems};
use crate::inputs::names::{closest, key};
use crate::inputs::{InputFile, Inputs};
use crate::model::mapping::DomainMapping;
use crate::model::Model;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Which input files are vendors' questionnaires, and the mapping that places their
/// controls in the model's domains.
#[derive(Debug, Clone, Default)]
pub struct VendorDocuments {
    /// (vendor, file) of each CSA CAIQ v4 questionnaire.
    pub caiq: Vec<(String, PathBuf)>,
    /// (provider, file) of each FedRAMP CIS/CRM workbook.
    pub fedramp: Vec<(String, PathBuf)>,
    pub mapping: DomainMapping,
}

impl VendorDocuments {
    /// Whether a file found among the ordinary inputs is one of these documents (it is
    /// then read only as such).
    pub(super) fn declares(&self, path: &Path) -> bool {
        let wanted = canonical(path);
        self.caiq
            .iter()
            .chain(&self.fedramp)
            .any(|(_, p)| canonical(p) == wanted)
    }

    pub fn is_empty(&self) -> bool {
        self.caiq.is_empty() && self.fedramp.is_empty()
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// What kind of vendor document a sheet of an ordinary input looks like, by its name: a
/// `CAIQ…` sheet, or a sheet with the word CIS or CRM.
pub(super) fn looks_like(sheet: &str) -> Option<&'static str> {
    if crate::inputs::names::loose_key(sheet).starts_with("caiq") {
        return Some("a CSA CAIQ questionnaire: name its vendor with --caiq VENDOR=FILE or under [caiq] in demarc.toml");
    }
    let fedramp = sheet
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("cis") || w.eq_ignore_ascii_case("crm"));
    fedramp.then_some(
        "a FedRAMP CIS/CRM workbook: name its provider with --fedramp PROVIDER=FILE or under [fedramp] in demarc.toml",
    )
}

/// Reads every declared document into `inputs.questionnaires` (and `inputs.files`).
pub(super) fn read_all(
    model: &Model,
    options: &IngestOptions,
    inputs: &mut Inputs,
    problems: &mut Problems,
) {
    let documents = &options.vendor_documents;
    if documents.is_empty() {
        return;
    }
    let missing = documents.mapping.missing_domains(model);
    if !missing.is_empty() {
        inputs.warnings.push(format!(
            "the domain mapping names {}, which the model does not have: controls mapped there are not compared with the model (give a domain_mapping file for this model)",
            missing.join(", ")
        ));
    }
    let kinds = documents
        .caiq
        .iter()
        .map(|(v, p)| (true, v, p))
        .chain(documents.fedramp.iter().map(|(v, p)| (false, v, p)));
    for (is_caiq, vendor, path) in kinds {
        if problems.is_full() {
            break;
        }
        let shown = path.display().to_string();
        if !path.is_file() {
            problems.push(InputError {
                file: shown,
                sheet: None,
                location: None,
                problem: format!(
                    "no such file (named as {vendor}'s {} by {})",
                    if is_caiq { "CAIQ" } else { "FedRAMP workbook" },
                    if is_caiq {
                        "--caiq or [caiq]"
                    } else {
                        "--fedramp or [fedramp]"
                    }
                ),
            });
            continue;
        }
        let Some(bytes) = read_file(path, &shown, &options.limits, problems) else {
            continue;
        };
        let mut file = InputFile {
            path: shown.clone(),
            sha256: format!("{:x}", Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
            sheets: Vec::new(),
        };
        let before = problems.len();
        let tables = open_every_sheet(path, &shown, bytes, options, inputs, problems);
        // A workbook refused as a whole has said why; it is not also "not a questionnaire".
        if tables.is_empty() && problems.len() > before {
            inputs.files.push(file);
            continue;
        }
        if is_caiq {
            let read = caiq::read(vendor, &shown, &tables, &documents.mapping, model, problems);
            file.sheets = read.sheets;
            inputs.warnings.extend(read.warnings);
            inputs.questionnaires.caiqs.extend(read.caiq);
        } else {
            let read = fedramp::read(vendor, &shown, &tables, &documents.mapping, model, problems);
            file.sheets = read.sheets;
            inputs.warnings.extend(read.warnings);
            if let Some(f) = &read.fedramp {
                for sheet in &f.blank_sheets {
                    inputs.warnings.push(format!(
                        "{shown}: {sheet}: no control is marked (a blank template?): not read"
                    ));
                }
                if f.cis_sheet.is_none() {
                    inputs.warnings.push(format!(
                        "{shown}: no CIS worksheet is filled in: no control of {vendor} was read"
                    ));
                } else if f.crm_sheet.is_none() {
                    inputs.warnings.push(format!(
                        "{shown}: no CRM worksheet is filled in: ORIGINATION_MISMATCH was not checked for {vendor}"
                    ));
                }
            }
            inputs.questionnaires.fedramp.extend(read.fedramp);
        }
        inputs.files.push(file);
    }
}

/// Every vendor a document is declared for must provide a service (in scope or not): a
/// name matching none is a typo, or a document for a vendor not in use.
pub(super) fn check_vendors(options: &IngestOptions, inputs: &Inputs, problems: &mut Problems) {
    let documents = &options.vendor_documents;
    let mut providers: Vec<&str> = inputs
        .services
        .iter()
        .map(|s| s.provider.as_str())
        .collect();
    providers.sort_by_key(|p| key(p));
    providers.dedup_by_key(|p| key(p));
    let kinds = documents
        .caiq
        .iter()
        .map(|(v, p)| ("--caiq / [caiq]", v, p))
        .chain(
            documents
                .fedramp
                .iter()
                .map(|(v, p)| ("--fedramp / [fedramp]", v, p)),
        );
    for (option, vendor, path) in kinds {
        if providers
            .iter()
            .any(|p| crate::inputs::vendor_names::same_vendor(p, vendor))
        {
            continue;
        }
        let hint = closest(vendor, providers.iter().copied())
            .map(|p| format!(" (did you mean {p:?}?)"))
            .unwrap_or_default();
        problems.push(InputError {
            file: path.display().to_string(),
            sheet: None,
            location: None,
            problem: format!(
                "{option} names {vendor:?}, which is the provider of no service in the Services sheet{hint}"
            ),
        });
    }
}
