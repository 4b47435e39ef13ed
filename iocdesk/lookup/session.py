"""One lookup session: the client, scoped cache, history and engine options a run needs.

The window, the inbox (in the window and ``iocdesk serve``) and the CLI all
look indicators up the same way; this is the one place that turns settings
(or flags) plus an API key into a Pulsedive client, a cache scoped to that
key and API URL, the run history and engine options, and that records a
run's start and end. Each face only says where its settings come from and
how it words a missing key.

    config = SessionConfig(connection=Connection(api_url=...), engine=EngineOptions(...))
    with LookupSession.open(config) as session:          # NoApiKey when there is none
        run_id = session.start_run(["alert.txt"], indicators)
        engine = session.engine(run_id, listener=bar)
        await engine.run(indicators)
        session.finish_run(run_id, engine)
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from iocdesk.indicators.types import Indicator, Scope
from iocdesk.lookup.engine import EngineListener, EngineOptions, LookupEngine
from iocdesk.lookup.limiter import RateLimiter, RateLimits
from iocdesk.platform.credentials import get_key
from iocdesk.pulsedive.client import DEFAULT_BASE_URL, PulsediveClient
from iocdesk.store import History, LookupCache, PlannedItem, RunMeta, account_fingerprint

log = logging.getLogger(__name__)

# The built-in sandbox limits like a paid plan (gui/demo.py, analyze --demo): its pace is learnt
# from its answers as an account's would be, with no maximum set.
DEMO_LIMITS = RateLimits()
# The demo sandbox: a paid plan's 25 requests a second counted over a rolling second, and the
# latency of a request across the Internet.
DEMO_SANDBOX: dict[str, Any] = {"latency": 0.15, "per_second": 25, "limiter": "rolling"}


class NoApiKey(Exception):
    """No Pulsedive API key is stored (``problem`` says why when the keyring itself failed)."""

    def __init__(self, problem: str | None = None) -> None:
        super().__init__(problem or "no Pulsedive API key")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Connection:
    """Where and how to reach Pulsedive: the only place proxy and CA settings become client options."""

    api_url: str = DEFAULT_BASE_URL
    paths: Literal["legacy", "current"] = "legacy"
    proxy: str | None = None  # None: the system's (HTTPS_PROXY/HTTP_PROXY)
    ca_bundle: str | None = None  # a corporate TLS-inspecting proxy's CA certificates

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``PulsediveClient(key, **connection.client_kwargs())``."""
        kwargs: dict[str, Any] = {"base_url": self.api_url, "paths": self.paths}
        if self.proxy:
            kwargs["proxies"] = {"http": self.proxy, "https": self.proxy}
        if self.ca_bundle:
            kwargs["verify"] = self.ca_bundle
        return kwargs

    def client(self, key: str | None) -> PulsediveClient:
        return PulsediveClient(key, **self.client_kwargs())


@dataclass(slots=True)
class SessionConfig:
    """What a face's settings (or flags) say about lookups."""

    connection: Connection = field(default_factory=Connection)
    engine: EngineOptions = field(default_factory=EngineOptions)
    cache_ttl_hours: float = 24.0  # the cache is used when ``engine.use_cache``
    demo_url: str | None = None  # the built-in sandbox's URL: no key, no quota

    def for_demo(self, demo_url: str) -> SessionConfig:
        """The same settings, looked up in the sandbox at ``demo_url`` (no key, local rate)."""
        engine = dataclasses.replace(self.engine, limits=DEMO_LIMITS)
        return dataclasses.replace(self, engine=engine, demo_url=demo_url)


