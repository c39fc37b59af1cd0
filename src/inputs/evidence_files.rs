//! The files evidence rows point at (`evidence_file`), found under an evidence root and
//! hashed for the auditor pack and the evidence index.
//!
//! Spreadsheet text is untrusted: a path that is absolute, climbs out with `..`, or reaches
//! outside the root through a symbolic link is refused — never opened, read or hashed —
//! and reported with its cell. Files are hashed as streams, never read whole.

use crate::inputs::Evidence;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// What became of one evidence row's `evidence_file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// The cell is blank.
    None,
    /// A URL: recorded, not fetched (demarc never goes on the network).
    Url,
    /// No evidence root was given, so the file was not looked for.
    NotChecked,
    /// Found under the root and hashed.
    Hashed { sha256: String, bytes: u64 },
    /// The path is safe but nothing is there.
    Missing,
    /// The path leaves the evidence root (or is not a plain file); it was not opened.
    Refused(String),
}

impl FileStatus {
    /// The one-word status used in the evidence index and the reports.
    pub fn label(&self) -> &'static str {
        match self {
            FileStatus::None => "",
            FileStatus::Url => "url",
            FileStatus::NotChecked => "not checked",
            FileStatus::Hashed { .. } => "hashed",
            FileStatus::Missing => "missing",
            FileStatus::Refused(_) => "refused",
        }
    }

    pub fn sha256(&self) -> &str {
        match self {
            FileStatus::Hashed { sha256, .. } => sha256,
            _ => "",
        }
    }
}

/// How many evidence rows' files ended in each state: what an auditor asks first of an
/// evidence root ("346 of 349 files are missing" must not pass unsaid).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Completeness {
    pub hashed: usize,
    pub missing: usize,
    pub refused: usize,
    pub url: usize,
    pub not_checked: usize,
    /// Rows whose `evidence_file` is blank.
    pub blank: usize,
}

impl Completeness {
    pub fn of(files: &[FileStatus]) -> Completeness {
        let mut counts = Completeness::default();
        for status in files {
            match status {
                FileStatus::Hashed { .. } => counts.hashed += 1,
                FileStatus::Missing => counts.missing += 1,
                FileStatus::Refused(_) => counts.refused += 1,
                FileStatus::Url => counts.url += 1,
                FileStatus::NotChecked => counts.not_checked += 1,
                FileStatus::None => counts.blank += 1,
            }
        }
        counts
    }

    /// Rows that name a file on disk (hashed, missing or refused).
    pub fn named_on_disk(&self) -> usize {
        self.hashed + self.missing + self.refused
    }
}

/// Looks up and hashes every evidence row's file. Returns one status per row (same order)
/// and warnings: one for each refused path, naming its cell, and one counting the files
/// not found under the root, naming the first.
pub fn check_all(evidence: &[Evidence], root: Option<&Path>) -> (Vec<FileStatus>, Vec<String>) {
    let canonical_root = root.and_then(|r| r.canonicalize().ok());
    let mut warnings = Vec::new();
    let mut first_missing = None;
    let statuses: Vec<FileStatus> = evidence
        .iter()
        .map(|e| {
            let status = check(&e.file, root, canonical_root.as_deref());
            match &status {
                FileStatus::Refused(why) => warnings.push(format!(
                    "{}: {}!{}: evidence_file {:?} refused: {why}; it was not read",
                    e.source.file, e.source.sheet, e.source.row, e.file
                )),
                FileStatus::Missing if first_missing.is_none() => first_missing = Some(e),
                _ => {}
            }
            status
        })
        .collect();
    let counts = Completeness::of(&statuses);
    if let (Some(first), Some(root)) = (first_missing, root) {
        warnings.push(format!(
            "{} of {} evidence files named in the registers are not under the evidence root {} (the first: {}: {}!{}: {:?}); the auditor pack and evidence-index.csv mark each one missing",
            counts.missing,
            counts.named_on_disk(),
            root.display(),
            first.source.file,
            first.source.sheet,
            first.source.row,
            first.file
        ));
    }
    (statuses, warnings)
}

