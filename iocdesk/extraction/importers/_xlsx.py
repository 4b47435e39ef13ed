"""Excel workbooks (.xlsx/.xlsm) via openpyxl, and Office look-alikes (internal)."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from iocdesk.extraction.importers._common import SUPPORTED, InputError, human_size
from iocdesk.extraction.importers._detect import XLSX_EXTENSIONS, binary_error
from iocdesk.extraction.importers._table import table_chunks
from iocdesk.extraction.importers._text import ByteReader
from iocdesk.extraction.importers._xlsx_links import link_chunks
from iocdesk.indicators.types import TextChunk

MIN_NUMBER_DIGITS = 6  # integral numbers with fewer digits are not read

_SAVE_AS = "open it in Excel and save it as .xlsx or CSV"


def _corrupt(name: str) -> InputError:
    return InputError(f"{name}: not a valid Excel workbook (corrupt or truncated)")


def check_zip(fh: BinaryIO, name: str, extension: str, max_bytes: int | None) -> None:
    """Return if the ZIP file ``fh`` is an Excel workbook; raise InputError otherwise."""
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in infos else b""
    except Exception as exc:  # BadZipFile, EOFError, struct/zlib errors, ...
        if extension in XLSX_EXTENSIONS:
            raise _corrupt(name) from exc
        raise binary_error(name, "ZIP archive, corrupt or truncated") from exc
    finally:
        fh.seek(0)
    if "xl/workbook.xml" in infos:
        shared = infos.get("xl/sharedStrings.xml")
        if shared is not None and max_bytes is not None and shared.file_size > max_bytes:
            raise InputError(
                f"{name}: the workbook's text table unpacks to {human_size(shared.file_size)}; "
                f"the limit is {human_size(max_bytes)}"
            )
        return
    if "xl/workbook.bin" in infos:
        raise InputError(f"{name}: Excel binary workbooks (.xlsb) are not supported; {_SAVE_AS}")
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise InputError(f"{name}: OpenDocument spreadsheets (.ods) are not supported; save it as .xlsx or CSV")
    if "word/document.xml" in infos:
        kind = "Word document (.docx)"
    elif "ppt/presentation.xml" in infos:
        kind = "PowerPoint presentation (.pptx)"
    elif mimetype.startswith(b"application/vnd.oasis.opendocument"):
        kind = "OpenDocument file"
    else:
        kind = "ZIP archive"
    if extension in XLSX_EXTENSIONS:
        raise InputError(f"{name}: not an Excel workbook (it is a {kind} with an Excel file name)")
    raise binary_error(name, kind)


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORKBOOK = "Workbook".encode("utf-16-le")
_OLE_SCAN_LIMIT = 256 << 20


def ole_error(reader: ByteReader, first: bytes, name: str, extension: str, seekable: bool) -> InputError:
    """The error for an OLE compound file: encrypted OOXML, legacy .xls, other."""
    data, seen = first, len(first)
    encrypted = workbook = False
    while True:
        encrypted = encrypted or _ENCRYPTED in data
        workbook = workbook or _WORKBOOK in data
        if encrypted or not seekable or seen >= _OLE_SCAN_LIMIT:
            break
        more = reader.read()
        if not more:
            break
        seen += len(more)
        data = data[-64:] + more
    if encrypted:
        return InputError(
            f"{name}: the workbook is password-protected (encrypted); "
            "remove the password in Excel (File > Info > Protect Workbook) and save it again"
        )
    if workbook:
        return InputError(f"{name}: legacy Excel 97-2003 workbooks (.xls) are not supported; {_SAVE_AS}")
    if extension in XLSX_EXTENSIONS:
        return InputError(f"{name}: not an Excel workbook (it is a legacy Office/OLE file); {_SAVE_AS}")
    return InputError(f"{name}: looks like a binary file (legacy Office/OLE document); {SUPPORTED}")


def cell_text(value: object) -> str | None:
    """Strings as they are; integral numbers of 6+ digits via str(); nothing else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if len(str(abs(value))) >= MIN_NUMBER_DIGITS else None
    if isinstance(value, float) and value.is_integer():
        digits = str(abs(int(value)))
        return str(int(value)) if len(digits) >= MIN_NUMBER_DIGITS else None
    return None


def xlsx_chunks(fh: BinaryIO, name: str) -> Iterator[TextChunk]:
    from openpyxl import load_workbook  # imported here: text files don't pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(fh, read_only=True, data_only=True, keep_links=False)
    except InputError:
        raise
    except Exception as exc:  # openpyxl/zipfile/XML errors of every kind
        raise _corrupt(name) from exc
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # trust the cells, not the recorded size
            try:
                rows = sheet.iter_rows(values_only=True)
                yield from table_chunks(
                    enumerate(rows, 1), file=name, sheet=sheet.title, to_text=cell_text, letter_and_header=True
                )
            except InputError:
                raise
            except Exception as exc:
                raise InputError(f"{name}: sheet {sheet.title!r} is corrupt or truncated") from exc
    finally:
        workbook.close()
    try:  # after the cells: openpyxl has let go of the file
        yield from link_chunks(fh, name)
    except Exception as exc:  # zipfile/XML errors of every kind
        raise InputError(f"{name}: the workbook's links are corrupt or truncated") from exc
