//! The responsibility model: which party owns each responsibility domain for each service
//! model, with per-provider and per-service overrides.
//!
//! The built-in default is the matrix from the seeds (see PRODUCT.md). The built-in
//! `providers` model adds the providers' own splits ([`profiles`]: AWS, Azure, Google
//! Cloud), which decide a service's cells before the matrix. A model file (TOML) extends
//! one of them (`extends = "default"`, the default, or `extends = "providers"`) or replaces
//! them (`extends = "none"`). This module owns the model and its file format; it does not
//! know about spreadsheets or findings.

pub mod appetite;
pub mod known_services;
pub mod mapping;
pub mod profiles;
pub mod regions;
pub mod residency;

use crate::inputs::names::{key, loose_key};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How a service is delivered; decides which column of the model applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ServiceModel {
    #[serde(rename = "On-prem")]
    OnPrem,
    #[serde(rename = "IaaS")]
    Iaas,
    #[serde(rename = "PaaS")]
    Paas,
    #[serde(rename = "SaaS")]
    Saas,
}

impl ServiceModel {
    pub const ALL: [ServiceModel; 4] = [
        ServiceModel::OnPrem,
        ServiceModel::Iaas,
        ServiceModel::Paas,
        ServiceModel::Saas,
    ];

    /// The short name reports print.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceModel::OnPrem => "On-prem",
            ServiceModel::Iaas => "IaaS",
            ServiceModel::Paas => "PaaS",
            ServiceModel::Saas => "SaaS",
        }
    }

    /// Accepts the short names and the long ones (`Infrastructure as a Service`,
    /// `on-premises`), ignoring case and punctuation.
    pub fn parse(text: &str) -> Option<ServiceModel> {
        match loose_key(text).as_str() {
            "onprem" | "onpremise" | "onpremises" => Some(ServiceModel::OnPrem),
            "iaas" | "infrastructureasaservice" => Some(ServiceModel::Iaas),
            "paas" | "platformasaservice" => Some(ServiceModel::Paas),
            "saas" | "softwareasaservice" => Some(ServiceModel::Saas),
            _ => None,
        }
    }

    fn column(self) -> usize {
        self as usize
    }
}

/// Who carries a responsibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    Customer,
    Shared,
    Provider,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Customer => "customer",
            Owner::Shared => "shared",
            Owner::Provider => "provider",
        }
    }

    /// Customer and shared cells need the customer's own evidence.
    pub fn needs_customer_evidence(self) -> bool {
        matches!(self, Owner::Customer | Owner::Shared)
    }

    /// Provider and shared cells need a vendor attestation.
    pub fn needs_attestation(self) -> bool {
        matches!(self, Owner::Provider | Owner::Shared)
    }
}

/// One row of the matrix: a responsibility domain and its owner per service model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub name: String,
    /// Owners in [`ServiceModel::ALL`] order.
    pub owners: [Owner; 4],
}

/// A deviation from the matrix for some provider's or some service's cells — e.g. AWS's
/// abstracted services (S3, DynamoDB), where AWS also runs the OS and platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Applies only to services of this provider (matched by name key), when set.
    pub provider: Option<String>,
    /// Applies only to these services, when non-empty.
    pub services: Vec<String>,
    /// Applies only to services of this model, when set.
    pub service_model: Option<ServiceModel>,
    /// Indexes into [`Model::domains`]; empty means every domain.
    pub domains: Vec<usize>,
    pub owner: Owner,
    pub note: Option<String>,
    /// Where it is written: the model file's line of its `[[overrides]]` header, so that a
    /// warning can send the user there.
    pub line: Option<usize>,
}

impl Override {
    /// Whether the override is written for services of `provider`: the same name, or
    /// another name the service catalogue knows that provider by for this service
    /// (`AWS` for a service whose provider is written `Amazon Web Services`).
    fn names_provider(&self, service: &str, provider: &str) -> bool {
        self.provider.as_deref().is_none_or(|p| {
            key(p) == key(provider)
                || crate::model::known_services::lookup(service, provider)
                    .is_some_and(|k| k.is_run_by(p))
        })
    }

