//! The providers' own responsibility models, built in as data (`src/data/profiles/*.toml`,
//! each citing its source pages and dates).
//!
//! The seeds' matrix gives one owner per domain and service model whoever runs the
//! service; AWS, Microsoft and Google each publish their own split, and it differs (AWS's
//! abstracted services leave IAM to the customer; Microsoft's PaaS network controls are
//! shared). Under `model = "providers"` a service's profile, found through the service
//! catalogue, decides its cells before the matrix does; the matrix still decides every
//! service no profile speaks for, and the user's overrides still win over both.
//!
//! A profile is a table: its columns are either the provider's own classes of service (AWS:
//! infrastructure, container, abstracted; a service's class is in the catalogue) or the
//! four service models (Azure, Google Cloud). Its rows are the provider's own areas, in the
//! provider's words, each mapped to one of the model's domains; where several areas map to
//! one domain, the domain's owner is theirs when they agree and `shared` when they do not.
//! A few named services may differ from their class (`[[exceptions]]`, e.g. Lambda's code).
//!
//! This module owns the profiles and their file format; [`super::Model`] consults them.

use super::{known_services, Owner, ServiceModel, DEFAULT_MATRIX};
use crate::inputs::names::loose_key;
use serde::Deserialize;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The built-in profiles, in the order they are shown.
const FILES: [(&str, &str); 3] = [
    ("aws.toml", include_str!("../data/profiles/aws.toml")),
    ("azure.toml", include_str!("../data/profiles/azure.toml")),
    (
        "google-cloud.toml",
        include_str!("../data/profiles/google-cloud.toml"),
    ),
];

/// What picks a service's column of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnsBy {
    /// The service's class in the service catalogue (AWS's kinds of service).
    Class,
    /// The service's own service model, as the Services sheet gives it.
    ServiceModel,
}

/// A page a profile is taken from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// When the provider published or last reviewed it, when it says.
    #[serde(default)]
    pub published: Option<String>,
    /// When it was read for demarc.
    pub read: String,
}

impl Source {
    /// `title, url (published …, read …)`, for reports.
    pub fn cite(&self) -> String {
        match &self.published {
            Some(p) => format!(
                "{}, {} (published {p}; read {})",
                self.title, self.url, self.read
            ),
            None => format!("{}, {} (read {})", self.title, self.url, self.read),
        }
    }
}

/// One row of a provider's table: its area (in the provider's words), the domain it is
/// mapped to and its owner per column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    #[serde(default)]
    pub area: Option<String>,
    pub domain: String,
    pub owners: Vec<Owner>,
    #[serde(default)]
    pub why: Option<String>,
}

/// Named services whose owner in one domain differs from their class's.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub services: Vec<String>,
    pub domain: String,
    pub owner: Owner,
    pub why: String,
}

/// A column and what it means, in words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnText {
    pub column: String,
    pub text: String,
}

/// A provider profile as written in `src/data/profiles/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    title: String,
    providers: Vec<String>,
    columns_by: String,
    columns: Vec<String>,
    note: String,
    sources: Vec<Source>,
    #[serde(default)]
    columns_described: Vec<ColumnText>,
    areas: Vec<Area>,
    #[serde(default)]
    exceptions: Vec<Exception>,
}

/// One provider's responsibility model.
#[derive(Debug, PartialEq, Eq)]
pub struct Profile {
    /// `AWS`, `Azure`, `Google Cloud`: what the catalogue's `profile` column says.
    pub name: String,
    pub title: String,
    /// Provider names that bring a service the catalogue does not know under this profile
    /// (only for profiles by service model: an unknown AWS service has no class).
    pub providers: Vec<String>,
    pub columns_by: ColumnsBy,
    pub columns: Vec<String>,
    pub columns_described: Vec<ColumnText>,
    pub note: String,
    pub sources: Vec<Source>,
    pub areas: Vec<Area>,
    pub exceptions: Vec<Exception>,
    /// Per domain (as the seeds' matrix names it): the owner per column, from its areas.
    pub domains: Vec<DomainCells>,
}

/// A domain's owners in one profile, derived from the areas mapped to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainCells {
    pub domain: String,
    pub owners: Vec<Owner>,
}

/// A profile as it applies to one service: the profile and the service's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub profile: &'static Profile,
    pub column: usize,
}

