"""Issue 16: the e-mail draft from the window says where it was written, offers "Show in folder",
and is handed to the mail client only when one is registered (plainly said otherwise)."""

from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QWidget

from iocdesk.gui.actions import exports as exports_module
from iocdesk.gui.actions.exports import DRAFTS_FOLDER_NAME, ExportActions, ExportScope, drafts_folder
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType as T
from iocdesk.platform import paths
from iocdesk.reports.report import Report

DRAFT = "Create e-mail &draft..."


def _report(scope: ExportScope) -> Report:
    results = [
        LookupResult("evil.example", T.DOMAIN, Status.FOUND, intel=Intel(iid=1, risk=Risk.HIGH)),
        LookupResult("203.0.113.9", T.IPV4, Status.FOUND, intel=Intel(iid=2, risk=Risk.LOW)),
    ]
    return Report(results if scope is ExportScope.ALL else results[:1], run_id=3)


class Drafts:
    def __init__(self, qtbot, tmp_path, monkeypatch, *, mail_client: bool | None, opens: bool = True) -> None:
        self.folder = tmp_path / "Documents" / DRAFTS_FOLDER_NAME
        self.opened: list = []
        self.mail_checks = 0

        def open_url(url) -> bool:
            self.opened.append(url)
            return opens

        def available() -> bool | None:
            self.mail_checks += 1
            return mail_client

        monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
        monkeypatch.setattr(exports_module, "mail_client_available", available)
        self.widget = QWidget()
        qtbot.addWidget(self.widget)
        settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        self.exports = ExportActions(_report, settings, Tasks(), self.widget, drafts=lambda: self.folder)
        self.menu = QMenu(self.widget)
        self.exports.fill_menu(self.menu)
        self.failures: list[str] = []
        self.exports.failed.connect(self.failures.append)

    def draft(self, qtbot) -> str:
        """Create e-mail draft from the Export menu; the status text."""
        action = next(a for a in self.menu.actions() if a.text() == DRAFT)
        with qtbot.waitSignal(self.exports.message, timeout=15000) as blocker:
            action.trigger()
        return blocker.args[0]

    def written(self) -> Path:
        drafts = list(self.folder.glob("*.eml"))
        assert len(drafts) == 1, drafts
        return drafts[0]


def test_no_mail_client_no_open_the_path_said_and_show_in_folder(qtbot, qloop, tmp_path, monkeypatch):
    d = Drafts(qtbot, tmp_path, monkeypatch, mail_client=False)
    text = d.draft(qtbot)
    draft = d.written()
    assert d.mail_checks == 1
    assert d.opened == []  # nothing asked to open a file no program is registered for
    assert text.startswith("No mail client is registered for .eml files on this computer")
    assert str(draft) in text and str(draft.with_suffix(".xlsx")) in text  # full paths
    assert "1 of 2 results (shown)" in text
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert "1 high of 1 IOC" in message.get_body(("plain",)).get_content()  # the shown rows only
    if os.name == "posix":
        assert (draft.stat().st_mode & 0o777) == 0o600 and (d.folder.stat().st_mode & 0o777) == 0o700

    notice = d.exports.draft_notice
    assert isinstance(notice, QMessageBox) and notice.isVisible()
    assert not notice.isModal()  # the window stays usable
    assert notice.text() == text and notice.textFormat() == Qt.TextFormat.PlainText
    show = notice.findChild(QPushButton, "showInFolderButton")
    assert show is not None and show.text() == "Show in &folder"
    qtbot.mouseClick(show, Qt.MouseButton.LeftButton)
    assert len(d.opened) == 1
    assert d.opened[0].isLocalFile() and Path(d.opened[0].toLocalFile()) == d.folder  # the folder, not the file
    qtbot.waitUntil(lambda: d.exports.draft_notice is None)  # closed and forgotten


def test_a_registered_mail_client_gets_the_draft_once(qtbot, qloop, tmp_path, monkeypatch):
    d = Drafts(qtbot, tmp_path, monkeypatch, mail_client=True)
    text = d.draft(qtbot)
    draft = d.written()
    assert len(d.opened) == 1 and Path(d.opened[0].toLocalFile()) == draft
    assert d.opened[0].toLocalFile().endswith(".eml")
    assert text == f"E-mail draft with 1 of 2 results (shown) written to {draft}; opened in the mail client."
    assert d.exports.draft_notice is not None and d.exports.draft_notice.text() == text


def test_cannot_tell_tries_and_a_failed_open_is_said(qtbot, qloop, tmp_path, monkeypatch):
    d = Drafts(qtbot, tmp_path, monkeypatch, mail_client=None, opens=False)
    text = d.draft(qtbot)
    draft = d.written()
    assert len(d.opened) == 1  # no way to know beforehand: asked the desktop
    assert text.startswith(f"E-mail draft with 1 of 2 results (shown) written to {draft}, but the desktop could not")
    d.exports.draft_notice.findChild(QPushButton, "showInFolderButton").click()
    assert d.failures == [f"Could not open the folder {d.folder}: open it in your file manager."]


def test_a_link_in_place_of_the_drafts_folder_is_refused(qtbot, qloop, tmp_path, monkeypatch):
    if os.name != "posix":
        pytest.skip("symlinks need privileges on Windows")
    d = Drafts(qtbot, tmp_path, monkeypatch, mail_client=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    d.folder.parent.mkdir(parents=True)
    d.folder.symlink_to(elsewhere)
    action = next(a for a in d.menu.actions() if a.text() == DRAFT)
    with qtbot.waitSignal(d.exports.failed, timeout=15000) as blocker:
        action.trigger()
    assert blocker.args[0].startswith(f"Could not use the drafts folder {d.folder}")
    assert list(elsewhere.iterdir()) == [] and d.opened == []


def test_drafts_go_to_documents_or_the_base_directory(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_BASEDIR, str(tmp_path / "portable"))
    assert drafts_folder() == tmp_path / "portable" / "drafts"

    monkeypatch.delenv(paths.ENV_BASEDIR)
    documents = tmp_path / "Documents"
    documents.mkdir()
    locations: list = []

    def writable(location):
        locations.append(location)
        return str(documents)

    monkeypatch.setattr(exports_module.QStandardPaths, "writableLocation", writable)
    assert drafts_folder() == documents / "iocdesk drafts"  # visible, where the analyst looks
    assert locations == [QStandardPaths.StandardLocation.DocumentsLocation]

    monkeypatch.setattr(exports_module.QStandardPaths, "writableLocation", lambda location: "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert drafts_folder() == Path(paths.data_dir()) / "drafts"  # no Documents folder at all
