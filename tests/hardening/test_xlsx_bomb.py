"""Excel decompression bombs (issue 14, item 4): a 5.8 MB workbook inflating to 2 GB ran past
100 s at 2.6 GB, and held the watched folder while it did; one row of a million cells took 31 s.

The hostile workbooks are built here, deflated and small on disk. The limits themselves are in
``_xlsx_guard``: declared sizes are refused from the ZIP's directory before anything is
inflated; Excel's own limits (rows, cells, characters) and ours (what a reader holds) while each
part is counted; and a time budget. Limits that would need big files are lowered with
``small_limits``; a real bomb is measured in a fresh process (``benchmarks/xlsx_bomb.py``
prints the same figures against a revision before the fix).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import logging
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from benchmarks import xlsx_bomb
from benchmarks.xlsx_bomb import write_workbook
from iocdesk.extraction.importers import InputError, _xlsx_guard, iter_chunks
from iocdesk.extraction.importers._attached import document_chunks
from iocdesk.extraction.importers._xlsx import xlsx_chunks
from iocdesk.extraction.importers._xlsx_guard import CorruptPart, Guard, GuardedZip
from iocdesk.inbox.folder import FolderWatcher

MIB = 1 << 20
NOT_EXCEL = "past Excel's own limit: this workbook was not written by Excel"


def sheet(*rows: bytes | str) -> list[bytes]:
    """The pieces of a ``<sheetData>`` holding ``rows`` (row XML, bytes or text)."""
    return [b"<sheetData>", *(r.encode() if isinstance(r, str) else r for r in rows), b"</sheetData>"]


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def read(path: Path, **kwargs: object) -> list[str]:
    with iter_chunks(path, **kwargs) as stream:  # type: ignore[arg-type]  # max_bytes only
        return [chunk.text for chunk in stream]


def refusal(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        read(path, **kwargs)
    return str(info.value)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> _xlsx_guard.Limits:
    """Limits small enough for a test file; the messages say the lowered figures."""
    limits = dataclasses.replace(
        _xlsx_guard.LIMITS, rows=1000, shared_strings=1000, shared_chars=100_000, held_elements=1000, cells=5000
    )
    monkeypatch.setattr(_xlsx_guard, "LIMITS", limits)
    return limits


# --- a ZIP that states what we want about its parts ----------------------------------------


def raw_zip(path: Path, parts: dict[str, Iterable[bytes]], *, declared: dict[str, int], crc_of: int = -1) -> int:
    """A deflated ZIP whose directory states ``declared[name]`` as a part's inflated size.

    zipfile cannot write a lie, so the headers are written here. ``crc_of`` >= 0 stores the CRC
    of the first ``crc_of`` bytes only (the lie made consistent); else the CRC of all of it.
    """
    directory = []
    with open(path, "wb") as out:
        for name, blocks in parts.items():
            deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
            data, crc, prefix_crc, size = [], 0, 0, 0
            for block in blocks:
                if crc_of >= 0 and size < crc_of:
                    prefix_crc = zlib.crc32(block[: crc_of - size], prefix_crc)
                crc = zlib.crc32(block, crc)
                size += len(block)
                data.append(deflate.compress(block))
            data.append(deflate.flush())
            packed = b"".join(data)
            crc = prefix_crc if crc_of >= 0 and name in declared else crc
            stated = declared.get(name, size)
            offset = out.tell()
            encoded = name.encode()
            # version needed, flags, deflated, time, date, CRC, sizes packed and stated, name length, no extra
            header = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(packed), stated, len(encoded), 0)
            out.write(b"PK\x03\x04" + header + encoded + packed)
            # the same after "version made by", then no comment, disk 0, no attributes, where it starts
            directory.append(
                b"PK\x01\x02" + struct.pack("<H", 20) + header + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded
            )
        start = out.tell()
        table = b"".join(directory)
        out.write(table)
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(directory), len(directory), len(table), start, 0))
    return path.stat().st_size


def workbook_parts(tmp_path: Path, rows: Iterable[bytes]) -> dict[str, Iterable[bytes]]:
    """The parts of a minimal workbook (written by the benchmark's writer) with ``rows`` as its sheet."""
    model = tmp_path / "model.xlsx"
    write_workbook(model, sheet())
    with zipfile.ZipFile(model) as archive:
        parts: dict[str, Iterable[bytes]] = {name: [archive.read(name)] for name in archive.namelist()}
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{xlsx_bomb._MAIN}"><sheetData>'.encode()
    parts["xl/worksheets/sheet1.xml"] = itertools.chain([head], rows, [b"</sheetData></worksheet>"])
    return parts


def many_rows(size: int) -> Iterator[bytes]:
    """About ``size`` bytes of rows of three cells."""
    block = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c><c><v>2</v></c></row>' * 1000
    for _ in range(size // len(block)):
        yield block


# --- refused from the ZIP's directory -------------------------------------------------------


def test_a_part_declared_past_the_limit_is_refused_before_anything_is_inflated(tmp_path):
    path = tmp_path / "report.xlsx"
    # Stated 2 GiB, holding a few rows: any attempt to inflate it would end as "corrupt".
    raw_zip(path, workbook_parts(tmp_path, many_rows(100_000)), declared={"xl/worksheets/sheet1.xml": 2 << 30})
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        iter_chunks(path)  # refused when the file is opened, before any chunk is asked for
    assert str(info.value) == f"{path}: xl/worksheets/sheet1.xml unpacks to 2.0 GiB; the limit is 256.0 MiB"
    assert time.monotonic() - started < 1


def test_parts_declared_past_the_total_are_refused(tmp_path):
    path = tmp_path / "report.xlsx"
    parts = workbook_parts(tmp_path, many_rows(100_000))
    parts["xl/media/a.bin"] = [b"a"]
    parts["xl/media/b.bin"] = [b"b"]
    raw_zip(
        path,
        parts,
        declared={"xl/media/a.bin": 200 * MIB, "xl/media/b.bin": 200 * MIB, "xl/worksheets/sheet1.xml": 200 * MIB},
    )
    assert refusal(path).startswith(f"{path}: the workbook unpacks to 600.0 MiB; the limit is 512.0 MiB")
    small = tmp_path / "small.xlsx"  # the caller's limit, when smaller, is the total's
    write_workbook(small, sheet(*[f'<row r="{i}">{text_cell(f"A{i}", "x" * 100)}</row>' for i in range(1, 2001)]))
    assert "the workbook unpacks to" in refusal(small, max_bytes=100_000)
    assert "the limit is 97.7 KiB" in refusal(small, max_bytes=100_000)


@pytest.mark.parametrize("crc_of", [-1, 64 * 1024], ids=["crc-of-all", "crc-of-what-is-stated"])
def test_a_part_that_understates_its_size_is_cut_short_and_ends_as_corrupt(tmp_path, crc_of):
    # 64 MiB of rows stated as 64 KiB: zipfile inflates the 64 KiB and stops, then the CRC (or
    # the XML, cut short) fails. Never a long read, never the 64 MiB in memory.
    path = tmp_path / "liar.xlsx"
    raw_zip(
        path,
        workbook_parts(tmp_path, many_rows(64 * MIB)),
        declared={"xl/worksheets/sheet1.xml": 64 * 1024},
        crc_of=crc_of,
    )
    started = time.monotonic()
    message = refusal(path)
    assert message == f"{path}: not a valid Excel workbook (corrupt or truncated)"
    assert time.monotonic() - started < 2


def test_a_directory_of_too_many_parts_is_refused_before_it_is_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(_xlsx_guard, "LIMITS", dataclasses.replace(_xlsx_guard.LIMITS, directory_bytes=4096))
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(200):
            archive.writestr(f"xl/media/image{n}.png", b"")
    message = refusal(path)
    assert message.startswith(f"{path}: the ZIP archive lists too many parts (its table of contents is ")
    assert message.endswith("; the limit is 4.0 KiB)")


# --- Excel's own limits, counted as the part is read ----------------------------------------


def test_more_rows_than_the_limit(tmp_path, small_limits):
    path = tmp_path / "rows.xlsx"
    write_workbook(path, sheet(*[f"<row>{text_cell('A1', 'x')}</row>" for _ in range(1001)]))
    assert refusal(path) == f"{path}: sheet 'Sheet1' has more than 1,000 rows, {NOT_EXCEL}"
    write_workbook(path, sheet(f'<row r="1001">{text_cell("A1001", "x")}</row>'))
    assert refusal(path) == f"{path}: sheet 'Sheet1' has a row 1,001, past row 1,000, {NOT_EXCEL}"
    write_workbook(path, sheet(*[f"<row>{text_cell('A1', 'x')}</row>" for _ in range(999)], '<row r="1000"/>'))
    assert read(path) == ["x"] * 999


def test_a_row_number_past_excels_last_row(tmp_path):
    # openpyxl makes up every row a sheet skips: row 500,000,000 would be that many empty rows
    path = tmp_path / "far.xlsx"
    write_workbook(path, sheet(f'<row r="1048577">{text_cell("A1048577", "far.example.com")}</row>'))
    assert refusal(path) == f"{path}: sheet 'Sheet1' has a row 1,048,577, past row 1,048,576, {NOT_EXCEL}"
    write_workbook(path, sheet(f'<row r="5e8">{text_cell("A1", "far.example.com")}</row>'))  # openpyxl takes floats
    assert refusal(path) == f"{path}: sheet 'Sheet1' has a row 500,000,000, past row 1,048,576, {NOT_EXCEL}"


def test_a_row_of_20000_cells(tmp_path):
    path = tmp_path / "wide.xlsx"
    write_workbook(path, sheet('<row r="1">' + "<c><v>123456</v></c>" * 20_000 + "</row>"))
    assert path.stat().st_size < 20_000
    assert refusal(path) == f"{path}: sheet 'Sheet1', row 1 has more than 16,384 cells, {NOT_EXCEL}"
    write_workbook(path, sheet('<row r="1">' + "<c><v>123456</v></c>" * 16_384 + "</row>"))
    assert len(read(path)) == 16_384


def test_a_cell_past_column_xfd(tmp_path):
    path = tmp_path / "wide.xlsx"
    write_workbook(path, sheet(f'<row r="1">{text_cell("XFE1", "x")}</row>'))
    assert refusal(path) == f"{path}: sheet 'Sheet1' has a cell XFE1, past column XFD, {NOT_EXCEL}"
    write_workbook(path, sheet(f'<row r="1">{text_cell("XFD1", "last-column.example.com")}</row>'))
    assert read(path) == ["last-column.example.com"]


def test_a_cell_longer_than_32767_characters(tmp_path):
    path = tmp_path / "long.xlsx"
    write_workbook(path, sheet(f'<row r="1">{text_cell("A1", "a" * 40_000)}</row>'))
    message = refusal(path)
    assert message == f"{path}: sheet 'Sheet1', row 1 holds a cell of more than 32,767 characters, {NOT_EXCEL}"
    # Excel writes a carriage return as _x000D_: 32,767 characters may be 7 times as long in the file
    text = "line_x000D_\n" * 5000  # 30,000 characters in Excel, 60,000 in the file
    write_workbook(path, sheet(f'<row r="1">{text_cell("A1", text)}</row>'))
    assert read(path) == [text]


def test_a_formula_longer_than_the_limit(tmp_path):
    path = tmp_path / "formula.xlsx"
    formula = "CONCAT(" + ",".join(['"a"'] * 6000) + ")"
    write_workbook(path, sheet(f'<row r="1"><c r="A1" t="str"><f>{formula}</f><v>aaa</v></c></row>'))
    assert refusal(path) == f"{path}: sheet 'Sheet1', row 1 holds a formula of more than 16,384 characters, {NOT_EXCEL}"


# --- the text table -------------------------------------------------------------------------


def strings(*texts: str) -> Iterator[bytes]:
    for text in texts:
        yield f"<si><t>{text}</t></si>".encode()


def test_a_text_table_of_too_many_strings(tmp_path, small_limits):
    path = tmp_path / "strings.xlsx"
    cell = ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    write_workbook(path, sheet(*cell), strings=strings(*(f"s{i}" for i in range(1001))))
    assert refusal(path) == f"{path}: xl/sharedStrings.xml holds more than 1,000 strings (the limit)"
    write_workbook(path, sheet(*cell), strings=strings(*("x" * 200 for _ in range(600))))
    assert (
        refusal(path)
        == f"{path}: xl/sharedStrings.xml holds more than 100,000 characters in all its strings (the limit)"
    )
    write_workbook(path, sheet(*cell), strings=strings("evil.example.com", *(f"s{i}" for i in range(999))))
    assert read(path) == ["evil.example.com"]


def test_a_shared_string_longer_than_32767_characters(tmp_path):
    path = tmp_path / "strings.xlsx"
    write_workbook(path, sheet('<row r="1"><c r="A1" t="s"><v>1</v></c></row>'), strings=strings("ok", "b" * 40_000))
    assert refusal(path) == f"{path}: xl/sharedStrings.xml, string 2 holds more than 32,767 characters, {NOT_EXCEL}"


def test_a_text_table_declared_past_the_callers_limit(tmp_path):
    path = tmp_path / "strings.xlsx"
    write_workbook(
        path,
        sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        strings=strings(*("x" * 1000 for _ in range(2000))),
    )
    assert "unpacks to" in refusal(path, max_bytes=1_000_000)


# --- what a reader holds at once ------------------------------------------------------------


def test_elements_held_outside_the_rows_and_in_a_part_read_whole(tmp_path, small_limits):
    path = tmp_path / "merged.xlsx"
    merged = "<mergeCells>" + '<mergeCell ref="A1:B2"/>' * 1001 + "</mergeCells>"
    write_workbook(path, [*sheet(f'<row r="1">{text_cell("A1", "x")}</row>'), merged.encode()])
    assert refusal(path) == f"{path}: sheet 'Sheet1' holds more than 1,000 XML elements outside its rows (the limit)"
    styles = f'<styleSheet xmlns="{xlsx_bomb._MAIN}"><cellXfs>' + "<xf/>" * 1001 + "</cellXfs></styleSheet>"
    write_workbook(path, sheet(f'<row r="1">{text_cell("A1", "x")}</row>'), styles=styles.encode())
    assert refusal(path) == f"{path}: xl/styles.xml holds more than 1,000 XML elements (the limit)"


def test_elements_held_in_one_row(tmp_path, small_limits):
    path = tmp_path / "runs.xlsx"
    runs = "<r><t>a</t></r>" * 600  # a rich text cell of 1,200 elements
    write_workbook(path, sheet(f'<row r="1"><c r="A1" t="inlineStr"><is>{runs}</is></c></row>'))
    assert refusal(path) == f"{path}: sheet 'Sheet1', row 1 holds more than 1,000 XML elements (the limit)"


def test_a_giant_comment_or_tag(tmp_path):
    path = tmp_path / "comment.xlsx"
    write_workbook(path, [b"<!-- " + b"x" * (2 * MIB) + b" -->", *sheet()])
    assert refusal(path) == f"{path}: sheet 'Sheet1' holds an XML tag or comment longer than 1.0 MiB (the limit)"


def test_a_dtd_is_refused_so_no_entity_is_ever_expanded(tmp_path):
    path = tmp_path / "laughs.xlsx"
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{xlsx_bomb._MAIN}"><si><t>&lol9;</t></si></sst>'  # "billion laughs"
    )
    write_workbook(path, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=[])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = laughs.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    started = time.monotonic()
    assert refusal(path) == (
        f"{path}: xl/sharedStrings.xml declares a DTD (<!DOCTYPE>), which no Office file has: "
        "this workbook was not written by Excel"
    )
    assert time.monotonic() - started < 2


# --- time -----------------------------------------------------------------------------------


def test_the_time_budget_ends_a_slow_workbook(tmp_path):
    path = tmp_path / "slow.xlsx"
    write_workbook(
        path, sheet(*[f'<row r="{i}">{text_cell(f"A{i}", f"host{i}.example.com")}</row>' for i in range(1, 301)])
    )
    ticks = itertools.count()  # one second at each look at the clock: the 300 rows take minutes
    with open(path, "rb") as fh, pytest.raises(InputError) as info:
        list(xlsx_chunks(fh, "slow.xlsx", clock=lambda: float(next(ticks)), budget=120))
    assert str(info.value) == "slow.xlsx: reading the workbook took longer than 120 s"
    with open(path, "rb") as fh:  # on a real clock it is read in a moment
        assert len(list(xlsx_chunks(fh, "slow.xlsx"))) == 300


# --- the reader gets exactly what was counted -----------------------------------------------


def test_a_part_changed_after_it_was_counted_is_corrupt():
    buffer = io.BytesIO()
    rows = "".join(f'<row r="{i}">{text_cell(f"A{i}", "x")}</row>' for i in range(1, 5000))  # several blocks
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{xlsx_bomb._MAIN}"><sheetData>{rows}</sheetData></worksheet>',
        )
    archive = GuardedZip(buffer, Guard("changed.xlsx"))
    with archive.open("xl/worksheets/sheet1.xml") as part:  # counted here, then read
        assert part.read(100).startswith(b"<worksheet")
    data = buffer.getbuffer()
    at = bytes(data).index(b"<sheetData>")
    data[at + 1 : at + 2] = b"S"  # rewritten under us: zipfile would see it only at the CRC, at the end
    del data
    with (
        archive.open("xl/worksheets/sheet1.xml") as part,
        pytest.raises(CorruptPart, match="changed while it was read"),
    ):
        part.read(100)


