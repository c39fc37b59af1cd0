//! The binary end to end: the bundled samples against what samples/README.md documents,
//! the PDFs' text, exit codes, determinism, bad input, and untrusted cell text.

use crate::support;
use support::{demarc, read_json, repo, report_q3};

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::{d, row, small_company};

/// A TOML basic string holding `text`, every control character escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The rows of a markdown table whose header starts with `| code |`, after `heading`.
fn documented_findings(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let section = &readme[readme
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in samples/README.md"))..];
    let table: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("| code |"))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .collect();
    table
        .iter()
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn sample_reports(out: &Path) {
    demarc()
        .current_dir(repo(""))
        .args(["report", "--config", "samples/demarc.toml", "--out"])
        .arg(out)
        .assert()
        .success();
}

mod samples {
    use super::*;

    fn report(out: &Path) {
        sample_reports(out);
    }

    #[test]
    fn findings_match_the_gaps_samples_readme_documents() {
        let dir = tempfile::tempdir().unwrap();
        report(dir.path());
        let doc = read_json(&dir.path().join("2026-Q3/findings.json"));
        let readme = std::fs::read_to_string(repo("samples/README.md")).unwrap();
        let mut expected = documented_findings(&readme, "## Deliberate gaps");
        expected.extend(documented_findings(&readme, "side effect"));
        assert!(
            expected.len() >= 22,
            "the README documents one gap per code"
        );

        let field = |f: &Value, k: &str| f[k].as_str().unwrap_or("").to_string();
        let actual: BTreeSet<Vec<String>> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                [
                    "code",
                    "service",
                    "domain",
                    "control_id",
                    "vendor",
                    "cuec_id",
                    "severity",
                ]
                .iter()
                .map(|k| field(f, k))
                .collect()
            })
            .collect();
        let wanted: BTreeSet<Vec<String>> = expected.iter().map(|r| r[..7].to_vec()).collect();
        assert_eq!(
            actual, wanted,
            "findings.json differs from samples/README.md"
        );

        // Every row the README names is among the finding's sources.
        for r in &expected {
            let f = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| {
                    r[..7]
                        == [
                            "code",
                            "service",
                            "domain",
                            "control_id",
                            "vendor",
                            "cuec_id",
                            "severity",
                        ]
                        .map(|k| field(f, k))
                })
                .unwrap();
            let sources: Vec<String> = f["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("{}!{}", s["sheet"].as_str().unwrap(), s["row"]))
                .collect();
            for wanted in r[7].split(';').map(str::trim).filter(|s| !s.is_empty()) {
                assert!(
                    sources.contains(&wanted.to_string()),
                    "{}: {wanted} not in {sources:?}",
                    r[0]
                );
            }
            assert!(f["sources"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["file"].as_str().unwrap().ends_with("northwind.xlsx")));
        }
        // Every code of the catalogue appears once among the deliberate gaps.
        let codes: BTreeSet<&str> = expected.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(codes.len(), 22, "{codes:?}");
        assert_eq!(doc["period"]["start"], "2026-07-01");
        assert_eq!(doc["period"]["end"], "2026-09-30");
        assert_eq!(
            doc["summary"]["total"].as_u64().unwrap() as usize,
            doc["findings"].as_array().unwrap().len()
        );
    }

    #[test]
    fn pdfs_hold_the_key_sections() {
        let dir = tempfile::tempdir().unwrap();
        report(dir.path());
        let out = dir.path().join("2026-Q3");
        let board = support::pdf_text(&out.join("board-report.pdf"));
        for wanted in [
            "Cloud responsibility posture",
            "Northwind Health",
            "OVERALL RATING",
            "Summary",
            "Decisions needed",
            "Other risks",
            "Responsibility heatmap",
            "Vendor assurance",
            "Scope",
            "Coverage by domain",
            "Sign-off",
            "Scribewell Ambient Notes",
            "GitHub",
        ] {
            assert!(board.contains(wanted), "board report lacks {wanted:?}");
        }
        let doc = read_json(&out.join("findings.json"));
        let coverage = &doc["summary"]["coverage"];
        let headline = format!(
            "{:.1}% of our {} responsibility cells are owned and evidenced at 2026-09-30. There are {} critical and {} high findings; the rating is red.",
            coverage["percent"].as_f64().unwrap(), coverage["cells"],
            doc["summary"]["by_severity"]["critical"], doc["summary"]["by_severity"]["high"]
        );
        assert!(
            board.contains(&headline),
            "board report lacks the headline figures {headline:?}"
        );
        for line in doc["summary"]["coverage"]["by_domain"].as_array().unwrap() {
            let row = format!(
                "{} {} {} {:.1}",
                line["name"].as_str().unwrap(),
                line["cells"],
                line["evidenced"],
                line["percent"].as_f64().unwrap()
            );
            assert!(
                board.contains(&row),
                "board report lacks the coverage row {row:?}"
            );
        }
        let pack = support::pdf_text(&out.join("auditor-pack.pdf"));
        let sha = {
            use sha2::Digest;
            format!(
                "{:x}",
                sha2::Sha256::digest(std::fs::read(repo("samples/northwind.xlsx")).unwrap())
            )
        };
        for wanted in [
            "Auditor evidence pack",
            "CONFIDENTIAL",
            "Scope and inputs",
            sha.as_str(),
            "The model applied",
            "Methodology",
            "Services and responsibility cells",
            "Controls and evidence",
            "Attestation register",
            "Findings",
            "Page 3 of",
        ] {
            assert!(pack.contains(wanted), "auditor pack lacks {wanted:?}");
        }
        let doc = read_json(&out.join("findings.json"));
        for f in doc["findings"].as_array().unwrap() {
            assert!(pack.contains(f["code"].as_str().unwrap()));
            let first = &f["sources"][0];
            let source = format!("{}!{}", first["sheet"].as_str().unwrap(), first["row"]);
            assert!(
                pack.contains(&source),
                "auditor pack lacks the source {source} of {}",
                f["code"]
            );
        }
        // Every control of the catalogue is listed with its evidence.
        for id in ["IAM-06", "APP-06", "HOST-02", "DATA-05"] {
            assert!(pack.contains(id), "auditor pack lacks control {id}");
        }
    }

    /// `report` writes the evidence index straight to its file; `bundle` holds it in
    /// memory. Both give the same bytes, and the findings too.
    #[test]
    fn report_and_bundle_write_the_same_index_and_findings() {
        let dir = tempfile::tempdir().unwrap();
        report(dir.path());
        let bundle = dir.path().join("pack.zip");
        demarc()
            .current_dir(repo(""))
            .args(["bundle", "--config", "samples/demarc.toml", "--out"])
            .arg(&bundle)
            .assert()
            .success();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).unwrap()).unwrap();
        for name in [
            "evidence-index.csv",
            "findings.json",
            "auditor-workbook.xlsx",
        ] {
            let mut inside = Vec::new();
            std::io::Read::read_to_end(
                &mut archive.by_name(&format!("reports/{name}")).unwrap(),
                &mut inside,
            )
            .unwrap();
            let written = std::fs::read(dir.path().join("2026-Q3").join(name)).unwrap();
            assert!(!written.is_empty());
            assert_eq!(inside, written, "{name}");
        }
        let leftovers = std::fs::read_dir(dir.path().join("2026-Q3"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".demarc-")
            })
            .count();
        assert_eq!(leftovers, 0, "no temporary file is left behind");
    }

    #[test]
    fn reports_are_byte_identical_across_runs() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        report(a.path());
        report(b.path());
        for name in [
            "findings.json",
            "findings.csv",
            "assessment-results.json",
            "board-report.pdf",
            "auditor-pack.pdf",
        ] {
            let x = std::fs::read(a.path().join("2026-Q3").join(name)).unwrap();
            let y = std::fs::read(b.path().join("2026-Q3").join(name)).unwrap();
            assert!(x == y, "{name} differs between two runs");
        }
    }

    #[test]
    fn check_exits_1_on_high_findings_and_json_is_the_findings_document() {
        let output = demarc()
            .current_dir(repo(""))
            .args(["check", "--config", "samples/demarc.toml", "--json"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let doc: Value = serde_json::from_slice(&output).unwrap();
        assert_eq!(doc["period"]["label"], "2026-Q3");
        for f in doc["findings"].as_array().unwrap() {
            for key in [
                "code",
                "severity",
                "message",
                "remedy",
                "service",
                "domain",
                "control_id",
                "vendor",
                "cuec_id",
                "sources",
            ] {
                assert!(f.get(key).is_some(), "finding lacks {key}");
            }
        }
        let text = demarc()
            .current_dir(repo(""))
            .args(["check", "--config", "samples/demarc.toml"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("CRITICAL (") && text.contains("DOMAIN_UNOWNED"),
            "{text}"
        );
        assert!(
            text.contains("samples/northwind.xlsx: Services!17"),
            "{text}"
        );
    }
}

/// An input directory that holds an earlier run's reports: its auditor workbook has
/// Attestations and CUECs sheets, which must not be read as inputs a second time.
#[test]
fn an_earlier_runs_reports_inside_the_input_directory_are_not_inputs() {
    let dir = tempfile::tempdir().unwrap();
    small_company().write(dir.path(), "q3.xlsx");
    let run = || {
        demarc()
            .arg("report")
            .arg(dir.path())
            .args(["--period", "2026-Q3", "--out"])
            .arg(dir.path().join("output"))
            .assert()
            .success();
        std::fs::read(dir.path().join("output/2026-Q3/findings.json")).unwrap()
    };
    let first = run();
    let second = run();
    assert!(
        first == second,
        "the second run read the first run's reports as inputs"
    );
    // Only the workbook is read, not the reports' workbooks beside it.
    let assert = demarc()
        .arg("check")
        .arg(dir.path())
        .args(["--period", "2026-Q3", "-v"])
        .assert();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("from 1 file(s)"), "{stderr}");
    // And the run says so, naming the folder it skipped.
    assert!(
        stderr.contains(&format!(
            "warning: {}: skipped: it holds an earlier run's reports",
            dir.path().join("output").join("2026-Q3").display()
        )),
        "{stderr}"
    );
}

mod exit_codes {
    use super::*;

    #[test]
    fn healthy_inputs_exit_0_and_thresholds_are_respected() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company().write(dir.path(), "q3.xlsx");
        demarc()
            .arg("check")
            .arg(&book)
            .args(["--period", "2026-Q3"])
            .assert()
            .code(0);
        // Drop the evidence of one control: EVIDENCE_MISSING (high).
        let gap = small_company()
            .sheet(
                "Evidence",
                &["control_id", "collected_on", "result"],
                vec![],
            )
            .write(dir.path(), "gap.xlsx");
        demarc()
            .arg("check")
            .arg(&gap)
            .args(["--period", "2026-Q3"])
            .assert()
            .code(1);
        demarc()
            .arg("check")
            .arg(&gap)
            .args(["--period", "2026-Q3", "--fail-on", "critical"])
            .assert()
            .code(0);
        // report: findings are content, not failure, unless --fail-on is explicit.
        let out = dir.path().join("out");
        demarc()
            .arg("report")
            .arg(&gap)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .assert()
            .code(0);
        demarc()
            .arg("report")
            .arg(&gap)
            .args(["--period", "2026-Q3", "--fail-on", "high", "--out"])
            .arg(&out)
            .assert()
            .code(1);
        assert!(out.join("2026-Q3/auditor-pack.pdf").is_file());
    }

    #[test]
    fn periods_years_and_explicit_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company().write(dir.path(), "q3.xlsx");
        let json = |args: &[&str]| -> Value {
            let out = demarc()
                .arg("check")
                .arg(&book)
                .args(args)
                .arg("--json")
                .output()
                .unwrap();
            serde_json::from_slice(&out.stdout).unwrap()
        };
        let year = json(&["--period", "2026"]);
        assert_eq!(
            (
                year["period"]["start"].as_str(),
                year["period"]["end"].as_str()
            ),
            (Some("2026-01-01"), Some("2026-12-31"))
        );
        let range = json(&["--from", "2026-08-01", "--to", "2026-09-15"]);
        assert_eq!(range["period"]["end"], "2026-09-15");
        demarc()
            .arg("check")
            .arg(&book)
            .args(["--period", "2026-Q5"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("2026-Q5"));
        demarc()
            .arg("check")
            .arg(&book)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("no reporting period"));
    }
}

