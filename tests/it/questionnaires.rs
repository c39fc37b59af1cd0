//! Vendors' own documents (issue #6): a CSA CAIQ v4 questionnaire, built here with the
//! published layout (the CAIQ may not be redistributed), and FedRAMP CIS/CRM workbooks —
//! the real cloud.gov worksheet, the blank GSA template, and small workbooks built here for
//! the odd cases. Each test states the counts read and the findings raised.

use crate::support;
use support::demarc;

use demarc::findings::{Code, Finding};
use demarc::ingest::VendorDocuments;
use demarc::model::mapping::DomainMapping;
use demarc::model::Model;
use demarc::Analysis;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use support::{d, pdf_text, row, Book};

const PERIOD: &str = "2026-Q3";

/// A company using two services of "Acme Cloud" — Acme Compute (IaaS, PHI; Services!2) and
/// Acme Mail (SaaS, Public; Services!3) — and one of cloud.gov (PaaS; Services!4), with a
/// control per customer domain and fresh evidence.
fn company() -> Book {
    let controls = [
        ("DC-1", "Data classification and accountability"),
        ("EP-1", "Client and endpoint protection"),
        ("IAM-1", "Identity and access management"),
        ("APP-1", "Application-level controls"),
        ("NET-1", "Network controls"),
        ("HOST-1", "Host infrastructure"),
    ];
    Book::new()
        .sheet(
            "Services",
            &["service", "provider", "service_model", "data_classes"],
            vec![
                row(&["Acme Compute", "Acme Cloud", "IaaS", "PHI"]),
                row(&["Acme Mail", "Acme Cloud", "SaaS", "Public"]),
                row(&["Sandbox apps", "cloud.gov", "PaaS", "Public"]),
            ],
        )
        .sheet(
            "Controls",
            &["control_id", "domain", "frequency"],
            controls
                .iter()
                .map(|(id, domain)| row(&[id, domain, "quarterly"]))
                .collect(),
        )
        .sheet(
            "Evidence",
            &["control_id", "collected_on", "result"],
            controls
                .iter()
                .map(|(id, _)| {
                    let mut r = row(&[id]);
                    r.push(d(2026, 9, 1).into());
                    r.extend(row(&["Effective"]));
                    r
                })
                .collect(),
        )
}

fn run_with(paths: &[PathBuf], documents: VendorDocuments) -> Result<Analysis, demarc::Error> {
    demarc::analyse(&run_of(paths, documents))
}

fn run_of(paths: &[PathBuf], documents: VendorDocuments) -> demarc::Run {
    let period = demarc::inputs::period::Period::parse(PERIOD, 1).unwrap();
    demarc::Run {
        inputs: paths.to_vec(),
        as_of: period.end,
        period,
        model: Model::default(),
        organisation: Some("Test Org".into()),
        classification: "INTERNAL".into(),
        templates: None,
        residency: None,
        ingest: demarc::ingest::IngestOptions {
            vendor_documents: documents,
            ..Default::default()
        },
    }
}

fn caiq_of(vendor: &str, file: &Path) -> VendorDocuments {
    VendorDocuments {
        caiq: vec![(vendor.into(), file.to_path_buf())],
        ..Default::default()
    }
}

fn fedramp_of(provider: &str, file: &Path) -> VendorDocuments {
    VendorDocuments {
        fedramp: vec![(provider.into(), file.to_path_buf())],
        ..Default::default()
    }
}

/// The default model's domains by the short names findings are shown with here.
fn short(domain: &str) -> &'static str {
    match domain {
        "Data classification and accountability" => "DC",
        "Client and endpoint protection" => "EP",
        "Identity and access management" => "IAM",
        "Application-level controls" => "APP",
        "Network controls" => "NET",
        "Host infrastructure" => "HOST",
        "Physical security" => "PHYS",
        other => panic!("unknown domain {other}"),
    }
}

/// A finding on one line: code, severity, the subject fields set, then the source rows.
fn show(f: &Finding) -> String {
    let mut line = format!("{} {}", f.code, f.severity);
    for (name, value) in [
        ("service", f.service.clone()),
        ("domain", f.domain.as_deref().map(|d| short(d).to_string())),
        ("control", f.control_id.clone()),
        ("vendor", f.vendor.clone()),
    ] {
        if let Some(value) = value {
            line.push_str(&format!(" {name}={value}"));
        }
    }
    let mut rows: Vec<String> = f
        .sources
        .iter()
        .map(|s| format!("{}!{}", s.sheet, s.row))
        .collect();
    rows.sort();
    line.push_str(" @ ");
    line.push_str(&rows.join(" "));
    line
}

const QUESTIONNAIRE_CODES: [Code; 4] = [
    Code::ResponsibilityDrift,
    Code::VendorControlGap,
    Code::QuestionnaireInconsistent,
    Code::OriginationMismatch,
];

/// The questionnaire findings, shown and sorted.
fn questionnaire_findings(a: &Analysis) -> Vec<String> {
    let mut lines: Vec<String> = a
        .reconciliation
        .findings
        .iter()
        .filter(|f| QUESTIONNAIRE_CODES.contains(&f.code))
        .map(show)
        .collect();
    lines.sort();
    lines
}

/// The other findings, shown and sorted: a vendor document must not change them.
fn other_findings(a: &Analysis) -> Vec<String> {
    let mut lines: Vec<String> = a
        .reconciliation
        .findings
        .iter()
        .filter(|f| !QUESTIONNAIRE_CODES.contains(&f.code))
        .map(show)
        .collect();
    lines.sort();
    lines
}

mod caiq {
    use super::*;

