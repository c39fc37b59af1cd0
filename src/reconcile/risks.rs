//! Findings grouped into the risks a board recognises.
//!
//! A board does not read 542,000 findings, nor seven rows of which five are one vendor's
//! missing report once per domain. It reads "Okta gives us no current assurance (5
//! services)", "Control AC-2 has no evidence for 40 services", "Amazon S3 holds PHI
//! outside the residency policy". Every finding belongs to exactly one risk, so the
//! counts a board sees add up to the findings document, and nothing is lost by grouping.
//!
//! Pure: findings and inputs in, risks out, in a fixed order (worst first).

use crate::findings::{Code, Finding, Severity, Side};
use crate::inputs::directory::Subject;
use crate::inputs::names::key;
use crate::inputs::{Inputs, VendorTier};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What kind of risk a group of findings is, and what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "about", rename_all = "snake_case")]
pub enum RiskKind {
    /// One vendor's assurance is missing, lapsed, expiring or does not reach what we use.
    VendorAssurance(String),
    /// One vendor's auditor modified its opinion or noted exceptions.
    VendorOpinion(String),
    /// One of our controls is not evidenced, stale, ineffective or untested across services.
    ControlFailing(String),
    /// Nobody owns a customer responsibility in one domain.
    DomainUnowned(String),
    /// One service's data is held outside the residency policy, or nobody knows where.
    DataOutsidePolicy(String),
    /// What one vendor's report relies on us to do (its CUECs) is not in place.
    VendorReliance(String),
    /// One vendor's own questionnaire contradicts the model or reports its own gaps.
    VendorQuestionnaire(String),
    /// The agreements regulated data needs with one vendor are not signed, or its review
    /// is overdue.
    VendorRelationship(String),
    /// The registers themselves: broken references and conflicting duplicate rows.
    RegisterQuality,
}

/// A group of findings with one cause a board can act on.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    #[serde(flatten)]
    pub kind: RiskKind,
    /// What it is about, as the registers spell it: the vendor, the service, the control
    /// or the domain ("" for the registers' own quality).
    pub subject: String,
    /// Plain words: "Okta gives no current assurance".
    pub title: String,
    /// The worst severity among its findings.
    pub severity: Severity,
    /// The codes of its findings, in catalogue order.
    pub codes: Vec<Code>,
    /// Distinct services its findings name (a vendor-level finding names none).
    pub services: usize,
    /// Distinct service × domain cells its findings name.
    pub cells: usize,
    /// How many findings it groups.
    pub findings: usize,
    /// Who answers for it, where the registers say: a control's owner, a service's owner.
    pub owner: Option<String>,
    /// When it is due to be fixed. Nothing records that yet (the remediation plan will).
    pub due: Option<NaiveDate>,
    /// Services named, in order, for a reader who wants them (the first few are shown).
    pub service_names: Vec<String>,
    /// For a risk about one vendor, its tier on the Vendors sheet (when it has one): a
    /// critical or high tier vendor's risk ranks before others of the same severity.
    pub vendor_tier: Option<VendorTier>,
}

impl RiskKind {
    /// The vendor (name key) a risk is about, for the kinds that are about one vendor.
    pub fn vendor_key(&self) -> Option<&str> {
        match self {
            RiskKind::VendorAssurance(v)
            | RiskKind::VendorOpinion(v)
            | RiskKind::VendorReliance(v)
            | RiskKind::VendorQuestionnaire(v)
            | RiskKind::VendorRelationship(v) => Some(v),
            _ => None,
        }
    }
}