impl Applied {
    /// `AWS abstracted`, `Azure PaaS`: which profile and column decide the cell.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.profile.name, self.profile.columns[self.column]
        )
    }

    /// The owner this profile gives `domain` for the service, when it speaks of that
    /// domain; the exception that decided it, if one did.
    pub fn owner(
        &self,
        domain: &str,
        service: &str,
        provider: &str,
    ) -> Option<(Owner, Option<&'static Exception>)> {
        let wanted = loose_key(domain);
        if let Some(e) = self.profile.exceptions.iter().find(|e| {
            loose_key(&e.domain) == wanted
                && e.services
                    .iter()
                    .any(|s| known_services::same_service(s, service, provider))
        }) {
            return Some((e.owner, Some(e)));
        }
        self.profile
            .domains
            .iter()
            .find(|d| loose_key(&d.domain) == wanted)
            .map(|d| (d.owners[self.column], None))
    }
}

impl Profile {
    /// Reads one profile file; `file` names it in errors.
    fn parse(file: &str, text: &str) -> Result<Profile, String> {
        let raw: ProfileFile =
            toml::from_str(text).map_err(|e| format!("{file}: {}", e.to_string().trim_end()))?;
        let columns_by = match loose_key(&raw.columns_by).as_str() {
            "class" => ColumnsBy::Class,
            "servicemodel" => ColumnsBy::ServiceModel,
            _ => {
                return Err(format!(
                    "{file}: columns_by = {:?}: expected \"class\" or \"service model\"",
                    raw.columns_by
                ))
            }
        };
        if columns_by == ColumnsBy::ServiceModel
            && raw
                .columns
                .iter()
                .map(|c| ServiceModel::parse(c))
                .ne(ServiceModel::ALL.map(Some))
        {
            return Err(format!(
                "{file}: a profile by service model has the columns On-prem, IaaS, PaaS, SaaS"
            ));
        }
        let known_domain = |name: &str| {
            DEFAULT_MATRIX
                .iter()
                .find(|(d, _)| loose_key(d) == loose_key(name))
                .map(|(d, _)| d.to_string())
                .ok_or_else(|| format!("{file}: {name:?} is not a domain of the seeds' matrix"))
        };
        let mut domains: Vec<DomainCells> = Vec::new();
        for area in &raw.areas {
            if area.owners.len() != raw.columns.len() {
                return Err(format!(
                    "{file}: area {:?} has {} owners for {} columns",
                    area.area.as_deref().unwrap_or(&area.domain),
                    area.owners.len(),
                    raw.columns.len()
                ));
            }
            let domain = known_domain(&area.domain)?;
            match domains.iter_mut().find(|d| d.domain == domain) {
                // Two areas in one domain: theirs when they agree, else shared.
                Some(d) => d
                    .owners
                    .iter_mut()
                    .zip(&area.owners)
                    .filter(|(a, b)| a != b)
                    .for_each(|(a, _)| *a = Owner::Shared),
                None => domains.push(DomainCells {
                    domain,
                    owners: area.owners.clone(),
                }),
            }
        }
        for e in &raw.exceptions {
            known_domain(&e.domain)?;
        }
        for c in &raw.columns_described {
            if !raw.columns.contains(&c.column) {
                return Err(format!(
                    "{file}: columns_described names {:?}, not a column",
                    c.column
                ));
            }
        }
        // The matrix's order, whatever order the areas come in.
        domains.sort_by_key(|d| DEFAULT_MATRIX.iter().position(|(m, _)| *m == d.domain));
        Ok(Profile {
            name: raw.name,
            title: raw.title,
            providers: raw.providers,
            columns_by,
            columns: raw.columns,
            columns_described: raw.columns_described,
            note: raw.note,
            sources: raw.sources,
            areas: raw.areas,
            exceptions: raw.exceptions,
            domains,
        })
    }

