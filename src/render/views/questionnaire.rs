//! What the vendor pack shows of a vendor's own documents: its CAIQ (answer and ownership
//! counts, drift and gaps per domain, each gap and drift beside the vendor's explanation,
//! and the customer's to-do list from its CSC Responsibilities and CSC-owned questions)
//! and its FedRAMP CIS/CRM workbook (origination and inheritance counts, mismatches, and
//! the customer responsibilities the CRM lists). Numbers are formatted here; the template
//! only lays out the strings it is given.

use super::Counted;
use crate::findings::{Code, Finding, Source};
use crate::inputs::names::key;
use crate::inputs::questionnaires::{
    Caiq, CaiqAnswer, CaiqQuestion, CrmRow, Fedramp, ImplementationStatus, Inheritable, Ownership,
    Side, Stated,
};
use crate::inputs::Inputs;
use crate::model::mapping::split_control_id;
use crate::Run;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The vendor's CAIQ as the vendor pack shows it. Counts are text.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CaiqView {
    /// The CAIQ file as given.
    pub file: String,
    /// The sheet its questions were read from.
    pub sheet: String,
    /// Each gap and drift beside the vendor's explanation, consecutive same texts once.
    pub explained: Vec<Grouped>,
    /// A sentence when more groups than a vendor pack lists were left out; else empty.
    pub explained_more: String,
    /// The customer's to-do list: CSC Responsibilities and CSC-owned questions.
    pub todo: Vec<Grouped>,
    /// A sentence when more groups than a vendor pack lists were left out; else empty.
    pub todo_more: String,
    /// Questions on the to-do list.
    pub todo_questions: String,
    /// Questions read.
    pub questions: String,
    /// Questions per answer (`Yes`, `No`, `NA`, not answered, not a CAIQ answer).
    pub answers: Vec<Counted>,
    /// Questions per stated ownership, with none given and unknown ones.
    pub ownership: Vec<Counted>,
    /// Per model domain the questions map to: answers, customer parts, drift and gaps.
    pub domains: Vec<CaiqDomain>,
    /// CCM domains the mapping leaves out, by prefix.
    pub unmapped: Vec<UnmappedDomain>,
    /// Questions whose ownership drifts from the model.
    pub drift: String,
    /// Questions where the vendor admits a control gap.
    pub gaps: String,
    /// Findings of answers contradicting each other.
    pub inconsistent: String,
    /// Which CCM-to-domain mapping was used, in words.
    pub mapping: String,
}

/// Rows of one control family with the same label and text, shown once.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Grouped {
    /// The questions covered: `A, B`, or `A … Z (n questions)`.
    pub covered: String,
    /// What they are, e.g. `gap`, `drift`, or `No · CSC-owned`.
    pub label: String,
    /// The vendor's text.
    pub text: String,
}

/// A model domain's CAIQ questions, counts as text.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CaiqDomain {
    /// The model domain.
    pub domain: String,
    /// Questions mapped to it.
    pub questions: String,
    /// Answered `Yes`.
    pub yes: String,
    /// Answered `No`.
    pub no: String,
    /// Answered `NA`.
    pub na: String,
    /// Whose ownership includes a customer part.
    pub customer: String,
    /// With responsibility drift.
    pub drift: String,
    /// With an admitted control gap.
    pub gaps: String,
}

/// A CCM domain the mapping leaves out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UnmappedDomain {
    /// Its prefix and title, e.g. `DCS (Datacenter Security)`.
    pub ccm: String,
    /// Its questions, as text.
    pub questions: String,
    /// Those with an admitted gap, as text.
    pub gaps: String,
}

