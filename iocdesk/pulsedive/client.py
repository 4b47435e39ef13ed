"""Blocking HTTP client for the Pulsedive API (requests; run it in executor threads).

Every method returns an :class:`ApiResult` and never raises for anything the
network or Pulsedive can do: timeouts, resets, rate limits, rejected keys,
HTML error pages and broken JSON all become an :class:`Outcome`. Retrying and
backing off is the caller's business (the engine); this client sends each
request once.

The key is the ``key`` parameter (query string for GET, form body for POST).
It never appears in an ApiResult, in ``repr(client)`` or in the logs: messages
are built here and passed through :func:`~iocdesk.platform.redact.redact`,
and the key is registered for log redaction (urllib3 logs full URLs at DEBUG).

Endpoints and shapes: /work/shared/pulsedive/API.md.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from iocdesk import __version__
from iocdesk.platform.redact import install_log_redaction, redact, register_secret

__all__ = ["ApiResult", "Outcome", "PulsediveClient", "Quota", "is_http_url"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://pulsedive.com/api/"
MAX_PAGES = 100  # safety net for page_next chains (Pulsedive's biggest plan reaches 10 pages)
_MESSAGE_LIMIT = 300  # characters of a non-JSON body quoted in a message


class Outcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    KEY_REJECTED = "key_rejected"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"
    NETWORK_ERROR = "network_error"
    TIMEOUT = "timeout"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class Quota:
    """Requests remaining per period, from ``X-Requests-Remaining-*``; None = header absent = no limit."""

    second: int | None = None
    day: int | None = None
    month: int | None = None

    @property
    def unlimited(self) -> bool:
        return self.second is None and self.day is None and self.month is None


_QUOTA_HEADERS = {
    "second": "X-Requests-Remaining-Second",
    "day": "X-Requests-Remaining-Day",
    "month": "X-Requests-Remaining-Month",
}


def parse_quota(headers: Any) -> Quota | None:
    """The quota headers of a response; None when none of them is present."""
    present = {field: headers.get(name) for field, name in _QUOTA_HEADERS.items() if headers.get(name) is not None}
    if not present:
        return None
    return Quota(**{field: _header_int(value) for field, value in present.items()})


def _header_int(value: str) -> int | None:
    try:
        return max(int(value.strip()), 0)
    except (ValueError, AttributeError):
        return None


class RequestGate(Protocol):
    """The account's pace and quotas as the client sees them (``lookup.limiter.RateLimiter``)."""

    def acquire_blocking(self) -> Any:  # a ticket; raises (QuotaExhausted) when the quota is spent
        ...

    def answered(self, ticket: Any, second: int | None, day: int | None, month: int | None) -> None: ...

    def refused(self, ticket: Any, second: int | None, day: int | None, month: int | None) -> None: ...


def is_rate_limit(result: ApiResult) -> bool:
    """A 429 about the pace (or one without a text), not one about another of the plan's limits
    ("Explore results are limited to 1000 for your plan"): only the first is worth a retry."""
    data = result.data
    error = data.get("error") if isinstance(data, dict) else None
    return not isinstance(error, str) or not error.strip() or "rate limit" in error.lower()


def quota_period(message: str) -> str | None:
    """The day or month a 429's text names ("... 10 requests per day ..."); None for the second."""
    lowered = message.lower()
    return next((period for period in ("month", "day") if f"per {period}" in lowered), None)


_PAGE_RETRIES = 5  # 429s for the second on one page before the walk gives up


@dataclass(slots=True)
class ApiResult:
    outcome: Outcome
    status: int | None  # HTTP status; None when no response arrived
    data: object | None  # the parsed JSON object (also for error bodies); None if there was none
    message: str  # human readable and redacted: never contains the key
    quota: Quota | None  # this response's quota; None when unknown (no response, 429 without headers)
    elapsed: float  # seconds, for the whole call (all pages)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


