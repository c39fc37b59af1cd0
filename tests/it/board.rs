//! The board report as a board member reads it (issue 17): a rating against the appetite,
//! plain summary sentences, risks rather than rows, a heatmap that never looks healthy
//! beside a finding, a trend over earlier runs, and a `--previous` that refuses what is
//! not this organisation's past.

use crate::support;

use serde_json::Value;
use std::path::Path;
use support::{demarc, read_json, repo, report_q3, row, small_company};

/// The samples' reports for `period`, with a copy of samples/demarc.toml extended by
/// `settings`, written under `out`.
fn sample_report(out: &Path, period: &str, settings: &str, extra: &[&str]) -> std::process::Output {
    let config = out.join("demarc.toml");
    std::fs::create_dir_all(out).unwrap();
    let text = std::fs::read_to_string(repo("samples/demarc.toml"))
        .unwrap()
        .replace(
            "\"northwind.xlsx\"",
            &format!("{:?}", repo("samples/northwind.xlsx").display().to_string()),
        )
        .replace(
            "\"evidence\"",
            &format!("{:?}", repo("samples/evidence").display().to_string()),
        );
    std::fs::write(&config, format!("{text}\n{settings}\n")).unwrap();
    demarc()
        .arg("report")
        .arg("--config")
        .arg(&config)
        .args(["--period", period, "--out"])
        .arg(out.join("runs"))
        .args(extra)
        .output()
        .unwrap()
}

fn board_text(out: &Path, period: &str) -> String {
    support::pdf_text(&out.join("runs").join(period).join("board-report.pdf"))
}

fn pages(path: &Path) -> usize {
    lopdf::Document::load(path).unwrap().get_pages().len()
}

/// The summary's sentences for the samples, word for word: a board compares quarters,
/// and a sentence that changes shape without the data changing reads as news.
#[test]
fn the_summary_says_the_samples_in_plain_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let result = sample_report(dir.path(), "2026-Q3", "", &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let board = board_text(dir.path(), "2026-Q3");
    for sentence in [
        "87.6% of our 105 responsibility cells are owned and evidenced at 2026-09-30.",
        "There are 11 critical and 9 high findings; the rating is red.",
        // Okta and Salesforce are critical tier vendors (Vendors sheet): their critical
        // risks rank before the residency and control risks of equal severity.
        "The 3 biggest risks: Scribewell gives no current assurance for 1 service; Controls Okta's report relies on us for are not in place; Salesforce's auditor modified its opinion.",
        "3 vendors' assurance lapses next quarter: Datadog, GitHub and Okta on 2026-12-31.",
        "1 service holds regulated data outside the residency policy, and 1 in a region nobody has stated.",
    ] {
        assert!(board.contains(sentence), "the summary lacks {sentence:?}:\n{board}");
    }
    // A vendor listed for its auditor's concerns says so beside its red, not a bare
    // "current" in the colour of a concern.
    let flat = board.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Salesforce current, with concerns 2028-05-31"),
        "{flat}"
    );
    let pages = pages(&dir.path().join("runs/2026-Q3/board-report.pdf"));
    assert!(
        (2..=4).contains(&pages),
        "the board report is {pages} pages"
    );
}

