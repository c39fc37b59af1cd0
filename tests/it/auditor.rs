//! The auditor pack as an auditor uses it: every finding id of findings.json is a line of
//! the PDF, a hyperscaler's attestation naming ninety services keeps the register short,
//! evidence files are counted and a missing one is a finding, and the Scope section never
//! prints the path of the machine that ran the report.

use crate::support::{self, d, demarc, read_json, report_q3, row, small_company, Book, Cell};
use std::path::Path;

/// The ids of every finding in findings.json.
fn finding_ids(out: &Path) -> Vec<String> {
    read_json(&out.join("2026-Q3/findings.json"))["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// The pages of the auditor pack from the one whose text starts section `from` up to the
/// one that starts section `to` (both headings as the outline numbers them).
fn section_pages(pages: &[String], from: &str, to: &str) -> usize {
    let starts = |heading: &str| {
        pages
            .iter()
            .skip(1) // the cover's contents name every section
            .position(|p| p.contains(heading))
            .unwrap_or_else(|| panic!("no page has {heading:?}"))
    };
    starts(to) - starts(from) + 1
}

/// A company of `services` AWS services, each in scope, with `controls` customer controls
/// applying to every service and evidence for the first service only: most cells lack
/// evidence, so findings run to the hundreds.
fn large_company(services: usize, controls: usize) -> Book {
    large_company_named("AWS service", services, controls)
}

/// The same, its services named `{prefix} 001` and on.
fn large_company_named(prefix: &str, services: usize, controls: usize) -> Book {
    let names: Vec<String> = (1..=services).map(|i| format!("{prefix} {i:03}")).collect();
    let service_rows = names
        .iter()
        .map(|n| row(&[n, "AWS", "IaaS", "Confidential", "yes"]))
        .collect();
    let control_rows = (1..=controls)
        .map(|i| {
            row(&[
                &format!("CTL-{i:03}"),
                &format!("Control {i}"),
                "Identity and access management",
                "quarterly",
                "*",
            ])
        })
        .collect();
    let evidence_rows = (1..=controls)
        .map(|i| {
            let mut r = row(&[&format!("CTL-{i:03}"), &names[0], "Review"]);
            r.push(d(2026, 9, 1).into());
            r.extend(row(&["Effective", "A. Tester"]));
            r
        })
        .collect();
    // The small company's sheets and headers, with these rows.
    small_company()
        .with_rows("Services", service_rows)
        .with_rows("Controls", control_rows)
        .with_rows("Evidence", evidence_rows)
        .with_rows(
            "Attestations",
            vec![row(&[
                "AWS",
                // Named one by one, as hyperscalers' reports list them.
                &names.join("; "),
                "SOC 2 Type II",
                "2025-07-01",
                "2026-06-30",
                "Unqualified",
                "0",
                "2026-12-31",
                "*",
            ])],
        )
}

#[test]
fn every_finding_id_of_the_sample_is_in_its_pack() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    demarc()
        .current_dir(support::repo("."))
        .args(["report", "--config", "samples/demarc.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    let ids = finding_ids(&out);
    assert!(!ids.is_empty());
    let absent: Vec<&String> = ids
        .iter()
        .filter(|id| !pack.contains(id.as_str()))
        .collect();
    assert!(absent.is_empty(), "not in the pack: {absent:?}");
    // Few findings: each is listed with its own message.
    let findings = read_json(&out.join("2026-Q3/findings.json"));
    let first = findings["findings"][0]["message"].as_str().unwrap();
    let words: String = first
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(pack.contains(&words), "{words:?} not in the pack");
    // Catalogue text is set as text, its `code` spans without their backticks.
    assert!(!pack.contains('`'), "raw backticks in the pack");
    // The standard step-up for sensitive data is said once above the methodology table,
    // not repeated in most of its rows.
    let flat = pack.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("unless its row says otherwise, it rises one step (to at most critical)"),
        "the step-up is not stated above the table"
    );
    let repeated = flat.matches("one step up (to at most critical)").count();
    assert_eq!(
        repeated, 0,
        "the standard step-up is repeated {repeated} times"
    );
}

#[test]
fn at_scale_every_finding_is_one_line_and_the_register_stays_short() {
    let dir = tempfile::tempdir().unwrap();
    // 90 services x 30 controls: 2,700 service-control pairs (the compact listing) and
    // well over the 300 findings above which each finding is one line.
    let (_, out) = report_q3(dir.path(), &large_company(90, 30), &[]);
    let ids = finding_ids(&out);
    assert!(ids.len() > 2_000, "{} findings", ids.len());
    let path = out.join("2026-Q3/auditor-pack.pdf");
    let text = support::pdf_text(&path);
    let absent: Vec<&String> = ids
        .iter()
        .filter(|id| !text.contains(id.as_str()))
        .collect();
    assert!(
        absent.is_empty(),
        "{} ids not in the pack, e.g. {:?}",
        absent.len(),
        &absent[..absent.len().min(3)]
    );
    // Counts a reader takes in at a glance: "2,700 findings.", not "2700 findings.".
    let n = ids.len().to_string();
    let grouped = format!("{},{} findings.", &n[..n.len() - 3], &n[n.len() - 3..]);
    assert!(text.contains(&grouped), "no {grouped:?} in the summary");
    // The attestation naming all ninety services is said in brief, and its row does not
    // run down the page a name a line.
    assert!(text.contains("all AWS services (90)"), "no brief services");
    let pages = support::pdf_pages(&path);
    assert!(
        section_pages(
            &pages,
            "Attestation register",
            "Complementary user entity controls"
        ) <= 2,
        "the register spans more than two pages"
    );
    // One line per finding: 2,000+ findings fit in well under a page per 100.
    let findings_pages = pages.len()
        - pages
            .iter()
            .rposition(|p| p.contains("9. Findings"))
            .unwrap_or(0);
    assert!(
        findings_pages * 100 < ids.len(),
        "{findings_pages} pages for {} findings",
        ids.len()
    );
    // A page that starts inside a code's list names, in its header, the code and the
    // service whose lines run on to it: never a page of bare ids without either.
    let first_findings_page = pages
        .iter()
        .rposition(|p| p.contains("9. Findings"))
        .unwrap();
    let mut continued = 0;
    for (n, page) in pages.iter().enumerate().skip(first_findings_page + 1) {
        let body: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter(|l| !l.starts_with("Generated") && !l.contains("CONFIDENTIAL"))
            .filter(|l| !l.starts_with("Findings, continued"))
            .collect();
        let starts_with_an_id = body.first().is_some_and(|l| l.starts_with("F-"));
        let header = page
            .lines()
            .find(|l| l.contains("Findings, continued"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
        if starts_with_an_id {
            let header = header
                .unwrap_or_else(|| panic!("page {} starts with bare ids and names no code", n + 1));
            let names_a_code = header
                .split_whitespace()
                .any(|w| w.contains('_') && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            assert!(
                names_a_code && header.contains("— AWS service "),
                "page {}: {header:?}",
                n + 1
            );
            continued += 1;
        }
    }
    assert!(continued > 0, "no page of the findings starts mid-list");
    // No page between the cover and the last is left mostly blank: the findings, and
    // each severity within them, follow on from what comes before.
    let lines_per_page: Vec<usize> = support::pdf_visual_lines(&path)
        .iter()
        .map(|lines| lines.iter().filter(|l| !l.trim().is_empty()).count())
        .collect();
    let sparse: Vec<usize> = lines_per_page[..lines_per_page.len() - 1]
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, n)| **n < 30)
        .map(|(page, _)| page + 1)
        .collect();
    assert!(
        sparse.is_empty(),
        "mostly blank pages {sparse:?}; lines per page {lines_per_page:?}"
    );
    // The vendor of all ninety services keeps its pack within twelve pages.
    let aws = support::pdf_pages(&out.join("2026-Q3/vendors/AWS.pdf")).len();
    assert!(aws <= 12, "the AWS pack has {aws} pages");
    // The message pattern is said once per code, not once per finding.
    let rule = "has no evidence for that service on or before the period end";
    assert!(text.matches(rule).count() <= 2, "the rule is repeated");
    // Each line about a control links to that control's evidence, inside the pack (the
    // lines are laid out only once their targets are known: none may be left unlinked).
    let about_a_control = read_json(&out.join("2026-Q3/findings.json"))["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["control_id"].is_string())
        .count();
    let links = internal_links(&path);
    assert!(
        about_a_control > 2_000 && links >= about_a_control,
        "{links} internal links for {about_a_control} finding lines about a control"
    );
}

/// How many link annotations of a PDF go to a place in the document itself.
fn internal_links(path: &Path) -> usize {
    let pdf = lopdf::Document::load(path).unwrap();
    let mut count = 0;
    for page in pdf.get_pages().values() {
        for annotation in pdf.get_page_annotations(*page).unwrap_or_default() {
            let is_link = annotation
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|s| s == b"Link");
            let goes_inside = annotation.has(b"Dest")
                || annotation
                    .get(b"A")
                    .and_then(|a| pdf.dereference(a))
                    .and_then(|(_, a)| a.as_dict())
                    .and_then(|a| a.get(b"S"))
                    .and_then(|s| s.as_name())
                    .is_ok_and(|s| s == b"GoTo");
            if is_link && goes_inside {
                count += 1;
            }
        }
    }
    count
}

/// The small company with a file named on each evidence row: IAM-1's is under the
/// evidence root, END-1's climbs out of it (refused), the others are not there.
fn company_with_files(root: &Path) -> Book {
    std::fs::create_dir_all(root.join("2026-09")).unwrap();
    std::fs::write(root.join("2026-09/iam-1.pdf"), b"IAM-1 evidence").unwrap();
    let book = small_company();
    let mut evidence = book
        .sheets
        .iter()
        .find(|s| s.name == "Evidence")
        .unwrap()
        .clone();
    evidence.header.push("evidence_file".into());
    for r in &mut evidence.rows {
        let Cell::Text(id) = &r[0] else { panic!() };
        let file = if id == "END-1" {
            "../outside/end-1.pdf".to_string()
        } else {
            format!("2026-09/{}.pdf", id.to_lowercase())
        };
        r.push(Cell::Text(file));
    }
    let header: Vec<&str> = evidence.header.iter().map(String::as_str).collect();
    book.sheet("Evidence", &header, evidence.rows.clone())
}

#[test]
fn missing_evidence_files_are_counted_and_each_relied_on_row_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("evidence");
    let book = company_with_files(&root);
    let path = book.write(dir.path(), "q3.xlsx");
    let out = dir.path().join("out");
    let said = demarc()
        .arg("report")
        .arg(&path)
        .args(["--period", "2026-Q3", "--evidence-root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let said = String::from_utf8(said).unwrap();
    assert!(
        said.contains("evidence files: 1 of 4 found and hashed, 2 missing, 1 refused"),
        "{said}"
    );
    let findings = read_json(&out.join("2026-Q3/findings.json"));
    let missing: Vec<&serde_json::Value> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "EVIDENCE_FILE_MISSING")
        .collect();
    let mut controls: Vec<&str> = missing
        .iter()
        .map(|f| f["control_id"].as_str().unwrap())
        .collect();
    controls.sort();
    assert_eq!(controls, ["APP-1", "DATA-1", "END-1"]);
    for f in &missing {
        assert_eq!(f["severity"], "medium");
        assert_eq!(f["sources"][0]["sheet"], "Evidence");
    }
    // A refused path cannot be tied out either; its finding says why.
    let refused = missing.iter().find(|f| f["control_id"] == "END-1").unwrap();
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("was refused and not read"),
        "{refused}"
    );
    let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    assert!(
        pack.contains("Found and hashed Missing Refused URL No file named Not checked 1 2 1 0 0 0"),
        "no completeness counts in the Summary"
    );

    // Without a root nothing is looked for, nothing is raised, and the pack says so.
    let plain_dir = dir.path().join("plain");
    std::fs::create_dir(&plain_dir).unwrap();
    let (_, plain) = report_q3(&plain_dir, &book, &[]);
    let findings = read_json(&plain.join("2026-Q3/findings.json"));
    assert!(!findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "EVIDENCE_FILE_MISSING"));
    let pack = support::pdf_text(&plain.join("2026-Q3/auditor-pack.pdf"));
    assert!(pack.contains("no evidence root was given"), "{pack}");
}

#[test]
fn the_scope_names_inputs_without_the_path_of_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    // report_q3 passes the workbook by its absolute path; a domain by another name gives a
    // warning, which names the file as it was typed.
    let mut book = large_company(3, 2);
    let controls = book
        .sheets
        .iter_mut()
        .find(|s| s.name == "Controls")
        .unwrap();
    let domain = controls.header.iter().position(|h| h == "domain").unwrap();
    controls.rows[0][domain] = Cell::from("IAM");
    let (path, out) = report_q3(dir.path(), &book, &[]);
    assert!(path.is_absolute());
    let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    let parent = path.parent().unwrap().display().to_string();
    assert!(!pack.contains(&parent), "the pack prints {parent}");
    assert!(pack.contains("q3.xlsx"));
    assert!(
        pack.contains("q3.xlsx: Controls!C2: domain: \"IAM\" read as"),
        "the warning is listed, its file by name: {pack}"
    );
}

