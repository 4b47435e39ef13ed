"""The asynchronous lookup pipeline: indicators in, Pulsedive verdicts out.

Qt-free and headless: ``iocdesk analyze`` drives it with plain asyncio, the
desktop window with qasync. Blocking HTTP runs in a bounded thread pool; the
coroutines only schedule, so pause, resume and cancel act within a second.

Per indicator: unsupported types and private/reserved addresses end at once
(no request); then the cache; then one lookup, retried with exponential
backoff and jitter on server errors, timeouts and resets; 429s wait and retry
without counting as attempts; "not found" optionally leads to a scan that is
polled to its end. Every final result is written to history and (when it is
an answer from Pulsedive) to the cache as soon as it is known. When requests
in a row get no HTTP answer at all (network down, DNS, a refusing proxy) the
run stops with one message, resumable, instead of retrying every item.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from iocdesk.indicators.host_links import link_hosts
from iocdesk.indicators.results import CACHEABLE_STATUSES, PULSEDIVE_TYPES, LookupResult, Status
from iocdesk.indicators.types import Indicator, Scope
from iocdesk.lookup.limiter import QuotaExhausted, RateLimiter, RateLimits, Ticket
from iocdesk.lookup.pace import Pace
from iocdesk.pulsedive.client import ApiResult, Outcome, PulsediveClient, quota_period
from iocdesk.pulsedive.parse import parse_indicator, parse_scan_poll, parse_scan_submit

log = logging.getLogger(__name__)


class HostPolicy(StrEnum):
    """When the host of a URL or e-mail address (found only inside it) is looked up."""

    AUTO = "auto"  # when the URL or address it came from gets no verdict (not found, unsupported, error)
    ALL = "all"
    OFF = "off"


class ScanPolicy(StrEnum):
    OFF = "off"
    PASSIVE = "passive"  # WHOIS/DNS/metadata: the target is not contacted
    ACTIVE = "active"  # port scan and HTTP fetch: touches the target, never the default


@dataclass(slots=True)
class EngineOptions:
    limits: RateLimits = field(default_factory=RateLimits)
    concurrency: int = 4
    scan: ScanPolicy = ScanPolicy.OFF
    hosts: HostPolicy = HostPolicy.AUTO
    submit: bool = False  # store scan results in Pulsedive's public database
    include_private: bool = False  # look up private/reserved/internal addresses too
    use_cache: bool = True
    max_attempts: int = 4  # per lookup, for 5xx / timeouts / resets / malformed answers
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_rate_limited_waits: int = 30  # 429s tolerated for one item before it ends as an error
    # Requests in a row that got no HTTP answer at all (refused, reset, DNS, proxy, timeout): the
    # network or Pulsedive is down, and retrying every item would only make the analyst wait.
    unreachable_after: int = 12
    scan_poll_interval: float = 1.0
    scan_poll_cap: float = 90.0  # a scan still processing after this ends as an error


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    counts: dict[str, int]  # by status
    rate: float  # results per second over the last few seconds
    eta: float | None  # seconds
    quota: Any  # the client's latest Quota, or None
    paused: bool
    pace: Pace | None = None  # the pace in force ("25/s, learnt from Pulsedive")


class EndState(StrEnum):
    """How a run ended; the values are history's run states (``iocdesk.store.RunState``)."""

    FINISHED = "finished"
    CANCELLED = "cancelled"  # the analyst (or Ctrl+C, or closing) cancelled it
    INTERRUPTED = "interrupted"  # stopped by the key, the quota or the network: what is left stays pending


class StopCause(StrEnum):
    """Why the engine stopped a run by itself (``LookupEngine.stop_cause``); the words for people
    are in ``LookupEngine.stop_reason``."""

    KEY_REJECTED = "key_rejected"
    QUOTA_EXHAUSTED = "quota_exhausted"
    UNREACHABLE = "unreachable"


