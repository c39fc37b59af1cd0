//! Writes enterprise-scale inputs for benchmarks: a deterministic, seeded company at
//! `--scale` 0.1, 1 or 10, as one `.xlsx` workbook and as CSV files (one per sheet).
//!
//! ```sh
//! cargo run --release --example generate -- --scale 1 --out target/bench-data/scale-1
//! ```
//!
//! At scale 1: ~300 services across 40 vendors, 600 controls, 100,000 evidence rows over
//! 18 months (2025-04 … 2026-09, plus a few after the period end), 150 attestations and
//! 600 CUECs, with a realistic share of gaps. Below scale 1 every count shrinks; above it
//! only the evidence rows, attestation history and CUECs grow (an enterprise keeps more
//! evidence, not more controls): scale 10 is a million evidence rows.
//!
//! `--shape enterprise` makes the shapes that break reports rather than parsers, as a
//! large organisation's registers have them: everything grows with the scale (at scale 10,
//! 3,000 services of 360 vendors and 6,000 controls); one control in ten applies to every
//! service, half of them evidenced once for all (`*`) and half service by service, so
//! most services lack those (several thousand findings at scale 1); and the three big
//! clouds' attestations name their services one by one (about ninety each) instead of `*`.

use chrono::{Datelike, Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::path::{Path, PathBuf};

const VENDORS: [&str; 40] = [
    "AWS",
    "Microsoft Azure",
    "Google Cloud",
    "Microsoft",
    "Salesforce",
    "Okta",
    "Atlassian",
    "GitHub",
    "Datadog",
    "Slack",
    "Zoom",
    "Workday",
    "ServiceNow",
    "Snowflake",
    "MongoDB",
    "Cloudflare",
    "Twilio",
    "Stripe",
    "Zendesk",
    "HubSpot",
    "Box",
    "Dropbox",
    "DocuSign",
    "Adobe",
    "Oracle Cloud",
    "IBM Cloud",
    "SAP",
    "PagerDuty",
    "Splunk",
    "Elastic",
    "HashiCorp",
    "Fastly",
    "Akamai",
    "Auth0",
    "Notion",
    "Asana",
    "Miro",
    "Figma",
    "Confluent",
    "Databricks",
];

const DOMAINS: [&str; 7] = [
    "Data classification and accountability",
    "Client and endpoint protection",
    "Identity and access management",
    "Application-level controls",
    "Network controls",
    "Host infrastructure",
    "Physical security",
];

const TESTERS: [&str; 12] = [
    "J. Alvarez",
    "S. Kowalczyk",
    "A. Okafor",
    "M. Lindqvist",
    "P. Raman",
    "L. Chen",
    "R. Haddad",
    "T. Nakamura",
    "E. Moreau",
    "K. Mensah",
    "D. Rossi",
    "N. Petrov",
];

struct Options {
    scale: f64,
    out: PathBuf,
    seed: u64,
    shape: Shape,
}

/// Which company to generate (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Entities stop growing at scale 1; a realistic share of gaps.
    Default,
    /// Everything grows; org-wide controls, findings by the hundred thousand, attestations
    /// naming services one by one.
    Enterprise,
}

fn parse_args() -> Options {
    let mut options = Options {
        scale: 1.0,
        out: PathBuf::from("target/bench-data/scale-1"),
        seed: 2026,
        shape: Shape::Default,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => {
                options.scale = value
                    .parse()
                    .expect("--scale takes a number, e.g. 0.1, 1 or 10")
            }
            "--out" => options.out = PathBuf::from(value),
            "--seed" => options.seed = value.parse().expect("--seed takes a whole number"),
            "--shape" => {
                options.shape = match value.as_str() {
                    "default" => Shape::Default,
                    "enterprise" => Shape::Enterprise,
                    other => panic!("--shape {other}: expected default or enterprise"),
                }
            }
            other => panic!("unknown option {other}: expected --scale, --out, --seed or --shape"),
        }
    }
    options
}

/// A generated company, sheet by sheet, as rows of text (dates as ISO text; the workbook
/// writer turns date columns back into date cells).
struct Company {
    services: Vec<Vec<String>>,
    controls: Vec<Vec<String>>,
    evidence: Vec<Vec<String>>,
    attestations: Vec<Vec<String>>,
    cuecs: Vec<Vec<String>>,
}