#[test]
fn a_control_evidenced_once_for_every_service_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    // Five services; IAM-1's one evidence row names no service, so it serves all five.
    let mut book = large_company(5, 1);
    let evidence = book
        .sheets
        .iter_mut()
        .find(|s| s.name == "Evidence")
        .unwrap();
    evidence.rows[0][1] = Cell::Blank;
    evidence.rows[0][2] = Cell::Text("Quarterly access review export".into());
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    assert!(pack.contains("all 5 services"), "{pack}");
    assert_eq!(pack.matches("Quarterly access review export").count(), 1);
}

/// Past its bounds the pack lists the worst services and shares its finding lines out
/// between them, says what it left out, and never links to a service it does not list.
#[test]
fn past_its_bounds_the_pack_shares_its_lines_and_counts_the_rest() {
    use demarc::render::views::auditor::{self, MAX_LISTED_FINDINGS, MAX_LISTED_SERVICES};
    let dir = tempfile::tempdir().unwrap();
    // 450 services x 20 controls: 8,980 findings of one code, one part per service.
    let path = large_company(450, 20).write(dir.path(), "company.xlsx");
    let run = support::run_of(&[path], "2026-Q3", None);
    let analysis = demarc::analyse(&run).unwrap();
    let rec = &analysis.reconciliation;
    let files = vec![
        demarc::inputs::evidence_files::FileStatus::NotChecked;
        analysis.inputs.evidence.len()
    ];
    let pack = auditor::auditor_pack(
        &run,
        &analysis.inputs,
        rec,
        &files,
        demarc::render::EvidenceListing::Auto,
    );
    assert!(
        rec.findings.len() > MAX_LISTED_FINDINGS,
        "{}",
        rec.findings.len()
    );

    assert_eq!(pack.services.len(), MAX_LISTED_SERVICES);
    assert!(
        pack.services_omitted.contains("With 450 services")
            && pack.services_omitted.contains("other 50"),
        "{}",
        pack.services_omitted
    );
    // Lines and part headings within the bound; every service of the code has its lines;
    // every finding is counted in its part.
    let parts: Vec<_> = pack
        .findings
        .iter()
        .flat_map(|s| &s.codes)
        .flat_map(|c| &c.parts)
        .collect();
    let lines: usize = parts.iter().map(|p| p.lines.len()).sum();
    assert!(lines + parts.len() <= MAX_LISTED_FINDINGS, "{lines} lines");
    let missing = pack
        .findings
        .iter()
        .flat_map(|s| &s.codes)
        .find(|c| c.code == "EVIDENCE_MISSING")
        .expect("missing evidence findings");
    assert!(missing.parts.len() >= 449, "{} parts", missing.parts.len());
    assert!(missing.parts.iter().all(|p| !p.lines.is_empty()));
    assert_eq!(
        missing.parts.iter().map(|p| p.count).sum::<usize>(),
        missing.count
    );
    assert!(pack.findings_omitted.contains("are counted here"));
    // No line links to a service or control the pack does not list.
    let listed: std::collections::HashSet<&str> =
        pack.services.iter().map(|s| s.anchor.as_str()).collect();
    assert!(parts
        .iter()
        .all(|p| p.service_anchor.is_empty() || listed.contains(p.service_anchor.as_str())));
    let linked = parts
        .iter()
        .filter(|p| !p.service_anchor.is_empty())
        .count();
    assert!(
        linked > 0 && linked < parts.len(),
        "{linked} of {}",
        parts.len()
    );
}

