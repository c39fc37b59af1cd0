#!/usr/bin/env bash
# A million evidence rows on a laptop (issue 20): runs `demarc report` on the generator's
# enterprise shape under a memory cap and prints its wall time, CPU time, peak RSS, the
# size of every output and the page count of every PDF; then `check --json` beside
# calamine's bare read of the same workbook (the floor).
#
#   bash benches/million.sh                 # scale 10 under a 2 GiB cap
#   SCALE=1 CAP_MB=1024 bash benches/million.sh
#
# The cap is a memory cgroup (v2 or v1; needs root) or `systemd-run --scope` when that
# works; with neither the run is uncapped and the script says so. A run the cap kills is
# reported as killed, with its peak so far. Needs GNU time and poppler's pdfinfo.
# Generated data goes to target/bench-data/enterprise-N (made once, reused).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${SCALE:-10}"
CAP_MB="${CAP_MB:-2048}"
TARGET="${CARGO_TARGET_DIR:-target}"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian: apt-get install time)"; exit 2; }
command -v pdfinfo >/dev/null || { echo "needs pdfinfo (Debian: apt-get install poppler-utils)"; exit 2; }

cargo build --release --quiet --bin demarc --example generate --example calamine_floor
bin="$TARGET/release"
dir="${DEMARC_BENCH_DATA_ROOT:-target/bench-data}/enterprise-$SCALE"
if [ ! -f "$dir/enterprise.xlsx" ]; then
  "$bin/examples/generate" --scale "$SCALE" --shape enterprise --out "$dir" >/dev/null 2>&1
fi

# Runs "$@" under the cap; prints how it was capped on stderr.
capped() {
  local bytes=$((CAP_MB * 1024 * 1024))
  if [ -w /sys/fs/cgroup/cgroup.subtree_control ] 2>/dev/null; then
    local cg=/sys/fs/cgroup/demarc-bench-$$
    mkdir -p "$cg" && echo "$bytes" > "$cg/memory.max" && echo 0 > "$cg/memory.swap.max" 2>/dev/null || true
    echo "capped at $CAP_MB MiB (cgroup v2)" >&2
    ( echo $BASHPID > "$cg/cgroup.procs"; exec "$@" ); local status=$?
    rmdir "$cg" 2>/dev/null || true; return $status
  elif [ -d /sys/fs/cgroup/memory ] && mkdir -p /sys/fs/cgroup/memory/demarc-bench-$$ 2>/dev/null; then
    local cg=/sys/fs/cgroup/memory/demarc-bench-$$
    echo "$bytes" > "$cg/memory.limit_in_bytes"
    echo "$bytes" > "$cg/memory.memsw.limit_in_bytes" 2>/dev/null || true
    echo "capped at $CAP_MB MiB (cgroup v1)" >&2
    ( echo $BASHPID > "$cg/cgroup.procs"; exec "$@" ); local status=$?
    rmdir "$cg" 2>/dev/null || true; return $status
  elif systemd-run --user --scope --quiet -p MemoryMax="${CAP_MB}M" true 2>/dev/null; then
    echo "capped at $CAP_MB MiB (systemd-run)" >&2
    systemd-run --user --scope --quiet -p MemoryMax="${CAP_MB}M" -p MemorySwapMax=0 "$@"
  else
    echo "NOT capped: no writable memory cgroup and no systemd user scope here" >&2
    "$@"
  fi
}

echo "## enterprise shape, scale $SCALE ($(nproc) cores, $(date -u +%F))"
rows=$(($(wc -l < "$dir/csv/evidence.csv") - 1))
echo "workbook: $rows evidence rows, $(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$dir/enterprise.xlsx")/1048576}") MB"

out="$dir/output-million"
rm -rf "$out"
set +e
capped /usr/bin/time -f "%e %U %M" -o /tmp/demarc-million.$$ \
  "$bin/demarc" report "$dir/enterprise.xlsx" --period 2026-Q3 --out "$out" -q
status=$?
set -e
read -r wall user rss < <(tail -n 1 /tmp/demarc-million.$$)
rm -f /tmp/demarc-million.$$
case $status in
  0|1) verdict="completed" ;;
  137) verdict="KILLED by the cap" ;;
  *) verdict="failed (exit $status)" ;;
esac
echo
echo "report: $verdict; ${wall} s wall, ${user} s CPU, peak RSS $((rss / 1024)) MiB"
echo
echo "| output | bytes | pages |"
echo "|---|---|---|"
if [ -d "$out/2026-Q3" ]; then
  (cd "$out/2026-Q3" && find . -maxdepth 1 -type f -printf '%P\n' | sort) | while read -r f; do
    pages=""
    case "$f" in *.pdf) pages=$(pdfinfo "$out/2026-Q3/$f" | awk '/^Pages:/{print $2}') ;; esac
    echo "| $f | $(stat -c %s "$out/2026-Q3/$f") | $pages |"
  done
  vendors=$(find "$out/2026-Q3/vendors" -name '*.pdf' | wc -l)
  largest=$(for f in "$out"/2026-Q3/vendors/*.pdf; do pdfinfo "$f" | awk '/^Pages:/{print $2}'; done | sort -n | tail -1)
  echo "| vendors/*.pdf ($vendors packs) | $(du -sb "$out/2026-Q3/vendors" | cut -f1) | largest $largest |"
fi

echo
# Wall seconds and peak RSS (KB) of a command, whatever its exit status (check exits 1
# when it finds something, which is the point).
measure() {
  local times
  times=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$times" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$times"
  rm -f "$times"
}
read -r fwall frss < <(measure "$bin/examples/calamine_floor" "$dir/enterprise.xlsx")
read -r cwall crss < <(measure "$bin/demarc" check "$dir/enterprise.xlsx" --period 2026-Q3 --json -q)
echo "calamine alone: ${fwall} s, $((frss / 1024)) MiB; check --json: ${cwall} s, $((crss / 1024)) MiB ($(awk "BEGIN{printf \"%.2f\", $cwall/$fwall}")x the floor)"
