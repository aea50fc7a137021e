#!/usr/bin/env bash
# .docx extraction throughput: prepub next to `pandoc -t plain` (the
# extractor ripgrep-all uses) on the same batch of LibreOffice-made
# documents, in the same run.
#
#   bench/docx.sh [COPIES]      (default 15 copies of 20 documents = 300)
#
# Builds bench/work/docx/ (gitignored) once: 20 distinct documents written
# as .fodt (body paragraphs of varying length, a table, a header and footer,
# a footnote, a comment and a tracked change) and converted with
# `soffice --headless --convert-to docx`, then copied COPIES times.
#
# Everything runs one document at a time. prepub runs the `extract_files`
# example over the whole batch in one process and, for a like-for-like
# comparison with pandoc, once per file; pandoc runs once per file. Both
# wall-clock and CPU (user + system) time are reported: on a shared machine
# CPU time is the steadier number. MB/s is of the .docx files as stored.
set -euo pipefail

copies=${1:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/bench/work/docx"
sources="$work/sources"
batch="$work/batch"

for tool in soffice pandoc python3 cargo; do
    command -v "$tool" >/dev/null || { echo "bench/docx.sh: $tool is required" >&2; exit 1; }
done

if [ ! -f "$sources/doc20.docx" ]; then
    mkdir -p "$sources"
    python3 - "$sources" <<'PY'
import random, sys
from pathlib import Path

out = Path(sys.argv[1])
random.seed(2024)
phrases = [
    "各地区各部门要认真贯彻落实", "进一步加强组织领导", "建立健全工作机制", "切实做好保密管理",
    "严格落实主体责任", "推进政务公开标准化规范化", "加强督促检查", "确保各项任务落到实处",
    "完善信息发布审核制度", "提高依法行政水平", "强化风险防控", "做好舆情回应工作",
    "加快数字政府建设", "优化营商环境", "统筹发展和安全", "坚持问题导向",
]
def sentence():
    return "，".join(random.sample(phrases, random.randint(2, 5))) + "。"
def paragraph():
    return "".join(sentence() for _ in range(random.randint(2, 8)))
head = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>{title}</dc:title><meta:initial-creator>张三</meta:initial-creator></office:meta>
 <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/><style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:header><text:p>某某市人民政府办公室</text:p></style:header><style:footer><text:p>第 1 页</text:p></style:footer>
 </style:master-page></office:master-styles>
 <office:body><office:text>
  <text:tracked-changes text:track-changes="true"><text:changed-region xml:id="c1" text:id="c1"><text:deletion><office:change-info><dc:creator>李四</dc:creator><dc:date>2024-05-01T10:00:00</dc:date></office:change-info><text:p>删除的句子。</text:p></text:deletion></text:changed-region></text:tracked-changes>
"""
for number in range(1, 21):
    parts = [head.format(title=f"关于印发工作方案的通知（第{number}号）")]
    parts.append(f"<text:p>关于印发工作方案的通知（第{number}号）<text:change text:change-id=\"c1\"/></text:p>")
    for index in range(random.randint(10, 120)):
        text = paragraph()
        if index == 2:
            text += ('<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
                     "<text:note-body><text:p>脚注说明。</text:p></text:note-body></text:note>")
        if index == 3:
            text += ("<office:annotation><dc:creator>王五</dc:creator><dc:date>2024-05-01T10:00:00</dc:date>"
                     "<text:p>请核实。</text:p></office:annotation>")
        parts.append(f"<text:p>{text}</text:p>")
    rows = "".join(
        "<table:table-row>" + "".join(
            f"<table:table-cell><text:p>{random.choice(phrases)}</text:p></table:table-cell>" for _ in range(4)
        ) + "</table:table-row>"
        for _ in range(random.randint(3, 30))
    )
    parts.append(f'<table:table table:name="表1"><table:table-column table:number-columns-repeated="4"/>{rows}</table:table>')
    parts.append("</office:text></office:body></office:document>\n")
    (out / f"doc{number}.fodt").write_text("".join(parts), encoding="utf-8")
PY
    profile=$(mktemp -d)
    soffice "-env:UserInstallation=file://$profile" --headless --convert-to "docx:MS Word 2007 XML" \
        --outdir "$sources" "$sources"/doc*.fodt >/dev/null 2>&1
    rm -rf "$profile" "$sources"/*.fodt
fi

rm -rf "$batch"
mkdir -p "$batch"
for copy in $(seq 1 "$copies"); do
    for source in "$sources"/*.docx; do
        cp "$source" "$batch/$(basename "$source" .docx)-$copy.docx"
    done
done
files=("$batch"/*.docx)
count=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)

cargo build --quiet --release --example extract_files --manifest-path "$root/Cargo.toml"
prepub="$root/target/release/examples/extract_files"

# measure NAME COMMAND...: wall and CPU (user + system) seconds of the
# command and its children, appended to $results.
results=$(mktemp)
measure() {
    local name=$1
    shift
    local TIMEFORMAT='%R %U %S'
    local timing
    timing=$( { time "$@" >/dev/null; } 2>&1 | tail -1)
    echo "$name|$timing" >>"$results"
}
each() { # COMMAND...: run COMMAND FILE for every file of the batch
    local file
    for file in "${files[@]}"; do "$@" "$file"; done
}
pandoc_plain() { pandoc -t plain "$1" -o /dev/null; }

inflated=$(python3 -c 'import sys, zipfile; print(sum(i.file_size for f in sys.argv[1:] for i in zipfile.ZipFile(f).infolist()))' "${files[@]}")
echo "batch: $count documents, $(awk -v b="$bytes" -v x="$inflated" 'BEGIN { printf "%.1f MB as .docx, %.1f MB of XML inflated", b / 1e6, x / 1e6 }')"
measure "prepub (one process)" "$prepub" --quiet "${files[@]}"
measure "prepub (one process per file)" each "$prepub" --quiet
measure "pandoc -t plain (one per file)" each pandoc_plain

awk -F'|' -v n="$count" -v b="$bytes" '
{
    split($2, t, " "); wall[NR] = t[1]; cpu[NR] = t[2] + t[3]; name[NR] = $1
    printf "%-32s wall %7.2f s %8.1f docs/s %6.2f MB/s | cpu %7.2f s %8.1f docs/s %6.2f MB/s\n",
        $1, t[1], n / t[1], b / t[1] / 1e6, cpu[NR], n / cpu[NR], b / cpu[NR] / 1e6
}
END {
    printf "pandoc / prepub per document: %.0fx wall, %.0fx cpu (one process); %.0fx wall, %.0fx cpu (a process per file)\n",
        wall[3] / wall[1], cpu[3] / cpu[1], wall[3] / wall[2], cpu[3] / cpu[2]
}' "$results"
rm -f "$results"
