//! Turning one spreadsheet row into one validated record: the per-column rules (required
//! cells, dates, enumerations, lists) and the error wording for each.

use super::columns::{attestations, controls, cuecs, evidence, services, vendors};
use super::columns::{ColumnId, ColumnMap, SheetKind};
use super::dates::{parse_text_date, DateOrder, DateProblem};
use super::table::{cell_in, column_letters, Cell};
use super::{IngestOptions, InputError, Problems};
use crate::findings::Source;
use crate::inputs::names::{closest, loose_key, split_list};
use crate::inputs::{
    Attestation, AttestationType, Control, Cuec, DataClass, Evidence, Frequency, Inputs, Opinion,
    Reach, Service, SubserviceMethod, TestResult, VendorRecord, VendorTier,
};
use crate::model::{Model, ServiceModel};
use chrono::NaiveDate;

/// One data row of a recognised sheet, with what is needed to read and locate its cells.
pub(crate) struct RowReader<'a> {
    /// The row's non-empty cells, in column order, as (column counted from `origin_col`,
    /// value): a table's row, or a row as it streamed in.
    pub cells: &'a [(u32, calamine::Data)],
    /// The 0-based sheet column that `map`'s and `cells`' columns count from.
    pub origin_col: u32,
    pub map: &'a ColumnMap,
    pub kind: SheetKind,
    pub source: Source,
}

/// Whether a date cell is Excel's phantom 1900-02-29: serial 60 in the 1900 date system,
/// which Excel shows as 29 February 1900 and calamine reads as the 28th. (calamine does
/// not say which date system a cell is in; serial 60 is 1904-03-01 in the 1904 system, so
/// the date it gives tells them apart.)
fn is_phantom_leap_day(dt: &calamine::ExcelDateTime) -> bool {
    dt.is_datetime()
        && dt.as_f64().floor() == 60.0
        && dt
            .as_datetime()
            .is_some_and(|d| d.date() == NaiveDate::from_ymd_opt(1900, 2, 28).unwrap_or_default())
}

/// Marks a row as unusable; the problem itself is already in [`Problems`].
struct Rejected;

impl RowReader<'_> {
    fn cell(&self, column: ColumnId) -> (Cell<'_>, Option<usize>) {
        debug_assert_eq!(
            column.kind,
            self.kind,
            "{} is not a column of this sheet",
            column.name()
        );
        match self.map.position_of(column) {
            Some(col) => (cell_in(self.cells, col), Some(col)),
            None => (Cell::Empty, None),
        }
    }

    fn error(&self, column: ColumnId, problem: String) -> InputError {
        let location = match self.map.position_of(column) {
            Some(col) => format!(
                "{}{}",
                column_letters(self.origin_col + col as u32),
                self.source.row
            ),
            None => format!("row {}", self.source.row),
        };
        InputError {
            file: self.source.file.to_string(),
            sheet: Some(self.source.sheet.to_string()),
            location: Some(location),
            problem: format!("{}: {problem}", column.name()),
        }
    }

    /// The cell's text, trimmed, without hidden characters (see [`crate::inputs::names::is_hidden`];
    /// the collector warns of them); empty when blank or absent.
    fn text(&self, column: ColumnId) -> String {
        let cell = self.cell(column).0;
        if matches!(cell, Cell::Error(_)) && PROSE.contains(&column) {
            // Read as blank; the collector warns (see [`PROSE`]).
            return String::new();
        }
        let text = cell.to_text();
        if crate::inputs::names::has_hidden(&text) {
            crate::inputs::names::strip_hidden(&text).trim().to_string()
        } else {
            text
        }
    }

    fn required_text(&self, column: ColumnId, problems: &mut Problems) -> Result<String, Rejected> {
        if let (Cell::Uncomputed, _) = self.cell(column) {
            problems.push(self.error(column, format!("required, but {UNCOMPUTED}")));
            return Err(Rejected);
        }
        let text = self.text(column);
        if text.is_empty() {
            problems.push(self.error(column, "required, but the cell is empty".into()));
            return Err(Rejected);
        }
        if let (Cell::Error(e), _) = self.cell(column) {
            problems.push(self.error(
                column,
                format!("expected a value, found the formula error {e}"),
            ));
            return Err(Rejected);
        }
        Ok(text)
    }

    fn date(
        &self,
        column: ColumnId,
        options: &IngestOptions,
        problems: &mut Problems,
    ) -> Result<Option<NaiveDate>, Rejected> {
        let (cell, _) = self.cell(column);
        let expected = "expected a date (a date cell, 2026-09-30, or 30 Sep 2026)";
        let problem = match cell {
            Cell::Empty => return Ok(None),
            Cell::Date(Some(date)) => return Ok(Some(date)),
            Cell::Text(text) => match parse_text_date(text, self.date_order(column, options)) {
                Ok(date) => return Ok(Some(date)),
                Err(DateProblem::Ambiguous) => format!(
                    "{:?} is ambiguous (day/month or month/day?): write 2026-09-30, or set date_order = \"dmy\" or \"mdy\" in demarc.toml",
                    text.trim()
                ),
                Err(DateProblem::NotADate) => format!("{expected}, found {}", cell.describe()),
                Err(DateProblem::TwoDigitYear) => format!(
                    "{:?} has a two-digit year, so which number is the day, the month and the year cannot be told for certain: write the year in full, or the month as a name (30 Sep 2026)",
                    text.trim()
                ),
                Err(DateProblem::NoSuchDay { year, month, days }) => format!(
                    "{:?} is not a day of the calendar: {} {year} has {days} days",
                    text.trim(),
                    chrono::Month::try_from(month as u8).map_or("that month", |m| m.name())
                ),
            },
            Cell::Number(_) => format!(
                "{expected}, found {}: format the cell as a date",
                cell.describe()
            ),
            Cell::Uncomputed => format!("{expected}, but {UNCOMPUTED}"),
            _ => format!("{expected}, found {}", cell.describe()),
        };
        problems.push(self.error(column, problem));
        Err(Rejected)
    }

    /// How a numeric text date in `column` is read: as its header's format hint says
    /// (`Date Collected (DD/MM/YYYY)`), which speaks for that column alone; otherwise as
    /// `date_order` in demarc.toml says for every sheet.
    fn date_order(&self, column: ColumnId, options: &IngestOptions) -> Option<DateOrder> {
        self.map.date_order_of(column).or(options.date_order)
    }

    fn required_date(
        &self,
        column: ColumnId,
        options: &IngestOptions,
        problems: &mut Problems,
    ) -> Result<NaiveDate, Rejected> {
        match self.date(column, options, problems)? {
            Some(date) => Ok(date),
            None => {
                problems.push(self.error(
                    column,
                    "required: expected a date, but the cell is empty".into(),
                ));
                Err(Rejected)
            }
        }
    }

    /// An enumeration cell: `None` when blank, an error naming the accepted values (and the
    /// nearest one) when unknown. A value with a gloss (`Quarterly (Q)`, `Tier 1 - Critical`,
    /// `SOC 2 Type II (with bridge letter)`) is read by the one accepted value among its
    /// parts, except a test's result (see [`read_past_gloss`]).
    fn choice<T: Copy + PartialEq>(
        &self,
        column: ColumnId,
        parse: impl Fn(&str) -> Option<T>,
        accepted: &[&str],
        problems: &mut Problems,
    ) -> Result<Option<T>, Rejected> {
        let (cell, _) = self.cell(column);
        let text = match cell {
            Cell::Empty => return Ok(None),
            Cell::Text(_) | Cell::Number(_) | Cell::Bool(_) => cell.to_text(),
            Cell::Uncomputed => {
                problems.push(self.error(
                    column,
                    format!("expected one of {}, but {UNCOMPUTED}", accepted.join(", ")),
                ));
                return Err(Rejected);
            }
            _ => {
                problems.push(self.error(
                    column,
                    format!(
                        "expected one of {}, found {}",
                        accepted.join(", "),
                        cell.describe()
                    ),
                ));
                return Err(Rejected);
            }
        };
        let glossed = || {
            (column != evidence::RESULT)
                .then(|| read_past_gloss(&text, &parse))
                .flatten()
        };
        match parse(&text).or_else(glossed) {
            Some(value) => Ok(Some(value)),
            None => {
                let mut problem = unknown_value(&text, accepted);
                if column == controls::FREQUENCY {
                    problem.push_str(frequency_refused_because(&text));
                }
                problems.push(self.error(column, problem));
                Err(Rejected)
            }
        }
    }

    fn list(&self, column: ColumnId) -> Vec<String> {
        split_list(&self.text(column))
    }
}

