//! Generates the bundled sample workbook `samples/northwind.xlsx`.
//!
//! Run from the crate root:
//!
//! ```text
//! cargo run --example make_samples
//! ```
//!
//! "Northwind Health" is a fictional health-tech company. Its compliance team
//! keeps six sheets (Services, Controls, Evidence, Attestations, CUECs, Vendors) for
//! the reporting period 2026-Q3 (2026-07-01 .. 2026-09-30). The data is mostly
//! healthy, with exactly one deliberate instance of every finding code planted
//! in it: see `samples/README.md` for the list, the rows and the expected
//! severities. Every planted gap is marked `PLANT` in this file.
//!
//! The output is byte-identical on every run: the document creation date is
//! fixed and nothing depends on the clock, the environment or hash ordering.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

const OUTPUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/northwind.xlsx");

// The seven domains of the default responsibility model, as PRODUCT.md writes them.
const DATA: &str = "Data classification and accountability";
const ENDPOINT: &str = "Client and endpoint protection";
const IAM: &str = "Identity and access management";
const APP: &str = "Application-level controls";
const NETWORK: &str = "Network controls";
const HOST: &str = "Host infrastructure";
const PHYSICAL: &str = "Physical security";

// ---------------------------------------------------------------------------
// Cells and a generic table writer
// ---------------------------------------------------------------------------

/// One spreadsheet cell.
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A real Excel date (year, month, day), shown as yyyy-mm-dd.
    Date(Date),
}

/// Text cell; an empty string leaves the cell blank.
fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

type Date = (u16, u8, u8);

/// ISO-8601 text for a date, as the Attestations sheet keeps them.
fn iso((y, m, d): Date) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

struct Formats {
    header: Format,
    banner: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            banner: Format::new().set_bold().set_font_size(14),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// Writes a header row at `header_row` (0-based) and the data rows below it,
/// then sets column widths and freezes the panes under the header.
fn write_table(
    sheet: &mut Worksheet,
    formats: &Formats,
    header_row: u32,
    columns: &[(&str, f64)],
    rows: Vec<Vec<Cell>>,
) -> Result<(), XlsxError> {
    for (col, (name, width)) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(header_row, col, *name, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.len(),
            columns.len(),
            "row {i} has the wrong number of cells"
        );
        let r = header_row + 1 + i as u32;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(r, col, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, col, *n)?;
                }
                Cell::Date((y, m, d)) => {
                    let date = ExcelDateTime::from_ymd(*y, *m, *d)?;
                    sheet.write_date_with_format(r, col, &date, &formats.date)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------

/// service, provider, service_model, data_classes, owner, in_scope, regions
///
/// Providers are the vendor names used on the Attestations and CUECs sheets.
/// Two rows use the long service-model names, which the tool also accepts.
#[rustfmt::skip]
const SERVICES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("Amazon EC2", "AWS", "IaaS", "PHI; PII", "Platform Engineering", "yes", "us-east-1; us-west-2"),
    // PLANT RESIDENCY_VIOLATION: a replication bucket in Ireland (eu-west-1) for the
    // EU support desk also receives PHI; samples/demarc.toml allows PHI only in the US.
    ("Amazon S3", "AWS", "PaaS", "PHI; PII; Confidential", "Platform Engineering", "yes", "us-east-1; us-west-2; eu-west-1"),
    ("Amazon RDS", "AWS", "PaaS", "PHI; PII", "Platform Engineering", "yes", "us-east-1"),
    ("AWS Lambda", "AWS", "Platform as a Service", "PHI", "Platform Engineering", "yes", "us-east-1"),
    // Out of scope: a retired virtual-desktop pilot. It must raise nothing.
    ("Amazon WorkSpaces", "AWS", "SaaS", "Confidential", "IT Operations", "no", "us-east-1"),
    ("Azure Virtual Machines", "Microsoft Azure", "IaaS", "Confidential; IP", "Data Science", "yes", "eastus2"),
    ("Google BigQuery", "Google Cloud", "PaaS", "Confidential; IP", "Analytics", "yes", "us-central1"),
    ("Microsoft 365", "Microsoft", "SaaS", "PII; Confidential", "IT Operations", "yes", "US"),
    ("Salesforce Health Cloud", "Salesforce", "Software as a Service", "PHI; PII", "Patient Success", "yes", "US"),
    ("Okta Workforce Identity", "Okta", "SaaS", "PII", "Security Engineering", "yes", "US"),
    ("Jira Software Cloud", "Atlassian", "SaaS", "Confidential; IP", "Engineering", "yes", "US, EU"),
    ("Confluence Cloud", "Atlassian", "SaaS", "Confidential; IP", "Engineering", "yes", "US, EU"),
    ("GitHub Enterprise Cloud", "GitHub", "SaaS", "IP; Confidential", "Engineering", "yes", "US"),
    ("Datadog", "Datadog", "SaaS", "Confidential", "Site Reliability", "yes", "US"),
    // PLANT ATTESTATION_MISSING: a fictional AI scribe start-up with no
    // attestation on file (no row on the Attestations sheet).
    // PLANT RESIDENCY_UNKNOWN: nor has it said where it hosts the PHI it holds
    // (the regions cell is blank).
    ("Scribewell Ambient Notes", "Scribewell", "SaaS", "PHI; PII", "Clinical Operations", "yes", ""),
    // The company's own server room in Portland: every cell is the customer's. A
    // site that is no cloud region is written as its country's group.
    ("Patient Records Archive", "Northwind Health", "On-prem", "PHI; PII", "IT Operations", "yes", "US"),
];

fn services_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    let columns = [
        ("service", 26.0),
        ("provider", 18.0),
        ("service_model", 22.0),
        ("data_classes", 24.0),
        ("owner", 22.0),
        ("in_scope", 9.0),
        ("regions", 22.0),
    ];
    let rows = SERVICES
        .iter()
        .map(|s| {
            vec![
                text(s.0),
                text(s.1),
                text(s.2),
                text(s.3),
                text(s.4),
                text(s.5),
                text(s.6),
            ]
        })
        .collect();
    write_table(sheet, formats, 0, &columns, rows)
}

// ---------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------

