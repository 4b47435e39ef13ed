"""The webhook answers alerts holding lone surrogate escapes and integers too long to read (issue 13).

Before, "\\ud800" in a JSON alert failed the write to history (SQLite is UTF-8)
and a 5,000-digit integer ended json.loads with a ValueError: either way the
connection was dropped with no answer. Now the alert is accepted (202), looked up
and can be asked for, with U+FFFD for the half character.
"""

from __future__ import annotations

import json

import pytest

from iocdesk.inbox.alert import read_body
from tests.inbox.test_webhook import LiveInbox, get, post

HUGE = "9" * 5000


@pytest.fixture
def live(tmp_path, make_sandbox):
    inbox = LiveInbox(tmp_path, make_sandbox(seed=4))
    yield inbox
    inbox.close()


def body_with(live: LiveInbox, title: str) -> tuple[bytes, list[str]]:
    values = live.sandbox.dataset.known_values("domain")[:3]
    events = ",".join(f'{{"dst": {json.dumps(v.replace(".", "[.]"))}, "bytes": {HUGE}}}' for v in values)
    body = f'{{"title": {title}, "note": "half \\ud800 here", "count": -{HUGE}, "events": [{events}]}}'
    return body.encode("ascii"), values


def test_read_body_replaces_surrogates_and_skips_huge_integers():
    name, text = read_body(b'{"title": "R\\ud800", "n": ' + HUGE.encode() + b', "x": ["evil.com\\udc00"]}')
    assert name == "R\ufffd" and text.split("\n") == ["R\ufffd", "evil.com\ufffd"]
    text.encode("utf-8")  # strict


def test_webhook_answers_202_and_the_alert_is_looked_up(live):
    body, values = body_with(live, '"EDR \\ud800 beacon"')
    status, answer = post(live.hook.url, body)
    assert status == 202, answer
    assert answer["name"] == "EDR \ufffd beacon" and answer["indicators"] == 3
    done = live.wait_done(answer["id"])
    assert done["status"] == "done" and done["counts"] == {"found": 3}
    code, again = get(live.hook.url + "/" + answer["id"])
    assert code == 200 and again["name"] == "EDR \ufffd beacon"
    _, saved = live.history.load_run(answer["run_id"])
    assert sorted(r.indicator for r in saved) == sorted(values)


def test_a_surrogate_in_the_name_only(live):
    status, answer = post(live.hook.url, b'{"rule_name": "\\udfff", "ip": "8.8.8.8"}')
    assert status == 202 and answer["name"] == "\ufffd" and answer["indicators"] == 1
    assert live.wait_done(answer["id"])["status"] in ("done", "duplicate")
