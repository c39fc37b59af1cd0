//! `demarc bundle` and `demarc verify` end to end: a bundle of a small company with a few
//! evidence files verifies; each kind of tampering fails with its own message and exit
//! status; two bundles of the same inputs are byte-identical; signatures are checked.

use crate::support;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{d, row, small_company};

fn demarc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("demarc").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// What an evidence file under the root holds.
const IAM_PDF: &[u8] = b"%PDF-1.7 access review, signed by the CISO";
const APP_LOG: &[u8] = b"2026-09-01 deploy approved by change board\n";

/// One SaaS service, a control per customer/shared domain, and evidence rows naming
/// files: one found twice under two spellings, one with Windows separators, one climbing
/// out of the root, one absent, one a URL.
fn company(dir: &Path) -> PathBuf {
    let files = [
        ("IAM-1", "q3/iam.pdf"),
        ("IAM-1", "./q3/iam.pdf"),
        ("APP-1", "q3\\app-log.txt"),
        ("DATA-1", "../secret.txt"),
        ("END-1", "q3/absent.pdf"),
        ("APP-1", "https://drive.example/app.pdf"),
    ];
    let evidence = files
        .iter()
        .map(|(id, file)| {
            let mut r = row(&[id, "", "Quarterly review", file]);
            r.push(d(2026, 9, 1).into());
            r.push("Effective".into());
            r
        })
        .collect();
    small_company()
        .sheet(
            "Evidence",
            &[
                "control_id",
                "service",
                "evidence",
                "evidence_file",
                "collected_on",
                "result",
            ],
            evidence,
        )
        .write(dir, "q3.xlsx")
}

/// A company on disk, and one unsigned bundle of it (made once, shared by the tests that
/// only read or copy it).
struct Fixture {
    dir: PathBuf,
    bundle: PathBuf,
}

impl Fixture {
    /// `demarc bundle q3.xlsx --period 2026-Q3 --evidence-root evidence` plus `extra`.
    fn bundle(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        demarc(&self.dir)
            .args([
                "bundle",
                "q3.xlsx",
                "--period",
                "2026-Q3",
                "--evidence-root",
                "evidence",
            ])
            .args(extra)
            .assert()
    }

    /// A copy of the shared bundle that a test may change.
    fn copy(&self, name: &str) -> PathBuf {
        let path = self.dir.join("copies").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(&self.bundle, &path).unwrap();
        path
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // Under the target directory, kept for the whole run (statics are never dropped).
        let dir = tempfile::Builder::new()
            .prefix("bundle-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap()
            .keep();
        let root = dir.join("evidence");
        std::fs::create_dir_all(root.join("q3")).unwrap();
        std::fs::write(root.join("q3/iam.pdf"), IAM_PDF).unwrap();
        std::fs::write(root.join("q3/app-log.txt"), APP_LOG).unwrap();
        std::fs::write(dir.join("secret.txt"), b"outside the evidence root").unwrap();
        company(&dir);
        let fixture = Fixture {
            bundle: dir.join("output/2026-Q3/evidence-bundle-2026-Q3.zip"),
            dir,
        };
        fixture.bundle(&[]).success();
        fixture
    })
}

