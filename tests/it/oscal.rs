//! `assessment-results.json` against NIST's published OSCAL 1.1.3 assessment-results JSON
//! schema (`tests/data/oscal/`): the samples' export validates and its counts match
//! findings.json, reruns are byte-identical, hostile cell text comes back as the same string,
//! every finding code maps to a valid finding, and the validator can fail.

use crate::support;
use support::{demarc, repo};

use chrono::NaiveDate;
use demarc::findings::{Code, Finding, Severity, Source};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{d, row, Book};

/// The published schema, compiled once, with `format` (date-time, uri, uri-reference)
/// checked as well as the patterns.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(repo(
            "tests/data/oscal/oscal_assessment-results_schema.json",
        ))
        .unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["$id"], "http://csrc.nist.gov/ns/oscal/1.1.3/oscal-ar-schema.json",
            "the schema file is NIST's v1.1.3"
        );
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the published schema compiles")
    })
}

/// Every schema violation, with where it is.
fn violations(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(doc: &Value) {
    let errors = violations(doc);
    assert!(
        errors.is_empty(),
        "{} schema violation(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// A run of the library on `paths` for 2026-Q3, as `demarc report` would make it.
fn run(paths: &[PathBuf], as_of: Option<NaiveDate>) -> demarc::Run {
    let period = demarc::inputs::period::Period::parse("2026-Q3", 1).unwrap();
    demarc::Run {
        inputs: paths.to_vec(),
        as_of: as_of.unwrap_or(period.end),
        period,
        model: demarc::model::Model::default(),
        organisation: Some("Test \"Org\"\nLtd".into()),
        classification: "INTERNAL".into(),
        templates: None,
        ingest: Default::default(),
        residency: None,
    }
}

/// The export of a run, through the library (no PDFs), and what it was made from.
fn export(run: &demarc::Run) -> (Value, demarc::Analysis) {
    let analysis = demarc::analyse(run).unwrap();
    let (files, _) = demarc::inputs::evidence_files::check_all(&analysis.inputs.evidence, None);
    let text = demarc::render::oscal::assessment_results(
        run,
        &analysis.inputs,
        &analysis.reconciliation,
        &files,
    );
    (serde_json::from_str(&text).unwrap(), analysis)
}

fn result(doc: &Value) -> &Value {
    &doc["assessment-results"]["results"][0]
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().map_or(&[], Vec::as_slice)
}

fn state(finding: &Value) -> &str {
    finding["target"]["status"]["state"].as_str().unwrap()
}

/// The value of a demarc prop.
fn prop<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    list(item, "props")
        .iter()
        .find(|p| p["name"] == name && p["ns"] == demarc::render::oscal::NS)
        .and_then(|p| p["value"].as_str())
}

/// Every value of a repeated prop of demarc's namespace.
fn props<'a>(item: &'a Value, name: &str) -> Vec<&'a str> {
    list(item, "props")
        .iter()
        .filter(|p| p["name"] == name && p["ns"] == demarc::render::oscal::NS)
        .filter_map(|p| p["value"].as_str())
        .collect()
}

/// Every `uuid` anywhere in the document.
fn uuids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "uuid" {
                    out.push(v.as_str().unwrap().to_string());
                }
                uuids(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| uuids(v, out)),
        _ => {}
    }
}

/// UUIDs are unique, and every reference to an observation or a back-matter resource
/// points at one that exists.
fn assert_references_resolve(doc: &Value) {
    let mut all = Vec::new();
    uuids(doc, &mut all);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "UUIDs repeat");
    let r = result(doc);
    let observations: BTreeSet<&str> = list(r, "observations")
        .iter()
        .map(|o| o["uuid"].as_str().unwrap())
        .collect();
    for f in list(r, "findings") {
        let related = list(f, "related-observations");
        assert!(!related.is_empty(), "{f} has no observation");
        for o in related {
            assert!(observations.contains(o["observation-uuid"].as_str().unwrap()));
        }
    }
    let resources: BTreeSet<String> = list(&doc["assessment-results"]["back-matter"], "resources")
        .iter()
        .map(|res| format!("#{}", res["uuid"].as_str().unwrap()))
        .collect();
    assert!(resources.contains(
        doc["assessment-results"]["import-ap"]["href"]
            .as_str()
            .unwrap()
    ));
    for o in list(r, "observations") {
        for link in list(o, "links") {
            assert!(resources.contains(link["href"].as_str().unwrap()), "{link}");
        }
    }
}

