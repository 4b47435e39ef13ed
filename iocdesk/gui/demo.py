"""Demo mode: the built-in Pulsedive sandbox on this machine, and an alert to paste into it.

Used by ``iocdesk --demo``, File > Try demo data, the inbox dock and the
self-test; no account is needed and nothing leaves the machine. Qt-free, but
it belongs to the window (the CLI's ``--demo`` starts its own sandbox).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class DemoService:
    """The in-process sandbox the window talks to in demo mode."""

    base_url: str
    sample_text: str


@contextlib.contextmanager
def demo_service() -> Iterator[DemoService]:
    from iocdesk.lookup.session import DEMO_SANDBOX
    from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(**DEMO_SANDBOX)) as server:
        yield DemoService(server.base_url, demo_sample_text(server))


def demo_sample_text(server: Any) -> str:
    """An alert as an analyst would paste it, built from the sandbox's own data."""
    dataset = server.dataset
    domains = dataset.known_values("domain")[:4]
    ips = dataset.known_values("ip")[:4]
    urls = dataset.known_values("url")[:2]
    unknown = dataset.unknown_values()[:2]
    # A link Pulsedive has never seen on a domain it rates high: the demo shows the host's verdict.
    risky = next((r.indicator for r in dataset.records("domain") if r.risk == "high"), domains[0])

    def defang(value: str) -> str:
        return value.replace(".", "[.]").replace("http", "hxxp", 1)

    return "\n".join(
        [
            "From: SOC alerting <alerts@corp.example.org>",
            "Subject: [EDR] Suspicious outbound connections on WS-0142",
            "",
            f"The host beaconed to {defang(domains[0])} and {domains[1]} every 60 s,",
            f"then downloaded {defang(urls[0])} from {ips[0]}.",
            f"Lateral movement from 10.20.30.40 to {ips[1]} and {ips[2]}; DNS lookups for {domains[2]}.",
            f"Other reports list {defang(domains[3])}, {ips[3]}, {urls[1]} and the unseen {unknown[0]} / {unknown[1]}.",
            "SHA256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f, CVE-2024-3094.",
            f"The user clicked {defang('https://' + risky)}/invoice/view?id=a81f2c in a mail from billing@{risky}.",
        ]
    )