/// Runs `demarc verify` on a bundle: (exit status, stdout, stderr).
fn verify(dir: &Path, bundle: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = demarc(dir)
        .arg("verify")
        .arg(bundle)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every entry of a zip, in order, with its bytes.
fn entries(bundle: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// Writes a new zip from `entries`, as someone repacking a bundle by hand would.
fn repack(bundle: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(bundle).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn manifest(bundle: &Path) -> Value {
    let (_, bytes) = entries(bundle)
        .into_iter()
        .find(|(n, _)| n == "manifest.json")
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn a_fresh_bundle_holds_reports_inputs_and_evidence_and_verifies() {
    let f = fixture();
    let names: Vec<String> = entries(&f.bundle).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "evidence/q3/app-log.txt",
            "evidence/q3/iam.pdf",
            "inputs/q3.xlsx",
            "reports/assessment-results.json",
            "reports/auditor-pack.pdf",
            "reports/auditor-workbook.xlsx",
            "reports/board-report.pdf",
            "reports/evidence-index.csv",
            "reports/findings.csv",
            "reports/findings.json",
            "reports/vendors/Okta.pdf",
        ],
        "manifest first, the rest sorted; the file named twice is there once, the refused one not at all"
    );

    let m = manifest(&f.bundle);
    assert_eq!(m["format"], "demarc-evidence-bundle");
    assert_eq!(m["tool"]["name"], "demarc");
    assert_eq!(m["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["period"]["label"], "2026-Q3");
    assert_eq!(m["period"]["start"], "2026-07-01");
    assert_eq!(m["period"]["end"], "2026-09-30");
    assert_eq!(m["as_of"], "2026-09-30");
    assert_eq!(
        m["model"]["sha256"],
        sha256(demarc::model::Model::default().to_toml().as_bytes())
    );
    let workbook = std::fs::read(f.dir.join("q3.xlsx")).unwrap();
    assert_eq!(m["inputs"][0]["entry"], "inputs/q3.xlsx");
    assert_eq!(m["inputs"][0]["sha256"], sha256(&workbook));
    let listed = |path: &str| {
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .cloned()
    };
    let iam = listed("evidence/q3/iam.pdf").unwrap();
    assert_eq!(iam["sha256"], sha256(IAM_PDF));
    assert_eq!(iam["bytes"], IAM_PDF.len());
    assert!(
        listed("manifest.json").is_none(),
        "the manifest does not list itself"
    );

    // Every evidence row naming a file is accounted for, never silently dropped.
    let status_of = |file: &str| {
        let row = m["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["file"] == file)
            .unwrap()
            .clone();
        (row["status"].as_str().unwrap().to_string(), row)
    };
    assert_eq!(status_of("q3/iam.pdf").0, "hashed");
    assert_eq!(status_of("./q3/iam.pdf").1["entry"], "evidence/q3/iam.pdf");
    assert_eq!(
        status_of("q3\\app-log.txt").1["entry"],
        "evidence/q3/app-log.txt"
    );
    let (refused, row) = status_of("../secret.txt");
    assert_eq!(refused, "refused");
    assert!(row["reason"].as_str().unwrap().contains(".."), "{row}");
    assert_eq!(row["source"]["sheet"], "Evidence");
    assert_eq!(status_of("q3/absent.pdf").0, "missing");
    assert_eq!(status_of("https://drive.example/app.pdf").0, "url");

    // The reports inside are the ones `report` writes: the evidence index has the hashes.
    let (_, index) = entries(&f.bundle)
        .into_iter()
        .find(|(n, _)| n == "reports/evidence-index.csv")
        .unwrap();
    assert!(String::from_utf8(index).unwrap().contains(&sha256(IAM_PDF)));

    // Fixed metadata: no clock, no umask.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&f.bundle).unwrap()).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let time = entry.last_modified().unwrap();
        assert_eq!(
            (time.year(), time.month(), time.day()),
            (1980, 1, 1),
            "{:?}",
            entry.name()
        );
        assert_eq!(
            entry.unix_mode().unwrap() & 0o777,
            0o644,
            "{:?}",
            entry.name()
        );
        assert!(
            entry.extra_data().is_none_or(|e| e.is_empty()),
            "{:?} has extra fields",
            entry.name()
        );
    }

    let (code, stdout, stderr) = verify(&f.dir, &f.bundle, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("verified: all 11 files match the manifest (unsigned)"),
        "{stdout}"
    );
    assert!(stdout.contains("signature: unsigned"), "{stdout}");
    assert!(
        stdout.contains("  ok       evidence/q3/iam.pdf\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("refused  q3.xlsx: Evidence!5: \"../secret.txt\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("missing  q3.xlsx: Evidence!6: \"q3/absent.pdf\""),
        "{stdout}"
    );
}

#[test]
fn the_same_inputs_give_a_byte_identical_bundle() {
    let f = fixture();
    f.bundle(&["--out", "again/bundle.zip"]).success();
    let first = std::fs::read(&f.bundle).unwrap();
    let second = std::fs::read(f.dir.join("again/bundle.zip")).unwrap();
    assert!(first == second, "two bundles of the same inputs differ");
}

#[test]
fn a_changed_byte_in_an_evidence_file_is_altered() {
    let f = fixture();
    let bundle = f.copy("altered.zip");
    let mut all = entries(&bundle);
    let iam = all
        .iter_mut()
        .find(|(n, _)| n == "evidence/q3/iam.pdf")
        .unwrap();
    iam.1[10] ^= 0x20;
    let changed = sha256(&iam.1);
    repack(&bundle, &all);
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "  ALTERED  evidence/q3/iam.pdf: its SHA-256 is {changed} ({} bytes); the manifest says {} ({} bytes)",
            IAM_PDF.len(),
            sha256(IAM_PDF),
            IAM_PDF.len()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("  ok       inputs/q3.xlsx\n"),
        "the other files still match: {stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: 1 altered; 10 of 11 listed files match"),
        "{stdout}"
    );
}

#[test]
fn a_byte_flipped_inside_the_archive_is_damaged() {
    let f = fixture();
    let bundle = f.copy("damaged.zip");
    let mut bytes = std::fs::read(&bundle).unwrap();
    // PDFs are stored uncompressed, so the evidence file's bytes are there to change.
    let at = bytes
        .windows(IAM_PDF.len())
        .position(|w| w == IAM_PDF)
        .unwrap();
    bytes[at + 10] ^= 0x20;
    std::fs::write(&bundle, bytes).unwrap();
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("  DAMAGED  evidence/q3/iam.pdf: cannot be read back intact ("),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: 1 damaged"),
        "{stdout}"
    );
}

#[test]
fn an_added_file_fails() {
    let f = fixture();
    let bundle = f.copy("added.zip");
    let mut all = entries(&bundle);
    all.push((
        "evidence/q3/late.pdf".into(),
        b"slipped in afterwards".to_vec(),
    ));
    repack(&bundle, &all);
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(
            "  ADDED    evidence/q3/late.pdf: in the bundle but not listed in the manifest"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: 1 added; 11 of 11 listed files match"),
        "{stdout}"
    );
}

#[test]
fn a_removed_file_fails() {
    let f = fixture();
    let bundle = f.copy("removed.zip");
    let all: Vec<_> = entries(&bundle)
        .into_iter()
        .filter(|(n, _)| n != "reports/findings.csv")
        .collect();
    repack(&bundle, &all);
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(
            "  MISSING  reports/findings.csv: listed in the manifest but not in the bundle"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: 1 missing; 10 of 11 listed files match"),
        "{stdout}"
    );
}

#[test]
fn an_edited_manifest_fails_each_way_with_its_own_message() {
    let f = fixture();
    let edit = |name: &str, change: &dyn Fn(Vec<u8>) -> Option<Vec<u8>>| {
        let bundle = f.copy(name);
        let all: Vec<_> = entries(&bundle)
            .into_iter()
            .filter_map(|(n, b)| {
                if n == "manifest.json" {
                    change(b).map(|b| (n, b))
                } else {
                    Some((n, b))
                }
            })
            .collect();
        repack(&bundle, &all);
        verify(&f.dir, &bundle, &[])
    };

    // A hash edited to match a substitute file: the real file no longer matches it.
    let (code, stdout, _) = edit("hash.zip", &|bytes| {
        let mut m: Value = serde_json::from_slice(&bytes).unwrap();
        let files = m["files"].as_array_mut().unwrap();
        let csv = files
            .iter_mut()
            .find(|f| f["path"] == "reports/findings.csv")
            .unwrap();
        csv["sha256"] = Value::from("0".repeat(64));
        Some(serde_json::to_vec_pretty(&m).unwrap())
    });
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("  ALTERED  reports/findings.csv: its SHA-256 is "),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("the manifest says {}", "0".repeat(64))),
        "{stdout}"
    );

    let (code, stdout, _) = edit("not-json.zip", &|mut bytes| {
        bytes.truncate(bytes.len() / 2);
        Some(bytes)
    });
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAILED: manifest.json is not valid JSON ("),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: without a manifest no file could be checked"),
        "{stdout}"
    );

    let (code, stdout, _) = edit("not-ours.zip", &|_| {
        Some(br#"{"format": "something-else", "files": []}"#.to_vec())
    });
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAILED: manifest.json is not a demarc bundle manifest: its format is \"something-else\""),
        "{stdout}"
    );

    let (code, stdout, _) = edit("no-manifest.zip", &|_| None);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAILED: the bundle has no manifest.json"),
        "{stdout}"
    );
}