/// How the evidence of a control is logged on the Evidence sheet.
#[derive(Clone, Copy, PartialEq)]
enum Logged {
    /// One row per collection, `service` left blank (= every service).
    Blank,
    /// One row per collection, `service` = `*`.
    Star,
    /// One row per collection and per service named in `applies_to`.
    PerService,
    /// Never collected.
    Never,
}

struct Control {
    id: &'static str,
    title: &'static str,
    domain: &'static str,
    frameworks: &'static str,
    owner: &'static str,
    frequency: &'static str,
    applies_to: &'static str,
    /// Description written on each evidence row.
    evidence: &'static str,
    logged: Logged,
}

#[allow(clippy::too_many_arguments)]
const fn control(
    id: &'static str,
    title: &'static str,
    domain: &'static str,
    frameworks: &'static str,
    owner: &'static str,
    frequency: &'static str,
    applies_to: &'static str,
    evidence: &'static str,
    logged: Logged,
) -> Control {
    Control {
        id,
        title,
        domain,
        frameworks,
        owner,
        frequency,
        applies_to,
        evidence,
        logged,
    }
}

use Logged::{Blank, Never, PerService, Star};

/// The control catalogue. Physical security has no control at all: the
/// Patient Records Archive (On-prem) leaves that customer cell unowned.
/// PLANT DOMAIN_UNOWNED.
#[rustfmt::skip]
const CONTROLS: &[Control] = &[
    // --- Data classification and accountability (customer in every model)
    control("DATA-01", "Data classification policy and data inventory review", DATA,
        "SOC2:CC3.2; ISO27001:A.5.12; NIST-800-53:RA-2; HIPAA:164.308(a)(1)", "Privacy Office", "annual", "*",
        "Signed data inventory review", Blank),
    control("DATA-02", "Data owner attestation for in-scope systems", DATA,
        "SOC2:CC1.3; ISO27001:A.5.9; NIST-800-53:PM-5", "Privacy Office", "semiannual", "*",
        "Data owner attestations", Blank),
    control("DATA-03", "Encryption at rest with customer-managed keys", DATA,
        "SOC2:CC6.1; ISO27001:A.8.24; NIST-800-53:SC-28; HIPAA:164.312(a)(2)(iv)", "Security Engineering", "quarterly", "*",
        "Encryption configuration report", Blank),
    control("DATA-04", "PHI data-flow register review", DATA,
        "SOC2:CC2.1; ISO27001:A.5.34; HIPAA:164.308(a)(1)(ii)(A)", "Privacy Office", "quarterly", "*",
        "PHI data-flow register sign-off", Blank),
    // PLANT CONTROL_NOT_TESTED: the newest test (2026-07) was not performed.
    control("DATA-05", "Microsoft 365 DLP policy test", DATA,
        "SOC2:CC6.7; ISO27001:A.8.12; NIST-800-53:SC-7(10)", "IT Operations", "quarterly", "Microsoft 365",
        "DLP test messages and policy match report", PerService),
    control("DATA-06", "Backup and restore test for PHI stores", DATA,
        "SOC2:A1.2; ISO27001:A.8.13; NIST-800-53:CP-9; HIPAA:164.308(a)(7)", "Platform Engineering", "quarterly",
        "Amazon S3; Amazon RDS; Patient Records Archive",
        "Restore test record", PerService),
    control("DATA-07", "Salesforce Shield Platform Encryption configuration review", DATA,
        "SOC2:CC6.1; ISO27001:A.8.24; HIPAA:164.312(a)(2)(iv)", "Patient Success", "quarterly", "Salesforce Health Cloud",
        "Shield encryption policy export", PerService),
    control("DATA-08", "Data retention and secure disposal", DATA,
        "SOC2:C1.2; ISO27001:A.8.10; NIST-800-53:MP-6; HIPAA:164.310(d)(2)", "Privacy Office", "annual", "*",
        "Retention schedule review and disposal log", Blank),
    // --- Client and endpoint protection
    control("END-01", "EDR agent deployed and healthy on all managed endpoints", ENDPOINT,
        "SOC2:CC6.8; ISO27001:A.8.7; NIST-800-53:SI-3", "IT Operations", "monthly", "*",
        "EDR coverage dashboard export", Blank),
    control("END-02", "Full-disk encryption on laptops", ENDPOINT,
        "SOC2:CC6.7; ISO27001:A.8.1; NIST-800-53:SC-28; HIPAA:164.312(a)(2)(iv)", "IT Operations", "monthly", "*",
        "MDM encryption compliance report", Blank),
    control("END-03", "Mobile device management for devices reaching SaaS", ENDPOINT,
        "SOC2:CC6.8; ISO27001:A.8.1; NIST-800-53:AC-19", "IT Operations", "quarterly", "*",
        "Conditional access device compliance report", Star),
    control("END-04", "Endpoint OS patch compliance", ENDPOINT,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:SI-2", "IT Operations", "monthly", "*",
        "Endpoint patch compliance report", Blank),
    control("END-05", "Removable media blocked on managed endpoints", ENDPOINT,
        "SOC2:CC6.7; ISO27001:A.7.10; NIST-800-53:MP-7", "IT Operations", "quarterly", "*",
        "Device control policy export", Blank),
    // --- Identity and access management
    control("IAM-01", "MFA enforced for all workforce access", IAM,
        "SOC2:CC6.1; ISO27001:A.8.5; NIST-800-53:IA-2; HIPAA:164.312(d)", "Security Engineering", "monthly", "*",
        "Okta MFA policy and enrolment report", Blank),
    control("IAM-02", "Quarterly user access review", IAM,
        "SOC2:CC6.2; ISO27001:A.5.18; NIST-800-53:AC-2", "Security Engineering", "quarterly", "*",
        "Signed access review workbook", Blank),
    control("IAM-03", "Joiner-mover-leaver provisioning", IAM,
        "SOC2:CC6.2; ISO27001:A.5.16; NIST-800-53:AC-2; HIPAA:164.308(a)(3)", "People Operations", "monthly", "*",
        "HR-to-Okta reconciliation report", Blank),
    control("IAM-04", "Privileged access via break-glass and PAM", IAM,
        "SOC2:CC6.3; ISO27001:A.8.2; NIST-800-53:AC-6", "Security Engineering", "quarterly", "*",
        "PAM session and break-glass log review", Blank),
    control("IAM-05", "AWS root account and access key hygiene", IAM,
        "SOC2:CC6.1; ISO27001:A.8.2; NIST-800-53:AC-2(1); CIS-AWS:1.4", "Platform Engineering", "monthly",
        "Amazon EC2; Amazon S3; Amazon RDS; AWS Lambda",
        "IAM credential report", Blank),
    // PLANT EVIDENCE_STALE: collection stops in July (and a late September
    // review lands on 2026-10-02, after the period end). Also makes
    // OKTA-CUEC-02, mapped to it, CUEC_UNEVIDENCED.
    control("IAM-06", "Okta administrator role review", IAM,
        "SOC2:CC6.3; ISO27001:A.8.2; NIST-800-53:AC-6(7)", "Security Engineering", "monthly", "Okta Workforce Identity",
        "Okta admin role assignment export, reviewed", PerService),
    control("IAM-07", "GitHub organisation membership and SSO enforcement review", IAM,
        "SOC2:CC6.2; ISO27001:A.5.18; NIST-800-53:AC-2(3)", "Engineering", "quarterly", "GitHub Enterprise Cloud",
        "GitHub org member list with SAML identities", PerService),
    control("IAM-08", "Service account and API key rotation", IAM,
        "SOC2:CC6.1; ISO27001:A.5.17; NIST-800-53:IA-5(1)", "Security Engineering", "quarterly", "*",
        "Secrets manager rotation report", Blank),
    control("IAM-09", "Datadog API and application key review", IAM,
        "SOC2:CC6.1; ISO27001:A.5.17; NIST-800-53:IA-5", "Site Reliability", "quarterly", "Datadog",
        "Datadog key inventory with owners", PerService),
    // --- Application-level controls
    control("APP-01", "Change management approvals", APP,
        "SOC2:CC8.1; ISO27001:A.8.32; NIST-800-53:CM-3", "Engineering", "monthly", "*",
        "Sample of approved change tickets", Blank),
    control("APP-02", "Security event monitoring and alert triage", APP,
        "SOC2:CC7.2; ISO27001:A.8.16; NIST-800-53:SI-4; HIPAA:164.308(a)(1)(ii)(D)", "Security Operations", "continuous", "*",
        "SIEM alert triage metrics", Blank),
    control("APP-03", "Code review and branch protection", APP,
        "SOC2:CC8.1; ISO27001:A.8.28; NIST-800-53:SA-11", "Engineering", "quarterly", "GitHub Enterprise Cloud",
        "Branch protection settings export", PerService),
    control("APP-04", "Application vulnerability scanning (SAST and DAST)", APP,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:RA-5", "Security Engineering", "monthly",
        "Amazon EC2; AWS Lambda; Azure Virtual Machines",
        "Scanner findings summary", PerService),
    control("APP-05", "Salesforce sharing rules and field-level security review", APP,
        "SOC2:CC6.1; ISO27001:A.8.3; HIPAA:164.312(a)(1)", "Patient Success", "quarterly", "Salesforce Health Cloud",
        "Sharing settings and FLS export, reviewed", PerService),
    // PLANT EVIDENCE_MISSING: never collected.
    control("APP-06", "Confluence space permission review", APP,
        "SOC2:CC6.3; ISO27001:A.8.3", "Engineering", "quarterly", "Confluence Cloud",
        "Confluence space permission export", Never),
    // PLANT DUPLICATE_ROW: two conflicting rows for 2026-04 (see EXTRA_ROWS).
    control("APP-07", "Jira project permission review", APP,
        "SOC2:CC6.3; ISO27001:A.8.3", "Engineering", "quarterly", "Jira Software Cloud",
        "Jira permission scheme export", PerService),
    control("APP-08", "SaaS security configuration baseline review", APP,
        "SOC2:CC7.1; ISO27001:A.8.9; NIST-800-53:CM-6", "Security Engineering", "quarterly", "*",
        "SSPM posture report", Blank),
    control("APP-09", "Audit logging enabled and retained for six years", APP,
        "SOC2:CC7.2; ISO27001:A.8.15; NIST-800-53:AU-11; HIPAA:164.316(b)(2)", "Security Operations", "quarterly", "*",
        "Log source inventory and retention settings", Star),
    // --- Network controls (customer On-prem, shared IaaS)
    control("NET-01", "Security group and network ACL review", NETWORK,
        "SOC2:CC6.6; ISO27001:A.8.20; NIST-800-53:SC-7; CIS-AWS:5.2", "Platform Engineering", "monthly",
        "Amazon EC2; Azure Virtual Machines",
        "Security group diff, reviewed", PerService),
    control("NET-02", "VPC and NSG flow logs enabled", NETWORK,
        "SOC2:CC7.2; ISO27001:A.8.16; NIST-800-53:AU-12", "Platform Engineering", "quarterly",
        "Amazon EC2; Azure Virtual Machines",
        "Flow log configuration report", Blank),
    control("NET-03", "Perimeter firewall rule review", NETWORK,
        "SOC2:CC6.6; ISO27001:A.8.20; NIST-800-53:SC-7", "IT Operations", "quarterly", "Patient Records Archive",
        "Firewall rule base review", PerService),
    control("NET-04", "Network intrusion detection monitoring", NETWORK,
        "SOC2:CC7.2; ISO27001:A.8.16; NIST-800-53:SI-4", "Security Operations", "continuous",
        "Amazon EC2; Azure Virtual Machines; Patient Records Archive",
        "IDS alert review", Star),
    // --- Host infrastructure (customer On-prem, shared IaaS)
    control("HOST-01", "CIS-hardened machine images", HOST,
        "SOC2:CC7.1; ISO27001:A.8.9; NIST-800-53:CM-2", "Platform Engineering", "quarterly",
        "Amazon EC2; Azure Virtual Machines",
        "Image pipeline CIS benchmark report", Blank),
    // PLANT CONTROL_INEFFECTIVE: the 2026-09 result is Ineffective.
    control("HOST-02", "EC2 operating system patching within SLA", HOST,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:SI-2; HIPAA:164.308(a)(5)(ii)(B)", "Platform Engineering", "monthly",
        "Amazon EC2",
        "Patch compliance report", PerService),
    control("HOST-03", "Azure VM guest OS patching within SLA", HOST,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:SI-2", "Data Science", "monthly", "Azure Virtual Machines",
        "Update Manager compliance report", PerService),
    control("HOST-04", "Archive server patching and hardening", HOST,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:SI-2; HIPAA:164.308(a)(5)(ii)(B)", "IT Operations", "monthly",
        "Patient Records Archive",
        "WSUS compliance report", PerService),
    control("HOST-05", "Host vulnerability scanning", HOST,
        "SOC2:CC7.1; ISO27001:A.8.8; NIST-800-53:RA-5", "Security Engineering", "monthly",
        "Amazon EC2; Azure Virtual Machines; Patient Records Archive",
        "Host scan summary", PerService),
    control("HOST-06", "Malware protection on servers", HOST,
        "SOC2:CC6.8; ISO27001:A.8.7; NIST-800-53:SI-3", "Security Operations", "quarterly",
        "Amazon EC2; Azure Virtual Machines; Patient Records Archive",
        "Server anti-malware coverage report", Blank),
];

