"""The ``iocdesk`` command as a user or a pipeline runs it: real processes, real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import iocdesk

REPORT = """Phishing wave 2026-11-28
Payload: hxxps://cdn-update[.]top/inv.exe dropped from 185.220.101[.]4:443
Reply-to: billing(at)secure-pay[.]biz, internal relay 10.20.30.40
SHA256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f exploits CVE-2023-23397.
See also cdn-update[.]top and version 1.2.3.4 of report.pdf
"""


def run(*args: str, stdin: str | bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", *args],
        input=data,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": ""},
    )


def test_version_and_help():
    res = run("--version")
    assert res.returncode == 0
    assert iocdesk.__version__ in res.stdout.decode()
    assert "IANA TLD list 20" in res.stdout.decode()
    top = run("--help").stdout.decode()
    assert "extract" in top and "--demo" in top
    sub = run("extract", "--help").stdout.decode()
    for flag in ("--format", "--types", "--jsonl", "--hosts", "--defang", "--public-only"):
        assert flag in sub


def test_no_command_without_a_display_explains_instead_of_aborting():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    res = subprocess.run([sys.executable, "-m", "iocdesk", "--demo"], capture_output=True, timeout=60, env=env)
    assert res.returncode == 1
    err = res.stderr.decode()
    assert "no display" in err and "xvfb-run" in err and "iocdesk analyze --demo" in err


def test_console_and_gui_scripts_are_declared():
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    gui = {ep.name: ep.value for ep in entry_points(group="gui_scripts")}
    assert scripts.get("iocdesk") == "iocdesk.cli:main"
    assert gui.get("iocdesk-gui") == "iocdesk.gui.launch:main"


def test_extract_stdin_json_contract():
    res = run("extract", "--format", "json", stdin=REPORT)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    got = [(d["type"], d["value"], d["defanged"], d["count"]) for d in data]
    assert got == [
        ("url", "https://cdn-update.top/inv.exe", True, 1),
        ("domain", "cdn-update.top", True, 2),  # the URL's host, also written on its own later
        ("ipv4", "185.220.101.4", True, 1),
        ("email", "billing@secure-pay.biz", True, 1),
        ("domain", "secure-pay.biz", True, 1),  # the address's domain: only inside it
        ("ipv4", "10.20.30.40", False, 1),
        ("sha256", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", False, 1),
        ("cve", "CVE-2023-23397", False, 1),
    ]
    hosts = {d["value"]: (d["derived_from"], d["standalone"]) for d in data if "derived_from" in d}
    assert hosts == {
        "cdn-update.top": (["https://cdn-update.top/inv.exe"], True),
        "secure-pay.biz": (["billing@secure-pay.biz"], False),
    }
    private = next(d for d in data if d["value"] == "10.20.30.40")
    assert private["scope"] == "private" and private["lookup"] is False


def test_extract_text_format_and_filters(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    res = run("extract", str(report), "--types", "ipv4,domain", "--public-only", "--defang")
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode().splitlines() == [
        "domain\tcdn-update[.]top\t(defanged)",
        "ipv4\t185[.]220[.]101[.]4\t(defanged)",
        "domain\tsecure-pay[.]biz\t(defanged, host of 1 e-mail address)",
    ]


def test_extract_jsonl_and_csv_formats(tmp_path):
    res = run("extract", "-f", "jsonl", "--types", "cve", stdin=REPORT)
    assert [json.loads(line)["value"] for line in res.stdout.decode().splitlines()] == ["CVE-2023-23397"]
    res = run("extract", "-f", "csv", stdin=REPORT)
    rows = list(csv.DictReader(io.StringIO(res.stdout.decode())))
    assert rows[0]["type"] == "url" and rows[0]["defanged"] == "True"


def test_csv_output_is_formula_safe():
    res = run("extract", "-f", "csv", "--hosts", stdin="=cmd|' /C calc'!A0 +evil.com/x -1.2.3.4 @evil.org")
    for row in csv.DictReader(io.StringIO(res.stdout.decode())):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), row


def test_extract_reads_several_files_with_sources(tmp_path):
    (tmp_path / "a.csv").write_text("id,IOC Value,comment\n1,evil[.]com,seen http://x.org\n2,8.8.8.8,\n")
    (tmp_path / "b.json").write_text(json.dumps({"alert": {"src": "evil.com", "dst": ["1.1.1.1"]}}))
    res = run("extract", "-f", "json", str(tmp_path / "a.csv"), str(tmp_path / "b.json"))
    assert res.returncode == 0, res.stderr
    data = {d["value"]: d for d in json.loads(res.stdout)}
    assert list(data) == ["evil.com", "8.8.8.8", "1.1.1.1"]  # the comment column is not an IOC column
    assert data["evil.com"]["count"] == 2
    assert {"file": str(tmp_path / "a.csv"), "row": 2, "column": "IOC Value"} in data["evil.com"]["sources"]
    assert data["1.1.1.1"]["sources"][0]["column"] == "$.alert.dst[0]"


def test_nothing_found_is_success():
    res = run("extract", stdin="nothing to see here, version 1.2.3.4")
    assert (res.returncode, res.stdout, res.stderr) == (0, b"", b"")


@pytest.mark.parametrize(
    "make,needle",
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _write(p / "empty.txt", b""), "empty"),
        (lambda p: _write(p / "blob.bin", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8), "binary"),
        (lambda p: _write(p / "broken.xlsx", b"PK\x03\x04 not really a workbook"), "xlsx"),
    ],
    ids=["missing", "directory", "empty", "binary", "corrupt-xlsx"],
)
def test_unreadable_input_is_one_clear_line_and_exit_2(tmp_path, make, needle):
    path = make(tmp_path)
    res = run("extract", str(path))
    err = res.stderr.decode()
    assert res.returncode == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iocdesk: error: "), err
    assert needle in lines[0].lower()


def test_good_files_still_print_when_another_is_unreadable(tmp_path):
    good = _write(tmp_path / "good.txt", b"evil[.]com")
    res = run("extract", str(good), str(tmp_path / "missing.txt"))
    assert res.returncode == 2
    assert res.stdout.decode().startswith("domain\tevil.com")


def test_bad_usage_exits_2():
    assert run("extract", "--types", "ipv5").returncode == 2
    assert run("extract", "--format", "yaml").returncode == 2
    assert run("frobnicate").returncode == 2
    res = run("extract", "--jsonl", "file.txt")
    assert res.returncode == 2 and "standard input" in res.stderr.decode()


def test_stdin_encodings():
    utf16 = "\ufeffhxxp://bücher[.]de/x\r\n".encode("utf-16-le")
    res = run("extract", "-f", "json", stdin=b"\xff\xfe" + utf16[2:])
    data = json.loads(res.stdout)
    assert [(d["value"], d["display"]) for d in data] == [
        ("http://xn--bcher-kva.de/x", "http://bücher.de/x"),
        ("xn--bcher-kva.de", "bücher.de"),
    ]
    res = run("extract", stdin="caf\xe9 evil.com".encode("cp1252"))
    assert res.stdout.decode() == "domain\tevil.com\n"


def test_batch_jsonl_streams_one_line_per_input_line():
    proc = subprocess.Popen(
        [sys.executable, "-m", "iocdesk", "extract", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": ""},
    )
    try:
        # Answers arrive while stdin is still open: the command streams.
        proc.stdin.write(b'{"id": 7, "text": "beacon to 45.9.148[.]3 and bad[.]top"}\n')
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["id"] == 7
        assert [(i["type"], i["value"]) for i in first["iocs"]] == [("ipv4", "45.9.148.3"), ("domain", "bad.top")]
        proc.stdin.write(b'{"id": "x", "text": ""}\nnot json\n{"id": 9, "text": "CVE-2024-3094"}\n')
        proc.stdin.close()
        rest = [json.loads(line) for line in proc.stdout.read().splitlines()]
    finally:
        proc.kill()
        proc.wait(10)
    assert rest[0] == {"id": "x", "iocs": []}
    assert rest[1]["error"] and rest[1]["line"] == 3
    assert rest[2]["iocs"][0]["value"] == "CVE-2024-3094"
    assert proc.returncode == 2  # one bad line: reported, the rest still answered


def test_main_in_process(capsys):
    from iocdesk.cli import main

    assert main(["extract", "--types", "md5", os.devnull]) == 2  # /dev/null is empty
    assert "empty" in capsys.readouterr().err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_basedir_and_debug_log(tmp_path):
    base = tmp_path / "portable"
    env = {k: v for k, v in os.environ.items() if k != "IOCDESK_BASEDIR"}
    res = subprocess.run(
        [sys.executable, "-m", "iocdesk", "--basedir", str(base), "--debug", "analyze", "--demo", "--quiet", "-"],
        input=b"evil[.]com 8.8.8.8",
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert res.returncode == 0, res.stderr.decode()
    log = base / "log" / "iocdesk.log"
    assert f"debug log: {log}" in res.stderr.decode()
    text = log.read_text()
    assert "DEBUG" in text and "iocdesk" in text
    assert (base / "data" / "history.sqlite3").exists()  # everything under the base directory
    quiet = subprocess.run(
        [sys.executable, "-m", "iocdesk", "--basedir", str(base), "extract", "-"],
        input=b"1.2.3.4",
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert b"debug log" not in quiet.stderr and quiet.returncode == 0


def test_a_named_command_imports_only_what_it_needs():
    """`iocdesk extract` starts without the lookup engine, requests, asyncio or the keyring."""
    import subprocess
    import sys

    code = (
        "import sys; from iocdesk.cli import main; main(['--basedir', sys.argv[1], 'extract', sys.argv[2]]); "
        "heavy = [m for m in ('requests', 'asyncio', 'keyring', 'iocdesk.lookup.engine', 'PySide6') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "a.txt"
        text.write_text("beacon to evil-site.com\n", encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", code, tmp, str(text)], capture_output=True, text=True, timeout=60)
    assert "evil-site.com" in out.stdout and "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_every_command_is_still_listed_and_parsed():
    from iocdesk import cli

    parser = cli.build_parser()
    assert set(parser._subparsers._group_actions[0].choices) == set(cli.COMMANDS)
    assert cli._named_command(["--basedir", "extract", "analyze", "x"]) == "analyze"  # --basedir's value skipped
    assert cli._named_command(["--debug", "extract", "-"]) == "extract"
    assert cli._named_command(["--demo"]) is None and cli._named_command(["nonsense"]) is None
