//! Issue 19: the Vendors sheet (tier, contract, DPA, BAA, review), the findings it raises,
//! and each vendor's follow-up questions workbook, end to end from workbooks.

use crate::support::*;
use calamine::{Data, Reader};
use demarc::findings::Code;
use std::path::Path;

/// The small company with Okta holding PHI and PII, and a Vendors sheet headed with
/// aliases, its dates typed as text.
fn with_vendors(tier: &str, baa: &str) -> Book {
    small_company()
        .sheet(
            "Services",
            &[
                "service",
                "provider",
                "service_model",
                "data_classes",
                "in_scope",
            ],
            vec![row(&["Okta", "Okta", "SaaS", "PHI; PII", "yes"])],
        )
        .sheet(
            "Vendors",
            &[
                "Vendor Name",
                "Risk Tier",
                "Contract End Date",
                "DPA",
                "BAA Signed",
                "Next Review",
                "Reviewed by",
            ],
            vec![row(&[
                " okta ",
                tier,
                "30 Jun 2027",
                "2026-01-15",
                baa,
                "Sep 1, 2026",
                "R. Reviewer",
            ])],
        )
}

#[test]
fn a_vendors_sheet_is_read_through_aliases_and_text_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_vendors("Critical", "").write(dir.path(), "q3.xlsx");
    let a = analyse(&[path], "2026-Q3").unwrap();
    assert!(!a.inputs.vendors_absent);
    let [v] = &a.inputs.vendors[..] else {
        panic!("{:?}", a.inputs.vendors)
    };
    assert_eq!(v.tier, Some(demarc::inputs::VendorTier::Critical));
    assert_eq!(v.contract_end, Some(d(2027, 6, 30)));
    assert_eq!(v.dpa_signed_on, Some(d(2026, 1, 15)));
    assert_eq!(v.baa_signed_on, None);
    assert_eq!(v.next_review_due, Some(d(2026, 9, 1)));
    assert_eq!(v.reviewer, "R. Reviewer");
    assert_eq!(
        v.source.to_string(),
        format!("{}: Vendors!2", a.inputs.files[0].path)
    );
    // " okta " is Okta, as everywhere else: the BAA is missing and the review overdue; the
    // DPA is signed.
    let codes: Vec<(Code, Option<&str>)> = a
        .reconciliation
        .findings
        .iter()
        .map(|f| (f.code, f.vendor.as_deref()))
        .collect();
    assert!(
        codes.contains(&(Code::BaaMissing, Some("Okta"))),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(Code::VendorReviewOverdue, Some("Okta"))),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|(c, _)| *c == Code::DpaMissing),
        "{codes:?}"
    );
    let baa = a
        .reconciliation
        .findings
        .iter()
        .find(|f| f.code == Code::BaaMissing)
        .unwrap();
    let rows: Vec<String> = baa
        .sources
        .iter()
        .map(|s| format!("{}!{}", s.sheet, s.row))
        .collect();
    assert_eq!(rows, ["Services!2", "Vendors!2"]);
    // The BAA dated, the finding goes.
    let path = with_vendors("high", "2026-03-01").write(dir.path(), "signed.xlsx");
    let a = analyse(&[path], "2026-Q3").unwrap();
    assert!(!a
        .reconciliation
        .findings
        .iter()
        .any(|f| f.code == Code::BaaMissing));
}

#[test]
fn without_a_vendors_sheet_nothing_of_the_relationship_is_judged() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_vendors("high", "")
        .without("Vendors")
        .write(dir.path(), "q3.xlsx");
    let a = analyse(&[path], "2026-Q3").unwrap();
    assert!(a.inputs.vendors_absent && a.inputs.vendors.is_empty());
    // The pack says so in one sentence.
    let (_, out) = report_q3(
        dir.path(),
        &with_vendors("high", "").without("Vendors"),
        &[],
    );
    let pack = pdf_text(&out.join("2026-Q3/vendors/Okta.pdf"));
    assert!(
        pack.contains(
            "The relationship facts (tier, contract end, DPA, BAA, review dates) were not given"
        ),
        "{pack}"
    );
    assert!(!a.reconciliation.findings.iter().any(|f| matches!(
        f.code,
        Code::BaaMissing | Code::DpaMissing | Code::VendorReviewOverdue
    )));
}

