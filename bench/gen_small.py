#!/usr/bin/env python3
"""Writes COUNT small text files (a few hundred bytes each, one in fifty
with a finding) under OUT_DIR, 1,000 per directory: the memory benchmark's
"100,000 small files".

  gen_small.py OUT_DIR COUNT
"""
import random
import sys
from pathlib import Path

out = Path(sys.argv[1])
count = int(sys.argv[2])
rng = random.Random(7)
lines = [
    "各地区各部门要认真贯彻落实，确保各项任务落到实处。",
    "现将有关事项通知如下，请结合实际认真贯彻执行。",
    "本办法自发布之日起施行。",
    "联系电话：010-12345678。",
]
for i in range(count):
    directory = out / f"d{i // 1000:03d}"
    if i % 1000 == 0:
        directory.mkdir(parents=True, exist_ok=True)
    text = "\n".join(rng.choice(lines) for _ in range(rng.randint(3, 10)))
    if i % 50 == 0:
        text += "\n机密★1年"
    (directory / f"f{i:06d}.txt").write_text(text + "\n", encoding="utf-8")
