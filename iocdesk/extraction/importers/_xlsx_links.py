"""Where a workbook's cells link to (internal): hyperlink targets and HYPERLINK() formulas.

A cell showing "see link" that links to a phishing URL holds the indicator in the link, not in
its text, and openpyxl's read-only mode loads neither the sheet's hyperlinks nor, with cached
values, the formula. So each sheet's XML is read once more, streamed: the ``<hyperlink>``
elements with their targets from the sheet's relationships, and the first argument of every
``HYPERLINK(`` formula when it is a literal. Nothing is followed or opened: targets are text.
Every part is read through the guarded archive the cells were read from (``_xlsx_guard``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

from iocdesk.extraction.importers._xlsx_guard import GuardedZip
from iocdesk.indicators.types import Source, TextChunk

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_FORMULA = re.compile(r'HYPERLINK\(\s*"((?:[^"]|"")*)"', re.IGNORECASE)
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
MAX_LINKS = 100_000  # per workbook: a file with more is an attack on our time, not a report
_MAX_TARGET = 8192  # characters of one target kept (a URL longer than any browser accepts)


def link_chunks(archive: GuardedZip, name: str) -> Iterator[TextChunk]:
    """One chunk per linked cell: the target, with the cell as its source."""
    members = set(archive.namelist())
    count = 0
    for title, path in sheet_parts(archive, members):
        if not archive.has_links(path):  # no formula, no hyperlink: nothing to find (a quick skip)
            continue
        targets = _relationship_targets(archive, members, path)
        for ref, target in _cell_links(archive, path, targets):
            count += 1
            if count > MAX_LINKS:
                return
            match = _REF.fullmatch(ref)
            row, column = (int(match.group(2)), match.group(1)) if match else (None, None)
            label = f"{column}, link target" if column else "link target"
            yield TextChunk(target[:_MAX_TARGET], Source(file=name, sheet=title, row=row, column=label))


def sheet_parts(archive: zipfile.ZipFile, members: set[str]) -> list[tuple[str, str]]:
    """(title, part path) of every worksheet, in workbook order."""
    if "xl/workbook.xml" not in members:
        return []
    targets = _relationship_targets(archive, members, "xl/workbook.xml", any_type=True)
    sheets: list[tuple[str, str]] = []
    with archive.open("xl/workbook.xml") as member:
        for _, element in iterparse(member):
            if element.tag == f"{_MAIN}sheet":
                target = targets.get(element.get(f"{_REL}id", ""))
                if target is not None:
                    path = (
                        posixpath.normpath(posixpath.join("xl", target)) if not target.startswith("/") else target[1:]
                    )
                    if path in members:
                        sheets.append((element.get("name", ""), path))
    return sheets


def _relationship_targets(
    archive: zipfile.ZipFile, members: set[str], part: str, *, any_type: bool = False
) -> dict[str, str]:
    """Relationship id -> target of ``part`` (only hyperlinks unless ``any_type``)."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels not in members:
        return {}
    found: dict[str, str] = {}
    with archive.open(rels) as member:
        for _, element in iterparse(member):
            if element.tag == f"{_PKG}Relationship" and (any_type or element.get("Type") == _HYPERLINK_TYPE):
                found[element.get("Id", "")] = element.get("Target", "")
    return found


def _cell_links(archive: zipfile.ZipFile, path: str, targets: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(cell reference, target) for each hyperlink and each literal HYPERLINK() formula."""
    with archive.open(path) as member:
        for _, element in iterparse(member):
            tag = element.tag
            if tag == f"{_MAIN}c":
                formula = element.find(f"{_MAIN}f")
                if formula is not None and formula.text and "HYPERLINK" in formula.text.upper():
                    for found in _FORMULA.finditer(formula.text):
                        yield element.get("r", ""), found.group(1).replace('""', '"')
                element.clear()  # streamed: a big sheet is not kept in memory
            elif tag == f"{_MAIN}hyperlink":
                target = targets.get(element.get(f"{_REL}id", ""))
                if target:
                    yield element.get("ref", "").split(":")[0], target
            elif tag == f"{_MAIN}row":
                element.clear()
