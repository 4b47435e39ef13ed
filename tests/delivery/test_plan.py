"""The export plan: one way to write files and post summaries, for every face."""

from __future__ import annotations

import email
import email.policy
import json
import zipfile

import pytest

from iocdesk.delivery import chat
from iocdesk.delivery.plan import ExportPlan, Format, carry_out, parse_formats
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.reports.report import Report


def report() -> Report:
    results = [
        LookupResult("evil.example.net", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=7, risk=Risk.HIGH)),
        LookupResult("198.51.100.7", IndicatorType.IPV4, Status.NOT_FOUND),
    ]
    return Report(results, run_id=3, api_url="https://pulsedive.com/api/")


def test_parse_formats_names_the_unknown_ones():
    assert parse_formats("json, XLSX,stix") == [Format.JSON, Format.XLSX, Format.STIX]
    with pytest.raises(ValueError, match="unknown pdf, doc"):
        parse_formats("json,pdf,doc")


def test_into_folder_names_each_file_after_the_stem(tmp_path):
    plan = ExportPlan.into_folder(tmp_path, "A20261207-1", [Format.JSON, Format.STIX, Format.EML])
    assert plan.path(Format.JSON) == tmp_path / "A20261207-1.json"
    assert plan.path(Format.STIX) == tmp_path / "A20261207-1.stix.json"  # not mistaken for the results' JSON
    assert plan.path(Format.XLSX) is None and not plan.empty
    assert ExportPlan().empty and ExportPlan.of({Format.CSV: None}).empty  # an unset flag is no file


def test_every_file_is_written_and_the_draft_attaches_the_planned_workbook(tmp_path):
    files = {kind: tmp_path / f"out{kind.suffix}" for kind in Format}
    plan = ExportPlan.of(files, mail_to=("soc@example.org",), subject="[soc] {headline}")
    outcomes = carry_out(plan, report())
    assert [o.what for o in outcomes] == ["JSON file", "CSV file", "workbook", "STIX bundle", "e-mail draft"]
    assert all(o.ok for o in outcomes), outcomes
    document = json.loads(files[Format.JSON].read_text())
    assert document["run"]["id"] == 3 and document["run"]["api_url"] == "https://pulsedive.com/api/"
    assert zipfile.is_zipfile(files[Format.XLSX])
    message = email.message_from_bytes(files[Format.EML].read_bytes(), policy=email.policy.default)
    assert message["To"] == "soc@example.org" and message["Subject"].startswith("[soc] ")
    attached = list(message.iter_attachments())
    assert len(attached) == 1 and attached[0].get_content() == files[Format.XLSX].read_bytes()


def test_a_draft_alone_gets_a_workbook_of_its_own_or_none_when_asked(tmp_path):
    with_book = tmp_path / "with.eml"
    without = tmp_path / "without.eml"
    assert all(o.ok for o in carry_out(ExportPlan.of({Format.EML: with_book}), report()))
    assert all(o.ok for o in carry_out(ExportPlan.of({Format.EML: without}, attach_workbook=False), report()))
    parse = lambda path: email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # noqa: E731
    assert len(list(parse(with_book).iter_attachments())) == 1
    assert list(parse(without).iter_attachments()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["with.eml", "without.eml"]  # no workbook left behind


def test_a_failing_step_is_one_outcome_and_the_others_still_happen(tmp_path, memory_keyring):
    missing_dir = tmp_path / "no-such-folder" / "out.csv"
    plan = ExportPlan.of({Format.CSV: missing_dir, Format.JSON: tmp_path / "ok.json"}, chats=("nobody",))
    outcomes = {o.what: o for o in carry_out(plan, report())}
    assert outcomes["JSON file"].ok and (tmp_path / "ok.json").exists()
    assert isinstance(outcomes["CSV file"].error, OSError)
    posted = outcomes["message to webhook 'nobody'"]
    assert isinstance(posted.error, chat.WebhookError) and "no webhook named 'nobody'" in str(posted.error)
