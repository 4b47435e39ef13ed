"""A run's summary as a chat message: Slack, Microsoft Teams (Workflows) and Google Chat webhooks.

Payloads: the title, the headline ("3 high, 5 medium of 40 IOCs"), counts by
risk, the top notable IOCs (critical, high, medium, scans) **defanged**, and
the run time. Every value that comes from data (indicators, threat names, the
report title) has its hidden characters shown (``\\u202e``: no reversed text),
is cut to a length every webhook accepts (Teams refuses payloads over 28 KB),
is made unclickable (URLs and bare host names defanged: chat clients link
``evil.com`` too) and is escaped for the target's markup, so a hostile value
can neither mention ``@channel`` nor turn into a link:

* Slack (Block Kit ``mrkdwn``): ``&``, ``<``, ``>`` become entities (Slack's
  own escaping rule; ``<!channel>`` and ``<https://...|text>`` need them);
* Teams (Adaptive Card 1.4): data goes in ``RichTextBlock``/``TextRun``,
  which Teams renders as plain text (no markdown, unlike ``TextBlock``);
* Google Chat (``cardsV2``): ``textParagraph``/``decoratedText`` accept an
  HTML subset, so data is ``html.escape``d; the card header (plain text) is fixed.

Webhook URLs are secrets (whoever has one can post as us): they live only in
the OS keyring (entry ``webhook:<name>`` of service ``iocdesk``, value JSON
``{"kind", "url"}``). The keyring cannot list entries, so the *names* (never
the URLs) are kept in one more keyring entry, ``webhooks:index`` (a JSON list),
never in a file. :func:`post` registers the URL, its path and its query with
:mod:`iocdesk.platform.redact` (urllib3 logs ``"POST /services/T.../B.../token"``,
requests' errors print ``url: /path?query``), and :class:`WebhookError`
messages are redacted and raised without the requests exception chained.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import keyring
import keyring.errors
import requests

from iocdesk.extraction.refang import defang
from iocdesk.indicators.display import reveal
from iocdesk.indicators.results import LookupResult
from iocdesk.platform.credentials import (
    SERVICE,
    KeyringUnavailable,
    ensure_usable_keyring,
    keyring_reason,
    keyring_status,
)
from iocdesk.platform.redact import install_log_redaction, redact, register_secret, registered_secrets
from iocdesk.reports.report import DEFAULT_SUBJECT, Report
from iocdesk.reports.safety import unclickable

__all__ = [
    "KINDS",
    "Webhook",
    "WebhookError",
    "delete_webhook",
    "google_chat_payload",
    "list_webhooks",
    "load_webhook",
    "payload_for",
    "post",
    "slack_payload",
    "store_webhook",
    "teams_payload",
]

WebhookKind = Literal["slack", "teams", "google_chat"]
KINDS: tuple[str, ...] = ("slack", "teams", "google_chat")
ENTRY_PREFIX = "webhook:"
INDEX_ENTRY = "webhooks:index"
MAX_NOTABLE = 10
MAX_THREATS_SHOWN = 3
_SLACK_SECTION_MAX = 3000  # Slack rejects a section text longer than this
_SLACK_IOC_MAX = 200  # long URLs are cut (escaped length) so ten lines fit
_IOC_MAX = 200  # characters of one indicator, threat name or title, before any escaping
_MIN_SECRET_PART = 8
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_index_lock = threading.Lock()


class WebhookError(Exception):
    """Posting failed, or a webhook is invalid; the message never contains the webhook URL."""


def _check_url(url: str) -> None:
    """https with a host; plain http only to this machine (tests, local relays)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise WebhookError("the webhook URL is not a valid URL") from None
    if not host:
        raise WebhookError("the webhook URL has no host")
    if parts.scheme == "https" or (parts.scheme == "http" and host in _LOCAL_HOSTS):
        return
    raise WebhookError("the webhook URL must start with https://")


