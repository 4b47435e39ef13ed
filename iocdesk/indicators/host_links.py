"""Which result in a run is the host of which URL or e-mail address.

Extraction reports the host of every URL and address as an indicator of its
own; a run's results are linked here, from their canonical values alone, so a
run reopened from history links the same way as a fresh one.
"""

from __future__ import annotations

from collections.abc import Sequence

from iocdesk.indicators.results import LookupResult
from iocdesk.indicators.types import MAX_SOURCES_KEPT, IndicatorType

HOST_TYPES = frozenset({IndicatorType.DOMAIN, IndicatorType.IPV4, IndicatorType.IPV6})
HOSTED_TYPES = frozenset({IndicatorType.URL, IndicatorType.EMAIL})


def host_of(type: IndicatorType | str, value: str) -> str | None:
    """The canonical host of a canonical URL (``scheme://user@host:port/path`` or ``host/path``)
    or e-mail address; None for other types. IPv6 hosts come without their brackets."""
    kind = IndicatorType(type)
    if kind is IndicatorType.EMAIL:
        return value.rpartition("@")[2].lower() or None
    if kind is not IndicatorType.URL:
        return None
    _, sep, rest = value.partition("://")
    if not sep:
        rest = value
    end = len(rest)
    for stop in "/?#\\":
        at = rest.find(stop)
        if 0 <= at < end:
            end = at
    authority = rest[:end].rpartition("@")[2]
    if authority.startswith("["):
        host = authority[1 : authority.find("]")] if "]" in authority else ""
    else:
        host = authority.partition(":")[0]
    return host.lower() or None


def parent_type(value: str) -> IndicatorType:
    """Whether a value a host was found in (``derived_from``) is an e-mail address or a URL."""
    return IndicatorType.EMAIL if "@" in value and "/" not in value else IndicatorType.URL


def verdict_text(result: LookupResult) -> str:
    """Its risk, or how its lookup ended when it has none ("not found", "skipped"): what the
    exports write beside a URL for its host."""
    return str(result.risk) if result.risk else str(result.status).replace("_", " ")


def link_hosts(results: Sequence[LookupResult]) -> None:
    """Point each URL and address at its host's result (when the run has it), and list on
    each host the URLs and addresses it was found in. Links made before are replaced."""
    hosts = {r.indicator: r for r in results if r.type in HOST_TYPES}
    for result in results:
        result.host_result = None
        if result.type in HOST_TYPES:
            result.derived_from = []
    for result in results:
        if result.type not in HOSTED_TYPES:
            continue
        host = hosts.get(host_of(result.type, result.indicator) or "")
        if host is None:
            continue
        result.host_result = host
        if len(host.derived_from) < MAX_SOURCES_KEPT:
            host.derived_from.append(result.indicator)
