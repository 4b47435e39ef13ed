"""The app's window on a real X server (Xvfb) through Qt's xcb plugin.

Offscreen tests cannot catch missing xcb libraries (libxcb-cursor0, -icccm4,
-keysyms1, ...): this one starts its own Xvfb, shows the window in a
subprocess with QT_QPA_PLATFORM=xcb, reads it back from the X server and
checks that glyphs render. Skips without Xvfb, unless IOCDESK_REQUIRE_XVFB=1
(dev.sh test, CI), where a missing Xvfb is a failure.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.xvfb import start_xvfb

pytestmark = pytest.mark.xvfb

PROBE = Path(__file__).resolve().parent.parent / "helpers" / "render_probe.py"


@pytest.fixture
def xvfb_display():
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        msg = "Xvfb not installed (Debian: apt-get install xvfb; `bash dev.sh test` does it)"
        if os.environ.get("IOCDESK_REQUIRE_XVFB") == "1":
            pytest.fail(f"IOCDESK_REQUIRE_XVFB=1 but {msg}")
        pytest.skip(msg)
    proc, display = start_xvfb(xvfb)
    try:
        yield display
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_main_window_renders_text_on_xvfb(xvfb_display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "XAUTHORITY")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=xvfb_display)
    proc = subprocess.run(
        [sys.executable, str(PROBE), "--save", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    detail = (
        f"exit {proc.returncode}, result {result}, screenshots in {tmp_path}\n"
        f"stderr (QT_DEBUG_PLUGINS=1 shows which xcb library is really missing):\n{proc.stderr[-3000:]}"
    )
    assert proc.returncode == 0, detail
    assert result["platform"] == "xcb", detail
