//! Writing a run's outputs: each one's content (in memory, or staged in full beside its
//! place), the order they are listed in, vendors' file names, and files written so that a
//! reader sees the old content or the new, never a part.

use super::RenderError;
use std::io::Write;
use std::path::Path;

/// One rendered output, ready to be written.
pub struct Output {
    /// Path relative to the period's output directory.
    pub name: String,
    pub content: Content,
}

/// An output's content: in memory, or already written in full to a synced temporary file
/// beside its place (see [`super::ReportOptions::stage_in`]), waiting to be renamed into it.
pub enum Content {
    Bytes(Vec<u8>),
    Staged(tempfile::NamedTempFile),
}

impl Output {
    /// The content's bytes (read back from disk when staged).
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.content {
            Content::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Content::Staged(temp) => std::fs::read(temp.path()).map(std::borrow::Cow::Owned),
        }
    }
}

/// Where an output comes in the list of written files: the findings document, the
/// indexes and the auditor workbook first, then the board report, the auditor pack, its appendix, the vendor packs.
pub(super) fn output_rank(name: &str) -> (u8, String) {
    let rank = match name {
        "findings.json" => 0,
        "findings.csv" => 1,
        "evidence-index.csv" => 2,
        "assessment-results.json" => 3,
        super::workbook::NAME => 4,
        "board-report.pdf" => 5,
        "auditor-pack.pdf" => 6,
        _ if name.starts_with("vendors/") => 8,
        _ => 7,
    };
    (rank, name.to_string())
}

/// A file name for a vendor: letters, digits, `-` and `_` kept, the rest `-`; a suffix
/// when two vendors would share a name.
pub(super) fn unique_file_stem(
    vendor: &str,
    used: &mut std::collections::BTreeSet<String>,
) -> String {
    let mut stem: String = vendor
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    stem = stem.trim_matches('-').to_string();
    if stem.is_empty() {
        stem = "vendor".into();
    }
    // File systems allow 255 bytes a name: a long vendor name keeps its first 80 bytes and
    // a hash of the whole, so that two long names sharing a beginning stay apart.
    const MAX_STEM_BYTES: usize = 80;
    if stem.len() > MAX_STEM_BYTES {
        let mut cut = MAX_STEM_BYTES;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        let digest = <sha2::Sha256 as sha2::Digest>::digest(vendor.as_bytes());
        let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        stem = format!("{}-{hash}", stem[..cut].trim_end_matches('-'));
    }
    let mut candidate = stem.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

/// Writes a file so that readers see either the old content or the new, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    persist(stage(path, bytes)?, path)
}

pub(crate) fn write_error(path: &Path) -> impl Fn(std::io::Error) -> RenderError + '_ {
    move |source| RenderError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` in full to a synced temporary file in `path`'s directory.
pub(super) fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, RenderError> {
    stage_with(path, |file| file.write_all(bytes))
}

/// Writes a file's content with `write` to a synced temporary file in `path`'s directory.
pub(super) fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile, RenderError> {
    let fail = write_error(path);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(&fail)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".demarc-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(&fail)?;
    write(temp.as_file_mut()).map_err(&fail)?;
    temp.as_file().sync_all().map_err(&fail)?;
    // Temporary files are private (0600); reports are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(&fail)?;
    }
    Ok(temp)
}

/// Renames a staged file into place.
pub(super) fn persist(temp: tempfile::NamedTempFile, path: &Path) -> Result<(), RenderError> {
    temp.persist(path).map_err(|e| write_error(path)(e.error))?;
    Ok(())
}
