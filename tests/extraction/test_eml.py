"""E-mail files (.eml) through the importers: MIME decoded, sources naming the header or part.

The fixtures in tests/data/importers/ are built by hand: ``phish.eml`` is
quoted-printable text and HTML with a Safe Links and a Proofpoint link, a base64
text attachment and an attached mail (message/rfc822); ``html-only.eml`` is a
base64 cp1252 HTML body. Outlook ``.msg`` files are written by
``tests/helpers/outlook_msg.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import InputError, iter_chunks, iter_stream_chunks, read_mail
from iocdesk.extraction.importers._msg import read_msg
from tests.helpers.outlook_msg import Attached, OutlookMessage

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


# --- Outlook .msg (written by tests/helpers/outlook_msg.py: python-oxmsg cannot write them) ---


def outlook_phish() -> OutlookMessage:
    forwarded = OutlookMessage(
        subject="wire transfer",
        headers="From: ceo@inner-sender.example.net\r\nTo: finance@victim-corp.example\r\n",
        body="Pay at http://inner-payload.example.org/a",
    )
    return OutlookMessage(
        subject="Password expiry \u26a0",
        headers=(
            "Received: from mail.msg-relay.example.com ([203.0.113.88])\r\n"
            "From: IT <helpdesk@msg-sender.example.com>\r\n"
            "To: analyst@victim-corp.example\r\nCc: boss@victim-corp.example\r\n"
            "Reply-To: collect@msg-drop.example.com\r\n"
        ),
        body="see hxxp://plain-msg[.]example[.]com/x\r\n" + "padding line\r\n" * 400,  # > 4 KiB: a regular stream
        html=(
            '<p><a href="https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fmsg-safelinks.example.com'
            '%2Flogin&amp;data=05%7C01%7Canalyst%40victim-corp.example">Keep</a></p><td>10.9.8.7</td><td>10.9.8.6</td>'
        ),
        recipients=["analyst@victim-corp.example", "boss@victim-corp.example"],
        attachments=[
            Attached("iocs.txt", b"c2 45.33.32.200\n", "text/plain"),
            Attached(message=forwarded),
            Attached("fwd.eml", (DATA / "html-only.eml").read_bytes(), "message/rfc822"),
            Attached("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f.exe", b"MZ\x90\x00 6.6.6.6"),
        ],
    )


def test_outlook_msg_is_read_like_an_eml(tmp_path):
    path = tmp_path / "phish.msg"
    path.write_bytes(outlook_phish().to_bytes())
    with iter_chunks(path) as stream:
        assert stream.format == "msg" and stream.title == "Password expiry \u26a0"
        list(stream)
    found = indicators(path, name="phish.msg")
    assert found["helpdesk@msg-sender.example.com"] == {"phish.msg, header From"}
    assert found["collect@msg-drop.example.com"] == {"phish.msg, header Reply-To"}
    assert found["203.0.113.88"] == {"phish.msg, header Received"}
    assert found["http://plain-msg.example.com/x"] == {"phish.msg, body (text/plain)"}
    assert found["https://msg-safelinks.example.com/login"] == {"phish.msg, body (text/html)"}
    assert {"10.9.8.7", "10.9.8.6"} <= set(found)  # HTML to text as for an .eml
    assert found["45.33.32.200"] == {"phish.msg, attachment 1 (iocs.txt)"}
    assert found["ceo@inner-sender.example.net"] == {"phish.msg, attachment 2, header From"}
    assert found["http://inner-payload.example.org/a"] == {"phish.msg, attachment 2, body (text/plain)"}
    assert found["http://html-only-link.example.com/x"] == {"phish.msg, attachment 3, part 1 (text/html)"}
    assert "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f" in found  # a binary's name
    assert "6.6.6.6" not in found  # ... never its content
    assert not RECIPIENTS & set(found)


def test_a_small_msg_is_recognised_without_its_extension(tmp_path):
    path = tmp_path / "attachment.bin"
    path.write_bytes(OutlookMessage(subject="s", body="c2 at 45.33.32.201").to_bytes())
    with iter_chunks(path) as stream:
        assert stream.format == "msg"
        assert "45.33.32.201" in "".join(chunk.text for chunk in stream)


def test_bad_msg_files_raise_one_clear_input_error(tmp_path):
    good = outlook_phish().to_bytes()
    cases = {
        "text.msg": (b"just some text 1.2.3.4\n", "text.msg: not an Outlook message (.msg)"),
        "truncated.msg": (good[:1536], "truncated.msg: not a readable Outlook message"),
        "garbage.msg": (good[:512] + bytes(range(256)) * 8, "garbage.msg: not a readable Outlook message"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError) as caught:
            list(iter_chunks(path, name=name))
        assert str(caught.value).startswith(message), str(caught.value)
    with pytest.raises(InputError, match=r"^big\.msg: the file is too large"):
        iter_chunks(tmp_path / "truncated.msg", name="big.msg", max_bytes=100)
    eml_named_msg = tmp_path / "saved.msg"  # an .eml saved with the wrong name is still read
    eml_named_msg.write_bytes(PHISH.read_bytes())
    with iter_chunks(eml_named_msg) as stream:
        assert stream.format == "eml"
        list(stream)


def test_a_mail_or_msg_over_the_time_budget_is_refused():
    ticks = iter(range(1000))

    def clock() -> float:  # a fake clock: one second a call
        return float(next(ticks))

    with pytest.raises(InputError, match=r"^slow\.eml: reading the message took longer than 3 s"):
        read_mail(PHISH.read_bytes(), name="slow.eml", clock=clock, budget=3)
    with pytest.raises(InputError, match=r"^slow\.msg: reading the message took longer than 3 s"):
        read_msg(outlook_phish().to_bytes(), name="slow.msg", clock=clock, budget=3)
