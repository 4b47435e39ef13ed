"""The watched folder reads mails with the importers' reader: an Outlook .msg is an alert named after its Subject."""

from __future__ import annotations

from iocdesk.inbox.folder import FolderAlert, FolderWatcher
from tests.helpers.outlook_msg import OutlookMessage


def test_an_outlook_msg_becomes_an_alert_named_after_its_subject(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    content = OutlookMessage(
        subject="Reported: invoice overdue",
        headers="From: billing@msg-phish.example.com\r\nTo: analyst@victim-corp.example\r\n",
        body="pay at hxxps://pay-now[.]example[.]com/inv",
        recipients=["analyst@victim-corp.example"],
    ).to_bytes()
    (inbox_dir / "reported.msg").write_bytes(content)
    alerts: list[FolderAlert] = []

    handled = FolderWatcher(inbox_dir, alerts.append, settle=0).scan_once()

    assert handled == [inbox_dir / "done" / "reported.msg"]
    [alert] = alerts
    assert alert.name == "Reported: invoice overdue"
    values = {i.value for i in alert.indicators}
    assert {"billing@msg-phish.example.com", "https://pay-now.example.com/inv"} <= values
    assert "analyst@victim-corp.example" not in values