    /// One question row of a CAIQ: (question id, answer, ownership). The CCM control is
    /// the question id up to its last dot; its title and domain title come from the table
    /// below.
    type Question = (&'static str, &'static str, &'static str);

    fn ccm(control: &str) -> (&'static str, &'static str) {
        match control.split('-').next().unwrap() {
            "IAM" => ("User Access Provisioning", "Identity & Access Management"),
            "DCS" => ("Secure Area Policy", "Datacenter Security"),
            "IVS" => (
                "Network Security",
                "Infrastructure & Virtualization Security",
            ),
            "DSP" => (
                "Data Inventory",
                "Data Security and Privacy Lifecycle Management",
            ),
            "UEM" => ("Endpoint Devices Policy", "Universal Endpoint Management"),
            "AIS" => (
                "Application Security Baseline",
                "Application & Interface Security",
            ),
            "GRC" => (
                "Governance Program Policy",
                "Governance, Risk and Compliance",
            ),
            "A&A" => ("Audit and Assurance Policy", "Audit & Assurance"),
            other => panic!("no CCM domain {other}"),
        }
    }

    /// Writes a CAIQ v4.0.3 workbook as CSA publishes it: an introduction sheet, then the
    /// `CAIQv4.0.3` sheet with a title row (row 1), the header (row 2: six CAIQ columns,
    /// two blank columns, four CCM columns), and the questions from row 3, the CCM cells
    /// merged down across the questions of each control.
    fn write_caiq(path: &Path, questions: &[Question]) {
        write_caiq_with(path, questions, &[]);
    }

    /// [`write_caiq`], with the vendor's texts for some questions: (question id, CSP
    /// Implementation Description in column E, CSC Responsibilities in column F).
    fn write_caiq_with(path: &Path, questions: &[Question], texts: &[(&str, &str, &str)]) {
        let mut workbook = Workbook::new();
        let intro = workbook.add_worksheet();
        intro.set_name("Introduction").unwrap();
        intro
            .write_string(0, 0, "Consensus Assessments Initiative Questionnaire")
            .unwrap();
        let ws = workbook.add_worksheet();
        ws.set_name("CAIQv4.0.3").unwrap();
        let plain = Format::new();
        ws.merge_range(
            0,
            0,
            0,
            11,
            "Consensus Assessments Initiative Questionnaire v4.0.3",
            &plain,
        )
        .unwrap();
        let header = [
            "Question ID",
            "Question",
            "CSP CAIQ Answer",
            "SSRM Control Ownership",
            "CSP Implementation Description (Optional/Recommended)",
            "CSC Responsibilities  (Optional/Recommended)",
            "",
            "",
            "CCM Control ID",
            "CCM Control Specification",
            "CCM Control Title",
            "CCM Domain Title",
        ];
        for (c, h) in header.iter().enumerate() {
            if !h.is_empty() {
                ws.write_string(1, c as u16, *h).unwrap();
            }
        }
        let mut r = 2u32;
        let mut i = 0;
        while i < questions.len() {
            let control = questions[i].0.rsplit_once('.').unwrap().0;
            let span = questions[i..]
                .iter()
                .take_while(|q| q.0.rsplit_once('.').unwrap().0 == control)
                .count();
            for (k, (id, answer, ownership)) in questions[i..i + span].iter().enumerate() {
                let at = r + k as u32;
                ws.write_string(at, 0, *id).unwrap();
                ws.write_string(at, 1, format!("Is {id} done?")).unwrap();
                if !answer.is_empty() {
                    ws.write_string(at, 2, *answer).unwrap();
                }
                if !ownership.is_empty() {
                    ws.write_string(at, 3, *ownership).unwrap();
                }
                if let Some((_, explanation, customer)) = texts.iter().find(|t| t.0 == *id) {
                    for (col, text) in [(4u16, explanation), (5, customer)] {
                        if !text.is_empty() {
                            ws.write_string(at, col, *text).unwrap();
                        }
                    }
                }
            }
            let (title, domain) = ccm(control);
            let spec = format!("Specification of {control}.");
            for (col, text) in [
                (8u16, control),
                (9, spec.as_str()),
                (10, title),
                (11, domain),
            ] {
                if span > 1 {
                    ws.merge_range(r, col, r + span as u32 - 1, col, text, &plain)
                        .unwrap();
                } else {
                    ws.write_string(r, col, text).unwrap();
                }
            }
            r += span as u32;
            i += span;
        }
        ws.write_string(r + 1, 0, "© Copyright 2021 Cloud Security Alliance")
            .unwrap();
        workbook.save(path).unwrap();
    }

    /// Acme Cloud's answers, one case per row (sheet rows 3 to 15). The comments give what
    /// the default model says for Acme Compute (IaaS) and Acme Mail (SaaS).
    const ACME: &[Question] = &[
        // IAM: Compute customer, Mail shared. CSP-owned drifts from the customer cell only.
        ("IAM-01.1", "Yes", "CSP-owned"),
        // Shared against customer and shared cells: no drift.
        ("IAM-01.2", "Yes", "Shared CSP and CSC"),
        // Physical: provider for both. CSC-owned drifts for every service: one finding.
        ("DCS-01.1", "Yes", "CSC-owned"),
        // A No to a question Acme owns: a gap, not drift.
        ("DCS-01.2", "No", "CSP-owned"),
        // Network (IVS-03): Compute shared, Mail provider. Shared drifts from provider.
        ("IVS-03.1", "Yes", "Shared CSP and CSC responsibility"),
        // NA with an ownership: inconsistent, info.
        ("DSP-01.1", "N/A", "CSC-owned"),
        // Not answered.
        ("DSP-01.2", "", "CSC-owned"),
        // An answer that is not one.
        ("UEM-01.1", "Yess", "CSC-owned"),
        // An ownership that is not one.
        ("AIS-01.1", "Yes", "Customer"),
        // GRC is not mapped: a gap is still a gap (third party on the vendor's side).
        ("GRC-01.1", "No", "Third-party outsourced"),
        // No, and the customer's: nothing.
        ("GRC-01.2", "No", "CSC-owned"),
        ("A&A-01.1", "Yes", "Shared CSP and third party"),
        // Answered, with no ownership.
        ("IAM-02.1", "No", ""),
    ];

    fn acme(dir: &Path) -> (PathBuf, PathBuf) {
        let book = company().write(dir, "company.xlsx");
        let caiq = dir.join("acme-caiq.xlsx");
        write_caiq(&caiq, ACME);
        (book, caiq)
    }

    #[test]
    fn answers_are_judged_against_the_model_row_by_row() {
        let dir = tempfile::tempdir().unwrap();
        let (book, caiq) = acme(dir.path());
        let with = run_with(std::slice::from_ref(&book), caiq_of("Acme Cloud", &caiq)).unwrap();
        let without = run_with(&[book], VendorDocuments::default()).unwrap();
        let c = "CAIQv4.0.3";
        assert_eq!(
            questionnaire_findings(&with),
            [
                // Acme Compute holds PHI: high steps up to critical.
                format!("QUESTIONNAIRE_INCONSISTENT info domain=DC control=CAIQ:DSP-01.1 vendor=Acme Cloud @ {c}!8"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=APP control=CAIQ:AIS-01.1 vendor=Acme Cloud @ {c}!11"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=DC control=CAIQ:DSP-01.2 vendor=Acme Cloud @ {c}!9"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=EP control=CAIQ:UEM-01.1 vendor=Acme Cloud @ {c}!10"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=IAM control=CAIQ:IAM-02.1 vendor=Acme Cloud @ {c}!15"),
                format!("RESPONSIBILITY_DRIFT critical domain=PHYS control=CAIQ:DCS-01.1 vendor=Acme Cloud @ {c}!5 Services!2 Services!3"),
                format!("RESPONSIBILITY_DRIFT critical service=Acme Compute domain=IAM control=CAIQ:IAM-01.1 vendor=Acme Cloud @ {c}!3 Services!2"),
                format!("RESPONSIBILITY_DRIFT high service=Acme Mail domain=NET control=CAIQ:IVS-03.1 vendor=Acme Cloud @ {c}!7 Services!3"),
                format!("VENDOR_CONTROL_GAP high control=CAIQ:GRC-01.1 vendor=Acme Cloud @ {c}!12"),
                format!("VENDOR_CONTROL_GAP high domain=PHYS control=CAIQ:DCS-01.2 vendor=Acme Cloud @ {c}!6"),
            ]
        );
        assert_eq!(other_findings(&with), other_findings(&without));

        let read = &with.inputs.questionnaires.caiqs[0];
        assert_eq!(read.questions.len(), 13);
        assert_eq!(read.sheet, "CAIQv4.0.3");
        // The merged CCM cells reach every question of their control.
        let dcs = &read.questions[3];
        assert_eq!(
            (
                dcs.question_id.as_str(),
                dcs.ccm_control_id.as_str(),
                dcs.ccm_domain_title.as_str()
            ),
            ("DCS-01.2", "DCS-01", "Datacenter Security")
        );
        let file = with
            .inputs
            .files
            .iter()
            .find(|f| f.path.ends_with("acme-caiq.xlsx"))
            .unwrap();
        let sheets: Vec<(&str, String, usize)> = file
            .sheets
            .iter()
            .map(|s| (s.name.as_str(), s.kind_label(), s.rows))
            .collect();
        assert_eq!(
            sheets,
            [
                ("Introduction", "ignored".to_string(), 0),
                ("CAIQv4.0.3", "CAIQ".to_string(), 13)
            ]
        );
    }

    #[test]
    fn messages_say_what_the_vendor_said_and_what_the_model_says() {
        let dir = tempfile::tempdir().unwrap();
        let (book, caiq) = acme(dir.path());
        let a = run_with(&[book], caiq_of("acme cloud", &caiq)).unwrap();
        let message = |code: Code, control: &str| {
            a.reconciliation
                .findings
                .iter()
                .find(|f| {
                    f.code == code && f.control_id.as_deref() == Some(&format!("CAIQ:{control}"))
                })
                .unwrap()
                .message
                .clone()
        };
        assert_eq!(
            message(Code::ResponsibilityDrift, "DCS-01.1"),
            "acme cloud says CAIQ DCS-01.1 (\"Is DCS-01.1 done?\") is the customer's alone (CSC-owned), but the model gives Physical security to acme cloud alone for Acme Compute (IaaS), Acme Mail (SaaS)."
        );
        assert_eq!(
            message(Code::QuestionnaireInconsistent, "UEM-01.1"),
            "acme cloud's CAIQ UEM-01.1: the answer \"Yess\" is not one of Yes, No, NA (did you mean \"Yes\"?)."
        );
        assert_eq!(
            message(Code::QuestionnaireInconsistent, "AIS-01.1"),
            "acme cloud's CAIQ AIS-01.1: the SSRM control ownership \"Customer\" is not one of CSP-owned, CSC-owned, 3rd-party outsourced, Shared CSP and CSC, Shared CSP and 3rd-party."
        );
        assert_eq!(
            message(Code::VendorControlGap, "GRC-01.1"),
            "acme cloud answers No to CAIQ GRC-01.1 (\"Is GRC-01.1 done?\"), a question it owns (3rd-party outsourced)."
        );
    }

    #[test]
    fn a_domain_mapping_file_changes_which_cell_a_question_is_compared_with() {
        let dir = tempfile::tempdir().unwrap();
        let (book, caiq) = acme(dir.path());
        let mapping = DomainMapping::from_toml(
            "[ccm]\nGRC = \"Data classification and accountability\"\nDCS = \"\"\n",
            Path::new("map.toml"),
            &Model::default(),
        )
        .unwrap();
        let documents = VendorDocuments {
            mapping,
            ..caiq_of("Acme Cloud", &caiq)
        };
        let a = run_with(&[book], documents).unwrap();
        let drift: Vec<String> = questionnaire_findings(&a)
            .into_iter()
            .filter(|f| f.starts_with("RESPONSIBILITY_DRIFT"))
            .collect();
        // GRC-01.1 (3rd-party, the vendor's side) now meets customer cells for both
        // services; DCS is no longer mapped, so DCS-01.1 is not compared.
        assert_eq!(
            drift,
            [
                "RESPONSIBILITY_DRIFT critical domain=DC control=CAIQ:GRC-01.1 vendor=Acme Cloud @ CAIQv4.0.3!12 Services!2 Services!3",
                "RESPONSIBILITY_DRIFT critical service=Acme Compute domain=IAM control=CAIQ:IAM-01.1 vendor=Acme Cloud @ CAIQv4.0.3!3 Services!2",
                "RESPONSIBILITY_DRIFT high service=Acme Mail domain=NET control=CAIQ:IVS-03.1 vendor=Acme Cloud @ CAIQv4.0.3!7 Services!3",
            ]
        );
    }

    #[test]
    fn out_of_scope_vendors_raise_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let book = Book {
            sheets: company()
                .sheets
                .into_iter()
                .map(|mut s| {
                    if s.name == "Services" {
                        s.header.push("in_scope".into());
                        for r in &mut s.rows {
                            r.push("no".into());
                        }
                    }
                    s
                })
                .collect(),
        }
        .write(dir.path(), "company.xlsx");
        let caiq = dir.path().join("acme-caiq.xlsx");
        write_caiq(&caiq, ACME);
        let a = run_with(&[book], caiq_of("Acme Cloud", &caiq)).unwrap();
        assert!(questionnaire_findings(&a).is_empty());
    }

