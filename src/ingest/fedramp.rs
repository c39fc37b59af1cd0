//! Reading a FedRAMP Control Implementation Summary (CIS) / Customer Responsibility Matrix
//! (CRM) workbook (SSP Appendix J), as a provider publishes it.
//!
//! The CIS worksheet has a title row, then a two-row header: `Control ID` merged over both
//! rows, and under the groups "Implementation Status" and "Control Origination" one column
//! per status or origination, marked `X` (or `x`) on each control's row. Providers
//! customise the origination headings ("Service Provider Corporate (GSA/18F)"), so they are
//! recognised by how they begin. The CRM worksheet has `Control ID`, `Can Be Inherited
//! from CSP` (`Yes`, `Partial`, `No`) and the responsibility text, under a title and a
//! guidance row.
//!
//! The template holds one CIS and one CRM sheet per baseline (High, Moderate, Low,
//! LI-SaaS); a completed workbook fills in one of them. CIS sheets with no mark at all are
//! blank and left out; two filled-in CIS sheets are an error. Sheets named "Example…" are
//! the template's examples and never read.

use super::columns::HEADER_SEARCH_ROWS;
use super::table::{column_letters, Cell, Table};
use super::{InputError, NamedTable, Problems};
use crate::findings::Source;
use crate::inputs::names::{closest, loose_key};
use crate::inputs::questionnaires::{
    nist_key, CrmRow, Fedramp, FedrampControl, ImplementationStatus, Inheritable, OddMark,
    Origination, Stated,
};
use crate::inputs::{FedrampPart, SheetRead, SheetUse};
use crate::model::mapping::{DomainMapping, Framework};
use crate::model::Model;
use std::collections::HashMap;

/// A column of the CIS worksheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CisColumn {
    Status(ImplementationStatus),
    Origination(Origination),
}

/// The CIS headings as the template writes them, for error messages and hints.
const CIS_HEADINGS: [&str; 12] = [
    "Implemented",
    "Partially Implemented",
    "Planned",
    "Alternative Implementation",
    "N/A",
    "Service Provider Corporate",
    "Service Provider System Specific",
    "Service Provider Hybrid (Corporate and System Specific)",
    "Configured by Customer (Customer System Specific)",
    "Provided by Customer (Customer System Specific)",
    "Shared (Service Provider and Customer Responsibility)",
    "Inherited from Pre-Existing Authorization",
];

impl CisColumn {
    /// The column's name as errors and warnings give it.
    fn name(self) -> &'static str {
        match self {
            CisColumn::Status(s) => s.as_str(),
            CisColumn::Origination(o) => o.as_str(),
        }
    }
}

/// Whether a heading is a CIS column's own name (a status, an origination's bare prefix,
/// or the template's heading) rather than one recognised by how it begins: when two
/// headings name the same column, the one that is its name wins.
fn is_cis_name(heading: &str) -> bool {
    let key = loose_key(heading);
    CIS_HEADINGS.iter().any(|h| loose_key(h) == key)
        || matches!(
            key.as_str(),
            "na" | "notapplicable"
                | "serviceprovidercorporate"
                | "serviceprovidersystemspecific"
                | "serviceproviderhybrid"
                | "configuredbycustomer"
                | "providedbycustomer"
                | "shared"
                | "inherited"
                | "inheritedfrompreexistingauthorization"
        )
}

