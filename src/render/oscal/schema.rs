//! The document's shape: the parts of OSCAL 1.1.3 demarc fills in, as serde structs whose
//! field names are OSCAL's. Optional parts are left out when empty (OSCAL arrays have at
//! least one item).

use super::{single_line, NS};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Document<'a> {
    #[serde(rename = "assessment-results")]
    pub(super) assessment_results: AssessmentResults<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct AssessmentResults<'a> {
    pub(super) uuid: String,
    pub(super) metadata: Metadata,
    pub(super) import_ap: ImportAp,
    pub(super) results: [ResultOut<'a>; 1],
    pub(super) back_matter: BackMatter,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Metadata {
    pub(super) title: String,
    pub(super) last_modified: String,
    pub(super) version: String,
    pub(super) oscal_version: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) parties: Vec<Party>,
}

#[derive(Serialize)]
pub(super) struct Party {
    pub(super) uuid: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) name: String,
}

#[derive(Serialize)]
pub(super) struct ImportAp {
    pub(super) href: String,
    pub(super) remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ResultOut<'a> {
    pub(super) uuid: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) start: String,
    pub(super) end: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) reviewed_controls: ReviewedControls,
    #[serde(skip_serializing_if = "Streamed::is_empty")]
    pub(super) observations: Streamed<'a, Observation>,
    #[serde(skip_serializing_if = "Streamed::is_empty")]
    pub(super) findings: Streamed<'a, FindingOut>,
    pub(super) remarks: String,
}

/// A sequence made as it is serialised, from an iterator, so that the document's findings
/// and observations are never all in memory at once. Serialised once.
pub(super) struct Streamed<'a, T> {
    len: usize,
    items: std::cell::RefCell<Option<Box<dyn Iterator<Item = T> + 'a>>>,
}

impl<'a, T> Streamed<'a, T> {
    /// `items` must yield exactly `len` items (`len` decides whether the array is written).
    pub(super) fn new(len: usize, items: impl Iterator<Item = T> + 'a) -> Streamed<'a, T> {
        Streamed {
            len,
            items: std::cell::RefCell::new(Some(Box::new(items))),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T: Serialize> Serialize for Streamed<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items =
            self.items.borrow_mut().take().ok_or_else(|| {
                serde::ser::Error::custom("a streamed sequence is serialised once")
            })?;
        serializer.collect_seq(items)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ReviewedControls {
    pub(super) control_selections: Vec<ControlSelection>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ControlSelection {
    pub(super) description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) include_all: Option<Empty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) include_controls: Vec<SelectControl>,
}

/// OSCAL's `include-all: {}`.
#[derive(Serialize)]
pub(super) struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct SelectControl {
    pub(super) control_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Observation {
    pub(super) uuid: String,
    pub(super) title: String,
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) links: Vec<Link>,
    pub(super) methods: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) relevant_evidence: Vec<RelevantEvidence>,
    pub(super) collected: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) remarks: Option<String>,
}

#[derive(Serialize)]
pub(super) struct RelevantEvidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) href: Option<String>,
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct FindingOut {
    pub(super) uuid: String,
    pub(super) title: String,
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) target: Target,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) related_observations: Vec<RelatedObservation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) remarks: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Target {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) target_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    pub(super) description: String,
    pub(super) status: Status,
}

#[derive(Serialize)]
pub(super) struct Status {
    pub(super) state: &'static str,
    pub(super) reason: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct RelatedObservation {
    pub(super) observation_uuid: String,
}

#[derive(Serialize)]
pub(super) struct BackMatter {
    pub(super) resources: Vec<Resource>,
}

#[derive(Serialize)]
pub(super) struct Resource {
    pub(super) uuid: String,
    pub(super) title: String,
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) rlinks: Vec<Rlink>,
}

#[derive(Serialize)]
pub(super) struct Rlink {
    pub(super) href: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) hashes: Vec<Hash>,
}

#[derive(Serialize)]
pub(super) struct Hash {
    pub(super) algorithm: &'static str,
    pub(super) value: String,
}

#[derive(Serialize)]
pub(super) struct Link {
    pub(super) href: String,
    pub(super) rel: &'static str,
    pub(super) text: String,
}

/// An OSCAL property. Its value is one line of text (see [`single_line`]); a value that is
/// empty once its whitespace is collapsed is left out.
#[derive(Serialize)]
pub(super) struct Prop {
    pub(super) name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ns: Option<&'static str>,
    pub(super) value: String,
}

impl Prop {
    /// A property of demarc's namespace (any name).
    pub(super) fn demarc(name: &'static str, value: &str) -> Option<Prop> {
        Prop::value(value).map(|value| Prop {
            name,
            ns: Some(NS),
            value,
        })
    }

    /// A property OSCAL itself defines (`marking`).
    pub(super) fn core(name: &'static str, value: &str) -> Option<Prop> {
        Prop::value(value).map(|value| Prop {
            name,
            ns: None,
            value,
        })
    }

    pub(super) fn value(text: &str) -> Option<String> {
        let value = single_line(text);
        (!value.is_empty()).then_some(value)
    }
}
