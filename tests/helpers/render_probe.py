"""Render probe, run in a subprocess by the platform tests.

Shows the app's main window on the current QPA platform (offscreen, or xcb on
Xvfb), grabs it back from the *screen*, and checks that text really renders.
Without usable fonts Qt still draws something, but every glyph is the same
empty box; so "not blank" proves nothing. Instead the probe draws two strings
of equal length and very different shapes (thin vs heavy characters): with
real glyphs the two grabs differ and the heavy one has clearly more ink, with
boxes they are identical.

Usage: python render_probe.py [--save DIR]   (DIR gets the PNGs, for a look)
Prints one JSON line; exit 0 when every check passes, 1 otherwise.
"""

import json
import sys

from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

THIN = "il1.:,'|!;il1.:,'|!;"
HEAVY = "WM@#%&8BWM@#%&8BWM@#"
assert len(THIN) == len(HEAVY)


def make_window() -> QMainWindow:
    from iocdesk.gui.main_window import MainWindow

    return MainWindow()


def placeholder_window() -> QMainWindow:
    win = QMainWindow()
    win.setWindowTitle("iocdesk render probe")
    win.setCentralWidget(QLabel("iocdesk"))
    return win


def dark_pixels(img: QImage) -> int:
    """Number of pixels darker than mid-grey ("ink")."""
    g = img.convertToFormat(QImage.Format.Format_Grayscale8)
    bits, bpl, w = bytes(g.constBits()), g.bytesPerLine(), g.width()
    return sum(sum(1 for v in bits[y * bpl : y * bpl + w] if v < 128) for y in range(g.height()))


def distinct_colors(img: QImage) -> int:
    g = img.convertToFormat(QImage.Format.Format_Grayscale8)
    return len(set(bytes(g.constBits())))


def grab(win: QMainWindow, x: int = 0, y: int = 0, w: int = -1, h: int = -1) -> QImage:
    """Read the pixels back from the screen (on xcb: from the X server)."""
    QTest.qWait(50)  # let the window system catch up with the last repaint
    pix = win.screen().grabWindow(win.winId(), x, y, w, h)
    return pix.toImage()


def main() -> int:
    save = sys.argv[sys.argv.index("--save") + 1] if "--save" in sys.argv else None
    app = QApplication(sys.argv[:1])
    win = make_window()
    win.resize(max(win.width(), 720), max(win.height(), 400))
    # A label on top of whatever the main window draws, black on white.
    probe = QLabel(win)
    font = QFont()
    font.setPointSize(24)
    probe.setFont(font)
    pal = probe.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor("white"))
    pal.setColor(QPalette.ColorRole.WindowText, QColor("black"))
    probe.setPalette(pal)
    probe.setAutoFillBackground(True)
    probe.setGeometry(10, 40, 680, 70)
    win.show()
    probe.raise_()
    exposed = QTest.qWaitForWindowExposed(win, 5000)

    whole = grab(win)
    shots = {}
    for name, text in (("thin", THIN), ("heavy", HEAVY)):
        probe.setText(text)
        probe.repaint()
        shots[name] = grab(win, probe.x(), probe.y(), probe.width(), probe.height())
    if save:
        whole.save(f"{save}/window.png")
        for name, img in shots.items():
            img.save(f"{save}/{name}.png")

    thin, heavy = dark_pixels(shots["thin"]), dark_pixels(shots["heavy"])
    result = {
        "platform": QGuiApplication.platformName(),
        "exposed": exposed,
        "window_size": [whole.width(), whole.height()],
        "window_colors": distinct_colors(whole),
        "ink_thin": thin,
        "ink_heavy": heavy,
        "grabs_differ": shots["thin"] != shots["heavy"],
        "font": probe.fontInfo().family(),
    }
    checks = {
        "exposed": exposed,
        "window_not_blank": result["window_colors"] > 2,
        "ink_drawn": thin > 0 and heavy > 0,
        "glyphs_differ": result["grabs_differ"],
        "heavy_has_more_ink": heavy > 1.5 * thin,
    }
    result["failed"] = [k for k, ok in checks.items() if not ok]
    print(json.dumps(result), flush=True)
    win.close()
    app.processEvents()
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
