"""The Pulsedive API key: in the OS keyring, or for this session only. Never on disk.

Where the key comes from, in order: the ``PULSEDIVE_API_KEY`` environment
variable (automation), a key kept for this session (when the keyring is
unavailable and the user chose so), the OS keyring. Keyring trouble is
reported honestly (which backend, why it failed) and never answered with a
plaintext file.

Every key this module hands out or takes in is registered with the log and
error redaction at once (:func:`iocdesk.platform.redact.register_secret`):
a crash report or a log line written before the first lookup (which is when
the client would register it) must not show it either.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backends import fail

from iocdesk.platform.redact import redact, register_secret, registered_secrets

SERVICE = "iocdesk"
USERNAME = "pulsedive-api-key"
ENV_VAR = "PULSEDIVE_API_KEY"

_session_key: str | None = None
_last_problem: str | None = None  # the latest keyring failure, in words: why a key is session-only
_lock = threading.Lock()
# keyring's and secretstorage's exceptions for a locked collection or a dismissed unlock prompt
_LOCKED_NAMES = frozenset({"KeyringLocked", "LockedException", "PromptDismissedException"})


# keyrings.alt's file backends (when installed, keyring picks them if nothing better is there)
# write passwords to a file in the home directory: plain text, or encrypted with a password
# asked on the terminal. Either breaks "never on disk".
_FILE_BACKEND_MODULES = ("keyrings.alt.file",)
FILE_BACKEND_PROBLEM = (
    "this keyring backend keeps passwords in a file (keyrings.alt), which iocdesk does not use; "
    "install a Secret Service (e.g. gnome-keyring or KeePassXC) or uninstall keyrings.alt"
)


class KeyringUnavailable(Exception):
    """No usable OS keyring (no backend, locked, or it failed); the message says which."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key: str | None
    source: str  # "environment", "session", "keyring", or "none"
    problem: str | None = None  # why the OS keyring gave no key (it could not be read), in words


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    backend: str  # e.g. "SecretService Keyring", "macOS Keyring", "fail Keyring"
    usable: bool
    problem: str | None = None
    words: str = ""  # the backend for people: "Secret Service (GNOME Keyring/KWallet)" (describe_backend)


# keyring's backends by module and class, in words an analyst recognises. keyring's own names
# ("fail Keyring", "SecretService Keyring") name Python classes, not the thing on the desktop.
_BACKEND_WORDS = {
    ("keyring.backends.fail", "Keyring"): "no usable keyring",
    ("keyring.backends.null", "Keyring"): "no keyring (turned off: keyring's null backend)",
    ("keyring.backends.SecretService", "Keyring"): "Secret Service (GNOME Keyring/KWallet)",
    ("keyring.backends.libsecret", "Keyring"): "Secret Service through libsecret (GNOME Keyring/KWallet)",
    ("keyring.backends.kwallet", "DBusKeyring"): "KWallet",
    ("keyring.backends.kwallet", "DBusKeyringKWallet4"): "KWallet 4",
    ("keyring.backends.macOS", "Keyring"): "macOS Keychain",
    ("keyring.backends.Windows", "WinVaultKeyring"): "Windows Credential Locker",
    ("keyrings.alt.file", "EncryptedKeyring"): "encrypted file (keyrings.alt)",
    ("keyrings.alt.file", "PlaintextKeyring"): "plain-text file (keyrings.alt)",
}


def describe_backend(backend: object) -> str:
    """A keyring backend in words ("macOS Keychain"); an unknown one by keyring's own name."""
    cls = type(backend)
    words = _BACKEND_WORDS.get((cls.__module__, cls.__name__))
    if words is not None:
        return words
    chained = getattr(backend, "backends", None)  # keyring's ChainerBackend: the first one is written to
    if isinstance(chained, (list, tuple)) and chained:
        return describe_backend(chained[0])
    if cls.__module__.startswith(_FILE_BACKEND_MODULES):
        return f"a file (keyrings.alt {cls.__name__})"
    return str(getattr(backend, "name", cls.__name__))


def keyring_status() -> KeyringStatus:
    backend = keyring.get_keyring()
    name = getattr(backend, "name", type(backend).__name__)
    words = describe_backend(backend)
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return KeyringStatus(name, False, "no keyring backend is available on this system", words)
    if _keeps_a_file(backend):
        return KeyringStatus(name, False, FILE_BACKEND_PROBLEM, words)
    return KeyringStatus(name, True, words=words)