def test_links_are_read_from_sheets_with_formulas_and_from_macro_sheets(tmp_path):
    # The links pass skips a worksheet the count found no formula or hyperlink in: only that.
    path = tmp_path / "links.xlsx"
    formula = '<c r="B2" t="str"><f>HYPERLINK("http://formula-link.example.com/a","go")</f><v>go</v></c>'
    write_workbook(path, sheet(f'<row r="2">{formula}</row>'))
    assert read(path) == ["go", "http://formula-link.example.com/a"]
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (  # an Excel 4.0 macro sheet, read as a worksheet
        f'<xm:macrosheet xmlns="{xlsx_bomb._MAIN}" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        f'<sheetData><row r="2">{formula}</row></sheetData></xm:macrosheet>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert read(path) == ["go", "http://formula-link.example.com/a"]


def test_openpyxl_surprises_become_input_error(tmp_path, monkeypatch):
    from openpyxl.reader.excel import ExcelReader

    path = tmp_path / "report.xlsx"
    write_workbook(path, sheet(f'<row r="1">{text_cell("A1", "x")}</row>'))

    def explode(self: object) -> None:
        raise KeyError("There is no item named 'xl/sharedStrings.xml' in the archive")

    monkeypatch.setattr(ExcelReader, "read", explode)
    with pytest.raises(InputError) as info:
        read(path)
    assert str(info.value) == f"{path}: not a valid Excel workbook (corrupt or truncated)"
    assert isinstance(info.value.__cause__, KeyError)


# --- the same guard for workbooks attached to mails, and Word documents ---------------------


def test_a_bomb_attached_to_a_mail_is_skipped(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    path = tmp_path / "attached.xlsx"
    write_workbook(path, sheet('<row r="1">' + "<c><v>123456</v></c>" * 20_000 + "</row>"))
    assert list(document_chunks(path.read_bytes(), "phish.eml", "part 2 (invoice.xlsx)")) == []
    assert "row 1 has more than 16,384 cells" in caplog.text


def test_word_documents_have_the_same_guard(tmp_path):
    memo = tmp_path / "memo.docx"
    parts = {
        "[Content_Types].xml": [b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
        "word/document.xml": many_rows(10_000),
    }
    raw_zip(memo, parts, declared={"word/document.xml": 300 * MIB})
    assert refusal(memo) == f"{memo}: word/document.xml unpacks to 300.0 MiB; the limit is 256.0 MiB"
    with zipfile.ZipFile(memo, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", '<!DOCTYPE w [<!ENTITY e "x">]><w:document xmlns:w="urn:w">&e;</w:document>'
        )
    assert refusal(memo) == (
        f"{memo}: word/document.xml declares a DTD (<!DOCTYPE>), which no Office file has: "
        "this document was not written by Word"
    )


# --- the watched folder goes on ---------------------------------------------------------------


def test_a_bomb_in_the_watched_folder_fails_and_the_next_file_is_still_read(tmp_path):
    import os

    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    bomb = inbox_dir / "bomb.xlsx"
    write_workbook(bomb, sheet('<row r="1">' + "<c><v>123456</v></c>" * 1_000_000 + "</row>"))  # the issue's
    good = inbox_dir / "good.xlsx"
    write_workbook(good, sheet(f'<row r="1">{text_cell("A1", "after-the-bomb.example.com")}</row>'))
    os.utime(bomb, (time.time() - 60, time.time() - 60))  # the bomb first, the good file dropped after it
    os.utime(good, (time.time() - 30, time.time() - 30))
    alerts = []
    started = time.monotonic()

    handled = FolderWatcher(inbox_dir, alerts.append, settle=0).scan_once()

    assert time.monotonic() - started < 10
    assert handled == [inbox_dir / "failed" / "bomb.xlsx", inbox_dir / "done" / "good.xlsx"]
    reason = (inbox_dir / "failed" / "bomb.xlsx.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith(f"bomb.xlsx: sheet 'Sheet1', row 1 has more than 16,384 cells, {NOT_EXCEL} (at ")
    assert [{i.value for i in alert.indicators} for alert in alerts] == [{"after-the-bomb.example.com"}]


# --- a real bomb, in a fresh process ----------------------------------------------------------


def bomb_rows(kind: str) -> Iterator[bytes]:
    if kind == "sheet-300mb":  # past the part limit: refused from the directory
        yield from many_rows(300 * 1000 * 1000)
    elif kind == "row-250mb":  # one row of 12 million cells: refused at the 16,385th
        yield b'<row r="1">'
        for _ in range(12_500):
            yield b"<c><v>123456</v></c>" * 1000
        yield b"</row>"
    else:  # one cell of 250 million characters: refused at the 32,768th
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        for _ in range(250):
            yield b"A" * 1_000_000
        yield b"</t></is></c></row>"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak RSS as Linux reports it (ru_maxrss in KiB)")
@pytest.mark.parametrize("kind", ["sheet-300mb", "row-250mb", "cell-250mb"])
def test_a_real_bomb_fails_fast_in_little_memory(tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    write_workbook(path, itertools.chain([b"<sheetData>"], bomb_rows(kind), [b"</sheetData>"]))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size >= 250_000_000
    assert path.stat().st_size < 2_000_000
    run = xlsx_bomb.measure(xlsx_bomb.extract_command(path), timeout=60)
    assert run["status"] == 2 and not run["timed_out"]
    assert str(path) in str(run["message"])
    assert float(run["seconds"]) < 20  # before: minutes
    assert float(run["peak_rss_mb"]) < 400  # before: gigabytes