fn controls_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    let columns = [
        ("control_id", 11.0),
        ("title", 52.0),
        ("domain", 36.0),
        ("frameworks", 60.0),
        ("owner", 22.0),
        ("frequency", 12.0),
        ("applies_to", 50.0),
    ];
    // PLANT DOMAIN_UNOWNED: nobody owns physical security.
    assert!(CONTROLS.iter().all(|c| c.domain != PHYSICAL));
    let rows = CONTROLS
        .iter()
        .map(|c| {
            vec![
                text(c.id),
                text(c.title),
                text(c.domain),
                text(c.frameworks),
                text(c.owner),
                text(c.frequency),
                text(c.applies_to),
            ]
        })
        .collect();
    write_table(sheet, formats, 0, &columns, rows)
}

// ---------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------

struct Evidence {
    control_id: String,
    service: String,
    evidence: String,
    evidence_file: String,
    collected_on: Date,
    result: &'static str,
    tester: &'static str,
    notes: String,
}

const TESTERS: &[&str] = &[
    "A. Okafor",
    "M. Lindqvist",
    "P. Raman",
    "J. Alvarez",
    "S. Kowalczyk",
];

/// The months (year, month) a control is collected in, from 2025-10 to 2026-09.
fn schedule(frequency: &str) -> Vec<(u16, u8)> {
    let all: Vec<(u16, u8)> = (0..12u8)
        .map(|i| if i < 3 { (2025, 10 + i) } else { (2026, i - 2) })
        .collect();
    let pick = |months: &[u8]| {
        all.iter()
            .copied()
            .filter(|(_, m)| months.contains(m))
            .collect()
    };
    match frequency {
        "continuous" | "monthly" => all.clone(),
        "quarterly" => pick(&[10, 1, 4, 7]),
        "semiannual" => pick(&[10, 4]),
        "annual" => pick(&[3]),
        other => panic!("unknown frequency {other}"),
    }
}

