//! Typst, compiled in-process: a [`World`] that serves exactly two files from memory — the
//! generated Typst source and the report's data as JSON — and the bundled fonts. The
//! document can read nothing else: no disk, no network, no packages.
//!
//! Spreadsheet text reaches Typst only inside `/data.json`, read by the template with
//! `json(..)`: it is data, never markup, so a cell holding `#import` or `]` prints as
//! typed.

use chrono::{Datelike, NaiveDate};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// Why a PDF could not be produced. Points into the generated Typst source, since the
/// data itself cannot cause Typst syntax errors.
#[derive(Debug, thiserror::Error)]
#[error("rendering {document} failed: {message}")]
pub struct PdfError {
    pub document: String,
    pub message: String,
}

/// Archival PDF standards demarc can produce (what typst-pdf supports and our fonts meet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archival {
    /// PDF/A-2b: visual appearance preserved (the usual archival choice).
    A2b,
    /// PDF/A-2u: as a-2b, and all text extractable as Unicode.
    A2u,
    /// PDF/A-3b: as a-2b, allowing embedded files.
    A3b,
}

impl Archival {
    fn standard(self) -> typst_pdf::PdfStandard {
        match self {
            Archival::A2b => typst_pdf::PdfStandard::A_2b,
            Archival::A2u => typst_pdf::PdfStandard::A_2u,
            Archival::A3b => typst_pdf::PdfStandard::A_3b,
        }
    }
}

fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// Fixed virtual paths: Typst interns file ids forever, so every report reuses these two.
fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

struct ReportWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
    today: Datetime,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// A compiled document: its PDF bytes and its number of pages.
pub struct Compiled {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Compiles Typst source with its data into PDF bytes. `today` fixes the document's notion
/// of the current date (the as-of date), so the same inputs give the same bytes.
///
/// Typst memoises across compiles in one global cache, shared by every thread; the caller
/// empties it ([`evict_memo_cache`]) when no compile is running.
pub fn compile(
    document: &str,
    source: String,
    data_json: Vec<u8>,
    today: NaiveDate,
    archival: Option<Archival>,
) -> Result<Compiled, PdfError> {
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ"), source),
        data: Bytes::new(data_json),
        data_id: file_id("/data.json"),
        today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
            .expect("a calendar date is a Typst date"),
    };
    let fail = |message: String| PdfError {
        document: document.to_string(),
        message,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let result = warned
        .output
        .map_err(|errors| fail(describe(&world, &errors)));
    result.and_then(|doc| {
        let standards = match archival {
            Some(a) => typst_pdf::PdfStandards::new(&[a.standard()])
                .map_err(|e| fail(e.message().to_string()))?,
            None => typst_pdf::PdfStandards::default(),
        };
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(format!("demarc-{document}")),
            timestamp: None,
            standards,
            // Untagged PDFs are an order of magnitude smaller for table-heavy reports.
            tagged: false,
            ..Default::default()
        };
        let pdf =
            typst_pdf::pdf(&doc, &options).map_err(|errors| fail(describe(&world, &errors)))?;
        Ok(Compiled {
            pdf,
            pages: doc.pages().len(),
        })
    })
}

/// Empties Typst's memo cache. Without it a batch of documents keeps every one's layout
/// results; but a compile running beside the eviction loses the results its next layout
/// pass would reuse, so call it only when no compile is running.
pub fn evict_memo_cache() {
    typst::comemo::evict(0);
}

/// Typst diagnostics as `line:column: message` in the generated source.
fn describe(world: &ReportWorld, diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let position = world
                .range(d.span)
                .and_then(|range| world.main.lines().byte_to_line_column(range.start))
                .map(|(line, column)| format!("main.typ:{}:{}: ", line + 1, column + 1))
                .unwrap_or_default();
            let hints: String = d
                .hints
                .iter()
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            format!("{position}{}{hints}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
