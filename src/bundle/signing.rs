//! Signing a bundle: Ed25519 keys as small text files, and `manifest.sig`, a signature
//! over the exact bytes of `manifest.json`. Since the manifest holds every file's SHA-256,
//! signing it seals the whole bundle. Owns key files and signatures, not the zip.
//!
//! Key files are text: lines starting with `#` are comments, the one other line is the key
//! as hex: 64 digits, the 32-byte seed for a secret key, the 32-byte public key for a
//! public key. `manifest.sig` is JSON holding the signature and public key as hex, so a
//! bundle can also be checked with OpenSSL (the README shows how).

use super::BundleError;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The only algorithm `manifest.sig` names.
const ALGORITHM: &str = "ed25519";

/// `manifest.sig`: the signature and the key that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The file whose exact bytes were signed: `manifest.json`.
    pub signed_file: String,
    /// The signer's public key, hex.
    pub public_key: String,
    /// [`fingerprint`] of the public key, for people comparing keys by eye.
    pub public_key_fingerprint: String,
    /// The 64-byte signature, hex.
    pub signature: String,
}

/// What the signature of a bundle says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No `manifest.sig`, and no key was expected.
    Unsigned,
    /// No `manifest.sig`, but `--public-key` asked for one.
    UnsignedButExpected { expected: String },
    /// A good signature over the manifest; `key_checked` when it was made by the key given
    /// with `--public-key`.
    Valid {
        fingerprint: String,
        key_checked: bool,
    },
    /// A signature that does not match the manifest: one of them was changed.
    Invalid { fingerprint: String },
    /// A good signature, but by another key than the one expected.
    WrongKey { found: String, expected: String },
    /// `manifest.sig` cannot be understood.
    Malformed(String),
}

impl SignatureCheck {
    /// Whether the signature lets the bundle pass.
    pub fn passes(&self) -> bool {
        matches!(
            self,
            SignatureCheck::Unsigned | SignatureCheck::Valid { .. }
        )
    }
}

/// A public key's fingerprint: `SHA256:` and the hex SHA-256 of its 32 bytes.
pub fn fingerprint(key: &VerifyingKey) -> String {
    format!("SHA256:{}", to_hex(&Sha256::digest(key.as_bytes())))
}

/// Signs the manifest's bytes; returns the contents of `manifest.sig`.
pub fn sign(key: &SigningKey, manifest: &[u8]) -> Vec<u8> {
    let public = key.verifying_key();
    let file = SignatureFile {
        algorithm: ALGORITHM.into(),
        signed_file: super::manifest::MANIFEST_NAME.into(),
        public_key: to_hex(public.as_bytes()),
        public_key_fingerprint: fingerprint(&public),
        signature: to_hex(&key.sign(manifest).to_bytes()),
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("a signature file is JSON");
    bytes.push(b'\n');
    bytes
}

/// Checks `manifest.sig` (if the bundle has one) against the manifest's bytes and, when
/// given, the key it must have been made with.
pub fn check(
    signature: Option<&[u8]>,
    manifest: &[u8],
    expected: Option<&VerifyingKey>,
) -> SignatureCheck {
    let Some(bytes) = signature else {
        return match expected {
            Some(key) => SignatureCheck::UnsignedButExpected {
                expected: fingerprint(key),
            },
            None => SignatureCheck::Unsigned,
        };
    };
    let file: SignatureFile = match serde_json::from_slice(bytes) {
        Ok(file) => file,
        Err(e) => return SignatureCheck::Malformed(format!("not a demarc signature file: {e}")),
    };
    if file.algorithm != ALGORITHM {
        return SignatureCheck::Malformed(format!("algorithm {:?} is not ed25519", file.algorithm));
    }
    if file.signed_file != super::manifest::MANIFEST_NAME {
        return SignatureCheck::Malformed(format!(
            "it signs {:?}, not manifest.json",
            file.signed_file
        ));
    }
    let Some(public) =
        from_hex::<32>(&file.public_key).and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return SignatureCheck::Malformed(
            "its public_key is not an Ed25519 public key (64 hex digits)".into(),
        );
    };
    let Some(signature) = from_hex::<64>(&file.signature).map(|b| Signature::from_bytes(&b)) else {
        return SignatureCheck::Malformed("its signature is not 128 hex digits".into());
    };
    let found = fingerprint(&public);
    if public.verify_strict(manifest, &signature).is_err() {
        return SignatureCheck::Invalid { fingerprint: found };
    }
    match expected {
        Some(key) if *key != public => SignatureCheck::WrongKey {
            found,
            expected: fingerprint(key),
        },
        Some(_) => SignatureCheck::Valid {
            fingerprint: found,
            key_checked: true,
        },
        None => SignatureCheck::Valid {
            fingerprint: found,
            key_checked: false,
        },
    }
}

