#!/usr/bin/env python3
"""Generates the matching benchmark's inputs (reproducible: fixed seed).

  gen_text.py OUT_DIR MEGABYTES TERMS

writes OUT_DIR/corpus.txt (Chinese government-style prose with a sprinkling of
markings and personal data), OUT_DIR/terms.txt (TERMS random 4-6 character
terms, a few of which occur in the text) and OUT_DIR/lexicon.yaml, a pack that
loads terms.txt as a `terms_file`.
"""
import pathlib
import random
import sys

out = pathlib.Path(sys.argv[1])
megabytes = int(sys.argv[2])
term_count = int(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
rng = random.Random(20261128)

sentences = [
    "各地区各部门要认真贯彻落实党中央国务院决策部署，切实做好防汛抗旱工作。",
    "进一步优化营商环境，持续深化“放管服”改革，提升政务服务效能。",
    "加强内部控制和内部审计，落实保密工作责任制，开展保密教育。",
    "现将有关事项通知如下，请结合实际认真贯彻执行。",
    "本办法自发布之日起施行，由市人民政府办公室负责解释。",
    "统筹推进疫情防控和经济社会发展，确保人民群众生命安全和身体健康。",
    "联系人：王五，联系电话：010-12345678。",
    "The committee reviewed the annual report and approved the budget.",
    "各级财政部门要加强资金监管，提高财政资金使用效益。",
    "国家秘密的密级分为绝密、机密、秘密三级。",
]
rare = [
    "机密★1年", "内部资料 注意保存", "身份证号11010519491231002X", "联系电话13912345678",
    "（此件不予公开）", "SECRET//NOFORN",
]
alphabet = [chr(c) for c in range(0x4E00, 0x9FA5)]
terms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 6))) for _ in range(term_count)]
planted = terms[:20]

target = megabytes * 1024 * 1024
size = 0
with open(out / "corpus.txt", "w", encoding="utf-8") as f:
    line = []
    while size < target:
        roll = rng.random()
        if roll < 0.001:
            piece = rng.choice(rare)
        elif roll < 0.0015:
            piece = rng.choice(planted)
        else:
            piece = rng.choice(sentences)
        line.append(piece)
        if len(line) >= 6:
            text = "".join(line) + "\n"
            f.write(text)
            size += len(text.encode("utf-8"))
            line = []

with open(out / "terms.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(terms) + "\n")
(out / "lexicon.yaml").write_text(
    "name: bench-lexicon\nversion: '1'\nrules:\n"
    "  - id: term.bench.lexicon\n    severity: review\n    message: benchmark lexicon term\n"
    "    terms_file: terms.txt\n",
    encoding="utf-8",
)
