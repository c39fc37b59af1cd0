//! Writes the hostile files of issue 15 at full size, for `benches/hostile.sh` to run
//! demarc on under a memory cap: small files that declare enormous allocations.
//!
//! ```sh
//! cargo run --example hostile -- target/hostile-data
//! ```
//!
//! The tests (`tests/it/bad.rs`) build the same shapes at a size that runs in milliseconds;
//! these are the sizes reported in the issue. Repetitive parts are written as hand-made
//! deflate streams (a few literals, then back-references), so a 275 MB part costs a few
//! hundred kilobytes and no compression time.

use rust_xlsxwriter::Workbook;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or("target/hostile-data".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    let company = out.join("company.xlsx");
    write_company(&company);

    // uniqueCount of 1e12 and 1e18 in xl/sharedStrings.xml.
    for (name, count) in [
        ("unique-count-1e12.xlsx", "1000000000000"),
        ("unique-count-1e18.xlsx", "1000000000000000000"),
    ] {
        patch(&company, &out.join(name), |part, bytes| {
            (part == "xl/sharedStrings.xml").then(|| {
                let xml = String::from_utf8(bytes.to_vec()).unwrap();
                let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
                let end = at + xml[at..].find('"').unwrap();
                Part::Stored(format!("{}{count}{}", &xml[..at], &xml[end..]).into_bytes())
            })
        });
    }

    // 45 million <xf/> in xl/styles.xml; 55 million <si/> in xl/sharedStrings.xml.
    patch(&company, &out.join("styles-45m.xlsx"), |part, bytes| {
        (part == "xl/styles.xml").then(|| {
            let xml = String::from_utf8(bytes.to_vec()).unwrap();
            let at = xml.find("<cellXfs").unwrap();
            let at = at + xml[at..].find('>').unwrap() + 1;
            Part::Repeated {
                prefix: xml.as_bytes()[..at].to_vec(),
                unit: b"<xf/>".to_vec(),
                count: 45_000_000,
                suffix: xml.as_bytes()[at..].to_vec(),
            }
        })
    });
    patch(&company, &out.join("shared-strings-55m.xlsx"), |part, _| {
        (part == "xl/sharedStrings.xml").then(|| Part::Repeated {
            prefix: b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">".to_vec(),
            unit: b"<si/>".to_vec(),
            count: 55_000_000,
            suffix: b"</sst>".to_vec(),
        })
    });

    // A vendor workbook of 2000 sheet entries all naming one 5 MB worksheet.
    let big = out.join("big-sheet.xlsx");
    {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Data").unwrap();
        for row in 0..100_000u32 {
            sheet.write_number(row, 0, f64::from(row)).unwrap();
        }
        workbook.save(&big).unwrap();
    }
    patch(&big, &out.join("aliased-sheets.xlsx"), |part, bytes| {
        (part == "xl/workbook.xml").then(|| {
            let xml = String::from_utf8(bytes.to_vec()).unwrap();
            let start = xml.find("<sheets>").unwrap() + "<sheets>".len();
            let end = xml.find("</sheets>").unwrap();
            let sheets: String = (1..=2000)
                .map(|i| format!("<sheet name=\"Copy {i}\" sheetId=\"{i}\" r:id=\"rId1\"/>"))
                .collect();
            Part::Stored(format!("{}{sheets}{}", &xml[..start], &xml[end..]).into_bytes())
        })
    });

    // .xls: a DIMENSIONS record claiming 1048576 × 16384; one cell at column 0xFFFF.
    std::fs::write(
        out.join("dimensions.xls"),
        xls::workbook(
            &[("Evidence", {
                let mut r = xls::dimensions(0, 1_048_576, 0, 16_384);
                r.extend(xls::number(0, 0, 1.0));
                r
            })],
            |i, offsets| offsets[i],
        ),
    )
    .unwrap();
    std::fs::write(
        out.join("column-ffff.xls"),
        xls::workbook(
            &[("Evidence", {
                let mut r = xls::dimensions(0, 2, 0, 1);
                r.extend(xls::number(0, 0, 1.0));
                r.extend(xls::number(1, 0xFFFF, 1.0));
                r
            })],
            |i, offsets| offsets[i],
        ),
    )
    .unwrap();

    // .ods: one float cell, 16384 columns across and 6000 rows down.
    write_ods(
        &out.join("repeats.ods"),
        "<table:table-row table:number-rows-repeated=\"6000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
    );

    // CSV: a header, then one row of 50 million fields (100 MB).
    {
        let dir = out.join("csv");
        std::fs::create_dir_all(&dir).unwrap();
        let mut file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("evidence.csv")).unwrap());
        file.write_all(b"control_id,service,evidence,collected_on,result\n")
            .unwrap();
        for _ in 0..50_000_000u32 / 1000 {
            file.write_all(&b"x,".repeat(1000)).unwrap();
        }
        file.write_all(b"x\n").unwrap();
    }

    // verify: a bundle whose manifest lists 6 million minimal entries.
    {
        let mut manifest =
            b"{\"format\":\"demarc-evidence-bundle\",\"format_version\":1,\"files\":[".to_vec();
        manifest.extend(b"{},".repeat(6_000_000 - 1));
        manifest.extend(b"{}]}");
        let mut writer =
            zip::ZipWriter::new(std::fs::File::create(out.join("manifest-6m.zip")).unwrap());
        writer
            .start_file("manifest.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&manifest).unwrap();
        writer.finish().unwrap();
    }
    println!("wrote {}", out.display());
}

