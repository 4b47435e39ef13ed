#!/usr/bin/env bash
# Build the one-folder frozen app dist/iocdesk/ (executables iocdesk and iocdesk-gui)
# with PyInstaller, print its size, and run its self-test offscreen.
#
#   bash packaging/build.sh            # from anywhere; uses .venv when present
#   PYTHON=python3 bash packaging/build.sh
#
# Works in Git Bash on Windows (dist/iocdesk/iocdesk.exe) and on macOS (also dist/iocdesk.app).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then
        PYTHON=.venv/bin/python
    elif [[ -x .venv/Scripts/python.exe ]]; then
        PYTHON=.venv/Scripts/python.exe
    else
        PYTHON=python3
    fi
fi

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: installing pyinstaller into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
    "$PYTHON" -m pip install --quiet "pyinstaller>=6.10,<7"
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/iocdesk.spec
echo "build.sh: built dist/iocdesk/ in $(( $(date +%s) - start )) s, size $(du -sh dist/iocdesk | cut -f1)"

exe=dist/iocdesk/iocdesk
[[ -f "$exe.exe" ]] && exe="$exe.exe"
"$exe" --version
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$exe" --self-test
