"""A Pulsedive-compatible API server on loopback, for tests, benchmarks and demo mode.

    from iocdesk.pulsedive.sandbox import SandboxServer, SandboxConfig
    with SandboxServer(SandboxConfig(seed=1)) as sb:
        sb.base_url  # "http://127.0.0.1:PORT/api/"

Importing this package is cheap: the server module (and http.server) loads on
first use of SandboxServer/main_sandbox, the dataset is built per server.
Standard library only; nothing beyond loopback is ever contacted.
See docs/sandbox.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iocdesk.pulsedive.sandbox.config import SandboxConfig

if TYPE_CHECKING:
    from iocdesk.pulsedive.sandbox.server import SandboxServer, main_sandbox

__all__ = ["SandboxConfig", "SandboxServer", "main_sandbox"]


def __getattr__(name: str) -> object:
    if name in ("SandboxServer", "main_sandbox"):
        from iocdesk.pulsedive.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
