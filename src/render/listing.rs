//! Fixed-width listings, laid out in Rust and set by Typst as plain monospace lines.
//!
//! The full evidence appendix lists every evidence row: 100,000 rows at the scale of a
//! large enterprise. As a Typst grid each row is eight cells, each its own paragraph to
//! shape and break, and the appendix took ~0.6 ms a row. As monospace text, one string
//! per page with the columns already padded and wrapped here, Typst only shapes lines,
//! about six times faster. Paginating here too makes every page its own run between page
//! breaks, which Typst lays out in parallel.
//!
//! Widths are counted in monospace cells (`unicode-width`: a CJK character counts two),
//! so the columns line up for every script the mono font has glyphs for.

use textwrap::Options;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Spaces between two columns.
const GUTTER: usize = 2;

/// One column of a listing: its title and its width in monospace cells.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: usize,
}

/// A listing's columns and the size of its pages, in lines of text.
#[derive(Debug, Clone)]
pub struct Layout {
    pub columns: Vec<Column>,
    /// Lines of rows on a page, below the line of column titles.
    pub lines_per_page: usize,
    /// Lines of rows on the first page, which also holds the listing's introduction.
    pub lines_on_first_page: usize,
}

impl Layout {
    /// The width of a line, in monospace cells.
    pub fn line_width(&self) -> usize {
        let columns: usize = self.columns.iter().map(|c| c.width).sum();
        columns + GUTTER * self.columns.len().saturating_sub(1)
    }

    /// The line of column titles.
    pub fn titles(&self) -> String {
        let titles: Vec<&str> = self.columns.iter().map(|c| c.title).collect();
        self.row_lines(&titles).join("\n")
    }

    /// One row as lines: each cell wrapped within its column (at spaces where it can, inside
    /// a word when a word is wider than the column), the columns side by side. A row
    /// spans as many lines as its tallest cell.
    pub fn row_lines(&self, cells: &[&str]) -> Vec<String> {
        let wrapped: Vec<Vec<String>> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| wrap_cell(cells.get(i).copied().unwrap_or(""), column.width))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (0..height)
            .map(|line| {
                let mut text = String::with_capacity(self.line_width());
                for (i, column) in self.columns.iter().enumerate() {
                    if i > 0 {
                        text.extend(std::iter::repeat_n(' ', GUTTER));
                    }
                    let part = wrapped[i].get(line).map_or("", String::as_str);
                    text.push_str(part);
                    let pad = column.width.saturating_sub(part.width());
                    text.extend(std::iter::repeat_n(' ', pad));
                }
                text.truncate(text.trim_end().len());
                text
            })
            .collect()
    }

    /// Lays rows out on pages, each page its lines joined with `\n` (the template sets the
    /// column titles above each). A row is never split across two pages unless it alone
    /// is taller than a page.
    pub fn paginate<'r, R>(&self, rows: R) -> Vec<String>
    where
        R: IntoIterator<Item = Vec<&'r str>>,
    {
        let mut pages = Vec::new();
        let mut page: Vec<String> = Vec::with_capacity(self.lines_per_page);
        let room = |pages_done: usize| {
            if pages_done == 0 {
                self.lines_on_first_page.max(1)
            } else {
                self.lines_per_page.max(1)
            }
        };
        for row in rows {
            let lines = self.row_lines(&row);
            if !page.is_empty() && page.len() + lines.len() > room(pages.len()) {
                pages.push(std::mem::take(&mut page).join("\n"));
            }
            for line in lines {
                // A row taller than a page is the only row that spills onto the next.
                if page.len() >= room(pages.len()) {
                    pages.push(std::mem::take(&mut page).join("\n"));
                }
                page.push(line);
            }
        }
        if !page.is_empty() || pages.is_empty() {
            pages.push(page.join("\n"));
        }
        pages
    }
}