class EngineListener(Protocol):
    """What the engine tells its face (CLI progress bar, Qt models)."""

    def result(self, index: int, result: LookupResult) -> None: ...

    def progress(self, progress: Progress) -> None: ...


class CacheLike(Protocol):
    def get(self, type: str, value: str) -> Any: ...

    def put(self, result: LookupResult) -> object: ...  # LookupCache says whether it stored it


class HistoryLike(Protocol):
    def record(self, run_id: Any, result: LookupResult) -> None: ...


class KeyRejected(Exception):
    """Pulsedive refused the API key: the whole run stops with one clear message."""

    cause = StopCause.KEY_REJECTED


class Unreachable(Exception):
    """No HTTP answer for ``unreachable_after`` requests in a row: the run stops, resumable later."""

    cause = StopCause.UNREACHABLE


_CANCEL_GRACE = 0.5  # seconds an in-flight answer may still arrive after a cancel
_RETRYABLE = frozenset({Outcome.SERVER_ERROR, Outcome.TIMEOUT, Outcome.NETWORK_ERROR, Outcome.MALFORMED})
_NO_ANSWER = frozenset({Outcome.TIMEOUT, Outcome.NETWORK_ERROR})
_LOOKUP_TYPES = frozenset(PULSEDIVE_TYPES)
# A URL or address that ends like this says nothing about its host: under HostPolicy.AUTO the host is looked up.
_NO_VERDICT = frozenset({Status.NOT_FOUND, Status.UNSUPPORTED, Status.ERROR})


