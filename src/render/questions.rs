//! A vendor's follow-up questions workbook (`vendors/<vendor>-questions.xlsx`, beside the
//! vendor's pack): one row per finding of the pack that the vendor can answer — a gap or
//! drift in its own questionnaire, an exception, a missing, lapsed or expiring attestation,
//! a carved-out subservice organisation, a CUEC its report relies on, an agreement not
//! signed, data held nobody knows where — each asked in plain words, with the finding's
//! id, code, severity and source rows, and blank columns for the vendor's answer and the
//! evidence it sends.
//!
//! Findings about the customer's own side (its controls and evidence, its residency policy,
//! its registers, its review schedule) are not questions for the vendor and are left out.
//! The workbook's bytes depend on the run alone: its document properties are fixed and
//! dated at the period end.

use crate::findings::{Code, Finding};
use crate::inputs::{Attestation, Inputs};
use crate::reconcile::Reconciliation;
use crate::Run;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// The questions sheet's columns: header and width, in order.
pub const COLUMNS: [(&str, f64); 8] = [
    ("#", 5.0),
    ("Question", 70.0),
    ("Finding ID", 17.0),
    ("Code", 24.0),
    ("Severity", 10.0),
    ("Source", 36.0),
    ("Vendor answer", 60.0),
    ("Evidence provided", 40.0),
];

/// The sheet the questions are on.
pub const SHEET: &str = "Questions";

/// One question for the vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub question: String,
    /// The finding's id (`F-…`).
    pub id: String,
    pub code: Code,
    pub severity: &'static str,
    /// The rows that raised the finding: `file: Sheet!row`, `; `-separated.
    pub source: String,
}

/// The questions for one vendor: the findings of its pack (the same selection) that ask
/// something of the vendor, in the findings' order (worst first).
pub fn vendor_questions(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    vendor: &str,
) -> Vec<Question> {
    crate::render::views::vendor::vendor_findings(inputs, rec, vendor)
        .into_iter()
        .filter_map(|f| {
            Some(Question {
                question: question(f, inputs, run.period.end)?,
                id: f.id.clone(),
                code: f.code,
                severity: f.severity.as_str(),
                source: f
                    .sources
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            })
        })
        .collect()
}

/// Whether a code asks something of the vendor (and so becomes a question).
pub fn asks_the_vendor(code: Code) -> bool {
    use Code::*;
    matches!(
        code,
        AttestationMissing
            | AttestationGap
            | AttestationExpired
            | AttestationExpiring
            | OpinionModified
            | AttestationExceptions
            | AttestationScope
            | SubserviceUnattested
            | CuecUnmapped
            | CuecUnevidenced
            | BaaMissing
            | DpaMissing
            | ResidencyUnknown
            | ResponsibilityDrift
            | VendorControlGap
            | QuestionnaireInconsistent
            | OriginationMismatch
    )
}