mod samples {
    use super::*;

    fn report(out: &Path) -> Value {
        demarc()
            .current_dir(repo(""))
            .args(["report", "--config", "samples/demarc.toml", "--out"])
            .arg(out)
            .assert()
            .success();
        serde_json::from_slice(&std::fs::read(out.join("2026-Q3/assessment-results.json")).unwrap())
            .unwrap()
    }

    /// `demarc report` writes assessment-results.json; it validates against the published
    /// schema, holds one not-satisfied finding per finding of findings.json (same code,
    /// severity and message, in the same order) and one satisfied finding per control,
    /// naming every service whose newest evidence of it is fresh and Effective.
    #[test]
    fn the_samples_export_validates_and_matches_findings_json() {
        let out = tempfile::tempdir().unwrap();
        let doc = report(out.path());
        assert_valid(&doc);
        assert_references_resolve(&doc);

        let findings_json: Value = serde_json::from_slice(
            &std::fs::read(out.path().join("2026-Q3/findings.json")).unwrap(),
        )
        .unwrap();
        let expected = findings_json["findings"].as_array().unwrap();
        let r = result(&doc);
        let (not_satisfied, satisfied): (Vec<&Value>, Vec<&Value>) = list(r, "findings")
            .iter()
            .partition(|f| state(f) == "not-satisfied");
        assert_eq!(not_satisfied.len(), expected.len());
        for (oscal, demarc) in not_satisfied.iter().zip(expected) {
            assert_eq!(prop(oscal, "code"), demarc["code"].as_str());
            assert_eq!(prop(oscal, "severity"), demarc["severity"].as_str());
            assert_eq!(oscal["description"], demarc["message"]);
        }

        let analysis = support::analyse(&[repo("samples/northwind.xlsx")], "2026-Q3").unwrap();
        let inputs = &analysis.inputs;
        let good: BTreeSet<(String, String)> = analysis
            .reconciliation
            .control_status
            .iter()
            .filter(|st| st.is_good(&inputs.evidence))
            .map(|st| {
                (
                    inputs.controls[st.control].id.clone(),
                    inputs.services[st.service].name.clone(),
                )
            })
            .collect();
        // One satisfied finding per control, naming its services.
        let exported: BTreeSet<(String, String)> = satisfied
            .iter()
            .flat_map(|f| {
                let control = prop(f, "control-id").unwrap().to_string();
                props(f, "service")
                    .into_iter()
                    .map(move |service| (control.clone(), service.to_string()))
            })
            .collect();
        let controls: BTreeSet<&String> = good.iter().map(|(control, _)| control).collect();
        assert_eq!(satisfied.len(), controls.len(), "one per control");
        assert_eq!(exported, good);

        // Findings no evidence row supports share one observation per code and first
        // source row: each such pair has exactly one, and one is shared here.
        let gaps: BTreeSet<&str> = list(r, "observations")
            .iter()
            .filter(|o| list(o, "types").iter().any(|t| t == "finding"))
            .map(|o| o["uuid"].as_str().unwrap())
            .collect();
        let mut sharing: BTreeMap<(String, String), (BTreeSet<String>, usize)> = BTreeMap::new();
        for f in &not_satisfied {
            for related in list(f, "related-observations") {
                let uuid = related["observation-uuid"].as_str().unwrap();
                if gaps.contains(uuid) {
                    let first = props(f, "source").first().copied().unwrap_or("");
                    let entry = sharing
                        .entry((prop(f, "code").unwrap().into(), first.into()))
                        .or_default();
                    entry.0.insert(uuid.to_string());
                    entry.1 += 1;
                }
            }
        }
        assert_eq!(
            sharing.len(),
            gaps.len(),
            "every shared observation is used"
        );
        assert!(sharing.values().all(|(uuids, _)| uuids.len() == 1));
        assert!(sharing.values().any(|(_, findings)| *findings > 1));
        assert!(
            !good.is_empty() && !expected.is_empty(),
            "both states appear"
        );

        let metadata = &doc["assessment-results"]["metadata"];
        assert_eq!(metadata["oscal-version"], "1.1.3");
        assert_eq!(
            metadata["last-modified"], "2026-09-30T00:00:00Z",
            "the as-of date, never the clock"
        );
        assert_eq!(r["start"], "2026-07-01T00:00:00Z");
        assert_eq!(r["end"], "2026-09-30T23:59:59Z");
        let controls: BTreeSet<&str> = list(
            &r["reviewed-controls"]["control-selections"][0],
            "include-controls",
        )
        .iter()
        .map(|c| c["control-id"].as_str().unwrap())
        .collect();
        assert_eq!(
            controls.len(),
            41,
            "every control of the catalogue is reviewed"
        );
    }

