//! What one input may cost before demarc refuses it: the file's size, what a zip-based
//! workbook unpacks to (checked from the zip's central directory *before* anything is
//! inflated, so a decompression bomb is refused by arithmetic, not by running out of
//! memory), the rows of a sheet and the characters of a cell.
//!
//! Every limit can be raised in `demarc.toml`'s `[limits]` table; every refusal says which
//! key raises it. This module does not read cells: the per-sheet and per-cell limits are
//! applied where tables are built (`table.rs`).

use super::table::{column_letters, LimitProblem};
use serde::Deserialize;

const MIB: u64 = 1024 * 1024;

/// The limits in force for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub file_bytes: u64,
    /// Largest total a zip-based workbook (.xlsx .xlsm .xlsb .ods) may unpack to, in bytes.
    pub unzipped_bytes: u64,
    /// Most files inside a zip-based workbook (a real workbook holds a few dozen).
    pub zip_entries: u64,
    /// Most rows in one sheet (counting from row 1, as the spreadsheet shows them).
    pub rows: u64,
    /// Most characters in one cell (Excel's own limit is 32,767).
    pub cell_chars: u64,
    /// Most columns one row may reach (Excel's own limit is 16,384, column XFD).
    pub columns: u64,
    /// Most cells in the rectangle a `.xls` or `.ods` sheet spans, counting repeats:
    /// calamine reads those formats into a dense grid of that many cells.
    pub cells: u64,
    /// Most sheets in one workbook.
    pub sheets: u64,
    /// Most shared strings an `.xlsx` may declare or hold (calamine reserves room for the
    /// declared count before reading one).
    pub shared_strings: u64,
    /// Most entries (XML elements) in an `.xlsx` styles part: calamine keeps each one.
    pub styles: u64,
    /// Most entries (JSON objects) in a bundle's manifest that `verify` parses.
    pub manifest_entries: u64,
    /// Most memory parsing one workbook may take, in bytes, whatever the pre-checks let
    /// through (`memory_guard.rs`).
    pub memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 512 * MIB,
            unzipped_bytes: 1024 * MIB,
            zip_entries: 10_000,
            rows: 2_000_000,
            cell_chars: 32_767,
            columns: 16_384,
            cells: 10_000_000,
            sheets: 1_000,
            shared_strings: 10_000_000,
            styles: 1_000_000,
            manifest_entries: 1_000_000,
            memory_bytes: 4096 * MIB,
        }
    }
}

/// `[limits]` in `demarc.toml` as written: any key left out keeps its default.
///
/// ```toml
/// [limits]
/// file_mb = 512        # largest input file
/// unzipped_mb = 1024   # largest total a .xlsx/.xlsm/.xlsb/.ods may unpack to
/// zip_entries = 10000  # most files inside such a workbook
/// rows = 2000000       # most rows in one sheet
/// cell_chars = 32767   # most characters in one cell
/// columns = 16384      # most columns one row may reach
/// cells = 10000000     # most cells a .xls/.ods sheet spans, counting repeats
/// sheets = 1000        # most sheets in one workbook
/// shared_strings = 10000000  # most shared strings in a .xlsx
/// styles = 1000000     # most entries in a .xlsx styles part
/// manifest_entries = 1000000 # most entries in a bundle's manifest (verify)
/// memory_mb = 4096     # most memory parsing one workbook may take
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub file_mb: Option<u64>,
    pub unzipped_mb: Option<u64>,
    pub zip_entries: Option<u64>,
    pub rows: Option<u64>,
    pub cell_chars: Option<u64>,
    pub columns: Option<u64>,
    pub cells: Option<u64>,
    pub sheets: Option<u64>,
    pub shared_strings: Option<u64>,
    pub styles: Option<u64>,
    pub manifest_entries: Option<u64>,
    pub memory_mb: Option<u64>,
}

impl From<RawLimits> for Limits {
    fn from(raw: RawLimits) -> Limits {
        let default = Limits::default();
        Limits {
            file_bytes: raw
                .file_mb
                .map_or(default.file_bytes, |mb| mb.saturating_mul(MIB)),
            unzipped_bytes: raw
                .unzipped_mb
                .map_or(default.unzipped_bytes, |mb| mb.saturating_mul(MIB)),
            zip_entries: raw.zip_entries.unwrap_or(default.zip_entries),
            rows: raw.rows.unwrap_or(default.rows),
            cell_chars: raw.cell_chars.unwrap_or(default.cell_chars),
            columns: raw.columns.unwrap_or(default.columns),
            cells: raw.cells.unwrap_or(default.cells),
            sheets: raw.sheets.unwrap_or(default.sheets),
            shared_strings: raw.shared_strings.unwrap_or(default.shared_strings),
            styles: raw.styles.unwrap_or(default.styles),
            manifest_entries: raw.manifest_entries.unwrap_or(default.manifest_entries),
            memory_bytes: raw
                .memory_mb
                .map_or(default.memory_bytes, |mb| mb.saturating_mul(MIB)),
        }
    }
}

