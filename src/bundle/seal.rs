//! Writing a bundle: lay out the entries (reports, inputs, evidence files), write the
//! manifest from the hashes already known, then stream every file into the zip — checking
//! on the way that each still has the hash the manifest gives it.
//!
//! Deterministic by construction: entries in a fixed order (manifest first, the rest sorted
//! by path), every timestamp 1980-01-01, mode 0644, Unix as the creating system, a fixed
//! compression level, no extra fields, nothing taken from the clock or the machine.

use super::manifest::{
    EvidenceRow, FileEntry, InputEntry, Manifest, ModelInfo, PeriodInfo, Tool, FORMAT,
    FORMAT_VERSION, MANIFEST_NAME, SIGNATURE_NAME,
};
use super::{BundleError, Hashing};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::Inputs;
use crate::progress::{Event, Progress, Reporting, Unit};
use crate::render::Output;
use crate::Run;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Files at least this large are written with ZIP64 sizes. Fixed by size alone (not by how
/// well a file compresses) so that the same file always gives the same bytes.
const ZIP64_FROM: u64 = 0xF000_0000;

/// Extensions of formats that are compressed already: stored as they are, since deflating
/// them again costs time and saves nothing.
const STORED_EXTENSIONS: &[&str] = &[
    "7z", "bz2", "docx", "gif", "gz", "heic", "jpeg", "jpg", "mov", "mp3", "mp4", "odp", "ods",
    "odt", "pdf", "png", "pptx", "rar", "tgz", "webp", "xlsm", "xlsx", "xz", "zip", "zst",
];

/// What a finished bundle holds, for the closing message.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// Files in the bundle besides the manifest and its signature.
    pub files: usize,
    /// Their total size before compression.
    pub bytes: u64,
    /// SHA-256 of `manifest.json`: a value the sender can pass on by another channel.
    pub manifest_sha256: String,
    /// Fingerprint of the signing key, when signed.
    pub signer: Option<String>,
    /// Evidence rows naming a file that is not in the bundle, by status.
    pub left_out: BTreeMap<String, usize>,
}

/// Where an entry's bytes come from.
enum Content {
    Memory(Vec<u8>),
    /// A file on disk, streamed.
    File {
        path: PathBuf,
    },
    /// An output staged as it was made, streamed (and removed once sealed).
    Staged(NamedTempFile),
}

/// One file of the bundle, with the size and hash the manifest records for it.
struct Entry {
    name: String,
    bytes: u64,
    sha256: String,
    content: Content,
}

/// Everything that goes into one bundle.
pub struct Contents<'a> {
    pub run: &'a Run,
    pub inputs: &'a Inputs,
    /// One status per evidence row (from [`crate::inputs::evidence_files::check_all`]).
    pub files: &'a [FileStatus],
    pub evidence_root: Option<&'a Path>,
    /// The rendered reports (from [`crate::render::render_all`]).
    pub outputs: Vec<Output>,
    pub key: Option<&'a SigningKey>,
    /// Told of every byte sealed.
    pub progress: &'a dyn Progress,
}