    /// A later as-of date moves last-modified with it; the document is the same subject
    /// (same UUID) in a new version.
    #[test]
    fn the_as_of_date_dates_the_document() {
        let book = [repo("samples/northwind.xlsx")];
        let (first, _) = export(&run(&book, None));
        let (later, _) = export(&run(&book, Some(d(2026, 10, 15))));
        assert_valid(&later);
        let (x, y) = (&first["assessment-results"], &later["assessment-results"]);
        assert_eq!(x["metadata"]["last-modified"], "2026-09-30T00:00:00Z");
        assert_eq!(y["metadata"]["last-modified"], "2026-10-15T00:00:00Z");
        assert_eq!(x["uuid"], y["uuid"]);
        assert_ne!(x["metadata"]["version"], y["metadata"]["version"]);
    }
}

/// A workbook whose cells hold what could break a careless writer: quotes, line breaks,
/// `#`, brackets, braces, backslashes, markup and characters outside ASCII.
const HOSTILE: &str = "Quote \" 'single' then\nline two\ttab #hash ]bracket [x] {{hb}} </script> \\back ünïcödé 😀 #set text(red)";
const HOSTILE_NOTES: &str = "Notes: \"a\", b\n\n# not a heading ] [ } {";

fn hostile_book(dir: &Path) -> PathBuf {
    let mut evidence = row(&["IAM-1", "", HOSTILE, "q3/review #1 [final].pdf"]);
    evidence.push(d(2026, 9, 1).into());
    evidence.extend(row(&["Effective", "A. \"Tester\"\nQA", HOSTILE_NOTES]));
    let mut url = row(&["APP-1", "", "Change log", "https://x.example/log b?q=1#a#b"]);
    url.push(d(2026, 9, 2).into());
    url.extend(row(&["Ineffective", "", ""]));
    Book::new()
        .sheet(
            "Services",
            &[
                "service",
                "provider",
                "service_model",
                "data_classes",
                "in_scope",
            ],
            vec![row(&["Okta", "Okta", "SaaS", "Confidential", "yes"])],
        )
        .sheet(
            "Controls",
            &["control_id", "title", "domain", "frequency", "applies_to"],
            vec![
                row(&[
                    "IAM-1",
                    "Access reviews",
                    "Identity and access management",
                    "quarterly",
                    "*",
                ]),
                row(&[
                    "APP-1",
                    "Change control",
                    "Application-level controls",
                    "quarterly",
                    "*",
                ]),
                row(&[
                    "1.2 Data #]",
                    HOSTILE,
                    "Data classification and accountability",
                    "quarterly",
                    "*",
                ]),
                row(&[
                    "Ärger-1",
                    "Endpoints",
                    "Client and endpoint protection",
                    "quarterly",
                    "*",
                ]),
            ],
        )
        .sheet(
            "Evidence",
            &[
                "control_id",
                "service",
                "evidence",
                "evidence_file",
                "collected_on",
                "result",
                "tester",
                "notes",
            ],
            vec![evidence, url],
        )
        .write(dir, "hostile.xlsx")
}

