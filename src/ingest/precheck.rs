//! What a workbook asks the parser to allocate, checked before the parser is asked.
//!
//! calamine trusts what a file declares: it reserves room for an `.xlsx`'s declared
//! `uniqueCount` of shared strings before reading one, keeps every entry of its styles
//! part, expands an `.ods` cell's `number-columns-repeated` and a row's
//! `number-rows-repeated` into a dense grid, and reserves an `.xls` sheet's DIMENSIONS
//! (rows × columns) before building a dense grid of its cells. A file of a few hundred
//! bytes can so ask for terabytes, and a failed allocation aborts the process — no error,
//! no file named, exit status 134.
//!
//! So the parts that drive those allocations are read here first, streaming and in
//! bounded memory (a few kilobytes whatever the part holds): the zip parts are inflated
//! chunk by chunk and scanned for tags, the `.xls` records walked in place. Each check
//! refuses with the part or sheet, what it declares, the limit and the `[limits]` key.
//! The scan is conservative: it may over-count (a tag inside a comment), never under-count.

use super::limits::{raise, Limits};
use super::table::column_letters;
use std::collections::HashMap;
use std::io::Read;

/// Why a workbook was refused before parsing: the sheet when one is to blame, the cell or
/// row when known, and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub sheet: Option<String>,
    pub location: Option<String>,
    pub problem: String,
}

