#!/bin/sh
# PDF extraction speed: prepub next to pdftotext on the same files, same run.
#
# Makes (once) a few hundred LibreOffice-exported Chinese PDFs and one
# ~500-page document under bench/work/pdf, then times
#   - one core: prepub (--jobs 1) and pdftotext one file after another,
#     reported per page;
#   - all cores: prepub --jobs N and pdftotext under xargs -P N, wall time.
# Needs: soffice (LibreOffice), pdftotext and pdfinfo (poppler-utils),
# python3, cargo. Usage: bench/pdf.sh [COUNT]   (default 300 documents)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$ROOT/bench/work/pdf"
COUNT=${1:-300}
CORES=$(nproc)

mkdir -p "$WORK/txt" "$WORK/pdf"
if [ "$(find "$WORK/pdf" -name '*.pdf' | wc -l)" -lt "$((COUNT + 1))" ]; then
    echo "making $COUNT documents and one long one in $WORK ..."
    python3 "$ROOT/bench/make_pdf_corpus.py" "$WORK/txt" "$COUNT"
    # LibreOffice converts them (and embeds subset fonts), 50 per process:
    # one process for hundreds of files gives up part way.
    for txt in "$WORK"/txt/*.txt; do
        name=$(basename "$txt" .txt)
        [ -f "$WORK/pdf/$name.pdf" ] || echo "$txt"
    done | xargs -n 50 soffice --headless --convert-to pdf --outdir "$WORK/pdf" > /dev/null 2>&1
fi
FILES=$(find "$WORK/pdf" -name '*.pdf' | sort)
NFILES=$(echo "$FILES" | wc -l)
PAGES=0
for file in $FILES; do
    PAGES=$((PAGES + $(pdfinfo "$file" | awk '/^Pages:/ {print $2}')))
done
LONG_PAGES=$(pdfinfo "$WORK/pdf/long.pdf" | awk '/^Pages:/ {print $2}')
echo "$NFILES PDFs, $PAGES pages (long.pdf: $LONG_PAGES pages), $CORES cores"

cargo build --quiet --release --example extract_files --manifest-path "$ROOT/Cargo.toml"
PREPUB="$ROOT/target/release/examples/extract_files"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

# Warm the page cache so neither side pays for the first read.
cat $FILES > /dev/null

start=$(now)
for file in $FILES; do pdftotext -q "$file" /dev/null; done
poppler_one=$(elapsed "$start" "$(now)")

start=$(now)
# shellcheck disable=SC2086
"$PREPUB" --quiet --jobs 1 $FILES > "$WORK/prepub-one.txt" 2> /dev/null
prepub_one=$(elapsed "$start" "$(now)")

start=$(now)
echo "$FILES" | xargs -P "$CORES" -n 8 sh -c 'for f in "$@"; do pdftotext -q "$f" /dev/null; done' _
poppler_all=$(elapsed "$start" "$(now)")

start=$(now)
# shellcheck disable=SC2086
"$PREPUB" --quiet --jobs "$CORES" $FILES > "$WORK/prepub-all.txt" 2> /dev/null
prepub_all=$(elapsed "$start" "$(now)")

start=$(now)
pdftotext -q "$WORK/pdf/long.pdf" /dev/null
poppler_long=$(elapsed "$start" "$(now)")
start=$(now)
"$PREPUB" --quiet "$WORK/pdf/long.pdf" > /dev/null 2>&1
prepub_long=$(elapsed "$start" "$(now)")

not_complete=$(grep -vc "	complete	" "$WORK/prepub-one.txt" || true)

printf '\n%-34s %12s %12s %10s\n' "" "pdftotext" "prepub" "ratio"
printf '%-34s %10.3f s %10.3f s %9.2fx\n' "one core, all files" "$poppler_one" "$prepub_one" "$(echo "$prepub_one / $poppler_one" | bc -l)"
printf '%-34s %9.2f ms %9.2f ms\n' "one core, per page" \
    "$(echo "$poppler_one * 1000 / $PAGES" | bc -l)" "$(echo "$prepub_one * 1000 / $PAGES" | bc -l)"
printf '%-34s %10.3f s %10.3f s %9.2fx\n' "all $CORES cores, wall time" "$poppler_all" "$prepub_all" "$(echo "$prepub_all / $poppler_all" | bc -l)"
printf '%-34s %10.3f s %10.3f s %9.2fx\n' "long.pdf ($LONG_PAGES pages), one core" "$poppler_long" "$prepub_long" "$(echo "$prepub_long / $poppler_long" | bc -l)"
printf '%-34s %12s\n' "prepub: files not complete" "$not_complete"
echo "(ratio < 1: prepub is faster; prepub also reads annotations, metadata, revisions and checks redactions)"
