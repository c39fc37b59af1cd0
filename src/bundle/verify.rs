//! Checking a bundle: read its manifest, recompute every file's SHA-256 as a stream, check
//! the signature when there is one, and say file by file what matches, what was altered,
//! damaged, removed or added. Owns the judgement and its wording, not the zip layout.

use super::manifest::{Manifest, FORMAT, FORMAT_VERSION, MANIFEST_NAME, SIGNATURE_NAME};
use super::signing::{self, SignatureCheck};
use super::{BundleError, Hashing};
use crate::ingest::Limits;
use crate::progress::{Event, Progress, Reporting, Unit};
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use zip::ZipArchive;

/// `manifest.json` and `manifest.sig` larger than this are not ours (and are not read).
const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Same size and SHA-256 as the manifest says.
    Matches,
    /// Readable, but its content is not what the manifest says.
    Altered {
        sha256: String,
        bytes: u64,
        expected_sha256: String,
        expected_bytes: u64,
    },
    /// It cannot be read back intact (the archive's own checksum or compressed data is
    /// broken): it was changed inside the archive.
    Damaged(String),
    /// Listed in the manifest, absent from the bundle.
    Missing,
    /// In the bundle, not listed in the manifest.
    Added,
}

/// What could be made of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestState {
    Read(Box<Manifest>),
    Absent,
    /// It cannot be read back intact from the archive.
    Damaged(String),
    NotJson(String),
    NotOurs(String),
}

/// The verdict on a bundle.
#[derive(Debug, Clone)]
pub struct Verification {
    pub manifest: ManifestState,
    /// SHA-256 of `manifest.json`, when there is one.
    pub manifest_sha256: Option<String>,
    /// Where the manifest contradicts itself.
    pub contradictions: Vec<String>,
    /// Problems of the archive itself: duplicate names, inconsistent headers, a comment
    /// or bytes before the first entry (demarc writes none).
    pub archive_problems: Vec<String>,
    pub signature: SignatureCheck,
    /// Every listed file in manifest order, then every added one.
    pub files: Vec<(String, Outcome)>,
}

impl Verification {
    /// Whether everything matches: exit status 0.
    pub fn passes(&self) -> bool {
        matches!(self.manifest, ManifestState::Read(_))
            && self.contradictions.is_empty()
            && self.archive_problems.is_empty()
            && self.signature.passes()
            && self.files.iter().all(|(_, o)| *o == Outcome::Matches)
    }

    /// What `demarc verify` prints: a header, the signature, a line per file, the evidence
    /// rows whose file is not in the bundle, then the verdict.
    ///
    /// Every name and field that came from the bundle (entry names, manifest fields) is
    /// made inert first: an entry named with escape sequences must not be able to clear
    /// the screen and draw a fake "verified". The verdict is said first, on one line, and
    /// again last and alone, so neither a scrolled nor a cleared screen can hide it.
    pub fn report(&self, bundle: &Path) -> String {
        use crate::inputs::names::inert;
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.verdict());
        let _ = writeln!(out, "bundle: {}", inert(&bundle.display().to_string()));
        if let ManifestState::Read(m) = &self.manifest {
            let organisation = m
                .organisation
                .as_deref()
                .map(|o| format!("{}, ", inert(o)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "made by {} {} for {organisation}{} ({} to {}), as of {}; model {:?} (SHA-256 {})",
                inert(&m.tool.name),
                inert(&m.tool.version),
                inert(&m.period.label),
                m.period.start,
                m.period.end,
                m.as_of,
                m.model.name,
                inert(&m.model.sha256)
            );
        }
        if let Some(sha) = &self.manifest_sha256 {
            let _ = writeln!(out, "manifest.json SHA-256: {sha}");
        }
        let _ = writeln!(out, "{}", signature_line(&self.signature));

        let width = 8;
        for (path, outcome) in &self.files {
            let path = inert(path);
            let line = match outcome {
                Outcome::Matches => format!("{:width$} {path}", "ok"),
                Outcome::Altered {
                    sha256,
                    bytes,
                    expected_sha256,
                    expected_bytes,
                } => format!(
                    "{:width$} {path}: its SHA-256 is {sha256} ({bytes} bytes); the manifest says {expected_sha256} ({expected_bytes} bytes)",
                    "ALTERED"
                ),
                Outcome::Damaged(why) => format!(
                    "{:width$} {path}: cannot be read back intact ({}): it was changed inside the archive",
                    "DAMAGED",
                    inert(why)
                ),
                Outcome::Missing => format!("{:width$} {path}: listed in the manifest but not in the bundle", "MISSING"),
                Outcome::Added => format!("{:width$} {path}: in the bundle but not listed in the manifest", "ADDED"),
            };
            let _ = writeln!(out, "  {line}");
        }

        if let ManifestState::Read(m) = &self.manifest {
            let left_out: Vec<_> = m
                .evidence
                .iter()
                .filter(|row| row.entry.is_none())
                .collect();
            if !left_out.is_empty() {
                let _ = writeln!(
                    out,
                    "evidence rows whose file is not in the bundle ({}, as recorded when it was made):",
                    left_out.len()
                );
                for row in left_out {
                    let why = row
                        .reason
                        .as_deref()
                        .map(|r| format!(" ({})", inert(r)))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {:width$} {}: {:?}{why}",
                        inert(&row.status.to_string()),
                        inert(&row.source.to_string()),
                        row.file
                    );
                }
            }
        }