impl Refusal {
    fn whole(problem: String) -> Refusal {
        Refusal {
            sheet: None,
            location: None,
            problem,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Zip-based workbooks (.xlsx .xlsm .xlsb .ods)

/// Checks the parts of a zip-based workbook that make calamine allocate by declaration:
/// the sheet list (how many sheets, and no two naming one part), the shared strings and
/// styles of an `.xlsx`, the repeats of an `.ods`.
///
/// Returns the worksheet parts of the sheets demarc reads (sheet name, part), whose
/// shared-string cells [`check_shared_string_cells`] must still check. That check guards
/// what a cell says, not memory, and reads every cell: the caller runs it beside the
/// parse instead of before it.
pub(crate) fn check_zip_workbook(
    bytes: &[u8],
    ods: bool,
    limits: &Limits,
    reads_sheet: &dyn Fn(&str) -> bool,
) -> Result<ZipChecked, Refusal> {
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(archive) => archive,
        // `check_zip` has refused a zip that cannot be opened; nothing more to check.
        Err(_) => return Ok(ZipChecked::default()),
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|name| name.into_owned()))
        .collect();
    if ods {
        let mut checked = ZipChecked::default();
        if let Some(name) = names.iter().find(|n| n.as_str() == "content.xml") {
            let mut scan = OdsScan::new(limits);
            scan_part(&mut archive, name, |tag| scan.tag(tag))?;
            checked.ods_merges = scan.finish()?;
        }
        return Ok(checked);
    }
    let lower = |n: &str| n.to_ascii_lowercase();
    // The workbook part and its relationships: which part each sheet is.
    let workbook = names
        .iter()
        .find(|n| lower(n).ends_with("workbook.xml"))
        .cloned();
    // The worksheet part of each sheet demarc will read.
    let mut sheet_parts: Vec<(String, String)> = Vec::new();
    if let Some(workbook) = workbook {
        let mut sheets: Vec<(String, String)> = Vec::new();
        let mut too_many = None;
        scan_part(&mut archive, &workbook, |tag| {
            if tag.is_start() && tag.local_name() == b"sheet" {
                let name = tag.attribute(b"name").unwrap_or_default();
                let id = tag.attribute_local(b"id").unwrap_or_default();
                sheets.push((name, id));
                if sheets.len() as u64 > limits.sheets {
                    too_many = Some(sheets.len());
                    return Scan::Stop;
                }
            }
            Scan::Continue
        })?;
        if too_many.is_some() {
            return Err(Refusal::whole(format!(
                "{workbook} lists more than {} sheets, the most demarc reads in one workbook ({})",
                limits.sheets,
                raise("sheets")
            )));
        }
        let dir = workbook.rsplit_once('/').map_or("", |(dir, _)| dir);
        let rels_name = if dir.is_empty() {
            "_rels/workbook.xml.rels".to_string()
        } else {
            format!("{dir}/_rels/workbook.xml.rels")
        };
        if let Some(rels) = names
            .iter()
            .find(|n| lower(n) == lower(&rels_name))
            .cloned()
        {
            let mut targets: HashMap<String, String> = HashMap::new();
            scan_part(&mut archive, &rels, |tag| {
                if tag.is_start() && tag.local_name() == b"Relationship" {
                    if let (Some(id), Some(target)) =
                        (tag.attribute(b"Id"), tag.attribute(b"Target"))
                    {
                        // Only the first few thousand matter: there are at most `sheets`
                        // sheets, and the map must stay small whatever the part holds.
                        if targets.len() < 2 * limits.sheets.min(100_000) as usize + 100 {
                            targets.insert(id, part_path(dir, &target));
                        }
                    }
                }
                Scan::Continue
            })?;
            let mut seen: HashMap<&str, &str> = HashMap::new();
            for (sheet, id) in &sheets {
                let Some(target) = targets.get(id) else {
                    continue;
                };
                if reads_sheet(sheet) {
                    if let Some(part) = names.iter().find(|n| lower(n) == *target) {
                        sheet_parts.push((sheet.clone(), part.clone()));
                    }
                }
                if let Some(first) = seen.insert(target.as_str(), sheet.as_str()) {
                    return Err(Refusal {
                        sheet: Some(sheet.clone()),
                        location: None,
                        problem: format!(
                            "the sheet is the same part ({target}) as sheet {first:?}: a workbook never holds one sheet twice, and each copy would be read in full (the file is malformed; save it again from Excel)"
                        ),
                    });
                }
            }
        }
    }
    if let Some(name) = names
        .iter()
        .find(|n| lower(n).ends_with("sharedstrings.xml"))
        .cloned()
    {
        let mut count: u64 = 0;
        let mut declared = None;
        scan_part(&mut archive, &name, |tag| {
            if !tag.is_start() {
                return Scan::Continue;
            }
            match tag.local_name() {
                b"sst" => {
                    for key in [&b"uniqueCount"[..], b"count"] {
                        if let Some(n) = tag.attribute(key).and_then(|v| declared_number(&v)) {
                            if n > limits.shared_strings {
                                declared = Some((String::from_utf8_lossy(key).into_owned(), n));
                                return Scan::Stop;
                            }
                        }
                    }
                }
                b"si" => {
                    count += 1;
                    if count > limits.shared_strings {
                        return Scan::Stop;
                    }
                }
                _ => {}
            }
            Scan::Continue
        })?;
        if let Some((key, n)) = declared {
            return Err(Refusal::whole(format!(
                "{name} declares {key}=\"{n}\" shared strings, over the limit of {} ({})",
                limits.shared_strings,
                raise("shared_strings")
            )));
        }
        if count > limits.shared_strings {
            return Err(Refusal::whole(format!(
                "{name} holds more than {} shared strings, the most demarc reads ({})",
                limits.shared_strings,
                raise("shared_strings")
            )));
        }
    }
    if let Some(name) = names
        .iter()
        .find(|n| lower(n).ends_with("styles.xml"))
        .cloned()
    {
        let mut count: u64 = 0;
        scan_part(&mut archive, &name, |tag| {
            if tag.is_start() {
                count += 1;
                if count > limits.styles {
                    return Scan::Stop;
                }
            }
            Scan::Continue
        })?;
        if count > limits.styles {
            return Err(Refusal::whole(format!(
                "{name} holds more than {} style entries, the most demarc reads (Excel itself stops at 64,000 cell formats: {})",
                limits.styles,
                raise("styles")
            )));
        }
    }
    Ok(ZipChecked {
        shared_string_parts: sheet_parts,
        ods_merges: HashMap::new(),
    })
}

/// What [`check_zip_workbook`] found that the read needs.
#[derive(Debug, Default)]
pub(crate) struct ZipChecked {
    /// The worksheet parts of the sheets demarc reads (sheet name, part) of an `.xlsx`,
    /// whose shared-string cells [`check_shared_string_cells`] must still check.
    pub shared_string_parts: Vec<(String, String)>,
    /// An `.ods`'s merged cells, by sheet: calamine does not read them, and a value merged
    /// down over several rows stands for every row it spans (see
    /// [`super::table::MergedDown`]), as in an `.xlsx`.
    pub ods_merges: HashMap<String, Vec<calamine::Dimensions>>,
}

/// Checks the shared-string cells of each (sheet, worksheet part) of `parts`, as
/// [`check_shared_string_indexes`] says.
///
/// Returns the sheets with a merged cell spanning rows (`<mergeCell ref="A4:A6"/>`), seen in
/// the same pass: their rows must be read with the merges known (see
/// [`super::table::MergedDown`]), which the streamed read cannot do.
pub(crate) fn check_shared_string_cells(
    bytes: &[u8],
    parts: &[(String, String)],
) -> Result<Vec<String>, Refusal> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(Vec::new());
    };
    let mut merged_down = Vec::new();
    for (sheet, part) in parts {
        if check_shared_string_indexes(&mut archive, sheet, part)? {
            merged_down.push(sheet.clone());
        }
    }
    Ok(merged_down)
}

/// Whether a merged range (`A4:A6`) spans more than one row.
fn spans_rows(range: &str) -> bool {
    let row = |cell: &str| {
        cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .to_string()
    };
    match range.split_once(':') {
        Some((first, last)) => row(first) != row(last),
        None => false,
    }
}

