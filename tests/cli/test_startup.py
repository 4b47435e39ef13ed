"""What ``iocdesk extract`` imports to read a text file: none of the other formats' readers.

Start-up time is the point (issue 13: under 0.1 s), but it is measured in benchmarks, not
asserted here; this checks its cause, that the heavy modules stay unimported.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Top-level packages a text file must not pull in: the readers of other formats (email,
# openpyxl, pypdf, docx, oxmsg) and what only other commands need (requests, asyncio, keyring).
HEAVY = ("email", "openpyxl", "pypdf", "docx", "oxmsg", "requests", "asyncio", "keyring")

CODE = """
import sys
from iocdesk.cli import main
status = main(["--basedir", sys.argv[1], "extract", sys.argv[2]])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[3].split(",")))
print("STATUS", status, "HEAVY", heavy)
"""


@pytest.mark.parametrize(
    "name, text",
    [
        ("s.txt", "see https://evil.com/x\n"),
        ("notes", "Beacon to evil-site.com\nthen 203.0.113.9:443\n\nSubject: nothing here\n"),
        ("alert.log", "2026-12-07 10:00:01 deny src=198.51.100.7 dst=evil-site.com\n"),
    ],
)
def test_extract_of_a_text_file_imports_no_heavy_module(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(tmp_path / "base"), str(path), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "STATUS 0 HEAVY []" in out.stdout, out.stdout + out.stderr
    assert "evil" in out.stdout


def test_the_mail_reader_is_still_public_and_imported_on_first_use():
    code = (
        "import sys\n"
        "from iocdesk.extraction import importers\n"
        "assert 'email' not in sys.modules\n"
        "from iocdesk.extraction.importers import Mail, html_to_text, read_mail\n"
        "assert 'email' in sys.modules\n"
        "assert read_mail(b'From: a@evil-site.com\\nSubject: hi\\n\\nbody', name='m').subject == 'hi'\n"
        "assert isinstance(read_mail(b'Subject: x\\n\\ny', name='m'), Mail)\n"
        "assert 'evil.example' in html_to_text('<a href=\"https://evil.example/\">x</a>')\n"
        "try:\n"
        "    importers.no_such_name\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
