//! Reading a CSA CAIQ v4 questionnaire, as the vendor sends it: a sheet (`CAIQv4.0.3`)
//! with a title row above the header `Question ID | Question | CSP CAIQ Answer | SSRM
//! Control Ownership | …`, two blank columns, then the CCM columns (`CCM Control ID`, its
//! specification, title and domain title) merged down across the questions of a control.
//!
//! The sheet is recognised by its header, whatever its name. Merged CCM cells hold their
//! value only in their top cell, so the CCM columns are forward-filled. Answer and
//! ownership cells are kept as written when they break the vocabulary
//! ([`Stated::Unknown`]): judging them is reconcile's job. Only a workbook with no CAIQ
//! header at all is an input error.

use super::columns::{col, locate_columns, Column, ColumnMap, HEADER_SEARCH_ROWS};
use super::table::Table;
use super::{InputError, NamedTable, Problems};
use crate::findings::Source;
use crate::inputs::names::loose_key;
use crate::inputs::questionnaires::{Caiq, CaiqAnswer, CaiqQuestion, Ownership, Stated};
use crate::inputs::{SheetRead, SheetUse};
use crate::model::mapping::{DomainMapping, Framework};
use crate::model::Model;

/// The columns of a CAIQ v4 sheet (headers compared by [`loose_key`]).
const CAIQ: &[Column] = &[
    col("question_id", true, &["questionid", "caiqquestionid"]),
    col(
        "question",
        false,
        &["question", "questiontext", "caiqquestion"],
    ),
    col(
        "answer",
        true,
        &["cspcaiqanswer", "caiqanswer", "cspanswer", "answer"],
    ),
    col(
        "ownership",
        true,
        &[
            "ssrmcontrolownership",
            "controlownership",
            "ssrmownership",
            "ownership",
        ],
    ),
    col(
        "implementation",
        false,
        &[
            "cspimplementationdescriptionoptionalrecommended",
            "cspimplementationdescription",
            "implementationdescription",
        ],
    ),
    col(
        "csc_responsibilities",
        false,
        &[
            "cscresponsibilitiesoptionalrecommended",
            "cscresponsibilities",
        ],
    ),
    col("ccm_control_id", true, &["ccmcontrolid", "ccmcontrol"]),
    col(
        "ccm_specification",
        false,
        &["ccmcontrolspecification", "ccmspecification"],
    ),
    col("ccm_control_title", false, &["ccmcontroltitle"]),
    col("ccm_domain_title", false, &["ccmdomaintitle", "ccmdomain"]),
];

/// The CCM columns, forward-filled down a control's questions.
const CCM_COLUMNS: [&str; 3] = ["ccm_control_id", "ccm_control_title", "ccm_domain_title"];

/// What the caller needs to know about the sheets of a CAIQ file.
pub(super) struct Read {
    pub caiq: Option<Caiq>,
    pub sheets: Vec<SheetRead>,
    /// Headers kept as extra columns because another header names their column better.
    pub warnings: Vec<String>,
}