#[test]
fn an_unknown_tier_names_the_file_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_vendors("Crtical", "").write(dir.path(), "q3.xlsx");
    let error = analyse(&[path], "2026-Q3").err().unwrap().to_string();
    assert!(
        error.contains(
            "q3.xlsx: Vendors!B2: tier: \"Crtical\" is not one of critical, high, medium, low (did you mean \"critical\"?)"
        ),
        "{error}"
    );
    // A date that is no date is refused the same way.
    let path = with_vendors("low", "soon").write(dir.path(), "date.xlsx");
    let error = analyse(&[path], "2026-Q3").err().unwrap().to_string();
    assert!(
        error.contains("date.xlsx: Vendors!E2: baa_signed_on: expected a date"),
        "{error}"
    );
}

/// Okta with findings of every kind (its report's exceptions, an unmapped CUEC, a BAA
/// missing, a review overdue, a control of ours unevidenced) and Slack with none.
fn two_vendors() -> Book {
    with_vendors("high", "")
        .push(
            "Services",
            row(&["Slack", "Slack", "SaaS", "Confidential", "yes"]),
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
                "domains",
            ],
            vec![
                row(&[
                    "Okta",
                    "*",
                    "SOC 2 Type II",
                    "2025-07-01",
                    "2026-06-30",
                    "Unqualified",
                    "2",
                    "CC6.2: =HYPERLINK(\"x\") two tickets lacked approval",
                    "2026-12-31",
                    "*",
                ]),
                row(&[
                    "Slack",
                    "*",
                    "SOC 2 Type II",
                    "2025-07-01",
                    "2026-06-30",
                    "Unqualified",
                    "0",
                    "",
                    "2026-12-31",
                    "*",
                ]),
            ],
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
                "Okta",
                "SOC 2 Type II",
                "OKTA-CUEC-9",
                "User entities review admin roles",
                "",
            ])],
        )
        .push(
            "Controls",
            row(&[
                "IAM-9",
                "Okta admin review",
                "Identity and access management",
                "quarterly",
                "Okta",
            ]),
        )
}

fn questions_sheet(path: &Path) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range("Questions").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn each_vendor_gets_one_question_per_finding_it_can_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (book, out) = report_q3(dir.path(), &two_vendors(), &[]);
    let q3 = out.join("2026-Q3");
    let findings = read_json(&q3.join("findings.json"));
    // What the Okta pack shows (findings naming Okta or its service) that asks Okta
    // something, in the findings' order.
    let expected: Vec<(String, String)> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["vendor"] == "Okta" || f["service"] == "Okta")
        .filter(|f| {
            let code: Code = serde_json::from_value(f["code"].clone()).unwrap();
            demarc::render::questions::asks_the_vendor(code)
        })
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let codes: Vec<&str> = expected.iter().map(|(_, c)| c.as_str()).collect();
    for wanted in ["BAA_MISSING", "ATTESTATION_EXCEPTIONS", "CUEC_UNMAPPED"] {
        assert!(codes.contains(&wanted), "{codes:?}");
    }
    // Okta's own side findings are in its pack but not questions for it.
    let all: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        all.contains(&"VENDOR_REVIEW_OVERDUE") && all.contains(&"EVIDENCE_MISSING"),
        "{all:?}"
    );

    let path = q3.join("vendors/Okta-questions.xlsx");
    let rows = questions_sheet(&path);
    assert_eq!(
        rows[0],
        [
            "#",
            "Question",
            "Finding ID",
            "Code",
            "Severity",
            "Source",
            "Vendor answer",
            "Evidence provided"
        ]
    );
    let got: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[3].clone()))
        .collect();
    assert_eq!(got, expected);
    for (i, r) in rows[1..].iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string());
        assert!(r[1].ends_with('?'), "a question: {}", r[1]);
        assert!(r[5].contains("q3.xlsx: "), "a source: {}", r[5]);
        assert!(
            r[6].is_empty() && r[7].is_empty(),
            "blank answer columns: {r:?}"
        );
    }
    let exceptions = rows
        .iter()
        .find(|r| r[3] == "ATTESTATION_EXCEPTIONS")
        .unwrap();
    // Spreadsheet text is a string in the workbook, never a formula.
    assert!(
        exceptions[1].contains("Your SOC 2 Type II report (2025-07-01 to 2026-06-30) notes 2 exceptions (CC6.2: =HYPERLINK"),
        "{}",
        exceptions[1]
    );
    let baa = rows.iter().find(|r| r[3] == "BAA_MISSING").unwrap();
    assert!(baa[1].starts_with("Okta holds PHI"), "{}", baa[1]);
    assert!(baa[5].ends_with("Vendors!2"), "{}", baa[5]);
    // The pack shows the relationship, blank cells as not recorded.
    let pack = pdf_text(&q3.join("vendors/Okta.pdf"));
    for wanted in [
        "Relationship",
        "high 2027-06-30 2026-01-15 not recorded 2026-09-01 R. Reviewer",
    ] {
        assert!(pack.contains(wanted), "{wanted:?} not in\n{pack}");
    }
    // Slack has no finding to ask about: no workbook, but its pack, which points to no
    // follow-up workbook; Okta's names its own.
    assert!(q3.join("vendors/Slack.pdf").exists());
    assert!(!q3.join("vendors/Slack-questions.xlsx").exists());
    let flat = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let slack = flat(pdf_text(&q3.join("vendors/Slack.pdf")));
    assert!(slack.contains("findings concern this vendor"), "{slack}");
    assert!(!slack.contains("follow-up workbook"), "{slack}");
    assert!(
        flat(pack.clone()).contains(
            "a question in its follow-up workbook beside this pack (Okta-questions.xlsx)."
        ),
        "{pack}"
    );

    // The same run writes the same bytes (the same inputs: the workbook's path is in
    // the sources).
    let out2 = dir.path().join("again");
    demarc()
        .arg("report")
        .arg(&book)
        .args(["--period", "2026-Q3", "--out"])
        .arg(&out2)
        .assert()
        .success();
    let first = std::fs::read(&path).unwrap();
    let second = std::fs::read(out2.join("2026-Q3/vendors/Okta-questions.xlsx")).unwrap();
    assert!(
        first == second,
        "the questions workbook differs between two runs"
    );
}

