"""When the OS keyring fails: iocdesk keeps working with a session-only key, says why, writes nothing.

Five broken keyrings, each installed with ``keyring.set_keyring`` (as conftest
does for MemoryKeyring): none at all (keyring's "fail" backend), a locked one
(what the Secret Service backend raises), one whose D-Bus service is gone
(secretstorage's exception, on every call), one that raises a plain
RuntimeError on read, and one that reads fine but refuses to write (with an
error that quotes the password, which iocdesk must not repeat). For each, the
CLI (``key set``, ``key status``, ``analyze`` with the key in the environment)
and the window (settings dialog, session-only key, a run against the sandbox
that requires that key) keep working and explain the problem; afterwards no
file under the base directory, the XDG directories or the settings file holds
the key in any form.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail
from secretstorage.exceptions import SecretServiceNotAvailableException

from iocdesk.platform import credentials as secrets
from tests.helpers.secret_scan import Evidence, secret_forms

KEY = "kr-CANARY+f00d/cafe=0123456789abcdef0123456789abcdef"
HOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/whtok-kr-CANARY-0123456789"  # never contacted
SMTP_PASSWORD = "smtp-kr-CANARY-pw/9+Q="


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A keyring whose reads and/or writes raise what ``on_read`` / ``on_write`` build."""

    priority = 1
    on_read = None  # callable(service, username) -> Exception, or None: reads answer "no password"
    on_write = None  # callable(password) -> Exception, or None: writes are accepted (and kept nowhere)

    def get_password(self, service, username):
        if self.on_read:
            raise self.on_read()
        return None

    def set_password(self, service, username, password):
        if self.on_write:
            raise self.on_write(password)

    def delete_password(self, service, username):
        if self.on_read:
            raise self.on_read()
        raise keyring.errors.PasswordDeleteError("no such password")


class LockedKeyring(BrokenKeyring):
    # keyring's SecretService backend, when the collection stays locked (or the prompt was dismissed)
    on_read = staticmethod(lambda: keyring.errors.KeyringLocked("Failed to unlock the collection!"))
    on_write = staticmethod(lambda password: keyring.errors.KeyringLocked("Failed to unlock the collection!"))


class NoDbusKeyring(BrokenKeyring):
    # secretstorage when the session bus or gnome-keyring went away after keyring chose the backend
    on_read = staticmethod(
        lambda: SecretServiceNotAvailableException(
            "The name org.freedesktop.secrets was not provided by any .service files"
        )
    )
    on_write = staticmethod(lambda password: SecretServiceNotAvailableException("Could not connect to the session bus"))


class ExplodingReadKeyring(BrokenKeyring):
    on_read = staticmethod(lambda: RuntimeError("backend crashed while reading"))


class ReadOnlyKeyring(BrokenKeyring):
    # reads work (nothing stored); writes fail, and the error quotes what was being written
    on_write = staticmethod(lambda password: keyring.errors.PasswordSetError(f"cannot store {password!r}: read-only"))


class PlaintextKeyring(BrokenKeyring):
    """Works perfectly, in a plain file: what keyrings.alt's backend does when keyring picks it."""

    __module__ = "keyrings.alt.file"
    path: Path  # set by the fixture, under the test's tmp_path (scanned afterwards)

    def get_password(self, service, username):
        entries = json.loads(self.path.read_text()) if self.path.exists() else {}
        return entries.get(f"{service}/{username}")

    def set_password(self, service, username, password):
        entries = json.loads(self.path.read_text()) if self.path.exists() else {}
        entries[f"{service}/{username}"] = password
        self.path.parent.mkdir(exist_ok=True)
        self.path.write_text(json.dumps(entries))


for _cls in (BrokenKeyring, LockedKeyring, NoDbusKeyring, ExplodingReadKeyring, ReadOnlyKeyring, PlaintextKeyring):
    keyring.backend.KeyringBackend._classes.discard(_cls)  # never a candidate in keyring's own discovery

# the backend; what the user must be told when reading fails (None: reads work) and when storing fails;
# whether `mail password set` stores the SMTP password (it is not read back)
BACKENDS = {
    "none": (fail.Keyring, "no keyring backend is available", "no keyring backend is available", False),
    "locked": (LockedKeyring, "the keyring is locked", "the keyring is locked", False),
    "no-dbus": (NoDbusKeyring, "org.freedesktop.secrets", "could not connect to the session bus", False),
    # writes are accepted, reads fail: "saved" would be a lie, the read-back after storing says so
    "read-raises": (ExplodingReadKeyring, "backend crashed while reading", "backend crashed while reading", True),
    "write-raises": (ReadOnlyKeyring, None, "read-only", False),
    # a file is no keyring: iocdesk treats it as none (and says why) instead of writing the key to it
    "plaintext-file": (PlaintextKeyring, "keeps passwords in a file", "keeps passwords in a file", False),
}


@pytest.fixture(params=list(BACKENDS))
def broken(request, monkeypatch, tmp_path):
    """The broken backend installed, no key anywhere, a fresh base directory; the backend restored after."""
    factory, read_reason, write_reason, smtp_stored = BACKENDS[request.param]
    monkeypatch.setattr(PlaintextKeyring, "path", tmp_path / "python_keyring" / "keyring_pass.cfg", raising=False)
    monkeypatch.setattr(secrets, "_last_problem", None)  # as in a new process
    previous = keyring.get_keyring()
    backend = factory()
    keyring.set_keyring(backend)
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    secrets.keep_for_session("")
    try:
        yield backend, read_reason, write_reason, smtp_stored
    finally:
        secrets.keep_for_session("")
        keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(require_key=KEY)


def alert(sandbox) -> str:
    return "seen " + " and ".join(v.replace(".", "[.]") for v in sandbox.dataset.known_values("domain")[:3])