/// Groups findings into risks, worst first: every critical risk before any high one; among
/// equals, a critical or high tier vendor's (Vendors sheet) first, then the one spanning
/// more services, then more findings, then by title.
///
/// `subjects` are the findings' resolved subjects (same order, as in
/// [`super::Reconciliation::subjects`]): a finding's service, its provider and its control
/// are looked up through them, never by name.
pub fn group(findings: &[Finding], subjects: &[Subject], inputs: &Inputs) -> Vec<Risk> {
    struct Building<'a> {
        kind: RiskKind,
        shown: String,
        severity: Severity,
        codes: BTreeSet<Code>,
        services: BTreeSet<&'a str>,
        cells: BTreeSet<(&'a str, &'a str)>,
        findings: usize,
        /// The control and service rows the first finding names, for owner and titles.
        control: Option<usize>,
        service: Option<usize>,
    }
    let mut groups: HashMap<RiskKind, Building> = HashMap::new();
    for (f, subject) in findings.iter().zip(subjects) {
        let vendor = f
            .vendor
            .as_deref()
            .or_else(|| {
                subject
                    .service
                    .map(|s| inputs.services[s].provider.as_str())
            })
            .unwrap_or("an unnamed vendor");
        let (kind, shown) = match f.code.side() {
            Side::Assurance => match f.code {
                Code::OpinionModified | Code::AttestationExceptions => {
                    (RiskKind::VendorOpinion(key(vendor)), vendor.to_string())
                }
                _ => (RiskKind::VendorAssurance(key(vendor)), vendor.to_string()),
            },
            Side::Customer => match (f.code, &f.control_id, &f.domain) {
                (Code::DomainUnowned, _, Some(domain)) => {
                    (RiskKind::DomainUnowned(key(domain)), domain.clone())
                }
                (_, Some(control), _) => (RiskKind::ControlFailing(key(control)), control.clone()),
                // A customer finding naming no control: its own risk, by code.
                _ => (
                    RiskKind::ControlFailing(f.code.as_str().to_string()),
                    String::new(),
                ),
            },
            Side::Residency => {
                let service = f.service.as_deref().unwrap_or("a service");
                (
                    RiskKind::DataOutsidePolicy(key(service)),
                    service.to_string(),
                )
            }
            Side::Cuec => (RiskKind::VendorReliance(key(vendor)), vendor.to_string()),
            Side::Questionnaire => (
                RiskKind::VendorQuestionnaire(key(vendor)),
                vendor.to_string(),
            ),
            Side::Hygiene => (RiskKind::RegisterQuality, String::new()),
            Side::Relationship => (
                RiskKind::VendorRelationship(key(vendor)),
                vendor.to_string(),
            ),
        };
        let group = groups.entry(kind.clone()).or_insert_with(|| Building {
            kind,
            shown,
            severity: f.severity,
            codes: BTreeSet::new(),
            services: BTreeSet::new(),
            cells: BTreeSet::new(),
            findings: 0,
            control: subject.control,
            service: subject.service,
        });
        group.severity = group.severity.max(f.severity);
        group.codes.insert(f.code);
        group.findings += 1;
        if let Some(service) = f.service.as_deref() {
            group.services.insert(service);
            if let Some(domain) = f.domain.as_deref() {
                group.cells.insert((service, domain));
            }
        }
    }

    // Each vendor's tier, by name key, from its first Vendors row.
    let mut tiers: HashMap<String, VendorTier> = HashMap::new();
    for record in &inputs.vendors {
        if let Some(tier) = record.tier {
            tiers.entry(key(&record.vendor)).or_insert(tier);
        }
    }
    let mut risks: Vec<Risk> = groups
        .into_values()
        .map(|g| {
            let services = g.services.len();
            let (title, owner) = match &g.kind {
                RiskKind::VendorAssurance(_) => {
                    (assurance_title(&g.shown, &g.codes, services), None)
                }
                RiskKind::VendorOpinion(_) => (opinion_title(&g.shown, &g.codes), None),
                RiskKind::ControlFailing(_) => {
                    let control = g.control.map(|c| &inputs.controls[c]);
                    let name = match control {
                        Some(c) if !c.title.trim().is_empty() => {
                            format!("Control {} ({})", c.id, c.title.trim())
                        }
                        Some(c) => format!("Control {}", c.id),
                        None if g.shown.is_empty() => "A control".to_string(),
                        None => format!("Control {}", g.shown),
                    };
                    (
                        format!("{name} {}", control_state(&g.codes, services)),
                        control.map(|c| c.owner.trim().to_string()),
                    )
                }
                RiskKind::DomainUnowned(_) => (
                    format!(
                        "Nobody owns {} for {}",
                        g.shown,
                        count(services, "service", "services")
                    ),
                    None,
                ),
                RiskKind::DataOutsidePolicy(_) => {
                    let service = g.service.map(|s| &inputs.services[s]);
                    let classes = service
                        .map(|s| {
                            s.data_classes
                                .iter()
                                .filter(|c| c.is_regulated())
                                .map(|c| c.as_str())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    let data = if classes.is_empty() {
                        "its data".to_string()
                    } else {
                        classes.join(" and ")
                    };
                    let title = if g.codes.contains(&Code::ResidencyViolation) {
                        format!("{} holds {data} outside the residency policy", g.shown)
                    } else {
                        format!("Nobody has said where {} holds {data}", g.shown)
                    };
                    (title, service.map(|s| s.owner.trim().to_string()))
                }
                RiskKind::VendorReliance(_) => (
                    format!(
                        "Controls {}'s report relies on us for are not in place",
                        g.shown
                    ),
                    None,
                ),
                RiskKind::VendorQuestionnaire(_) => (
                    format!(
                        "{}'s own questionnaire contradicts our model or reports gaps",
                        g.shown
                    ),
                    None,
                ),
                RiskKind::VendorRelationship(_) => {
                    (relationship_title(&g.shown, &g.codes, services), None)
                }
                RiskKind::RegisterQuality => (
                    "The registers hold broken references or conflicting rows".to_string(),
                    None,
                ),
            };
            Risk {
                subject: g.shown.clone(),
                title,
                severity: g.severity,
                codes: g.codes.into_iter().collect(),
                services,
                cells: g.cells.len(),
                findings: g.findings,
                owner: owner.filter(|o| !o.is_empty()),
                due: None,
                service_names: g.services.iter().map(|s| s.to_string()).collect(),
                vendor_tier: g.kind.vendor_key().and_then(|v| tiers.get(v).copied()),
                kind: g.kind,
            }
        })
        .collect();
    let prominent = |r: &Risk| r.vendor_tier.is_some_and(VendorTier::is_prominent);
    risks.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(prominent(b).cmp(&prominent(a)))
            .then(b.services.cmp(&a.services))
            .then(b.findings.cmp(&a.findings))
            .then(a.title.cmp(&b.title))
            .then(a.kind.cmp(&b.kind))
    });
    risks
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "Okta gives no current assurance for 5 services": the most serious code decides.
fn assurance_title(vendor: &str, codes: &BTreeSet<Code>, services: usize) -> String {
    let reach = if services > 0 {
        format!(" for {}", count(services, "service", "services"))
    } else {
        String::new()
    };
    if codes.contains(&Code::AttestationMissing) {
        format!("{vendor} gives no current assurance{reach}")
    } else if codes.contains(&Code::AttestationGap) || codes.contains(&Code::AttestationExpired) {
        format!("{vendor}'s assurance has lapsed{reach}")
    } else if codes.contains(&Code::AttestationScope) {
        format!("{vendor}'s reports do not cover all we use{reach}")
    } else if codes.contains(&Code::SubserviceUnattested) {
        format!("{vendor}'s report carves out organisations no report covers")
    } else {
        format!("{vendor}'s certificate expires soon")
    }
}