mod bad_input {
    use super::*;

    /// Runs `report` on a bad workbook: exit 2, stderr says `wanted`, and nothing written.
    fn refused(inputs: &[PathBuf], wanted: &[&str]) {
        let out = tempfile::tempdir().unwrap();
        let assert = demarc()
            .arg("report")
            .args(inputs)
            .args(["--period", "2026-Q3", "--out"])
            .arg(out.path())
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        for w in wanted {
            assert!(stderr.contains(w), "stderr lacks {w:?}:\n{stderr}");
        }
        let written: Vec<_> = walk(out.path());
        assert!(written.is_empty(), "files written on failure: {written:?}");
        assert!(
            !out.path().join("2026-Q3").exists(),
            "an empty period directory was left behind"
        );
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn missing_required_column() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .sheet(
                "Evidence",
                &["control_id", "service", "result"],
                vec![row(&["IAM-1", "", "Effective"])],
            )
            .write(dir.path(), "q3.xlsx");
        refused(
            &[book],
            &[
                "q3.xlsx: Evidence!row 1",
                "missing required column `collected_on`",
            ],
        );
    }

    /// What the reading noticed before it failed is said with the errors: here that the
    /// second bad cell is the first one, merged down over it.
    #[test]
    fn a_failed_run_still_says_what_it_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q3.xlsx");
        small_company().write_to(&path, |workbook| {
            let sheet = workbook.worksheet_from_name("Evidence").unwrap();
            sheet
                .merge_range(1, 4, 2, 4, "Efective", &rust_xlsxwriter::Format::new())
                .unwrap();
        });
        refused(
            &[path],
            &[
                "warning: ",
                "q3.xlsx: Evidence!E3: empty in a cell merged down from the row above; read as the merged cell's value",
                "q3.xlsx: Evidence!E2: result: \"Efective\" is not one of",
                "q3.xlsx: Evidence!E3: result: \"Efective\" is not one of",
            ],
        );
    }

    #[test]
    fn bad_date_names_the_cell() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .banner("Evidence", &["Evidence log", ""])
            .push(
                "Evidence",
                row(&["IAM-1", "", "Review", "n/a", "Effective"]),
            )
            .write(dir.path(), "q3.xlsx");
        // Banner (2 rows) + header + 4 rows: the new row is row 8; collected_on is column D.
        refused(
            &[book],
            &[
                "q3.xlsx: Evidence!D8: collected_on: expected a date",
                "found \"n/a\"",
            ],
        );
    }

    /// A date typed as ISO text that the calendar does not have says so, with the month's
    /// length, rather than only "not a date".
    #[test]
    fn a_day_the_month_does_not_have_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .push(
                "Evidence",
                row(&["IAM-1", "", "Review", "2026-02-30", "Effective"]),
            )
            .write(dir.path(), "q3.xlsx");
        refused(
            &[book],
            &["q3.xlsx: Evidence!D6: collected_on: \"2026-02-30\" is not a day of the calendar: February 2026 has 28 days"],
        );
    }

    #[test]
    fn unknown_result_names_the_accepted_values_and_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = row(&["IAM-1", "", "Review"]);
        r.push(d(2026, 9, 2).into());
        r.push("Efective".into());
        let book = small_company()
            .push("Evidence", r)
            .write(dir.path(), "q3.xlsx");
        refused(
            &[book],
            &[
                "Evidence!E6: result: \"Efective\" is not one of Effective, Partially effective",
                "did you mean \"Effective\"",
            ],
        );
    }

    #[test]
    fn all_problems_are_listed_together() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .push(
                "Evidence",
                row(&["IAM-1", "", "Review", "soon", "Effective"]),
            )
            .push(
                "Evidence",
                row(&["IAM-1", "", "Review", "2026-09-01", "Great"]),
            )
            .write(dir.path(), "q3.xlsx");
        refused(&[book], &["2 problems", "Evidence!D6", "Evidence!E7"]);
    }

    #[test]
    fn a_file_that_is_not_a_spreadsheet() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("q3.xlsx");
        std::fs::write(
            &fake,
            "<html><body><table><tr><td>x</td></tr></table></body></html>",
        )
        .unwrap();
        refused(
            &[fake],
            &["q3.xlsx: not a .xlsx workbook: the file is an HTML page"],
        );
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "hello").unwrap();
        refused(&[notes], &["notes.txt: not a spreadsheet"]);
    }

    #[test]
    fn a_required_sheet_found_in_no_input() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .without("Controls")
            .write(dir.path(), "q3.xlsx");
        refused(&[book], &["no Controls sheet in any input"]);
    }

    #[test]
    fn an_unknown_domain_gets_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .push(
                "Controls",
                row(&["NET-1", "Firewall", "Network control", "quarterly", "*"]),
            )
            .write(dir.path(), "q3.xlsx");
        refused(
            &[book],
            &[
                "Controls!C6: domain: \"Network control\" is not one of",
                "did you mean \"Network controls\"",
            ],
        );
    }

    #[test]
    fn a_failed_run_leaves_the_previous_reports_whole() {
        let dir = tempfile::tempdir().unwrap();
        let good = small_company().write(dir.path(), "good.xlsx");
        let out = dir.path().join("out");
        demarc()
            .arg("report")
            .arg(&good)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .assert()
            .success();
        let before = std::fs::read(out.join("2026-Q3/findings.json")).unwrap();
        let bad = small_company()
            .push(
                "Evidence",
                row(&["IAM-1", "", "Review", "n/a", "Effective"]),
            )
            .write(dir.path(), "bad.xlsx");
        demarc()
            .arg("report")
            .arg(&bad)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .assert()
            .code(2);
        assert_eq!(
            std::fs::read(out.join("2026-Q3/findings.json")).unwrap(),
            before
        );
        let names: Vec<String> = std::fs::read_dir(out.join("2026-Q3"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".demarc-")),
            "temporary files left behind: {names:?}"
        );
    }
}

mod large_packs {
    use super::*;

