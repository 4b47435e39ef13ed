"""Peak memory and time of ``iocdesk extract`` on a large e-mail (issue 14, item 5).

    .venv/bin/python -m benchmarks.mail_memory [--size-mb 75] [--kinds attachments,qp-html,8bit,one-line] [--json]

Each kind of mail is written to a temp folder, streamed to disk (the benchmark itself holds
no copy), then read by ``iocdesk extract -f json`` in a fresh process whose peak resident set
(``os.wait4``'s ``ru_maxrss``) and wall-clock time are reported, next to the same command on
a one-line mail (the interpreter and its imports: the base that any file costs). Kinds:

* ``attachments``: a plain and an HTML body (256 KiB each), a ZIP attachment of random bytes
  (70 % of the size) and a log file attached as text (the rest), both base64; the shape of a
  phishing report with its sample attached;
* ``qp-html``: one quoted-printable HTML body of the whole size (a newsletter-like mail, or a
  hostile one that is all body);
* ``8bit``: one UTF-8 Cyrillic text body sent unencoded (8-bit): the parser keeps such bytes as
  2-byte characters;
* ``one-line``: a base64 attachment without line breaks, as some scripts send them: the parser
  buffers an unfinished line at 4 bytes a character.

``attachments`` and ``qp-html`` are the usual shapes; ``8bit`` and ``one-line`` the costliest.

The command runs with this environment, so ``PYTHONPATH=/path/to/other/tree`` measures another
version of iocdesk (e.g. ``git archive <rev> iocdesk | tar -x -C /tmp/old`` for the figures before
a change). POSIX only (``os.wait4``).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

MB = 1_000_000
KINDS = ("attachments", "qp-html", "8bit", "one-line")
_HEADERS = (
    "Received: from mail.bench-relay.example.com ([203.0.113.5]) by mx.victim.example; Tue, 3 Nov 2026 10:00:00 +0000\r\n"
    "From: Billing <billing@bench-sender.example.com>\r\n"
    "To: analyst@victim.example\r\n"
    "Subject: Invoice 2026-11 (benchmark)\r\n"
    "Date: Tue, 3 Nov 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
)


def _log_lines(size: int, rng: random.Random) -> bytes:
    """About ``size`` bytes of proxy-log lines; a few hundred distinct hosts, as in a real log."""
    lines = []
    total = 0
    while total < size:
        n = rng.randrange(400)
        line = (
            f"2026-11-03T10:{n % 60:02d}:00Z allow 10.0.{n % 256}.{n % 200 + 1} -> "
            f"198.51.100.{n % 254 + 1}:443 GET https://cdn{n}.bench-c2.example.net/p/{n:04x}.php bytes={n * 37}\n"
        ).encode()
        lines.append(line)
        total += len(line)
    return b"".join(lines)


def _write_base64(out: BinaryIO, data: bytes) -> None:
    """``data`` as base64 lines of 76 characters, written a block at a time."""
    step = 57 * 1000  # 57 bytes = one 76-character line
    for start in range(0, len(data), step):
        block = base64.encodebytes(data[start : start + step])
        out.write(block.replace(b"\n", b"\r\n"))


def _write_part_header(out: BinaryIO, boundary: str, content_type: str, encoding: str, filename: str = "") -> None:
    out.write(f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n".encode())
    if filename:
        out.write(f'Content-Disposition: attachment; filename="{filename}"\r\n'.encode())
    out.write(b"\r\n")


def _html_rows(size: int, rng: random.Random) -> bytes:
    rows = []
    total = 0
    while total < size:
        n = rng.randrange(500)
        row = (
            f'<tr><td>Offer {n}</td><td><a href="https://track{n}.bench-news.example.org/c?u={n:05d}&amp;id=42">'
            f"Click here</a></td><td>194.0.{n % 256}.{n % 250 + 1}</td></tr>\n"
        ).encode()
        rows.append(row)
        total += len(row)
    return b"<html><body><table>\n" + b"".join(rows) + b"</table></body></html>\n"


def write_mail(path: Path, size: int, kind: str = "attachments", seed: int = 1) -> int:
    """Write a mail of about ``size`` bytes of ``kind`` (see the module docstring); returns its size."""
    rng = random.Random(seed)
    boundary = "bench-boundary-0001"
    with open(path, "wb") as out:
        out.write(_HEADERS.encode())
        if kind == "qp-html":
            out.write(b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
            # encoded a row group at a time: "=" and the soft breaks make QP ~10 % longer
            while out.tell() < size:
                out.write(binascii.b2a_qp(_html_rows(256 * 1024, rng)).replace(b"\n", b"\r\n"))
            out.write(b"\r\n")
            return out.tell()
        if kind == "8bit":
            out.write(b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            line = "Срочно: вход по ссылке http://фишинг-пример.рф/вход с адреса 203.0.113.9\r\n".encode()
            out.write(line * max(1, (size - out.tell()) // len(line)))
            return out.tell()
        if kind == "one-line":
            out.write(f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode())
            _write_part_header(out, boundary, "text/plain; charset=utf-8", "7bit")
            out.write(b"See the attachment; it came from 203.0.113.9.\r\n")
            _write_part_header(out, boundary, "application/octet-stream", "base64", "payload.bin")
            out.write(base64.b64encode(rng.randbytes(max(0, size - out.tell() - 64) * 3 // 4)))
            out.write(f"\r\n--{boundary}--\r\n".encode())
            return out.tell()
        if kind != "attachments":
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        out.write(f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode())
        _write_part_header(out, boundary, "text/plain; charset=utf-8", "quoted-printable")
        out.write(binascii.b2a_qp(_log_lines(256 * 1024, rng)).replace(b"\n", b"\r\n") + b"\r\n")
        _write_part_header(out, boundary, "text/html; charset=utf-8", "quoted-printable")
        out.write(binascii.b2a_qp(_html_rows(256 * 1024, rng)).replace(b"\n", b"\r\n") + b"\r\n")
        room = max(0, size - out.tell() - 4096) * 57 // 78  # bytes left, before base64 (57 bytes a 78-byte line)
        _write_part_header(out, boundary, "application/zip", "base64", "sample.zip")
        inner = io_zip(rng.randbytes(room * 7 // 10))
        _write_base64(out, inner)
        del inner
        _write_part_header(out, boundary, "text/plain; charset=utf-8", "base64", "proxy.log")
        _write_base64(out, _log_lines(room * 3 // 10, rng))
        out.write(f"--{boundary}--\r\n".encode())
        return out.tell()


def io_zip(payload: bytes) -> bytes:
    """A real ZIP archive holding ``payload`` stored (random bytes do not compress)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("sample.bin", payload)
    return buffer.getvalue()


