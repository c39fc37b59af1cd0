//! The six kinds of sheet, the columns each one has (with the aliases people use for
//! them), and finding the header row — which may sit under a title banner.

use super::dates::DateOrder;
use super::table::{cell_in, row_texts, Cell, Table};
use crate::inputs::names::{loose_key, loose_matches};
use calamine::Data;

/// The kinds of sheet demarc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Services,
    Controls,
    Evidence,
    Attestations,
    Cuecs,
    /// The optional register of vendor relationships (agreements, tier, reviews).
    Vendors,
}

impl SheetKind {
    pub const ALL: [SheetKind; 6] = [
        SheetKind::Services,
        SheetKind::Controls,
        SheetKind::Evidence,
        SheetKind::Attestations,
        SheetKind::Cuecs,
        SheetKind::Vendors,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SheetKind::Services => "Services",
            SheetKind::Controls => "Controls",
            SheetKind::Evidence => "Evidence",
            SheetKind::Attestations => "Attestations",
            SheetKind::Cuecs => "CUECs",
            SheetKind::Vendors => "Vendors",
        }
    }

    /// Recognises a sheet (or a CSV file's stem) by its name, with or without the period
    /// it holds (`Evidence 2025`, `Q3 2026 Evidence`, `Evidence FY26`: a register split
    /// by year or quarter is read whole).
    pub fn from_sheet_name(name: &str) -> Option<SheetKind> {
        SheetKind::from_plain_name(&loose_key(name)).or_else(|| {
            let without = without_period_words(name);
            (!without.is_empty())
                .then(|| SheetKind::from_plain_name(&without))
                .flatten()
        })
    }

    fn from_plain_name(name: &str) -> Option<SheetKind> {
        let kind = match name {
            "services" | "service" | "serviceinventory" | "servicesinventory" | "inventory"
            | "cloudservices" | "serviceregister" | "saasinventory" | "cloudinventory" => {
                SheetKind::Services
            }
            "controls" | "control" | "controlcatalogue" | "controlcatalog" | "catalogue"
            | "catalog" | "controllibrary" | "controlregister" => SheetKind::Controls,
            "evidence" | "evidencelog" | "controlevidence" | "evidenceregister"
            | "evidencetracker" => SheetKind::Evidence,
            "attestations"
            | "attestation"
            | "vendorattestations"
            | "assurance"
            | "attestationregister"
            | "thirdpartyattestations"
            | "socreports"
            | "assurancereports" => SheetKind::Attestations,
            "cuecs" | "cuec" | "complementaryuserentitycontrols" | "userentitycontrols" => {
                SheetKind::Cuecs
            }
            "vendors" | "vendor" | "vendorregister" | "vendorinventory" | "suppliers"
            | "thirdparties" => SheetKind::Vendors,
            _ => return None,
        };
        Some(kind)
    }

    /// The columns of this kind of sheet.
    pub fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Services => SERVICES,
            SheetKind::Controls => CONTROLS,
            SheetKind::Evidence => EVIDENCE,
            SheetKind::Attestations => ATTESTATIONS,
            SheetKind::Cuecs => CUECS,
            SheetKind::Vendors => VENDORS,
        }
    }
}

/// A sheet's name without the words that say which period it holds, as a loose key: a
/// year (`2025`), a quarter or half (`Q3`, `H1`), a financial year (`FY26`, `FY2026`), a
/// month. `Evidence (old)` or `Copy of Evidence` keep their words, and stay unread.
fn without_period_words(name: &str) -> String {
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ];
    let is_period = |word: &str| {
        let digits = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
        (word.len() == 4 && digits(word) && (word.starts_with("19") || word.starts_with("20")))
            || (word.len() == 2 && matches!(word.as_bytes()[0], b'q' | b'h') && digits(&word[1..]))
            || (word.starts_with("fy") && matches!(word.len(), 4 | 6) && digits(&word[2..]))
            || MONTHS.contains(&word)
    };
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if !words.iter().any(|w| is_period(w)) {
        return String::new();
    }
    loose_key(
        &words
            .into_iter()
            .filter(|w| !is_period(w))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A column demarc understands: its canonical name, whether a sheet must have it, and the
/// header spellings accepted for it (compared by [`loose_key`]).
///
/// The aliases are ranked: the most specific first, the generic words registers also use
/// for columns of their own (`Link`, `Date`, `ID`) last. When two headers read as one
/// column, the column's own name wins, then the alias listed first; the other header is
/// kept as an extra column with a warning. Only two headers of the same rank are an error.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

pub(crate) const fn col(
    name: &'static str,
    required: bool,
    aliases: &'static [&'static str],
) -> Column {
    Column {
        name,
        required,
        aliases,
    }
}