    /// Hundreds of findings of one code are each a line of the auditor pack (the
    /// pattern said once), as in findings.json.
    #[test]
    fn the_auditor_pack_lists_every_finding_of_a_code_in_the_hundreds() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = small_company();
        // 301 pairs of conflicting evidence rows, all before the period end: 301 DUPLICATE_ROW.
        let start = d(2025, 10, 1);
        for i in 0..301 {
            let date = start + chrono::Duration::days(i);
            for result in ["Effective", "Ineffective"] {
                let mut r = row(&["IAM-1", "", "Review"]);
                r.push(date.into());
                r.push(result.into());
                book = book.push("Evidence", r);
            }
        }
        let (_, out) = report_q3(dir.path(), &book, &[]);
        let doc = read_json(&out.join("2026-Q3/findings.json"));
        assert_eq!(doc["summary"]["by_code"]["DUPLICATE_ROW"], 301);
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        assert!(
            pack.contains("MEDIUM (301)"),
            "the heading counts every finding"
        );
        for f in doc["findings"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            assert!(pack.contains(id), "{id} is not in the pack");
        }
    }
}

mod full_listing {
    use super::*;

    /// `--evidence-listing full`: every evidence row on or before the period end is in the
    /// appendix (rows after it are not), and the pack points to it.
    #[test]
    fn every_row_up_to_the_period_end_is_in_the_appendix() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = small_company();
        let start = d(2025, 10, 1);
        for i in 0..40 {
            let mut r = row(&["IAM-1", "", &format!("Review number {i}")]);
            r.push((start + chrono::Duration::days(i * 7)).into());
            r.push("Effective".into());
            book = book.push("Evidence", r);
        }
        // After the period end: never listed.
        let mut late = row(&["IAM-1", "", "Review from the future"]);
        late.push(d(2026, 10, 2).into());
        late.push("Effective".into());
        book = book.push("Evidence", late);
        let (path, out) = report_q3(dir.path(), &book, &["--evidence-listing", "full"]);
        let appendix = support::pdf_text(&out.join("2026-Q3/auditor-pack-appendix/part-01.pdf"));
        assert!(!out
            .join("2026-Q3/auditor-pack-appendix/part-02.pdf")
            .exists());
        for i in 0..40 {
            let dated = start + chrono::Duration::days(i * 7);
            if dated <= d(2026, 9, 30) {
                assert!(
                    appendix.contains(&format!("Review number {i}")),
                    "row {i} listed"
                );
            }
        }
        assert!(!appendix.contains("from the future"));
        let on_or_before = 4
            + (0..40)
                .filter(|i| start + chrono::Duration::days(i * 7) <= d(2026, 9, 30))
                .count();
        assert!(
            appendix.contains(&format!(
                "Evidence rows 1 to {on_or_before} of {on_or_before}"
            )),
            "{appendix}"
        );
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        let at = pack
            .find("Appendix:")
            .expect("the pack points to the appendix");
        // A line may break after the slash; text extraction then adds a space.
        let said = pack[at..(at + 300).min(pack.len())].replace("/ ", "/");
        assert!(said.contains("auditor-pack-appendix/part-01.pdf"), "{said}");
        // Without the option there is no appendix.
        let plain = dir.path().join("plain");
        demarc()
            .arg("report")
            .arg(&path)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&plain)
            .assert()
            .success();
        assert!(!plain.join("2026-Q3/auditor-pack-appendix").exists());
    }

    /// The appendix is laid out by demarc as fixed-width lines, paginated by demarc: long
    /// text wraps within its column and nothing is lost, and every page (none spilled over
    /// by Typst) starts with the column titles.
    #[test]
    fn long_rows_wrap_within_their_columns_and_every_page_has_the_titles() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = small_company();
        let start = d(2026, 7, 1);
        for i in 0..150 {
            let words =
                "the quarterly access review of every privileged account ".repeat(1 + i % 3);
            let mut r = row(&["IAM-1", "", &format!("Row {i} marker: {words}end{i:03}")]);
            r.push((start + chrono::Duration::days(i as i64 % 90)).into());
            r.push("Effective".into());
            book = book.push("Evidence", r);
        }
        let (_, out) = report_q3(dir.path(), &book, &["--evidence-listing", "full"]);
        let pages = support::pdf_pages(&out.join("2026-Q3/auditor-pack-appendix/part-01.pdf"));
        assert!(pages.len() >= 3, "150 long rows take several pages");
        for (n, page) in pages.iter().enumerate() {
            let words: Vec<&str> = page.split_whitespace().collect();
            let titles = ["Row", "Control", "Service", "Collected", "Result", "Tester"];
            assert!(
                words.windows(titles.len()).any(|w| w == titles),
                "page {} has the column titles: {page}",
                n + 1
            );
        }
        let all = pages
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for i in 0..150 {
            // The description's first and last words, wherever the wrap put them (text
            // extraction may join a line's last word to the next line's first).
            assert!(all.contains(&format!("Row {i} marker:")), "row {i} listed");
            assert!(all.contains(&format!("end{i:03}")), "row {i} whole");
        }
    }
}

mod board_at_scale {
    use super::*;

    /// With more services than fit a board page, the heatmap shows service models.
    #[test]
    fn many_services_fold_into_service_model_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = small_company();
        for i in 0..30 {
            let model = if i % 2 == 0 { "SaaS" } else { "PaaS" };
            book = book.push(
                "Services",
                row(&[
                    &format!("Tool {i:02}"),
                    "Okta",
                    model,
                    "Confidential",
                    "yes",
                ]),
            );
        }
        let (_, out) = report_q3(dir.path(), &book, &[]);
        let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
        assert!(
            board.contains("The 31 in-scope services are gathered by service model"),
            "{board}"
        );
        assert!(board.contains("SaaS services") && board.contains("PaaS services"));
        assert!(
            !board.contains("Tool 07"),
            "services are not listed one by one"
        );
        let pages = lopdf::Document::load(out.join("2026-Q3/board-report.pdf"))
            .unwrap()
            .get_pages()
            .len();
        assert!(pages <= 4, "the board report is {pages} pages");
        // The auditor pack folds its services section into one matrix: a row per service,
        // a mark per domain, instead of a table per service.
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        assert!(
            pack.contains("With 31 services, one row per service"),
            "{pack}"
        );
        assert!(pack.contains("Tool 07"), "every service keeps its row");
        let section = &pack[pack.find("With 31 services").unwrap()..];
        let section = &section[..section.find("Data residency").unwrap()];
        assert!(
            !section.contains("Worst finding"),
            "no table per service: {section}"
        );
        assert!(
            section.contains("S ok") && section.contains("C ok"),
            "{section}"
        );
        // So does a vendor pack above three services: Okta runs all 31.
        let okta = support::pdf_text(&out.join("2026-Q3/vendors/Okta.pdf"));
        let used = &okta[okta.find("Services used").unwrap()..];
        let used = &used[..used.find("Where the data is held").unwrap()];
        assert!(used.contains("31 services, one row each"), "{used}");
        assert!(used.contains("Tool 29") && used.contains("S ok"), "{used}");
        assert!(
            !used.contains("Worst finding"),
            "no table per service: {used}"
        );
    }

    /// Above 300 CUECs the auditor pack lists those with a finding and counts the
    /// evidenced and the not assessed by vendor; findings.json still names every
    /// unevidenced one.
    #[test]
    fn many_cuecs_list_only_those_with_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let mut cuecs = Vec::new();
        for i in 0..310 {
            // Every tenth maps to a control nobody has: unmapped, so it has a finding.
            // Every tenth from the fifth maps to a control of another vendor's service
            // only: not assessed for Okta.
            let control = match i % 10 {
                0 => "NOPE-9",
                5 => "ELSE-1",
                _ => "IAM-1",
            };
            cuecs.push(row(&[
                "Okta",
                "SOC 2 Type II",
                &format!("CU-{i:03}"),
                "Review access",
                control,
            ]));
        }
        let book = small_company()
            .sheet(
                "CUECs",
                &[
                    "vendor",
                    "attestation",
                    "cuec_id",
                    "description",
                    "mapped_control",
                ],
                cuecs,
            )
            .push(
                "Services",
                row(&["Box", "Box", "SaaS", "Confidential", "yes"]),
            )
            .push(
                "Controls",
                row(&[
                    "ELSE-1",
                    "Box only",
                    "Identity and access management",
                    "quarterly",
                    "Box",
                ]),
            );
        let (_, out) = report_q3(dir.path(), &book, &[]);
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        let at = pack.find("Complementary user entity controls").unwrap();
        let section = &pack[at..pack[at..].find("Findings").map_or(pack.len(), |f| at + f)];
        let flat = section.split_whitespace().collect::<Vec<_>>().join(" ");
        for said in [
            "With 310 CUECs, only the 31 with a finding are listed; the others are counted here, and every CUEC is in the auditor workbook's CUECs sheet.",
            "The 248 whose mapped control is evidenced are, by vendor: Okta 248.",
            "31 CUECs are not assessed",
            "By vendor: Okta 31.",
        ] {
            assert!(flat.contains(said), "{said:?} not in {flat}");
        }
        assert!(
            section.contains("CU-000") && section.contains("CU-300"),
            "{section}"
        );
        assert!(
            !section.contains("CU-001") && !section.contains("CU-005"),
            "evidenced and not assessed CUECs are counted, not listed"
        );
        let findings: Value =
            serde_json::from_slice(&std::fs::read(out.join("2026-Q3/findings.json")).unwrap())
                .unwrap();
        let unmapped = findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["cuec_id"].as_str().is_some_and(|c| c.starts_with("CU-")))
            .count();
        assert_eq!(unmapped, 31);
    }

    /// A vendor with a few services keeps a table per service, each domain named.
    #[test]
    fn a_vendor_with_few_services_keeps_a_table_per_service() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company().push(
            "Services",
            row(&["Okta Workflows", "Okta", "SaaS", "Confidential", "yes"]),
        );
        let (_, out) = report_q3(dir.path(), &book, &[]);
        let okta = support::pdf_text(&out.join("2026-Q3/vendors/Okta.pdf"));
        assert!(!okta.contains("one row each"), "{okta}");
        assert_eq!(okta.matches("Worst finding").count(), 2, "{okta}");
        assert!(okta.contains("Identity and access management"));
    }
}