/// Spreadsheet text is emitted as JSON strings: the exact text comes back from the
/// descriptions and remarks, props hold it on one line, file names and URLs become valid
/// URI references, and control ids that are not OSCAL tokens are mapped to ones.
#[test]
fn hostile_cells_come_back_as_the_same_string() {
    let dir = tempfile::tempdir().unwrap();
    let book = hostile_book(dir.path());
    let (doc, analysis) = export(&run(&[book], None));
    assert_valid(&doc);
    assert_references_resolve(&doc);

    let read = &analysis.inputs.evidence[0];
    assert_eq!(read.description, HOSTILE, "ingest keeps the text as typed");
    let r = result(&doc);
    let observation = list(r, "observations")
        .iter()
        .find(|o| o["description"] == HOSTILE)
        .expect("the evidence row's text, whole, as an observation's description");
    assert_eq!(observation["remarks"], HOSTILE_NOTES);
    assert_eq!(
        prop(observation, "tester"),
        Some("A. \"Tester\" QA"),
        "props are one line"
    );
    assert_eq!(
        observation["relevant-evidence"][0]["href"],
        "q3/review%20%231%20%5Bfinal%5D.pdf"
    );
    let url = list(r, "observations")
        .iter()
        .find(|o| o["description"] == "Change log")
        .unwrap();
    assert_eq!(
        url["relevant-evidence"][0]["href"],
        "https://x.example/log%20b?q=1#a%23b"
    );

    // The control with the hostile title has no evidence: its finding quotes the title.
    let missing = list(r, "findings")
        .iter()
        .find(|f| {
            prop(f, "code") == Some("EVIDENCE_MISSING")
                && prop(f, "control-id") == Some("1.2 Data #]")
        })
        .expect("EVIDENCE_MISSING for the control with the hostile title");
    assert!(missing["description"].as_str().unwrap().contains(HOSTILE));

    let reviewed: Vec<&str> = list(
        &r["reviewed-controls"]["control-selections"][0],
        "include-controls",
    )
    .iter()
    .map(|c| c["control-id"].as_str().unwrap())
    .collect();
    assert_eq!(reviewed[..2], ["IAM-1", "APP-1"]);
    assert!(reviewed[2].starts_with("_1.2_Data___-"), "{}", reviewed[2]);
    assert_eq!(missing["target"]["target-id"], reviewed[2]);
    assert!(reviewed[3].starts_with("_rger-1-"), "{}", reviewed[3]);
    let metadata = &doc["assessment-results"]["metadata"];
    assert_eq!(metadata["parties"][0]["name"], "Test \"Org\" Ltd");
    assert_eq!(
        metadata["title"],
        "Test \"Org\" Ltd: shared-responsibility assessment results, 2026-Q3"
    );
}

/// Two runs in two processes give the same bytes: UUIDs come from content, not chance.
#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let book = hostile_book(dir.path());
    let outputs: Vec<Vec<u8>> = ["a", "b"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            demarc()
                .arg("report")
                .arg(&book)
                .args(["--period", "2026-Q3", "--out"])
                .arg(&out)
                .assert()
                .success();
            std::fs::read(out.join("2026-Q3/assessment-results.json")).unwrap()
        })
        .collect();
    assert!(
        outputs[0] == outputs[1],
        "assessment-results.json differs between two runs"
    );
}

