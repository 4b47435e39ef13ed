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


def run_gui(*, demo: bool = False, files: list[str] | None = None) -> int:
    problem = _no_display()
    if problem:
        sys.stderr.write(f"iocdesk: error: {problem}\n")
        return 1
    from iocdesk.gui.app import run_gui as start

    return start(demo=demo, files=files or [])


def main() -> int:
    """``iocdesk-gui [--demo] [--debug] [--basedir DIR] [FILE...]`` (the desktop entry passes files)."""
    import argparse

    from iocdesk.platform.logs import setup_logging
    from iocdesk.platform.paths import set_base_dir

    parser = argparse.ArgumentParser(prog="iocdesk-gui", description="Open the iocdesk window.")
    parser.add_argument("--demo", action="store_true", help="use the built-in sandbox (no account needed)")
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level and say where the log file is")
    parser.add_argument("--basedir", metavar="DIR", help="keep history, cache and logs under DIR")
    parser.add_argument("files", nargs="*", metavar="FILE", help="files to open (text, CSV/TSV, XLSX, JSON)")
    args = parser.parse_args()
    if args.basedir:
        set_base_dir(args.basedir)
    log_file = setup_logging(debug=args.debug, console=args.debug)
    if args.debug and log_file is not None:
        sys.stderr.write(f"iocdesk: debug log: {log_file}\n")
    return run_gui(demo=args.demo, files=args.files)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
