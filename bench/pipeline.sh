#!/usr/bin/env bash
# The pipeline a user would script instead of prepub: convert every
# document to text with the usual tools, in parallel, then grep the text
# for the terms.
#
#   bench/pipeline.sh DOCS TERMS OUT_DIR JOBS
#
# .pdf → pdftotext, .docx → pandoc -t plain, .txt read as is; OFD has no
# common converter and is left out (prepub reads it). Prints rg's counts.
set -euo pipefail
docs=$1 terms=$2 out=$3 jobs=$4
rm -rf "$out"
mkdir -p "$out"
export out
find "$docs" -name '*.pdf' -print0 |
    xargs -0 -P "$jobs" -n 20 sh -c 'for f; do pdftotext -q "$f" "$out/$(basename "$f").txt"; done' _
find "$docs" -name '*.docx' -print0 |
    xargs -0 -P "$jobs" -n 20 sh -c 'for f; do pandoc -t plain "$f" -o "$out/$(basename "$f").txt"; done' _
rg -c -F -f "$terms" "$out" "$docs/txt" || true