        for problem in &self.archive_problems {
            let _ = writeln!(out, "FAILED: {}", inert(problem));
        }
        match &self.manifest {
            ManifestState::Read(_) => {}
            ManifestState::Absent => {
                let _ = writeln!(
                    out,
                    "FAILED: the bundle has no manifest.json: it is not a demarc evidence bundle, or its manifest was removed"
                );
            }
            ManifestState::Damaged(why) => {
                let _ = writeln!(
                    out,
                    "FAILED: manifest.json {}: it was changed inside the archive",
                    inert(why)
                );
            }
            ManifestState::NotJson(why) => {
                let _ = writeln!(
                    out,
                    "FAILED: manifest.json is not valid JSON ({}): it was damaged or edited",
                    inert(why)
                );
            }
            ManifestState::NotOurs(why) => {
                let _ = writeln!(
                    out,
                    "FAILED: manifest.json is not a demarc bundle manifest: {}",
                    inert(why)
                );
            }
        }
        for contradiction in &self.contradictions {
            let _ = writeln!(
                out,
                "FAILED: manifest.json contradicts itself: {}",
                inert(contradiction)
            );
        }
        let _ = writeln!(out, "\n{}", self.verdict());
        out
    }

    /// The closing line.
    fn verdict(&self) -> String {
        let listed = self
            .files
            .iter()
            .filter(|(_, o)| *o != Outcome::Added)
            .count();
        let matching = self
            .files
            .iter()
            .filter(|(_, o)| *o == Outcome::Matches)
            .count();
        if !matches!(self.manifest, ManifestState::Read(_)) {
            return "verification FAILED: without a manifest no file could be checked".into();
        }
        if self.passes() {
            let signed = match &self.signature {
                SignatureCheck::Valid {
                    key_checked: true, ..
                } => "signed by the expected key",
                SignatureCheck::Valid { .. } => "signed, signer not checked",
                _ => "unsigned",
            };
            return format!("verified: all {listed} files match the manifest ({signed})");
        }
        let count =
            |wanted: fn(&Outcome) -> bool| self.files.iter().filter(|(_, o)| wanted(o)).count();
        let mut kinds = Vec::new();
        for (n, word) in [
            (count(|o| matches!(o, Outcome::Altered { .. })), "altered"),
            (count(|o| matches!(o, Outcome::Damaged(_))), "damaged"),
            (count(|o| matches!(o, Outcome::Missing)), "missing"),
            (count(|o| matches!(o, Outcome::Added)), "added"),
        ] {
            if n > 0 {
                kinds.push(format!("{n} {word}"));
            }
        }
        if !self.signature.passes() {
            kinds.push("signature not accepted".into());
        }
        if !self.contradictions.is_empty() || !self.archive_problems.is_empty() {
            kinds.push("the manifest has problems (FAILED lines)".into());
        }
        format!(
            "verification FAILED: {}; {matching} of {listed} listed files match",
            kinds.join(", ")
        )
    }
}

