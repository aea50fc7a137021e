#!/usr/bin/env bash
# Merge memory: `prepub merge` of SHARDS shard reviews, at two batch sizes
# (DOCS documents per shard, then ten times as many), so the table shows
# whether peak memory follows the number of documents. Each merged review
# is checked against a single scan of the same files.
#
#   bench/merge.sh [SHARDS] [DOCS]        (default 1000 shards, 3 documents each)
#
# PREPUB_BASELINE=/path/to/prepub also merges the same shards with that
# binary (an older build), for a before/after row in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-1000}
per_shard=${2:-3}
cargo build --release --quiet
prepub=$(pwd)/target/release/prepub
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }

peak_mib() { # peak RSS in MiB of a command (stdout discarded)
    /usr/bin/time -f "%M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
        || { cat "$work/stderr.txt" >&2; return 1; }
    awk '{printf "%.0f", $1 / 1024}' "$work/time.txt"
}

echo "merge: $shards shards (bench/merge.sh), peak RSS of \`prepub merge\`"
for documents_per_shard in "$per_shard" $((per_shard * 10)); do
    documents=$((shards * documents_per_shard))
    work=$(pwd)/bench/work/merge-$shards-$documents
    if [ ! -f "$work/shards/$shards.json" ]; then
        rm -rf "$work" && mkdir -p "$work/shards"
        python3 bench/gen_small.py "$work/docs" "$documents"
        # Shards run from one directory over the same relative path, as an
        # engine's jobs do; two at a time.
        seq 1 "$shards" | (cd "$work" && xargs -P 2 -I{} "$prepub" scan docs --no-progress \
            --no-ocr --fail-on never --shard {}/"$shards" -o shards/{}.json >/dev/null)
        (cd "$work" && "$prepub" scan docs --no-progress --no-ocr --fail-on never -o single.json >/dev/null)
    fi
    json_mib=$(du -cm "$work"/shards/*.json | tail -1 | cut -f1)
    new=$(cd "$work" && peak_mib "$prepub" merge shards/*.json -o merged.json)
    python3 - "$work/single.json" "$work/merged.json" <<'PY'
import json, sys
single, merged = (json.load(open(p)) for p in sys.argv[1:])
for review in (single, merged):
    review.pop("started_at")
assert single == merged, "the merged review differs from the single scan"
PY
    line="  $documents documents ($json_mib MiB of shard JSON): $new MiB"
    if [ -n "${PREPUB_BASELINE:-}" ]; then
        old=$(cd "$work" && peak_mib "$PREPUB_BASELINE" merge shards/*.json -o merged-baseline.json)
        line="$line; baseline $PREPUB_BASELINE: $old MiB"
    fi
    echo "$line   (merged = single scan: yes)"
done