/// calamine reads a shared-string cell whose index is not a number (`-1`, `x`) as string
/// 0, silently: a cell would show one text and be read as another. So the index of every
/// shared-string cell (`<c t="s"><v>…</v></c>`) of a sheet demarc reads must be digits.
/// Returns whether the sheet has a merged cell spanning rows.
fn check_shared_string_indexes<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    sheet: &str,
    part: &str,
) -> Result<bool, Refusal> {
    // The open shared-string cell's reference, in one buffer reused for every cell: this
    // scan reads every cell of a sheet of up to a million rows.
    let mut in_shared_cell = false;
    let mut cell_ref: Vec<u8> = Vec::new();
    let mut bad: Option<(String, String)> = None;
    let mut merged_down = false;
    scan_part(archive, part, |tag| {
        match tag.local_name() {
            b"mergeCell" if tag.is_start() && !merged_down => {
                merged_down = tag.attribute(b"ref").is_some_and(|r| spans_rows(&r));
            }
            b"c" if tag.is_start() => {
                let shared = tag.raw_attribute(b"t") == Some(b"s");
                in_shared_cell = shared && !tag.is_empty_element();
                if in_shared_cell {
                    cell_ref.clear();
                    cell_ref.extend_from_slice(tag.raw_attribute(b"r").unwrap_or_default());
                }
            }
            b"v" if tag.is_end() && in_shared_cell => {
                let index = tag.1.trim_ascii();
                // 20 digits is the most a 64-bit index has; more overflow to 0 too.
                let digits = index.len() <= 20 && index.iter().all(u8::is_ascii_digit);
                if !index.is_empty() && !digits {
                    bad = Some((
                        String::from_utf8_lossy(&cell_ref).into_owned(),
                        String::from_utf8_lossy(index).into_owned(),
                    ));
                    return Scan::Stop;
                }
            }
            b"c" if tag.is_end() => in_shared_cell = false,
            _ => {}
        }
        Scan::Continue
    })?;
    match bad {
        Some((r, index)) => Err(Refusal {
            sheet: Some(sheet.to_string()),
            location: (!r.is_empty()).then_some(r),
            problem: format!(
                "the cell's shared-string index is {index:?}, which names no string (a reader would silently show the first string instead; the file is malformed: save it again from Excel)"
            ),
        }),
        None => Ok(merged_down),
    }
}

/// A decimal count as declared in an attribute; one too large for 64 bits reads as the
/// largest (it is over any limit all the same). Anything else is not a count (calamine
/// ignores it too).
fn declared_number(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse().unwrap_or(u64::MAX))
}

/// The zip path a relationship target names: relative to the workbook's folder, or
/// absolute from the root when it starts with `/`; compared ignoring case.
fn part_path(dir: &str, target: &str) -> String {
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if dir.is_empty() => target.to_string(),
        None => format!("{dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/").to_ascii_lowercase()
}

/// What a tag handler wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Continue,
    Stop,
}

/// Inflates one part chunk by chunk and hands each tag to `on_tag`, in memory bounded by
/// the chunk and the longest tag kept (attributes past [`MAX_TAG_BYTES`] are not seen).
fn scan_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    mut on_tag: impl FnMut(&Tag) -> Scan,
) -> Result<(), Refusal> {
    let damaged = |e: &dyn std::fmt::Display| {
        Refusal::whole(format!(
            "cannot open the workbook: it is damaged or not really a workbook ({name}: {e}); open it in Excel and save it again, or export the sheets as CSV"
        ))
    };
    let mut entry = archive.by_name(name).map_err(|e| damaged(&e))?;
    let mut scanner = TagScanner::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = entry.read(&mut chunk).map_err(|e| damaged(&e))?;
        if n == 0 {
            return Ok(());
        }
        if scanner.feed(&chunk[..n], &mut on_tag) == Scan::Stop {
            return Ok(());
        }
    }
}

/// Longest tag kept whole; a longer one keeps its first bytes (its name, and the
/// attributes that fit).
const MAX_TAG_BYTES: usize = 64 * 1024;

/// Splits XML text into tags, across chunk boundaries. Text between tags is skipped:
/// XML escapes `<` in text, so every `<` opens a tag (or a comment, which may over-count).
#[derive(Default)]
struct TagScanner {
    in_tag: bool,
    quote: Option<u8>,
    tag: Vec<u8>,
    /// The text since the last tag (its first [`MAX_TEXT_BYTES`]).
    text: Vec<u8>,
}

/// Longest text kept between two tags: enough for any number a check reads.
const MAX_TEXT_BYTES: usize = 64;

impl TagScanner {
    fn feed(&mut self, bytes: &[u8], on_tag: &mut impl FnMut(&Tag) -> Scan) -> Scan {
        for &b in bytes {
            if !self.in_tag {
                if b == b'<' {
                    self.in_tag = true;
                    self.quote = None;
                    self.tag.clear();
                } else if self.text.len() < MAX_TEXT_BYTES {
                    self.text.push(b);
                }
                continue;
            }
            // Quotes matter inside an element's tag (an attribute may hold `>`), not in a
            // comment or declaration, where an apostrophe in prose would hide what follows.
            let markup = matches!(self.tag.first(), Some(b'!' | b'?'));
            match (self.quote, b) {
                (Some(q), _) if q == b => self.quote = None,
                (None, b'"' | b'\'') if !markup => self.quote = Some(b),
                (None, b'>') => {
                    self.in_tag = false;
                    let scan = on_tag(&Tag(&self.tag, &self.text));
                    self.text.clear();
                    if scan == Scan::Stop {
                        return Scan::Stop;
                    }
                    continue;
                }
                _ => {}
            }
            if self.tag.len() < MAX_TAG_BYTES {
                self.tag.push(b);
            }
        }
        Scan::Continue
    }
}

