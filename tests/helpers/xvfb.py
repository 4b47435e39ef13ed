"""Start an Xvfb for a test on a display it picks itself (shared by the Xvfb tests)."""

from __future__ import annotations

import os
import select
import subprocess
import time


def start_xvfb(xvfb: str, *, screen: str = "1280x800x24", extra: tuple[str, ...] = (), timeout: float = 10.0):
    """``(process, ":N")``. -displayfd makes Xvfb pick the number itself and write it to a pipe once
    it accepts connections: no race with other X servers, no lock-file guessing."""
    r, w = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(w), "-screen", "0", screen, *extra, "-nolisten", "tcp", "-noreset"],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(w)
    buf, deadline = b"", time.monotonic() + timeout
    try:
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                raise TimeoutError(f"Xvfb did not report a display within {timeout} s")
            chunk = os.read(r, 64)
            if not chunk:  # Xvfb exited
                raise RuntimeError(f"Xvfb exited ({proc.wait()}): {proc.stderr.read().decode()[-2000:]}")
            buf += chunk
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        os.close(r)
    return proc, ":" + buf.decode().strip()
