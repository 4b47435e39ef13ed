"""The settings dialog: API key, plan limits, lookup policy, cache, network, theme, copy form.

The API key section acts at once (Save / Test / Delete / Keep for this
session) and only ever goes through :mod:`iocdesk.platform.credentials`: the key is stored
with ``store_key`` (the OS keyring) or kept in memory with
``keep_for_session``, never in the settings file and never in a plaintext
fallback. Everything else is written to :class:`AppSettings` when OK is
pressed; Cancel changes nothing (except key actions already confirmed).

The caller injects what needs the outside world:
  ``test_key(key) -> ApiResult``: one real Pulsedive call with that key
  (blocking; it runs in a worker thread), e.g.
  ``lambda k: PulsediveClient(k, **settings.client_kwargs()).indicator("pulsedive.com")``;
  ``clear_cache() -> int | None``: empties the lookup cache (``LookupCache.clear``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.inbox.settings import InboxSettings
from iocdesk.gui.inbox.settings_tab import InboxSettingsTab
from iocdesk.gui.settings import MAX_CONCURRENCY, PATH_FAMILIES, THEMES, AppSettings
from iocdesk.gui.text import safe_text
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.platform import credentials
from iocdesk.platform.redact import redact
from iocdesk.pulsedive.client import DEFAULT_BASE_URL, ApiResult, Outcome, is_http_url

__all__ = ["SettingsDialog", "describe_test_result"]

# In English; shown translated (context "SettingsDialog").
ACTIVE_SCAN_WARNING = QT_TRANSLATE_NOOP(
    "SettingsDialog",
    "Warning: active scans make Pulsedive connect to the target (port scan, HTTP fetch). "
    "The attacker may see it and learn that someone is looking.",
)
SUBMIT_NOTE = QT_TRANSLATE_NOOP("SettingsDialog", "Submitted scan results become public on Pulsedive.")


def _plain(object_name: str, text: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


def describe_test_result(result: ApiResult) -> tuple[bool, str]:
    """(works, a sentence for the user) for the answer to a test call (result.message is the client's, in English)."""
    translate = QCoreApplication.translate
    if result.outcome in (Outcome.OK, Outcome.NOT_FOUND):
        quota = result.quota
        parts = [
            template.format(count=value)
            for template, value in (
                (translate("SettingsDialog", "second {count}"), quota.second if quota else None),
                (translate("SettingsDialog", "day {count}"), quota.day if quota else None),
                (translate("SettingsDialog", "month {count}"), quota.month if quota else None),
            )
            if value is not None
        ]
        remaining = ", ".join(parts) if parts else translate("SettingsDialog", "no limits reported")
        return True, translate("SettingsDialog", "The key works; remaining: {remaining}.").format(remaining=remaining)
    if result.outcome is Outcome.KEY_REJECTED:
        return False, translate(
            "SettingsDialog", "Pulsedive rejected this API key. Check that it was copied completely."
        )
    if result.outcome is Outcome.RATE_LIMITED:
        return False, translate(
            "SettingsDialog", "Pulsedive answered that the rate limit is exceeded; try again later. ({reason})"
        ).format(reason=result.message)
    if result.outcome in (Outcome.NETWORK_ERROR, Outcome.TIMEOUT):
        return False, translate("SettingsDialog", "Could not reach Pulsedive: {reason}").format(reason=result.message)
    return False, translate("SettingsDialog", "The test call failed: {reason}").format(reason=result.message)


class SettingsDialog(QDialog):
    """Settings; ``exec()`` returns Accepted after the values were written to ``settings``.

    Signals: ``keyChanged()`` after the key was stored, deleted or kept for the
    session (rebuild the client); ``settingsApplied()`` after OK wrote the settings.
    """

    keyChanged = Signal()
    settingsApplied = Signal()
    _testDone = Signal(int, object, str)  # generation, ApiResult | None, error text

    def __init__(
        self,
        settings: AppSettings,
        *,
        test_key: Callable[[str], ApiResult] | None = None,
        clear_cache: Callable[[], int | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("iocdesk settings"))
        self._settings = settings
        self._test_key = test_key
        self._clear_cache = clear_cache
        self._test_generation = 0
        self._test_thread: threading.Thread | None = None
        self._offer_session = False  # a keyring call failed: offer to keep the key for the session
        self._testDone.connect(self._on_test_done)

        layout = QVBoxLayout(self)
        self._tabs = QTabWidget()
        self._tabs.setObjectName("settingsTabs")
        layout.addWidget(self._tabs)
        self._build_key_tab()
        self._build_lookup_tab()
        self._build_cache_network_tab()
        self._build_reports_tab()
        self.inbox_tab = InboxSettingsTab()
        self._tabs.addTab(self.inbox_tab, self.tr("Inbox"))
        self._build_appearance_tab()

        self._error = _plain("settingsError")
        self._error.setVisible(False)
        layout.addWidget(self._error)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self._buttons.setObjectName("settingsButtons")
        self._buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("okButton")
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)

        self._load()
        self._refresh_key_status()
        self.setMinimumWidth(640)

    # -- construction ----------------------------------------------------------------------
    def _build_key_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self._keyring_label = _plain("keyringLabel")
        layout.addWidget(self._keyring_label)
        self._key_status = _plain("keyStatusLabel")
        layout.addWidget(self._key_status)

        form = QFormLayout()
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("Paste your Pulsedive API key"))
        self.key_edit.setAccessibleName(self.tr("Pulsedive API key"))
        self.key_edit.setClearButtonEnabled(True)
        label = QLabel(self.tr("API &key:"))
        label.setBuddy(self.key_edit)
        form.addRow(label, self.key_edit)
        layout.addLayout(form)

        row = QHBoxLayout()
        self._save_key = self._button(
            "saveKeyButton", self.tr("&Save to keyring"), self.tr("Save the API key in the OS keyring")
        )
        self._save_key.clicked.connect(self.save_key)
        self._test = self._button(
            "testKeyButton", self.tr("&Test"), self.tr("Test the API key with one Pulsedive request")
        )
        self._test.clicked.connect(self.test_key)
        self._test.setEnabled(self._test_key is not None)
        self._delete_key = self._button("deleteKeyButton", self.tr("&Delete"), self.tr("Delete the stored API key"))
        self._delete_key.clicked.connect(self.delete_key)
        self._session_key = self._button(
            "sessionKeyButton",
            self.tr("Keep for this session &only"),
            self.tr("Keep the API key in memory until iocdesk quits"),
        )
        self._session_key.clicked.connect(self.keep_key_for_session)
        for button in (self._save_key, self._test, self._delete_key, self._session_key):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self._key_result = _plain("keyResultLabel")
        layout.addWidget(self._key_result)
        layout.addStretch(1)
        self._tabs.addTab(page, self.tr("API key"))

    def _build_lookup_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)

        limits = QGroupBox(self.tr("Plan limits"))
        form = QFormLayout(limits)
        self.rate = QDoubleSpinBox()
        self.rate.setObjectName("rateSpin")
        self.rate.setRange(0.0, 1000.0)
        self.rate.setDecimals(2)
        self.rate.setSingleStep(0.5)
        self.rate.setSuffix(self.tr(" /s", "requests per second"))
        self.rate.setSpecialValueText(self.tr("No maximum"))  # shown at 0
        self.rate.setAccessibleName(self.tr("Maximum requests per second (0: no maximum)"))
        self.rate.setToolTip(
            self.tr(
                "iocdesk learns your plan's pace from Pulsedive's answers, starting at a free account's "
                "1 request a second. Set a maximum only to leave room for other tools using the same key."
            )
        )
        form.addRow(self.tr("Maximum requests per second:"), self.rate)
        self.learnt_pace = _plain("learntPaceLabel")
        form.addRow(self.tr("Last pace learnt:"), self.learnt_pace)
        self.per_day = self._limit_spin("perDaySpin", self.tr("Requests per day (0: no limit)"))
        form.addRow(self.tr("Requests per day:"), self.per_day)
        self.per_month = self._limit_spin("perMonthSpin", self.tr("Requests per month (0: no limit)"))
        form.addRow(self.tr("Requests per month:"), self.per_month)
        self.concurrency = QSpinBox()
        self.concurrency.setObjectName("concurrencySpin")
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self.concurrency.setAccessibleName(self.tr("Parallel requests"))
        form.addRow(self.tr("Parallel requests:"), self.concurrency)
        layout.addWidget(limits)

        policy = QGroupBox(self.tr("Lookup policy"))
        pform = QFormLayout(policy)
        self.scan_policy = QComboBox()
        self.scan_policy.setObjectName("scanPolicyCombo")
        self.scan_policy.setAccessibleName(self.tr("Scan unknown indicators"))
        self.scan_policy.addItem(self.tr("Off: never scan"), "off")
        self.scan_policy.addItem(self.tr("Passive: WHOIS/DNS only, the target is not contacted"), "passive")
        self.scan_policy.addItem(self.tr("Active: port scan and HTTP fetch, touches the target"), "active")
        pform.addRow(self.tr("Scan unknown indicators:"), self.scan_policy)
        self.scan_warning = _plain(
            "activeScanWarning", QCoreApplication.translate("SettingsDialog", ACTIVE_SCAN_WARNING)
        )
        self.scan_warning.setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }")
        pform.addRow(self.scan_warning)
        self.submit = QCheckBox(self.tr("Submit scan results to Pulsedive (public)"))
        self.submit.setObjectName("submitCheck")
        self.submit.setToolTip(QCoreApplication.translate("SettingsDialog", SUBMIT_NOTE))
        pform.addRow(self.submit)
        self.include_private = QCheckBox(
            self.tr("Look up private, reserved and internal addresses too (sends them to Pulsedive)")
        )
        self.include_private.setObjectName("includePrivateCheck")
        pform.addRow(self.include_private)
        self.host_policy = QComboBox()
        self.host_policy.setObjectName("hostPolicyCombo")
        self.host_policy.setAccessibleName(self.tr("Look up the hosts of URLs and e-mail addresses"))
        self.host_policy.addItem(self.tr("When their URL or address has no verdict (default)"), "auto")
        self.host_policy.addItem(self.tr("Always (one more request per host)"), "all")
        self.host_policy.addItem(self.tr("Never"), "off")
        self.host_policy.setToolTip(
            self.tr(
                "The hosts of URLs and e-mail addresses. A URL Pulsedive has never seen can sit on a domain "
                "it knows as high risk: its host is looked up once per run, cached and counted in the quota "
                "like any lookup."
            )
        )
        pform.addRow(self.tr("Look up hosts:"), self.host_policy)
        self.scan_policy.currentIndexChanged.connect(self._on_scan_policy)
        layout.addWidget(policy)
        layout.addStretch(1)
        self._tabs.addTab(page, self.tr("Lookups"))

    def _build_cache_network_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)

        cache = QGroupBox(self.tr("Cache"))
        cform = QFormLayout(cache)
        self.use_cache = QCheckBox(self.tr("Reuse recent answers instead of asking Pulsedive again"))
        self.use_cache.setObjectName("useCacheCheck")
        cform.addRow(self.use_cache)
        self.cache_ttl = QDoubleSpinBox()
        self.cache_ttl.setObjectName("cacheTtlSpin")
        self.cache_ttl.setRange(0.1, 24.0 * 365)
        self.cache_ttl.setDecimals(1)
        self.cache_ttl.setSuffix(self.tr(" h", "hours"))
        self.cache_ttl.setAccessibleName(self.tr("Keep cached answers for (hours)"))
        cform.addRow(self.tr("Keep answers for:"), self.cache_ttl)
        crow = QHBoxLayout()
        self._clear_cache_button = self._button(
            "clearCacheButton", self.tr("&Clear cache"), self.tr("Delete every cached answer")
        )
        self._clear_cache_button.setEnabled(self._clear_cache is not None)
        self._clear_cache_button.clicked.connect(self.clear_cache)
        self._cache_result = _plain("cacheResultLabel")
        crow.addWidget(self._clear_cache_button)
        crow.addWidget(self._cache_result, 1)
        cform.addRow(crow)
        layout.addWidget(cache)

        network = QGroupBox(self.tr("Network"))
        nform = QFormLayout(network)
        self.base_url = QLineEdit()
        self.base_url.setObjectName("baseUrlEdit")
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.base_url.setAccessibleName(self.tr("API base URL"))
        nform.addRow(self.tr("API base URL:"), self.base_url)
        self.path_family = QComboBox()
        self.path_family.setObjectName("pathFamilyCombo")
        self.path_family.setAccessibleName(self.tr("API paths"))
        families = {"legacy": self.tr("legacy (info.php)"), "current": self.tr("current (indicator.php)")}
        for family in PATH_FAMILIES:
            self.path_family.addItem(families[family], family)
        nform.addRow(self.tr("API paths:"), self.path_family)
        self.proxy = QLineEdit()
        self.proxy.setObjectName("proxyEdit")
        self.proxy.setPlaceholderText(self.tr("http://proxy.example:3128 (empty: HTTPS_PROXY from the environment)"))
        self.proxy.setAccessibleName(self.tr("HTTP proxy"))
        nform.addRow(self.tr("HTTP proxy:"), self.proxy)
        ca_row = QHBoxLayout()
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setObjectName("caBundleEdit")
        self.ca_bundle.setPlaceholderText(self.tr("(empty: the bundled CA certificates)"))
        self.ca_bundle.setAccessibleName(self.tr("CA bundle file"))
        browse = self._button("caBundleBrowseButton", self.tr("&Browse…"), self.tr("Choose a CA bundle file"))
        browse.clicked.connect(self._browse_ca_bundle)
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        nform.addRow(self.tr("CA bundle:"), ca_row)
        layout.addWidget(network)
        layout.addStretch(1)
        self._tabs.addTab(page, self.tr("Cache && network"))

    def _build_reports_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.mail_to = QLineEdit()
        self.mail_to.setObjectName("mailToEdit")
        self.mail_to.setAccessibleName(self.tr("E-mail draft recipients"))
        self.mail_to.setPlaceholderText(self.tr("soc@example.org, ir-team@example.org"))
        form.addRow(self.tr("Draft recipients:"), self.mail_to)
        self.mail_subject = QLineEdit()
        self.mail_subject.setObjectName("mailSubjectEdit")
        self.mail_subject.setAccessibleName(self.tr("E-mail draft subject template"))
        form.addRow(self.tr("Subject template:"), self.mail_subject)
        #: The {names} are the subject template's fields: keep them as they are.
        hint = QLabel(
            self.tr(
                "In the subject: {headline} (e.g. 3 high, 5 medium of 40 IOCs), {total}, {run_id}, {date}, {title}."
            )
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        form.addRow(hint)
        self._tabs.addTab(page, self.tr("Reports"))

    def _build_appearance_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.theme = QComboBox()
        self.theme.setObjectName("themeCombo")
        self.theme.setAccessibleName(self.tr("Theme"))
        names = {"system": self.tr("Follow the system"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for theme in THEMES:
            self.theme.addItem(names[theme], theme)
        form.addRow(self.tr("Theme:"), self.theme)
        self.copy_defanged = QCheckBox(self.tr("Copy indicators defanged (safe to paste)"))
        self.copy_defanged.setObjectName("copyDefangedCheck")
        self.copy_defanged.setToolTip(
            self.tr(
                "Copy, Copy as blocklist and the detail pane give hxxps[://]evil[.]com, safe to paste into tickets, "
                "chat and e-mail. Off: live values (clickable, resolvable), e.g. for a firewall. Ctrl+Shift+C in "
                "the results table always gives the other form."
            )
        )
        form.addRow(self.copy_defanged)
        self._tabs.addTab(page, self.tr("Appearance"))

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    def _limit_spin(self, name: str, accessible: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, 1_000_000_000)
        spin.setSpecialValueText(self.tr("no limit"))
        spin.setAccessibleName(accessible)
        return spin

    def _pace_text(self, last: tuple[float | None, str] | None) -> str:
        if last is None:
            return self.tr("none yet: the next lookup learns it from Pulsedive")
        rate, at = last
        when = at.replace("T", " ").removesuffix("Z")[:16] + " UTC"
        if rate is None:
            return self.tr("no per-second limit ({when})").format(when=when)
        return self.tr("{rate}/s, learnt from Pulsedive ({when})").format(rate=f"{rate:g}", when=when)

    # -- load / save settings -----------------------------------------------------------------
    def _load(self) -> None:
        s = self._settings
        self.rate.setValue(s.max_per_second or 0.0)
        self.learnt_pace.setText(self._pace_text(s.last_pace))
        self.per_day.setValue(s.per_day or 0)
        self.per_month.setValue(s.per_month or 0)
        self.concurrency.setValue(s.concurrency)
        self.scan_policy.setCurrentIndex(max(0, self.scan_policy.findData(s.scan_policy)))
        self.submit.setChecked(s.submit)
        self.include_private.setChecked(s.include_private)
        self.host_policy.setCurrentIndex(max(0, self.host_policy.findData(s.host_policy)))
        self.use_cache.setChecked(s.use_cache)
        self.cache_ttl.setValue(s.cache_ttl_hours)
        self.base_url.setText("" if s.api_base_url == DEFAULT_BASE_URL else s.api_base_url)
        self.path_family.setCurrentIndex(max(0, self.path_family.findData(s.path_family)))
        self.mail_to.setText(", ".join(s.mail_recipients))
        self.mail_subject.setText(s.mail_subject)
        self.proxy.setText(s.http_proxy)
        self.ca_bundle.setText(s.ca_bundle)
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.copy_defanged.setChecked(s.copy_defanged)
        self.inbox_tab.load(InboxSettings(s.qsettings))
        self._on_scan_policy()

    def _validate(self) -> str | None:
        """What is wrong with the form, in words (the checks of AppSettings' setters, which say it in English)."""
        for edit, problem in (
            (self.base_url, self.tr("The API base URL must be an http(s) URL, e.g. https://host:port/")),
            (self.proxy, self.tr("The HTTP proxy must be an http(s) URL, e.g. https://host:port/")),
        ):
            url = edit.text().strip()
            if url and not is_http_url(url):
                return problem
        return None

    def apply(self) -> bool:
        """Write the form to the settings (and store a typed key); False, with a message, on an error."""
        problem = self._validate()
        if problem:
            self._show_error(problem)
            return False
        if self.key_edit.text().strip() and not self.save_key():
            self._tabs.setCurrentIndex(0)
            self._show_error(self.tr("The API key was not stored: see the API key tab, or clear the key field."))
            return False
        s = self._settings
        s.max_per_second = self.rate.value() or None
        s.per_day = self.per_day.value() or None
        s.per_month = self.per_month.value() or None
        s.concurrency = self.concurrency.value()
        s.scan_policy = self.scan_policy.currentData()
        s.submit = self.submit.isChecked() and self.scan_policy.currentData() != "off"
        s.include_private = self.include_private.isChecked()
        s.host_policy = self.host_policy.currentData()
        s.use_cache = self.use_cache.isChecked()
        s.cache_ttl_hours = self.cache_ttl.value()
        s.api_base_url = self.base_url.text().strip() or DEFAULT_BASE_URL
        s.path_family = self.path_family.currentData()
        s.http_proxy = self.proxy.text().strip()
        s.ca_bundle = self.ca_bundle.text().strip()
        s.theme = self.theme.currentData()
        s.copy_defanged = self.copy_defanged.isChecked()
        try:
            s.mail_recipients = self.mail_to.text()
        except ValueError:  # the setter's one refusal
            self._show_error(self.tr("an address must not contain line breaks or angle brackets"))
            return False
        s.mail_subject = self.mail_subject.text()
        problem = self.inbox_tab.apply(InboxSettings(s.qsettings))
        if problem:
            self._tabs.setCurrentWidget(self.inbox_tab)
            self._show_error(problem)
            return False
        s.sync()
        self._error.setVisible(False)
        self.settingsApplied.emit()
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def done(self, result: int) -> None:
        self._test_generation += 1  # a test still running reports to nobody
        super().done(result)

    def _show_error(self, message: str) -> None:
        self._error.setText(message)
        self._error.setVisible(True)

    def _on_scan_policy(self, *_: object) -> None:
        policy = self.scan_policy.currentData()
        self.scan_warning.setVisible(policy == "active")
        self.submit.setEnabled(policy != "off")
        if policy == "active" and self.isVisible():  # make room for the warning
            layout = self.layout()
            assert layout is not None  # set in __init__
            layout.activate()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _browse_ca_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a CA bundle"),
            self.ca_bundle.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_bundle.setText(path)

    # -- API key ----------------------------------------------------------------------------------
    def _refresh_key_status(self) -> None:
        status = credentials.keyring_status()
        if status.usable:
            stored_in = self.tr("iocdesk stores the key in the OS keyring: {backend}.").format(
                backend=status.words or status.backend
            )
            self._keyring_label.setText(stored_in)
        else:
            self._keyring_label.setText(
                self.tr(
                    "No OS keyring is available ({backend}: {problem}). iocdesk never writes "
                    "the key to a file: you can keep it for this session only, or set the "
                    "{variable} environment variable."
                ).format(backend=status.words or status.backend, problem=status.problem, variable=credentials.ENV_VAR)
            )
        self._save_key.setEnabled(status.usable)
        info = credentials.get_key()
        # Locked or broken keyrings look usable until a call fails: then the session is the way out.
        self._offer_session |= not status.usable or info.problem is not None or info.source == "session"
        self._session_key.setVisible(self._offer_session)
        if info.source == "environment":
            text = self.tr("Using the key from {variable} ({key}); it takes precedence.").format(
                variable=credentials.ENV_VAR, key=credentials.mask(info.key)
            )
        elif info.source == "session":
            text = self.tr("A key is kept for this session only ({key}). Why: {reason}.").format(
                key=credentials.mask(info.key), reason=credentials.session_reason()
            )
        elif info.source == "keyring":
            text = self.tr("A key is stored in the keyring ({key}).").format(key=credentials.mask(info.key))
        elif info.problem:
            text = self.tr("No API key: {problem}. You can keep a key for this session only.").format(
                problem=info.problem
            )
        else:
            text = self.tr("No API key yet: lookups will fail until you add one.")
        self._key_status.setText(text)
        self._delete_key.setEnabled(info.source in ("session", "keyring"))

    def _report(self, text: str, ok: bool | None = None) -> None:
        self._key_result.setText(safe_text(text, limit=600))
        colors: dict[bool | None, str] = {True: "#1b5e20", False: "#b71c1c"}
        color = colors.get(ok)  # the words say it too
        self._key_result.setStyleSheet(f"QLabel {{ color: {color}; }}" if color else "")

    def save_key(self) -> bool:
        key = self.key_edit.text().strip()
        if not key:
            self._report(self.tr("Type or paste a key first."), False)
            return False
        try:
            backend = credentials.store_key(key)
        except credentials.KeyringUnavailable as exc:
            self._report(self.tr("{error}. The key was not saved anywhere.").format(error=exc), False)
            self._offer_session = True  # locked or broken keyring: offer the session
            self._session_key.setVisible(True)
            return False
        self.key_edit.clear()
        saved = self.tr("Key {key} saved in the OS keyring ({backend}).").format(
            key=credentials.mask(key), backend=backend
        )
        self._report(saved, True)
        self._refresh_key_status()
        self.keyChanged.emit()
        return True

    def keep_key_for_session(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            self._report(self.tr("Type or paste a key first."), False)
            return
        credentials.keep_for_session(key)
        self.key_edit.clear()
        self._refresh_key_status()
        self._report(
            self.tr("Key {key} kept in memory for this session only; it is forgotten when iocdesk quits.").format(
                key=credentials.mask(key)
            ),
            True,
        )
        self.keyChanged.emit()

    def delete_key(self) -> None:
        if not credentials.keyring_status().usable:
            had = credentials.get_key().source == "session"
            credentials.keep_for_session("")  # forget the session key; there is no keyring to touch
            self._report(self.tr("The session key was forgotten.") if had else self.tr("No key was kept."), True)
        else:
            try:
                deleted = credentials.delete_key()
            except credentials.KeyringUnavailable as exc:
                self._report(str(exc), False)
                self._refresh_key_status()  # the session key is forgotten all the same
                return
            self._report(self.tr("The API key was deleted.") if deleted else self.tr("No API key was stored."), True)
        self._refresh_key_status()
        self.keyChanged.emit()

    def test_key(self) -> None:
        """Test the typed key (or, with the field empty, the key in use) in a worker thread."""
        if self._test_key is None:
            return
        key = self.key_edit.text().strip() or (credentials.get_key().key or "")
        if not key:
            self._report(self.tr("No key to test: type or paste one first."), False)
            return
        self._test_generation += 1
        generation = self._test_generation
        self._test.setEnabled(False)
        self._report(self.tr("Testing the key with one request to Pulsedive…"))
        call = self._test_key

        def work() -> None:
            result: ApiResult | None = None
            error = ""
            try:
                result = call(key)
            except Exception as exc:  # noqa: BLE001 - shown to the user; the text could quote the key
                error = redact(f"{type(exc).__name__}: {exc}", (key,))  # also its URL-encoded forms
            try:
                self._testDone.emit(generation, result, error)
            except RuntimeError:
                pass  # the dialog is gone

        self._test_thread = threading.Thread(target=work, name="iocdesk-key-test", daemon=True)
        self._test_thread.start()

    @property
    def test_running(self) -> bool:
        return self._test_thread is not None and self._test_thread.is_alive()

    def _on_test_done(self, generation: int, result: object, error: str) -> None:
        if generation != self._test_generation:
            return
        self._test.setEnabled(True)
        if isinstance(result, ApiResult):
            ok, text = describe_test_result(result)
        else:
            ok, text = False, self.tr("The test call failed: {reason}").format(reason=error or self.tr("no answer"))
        self._report(text, ok)

    # -- cache ---------------------------------------------------------------------------------------
    def clear_cache(self) -> None:
        if self._clear_cache is None:
            return
        try:
            removed = self._clear_cache()
        except Exception as exc:  # noqa: BLE001
            self._cache_result.setText(safe_text(self.tr("Could not clear the cache: {error}").format(error=exc)))
            return
        if isinstance(removed, int):
            self._cache_result.setText(self.tr("Cache cleared: %n answer(s) removed.", "", removed))
        else:
            self._cache_result.setText(self.tr("Cache cleared."))