    /// Whether the override names this service among its `services`, as the service
    /// catalogue spells it or by one of its aliases (`S3` names `Amazon S3`).
    fn names_service(&self, service: &str, provider: &str) -> bool {
        self.services
            .iter()
            .any(|s| crate::model::known_services::same_service(s, service, provider))
    }

    /// Whether this override applies, and how specific it is (a service-level override
    /// beats a provider-level one; a later one beats an earlier one of equal weight).
    fn specificity(
        &self,
        domain: usize,
        service: &str,
        provider: &str,
        model: ServiceModel,
    ) -> Option<u8> {
        if !self.domains.is_empty() && !self.domains.contains(&domain) {
            return None;
        }
        let mut weight = 0;
        if self.provider.is_some() {
            if !self.names_provider(service, provider) {
                return None;
            }
            weight += 1;
        }
        if let Some(m) = self.service_model {
            if m != model {
                return None;
            }
            weight += 1;
        }
        if !self.services.is_empty() {
            if !self.names_service(service, provider) {
                return None;
            }
            weight += 4;
        }
        Some(weight)
    }
}

/// The model in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub domains: Vec<Domain>,
    pub overrides: Vec<Override>,
    /// The model file it came from, or `None` for a built-in model alone.
    pub file: Option<PathBuf>,
    /// The providers' own splits decide each service's cells before the matrix
    /// (`model = "providers"`). Off in the default, so that existing configurations keep
    /// the seeds' matrix and their findings.
    pub profiles: bool,
}

/// A cell's owner and what decided it: an override, else a provider profile, else the
/// matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership<'m> {
    pub owner: Owner,
    pub overridden_by: Option<&'m Override>,
    /// The provider profile (and its column) that gave the owner, when no override did.
    pub profile: Option<profiles::Applied>,
}

/// The models built in, which `model = "…"` and `--model` name instead of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// The seeds' matrix alone (what no `model` setting means).
    Default,
    /// The providers' own splits over the seeds' matrix.
    Providers,
}

impl Builtin {
    /// The built-in model a `model` setting names: exactly `default` or `providers`
    /// (any case). Anything else is a model file's path — a file really called
    /// `providers` is reached as `./providers`.
    pub fn named(setting: &Path) -> Option<Builtin> {
        match setting.to_str()?.to_ascii_lowercase().as_str() {
            "default" => Some(Builtin::Default),
            "providers" => Some(Builtin::Providers),
            _ => None,
        }
    }

    pub fn model(self) -> Model {
        match self {
            Builtin::Default => Model::default(),
            Builtin::Providers => Model::providers(),
        }
    }
}

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: cannot read the model file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

use Owner::{Customer as C, Provider as P, Shared as S};

/// The default matrix from the seeds, columns On-prem, IaaS, PaaS, SaaS.
const DEFAULT_MATRIX: [(&str, [Owner; 4]); 7] = [
    ("Data classification and accountability", [C, C, C, C]),
    ("Client and endpoint protection", [C, C, C, S]),
    ("Identity and access management", [C, C, S, S]),
    ("Application-level controls", [C, C, S, S]),
    ("Network controls", [C, S, P, P]),
    ("Host infrastructure", [C, S, P, P]),
    ("Physical security", [C, P, P, P]),
];

impl Default for Model {
    fn default() -> Self {
        Model {
            name: "demarc default (seeds matrix)".to_string(),
            domains: DEFAULT_MATRIX
                .iter()
                .map(|(name, owners)| Domain {
                    name: name.to_string(),
                    owners: *owners,
                })
                .collect(),
            overrides: Vec::new(),
            file: None,
            profiles: false,
        }
    }
}