def _iocdesk() -> list[str]:
    script = Path(sys.executable).with_name("iocdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "iocdesk"]


def measure(path: Path, *, timeout: float = 600) -> tuple[float, int, str]:
    """``(seconds, peak RSS in bytes, stderr)`` of ``iocdesk extract -f json path`` in a fresh process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*_iocdesk(), "extract", "-f", "json", str(path)], stdout=subprocess.DEVNULL, stderr=err
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            # wait4: this child's own rusage (RUSAGE_CHILDREN is the maximum over every child so far)
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if seconds >= timeout:
        raise TimeoutError(f"iocdesk extract {path.name}: killed after {timeout:.0f} s")
    if proc.returncode != 0:
        raise RuntimeError(f"iocdesk extract {path.name} exited {proc.returncode}: {stderr.strip()}")
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return seconds, peak, stderr


def base_rss(folder: Path) -> int:
    """Peak RSS of ``iocdesk extract`` on a one-line mail: the interpreter plus the mail reader's imports."""
    tiny = folder / "tiny.eml"
    tiny.write_bytes(_HEADERS.encode() + b"\r\nsee 192.0.2.1\r\n")
    return measure(tiny)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mail_memory", description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=75.0)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated: {', '.join(KINDS)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="iocdesk-mail-bench-") as tmp:
        folder = Path(tmp)
        base = base_rss(folder)
        for kind in args.kinds.split(","):
            path = folder / f"{kind}.eml"
            size = write_mail(path, int(args.size_mb * MB), kind)
            seconds, peak, stderr = measure(path)
            rows.append(
                {
                    "kind": kind,
                    "size_mb": round(size / MB, 1),
                    "seconds": round(seconds, 2),
                    "peak_rss_mb": round(peak / MB, 1),
                    "base_rss_mb": round(base / MB, 1),
                    "peak_x_size": round(peak / size, 2),
                    "peak_over_size": round((peak - base) / size, 2),
                    "stderr": stderr.strip(),
                }
            )
            path.unlink()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"iocdesk extract on one mail; interpreter base {base / MB:.1f} MB peak RSS")
    print(f"{'kind':<12} {'size MB':>8} {'time s':>7} {'peak RSS MB':>12} {'peak/size':>10} {'(peak-base)/size':>17}")
    for row in rows:
        print(
            f"{row['kind']:<12} {row['size_mb']:>8.1f} {row['seconds']:>7.2f} {row['peak_rss_mb']:>12.1f} "
            f"{row['peak_x_size']:>10.2f} {row['peak_over_size']:>17.2f}"
        )
        if row["stderr"]:
            print(f"  stderr: {row['stderr'][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
