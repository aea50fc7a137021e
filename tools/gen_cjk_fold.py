#!/usr/bin/env python3
"""Generates src/rules/cjk_fold.rs: traditional, Japanese-shinjitai and
Taiwan/Hong Kong variant forms of Chinese characters -> simplified forms, for
prepub's normalisation (src/normalize.rs).

  gen_cjk_fold.py OPENCC_DICTIONARY_DIR

OPENCC_DICTIONARY_DIR is OpenCC's data/dictionary (Apache-2.0, copyright
Carbo Kuo and contributors): TSCharacters.txt, STCharacters.txt,
JPShinjitaiCharacters.txt, TWVariants.txt, HKVariants.txt.

A character is folded only when it is not itself in use as a simplified
character: a key of STCharacters.txt (干, 台, 只, 着 …) is left alone even when
it is also a traditional form of something else (乾 → 干 would corrupt 乾隆).
Where OpenCC lists several simplified candidates the first is taken (祕 → 秘).

The generator then checks the promise the table exists for: every Han
character of every built-in rule pack (rules/*.yaml) is the fold of each of its
traditional, shinjitai and TW/HK forms. A form that would not fold to it is an
error, so a new marking word cannot be added without its variants.

Deterministic: the same dictionaries give the same file.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src/rules/cjk_fold.rs"


def read_dictionary(path):
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, values = line.partition("\t")
        values = values.split()
        if len(key) == 1 and values:
            table[key] = [v for v in values if len(v) == 1]
    return table


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = pathlib.Path(sys.argv[1])
    ts = read_dictionary(data / "TSCharacters.txt")
    st = read_dictionary(data / "STCharacters.txt")
    jp = read_dictionary(data / "JPShinjitaiCharacters.txt")
    tw = read_dictionary(data / "TWVariants.txt")
    hk = read_dictionary(data / "HKVariants.txt")
    simplified_in_use = set(st)

    fold = {}

    def add(source, target):
        if source == target or source in simplified_in_use or source in fold:
            return
        fold[source] = target

    for trad, candidates in ts.items():
        if candidates:
            add(trad, candidates[0])

    def simplified_of(trad):
        return fold.get(trad, trad)

    # Variants map standard OpenCC traditional -> regional form; fold the
    # regional form back through the standard one.
    for table in (tw, hk):
        for standard, variants in table.items():
            for variant in variants:
                add(variant, simplified_of(standard))
    # Shinjitai: key is the Japanese form, values the traditional ones.
    for shinjitai, traditional in jp.items():
        forms = [f for f in traditional if f != shinjitai]
        # Prefer a form that has a simplified fold (挙: 擧 舉 → 舉 → 举).
        folding = [f for f in forms if simplified_of(f) != f]
        if folding or forms:
            add(shinjitai, simplified_of((folding or forms)[0]))

    # Resolve chains (a variant whose standard form folds again).
    for source in list(fold):
        seen = {source}
        target = fold[source]
        while target in fold and target not in seen:
            seen.add(target)
            target = fold[target]
        fold[source] = target
    fold = {s: t for s, t in fold.items() if s != t}

    check_builtin_packs(fold, ts, st, jp, tw, hk)
    write(fold)


def check_builtin_packs(fold, ts, st, jp, tw, hk):  # noqa: C901
    """Every variant of every Han character of the built-in packs folds to it."""
    characters = set()
    for pack in sorted((ROOT / "rules").glob("*.yaml")):
        for line in pack.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            characters.update(c for c in line if is_han(c))
    errors = []
    for character in sorted(characters):
        if character in fold:
            continue  # itself a traditional form in a pack (examples)
        variants = set(st.get(character, []))
        for standard in list(variants):
            variants.update(tw.get(standard, []))
            variants.update(hk.get(standard, []))
        for shinjitai, forms in jp.items():
            if any(f in variants or f == character for f in forms):
                variants.add(shinjitai)
        variants.discard(character)
        for variant in sorted(variants):
            if variant in st:
                continue  # a simplified character of its own (干 for 幹)
            if ts.get(variant, [None])[0] == variant:
                continue  # OpenCC keeps it (瞭望, 覆盖): in use as it is
            if variant in fold and fold[variant] != character:
                continue  # the form of another character too (連 → 连)
            if fold.get(variant) != character:
                errors.append(f"{variant} (U+{ord(variant):04X}) folds to "
                              f"{fold.get(variant, variant)}, not to the pack's {character}")
    if errors:
        sys.exit("built-in pack characters whose variants do not fold to them:\n  "
                 + "\n  ".join(errors))


def write(fold):
    entries = sorted(fold.items(), key=lambda item: ord(item[0]))
    bitmap = [0] * ((0x9FFF - 0x4E00 + 1 + 63) // 64)
    for source, _ in entries:
        o = ord(source)
        if 0x4E00 <= o <= 0x9FFF:
            bit = o - 0x4E00
            bitmap[bit // 64] |= 1 << (bit % 64)
    lines = [
        "// Generated by tools/gen_cjk_fold.py from OpenCC's character dictionaries",
        "// (TSCharacters, JPShinjitaiCharacters, TWVariants, HKVariants; Apache-2.0).",
        "// Do not edit: rerun the generator.",
        "",
        "//! Traditional, Japanese-shinjitai and TW/HK variant forms of Chinese",
        "//! characters and the simplified form each folds to, sorted by code point.",
        "",
        f"/// {len(entries)} (variant, simplified) pairs, sorted by variant.",
        "#[rustfmt::skip]",
        "pub(crate) static CJK_FOLD: &[(char, char)] = &[",
    ]
    row = []
    for source, target in entries:
        row.append(f"('{source}', '{target}')")
        if len(row) == 8:
            lines.append("    " + ", ".join(row) + ",")
            row = []
    if row:
        lines.append("    " + ", ".join(row) + ",")
    lines.append("];")
    lines.append("")
    lines.append("/// One bit per code point of U+4E00..=U+9FFF: set when the character is in")
    lines.append("/// [`CJK_FOLD`], so the common case (a simplified character) costs a bit test.")
    lines.append("#[rustfmt::skip]")
    lines.append(f"pub(crate) static FOLDS_IN_URO: [u64; {len(bitmap)}] = [")
    for i in range(0, len(bitmap), 4):
        lines.append("    " + ", ".join(f"0x{word:016x}" for word in bitmap[i:i + 4]) + ",")
    lines.append("];")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(entries)} folds")


main()