def assert_not_written(tmp_path: Path) -> None:
    """No form of the key in any file iocdesk could have written: base dir, XDG dirs, settings files."""
    evidence = Evidence(secret_forms("API key", KEY))
    for root in [tmp_path] + [
        Path(os.environ[v]) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    ]:
        evidence.add_tree(root)
    evidence.assert_clean("INSERT INTO")  # the history database was there, and read


# --- CLI ---------------------------------------------------------------------------------------
def test_cli_says_why_and_works_with_the_environment_key(broken, sandbox, tmp_path, monkeypatch, capsys):
    from iocdesk.cli import main

    backend, read_reason, write_reason, smtp_stored = broken
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    assert main(["key", "set", "--stdin"]) == 1
    err = capsys.readouterr().err
    assert write_reason in err.lower() and secrets.describe_backend(backend) in err  # which backend (in words), and why
    assert secrets.ENV_VAR in err and "never stores the key in a file" in err  # and what to do instead
    assert KEY not in err and KEY[:12] not in err

    # the webhook URL and the SMTP password: the same reasons, and never their secrets
    monkeypatch.setattr("sys.stdin", io.StringIO(HOOK + "\n"))
    assert main(["webhook", "add", "soc", "--kind", "slack", "--stdin"]) == 1
    err = capsys.readouterr().err
    assert write_reason in err.lower() and "whtok" not in err and "T0CANARY" not in err, err
    monkeypatch.setattr("sys.stdin", io.StringIO(SMTP_PASSWORD + "\n"))
    status = main(["mail", "password", "set", "--host", "smtp.corp.example.org", "--user", "analyst", "--stdin"])
    err = capsys.readouterr().err
    assert status == (0 if smtp_stored else 1), err
    assert smtp_stored or write_reason in err.lower(), err
    assert SMTP_PASSWORD not in err and SMTP_PASSWORD[:12] not in err

    assert main(["key", "status"]) == 3
    out = capsys.readouterr().out
    assert secrets.describe_backend(backend) in out and "API key: none" in out  # in words, not a class name
    if read_reason:  # the keyring could not even be read: status says why
        assert read_reason in out.lower(), out

    report = tmp_path / "alert.txt"
    report.write_text(alert(sandbox), encoding="utf-8")
    monkeypatch.setenv(secrets.ENV_VAR, KEY)
    before = sandbox.stats.unauthorized_count
    assert (
        main(
            [
                "analyze",
                "--api-url",
                sandbox.base_url,
                "--rate",
                "50",
                "--quiet",
                str(report),
                "--json",
                str(tmp_path / "out.json"),
            ]
        )
        == 0
    )
    assert sandbox.stats.unauthorized_count == before
    statuses = [r["status"] for r in json.loads((tmp_path / "out.json").read_text())["results"]]
    assert statuses == ["found"] * 3
    assert main(["key", "status"]) == 0 and "from the environment" in capsys.readouterr().out
    assert_not_written(tmp_path)


# --- GUI -----------------------------------------------------------------------------------------
def test_window_keeps_the_key_for_the_session_and_says_why(broken, sandbox, qtbot, qloop, tmp_path, make_window):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton

    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.indicators.results import Status

    backend, read_reason, write_reason, _ = broken
    ini = tmp_path / "settings.ini"
    # starts despite the keyring
    win = make_window(settings=QSettings(str(ini), QSettings.Format.IniFormat), basedir="base", show=False)
    win.settings.api_base_url = sandbox.base_url
    win.settings.max_per_second = 50
    win.show()
    win.exports.fill_chat_menu()  # reads the webhook index from the keyring: no crash, just no webhooks
    assert not [a for a in win.exports.chat_menu.actions() if a.isEnabled()]

    win.paste.setPlainText(alert(sandbox))
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 3, timeout=5000)
    win.start_run()  # no key yet: the notice says so, and how the keyring failed
    assert "No Pulsedive API key" in win.status.text() and "session only" in win.status.text()
    if read_reason:
        assert read_reason in win.status.text().lower(), win.status.text()
    win.findChild(QMessageBox, "notice").close()

    win.open_settings()
    dialog = win.findChild(SettingsDialog)
    status = dialog.findChild(QLabel, "keyStatusLabel").text() + dialog.findChild(QLabel, "keyringLabel").text()
    if read_reason:  # a failed read is explained before anything is typed
        assert read_reason in status.lower(), status
    qtbot.keyClicks(dialog.findChild(QLineEdit, "keyEdit"), KEY)
    save = dialog.findChild(QPushButton, "saveKeyButton")
    result = dialog.findChild(QLabel, "keyResultLabel")
    if save.isEnabled():
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert write_reason in result.text().lower() and secrets.describe_backend(backend) in result.text(), (
            result.text()
        )
        assert "not saved anywhere" in result.text() and KEY[:12] not in result.text()
    session = dialog.findChild(QPushButton, "sessionKeyButton")
    assert session.isVisible()  # the way out is offered
    qtbot.mouseClick(session, Qt.MouseButton.LeftButton)
    assert "session only" in result.text()
    assert secrets.get_key() == secrets.KeyInfo(KEY, "session")
    qtbot.mouseClick(dialog.findChild(QPushButton, "okButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    # the window says the key is session-only, and why
    why = write_reason if save.isEnabled() else read_reason
    assert "session only" in win.status.text() and why in win.status.text().lower(), win.status.text()

    before = sandbox.stats.unauthorized_count
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() == 3, timeout=20000)
    assert [win.results.result_at(r).status for r in range(3)] == [Status.FOUND] * 3
    assert sandbox.stats.unauthorized_count == before
    win.settings.sync()
    win.close()
    assert ini.exists()
    assert_not_written(tmp_path)
