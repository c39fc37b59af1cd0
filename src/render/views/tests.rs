//! Snapshots of every document's data for the samples (`samples/`, the run the README
//! shows), so that a change to what templates read is seen in review: a changed snapshot
//! is a changed contract for whoever wrote their own templates.

use super::{appendix, auditor, board, vendor};
use crate::inputs::evidence_files::FileStatus;
use crate::render::trend::Previous;
use crate::render::EvidenceListing;
use crate::{Analysis, Run};
use std::path::Path;

/// The samples' run as `cd samples && demarc report` makes it: `samples/demarc.toml`'s
/// organisation, period, classification and residency policy, no evidence root.
fn sample_run() -> (Run, Analysis, Vec<FileStatus>) {
    let config = crate::config::ConfigFile::load(Path::new("samples/demarc.toml")).unwrap();
    let period = crate::inputs::period::Period::parse("2026-Q3", 1).unwrap();
    let run = Run {
        inputs: vec!["samples/northwind.xlsx".into()],
        as_of: period.end,
        period,
        model: crate::model::Model::default(),
        organisation: config.organisation.clone(),
        classification: config.classification.clone().unwrap(),
        templates: None,
        ingest: Default::default(),
        residency: config.residency.clone(),
    };
    let analysis = crate::analyse(&run).unwrap();
    let (files, _) = crate::inputs::evidence_files::check_all(&analysis.inputs.evidence, None);
    (run, analysis, files)
}

fn pretty(view: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(view).unwrap()
}

/// The board report with the default appetite and sign-off and no history, as most tests
/// want it.
fn board_with_defaults(
    run: &Run,
    inputs: &crate::inputs::Inputs,
    rec: &crate::reconcile::Reconciliation,
    previous: Option<&Previous>,
) -> board::BoardReport {
    board::board_report(
        run,
        inputs,
        rec,
        &Default::default(),
        previous,
        &Default::default(),
    )
}

#[test]
fn board_report() {
    let (run, a, _) = sample_run();
    let view = board_with_defaults(&run, &a.inputs, &a.reconciliation, None);
    insta::assert_snapshot!("board-report", pretty(&view));
}

#[test]
fn board_report_with_a_previous_period() {
    let (run, a, _) = sample_run();
    // A previous quarter with a lower posture that had the last findings but not the
    // first three: three new findings, none resolved.
    let previous = Previous {
        label: "2026-Q2".into(),
        percent: 80.0,
        findings: a.reconciliation.findings[3..].to_vec(),
        organisation: None,
        start: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
    };
    let view = board_with_defaults(&run, &a.inputs, &a.reconciliation, Some(&previous));
    insta::assert_snapshot!("board-report-trend", pretty(&view.trend));
}

#[test]
fn auditor_pack() {
    let (run, a, files) = sample_run();
    let view = auditor::auditor_pack(
        &run,
        &a.inputs,
        &a.reconciliation,
        &files,
        EvidenceListing::Auto,
    );
    insta::assert_snapshot!("auditor-pack", pretty(&view));
}

#[test]
fn auditor_pack_compact_listing() {
    let (run, a, files) = sample_run();
    let view = auditor::auditor_pack(
        &run,
        &a.inputs,
        &a.reconciliation,
        &files,
        EvidenceListing::Compact,
    );
    insta::assert_snapshot!("auditor-pack-compact-controls", pretty(&view.controls));
}

/// The samples under `model = "providers"`: the auditor pack's model section (which
/// profile decided each service's cells, where it differs from the matrix, the sources)
/// and the AWS vendor pack's split per service.
#[test]
fn the_model_section_and_aws_split_under_providers() {
    let (mut run, _, files) = sample_run();
    run.model = crate::model::Model::providers();
    let a = crate::analyse(&run).unwrap();
    let view = auditor::auditor_pack(
        &run,
        &a.inputs,
        &a.reconciliation,
        &files,
        EvidenceListing::Auto,
    );
    insta::assert_snapshot!("auditor-pack-providers-model", pretty(&view.model));
    let aws = vendor::vendor_pack(&run, &a.inputs, &a.reconciliation, "AWS");
    let splits: Vec<_> = aws.services.iter().map(|s| (&s.name, &s.split)).collect();
    insta::assert_snapshot!("vendor-pack-AWS-providers-split", pretty(&splits));
}