/// Finds the CAIQ sheet among a workbook's sheets and reads its questions.
pub(super) fn read(
    vendor: &str,
    shown: &str,
    tables: &[NamedTable],
    mapping: &DomainMapping,
    model: &Model,
    problems: &mut Problems,
) -> Read {
    let mut sheets = Vec::new();
    let mut found: Vec<(&str, &Table, ColumnMap)> = Vec::new();
    // The best incomplete header, to say what is missing when no sheet is a CAIQ.
    let mut nearest: Option<(&str, ColumnMap, usize)> = None;
    for (name, table) in tables {
        let Some(table) = table else {
            continue;
        };
        let Some(map) = locate_columns(table, CAIQ) else {
            continue;
        };
        if map.missing_in(CAIQ).is_empty() {
            found.push((name, table, map));
        } else {
            let matched = map.positions.iter().filter(|p| p.is_some()).count();
            let named_caiq = loose_key(name).starts_with("caiq");
            // A sheet named like a CAIQ, or one matching more than the generic `Question`.
            if (named_caiq || matched >= 2) && nearest.as_ref().is_none_or(|(_, _, n)| matched > *n)
            {
                nearest = Some((name, map, matched));
            }
        }
    }
    let error = |sheet: Option<&str>, location: Option<String>, problem: String| InputError {
        file: shown.to_string(),
        sheet: sheet.map(str::to_string),
        location,
        problem,
    };
    let wanted = "Question ID, CSP CAIQ Answer, SSRM Control Ownership and CCM Control ID";
    if found.is_empty() {
        match nearest {
            Some((name, map, _)) => {
                let missing: Vec<String> = map
                    .missing_in(CAIQ)
                    .iter()
                    .map(|c| format!("`{}` (headers accepted: {})", c.name, c.aliases.join(", ")))
                    .collect();
                problems.push(error(
                    Some(name),
                    Some(format!("row {}", table_row(tables, name, map.header_row))),
                    format!(
                        "this CAIQ sheet's header lacks {}",
                        missing.join("; ")
                    ),
                ));
            }
            None => problems.push(error(
                None,
                None,
                format!(
                    "not a CSA CAIQ v4 questionnaire: no sheet has a header row (in its first {HEADER_SEARCH_ROWS} rows) with {wanted}; it was named as {vendor}'s CAIQ"
                ),
            )),
        }
        for (name, _) in tables {
            sheets.push(SheetRead::ignored(name));
        }
        return Read {
            caiq: None,
            sheets,
            warnings: Vec::new(),
        };
    }
    // Prefer a sheet named like one (`CAIQv4.0.3`) when several have the header.
    if found.len() > 1 {
        let named: Vec<usize> = (0..found.len())
            .filter(|&i| loose_key(found[i].0).starts_with("caiq"))
            .collect();
        if named.len() == 1 {
            let keep = found.swap_remove(named[0]);
            found = vec![keep];
        } else {
            let names: Vec<&str> = found.iter().map(|(n, _, _)| *n).collect();
            problems.push(error(
                None,
                None,
                format!(
                    "{} sheets have a CAIQ header ({}): keep one questionnaire per file",
                    names.len(),
                    names.join(", ")
                ),
            ));
            return Read {
                caiq: None,
                sheets: tables.iter().map(|(n, _)| SheetRead::ignored(n)).collect(),
                warnings: Vec::new(),
            };
        }
    }
    let (sheet, table, map) = found.pop().expect("one CAIQ sheet");
    // Two headers of one rank for a column (two `Question ID`s): which one holds the
    // answers is anybody's guess, so the questionnaire is refused rather than half-read.
    if !map.duplicates.is_empty() {
        for (name, first, second) in &map.duplicates {
            problems.push(error(
                Some(sheet),
                Some(format!("row {}", table_row(tables, sheet, map.header_row))),
                super::same_rank_problem(table, &map, name, *first, *second),
            ));
        }
        return Read {
            caiq: None,
            sheets: tables.iter().map(|(n, _)| SheetRead::ignored(n)).collect(),
            warnings: Vec::new(),
        };
    }
    let warnings = super::outranked_warnings(shown, sheet, table, &map);
    let questions = read_questions(shown, sheet, table, &map, mapping, model);
    for (name, _) in tables {
        if name == sheet {
            sheets.push(SheetRead {
                name: name.clone(),
                kind: Some(SheetUse::Caiq),
                rows: questions.len(),
            });
        } else {
            sheets.push(SheetRead::ignored(name));
        }
    }
    Read {
        caiq: Some(Caiq {
            vendor: vendor.to_string(),
            file: shown.to_string(),
            sheet: sheet.to_string(),
            questions,
        }),
        sheets,
        warnings,
    }
}

/// The sheet row (1-based) of a table row.
fn table_row(tables: &[NamedTable], sheet: &str, row: usize) -> u32 {
    let origin = tables
        .iter()
        .find(|(n, _)| n == sheet)
        .and_then(|(_, t)| t.as_ref())
        .map_or(0, |t| t.origin().0);
    origin + row as u32 + 1
}