/// Every code of the catalogue — whatever codes it holds — maps to a finding that
/// validates, targeting its control when the catalogue has it and its rule otherwise.
#[test]
fn every_finding_code_maps_to_a_valid_finding() {
    let dir = tempfile::tempdir().unwrap();
    let (base, analysis) = export(&run(&[hostile_book(dir.path())], None));
    assert_valid(&base);
    let source = Source {
        file: "odd: file #1.xlsx".into(),
        sheet: "Sheet \"1\"".into(),
        row: 7,
    };
    let mut rec = analysis.reconciliation.clone();
    rec.findings = Code::ALL
        .iter()
        .enumerate()
        .map(|(i, &code)| Finding {
            id: format!("F-{i:012}"),
            code,
            severity: Severity::ALL[i % Severity::ALL.len()],
            message: format!("{code} about\n\"{HOSTILE}\""),
            remedy: "Fix it.\nThen rerun.".into(),
            service: Some(" Okta\n".into()),
            domain: None,
            control_id: (i % 2 == 0).then(|| "iam-1".into()),
            vendor: Some(String::new()),
            cuec_id: Some(format!("CUEC #{i}")),
            sources: vec![source.clone(), source.clone()],
        })
        .collect();
    let (files, _) = demarc::inputs::evidence_files::check_all(&analysis.inputs.evidence, None);
    let run = run(&[], None);
    let text = demarc::render::oscal::assessment_results(&run, &analysis.inputs, &rec, &files);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&doc);
    assert_references_resolve(&doc);
    let not_satisfied: BTreeMap<&str, &Value> = list(result(&doc), "findings")
        .iter()
        .filter(|f| state(f) == "not-satisfied")
        .map(|f| (prop(f, "code").unwrap(), f))
        .collect();
    assert_eq!(not_satisfied.len(), Code::ALL.len());
    for (i, code) in Code::ALL.iter().enumerate() {
        let f = not_satisfied[code.as_str()];
        let wanted = if i % 2 == 0 {
            "IAM-1".to_string()
        } else {
            format!("demarc-{}", code.as_str().to_lowercase().replace('_', "-"))
        };
        assert_eq!(f["target"]["target-id"], wanted.as_str());
        assert_eq!(f["target"]["description"], code.rule());
        assert_eq!(f["remarks"], "Remedy: Fix it.\nThen rerun.");
    }
    let rules = list(&doc["assessment-results"]["back-matter"], "resources")[0]["description"]
        .as_str()
        .unwrap();
    for code in Code::ALL {
        assert!(
            rules.contains(code.rule()),
            "the rule catalogue lacks {code}"
        );
    }
}

/// The validator is not a rubber stamp: each breakage of a valid export is caught and
/// named, patterns with Unicode classes (`\p{L}`) and formats included.
#[test]
fn the_validator_rejects_broken_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (valid, _) = export(&run(&[hostile_book(dir.path())], None));
    assert_valid(&valid);

    let broken = |change: &dyn Fn(&mut Value)| {
        let mut doc = valid.clone();
        change(&mut doc);
        violations(&doc)
    };
    let ar = "assessment-results";
    type Breakage<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let cases: Vec<(&str, Breakage, &str)> = vec![
        (
            "a required property removed",
            Box::new(|d| {
                d[ar]["metadata"]
                    .as_object_mut()
                    .unwrap()
                    .remove("last-modified");
            }),
            "last-modified",
        ),
        (
            "reviewed-controls removed",
            Box::new(|d| {
                d[ar]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("reviewed-controls");
            }),
            "reviewed-controls",
        ),
        (
            "a state OSCAL does not know",
            Box::new(|d| {
                d[ar]["results"][0]["findings"][0]["target"]["status"]["state"] = "failed".into()
            }),
            "/findings/0/target/status/state",
        ),
        (
            "a prop value with a line break",
            Box::new(|d| d[ar]["metadata"]["props"][0]["value"] = "two\nlines".into()),
            "/metadata/props/0/value",
        ),
        (
            "a date without a time zone",
            Box::new(|d| d[ar]["results"][0]["start"] = "2026-07-01T00:00:00".into()),
            "/results/0/start",
        ),
        (
            "a version-1 UUID",
            Box::new(|d| d[ar]["uuid"] = "6ba7b810-9dad-11d1-80b4-00c04fd430c8".into()),
            "/assessment-results/uuid",
        ),
        (
            "a control id starting with a digit",
            Box::new(|d| {
                d[ar]["results"][0]["reviewed-controls"]["control-selections"][0]
                    ["include-controls"][0]["control-id"] = "1abc".into()
            }),
            "control-id",
        ),
        (
            "a relevant-evidence href that is no URI reference",
            Box::new(|d| {
                let observations = d[ar]["results"][0]["observations"].as_array_mut().unwrap();
                let o = observations
                    .iter_mut()
                    .find(|o| o.get("relevant-evidence").is_some())
                    .unwrap();
                o["relevant-evidence"][0]["href"] = "q3/a b.pdf".into();
            }),
            "href",
        ),
        (
            "an unknown property",
            Box::new(|d| d[ar]["results"][0]["severity"] = "high".into()),
            "severity",
        ),
    ];
    for (what, change, named) in cases {
        let errors = broken(&*change);
        assert!(!errors.is_empty(), "{what}: not caught");
        assert!(
            errors.iter().any(|e| e.contains(named)),
            "{what}: the errors do not name {named}: {errors:?}"
        );
    }

    // A letter outside ASCII is a letter to the token pattern (`\p{L}`).
    let unicode = broken(&|d| {
        d[ar]["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"][0]
            ["control-id"] = "Ärger-1".into()
    });
    assert!(unicode.is_empty(), "{unicode:?}");
}

