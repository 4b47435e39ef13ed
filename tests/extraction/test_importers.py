"""Importers: files and pasted text -> TextChunk(text, Source) through the public API."""

from __future__ import annotations

import codecs
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.reader.excel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iocdesk.extraction import importers
from iocdesk.extraction.importers import (
    CHUNK_CHARS,
    DEFAULT_MAX_BYTES,
    ChunkStream,
    InputError,
    decode_bytes,
    iter_chunks,
    iter_stream_chunks,
    iter_text_chunks,
)
from iocdesk.indicators.types import Source, TextChunk

DATA = Path(__file__).parent.parent / "data" / "importers"
SUPPORTED = "iocdesk reads text, CSV, TSV, XLSX, JSON, e-mail (.eml, .msg), PDF and Word (.docx)"


def read(path: Path | str, **kwargs) -> list[TextChunk]:
    with iter_chunks(path, **kwargs) as stream:
        return list(stream)


def texts(path: Path | str, **kwargs) -> list[str]:
    return [c.text for c in read(path, **kwargs)]


def cells(path: Path | str, **kwargs) -> list[tuple[str, int | None, str | None]]:
    return [(c.text, c.source.row, c.source.column) for c in read(path, **kwargs)]


def error(path: Path | str, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        read(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return info.value


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")


# --- the module itself ------------------------------------------------------------


def test_public_api_and_defaults():
    assert DEFAULT_MAX_BYTES == 1 << 30
    assert CHUNK_CHARS == 1 << 20
    assert issubclass(InputError, Exception)
    for name in ("InputError", "iter_chunks", "iter_text_chunks", "iter_stream_chunks", "decode_bytes", "ChunkStream"):
        assert name in importers.__all__
        assert name in importers.__doc__


def test_no_qt_requests_or_openpyxl_on_import():
    code = (
        "import sys, iocdesk.extraction.importers\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'requests', 'openpyxl')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- plain text and encodings ------------------------------------------------------


def test_plain_text_mixed_line_endings(tmp_path):
    path = write(tmp_path, "notes.txt", b"first 1.2.3.4\r\nsecond evil.example\rthird\nfourth")
    with iter_chunks(path) as stream:
        chunks = list(stream)
        assert stream.format == "text"
        assert stream.name == str(path)
    assert [c.text for c in chunks] == ["first 1.2.3.4\nsecond evil.example\nthird\nfourth"]
    assert chunks[0].source == Source(file=str(path))


@pytest.mark.parametrize("name", ["a.log", "a.md", "a.html", "no_extension", "a.weird"])
def test_text_by_extension_and_unknown(tmp_path, name):
    path = write(tmp_path, name, "<p>see http://evil.example/x and 203.0.113.9</p>\n")
    assert texts(path) == ["<p>see http://evil.example/x and 203.0.113.9</p>\n"]


def test_name_overrides_path_in_sources_and_messages(tmp_path):
    path = write(tmp_path, "x.txt", "evil.example\n")
    assert read(path, name="upload.txt")[0].source.file == "upload.txt"
    with pytest.raises(InputError, match=r"^missing\.txt: "):
        iter_chunks(tmp_path / "nope.txt", name="missing.txt")


def test_utf8_bom_is_stripped(tmp_path):
    path = write(tmp_path, "bom.txt", codecs.BOM_UTF8 + "café evil.example\n".encode())
    assert texts(path) == ["café evil.example\n"]


def test_utf16le_bom_tsv_excel_unicode_text(tmp_path):
    # Excel "Unicode text" export: UTF-16LE with BOM, tab separated, CRLF, .txt.
    table = "Host\tIOC\tNote\r\nws1\t198.51.100.7\tsee http://a.example/,x\r\nws2\tevil.example\t\r\n"
    path = write(tmp_path, "export.txt", codecs.BOM_UTF16_LE + table.encode("utf-16-le"))
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.row, c.source.column) for c in stream]
        assert stream.format == "csv"
    assert found == [("198.51.100.7", 2, "IOC"), ("evil.example", 3, "IOC")]


def test_utf16be_bom(tmp_path):
    path = write(tmp_path, "be.txt", codecs.BOM_UTF16_BE + "naïve 203.0.113.5\n€\n".encode("utf-16-be"))
    assert texts(path) == ["naïve 203.0.113.5\n€\n"]


def test_utf16le_without_bom_is_recognised(tmp_path):
    path = write(tmp_path, "nobom.txt", "plain 203.0.113.5 evil.example\n".encode("utf-16-le"))
    assert texts(path) == ["plain 203.0.113.5 evil.example\n"]


def test_cp1252_fallback(tmp_path):
    path = write(tmp_path, "win.txt", "Résumé: 5 € paid to evil.example\r\n".encode("cp1252"))
    assert texts(path) == ["Résumé: 5 € paid to evil.example\n"]


def test_utf8_char_and_crlf_straddling_read_blocks(tmp_path):
    block = 1 << 20
    # "é" (2 bytes) starts on the last byte of the first block; a CRLF straddles the second.
    head = b"a" * (block - 1) + "é".encode()
    middle = b"b" * (2 * block - len(head) - 1) + b"\r\n" + b"tail evil.example"
    path = write(tmp_path, "straddle.txt", head + middle)
    text = "".join(texts(path))
    assert "\ufffd" not in text and "Ã" not in text
    assert text == ("a" * (block - 1) + "é" + "b" * (2 * block - len(head) - 1) + "\ntail evil.example")


def test_cp1252_after_utf8_beyond_first_block(tmp_path):
    line = "utf-8 ok: naïve evil.example\n"
    body = (line * (2_500_000 // len(line))).encode()
    path = write(tmp_path, "late.txt", body + "then cp1252: 10 € to bad.example\n".encode("cp1252"))
    text = "".join(texts(path))
    assert text.startswith(line) and text.count("naïve") == len(body.decode()) // len(line)
    assert text.endswith("then cp1252: 10 € to bad.example\n")


def test_large_text_streams_in_line_bounded_chunks(tmp_path):
    line = "2024-05-01T10:00:00Z conn 10.0.0.1 -> 203.0.113.9 host=evil.example\n"
    count = 3_500_000 // len(line) + 1
    path = write(tmp_path, "big.log", line * count)
    chunks = read(path)
    assert len(chunks) >= 3
    assert all(len(c.text) <= CHUNK_CHARS for c in chunks)
    assert all(c.text.endswith("\n") for c in chunks)  # never cut inside a line
    assert "".join(c.text for c in chunks) == line * count
    assert {c.source for c in chunks} == {Source(file=str(path))}


def test_text_memory_stays_flat(tmp_path):
    line = "x" * 70 + " 198.51.100.7\n"
    path = write(tmp_path, "flat.log", line * (20_000_000 // len(line)))
    tracemalloc.start()
    try:
        total = 0
        for chunk in iter_chunks(path):
            total += len(chunk.text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == path.stat().st_size
    assert peak < 10 * CHUNK_CHARS  # a handful of chunks, not the 20 MB file


def test_enormous_single_line_is_split_on_whitespace(tmp_path):
    words = [f"w{i}.example" for i in range(250_000)]
    line = " ".join(words)  # ~3 MB without a line break
    path = write(tmp_path, "oneline.txt", line)
    chunks = texts(path)
    assert len(chunks) >= 2 and all(len(c) <= CHUNK_CHARS for c in chunks)
    assert "".join(chunks) == line
    assert all(c.endswith(" ") for c in chunks[:-1])  # no word cut in two


# --- iter_text_chunks and decode_bytes ---------------------------------------------


def test_iter_text_chunks_small_and_empty():
    src = Source(file="paste")
    assert list(iter_text_chunks("evil.example 1.2.3.4", src)) == [TextChunk("evil.example 1.2.3.4", src)]
    assert list(iter_text_chunks("evil.example")) == [TextChunk("evil.example", Source())]
    assert list(iter_text_chunks("")) == []
    assert list(iter_text_chunks(" \n\t ")) == []


def test_iter_text_chunks_line_boundaries():
    text = "".join(f"line {i} 203.0.113.{i % 250}\n" for i in range(400_000))  # ~9 MB
    chunks = list(iter_text_chunks(text))
    assert len(chunks) > 5
    assert all(len(c.text) <= CHUNK_CHARS and c.text.endswith("\n") for c in chunks)
    assert "".join(c.text for c in chunks) == text


def test_iter_text_chunks_long_lines_whitespace_then_hard():
    chunks = [c.text for c in iter_text_chunks("short\n" + "aaaa bbbb cccc dddd\nend", chunk_chars=10)]
    assert "".join(chunks) == "short\naaaa bbbb cccc dddd\nend"
    assert chunks[:3] == ["short\n", "aaaa bbbb ", "cccc dddd\n"]
    hard = [c.text for c in iter_text_chunks("x" * 25, chunk_chars=10)]
    assert hard == ["x" * 10, "x" * 10, "x" * 5]
    mac = [c.text for c in iter_text_chunks("one\rtwo\rthree\r", chunk_chars=9)]
    assert mac == ["one\rtwo\r", "three\r"]


def test_decode_bytes():
    assert decode_bytes(b"") == ""
    assert decode_bytes(codecs.BOM_UTF8 + b"a\r\nb") == "a\nb"
    assert decode_bytes(codecs.BOM_UTF16_LE + "évil\n".encode("utf-16-le")) == "évil\n"
    assert decode_bytes(codecs.BOM_UTF16_BE + "évil".encode("utf-16-be")) == "évil"
    assert decode_bytes("€ café".encode("cp1252")) == "€ café"
    with pytest.raises(InputError, match=r"^<stdin>: looks like a binary file"):
        decode_bytes(b"\x7fELF\x02\x01\x01\x00", name="<stdin>")


def test_stream_input(tmp_path):
    stream = iter_stream_chunks(io.BytesIO(b"pasted 203.0.113.1\r\n"))
    assert isinstance(stream, ChunkStream)
    assert [(c.text, c.source.file) for c in stream] == [("pasted 203.0.113.1\n", "<stdin>")]
    wrapper = io.TextIOWrapper(io.BytesIO(b"a,IOC\nx,evil.example\n"))
    assert [c.text for c in iter_stream_chunks(wrapper, name="-")] == ["evil.example"]
    with pytest.raises(InputError, match=r"^<stdin>: the input is empty$"):
        iter_stream_chunks(io.BytesIO(b""))
    big = iter_stream_chunks(io.BytesIO(b"x\n" * 3_000_000), max_bytes=4_000_000)
    with pytest.raises(InputError, match=r"^<stdin>: the input is larger than the limit of 3\.8 MiB$"):
        list(big)


def test_workbook_from_a_pipe_is_refused(tmp_path):
    data = (make_workbook(tmp_path)).read_bytes()

    class Pipe(io.RawIOBase):
        def __init__(self):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with pytest.raises(InputError, match="cannot be read from a pipe; pass the file path"):
        iter_stream_chunks(io.BufferedReader(Pipe()))
    # A seekable stream (stdin redirected from a file) works.
    assert "198.51.100.7" in [c.text for c in iter_stream_chunks(io.BytesIO(data))]


# --- files that cannot be read -----------------------------------------------------


def test_missing_file(tmp_path):
    exc = error(tmp_path / "absent.csv")
    assert str(exc) == f"{tmp_path / 'absent.csv'}: no such file"
    assert isinstance(exc.__cause__, FileNotFoundError)


def test_directory(tmp_path):
    assert str(error(tmp_path)) == f"{tmp_path}: is a directory, not a file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod-000 file")
def test_permission_denied_chmod_000(tmp_path):
    path = write(tmp_path, "secret.txt", "evil.example")
    path.chmod(0)
    try:
        assert str(error(path)) == f"{path}: permission denied"
    finally:
        path.chmod(0o600)


def test_permission_denied_on_open(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", "evil.example")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(importers, "open", deny, raising=False)
    exc = error(path)
    assert str(exc) == f"{path}: permission denied"
    assert isinstance(exc.__cause__, PermissionError)


def test_empty_file(tmp_path):
    path = write(tmp_path, "empty.csv", b"")
    assert str(error(path)) == f"{path}: the file is empty"


def test_whitespace_only_file_gives_no_chunks(tmp_path):
    assert read(write(tmp_path, "blank.txt", "\n\n  \n")) == []


def test_too_large(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 5000)
    exc = error(path, max_bytes=4096)
    assert str(exc) == f"{path}: the file is too large (4.9 KiB; the limit is 4.0 KiB)"
    assert texts(path, max_bytes=None) == ["x" * 5000]
    assert texts(path, max_bytes=5000) == ["x" * 5000]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("name", "data", "described"),
    [
        ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 57, "ELF executable"),
        (
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50,
            "Windows executable (PE/MZ)",
        ),
        ("image.png", PNG, "PNG image"),
        ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
        ("logs.gz", b"\x1f\x8b\x08\x00" + bytes(range(200)), "gzip archive"),
        ("capture.txt", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\x00" * 16, "packet capture (pcap)"),
        ("Security.evtx", b"ElfFile\x00" + b"\x00" * 100, "Windows event log (.evtx)"),
        ("blob.dat", b"text then a NUL\x00 byte", "contains NUL bytes"),
        ("noise.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 10 + b"abc", "control characters"),
    ],
)
def test_binary_files_are_refused(tmp_path, name, data, described):
    path = write(tmp_path, name, data)
    message = str(error(path))
    assert message.startswith(f"{path}: looks like a binary file (")
    assert described in message
    assert message.endswith(f"; {SUPPORTED}")


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("iocs.txt", "evil.example\n")
    assert str(error(path)) == f"{path}: looks like a binary file (ZIP archive); {SUPPORTED}"
    renamed = tmp_path / "archive.xlsx"
    renamed.write_bytes(path.read_bytes())
    assert str(error(renamed)) == f"{renamed}: not an Excel workbook (it is a ZIP archive with an Excel file name)"
    docx = tmp_path / "memo.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert str(error(docx)) == f"{docx}: not a valid Word document (corrupt or truncated)"  # read since issue 13


def test_ods_and_xlsb_get_a_hint(tmp_path):
    ods = tmp_path / "sheet.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert "OpenDocument spreadsheets (.ods) are not supported" in str(error(ods))
    xlsb = tmp_path / "book.xlsb"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00\x01")
    assert "(.xlsb) are not supported" in str(error(xlsb))


# --- CSV / TSV ---------------------------------------------------------------------


def test_csv_fixture_ioc_value_column():
    path = DATA / "export.csv"
    assert cells(path) == [
        ("http://evil.example/a?x=1", 2, "IOC Value"),
        ("198.51.100.7", 3, "IOC Value"),
        ("bad.example", 4, "IOC Value"),  # the quoted two-line comment is one row
    ]


def test_csv_embedded_commas_newlines_and_no_gluing(tmp_path):
    data = 'http://evil.example/a,b.example,"x, y\nz 198.51.100.1",http://c.example/p?q=1\n1.2.3.4,,"",end\n'
    path = write(tmp_path, "raw.csv", data)
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.row, c.source.column) for c in stream]
        assert stream.format == "csv"
    assert found == [
        ("http://evil.example/a", 1, "A"),
        ("b.example", 1, "B"),
        ("x, y\nz 198.51.100.1", 1, "C"),
        ("http://c.example/p?q=1", 1, "D"),
        ("1.2.3.4", 2, "A"),
        ("end", 2, "D"),
    ]
    # A field never runs into its neighbour.
    assert not any("," in t and "evil.example" in t for t, *_ in found)


def test_csv_row_numbers_count_records_not_lines(tmp_path):
    data = 'h1,h2\r\n"a\r\nb\r\nc",x.example\r\n\r\nlast,y.example\r\n'
    path = write(tmp_path, "rows.csv", data)
    assert cells(path) == [
        ("h1", 1, "h1"),
        ("h2", 1, "h2"),
        ("a\nb\nc", 2, "h1"),
        ("x.example", 2, "h2"),
        ("last", 4, "h1"),
        ("y.example", 4, "h2"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "IOC",
        "iocs",
        "Indicator",
        "indicator_value",
        "IOC Value",
        "ioc-value",
        "Observable",
        "ARTIFACT",
        "value",
        " Value ",
    ],
)
def test_csv_indicator_header_names(tmp_path, header):
    path = write(tmp_path, "h.csv", f"Date,{header},Comment\n2024-01-01,evil.example,http://noise.example/\n")
    assert cells(path) == [("evil.example", 2, header.strip())]


def test_csv_several_indicator_columns(tmp_path):
    path = write(tmp_path, "two.csv", "IOC,Note,Observable\na.example,skip.example,b.example\n")
    assert cells(path) == [("a.example", 2, "IOC"), ("b.example", 2, "Observable")]


def test_csv_header_without_indicator_column_names_columns(tmp_path):
    path = write(tmp_path, "named.csv", "Source,Destination\n10.0.0.1,evil.example\n")
    assert cells(path) == [
        ("Source", 1, "Source"),
        ("Destination", 1, "Destination"),
        ("10.0.0.1", 2, "Source"),
        ("evil.example", 2, "Destination"),
    ]


def test_csv_without_header_uses_letters(tmp_path):
    path = write(tmp_path, "plain.csv", "evil.example,198.51.100.2\nd41d8cd98f00b204e9800998ecf8427e,x\n")
    assert cells(path) == [
        ("evil.example", 1, "A"),
        ("198.51.100.2", 1, "B"),
        ("d41d8cd98f00b204e9800998ecf8427e", 2, "A"),
        ("x", 2, "B"),
    ]


def test_csv_semicolon_dialect_is_sniffed(tmp_path):
    path = write(
        tmp_path, "eu.csv", "Datum;IOC;Anmerkung\n01.05.2024;http://evil.example/a,b;x\n02.05.2024;c.example;y\n"
    )
    assert [t for t, *_ in cells(path)] == ["http://evil.example/a,b", "c.example"]


def test_tsv_extension(tmp_path):
    path = write(tmp_path, "x.tsv", "ioc\tcomment\nevil.example\thttp://a.example/,b\n")
    assert cells(path) == [("evil.example", 2, "ioc")]


def test_delimited_txt_is_sniffed_but_prose_is_not(tmp_path):
    table = write(tmp_path, "table.txt", "host,ip\nws1,10.0.0.1\nws2,10.0.0.2\n")
    with iter_chunks(table) as stream:
        assert stream.format == "csv"
    prose = write(tmp_path, "prose.txt", "Hello analyst,\nthe host evil.example beaconed.\nRegards\n")
    with iter_chunks(prose) as stream:
        assert stream.format == "text"
    log = write(tmp_path, "app.log", "a,b\nc,d\ne,f\n")
    with iter_chunks(log) as stream:
        assert stream.format == "text"


def test_csv_huge_field(tmp_path):
    big = "evil.example " * 40_000  # 520 KB, above csv's default 128 KiB field limit
    path = write(tmp_path, "huge.csv", f'IOC,Note\n"{big}",x\n')
    chunks = read(path)
    assert "".join(c.text for c in chunks) == big
    assert {(c.source.row, c.source.column) for c in chunks} == {(2, "IOC")}


def test_csv_title_rows_above_header(tmp_path):
    path = write(
        tmp_path,
        "titled.csv",
        "Incident 42 http://title.example\n\nTime,Indicator,Note\n1,evil.example,noise.example\n",
    )
    assert cells(path) == [("Incident 42 http://title.example", 1, "A"), ("evil.example", 4, "Indicator")]


# --- XLSX --------------------------------------------------------------------------


def make_workbook(tmp_path: Path, name: str = "report.xlsx") -> Path:
    wb = openpyxl.Workbook()
    alerts = wb.active
    alerts.title = "Alerts"
    alerts.append(["Time", "IOC Value", "Comment"])
    alerts.append(["2024-05-01", "198.51.100.7", "not read: http://comment.example/"])
    alerts.append(["2024-05-02", '=CONCAT("evil",".example")', "formula above has no cached value"])
    alerts.append(["2024-05-03", 123456789012, None])
    raw = wb.create_sheet("Raw dump")
    raw["A1"] = "Incident 42"
    raw["B3"] = "http://evil.example/a,b"
    raw["C3"] = 1234567  # integral, 7 digits: read
    raw["D3"] = 12345  # integral, 5 digits: not read
    raw["E3"] = 1234567.5  # not integral: not read
    raw["F3"] = True
    raw["G3"] = datetime.datetime(2024, 5, 1, 12, 0)
    raw["H3"] = 98765432.0  # integral float: read as "98765432"
    raw["C5"] = "second.example"
    wb.create_sheet("Empty")
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_sheets_header_numbers_formulas(tmp_path):
    path = make_workbook(tmp_path)
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.sheet, c.source.row, c.source.column) for c in stream]
        assert stream.format == "xlsx"
    assert found == [
        ("198.51.100.7", "Alerts", 2, "B (IOC Value)"),
        ("123456789012", "Alerts", 4, "B (IOC Value)"),
        ("Incident 42", "Raw dump", 1, "A"),
        ("http://evil.example/a,b", "Raw dump", 3, "B"),
        ("1234567", "Raw dump", 3, "C"),
        ("98765432", "Raw dump", 3, "H"),
        ("second.example", "Raw dump", 5, "C"),
    ]
    assert all(c.source.file == str(path) for c in read(path))
    assert not any("CONCAT" in text for text, *_ in found)


def _patch_member(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    contents[member] = edit(contents[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in contents.items():
            archive.writestr(filename, data)


def test_xlsx_formula_cached_value_is_read_formula_text_never(tmp_path):
    path = make_workbook(tmp_path)

    def add_cached_value(xml: bytes) -> bytes:
        new, n = re.subn(
            rb'<c r="B3"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?', rb'<c r="B3" t="str"><f>\2</f><v>cached.example</v>', xml
        )
        assert n == 1
        return new

    _patch_member(path, "xl/worksheets/sheet1.xml", add_cached_value)
    found = texts(path)
    assert "cached.example" in found
    assert not any("CONCAT" in t or t.startswith("=") for t in found)


def test_xlsx_content_with_other_extension(tmp_path):
    path = make_workbook(tmp_path, "report.dat")
    assert "198.51.100.7" in texts(path)


def test_xlsm_extension(tmp_path):
    path = make_workbook(tmp_path, "macro.xlsm")
    assert "198.51.100.7" in texts(path)


@pytest.mark.parametrize("keep", [100, 1000, 3000, -200, -22])
def test_truncated_xlsx(tmp_path, keep):
    data = make_workbook(tmp_path).read_bytes()
    path = write(tmp_path, "cut.xlsx", data[:keep])
    exc = error(path)
    assert str(exc) == f"{path}: not a valid Excel workbook (corrupt or truncated)"
    assert exc.__cause__ is not None


def test_xlsx_with_corrupt_sheet_xml(tmp_path):
    path = make_workbook(tmp_path)
    _patch_member(path, "xl/worksheets/sheet2.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(
        InputError, match=r"report\.xlsx: (sheet 'Raw dump' is corrupt or truncated|not a valid Excel)"
    ) as info:
        read(path)
    assert info.value.__cause__ is not None


def test_xlsx_missing_workbook_part(tmp_path):
    path = make_workbook(tmp_path)
    _patch_member(path, "xl/workbook.xml", lambda xml: b"<not-a-workbook")
    exc = error(path)
    assert str(exc) == f"{path}: not a valid Excel workbook (corrupt or truncated)"


def test_xlsx_that_is_really_csv(tmp_path):
    path = write(tmp_path, "export.xlsx", "IOC\nevil.example\n")
    assert str(error(path)) == (
        f"{path}: not an Excel workbook (the content is text, perhaps CSV or HTML saved with an Excel name); "
        "rename it to .csv or .txt"
    )
    pdf = write(tmp_path, "scan.xlsx", b"%PDF-1.5\n")  # read by content: a PDF, here a broken one
    assert str(error(pdf)) == f"{pdf}: not a valid PDF (corrupt or truncated)"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole_file(stream_names: list[str], padding: int = 4096) -> bytes:
    entries = b"".join(n.encode("utf-16-le") + b"\x00" * (128 - 2 * len(n)) for n in ["Root Entry", *stream_names])
    return OLE + b"\x00" * 24 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * (padding - 38) + entries


def test_password_protected_xlsx(tmp_path):
    path = write(tmp_path, "locked.xlsx", _ole_file(["EncryptionInfo", "EncryptedPackage"], padding=2 << 20))
    message = str(error(path))
    assert message.startswith(f"{path}: the workbook is password-protected (encrypted); remove the password")


def test_legacy_xls(tmp_path):
    path = write(tmp_path, "old.xls", _ole_file(["Workbook", "SummaryInformation"]))
    assert str(error(path)) == (
        f"{path}: legacy Excel 97-2003 workbooks (.xls) are not supported; open it in Excel and save it as .xlsx or CSV"
    )
    other = write(tmp_path, "memo.doc", _ole_file(["WordDocument"]))
    assert "looks like a binary file (legacy Office/OLE document)" in str(error(other))


def test_openpyxl_surprises_become_input_error(tmp_path, monkeypatch):
    path = make_workbook(tmp_path)

    def explode(self):
        raise KeyError("There is no item named 'xl/sharedStrings.xml' in the archive")

    # the importer drives openpyxl's reader itself (over the guarded archive: issue 14)
    monkeypatch.setattr(openpyxl.reader.excel.ExcelReader, "read", explode)
    exc = error(path)
    assert str(exc) == f"{path}: not a valid Excel workbook (corrupt or truncated)"
    assert isinstance(exc.__cause__, KeyError)


@needs_proc
def test_file_handles_are_closed(tmp_path):
    workbook = make_workbook(tmp_path)
    text = write(tmp_path, "t.txt", "a\n" * 10)
    broken = write(tmp_path, "b.xlsx", workbook.read_bytes()[:-300])
    before = open_fds()
    for _ in range(3):
        list(iter_chunks(workbook))
        list(iter_chunks(text))
        with iter_chunks(workbook) as stream:
            next(stream)  # abandoned half way
        stream = iter_chunks(text)
        del stream  # never iterated
        with pytest.raises(InputError):
            iter_chunks(broken)
    assert open_fds() == before


# --- JSON and JSON Lines -----------------------------------------------------------


def test_json_alert_values_with_paths():
    path = DATA / "alert.json"
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.column) for c in stream]
        assert stream.format == "json"
    assert found == [
        ("ALERT-2024-0042", "$.id"),
        ("Beacon to known C2", "$.rule.name"),
        ("c2", "$.rule.tags[0]"),
        ("cobalt-strike", "$.rule.tags[1]"),
        ("10.1.2.3", "$.alerts[0].src_ip"),
        ("203.0.113.77", "$.alerts[0].dst_ip"),
        ("10.1.2.4", "$.alerts[1].src_ip"),
        ("hxxp://evil-c2[.]example/gate.php", "$.alerts[1].url"),
        ("evil-c2.example", "$.alerts[1].http.host"),
        ("WS-0117", '$["host.name"]'),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "$.files[0].sha256"),
        ("a.exe", "$.files[0].names[0]"),
        ("b.dll", "$.files[0].names[1]"),
        ("key that looks like an IP", '$["1.2.3.4"]'),
    ]  # keys and numbers are never chunks
    assert all(c.source.row is None and c.source.file == str(path) for c in read(path))


def test_json_scalar_and_deep_nesting(tmp_path):
    assert cells(write(tmp_path, "s.json", '"evil.example"')) == [("evil.example", None, "$")]
    deep = write(tmp_path, "deep.json", "[" * 30 + '"x.example"' + "]" * 30)
    assert cells(deep) == [("x.example", None, "$" + "[0]" * 30)]
    bomb = write(tmp_path, "bomb.json", "[" * 200_000 + "]" * 200_000)
    assert "nested too deeply" in str(error(bomb))


def test_malformed_json_reports_line_and_column(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "a": "x",\n  "b": [1, 2,,]\n}\n')
    exc = error(path)
    assert str(exc) == f"{path}: invalid JSON at line 3, column 14: Expecting value"
    assert isinstance(exc.__cause__, json.JSONDecodeError)


def test_jsonl_bad_line_is_reported_and_still_scanned(tmp_path):
    path = write(
        tmp_path,
        "events.jsonl",
        '{"ip": "198.51.100.1"}\n\n{"url": "http://evil.example/", oops}\n["a.example", {"b": "c.example"}]\n',
    )
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.row, c.source.column) for c in stream]
        assert stream.format == "jsonl"
        assert stream.warnings == [
            f"{path}: line 3: not valid JSON (Expecting property name enclosed in double quotes at column 33); read as plain text"
        ]
    assert found == [
        ("198.51.100.1", 1, "$.ip"),
        ('{"url": "http://evil.example/", oops}', 3, None),
        ("a.example", 4, "$[0]"),
        ("c.example", 4, "$[1].b"),
    ]