/// A column of one of demarc's own sheets, as code names it: a constant of the sheet's module
/// ([`services::PROVIDER`], [`evidence::COLLECTED_ON`], …) rather than its name as a
/// string. A misspelt constant does not compile, where a misspelt string found no column
/// and read every cell as empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnId {
    /// The sheet the column belongs to.
    pub kind: SheetKind,
    /// Its place in [`SheetKind::columns`] (and so in [`ColumnMap::positions`]).
    index: usize,
}

impl ColumnId {
    /// The column's definition: canonical name, whether required, header spellings.
    pub fn column(self) -> &'static Column {
        &self.kind.columns()[self.index]
    }

    /// The canonical name, as error messages and the templates write it (`collected_on`).
    pub fn name(self) -> &'static str {
        self.column().name
    }
}

impl SheetKind {
    /// Every column of this kind of sheet, in [`SheetKind::columns`] order.
    pub fn column_ids(self) -> impl Iterator<Item = ColumnId> {
        (0..self.columns().len()).map(move |index| ColumnId { kind: self, index })
    }
}

/// Declares a sheet's column table and, beside it, a module with one [`ColumnId`] constant
/// per column, numbered in table order by construction so the two cannot drift apart.
macro_rules! columns {
    (
        $(#[$doc:meta])*
        $table:ident, $module:ident, $kind:ident: [
            $( $id:ident = $name:literal, $required:literal, [$($alias:literal),* $(,)?]; )*
        ]
    ) => {
        const $table: &[Column] = &[ $( col($name, $required, &[$($alias),*]), )* ];

        $(#[$doc])*
        pub mod $module {
            use super::{ColumnId, SheetKind};

            #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
            enum Index { $($id,)* }

            $(
                #[doc = concat!("The `", $name, "` column.")]
                pub const $id: ColumnId = ColumnId {
                    kind: SheetKind::$kind,
                    index: Index::$id as usize,
                };
            )*
        }
    };
}

columns! {
    /// The Services sheet's columns.
    SERVICES, services, Services: [
        // Inventories kept by application owners head the column `Application` and the
        // provider `Hosting Provider`; both were refused as missing required columns.
        SERVICE = "service", true, [
            "service", "servicename", "name", "serviceapplication", "applicationservice",
            "application", "applicationname", "systemname",
        ];
        PROVIDER = "provider", true, [
            "provider", "cloudprovider", "csp", "vendor", "hostingprovider",
            "cloudserviceprovider", "serviceprovider",
        ];
        SERVICE_MODEL = "service_model", true, [
            "servicemodel", "deliverymodel", "cloudmodel", "model",
        ];
        DATA_CLASSES = "data_classes", false, [
            "dataclasses", "dataclass", "dataclassification", "datatypes", "datatype",
            "datacategories", "data",
        ];
        OWNER = "owner", false, [
            "serviceowner", "owner", "businessowner", "systemowner", "applicationowner",
        ];
        IN_SCOPE = "in_scope", false, ["inscope", "scope"];
        REGIONS = "regions", false, [
            "regions", "region", "locations", "location", "hostingregion", "hostingregions",
        ];
        SCOPE_NOTE = "scope_note", false, [
            "scopenote", "scopereason", "outofscopereason", "exclusionreason",
            "reasonforexclusion", "scopejustification",
        ];
    ]
}

columns! {
    /// The Controls sheet's columns.
    CONTROLS, controls, Controls: [
        // In a catalogue, `ID` or `Ref` beside `Control` is the identifier and `Control` the
        // statement; in the Evidence sheet `ID` is more often the evidence row's own number.
        CONTROL_ID = "control_id", true, [
            "controlid", "controlref", "controlno", "controlnumber", "controlidentifier", "ctrlid",
            "ref", "id", "control",
        ];
        TITLE = "title", false, [
            "title", "controltitle", "controlname", "name", "control", "controlstatement",
            "controldescription",
        ];
        DOMAIN = "domain", true, ["domain", "responsibilitydomain", "controldomain", "srmdomain"];
        // Catalogues name the column for what it holds (`Framework Mappings`, `Mapped
        // Frameworks`, `Compliance Frameworks`): read as warned-about extra columns, a
        // catalogue's every mapping went missing from the reports.
        FRAMEWORKS = "frameworks", false, [
            "frameworks", "framework", "frameworkmappings", "frameworkmapping",
            "mappedframeworks", "complianceframeworks", "frameworkreferences", "mappings",
            "references",
        ];
        OWNER = "owner", false, ["controlowner", "owner"];
        FREQUENCY = "frequency", false, [
            "frequency", "testfrequency", "testingfrequency", "reviewfrequency", "cadence",
        ];
        // An unread `Applicable Services` column made every control apply nowhere: a
        // catalogue's worth of false EVIDENCE_MISSING.
        APPLIES_TO = "applies_to", false, [
            "appliesto", "appliestoservices", "services", "applicableservices", "applicableto",
            "inscopeservices",
        ];
    ]
}

columns! {
    /// The Evidence sheet's columns.
    EVIDENCE, evidence, Evidence: [
        CONTROL_ID = "control_id", true, [
            "controlid", "controlref", "controlno", "controlnumber", "controlidentifier", "ctrlid",
            "control", "ref", "id",
        ];
        SERVICE = "service", false, ["service", "servicename"];
        EVIDENCE = "evidence", false, [
            "evidence", "evidencedescription", "evidencename", "evidencetitle", "description",
            "artifact", "artefact",
        ];
        EVIDENCE_FILE = "evidence_file", false, [
            "evidencefile", "evidencelink", "evidencelocation", "evidencepath", "evidenceurl",
            "attachment", "file", "path", "link", "hyperlink", "url",
        ];
        COLLECTED_ON = "collected_on", true, [
            "collectedon", "collectiondate", "datecollected", "collected", "testedon", "testdate",
            "datetested", "testingdate", "dateoftest", "evidencedate", "performedon", "dateperformed",
            "completedon", "datecompleted", "evidencecollecteddate", "collecteddate",
            "dateofcollection", "lasttested", "lasttesteddate", "date",
        ];
        RESULT = "result", false, [
            "result", "testresult", "testoutcome", "outcome", "testconclusion", "conclusion",
        ];
        TESTER = "tester", false, ["tester", "testedby", "collectedby", "performedby"];
        NOTES = "notes", false, ["notes", "note", "comments", "comment"];
    ]
}

columns! {
    /// The Attestations sheet's columns.
    ATTESTATIONS, attestations, Attestations: [
        VENDOR = "vendor", true, ["vendor", "provider"];
        SERVICES = "services", false, ["services", "servicesinscope", "service"];
        TYPE = "type", false, ["type", "attestationtype", "reporttype", "attestation"];
        // SOC 2 registers write the period out (`Period Start Date`, `Audit Period End`):
        // read as extra columns, every Type II row was refused for want of its period.
        PERIOD_START = "period_start", false, [
            "periodstart", "periodfrom", "periodstartdate", "reportperiodstart",
            "auditperiodstart", "coveragestart", "coverageperiodstart", "start", "from",
        ];
        PERIOD_END = "period_end", false, [
            "periodend", "periodto", "periodenddate", "reportperiodend", "auditperiodend",
            "coverageend", "coverageperiodend", "through", "end", "to",
        ];
        ISSUED_ON = "issued_on", false, [
            "issuedon", "issuedate", "dateissued", "issued", "reportdate",
        ];
        EXPIRES_ON = "expires_on", false, [
            "expireson", "expires", "expiry", "expirydate", "expiration", "expirationdate",
            "validuntil",
        ];
        AUDITOR = "auditor", false, ["auditor", "auditfirm", "assessor", "certificationbody"];
        OPINION = "opinion", false, ["opinion", "auditopinion", "opiniontype", "reportopinion"];
        EXCEPTIONS = "exceptions", false, ["exceptions", "exceptioncount", "numberofexceptions"];
        EXCEPTION_NOTES = "exception_notes", false, ["exceptionnotes", "exceptiondetails"];
        BRIDGE_LETTER_THROUGH = "bridge_letter_through", false, [
            "bridgeletterthrough", "bridgeletter", "bridgethrough", "bridgeletterto",
        ];
        DOMAINS = "domains", false, ["domains", "domain", "domainscovered"];
        REPORT_FILE = "report_file", false, [
            "reportfile", "reportlink", "reportlocation", "reporturl", "report", "file", "link",
        ];
        SUBSERVICE_ORGS = "subservice_orgs", false, [
            "subserviceorgs", "subserviceorganisations", "subserviceorganizations",
            "subserviceproviders", "subservices",
        ];
        CARVE_OUT = "carve_out", false, [
            "carveout", "subservicemethod", "carveoutorinclusive", "inclusiveorcarveout",
        ];
    ]
}

columns! {
    /// The CUECs sheet's columns.
    CUECS, cuecs, Cuecs: [
        VENDOR = "vendor", true, ["vendor", "provider"];
        ATTESTATION = "attestation", false, ["attestation", "attestationtype", "report", "type"];
        CUEC_ID = "cuec_id", true, ["cuecid", "cuec", "id", "ref"];
        DESCRIPTION = "description", false, [
            "description", "cuecdescription", "complementaryuserentitycontrol", "cuectext", "text",
        ];
        MAPPED_CONTROL = "mapped_control", false, [
            "mappedcontrol", "customercontrol", "controlid", "control",
        ];
    ]
}

columns! {
    /// The Vendors sheet's columns.
    VENDORS, vendors, Vendors: [
        VENDOR = "vendor", true, ["vendor", "vendorname", "supplier", "provider"];
        TIER = "tier", false, ["tier", "vendortier", "risktier", "criticality"];
        CONTRACT_END = "contract_end", false, [
            "contractend", "contractenddate", "contractexpiry", "contractexpires", "renewaldate",
        ];
        DPA_SIGNED_ON = "dpa_signed_on", false, [
            "dpasignedon", "dpasigned", "dpadate", "dataprocessingagreement", "dpa",
        ];
        BAA_SIGNED_ON = "baa_signed_on", false, [
            "baasignedon", "baasigned", "baadate", "businessassociateagreement", "baa",
        ];
        NEXT_REVIEW_DUE = "next_review_due", false, [
            "nextreviewdue", "nextreview", "nextreviewdate", "reviewdue",
        ];
        REVIEWER = "reviewer", false, ["reviewer", "reviewedby", "vendormanager", "relationshipowner"];
    ]
}

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Where a sheet's columns are.
#[derive(Debug)]
pub struct ColumnMap {
    /// Row index (relative to the table origin) of the header.
    pub header_row: usize,
    /// For each of the kind's columns (same order as [`SheetKind::columns`]), the table
    /// column it was found in.
    pub positions: Vec<Option<usize>>,
    /// Headers that named no known column: kept and ignored, listed as warnings.
    pub extra: Vec<String>,
    /// Pairs of table columns whose headers read as the same column with the same rank
    /// (two `Evidence File` columns): nothing can tell which one the user meant.
    pub duplicates: Vec<(&'static str, usize, usize)>,
    /// Headers that read as a column another header names more plainly (`Link` beside
    /// `Evidence File`): kept as extra columns, each with a warning naming both cells.
    pub outranked: Vec<Outranked>,
    /// The rows above the header (a title, a date line), each as its non-empty cells'
    /// texts: said again under the header, they are a page's heading.
    pub banner: Vec<Vec<String>>,
    /// For each column (same order as `positions`), the day/month order its header's
    /// format hint states (`Date Collected (DD/MM/YYYY)`), if any.
    pub date_orders: Vec<Option<DateOrder>>,
}

/// A header that lost its column to a better-ranked one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outranked {
    /// The column both headers read as.
    pub column: &'static str,
    /// The table column kept as an extra column.
    pub kept: usize,
    /// The table column read as `column`.
    pub winner: usize,
    /// The column the loser is read as instead, when it names one nobody else claims.
    pub read_as: Option<&'static str>,
}

impl ColumnMap {
    /// The table column of a named column, if the sheet has it.
    pub fn position(&self, kind: SheetKind, name: &str) -> Option<usize> {
        self.position_in(kind.columns(), name)
    }

    /// The table column of a column of the sheet this map was made for.
    pub fn position_of(&self, column: ColumnId) -> Option<usize> {
        self.positions.get(column.index).copied().flatten()
    }

    /// The day/month order a column's header states in its format hint, if it states one.
    pub fn date_order_of(&self, column: ColumnId) -> Option<DateOrder> {
        self.date_orders.get(column.index).copied().flatten()
    }

    /// The same, for a table of columns other than demarc's own sheets' (a questionnaire's).
    pub fn position_in(&self, columns: &[Column], name: &str) -> Option<usize> {
        let index = columns.iter().position(|c| c.name == name)?;
        self.positions[index]
    }

    /// The same map with every position moved `by` columns to the right: from columns
    /// counted from a table's origin to columns counted from the sheet's column A.
    pub(crate) fn shifted(mut self, by: usize) -> ColumnMap {
        for position in self.positions.iter_mut().flatten() {
            *position += by;
        }
        self
    }

    /// Whether a row under the header is the sheet's heading said again: the header row
    /// (every column the map reads holds a header naming that same column, so
    /// `Evidence File` under `evidence_file` counts) or a line of the banner above it. A
    /// register printed or pasted page by page repeats its heading; such a row is a page
    /// break, not a record with a date of "collected_on". `cells` are the row's non-empty
    /// cells, their columns counted as the map's positions are.
    pub(crate) fn is_heading_again(&self, columns: &[Column], cells: &[(u32, Data)]) -> bool {
        let mut read = columns
            .iter()
            .zip(&self.positions)
            .enumerate()
            .filter_map(|(i, (_, position))| position.map(|col| (i, col)));
        let header = self.positions.iter().any(Option::is_some)
            && read.all(|(i, col)| match cell_in(cells, col) {
                Cell::Text(text) => header_reading(columns, text).is_some_and(|(j, _)| j == i),
                _ => false,
            });
        header || self.banner.iter().any(|line| says_line(cells, line))
    }

    /// Names of required columns the sheet lacks.
    pub fn missing_required(&self, kind: SheetKind) -> Vec<&'static Column> {
        self.missing_in(kind.columns())
    }

    /// The same, for a table of columns other than demarc's own sheets'.
    pub fn missing_in(&self, columns: &'static [Column]) -> Vec<&'static Column> {
        columns
            .iter()
            .zip(&self.positions)
            .filter(|(c, p)| c.required && p.is_none())
            .map(|(c, _)| c)
            .collect()
    }
}

/// Finds the header row: the first of the top rows holding every required column, or
/// failing that the one matching the most columns (so the error can say what is missing).
/// `None` when no top row matches any column at all.
pub fn locate_header(table: &Table, kind: SheetKind) -> Option<ColumnMap> {
    let mut map = locate_columns(table, kind.columns())?;
    map.banner = (0..map.header_row)
        .map(|row| row_texts(table.row(row)))
        .filter(|texts| !texts.is_empty())
        .collect();
    Some(map)
}

/// Whether a row's non-empty cells say `line`'s texts, in order (wherever they sit). Run on
/// every row under a banner, so it compares without building the row's texts.
fn says_line(cells: &[(u32, Data)], line: &[String]) -> bool {
    let mut texts = cells
        .iter()
        .map(|(_, data)| super::table::view(data))
        .filter(|cell| !matches!(cell, Cell::Empty));
    let same = line.iter().all(|want| match texts.next() {
        Some(Cell::Text(text)) => text.trim() == want,
        Some(other) => other.to_text() == *want,
        None => false,
    });
    same && texts.next().is_none()
}

/// [`locate_header`] for a table of columns other than demarc's own sheets' (a
/// questionnaire's).
pub fn locate_columns(table: &Table, columns: &'static [Column]) -> Option<ColumnMap> {
    let mut best: Option<(usize, ColumnMap)> = None;
    for row in 0..table.height().min(HEADER_SEARCH_ROWS) {
        let map = map_row(table, row, columns);
        let matched = map.positions.iter().filter(|p| p.is_some()).count();
        if matched == 0 {
            continue;
        }
        if map.missing_in(columns).is_empty() {
            // Headers merged down over several rows (a two-row header: "Control ID" over
            // both rows, "Test" over "Result" and "Tester") end on the merge's last row.
            let bottom = table.merged_header_bottom(row);
            if bottom > row {
                let lower = map_row(table, bottom, columns);
                if lower.missing_in(columns).is_empty() {
                    return Some(lower);
                }
            }
            return Some(map);
        }
        if best.as_ref().is_none_or(|(n, _)| matched > *n) {
            best = Some((matched, map));
        }
    }
    best.map(|(_, map)| map)
}

/// Whether a sheet's header may rely on merged cells, so that they are worth loading: no
/// complete header row was found, or the row under the header leaves a required column
/// blank while holding something else (as under a header cell merged down two rows).
pub fn header_may_be_merged(table: &Table, kind: SheetKind) -> bool {
    let Some(map) = locate_header(table, kind) else {
        return table.height() > 0;
    };
    if !map.missing_required(kind).is_empty() {
        return true;
    }
    let next = map.header_row + 1;
    !table.row_is_blank(next)
        && kind.columns().iter().zip(&map.positions).any(|(c, p)| {
            c.required && p.is_some_and(|col| matches!(table.cell(next, col), Cell::Empty))
        })
}

fn map_row(table: &Table, row: usize, columns: &[Column]) -> ColumnMap {
    // Each header's best reading: the column it names and how strongly (its rank).
    let mut claims: Vec<(usize, usize, u8)> = Vec::new(); // (table column, column, rank)
    let mut extra = Vec::new();
    for col in table.header_columns(row) {
        let header = match table.header_cell(row, col) {
            Cell::Text(s) => s,
            _ => continue,
        };
        match header_reading(columns, header) {
            Some((i, rank)) => claims.push((col, i, rank)),
            None => extra.push(header.trim().to_string()),
        }
    }
    let mut positions: Vec<Option<usize>> = vec![None; columns.len()];
    let mut duplicates = Vec::new();
    let mut outranked = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let Some(best) = claims.iter().filter(|c| c.1 == i).map(|c| c.2).min() else {
            continue;
        };
        let mut winners = claims.iter().filter(|c| c.1 == i && c.2 == best);
        let winner = winners.next().map(|c| c.0);
        positions[i] = winner;
        if let (Some(first), Some(second)) = (winner, winners.next()) {
            duplicates.push((column.name, first, second.0));
        }
        for loser in claims.iter().filter(|c| c.1 == i && c.2 > best) {
            outranked.push(Outranked {
                column: column.name,
                kept: loser.0,
                winner: winner.unwrap_or(loser.0),
                read_as: None,
            });
        }
    }
    // A header that lost its first reading may be the plain name of another column that
    // no header claims: in a catalogue headed `ID | Control`, `Control` is the title.
    for o in outranked.iter_mut() {
        let text = table.header_cell(row, o.kept).to_text();
        let keys = [Some(text.as_str()), without_hints(&text).as_deref()].map(|t| t.map(loose_key));
        let other = columns.iter().enumerate().position(|(j, c)| {
            positions[j].is_none()
                && !claims.iter().any(|claim| claim.1 == j)
                && keys
                    .iter()
                    .flatten()
                    .any(|key| c.aliases.contains(&key.as_str()))
        });
        if let Some(j) = other {
            positions[j] = Some(o.kept);
            o.read_as = Some(columns[j].name);
        }
    }
    outranked.sort_by_key(|o| o.kept);
    let date_orders = positions
        .iter()
        .map(|position| {
            let header = table.header_cell(row, (*position)?).to_text();
            hinted_date_order(&header)
        })
        .collect();
    ColumnMap {
        header_row: row,
        positions,
        extra,
        duplicates,
        outranked,
        banner: Vec::new(),
        date_orders,
    }
}

/// Whether a text is a header of any of demarc's sheets (used to tell a CSV file's
/// delimiter).
pub(crate) fn names_a_column(text: &str) -> bool {
    SheetKind::ALL
        .iter()
        .any(|kind| header_reading(kind.columns(), text).is_some())
}

/// Which column a header names, and its rank (see [`reading`]): as written, or failing
/// that without the hints in brackets that registers add to their headers (`Date
/// Collected (DD/MM/YYYY)`, `Result [Pass/Fail]`, `Evidence Link (SharePoint)`). A
/// header whose bracketed words are part of its name (`Period (start)`) is read as
/// written first.
fn header_reading(columns: &[Column], header: &str) -> Option<(usize, u8)> {
    reading(columns, &loose_key(header))
        .or_else(|| reading(columns, &loose_key(&without_hints(header)?)))
}

/// The header without its bracketed parts, when it has some and something is left.
fn without_hints(header: &str) -> Option<String> {
    let mut bare = String::with_capacity(header.len());
    let mut depth = 0usize;
    let mut had_hint = false;
    for c in header.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                had_hint = true;
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    (had_hint && !loose_key(&bare).is_empty()).then_some(bare)
}

/// The day/month order a header's bracketed format hint states: `(DD/MM/YYYY)` and
/// `[dd-mm-yy]` are day first, `(MM/DD/YYYY)` month first. Only a hint made of day, month
/// and year letters alone counts, so `(UTC)` or `(mm)` says nothing.
fn hinted_date_order(header: &str) -> Option<DateOrder> {
    let start = header.find(['(', '['])?;
    let hint = &header[start + 1..];
    let hint = &hint[..hint.find([')', ']']).unwrap_or(hint.len())];
    let parts: Vec<String> = hint
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|p| !p.is_empty())
        .map(|p| p.to_ascii_lowercase())
        .collect();
    let made_of = |p: &String, letter: char| p.chars().all(|c| c == letter);
    let day = parts.iter().position(|p| made_of(p, 'd'))?;
    let month = parts.iter().position(|p| made_of(p, 'm'))?;
    let only_date_letters = parts
        .iter()
        .all(|p| made_of(p, 'd') || made_of(p, 'm') || made_of(p, 'y'));
    let has_year = parts.iter().any(|p| made_of(p, 'y'));
    (only_date_letters && has_year).then_some(if day < month {
        DateOrder::Dmy
    } else {
        DateOrder::Mdy
    })
}