    /// Every source, `; `-separated, for reports.
    pub fn cite(&self) -> String {
        self.sources
            .iter()
            .map(Source::cite)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The owner of `domain` (as the matrix names it) in a column, when the profile speaks
    /// of that domain.
    pub fn cell(&self, domain: &str, column: usize) -> Option<Owner> {
        self.domains
            .iter()
            .find(|d| loose_key(&d.domain) == loose_key(domain))
            .map(|d| d.owners[column])
    }

    /// The profile as a plain-text table for the terminal (`demarc model --provider`).
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Provider profile: {} — {}", self.name, self.title);
        let by = match self.columns_by {
            ColumnsBy::Class => "by the class the service catalogue gives each service",
            ColumnsBy::ServiceModel => "by each service's service model",
        };
        let _ = writeln!(out, "Columns: {by}.");
        let _ = writeln!(out, "{}", self.note);
        let width = DEFAULT_MATRIX
            .iter()
            .map(|(d, _)| d.len())
            .max()
            .unwrap_or(6);
        let col = self
            .columns
            .iter()
            .map(|c| c.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let _ = write!(out, "\n{:width$} ", "domain");
        for c in &self.columns {
            let _ = write!(out, " {c:col$}");
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            "-".repeat(width + 1 + (col + 1) * self.columns.len())
        );
        for (domain, _) in DEFAULT_MATRIX {
            let _ = write!(out, "{domain:width$} ");
            for i in 0..self.columns.len() {
                let owner = self
                    .cell(domain, i)
                    .map(Owner::as_str)
                    .unwrap_or("(matrix)");
                let _ = write!(out, " {owner:col$}");
            }
            let _ = writeln!(out);
        }
        if !self.exceptions.is_empty() {
            let _ = writeln!(out, "\nExceptions:");
            for e in &self.exceptions {
                let _ = writeln!(
                    out,
                    "  {} — {} → {} ({})",
                    e.services.join(", "),
                    e.domain,
                    e.owner.as_str(),
                    e.why
                );
            }
        }
        if self.areas.iter().any(|a| a.area.is_some()) {
            let _ = writeln!(out, "\nMapping (the provider's area → the model's domain):");
            for a in &self.areas {
                let owners: Vec<&str> = a.owners.iter().map(|o| o.as_str()).collect();
                let _ = writeln!(
                    out,
                    "  {} → {}: {}",
                    a.area.as_deref().unwrap_or(&a.domain),
                    a.domain,
                    owners.join(", ")
                );
            }
            let _ = writeln!(
                out,
                "  (areas sharing a domain: their owner when they agree, else shared)"
            );
        } else if self.areas.iter().any(|a| a.why.is_some()) {
            let _ = writeln!(out, "\nWhy:");
            for a in self.areas.iter().filter(|a| a.why.is_some()) {
                let _ = writeln!(out, "  {}: {}", a.domain, a.why.as_deref().unwrap_or(""));
            }
        }
        let catalogued = known_services::services_of(&self.name);
        let _ = writeln!(out, "\nServices of the catalogue it speaks for:");
        for column in &self.columns {
            let names: Vec<&str> = catalogued
                .iter()
                .filter(|(_, model, class)| match self.columns_by {
                    ColumnsBy::Class => class == column,
                    ColumnsBy::ServiceModel => model.as_str() == column,
                })
                .map(|(name, _, _)| *name)
                .collect();
            let text = self
                .columns_described
                .iter()
                .find(|c| c.column == *column)
                .map(|c| format!(" — {}", c.text))
                .unwrap_or_default();
            let listed = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            let _ = writeln!(out, "  {column}: {listed}{text}");
        }
        match self.columns_by {
            ColumnsBy::Class => {
                let _ = writeln!(
                    out,
                    "  Other {} services (no class in the catalogue) keep the seeds' matrix.",
                    self.name
                );
            }
            ColumnsBy::ServiceModel => {
                let _ = writeln!(
                    out,
                    "  Services the catalogue does not know whose provider is {} take the column of their service model.",
                    self.providers.join(" or ")
                );
            }
        }
        let _ = writeln!(out, "\nSources:");
        for s in &self.sources {
            let _ = writeln!(out, "  - {}", s.cite());
        }
        out
    }
}

/// The built-in profiles, parsed once. Their files are part of the program: a unit test
/// reads each one, so a broken file fails the build's tests, never a user's run.
pub fn builtin() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
                Profile::parse(file, text).unwrap_or_else(|e| panic!("built-in profile: {e}"))
            })
            .collect()
    })
}

/// The profile a user names: by its name or one of its provider names (`AWS`, `Amazon`,
/// `Azure`, `Microsoft Azure`, `GCP`), ignoring case and punctuation.
pub fn named(name: &str) -> Option<&'static Profile> {
    let wanted = loose_key(name);
    builtin().iter().find(|p| {
        loose_key(&p.name) == wanted || p.providers.iter().any(|n| loose_key(n) == wanted)
    })
}

