#!/usr/bin/env bash
# Loading an organisation lexicon: prepub (read, parse, normalise, pinyin
# spellings, automaton) for 100,000 and 1,000,000 terms, next to ripgrep
# loading the same terms (`rg -c -F -f terms.txt` over an empty file) in the
# same run. Usage: bench/lexicon.sh [COUNTS...] (default: 100000 1000000).
# Targets: 100,000 terms under 2 s and 300 MB; 1,000,000 under 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)
cargo build --release --quiet --example lexicon_bench
work=bench/work/lexicon
mkdir -p "$work"
: > "$work/empty.txt"
for count in "${counts[@]}"; do
  python3 - "$count" "$work/terms-$count.txt" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8") as out:
    for i in range(n):
        out.write(f"设施代号{i:07}号库\n")
PY
  echo "== $count terms"
  target/release/examples/lexicon_bench "$count"
  if command -v rg >/dev/null && [ -x /usr/bin/time ]; then
    # rg exits 1 when nothing matches (the empty file): not an error here.
    /usr/bin/time -f "  baseline rg -c -F -f ($count terms): %e s, peak RSS %M KiB" \
      sh -c 'rg -c -F -f "$1" "$2" >/dev/null; exit 0' _ "$work/terms-$count.txt" "$work/empty.txt"
  fi
done