mod nothing_lost {
    use super::*;

    /// A run that fails after rendering has started leaves the previous set exactly as it
    /// was (before, the outputs renamed ahead of the failure were new and the rest old),
    /// says "nothing was written", and leaves no temporary file.
    #[test]
    fn a_run_failing_while_rendering_leaves_the_previous_set_whole() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company().write(dir.path(), "q3.xlsx");
        let out = dir.path().join("out");
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        let run = |extra: &[&str]| {
            demarc()
                .arg("report")
                .arg(&book)
                .args(["--period", "2026-Q3", "--out"])
                .arg(&out)
                .args(extra)
                .output()
                .unwrap()
        };
        assert!(run(&[]).status.success());
        let snapshot = |dir: &Path| -> Vec<(String, Vec<u8>)> {
            let mut files: Vec<(String, Vec<u8>)> = walk(dir)
                .into_iter()
                .map(|p| {
                    (
                        p.strip_prefix(dir).unwrap().display().to_string(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect();
            files.sort();
            files
        };
        let before = snapshot(&out);
        // The auditor pack's template is broken: the board report renders, the pack fails.
        std::fs::write(
            templates.join("auditor-pack.typ.hbs"),
            "#let x = (\n{{organisation}}",
        )
        .unwrap();
        let failed = run(&["--templates", templates.to_str().unwrap()]);
        assert_eq!(failed.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert!(
            stderr.trim_end().ends_with("nothing was written"),
            "{stderr}"
        );
        assert_eq!(snapshot(&out), before, "the previous set changed");
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn an_unwritable_output_directory_is_refused_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("out");
        std::fs::write(&not_a_dir, "a file, not a directory").unwrap();
        // The input does not even exist: the output problem is found first.
        let result = demarc()
            .arg("report")
            .arg(dir.path().join("missing.xlsx"))
            .args(["--period", "2026-Q3", "--out"])
            .arg(&not_a_dir)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains("cannot write reports here") && !stderr.contains("missing.xlsx"),
            "{stderr}"
        );
    }
}

mod untrusted_text {
    use super::*;

    /// Names in Chinese, Japanese or Korean print in the PDFs, even archival ones; a
    /// character no bundled font has (an emoji) shows as U+FFFD — never silently dropped,
    /// never failing a PDF/A run — with a warning naming it, and the data files keep it.
    #[test]
    fn text_no_bundled_font_has_stands_in_visibly_even_under_pdf_a() {
        let organisation = "Northwind 健康 한국 ひらがな 😀";
        let title = "Revue des accès ✅ 权限审查";
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("demarc.toml");
        std::fs::write(
            &config,
            format!("organisation = {}\n", toml_string(organisation)),
        )
        .unwrap();
        let mut ev = row(&["X-1", "", "Access review"]);
        ev.push(d(2026, 9, 10).into());
        ev.extend(row(&["Ineffective", "A. Tester"]));
        let book = small_company()
            .push(
                "Controls",
                row(&["X-1", title, "Application-level controls", "quarterly", "*"]),
            )
            .push("Evidence", ev);
        let path = book.write(dir.path(), "q3.xlsx");
        let out = dir.path().join("out");
        let result = demarc()
            .arg("report")
            .arg(&path)
            .args(["--period", "2026-Q3", "--pdf-standard", "a-2b", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{stderr}");
        let warning = stderr
            .lines()
            .find(|l| l.contains("no bundled font has"))
            .unwrap_or_else(|| panic!("no warning of the stand-ins: {stderr}"));
        assert!(
            warning.contains("show \u{FFFD} for 2 characters")
                && warning.contains("✅ (U+2705) in \"Revue des accès ✅ 权限审查\"")
                && warning.contains("😀 (U+1F600) in \"Northwind 健康 한국 ひらがな 😀\"")
                && warning.ends_with(
                    "findings.json, the CSVs and the auditor workbook keep them as written"
                ),
            "{warning}"
        );
        // Nothing the fonts have is replaced: CJK, Hangul, kana and accents print.
        let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
        assert!(
            board.contains("Northwind 健康 한국 ひらがな \u{FFFD}"),
            "{board}"
        );
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        assert!(pack.contains("Revue des accès \u{FFFD} 权限审查"), "{pack}");
        // The data keeps every character as written.
        let findings = read_json(&out.join("2026-Q3/findings.json"));
        assert_eq!(findings["organisation"], organisation);
    }

    /// Typst syntax in every kind of text field must print literally, not run.
    #[test]
    fn typst_syntax_in_cells_appears_literally_in_the_pdfs() {
        let hostile = [
            "#import \"/etc/passwd\"",
            "a], [INJECTED",
            "$x^2$ *bold* _under_",
            "Total <total> @ref",
            "A // comment",
            "C:\\new\\table",
            "Acme #show \"0\": \"9\"",
            "{{title}} {{{raw}}}",
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut book = small_company().sheet(
            "Services",
            &[
                "service",
                "provider",
                "service_model",
                "data_classes",
                "in_scope",
                "owner",
            ],
            vec![row(&[
                "Okta",
                "Okta",
                "SaaS",
                "Confidential",
                "yes",
                hostile[6],
            ])],
        );
        for (i, text) in hostile.iter().enumerate() {
            let id = format!("X-{i}");
            book = book.push(
                "Controls",
                row(&[&id, text, "Application-level controls", "quarterly", "*"]),
            );
            let mut ev = row(&[&id, "", text]);
            ev.push(d(2026, 9, 10).into());
            ev.extend(row(&["Ineffective", text]));
            book = book.push("Evidence", ev);
        }
        let path = book.write(dir.path(), "hostile.xlsx");
        let out = dir.path().join("out");
        demarc()
            .arg("report")
            .arg(&path)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .assert()
            .success();
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let pack_squashed = squash(&pack);
        for text in hostile {
            assert!(
                pack_squashed.contains(&squash(text)),
                "{text:?} not printed literally in the auditor pack"
            );
        }
        assert!(
            !pack.contains("INJECTED INJECTED"),
            "a cell shifted the table"
        );
        // The `#show "0": "9"` cell must not have changed any number.
        assert!(pack.contains("2026-09-10"), "dates were altered");
    }

    /// Typst ends a line at VT, FF, NEL, U+2028 and U+2029 too, and a line that then starts
    /// `= ` is a heading, `- ` a list item. Values that reach the templates themselves
    /// (organisation, classification, vendor names) must stay on their line, and control
    /// characters must not reach the PDF.
    #[test]
    fn line_breaks_and_control_characters_in_template_values_stay_inert() {
        let organisation = "Acme\u{2028}= Pwned Org\u{0B}- listed\u{1b}[2J";
        let classification = "SECRET\u{0C}= Heading\u{85}#panic(\"x\")";
        let vendor = "Evil\u{2029}= Vendor\u{7}";
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .sheet(
                "Services",
                &["service", "provider", "service_model", "in_scope"],
                vec![row(&["Okta", vendor, "SaaS", "yes"])],
            )
            .sheet(
                "Attestations",
                &[
                    "vendor",
                    "services",
                    "type",
                    "period_start",
                    "period_end",
                    "opinion",
                ],
                vec![row(&[
                    vendor,
                    "*",
                    "SOC 2 Type II",
                    "2025-07-01",
                    "2026-06-30",
                    "Unqualified",
                ])],
            );
        book.write(dir.path(), "q3.xlsx");
        let config = dir.path().join("demarc.toml");
        std::fs::write(
            &config,
            format!(
                "organisation = {}\nclassification = {}\nperiod = \"2026-Q3\"\ninputs = [\"q3.xlsx\"]\n",
                toml_string(organisation),
                toml_string(classification)
            ),
        )
        .unwrap();
        let out = dir.path().join("out");
        let result = demarc()
            .arg("report")
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let mut pdfs = vec![
            out.join("2026-Q3/board-report.pdf"),
            out.join("2026-Q3/auditor-pack.pdf"),
        ];
        pdfs.extend(
            std::fs::read_dir(out.join("2026-Q3/vendors"))
                .unwrap()
                .map(|e| e.unwrap().path())
                // Beside each pack, its questions workbook (written as strings, no PDF).
                .filter(|p| p.extension().is_some_and(|e| e == "pdf")),
        );
        for pdf in &pdfs {
            let text = support::pdf_text(pdf);
            // Each value prints on one line, its `=` and `-` literal, nothing lost.
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("Acme = Pwned Org - listed")),
                "{}: organisation not on one line:\n{text}",
                pdf.display()
            );
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{}: a control character reached the PDF",
                pdf.display()
            );
        }
        let board = support::pdf_text(&pdfs[0]);
        assert!(board.contains("SECRET = Heading #panic(\"x\")"), "{board}");
    }

    /// Names are text too: hostile service, vendor, attestation and CUEC fields print
    /// literally in the board report, the auditor pack and the vendor pack.
    #[test]
    fn typst_and_handlebars_syntax_in_names_and_vendor_fields_is_literal() {
        let vendor = "Evil] #set text(size: 40pt) {{vendor}}";
        let service = "Svc $1 <lbl> @ref // x";
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .sheet(
                "Services",
                &[
                    "service",
                    "provider",
                    "service_model",
                    "data_classes",
                    "in_scope",
                    "owner",
                    "regions",
                ],
                vec![row(&[
                    service,
                    vendor,
                    "SaaS",
                    "PII",
                    "yes",
                    "#{{owner}}",
                    "eu-*\\ #x",
                ])],
            )
            .sheet(
                "Attestations",
                &[
                    "vendor",
                    "services",
                    "type",
                    "period_start",
                    "period_end",
                    "opinion",
                    "exceptions",
                    "exception_notes",
                    "bridge_letter_through",
                    "auditor",
                ],
                vec![row(&[
                    vendor,
                    "*",
                    "SOC 2 Type II",
                    "2025-07-01",
                    "2026-06-30",
                    "Qualified",
                    "2",
                    "CC6.1: a], [b #eval(\"1\")",
                    "2026-12-31",
                    "Audit & Co \\ *LLP*",
                ])],
            )
            .sheet(
                "CUECs",
                &[
                    "vendor",
                    "attestation",
                    "cuec_id",
                    "description",
                    "mapped_control",
                ],
                vec![row(&[
                    vendor,
                    "SOC 2 Type II",
                    "C-1 #x",
                    "Review $access$ <now> // daily {{{raw}}}",
                    "IAM-1",
                ])],
            );
        let path = book.write(dir.path(), "hostile.xlsx");
        let out = dir.path().join("out");
        let result = demarc()
            .arg("report")
            .arg(&path)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let board = squash(&support::pdf_text(&out.join("2026-Q3/board-report.pdf")));
        let pack = squash(&support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf")));
        let (packs, questions): (Vec<_>, Vec<_>) = std::fs::read_dir(out.join("2026-Q3/vendors"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .partition(|p| p.extension().is_some_and(|e| e == "pdf"));
        // The vendor's questions workbook shares the pack's safe stem.
        assert_eq!(
            questions
                .iter()
                .map(|q| q
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .replace("-questions.xlsx", ".pdf"))
                .collect::<Vec<_>>(),
            packs
                .iter()
                .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            packs.len(),
            1,
            "one vendor pack, under a safe file name: {packs:?}"
        );
        assert!(packs[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.'));
        let vendor_pack = squash(&support::pdf_text(&packs[0]));
        for text in [vendor, service] {
            assert!(
                board.contains(&squash(text)),
                "{text:?} not literal in the board report"
            );
            assert!(
                pack.contains(&squash(text)),
                "{text:?} not literal in the auditor pack"
            );
            assert!(
                vendor_pack.contains(&squash(text)),
                "{text:?} not literal in the vendor pack"
            );
        }
        for text in [
            "#{{owner}}",
            "CC6.1: a], [b #eval(\"1\")",
            "Audit & Co \\ *LLP*",
            "C-1 #x",
            "Review $access$ <now> // daily {{{raw}}}",
        ] {
            assert!(
                pack.contains(&squash(text)),
                "{text:?} not literal in the auditor pack"
            );
        }
        assert!(vendor_pack.contains(&squash("Review $access$ <now> // daily {{{raw}}}")));
    }
}

mod model_command {
    use super::*;

    #[test]
    fn prints_the_default_matrix_and_exports_a_file_that_loads_back() {
        let out = demarc()
            .arg("model")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let table = String::from_utf8(out).unwrap();
        assert!(table.contains("Identity and access management"));
        assert!(table.lines().any(|l| l.starts_with("Physical security")
            && l.split_whitespace().filter(|w| *w == "provider").count() == 3));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("model.toml");
        demarc()
            .arg("model")
            .arg("--export")
            .arg(&file)
            .assert()
            .success();
        let exported = std::fs::read_to_string(&file).unwrap();
        assert!(exported.contains("extends = \"none\""));
        let again = demarc::model::Model::load(&file).unwrap();
        assert_eq!(again.domains, demarc::model::Model::default().domains);
    }

    #[test]
    fn a_model_file_with_overrides_changes_the_cells() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model.toml");
        // Okta (SaaS) takes client and endpoint protection entirely: no customer evidence needed.
        std::fs::write(&model, "[[overrides]]\nservices = [\"Okta\"]\ndomains = [\"Client and endpoint protection\"]\nowner = \"provider\"\n").unwrap();
        let book = small_company()
            .sheet(
                "Evidence",
                &["control_id", "collected_on", "result"],
                vec![
                    row(&["DATA-1", "2026-09-01", "Effective"]),
                    row(&["IAM-1", "2026-09-01", "Effective"]),
                    row(&["APP-1", "2026-09-01", "Effective"]),
                ],
            )
            .write(dir.path(), "q3.xlsx");
        demarc()
            .arg("check")
            .arg(&book)
            .args(["--period", "2026-Q3"])
            .assert()
            .code(1);
        demarc()
            .arg("check")
            .arg(&book)
            .args(["--period", "2026-Q3", "--model"])
            .arg(&model)
            .assert()
            .code(0);
        let shown = demarc()
            .args(["model", "--model"])
            .arg(&model)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(String::from_utf8(shown).unwrap().contains("services Okta"));
    }
}

mod reports {
    use super::*;

    fn report(out: &Path, extra: &[&str]) -> std::process::Output {
        demarc()
            .current_dir(repo(""))
            .args(["report", "--config", "samples/demarc.toml", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    }

    #[test]
    fn a_vendor_pack_per_vendor_with_its_verdict_and_findings() {
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &[]).status.success());
        let vendors = dir.path().join("2026-Q3/vendors");
        let mut names: Vec<String> = std::fs::read_dir(&vendors)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        // Ten vendors with in-scope cloud services; the organisation's own On-prem archive gets
        // none. Beside each pack, the vendor's follow-up questions, when it has findings to
        // answer (Atlassian's overdue review and Google Cloud's and Azure's clean record ask
        // them nothing).
        assert_eq!(
            names,
            [
                "AWS-questions.xlsx",
                "AWS.pdf",
                "Atlassian.pdf",
                "Datadog-questions.xlsx",
                "Datadog.pdf",
                "GitHub-questions.xlsx",
                "GitHub.pdf",
                "Google-Cloud.pdf",
                "Microsoft-Azure.pdf",
                "Microsoft-questions.xlsx",
                "Microsoft.pdf",
                "Okta-questions.xlsx",
                "Okta.pdf",
                "Salesforce-questions.xlsx",
                "Salesforce.pdf",
                "Scribewell-questions.xlsx",
                "Scribewell.pdf"
            ]
        );
        let okta = support::pdf_text(&vendors.join("Okta.pdf"));
        for wanted in [
            "Vendor pack: Okta",
            "Okta Workforce Identity",
            // The worst finding leads: a critical CUEC left unevidenced, never "assurance
            // current".
            "Not acceptable as it stands: 1 critical finding",
            "critical · 1 × CUEC's control not evidenced (CUEC_UNEVIDENCED)",
            "OKTA-CUEC-02",
            "CUEC_UNEVIDENCED",
            "ATTESTATION_EXPIRING",
            "days covered",
        ] {
            assert!(okta.contains(wanted), "Okta pack lacks {wanted:?}");
        }
        let scribewell = support::pdf_text(&vendors.join("Scribewell.pdf"));
        assert!(
            scribewell.contains("Not acceptable as it stands")
                && scribewell.contains("No current attestation from this vendor is on file."),
            "{scribewell}"
        );
        for pack in [&okta, &scribewell] {
            assert!(!pack.to_lowercase().contains("assurance current"));
        }
        assert!(scribewell.contains("No attestation from this vendor is on file"));
        let aws = support::pdf_text(&vendors.join("AWS.pdf"));
        assert!(aws.contains("ATTESTATION_EXCEPTIONS") && !aws.contains("CUEC_UNEVIDENCED"));
    }

    #[test]
    fn the_board_report_shows_the_trend_against_a_previous_findings_json() {
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &[]).status.success());
        // Make a "previous quarter" from this one: one finding fewer, one extra, 80% posture.
        let mut doc = read_json(&dir.path().join("2026-Q3/findings.json"));
        doc["period"]["label"] = "2026-Q2".into();
        doc["period"]["start"] = "2026-04-01".into();
        doc["period"]["end"] = "2026-06-30".into();
        doc["summary"]["coverage"]["percent"] = 80.0.into();
        let findings = doc["findings"].as_array_mut().unwrap();
        findings.remove(0);
        let mut extra = findings[0].clone();
        extra["code"] = "EVIDENCE_STALE".into();
        extra["service"] = "Retired Service".into();
        findings.push(extra);
        let previous = dir.path().join("previous.json");
        std::fs::write(&previous, serde_json::to_string(&doc).unwrap()).unwrap();
        let out = dir.path().join("with-trend");
        let result = report(&out, &["--previous", previous.to_str().unwrap()]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
        assert!(
            board.contains("87.6% of our 105 responsibility cells are owned and evidenced, up 7.6 points since 2026-Q2 (80.0%)."),
            "{board}"
        );
        assert!(
            board.contains("Since 2026-Q2: 1 new, 1 resolved and 26 persisting findings"),
            "{board}"
        );

        std::fs::write(&previous, "{\"not\": \"ours\"}").unwrap();
        let result = report(&out, &["--previous", previous.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&result.stderr)
            .contains("previous.json: not a demarc findings.json"));
    }

    #[test]
    fn templates_dir_replaces_a_template_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        let board = std::fs::read_to_string(repo("templates/board-report.typ.hbs")).unwrap();
        std::fs::write(
            templates.join("board-report.typ.hbs"),
            board.replace("Cloud responsibility posture", "Posture for Contoso Board"),
        )
        .unwrap();
        let out = dir.path().join("out");
        assert!(report(&out, &["--templates", templates.to_str().unwrap()])
            .status
            .success());
        let text = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
        assert!(
            text.contains("Posture for Contoso Board")
                && !text.contains("Cloud responsibility posture")
        );
        // Untouched templates keep their defaults.
        assert!(support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"))
            .contains("Auditor evidence pack"));

        // A broken template is an error naming the file and line; nothing is written.
        std::fs::write(
            templates.join("board-report.typ.hbs"),
            "{{> style}}\n= Oops\n{{#if}}\n",
        )
        .unwrap();
        let fresh = dir.path().join("fresh");
        let result = report(&fresh, &["--templates", templates.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&result.stderr);
        // The parser stops at the end of the file (line 4) looking for the block's close.
        assert!(
            stderr.contains("template board-report.typ.hbs") && stderr.contains(":4:1"),
            "{stderr}"
        );
        assert!(!fresh.join("2026-Q3/auditor-pack.pdf").exists());
    }

    #[test]
    fn pdf_metadata_and_archival_standard() {
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &["--pdf-standard", "a-2b"])
            .status
            .success());
        let bytes = std::fs::read(dir.path().join("2026-Q3/auditor-pack.pdf")).unwrap();
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let info = pdf
            .trailer
            .get(b"Info")
            .and_then(|o| o.as_reference())
            .and_then(|r| pdf.get_dictionary(r))
            .unwrap();
        let field = |k: &[u8]| {
            let o = info.get(k).unwrap();
            lopdf::decode_text_string(o).unwrap()
        };
        assert_eq!(
            field(b"Title"),
            "Northwind Health — auditor evidence pack 2026-Q3"
        );
        assert_eq!(field(b"Author"), "Northwind Health");
        assert!(field(b"Keywords").contains("2026-Q3"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("pdfaid:part") && text.contains(">2<")
                || text.contains("pdfaid:part=\"2\""),
            "no PDF/A identification in the XMP metadata"
        );
    }
}

mod evidence_root {
    use super::*;

    /// Evidence files under the root are hashed into the pack and the index; paths that
    /// leave the root are refused with a warning naming the cell, and the run goes on.
    #[test]
    fn files_are_hashed_and_escaping_paths_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("evidence");
        std::fs::create_dir_all(root.join("q3")).unwrap();
        std::fs::write(root.join("q3/iam.pdf"), b"access review, signed").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"not evidence").unwrap();
        let files = [
            "q3/iam.pdf",
            "../secret.txt",
            "q3/absent.pdf",
            "https://drive.example/app.pdf",
        ];
        let evidence: Vec<_> = ["IAM-1", "DATA-1", "END-1", "APP-1"]
            .iter()
            .zip(files)
            .map(|(id, file)| {
                let mut r = row(&[id, "", "Quarterly review", file]);
                r.push(d(2026, 9, 1).into());
                r.push("Effective".into());
                r
            })
            .collect();
        let book = small_company()
            .sheet(
                "Evidence",
                &[
                    "control_id",
                    "service",
                    "evidence",
                    "evidence_file",
                    "collected_on",
                    "result",
                ],
                evidence,
            )
            .write(dir.path(), "q3.xlsx");
        let out = dir.path().join("out");
        let result = demarc()
            .arg("report")
            .arg(&book)
            .args(["--period", "2026-Q3", "--evidence-root"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains("q3.xlsx: Evidence!3: evidence_file \"../secret.txt\" refused"),
            "{stderr}"
        );

        let index = std::fs::read_to_string(out.join("2026-Q3/evidence-index.csv")).unwrap();
        let sha = {
            use sha2::Digest;
            format!("{:x}", sha2::Sha256::digest(b"access review, signed"))
        };
        let status_of = |file: &str| -> Vec<String> {
            let line = index
                .lines()
                .find(|l| l.contains(file))
                .unwrap_or_else(|| panic!("{file} not in the index"));
            line.split(',').map(str::to_string).collect()
        };
        assert_eq!(
            status_of("q3/iam.pdf")[7..9],
            ["hashed".to_string(), sha.clone()]
        );
        assert_eq!(status_of("../secret.txt")[7], "refused");
        assert_eq!(status_of("q3/absent.pdf")[7], "missing");
        assert_eq!(status_of("https://drive.example/app.pdf")[7], "url");

        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        assert!(
            pack.contains(&sha),
            "the auditor pack lacks the evidence file's SHA-256"
        );
        assert!(
            pack.contains("refused"),
            "the auditor pack does not say the path was refused"
        );
    }
}

mod evidence_root_errors {
    use super::*;

    #[test]
    fn a_missing_evidence_root_is_an_error_not_a_silent_not_checked() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company().write(dir.path(), "q3.xlsx");
        let out = dir.path().join("out");
        let result = demarc()
            .arg("report")
            .arg(&book)
            .args(["--period", "2026-Q3", "--evidence-root"])
            .arg(dir.path().join("no-such-dir"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&result.stderr).contains("no-such-dir: no such directory"));
        assert!(
            !out.join("2026-Q3/findings.json").exists(),
            "nothing is written"
        );
    }
}

mod residency {
    use super::*;

    #[test]
    fn the_reports_show_where_data_is_held_under_the_samples_policy() {
        let dir = tempfile::tempdir().unwrap();
        sample_reports(dir.path());
        let out = dir.path().join("2026-Q3");
        let board = support::pdf_text(&out.join("board-report.pdf"));
        assert!(
            board.contains("Data residency 1 of 9 services the policy covers holds data outside it; 1 holds regulated data in no stated region."),
            "{board}"
        );
        let pack = support::pdf_text(&out.join("auditor-pack.pdf"));
        let section = &pack[pack
            .find("Where data is held is always the customer")
            .expect("the auditor pack has a residency section")..];
        let section = &section[..section.find("Controls and evidence").unwrap()];
        for wanted in [
            // The policy, as written.
            "PHI US",
            "PII US, EEA, UK",
            "15 services in scope: 1 outside the policy, 1 with regulated data and no region, 7 within the policy, 6 not checked",
            // Amazon S3's three regions: the Irish one holds PHI outside the policy.
            "Amazon S3",
            "outside the policy",
            "eu-west-1 AWS, Europe (Ireland) PHI outside",
            "us-east-1 AWS, US East (N. Virginia) PHI allowed, PII allowed, Confidential (no policy)",
            "Scribewell Ambient Notes",
            "no region stated",
            "Patient Records Archive",
            "US group of",
        ] {
            assert!(section.contains(wanted), "residency section lacks {wanted:?}: {section}");
        }
        for code in ["RESIDENCY_VIOLATION", "RESIDENCY_UNKNOWN"] {
            assert!(pack.contains(code), "auditor pack lacks {code}");
        }
        let aws = support::pdf_text(&out.join("vendors/AWS.pdf"));
        for wanted in [
            "Where the data is held",
            "judged by the organisation's residency policy",
            "eu-west-1 AWS, Europe (Ireland) PHI outside",
            "RESIDENCY_VIOLATION",
        ] {
            assert!(
                aws.replace('’', "'").contains(wanted),
                "AWS pack lacks {wanted:?}"
            );
        }
        // Amazon WorkSpaces is out of scope: not among the vendor's services.
        assert!(!aws.contains("Amazon WorkSpaces"), "{aws}");
        let atlassian = support::pdf_text(&out.join("vendors/Atlassian.pdf"));
        assert!(
            atlassian.contains("EU group of") && atlassian.contains("IP (no policy)"),
            "{atlassian}"
        );
    }

    #[test]
    fn explain_gives_the_residency_codes_their_own_severity_rule() {
        let text = |code: &str| {
            let out = demarc().args(["explain", code]).assert().success();
            String::from_utf8_lossy(&out.get_output().stdout).to_string()
        };
        let violation = text("RESIDENCY_VIOLATION");
        assert!(
            violation.contains("severity: high; critical when a class held outside the policy is PHI or PCI (PII alone stays high)")
                && violation.contains("GDPR"),
            "{violation}"
        );
        let unknown = text("residency_unknown");
        assert!(
            unknown.contains("severity: medium; never stepped up"),
            "{unknown}"
        );
    }

    #[test]
    fn without_a_policy_nothing_is_judged_and_the_reports_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let book = small_company()
            .sheet(
                "Services",
                &[
                    "service",
                    "provider",
                    "service_model",
                    "data_classes",
                    "in_scope",
                    "regions",
                ],
                vec![row(&["Okta", "Okta", "SaaS", "PHI", "yes", "eu-west-1"])],
            )
            .write(dir.path(), "q3.xlsx");
        let out = dir.path().join("out");
        demarc()
            .arg("report")
            .arg(&book)
            .args(["--period", "2026-Q3", "--out"])
            .arg(&out)
            .assert()
            .success();
        let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
        assert!(!board.contains("Data residency"), "{board}");
        let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
        assert!(pack.contains("No residency policy is set"), "{pack}");
        let okta = support::pdf_text(&out.join("2026-Q3/vendors/Okta.pdf"));
        assert!(
            okta.contains("no residency policy is set")
                && okta.contains("Okta eu-west-1 AWS, Europe (Ireland) PHI"),
            "{okta}"
        );
        let doc = read_json(&out.join("2026-Q3/findings.json"));
        assert_eq!(doc["summary"]["by_code"]["RESIDENCY_VIOLATION"], 0);

        // The same workbook under a policy: PHI in Ireland is outside it, and critical.
        std::fs::write(
            dir.path().join("demarc.toml"),
            "[residency]\nPHI = [\"US\"]\n",
        )
        .unwrap();
        let json = demarc()
            .current_dir(dir.path())
            .args(["check", "q3.xlsx", "--period", "2026-Q3", "--json"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let doc: Value = serde_json::from_slice(&json).unwrap();
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0]["code"], "RESIDENCY_VIOLATION");
        assert_eq!(findings[0]["severity"], "critical");
        assert_eq!(findings[0]["service"], "Okta");
        assert_eq!(findings[0]["sources"][0]["row"], 2);
    }

    #[test]
    fn unknown_regions_and_policy_entries_are_errors_naming_the_cell_or_line() {
        let dir = tempfile::tempdir().unwrap();
        small_company()
            .sheet(
                "Services",
                &[
                    "service",
                    "provider",
                    "service_model",
                    "data_classes",
                    "in_scope",
                    "regions",
                ],
                vec![row(&[
                    "Okta",
                    "Okta",
                    "SaaS",
                    "PII",
                    "yes",
                    "us-east-1, westeurpe",
                ])],
            )
            .write(dir.path(), "q3.xlsx");
        let check = |settings: &str| {
            std::fs::write(
                dir.path().join("demarc.toml"),
                format!("period = \"2026-Q3\"\ninputs = [\"q3.xlsx\"]\n{settings}"),
            )
            .unwrap();
            let out = demarc()
                .current_dir(dir.path())
                .arg("check")
                .output()
                .unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).to_string(),
            )
        };
        let (code, stderr) = check("[residency]\nPII = [\"EU\", \"US\"]\n");
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("q3.xlsx: Services!F2: regions: \"westeurpe\" is not a known region")
                && stderr.contains("(did you mean \"westeurope\"?)"),
            "{stderr}"
        );
        // `check` writes nothing, so it says nothing about writing.
        assert!(!stderr.contains("nothing was written"), "{stderr}");

