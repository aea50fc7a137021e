#!/usr/bin/env bash
# Matching throughput: prepub (built-in packs + a lexicon) vs `rg -c -F -f`
# on the same generated text, in the same run. Usage: bench/matching.sh [MB] [TERMS]
# With PREPUB_BASELINE=/path/to/an/earlier/prepub, that binary is measured
# the same way in the same run, as a "before" row.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-100}
terms=${2:-10000}
work=bench/work/matching-$megabytes-$terms
[ -f "$work/corpus.txt" ] || python3 bench/gen_text.py "$work" "$megabytes" "$terms"
cargo build --release --quiet
prepub=target/release/prepub
command -v rg >/dev/null || { echo "ripgrep (rg) not installed: apt-get install ripgrep"; exit 1; }
bytes=$(stat -c %s "$work/corpus.txt")

best() { # best of 3 wall-clock seconds for a command
  local best=999999
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $end - $start))")
  done
  echo "$best"
}
rg_time=$(best rg -c -F -f "$work/terms.txt" "$work/corpus.txt")
prepub_time=$(best "$prepub" scan --no-progress --fail-on never --format json --with-builtin --rules "$work/lexicon.yaml" "$work/corpus.txt")
# Peak memory (kilobytes, as GNU time reports it) and CPU seconds (user +
# system) of one run: prepub matches a large text's windows on every core,
# rg reads a file on one, so CPU time is shown beside wall time.
usage() {
  local out; out=$(mktemp)
  /usr/bin/time -o "$out" -f "%M %U %S" "$@" >/dev/null 2>&1 || true
  tail -1 "$out"; rm -f "$out"
}
read -r peak_kb user sys < <(usage "$prepub" scan --no-progress --fail-on never --format json --with-builtin --rules "$work/lexicon.yaml" "$work/corpus.txt")
cpu=$(python3 -c "print($user + $sys)")
read -r _ rg_user rg_sys < <(usage rg -c -F -f "$work/terms.txt" "$work/corpus.txt")
rg_cpu=$(python3 -c "print($rg_user + $rg_sys)")
# Start-up: a one-line file with the built-in packs, beside `--version`
# (the process and its libraries alone), best of 20.
echo "一行文字" > "$work/tiny.txt"
startup() { local best=999999; for _ in $(seq 20); do
  local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
  best=$(python3 -c "print(min($best, $end - $start))"); done; echo "$best"; }
tiny_time=$(startup "$prepub" scan --no-progress --no-ocr --fail-on never --format json "$work/tiny.txt")
bare_time=$(startup "$prepub" --version)
# The same for an earlier build, when one is given.
base_time=0 base_peak_kb=0 base_tiny=0 base_bare=0 base_cpu=0
if [ -n "${PREPUB_BASELINE:-}" ]; then
  base=$PREPUB_BASELINE
  base_time=$(best "$base" scan --no-progress --fail-on never --format json --with-builtin --rules "$work/lexicon.yaml" "$work/corpus.txt")
  read -r base_peak_kb base_user base_sys < <(usage "$base" scan --no-progress --fail-on never --format json --with-builtin --rules "$work/lexicon.yaml" "$work/corpus.txt")
  base_cpu=$(python3 -c "print($base_user + $base_sys)")
  base_tiny=$(startup "$base" scan --no-progress --no-ocr --fail-on never --format json "$work/tiny.txt")
  base_bare=$(startup "$base" --version)
fi
python3 - "$bytes" "$rg_time" "$prepub_time" "$megabytes" "$terms" "$peak_kb" "$tiny_time" "$bare_time" \
  "$base_time" "$base_peak_kb" "$base_tiny" "$base_bare" "$cpu" "$rg_cpu" "$base_cpu" <<'PY'
import sys
size, rg, pp, mb, terms = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
peak, tiny, bare = int(sys.argv[6]) * 1024, float(sys.argv[7]), float(sys.argv[8])
base, base_peak, base_tiny, base_bare = float(sys.argv[9]), int(sys.argv[10]) * 1024, float(sys.argv[11]), float(sys.argv[12])
print(f"matching: {mb} MB generated Chinese text, built-in packs + {terms}-term lexicon (best of 3)")
print(f"  rg -c -F -f terms.txt : {rg:7.2f} s  {size / rg / 1e6:8.1f} MB/s")
print(f"  prepub scan           : {pp:7.2f} s  {size / pp / 1e6:8.1f} MB/s")
cpu, rg_cpu, base_cpu = float(sys.argv[13]), float(sys.argv[14]), float(sys.argv[15])
print(f"  prepub / rg time      : {pp / rg:7.2f}x   (target: <= 1.0x)")
print(f"  CPU time (one run)    : prepub {cpu:.2f} s, rg {rg_cpu:.2f} s = {cpu / rg_cpu:.2f}x (prepub matches a large text on every core)")
print(f"  peak memory           : {peak / 2**20:7.0f} MiB = {peak / size:.2f}x the text   (target: <= 1.5x)")
print(f"  start-up, built-in packs: {(tiny - bare) * 1000:5.1f} ms over `prepub --version` ({bare * 1000:.1f} ms)   (target: <= 5 ms)")
if base:
    print("  before (PREPUB_BASELINE), same run:")
    print(f"    scan                : {base:7.2f} s  = {base / rg:.2f}x rg; now {pp / base:.2f}x its time")
    print(f"    CPU time            : {base_cpu:7.2f} s; now {cpu / base_cpu:.2f}x")
    print(f"    peak memory         : {base_peak / 2**20:7.0f} MiB = {base_peak / size:.2f}x the text; now {peak / base_peak:.2f}x")
    print(f"    start-up            : {(base_tiny - base_bare) * 1000:5.1f} ms over its `--version`")
PY
