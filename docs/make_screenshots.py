"""Render the README's screenshots of the main window, offscreen, on demo data.

    .venv/bin/python docs/make_screenshots.py [OUTPUT_DIR]   (default: docs/images)

States: input (a pasted alert, indicators extracted), running (mid-run),
results (sorted by risk, a row selected, the detail pane), settings.
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

import qasync  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


async def _shoot(out: Path) -> list[Path]:
    from iocdesk.gui.app import demo_service
    from iocdesk.gui.main_window import MainWindow
    from iocdesk.gui.settings_dialog import SettingsDialog

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
        window.result_view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        window.result_view.selectRow(0)
        await asyncio.sleep(0.2)
        save(window, "main-window")
        dialog = SettingsDialog(window.settings, parent=window)
        dialog.show()
        await asyncio.sleep(0.2)
        save(dialog, "settings")
        dialog.close()
        window.close()
    return saved


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
