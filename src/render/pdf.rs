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
#[error("rendering {document} failed: {}", describe(diagnostics))]
pub struct PdfError {
    pub document: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The generated source and data that failed, handed back so that the caller can keep
    /// them for the template's author (the source exists only in memory otherwise).
    pub failed: Option<Box<FailedInput>>,
}

/// One Typst error or hint.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// 1-based line and column in the generated source, when Typst gives a span there.
    pub at: Option<(usize, usize)>,
    /// Typst's message, with its hints.
    pub message: String,
}

/// What [`compile`] was given, for a failed compile.
#[derive(Debug)]
pub struct FailedInput {
    pub source: String,
    pub data: Vec<u8>,
}

/// Diagnostics as `main.typ:line:column: message`, `; `-separated.
fn describe(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| match d.at {
            Some((line, column)) => format!("main.typ:{line}:{column}: {}", d.message),
            None => d.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
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

/// WenQuanYi Micro Hei (Apache-2.0; see `templates/fonts/README.md`): Typst's embedded
/// fonts have no Chinese, Japanese or Korean, and a vendor, service or organisation named
/// in those scripts would print as empty boxes, or fail a PDF/A run. Typst falls back to it
/// only for characters the template's fonts lack, so Latin text is set as before.
const CJK_FONT: &[u8] = include_bytes!("../../templates/fonts/wqy-microhei.ttc");

fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store.extend(Font::iter(Bytes::new(CJK_FONT)).map(|font| {
            let info = font.info().clone();
            (font, info)
        }));
        store
    })
}

/// What stands in for a character no bundled font has (an emoji, say): the replacement
/// character, which the CJK font has.
pub const STAND_IN: char = '\u{FFFD}';

/// Whether a bundled font has a glyph for `c` (or Typst needs none: a zero-width joiner,
/// a variation selector).
fn displayable(c: char, known: &mut std::collections::HashMap<char, bool>) -> bool {
    if c.is_ascii() || typst::text::is_default_ignorable(c) {
        return true;
    }
    *known.entry(c).or_insert_with(|| {
        let book = fonts().book();
        (0..)
            .map_while(|index| book.info(index))
            .any(|info| info.coverage.contains(c as u32))
    })
}

/// `text` with every character no bundled font has replaced by [`STAND_IN`], so that it is
/// seen to be missing rather than silently left out (plain PDF) or failing the run
/// (PDF/A); each character replaced is added to `replaced` with the first text it was
/// found in (the JSON string or source line around it). `None` when nothing was replaced.
fn stand_in_for_undisplayable(
    text: &str,
    replaced: &mut std::collections::BTreeMap<char, String>,
) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut known = std::collections::HashMap::new();
    if text.chars().all(|c| displayable(c, &mut known)) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if displayable(c, &mut known) {
            out.push(c);
            continue;
        }
        out.push(STAND_IN);
        replaced.entry(c).or_insert_with(|| {
            // The quoted string (or line) around the character, at most ~60 characters.
            let start = text[..at].rfind(['"', '\n']).map_or(0, |i| i + 1);
            let end = text[at..].find(['"', '\n']).map_or(text.len(), |i| at + i);
            let around: String = text[start..end].chars().take(60).collect();
            around.trim().to_string()
        });
    }
    Some(out)
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

/// A compiled document: its PDF bytes, its number of pages, and the characters no bundled
/// font has, each with the text it was first found in (shown as [`STAND_IN`]).
pub struct Compiled {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub stood_in: std::collections::BTreeMap<char, String>,
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
    // The data first: a character is then named in the JSON string it came in, rather than
    // in a line of generated Typst.
    let mut stood_in = std::collections::BTreeMap::new();
    let data_json = match std::str::from_utf8(&data_json) {
        Ok(text) => stand_in_for_undisplayable(text, &mut stood_in).map(String::into_bytes),
        Err(_) => None,
    }
    .unwrap_or(data_json);
    let source = stand_in_for_undisplayable(&source, &mut stood_in).unwrap_or(source);
    let world = ReportWorld {
        main: Source::new(file_id("/main.typ"), source),
        data: Bytes::new(data_json),
        data_id: file_id("/data.json"),
        today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
            .expect("a calendar date is a Typst date"),
    };
    let fail = |diagnostics: Vec<Diagnostic>| PdfError {
        document: document.to_string(),
        diagnostics,
        failed: Some(Box::new(FailedInput {
            source: world.main.text().to_string(),
            data: world.data.to_vec(),
        })),
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let result = warned
        .output
        .map_err(|errors| fail(diagnostics(&world, &errors)));
    result.and_then(|doc| {
        let standards = match archival {
            Some(a) => typst_pdf::PdfStandards::new(&[a.standard()]).map_err(|e| PdfError {
                document: document.to_string(),
                diagnostics: vec![Diagnostic {
                    at: None,
                    message: e.message().to_string(),
                }],
                failed: None,
            })?,
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
            typst_pdf::pdf(&doc, &options).map_err(|errors| fail(diagnostics(&world, &errors)))?;
        Ok(Compiled {
            pdf,
            pages: doc.pages().len(),
            stood_in,
        })
    })
}

/// Empties Typst's memo cache. Without it a batch of documents keeps every one's layout
/// results; but a compile running beside the eviction loses the results its next layout
/// pass would reuse, so call it only when no compile is running.
pub fn evict_memo_cache() {
    typst::comemo::evict(0);
}

/// Typst's diagnostics, placed in the generated source where their span lies there.
fn diagnostics(world: &ReportWorld, diagnostics: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|d| {
            let at = world
                .range(d.span)
                .and_then(|range| world.main.lines().byte_to_line_column(range.start))
                .map(|(line, column)| (line + 1, column + 1));
            let hints: String = d
                .hints
                .iter()
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            Diagnostic {
                at,
                message: format!("{}{hints}", d.message),
            }
        })
        .collect()
}
