"""The Pulsedive API key: in the OS keyring, or for this session only. Never on disk.

Where the key comes from, in order: the ``PULSEDIVE_API_KEY`` environment
variable (automation), a key kept for this session (when the keyring is
unavailable and the user chose so), the OS keyring. Keyring trouble is
reported honestly (which backend, why it failed) and never answered with a
plaintext file.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "iocdesk"
USERNAME = "pulsedive-api-key"
ENV_VAR = "PULSEDIVE_API_KEY"

_session_key: str | None = None
_lock = threading.Lock()


class KeyringUnavailable(Exception):
    """No usable OS keyring (no backend, locked, or it failed); the message says which."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key: str | None
    source: str  # "environment", "session", "keyring", or "none"


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    backend: str  # e.g. "SecretService Keyring", "macOS Keyring", "fail Keyring"
    usable: bool
    problem: str | None = None


def keyring_status() -> KeyringStatus:
    backend = keyring.get_keyring()
    name = getattr(backend, "name", type(backend).__name__)
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return KeyringStatus(name, False, "no keyring backend is available on this system")
    return KeyringStatus(name, True)


def _keyring_error(action: str, exc: Exception) -> KeyringUnavailable:
    status = keyring_status()
    reason = "no keyring backend is available" if isinstance(exc, keyring.errors.NoKeyringError) else str(exc)
    if "locked" in reason.lower() or "dismissed" in reason.lower():
        reason = "the keyring is locked: unlock your password manager and try again"
    return KeyringUnavailable(f"could not {action} the API key in the OS keyring ({status.backend}): {reason}")


def get_key() -> KeyInfo:
    """The key to use, and where it came from. Keyring failures read as "no key"."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return KeyInfo(env, "environment")
    with _lock:
        if _session_key:
            return KeyInfo(_session_key, "session")
    try:
        stored = keyring.get_password(SERVICE, USERNAME)
    except Exception:  # noqa: BLE001 - any backend failure means: no key from the keyring
        stored = None
    return KeyInfo(stored, "keyring") if stored else KeyInfo(None, "none")


def store_key(key: str) -> str:
    """Store ``key`` in the OS keyring; returns the backend's name. Raises KeyringUnavailable."""
    key = key.strip()
    if not key:
        raise ValueError("the API key is empty")
    try:
        keyring.set_password(SERVICE, USERNAME, key)
    except Exception as exc:  # noqa: BLE001
        raise _keyring_error("store", exc) from None  # the cause could quote the key
    return keyring_status().backend


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


def mask(key: str | None) -> str:
    """A display form that proves which key it is without revealing it: "••••1a2b"."""
    if not key:
        return "(none)"
    return "••••" + key[-4:] if len(key) > 12 else "••••"