class LookupSession:
    """A Pulsedive client for one key and URL, with the cache scoped to them and the history.

    It closes what it opened; a ``history`` or ``cache`` passed in is borrowed (the window
    keeps one history for its History dialog) and used as it is. With ``optional_stores`` a history or cache that cannot be
    opened is logged and left out (the window: a run works without them); otherwise the
    error propagates (the CLI says it and stops). ``purge_cache`` drops expired answers first
    (the CLI, once per command; not on the window's thread before every run).
    """

    def __init__(
        self,
        config: SessionConfig,
        key: str | None,
        *,
        history: History | None = None,
        cache: LookupCache | None = None,
        optional_stores: bool = False,
        purge_cache: bool = False,
    ) -> None:
        self.config = config
        self.options = config.engine
        connection = config.connection
        if config.demo_url is not None:
            connection = dataclasses.replace(connection, api_url=config.demo_url)
            key = None
        self.client = connection.client(key)
        # One pace and one quota for the account, whoever asks: every run and inbox alert of this
        # session, and the link pages the client fetches (its gate).
        self.limiter = RateLimiter(self.options.limits)
        self.client.gate = self.limiter
        self.account = account_fingerprint(key)
        self._owned: list[Any] = [self.client]
        self.history: History | None = history
        self.cache: LookupCache | None = cache if self.options.use_cache else None
        try:
            if self.history is None:
                self.history = History()
                self._owned.append(self.history)
                self.history.mark_interrupted_runs()
            if self.options.use_cache and self.cache is None:
                self.cache = LookupCache(ttl=config.cache_ttl_hours * 3600)
                self._owned.append(self.cache)
                self.cache.set_scope(self.account, self.client.base_url)
                if purge_cache:  # a command's one-off chore; the window opens a session per run
                    self.cache.purge_expired()
        except Exception:
            if not optional_stores:
                self.close()
                raise
            log.exception("could not open the history or cache")

    @classmethod
    def open(cls, config: SessionConfig, **kwargs: Any) -> LookupSession:
        """A session with the stored key (OS keyring or environment); ``NoApiKey`` when there is
        none. In demo mode no key is read."""
        key = None
        if config.demo_url is None:
            info = get_key()
            if not info.key:
                raise NoApiKey(info.problem)
            key = info.key
        return cls(config, key, **kwargs)

    @property
    def base_url(self) -> str:
        return self.client.base_url

    # -- runs ------------------------------------------------------------------------------
    def engine(
        self, run_id: int | None = None, *, listener: EngineListener | None = None, **overrides: Any
    ) -> LookupEngine:
        """An engine over this session's client and stores; ``overrides`` replace engine options
        for this run only (``use_cache=False`` for a re-query, ``include_private=True``...)."""
        options = dataclasses.replace(self.options, **overrides) if overrides else dataclasses.replace(self.options)
        return LookupEngine(
            self.client,
            options,
            cache=self.cache,
            history=self.history if run_id is not None else None,
            run_id=run_id,
            listener=listener,
            limiter=None if "limits" in overrides else self.limiter,
        )

    def start_run(
        self,
        sources: list[str],
        indicators: list[Indicator],
        *,
        options: dict[str, Any] | None = None,
    ) -> int | None:
        """Record a planned run (its sources, the items) in history; its id, or None without history."""
        if self.history is None:
            return None
        meta = RunMeta(
            sources=sources,
            total=len(indicators),
            scan=str(self.options.scan),
            options=options or {},
            base_url=self.client.base_url,
        )
        run_id = self.history.start_run(meta)
        self.history.add_items(run_id, indicators)
        return run_id

    def resume_run(self, run_id: int) -> list[PlannedItem]:
        """Make a saved run ``running`` again; the items it has still to look up."""
        if self.history is None:
            raise RuntimeError("no history to resume from")
        return self.history.resume_run(run_id)

    def finish_run(self, run_id: int | None, engine: LookupEngine) -> None:
        """Record how the run ended (finished, cancelled, interrupted)."""
        if self.history is not None and run_id is not None:
            self.history.finish_run(run_id, engine.end_state)

    # -- closing ---------------------------------------------------------------------------
    def close(self) -> None:
        owned, self._owned = self._owned, []
        for resource in reversed(owned):
            with contextlib.suppress(Exception):  # closing must never hide the real outcome
                resource.close()

    def __enter__(self) -> LookupSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def planned_to_indicators(items: list[PlannedItem]) -> list[Indicator]:
    """A saved run's pending items as indicators to look up again."""
    return [
        Indicator(item.type, item.value, item.value, defanged=item.defanged, scope=Scope(item.scope or "public"))
        for item in items
    ]


__all__ = [
    "DEMO_LIMITS",
    "DEMO_SANDBOX",
    "Connection",
    "LookupSession",
    "NoApiKey",
    "SessionConfig",
    "planned_to_indicators",
]