/// The provider's FedRAMP CIS/CRM workbook as the vendor pack shows it. Counts are text.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FedrampView {
    /// The workbook as given.
    pub file: String,
    /// The CIS sheet's name, empty when there is none.
    pub cis_sheet: String,
    /// The CRM sheet's name, empty when there is none.
    pub crm_sheet: String,
    /// True when the workbook has no CIS sheet (a blank template).
    pub blank: bool,
    /// Sheets left blank, `, `-separated.
    pub blank_sheets: String,
    /// CIS controls read (duplicates left out).
    pub controls: String,
    /// Controls per implementation status.
    pub status: Vec<Counted>,
    /// Controls per origination side, and none marked.
    pub origination: Vec<Counted>,
    /// CRM rows per "can be inherited" answer.
    pub crm: Vec<Counted>,
    /// Controls whose CIS and CRM disagree.
    pub mismatches: String,
    /// Controls with responsibility drift.
    pub drift: String,
    /// Controls with an admitted gap.
    pub gaps: String,
    /// Findings of rows contradicting each other.
    pub inconsistent: String,
    /// CRM rows answered Partial or No: the customer's part.
    pub customer_rows: String,
    /// What the customer must do, consecutive same texts once.
    pub responsibilities: Vec<Responsibility>,
    /// The provider's CIS/CRM mismatches, drift and gaps, grouped by control family,
    /// kind and CRM text: each group once, with its controls.
    pub issues: Vec<Grouped>,
    /// A sentence when more groups than a vendor pack lists were left out; else empty.
    pub issues_more: String,
    /// A sentence when more groups than a vendor pack lists were left out; else empty.
    pub responsibilities_more: String,
    /// Which control-to-domain mapping was used, in words.
    pub mapping: String,
}

/// CRM rows the customer is responsible for, with the same answer and text.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Responsibility {
    /// The controls: `A, B`, or `A … Z (n rows)`.
    pub controls: String,
    /// `Partial` or `No`.
    pub answer: String,
    /// The CRM's responsibility text.
    pub text: String,
}

fn counted(label: &str, count: usize) -> Counted {
    Counted::new(label, count)
}

/// Findings of a code raised from one document (their first source is one of its rows).
fn from_file<'f>(findings: &'f [&'f Finding], code: Code, file: &str) -> Vec<&'f Finding> {
    findings
        .iter()
        .copied()
        .filter(|f| f.code == code && f.sources.first().is_some_and(|s| &*s.file == file))
        .collect()
}

/// Distinct rows (questions or controls) among findings.
fn rows(findings: &[&Finding]) -> usize {
    findings
        .iter()
        .filter_map(|f| f.sources.first())
        .collect::<BTreeSet<_>>()
        .len()
}

/// Rows with the same key shown once, with the ids they cover, in order of first
/// appearance. A vendor writes the same sentence down a whole domain ("no physical
/// premises"), and a CRM repeats one responsibility over dozens of controls: the reader
/// needs it once, with its controls listed.
fn dedupe<K: Eq + std::hash::Hash + Clone>(
    rows: impl IntoIterator<Item = (String, K)>,
) -> Vec<(K, Vec<String>)> {
    let mut groups: Vec<(K, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    for (id, key) in rows {
        match index.get(&key) {
            Some(&at) => groups[at].1.push(id),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![id]));
            }
        }
    }
    groups
}

/// A vendor pack lists at most this many groups of a questionnaire's rows per table: with
/// the rest counted, a 700-row workbook keeps the pack within twelve pages.
pub const MAX_GROUPS: usize = 30;

/// Keeps the first [`MAX_GROUPS`] groups; returns the sentence counting the rest.
fn bound<T>(groups: &mut Vec<T>, file: &str) -> String {
    if groups.len() <= MAX_GROUPS {
        return String::new();
    }
    let more = groups.len() - MAX_GROUPS;
    groups.truncate(MAX_GROUPS);
    format!(
        "{more} more groups are not shown here; every row is in {}, and each finding in the follow-up questions and the auditor workbook.",
        super::findings::shown_path(file)
    )
}

/// Ids listed: all of them up to twelve, else the first ten and a count.
fn covered(ids: &[String], unit: &str) -> String {
    match ids.len() {
        0..=12 => ids.join(", "),
        n => format!("{}, and {} more ({n} {unit})", ids[..10].join(", "), n - 10),
    }
}

