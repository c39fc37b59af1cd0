//! Reading one of demarc's sheets as its cells arrive, without a table of the whole sheet:
//! the parser runs on a thread of its own and sends cells in batches, while the reading
//! thread turns each row into a record as soon as the row is complete. On a large sheet
//! the parsing (most of the cost) and the record building overlap on two cores, and a
//! million rows' cells are never held at once.
//!
//! What comes out must be exactly what reading the sheet into a [`Table`] gives: the same
//! records, problems and warnings, in the same order. Where streaming cannot promise that
//! — cells out of row order (a hand-made file), or a header that may rely on merged cells
//! (which the format stores apart from the cells) — [`Streamed::NeedsTable`] says so and
//! the caller reads the sheet into a table instead. This module does not know calamine's
//! readers: the caller hands it a function that pushes the sheet's cells.

use super::columns::{header_may_be_merged, ColumnMap, SheetKind, HEADER_SEARCH_ROWS};
use super::records::{Collector, RowReader};
use super::table::{Admit, CellLimits, CellSink, LimitProblem, Table, TableBuilder};
use super::{guarded, Problems};
use crate::findings::Source;
use calamine::Data;
use std::sync::mpsc;

/// Cells per message from the parser: large enough that the channel costs nothing per
/// cell, small enough that little is held in flight.
const BATCH: usize = 4096;

/// Batches that may wait in the channel before the parser blocks: the parser is the slower
/// side, so a short queue only smooths out hiccups.
const QUEUE: usize = 8;

/// One message from the parser thread.
enum Batch {
    Cells(Vec<(u32, u32, Data)>),
    /// Reading stopped here: the sheet is damaged (or the parser panicked).
    Failed(String),
}

/// The parser's end of the channel: collects cells into batches and sends them.
pub(crate) struct Sender {
    channel: mpsc::SyncSender<Batch>,
    cells: Vec<(u32, u32, Data)>,
}

impl CellSink for Sender {
    fn push(&mut self, row: u32, col: u32, data: Data) -> bool {
        self.cells.push((row, col, data));
        self.cells.len() < BATCH || self.flush()
    }
}

impl Sender {
    /// Sends the cells collected so far; `false` once the reading side has stopped
    /// listening (it has seen enough of the sheet).
    fn flush(&mut self) -> bool {
        if self.cells.is_empty() {
            return true;
        }
        let cells = std::mem::replace(&mut self.cells, Vec::with_capacity(BATCH));
        self.channel.send(Batch::Cells(cells)).is_ok()
    }

    /// Sends what is left and, when reading failed, the failure after the cells read
    /// before it: the reading side meets it where a table builder would have.
    fn close(mut self, read: Result<(), String>) {
        if self.flush() {
            if let Err(problem) = read {
                // Nobody listening means nobody needs to know.
                let _ = self.channel.send(Batch::Failed(problem));
            }
        }
    }
}

/// How reading a sheet as a stream ended.
pub(crate) enum Streamed<'m> {
    /// The sheet's records, problems and warnings, to be taken in the sheet's turn.
    Read(Box<ReadSheet<'m>>),
    /// The sheet broke a limit: these problems, and no rows.
    Refused(Vec<LimitProblem>),
    /// The sheet could not be parsed (calamine's error, or a caught panic).
    Damaged(String),
    /// Streaming cannot give the table's answer here: read the sheet into a table.
    NeedsTable,
}

/// A streamed sheet's outcome, held until the sheet's turn comes: the inputs report their
/// problems file by file, every sheet's limits before any sheet's rows, so what a sheet's
/// rows say waits until the whole file has been opened.
pub(crate) struct ReadSheet<'m> {
    problems: Problems,
    warnings: Vec<String>,
    records: Collector<'m>,
    rows: usize,
}

