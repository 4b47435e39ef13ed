"""Render the README's screenshots of the main window, offscreen, on demo data.

    .venv/bin/python docs/make_screenshots.py [OUTPUT_DIR]   (default: docs/images)

States: input (a pasted alert, indicators extracted), running (mid-run),
results (sorted by risk, a row selected, the detail pane), settings, inbox
(the alert inbox receiving two alerts over its webhook and a duplicate).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("IOCDESK_BASEDIR", tempfile.mkdtemp(prefix="iocdesk-shots-"))
os.environ.pop("PULSEDIVE_API_KEY", None)
os.environ.setdefault("IOCDESK_INBOX_TOKEN", "screenshot-token-0123456789")  # never the keyring

import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication


async def _shoot(out: Path) -> list[Path]:
    from iocdesk.gui.demo import demo_service
    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.gui.main_window import MainWindow

    saved: list[Path] = []

    def save(widget, name: str) -> None:
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    settings = QSettings(str(Path(os.environ["IOCDESK_BASEDIR"]) / "settings.ini"), QSettings.Format.IniFormat)
    with demo_service() as demo:
        window = MainWindow(demo=demo, settings=settings)
        window.resize(1280, 800)
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
        window.result_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        window.result_view.selectRow(0)
        await asyncio.sleep(0.2)
        save(window, "main-window")
        dialog = SettingsDialog(window.settings, parent=window)
        dialog.show()
        await asyncio.sleep(0.2)
        save(dialog, "settings")
        dialog.close()
        await _inbox(window, demo, save)
        await window.inbox_dock.stop()
        window.close()
    return saved


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


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "images"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        saved = loop.run_until_complete(_shoot(out))
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