#[test]
fn a_file_that_is_no_zip_cannot_be_verified() {
    let f = fixture();
    let path = f.dir.join("copies/not-a-zip.zip");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"this is not an archive").unwrap();
    let (code, stdout, stderr) = verify(&f.dir, &path, &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot be verified: not a zip archive"),
        "{stderr}"
    );

    let (code, _, stderr) = verify(&f.dir, &f.dir.join("absent.zip"), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("absent.zip: cannot be verified: cannot open it"),
        "{stderr}"
    );
}

#[test]
fn signatures_name_their_key_and_fail_when_broken_or_foreign() {
    let f = fixture();
    let keys = f.dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for name in ["a.key", "b.key"] {
        demarc(&keys)
            .args(["bundle", "--generate-key", name])
            .assert()
            .success();
    }
    f.bundle(&["--sign", "keys/a.key", "--out", "signed/bundle.zip"])
        .success();
    let signed = f.dir.join("signed/bundle.zip");
    let names: Vec<String> = entries(&signed).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[..2], ["manifest.json", "manifest.sig"]);

    let (code, stdout, _) = verify(&f.dir, &signed, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("signature: valid, made by key SHA256:"),
        "{stdout}"
    );
    assert!(stdout.contains("(signed, signer not checked)"), "{stdout}");

    // The secret key given where the public key goes: an input error (exit 2) that says
    // so, not "WRONG KEY".
    let (code, stdout, stderr) = verify(&f.dir, &signed, &["--public-key", "keys/a.key"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("keys/a.key: this is a secret (signing) key, not a public key"),
        "{stderr}"
    );
    assert!(!stdout.contains("WRONG KEY"), "{stdout}");

    let (code, stdout, _) = verify(&f.dir, &signed, &["--public-key", "keys/a.key.pub"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("signature: valid, made by the --public-key key (SHA256:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verified: all 11 files match the manifest (signed by the expected key)"),
        "{stdout}"
    );

    let (code, stdout, _) = verify(&f.dir, &signed, &["--public-key", "keys/b.key.pub"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("signature: WRONG KEY — signed by SHA256:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verification FAILED: signature not accepted; 11 of 11 listed files match"),
        "{stdout}"
    );

    // Unsigned, but the auditor expects a signature.
    let (code, stdout, _) = verify(&f.dir, &f.bundle, &["--public-key", "keys/a.key.pub"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("signature: MISSING — --public-key (SHA256:"),
        "{stdout}"
    );

    // The manifest edited after signing, every hash left alone: only the signature tells.
    let edited = f.dir.join("signed/edited.zip");
    let all: Vec<_> = entries(&signed)
        .into_iter()
        .map(|(n, b)| {
            if n == "manifest.json" {
                let text = String::from_utf8(b)
                    .unwrap()
                    .replace("\"2026-Q3\"", "\"2026-Q2\"");
                (n, text.into_bytes())
            } else {
                (n, b)
            }
        })
        .collect();
    repack(&edited, &all);
    let (code, stdout, _) = verify(&f.dir, &edited, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("signature: INVALID — manifest.sig (key SHA256:"),
        "{stdout}"
    );
    assert!(stdout.contains("does not match manifest.json"), "{stdout}");

    // A signed bundle is deterministic too (Ed25519 signatures are).
    f.bundle(&["--sign", "keys/a.key", "--out", "signed/again.zip"])
        .success();
    assert!(
        std::fs::read(&signed).unwrap() == std::fs::read(f.dir.join("signed/again.zip")).unwrap()
    );
}

#[test]
fn a_bad_key_or_evidence_root_stops_the_run_before_anything_is_written() {
    let f = fixture();
    std::fs::write(f.dir.join("bad.key"), "not a key\n").unwrap();
    let out = f
        .bundle(&["--sign", "bad.key", "--out", "never/bundle.zip"])
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr
            .contains("bad.key: expected a secret key: the 32-byte Ed25519 seed as 64 hex digits"),
        "{stderr}"
    );
    assert!(!f.dir.join("never/bundle.zip").exists());

    let out = demarc(&f.dir)
        .args([
            "bundle",
            "q3.xlsx",
            "--period",
            "2026-Q3",
            "--evidence-root",
            "no-such-dir",
            "--out",
            "never/b.zip",
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("no-such-dir: --evidence-root is not a directory"),
        "{stderr}"
    );
}

/// The samples, sealed with the few evidence files they ship: the sample workbook names
/// its files `YYYY-MM/…`, relative to `samples/evidence/`, where three of them are.
#[test]
fn the_samples_bundle_with_a_few_evidence_files_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/evidence");
    let files = [
        "2026-09/iam-01.pdf",
        "2026-09/iam-03.pdf",
        "2026-09/net-04.pdf",
    ];
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("q3.zip");
    demarc(repo)
        .args([
            "bundle",
            "--config",
            "samples/demarc.toml",
            "--evidence-root",
        ])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let m = manifest(&out);
    let hashed: Vec<&str> = m["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "hashed")
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(hashed.len(), files.len(), "{hashed:?}");
    let missing = m["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "missing")
        .count();
    assert!(
        missing > 300,
        "the sample's other evidence rows are listed as missing, not dropped"
    );
    let names: Vec<String> = entries(&out).into_iter().map(|(n, _)| n).collect();
    for wanted in [
        "reports/board-report.pdf",
        "reports/auditor-pack.pdf",
        "reports/findings.json",
        "inputs/northwind.xlsx",
        "evidence/2026-09/iam-01.pdf",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in the bundle: {names:?}"
        );
    }
    let (code, stdout, _) = verify(repo, &out, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("verified: all"), "{stdout}");
}

/// Issue 15: a forged "verified". findings.json is altered, and one entry's name holds
/// clear-screen and cursor-home sequences followed by a fake report. On a terminal the
/// old output *showed* only `ok` lines and "verified: all … files match". Now no escape
/// byte reaches the terminal, the fake lines stay inside one escaped line, and the
/// verdict is the first line and the last.
#[test]
fn a_zip_entry_named_with_escape_sequences_cannot_forge_verified() {
    let f = fixture();
    let bundle = f.copy("forged.zip");
    let mut all = entries(&bundle);
    for (name, bytes) in all.iter_mut() {
        if name == "reports/findings.json" {
            bytes.extend_from_slice(b" ");
        }
    }
    let fake = "\u{1b}[2J\u{1b}[H  ok       reports/findings.json\nverified: all 11 files match the manifest (unsigned)\u{1b}]0;demarc\u{7}\u{9b}8m";
    all.push((format!("x{fake}"), b"x".to_vec()));
    repack(&bundle, &all);
    let output = demarc(&f.dir).arg("verify").arg(&bundle).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.bytes().any(|b| b == 0x1b || b == 0x07),
        "an escape or bell byte reached the terminal:\n{stdout:?}"
    );
    assert!(!stdout.contains('\u{9b}'), "a C1 CSI reached the terminal");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("verification FAILED: 1 altered, 1 added"),
        "the verdict comes first: {:?}",
        lines[0]
    );
    assert_eq!(lines.last(), lines.first(), "and last, alone: {stdout}");
    assert!(
        !lines.iter().any(|l| l.starts_with("verified:")),
        "a line of the file name passes for demarc's verdict:\n{stdout}"
    );
    assert!(
        stdout.contains(
            "  ADDED    x\\u{1b}[2J\\u{1b}[H  ok       reports/findings.json\\nverified: all 11 files match"
        ),
        "{stdout}"
    );
}

/// Issue 15: `--out` naming a file the bundle reads or seals would overwrite it with a
/// zip of itself. Refused, and the file is left as it was.
#[test]
fn a_bundle_named_like_one_of_its_own_inputs_is_refused() {
    let f = fixture();
    let register = f.dir.join("q3.xlsx");
    let before = std::fs::read(&register).unwrap();
    for (out, what) in [
        ("q3.xlsx", "an input"),
        ("./evidence/../q3.xlsx", "an input"),
        ("evidence/q3/iam.pdf", "an evidence file"),
    ] {
        let evidence_before = std::fs::read(f.dir.join("evidence/q3/iam.pdf")).unwrap();
        let assert = f.bundle(&["--out", out]).code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("{out}: --out names {what} of this bundle")),
            "{stderr}"
        );
        assert_eq!(std::fs::read(&register).unwrap(), before);
        assert_eq!(
            std::fs::read(f.dir.join("evidence/q3/iam.pdf")).unwrap(),
            evidence_before
        );
    }
}

/// Issue 15: unzipping and re-zipping a bundle adds entries for its folders (`inputs/`,
/// `reports/`). They are not files: the bundle still verifies. A "folder" holding bytes is
/// still a file added.
#[test]
fn folder_entries_of_a_rezipped_bundle_are_not_files_added() {
    let f = fixture();
    let bundle = f.copy("rezipped.zip");
    let all = entries(&bundle);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&bundle).unwrap());
    for folder in ["evidence/", "inputs/", "reports/"] {
        zip.add_directory(folder, zip::write::SimpleFileOptions::default())
            .unwrap();
    }
    for (name, bytes) in &all {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("ADDED"), "{stdout}");

    let mut with_bytes = entries(&bundle);
    with_bytes.push(("notes/".into(), b"not a folder".to_vec()));
    repack(&bundle, &with_bytes);
    let (code, stdout, _) = verify(&f.dir, &bundle, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("ADDED    notes/"), "{stdout}");
}
