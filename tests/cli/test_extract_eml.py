"""``iocdesk extract`` and ``iocdesk analyze`` on a quoted-printable phishing mail, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PHISH = Path(__file__).resolve().parent.parent / "data" / "importers" / "phish.eml"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env or {**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_extract_reads_the_mail_decoded():
    res = run("extract", "-f", "json", str(PHISH))
    assert res.returncode == 0, res.stderr
    found = {item["value"]: item for item in json.loads(res.stdout)}
    assert "https://safelinks-target.example.com/login?id=42" in found
    assert "https://proofpoint-target.example.net/reset" in found
    assert "http://nested-payload.example.org/invoice" in found
    assert "helpdesk@attacker-mail.example.com" in found
    assert "=3D" not in res.stdout and "3Dhttps" not in res.stdout
    assert "analyst@victim-corp.example" not in found and "boss@victim-corp.example" not in found


def test_analyze_demo_on_the_mail(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PULSEDIVE_API_KEY"}
    env.update(IOCDESK_BASEDIR=str(tmp_path / "iocdesk"), PYTHONIOENCODING="utf-8")
    out = tmp_path / "report.json"
    res = run("analyze", "--demo", "--quiet", "--json", str(out), str(PHISH), env=env)
    assert res.returncode == 0, res.stderr
    assert out.exists()
    text = out.read_text(encoding="utf-8")
    assert "safelinks-target.example.com/login?id=42" in text
    assert 'analyst@victim-corp.example"' not in text and "=3D" not in text


def test_extract_reads_an_outlook_msg(tmp_path):
    from tests.helpers.outlook_msg import OutlookMessage

    path = tmp_path / "phish.msg"
    path.write_bytes(
        OutlookMessage(
            subject="x",
            headers="From: helpdesk@msg-sender.example.com\r\nTo: analyst@victim-corp.example\r\n",
            html='<a href="https://urldefense.com/v3/__https://msg-proofpoint.example.net/r__;!!X$">r</a>',
            recipients=["analyst@victim-corp.example"],
        ).to_bytes()
    )
    res = run("extract", "-f", "json", str(path))
    assert res.returncode == 0, res.stderr
    found = {item["value"] for item in json.loads(res.stdout)}
    assert {"helpdesk@msg-sender.example.com", "https://msg-proofpoint.example.net/r"} <= found
    assert "analyst@victim-corp.example" not in found
