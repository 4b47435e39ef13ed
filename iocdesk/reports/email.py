"""A run as an e-mail: an unsent draft (.eml), a ``mailto:`` fallback, a chat summary.

Everything the reader sees is safe to open: every indicator is defanged
(``refang.defang``), every attacker-controlled text has its hidden characters
revealed (``display.reveal``), its URLs and host names made unclickable
(``safety.unclickable``: mail clients autolink ``evil.com``) and, in HTML, is
escaped. The HTML part has no links, no images, no scripts and no external
style: nothing a mail client would fetch or a reader could click. The
Pulsedive page of an indicator, built from its numeric iid, is shown as
defanged text.

The draft carries ``X-Unsent: 1`` so Outlook and Thunderbird open it as a
message to edit and send; the workbook, when given, is attached.
"""

from __future__ import annotations

import email.policy
import html
import re
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote

from iocdesk.extraction.refang import defang
from iocdesk.indicators.display import reveal
from iocdesk.indicators.host_links import verdict_text
from iocdesk.indicators.results import LookupResult
from iocdesk.platform.safe_files import EXPORT_MODE, Target, write_file
from iocdesk.reports.report import DEFAULT_SUBJECT, Report, pulsedive_link
from iocdesk.reports.safety import no_live_links, unclickable

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_ROWS = 200  # notable results listed in the draft; the workbook has them all
MAILTO_MAX = 1800  # characters of the whole mailto: URL (clients cap around 2,000)
MAILTO_TOP = 10
SUMMARY_TOP = 10
_CELL_LIMIT = 300  # characters of one table cell before it is cut
_LIST_ITEMS = 5  # threats / risk factors named per row

_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


# --- Safe text -----------------------------------------------------------------------
def ioc_text(result: LookupResult) -> str:
    """The indicator, defanged and with hidden characters shown.

    ``unclickable`` on top: a value of an unknown type, or one that is not what its type
    says ("javascript:..." as a URL), must not be clickable either."""
    try:
        value = defang(result.indicator, result.type)
    except ValueError:  # an unknown type
        value = result.indicator
    return unclickable(reveal(value, limit=_CELL_LIMIT))


def _safe(value: object, limit: int = _CELL_LIMIT) -> str:
    """Free text from data (threat names, risk factors, file names) as shown and never linked.
    Revealed first: a client would link the host in what it shows (``ev\\u200bil.com``)."""
    return unclickable(reveal("" if value is None else str(value), limit=limit))


def _page(result: LookupResult) -> str:
    # Built from the numeric iid, like the workbook's link: a web_url from data could name any
    # page, and the draft would vouch for it as "the Pulsedive page".
    url = pulsedive_link(result)
    return defang(url, "url") if url else ""


def _names(values: Iterable[str]) -> str:
    items = [v for v in values if v]
    shown = "; ".join(_safe(v, 80) for v in items[:_LIST_ITEMS])
    return f"{shown}; +{len(items) - _LIST_ITEMS} more" if len(items) > _LIST_ITEMS else shown


def _one_line(text: str) -> str:
    """A header value: no CR/LF (header injection) or other line breaks, hidden characters shown."""
    return reveal(" ".join(_LINE_BREAKS.sub(" ", text).split()))


def _subject(report: Report, template: str) -> str:
    """The Subject: one line, hidden characters shown, its URLs defanged and schemes broken (the
    alert title is attacker text; a client links ``http://...`` or ``javascript:`` there too)."""
    return no_live_links(_one_line(report.subject(template)))


def _row(result: LookupResult) -> dict[str, str]:
    intel = result.intel
    return {
        "Indicator": ioc_text(result),
        "Type": _safe(result.type),
        "Risk": _safe(result.risk or ""),
        "Status": _safe(result.status) + (f" ({_safe(result.scan)} scan)" if result.scan else ""),
        "Threats": _names(t.name for t in intel.threats) if intel else "",
        "Risk factors": _names(r.description for r in intel.riskfactors) if intel else "",
        "Host": _host_note(result),
        "Pulsedive page": _page(result),
    }


def _host_note(result: LookupResult) -> str:
    """ "evil[.]com: high" for a URL or address whose host the run looked up (or "not found"...)."""
    host = result.host_result
    if host is None:
        return ""
    return f"{ioc_text(host)}: {_safe(verdict_text(host))}"


