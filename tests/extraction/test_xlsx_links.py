"""A workbook's links are read: a cell showing "see link" that links to a phishing URL yields
the URL (openpyxl's read-only mode loads neither hyperlinks nor, with cached values, formulas)."""

from __future__ import annotations

import openpyxl
import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import InputError, iter_chunks


def found(path) -> dict[str, list[str]]:
    collector = IndicatorCollector()
    with iter_chunks(path) as stream:
        collector.add_chunks(stream)
    return {i.value: [str(s) for s in i.sources] for i in collector.results()}


@pytest.fixture
def workbook(tmp_path):
    book = openpyxl.Workbook()
    mail = book.active
    mail.title = "Mail"
    mail["A1"], mail["B1"] = "subject", "where"
    mail["B2"] = "see link"
    mail["B2"].hyperlink = "https://evil-site.com/phish?id=7"
    mail["B3"] = '=HYPERLINK("http://second-evil.net/x?a=1&b=""","click here")'
    mail["B4"] = "jump"
    mail["B4"].hyperlink = "#Other!A1"  # a place in the workbook: no target to report
    other = book.create_sheet("Other")
    other["C9"] = "details"
    other["C9"].hyperlink = "hxxps://third-evil[.]org/payload"
    path = tmp_path / "links.xlsx"
    book.save(path)
    return path


def test_hyperlink_targets_and_formula_links_are_indicators_with_their_cell(workbook):
    values = found(workbook)
    assert values["https://evil-site.com/phish?id=7"] == [f"{workbook}, Mail, row 2, column B, link target"]
    assert values["http://second-evil.net/x?a=1&b="] == [f"{workbook}, Mail, row 3, column B, link target"]
    assert values["https://third-evil.org/payload"] == [f"{workbook}, Other, row 9, column C, link target"]
    assert not any("Other!A1" in v or v == "#other" for v in values)


def test_a_workbook_without_links_reads_as_before(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "evil-site.com"
    path = tmp_path / "plain.xlsx"
    book.save(path)
    assert list(found(path)) == ["evil-site.com"]


def test_broken_link_parts_are_one_clear_message(tmp_path, workbook):
    import zipfile

    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                data = data[: len(data) // 2]  # truncated XML
            target.writestr(info, data)
    with pytest.raises(InputError, match="corrupt or truncated"):  # openpyxl or the link reader says it
        found(broken)