/// A CUEC whose control applies to none of its vendor's services raises no finding (the
/// catalogue's rule), but nothing was looked at: no report may call it evidenced. The
/// vendor pack, the auditor pack and the auditor workbook say "not assessed", and why.
#[test]
fn a_cuec_whose_control_covers_none_of_the_vendors_services_is_not_assessed_not_evidenced() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_company()
        .push(
            "Services",
            row(&["Jira", "Atlassian", "SaaS", "Confidential", "yes"]),
        )
        .push(
            "Controls",
            row(&[
                "JIRA-1",
                "Jira access review",
                "Identity and access management",
                "quarterly",
                "Jira",
            ]),
        )
        .push("Evidence", {
            let mut r = row(&["JIRA-1", "Jira", "Quarterly review"]);
            r.push(d(2026, 9, 1).into());
            r.extend(row(&["Effective", "A. Tester"]));
            r
        })
        .sheet(
            "CUECs",
            &[
                "vendor",
                "attestation",
                "cuec_id",
                "description",
                "mapped_control",
            ],
            vec![
                row(&["Okta", "SOC 2 Type II", "CU-1", "Review access", "IAM-1"]),
                row(&["Okta", "SOC 2 Type II", "CU-2", "Review admins", "JIRA-1"]),
            ],
        );
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let period = out.join("2026-Q3");

    let pack = pdf_text(&period.join("vendors/Okta.pdf"));
    let at = pack.find("Complementary user entity controls").unwrap();
    let cuecs = &pack[at..];
    let cu1 = &cuecs[cuecs.find("CU-1").unwrap()..cuecs.find("CU-2").unwrap()];
    let cu2 = &cuecs[cuecs.find("CU-2").unwrap()..];
    assert!(
        cu1.contains("Okta: 2026-09-01 Effective evidenced"),
        "{cu1}"
    );
    assert!(
        cu2.starts_with("CU-2 Review admins JIRA-1 JIRA-1 applies to none of Okta's services in scope: nothing shows this CUEC is met for them not assessed"),
        "{cu2}"
    );

    let auditor = pdf_text(&period.join("auditor-pack.pdf"));
    assert!(
        auditor.contains("1 CUEC is not assessed: its mapped control applies to none of the vendor's services in scope"),
        "{auditor}"
    );
    assert!(
        auditor.contains("Okta CU-2 Review admins JIRA-1 not assessed"),
        "{auditor}"
    );

    let workbook = read_book(&period.join("auditor-workbook.xlsx"));
    let sheet = workbook.sheets.iter().find(|s| s.name == "CUECs").unwrap();
    let column = |title: &str| sheet.header.iter().position(|h| h == title).unwrap();
    let (status, why) = (column("Status"), column("Why not assessed"));
    let text = |cell: &Cell| match cell {
        Cell::Text(t) => t.clone(),
        Cell::Blank => String::new(),
        other => panic!("{other:?}"),
    };
    let statuses: Vec<(String, String)> = sheet
        .rows
        .iter()
        .map(|r| (text(&r[status]), r.get(why).map(text).unwrap_or_default()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("evidenced".to_string(), String::new()),
            (
                "not assessed".to_string(),
                "JIRA-1 applies to none of Okta's services in scope: nothing shows this CUEC is met for them".to_string()
            ),
        ]
    );
    // No finding: the catalogue's rule judges a CUEC only on the services its control
    // applies to.
    let findings = read_json(&period.join("findings.json"));
    assert!(
        !findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["cuec_id"] == "CU-2"),
        "{findings}"
    );
}