/// Evidence both stale and failed is two findings (EVIDENCE_STALE, CONTROL_INEFFECTIVE):
/// the control's line counts both, so it ties out to the findings listed under it.
#[test]
fn a_control_line_counts_stale_evidence_that_also_failed() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = small_company();
    let evidence = book
        .sheets
        .iter_mut()
        .find(|s| s.name == "Evidence")
        .unwrap();
    let at = |title: &str| evidence.header.iter().position(|h| h == title).unwrap();
    let (collected, result) = (at("collected_on"), at("result"));
    let iam = evidence
        .rows
        .iter_mut()
        .find(|r| matches!(&r[0], Cell::Text(id) if id == "IAM-1"))
        .unwrap();
    iam[collected] = d(2026, 3, 2).into();
    iam[result] = Cell::from("Ineffective");
    // The compact listing counts each control's services by state.
    let (_, out) = report_q3(dir.path(), &book, &["--evidence-listing", "compact"]);
    let findings = read_json(&out.join("2026-Q3/findings.json"));
    let codes: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["control_id"] == "IAM-1")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"EVIDENCE_STALE") && codes.contains(&"CONTROL_INEFFECTIVE"),
        "{codes:?}"
    );
    let pack = support::pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    assert!(
        pack.contains("1 stale (1 of them also Ineffective or not tested)"),
        "{pack}"
    );
}

