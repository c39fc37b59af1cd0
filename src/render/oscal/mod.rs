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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod ids;
mod schema;

pub use ids::token;
use ids::{control_tokens, hex, rule_token, Ids};
use schema::*;

/// The OSCAL version the document conforms to (and is tested against).
pub const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of demarc's own `props`. An identifier, not an address anyone must fetch.
pub const NS: &str = "https://demarc.dev/ns/oscal";

/// Renders `assessment-results.json` in memory (the library's callers and tests; `report`
/// streams it with [`write_assessment_results`]).
pub fn assessment_results(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> String {
    let written =
        write_assessment_results(std::io::Cursor::new(Vec::new()), run, inputs, rec, files)
            .expect("writing to memory");
    String::from_utf8(written.into_inner()).expect("serde_json writes UTF-8")
}

/// Twelve characters where the content digest goes, overwritten once it is known.
const DIGEST_PLACEHOLDER: &str = "000000000000";

/// Writes `assessment-results.json` to `out` as it is serialised: findings and observations
/// are made one at a time, so memory stays proportionate to the run's own data, not to the
/// document (half a million findings are hundreds of MB of OSCAL).
///
/// The metadata's version ends in the first 12 hex digits of the SHA-256 of the whole
/// document as written with twelve `0`s in their place: the digest names the content, yet
/// the document is made in one pass. They are written over the placeholder at the end
/// (hence `Seek`).
pub fn write_assessment_results<W: std::io::Write + std::io::Seek>(
    mut out: W,
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    files: &[FileStatus],
) -> std::io::Result<W> {
    let start = out.stream_position()?;
    let pass = Pass::new(run, inputs, rec, files);
    let result = pass.plan.result(&pass.ids);
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
    let plan = pass.back_matter.resources[0].uuid.clone();
    // The version is written as is (it is one line, and its parts are JSON-safe): its
    // placeholder must be found again byte for byte.
    let version = single_line(&format!(
        "{} as of {}, content {DIGEST_PLACEHOLDER}",
        run.period.label, run.as_of
    ));
    let document = Document {
        assessment_results: AssessmentResults {
            uuid: pass.ids.borrow().root.to_string(),
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
                version: version.clone(),
                oscal_version: OSCAL_VERSION,
                props: metadata_props.into_iter().flatten().collect(),
                parties: pass.parties,
            },
            import_ap: ImportAp {
                href: format!("#{plan}"),
                remarks: "demarc keeps no separate OSCAL assessment plan: the back-matter resource referenced here states the rules every finding was judged by.".into(),
            },
            results: [result],
            back_matter: pass.back_matter,
        },
    };
    // Written as the document writes it (escapes included).
    let mut needle = crate::render::document::write_pretty_json(Vec::new(), &version)?;
    needle.pop();
    let needle = String::from_utf8(needle).expect("serde_json writes UTF-8");
    let mut hashing = HashingWriter {
        inner: out,
        sha: Sha256::new(),
        written: 0,
        head: Vec::new(),
    };
    // serde_json writes a document in pieces of a few bytes: buffered here, the hash is
    // fed in large blocks rather than once a piece (a few seconds at half a million
    // findings).
    let mut buffered = crate::render::document::write_pretty_json(
        std::io::BufWriter::with_capacity(1 << 16, &mut hashing),
        &document,
    )?;
    std::io::Write::flush(&mut buffered)?;
    drop(buffered);
    // The metadata's `"version": "…"` is the document's first: every key before it is
    // demarc's, and a quote inside a string value is escaped, so no value can imitate it.
    let key = format!("\"version\": {needle}");
    let at = hashing
        .head
        .windows(key.len())
        .position(|w| w == key.as_bytes())
        .ok_or_else(|| std::io::Error::other("the OSCAL version was not where it is written"))?;
    let digest = hex(&hashing.sha.finalize());
    let mut out = hashing.inner;
    let placeholder_at = start + (at + key.len() - 1 - DIGEST_PLACEHOLDER.len()) as u64;
    out.seek(std::io::SeekFrom::Start(placeholder_at))?;
    out.write_all(&digest.as_bytes()[..DIGEST_PLACEHOLDER.len()])?;
    out.seek(std::io::SeekFrom::End(0))?;
    Ok(out)
}

/// Passes writes on, hashing them, and keeps the document's head (where the metadata is)
/// to find the version's placeholder in.
struct HashingWriter<W> {
    inner: W,
    sha: Sha256,
    written: usize,
    head: Vec<u8>,
}

