"""Pivots: from a result to its threats, feeds and their linked indicators, and Pulsedive's explore.

Qt-free; the window (in executor threads) and ``iocdesk explore`` use it the same way::

    pivots = Pivots(session)  # a LookupSession: its client, limiter, scope
    zeus = pivots.threat(name="Zeus")  # ThreatPivot: the threat and its linked indicators
    urlhaus = pivots.feed(54)  # FeedPivot
    found = pivots.explore("threat=ryuk", 100)  # ExploreResult: partial Intel records

Every method blocks (run it in a worker thread from a coroutine) and raises
:class:`PivotError` with a sentence an analyst can act on (not found, quota
spent, Pulsedive unreachable, a query Pulsedive did not accept).

Quota: every request waits its turn at the session's limiter, as the engine's
lookups and the client's link pages do (the account has one pace whoever asks);
a 429 for the second is retried at the pace, a spent day or month ends the call.
Answers are kept in the :class:`~iocdesk.store.answers.AnswerCache` of the
session's scope (account, API URL) for the session's cache TTL, so opening the
same threat, feed or query again sends nothing; a session without a cache
(``--no-cache``) keeps none.

Linked lists can be huge (a threat may have tens of thousands of indicators):
only the first :data:`MAX_LINKED` are kept, and :attr:`LinkedIndicators.note`
says so. The attacker-controlled text in the answers (names, summaries, values)
is returned as parsed; showing it safely is the face's business.
"""

from __future__ import annotations

import ipaddress
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from iocdesk.extraction.extract import extract
from iocdesk.extraction.refang import refang_value
from iocdesk.indicators.results import PULSEDIVE_TYPES, Intel
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.limiter import QuotaExhausted
from iocdesk.lookup.session import LookupSession
from iocdesk.pulsedive.client import ApiResult, Outcome, is_rate_limit, quota_period
from iocdesk.pulsedive.parse import (
    FeedDetail,
    LinkedIndicator,
    MalformedResponse,
    ThreatDetail,
    parse_explore,
    parse_feed,
    parse_linked_list,
    parse_threat,
)
from iocdesk.store import StoreError
from iocdesk.store.answers import ANSWERS_FILE, AnswerCache

__all__ = [
    "EXPLORE_DEFAULT_LIMIT",
    "EXPLORE_EXAMPLES",
    "EXPLORE_MAX_LIMIT",
    "MAX_LINKED",
    "ExploreResult",
    "FeedPivot",
    "LinkedIndicators",
    "PivotError",
    "PivotProblem",
    "Pivots",
    "ThreatPivot",
    "as_indicator",
    "feed_url",
    "indicator_type",
    "indicator_url",
    "threat_url",
]

log = logging.getLogger(__name__)

MAX_LINKED = 1000  # linked indicators kept of a threat or a feed
EXPLORE_DEFAULT_LIMIT = 100
EXPLORE_MAX_LIMIT = 1000  # asked at most; a plan that shows fewer refuses a larger limit (429, API.md §2.4)
EXPLORE_EXAMPLES = ("threat=ryuk", "feed=urlhaus", "ioc=pulsedive.com or threat=ryuk", "risk=high and type=domain")
_RETRIED_ONCE = frozenset({Outcome.SERVER_ERROR, Outcome.MALFORMED})
_PULSEDIVE_TO_TYPE = {name: kind for kind, name in PULSEDIVE_TYPES.items()}
_WEB = "https://pulsedive.com"


class PivotProblem(StrEnum):
    """Why a pivot failed; the CLI's exit status follows it."""

    NOT_FOUND = "not_found"  # no such threat or feed
    BAD_QUERY = "bad_query"  # Pulsedive did not accept the query or the limit
    QUOTA = "quota"  # the day's or month's quota is spent
    RATE_LIMITED = "rate_limited"  # refused for the second, again and again
    UNREACHABLE = "unreachable"  # no answer: network, proxy, DNS, timeout
    KEY_REJECTED = "key_rejected"
    FAILED = "failed"  # a server error or an answer that is not JSON