/// The rating follows `[board]`: red beyond the critical appetite, amber for highs or a
/// low posture, green within every limit — and each reason is printed.
#[test]
fn the_rating_follows_the_appetite() {
    for (settings, level, reason) in [
        ("", "RED", "11 critical findings; appetite: none"),
        (
            "[board]\nmax_critical = 11\nmax_high = 7\n",
            "AMBER",
            "9 high findings; appetite: at most 7",
        ),
        (
            "[board]\nmax_critical = 11\nmax_high = 9\nmin_posture = 90\n",
            "AMBER",
            "posture 87.6%; appetite: at least 90%",
        ),
        (
            "[board]\nmax_critical = 11\nmax_high = 9\nmin_posture = 85\nprepared_by = \"R. Osei, GRC\"\n",
            "GREEN",
            "within appetite: 11 critical, 9 high, posture 87.6%",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let result = sample_report(dir.path(), "2026-Q3", settings, &[]);
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
        let board = board_text(dir.path(), "2026-Q3");
        assert!(
            board.replace("RATING ", "RATING").contains(&format!("OVERALL RATING{level}")),
            "{settings:?} should rate {level}:\n{board}"
        );
        assert!(board.contains(reason), "{settings:?}: no {reason:?}:\n{board}");
        if settings.contains("prepared_by") {
            assert!(board.contains("Prepared by R. Osei, GRC"), "{board}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let result = sample_report(dir.path(), "2026-Q3", "[board]\nmin_posture = 180\n", &[]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&result.stderr)
            .contains("min_posture = 180: a percentage from 0 to 100"),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// With more critical risks than the board lists, every critical finding is still
/// accounted for: its vendor, service or control is named on the report, or it is
/// counted in the "+N more" line, which names what it can.
#[test]
fn every_critical_finding_is_named_or_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = small_company();
    for i in 0..16 {
        book = book.push(
            "Services",
            row(&[
                &format!("Clinic Tool {i:02}"),
                &format!("Vendor {i:02}"),
                "SaaS",
                "PHI",
                "yes",
            ]),
        );
    }
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
    let doc = read_json(&out.join("2026-Q3/findings.json"));
    let critical: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "critical")
        .collect();
    assert!(
        critical.len() > 10,
        "the workbook should give many critical risks"
    );
    let unnamed: Vec<String> = critical
        .iter()
        .filter(|f| {
            !["vendor", "service", "control_id"]
                .iter()
                .any(|k| f[k].as_str().is_some_and(|name| board.contains(name)))
        })
        .map(|f| f["service"].to_string())
        .collect();
    let more = &board[board.find("more risks").expect("a +N more line")..];
    // The counts beside the left-out risks are counts of risks, said as such, never read
    // as counts of findings ("3,133 findings: 79 critical" hid 904 critical findings).
    assert!(
        more.starts_with("more risks")
            && more.contains(" high")
            && more.contains("risks, grouping "),
        "{more}"
    );
    let naming = &more[more.find("the critical ones name").unwrap_or(0)..];
    let counted: usize = naming
        .split(" and ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        unnamed.len() <= counted,
        "{} critical findings are neither named nor counted ({counted} counted): {unnamed:?}\n{board}",
        unnamed.len()
    );
    // Critical before high, and the first page holds the rating and the decisions.
    let first = &support::pdf_pages(&out.join("2026-Q3/board-report.pdf"))[0];
    assert!(first.contains("OVERALL RATING") && first.contains("Decisions needed"));
    let table = &board[board.find("Other risks").unwrap()..board.find("more risks").unwrap()];
    if let (Some(high), Some(crit)) = (table.find("HIGH"), table.rfind("CRITICAL")) {
        assert!(crit < high, "a high risk is listed before a critical one");
    }
    assert!(pages(&out.join("2026-Q3/board-report.pdf")) <= 4);
}

/// No heatmap row looks healthy while a finding names its service: the findings that
/// name no domain (residency, the vendor's opinion, exceptions) colour the row's last
/// column.
#[test]
fn no_heatmap_row_is_healthy_beside_a_finding_about_its_service() {
    let analysis = support::analyse_with_settings(
        &[repo("samples/northwind.xlsx")],
        "2026-Q3",
        "[residency]\nPHI = [\"US\"]\nPII = [\"US\", \"EEA\", \"UK\"]\n",
    )
    .unwrap();
    let period = demarc::inputs::period::Period::parse("2026-Q3", 1).unwrap();
    let run = demarc::Run {
        inputs: vec![],
        as_of: period.end,
        period,
        model: demarc::model::Model::default(),
        organisation: None,
        classification: "INTERNAL".into(),
        templates: None,
        ingest: Default::default(),
        residency: None,
    };
    let report = demarc::render::views::board::board_report(
        &run,
        &analysis.inputs,
        &analysis.reconciliation,
        &Default::default(),
        None,
        &Default::default(),
    );
    let data = serde_json::to_value(&report).unwrap();
    let key = |s: &str| s.to_lowercase();
    for r in data["heat"]["rows"].as_array().unwrap() {
        let service = r["service"].as_str().unwrap();
        let provider = analysis
            .inputs
            .services
            .iter()
            .find(|s| s.name == service)
            .map(|s| s.provider.clone())
            .unwrap();
        let named = analysis.reconciliation.findings.iter().any(|f| {
            f.service.as_deref().map(key) == Some(key(service))
                || (f.service.is_none() && f.vendor.as_deref().map(key) == Some(key(&provider)))
        });
        let healthy = r["cells"]
            .as_array()
            .unwrap()
            .iter()
            .chain(std::iter::once(&r["service_level"]))
            .all(|c| c["worst"] == "ok");
        assert!(
            !(named && healthy),
            "{service} looks healthy beside a finding about it"
        );
    }
    // Amazon S3 holds PHI outside the policy: its last column is critical.
    let s3 = data["heat"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "Amazon S3")
        .unwrap();
    assert_eq!(s3["service_level"]["worst"], "critical");
}

/// `--history` with four earlier quarters: the chart shows all five, and the newest
/// earlier run is the previous period for new, resolved and persisting findings.
#[test]
fn history_charts_four_earlier_quarters() {
    let dir = tempfile::tempdir().unwrap();
    for period in ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"] {
        let result = sample_report(dir.path(), period, "", &[]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let history = dir.path().join("runs");
    let result = sample_report(
        dir.path(),
        "2026-Q3",
        "",
        &["--history", history.to_str().unwrap()],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let board = board_text(dir.path(), "2026-Q3");
    let trend = &board[board.find("Trend").expect("a trend section")..];
    let mut at = 0;
    for label in ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"] {
        let found = trend[at..]
            .find(label)
            .unwrap_or_else(|| panic!("{label} not charted in order:\n{trend}"));
        at += found;
    }
    assert!(trend.contains("Since 2026-Q2:"), "{trend}");
    let q2 = read_json(&history.join("2026-Q2/findings.json"));
    let q2_percent = q2["summary"]["coverage"]["percent"].as_f64().unwrap();
    assert!(
        board.contains(&format!("since 2026-Q2 ({q2_percent:.1}%)")),
        "the summary compares with the newest earlier run:\n{board}"
    );
}

/// `--previous` refuses another organisation's file and a period that does not end
/// before this one, naming both.
#[test]
fn previous_refuses_another_organisation_and_a_later_period() {
    let dir = tempfile::tempdir().unwrap();
    let result = sample_report(dir.path(), "2026-Q2", "", &[]);
    assert!(result.status.success());
    let q2 = dir.path().join("runs/2026-Q2/findings.json");

    let mut other = read_json(&q2);
    other["organisation"] = "Contoso Bank".into();
    let other_path = dir.path().join("contoso.json");
    std::fs::write(&other_path, other.to_string()).unwrap();
    let result = sample_report(
        dir.path(),
        "2026-Q3",
        "",
        &["--previous", other_path.to_str().unwrap()],
    );
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("contoso.json")
            && stderr.contains("\"Contoso Bank\", not \"Northwind Health\""),
        "{stderr}"
    );

    let later = sample_report(&dir.path().join("later"), "2026-Q4", "", &[]);
    assert!(later.status.success());
    let q4 = dir.path().join("later/runs/2026-Q4/findings.json");
    let result = sample_report(
        dir.path(),
        "2026-Q3",
        "",
        &["--previous", q4.to_str().unwrap()],
    );
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("its period 2026-Q4 ends on 2026-12-31, not before this period 2026-Q3 begins on 2026-07-01"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
}

/// Scope names each service left out with the register's reason (`scope_note`), or says
/// none was given.
#[test]
fn scope_gives_each_left_out_service_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_company().without("Services").sheet(
        "Services",
        &[
            "service",
            "provider",
            "service_model",
            "in_scope",
            "Reason for exclusion",
        ],
        vec![
            row(&["Okta", "Okta", "SaaS", "yes", ""]),
            row(&[
                "Legacy Fax Gateway",
                "Okta",
                "SaaS",
                "no",
                "Decommissioned 2026-08-01",
            ]),
            row(&["Sandbox Tenant", "Okta", "SaaS", "no", ""]),
        ],
    );
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
    assert!(board.contains("1 service is in scope"), "{board}");
    assert!(
        board.contains("Legacy Fax Gateway — Decommissioned 2026-08-01 (q3.xlsx: Services!3)"),
        "{board}"
    );
    assert!(
        board.contains(
            "Sandbox Tenant — marked out of scope, no reason given (q3.xlsx: Services!4)"
        ),
        "{board}"
    );
}

/// A history with a missing quarter says so in the chart instead of drawing the two runs
/// as neighbours.
#[test]
fn a_gap_in_the_history_is_said() {
    let dir = tempfile::tempdir().unwrap();
    for period in ["2025-Q4", "2026-Q2"] {
        let result = sample_report(dir.path(), period, "", &[]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let history = dir.path().join("runs");
    let result = sample_report(
        dir.path(),
        "2026-Q3",
        "",
        &["--history", history.to_str().unwrap()],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let board = board_text(dir.path(), "2026-Q3");
    let trend = &board[board.find("Trend").unwrap()..];
    let gap = trend.find("gap").expect("the gap is marked");
    assert!(
        trend[gap..].find("2026-Q2") < trend[gap..].find("2026-Q3"),
        "the gap mark stands before 2026-Q2, the run after the missing quarter:\n{trend}"
    );
    assert!(
        trend.contains("more than one quarter between two runs"),
        "{trend}"
    );
}

/// Past the vendors and left-out services the board lists, the rest are named on the page
/// (a "+4 more: see the auditor pack" pointed to sections that did not list them, and hid
/// a vendor with a qualified opinion from the board).
#[test]
fn vendors_and_services_past_the_lists_are_named_not_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    let mut services = vec![row(&["Okta", "Okta", "SaaS", "Confidential", "yes"])];
    let mut attestations = Vec::new();
    // Fourteen vendors whose SOC 2 ended before the period: lapsed, and more than the
    // board's table holds.
    for i in 1..=14 {
        let vendor = format!("Vendor {i:02}");
        services.push(row(&[
            &format!("App {i:02}"),
            &vendor,
            "SaaS",
            "Public",
            "yes",
        ]));
        attestations.push(row(&[
            &vendor,
            "*",
            "SOC 2 Type II",
            "2025-01-01",
            "2025-12-31",
            "Unqualified",
            "0",
            "",
            "*",
        ]));
    }
    // A report with a qualified opinion, bridged into next quarter: it ranks after the
    // lapsed ones, and its concern is named with it.
    attestations.push(row(&[
        "Okta",
        "*",
        "SOC 2 Type II",
        "2025-07-01",
        "2026-06-30",
        "Qualified",
        "0",
        "2026-12-31",
        "*",
    ]));
    // Fifteen services left out: three past the twelve listed with their reasons.
    for i in 1..=15 {
        services.push(row(&[
            &format!("Old {i:02}"),
            "Okta",
            "SaaS",
            "Public",
            "no",
        ]));
    }
    let book = small_company()
        .with_rows("Services", services)
        .with_rows("Attestations", attestations);
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let board = support::pdf_text(&out.join("2026-Q3/board-report.pdf"));
    let flat = board.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("+3 more vendors to watch: Vendor 13 (lapsed 2025-12-31); Vendor 14 (lapsed 2025-12-31); Okta (lapses next quarter 2026-12-31; SOC 2 Type II: Qualified opinion)."),
        "{flat}"
    );
    assert!(
        flat.contains("+3 more: Old 13 (Services!29), Old 14 (Services!30), Old 15 (Services!31)."),
        "{flat}"
    );
    assert!(
        !flat.contains("see the auditor pack's scope section"),
        "{flat}"
    );
}

/// Writes `small_company()` and a demarc.toml naming `organisation` and `classification`
/// under `dir`, and runs `report --config` on them.
fn report_for_organisation(
    dir: &Path,
    organisation: &str,
    classification: &str,
) -> std::process::Output {
    let book = small_company().write(dir, "q3.xlsx");
    let config = dir.join("demarc.toml");
    std::fs::write(
        &config,
        format!(
            // Written raw: TOML has no `\u{..}` escape of Rust's kind.
            "organisation = \"{organisation}\"\nclassification = \"{classification}\"\nperiod = \"2026-Q3\"\ninputs = [{:?}]\nout = \"out\"\n",
            book.display().to_string()
        ),
    )
    .unwrap();
    demarc()
        .arg("report")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap()
}

/// A right-to-left organisation name stays beside the period in every page header and
/// title, and never carries the period's digits into its run ("2026 · שלום-Q3"); a
/// right-to-left classification leaves the dates and the version beside it whole.
#[test]
fn a_right_to_left_organisation_keeps_the_period_whole() {
    let dir = tempfile::tempdir().unwrap();
    let result = report_for_organisation(dir.path(), "שלום בריאות", "סודי ביותר");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let out = dir.path().join("out/2026-Q3");
    for pdf in ["board-report.pdf", "auditor-pack.pdf", "vendors/Okta.pdf"] {
        let pages = support::pdf_visual_lines(&out.join(pdf));
        let (mut seen, mut classified) = (0, 0);
        for (n, lines) in pages.iter().enumerate() {
            // The letters of a right-to-left run stand right to left: in visual order
            // the name reads backwards.
            let beside_the_period = lines
                .iter()
                .filter(|l| l.contains("תואירב") && l.contains("Q3"));
            for line in beside_the_period {
                let flat = line.split_whitespace().collect::<Vec<_>>().join("");
                assert!(
                    flat.contains("2026-Q3") && !flat.contains("-Q3תואירב"),
                    "{pdf} page {}: {line:?}",
                    n + 1
                );
                seen += 1;
            }
            // Nor does a right-to-left classification take the as-of date or the
            // version beside it into its run (a guard: after Latin text Typst keeps them
            // whole even unboxed; the organisation, before the period, did not).
            for line in lines.iter().filter(|l| l.contains("ידוס")) {
                let flat = line.split_whitespace().collect::<Vec<_>>().join("");
                classified += 1;
                if flat.contains("asof") {
                    assert!(
                        flat.contains("asof2026-09-30"),
                        "{pdf} page {}: {line:?}",
                        n + 1
                    );
                }
                if flat.contains("Page") {
                    let version = format!("demarc{}", env!("CARGO_PKG_VERSION"));
                    assert!(flat.contains(&version), "{pdf} page {}: {line:?}", n + 1);
                }
            }
        }
        assert!(
            seen > 0,
            "{pdf} never shows the organisation beside the period"
        );
        assert!(classified > 0, "{pdf} never shows the classification");
    }
}

/// A bidirectional override in the organisation's name would make every page header read
/// otherwise than it says (`Acme <RLO>LAITNEDIFNOC` shows as "Acme CONFIDENTIAL"): refused,
/// with the key and the character named, and nothing written.
#[test]
fn a_bidirectional_control_in_the_organisation_is_refused_with_its_code_point() {
    let dir = tempfile::tempdir().unwrap();
    let result = report_for_organisation(dir.path(), "Acme \u{202E}LAITNEDIFNOC", "CONFIDENTIAL");
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("demarc.toml")
            && stderr.contains("organisation")
            && stderr.contains("U+202E"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("out/2026-Q3").exists(),
        "a report was written"
    );
}