def test_jsonl_warnings_are_capped(tmp_path):
    path = write(tmp_path, "many.ndjson", '{"a": "x"}\n' + "{broken\n" * 30)
    stream = iter_chunks(path)
    assert len(list(stream)) == 31
    assert len(stream.warnings) == 21
    assert stream.warnings[-1] == "… and 10 more like these"


def test_eve_json_is_json_lines_with_a_truncated_line():
    path = DATA / "eve.json"
    with iter_chunks(path) as stream:
        found = [(c.text, c.source.row, c.source.column) for c in stream]
        assert stream.format == "jsonl"
        assert len(stream.warnings) == 1 and ": line 3: not valid JSON" in stream.warnings[0]
    assert ("c2.example.net", 2, "$.dns.rrname") in found
    assert ("198.51.100.20", 2, "$.dns.answers[0].rdata") in found
    assert ("cdn.example.org", 4, "$.tls.sni") in found
    assert any(row == 3 and column is None and "c2.example.net" in text for text, row, column in found)


def test_json_lines_sniffed_in_log_and_json_in_txt(tmp_path):
    log = write(tmp_path, "app.log", '{"msg": "login", "ip": "198.51.100.3"}\n{"msg": "x", "ip": "198.51.100.4"}\n')
    with iter_chunks(log) as stream:
        assert stream.format == "jsonl"
        assert [(c.text, c.source.row) for c in stream if c.source.column == "$.ip"] == [
            ("198.51.100.3", 1),
            ("198.51.100.4", 2),
        ]
    doc = write(tmp_path, "paste.txt", '{"url": "http:\\/\\/evil.example\\/x"}')
    assert cells(doc) == [("http://evil.example/x", None, "$.url")]
    bracket_log = write(tmp_path, "b.txt", "[2024-05-01 10:00] evil.example\n[2024-05-01 10:01] x\n")
    with iter_chunks(bracket_log) as stream:
        assert stream.format == "text"