impl<'m> ReadSheet<'m> {
    /// Adds the sheet's problems, warnings and records to the run's, as reading its table
    /// at this point would have; returns the number of data rows read.
    pub(crate) fn take_into(
        self,
        collector: &mut Collector<'m>,
        warnings: &mut Vec<String>,
        problems: &mut Problems,
    ) -> usize {
        for error in self.problems.errors {
            problems.push(error);
        }
        // The sheet held more problems than were kept: so would the run.
        problems.truncated |= self.problems.truncated;
        warnings.extend(self.warnings);
        collector.append(self.records);
        self.rows
    }
}

/// Where the reading side is with the header.
enum Header {
    /// The top rows are still coming in.
    Searching,
    /// Located; positions count from the sheet's column A.
    Found(ColumnMap),
    /// Missing or unusable, and already reported: the sheet's rows are not read.
    Unusable,
}

/// What the reading side says after each cell.
enum Flow {
    Go,
    /// A limit was broken badly: stop reading.
    Stop,
    NeedsTable,
}

/// The reading side: applies the limits, locates the header among the top rows, and turns
/// each complete row after it into a record.
pub(crate) struct SheetStream<'m> {
    file: std::sync::Arc<str>,
    sheet: std::sync::Arc<str>,
    kind: SheetKind,
    /// The format keeps merged regions (which a header may rely on) apart from the cells.
    merges_matter: bool,
    limits: CellLimits,
    /// The last cell kept, to notice cells out of order.
    last: Option<(u32, u32)>,
    /// The first row holding anything: the row a table's origin would be in.
    origin_row: Option<u32>,
    /// Until the header is located: the cells of the rows it may be in, and the row after.
    top: Vec<(u32, u32, Data)>,
    header: Header,
    /// The row being gathered (0-based sheet row) and its cells, by sheet column.
    row: u32,
    cells: Vec<(u32, Data)>,
    out: ReadSheet<'m>,
}