    #[test]
    fn a_file_that_is_not_a_caiq_or_a_vendor_nobody_uses_is_a_located_error() {
        let dir = tempfile::tempdir().unwrap();
        let (book, caiq) = acme(dir.path());
        let error = |documents| {
            run_with(std::slice::from_ref(&book), documents)
                .err()
                .expect("an input error")
                .to_string()
        };
        let not_caiq = error(caiq_of("Acme Cloud", &book));
        assert!(
            not_caiq.contains("company.xlsx: not a CSA CAIQ v4 questionnaire: no sheet has a header row (in its first 20 rows) with Question ID, CSP CAIQ Answer, SSRM Control Ownership and CCM Control ID; it was named as Acme Cloud's CAIQ"),
            "{not_caiq}"
        );
        let typo = error(caiq_of("Acme Clod", &caiq));
        assert!(
            typo.contains("acme-caiq.xlsx: --caiq / [caiq] names \"Acme Clod\", which is the provider of no service in the Services sheet (did you mean \"Acme Cloud\"?)"),
            "{typo}"
        );
        // A CAIQ sheet missing a column says which.
        let broken = dir.path().join("broken.xlsx");
        Book::new()
            .sheet(
                "CAIQv4.0.3",
                &[
                    "Question ID",
                    "Question",
                    "CSP CAIQ Answer",
                    "CCM Control ID",
                ],
                vec![row(&["IAM-01.1", "?", "Yes", "IAM-01"])],
            )
            .banner(
                "CAIQv4.0.3",
                &["Consensus Assessments Initiative Questionnaire"],
            )
            .write_to(&broken, |_| {});
        let missing = error(caiq_of("Acme Cloud", &broken));
        assert!(
            missing.contains("broken.xlsx: CAIQv4.0.3!row 2: this CAIQ sheet's header lacks `ownership` (headers accepted: ssrmcontrolownership, controlownership, ssrmownership, ownership)"),
            "{missing}"
        );
        // Found among the ordinary inputs without saying whose it is.
        let among_inputs = run_with(&[book.clone(), caiq.clone()], VendorDocuments::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            among_inputs.contains("acme-caiq.xlsx: this looks like a CSA CAIQ questionnaire: name its vendor with --caiq VENDOR=FILE or under [caiq] in demarc.toml"),
            "{among_inputs}"
        );
        // Named, it is read once even when an input directory holds it.
        let dir_input = run_with(&[dir.path().to_path_buf()], caiq_of("Acme Cloud", &caiq));
        // broken.xlsx is in the directory too: remove it first.
        assert!(dir_input.is_err());
        std::fs::remove_file(&broken).unwrap();
        let a = run_with(&[dir.path().to_path_buf()], caiq_of("Acme Cloud", &caiq)).unwrap();
        assert_eq!(a.inputs.questionnaires.caiqs.len(), 1);
        assert_eq!(a.inputs.files.len(), 2);
    }

