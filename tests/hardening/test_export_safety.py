"""Issue 14, item 12: the e-mail draft's Subject and the exports' permissions.

- The Subject carried the alert title verbatim (a live ``http://...`` or
  ``javascript:``, which a mail client links) while the body was defanged. URLs
  and schemes are defanged now; bare host names and addresses stay as written
  (tests/reports/test_email.py keeps ``victim@example.com`` readable there).
- Exports had two permission policies: json/csv/xlsx/eml 0644 (the umask), STIX
  0600. Every export of a run's indicators is now 0600, whatever the umask.

Bounded: one small report, a few files in a temp folder.
"""

from __future__ import annotations

import email
import email.policy
import os
import stat
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from iocdesk.delivery.plan import ExportPlan, Format, carry_out
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.platform.safe_files import EXPORT_MODE, Target
from iocdesk.reports.email import build_draft, mailto_url
from iocdesk.reports.report import Report

TITLE = "EDR: beacon to http://evil.example.com/x?a=1 via javascript:alert(1) and www.evil.test"
LIVE = ("http://", "javascript:", "evil.example.com/x")  # bare host names stay (see the docstring)


def _report(title: str = TITLE) -> Report:
    result = LookupResult("evil.example.com", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=7, risk=Risk.HIGH))
    return Report([result], run_id=1, title=title)


@pytest.mark.parametrize("template", ["[iocdesk] {title}: {headline}", "{title}"])
def test_the_draft_subject_is_defanged(template):
    message = build_draft(_report(), subject_template=template)
    subject = str(message["Subject"])
    for live in LIVE:
        assert live not in subject, subject
    assert "hxxp[://]evil[.]example[.]com/x" in subject and "javascript[:]alert(1)" in subject
    parsed = email.message_from_bytes(message.as_bytes(policy=email.policy.SMTP), policy=email.policy.default)
    assert str(parsed["Subject"]) == subject


def test_the_mailto_subject_is_defanged():
    url = mailto_url(_report(), subject_template="{title}")
    subject = parse_qs(urlsplit(url).query)["subject"][0]
    for live in LIVE:
        assert live not in subject, subject


def _modes(tmp_path, formats, target):
    old = os.umask(0o022)
    try:
        plan = ExportPlan.into_folder(tmp_path, "run-1", formats, target=target)
        outcomes = carry_out(plan, _report("plain"))
    finally:
        os.umask(old)
    assert all(step.ok for step in outcomes), [(s.what, s.error) for s in outcomes]
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert len(modes) == len(formats)
    return modes


POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@POSIX
@pytest.mark.parametrize("target", [Target.CHOSEN, Target.OUTPUT])
def test_drafts_and_stix_bundles_are_written_with_the_export_mode(tmp_path, target):
    assert EXPORT_MODE == 0o600
    assert set(_modes(tmp_path, [Format.EML, Format.STIX], target).values()) == {EXPORT_MODE}


@POSIX
@pytest.mark.parametrize("fmt", [Format.JSON, Format.CSV, Format.XLSX])
def test_results_and_workbooks_are_written_with_the_export_mode(tmp_path, fmt):
    assert set(_modes(tmp_path, [fmt], Target.OUTPUT).values()) == {EXPORT_MODE}