        let (code, stderr) = check("[residency]\nPII = [\"EU\", \"Europe\"]\n");
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("demarc.toml")
                && stderr.contains("line 4")
                && stderr.contains("\"Europe\" is not a known region"),
            "{stderr}"
        );
        let (code, stderr) = check("[residency]\nConfidental = [\"US\"]\n");
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("line 4") && stderr.contains("(did you mean \"Confidential\"?)"),
            "{stderr}"
        );

        // Without a policy the same workbook is read, with one warning naming the cell.
        let (code, stderr) = check("");
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains(
                "Services!F2: regions: \"westeurpe\" is no known AWS, Azure or Google Cloud region"
            ),
            "{stderr}"
        );
    }
}

/// Issue 14: warnings scroll past above the findings; the summary line counts them, so a
/// run that kept a column aside or read a formula as blank cannot look clean.
#[test]
fn check_summary_counts_the_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_company().sheet(
        "Services",
        &["Service", "Vendor", "Provider", "Service Model", "Reviewer"],
        vec![row(&["Okta", "Reseller Ltd", "Okta", "SaaS", "J. Doe"])],
    );
    let path = book.write(dir.path(), "q3.xlsx");
    let output = demarc()
        .arg("check")
        .arg(&path)
        .args(["--period", "2026-Q3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A kept-aside Vendor column, an unread Reviewer column, and no CUECs sheet.
    let warned = stderr.matches("warning: ").count();
    assert_eq!(warned, 3, "{stderr}");
    let summary = stdout
        .lines()
        .find(|l| l.contains("responsibility cells owned and evidenced"))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}"));
    assert!(
        summary.ends_with(&format!("; {warned} warnings (see above)")),
        "{summary}"
    );
}

