"""Time and peak memory of ``iocdesk extract`` on Excel decompression bombs (issue 14, item 4).

    .venv/bin/python -m benchmarks.xlsx_bomb [--kinds sheet-2gb,row-1m-cells,...] [--timeout 150] [--json]

Each workbook is written to a temp folder (streamed: the benchmark holds none of it), then read
by ``iocdesk extract -f json`` in a fresh process whose wall-clock time and peak resident set
(``os.wait4``'s ``ru_maxrss``, from a small runner process) are reported with the first line it
printed on stderr (the refusal). A run past ``--timeout`` is killed and shown as "> N s". Kinds:

* ``sheet-2gb``: the issue's first bomb, a sheet inflating to ~2 GB (a few MB on disk);
* ``row-1m-cells``: the second, one row of a million cells (~50 KB on disk);
* ``normal-100k``: a normal large workbook as Excel writes it (a ``<dimension>``, shared
  strings), 100,000 rows of 5 columns, which must still be read, and about as fast;
* ``formulas-100k``: the same with a sixth column of formulas (a sheet with formulas or
  hyperlinks is read once more for its links);
* ``strings-2m``: a text table of 2,000,000 strings, the most ``MAX_SHARED_STRINGS`` lets
  through: the memory the limits allow, not a refusal;
* ``styles-64k``: styles at Excel's 64,000 formats (cell formats, styles and named styles, ~450,000
  elements), the largest part parsed whole that a real workbook has.

The default runs the first four. The command runs with this environment, so
``PYTHONPATH=/path/to/other/tree`` measures another version of iocdesk (e.g. ``git worktree add
/tmp/before <rev>``). POSIX only (``os.wait4``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

MB = 1_000_000
KINDS = ("sheet-2gb", "row-1m-cells", "normal-100k", "formulas-100k", "strings-2m", "styles-64k")
DEFAULT_KINDS = ("sheet-2gb", "row-1m-cells", "normal-100k", "formulas-100k")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_workbook(
    path: Path, sheet: Iterable[bytes], *, strings: Iterable[bytes] | None = None, styles: bytes | None = None
) -> int:
    """A minimal workbook whose one sheet is ``<worksheet>`` + the pieces of ``sheet`` + its end.

    ``strings`` are the ``<si>`` items of a text table and ``styles`` a whole styles part, each
    written only when given. Every part is deflated as it is written; returns the file's size.
    """
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    relations = [("worksheet", "worksheets/sheet1.xml")]
    if strings is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
        relations.append(("sharedStrings", "sharedStrings.xml"))
    if styles is not None:
        overrides.append(("/xl/styles.xml", "styles"))
        relations.append(("styles", "styles.xml"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{_TYPE}.{kind}+xml"/>' for name, kind in overrides)
        + "</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_RELS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_DOC}/{kind}" Target="{target}"/>'
                for n, (kind, target) in enumerate(relations, 1)
            )
            + "</Relationships>",
        )
        _write_part(archive, "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{_MAIN}">', sheet, "</worksheet>")
        if strings is not None:
            _write_part(archive, "xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">', strings, "</sst>")
        if styles is not None:
            archive.writestr("xl/styles.xml", styles)
    return path.stat().st_size


def _write_part(archive: zipfile.ZipFile, name: str, head: str, pieces: Iterable[bytes], tail: str) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(b'<?xml version="1.0" encoding="UTF-8"?>' + head.encode())
        batch: list[bytes] = []
        size = 0
        for piece in pieces:  # written in writes of ~1 MB: fast, and nothing large is held
            batch.append(piece)
            size += len(piece)
            if size >= MB:
                part.write(b"".join(batch))
                batch.clear()
                size = 0
        part.write(b"".join(batch) + tail.encode())


def _sheet_2gb() -> Iterator[bytes]:
    """~2 GB of rows of three cells, without row numbers (openpyxl counts them): ~4 MB deflated."""
    yield b"<sheetData>"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c><c><v>2</v></c></row>'
    block = row * 1024
    for _ in range(2_000_000_000 // len(block)):
        yield block
    yield b"</sheetData>"


def _row_1m_cells() -> Iterator[bytes]:
    """One row of 1,000,000 cells of a 6-digit number (each one a value iocdesk reads)."""
    yield b'<sheetData><row r="1">'
    yield b"<c><v>123456</v></c>" * 1_000_000
    yield b"</row></sheetData>"


def _normal(rows: int, formulas: bool = False) -> tuple[Iterator[bytes], Iterator[bytes]]:
    """A 5-column table as Excel writes it: the sheet, and its text table (two unique texts a row).

    ``formulas``: a sixth column, ``=C2*2``, with its cached value.
    """

    def sheet() -> Iterator[bytes]:
        yield f'<dimension ref="A1:{"F" if formulas else "E"}{rows + 1}"/><sheetData>'.encode()
        yield b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        yield b'<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
        for i in range(rows):
            r = i + 2
            yield (
                f'<row r="{r}"><c r="A{r}" t="s"><v>{7 + 2 * i}</v></c><c r="B{r}" t="s"><v>{5 + i % 2}</v></c>'
                f'<c r="C{r}"><v>{1234567 + i}</v></c><c r="D{r}"><v>{45000 + i % 365}</v></c>'
                f'<c r="E{r}" t="s"><v>{8 + 2 * i}</v></c>'
                + (f'<c r="F{r}"><f>C{r}*2</f><v>{2 * (1234567 + i)}</v></c>' if formulas else "")
                + "</row>"
            ).encode()
        yield b"</sheetData>"

    def strings() -> Iterator[bytes]:
        for text in ("IOC", "Type", "Count", "First seen", "Note", "domain", "url"):
            yield f"<si><t>{text}</t></si>".encode()
        for i in range(rows):
            yield f"<si><t>host{i}.bench-evil{i % 97}.example.com</t></si><si><t>seen in case {i}</t></si>".encode()

    return sheet(), strings()


def _strings(count: int) -> Iterator[bytes]:
    for i in range(count):
        yield f"<si><t>s{i:x}</t></si>".encode()


def _styles(count: int) -> bytes:
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment wrapText="1"/><protection/></xf>'
    return (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        f'<cellStyleXfs count="{count}">'.encode()
        + xf * count
        + f'</cellStyleXfs><cellXfs count="{count}">'.encode()
        + xf * count
        + f'</cellXfs><cellStyles count="{count}">'.encode()
        + b"".join(f'<cellStyle name="Style {i}" xfId="{i}"/>'.encode() for i in range(count))
        + b"</cellStyles></styleSheet>"
    )


def build(folder: Path, kind: str) -> Path:
    """Write the workbook of ``kind`` into ``folder``; returns its path."""
    path = folder / f"{kind}.xlsx"
    one_cell = [b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>evil.example.com</t></is></c></row></sheetData>']
    if kind == "sheet-2gb":
        write_workbook(path, _sheet_2gb())
    elif kind == "row-1m-cells":
        write_workbook(path, _row_1m_cells())
    elif kind in ("normal-100k", "formulas-100k"):
        sheet, strings = _normal(100_000, formulas=kind == "formulas-100k")
        write_workbook(path, sheet, strings=strings)
    elif kind == "strings-2m":
        write_workbook(path, one_cell, strings=_strings(2_000_000))
    elif kind == "styles-64k":
        write_workbook(path, one_cell, styles=_styles(64_000))
    else:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    return path


# Runs the command given after the timeout and prints its figures as JSON. A separate small
# process, because a child's ru_maxrss starts at its parent's peak (Linux carries it over
# fork and exec): measured from a big parent, every run would look as big as the parent.
_RUNNER = """
import json, os, subprocess, sys, tempfile, threading, time
timeout, command = float(sys.argv[1]), sys.argv[2:]
started = time.perf_counter()
with tempfile.TemporaryFile() as err:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    killed = threading.Event()
    watchdog = threading.Timer(timeout, lambda: (killed.set(), proc.kill()))
    watchdog.start()
    _, status, usage = os.wait4(proc.pid, 0)
    watchdog.cancel()
    seconds = time.perf_counter() - started
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace").strip()
print(json.dumps({"seconds": seconds, "timed_out": killed.is_set(), "maxrss": usage.ru_maxrss,
                  "status": os.waitstatus_to_exitcode(status), "stderr": stderr}))