/// Writes the bundle into `temp` and renames it to `target`.
pub fn seal(
    mut contents: Contents<'_>,
    temp: NamedTempFile,
    target: &Path,
) -> Result<Sealed, BundleError> {
    let outputs = std::mem::take(&mut contents.outputs);
    let (entries, manifest) = lay_out(&contents, outputs)?;
    let manifest_bytes = manifest.to_bytes();
    let signature = contents
        .key
        .map(|key| super::signing::sign(key, &manifest_bytes));
    let sealed = Sealed {
        files: entries.len(),
        bytes: entries.iter().map(|e| e.bytes).sum(),
        manifest_sha256: format!("{:x}", Sha256::digest(&manifest_bytes)),
        signer: contents
            .key
            .map(|k| super::signing::fingerprint(&k.verifying_key())),
        left_out: manifest
            .evidence
            .iter()
            .filter(|row| row.entry.is_none())
            .fold(BTreeMap::new(), |mut counts, row| {
                *counts.entry(row.status.clone()).or_insert(0) += 1;
                counts
            }),
    };

    let write_error = |source: std::io::Error| BundleError::Write {
        path: target.to_path_buf(),
        source,
    };
    let zip_error = |e: zip::result::ZipError| BundleError::Write {
        path: target.to_path_buf(),
        source: std::io::Error::other(e),
    };
    let progress = contents.progress;
    progress.event(Event::Counting {
        verb: "sealing",
        unit: Unit::Bytes,
        total: sealed.bytes,
    });
    let mut zip = ZipWriter::new(BufWriter::new(temp));
    zip.start_file(
        MANIFEST_NAME,
        options(MANIFEST_NAME, manifest_bytes.len() as u64),
    )
    .map_err(zip_error)?;
    zip.write_all(&manifest_bytes).map_err(write_error)?;
    if let Some(signature) = &signature {
        zip.start_file(
            SIGNATURE_NAME,
            options(SIGNATURE_NAME, signature.len() as u64),
        )
        .map_err(zip_error)?;
        zip.write_all(signature).map_err(write_error)?;
    }
    for entry in &entries {
        progress.event(Event::Advanced {
            by: 0,
            on: Some(&entry.name),
        });
        zip.start_file(entry.name.as_str(), options(&entry.name, entry.bytes))
            .map_err(zip_error)?;
        match &entry.content {
            Content::Memory(bytes) => {
                zip.write_all(bytes).map_err(write_error)?;
                progress.event(Event::Advanced {
                    by: bytes.len() as u64,
                    on: None,
                });
            }
            Content::File { .. } | Content::Staged(_) => {
                let path = match &entry.content {
                    Content::Staged(temp) => temp.path().to_path_buf(),
                    Content::File { path } => path.clone(),
                    Content::Memory(_) => unreachable!("matched above"),
                };
                let read_error = |source| BundleError::Read {
                    path: path.clone(),
                    source,
                };
                let file = std::fs::File::open(&path).map_err(read_error)?;
                let mut reader = Hashing::new(Reporting::new(file, progress));
                std::io::copy(&mut reader, &mut zip).map_err(read_error)?;
                let (sha256, bytes) = reader.finish();
                if sha256 != entry.sha256 || bytes != entry.bytes {
                    return Err(BundleError::Changed { path });
                }
            }
        }
    }
    progress.event(Event::Counted);
    let temp = zip
        .finish()
        .map_err(zip_error)?
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    temp.as_file().sync_all().map_err(write_error)?;
    // Temporary files are private (0600); a bundle is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(write_error)?;
    }
    temp.persist(target).map_err(|e| write_error(e.error))?;
    Ok(sealed)
}

/// The zip options of an entry: the same for the same name and size, whatever the clock,
/// the platform or the zip crate's defaults.
fn options(name: &str, bytes: u64) -> SimpleFileOptions {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let stored = STORED_EXTENSIONS.contains(&extension.as_str());
    SimpleFileOptions::default()
        .compression_method(if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        })
        .compression_level(if stored { None } else { Some(6) })
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .system(zip::System::Unix)
        .large_file(bytes >= ZIP64_FROM)
}

