//! A legacy `.xls` written by hand: BIFF8 records in an OLE compound file, for the
//! tests of hostile `.xls` input (no library writes `.xls`).

/// A BIFF record.
pub fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
    out
}

fn bof(kind: u16) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend(0x0600u16.to_le_bytes()); // BIFF8
    data.extend(kind.to_le_bytes());
    data.extend(0x0DBBu16.to_le_bytes());
    data.extend(0x07CCu16.to_le_bytes());
    data.extend(0u32.to_le_bytes());
    data.extend(0x0006u32.to_le_bytes());
    record(0x0809, &data)
}

/// DIMENSIONS: first row, row after the last, first column, column after the last.
pub fn dimensions(first_row: u32, end_row: u32, first_col: u16, end_col: u16) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend(first_row.to_le_bytes());
    data.extend(end_row.to_le_bytes());
    data.extend(first_col.to_le_bytes());
    data.extend(end_col.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    record(0x0200, &data)
}

/// A text cell (LABEL, one byte per character).
pub fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend(row.to_le_bytes());
    data.extend(col.to_le_bytes());
    data.extend(0x000Fu16.to_le_bytes()); // the default cell format
    data.extend((text.len() as u16).to_le_bytes());
    data.push(0);
    data.extend(text.as_bytes());
    record(0x0204, &data)
}

/// A number cell.
pub fn number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend(row.to_le_bytes());
    data.extend(col.to_le_bytes());
    data.extend(0x000Fu16.to_le_bytes());
    data.extend(value.to_le_bytes());
    record(0x0203, &data)
}

/// A sheet of text rows, with a DIMENSIONS record that tells the truth.
pub fn text_sheet(rows: &[&[&str]]) -> Vec<u8> {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut records = vec![dimensions(0, rows.len() as u32, 0, width as u16)];
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            records.push(label(r as u16, c as u16, text));
        }
    }
    records.concat()
}

/// A workbook of (sheet name, the sheet's records between its BOF and EOF). `place`
/// may point two sheets at one offset.
pub fn workbook(sheets: &[(&str, Vec<u8>)], place: impl Fn(usize, &[u32]) -> u32) -> Vec<u8> {
    let bound = |offset: u32, name: &str| {
        let mut data = offset.to_le_bytes().to_vec();
        data.extend([0, 0, name.len() as u8, 0]);
        data.extend(name.as_bytes());
        record(0x0085, &data)
    };
    let globals_len = bof(0x0005).len()
        + sheets.iter().map(|(n, _)| bound(0, n).len()).sum::<usize>()
        + record(0x000A, &[]).len();
    let mut offsets = Vec::new();
    let mut at = globals_len;
    for (_, records) in sheets {
        offsets.push(at as u32);
        at += bof(0x0010).len() + records.len() + record(0x000A, &[]).len();
    }
    let mut stream = bof(0x0005);
    for (i, (name, _)) in sheets.iter().enumerate() {
        stream.extend(bound(place(i, &offsets), name));
    }
    stream.extend(record(0x000A, &[]));
    for (_, records) in sheets {
        stream.extend(bof(0x0010));
        stream.extend(records);
        stream.extend(record(0x000A, &[]));
    }
    compound_file(&stream)
}

/// An OLE compound file (version 3, 512-byte sectors) holding one `Workbook` stream,
/// padded to 4096 bytes so it lives in ordinary sectors.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut stream = stream.to_vec();
    stream.resize(stream.len().max(4096).div_ceil(512) * 512, 0);
    let size = stream.len() as u32;
    let sectors = stream.len() / 512;
    assert!(sectors + 2 <= 128, "one FAT sector holds 128 entries");
    let mut header = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    header.extend([0u8; 16]);
    header.extend(0x003Eu16.to_le_bytes());
    header.extend(3u16.to_le_bytes());
    header.extend(0xFFFEu16.to_le_bytes());
    header.extend(9u16.to_le_bytes());
    header.extend(6u16.to_le_bytes());
    header.extend([0u8; 6]);
    header.extend(0u32.to_le_bytes()); // directory sectors (version 3: 0)
    header.extend(1u32.to_le_bytes()); // FAT sectors
    header.extend(1u32.to_le_bytes()); // first directory sector
    header.extend(0u32.to_le_bytes());
    header.extend(4096u32.to_le_bytes());
    header.extend(END.to_le_bytes()); // first mini FAT sector
    header.extend(0u32.to_le_bytes());
    header.extend(END.to_le_bytes()); // first DIFAT sector
    header.extend(0u32.to_le_bytes());
    header.extend(0u32.to_le_bytes()); // the FAT is sector 0
    for _ in 1..109 {
        header.extend(FREE.to_le_bytes());
    }
    assert_eq!(header.len(), 512);
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for i in 0..sectors {
        fat.push(if i + 1 == sectors {
            END
        } else {
            (i + 3) as u32
        });
    }
    fat.resize(128, FREE);
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect();
        e[..units.len()].copy_from_slice(&units);
        e[0x40..0x42].copy_from_slice(&(units.len() as u16).to_le_bytes());
        e[0x42] = kind;
        e[0x43] = 1;
        e[0x44..0x48].copy_from_slice(&FREE.to_le_bytes());
        e[0x48..0x4C].copy_from_slice(&FREE.to_le_bytes());
        e[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
        e[0x74..0x78].copy_from_slice(&start.to_le_bytes());
        e[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut empty = vec![0u8; 128];
    for at in [0x44, 0x48, 0x4C] {
        empty[at..at + 4].copy_from_slice(&FREE.to_le_bytes());
    }
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, 2, size));
    out.extend(&empty);
    out.extend(&empty);
    out.extend(stream);
    out
}