/// Judges one `evidence_file` cell.
pub fn check(text: &str, root: Option<&Path>, canonical_root: Option<&Path>) -> FileStatus {
    let text = text.trim();
    if text.is_empty() {
        return FileStatus::None;
    }
    let lower = text.to_ascii_lowercase();
    if ["http://", "https://", "s3://", "gs://", "sharepoint:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return FileStatus::Url;
    }
    let relative = match safe_relative_path(text) {
        Ok(path) => path,
        Err(why) => return FileStatus::Refused(why),
    };
    let (Some(root), Some(canonical_root)) = (root, canonical_root) else {
        return FileStatus::NotChecked;
    };
    let candidate = root.join(&relative);
    if std::fs::symlink_metadata(&candidate).is_err() {
        return FileStatus::Missing;
    }
    // Resolve every link on the way and insist the result is still inside the root.
    let Ok(resolved) = candidate.canonicalize() else {
        return FileStatus::Refused("a link that points nowhere".into());
    };
    if !resolved.starts_with(canonical_root) {
        return FileStatus::Refused("a link pointing outside the evidence root".into());
    }
    if !resolved.is_file() {
        return FileStatus::Refused("not a regular file".into());
    }
    match hash_file(&resolved) {
        Ok((sha256, bytes)) => FileStatus::Hashed { sha256, bytes },
        Err(e) => FileStatus::Refused(format!("cannot be read: {e}")),
    }
}

/// A relative path made only of normal components, or why the text is refused.
fn safe_relative_path(text: &str) -> Result<PathBuf, String> {
    let unified = text.replace('\\', "/");
    let bytes = unified.as_bytes();
    if unified.starts_with('/') || (bytes.len() >= 2 && bytes[1] == b':') {
        return Err(
            "an absolute path (evidence files are named relative to the evidence root)".into(),
        );
    }
    let path = PathBuf::from(&unified);
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => clean.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err("it climbs out of the evidence root with `..`".into())
            }
            Component::RootDir | Component::Prefix(_) => return Err("an absolute path".into()),
        }
    }
    if clean.as_os_str().is_empty() {
        return Err("not a file name".into());
    }
    Ok(clean)
}

/// SHA-256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((format!("{:x}", hasher.finalize()), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("evidence");
        std::fs::create_dir_all(root.join("q3")).unwrap();
        std::fs::write(root.join("q3/mfa.pdf"), b"mfa report").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"outside").unwrap();
        let canonical = root.canonicalize().unwrap();
        let judge = |text: &str| check(text, Some(&root), Some(&canonical));

        assert!(matches!(
            judge("q3/mfa.pdf"),
            FileStatus::Hashed { bytes: 10, .. }
        ));
        assert!(
            matches!(judge("q3\\mfa.pdf"), FileStatus::Hashed { .. }),
            "Windows separators"
        );
        assert_eq!(judge("q3/absent.pdf"), FileStatus::Missing);
        assert_eq!(judge("https://drive.example/x"), FileStatus::Url);
        assert_eq!(judge(""), FileStatus::None);
        for bad in [
            "../secret.txt",
            "../../etc/passwd",
            "q3/../../secret.txt",
            "/etc/passwd",
            "C:\\Windows\\win.ini",
        ] {
            assert!(
                matches!(judge(bad), FileStatus::Refused(_)),
                "{bad} must be refused"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("q3/link.txt"))
                .unwrap();
            assert_eq!(
                judge("q3/link.txt"),
                FileStatus::Refused("a link pointing outside the evidence root".into())
            );
        }
        // Without a root nothing is looked for, but unsafe paths are still refused.
        assert_eq!(check("q3/mfa.pdf", None, None), FileStatus::NotChecked);
        assert!(matches!(check("../x", None, None), FileStatus::Refused(_)));
    }
}
