"""Validation, canonical form and scope of host names and IP addresses."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

import idna

from iocdesk.extraction.tlds import DOCUMENTATION_DOMAINS, INTERNAL_SUFFIXES, is_known_tld
from iocdesk.indicators.types import Scope

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
# Sub-domain labels may hold underscores (DNS allows them and malware hosts use
# them); registrable names and TLDs never do.
_SUBLABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")

_V6_DOCUMENTATION = (ipaddress.ip_network("2001:db8::/32"), ipaddress.ip_network("3fff::/20"))
_V6_PRIVATE = ipaddress.ip_network("fc00::/7")


@dataclass(frozen=True, slots=True)
class Host:
    """A validated domain name: ``value`` in A-labels, ``display`` as the input wrote it."""

    value: str
    display: str
    scope: Scope


def parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Dotted-quad only, each octet 0-255 with at most three digits.

    Leading zeros are accepted (tables often zero-pad octets) and read as
    decimal, never octal: ``010.001.001.001`` is 10.1.1.1.
    """
    parts = text.split(".")
    if len(parts) != 4:
        return None
    octets = []
    for part in parts:
        if not (0 < len(part) <= 3 and part.isascii() and part.isdigit()):
            return None
        value = int(part)
        if value > 255:
            return None
        octets.append(value)
    return ipaddress.IPv4Address(bytes(octets))


def parse_ipv6(text: str) -> ipaddress.IPv6Address | None:
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        return None


def _v4_ranges() -> list[tuple[int, int, Scope]]:
    table = [
        ("0.0.0.0/32", Scope.UNSPECIFIED), ("0.0.0.0/8", Scope.RESERVED), ("10.0.0.0/8", Scope.PRIVATE),
        ("100.64.0.0/10", Scope.SHARED), ("127.0.0.0/8", Scope.LOOPBACK), ("169.254.0.0/16", Scope.LINK_LOCAL),
        ("172.16.0.0/12", Scope.PRIVATE), ("192.0.0.0/24", Scope.RESERVED), ("192.0.2.0/24", Scope.DOCUMENTATION),
        ("192.88.99.0/24", Scope.RESERVED), ("192.168.0.0/16", Scope.PRIVATE), ("198.18.0.0/15", Scope.BENCHMARK),
        ("198.51.100.0/24", Scope.DOCUMENTATION), ("203.0.113.0/24", Scope.DOCUMENTATION),
        ("224.0.0.0/4", Scope.MULTICAST), ("240.0.0.0/4", Scope.RESERVED),
    ]  # fmt: skip
    ranges = []
    for cidr, scope in table:
        net = ipaddress.IPv4Network(cidr)
        ranges.append((int(net.network_address), int(net.broadcast_address), scope))
    return ranges


_V4_RANGES = _v4_ranges()  # the first matching range wins: most specific first


@lru_cache(maxsize=65536)
def ipv4_info(text: str) -> tuple[str, Scope] | None:
    """Canonical dotted quad and scope of ``text``, or None: the extractor's hot path
    (no ``ipaddress`` objects, cached: logs repeat the same addresses)."""
    parts = text.split(".")
    if len(parts) != 4 or not text.isascii() or len(text) > 15:
        return None
    try:
        a, b, c, d = map(int, parts)
    except ValueError:
        return None
    if a > 255 or b > 255 or c > 255 or d > 255 or not all(0 < len(p) <= 3 and p.isdigit() for p in parts):
        return None
    return f"{a}.{b}.{c}.{d}", ipv4_scope(a << 24 | b << 16 | c << 8 | d)


def ipv4_scope(value: int) -> Scope:
    for low, high, scope in _V4_RANGES:
        if low <= value <= high:
            return scope
    return Scope.PUBLIC


def ipv6_text(address: ipaddress.IPv6Address) -> str:
    """Compressed, lower-case; IPv4-mapped addresses keep their dotted tail (RFC 5952 s5)."""
    mapped = address.ipv4_mapped
    return f"::ffff:{mapped}" if mapped is not None else address.compressed


@lru_cache(maxsize=16384)
def ipv6_info(text: str) -> tuple[str, Scope] | None:
    """Canonical text and scope of an IPv6 address, or None (cached like ipv4_info)."""
    address = parse_ipv6(text)
    if address is None:
        return None
    return ipv6_text(address), ip_scope(address)


def ip_scope(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Scope:
    if address.version == 4:
        return ipv4_scope(int(address))
    mapped = address.ipv4_mapped
    if mapped is not None:
        return ip_scope(mapped)
    if address.is_unspecified:
        return Scope.UNSPECIFIED
    if address.is_loopback:
        return Scope.LOOPBACK
    if address.is_link_local:
        return Scope.LINK_LOCAL
    if address.is_multicast:
        return Scope.MULTICAST
    if any(address in net for net in _V6_DOCUMENTATION):
        return Scope.DOCUMENTATION
    if address in _V6_PRIVATE:
        return Scope.PRIVATE
    return Scope.PUBLIC if address.is_global else Scope.RESERVED


def _to_ascii(name: str) -> str | None:
    try:
        return idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    try:  # IDNA 2003 still resolves names IDNA 2008 rejects (symbols, some emoji)
        return name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def domain_scope(value: str) -> Scope:
    labels = value.rsplit(".", 2)
    last_two = ".".join(labels[-2:])
    if labels[-1] in INTERNAL_SUFFIXES or last_two in INTERNAL_SUFFIXES:
        return Scope.INTERNAL
    if last_two in DOCUMENTATION_DOMAINS:
        return Scope.DOCUMENTATION
    return Scope.PUBLIC


@lru_cache(maxsize=65536)
def parse_domain(text: str) -> Host | None:
    """A fully qualified host name of two or more labels under a known TLD.

    ``text`` is taken as written (any case, Unicode or A-labels); the value is
    lower-case A-labels, the display keeps Unicode as the input had it.
    """
    if not text or len(text) > 253 or text.startswith(".") or text.endswith("."):
        return None
    if text.isascii():
        value = text.lower()
        display = value
    else:
        converted = _to_ascii(text)
        if converted is None:
            return None
        value = converted
        try:
            display = idna.decode(value)
        except (idna.IDNAError, UnicodeError, ValueError):
            display = text.lower()
    if len(value) > 253:
        return None
    labels = value.split(".")
    if len(labels) < 2:
        return None
    tld = labels[-1]
    if not (is_known_tld(tld) or tld in INTERNAL_SUFFIXES or ".".join(labels[-2:]) in INTERNAL_SUFFIXES):
        return None
    registrable = len(labels) - 2
    for index, label in enumerate(labels):
        if not (_LABEL if index >= registrable else _SUBLABEL).match(label):
            return None
        if label[2:4] == "--" and not label.startswith("xn--"):
            return None  # reserved for future ACE prefixes, never a real host
    return Host(value=value, display=display, scope=domain_scope(value))