def _verdict(result: LookupResult) -> str:
    """Its risk (or status), and its host's risk when that is worse: never "not found" alone
    for a URL on a high-risk domain."""
    own = _safe(result.risk or result.status)
    if result.host_result is not None and result.verdict_risk is not result.risk:
        return f"{own}; host {_host_note(result)}"
    return own


# --- Summary pieces ------------------------------------------------------------------------
def _risk_line(report: Report) -> str:
    return ", ".join(f"{n} {risk}" for risk, n in report.risk_counts()) or "none rated"


def _status_line(report: Report) -> str:
    status = report.summary["status"]
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(status.items(), key=lambda kv: -kv[1]))


def _metadata(report: Report) -> list[tuple[str, str]]:
    run = str(report.run_id) if report.run_id is not None else "not saved"
    rows = [("Run", run), ("Created", _safe(report.created))]
    if report.sources:
        rows.append(("Sources", "; ".join(_safe(s, 120) for s in report.sources[:10])))
    rows.append(("Scan", _safe(report.scan)))
    if report.api_url:
        rows.append(("Pulsedive API", reveal(defang(report.api_url, "url"), limit=200)))
    return rows


# --- The draft -----------------------------------------------------------------------------
def build_draft(
    report: Report,
    *,
    recipients: Sequence[str] = (),
    subject_template: str = DEFAULT_SUBJECT,
    attachment: Path | None = None,
    sender: str | None = None,
    max_rows: int = MAX_ROWS,
) -> EmailMessage:
    """An unsent e-mail (``X-Unsent: 1``): text and HTML summary + table, the workbook attached.

    Raises ValueError for a recipient or sender with a line break in it, OSError when the
    attachment cannot be read.
    """
    message = EmailMessage()
    message["Subject"] = _subject(report, subject_template)
    if sender:
        message["From"] = _address(sender)
    addresses = [_address(a) for a in recipients or () if a and a.strip()]
    if addresses:
        message["To"] = ", ".join(addresses)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))  # domain given: no slow getfqdn()
    message["X-Unsent"] = "1"
    message["X-Mailer"] = "iocdesk"

    notable = report.notable()
    shown = notable[:max_rows]
    rows = [_row(r) for r in shown]
    more = len(notable) - len(shown)
    message.set_content(_text_body(report, rows, more, attached=attachment is not None), cte="quoted-printable")
    message.add_alternative(_html_body(report, rows, more, attached=attachment is not None), subtype="html")
    if attachment is not None:
        attachment = Path(attachment)
        message.add_attachment(
            attachment.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=_one_line(attachment.name)
        )
    return message


def _address(value: str) -> str:
    if _LINE_BREAKS.search(value):
        raise ValueError("an e-mail address cannot contain a line break")
    return value.strip()


def _domain_of(sender: str | None) -> str:
    domain = (sender or "").rpartition("@")[2].strip(" >")
    return domain if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", domain or "") else "iocdesk.invalid"


def _more_note(more: int, attached: bool) -> str:
    if more <= 0:
        return ""
    where = "in the attached workbook" if attached else "in the full export"
    return f"and {more} more {where}"


def _text_body(report: Report, rows: list[dict[str, str]], more: int, *, attached: bool) -> str:
    lines = [_safe(report.title, 200), "", report.headline(), "", f"By risk:   {_risk_line(report)}"]
    lines.append(f"By status: {_status_line(report)}")
    lines += [f"{name + ':':<15}{value}" for name, value in _metadata(report)]
    lines.append("")
    if rows:
        lines.append("Results that matter (indicators are defanged):")
        for row in rows:
            lines.append("")
            lines.append(f"* {row['Indicator']}  [{row['Type']}]  risk: {row['Risk'] or '-'}  status: {row['Status']}")
            for key in ("Host", "Threats", "Risk factors", "Pulsedive page"):
                if row[key]:
                    lines.append(f"  {key}: {row[key]}")
        note = _more_note(more, attached)
        if note:
            lines += ["", f"... {note}."]
    else:
        lines.append("No critical, high or medium results.")
    if attached:
        lines += ["", "Every result is in the attached workbook."]
    lines += ["", "-- ", "Sent from iocdesk. Indicators are defanged: refang them before use."]
    return "\n".join(lines) + "\n"


_CELL = 'style="border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top"'