/// Names registers and catalogues give the seeds' seven domains, each with the domain it
/// stands for. Only names that mean one domain and no other are here: a wrong alias would
/// move a control to another cell of the model. Microsoft's rows are from its current
/// table (Customer data, Identities and users, Client devices, Operating system, the three
/// physical rows; `shared-responsibility.md` in MicrosoftDocs/azure-docs, 2026-01-12) and
/// its classic diagram (Information and data, Accounts and identities, Identity and
/// directory infrastructure, Devices (Mobile and PCs)); `Configurations and settings` is
/// left out, since it spans several. `&` is read as `and`.
const DOMAIN_ALIASES: &[(&str, &[&str])] = &[
    (
        "Data classification and accountability",
        &[
            "Data classification",
            "Data accountability",
            "Customer data",
            "Information and data",
        ],
    ),
    (
        "Client and endpoint protection",
        &[
            "Endpoint protection",
            "Endpoint security",
            "Endpoints",
            "Client devices",
            "Devices",
            "Devices (Mobile and PCs)",
        ],
    ),
    (
        "Identity and access management",
        &[
            "IAM",
            "Identity and access",
            "Identity management",
            "Access management",
            "Access control",
            "Identities and users",
            "Accounts and identities",
            "Identity and directory infrastructure",
        ],
    ),
    (
        "Application-level controls",
        &[
            "Application controls",
            "Application security",
            "Applications",
            "Application",
        ],
    ),
    (
        "Network controls",
        &["Network", "Networking", "Network security"],
    ),
    (
        "Host infrastructure",
        &[
            "Host",
            "Hosts",
            "Host security",
            "Operating system",
            "Operating systems",
        ],
    ),
    (
        "Physical security",
        &[
            "Physical",
            "Physical and environmental protection",
            "Physical and environmental security",
            "Physical datacenter",
            "Physical data center",
            "Physical hosts",
            "Physical network",
            "Datacenter security",
            "Data center security",
        ],
    ),
];

impl Model {
    /// The seeds' matrix with the providers' own splits ([`profiles`]) deciding the cells
    /// of every service they speak for.
    pub fn providers() -> Model {
        Model {
            name: "demarc providers (AWS, Azure and Google Cloud profiles over the seeds matrix)"
                .to_string(),
            profiles: true,
            ..Model::default()
        }
    }

    /// The provider profile that speaks for a service under this model, if any.
    pub fn profile_for(
        &self,
        service: &str,
        provider: &str,
        model: ServiceModel,
    ) -> Option<profiles::Applied> {
        if !self.profiles {
            return None;
        }
        profiles::for_service(service, provider, model)
    }

    /// The index of a domain by name, ignoring case, spaces and punctuation.
    pub fn domain_index(&self, name: &str) -> Option<usize> {
        let wanted = loose_key(name);
        self.domains
            .iter()
            .position(|d| loose_key(&d.name) == wanted)
    }

    /// The index of a domain by a name registers give it instead of the model's (`IAM`,
    /// Microsoft's `Operating system`), with the model's name it stands for; `None` when the
    /// name is no such alias or the model has no domain of that name (a model of one's own).
    pub fn domain_by_alias(&self, name: &str) -> Option<(usize, &str)> {
        let wanted = loose_key(&name.replace('&', " and "));
        let (domain, _) = DOMAIN_ALIASES.iter().find(|(domain, aliases)| {
            loose_key(domain) == wanted || aliases.iter().any(|a| loose_key(a) == wanted)
        })?;
        let index = self.domain_index(domain)?;
        Some((index, self.domains[index].name.as_str()))
    }

