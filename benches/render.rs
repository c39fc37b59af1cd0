//! How long the sample company's reports take: ingest + reconcile, and rendering every PDF
//! (board report, auditor pack, vendor packs). Run with `cargo bench --bench render`;
//! results are printed, not asserted (machines here are shared and noisy).

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn sample_run() -> demarc::Run {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let period = demarc::inputs::period::Period::parse("2026-Q3", 1).expect("a valid period");
    demarc::Run {
        inputs: vec![root.join("samples/northwind.xlsx")],
        as_of: period.end,
        period,
        model: demarc::model::Model::default(),
        organisation: Some("Northwind Health".into()),
        classification: "CONFIDENTIAL".into(),
        templates: None,
        ingest: Default::default(),
        residency: None,
    }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[runs / 2])
}

fn main() {
    let run = sample_run();
    let runs = 7;
    let (min, median) = time(runs, || demarc::analyse(&run).expect("the samples read"));
    println!(
        "samples: ingest + reconcile      min {min:>10.2?}  median {median:>10.2?}  ({runs} runs)"
    );
    let analysis = demarc::analyse(&run).expect("the samples read");
    let options = demarc::render::ReportOptions::default();
    let (files, _) = demarc::inputs::evidence_files::check_all(&analysis.inputs.evidence, None);
    let (min, median) = time(runs, || {
        demarc::render::render_all(
            &run,
            &options,
            &analysis.inputs,
            &analysis.reconciliation,
            &files,
            &demarc::progress::Silent,
        )
        .expect("the samples render")
    });
    let outputs = demarc::render::render_all(
        &run,
        &options,
        &analysis.inputs,
        &analysis.reconciliation,
        &files,
        &demarc::progress::Silent,
    )
    .unwrap()
    .outputs;
    let pdfs = outputs.iter().filter(|o| o.name.ends_with(".pdf")).count();
    println!("samples: render all outputs      min {min:>10.2?}  median {median:>10.2?}  ({runs} runs, {pdfs} PDFs)");
}
