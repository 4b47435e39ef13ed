"""Excel workbooks (.xlsx/.xlsm) via openpyxl, and Office look-alikes (internal).

openpyxl reads every part through ``_xlsx_guard.GuardedZip``: the limits on what a workbook may
unpack to (sizes, Excel's rows, cells and characters, memory held) and the time budget are
described there.
"""

from __future__ import annotations

import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO

from iocdesk.extraction.importers._common import SUPPORTED, InputError
from iocdesk.extraction.importers._detect import XLSX_EXTENSIONS, binary_error
from iocdesk.extraction.importers._table import table_chunks
from iocdesk.extraction.importers._text import ByteReader
from iocdesk.extraction.importers._xlsx_guard import TIME_BUDGET, Guard, GuardedZip, Limits
from iocdesk.extraction.importers._xlsx_links import link_chunks, sheet_parts
from iocdesk.indicators.types import TextChunk

if TYPE_CHECKING:
    from openpyxl import Workbook

MIN_NUMBER_DIGITS = 6  # integral numbers with fewer digits are not read

_SAVE_AS = "open it in Excel and save it as .xlsx or CSV"


def _corrupt(name: str) -> InputError:
    return InputError(f"{name}: not a valid Excel workbook (corrupt or truncated)")


def check_zip(fh: BinaryIO, name: str, extension: str, max_bytes: int | None) -> None:
    """Return if the ZIP file ``fh`` is an Excel workbook; raise InputError otherwise.

    A workbook is refused here, before anything is inflated, when its parts are declared to
    unpack to more than the guard's limits (or ``max_bytes`` in all).
    """
    guard = Guard(name)
    guard.check_directory(fh)  # before zipfile lists it
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
        guard.check_sizes(list(infos.values()), max_bytes)
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


def xlsx_chunks(
    fh: BinaryIO,
    name: str,
    *,
    max_unpacked: int | None = None,
    limits: Limits | None = None,
    clock: Callable[[], float] = time.monotonic,
    budget: float = TIME_BUDGET,
) -> Iterator[TextChunk]:
    """Every worksheet's cells, then the link targets; ``budget`` seconds for all of it."""
    guard = Guard(name, limits=limits, clock=clock, budget=budget)
    try:
        archive = GuardedZip(fh, guard, max_total=max_unpacked)
        try:
            workbook = _load(fh, archive)
        except BaseException:
            archive.close()
            raise
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
                    _timed(rows, guard), file=name, sheet=sheet.title, to_text=cell_text, letter_and_header=True
                )
            except InputError:
                raise
            except Exception as exc:
                raise InputError(f"{name}: sheet {sheet.title!r} is corrupt or truncated") from exc
        try:  # the same archive: each part is counted once (see GuardedZip)
            yield from link_chunks(archive, name)
        except InputError:
            raise
        except Exception as exc:  # zipfile/XML errors of every kind
            raise InputError(f"{name}: the workbook's links are corrupt or truncated") from exc
    finally:
        workbook.close()  # closes the archive


def _load(fh: BinaryIO, archive: GuardedZip) -> Workbook:
    """``load_workbook(read_only=True, data_only=True, keep_links=False)``, reading every part
    through ``archive``: openpyxl's own ZipFile of ``fh`` is used for nothing but its listing."""
    from openpyxl.reader.excel import ExcelReader  # imported here: text files don't pay for it

    archive.titles = _titles(archive)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = ExcelReader(fh, read_only=True, data_only=True, keep_links=False)
        reader.archive.close()
        reader.archive, reader.valid_files = archive, archive.namelist()
        reader.read()
    return reader.wb


def _titles(archive: GuardedZip) -> dict[str, str]:
    """Sheet part -> title, so that a limit passed while openpyxl loads the workbook names the sheet."""
    try:
        return {path: title for title, path in sheet_parts(archive, set(archive.namelist()))}
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a broken workbook part: openpyxl says so, the names were only for messages
        return {}


def _timed(rows: Iterable[Sequence[object]], guard: Guard) -> Iterator[tuple[int, Sequence[object]]]:
    """Rows numbered from 1, within the time budget (openpyxl makes up the rows a sheet skips)."""
    for number, row in enumerate(rows, 1):
        guard.check_time()
        yield number, row