    /// A vendor's file is untrusted input like any other: the same limits apply, and a
    /// damaged workbook is a located error, never a panic.
    #[test]
    fn hostile_questionnaires_meet_the_same_limits() {
        let dir = tempfile::tempdir().unwrap();
        let (book, caiq) = acme(dir.path());
        let mut run = run_of(std::slice::from_ref(&book), caiq_of("Acme Cloud", &caiq));
        run.ingest.limits.rows = 10;
        let error = demarc::analyse(&run).err().unwrap().to_string();
        assert!(
            error.contains("acme-caiq.xlsx: CAIQv4.0.3!row 11: the sheet goes on past row 10"),
            "{error}"
        );
        let bytes = std::fs::read(&caiq).unwrap();
        let damaged = dir.path().join("damaged.xlsx");
        std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
        let error = run_with(&[book], caiq_of("Acme Cloud", &damaged))
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("damaged.xlsx: "), "{error}");
    }

    /// Column E, the vendor's explanation, is read beside each gap and drift (in the
    /// message and in the vendor pack, the same sentence down a domain shown once);
    /// column F and the CSC-owned questions, with their answers, are the customer's
    /// to-do list, whether or not their domain is mapped (GRC is not).
    #[test]
    fn the_vendors_explanations_and_the_customers_part_are_shown() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let caiq = dir.path().join("acme-caiq.xlsx");
        let premises = "No physical premises: managed cloud PaaS.";
        write_caiq_with(
            &caiq,
            &[
                ("DCS-01.1", "No", "CSP-owned"),
                ("DCS-01.2", "No", "CSP-owned"),
                ("DCS-02.1", "No", "CSP-owned"),
                ("DCS-02.2", "No", "CSP-owned"),
                // IAM is shared for Acme Mail (SaaS): CSC-owned drifts there.
                ("IAM-01.1", "Yes", "CSC-owned"),
                ("GRC-01.1", "No", "CSC-owned"),
                ("IAM-01.2", "Yes", "Shared CSP and CSC"),
            ],
            &[
                ("DCS-01.1", premises, ""),
                ("DCS-01.2", premises, ""),
                ("DCS-02.1", premises, ""),
                ("DCS-02.2", premises, ""),
                (
                    "IAM-01.1",
                    "Customers administer their own users",
                    "Manage your users' access in the admin console.",
                ),
                (
                    "IAM-01.2",
                    "We enforce MFA for our staff.",
                    "Configure MFA for your users.",
                ),
            ],
        );
        let run = run_of(std::slice::from_ref(&book), caiq_of("Acme Cloud", &caiq));
        let a = demarc::analyse(&run).unwrap();
        let gap = a
            .reconciliation
            .findings
            .iter()
            .find(|f| {
                f.code == Code::VendorControlGap && f.control_id.as_deref() == Some("CAIQ:DCS-01.1")
            })
            .unwrap();
        assert_eq!(
            gap.message,
            format!("Acme Cloud answers No to CAIQ DCS-01.1 (\"Is DCS-01.1 done?\"), a question it owns (CSP-owned). Acme Cloud explains: \"{premises}\"")
        );
        let drift = a
            .reconciliation
            .findings
            .iter()
            .find(|f| f.code == Code::ResponsibilityDrift)
            .unwrap();
        assert!(
            drift.message.ends_with("for Acme Mail (SaaS). Acme Cloud explains: \"Customers administer their own users\"."),
            "{}",
            drift.message
        );
        let pack =
            demarc::render::view::vendor_pack(&run, &a.inputs, &a.reconciliation, "Acme Cloud");
        let rows = |list: &str| -> Vec<String> {
            pack["caiq"][list]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{} | {} | {}",
                        r["covered"].as_str().unwrap(),
                        r["label"].as_str().unwrap(),
                        r["text"].as_str().unwrap()
                    )
                })
                .collect()
        };
        assert_eq!(
            rows("explained"),
            [
                format!("DCS-01.1, DCS-01.2, DCS-02.1, DCS-02.2 | gap | {premises}"),
                "IAM-01.1 | drift | Customers administer their own users".to_string(),
            ]
        );
        assert_eq!(
            rows("todo"),
            [
                "IAM-01.1 | Yes · CSC-owned | Manage your users' access in the admin console.",
                "GRC-01.1 | No · CSC-owned | (no CSC responsibilities given) Question: Is GRC-01.1 done?",
                "IAM-01.2 | Yes · Shared CSP and CSC | Configure MFA for your users.",
            ]
        );

        // And in the PDF.
        let out = dir.path().join("out");
        demarc()
            .args(["report", "--period", PERIOD, "--caiq"])
            .arg(format!("Acme Cloud={}", caiq.display()))
            .arg(&book)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let text = pdf_text(&out.join("2026-Q3/vendors/Acme-Cloud.pdf"));
        for wanted in [
            "The vendor’s gaps and drift, with its explanation",
            "DCS-01.1, DCS-01.2, DCS-02.1, DCS-02.2 gap No physical premises: managed cloud PaaS.",
            "What the customer must do (CAIQ: CSC Responsibilities, CSC-owned questions)",
            "GRC-01.1 No · CSC-owned (no CSC responsibilities given) Question: Is GRC-01.1 done?",
            "Acme Cloud explains: \"No physical premises: managed cloud PaaS.\"",
        ] {
            assert!(text.contains(wanted), "{wanted:?} not in: {text}");
        }
    }

    #[test]
    fn demarc_toml_and_the_flag_name_the_vendor_and_the_vendor_pack_shows_the_counts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("vendors")).unwrap();
        company().write(dir.path(), "company.xlsx");
        write_caiq(&dir.path().join("vendors/acme.xlsx"), ACME);
        std::fs::write(
            dir.path().join("demarc.toml"),
            "organisation = \"Test Org\"\nperiod = \"2026-Q3\"\ninputs = [\"company.xlsx\"]\n[caiq]\n\"Acme Cloud\" = \"vendors/acme.xlsx\"\n",
        )
        .unwrap();
        let out = dir.path().join("out");
        let config = dir.path().join("demarc.toml");
        let output = demarc()
            .args(["check", "--format", "json", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let codes: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .filter(|c| c.starts_with("RESPONSIBILITY") || c.starts_with("VENDOR_CONTROL"))
            .collect();
        assert_eq!(codes.len(), 5, "{codes:?}");

        // A bad flag is an option error (exit 2), naming the form expected.
        demarc()
            .args(["check", "--caiq", "Acme Cloud", "--config"])
            .arg(&config)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "--caiq \"Acme Cloud\": expected VENDOR=FILE",
            ));

        demarc()
            .args(["report", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let text = pdf_text(&out.join("2026-Q3/vendors/Acme-Cloud.pdf"));
        for wanted in [
            "What the vendor says: CSA CAIQ",
            "13 questions. Answers: Yes: 6 · No: 4 · NA: 1 · not answered: 1 · not a CAIQ answer: 1.",
            "3 answers contradict the model (responsibility drift) · 2 “No” answers to questions the vendor owns (control gaps) · 5 rows break the questionnaire’s rules.",
            "Physical security 2 1 1 0 1 1 1",
            "Network controls 1 1 0 0 1 1 0",
            "GRC (Governance, Risk and Compliance) 2 1",
            "critical · 2 × Vendor's stated ownership contradicts the model (RESPONSIBILITY_DRIFT)",
            "high · 2 × Vendor says a control of its own is not in place (VENDOR_CONTROL_GAP)",
        ] {
            assert!(text.contains(wanted), "{wanted:?} not in: {text}");
        }
    }
}

mod fedramp {
    use super::*;