/// Older results that were not Effective: realistic history, never the newest
/// row of their control, so they raise nothing for 2026-Q3.
#[rustfmt::skip]
const EARLIER_ISSUES: &[(&str, (u16, u8), &str, &str)] = &[
    ("END-04", (2026, 2), "Partially effective", "91% of endpoints patched against a 95% target; remediated in March"),
    ("IAM-02", (2026, 1), "Exception", "Two leavers still active in Jira at review time; removed 2026-01-23"),
    ("NET-01", (2025, 12), "Partially effective", "One security group open to 0.0.0.0/0 on port 22; closed the same day"),
    ("APP-02", (2026, 5), "Partially effective", "Alert triage SLA missed for 3 of 212 high alerts"),
];

/// Results for particular collections that differ from "Effective".
#[rustfmt::skip]
const PLANTED_RESULTS: &[(&str, (u16, u8), &str, &str)] = &[
    // PLANT CONTROL_INEFFECTIVE (HOST-02 on Amazon EC2).
    ("HOST-02", (2026, 8), "Partially effective", "Patch compliance 89% against a 95% SLA"),
    ("HOST-02", (2026, 9), "Ineffective", "Patch compliance 78% against a 95% SLA; 41 instances on an unsupported AMI"),
    // PLANT CONTROL_NOT_TESTED (DATA-05 on Microsoft 365).
    ("DATA-05", (2026, 7), "Not tested", "Test deferred: DLP policies being migrated to Purview"),
];

/// Extra rows that are not part of a control's regular schedule:
/// (control_id, service, date, result, notes). A day of 0 stands for the
/// control's regular collection day.
#[rustfmt::skip]
const EXTRA_ROWS: &[(&str, &str, Date, &str, &str)] = &[
    // PLANT DUPLICATE_ROW: a second row for APP-07 / Jira on the same day as
    // the regular 2026-04 row, with a conflicting result.
    ("APP-07", "Jira Software Cloud", (2026, 4, 0), "Partially effective", "Re-entered from the Q2 tracker"),
    // PLANT UNKNOWN_REFERENCE: BCP-01 was retired from the catalogue.
    ("BCP-01", "", (2026, 8, 14), "Effective", "Business continuity tabletop exercise"),
    // Part of PLANT EVIDENCE_STALE: the September Okta admin review was done
    // late, after the period end, so it does not count for 2026-Q3.
    ("IAM-06", "Okta Workforce Identity", (2026, 10, 2), "Effective", "September review performed late"),
];

/// PLANT EVIDENCE_STALE: IAM-06 is not collected after this month.
const IAM06_LAST_MONTH: (u16, u8) = (2026, 7);

