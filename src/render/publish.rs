//! Publishing a run's outputs as one set. A reader of `OUT/PERIOD/` sees the previous run's
//! files or this run's, never a mixture: a half-replaced set (new findings beside last
//! quarter's vendor packs) is a report that contradicts itself.
//!
//! The run is written in full into a fresh directory beside the period's
//! (`OUT/.demarc-PERIOD-XXXXXX.tmp/`), synced, and then swapped with `OUT/PERIOD/` in one
//! rename. On Linux the swap is `renameat2(RENAME_EXCHANGE)`, atomic even when the period's
//! directory exists; elsewhere, or on a file system that cannot exchange, the old directory
//! is first moved aside, leaving a moment in which `OUT/PERIOD/` is absent. The set that was
//! replaced is kept as `OUT/.demarc-previous-PERIOD/` until the next run.
//!
//! Files in the period's directory that a report does not write (an evidence bundle, a
//! note of the user's) are carried into the new set by hard link. Vendor packs of vendors
//! that left the inputs are not: `vendors/` is the report's and is replaced whole.
//!
//! What is left after a kill: before the swap, the previous set untouched and a staging
//! directory; after it, the new set and the old one under the staging name. Either way the
//! next run removes `.demarc-*.tmp` leftovers before it starts.

use super::{write_error, Content, Output, RenderError};
use std::path::{Path, PathBuf};

/// The top-level names `demarc report` owns in a period's directory: replaced whole by
/// every run, never carried over (even when this run writes no such file).
const REPORT_NAMES: &[&str] = &[
    "findings.json",
    "findings.csv",
    "evidence-index.csv",
    "assessment-results.json",
    "auditor-workbook.xlsx",
    "board-report.pdf",
    "auditor-pack.pdf",
    "vendors",
    "auditor-pack-appendix",
];

/// A run's outputs being written, before they replace the period's directory.
pub struct Staging {
    out_root: PathBuf,
    label: String,
    dir: tempfile::TempDir,
}

impl Staging {
    /// Creates `out_root` if need be, removes what killed runs left there, and makes a
    /// fresh staging directory for the period `label`. Fails early, before any work, when
    /// the output directory cannot be written.
    pub fn begin(out_root: &Path, label: &str) -> Result<Staging, RenderError> {
        let fail = |source| RenderError::OutputDir {
            path: out_root.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(out_root).map_err(&fail)?;
        remove_leftovers(out_root, label);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".demarc-{label}-"))
            .suffix(".tmp")
            .tempdir_in(out_root)
            .map_err(&fail)?;
        Ok(Staging {
            out_root: out_root.to_path_buf(),
            label: label.to_string(),
            dir,
        })
    }

    /// Where outputs are staged; a file written here (the evidence index, streamed) is
    /// published with the rest.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes every output into the staging directory, carries over the files of the
    /// period's directory that are not the report's, and swaps the set into place.
    /// Returns the published paths. On failure the period's directory is as it was.
    pub fn publish(self, outputs: Vec<Output>) -> Result<Vec<PathBuf>, RenderError> {
        let target = self.out_root.join(&self.label);
        let names: Vec<String> = outputs.iter().map(|o| o.name.clone()).collect();
        write_outputs(self.dir.path(), outputs)?;
        if target.is_dir() {
            carry_over(&target, self.dir.path(), &names)?;
        }
        sync_tree(self.dir.path()).map_err(write_error(self.dir.path()))?;
        let previous = self.previous();
        let staged = self.dir.keep();
        if let Err(e) = swap_in(&staged, &target, &previous) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_error(&target)(e));
        }
        sync_dir(&self.out_root);
        Ok(names.iter().map(|n| target.join(n)).collect())
    }

    /// Where the replaced set is kept until the next run.
    fn previous(&self) -> PathBuf {
        self.out_root
            .join(format!(".demarc-previous-{}", self.label))
    }
}

