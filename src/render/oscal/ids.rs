//! The document's identifiers: version-5 UUIDs derived from the content they name (so the
//! same inputs give the same document), and OSCAL tokens for control ids and demarc's rules.

use super::NS;
use crate::findings::Code;
use crate::inputs::names::key;
use crate::inputs::Inputs;
use crate::Run;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// Version-5 UUIDs under the document's own: the document's is derived from the
/// organisation and the period, every other one from it and the content it names.
pub(super) struct Ids {
    /// The document's own UUID, under which every other is derived.
    pub(super) root: Uuid,
    used: HashSet<Uuid>,
}

impl Ids {
    pub(super) fn new(run: &Run) -> Ids {
        let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
        let root = Uuid::new_v5(
            &namespace,
            &name(&[
                "assessment-results",
                run.organisation.as_deref().unwrap_or(""),
                &run.period.label,
                &run.period.start.to_string(),
                &run.period.end.to_string(),
            ]),
        );
        Ids {
            root,
            used: HashSet::from([root]),
        }
    }

    /// The UUID for `parts`; should two things have the same parts, the later one's gets a
    /// counter, so UUIDs are unique in the document and still the same from run to run.
    pub(super) fn make(&mut self, parts: &[&str]) -> String {
        let mut parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        let mut n = 0u64;
        loop {
            let id = Uuid::new_v5(&self.root, &name(&parts));
            if self.used.insert(id) {
                return id.to_string();
            }
            n += 1;
            if n > 1 {
                parts.pop();
            }
            parts.push(n.to_string());
        }
    }
}

/// The name a UUID is derived from: the parts as a JSON array, so that no choice of text
/// in one part can make two different lists of parts look alike.
fn name<S: AsRef<str>>(parts: &[S]) -> Vec<u8> {
    let parts: Vec<&str> = parts.iter().map(AsRef::as_ref).collect();
    serde_json::to_vec(&parts).expect("strings are JSON")
}

/// Control id key → its OSCAL token, for every control of the catalogue (first row's
/// spelling).
pub(super) fn control_tokens(inputs: &Inputs) -> BTreeMap<String, String> {
    let mut tokens = BTreeMap::new();
    for control in &inputs.controls {
        tokens
            .entry(key(&control.id))
            .or_insert_with(|| token(&control.id));
    }
    tokens
}

/// An OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`) for a control id: the id itself
/// when it is one in ASCII (letters, digits, `.`, `-`, `_`, starting with a letter or `_`);
/// otherwise each other character becomes `_`, a `_` goes in front when the id does not
/// start with a letter, and `-` and the first 8 hex digits of the SHA-256 of the id's name
/// key follow, so that two ids never share a token.
pub fn token(id: &str) -> String {
    let id = id.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let starts_well = id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if starts_well && id.chars().all(allowed) {
        return id.to_string();
    }
    let mut token: String = id
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .collect();
    if !token.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        token.insert(0, '_');
    }
    let digest = hex(&Sha256::digest(key(id).as_bytes()));
    format!("{token}-{}", &digest[..8])
}

/// The token naming a demarc rule: `demarc-evidence-stale` for `EVIDENCE_STALE`.
pub(super) fn rule_token(code: Code) -> String {
    format!(
        "demarc-{}",
        code.as_str().to_ascii_lowercase().replace('_', "-")
    )
}

/// Bytes as lower-case hex digits.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
