"""The e-mail export: the draft (.eml), mailto:, the chat summary, and sending over a real local SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from iocdesk.delivery.smtp import SendError, SmtpSettings, delete_password, send, store_password
from iocdesk.indicators.results import Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.types import IndicatorType
from iocdesk.reports.email import MAILTO_MAX, build_draft, copy_summary, mailto_url, write_draft
from iocdesk.reports.report import Report

XLSX = b"PK\x03\x04" + bytes(range(256)) * 40 + b"\r\n\n.\r\n.. end"  # binary, with SMTP-dot-stuffing bait
RLO = "\u202e"


def _result(value: str, kind: IndicatorType, risk: Risk | None, *, threats=(), factors=(), iid=1) -> LookupResult:
    intel = Intel(
        iid=iid,
        indicator=value,
        risk=risk,
        threats=[Threat(None, t) for t in threats],
        riskfactors=[RiskFactor(None, f) for f in factors],
        web_url=f"https://pulsedive.com/indicator/?iid={iid}",
    )
    return LookupResult(value, kind, Status.FOUND, intel)


def _report() -> Report:
    results = [
        _result("evil.example.com", IndicatorType.DOMAIN, Risk.HIGH, threats=["<script>alert(1)</script>"], iid=10),
        _result(
            "http://bad.example.net/x.php?a=1", IndicatorType.URL, Risk.HIGH, factors=["javascript:alert(1)"], iid=11
        ),
        _result("203.0.113.7", IndicatorType.IPV4, Risk.HIGH, threats=[f"invoice{RLO}fdp.exe"], iid=12),
        _result("2001:db8::1", IndicatorType.IPV6, Risk.MEDIUM, iid=13),
        _result(f"rtl{RLO}gnp.example.org", IndicatorType.DOMAIN, Risk.MEDIUM, iid=14),
        _result("phish@mail.example.com", IndicatorType.EMAIL, Risk.MEDIUM, iid=15),
        _result("mid1.example.com", IndicatorType.DOMAIN, Risk.MEDIUM, factors=["see http://x.example.com/"], iid=16),
        _result("mid2.example.com", IndicatorType.DOMAIN, Risk.MEDIUM, iid=17),
    ]
    results += [_result(f"benign{i}.example.com", IndicatorType.DOMAIN, Risk.LOW, iid=100 + i) for i in range(30)]
    results += [LookupResult("d41d8cd98f00b204e9800998ecf8427e", IndicatorType.MD5, Status.UNSUPPORTED)]
    results += [LookupResult("unknown.example.com", IndicatorType.DOMAIN, Status.NOT_FOUND)]
    return Report(results, run_id=7, sources=["paste"], title="Weekly triage")


NOTABLE_DEFANGED = [
    "evil[.]example[.]com",
    "hxxp[://]bad[.]example[.]net/x.php?a=1",
    "203[.]0[.]113[.]7",
    "2001[:]db8[:][:]1",
    "phish[@]mail[.]example[.]com",
    "mid1[.]example[.]com",
]
RAW = ["evil.example.com", "bad.example.net", "203.0.113.7", "2001:db8::1", "mail.example.com", "mid1.example.com"]


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    return text, html_part


@pytest.fixture
def xlsx(tmp_path):
    path = tmp_path / "triage.xlsx"
    path.write_bytes(XLSX)
    return path


# --- Draft ----------------------------------------------------------------------------------
def test_draft_headers_parts_and_attachment_survive_the_eml(tmp_path, xlsx):
    report = _report()
    assert report.headline() == "3 high, 5 medium of 40 IOCs"
    recipients = ["soc@example.com", "lead@example.com"]
    draft = build_draft(report, recipients=recipients, attachment=xlsx, sender="me@example.com")
    path = write_draft(draft, tmp_path / "draft")
    assert path.suffix == ".eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # SMTP policy: CRLF only

    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["X-Unsent"] == "1"
    assert parsed["Subject"] == "[iocdesk] 3 high, 5 medium of 40 IOCs"
    assert parsed["To"] == "soc@example.com, lead@example.com"
    assert parsed["From"] == "me@example.com"
    text, html_part = _parts(parsed)
    assert "3 high, 5 medium of 40 IOCs" in text and "3 high, 5 medium of 40 IOCs" in html_part
    assert "Run" in text and "7" in text
    attachments = list(parsed.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachments[0].get_filename() == "triage.xlsx"
    assert attachments[0].get_content() == XLSX


def test_every_ioc_is_defanged_in_both_parts():
    text, html_part = _parts(build_draft(_report()))
    for defanged in NOTABLE_DEFANGED:
        assert defanged in text
        assert defanged in html_part
    for raw in RAW:
        assert raw not in text
        assert raw not in html_part
    assert "pulsedive.com" not in text and "pulsedive[.]com" in text and "hxxps[://]pulsedive[.]com" in html_part
    assert "http://" not in text and "http://" not in html_part and "https://" not in html_part
    assert "benign" not in text  # low risk: only in the workbook


def test_html_has_no_active_or_remote_content_and_hostile_text_is_neutralised():
    text, html_part = _parts(build_draft(_report()))
    lowered = html_part.lower()
    for bad in ("<a ", "href", "src=", "<script", "<img", "<link", "@import", "url(", "javascript:"):
        assert bad not in lowered, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_part
    assert "javascript[:]alert(1)" in html_part and "javascript[:]alert(1)" in text
    assert RLO not in text and RLO not in html_part
    assert "invoice\\u202efdp.exe" in text and "invoice\\u202efdp.exe" in html_part
    assert "rtl\\u202egnp[.]example[.]org" in text
    assert "hxxp[://]x[.]example[.]com" in text  # a URL inside intel text


def test_subject_header_injection_is_neutralised(tmp_path):
    report = _report()
    report.title = "T\r\nBcc: victim@example.com\r\n\r\nbody"
    draft = build_draft(report, subject_template="{title} {headline}")
    parsed = email.message_from_bytes(write_draft(draft, tmp_path / "x.eml").read_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert "\r" not in parsed["Subject"] and "\n" not in parsed["Subject"]
    assert parsed["Subject"].startswith("T Bcc: victim@example.com body")
    with pytest.raises(ValueError):
        build_draft(report, recipients=["a@example.com\r\nBcc: x@example.com"])


def test_long_notable_list_is_capped_with_a_pointer_to_the_workbook(xlsx):
    results = [_result(f"h{i}.example.com", IndicatorType.DOMAIN, Risk.HIGH, iid=i) for i in range(250)]
    text, html_part = _parts(build_draft(Report(results), attachment=xlsx))
    assert "and 50 more in the attached workbook" in text and "and 50 more in the attached workbook" in html_part
    assert html_part.count("<tr>") == 200 + 1 + 5  # rows, header row, summary rows (risk, status, run, created, scan)


# --- mailto: and chat -------------------------------------------------------------------------
def test_mailto_is_capped_parseable_and_defanged():
    url = mailto_url(_report(), ["soc@example.com", "a b@example.com"], "[iocdesk] {headline}")
    assert len(url) <= MAILTO_MAX
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "soc@example.com,a b@example.com"
    query = parse_qs(parts.query)
    assert query["subject"] == ["[iocdesk] 3 high, 5 medium of 40 IOCs"]
    body = query["body"][0]
    assert body.startswith("3 high, 5 medium of 40 IOCs")
    assert "evil[.]example[.]com" in body and "evil.example.com" not in body
    assert "workbook" in body  # no attachment: says so

    long_names = (f"host-{i:04d}-{'x' * 40}.example.com" for i in range(500))
    many = Report([_result(name, IndicatorType.DOMAIN, Risk.CRITICAL) for name in long_names])
    url = mailto_url(many, ["soc@example.com"])
    assert len(url) <= MAILTO_MAX
    body = parse_qs(urlsplit(url).query)["body"][0]
    assert "more" in body and body.count("\n- ") <= 10


def test_copy_summary_is_plain_and_defanged():
    summary = copy_summary(_report())
    assert summary.startswith("Weekly triage: 3 high, 5 medium of 40 IOCs")
    assert "By risk: 3 high, 5 medium, 30 low" in summary
    assert "evil[.]example[.]com" in summary and "evil.example.com" not in summary
    for markup in ("<", ">", "**", "`", "http"):
        assert markup not in summary
    assert RLO not in summary


# --- SMTP against a real local server ---------------------------------------------------------------
USER, PASSWORD = "analyst", "s3cr3t-Pa55"


@pytest.fixture
def smtp_server(smtp_server_factory):
    with smtp_server_factory(USER, PASSWORD) as server:
        yield server


def _draft(xlsx):
    return build_draft(_report(), recipients=["soc@example.com"], attachment=xlsx, sender="me@example.com")


def test_send_with_auth_delivers_the_message_and_attachment(smtp_server, memory_keyring, xlsx):
    sink, port = smtp_server
    settings = SmtpSettings("127.0.0.1", port, security="none", user=USER, sender="me@example.com")
    store_password(settings, PASSWORD)
    assert memory_keyring.passwords == {("iocdesk", f"smtp:{USER}@127.0.0.1"): PASSWORD}
    draft = _draft(xlsx)
    send(draft, settings, timeout=5)

    assert len(sink.envelopes) == 1
    envelope = sink.envelopes[0]
    assert envelope.mail_from == "me@example.com" and envelope.rcpt_tos == ["soc@example.com"]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Subject"] == "[iocdesk] 3 high, 5 medium of 40 IOCs"
    assert received["X-Unsent"] is None  # sent mail must not open as a draft
    assert draft["X-Unsent"] == "1"  # the caller's draft is untouched
    assert [a.get_content() for a in received.iter_attachments()] == [XLSX]

    assert delete_password(settings) is True
    assert memory_keyring.passwords == {}
    with pytest.raises(SendError, match="no SMTP password"):
        send(draft, settings, timeout=5)


def test_wrong_password_is_a_plain_error_without_the_password(smtp_server, memory_keyring, xlsx):
    sink, port = smtp_server
    settings = SmtpSettings("127.0.0.1", port, security="none", user=USER, sender="me@example.com")
    store_password(settings, "wrong-Pa55word")
    with pytest.raises(SendError) as caught:
        send(_draft(xlsx), settings, timeout=5)
    message = str(caught.value)
    assert "rejected the user name or password" in message
    assert "wrong-Pa55word" not in message and PASSWORD not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert sink.envelopes == []


def test_starttls_required_but_not_offered_never_sends_the_password(smtp_server, memory_keyring, xlsx):
    sink, port = smtp_server
    settings = SmtpSettings("127.0.0.1", port, security="starttls", user=USER, sender="me@example.com")
    store_password(settings, PASSWORD)
    with pytest.raises(SendError, match="does not offer STARTTLS"):
        send(_draft(xlsx), settings, timeout=5)
    assert sink.envelopes == []


def test_plaintext_password_to_a_remote_host_is_refused(memory_keyring, xlsx):
    settings = SmtpSettings("mail.example.com", 25, security="none", user=USER, sender="me@example.com")
    store_password(settings, PASSWORD)
    with pytest.raises(SendError, match="unencrypted"):
        send(_draft(xlsx), settings, timeout=1)


def test_refused_port_and_timeout_are_send_errors(xlsx, unused_port):
    port = unused_port  # nothing listens there
    with pytest.raises(SendError, match="refused the connection"):
        send(_draft(xlsx), SmtpSettings("127.0.0.1", port, security="none"), timeout=2)

    with socket.socket() as silent:  # accepts, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(SendError, match=r"did not answer within 0\.5 seconds"):
            send(_draft(xlsx), SmtpSettings("127.0.0.1", port, security="none"), timeout=0.5)


def test_settings_validate_security_mode():
    with pytest.raises(ValueError):
        SmtpSettings("mail.example.com", security="tls")  # type: ignore[arg-type]
    assert SmtpSettings("h", user="u").keyring_username == "smtp:u@h"
