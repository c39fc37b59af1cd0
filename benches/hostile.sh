#!/usr/bin/env bash
# Runs demarc on the hostile files of issue 15 at full size under a virtual-memory cap
# (`ulimit -v`), and prints, for each, the exit status, peak RSS, wall time and the first
# line demarc printed. Every run must end with status 2 and a located error — never 134
# (an abort) or a signal. Not a timed test: run it by hand after touching ingest or verify.
#
#   bash benches/hostile.sh                 # debug build, 3 GB cap
#   PROFILE=release CAP_MB=1024 bash benches/hostile.sh
#
# The files are written by `examples/hostile.rs` to target/hostile-data (made once).
set -uo pipefail
cd "$(dirname "$0")/.."
PROFILE="${PROFILE:-debug}"
CAP_MB="${CAP_MB:-3072}"
TARGET="${CARGO_TARGET_DIR:-target}"
DATA="$TARGET/hostile-data"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian: apt-get install time)"; exit 2; }

flag=""
[ "$PROFILE" = release ] && flag="--release"
cargo build $flag --quiet --bin demarc --example hostile || exit 2
bin="$TARGET/$PROFILE"
[ -d "$DATA" ] || "$bin/examples/hostile" "$DATA" >/dev/null
# Absolute: each case runs from inside $DATA.
demarc="$(realpath "$bin/demarc")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "| case | exit | peak RSS | wall | first line of the error |"
echo "|---|---|---|---|---|"
run() {
  local name="$1"; shift
  ( ulimit -v $((CAP_MB * 1024)); cd "$DATA" && /usr/bin/time -f "%e %M" -o "$out/time" "$demarc" "$@" >"$out/stdout" 2>"$out/stderr" )
  local status=$?
  read -r wall rss < <(tail -n 1 "$out/time")
  local first
  first="$(grep -v '^error: the inputs have' "$out/stderr" | head -n 1 | sed 's/^ *//' | cut -c1-160)"
  printf "| %s | %s | %d MB | %s s | %s |\n" "$name" "$status" "$((rss / 1024))" "$wall" "$first"
}

p=(-p 2026-Q3)
run "xlsx uniqueCount 1e12"               check unique-count-1e12.xlsx "${p[@]}"
run "xlsx uniqueCount 1e18"               check unique-count-1e18.xlsx "${p[@]}"
run "xlsx styles: 45 M <xf/>"             check styles-45m.xlsx "${p[@]}"
run "xlsx 55 M shared strings"            check shared-strings-55m.xlsx "${p[@]}"
run "xls DIMENSIONS 1048576 × 16384"      check dimensions.xls "${p[@]}"
run "xls DIMENSIONS, as --caiq"           check company.xlsx --caiq Okta=dimensions.xls "${p[@]}"
run "xls cell at column 0xFFFF"           check column-ffff.xls "${p[@]}"
run "xls cell at column 0xFFFF, as --caiq" check company.xlsx --caiq Okta=column-ffff.xls "${p[@]}"
run "ods 16384 × 6000 repeats"            check repeats.ods "${p[@]}"
run "vendor: 2000 sheets on one 5 MB part" check company.xlsx --caiq Okta=aliased-sheets.xlsx "${p[@]}"
run "CSV row of 50 M fields (100 MB)"     check csv/evidence.csv "${p[@]}"
run "verify: manifest of 6 M entries"     verify manifest-6m.zip
run "/dev/zero as --config"               check --config /dev/zero
