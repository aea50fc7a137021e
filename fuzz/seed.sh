#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, gitignored) from
# fixtures/ and the shared corpus (PREPUB_CORPUS, else ../shared/corpus).
set -euo pipefail
cd "$(dirname "$0")"
shared=${PREPUB_CORPUS:-../../shared/corpus}
[ -d "$shared" ] || shared=/work/shared/corpus
seed() { # TARGET PATTERN...
    local target=$1
    shift
    mkdir -p "corpus/$target"
    for pattern in "$@"; do
        find ../fixtures "$shared" -type f -iname "$pattern" -size -4M \
            -exec cp -n {} "corpus/$target/" \; 2>/dev/null || true
    done
}
seed text '*.txt' '*.md' '*.csv'
seed detect '*.*'
seed container '*.docx' '*.xlsx' '*.pptx' '*.odt' '*.ofd' '*.zip'
seed archive '*.zip'
seed rules '*.yaml'

find ../rules ../src/rules ../tests/data -name "*.yaml" -exec cp -n {} corpus/rules/ \; 2>/dev/null || true
seed matching '*.txt' '*.md'
seed html "*.html" "*.htm"
# deep-nesting.html is known to be slow (html5ever is quadratic in nesting
# depth; the reader stops at its time budget): as a seed it would eat the
# whole run.
rm -f corpus/html/deep-nesting.html corpus/detect/deep-nesting.html
seed ofd '*.ofd'
seed xlsx '*.xlsx'
seed pptx '*.pptx'
seed odf '*.odt' '*.ods' '*.odp'
seed docx '*.docx' '*.docm'
seed pdf '*.pdf'
seed ole '*.doc' '*.xls' '*.ppt' '*.wps' '*.et' '*.dps' '*.msg'
seed doc '*.doc' '*.dot' '*.wps'
seed ppt '*.ppt' '*.pps' '*.dps'
seed rtf '*.rtf'
# Part targets: the input is one XML part (first byte picks the package).
for target in docx_part ofd_part xlsx_part pptx_part odf_part; do
    mkdir -p "corpus/$target"
done
python3 - <<'PY'
import zipfile, pathlib
targets = {"docx_part": "docx", "ofd_part": "ofd", "xlsx_part": "xlsx", "pptx_part": "pptx", "odf_part": "odf"}
for target, folder in targets.items():
    out = pathlib.Path("corpus") / target
    for package in sorted(pathlib.Path("../fixtures", folder).glob("*.*")):
        try:
            with zipfile.ZipFile(package) as z:
                for i, name in enumerate(z.namelist()):
                    if name.endswith((".xml", ".rels")):
                        (out / f"{package.stem}-{i}").write_bytes(bytes([0, i % 256]) + z.read(name))
        except zipfile.BadZipFile:
            pass
PY
mkdir -p corpus/pdf_content
printf '\x00BT /F1 12 Tf 72 700 Td <00010002> Tj ET' > corpus/pdf_content/content
printf '\x01/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfchar <0001> <673A> <0002> <5BC6> endbfchar endcmap' > corpus/pdf_content/cmap
for d in corpus/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
