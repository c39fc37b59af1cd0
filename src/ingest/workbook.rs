//! Opening a workbook, whatever its format: what the file really is is decided by its
//! first bytes, not its name (a CSV or an HTML page saved as `.xlsx`, a password-protected
//! workbook), and each format's calamine reader is behind one [`Workbook`].

use super::table::CellSink;
use calamine::Data;
use std::fmt;
use std::io::Cursor;

/// What a workbook file really is, from its first bytes (its name can lie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl Format {
    pub(super) fn is_zip(self) -> bool {
        self != Format::Xls
    }

    /// Whether the format records merged regions that calamine reads (apart from the
    /// cells): a header may rely on them.
    pub(super) fn keeps_merged_cells(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods)
    }
}

/// Decides how to open a workbook from its content, or says what the file really is: a
/// password-protected workbook (an encrypted OOXML file is an OLE compound file holding an
/// `EncryptedPackage` stream, not a zip), a CSV or an HTML page saved under a workbook's
/// name, or nothing at all.
pub(super) fn sniff(ext: &str, bytes: &[u8]) -> Result<Format, String> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(match ext {
            "ods" => Format::Ods,
            "xlsb" => Format::Xlsb,
            _ if zip_holds_ods(bytes) => Format::Ods,
            _ => Format::Xlsx,
        });
    }
    if bytes.starts_with(OLE) {
        if is_encrypted_ooxml(bytes) {
            return Err(PASSWORD_PROTECTED.into());
        }
        // A legacy .xls, whatever its name says.
        return Ok(Format::Xls);
    }
    if bytes.is_empty() {
        return Err("the file is empty: expected a spreadsheet".into());
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let what = if head.contains("<html") || head.contains("<!doctype") || head.contains("<table") {
        "an HTML page"
    } else if head.contains(',') || head.contains(';') || head.contains('\t') {
        "plain text (CSV?)"
    } else if bytes.starts_with(b"PK") {
        "a damaged or truncated zip (a workbook cut short?)"
    } else {
        "something else"
    };
    Err(format!(
        "not a .{ext} workbook: the file is {what}; save it as a real spreadsheet, or rename a CSV to .csv"
    ))
}

const PASSWORD_PROTECTED: &str = "the workbook is password-protected: demarc cannot read it; remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again";

/// Whether an OLE compound file is an encrypted OOXML package: its directory names the
/// `EncryptedPackage` stream (names are stored as UTF-16LE).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// Whether a zip is an OpenDocument spreadsheet (its first entry is a `mimetype` file).
fn zip_holds_ods(bytes: &[u8]) -> bool {
    const MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    let head = &bytes[..bytes.len().min(128)];
    head.windows(MIME.len()).any(|w| w == MIME)
}

/// An open workbook of any format demarc reads.
pub(super) enum Workbook {
    Xlsx(calamine::Xlsx<Cursor<std::sync::Arc<[u8]>>>),
    Xlsb(calamine::Xlsb<Cursor<std::sync::Arc<[u8]>>>),
    /// With its merged cells by sheet, which calamine does not read (see
    /// [`Workbook::set_ods_merges`]).
    Ods(
        calamine::Ods<Cursor<std::sync::Arc<[u8]>>>,
        std::collections::HashMap<String, Vec<calamine::Dimensions>>,
    ),
    Xls(calamine::Xls<Cursor<std::sync::Arc<[u8]>>>),
}

impl Workbook {
    pub(super) fn open(format: Format, bytes: std::sync::Arc<[u8]>) -> Result<Workbook, String> {
        use calamine::{open_workbook_from_rs, OdsError, XlsError, XlsbError, XlsxError};
        let cursor = Cursor::new(bytes);
        let damaged = |e: &dyn fmt::Display| {
            format!(
                "cannot open the workbook: it is damaged or not really a workbook ({e}); open it in Excel and save it again, or export the sheets as CSV"
            )
        };
        match format {
            Format::Xlsx => {
                open_workbook_from_rs(cursor)
                    .map(Workbook::Xlsx)
                    .map_err(|e| match e {
                        XlsxError::Password => PASSWORD_PROTECTED.to_string(),
                        e => damaged(&e),
                    })
            }
            Format::Xlsb => {
                open_workbook_from_rs(cursor)
                    .map(Workbook::Xlsb)
                    .map_err(|e| match e {
                        XlsbError::Password => PASSWORD_PROTECTED.to_string(),
                        e => damaged(&e),
                    })
            }
            Format::Ods => open_workbook_from_rs(cursor)
                .map(|ods| Workbook::Ods(ods, Default::default()))
                .map_err(|e| match e {
                    OdsError::Password => PASSWORD_PROTECTED.to_string(),
                    e => damaged(&e),
                }),
            Format::Xls => open_workbook_from_rs(cursor)
                .map(Workbook::Xls)
                .map_err(|e| match e {
                    XlsError::Password => PASSWORD_PROTECTED.to_string(),
                    e => damaged(&e),
                }),
        }
    }

