"""Entry point of the ``iocdesk-gui`` script and of ``iocdesk`` without a command.

The desktop window is built in a later milestone; until then this explains what
works today instead of failing obscurely.
"""

from __future__ import annotations

import sys

MESSAGE = (
    "iocdesk: the desktop window is not part of this release yet.\n"
    "Available now: 'iocdesk extract' (IOC extraction from text, CSV/TSV, XLSX, JSON).\n"
    "Try:  echo 'hxxp://evil[.]example/login' | iocdesk extract\n"
    "      iocdesk --help\n"
)


def run_gui(*, demo: bool = False) -> int:
    if demo:
        sys.stdout.write("iocdesk: demo mode needs the desktop window, which is not part of this release yet.\n")
    sys.stdout.write(MESSAGE)
    return 0


def main() -> int:
    return run_gui(demo="--demo" in sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