/// Day of the month on which control number `index` is collected (3..=25).
fn collection_day(index: usize) -> u8 {
    3 + ((index * 5) % 23) as u8
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn evidence_row(
    c: &Control,
    index: usize,
    service: &str,
    date: Date,
    result: &'static str,
    notes: &str,
) -> Evidence {
    let (y, m, _) = date;
    let file = if service.is_empty() || service == "*" {
        format!("{y:04}-{m:02}/{}.pdf", c.id.to_lowercase())
    } else {
        format!(
            "{y:04}-{m:02}/{}-{}.pdf",
            c.id.to_lowercase(),
            slug(service)
        )
    };
    Evidence {
        control_id: c.id.to_string(),
        service: service.to_string(),
        evidence: c.evidence.to_string(),
        evidence_file: file,
        collected_on: date,
        result,
        tester: TESTERS[(index + m as usize) % TESTERS.len()],
        notes: notes.to_string(),
    }
}

/// Every evidence row, in chronological order (ties keep catalogue order).
fn evidence_rows() -> Vec<Evidence> {
    let mut rows = Vec::new();
    for (index, c) in CONTROLS.iter().enumerate() {
        let day = collection_day(index);
        for (y, m) in schedule(c.frequency) {
            if c.id == "IAM-06" && (y, m) > IAM06_LAST_MONTH {
                continue;
            }
            let (result, notes) = EARLIER_ISSUES
                .iter()
                .chain(PLANTED_RESULTS)
                .find(|(id, month, _, _)| *id == c.id && *month == (y, m))
                .map(|(_, _, result, notes)| (*result, *notes))
                .unwrap_or(("Effective", ""));
            let services: Vec<&str> = match c.logged {
                Never => vec![],
                Blank => vec![""],
                Star => vec!["*"],
                PerService => c.applies_to.split(';').map(str::trim).collect(),
            };
            for service in services {
                rows.push(evidence_row(c, index, service, (y, m, day), result, notes));
            }
        }
    }
    for &(id, service, (y, m, d), result, notes) in EXTRA_ROWS {
        match CONTROLS.iter().position(|c| c.id == id) {
            Some(index) => {
                // Day 0 means "the control's regular collection day".
                let d = if d == 0 { collection_day(index) } else { d };
                rows.push(evidence_row(
                    &CONTROLS[index],
                    index,
                    service,
                    (y, m, d),
                    result,
                    notes,
                ));
            }
            None => rows.push(Evidence {
                control_id: id.to_string(),
                service: service.to_string(),
                evidence: "Tabletop exercise report".to_string(),
                evidence_file: format!("{y:04}-{m:02}/{}.pdf", id.to_lowercase()),
                collected_on: (y, m, d),
                result,
                tester: TESTERS[0],
                notes: notes.to_string(),
            }),
        }
    }
    // A stable sort keeps the regular row above its planted duplicate.
    rows.sort_by_key(|e| e.collected_on);
    rows
}

/// The Evidence sheet sits under a title banner and a blank row.
fn evidence_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    sheet.write_string_with_format(
        0,
        0,
        "Northwind Health — control evidence log",
        &formats.banner,
    )?;
    let columns = [
        ("control_id", 11.0),
        ("service", 26.0),
        ("evidence", 44.0),
        ("evidence_file", 50.0),
        ("collected_on", 13.0),
        ("result", 19.0),
        ("tester", 14.0),
        ("notes", 60.0),
    ];
    let rows = evidence_rows()
        .into_iter()
        .map(|e| {
            vec![
                text(&e.control_id),
                text(&e.service),
                text(&e.evidence),
                text(&e.evidence_file),
                Cell::Date(e.collected_on),
                text(e.result),
                text(e.tester),
                text(&e.notes),
            ]
        })
        .collect();
    write_table(sheet, formats, 2, &columns, rows)
}

// ---------------------------------------------------------------------------
// Attestations
// ---------------------------------------------------------------------------

/// All attestation details are invented, auditors included.
struct Attestation {
    vendor: &'static str,
    services: &'static str,
    kind: &'static str,
    period_start: Option<Date>,
    period_end: Option<Date>,
    issued_on: Option<Date>,
    expires_on: Option<Date>,
    auditor: &'static str,
    opinion: &'static str,
    exceptions: u32,
    exception_notes: &'static str,
    bridge_letter_through: Option<Date>,
    domains: &'static str,
    report_file: &'static str,
    /// The subservice organisations the report names, and whether it carves them out.
    subservice_orgs: &'static str,
    carve_out: &'static str,
    /// An extra column the tool must keep and ignore.
    reviewer_comment: &'static str,
}

const BLANK: Attestation = Attestation {
    vendor: "",
    services: "*",
    kind: "",
    period_start: None,
    period_end: None,
    issued_on: None,
    expires_on: None,
    auditor: "",
    opinion: "",
    exceptions: 0,
    exception_notes: "",
    bridge_letter_through: None,
    domains: "*",
    report_file: "",
    subservice_orgs: "",
    carve_out: "",
    reviewer_comment: "",
};

/// A SOC 2 Type II report with an unqualified opinion and no exceptions.
const SOC2: Attestation = Attestation {
    kind: "SOC 2 Type II",
    opinion: "Unqualified",
    ..BLANK
};

/// Domains of a SOC 2 report whose physical security is carved out to a
/// sub-service organisation (the vendor's own hosting provider).
#[rustfmt::skip]
const CARVE_OUT_PHYSICAL: &str =
    "Client and endpoint protection; Identity and access management; Application-level controls; Network controls; Host infrastructure";