/// Recognises a CIS column heading. Statuses are matched whole; originations by how they
/// begin, since providers append their own names ("Service Provider Corporate (GSA/18F)").
fn cis_column(heading: &str) -> Option<CisColumn> {
    use ImplementationStatus as S;
    use Origination as O;
    let key = loose_key(heading);
    let status = match key.as_str() {
        "implemented" => Some(S::Implemented),
        "partiallyimplemented" => Some(S::PartiallyImplemented),
        "planned" => Some(S::Planned),
        "alternativeimplementation" => Some(S::Alternative),
        "na" | "notapplicable" => Some(S::NotApplicable),
        _ => None,
    };
    if let Some(status) = status {
        return Some(CisColumn::Status(status));
    }
    let origination = [
        ("serviceprovidercorporate", O::ProviderCorporate),
        ("serviceprovidersystemspecific", O::ProviderSystem),
        ("serviceproviderhybrid", O::ProviderHybrid),
        ("configuredbycustomer", O::ConfiguredByCustomer),
        ("providedbycustomer", O::ProvidedByCustomer),
        ("shared", O::Shared),
        ("inherited", O::Inherited),
    ]
    .into_iter()
    .find(|(prefix, _)| key.starts_with(prefix))
    .map(|(_, o)| o)?;
    Some(CisColumn::Origination(origination))
}

fn is_mark(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("x")
}

/// Whether a sheet's name says it is one of the template's examples.
fn is_example(name: &str) -> bool {
    loose_key(name).contains("example")
}

/// The words of a sheet name before `CIS` or `CRM` ("High CIS Worksheet" → "high"): how a
/// CIS sheet and its CRM sheet are paired.
fn baseline(name: &str, marker: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let end = words
        .iter()
        .position(|w| w == marker)
        .unwrap_or(words.len());
    words[..end].join(" ")
}

/// A headed column that is none of the CIS columns demarc reads, checked for stray marks.
struct ExtraColumn {
    col: usize,
    heading: String,
    /// Why a heading that names a CIS column is not read: another heading won it
    /// (`G3 "Service Provider Corporate" is Service Provider Corporate`).
    lost_to: Option<String>,
}

/// A sheet's layout, once recognised.
enum Layout {
    Cis {
        header_rows: Vec<usize>,
        control_col: usize,
        columns: Vec<(usize, CisColumn, String)>,
        /// Headed columns that are none of the CIS columns (checked for stray marks).
        unknown: Vec<ExtraColumn>,
    },
    Crm {
        header_row: usize,
        control_col: usize,
        answer_col: usize,
        text_col: Option<usize>,
    },
}

fn cell_text(table: &Table, row: usize, col: usize) -> String {
    match table.cell(row, col) {
        Cell::Text(s) => s.trim().to_string(),
        other => other.to_text(),
    }
}

/// A heading that may name one of the columns demarc reads.
struct Candidate {
    col: usize,
    row: usize,
    text: String,
    /// The heading is the column's own name, not a variant recognised by how it begins.
    exact: bool,
}

/// What recognising a header found wrong with it: an error (two headings of equal rank
/// name one column, so demarc cannot tell which to read) or a warning (a heading lost to
/// one that is the column's own name, and is kept as an extra column).
enum HeaderIssue {
    Error { cell: String, problem: String },
    Warning(String),
}

/// A sheet's header, with what is wrong with it.
struct Recognised {
    layout: Layout,
    issues: Vec<HeaderIssue>,
}

/// Picks the heading that names a column among several: a heading that is the column's
/// name beats one recognised by how it begins (the loser is kept as an extra column, with
/// a warning naming both cells); two of equal rank are an error naming both. Returns the
/// winner (the first of a tie, so that reading can go on and report everything at once)
/// and the losers.
fn choose(
    mut candidates: Vec<Candidate>,
    what: &str,
    a1: &dyn Fn(usize, usize) -> String,
    issues: &mut Vec<HeaderIssue>,
) -> Option<(Candidate, Vec<Candidate>)> {
    let best = candidates.iter().map(|c| c.exact).max()?;
    let first = candidates.iter().position(|c| c.exact == best)?;
    let winner = candidates.remove(first);
    let winner_cell = a1(winner.row, winner.col);
    if let Some(tie) = candidates.iter().find(|c| c.exact == best) {
        issues.push(HeaderIssue::Error {
            cell: winner_cell.clone(),
            problem: format!(
                "two headers name the same column, {what}: {winner_cell} {:?} and {} {:?}; demarc cannot tell which to read: rename or remove one",
                winner.text,
                a1(tie.row, tie.col),
                tie.text
            ),
        });
    }
    let losers: Vec<Candidate> = candidates.into_iter().filter(|c| c.exact != best).collect();
    for loser in &losers {
        issues.push(HeaderIssue::Warning(format!(
            "{} {:?} kept as an extra column: {winner_cell} {:?} is {what}",
            a1(loser.row, loser.col),
            loser.text,
            winner.text
        )));
    }
    Some((winner, losers))
}

