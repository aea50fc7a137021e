#!/usr/bin/env bash
# Legacy formats (.doc/.wps, .xls/.et, .ppt/.dps, .rtf, flat ODF): prepub's
# own readers next to `soffice --headless --cat` on the same files, in the
# same run, one process per file for both.
#
#   bench/legacy.sh [ROUNDS]     (default 3 rounds over every file)
#
# Files: fixtures/legacy/ (committed, made by fixtures/legacy/make.sh) and,
# where present, ../shared/corpus/legacy/files/ (public test files with
# LibreOffice reference texts). Only files LibreOffice's --cat reads (exit 0,
# some output) are timed against it; the others are counted and named, and
# prepub's time on them is still reported. Peak memory (max RSS) of every
# prepub run is recorded beside the file's size: the readers must stay
# bounded by the file, not by what it claims to hold.
#
# Needs: cargo, soffice, /usr/bin/time, python3.
set -euo pipefail

rounds=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/bench/work/legacy"
mkdir -p "$work"

for tool in soffice python3 cargo; do
    command -v "$tool" >/dev/null || { echo "bench/legacy.sh: $tool is required" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/legacy.sh: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }

cargo build --quiet --release --manifest-path "$root/Cargo.toml"
prepub="$root/target/release/prepub"

files=()
for file in "$root"/fixtures/legacy/*.{doc,xls,ppt,rtf,wps,et,dps,fodt,fods,fodp} \
    "$root"/../shared/corpus/legacy/files/*; do
    [ -f "$file" ] || continue
    case "$file" in
        *.mht | *.mhtml | *.eml | *.txt | *.tsv | *.md) continue ;;
    esac
    files+=("$file")
done
[ ${#files[@]} -gt 0 ] || { echo "bench/legacy.sh: no legacy files found" >&2; exit 1; }

# One LibreOffice profile for the whole run, made once before timing, so
# the first file does not pay for creating it.
profile="$work/profile"
soffice_cat() { soffice "-env:UserInstallation=file://$profile" --headless --cat "$1" 2>/dev/null; }
soffice_cat "${files[0]}" >/dev/null || true

table="$work/timings.tsv"
: >"$table"
for file in "${files[@]}"; do
    size=$(stat -c %s "$file")
    if soffice_cat "$file" >"$work/cat.txt" && [ -s "$work/cat.txt" ]; then
        readable=yes
    else
        readable=no
    fi
    for round in $(seq 1 "$rounds"); do
        /usr/bin/time -f "%e %U %S %M" -o "$work/p" "$prepub" extract "$file" >/dev/null 2>&1 || true
        if [ "$readable" = yes ]; then
            /usr/bin/time -f "%e %U %S %M" -o "$work/s" \
                soffice "-env:UserInstallation=file://$profile" --headless --cat "$file" >/dev/null 2>&1 || true
            s=$(tail -1 "$work/s")
        else
            s="- - - -"
        fi
        printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$file")" "$size" "$readable" "$(tail -1 "$work/p")" "$s" >>"$table"
    done
done

python3 - "$table" "$rounds" <<'PY'
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    name, size, readable, prepub, soffice = line.rstrip("\n").split("\t")
    p = [float(x) for x in prepub.split()]
    s = None if readable == "no" else [float(x) for x in soffice.split()]
    rows[name].append((int(size), readable == "yes", p, s))

def median(values):
    return statistics.median(values) if values else float("nan")

compared = [(n, r) for n, r in rows.items() if r[0][1]]
unread = sorted(n for n, r in rows.items() if not r[0][1])
ratios = []
for name, runs in compared:
    # wall time pair by pair, then the file's median ratio
    ratios.append(median([s[0] / max(p[0], 0.001) for _, _, p, s in runs]))
prepub_wall = sum(median([p[0] for _, _, p, _ in runs]) for _, runs in compared)
soffice_wall = sum(median([s[0] for _, _, _, s in runs]) for _, runs in compared)
print(f"files: {len(rows)} ({len(compared)} read by soffice --cat, timed against it)")
print(f"prepub extract, one process per file: {prepub_wall:.2f} s wall for the {len(compared)} files")
print(f"soffice --headless --cat, one per file: {soffice_wall:.2f} s wall for the same files")
print(f"soffice / prepub: {soffice_wall / max(prepub_wall, 0.001):.0f}x in all; per file median "
      f"{median(ratios):.0f}x, slowest file {min(ratios):.0f}x")
if unread:
    print(f"not read by soffice --cat (prepub timed only): {', '.join(unread)}")
memory = sorted(
    ((runs[0][0], max(p[3] for _, _, p, _ in runs), name) for name, runs in rows.items()),
    reverse=True,
)
print(f"prepub peak memory (max RSS): {min(kb for _, kb, _ in memory) / 1024:.1f}–"
      f"{max(kb for _, kb, _ in memory) / 1024:.1f} MiB over all files; the largest files:")
for size, kb, name in memory[:3]:
    print(f"  {name}: {size / 1024:.0f} KiB file, {kb / 1024:.1f} MiB peak")
PY