#[test]
fn many_services_take_a_row_each_of_two_lines_not_a_page_each_few() {
    // 120 services with names as long as real ones: their one-row-each table is a reference
    // an auditor pages through, so its rows stay two lines (name; provider and data)
    // rather than wrapping the name in a narrow column beside wide domain columns.
    let dir = tempfile::tempdir().unwrap();
    let book = large_company_named("Amazon Elastic Kubernetes service", 120, 3);
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let pages = support::pdf_pages(&out.join("2026-Q3/auditor-pack.pdf"));
    let section = section_pages(
        &pages,
        "Services and responsibility cells",
        "Data residency",
    );
    assert!(section <= 4, "120 services take {section} pages");
    // The key names the short marks (no cell here is medium: its MED is the key's).
    let first = pages
        .iter()
        .skip(1)
        .find(|p| p.contains("Services and responsibility cells"))
        .unwrap();
    assert!(
        first.contains("CRIT") && first.contains("MED"),
        "no key for the short marks"
    );
}

#[test]
fn the_compact_control_listing_flows_on_from_domain_to_domain() {
    // 90 services x 40 controls in four domains: the compact listing, each domain under its
    // heading. A domain used to start a page of its own, leaving the page before it mostly
    // blank.
    let dir = tempfile::tempdir().unwrap();
    let domains = [
        "Identity and access management",
        "Application-level controls",
        "Data classification and accountability",
        "Client and endpoint protection",
    ];
    let controls = (1..=40)
        .map(|i| {
            row(&[
                &format!("CTL-{i:03}"),
                &format!("Control {i}"),
                domains[i % 4],
                "quarterly",
                "*",
            ])
        })
        .collect();
    let book = large_company(90, 40).with_rows("Controls", controls);
    let (_, out) = report_q3(dir.path(), &book, &[]);
    let pages = support::pdf_pages(&out.join("2026-Q3/auditor-pack.pdf"));
    let pack = pages.join("\n");
    assert!(pack.contains("Compact listing"), "not the compact listing");
    // 40 controls at about 20 a page: the section's pages are few, not one per domain
    // plus a heading page.
    let section = section_pages(&pages, "Controls and evidence", "Attestation register");
    assert!(
        section <= 3,
        "40 controls in four domains take {section} pages"
    );
}
