"""What the sandbox answers: the per-request pipeline and the endpoints.

Pipeline, in order: count the request (stats) -> draw its faults -> on arrival,
unless the draw is a reset or a 500: API key (401) -> 429 burst -> quota (429, or
charged now; scan polls are not charged) -> latency -> injected reset / timeout
stall / 500 -> the 401/429 decided on arrival, or the endpoint -> maybe a
malformed 200/404 body. The quota is charged on arrival, before the latency, as a
server counting at the start of a request would (quota.py); a refused, reset or
500 request costs no quota, a timeout (answered late) does. Independent of HTTP:
server.py turns a :class:`Reply` into bytes on a socket.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field

from iocdesk.pulsedive.sandbox import views
from iocdesk.pulsedive.sandbox.config import SandboxConfig
from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.explore import QueryError, compile_query
from iocdesk.pulsedive.sandbox.faults import SERVER_ERROR, Decision, Faults, corrupt
from iocdesk.pulsedive.sandbox.quota import Quota, limit_message
from iocdesk.pulsedive.sandbox.records import Feed, Record, Threat
from iocdesk.pulsedive.sandbox.scans import ScanQueue
from iocdesk.pulsedive.sandbox.stats import Stats
from iocdesk.pulsedive.sandbox.values import lookup_key

ENDPOINTS = ("info.php", "indicator.php", "threat.php", "feed.php", "explore.php", "analyze.php")
NOT_FOUND = "Indicator not found."
MISSING_KEY = "API key required."  # 401 texts are not recorded (a spec gap)
WRONG_KEY = "Invalid API key."
EXPLORE_DEFAULT_LIMIT = 100
# A `limit` above the plan's most results is refused with 429, as §2.4/§4 say; the text is not recorded.
EXPLORE_TOO_MANY = (
    "Explore results are limited to {n} for your plan. Visit pulsedive.com/api to view limits and upgrade your plan."
)
BASE_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store, no-cache, must-revalidate",
    "Pragma": "no-cache",
    "Expires": "Thu, 19 Nov 1981 08:52:00 GMT",
    "X-Robots-Tag": "noindex",
    "X-Frame-Options": "SAMEORIGIN",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}
# What an indicator request asks for: the record found (None: unknown) and its lookup key.
Target = tuple[Record | None, str]
APACHE_404 = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
    b"</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)


@dataclass(frozen=True, slots=True)
class Admission:
    """What a request's arrival decided: refused (``"key"``, ``"burst"`` or a quota period) or not."""

    refused: str | None
    limit: float = 0.0  # of the refusing period (the 429 text)
    headers: dict[str, str] = field(default_factory=dict)  # X-Requests-Remaining-*, as of arrival
    error: str = ""  # the 401 text


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    abort: bool = False  # drop the connection without answering (TCP reset)
    fault: str | None = None  # the injected fault this reply carries, if any (for Stats)


def encode(obj: object, cfg: SandboxConfig, pretty: bool = False) -> bytes:
    """PHP json_encode style: \\uXXXX for non-ASCII, "\\/" for "/" (when escape_slashes)."""
    text = json.dumps(obj, ensure_ascii=True, indent=4 if pretty else None, separators=None if pretty else (",", ":"))
    if cfg.escape_slashes:
        text = text.replace("/", "\\/")  # "/" never occurs inside a JSON escape sequence
    return text.encode("ascii")