/// Issue 14: `check` never writes, so its errors must not say "nothing was written"; the
/// commands that write say it when they stop before writing. An OS error is said once.
#[test]
fn errors_say_nothing_was_written_only_where_something_could_have_been() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = |args: &[&str]| {
        let out = demarc()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let check = stderr(&["check", "--period", "2026-Q3"]);
    assert!(check.contains("no inputs"), "{check}");
    assert!(!check.contains("nothing was written"), "{check}");
    let report = stderr(&["report", "--period", "2026-Q3", "missing.xlsx"]);
    assert!(
        report.trim_end().ends_with("nothing was written"),
        "{report}"
    );
    let config = stderr(&["check", "--config", "missing.toml"]);
    assert_eq!(
        config.matches("No such file or directory").count(),
        1,
        "{config}"
    );
}

/// The README and the tool agree (issue 14, tried as a newcomer would).
mod readme {
    use super::*;

    fn readme() -> String {
        std::fs::read_to_string(repo("README.md")).unwrap()
    }

    /// The quick start names every file the first command writes.
    #[test]
    fn the_quick_start_names_every_output_of_the_first_command() {
        let dir = tempfile::tempdir().unwrap();
        sample_reports(dir.path());
        let readme = readme();
        let quick_start = &readme[..readme.find("## Your first hour").unwrap()];
        for entry in std::fs::read_dir(dir.path().join("2026-Q3")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            let shown = if name == "vendors" {
                "vendors/*.pdf".to_string()
            } else {
                name
            };
            assert!(
                quick_start.contains(&format!("`{shown}`")),
                "the quick start does not name {shown}"
            );
        }
    }
}

