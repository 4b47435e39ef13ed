"""Popup probe, run in a subprocess by tests/gui/test_popups_paint.py on an Xvfb display.

Starts iocdesk as ``iocdesk --demo`` does (``run_gui``: qasync loop, translators, the
demo sandbox), then opens the File menu and the Settings dialog and reads each one
back from what the X server shows, in two independent ways:

* ``framebuffer``: Xvfb's own screen memory (``Xvfb -fbdir DIR`` keeps it in
  ``DIR/Xvfb_screen0``, an XWD file), the pixels a VNC server sends;
* ``qt_grab``: ``QScreen.grabWindow(0, ...)``, a copy of the root window with
  its children (what ``XGetImage`` on the root, x11vnc and screenshot tools read).

Not ``xwd -root``: on a screen where windows use different colormaps (every Qt
window has its own, the root and the window manager's frames use the default),
xwd rebuilds the picture window by window and pastes a popup or dialog that lies
inside a bigger window of the same program from a read of that bigger window,
where the popup covers it: the X server returns zeros there, so xwd shows the
popup as a black box although the screen shows it painted (issue 16).

A "control" popup that paints one flat colour shows that the checks catch one.

Usage: python popup_probe.py FRAMEBUFFER_FILE SAVE_DIR
Prints one JSON line (``{"platform": ..., "shots": {name: stats}}``), exit 0;
exit 1 with a traceback when the probe itself fails.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
import traceback
from collections import Counter

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QGuiApplication, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

SETTLE_S = 4.0  # how long a popup may take to reach the screen before its last reading counts


def framebuffer(path: str) -> QImage:
    """Xvfb's screen, from its -fbdir file (XWD: a big-endian header, then the pixels)."""
    with open(path, "rb") as f:
        data = f.read()
    (header_size, _, _, depth, width, height, _, byte_order) = struct.unpack(">8I", data[:32])
    bits_per_pixel, bytes_per_line = struct.unpack(">2I", data[44:52])
    ncolors = struct.unpack(">I", data[76:80])[0]
    if (depth, bits_per_pixel, byte_order) != (24, 32, 0) or sys.byteorder != "little":
        raise RuntimeError(f"framebuffer layout not handled: depth {depth}, {bits_per_pixel} bpp, order {byte_order}")
    offset = header_size + 12 * ncolors
    pixels = data[offset : offset + bytes_per_line * height]
    # Little-endian 0x00RRGGBB words: QImage's RGB32 layout. copy(): own the pixels.
    return QImage(pixels, width, height, bytes_per_line, QImage.Format.Format_RGB32).copy()


def stats(img: QImage, expected: QImage) -> dict:
    """Distinct colours, the share of the commonest one, and the share of pixels that
    match what the widget itself paints (``expected``, QWidget.grab())."""
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    expected = expected.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    if (w, h) != (expected.width(), expected.height()):
        return {"size": [w, h], "distinct": 0, "top_share": 1.0, "match": 0.0}
    got, want = bytes(img.constBits()), bytes(expected.constBits())
    bpl_got, bpl_want = img.bytesPerLine(), expected.bytesPerLine()
    counts: Counter[bytes] = Counter()
    same = 0
    for y in range(h):
        row = got[y * bpl_got : y * bpl_got + 4 * w]
        ref = want[y * bpl_want : y * bpl_want + 4 * w]
        for x in range(0, 4 * w, 4):
            px = row[x : x + 3]
            counts[px] += 1
            # a small tolerance: text antialiasing may differ by a step
            if all(abs(a - b) <= 8 for a, b in zip(px, ref[x : x + 3], strict=True)):
                same += 1
    n = w * h
    return {
        "size": [w, h],
        "distinct": len(counts),
        "top_share": round(counts.most_common(1)[0][1] / n, 4),
        "match": round(same / n, 4),
    }


def read_back(widget: QWidget, name: str, fb_path: str, save: str) -> dict:
    """The widget's screen area from both readers, re-read until it matches what the
    widget paints or SETTLE_S is over (a window manager may still be placing it)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        QTest.qWait(150)
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        expected = widget.grab().toImage()
        shots = {
            "framebuffer": framebuffer(fb_path).copy(rect),
            "qt_grab": widget.screen().grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height()).toImage(),
        }
        result = {reader: stats(img, expected) for reader, img in shots.items()}
        if all(r["match"] >= 0.95 for r in result.values()) or time.monotonic() > deadline:
            break
    expected.save(os.path.join(save, f"{name}-expected.png"))
    for reader, img in shots.items():
        img.save(os.path.join(save, f"{name}-{reader}.png"))
    result["rect"] = [rect.x(), rect.y(), rect.width(), rect.height()]
    return result


def flat_popup(parent: QWidget) -> QWidget:
    """The control: a popup that really paints one flat colour."""
    popup = QWidget(parent, Qt.WindowType.Popup)
    pal = popup.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor("black"))
    popup.setPalette(pal)
    popup.setAutoFillBackground(True)
    popup.resize(180, 140)
    return popup


def probe(fb_path: str, save: str) -> dict:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = next(w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible())
    assert QTest.qWaitForWindowExposed(win, 10000), "the main window was never exposed"
    screen = win.screen()
    # Xvfb draws its pointer into the framebuffer: park it in a corner, off every popup.
    QCursor.setPos(screen, screen.geometry().bottomRight())
    QTest.qWait(500)
    shots = {}

    file_menu = win.menuBar().actions()[0].menu()
    file_menu.popup(win.mapToGlobal(QPoint(20, 40)))
    assert QTest.qWaitForWindowExposed(file_menu, 5000), "the File menu was never exposed"
    shots["file_menu"] = read_back(file_menu, "file_menu", fb_path, save)
    file_menu.hide()

    control = flat_popup(win)
    control.move(win.mapToGlobal(QPoint(60, 120)))
    control.show()
    assert QTest.qWaitForWindowExposed(control, 5000), "the control popup was never exposed"
    shots["control"] = read_back(control, "control", fb_path, save)
    control.hide()

    win.open_settings()  # what File > Settings... and Ctrl+, do
    dialog = next(w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible())
    assert QTest.qWaitForWindowExposed(dialog, 5000), "the Settings dialog was never exposed"
    shots["settings_dialog"] = read_back(dialog, "settings_dialog", fb_path, save)
    return {"platform": QGuiApplication.platformName(), "screen": screen.geometry().getRect(), "shots": shots}


def main() -> None:
    fb_path, save = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])

    def run_probe() -> None:
        try:
            result = probe(fb_path, save)
        except BaseException:  # noqa: BLE001 (in a Qt slot an exception would only be printed: the probe would hang)
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        print(json.dumps(result), flush=True)
        # The demo sandbox and qasync's executor would make a clean shutdown slow; nothing to save.
        os._exit(0)

    QTimer.singleShot(0, run_probe)  # runs once run_gui's event loop is going, the window shown
    from iocdesk.gui.app import run_gui

    run_gui(demo=True, argv=sys.argv[:1])
    del app
    os._exit(2)  # run_gui returned: the window closed before the probe reported


if __name__ == "__main__":
    main()
