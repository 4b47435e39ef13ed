#!/usr/bin/env bash
# Regenerate the translation sources from the code (every tr()/translate()/QT_TRANSLATE_NOOP
# text under iocdesk/gui), then compile the languages. See resources/translations/README.md.
#
#   bash packaging/update_translations.sh          # iocdesk.ts (the template) and every
#                                                  # iocdesk_<lang>.ts, then iocdesk_<lang>.qm
#   bash packaging/update_translations.sh FILE.ts  # only FILE.ts (created if missing; no .qm)
#
# Run it after changing a text the window shows: tests/gui/test_translations.py fails
# while resources/translations/iocdesk.ts lags behind the code. lupdate keeps the
# translations a language file already has; texts no longer in the code are dropped.
# The tools come with PySide6 (.venv/bin, else PATH).
set -euo pipefail

targets=()
for arg in "$@"; do
    case "$arg" in
        /*) targets+=("$arg") ;;
        *) targets+=("$PWD/$arg") ;;
    esac
done
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tool() {
    if [ -x ".venv/bin/$1" ]; then
        echo ".venv/bin/$1"
    elif command -v "$1" >/dev/null; then
        command -v "$1"
    else
        echo "update_translations: $1 not found (it comes with PySide6: pip install -e '.[dev]')" >&2
        exit 1
    fi
}
LUPDATE=$(tool pyside6-lupdate)

DIR=resources/translations
compile=0
if [ ${#targets[@]} -eq 0 ]; then
    compile=1
    targets=("$DIR/iocdesk.ts")
    for ts in "$DIR"/iocdesk_*.ts; do
        [ -e "$ts" ] && targets+=("$ts")
    done
fi

# No source locations: line numbers would change the files at every edit of the code.
for ts in "${targets[@]}"; do
    "$LUPDATE" -extensions py -no-obsolete -locations none -source-language en iocdesk/gui -ts "$ts"
done

if [ "$compile" = 1 ]; then
    LRELEASE=$(tool pyside6-lrelease)
    for ts in "${targets[@]:1}"; do
        "$LRELEASE" "$ts" -qm "${ts%.ts}.qm"
    done
fi