const SERVICES_HEADER: [&str; 7] = [
    "service",
    "provider",
    "service_model",
    "data_classes",
    "owner",
    "in_scope",
    "regions",
];
const CONTROLS_HEADER: [&str; 7] = [
    "control_id",
    "title",
    "domain",
    "frameworks",
    "owner",
    "frequency",
    "applies_to",
];
const EVIDENCE_HEADER: [&str; 8] = [
    "control_id",
    "service",
    "evidence",
    "evidence_file",
    "collected_on",
    "result",
    "tester",
    "notes",
];
const ATTESTATIONS_HEADER: [&str; 13] = [
    "vendor",
    "services",
    "type",
    "period_start",
    "period_end",
    "issued_on",
    "expires_on",
    "auditor",
    "opinion",
    "exceptions",
    "exception_notes",
    "bridge_letter_through",
    "domains",
];
const CUECS_HEADER: [&str; 5] = [
    "vendor",
    "attestation",
    "cuec_id",
    "description",
    "mapped_control",
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid date")
}

/// A vendor's name: the well-known forty first, then numbered ones.
fn vendor_name(i: usize) -> String {
    match VENDORS.get(i) {
        Some(name) => name.to_string(),
        None => format!("Vendor {:03}", i + 1),
    }
}

fn generate(scale: f64, seed: u64, shape: Shape) -> Company {
    let mut rng = fastrand::Rng::with_seed(seed);
    let enterprise = shape == Shape::Enterprise;
    let entities = if enterprise { scale } else { scale.min(1.0) };
    let count = |base: f64, factor: f64| ((base * factor).round() as usize).max(1);
    let n_vendors = if enterprise {
        count(36.0, entities).max(3)
    } else {
        count(40.0, entities).clamp(3, 40)
    };
    let n_services = count(300.0, entities).max(n_vendors);
    let n_controls = count(600.0, entities).max(7);
    let n_evidence = count(100_000.0, scale);
    let n_cuecs = count(600.0, scale);

    // Services: the three big clouds run IaaS and PaaS, everyone else SaaS.
    let mut services = Vec::new();
    for i in 0..n_services {
        let vendor = vendor_name(i % n_vendors);
        let model = match (i % n_vendors, i % 3) {
            (0..=2, 0) => "IaaS",
            (0..=2, _) => "PaaS",
            _ => "SaaS",
        };
        let classes = match rng.u32(0..10) {
            0..=2 => "PII; Confidential",
            3 => "PHI; PII",
            4 => "PCI",
            5..=6 => "Confidential; IP",
            _ => "Public",
        };
        let in_scope = if rng.u32(0..100) < 95 { "yes" } else { "no" };
        let region = [
            "us-east-1",
            "eu-west-1",
            "westeurope",
            "europe-west1",
            "us-central1",
        ][rng.usize(0..5)];
        services.push(vec![
            format!("{vendor} service {:03}", i / n_vendors + 1),
            vendor.to_string(),
            model.to_string(),
            classes.to_string(),
            format!("Team {}", i % 17 + 1),
            in_scope.to_string(),
            region.to_string(),
        ]);
    }

    // Controls: a catalogue-wide control per customer domain, the rest for named services;
    // a few physical/host cells stay unowned on purpose.
    let frequencies = [
        "monthly",
        "quarterly",
        "quarterly",
        "quarterly",
        "semiannual",
        "annual",
        "continuous",
    ];
    let mut controls = Vec::new();
    let mut applies: Vec<Vec<usize>> = Vec::new();
    for i in 0..n_controls {
        let domain = if i < 4 {
            i
        } else {
            rng.usize(0..DOMAINS.len())
        };
        // An enterprise catalogue has many controls that apply everywhere (policies,
        // training, logging): one in ten.
        let org_wide = i < 4 || rng.u32(0..100) < if enterprise { 10 } else { 3 };
        let (applies_to, list) = if org_wide {
            ("*".to_string(), Vec::new())
        } else {
            let list: Vec<usize> = (0..rng.usize(1..7))
                .map(|_| rng.usize(0..n_services))
                .collect();
            (
                list.iter()
                    .map(|&s| services[s][0].as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                list,
            )
        };
        controls.push(vec![
            format!("CTL-{:04}", i + 1),
            format!(
                "{} control {}",
                DOMAINS[domain]
                    .split_whitespace()
                    .next()
                    .unwrap_or("Control"),
                i + 1
            ),
            DOMAINS[domain].to_string(),
            format!(
                "SOC2:CC{}.{}; ISO27001:A.{}.{}",
                domain + 1,
                i % 9 + 1,
                domain + 5,
                i % 30 + 1
            ),
            format!("Owner {}", i % 23 + 1),
            frequencies[rng.usize(0..frequencies.len())].to_string(),
            applies_to,
        ]);
        applies.push(list);
    }

    // Evidence: 18 months up to the 2026-Q3 period end, and 1% after it.
    let start = d(2025, 4, 1);
    let days = (d(2026, 9, 30) - start).num_days();
    let mut evidence = Vec::with_capacity(n_evidence);
    for i in 0..n_evidence {
        let c = rng.usize(0..n_controls);
        let service = if applies[c].is_empty() {
            // Org-wide evidence is one row for every service (`*`), or it names the service
            // it was collected for (one by one: most services then lack it).
            // (The default shape's draw is kept as it was, so its data does not change.)
            // In an enterprise, half the org-wide controls are evidenced once for all
            // services (a policy, a training record), the other half service by service.
            let everywhere = if enterprise {
                stable_hash(&("evidenced once", c)).is_multiple_of(2)
            } else {
                rng.bool()
            };
            if everywhere {
                "*".to_string()
            } else {
                services[rng.usize(0..n_services)][0].clone()
            }
        } else {
            services[applies[c][rng.usize(0..applies[c].len())]][0].clone()
        };
        let date = if rng.u32(0..100) == 0 {
            d(2026, 10, 1) + Duration::days(rng.i64(0..60))
        } else {
            start + Duration::days(rng.i64(0..=days))
        };
        // The result follows from (control, service, date), so two rows that happen to share
        // that key agree: a million random rows would otherwise plant tens of thousands of
        // conflicting duplicates no real evidence log has.
        let result =
            match fastrand::Rng::with_seed(seed ^ stable_hash(&(c, &service, date))).u32(0..100) {
                0..=89 => "Effective",
                90..=92 => "Partially effective",
                93..=95 => "Ineffective",
                96..=97 => "Exception",
                _ => "Not tested",
            };
        evidence.push(vec![
            controls[c][0].clone(),
            service,
            format!("Evidence {} for {}", i + 1, controls[c][1]),
            format!(
                "evidence/{}-{:02}/{}-{}.pdf",
                date.year(),
                date.month(),
                controls[c][0].to_lowercase(),
                i + 1
            ),
            date.to_string(),
            result.to_string(),
            TESTERS[rng.usize(0..TESTERS.len())].to_string(),
            String::new(),
        ]);
    }

    // Attestations: a current SOC 2 per vendor (most with a bridge letter), last year's
    // superseded one, ISO 27001 for most; history grows with scale.
    let mut attestations = Vec::new();
    let history = 2;
    for v in 0..n_vendors {
        let vendor = &vendor_name(v);
        // The big clouds' reports name every service they cover, one by one.
        let covered = if enterprise && v < 3 {
            services
                .iter()
                .filter(|s| s[1] == *vendor)
                .map(|s| s[0].as_str())
                .collect::<Vec<_>>()
                .join("; ")
        } else {
            "*".to_string()
        };
        for year_back in 0..=history {
            let end = d(
                2026 - year_back,
                3 + (v as u32 % 4),
                30.min(28 + v as u32 % 3),
            );
            let start = d(end.year() - 1, end.month(), 1);
            let current = year_back == 0;
            let bridge = if current && rng.u32(0..100) < 85 {
                "2026-12-31".to_string()
            } else {
                String::new()
            };
            let opinion = if rng.u32(0..100) < 6 {
                "Qualified"
            } else {
                "Unqualified"
            };
            let exceptions = if rng.u32(0..100) < 15 {
                rng.u32(1..4)
            } else {
                0
            };
            attestations.push(vec![
                vendor.to_string(),
                covered.clone(),
                "SOC 2 Type II".into(),
                start.to_string(),
                end.to_string(),
                (end + Duration::days(45)).to_string(),
                String::new(),
                "Harbor & Vale LLP".into(),
                opinion.into(),
                exceptions.to_string(),
                if exceptions > 0 {
                    "Sampled tickets lacked approval".into()
                } else {
                    String::new()
                },
                bridge,
                "*".into(),
            ]);
        }
        if v % 5 != 4 {
            let issued = d(2024 + (v as i32 % 3), 1 + v as u32 % 12, 10);
            let expires = d(issued.year() + 3, issued.month(), 9);
            attestations.push(vec![
                vendor.to_string(),
                "*".into(),
                "ISO 27001".into(),
                String::new(),
                String::new(),
                issued.to_string(),
                expires.to_string(),
                "Kestrel Certification Ltd".into(),
                String::new(),
                "0".into(),
                String::new(),
                String::new(),
                "*".into(),
            ]);
        }
    }

    // CUECs: mapped to customer controls; a few unmapped.
    let mut cuecs = Vec::new();
    for i in 0..n_cuecs {
        let vendor = vendor_name(i % n_vendors);
        let mapped = if rng.u32(0..100) < 3 {
            String::new()
        } else {
            controls[rng.usize(0..n_controls)][0].clone()
        };
        cuecs.push(vec![
            vendor.to_string(),
            "SOC 2 Type II".into(),
            format!("CUEC-{:04}", i + 1),
            "User entities are responsible for reviewing access to the service".into(),
            mapped,
        ]);
    }

    Company {
        services,
        controls,
        evidence,
        attestations,
        cuecs,
    }
}

/// A hash that is the same on every run and platform (std's `DefaultHasher` with fixed keys).
fn stable_hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(value)
}

