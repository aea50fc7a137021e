#!/usr/bin/env python3
"""Generates the whole-batch benchmark corpus (reproducible: fixed seed).

  gen_corpus.py OUT_DIR [SCALE]

Writes under OUT_DIR/docs/ a batch like a ministry's publication archive:
Word documents and PDFs made by LibreOffice (headless) from generated
Chinese government-style text (通知/意见/办法/报告 with 文号, 主送, 正文,
落款), OFD files written to GB/T 33190 by hand (no headless OFD producer
exists here), and plain-text files in UTF-8 and GB18030. About one document
in eight carries something a reviewer must see (a 密级 mark, an ID or phone
number, 不予公开, 内部资料).

SCALE 1.0 = 1200 .docx, 1200 .pdf, 300 .ofd, 1200 .txt (about 3,900
documents, about 1 GB): one in two Word documents and PDFs carry one to
three photographs (generated JPEGs of 0.3-0.5 MB, as in work reports with
site photos), which is what makes real archives large; the text is the
same either way. Also writes OUT_DIR/terms.txt (the terms a user's grep pipeline
would search for: the built-in packs' literal markings) and
OUT_DIR/big/long.pdf (a 500-page report, for per-page extraction speed).

Nothing here is real government text: every sentence is written for this
benchmark from stock phrases.
"""

import base64
import os
import random
import subprocess
import sys
import zipfile
from html import escape
from pathlib import Path

SEED = 20261128

UNITS = ["市人民政府办公室", "省财政厅", "县教育局", "市生态环境局", "区卫生健康委员会",
         "市交通运输局", "省自然资源厅", "市市场监督管理局", "县农业农村局", "市住房和城乡建设局"]
TOPICS = ["进一步加强安全生产工作", "做好2024年度防汛抗旱工作", "推进政务服务“一网通办”",
          "开展农村人居环境整治", "加强基层医疗卫生服务能力建设", "优化营商环境若干措施",
          "规范行政执法程序", "做好高校毕业生就业工作", "加强城市燃气安全管理",
          "推进义务教育优质均衡发展", "实施乡村振兴战略", "加强生态环境保护"]
KINDS = ["通知", "意见", "实施办法", "工作方案", "报告", "通报"]
OPENINGS = [
    "为深入贯彻落实党中央、国务院决策部署，切实做好{t}，经研究，现就有关事项{k}如下。",
    "根据上级有关文件精神，结合本地实际，制定本{k}。",
    "近年来，各地区各部门认真贯彻落实有关要求，{t}取得积极成效，但仍存在一些薄弱环节。",
]
SENTENCES = [
    "各地区各部门要提高思想认识，加强组织领导，明确责任分工，确保各项任务落到实处。",
    "要坚持问题导向，聚焦群众反映强烈的突出问题，细化工作措施，建立长效机制。",
    "各级财政部门要加强资金保障，规范资金管理，提高资金使用效益。",
    "要加强监督检查，对工作推进不力、措施落实不到位的，依规依纪严肃追责问责。",
    "要充分运用报刊、广播、电视和新媒体等渠道，广泛宣传政策措施，营造良好社会氛围。",
    "建立健全部门协作机制，加强信息共享，形成工作合力。",
    "统筹发展和安全，守住不发生系统性风险的底线。",
    "进一步优化办事流程，压减办理时限，推行告知承诺制，提升政务服务效能。",
    "加强基层队伍建设，开展业务培训，提升依法履职能力。",
    "鼓励社会资本参与，完善多元投入机制，提高公共服务供给质量。",
    "各县（市、区）要于每季度末前报送工作进展情况，年底前报送年度工作总结。",
    "本地区全年共完成投资12.6亿元，同比增长8.3%，惠及群众约35万人。",
    "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "严格落实安全生产责任制，开展隐患排查治理，坚决遏制重特大事故发生。",
    "加强数据资源整合，推进跨部门、跨层级业务协同。",
    "对照年度目标任务，倒排工期，挂图作战，确保按期完成。",
]
HEADINGS = ["一、总体要求", "二、主要任务", "三、保障措施", "四、工作要求", "五、其他事项"]
SENSITIVE = [
    "机密★1年", "秘密★5年", "内部资料 注意保存", "（此件不予公开）",
    "联系人：张伟，身份证号11010519491231002X", "联系电话：13912345678",
    "此件属工作秘密，严禁通过互联网传播", "（此件依申请公开）",
]


