//! What `demarc templates export` writes: a starting point for restyling the PDFs. The
//! built-in templates (laid out as `--templates DIR` reads them, so the directory can be
//! edited and passed back as is), the data each document's template would receive for
//! this run, and the JSON Schema of that data — the contract a template is written
//! against (see [`super::views`]).

use super::views::{appendix, auditor, board, vendor};
use super::{templates, trend, unique_file_stem, ReportOptions};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::Inputs;
use crate::reconcile::Reconciliation;
use crate::Run;

/// One file of the kit: its path relative to the export directory (`/`-separated) and
/// its bytes.
pub struct KitFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl KitFile {
    fn json(path: String, value: &impl serde::Serialize) -> KitFile {
        let mut text = serde_json::to_string_pretty(value).expect("report data is JSON");
        text.push('\n');
        KitFile {
            path,
            bytes: text.into_bytes(),
        }
    }
}

/// The kit for this run: templates, then each document's data, then the schemas.
///
/// Every vendor pack's data is written (`vendor-pack.VENDOR.data.json`), so a template can
/// be tried against the vendor with the most to show. The evidence appendix's data is its
/// first part, whatever `--evidence-listing` says: the appendix is only compiled with
/// `full`, but its template can be restyled without.
pub fn template_kit(
    run: &Run,
    options: &ReportOptions,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> Vec<KitFile> {
    let mut kit: Vec<KitFile> = templates::built_in()
        .map(|(file, text)| KitFile {
            path: file.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let previous: Option<&trend::Previous> = options.previous.as_ref();
    kit.push(KitFile::json(
        "board-report.data.json".into(),
        &board::board_report(run, inputs, rec, &options.board, previous, &options.history),
    ));
    kit.push(KitFile::json(
        "auditor-pack.data.json".into(),
        &auditor::auditor_pack(run, inputs, rec, files, options.evidence_listing),
    ));
    let mut used_names = std::collections::BTreeSet::new();
    for name in vendor::pack_vendors(inputs, &rec.directory) {
        let stem = unique_file_stem(&name, &mut used_names);
        kit.push(KitFile::json(
            format!("vendor-pack.{stem}.data.json"),
            &vendor::vendor_pack(run, inputs, rec, &name),
        ));
    }
    let listed: Vec<usize> = (0..inputs.evidence.len())
        .filter(|&i| inputs.evidence[i].collected_on <= run.period.end)
        .collect();
    let first_part = &listed[..listed.len().min(super::APPENDIX_ROWS_PER_PART)];
    let numbering = appendix::AppendixPart {
        part: 1,
        parts: listed.len().div_ceil(super::APPENDIX_ROWS_PER_PART).max(1),
        first: 1,
        total: listed.len(),
    };
    kit.push(KitFile::json(
        "evidence-appendix.data.json".into(),
        &appendix::evidence_appendix(run, inputs, files, first_part, numbering),
    ));
    for (document, schema) in super::views::schemas() {
        kit.push(KitFile::json(
            format!("schemas/{document}.schema.json"),
            &schema,
        ));
    }
    kit
}
