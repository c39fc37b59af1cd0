//! The rules, table by table, on inputs built in memory ([`crate::inputs::build`]): each
//! row is a small input and every finding it must give, no more. These run in
//! milliseconds, so they can afford to walk each rule's edges (the cut-off day, the 90th
//! day, the newest row winning); `tests/it/rules.rs` shows the same rules end to end, from
//! a workbook to the findings a user reads.
//!
//! One model serves every table: a single domain, `Access`, that the customer owns
//! on-prem and on IaaS, shares on PaaS, and leaves to the provider on SaaS. So an IaaS
//! service has one customer cell, a SaaS service one provider cell, a PaaS service one of
//! each, and a case's findings are only the ones it is about.

use super::{reconcile, Judgement, Reconciliation};
use crate::findings::Finding;
use crate::inputs::build::{
    attestation, control, cuec, date, evidence, iso, service, service_in, soc2, vendor,
    InputsBuilder,
};
use crate::inputs::period::Period;
use crate::inputs::{
    AttestationType, Control, DataClass, Frequency, Inputs, Opinion, Reach, Service, TestResult,
};
use crate::model::residency::Policy;
use crate::model::{Domain, Model, Owner, ServiceModel};

use ServiceModel::{Iaas, Paas, Saas};
use TestResult::{Effective, Exception, Ineffective, NotTested, PartiallyEffective};

/// The period every case is judged for: 2026-07-01 to 2026-09-30. A quarterly control's
/// evidence must be after 2026-06-30.
const PERIOD: &str = "2026-Q3";

fn model() -> Model {
    Model {
        name: "one domain".into(),
        domains: vec![Domain {
            name: "Access".into(),
            owners: [
                Owner::Customer,
                Owner::Customer,
                Owner::Shared,
                Owner::Provider,
            ],
        }],
        overrides: Vec::new(),
        file: None,
        profiles: false,
    }
}

fn judge(inputs: &Inputs, residency: Option<&Policy>) -> Reconciliation {
    let model = model();
    let period = Period::parse(PERIOD, 1).unwrap();
    reconcile(Judgement {
        inputs,
        model: &model,
        period: &period,
        as_of: period.end,
        residency,
        evidence_files: None,
    })
}

/// A finding as a table writes it: code, severity, and what it is about (the service,
/// else the control, the CUEC or the vendor).
fn line(f: &Finding) -> String {
    let subject = f
        .service
        .as_deref()
        .or(f.control_id.as_deref())
        .or(f.cuec_id.as_deref())
        .or(f.vendor.as_deref())
        .unwrap_or("-");
    format!("{} {} {subject}", f.code.as_str(), f.severity)
}

/// One row of a table.
struct Case {
    name: &'static str,
    inputs: Inputs,
    /// Every finding, in the order the reconciler sorts them (worst first).
    expect: &'static [&'static str],
}