#[test]
fn vendor_packs() {
    let (run, a, _) = sample_run();
    let vendors = vendor::pack_vendors(&a.inputs, &a.reconciliation.directory);
    assert_eq!(vendors.len(), 10, "{vendors:?}");
    for name in vendors {
        let view = vendor::vendor_pack(&run, &a.inputs, &a.reconciliation, &name);
        let stem = name.replace(' ', "-");
        insta::assert_snapshot!(format!("vendor-pack-{stem}"), pretty(&view));
    }
}

#[test]
fn evidence_appendix() {
    let (run, a, files) = sample_run();
    let rows: Vec<usize> = (0..a.inputs.evidence.len())
        .filter(|&i| a.inputs.evidence[i].collected_on <= run.period.end)
        .collect();
    let numbering = appendix::AppendixPart {
        part: 1,
        parts: 1,
        first: 1,
        total: rows.len(),
    };
    let view = appendix::evidence_appendix(&run, &a.inputs, &files, &rows, numbering);
    insta::assert_snapshot!("evidence-appendix", pretty(&view));
}

/// The schemas describe the data: every sample document validates against its own.
#[test]
fn the_schemas_accept_the_sample_data() {
    let (run, a, files) = sample_run();
    let (inputs, rec) = (&a.inputs, &a.reconciliation);
    let previous = Previous {
        label: "2026-Q2".into(),
        percent: 80.0,
        findings: Vec::new(),
        organisation: None,
        start: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
    };
    let mut data: Vec<(&str, serde_json::Value)> = vec![
        (
            "board-report",
            serde_json::to_value(board_with_defaults(&run, inputs, rec, None)).unwrap(),
        ),
        (
            "board-report",
            serde_json::to_value(board_with_defaults(&run, inputs, rec, Some(&previous))).unwrap(),
        ),
        (
            "auditor-pack",
            serde_json::to_value(auditor::auditor_pack(
                &run,
                inputs,
                rec,
                &files,
                EvidenceListing::Auto,
            ))
            .unwrap(),
        ),
    ];
    for name in vendor::pack_vendors(inputs, &rec.directory) {
        data.push((
            "vendor-pack",
            serde_json::to_value(vendor::vendor_pack(&run, inputs, rec, &name)).unwrap(),
        ));
    }
    let numbering = appendix::AppendixPart {
        part: 1,
        parts: 1,
        first: 1,
        total: 1,
    };
    data.push((
        "evidence-appendix",
        serde_json::to_value(appendix::evidence_appendix(
            &run,
            inputs,
            &files,
            &[0],
            numbering,
        ))
        .unwrap(),
    ));
    let schemas = super::schemas();
    for (document, value) in data {
        let schema = &schemas.iter().find(|(d, _)| *d == document).unwrap().1;
        let validator = jsonschema::validator_for(schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{document}: {errors:?}");
    }
}

/// Under `model = "providers"` the board's heatmap letters are the profiles' owners: Amazon
/// S3 (AWS abstracted) has IAM the customer's and application controls AWS's, where the
/// seeds' matrix (the default run) has both shared; Amazon EC2 (AWS infrastructure)
/// keeps the matrix's letters.
#[test]
fn board_heatmap_letters_follow_the_provider_profiles() {
    let letters = |model: crate::model::Model, service: &str| -> String {
        let (mut run, _, _) = sample_run();
        run.model = model;
        let a = crate::analyse(&run).unwrap();
        let view = board_with_defaults(&run, &a.inputs, &a.reconciliation, None);
        let row = view
            .heat
            .rows
            .iter()
            .find(|r| r.service == service)
            .unwrap_or_else(|| panic!("no heatmap row {service}"));
        row.cells.iter().map(|c| c.owner.as_str()).collect()
    };
    // Domains in order: data, endpoint, IAM, application, network, host, physical.
    assert_eq!(
        letters(crate::model::Model::default(), "Amazon S3"),
        "CCSSPPP"
    );
    assert_eq!(
        letters(crate::model::Model::providers(), "Amazon S3"),
        "CCCPPPP"
    );
    assert_eq!(
        letters(crate::model::Model::providers(), "Amazon RDS"),
        "CCCSSPP"
    );
    assert_eq!(
        letters(crate::model::Model::providers(), "Amazon EC2"),
        letters(crate::model::Model::default(), "Amazon EC2")
    );
}