fn read_questions(
    shown: &str,
    sheet: &str,
    table: &Table,
    map: &ColumnMap,
    mapping: &DomainMapping,
    model: &Model,
) -> Vec<CaiqQuestion> {
    let (origin_row, _) = table.origin();
    let text = |row: usize, column: &str| -> String {
        map.position_in(CAIQ, column)
            .map(|c| table.cell(row, c).to_text())
            .unwrap_or_default()
    };
    let mut questions = Vec::new();
    // The CCM cells of the control the current question sits under.
    let mut ccm: [String; 3] = Default::default();
    for row in map.header_row + 1..table.height() {
        if table.row_is_blank(row) {
            continue;
        }
        let id = text(row, CCM_COLUMNS[0]);
        if !id.is_empty() {
            // A new control: its own cells, blank ones included, replace the previous.
            for (slot, column) in ccm.iter_mut().zip(CCM_COLUMNS) {
                *slot = text(row, column);
            }
        }
        let question_id = text(row, "question_id");
        let answer = text(row, "answer");
        let ownership = text(row, "ownership");
        // A row with nothing answered and no question id (`IAM-02.1`) is layout: a note,
        // a copyright footer.
        let names_a_question = matches!(
            crate::model::mapping::split_control_id(&question_id),
            Some((_, Some(_)))
        );
        if !names_a_question && answer.is_empty() && ownership.is_empty() {
            continue;
        }
        let ccm_control_id = if ccm[0].is_empty() {
            // Nothing above to fill from: the question id names its control (`IAM-02.1`).
            question_id
                .rsplit_once('.')
                .map(|(control, _)| control.to_string())
                .unwrap_or_default()
        } else {
            ccm[0].clone()
        };
        questions.push(CaiqQuestion {
            domain: mapping.domain(Framework::Ccm, &ccm_control_id, model),
            question: text(row, "question"),
            answer: Stated::read(&answer, CaiqAnswer::parse),
            ownership: Stated::read(&ownership, Ownership::parse),
            implementation: text(row, "implementation"),
            csc_responsibilities: text(row, "csc_responsibilities"),
            ccm_control_id,
            ccm_control_title: ccm[1].clone(),
            ccm_domain_title: ccm[2].clone(),
            question_id,
            source: Source {
                file: shown.into(),
                sheet: sheet.into(),
                row: origin_row + row as u32 + 1,
            },
        });
    }
    questions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(header: &[&str], answer_row: &[&str]) -> Vec<NamedTable> {
        let rows = vec![
            csv::StringRecord::from(vec![
                "Consensus Assessments Initiative Questionnaire v4.0.3",
            ]),
            csv::StringRecord::from(header.to_vec()),
            csv::StringRecord::from(answer_row.to_vec()),
        ];
        vec![("CAIQv4.0.3".to_string(), Some(Table::from_records(&rows)))]
    }

    fn read_sheet(tables: &[NamedTable]) -> (Read, Problems) {
        let mut problems = Problems::default();
        let read = read(
            "Acme",
            "acme-caiq.xlsx",
            tables,
            &DomainMapping::default(),
            &Model::default(),
            &mut problems,
        );
        (read, problems)
    }

    #[test]
    fn a_less_plain_alias_beside_its_column_is_kept_as_an_extra_column() {
        // `Question ID` and `CAIQ Question ID` both read as question_id; the first alias
        // listed wins and the other is named in a warning.
        let tables = sheet(
            &[
                "CAIQ Question ID",
                "Question ID",
                "CSP CAIQ Answer",
                "SSRM Control Ownership",
                "CCM Control ID",
            ],
            &["internal-7", "IAM-02.1", "Yes", "CSP-owned", "IAM-02"],
        );
        let (read, problems) = read_sheet(&tables);
        assert!(problems.errors.is_empty(), "{problems:?}");
        let caiq = read.caiq.expect("a CAIQ");
        assert_eq!(caiq.questions[0].question_id, "IAM-02.1");
        assert_eq!(
            read.warnings,
            ["acme-caiq.xlsx: CAIQv4.0.3!A2 \"CAIQ Question ID\" kept as an extra column: B2 \"Question ID\" is question_id"]
        );
    }

    #[test]
    fn two_headers_of_one_rank_refuse_the_questionnaire() {
        let tables = sheet(
            &[
                "Question ID",
                "CSP CAIQ Answer",
                "SSRM Control Ownership",
                "CCM Control ID",
                "CSP CAIQ Answer",
            ],
            &["IAM-02.1", "Yes", "CSP-owned", "IAM-02", "No"],
        );
        let (read, problems) = read_sheet(&tables);
        assert!(read.caiq.is_none());
        let shown: Vec<String> = problems.errors.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            ["acme-caiq.xlsx: CAIQv4.0.3!row 2: columns B (\"CSP CAIQ Answer\") and E (\"CSP CAIQ Answer\") both read as `answer`, and neither names it more plainly: rename or remove one"]
        );
    }
}
