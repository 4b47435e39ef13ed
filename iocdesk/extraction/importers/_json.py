"""JSON documents and JSON Lines (internal)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from iocdesk.extraction.importers._common import CHUNK_CHARS, InputError, Warnings
from iocdesk.extraction.importers._text import iter_text_chunks
from iocdesk.indicators.types import Source, TextChunk
from iocdesk.indicators.untrusted import HugeNumber, loads_json, replace_surrogates

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSONL_SNIFF_LINES = 20


def _key(key: str) -> str:
    key = replace_surrogates(key)
    return f".{key}" if _IDENTIFIER.fullmatch(key) else f"[{json.dumps(key, ensure_ascii=False)}]"


def walk(document: object, file: str, row: int | None, warnings: Warnings | None = None) -> Iterator[TextChunk]:
    """Every string value (not keys, not numbers) with its JSON path, in document order.

    Lone surrogates become U+FFFD; an integer too long to read (``HugeNumber``,
    from ``loads_json``) is skipped with a warning.
    """
    if not isinstance(document, (dict, list)):
        yield from _value(document, file, row, "$", warnings)
        return
    stack: list[tuple[str, Iterator[tuple[str, object]]]] = [("$", _children(document))]
    while stack:
        path, children = stack[-1]
        for suffix, value in children:
            if isinstance(value, (str, HugeNumber)):
                yield from _value(value, file, row, path + suffix, warnings)
            elif isinstance(value, (dict, list)):
                stack.append((path + suffix, _children(value)))
                break
        else:
            stack.pop()


def _children(value: object) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        return ((_key(str(k)), v) for k, v in value.items())
    if isinstance(value, list):
        return ((f"[{i}]", v) for i, v in enumerate(value))
    return iter(())


def _value(value: object, file: str, row: int | None, path: str, warnings: Warnings | None) -> Iterator[TextChunk]:
    if isinstance(value, str):
        yield from _string(value, Source(file, None, row, path))
    elif isinstance(value, HugeNumber) and warnings is not None:
        where = f"line {row}: {path}" if row is not None else path
        warnings.add(f"{file}: {where}: {value}, too long to read; skipped")


def _string(text: str, source: Source) -> Iterator[TextChunk]:
    text = replace_surrogates(text)
    if not text or text.isspace():
        return
    if len(text) > CHUNK_CHARS:
        yield from iter_text_chunks(text, source)
    else:
        yield TextChunk(text, source)


def _complete_lines(text: str, whole: bool, count: int) -> list[str]:
    lines: list[str] = []
    pos = 0
    while len(lines) < count:
        end = text.find("\n", pos)
        if end < 0:
            if whole and pos < len(text):
                lines.append(text[pos:])
            break
        lines.append(text[pos:end])
        pos = end + 1
    return [line for line in lines if line.strip()]


def looks_like_jsonl(text: str, *, whole: bool, objects_only: bool) -> bool:
    """True if ``text`` starts like JSON Lines.

    Of the first (up to 20) complete non-blank lines, the first must be one
    JSON object or array, and at least two must be; one bad line in five is
    tolerated (a truncated or corrupt line does not change the verdict). With
    ``objects_only`` lines must be JSON objects (used for files whose
    extension does not say JSON).
    """
    lines = _complete_lines(text, whole, _JSONL_SNIFF_LINES)
    good = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        ok = stripped.startswith("{") if objects_only else stripped.startswith(("{", "["))
        if ok:
            try:
                loads_json(stripped)
            except (ValueError, RecursionError):
                ok = False
        if not ok and index == 0:
            return False
        good += ok
    bad = len(lines) - good
    return good >= 2 and bad <= max(1, len(lines) // 5)


def jsonl_chunks(lines: Iterable[str], file: str, warnings: Warnings) -> Iterator[TextChunk]:
    """One JSON document per line; a bad line is reported and scanned as plain text."""
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            document = loads_json(stripped)
        except json.JSONDecodeError as exc:
            column = exc.colno + len(line) - len(line.lstrip())
            problem = f"{exc.msg} at column {column}"
        except RecursionError:
            problem = "nested too deeply"
        else:
            yield from walk(document, file, number, warnings)
            continue
        warnings.add(f"{file}: line {number}: not valid JSON ({problem}); read as plain text")
        yield from _string(stripped, Source(file, None, number, None))


def json_chunks(blocks: Iterable[str], file: str, warnings: Warnings) -> Iterator[TextChunk]:
    """One JSON document, parsed whole (the json module does not stream).

    Concatenated documents, one per line (e.g. Suricata's eve.json), are read
    as JSON Lines instead.
    """
    text = "".join(blocks)
    try:
        document = loads_json(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and looks_like_jsonl(text, whole=True, objects_only=False):
            lines = text.split("\n")
            del text
            yield from jsonl_chunks(lines, file, warnings)
            return
        raise InputError(f"{file}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise InputError(f"{file}: invalid JSON: nested too deeply") from exc
    del text
    yield from walk(document, file, None, warnings)
