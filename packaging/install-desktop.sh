#!/usr/bin/env bash
# Install (or with --uninstall, remove) the iocdesk desktop integration on Linux:
# the .desktop entry, the AppStream metainfo and the icons, under
#   ${PREFIX:-$HOME/.local}/share/{applications,metainfo,icons/hicolor/...}
# The commands themselves (iocdesk, iocdesk-gui) come from pip/pipx and must be on PATH.
#
#   bash packaging/install-desktop.sh                # per user, into ~/.local
#   sudo PREFIX=/usr/local bash packaging/install-desktop.sh
#   bash packaging/install-desktop.sh --uninstall
set -euo pipefail

APP_ID=io.github.iocdesk.iocdesk
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"

usage() {
    echo "usage: [PREFIX=DIR] bash packaging/install-desktop.sh [--uninstall]" >&2
    echo "  PREFIX defaults to \$HOME/.local; files go to \$PREFIX/share/..." >&2
}

action=install
case "${1:-}" in
    "") ;;
    --uninstall) action=uninstall ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-desktop.sh: error: unknown argument: $1" >&2; usage; exit 2 ;;
esac
if [ $# -gt 1 ]; then
    echo "install-desktop.sh: error: too many arguments" >&2; usage; exit 2
fi

if [ -z "${PREFIX:-}" ]; then
    if [ -z "${HOME:-}" ]; then
        echo "install-desktop.sh: error: neither PREFIX nor HOME is set" >&2; exit 2
    fi
    PREFIX="$HOME/.local"
fi
SHARE="$PREFIX/share"
ICONS="$SHARE/icons/hicolor"

# source -> destination
FILES=(
    "$HERE/linux/$APP_ID.desktop|$SHARE/applications/$APP_ID.desktop"
    "$HERE/linux/$APP_ID.metainfo.xml|$SHARE/metainfo/$APP_ID.metainfo.xml"
    "$ROOT/resources/icons/iocdesk.svg|$ICONS/scalable/apps/$APP_ID.svg"
    "$ROOT/resources/icons/iocdesk-symbolic.svg|$ICONS/symbolic/apps/$APP_ID-symbolic.svg"
)

refresh_caches() {
    # Best effort: these tools are optional and a stale cache is not fatal.
    if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$SHARE/applications" ]; then
        update-desktop-database -q "$SHARE/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$ICONS/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$ICONS" || true
    fi
}

if [ "$action" = install ]; then
    for pair in "${FILES[@]}"; do
        if [ ! -f "${pair%%|*}" ]; then
            echo "install-desktop.sh: error: missing source file ${pair%%|*}" >&2; exit 1
        fi
    done
    for pair in "${FILES[@]}"; do
        src="${pair%%|*}" dst="${pair#*|}"
        install -D -m 0644 "$src" "$dst"
        echo "installed $dst"
    done
    refresh_caches
    if ! command -v iocdesk-gui >/dev/null 2>&1; then
        echo "note: iocdesk-gui is not on PATH; the menu entry needs it (pipx install . or pip install .)" >&2
    fi
else
    for pair in "${FILES[@]}"; do
        dst="${pair#*|}"
        if [ -e "$dst" ] || [ -L "$dst" ]; then
            rm -f "$dst"
            echo "removed $dst"
        fi
    done
    refresh_caches
fi
