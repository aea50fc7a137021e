#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, JOBS targets at a time, and
# appends one line per run to fuzz/runs.tsv (target, seconds, executions,
# corpus size, outcome). Crashes land in fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh [SECONDS] [JOBS] [TARGET...]
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`);
# builds with -O (optimised), -a (debug assertions: integer overflow is a
# finding) and no sanitizer (prepub is safe Rust; ASan would halve the
# executions per second on this 2-core machine).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
jobs=${2:-2}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
[ -d corpus ] || ./seed.sh
# Only the targets asked for are built (each links all of prepub).
for target in "${targets[@]}"; do
    cargo +nightly fuzz build -O -a -s none "$target" >/dev/null
done
mkdir -p logs
run_one() {
    local target=$1 seconds=$2
    local log="logs/$target.log"
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run -O -a -s none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -max_len=1048576 \
        -print_final_stats=1 >"$log" 2>&1 && outcome=clean || outcome=CRASH
    local runs
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$seconds" "${runs:-?}" \
        "$(ls "corpus/$target" | wc -l)" "$outcome" >>runs.tsv
    echo "$target: ${runs:-?} executions in $seconds s, $outcome"
}
export -f run_one
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c "run_one {} $seconds"
