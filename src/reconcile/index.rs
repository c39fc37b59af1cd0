//! Lookups built once per run: services, controls and vendors by name key, the newest
//! evidence per (control, service), and the attestations that count per vendor. Every rule
//! asks these instead of scanning rows, so a run grows linearly with its inputs.

use super::Judgement;
use crate::inputs::directory::Directory;
use crate::inputs::names::{key, key_into};
use crate::inputs::period::months_before;
use crate::inputs::{Evidence, Reach, TestResult};
use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;

/// The indexes over one run's inputs. Names are normalised once here, so the rules
/// compare row numbers, never strings.
pub struct Index<'a> {
    pub judgement: Judgement<'a>,
    /// Services, controls and vendors by name: resolved once, shared with the reports.
    pub directory: &'a Directory,
    /// For each (first) control row, its evidence rows on or before the period end.
    pub rows_on_file: Vec<usize>,
    /// For each control row, the (primary) service rows its `applies_to` names, sorted;
    /// `None` for every service (`*` or blank). Unknown names are left out.
    reach: Vec<Option<Vec<usize>>>,
    /// Domain index → the catalogue's controls for that domain (first rows only).
    controls_by_domain: Vec<Vec<usize>>,
    /// (control, service row) → newest evidence row naming that service, on or before the
    /// period end.
    newest_for_service: HashMap<(usize, usize), usize>,
    /// control → newest evidence row with a blank or `*` service, on or before the period end.
    newest_for_all: HashMap<usize, usize>,
    /// For each evidence row on or before the period end, the row of its control and of
    /// its service, found by name once (`None`: unknown, or no service named).
    evidence_names: Vec<(Option<usize>, Option<usize>)>,
    /// Vendor key → attestation rows that count (issued on or before the as-of date).
    attestations: HashMap<String, Vec<usize>>,
}

/// What the evidence says about a control for one service, as at the period end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EvidenceState {
    /// No row on or before the period end.
    Missing,
    /// The newest row on or before the period end, and whether it is within the window.
    Found { row: usize, fresh: bool },
}

impl EvidenceState {
    /// Fresh and Effective: what a CUEC or a customer cell needs.
    pub fn is_good(self, evidence: &[Evidence]) -> bool {
        matches!(self, EvidenceState::Found { row, fresh: true } if evidence[row].result == TestResult::Effective)
    }
}

impl<'a> Index<'a> {
    pub fn build(judgement: Judgement<'a>, directory: &'a Directory) -> Index<'a> {
        let inputs = judgement.inputs;
        let end = judgement.period.end;

        let mut controls_by_domain = vec![Vec::new(); judgement.model.domains.len()];
        let mut reach = Vec::with_capacity(inputs.controls.len());
        for (i, c) in inputs.controls.iter().enumerate() {
            if directory.control(&c.id) == Some(i) {
                controls_by_domain[c.domain].push(i);
            }
            reach.push(match &c.applies_to {
                Reach::All => None,
                Reach::Named(names) => {
                    let mut rows: Vec<usize> =
                        names.iter().filter_map(|n| directory.service(n)).collect();
                    rows.sort_unstable();
                    rows.dedup();
                    Some(rows)
                }
            });
        }

        let mut newest_for_service: HashMap<(usize, usize), usize> = HashMap::default();
        let mut newest_for_all: HashMap<usize, usize> = HashMap::default();
        let mut evidence_names = Vec::with_capacity(inputs.evidence.len());
        let mut rows_on_file = vec![0; inputs.controls.len()];
        let mut name = String::new();
        for (i, e) in inputs.evidence.iter().enumerate() {
            if e.collected_on > end {
                evidence_names.push((None, None));
                continue;
            }
            key_into(&e.control_id, &mut name);
            let control = directory.control_by_key(&name);
            let service = e.service.as_deref().and_then(|service| {
                key_into(service, &mut name);
                directory.service_by_key(&name)
            });
            evidence_names.push((control, service));
            let Some(control) = control else {
                continue;
            };
            rows_on_file[control] += 1;
            // Rows are visited in sheet order, so `>=` lets the lower row win a tie of dates.
            let newer = |current: Option<&usize>| {
                current.is_none_or(|&c| e.collected_on >= inputs.evidence[c].collected_on)
            };
            match &e.service {
                Some(_) => {
                    // Evidence for a service not in the inventory serves no cell.
                    let Some(service) = service else {
                        continue;
                    };
                    if newer(newest_for_service.get(&(control, service))) {
                        newest_for_service.insert((control, service), i);
                    }
                }
                None => {
                    if newer(newest_for_all.get(&control)) {
                        newest_for_all.insert(control, i);
                    }
                }
            }
        }

