"""`iocdesk key status` names the keyring in words ("Secret Service (GNOME Keyring/KWallet)",
"no usable keyring (...)"), not by keyring's class name ("fail Keyring")."""

from __future__ import annotations

import argparse

import keyring
import pytest
from keyring.backends import SecretService, Windows, fail, kwallet, macOS, null

from iocdesk.cli import key
from iocdesk.platform import credentials
from iocdesk.platform.credentials import ENV_VAR, describe_backend


def _status(capsys) -> tuple[int, str]:
    code = key.run(argparse.Namespace(key_action="status"))
    return code, capsys.readouterr().out


@pytest.fixture
def fail_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_no_usable_keyring_is_said_in_words(fail_keyring, capsys, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    code, out = _status(capsys)
    assert code == 3
    assert "keyring: no usable keyring (no keyring backend is available on this system)" in out
    assert "fail Keyring" not in out and "API key: none" in out


def test_a_usable_keyring_and_its_key(memory_keyring, capsys, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    credentials.store_key("0123456789abcdef0123456789abcdef")
    code, out = _status(capsys)
    assert code == 0 and "from the keyring" in out
    assert "0123456789abcdef0123456789abcdef" not in out
    assert "not usable" not in out


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), "no usable keyring"),
        (null.Keyring(), "no keyring (turned off: keyring's null backend)"),
        (SecretService.Keyring(), "Secret Service (GNOME Keyring/KWallet)"),
        (kwallet.DBusKeyring(), "KWallet"),
        (macOS.Keyring(), "macOS Keychain"),
        (Windows.WinVaultKeyring(), "Windows Credential Locker"),
    ],
    ids=lambda v: type(v).__module__ if not isinstance(v, str) else v,
)
def test_backends_in_words(backend, words):
    assert describe_backend(backend) == words


def test_keyrings_alt_file_backends_in_words():
    # keyrings.alt is not installed here: stand-ins named as keyrings.alt's classes (fakes)
    encrypted = type("EncryptedKeyring", (), {"__module__": "keyrings.alt.file"})()
    plain = type("PlaintextKeyring", (), {"__module__": "keyrings.alt.file"})()
    assert describe_backend(encrypted) == "encrypted file (keyrings.alt)"
    assert describe_backend(plain) == "plain-text file (keyrings.alt)"


def test_a_chained_keyring_is_named_by_the_one_written_to():
    # a stand-in for keyring's ChainerBackend (a fake): it writes to its first backend
    chained = type("ChainerBackend", (), {"backends": [macOS.Keyring(), fail.Keyring()]})()
    assert describe_backend(chained) == "macOS Keychain"
