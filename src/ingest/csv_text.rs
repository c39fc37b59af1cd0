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

/// Reads CSV text into the builder (row 1 is the first record; quoted fields may hold
/// line breaks).
pub(super) fn read_csv(text: &str, builder: &mut impl CellSink) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
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

#[cfg(test)]
mod tests {
    use super::*;

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
