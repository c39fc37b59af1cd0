//! Finding the input files: directories are searched (recursively, sorted, so runs are
//! repeatable) for the spreadsheets they hold; files named on the command line must exist
//! and be spreadsheets.

use super::{InputError, Problems};
use std::path::{Path, PathBuf};

/// The spreadsheet extensions demarc reads (CSV is handled apart).
const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Expands directories into the spreadsheets they hold (sorted, so runs are repeatable)
/// and checks that named files exist and are spreadsheets. A folder of demarc's own
/// reports met in a directory is skipped, with a warning in `warnings`.
pub(super) fn discover(
    paths: &[PathBuf],
    problems: &mut Problems,
    warnings: &mut Vec<String>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if paths.is_empty() {
        problems.push(InputError {
            file: "(command line)".into(),
            sheet: None,
            location: None,
            problem: "no inputs: name the workbooks or directories to read, or list them as `inputs` in demarc.toml".into(),
        });
    }
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files, problems, warnings);
            if files.len() == before {
                problems.push(InputError {
                    file: shown,
                    sheet: None,
                    location: None,
                    problem:
                        "the directory holds no spreadsheet (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv)"
                            .into(),
                });
            }
        } else if !path.exists() {
            problems.push(InputError {
                file: shown,
                sheet: None,
                location: None,
                problem: "no such file or directory".into(),
            });
        } else if is_spreadsheet(path) {
            files.push(path.clone());
        } else {
            problems.push(InputError {
                file: shown,
                sheet: None,
                location: None,
                problem:
                    "not a spreadsheet: expected a .xlsx, .xlsm, .xls, .xlsb, .ods, .csv or .tsv file"
                        .into(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Problems, warnings: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(InputError {
                file: dir.display().to_string(),
                sheet: None,
                location: None,
                problem: format!("cannot list the directory: {e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files and Office lock files (`~$book.xlsx`) are never inputs.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if path.is_dir() {
            if is_demarc_output(&path) {
                warnings.push(format!(
                    "{}: skipped: it holds an earlier run's reports (findings.json, auditor-workbook.xlsx, auditor-pack.pdf), whose sheets would count every attestation and CUEC twice; name the folder itself as an input to read it",
                    path.display()
                ));
            } else {
                walk(&path, files, problems, warnings);
            }
        } else if is_spreadsheet(&path) {
            files.push(path);
        }
    }
}

/// Whether a directory is a period's reports written by demarc (`output/2026-Q3`): its
/// `auditor-workbook.xlsx` has Attestations and CUECs sheets, and its vendors' question
/// workbooks are spreadsheets too, so an input directory holding an earlier run's output
/// would have every attestation and CUEC read twice. A directory named as an input itself
/// is read as asked.
fn is_demarc_output(dir: &Path) -> bool {
    ["findings.json", "auditor-workbook.xlsx", "auditor-pack.pdf"]
        .iter()
        .all(|name| dir.join(name).is_file())
}

pub(super) fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_spreadsheet(path: &Path) -> bool {
    let ext = extension(path);
    matches!(ext.as_str(), "csv" | "tsv") || WORKBOOK_EXTENSIONS.contains(&ext.as_str())
}
