#!/usr/bin/env python3
"""Writes the Chinese text documents that bench/pdf.sh turns into PDFs.

Usage: make_pdf_corpus.py OUT_DIR COUNT

Writes COUNT documents of one to four pages each (doc-NNN.txt) and one long
document of about 500 pages (long.txt), from a fixed vocabulary of
government-notice sentences shuffled with a fixed seed, so every run times
the same text. LibreOffice converts them to PDF with embedded CJK fonts.
"""
import pathlib
import random
import sys

SENTENCES = [
    "根据工作安排，现就开展专项检查有关事项通知如下。",
    "各地区、各部门要高度重视，切实加强组织领导，明确责任分工。",
    "检查范围包括本单位全部业务系统、办公设备和涉密载体。",
    "对检查中发现的问题，要立即整改，并于规定时间内报送整改情况。",
    "本通知自印发之日起施行，原有规定与本通知不一致的，以本通知为准。",
    "联系人：王明，联系电话：010-12345678。",
    "二〇二四年三月一日",
    "一、总体要求",
    "二、主要任务",
    "三、保障措施",
    "坚持以人民为中心的发展思想，推动经济社会高质量发展。",
    "加强政府信息公开工作，依法依规做好信息发布和解读回应。",
    "严格执行保密法律法规，落实保密工作责任制。",
    "统筹推进数字政府建设，提升政务服务效能。",
    "各单位要结合实际，制定具体实施方案，确保各项任务落到实处。",
    "附件：1．专项检查工作方案  2．检查情况统计表",
]


def paragraph(rng):
    return "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))


def document(rng, paragraphs):
    lines = ["关于开展专项检查工作的通知", ""]
    lines += [paragraph(rng) for _ in range(paragraphs)]
    return "\n".join(lines) + "\n"


def main():
    out = pathlib.Path(sys.argv[1])
    count = int(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20241128)
    for index in range(count):
        # About 23 paragraphs fill an A4 page at LibreOffice's defaults.
        text = document(rng, rng.randint(15, 90))
        (out / f"doc-{index:03d}.txt").write_text(text, encoding="utf-8")
    (out / "long.txt").write_text(document(rng, 500 * 23), encoding="utf-8")


if __name__ == "__main__":
    main()
