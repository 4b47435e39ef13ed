#!/usr/bin/env bash
# dev.sh: one-command setup, run and test for iocdesk (see docs/setup.md).
#
#   bash dev.sh start [ARGS...]         set up, then run `iocdesk --demo ARGS...`
#   bash dev.sh test  [PYTEST ARGS...]  set up, then the guardrails (lint) and the whole test suite
#   bash dev.sh lint                    set up, then ruff (lint + format check), mypy, import contracts
#   bash dev.sh setup                   set up only
#
# Setup is idempotent and cheap when nothing changed: it installs only missing
# Debian packages and reinstalls the venv only when pyproject.toml or dev.sh
# changed since the last successful install.
#
# Environment knobs:
#   IOCDESK_PYTHON=/path/to/python3   interpreter for a new .venv (>= 3.11)
#   IOCDESK_SKIP_APT=1                never touch system packages
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.iocdesk-install-stamp"

log() { printf 'dev.sh: %s\n' "$*" >&2; }
die() { printf 'dev.sh: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------
# Qt offscreen rendering; libfontconfig1 depends on fonts-dejavu-core, without
# fonts every glyph is drawn as an empty box.
QT_PKGS=(libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3)
# Qt's xcb plugin (real X or Xvfb) and a virtual display for tests/xvfb-run.
XCB_PKGS=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 xvfb xauth)
# A throwaway Secret Service for the keyring tests. On Debian 12
# dbus-run-session is shipped by dbus-daemon; dbus-x11 satisfies
# gnome-keyring's session-bus dependency without pulling in systemd.
KEYRING_PKGS=(gnome-keyring dbus dbus-daemon dbus-x11)
# Packaging tests: validators for the desktop entry and the AppStream metainfo,
# and objdump (binutils), which PyInstaller needs on Linux to build the frozen app.
DESKTOP_PKGS=(desktop-file-utils appstream binutils)
# pip and requests verify TLS with certifi; the system CA store is for tools
# that use it (and for a custom pip.conf `cert =`).
BASE_PKGS=(ca-certificates)

have() { command -v "$1" >/dev/null 2>&1; }

# Prints the packages among "$@" that are not installed.
missing_pkgs() {
    # One dpkg-query call: unknown packages print an error and no status line.
    local out
    out=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
    local p
    for p in "$@"; do
        grep -qx "$p install ok installed" <<<"$out" || printf '%s\n' "$p"
    done
}

ensure_pkgs() {
    [[ ${IOCDESK_SKIP_APT:-0} == 1 ]] && return 0
    if ! have dpkg-query || ! have apt-get; then
        log "warning: not a Debian-like system (no dpkg/apt-get); not checking system packages."
        log "warning: Qt needs EGL, GL, fontconfig, glib, xkbcommon, dbus libs (+ xcb libs, Xvfb, gnome-keyring for tests)."
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_pkgs "$@")
    ((${#missing[@]})) || return 0

    local sudo=()
    if ((EUID != 0)); then
        if have sudo; then
            sudo=(sudo)
        else
            die "missing Debian packages: ${missing[*]}
  You are not root and sudo is not installed. As root, run:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}
  (or set IOCDESK_SKIP_APT=1 to skip this check)"
        fi
    fi
    log "installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q </dev/null >&2 ||
        die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}" </dev/null >&2 ||
        die "apt-get install failed for: ${missing[*]}"
}

# --- Python ------------------------------------------------------------------
py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
    local c
    for c in ${IOCDESK_PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if have "$c" && py_ok "$c"; then command -v "$c"; return 0; fi
    done
    return 1
}

# Prints the Debian package that provides venv/ensurepip for python "$1",
# or nothing if it already works (Debian's python has no ensurepip).
venv_pkg() {
    "$1" -c 'import ensurepip, venv' >/dev/null 2>&1 && return 0
    local ver
    ver=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    case "$(readlink -f "$(command -v "$1")")" in
        /usr/bin/python*)
            if [[ $(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) == "$ver" ]]; then
                echo python3-venv
            else
                echo "python$ver-venv"
            fi ;;
        *) die "$1 cannot create virtual environments (no ensurepip); choose another python with IOCDESK_PYTHON" ;;
    esac
}

venv_ok() {
    [[ -x $VENV/bin/python ]] && py_ok "$VENV/bin/python" &&
        "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1
}

install_stamp() { { sha256sum pyproject.toml dev.sh; "$VENV/bin/python" -VV 2>/dev/null || true; } | sha256sum; }

# Debian packages needed to create the venv at all: none when it is healthy;
# python3 (3.11 on bookworm) when no python >= 3.11 exists; the venv package
# when the python lacks ensurepip.
python_pkgs() {
    venv_ok && return 0
    local py
    if py=$(find_python); then
        venv_pkg "$py"
    elif have apt-get; then
        echo python3
        echo python3-venv
    fi
}

