"""Where iocdesk keeps its files: per-user config, cache, data (history) and logs.

By default these are the platform's standard per-user directories (via
platformdirs, app name ``iocdesk``), e.g. on Linux ``~/.config/iocdesk``,
``~/.cache/iocdesk``, ``~/.local/share/iocdesk`` and ``~/.local/state/iocdesk/log``
(each following its ``XDG_*`` variable); on Windows under ``%LOCALAPPDATA%``;
on macOS under ``~/Library``.

A *base directory* replaces all of them with ``config/``, ``cache/``,
``data/`` and ``log/`` subfolders of one folder, for portable use (a USB
stick) and for tests. It is taken from, in this order:

1. :func:`set_base_dir` (``set_base_dir(None)`` undoes it);
2. the environment variable ``IOCDESK_BASEDIR`` (read at every call; empty = unset);
3. otherwise the standard directories are used.

Each ``*_dir()`` function creates its directory on first use. A directory it
creates is made private to the user (mode 0700 on POSIX: the history and the
cache say what an analyst investigated); an existing one is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Protocol

import platformdirs

APP_NAME = "iocdesk"
ENV_BASEDIR = "IOCDESK_BASEDIR"

_base_dir: Path | None = None


def set_base_dir(path: str | os.PathLike[str] | None) -> None:
    """Put every iocdesk directory under ``path`` (``None``: back to the defaults)."""
    global _base_dir
    _base_dir = None if path is None else _absolute(path)


def base_dir() -> Path | None:
    """The base directory in force, or ``None`` when the standard directories are used."""
    if _base_dir is not None:
        return _base_dir
    env = os.environ.get(ENV_BASEDIR, "").strip()
    return _absolute(env) if env else None


def config_dir() -> Path:
    """Settings (not secrets: the API key lives in the system keyring)."""
    return _ensure("config", platformdirs.user_config_dir)


def cache_dir() -> Path:
    """Disposable data: the lookup cache."""
    return _ensure("cache", platformdirs.user_cache_dir)


def data_dir() -> Path:
    """Data the user expects to keep: the run history."""
    return _ensure("data", platformdirs.user_data_dir)


def log_dir() -> Path:
    """Log files."""
    return _ensure("log", platformdirs.user_log_dir)


def _absolute(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().absolute()


class _UserDir(Protocol):
    """A platformdirs user_*_dir function."""

    def __call__(self, appname: str, appauthor: Literal[False]) -> str: ...


def _ensure(sub: str, standard: _UserDir) -> Path:
    base = base_dir()
    path = base / sub if base is not None else Path(standard(APP_NAME, appauthor=False))
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            # mkdir's mode is filtered by the umask and only applies to the last
            # component; make the directory we just created exactly 0700.
            os.chmod(path, 0o700)
    return path
