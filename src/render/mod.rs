//! Everything a run writes: the findings document (JSON, CSV) and the PDFs, rendered in
//! memory first and then written each to a temporary file renamed into place — so a
//! failure leaves the previous run's outputs whole and never a half-written report.

pub mod document;
pub mod pdf;
pub mod templates;
pub mod view;

use crate::inputs::Inputs;
use crate::reconcile::Reconciliation;
use crate::Run;
use document::FindingsDocument;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use templates::Templates;

/// Why outputs could not be produced or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] templates::TemplateError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One rendered output, ready to be written.
pub struct Output {
    /// Path relative to the period's output directory.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Run-level values the Handlebars templates may use (escaped for Typst markup).
#[derive(Serialize)]
struct TemplateContext<'a> {
    organisation: &'a str,
    classification: &'a str,
    period: &'a str,
    version: &'a str,
}

/// Renders every output of `demarc report` in memory.
pub fn render_all(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
) -> Result<Vec<Output>, RenderError> {
    let templates = Templates::load(run.templates.as_deref())?;
    let context = TemplateContext {
        organisation: run
            .organisation
            .as_deref()
            .unwrap_or("(organisation not set)"),
        classification: &run.classification,
        period: &run.period.label,
        version: env!("CARGO_PKG_VERSION"),
    };
    let board_source = templates.render("board-report", &context)?;
    let pack_source = templates.render("auditor-pack", &context)?;
    let board_data = serde_json::to_vec(&view::board_report(run, inputs, rec)).expect("JSON");
    let pack_data = serde_json::to_vec(&view::auditor_pack(run, inputs, rec)).expect("JSON");
    // The two documents are independent: compile them on both cores.
    let (board, pack) = std::thread::scope(|scope| {
        let board =
            scope.spawn(|| pdf::compile("board-report", board_source, board_data, run.as_of));
        let pack = pdf::compile("auditor-pack", pack_source, pack_data, run.as_of);
        (
            board
                .join()
                .expect("the board report thread does not panic"),
            pack,
        )
    });
    let document = FindingsDocument::new(run, rec);
    Ok(vec![
        Output {
            name: "findings.json".into(),
            bytes: document.to_json().into_bytes(),
        },
        Output {
            name: "findings.csv".into(),
            bytes: document::findings_csv(&rec.findings),
        },
        Output {
            name: "board-report.pdf".into(),
            bytes: board?,
        },
        Output {
            name: "auditor-pack.pdf".into(),
            bytes: pack?,
        },
    ])
}

/// Writes outputs into `dir`, each through a temporary file renamed into place.
pub fn write_all(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>, RenderError> {
    let mut written = Vec::new();
    for output in outputs {
        let path = dir.join(&output.name);
        write_atomically(&path, &output.bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes a file so that readers see either the old content or the new, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    let fail = |source| RenderError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".demarc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    // Temporary files are private (0600); reports are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