/// Reads a secret key file.
pub fn load_secret_key(path: &Path) -> Result<SigningKey, BundleError> {
    let seed = read_key_file::<32>(
        path,
        "a secret key: the 32-byte Ed25519 seed as 64 hex digits",
    )?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key file.
pub fn load_public_key(path: &Path) -> Result<VerifyingKey, BundleError> {
    let bytes = read_key_file::<32>(path, "a public key: 64 hex digits")?;
    // A secret key is 64 hex digits too: read as a public key it would only ever give
    // "WRONG KEY", while a secret is being handed around. demarc's secret key files say
    // what they are in their first comment (read_key_file has bounded the file's size).
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let says_secret = text
        .lines()
        .any(|l| l.starts_with('#') && l.to_lowercase().contains("secret key"));
    if says_secret {
        return Err(BundleError::Key {
            path: path.to_path_buf(),
            message: "this is a secret (signing) key, not a public key: give the signer's FILE.pub (written beside the key by --generate-key), and keep this file private".into(),
        });
    }
    VerifyingKey::from_bytes(&bytes).map_err(|_| BundleError::Key {
        path: path.to_path_buf(),
        message: "not a valid Ed25519 public key".into(),
    })
}

/// Makes a new key pair: the secret key in `path` (readable by its owner only), the public
/// key in `path.pub`. Refuses to replace either file. Returns the public key's path and
/// fingerprint.
pub fn generate(path: &Path) -> Result<(PathBuf, String), BundleError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| BundleError::Key {
        path: path.to_path_buf(),
        message: format!("the system gave no random bytes: {e}"),
    })?;
    let key = SigningKey::from_bytes(&seed);
    let public = key.verifying_key();
    let print = fingerprint(&public);
    let mut public_path = path.as_os_str().to_owned();
    public_path.push(".pub");
    let public_path = PathBuf::from(public_path);
    if public_path.exists() {
        return Err(BundleError::Key {
            path: public_path,
            message: "already exists; demarc will not replace a key".into(),
        });
    }
    let secret = format!(
        "# demarc Ed25519 secret key: the 32-byte seed as hex. Keep it private.\n# public key fingerprint: {print}\n{}\n",
        to_hex(&seed)
    );
    write_new(path, secret.as_bytes(), 0o600)?;
    let public_text = format!(
        "# demarc Ed25519 public key, fingerprint {print}\n{}\n",
        to_hex(public.as_bytes())
    );
    write_new(&public_path, public_text.as_bytes(), 0o644)?;
    Ok((public_path, print))
}

/// Creates a file that must not exist yet, with the given Unix mode.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), BundleError> {
    let fail = |e: std::io::Error| BundleError::Key {
        path: path.to_path_buf(),
        message: if e.kind() == std::io::ErrorKind::AlreadyExists {
            "already exists; demarc will not replace a key".into()
        } else {
            format!("cannot write: {e}")
        },
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Reads a key file: comments (`#`) and blank lines skipped, one line of `2 * N` hex digits.
fn read_key_file<const N: usize>(path: &Path, what: &str) -> Result<[u8; N], BundleError> {
    let fail = |message: String| BundleError::Key {
        path: path.to_path_buf(),
        message,
    };
    let metadata =
        std::fs::metadata(path).map_err(|e| fail(format!("cannot read the key: {e}")))?;
    if !metadata.is_file() {
        return Err(fail(crate::ingest::NOT_A_REGULAR_FILE.to_string()));
    }
    if metadata.len() > 4096 {
        return Err(fail(format!("too large to be {what}")));
    }
    let text = crate::small_file::read_text(path, 4096)
        .map_err(|e| fail(format!("cannot read the key: {e}")))?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    match lines.as_slice() {
        [line] => from_hex::<N>(line).ok_or_else(|| {
            fail(format!(
                "expected {what}, found {} characters that are not that",
                line.len()
            ))
        }),
        _ => Err(fail(format!(
            "expected {what} on one line (lines starting with # are comments)"
        ))),
    }
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes from `2 * N` hex digits (either case).
fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != 2 * N {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; N];
    for (i, pair) in text.chunks(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_checks_and_names_the_key() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        let manifest = b"{\"format\":\"demarc-evidence-bundle\"}\n";
        let sig = sign(&key, manifest);
        let mine = fingerprint(&key.verifying_key());
        assert_eq!(
            check(Some(&sig), manifest, None),
            SignatureCheck::Valid {
                fingerprint: mine.clone(),
                key_checked: false
            }
        );
        assert_eq!(
            check(Some(&sig), manifest, Some(&key.verifying_key())),
            SignatureCheck::Valid {
                fingerprint: mine.clone(),
                key_checked: true
            }
        );
        assert_eq!(
            check(Some(&sig), manifest, Some(&other)),
            SignatureCheck::WrongKey {
                found: mine.clone(),
                expected: fingerprint(&other)
            }
        );
        assert_eq!(
            check(Some(&sig), b"{}", None),
            SignatureCheck::Invalid { fingerprint: mine }
        );
        assert!(matches!(
            check(Some(b"nonsense"), manifest, None),
            SignatureCheck::Malformed(_)
        ));
        assert_eq!(check(None, manifest, None), SignatureCheck::Unsigned);
        assert!(!check(None, manifest, Some(&other)).passes());
    }

    #[test]
    fn key_files_are_hex_with_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");
        let (public_path, print) = generate(&path).unwrap();
        let secret = load_secret_key(&path).unwrap();
        let public = load_public_key(&public_path).unwrap();
        assert_eq!(secret.verifying_key(), public);
        assert_eq!(fingerprint(&public), print);
        let again = generate(&path).unwrap_err().to_string();
        assert!(again.contains("will not replace"), "{again}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let bare = dir.path().join("bare.key");
        std::fs::write(&bare, format!("{}\n", "AB".repeat(32))).unwrap();
        assert!(load_secret_key(&bare).is_ok(), "upper-case hex, no comment");
        std::fs::write(&bare, "abc\n").unwrap();
        let err = load_secret_key(&bare).unwrap_err().to_string();
        assert!(err.contains("64 hex digits"), "{err}");
    }
}
