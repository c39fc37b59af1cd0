//! The built-in catalogue of well-known services (`src/data/service-catalogue.csv`): the
//! major AWS, Azure and GCP services and the common SaaS products, each with its service
//! model. When a Services row leaves `service_model` blank, the catalogue fills it in — but
//! only when both the service's name and its provider match an entry, so that "S3" run by
//! another vendor is never mistaken for Amazon S3. Anything else stays an input error.
//!
//! Models follow the seeds: EC2, Lightsail, Azure VMs and Compute Engine are IaaS; AWS's
//! abstracted services (S3, DynamoDB), Lambda, App Service and App Engine are PaaS;
//! Microsoft 365, Google Workspace, Salesforce and Dropbox are SaaS.
//!
//! The catalogue also says which provider profile ([`crate::model::profiles`]) speaks for a
//! service (`profile`) and, for AWS, which of AWS's kinds of service it is (`class`:
//! infrastructure, container or abstracted), as AWS's own material names them. A blank
//! `profile` leaves the service to the seeds' matrix under `model = "providers"`.

use crate::inputs::names::loose_key;
use crate::model::ServiceModel;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

const CATALOGUE: &str = include_str!("../data/service-catalogue.csv");

/// One well-known service.
#[derive(Debug)]
pub struct KnownService {
    /// The name as the catalogue spells it.
    pub name: String,
    pub model: ServiceModel,
    /// Provider names that run it, as loose keys.
    providers: Vec<String>,
    /// The provider profile that speaks for it (`AWS`, `Azure`, `Google Cloud`), or "".
    pub profile: String,
    /// Its class within that profile (AWS: `infrastructure`, `container`, `abstracted`),
    /// or "" when the profile goes by service model.
    pub class: String,
}

/// One row of the catalogue: its name, aliases, provider names and model.
struct Row {
    name: String,
    aliases: Vec<String>,
    providers: Vec<String>,
    model: ServiceModel,
    profile: String,
    class: String,
}

/// The catalogue's rows, parsed once.
fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        csv::Reader::from_reader(CATALOGUE.as_bytes())
            .records()
            .map(|record| {
                let record = record.expect("the built-in service catalogue is valid CSV");
                Row {
                    name: record[0].to_string(),
                    aliases: crate::inputs::names::split_list(&record[1]),
                    providers: crate::inputs::names::split_list(&record[2]),
                    model: ServiceModel::parse(&record[3])
                        .expect("the built-in service catalogue names real service models"),
                    profile: record[4].trim().to_string(),
                    class: record[5].trim().to_string(),
                }
            })
            .collect()
    })
}

/// Entries by the loose key of their name and of each alias.
fn index() -> &'static FxHashMap<String, Vec<KnownService>> {
    static INDEX: OnceLock<FxHashMap<String, Vec<KnownService>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: FxHashMap<String, Vec<KnownService>> = FxHashMap::default();
        for row in rows() {
            let mut keys: Vec<String> = std::iter::once(&row.name)
                .chain(&row.aliases)
                .map(|n| loose_key(n))
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                index.entry(key).or_default().push(KnownService {
                    name: row.name.clone(),
                    model: row.model,
                    providers: row.providers.iter().map(|p| loose_key(p)).collect(),
                    profile: row.profile.clone(),
                    class: row.class.clone(),
                });
            }
        }
        index
    })
}

/// The catalogue entry for a service run by a provider, when both match.
pub fn lookup(service: &str, provider: &str) -> Option<&'static KnownService> {
    let provider = loose_key(provider);
    index()
        .get(&loose_key(service))?
        .iter()
        .find(|entry| entry.providers.contains(&provider))
}

impl KnownService {
    /// Whether `provider` is one of the names the catalogue knows this service's provider
    /// by (`AWS`, `Amazon`, `Amazon Web Services`).
    pub fn is_run_by(&self, provider: &str) -> bool {
        self.providers.contains(&loose_key(provider))
    }
}