/// A small valid company workbook (the sheets demarc requires).
fn write_company(path: &Path) {
    let mut workbook = Workbook::new();
    let sheets: [(&str, &[&[&str]]); 3] = [
        (
            "Services",
            &[
                &["service", "provider", "service_model"],
                &["Okta", "Okta", "SaaS"],
            ],
        ),
        (
            "Controls",
            &[
                &["control_id", "title", "domain", "frequency", "applies_to"],
                &[
                    "IAM-1",
                    "Access reviews",
                    "Identity and access management",
                    "quarterly",
                    "*",
                ],
            ],
        ),
        (
            "Evidence",
            &[
                &[
                    "control_id",
                    "service",
                    "evidence",
                    "collected_on",
                    "result",
                ],
                &["IAM-1", "", "Access review", "2026-09-01", "Effective"],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

/// What a patched part becomes.
enum Part {
    Stored(Vec<u8>),
    /// `prefix`, `unit` repeated `count` times, `suffix`, as a hand-made deflate stream.
    Repeated {
        prefix: Vec<u8>,
        unit: Vec<u8>,
        count: u64,
        suffix: Vec<u8>,
    },
}

/// Copies a zip, replacing the parts `replace` returns something for.
fn patch(from: &Path, to: &Path, replace: impl Fn(&str, &[u8]) -> Option<Part>) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let entry = match replace(&name, &bytes) {
            None => craft::Entry::stored(&name, bytes),
            Some(Part::Stored(bytes)) => craft::Entry::stored(&name, bytes),
            Some(Part::Repeated {
                prefix,
                unit,
                count,
                suffix,
            }) => craft::Entry::repeated(&name, &prefix, &unit, count, &suffix),
        };
        entries.push(entry);
    }
    std::fs::write(to, craft::zip(&entries)).unwrap();
}

fn write_ods(path: &Path, rows: &str) {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Evidence\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    );
    let entries = [
        craft::Entry::stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        craft::Entry::stored("content.xml", content.into_bytes()),
        craft::Entry::stored("META-INF/manifest.xml", b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>".to_vec()),
    ];
    std::fs::write(path, craft::zip(&entries)).unwrap();
}

/// Zip archives and deflate streams by hand: the same writer the tests use.
#[allow(dead_code)] // the tests use all of it, this example the stored and repeated entries
#[path = "../tests/it/support/craft.rs"]
mod craft;

/// A legacy `.xls` by hand: the same writer the tests use.
#[allow(dead_code)] // the tests use all of it, this example two files
#[path = "../tests/it/support/xls.rs"]
mod xls;
