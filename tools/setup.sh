#!/usr/bin/env bash
# Installs the system libraries prepub links and the OCR data it reads:
# Tesseract 5 and Leptonica (headers for linking), the Chinese (simplified,
# traditional, vertical) and English models, and clang for the bindings'
# build scripts. Only what is missing is installed; nothing is done when
# everything is there. `make setup` runs this; so does CI (.ci/run).
set -euo pipefail

packages=(
  pkg-config clang libclang-dev
  libtesseract-dev libleptonica-dev
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra
  tesseract-ocr-chi-sim-vert
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  if pkg-config --exists tesseract lept 2>/dev/null; then
    exit 0
  fi
  echo "prepub needs Tesseract 5 and Leptonica with their headers, and clang:" >&2
  echo "  macOS: brew install tesseract tesseract-lang leptonica llvm pkg-config" >&2
  echo "  other systems: the packages named like: ${packages[*]}" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
echo "installing: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