/// How much of the document's start is kept to find the version in: the metadata before
/// it holds the organisation's name and fixed text, far below this.
const HEAD_BYTES: usize = 1 << 20;

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.sha.update(&bytes[..n]);
        if self.written < HEAD_BYTES {
            let keep = n.min(HEAD_BYTES - self.written);
            self.head.extend_from_slice(&bytes[..keep]);
        }
        self.written += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One serialisation of the document: its identifiers are handed out in the same order
/// every time (parties, back matter, observations, findings), so both passes agree.
struct Pass<'a> {
    ids: std::cell::RefCell<Ids>,
    parties: Vec<Party>,
    back_matter: BackMatter,
    plan: Plan<'a>,
}

impl<'a> Pass<'a> {
    fn new(
        run: &'a Run,
        inputs: &'a Inputs,
        rec: &'a Reconciliation,
        files: &'a [FileStatus],
    ) -> Pass<'a> {
        let mut ids = Ids::new(run);
        let parties = run
            .organisation
            .as_deref()
            .map(single_line)
            .filter(|name| !name.is_empty())
            .map(|name| Party {
                uuid: ids.make(&["party", &name]),
                kind: "organization",
                name,
            })
            .into_iter()
            .collect();
        let back_matter = back_matter(&mut ids, inputs);
        let resources: HashMap<&'a str, String> = inputs
            .files
            .iter()
            .zip(back_matter.resources.iter().skip(1))
            .map(|(file, resource)| (file.path.as_str(), resource.uuid.clone()))
            .collect();
        let plan = Plan::new(&mut ids, run, inputs, rec, files, resources);
        Pass {
            ids: std::cell::RefCell::new(ids),
            parties,
            back_matter,
            plan,
        }
    }
}