/// The entries, sorted by name, and the manifest describing them.
fn lay_out(
    contents: &Contents<'_>,
    outputs: Vec<Output>,
) -> Result<(Vec<Entry>, Manifest), BundleError> {
    let run = contents.run;
    let mut entries: Vec<Entry> = outputs
        .into_iter()
        .map(|output| {
            let name = format!("reports/{}", output.name);
            match output.content {
                crate::render::Content::Bytes(bytes) => Ok(Entry {
                    name,
                    bytes: bytes.len() as u64,
                    sha256: format!("{:x}", Sha256::digest(&bytes)),
                    content: Content::Memory(bytes),
                }),
                // Hashed as it is read, and read again as it is sealed: never held whole.
                crate::render::Content::Staged(temp) => {
                    let read_error = |source| BundleError::Read {
                        path: temp.path().to_path_buf(),
                        source,
                    };
                    let mut reader =
                        super::Hashing::new(std::fs::File::open(temp.path()).map_err(read_error)?);
                    std::io::copy(&mut reader, &mut std::io::sink()).map_err(read_error)?;
                    let (sha256, bytes) = reader.finish();
                    Ok(Entry {
                        name,
                        bytes,
                        sha256,
                        content: Content::Staged(temp),
                    })
                }
            }
        })
        .collect::<Result<_, BundleError>>()?;

    let mut used = BTreeSet::new();
    let mut inputs = Vec::new();
    for file in &contents.inputs.files {
        let entry = input_entry(&file.path, &mut used);
        inputs.push(InputEntry {
            source: file.path.clone(),
            entry: entry.clone(),
            bytes: file.bytes,
            sha256: file.sha256.clone(),
        });
        entries.push(Entry {
            name: entry,
            bytes: file.bytes,
            sha256: file.sha256.clone(),
            content: Content::File {
                path: PathBuf::from(&file.path),
            },
        });
    }

    let canonical_root = match contents.evidence_root {
        Some(root) => Some(root.canonicalize().map_err(|source| BundleError::Read {
            path: root.to_path_buf(),
            source,
        })?),
        None => None,
    };
    let mut evidence = Vec::new();
    let mut evidence_files: BTreeMap<String, Entry> = BTreeMap::new();
    for (row, status) in contents.inputs.evidence.iter().zip(contents.files) {
        if matches!(status, FileStatus::None) {
            continue;
        }
        let mut record = EvidenceRow {
            source: row.source.clone(),
            file: row.file.clone(),
            status: status.label().to_string(),
            entry: None,
            sha256: None,
            reason: None,
        };
        match status {
            FileStatus::Hashed { sha256, bytes } => {
                let (Some(root), Some(canonical_root)) = (contents.evidence_root, &canonical_root)
                else {
                    unreachable!("files are hashed only under an evidence root")
                };
                let parts: Vec<&str> = row
                    .file
                    .trim()
                    .split(['/', '\\'])
                    .filter(|part| !part.is_empty() && *part != ".")
                    .collect();
                let name = format!("evidence/{}", parts.join("/"));
                let on_disk: PathBuf = parts
                    .iter()
                    .fold(root.to_path_buf(), |path, part| path.join(part));
                // The file was judged safe when it was hashed; make sure it still is.
                let resolved = on_disk
                    .canonicalize()
                    .ok()
                    .filter(|p| p.starts_with(canonical_root) && p.is_file())
                    .ok_or_else(|| BundleError::Changed {
                        path: on_disk.clone(),
                    })?;
                record.entry = Some(name.clone());
                record.sha256 = Some(sha256.clone());
                let entry = evidence_files.entry(name.clone()).or_insert(Entry {
                    name,
                    bytes: *bytes,
                    sha256: sha256.clone(),
                    content: Content::File { path: resolved },
                });
                // Two rows naming one file saw different contents: it changed meanwhile.
                if entry.sha256 != *sha256 {
                    return Err(BundleError::Changed { path: on_disk });
                }
            }
            FileStatus::Refused(why) => record.reason = Some(why.clone()),
            _ => {}
        }
        evidence.push(record);
    }
    entries.extend(evidence_files.into_values());
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    // Reports, inputs and evidence live under distinct prefixes, each deduplicated.
    debug_assert!(entries.windows(2).all(|pair| pair[0].name != pair[1].name));

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        organisation: run.organisation.clone(),
        period: PeriodInfo {
            label: run.period.label.clone(),
            start: run.period.start.to_string(),
            end: run.period.end.to_string(),
        },
        as_of: run.as_of.to_string(),
        model: ModelInfo {
            name: run.model.name.clone(),
            sha256: format!("{:x}", Sha256::digest(run.model.to_toml().as_bytes())),
        },
        inputs,
        evidence,
        files: entries
            .iter()
            .map(|e| FileEntry {
                path: e.name.clone(),
                bytes: e.bytes,
                sha256: e.sha256.clone(),
            })
            .collect(),
    };
    Ok((entries, manifest))
}

/// `inputs/<file name>`, with `-2`, `-3`… before the extension when two inputs share a
/// name (compared ignoring case, as Windows and macOS would when unpacking).
fn input_entry(path: &str, used: &mut BTreeSet<String>) -> String {
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().replace('\\', "_"))
        .unwrap_or_else(|| "input".into());
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name.as_str(), ""),
    };
    let mut candidate = name.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}{extension}");
        n += 1;
    }
    format!("inputs/{candidate}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_names_that_clash_get_a_suffix() {
        let mut used = BTreeSet::new();
        let names: Vec<String> = [
            "a/q3.xlsx",
            "b/Q3.xlsx",
            "c/q3.xlsx",
            "q3-2.xlsx",
            "d/services.csv",
            "README",
        ]
        .iter()
        .map(|p| input_entry(p, &mut used))
        .collect();
        assert_eq!(
            names,
            [
                "inputs/q3.xlsx",
                "inputs/Q3-2.xlsx",
                "inputs/q3-3.xlsx",
                "inputs/q3-2-2.xlsx",
                "inputs/services.csv",
                "inputs/README"
            ]
        );
    }

    #[test]
    fn options_depend_on_name_and_size_only() {
        let a = format!("{:?}", options("evidence/x.pdf", 10));
        assert_eq!(a, format!("{:?}", options("evidence/x.pdf", 10)));
        assert!(a.contains("Stored"), "{a}");
        assert!(format!("{:?}", options("reports/findings.json", 10)).contains("Deflated"));
    }
}