def _keeps_a_file(backend: object) -> bool:
    chained = getattr(backend, "backends", None)  # keyring's ChainerBackend writes to its first one
    if isinstance(chained, (list, tuple)) and chained:
        backend = chained[0]
    return type(backend).__module__.startswith(_FILE_BACKEND_MODULES)


def ensure_usable_keyring(what: str) -> None:
    """Raise KeyringUnavailable, before writing ``what``, when the backend is none or a file."""
    status = keyring_status()
    if not status.usable:
        raise KeyringUnavailable(f"could not store {what} in the OS keyring ({status.words}): {status.problem}")


def keyring_reason(exc: BaseException, *secrets: str | None) -> str:
    """Why a keyring call failed, for the user. ``secrets`` (what was being stored) are redacted:
    a backend's error may quote the value it could not write."""
    if isinstance(exc, keyring.errors.NoKeyringError):
        return "no keyring backend is available"
    text = redact(" ".join(str(exc).split()), (*registered_secrets(), *secrets)) or type(exc).__name__
    # KeyringLocked says "Failed to unlock the collection!": the type tells, the words may not.
    locked = any(cls.__name__ in _LOCKED_NAMES for cls in type(exc).__mro__)
    if locked or "locked" in text.lower() or "dismissed" in text.lower():
        return "the keyring is locked: unlock your password manager and try again"
    return text


def _keyring_error(action: str, exc: Exception, secret: str | None = None) -> KeyringUnavailable:
    global _last_problem
    where = "from" if action == "read" else "in"
    message = f"could not {action} the API key {where} the OS keyring ({keyring_status().words}): "
    message += keyring_reason(exc, secret)
    with _lock:
        _last_problem = message
    return KeyringUnavailable(message)


def get_key() -> KeyInfo:
    """The key to use, and where it came from. A keyring failure reads as "no key", with the
    reason in ``problem``."""
    info = _find_key()
    register_secret(info.key)
    return info


def _find_key() -> KeyInfo:
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return KeyInfo(env, "environment")
    with _lock:
        if _session_key:
            return KeyInfo(_session_key, "session")
    try:
        stored = keyring.get_password(SERVICE, USERNAME)
    except Exception as exc:  # noqa: BLE001 - any backend failure means: no key from the keyring
        return KeyInfo(None, "none", str(_keyring_error("read", exc)))
    if stored:
        return KeyInfo(stored, "keyring")
    status = keyring_status()  # e.g. a file backend: it reads fine, but nothing may be stored there
    return KeyInfo(None, "none", None if status.usable else f"the OS keyring ({status.words}): {status.problem}")


def store_key(key: str) -> str:
    """Store ``key`` in the OS keyring and read it back; returns the backend in words ("Secret Service (GNOME Keyring/KWallet)").
    Raises KeyringUnavailable (its message never holds the key)."""
    global _last_problem
    key = key.strip()
    if not key:
        raise ValueError("the API key is empty")
    register_secret(key)
    ensure_usable_keyring("the API key")
    try:
        keyring.set_password(SERVICE, USERNAME, key)
        # Read back: a backend that accepts writes but fails reads would report "saved" for a
        # key that every later lookup finds missing; then the session is the way out.
        stored = keyring.get_password(SERVICE, USERNAME)
    except Exception as exc:  # noqa: BLE001
        raise _keyring_error("store", exc, key) from None  # the cause could quote the key
    if stored != key:
        raise _keyring_error("store", RuntimeError("the key could not be read back after saving it"))
    with _lock:
        _last_problem = None
    return keyring_status().words


def delete_key() -> bool:
    """Forget the key (keyring and session); False when there was none."""
    global _session_key
    with _lock:
        had_session = _session_key is not None
        _session_key = None
    try:
        keyring.delete_password(SERVICE, USERNAME)
    except keyring.errors.PasswordDeleteError:
        return had_session
    except Exception as exc:  # noqa: BLE001
        raise _keyring_error("delete", exc) from None
    return True


def keep_for_session(key: str) -> None:
    """When no keyring is usable: keep the key in memory only, until the process ends."""
    global _session_key
    with _lock:
        _session_key = key.strip() or None
    register_secret(_session_key)


def session_reason() -> str:
    """Why the key is kept for this session only: the latest keyring failure, or the backend's problem."""
    with _lock:
        problem = _last_problem
    return problem or keyring_status().problem or "it was not saved in the OS keyring"


def mask(key: str | None) -> str:
    """A display form that proves which key it is without revealing it: "••••1a2b"."""
    if not key:
        return "(none)"
    return "••••" + key[-4:] if len(key) > 12 else "••••"