# The frozen-app test (PyInstaller) needs Python's shared library, which Debian
# ships apart from its python3 (libpython3.X); other Pythons carry their own.
libpython_pkg() {
    local py=$VENV/bin/python info prefix ver
    [[ -x $py ]] || py=$(find_python) || return 0
    info=$("$py" -c 'import sys; print(sys.base_prefix, "%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 0
    read -r prefix ver <<<"$info"
    [[ $prefix == /usr ]] && echo "libpython$ver"
    return 0
}

ensure_venv() {
    if venv_ok && [[ -f $STAMP && $(<"$STAMP") == "$(install_stamp)" ]]; then
        return 0
    fi
    if ! venv_ok; then
        local py
        py=$(find_python) || die "no python3 >= 3.11 found (tried: ${IOCDESK_PYTHON:-} python3 python3.13 python3.12 python3.11); install one or set IOCDESK_PYTHON"
        log "creating $VENV with $py ($("$py" -V 2>&1))"
        rm -rf "$VENV"
        "$py" -m venv "$VENV" || die "could not create $VENV with $py"
    fi
    log "installing iocdesk and dev dependencies into .venv (pyproject.toml or dev.sh changed)"
    rm -f "$STAMP"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q -e '.[dev]' ||
        die "pip install -e '.[dev]' failed"
    install_stamp >"$STAMP"
}

# Wheels of iocdesk's dependencies (and pip/setuptools/wheel) for the test that
# installs iocdesk with pipx: the test itself stays offline (--no-index).
WHEELHOUSE="$VENV/wheelhouse"
ensure_wheelhouse() {
    [[ -f $WHEELHOUSE/.stamp && $(<"$WHEELHOUSE/.stamp") == "$(install_stamp)" ]] && return 0
    log "downloading wheels for the pipx install test into $WHEELHOUSE"
    rm -rf "$WHEELHOUSE"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip download -q -d "$WHEELHOUSE" \
        "$ROOT" pip setuptools wheel || die "pip download for the pipx test failed"
    install_stamp >"$WHEELHOUSE/.stamp"
}

# --- Commands ----------------------------------------------------------------
setup() {
    local pkgs=("${BASE_PKGS[@]}" "${QT_PKGS[@]}" "${XCB_PKGS[@]}") py_pkgs
    # shellcheck disable=SC2207
    [[ $1 == test ]] && pkgs+=("${KEYRING_PKGS[@]}" "${DESKTOP_PKGS[@]}" $(libpython_pkg))
    py_pkgs=$(python_pkgs) || exit 1
    # shellcheck disable=SC2206
    pkgs+=($py_pkgs)
    ensure_pkgs "${pkgs[@]}"
    ensure_venv
    [[ $1 == test ]] && ensure_wheelhouse
    return 0
}

cmd_start() {
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
        die "no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open.
  On a headless machine, use a virtual X display:   xvfb-run -a bash dev.sh start
  or render without any display:                    QT_QPA_PLATFORM=offscreen bash dev.sh start"
    fi
    exec "$VENV/bin/iocdesk" --demo "$@"
}

# The guardrails (CONTRIBUTING.md): every one runs, and any failure fails the command.
cmd_lint() {
    local rc=0 bin=$VENV/bin
    log "ruff check"
    "$bin/ruff" check --no-fix . || rc=1
    log "ruff format --check"
    "$bin/ruff" format --check . || rc=1
    log "mypy (strict on the Qt-free packages, see pyproject.toml)"
    "$bin/mypy" || rc=1
    log "lint-imports (layers, no Qt outside gui: .importlinter)"
    "$bin/lint-imports" || rc=1
    ((rc == 0)) && log "guardrails passed" || log "error: guardrails failed (see above)"
    return "$rc"
}

cmd_test() {
    local th rc=0 lint_rc=0
    # Only for the whole suite (no arguments): a selection of tests is a developer's quick check.
    if (($# == 0)); then cmd_lint || lint_rc=$?; fi
    th=$(mktemp -d "${TMPDIR:-/tmp}/iocdesk-test-home.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$th'" EXIT
    mkdir -p "$th/.config" "$th/.local/share" "$th/.local/state" "$th/.cache" "$th/run"
    chmod 700 "$th/run"
    # A private D-Bus session with a throwaway, unlocked login keyring in a
    # temp HOME: the tests never meet the developer's real keyring or settings.
    # IOCDESK_REQUIRE_* make the Xvfb and Secret Service tests fail, not skip.
    # gnome-keyring-daemon exits with the bus when dbus-run-session ends.
    env HOME="$th" XDG_CONFIG_HOME="$th/.config" XDG_DATA_HOME="$th/.local/share" \
        XDG_STATE_HOME="$th/.local/state" XDG_CACHE_HOME="$th/.cache" \
        XDG_RUNTIME_DIR="$th/run" \
        IOCDESK_REQUIRE_SECRET_SERVICE=1 IOCDESK_REQUIRE_XVFB=1 IOCDESK_REQUIRE_DESKTOP_VALIDATORS=1 \
        IOCDESK_REQUIRE_FROZEN_BUILD=1 IOCDESK_WHEELHOUSE="$WHEELHOUSE" \
        IOCDESK_THROWAWAY_KEYRING=1 \
        dbus-run-session -- sh -c '
            echo pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
            exec "$@"' sh "$VENV/bin/python" -m pytest "$@" </dev/null || rc=$?
    if ((rc == 0 && lint_rc != 0)); then
        log "error: the tests passed but the guardrails failed (see the top of the output)"
        return "$lint_rc"
    fi
    case $rc in
        0) ;;
        5) log "error: pytest collected no tests (exit 5)" ;;
        *) log "error: tests failed (pytest exit $rc)" ;;
    esac
    return "$rc"
}

usage() { sed -n '2,/^set -euo/p' "$ROOT/dev.sh" | sed '$d; s/^# \{0,1\}//' >&2; }

case ${1:-} in
    start) shift; setup start; cmd_start "$@" ;;
    test)  shift; setup test;  cmd_test "$@" ;;
    lint)  shift; setup test;  cmd_lint ;;
    setup) shift; setup test ;;
    -h|--help|help) usage ;;
    *) usage; exit 2 ;;
esac
