//! `assessment-results.json`: the run as an OSCAL 1.1.3 assessment-results document, for the
//! GRC tools and auditors that read OSCAL.
//!
//! One result for the period. Every demarc finding becomes an OSCAL finding whose target is
//! `not-satisfied`; every (control, in-scope service) whose newest evidence is fresh and
//! Effective becomes a `satisfied` one. The evidence rows behind them are the observations;
//! a finding with no evidence row behind it (a missing control, a vendor's attestation) gets
//! an observation of its own naming the rows demarc examined. The input workbooks, with their
//! SHA-256, and demarc's rule catalogue (standing in for an assessment plan, which demarc
//! does not have) are back-matter resources.
//!
//! This module owns the mapping to OSCAL and nothing else: every judgement is reconcile's.
//! Every UUID is a version-5 UUID derived from the content it names, and every date comes
//! from the period or the as-of date, never the clock — the same inputs give a byte-identical
//! file. Spreadsheet text reaches the file only through serde, as JSON strings; text put in
//! a `prop` (where OSCAL forbids line breaks and surrounding spaces) has its whitespace
//! collapsed, and the exact text is always in a description or remarks beside it.

use crate::findings::{Code, Finding, Source};
use crate::inputs::evidence_files::FileStatus;
use crate::inputs::names::key;
use crate::inputs::{Evidence, Inputs};
use crate::reconcile::Reconciliation;
use crate::Run;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

mod ids;
mod schema;

pub use ids::token;
use ids::{control_tokens, hex, rule_token, Ids};
use schema::*;

/// The OSCAL version the document conforms to (and is tested against).
pub const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of demarc's own `props`. An identifier, not an address anyone must fetch.
pub const NS: &str = "https://demarc.dev/ns/oscal";

