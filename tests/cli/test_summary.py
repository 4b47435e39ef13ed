"""The summary table of `iocdesk analyze` and `iocdesk history show`: long indicators cut in
the middle (start and end kept), as wide as the terminal allows, hidden characters revealed,
columns aligned."""

from __future__ import annotations

import io

from iocdesk.cli.analyze import elide_middle, print_summary
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import IndicatorType

A = "https://evil.example/" + "a" * 40 + "/first/" + "b" * 40 + "/payload.exe?id=9"
B = "https://evil.example/" + "a" * 40 + "/other/" + "b" * 40 + "/payload.exe?id=9"


class TerminalText(io.StringIO):
    """A fake terminal: a StringIO that says it is a tty (the width comes from $COLUMNS)."""

    def isatty(self) -> bool:
        return True


def _table(results, out=None, **kw):
    out = out if out is not None else io.StringIO()
    print_summary(results, out, **kw)
    return out.getvalue().splitlines()


def _url(value):
    return LookupResult(value, IndicatorType.URL, Status.NOT_FOUND)


def test_two_long_urls_differing_in_the_middle_print_differently():
    lines = _table([_url(A), _url(B)], indicator_width=60)
    a_line, b_line = lines[1], lines[2]  # sorted by indicator: A ("first") before B ("other")
    assert a_line != b_line
    for line in (a_line, b_line):
        cell = line.split(" ")[0]
        assert cell.startswith("https://evil") and cell.endswith("/payload.exe?id=9")
        assert "…" in cell and len(cell) <= 60
    assert "/first/" in a_line and "/other/" in b_line  # where they differ is shown


def test_elide_keeps_start_and_end():
    cut = elide_middle("https://evil.example/very/long/path/to/the/payload.exe?id=9", 40)
    assert len(cut) == 40 and cut.startswith("https://evil.example") and cut.endswith("payload.exe?id=9")
    assert elide_middle("evil.example", 40) == "evil.example"


def test_width_follows_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    narrow = _table([_url(A)], TerminalText())
    monkeypatch.setenv("COLUMNS", "200")
    wide = _table([_url(A)], TerminalText())
    assert all(len(line) <= 100 for line in narrow[:2])
    assert len(narrow[1].split(" ")[0]) < len(wide[1].split(" ")[0]) == len(A)  # whole when it fits


def test_not_a_terminal_uses_a_fixed_100_column_indicator(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # ignored: a file or pipe has no width
    long = "https://evil.example/" + "c" * 300 + "/x.php"
    lines = _table([_url(long), _url("https://short.example/")])
    assert len(lines[1].split(" ")[0]) == 100
    assert lines[1].split(" ")[0].endswith("/x.php")


def test_columns_stay_aligned_and_hidden_characters_are_revealed():
    hostile = "https://evil.example/" + "\u202e" + "d" * 200 + "\u202e" + "/exe.txt"
    results = [
        _url(hostile),
        LookupResult("evil.example", IndicatorType.DOMAIN, Status.FOUND),
        LookupResult("2001:db8::1", IndicatorType.IPV6, Status.FOUND),
    ]
    lines = _table(results, indicator_width=50)
    assert "\u202e" not in "".join(lines) and "\\u202e" in "".join(lines)
    header = lines[0]
    for column, values in (("type", {"domain", "ipv6", "url"}), ("status", {"found", "not_found"})):
        at = header.index(column)
        for line in lines[1:4]:
            assert line[at - 1] == " " and line[at:].split()[0] in values, (column, lines)


def test_an_escape_is_never_cut_in_two():
    value = "x" * 10 + "\u202e" * 30 + "y" * 10
    for width in range(12, 40):
        cut = elide_middle(value, width)
        assert len(cut) <= width
        left, _, right = cut.partition("…")
        for part in (left, right):
            assert part.replace("\\u202e", "").strip("xy") == ""
