"""What a user would otherwise script (issue 5's comparison, asked for again by issue 18):
polars reads the workbook (fastexcel, so calamine inside), a few lines of reconciling
write findings.json, and Typst's Python binding makes a PDF listing every evidence row on
or before the period end. `benches/polars_typst.sh` times it beside `demarc report
--evidence-listing full` on the same workbook.

It is a fair script, not a straw man: it does far less than demarc (no model, no
attestation coverage, CUECs, vendor packs, OSCAL or workbook) and uses the cheaper of the
constructs measured in TYPST-NOTES (a table per 400 rows, not one table of every row).

    python benches/polars_typst.py WORKBOOK PERIOD_START PERIOD_END OUT_DIR
"""

import datetime as dt
import json
import pathlib
import sys
import tempfile

import polars as pl
import typst

# Days a result stays current, by the control's stated frequency (the brief's catalogue).
WINDOW = {"continuous": 31, "monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}

TEMPLATE = r"""
#let data = json("data.json")
#set page(paper: "a4", flipped: true, margin: 1.2cm,
  footer: context [Page #counter(page).display() of #counter(page).final().first()])
#set text(size: 6.5pt)
= Every evidence row on or before #data.end
#for chunk in data.rows.chunks(400) {
  table(
    columns: (auto, auto, 1fr, 1fr, auto, auto, auto),
    table.header[*Control*][*Service*][*Evidence*][*File*][*Collected*][*Result*][*Tester*],
    ..chunk.flatten(),
  )
}
"""


def main() -> None:
    workbook, start, end, out = sys.argv[1:5]
    end_date = dt.date.fromisoformat(end)
    out_dir = pathlib.Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)

    services = pl.read_excel(workbook, sheet_name="Services")
    controls = pl.read_excel(workbook, sheet_name="Controls")
    evidence = pl.read_excel(workbook, sheet_name="Evidence")

    in_scope = services.filter(pl.col("in_scope").str.to_lowercase() != "no").select("service")
    # Each control against each in-scope service it applies to ("*" for all of them).
    applies = (
        controls.with_columns(pl.col("applies_to").str.split(";"))
        .explode("applies_to")
        .with_columns(pl.col("applies_to").str.strip_chars())
    )
    everywhere = applies.filter(pl.col("applies_to") == "*").drop("applies_to").join(in_scope, how="cross")
    named = applies.filter(pl.col("applies_to") != "*").rename({"applies_to": "service"}).join(
        in_scope, on="service"
    )
    cells = pl.concat([everywhere, named.select(everywhere.columns)])

    dated = evidence.filter(pl.col("collected_on") <= end_date)
    # Evidence for "*" counts for every service.
    for_all = dated.filter(pl.col("service") == "*").drop("service").join(in_scope, how="cross")
    for_one = dated.filter(pl.col("service") != "*")
    newest = (
        pl.concat([for_one, for_all.select(for_one.columns)])
        .sort("collected_on")
        .group_by(["control_id", "service"])
        .last()
    )
    judged = cells.join(newest, on=["control_id", "service"], how="left").with_columns(
        age=(pl.lit(end_date) - pl.col("collected_on")).dt.total_days(),
        window=pl.col("frequency").str.to_lowercase().replace_strict(WINDOW, default=366),
    )
    findings = pl.concat(
        [
            judged.filter(pl.col("collected_on").is_null()).with_columns(code=pl.lit("EVIDENCE_MISSING")),
            judged.filter(pl.col("age") > pl.col("window")).with_columns(code=pl.lit("EVIDENCE_STALE")),
            judged.filter(pl.col("collected_on").is_not_null() & (pl.col("result") != "Effective")).with_columns(
                code=pl.lit("CONTROL_INEFFECTIVE")
            ),
        ]
    ).select("code", "control_id", "service", "domain", "collected_on", "result")
    (out_dir / "findings.json").write_text(
        json.dumps({"period": [start, end], "findings": findings.to_dicts()}, default=str, indent=2)
    )

    columns = ["control_id", "service", "evidence", "evidence_file", "collected_on", "result", "tester"]
    rows = dated.select(pl.col(c).cast(pl.String).fill_null("") for c in columns).rows()
    with tempfile.TemporaryDirectory() as work:
        work_dir = pathlib.Path(work)
        (work_dir / "data.json").write_text(json.dumps({"end": end, "rows": rows}))
        (work_dir / "main.typ").write_text(TEMPLATE)
        typst.compile(str(work_dir / "main.typ"), output=str(out_dir / "evidence.pdf"))
    print(f"{len(findings)} findings, {len(rows)} evidence rows listed", file=sys.stderr)


if __name__ == "__main__":
    main()
