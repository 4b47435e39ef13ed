"""Is a mail program registered to open an e-mail draft (an ``.eml`` file)?

The window writes a draft and asks the desktop to open it; where no program is
registered for ``.eml`` files, the desktop opens nothing (or a text editor) and
the analyst is left wondering. So before asking, the window checks here and
says plainly when there is none. Each answer is ``True`` (registered),
``False`` (certainly not) or ``None`` (cannot tell: then the window tries and
reports what the desktop answered).

Linux and the BSDs
    ``xdg-mime query default message/rfc822``, with a short timeout; no
    ``xdg-mime`` (a minimal desktop, a container) or no answer: ``None``. Only
    the ``.eml`` type counts: a program registered for ``mailto:`` links alone
    (``x-scheme-handler/mailto``) does not open a draft file, and the desktop
    would hand the file to a text editor instead.
Windows
    The registry: the user's choice for ``.eml`` (``HKEY_CURRENT_USER\\...\\FileExts\\.eml\\UserChoice``)
    or else the default value of ``HKEY_CLASSES_ROOT\\.eml``, a ProgID, which must have a
    ``shell\\open\\command`` (a command line, or ``DelegateExecute`` for a store app).
macOS
    ``True``: Mail.app ships with the system and is the default until the user picks another.

Nothing here runs anything from the data: the only program started is
``xdg-mime``, found on ``PATH``, with fixed arguments.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from contextlib import AbstractContextManager
from typing import Any, Protocol

__all__ = ["mail_client_available", "registered_in_registry", "xdg_default"]

XDG_TIMEOUT = 3.0  # seconds; xdg-mime is a shell script that may ask the desktop
_EML_TYPE = "message/rfc822"

_FILE_EXTS = r"Software\Microsoft\Windows\CurrentVersion\Explorer\FileExts"


class Registry(Protocol):
    """The part of ``winreg`` used here (a fake in the tests)."""

    HKEY_CLASSES_ROOT: Any
    HKEY_CURRENT_USER: Any

    def OpenKey(self, key: Any, sub_key: str) -> AbstractContextManager[Any]: ...  # noqa: N802 - winreg's name

    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]: ...  # noqa: N802 - winreg's name


def mail_client_available(*, timeout: float = XDG_TIMEOUT) -> bool | None:
    """Is a program registered to open ``.eml`` files (an e-mail draft)? None: cannot tell."""
    if sys.platform == "win32":
        import winreg

        return registered_in_registry(winreg, user_choice=rf"{_FILE_EXTS}\.eml\UserChoice", class_name=".eml")
    if sys.platform == "darwin":
        return True
    return xdg_default(_EML_TYPE, timeout=timeout)


# -- freedesktop ------------------------------------------------------------------------------------


def xdg_default(mime_type: str, *, timeout: float = XDG_TIMEOUT) -> bool | None:
    """Does ``xdg-mime`` name a default application for ``mime_type``? None without an answer."""
    program = shutil.which("xdg-mime")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "query", "default", mime_type],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None  # xdg-mime failed (an unknown desktop, a broken script): no answer
    return bool(done.stdout.strip())


# -- Windows --------------------------------------------------------------------------------------


def registered_in_registry(registry: Registry, *, user_choice: str, class_name: str) -> bool | None:
    """The ProgID the user chose (``user_choice`` under HKEY_CURRENT_USER), else the default value of
    ``HKEY_CLASSES_ROOT\\<class_name>``, must have an open command. None when the registry cannot be read."""
    try:
        progid = _default(registry, registry.HKEY_CURRENT_USER, user_choice, "ProgId")
        if not progid:
            progid = _default(registry, registry.HKEY_CLASSES_ROOT, class_name, "")
        if not progid:
            return False
        return _has_open_command(registry, progid)
    except OSError:  # access denied, a broken hive: not "none registered"
        return None


def _default(registry: Registry, root: Any, path: str, name: str) -> str:
    """A string value of a key ("" when the key or the value is missing, or not a string)."""
    try:
        with registry.OpenKey(root, path) as key:
            value, _kind = registry.QueryValueEx(key, name)
    except FileNotFoundError:
        return ""
    return value.strip() if isinstance(value, str) else ""


def _has_open_command(registry: Registry, progid: str) -> bool:
    try:
        with registry.OpenKey(registry.HKEY_CLASSES_ROOT, rf"{progid}\shell\open\command") as key:
            for name in ("", "DelegateExecute"):  # a command line, or a store app's COM handler
                try:
                    value, _kind = registry.QueryValueEx(key, name)
                except FileNotFoundError:
                    continue
                if isinstance(value, str) and value.strip():
                    return True
    except FileNotFoundError:
        return False
    return False
