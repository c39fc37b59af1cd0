//! `model = "providers"`: the providers' own splits (AWS by class, Microsoft's table for
//! Azure, Google Cloud by service model) decide the cells of the services they speak for.
//! Each test runs the seeds' own examples and asserts the owner of every cell that differs
//! from the seeds' matrix, and that no other cell does. And the default, without
//! `model = "providers"`, writes exactly the bytes it wrote before profiles existed.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// `(service, domain) → (owner, profile)` of every cell, from `demarc check --json` (the
/// findings document) on `services` (rows of service, provider, service_model) under the
/// `extra` options.
fn cells(
    dir: &Path,
    services: &[[&str; 3]],
    extra: &[&str],
) -> BTreeMap<(String, String), (String, String)> {
    let rows = services
        .iter()
        .map(|[name, provider, model]| row(&[name, provider, model, "Confidential", "yes"]))
        .collect();
    let path = small_company()
        .with_rows("Services", rows)
        .write(dir, "q3.xlsx");
    let output = demarc()
        .arg("check")
        .arg(&path)
        .args(["--period", "2026-Q3", "--json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    document_cells(&serde_json::from_slice(&output.stdout).unwrap())
}

fn document_cells(doc: &Value) -> BTreeMap<(String, String), (String, String)> {
    doc["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    c["service"].as_str().unwrap().to_string(),
                    c["domain"].as_str().unwrap().to_string(),
                ),
                (
                    c["owner"].as_str().unwrap().to_string(),
                    c["profile"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

/// The cells whose owner differs between the default run and the providers run, as
/// `service / domain: matrix → profile`.
fn differences(services: &[[&str; 3]]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let matrix = cells(dir.path(), services, &[]);
    let providers = cells(dir.path(), services, &["--model", "providers"]);
    assert_eq!(
        matrix.keys().collect::<Vec<_>>(),
        providers.keys().collect::<Vec<_>>(),
        "the same cells"
    );
    assert!(
        matrix.values().all(|(_, profile)| profile.is_empty()),
        "the default model names no profile"
    );
    matrix
        .iter()
        .filter_map(|((service, domain), (ours, _))| {
            let (theirs, profile) = &providers[&(service.clone(), domain.clone())];
            (ours != theirs).then(|| format!("{service} / {domain}: {ours} → {theirs} ({profile})"))
        })
        .collect()
}

/// The profile each service's cells name under `--model providers` (one per service, or
/// several when some domains keep the matrix).
fn profiles_named(services: &[[&str; 3]]) -> BTreeMap<String, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let mut named: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((service, _), (_, profile)) in cells(dir.path(), services, &["--model", "providers"]) {
        let list = named.entry(service).or_default();
        if !list.contains(&profile) {
            list.push(profile);
        }
    }
    named
}

fn sorted(lines: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    lines.sort();
    lines
}

#[test]
fn aws_abstracted_container_and_infrastructure_services_take_awss_split() {
    let services = [
        ["Amazon S3", "AWS", "PaaS"],
        ["DynamoDB", "Amazon Web Services", "PaaS"],
        ["Amazon EC2", "AWS", "IaaS"],
        ["Lightsail", "AWS", "IaaS"],
        ["Amazon RDS", "AWS", "PaaS"],
    ];
    let mut got = differences(&services);
    got.sort();
    assert_eq!(
        got,
        sorted(&[
            // Abstracted: IAM is the customer's alone, the platform AWS's.
            "Amazon S3 / Identity and access management: shared → customer (AWS abstracted)",
            "Amazon S3 / Application-level controls: shared → provider (AWS abstracted)",
            "DynamoDB / Identity and access management: shared → customer (AWS abstracted)",
            "DynamoDB / Application-level controls: shared → provider (AWS abstracted)",
            // Container: the customer keeps the security groups and platform-level access.
            "Amazon RDS / Identity and access management: shared → customer (AWS container)",
            "Amazon RDS / Network controls: provider → shared (AWS container)",
            // Infrastructure (EC2, Lightsail): AWS's split is the matrix's IaaS column.
        ])
    );
    let named = profiles_named(&services);
    assert_eq!(named["Amazon EC2"], ["AWS infrastructure"]);
    assert_eq!(named["Lightsail"], ["AWS infrastructure"]);
    assert_eq!(named["DynamoDB"], ["AWS abstracted"]);
}

#[test]
fn lambda_is_abstracted_but_its_code_stays_shared() {
    let services = [["AWS Lambda", "AWS", "PaaS"], ["Amazon S3", "AWS", "PaaS"]];
    let got: Vec<String> = differences(&services)
        .into_iter()
        .filter(|l| l.starts_with("AWS Lambda"))
        .collect();
    // IAM is the customer's as for every abstracted service; application-level controls
    // stay shared (the customer's code on AWS's runtime), where S3's go to AWS.
    assert_eq!(
        got,
        ["AWS Lambda / Identity and access management: shared → customer (AWS abstracted)"]
    );
    let dir = tempfile::tempdir().unwrap();
    let providers = cells(dir.path(), &services, &["--model", "providers"]);
    let app = |s: &str| {
        providers[&(s.to_string(), "Application-level controls".to_string())]
            .0
            .clone()
    };
    assert_eq!(app("AWS Lambda"), "shared");
    assert_eq!(app("Amazon S3"), "provider");
}

#[test]
fn azure_paas_services_take_microsofts_table() {
    let services = [
        ["AKS", "Microsoft Azure", "PaaS"],
        ["Azure Container Instances", "Azure", "PaaS"],
        ["Cosmos DB", "Microsoft Azure", "PaaS"],
        ["Azure SQL", "Microsoft", "PaaS"],
        ["Data Lake Storage", "Microsoft Azure", "PaaS"],
        ["Azure Blob Storage", "Microsoft Azure", "PaaS"],
    ];
    let mut got = differences(&services);
    got.sort();
    let mut want = Vec::new();
    for [service, _, _] in services {
        // Microsoft: identities and users are always the customer's; PaaS network
        // controls are shared where the matrix gives them to the provider.
        want.push(format!(
            "{service} / Identity and access management: shared → customer (Azure PaaS)"
        ));
        want.push(format!(
            "{service} / Network controls: provider → shared (Azure PaaS)"
        ));
    }
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn google_cloud_compute_engine_keeps_the_matrix_and_app_engine_code_is_the_customers() {
    let services = [
        ["Compute Engine", "Google Cloud", "IaaS"],
        ["App Engine", "GCP", "PaaS"],
    ];
    assert_eq!(
        differences(&services),
        ["App Engine / Application-level controls: shared → customer (Google Cloud PaaS)"]
    );
    // Google's table has no row for client devices: that cell keeps the matrix (and names
    // no profile); shared fate changes no cell.
    let named = profiles_named(&services);
    assert_eq!(named["Compute Engine"], ["Google Cloud IaaS", ""]);
}

#[test]
fn saas_suites_follow_a_published_split_only_where_there_is_one() {
    let services = [
        ["Microsoft 365", "Microsoft", "SaaS"],
        ["Google Workspace", "Google", "SaaS"],
        ["Dropbox", "Dropbox", "SaaS"],
        ["Salesforce", "Salesforce", "SaaS"],
    ];
    // Microsoft's table covers its SaaS: identities and users stay the customer's.
    assert_eq!(
        differences(&services),
        ["Microsoft 365 / Identity and access management: shared → customer (Azure SaaS)"]
    );
    let named = profiles_named(&services);
    for suite in ["Google Workspace", "Dropbox", "Salesforce"] {
        assert_eq!(named[suite], [""], "{suite} keeps the seeds' matrix");
    }
}

#[test]
fn the_settings_file_and_a_model_file_extending_providers_choose_it_too() {
    let dir = tempfile::tempdir().unwrap();
    let services = [["Amazon S3", "AWS", "PaaS"], ["Amazon RDS", "AWS", "PaaS"]];
    let flag = cells(dir.path(), &services, &["--model", "providers"]);

    let config = dir.path().join("demarc.toml");
    std::fs::write(&config, "model = \"providers\"\n").unwrap();
    let from_config = cells(
        dir.path(),
        &services,
        &["--config", config.to_str().unwrap()],
    );
    assert_eq!(from_config, flag);

    // An override still beats the profile: the user gives S3's application controls back
    // to the shared column.
    let model = dir.path().join("ours.toml");
    std::fs::write(
        &model,
        "extends = \"providers\"\n\n[[overrides]]\nprovider = \"AWS\"\nservices = [\"S3\"]\ndomains = [\"Application-level controls\"]\nowner = \"shared\"\n",
    )
    .unwrap();
    let extended = cells(dir.path(), &services, &["--model", model.to_str().unwrap()]);
    let app = (
        "Amazon S3".to_string(),
        "Application-level controls".to_string(),
    );
    let iam = (
        "Amazon S3".to_string(),
        "Identity and access management".to_string(),
    );
    assert_eq!(extended[&app], ("shared".to_string(), String::new()));
    assert_eq!(
        extended[&iam],
        ("customer".to_string(), "AWS abstracted".to_string())
    );
}

#[test]
fn an_unknown_extends_names_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.toml");
    std::fs::write(&model, "extends = \"provider\"\n").unwrap();
    let output = demarc()
        .args(["model", "--model", model.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("m.toml") && err.contains("\"default\", \"providers\" or \"none\""),
        "{err}"
    );
}

#[test]
fn model_provider_prints_a_profile_and_diff_lists_the_cells() {
    let aws = demarc()
        .args(["model", "--provider", "aws"])
        .output()
        .unwrap();
    assert!(aws.status.success());
    let text = String::from_utf8(aws.stdout).unwrap();
    assert!(
        text.contains("infrastructure") && text.contains("abstracted"),
        "{text}"
    );
    assert!(
        text.contains("https://aws.amazon.com/compliance/shared-responsibility-model/"),
        "{text}"
    );
    assert!(
        text.contains("abstracted: AWS Lambda, Amazon S3, Amazon DynamoDB"),
        "{text}"
    );

    let azure = demarc()
        .args(["model", "--provider", "Microsoft Azure"])
        .output()
        .unwrap();
    let text = String::from_utf8(azure.stdout).unwrap();
    assert!(
        text.contains("Physical network → Network controls"),
        "{text}"
    );

    let diff = demarc()
        .args(["model", "--diff", "providers"])
        .output()
        .unwrap();
    assert!(diff.status.success());
    let text = String::from_utf8(diff.stdout).unwrap();
    let azure = &text[text.find("\nAzure").unwrap()..text.find("\nGoogle Cloud").unwrap()];
    let paas = &azure[azure.find("PaaS services").unwrap()..azure.find("SaaS services").unwrap()];
    assert!(paas.contains("Azure Kubernetes Service"), "{paas}");
    assert!(
        paas.lines()
            .any(|l| l.trim_start().starts_with("Network controls")
                && l.trim_end().ends_with("provider → shared")),
        "{paas}"
    );

    let oracle = demarc()
        .args(["model", "--provider", "Oracle"])
        .output()
        .unwrap();
    assert_eq!(oracle.status.code(), Some(2));
    let err = String::from_utf8_lossy(&oracle.stderr);
    assert!(err.contains("AWS, Azure, Google Cloud"), "{err}");
}

/// The sample company under `--model providers`, as samples/README.md documents it: the
/// AWS profile gives Amazon RDS's network controls to the customer as well (security
/// groups), and Northwind has no network control serving RDS — a new DOMAIN_UNOWNED.
#[test]
fn the_sample_under_providers_shows_the_aws_profile_changing_rds() {
    let run = |extra: &[&str]| -> Value {
        let output = demarc()
            .current_dir(repo(""))
            .args(["check", "--config", "samples/demarc.toml", "--json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let (default, providers) = (run(&[]), run(&["--model", "providers"]));
    let unowned = |doc: &Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "DOMAIN_UNOWNED")
            .map(|f| {
                format!(
                    "{} / {}",
                    f["service"].as_str().unwrap(),
                    f["domain"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        unowned(&default),
        ["Patient Records Archive / Physical security"]
    );
    assert_eq!(
        sorted(
            &unowned(&providers)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ),
        sorted(&[
            "Patient Records Archive / Physical security",
            "Amazon RDS / Network controls"
        ])
    );
    let cells = document_cells(&providers);
    let rds = &cells[&("Amazon RDS".to_string(), "Network controls".to_string())];
    assert_eq!(rds, &("shared".to_string(), "AWS container".to_string()));

    let readme = std::fs::read_to_string(repo("samples/README.md")).unwrap();
    let section = &readme[readme
        .find("## Under the providers' own models")
        .expect("samples/README.md documents --model providers")..];
    assert!(section.contains("Amazon RDS") && section.contains("DOMAIN_UNOWNED"));
}

/// Reports name the profile per cell: the OSCAL findings about a cell carry it as a
/// `responsibility-profile` prop, and the auditor pack says which profile decided each
/// service's cells and where it is published.
#[test]
fn oscal_and_the_auditor_pack_name_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_company().with_rows(
        "Services",
        vec![row(&["Amazon S3", "AWS", "PaaS", "Confidential", "yes"])],
    );
    let (_, out) = report_q3(dir.path(), &book, &["--model", "providers"]);
    let oscal = read_json(&out.join("2026-Q3/assessment-results.json"));
    let findings = oscal["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap();
    // No AWS attestation: S3's provider cells are unattested, application-level controls
    // among them now that AWS's profile gives them to AWS.
    let app = findings
        .iter()
        .find(|f| {
            let props = f["props"].as_array().unwrap();
            let has = |name: &str, value: &str| {
                props
                    .iter()
                    .any(|p| p["name"] == name && p["value"] == value)
            };
            has("code", "ATTESTATION_MISSING") && has("domain", "Application-level controls")
        })
        .expect("a finding about S3's application-level controls");
    assert!(
        app["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "responsibility-profile" && p["value"] == "AWS abstracted"),
        "{app:#}"
    );

    let text = pdf_text(&out.join("2026-Q3/auditor-pack.pdf"));
    assert!(text.contains("Provider profiles"), "{text}");
    assert!(text.contains("AWS abstracted"), "{text}");
    assert!(
        text.contains("Identity and access management: customer (matrix: shared)"),
        "{text}"
    );
    assert!(
        text.contains("aws.amazon.com/compliance/shared-responsibility-model"),
        "{text}"
    );
}

/// Regression guard for existing configurations: without `model = "providers"`, every
/// file the sample's report writes is byte-for-byte what demarc wrote before provider
/// profiles existed (tests/data/sample-default-outputs.sha256).
#[test]
fn the_default_model_writes_the_same_bytes_as_before_profiles() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    demarc()
        .current_dir(repo(""))
        .args(["report", "--config", "samples/demarc.toml", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let expected =
        std::fs::read_to_string(repo("tests/data/sample-default-outputs.sha256")).unwrap();
    let mut checked = 0;
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (digest, file) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            hex(&Sha256::digest(&bytes)),
            digest,
            "{file} changed under the default model"
        );
        checked += 1;
    }
    assert!(checked >= 20, "every output is listed ({checked})");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The README's model section shows every profile and cites each of its sources, so that
/// a profile added or re-sourced in `src/data/profiles/` cannot go undocumented.
#[test]
fn the_readme_shows_every_profile_and_its_sources() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let section = &readme[readme.find("### The providers' own models").unwrap()..];
    let section = &section[..section.find("\n## ").unwrap()];
    for profile in demarc::model::profiles::builtin() {
        assert!(
            section.contains(&format!("| {} |", profile.name)),
            "{}",
            profile.name
        );
        for source in &profile.sources {
            assert!(
                section.contains(&source.url),
                "{}: {}",
                profile.name,
                source.url
            );
        }
    }
}