# --- nothing but chunks or InputError ----------------------------------------------

PREFIXES = [
    b"",
    b"PK\x03\x04",
    OLE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"{",
    b'{"a": "',
    b"IOC,Note\n",
    b"%PDF-",
]


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=600),
    extension=st.sampled_from(["", ".txt", ".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".xls", ".log", ".bin"]),
)
def test_random_bytes_give_chunks_or_input_error(fuzz_dir, prefix, body, extension):
    path = fuzz_dir / f"fuzz{extension}"
    path.write_bytes(prefix + body)
    try:
        with iter_chunks(path) as stream:
            for chunk in stream:
                assert isinstance(chunk, TextChunk) and isinstance(chunk.text, str) and chunk.text
            assert all(isinstance(w, str) and "\n" not in w for w in stream.warnings)
    except InputError as exc:
        assert str(exc).startswith(str(path) + ": ") and "\n" not in str(exc)


@settings(max_examples=40, deadline=None)
@given(keep=st.integers(min_value=1, max_value=6000), flip=st.integers(min_value=0, max_value=6000))
def test_damaged_workbooks_give_chunks_or_input_error(fuzz_dir, keep, flip):
    source = fuzz_dir / "source.xlsx"
    if not source.exists():
        make_workbook(fuzz_dir, "source.xlsx")
    data = bytearray(source.read_bytes())
    if flip < len(data):
        data[flip] ^= 0xFF
    path = fuzz_dir / "damaged.xlsx"
    path.write_bytes(bytes(data[: len(data) - keep]) if keep % 2 else bytes(data))
    try:
        for chunk in iter_chunks(path):
            assert isinstance(chunk, TextChunk)
    except InputError:
        pass


def test_csv_single_column_with_label_header(tmp_path):
    path = write(tmp_path, "domains.csv", "Domain\nevil.example\nbad.example\n")
    assert cells(path) == [("Domain", 1, "Domain"), ("evil.example", 2, "Domain"), ("bad.example", 3, "Domain")]


def test_csv_delimiter_with_most_consistent_fields_wins(tmp_path):
    eu = write(tmp_path, "eu2.csv", "01.05.2024;1,5;evil.example\n02.05.2024;2,5;bad.example\n")
    assert [c for _, _, c in cells(eu)] == ["A", "B", "C", "A", "B", "C"]
    us = write(tmp_path, "us.csv", "a;b,evil.example,x\nc;d,bad.example,y\n")
    assert [t for t, _, c in cells(us) if c == "B"] == ["evil.example", "bad.example"]
