//! Reading the small text files demarc is pointed at — the settings file, a model, a
//! domain mapping, last period's findings.json, a key — with a bound on what is read.
//!
//! `std::fs::read_to_string` reads until the end of the file: given `/dev/zero` it reads
//! until memory runs out, and given a FIFO it waits for a writer forever. So only regular
//! files are read, and only up to a size far beyond what such a file needs.

use std::io::Read;
use std::path::Path;

/// A settings, model or mapping file larger than this is not one (they are kilobytes).
pub const SETTINGS_MAX_BYTES: u64 = 16 << 20;

/// The largest findings.json `--previous` reads (the same as the default `file_mb`).
pub const FINDINGS_MAX_BYTES: u64 = 512 << 20;

/// Reads a regular file of at most `max_bytes` as UTF-8 text; the error says why not, in
/// words fit to follow "cannot read …: ".
pub fn read_text(path: &Path, max_bytes: u64) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a FIFO, socket or device): demarc reads only regular files",
        ));
    }
    let too_large = || {
        std::io::Error::other(format!(
            "the file is larger than {} MB, far more than such a file needs",
            max_bytes >> 20
        ))
    };
    if meta.len() > max_bytes {
        return Err(too_large());
    }
    // Read no more than the bound, even if the file grew since it was measured.
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_oversized_files_are_refused_without_reading_them() {
        #[cfg(unix)]
        {
            let err = read_text(Path::new("/dev/zero"), 1024).unwrap_err();
            assert!(err.to_string().starts_with("not a regular file"), "{err}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'#'; (2 << 20) + 1]).unwrap();
        let err = read_text(&path, 2 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file is larger than 2 MB, far more than such a file needs"
        );
        std::fs::write(&path, "period = \"2026-Q3\"\n").unwrap();
        assert_eq!(read_text(&path, 2 << 20).unwrap(), "period = \"2026-Q3\"\n");
    }
}
