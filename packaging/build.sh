#!/usr/bin/env bash
# Builds the one-folder desktop bundle dist/paperless-ig/ (`make package`).
#
#   bash packaging/build.sh [PYTHON]     (default: .venv/bin/python)
#
# Installs PyInstaller into that Python's environment when it is missing,
# checks what PyInstaller needs from the system, draws the icon if it is not
# there yet, builds, and prints the bundle's size and the build's time.
set -euo pipefail

cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
pyinstaller_req='pyinstaller>=6.10,<7'

if ! "$python" -c 'import PyInstaller' >/dev/null 2>&1; then
  echo "package: installing $pyinstaller_req"
  "$python" -m pip install --quiet "$pyinstaller_req"
fi

# PyInstaller reads each library's dependencies with objdump (Debian: binutils),
# and bundles the Python shared library: Debian's own python3 has it in
# libpython3.X; a pyenv Python has it only when built with --enable-shared.
missing=()
command -v objdump >/dev/null 2>&1 || missing+=(binutils)
if ! "$python" -c 'import sys
from PyInstaller.depend.bindepend import get_python_library_path
sys.exit(0 if get_python_library_path() else 1)' >/dev/null 2>&1; then
  base=$("$python" -c 'import sys; print(sys.base_prefix)')
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [[ "$base" == /usr ]]; then
    missing+=("libpython$version")
  else
    echo "package: $base has no shared libpython$version, which PyInstaller needs;" >&2
    echo "package: with pyenv rebuild it: PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install --force $version" >&2
    exit 1
  fi
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "package: PyInstaller needs these Debian packages: ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "package: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[[ -f resources/icons/paperless-ig.png && -f resources/icons/paperless-ig.ico ]] \
  || "$python" packaging/make_icon.py

started=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/paperless-ig.spec
echo "package: dist/paperless-ig built in $(( $(date +%s) - started )) s, $(du -sh dist/paperless-ig | cut -f1)"
