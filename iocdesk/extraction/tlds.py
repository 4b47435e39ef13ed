"""The IANA top-level-domain list shipped in ``resources/`` and special-use names."""

from __future__ import annotations

import importlib.resources
from functools import lru_cache

TLD_FILE = "tlds-alpha-by-domain.txt"

# Special-use names (RFC 6761/6762/7686, ICANN 2024 ".internal"): not in the root
# zone yet real in alerts. ``.onion`` hosts are public Tor services, the rest
# are internal names an analyst wants flagged rather than dropped.
ONION = "onion"
INTERNAL_SUFFIXES: frozenset[str] = frozenset({"local", "internal", "localhost", "home.arpa"})

# RFC 2606 documentation domains: extracted, flagged, not looked up by default.
DOCUMENTATION_DOMAINS: frozenset[str] = frozenset({"example.com", "example.net", "example.org"})

# TLDs that are also everyday file extensions. A bare two-label name under one
# of them ("main.py", "invoice.one", "nginx.pid") is far more often a file than
# a host, so it only counts as a domain when it was defanged or sits in a URL
# or e-mail. Left out on purpose, because malicious hosts there are common:
# com, cc, in, ai, app, download, mobi, new, website, pl (Perl scripts lose).
FILE_EXTENSION_TLDS: frozenset[str] = frozenset(
    [
        "ac",
        "am",
        "cab",
        "inc",
        "java",
        "map",
        "md",
        "mk",
        "mov",
        "one",
        "pid",
        "pm",
        "ps",
        "py",
        "rs",
        "run",
        "sh",
        "so",
        "zip",
    ]
)
# A label before such a TLD that makes a multi-part file name ("app.js.map",
# "config.h.in", "backup.tar.zip").
FILE_INNER_EXTENSIONS: frozenset[str] = frozenset(
    ["js", "css", "h", "c", "cpp", "min", "tar", "bak", "old", "orig", "d", "json", "xml", "txt"]
)


@lru_cache(maxsize=1)
def _load() -> tuple[str, frozenset[str]]:
    text = importlib.resources.files("iocdesk.resources").joinpath(TLD_FILE).read_text("ascii")
    version = ""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            if not version and line.startswith("# Version"):
                version = line.removeprefix("# Version").strip().split(",")[0]
            continue
        if line:
            names.add(line.lower())
    return version, frozenset(names)


def tld_list_version() -> str:
    """The IANA list's version stamp (YYYYMMDDnn), shown by ``iocdesk --version``."""
    return _load()[0]


def iana_tlds() -> frozenset[str]:
    return _load()[1]


def is_known_tld(label: str) -> bool:
    """``label`` is an ASCII (A-label) lower-case TLD in the IANA list or ``onion``."""
    return label in _load()[1] or label == ONION
