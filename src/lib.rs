//! demarc: where the cloud provider's responsibility ends and yours begins.
//!
//! The pipeline, one module per step, data flowing one way:
//!
//! 1. [`ingest`] reads workbooks and CSV files into validated [`inputs`] records, each
//!    remembering its file, sheet and row — and vendors' CAIQ and FedRAMP workbooks into
//!    [`inputs::questionnaires`], their controls placed in the model's domains by
//!    [`model::mapping`];
//! 2. [`model`] says who owns each responsibility domain for each service model (with the
//!    shipped service catalogue, regions and the residency policy);
//! 3. [`reconcile`] judges every in-scope service × domain cell, attestation and CUEC at
//!    the period end, producing [`findings`] (declared once, in their catalogue) and
//!    coverage — pure, no I/O;
//! 4. [`render`] writes the findings document (JSON, CSV), OSCAL and the PDFs
//!    (Handlebars → Typst); [`bundle`] seals them with the inputs into one zip.
//!
//! The library prints nothing and parses no command line: it tells its caller how a run
//! goes through [`progress`]. The `demarc` binary (`src/main.rs`, `src/cli/`) turns flags
//! and `demarc.toml` ([`config`]) into a [`Run`] and shows the results.

pub mod bundle;
pub mod config;
pub mod findings;
pub mod ingest;
pub mod init;
pub mod inputs;
pub mod memory_guard;
pub mod model;
pub mod progress;
pub mod reconcile;
pub mod render;
pub mod small_file;

use chrono::NaiveDate;
use std::path::PathBuf;

/// Everything one run needs, validated.
#[derive(Debug, Clone)]
pub struct Run {
    pub inputs: Vec<PathBuf>,
    pub period: inputs::period::Period,
    /// Attestations issued after this date do not count.
    pub as_of: NaiveDate,
    pub model: model::Model,
    pub organisation: Option<String>,
    pub classification: String,
    pub templates: Option<PathBuf>,
    pub ingest: ingest::IngestOptions,
    /// Where each class of data may be held (`[residency]` in demarc.toml); `None` turns
    /// the residency check off.
    pub residency: Option<model::residency::Policy>,
}

/// Why a run failed (exit status 2). One variant per boundary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Model(#[from] model::ModelError),
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Bundle(#[from] bundle::BundleError),
    #[error(transparent)]
    Init(#[from] init::InitError),
    #[error("{0}")]
    Explain(String),
    #[error("{path}: {message}")]
    Output { path: PathBuf, message: String },
}

impl Error {
    /// Whether the failed run left every file as it was. `report` publishes its outputs
    /// as one set in one rename and `bundle` and `model --export` write one file the same
    /// way, so a failure anywhere writes nothing; only `init`, which writes two files,
    /// can fail between them.
    pub fn wrote_nothing(&self) -> bool {
        !matches!(self, Error::Init(_))
    }
}

/// The result of reading and reconciling.
pub struct Analysis {
    pub inputs: inputs::Inputs,
    pub reconciliation: reconcile::Reconciliation,
}

/// Reads the inputs and reconciles them, telling nobody how it goes.
pub fn analyse(run: &Run) -> Result<Analysis, Error> {
    analyse_showing(run, &progress::Silent)
}

/// Reads the inputs and reconciles them, telling `progress` each step.
pub fn analyse_showing(run: &Run, progress: &dyn progress::Progress) -> Result<Analysis, Error> {
    Ok(analyse_with_files(run, None, progress)?.0)
}

/// Reads the inputs, judges every evidence row's file when an evidence root is given
/// (refused paths become warnings), and reconciles: the files are looked at before the
/// rules run because a relied-on row whose file is missing is a finding.
fn analyse_with_files(
    run: &Run,
    evidence_root: Option<&std::path::Path>,
    progress: &dyn progress::Progress,
) -> Result<(Analysis, Vec<inputs::evidence_files::FileStatus>), Error> {
    let options = ingest::IngestOptions {
        // Under a residency policy a region nobody knows cannot be judged: it is an error.
        strict_regions: run.ingest.strict_regions || run.residency.is_some(),
        ..run.ingest.clone()
    };
    let mut inputs = {
        let _step = progress::Step::start(progress, "reading inputs");
        ingest::read_inputs(&run.inputs, &run.model, &options)?
    };
    progress.event(progress::Event::Detail(&format!(
        "read {} services, {} controls, {} evidence rows, {} attestations, {} CUECs from {} file(s)",
        inputs.services.len(),
        inputs.controls.len(),
        inputs.evidence.len(),
        inputs.attestations.len(),
        inputs.cuecs.len(),
        inputs.files.len()
    )));
    inputs
        .warnings
        .extend(run.model.overrides_matching_nothing(&inputs.services));
    let files = {
        // Without a root nothing is looked at (every file is "not checked"): no step.
        let _step =
            evidence_root.map(|_| progress::Step::start(progress, "checking evidence files"));
        let (files, refused) = inputs::evidence_files::check_all(&inputs.evidence, evidence_root);
        inputs.warnings.extend(refused);
        files
    };
    let reconciliation = {
        let _step = progress::Step::start(progress, "reconciling");
        reconcile::reconcile(reconcile::Judgement {
            inputs: &inputs,
            model: &run.model,
            period: &run.period,
            as_of: run.as_of,
            residency: run.residency.as_ref(),
            evidence_files: evidence_root.map(|_| files.as_slice()),
        })
    };
    Ok((
        Analysis {
            inputs,
            reconciliation,
        },
        files,
    ))
}

/// Reads, reconciles and judges every evidence file as `report` does, and returns what
/// `demarc templates export` writes: the built-in templates, each document's data for
/// this run and the data's JSON Schemas ([`render::kit`]).
pub fn template_kit(
    run: &Run,
    options: &render::ReportOptions,
    progress: &dyn progress::Progress,
) -> Result<Vec<render::kit::KitFile>, Error> {
    let (analysis, files) = analyse_with_files(run, options.evidence_root.as_deref(), progress)?;
    Ok(render::kit::template_kit(
        run,
        options,
        &analysis.inputs,
        &analysis.reconciliation,
        &files,
    ))
}

/// What `report` and `bundle` both make before writing anything.
pub struct Reports {
    pub analysis: Analysis,
    /// One status per evidence row: what became of its `evidence_file`.
    pub files: Vec<inputs::evidence_files::FileStatus>,
    /// Every output, rendered in memory.
    pub outputs: Vec<render::Output>,
}

/// Reads, reconciles, judges every evidence file (refused paths become warnings) and
/// renders every output in memory.
pub fn make_reports(
    run: &Run,
    options: &render::ReportOptions,
    progress: &dyn progress::Progress,
) -> Result<Reports, Error> {
    let (mut analysis, files) =
        analyse_with_files(run, options.evidence_root.as_deref(), progress)?;
    let rendered = {
        let _step = progress::Step::start(progress, "rendering");
        render::render_all(
            run,
            options,
            &analysis.inputs,
            &analysis.reconciliation,
            &files,
            progress,
        )?
    };
    analysis.inputs.warnings.extend(rendered.warnings);
    let outputs = rendered.outputs;
    Ok(Reports {
        analysis,
        files,
        outputs,
    })
}
