//! A newcomer's first hour: `init` → fill in → `report` in an empty directory, settings
//! precedence, `explain` for every code, the `check` output formats, completions and the
//! manual page, the catalogue of well-known services.

use crate::support;
use support::demarc;

use demarc::findings::Code;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use support::{d, read_book, row, Book, Cell};

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn codes(document: &Value) -> Vec<String> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The XML of one part of an .xlsx file.
fn xlsx_part(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn init_then_report_works_first_time_in_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = demarc().arg("init").arg(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = std::fs::read_to_string(dir.path().join("demarc.toml")).unwrap();
    // Every setting is there, explained, and the active ones point at the workbook.
    for key in [
        "organisation",
        "period",
        "from",
        "to",
        "fiscal_year_start",
        "as_of",
        "inputs",
        "evidence_root",
        "model",
        "fail_on",
        "classification",
        "out",
        "templates",
        "date_order",
        "[limits]",
    ] {
        assert!(config.contains(key), "demarc.toml does not mention {key}");
    }
    assert!(config.contains("inputs = [\"compliance.xlsx\"]"));
    assert!(config.contains("period = \"previous-quarter\""));
    // A new configuration uses the providers' own splits, and says so beside the setting.
    assert!(config.contains("\nmodel = \"providers\"\n"), "{config}");
    assert!(config.contains("demarc model --diff providers"), "{config}");

    // Unchanged, the starter already runs: the report is written and its findings say
    // what to fill in next (the catalogue's controls have no evidence yet).
    let report = demarc()
        .current_dir(dir.path())
        .arg("report")
        .output()
        .unwrap();
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let period_dir = std::fs::read_dir(dir.path().join("output"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for file in [
        "board-report.pdf",
        "auditor-pack.pdf",
        "findings.json",
        "vendors/Microsoft.pdf",
    ] {
        assert!(period_dir.join(file).is_file(), "{file} missing");
    }
    let first: Value =
        serde_json::from_slice(&std::fs::read(period_dir.join("findings.json")).unwrap()).unwrap();
    let first_codes = codes(&first);
    assert!(
        first["model"]["name"]
            .as_str()
            .unwrap()
            .starts_with("demarc providers"),
        "{}",
        first["model"]
    );
    assert!(first_codes.iter().any(|c| c == "EVIDENCE_MISSING"));
    assert!(
        !first_codes.iter().any(|c| c == "DOMAIN_UNOWNED"),
        "the starter catalogue owns every customer domain: {first_codes:?}"
    );
    assert!(
        !first_codes
            .iter()
            .any(|c| c == "UNKNOWN_REFERENCE" || c == "DUPLICATE_ROW"),
        "the worked examples are consistent: {first_codes:?}"
    );
    let pack = support::pdf_text(&period_dir.join("auditor-pack.pdf"));
    assert!(
        pack.contains("IAM-01") && pack.contains("NIST-800-53:IA-2"),
        "catalogue in the pack"
    );

    // Fill it in as a user would: keep the sheets, add evidence for every control of the
    // catalogue, and a service of their own with a blank model that demarc knows.
    let workbook = dir.path().join("compliance.xlsx");
    let starter = read_book(&workbook);
    let controls = starter
        .sheets
        .iter()
        .find(|s| s.name == "Controls")
        .unwrap();
    let ids: Vec<String> = controls
        .rows
        .iter()
        .map(|r| match &r[0] {
            Cell::Text(t) => t.clone(),
            other => panic!("control id {other:?}"),
        })
        .collect();
    let period_end =
        chrono::NaiveDate::parse_from_str(first["period"]["end"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    let mut filled = starter.clone();
    for id in &ids {
        let mut r = row(&[id, "", "Quarterly test"]);
        r.push(Cell::Text(String::new()));
        r.push((period_end - chrono::Days::new(3)).into());
        r.extend(row(&["Effective", "A. Tester"]));
        filled = filled.push("Evidence", r);
    }
    filled = filled.push(
        "Services",
        row(&[
            "Google Workspace",
            "Google",
            "",
            "Confidential",
            "Ops",
            "yes",
            "europe-west1",
        ]),
    );
    filled.write(dir.path(), "compliance.xlsx");

    let check = demarc()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_ne!(
        check.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let after = json_of(&check);
    let after_codes = codes(&after);
    assert!(
        !after_codes
            .iter()
            .any(|c| c == "EVIDENCE_MISSING" || c == "CUEC_UNEVIDENCED"),
        "every control is now evidenced: {after_codes:?}"
    );
    // Google Workspace's model was inferred (SaaS) and its provider has no attestation.
    assert!(after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| { f["code"] == "ATTESTATION_MISSING" && f["service"] == "Google Workspace" }));
}

#[test]
fn the_starter_workbook_has_drop_downs_for_every_enumeration() {
    let dir = tempfile::tempdir().unwrap();
    demarc().arg("init").arg(dir.path()).assert().success();
    let workbook = dir.path().join("compliance.xlsx");
    let book = read_book(&workbook);
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Read me",
            "Services",
            "Controls",
            "Evidence",
            "Attestations",
            "CUECs",
            "Vendors",
            "Lists"
        ]
    );
    // The Read me describes previous-quarter as a rule, not as one quarter that will be
    // wrong by the next (it said "today that is 2026-Q3").
    let read_me: Vec<&str> = book.sheets[0]
        .rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            support::Cell::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let period = read_me
        .iter()
        .find(|t| t.contains("previous-quarter"))
        .expect("a Period line");
    assert!(
        period.contains(
            "the calendar quarter before the day demarc runs, worked out afresh at every run"
        ) && !period.contains("today that is"),
        "{period}"
    );
    // Each sheet's headers are the columns ingest reads, in its order.
    for kind in demarc::ingest::SheetKind::ALL {
        let sheet = book
            .sheets
            .iter()
            .find(|s| s.name == kind.as_str())
            .unwrap();
        let wanted: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        assert_eq!(sheet.header, wanted, "{}", kind.as_str());
    }
    let lists = book.sheets.iter().find(|s| s.name == "Lists").unwrap();
    assert_eq!(
        lists.header,
        [
            "service_model",
            "in_scope",
            "domain",
            "frequency",
            "result",
            "type",
            "opinion",
            "tier"
        ]
    );
    // Which sheet (xl/worksheets/sheetN.xml, in order) validates which column from which
    // list: service_model (C) from Lists!A, result (F) from Lists!E, and so on.
    let expected = [
        (2, "C2:C5001", "Lists!$A$2:$A$5"),
        (2, "F2:F5001", "Lists!$B$2:$B$3"),
        (3, "C2:C5001", "Lists!$C$2:$C$8"),
        (3, "F2:F5001", "Lists!$D$2:$D$6"),
        (4, "F2:F5001", "Lists!$E$2:$E$6"),
        (5, "C2:C5001", "Lists!$F$2:$F$13"),
        (5, "I2:I5001", "Lists!$G$2:$G$5"),
        (7, "B2:B5001", "Lists!$H$2:$H$5"),
    ];
    for (sheet, range, list) in expected {
        let xml = xlsx_part(&workbook, &format!("xl/worksheets/sheet{sheet}.xml"));
        let rule = xml
            .split("<dataValidation ")
            .find(|r| r.contains(&format!("sqref=\"{range}\"")))
            .unwrap_or_else(|| panic!("sheet{sheet}: no validation on {range}"));
        assert!(rule.contains("type=\"list\""), "{rule}");
        assert!(rule.contains(list), "sheet{sheet} {range}: {rule}");
    }
    // The Lists sheet is hidden, and demarc reads the workbook without warnings about it.
    assert!(xlsx_part(&workbook, "xl/workbook.xml").contains("state=\"hidden\""));
    let check = demarc()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("demarc.toml"), "organisation = \"Mine\"\n").unwrap();
    let out = demarc().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("demarc.toml: already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("demarc.toml")).unwrap(),
        "organisation = \"Mine\"\n"
    );
    assert!(
        !dir.path().join("compliance.xlsx").exists(),
        "nothing half-written"
    );
    demarc()
        .arg("init")
        .arg(dir.path())
        .arg("--force")
        .assert()
        .success();
    assert!(std::fs::read_to_string(dir.path().join("demarc.toml"))
        .unwrap()
        .contains("previous-quarter"));
}

/// A company with one SaaS service, one control and its evidence, for the CLI tests.
fn tiny_company(dir: &Path) -> std::path::PathBuf {
    Book::new()
        .sheet(
            "Services",
            &["service", "provider", "service_model", "data_classes"],
            vec![row(&["Okta", "Okta", "SaaS", "PII"])],
        )
        .sheet(
            "Controls",
            &["control_id", "domain", "frequency"],
            vec![row(&[
                "IAM-1",
                "Identity and access management",
                "quarterly",
            ])],
        )
        .sheet(
            "Evidence",
            &["control_id", "collected_on", "result"],
            vec![vec![
                "IAM-1".into(),
                d(2026, 3, 10).into(),
                "Effective".into(),
            ]],
        )
        .write(dir, "book.xlsx")
}

#[test]
fn flags_override_the_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    tiny_company(dir.path());
    std::fs::write(
        dir.path().join("demarc.toml"),
        "organisation = \"From file\"\nperiod = \"2026-Q1\"\ninputs = [\"book.xlsx\"]\nfail_on = \"info\"\n",
    )
    .unwrap();
    // The file alone: Q1, where the evidence is fresh; fail_on info makes any finding fail.
    let from_file = demarc()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let document = json_of(&from_file);
    assert_eq!(document["period"]["label"], "2026-Q1");
    assert_eq!(document["organisation"], "From file");
    assert_eq!(
        from_file.status.code(),
        Some(1),
        "ATTESTATION_MISSING at info or above"
    );
    // Flags win: Q3 (the March evidence is now stale), and fail only on critical.
    let flagged = demarc()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--period",
            "2026-Q3",
            "--fail-on",
            "critical",
        ])
        .output()
        .unwrap();
    let document = json_of(&flagged);
    assert_eq!(document["period"]["label"], "2026-Q3");
    assert!(codes(&document).contains(&"EVIDENCE_STALE".to_string()));
    let critical = document["summary"]["by_severity"]["critical"]
        .as_u64()
        .unwrap();
    assert_eq!(
        flagged.status.code(),
        Some(if critical > 0 { 1 } else { 0 })
    );
    // An unknown key in the file is an error with its line.
    std::fs::write(
        dir.path().join("demarc.toml"),
        "organisation = \"x\"\nperoid = \"2026-Q1\"\n",
    )
    .unwrap();
    let bad = demarc()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("peroid"),
        "{stderr}"
    );
}

