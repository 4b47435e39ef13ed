"""Entry point of the ``iocdesk-gui`` script and of ``iocdesk`` without a command."""

from __future__ import annotations

import os
import sys


def _no_display() -> str | None:
    """Why no window can open here, or None. Qt itself aborts the process in that case."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        return (
            "no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open.\n"
            "  On a headless machine: xvfb-run -a iocdesk --demo\n"
            "  Without a window: iocdesk analyze --demo FILE, iocdesk extract FILE (see iocdesk --help)"
        )
    return None


def run_gui(*, demo: bool = False) -> int:
    problem = _no_display()
    if problem:
        sys.stderr.write(f"iocdesk: error: {problem}\n")
        return 1
    from .app import run_gui as start

    return start(demo=demo)


def main() -> int:
    """``iocdesk-gui [--demo] [--debug] [--basedir DIR]``: the same options as ``iocdesk``."""
    from ..cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
