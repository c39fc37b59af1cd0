//! Issue 18: every finding has a short, stable id that ties findings.json to the CSV, the
//! OSCAL file and the terminal; and evidence files missing under an evidence root are
//! counted and said, never passed over.

use crate::support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::{demarc, repo};

fn report(out: &Path, period: &str, extra: &[&str]) -> std::process::Output {
    demarc()
        .current_dir(repo("samples"))
        .args(["report", "--period", period, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn findings(out: &Path, period: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join(period).join("findings.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["findings"].as_array().unwrap().clone()
}

/// Ids are unique, the same in findings.json, findings.csv and OSCAL, and a finding that
/// persists from one quarter to the next keeps its id even though its rows and wording
/// may change.
#[test]
fn a_finding_keeps_its_id_across_files_and_quarters() {
    let dir = tempfile::tempdir().unwrap();
    for period in ["2026-Q2", "2026-Q3"] {
        let result = report(dir.path(), period, &[]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let q3 = findings(dir.path(), "2026-Q3");
    let ids: Vec<&str> = q3.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "ids repeat: {ids:?}");
    assert!(
        ids.iter().all(|id| id.starts_with("F-") && id.len() >= 14),
        "{ids:?}"
    );

    // The CSV's first column is the same id, row for row.
    let csv = std::fs::read_to_string(dir.path().join("2026-Q3/findings.csv")).unwrap();
    let csv_ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(csv.lines().next().unwrap().split(',').next(), Some("id"));
    assert_eq!(csv_ids, ids);

    // OSCAL carries it as a prop of each not-satisfied finding.
    let oscal =
        std::fs::read_to_string(dir.path().join("2026-Q3/assessment-results.json")).unwrap();
    for id in &ids {
        assert!(
            oscal.contains(&format!("\"value\": \"{id}\""))
                || oscal.contains(&format!("\"value\":\"{id}\"")),
            "{id} not in OSCAL"
        );
    }

    // Findings of both quarters with the same code and subject share their id.
    let subject = |f: &Value| {
        let k = |key: &str| f[key].as_str().unwrap_or("").trim().to_lowercase();
        (
            f["code"].as_str().unwrap().to_string(),
            k("service"),
            k("domain"),
            k("control_id"),
            k("vendor"),
            k("cuec_id"),
        )
    };
    let q2: BTreeMap<_, _> = findings(dir.path(), "2026-Q2")
        .iter()
        .map(|f| (subject(f), f["id"].as_str().unwrap().to_string()))
        .collect();
    let mut shared = 0;
    for f in &q3 {
        if let Some(id) = q2.get(&subject(f)) {
            // Numbered ids (-2) depend on how many share a subject in that quarter.
            if !id.contains("-2") {
                assert_eq!(id, f["id"].as_str().unwrap(), "{:?} changed id", subject(f));
                shared += 1;
            }
        }
    }
    assert!(
        shared >= 5,
        "too few findings persist to show anything ({shared})"
    );
}

/// With an evidence root where most files are missing, the run says how many, names the
/// first, and the auditor pack carries the same warning.
#[test]
fn missing_evidence_files_are_counted_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let result = report(dir.path(), "2026-Q3", &["--evidence-root", "evidence"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stderr = String::from_utf8_lossy(&result.stderr);
    let index = std::fs::read_to_string(dir.path().join("2026-Q3/evidence-index.csv")).unwrap();
    let missing = index.lines().filter(|l| l.contains(",missing,")).count();
    assert!(
        missing > 300,
        "the samples' register names more files than samples/evidence holds"
    );
    assert!(
        stderr.contains(&format!("{missing} of "))
            && stderr
                .contains("evidence files named in the registers are not under the evidence root"),
        "{stderr}"
    );
    let pack = support::pdf_text(&dir.path().join("2026-Q3/auditor-pack.pdf"));
    assert!(
        pack.contains(&format!("{missing} of "))
            && pack.contains("are not under the evidence root"),
        "the auditor pack does not say how many files are missing"
    );
}
