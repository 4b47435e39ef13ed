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
from typing import cast

from iocdesk.platform.shutdown import exit_without_waiting_for_requests

log = logging.getLogger(__name__)


def run_gui(*, demo: bool = False, files: list[str] | None = None, argv: list[str] | None = None) -> int:
    import qasync  # type: ignore[import-untyped]  # qasync ships no type information (no py.typed, no stubs)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from iocdesk.gui.demo import demo_service
    from iocdesk.gui.dialogs.errors import ErrorReporter
    from iocdesk.gui.main_window import MainWindow
    from iocdesk.gui.translations import install_translators

    QCoreApplication.setOrganizationName("iocdesk")
    QCoreApplication.setApplicationName("iocdesk")
    # instance() is the running QApplication itself (the stubs say QCoreApplication, its declaring class)
    running = cast("QApplication | None", QApplication.instance())
    app = running or QApplication(argv if argv is not None else sys.argv[:1])
    install_translators(app)  # before any widget: texts are translated when they are set
    with contextlib.ExitStack() as stack:
        demo_svc = stack.enter_context(demo_service()) if demo else None
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        window = MainWindow(demo=demo_svc, open_files=files or [])
        ErrorReporter(window).install(loop)
        window.show()
        with loop:
            closed = asyncio.Event()
            app.lastWindowClosed.connect(closed.set)
            loop.run_until_complete(closed.wait())
    exit_without_waiting_for_requests(0)
    return 0