def document(rng, index):
    unit = rng.choice(UNITS)
    topic = rng.choice(TOPICS)
    kind = rng.choice(KINDS)
    title = f"{unit}关于{topic}的{kind}"
    number = f"{unit[:2]}发〔{rng.randint(2015, 2025)}〕{rng.randint(1, 120)}号"
    paragraphs = []
    sensitive = rng.random() < 0.125
    if sensitive and rng.random() < 0.5:
        paragraphs.append(rng.choice(SENSITIVE[:3]))
    paragraphs += [number, title, "各有关单位：",
                   rng.choice(OPENINGS).format(t=topic, k=kind)]
    sections = rng.randint(2, 5)
    for heading in HEADINGS[:sections]:
        paragraphs.append(heading)
        for _ in range(rng.randint(3, 12)):
            paragraphs.append("".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))))
    if sensitive:
        position = rng.randint(4, len(paragraphs))
        paragraphs.insert(position, rng.choice(SENSITIVE))
    paragraphs += [unit, f"{rng.randint(2015, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
    return title, paragraphs


PHOTOS = 24


def make_photos(directory, rng):
    """Writes PHOTOS distinct JPEGs (noisy gradients, 1024x768, about
    0.3-0.5 MB each: noise keeps JPEG from shrinking them to nothing)."""
    from PIL import Image

    paths = []
    for index in range(PHOTOS):
        path = directory / f"photo-{index:02d}.jpg"
        if not path.exists():
            width, height = 1024, 768
            noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
            base = Image.linear_gradient("L").resize((width, height))
            channels = [Image.blend(base, noise, 0.25 + 0.05 * (index % 6)) for _ in range(3)]
            Image.merge("RGB", channels).save(path, quality=85)
        paths.append(path)
    return paths


def html_of(title, paragraphs, photos=()):
    blocks = [f"<p>{escape(p)}</p>" for p in paragraphs]
    # Photographs with a caption, among the text (a page holding only a
    # photograph would rightly be reported as having no text layer). Inline
    # data: LibreOffice links (does not embed) images given by URL in .docx.
    for number, photo in enumerate(photos, start=1):
        image = base64.b64encode(photo.read_bytes()).decode()
        at = min(len(blocks), 4 + number * max(1, len(blocks) // (len(photos) + 1)))
        blocks.insert(at, f'<p><img src="data:image/jpeg;base64,{image}" width="320"></p>'
                          f"<p>图{number} 现场照片</p>")
    body = "".join(blocks)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        "<style>p{font-family:'Noto Serif CJK SC';font-size:16pt;line-height:1.5}</style>"
        f"</head><body>{body}</body></html>"
    )


OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd_of(title, paragraphs):
    """A minimal valid OFD: one TextObject per line, 28 lines per page."""
    lines = []
    for paragraph in paragraphs:
        while paragraph:
            lines.append(paragraph[:26])
            paragraph = paragraph[26:]
    pages = [lines[i:i + 28] for i in range(0, len(lines), 28)] or [[]]
    entries = []
    page_refs = []
    oid = 100
    for number, page_lines in enumerate(pages):
        objects = []
        for row, line in enumerate(page_lines):
            oid += 1
            deltas = " ".join(["5.6"] * (len(line) - 1))
            delta = f' DeltaX="{deltas}"' if deltas else ""
            objects.append(
                f'<ofd:TextObject ID="{oid}" Boundary="25 {30 + row * 9} 160 8" Font="3" Size="5.6">'
                f'<ofd:TextCode X="0" Y="5.6"{delta}>{escape(line)}</ofd:TextCode></ofd:TextObject>'
            )
        entries.append((
            f"Doc_0/Pages/Page_{number}/Content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {OFD_NS}><ofd:Content>'
            f'<ofd:Layer ID="{number + 2}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>',
        ))
        page_refs.append(f'<ofd:Page ID="{10 + number}" BaseLoc="Pages/Page_{number}/Content.xml"/>')
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {OFD_NS}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{oid + 1}</ofd:MaxUnitID>"
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f'</ofd:CommonData><ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>'
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {OFD_NS} BaseLoc="Res">'
        '<ofd:Fonts><ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
    )
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {OFD_NS} Version="1.1" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0123456789abcdef0123456789abcdef</ofd:DocID>"
        f"<ofd:Title>{escape(title)}</ofd:Title><ofd:Creator>prepub bench</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    return [("OFD.xml", ofd_xml), ("Doc_0/Document.xml", document_xml),
            ("Doc_0/PublicRes.xml", public_res)] + entries


