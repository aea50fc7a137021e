#!/usr/bin/env bash
# `make bench`: every benchmark of issue 9, each figure next to its baseline
# measured in the same run, written to bench/RESULTS.md.
#
#   bench/run.sh [SCALE]     SCALE of the generated batch (default 1.0 =
#                            3,900 documents, about 1 GB)
#
# Generated inputs live in bench/work/ (gitignored) and are reused by later
# runs: the batch (bench/gen_corpus.py, LibreOffice-made .docx and .pdf, OFD,
# text), 1 GB of text and a 50,000-term lexicon (bench/gen_text.py),
# 100,000 small files (bench/gen_small.py) and a 500 MB PDF
# (bench/gen_big_pdf.py). Needs: cargo, python3 (+Pillow, pikepdf), soffice,
# pdftotext, pandoc, rg, /usr/bin/time; rga is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scale=${1:-1.0}
work=$root/bench/work
results=$root/bench/RESULTS.md
mkdir -p "$work"

cargo build --release --quiet
prepub=$root/target/release/prepub
for tool in rg pdftotext pandoc soffice python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }
for module in PIL pikepdf; do
    python3 -c "import $module" 2>/dev/null \
        || { echo "bench: Python's $module is required (pip install pillow pikepdf)" >&2; exit 1; }
done

