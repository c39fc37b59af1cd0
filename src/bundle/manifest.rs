//! `manifest.json`: what an evidence bundle holds and what each file's SHA-256 must be.
//! Its field names are a contract with auditors' tooling; `format_version` changes when
//! they do. This module owns the document's shape, not the hashing or the zip.

use crate::findings::Source;
use serde::{Deserialize, Serialize};

/// The value of `format` in every demarc bundle manifest.
pub const FORMAT: &str = "demarc-evidence-bundle";
/// The manifest layout this demarc writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's own name inside the bundle.
pub const MANIFEST_NAME: &str = "manifest.json";
/// The signature's name inside the bundle (present only in signed bundles).
pub const SIGNATURE_NAME: &str = "manifest.sig";

/// The manifest of one bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`FORMAT_VERSION`] for bundles this demarc writes.
    pub format_version: u32,
    pub tool: Tool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub period: PeriodInfo,
    /// Attestations issued up to this date counted (the period end unless `--as-of`).
    pub as_of: String,
    pub model: ModelInfo,
    /// The input workbooks and CSV files, as read.
    pub inputs: Vec<InputEntry>,
    /// Every evidence row that names a file, and what became of that file.
    pub evidence: Vec<EvidenceRow>,
    /// Every file in the bundle except `manifest.json` and `manifest.sig`, sorted by path.
    pub files: Vec<FileEntry>,
}

/// The program that made the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub label: String,
    pub start: String,
    pub end: String,
}

/// The responsibility model applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    /// SHA-256 of the model written as TOML (`demarc model --export`), so a reader can
    /// tell whether two bundles were judged against the same model.
    pub sha256: String,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    /// The path it was read from, as given to demarc.
    pub source: String,
    /// Where it is in the bundle (`inputs/<file name>`).
    pub entry: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One evidence row's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRow {
    /// The Evidence row naming the file.
    pub source: Source,
    /// The `evidence_file` cell as written.
    pub file: String,
    /// `hashed` (sealed in the bundle), `missing`, `refused`, `url` or `not checked`
    /// (no evidence root was given).
    pub status: String,
    /// For `hashed`: where the file is in the bundle (`evidence/<path>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// For `refused`: why the path was not opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The manifest as written into the bundle: pretty JSON, a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest is JSON");
        bytes.push(b'\n');
        bytes
    }

    /// Where the manifest contradicts itself: a path listed twice or reserved, or an input
    /// or evidence file whose hash differs from its entry in `files`.
    pub fn contradictions(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut listed = std::collections::BTreeMap::new();
        for file in &self.files {
            if file.path == MANIFEST_NAME || file.path == SIGNATURE_NAME {
                problems.push(format!("it lists its own {} among the files", file.path));
            } else if listed.insert(file.path.as_str(), file).is_some() {
                problems.push(format!("it lists {} twice", file.path));
            }
        }
        let references = self
            .inputs
            .iter()
            .map(|i| (Some(&i.entry), Some(&i.sha256)))
            .chain(
                self.evidence
                    .iter()
                    .map(|e| (e.entry.as_ref(), e.sha256.as_ref())),
            );
        for (entry, sha256) in references {
            let Some(entry) = entry else { continue };
            match listed.get(entry.as_str()) {
                None => problems.push(format!("{entry} is referred to but not listed in files")),
                Some(file) if sha256.is_some_and(|s| *s != file.sha256) => problems.push(format!(
                    "{entry} has two different SHA-256 values in the manifest"
                )),
                Some(_) => {}
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            tool: Tool {
                name: "demarc".into(),
                version: "0.1.0".into(),
            },
            organisation: None,
            period: PeriodInfo {
                label: "2026-Q3".into(),
                start: "2026-07-01".into(),
                end: "2026-09-30".into(),
            },
            as_of: "2026-09-30".into(),
            model: ModelInfo {
                name: "default".into(),
                sha256: "00".into(),
            },
            inputs: vec![InputEntry {
                source: "q3.xlsx".into(),
                entry: "inputs/q3.xlsx".into(),
                bytes: 3,
                sha256: "aa".into(),
            }],
            evidence: Vec::new(),
            files: vec![FileEntry {
                path: "inputs/q3.xlsx".into(),
                bytes: 3,
                sha256: "aa".into(),
            }],
        }
    }

    #[test]
    fn round_trips_and_finds_contradictions() {
        let m = manifest();
        let again: Manifest = serde_json::from_slice(&m.to_bytes()).unwrap();
        assert_eq!(again, m);
        assert!(m.contradictions().is_empty());

        let mut twice = m.clone();
        twice.files.push(twice.files[0].clone());
        assert_eq!(twice.contradictions(), ["it lists inputs/q3.xlsx twice"]);

        let mut differs = m.clone();
        differs.inputs[0].sha256 = "bb".into();
        assert_eq!(
            differs.contradictions(),
            ["inputs/q3.xlsx has two different SHA-256 values in the manifest"]
        );

        let mut unlisted = m;
        unlisted.files.clear();
        assert_eq!(
            unlisted.contradictions(),
            ["inputs/q3.xlsx is referred to but not listed in files"]
        );
    }
}
