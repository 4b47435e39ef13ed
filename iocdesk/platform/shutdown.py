"""Leaving the process without waiting for lookups stuck in worker threads.

After a cancel, everything fetched is written and the stores are closed, but a
request blocked on a dead network keeps its worker thread (and so the
interpreter) alive until its read timeout. Both faces call this at the very end.
"""

from __future__ import annotations

import logging
import os
import sys
import threading


def exit_without_waiting_for_requests(code: int) -> None:
    """Exit with ``code`` now if non-daemon worker threads are still running; else return."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