def soffice(target, sources, outdir, profile):
    """Converts sources with one LibreOffice process per chunk (a private
    profile, so a desktop LibreOffice running meanwhile does not interfere)."""
    profile = Path(profile).resolve()
    for start in range(0, len(sources), 100):
        chunk = [str(s) for s in sources[start:start + 100]]
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", target, "--outdir", str(outdir)] + chunk,
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        print(f"  {target}: {min(start + 100, len(sources))}/{len(sources)}", flush=True)


def main():
    out = Path(sys.argv[1])
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    rng = random.Random(SEED)
    counts = {kind: max(1, int(n * scale)) for kind, n in
              {"docx": 1200, "pdf": 1200, "ofd": 300, "txt": 1200}.items()}
    docs = out / "docs"
    staging = out / "staging"
    for directory in (docs / "docx", docs / "pdf", docs / "ofd", docs / "txt",
                      staging / "docx", staging / "pdf", out / "big"):
        directory.mkdir(parents=True, exist_ok=True)

    photos = make_photos(staging, random.Random(SEED + 1))
    photo_rng = random.Random(SEED + 2)
    for kind in ("docx", "pdf"):
        sources = []
        for i in range(counts[kind]):
            title, paragraphs = document(rng, i)
            chosen = (photo_rng.sample(photos, photo_rng.randint(1, 3))
                      if photo_rng.random() < 0.5 else [])
            source = staging / kind / f"{kind}-{i:05d}.html"
            source.write_text(html_of(title, paragraphs, chosen), encoding="utf-8")
            sources.append(source)
        done = [p for p in sources if (docs / kind / (p.stem + "." + kind)).exists()]
        todo = [p for p in sources if p not in done]
        if kind == "docx":
            soffice('docx:MS Word 2007 XML', todo, docs / "docx", out / "lo-profile")
        else:
            soffice("pdf:writer_web_pdf_Export", todo, docs / "pdf", out / "lo-profile")

    for i in range(counts["ofd"]):
        title, paragraphs = document(rng, i)
        with zipfile.ZipFile(docs / "ofd" / f"ofd-{i:05d}.ofd", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in ofd_of(title, paragraphs):
                z.writestr(name, data.encode("utf-8"))

    for i in range(counts["txt"]):
        title, paragraphs = document(rng, i)
        encoding = "gb18030" if i % 4 == 0 else "utf-8"
        (docs / "txt" / f"txt-{i:05d}.txt").write_bytes("\n".join(paragraphs).encode(encoding))

    long_pdf = out / "big" / "long.pdf"
    if not long_pdf.exists():
        paragraphs = []
        while len(paragraphs) < 500 * 5:
            paragraphs += document(rng, 0)[1]
        source = staging / "long.html"
        # A page break every 5 paragraphs gives a 500-page document.
        body = "".join(
            (f'<p style="page-break-before:always">{escape(p)}</p>' if n % 5 == 0 and n else f"<p>{escape(p)}</p>")
            for n, p in enumerate(paragraphs[:500 * 5])
        )
        source.write_text(html_of("年度报告", []).replace("<body></body>", f"<body>{body}</body>"),
                          encoding="utf-8")
        soffice("pdf:writer_web_pdf_Export", [source], out / "big", out / "lo-profile")

    terms = sorted({"机密★", "秘密★", "绝密★", "内部资料", "工作秘密", "不予公开", "依申请公开",
                    "机密", "秘密", "绝密", "内部", "密级", "身份证"})
    (out / "terms.txt").write_text("\n".join(terms) + "\n", encoding="utf-8")
    total = sum(f.stat().st_size for f in docs.rglob("*") if f.is_file())
    files = sum(1 for f in docs.rglob("*") if f.is_file())
    print(f"corpus: {files} documents, {total / 1e6:.1f} MB in {docs}")


if __name__ == "__main__":
    main()