/// An enumeration value read past its gloss: the text without its bracketed parts, each
/// bracketed part, and each part around a dash (`Tier 1 - Critical`) are tried, and the
/// value is read when they name exactly one accepted value (`IaaS / PaaS` names two, and
/// stays an error). Not for a test's result, whose gloss can reverse it: `Effective -
/// exceptions noted` is an Exception.
fn read_past_gloss<T: Copy + PartialEq>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = text;
    let mut bare = String::new();
    while let Some(open) = rest.find(['(', '[']) {
        bare.push_str(&rest[..open]);
        let inner = &rest[open + 1..];
        let close = inner.find([')', ']']).unwrap_or(inner.len());
        parts.push(&inner[..close]);
        rest = inner.get(close + 1..).unwrap_or("");
    }
    bare.push_str(rest);
    let mut candidates: Vec<&str> = Vec::new();
    if !parts.is_empty() {
        candidates.push(&bare);
        candidates.extend(parts);
    }
    for dash in [" - ", " – ", " — "] {
        if text.contains(dash) {
            candidates.extend(text.split(dash));
        }
    }
    let mut found = None;
    for candidate in candidates {
        let Some(value) = parse(candidate.trim()) else {
            continue;
        };
        match found {
            None => found = Some(value),
            Some(seen) if seen == value => {}
            Some(_) => return None,
        }
    }
    found
}

/// "a" or "an" before an attestation type's name: an ISO 27001, a SOC 2, a HITRUST.
fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

fn unknown_value(seen: &str, accepted: &[&str]) -> String {
    let mut problem = format!(
        "{} is not one of {}",
        Cell::Text(seen).describe(),
        accepted.join(", ")
    );
    if let Some(hint) = closest(seen, accepted.iter().copied()) {
        problem.push_str(&format!(" (did you mean {hint:?}?)"));
    }
    problem
}

fn by_loose_name<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, text: &str) -> Option<T> {
    let wanted = loose_key(text);
    all.iter()
        .copied()
        .find(|v| crate::inputs::names::loose_matches(name(*v), &wanted))
}

fn parse_result(text: &str) -> Option<TestResult> {
    by_loose_name(&TestResult::ALL, TestResult::as_str, text).or_else(|| {
        let key = loose_key(text);
        RESULT_WORDINGS
            .iter()
            .find(|(wording, _)| *wording == key)
            .map(|(_, result)| *result)
    })
}

/// How testing workbooks word a conclusion besides the five names (as [`loose_key`]s):
/// the pass/fail of a test script, and an auditor's phrasing of a test of operating
/// effectiveness. Wording that could mean two results is read as the graver one: a test
/// "passed with exceptions" is an Exception, so it is followed up, never read as clean.
/// `N/A` is not here: not applicable is a scoping decision, not a test's result.
const RESULT_WORDINGS: &[(&str, TestResult)] = &[
    ("pass", TestResult::Effective),
    ("passed", TestResult::Effective),
    ("operatingeffectively", TestResult::Effective),
    ("noexceptions", TestResult::Effective),
    ("noexceptionsnoted", TestResult::Effective),
    ("effectivenoexceptions", TestResult::Effective),
    ("effectivenoexceptionsnoted", TestResult::Effective),
    ("fail", TestResult::Ineffective),
    ("failed", TestResult::Ineffective),
    ("noteffective", TestResult::Ineffective),
    ("notoperatingeffectively", TestResult::Ineffective),
    ("exceptions", TestResult::Exception),
    ("exceptionnoted", TestResult::Exception),
    ("exceptionsnoted", TestResult::Exception),
    ("effectivewithexceptions", TestResult::Exception),
    ("effectivewithexception", TestResult::Exception),
    ("passwithexceptions", TestResult::Exception),
    ("passedwithexceptions", TestResult::Exception),
    ("partial", TestResult::PartiallyEffective),
    ("partiallypassed", TestResult::PartiallyEffective),
    ("partialpass", TestResult::PartiallyEffective),
    ("untested", TestResult::NotTested),
    ("notyettested", TestResult::NotTested),
    ("notperformed", TestResult::NotTested),
    ("pending", TestResult::NotTested),
];

/// Why a cadence demarc has no window for is refused, for the error: a week is finer than
/// the month demarc judges freshness by (reading it as monthly would call three-week-old
/// evidence of a weekly control fresh), and `Ad hoc` keeps no cadence at all.
fn frequency_refused_because(text: &str) -> &'static str {
    match loose_key(text).as_str() {
        "weekly" | "daily" | "biweekly" | "fortnightly" | "hourly" | "everyweek" | "perweek" => {
            ": demarc judges freshness by the month at the finest; write monthly (evidence within a month of the period end), or continuous for a control that runs all the time"
        }
        "adhoc" | "asneeded" | "asrequired" | "ondemand" | "eventdriven" | "perchange"
        | "perevent" | "onchange" => {
            ": freshness is judged against a cadence, and this names none; write the cadence the control is meant to keep (annual at the least)"
        }
        _ => "",
    }
}

fn parse_frequency(text: &str) -> Option<Frequency> {
    match loose_key(text).as_str() {
        "continuous" | "continuously" | "realtime" | "continuousmonitoring" => {
            Some(Frequency::Continuous)
        }
        "monthly" => Some(Frequency::Monthly),
        "everymonth" | "permonth" => Some(Frequency::Monthly),
        "quarterly" | "everyquarter" | "perquarter" | "everythreemonths" | "every3months" => {
            Some(Frequency::Quarterly)
        }
        "semiannual" | "semiannually" | "biannual" | "biannually" | "halfyearly" | "twiceayear"
        | "twiceyearly" | "everysixmonths" | "every6months" => Some(Frequency::Semiannual),
        "annual" | "annually" | "yearly" | "everyyear" | "peryear" | "onceayear" => {
            Some(Frequency::Annual)
        }
        _ => None,
    }
}

