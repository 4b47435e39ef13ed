"""Indicator types and the plain objects extraction hands on.

The type names (``IndicatorType`` values) are a public contract: CLI output,
exports and the lookup engine all use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class IndicatorType(StrEnum):
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA512 = "sha512"
    CVE = "cve"
    # Extras: precise and cheap to find, not looked up on Pulsedive by default.
    IPV4_CIDR = "ipv4_cidr"
    IPV6_CIDR = "ipv6_cidr"
    ASN = "asn"


CORE_TYPES: frozenset[IndicatorType] = frozenset(
    t for t in IndicatorType if t not in (IndicatorType.IPV4_CIDR, IndicatorType.IPV6_CIDR, IndicatorType.ASN)
)
HASH_TYPES: frozenset[IndicatorType] = frozenset(
    (IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.SHA256, IndicatorType.SHA512)
)


class Scope(StrEnum):
    """Where an address or host lives; only ``public`` is looked up by default."""

    PUBLIC = "public"
    PRIVATE = "private"  # RFC 1918, ULA fc00::/7
    SHARED = "shared"  # carrier-grade NAT 100.64.0.0/10
    LOOPBACK = "loopback"
    LINK_LOCAL = "link-local"
    MULTICAST = "multicast"
    DOCUMENTATION = "documentation"  # TEST-NET-1/2/3, 2001:db8::/32
    BENCHMARK = "benchmark"  # 198.18.0.0/15
    UNSPECIFIED = "unspecified"
    RESERVED = "reserved"  # everything else IANA keeps out of the global table
    INTERNAL = "internal"  # hosts under .local, .internal, .localhost, .home.arpa


@dataclass(frozen=True, slots=True)
class Source:
    """Where an indicator was seen. All parts optional: pasted text has none."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) or "pasted text"


@dataclass(frozen=True, slots=True)
class TextChunk:
    """A piece of input text and where it came from; importers yield these."""

    text: str
    source: Source = field(default_factory=Source)


MAX_SOURCES_KEPT = 50


@dataclass(slots=True)
class Indicator:
    """One de-duplicated indicator found in the input.

    ``value`` is canonical (refanged, lower-cased host, IDNA A-labels,
    compressed IPv6, lower-case hashes, upper-case CVE); ``display`` is what an
    analyst reads (Unicode host names). ``host`` is the host of a URL or the
    domain of an e-mail address. A host is also an indicator of its own: its
    ``derived_from`` lists the URLs and addresses it was found in, and
    ``standalone`` says whether it was also seen on its own (a host only found
    inside a URL is looked up when that URL gets no verdict, see
    ``iocdesk.lookup.engine.HostPolicy``).
    """

    type: IndicatorType
    value: str
    display: str
    defanged: bool = False
    count: int = 1
    scope: Scope = Scope.PUBLIC
    host: str | None = None
    sources: list[Source] = field(default_factory=list)
    derived_from: list[str] = field(default_factory=list)  # canonical values, at most MAX_SOURCES_KEPT
    standalone: bool = True

    @property
    def derived_only(self) -> bool:
        """A host found only inside URLs or e-mail addresses, never on its own."""
        return bool(self.derived_from) and not self.standalone

    @property
    def lookup_by_default(self) -> bool:
        return self.scope is Scope.PUBLIC and self.type not in (
            IndicatorType.IPV4_CIDR,
            IndicatorType.IPV6_CIDR,
            IndicatorType.ASN,
        )

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": str(self.type),
            "value": self.value,
            "display": self.display,
            "defanged": self.defanged,
            "count": self.count,
            "scope": str(self.scope),
            "lookup": self.lookup_by_default,
        }
        if self.host is not None:
            data["host"] = self.host
        if self.derived_from:
            data["derived_from"] = list(self.derived_from)
            data["standalone"] = self.standalone
        if self.sources and any(s != Source() for s in self.sources):
            data["sources"] = [
                {
                    k: v
                    for k, v in (("file", s.file), ("sheet", s.sheet), ("row", s.row), ("column", s.column))
                    if v is not None
                }
                for s in self.sources
            ]
        return data