fn signature_line(check: &SignatureCheck) -> String {
    match check {
        SignatureCheck::Unsigned => "signature: unsigned — nothing in the bundle proves who made it; compare the manifest's SHA-256 above with the one the sender gave you, or ask for a signed bundle".into(),
        SignatureCheck::UnsignedButExpected { expected } => format!(
            "signature: MISSING — --public-key ({expected}) was given but the bundle is unsigned (no manifest.sig)"
        ),
        SignatureCheck::Valid { fingerprint, key_checked: true } => {
            format!("signature: valid, made by the --public-key key ({fingerprint})")
        }
        SignatureCheck::Valid { fingerprint, key_checked: false } => format!(
            "signature: valid, made by key {fingerprint} — pass --public-key with the sender's public key to check who that is"
        ),
        SignatureCheck::Invalid { fingerprint } => format!(
            "signature: INVALID — manifest.sig (key {fingerprint}) does not match manifest.json: one of them was changed after signing"
        ),
        SignatureCheck::WrongKey { found, expected } => format!(
            "signature: WRONG KEY — signed by {found}, not by the --public-key key {expected}"
        ),
        SignatureCheck::Malformed(why) => format!("signature: UNREADABLE — manifest.sig: {why}"),
    }
}

/// Verifies a bundle. Errors only when it cannot be read at all (exit status 2).
pub fn verify(
    path: &Path,
    expected_key: Option<&VerifyingKey>,
    limits: &Limits,
    progress: &dyn Progress,
) -> Result<Verification, BundleError> {
    let unreadable = |message: String| BundleError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    // Opening a FIFO to read waits for a writer that may never come.
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(unreadable(crate::ingest::NOT_A_REGULAR_FILE.to_string()))
        }
        _ => {}
    }
    let file = std::fs::File::open(path).map_err(|e| unreadable(format!("cannot open it: {e}")))?;
    let mut archive = ZipArchive::new(BufReader::new(file))
        .map_err(|e| unreadable(format!("not a zip archive ({e})")))?;

    let mut archive_problems = Vec::new();
    if archive.has_duplicate_names() {
        archive_problems.push(
            "the archive holds two entries with the same name: one may hide the other".into(),
        );
    } else if let Err(e) = archive.validate_header_consistency() {
        archive_problems.push(format!("the archive's headers contradict each other ({e})"));
    }
    if !archive.comment().is_empty() {
        archive_problems.push(format!(
            "the archive carries a comment ({} bytes) that demarc never writes",
            archive.comment().len()
        ));
    }
    if archive.offset() != 0 {
        archive_problems.push(format!(
            "{} bytes were put before the archive's first entry",
            archive.offset()
        ));
    }

    let manifest_read = read_small(&mut archive, MANIFEST_NAME);
    let signature_read = read_small(&mut archive, SIGNATURE_NAME);
    let (manifest, manifest_bytes) = match manifest_read {
        Err(why) => (ManifestState::Damaged(why), None),
        Ok(None) => (ManifestState::Absent, None),
        Ok(Some(bytes)) => (read_manifest(&bytes, path, limits)?, Some(bytes)),
    };
    let signature = match (signature_read, &manifest_bytes) {
        (Err(why), _) => SignatureCheck::Malformed(why),
        (Ok(Some(_)), None) => {
            SignatureCheck::Malformed("there is no readable manifest.json for it to sign".into())
        }
        (Ok(signature), Some(bytes)) => signing::check(signature.as_deref(), bytes, expected_key),
        (Ok(None), None) => signing::check(None, b"", expected_key),
    };
    let mut verification = Verification {
        manifest_sha256: manifest_bytes
            .as_ref()
            .map(|b| format!("{:x}", Sha256::digest(b))),
        contradictions: Vec::new(),
        archive_problems,
        signature,
        files: Vec::new(),
        manifest,
    };
    let ManifestState::Read(manifest) = &verification.manifest else {
        return Ok(verification);
    };
    verification.contradictions = manifest.contradictions();

    progress.event(Event::Counting {
        verb: "verifying",
        unit: Unit::Bytes,
        total: manifest.files.iter().map(|f| f.bytes).sum(),
    });
    for listed in &manifest.files {
        progress.event(Event::Advanced {
            by: 0,
            on: Some(&listed.path),
        });
        let outcome = match archive.index_for_name(&listed.path) {
            None => Outcome::Missing,
            Some(index) => match archive.by_index(index) {
                Err(e) => Outcome::Damaged(e.to_string()),
                Ok(entry) => {
                    let mut reader = Hashing::new(Reporting::new(entry, progress));
                    match std::io::copy(&mut reader, &mut std::io::sink()) {
                        Err(e) => Outcome::Damaged(e.to_string()),
                        Ok(_) => {
                            let (sha256, bytes) = reader.finish();
                            if sha256 == listed.sha256 && bytes == listed.bytes {
                                Outcome::Matches
                            } else {
                                Outcome::Altered {
                                    sha256,
                                    bytes,
                                    expected_sha256: listed.sha256.clone(),
                                    expected_bytes: listed.bytes,
                                }
                            }
                        }
                    }
                }
            },
        };
        verification.files.push((listed.path.clone(), outcome));
    }
    progress.event(Event::Counted);

    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    // An auditor who unzips and re-zips a bundle adds entries for its folders (`inputs/`):
    // they hold nothing, so they are not files added. An entry named like a folder that
    // holds bytes is still reported.
    let folders: BTreeSet<String> = (0..archive.len())
        .filter_map(|i| {
            let entry = archive.by_index_raw(i).ok()?;
            (entry.is_dir() && entry.size() == 0)
                .then(|| String::from_utf8_lossy(entry.name_raw()).into_owned())
        })
        .collect();
    let mut added: Vec<String> = archive
        .file_names_raw()
        .map(|raw| String::from_utf8_lossy(raw).into_owned())
        .filter(|name| {
            name != MANIFEST_NAME
                && name != SIGNATURE_NAME
                && !listed.contains(name.as_str())
                && !folders.contains(name)
        })
        .collect();
    added.sort();
    verification
        .files
        .extend(added.into_iter().map(|name| (name, Outcome::Added)));
    Ok(verification)
}