/// Rows (id, label, text) grouped by the id's control family, label and text.
fn grouped(rows: impl IntoIterator<Item = (String, String, String)>, unit: &str) -> Vec<Grouped> {
    dedupe(rows.into_iter().map(|(id, label, text)| {
        let family = super::control_family(&id);
        (id, (family, label, text))
    }))
    .into_iter()
    .map(|((_, label, text), ids)| Grouped {
        covered: covered(&ids, unit),
        label,
        text,
    })
    .collect()
}

/// A closed-vocabulary cell as the vendor wrote it.
fn stated_text<T: Copy>(stated: &Stated<T>, as_str: fn(T) -> &'static str, blank: &str) -> String {
    match stated {
        Stated::Blank => blank.to_string(),
        Stated::Known(value) => as_str(*value).to_string(),
        Stated::Unknown(text) => format!("{text:?}"),
    }
}

/// The vendor's CAIQ, or `None` when it sent none.
pub fn caiq(run: &Run, inputs: &Inputs, findings: &[&Finding], vendor: &str) -> Option<CaiqView> {
    let caiq = inputs
        .questionnaires
        .caiqs
        .iter()
        .find(|c| key(&c.vendor) == key(vendor))?;
    Some(caiq_view(run, caiq, findings))
}

fn caiq_view(run: &Run, caiq: &Caiq, findings: &[&Finding]) -> CaiqView {
    let qs = &caiq.questions;
    let answer_count = |a: CaiqAnswer| qs.iter().filter(|q| q.answer.known() == Some(a)).count();
    let mut answers: Vec<Counted> = CaiqAnswer::ALL
        .iter()
        .map(|&a| counted(a.as_str(), answer_count(a)))
        .collect();
    let blank = qs.iter().filter(|q| q.answer == Stated::Blank).count();
    let unknown = qs
        .iter()
        .filter(|q| matches!(q.answer, Stated::Unknown(_)))
        .count();
    answers.push(counted("not answered", blank));
    answers.push(counted("not a CAIQ answer", unknown));
    let mut ownership: Vec<Counted> = Ownership::ALL
        .iter()
        .map(|&o| {
            counted(
                o.as_str(),
                qs.iter().filter(|q| q.ownership.known() == Some(o)).count(),
            )
        })
        .collect();
    ownership.push(counted(
        "none given",
        qs.iter().filter(|q| q.ownership == Stated::Blank).count(),
    ));
    ownership.push(counted(
        "not a CAIQ ownership",
        qs.iter()
            .filter(|q| matches!(q.ownership, Stated::Unknown(_)))
            .count(),
    ));
    let drift = from_file(findings, Code::ResponsibilityDrift, &caiq.file);
    let gaps = from_file(findings, Code::VendorControlGap, &caiq.file);
    let inconsistent = from_file(findings, Code::QuestionnaireInconsistent, &caiq.file);
    let in_domain = |list: &[&Finding], domain: &str| -> usize {
        let of: Vec<&Finding> = list
            .iter()
            .copied()
            .filter(|f| f.domain.as_deref() == Some(domain))
            .collect();
        rows(&of)
    };
    let domains: Vec<CaiqDomain> = run
        .model
        .domains
        .iter()
        .enumerate()
        .filter_map(|(d, domain)| {
            let of: Vec<_> = qs.iter().filter(|q| q.domain == Some(d)).collect();
            if of.is_empty() {
                return None;
            }
            let count = |a| of.iter().filter(|q| q.answer.known() == Some(a)).count();
            let customer = of
                .iter()
                .filter(|q| q.ownership.known().is_some_and(|o| o.customer_part()))
                .count();
            Some(CaiqDomain {
                domain: domain.name.clone(),
                questions: of.len().to_string(),
                yes: count(CaiqAnswer::Yes).to_string(),
                no: count(CaiqAnswer::No).to_string(),
                na: count(CaiqAnswer::Na).to_string(),
                customer: customer.to_string(),
                drift: in_domain(&drift, &domain.name).to_string(),
                gaps: in_domain(&gaps, &domain.name).to_string(),
            })
        })
        .collect();
    // CCM domains the mapping leaves out, by prefix, with their title as the CAIQ gives it.
    let mut unmapped: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    for q in qs.iter().filter(|q| q.domain.is_none()) {
        let prefix = split_control_id(&q.ccm_control_id)
            .map(|(p, _)| p)
            .unwrap_or_else(|| "(no CCM control)".into());
        let entry = unmapped
            .entry(prefix)
            .or_insert_with(|| (q.ccm_domain_title.clone(), 0, 0));
        entry.1 += 1;
        if gaps.iter().any(|f| f.sources.first() == Some(&q.source)) {
            entry.2 += 1;
        }
    }
    let unmapped: Vec<UnmappedDomain> = unmapped
        .into_iter()
        .map(|(prefix, (title, questions, gaps))| UnmappedDomain {
            ccm: if title.is_empty() {
                prefix
            } else {
                format!("{prefix} ({title})")
            },
            questions: questions.to_string(),
            gaps: gaps.to_string(),
        })
        .collect();
    // Each gap and drift beside the vendor's own explanation (column E), in sheet order.
    let gap_rows: BTreeSet<&Source> = gaps.iter().filter_map(|f| f.sources.first()).collect();
    let drift_rows: BTreeSet<&Source> = drift.iter().filter_map(|f| f.sources.first()).collect();
    let mut explained = grouped(
        qs.iter().filter_map(|q| {
            let label = match (gap_rows.contains(&q.source), drift_rows.contains(&q.source)) {
                (true, true) => "gap, drift",
                (true, false) => "gap",
                (false, true) => "drift",
                (false, false) => return None,
            };
            let text = q.implementation.trim();
            Some((
                q.question_id.clone(),
                label.to_string(),
                if text.is_empty() {
                    "(no explanation given)".to_string()
                } else {
                    text.to_string()
                },
            ))
        }),
        "questions",
    );
    // The customer's to-do list: every CSC Responsibilities cell (column F) the vendor
    // filled in, and every question it marks CSC-owned with its answer, whatever the
    // domain mapping (an unmapped domain's CSC-owned "No" is still the customer's to do).
    let todo_questions: Vec<&CaiqQuestion> = qs
        .iter()
        .filter(|q| {
            !q.csc_responsibilities.trim().is_empty()
                || q.ownership.known() == Some(Ownership::CscOwned)
        })
        .collect();
    let mut todo = grouped(
        todo_questions.iter().map(|q| {
            let text = q.csc_responsibilities.trim();
            let text = if text.is_empty() {
                let question = q.question.split_whitespace().collect::<Vec<_>>().join(" ");
                format!("(no CSC responsibilities given) Question: {question}")
            } else {
                text.to_string()
            };
            let label = format!(
                "{} · {}",
                stated_text(&q.answer, CaiqAnswer::as_str, "not answered"),
                stated_text(&q.ownership, Ownership::as_str, "no ownership")
            );
            (q.question_id.clone(), label, text)
        }),
        "questions",
    );
    CaiqView {
        file: super::findings::shown_path(&caiq.file).to_string(),
        sheet: caiq.sheet.clone(),
        explained_more: bound(&mut explained, &caiq.file),
        explained,
        todo_more: bound(&mut todo, &caiq.file),
        todo,
        todo_questions: todo_questions.len().to_string(),
        questions: qs.len().to_string(),
        answers,
        ownership,
        domains,
        unmapped,
        drift: rows(&drift).to_string(),
        gaps: rows(&gaps).to_string(),
        inconsistent: inconsistent.len().to_string(),
        mapping: run_mapping(run),
    }
}