/// Which column a header (already through [`loose_key`]) names, and its rank: 0 when it
/// is the column's own name, otherwise 1 + the alias's place in the column's list. A
/// column's own name is looked for in every column before any alias is, so `file` in the
/// Attestations sheet is never read as another column's alias.
fn reading(columns: &[Column], wanted: &str) -> Option<(usize, u8)> {
    if let Some(i) = columns.iter().position(|c| loose_matches(c.name, wanted)) {
        return Some((i, 0));
    }
    columns.iter().enumerate().find_map(|(i, c)| {
        c.aliases
            .iter()
            .position(|a| *a == wanted)
            .map(|rank| (i, rank as u8 + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_constants_name_their_own_sheets_columns() {
        assert_eq!(evidence::COLLECTED_ON.name(), "collected_on");
        assert_eq!(evidence::COLLECTED_ON.kind, SheetKind::Evidence);
        assert_eq!(services::PROVIDER.name(), "provider");
        assert_eq!(controls::OWNER.name(), "owner");
        assert_ne!(
            controls::OWNER,
            services::OWNER,
            "same name, different sheets"
        );
        assert_eq!(
            attestations::BRIDGE_LETTER_THROUGH.name(),
            "bridge_letter_through"
        );
        assert_eq!(cuecs::MAPPED_CONTROL.name(), "mapped_control");
        for kind in SheetKind::ALL {
            let names: Vec<&str> = kind.column_ids().map(ColumnId::name).collect();
            let table: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
            assert_eq!(names, table, "{}", kind.as_str());
        }
    }

    #[test]
    fn a_column_is_found_by_its_constant_as_by_its_name() {
        let rows = vec![csv::StringRecord::from(vec![
            "Result",
            "Control ID",
            "Collected On",
        ])];
        let table = Table::from_records(&rows);
        let map = locate_header(&table, SheetKind::Evidence).unwrap();
        for id in SheetKind::Evidence.column_ids() {
            assert_eq!(
                map.position_of(id),
                map.position(SheetKind::Evidence, id.name()),
                "{}",
                id.name()
            );
        }
        assert_eq!(map.position_of(evidence::CONTROL_ID), Some(1));
        assert_eq!(map.position_of(evidence::NOTES), None);
    }

    #[test]
    fn sheet_names_are_recognised_loosely() {
        assert_eq!(
            SheetKind::from_sheet_name(" CUECs "),
            Some(SheetKind::Cuecs)
        );
        assert_eq!(
            SheetKind::from_sheet_name("Vendor attestations"),
            Some(SheetKind::Attestations)
        );
        assert_eq!(
            SheetKind::from_sheet_name("evidence"),
            Some(SheetKind::Evidence)
        );
        for (name, kind) in [
            ("Evidence Register", SheetKind::Evidence),
            ("Control Library", SheetKind::Controls),
            ("SaaS Inventory", SheetKind::Services),
            ("SOC Reports", SheetKind::Attestations),
            ("User Entity Controls", SheetKind::Cuecs),
        ] {
            assert_eq!(SheetKind::from_sheet_name(name), Some(kind), "{name}");
        }
        // Names that may be something else (a summary, a pivot) stay unread.
        assert_eq!(SheetKind::from_sheet_name("Notes"), None);
        assert_eq!(SheetKind::from_sheet_name("Test Results"), None);
    }

    #[test]
    fn header_under_a_banner_is_found() {
        let rows = vec![
            csv::StringRecord::from(vec!["Q3 evidence log", "", ""]),
            csv::StringRecord::from(vec!["", "", ""]),
            csv::StringRecord::from(vec!["Control ID", "Collected On", "Result", "Reviewer"]),
        ];
        let table = Table::from_records(&rows);
        let map = locate_header(&table, SheetKind::Evidence).unwrap();
        assert_eq!(map.header_row, 2);
        assert_eq!(map.position(SheetKind::Evidence, "collected_on"), Some(1));
        assert_eq!(map.extra, ["Reviewer"]);
    }

    #[test]
    fn a_register_in_its_own_words_is_read() {
        // Headers as GRC tools and hand-kept registers write them.
        let rows = vec![csv::StringRecord::from(vec![
            "Control No.",
            "Evidence Name",
            "Attachment",
            "Date Tested",
            "Test Outcome",
            "Performed By",
            "Reviewer",
        ])];
        let table = Table::from_records(&rows);
        let map = locate_header(&table, SheetKind::Evidence).unwrap();
        let at = |column| map.position_of(column);
        assert_eq!(
            [
                at(evidence::CONTROL_ID),
                at(evidence::EVIDENCE),
                at(evidence::EVIDENCE_FILE),
                at(evidence::COLLECTED_ON),
                at(evidence::RESULT),
                at(evidence::TESTER),
            ],
            [Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert_eq!(map.extra, ["Reviewer"]);
        let catalogue = Table::from_records(&[csv::StringRecord::from(vec![
            "Control Number",
            "Control Name",
            "Domain",
            "Cadence",
        ])]);
        let map = locate_header(&catalogue, SheetKind::Controls).unwrap();
        assert_eq!(map.position_of(controls::CONTROL_ID), Some(0));
        assert_eq!(map.position_of(controls::TITLE), Some(1));
        assert_eq!(map.position_of(controls::FREQUENCY), Some(3));
        for header in [
            "Framework Mappings",
            "Framework mapping",
            "Mapped Frameworks",
            "Compliance Frameworks",
            "Framework References",
        ] {
            let catalogue = Table::from_records(&[csv::StringRecord::from(vec![
                "Control ID",
                "Domain",
                header,
            ])]);
            let map = locate_header(&catalogue, SheetKind::Controls).unwrap();
            assert_eq!(map.position_of(controls::FRAMEWORKS), Some(2), "{header}");
            assert!(map.extra.is_empty(), "{header}: {:?}", map.extra);
        }
    }

    #[test]
    fn registers_that_write_their_headers_out_are_read() {
        // Each of these headers, from registers as people keep them, was once an extra
        // column: the Services, Controls and Evidence sheets were refused for a missing
        // required column, and every SOC 2 Type II row for want of its period.
        let cases: [(SheetKind, &[&str], &[ColumnId]); 5] = [
            (
                SheetKind::Services,
                &[
                    "Application",
                    "Hosting Provider",
                    "Service Model",
                    "Data Types",
                    "Business Owner",
                    "Hosting Region",
                ],
                &[
                    services::SERVICE,
                    services::PROVIDER,
                    services::SERVICE_MODEL,
                    services::DATA_CLASSES,
                    services::OWNER,
                    services::REGIONS,
                ],
            ),
            (
                SheetKind::Controls,
                &[
                    "Control ID",
                    "Control Domain",
                    "Compliance Frameworks",
                    "Control Description",
                    "Applicable Services",
                ],
                &[
                    controls::CONTROL_ID,
                    controls::DOMAIN,
                    controls::FRAMEWORKS,
                    controls::TITLE,
                    controls::APPLIES_TO,
                ],
            ),
            (
                SheetKind::Evidence,
                &[
                    "Control ID",
                    "Evidence Collected Date",
                    "Test Result",
                    "Artifact",
                ],
                &[
                    evidence::CONTROL_ID,
                    evidence::COLLECTED_ON,
                    evidence::RESULT,
                    evidence::EVIDENCE,
                ],
            ),
            (
                SheetKind::Attestations,
                &[
                    "Vendor",
                    "Period Start Date",
                    "Period End Date",
                    "Opinion Type",
                    "Report Link",
                ],
                &[
                    attestations::VENDOR,
                    attestations::PERIOD_START,
                    attestations::PERIOD_END,
                    attestations::OPINION,
                    attestations::REPORT_FILE,
                ],
            ),
            (
                SheetKind::Cuecs,
                &["Vendor", "CUEC ID", "Complementary User Entity Control"],
                &[cuecs::VENDOR, cuecs::CUEC_ID, cuecs::DESCRIPTION],
            ),
        ];
        for (kind, headers, columns) in cases {
            let table = Table::from_records(&[csv::StringRecord::from(headers.to_vec())]);
            let map = locate_header(&table, kind)
                .unwrap_or_else(|| panic!("{headers:?}: no header found"));
            for (at, column) in columns.iter().enumerate() {
                assert_eq!(map.position_of(*column), Some(at), "{headers:?}");
            }
            assert!(map.extra.is_empty(), "{headers:?}: {:?}", map.extra);
        }
    }
}

/// The README's table of the columns and the headers accepted for each, in rank order:
/// generated here so that what the README promises is what the reader does.
pub fn headers_markdown() -> String {
    let mut out = String::from(
        "| sheet | column | required | headers accepted, in rank order |\n|---|---|---|---|\n",
    );
    for kind in SheetKind::ALL {
        for column in kind.columns() {
            let aliases: Vec<String> = column
                .aliases
                .iter()
                .filter(|a| **a != loose_key(column.name))
                .map(|a| format!("`{a}`"))
                .collect();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                kind.as_str(),
                column.name,
                if column.required { "yes" } else { "" },
                if aliases.is_empty() {
                    "—".to_string()
                } else {
                    aliases.join(", ")
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod readme {
    #[test]
    fn the_readme_lists_every_column_and_its_headers_in_rank_order() {
        let readme = include_str!("../../README.md");
        let table = super::headers_markdown();
        assert!(
            readme.contains(&table),
            "README.md's header table is out of date; it should read:\n{table}"
        );
    }
}