/// The text of one tag between `<` and `>`, and the text before it (since the last tag).
struct Tag<'a>(&'a [u8], &'a [u8]);

impl Tag<'_> {
    /// An opening tag (`<c>` or `<c/>`), not a closing tag, comment or declaration.
    fn is_start(&self) -> bool {
        !matches!(self.0.first(), Some(b'/' | b'!' | b'?') | None)
    }

    fn is_end(&self) -> bool {
        self.0.first() == Some(&b'/')
    }

    fn is_empty_element(&self) -> bool {
        self.0.last() == Some(&b'/')
    }

    /// The element's name without its namespace prefix.
    fn local_name(&self) -> &[u8] {
        let body = self.0.strip_prefix(b"/").unwrap_or(self.0);
        let end = body
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(body.len());
        let name = &body[..end];
        match name.iter().rposition(|b| *b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        }
    }

    /// The attributes as (qualified name, raw value).
    fn attributes(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let mut rest = self.0;
        // Skip the element name.
        let start = rest
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        rest = &rest[start..];
        std::iter::from_fn(move || {
            let eq = rest.iter().position(|b| *b == b'=')?;
            let key = rest[..eq].trim_ascii();
            let after = rest[eq + 1..].trim_ascii_start();
            let quote = *after.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let close = after[1..].iter().position(|b| *b == quote)?;
            let value = &after[1..1 + close];
            rest = &after[close + 2..];
            Some((key, value))
        })
    }

    /// An attribute's value by its qualified name (`table:name`).
    fn attribute(&self, key: &[u8]) -> Option<String> {
        self.raw_attribute(key)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The same, as the tag's bytes, for a check made on every cell (no allocation).
    fn raw_attribute(&self, key: &[u8]) -> Option<&[u8]> {
        self.attributes().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// An attribute's value by its name without prefix (`r:id` is `id`).
    fn attribute_local(&self, key: &[u8]) -> Option<String> {
        self.attributes()
            .find(|(k, _)| k.rsplit(|b| *b == b':').next() == Some(key))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// The rows of a sheet in Excel and LibreOffice Calc.
const SHEET_ROWS: u64 = 1_048_576;

/// Follows an `.ods` content part table by table: how many sheets, and the rectangle of
/// cells each spans once its repeats are expanded — what calamine will allocate.
///
/// It also collects each sheet's merged cells (`table:number-rows-spanned`,
/// `table:number-columns-spanned`) where the merged cell holds something. Their number
/// stays within the sheet's bounds: a row's are kept aside until the row has passed the
/// size check (a row repeated a billion times is refused, not recorded a billion times),
/// and no row keeps more than its columns may hold.
struct OdsScan {
    limits: Limits,
    tables: u64,
    table: Option<OdsTable>,
    refusal: Option<Refusal>,
    merges: HashMap<String, Vec<calamine::Dimensions>>,
}

#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows so far, counting repeats.
    rows: u64,
    /// The first row (counting repeats) holding a value, and the row after the last.
    first_row: Option<u64>,
    end_row: u64,
    /// The widest row's last column holding a value, counting repeats.
    width: u64,
    /// The row being read: its repeat count, columns so far, and the column after its
    /// last value.
    row_repeats: u64,
    row_columns: u64,
    row_end: u64,
    /// The row's merged cells that hold something: (first column, rows, columns spanned).
    row_merges: Vec<(u64, u64, u64)>,
    /// The sheet's merged cells so far.
    merges: Vec<calamine::Dimensions>,
}

impl OdsScan {
    fn new(limits: &Limits) -> OdsScan {
        OdsScan {
            limits: *limits,
            tables: 0,
            table: None,
            refusal: None,
            merges: HashMap::new(),
        }
    }

    fn tag(&mut self, tag: &Tag) -> Scan {
        let name = tag.local_name();
        if tag.is_end() {
            match name {
                b"table-row" => self.end_row(),
                b"table" => self.end_table(),
                _ => {}
            }
        } else if tag.is_start() {
            match name {
                b"table" => {
                    self.tables += 1;
                    if self.tables > self.limits.sheets {
                        self.refusal = Some(Refusal::whole(format!(
                            "content.xml holds more than {} sheets, the most demarc reads in one workbook ({})",
                            self.limits.sheets,
                            raise("sheets")
                        )));
                    }
                    self.table = Some(OdsTable {
                        name: tag.attribute(b"table:name").unwrap_or_default(),
                        ..OdsTable::default()
                    });
                }
                b"table-row" => {
                    if let Some(table) = &mut self.table {
                        table.row_repeats = repeats(tag, b"table:number-rows-repeated");
                        table.row_columns = 0;
                        table.row_end = 0;
                        table.row_merges.clear();
                    }
                    if tag.is_empty_element() {
                        self.end_row();
                    }
                }
                b"table-cell" | b"covered-table-cell" => {
                    if let Some(table) = &mut self.table {
                        let columns = repeats(tag, b"table:number-columns-repeated");
                        let first_column = table.row_columns;
                        table.row_columns = table.row_columns.saturating_add(columns);
                        // A cell with a value type, or with content, holds something.
                        let holds = tag.attribute(b"office:value-type").is_some()
                            || !tag.is_empty_element();
                        if holds {
                            table.row_end = table.row_columns;
                        }
                        let rows_spanned = repeats(tag, b"table:number-rows-spanned");
                        let columns_spanned = repeats(tag, b"table:number-columns-spanned");
                        if holds
                            && name == b"table-cell"
                            && (rows_spanned > 1 || columns_spanned > 1)
                            && (table.row_merges.len() as u64) < self.limits.columns
                        {
                            table
                                .row_merges
                                .push((first_column, rows_spanned, columns_spanned));
                        }
                    }
                }
                _ => {}
            }
        }
        if self.refusal.is_some() {
            Scan::Stop
        } else {
            Scan::Continue
        }
    }

    fn end_row(&mut self) {
        let Some(table) = &mut self.table else {
            return;
        };
        if table.row_end > 0 {
            table.first_row.get_or_insert(table.rows);
            table.end_row = table.rows.saturating_add(table.row_repeats);
            table.width = table.width.max(table.row_end);
        }
        let first_row = table.rows;
        table.rows = table.rows.saturating_add(table.row_repeats);
        table.row_end = 0;
        let span = table.end_row - table.first_row.unwrap_or(table.end_row);
        let cells = span.saturating_mul(table.width);
        if cells <= self.limits.cells && !table.row_merges.is_empty() {
            // Within the limit, so the repeats are few enough to record each. A span is
            // cut at the last row and column a spreadsheet can have (LibreOffice's and
            // Excel's 1,048,576 rows, the columns demarc reads), as an `.xlsx` can declare
            // no further.
            let last_row = SHEET_ROWS - 1;
            let last_column = self.limits.columns.saturating_sub(1);
            let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            for repeat in 0..table.row_repeats {
                let row = first_row + repeat;
                for &(column, rows, columns) in &table.row_merges {
                    table.merges.push(calamine::Dimensions {
                        start: (at(row), at(column)),
                        end: (
                            at(row.saturating_add(rows - 1).min(last_row.max(row))),
                            at(column
                                .saturating_add(columns - 1)
                                .min(last_column.max(column))),
                        ),
                    });
                }
            }
        }
        table.row_merges.clear();
        if cells > self.limits.cells {
            self.refusal = Some(Refusal {
                sheet: Some(table.name.clone()),
                location: Some(format!("row {}", table.end_row.min(u64::from(u32::MAX)))),
                problem: format!(
                    "counting its repeated rows and columns (table:number-rows-repeated, table:number-columns-repeated), the sheet spans {span} rows × {} columns = {cells} cells, over the limit of {} ({})",
                    table.width,
                    self.limits.cells,
                    raise("cells")
                ),
            });
        }
    }

    fn end_table(&mut self) {
        if let Some(table) = self.table.take() {
            if !table.merges.is_empty() {
                self.merges
                    .entry(table.name)
                    .or_default()
                    .extend(table.merges);
            }
        }
    }

    /// The merged cells by sheet, unless the content was refused.
    fn finish(self) -> Result<HashMap<String, Vec<calamine::Dimensions>>, Refusal> {
        match self.refusal {
            Some(refusal) => Err(refusal),
            None => Ok(self.merges),
        }
    }
}

/// A repeat attribute (at least 1; absent is 1, unreadable is 1 as calamine's error will
/// say why).
fn repeats(tag: &Tag, key: &[u8]) -> u64 {
    tag.attribute(key)
        .and_then(|v| declared_number(&v))
        .unwrap_or(1)
        .max(1)
}

// ---------------------------------------------------------------------------------------
// Legacy .xls (BIFF records in an OLE compound file)

/// Checks a legacy `.xls` before calamine parses it (it parses every sheet when the
/// workbook is opened): how many sheets, no two at one place, and for each sheet the
/// rectangle its DIMENSIONS record declares and the one its cells span, and no cell past
/// the last column.
pub(crate) fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    // A file whose container cannot be read here is left to calamine, which says why.
    let Some(stream) = cfb::workbook_stream(bytes) else {
        return Ok(());
    };
    let mut sheets: Vec<(u32, String)> = Vec::new();
    for (typ, data) in biff_records(&stream) {
        match typ {
            // BoundSheet8: the sheet's offset in the stream, then its name.
            0x0085 if data.len() >= 8 => {
                let offset = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
                sheets.push((offset, biff_sheet_name(&data[6..])));
                if sheets.len() as u64 > limits.sheets {
                    return Err(Refusal::whole(format!(
                        "the workbook lists more than {} sheets, the most demarc reads in one workbook ({})",
                        limits.sheets,
                        raise("sheets")
                    )));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut seen: HashMap<u32, &str> = HashMap::new();
    for (offset, name) in &sheets {
        if let Some(first) = seen.insert(*offset, name) {
            return Err(Refusal {
                sheet: Some(name.clone()),
                location: None,
                problem: format!(
                    "the sheet is stored at the same place as sheet {first:?}: a workbook never holds one sheet twice, and each copy would be read in full (the file is malformed; save it again from Excel)"
                ),
            });
        }
    }
    for (offset, name) in &sheets {
        let Some(sheet) = stream.get(*offset as usize..) else {
            continue;
        };
        check_xls_sheet(sheet, name, limits)?;
    }
    Ok(())
}

fn check_xls_sheet(stream: &[u8], name: &str, limits: &Limits) -> Result<(), Refusal> {
    let refuse = |location: Option<String>, problem: String| Refusal {
        sheet: Some(name.to_string()),
        location,
        problem,
    };
    let too_many = |what: &str, rows: u64, cols: u64| {
        format!(
            "{what} {rows} rows × {cols} columns = {} cells; demarc reads .xls sheets of up to {} cells ({})",
            rows.saturating_mul(cols),
            limits.cells,
            raise("cells")
        )
    };
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut depth = 0usize;
    for (index, (typ, data)) in biff_records(stream).enumerate() {
        match typ {
            0x0809 if index > 0 => depth += 1,
            0x000A if depth > 0 => depth -= 1,
            0x000A => break,
            _ if depth > 0 => {}
            // DIMENSIONS: BIFF8 rows are 32-bit, earlier ones 16-bit; the ends are exclusive.
            // The rectangle is worked out as calamine does (its u32 arithmetic wraps on an
            // inverted record), since that is what it reserves.
            0x0200 => {
                let (first_row, end_row, mut first_col, end_col) = match data.len() {
                    10 => (
                        u32::from(u16::from_le_bytes([data[0], data[1]])),
                        u32::from(u16::from_le_bytes([data[2], data[3]])),
                        u32::from(u16::from_le_bytes([data[4], data[5]])),
                        u32::from(u16::from_le_bytes([data[6], data[7]])),
                    ),
                    14 | 16 => (
                        u32::from_le_bytes([data[0], data[1], data[2], data[3]]),
                        u32::from_le_bytes([data[4], data[5], data[6], data[7]]),
                        u32::from(u16::from_le_bytes([data[8], data[9]])),
                        u32::from(u16::from_le_bytes([data[10], data[11]])),
                    ),
                    // calamine refuses any other length with an error of its own.
                    _ => continue,
                };
                if first_col > 0xFF || end_col < first_col {
                    first_col = 0;
                }
                let (last_row, last_col) = if end_row >= 1 && end_col >= 1 {
                    (end_row - 1, end_col - 1)
                } else {
                    (first_row, first_col)
                };
                let rows = u64::from(last_row.wrapping_sub(first_row).wrapping_add(1));
                let cols = u64::from(last_col.wrapping_sub(first_col).wrapping_add(1));
                if rows.saturating_mul(cols) > limits.cells {
                    return Err(refuse(
                        None,
                        too_many("its DIMENSIONS record declares", rows, cols),
                    ));
                }
            }
            // Cell records: row, then column, first. MULRK names its last column at its end.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD
                if data.len() >= 4 =>
            {
                let row = u32::from(u16::from_le_bytes([data[0], data[1]]));
                let first = u32::from(u16::from_le_bytes([data[2], data[3]]));
                let last = if typ == 0x00BD && data.len() >= 6 {
                    let n = data.len();
                    u32::from(u16::from_le_bytes([data[n - 2], data[n - 1]])).max(first)
                } else {
                    first
                };
                if u64::from(last) >= limits.columns {
                    return Err(refuse(
                        Some(format!("{}{}", column_letters(last), row + 1)),
                        format!(
                            "the cell is in column {}, past the {} columns demarc reads ({})",
                            u64::from(last) + 1,
                            limits.columns,
                            raise("columns")
                        ),
                    ));
                }
                let b = bounds.get_or_insert((row, row, first, last));
                *b = (b.0.min(row), b.1.max(row), b.2.min(first), b.3.max(last));
            }
            _ => {}
        }
    }
    if let Some((top, bottom, left, right)) = bounds {
        let rows = u64::from(bottom - top) + 1;
        let cols = u64::from(right - left) + 1;
        if rows.saturating_mul(cols) > limits.cells {
            return Err(refuse(
                Some(format!(
                    "{}{}:{}{}",
                    column_letters(left),
                    top + 1,
                    column_letters(right),
                    bottom + 1
                )),
                too_many("its cells span", rows, cols),
            ));
        }
    }
    Ok(())
}

/// BIFF records as (type, data), stopping at the end of the stream or a record that runs
/// past it.
fn biff_records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let header = stream.get(at..at + 4)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// A BoundSheet8 name: a length, a flag (UTF-16 or one byte per character), the text.
fn biff_sheet_name(data: &[u8]) -> String {
    let Some((&len, rest)) = data.split_first() else {
        return String::new();
    };
    let len = usize::from(len);
    match rest.split_first() {
        Some((&1, text)) => {
            let units: Vec<u16> = text
                .chunks_exact(2)
                .take(len)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Some((&0, text)) => text.iter().take(len).map(|&b| char::from(b)).collect(),
        // BIFF5 and earlier: no flag byte.
        _ => rest.iter().take(len).map(|&b| char::from(b)).collect(),
    }
}

/// Just enough of the OLE compound file format to find the `Workbook` stream: the sector
/// allocation table, the directory, and a stream's chain of sectors (or mini sectors).
mod cfb {
    const FREE_OR_END: u32 = 0xFFFF_FFFA;

    fn u16_at(b: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
    }

    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    struct File<'a> {
        bytes: &'a [u8],
        sector: usize,
        fat: Vec<u32>,
    }

    impl File<'_> {
        fn sector(&self, id: u32) -> Option<&[u8]> {
            let start = (id as usize).checked_add(1)?.checked_mul(self.sector)?;
            self.bytes.get(start..start.checked_add(self.sector)?)
        }

        /// The sectors of a chain, bounded by the table's length (a loop ends there).
        fn chain(&self, table: &[u32], first: u32) -> Vec<u32> {
            let mut ids = Vec::new();
            let mut id = first;
            while id < FREE_OR_END && ids.len() < table.len() {
                ids.push(id);
                id = *table.get(id as usize).unwrap_or(&u32::MAX);
            }
            ids
        }

        fn read_chain(&self, first: u32, len: Option<usize>) -> Vec<u8> {
            let mut out = Vec::new();
            for id in self.chain(&self.fat, first) {
                match self.sector(id) {
                    Some(data) => out.extend_from_slice(data),
                    None => break,
                }
                if len.is_some_and(|len| out.len() >= len) {
                    break;
                }
            }
            if let Some(len) = len {
                out.truncate(len);
            }
            out
        }
    }

    /// The bytes of the `Workbook` (or, before BIFF8, `Book`) stream.
    pub(super) fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
        if bytes.get(..8)? != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            return None;
        }
        let shift = u16_at(bytes, 0x1E)?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let sector = 1usize << shift;
        let mini_shift = u16_at(bytes, 0x20)?.min(16);
        let fat_sectors = u32_at(bytes, 0x2C)? as usize;
        let dir_start = u32_at(bytes, 0x30)?;
        let cutoff = u32_at(bytes, 0x38)? as usize;
        let minifat_start = u32_at(bytes, 0x3C)?;
        let mut difat_sector = u32_at(bytes, 0x44)?;
        // The sectors holding the allocation table: 109 in the header, then chained.
        let mut fat_ids: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .filter(|id| *id < FREE_OR_END)
            .collect();
        let max_sectors = bytes.len() / sector;
        let mut file = File {
            bytes,
            sector,
            fat: Vec::new(),
        };
        while difat_sector < FREE_OR_END && fat_ids.len() < fat_sectors.min(max_sectors) {
            let data = file.sector(difat_sector)?;
            let per = sector / 4 - 1;
            fat_ids.extend(
                (0..per)
                    .filter_map(|i| u32_at(data, 4 * i))
                    .filter(|id| *id < FREE_OR_END),
            );
            difat_sector = u32_at(data, 4 * per)?;
        }
        fat_ids.truncate(fat_sectors.min(max_sectors));
        let mut fat = Vec::new();
        for id in &fat_ids {
            let data = file.sector(*id)?;
            fat.extend((0..sector / 4).filter_map(|i| u32_at(data, 4 * i)));
        }
        file.fat = fat;
        let dir = file.read_chain(dir_start, None);
        let mut root = None;
        let mut stream = None;
        for entry in dir.chunks_exact(128) {
            let name_len = (usize::from(u16_at(entry, 0x40)?) / 2)
                .saturating_sub(1)
                .min(32);
            let units: Vec<u16> = (0..name_len).filter_map(|i| u16_at(entry, 2 * i)).collect();
            let name = String::from_utf16_lossy(&units);
            let kind = entry[0x42];
            let start = u32_at(entry, 0x74)?;
            let size = u32_at(entry, 0x78)? as usize;
            if kind == 5 {
                root = Some((start, size));
            } else if kind == 2 && (name == "Workbook" || (name == "Book" && stream.is_none())) {
                stream = Some((start, size));
            }
        }
        let (start, size) = stream?;
        let size = size.min(bytes.len());
        if size >= cutoff {
            return Some(file.read_chain(start, Some(size)));
        }
        // A small stream lives in the mini stream, in 64-byte mini sectors.
        let (root_start, root_size) = root?;
        let mini_stream = file.read_chain(root_start, Some(root_size.min(bytes.len())));
        let minifat: Vec<u32> = file
            .read_chain(minifat_start, None)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mini = 1usize << mini_shift;
        let mut out = Vec::new();
        for id in file.chain(&minifat, start) {
            let at = (id as usize).checked_mul(mini)?;
            out.extend_from_slice(mini_stream.get(at..at + mini)?);
            if out.len() >= size {
                break;
            }
        }
        out.truncate(size);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(xml: &str, chunk: usize) -> Vec<String> {
        let mut scanner = TagScanner::default();
        let mut seen = Vec::new();
        for part in xml.as_bytes().chunks(chunk) {
            scanner.feed(part, &mut |tag: &Tag| {
                seen.push(String::from_utf8_lossy(tag.local_name()).into_owned());
                Scan::Continue
            });
        }
        seen
    }

    /// Runs an `.ods` content part through [`OdsScan`].
    fn scan_ods(xml: &str) -> Result<HashMap<String, Vec<calamine::Dimensions>>, Refusal> {
        let mut scan = OdsScan::new(&Limits::default());
        let mut scanner = TagScanner::default();
        scanner.feed(xml.as_bytes(), &mut |tag: &Tag| scan.tag(tag));
        scan.finish()
    }

    #[test]
    fn an_ods_merge_is_recorded_where_its_cell_is_counting_repeats_and_only_when_it_holds_something(
    ) {
        let merges = scan_ods(concat!(
            r#"<table:table table:name="Evidence">"#,
            r#"<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>"#,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="2"/>"#,
            r#"<table:table-cell office:value-type="string" table:number-rows-spanned="2" table:number-columns-spanned="3"><text:p>IAM-1</text:p></table:table-cell>"#,
            r#"<table:table-cell table:number-rows-spanned="4"/></table:table-row>"#,
            r#"</table:table>"#,
        ))
        .unwrap();
        // Row 4 (0-based 3), column C (2): two rows down, three columns across; the empty
        // merged cell beside it is not recorded.
        let expected = calamine::Dimensions {
            start: (3, 2),
            end: (4, 4),
        };
        assert_eq!(merges.get("Evidence"), Some(&vec![expected]));
        // A span declared past the sheet's last row and column is cut there.
        let merges = scan_ods(concat!(
            r#"<table:table table:name="Evidence"><table:table-row>"#,
            r#"<table:table-cell office:value-type="string" table:number-rows-spanned="99999999999" table:number-columns-spanned="99999999999"><text:p>x</text:p></table:table-cell>"#,
            r#"</table:table-row></table:table>"#,
        ))
        .unwrap();
        let cut = calamine::Dimensions {
            start: (0, 0),
            end: (1_048_575, 16_383),
        };
        assert_eq!(merges.get("Evidence"), Some(&vec![cut]));
    }

    #[test]
    fn a_merged_row_repeated_past_the_cell_limit_is_refused_not_recorded_repeat_by_repeat() {
        let refused = scan_ods(concat!(
            r#"<table:table table:name="Evidence">"#,
            r#"<table:table-row table:number-rows-repeated="1000000000">"#,
            r#"<table:table-cell office:value-type="string" table:number-columns-spanned="2"><text:p>x</text:p></table:table-cell>"#,
            r#"</table:table-row></table:table>"#,
        ))
        .unwrap_err();
        assert_eq!(refused.sheet.as_deref(), Some("Evidence"));
        assert!(
            refused.problem.contains("over the limit"),
            "{}",
            refused.problem
        );
    }

    #[test]
    fn tags_are_found_across_chunk_boundaries_and_quoted_brackets() {
        let xml =
            r#"<?xml version="1.0"?><x:sst count="2"><si a="b>c"><t>1 &lt; 2</t></si></x:sst>"#;
        for chunk in [1, 3, 7, 1000] {
            assert_eq!(
                tags(xml, chunk),
                ["?xml", "sst", "si", "t", "t", "si", "sst"],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn an_apostrophe_in_a_comment_hides_no_tag() {
        let xml = "<sst><!-- the vendor's strings --><si/><si/></sst>";
        assert_eq!(tags(xml, 5), ["sst", "!--", "si", "si", "sst"]);
    }

    #[test]
    fn attributes_are_read_by_qualified_and_local_name() {
        let tag = Tag(br#"sheet name="Evidence" sheetId='3' r:id="rId3"/"#, b"");
        assert_eq!(tag.attribute(b"name").as_deref(), Some("Evidence"));
        assert_eq!(tag.attribute(b"sheetId").as_deref(), Some("3"));
        assert_eq!(tag.attribute_local(b"id").as_deref(), Some("rId3"));
        assert!(tag.is_empty_element() && tag.is_start());
    }

    #[test]
    fn declared_counts_too_large_for_64_bits_are_over_any_limit() {
        assert_eq!(declared_number("1000000000000"), Some(1_000_000_000_000));
        assert_eq!(declared_number("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(declared_number("-1"), None);
    }

    #[test]
    fn relationship_targets_resolve_against_the_workbook_folder() {
        assert_eq!(
            part_path("xl", "worksheets/Sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            part_path("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            part_path("xl", "./worksheets/../worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
    }
}
