//! One vendor, several spellings. A register names a vendor the way each of its authors
//! does: `Amazon Web Services` in the Services sheet, `AWS` on the SOC 2 row, `Okta, Inc.`
//! on the Vendors sheet. Compared as typed, those are different vendors, and every cell of
//! AWS's services is reported unattested while AWS's own report sits in the Attestations
//! sheet. So, once the inputs are read, spellings that name one vendor are rewritten to
//! one of them, and a warning says which spellings were read as one.
//!
//! Two spellings name one vendor when they agree once a company form (`Inc.`, `Ltd`,
//! `GmbH`) and punctuation are set aside, when one is the other's abbreviation in
//! brackets (`Acme Hosting (AH)` and `AH`), or when both are names of one of the
//! hyperscalers below. Nothing looser: `Microsoft` (Microsoft 365) and `Microsoft Azure`,
//! or `Google` and `Google Cloud`, stay apart, because they are apart in the reports
//! those vendors publish.

use super::Inputs;
use crate::findings::Source;
use std::collections::BTreeMap;

/// Names the big cloud providers go by, each list one vendor (as loose words, see
/// [`words`]). From the providers' own naming: AWS's "Amazon Web Services (AWS)", Google's
/// "Google Cloud Platform (GCP)", Oracle's "Oracle Cloud Infrastructure (OCI)".
const SAME_PROVIDER: &[&[&str]] = &[
    &["aws", "amazon web services"],
    &["google cloud", "google cloud platform", "gcp"],
    &["microsoft azure", "azure"],
    &["oracle cloud", "oracle cloud infrastructure", "oci"],
    &["alibaba cloud", "aliyun"],
];

/// Company forms that follow a name and change nothing about who the vendor is.
const COMPANY_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "pty",
    "lp",
    "llp",
    "co",
    "company",
    "kk",
];

/// A name as lowercase words without punctuation, without a company form at its end and
/// without a web suffix (`salesforce.com` is `salesforce`).
fn words(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = [".com", ".io", ".net"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower)
        .to_string();
    let mut words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '&')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| COMPANY_FORMS.contains(&w.as_str()))
    {
        words.pop();
    }
    let joined = words.join(" ");
    SAME_PROVIDER
        .iter()
        .find(|names| names.contains(&joined.as_str()))
        .map_or(joined, |names| names[0].to_string())
}

/// The identities a spelling answers to: its words, and those of its abbreviation in
/// brackets when it has one (`Amazon Web Services (AWS)`).
fn identities(name: &str) -> Vec<String> {
    if let Some((long, short)) = super::names::long_and_short(name) {
        let (base, short) = (words(long), words(short));
        if !base.is_empty() && !short.is_empty() {
            return vec![base, short];
        }
    }
    vec![words(name)]
}

/// Whether two spellings name one vendor (see the module's rules).
pub fn same_vendor(a: &str, b: &str) -> bool {
    let a = identities(a);
    identities(b).iter().any(|id| a.contains(id))
}

/// Where a spelling was written, and how often.
#[derive(Default)]
struct Seen {
    /// How many cells of the Services sheet use it: the spelling most used there wins.
    in_services: usize,
    /// The order it was first seen in (Services first, then the other sheets).
    first: usize,
    /// The first cell it was read from.
    place: String,
    count: usize,
}