class PivotError(Exception):
    """A pivot that could not be fetched; ``str()`` is the sentence to show."""

    def __init__(self, problem: PivotProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(slots=True)
class LinkedIndicators:
    """The indicators linked to a threat or a feed: at most ``MAX_LINKED`` of them."""

    items: list[LinkedIndicator] = field(default_factory=list)
    fetched: int = 0  # how many Pulsedive sent (every page read)
    complete: bool = True  # False: a page failed (``problem``); ``items`` are the pages before it
    problem: str | None = None

    @property
    def capped(self) -> bool:
        return self.fetched > len(self.items)

    @property
    def note(self) -> str | None:
        """A sentence when the list is not the whole story (capped or cut short), else None."""
        notes = []
        if self.capped:
            notes.append(f"Showing the first {len(self.items):,} of {self.fetched:,} linked indicators.")
        if not self.complete:
            notes.append(f"Not every page could be read: {self.problem}")
        return " ".join(notes) or None


@dataclass(slots=True)
class ThreatPivot:
    threat: ThreatDetail
    links: LinkedIndicators
    from_cache: bool = False


@dataclass(slots=True)
class FeedPivot:
    feed: FeedDetail
    links: LinkedIndicators
    from_cache: bool = False


@dataclass(slots=True)
class ExploreResult:
    query: str
    limit: int
    results: list[Intel]
    from_cache: bool = False

    @property
    def maybe_more(self) -> bool:
        """As many results as the limit: Pulsedive may have more."""
        return len(self.results) >= self.limit


# -- Pulsedive's pages, from numeric ids only -------------------------------------------------
def _page(kind: str, name: str, number: object) -> str | None:
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        return None
    return f"{_WEB}/{kind}/?{name}={number}"


def indicator_url(iid: object) -> str | None:
    """``https://pulsedive.com/indicator/?iid=N`` for a positive int, else None."""
    return _page("indicator", "iid", iid)


def threat_url(tid: object) -> str | None:
    return _page("threat", "tid", tid)


def feed_url(fid: object) -> str | None:
    return _page("feed", "fid", fid)


# -- linked indicators as indicators to look up -----------------------------------------------
def indicator_type(pulsedive_type: str | None) -> IndicatorType | None:
    """iocdesk's type for Pulsedive's type name (``ip`` -> ipv4); None for one it does not look up."""
    return _PULSEDIVE_TO_TYPE.get((pulsedive_type or "").strip().lower())


def as_indicator(value: str | None, pulsedive_type: str | None) -> Indicator | None:
    """A linked indicator or explore result (Pulsedive's value and type name) as an Indicator to
    look up or add to a run; None for a type iocdesk does not look up (``artifact``...) or no value.

    The value is read by the extractor when it reads it whole (canonical form, scope, host);
    otherwise it is kept exactly as Pulsedive wrote it, the form Pulsedive knows it by."""
    kind = indicator_type(pulsedive_type)
    text = refang_value(value).strip() if isinstance(value, str) else ""
    if kind is None or not text or "\n" in text:
        return None
    for found in extract(text, types=[kind], hosts=False):
        if found.type is kind and _same(found.value, text, kind):
            return found
    return Indicator(kind, text, text)


def _same(canonical: str, value: str, kind: IndicatorType) -> bool:
    if kind in (IndicatorType.IPV4, IndicatorType.IPV6):
        try:
            return ipaddress.ip_address(canonical) == ipaddress.ip_address(value)
        except ValueError:
            return False
    return canonical.casefold() == value.rstrip(".").casefold()


# -- the service ----------------------------------------------------------------------------
class Pivots:
    """Threats, feeds and explore through one :class:`LookupSession` (see the module docstring).

    ``answers``: the answer cache to use (borrowed); by default one is opened next to the
    session's lookup cache when the session has one, scoped like it. Safe to call from
    several worker threads at once.
    """

    def __init__(
        self, session: LookupSession, *, answers: AnswerCache | None = None, max_linked: int = MAX_LINKED
    ) -> None:
        self.session = session
        self.max_linked = max_linked
        self._owned = answers is None  # an answer cache opened here is closed here
        self.answers = answers if answers is not None else self._open_answers(session)

    @staticmethod
    def _open_answers(session: LookupSession) -> AnswerCache | None:
        cache = session.cache
        if cache is None:  # caching is off for this session (--no-cache, the setting)
            return None
        try:
            answers = AnswerCache(
                cache.path.parent / ANSWERS_FILE,
                ttl=session.config.cache_ttl_hours * 3600,
                fingerprint=session.account,
                base_url=session.base_url,
            )
        except (StoreError, sqlite3.Error, OSError):
            log.exception("could not open the answer cache; pivots are not cached")
            return None
        return answers

    def close(self) -> None:
        answers, self.answers = self.answers, None
        if answers is not None and self._owned:
            answers.close()

    def __enter__(self) -> Pivots:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- threats and feeds ---------------------------------------------------------------------
    def threat(self, *, tid: int | None = None, name: str | None = None, refresh: bool = False) -> ThreatPivot:
        """A threat by id or by name (case does not matter), with its linked indicators."""
        if (tid is None) == (name is None):
            raise ValueError("give exactly one of tid or name")
        if name is not None:
            name = name.strip()
            if not name:
                raise PivotError(PivotProblem.BAD_QUERY, "Give a threat's name or id.")
        what = f"threat with id {tid}" if tid is not None else f"threat named {name!r}"
        key = str(tid) if tid is not None else "name:" + str(name).casefold()
        raw = None if refresh else self._cached("threat", key)
        from_cache = raw is not None
        if raw is None:
            client = self.session.client
            raw = self._object(self._paced(lambda: client.threat(tid=tid, name=name)), what)
        threat = _parsed(parse_threat, raw, what)
        if not from_cache:
            self._store("threat", key, raw)
            if threat.tid is not None and key != str(threat.tid):
                self._store("threat", str(threat.tid), raw)
        links, links_cached = self._links("threat", threat.tid, refresh)
        return ThreatPivot(threat, links, from_cache=from_cache and links_cached)

    def feed(self, fid: int, *, refresh: bool = False) -> FeedPivot:
        """A feed by id, with its linked indicators."""
        what = f"feed with id {fid}"
        raw = None if refresh else self._cached("feed", str(fid))
        from_cache = raw is not None
        if raw is None:
            client = self.session.client
            raw = self._object(self._paced(lambda: client.feed(fid)), what)
            self._store("feed", str(fid), raw)
        feed = _parsed(parse_feed, raw, what)
        links, links_cached = self._links("feed", feed.fid if feed.fid is not None else fid, refresh)
        return FeedPivot(feed, links, from_cache=from_cache and links_cached)

    def _links(self, kind: str, number: int | None, refresh: bool) -> tuple[LinkedIndicators, bool]:
        """(the linked indicators, whether they came from the cache). A failure is kept in the
        result (``complete=False``): the threat or feed is still worth showing."""
        if number is None:
            return LinkedIndicators(complete=False, problem="Pulsedive gave no id to ask for its indicators."), False
        cache_kind = f"{kind}_links"
        cached = None if refresh else self._cached(cache_kind, str(number))
        if cached is not None:
            return self._linked_from(cached), True
        client = self.session.client
        # every page, each through the session's limiter (the client's gate)
        answer = client.threat_links(number) if kind == "threat" else client.feed_links(number)
        data = answer.data if isinstance(answer.data, dict) else None
        if data is None:
            return LinkedIndicators(complete=False, problem=str(self._problem(answer, "linked indicators"))), False
        results = data.get("results")
        items = results if isinstance(results, list) else []
        body: dict[str, Any] = {"results": items[: self.max_linked], "fetched": len(items)}
        if not answer.ok:
            body.update(complete=False, problem=str(self._problem(answer, "linked indicators")))
        else:
            self._store(cache_kind, str(number), body)
        return self._linked_from(body), False

    @staticmethod
    def _linked_from(body: dict[str, Any]) -> LinkedIndicators:
        items = parse_linked_list({"results": body.get("results")})
        fetched = body.get("fetched")
        problem = body.get("problem")
        return LinkedIndicators(
            items=items,
            fetched=fetched if isinstance(fetched, int) and fetched >= len(items) else len(items),
            complete=body.get("complete", True) is not False,
            problem=problem if isinstance(problem, str) else None,
        )

    # -- explore --------------------------------------------------------------------------------
    def explore(self, query: str, limit: int = EXPLORE_DEFAULT_LIMIT, *, refresh: bool = False) -> ExploreResult:
        """Indicators matching a query in Pulsedive's query language (``threat=ryuk``,
        ``risk=high and type=domain``), at most ``limit`` (1 to ``EXPLORE_MAX_LIMIT``)."""
        query = query.strip()
        if not query:
            examples = ", ".join(EXPLORE_EXAMPLES[:2])
            raise PivotError(PivotProblem.BAD_QUERY, f"Type a query, for example {examples}.")
        if not 1 <= limit <= EXPLORE_MAX_LIMIT:
            raise PivotError(PivotProblem.BAD_QUERY, f"The limit must be between 1 and {EXPLORE_MAX_LIMIT:,}.")
        key = f"{limit}\n{query}"
        raw = None if refresh else self._cached("explore", key)
        from_cache = raw is not None
        if raw is None:
            client = self.session.client
            raw = self._object(self._paced(lambda: client.explore(query, limit)), "query")
        results = _parsed(parse_explore, raw, "explore answer")
        if not from_cache:
            self._store("explore", key, raw)
        return ExploreResult(query, limit, results[:limit], from_cache=from_cache)

    # -- requests -------------------------------------------------------------------------------
    @staticmethod
    def _paced(call: Callable[[], ApiResult]) -> ApiResult:
        """One request (the client paces it through the session's limiter, a 429 for the second
        waits its turn again); a server error or a broken answer is asked once more."""
        answer = call()
        if answer.outcome in _RETRIED_ONCE:
            answer = call()
        return answer

    def _object(self, answer: ApiResult, what: str) -> dict[str, Any]:
        if answer.ok and isinstance(answer.data, dict):
            return answer.data
        raise self._problem(answer, what)

    def _problem(self, answer: ApiResult, what: str) -> PivotError:
        """The analyst's sentence for a failed answer."""
        text = _error_text(answer) or answer.message
        outcome = answer.outcome
        if outcome is Outcome.NOT_FOUND:
            return PivotError(PivotProblem.NOT_FOUND, f"Pulsedive has no {what}.")
        if outcome is Outcome.RATE_LIMITED:
            # the 429's text, or the limiter's own count (the client's link pages stop at a spent quota)
            period = quota_period(text) or self.session.limiter.exhausted_period()
            if period is not None:
                return PivotError(PivotProblem.QUOTA, _quota_sentence(QuotaExhausted(period)))
            if not is_rate_limit(answer):  # a plan's limit, e.g. more explore results than it shows
                return PivotError(PivotProblem.BAD_QUERY, f"Pulsedive refused the {what}: {text}")
            return PivotError(
                PivotProblem.RATE_LIMITED, "Pulsedive kept refusing requests (rate limit); try again in a moment."
            )
        if outcome is Outcome.KEY_REJECTED:
            return PivotError(PivotProblem.KEY_REJECTED, f"Pulsedive rejected the API key: {text}")
        if outcome is Outcome.BAD_REQUEST:
            return PivotError(PivotProblem.BAD_QUERY, f"Pulsedive did not accept the {what}: {text}")
        if outcome in (Outcome.NETWORK_ERROR, Outcome.TIMEOUT):
            return PivotError(
                PivotProblem.UNREACHABLE,
                f"Pulsedive cannot be reached ({answer.message}); check the network, proxy and API URL.",
            )
        return PivotError(PivotProblem.FAILED, f"Pulsedive could not answer: {answer.message}")

    # -- the answer cache ---------------------------------------------------------------------
    def _cached(self, kind: str, key: str) -> dict[str, Any] | None:
        if self.answers is None:
            return None
        try:
            hit = self.answers.get(kind, key)
        except (sqlite3.Error, ValueError):
            log.warning("answer cache unreadable", exc_info=True)
            return None
        return hit.data if hit is not None else None

    def _store(self, kind: str, key: str, data: dict[str, Any]) -> None:
        if self.answers is None:
            return
        try:
            self.answers.put(kind, key, data)
        except sqlite3.Error:  # a full disk or a locked file must not lose the answer just fetched
            log.warning("could not cache the %s answer", kind, exc_info=True)


def _parsed(parse: Callable[[object], Any], raw: dict[str, Any], what: str) -> Any:
    try:
        return parse(raw)
    except MalformedResponse as exc:  # not reached for a dict; kept for a parser that grows stricter
        raise PivotError(PivotProblem.FAILED, f"Pulsedive's {what} could not be read: {exc}") from None


def _error_text(answer: ApiResult) -> str | None:
    data = answer.data
    error = data.get("error") if isinstance(data, dict) else None
    return error.strip() if isinstance(error, str) and error.strip() else None


def _quota_sentence(exc: QuotaExhausted) -> str:
    return (
        f"The Pulsedive {exc.period}'s quota is used up: nothing more can be asked until it resets "
        f"({exc.resets_at:%Y-%m-%d %H:%M} UTC). Answers already cached still open."
    )