    /// Who owns `domain` for a service, after overrides.
    pub fn owner(
        &self,
        domain: usize,
        service: &str,
        provider: &str,
        model: ServiceModel,
    ) -> Ownership<'_> {
        let winner = self
            .overrides
            .iter()
            .filter_map(|o| Some((o.specificity(domain, service, provider, model)?, o)))
            // max_by_key keeps the last of equal maxima: a later override wins a tie.
            .max_by_key(|(weight, _)| *weight);
        match winner {
            Some((_, o)) => Ownership {
                owner: o.owner,
                overridden_by: Some(o),
                profile: None,
            },
            None => {
                let matrix = self.domains[domain].owners[model.column()];
                // The profile's cell, when it speaks of this domain (Google's table has no
                // row for client devices: the matrix keeps that cell).
                let profiled = self
                    .profile_for(service, provider, model)
                    .and_then(|applied| {
                        applied
                            .owner(&self.domains[domain].name, service, provider)
                            .map(|(owner, _)| (owner, applied))
                    });
                match profiled {
                    Some((owner, applied)) => Ownership {
                        owner,
                        overridden_by: None,
                        profile: Some(applied),
                    },
                    None => Ownership {
                        owner: matrix,
                        overridden_by: None,
                        profile: None,
                    },
                }
            }
        }
    }

    /// Warnings for overrides that change nothing in these inputs: a provider that runs
    /// none of the services, a service name no service answers to (a typo, or a name
    /// the catalogue does not know), a service model no service has, or parts that are
    /// each present but never together. Each names the model file and line.
    pub fn overrides_matching_nothing(&self, services: &[crate::inputs::Service]) -> Vec<String> {
        let mut warnings = Vec::new();
        for (n, o) in self.overrides.iter().enumerate() {
            let at = match (&self.file, o.line) {
                (Some(file), Some(line)) => format!("{}:{line}", file.display()),
                (Some(file), None) => file.display().to_string(),
                (None, _) => "the model".to_string(),
            };
            let nothing =
                |what: String| format!("{at}: override #{} {what}: it changes nothing", n + 1);
            if let Some(p) = &o.provider {
                if !services
                    .iter()
                    .any(|s| o.names_provider(&s.name, &s.provider))
                {
                    warnings.push(nothing(format!(
                        "names provider {p:?}, which runs no service in the inputs"
                    )));
                    continue;
                }
            }
            if let Some(m) = o.service_model {
                if !services.iter().any(|s| s.service_model == m) {
                    warnings.push(nothing(format!(
                        "names service model {}, which no service in the inputs has",
                        m.as_str()
                    )));
                    continue;
                }
            }
            let unmatched: Vec<&String> = o
                .services
                .iter()
                .filter(|name| {
                    !services.iter().any(|s| {
                        crate::model::known_services::same_service(name, &s.name, &s.provider)
                    })
                })
                .collect();
            if !unmatched.is_empty() {
                let names: Vec<String> = unmatched.iter().map(|n| format!("{n:?}")).collect();
                let (noun, verb) = if unmatched.len() == 1 {
                    ("service", "matches")
                } else {
                    ("services", "match")
                };
                let what = format!(
                    "names {noun} {}, which no service in the inputs {verb}",
                    names.join(", ")
                );
                if unmatched.len() == o.services.len() {
                    warnings.push(nothing(what));
                    continue;
                }
                // Some names match: the others are still worth a word, the override works.
                warnings.push(format!("{at}: override #{} {what}", n + 1));
            }
            let applies = services.iter().any(|s| {
                o.names_provider(&s.name, &s.provider)
                    && o.service_model.is_none_or(|m| m == s.service_model)
                    && (o.services.is_empty() || o.names_service(&s.name, &s.provider))
            });
            if !applies {
                warnings.push(nothing("matches no service in the inputs: its provider, service model and services are never found together".to_string()));
            }
        }
        warnings
    }

    /// Loads a model file, extending the default unless it says `extends = "none"`.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let text = crate::small_file::read_text(path, crate::small_file::SETTINGS_MAX_BYTES)
            .map_err(|source| ModelError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        Model::from_toml(&text, path)
    }

    /// Parses model TOML; `path` is only used to name the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Model, ModelError> {
        let file: ModelFile = toml::from_str(text).map_err(|e| ModelError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| ModelError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mut model = match file.extends.as_deref().map(loose_key).as_deref() {
            None | Some("default") => Model::default(),
            Some("providers") => Model::providers(),
            Some("none") => Model {
                name: String::new(),
                domains: Vec::new(),
                overrides: Vec::new(),
                file: None,
                profiles: false,
            },
            Some(_) => {
                return Err(invalid(format!(
                "extends = {:?} is not understood: expected \"default\", \"providers\" or \"none\"",
                file.extends.unwrap_or_default()
            )))
            }
        };
        model.name = file.name.unwrap_or_else(|| {
            format!(
                "{} (from {})",
                model_name_or_default(&model),
                path.display()
            )
        });
        model.file = Some(path.to_path_buf());
        for domain in file.domains {
            let owners = [domain.on_prem, domain.iaas, domain.paas, domain.saas];
            match model.domain_index(&domain.name) {
                Some(i) => model.domains[i].owners = owners,
                None => model.domains.push(Domain {
                    name: domain.name.trim().to_string(),
                    owners,
                }),
            }
        }
        if model.domains.is_empty() {
            return Err(invalid(
                "the model has no domains: add [[domains]] tables or use extends = \"default\""
                    .into(),
            ));
        }
        // Each `[[overrides]]` header's line, when the overrides are written that way.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[overrides]]"))
            .map(|(i, _)| i + 1)
            .collect();
        let count = file.overrides.len();
        for (n, o) in file.overrides.into_iter().enumerate() {
            let mut domains = Vec::new();
            for name in &o.domains {
                if name.trim() == "*" {
                    domains.clear();
                    break;
                }
                let index =
                    model.domain_index(name).ok_or_else(|| {
                        invalid(format!(
                        "override #{} names domain {:?}, which is not in the model (domains: {})",
                        n + 1,
                        name,
                        model.domains.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                    })?;
                domains.push(index);
            }
            let service_model = match &o.service_model {
                None => None,
                Some(text) => Some(ServiceModel::parse(text).ok_or_else(|| {
                    invalid(format!(
                        "override #{} has service_model {:?}: expected On-prem, IaaS, PaaS or SaaS",
                        n + 1,
                        text
                    ))
                })?),
            };
            if o.provider.is_none() && o.services.is_empty() && service_model.is_none() {
                return Err(invalid(format!(
                    "override #{} names no provider, service or service_model: change the [[domains]] rows instead",
                    n + 1
                )));
            }
            model.overrides.push(Override {
                provider: o.provider,
                services: o.services,
                service_model,
                domains,
                owner: o.owner,
                note: o.note,
                line: (headers.len() == count).then(|| headers[n]),
            });
        }
        Ok(model)
    }

    /// The model as a TOML file to start from: it stands alone (`extends = "none"`), or,
    /// when the model applies the provider profiles, extends `providers` (the profiles are
    /// built in and not written out).
    pub fn to_toml(&self) -> String {
        let file = ModelFile {
            name: Some(self.name.clone()),
            extends: Some(if self.profiles { "providers" } else { "none" }.to_string()),
            domains: self
                .domains
                .iter()
                .map(|d| DomainRow {
                    name: d.name.clone(),
                    on_prem: d.owners[0],
                    iaas: d.owners[1],
                    paas: d.owners[2],
                    saas: d.owners[3],
                })
                .collect(),
            overrides: self
                .overrides
                .iter()
                .map(|o| OverrideRow {
                    provider: o.provider.clone(),
                    services: o.services.clone(),
                    service_model: o.service_model.map(|m| m.as_str().to_string()),
                    domains: o
                        .domains
                        .iter()
                        .map(|&i| self.domains[i].name.clone())
                        .collect(),
                    owner: o.owner,
                    note: o.note.clone(),
                })
                .collect(),
        };
        let body = toml::to_string_pretty(&file).expect("a model always serialises");
        format!(
            "# demarc responsibility model.\n\
             # Owners: customer, shared, provider. Columns: on_prem, iaas, paas, saas.\n\
             # extends = \"default\" starts from the built-in matrix and changes only the domains\n\
             # listed here; \"providers\" does the same over the providers' own splits (AWS,\n\
             # Azure, Google Cloud: see `demarc model --provider AWS`); \"none\" uses exactly\n\
             # what this file says.\n\
             # [[overrides]] change cells for a provider, a service_model and/or named services;\n\
             # `domains` empty means every domain. The most specific override wins.\n\
             #\n\
             # Example:\n\
             # [[overrides]]\n\
             # provider = \"AWS\"\n\
             # services = [\"S3\", \"DynamoDB\"]\n\
             # domains = [\"Host infrastructure\", \"Network controls\"]\n\
             # owner = \"provider\"\n\
             # note = \"AWS abstracted services: AWS runs the OS and platform\"\n\n{body}"
        )
    }

    /// The model as a plain-text table for the terminal.
    pub fn to_table(&self) -> String {
        let width = self
            .domains
            .iter()
            .map(|d| d.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let mut out = String::new();
        let _ = writeln!(out, "Model: {}", self.name);
        let _ = writeln!(
            out,
            "{:width$}  {:9} {:9} {:9} {:9}",
            "domain", "On-prem", "IaaS", "PaaS", "SaaS"
        );
        let _ = writeln!(out, "{}", "-".repeat(width + 40));
        for d in &self.domains {
            let _ = writeln!(
                out,
                "{:width$}  {:9} {:9} {:9} {:9}",
                d.name,
                d.owners[0].as_str(),
                d.owners[1].as_str(),
                d.owners[2].as_str(),
                d.owners[3].as_str()
            );
        }
        if self.profiles {
            let names: Vec<&str> = profiles::builtin()
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "\nProvider profiles ({}) decide the cells of the services they speak for before\n\
                 this matrix; overrides still win. See `demarc model --provider NAME` and\n\
                 `demarc model --diff providers`.",
                names.join(", ")
            );
        }
        if !self.overrides.is_empty() {
            let _ = writeln!(out, "\nOverrides (most specific wins):");
            for o in &self.overrides {
                let _ = writeln!(out, "  {}", self.describe_override(o));
            }
        }
        out
    }

    /// One line saying what an override does, for tables and reports.
    pub fn describe_override(&self, o: &Override) -> String {
        let mut scope = Vec::new();
        if let Some(p) = &o.provider {
            scope.push(format!("provider {p}"));
        }
        if let Some(m) = o.service_model {
            scope.push(format!("{} services", m.as_str()));
        }
        if !o.services.is_empty() {
            scope.push(format!("services {}", o.services.join(", ")));
        }
        let domains = if o.domains.is_empty() {
            "every domain".to_string()
        } else {
            o.domains
                .iter()
                .map(|&i| self.domains[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut line = format!("{} — {} → {}", scope.join(", "), domains, o.owner.as_str());
        if let Some(note) = &o.note {
            line.push_str(&format!(" ({note})"));
        }
        line
    }
}

fn model_name_or_default(model: &Model) -> &str {
    if model.name.is_empty() {
        "custom model"
    } else {
        &model.name
    }
}

/// The model file as written on disk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extends: Option<String>,
    #[serde(default)]
    domains: Vec<DomainRow>,
    #[serde(default)]
    overrides: Vec<OverrideRow>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainRow {
    name: String,
    on_prem: Owner,
    iaas: Owner,
    paas: Owner,
    saas: Owner,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    services: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service_model: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    domains: Vec<String>,
    owner: Owner,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A register's name for a domain is read as the model's, when it means one domain;
    /// a name that spans several, or a model without that domain, reads as nothing.
    #[test]
    fn registers_names_for_domains_are_read_as_the_models() {
        let model = Model::default();
        let name = |text: &str| {
            model
                .domain_by_alias(text)
                .map(|(_, name)| name.to_string())
        };
        assert_eq!(
            name("IAM").as_deref(),
            Some("Identity and access management")
        );
        assert_eq!(name("Identity & Access Mgmt"), None);
        assert_eq!(
            name("Access Control").as_deref(),
            Some("Identity and access management")
        );
        assert_eq!(
            name("Operating system").as_deref(),
            Some("Host infrastructure")
        );
        assert_eq!(
            name("Physical datacenter").as_deref(),
            Some("Physical security")
        );
        assert_eq!(
            name("Customer data").as_deref(),
            Some("Data classification and accountability")
        );
        assert_eq!(
            name("Devices (Mobile and PCs)").as_deref(),
            Some("Client and endpoint protection")
        );
        assert_eq!(
            name("Network Security").as_deref(),
            Some("Network controls")
        );
        assert_eq!(
            name("Configurations and settings"),
            None,
            "spans several domains"
        );
        assert_eq!(
            name("Infrastructure"),
            None,
            "host or physical: not guessed"
        );
        // A model of one's own without an IAM domain: nothing to read IAM as.
        let own = Model {
            domains: vec![Domain {
                name: "Everything".into(),
                owners: [Owner::Customer; 4],
            }],
            ..Model::default()
        };
        assert_eq!(own.domain_by_alias("IAM"), None);
    }

    #[test]
    fn default_matrix_matches_the_seeds() {
        let m = Model::default();
        let iam = m.domain_index("identity & access management").unwrap();
        assert_eq!(
            m.owner(iam, "x", "AWS", ServiceModel::Paas).owner,
            Owner::Shared
        );
        let physical = m.domain_index("Physical security").unwrap();
        assert_eq!(
            m.owner(physical, "x", "AWS", ServiceModel::Iaas).owner,
            Owner::Provider
        );
        assert_eq!(
            m.owner(physical, "x", "Us", ServiceModel::OnPrem).owner,
            Owner::Customer
        );
    }

    fn service(name: &str, provider: &str, model: ServiceModel) -> crate::inputs::Service {
        crate::inputs::Service {
            name: name.into(),
            provider: provider.into(),
            service_model: model,
            service_model_inferred: false,
            data_classes: Vec::new(),
            owner: String::new(),
            in_scope: true,
            regions: Vec::new(),
            scope_note: String::new(),
            source: crate::findings::Source {
                file: "q3.xlsx".into(),
                sheet: "Services".into(),
                row: 2,
            },
        }
    }

    /// The README's override example, as a model file.
    fn readme_example() -> Model {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("```toml\n[[overrides]]")
            .expect("the README's override example");
        let block = &readme[start + "```toml\n".len()..];
        let block = &block[..block.find("```").unwrap()];
        Model::from_toml(block, Path::new("model.toml")).unwrap()
    }

    #[test]
    fn override_names_match_through_the_service_catalogue() {
        // The README's example writes `AWS` and `S3`; the inventory writes the catalogue's
        // own names. The example must change the cell it says it changes.
        let m = readme_example();
        let app = m.domain_index("Application-level controls").unwrap();
        let base = Model::default();
        assert_eq!(
            base.owner(app, "Amazon S3", "Amazon Web Services", ServiceModel::Paas)
                .owner,
            Owner::Shared
        );
        for (name, provider) in [
            ("Amazon S3", "Amazon Web Services"),
            ("AWS S3", "Amazon"),
            ("s3", "aws"),
            ("Amazon DynamoDB", "AWS"),
        ] {
            let cell = m.owner(app, name, provider, ServiceModel::Paas);
            assert_eq!(cell.owner, Owner::Provider, "{name} run by {provider}");
            assert!(cell.overridden_by.is_some());
        }
        // `S3` is only an alias under a provider that runs Amazon S3.
        let wasabi = m.owner(app, "S3 compatible storage", "Wasabi", ServiceModel::Paas);
        assert_eq!(wasabi.owner, Owner::Shared);
        // Other domains keep the matrix.
        let iam = m.domain_index("Identity and access management").unwrap();
        assert_eq!(
            m.owner(iam, "Amazon S3", "Amazon Web Services", ServiceModel::Paas)
                .owner,
            Owner::Shared
        );
    }

    #[test]
    fn an_override_matching_nothing_is_a_warning_naming_the_file_and_line() {
        let text = "name = \"ours\"\n\n[[overrides]]\nprovider = \"AWS\"\nservices = [\"S3\", \"S4\"]\nowner = \"provider\"\n\n[[overrides]]\nprovider = \"Oracle\"\nowner = \"customer\"\n\n[[overrides]]\nservice_model = \"On-prem\"\nowner = \"customer\"\n\n[[overrides]]\nservices = [\"Lambda\"]\nowner = \"provider\"\n\n[[overrides]]\nprovider = \"Okta\"\nservices = [\"Amazon S3\"]\nowner = \"provider\"\n";
        let m = Model::from_toml(text, Path::new("model.toml")).unwrap();
        let services = [
            service("Amazon S3", "Amazon Web Services", ServiceModel::Paas),
            service("Okta", "Okta", ServiceModel::Saas),
        ];
        assert_eq!(
            m.overrides_matching_nothing(&services),
            [
                "model.toml:3: override #1 names service \"S4\", which no service in the inputs matches",
                "model.toml:8: override #2 names provider \"Oracle\", which runs no service in the inputs: it changes nothing",
                "model.toml:12: override #3 names service model On-prem, which no service in the inputs has: it changes nothing",
                "model.toml:16: override #4 names service \"Lambda\", which no service in the inputs matches: it changes nothing",
                "model.toml:20: override #5 matches no service in the inputs: its provider, service model and services are never found together: it changes nothing",
            ]
        );
    }

    #[test]
    fn service_override_beats_provider_override() {
        let text = r#"
            [[overrides]]
            provider = "AWS"
            domains = ["Host infrastructure"]
            owner = "shared"
            [[overrides]]
            provider = "aws"
            services = ["S3"]
            domains = ["Host infrastructure"]
            owner = "provider"
        "#;
        let m = Model::from_toml(text, Path::new("m.toml")).unwrap();
        let host = m.domain_index("Host infrastructure").unwrap();
        let s3 = m.owner(host, "s3", "AWS", ServiceModel::Iaas);
        assert_eq!(s3.owner, Owner::Provider);
        assert!(s3.overridden_by.is_some());
        assert_eq!(
            m.owner(host, "EC2", "AWS", ServiceModel::Saas).owner,
            Owner::Shared
        );
        assert_eq!(
            m.owner(host, "VM", "Azure", ServiceModel::Iaas).owner,
            Owner::Shared
        );
        assert!(m
            .owner(host, "VM", "Azure", ServiceModel::Iaas)
            .overridden_by
            .is_none());
    }

    #[test]
    fn export_round_trips() {
        let text = r#"
            name = "ours"
            [[domains]]
            name = "Governance"
            on_prem = "customer"
            iaas = "customer"
            paas = "customer"
            saas = "shared"
            [[overrides]]
            provider = "AWS"
            owner = "provider"
            domains = ["Physical security"]
        "#;
        let m = Model::from_toml(text, Path::new("m.toml")).unwrap();
        assert_eq!(m.domains.len(), 8);
        let again = Model::from_toml(&m.to_toml(), Path::new("export.toml")).unwrap();
        assert_eq!(again.domains, m.domains);
        // The same overrides, written on other lines of another file.
        let unplaced = |model: &Model| -> Vec<Override> {
            let mut overrides = model.overrides.clone();
            overrides.iter_mut().for_each(|o| o.line = None);
            overrides
        };
        assert_eq!(unplaced(&again), unplaced(&m));
    }

    #[test]
    fn providers_export_extends_providers_and_overrides_still_win() {
        let providers = Model::providers();
        let again = Model::from_toml(&providers.to_toml(), Path::new("export.toml")).unwrap();
        assert!(again.profiles);
        assert_eq!(again.domains, providers.domains);

        let text = "extends = \"providers\"\n[[overrides]]\nservices = [\"S3\"]\nprovider = \"AWS\"\ndomains = [\"Identity and access management\"]\nowner = \"shared\"\n";
        let m = Model::from_toml(text, Path::new("m.toml")).unwrap();
        let iam = m.domain_index("Identity and access management").unwrap();
        let app = m.domain_index("Application-level controls").unwrap();
        let s3 = m.owner(iam, "Amazon S3", "AWS", ServiceModel::Paas);
        assert_eq!((s3.owner, s3.profile), (Owner::Shared, None));
        let app = m.owner(app, "Amazon S3", "AWS", ServiceModel::Paas);
        assert_eq!(app.owner, Owner::Provider);
        assert_eq!(
            app.profile.map(|p| p.label()).as_deref(),
            Some("AWS abstracted")
        );
        // The default model never consults a profile.
        let default = Model::default();
        let plain = default.owner(iam, "Amazon S3", "AWS", ServiceModel::Paas);
        assert_eq!((plain.owner, plain.profile), (Owner::Shared, None));
    }

    #[test]
    fn builtin_model_names_are_exact() {
        assert_eq!(
            Builtin::named(Path::new("providers")),
            Some(Builtin::Providers)
        );
        assert_eq!(
            Builtin::named(Path::new("Providers")),
            Some(Builtin::Providers)
        );
        assert_eq!(Builtin::named(Path::new("default")), Some(Builtin::Default));
        assert_eq!(Builtin::named(Path::new("./providers")), None);
        assert_eq!(Builtin::named(Path::new("providers.toml")), None);
    }

    #[test]
    fn unknown_domain_and_keys_are_errors() {
        let bad = "[[overrides]]\nprovider = \"AWS\"\ndomains = [\"Moon\"]\nowner = \"provider\"\n";
        let err = Model::from_toml(bad, Path::new("m.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Moon"), "{err}");
        let typo = "nmae = \"x\"\n";
        let err = Model::from_toml(typo, Path::new("m.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nmae") && err.contains("line 1"), "{err}");
    }
}