/// What the result holds, worked out before any of it is written: the evidence rows
/// observed, the observations shared by findings no row supports, and the controls
/// satisfied for which services. Only indices and UUIDs: the findings and observations
/// themselves are made as they are written.
struct Plan<'a> {
    run: &'a Run,
    inputs: &'a Inputs,
    rec: &'a Reconciliation,
    files: &'a [FileStatus],
    /// Input file path → the UUID of its back-matter resource.
    resources: HashMap<&'a str, String>,
    tokens: BTreeMap<String, String>,
    by_source: HashMap<&'a Source, usize>,
    /// Evidence rows observed, in input order, with their observation's UUID.
    rows: Vec<(usize, String)>,
    row_uuid: HashMap<usize, usize>,
    /// One observation per code and first source, shared by every finding of that code
    /// citing that source and no evidence row ("examined Controls!12 for
    /// EVIDENCE_MISSING"): the first such finding, and the observation's UUID.
    gaps: Vec<(usize, String)>,
    gap_of: HashMap<(Code, Option<&'a Source>), usize>,
    /// Per control (index into `inputs.controls`, catalogue order), the in-scope services
    /// whose newest evidence is fresh and Effective, with that row.
    satisfied: Vec<(usize, Vec<(usize, usize)>)>,
    /// Under `model = "providers"`: the provider profile that gave each cell (service
    /// key, domain) its owner; empty under the default model.
    profile_of: HashMap<(String, &'a str), &'a str>,
}

impl<'a> Plan<'a> {
    fn new(
        ids: &mut Ids,
        run: &'a Run,
        inputs: &'a Inputs,
        rec: &'a Reconciliation,
        files: &'a [FileStatus],
        resources: HashMap<&'a str, String>,
    ) -> Plan<'a> {
        let by_source: HashMap<&Source, usize> = inputs
            .evidence
            .iter()
            .enumerate()
            .map(|(i, e)| (&e.source, i))
            .collect();
        let mut per_control: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for st in &rec.control_status {
            if let Some(row) = st.newest().filter(|_| st.is_good(&inputs.evidence)) {
                per_control
                    .entry(st.control)
                    .or_default()
                    .push((st.service, row));
            }
        }
        let mut observed: Vec<usize> = rec
            .findings
            .iter()
            .flat_map(|f| f.sources.iter().filter_map(|s| by_source.get(s).copied()))
            .chain(per_control.values().flatten().map(|&(_, row)| row))
            .collect();
        observed.sort_unstable();
        observed.dedup();
        let rows: Vec<(usize, String)> = observed
            .into_iter()
            .map(|row| {
                let e = &inputs.evidence[row];
                let at = e.source.row.to_string();
                (
                    row,
                    ids.make(&["evidence", &e.source.file, &e.source.sheet, &at]),
                )
            })
            .collect();
        let row_uuid = rows
            .iter()
            .enumerate()
            .map(|(i, (row, _))| (*row, i))
            .collect();
        let mut gaps = Vec::new();
        let mut gap_of = HashMap::new();
        for (i, f) in rec.findings.iter().enumerate() {
            if f.sources.iter().any(|s| by_source.contains_key(s)) {
                continue;
            }
            let first = f.sources.first();
            gap_of.entry((f.code, first)).or_insert_with(|| {
                let source = first.map(|s| s.to_string()).unwrap_or_default();
                gaps.push((i, ids.make(&["examined", f.code.as_str(), &source])));
                gaps.len() - 1
            });
        }
        Plan {
            run,
            inputs,
            rec,
            files,
            resources,
            tokens: control_tokens(inputs),
            by_source,
            rows,
            row_uuid,
            gaps,
            gap_of,
            satisfied: per_control.into_iter().collect(),
            profile_of: rec
                .cells
                .iter()
                .filter_map(|c| Some(((key(&c.service), c.domain.as_str()), c.profile.as_deref()?)))
                .collect(),
        }
    }

    /// The profile that decided the cell of `service` and `domain`, as a prop (none under
    /// the default model, whose file is unchanged).
    fn profile_prop(&self, service: Option<&str>, domain: Option<&str>) -> Option<Prop> {
        let label = self.profile_of.get(&(key(service?), domain?))?;
        Prop::demarc("responsibility-profile", label)
    }

    /// The result, its observations and findings made as they are serialised.
    fn result<'p>(&'p self, ids: &'p std::cell::RefCell<Ids>) -> ResultOut<'p> {
        let (run, inputs, rec) = (self.run, self.inputs, self.rec);
        let uuid = ids.borrow_mut().make(&["result"]);
        let observations = self
            .rows
            .iter()
            .map(move |(row, uuid)| {
                evidence_observation(
                    uuid.clone(),
                    &inputs.evidence[*row],
                    self.files.get(*row),
                    &self.resources,
                )
            })
            .chain(self.gaps.iter().map(move |(first, uuid)| {
                gap_observation(uuid.clone(), run, &rec.findings[*first], &self.resources)
            }));
        let findings = rec
            .findings
            .iter()
            .map(move |finding| {
                let mut related: Vec<RelatedObservation> = finding
                    .sources
                    .iter()
                    .filter_map(|s| self.by_source.get(s))
                    .map(|row| RelatedObservation {
                        observation_uuid: self.rows[self.row_uuid[row]].1.clone(),
                    })
                    .collect();
                if related.is_empty() {
                    let gap = self.gap_of[&(finding.code, finding.sources.first())];
                    related.push(RelatedObservation {
                        observation_uuid: self.gaps[gap].1.clone(),
                    });
                }
                let profile =
                    self.profile_prop(finding.service.as_deref(), finding.domain.as_deref());
                not_satisfied(
                    &mut ids.borrow_mut(),
                    finding,
                    &self.tokens,
                    related,
                    profile,
                )
            })
            .chain(self.satisfied.iter().map(move |(control, services)| {
                self.satisfied_control(&mut ids.borrow_mut(), *control, services)
            }));
        let pairs: usize = self.satisfied.iter().map(|(_, s)| s.len()).sum();
        ResultOut {
            uuid,
            title: format!("Shared-responsibility reconciliation, {}", run.period.label),
            description: format!(
                "demarc {} reconciled the inputs against the responsibility model \"{}\" as at {}: for every in-scope service and responsibility domain, whether its owner's part is evidenced. {} finding(s) are not satisfied; {} control and service pair(s), in {} control(s), have fresh, Effective evidence and are satisfied.",
                env!("CARGO_PKG_VERSION"),
                run.model.name,
                run.period.end,
                rec.findings.len(),
                pairs,
                self.satisfied.len()
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
            reviewed_controls: reviewed_controls(inputs, &self.tokens),
            observations: Streamed::new(self.rows.len() + self.gaps.len(), observations),
            findings: Streamed::new(rec.findings.len() + self.satisfied.len(), findings),
            remarks: "Each not-satisfied finding is one demarc finding (findings.json), with its code, severity and subject in props of the demarc namespace and its remedy in remarks. A satisfied finding is one control whose newest evidence is fresh and Effective for the in-scope services named in its service props, one related observation per evidence row. Findings that no evidence row supports share one observation per code and first source row examined. Vendor attestations that cover their cells raise no finding and are not listed as satisfied.".into(),
        }
    }

    /// One control, satisfied for `services` (service, newest row): a finding for the
    /// control, not one per service, so that a control applying to thousands of services
    /// is one entry.
    fn satisfied_control(
        &self,
        ids: &mut Ids,
        control: usize,
        services: &[(usize, usize)],
    ) -> FindingOut {
        let (run, inputs) = (self.run, self.inputs);
        let control = &inputs.controls[control];
        let cutoff =
            crate::inputs::period::months_before(run.period.end, control.frequency.window_months());
        let domain = run
            .model
            .domains
            .get(control.domain)
            .map_or("", |d| d.name.as_str());
        let names: Vec<&str> = services
            .iter()
            .map(|&(s, _)| inputs.services[s].name.as_str())
            .collect();
        let dates = services
            .iter()
            .map(|&(_, row)| inputs.evidence[row].collected_on);
        let (oldest, newest) = (
            dates.clone().min().unwrap_or(run.period.end),
            dates.max().unwrap_or(run.period.end),
        );
        let mut rows: Vec<usize> = services.iter().map(|&(_, row)| row).collect();
        rows.sort_unstable();
        rows.dedup();
        let (title, whom) = match names.as_slice() {
            [one] => (
                format!("{} evidenced for {one}", control.id),
                format!("for {one}"),
            ),
            _ => (
                format!("{} evidenced for {} services", control.id, names.len()),
                format!(
                    "for each of {} services (named in the service props)",
                    names.len()
                ),
            ),
        };
        let collected = if oldest == newest {
            format!("is from {newest}")
        } else {
            format!("is from between {oldest} and {newest}")
        };
        // Named when one profile decided the cell of every one of its services (a
        // control's services may span providers; each cell's is in findings.json).
        let profiles: BTreeSet<Option<String>> = names
            .iter()
            .map(|n| self.profile_prop(Some(n), Some(domain)).map(|p| p.value))
            .collect();
        let profile = match profiles.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(one)] => Prop::demarc("responsibility-profile", one),
            _ => None,
        };
        let mut props: Vec<Prop> = [
            Prop::demarc("control-id", &control.id),
            Prop::demarc("domain", domain),
            profile,
            Prop::demarc("frequency", control.frequency.as_str()),
            Prop::demarc("result", "Effective"),
        ]
        .into_iter()
        .flatten()
        .collect();
        props.extend(names.iter().filter_map(|n| Prop::demarc("service", n)));
        FindingOut {
            uuid: ids.make(&["satisfied", &key(&control.id)]),
            title,
            description: format!(
                "Newest evidence of {} {whom} {collected}, within its {} window (after {}), and says Effective.",
                control.id,
                control.frequency.as_str(),
                cutoff
            ),
            props,
            target: Target {
                kind: "objective-id",
                target_id: self
                    .tokens
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
            related_observations: rows
                .iter()
                .map(|row| RelatedObservation {
                    observation_uuid: self.rows[self.row_uuid[row]].1.clone(),
                })
                .collect(),
            remarks: None,
        }
    }
}