/// Rewrites spellings that name one vendor to one of them, and returns a warning for each
/// vendor so read. The spelling kept is the one the Services sheet uses most (it is what
/// the reports are organised by), else the first one read.
pub fn unify(inputs: &mut Inputs) -> Vec<String> {
    // Every spelling, by its exact text, with where it was written.
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    let mut order = 0;
    let mut note = |name: &str, source: &Source, services: bool| {
        if name.trim().is_empty() || name.trim() == "*" {
            return;
        }
        let entry = seen.entry(name.to_string()).or_insert_with(|| {
            order += 1;
            Seen {
                first: order,
                ..Seen::default()
            }
        });
        entry.count += 1;
        if services {
            entry.in_services += 1;
        }
        if entry.place.is_empty() {
            entry.place = source.to_string();
        }
    };
    for s in &inputs.services {
        note(&s.provider, &s.source, true);
    }
    for a in &inputs.attestations {
        note(&a.vendor, &a.source, false);
        for org in &a.subservice_orgs {
            note(org, &a.source, false);
        }
    }
    for c in &inputs.cuecs {
        note(&c.vendor, &c.source, false);
    }
    for v in &inputs.vendors {
        note(&v.vendor, &v.source, false);
    }

    // Group the spellings: two are one vendor when they share an identity.
    let spellings: Vec<&String> = seen.keys().collect();
    let ids: Vec<Vec<String>> = spellings.iter().map(|s| identities(s)).collect();
    let mut group: Vec<usize> = (0..spellings.len()).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for i in 0..spellings.len() {
        for j in i + 1..spellings.len() {
            if ids[i].iter().any(|id| ids[j].contains(id)) {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..spellings.len() {
        let r = root(&mut group, i);
        groups.entry(r).or_default().push(i);
    }

    let mut rename: BTreeMap<String, String> = BTreeMap::new();
    let mut warnings = Vec::new();
    for members in groups.values() {
        // Spellings that differ only in case and spacing are one name already.
        let distinct: std::collections::BTreeSet<String> = members
            .iter()
            .map(|&i| super::names::key(spellings[i]))
            .collect();
        if distinct.len() < 2 {
            continue;
        }
        let kept = *members
            .iter()
            .max_by_key(|&&i| {
                let s = &seen[spellings[i]];
                (s.in_services, std::cmp::Reverse(s.first))
            })
            .expect("a group has members");
        let kept_name = spellings[kept].clone();
        let mut said: Vec<&usize> = members.iter().collect();
        said.sort_by_key(|&&i| seen[spellings[i]].first);
        let listed: Vec<String> = said
            .iter()
            .map(|&&i| {
                let s = &seen[spellings[i]];
                let more = match s.count - 1 {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!("{:?} ({}{more})", spellings[i], s.place)
            })
            .collect();
        warnings.push(format!(
            "vendor names {} name one vendor: read as {kept_name:?} throughout; write one name in every sheet to silence this",
            crate::inputs::names::and_list(&listed)
        ));
        for &i in members {
            if i != kept {
                rename.insert(spellings[i].clone(), kept_name.clone());
            }
        }
    }
    if rename.is_empty() {
        return warnings;
    }
    let renamed = |name: &mut String| {
        if let Some(kept) = rename.get(name.as_str()) {
            name.clone_from(kept);
        }
    };
    for s in &mut inputs.services {
        renamed(&mut s.provider);
    }
    for a in &mut inputs.attestations {
        renamed(&mut a.vendor);
        a.subservice_orgs.iter_mut().for_each(renamed);
    }
    for c in &mut inputs.cuecs {
        renamed(&mut c.vendor);
    }
    for v in &mut inputs.vendors {
        renamed(&mut v.vendor);
    }
    warnings
}

/// Names each vendor document (a CAIQ, a FedRAMP workbook) as the Services sheet names its
/// vendor, when the option that gave it spells the vendor otherwise (`--caiq AWS=…` for
/// `Amazon Web Services`): the document is matched to the vendor's services by that name.
pub fn name_documents_as_services_do(inputs: &mut Inputs) {
    let providers: Vec<String> = inputs.services.iter().map(|s| s.provider.clone()).collect();
    let as_services_do = |name: &mut String| {
        let key = super::names::key(name);
        if providers.iter().any(|p| super::names::key(p) == key) {
            return;
        }
        if let Some(provider) = providers.iter().find(|p| same_vendor(p, name)) {
            name.clone_from(provider);
        }
    };
    for q in &mut inputs.questionnaires.caiqs {
        as_services_do(&mut q.vendor);
    }
    for f in &mut inputs.questionnaires.fedramp {
        as_services_do(&mut f.provider);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_vendor_are_one_vendor_and_no_looser() {
        for (a, b) in [
            ("AWS", "Amazon Web Services"),
            ("Amazon Web Services (AWS)", "AWS"),
            ("Amazon Web Services, Inc.", "aws"),
            ("Okta", "Okta, Inc."),
            ("Acme Hosting (AH)", "AH"),
            ("GCP", "Google Cloud"),
            ("Azure", "Microsoft Azure"),
            ("salesforce.com", "Salesforce"),
            ("Snowflake Inc", "SNOWFLAKE"),
        ] {
            assert!(same_vendor(a, b), "{a} / {b}");
        }
        for (a, b) in [
            ("Microsoft", "Microsoft Azure"),
            ("Google", "Google Cloud"),
            ("Amazon", "AWS"),
            ("Okta", "Auth0"),
            ("Inc", "Okta"),
        ] {
            assert!(!same_vendor(a, b), "{a} / {b}");
        }
    }
}