    fn cloud_gov() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cloud.gov-CIS-Worksheet.xlsx")
    }

    /// The blank GSA template, shipped in tests/data (see its README for provenance).
    fn template() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/SSP-Appendix-J-CSO-CIS-and-CRM-Workbook.xlsx")
    }

    fn count(a: &Analysis, code: Code, severity: &str) -> usize {
        a.reconciliation
            .findings
            .iter()
            .filter(|f| f.code == code && f.severity.as_str() == severity)
            .count()
    }

    /// The expected numbers come from tests/data/cloudgov_expected.py (openpyxl), not from
    /// demarc.
    #[test]
    fn the_real_cloud_gov_worksheet() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let a = run_with(
            std::slice::from_ref(&book),
            fedramp_of("cloud.gov", &cloud_gov()),
        )
        .unwrap();
        let f = &a.inputs.questionnaires.fedramp[0];
        assert_eq!(f.cis_sheet.as_deref(), Some("CIS Worksheet"));
        assert_eq!(f.crm_sheet.as_deref(), Some("PaaS CRM"));
        assert_eq!(f.controls.len(), 616);
        assert_eq!(f.crm.len(), 616);
        use demarc::inputs::questionnaires::{ImplementationStatus as S, Inheritable, Side};
        let status = |s| f.controls.iter().filter(|c| c.status.contains(&s)).count();
        assert_eq!(
            [
                S::Implemented,
                S::PartiallyImplemented,
                S::Planned,
                S::Alternative,
                S::NotApplicable
            ]
            .map(status),
            [588, 1, 0, 9, 31]
        );
        let side = |s| f.controls.iter().filter(|c| c.side() == s).count();
        assert_eq!(
            [
                Some(Side::Provider),
                Some(Side::Shared),
                Some(Side::Customer),
                None
            ]
            .map(side),
            [498, 107, 9, 2]
        );
        // Several marks on a row: AC-02 (a) is Shared and Inherited.
        assert_eq!(f.controls[2].control_id, "AC-02 (a)");
        assert_eq!(f.controls[2].origination.len(), 2);
        let answered = |x| {
            f.crm
                .iter()
                .filter(|r| r.inheritable.known() == Some(x))
                .count()
        };
        assert_eq!(
            [Inheritable::Yes, Inheritable::Partial, Inheritable::No].map(answered),
            [124, 142, 350]
        );

        // The findings: Sandbox apps is PaaS and Public, so nothing is stepped up.
        assert_eq!(count(&a, Code::OriginationMismatch, "high"), 6);
        assert_eq!(count(&a, Code::OriginationMismatch, "medium"), 423);
        assert_eq!(count(&a, Code::ResponsibilityDrift, "high"), 18);
        assert_eq!(count(&a, Code::VendorControlGap, "medium"), 1);
        // IA-05 (a) to (j) are marked Implemented and N/A; PS-03 (03) (a) and (b) are N/A
        // with no origination.
        assert_eq!(count(&a, Code::QuestionnaireInconsistent, "low"), 10);
        assert_eq!(count(&a, Code::QuestionnaireInconsistent, "info"), 2);
        let shown: Vec<String> = a
            .reconciliation
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.control_id.as_deref(),
                    Some(
                        "NIST-800-53:AC-01 (a)"
                            | "NIST-800-53:IA-04 (a)"
                            | "NIST-800-53:SA-11 (01)"
                            | "NIST-800-53:AC-22 (a)"
                            | "NIST-800-53:IA-05 (a)"
                            | "NIST-800-53:PS-03 (03) (a)"
                    )
                )
            })
            .map(show)
            .collect();
        assert_eq!(
            shown,
            [
                // Shared origination (with Hybrid), but the CRM says Yes: inherited outright.
                "ORIGINATION_MISMATCH high domain=IAM control=NIST-800-53:IA-04 (a) vendor=cloud.gov @ CIS Worksheet!256 PaaS CRM!256",
                // Partially implemented by the provider (Corporate) ...
                "VENDOR_CONTROL_GAP medium control=NIST-800-53:SA-11 (01) vendor=cloud.gov @ CIS Worksheet!523",
                // ... and the CRM says No all the same.
                "ORIGINATION_MISMATCH medium control=NIST-800-53:SA-11 (01) vendor=cloud.gov @ CIS Worksheet!523 PaaS CRM!523",
                // Hybrid (the provider's), but the CRM says it cannot be inherited.
                "ORIGINATION_MISMATCH medium domain=IAM control=NIST-800-53:AC-01 (a) vendor=cloud.gov @ CIS Worksheet!4 PaaS CRM!4",
                // Provided by Customer with System Specific: shared, as the model has IAM
                // for PaaS (no drift), but the CRM leaves it all to the customer.
                "ORIGINATION_MISMATCH medium domain=IAM control=NIST-800-53:AC-22 (a) vendor=cloud.gov @ CIS Worksheet!74 PaaS CRM!74",
                // Implemented and N/A: which is it?
                "QUESTIONNAIRE_INCONSISTENT low domain=IAM control=NIST-800-53:IA-05 (a) vendor=cloud.gov @ CIS Worksheet!262",
                // N/A and no origination: counted as "none marked", and listed.
                "QUESTIONNAIRE_INCONSISTENT info control=NIST-800-53:PS-03 (03) (a) vendor=cloud.gov @ CIS Worksheet!434",
            ]
        );
        let mismatch = a
            .reconciliation
            .findings
            .iter()
            .find(|f| {
                f.code == Code::OriginationMismatch
                    && f.control_id.as_deref() == Some("NIST-800-53:AC-01 (a)")
            })
            .unwrap();
        assert_eq!(
            mismatch.message,
            "cloud.gov's CIS marks AC-01 (a) Service Provider Hybrid (provider), but its CRM answers No to Can Be Inherited from CSP where the template asks Yes: it gives the customer work the origination says the provider does."
        );

        // The vendor pack's data: the counts and what the customer must do.
        let run = run_of(&[book], fedramp_of("cloud.gov", &cloud_gov()));
        let pack =
            demarc::render::view::vendor_pack(&run, &a.inputs, &a.reconciliation, "cloud.gov");
        let fed = &pack["fedramp"];
        assert_eq!(fed["controls"], "616");
        assert_eq!(fed["mismatches"], "429");
        assert_eq!(fed["drift"], "18");
        assert_eq!(fed["customer_rows"], "492");
        let first = &fed["responsibilities"][0];
        // The 429 mismatches, 18 drifts and the gap are weighed by family and CRM text:
        // far fewer groups than findings, each with its controls.
        let issues = fed["issues"].as_array().unwrap();
        let grouped_controls: usize = issues
            .iter()
            .map(|g| g["covered"].as_str().unwrap().split(", ").count())
            .sum();
        assert!(issues.len() <= 30, "{} groups shown", issues.len());
        assert!(
            grouped_controls > issues.len(),
            "no group holds several controls"
        );
        assert!(!fed["issues_more"].as_str().unwrap().is_empty() || issues.len() < 30);
        // Every row with that answer and text, wherever it stands, is one group.
        let controls = first["controls"].as_str().unwrap();
        assert!(
            controls.starts_with("AC-01 (a), AC-01 (b), AT-01 (a)") && controls.ends_with(" rows)"),
            "{controls}"
        );
        assert_eq!(first["answer"], "No");
        assert!(first["text"]
            .as_str()
            .unwrap()
            .starts_with("cloud.gov inherits its implementation from GSA."));
        // The internal comments column is never read.
        assert!(!pack.to_string().contains("REMOVE column before publishing"));
        assert_eq!(pack["caiq"], serde_json::Value::Null);
    }

    #[test]
    fn the_blank_template_reads_no_control_and_raises_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let a = run_with(&[book], fedramp_of("cloud.gov", &template())).unwrap();
        let f = &a.inputs.questionnaires.fedramp[0];
        assert_eq!(f.cis_sheet, None);
        assert_eq!(f.crm_sheet, None);
        assert!(f.controls.is_empty() && f.crm.is_empty());
        assert_eq!(
            f.blank_sheets,
            [
                "High CIS Worksheet",
                "Moderate CIS Worksheet",
                "Low CIS Worksheet",
                "LI-SaaS CIS Worksheet"
            ]
        );
        assert!(questionnaire_findings(&a).is_empty());
        assert!(
            a.inputs
                .warnings
                .iter()
                .any(|w| w
                    .ends_with("no CIS worksheet is filled in: no control of cloud.gov was read")),
            "{:?}",
            a.inputs.warnings
        );
        let kinds: Vec<String> = a
            .inputs
            .files
            .iter()
            .find(|f| f.path.ends_with("Workbook.xlsx"))
            .unwrap()
            .sheets
            .iter()
            .map(|s| format!("{}: {}", s.name, s.kind_label()))
            .collect();
        assert!(
            kinds.contains(&"Example CRM Worksheet Responses: ignored".to_string()),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&"High CIS Worksheet: FedRAMP CIS (blank, not read)".to_string()),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&"LI-SaaS CRM Worksheet: FedRAMP CRM (blank, not read)".to_string()),
            "{kinds:?}"
        );
    }

    /// A CIS row: control, the column letters marked, and a cell holding something else.
    type CisRow = (
        &'static str,
        &'static str,
        Option<(&'static str, &'static str)>,
    );

    /// Writes a small CIS/CRM workbook laid out like the template: a blank High CIS sheet,
    /// a filled-in Moderate CIS (title row 1, two-row header 2–3 with `Control ID` merged
    /// down, controls from row 4), its CRM (title, guidance, header on row 3, rows from 4),
    /// and the template's example sheet. `cis` rows are (control, marked column letters,
    /// odd cell); `crm` rows are (control, answer).
    fn write_fedramp(
        path: &Path,
        origination_headings: &[&str; 7],
        cis: &[CisRow],
        crm: &[(&str, &str)],
    ) {
        let mut workbook = Workbook::new();
        let plain = Format::new();
        let write_cis = |ws: &mut rust_xlsxwriter::Worksheet, rows: &[CisRow]| {
            ws.merge_range(
                0,
                0,
                0,
                12,
                "FedRAMP Moderate Control Implementation Summary (CIS) Worksheet",
                &plain,
            )
            .unwrap();
            ws.merge_range(1, 0, 2, 0, "Control ID", &plain).unwrap();
            ws.merge_range(1, 1, 1, 5, "Implementation Status", &plain)
                .unwrap();
            ws.merge_range(1, 6, 1, 12, "Control Origination", &plain)
                .unwrap();
            let statuses = [
                "Implemented",
                "Partially Implemented",
                "Planned",
                "Alternative Implementation",
                "N/A",
            ];
            for (c, h) in statuses
                .iter()
                .chain(origination_headings.iter())
                .enumerate()
            {
                ws.write_string(2, c as u16 + 1, *h).unwrap();
            }
            ws.write_string(2, 13, "Notes").unwrap();
            for (i, (control, marks, odd)) in rows.iter().enumerate() {
                let r = 3 + i as u32;
                ws.write_string(r, 0, *control).unwrap();
                for (k, letter) in marks.chars().enumerate() {
                    let col = letter as u16 - 'A' as u16;
                    // Mix the cases: the template says X, people type x.
                    ws.write_string(r, col, if k % 2 == 0 { "X" } else { "x" })
                        .unwrap();
                }
                if let Some((letter, text)) = odd {
                    let col = letter.chars().next().unwrap() as u16 - 'A' as u16;
                    ws.write_string(r, col, *text).unwrap();
                }
            }
        };
        let high = workbook.add_worksheet();
        high.set_name("High CIS Worksheet").unwrap();
        write_cis(high, &[("AC-1(a)", "", None), ("AC-1(b)", "", None)]);
        let moderate = workbook.add_worksheet();
        moderate.set_name("Moderate CIS Worksheet").unwrap();
        write_cis(moderate, cis);
        let ws = workbook.add_worksheet();
        ws.set_name("Moderate CRM Worksheet").unwrap();
        ws.merge_range(
            0,
            0,
            0,
            2,
            "FedRAMP Moderate Customer Responsibility Matrix (CRM) Worksheet",
            &plain,
        )
        .unwrap();
        ws.merge_range(
            1,
            0,
            1,
            2,
            "GUIDANCE: enter \"Yes\", \"Partial\" or \"No\".",
            &plain,
        )
        .unwrap();
        for (c, h) in [
            "Control ID",
            "Can Be Inherited from CSP",
            "Specific Inheritance and Customer Agency/CSP Responsibilities",
            "Internal comments (REMOVE)",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        for (i, (control, answer)) in crm.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_string(r, 0, *control).unwrap();
            if !answer.is_empty() {
                ws.write_string(r, 1, *answer).unwrap();
            }
            ws.write_string(r, 2, format!("The customer's part of {control}."))
                .unwrap();
        }
        let example = workbook.add_worksheet();
        example.set_name("Example CRM Worksheet Responses").unwrap();
        example.write_string(1, 0, "Control ID").unwrap();
        example
            .write_string(1, 1, "Can Be Inherited from CSP")
            .unwrap();
        example.write_string(2, 0, "AC-2(a)").unwrap();
        example.write_string(2, 1, "Partial").unwrap();
        workbook.save(path).unwrap();
    }

    const HEADINGS: [&str; 7] = [
        "Service Provider Corporate (Acme Inc.)",
        "Service Provider System Specific (Acme Gov)",
        "Service Provider Hybrid (Corporate and System Specific)",
        "Configured by Customer (Customer System Specific)",
        "Provided by Customer (Customer System Specific)",
        "Shared (Service Provider and Customer Responsibility)",
        "Inherited from Pre-Existing Authorization (AWS GovCloud)",
    ];

    // Columns: B Implemented, C Partially, D Planned, E Alternative, F N/A; G Corporate,
    // H System Specific, I Hybrid, J Configured by Customer, K Provided by Customer,
    // L Shared, M Inherited.
    const CIS: &[CisRow] = &[
        ("AC-1(a)", "BG", None),           // row 4: provider
        ("AC-2(a)", "BLM", None),          // row 5: shared + inherited → shared
        ("AC-2(b)", "BJK", None),          // row 6: customer twice → customer
        ("AC-3", "DI", None),              // row 7: Planned, provider
        ("IA-2", "BJ", None),              // row 8: customer
        ("PE-3", "B", Some(("G", "Yes"))), // row 9: not a mark
        ("SC-7", "B", None),               // row 10: no origination
        ("SI-2", "F", None),               // row 11: N/A, no origination: info
        ("AU-2", "BG", None),              // row 12: no CRM row
        ("SC-8", "DIK", None),             // row 13: Planned, Hybrid + customer → shared
        ("SC-12", "FK", None),             // row 14: N/A: left out of drift and mismatch
        ("SC-13", "BFG", None),            // row 15: Implemented and N/A
        ("SC-20", "G", None),              // row 16: no status
    ];

    const CRM: &[(&str, &str)] = &[
        ("AC-01 (a)", "Yes"),     // row 4
        ("AC-02 (a)", "Partial"), // row 5
        ("AC-02 (b)", "yes"),     // row 6: promises more than a customer origination
        ("AC-03", "No"),          // row 7: less than a provider origination
        ("IA-02", "No"),          // row 8
        ("PE-03", "Yes"),         // row 9
        ("SC-07", "Partial"),     // row 10
        ("SI-02", "Maybe"),       // row 11: not an answer
        ("CM-02", "Yes"),         // row 12: not in the CIS
        ("SC-08", "Partial"),     // row 13
        ("SC-12", "Yes"),         // row 14: would promise more, but the control is N/A
        ("SC-13", "Yes"),         // row 15
        ("SC-20", "Yes"),         // row 16
    ];

    #[test]
    fn a_built_workbook_with_every_odd_case() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let file = dir.path().join("cis.xlsx");
        write_fedramp(&file, &HEADINGS, CIS, CRM);
        let a = run_with(&[book], fedramp_of("cloud.gov", &file)).unwrap();
        let f = &a.inputs.questionnaires.fedramp[0];
        assert_eq!(f.cis_sheet.as_deref(), Some("Moderate CIS Worksheet"));
        assert_eq!(f.blank_sheets, ["High CIS Worksheet"]);
        assert_eq!((f.controls.len(), f.crm.len()), (13, 13));
        let (cis, crm) = ("Moderate CIS Worksheet", "Moderate CRM Worksheet");
        assert_eq!(
            questionnaire_findings(&a),
            [
                format!("ORIGINATION_MISMATCH high domain=IAM control=NIST-800-53:AC-2(b) vendor=cloud.gov @ {cis}!6 {crm}!6"),
                format!("ORIGINATION_MISMATCH medium domain=IAM control=NIST-800-53:AC-3 vendor=cloud.gov @ {cis}!7 {crm}!7"),
                // N/A without origination: listed, as info.
                format!("QUESTIONNAIRE_INCONSISTENT info domain=HOST control=NIST-800-53:SI-2 vendor=cloud.gov @ {cis}!11"),
                format!("QUESTIONNAIRE_INCONSISTENT low control=NIST-800-53:AU-2 vendor=cloud.gov @ {cis}!12"),
                format!("QUESTIONNAIRE_INCONSISTENT low control=NIST-800-53:CM-02 vendor=cloud.gov @ {crm}!12"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=HOST control=NIST-800-53:SI-02 vendor=cloud.gov @ {crm}!11"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=NET control=NIST-800-53:SC-13 vendor=cloud.gov @ {cis}!15"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=NET control=NIST-800-53:SC-20 vendor=cloud.gov @ {cis}!16"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=NET control=NIST-800-53:SC-7 vendor=cloud.gov @ {cis}!10"),
                format!("QUESTIONNAIRE_INCONSISTENT low domain=PHYS control=NIST-800-53:PE-3 vendor=cloud.gov @ {cis}!9"),
                format!("RESPONSIBILITY_DRIFT high domain=IAM control=NIST-800-53:AC-2(b) vendor=cloud.gov @ {cis}!6 Services!4"),
                format!("RESPONSIBILITY_DRIFT high domain=IAM control=NIST-800-53:IA-2 vendor=cloud.gov @ {cis}!8 Services!4"),
                // Hybrid + Provided by Customer is shared: it drifts from the provider's
                // network cell, agrees with the CRM's Partial, and its Planned status is
                // the provider's gap. SC-12 (N/A) is in none of these checks.
                format!("RESPONSIBILITY_DRIFT high domain=NET control=NIST-800-53:SC-8 vendor=cloud.gov @ {cis}!13 Services!4"),
                format!("VENDOR_CONTROL_GAP medium domain=IAM control=NIST-800-53:AC-3 vendor=cloud.gov @ {cis}!7"),
                format!("VENDOR_CONTROL_GAP medium domain=NET control=NIST-800-53:SC-8 vendor=cloud.gov @ {cis}!13"),
            ]
        );
        let message = |code: Code, control: &str| {
            a.reconciliation
                .findings
                .iter()
                .find(|f| {
                    f.code == code
                        && f.control_id.as_deref() == Some(&format!("NIST-800-53:{control}"))
                })
                .unwrap()
                .message
                .clone()
        };
        let inconsistent = |control: &str| message(Code::QuestionnaireInconsistent, control);
        assert_eq!(
            inconsistent("PE-3"),
            "cloud.gov's CIS control PE-3: G9 (under \"Service Provider Corporate (Acme Inc.)\") holds \"Yes\", not X; no control origination is marked."
        );
        assert_eq!(
            inconsistent("SI-02"),
            "cloud.gov's CRM row for SI-02: Can Be Inherited from CSP \"Maybe\" is not one of Yes, Partial, No."
        );
        assert_eq!(
            inconsistent("AU-2"),
            "cloud.gov's CIS control AU-2: the CRM (Moderate CRM Worksheet) has no row for it."
        );
        assert_eq!(
            inconsistent("SI-2"),
            "cloud.gov's CIS control SI-2: no control origination is marked (its status is N/A)."
        );
        assert_eq!(
            inconsistent("SC-13"),
            "cloud.gov's CIS control SC-13: it is marked both N/A and Implemented."
        );
        assert_eq!(
            inconsistent("SC-20"),
            "cloud.gov's CIS control SC-20: no implementation status is marked."
        );
        assert_eq!(
            message(Code::ResponsibilityDrift, "SC-8"),
            "cloud.gov says FedRAMP control SC-8 is shared with the customer (origination Service Provider Hybrid + Provided by Customer), but the model gives Network controls to cloud.gov alone for Sandbox apps (PaaS)."
        );
        assert_eq!(
            message(Code::VendorControlGap, "SC-8"),
            "cloud.gov's CIS gives SC-8 the status Planned although the provider has a part in it (Service Provider Hybrid + Provided by Customer)."
        );
    }

    /// cloud.gov has one service, so its drift findings name none (every service drifts):
    /// the cells still show them — the cell's status, its worst finding, the heatmap —
    /// even when the cell is evidenced, while findings that are not drift stay off them.
    #[test]
    fn drift_without_a_service_shows_in_that_vendors_cells() {
        let dir = tempfile::tempdir().unwrap();
        let book = company()
            .sheet(
                "Attestations",
                &[
                    "vendor",
                    "services",
                    "type",
                    "period_start",
                    "period_end",
                    "issued_on",
                    "opinion",
                    "exceptions",
                    "bridge_letter_through",
                    "domains",
                ],
                vec![vec![
                    "cloud.gov".into(),
                    "*".into(),
                    "SOC 2 Type II".into(),
                    d(2025, 7, 1).into(),
                    d(2026, 6, 30).into(),
                    d(2026, 8, 1).into(),
                    "Unqualified".into(),
                    0.0.into(),
                    d(2026, 12, 31).into(),
                    "*".into(),
                ]],
            )
            .write(dir.path(), "company.xlsx");
        let file = dir.path().join("cis.xlsx");
        write_fedramp(&file, &HEADINGS, CIS, CRM);
        let run = run_of(&[book], fedramp_of("cloud.gov", &file));
        let a = demarc::analyse(&run).unwrap();
        let drift_about = |domain: &str| {
            a.reconciliation
                .findings
                .iter()
                .filter(|f| {
                    f.code == Code::ResponsibilityDrift && f.domain.as_deref() == Some(domain)
                })
                .inspect(|f| assert_eq!(f.service, None))
                .count()
        };
        let iam = "Identity and access management";
        assert_eq!(drift_about(iam), 2);
        let cell = |domain: &str| {
            a.reconciliation
                .cells
                .iter()
                .find(|c| c.service == "Sandbox apps" && c.domain == domain)
                .unwrap()
        };
        let iam_cell = cell(iam);
        assert!(iam_cell.evidenced);
        assert!(iam_cell.disputed);
        assert_eq!(iam_cell.worst.map(|w| w.as_str()), Some("high"));
        // Host infrastructure has questionnaire findings too (SI-2), but no drift.
        let host = cell("Host infrastructure");
        assert!(host.evidenced && !host.disputed);
        assert_eq!(host.worst, None);

        let pack =
            demarc::render::view::vendor_pack(&run, &a.inputs, &a.reconciliation, "cloud.gov");
        let shown = |domain: &str| {
            pack["services"][0]["cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["domain"] == domain)
                .map(|c| format!("{} / {}", c["status"], c["worst"]))
                .unwrap()
        };
        assert_eq!(
            shown(iam),
            "\"evidenced; the vendor states another owner (responsibility drift)\" / \"high\""
        );
        assert_eq!(shown("Host infrastructure"), "\"evidenced\" / \"\"");

        let board = demarc::render::view::board_report(&run, &a.inputs, &a.reconciliation, None);
        let domains: Vec<&str> = run.model.domains.iter().map(|d| d.name.as_str()).collect();
        let heat = board["heat"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service"] == "Sandbox apps")
            .unwrap();
        let heat_of = |domain: &str| {
            let i = domains.iter().position(|d| *d == domain).unwrap();
            heat["cells"][i]["worst"].as_str().unwrap().to_string()
        };
        assert_eq!(heat_of(iam), "high");
        assert_eq!(heat_of("Host infrastructure"), "ok");
    }

    /// A customer control may carry an 800-53 id too (`AC-2(b)` here): a finding about the
    /// provider's control must not be taken for one about the customer's, in findings.json
    /// (`control_id` carries the framework) or in the OSCAL export (it targets the rule).
    #[test]
    fn a_providers_control_is_never_a_customer_control_of_the_same_id() {
        let dir = tempfile::tempdir().unwrap();
        let book = company()
            .push(
                "Controls",
                row(&["AC-2(b)", "Identity and access management", "quarterly"]),
            )
            .write(dir.path(), "company.xlsx");
        let file = dir.path().join("cis.xlsx");
        write_fedramp(&file, &HEADINGS, CIS, CRM);
        let run = run_of(&[book], fedramp_of("cloud.gov", &file));
        let a = demarc::analyse(&run).unwrap();
        let (files, _) = demarc::inputs::evidence_files::check_all(&a.inputs.evidence, None);
        let text =
            demarc::render::oscal::assessment_results(&run, &a.inputs, &a.reconciliation, &files);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let findings = doc["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap();
        let about_ac2b: Vec<(&str, &str)> = findings
            .iter()
            .filter(|f| {
                f["props"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "control-id" && p["value"] == "NIST-800-53:AC-2(b)")
            })
            .map(|f| {
                (
                    f["target"]["target-id"].as_str().unwrap(),
                    f["target"]["status"]["state"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            about_ac2b,
            [
                ("demarc-responsibility-drift", "not-satisfied"),
                ("demarc-origination-mismatch", "not-satisfied")
            ]
        );
    }

    #[test]
    fn marks_in_a_column_demarc_cannot_name_are_an_error_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let file = dir.path().join("cis.xlsx");
        let mut headings = HEADINGS;
        headings[0] = "Service Provder Corporate";
        write_fedramp(&file, &headings, CIS, CRM);
        let error = run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &file))
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("cis.xlsx: Moderate CIS Worksheet!G4: a control is marked X in a column headed \"Service Provder Corporate\", which is none of the CIS columns (did you mean \"Service Provider Corporate\"?)"),
            "{error}"
        );

        // Two filled-in baselines: which one applies is the user's call.
        let two = dir.path().join("two.xlsx");
        write_fedramp(&two, &HEADINGS, CIS, CRM);
        let mut workbook = Workbook::new();
        for name in ["High CIS Worksheet", "Moderate CIS Worksheet"] {
            let ws = workbook.add_worksheet();
            ws.set_name(name).unwrap();
            ws.write_string(0, 0, "Control ID").unwrap();
            ws.write_string(0, 1, "Service Provider Corporate").unwrap();
            ws.write_string(1, 0, "AC-1").unwrap();
            ws.write_string(1, 1, "X").unwrap();
        }
        workbook.save(&two).unwrap();
        let error = run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &two))
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("two.xlsx: 2 CIS worksheets are filled in (High CIS Worksheet, Moderate CIS Worksheet): demarc reads one baseline per provider"),
            "{error}"
        );

        // A workbook with neither worksheet.
        let error = run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &book))
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("company.xlsx: not a FedRAMP CIS/CRM workbook"),
            "{error}"
        );
    }

    /// Writes a workbook of one sheet: a one-row header, then the rows.
    fn one_sheet(path: &Path, sheet: &str, header: &[&str], rows: &[&[&str]]) {
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (r, cells) in std::iter::once(header)
            .chain(rows.iter().copied())
            .enumerate()
        {
            for (c, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    ws.write_string(r as u32, c as u16, *text).unwrap();
                }
            }
        }
        workbook.save(path).unwrap();
    }

    /// Two headings for one column: the one that is the column's name wins and the other is
    /// kept as an extra column, with a warning naming both cells (a mark in it is still an
    /// error); two of equal rank are an error naming both, never resolved silently.
    #[test]
    fn two_headings_for_one_column_are_ranked_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let book = company().write(dir.path(), "company.xlsx");
        let file = dir.path().join("cis.xlsx");
        let error = |header: &[&str], rows: &[&[&str]]| {
            one_sheet(&file, "CIS", header, rows);
            run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &file))
                .err()
                .expect("an input error")
                .to_string()
        };
        let both = |e: String, wanted: &str| assert!(e.contains(wanted), "{wanted:?} not in {e}");
        both(
            error(
                &["Control ID", "Implemented", "Service Provider Corporate", "Control ID"],
                &[&["AC-1", "X", "X", "AC-2"]],
            ),
            "cis.xlsx: CIS!A1: two headers name the same column, Control ID: A1 \"Control ID\" and D1 \"Control ID\"; demarc cannot tell which to read: rename or remove one",
        );
        both(
            error(
                &[
                    "Control ID",
                    "Implemented",
                    "Service Provider Corporate (Acme)",
                    "Service Provider Corporate (Acme Gov)",
                ],
                &[&["AC-1", "X", "X", ""]],
            ),
            "cis.xlsx: CIS!C1: two headers name the same column, Service Provider Corporate: C1 \"Service Provider Corporate (Acme)\" and D1 \"Service Provider Corporate (Acme Gov)\"",
        );
        both(
            error(&["Control ID", "N/A", "Not Applicable", "Shared"], &[&["AC-1", "X", "", "X"]]),
            "cis.xlsx: CIS!B1: two headers name the same column, N/A: B1 \"N/A\" and C1 \"Not Applicable\"",
        );
        // The heading that is the column's name wins; a mark under the other is refused.
        let ranked = [
            "Control ID",
            "Implemented",
            "Service Provider Corporate (Old)",
            "Service Provider Corporate",
        ];
        both(
            error(&ranked, &[&["AC-1", "X", "X", ""]]),
            "cis.xlsx: CIS!C2: a control is marked X in a column headed \"Service Provider Corporate (Old)\", kept as an extra column because D1 \"Service Provider Corporate\" is Service Provider Corporate: remove one of the two columns",
        );
        one_sheet(&file, "CIS", &ranked, &[&["AC-1", "X", "", "X"]]);
        let a = run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &file)).unwrap();
        let control = &a.inputs.questionnaires.fedramp[0].controls[0];
        assert_eq!(
            control.origination,
            [demarc::inputs::questionnaires::Origination::ProviderCorporate]
        );
        let warned: Vec<&String> = a
            .inputs
            .warnings
            .iter()
            .filter(|w| w.contains("extra column"))
            .collect();
        assert_eq!(
            warned,
            [&format!("{}: CIS!C1 \"Service Provider Corporate (Old)\" kept as an extra column: D1 \"Service Provider Corporate\" is Service Provider Corporate", file.display())]
        );

        // The CRM's columns likewise.
        let crm = |inherited: [&str; 2]| {
            one_sheet(
                &file,
                "CRM",
                &[
                    "Control ID",
                    inherited[0],
                    inherited[1],
                    "Specific Inheritance and Customer Agency/CSP Responsibilities",
                ],
                &[&["AC-1", "Yes", "No", "Nothing."]],
            );
            run_with(std::slice::from_ref(&book), fedramp_of("cloud.gov", &file))
        };
        both(
            crm(["Can Be Inherited from CSP (2023)", "Can Be Inherited from CSP (2024)"]).err().unwrap().to_string(),
            "cis.xlsx: CRM!B1: two headers name the same column, Can Be Inherited from CSP: B1 \"Can Be Inherited from CSP (2023)\" and C1 \"Can Be Inherited from CSP (2024)\"",
        );
        let a = crm([
            "Can Be Inherited from CSP (2023)",
            "Can Be Inherited from CSP",
        ])
        .unwrap();
        let row = &a.inputs.questionnaires.fedramp[0].crm[0];
        assert_eq!(
            row.inheritable.known(),
            Some(demarc::inputs::questionnaires::Inheritable::No)
        );
        assert!(
            a.inputs.warnings.iter().any(|w| w.ends_with("CRM!B1 \"Can Be Inherited from CSP (2023)\" kept as an extra column: C1 \"Can Be Inherited from CSP\" is Can Be Inherited from CSP")),
            "{:?}",
            a.inputs.warnings
        );
    }

    #[test]
    fn the_blank_templates_vendor_pack_says_so() {
        let dir = tempfile::tempdir().unwrap();
        company().write(dir.path(), "company.xlsx");
        let out = dir.path().join("out");
        demarc()
            .args(["report", "--period", PERIOD, "--fedramp"])
            .arg(format!("cloud.gov={}", template().display()))
            .arg(dir.path().join("company.xlsx"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let text = pdf_text(&out.join("2026-Q3/vendors/cloud-gov.pdf"));
        assert!(
            text.contains("What the provider says: FedRAMP CIS/CRM"),
            "{text}"
        );
        assert!(
            text.contains("No CIS worksheet is filled in (High CIS Worksheet, Moderate CIS Worksheet, Low CIS Worksheet, LI-SaaS CIS Worksheet): the workbook is a blank template, and no control was read."),
            "{text}"
        );
    }

    /// A real 616-control FedRAMP workbook with hundreds of findings: the vendor pack stays
    /// within twelve pages, its repeated CRM text said once with its controls, and every
    /// finding it leaves out is counted.
    #[test]
    fn the_real_cloud_gov_pack_stays_within_twelve_pages() {
        let dir = tempfile::tempdir().unwrap();
        company().write(dir.path(), "company.xlsx");
        let out = dir.path().join("out");
        demarc()
            .args(["report", "--period", PERIOD, "--fedramp"])
            .arg(format!("cloud.gov={}", cloud_gov().display()))
            .arg(dir.path().join("company.xlsx"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let pack = out.join("2026-Q3/vendors/cloud-gov.pdf");
        let pages = demarc_pages(&pack);
        assert!(pages <= 12, "{pages} pages");
        let findings = crate::support::read_json(&out.join("2026-Q3/findings.json"));
        let about_cloud_gov = findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["vendor"] == "cloud.gov" || f["service"] == "Sandbox apps")
            .count();
        assert!(about_cloud_gov > 100, "{about_cloud_gov} findings");
        let text = pdf_text(&pack);
        assert!(
            text.contains(&format!("{about_cloud_gov} findings concern this vendor")),
            "the pack does not count its findings"
        );
        assert!(
            text.contains("more not listed here"),
            "nothing said of those left out"
        );
    }

    fn demarc_pages(pdf: &Path) -> usize {
        crate::support::pdf_pages(pdf).len()
    }
}