/// Renders `assessment-results.json`.
pub fn assessment_results(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> String {
    let mut ids = Ids::new(run);
    let back_matter = back_matter(&mut ids, inputs);
    let resources: HashMap<&str, &str> = inputs
        .files
        .iter()
        .zip(back_matter.resources.iter().skip(1))
        .map(|(file, resource)| (file.path.as_str(), resource.uuid.as_str()))
        .collect();
    let result = result(&mut ids, run, inputs, rec, files, &resources);
    let plan = back_matter.resources[0].uuid.clone();

    // The version names the content, so that two runs of one period on different inputs
    // are told apart, and a rerun on the same inputs is not.
    let content = serde_json::to_vec(&(&result, &back_matter)).expect("OSCAL content is JSON");
    let digest = hex(&Sha256::digest(&content));
    let organisation = run.organisation.as_deref().map(single_line);
    let mut metadata_props = vec![Prop::core("marking", &run.classification)];
    metadata_props.extend([
        Prop::demarc("period", &run.period.label),
        Prop::demarc("period-start", &run.period.start.to_string()),
        Prop::demarc("period-end", &run.period.end.to_string()),
        Prop::demarc("as-of", &run.as_of.to_string()),
        Prop::demarc("model", &run.model.name),
        Prop::demarc("tool", &format!("demarc {}", env!("CARGO_PKG_VERSION"))),
    ]);
    let parties = organisation
        .iter()
        .filter(|name| !name.is_empty())
        .map(|name| Party {
            uuid: ids.make(&["party", name]),
            kind: "organization",
            name: name.clone(),
        })
        .collect();
    let document = Document {
        assessment_results: AssessmentResults {
            uuid: ids.root.to_string(),
            metadata: Metadata {
                title: match &organisation {
                    Some(name) if !name.is_empty() => format!(
                        "{name}: shared-responsibility assessment results, {}",
                        run.period.label
                    ),
                    _ => format!(
                        "Shared-responsibility assessment results, {}",
                        run.period.label
                    ),
                },
                last_modified: midnight(run.as_of),
                version: single_line(&format!(
                    "{} as of {}, content {}",
                    run.period.label,
                    run.as_of,
                    &digest[..12]
                )),
                oscal_version: OSCAL_VERSION,
                props: metadata_props.into_iter().flatten().collect(),
                parties,
            },
            import_ap: ImportAp {
                href: format!("#{plan}"),
                remarks: "demarc keeps no separate OSCAL assessment plan: the back-matter resource referenced here states the rules every finding was judged by.".into(),
            },
            results: vec![result],
            back_matter,
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("OSCAL document is JSON");
    text.push('\n');
    text
}

fn result(
    ids: &mut Ids,
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
    resources: &HashMap<&str, &str>,
) -> ResultOut {
    let uuid = ids.make(&["result"]);
    let tokens = control_tokens(inputs);

    // The evidence rows behind the findings, and the newest row behind each satisfied one.
    let by_source: HashMap<&Source, usize> = inputs
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| (&e.source, i))
        .collect();
    let satisfied: Vec<_> = rec
        .control_status
        .iter()
        .filter_map(|st| {
            let row = st.newest()?;
            let good = st.is_good(&inputs.evidence);
            good.then_some((st.control, st.service, row))
        })
        .collect();
    let mut rows: Vec<usize> = rec
        .findings
        .iter()
        .flat_map(|f| f.sources.iter().filter_map(|s| by_source.get(s).copied()))
        .chain(satisfied.iter().map(|&(_, _, row)| row))
        .collect();
    rows.sort_unstable();
    rows.dedup();

    let mut observations = Vec::new();
    let mut observation_of_row: HashMap<usize, String> = HashMap::new();
    for &row in &rows {
        let observation =
            evidence_observation(ids, &inputs.evidence[row], files.get(row), resources);
        observation_of_row.insert(row, observation.uuid.clone());
        observations.push(observation);
    }

    // Under `model = "providers"`: the provider profile that gave each cell its owner, named
    // on every finding about that cell (none under the default model: its file is unchanged).
    let profile_of: HashMap<(String, &str), &str> = rec
        .cells
        .iter()
        .filter_map(|c| Some(((key(&c.service), c.domain.as_str()), c.profile.as_deref()?)))
        .collect();
    let profile_prop = |service: Option<&str>, domain: Option<&str>| {
        let label = profile_of.get(&(key(service?), domain?))?;
        Prop::demarc("responsibility-profile", label)
    };

    let mut findings = Vec::new();
    for finding in &rec.findings {
        let mut related: Vec<RelatedObservation> = finding
            .sources
            .iter()
            .filter_map(|s| by_source.get(s))
            .map(|row| RelatedObservation {
                observation_uuid: observation_of_row[row].clone(),
            })
            .collect();
        if related.is_empty() {
            let observation = gap_observation(ids, run, finding, resources);
            related.push(RelatedObservation {
                observation_uuid: observation.uuid.clone(),
            });
            observations.push(observation);
        }
        let profile = profile_prop(finding.service.as_deref(), finding.domain.as_deref());
        findings.push(not_satisfied(ids, finding, &tokens, related, profile));
    }
    for &(control, service, row) in &satisfied {
        let control = &inputs.controls[control];
        let service = &inputs.services[service];
        let evidence = &inputs.evidence[row];
        let cutoff =
            crate::inputs::period::months_before(run.period.end, control.frequency.window_months());
        let domain = run
            .model
            .domains
            .get(control.domain)
            .map_or("", |d| d.name.as_str());
        findings.push(FindingOut {
            uuid: ids.make(&["satisfied", &key(&control.id), &key(&service.name)]),
            title: format!("{} evidenced for {}", control.id, service.name),
            description: format!(
                "Newest evidence of {} for {} is from {}, within its {} window (after {}), and says Effective.",
                control.id,
                service.name,
                evidence.collected_on,
                control.frequency.as_str(),
                cutoff
            ),
            props: [
                Prop::demarc("control-id", &control.id),
                Prop::demarc("service", &service.name),
                Prop::demarc("domain", domain),
                profile_prop(Some(&service.name), Some(domain)),
                Prop::demarc("frequency", control.frequency.as_str()),
                Prop::demarc("result", evidence.result.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            target: Target {
                kind: "objective-id",
                target_id: tokens
                    .get(&key(&control.id))
                    .cloned()
                    .unwrap_or_else(|| token(&control.id)),
                title: (!control.title.trim().is_empty()).then(|| control.title.clone()),
                description: "The newest evidence on or before the period end is within the control's frequency window and says Effective.".into(),
                status: Status {
                    state: "satisfied",
                    reason: "pass",
                },
            },
            related_observations: vec![RelatedObservation {
                observation_uuid: observation_of_row[&row].clone(),
            }],
            remarks: None,
        });
    }

    let not_satisfied_count = rec.findings.len();
    let satisfied_count = satisfied.len();
    ResultOut {
        uuid,
        title: format!("Shared-responsibility reconciliation, {}", run.period.label),
        description: format!(
            "demarc {} reconciled the inputs against the responsibility model \"{}\" as at {}: for every in-scope service and responsibility domain, whether its owner's part is evidenced. {} finding(s) are not satisfied; {} control and service pair(s) have fresh, Effective evidence and are satisfied.",
            env!("CARGO_PKG_VERSION"),
            run.model.name,
            run.period.end,
            not_satisfied_count,
            satisfied_count
        ),
        start: midnight(run.period.start),
        end: format!("{}T23:59:59Z", run.period.end),
        props: [
            Prop::demarc("cells", &rec.coverage.cells.to_string()),
            Prop::demarc("cells-evidenced", &rec.coverage.evidenced.to_string()),
            Prop::demarc("coverage-percent", &format!("{:.1}", rec.coverage.percent)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        reviewed_controls: reviewed_controls(inputs, &tokens),
        observations,
        findings,
        remarks: "Each not-satisfied finding is one demarc finding (findings.json), with its code, severity and subject in props of the demarc namespace and its remedy in remarks. A satisfied finding is a control whose newest evidence for one in-scope service is fresh and Effective. Vendor attestations that cover their cells raise no finding and are not listed as satisfied.".into(),
    }
}

/// The observation of one evidence row: what it says, when it was collected, its file.
fn evidence_observation(
    ids: &mut Ids,
    e: &Evidence,
    status: Option<&FileStatus>,
    resources: &HashMap<&str, &str>,
) -> Observation {
    let row = e.source.row.to_string();
    let service = e.service.as_deref().unwrap_or("*");
    let mut props: Vec<Prop> = [
        Prop::demarc("control-id", &e.control_id),
        Prop::demarc("service", service),
        Prop::demarc("collected-on", &e.collected_on.to_string()),
        Prop::demarc("result", e.result.as_str()),
        Prop::demarc("tester", &e.tester),
    ]
    .into_iter()
    .flatten()
    .collect();
    props.extend(source_props(&e.source));
    let relevant_evidence = evidence_file(e, status).into_iter().collect();
    Observation {
        uuid: ids.make(&["evidence", &e.source.file, &e.source.sheet, &row]),
        title: format!(
            "Evidence of {} for {}, collected {}",
            e.control_id,
            e.service
                .as_deref()
                .unwrap_or("every service it applies to"),
            e.collected_on
        ),
        description: if e.description.trim().is_empty() {
            format!("Evidence row {} (no description given).", e.source)
        } else {
            e.description.clone()
        },
        props,
        links: resource_link(&e.source, resources).into_iter().collect(),
        methods: vec!["EXAMINE"],
        types: Vec::new(),
        relevant_evidence,
        collected: midnight(e.collected_on),
        remarks: (!e.notes.trim().is_empty()).then(|| e.notes.clone()),
    }
}

/// The file an evidence row names, as relevant evidence: its path (relative to the evidence
/// root) or URL as a URI reference, and what became of it.
fn evidence_file(e: &Evidence, status: Option<&FileStatus>) -> Option<RelevantEvidence> {
    if e.file.trim().is_empty() {
        return None;
    }
    let status = status.unwrap_or(&FileStatus::NotChecked);
    let mut props: Vec<Prop> = [
        Prop::demarc("evidence-file", &e.file),
        Prop::demarc("file-status", status.label()),
        Prop::demarc("sha256", status.sha256()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let FileStatus::Hashed { bytes, .. } = status {
        props.extend(Prop::demarc("bytes", &bytes.to_string()));
    }
    let (href, description) = match status {
        FileStatus::Url => (
            Some(url_reference(e.file.trim())),
            "The URL the Evidence row names (recorded, not fetched).".to_string(),
        ),
        FileStatus::Refused(why) => (
            None,
            format!("The file the Evidence row names was refused and not read: {why}."),
        ),
        _ => (
            Some(path_reference(e.file.trim())),
            "The file the Evidence row names, relative to the evidence root.".to_string(),
        ),
    };
    Some(RelevantEvidence {
        href,
        description,
        props,
    })
}

/// The observation behind a finding that no evidence row supports (a control with no
/// evidence, an unowned domain, a vendor's attestation): the rows demarc examined.
fn gap_observation(
    ids: &mut Ids,
    run: &Run,
    finding: &Finding,
    resources: &HashMap<&str, &str>,
) -> Observation {
    let mut parts = vec!["examined", finding.code.as_str()];
    parts.extend(subject(finding));
    let sources: Vec<String> = finding.sources.iter().map(|s| s.to_string()).collect();
    parts.extend(sources.iter().map(String::as_str));
    let mut props: Vec<Prop> = Prop::demarc("code", finding.code.as_str())
        .into_iter()
        .collect();
    for source in &finding.sources {
        props.extend(Prop::demarc("source", &source.to_string()));
    }
    Observation {
        uuid: ids.make(&parts),
        title: format!("Examined for {}", finding.code.as_str()),
        description: finding.message.clone(),
        props,
        links: finding
            .sources
            .iter()
            .filter_map(|s| resource_link(s, resources))
            .collect(),
        methods: vec!["EXAMINE"],
        types: vec!["finding"],
        relevant_evidence: Vec::new(),
        collected: midnight(run.as_of),
        remarks: None,
    }
}

/// A demarc finding as an OSCAL finding: not satisfied.
fn not_satisfied(
    ids: &mut Ids,
    finding: &Finding,
    tokens: &BTreeMap<String, String>,
    related_observations: Vec<RelatedObservation>,
    profile: Option<Prop>,
) -> FindingOut {
    let mut parts = vec!["finding", finding.code.as_str()];
    parts.extend(subject(finding));
    let sources: Vec<String> = finding.sources.iter().map(|s| s.to_string()).collect();
    parts.extend(sources.iter().map(String::as_str));
    let code = finding.code;
    let mut props: Vec<Prop> = [
        Prop::demarc("finding-id", &finding.id),
        Prop::demarc("code", code.as_str()),
        Prop::demarc("severity", finding.severity.as_str()),
        finding
            .service
            .as_deref()
            .and_then(|v| Prop::demarc("service", v)),
        finding
            .domain
            .as_deref()
            .and_then(|v| Prop::demarc("domain", v)),
        profile,
        finding
            .control_id
            .as_deref()
            .and_then(|v| Prop::demarc("control-id", v)),
        finding
            .vendor
            .as_deref()
            .and_then(|v| Prop::demarc("vendor", v)),
        finding
            .cuec_id
            .as_deref()
            .and_then(|v| Prop::demarc("cuec-id", v)),
    ]
    .into_iter()
    .flatten()
    .collect();
    for source in &finding.sources {
        props.extend(Prop::demarc("source", &source.to_string()));
    }
    // A finding about a control of the catalogue targets the control; any other targets
    // the demarc rule that raised it.
    let target_id = finding
        .control_id
        .as_deref()
        .and_then(|id| tokens.get(&key(id)).cloned())
        .unwrap_or_else(|| rule_token(code));
    FindingOut {
        uuid: ids.make(&parts),
        title: format!("{} ({})", code.title(), code.as_str()),
        description: finding.message.clone(),
        props,
        target: Target {
            kind: "objective-id",
            target_id,
            title: Some(code.title().to_string()),
            description: code.rule().to_string(),
            status: Status {
                state: "not-satisfied",
                reason: "fail",
            },
        },
        related_observations,
        remarks: Some(format!("Remedy: {}", finding.remedy)),
    }
}

/// What a finding is about, for its UUID.
fn subject(finding: &Finding) -> Vec<&str> {
    [
        &finding.service,
        &finding.domain,
        &finding.control_id,
        &finding.vendor,
        &finding.cuec_id,
    ]
    .into_iter()
    .map(|field| field.as_deref().unwrap_or(""))
    .collect()
}

/// The control catalogue as `reviewed-controls`: every control (its first row), by token.
fn reviewed_controls(inputs: &Inputs, tokens: &BTreeMap<String, String>) -> ReviewedControls {
    let mut seen = HashSet::new();
    let include_controls: Vec<SelectControl> = inputs
        .controls
        .iter()
        .filter(|c| seen.insert(key(&c.id)))
        .map(|c| SelectControl {
            control_id: tokens[&key(&c.id)].clone(),
        })
        .collect();
    let none = include_controls.is_empty();
    ReviewedControls {
        control_selections: vec![ControlSelection {
            description: "The customer's control catalogue (the Controls sheet). A control id that is not an OSCAL token is written with `_` for each character a token cannot hold and a `-` and 8 hex digits of the SHA-256 of the id (trimmed, lower-cased) appended; the id as typed is in the control-id prop of each finding.".into(),
            include_all: none.then_some(Empty {}),
            include_controls,
        }],
    }
}

/// The back matter: first the rule catalogue standing in for the assessment plan, then one
/// resource per input file with its SHA-256 (in the order of `inputs.files`).
fn back_matter(ids: &mut Ids, inputs: &Inputs) -> BackMatter {
    let mut rules = String::from(
        "demarc judges every in-scope service and responsibility domain as at the period end: customer and shared cells need fresh, effective customer evidence; provider and shared cells need a vendor attestation that covers the service, the domain and the period end. Each finding code and the rule that raises it:\n",
    );
    for code in Code::ALL {
        rules.push_str(&format!(
            "\n{} ({}, base severity {}): {}",
            code.as_str(),
            code.title(),
            code.base_severity().as_str(),
            code.rule()
        ));
    }
    let mut resources = vec![Resource {
        uuid: ids.make(&["assessment-plan"]),
        title: format!("demarc {} reconciliation rules", env!("CARGO_PKG_VERSION")),
        description: rules,
        props: Vec::new(),
        rlinks: Vec::new(),
    }];
    for file in &inputs.files {
        let sheets: Vec<String> = file
            .sheets
            .iter()
            .map(|s| format!("{} ({}, {} rows)", s.name, s.kind_label(), s.rows))
            .collect();
        resources.push(Resource {
            uuid: ids.make(&["input", &file.path]),
            title: file.path.clone(),
            description: if sheets.is_empty() {
                "An input file read by demarc.".to_string()
            } else {
                format!(
                    "An input file read by demarc. Sheets: {}.",
                    sheets.join("; ")
                )
            },
            props: Prop::demarc("bytes", &file.bytes.to_string())
                .into_iter()
                .collect(),
            rlinks: vec![Rlink {
                href: path_reference(&file.path),
                hashes: Prop::value(&file.sha256)
                    .map(|value| Hash {
                        algorithm: "SHA-256",
                        value,
                    })
                    .into_iter()
                    .collect(),
            }],
        });
    }
    BackMatter { resources }
}

/// A link from an observation to the input file resource its row came from.
fn resource_link(source: &Source, resources: &HashMap<&str, &str>) -> Option<Link> {
    resources.get(&*source.file).map(|uuid| Link {
        href: format!("#{uuid}"),
        rel: "reference",
        text: format!("{}!{}", source.sheet, source.row),
    })
}

/// Where a row came from, as props.
fn source_props(source: &Source) -> Vec<Prop> {
    [
        Prop::demarc("source-file", &source.file),
        Prop::demarc("source-sheet", &source.sheet),
        Prop::demarc("source-row", &source.row.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A date at the start of its day, in UTC.
fn midnight(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

/// Text as one line: every run of whitespace (line breaks included) one space, trimmed —
/// what OSCAL's StringDatatype (`^\S(.*\S)?$`) accepts.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A path as a URI reference: everything but unreserved characters and `/` percent-encoded
/// (so `:` and `\` cannot make a Windows path look like a scheme), and a leading `//`
/// kept from reading as an authority.
fn path_reference(path: &str) -> String {
    let mut out = String::new();
    for (i, c) in path.chars().enumerate() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | '_' | '~')
            || (c == '/' && !(i == 1 && path.starts_with("//")));
        push_char(&mut out, c, keep);
    }
    out
}

/// A URL as a URI reference: reserved characters kept (but `[`, `]`, and every `#` after
/// the first, encoded), `%` kept where it already starts an escape, everything else
/// percent-encoded.
fn url_reference(url: &str) -> String {
    let mut out = String::new();
    let mut fragment = false;
    let chars: Vec<char> = url.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let keep = match c {
            '#' => !std::mem::replace(&mut fragment, true),
            '%' => {
                chars.get(i + 1).is_some_and(char::is_ascii_hexdigit)
                    && chars.get(i + 2).is_some_and(char::is_ascii_hexdigit)
            }
            _ => c.is_ascii_alphanumeric() || "-._~:/?@!$&'()*+,;=".contains(c),
        };
        push_char(&mut out, c, keep);
    }
    out
}

fn push_char(out: &mut String, c: char, keep: bool) {
    if keep {
        out.push(c);
    } else {
        let mut buf = [0u8; 4];
        for byte in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_token_ids_and_map_the_rest_apart() {
        assert_eq!(token("IAM-06"), "IAM-06");
        assert_eq!(token("A.5.15"), "A.5.15");
        assert_eq!(token("_x"), "_x");
        let a = token("1.2");
        assert!(
            a.starts_with("_1.2-") && a.len() == "_1.2-".len() + 8,
            "{a}"
        );
        let (b, c) = (token("CC 6.1"), token("CC:6.1"));
        assert!(b.starts_with("CC_6.1-") && c.starts_with("CC_6.1-"));
        assert_ne!(b, c, "two ids, two tokens");
        // Ids match ignoring case; the document takes the token of the catalogue's spelling.
        assert_eq!(token("cc 6.1")[7..], b[7..]);
    }

    #[test]
    fn references_are_percent_encoded() {
        assert_eq!(path_reference("q3/iam review.pdf"), "q3/iam%20review.pdf");
        assert_eq!(
            path_reference(r"C:\ev\ä#1.pdf"),
            "C%3A%5Cev%5C%C3%A4%231.pdf"
        );
        assert_eq!(path_reference("//host/x"), "/%2Fhost/x");
        assert_eq!(
            url_reference("https://x.example/a b?q=1#f#g%zz%41"),
            "https://x.example/a%20b?q=1#f%23g%25zz%41"
        );
    }

    #[test]
    fn prop_values_are_one_line() {
        assert_eq!(Prop::value("  a\n b\t c "), Some("a b c".into()));
        assert_eq!(Prop::value(" \n "), None);
    }

    #[test]
    fn rule_tokens_name_the_code() {
        assert_eq!(rule_token(Code::EvidenceStale), "demarc-evidence-stale");
        for code in Code::ALL {
            assert_eq!(
                token(&rule_token(code)),
                rule_token(code),
                "{code} is a token"
            );
        }
    }
}