/// The version's digest names the document: written over twelve `0`s once the document
/// is made, it is the SHA-256 of the file with those `0`s back in place, and another as-of
/// date gives another.
#[test]
fn the_version_digest_is_the_hash_of_the_document_itself() {
    use sha2::{Digest, Sha256};
    let book = [repo("samples/northwind.xlsx")];
    let text_of = |as_of| {
        let run = run(&book, as_of);
        let analysis = demarc::analyse(&run).unwrap();
        let (files, _) = demarc::inputs::evidence_files::check_all(&analysis.inputs.evidence, None);
        demarc::render::oscal::assessment_results(
            &run,
            &analysis.inputs,
            &analysis.reconciliation,
            &files,
        )
    };
    let text = text_of(None);
    let at = text.find(", content ").unwrap() + ", content ".len();
    let digest = &text[at..at + 12];
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()), "{digest}");
    let zeroed = format!("{}000000000000{}", &text[..at], &text[at + 12..]);
    let hash: String = Sha256::digest(zeroed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, &hash[..12]);
    let later = text_of(Some(d(2026, 10, 15)));
    let at_later = later.find(", content ").unwrap() + ", content ".len();
    assert_ne!(&later[at_later..at_later + 12], digest);
}

/// Under `model = "providers"` the samples' export still validates, and every finding
/// about a cell a provider profile decided names that profile; under the default model
/// no finding does.
#[test]
fn findings_name_the_provider_profile_of_their_cell() {
    let mut providers = run(&[repo("samples/northwind.xlsx")], None);
    providers.model = demarc::model::Model::providers();
    let (doc, analysis) = export(&providers);
    assert_valid(&doc);
    let findings = list(result(&doc), "findings");
    let named: Vec<(&str, &str, &str)> = findings
        .iter()
        .filter_map(|f| {
            Some((
                prop(f, "service")?,
                prop(f, "domain")?,
                prop(f, "responsibility-profile")?,
            ))
        })
        .collect();
    // Amazon RDS's network controls: a container service's security groups are the
    // customer's.
    assert!(
        named.contains(&("Amazon RDS", "Network controls", "AWS container")),
        "{named:?}"
    );
    // A satisfied finding is one control for all its services: it names a profile only
    // when one profile decided every one of their cells (the sample's controls span
    // providers, and none does).
    for f in findings.iter().filter(|f| state(f) == "satisfied") {
        let services = props(f, "service");
        let domain = prop(f, "domain").unwrap();
        let profiles: BTreeSet<Option<&str>> = services
            .iter()
            .map(|s| {
                analysis
                    .reconciliation
                    .cells
                    .iter()
                    .find(|c| c.service == *s && c.domain == domain)
                    .and_then(|c| c.profile.as_deref())
            })
            .collect();
        let uniform = match profiles.iter().collect::<Vec<_>>().as_slice() {
            [Some(one)] => Some(*one),
            _ => None,
        };
        assert_eq!(prop(f, "responsibility-profile"), uniform, "{services:?}");
    }
    // Every name agrees with the cell's own.
    for (service, domain, profile) in &named {
        let cell = analysis
            .reconciliation
            .cells
            .iter()
            .find(|c| c.service == *service && c.domain == *domain)
            .unwrap();
        assert_eq!(cell.profile.as_deref(), Some(*profile));
    }

    let (plain, _) = export(&run(&[repo("samples/northwind.xlsx")], None));
    assert!(list(result(&plain), "findings")
        .iter()
        .all(|f| prop(f, "responsibility-profile").is_none()));
}
