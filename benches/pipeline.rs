//! Ingest, reconcile and render timed apart, on generated enterprise data
//! (`cargo run --release --example generate -- --scale 1 --out target/bench-data/scale-1`).
//! Run with `DEMARC_BENCH_DATA=target/bench-data/scale-1 cargo bench --bench pipeline`.
//! Prints figures; asserts nothing (machines here are shared and noisy).

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let data = PathBuf::from(
        std::env::var("DEMARC_BENCH_DATA").unwrap_or_else(|_| "target/bench-data/scale-1".into()),
    );
    if !data.join("enterprise.xlsx").is_file() {
        eprintln!(
            "no generated data at {}: run `cargo run --release --example generate -- --scale 1 --out {}` first",
            data.display(),
            data.display()
        );
        return;
    }
    let runs: usize = std::env::var("DEMARC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let period = demarc::inputs::period::Period::parse("2026-Q3", 1).expect("a period");
    let model = demarc::model::Model::default();
    for (label, input) in [
        ("xlsx", data.join("enterprise.xlsx")),
        ("csv", data.join("csv")),
    ] {
        let (ingest, inputs) = best_of(runs, || {
            demarc::ingest::read_inputs(std::slice::from_ref(&input), &model, &Default::default())
                .expect("generated data reads")
        });
        let (reconcile, rec) = best_of(runs, || {
            demarc::reconcile::reconcile(demarc::reconcile::Judgement {
                inputs: &inputs,
                model: &model,
                period: &period,
                as_of: period.end,
                residency: None,
                evidence_files: None,
            })
        });
        println!(
            "{} {label:>4}: ingest {ingest:>9.2?}  reconcile {reconcile:>9.2?}  ({} evidence rows, {} findings)",
            data.display(),
            inputs.evidence.len(),
            rec.findings.len()
        );
        if label == "xlsx" {
            let run = demarc::Run {
                inputs: vec![input.clone()],
                as_of: period.end,
                period: period.clone(),
                model: model.clone(),
                organisation: Some("Generated Enterprise".into()),
                classification: "CONFIDENTIAL".into(),
                templates: None,
                ingest: Default::default(),
                residency: None,
            };
            let files =
                vec![demarc::inputs::evidence_files::FileStatus::NotChecked; inputs.evidence.len()];
            let options = demarc::render::ReportOptions::default();
            let (render, outputs) = best_of(runs.min(2), || {
                demarc::render::render_all(
                    &run,
                    &options,
                    &inputs,
                    &rec,
                    &files,
                    &demarc::progress::Silent,
                )
                .expect("renders")
            });
            let pdf_bytes: usize = outputs
                .outputs
                .iter()
                .filter(|o| o.name.ends_with(".pdf"))
                .map(|o| o.bytes().map_or(0, |b| b.len()))
                .sum();
            println!(
                "{} xlsx: render {render:>9.2?}  ({} outputs, {:.1} MB of PDF)",
                data.display(),
                outputs.outputs.len(),
                pdf_bytes as f64 / 1e6
            );
        }
    }
}