fn write_sheet(
    ws: &mut Worksheet,
    header: &[&str],
    rows: &[Vec<String>],
    date_columns: &[usize],
    date_format: &Format,
) {
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            if date_columns.contains(&c) {
                let date =
                    NaiveDate::parse_from_str(value, "%Y-%m-%d").expect("generated dates are ISO");
                let cell = ExcelDateTime::from_ymd(
                    date.year() as u16,
                    date.month() as u8,
                    date.day() as u8,
                )
                .expect("a date");
                ws.write_datetime_with_format(r, c as u16, &cell, date_format)
                    .expect("date cell");
            } else {
                ws.write_string(r, c as u16, value).expect("text cell");
            }
        }
    }
}

fn write_workbook(company: &Company, path: &Path) {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 10, 1).expect("a date")),
    );
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    // (sheet name, header, rows, columns written as date cells)
    type SheetSpec<'a> = (&'a str, &'a [&'a str], &'a Vec<Vec<String>>, &'a [usize]);
    let sheets: [SheetSpec; 5] = [
        ("Services", &SERVICES_HEADER, &company.services, &[]),
        ("Controls", &CONTROLS_HEADER, &company.controls, &[]),
        ("Evidence", &EVIDENCE_HEADER, &company.evidence, &[4]),
        (
            "Attestations",
            &ATTESTATIONS_HEADER,
            &company.attestations,
            &[],
        ),
        ("CUECs", &CUECS_HEADER, &company.cuecs, &[]),
    ];
    for (name, header, rows, dates) in sheets {
        let ws = workbook
            .add_worksheet_with_constant_memory()
            .expect("a temporary file for the sheet");
        ws.set_name(name).expect("sheet name");
        write_sheet(ws, header, rows, dates, &date_format);
    }
    workbook.save(path).expect("workbook written");
}

