//! The floor for ingest: calamine alone opening a workbook and touching every cell of
//! every sheet, doing nothing with them. `demarc check` is measured against this.
//!
//! ```sh
//! cargo run --release --example calamine_floor -- target/bench-data/scale-1/enterprise.xlsx
//! ```

use calamine::{open_workbook_auto, Data, Reader};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: calamine_floor WORKBOOK");
    let mut workbook = open_workbook_auto(&path).expect("a readable workbook");
    let mut cells = 0usize;
    let mut non_empty = 0usize;
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).expect("a readable sheet");
        for row in range.rows() {
            for cell in row {
                cells += 1;
                non_empty += usize::from(!matches!(cell, Data::Empty));
            }
        }
    }
    println!("{cells} cells, {non_empty} non-empty");
}
