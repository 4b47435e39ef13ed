"""keyring: the in-memory test backend, and the real Secret Service.

The Secret Service test only ever runs against the throwaway gnome-keyring
that `bash dev.sh test` starts in a private D-Bus session with a temp HOME
(it sets IOCDESK_THROWAWAY_KEYRING=1): never against a developer's real
login keyring. It skips elsewhere, unless IOCDESK_REQUIRE_SECRET_SERVICE=1
(dev.sh, CI), where anything short of a working Secret Service fails.
"""

import os
import uuid

import keyring
import keyring.core
import pytest
from keyring.backends import SecretService


def test_memory_keyring_round_trip_and_replaces_backend(memory_keyring):
    assert keyring.get_keyring() is memory_keyring
    service = "iocdesk-test"
    keyring.set_password(service, "pulsedive", "s3cret")
    assert memory_keyring.passwords == {(service, "pulsedive"): "s3cret"}
    assert keyring.get_password(service, "pulsedive") == "s3cret"
    keyring.delete_password(service, "pulsedive")
    assert keyring.get_password(service, "pulsedive") is None
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password(service, "pulsedive")


def test_default_backend_in_tests_never_reaches_a_real_keyring():
    # Outside memory_keyring, conftest leaves keyring's "fail" backend in place.
    with pytest.raises(keyring.errors.NoKeyringError):
        keyring.get_password("iocdesk-test", "pulsedive")


@pytest.fixture
def secret_service_keyring(monkeypatch):
    """keyring's own backend discovery, as the app would run it."""
    required = os.environ.get("IOCDESK_REQUIRE_SECRET_SERVICE") == "1"

    def unavailable(why: str):
        hint = "run the suite with `bash dev.sh test` (private D-Bus session + throwaway gnome-keyring)"
        if required:
            pytest.fail(f"IOCDESK_REQUIRE_SECRET_SERVICE=1 but {why}; {hint}")
        pytest.skip(f"{why}; {hint}")

    if os.environ.get("IOCDESK_THROWAWAY_KEYRING") != "1":
        unavailable("not in dev.sh's throwaway keyring session (refusing to touch a real keyring)")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        unavailable("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)")
    try:
        SecretService.Keyring.priority  # noqa: B018 - raises when unusable
    except RuntimeError as exc:
        unavailable(f"no Secret Service on the session bus: {exc}")

    previous = keyring.get_keyring()
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.core.init_backend()
    try:
        yield keyring.get_keyring()
    finally:
        keyring.set_keyring(previous)


@pytest.mark.secret_service
def test_secret_service_round_trip(secret_service_keyring):
    backend = secret_service_keyring
    assert isinstance(backend, SecretService.Keyring), f"keyring chose {backend!r}, not SecretService"
    service, user = f"iocdesk-test-{uuid.uuid4()}", "pulsedive"
    assert keyring.get_password(service, user) is None
    keyring.set_password(service, user, "s3cret value ✓")
    try:
        assert keyring.get_password(service, user) == "s3cret value ✓"
    finally:
        keyring.delete_password(service, user)
    assert keyring.get_password(service, user) is None


@pytest.mark.secret_service
def test_key_commands_store_the_key_in_the_secret_service_only(secret_service_keyring, tmp_path):
    """`iocdesk key set/status/delete` as a user runs them, against the real Secret Service:
    the key lands in the keyring and nowhere in iocdesk's own directories."""
    import subprocess
    import sys

    key = "f00dcafe" * 8
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "PULSEDIVE_API_KEY")}
    env["IOCDESK_BASEDIR"] = str(tmp_path / "iocdesk")

    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "iocdesk", *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
        )

    try:
        stored = cli("key", "set", "--stdin", stdin=key + "\n")
        assert stored.returncode == 0, stored.stderr
        assert "SecretService" in stored.stdout.replace(" ", "")
        assert keyring.get_password("iocdesk", "pulsedive-api-key") == key
        status = cli("key", "status")
        assert status.returncode == 0 and "from the keyring" in status.stdout and key not in status.stdout
    finally:
        cli("key", "delete")
    assert keyring.get_password("iocdesk", "pulsedive-api-key") is None
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes()


@pytest.mark.secret_service
def test_settings_dialog_saves_and_deletes_the_key_in_the_secret_service(secret_service_keyring, qtbot, tmp_path):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QPushButton

    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.gui.settings import AppSettings

    key = "c0ffee42" * 8
    ini = tmp_path / "settings.ini"
    dialog = SettingsDialog(AppSettings(QSettings(str(ini), QSettings.Format.IniFormat)))
    qtbot.addWidget(dialog)
    dialog.show()
    from PySide6.QtWidgets import QLabel

    assert any(
        "SecretService" in label.text().replace(" ", "") for label in dialog.findChildren(QLabel)
    )  # names the backend
    qtbot.keyClicks(dialog.key_edit, key)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveKeyButton"), Qt.MouseButton.LeftButton)
    try:
        assert keyring.get_password("iocdesk", "pulsedive-api-key") == key
        qtbot.mouseClick(dialog.findChild(QPushButton, "okButton"), Qt.MouseButton.LeftButton)
        assert key.encode() not in ini.read_bytes()
    finally:
        keyring.delete_password("iocdesk", "pulsedive-api-key")