fn run_mapping(run: &Run) -> String {
    run.ingest.vendor_documents.mapping.describe()
}

/// The provider's FedRAMP workbook, or `None` when it sent none.
pub fn fedramp(
    run: &Run,
    inputs: &Inputs,
    findings: &[&Finding],
    vendor: &str,
) -> Option<FedrampView> {
    let workbook = inputs
        .questionnaires
        .fedramp
        .iter()
        .find(|f| key(&f.provider) == key(vendor))?;
    Some(fedramp_view(run, workbook, findings))
}

fn fedramp_view(run: &Run, workbook: &Fedramp, findings: &[&Finding]) -> FedrampView {
    let controls: Vec<_> = workbook.controls.iter().filter(|c| !c.duplicate).collect();
    let status: Vec<Counted> = ImplementationStatus::ALL
        .iter()
        .map(|&s| {
            counted(
                s.as_str(),
                controls.iter().filter(|c| c.status.contains(&s)).count(),
            )
        })
        .collect();
    let mut origination: Vec<Counted> = Side::ALL
        .iter()
        .map(|&side| {
            counted(
                side.as_str(),
                controls.iter().filter(|c| c.side() == Some(side)).count(),
            )
        })
        .collect();
    origination.push(counted(
        "none marked",
        controls.iter().filter(|c| c.side().is_none()).count(),
    ));
    let crm_rows: Vec<_> = workbook.crm.iter().filter(|r| !r.duplicate).collect();
    let mut crm: Vec<Counted> = Inheritable::ALL
        .iter()
        .map(|&a| {
            counted(
                a.as_str(),
                crm_rows
                    .iter()
                    .filter(|r| r.inheritable.known() == Some(a))
                    .count(),
            )
        })
        .collect();
    crm.push(counted(
        "not answered or unknown",
        crm_rows
            .iter()
            .filter(|r| r.inheritable.known().is_none())
            .count(),
    ));
    let mismatches = from_file(findings, Code::OriginationMismatch, &workbook.file);
    // Mismatches, drift and gaps by family, kind and the CRM's text for the control: a
    // provider answers dozens of controls with one sentence, and the analyst weighs the
    // sentence once. A finding names its CRM row among its sources; one line per row and
    // kind (drift raised for several services is one line).
    let crm_by_row: std::collections::HashMap<&Source, &CrmRow> =
        crm_rows.iter().map(|r| (&r.source, *r)).collect();
    let mut seen: BTreeSet<(&str, &Source)> = BTreeSet::new();
    let mut issue_rows = Vec::new();
    for (code, label) in [
        (Code::OriginationMismatch, "CIS/CRM mismatch"),
        (Code::ResponsibilityDrift, "drift"),
        (Code::VendorControlGap, "gap"),
    ] {
        for f in from_file(findings, code, &workbook.file) {
            let Some(first) = f.sources.first() else {
                continue;
            };
            if !seen.insert((label, first)) {
                continue;
            }
            let crm = f.sources.iter().find_map(|s| crm_by_row.get(s));
            let control = match crm {
                Some(row) => row.control_id.clone(),
                None => f.control_id.clone().unwrap_or_default(),
            };
            let text = crm
                .map(|row| row.responsibility.trim())
                .filter(|t| !t.is_empty())
                .unwrap_or("(no CRM text for this control)");
            issue_rows.push((control, label.to_string(), text.to_string()));
        }
    }
    let mut issues = grouped(issue_rows, "controls");
    // What the customer must do: the CRM rows answered Partial or No, rows with the same
    // answer and text shown once with their controls.
    let mut customer_rows = 0;
    let responsibilities = dedupe(crm_rows.iter().filter_map(|row| {
        let answer @ (Inheritable::Partial | Inheritable::No) = row.inheritable.known()? else {
            return None;
        };
        customer_rows += 1;
        Some((
            row.control_id.clone(),
            (
                answer.as_str().to_string(),
                row.responsibility.trim().to_string(),
            ),
        ))
    }));
    let mut responsibilities: Vec<Responsibility> = responsibilities
        .into_iter()
        .map(|((answer, text), ids)| {
            let controls = covered(&ids, "rows");
            Responsibility {
                controls,
                answer,
                text: if text.is_empty() {
                    "(no responsibility text given)".to_string()
                } else {
                    text
                },
            }
        })
        .collect();
    FedrampView {
        file: super::findings::shown_path(&workbook.file).to_string(),
        cis_sheet: workbook.cis_sheet.clone().unwrap_or_default(),
        crm_sheet: workbook.crm_sheet.clone().unwrap_or_default(),
        blank: workbook.cis_sheet.is_none(),
        blank_sheets: workbook.blank_sheets.join(", "),
        controls: controls.len().to_string(),
        status,
        origination,
        crm,
        mismatches: rows(&mismatches).to_string(),
        drift: rows(&from_file(
            findings,
            Code::ResponsibilityDrift,
            &workbook.file,
        ))
        .to_string(),
        gaps: rows(&from_file(findings, Code::VendorControlGap, &workbook.file)).to_string(),
        inconsistent: from_file(findings, Code::QuestionnaireInconsistent, &workbook.file)
            .len()
            .to_string(),
        customer_rows: customer_rows.to_string(),
        responsibilities_more: bound(&mut responsibilities, &workbook.file),
        issues_more: bound(&mut issues, &workbook.file),
        issues,
        responsibilities,
        mapping: run_mapping(run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, label: &str, text: &str) -> (String, String, String) {
        (id.into(), label.into(), text.into())
    }

    /// Rows with the same text are one group per control family, wherever they stand in
    /// the sheet, with every control listed; another family or label is another group.
    #[test]
    fn repeated_text_is_one_group_per_family_with_its_controls() {
        let shared = "The customer configures its own accounts.";
        let groups = grouped(
            [
                row("AC-2 (a)", "No", shared),
                row("AU-3", "No", "Logs are kept by the provider."),
                row("AC-2 (b)", "No", shared),
                row("AC-17", "No", shared),
                row("IA-5", "No", shared),
                row("AC-3", "Partial", shared),
            ],
            "rows",
        );
        let seen: Vec<(&str, &str)> = groups
            .iter()
            .map(|g| (g.covered.as_str(), g.label.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("AC-2 (a), AC-2 (b), AC-17", "No"),
                ("AU-3", "No"),
                ("IA-5", "No"),
                ("AC-3", "Partial"),
            ]
        );
    }

    /// A long run of controls is listed in part and counted whole.
    #[test]
    fn a_long_group_lists_ten_and_counts_them_all() {
        let rows = (1..=53).map(|i| row(&format!("SC-{i}"), "No", "Same sentence."));
        let groups = grouped(rows, "rows");
        assert_eq!(groups.len(), 1);
        assert!(groups[0].covered.starts_with("SC-1, SC-2,"));
        assert!(groups[0].covered.ends_with("and 43 more (53 rows)"));
    }

    #[test]
    fn families_ignore_a_catalogue_prefix() {
        assert_eq!(super::super::control_family("NIST-800-53:AC-2 (a)"), "AC");
        assert_eq!(super::super::control_family("DCS-07.1"), "DCS");
        assert_eq!(super::super::control_family("ac-2(1)"), "AC");
    }

    /// Past the bound a table keeps its first groups and says how many more there are.
    #[test]
    fn a_table_keeps_thirty_groups_and_counts_the_rest() {
        let mut groups: Vec<usize> = (0..45).collect();
        let more = bound(&mut groups, "/home/someone/crm.xlsx");
        assert_eq!(groups.len(), MAX_GROUPS);
        assert!(more.starts_with("15 more groups"), "{more}");
        assert!(
            more.contains("crm.xlsx") && !more.contains("/home"),
            "{more}"
        );
    }
}
