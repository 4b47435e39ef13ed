"""E-mail files (.eml) through the importers: MIME decoded, sources naming the header or part.

The fixtures in tests/data/importers/ are built by hand: ``phish.eml`` is
quoted-printable text and HTML with a Safe Links and a Proofpoint link, a base64
text attachment and an attached mail (message/rfc822); ``html-only.eml`` is a
base64 cp1252 HTML body.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import InputError, iter_chunks, iter_stream_chunks, read_mail

DATA = Path(__file__).resolve().parent.parent / "data" / "importers"
PHISH = DATA / "phish.eml"
RECIPIENTS = {"analyst@victim-corp.example", "boss@victim-corp.example", "finance@victim-corp.example"}


def indicators(path: Path, name: str | None = None) -> dict[str, set[str]]:
    """value -> the sources it was seen in."""
    collector = IndicatorCollector()
    with iter_chunks(path, name=name) as stream:
        collector.add_chunks(stream)
    return {i.value: {str(s) for s in i.sources} for i in collector.results()}


def test_quoted_printable_mail_yields_the_real_urls_and_names_each_source():
    found = indicators(PHISH, name="phish.eml")
    assert "https://safelinks-target.example.com/login?id=42" in found  # unwrapped from Safe Links
    assert "https://proofpoint-target.example.net/reset" in found  # unwrapped from Proofpoint v3
    assert not [v for v in found if "=3D" in v or v.endswith("=")]  # no quoted-printable junk
    assert found["helpdesk@attacker-mail.example.com"] == {"phish.eml, header From"}
    assert found["collect@drop-box.example.com"] == {"phish.eml, header Reply-To"}
    assert found["bounce@bounce-host.example.com"] == {"phish.eml, header Return-Path"}
    assert found["203.0.113.77"] == {"phish.eml, header Received"}
    assert found["plain-part.example.com"] == {"phish.eml, part 1.1 (text/plain)"}
    assert found["https://proofpoint-target.example.net/reset"] == {"phish.eml, part 1.2 (text/html)"}
    assert found["45.33.32.156"] == {"phish.eml, part 2 (text/plain)"}  # the base64 attachment
    assert found["44d88612fea8a8f36de82e1278abb02f"] == {"phish.eml, part 2 (text/plain)"}
    # the attached mail: its headers and its body, numbered under its part
    assert found["ceo-spoof@nested-sender.example.net"] == {"phish.eml, part 3, header From"}
    assert found["198.51.100.91"] == {"phish.eml, part 3, header Received"}
    assert found["http://nested-payload.example.org/invoice"] == {"phish.eml, part 3.1 (text/plain)"}


def test_the_mails_own_recipients_are_not_indicators():
    found = indicators(PHISH)
    assert not RECIPIENTS & set(found)
    assert not [v for v in found if "victim-corp.example" in v and "safelinks" not in v]


def test_subject_is_the_streams_title_and_format_is_eml():
    with iter_chunks(PHISH) as stream:
        assert stream.format == "eml"
        assert stream.title == "Password expiry \u26a0"
        list(stream)


def test_html_only_base64_cp1252_mail():
    found = indicators(DATA / "html-only.eml", name="offer.eml")
    assert found["http://html-only-link.example.com/x"] == {"offer.eml, part 1 (text/html)"}
    assert {"10.1.2.3", "10.1.2.4"} <= set(found)  # table cells not glued together
    assert "promo@html-only-sender.example.com" in found
    assert "analyst@victim-corp.example" not in found


def test_a_mail_is_recognised_by_its_headers_whatever_its_name(tmp_path):
    saved = tmp_path / "saved message.txt"
    saved.write_bytes(PHISH.read_bytes())
    with iter_chunks(saved) as stream:
        assert stream.format == "eml"
    assert "https://safelinks-target.example.com/login?id=42" in indicators(saved)
    with iter_stream_chunks(io.BytesIO(PHISH.read_bytes()), name="<stdin>") as stream:
        assert stream.format == "eml"
        assert any("safelinks-target" in chunk.text for chunk in stream)


@pytest.mark.parametrize(
    "text",
    [
        "Note: see 1.2.3.4\nthanks\n",  # one header-like line
        "Date: 2026-12-07\nHost: evil.example.com\n\nreport\n",  # header-like, no blank-line-ended mail block
        "From the logs: 1.2.3.4\nsecond line without a colon\n",
    ],
)
def test_notes_that_only_look_like_headers_stay_text(tmp_path, text):
    if text.startswith("Date"):
        text = "Summary line\n" + text
    note = tmp_path / "note.txt"
    note.write_text(text)
    with iter_chunks(note) as stream:
        assert stream.format == "text"


def test_bad_mails_raise_one_clear_input_error(tmp_path):
    cases = {
        "garbage.eml": (bytes(range(256)) * 8, "garbage.eml: not an e-mail message"),
        "prose.eml": (b"Dear team, please look at 1.2.3.4 today.\n", "prose.eml: not an e-mail message"),
        "blank.eml": (b"  \r\n\r\n", "blank.eml: the file is empty"),
        "deep.eml": (
            b"From: a@example.com\r\n"
            + b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(3000))
            + b"Content-Type: text/plain\r\n\r\n1.2.3.4\r\n",
            "deep.eml: not a readable e-mail message (MIME parts nested too deeply)",
        ),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError) as caught:
            list(iter_chunks(path, name=name))
        assert str(caught.value).startswith(message), str(caught.value)
    with pytest.raises(InputError, match=r"^big\.eml: the file is too large"):
        iter_chunks(PHISH, name="big.eml", max_bytes=100)


def test_read_mail_on_bytes():
    mail = read_mail(PHISH.read_bytes(), name="phish.eml")
    assert mail.subject == "Password expiry \u26a0"
    assert {str(c.source) for c in mail.chunks} >= {"phish.eml, header From", "phish.eml, part 1.2 (text/html)"}