/// How a refusal tells the user to raise a limit.
pub fn raise(key: &str) -> String {
    format!("raise [limits] {key} in demarc.toml")
}

/// Sizes in messages: whole MB when at least 1 MB (rounded up, so a file just over a
/// limit never reads as equal to it), bytes below that.
pub(crate) fn size(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{} MB", bytes.div_ceil(MIB))
    } else {
        format!("{bytes} bytes")
    }
}

/// How a limit is quoted: in MB when it is a whole number of them.
fn limit_size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses a CSV text with a record of more fields than `columns`, by counting separators
/// outside quotes (a doubled quote inside a quoted field toggles twice, so it counts
/// right). Records are numbered as the csv reader numbers them: a quoted line break stays
/// in its field, and empty lines are skipped.
pub(crate) fn check_csv_fields(
    text: &str,
    delimiter: u8,
    limits: &Limits,
) -> Result<(), LimitProblem> {
    let mut in_quotes = false;
    let mut record: u64 = 0;
    let mut fields: u64 = 1;
    let mut line_empty = true;
    for &b in text.as_bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b if b == delimiter && !in_quotes => fields += 1,
            b'\n' if !in_quotes => {
                if !line_empty {
                    record += 1;
                }
                fields = 1;
                line_empty = true;
                continue;
            }
            b'\r' if !in_quotes => continue,
            _ => {}
        }
        line_empty = false;
        if fields > limits.columns {
            let column = u32::try_from(limits.columns).unwrap_or(u32::MAX - 1);
            return Err(LimitProblem {
                location: format!("{}{}", column_letters(column), record + 1),
                problem: format!(
                    "the row goes on past column {}, the most demarc reads ({})",
                    limits.columns,
                    raise("columns")
                ),
            });
        }
    }
    Ok(())
}

/// Refuses a file larger than the limit.
pub(crate) fn check_file_size(len: u64, limits: &Limits) -> Result<(), String> {
    if len > limits.file_bytes {
        return Err(format!(
            "the file is {}; demarc reads inputs up to {} ({})",
            size(len),
            limit_size(limits.file_bytes),
            raise("file_mb")
        ));
    }
    Ok(())
}

/// Checks a zip-based workbook from its central directory, inflating nothing: the number
/// of entries and the total size they declare. The `zip` crate (which calamine uses)
/// stops any entry that inflates past its declared size, so the declared total bounds
/// what reading the workbook can unpack.
pub(crate) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    // The end-of-central-directory record states the entry count; check it before the
    // zip crate builds a table of that many entries.
    if let Some(declared) = declared_entry_count(bytes) {
        if declared > limits.zip_entries {
            return Err(too_many_entries(declared, limits));
        }
    }
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        format!(
            "the workbook is damaged or truncated (its zip directory cannot be read: {e}); open it in Excel and save it again, or export the sheets as CSV"
        )
    })?;
    // Two entries of one name: a reader takes one and silently ignores the other, so what
    // demarc reads need not be what Excel shows.
    if archive.has_duplicate_names() {
        let name = duplicate_entry_name(bytes).unwrap_or_else(|| "(unknown)".into());
        return Err(format!(
            "the workbook holds two parts named {name}: one would be read and the other silently ignored (the file is malformed or tampered with; save it again from Excel)"
        ));
    }
    let entries = archive.len() as u64;
    if entries > limits.zip_entries {
        return Err(too_many_entries(entries, limits));
    }
    let metadata = archive.metadata();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = metadata
            .entry(index)
            .map_err(|e| format!("the workbook is damaged (zip entry {index}: {e})"))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.unzipped_bytes {
        return Err(format!(
            "the workbook would unpack to {}, over the limit of {} (a decompression bomb, or a very large workbook: {})",
            size(total),
            limit_size(limits.unzipped_bytes),
            raise("unzipped_mb")
        ));
    }
    Ok(())
}

fn too_many_entries(entries: u64, limits: &Limits) -> String {
    format!(
        "the workbook holds {entries} files inside it, over the limit of {} (a real workbook holds a few dozen: {})",
        limits.zip_entries,
        raise("zip_entries")
    )
}

