#!/usr/bin/env python3
"""Counts in cloud.gov's FedRAMP CIS/CRM worksheet, computed apart from demarc (openpyxl),
for the expected numbers in tests/it/questionnaires.rs (module `fedramp`).

    pip install openpyxl && python3 tests/data/cloudgov_expected.py

The rules are the ones demarc documents: an origination mark is X or x; Service Provider
Corporate / System Specific / Hybrid and Inherited are the provider's side, Shared is
shared, Configured / Provided by Customer the customer's; several marks name every party
they mark (a provider mark and a customer mark make the control shared). The CRM should
answer Yes, Partial, No for provider, shared, customer. Drift compares that side with the
default model's PaaS column in the domain the 800-53 family maps to
(src/data/domain-mapping.toml). A row with no status, or marked N/A and another status, is
inconsistent and left out of the other checks; a row with no origination is inconsistent
(info when its status is N/A); an N/A row is left out of drift and mismatch.
"""
import collections
import re
import sys
import warnings

import openpyxl

warnings.filterwarnings("ignore")
path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/cloud.gov-CIS-Worksheet.xlsx"
wb = openpyxl.load_workbook(path)
cis, crm = wb["CIS Worksheet"], wb["PaaS CRM"]

status_cols = {"B": "Implemented", "C": "Partially Implemented", "D": "Planned",
               "E": "Alternative Implementation", "F": "N/A"}
side_of = {"G": "provider", "H": "provider", "I": "provider", "J": "customer",
           "K": "customer", "L": "shared", "M": "provider"}
rank = {"provider": 0, "shared": 1, "customer": 2}

controls = {}
status = collections.Counter()
sides = collections.Counter()
inconsistent = collections.Counter()
for r in range(4, cis.max_row + 1):
    cid = cis.cell(r, 1).value
    if cid is None:
        continue
    marks = {openpyxl.utils.get_column_letter(c) for c in range(2, 14)
             if str(cis.cell(r, c).value or "").strip().lower() == "x"}
    for m in marks & status_cols.keys():
        status[status_cols[m]] += 1
    marked = {side_of[m] for m in marks if m in side_of}
    provider = bool(marked & {"provider", "shared"})
    customer = bool(marked & {"customer", "shared"})
    side = {(True, False): "provider", (True, True): "shared",
            (False, True): "customer"}.get((provider, customer))
    sides[side or "none marked"] += 1
    statuses = {status_cols[m] for m in marks if m in status_cols}
    na = "N/A" in statuses
    faults = []
    if not statuses:
        faults.append("no status")
    if na and len(statuses) > 1:
        faults.append("N/A and another status")
    if side is None:
        faults.append("no origination")
    if faults:
        inconsistent["info" if faults == ["no origination"] and na else "low"] += 1
        continue
    if na:
        continue
    controls[cid] = (r, side, statuses)

answers = {}
for r in range(4, crm.max_row + 1):
    cid = crm.cell(r, 1).value
    if cid is not None:
        answers[cid] = (r, crm.cell(r, 2).value)

expected = {"provider": "Yes", "shared": "Partial", "customer": "No"}
order = {"No": 0, "Partial": 1, "Yes": 2}
mismatch = collections.Counter()
for cid, (r, side, _) in controls.items():
    if side and cid in answers and answers[cid][1] != expected[side]:
        more = order[answers[cid][1]] > order[expected[side]]
        mismatch["high" if more else "medium"] += 1

family = {"AC": "IAM", "IA": "IAM", "PE": "PHYS", "SC": "NET", "CM": "HOST", "SI": "HOST",
          "MA": "HOST"}
single = {("SC", 28): "DATA", ("SI", 10): "APP"}
paas = {"IAM": "shared", "PHYS": "provider", "NET": "provider", "HOST": "provider",
        "DATA": "customer", "APP": "shared"}
parties = {"provider": {"P"}, "shared": {"P", "C"}, "customer": {"C"}}
drift = 0
for cid, (r, side, _) in controls.items():
    m = re.match(r"([A-Z]+)-0*(\d+)", cid)
    domain = single.get((m.group(1), int(m.group(2)))) or family.get(m.group(1))
    if not side or not domain:
        continue
    s, o = parties[side], parties[paas[domain]]
    if ("C" in s and "C" not in o) or ("P" not in s and "P" in o) or not (s & o):
        drift += 1

gaps = [cid for cid, (r, side, st) in controls.items()
        if side in ("provider", "shared") and st & {"Planned", "Partially Implemented"}
        and "Implemented" not in st]

print("CIS rows judged", len(controls))
print("QUESTIONNAIRE_INCONSISTENT (CIS rows)", dict(inconsistent))
print("status", dict(status))
print("sides", dict(sides))
print("CRM", dict(collections.Counter(a for _, a in answers.values())))
print("ORIGINATION_MISMATCH", dict(mismatch), sum(mismatch.values()))
print("RESPONSIBILITY_DRIFT (PaaS)", drift)
print("VENDOR_CONTROL_GAP", gaps)