/// "No BAA signed with Scribewell for 1 service", or an overdue review.
fn relationship_title(vendor: &str, codes: &BTreeSet<Code>, services: usize) -> String {
    let reach = if services > 0 {
        format!(" for {}", count(services, "service", "services"))
    } else {
        String::new()
    };
    let mut missing = Vec::new();
    if codes.contains(&Code::BaaMissing) {
        missing.push("BAA");
    }
    if codes.contains(&Code::DpaMissing) {
        missing.push("DPA");
    }
    let overdue = codes.contains(&Code::VendorReviewOverdue);
    match (missing.is_empty(), overdue) {
        (false, false) => format!("No {} signed with {vendor}{reach}", missing.join(" or ")),
        (false, true) => format!(
            "No {} signed with {vendor}{reach}, and its review is overdue",
            missing.join(" or ")
        ),
        _ => format!("{vendor}'s vendor review is overdue"),
    }
}

fn opinion_title(vendor: &str, codes: &BTreeSet<Code>) -> String {
    match (
        codes.contains(&Code::OpinionModified),
        codes.contains(&Code::AttestationExceptions),
    ) {
        (true, true) => format!("{vendor}'s auditor modified its opinion and noted exceptions"),
        (true, false) => format!("{vendor}'s auditor modified its opinion"),
        _ => format!("{vendor}'s auditor noted exceptions"),
    }
}

