"""The inbox: alerts in (webhook, watched folder), the same lookup pipeline as a run, verdicts out.

Qt-free: ``iocdesk serve`` drives it with plain asyncio, the window with qasync.
``submit`` may be called from any thread (the webhook's request threads, the
folder watcher's worker); it extracts the IOCs, decides at once (busy,
duplicate, queued) and, for a queued alert, writes the planned run to history
before it returns, so an alert that was accepted is never lost: if the app
closes first, the run is in history, interrupted, ready to resume.

A noisy SIEM cannot burn the Pulsedive quota: submissions are limited per
minute and per source (``InboxBusy`` beyond, the webhook's 429; the folder and
the webhook each have their own allowance and are looked up in turn, see
``inbox.queues``), an alert with the same IOCs
as one within ``duplicate_window`` is marked duplicate and not looked up, and
every lookup goes through the cache (24 h) like any run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fnmatch
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from iocdesk.delivery.plan import ExportPlan, Format, carry_out
from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.inbox.alert import Alert, AlertStatus, at_least, worst_risk
from iocdesk.inbox.queues import SourceQueues
from iocdesk.indicators.results import LookupResult, Risk
from iocdesk.indicators.types import Indicator
from iocdesk.indicators.untrusted import replace_surrogates
from iocdesk.lookup.engine import EndState, EngineOptions, HostPolicy, LookupEngine
from iocdesk.lookup.limiter import RateLimiter
from iocdesk.lookup.session import LookupSession
from iocdesk.platform.safe_files import Target, check_dir
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.reports.report import Report
from iocdesk.store import History, LookupCache, RunMeta

log = logging.getLogger(__name__)

ALERT_SUBJECT = "[iocdesk] {title}: {headline}"  # drafts and chat posts name the alert
_KEPT_ALERTS = 5000  # in memory; every alert that was looked up is a run in history anyway


@dataclass(slots=True)
class Rule:
    """An auto-action: when an alert's name matches ``match`` (a glob, any case) and its worst
    risk is at least ``min_risk``, write an e-mail draft into ``draft_dir`` and/or post to the
    stored chat webhook ``chat``. None of it happens unless a rule says so."""

    match: str = "*"
    min_risk: Risk = Risk.HIGH
    draft_dir: str | None = None
    chat: str | None = None

    @classmethod
    def parse(cls, text: str, min_risk: Risk = Risk.HIGH) -> Rule:
        """``GLOB=draft:DIR`` or ``GLOB=chat:NAME`` (the CLI's --rule, a line in Settings)."""
        pattern, sep, action = text.strip().partition("=")
        kind, _, target = action.partition(":")
        pattern, target = pattern.strip(), target.strip()
        if not sep or not pattern or not target or kind.strip() not in ("draft", "chat"):
            raise ValueError(f"rule {text.strip()!r}: expected GLOB=draft:DIR or GLOB=chat:NAME")
        if kind.strip() == "draft":
            if not Path(target).expanduser().is_dir():
                raise ValueError(f"rule {text.strip()!r}: {target} is not a folder")
            try:  # drafts are named after predictable alert ids: a real folder of this user only
                check_dir(Path(target).expanduser(), what="the draft folder")
            except OSError as exc:
                raise ValueError(f"rule {text.strip()!r}: {exc}") from None
            return cls(match=pattern, min_risk=min_risk, draft_dir=str(Path(target).expanduser()))
        return cls(match=pattern, min_risk=min_risk, chat=target)

    def plan(self, alert: Alert) -> ExportPlan:
        """What the rule writes and posts for ``alert``: a draft named after it, a chat message."""
        files = {Format.EML: Path(self.draft_dir) / f"iocdesk-{alert.id}.eml"} if self.draft_dir else {}
        # the draft is the alert's summary; the workbook is one click away in the window
        return ExportPlan.of(
            files,
            chats=(self.chat,) if self.chat else (),
            subject=ALERT_SUBJECT,
            attach_workbook=False,
            target=Target.OUTPUT,  # a new file: never one planted under the predictable name
        )

    def applies(self, alert: Alert) -> bool:
        if not at_least(alert.worst_risk, self.min_risk):
            return False
        return fnmatch.fnmatchcase(alert.name.lower(), self.match.lower())


@dataclass(slots=True)
class InboxOptions:
    engine: EngineOptions = field(default_factory=EngineOptions)
    max_per_minute: int = 30  # alerts accepted per minute from each source (webhook, folder), duplicates included
    max_queued: int = 200  # alerts waiting from each source
    duplicate_window: float = 600.0  # seconds
    notify_min_risk: Risk = Risk.HIGH
    rules: list[Rule] = field(default_factory=list)


class InboxListener(Protocol):
    def alert_changed(self, alert: Alert) -> None: ...

    def notify(self, alert: Alert) -> None: ...  # worst risk at or above notify_min_risk


# The exports of every alert looked up in full (``serve --out``): a plan per alert.
AlertPlan = Callable[[Alert], ExportPlan]


class Inbox:
    def __init__(
        self,
        client: PulsediveClient,
        options: InboxOptions | None = None,
        *,
        history: History,
        cache: LookupCache | None = None,
        listener: InboxListener | None = None,
        export_plan: AlertPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.client = client
        self.options = options or InboxOptions()
        self._history, self._cache = history, cache
        self._listener, self._export_plan = listener, export_plan
        self._clock = clock
        self._limiter = limiter  # the session's: every alert shares the account's learnt pace
        self._lock = threading.Lock()
        self._submit_lock = threading.Lock()
        self._recent: deque[tuple[float, frozenset[tuple[str, str]], str]] = deque()  # (time, IOC set, alert id)
        # per source: its own allowance and queue, taken in turn (a flooded folder cannot starve the webhook)
        self._waiting: SourceQueues[tuple[Alert, list[Indicator]]] = SourceQueues(
            self.options.max_per_minute, self.options.max_queued
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None
        self.alerts: list[Alert] = []
        self.engine: LookupEngine | None = None  # of the alert being looked up

    @classmethod
    def from_session(cls, session: LookupSession, options: InboxOptions | None = None, **kwargs: Any) -> Inbox:
        """An inbox looking alerts up with the session's client, cache, history and engine options."""
        options = dataclasses.replace(options or InboxOptions(), engine=session.options)
        if session.history is None:
            raise RuntimeError("the inbox needs the run history: accepted alerts are planned runs")
        return cls(
            session.client, options, history=session.history, cache=session.cache, limiter=session.limiter, **kwargs
        )

    # -- in -----------------------------------------------------------------------------------
    def submit_text(self, name: str, text: str, source: str) -> Alert:
        collector = IndicatorCollector()
        collector.add_text(text)
        return self.submit(name, collector.results(), source)

    def submit(self, name: str, indicators: list[Indicator], source: str) -> Alert:
        """Take an alert (any thread); returns it queued, duplicate or done (no IOCs). Raises InboxBusy,
        or whatever writing the planned run to history raised: then nothing of the alert is kept."""
        if self.options.engine.hosts is HostPolicy.OFF:  # as `iocdesk analyze --hosts off`: not listed at all
            indicators = [i for i in indicators if not i.derived_only]
        alert = Alert(name=name, source=source, indicators=len(indicators))  # text fields made UTF-8 safe
        wanted = frozenset((str(i.type), i.value) for i in indicators if i.lookup_by_default)
        # One submission at a time from the duplicate check to its record: the check and the
        # record cannot interleave, and _lock (serve, find) is never held across a history write.
        with self._submit_lock:
            now = self._clock()
            with self._lock:
                self._waiting.admit(source, now)  # InboxBusy when this source is over its allowance
                while self._recent and now - self._recent[0][0] > self.options.duplicate_window:
                    self._recent.popleft()
                earlier = next((aid for _, iocs, aid in self._recent if wanted and iocs == wanted), None)
            if earlier is not None:
                alert.status, alert.duplicate_of = AlertStatus.DUPLICATE, earlier
            elif not wanted:
                alert.status = AlertStatus.DONE  # nothing Pulsedive could look up
            else:  # in history first: an alert that was never planned must not make later ones duplicates
                alert.run_id = self._plan(alert, indicators)
            with self._lock:
                if alert.status is AlertStatus.QUEUED:
                    self._recent.append((now, wanted, alert.id))
                    self._waiting.put(source, (alert, indicators))
                self.alerts.append(alert)
                if len(self.alerts) > _KEPT_ALERTS:  # a noisy SIEM must not grow a long session without bound
                    del self.alerts[: len(self.alerts) - _KEPT_ALERTS]
        if alert.status is AlertStatus.QUEUED:
            self._wake_up()
        self._changed(alert)
        log.info("alert %s from %s: %d IOCs, %s", alert.id, alert.source, len(indicators), alert.status)
        return alert

    def _plan(self, alert: Alert, indicators: list[Indicator]) -> int:
        meta = RunMeta(
            sources=[f"alert {alert.id}: {alert.name}"],
            total=len(indicators),
            scan=str(self.options.engine.scan),
            base_url=self.client.base_url,
        )
        run_id = self._history.start_run(meta)
        self._history.add_items(run_id, indicators)
        return run_id

    def _wake_up(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    # -- processing ---------------------------------------------------------------------------
    async def serve(self) -> None:
        """Look alerts up, one at a time, until ``stop()``."""
        self._loop = asyncio.get_running_loop()
        self._wake, self._stop = asyncio.Event(), asyncio.Event()
        while not self._stop.is_set():
            with self._lock:
                item = self._waiting.take()
            if item is None:
                self._wake.clear()
                waiters = {asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(self._stop.wait())}
                _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
                continue
            await self._process(*item)

    def stop(self) -> None:
        """End ``serve`` after the alert in progress (cancelled within a second); queued ones
        stay in history as interrupted runs."""
        if self.engine is not None:
            self.engine.cancel()
        if self._stop is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)

    async def _process(self, alert: Alert, indicators: list[Indicator]) -> None:
        alert.status = AlertStatus.RUNNING
        self._changed(alert)
        self.engine = LookupEngine(
            self.client,
            self.options.engine,
            cache=self._cache,
            history=self._history,
            run_id=alert.run_id,
            limiter=self._limiter,
        )
        try:
            results = await self.engine.run(indicators)
        except Exception as exc:  # a bug must not stop the inbox: this alert fails, the next one runs
            log.exception("alert %s failed", alert.id)
            alert.status, alert.error = AlertStatus.FAILED, f"unexpected error ({type(exc).__name__})"
            self._changed(alert)
            return
        state = self.engine.end_state
        assert alert.run_id is not None  # planned in submit() before it was queued
        self._history.finish_run(alert.run_id, state)
        self._summarise(alert, results)
        if state is EndState.FINISHED:
            alert.status = AlertStatus.DONE
        else:  # stopped (key, quota, network) or cancelled by stop(): the rest is pending in history
            alert.status = AlertStatus.FAILED
            reason = replace_surrogates(self.engine.stop_reason or "")
            alert.error = reason or "the inbox stopped before the alert was looked up in full"
        self._changed(alert)
        if state is EndState.FINISHED:
            await self._act(alert, results)

    def _summarise(self, alert: Alert, results: list[LookupResult]) -> None:
        alert.worst_risk = worst_risk([r.risk for r in results])
        counts: dict[str, int] = {}
        for r in results:
            counts[str(r.status)] = counts.get(str(r.status), 0) + 1
        alert.counts = counts

    async def _act(self, alert: Alert, results: list[LookupResult]) -> None:
        report = Report(
            results, run_id=alert.run_id, sources=[alert.source], title=alert.name, api_url=self.client.base_url
        )
        loop = asyncio.get_running_loop()
        plans = [("exports", self._export_plan(alert))] if self._export_plan is not None else []
        plans += [(f"rule {rule.match!r}", rule.plan(alert)) for rule in self.options.rules if rule.applies(alert)]
        for what, plan in plans:
            await loop.run_in_executor(None, self._carry_out, alert, what, plan, report)
        if at_least(alert.worst_risk, self.options.notify_min_risk):
            alert.notified = True
            if self._listener is not None:
                self._listener.notify(alert)

    @staticmethod
    def _carry_out(alert: Alert, what: str, plan: ExportPlan, report: Report) -> None:
        try:
            outcomes = carry_out(plan, report)
        except Exception:  # a bug in one plan must not stop the others or the inbox
            log.exception("inbox: %s failed", what)
            return
        for step in outcomes:
            if step.ok:
                log.info("alert %s: %s: %s %s", alert.id, what, step.what, step.target)
            else:  # the step's own words (WebhookError texts never hold a webhook URL)
                log.error("alert %s: %s: the %s failed: %s", alert.id, what, step.what, step.error)

    def _changed(self, alert: Alert) -> None:
        if self._listener is not None:
            self._listener.alert_changed(alert)

    def find(self, alert_id: str) -> Alert | None:
        with self._lock:
            return next((a for a in reversed(self.alerts) if a.id == alert_id), None)

    @property
    def queued(self) -> int:
        with self._lock:
            return len(self._waiting)
