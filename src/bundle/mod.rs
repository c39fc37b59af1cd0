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

use crate::cli::{self, BundleArgs, VerifyArgs};
use crate::{terminal, Error};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
fn refuse_out_among<'a>(
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

/// `demarc bundle`: analyse and render as `demarc report` does, then seal everything into
/// one zip (or, with `--generate-key`, make a signing key).
pub fn execute_bundle(args: BundleArgs) -> Result<ExitCode, Error> {
    if let Some(path) = &args.generate_key {
        let (public, fingerprint) = signing::generate(path)?;
        println!(
            "wrote the secret key {} — keep it private; sign with: demarc bundle --sign {}",
            path.display(),
            path.display()
        );
        println!(
            "wrote the public key {} — give it to your auditors: demarc verify BUNDLE.zip --public-key {}",
            public.display(),
            public.display()
        );
        println!("key fingerprint {fingerprint}");
        return Ok(ExitCode::SUCCESS);
    }
    let config = cli::load_config(args.run.config.as_deref())?;
    let (run, mut options) = cli::resolve_report(&args.run, &args.render, &config)?;
    // Bad keys and paths are reported before any work is done.
    let key = args
        .sign
        .as_deref()
        .map(signing::load_secret_key)
        .transpose()?;
    let evidence_root = options.evidence_root.clone();
    if let Some(root) = &evidence_root {
        if !root.is_dir() {
            return Err(BundleError::EvidenceRoot { path: root.clone() }.into());
        }
    }
    options.progress = Some(terminal::progress_bar(0, "rendering", "PDFs"));
    let target = args.out.unwrap_or_else(|| {
        let label = &run.period.label;
        config
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output"))
            .join(label)
            .join(format!("evidence-bundle-{label}.zip"))
    });
    refuse_out_among(&target, "an input", run.inputs.iter().map(PathBuf::as_path))?;
    let documents = &run.ingest.vendor_documents;
    refuse_out_among(
        &target,
        "a vendor's document",
        documents
            .caiq
            .iter()
            .chain(&documents.fedramp)
            .map(|(_, p)| p.as_path()),
    )?;
    refuse_out_among(&target, "the model file", run.model.file.as_deref())?;
    let temp = temp_file_beside(&target)?;

    let crate::Reports {
        analysis,
        files,
        outputs,
    } = crate::make_reports(&run, &options)?;
    // Files found inside input directories too.
    refuse_out_among(
        &target,
        "an input",
        analysis.inputs.files.iter().map(|f| Path::new(&f.path)),
    )?;
    if let Some(root) = &evidence_root {
        let sealed: Vec<PathBuf> = analysis
            .inputs
            .evidence
            .iter()
            .zip(&files)
            .filter(|(_, status)| {
                matches!(status, crate::evidence_files::FileStatus::Hashed { .. })
            })
            .map(|(e, _)| root.join(&e.file))
            .collect();
        refuse_out_among(
            &target,
            "an evidence file",
            sealed.iter().map(PathBuf::as_path),
        )?;
    }
    let sealed = seal::seal(
        seal::Contents {
            run: &run,
            inputs: &analysis.inputs,
            files: &files,
            evidence_root: evidence_root.as_deref(),
            outputs,
            key: key.as_ref(),
        },
        temp,
        &target,
    )?;

    terminal::print_report(&run, &analysis, std::slice::from_ref(&target));
    if terminal::is_quiet() {
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "sealed {} files ({} bytes) and manifest.json, SHA-256 {}",
        sealed.files, sealed.bytes, sealed.manifest_sha256
    );
    match &sealed.signer {
        Some(fingerprint) => println!("signed with key {fingerprint}"),
        None => println!("unsigned: give the auditor the manifest's SHA-256 above by another channel, or sign with --sign KEY"),
    }
    if evidence_root.is_none() {
        println!("no evidence root (--evidence-root or evidence_root in demarc.toml): no evidence file was sealed");
    }
    if !sealed.left_out.is_empty() {
        let counts: Vec<String> = sealed
            .left_out
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        println!(
            "evidence rows whose file is not in the bundle (listed in manifest.json): {}",
            counts.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `demarc verify`: 0 when everything matches, 1 when the bundle fails, errors (2) when it
/// cannot be read at all.
pub fn execute_verify(args: &VerifyArgs) -> Result<ExitCode, Error> {
    let key = args
        .public_key
        .as_deref()
        .map(signing::load_public_key)
        .transpose()?;
    let limits =
        crate::ingest::Limits::from(crate::cli::load_config(args.config.as_deref())?.limits);
    let verification = verify::verify(&args.bundle, key.as_ref(), &limits)?;
    print!("{}", verification.report(&args.bundle));
    Ok(if verification.passes() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A temporary file in the target's directory (created if need be), so that a bundle that
/// cannot be written there fails before the work, and the finished one is renamed into place.
fn temp_file_beside(target: &Path) -> Result<tempfile::NamedTempFile, BundleError> {
    let fail = |source| BundleError::Write {
        path: target.to_path_buf(),
        source,
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::Builder::new()
        .prefix(".demarc-bundle-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)
}

/// A progress bar over `total` bytes (see [`terminal::progress_bar`]).
fn progress_bar(total: u64, verb: &'static str) -> indicatif::ProgressBar {
    terminal::progress_bar(total, verb, "bytes")
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
