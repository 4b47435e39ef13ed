"""Regression probe for PySide6 6.12 on CPython 3.11, run in a subprocess.

PySide6 6.12.0 drops a reference to ``True`` on every Python-side
``Signal.emit()``/``disconnect()``; qasync emits one signal per finished
executor call, so an app dies with ``Fatal Python error: bool_dealloc``
(exit 134) after ~1,100 ``run_in_executor`` calls. Runs N calls (default
1,500) through a real qasync loop and prints one JSON line with the
refcounts of ``True`` before and after; exit 0 only if it did not fall.
A subprocess, because the failure mode is an abort that would kill pytest.
"""

import asyncio
import gc
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
# Unrelated objects holding True come and go; the bug loses one per call.
SLACK = 50


def work(i: int) -> int:
    return i * 2


async def run_calls(loop: asyncio.AbstractEventLoop) -> int:
    done = 0
    for i in range(N):
        assert await loop.run_in_executor(None, work, i) == i * 2
        done += 1
    return done


def main() -> int:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    gc.collect()
    before = sys.getrefcount(True)
    t0 = time.monotonic()
    with loop:
        done = loop.run_until_complete(run_calls(loop))
    gc.collect()
    after = sys.getrefcount(True)
    ok = done == N and after >= before - SLACK
    print(
        json.dumps(
            {
                "calls": done,
                "true_refcount_before": before,
                "true_refcount_after": after,
                "seconds": round(time.monotonic() - t0, 2),
                "ok": ok,
            }
        ),
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