        let mut attestations: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, a) in inputs.attestations.iter().enumerate() {
            if a.issued().is_none_or(|issued| issued <= judgement.as_of) {
                attestations.entry(key(&a.vendor)).or_default().push(i);
            }
        }

        Index {
            judgement,
            directory,
            rows_on_file,
            reach,
            controls_by_domain,
            newest_for_service,
            newest_for_all,
            evidence_names,
            attestations,
        }
    }

    /// The rows of an evidence row's control and service, found by name (`None`: unknown,
    /// no service named, or the row is dated after the period end and was not looked up).
    pub fn evidence_names(&self, row: usize) -> (Option<usize>, Option<usize>) {
        self.evidence_names[row]
    }

    /// The row index of a service by name.
    pub fn service(&self, name: &str) -> Option<usize> {
        self.directory.service(name)
    }

    /// Whether row `s` is the service's first (authoritative) row.
    pub fn is_primary_service(&self, s: usize) -> bool {
        self.directory.primary_service(s) == s
    }

    /// The row index of a control by id.
    pub fn control(&self, id: &str) -> Option<usize> {
        self.directory.control(id)
    }

    /// Whether row `c` is the control's first (authoritative) row.
    pub fn is_primary_control(&self, c: usize) -> bool {
        self.control(&self.judgement.inputs.controls[c].id) == Some(c)
    }

    /// Whether a control applies to a service.
    pub fn applies(&self, control: usize, service: usize) -> bool {
        match &self.reach[control] {
            None => true,
            Some(rows) => rows
                .binary_search(&self.directory.primary_service(service))
                .is_ok(),
        }
    }

    /// The controls serving a cell: the domain's controls that apply to the service.
    pub fn serving(&self, service: usize, domain: usize) -> impl Iterator<Item = usize> + '_ {
        self.controls_by_domain[domain]
            .iter()
            .copied()
            .filter(move |&c| self.applies(c, service))
    }

    /// The first day evidence of a control must be after to be fresh at the period end.
    pub fn cutoff(&self, control: usize) -> NaiveDate {
        let window = self.judgement.inputs.controls[control]
            .frequency
            .window_months();
        months_before(self.judgement.period.end, window)
    }

    /// The newest evidence for a control and a service, and whether it is fresh.
    pub fn evidence_state(&self, control: usize, service: usize) -> EvidenceState {
        let evidence = &self.judgement.inputs.evidence;
        let own = self
            .newest_for_service
            .get(&(control, self.directory.primary_service(service)))
            .copied();
        let all = self.newest_for_all.get(&control).copied();
        let newest = match (own, all) {
            (Some(a), Some(b)) => {
                // Newest date wins; on a tie, the row lower in the sheet.
                if (evidence[a].collected_on, a) >= (evidence[b].collected_on, b) {
                    Some(a)
                } else {
                    Some(b)
                }
            }
            (a, b) => a.or(b),
        };
        match newest {
            None => EvidenceState::Missing,
            Some(row) => EvidenceState::Found {
                row,
                fresh: evidence[row].collected_on > self.cutoff(control),
            },
        }
    }

    /// The attestation rows from a vendor that count for this run.
    pub fn attestations_of(&self, vendor: &str) -> &[usize] {
        self.attestations
            .get(&key(vendor))
            .map_or(&[], Vec::as_slice)
    }

    /// The services a vendor provides (first rows, in or out of scope).
    pub fn services_of(&self, vendor: &str) -> &[usize] {
        self.directory
            .vendor(vendor)
            .map_or(&[], |v| self.directory.services_of(v))
    }

    /// The current row of each (vendor, type) among the counted attestations — the latest
    /// issued, the lower row on a tie — in vendor, then type order. Per-attestation findings
    /// look only at these: a superseded report raises nothing.
    pub fn current_attestations(&self) -> Vec<usize> {
        let rows = &self.judgement.inputs.attestations;
        let mut vendors: Vec<&String> = self.attestations.keys().collect();
        vendors.sort();
        let mut current = Vec::new();
        for vendor in vendors {
            let mut by_type: std::collections::BTreeMap<_, usize> =
                std::collections::BTreeMap::new();
            for &a in &self.attestations[vendor] {
                let slot = by_type.entry(rows[a].kind).or_insert(a);
                if (rows[a].issued(), a) >= (rows[*slot].issued(), *slot) {
                    *slot = a;
                }
            }
            current.extend(by_type.into_values());
        }
        current
    }
}