#[test]
fn explain_covers_every_code_of_the_catalogue() {
    let list = demarc().arg("explain").output().unwrap();
    assert!(list.status.success());
    let list = String::from_utf8(list.stdout).unwrap();
    for code in Code::ALL {
        assert!(list.contains(code.as_str()), "explain lists {code}");
        let one = demarc().args(["explain", code.as_str()]).output().unwrap();
        assert!(one.status.success(), "{code}");
        let text = String::from_utf8(one.stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.starts_with(code.as_str()), "{text}");
        for part in [code.rule(), code.why(), code.remedy()] {
            let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&part), "{code}: {part}");
        }
    }
    let typo = demarc()
        .args(["explain", "EVIDENCE_MISING"])
        .output()
        .unwrap();
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean EVIDENCE_MISSING"));
}

#[test]
fn check_prints_every_format_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let book = tiny_company(dir.path());
    let run = |format: &str| {
        demarc()
            .arg("check")
            .arg(&book)
            .args(["--period", "2026-Q3", "--format", format])
            .output()
            .unwrap()
    };
    let json = json_of(&run("json"));
    let total = json["findings"].as_array().unwrap().len();
    assert!(total >= 2);

    let csv_out = run("csv");
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    assert_eq!(reader.records().count(), total);

    let github = run("github");
    let text = String::from_utf8(github.stdout).unwrap();
    assert_eq!(text.lines().count(), total, "{text}");
    assert!(text.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    assert!(
        text.contains("file=") && text.contains("title=EVIDENCE_STALE"),
        "{text}"
    );
    assert_eq!(
        github.status.code(),
        Some(1),
        "the exit status is the same in every format"
    );

    let table = String::from_utf8(run("table").stdout).unwrap();
    assert!(table.contains("EVIDENCE_STALE") && table.contains("findings ("));

    // --quiet: nothing on stdout or stderr; the exit status still tells.
    let quiet = demarc()
        .arg("check")
        .arg(&book)
        .args(["--period", "2026-Q3", "-q"])
        .output()
        .unwrap();
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());
    assert_eq!(quiet.status.code(), Some(1));

    // -v: each step's time on stderr, stdout unchanged.
    let verbose = demarc()
        .arg("check")
        .arg(&book)
        .args(["--period", "2026-Q3", "--format", "json", "-v"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.contains("reading inputs:") && stderr.contains("1 services"),
        "{stderr}"
    );
    assert_eq!(json_of(&verbose)["findings"], json["findings"]);
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = demarc().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("demarc") && text.contains("report"),
            "{shell}"
        );
    }
    let man = demarc().arg("man").output().unwrap();
    assert!(man.status.success());
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH demarc 1"),
        "{page}"
    );
    for command in ["check", "report", "bundle", "verify", "init", "explain"] {
        assert!(page.contains(command), "man page mentions {command}");
    }
}

