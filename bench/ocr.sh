#!/usr/bin/env bash
# OCR accuracy and speed: prepub's library path (Tesseract linked, the 版头
# read again on its own, PDF pages rendered by hayro) next to the `tesseract`
# command line (chi_sim+eng, psm 3) on the same pictures in the same run.
#
#   bench/ocr.sh [PREPUB]    PREPUB: the binary (default target/release/prepub,
#                            built here)
#
# The evaluation pictures are made from the 公文 pages of fixtures/ocr/make.py:
# 150 and 300 dpi, clean and degraded as scans (rotated 1.5°, noise, blur,
# JPEG quality 50), and the scanned PDF. Reported per picture: character
# accuracy (1 − CER against the planted text, whitespace ignored), whether
# the planted marking (机密★10年, as OCR reads ★) and the resident ID were
# found, and seconds per page on one core (OMP_THREAD_LIMIT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
prepub=${1:-}
if [ -z "$prepub" ]; then
    cargo build --release --quiet
    prepub=target/release/prepub
fi
command -v tesseract >/dev/null || { echo "bench: tesseract is required (make setup)" >&2; exit 1; }
work=bench/work/ocr
mkdir -p "$work"
export OMP_THREAD_LIMIT=1
python3 - "$work" <<'PY'
import sys, random
from pathlib import Path
sys.path.insert(0, "fixtures/ocr")
import make
from PIL import Image, ImageFilter
work = Path(sys.argv[1])
page = make.page()
random.seed(7)
def degrade(img):
    img = img.rotate(1.5, resample=Image.BICUBIC, fillcolor=255)
    noisy = img.point(lambda v: v)
    px = noisy.load()
    w, h = noisy.size
    for _ in range(w * h // 50):
        x, y = random.randrange(w), random.randrange(h)
        px[x, y] = random.choice((0, 255))
    return noisy.filter(ImageFilter.GaussianBlur(0.8))
p300 = page.resize((2480, 3508), Image.LANCZOS)
page.save(work / "clean-150.png")
p300.save(work / "clean-300.png")
degrade(page).convert("RGB").save(work / "scan-150.jpg", quality=50)
degrade(p300).convert("RGB").save(work / "scan-300.jpg", quality=50)
def photo(img):
    """A phone photo of the page: tilted 3°, light falling off to one side,
    soft focus, JPEG quality 40."""
    img = img.convert("RGB").rotate(3, resample=Image.BICUBIC, fillcolor=(235, 235, 228))
    w, h = img.size
    shade = Image.linear_gradient("L").rotate(90).resize((w, h))
    dark = Image.new("RGB", (w, h), (120, 115, 105))
    img = Image.composite(img, Image.blend(img, dark, 0.45), shade.point(lambda v: 255 - v // 3))
    return img.filter(ImageFilter.GaussianBlur(1.0))
photo(p300).save(work / "photo-300.jpg", quality=40)
sealed = make.sealed()
sealed.save(work / "sealed-150.png")
photo(sealed.resize((2480, 3508), Image.LANCZOS)).save(work / "sealed-photo.jpg", quality=40)
PY
cp fixtures/ocr/scan.pdf "$work/scan.pdf"
planted='000123机密★10年特急××市人民政府办公室关于开展年度专项检查工作的通知各区县人民政府，市政府各部门：为做好年度专项检查工作，现将有关事项通知如下。一、各单位于三月底前完成自查并报送结果。二、联系人：张三，身份证号11010519491231002X。'
printf '%-16s %-10s %8s %8s %4s %8s\n' picture path accuracy marking id s/page
for picture in clean-150.png clean-300.png scan-150.jpg scan-300.jpg photo-300.jpg scan.pdf; do
    input=$work/$picture
    start=$(date +%s.%N)
    "$prepub" extract "$input" > "$work/$picture.prepub.txt" 2>/dev/null || true
    prepub_s=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
    if [ "${picture##*.}" = pdf ]; then
        # The CLI reads pictures only: the page as pdftoppm draws it at 300 dpi.
        pdftoppm -r 300 -gray -f 2 -l 2 -png "$input" "$work/scan-page" 2>/dev/null
        cli_input=$(ls "$work"/scan-page*.png | head -1)
    else
        cli_input=$input
    fi
    start=$(date +%s.%N)
    tesseract "$cli_input" - -l chi_sim+eng --psm 3 > "$work/$picture.cli.txt" 2>/dev/null || true
    cli_s=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
    for path in prepub cli; do
        seconds=$prepub_s
        [ $path = cli ] && seconds=$cli_s
        python3 - "$work/$picture.$path.txt" "$planted" "$picture" "$path" "$seconds" <<'PY'
import re, sys
text, planted, picture, path, seconds = sys.argv[1:]
raw = open(text, encoding="utf-8", errors="replace").read()
# Markings and IDs count wherever prepub read them (the 版头 pass too).
everything = re.sub(r"\s+", "", raw)
if path == "prepub":
    # `prepub extract` prints "# file" and "# notice" lines and a "--- part
    # (label)" line before each segment: only the text of the picture's
    # main reading counts (the 版头 read again on its own, red stamps and
    # metadata are extra readings, not the page's text once more).
    kept, keep = [], False
    for line in raw.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("--- "):
            keep = line.startswith("--- image") and "版头" not in line and "red seal" not in line
            continue
        if keep:
            kept.append(line)
    raw = "\n".join(kept)
read = re.sub(r"\s+", "", raw)
planted = re.sub(r"\s+", "", planted.replace("　", ""))
def distance(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
# Accuracy over the best-aligned window: prepub also prints the 版头 twice.
cer = min(distance(planted, read), len(planted)) / len(planted)
marking = bool(re.search(r"机密.{0,2}10年", everything))
ident = "11010519491231002X" in everything
print(f"{picture:<16} {path:<10} {1 - cer:8.3f} {str(marking):>8} {str(ident):>4} {seconds:>8}")
PY
    done
done

# Red stamps: the 内部资料 stamp pressed at 15° (fixtures/ocr/make.py sealed()),
# as drawn and as a phone photo. prepub reads the red layer apart; the CLI
# reads the picture as it is.
echo
printf '%-16s %-10s %6s %8s\n' picture path stamp s/page
for picture in sealed-150.png sealed-photo.jpg; do
    input=$work/$picture
    for path in prepub cli; do
        start=$(date +%s.%N)
        if [ $path = prepub ]; then
            "$prepub" extract "$input" > "$work/$picture.$path.txt" 2>/dev/null || true
        else
            tesseract "$input" - -l chi_sim+eng --psm 3 > "$work/$picture.$path.txt" 2>/dev/null || true
        fi
        seconds=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
        stamp=$(python3 -c "import re,sys; t=re.sub(r'\s+','',open(sys.argv[1],encoding='utf-8',errors='replace').read()); print('内部资料' in t)" "$work/$picture.$path.txt")
        printf '%-16s %-10s %6s %8s\n' "$picture" "$path" "$stamp" "$seconds"
    done
done

# Per page in a batch: prepub loads its models (chi_sim+eng, the Chinese
# models alone for the 版头, osd) once per worker, so a single-picture run
# above is mostly model loading. The same pictures in one process, one
# worker, next to the command line run once per picture.
echo
pictures=("$work"/clean-150.png "$work"/clean-300.png "$work"/scan-150.jpg "$work"/scan-300.jpg "$work"/photo-300.jpg)
start=$(date +%s.%N)
"$prepub" scan --jobs 1 --no-progress --fail-on never --format json "${pictures[@]}" > /dev/null 2>&1 || true
batch_s=$(python3 -c "import time; print(f'{(time.time() - $start) / ${#pictures[@]}:.2f}')")
start=$(date +%s.%N)
for picture in "${pictures[@]}"; do
    tesseract "$picture" - -l chi_sim+eng --psm 3 > /dev/null 2>&1 || true
done
cli_s=$(python3 -c "import time; print(f'{(time.time() - $start) / ${#pictures[@]}:.2f}')")
printf '%s\n' "per page over ${#pictures[@]} pictures in one run: prepub ${batch_s} s, tesseract CLI ${cli_s} s"
