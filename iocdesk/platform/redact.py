"""Keep the Pulsedive API key out of messages, exception text and logs.

The key travels as the ``key`` query parameter of every GET, so every place
that prints a request URL prints the key:

* urllib3 logs each request at DEBUG as ``"GET /api/info.php?indicator=...&key=<KEY> HTTP/1.1" 200``
  (logger ``urllib3.connectionpool``); a user who turns on debug logging to
  report a bug would paste their key into the report;
* requests' exceptions carry the URL: ``ConnectionError: ... Max retries
  exceeded with url: /api/info.php?...&key=<KEY> (Caused by ...)``; logging
  one with ``exc_info`` prints it again.

So this module offers:

* :func:`redact` / :func:`redact_url`: replace each secret (and its URL-encoded
  forms), the value of any ``key=`` / ``apikey=`` / ``api_key=`` parameter and
  the password in a URL's user info (proxy URLs) with ``***``; the client
  passes every message it builds through it;
* a small thread-safe registry of secrets (:func:`register_secret`), filled by
  the client when it is given a key;
* :class:`RedactingFilter`, a :class:`logging.Filter` that formats a record and
  redacts the message, the exception text and the stack text;
* :func:`install_log_redaction` (idempotent), which puts that filter where it
  is needed. A filter on a *logger* only sees records logged on that very
  logger, not those propagated from its children, so it goes on every
  existing ``urllib3.*`` / ``requests.*`` / ``iocdesk.*`` logger, and on the
  root logger's handlers (which see everything that propagates). Handlers
  added later (``logging.basicConfig`` after startup, pytest's caplog, a GUI
  log panel) and loggers created later would escape both, so it also wraps
  the log-record factory: every record is redacted when it is created,
  whatever logger or handler it goes to.

Secrets shorter than 4 characters are not registered: they cannot be real
keys, and replacing every "a" in the logs would make them unreadable. The
``key=`` parameter rule still hides them in URLs.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = [
    "PLACEHOLDER",
    "RedactingFilter",
    "install_log_redaction",
    "redact",
    "redact_url",
    "register_secret",
    "registered_secrets",
    "unregister_secret",
]

PLACEHOLDER = "***"
MIN_SECRET_LENGTH = 4

# key=<value> as a query or form parameter (also "apikey", "api_key", "api-key").
# Not preceded by a word character, so "monkey=" and "turnkey=" are left alone.
_KEY_PARAM = re.compile(r"(?i)(?<![\w.-])((?:api[_-]?)?key=)[^&\s#\"'<>;,)\]}]+")
# The password of a URL's user info (a proxy URL such as http://user:password@proxy:3128).
_URL_PASSWORD = re.compile(r"(://[^/\s@:]+:)[^/\s@]+@")


def _forms(secret: str) -> set[str]:
    """The secret as written and as the URL encoders write it."""
    return {secret, quote(secret), quote(secret, safe=""), quote_plus(secret), quote_plus(secret, safe="/")}


def _form_regex(form: str) -> str:
    """``form`` as a regex in which percent escapes match in any case (``%2F``, ``%2f``)."""
    pieces = re.split(r"(%[0-9A-F]{2})", form)
    return "".join(
        f"%[{p[1]}{p[1].lower()}][{p[2]}{p[2].lower()}]" if i % 2 else re.escape(p) for i, p in enumerate(pieces)
    )


@functools.lru_cache(maxsize=64)
def _secret_pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms = set().union(*(_forms(s) for s in secrets)) if secrets else set()
    if not forms:
        return None
    # Longest first, so a secret is never partly replaced by a shorter form of another.
    return re.compile("|".join(_form_regex(f) for f in sorted(forms, key=lambda f: (-len(f), f))))


def _usable(secrets: Iterable[str | None]) -> frozenset[str]:
    return frozenset(s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret, its URL-encoded forms, any ``key=`` value and URL passwords replaced by ``***``."""
    if not isinstance(text, str):
        text = str(text)
    pattern = _secret_pattern(_usable(secrets))
    if pattern is not None:
        text = pattern.sub(PLACEHOLDER, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + PLACEHOLDER + "@", text)
    return _KEY_PARAM.sub(lambda m: m.group(1) + PLACEHOLDER, text)


def redact_url(url: str, secrets: Iterable[str | None] = ()) -> str:
    """A URL safe to show: ``key=`` values and every registered (and given) secret hidden."""
    return redact(url, (*registered_secrets(), *secrets))


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------
_registry_lock = threading.Lock()
_registered: frozenset[str] = frozenset()  # replaced, never mutated: readers need no lock


def register_secret(secret: str | None) -> None:
    """Hide ``secret`` from every log record from now on (ignored if too short to be a key)."""
    global _registered
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        return
    with _registry_lock:
        _registered = _registered | {secret}


def unregister_secret(secret: str | None) -> None:
    global _registered
    with _registry_lock:
        _registered = _registered - {secret}


def registered_secrets() -> frozenset[str]:
    return _registered


# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
def _redact_record(record: logging.LogRecord, secrets: Iterable[str]) -> None:
    """Format the record's message and replace it by its redacted text (in place)."""
    secrets = tuple(secrets)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format call: logging would print msg and args in its error report
        message = f"{record.msg!r} (unformattable arguments: {record.args!r})"
        record.msg, record.args = redact(message, secrets), None
    else:
        clean = redact(message, secrets)
        if clean != message:
            record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        text = record.exc_text or "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        clean = redact(text, secrets)
        if clean != text:
            # The text is what Formatter prints when exc_text is set; the exception
            # object itself is dropped, since its str() holds the secret.
            record.exc_text, record.exc_info = clean, None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, secrets)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, secrets)


class RedactingFilter(logging.Filter):
    """Redacts registered secrets (plus ``extra`` ones) and ``key=`` values; never drops a record."""

    def __init__(self, extra: Iterable[str] = (), name: str = "") -> None:
        super().__init__(name)
        self._extra = tuple(extra)

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record, (*registered_secrets(), *self._extra))
        return True


_FILTER = RedactingFilter()
_install_lock = threading.Lock()
_LOGGER_PREFIXES = ("urllib3", "requests", "iocdesk")


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_iocdesk_redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record, registered_secrets())
        return record

    # A marker attribute on the function object (read by the getattr above);
    # mypy does not allow setting attributes on a function.
    redacting_factory._iocdesk_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def _loggers_to_filter() -> list[logging.Logger]:
    names = set(_LOGGER_PREFIXES)
    names.update(
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name.startswith(prefix + ".") for prefix in _LOGGER_PREFIXES)
    )
    return [logging.getLogger(name) for name in sorted(names)]


def install_log_redaction() -> None:
    """Redact secrets in every log record (see the module docstring for where and why). Idempotent."""
    with _install_lock:
        _install_record_factory()
        for handler in logging.getLogger().handlers:
            handler.addFilter(_FILTER)  # addFilter ignores a filter already present
        for logger in _loggers_to_filter():
            logger.addFilter(_FILTER)