class LookupEngine:
    def __init__(
        self,
        client: PulsediveClient,
        options: EngineOptions | None = None,
        *,
        cache: CacheLike | None = None,
        history: HistoryLike | None = None,
        run_id: Any = None,
        listener: EngineListener | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        """``limiter`` is the session's (its pace and quotas are the account's, shared by every run
        and link page); without one the engine has its own over ``options.limits``.

        ``clock`` (seconds, monotonic) and ``sleep`` are every time the engine and its limiter
        read or wait for (backoff, the pace, request spacing, scan polls and deadline, pause
        points, rate and ETA); a test passes a fake pair to run on virtual time. Only the grace
        an in-flight answer gets after a cancel is real time: it waits for a worker thread."""
        self.client = client
        self.options = options or EngineOptions()
        self._cache = cache if self.options.use_cache else None
        self._history = history
        self._run_id = run_id
        # Public: a face may take over the events before run() (the Qt RunController does).
        self.listener = listener
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self.limiter = limiter if limiter is not None else RateLimiter(self.options.limits, clock=clock, sleep=sleep)
        self._running = asyncio.Event()
        self._running.set()
        self._cancelled = asyncio.Event()
        self._stop_reason: str | None = None  # key rejected, quota exhausted
        self._stop_cause: StopCause | None = None
        self.resets_at: datetime | None = None  # when a spent day/month quota turns (QUOTA_EXHAUSTED)
        self.results: list[LookupResult] = []
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        # HostPolicy.AUTO: a host waiting for the URLs and addresses it came from (index -> theirs
        # not yet final), and each of those to its host's index.
        self._waiting: dict[int, set[int]] = {}
        self._host_of: dict[int, int] = {}
        self._in_flight = 0
        self._changed = asyncio.Event()  # set (and replaced) when a worker may find new work or leave
        self._done = 0
        self._unanswered = 0  # requests in a row without an HTTP answer
        self._finished_at: deque[float] = deque(maxlen=50)
        self._executor: ThreadPoolExecutor | None = None

    # -- control --------------------------------------------------------------------------
    def pause(self) -> None:
        self._running.clear()
        self._emit_progress()

    def resume(self) -> None:
        self._running.set()
        self._emit_progress()

    def cancel(self) -> None:
        self._cancelled.set()
        self._running.set()  # wake paused workers so they can leave
        self._notify()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason

    @property
    def stop_cause(self) -> StopCause | None:
        """Why the engine stopped the run by itself, or None (it ran to the end, or was cancelled)."""
        return self._stop_cause

    @property
    def end_state(self) -> EndState:
        """How the run ended: cancelled, interrupted (stopped by the key, the quota or the network;
        what was not looked up stays pending, resumable) or finished."""
        if self._cancelled.is_set():
            return EndState.CANCELLED
        return EndState.INTERRUPTED if self._stop_reason else EndState.FINISHED

    # -- run --------------------------------------------------------------------------------
    async def run(self, items: Iterable[Indicator | LookupResult]) -> list[LookupResult]:
        """Look every item up; returns the results in input order (also kept in ``self.results``)."""
        self.results = []
        seen: set[tuple[str, str]] = set()
        for item in items:  # each indicator is looked up at most once per run
            key = (str(item.type), item.value if isinstance(item, Indicator) else item.indicator)
            if key not in seen:
                seen.add(key)
                self.results.append(self._initial(item))
        link_hosts(self.results)
        self._queue = asyncio.Queue()
        self._plan_hosts()
        waiting = set(self._waiting)
        for index, result in enumerate(self.results):
            if result.done:
                self._finish(index, result, cache=False)
            elif index not in waiting:
                self._queue.put_nowait(index)
        self._emit_progress()
        lookups = sum(not r.done for r in self.results)
        workers = max(1, min(self.options.concurrency, lookups))
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pulsedive")
        try:
            await asyncio.gather(*(self._worker() for _ in range(workers)))
        finally:
            # Requests still in flight after a cancel finish in the background (they have timeouts).
            self._executor.shutdown(wait=False, cancel_futures=True)
        for index, result in enumerate(self.results):
            if not result.done:  # cancelled or stopped before its turn: still pending in history, for a resume
                self._not_looked_up(index, result)
        self._emit_progress()
        return self.results

    def _initial(self, item: Indicator | LookupResult) -> LookupResult:
        if isinstance(item, LookupResult):
            return item  # resumed from history: done ones stay as they are
        result = LookupResult(item.value, item.type, defanged=item.defanged, derived_only=item.derived_only)
        if item.sources:
            result.source = str(item.sources[0])
        if item.type not in _LOOKUP_TYPES:
            result.status = Status.UNSUPPORTED
            result.error = f"Pulsedive does not look up {item.type} indicators"
        elif item.scope is not Scope.PUBLIC and not self.options.include_private:
            result.status = Status.SKIPPED
            result.error = f"{item.scope} address: not looked up (policy)"
        elif item.derived_only and self.options.hosts is HostPolicy.OFF:
            result.status = Status.SKIPPED
            result.error = "host of a URL or e-mail address: not looked up (host lookups are off)"
        elif self._cache is not None:
            self._from_cache(result)
        return result

    def _plan_hosts(self) -> None:
        """Under HostPolicy.AUTO, hold back each host found only inside URLs and addresses
        until one of them ends without a verdict (it is looked up then) or all of them end
        with one (it is skipped). A host whose URLs are not in this run is looked up."""
        self._waiting, self._host_of = {}, {}
        if self.options.hosts is not HostPolicy.AUTO:
            return
        index_of = {id(result): index for index, result in enumerate(self.results)}
        for index, result in enumerate(self.results):
            host = result.host_result
            if host is None or host.done or not host.derived_only:
                continue
            host_index = index_of[id(host)]
            self._waiting.setdefault(host_index, set()).add(index)
            self._host_of[index] = host_index

    def _settle_host(self, index: int, result: LookupResult) -> None:
        """``result`` (a URL or address) is final: look its waiting host up, or skip it."""
        host_index = self._host_of.pop(index, None)
        if host_index is None or host_index not in self._waiting:
            return
        if self._cancelled.is_set() or self._stop_reason:
            return  # the host stays pending, for a resume
        parents = self._waiting[host_index]
        parents.discard(index)
        if result.status in _NO_VERDICT:
            del self._waiting[host_index]
            self._queue.put_nowait(host_index)
            self._notify()
        elif not parents:
            del self._waiting[host_index]
            host = self.results[host_index]
            host.status = Status.SKIPPED
            host.error = "not looked up: every URL or e-mail address it was found in has a Pulsedive verdict"
            self._finish(host_index, host, cache=False)

    def _not_looked_up(self, index: int, result: LookupResult) -> None:
        """An item the run ends without: pending in history either way, for a resume. A quota
        that ran out is a free plan's normal day, so it stays ``pending`` with the reason, never
        ``error``; a key or network stop is an error; a cancel, skipped."""
        if self._stop_cause is StopCause.QUOTA_EXHAUSTED:
            result.status = Status.PENDING
            result.error = f"not looked up: {self._stop_reason}"
        elif self._stop_reason is not None:
            result.status, result.error = Status.ERROR, self._stop_reason
        else:
            result.status, result.error = Status.SKIPPED, "cancelled before it was looked up"
        self._finish(index, result, cache=False, record=False)

    def _from_cache(self, result: LookupResult) -> None:
        try:
            cached = self._cache.get(str(result.type), result.indicator)  # type: ignore[union-attr]
        except Exception:  # a broken cache must not break a run
            log.warning("cache read failed", exc_info=True)
            return
        if cached is None:
            return
        result.status = Status(cached.status)
        result.intel = parse_indicator(cached.raw) if cached.raw else None
        result.scan = getattr(cached, "scan", None)
        result.from_cache = True

    async def _worker(self) -> None:
        while (index := await self._next()) is not None:
            result = self.results[index]
            self._in_flight += 1
            try:
                await self._look_up(result)
            except (KeyRejected, QuotaExhausted, Unreachable) as exc:
                if isinstance(exc, QuotaExhausted):
                    self.resets_at = self.resets_at or exc.resets_at
                    self._stop(str(exc), StopCause.QUOTA_EXHAUSTED)
                else:
                    self._stop(str(exc), exc.cause)
                self._not_looked_up(index, result)
            except _Stopped:  # another worker stopped the run first: its reason stands
                self._not_looked_up(index, result)
            except _Cancelled:
                result.status, result.error = Status.SKIPPED, "cancelled while it was being looked up"
                self._finish(index, result, cache=False, record=False)
            else:
                self._finish(index, result, cache=True)  # before the finally: it may queue the item's host
            finally:
                self._in_flight -= 1
                self._notify()

    async def _next(self) -> int | None:
        """The next item to look up, or None when the run is over for this worker: cancelled,
        stopped, or nothing queued and nothing in flight that could still release a host."""
        while True:
            await self._running.wait()
            if self._cancelled.is_set() or self._stop_reason:
                return None
            if not self._queue.empty():
                return self._queue.get_nowait()
            if self._in_flight == 0:
                return None
            await self._changed.wait()

    def _notify(self) -> None:
        """Wake the workers waiting in ``_next``."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _stop(self, reason: str, cause: StopCause) -> None:
        if self._stop_reason is None:
            self._stop_reason, self._stop_cause = reason, cause
            log.warning("run stopped: %s", reason)
            self._notify()

    # -- one indicator --------------------------------------------------------------------
    async def _look_up(self, result: LookupResult) -> None:
        answer = await self._request(result, self.client.indicator, result.indicator)
        if answer.outcome is Outcome.OK:
            result.status, result.intel = Status.FOUND, parse_indicator(answer.data)
        elif answer.outcome is Outcome.NOT_FOUND:
            if self.options.scan is ScanPolicy.OFF:
                result.status = Status.NOT_FOUND
            else:
                await self._scan(result)
        else:
            result.status, result.error = Status.ERROR, answer.message

    async def _scan(self, result: LookupResult) -> None:
        probe = self.options.scan is ScanPolicy.ACTIVE
        result.scan = str(self.options.scan)
        submitted = await self._request(
            result,
            lambda value: self.client.submit_scan(value, probe=probe, submit=self.options.submit),
            result.indicator,
        )
        if submitted.outcome is not Outcome.OK:
            result.status, result.error = Status.ERROR, f"scan could not be submitted: {submitted.message}"
            return
        qid = parse_scan_submit(submitted.data)
        if qid is None:
            result.status, result.error = Status.ERROR, "the scan was not queued (Pulsedive sent no queue id)"
            return
        deadline = self._clock() + self.options.scan_poll_cap
        interval = self.options.scan_poll_interval
        while True:
            await self._pause_point(interval)
            # Polls do not count against Pulsedive's quota: they skip the limiter.
            polled = await self._call(self.client.poll_scan, qid)
            if polled.outcome is Outcome.OK:
                poll = parse_scan_poll(polled.data)
                if poll.status == "done":
                    if poll.data is not None and (poll.data.iid is not None or poll.data.risk is not None):
                        result.status, result.intel = Status.SCANNED, poll.data
                    else:
                        result.status = Status.NOT_FOUND
                    return
                if poll.status == "not found":
                    result.status = Status.NOT_FOUND  # the scan found nothing to report
                    return
                if poll.status not in ("processing", "unknown"):
                    result.status = Status.ERROR
                    result.error = f"the scan failed: {poll.error or poll.status}"
                    return
            elif polled.outcome is Outcome.NOT_FOUND:
                result.status = Status.NOT_FOUND
                return
            elif polled.outcome is Outcome.KEY_REJECTED:
                raise KeyRejected(f"Pulsedive rejected the API key: {polled.message}")
            if self._clock() > deadline:
                result.status = Status.ERROR
                result.error = f"the scan did not finish within {self.options.scan_poll_cap:.0f} s"
                return
            interval = min(interval * 1.5, 10.0)

    async def _request(self, result: LookupResult, call: Callable[[str], ApiResult], value: str) -> ApiResult:
        """One rate-limited request with retries; returns the last answer."""
        waits = 0
        attempt = 0
        while True:
            await self._pause_point()
            if self._stop_reason:  # another worker stopped the run while this one waited
                raise _Stopped
            ticket = await self._acquire()
            answer = await self._call(call, value)
            result.attempts += 1
            if answer.status is None and answer.outcome is Outcome.NETWORK_ERROR:
                self.limiter.unanswered(ticket)  # refused or no DNS: Pulsedive never counted it
            self._count_unanswered(answer)
            quota = answer.quota
            if answer.outcome is Outcome.RATE_LIMITED:
                second, day, month = (quota.second, quota.day, quota.month) if quota else (None, None, None)
                period = quota_period(answer.message)
                if period is None:  # a 429 for the second: the pace learns from it, this request waits its turn
                    self.limiter.refused(ticket, second, day, month)
                else:
                    self.limiter.answered(None, None, day, month)
                period = period or self.limiter.exhausted_period()
                if period in ("day", "month"):
                    raise QuotaExhausted(period)
                waits += 1
                if waits > self.options.max_rate_limited_waits:
                    return answer
                continue
            if quota is not None and answer.status in _PACED_ANSWERS:
                # Only Pulsedive's own answers say what the account allows: a 5xx or a proxy's
                # page without headers says nothing about the per-second limit.
                self.limiter.answered(ticket, quota.second, quota.day, quota.month)
            if answer.outcome is Outcome.KEY_REJECTED:
                raise KeyRejected(f"Pulsedive rejected the API key: {answer.message}")
            if answer.outcome in _RETRYABLE:
                attempt += 1
                if attempt >= self.options.max_attempts:
                    return answer
                delay = min(self.options.backoff_cap, self.options.backoff_base * 2 ** (attempt - 1))
                await self._pause_point(delay * (0.5 + self._rng.random() / 2))
                continue
            return answer

    async def _acquire(self) -> Ticket:
        """The limiter's next slot, given up at once when the run is cancelled (a slot may be
        seconds away at the start pace, and Ctrl+C or closing the window must not wait for it)."""
        acquiring = asyncio.ensure_future(self.limiter.acquire())
        cancelled = asyncio.ensure_future(self._cancelled.wait())
        try:
            await asyncio.wait({acquiring, cancelled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancelled.cancel()
        if not acquiring.done():
            acquiring.cancel()
            await asyncio.gather(acquiring, return_exceptions=True)
            raise _Cancelled
        return acquiring.result()  # QuotaExhausted raises here

    def _count_unanswered(self, answer: ApiResult) -> None:
        if answer.status is not None or answer.outcome not in _NO_ANSWER:
            self._unanswered = 0
            return
        self._unanswered += 1
        if self._unanswered >= self.options.unreachable_after:
            raise Unreachable(f"Pulsedive cannot be reached ({answer.message}); check the network, proxy and API URL")

    async def _call(self, call: Callable[..., ApiResult], *args: Any) -> ApiResult:
        """Run a blocking client call in the pool. After a cancel, an answer already on its
        way is still taken for half a second (it was paid for: a resume must not ask again)."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, call, *args)
        cancelled = asyncio.ensure_future(self._cancelled.wait())
        try:
            waiters: set[asyncio.Future[Any]] = {future, cancelled}
            done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancelled.cancel()
        if future not in done:
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout=_CANCEL_GRACE)
            except TimeoutError:
                raise _Cancelled from None
        return future.result()

    async def _pause_point(self, delay: float = 0.0) -> None:
        """Sleep ``delay`` and honour pause/cancel, waking within a second."""
        end = self._clock() + delay
        while True:
            if self._cancelled.is_set():
                raise _Cancelled
            left = end - self._clock()
            if left <= 0 and self._running.is_set():
                return
            if not self._running.is_set():
                await self._running.wait()
                continue
            await self._sleep(min(left, 0.25))

    # -- results and progress ---------------------------------------------------------------
    def _finish(self, index: int, result: LookupResult, *, cache: bool, record: bool = True) -> None:
        self._done += 1
        self._finished_at.append(self._clock())
        if cache and self._cache is not None and result.status in CACHEABLE_STATUSES and not result.from_cache:
            try:
                self._cache.put(result)
            except Exception:
                log.warning("cache write failed", exc_info=True)
        if record and self._history is not None:
            self._history.record(self._run_id, result)
        if self.listener is not None:
            self.listener.result(index, result)
        self._emit_progress()
        if self._host_of:
            self._settle_host(index, result)

    def progress(self) -> Progress:
        total = len(self.results)
        rate = 0.0
        if len(self._finished_at) >= 2:
            span = self._finished_at[-1] - self._finished_at[0]
            rate = (len(self._finished_at) - 1) / span if span > 0 else 0.0
        remaining = total - self._done
        eta = remaining / rate if rate > 0 else None
        if remaining and (pace := self.limiter.rate_hint()) < math.inf:
            eta = max(eta or 0.0, remaining / pace)
        counts = Counter(str(r.status) for r in self.results)
        return Progress(
            self._done, total, dict(counts), rate, eta, self.client.quota, self.paused, self.limiter.shown_pace()
        )

    def _emit_progress(self) -> None:
        if self.listener is not None:
            self.listener.progress(self.progress())


class _Cancelled(Exception):
    pass


class _Stopped(Exception):
    """The run was stopped (key, quota, network) by another worker."""


# Answers whose headers (or their absence) describe the account's limits: found and not found;
# a 5xx or a proxy's error page carries no limits even when it has no header.
_PACED_ANSWERS = frozenset({200, 404})
