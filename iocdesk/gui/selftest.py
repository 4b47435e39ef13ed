"""``iocdesk --self-test``: prove that this installation (source, wheel or frozen build) works.

Opens the real main window on the built-in demo sandbox, with settings, history,
cache and logs in a temporary directory (nothing of the user's is read or
written), and checks, one printed line each:

- the window renders (a grab of it is not blank);
- the demo text is extracted into indicators;
- a lookup run against the in-process sandbox finishes with "found" results;
- no error escaped to the event loop;
- keyring finds its backends (entry points: frozen builds must ship its metadata);
- the IANA TLD list loads from ``iocdesk.resources``.

Prints ``ok: ...`` per passed check and ``FAIL: ...`` for the first failed one;
returns 0 or 1. A watchdog ends the process with 1 after ``timeout`` seconds
(default 60), whatever hangs. Without a display (Linux), Qt's offscreen platform
is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable

TIMEOUT_S = 60.0
_MIN_COLOURS = 8  # a blank or single-colour grab has 1-2; a drawn window has hundreds


# Harmless Qt messages of the offscreen platform (it has no window manager).
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


class CheckFailed(Exception):
    pass


def _say(line: str) -> None:
    print(line, flush=True)


def _ok(what: str) -> None:
    _say(f"ok: {what}")


def _needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    )


def _start_watchdog(timeout: float) -> threading.Event:
    """After ``timeout`` s, print the failure and end the process (a hung event loop cannot)."""
    done = threading.Event()

    def watch() -> None:
        if not done.wait(timeout):
            _say(f"FAIL: self-test did not finish within {timeout:.0f} s")
            sys.stderr.flush()
            os._exit(1)

    threading.Thread(target=watch, name="iocdesk-selftest-watchdog", daemon=True).start()
    return done


def _distinct_colours(image) -> int:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits())[: image.sizeInBytes()]
    return len(set(memoryview(data).cast("I")))


async def _wait_for(what: str, condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise CheckFailed(f"{what} (not within {timeout:.0f} s)")
        await asyncio.sleep(0.05)


async def _gui_checks(window, errors: list[str], deadline: float) -> None:
    from iocdesk.indicators.results import Status

    def left() -> float:
        return max(deadline - time.monotonic(), 1.0)

    window.show()
    await _wait_for("window shown", window.isVisible, left())

    await _wait_for("demo text extracted into indicators", lambda: window.indicators.rowCount() > 0, left())
    _ok(f"demo text extracted: {window.indicators.rowCount()} indicators")

    await asyncio.sleep(0.1)  # let the indicator table paint
    image = window.grab().toImage()
    if image.isNull() or image.width() < 100 or image.height() < 100:
        raise CheckFailed(f"window rendered: grab is {image.width()}x{image.height()}")
    colours = _distinct_colours(image)
    if colours < _MIN_COLOURS:
        raise CheckFailed(f"window rendered: the grab is blank ({colours} distinct colours)")
    _ok(f"window rendered: {image.width()}x{image.height()}, {colours} distinct colours")

    window.start_run()
    await _wait_for("lookup run started", lambda: window.controller.is_running or window.results.rowCount() > 0, left())
    await _wait_for("lookup run finished", lambda: not window.controller.is_running, left())
    results = window.results.results()
    found = sum(1 for r in results if r.status == Status.FOUND)
    if not found:
        statuses = sorted({str(r.status) for r in results})
        raise CheckFailed(f"lookup in the demo sandbox: no result found (statuses: {statuses}; {window.status.text()})")
    _ok(f"lookup in the demo sandbox: {len(results)} results, {found} found")

    if errors:
        raise CheckFailed(f"no unhandled errors: {errors[0]}")
    _ok("no unhandled errors")


def _check_keyring() -> None:
    from importlib.metadata import entry_points

    import keyring.backend

    plugins = entry_points(group="keyring.backends")
    if not plugins:
        raise CheckFailed("keyring backends: no 'keyring.backends' entry points (keyring's metadata is missing)")
    backends = keyring.backend.get_all_keyring()
    if not backends:
        raise CheckFailed("keyring backends: none found")
    names = ", ".join(sorted({type(b).__module__.rsplit(".", 1)[-1] + "." + type(b).__name__ for b in backends}))
    _ok(f"keyring backends: {len(plugins)} entry points, viable here: {names}")


def _check_tlds() -> None:
    from iocdesk.extraction.tlds import iana_tlds, tld_list_version

    n = len(iana_tlds())
    if n <= 1000:
        raise CheckFailed(f"TLD list: only {n} names")
    _ok(f"TLD list loaded: {n} TLDs (version {tld_list_version()})")


def _run_gui(tmp: str, errors: list[str], deadline: float) -> None:
    import qasync  # type: ignore[import-untyped]  # qasync ships no type information (no py.typed, no stubs)
    from PySide6.QtCore import QCoreApplication, QSettings, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from iocdesk.gui.demo import demo_service
    from iocdesk.gui.main_window import MainWindow
    from iocdesk.gui.translations import install_translators, remove_translators

    QCoreApplication.setOrganizationName("iocdesk")
    QCoreApplication.setApplicationName("iocdesk")

    def on_qt_message(_mode, _context, message: str) -> None:
        if not any(noise in message for noise in _QT_NOISE):
            sys.stderr.write(message + "\n")

    previous_handler = qInstallMessageHandler(on_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translators(app)  # as the window runs: in the user's language (the checks read no text)
    settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.Format.IniFormat)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    def on_error(_loop, context) -> None:
        exc = context.get("exception")
        errors.append(f"{context.get('message', '')} {exc!r}" if exc else str(context.get("message")))
        _loop.default_exception_handler(context)

    loop.set_exception_handler(on_error)
    with demo_service() as demo, loop:
        window = MainWindow(demo=demo, settings=settings)
        try:
            loop.run_until_complete(_gui_checks(window, errors, deadline))
        finally:
            if window.controller.is_running:
                window.controller.cancel()
                with contextlib.suppress(Exception):
                    loop.run_until_complete(_wait_for("run cancelled", lambda: not window.controller.is_running, 5.0))
            window.close()
            window.deleteLater()
            app.processEvents()
            remove_translators(app)
            qInstallMessageHandler(previous_handler)


def run_self_test(timeout: float = TIMEOUT_S) -> int:
    """Run every check; 0 when all pass, 1 at the first failure (or on timeout)."""
    done = _start_watchdog(timeout)
    deadline = time.monotonic() + timeout - 5.0
    if _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from iocdesk import __version__
    from iocdesk.platform import paths
    from iocdesk.platform.paths import ENV_BASEDIR, set_base_dir

    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    _say(f"iocdesk {__version__} self-test{frozen}, Python {sys.version.split()[0]}, {sys.platform}")
    previous_env = os.environ.get(ENV_BASEDIR)
    previous_dir = paths._base_dir  # set by --basedir or None; restored as it was
    errors: list[str] = []
    status = 1
    with tempfile.TemporaryDirectory(prefix="iocdesk-selftest-", ignore_cleanup_errors=True) as tmp:
        os.environ[ENV_BASEDIR] = os.path.join(tmp, "base")
        set_base_dir(os.environ[ENV_BASEDIR])
        try:
            _check_tlds()
            _check_keyring()
            _run_gui(tmp, errors, deadline)
            status = 0
        except CheckFailed as exc:
            _say(f"FAIL: {exc}")
        except Exception as exc:  # noqa: BLE001 - an unexpected crash is a failed self-test, with its traceback
            import traceback

            traceback.print_exc()
            _say(f"FAIL: unexpected error: {exc!r}")
        finally:
            set_base_dir(previous_dir)
            if previous_env is None:
                os.environ.pop(ENV_BASEDIR, None)
            else:
                os.environ[ENV_BASEDIR] = previous_env
    done.set()
    _say("self-test passed" if status == 0 else "self-test FAILED")
    return status