# Paths per family. explore.php and analyze.php are the same in both.
_PATHS: dict[str, dict[str, str]] = {
    "legacy": {"indicator": "info.php", "threat": "info.php", "feed": "info.php"},
    "current": {"indicator": "indicator.php", "threat": "threat.php", "feed": "feed.php"},
}
_EXPLORE = "explore.php"
_ANALYZE = "analyze.php"

_LABELS = {
    Outcome.OK: "ok",
    Outcome.NOT_FOUND: "not found",
    Outcome.RATE_LIMITED: "rate limited",
    Outcome.KEY_REJECTED: "API key rejected",
    Outcome.BAD_REQUEST: "bad request",
    Outcome.SERVER_ERROR: "server error",
    Outcome.NETWORK_ERROR: "network error",
    Outcome.TIMEOUT: "timeout",
    Outcome.MALFORMED: "malformed answer",
}

# Documented error texts that decide the outcome whatever the status (clients
# report Pulsedive "also returns an error for 404's"): (lower-cased fragment,
# outcome). The text for a rejected key is unknown (spec §11): status only.
_ERROR_TEXTS: tuple[tuple[str, Outcome], ...] = (
    ("indicator not found", Outcome.NOT_FOUND),
    ("rate limit exceeded", Outcome.RATE_LIMITED),
)


