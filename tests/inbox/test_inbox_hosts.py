"""Alerts list the hosts of their URLs and addresses, unless host lookups are off (as analyze)."""

from __future__ import annotations

import pytest

from iocdesk.inbox.service import Inbox, InboxOptions
from iocdesk.lookup.engine import EngineOptions, HostPolicy
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History


@pytest.mark.parametrize(("policy", "count"), [(HostPolicy.AUTO, 4), (HostPolicy.ALL, 4), (HostPolicy.OFF, 2)])
def test_an_alert_counts_the_hosts_per_policy(tmp_path, policy, count):
    with History(tmp_path / "h.sqlite3") as history, PulsediveClient(None, base_url="http://127.0.0.1:9") as client:
        inbox = Inbox(client, InboxOptions(engine=EngineOptions(hosts=policy)), history=history)
        alert = inbox.submit_text("Phish", "hxxps://evil[.]top/login from billing@evil-mail.top", "test")
        assert alert.indicators == count
        _, planned = history.load_run(alert.run_id)
        assert len(planned) == count
