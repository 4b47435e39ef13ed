"""Indicator values: type detection and the lookup key the sandbox matches on.

Matching is exact after light normalisation, the kind Pulsedive plausibly does:
surrounding blanks dropped; host names lower-cased, a trailing dot dropped and
Unicode names turned into punycode; IPv6 compared in compressed form (so the
expanded and compressed spellings of one address match); for URLs only the
scheme and host are lower-cased -- path, query and a trailing slash matter
(``https://x.com`` and ``https://x.com/`` are two indicators, as on Pulsedive).
Nothing here resolves or contacts anything.
"""

from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")


def lookup_key(value: str) -> tuple[str | None, str]:
    """``(type, key)``: type is ip/ipv6/domain/url, or None when the value is none of them
    (a hash, garbage); the key is then the stripped value, which matches nothing."""
    text = value.strip()
    if "://" in text:
        return _url_key(text)
    address = _address(text)
    if address is not None:
        return ("ip", str(address)) if address.version == 4 else ("ipv6", address.compressed)
    host = _domain(text)
    if host is not None:
        return "domain", host
    return None, text


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _domain(text: str) -> str | None:
    name = text.lower().rstrip(".")
    if not name or "." not in name:
        return None
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = name.split(".")
    if not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return None
    return name


def _url_key(text: str) -> tuple[str | None, str]:
    scheme, _, rest = text.partition("://")
    if not scheme or not scheme.isascii() or not scheme.isalpha():
        return None, text
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    host, port = authority, ""
    if authority.startswith("["):
        end = authority.find("]")
        host, port = authority[: end + 1], authority[end + 1 :]
        address = _address(host)
        if address is None:
            return None, text
        host = f"[{address.compressed}]"
    else:
        if ":" in authority:
            host, _, port = authority.rpartition(":")
            port = ":" + port
        address = _address(host)
        if address is None:
            domain = _domain(host)
            if domain is None:
                return None, text
            host = domain
    return "url", f"{scheme.lower()}://{host.lower()}{port}{tail}"


def url_host(url: str) -> str:
    """The host part of a (normalised) URL, without brackets or port."""
    rest = url.partition("://")[2]
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority = rest[:cut]
    if authority.startswith("["):
        return authority[1 : authority.find("]")]
    return authority.rpartition(":")[0] if ":" in authority else authority
