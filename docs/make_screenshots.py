"""Render the README's screenshots of the main window, offscreen, on demo data, at the screen
sizes analysts have: a 1366x768 laptop and a 1920x1080 desktop.

    .venv/bin/python docs/make_screenshots.py [OUTPUT_DIR] [--size WxH ...]
        (default: docs/images, --size 1366x768 --size 1920x1080)

Each size runs in its own process on an offscreen screen of that size (Qt's offscreen
plugin, ``configfile``), the window sized as it is when maximized there under a 40 px
taskbar and a 32 px title bar. Files are NAME-WxH.png. States: input (a pasted alert,
indicators extracted), running (mid-run), main-window (riskiest first, the top row's
detail), explore (threat=zeus), threat (a result's threat and its linked indicators),
settings, inbox (the alert inbox receiving two alerts over its webhook and a duplicate).
Look at each picture before committing it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ("1366x768", "1920x1080")
TASKBAR, TITLE_BAR = 40, 32  # px a maximized window loses on a Windows desktop at 100 %


def _parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def _child_env(size: str) -> dict[str, str]:
    """The environment of the process that renders one size: an offscreen screen that big."""
    width, height = _parse_size(size)
    config = Path(tempfile.mkdtemp(prefix="iocdesk-shots-")) / "screen.json"
    screen = {"name": "shots", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {k: v for k, v in os.environ.items() if k not in ("IOCDESK_BASEDIR", "PULSEDIVE_API_KEY")}
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["IOCDESK_BASEDIR"] = str(config.parent / "base")
    env.setdefault("IOCDESK_INBOX_TOKEN", "screenshot-token-0123456789")  # never the keyring
    return env


async def _shoot(out: Path, size: str) -> list[Path]:
    from PySide6.QtCore import QSettings

    from iocdesk.gui.demo import demo_service
    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.gui.main_window import MainWindow

    saved: list[Path] = []

    def save(widget, name: str) -> None:
        path = out / f"{name}-{size}.png"
        widget.grab().save(str(path))
        saved.append(path)

    settings = QSettings(str(Path(os.environ["IOCDESK_BASEDIR"]) / "settings.ini"), QSettings.Format.IniFormat)
    with demo_service() as demo:
        window = MainWindow(demo=demo, settings=settings)
        width, height = _parse_size(size)
        window.resize(width, height - TASKBAR - TITLE_BAR)
        window.show()
        while window.indicators.rowCount() < 10:
            await asyncio.sleep(0.05)
        save(window, "input")
        window.start_run()
        while window.progress.value() < 4:
            await asyncio.sleep(0.02)
        save(window, "running")
        while window.controller.is_running:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the riskiest row is selected when the run ends
        save(window, "main-window")
        await _pivots(window, save)
        dialog = SettingsDialog(window.settings, parent=window)
        dialog.show()
        await asyncio.sleep(0.2)
        save(dialog, "settings")
        dialog.close()
        await _inbox(window, demo, save)
        await window.inbox_dock.stop()
        window.close()
    return saved


async def _pivots(window, save) -> None:
    """Explore (threat=zeus) and the threat of the riskiest result that has one."""
    explore = window.pivots.open_explore("threat=zeus")
    explore.search()
    while explore.table.model.rowCount() == 0:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    save(explore, "explore")
    explore.close()
    result = next(r for r in window.results.results() if r.intel and r.intel.threats)
    threat = result.intel.threats[0]
    view = window.pivots.open_threat(threat.tid if threat.tid is not None else threat.name)
    while view.table.model.rowCount() == 0:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    save(view, "threat")
    view.close()


async def _inbox(window, demo, save) -> None:
    """Turn the inbox on (webhook on a free port) and post alerts as a SIEM would."""
    import json
    import socket
    import urllib.request

    from iocdesk.gui.inbox.settings import InboxSettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = InboxSettings(window.settings.qsettings)
    inbox.webhook_enabled, inbox.port = True, port
    window.inbox_action.setChecked(True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    lines = demo.sample_text.splitlines()
    alerts = [
        ("EDR: beacon from WS-0142", "\n".join(lines[3:5])),
        ("SIEM: DNS to rare domains", lines[5]),
        ("EDR: beacon from WS-0142 (repeat)", "\n".join(lines[3:5])),
    ]
    for title, text in alerts:
        body = json.dumps({"title": title, "details": text}).encode()
        request = urllib.request.Request(
            window.inbox_dock.controller.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {os.environ['IOCDESK_INBOX_TOKEN']}",
            },
        )
        await asyncio.get_running_loop().run_in_executor(None, lambda r=request: opener.open(r, timeout=10).read())
    model = window.inbox_dock.panel.model
    while any(model.alert_at(r).status.value in ("queued", "running") for r in range(model.rowCount())):
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    save(window, "inbox")


def _render(out: Path, size: str) -> list[Path]:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(_shoot(out, size))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path(__file__).resolve().parent / "images")
    parser.add_argument("--size", action="append", help="a screen size, WxH (repeatable)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # one size, this process
    args = parser.parse_args(argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = args.size or list(SIZES)
    if args.in_process:
        for path in _render(args.out, sizes[0]):
            print(path)
        return 0
    for size in sizes:
        _parse_size(size)  # a typo fails here, not in the child
        command = [sys.executable, __file__, str(args.out), "--size", size, "--in-process"]
        done = subprocess.run(command, env=_child_env(size), check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