/// What is wrong with a control, in words: "has no evidence for 40 services".
fn control_state(codes: &BTreeSet<Code>, services: usize) -> String {
    let what = if codes.len() > 1 {
        "is not evidenced"
    } else if codes.contains(&Code::EvidenceMissing) {
        "has no evidence"
    } else if codes.contains(&Code::EvidenceStale) {
        "has out-of-date evidence"
    } else if codes.contains(&Code::ControlIneffective) {
        "was found ineffective"
    } else if codes.contains(&Code::ControlNotTested) {
        "was not fully tested"
    } else {
        "is not evidenced"
    };
    if services == 0 {
        what.to_string()
    } else {
        format!("{what} for {}", count(services, "service", "services"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(
        code: Code,
        severity: Severity,
        service: Option<&str>,
        domain: Option<&str>,
    ) -> Finding {
        Finding {
            id: String::new(),
            code,
            severity,
            message: String::new(),
            remedy: String::new(),
            service: service.map(str::to_string),
            domain: domain.map(str::to_string),
            control_id: None,
            vendor: Some("Okta".into()),
            cuec_id: None,
            sources: Vec::new(),
        }
    }

    fn subjects(findings: &[Finding]) -> Vec<Subject> {
        let directory = crate::inputs::directory::Directory::of(&Inputs::default());
        findings.iter().map(|f| directory.subject(f)).collect()
    }

    #[test]
    fn one_vendors_missing_report_is_one_risk_however_many_domains_it_spans() {
        let mut findings = Vec::new();
        for service in ["Okta Workforce", "Okta Customer"] {
            for domain in ["Identity", "Network", "Data"] {
                findings.push(finding(
                    Code::AttestationMissing,
                    Severity::Critical,
                    Some(service),
                    Some(domain),
                ));
            }
        }
        findings.push(finding(
            Code::AttestationExceptions,
            Severity::High,
            None,
            None,
        ));
        let risks = group(&findings, &subjects(&findings), &Inputs::default());
        assert_eq!(risks.len(), 2, "{risks:#?}");
        let missing = &risks[0];
        assert_eq!(
            missing.title,
            "Okta gives no current assurance for 2 services"
        );
        assert_eq!(
            (
                missing.severity,
                missing.services,
                missing.cells,
                missing.findings
            ),
            (Severity::Critical, 2, 6, 6)
        );
        assert_eq!(risks[1].title, "Okta's auditor noted exceptions");
        // Nothing is lost by grouping.
        assert_eq!(
            risks.iter().map(|r| r.findings).sum::<usize>(),
            findings.len()
        );
    }

    #[test]
    fn every_critical_risk_comes_before_any_high_one_however_wide() {
        let mut findings: Vec<Finding> = (0..50)
            .map(|i| {
                let mut f = finding(
                    Code::EvidenceMissing,
                    Severity::High,
                    Some(&format!("svc{i}")),
                    Some("Data"),
                );
                f.control_id = Some("AC-2".into());
                f
            })
            .collect();
        findings.push(finding(
            Code::OpinionModified,
            Severity::Critical,
            None,
            None,
        ));
        let risks = group(&findings, &subjects(&findings), &Inputs::default());
        assert_eq!(risks[0].severity, Severity::Critical);
        assert_eq!(risks[0].title, "Okta's auditor modified its opinion");
        assert_eq!(
            risks[1].title,
            "Control AC-2 has no evidence for 50 services"
        );
    }

    #[test]
    fn a_critical_or_high_tier_vendors_risk_ranks_first_among_equals() {
        // Zoom's missing report spans more services, so it leads unless Okta's tier says
        // Okta matters more.
        let mut findings = vec![finding(
            Code::AttestationMissing,
            Severity::High,
            Some("Okta Workforce"),
            Some("Identity"),
        )];
        for service in ["Zoom Meetings", "Zoom Phone"] {
            let mut f = finding(
                Code::AttestationMissing,
                Severity::High,
                Some(service),
                None,
            );
            f.vendor = Some("Zoom".into());
            findings.push(f);
        }
        let ranked = |tier: Option<VendorTier>| {
            let mut inputs = Inputs::default();
            let mut record = crate::inputs::build::vendor(" OKTA ");
            record.tier = tier;
            inputs.vendors.push(record);
            group(&findings, &subjects(&findings), &inputs)
                .iter()
                .map(|r| r.subject.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ranked(None), ["Zoom", "Okta"]);
        assert_eq!(ranked(Some(VendorTier::Medium)), ["Zoom", "Okta"]);
        assert_eq!(ranked(Some(VendorTier::High)), ["Okta", "Zoom"]);
        assert_eq!(ranked(Some(VendorTier::Critical)), ["Okta", "Zoom"]);
        // Severity still comes first: a critical tier does not lift a low risk over a high one.
        let mut low = findings.clone();
        low[0].severity = Severity::Low;
        let mut inputs = Inputs::default();
        let mut record = crate::inputs::build::vendor("Okta");
        record.tier = Some(VendorTier::Critical);
        inputs.vendors.push(record);
        let risks = group(&low, &subjects(&low), &inputs);
        assert_eq!(risks[0].subject, "Zoom");
        assert_eq!(risks[1].vendor_tier, Some(VendorTier::Critical));
    }

    #[test]
    fn relationship_findings_are_one_risk_per_vendor() {
        let mut findings = Vec::new();
        for (code, service) in [
            (Code::BaaMissing, Some("Okta Workforce")),
            (Code::DpaMissing, Some("Okta Workforce")),
            (Code::VendorReviewOverdue, None),
        ] {
            findings.push(finding(code, Severity::Medium, service, None));
        }
        let risks = group(&findings, &subjects(&findings), &Inputs::default());
        assert_eq!(risks.len(), 1, "{risks:#?}");
        assert_eq!(
            risks[0].title,
            "No BAA or DPA signed with Okta for 1 service, and its review is overdue"
        );
    }
}
