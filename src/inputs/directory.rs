//! Names resolved to row numbers once per run.
//!
//! The registers join by name: an evidence row names its control and service, a service its
//! provider, an attestation its vendor — spelt as each person typed them ("Okta", " okta").
//! Matching them means normalising ([`key`]) and looking up; done once here, every rule and
//! every report then compares numbers. A report that re-keyed names itself could join them
//! differently from the rules that raised the findings it shows.

use super::names::key;
use super::Inputs;
use crate::findings::Finding;
use rustc_hash::FxHashMap as HashMap;

/// A vendor: every distinct provider of a service, and every vendor an attestation or a
/// CUEC names, numbered in order of first appearance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VendorId(usize);

/// Services, controls and vendors by their normalised names.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Service name key → first row with that name (later rows with it are duplicates).
    services: HashMap<String, usize>,
    /// For each service row, the first row with its name.
    primary_service: Vec<usize>,
    /// Control id key → first row with that id.
    controls: HashMap<String, usize>,
    /// For each control row, the first row with its id.
    primary_control: Vec<usize>,
    /// Vendor name key → its id.
    vendors: HashMap<String, VendorId>,
    /// For each service row, the vendor that provides it.
    vendor_of_service: Vec<VendorId>,
    /// For each vendor, the services it provides (first rows only, in or out of scope).
    services_of_vendor: Vec<Vec<usize>>,
    /// For each attestation row, its vendor.
    vendor_of_attestation: Vec<VendorId>,
    /// For each CUEC row, its vendor, and the control row it maps to (if any is found).
    vendor_of_cuec: Vec<VendorId>,
    control_of_cuec: Vec<Option<usize>>,
    /// For each vendor, its (first) row on the Vendors sheet. A Vendors row naming no
    /// vendor of the other sheets makes no vendor: it is an unknown reference.
    record_of_vendor: HashMap<VendorId, usize>,
}

/// What a finding is about, as rows and ids rather than names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subject {
    /// The service row it names (the first with that name), if any.
    pub service: Option<usize>,
    /// The vendor it names itself (not through its service: that is the service's
    /// [`Directory::vendor_of_service`]).
    pub vendor: Option<VendorId>,
    /// The control row it names (the first with that id), if any.
    pub control: Option<usize>,
}

impl Directory {
    pub fn of(inputs: &Inputs) -> Directory {
        let mut directory = Directory {
            primary_service: Vec::with_capacity(inputs.services.len()),
            vendor_of_service: Vec::with_capacity(inputs.services.len()),
            ..Directory::default()
        };
        for (i, s) in inputs.services.iter().enumerate() {
            let first = *directory.services.entry(key(&s.name)).or_insert(i);
            let vendor = directory.intern(&s.provider);
            if first == i {
                directory.services_of_vendor[vendor.0].push(i);
            }
            directory.primary_service.push(first);
            directory.vendor_of_service.push(vendor);
        }
        for (i, c) in inputs.controls.iter().enumerate() {
            let first = *directory.controls.entry(key(&c.id)).or_insert(i);
            directory.primary_control.push(first);
        }
        for a in &inputs.attestations {
            let vendor = directory.intern(&a.vendor);
            directory.vendor_of_attestation.push(vendor);
        }
        for c in &inputs.cuecs {
            let vendor = directory.intern(&c.vendor);
            directory.vendor_of_cuec.push(vendor);
            let control = c
                .mapped_control
                .as_deref()
                .and_then(|id| directory.control(id));
            directory.control_of_cuec.push(control);
        }
        for (i, v) in inputs.vendors.iter().enumerate() {
            if let Some(vendor) = directory.vendor(&v.vendor) {
                directory.record_of_vendor.entry(vendor).or_insert(i);
            }
        }
        directory
    }

    fn intern(&mut self, name: &str) -> VendorId {
        let next = VendorId(self.services_of_vendor.len());
        let id = *self.vendors.entry(key(name)).or_insert(next);
        if id == next {
            self.services_of_vendor.push(Vec::new());
        }
        id
    }

    /// The first service row with this name.
    pub fn service(&self, name: &str) -> Option<usize> {
        self.services.get(&key(name)).copied()
    }

    /// The first row of the service this row names (itself unless it is a duplicate).
    pub fn primary_service(&self, row: usize) -> usize {
        self.primary_service[row]
    }

    /// The first service row with this name key (already normalised by [`key`]).
    pub fn service_by_key(&self, name_key: &str) -> Option<usize> {
        self.services.get(name_key).copied()
    }

    /// The first row of the control this row names (itself unless it is a duplicate).
    pub fn primary_control(&self, row: usize) -> usize {
        self.primary_control[row]
    }

    /// The first control row with this id key (already normalised by [`key`]).
    pub fn control_by_key(&self, id_key: &str) -> Option<usize> {
        self.controls.get(id_key).copied()
    }

    /// The first control row with this id.
    pub fn control(&self, id: &str) -> Option<usize> {
        self.controls.get(&key(id)).copied()
    }

    /// The vendor with this name (as a provider, or naming an attestation or CUEC).
    pub fn vendor(&self, name: &str) -> Option<VendorId> {
        self.vendors.get(&key(name)).copied()
    }

    /// The vendor that provides a service row.
    pub fn vendor_of_service(&self, row: usize) -> VendorId {
        self.vendor_of_service[row]
    }

    /// The vendor an attestation row names.
    pub fn vendor_of_attestation(&self, row: usize) -> VendorId {
        self.vendor_of_attestation[row]
    }

    /// The vendor a CUEC row names.
    pub fn vendor_of_cuec(&self, row: usize) -> VendorId {
        self.vendor_of_cuec[row]
    }

    /// The control row a CUEC maps to, when its `mapped_control` names a known control.
    pub fn control_of_cuec(&self, row: usize) -> Option<usize> {
        self.control_of_cuec[row]
    }

    /// A vendor's (first) row on the Vendors sheet, if it has one.
    pub fn vendor_record(&self, vendor: VendorId) -> Option<usize> {
        self.record_of_vendor.get(&vendor).copied()
    }

    /// The services a vendor provides (first rows, in or out of scope).
    pub fn services_of(&self, vendor: VendorId) -> &[usize] {
        &self.services_of_vendor[vendor.0]
    }

    /// A finding's subject, resolved.
    pub fn subject(&self, f: &Finding) -> Subject {
        let service = f.service.as_deref().and_then(|s| self.service(s));
        Subject {
            service,
            vendor: f.vendor.as_deref().and_then(|v| self.vendor(v)),
            control: f.control_id.as_deref().and_then(|c| self.control(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::build::{service, InputsBuilder};
    use crate::model::ServiceModel::Saas;

    #[test]
    fn names_resolve_however_they_are_spelt_and_duplicates_point_at_their_first_row() {
        let inputs = InputsBuilder::new()
            .service(service("Okta Workforce", "Okta", Saas))
            .service(service("Slack", "Salesforce", Saas))
            .service(service(" okta workforce ", "OKTA", Saas))
            .build();
        let directory = Directory::of(&inputs);
        assert_eq!(directory.service("OKTA WORKFORCE"), Some(0));
        assert_eq!(directory.primary_service(2), 0);
        let okta = directory.vendor("okta").unwrap();
        assert_eq!(directory.vendor_of_service(2), okta);
        assert_eq!(
            directory.services_of(okta),
            [0],
            "a duplicate row is not a second service"
        );
        assert_eq!(directory.vendor("Zoom"), None);
    }
}
