//! How a long run tells whoever started it what it is doing, without printing anything.
//!
//! The library never writes to a terminal: a front end (demarc's own command line, a test,
//! another program embedding demarc) passes a [`Progress`] and decides what to show. The
//! command line turns these events into a spinner, progress bars and the `-v` timings; a
//! test passes [`Silent`].

use std::io::Read;

/// One thing that happened during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A step began: "reading inputs", "reconciling", "checking evidence files",
    /// "rendering".
    Started(&'static str),
    /// The step named ended.
    Finished(&'static str),
    /// A fact worth a line under `-v`: what was read, how long one PDF took.
    Detail(&'a str),
    /// Work of known size began: `total` units, counted in `unit`, done by `verb`
    /// ("rendering" 14 files, "sealing" 2,000,000 bytes).
    Counting {
        verb: &'static str,
        unit: Unit,
        total: u64,
    },
    /// `by` more units of the counted work are done; `on` names what is being worked on
    /// now, when that is worth showing (a file inside a bundle).
    Advanced { by: u64, on: Option<&'a str> },
    /// The counted work ended.
    Counted,
}

/// What counted work is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    /// Output files (the findings document, indexes and PDFs).
    Files,
}

/// Receives the events of a run. Rendering compiles PDFs on several threads, so an
/// observer is shared between them.
pub trait Progress: Sync {
    fn event(&self, event: Event<'_>);
}

/// Hears nothing: for tests, benches and callers that only want the result.
pub struct Silent;

impl Progress for Silent {
    fn event(&self, _: Event<'_>) {}
}

impl<F: Fn(Event<'_>) + Sync> Progress for F {
    fn event(&self, event: Event<'_>) {
        self(event)
    }
}

/// Reports [`Event::Started`] now and [`Event::Finished`] when dropped, so a step that
/// returns early with an error still ends.
pub struct Step<'a> {
    name: &'static str,
    progress: &'a dyn Progress,
}

impl<'a> Step<'a> {
    pub fn start(progress: &'a dyn Progress, name: &'static str) -> Step<'a> {
        progress.event(Event::Started(name));
        Step { name, progress }
    }
}

impl Drop for Step<'_> {
    fn drop(&mut self) {
        self.progress.event(Event::Finished(self.name));
    }
}

/// A reader that reports every byte read as [`Event::Advanced`] (sealing and verifying a
/// bundle, where the work is measured in bytes).
pub struct Reporting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<'a, R> Reporting<'a, R> {
    pub fn new(inner: R, progress: &'a dyn Progress) -> Self {
        Reporting { inner, progress }
    }
}

impl<R: Read> Read for Reporting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.event(Event::Advanced {
            by: n as u64,
            on: None,
        });
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_step_that_ends_early_still_reports_its_end() {
        let heard = Mutex::new(Vec::new());
        let progress = |e: Event<'_>| heard.lock().unwrap().push(format!("{e:?}"));
        let failing = || -> Result<(), ()> {
            let _step = Step::start(&progress, "reading inputs");
            Err(())
        };
        assert!(failing().is_err());
        assert_eq!(
            *heard.lock().unwrap(),
            [
                "Started(\"reading inputs\")",
                "Finished(\"reading inputs\")"
            ]
        );
    }

    #[test]
    fn a_reporting_reader_counts_every_byte() {
        let total = Mutex::new(0u64);
        let progress = |e: Event<'_>| {
            if let Event::Advanced { by, .. } = e {
                *total.lock().unwrap() += by;
            }
        };
        let mut reader = Reporting::new(&[7u8; 10_000][..], &progress);
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        assert_eq!(*total.lock().unwrap(), 10_000);
    }
}