#[test]
fn a_blank_service_model_is_filled_in_for_well_known_services_only() {
    let dir = tempfile::tempdir().unwrap();
    let services = Book::new()
        .sheet(
            "Services",
            &["service", "provider", "service_model"],
            vec![
                row(&["AWS Lambda", "AWS", ""]),
                row(&["Dropbox", "Dropbox", ""]),
                row(&["Payroll portal", "Acme", "SaaS"]),
            ],
        )
        .sheet(
            "Controls",
            &["control_id", "domain"],
            vec![row(&["IAM-1", "Identity and access management"])],
        )
        .sheet("Evidence", &["control_id", "collected_on"], vec![]);
    let book = services.write(dir.path(), "known.xlsx");
    let out = demarc()
        .args(["check", "--format", "json", "--period", "2026-Q3"])
        .arg(&book)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let document = json_of(&out);
    // The model shows in who owns endpoints: the customer under PaaS, shared under SaaS.
    let endpoint_owner = |service: &str| {
        document["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["service"] == service && c["domain"] == "Client and endpoint protection")
            .map(|c| c["owner"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no cell for {service}"))
    };
    assert_eq!(endpoint_owner("AWS Lambda"), "customer");
    assert_eq!(endpoint_owner("Dropbox"), "shared");

    // The auditor pack says which models were inferred.
    let out_dir = dir.path().join("out");
    demarc()
        .args(["report", "--period", "2026-Q3", "-q", "--out"])
        .arg(&out_dir)
        .arg(&book)
        .assert()
        .success();
    let pack = support::pdf_text(&out_dir.join("2026-Q3/auditor-pack.pdf"));
    assert_eq!(pack.matches("inferred").count(), 2, "{pack}");

    // An unknown service, or a known name from another provider, must state its model.
    let bad = services
        .push("Services", row(&["Lambada", "AWS", ""]))
        .push("Services", row(&["S3", "Wasabi", ""]))
        .push("Services", row(&["Google Workspace", "Google Cloud", ""]))
        .write(dir.path(), "unknown.xlsx");
    let out = demarc()
        .args(["check", "--period", "2026-Q3"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Services!C5") && stderr.contains("did you mean AWS Lambda"),
        "{stderr}"
    );
    // A known name under another provider: it is the provider that does not match, and
    // the hint must not offer back the name the user wrote.
    assert!(
        stderr.contains("Services!C6: service_model: the cell is empty, and Amazon S3 is a well-known service run by AWS / Amazon / Amazon Web Services, not \"Wasabi\": correct the provider, or fill in the service model"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Services!C7: service_model: the cell is empty, and Google Workspace is a well-known service run by Google, not \"Google Cloud\""),
        "{stderr}"
    );
    assert!(
        !stderr.contains("did you mean Google Workspace"),
        "{stderr}"
    );
}
