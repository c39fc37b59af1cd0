//! Evidence bundles: the period's reports, input workbooks and evidence files sealed into
//! one zip that anyone can check offline — `demarc bundle` writes it, `demarc verify`
//! checks it.
//!
//! A bundle holds `manifest.json` ([`manifest`]: every other file's size and SHA-256, the
//! period, the model's hash, the inputs, and what became of every evidence row's file),
//! optionally `manifest.sig` ([`signing`]: Ed25519 over the manifest's exact bytes), then
//! `reports/`, `inputs/` and `evidence/`. [`seal`] writes it deterministically, streaming
//! files from disk; [`verify`] recomputes every hash. Analysis and rendering are the same
//! as `demarc report`'s; this module only packs and checks.

pub mod manifest;
pub mod seal;
pub mod signing;
pub mod verify;

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a bundle could not be made, or cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {message}")]
    Key { path: PathBuf, message: String },
    #[error("{path}: --evidence-root is not a directory")]
    EvidenceRoot { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: changed while the bundle was being made; run demarc bundle again")]
    Changed { path: PathBuf },
    #[error("{path}: cannot write the bundle: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot be verified: {message}")]
    Unreadable { path: PathBuf, message: String },
    #[error("{path}: --out names {what} of this bundle: the bundle would overwrite what it seals; write it elsewhere")]
    OutIsAnInput { path: PathBuf, what: &'static str },
}

/// Refuses a bundle path that is one of the files the bundle reads or seals (`demarc
/// bundle q3.xlsx --out q3.xlsx` would replace the register with a zip of itself).
pub fn refuse_out_among<'a>(
    target: &Path,
    what: &'static str,
    candidates: impl IntoIterator<Item = &'a Path>,
) -> Result<(), BundleError> {
    let Ok(target_real) = std::fs::canonicalize(target) else {
        return Ok(()); // not there yet, so no input either
    };
    for candidate in candidates {
        if std::fs::canonicalize(candidate).is_ok_and(|c| c == target_real) {
            return Err(BundleError::OutIsAnInput {
                path: target.to_path_buf(),
                what,
            });
        }
    }
    Ok(())
}

/// A temporary file in the target's directory (created if need be), so that a bundle that
/// cannot be written there fails before the work, and the finished one is renamed into place.
pub fn temp_file_beside(target: &Path) -> Result<tempfile::NamedTempFile, BundleError> {
    let dir = dir_of(target)?;
    tempfile::Builder::new()
        .prefix(".demarc-bundle-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(write_error(target))
}

/// A temporary directory beside the target, where the run's large outputs are staged as
/// they are made and read back as they are sealed: none is held whole in memory (at half a
/// million findings the OSCAL export alone is 1.5 GB). Removed when dropped.
pub fn staging_beside(target: &Path) -> Result<tempfile::TempDir, BundleError> {
    let dir = dir_of(target)?;
    tempfile::Builder::new()
        .prefix(".demarc-bundle-")
        .tempdir_in(dir)
        .map_err(write_error(target))
}

/// The target's directory (`.` for a bare file name), created if need be.
fn dir_of(target: &Path) -> Result<&Path, BundleError> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(write_error(target))?;
    Ok(dir)
}

/// A failure to write beside `target`, as the error naming it.
fn write_error(target: &Path) -> impl Fn(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Write {
        path: target.to_path_buf(),
        source,
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The SHA-256 (hex) and size of everything read.
    fn finish(self) -> (String, u64) {
        (format!("{:x}", self.hasher.finalize()), self.bytes)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}