@dataclass(frozen=True, slots=True)
class Webhook:
    name: str
    kind: WebhookKind
    url: str = field(repr=False)  # a secret: never in repr, logs or messages

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise WebhookError("the webhook name is empty")
        if self.kind not in KINDS:
            raise WebhookError(f"unknown webhook kind {self.kind!r} (expected one of {', '.join(KINDS)})")
        if not isinstance(self.url, str):
            raise WebhookError("the webhook URL is not text")
        _check_url(self.url)


def _secret_parts(url: str) -> list[str]:
    """The URL and the pieces of it that logs and errors print on their own."""
    parts = urlsplit(url)
    path_query = parts.path + (f"?{parts.query}" if parts.query else "")
    # Short pieces ("/api") would blank out unrelated log text; a webhook's path holds its token.
    return [url, *(c for c in (path_query, parts.path, parts.query) if len(c) >= _MIN_SECRET_PART)]


def _protect(url: str) -> None:
    for part in _secret_parts(url):
        register_secret(part)


def _clean(text: str, url: str) -> str:
    return redact(text, (*registered_secrets(), *_secret_parts(url)))


# ---------------------------------------------------------------------------
# Payloads
# ---------------------------------------------------------------------------
def _run_time(report: Report) -> str:
    try:
        return datetime.fromisoformat(report.created).strftime("%Y-%m-%d %H:%M %Z").strip()
    except ValueError:
        return report.created


def _shown(text: str, limit: int = _IOC_MAX) -> str:
    """Text from data as a chat message may show it: hidden characters visible, cut, unclickable."""
    return unclickable(reveal(text, limit=limit))


def _ioc(result: LookupResult) -> str:
    return _shown(defang(result.indicator, result.type))


def _title(report: Report, template: str) -> str:
    return _shown(report.subject(template))


def _threat_names(result: LookupResult) -> list[str]:
    if result.intel is None:
        return []
    return [_shown(t.name) for t in result.intel.threats if t.name][:MAX_THREATS_SHOWN]


def _top(report: Report) -> tuple[list[LookupResult], int]:
    notable = report.notable()
    return notable[:MAX_NOTABLE], max(0, len(notable) - MAX_NOTABLE)


def _risk_word(result: LookupResult) -> str:
    """Its risk (or status), and its host's when that is worse ("not_found · host evil[.]com high")."""
    own = str(result.risk) if result.risk else str(result.status)
    host = result.host_result
    if host is None or host.risk is None or result.verdict_risk is result.risk:
        return own
    return f"{own} · host {_ioc(host)} {host.risk}"


def _counts_text(report: Report) -> str:
    return ", ".join(f"{n} {risk}" for risk, n in report.risk_counts()) or "no verdicts"


def _run_line(report: Report) -> str:
    run = f"run {report.run_id} · " if report.run_id is not None else ""
    return f"iocdesk · {run}{_run_time(report)}"