/// The observation of one evidence row: what it says, when it was collected, its file.
fn evidence_observation(
    uuid: String,
    e: &Evidence,
    status: Option<&FileStatus>,
    resources: &HashMap<&str, String>,
) -> Observation {
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
        uuid,
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

/// The observation behind the findings that no evidence row supports (a control with no
/// evidence, an unowned domain, a vendor's attestation), shared by every finding of one code
/// citing the same first source: what demarc examined, and by which rule. Each finding's
/// own message and sources stay in the finding.
fn gap_observation(
    uuid: String,
    run: &Run,
    first: &Finding,
    resources: &HashMap<&str, String>,
) -> Observation {
    let code = first.code;
    let source = first.sources.first();
    let mut props: Vec<Prop> = Prop::demarc("code", code.as_str()).into_iter().collect();
    if let Some(source) = source {
        props.extend(Prop::demarc("source", &source.to_string()));
    }
    Observation {
        uuid,
        title: match source {
            Some(source) => format!("Examined {source} for {}", code.as_str()),
            None => format!("Examined for {}", code.as_str()),
        },
        description: format!("{}: {}", code.title(), code.rule()),
        props,
        links: source
            .and_then(|s| resource_link(s, resources))
            .into_iter()
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
fn resource_link(source: &Source, resources: &HashMap<&str, String>) -> Option<Link> {
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
