"""Shared test setup: headless Qt, isolation from the developer's desktop,
a qasync loop for GUI tests, an in-memory keyring, the Pulsedive sandbox
(``make_sandbox``) and the main window (``make_window``, ``window``).

Facts behind these choices: docs/platform.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile

# --- Before anything imports Qt -----------------------------------------------
# Without QT_QPA_PLATFORM and DISPLAY, Qt tries xcb and aborts. setdefault: a
# developer may still run the suite on a real display with QT_QPA_PLATFORM=xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No QT_QPA_FONTDIR: fonts come from fontconfig (fonts-dejavu-core), as they
# will for users; tests/helpers/render_probe.py checks that glyphs render.

# Never read or write the developer's settings, caches or keyring config
# (QSettings, QStandardPaths and keyring's keyringrc all follow XDG_*).
# dev.sh already runs the suite in a temp HOME; this covers a bare `pytest`.
_SESSION_TMP = tempfile.mkdtemp(prefix="iocdesk-tests-")
for _var, _sub in (
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_STATE_HOME", "state"),
):
    os.environ[_var] = os.path.join(_SESSION_TMP, _sub)
    os.makedirs(os.environ[_var])
# Qt warns (and pytest-qt then fails the test) when XDG_RUNTIME_DIR is unset.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = os.path.join(_SESSION_TMP, "run")
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700)

# Subprocesses (the app under test) get keyring's "fail" backend, so they can
# never write into a real keyring. Only tests/environment/test_keyring.py talks to
# a Secret Service, and only to dev.sh's throwaway one.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from hypothesis import settings as _hypothesis_settings  # noqa: E402

# CI must not fail on an example a random seed happened to find today: there the
# property tests run derandomized (the same examples every run); locally they
# explore new ones each time.
_hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import keyring.errors  # noqa: E402
import pytest  # noqa: E402
import qasync  # noqa: E402


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_TMP, ignore_errors=True)


# --- Keyring -------------------------------------------------------------------
class MemoryKeyring(keyring.backend.KeyringBackend):
    """Keyring backend that keeps passwords in a dict, for unit tests."""

    priority = 100  # higher than any real backend

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(f"no password for {service!r}/{username!r}") from None


# keyring registers every concrete subclass for its backend discovery, where
# priority 100 would beat the real backends: keep this test double out of it.
keyring.backend.KeyringBackend._classes.discard(MemoryKeyring)

# In-process, until a test installs `memory_keyring`, the default backend is
# keyring's "fail" one (PYTHON_KEYRING_BACKEND above): NoKeyringError instead
# of touching a real keyring.


@pytest.fixture
def memory_keyring():
    """Install a fresh MemoryKeyring with keyring.set_keyring(); restore the previous backend after."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# --- qasync ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def qloop(qapp):
    """One qasync loop for the whole session, driven by Qt's event loop.

    Tests advance it with qtbot.waitUntil(task.done) / qtbot.waitSignal; that
    also covers real @asyncSlot clicks. One event loop per process: qasync
    cannot be re-created cleanly per test.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    # Never loop.stop(): it calls QApplication.exit(), and every later
    # qtbot.waitUntil would time out. Clear the running flag, then close.
    try:
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    except (RuntimeError, TypeError):
        pass
    loop._QEventLoop__is_running = False
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture(autouse=True)
def _plain_asyncio_outside_qloop(request):
    """Hide the session qloop from tests that do not ask for it.

    With already_running=True the loop registers itself as asyncio's running
    loop for the rest of the session, and asyncio.run() (used by the Qt-free
    pipeline tests) would then raise "cannot be called from a running event
    loop" in every test that merely runs after a GUI test.
    """
    running = asyncio.events._get_running_loop()
    if running is None or "qloop" in request.fixturenames:
        yield
        return
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(running)
        asyncio.set_event_loop(running)


# --- Pulsedive sandbox -----------------------------------------------------------------------
def _sandbox_factory(stack: contextlib.ExitStack):
    from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

    def make(config=None, /, *, host: str = "127.0.0.1", port: int = 0, **fields):
        if config is not None and fields:
            raise TypeError("make_sandbox: pass a SandboxConfig or its fields, not both")
        server = SandboxServer(config if config is not None else SandboxConfig(**fields), host=host, port=port)
        return stack.enter_context(server)

    return make


@pytest.fixture
def make_sandbox():
    """``make_sandbox(**config)``: a running SandboxServer(SandboxConfig(**config)) on loopback.

    Also ``make_sandbox(a_sandbox_config)``, and ``host=``/``port=`` for the server. Every
    server it started stops after the test (stopping one earlier, ``server.stop()``, is fine).
    """
    with contextlib.ExitStack() as stack:
        yield _sandbox_factory(stack)


@pytest.fixture(scope="module")
def make_module_sandbox():
    """``make_sandbox`` for module-scoped fixtures: one server shared by a module's tests.

    A module names its shared server in one line, with its own config::

        @pytest.fixture(scope="module")
        def sandbox(make_module_sandbox):
            return make_module_sandbox(require_key="good")
    """
    with contextlib.ExitStack() as stack:
        yield _sandbox_factory(stack)


# --- Main window -----------------------------------------------------------------------------
@pytest.fixture
def make_window(qtbot, qloop, tmp_path, monkeypatch):
    """``make_window(**options)``: a MainWindow on the session qloop, cleaned up after the test.

    Options (all keyword-only):
      demo      True: the demo sandbox and demo alert, as ``iocdesk --demo`` (stopped after the
                test); or a running DemoService; False (default): no demo data.
      key       PULSEDIVE_API_KEY for the window; None (default): no key in the environment.
      settings  a QSettings; default: a fresh INI file, tmp_path/settings.ini.
      basedir   IOCDESK_BASEDIR, a folder name under tmp_path (default "iocdesk").
      show      show the window (default True); False leaves that to the test.
      open_files  files to read at start, as ``iocdesk-gui FILE...``.
    After the test a run still going is cancelled (and waited for), then the window closes.
    """
    from PySide6.QtCore import QSettings

    from iocdesk.gui.main_window import MainWindow

    windows = []
    with contextlib.ExitStack() as stack:

        def make(
            *,
            demo=False,
            key: str | None = None,
            settings=None,
            basedir: str = "iocdesk",
            show: bool = True,
            open_files: list[str] | None = None,
        ):
            monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / basedir))
            if key is None:
                monkeypatch.delenv("PULSEDIVE_API_KEY", raising=False)
            else:
                monkeypatch.setenv("PULSEDIVE_API_KEY", key)
            if demo is True:
                from iocdesk.gui.demo import demo_service

                demo = stack.enter_context(demo_service())
            if settings is None:
                settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
            win = MainWindow(demo=demo or None, settings=settings, open_files=open_files)
            qtbot.addWidget(win)
            if show:
                win.show()
            windows.append(win)
            return win

        yield make
        for win in windows:
            if win.controller.is_running:
                win.controller.cancel()
                qtbot.waitUntil(lambda: not win.controller.is_running, timeout=5000)  # noqa: B023
            win.close()


@pytest.fixture
def window_config() -> dict:
    """The ``make_window`` options of ``window``; a module overrides this fixture for its windows."""
    return {}


@pytest.fixture
def window(make_window, window_config):
    """A shown MainWindow, ``make_window(**window_config)``: by default no demo data and no key."""
    return make_window(**window_config)


# --- SMTP ------------------------------------------------------------------------------------
class _SmtpSink:
    """Keeps every message a local aiosmtpd server receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (for "connection refused" cases)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server_factory():
    """``with smtp_server_factory(user, password) as (sink, port)``: a real aiosmtpd server on
    loopback with AUTH over plain text (loopback only)."""
    import contextlib
    import socket

    controller_module = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.smtp import AuthResult, LoginPassword

    @contextlib.contextmanager
    def start(user: str, password: str):
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()
            )
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

        with socket.socket() as sock:  # Controller(port=0) fails its own self-check (platform notes)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        sink = _SmtpSink()
        controller = controller_module.Controller(
            sink, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
        )
        controller.start()
        try:
            yield sink, port
        finally:
            controller.stop()

    return start