# measure NAME COMMAND...: runs COMMAND once (stdout discarded) and records
# wall seconds and peak RSS (MiB) in $work/measure/NAME.
mkdir -p "$work/measure"
measure() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/measure/$name" "$@" >/dev/null 2>"$work/measure/$name.stderr" || true
}
wall() { tail -1 "$work/measure/$1" | awk '{print $1}'; }
rss() { tail -1 "$work/measure/$1" | awk '{printf "%.0f", $2 / 1024}'; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "== generating inputs (reused when present)"
corpus=$work/corpus
[ -f "$corpus/terms.txt" ] || python3 bench/gen_corpus.py "$corpus" "$scale"
docs=$corpus/docs
n_docs=$(find "$docs" -type f | wc -l)
mb_docs=$(du -sm "$docs" | cut -f1)
[ -d "$work/small/d099" ] || python3 bench/gen_small.py "$work/small" 100000
[ -f "$work/big.pdf" ] || python3 bench/gen_big_pdf.py "$work/big.pdf" 500 500
# Warm the page cache so no side pays for the first read.
cat $(find "$docs" -type f) > /dev/null

echo "== (a) whole batch"
measure prepub_all "$prepub" scan --no-progress --fail-on never --format json "$docs"
measure prepub_subset "$prepub" scan --no-progress --fail-on never --format json \
    "$docs/docx" "$docs/pdf" "$docs/txt"
measure pipeline bench/pipeline.sh "$docs" "$corpus/terms.txt" "$work/pipeline-text" "$(nproc)"
rm -rf "$work/cache"
measure prepub_cache_cold "$prepub" scan --no-progress --fail-on never --format json \
    --cache "$work/cache" "$docs"
measure prepub_cache_warm "$prepub" scan --no-progress --fail-on never --format json \
    --cache "$work/cache" "$docs"
rga_line="| rga (ripgrep-all) | not installed here (\`cargo install ripgrep_all\`) | | |"
if command -v rga >/dev/null; then
    # A fresh cache directory: a first (cold) run. (--rga-no-cache fails on
    # every PDF in rga 0.10.10: "No cache?".)
    rm -rf "$work/rga-cache"
    measure rga rga --rga-cache-path="$work/rga-cache" -c -F -f "$corpus/terms.txt" \
        "$docs/docx" "$docs/pdf" "$docs/txt"
    rga_line="| rga -F -f terms.txt, first run (docx, pdf, txt) | $(wall rga) s | $(rss rga) MiB | prepub is $(ratio "$(wall prepub_subset)" "$(wall rga)")x its time |"
fi

echo "== (e) scaling"
measure jobs1 "$prepub" scan --no-progress --fail-on never --format json --jobs 1 "$docs"
measure jobs2 "$prepub" scan --no-progress --fail-on never --format json --jobs 2 "$docs"

echo "== (d) memory"
measure small_10k "$prepub" scan --no-progress --fail-on never --format json "$work/small/d00"[0-9]
measure small_100k "$prepub" scan --no-progress --fail-on never --format json "$work/small"
# --no-ocr: this measures reading a big PDF; its noise pictures would
# otherwise each be drawn and recognised (OCR speed is bench/ocr.sh's).
measure big_pdf "$prepub" scan --no-ocr --no-progress --fail-on never --format json "$work/big.pdf"
measure big_pdf_poppler pdftotext -q "$work/big.pdf" /dev/null
big_mb=$(du -m "$work/big.pdf" | cut -f1)

echo "== (b) matching core"
bench/matching.sh 1000 50000 | tee "$work/measure/matching.txt"
echo "== (b2) loading a lexicon"
bench/lexicon.sh 100000 1000000 2>&1 | tee "$work/measure/lexicon.txt"

echo "== (b3) merging 1,000 shards"
bench/merge.sh 1000 3 | tee "$work/measure/merge.txt"

echo "== (c) extraction per format"
bench/docx.sh | tee "$work/measure/docx.txt"
bench/pdf.sh "${PDF_COUNT:-100}" | tee "$work/measure/pdf.txt"
bench/legacy.sh | tee "$work/measure/legacy.txt"
echo "== (c2) OCR vs the tesseract command line"
bench/ocr.sh "$prepub" | tee "$work/measure/ocr.txt"

echo "== writing $results"
{
    echo "# prepub benchmark results"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), prepub $(git rev-parse --short HEAD)."
    echo "Every figure is next to its baseline measured in the same run, on the same files."
    echo
    echo "## Machine"
    echo
    echo "- CPU: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores"
    echo "- Memory: $(free -g | awk '/Mem:/ {print $2}') GiB; OS: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
    echo "- $(rg --version | head -1); pdftotext $(pdftotext -v 2>&1 | head -1 | awk '{print $3}'); $(pandoc --version | head -1)"
    echo
    echo "## (a) Whole batch"
    echo
    echo "Generated batch: $n_docs documents, $mb_docs MB (bench/gen_corpus.py, scale $scale: LibreOffice-made"
    echo ".docx and .pdf, hand-written OFD, UTF-8 and GB18030 text). The script a user would write"
    echo "(bench/pipeline.sh): pdftotext / pandoc -t plain per file under xargs -P $(nproc), then"
    echo "\`rg -c -F -f terms.txt\` over the text; it cannot read OFD, so both sides are also"
    echo "timed on the .docx + .pdf + .txt subset."
    echo
    echo "| run | wall | peak RSS | vs pipeline |"
    echo "| --- | ---: | ---: | --- |"
    echo "| pipeline: pdftotext/pandoc + rg (docx, pdf, txt) | $(wall pipeline) s | $(rss pipeline) MiB | 1.00x |"
    echo "| prepub scan (docx, pdf, txt) | $(wall prepub_subset) s | $(rss prepub_subset) MiB | $(ratio "$(wall prepub_subset)" "$(wall pipeline)")x (target ≤ 0.5x) |"
    echo "| prepub scan (everything, with OFD) | $(wall prepub_all) s | $(rss prepub_all) MiB | |"
    echo "| prepub scan --cache, first run | $(wall prepub_cache_cold) s | $(rss prepub_cache_cold) MiB | |"
    echo "| prepub scan --cache, rerun (unchanged) | $(wall prepub_cache_warm) s | $(rss prepub_cache_warm) MiB | rerun is $(ratio "$(wall prepub_cache_warm)" "$(wall prepub_all)")x an uncached scan |"
    echo "$rga_line"
    echo
    echo "## (b) Matching core"
    echo
    echo '```'
    cat "$work/measure/matching.txt"
    echo '```'
    echo
    echo "## (b2) Loading a lexicon (bench/lexicon.sh)"
    echo
    echo "Targets: 100,000 terms under 2 s and 300 MB; 1,000,000 under 20 s. Baseline: ripgrep loading the same terms."
    echo
    echo '```'
    cat "$work/measure/lexicon.txt"
    echo '```'
    echo
    echo "## (b3) Merging 1,000 shards (bench/merge.sh)"
    echo
    echo "Target: merge memory flat in the number of documents. Baseline: the same merge at a"
    echo "tenth of the documents; each merged review is checked against a single scan."
    echo
    echo '```'
    cat "$work/measure/merge.txt"
    echo '```'
    echo
    echo "## (c) Extraction per format"
    echo
    echo "### .docx vs pandoc (bench/docx.sh)"
    echo
    echo '```'
    cat "$work/measure/docx.txt"
    echo '```'
    echo
    echo "### .pdf vs pdftotext (bench/pdf.sh)"
    echo
    echo '```'
    cat "$work/measure/pdf.txt"
    echo '```'
    echo
    echo "### legacy .doc/.xls/.ppt/.rtf vs soffice --cat (bench/legacy.sh)"
    echo
    echo '```'
    cat "$work/measure/legacy.txt"
    echo '```'
    echo
    echo "### OCR vs the tesseract command line (bench/ocr.sh)"
    echo
    echo "Character accuracy (1 − CER), planted marking and ID found, seconds per page on"
    echo "one core; then the red 内部资料 stamp at 15°."
    echo
    echo '```'
    cat "$work/measure/ocr.txt"
    echo '```'
    echo
    echo "## (d) Memory"
    echo
    echo "| input | wall | peak RSS |"
    echo "| --- | ---: | ---: |"
    echo "| 10,000 small files | $(wall small_10k) s | $(rss small_10k) MiB |"
    echo "| 100,000 small files | $(wall small_100k) s | $(rss small_100k) MiB |"
    echo "| one $big_mb MB PDF (500 pages of images + text): prepub | $(wall big_pdf) s | $(rss big_pdf) MiB |"
    echo "| the same PDF: pdftotext | $(wall big_pdf_poppler) s | $(rss big_pdf_poppler) MiB |"
    echo
    echo "## (e) Scaling"
    echo
    echo "| --jobs | wall | documents/s |"
    echo "| ---: | ---: | ---: |"
    for jobs in 1 2; do
        echo "| $jobs | $(wall jobs$jobs) s | $(python3 -c "print(f'{$n_docs / $(wall jobs$jobs):.0f}')") |"
    done
    echo
    echo "Speed-up 1 → 2 jobs: $(ratio "$(wall jobs1)" "$(wall jobs2)")x."
} > "$results"
echo "wrote $results"