/// Runs every case and reports all that fail, not only the first.
fn check(cases: Vec<Case>, residency: Option<&Policy>) {
    let mut failures = Vec::new();
    for case in &cases {
        let got: Vec<String> = judge(&case.inputs, residency)
            .findings
            .iter()
            .map(line)
            .collect();
        if got != case.expect {
            failures.push(format!(
                "{}:\n  expected {:?}\n  got      {:?}",
                case.name, case.expect, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An IaaS service whose one cell is the customer's, and the control that serves it.
fn customer_cell() -> InputsBuilder {
    InputsBuilder::new()
        .service(service("Ledger", "Acme", Iaas))
        .control(control("AC-1", 0))
        .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
}

#[test]
fn customer_evidence() {
    let with = |rows: &[(&str, TestResult)]| {
        rows.iter()
            .fold(customer_cell(), |b, &(on, result)| {
                b.evidence(evidence("AC-1", Some("Ledger"), on, result))
            })
            .build()
    };
    check(
        vec![
            Case {
                name: "fresh and Effective",
                inputs: with(&[("2026-09-01", Effective)]),
                expect: &[],
            },
            Case {
                name: "no evidence",
                inputs: with(&[]),
                expect: &["EVIDENCE_MISSING high Ledger"],
            },
            Case {
                name: "only evidence after the period end",
                inputs: with(&[("2026-10-01", Effective)]),
                expect: &["EVIDENCE_MISSING high Ledger"],
            },
            Case {
                name: "evidence on the period end counts",
                inputs: with(&[("2026-09-30", Effective)]),
                expect: &[],
            },
            Case {
                name: "on the cut-off is stale",
                inputs: with(&[("2026-06-30", Effective)]),
                expect: &["EVIDENCE_STALE medium Ledger"],
            },
            Case {
                name: "the day after the cut-off is fresh",
                inputs: with(&[("2026-07-01", Effective)]),
                expect: &[],
            },
            Case {
                name: "Ineffective",
                inputs: with(&[("2026-09-01", Ineffective)]),
                expect: &["CONTROL_INEFFECTIVE high Ledger"],
            },
            Case {
                name: "Exception",
                inputs: with(&[("2026-09-01", Exception)]),
                expect: &["CONTROL_INEFFECTIVE high Ledger"],
            },
            Case {
                name: "Not tested",
                inputs: with(&[("2026-09-01", NotTested)]),
                expect: &["CONTROL_NOT_TESTED medium Ledger"],
            },
            Case {
                name: "Partially effective",
                inputs: with(&[("2026-09-01", PartiallyEffective)]),
                expect: &["CONTROL_NOT_TESTED medium Ledger"],
            },
            Case {
                name: "stale and Ineffective: judged independently",
                inputs: with(&[("2026-05-01", Ineffective)]),
                expect: &[
                    "CONTROL_INEFFECTIVE high Ledger",
                    "EVIDENCE_STALE medium Ledger",
                ],
            },
            Case {
                name: "the newest row decides: Effective after Ineffective",
                inputs: with(&[("2026-08-01", Ineffective), ("2026-09-01", Effective)]),
                expect: &[],
            },
            Case {
                name: "the newest row decides: Ineffective after Effective",
                inputs: with(&[("2026-08-01", Effective), ("2026-09-01", Ineffective)]),
                expect: &["CONTROL_INEFFECTIVE high Ledger"],
            },
            Case {
                name: "a row for every service (blank service) counts",
                inputs: customer_cell()
                    .evidence(evidence("AC-1", None, "2026-09-01", Effective))
                    .build(),
                expect: &[],
            },
            Case {
                name: "evidence for another control does not count",
                inputs: customer_cell()
                    .control(control("AC-2", 0))
                    .evidence(evidence("AC-2", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &["EVIDENCE_MISSING high Ledger"],
            },
        ],
        None,
    );
}

#[test]
fn control_frequency_sets_the_window() {
    let with = |frequency: Frequency, on: &str| {
        InputsBuilder::new()
            .service(service("Ledger", "Acme", Iaas))
            .control(Control {
                frequency,
                ..control("AC-1", 0)
            })
            .evidence(evidence("AC-1", Some("Ledger"), on, Effective))
            .build()
    };
    let mut cases = Vec::new();
    // (frequency, the cut-off: stale on it, fresh the day after)
    for (frequency, cutoff, day_after) in [
        (Frequency::Continuous, "2026-08-30", "2026-08-31"),
        (Frequency::Monthly, "2026-08-30", "2026-08-31"),
        (Frequency::Quarterly, "2026-06-30", "2026-07-01"),
        (Frequency::Semiannual, "2026-03-30", "2026-03-31"),
        (Frequency::Annual, "2025-09-30", "2025-10-01"),
    ] {
        cases.push(Case {
            name: frequency.as_str(),
            inputs: with(frequency, cutoff),
            expect: &["EVIDENCE_STALE medium Ledger"],
        });
        cases.push(Case {
            name: frequency.as_str(),
            inputs: with(frequency, day_after),
            expect: &[],
        });
    }
    check(cases, None);
}

#[test]
fn which_cells_need_customer_evidence() {
    check(
        vec![
            Case {
                name: "a customer cell with no control for its domain",
                inputs: InputsBuilder::new()
                    .service(service("Ledger", "Acme", Iaas))
                    .build(),
                expect: &["DOMAIN_UNOWNED critical Ledger"],
            },
            Case {
                name: "a control that applies to other services only does not serve the cell",
                inputs: InputsBuilder::new()
                    .service(service("Ledger", "Acme", Iaas))
                    .service(service("Vault", "Acme", Iaas))
                    .control(Control {
                        applies_to: Reach::Named(vec!["Vault".into()]),
                        ..control("AC-1", 0)
                    })
                    .evidence(evidence("AC-1", Some("Vault"), "2026-09-01", Effective))
                    .build(),
                expect: &["DOMAIN_UNOWNED critical Ledger"],
            },
            Case {
                name: "a provider (SaaS) cell needs no customer evidence",
                inputs: InputsBuilder::new()
                    .service(service("Mailer", "Acme", Saas))
                    .control(control("AC-1", 0))
                    .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
                    .build(),
                expect: &[],
            },
            Case {
                name: "a shared (PaaS) cell needs both sides",
                inputs: InputsBuilder::new()
                    .service(service("Queue", "Acme", Paas))
                    .control(control("AC-1", 0))
                    .build(),
                expect: &[
                    "EVIDENCE_MISSING high Queue",
                    "ATTESTATION_MISSING high Queue",
                ],
            },
            Case {
                name: "out of scope: nothing",
                inputs: InputsBuilder::new()
                    .service(Service {
                        in_scope: false,
                        ..service("Queue", "Acme", Paas)
                    })
                    .build(),
                expect: &[],
            },
            Case {
                name: "regulated data steps the severity up",
                inputs: InputsBuilder::new()
                    .service(Service {
                        data_classes: vec![DataClass::Pii],
                        ..service("Ledger", "Acme", Iaas)
                    })
                    .control(control("AC-1", 0))
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-06-01", NotTested))
                    .build(),
                expect: &[
                    "EVIDENCE_STALE high Ledger",
                    "CONTROL_NOT_TESTED high Ledger",
                ],
            },
            Case {
                name: "data that is not regulated does not",
                inputs: InputsBuilder::new()
                    .service(Service {
                        data_classes: vec![DataClass::Confidential, DataClass::Ip],
                        ..service("Ledger", "Acme", Iaas)
                    })
                    .control(control("AC-1", 0))
                    .build(),
                expect: &["EVIDENCE_MISSING high Ledger"],
            },
        ],
        None,
    );
}

/// A SaaS service whose one cell is the provider's.
fn provider_cell() -> InputsBuilder {
    InputsBuilder::new().service(service("Mailer", "Acme", Saas))
}

#[test]
fn vendor_attestations() {
    let with = |row| provider_cell().attestation(row).build();
    check(
        vec![
            Case {
                name: "a report through the period end",
                inputs: with(soc2("Acme", "2025-10-01", "2026-09-30")),
                expect: &[],
            },
            Case {
                name: "no attestation",
                inputs: provider_cell().build(),
                expect: &["ATTESTATION_MISSING high Mailer"],
            },
            Case {
                name: "no Attestations sheet",
                inputs: provider_cell().without_vendor_sheets().build(),
                expect: &["ATTESTATION_MISSING high Mailer"],
            },
            Case {
                name: "another vendor's attestation",
                inputs: with(soc2("Globex", "2025-10-01", "2026-09-30")),
                // … and Globex, vendor of no service, is a reference to nothing.
                expect: &[
                    "ATTESTATION_MISSING high Mailer",
                    "UNKNOWN_REFERENCE low Globex",
                ],
            },
            Case {
                name: "a report that ends before the period end",
                inputs: with(soc2("Acme", "2025-07-01", "2026-06-30")),
                expect: &["ATTESTATION_GAP high Mailer"],
            },
            Case {
                name: "… bridged to the period end",
                inputs: with(attestation_bridged("2026-09-30")),
                expect: &[],
            },
            Case {
                name: "… bridged short of it",
                inputs: with(attestation_bridged("2026-09-29")),
                expect: &["ATTESTATION_GAP high Mailer"],
            },
            Case {
                name: "issued after the period end: not counted",
                inputs: with(crate::inputs::Attestation {
                    issued_on: Some(date("2026-10-15")),
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                expect: &["ATTESTATION_MISSING high Mailer"],
            },
            Case {
                name: "scoped to other services",
                inputs: with(crate::inputs::Attestation {
                    services: Reach::Named(vec!["Calendar".into()]),
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                // … and Calendar, a service of no Services row, is a reference to nothing.
                expect: &[
                    "ATTESTATION_SCOPE high Mailer",
                    "UNKNOWN_REFERENCE low Acme",
                ],
            },
            Case {
                name: "scoped to other domains",
                inputs: with(crate::inputs::Attestation {
                    domains: Some(Vec::new()),
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                expect: &["ATTESTATION_SCOPE high Mailer"],
            },
            Case {
                name: "Qualified opinion",
                inputs: with(opinion(Opinion::Qualified)),
                expect: &["OPINION_MODIFIED high Acme"],
            },
            Case {
                name: "Adverse opinion",
                inputs: with(opinion(Opinion::Adverse)),
                expect: &["OPINION_MODIFIED critical Acme"],
            },
            Case {
                name: "Disclaimer",
                inputs: with(opinion(Opinion::Disclaimer)),
                expect: &["OPINION_MODIFIED critical Acme"],
            },
            Case {
                name: "exceptions noted",
                inputs: with(crate::inputs::Attestation {
                    exceptions: 2,
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                expect: &["ATTESTATION_EXCEPTIONS medium Acme"],
            },
            Case {
                name: "a carved-out subservice organisation without its own attestation",
                inputs: with(crate::inputs::Attestation {
                    subservice_orgs: vec!["Equinix".into()],
                    subservice_method: Some(crate::inputs::SubserviceMethod::CarveOut),
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                expect: &["SUBSERVICE_UNATTESTED medium Acme"],
            },
            Case {
                name: "an included subservice organisation is the report's to cover",
                inputs: with(crate::inputs::Attestation {
                    subservice_orgs: vec!["Equinix".into()],
                    subservice_method: Some(crate::inputs::SubserviceMethod::Inclusive),
                    ..soc2("Acme", "2025-10-01", "2026-09-30")
                }),
                expect: &[],
            },
            Case {
                name: "a certificate valid well past the period end",
                inputs: with(iso("Acme", "2025-01-01", "2027-12-31")),
                expect: &[],
            },
            Case {
                name: "a certificate expired before the period end",
                inputs: with(iso("Acme", "2024-01-01", "2026-09-29")),
                expect: &[
                    "ATTESTATION_GAP high Mailer",
                    "ATTESTATION_EXPIRED high Acme",
                ],
            },
            Case {
                name: "a certificate expiring on the 90th day after the period end",
                inputs: with(iso("Acme", "2025-01-01", "2026-12-29")),
                expect: &["ATTESTATION_EXPIRING low Acme"],
            },
            Case {
                name: "… on the 91st",
                inputs: with(iso("Acme", "2025-01-01", "2026-12-30")),
                expect: &[],
            },
            Case {
                name: "only the latest report of a type is judged",
                inputs: provider_cell()
                    .attestation(opinion(Opinion::Adverse))
                    .attestation(crate::inputs::Attestation {
                        issued_on: Some(date("2026-09-01")),
                        ..soc2("Acme", "2025-10-01", "2026-09-30")
                    })
                    .build(),
                expect: &[],
            },
            Case {
                name: "a report about an out-of-scope service only: nothing",
                inputs: InputsBuilder::new()
                    .service(Service {
                        in_scope: false,
                        ..service("Mailer", "Acme", Saas)
                    })
                    .attestation(opinion(Opinion::Adverse))
                    .build(),
                expect: &[],
            },
        ],
        None,
    );
}

fn attestation_bridged(through: &str) -> crate::inputs::Attestation {
    crate::inputs::Attestation {
        bridge_letter_through: Some(date(through)),
        ..soc2("Acme", "2025-07-01", "2026-06-30")
    }
}

fn opinion(opinion: Opinion) -> crate::inputs::Attestation {
    crate::inputs::Attestation {
        opinion: Some(opinion),
        ..soc2("Acme", "2025-10-01", "2026-09-30")
    }
}

#[test]
fn cuecs() {
    // Mailer's cell is the provider's: the CUEC rules alone speak about AC-1.
    let with = |cuec_row, evidence_row: Option<crate::inputs::Evidence>| {
        let b = provider_cell()
            .control(control("AC-1", 0))
            .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
            .cuec(cuec_row);
        match evidence_row {
            Some(e) => b.evidence(e),
            None => b,
        }
        .build()
    };
    let fresh = || Some(evidence("AC-1", Some("Mailer"), "2026-09-01", Effective));
    check(
        vec![
            Case {
                name: "mapped to a control with fresh Effective evidence",
                inputs: with(cuec("Acme", "CUEC-1", Some("AC-1")), fresh()),
                expect: &[],
            },
            Case {
                name: "mapped to nothing",
                inputs: with(cuec("Acme", "CUEC-1", None), fresh()),
                expect: &["CUEC_UNMAPPED high CUEC-1"],
            },
            Case {
                name: "mapped to a control without evidence",
                inputs: with(cuec("Acme", "CUEC-1", Some("AC-1")), None),
                expect: &["CUEC_UNEVIDENCED high AC-1"],
            },
            Case {
                name: "mapped to a control with stale evidence",
                inputs: with(
                    cuec("Acme", "CUEC-1", Some("AC-1")),
                    Some(evidence("AC-1", Some("Mailer"), "2026-05-01", Effective)),
                ),
                expect: &["CUEC_UNEVIDENCED high AC-1"],
            },
            Case {
                name: "mapped to a control whose evidence says Ineffective",
                inputs: with(
                    cuec("Acme", "CUEC-1", Some("AC-1")),
                    Some(evidence("AC-1", Some("Mailer"), "2026-09-01", Ineffective)),
                ),
                expect: &["CUEC_UNEVIDENCED high AC-1"],
            },
        ],
        None,
    );
}

#[test]
fn hygiene() {
    check(
        vec![
            Case {
                name: "evidence naming a control that exists nowhere",
                inputs: customer_cell()
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .evidence(evidence("AC-9", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &["UNKNOWN_REFERENCE low AC-9"],
            },
            Case {
                name: "evidence naming a service that exists nowhere",
                inputs: customer_cell()
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .evidence(evidence("AC-1", Some("Ghost"), "2026-09-01", Effective))
                    .build(),
                expect: &["UNKNOWN_REFERENCE low Ghost"],
            },
            Case {
                name: "the same service twice, alike",
                inputs: customer_cell()
                    .service(service("Ledger", "Acme", Iaas))
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &[],
            },
            Case {
                name: "the same service twice, differently",
                inputs: customer_cell()
                    .service(service("Ledger", "Acme", Saas))
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &["DUPLICATE_ROW medium Ledger"],
            },
            Case {
                name: "two evidence rows for one control, service and day that disagree",
                inputs: customer_cell()
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Ineffective))
                    .build(),
                // A tie on the date goes to the lower row, which says Ineffective.
                expect: &[
                    "CONTROL_INEFFECTIVE high Ledger",
                    "DUPLICATE_ROW medium Ledger",
                ],
            },
            Case {
                name: "two evidence rows for one control, service and day that agree",
                inputs: customer_cell()
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &[],
            },
            Case {
                name: "the same control twice, differently",
                inputs: customer_cell()
                    .control(Control {
                        frequency: Frequency::Annual,
                        ..control("AC-1", 0)
                    })
                    .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
                    .build(),
                expect: &["DUPLICATE_ROW medium AC-1"],
            },
        ],
        None,
    );
}

#[derive(serde::Deserialize)]
struct Settings {
    residency: Policy,
}

#[test]
fn residency() {
    let policy = toml::from_str::<Settings>(
        "[residency]\nPII = [\"EU\"]\nPHI = [\"eu-west-1\"]\ndefault = [\"*\"]\n",
    )
    .unwrap()
    .residency;
    // SaaS with a current report: only residency speaks.
    let with = |s: Service| {
        InputsBuilder::new()
            .service(s)
            .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
            .build()
    };
    check(
        vec![
            Case {
                name: "PII in the EU",
                inputs: with(service_in(
                    "Mailer",
                    "Acme",
                    &[DataClass::Pii],
                    &["eu-west-1"],
                )),
                expect: &[],
            },
            Case {
                name: "PII in the US",
                inputs: with(service_in(
                    "Mailer",
                    "Acme",
                    &[DataClass::Pii],
                    &["us-east-1"],
                )),
                expect: &["RESIDENCY_VIOLATION high Mailer"],
            },
            Case {
                name: "PII in the EU and the US",
                inputs: with(service_in(
                    "Mailer",
                    "Acme",
                    &[DataClass::Pii],
                    &["eu-west-1", "us-east-1"],
                )),
                expect: &["RESIDENCY_VIOLATION high Mailer"],
            },
            Case {
                name: "PHI outside its one region",
                inputs: with(service_in(
                    "Mailer",
                    "Acme",
                    &[DataClass::Phi],
                    &["eu-central-1"],
                )),
                expect: &["RESIDENCY_VIOLATION critical Mailer"],
            },
            Case {
                name: "PII with no region",
                inputs: with(service_in("Mailer", "Acme", &[DataClass::Pii], &[])),
                expect: &["RESIDENCY_UNKNOWN medium Mailer"],
            },
            Case {
                name: "unregulated data anywhere under the default",
                inputs: with(service_in(
                    "Mailer",
                    "Acme",
                    &[DataClass::Confidential],
                    &["us-east-1"],
                )),
                expect: &[],
            },
            Case {
                name: "out of scope: not checked",
                inputs: with(Service {
                    in_scope: false,
                    ..service_in("Mailer", "Acme", &[DataClass::Pii], &["us-east-1"])
                }),
                expect: &[],
            },
        ],
        Some(&policy),
    );
    // Without a policy, residency is not judged at all.
    check(
        vec![Case {
            name: "PII in the US, no policy",
            inputs: with(service_in(
                "Mailer",
                "Acme",
                &[DataClass::Pii],
                &["us-east-1"],
            )),
            expect: &[],
        }],
        None,
    );
}

#[test]
fn cell_status_follows_the_findings() {
    // (case, owner of Access for the service, customer_evidenced, provider_attested, evidenced)
    let evidenced = customer_cell()
        .evidence(evidence("AC-1", Some("Ledger"), "2026-09-01", Effective))
        .build();
    let unevidenced = customer_cell().build();
    let shared_half = InputsBuilder::new()
        .service(service("Queue", "Acme", Paas))
        .control(control("AC-1", 0))
        .evidence(evidence("AC-1", Some("Queue"), "2026-09-01", Effective))
        .build();
    let attested = provider_cell()
        .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
        .build();
    for (name, inputs, owner, customer, provider, whole) in [
        (
            "evidenced",
            evidenced,
            Owner::Customer,
            Some(true),
            None,
            true,
        ),
        (
            "unevidenced",
            unevidenced,
            Owner::Customer,
            Some(false),
            None,
            false,
        ),
        (
            "shared, customer half only",
            shared_half,
            Owner::Shared,
            Some(true),
            Some(false),
            false,
        ),
        (
            "attested",
            attested,
            Owner::Provider,
            None,
            Some(true),
            true,
        ),
    ] {
        let result = judge(&inputs, None);
        let [cell] = result.cells.as_slice() else {
            panic!(
                "{name}: one service, one domain: one cell, got {}",
                result.cells.len()
            );
        };
        assert_eq!(
            (
                cell.owner,
                cell.customer_evidenced,
                cell.provider_attested,
                cell.evidenced
            ),
            (owner, customer, provider, whole),
            "{name}"
        );
    }
}

#[test]
fn attestation_types_that_are_certificates_are_judged_by_expiry() {
    // Every certificate type: expired before the period end gives ATTESTATION_EXPIRED;
    // every report type never does, whatever its expiry column says.
    for kind in AttestationType::ALL {
        let row = crate::inputs::Attestation {
            issued_on: Some(date("2024-01-01")),
            period_start: Some(date("2025-10-01")),
            period_end: Some(date("2026-09-30")),
            expires_on: Some(date("2026-01-01")),
            ..attestation("Acme", kind)
        };
        let result = judge(&provider_cell().attestation(row).build(), None);
        let expired = result
            .findings
            .iter()
            .any(|f| f.code == crate::findings::Code::AttestationExpired);
        assert_eq!(expired, kind.is_certificate(), "{}", kind.as_str());
    }
}

/// A SaaS service holding `classes`, attested, so that the relationship rules alone speak.
fn relationship_cell(classes: &[DataClass]) -> InputsBuilder {
    InputsBuilder::new()
        .service(Service {
            data_classes: classes.to_vec(),
            ..service("Mailer", "Acme", Saas)
        })
        .attestation(soc2("Acme", "2025-10-01", "2026-09-30"))
}

fn acme_row(
    baa: Option<&str>,
    dpa: Option<&str>,
    review: Option<&str>,
) -> crate::inputs::VendorRecord {
    crate::inputs::VendorRecord {
        baa_signed_on: baa.map(date),
        dpa_signed_on: dpa.map(date),
        next_review_due: review.map(date),
        // Matched as every vendor name is: case and spacing do not matter.
        ..vendor("ACME")
    }
}

#[test]
fn vendor_relationship() {
    use DataClass::{Confidential, Phi, Pii};
    check(
        vec![
            Case {
                name: "no Vendors sheet: nothing is judged",
                inputs: relationship_cell(&[Phi, Pii]).build(),
                expect: &[],
            },
            Case {
                name: "PHI, the vendor's BAA blank",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(None, None, None))
                    .build(),
                expect: &["BAA_MISSING high Mailer"],
            },
            Case {
                name: "PHI, a BAA signed before the period end",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(Some("2026-01-15"), None, None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "… signed on the period end",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(Some("2026-09-30"), None, None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "… signed the day after: missing as at the period end",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(Some("2026-10-01"), None, None))
                    .build(),
                expect: &["BAA_MISSING high Mailer"],
            },
            Case {
                name: "PHI, the vendor absent from a present Vendors sheet",
                inputs: relationship_cell(&[Phi]).with_vendors_sheet().build(),
                expect: &["BAA_MISSING high Mailer"],
            },
            Case {
                name: "… beside a row for a vendor of no service",
                inputs: relationship_cell(&[Phi]).vendor(vendor("Globex")).build(),
                expect: &["BAA_MISSING high Mailer", "UNKNOWN_REFERENCE low Globex"],
            },
            Case {
                name: "a DPA signed does not stand for a BAA",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(None, Some("2026-01-15"), None))
                    .build(),
                expect: &["BAA_MISSING high Mailer"],
            },
            Case {
                name: "PII, the vendor's DPA blank",
                inputs: relationship_cell(&[Pii])
                    .vendor(acme_row(None, None, None))
                    .build(),
                expect: &["DPA_MISSING medium Mailer"],
            },
            Case {
                name: "PII, a DPA signed",
                inputs: relationship_cell(&[Pii])
                    .vendor(acme_row(None, Some("2026-01-15"), None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "PHI and PII, neither agreement: each raised, neither stepped up",
                inputs: relationship_cell(&[Phi, Pii]).with_vendors_sheet().build(),
                expect: &["BAA_MISSING high Mailer", "DPA_MISSING medium Mailer"],
            },
            Case {
                name: "no regulated data needs no agreement",
                inputs: relationship_cell(&[Confidential])
                    .vendor(acme_row(None, None, None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "an out-of-scope service is not judged",
                inputs: InputsBuilder::new()
                    .service(Service {
                        in_scope: false,
                        data_classes: vec![Phi],
                        ..service("Mailer", "Acme", Saas)
                    })
                    .vendor(acme_row(None, None, None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "the review fell due the day before the period end",
                inputs: relationship_cell(&[])
                    .vendor(acme_row(None, None, Some("2026-09-29")))
                    .build(),
                expect: &["VENDOR_REVIEW_OVERDUE low Acme"],
            },
            Case {
                name: "… due on the period end: not overdue yet",
                inputs: relationship_cell(&[])
                    .vendor(acme_row(None, None, Some("2026-09-30")))
                    .build(),
                expect: &[],
            },
            Case {
                name: "… no date: nothing to judge",
                inputs: relationship_cell(&[])
                    .vendor(acme_row(None, None, None))
                    .build(),
                expect: &[],
            },
            Case {
                name: "… overdue for a vendor holding PII: one step up",
                inputs: relationship_cell(&[Pii])
                    .vendor(acme_row(None, Some("2026-01-15"), Some("2026-06-30")))
                    .build(),
                expect: &["VENDOR_REVIEW_OVERDUE medium Acme"],
            },
            Case {
                name: "… overdue, no Vendors sheet to say so: nothing",
                inputs: relationship_cell(&[]).build(),
                expect: &[],
            },
            Case {
                name: "two rows for one vendor that disagree: the first is used",
                inputs: relationship_cell(&[Phi])
                    .vendor(acme_row(None, None, None))
                    .vendor(acme_row(Some("2026-01-15"), None, None))
                    .build(),
                expect: &["BAA_MISSING high Mailer", "DUPLICATE_ROW medium ACME"],
            },
        ],
        None,
    );
}

#[test]
fn relationship_findings_name_the_services_row_and_the_vendors_row() {
    let inputs = relationship_cell(&[DataClass::Phi])
        .vendor(vendor("Globex"))
        .vendor(acme_row(None, None, Some("2026-08-01")))
        .build();
    let rec = judge(&inputs, None);
    let baa = rec
        .findings
        .iter()
        .find(|f| f.code == crate::findings::Code::BaaMissing)
        .unwrap();
    let rows: Vec<String> = baa.sources.iter().map(ToString::to_string).collect();
    assert_eq!(rows, ["built.xlsx: Services!2", "built.xlsx: Vendors!3"]);
    assert_eq!(
        (baa.service.as_deref(), baa.vendor.as_deref()),
        (Some("Mailer"), Some("Acme"))
    );
    assert!(baa.message.contains("Mailer holds PHI"), "{}", baa.message);
    let overdue = rec
        .findings
        .iter()
        .find(|f| f.code == crate::findings::Code::VendorReviewOverdue)
        .unwrap();
    assert_eq!(overdue.sources, [inputs.vendors[1].source.clone()]);
    assert!(
        overdue.message.contains("2026-08-01"),
        "{}",
        overdue.message
    );
    // The id follows the code and the subject: the same finding from rows elsewhere keeps it.
    let moved = relationship_cell(&[DataClass::Phi])
        .vendor(acme_row(None, None, Some("2026-08-01")))
        .build();
    let again = judge(&moved, None);
    let id_of = |rec: &Reconciliation, code| {
        rec.findings
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.id.clone())
            .unwrap()
    };
    assert_eq!(
        id_of(&rec, crate::findings::Code::BaaMissing),
        id_of(&again, crate::findings::Code::BaaMissing)
    );
}