/// A cell's text as the lines of its column. Control characters (a tab, a carriage
/// return) would break the alignment: they become spaces; a line break in the cell is
/// kept as one.
fn wrap_cell(text: &str, width: usize) -> Vec<String> {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Vec::new();
    }
    let options = Options::new(width.max(1)).break_words(true);
    let lines: Vec<String> = textwrap::wrap(&cleaned, options)
        .into_iter()
        .map(|line| line.trim_end().to_string())
        .collect();
    // textwrap never gives a line wider than the column except for a character wider
    // than the column itself (a CJK character in a one-cell column); cut it to fit.
    lines
        .into_iter()
        .map(|line| {
            if line.width() <= width {
                line
            } else {
                let mut used = 0;
                line.chars()
                    .take_while(|c| {
                        used += c.width().unwrap_or(0);
                        used <= width
                    })
                    .collect()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            columns: vec![
                Column {
                    title: "Row",
                    width: 6,
                },
                Column {
                    title: "Evidence",
                    width: 10,
                },
                Column {
                    title: "Result",
                    width: 9,
                },
            ],
            lines_per_page: 4,
            lines_on_first_page: 4,
        }
    }

    #[test]
    fn columns_line_up_and_long_text_wraps_within_its_column() {
        let lines = layout().row_lines(&["7", "Quarterly access review", "Effective"]);
        assert_eq!(
            lines,
            vec![
                "7       Quarterly   Effective",
                "        access",
                "        review",
            ]
        );
        assert_eq!(layout().line_width(), 29);
        assert_eq!(layout().titles(), "Row     Evidence    Result");
    }

    #[test]
    fn a_word_wider_than_its_column_is_split_and_nothing_is_lost() {
        let lines = layout().row_lines(&["1", "s3://bucket/key.pdf", ""]);
        let joined: String = lines.iter().map(|l| l[8..].trim_end()).collect();
        assert_eq!(joined, "s3://bucket/key.pdf");
        assert!(lines.iter().all(|l| l.width() <= 29));
    }

    #[test]
    fn tabs_and_carriage_returns_cannot_break_the_columns() {
        let lines = layout().row_lines(&["2", "a\tb\r\nc", "Effective"]);
        assert_eq!(lines, vec!["2       a b         Effective", "        c"]);
    }

    #[test]
    fn wide_characters_count_two_cells() {
        let lines = layout().row_lines(&["3", "監査証跡の確認", "Effective"]);
        assert!(lines.iter().all(|l| l.width() <= 29), "{lines:?}");
        assert_eq!(lines[0], "3       監査証跡の  Effective");
    }

    #[test]
    fn rows_stay_whole_on_a_page() {
        let rows = vec![
            vec!["1", "one", "ok"],
            vec!["2", "two lines of it", "ok"],
            vec!["3", "three", "ok"],
            vec!["4", "four", "ok"],
        ];
        let pages = layout().paginate(rows);
        let counts: Vec<usize> = pages.iter().map(|p| p.lines().count()).collect();
        // Row 2 takes two lines: rows 1-3 fill four lines, row 4 starts page two.
        assert_eq!(counts, vec![4, 1]);
        assert!(pages[1].starts_with("4 "));
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next() {
        let tall = "aaaaaaaa bbbbbbbb cccccccc dddddddd eeeeeeee";
        let pages = layout().paginate(vec![vec!["1", tall, "ok"], vec!["2", "x", "ok"]]);
        let lines: usize = pages.iter().map(|p| p.lines().count()).sum();
        assert_eq!(lines, 6, "{pages:?}");
        assert!(pages.iter().all(|p| p.lines().count() <= 4));
    }

    #[test]
    fn the_first_page_holds_fewer_lines() {
        let short = Layout {
            lines_on_first_page: 1,
            ..layout()
        };
        let rows = (0..6).map(|_| vec!["1", "one", "ok"]);
        let counts: Vec<usize> = short
            .paginate(rows)
            .iter()
            .map(|p| p.lines().count())
            .collect();
        assert_eq!(counts, vec![1, 4, 1]);
    }

    #[test]
    fn no_rows_is_one_empty_page() {
        let pages = layout().paginate(Vec::<Vec<&str>>::new());
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0], "");
    }
}
