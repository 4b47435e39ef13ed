"""iocdesk.platform.paths: standard per-user directories, or one base directory for portable use."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iocdesk.platform import paths

DIRS = {"config": paths.config_dir, "cache": paths.cache_dir, "data": paths.data_dir, "log": paths.log_dir}


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    monkeypatch.delenv(paths.ENV_BASEDIR, raising=False)
    paths.set_base_dir(None)
    yield
    paths.set_base_dir(None)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_standard_directories_follow_the_platform(monkeypatch, tmp_path):
    # conftest points XDG_* at a session temp dir; point them somewhere fresh.
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    assert paths.base_dir() is None
    for name, func in DIRS.items():
        path = func()
        assert path.is_dir() and "iocdesk" in path.parts, (name, path)
        assert str(path).startswith(str(tmp_path)), (name, path)
    if os.name == "posix":
        assert paths.config_dir() == tmp_path / "xdg_config_home" / "iocdesk"
        assert paths.cache_dir() == tmp_path / "xdg_cache_home" / "iocdesk"
        assert paths.data_dir() == tmp_path / "xdg_data_home" / "iocdesk"
    assert len({f() for f in DIRS.values()}) == 4


def test_env_var_puts_everything_under_one_base(monkeypatch, tmp_path):
    base = tmp_path / "portable"
    monkeypatch.setenv(paths.ENV_BASEDIR, str(base))
    assert paths.base_dir() == base
    for name, func in DIRS.items():
        assert func() == base / name
        assert (base / name).is_dir()


def test_empty_env_var_means_unset(monkeypatch):
    monkeypatch.setenv(paths.ENV_BASEDIR, "  ")
    assert paths.base_dir() is None


def test_set_base_dir_wins_over_env_and_can_be_undone(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ENV_BASEDIR, str(tmp_path / "env"))
    paths.set_base_dir(tmp_path / "explicit")
    assert paths.data_dir() == tmp_path / "explicit" / "data"
    paths.set_base_dir(None)
    assert paths.data_dir() == tmp_path / "env" / "data"


def test_relative_and_home_paths_become_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    paths.set_base_dir("rel")
    assert paths.cache_dir() == tmp_path / "rel" / "cache"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    paths.set_base_dir("~/iocd")
    assert paths.base_dir() == tmp_path / "home" / "iocd"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_created_directories_are_private_existing_ones_untouched(tmp_path):
    old = os.umask(0o022)
    try:
        paths.set_base_dir(tmp_path / "base")
        assert _mode(paths.cache_dir()) == 0o700
        shared = tmp_path / "base" / "log"
        shared.mkdir(mode=0o755)
        os.chmod(shared, 0o755)
        assert paths.log_dir() == shared
        assert _mode(shared) == 0o755
    finally:
        os.umask(old)
