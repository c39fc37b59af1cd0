//! `demarc bundle` and `demarc verify`: seal a run's reports, inputs and evidence into one
//! zip, and check one.

use super::{settings, terminal, BundleArgs, VerifyArgs};
use demarc::{bundle, Error};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `demarc bundle`: analyse and render as `demarc report` does, then seal everything into
/// one zip (or, with `--generate-key`, make a signing key).
pub fn execute(args: BundleArgs) -> Result<ExitCode, Error> {
    if let Some(path) = &args.generate_key {
        let (public, fingerprint) = bundle::signing::generate(path)?;
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
    let config = settings::load_config(args.run.config.as_deref())?;
    let (run, mut options) = settings::resolve_report(&args.run, &args.render, &config)?;
    // Bad keys and paths are reported before any work is done.
    let key = args
        .sign
        .as_deref()
        .map(bundle::signing::load_secret_key)
        .transpose()?;
    let evidence_root = options.evidence_root.clone();
    if let Some(root) = &evidence_root {
        if !root.is_dir() {
            return Err(bundle::BundleError::EvidenceRoot { path: root.clone() }.into());
        }
    }
    let target = args.out.unwrap_or_else(|| {
        let label = &run.period.label;
        config
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output"))
            .join(label)
            .join(format!("evidence-bundle-{label}.zip"))
    });
    bundle::refuse_out_among(&target, "an input", run.inputs.iter().map(PathBuf::as_path))?;
    let documents = &run.ingest.vendor_documents;
    bundle::refuse_out_among(
        &target,
        "a vendor's document",
        documents
            .caiq
            .iter()
            .chain(&documents.fedramp)
            .map(|(_, p)| p.as_path()),
    )?;
    bundle::refuse_out_among(&target, "the model file", run.model.file.as_deref())?;
    let temp = bundle::temp_file_beside(&target)?;
    let staging = bundle::staging_beside(&target)?;
    options.stage_in = Some(staging.path().to_path_buf());

    let demarc::Reports {
        analysis,
        files,
        outputs,
    } = demarc::make_reports(&run, &options, &terminal::Terminal)?;
    // Files found inside input directories too.
    bundle::refuse_out_among(
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
                matches!(
                    status,
                    demarc::inputs::evidence_files::FileStatus::Hashed { .. }
                )
            })
            .map(|(e, _)| root.join(&e.file))
            .collect();
        bundle::refuse_out_among(
            &target,
            "an evidence file",
            sealed.iter().map(PathBuf::as_path),
        )?;
    }
    let sealed = bundle::seal::seal(
        bundle::seal::Contents {
            run: &run,
            inputs: &analysis.inputs,
            files: &files,
            evidence_root: evidence_root.as_deref(),
            outputs,
            key: key.as_ref(),
            progress: &terminal::Terminal,
        },
        temp,
        &target,
    )?;

    terminal::print_report(&run, &analysis, &files, std::slice::from_ref(&target));
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
pub fn verify(args: &VerifyArgs) -> Result<ExitCode, Error> {
    let key = args
        .public_key
        .as_deref()
        .map(bundle::signing::load_public_key)
        .transpose()?;
    let limits =
        demarc::ingest::Limits::from(settings::load_config(args.config.as_deref())?.limits);
    let verification =
        bundle::verify::verify(&args.bundle, key.as_ref(), &limits, &terminal::Terminal)?;
    print!("{}", verification.report(&args.bundle));
    Ok(if verification.passes() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