"""


def measure(command: list[str], *, timeout: float) -> dict[str, object]:
    """Seconds, peak RSS (MB), exit status and first stderr line of ``command`` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _RUNNER, str(timeout), *command], capture_output=True, check=True)
    run = json.loads(out.stdout)
    peak = run["maxrss"] if sys.platform == "darwin" else run["maxrss"] * 1024  # KiB on Linux
    stderr = run["stderr"]
    return {
        "seconds": round(run["seconds"], 2),
        "timed_out": run["timed_out"],
        "peak_rss_mb": round(peak / MB, 1),
        "status": run["status"],
        "message": stderr.splitlines()[0] if stderr else "",
    }


def extract_command(path: Path) -> list[str]:
    """``iocdesk extract -f json path`` (the console script, or ``python -m iocdesk``)."""
    script = Path(sys.executable).with_name("iocdesk")
    iocdesk = [str(script)] if script.exists() else [sys.executable, "-m", "iocdesk"]
    return [*iocdesk, "extract", "-f", "json", str(path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.xlsx_bomb", description=__doc__.split("\n")[0])
    parser.add_argument("--kinds", default=",".join(DEFAULT_KINDS), help=f"comma-separated: {', '.join(KINDS)}")
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds before a run is killed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="iocdesk-xlsx-bomb-") as tmp:
        for kind in args.kinds.split(","):
            path = build(Path(tmp), kind)
            with zipfile.ZipFile(path) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
            row = {"kind": kind, "size_mb": round(path.stat().st_size / MB, 2), "inflated_mb": round(inflated / MB, 1)}
            row.update(measure(extract_command(path), timeout=args.timeout))
            rows.append(row)
            path.unlink()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'kind':<14} {'file MB':>8} {'inflated MB':>12} {'time s':>9} {'peak RSS MB':>12}  message")
    for row in rows:
        shown = f"> {row['seconds']:.0f}" if row["timed_out"] else f"{row['seconds']:.2f}"
        message = "(killed)" if row["timed_out"] else row["message"] or "(read)"
        print(
            f"{row['kind']:<14} {row['size_mb']:>8.2f} {row['inflated_mb']:>12.1f} {shown:>9} "
            f"{row['peak_rss_mb']:>12.1f}  {message}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