def _flag(params: dict[str, str], name: str) -> bool:
    return params.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _int(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


class Api:
    def __init__(self, config: SandboxConfig, dataset: Dataset, stats: Stats, stopping: threading.Event) -> None:
        self.config, self.dataset, self.stats, self.stopping = config, dataset, stats, stopping
        self.faults = Faults(dataset.seed)
        self.quota = Quota()
        self.scans = ScanQueue(dataset.seed)

    # -- pipeline ---------------------------------------------------------------------
    def handle(self, method: str, endpoint: str, params: dict[str, str]) -> Reply:
        reply = self._handle(method, endpoint, params)
        self.stats.status("reset" if reply.abort else reply.status)
        return reply

    def _handle(self, method: str, endpoint: str, params: dict[str, str]) -> Reply:
        cfg = self.config.snapshot()
        if endpoint not in ENDPOINTS:
            self.stats.request(endpoint or "/", "other")
            return Reply(404, APACHE_404, {"Content-Type": "text/html; charset=iso-8859-1"})
        kind = self.classify(method, endpoint, params)
        self.stats.request(endpoint, kind)
        target: Target | None = None
        if kind in ("indicator", "iid", "links", "properties"):
            target = self.indicator_target(params)
            if kind in ("indicator", "iid"):
                self.stats.lookup_attempt(target[1])
        reply = self._answer(cfg, kind, method, endpoint, params, target)
        if kind in ("indicator", "iid"):
            assert target is not None  # set above for these kinds
            # A late answer after a stall counts as the timeout the client saw, not as an answer.
            self.stats.lookup_outcome(target[1], reply.fault or str(reply.status))
        return reply

    def _answer(
        self, cfg: SandboxConfig, kind: str, method: str, endpoint: str, params: dict[str, str], target: Target | None
    ) -> Reply:
        decision = self.faults.decide(cfg)
        # Admission on arrival, before the latency: the per-second window sees when requests
        # arrive, not when their (jittered) latency ends. A reset or 500 is decided first and
        # costs nothing, as before.
        admission = None if decision.reset or decision.error else self._admit(cfg, kind, params)
        if decision.delay and self.stopping.wait(decision.delay):
            return Reply(0, abort=True, fault="stopped")
        if decision.reset:
            self.stats.fault("reset")
            return Reply(0, abort=True, fault="reset")
        if decision.timeout:
            self.stats.fault("timeout")
            if self.stopping.wait(cfg.timeout_seconds):  # stalls, then answers (late) as usual
                return Reply(0, abort=True, fault="timeout")
        reply = self._checked_answer(cfg, kind, method, endpoint, params, target, decision, admission)
        if decision.timeout:
            reply.fault = "timeout"
        return reply

    def _admit(self, cfg: SandboxConfig, kind: str, params: dict[str, str]) -> Admission:
        """The key check, a burst and the quota, charged now (on arrival)."""
        if cfg.require_key is not None:
            key = params.get("key", "")
            if not hmac.compare_digest(key.encode(), cfg.require_key.encode()):
                return Admission("key", error=WRONG_KEY if key else MISSING_KEY)
        charged = kind != "scan_poll"  # only submits count for scans (§6)
        if charged and self.faults.burst(cfg):
            _, _, headers = self.quota.charge(cfg, count=False)
            return Admission("burst", cfg.per_second or 1, headers)
        period, limit, headers = self.quota.charge(cfg, count=charged)
        if period is not None:
            assert limit is not None  # a period that refuses has a limit
            return Admission(period, limit, headers)
        return Admission(None, headers=headers)

    def _checked_answer(
        self,
        cfg: SandboxConfig,
        kind: str,
        method: str,
        endpoint: str,
        params: dict[str, str],
        target: Target | None,
        decision: Decision,
        admission: Admission | None,
    ) -> Reply:
        if decision.error or admission is None:  # _answer() admits all but resets (gone) and 500s
            self.stats.fault("error")
            return self._faulty(self.reply(500, {"error": SERVER_ERROR}, cfg, number=decision.number), "error")
        headers = admission.headers
        if admission.refused == "key":
            self.stats.unauthorized()
            return self.reply(401, {"error": admission.error}, cfg, number=decision.number)
        if admission.refused == "burst":
            self.stats.fault("burst")
            return self._faulty(self.too_many(admission.limit, "second", headers, cfg, decision.number), "burst")
        if admission.refused is not None:
            self.stats.rate_limit(admission.refused)
            return self.too_many(admission.limit, admission.refused, headers, cfg, decision.number)
        status, body = self.route(kind, method, endpoint, params, cfg, target)
        reply = self.reply(status, body, cfg, headers, decision.number, pretty=_flag(params, "pretty"))
        if status in (200, 404) and decision.malformed:
            self.stats.fault("malformed")
            reply.body = corrupt(reply.body, decision.malformed_kind)
            reply.fault = "malformed"
        return reply

    @staticmethod
    def _faulty(reply: Reply, fault: str) -> Reply:
        reply.fault = fault
        return reply

    def reply(
        self,
        status: int,
        body: object,
        cfg: SandboxConfig,
        headers: dict[str, str] | None = None,
        number: int = 0,
        pretty: bool = False,
    ) -> Reply:
        session = hashlib.md5(f"{self.dataset.seed}:{number}".encode(), usedforsecurity=False).hexdigest()
        all_headers = dict(BASE_HEADERS) | (headers or {})
        all_headers["Set-Cookie"] = f"PHPSESSID={session}; path=/"
        return Reply(status, encode(body, cfg, pretty), all_headers)

    def too_many(self, limit: float, period: str, headers: dict[str, str], cfg: SandboxConfig, number: int) -> Reply:
        return self.reply(
            429, {"error": limit_message(limit, period)}, cfg, headers if cfg.headers_on_429 else None, number
        )

    # -- routing ----------------------------------------------------------------------------
    @staticmethod
    def classify(method: str, endpoint: str, params: dict[str, str]) -> str:
        if endpoint == "explore.php":
            return "explore"
        if endpoint == "analyze.php":
            if "qid" in params and not ({"value", "ioc"} & params.keys()):
                return "scan_poll"
            return "scan_submit" if method == "POST" else "bad_request"
        get = params.get("get", "").lower()
        if endpoint in ("info.php", "indicator.php") and ("iid" in params or "indicator" in params):
            if get in ("links", "properties"):
                return get
            return "iid" if "iid" in params else "indicator"
        if endpoint in ("info.php", "threat.php") and ({"tid", "tname", "threat"} & params.keys()):
            prefix = "threat"
        elif endpoint in ("info.php", "feed.php") and ({"fid", "feed"} & params.keys()):
            prefix = "feed"
        else:
            return "bad_request"
        by_id = ("tid" if prefix == "threat" else "fid") in params
        if get == "links" and by_id:  # links need the id, not the name (§2.2)
            return f"{prefix}_summary" if _flag(params, "summary") else f"{prefix}_links"
        return prefix

    def indicator_target(self, params: dict[str, str]) -> tuple[Record | None, str]:
        if "iid" in params:
            iid = _int(params["iid"])
            record = self.dataset.by_iid(iid) if iid is not None else None
            return record, record.key if record else f"iid:{params['iid']}"
        return self.dataset.record(params["indicator"]), lookup_key(params["indicator"])[1]

    def route(
        self, kind: str, method: str, endpoint: str, params: dict[str, str], cfg: SandboxConfig, target: Target | None
    ) -> tuple[int, object]:
        ds, page = self.dataset, max(0, _int(params.get("page")) or 0)
        if kind in ("indicator", "iid", "links", "properties"):
            assert target is not None  # _handle() sets it for these kinds
            record, key = target
            if kind in ("indicator", "iid"):
                self.stats.lookup(key)
            if record is None:
                return 404, {"error": NOT_FOUND}
            if kind == "links":
                return 200, views.indicator_links(record, ds, page, cfg.links_page_size)
            if kind == "properties":
                return 200, views.property_history(record)
            return 200, views.indicator(record, ds, schema=_flag(params, "schema"))
        if kind.startswith("threat"):
            return self.threat(kind, params, page, cfg)
        if kind.startswith("feed"):
            return self.feed(kind, params, page, cfg)
        if kind == "explore":
            return self.explore(params, cfg.explore_max_results)
        if kind == "scan_submit":
            return self.submit(params)
        if kind == "scan_poll":
            return self.poll(params, cfg)
        if endpoint == "analyze.php":
            return 400, {"error": "Submit a scan with POST (value, probe) or poll it with GET (qid)."}
        return 400, {"error": "Missing parameter: indicator or iid, tid or tname, fid."}

    def threat(self, kind: str, params: dict[str, str], page: int, cfg: SandboxConfig) -> tuple[int, object]:
        ds = self.dataset
        found: Threat | None
        if "tid" in params:
            tid = _int(params["tid"])
            found = ds.threats.get(tid) if tid is not None else None
        else:
            found = ds.threat_by_name(params.get("tname") or params.get("threat", ""))
        if found is None:
            return 404, {"error": "Threat not found."}
        if kind == "threat":
            return 200, views.threat(found, ds)
        linked = ds.linked_to_threat(found.tid)
        if kind == "threat_summary":
            return 200, views.summary(linked, ds, _flag(params, "splitrisk"), not found.legacy, of_feed=False)
        return 200, views.linked_list(linked, page, cfg.links_page_size)

    def feed(self, kind: str, params: dict[str, str], page: int, cfg: SandboxConfig) -> tuple[int, object]:
        ds = self.dataset
        found: Feed | None
        if "fid" in params:
            fid = _int(params["fid"])
            found = ds.feeds.get(fid) if fid is not None else None
        else:
            found = ds.feed_by_name(params.get("feed", ""), params.get("organization"))
        if found is None:
            return 404, {"error": "Feed not found."}
        if kind == "feed":
            return 200, views.feed(found.fid, ds)
        linked = ds.linked_to_feed(found.fid)
        if kind == "feed_summary":
            return 200, views.summary(linked, ds, _flag(params, "splitrisk"), True, of_feed=True)
        return 200, views.linked_list(linked, page, cfg.links_page_size)

    def explore(self, params: dict[str, str], most: int) -> tuple[int, object]:
        query = params.get("q", "").strip()
        if not query:
            return 400, {"error": "Missing query."}
        limit = _int(params.get("limit", EXPLORE_DEFAULT_LIMIT))
        if limit is None or limit < 1:
            return 400, {"error": "Invalid limit."}
        if limit > most:
            return 429, {"error": EXPLORE_TOO_MANY.format(n=most)}
        threats = params.get("type", "indicators").lower() == "threats"
        try:
            match = compile_query(query, self.dataset, threats=threats)
        except QueryError:
            return 400, {"error": "Invalid query."}
        if threats:
            ordered = sorted(self.dataset.threats.values(), key=lambda t: t.tid)
            found = [views.explore_threat(t) for t in ordered if match(t)]
        else:
            records = sorted(self.dataset.records(), key=lambda r: (r.stamp_seen, r.iid), reverse=True)
            found = [views.explore_item(r) for r in records if match(r)]
        return 200, {"results": found[:limit]}

    def submit(self, params: dict[str, str]) -> tuple[int, object]:
        value = params.get("value", "")
        if not value and params.get("ioc"):  # 2018-2019 clients: ioc=<base64(value)>
            try:
                value = base64.b64decode(params["ioc"], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                value = ""
        if not value.strip():
            return 400, {"error": "Missing value."}
        if lookup_key(value)[0] is None:
            return 400, {"error": "Invalid indicator."}
        probe, store = _flag(params, "probe"), _flag(params, "submit")
        scan = self.scans.submit(value, probe, store, self.dataset.scan_outcome(value))
        self.stats.scan(value, probe, store, scan.qid)
        return 200, views.scan_queued(scan.qid)

    def poll(self, params: dict[str, str], cfg: SandboxConfig) -> tuple[int, object]:
        qid_text = params.get("qid", "")
        self.stats.poll(qid_text.strip())
        scan, done, first = self.scans.poll(qid_text, cfg.scan_polls_until_done)
        if scan is None:
            return 404, {"qid": qid_text, "status": "not found", "error": "Request not found."}
        if not done:
            return 200, views.scan_processing(scan.qid, scan.legacy)
        if scan.result is None:
            return 200, views.scan_nothing(scan.qid, scan.legacy)
        if first and scan.submit:
            self.dataset.make_known(scan.result)
        return 200, views.scan_done(scan.qid, scan.legacy, scan.result, self.dataset, scan.probe, cfg.links_page_size)