    pub(super) fn sheet_names(&self) -> Vec<String> {
        use calamine::Reader;
        match self {
            Workbook::Xlsx(wb) => wb.sheet_names(),
            Workbook::Xlsb(wb) => wb.sheet_names(),
            Workbook::Ods(wb, _) => wb.sheet_names(),
            Workbook::Xls(wb) => wb.sheet_names(),
        }
    }

    /// Streams a sheet's cells into the builder. `.xlsx` and `.xlsb` are read cell by cell
    /// (calamine's dense range would allocate rows × columns, so one stray far-away cell
    /// could cost gigabytes); `.ods` and `.xls` come as calamine's range, which bounds
    /// itself.
    pub(super) fn read_cells(
        &mut self,
        name: &str,
        builder: &mut impl CellSink,
    ) -> Result<(), String> {
        use calamine::Reader;
        match self {
            Workbook::Xlsx(wb) => {
                let mut reader = match wb.worksheet_cells_reader(name) {
                    Ok(reader) => reader,
                    // A chart sheet or dialog sheet holds no cells.
                    Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(()),
                    Err(e) => return Err(e.to_string()),
                };
                // Formulas are read with the values (in the same pass) only to tell a formula
                // nobody computed from a blank cell: a workbook written by a script holds the
                // formula without its value, and Excel computes it on opening, demarc can't.
                while let Some(cell) = reader
                    .next_cell_with_formula_metadata()
                    .map_err(|e| e.to_string())?
                {
                    let (row, col) = cell.pos;
                    let data = match (&cell.value, &cell.formula) {
                        (calamine::DataRef::Empty, Some(_)) => super::table::uncomputed_formula(),
                        (value, _) => Data::from(value.clone()),
                    };
                    if !builder.push(row, col, data) {
                        break;
                    }
                }
                Ok(())
            }
            Workbook::Xlsb(wb) => {
                let mut reader = wb.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
                while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
                    let (row, col) = cell.get_position();
                    if !builder.push(row, col, Data::from(cell.get_value().clone())) {
                        break;
                    }
                }
                Ok(())
            }
            Workbook::Ods(wb, _) => {
                let range = wb.worksheet_range(name).map_err(|e| e.to_string())?;
                push_range(&range, builder);
                Ok(())
            }
            Workbook::Xls(wb) => {
                let range = wb.worksheet_range(name).map_err(|e| e.to_string())?;
                push_range(&range, builder);
                Ok(())
            }
        }
    }

    /// The merged regions of a sheet, where the format records them.
    pub(super) fn merged_cells(&mut self, name: &str) -> Vec<calamine::Dimensions> {
        match self {
            Workbook::Xlsx(wb) => wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Workbook::Xls(wb) => wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Workbook::Ods(_, merges) => merges.get(name).cloned().unwrap_or_default(),
            Workbook::Xlsb(_) => Vec::new(),
        }
    }

    /// Gives an `.ods` the merged cells the precheck found in its content (calamine 0.38
    /// reads an `.ods`'s values but not its merges); other formats read their own.
    pub(super) fn set_ods_merges(
        &mut self,
        found: std::collections::HashMap<String, Vec<calamine::Dimensions>>,
    ) {
        if let Workbook::Ods(_, merges) = self {
            *merges = found;
        }
    }
}

fn push_range(range: &calamine::Range<Data>, builder: &mut impl CellSink) {
    let (top, left) = range.start().unwrap_or((0, 0));
    for (r, c, data) in range.used_cells() {
        if !builder.push(top + r as u32, left + c as u32, data.clone()) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbooks_are_opened_by_what_they_are_not_what_they_are_called() {
        assert_eq!(sniff("xls", b"PK\x03\x04rest"), Ok(Format::Xlsx));
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        assert_eq!(sniff("xlsx", &ole), Ok(Format::Xls));
        ole.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(sniff("xlsx", &ole), Err(PASSWORD_PROTECTED.to_string()));
        assert!(sniff("xlsx", b"PK\x01\x02")
            .unwrap_err()
            .contains("truncated zip"));
    }
}
