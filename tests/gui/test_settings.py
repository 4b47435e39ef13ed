"""AppSettings (QSettings on a temp INI) and the settings dialog (key handling above all)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QTabWidget

from iocdesk.gui.dialogs.settings import SettingsDialog
from iocdesk.gui.settings import AppSettings
from iocdesk.lookup.engine import EngineOptions, ScanPolicy
from iocdesk.lookup.limiter import RateLimits
from iocdesk.platform import credentials as secrets
from iocdesk.pulsedive.client import DEFAULT_BASE_URL, PulsediveClient

KEY = "k3y-" + "a1b2c3d4e5f6a7b8c9d0" * 3 + "-zz"


@pytest.fixture
def ini(tmp_path):
    return tmp_path / "iocdesk.ini"


@pytest.fixture
def settings(ini):
    return AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def _no_session_key(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    secrets.keep_for_session("")
    yield
    secrets.keep_for_session("")


def _dialog(qtbot, settings, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(settings, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def child(widget, cls, name):
    found = widget.findChild(cls, name)
    assert found is not None, name
    return found


def click(qtbot, widget, cls, name):
    qtbot.mouseClick(child(widget, cls, name), Qt.MouseButton.LeftButton)


# -- AppSettings -------------------------------------------------------------------------


def test_defaults(settings):
    assert settings.max_per_second is None and settings.last_pace is None
    assert settings.per_day is None and settings.per_month is None
    assert settings.concurrency == 4
    assert settings.scan_policy == "off"
    assert settings.submit is False and settings.include_private is False
    assert settings.cache_ttl_hours == 24.0 and settings.use_cache is True
    assert settings.api_base_url == DEFAULT_BASE_URL
    assert settings.path_family == "legacy"
    assert settings.http_proxy == "" and settings.ca_bundle == ""
    assert settings.theme == "system"
    assert settings.window_geometry == b"" and settings.window_state == b""
    assert settings.splitter_state("main") == b"" and settings.header_state("results") == b""
    assert settings.recent_files == []
    assert settings.engine_options() == EngineOptions()
    assert settings.client_kwargs() == {"base_url": DEFAULT_BASE_URL, "paths": "legacy"}


def test_round_trip_through_ini(settings, ini):
    settings.max_per_second = 2.5
    settings.set_last_pace(25.0, "2026-12-08T01:50:00Z")
    settings.per_day = 1000
    settings.per_month = 30000
    settings.concurrency = 8
    settings.scan_policy = "passive"
    settings.submit = True
    settings.include_private = True
    settings.cache_ttl_hours = 1.5
    settings.use_cache = False
    settings.api_base_url = "http://127.0.0.1:8080/api/"
    settings.path_family = "current"
    settings.http_proxy = "http://proxy.example:3128"
    settings.ca_bundle = "/etc/ssl/corp.pem"
    settings.theme = "dark"
    settings.window_geometry = b"\x00\x01geo\xff"
    settings.window_state = b"state"
    settings.set_splitter_state("main/left", b"\x00split")
    settings.set_header_state("results", b"cols")
    for i in range(12):
        settings.add_recent_file(f"/cases/{i}, one.csv")
    settings.add_recent_file("/cases/3, one.csv")  # again: moves to the top
    settings.sync()

    again = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert again.max_per_second == 2.5 and again.last_pace == (25.0, "2026-12-08T01:50:00Z")
    assert (again.per_day, again.per_month, again.concurrency) == (1000, 30000, 8)
    assert again.scan_policy == "passive" and again.submit and again.include_private
    assert again.cache_ttl_hours == 1.5 and again.cache_ttl_seconds == 5400 and not again.use_cache
    assert again.api_base_url == "http://127.0.0.1:8080/api/"
    assert again.path_family == "current"
    assert again.http_proxy == "http://proxy.example:3128" and again.ca_bundle == "/etc/ssl/corp.pem"
    assert again.theme == "dark"
    assert again.window_geometry == b"\x00\x01geo\xff" and again.window_state == b"state"
    assert again.splitter_state("main/left") == b"\x00split" and again.header_state("results") == b"cols"
    recent = again.recent_files
    assert len(recent) == 10 and recent[0] == "/cases/3, one.csv" and recent[1] == "/cases/11, one.csv"
    assert len(set(recent)) == 10
    assert again.engine_options() == EngineOptions(
        limits=RateLimits(2.5, 1000, 30000),
        concurrency=8,
        scan=ScanPolicy.PASSIVE,
        submit=True,
        include_private=True,
        use_cache=False,
    )
    kwargs = again.client_kwargs()
    assert kwargs["verify"] == "/etc/ssl/corp.pem" and kwargs["proxies"]["https"] == "http://proxy.example:3128"
    again.per_day = None
    again.remove_recent_file("/cases/3, one.csv")
    assert again.per_day is None and "/cases/3, one.csv" not in again.recent_files


def test_bad_values(settings, ini):
    ini.write_text(
        "[limits]\nmax_per_second=-3\nper_second=1\nlast_pace={nope\nconcurrency=banana\nper_day=abc\n[lookup]\nscan_policy=nuke\nsubmit=maybe\n"
        "[ui]\ntheme=purple\n[files]\nrecent=not json\n[network]\napi_base_url=ftp://x\n"
    )
    fresh = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert fresh.max_per_second is None and fresh.last_pace is None and fresh.concurrency == 4 and fresh.per_day is None
    assert fresh.scan_policy == "off" and fresh.submit is False and fresh.theme == "system"
    assert fresh.recent_files == [] and fresh.api_base_url == DEFAULT_BASE_URL
    for name, value in (
        ("max_per_second", -1),
        ("concurrency", 99),
        ("theme", "neon"),
        ("api_base_url", "file:///x"),
        ("http_proxy", "not a url"),
        ("scan_policy", "loud"),
    ):
        with pytest.raises(ValueError):
            setattr(settings, name, value)


# -- dialog: settings ---------------------------------------------------------------------


def test_dialog_writes_settings_on_ok(qtbot, settings, ini):
    dialog = _dialog(qtbot, settings)
    assert dialog.rate.value() == 0 and dialog.rate.text() == "No maximum"
    assert "none yet" in child(dialog, QLabel, "learntPaceLabel").text()
    dialog.rate.setValue(3)
    dialog.per_day.setValue(500)
    dialog.concurrency.setValue(2)
    combo = child(dialog, QComboBox, "themeCombo")
    combo.setCurrentIndex(combo.findData("dark"))
    proxy = child(dialog, QLineEdit, "proxyEdit")
    qtbot.keyClicks(proxy, "http://proxy.corp:8080")
    ca = child(dialog, QLineEdit, "caBundleEdit")
    qtbot.keyClicks(ca, "/tmp/ca.pem")
    click(qtbot, dialog, QPushButton, "okButton")
    assert dialog.result() == QDialog.DialogCode.Accepted
    again = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    assert again.max_per_second == 3 and again.per_day == 500 and again.per_month is None
    assert again.concurrency == 2 and again.theme == "dark"
    assert again.http_proxy == "http://proxy.corp:8080" and again.ca_bundle == "/tmp/ca.pem"
    assert again.api_base_url == DEFAULT_BASE_URL


def test_dialog_shows_the_last_learnt_pace_and_a_maximum_can_be_cleared(qtbot, settings, ini):
    settings.max_per_second = 5
    settings.set_last_pace(25.0, "2026-12-08T01:50:00Z")
    dialog = _dialog(qtbot, settings)
    assert child(dialog, QLabel, "learntPaceLabel").text() == "25/s, learnt from Pulsedive (2026-12-08 01:50 UTC)"
    assert dialog.rate.value() == 5
    dialog.rate.setValue(0)
    click(qtbot, dialog, QPushButton, "okButton")
    assert AppSettings(QSettings(str(ini), QSettings.Format.IniFormat)).max_per_second is None


def test_dialog_rejects_bad_url_and_cancel_changes_nothing(qtbot, settings):
    dialog = _dialog(qtbot, settings)
    qtbot.keyClicks(child(dialog, QLineEdit, "baseUrlEdit"), "pulsedive dot com")
    click(qtbot, dialog, QPushButton, "okButton")
    assert dialog.isVisible()
    assert "API base URL" in child(dialog, QLabel, "settingsError").text()
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    click(qtbot, dialog, QPushButton, "cancelButton")
    assert settings.theme == "system" and settings.api_base_url == DEFAULT_BASE_URL


def test_active_scan_warning(qtbot, settings):
    dialog = _dialog(qtbot, settings)
    child(dialog, QTabWidget, "settingsTabs").setCurrentIndex(1)
    warning = child(dialog, QLabel, "activeScanWarning")
    combo = child(dialog, QComboBox, "scanPolicyCombo")
    assert combo.currentData() == "off" and not warning.isVisible()
    assert not dialog.submit.isEnabled()
    combo.setCurrentIndex(combo.findData("passive"))
    assert not warning.isVisible() and dialog.submit.isEnabled()
    combo.setCurrentIndex(combo.findData("active"))
    assert warning.isVisible() and "connect to the target" in warning.text()
    click(qtbot, dialog, QPushButton, "okButton")
    assert settings.scan_policy == "active"


def test_clear_cache(qtbot, settings):
    calls = []
    dialog = _dialog(qtbot, settings, clear_cache=lambda: calls.append(1) or 7)
    child(dialog, QTabWidget, "settingsTabs").setCurrentIndex(2)
    click(qtbot, dialog, QPushButton, "clearCacheButton")
    assert calls == [1]
    assert "7" in child(dialog, QLabel, "cacheResultLabel").text()


# -- dialog: the API key ----------------------------------------------------------------------


def test_key_set_never_reaches_the_ini(qtbot, settings, ini, memory_keyring):
    dialog = _dialog(qtbot, settings)
    assert "keyring" in child(dialog, QLabel, "keyringLabel").text().lower()
    assert not child(dialog, QPushButton, "sessionKeyButton").isVisible()
    edit = child(dialog, QLineEdit, "keyEdit")
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(edit, KEY)
    click(qtbot, dialog, QPushButton, "saveKeyButton")
    assert memory_keyring.passwords == {(secrets.SERVICE, secrets.USERNAME): KEY}
    assert edit.text() == ""
    assert "saved" in child(dialog, QLabel, "keyResultLabel").text()
    assert KEY not in child(dialog, QLabel, "keyResultLabel").text()
    # a key typed and confirmed with OK goes to the keyring as well, and only there
    qtbot.keyClicks(edit, KEY + "2")
    click(qtbot, dialog, QPushButton, "okButton")
    assert memory_keyring.passwords[(secrets.SERVICE, secrets.USERNAME)] == KEY + "2"
    settings.sync()
    data = ini.read_bytes()
    assert data  # the settings were written
    assert KEY.encode() not in data and KEY[10:30].encode() not in data


def test_key_delete(qtbot, settings, memory_keyring):
    secrets.store_key(KEY)
    dialog = _dialog(qtbot, settings)
    assert secrets.mask(KEY) in child(dialog, QLabel, "keyStatusLabel").text()
    click(qtbot, dialog, QPushButton, "deleteKeyButton")
    assert memory_keyring.passwords == {}
    assert "deleted" in child(dialog, QLabel, "keyResultLabel").text()
    assert "No API key" in child(dialog, QLabel, "keyStatusLabel").text()


def test_no_keyring_offers_session_only(qtbot, settings, ini, tmp_path):
    # conftest's default backend: keyring's "fail" one
    assert not secrets.keyring_status().usable
    dialog = _dialog(qtbot, settings)
    text = child(dialog, QLabel, "keyringLabel").text()
    assert "No OS keyring is available" in text and "never writes the key to a file" in text
    session = child(dialog, QPushButton, "sessionKeyButton")
    assert session.isVisible()
    assert not child(dialog, QPushButton, "saveKeyButton").isEnabled()
    edit = child(dialog, QLineEdit, "keyEdit")
    qtbot.keyClicks(edit, KEY)
    qtbot.mouseClick(session, Qt.MouseButton.LeftButton)
    assert secrets.get_key() == secrets.KeyInfo(KEY, "session")
    assert "session only" in child(dialog, QLabel, "keyResultLabel").text()
    assert "session" in child(dialog, QLabel, "keyStatusLabel").text()
    click(qtbot, dialog, QPushButton, "okButton")
    assert dialog.result() == QDialog.DialogCode.Accepted
    settings.sync()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    # delete forgets the session key
    dialog2 = _dialog(qtbot, settings)
    click(qtbot, dialog2, QPushButton, "deleteKeyButton")
    assert secrets.get_key().source == "none"


def test_ok_with_typed_key_and_no_keyring_stays_open(qtbot, settings):
    dialog = _dialog(qtbot, settings)
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEdit"), KEY)
    click(qtbot, dialog, QPushButton, "okButton")
    assert dialog.isVisible()
    assert "not stored" in child(dialog, QLabel, "settingsError").text()
    assert "not saved anywhere" in child(dialog, QLabel, "keyResultLabel").text()
    assert secrets.get_key().source == "none"


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(require_key="good", per_day=500)


def _tester(sandbox):
    def test(key):
        with PulsediveClient(key, base_url=sandbox.base_url, timeout=5.0) as client:
            return client.indicator("pulsedive.com")

    return test


def test_key_test_good_and_bad(qtbot, settings, sandbox):
    dialog = _dialog(qtbot, settings, test_key=_tester(sandbox))
    edit = child(dialog, QLineEdit, "keyEdit")
    result = child(dialog, QLabel, "keyResultLabel")
    button = child(dialog, QPushButton, "testKeyButton")
    qtbot.keyClicks(edit, "good")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "works" in result.text(), timeout=5000)
    assert "remaining: day" in result.text()
    assert button.isEnabled()
    edit.clear()
    qtbot.keyClicks(edit, "bad-key-123")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "rejected" in result.text(), timeout=5000)
    assert "bad-key-123" not in result.text()


def test_key_test_raising_callable(qtbot, settings):
    def boom(key):
        raise RuntimeError(f"exploded with {key}")

    dialog = _dialog(qtbot, settings, test_key=boom)
    qtbot.keyClicks(child(dialog, QLineEdit, "keyEdit"), KEY)
    click(qtbot, dialog, QPushButton, "testKeyButton")
    result = child(dialog, QLabel, "keyResultLabel")
    qtbot.waitUntil(lambda: "failed" in result.text(), timeout=5000)
    assert KEY not in result.text()


def test_report_recipients_and_subject_round_trip(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.gui.settings import AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.mail_to.setText("soc@corp.example.org; ir@corp.example.org")
    dialog.mail_subject.setText("[SOC] {headline} (run {run_id})")
    assert dialog.apply()
    assert settings.mail_recipients == ["soc@corp.example.org", "ir@corp.example.org"]
    assert settings.mail_subject == "[SOC] {headline} (run {run_id})"
    dialog.mail_to.setText("evil@x.org\r\nBcc: all@corp.example.org")
    assert not dialog.apply()  # no header injection through the recipients