def slack_escape(text: str) -> str:
    """Slack's escaping for mrkdwn and plain text: only &, < and > (in that order)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_truncated(text: str, limit: int) -> str:
    """``text`` escaped, cut to ``limit`` characters without splitting an entity."""
    escaped = slack_escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    size = 0
    for char in text:
        piece = slack_escape(char)
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + "…"


def slack_payload(report: Report, *, template: str = DEFAULT_SUBJECT) -> dict[str, Any]:
    """A Block Kit message: header, summary section, the notable IOCs (defanged), run-time context."""
    top, more = _top(report)
    subject = _title(report, template)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _slack_truncated(subject, 150), "emoji": False}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{slack_escape(report.headline())}*\nRisk: {slack_escape(_counts_text(report))}",
            },
        },
    ]
    if top:
        lines: list[str] = []
        size = 0
        for i, r in enumerate(top):
            ioc = _slack_truncated(_ioc(r), _SLACK_IOC_MAX)
            line = f"• {ioc} ({r.type}): *{slack_escape(_risk_word(r))}*"
            threats = _threat_names(r)
            if threats:
                line += " - " + _slack_truncated(", ".join(threats), _SLACK_IOC_MAX)
            if size + len(line) + 1 > _SLACK_SECTION_MAX - 40:  # keep room for the "and N more" line
                more += len(top) - i
                break
            lines.append(line)
            size += len(line) + 1
        if more:
            lines.append(f"… and {more} more")
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(_run_line(report))}]})
    return {"text": slack_escape(subject), "blocks": blocks}


def _text_run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def _rich(*runs: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": list(runs), **props}


def teams_payload(report: Report, *, template: str = DEFAULT_SUBJECT) -> dict[str, Any]:
    """A Teams Workflows message: one Adaptive Card 1.4 attachment; data only in (plain) TextRuns."""
    top, more = _top(report)
    body: list[dict[str, Any]] = [
        _rich(_text_run(_title(report, template), weight="Bolder", size="Medium")),
        _rich(_text_run(report.headline(), weight="Bolder")),
        {
            "type": "FactSet",
            "facts": [{"title": str(risk), "value": str(n)} for risk, n in report.risk_counts()],
        },
    ]
    if top:
        body.append(_rich(_text_run("Notable indicators", weight="Bolder"), separator=True, spacing="Medium"))
        for r in top:
            runs = [
                _text_run(_ioc(r), fontType="Monospace"),
                _text_run(f" ({r.type}) "),
                _text_run(_risk_word(r), weight="Bolder"),
            ]
            threats = _threat_names(r)
            if threats:
                runs.append(_text_run(" - " + ", ".join(threats)))
            body.append(_rich(*runs, spacing="None"))
        if more:
            body.append(_rich(_text_run(f"… and {more} more", isSubtle=True)))
    body.append(_rich(_text_run(_run_line(report), isSubtle=True, size="Small"), separator=True))
    if not body[2]["facts"]:
        del body[2]  # an empty FactSet is invalid
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
        "msteams": {"width": "Full"},
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def google_chat_payload(report: Report, *, template: str = DEFAULT_SUBJECT) -> dict[str, Any]:
    """A Google Chat ``cardsV2`` message; data html-escaped in widgets that take the HTML subset."""
    top, more = _top(report)
    esc = html.escape
    summary = f"<b>{esc(_title(report, template))}</b><br>{esc(report.headline())}<br>Risk: {esc(_counts_text(report))}"
    sections: list[dict[str, Any]] = [{"widgets": [{"textParagraph": {"text": summary}}]}]
    if top:
        widgets: list[dict[str, Any]] = []
        for r in top:
            threats = _threat_names(r)
            item: dict[str, Any] = {
                "topLabel": esc(f"{r.type} · {_risk_word(r)}"),
                "text": f"<b>{esc(_ioc(r))}</b>",
                "wrapText": True,
            }
            if threats:
                item["bottomLabel"] = esc(", ".join(threats))
            widgets.append({"decoratedText": item})
        if more:
            widgets.append({"textParagraph": {"text": esc(f"… and {more} more")}})
        sections.append({"header": "Notable indicators", "collapsible": False, "widgets": widgets})
    sections.append({"widgets": [{"textParagraph": {"text": f"<i>{esc(_run_line(report))}</i>"}}]})
    card_id = f"iocdesk-run-{report.run_id}" if report.run_id is not None else "iocdesk-run"
    return {
        "cardsV2": [
            {
                "cardId": card_id,
                "card": {"header": {"title": "iocdesk", "subtitle": "IOC triage"}, "sections": sections},
            }
        ]
    }


_BUILDERS = {"slack": slack_payload, "teams": teams_payload, "google_chat": google_chat_payload}


def payload_for(kind: str, report: Report, *, template: str = DEFAULT_SUBJECT) -> dict[str, Any]:
    """The payload for a webhook of ``kind``; ``template`` is the title (see :meth:`Report.subject`)."""
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise WebhookError(f"unknown webhook kind {kind!r}")
    return builder(report, template=template)


# ---------------------------------------------------------------------------
# Posting
# ---------------------------------------------------------------------------
def post(webhook: Webhook, payload: dict[str, Any], *, timeout: float = 10) -> None:
    """POST ``payload`` as JSON; any 2xx is success. Raises WebhookError (URL-free message).

    Redirects are not followed: a webhook that redirects is misconfigured, and
    following it would send the report somewhere else.
    """
    _protect(webhook.url)
    install_log_redaction()
    label = f"{webhook.kind} webhook {webhook.name!r}"
    try:
        response = requests.post(webhook.url, json=payload, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise WebhookError(f"{label} did not answer within {timeout:g} s") from None
    except requests.RequestException as exc:
        reason = _clean(f"{type(exc).__name__}: {exc}", webhook.url)
        raise WebhookError(f"could not reach the {label}: {reason}") from None
    try:
        if 200 <= response.status_code < 300:
            return
        detail = _clean(" ".join(response.text[:200].split()), webhook.url)
        message = f"the {label} answered HTTP {response.status_code}"
        raise WebhookError(f"{message}: {detail}" if detail else message)
    finally:
        response.close()


# ---------------------------------------------------------------------------
# Keyring storage
# ---------------------------------------------------------------------------
def _keyring_error(action: str, exc: Exception, url: str | None = None) -> KeyringUnavailable:
    reason = keyring_reason(exc, *(_secret_parts(url) if url else ()))  # the cause could quote the URL
    backend = keyring_status().words
    return KeyringUnavailable(f"could not {action} the webhook in the OS keyring ({backend}): {reason}")


def _entry(name: str) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise WebhookError("the webhook name is empty")
    return ENTRY_PREFIX + name


def _read_index() -> list[str]:
    raw = keyring.get_password(SERVICE, INDEX_ENTRY)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _write_index(names: list[str]) -> None:
    if names:
        keyring.set_password(SERVICE, INDEX_ENTRY, json.dumps(sorted(set(names))))
    else:
        try:
            keyring.delete_password(SERVICE, INDEX_ENTRY)
        except keyring.errors.PasswordDeleteError:
            pass


def store_webhook(name: str, kind: str, url: str) -> Webhook:
    """Validate and store (or replace) a webhook in the OS keyring. Raises WebhookError / KeyringUnavailable."""
    if not isinstance(name, str) or not isinstance(url, str):
        raise WebhookError("the webhook name and URL must be text")
    webhook = Webhook(name.strip(), kind, url.strip())  # type: ignore[arg-type]
    _protect(webhook.url)
    ensure_usable_keyring("the webhook")  # never into a plaintext file backend
    value = json.dumps({"kind": webhook.kind, "url": webhook.url})
    with _index_lock:
        try:
            keyring.set_password(SERVICE, _entry(webhook.name), value)
            names = _read_index()
            if webhook.name not in names:
                _write_index([*names, webhook.name])
        except Exception as exc:  # noqa: BLE001 - the cause could quote the URL
            raise _keyring_error("store", exc, webhook.url) from None
    return webhook


def load_webhook(name: str) -> Webhook | None:
    """The stored webhook, or None when there is none (or its entry is unreadable)."""
    entry = _entry(name)
    try:
        raw = keyring.get_password(SERVICE, entry)
    except Exception as exc:  # noqa: BLE001
        raise _keyring_error("read", exc) from None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        webhook = Webhook(name.strip(), data["kind"], data["url"])
    except (ValueError, KeyError, TypeError, WebhookError):
        return None
    _protect(webhook.url)
    return webhook


def delete_webhook(name: str) -> bool:
    """Forget a webhook; False when there was none."""
    entry = _entry(name)
    with _index_lock:
        try:
            try:
                keyring.delete_password(SERVICE, entry)
                existed = True
            except keyring.errors.PasswordDeleteError:
                existed = False
            names = _read_index()
            if name.strip() in names:
                _write_index([n for n in names if n != name.strip()])
                existed = True
        except Exception as exc:  # noqa: BLE001
            raise _keyring_error("delete", exc) from None
    return existed


def list_webhooks() -> list[str]:
    """The names of the stored webhooks, sorted (from the index entry; no URLs are read)."""
    try:
        return sorted(_read_index())
    except Exception as exc:  # noqa: BLE001
        raise _keyring_error("read", exc) from None
