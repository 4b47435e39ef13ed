"""Vendor reports as PDF and Word documents: text, tables, link targets, and clear refusals."""

from __future__ import annotations

import zipfile

import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import InputError, iter_chunks
from iocdesk.extraction.importers._pdf import pdf_chunks
from tests.helpers import documents


def found(path) -> dict[str, list[str]]:
    collector = IndicatorCollector()
    with iter_chunks(path) as stream:
        collector.add_chunks(stream)
    return {i.value: [str(s) for s in i.sources] for i in collector.results()}


def test_pdf_pages_and_link_targets(tmp_path):
    path = documents.pdf(
        tmp_path / "report.pdf",
        ["The actor used evil-site[.]com and 185.220.101.4 (TA505).", "Stage two: hxxp://c2-host.net/gate.php"],
        links=[(1, "https://linked-evil.org/payload")],
    )
    values = found(path)
    assert values["evil-site.com"] == [f"{path}, page 1"]
    assert values["185.220.101.4"] == [f"{path}, page 1"]
    assert values["http://c2-host.net/gate.php"] == [f"{path}, page 2"]
    assert values["https://linked-evil.org/payload"] == [f"{path}, page 2"]  # the link's target, never opened


def test_a_pdf_is_read_by_content_whatever_its_name(tmp_path):
    path = documents.pdf(tmp_path / "report.txt", ["beacon to evil-site.com"])
    assert list(found(path)) == ["evil-site.com"]


def test_broken_and_oversized_pdfs_are_one_clear_message(tmp_path, monkeypatch):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(InputError, match="not a valid PDF"):
        found(broken)
    many = documents.pdf(tmp_path / "many.pdf", ["a"] * 4)
    monkeypatch.setattr("iocdesk.extraction.importers._pdf.MAX_PAGES", 3)
    with pytest.raises(InputError, match="4 pages; the limit is 3"):
        found(many)


def test_a_slow_pdf_stops_at_its_time_budget(tmp_path):
    path = documents.pdf(tmp_path / "slow.pdf", ["evil-site.com"] * 3)
    ticks = iter(range(0, 1000, 50))  # every look at the clock: 50 s later
    with path.open("rb") as fh, pytest.raises(InputError, match="took longer than 120 s"):
        list(pdf_chunks(fh, "slow.pdf", clock=lambda: next(ticks)))


def test_docx_paragraphs_tables_header_and_links(tmp_path):
    path = documents.docx(
        tmp_path / "report.docx",
        body=["The actor used evil-site[.]com."],
        table=[["C2", "hxxp://c2-host.net/gate.php"], ["hash", "44d88612fea8a8f36de82e1278abb02f"]],
        header="TLP:AMBER, questions to soc@corp-sec.org",
        link="https://linked-evil.org/payload",
    )
    values = found(path)
    assert values["evil-site.com"] == [f"{path}, body, paragraph 1"]
    assert values["http://c2-host.net/gate.php"] == [f"{path}, body, table row 1, cell 2, paragraph 1"]
    assert "44d88612fea8a8f36de82e1278abb02f" in values
    assert values["soc@corp-sec.org"] == [f"{path}, header 1, paragraph 1"]
    assert values["https://linked-evil.org/payload"] == [f"{path}, link target"]


def test_broken_and_bomb_docx_are_one_clear_message(tmp_path):
    broken = tmp_path / "memo.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError, match="not a valid Word document"):
        found(broken)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>" + " " * 3_000_000 + "</w:document>")
    with pytest.raises(InputError, match="unpacks to"), iter_chunks(bomb, max_bytes=1_000_000) as stream:
        list(stream)
