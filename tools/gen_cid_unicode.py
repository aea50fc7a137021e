#!/usr/bin/env python3
"""Generates src/extract/pdf/data/Adobe-*.cidu from Adobe's CID -> Unicode CMaps.

The source is Adobe's cmap-resources (BSD-3-Clause, copyright Adobe Systems
Incorporated), as shipped by poppler-data in /usr/share/poppler/cMap/Adobe-*/Adobe-*-UCS2.

Output format, for prepub's src/extract/pdf/collections.rs: a sequence of runs,
each three LEB128 varints: the gap in CIDs since the end of the previous run,
the number of CIDs in the run, and the zigzag-encoded difference between the
run's first code point and the previous run's first code point. CID c in a run
starting at (cid0, u0) maps to u0 + (c - cid0).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/poppler/cMap")
OUT = pathlib.Path(__file__).resolve().parent.parent / "src/extract/pdf/data"
COLLECTIONS = ["GB1", "CNS1", "Japan1", "Korea1"]


def utf16_to_codepoint(hexstr):
    units = [int(hexstr[i:i + 4], 16) for i in range(0, len(hexstr), 4)]
    if len(units) == 1 and not 0xD800 <= units[0] <= 0xDFFF:
        return units[0]
    if len(units) == 2 and 0xD800 <= units[0] <= 0xDBFF and 0xDC00 <= units[1] <= 0xDFFF:
        return 0x10000 + ((units[0] - 0xD800) << 10) + (units[1] - 0xDC00)
    return None  # sequences (rare) are left out


def parse(text):
    mapping = {}
    for section in re.finditer(r"beginbfchar(.*?)endbfchar", text, re.S):
        for cid, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", section.group(1)):
            cp = utf16_to_codepoint(target)
            if cp is not None:
                mapping.setdefault(int(cid, 16), cp)
    for section in re.finditer(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", section.group(1)
        ):
            cp = utf16_to_codepoint(target)
            if cp is None:
                continue
            for offset in range(int(high, 16) - int(low, 16) + 1):
                mapping.setdefault(int(low, 16) + offset, cp + offset)
    return mapping


def varint(value, out):
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def encode(mapping):
    out = bytearray()
    cids = sorted(mapping)
    runs = []
    for cid in cids:
        cp = mapping[cid]
        if runs and runs[-1][0] + runs[-1][1] == cid and runs[-1][2] + runs[-1][1] == cp:
            runs[-1][1] += 1
        else:
            runs.append([cid, 1, cp])
    previous_end = 0
    previous_cp = 0
    for cid, length, cp in runs:
        varint(cid - previous_end, out)
        varint(length, out)
        delta = cp - previous_cp
        varint((delta << 1) ^ (delta >> 63) if delta < 0 else delta << 1, out)
        previous_end = cid + length
        previous_cp = cp
    return bytes(out)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in COLLECTIONS:
        source = ROOT / f"Adobe-{name}" / f"Adobe-{name}-UCS2"
        mapping = parse(source.read_text(encoding="latin-1"))
        data = encode(mapping)
        (OUT / f"Adobe-{name}.cidu").write_bytes(data)
        print(f"Adobe-{name}: {len(mapping)} CIDs, {len(data)} bytes")


if __name__ == "__main__":
    main()