/// A finding as a question to the vendor, in plain words; `None` when the finding is not
/// the vendor's to answer.
fn question(f: &Finding, inputs: &Inputs, end: NaiveDate) -> Option<String> {
    if !asks_the_vendor(f.code) {
        return None;
    }
    let service = f.service.as_deref().unwrap_or("the services we use");
    let cell = match &f.domain {
        Some(domain) => format!("{service} ({domain})"),
        None => service.to_string(),
    };
    let end = end.format("%Y-%m-%d");
    let attestation = || {
        inputs
            .attestations
            .iter()
            .find(|a| f.sources.contains(&a.source))
    };
    let report = |a: Option<&Attestation>| {
        a.map_or_else(
            || "report".to_string(),
            |a| {
                let what = if a.kind.is_certificate() {
                    "certificate"
                } else {
                    "report"
                };
                format!("{} {what}", a.kind.as_str())
            },
        )
    };
    let text = match f.code {
        Code::AttestationMissing => format!(
            "We hold no independent assurance report from you covering {cell}. Can you send your current SOC 2 Type II report or ISO 27001 certificate covering {service}, and tell us when the next one will be issued?"
        ),
        Code::AttestationGap => format!(
            "The reports and certificates from you that we hold for {cell} do not reach {end}. Can you send the report for the following period, or a bridge letter covering the time through {end}?"
        ),
        Code::AttestationExpired => {
            let a = attestation();
            format!(
                "Your {} expired on {}. Has it been renewed? Please send the renewed certificate, or tell us when recertification will be complete and what covers the time in between.",
                report(a),
                date_of(a.and_then(|a| a.expires_on))
            )
        }
        Code::AttestationExpiring => {
            let a = attestation();
            format!(
                "Your {} expires on {}; when will the next one be issued, and will you provide a bridge letter if it is not issued by then?",
                report(a),
                date_of(a.and_then(Attestation::covered_through))
            )
        }
        Code::OpinionModified => {
            let a = attestation();
            let opinion = a
                .and_then(|a| a.opinion)
                .map_or("modified", |o| o.as_str());
            format!(
                "Your {}{} carries a {opinion} opinion. What was the basis for it, which of the services we use does it affect, and what has been remediated since?",
                report(a),
                period_of(a)
            )
        }
        Code::AttestationExceptions => {
            let a = attestation();
            let count = a.map_or(0, |a| a.exceptions);
            let notes = a
                .map(|a| a.exception_notes.trim())
                .filter(|n| !n.is_empty())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!(
                "Your {}{} notes {count} exception{}{notes}. Which of the services we use did they affect, what caused them, and what remediation has been completed (with evidence)?",
                report(a),
                period_of(a),
                if count == 1 { "" } else { "s" }
            )
        }
        Code::AttestationScope => format!(
            "None of the reports or certificates from you that we hold covers {cell}. Is {service} in the scope of another report you can send, or is this area operated by a subservice organisation whose report covers it?"
        ),
        Code::SubserviceUnattested => {
            let a = attestation();
            // The finding's message names the organisation it is about.
            let org = a
                .and_then(|a| {
                    a.subservice_orgs
                        .iter()
                        .find(|o| f.message.contains(&format!("organisation {o},")))
                })
                .map_or("a subservice organisation", String::as_str);
            format!(
                "Your {} carves out the subservice organisation {org}. Can you send {org}'s own SOC report or certificate for the same period, and tell us how you monitor {org}'s controls?",
                report(a)
            )
        }
        Code::CuecUnmapped | Code::CuecUnevidenced => {
            let cuec = inputs
                .cuecs
                .iter()
                .find(|c| f.sources.first() == Some(&c.source));
            let (id, description, attestation) = cuec.map_or(
                (f.cuec_id.as_deref().unwrap_or("a CUEC"), "", ""),
                |c| {
                    (
                        c.cuec_id.as_str(),
                        c.description.as_str(),
                        c.attestation.as_str(),
                    )
                },
            );
            let described = if description.is_empty() {
                String::new()
            } else {
                format!(" (\"{description}\")")
            };
            let report = if attestation.is_empty() {
                "report".to_string()
            } else {
                format!("{attestation} report")
            };
            format!(
                "Your {report} lists {id}{described} as a control you rely on us to operate. Which of your controls depend on it, is it still listed in your current report, and what guidance can you give on operating it for the services we use?"
            )
        }
        Code::BaaMissing => format!(
            "{service} holds PHI, and we have no signed business associate agreement (BAA) with you on file. Can you send your BAA for signature, or a copy of the signed agreement with its date?"
        ),
        Code::DpaMissing => format!(
            "{service} holds personal data, and we have no signed data processing agreement (DPA) with you on file. Can you send your DPA for signature, or a copy of the signed agreement with its date and your current list of sub-processors?"
        ),
        Code::ResidencyUnknown => format!(
            "{service} holds regulated data, and we have no record of where. In which regions or countries do you store and process our data, including backups and sub-processors?"
        ),
        Code::ResponsibilityDrift => format!(
            "Your {} describes {} differently from how we understand the responsibility for {cell}. Who performs this control for the services we use — you, us, or both — and which part falls to us?",
            document(f),
            reference(f, inputs)
        ),
        Code::VendorControlGap => match caiq_question(f, inputs) {
            Some((id, text)) => format!(
                "Your CAIQ answers No to {id}{}, a question you own. Is this control operated by a subservice organisation, and which report covers it? If it is not in place, when will it be, and what compensates meanwhile?",
                quoted(text)
            ),
            None => format!(
                "Your {} says {} is not fully implemented. When will it be, and what compensates meanwhile?",
                document(f),
                reference(f, inputs)
            ),
        },
        Code::OriginationMismatch => format!(
            "Your FedRAMP CRM and CIS disagree on {}: the CRM's inheritance answer contradicts the CIS's control origination. Which is correct, and can you send a corrected workbook?",
            reference(f, inputs)
        ),
        Code::QuestionnaireInconsistent => {
            let fault = f
                .message
                .split_once(": ")
                .map(|(_, fault)| format!(" ({})", fault.trim_end_matches('.')))
                .unwrap_or_default();
            format!(
                "Your {}'s answer for {} cannot be read as it stands{fault}. Can you correct it and send the questionnaire again?",
                document(f),
                reference(f, inputs)
            )
        }
        _ => return None,
    };
    Some(text)
}

fn date_of(date: Option<NaiveDate>) -> String {
    date.map_or_else(
        || "a date not recorded".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

fn period_of(a: Option<&Attestation>) -> String {
    match a.map(|a| (a.period_start, a.period_end)) {
        Some((Some(start), Some(end))) => format!(" ({start} to {end})"),
        Some((None, Some(end))) => format!(" (through {end})"),
        _ => String::new(),
    }
}

fn quoted(text: &str) -> String {
    if text.trim().is_empty() {
        String::new()
    } else {
        format!(" (\"{}\")", text.trim())
    }
}

/// Which of the vendor's documents a questionnaire finding comes from.
fn document(f: &Finding) -> &'static str {
    match f.control_id.as_deref() {
        Some(id) if id.starts_with("CAIQ:") => "CAIQ",
        Some(id) if id.starts_with("NIST-800-53:") => "FedRAMP CIS/CRM workbook",
        _ => "questionnaire",
    }
}

/// The CAIQ question a finding was raised on: its id and text.
fn caiq_question<'a>(f: &Finding, inputs: &'a Inputs) -> Option<(&'a str, &'a str)> {
    inputs
        .questionnaires
        .caiqs
        .iter()
        .flat_map(|c| &c.questions)
        .find(|q| f.sources.first() == Some(&q.source))
        .map(|q| (q.question_id.as_str(), q.question.as_str()))
}