const ATTESTATIONS: &[Attestation] = &[
    // PLANT ATTESTATION_EXCEPTIONS: the current AWS SOC 2 notes two exceptions.
    Attestation {
        vendor: "AWS",
        period_start: Some((2025, 7, 1)),
        period_end: Some((2026, 6, 30)),
        issued_on: Some((2026, 8, 14)),
        auditor: "Harbor & Vale LLP",
        exceptions: 2,
        exception_notes:
            "CC6.2: 2 of 60 sampled access provisioning tickets lacked manager approval",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/aws/soc2-type2-2026h1.pdf",
        ..SOC2
    },
    Attestation {
        vendor: "AWS",
        kind: "ISO 27001",
        issued_on: Some((2025, 11, 20)),
        expires_on: Some((2028, 11, 19)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/aws/iso27001-certificate.pdf",
        ..BLANK
    },
    Attestation {
        vendor: "Microsoft Azure",
        period_start: Some((2025, 4, 1)),
        period_end: Some((2026, 3, 31)),
        issued_on: Some((2026, 5, 29)),
        auditor: "Meridian Audit Partners",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/azure/soc2-type2-fy26.pdf",
        ..SOC2
    },
    Attestation {
        vendor: "Microsoft Azure",
        kind: "ISO 27001",
        issued_on: Some((2025, 3, 10)),
        expires_on: Some((2028, 3, 9)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/azure/iso27001-certificate.pdf",
        ..BLANK
    },
    // Superseded by the next row (issued later): its qualified opinion and
    // exceptions must raise nothing.
    Attestation {
        vendor: "Google Cloud",
        period_start: Some((2024, 5, 1)),
        period_end: Some((2025, 4, 30)),
        issued_on: Some((2025, 6, 18)),
        auditor: "Harbor & Vale LLP",
        opinion: "Qualified",
        exceptions: 3,
        exception_notes: "CC7.2: log review evidence missing for three weeks",
        report_file: "attestations/gcp/soc2-type2-2025.pdf",
        reviewer_comment: "Superseded by the 2026 report",
        ..SOC2
    },
    Attestation {
        vendor: "Google Cloud",
        period_start: Some((2025, 5, 1)),
        period_end: Some((2026, 4, 30)),
        issued_on: Some((2026, 6, 20)),
        auditor: "Harbor & Vale LLP",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/gcp/soc2-type2-2026.pdf",
        reviewer_comment: "Prior-year qualification resolved",
        ..SOC2
    },
    Attestation {
        vendor: "Google Cloud",
        kind: "ISO 27017",
        issued_on: Some((2025, 2, 1)),
        expires_on: Some((2028, 1, 31)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/gcp/iso27017-certificate.pdf",
        ..BLANK
    },
    Attestation {
        vendor: "Google Cloud",
        kind: "CSA STAR",
        issued_on: Some((2025, 4, 1)),
        expires_on: Some((2027, 3, 31)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/gcp/csa-star-certificate.pdf",
        ..BLANK
    },
    Attestation {
        vendor: "Microsoft",
        period_start: Some((2025, 7, 1)),
        period_end: Some((2026, 6, 30)),
        issued_on: Some((2026, 8, 20)),
        auditor: "Meridian Audit Partners",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/microsoft/m365-soc2-type2-2026.pdf",
        ..SOC2
    },
    Attestation {
        vendor: "Microsoft",
        kind: "ISO 27018",
        issued_on: Some((2024, 12, 1)),
        expires_on: Some((2027, 11, 30)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/microsoft/iso27018-certificate.pdf",
        ..BLANK
    },
    // PLANT OPINION_MODIFIED: the current Salesforce SOC 2 is qualified.
    Attestation {
        vendor: "Salesforce",
        period_start: Some((2025, 8, 1)),
        period_end: Some((2026, 7, 31)),
        issued_on: Some((2026, 9, 10)),
        auditor: "Coastline Assurance LLP",
        opinion: "Qualified",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/salesforce/soc2-type2-2026.pdf",
        reviewer_comment:
            "Qualified: system description omitted the Health Cloud data-processing sub-service",
        ..SOC2
    },
    Attestation {
        vendor: "Salesforce",
        kind: "ISO 27001",
        issued_on: Some((2025, 6, 1)),
        expires_on: Some((2028, 5, 31)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/salesforce/iso27001-certificate.pdf",
        ..BLANK
    },
    Attestation {
        vendor: "Okta",
        period_start: Some((2025, 7, 1)),
        period_end: Some((2026, 6, 30)),
        issued_on: Some((2026, 8, 7)),
        auditor: "Coastline Assurance LLP",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/okta/soc2-type2-2026.pdf",
        ..SOC2
    },
    // PLANT ATTESTATION_EXPIRING: expires 2026-11-15, 46 days after the period end.
    Attestation {
        vendor: "Okta",
        kind: "ISO 27001",
        issued_on: Some((2023, 11, 16)),
        expires_on: Some((2026, 11, 15)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/okta/iso27001-certificate-2023.pdf",
        ..BLANK
    },
    // The renewal arrived after the quarter closed: it does not count by
    // default, only with `--as-of 2026-10-20` or later (which then clears
    // the ATTESTATION_EXPIRING above).
    Attestation {
        vendor: "Okta",
        kind: "ISO 27001",
        issued_on: Some((2026, 10, 20)),
        expires_on: Some((2029, 10, 19)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/okta/iso27001-certificate-2026.pdf",
        reviewer_comment: "Renewal received after quarter close",
        ..BLANK
    },
    Attestation {
        vendor: "Atlassian",
        period_start: Some((2025, 7, 1)),
        period_end: Some((2026, 6, 30)),
        issued_on: Some((2026, 8, 28)),
        auditor: "Meridian Audit Partners",
        bridge_letter_through: Some((2026, 12, 31)),
        report_file: "attestations/atlassian/soc2-type2-2026.pdf",
        ..SOC2
    },
    Attestation {
        vendor: "Atlassian",
        kind: "ISO 27001",
        issued_on: Some((2025, 9, 1)),
        expires_on: Some((2028, 8, 31)),
        auditor: "Kestrel Certification Ltd",
        report_file: "attestations/atlassian/iso27001-certificate.pdf",
        ..BLANK
    },
    // GitHub's SOC 2 carves physical security out; Northwind relied on the
    // ISO 27001 certificate for it, and that certificate has expired.
    Attestation {
        vendor: "GitHub",
        period_start: Some((2025, 4, 1)),
        period_end: Some((2026, 3, 31)),
        issued_on: Some((2026, 5, 20)),
        auditor: "Coastline Assurance LLP",
        bridge_letter_through: Some((2026, 12, 31)),
        domains: CARVE_OUT_PHYSICAL,
        report_file: "attestations/github/soc2-type2-fy26.pdf",
        // PLANT SUBSERVICE_UNATTESTED: the carved-out hosting provider has no
        // attestation of its own on the sheet.
        subservice_orgs: "Equinix",
        carve_out: "carve-out",
        reviewer_comment: "Physical security carved out to the hosting sub-service organisation",
        ..SOC2
    },
    // PLANT ATTESTATION_EXPIRED (this row) and ATTESTATION_GAP
    // (GitHub Enterprise Cloud / Physical security).
    Attestation {
        vendor: "GitHub",
        kind: "ISO 27001",
        issued_on: Some((2023, 9, 1)),
        expires_on: Some((2026, 8, 31)),
        auditor: "Kestrel Certification Ltd",
        domains: "Network controls; Host infrastructure; Physical security",
        report_file: "attestations/github/iso27001-certificate-2023.pdf",
        reviewer_comment: "Renewal requested 2026-09-02",
        ..BLANK
    },
    // PLANT ATTESTATION_SCOPE: Datadog's only report carves physical security
    // out, and nothing else covers it.
    Attestation {
        vendor: "Datadog",
        period_start: Some((2025, 7, 1)),
        period_end: Some((2026, 6, 30)),
        issued_on: Some((2026, 8, 25)),
        auditor: "Harbor & Vale LLP",
        bridge_letter_through: Some((2026, 12, 31)),
        domains: CARVE_OUT_PHYSICAL,
        report_file: "attestations/datadog/soc2-type2-2026.pdf",
        // Carved out too, but AWS and Google Cloud have attestations of their own:
        // nothing is raised.
        subservice_orgs: "AWS; Google Cloud",
        carve_out: "carve-out",
        reviewer_comment: "Physical security carved out to the hosting sub-service organisations",
        ..SOC2
    },
    Attestation {
        vendor: "Datadog",
        kind: "Penetration test",
        period_start: Some((2026, 3, 2)),
        period_end: Some((2026, 3, 27)),
        issued_on: Some((2026, 4, 15)),
        auditor: "Redline Security Testing",
        domains: "Application-level controls; Network controls",
        report_file: "attestations/datadog/pentest-2026q1-summary.pdf",
        ..BLANK
    },
];

fn attestations_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    let columns = [
        ("vendor", 16.0),
        ("services", 10.0),
        ("type", 17.0),
        ("period_start", 12.0),
        ("period_end", 12.0),
        ("issued_on", 12.0),
        ("expires_on", 12.0),
        ("auditor", 26.0),
        ("opinion", 12.0),
        ("exceptions", 10.0),
        ("exception_notes", 50.0),
        ("bridge_letter_through", 20.0),
        ("domains", 50.0),
        ("report_file", 46.0),
        ("subservice_orgs", 20.0),
        ("carve_out", 11.0),
        ("reviewer_comment", 60.0),
    ];
    // Dates on this sheet are ISO-8601 text, not Excel dates.
    let date = |d: Option<Date>| d.map(|d| Cell::Text(iso(d))).unwrap_or(Cell::Empty);
    let rows = ATTESTATIONS
        .iter()
        .map(|a| {
            vec![
                text(a.vendor),
                text(a.services),
                text(a.kind),
                date(a.period_start),
                date(a.period_end),
                date(a.issued_on),
                date(a.expires_on),
                text(a.auditor),
                text(a.opinion),
                Cell::Number(a.exceptions as f64),
                text(a.exception_notes),
                date(a.bridge_letter_through),
                text(a.domains),
                text(a.report_file),
                text(a.subservice_orgs),
                text(a.carve_out),
                text(a.reviewer_comment),
            ]
        })
        .collect();
    write_table(sheet, formats, 0, &columns, rows)
}

// ---------------------------------------------------------------------------
// CUECs
// ---------------------------------------------------------------------------

/// vendor, attestation, cuec_id, description, mapped_control
#[rustfmt::skip]
const CUECS: &[(&str, &str, &str, &str, &str)] = &[
    ("AWS", "SOC 2 Type II", "AWS-CUEC-01",
        "User entities manage IAM users, roles and MFA for their AWS accounts", "IAM-01"),
    ("AWS", "SOC 2 Type II", "AWS-CUEC-02",
        "User entities configure security groups and network ACLs for their resources", "NET-01"),
    ("AWS", "SOC 2 Type II", "AWS-CUEC-03",
        "User entities encrypt their data at rest and manage their KMS keys", "DATA-03"),
    ("Microsoft Azure", "SOC 2 Type II", "AZ-CUEC-01",
        "User entities review role-based access assignments to their subscriptions", "IAM-02"),
    ("Microsoft Azure", "SOC 2 Type II", "AZ-CUEC-02",
        "User entities patch the guest operating systems of their virtual machines", "HOST-03"),
    ("Salesforce", "SOC 2 Type II", "SF-CUEC-01",
        "User entities provision and deprovision their users in a timely manner", "IAM-03"),
    ("Salesforce", "SOC 2 Type II", "SF-CUEC-02",
        "User entities configure sharing rules and field-level security for sensitive objects", "APP-05"),
    ("Salesforce", "SOC 2 Type II", "SF-CUEC-03",
        "User entities enable platform encryption for fields holding regulated data", "DATA-07"),
    ("Okta", "SOC 2 Type II", "OKTA-CUEC-01",
        "User entities configure MFA and sign-on policies for their tenant", "IAM-01"),
    // PLANT CUEC_UNEVIDENCED: mapped to IAM-06, whose evidence is stale.
    ("Okta", "SOC 2 Type II", "OKTA-CUEC-02",
        "User entities periodically review administrator role assignments", "IAM-06"),
    ("Okta", "SOC 2 Type II", "OKTA-CUEC-03",
        "User entities monitor the system log for suspicious activity", "APP-02"),
    ("Atlassian", "SOC 2 Type II", "ATL-CUEC-01",
        "User entities review which users hold site and organisation admin rights", "IAM-02"),
    ("Atlassian", "SOC 2 Type II", "ATL-CUEC-02",
        "User entities configure product security settings to their requirements", "APP-08"),
    ("GitHub", "SOC 2 Type II", "GH-CUEC-01",
        "User entities enforce SAML SSO and two-factor authentication for members", "IAM-07"),
    ("GitHub", "SOC 2 Type II", "GH-CUEC-02",
        "User entities configure branch protection and required reviews", "APP-03"),
    ("Datadog", "SOC 2 Type II", "DD-CUEC-01",
        "User entities manage and rotate their API and application keys", "IAM-09"),
    // PLANT CUEC_UNMAPPED: no customer control was mapped.
    ("Datadog", "SOC 2 Type II", "DD-CUEC-02",
        "User entities scrub sensitive data from logs and traces before sending them", ""),
];

fn cuecs_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    let columns = [
        ("vendor", 16.0),
        ("attestation", 16.0),
        ("cuec_id", 14.0),
        ("description", 80.0),
        ("mapped_control", 15.0),
    ];
    let rows = CUECS
        .iter()
        .map(|c| vec![text(c.0), text(c.1), text(c.2), text(c.3), text(c.4)])
        .collect();
    write_table(sheet, formats, 0, &columns, rows)
}

// ---------------------------------------------------------------------------
// Vendors
// ---------------------------------------------------------------------------

/// A date on the Vendors sheet: a real Excel date, or text as some registers keep them.
#[derive(Clone, Copy)]
enum When {
    Unset,
    On(Date),
    Typed(&'static str),
}

impl When {
    fn cell(self) -> Cell {
        match self {
            When::Unset => Cell::Empty,
            When::On(date) => Cell::Date(date),
            When::Typed(text) => Cell::Text(text.to_string()),
        }
    }
}

use When::{On, Typed, Unset};

/// vendor, tier, contract_end, dpa_signed_on, baa_signed_on, next_review_due, reviewer.
/// Northwind Health itself (the On-prem archive) is no vendor and has no row.
#[rustfmt::skip]
const VENDORS: &[(&str, &str, When, When, When, When, &str)] = &[
    ("AWS", "critical", On((2028, 6, 30)), On((2023, 3, 1)), On((2023, 3, 1)), On((2027, 3, 31)), "J. Alvarez"),
    ("Microsoft Azure", "high", On((2027, 12, 31)), On((2024, 1, 10)), Unset, On((2027, 1, 31)), "J. Alvarez"),
    ("Google Cloud", "medium", Typed("31 Dec 2027"), Typed("2024-02-01"), Unset, Typed("2027-02-28"), "P. Raman"),
    // PLANT DPA_MISSING: Microsoft 365 holds PII, and no DPA with Microsoft is recorded.
    ("Microsoft", "high", On((2027, 6, 30)), Unset, Unset, On((2026, 12, 31)), "S. Kowalczyk"),
    // PLANT BAA_MISSING: Salesforce Health Cloud holds PHI, and the BAA is blank.
    ("Salesforce", "critical", On((2027, 9, 30)), On((2024, 9, 2)), Unset, On((2026, 11, 30)), "M. Lindqvist"),
    ("Okta", "critical", On((2027, 4, 30)), On((2024, 5, 6)), Unset, On((2027, 4, 30)), "A. Okafor"),
    // PLANT VENDOR_REVIEW_OVERDUE: Atlassian's review fell due in August.
    ("Atlassian", "medium", On((2027, 1, 31)), Unset, Unset, On((2026, 8, 31)), "P. Raman"),
    ("GitHub", "medium", On((2027, 5, 31)), Unset, Unset, On((2027, 5, 31)), "P. Raman"),
    ("Datadog", "low", On((2027, 2, 28)), Unset, Unset, On((2027, 2, 28)), "S. Kowalczyk"),
    // Scribewell signed both agreements before it was onboarded; it has no attestation.
    ("Scribewell", "high", On((2027, 3, 31)), On((2026, 3, 2)), On((2026, 3, 2)), On((2026, 12, 1)), "M. Lindqvist"),
];

fn vendors_sheet(sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
    let columns = [
        ("vendor", 16.0),
        ("tier", 9.0),
        ("contract_end", 13.0),
        ("dpa_signed_on", 14.0),
        ("baa_signed_on", 14.0),
        ("next_review_due", 16.0),
        ("reviewer", 16.0),
    ];
    let rows = VENDORS
        .iter()
        .map(|v| {
            vec![
                text(v.0),
                text(v.1),
                v.2.cell(),
                v.3.cell(),
                v.4.cell(),
                v.5.cell(),
                text(v.6),
            ]
        })
        .collect();
    write_table(sheet, formats, 0, &columns, rows)
}

// ---------------------------------------------------------------------------

fn main() -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    // Fixed document properties keep the file byte-identical between runs.
    let properties = DocProperties::new()
        .set_title("Northwind Health — compliance register 2026-Q3")
        .set_company("Northwind Health")
        .set_author("Northwind Health GRC")
        .set_comment("Sample data for demarc; generated by examples/make_samples.rs")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 10, 1)?);
    workbook.set_properties(&properties);

    let formats = Formats::new();
    services_sheet(workbook.add_worksheet().set_name("Services")?, &formats)?;
    controls_sheet(workbook.add_worksheet().set_name("Controls")?, &formats)?;
    evidence_sheet(workbook.add_worksheet().set_name("Evidence")?, &formats)?;
    attestations_sheet(workbook.add_worksheet().set_name("Attestations")?, &formats)?;
    cuecs_sheet(workbook.add_worksheet().set_name("CUECs")?, &formats)?;
    vendors_sheet(workbook.add_worksheet().set_name("Vendors")?, &formats)?;

    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
        .map_err(XlsxError::IoError)?;
    workbook.save(OUTPUT)?;
    println!("wrote {OUTPUT}");
    write_evidence_files().map_err(XlsxError::IoError)?;
    Ok(())
}

/// A few of the files the Evidence sheet names, under `samples/evidence/` (the sample's
/// evidence root: the sheet's paths are relative to it), so that a newcomer sees hashing,
/// `bundle` and `verify` at work. The rest of the sample's files are left out on purpose:
/// the reports list them as missing.
const EVIDENCE_FILES: [(&str, &str); 3] = [
    (
        "2026-09/iam-01.pdf",
        "IAM-01: MFA enforcement report, September 2026",
    ),
    (
        "2026-09/iam-03.pdf",
        "IAM-03: quarterly access review sign-off, Q3 2026",
    ),
    (
        "2026-09/net-04.pdf",
        "NET-04: firewall rule review, September 2026",
    ),
];

fn write_evidence_files() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/evidence");
    for (path, title) in EVIDENCE_FILES {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder"))?;
        std::fs::write(&path, one_page_pdf(title))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// A one-page PDF showing `title` (ASCII) in Helvetica: the smallest real document a PDF
/// viewer opens, with its cross-reference table's byte offsets computed as it is written.
fn one_page_pdf(title: &str) -> Vec<u8> {
    let text = title
        .replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)");
    let content = format!(
        "BT /F1 14 Tf 72 760 Td (Northwind Health - sample evidence) Tj 0 -24 Td ({text}) Tj ET"
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}