/// The profile that speaks for a service, and its column: the catalogue's `profile` (and,
/// for AWS, its `class`) for a service it knows; for one it does not, a profile by service
/// model whose provider names include the service's provider. `None`: the matrix decides.
pub fn for_service(service: &str, provider: &str, model: ServiceModel) -> Option<Applied> {
    let by_model = |profile: &'static Profile| {
        profile
            .columns
            .iter()
            .position(|c| ServiceModel::parse(c) == Some(model))
            .map(|column| Applied { profile, column })
    };
    match known_services::lookup(service, provider) {
        Some(known) => {
            let profile = builtin().iter().find(|p| p.name == known.profile)?;
            match profile.columns_by {
                ColumnsBy::Class => profile
                    .columns
                    .iter()
                    .position(|c| *c == known.class)
                    .map(|column| Applied { profile, column }),
                ColumnsBy::ServiceModel => by_model(profile),
            }
        }
        None => {
            let key = loose_key(provider);
            builtin()
                .iter()
                .filter(|p| p.columns_by == ColumnsBy::ServiceModel)
                .find(|p| p.providers.iter().any(|n| loose_key(n) == key))
                .and_then(by_model)
        }
    }
}

/// `demarc model --diff providers`: cell by cell, where each profile gives another owner
/// than the seeds' matrix, with the services of the catalogue each line concerns.
pub fn diff_from_matrix() -> String {
    let mut out = String::from(
        "Where the provider profiles differ from the seeds' matrix, cell by cell (matrix → profile).\n",
    );
    let width = DEFAULT_MATRIX
        .iter()
        .map(|(d, _)| d.len())
        .max()
        .unwrap_or(6);
    for profile in builtin() {
        let _ = writeln!(out, "\n{} — {}", profile.name, profile.title);
        let catalogued = known_services::services_of(&profile.name);
        let mut any = false;
        for (column, name) in profile.columns.iter().enumerate() {
            // The matrix column(s) this profile column replaces: its own service model, or
            // (by class) the service models of the catalogue's services of that class.
            let members: Vec<(&str, ServiceModel)> = catalogued
                .iter()
                .filter(|(_, m, class)| match profile.columns_by {
                    ColumnsBy::Class => class == name,
                    ColumnsBy::ServiceModel => m.as_str() == name,
                })
                .map(|(n, m, _)| (*n, *m))
                .collect();
            let mut models: Vec<ServiceModel> = match profile.columns_by {
                ColumnsBy::ServiceModel => ServiceModel::parse(name).into_iter().collect(),
                ColumnsBy::Class => members.iter().map(|(_, m)| *m).collect(),
            };
            models.sort();
            models.dedup();
            for model in models {
                let lines: Vec<String> = DEFAULT_MATRIX
                    .iter()
                    .filter_map(|(domain, owners)| {
                        let theirs = profile.cell(domain, column)?;
                        let ours = owners[model as usize];
                        (theirs != ours).then(|| {
                            format!(
                                "    {domain:width$}  {} → {}",
                                ours.as_str(),
                                theirs.as_str()
                            )
                        })
                    })
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                any = true;
                let services: Vec<&str> = members
                    .iter()
                    .filter(|(_, m)| *m == model)
                    .map(|(n, _)| *n)
                    .collect();
                let heading = match profile.columns_by {
                    ColumnsBy::ServiceModel => format!("{name} services"),
                    ColumnsBy::Class => format!("{name} ({} in the matrix)", model.as_str()),
                };
                let listed = if services.is_empty() {
                    String::new()
                } else {
                    format!(": {}", services.join(", "))
                };
                let _ = writeln!(out, "  {heading}{listed}");
                out.push_str(&lines.join("\n"));
                out.push('\n');
            }
        }
        for e in &profile.exceptions {
            for service in &e.services {
                let Some((_, model, class)) = catalogued.iter().find(|(n, _, _)| n == service)
                else {
                    continue;
                };
                let Some(column) = profile.columns.iter().position(|c| c == class) else {
                    continue;
                };
                let domain = DEFAULT_MATRIX
                    .iter()
                    .find(|(d, _)| loose_key(d) == loose_key(&e.domain));
                let Some((domain, owners)) = domain else {
                    continue;
                };
                let ours = owners[*model as usize];
                let class_owner = profile.cell(domain, column);
                if e.owner != ours {
                    any = true;
                    let _ = writeln!(
                        out,
                        "  {service} (exception to {class})\n    {domain:width$}  {} → {}",
                        ours.as_str(),
                        e.owner.as_str()
                    );
                } else if class_owner.is_some_and(|c| c != e.owner) {
                    let _ = writeln!(
                        out,
                        "  {service}: {domain} stays {} as in the matrix (an exception to {class}, whose owner is {})",
                        e.owner.as_str(),
                        class_owner.map(Owner::as_str).unwrap_or("")
                    );
                }
            }
        }
        if !any {
            let _ = writeln!(out, "  (no cell differs)");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses_and_names_real_domains() {
        let names: Vec<&str> = builtin().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["AWS", "Azure", "Google Cloud"]);
        for p in builtin() {
            assert!(!p.sources.is_empty(), "{} cites a source", p.name);
            assert!(p.sources.iter().all(|s| s.url.starts_with("https://")));
        }
    }

    #[test]
    fn microsofts_table_is_mapped_as_its_header_says() {
        // Operating system (Microsoft in PaaS) + Physical hosts → Host infrastructure;
        // Network controls (shared in PaaS) + Physical network → Network controls.
        let azure = named("Microsoft Azure").unwrap();
        let paas = 2;
        assert_eq!(azure.cell("Network controls", paas), Some(Owner::Shared));
        assert_eq!(
            azure.cell("Host infrastructure", paas),
            Some(Owner::Provider)
        );
        assert_eq!(azure.cell("Host infrastructure", 1), Some(Owner::Shared));
        assert_eq!(
            azure.cell("Identity and access management", 3),
            Some(Owner::Customer)
        );
    }

    #[test]
    fn a_profile_file_with_the_wrong_number_of_owners_is_an_error_naming_it() {
        let text = "name = \"X\"\ntitle = \"t\"\nproviders = [\"X\"]\ncolumns_by = \"class\"\ncolumns = [\"a\", \"b\"]\nnote = \"\"\n[[sources]]\ntitle = \"t\"\nurl = \"https://x\"\nread = \"2026-12-04\"\n[[areas]]\narea = \"Data\"\ndomain = \"Data classification and accountability\"\nowners = [\"customer\"]\n";
        let err = Profile::parse("x.toml", text).unwrap_err();
        assert!(
            err.starts_with("x.toml: area \"Data\" has 1 owners for 2 columns"),
            "{err}"
        );
        let moon = text.replace("Data classification and accountability", "Moon");
        let err = Profile::parse(
            "x.toml",
            &moon.replace("[\"customer\"]", "[\"customer\", \"shared\"]"),
        )
        .unwrap_err();
        assert!(err.contains("\"Moon\" is not a domain"), "{err}");
    }

    #[test]
    fn a_service_finds_its_profile_through_the_catalogue() {
        let label = |s: &str, p: &str, m| for_service(s, p, m).map(|a| a.label());
        assert_eq!(
            label("S3", "AWS", ServiceModel::Paas).as_deref(),
            Some("AWS abstracted")
        );
        assert_eq!(
            label("Amazon RDS", "Amazon Web Services", ServiceModel::Paas).as_deref(),
            Some("AWS container")
        );
        assert_eq!(
            label("EC2", "aws", ServiceModel::Iaas).as_deref(),
            Some("AWS infrastructure")
        );
        // Known to the catalogue, but AWS names no class for it: the matrix.
        assert_eq!(label("CloudFront", "AWS", ServiceModel::Paas), None);
        // Unknown to the catalogue: only a profile by service model takes it.
        assert_eq!(label("Amazon Kinesis", "AWS", ServiceModel::Paas), None);
        assert_eq!(
            label("Azure Event Hubs", "Microsoft Azure", ServiceModel::Paas).as_deref(),
            Some("Azure PaaS")
        );
        assert_eq!(
            label("Microsoft 365", "Microsoft", ServiceModel::Saas).as_deref(),
            Some("Azure SaaS")
        );
        assert_eq!(
            label("Google Workspace", "Google", ServiceModel::Saas),
            None
        );
        assert_eq!(
            label("GitHub Enterprise Cloud", "Microsoft", ServiceModel::Saas),
            None
        );
        assert_eq!(label("S3", "Wasabi", ServiceModel::Paas), None);
    }
}