fn parse_attestation_type(text: &str) -> Option<AttestationType> {
    let key = loose_key(text)
        .replace("type2", "typeii")
        .replace("type1", "typei");
    let mut key = key
        .replace("socii", "soc2")
        .replace("soci", "soc1")
        .replace("isoiec", "iso");
    // What the document is called after its type: `SOC 2 Type II Report`, `ISO 27001
    // Certificate`.
    for word in ["report", "certificate", "certification", "attestation"] {
        if let Some(stem) = key.strip_suffix(word).filter(|s| !s.is_empty()) {
            key = stem.to_string();
        }
    }
    // The standard's edition: `ISO/IEC 27001:2022`.
    if key.starts_with("iso270") && key.len() == "iso27001".len() + 4 {
        key.truncate("iso27001".len());
    }
    // A programme's level or impact: `FedRAMP Moderate`, `HITRUST r2`, `CSA STAR Level 2`.
    for (programme, kind) in [
        ("fedramp", AttestationType::FedRAMP),
        ("hitrust", AttestationType::Hitrust),
        ("csastar", AttestationType::CsaStar),
    ] {
        if key.starts_with(programme) {
            return Some(kind);
        }
    }
    AttestationType::ALL
        .iter()
        .copied()
        .find(|t| loose_key(t.as_str()) == key)
        .or(match key.as_str() {
            "iso27001certificate" | "iso270012022" | "iso270012013" | "isoiec27001" => {
                Some(AttestationType::Iso27001)
            }
            "pcidss" | "pciaoc" | "pcidssattestationofcompliance" => {
                Some(AttestationType::PciDssAoc)
            }
            "fedrampato" | "fedrampauthorization" => Some(AttestationType::FedRAMP),
            "csastarlevel2" | "csastarcertification" => Some(AttestationType::CsaStar),
            "pentest" | "penetrationtesting" => Some(AttestationType::PenetrationTest),
            "hitrustr2" | "hitrustcsf" => Some(AttestationType::Hitrust),
            _ => None,
        })
}

fn parse_opinion(text: &str) -> Option<Opinion> {
    match loose_key(text).as_str() {
        "disclaimerofopinion" => Some(Opinion::Disclaimer),
        "unmodified" | "clean" => Some(Opinion::Unqualified),
        _ => by_loose_name(&Opinion::ALL, Opinion::as_str, text),
    }
}

/// `carve_out`: the method's name, or yes/no to "carved out?".
fn parse_subservice_method(text: &str) -> Option<SubserviceMethod> {
    match loose_key(text).as_str() {
        "inclusive" | "inclusivemethod" | "included" | "no" | "n" => {
            Some(SubserviceMethod::Inclusive)
        }
        "carveout" | "carveoutmethod" | "carvedout" | "yes" | "y" => {
            Some(SubserviceMethod::CarveOut)
        }
        _ => None,
    }
}

fn parse_tier(text: &str) -> Option<VendorTier> {
    let key = loose_key(text);
    // `High Risk`, `Criticality: High`.
    let key = key.strip_suffix("risk").unwrap_or(&key);
    let key = key.strip_prefix("criticality").unwrap_or(key);
    by_loose_name(&VendorTier::ALL, VendorTier::as_str, key)
}

fn parse_yes_no(text: &str) -> Option<bool> {
    // A checkbox column: ticked or crossed.
    match text.trim() {
        "✓" | "✔" | "☑" | "☒" | "x" | "X" => return Some(true),
        "✗" | "✘" | "☐" => return Some(false),
        _ => {}
    }
    match loose_key(text).as_str() {
        "yes" | "y" | "true" | "1" | "inscope" | "in" => Some(true),
        "no" | "n" | "false" | "0" | "outofscope" | "out" => Some(false),
        _ => None,
    }
}

fn parse_data_class(text: &str) -> Option<DataClass> {
    by_loose_name(&DataClass::ALL, DataClass::as_str, text).or(match loose_key(text).as_str() {
        // What the abbreviations stand for, as data inventories write them out.
        "personaldata" | "personalinformation" | "personallyidentifiableinformation" => {
            Some(DataClass::Pii)
        }
        "protectedhealthinformation" | "ephi" | "healthdata" | "healthinformation" => {
            Some(DataClass::Phi)
        }
        "cardholderdata" | "paymentcarddata" | "chd" | "pcidss" => Some(DataClass::Pci),
        "intellectualproperty" => Some(DataClass::Ip),
        _ => None,
    })
}

/// A list cell where `*` (or a blank cell, or `All`: see [`means_every_service`]) means
/// "all".
fn reach(items: Vec<String>) -> Reach {
    if items.is_empty() || items.iter().any(|i| i == "*" || means_every_service(i)) {
        Reach::All
    } else {
        Reach::Named(items)
    }
}

/// Whether a service cell's words say every service, as registers write `*`: `All`, `All
/// services`, `Org-wide`, `Entity level`. A subset (`All SaaS`) is not every service, and
/// is read as the name it is.
fn means_every_service(text: &str) -> bool {
    matches!(
        loose_key(text).as_str(),
        "all"
            | "allservices"
            | "allinscopeservices"
            | "allinscope"
            | "allsystems"
            | "allcloudservices"
            | "everyservice"
            | "orgwide"
            | "organisationwide"
            | "organizationwide"
            | "companywide"
            | "enterprisewide"
            | "entitylevel"
            | "entitywide"
    )
}

/// Optional columns read as something other than plain text or a list: their readers say
/// what they expected when they meet a formula error.
const TYPED_OPTIONAL: &[ColumnId] = &[
    services::IN_SCOPE,
    controls::FREQUENCY,
    evidence::RESULT,
    attestations::TYPE,
    attestations::OPINION,
    attestations::EXCEPTIONS,
    attestations::PERIOD_START,
    attestations::PERIOD_END,
    attestations::ISSUED_ON,
    attestations::EXPIRES_ON,
    attestations::BRIDGE_LETTER_THROUGH,
    vendors::TIER,
    vendors::CONTRACT_END,
    vendors::DPA_SIGNED_ON,
    vendors::BAA_SIGNED_ON,
    vendors::NEXT_REVIEW_DUE,
];

/// Why a formula cell with no computed value cannot be read, and what to do. A program
/// that writes workbooks (openpyxl, a script) stores the formula and leaves computing it
/// to Excel; so does a cell whose text was typed starting with `=`.
const UNCOMPUTED: &str = "the cell holds a formula with no computed value (a workbook written by a script, or text typed starting with \"=\"): open and save the workbook in Excel or LibreOffice so the formula is computed, or type the text with a leading apostrophe";

/// Columns of prose that demarc prints but never matches, counts or judges by: a title, a
/// note, who tested. A formula error there (a lookup's `#N/A` beside every row it found
/// nothing for) is read as blank with a warning per column, rather than failing the run:
/// nothing the reconciliation decides depends on it. In any other column the error is
/// the run's, because a blank there would change what is found (no file, no scope).
const PROSE: &[ColumnId] = &[
    services::OWNER,
    services::SCOPE_NOTE,
    controls::TITLE,
    controls::OWNER,
    evidence::EVIDENCE,
    evidence::TESTER,
    evidence::NOTES,
    attestations::AUDITOR,
    attestations::EXCEPTION_NOTES,
    cuecs::DESCRIPTION,
    vendors::REVIEWER,
];

/// A formula error (`#REF!`, `#N/A`) in a text or list column would otherwise be read as
/// the text "#REF!" — a service, a control, a file nobody named. Reports each such cell
/// outside the [`PROSE`] columns.
fn formula_errors_in_text(row: &RowReader<'_>, problems: &mut Problems) {
    for column in row.kind.column_ids() {
        if column.column().required || TYPED_OPTIONAL.contains(&column) || PROSE.contains(&column) {
            continue;
        }
        if let (Cell::Error(e), _) = row.cell(column) {
            problems.push(row.error(
                column,
                format!(
                    "expected text, found the formula error {e}: fix the formula or clear the cell"
                ),
            ));
        }
    }
}