/// The first name that two central-directory entries share, read from the directory
/// itself (the zip crate keeps one entry per name, so it cannot say which).
fn duplicate_entry_name(bytes: &[u8]) -> Option<String> {
    const EOCD_LEN: usize = 22;
    let search_from = bytes.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let at = (search_from..=bytes.len().checked_sub(EOCD_LEN)?)
        .rev()
        .find(|&i| &bytes[i..i + 4] == b"PK\x05\x06")?;
    let u32_at = |i: usize| -> Option<u32> {
        Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?))
    };
    let u16_at = |i: usize| -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            bytes.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    let mut offset = u32_at(at + 16)? as usize;
    let mut seen = std::collections::HashSet::new();
    while bytes.get(offset..offset + 4)? == b"PK\x01\x02" {
        let name_len = u16_at(offset + 28)?;
        let extra = u16_at(offset + 30)?;
        let comment = u16_at(offset + 32)?;
        let name = bytes.get(offset + 46..offset + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        offset += 46 + name_len + extra + comment;
    }
    None
}

/// The entry count declared by the end-of-central-directory record (or its zip64 form),
/// when the record can be found.
fn declared_entry_count(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    if bytes.len() < EOCD_LEN {
        return None;
    }
    // The record is at most 22 bytes plus a 65,535-byte comment from the end.
    let search_from = bytes.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let at = (search_from..=bytes.len() - EOCD_LEN)
        .rev()
        .find(|&i| &bytes[i..i + 4] == EOCD)?;
    let count = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
    if count != u16::MAX {
        return Some(u64::from(count));
    }
    // Zip64: a 20-byte locator sits just before the record and points at the zip64 record,
    // whose entry count is at offset 32.
    let locator = at.checked_sub(20)?;
    if &bytes[locator..locator + 4] != b"PK\x06\x07" {
        return Some(u64::from(count));
    }
    let offset = u64::from_le_bytes(bytes[locator + 8..locator + 16].try_into().ok()?);
    let offset = usize::try_from(offset).ok()?;
    let record = bytes.get(offset..offset.checked_add(40)?)?;
    if &record[..4] != b"PK\x06\x06" {
        return None;
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        for (name, data) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn raw_limits_keep_defaults_for_missing_keys() {
        let limits = Limits::from(RawLimits {
            unzipped_mb: Some(2),
            rows: Some(10),
            ..RawLimits::default()
        });
        assert_eq!(limits.unzipped_bytes, 2 * MIB);
        assert_eq!(limits.rows, 10);
        assert_eq!(limits.file_bytes, Limits::default().file_bytes);
    }

    #[test]
    fn a_zip_declaring_more_than_the_limit_is_refused_before_inflating() {
        let zeros = vec![0u8; 3 * MIB as usize];
        let bytes = zip_of(&[("xl/worksheets/sheet1.xml", &zeros)]);
        assert!(bytes.len() < 100_000, "compressed to {}", bytes.len());
        let limits = Limits {
            unzipped_bytes: 2 * MIB,
            ..Limits::default()
        };
        let err = check_zip(&bytes, &limits).unwrap_err();
        assert!(
            err.contains("unpack to 3 MB, over the limit of 2 MB"),
            "{err}"
        );
        assert!(err.contains("raise [limits] unzipped_mb"), "{err}");
        assert!(check_zip(&bytes, &Limits::default()).is_ok());
    }

    #[test]
    fn entry_counts_are_read_from_the_directory_record() {
        let bytes = zip_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        assert_eq!(declared_entry_count(&bytes), Some(3));
        let limits = Limits {
            zip_entries: 2,
            ..Limits::default()
        };
        let err = check_zip(&bytes, &limits).unwrap_err();
        assert!(err.contains("holds 3 files"), "{err}");
    }

    #[test]
    fn csv_fields_are_counted_outside_quotes_and_rows_as_the_reader_numbers_them() {
        let limits = Limits {
            columns: 3,
            ..Limits::default()
        };
        // Quoted commas and line breaks are inside a field; empty lines are no record.
        let ok = "a,b,c\n\n\"x,y\",\"two\nlines\",\"say \"\"hi,\"\"\"\r\n";
        assert!(check_csv_fields(ok, b',', &limits).is_ok());
        let err = check_csv_fields("a,b,c\n\n\"x\ny\",b,c,d\n", b',', &limits).unwrap_err();
        assert_eq!(err.location, "D2");
        assert_eq!(
            err.problem,
            "the row goes on past column 3, the most demarc reads (raise [limits] columns in demarc.toml)"
        );
    }

    #[test]
    fn sizes_round_up_so_over_never_reads_as_equal() {
        assert_eq!(size(MIB + 1), "2 MB");
        assert_eq!(size(10), "10 bytes");
        assert_eq!(limit_size(512 * MIB), "512 MB");
    }
}
