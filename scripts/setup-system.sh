#!/usr/bin/env bash
# Installs the Debian packages paperless-ig needs at run time (and, with
# --test, the extra ones its tests use). Safe to run again: it only asks apt
# for what dpkg says is missing. Root runs apt-get directly; others go through
# `sudo -n`; when neither works it names the packages and stops.
set -euo pipefail

runtime=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils
  libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6
  libglib2.0-0 libxkbcommon0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1
  libxcb-xkb1 libxkbcommon-x11-0
)
# LibreOffice (Calc, no GUI) lets tests open the workbooks we write, as Excel users would.
test_only=(xvfb xauth sqlite3 libreoffice-calc-nogui)

wanted=("${runtime[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${test_only[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu system; install Tesseract (with English and OSD data) and poppler yourself (see README)." >&2
  exit 0
fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# python3 -m venv needs python3-venv on Debian's own Python.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "setup: these Debian packages are missing and I cannot install them without root: ${missing[*]}" >&2
  echo "setup: run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