impl<'m> SheetStream<'m> {
    pub(crate) fn new(
        file: &str,
        sheet: &str,
        kind: SheetKind,
        merges_matter: bool,
        limits: &super::Limits,
        records: Collector<'m>,
    ) -> SheetStream<'m> {
        SheetStream {
            file: file.into(),
            sheet: sheet.into(),
            kind,
            merges_matter,
            limits: CellLimits::new(limits),
            last: None,
            origin_row: None,
            top: Vec::new(),
            header: Header::Searching,
            row: 0,
            cells: Vec::new(),
            out: ReadSheet {
                problems: Problems::default(),
                warnings: Vec::new(),
                records,
                rows: 0,
            },
        }
    }

    fn push(&mut self, row: u32, col: u32, data: Data) -> Flow {
        match self.limits.admit(row, col, &data) {
            Admit::Keep => {}
            Admit::Skip => return Flow::Go,
            Admit::Stop => return Flow::Stop,
        }
        // A table sorts its cells and keeps the last of two at one position; a stream
        // can only take them in order.
        if self.last.is_some_and(|last| (row, col) <= last) {
            return Flow::NeedsTable;
        }
        self.last = Some((row, col));
        if !self.limits.problems().is_empty() {
            // The sheet will be refused: its rows are not worth reading.
            return Flow::Go;
        }
        let origin = *self.origin_row.get_or_insert(row);
        if let Header::Searching = self.header {
            // The header is searched for in the top rows; the row under it tells whether
            // it may be merged down.
            if u64::from(row) <= u64::from(origin) + HEADER_SEARCH_ROWS as u64 {
                self.top.push((row, col, data));
                return Flow::Go;
            }
            if !self.locate_header() {
                return Flow::NeedsTable;
            }
        }
        self.take(row, col, data);
        Flow::Go
    }

    /// Locates the header among the top rows, as in a table of the whole sheet (the rows
    /// searched are the same), and takes the rows under it. `false` when the header may
    /// rely on merged cells, which only a table can look up.
    fn locate_header(&mut self) -> bool {
        let mut builder = TableBuilder::unlimited();
        for (row, col, data) in &self.top {
            builder.push(*row, *col, data.clone());
        }
        let table: Table = builder.finish();
        if self.merges_matter && header_may_be_merged(&table, self.kind) {
            return false;
        }
        let (origin_row, origin_col) = table.origin();
        let map = super::header(
            &self.file,
            &self.sheet,
            self.kind,
            &table,
            &mut self.out.problems,
            &mut self.out.warnings,
        );
        let top = std::mem::take(&mut self.top);
        match map {
            Some(map) => {
                let header_row = origin_row + map.header_row as u32;
                self.header = Header::Found(map.shifted(origin_col as usize));
                for (row, col, data) in top.into_iter().filter(|(row, ..)| *row > header_row) {
                    self.take(row, col, data);
                }
            }
            None => self.header = Header::Unusable,
        }
        true
    }

    /// Adds a cell under the header to its row, turning the previous row into a record
    /// when this cell starts a new one.
    fn take(&mut self, row: u32, col: u32, data: Data) {
        if !matches!(self.header, Header::Found(_)) {
            return;
        }
        if row != self.row {
            self.finish_row();
            self.row = row;
        }
        self.cells.push((col, data));
    }

    fn finish_row(&mut self) {
        let Header::Found(map) = &self.header else {
            return;
        };
        if self.cells.is_empty() {
            return;
        }
        // Past this many problems the run fails anyway: no need to read on.
        if !self.out.problems.is_full() {
            let reader = RowReader {
                cells: &self.cells,
                origin_col: 0,
                map,
                kind: self.kind,
                source: Source {
                    file: self.file.clone(),
                    sheet: self.sheet.clone(),
                    row: self.row + 1,
                },
            };
            if self.out.records.read_row(&reader, &mut self.out.problems) {
                self.out.rows += 1;
            }
        }
        self.cells.clear();
    }

    /// The outcome once every cell has been pushed (or reading stopped at a limit).
    fn finish(mut self) -> Streamed<'m> {
        if !self.limits.problems().is_empty() {
            return Streamed::Refused(self.limits.into_problems());
        }
        if let Header::Searching = self.header {
            if !self.locate_header() {
                return Streamed::NeedsTable;
            }
        }
        self.finish_row();
        Streamed::Read(Box::new(self.out))
    }
}

/// Reads a sheet: `produce` pushes its cells (on a thread of its own), `sheet` turns them
/// into records as they come.
pub(crate) fn read<'m>(
    sheet: SheetStream<'m>,
    produce: impl FnOnce(&mut Sender) -> Result<(), String> + Send,
) -> Streamed<'m> {
    std::thread::scope(|scope| {
        let (channel, batches) = mpsc::sync_channel(QUEUE);
        let parser = std::thread::Builder::new()
            .name("sheet parser".into())
            .spawn_scoped(scope, move || {
                let mut sender = Sender {
                    channel,
                    cells: Vec::with_capacity(BATCH),
                };
                let read = guarded(|| produce(&mut sender));
                sender.close(read);
            });
        if parser.is_err() {
            // No thread to be had: the table path reads on this one.
            return Streamed::NeedsTable;
        }
        // `batches` is dropped when this returns, which tells the parser to stop early.
        consume(sheet, batches)
    })
}

fn consume<'m>(mut sheet: SheetStream<'m>, batches: mpsc::Receiver<Batch>) -> Streamed<'m> {
    for batch in batches {
        match batch {
            Batch::Cells(cells) => {
                for (row, col, data) in cells {
                    match sheet.push(row, col, data) {
                        Flow::Go => {}
                        Flow::Stop => return sheet.finish(),
                        Flow::NeedsTable => return Streamed::NeedsTable,
                    }
                }
            }
            Batch::Failed(problem) => return Streamed::Damaged(problem),
        }
    }
    sheet.finish()
}