/// Writes each output to its place under `dir` (a private staging directory: no
/// temporary files are needed inside it), several at once, each synced.
fn write_outputs(dir: &Path, outputs: Vec<Output>) -> Result<(), RenderError> {
    const WRITERS: usize = 8;
    let mut in_memory = Vec::new();
    for output in outputs {
        let path = dir.join(&output.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(parent))?;
        }
        match output.content {
            Content::Staged(temp) => {
                temp.persist(&path)
                    .map_err(|e| write_error(&path)(e.error))?;
            }
            Content::Bytes(bytes) => in_memory.push((path, bytes)),
        }
    }
    let per_writer = in_memory.len().div_ceil(WRITERS).max(1);
    std::thread::scope(|scope| {
        let writers: Vec<_> = in_memory
            .chunks(per_writer)
            .map(|chunk| {
                scope.spawn(move || {
                    for (path, bytes) in chunk {
                        write_synced(path, bytes).map_err(write_error(path))?;
                    }
                    Ok(())
                })
            })
            .collect();
        writers
            .into_iter()
            .try_for_each(|w| w.join().expect("a writer does not panic"))
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Hard-links (or, where linking fails, copies) every entry of the old set that the
/// report does not own into the new one: a bundle or a note beside the reports survives
/// a new run.
fn carry_over(old: &Path, new: &Path, written: &[String]) -> Result<(), RenderError> {
    let entries = std::fs::read_dir(old).map_err(write_error(old))?;
    for entry in entries {
        let entry = entry.map_err(write_error(old))?;
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        let owned = REPORT_NAMES.contains(&name_text.as_ref())
            || name_text.starts_with(".demarc-")
            || written
                .iter()
                .any(|w| w.split('/').next() == Some(name_text.as_ref()));
        if owned {
            continue;
        }
        link_tree(&entry.path(), &new.join(&name)).map_err(write_error(&entry.path()))?;
    }
    Ok(())
}

fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let kind = std::fs::symlink_metadata(from)?.file_type();
    if kind.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if kind.is_file() {
        std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
    } else {
        // A symbolic link, a socket, a FIFO: not the report's, and not worth following.
        Ok(())
    }
}

/// Puts `staged` at `target`, keeping what was there as `previous`.
fn swap_in(staged: &Path, target: &Path, previous: &Path) -> std::io::Result<()> {
    if !target.exists() {
        return std::fs::rename(staged, target);
    }
    if exchange(staged, target).is_ok() {
        // `staged` now holds the replaced set.
        let _ = std::fs::remove_dir_all(previous);
        if std::fs::rename(staged, previous).is_err() {
            let _ = std::fs::remove_dir_all(staged);
        }
        return Ok(());
    }
    // No atomic exchange here: move the old set aside, then the new one in.
    let _ = std::fs::remove_dir_all(previous);
    std::fs::rename(target, previous)?;
    if let Err(e) = std::fs::rename(staged, target) {
        // Put the old set back rather than leave no set at all.
        let _ = std::fs::rename(previous, target);
        return Err(e);
    }
    Ok(())
}

/// Exchanges two paths atomically (Linux's `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them as given.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes what an interrupted run left: staging directories of this period beside it,
/// and `.demarc-*.tmp` files inside the period's directory (an older run's staged files).
/// Never anything else.
fn remove_leftovers(out_root: &Path, label: &str) {
    let prefix = format!(".demarc-{label}-");
    if let Ok(entries) = std::fs::read_dir(out_root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with(&prefix) && name.ends_with(".tmp") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(out_root.join(label)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && name.starts_with(".demarc-") && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Syncs every directory of a tree, so that the renames and files in it are on disk
/// before the swap makes them visible.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Syncs a directory's entries where the platform allows it (not on Windows).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, text: &str) -> Output {
        Output {
            name: name.to_string(),
            content: Content::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_new_set_replaces_the_old_whole_and_keeps_it_as_previous() {
        let root = tempfile::tempdir().unwrap();
        let first = Staging::begin(root.path(), "2026-Q3").unwrap();
        first
            .publish(vec![
                output("findings.json", "old"),
                output("vendors/Gone.pdf", "gone"),
                output("vendors/Kept.pdf", "old kept"),
            ])
            .unwrap();
        // The user's own file, and an evidence bundle, beside the reports.
        let period = root.path().join("2026-Q3");
        std::fs::write(period.join("evidence-bundle-2026-Q3.zip"), "zip").unwrap();
        let second = Staging::begin(root.path(), "2026-Q3").unwrap();
        let written = second
            .publish(vec![
                output("findings.json", "new"),
                output("vendors/Kept.pdf", "new kept"),
            ])
            .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(read(&period.join("findings.json")), "new");
        assert_eq!(read(&period.join("vendors/Kept.pdf")), "new kept");
        assert!(
            !period.join("vendors/Gone.pdf").exists(),
            "a stale vendor pack"
        );
        assert_eq!(read(&period.join("evidence-bundle-2026-Q3.zip")), "zip");
        let previous = root.path().join(".demarc-previous-2026-Q3");
        assert_eq!(read(&previous.join("findings.json")), "old");
        // Nothing else is left beside the period.
        let names: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_failed_write_leaves_the_old_set_and_no_staging() {
        let root = tempfile::tempdir().unwrap();
        Staging::begin(root.path(), "2026-Q3")
            .unwrap()
            .publish(vec![output("findings.json", "old")])
            .unwrap();
        let staging = Staging::begin(root.path(), "2026-Q3").unwrap();
        let long = format!("vendors/{}.pdf", "x".repeat(300));
        let error = staging
            .publish(vec![output("findings.json", "new"), output(&long, "pack")])
            .unwrap_err();
        assert!(error.to_string().contains("cannot write"), "{error}");
        assert_eq!(read(&root.path().join("2026-Q3/findings.json")), "old");
        let leftovers: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed_by_the_next() {
        let root = tempfile::tempdir().unwrap();
        let killed = root.path().join(".demarc-2026-Q3-abc123.tmp");
        std::fs::create_dir_all(killed.join("vendors")).unwrap();
        std::fs::create_dir_all(root.path().join("2026-Q3")).unwrap();
        let stray = root.path().join("2026-Q3/.demarc-xyz.tmp");
        std::fs::write(&stray, "half a PDF").unwrap();
        let other_period = root.path().join(".demarc-2026-Q2-abc.tmp");
        std::fs::create_dir_all(&other_period).unwrap();
        Staging::begin(root.path(), "2026-Q3")
            .unwrap()
            .publish(vec![output("findings.json", "new")])
            .unwrap();
        assert!(!killed.exists());
        assert!(!stray.exists());
        assert!(
            other_period.exists(),
            "another period's run is not ours to remove"
        );
    }
}