class _Secret:
    """Holds the key; prints as ``***`` wherever an object dump might show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class PulsediveClient:
    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        paths: Literal["legacy", "current"] = "legacy",
        timeout: float | tuple[float, float] = (5.0, 20.0),
        proxies: dict[str, str] | None = None,
        verify: bool | str = True,
        user_agent: str = f"iocdesk/{__version__}",
        session: requests.Session | None = None,
    ) -> None:
        if paths not in _PATHS:
            raise ValueError(f"paths must be 'legacy' or 'current', not {paths!r}")
        api_key = api_key.strip() if isinstance(api_key, str) else None
        self._key = _Secret(api_key) if api_key else None
        if api_key:
            register_secret(api_key)
        install_log_redaction()
        self.base_url = _check_base_url(base_url)
        self.paths = paths
        self.timeout = timeout
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        if self._owns_session:
            # Several executor threads share the session: room for one connection each.
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            self.session.mount("https://", adapter)
            self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"
        if proxies:
            self.session.proxies.update(proxies)
        self.session.verify = verify
        self._quota_lock = threading.Lock()
        self._quota: Quota | None = None
        # Paces the pages of a paged call (links) with the account's other requests; the lookup
        # engine paces its own calls. None: unpaced (a bare client, tests).
        self.gate: RequestGate | None = None

    # -- plumbing ---------------------------------------------------------------
    def __repr__(self) -> str:
        key = "key=***" if self._key else "no key"
        return f"PulsediveClient(base_url={redact(self.base_url, self._secrets())!r}, paths={self.paths!r}, {key})"

    __str__ = __repr__

    def __enter__(self) -> PulsediveClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    @property
    def has_key(self) -> bool:
        return self._key is not None

    @property
    def quota(self) -> Quota | None:
        """The quota from the latest response that carried one."""
        with self._quota_lock:
            return self._quota

    def _set_quota(self, quota: Quota) -> None:
        with self._quota_lock:
            self._quota = quota

    def _secrets(self) -> tuple[str, ...]:
        return (self._key.reveal(),) if self._key else ()

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets())

    # -- endpoints --------------------------------------------------------------
    def indicator(self, value: str) -> ApiResult:
        return self._get(self._path("indicator"), {"indicator": value})

    def indicator_by_iid(self, iid: int, *, schema: bool = False) -> ApiResult:
        params: dict[str, Any] = {"iid": iid}
        if schema:
            params["schema"] = 1
        return self._get(self._path("indicator"), params)

    def links(self, iid: int) -> ApiResult:
        """Linked indicators by link type, every page merged into one dict."""
        return self._paged(self._path("indicator"), {"iid": iid, "get": "links"})

    def properties(self, iid: int) -> ApiResult:
        return self._get(self._path("indicator"), {"iid": iid, "get": "properties"})

    # Threats, feeds and explore are asked one at a time by an analyst pivoting: each goes
    # through ``gate`` like a link page (the account's pace, a spent quota ends it).
    def threat(self, *, tid: int | None = None, name: str | None = None) -> ApiResult:
        if (tid is None) == (name is None):
            raise ValueError("give exactly one of tid or name")
        params = {"tid": tid} if tid is not None else {"tname": name}
        return self._paced("GET", self._path("threat"), params)

    def threat_links(self, tid: int) -> ApiResult:
        """Indicators linked to a threat, every page merged: ``{"results": [...]}``."""
        return self._paged(self._path("threat"), {"tid": tid, "get": "links"})

    def feed(self, fid: int) -> ApiResult:
        return self._paced("GET", self._path("feed"), {"fid": fid})

    def feed_links(self, fid: int) -> ApiResult:
        """Indicators linked to a feed, every page merged: ``{"results": [...]}``."""
        return self._paged(self._path("feed"), {"fid": fid, "get": "links"})

    def explore(self, query: str, limit: int = 100) -> ApiResult:
        return self._paced("GET", _EXPLORE, {"q": query, "limit": limit})

    def submit_scan(self, value: str, *, probe: bool = False, submit: bool = False) -> ApiResult:
        """POST a scan; ``probe`` = active scan (contacts the target), ``submit`` = store the result."""
        form: dict[str, Any] = {"value": value, "probe": 1 if probe else 0}
        if submit:  # absent means "do not store"; "0" might read as set on the server
            form["submit"] = 1
        return self._request("POST", _ANALYZE, form)

    def poll_scan(self, qid: int | str) -> ApiResult:
        return self._get(_ANALYZE, {"qid": qid})

    # -- requests ---------------------------------------------------------------
    def _path(self, kind: str) -> str:
        return _PATHS[self.paths][kind]

    def _get(self, path: str, params: dict[str, Any]) -> ApiResult:
        return self._request("GET", path, params)

    def _request(self, method: str, path: str, fields: dict[str, Any]) -> ApiResult:
        """One request; the key is added here, and only here."""
        started = time.monotonic()
        url = urljoin(self.base_url, path)
        where = _where(url)
        sent = dict(fields)
        if self._key:
            sent["key"] = self._key.reveal()
        try:
            # verify per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a
            # Session's verify, and the analyst's CA bundle (an inspecting proxy's CA) must win.
            verify = self.session.verify
            if method == "GET":
                response = self.session.get(url, params=sent, timeout=self.timeout, verify=verify)
            else:
                response = self.session.post(url, data=sent, timeout=self.timeout, verify=verify)
            body = response.content
        except Exception as exc:  # noqa: BLE001 - never raise: every failure is an outcome
            result = self._failure(exc, where, started)
        else:
            result = self._classify(response.status_code, response.headers, body, started)
        if log.isEnabledFor(logging.DEBUG):
            query = "&".join(f"{name}={value}" for name, value in fields.items())  # ``fields``: never the key
            log.debug(
                "%s %s?%s -> %s in %.2fs: %s",
                method,
                where,
                self._redact(query),
                result.outcome,
                result.elapsed,
                result.message,
            )
        return result

    def _failure(self, exc: Exception, where: str, started: float) -> ApiResult:
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        if isinstance(exc, requests.ConnectTimeout):
            outcome, reason = Outcome.TIMEOUT, f"no connection within {connect:g} s"
        elif isinstance(exc, requests.Timeout):
            outcome, reason = Outcome.TIMEOUT, f"no answer within {read:g} s"
        else:
            outcome, reason = Outcome.NETWORK_ERROR, _exception_reason(exc)
        # Redact, then cut: a cut could leave a partial key that no longer matches.
        message = _cut(self._redact(f"{where}: {reason}"), _MESSAGE_LIMIT * 2)
        return ApiResult(outcome, None, None, message, None, time.monotonic() - started)

    def _classify(self, status: int, headers: Any, body: bytes, started: float) -> ApiResult:
        quota = parse_quota(headers)
        if quota is None and status != 429:
            quota = Quota()  # no header at all: no limit (a 429 without headers says nothing)
        if quota is not None:
            self._set_quota(quota)
        data, parse_error = _json(body)
        obj = data if isinstance(data, dict) else None
        error = _text(obj.get("error")) if obj else None
        outcome = _outcome(status, obj, error)
        if outcome in (Outcome.OK, Outcome.NOT_FOUND) and obj is None:
            # Pulsedive always answers in JSON (spec §9). A 404 page that is not JSON comes from a
            # wrong API URL, a proxy or a cut-off body: "not in Pulsedive" would be a false verdict.
            outcome = Outcome.MALFORMED
        if outcome is Outcome.OK:
            detail = error or (_text(obj.get("success")) if obj else None) or "OK"
            message = self._redact(detail)
        else:
            if error:
                detail = error
            elif outcome is Outcome.MALFORMED:
                detail = f"not a JSON object ({parse_error or type(data).__name__})"
                if status == 404:
                    page = _snippet(self._redact(body.decode("utf-8", "replace")))
                    detail += f"; is the API URL right? {page}".rstrip()
            else:
                detail = _snippet(self._redact(body.decode("utf-8", "replace"))) or "(empty body)"
            message = self._redact(f"HTTP {status} ({_LABELS[outcome]}): {detail}")
        return ApiResult(outcome, status, obj, _cut(message, _MESSAGE_LIMIT * 2), quota, time.monotonic() - started)

    # -- pagination -------------------------------------------------------------
    def _paced(self, method: str, path: str, fields: dict[str, Any]) -> ApiResult:
        """One request through ``gate`` (when set): it waits for the account's pace and a 429 for
        the second is retried at the pace; a quota that is spent ends it as RATE_LIMITED."""
        gate = self.gate
        if gate is None:
            return self._request(method, path, fields)
        for _ in range(_PAGE_RETRIES):
            started = time.monotonic()
            try:
                ticket = gate.acquire_blocking()
            except Exception as exc:  # noqa: BLE001 - the day's or month's quota is used up
                return ApiResult(Outcome.RATE_LIMITED, None, None, self._redact(str(exc)), None, 0.0)
            result = self._request(method, path, fields)
            quota = result.quota
            second, day, month = (quota.second, quota.day, quota.month) if quota else (None, None, None)
            if result.outcome is Outcome.RATE_LIMITED:
                if quota_period(result.message) is not None:
                    gate.answered(None, None, day, month)  # the figures it sent, for the next caller
                    return result  # the day's or month's quota: waiting seconds will not help
                if not is_rate_limit(result):
                    return result  # a plan's other limit (more explore results than it shows): final
                gate.refused(ticket, second, day, month)
                continue
            if quota is not None and result.status in (200, 400, 404):  # Pulsedive's own answers
                gate.answered(ticket, second, day, month)
            result.elapsed = time.monotonic() - started
            return result
        return result

    def _paged(self, path: str, params: dict[str, Any]) -> ApiResult:
        """Follow ``page_next`` until it disappears; lists under the same key are concatenated.

        A failing page ends the walk: the result then has that page's outcome
        and message, and ``data`` holds what the earlier pages gave (or None).
        """
        started = time.monotonic()
        merged: dict[str, Any] = {}
        seen_pages: set[int] = set()
        page: int | None = None
        for _ in range(MAX_PAGES):
            query = dict(params) if page is None else {**params, "page": page}
            result = self._paced("GET", path, query)
            if not result.ok or not isinstance(result.data, dict):
                if merged:
                    result.data = merged
                    result.message = self._redact(f"{result.message} (after {len(seen_pages)} page(s))")
                result.elapsed = time.monotonic() - started
                return result
            _merge_page(merged, result.data)
            seen_pages.add(page if page is not None else _page_int(result.data.get("page_current")) or 0)
            page = _page_int(result.data.get("page_next"))
            if page is None or page in seen_pages:
                break
        else:
            log.warning("%s: stopped after %d pages", _where(urljoin(self.base_url, path)), MAX_PAGES)
        result.data = merged
        result.elapsed = time.monotonic() - started
        return result


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _where(url: str) -> str:
    """``pulsedive.com/api/info.php``: where a request went, without query or credentials."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or ''}{port}{parts.path}"


