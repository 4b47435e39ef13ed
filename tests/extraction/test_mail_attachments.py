"""PDF, Word and Excel documents attached to a mail (.eml or .msg) are read like the same files."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import openpyxl

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import iter_chunks
from tests.helpers.documents import docx, pdf
from tests.helpers.outlook_msg import Attached, OutlookMessage


def indicators(path: Path) -> dict[str, set[str]]:
    collector = IndicatorCollector()
    with iter_chunks(path, name=path.name) as stream:
        collector.add_chunks(stream)
    return {i.value: {str(s) for s in i.sources} for i in collector.results()}


def documents(tmp_path: Path) -> dict[str, bytes]:
    report = pdf(
        tmp_path / "r.pdf", ["APT report: C2 at 45.33.32.156", "stage 2 from hxxp://pdf-stage[.]example.net/b"]
    )
    word = docx(tmp_path / "w.docx", body=["Invoice portal: hxxps://docx-portal[.]example[.]org/pay"])
    book = openpyxl.Workbook()
    book.active.title = "IOCs"
    book.active.append(["indicator"])
    book.active.append(["xlsx-c2.example.com"])
    book.save(tmp_path / "b.xlsx")
    return {
        "report.pdf": report.read_bytes(),
        "invoice.docx": word.read_bytes(),
        "iocs.xlsx": (tmp_path / "b.xlsx").read_bytes(),
    }


MIME = {
    "report.pdf": ("application", "pdf"),
    "invoice.docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "iocs.xlsx": ("application", "octet-stream"),  # mail clients often send a generic type
}


def test_documents_attached_to_an_eml_are_read(tmp_path):
    mail = EmailMessage()
    mail["From"] = "vendor@intel-vendor.example.com"
    mail["To"] = "soc@victim.example"
    mail["Subject"] = "Weekly report"
    mail.set_content("Report attached.")
    for name, data in documents(tmp_path).items():
        maintype, subtype = MIME[name]
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path = tmp_path / "weekly.eml"
    path.write_bytes(bytes(mail))
    found = indicators(path)
    assert found["45.33.32.156"] == {"weekly.eml, part 2 (report.pdf), page 1"}
    assert found["http://pdf-stage.example.net/b"] == {"weekly.eml, part 2 (report.pdf), page 2"}
    assert any(s.startswith("weekly.eml, part 3 (invoice.docx)") for s in found["https://docx-portal.example.org/pay"])
    assert any(s.startswith("weekly.eml, part 4 (iocs.xlsx)") for s in found["xlsx-c2.example.com"])


def test_documents_attached_to_a_msg_are_read(tmp_path):
    attached = [Attached(name, data, "/".join(MIME[name])) for name, data in documents(tmp_path).items()]
    path = tmp_path / "fwd.msg"
    path.write_bytes(
        OutlookMessage(subject="fwd", headers="From: a@msg-sender.example.com\r\n", attachments=attached).to_bytes()
    )
    found = indicators(path)
    assert found["45.33.32.156"] == {"fwd.msg, attachment 1 (report.pdf), page 1"}
    assert "https://docx-portal.example.org/pay" in found
    assert "xlsx-c2.example.com" in found


def test_a_broken_attachment_is_skipped_and_the_mail_still_read(tmp_path):
    mail = EmailMessage()
    mail["From"] = "x@sender-broken.example.com"
    mail["Subject"] = "broken"
    mail.set_content("body link hxxp://body-link[.]example.com/x")
    mail.add_attachment(b"%PDF-1.4\nnot really a pdf", maintype="application", subtype="pdf", filename="bad.pdf")
    mail.add_attachment(b"PK\x03\x04 truncated zip", maintype="application", subtype="zip", filename="a.zip")
    path = tmp_path / "broken.eml"
    path.write_bytes(bytes(mail))
    found = indicators(path)
    assert "http://body-link.example.com/x" in found
    assert "x@sender-broken.example.com" in found