/// Issue 15: cells reach the terminal inert. OSC 52 would write the clipboard, OSC 0 set
/// the window title; in every `check` format a person may read on a screen, no escape
/// byte is written, and JSON carries such characters as `\u` escapes (the same data).
#[test]
fn escape_sequences_in_cells_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let osc52 = "Okta\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}]0;pwned\u{7}\u{9b}2J";
    let book = small_company().push("Evidence", {
        let mut r = row(&["IAM-9", osc52, "x"]);
        r.push(d(2026, 9, 1).into());
        r.push("Effective".into());
        r
    });
    let path = book.write(dir.path(), "q3.xlsx");
    for format in ["table", "github", "json"] {
        let out = demarc()
            .arg("check")
            .arg(&path)
            .args(["--period", "2026-Q3", "--format", format])
            .output()
            .unwrap();
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
                "--format {format}: a control character on {stream}:\n{text:?}"
            );
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("IAM-9"), "--format {format}: {stdout}");
        if format == "json" {
            let json: Value = serde_json::from_slice(&out.stdout).unwrap();
            let service = json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["control_id"] == "IAM-9")
                .unwrap()["service"]
                .as_str()
                .unwrap()
                .to_string();
            // The cell's control characters were removed when it was read (with a
            // warning); what is left is plain text.
            assert_eq!(service, "Okta]52;c;cm0gLXJmIH4=]0;pwned2J");
        }
    }
}

/// Issue 15: "nothing was written" is true, and a run's outputs switch as one set.
mod output_set {
    use super::*;

    fn report(dir: &Path, book: &support::Book) -> std::process::Output {
        let path = book.write(dir, "q3.xlsx");
        demarc()
            .arg("report")
            .arg(&path)
            .args(["--period", "2026-Q3", "--out"])
            .arg(dir.join("out"))
            .output()
            .unwrap()
    }

    fn vendor_packs(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("out/2026-Q3/vendors"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    fn with_provider(provider: &str) -> support::Book {
        small_company().sheet(
            "Services",
            &["service", "provider", "service_model"],
            vec![
                row(&["Okta", "Okta", "SaaS"]),
                row(&["Payroll", provider, "SaaS"]),
            ],
        )
    }

    #[test]
    fn a_vendor_that_left_the_inputs_leaves_no_stale_pack() {
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &with_provider("Acme Payroll"))
            .status
            .success());
        assert_eq!(
            vendor_packs(dir.path()),
            [
                "Acme-Payroll-questions.xlsx",
                "Acme-Payroll.pdf",
                "Okta.pdf"
            ]
        );
        assert!(report(dir.path(), &small_company()).status.success());
        assert_eq!(vendor_packs(dir.path()), ["Okta.pdf"]);
        // The replaced set is kept beside it until the next run.
        assert!(dir
            .path()
            .join("out/.demarc-previous-2026-Q3/vendors/Acme-Payroll.pdf")
            .is_file());
    }

