#!/usr/bin/env bash
# Times whole runs at scales 0.1, 1 and 10 (wall time and peak memory via /usr/bin/time),
# against calamine alone reading every cell (the floor for ingest). Prints a markdown
# table to paste into benches/README.md.
#
#   bash benches/run.sh            # all three scales
#   SCALES="0.1 1" bash benches/run.sh
#
# Generated data goes to target/bench-data/scale-N (made once, reused).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES="${SCALES:-0.1 1 10}"
TARGET="${CARGO_TARGET_DIR:-target}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian: apt-get install time)"; exit 2; }

cargo build --release --quiet --bin demarc --example generate --example calamine_floor
bin="$TARGET/release"

# Best of 3: wall seconds and peak RSS (MB) of a command; ignores its exit status (check
# exits 1 when it finds something, which is the point).
measure() {
  local best_wall="" best_rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/demarc-time.$$ "$@" >/dev/null 2>&1 || true
    # GNU time writes "Command exited with non-zero status N" first when the command fails.
    read -r wall rss < <(tail -n 1 /tmp/demarc-time.$$)
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$rss; fi
  done
  rm -f /tmp/demarc-time.$$
  printf "%.2f s | %d MB" "$best_wall" "$((best_rss / 1024))"
}

echo "| scale | evidence rows | xlsx MB | calamine alone (floor) | RSS | check xlsx | RSS | check csv | RSS | report xlsx (all PDFs) | RSS | report --evidence-listing full | RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for scale in $SCALES; do
  dir="${DEMARC_BENCH_DATA_ROOT:-target/bench-data}/scale-$scale"
  if [ ! -f "$dir/enterprise.xlsx" ]; then
    "$bin/examples/generate" --scale "$scale" --out "$dir" 2>/dev/null
  fi
  rows=$(($(wc -l < "$dir/csv/evidence.csv") - 1))
  mb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$dir/enterprise.xlsx")/1048576}")
  floor=$(measure "$bin/examples/calamine_floor" "$dir/enterprise.xlsx")
  check_xlsx=$(measure "$bin/demarc" check "$dir/enterprise.xlsx" --period 2026-Q3)
  check_csv=$(measure "$bin/demarc" check "$dir/csv" --period 2026-Q3)
  report=$(measure "$bin/demarc" report "$dir/enterprise.xlsx" --period 2026-Q3 --out "$dir/output")
  # Every evidence row in the PDF appendix: minutes of Typst at scale 10, so only up to 1.
  if awk "BEGIN{exit !($scale <= 1)}"; then
    full=$(measure "$bin/demarc" report "$dir/enterprise.xlsx" --period 2026-Q3 --out "$dir/output-full" --evidence-listing full)
  else
    full="not run | —"
  fi
  echo "| $scale | $rows | $mb | $floor | $check_xlsx | $check_csv | $report | $full |"
done