def _html_body(report: Report, rows: list[dict[str, str]], more: int, *, attached: bool) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>' + e(_safe(report.title, 200)) + "</title></head>",
        '<body style="font-family:sans-serif;font-size:14px">',
        f"<h2>{e(_safe(report.title, 200))}</h2>",
        f"<p><b>{e(report.headline())}</b></p>",
        '<table style="border-collapse:collapse">',
        f"<tr><th {_CELL}>By risk</th><td {_CELL}>{e(_risk_line(report))}</td></tr>",
        f"<tr><th {_CELL}>By status</th><td {_CELL}>{e(_status_line(report))}</td></tr>",
    ]
    out += [f"<tr><th {_CELL}>{e(name)}</th><td {_CELL}>{e(value)}</td></tr>" for name, value in _metadata(report)]
    out.append("</table>")
    if rows:
        columns = list(rows[0])
        out.append("<h3>Results that matter</h3><p>Indicators are defanged.</p>")
        out.append('<table style="border-collapse:collapse">')
        out.append("<tr>" + "".join(f"<th {_CELL}>{e(c)}</th>" for c in columns) + "</tr>")
        for row in rows:
            cells = "".join(f"<td {_CELL}>{e(row[c])}</td>" for c in columns)
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
        note = _more_note(more, attached)
        if note:
            out.append(f"<p>&hellip; {e(note)}.</p>")
    else:
        out.append("<p>No critical, high or medium results.</p>")
    if attached:
        out.append("<p>Every result is in the attached workbook.</p>")
    out.append('<p style="color:#666">Sent from iocdesk. Indicators are defanged: refang them before use.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_draft(message: EmailMessage, path: str | Path, *, target: Target = Target.CHOSEN) -> Path:
    """Write ``message`` as an .eml file (CRLF line ends, as mail clients expect); returns the path.

    ``target``: whether an existing file may be replaced (``platform.safe_files``; never through a link).
    """
    path = Path(path)
    if path.suffix.lower() != ".eml":
        path = path.with_name(path.name + ".eml")
    write_file(path, message.as_bytes(policy=email.policy.SMTP), target=target, mode=EXPORT_MODE)
    return path


# --- mailto: and chat ------------------------------------------------------------------------
def _top_lines(report: Report, count: int) -> tuple[list[str], int]:
    notable = report.notable()
    lines = [f"- {ioc_text(r)} ({_verdict(r)})" for r in notable[:count]]
    return lines, len(notable) - len(lines)


def mailto_url(
    report: Report, recipients: Sequence[str] = (), subject_template: str = DEFAULT_SUBJECT, *, limit: int = MAILTO_MAX
) -> str:
    """A ``mailto:`` link with the subject and a short defanged summary, at most ``limit`` characters.

    A mailto: link cannot carry the workbook: the body says to attach it.
    """
    to = ",".join(quote(_address(a), safe="@") for a in recipients or () if a and a.strip())
    subject = _subject(report, subject_template)[:200]
    head = f"mailto:{to}?subject={quote(subject, safe='')}&body="
    top, more = _top_lines(report, MAILTO_TOP)
    intro = [report.headline(), f"By risk: {_risk_line(report)}", ""]
    outro = ["", "(Indicators defanged. Attach the exported workbook for the full results.)"]

    def url(lines: list[str]) -> str:
        return head + quote("\r\n".join(lines), safe="")

    kept: list[str] = []
    for i, line in enumerate(top):
        left = len(top) - i - 1 + more
        candidate = kept + [line]
        tail = [f"... and {left} more"] if left else []
        if len(url(intro + candidate + tail + outro)) > limit:
            break
        kept = candidate
    left = len(top) - len(kept) + more
    body = intro + kept + ([f"... and {left} more"] if left else []) + outro
    result = url(body)
    if len(result) > limit:  # a huge subject or recipient list: drop the body, then cut
        result = url([report.headline()])
    return result if len(result) <= limit else _cut_encoded(result, limit)


def _cut_encoded(url: str, limit: int) -> str:
    cut = url[:limit]
    # Never end inside a %XX escape.
    pos = cut.rfind("%", len(cut) - 2)
    return cut[:pos] if pos != -1 else cut


def copy_summary(report: Report, *, top: int = SUMMARY_TOP) -> str:
    """Plain text for chat tools: headline, counts, the top notable results (defanged). No markup."""
    lines = [f"{_safe(report.title, 200)}: {report.headline()}", f"By risk: {_risk_line(report)}"]
    lines.append(f"By status: {_status_line(report)}")
    if report.run_id is not None:
        lines.append(f"Run {report.run_id}, {_safe(report.created)}")
    shown, more = _top_lines(report, top)
    if shown:
        lines += ["", "Results that matter (defanged):", *shown]
        if more:
            lines.append(f"... and {more} more")
    return "\n".join(lines) + "\n"