fn write_csv(company: &Company, dir: &Path) {
    std::fs::create_dir_all(dir).expect("csv directory");
    type CsvSpec<'a> = (&'a str, &'a [&'a str], &'a Vec<Vec<String>>);
    let sheets: [CsvSpec; 5] = [
        ("services", &SERVICES_HEADER, &company.services),
        ("controls", &CONTROLS_HEADER, &company.controls),
        ("evidence", &EVIDENCE_HEADER, &company.evidence),
        ("attestations", &ATTESTATIONS_HEADER, &company.attestations),
        ("cuecs", &CUECS_HEADER, &company.cuecs),
    ];
    for (name, header, rows) in sheets {
        let mut writer = csv::Writer::from_path(dir.join(format!("{name}.csv"))).expect("csv file");
        writer.write_record(header).expect("csv header");
        for row in rows {
            writer.write_record(row).expect("csv row");
        }
        writer.flush().expect("csv written");
    }
}

fn main() {
    let options = parse_args();
    std::fs::create_dir_all(&options.out).expect("output directory");
    let company = generate(options.scale, options.seed, options.shape);
    write_workbook(&company, &options.out.join("enterprise.xlsx"));
    write_csv(&company, &options.out.join("csv"));
    std::fs::write(
        options.out.join("demarc.toml"),
        "organisation = \"Generated Enterprise\"\nperiod = \"2026-Q3\"\ninputs = [\"enterprise.xlsx\"]\n",
    )
    .expect("demarc.toml");
    eprintln!(
        "scale {}: {} services, {} controls, {} evidence rows, {} attestations, {} CUECs → {}",
        options.scale,
        company.services.len(),
        company.controls.len(),
        company.evidence.len(),
        company.attestations.len(),
        company.cuecs.len(),
        options.out.display()
    );
}