/// Recognises a CIS or CRM sheet by its header.
fn layout(table: &Table) -> Option<Recognised> {
    let (origin_row, origin_col) = table.origin();
    let a1 = |row: usize, col: usize| {
        format!(
            "{}{}",
            column_letters(origin_col + col as u32),
            origin_row + row as u32 + 1
        )
    };
    for row in 0..table.height().min(HEADER_SEARCH_ROWS) {
        let cells: Vec<(usize, String, String)> = table
            .row_cells(row)
            .map(|(c, cell)| {
                let text = cell.to_text().trim().to_string();
                (c, loose_key(&text), text)
            })
            .collect();
        let candidates = |test: &dyn Fn(&str) -> Option<bool>, skip: &[usize]| -> Vec<Candidate> {
            cells
                .iter()
                .filter(|(c, _, _)| !skip.contains(c))
                .filter_map(|(c, k, text)| {
                    test(k).map(|exact| Candidate {
                        col: *c,
                        row,
                        text: text.clone(),
                        exact,
                    })
                })
                .collect()
        };
        let mut issues = Vec::new();
        let Some((control, _)) = choose(
            candidates(&|k| (k == "controlid").then_some(true), &[]),
            "Control ID",
            &a1,
            &mut issues,
        ) else {
            continue;
        };
        let control_col = control.col;
        if let Some((answer, _)) = choose(
            candidates(
                &|k| {
                    k.starts_with("canbeinherited")
                        .then(|| k == "canbeinheritedfromcsp")
                },
                &[control_col],
            ),
            "Can Be Inherited from CSP",
            &a1,
            &mut issues,
        ) {
            let text_col = choose(
                candidates(
                    &|k| {
                        k.contains("responsibilit")
                            .then(|| k == "specificinheritanceandcustomeragencycspresponsibilities")
                    },
                    &[control_col, answer.col],
                ),
                "the responsibility text",
                &a1,
                &mut issues,
            )
            .map(|(text, _)| text.col);
            return Some(Recognised {
                layout: Layout::Crm {
                    header_row: row,
                    control_col,
                    answer_col: answer.col,
                    text_col,
                },
                issues,
            });
        }
        // The CIS header: this row, and the row under it when the headings sit there. A
        // column headed in both rows is known by its lower heading.
        let mut header_rows = vec![row];
        let mut recognised: Vec<(CisColumn, Candidate)> = Vec::new();
        let mut unknown = Vec::new();
        for r in [row, row + 1] {
            let mut found_here = false;
            for (c, cell) in table.row_cells(r) {
                let heading = cell.to_text().trim().to_string();
                if c == control_col {
                    continue;
                }
                match cis_column(&heading) {
                    Some(kind) => {
                        recognised.retain(|(_, candidate)| candidate.col != c);
                        recognised.push((
                            kind,
                            Candidate {
                                col: c,
                                row: r,
                                exact: is_cis_name(&heading),
                                text: heading,
                            },
                        ));
                        found_here = true;
                    }
                    None if r == row + 1
                        || !matches!(
                            loose_key(&heading).as_str(),
                            "implementationstatus" | "controlorigination"
                        ) =>
                    {
                        unknown.push(ExtraColumn {
                            col: c,
                            heading,
                            lost_to: None,
                        });
                    }
                    None => {}
                }
            }
            if found_here && r == row + 1 {
                header_rows.push(r);
            }
        }
        let has_origination = recognised
            .iter()
            .any(|(k, _)| matches!(k, CisColumn::Origination(_)));
        if !has_origination {
            continue;
        }
        if header_rows.len() == 1 {
            // The row under a one-row header is data, not headings.
            unknown.clear();
            for (c, cell) in table.row_cells(row) {
                let heading = cell.to_text().trim().to_string();
                if c != control_col && cis_column(&heading).is_none() {
                    unknown.push(ExtraColumn {
                        col: c,
                        heading,
                        lost_to: None,
                    });
                }
            }
        }
        unknown.retain(|u| !recognised.iter().any(|(_, c)| c.col == u.col));
        // Each CIS column read from one heading: the one that is its name, else an error.
        let mut by_kind: std::collections::BTreeMap<CisColumn, Vec<Candidate>> =
            std::collections::BTreeMap::new();
        for (kind, candidate) in recognised {
            by_kind.entry(kind).or_default().push(candidate);
        }
        let mut columns = Vec::new();
        for (kind, candidates) in by_kind {
            if let Some((winner, losers)) = choose(candidates, kind.name(), &a1, &mut issues) {
                let winner_cell = a1(winner.row, winner.col);
                for loser in losers {
                    unknown.push(ExtraColumn {
                        col: loser.col,
                        lost_to: Some(format!(
                            "{winner_cell} {:?} is {}",
                            winner.text,
                            kind.name()
                        )),
                        heading: loser.text,
                    });
                }
                columns.push((winner.col, kind, winner.text));
            }
        }
        columns.sort_by_key(|(c, _, _)| *c);
        unknown.sort_by_key(|u| u.col);
        return Some(Recognised {
            layout: Layout::Cis {
                header_rows,
                control_col,
                columns,
                unknown,
            },
            issues,
        });
    }
    None
}