/// Whether two names of a service run by `provider` name one service: the same name, or
/// two spellings the catalogue knows of one service (`S3` and `Amazon S3` run by AWS). A
/// name is only an alias under a provider that runs the service: `S3` run by Wasabi is
/// not Amazon S3.
pub fn same_service(a: &str, b: &str, provider: &str) -> bool {
    if crate::inputs::names::key(a) == crate::inputs::names::key(b) {
        return true;
    }
    match (lookup(a, provider), lookup(b, provider)) {
        (Some(a), Some(b)) => a.name == b.name,
        _ => false,
    }
}

/// When `service` is a well-known service's name or alias, whatever its provider: the
/// catalogue's name for it and the providers that run it, as the catalogue writes them.
/// Used to say that it is the *provider* that does not match (`Google Workspace` is run by
/// Google, not Google Cloud), rather than offer the name the user already wrote.
pub fn providers_of(service: &str) -> Option<(&'static str, Vec<&'static str>)> {
    let wanted = loose_key(service);
    let rows: Vec<&Row> = rows()
        .iter()
        .filter(|row| {
            std::iter::once(&row.name)
                .chain(&row.aliases)
                .any(|n| loose_key(n) == wanted)
        })
        .collect();
    let first = rows.first()?;
    let mut providers: Vec<&'static str> = Vec::new();
    for row in &rows {
        for p in &row.providers {
            if !providers.contains(&p.as_str()) {
                providers.push(p.as_str());
            }
        }
    }
    Some((first.name.as_str(), providers))
}

/// The well-known service a misspelt name probably means, by its name or an alias.
pub fn suggest(service: &str) -> Option<&'static str> {
    let spellings = spellings();
    let closest = crate::inputs::names::closest(service, spellings.iter().map(|(s, _)| *s))?;
    spellings
        .iter()
        .find(|(s, _)| *s == closest)
        .map(|(_, canonical)| *canonical)
}

/// Every service the catalogue gives to `profile`, in catalogue order: its name, its
/// service model and its class ("" when the profile goes by service model). For `demarc
/// model --provider` and `--diff`, which show a profile with the services it covers.
pub fn services_of(profile: &str) -> Vec<(&'static str, ServiceModel, &'static str)> {
    rows()
        .iter()
        .filter(|row| row.profile == profile)
        .map(|row| (row.name.as_str(), row.model, row.class.as_str()))
        .collect()
}

/// Every name and alias, with the name it stands for.
fn spellings() -> Vec<(&'static str, &'static str)> {
    rows()
        .iter()
        .flat_map(|row| {
            std::iter::once(&row.name)
                .chain(&row.aliases)
                .map(move |spelling| (spelling.as_str(), row.name.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_examples_are_known() {
        let cases = [
            ("AWS Lightsail", "AWS", ServiceModel::Iaas),
            ("Amazon EC2", "Amazon Web Services", ServiceModel::Iaas),
            ("Lambda", "aws", ServiceModel::Paas),
            ("S3", "AWS", ServiceModel::Paas),
            ("Google App Engine", "Google Cloud", ServiceModel::Paas),
            ("Azure App Services", "Microsoft", ServiceModel::Paas),
            ("Google Workspace", "Google", ServiceModel::Saas),
            ("Microsoft 365", "Microsoft", ServiceModel::Saas),
            ("office 365", "microsoft", ServiceModel::Saas),
            ("Salesforce", "Salesforce", ServiceModel::Saas),
            ("Dropbox", "Dropbox", ServiceModel::Saas),
        ];
        for (service, provider, model) in cases {
            let entry = lookup(service, provider).unwrap_or_else(|| panic!("{service}"));
            assert_eq!(entry.model, model, "{service}");
        }
    }

    #[test]
    fn a_known_name_from_another_provider_is_not_inferred() {
        assert!(lookup("S3", "Wasabi").is_none());
        assert!(lookup("Payroll portal", "Acme").is_none());
    }

    #[test]
    fn near_misses_suggest_the_canonical_name() {
        assert_eq!(suggest("Lambada"), Some("AWS Lambda"));
        assert_eq!(suggest("Dropbx"), Some("Dropbox"));
        assert_eq!(suggest("Payroll portal"), None);
    }
}
