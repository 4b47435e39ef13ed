"""An alert: what a SIEM or EDR hands to the inbox, and how its body is read.

A body is JSON of any shape (every string value anywhere in it is scanned for
IOCs; a ``title``, ``name``, ``rule`` or ``rule_name`` field names the alert)
or plain text (its first line names it). Everything in it is attacker-controlled:
it is only ever read as text, never evaluated, and names are cut and shown
through ``reveal`` by the faces.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from iocdesk.indicators.results import Risk
from iocdesk.indicators.untrusted import loads_json, replace_surrogates

MAX_BODY = 1 << 20  # bytes of one alert; larger ones are refused (HTTP 413)
_NAME_KEYS = ("title", "name", "rule", "rule_name", "rulename", "alert_name", "signature", "subject")
_NAME_MAX = 200
_FINDINGS = frozenset({Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NONE})  # not unknown/retired


class AlertStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DUPLICATE = "duplicate"  # the same IOCs as a recent alert: not looked up again
    FAILED = "failed"


class AlertError(Exception):
    """A body that cannot be an alert; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


_ids = itertools.count(1)
_ids_lock = threading.Lock()


def new_alert_id() -> str:
    """Unique in this process and sortable by arrival: "A20261129T153012-0001"."""
    with _ids_lock:
        n = next(_ids)
    return f"A{datetime.now(UTC):%Y%m%dT%H%M%S}-{n:04d}"


@dataclass(slots=True)
class Alert:
    name: str
    source: str  # "webhook", "folder: report.txt"
    id: str = field(default_factory=new_alert_id)
    received: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    status: AlertStatus = AlertStatus.QUEUED
    indicators: int = 0  # IOCs extracted (looked up or not)
    worst_risk: Risk | None = None
    counts: dict[str, int] = field(default_factory=dict)  # results by status
    run_id: int | None = None
    duplicate_of: str | None = None
    error: str | None = None
    notified: bool = False

    def __post_init__(self) -> None:
        # A name or a file name may hold lone surrogates (a JSON escape, a non-UTF-8 file name
        # read with surrogateescape): as U+FFFD, so history, logs and HTTP answers take them.
        self.name, self.source = replace_surrogates(self.name), replace_surrogates(self.source)


def read_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """``(name, text)`` of an alert body; raises AlertError (413 too large, 400 unreadable)."""
    if len(body) > MAX_BODY:
        raise AlertError(413, f"the alert is larger than {MAX_BODY:,} bytes")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AlertError(400, f"the body is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise AlertError(400, "the body is empty")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json") or (not media and text.lstrip()[:1] in "{["):
        try:
            document = loads_json(text)  # an integer too long to read is skipped, not an error
        except json.JSONDecodeError as exc:
            raise AlertError(400, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except RecursionError:
            raise AlertError(400, "malformed JSON: nested too deeply") from None
        return read_json(document)
    return _first_line(text), text


def read_json(document: object) -> tuple[str, str]:
    """``(name, text)`` of a parsed JSON alert: every string value, one per line; keys too
    when they look like values (some SIEMs key objects by host or hash). Lone
    surrogates (``"\\ud800"``) become U+FFFD: the alert is stored and answered as UTF-8."""
    strings: list[str] = []
    name = ""
    stack: list[object] = [document]
    while stack:  # iterative: a deep document cannot exhaust the stack (json.loads bounds depth)
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not name and isinstance(value, str) and str(key).lower() in _NAME_KEYS and value.strip():
                    name = value
                if isinstance(key, str) and any(c in key for c in ".:@/"):
                    strings.append(key)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, str):
            strings.append(node)
    text = replace_surrogates("\n".join(strings))
    return _cut(replace_surrogates(name)) or _first_line(text), text


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return _cut(line.strip())
    return "alert"


def _cut(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= _NAME_MAX else name[: _NAME_MAX - 1] + "…"


def worst_risk(risks: list[Risk | None]) -> Risk | None:
    ranked = [r for r in risks if r in _FINDINGS]
    return max(ranked, key=lambda r: r.severity) if ranked else None


def at_least(risk: Risk | None, floor: Risk) -> bool:
    """``risk`` is a finding as bad as ``floor`` or worse."""
    return risk in _FINDINGS and risk.severity >= floor.severity