/// Warnings for names that differ but look alike (`Okta` and `Оkta` with a Cyrillic O):
/// demarc treats them as two names, which a reader of the sheet cannot see.
fn look_alike_warnings(
    spellings: &std::collections::BTreeMap<(&'static str, String), (String, String)>,
) -> Vec<String> {
    let mut by_skeleton: std::collections::BTreeMap<(&str, String), Vec<&(String, String)>> =
        Default::default();
    for ((what, _), first) in spellings {
        by_skeleton
            .entry((*what, crate::inputs::names::skeleton(&first.0)))
            .or_default()
            .push(first);
    }
    let mut warnings = Vec::new();
    for ((what, _), names) in by_skeleton {
        let Some((first, rest)) = names.split_first() else {
            continue;
        };
        for other in rest {
            let odd: Vec<String> = other
                .0
                .chars()
                .chain(first.0.chars())
                .filter(|c| !c.is_ascii())
                .map(|c| format!("U+{:04X}", c as u32))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            warnings.push(format!(
                "{} {:?} and {} {:?} look alike but are different {what} names to demarc{}: check which one is meant",
                first.1,
                first.0,
                other.1,
                other.0,
                if odd.is_empty() {
                    String::new()
                } else {
                    format!(" (look-alike characters {})", odd.join(", "))
                }
            ));
        }
    }
    warnings
}

/// Accumulates the records of every sheet read.
pub(crate) struct Collector<'m> {
    model: &'m Model,
    options: &'m IngestOptions,
    services: Vec<Service>,
    controls: Vec<Control>,
    evidence: Vec<Evidence>,
    attestations: Vec<Attestation>,
    cuecs: Vec<Cuec>,
    vendors: Vec<VendorRecord>,
    /// Region cells naming no known region, read without a residency policy: where
    /// (`file: Sheet!G7`) and what.
    unknown_regions: Vec<(String, String)>,
    /// Date cells holding serial 60 (`file: Sheet!D7`): see [`is_phantom_leap_day`].
    phantom_leap_days: Vec<String>,
    /// The texts repeated down the Evidence sheet (control, service, tester), one copy each.
    shared: SharedTexts,
    /// Rows that said the sheet's heading again, skipped: where they were, in reading order.
    repeated_headers: Vec<Source>,
    /// Rows skipped as notes (see [`opens_as_a_note`]), each with its first text as shown.
    note_rows: Vec<(Source, String)>,
    /// Cells read other than as written, said once per sheet, column and kind (in the
    /// order first met), with the first cell and how many there were.
    notes: Vec<ColumnNote>,
    /// The first cell of each distinct name (service, control, vendor), to find names that
    /// only look alike: (what, key) → (text, `file: Sheet!A5`).
    spellings: std::collections::BTreeMap<(&'static str, String), (String, String)>,
}

/// Cells of one column that were read other than as written.
struct ColumnNote {
    what: Note,
    file: String,
    sheet: String,
    column: &'static str,
    first_cell: String,
    count: usize,
}

#[derive(Clone, PartialEq, Eq)]
enum Note {
    /// An optional text cell holding a formula with no computed value, read as blank.
    Uncomputed,
    /// Hidden characters (bidi controls, zero-width) removed.
    Hidden,
    /// A formula error in a [`PROSE`] column, read as blank: the error as Excel shows it.
    FormulaError(String),
    /// A text date whose year has two digits, read as this century's: the text, and the
    /// year it is read as.
    TwoDigitYear(String, i32),
    /// A domain written by another name ([`crate::model::Model::domain_by_alias`]): the name as written,
    /// and the model's domain it is read as.
    DomainAlias(String, String),
}

impl Note {
    /// Whether two notes say the same thing of a column (one warning per column each; one
    /// per name for domain aliases, since each is a reading of its own).
    fn same_kind(&self, other: &Note) -> bool {
        match (self, other) {
            (Note::DomainAlias(a, _), Note::DomainAlias(b, _)) => {
                crate::inputs::names::loose_key(a) == crate::inputs::names::loose_key(b)
            }
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// The columns read as dates.
const DATE_COLUMNS: &[ColumnId] = &[
    evidence::COLLECTED_ON,
    attestations::PERIOD_START,
    attestations::PERIOD_END,
    attestations::ISSUED_ON,
    attestations::EXPIRES_ON,
    attestations::BRIDGE_LETTER_THROUGH,
    vendors::CONTRACT_END,
    vendors::DPA_SIGNED_ON,
    vendors::BAA_SIGNED_ON,
    vendors::NEXT_REVIEW_DUE,
];

/// How the notes people write into a register's rows begin: who prepared or reviewed it,
/// a total, a source, a footnote's mark. Compared ignoring case, and only as whole words
/// (`Total` and `Total:` open a note; `TOTAL-1` does not).
const NOTE_OPENINGS: &[&str] = &[
    "prepared by",
    "reviewed by",
    "approved by",
    "compiled by",
    "maintained by",
    "signed off by",
    "note",
    "notes",
    "nb",
    "n.b.",
    "source",
    "sources",
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub-total",
    "last updated",
    "last reviewed",
    "last modified",
    "end of",
    "legend",
    "page",
    "*",
    "†",
];

/// A row that opens as a note does (see [`opens_as_a_note`]).
struct NoteOpening {
    /// The row's first text, as a warning shows it.
    shown: String,
    /// Whether the row is that text alone, and the text could not be a name: it opens
    /// with a phrase or a mark (`Prepared by`, `*`), or with a word and a colon (`Total:
    /// 10 rows`, `Source: GRC export`).
    lone_and_unnameable: bool,
}

/// The row's first text, when it opens as a note does (see [`NOTE_OPENINGS`]): `Prepared
/// by: J. Alvarez` under the table, a `Total` row, `* evidence held in SharePoint`. Such a
/// row is skipped with a warning rather than refused cell by cell, but only when it cannot
/// be read as a record: a record is never skipped for how it begins. The one exception is
/// a footnote alone in its row that no record could be named by: on a sheet whose only
/// required column is a name (Vendors), `Total: 10 rows` would otherwise read as a vendor.
fn opens_as_a_note(cells: &[(u32, calamine::Data)]) -> Option<NoteOpening> {
    let first = cells
        .iter()
        .find_map(|(_, data)| match super::table::view(data) {
            Cell::Empty => None,
            cell => Some(cell),
        })?;
    let Cell::Text(text) = first else {
        return None;
    };
    let text = text.trim();
    // Most rows begin with an id; this spares them the comparisons below.
    let first_letter = text.chars().next()?.to_ascii_lowercase();
    if !NOTE_OPENINGS.iter().any(|o| o.starts_with(first_letter)) {
        return None;
    }
    let opening = NOTE_OPENINGS.iter().find(|opening| {
        let Some(head) = text.get(..opening.len()) else {
            return false;
        };
        let rest = &text[opening.len()..];
        head.eq_ignore_ascii_case(opening)
            && (!opening.ends_with(char::is_alphanumeric)
                || rest
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '.' | ',' | ')')))
    })?;
    let alone = cells
        .iter()
        .filter(|(_, data)| !matches!(super::table::view(data), Cell::Empty))
        .count()
        == 1;
    // A company may be called `Source` or `Page`, never `Reviewed by`, `*` or `Total:`.
    let unnameable = !opening.chars().all(char::is_alphanumeric)
        || text[opening.len()..].trim_start().starts_with(':');
    Some(NoteOpening {
        shown: Cell::Text(text).describe(),
        lone_and_unnameable: alone && unnameable,
    })
}

/// One warning per sheet with rows skipped as notes: `register.xlsx: Evidence rows 354 and
/// 355 ("Prepared by: J. Alvarez", …) read as notes, not records; skipped`.
fn note_row_warnings(rows: &[(Source, String)]) -> Vec<String> {
    rows.chunk_by(|(a, _), (b, _)| a.file == b.file && a.sheet == b.sheet)
        .map(|sheet| {
            let (first, opening) = &sheet[0];
            let which = match sheet.len() {
                1 => format!("row {} ({opening}) is a note, not a record (it begins as notes, totals and footnotes do, and cannot be read as a record)", first.row),
                n => {
                    let also = if n == 2 {
                        sheet[1].0.row.to_string()
                    } else {
                        format!("{} more", n - 1)
                    };
                    format!("rows {} ({opening}) and {also} are notes, not records (they begin as notes, totals and footnotes do, and cannot be read as records)", first.row)
                }
            };
            format!("{}: {} {which}; skipped", first.file, first.sheet)
        })
        .collect()
}

/// One warning per sheet whose heading was said again under it: `register.xlsx: Evidence
/// rows 40, 42, 80 and 82 repeat the sheet's heading …; skipped`, naming at most five rows.
fn repeated_header_warnings(rows: &[Source]) -> Vec<String> {
    const NAMED: usize = 5;
    rows.chunk_by(|a, b| a.file == b.file && a.sheet == b.sheet)
        .map(|sheet| {
            let numbers: Vec<String> = sheet.iter().take(NAMED).map(|s| s.row.to_string()).collect();
            let named = match numbers.as_slice() {
                [one] => format!("row {one} repeats"),
                [init @ .., last] if sheet.len() <= NAMED => {
                    format!("rows {} and {last} repeat", init.join(", "))
                }
                _ => format!(
                    "rows {} (and {} more) repeat",
                    numbers.join(", "),
                    sheet.len() - NAMED
                ),
            };
            format!(
                "{}: {} {named} the sheet's heading (its header row or the title above it), as a register printed or pasted page by page does; skipped, not read as records",
                sheet[0].file, sheet[0].sheet
            )
        })
        .collect()
}

/// One shared copy of each distinct text: a million evidence rows name a few hundred
/// controls and services, and holding a copy per row cost ~100 MB at that scale.
#[derive(Default)]
struct SharedTexts(std::collections::HashSet<std::sync::Arc<str>>);

impl SharedTexts {
    fn share(&mut self, text: String) -> std::sync::Arc<str> {
        if let Some(shared) = self.0.get(text.as_str()) {
            return shared.clone();
        }
        let shared: std::sync::Arc<str> = text.into();
        self.0.insert(shared.clone());
        shared
    }
}

impl<'m> Collector<'m> {
    pub(crate) fn new(model: &'m Model, options: &'m IngestOptions) -> Self {
        Collector {
            model,
            options,
            services: Vec::new(),
            controls: Vec::new(),
            evidence: Vec::new(),
            attestations: Vec::new(),
            cuecs: Vec::new(),
            vendors: Vec::new(),
            unknown_regions: Vec::new(),
            phantom_leap_days: Vec::new(),
            shared: SharedTexts::default(),
            repeated_headers: Vec::new(),
            note_rows: Vec::new(),
            notes: Vec::new(),
            spellings: Default::default(),
        }
    }

    /// Reads a row under the header into a record (or into problems); `false` when the row
    /// is the sheet's heading said again (see [`ColumnMap::is_heading_again`]), which is
    /// skipped and reported as a warning.
    pub(crate) fn read_row(&mut self, row: &RowReader<'_>, problems: &mut Problems) -> bool {
        if row.map.is_heading_again(row.kind.columns(), row.cells) {
            self.repeated_headers.push(row.source.clone());
            return false;
        }
        if let Some(note) = opens_as_a_note(row.cells) {
            // Read as a record when it is one; otherwise it is a note, not a broken record.
            if !note.lone_and_unnameable {
                let mut trial = Problems::default();
                self.read_record(row, &mut trial);
                if trial.len() == 0 {
                    return true;
                }
            }
            self.note_rows.push((row.source.clone(), note.shown));
            return false;
        }
        self.read_record(row, problems);
        true
    }

    /// Reads a row into a record of its sheet's kind, or into `problems`.
    fn read_record(&mut self, row: &RowReader<'_>, problems: &mut Problems) {
        // Any problem fails the run, so a row with a formula error in a text column is
        // still read on, to report its other problems in the same pass.
        formula_errors_in_text(row, problems);
        for (col, data) in row.cells {
            if let calamine::Data::DateTime(dt) = data {
                if is_phantom_leap_day(dt) {
                    self.phantom_leap_days.push(format!(
                        "{}: {}!{}{}",
                        row.source.file,
                        row.source.sheet,
                        column_letters(row.origin_col + col),
                        row.source.row
                    ));
                }
            }
        }
        self.note_cells(row);
        let names: &[(&'static str, ColumnId)] = match row.kind {
            SheetKind::Services => &[
                ("service", services::SERVICE),
                ("vendor", services::PROVIDER),
            ],
            SheetKind::Controls => &[("control", controls::CONTROL_ID)],
            SheetKind::Attestations => &[("vendor", attestations::VENDOR)],
            SheetKind::Cuecs => &[("vendor", cuecs::VENDOR)],
            SheetKind::Vendors => &[("vendor", vendors::VENDOR)],
            // Evidence rows name what the other sheets define: a look-alike there is an
            // unknown reference, found by reconcile.
            SheetKind::Evidence => &[],
        };
        for &(what, column) in names {
            let name = row.text(column);
            if !name.is_empty() {
                self.spelling(row, what, column, &name);
            }
        }
        // A rejected row has already said why in `problems`.
        let _ = match row.kind {
            SheetKind::Services => self.service(row, problems).map(|r| self.services.push(r)),
            SheetKind::Controls => self.control(row, problems).map(|r| self.controls.push(r)),
            SheetKind::Evidence => self.evidence(row, problems).map(|r| self.evidence.push(r)),
            SheetKind::Attestations => self
                .attestation(row, problems)
                .map(|r| self.attestations.push(r)),
            SheetKind::Cuecs => self.cuec(row, problems).map(|r| self.cuecs.push(r)),
            SheetKind::Vendors => self.vendor(row, problems).map(|r| self.vendors.push(r)),
        };
    }

    /// Adds another collector's records (a sheet read apart) after this one's.
    pub(crate) fn append(&mut self, other: Collector<'m>) {
        fn extend<T>(to: &mut Vec<T>, from: Vec<T>) {
            // Moving a large sheet's records, rather than copying them, keeps the peak down.
            if to.is_empty() {
                *to = from;
            } else {
                to.extend(from);
            }
        }
        extend(&mut self.services, other.services);
        extend(&mut self.controls, other.controls);
        extend(&mut self.evidence, other.evidence);
        extend(&mut self.attestations, other.attestations);
        extend(&mut self.cuecs, other.cuecs);
        extend(&mut self.vendors, other.vendors);
        extend(&mut self.unknown_regions, other.unknown_regions);
        extend(&mut self.notes, other.notes);
        extend(&mut self.phantom_leap_days, other.phantom_leap_days);
        extend(&mut self.repeated_headers, other.repeated_headers);
        extend(&mut self.note_rows, other.note_rows);
        for (name, first) in other.spellings {
            self.spellings.entry(name).or_insert(first);
        }
    }

    /// Notes the cells of a row that are read other than as written: optional text cells
    /// holding a formula nobody computed (read as blank, which the run must say: a control
    /// titled by a formula would otherwise become "untitled" without a word), and cells
    /// whose hidden characters are removed.
    fn note_cells(&mut self, row: &RowReader<'_>) {
        for id in row.kind.column_ids() {
            let column = id.column();
            let (cell, _) = row.cell(id);
            let what = match cell {
                Cell::Uncomputed if !column.required && !TYPED_OPTIONAL.contains(&id) => {
                    Note::Uncomputed
                }
                Cell::Text(text) if crate::inputs::names::has_hidden(text) => Note::Hidden,
                Cell::Error(e) if PROSE.contains(&id) => Note::FormulaError(e.to_string()),
                Cell::Text(text) if DATE_COLUMNS.contains(&id) => {
                    match super::dates::two_digit_year(text) {
                        Some(year) => Note::TwoDigitYear(text.trim().to_string(), year),
                        None => continue,
                    }
                }
                Cell::Text(text) if id == controls::DOMAIN => match self.domain_alias(text) {
                    Some(note) => note,
                    None => continue,
                },
                Cell::Text(text) if id == attestations::DOMAINS => {
                    match crate::inputs::names::split_list(text)
                        .iter()
                        .find_map(|item| self.domain_alias(item))
                    {
                        Some(note) => note,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let error = row.error(id, String::new());
            let sheet = error.sheet.unwrap_or_default();
            match self.notes.iter_mut().find(|n| {
                n.what.same_kind(&what)
                    && n.column == column.name
                    && n.sheet == sheet
                    && n.file == error.file
            }) {
                Some(seen) => seen.count += 1,
                None => self.notes.push(ColumnNote {
                    what,
                    file: error.file,
                    sheet,
                    column: column.name,
                    first_cell: error.location.unwrap_or_default(),
                    count: 1,
                }),
            }
        }
    }

    /// The note for a domain written by another name than the model's, if it is one.
    fn domain_alias(&self, text: &str) -> Option<Note> {
        if self.model.domain_index(text).is_some() {
            return None;
        }
        let (_, name) = self.model.domain_by_alias(text)?;
        Some(Note::DomainAlias(text.trim().to_string(), name.to_string()))
    }

    /// Remembers where a name was first written, to warn of names that only look alike.
    fn spelling(&mut self, row: &RowReader<'_>, what: &'static str, column: ColumnId, name: &str) {
        let entry = self
            .spellings
            .entry((what, crate::inputs::names::key(name)));
        if let std::collections::btree_map::Entry::Vacant(slot) = entry {
            let error = row.error(column, String::new());
            slot.insert((
                name.to_string(),
                format!(
                    "{}: {}!{}",
                    error.file,
                    error.sheet.unwrap_or_default(),
                    error.location.unwrap_or_default()
                ),
            ));
        }
    }

    pub(crate) fn finish(self, inputs: &mut Inputs) {
        for n in &self.notes {
            let more = match n.count {
                1 => String::new(),
                2 => " (and 1 more cell in the column)".to_string(),
                k => format!(" (and {} more cells in the column)", k - 1),
            };
            let what = match &n.what {
                Note::Uncomputed => format!("read as blank{more}: {UNCOMPUTED}"),
                Note::FormulaError(e) => format!("the formula error {e} read as blank{more}: the column is text demarc only prints; fix the formula or clear the cell"),
                Note::DomainAlias(text, name) => format!("{text:?} read as the model's domain {name:?}{more}: a name registers and Microsoft's tables give it; write the model's name if another domain was meant"),
                Note::TwoDigitYear(text, year) => format!("{text:?} has a two-digit year{more}: read as {year}, in this century; write the year in full if that is wrong"),
                Note::Hidden => format!("hidden characters (bidirectional controls, zero-width or control characters) removed{more}: they change what a name seems to say without being seen"),
            };
            inputs.warnings.push(format!(
                "{}: {}!{}: {}: {what}",
                n.file, n.sheet, n.first_cell, n.column
            ));
        }
        inputs.warnings.extend(look_alike_warnings(&self.spellings));
        inputs
            .warnings
            .extend(repeated_header_warnings(&self.repeated_headers));
        inputs.warnings.extend(note_row_warnings(&self.note_rows));
        inputs.services = self.services;
        inputs.controls = self.controls;
        inputs.evidence = self.evidence;
        inputs.attestations = self.attestations;
        inputs.cuecs = self.cuecs;
        inputs.vendors = self.vendors;
        if let Some(cell) = self.phantom_leap_days.first() {
            let more = match self.phantom_leap_days.len() {
                1 => String::new(),
                2 => " (and 1 more cell)".to_string(),
                n => format!(" (and {} more cells)", n - 1),
            };
            inputs.warnings.push(format!(
                "{cell}{more}: date serial 60 is 29 February 1900, a day that never was (Excel counts 1900 as a leap year); read as 1900-02-28: check the cell"
            ));
        }
        if let Some((cell, value)) = self.unknown_regions.first() {
            let more = match self.unknown_regions.len() {
                1 => String::new(),
                2 => " (and 1 more region cell)".to_string(),
                n => format!(" (and {} more region cells)", n - 1),
            };
            inputs.warnings.push(format!(
                "{cell}: regions: {value:?}{more} is no known AWS, Azure or Google Cloud region, group or wildcard; regions are checked only under a [residency] policy in demarc.toml, which would refuse it"
            ));
        }
    }

    fn service(
        &mut self,
        row: &RowReader<'_>,
        problems: &mut Problems,
    ) -> Result<Service, Rejected> {
        let name = row.required_text(services::SERVICE, problems);
        let provider = row.required_text(services::PROVIDER, problems);
        let models: Vec<&str> = ServiceModel::ALL.iter().map(|m| m.as_str()).collect();
        let service_model = row.choice(
            services::SERVICE_MODEL,
            ServiceModel::parse,
            &models,
            problems,
        );
        let classes: Vec<&str> = DataClass::ALL.iter().map(|c| c.as_str()).collect();
        let mut data_classes = Vec::new();
        let mut bad_class = false;
        // `PHI/PII` is two classes: no class's name holds a slash.
        let items = row
            .list(services::DATA_CLASSES)
            .into_iter()
            .flat_map(|item| {
                item.split('/')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            });
        for item in items {
            let class =
                parse_data_class(&item).or_else(|| read_past_gloss(&item, parse_data_class));
            match class {
                Some(class) if !data_classes.contains(&class) => data_classes.push(class),
                Some(_) => {}
                None => {
                    problems
                        .push(row.error(services::DATA_CLASSES, unknown_value(&item, &classes)));
                    bad_class = true;
                }
            }
        }
        let in_scope = row.choice(services::IN_SCOPE, parse_yes_no, &["yes", "no"], problems);
        let regions = row.list(services::REGIONS);
        let mut bad_region = false;
        for item in &regions {
            if let Err(problem) = crate::model::regions::catalogue().resolve(item) {
                let error = row.error(services::REGIONS, problem);
                if self.options.strict_regions {
                    problems.push(error);
                    bad_region = true;
                } else {
                    let cell = format!(
                        "{}: {}!{}",
                        error.file,
                        error.sheet.unwrap_or_default(),
                        error.location.unwrap_or_default()
                    );
                    self.unknown_regions.push((cell, item.clone()));
                }
            }
        }
        let (name, provider, service_model, in_scope) =
            (name?, provider?, service_model?, in_scope?);
        // A blank model is filled in from the catalogue of well-known services, and the
        // reports say so; an unknown service must state its model.
        let (service_model, service_model_inferred) = match service_model {
            Some(model) => (model, false),
            None => match crate::model::known_services::lookup(&name, &provider) {
                Some(known) => (known.model, true),
                None => {
                    let problem = match crate::model::known_services::providers_of(&name) {
                        // The name is known: it is the provider that does not match.
                        Some((known, providers)) => format!(
                            "the cell is empty, and {known} is a well-known service run by {}, not {provider:?}: correct the provider, or fill in the service model: expected one of {}",
                            providers.join(" / "),
                            models.join(", ")
                        ),
                        None => {
                            let hint = crate::model::known_services::suggest(&name)
                                .map(|known| format!(" (did you mean {known}?)"))
                                .unwrap_or_default();
                            format!(
                                "the cell is empty and {name:?} run by {provider:?} is not a well-known service demarc can fill in{hint}: expected one of {}",
                                models.join(", ")
                            )
                        }
                    };
                    problems.push(row.error(services::SERVICE_MODEL, problem));
                    return Err(Rejected);
                }
            },
        };
        if bad_class || bad_region {
            return Err(Rejected);
        }
        Ok(Service {
            name,
            provider,
            service_model,
            service_model_inferred,
            data_classes,
            owner: row.text(services::OWNER),
            in_scope: in_scope.unwrap_or(true),
            regions,
            scope_note: row.text(services::SCOPE_NOTE),
            source: row.source.clone(),
        })
    }

    fn control(&self, row: &RowReader<'_>, problems: &mut Problems) -> Result<Control, Rejected> {
        let id = row.required_text(controls::CONTROL_ID, problems);
        let domain_names: Vec<&str> = self.model.domains.iter().map(|d| d.name.as_str()).collect();
        let domain = row.choice(
            controls::DOMAIN,
            |t| {
                self.model
                    .domain_index(t)
                    .or_else(|| self.model.domain_by_alias(t).map(|(i, _)| i))
            },
            &domain_names,
            problems,
        );
        let frequencies: Vec<&str> = Frequency::ALL.iter().map(|f| f.as_str()).collect();
        let frequency = row.choice(controls::FREQUENCY, parse_frequency, &frequencies, problems);
        let (id, domain, frequency) = (id?, domain?, frequency?);
        let Some(domain) = domain else {
            problems.push(row.error(
                controls::DOMAIN,
                format!(
                    "required, but the cell is empty: expected one of {}",
                    domain_names.join(", ")
                ),
            ));
            return Err(Rejected);
        };
        Ok(Control {
            id,
            title: row.text(controls::TITLE),
            domain,
            frameworks: row.list(controls::FRAMEWORKS),
            owner: row.text(controls::OWNER),
            frequency: frequency.unwrap_or_default(),
            applies_to: reach(row.list(controls::APPLIES_TO)),
            source: row.source.clone(),
        })
    }

    fn evidence(
        &mut self,
        row: &RowReader<'_>,
        problems: &mut Problems,
    ) -> Result<Evidence, Rejected> {
        let control_id = row.required_text(evidence::CONTROL_ID, problems);
        let collected_on = row.required_date(evidence::COLLECTED_ON, self.options, problems);
        let results: Vec<&str> = TestResult::ALL.iter().map(|r| r.as_str()).collect();
        let result = row.choice(evidence::RESULT, parse_result, &results, problems);
        let (control_id, collected_on, result) = (control_id?, collected_on?, result?);
        let service = row.text(evidence::SERVICE);
        Ok(Evidence {
            control_id: self.shared.share(control_id),
            service: if service.is_empty() || service == "*" || means_every_service(&service) {
                None
            } else {
                Some(self.shared.share(service))
            },
            description: row.text(evidence::EVIDENCE),
            file: row.text(evidence::EVIDENCE_FILE),
            collected_on,
            // A row that states no result records collection, not a conclusion.
            result: result.unwrap_or(TestResult::NotTested),
            tester: self.shared.share(row.text(evidence::TESTER)),
            notes: row.text(evidence::NOTES),
            source: row.source.clone(),
        })
    }

    fn attestation(
        &self,
        row: &RowReader<'_>,
        problems: &mut Problems,
    ) -> Result<Attestation, Rejected> {
        let options = self.options;
        let vendor = row.required_text(attestations::VENDOR, problems);
        let types: Vec<&str> = AttestationType::ALL.iter().map(|t| t.as_str()).collect();
        let kind = row.choice(attestations::TYPE, parse_attestation_type, &types, problems);
        let period_start = row.date(attestations::PERIOD_START, options, problems);
        let period_end = row.date(attestations::PERIOD_END, options, problems);
        let issued_on = row.date(attestations::ISSUED_ON, options, problems);
        let expires_on = row.date(attestations::EXPIRES_ON, options, problems);
        let bridge = row.date(attestations::BRIDGE_LETTER_THROUGH, options, problems);
        let opinions: Vec<&str> = Opinion::ALL.iter().map(|o| o.as_str()).collect();
        let opinion = row.choice(attestations::OPINION, parse_opinion, &opinions, problems);
        let exceptions = self.count(row, attestations::EXCEPTIONS, problems);
        let domains = self.domain_list(row, problems);
        let methods: Vec<&str> = SubserviceMethod::ALL.iter().map(|m| m.as_str()).collect();
        let subservice_method = row.choice(
            attestations::CARVE_OUT,
            parse_subservice_method,
            &methods,
            problems,
        );
        let (
            vendor,
            kind,
            period_start,
            period_end,
            issued_on,
            expires_on,
            bridge,
            opinion,
            exceptions,
            domains,
            subservice_method,
        ) = (
            vendor?,
            kind?,
            period_start?,
            period_end?,
            issued_on?,
            expires_on?,
            bridge?,
            opinion?,
            exceptions?,
            domains?,
            subservice_method?,
        );
        let Some(kind) = kind else {
            problems.push(row.error(
                attestations::TYPE,
                format!(
                    "required, but the cell is empty: expected one of {}",
                    types.join(", ")
                ),
            ));
            return Err(Rejected);
        };
        if kind.is_certificate() && expires_on.is_none() {
            problems.push(row.error(
                attestations::EXPIRES_ON,
                format!(
                    "{} {} certificate needs an expiry date to be judged",
                    article(kind.as_str()),
                    kind.as_str()
                ),
            ));
            return Err(Rejected);
        }
        if !kind.is_certificate() && period_end.is_none() {
            problems.push(row.error(
                attestations::PERIOD_END,
                format!(
                    "{} {} report needs the end of the period it covers",
                    article(kind.as_str()),
                    kind.as_str()
                ),
            ));
            return Err(Rejected);
        }
        if let (Some(start), Some(end)) = (period_start, period_end) {
            if start > end {
                problems.push(row.error(
                    attestations::PERIOD_END,
                    format!("{end} is before period_start {start}"),
                ));
                return Err(Rejected);
            }
        }
        // `All AWS services` on AWS's row is every service of AWS's: what `*` says there.
        let services = match reach(row.list(attestations::SERVICES)) {
            Reach::Named(named)
                if named.len() == 1
                    && loose_key(&named[0]) == format!("all{}services", loose_key(&vendor)) =>
            {
                Reach::All
            }
            reach => reach,
        };
        Ok(Attestation {
            vendor,
            services,
            kind,
            period_start,
            period_end,
            issued_on,
            expires_on,
            auditor: row.text(attestations::AUDITOR),
            opinion,
            exceptions,
            exception_notes: row.text(attestations::EXCEPTION_NOTES),
            subservice_orgs: row.list(attestations::SUBSERVICE_ORGS),
            subservice_method,
            bridge_letter_through: bridge,
            domains,
            report_file: row.text(attestations::REPORT_FILE),
            source: row.source.clone(),
        })
    }

    fn cuec(&self, row: &RowReader<'_>, problems: &mut Problems) -> Result<Cuec, Rejected> {
        let vendor = row.required_text(cuecs::VENDOR, problems);
        let cuec_id = row.required_text(cuecs::CUEC_ID, problems);
        let (vendor, cuec_id) = (vendor?, cuec_id?);
        let mapped = row.text(cuecs::MAPPED_CONTROL);
        Ok(Cuec {
            vendor,
            attestation: row.text(cuecs::ATTESTATION),
            cuec_id,
            description: row.text(cuecs::DESCRIPTION),
            mapped_control: if mapped.is_empty() {
                None
            } else {
                Some(mapped)
            },
            source: row.source.clone(),
        })
    }

    fn vendor(
        &self,
        row: &RowReader<'_>,
        problems: &mut Problems,
    ) -> Result<VendorRecord, Rejected> {
        let options = self.options;
        let vendor = row.required_text(vendors::VENDOR, problems);
        let tiers: Vec<&str> = VendorTier::ALL.iter().map(|t| t.as_str()).collect();
        let tier = row.choice(vendors::TIER, parse_tier, &tiers, problems);
        let contract_end = row.date(vendors::CONTRACT_END, options, problems);
        let dpa = row.date(vendors::DPA_SIGNED_ON, options, problems);
        let baa = row.date(vendors::BAA_SIGNED_ON, options, problems);
        let next_review = row.date(vendors::NEXT_REVIEW_DUE, options, problems);
        Ok(VendorRecord {
            vendor: vendor?,
            tier: tier?,
            contract_end: contract_end?,
            dpa_signed_on: dpa?,
            baa_signed_on: baa?,
            next_review_due: next_review?,
            reviewer: row.text(vendors::REVIEWER),
            source: row.source.clone(),
        })
    }

    fn count(
        &self,
        row: &RowReader<'_>,
        column: ColumnId,
        problems: &mut Problems,
    ) -> Result<u32, Rejected> {
        let (cell, _) = row.cell(column);
        match cell {
            Cell::Empty => Ok(0),
            Cell::Number(f) if f >= 0.0 && f.fract() == 0.0 && f <= u32::MAX as f64 => Ok(f as u32),
            Cell::Text(t) => {
                let t = t.trim();
                if let Ok(n) = t.parse::<u32>() {
                    Ok(n)
                } else if matches!(loose_key(t).as_str(), "none" | "no" | "nil") {
                    Ok(0)
                } else {
                    problems.push(row.error(
                        column,
                        format!("expected a whole number, found {}", cell.describe()),
                    ));
                    Err(Rejected)
                }
            }
            _ => {
                problems.push(row.error(
                    column,
                    format!("expected a whole number, found {}", cell.describe()),
                ));
                Err(Rejected)
            }
        }
    }

    fn domain_list(
        &self,
        row: &RowReader<'_>,
        problems: &mut Problems,
    ) -> Result<Option<Vec<usize>>, Rejected> {
        let items = row.list(attestations::DOMAINS);
        if items.is_empty() || items.iter().any(|i| i == "*") {
            return Ok(None);
        }
        let names: Vec<&str> = self.model.domains.iter().map(|d| d.name.as_str()).collect();
        let mut indexes = Vec::new();
        let mut bad = false;
        for item in items {
            let alias = || self.model.domain_by_alias(&item).map(|(i, _)| i);
            match self.model.domain_index(&item).or_else(alias) {
                Some(i) => indexes.push(i),
                None => {
                    problems.push(row.error(attestations::DOMAINS, unknown_value(&item, &names)));
                    bad = true;
                }
            }
        }
        if bad {
            Err(Rejected)
        } else {
            Ok(Some(indexes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_accept_spelling_variants() {
        assert_eq!(
            parse_result("partially EFFECTIVE"),
            Some(TestResult::PartiallyEffective)
        );
        assert_eq!(parse_result("Not-tested"), Some(TestResult::NotTested));
        assert_eq!(parse_result("Efective"), None);
        // A test script's pass/fail, and an auditor's wording.
        assert_eq!(parse_result("PASS"), Some(TestResult::Effective));
        assert_eq!(parse_result("Failed"), Some(TestResult::Ineffective));
        assert_eq!(
            parse_result("Operating effectively"),
            Some(TestResult::Effective)
        );
        assert_eq!(
            parse_result("Effective - no exceptions noted"),
            Some(TestResult::Effective)
        );
        // Wording that could be read two ways is read as the graver result.
        assert_eq!(
            parse_result("Passed with exceptions"),
            Some(TestResult::Exception)
        );
        assert_eq!(parse_result("N/A"), None);
        assert_eq!(
            parse_attestation_type("SOC 2 Type 2"),
            Some(AttestationType::Soc2Type2)
        );
        assert_eq!(
            parse_attestation_type("soc2 type ii"),
            Some(AttestationType::Soc2Type2)
        );
        assert_eq!(
            parse_attestation_type("SOC 2 Type I"),
            Some(AttestationType::Soc2Type1)
        );
        assert_eq!(
            parse_attestation_type("ISO/IEC 27001"),
            Some(AttestationType::Iso27001)
        );
        assert_eq!(parse_frequency("Semi-annual"), Some(Frequency::Semiannual));
        assert_eq!(
            parse_opinion("Disclaimer of opinion"),
            Some(Opinion::Disclaimer)
        );
        // The document's name after its type, a standard's edition, a programme's level.
        for (text, kind) in [
            ("SOC2 Type 2 Report", AttestationType::Soc2Type2),
            ("ISO/IEC 27001:2022", AttestationType::Iso27001),
            ("FedRAMP Moderate", AttestationType::FedRAMP),
            ("HITRUST r2 Certification", AttestationType::Hitrust),
        ] {
            assert_eq!(parse_attestation_type(text), Some(kind), "{text}");
        }
        assert_eq!(parse_tier("Medium Risk"), Some(VendorTier::Medium));
        assert_eq!(parse_tier("Tier 2"), None);
        assert_eq!(parse_frequency("Every quarter"), Some(Frequency::Quarterly));
        assert_eq!(parse_frequency("Weekly"), None);
        assert_eq!(parse_yes_no("✓"), Some(true));
        assert_eq!(parse_data_class("Personal data"), Some(DataClass::Pii));
        assert_eq!(parse_data_class("ePHI"), Some(DataClass::Phi));
        assert_eq!(parse_data_class("Internal"), None);
    }

    #[test]
    fn a_gloss_is_read_past_only_when_it_leaves_one_value() {
        let tier = |t: &str| read_past_gloss(t, parse_tier);
        assert_eq!(tier("Tier 1 - Critical"), Some(VendorTier::Critical));
        assert_eq!(tier("High (review yearly)"), Some(VendorTier::High));
        // Two values named: neither is read.
        assert_eq!(tier("High - Critical"), None);
        assert_eq!(
            read_past_gloss("Software as a Service (SaaS)", ServiceModel::parse),
            Some(ServiceModel::Saas)
        );
        assert_eq!(read_past_gloss("N/A", parse_yes_no), None);
    }

    #[test]
    fn unknown_values_name_the_accepted_ones_and_a_hint() {
        let message = unknown_value("Efective", &["Effective", "Ineffective"]);
        assert!(message.contains("Effective, Ineffective"), "{message}");
        assert!(message.contains("did you mean \"Effective\""), "{message}");
    }
}
