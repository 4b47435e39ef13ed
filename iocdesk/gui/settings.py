"""The desktop app's persisted settings: a typed wrapper over a QSettings.

Every property has a default and reads defensively: a hand-edited or
corrupted value falls back to the default instead of raising (INI files return
every scalar as a string; native backends return typed values). Setters
validate and normalise.

The Pulsedive API key is NEVER stored here: it lives in the OS keyring (or for
the session only), see :mod:`iocdesk.platform.credentials`. Nothing in this module accepts
a key.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from PySide6.QtCore import QByteArray, QSettings

from iocdesk.lookup.engine import EngineOptions, HostPolicy, ScanPolicy
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.session import Connection, SessionConfig
from iocdesk.pulsedive.client import DEFAULT_BASE_URL, is_http_url
from iocdesk.reports.report import DEFAULT_SUBJECT

__all__ = ["HOST_POLICIES", "MAX_RECENT_FILES", "PATH_FAMILIES", "SCAN_POLICIES", "THEMES", "AppSettings"]

THEMES = ("system", "light", "dark")
PATH_FAMILIES = ("legacy", "current")
SCAN_POLICIES = tuple(str(p) for p in ScanPolicy)  # off, passive, active
HOST_POLICIES = tuple(str(p) for p in HostPolicy)  # auto, all, off
MAX_RECENT_FILES = 10
MAX_CONCURRENCY = 16

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


def to_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return default


def _to_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def to_int(value: object) -> int | None:
    number = _to_float(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def json_strings(value: object) -> list[str]:
    """The non-empty strings of a list stored as JSON text (an INI file turns a one-element
    list into a plain string, so lists are stored as JSON); anything else reads as []."""
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [i for i in items if isinstance(i, str) and i.strip()] if isinstance(items, list) else []


def check_http_url(url: str, what: str) -> str:
    """``url`` stripped, or ValueError when it is not an http(s) URL with a host."""
    url = url.strip()
    if not is_http_url(url):
        raise ValueError(f"{what} must be an http(s) URL, e.g. https://host:port/")
    return url


class AppSettings:
    """Typed access to the app's QSettings. ``AppSettings()`` uses the app's default QSettings."""

    # keys (grouped; stable: changing one loses the user's value)
    # A maximum, not the pace (issue 15). 0.1 kept the pace itself under "limits/per_second" (1.0
    # once any setting was saved): read as a maximum it would pin a paid plan to free speed.
    _RATE = "limits/max_per_second"
    _LAST_PACE = "limits/last_pace"  # JSON {"rate": 25.0 | null, "at": "2026-12-08T01:50:00Z"}
    _DAY = "limits/per_day"
    _MONTH = "limits/per_month"
    _CONCURRENCY = "limits/concurrency"
    _SCAN = "lookup/scan_policy"
    _HOSTS = "lookup/host_policy"
    _SUBMIT = "lookup/submit"
    _PRIVATE = "lookup/include_private"
    _TTL = "cache/ttl_hours"
    _USE_CACHE = "cache/enabled"
    _BASE_URL = "network/api_base_url"
    _PATHS = "network/path_family"
    _PROXY = "network/http_proxy"
    _CA = "network/ca_bundle"
    _THEME = "ui/theme"
    _COPY_DEFANGED = "ui/copy_defanged"
    _MAIL_TO = "reports/recipients"
    _MAIL_SUBJECT = "reports/subject"
    _GEOMETRY = "window/geometry"
    _STATE = "window/state"
    _RECENT = "files/recent"

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings if settings is not None else QSettings()

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def sync(self) -> None:
        """Write pending changes to storage now (QSettings also does it on its own)."""
        self._s.sync()

    def reset(self) -> None:
        """Forget every setting (back to the defaults)."""
        self._s.clear()

    # -- helpers ------------------------------------------------------------------
    def _get(self, key: str) -> Any:
        return self._s.value(key)

    def _get_bool(self, key: str, default: bool) -> bool:
        return to_bool(self._get(key), default)

    def _get_choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self._get(key)
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        return default

    def _get_str(self, key: str, default: str = "") -> str:
        value = self._get(key)
        return value if isinstance(value, str) else default

    def _get_bytes(self, key: str) -> bytes:
        value = self._get(key)
        if isinstance(value, QByteArray):
            return bytes(value.data())
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        return b""

    def _set_optional(self, key: str, value: object | None) -> None:
        if value is None:
            self._s.remove(key)
        else:
            self._s.setValue(key, value)

    # -- plan limits --------------------------------------------------------------
    @property
    def max_per_second(self) -> float | None:
        """The user's maximum requests per second; None: as fast as Pulsedive's answers allow."""
        number = _to_float(self._get(self._RATE))
        return number if number is not None and number > 0 else None

    @max_per_second.setter
    def max_per_second(self, value: float | None) -> None:
        if value is None or value == 0:
            self._s.remove(self._RATE)
            return
        number = _to_float(value)
        if number is None or number < 0:
            raise ValueError("requests per second must be a positive number (0: no maximum)")
        self._s.setValue(self._RATE, number)

    @property
    def last_pace(self) -> tuple[float | None, str] | None:
        """The pace the last run learnt from Pulsedive: (requests per second or None for no
        per-second limit, when as ISO text); None before any run learnt one."""
        try:
            saved = json.loads(self._get_str(self._LAST_PACE))
        except ValueError:
            return None
        if not isinstance(saved, dict) or not isinstance(saved.get("at"), str):
            return None
        rate = _to_float(saved.get("rate"))
        return (rate if rate is not None and rate > 0 else None), saved["at"]

    def set_last_pace(self, rate: float | None, at: str) -> None:
        self._s.setValue(self._LAST_PACE, json.dumps({"rate": rate, "at": at}))

    @property
    def per_day(self) -> int | None:
        number = to_int(self._get(self._DAY))
        return number if number is not None and number > 0 else None

    @per_day.setter
    def per_day(self, value: int | None) -> None:
        self._set_optional(self._DAY, _positive_or_none(value, "requests per day"))

    @property
    def per_month(self) -> int | None:
        number = to_int(self._get(self._MONTH))
        return number if number is not None and number > 0 else None

    @per_month.setter
    def per_month(self, value: int | None) -> None:
        self._set_optional(self._MONTH, _positive_or_none(value, "requests per month"))

    @property
    def concurrency(self) -> int:
        number = to_int(self._get(self._CONCURRENCY))
        return number if number is not None and 1 <= number <= MAX_CONCURRENCY else 4

    @concurrency.setter
    def concurrency(self, value: int) -> None:
        number = to_int(value)
        if number is None or not 1 <= number <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        self._s.setValue(self._CONCURRENCY, number)

    # -- lookup policy ------------------------------------------------------------
    @property
    def scan_policy(self) -> str:
        """ "off", "passive" or "active" (active scans contact the target; never the default)."""
        return self._get_choice(self._SCAN, SCAN_POLICIES, "off")

    @scan_policy.setter
    def scan_policy(self, value: str | ScanPolicy) -> None:
        self._s.setValue(self._SCAN, str(ScanPolicy(str(value).lower())))

    @property
    def host_policy(self) -> str:
        """ "auto" (look a URL's or address's host up when it gets no verdict), "all" or "off"."""
        return self._get_choice(self._HOSTS, HOST_POLICIES, "auto")

    @host_policy.setter
    def host_policy(self, value: str | HostPolicy) -> None:
        self._s.setValue(self._HOSTS, str(HostPolicy(str(value).lower())))

    @property
    def submit(self) -> bool:
        return self._get_bool(self._SUBMIT, False)

    @submit.setter
    def submit(self, value: bool) -> None:
        self._s.setValue(self._SUBMIT, bool(value))

    @property
    def include_private(self) -> bool:
        return self._get_bool(self._PRIVATE, False)

    @include_private.setter
    def include_private(self, value: bool) -> None:
        self._s.setValue(self._PRIVATE, bool(value))

    # -- cache ---------------------------------------------------------------------
    @property
    def cache_ttl_hours(self) -> float:
        number = _to_float(self._get(self._TTL))
        return number if number is not None and number > 0 else 24.0

    @cache_ttl_hours.setter
    def cache_ttl_hours(self, value: float) -> None:
        number = _to_float(value)
        if number is None or number <= 0:
            raise ValueError("the cache lifetime must be a positive number of hours")
        self._s.setValue(self._TTL, number)

    @property
    def cache_ttl_seconds(self) -> float:
        """For ``LookupCache(ttl=...)``."""
        return self.cache_ttl_hours * 3600.0

    @property
    def use_cache(self) -> bool:
        return self._get_bool(self._USE_CACHE, True)

    @use_cache.setter
    def use_cache(self, value: bool) -> None:
        self._s.setValue(self._USE_CACHE, bool(value))

    # -- network ---------------------------------------------------------------------
    @property
    def api_base_url(self) -> str:
        value = self._get_str(self._BASE_URL)
        try:
            return check_http_url(value, "the API base URL") if value else DEFAULT_BASE_URL
        except ValueError:
            return DEFAULT_BASE_URL

    @api_base_url.setter
    def api_base_url(self, value: str) -> None:
        value = (value or "").strip()
        if not value or value == DEFAULT_BASE_URL:
            self._s.remove(self._BASE_URL)
            return
        self._s.setValue(self._BASE_URL, check_http_url(value, "the API base URL"))

    @property
    def path_family(self) -> str:
        """ "legacy" (info.php) or "current" (indicator.php...): ``PulsediveClient(paths=...)``."""
        return self._get_choice(self._PATHS, PATH_FAMILIES, "legacy")

    @path_family.setter
    def path_family(self, value: str) -> None:
        value = str(value).strip().lower()
        if value not in PATH_FAMILIES:
            raise ValueError(f"path family must be one of {', '.join(PATH_FAMILIES)}")
        self._s.setValue(self._PATHS, value)

    @property
    def http_proxy(self) -> str:
        return self._get_str(self._PROXY).strip()

    @http_proxy.setter
    def http_proxy(self, value: str) -> None:
        value = (value or "").strip()
        if value:
            check_http_url(value, "the HTTP proxy")
        self._s.setValue(self._PROXY, value)

    @property
    def ca_bundle(self) -> str:
        return self._get_str(self._CA).strip()

    @ca_bundle.setter
    def ca_bundle(self, value: str) -> None:
        self._s.setValue(self._CA, (value or "").strip())

    # -- appearance --------------------------------------------------------------------
    @property
    def theme(self) -> str:
        return self._get_choice(self._THEME, THEMES, "system")

    @theme.setter
    def theme(self, value: str) -> None:
        value = str(value).strip().lower()
        if value not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}")
        self._s.setValue(self._THEME, value)

    @property
    def copy_defanged(self) -> bool:
        """Copy indicators defanged (the default: safe to paste into tickets and chat) or live."""
        return self._get_bool(self._COPY_DEFANGED, True)

    @copy_defanged.setter
    def copy_defanged(self, value: bool) -> None:
        self._s.setValue(self._COPY_DEFANGED, bool(value))

    # -- reports -------------------------------------------------------------------------
    @property
    def mail_recipients(self) -> list[str]:
        """Recipients of e-mail drafts (addresses; no line breaks, so no header injection)."""
        raw = self._get_str(self._MAIL_TO)
        return [a.strip() for a in raw.replace(";", ",").split(",") if a.strip()]

    @mail_recipients.setter
    def mail_recipients(self, value: list[str] | str) -> None:
        items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
        cleaned = [a.strip() for a in items if a.strip()]
        if any(ch in a for a in cleaned for ch in "\r\n<>"):
            raise ValueError("an address must not contain line breaks or angle brackets")
        self._s.setValue(self._MAIL_TO, ", ".join(cleaned))

    @property
    def mail_subject(self) -> str:
        return self._get_str(self._MAIL_SUBJECT) or DEFAULT_SUBJECT

    @mail_subject.setter
    def mail_subject(self, value: str) -> None:
        self._s.setValue(self._MAIL_SUBJECT, " ".join(str(value).split()) or DEFAULT_SUBJECT)

    # -- window layout (opaque bytes from saveGeometry/saveState) ----------------------
    @property
    def window_geometry(self) -> bytes:
        return self._get_bytes(self._GEOMETRY)

    @window_geometry.setter
    def window_geometry(self, value: bytes | QByteArray) -> None:
        self._s.setValue(self._GEOMETRY, _to_qbytearray(value))

    @property
    def window_state(self) -> bytes:
        return self._get_bytes(self._STATE)

    @window_state.setter
    def window_state(self, value: bytes | QByteArray) -> None:
        self._s.setValue(self._STATE, _to_qbytearray(value))

    def splitter_state(self, name: str) -> bytes:
        """``QSplitter.saveState()`` of the splitter called ``name`` (b"" when none saved)."""
        return self._get_bytes(f"splitters/{_name(name)}")

    def set_splitter_state(self, name: str, state: bytes | QByteArray) -> None:
        self._s.setValue(f"splitters/{_name(name)}", _to_qbytearray(state))

    def layout_flag(self, name: str, default: bool) -> bool:
        """A remembered on/off choice of the window's layout ("detail_visible", ...)."""
        return self._get_bool(f"layout/{_name(name)}", default)

    def set_layout_flag(self, name: str, on: bool) -> None:
        self._s.setValue(f"layout/{_name(name)}", bool(on))

    def header_state(self, name: str) -> bytes:
        """The column layout of a table: ``QHeaderView.saveState()`` (order, widths, hidden, sort)."""
        return self._get_bytes(f"columns/{_name(name)}")

    def set_header_state(self, name: str, state: bytes | QByteArray) -> None:
        self._s.setValue(f"columns/{_name(name)}", _to_qbytearray(state))

    # -- recent files ------------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        """Most recent first, at most MAX_RECENT_FILES, no duplicates."""
        out: list[str] = []
        for item in json_strings(self._get(self._RECENT)):
            if item not in out:
                out.append(item)
        return out[:MAX_RECENT_FILES]

    def add_recent_file(self, path: str) -> list[str]:
        path = str(path)
        files = [path] + [p for p in self.recent_files if p != path]
        self._write_recent(files)
        return self.recent_files

    def remove_recent_file(self, path: str) -> None:
        self._write_recent([p for p in self.recent_files if p != str(path)])

    def clear_recent_files(self) -> None:
        self._s.remove(self._RECENT)

    def _write_recent(self, files: list[str]) -> None:
        # JSON text: INI files turn a one-element list into a plain string.
        self._s.setValue(self._RECENT, json.dumps(files[:MAX_RECENT_FILES]))

    # -- derived -----------------------------------------------------------------------
    def rate_limits(self) -> RateLimits:
        return RateLimits(per_second=self.max_per_second, per_day=self.per_day, per_month=self.per_month)

    def engine_options(self) -> EngineOptions:
        return EngineOptions(
            limits=self.rate_limits(),
            concurrency=self.concurrency,
            scan=ScanPolicy(self.scan_policy),
            hosts=HostPolicy(self.host_policy),
            submit=self.submit,
            include_private=self.include_private,
            use_cache=self.use_cache,
        )

    def connection(self) -> Connection:
        """Where and how to reach Pulsedive (API URL, endpoint family, proxy, CA bundle)."""
        paths: Literal["legacy", "current"] = "current" if self.path_family == "current" else "legacy"
        return Connection(
            api_url=self.api_base_url, paths=paths, proxy=self.http_proxy or None, ca_bundle=self.ca_bundle or None
        )

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``PulsediveClient(key, **settings.client_kwargs())`` (a key test)."""
        return self.connection().client_kwargs()

    def session_config(self, demo_url: str | None = None) -> SessionConfig:
        """Lookup settings for a ``LookupSession``; with ``demo_url``, in the demo sandbox."""
        config = SessionConfig(
            connection=self.connection(), engine=self.engine_options(), cache_ttl_hours=self.cache_ttl_hours
        )
        return config.for_demo(demo_url) if demo_url is not None else config


def _positive_or_none(value: object, what: str) -> int | None:
    if value is None or value == "" or value == 0:
        return None
    number = to_int(value)
    if number is None or number < 0:
        raise ValueError(f"{what} must be a whole number (0 or empty: no limit)")
    return number


def _name(name: str) -> str:
    """A key segment: no "/" (which would open a group)."""
    name = str(name).replace("/", "_").replace("\\", "_").strip()
    if not name:
        raise ValueError("empty name")
    return name


def _to_qbytearray(value: bytes | QByteArray) -> QByteArray:
    """A copy of ``value`` (``saveState()``/``saveGeometry()`` output, or bytes) to store.

    Same as ``QByteArray(bytes(value))``: PySide6's stubs do not declare QByteArray's
    buffer protocol, so ``bytes(QByteArray)`` does not type-check; ``data()`` is the same bytes.
    """
    return QByteArray(value.data() if isinstance(value, QByteArray) else bytes(value))
