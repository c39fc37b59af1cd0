//! What goes wrong while reading the inputs, and how it is told: every problem names the
//! file and, when it can, the sheet and the cell (`q3.xlsx: Evidence!D14: …`), and they are
//! collected (up to [`MAX_ERRORS`]) so a user can fix a sheet in one pass rather than one
//! run per mistake.

use std::fmt;

/// At most this many input errors are collected before a run gives up.
pub const MAX_ERRORS: usize = 50;

/// One problem with the inputs, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub sheet: Option<String>,
    /// A1-style cell (`E14`) or a row (`row 14`) when the problem is a whole row.
    pub location: Option<String>,
    pub problem: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        match (&self.sheet, &self.location) {
            (Some(sheet), Some(location)) => write!(f, "{sheet}!{location}: ")?,
            (Some(sheet), None) => write!(f, "{sheet}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.problem)
    }
}

/// Why the inputs could not be read: every problem found, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    pub errors: Vec<InputError>,
    /// More problems were found than are listed.
    pub truncated: bool,
    /// What the reading noticed before it failed (a cell filled from a merge above it, a
    /// column not read): printed with the errors, since it can explain them.
    pub warnings: Vec<String>,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        if n == 1 {
            write!(f, "the inputs have a problem:")?;
        } else {
            write!(
                f,
                "the inputs have {n}{} problems:",
                if self.truncated { "+" } else { "" }
            )?;
        }
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        if self.truncated {
            write!(
                f,
                "\n  … stopped after {MAX_ERRORS} problems; fix these and run again"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for IngestError {}

/// Collects problems while reading, so all of them can be reported together.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) errors: Vec<InputError>,
    pub(super) truncated: bool,
}

impl Problems {
    pub(crate) fn push(&mut self, error: InputError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(error);
        } else {
            self.truncated = true;
        }
    }

    /// How many problems were found, counting those past the listed ones as one.
    pub(crate) fn len(&self) -> usize {
        self.errors.len() + usize::from(self.truncated)
    }

    pub(crate) fn is_full(&self) -> bool {
        self.truncated
    }
}