def is_http_url(url: str) -> bool:
    """True when ``url`` is an http(s) URL with a host and, if given, a valid port."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_base_url(base_url: str) -> str:
    """The base URL with a trailing slash; ValueError (without the URL's query) if unusable."""
    if not is_http_url(base_url):
        raise ValueError("base_url must be an http(s) URL such as https://pulsedive.com/api/")
    return base_url if base_url.endswith("/") else base_url + "/"


def _json(body: bytes) -> tuple[object | None, str | None]:
    """(parsed JSON, None) or (None, why not)."""
    if not body.strip():
        return None, "empty body"
    try:
        return json.loads(body), None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return None, f"invalid JSON: {type(exc).__name__}"


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _outcome(status: int, obj: dict[str, Any] | None, error: str | None) -> Outcome:
    if obj is not None and _text(obj.get("status")) == "processing":
        return Outcome.OK  # a scan still running (one recorded mock answered it with 408)
    if error:
        lowered = error.lower()
        for fragment, outcome in _ERROR_TEXTS:
            if fragment in lowered:
                return outcome
    if 200 <= status < 300:
        return Outcome.OK  # also with other errors, e.g. "Request(s) still processing." on a poll
    if status == 404:
        return Outcome.NOT_FOUND
    if status == 429:
        return Outcome.RATE_LIMITED
    if status in (401, 403):
        return Outcome.KEY_REJECTED
    if 400 <= status < 500:
        return Outcome.BAD_REQUEST
    return Outcome.SERVER_ERROR  # 5xx, and statuses Pulsedive never sends (1xx, unfollowed 3xx)


def _snippet(text: str) -> str:
    """The start of an (already redacted) non-JSON body, whitespace collapsed."""
    return _cut(" ".join(text.split()), _MESSAGE_LIMIT)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _exception_reason(exc: Exception) -> str:
    """A short reason for a transport failure, from the innermost useful exception.

    The text of requests' exceptions includes the URL (with the key); the
    caller redacts whatever this returns.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        kind = "TLS error"
    elif isinstance(exc, requests.exceptions.ProxyError):
        kind = "proxy error"
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
        kind = "connection broken while reading the response"
    elif isinstance(exc, requests.ConnectionError):
        kind = "connection failed"
    elif isinstance(exc, requests.RequestException):
        kind = "request failed"
    else:
        kind = f"unexpected {type(exc).__name__}"
    inner: BaseException = exc
    for _ in range(10):  # requests wraps urllib3's MaxRetryError, which wraps the real reason
        reason = getattr(inner, "reason", None)
        original = getattr(inner, "original_error", None)  # urllib3's ProxyError
        if isinstance(reason, BaseException) and reason is not inner:
            inner = reason
        elif isinstance(original, BaseException) and original is not inner:
            inner = original
        elif inner.args and isinstance(inner.args[0], BaseException) and inner.args[0] is not inner:
            inner = inner.args[0]
        else:
            break
    # "<urllib3.connection.HTTPSConnection object at 0x7f..>: Failed to resolve ..." reads as noise
    detail = _OBJECT_REPR.sub("", " ".join(str(inner).split()))  # not cut here: the caller redacts, then cuts
    if kind == "TLS error" and "certificate verify failed" in detail.lower():
        detail += " (behind a TLS-inspecting proxy? give its CA certificate as the CA bundle)"
    return f"{kind}: {detail}" if detail else kind


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*")


def _page_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _merge_page(merged: dict[str, Any], page: dict[str, Any]) -> None:
    """Lists under the same key are concatenated; other values keep their first occurrence."""
    for key, value in page.items():
        if key in ("page_current", "page_next"):
            continue
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        elif key not in merged:
            merged[key] = list(value) if isinstance(value, list) else value