/// A CIS sheet read, before pairing.
struct CisRead {
    sheet: String,
    controls: Vec<FedrampControl>,
    marked: bool,
}

/// A CRM sheet read, before pairing.
struct CrmRead {
    sheet: String,
    rows: Vec<CrmRow>,
    answered: bool,
}

/// What the caller needs to know about a FedRAMP file.
pub(super) struct Read {
    pub fedramp: Option<Fedramp>,
    pub sheets: Vec<SheetRead>,
    /// Headings kept as extra columns because another heading won their column, each
    /// naming both cells.
    pub warnings: Vec<String>,
}

/// Reads the CIS and CRM worksheets of a provider's workbook.
pub(super) fn read(
    provider: &str,
    shown: &str,
    tables: &[NamedTable],
    mapping: &DomainMapping,
    model: &Model,
    problems: &mut Problems,
) -> Read {
    let error = |sheet: Option<&str>, location: Option<String>, problem: String| InputError {
        file: shown.to_string(),
        sheet: sheet.map(str::to_string),
        location,
        problem,
    };
    let mut cis: Vec<CisRead> = Vec::new();
    let mut crm: Vec<CrmRead> = Vec::new();
    let mut kinds: HashMap<String, FedrampPart> = HashMap::new();
    let mut warnings = Vec::new();
    for (name, table) in tables {
        let Some(table) = table else { continue };
        if is_example(name) {
            continue;
        }
        let Some(Recognised { layout, issues }) = layout(table) else {
            continue;
        };
        let mut header_errors = false;
        for issue in issues {
            match issue {
                HeaderIssue::Error { cell, problem } => {
                    header_errors = true;
                    problems.push(error(Some(name), Some(cell), problem));
                }
                HeaderIssue::Warning(text) => warnings.push(format!("{shown}: {name}!{text}")),
            }
        }
        if header_errors {
            // The sheet is one of the workbook's, but cannot be read as it stands.
            kinds.insert(
                name.clone(),
                match layout {
                    Layout::Cis { .. } => FedrampPart::Cis,
                    Layout::Crm { .. } => FedrampPart::Crm,
                },
            );
            continue;
        }
        match layout {
            Layout::Cis {
                header_rows,
                control_col,
                columns,
                unknown,
            } => {
                kinds.insert(name.clone(), FedrampPart::Cis);
                if let Some(read) = read_cis(
                    shown,
                    name,
                    table,
                    &header_rows,
                    control_col,
                    &columns,
                    &unknown,
                    problems,
                ) {
                    cis.push(read);
                }
            }
            Layout::Crm {
                header_row,
                control_col,
                answer_col,
                text_col,
            } => {
                kinds.insert(name.clone(), FedrampPart::Crm);
                if let Some(read) = read_crm(
                    shown,
                    name,
                    table,
                    header_row,
                    control_col,
                    answer_col,
                    text_col,
                    problems,
                ) {
                    crm.push(read);
                }
            }
        }
    }
    let mut sheets: Vec<SheetRead> = tables
        .iter()
        .map(|(name, _)| SheetRead {
            name: name.clone(),
            kind: kinds
                .get(name)
                .map(|&part| SheetUse::Fedramp { part, blank: false }),
            rows: 0,
        })
        .collect();
    if kinds.is_empty() {
        problems.push(error(
            None,
            None,
            format!(
                "not a FedRAMP CIS/CRM workbook: no sheet has a CIS header (Control ID, then control origination columns such as Service Provider Corporate) or a CRM header (Control ID, Can Be Inherited from CSP) in its first {HEADER_SEARCH_ROWS} rows; it was named as {provider}'s FedRAMP workbook"
            ),
        ));
        return Read {
            fedramp: None,
            sheets,
            warnings,
        };
    }
    let blank_sheets: Vec<String> = cis
        .iter()
        .filter(|c| !c.marked)
        .map(|c| c.sheet.clone())
        .collect();
    let mut answered: Vec<CisRead> = cis.into_iter().filter(|c| c.marked).collect();
    if answered.len() > 1 {
        let names: Vec<&str> = answered.iter().map(|c| c.sheet.as_str()).collect();
        problems.push(error(
            None,
            None,
            format!(
                "{} CIS worksheets are filled in ({}): demarc reads one baseline per provider; keep the one that applies",
                names.len(),
                names.join(", ")
            ),
        ));
        return Read {
            fedramp: None,
            sheets,
            warnings,
        };
    }
    let cis = answered.pop();
    let mut crm: Vec<CrmRead> = crm.into_iter().filter(|c| c.answered).collect();
    let crm = match (crm.len(), &cis) {
        (0, _) => None,
        (1, _) => crm.pop(),
        (_, Some(cis)) => {
            let wanted = baseline(&cis.sheet, "cis");
            let i = crm.iter().position(|c| baseline(&c.sheet, "crm") == wanted);
            match i {
                Some(i) => Some(crm.swap_remove(i)),
                None => {
                    let names: Vec<&str> = crm.iter().map(|c| c.sheet.as_str()).collect();
                    problems.push(error(
                        None,
                        None,
                        format!(
                            "{} CRM worksheets are filled in ({}), and none is named for the CIS worksheet {:?}: keep the one that goes with it",
                            names.len(),
                            names.join(", "),
                            cis.sheet
                        ),
                    ));
                    return Read {
                        fedramp: None,
                        sheets,
                        warnings,
                    };
                }
            }
        }
        (_, None) => {
            let names: Vec<&str> = crm.iter().map(|c| c.sheet.as_str()).collect();
            problems.push(error(
                None,
                None,
                format!(
                    "{} CRM worksheets are filled in ({}) and no CIS worksheet is: keep the one that applies",
                    names.len(),
                    names.join(", ")
                ),
            ));
            return Read {
                fedramp: None,
                sheets,
                warnings,
            };
        }
    };
    let (cis_sheet, mut controls) = match cis {
        Some(c) => (Some(c.sheet), c.controls),
        None => (None, Vec::new()),
    };
    let (crm_sheet, mut crm_rows) = match crm {
        Some(c) => (Some(c.sheet), c.rows),
        None => (None, Vec::new()),
    };
    // Join CIS and CRM rows by control (`AC-02 (a)` is `AC-2(a)`); the first row of a
    // control is the one that counts, later ones are marked duplicates.
    let mut crm_index: HashMap<String, usize> = HashMap::new();
    for (i, row) in crm_rows.iter_mut().enumerate() {
        match crm_index.entry(nist_key(&row.control_id)) {
            std::collections::hash_map::Entry::Occupied(_) => row.duplicate = true,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for control in &mut controls {
        let key = nist_key(&control.control_id);
        control.duplicate = !seen.insert(key.clone());
        control.crm = crm_index.get(&key).copied();
        control.domain = mapping.domain(Framework::Nist80053, &control.control_id, model);
    }
    for row in &mut crm_rows {
        // With no CIS worksheet there is nothing to compare with.
        row.in_cis = cis_sheet.is_none() || seen.contains(&nist_key(&row.control_id));
    }
    for sheet in &mut sheets {
        if Some(&sheet.name) == cis_sheet.as_ref() {
            sheet.rows = controls.len();
        } else if Some(&sheet.name) == crm_sheet.as_ref() {
            sheet.rows = crm_rows.len();
        } else if let Some(SheetUse::Fedramp { blank, .. }) = &mut sheet.kind {
            *blank = true;
        }
    }
    Read {
        fedramp: Some(Fedramp {
            provider: provider.to_string(),
            file: shown.to_string(),
            cis_sheet,
            crm_sheet,
            controls,
            crm: crm_rows,
            blank_sheets,
        }),
        sheets,
        warnings,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_cis(
    shown: &str,
    sheet: &str,
    table: &Table,
    header_rows: &[usize],
    control_col: usize,
    columns: &[(usize, CisColumn, String)],
    unknown: &[ExtraColumn],
    problems: &mut Problems,
) -> Option<CisRead> {
    let (origin_row, origin_col) = table.origin();
    let a1 = |row: usize, col: usize| {
        format!(
            "{}{}",
            column_letters(origin_col + col as u32),
            origin_row + row as u32 + 1
        )
    };
    let first = header_rows.last().copied().unwrap_or(0) + 1;
    let before = problems.errors.len();
    // A mark in a column demarc does not recognise would be silently lost: refuse it.
    for ExtraColumn {
        col,
        heading,
        lost_to,
    } in unknown
    {
        if let Some(row) = (first..table.height()).find(|&r| is_mark(&cell_text(table, r, *col))) {
            let problem = match lost_to {
                Some(winner) => format!(
                    "a control is marked X in a column headed {heading:?}, kept as an extra column because {winner}: remove one of the two columns"
                ),
                None => {
                    let hint = closest(heading, CIS_HEADINGS)
                        .map(|h| format!(" (did you mean {h:?}?)"))
                        .unwrap_or_default();
                    format!(
                        "a control is marked X in a column headed {heading:?}, which is none of the CIS columns{hint}: expected one of {}",
                        CIS_HEADINGS.join(", ")
                    )
                }
            };
            problems.push(InputError {
                file: shown.to_string(),
                sheet: Some(sheet.to_string()),
                location: Some(a1(row, *col)),
                problem,
            });
        }
    }
    let mut controls = Vec::new();
    let mut marked = false;
    for row in first..table.height() {
        if table.row_is_blank(row) {
            continue;
        }
        let control_id = cell_text(table, row, control_col);
        let mut status = Vec::new();
        let mut origination = Vec::new();
        let mut odd_marks = Vec::new();
        for (col, kind, heading) in columns {
            let text = cell_text(table, row, *col);
            if text.is_empty() {
                continue;
            }
            if !is_mark(&text) {
                odd_marks.push(OddMark {
                    column: heading.clone(),
                    cell: a1(row, *col),
                    text,
                });
                continue;
            }
            match kind {
                CisColumn::Status(s) => status.push(*s),
                CisColumn::Origination(o) => origination.push(*o),
            }
        }
        if control_id.is_empty() {
            if !status.is_empty() || !origination.is_empty() || !odd_marks.is_empty() {
                problems.push(InputError {
                    file: shown.to_string(),
                    sheet: Some(sheet.to_string()),
                    location: Some(a1(row, control_col)),
                    problem: "control_id: the row is marked but names no control".into(),
                });
            }
            continue;
        }
        marked |= !status.is_empty() || !origination.is_empty();
        controls.push(FedrampControl {
            control_id,
            status,
            origination,
            odd_marks,
            crm: None,
            domain: None,
            source: Source {
                file: shown.into(),
                sheet: sheet.into(),
                row: origin_row + row as u32 + 1,
            },
            duplicate: false,
        });
    }
    (problems.errors.len() == before).then_some(CisRead {
        sheet: sheet.to_string(),
        controls,
        marked,
    })
}

#[allow(clippy::too_many_arguments)]
fn read_crm(
    shown: &str,
    sheet: &str,
    table: &Table,
    header_row: usize,
    control_col: usize,
    answer_col: usize,
    text_col: Option<usize>,
    problems: &mut Problems,
) -> Option<CrmRead> {
    let (origin_row, origin_col) = table.origin();
    let mut rows = Vec::new();
    let mut answered = false;
    let before = problems.errors.len();
    for row in header_row + 1..table.height() {
        if table.row_is_blank(row) {
            continue;
        }
        let control_id = cell_text(table, row, control_col);
        let answer = cell_text(table, row, answer_col);
        let responsibility = text_col
            .map(|c| cell_text(table, row, c))
            .unwrap_or_default();
        if control_id.is_empty() {
            if !answer.is_empty() {
                problems.push(InputError {
                    file: shown.to_string(),
                    sheet: Some(sheet.to_string()),
                    location: Some(format!(
                        "{}{}",
                        column_letters(origin_col + control_col as u32),
                        origin_row + row as u32 + 1
                    )),
                    problem: format!("control_id: the row answers {answer:?} but names no control"),
                });
            }
            continue;
        }
        answered |= !answer.is_empty();
        rows.push(CrmRow {
            control_id,
            inheritable: Stated::read(&answer, Inheritable::parse),
            responsibility,
            in_cis: false,
            source: Source {
                file: shown.into(),
                sheet: sheet.into(),
                row: origin_row + row as u32 + 1,
            },
            duplicate: false,
        });
    }
    (problems.errors.len() == before).then_some(CrmRead {
        sheet: sheet.to_string(),
        rows,
        answered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cis_headings_are_recognised_by_how_they_begin() {
        assert_eq!(
            cis_column("Service Provider Corporate (GSA/18F)"),
            Some(CisColumn::Origination(Origination::ProviderCorporate))
        );
        assert_eq!(
            cis_column("Inherited from Pre-Existing Provisional Authorization (AWS GovCloud)"),
            Some(CisColumn::Origination(Origination::Inherited))
        );
        assert_eq!(
            cis_column("N/A"),
            Some(CisColumn::Status(ImplementationStatus::NotApplicable))
        );
        assert_eq!(cis_column("Implementation Status"), None);
        assert_eq!(cis_column("Notes"), None);
    }

    #[test]
    fn sheets_pair_by_the_words_before_cis_or_crm() {
        assert_eq!(baseline("High CIS Worksheet", "cis"), "high");
        assert_eq!(baseline("High CRM Worksheet", "crm"), "high");
        assert_eq!(baseline("LI-SaaS CIS Worksheet", "cis"), "li saas");
        assert_eq!(baseline("CIS Worksheet", "cis"), "");
    }
}
