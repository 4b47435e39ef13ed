"""Start the desktop app: QApplication, the qasync event loop, the main window.

One event loop per process (qasync): coroutines run on the GUI thread and may
touch widgets; blocking work (HTTP, big extractions, file imports) goes to
executor threads, so the window never freezes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from iocdesk.platform.shutdown import exit_without_waiting_for_requests

log = logging.getLogger(__name__)


@dataclass
class DemoService:
    """The in-process sandbox the window talks to in demo mode."""

    base_url: str
    sample_text: str


@contextlib.contextmanager
def demo_service() -> Iterator[DemoService]:
    from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(latency=0.15)) as server:
        yield DemoService(server.base_url, demo_sample_text(server))


def demo_sample_text(server) -> str:
    """An alert as an analyst would paste it, built from the sandbox's own data."""
    dataset = server.dataset
    domains = dataset.known_values("domain")[:4]
    ips = dataset.known_values("ip")[:4]
    urls = dataset.known_values("url")[:2]
    unknown = dataset.unknown_values()[:2]
    defang = lambda v: v.replace(".", "[.]").replace("http", "hxxp", 1)  # noqa: E731
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
        ]
    )


def run_gui(*, demo: bool = False, files: list[str] | None = None, argv: list[str] | None = None) -> int:
    import qasync
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from iocdesk.gui.dialogs.errors import ErrorReporter
    from iocdesk.gui.main_window import MainWindow
    from iocdesk.gui.translations import install_translators

    QCoreApplication.setOrganizationName("iocdesk")
    QCoreApplication.setApplicationName("iocdesk")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    install_translators(app)  # before any widget: texts are translated when they are set
    with contextlib.ExitStack() as stack:
        demo_svc = stack.enter_context(demo_service()) if demo else None
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        window = MainWindow(demo=demo_svc)
        ErrorReporter(window).install(loop)
        window.show()
        for path in files or []:
            asyncio.ensure_future(window.load_file(path), loop=loop)
        with loop:
            closed = asyncio.Event()
            app.lastWindowClosed.connect(closed.set)
            loop.run_until_complete(closed.wait())
    exit_without_waiting_for_requests(0)
    return 0