/// A pack's "Next due" says first that a vendor is already uncovered, or will be next
/// quarter; it used to advise waiting for a report whose period ends next year.
#[test]
fn next_due_says_coverage_has_ended_or_ends_next_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let attestation = |vendor: &str, bridge: &str| {
        row(&[
            vendor,
            "*",
            "SOC 2 Type II",
            "2025-07-01",
            "2026-06-30",
            "Unqualified",
            "0",
            bridge,
            "*",
        ])
    };
    let book = small_company()
        .push(
            "Services",
            row(&["Slack", "Slack", "SaaS", "Confidential", "yes"]),
        )
        .with_rows(
            "Attestations",
            vec![attestation("Okta", ""), attestation("Slack", "2026-12-31")],
        );
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let flat = |vendor: &str| {
        pdf_text(&out.join(format!("2026-Q3/vendors/{vendor}.pdf")))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let okta = flat("Okta");
    assert!(
        okta.contains("Next due overdue: coverage ended on 2026-06-30, before the period end; ask now for a bridge letter to date"),
        "{okta}"
    );
    let slack = flat("Slack");
    assert!(
        slack.contains(
            "Next due coverage ends on 2026-12-31, next quarter; ask for a bridge letter beyond it"
        ),
        "{slack}"
    );
}

/// Each attestation's coverage says where it stands at the as-of date: the current report
/// its days, an older one that it is superseded, and a certificate issued after the as-of
/// date that it is not relied on, never that it "does not reach period end" while running
/// three years past it.
#[test]
fn coverage_says_superseded_and_issued_after_the_as_of_date_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let attestation = |kind: &str, start: &str, end: &str, issued: &str, expires: &str| {
        row(&[
            "Okta",
            "*",
            kind,
            start,
            end,
            issued,
            expires,
            "Unqualified",
            "0",
            "",
            "*",
        ])
    };
    let book = small_company().sheet(
        "Attestations",
        ATTESTATIONS_DATED,
        vec![
            attestation(
                "SOC 2 Type II",
                "2025-10-01",
                "2026-09-30",
                "2026-09-15",
                "",
            ),
            attestation(
                "SOC 2 Type II",
                "2024-10-01",
                "2025-09-30",
                "2025-11-01",
                "",
            ),
            attestation("ISO 27001", "", "", "2026-12-10", "2029-12-09"),
        ],
    );
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let flat = |path: &str| {
        pdf_text(&out.join(path))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for path in ["2026-Q3/vendors/Okta.pdf", "2026-Q3/auditor-pack.pdf"] {
        let text = flat(path);
        for wanted in [
            "covers period end (through 2026-09-30)",
            "92 of the period's 92 days covered",
            "superseded; ran through 2025-09-30",
            "0 of the period's 92 days covered",
            "issued 2026-12-10, after the as-of date: not relied on",
        ] {
            assert!(text.contains(wanted), "{path} lacks {wanted:?}: {text}");
        }
        for unwanted in ["(through 2029-12-09)", "of gap", "(superseded)"] {
            assert!(!text.contains(unwanted), "{path} has {unwanted:?}: {text}");
        }
    }
}
