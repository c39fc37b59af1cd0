//! A service named the way its provider's report names it. A hyperscaler's SOC 2 lists its
//! services by their long names with the short one in brackets (`Amazon Elastic Compute
//! Cloud (EC2)`, `Amazon Simple Storage Service (Amazon S3)`, `AWS Key Management Service
//! (KMS)`), while an inventory keeps the short name (`Amazon EC2`). Compared as typed, the
//! report names none of the services it covers: each is an unknown reference, and each
//! cell of those services loses the report's coverage.
//!
//! So, once the inputs are read, a service an attestation names that is none of its
//! vendor's services as written is read as the one service of that vendor that it names
//! by its long name, its bracketed short name, or the short name after the long name's
//! first word (`Amazon` + `EC2`), with a warning naming both. Only one service may match,
//! and only among the vendor's own: nothing is guessed.

use super::names::{key, long_and_short};
use super::{Inputs, Reach};
use std::collections::HashMap;

/// The names a service goes by: as written, and when it ends in a bracketed short name, the
/// long name, the short name, and the short name after the long name's first word.
fn names_of(name: &str) -> Vec<String> {
    let mut names = vec![key(name)];
    if let Some((long, short)) = long_and_short(name) {
        if !long.is_empty() && !short.is_empty() {
            names.push(key(long));
            names.push(key(short));
            if let Some(brand) = long.split_whitespace().next() {
                names.push(key(&format!("{brand} {short}")));
            }
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Whether two spellings name one service (see the module's comment).
pub fn same_service(a: &str, b: &str) -> bool {
    let of_b = names_of(b);
    names_of(a).iter().any(|n| of_b.contains(n))
}

/// Rewrites each attestation's named services to the Services sheet's spelling where the
/// report names them by their long names; returns one warning per name so read.
pub fn read_attested_services_as_inventory_does(inputs: &mut Inputs) -> Vec<String> {
    // Each vendor's services, with their name keys, built once: a hyperscaler's reports
    // name ninety services each, against an inventory of thousands.
    let mut by_vendor: HashMap<String, Vec<(&str, String)>> = HashMap::new();
    for s in &inputs.services {
        by_vendor
            .entry(key(&s.provider))
            .or_default()
            .push((s.name.as_str(), key(&s.name)));
    }
    // One warning per long name, at the first row that wrote it: a register of twenty
    // reports naming ninety services each would otherwise warn 1,800 times.
    let mut read_as: Vec<(String, String, String, usize)> = Vec::new();
    for a in &mut inputs.attestations {
        let Reach::Named(names) = &mut a.services else {
            continue;
        };
        let Some(own) = by_vendor.get(&key(&a.vendor)) else {
            continue;
        };
        for name in names.iter_mut() {
            let name_key = key(name);
            if own.iter().any(|(_, k)| *k == name_key) {
                continue;
            }
            let matches: Vec<&str> = own
                .iter()
                .filter(|(s, _)| same_service(s, name))
                .map(|(s, _)| *s)
                .collect();
            if let [service] = matches[..] {
                match read_as
                    .iter_mut()
                    .find(|(n, s, _, _)| n == name && s == service)
                {
                    Some((_, _, _, rows)) => *rows += 1,
                    None => {
                        read_as.push((name.clone(), service.to_string(), a.source.to_string(), 1))
                    }
                }
                *name = service.to_string();
            }
        }
    }
    read_as
        .into_iter()
        .map(|(name, service, first, rows)| {
            let more = match rows {
                1 => String::new(),
                2 => " (and 1 more row)".to_string(),
                n => format!(" (and {} more rows)", n - 1),
            };
            format!("{first}: {name:?} read as the service {service:?}{more} (its name in brackets, as the provider's report writes it)")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::same_service;

    #[test]
    fn a_report_s_long_names_are_the_inventory_s_short_ones_and_no_looser() {
        for (a, b) in [
            ("Amazon Elastic Compute Cloud (EC2)", "Amazon EC2"),
            ("Amazon Simple Storage Service (Amazon S3)", "Amazon S3"),
            ("AWS Key Management Service (KMS)", "AWS KMS"),
            ("Amazon Elastic Compute Cloud (EC2)", "EC2"),
            (
                "Amazon Relational Database Service (RDS)",
                "Amazon Relational Database Service",
            ),
        ] {
            assert!(same_service(a, b), "{a} / {b}");
            assert!(same_service(b, a), "{b} / {a}");
        }
        for (a, b) in [
            ("Amazon Elastic Compute Cloud (EC2)", "Amazon S3"),
            ("Amazon EC2", "Amazon ECS"),
            ("Amazon Elastic Container Service (ECS)", "Amazon EKS"),
            ("Azure Active Directory (Entra ID)", "Amazon Entra"),
        ] {
            assert!(!same_service(a, b), "{a} / {b}");
        }
    }
}
