#!/usr/bin/env bash
# `demarc report --evidence-listing full` against what a user would otherwise script:
# benches/polars_typst.py (polars + fastexcel reading the workbook, Typst's Python binding
# listing every evidence row). Issue 18 asks demarc to be at least 2x faster, at a fifth
# of the memory or less. Prints wall time, CPU time and peak RSS of each, best of RUNS.
#
#   bash benches/polars_typst.sh              # enterprise shape, scale 1, RUNS=2
#   SCALE=0.1 RUNS=3 bash benches/polars_typst.sh
#
# The script's packages go into a virtualenv under target/ (pinned below; needs Python 3.9+
# with venv and the network once). Generated data goes to target/bench-data/enterprise-N.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${SCALE:-1}"
RUNS="${RUNS:-2}"
TARGET="${CARGO_TARGET_DIR:-target}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian: apt-get install time)"; exit 2; }

venv="$TARGET/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet polars==2.1.0 fastexcel==0.21.0 typst==0.15.2
fi

cargo build --release --quiet --bin demarc --example generate
bin="$TARGET/release"
dir="${DEMARC_BENCH_DATA_ROOT:-target/bench-data}/enterprise-$SCALE"
if [ ! -f "$dir/enterprise.xlsx" ]; then
  "$bin/examples/generate" --scale "$SCALE" --shape enterprise --out "$dir" >/dev/null 2>&1
fi

# Best of RUNS: "wall s, CPU s, peak MiB" of a command (the outputs are removed first).
measure() {
  local out=$1; shift
  local best=""
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %U %S %M" -o /tmp/demarc-time.$$ "$@" >/dev/null 2>&1 || true
    read -r wall user sys rss < <(tail -n 1 /tmp/demarc-time.$$)
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then
      best="$wall $(awk "BEGIN{printf \"%.1f\", $user + $sys}") $((rss / 1024))"
    fi
  done
  rm -f /tmp/demarc-time.$$
  echo "$best"
}

read -r d_wall d_cpu d_rss < <(measure "$dir/output-full" \
  "$bin/demarc" report "$dir/enterprise.xlsx" --period 2026-Q3 --out "$dir/output-full" --evidence-listing full)
read -r p_wall p_cpu p_rss < <(measure "$dir/output-polars" \
  "$venv/bin/python" benches/polars_typst.py "$dir/enterprise.xlsx" 2026-07-01 2026-09-30 "$dir/output-polars")

echo "| enterprise scale $SCALE | wall | CPU | peak RSS |"
echo "|---|---|---|---|"
echo "| demarc report --evidence-listing full | $d_wall s | $d_cpu s | $d_rss MiB |"
echo "| polars + Typst script | $p_wall s | $p_cpu s | $p_rss MiB |"
awk "BEGIN{printf \"demarc is %.1fx faster at %.2f of the memory (issue 18: >= 2x at <= 0.20)\n\", $p_wall / $d_wall, $d_rss / $p_rss}"
