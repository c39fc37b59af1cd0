#!/usr/bin/env bash
# Regenerates the first-page previews shown in samples/README.md from the sample reports.
# Needs pdftoppm (Debian: poppler-utils). These PNGs are the only generated files committed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -- report --config samples/demarc.toml --out output
pdftoppm -r 45 -png -f 1 -l 1 -singlefile output/2026-Q3/board-report.pdf samples/preview-board-report
pdftoppm -r 45 -png -f 1 -l 1 -singlefile output/2026-Q3/auditor-pack.pdf samples/preview-auditor-pack
pdftoppm -r 45 -png -f 1 -l 1 -singlefile output/2026-Q3/vendors/Okta.pdf samples/preview-vendor-pack