/// A questionnaire finding's question or control, as the vendor knows it: `DCS-07.1
/// ("…")`, `control AC-02 (a)`.
fn reference(f: &Finding, inputs: &Inputs) -> String {
    if let Some((id, text)) = caiq_question(f, inputs) {
        return format!("{id}{}", quoted(text));
    }
    match f.control_id.as_deref() {
        Some(id) => match id.split_once(':') {
            Some(("CAIQ", id)) => id.to_string(),
            Some(("NIST-800-53", id)) => format!("control {id}"),
            _ => id.to_string(),
        },
        None => "a row".to_string(),
    }
}

/// Excel keeps at most this many characters in a cell.
const CELL_CHARS: usize = 32_767;

fn fit(text: &str) -> &str {
    match text.char_indices().nth(CELL_CHARS - 1) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// The workbook: the questions sheet (frozen header, autofilter, wrapped question and
/// answer columns) and a sheet saying what it is and how to answer.
pub fn questions_workbook(
    run: &Run,
    vendor: &str,
    questions: &[Question],
) -> Result<Vec<u8>, XlsxError> {
    let organisation = run
        .organisation
        .as_deref()
        .unwrap_or("(organisation not set)");
    let end = run.period.end;
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(fit(&format!(
                "Follow-up questions for {vendor}, {}",
                run.period.label
            )))
            .set_company(fit(organisation))
            .set_comment("Written by demarc report: one row per finding the vendor can answer.")
            // Dated at the period end, so that the same run writes the same bytes.
            .set_creation_datetime(&ExcelDateTime::from_ymd(
                u16::try_from(end.year()).unwrap_or(9999),
                end.month() as u8,
                end.day() as u8,
            )?),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let top = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);

    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    for (c, (name, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *name, &header)?;
        sheet.set_column_width(c, *width)?;
    }
    for (i, q) in questions.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number_with_format(r, 0, (i + 1) as f64, &top)?;
        // Text from the spreadsheets is written as strings, never as formulas.
        sheet.write_string_with_format(r, 1, fit(&q.question), &wrap)?;
        sheet.write_string_with_format(r, 2, &q.id, &top)?;
        sheet.write_string_with_format(r, 3, q.code.as_str(), &top)?;
        sheet.write_string_with_format(r, 4, q.severity, &top)?;
        sheet.write_string_with_format(r, 5, fit(&q.source), &wrap)?;
        sheet.write_blank(r, 6, &wrap)?;
        sheet.write_blank(r, 7, &wrap)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = questions.len().max(1) as u32;
    sheet.autofilter(0, 0, last_row, COLUMNS.len() as u16 - 1)?;

    let about = book.add_worksheet();
    about.set_name("About")?;
    about.set_column_width(0, 16.0)?;
    about.set_column_width(1, 100.0)?;
    let bold = Format::new().set_bold();
    let lines = [
        ("From", organisation.to_string()),
        ("To", vendor.to_string()),
        (
            "Period",
            format!(
                "{} ({} to {}), judged as at {}",
                run.period.label, run.period.start, run.period.end, run.as_of
            ),
        ),
        (
            "What this is",
            "Follow-up questions from our review of your assurance documents. Each row of the Questions sheet is one finding of our review; please answer in the \"Vendor answer\" column and name the documents you send in \"Evidence provided\". Please keep the Finding ID: it stays the same from one review to the next.".to_string(),
        ),
        (
            "Written by",
            format!("demarc {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    for (r, (label, text)) in lines.iter().enumerate() {
        about.write_string_with_format(r as u32, 0, *label, &bold)?;
        about.write_string_with_format(r as u32, 1, fit(text), &wrap)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_side_codes_ask_the_vendor_nothing() {
        for code in Code::ALL {
            let asks = asks_the_vendor(code);
            match code.side() {
                crate::findings::Side::Customer | crate::findings::Side::Hygiene => {
                    assert!(!asks, "{code}")
                }
                crate::findings::Side::Assurance
                | crate::findings::Side::Cuec
                | crate::findings::Side::Questionnaire => assert!(asks, "{code}"),
                _ => {}
            }
        }
        assert!(asks_the_vendor(Code::BaaMissing));
        assert!(!asks_the_vendor(Code::VendorReviewOverdue));
        assert!(!asks_the_vendor(Code::ResidencyViolation));
    }

    #[test]
    fn long_text_is_cut_to_what_a_cell_holds() {
        let long = "é".repeat(CELL_CHARS + 10);
        assert_eq!(fit(&long).chars().count(), CELL_CHARS - 1);
        assert_eq!(fit("short"), "short");
    }
}
