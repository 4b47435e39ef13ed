"""``platform.mail_client``: is a program registered to open an ``.eml`` draft?

Linux runs a fake ``xdg-mime`` on PATH (the real one may be absent, or answer for the developer's
desktop). The Windows branch runs here with a fake ``winreg`` holding the keys a registry has.
"""

from __future__ import annotations

import os
import stat
import sys
import types
from contextlib import contextmanager
from pathlib import Path

import pytest

from iocdesk.platform import mail_client
from iocdesk.platform.mail_client import mail_client_available, registered_in_registry, xdg_default

posix_only = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for xdg-mime")


def _fake_xdg_mime(tmp_path: Path, monkeypatch, body: str) -> Path:
    """An ``xdg-mime`` on PATH that runs ``body`` (sh) and logs its arguments to ``args.txt``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "xdg-mime"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/args.txt"\n{body}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")  # first, and sleep still found
    return tmp_path / "args.txt"


@posix_only
def test_xdg_default_answers_from_xdg_mime(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    args = _fake_xdg_mime(
        tmp_path, monkeypatch, 'if [ "$3" = "message/rfc822" ]; then echo thunderbird.desktop; fi; exit 0'
    )
    assert mail_client_available() is True
    assert args.read_text(encoding="utf-8").splitlines() == ["query default message/rfc822"]
    assert xdg_default("x-scheme-handler/mailto") is False  # an empty answer: none registered


@posix_only
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("exit 0", False),  # asked, and nothing is registered
        ("echo '   '; exit 0", False),
        ("echo org.gnome.Evolution.desktop", True),
        ("echo broken >&2; exit 4", None),  # xdg-mime failed: no answer
        ("exec sleep 10", None),  # hung: the timeout gives up (exec: the killed process is the sleep)
    ],
)
def test_xdg_mime_answers(tmp_path, monkeypatch, body, expected):
    monkeypatch.setattr(sys, "platform", "linux")
    _fake_xdg_mime(tmp_path, monkeypatch, body)
    assert mail_client_available(timeout=0.5) is expected


def test_no_xdg_mime_cannot_tell(monkeypatch):
    monkeypatch.setattr(sys, "platform", "freebsd14")
    monkeypatch.setattr(mail_client.shutil, "which", lambda name: None)
    assert mail_client_available() is None


def test_macos_has_mail_app(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(mail_client.shutil, "which", lambda name: pytest.fail("nothing to run on macOS"))
    assert mail_client_available() is True


# -- Windows ------------------------------------------------------------------------------------

HKCR, HKCU = "HKEY_CLASSES_ROOT", "HKEY_CURRENT_USER"
USER_CHOICE = r"Software\Microsoft\Windows\CurrentVersion\Explorer\FileExts\.eml\UserChoice"


def _winreg(keys: dict[tuple[str, str], dict[str, object]], *, denied: bool = False) -> types.ModuleType:
    """A ``winreg`` whose registry is ``keys``: {(root, path): {value name: value}}; "" is the default value."""
    module = types.ModuleType("winreg")
    module.HKEY_CLASSES_ROOT = HKCR
    module.HKEY_CURRENT_USER = HKCU
    lowered = {(root, path.lower()): values for (root, path), values in keys.items()}  # the registry ignores case

    @contextmanager
    def open_key(root, path):
        if denied:
            raise PermissionError(5, "Access is denied")
        values = lowered.get((root, path.lower()))
        if values is None:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        yield values

    def query_value(values, name):
        if name not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return values[name], 1  # REG_SZ

    module.OpenKey = open_key
    module.QueryValueEx = query_value
    return module


OUTLOOK = {
    (HKCR, ".eml"): {"": "Outlook.File.eml.15", "Content Type": "message/rfc822"},
    (HKCR, r"Outlook.File.eml.15\shell\open\command"): {"": r'"C:\Program Files\Office\OUTLOOK.EXE" /eml "%1"'},
}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (OUTLOOK, True),
        ({}, False),  # no .eml association at all
        ({(HKCR, ".eml"): {"": ""}}, False),  # an empty default value
        ({(HKCR, ".eml"): {"Content Type": "message/rfc822"}}, False),  # no default value
        ({(HKCR, ".eml"): {"": "Gone.File"}}, False),  # a ProgID without an open command
        ({(HKCR, ".eml"): {"": "Odd.File"}, (HKCR, r"Odd.File\shell\open\command"): {"": "  "}}, False),
        (  # the user's choice wins over HKEY_CLASSES_ROOT's default, here a store app (DelegateExecute)
            {
                (HKCR, ".eml"): {"": "Gone.File"},
                (HKCU, USER_CHOICE): {"ProgId": "AppXmailapp", "Hash": "x"},
                (HKCR, r"AppXmailapp\Shell\open\command"): {
                    "DelegateExecute": "{4ED3A719-CEA8-4BD9-910D-E252F997AFC2}"
                },
            },
            True,
        ),
        (  # the user chose a program that is gone: none opens the draft
            {**OUTLOOK, (HKCU, USER_CHOICE): {"ProgId": "Uninstalled.eml"}},
            False,
        ),
    ],
)
def test_windows_registry(monkeypatch, keys, expected):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "winreg", _winreg(keys))
    monkeypatch.setattr(mail_client.shutil, "which", lambda name: pytest.fail("no xdg-mime on Windows"))
    assert mail_client_available() is expected


def test_windows_registry_unreadable_cannot_tell(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "winreg", _winreg(OUTLOOK, denied=True))
    assert mail_client_available() is None
    assert registered_in_registry(_winreg(OUTLOOK), user_choice=USER_CHOICE, class_name=".eml") is True
