"""The explore.php query language, as far as the docs show it (API.md §2.4).

``field=value`` terms (``!=`` negates), combined with ``and`` / ``or`` / ``not``
and parentheses; ``*`` is a wildcard; matching is case-insensitive; a bare
value means ``ioc=value``; values may be double-quoted. Indicator fields:
``ioc type risk threat feed`` plus attributes (``port protocol technology
hosttype``) and properties as ``group.key`` (``geo.country=Brazil``,
``http.++code=200``). ``risk=retired`` matches retired indicators; other risks
match the indicator's risk whether retired or not. Threat mode (``type=threats``)
knows ``threat``/``name``, ``category`` and ``risk``. Unknown fields match
nothing; a query that does not parse raises :class:`QueryError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.records import Record, Threat

_TOKEN = re.compile(
    r"""\s*(?:(?P<open>\()|(?P<close>\))
    |(?P<field>[A-Za-z0-9_.+-]+)\s*(?P<op>!=|=)\s*(?P<value>"[^"]*"|[^\s()]+)
    |(?P<word>"[^"]*"|[^\s()]+))""",
    re.VERBOSE,
)
_ATTRIBUTES = ("port", "protocol", "technology", "hosttype")


class QueryError(ValueError):
    pass


# Takes a Record, or a Threat when compiled with threats=True: a flag known
# only at run time, hence Any.
Matcher = Callable[[Any], bool]
# ("(",), (")",), ("and",), ("or",), ("not",), or ("term", field, op, value)
Token = tuple[str, ...]


def compile_query(query: str, ds: Dataset, threats: bool = False) -> Matcher:
    tokens = _tokenize(query)
    if not tokens:
        raise QueryError("empty query")
    parser = _Parser(tokens, ds, threats)
    matcher = parser.parse_or()
    if parser.pos != len(tokens):
        raise QueryError("unexpected " + str(tokens[parser.pos]))
    return matcher


def _tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    query = query.strip()
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            raise QueryError(f"cannot read the query at {pos}")
        pos = m.end()
        if m["open"]:
            tokens.append(("(",))
        elif m["close"]:
            tokens.append((")",))
        elif m["field"]:
            tokens.append(("term", m["field"].lower(), m["op"], m["value"].strip('"')))
        elif m["word"].lower() in ("and", "or", "not"):
            tokens.append((m["word"].lower(),))
        else:
            tokens.append(("term", "ioc", "=", m["word"].strip('"')))
    return tokens


def _pattern(value: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in value.split("*")) + r"\Z", re.IGNORECASE | re.DOTALL)


class _Parser:
    def __init__(self, tokens: list[Token], ds: Dataset, threats: bool) -> None:
        self.tokens, self.pos, self.ds, self.threats = tokens, 0, ds, threats

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse_or(self) -> Matcher:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.pos += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda x: any(p(x) for p in parts))

    def parse_and(self) -> Matcher:
        parts = [self.parse_not()]
        while self.peek() == "and":
            self.pos += 1
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else (lambda x: all(p(x) for p in parts))

    def parse_not(self) -> Matcher:
        if self.peek() == "not":
            self.pos += 1
            inner = self.parse_not()
            return lambda x: not inner(x)
        return self.parse_atom()

    def parse_atom(self) -> Matcher:
        kind = self.peek()
        if kind == "(":
            self.pos += 1
            inner = self.parse_or()
            if self.peek() != ")":
                raise QueryError("missing )")
            self.pos += 1
            return inner
        if kind != "term":
            raise QueryError(f"expected a term, got {kind!r}")
        _, field, op, value = self.tokens[self.pos]
        self.pos += 1
        test = (self.threat_term if self.threats else self.indicator_term)(field, _pattern(value))
        return test if op == "=" else (lambda x: not test(x))

    def indicator_term(self, field: str, pattern: re.Pattern[str]) -> Callable[[Record], bool]:
        ds = self.ds
        if field in ("ioc", "indicator", "value"):
            return lambda r: bool(pattern.match(r.indicator) or pattern.match(r.key))
        if field == "type":
            return lambda r: bool(pattern.match(r.type))
        if field == "risk":
            return lambda r: bool(pattern.match(r.risk) or (r.retired and pattern.match("retired")))
        if field == "threat":
            return lambda r: any(
                pattern.match(n) for tid, _ in r.threats for n in [ds.threats[tid].name, *ds.threats[tid].othernames]
            )
        if field == "feed":
            return lambda r: any(pattern.match(ds.feeds[fid].name) for fid, _ in r.feeds)
        if field in _ATTRIBUTES:
            return lambda r: any(pattern.match(v) for v in r.attributes.get(field, ()))
        if "." in field:
            group, _, key = field.partition(".")
            return lambda r: any(
                p.latest and p.group == group and p.name.lower() == key and pattern.match(p.value) for p in r.props
            )
        return lambda r: False

    def threat_term(self, field: str, pattern: re.Pattern[str]) -> Callable[[Threat], bool]:
        if field in ("threat", "name"):
            return lambda t: any(pattern.match(n) for n in [t.name, *t.othernames])
        if field in ("category", "risk"):
            return lambda t: bool(pattern.match(getattr(t, field)))
        return lambda t: False
