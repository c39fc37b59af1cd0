//! CSV inputs, one file per sheet: decoding the bytes (UTF-8, UTF-16 with a byte-order
//! mark, or Windows-1252 as Excel on Windows saves it) and reading the records into a
//! table.

use super::table::CellSink;
use calamine::Data;

/// A CSV file's text. A UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark
/// (Excel's "Unicode Text") is decoded; anything else that is not UTF-8 is read as
/// Windows-1252, the encoding Excel on Windows saves "CSV" in, and the encoding is
/// returned so the caller can warn.
///
/// Takes the bytes so that UTF-8 text (the usual case) becomes the string without a copy.
pub(super) fn decode_text(bytes: Vec<u8>) -> (String, Option<&'static str>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), None);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes());
            (text.into_owned(), Some("Windows-1252"))
        }
    }
}

/// The character that separates a CSV file's fields: a comma, or what Excel writes where
/// the comma is the decimal mark (a semicolon), what it writes as "Unicode Text" (a tab),
/// or a pipe. Told by which of them splits the top rows into headers demarc knows
/// (`control_id;service;…` is one unknown header read with commas, eight known ones with
/// semicolons); a comma when none does.
pub(super) fn delimiter(text: &str) -> u8 {
    // The top rows are enough to hold the header (a banner may sit above it); at most the
    // first 256 KiB of them, whatever a hostile file puts on its first line.
    let mut cut = text.len().min(256 << 10);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let top: String = text[..cut]
        .lines()
        .take(super::columns::HEADER_SEARCH_ROWS)
        .collect::<Vec<_>>()
        .join("\n");
    let known = |delimiter: u8| {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(top.as_bytes());
        reader
            .records()
            .map_while(Result::ok)
            .take(super::columns::HEADER_SEARCH_ROWS)
            .map(|record| {
                // A header is within its first few hundred columns.
                record
                    .iter()
                    .take(512)
                    .filter(|field| !field.trim().is_empty())
                    .filter(|field| super::columns::names_a_column(field))
                    .count()
            })
            .max()
            .unwrap_or(0)
    };
    let mut best = (b',', known(b','));
    for candidate in [b';', b'\t', b'|'] {
        let count = known(candidate);
        if count > best.1 {
            best = (candidate, count);
        }
    }
    best.0
}

/// Reads CSV text into the builder (row 1 is the first record; quoted fields may hold
/// line breaks), its fields separated by `delimiter`. `sheet` is the name the file's table
/// goes by (its file name's stem), for the cell an error names.
pub(super) fn read_csv(
    text: &str,
    delimiter: u8,
    sheet: &str,
    builder: &mut impl CellSink,
) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    let mut widest = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                widest = widest.max(record.len());
                if let Some(col) = record
                    .iter()
                    .position(|field| swallows_rows(field, delimiter, widest))
                {
                    return Err(format!(
                        "{sheet}!{}{}: a quote opens this cell and is not closed where the cell ends, so the rows after it were read into the cell; close the quote, or remove it",
                        super::table::column_letters(u32::try_from(col).unwrap_or(u32::MAX)),
                        row + 1
                    ));
                }
                for (col, field) in record.iter().enumerate() {
                    let col = u32::try_from(col).unwrap_or(u32::MAX);
                    if !builder.push(row, col, Data::String(field.to_string())) {
                        return Ok(());
                    }
                }
                row = row.saturating_add(1);
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(format!("line {line}: cannot read the CSV: {e}"));
            }
        }
    }
}

/// Whether a quoted field holds whole rows of the file: a line after its first with about as
/// many separators as the widest record so far has (all but one, and at least two: a row
/// may leave its last cells off). A note written over several
/// lines has none of those; a quote left open (`"see ticket 123`) reads on, row after row,
/// until some later quote closes it, and without this those rows would vanish into one
/// cell.
fn swallows_rows(field: &str, delimiter: u8, widest: usize) -> bool {
    widest >= 3
        && field.contains('\n')
        && field.lines().skip(1).any(|line| {
            let separators = line.bytes().filter(|&b| b == delimiter).count();
            separators >= 2 && separators + 2 >= widest
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_that_splits_out_known_headers() {
        assert_eq!(
            delimiter("control_id,service,collected_on\nIAM-1,Okta,2026-09-30\n"),
            b','
        );
        assert_eq!(
            delimiter("Register;;\ncontrol_id;service;collected_on\nIAM-1;Okta, Inc.;30.09.2026\n"),
            b';'
        );
        assert_eq!(delimiter("control_id\tservice\tcollected_on\n"), b'\t');
        // Nothing known: a comma, as before.
        assert_eq!(delimiter("a;b;c\n1;2;3\n"), b',');
    }

    #[test]
    fn a_quote_left_open_is_an_error_not_rows_read_into_one_cell() {
        struct Count(usize);
        impl CellSink for Count {
            fn push(&mut self, _: u32, _: u32, _: Data) -> bool {
                self.0 += 1;
                true
            }
        }
        let read = |text: &str| {
            let mut cells = Count(0);
            read_csv(text, b';', "evidence", &mut cells).map(|_| cells.0)
        };
        // A note over two lines is one cell.
        assert_eq!(
            read("id;date;note\nA-1;2026-09-01;\"first line\nsecond line\"\n"),
            Ok(6)
        );
        let open = "id;date;note\nA-1;2026-09-01;\"see ticket 123\nA-2;2026-09-02;ok\nA-3;2026-09-03;\"quoted\"\n";
        assert_eq!(
            read(open),
            Err("evidence!C2: a quote opens this cell and is not closed where the cell ends, so the rows after it were read into the cell; close the quote, or remove it".to_string())
        );
    }

    #[test]
    fn csv_text_is_utf8_without_its_bom_or_windows_1252() {
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFid\n".to_vec()),
            ("id\n".to_string(), None)
        );
        assert_eq!(
            decode_text(b"\xFF\xFEi\x00d\x00".to_vec()),
            ("id".to_string(), None)
        );
        assert_eq!(
            decode_text(b"M\xFCller \x80".to_vec()),
            ("Müller €".to_string(), Some("Windows-1252"))
        );
    }
}