    #[test]
    fn a_provider_name_of_300_characters_gets_a_pack_whose_name_fits() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("Acme {}", "Very Long Holdings ".repeat(16));
        let out = report(dir.path(), &with_provider(&long));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let packs = vendor_packs(dir.path());
        let long_pack = packs
            .iter()
            .find(|p| p.starts_with("Acme-") && p.ends_with(".pdf"))
            .unwrap();
        assert!(long_pack.len() <= 100, "{long_pack}");
        // Its questions workbook shares the stem, and fits too.
        let questions = long_pack.replace(".pdf", "-questions.xlsx");
        assert!(packs.contains(&questions), "{packs:?}");
        assert!(questions.len() <= 120, "{questions}");
        assert!(
            long_pack.starts_with("Acme-Very-Long-Holdings-"),
            "{long_pack}"
        );
    }

    #[test]
    fn an_old_output_that_cannot_be_replaced_leaves_no_mixed_set() {
        // Last run's auditor-pack.pdf cannot be renamed over (here: a folder with a file in
        // it; in life, a PDF locked by a viewer). Before, the files renamed ahead of it were
        // new and the rest old, while the run said nothing was written.
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &small_company()).status.success());
        let period = dir.path().join("out/2026-Q3");
        let old_findings = std::fs::read(period.join("findings.json")).unwrap();
        std::fs::remove_file(period.join("auditor-pack.pdf")).unwrap();
        std::fs::create_dir_all(period.join("auditor-pack.pdf")).unwrap();
        std::fs::write(period.join("auditor-pack.pdf/locked"), "x").unwrap();
        let out = report(dir.path(), &with_provider("Acme Payroll"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            period.join("auditor-pack.pdf").is_file(),
            "the new pack is in place"
        );
        assert_ne!(
            std::fs::read(period.join("findings.json")).unwrap(),
            old_findings
        );
        assert_eq!(
            vendor_packs(dir.path()),
            [
                "Acme-Payroll-questions.xlsx",
                "Acme-Payroll.pdf",
                "Okta.pdf"
            ]
        );
    }

    #[test]
    fn files_that_are_not_the_reports_are_carried_into_the_new_set() {
        let dir = tempfile::tempdir().unwrap();
        assert!(report(dir.path(), &small_company()).status.success());
        let period = dir.path().join("out/2026-Q3");
        std::fs::write(period.join("evidence-bundle-2026-Q3.zip"), "a bundle").unwrap();
        std::fs::write(period.join(".demarc-killed.tmp"), "half a PDF").unwrap();
        assert!(report(dir.path(), &small_company()).status.success());
        assert_eq!(
            std::fs::read_to_string(period.join("evidence-bundle-2026-Q3.zip")).unwrap(),
            "a bundle"
        );
        assert!(!period.join(".demarc-killed.tmp").exists());
        let beside: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            beside.iter().all(|n| !n.ends_with(".tmp")),
            "no staging left: {beside:?}"
        );
    }
}

/// Issue 15: a service name of 100–200 characters took the board heatmap's width, leaving
/// the domain columns a letter wide. It is cut in the heatmap, numbered, and given in full
/// under it.
#[test]
fn a_very_long_service_name_is_shortened_in_the_heatmap_and_given_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!(
        "Okta Workforce Identity Cloud {}",
        "for Subsidiaries and Affiliates ".repeat(5)
    );
    let long = long.trim().to_string();
    let book = small_company().sheet(
        "Services",
        &["service", "provider", "service_model"],
        vec![row(&[&long, "Okta", "SaaS"])],
    );
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert!(
        board.contains("Okta Workforce Identity Cloud for Su… 1 (SaaS)"),
        "the heatmap shows the name cut:\n{board}"
    );
    assert!(
        squash(&board).contains(&squash(&format!(
            "Names shortened above, in full: 1 {long}"
        ))),
        "the legend gives it whole:\n{board}"
    );
}

mod templates_export {
    use super::*;

    fn export(dir: &Path, extra: &[&str]) -> std::process::Output {
        demarc()
            .current_dir(repo(""))
            .args(["templates", "export"])
            .arg(dir)
            .args(["--config", "samples/demarc.toml"])
            .args(extra)
            .output()
            .unwrap()
    }

    /// The export holds the built-in templates as `--templates` reads them, each
    /// document's data valid against its schema, and passed back unchanged the templates
    /// make the same PDFs; a second export keeps what is there unless `--force`.
    #[test]
    fn writes_templates_data_and_schemas_that_make_the_same_reports() {
        let dir = tempfile::tempdir().unwrap();
        let kit = dir.path().join("kit");
        let result = export(&kit, &[]);
        assert!(result.status.success(), "{result:?}");
        for template in [
            "board-report.typ.hbs",
            "auditor-pack.typ.hbs",
            "vendor-pack.typ.hbs",
            "evidence-appendix.typ.hbs",
            "partials/style.typ.hbs",
            "partials/residency.typ.hbs",
            "partials/findings.typ.hbs",
        ] {
            assert_eq!(
                std::fs::read(kit.join(template)).unwrap(),
                std::fs::read(repo(&format!("templates/{template}"))).unwrap(),
                "{template}"
            );
        }
        let mut checked = Vec::new();
        for entry in std::fs::read_dir(&kit).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".data.json") else {
                continue;
            };
            let document = stem.split('.').next().unwrap();
            let schema = read_json(&kit.join(format!("schemas/{document}.schema.json")));
            let validator = jsonschema::validator_for(&schema).unwrap();
            let data = read_json(&kit.join(&name));
            let errors: Vec<String> = validator
                .iter_errors(&data)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
            checked.push(name);
        }
        checked.sort();
        assert_eq!(checked.len(), 13, "{checked:?}");
        assert!(checked.contains(&"vendor-pack.Google-Cloud.data.json".to_string()));
        let board = read_json(&kit.join("board-report.data.json"));
        assert_eq!(board["meta"]["organisation"], "Northwind Health");
        assert_eq!(board["meta"]["period"], "2026-Q3");

        let plain = dir.path().join("plain");
        let restyled = dir.path().join("restyled");
        sample_reports(&plain);
        demarc()
            .current_dir(repo(""))
            .args(["report", "--config", "samples/demarc.toml", "--templates"])
            .arg(&kit)
            .arg("--out")
            .arg(&restyled)
            .assert()
            .success();
        for pdf in ["board-report.pdf", "auditor-pack.pdf", "vendors/Okta.pdf"] {
            assert!(
                std::fs::read(plain.join("2026-Q3").join(pdf)).unwrap()
                    == std::fs::read(restyled.join("2026-Q3").join(pdf)).unwrap(),
                "{pdf} differs with the exported templates"
            );
        }

        // An edited template is not overwritten by a second export.
        std::fs::write(kit.join("board-report.typ.hbs"), "edited").unwrap();
        let again = export(&kit, &[]);
        assert_eq!(again.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(
            stderr.contains("--force") && stderr.contains("nothing was written"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(kit.join("board-report.typ.hbs")).unwrap(),
            "edited"
        );
        assert!(export(&kit, &["--force", "-q"]).status.success());
        assert_eq!(
            std::fs::read(kit.join("board-report.typ.hbs")).unwrap(),
            std::fs::read(repo("templates/board-report.typ.hbs")).unwrap()
        );
    }
}

mod broken_templates {
    use super::*;

    fn report_with(templates: &Path, out: &Path) -> std::process::Output {
        demarc()
            .current_dir(repo(""))
            .args(["report", "--config", "samples/demarc.toml", "--templates"])
            .arg(templates)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    }

    /// A template Typst rejects: the error names the line of the kept generated source
    /// and of the template it comes from, and the source and its data stay on disk.
    #[test]
    fn a_typst_error_keeps_the_generated_source_and_names_the_template_line() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        let board = std::fs::read_to_string(repo("templates/board-report.typ.hbs")).unwrap();
        let broken = board.replacen(
            "#data.summary.join(\" \")",
            "#data.headline.no_such_field",
            1,
        );
        assert_ne!(
            broken, board,
            "the template changed: pick another line to break"
        );
        let line = broken
            .lines()
            .position(|l| l.contains("no_such_field"))
            .unwrap()
            + 1;
        std::fs::write(templates.join("board-report.typ.hbs"), &broken).unwrap();
        let out = dir.path().join("out");
        let result = report_with(&templates, &out);
        assert_eq!(result.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains(&format!("(from board-report.typ.hbs:{line})"))
                && stderr.contains("no_such_field"),
            "{stderr}"
        );
        let kept = stderr
            .split("kept for you in ")
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .unwrap_or_else(|| panic!("no kept directory in {stderr}"));
        let kept = PathBuf::from(kept);
        let typ = std::fs::read_to_string(kept.join("board-report.typ")).unwrap();
        // The error's position is in the kept file: its line holds the broken expression.
        let at = stderr
            .split("board-report.typ:")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap();
        assert!(typ.lines().nth(at - 1).unwrap().contains("no_such_field"));
        let data = read_json(&kept.join("data.json"));
        assert_eq!(data["meta"]["organisation"], "Northwind Health");
        std::fs::remove_dir_all(&kept).unwrap();
        assert!(!out.join("2026-Q3").exists(), "a failed run writes nothing");
    }

    /// A value the template names but the run does not have: the template's line.
    #[test]
    fn a_handlebars_error_names_the_template_line() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("board-report.typ.hbs"),
            "{{> style}}\n= Board\n{{organisation}} and {{no_such_value}}\n",
        )
        .unwrap();
        let result = report_with(&templates, &dir.path().join("out"));
        assert_eq!(result.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains("template board-report.typ.hbs:3:") && stderr.contains("no_such_value"),
            "{stderr}"
        );
    }
}