/// Judges the manifest's bytes: not JSON, not ours, or ours. A newer format is an error:
/// this demarc cannot judge it.
fn read_manifest(bytes: &[u8], path: &Path, limits: &Limits) -> Result<ManifestState, BundleError> {
    // Parsing builds a tree of every entry (about 700 bytes each): count them first, so
    // a small manifest of millions of `{}` is refused rather than run out of memory.
    let objects = json_objects(bytes);
    if objects > limits.manifest_entries {
        return Err(BundleError::Unreadable {
            path: path.to_path_buf(),
            message: format!(
                "its manifest.json holds {objects} entries (JSON objects), more than the {} demarc verifies ({})",
                limits.manifest_entries,
                crate::ingest::raise_limit("manifest_entries")
            ),
        });
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => return Ok(ManifestState::NotJson(e.to_string())),
    };
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Ok(ManifestState::NotOurs(format!(
                "its format is {other:?}, not {FORMAT:?}"
            )))
        }
        None => {
            return Ok(ManifestState::NotOurs(format!(
                "it has no \"format\": {FORMAT:?}"
            )))
        }
    }
    if let Some(version) = value.get("format_version").and_then(|v| v.as_u64()) {
        if version > u64::from(FORMAT_VERSION) {
            return Err(BundleError::Unreadable {
                path: path.to_path_buf(),
                message: format!(
                    "its manifest is format {version}, newer than this demarc reads ({FORMAT_VERSION}): verify it with a newer demarc"
                ),
            });
        }
    }
    match serde_json::from_value::<Manifest>(value) {
        Ok(manifest) => Ok(ManifestState::Read(Box::new(manifest))),
        Err(e) => Ok(ManifestState::NotOurs(e.to_string())),
    }
}

/// How many JSON objects a document opens (`{` outside strings): an upper bound on the
/// entries a manifest lists, counted without parsing.
fn json_objects(bytes: &[u8]) -> u64 {
    let mut in_string = false;
    let mut escaped = false;
    let mut count = 0u64;
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'{' {
            count += 1;
        }
    }
    count
}

/// The bytes of a small entry, if the archive has it; why not, when it cannot be read or
/// is too large to be ours.
fn read_small<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let damaged = |e: &dyn std::fmt::Display| format!("cannot be read back intact ({e})");
    let entry = archive.by_index(index).map_err(|e| damaged(&e))?;
    let mut bytes = Vec::new();
    entry
        .take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| damaged(&e))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(format!(
            "is larger than {MAX_MANIFEST_BYTES} bytes, far more than a manifest needs"
        ));
    }
    Ok(Some(bytes))
}
