"""Pivots from the window: a threat, a feed or an explore query opened in its own view.

The views (``gui.dialogs.pivot_views``) ask through one :class:`~iocdesk.lookup.pivots.Pivots`
service over a lookup session of its own, opened when the first view needs it (so the window
starts without touching the keyring) and reopened when the settings change (another key,
API URL or demo mode). Its answers are cached; its requests go at the account's pace and
count in its quota. What a view sends back (indicators to add to the run or to look up, a
page to open) leaves through this object's signals for the window to act on.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from iocdesk.gui.dialogs.pivot_views import ExploreView, FeedView, PivotView, ThreatView, threaded
from iocdesk.gui.settings import AppSettings
from iocdesk.lookup.pivots import Pivots
from iocdesk.lookup.session import LookupSession, NoApiKey

__all__ = ["PivotActions"]

_View = TypeVar("_View", bound=PivotView)

log = logging.getLogger(__name__)


class PivotActions(QObject):
    """Opens pivot views; ``demo_url()`` is the demo sandbox's URL, or None for Pulsedive.

    Signals:
      ``addToRun(list)``, ``lookupRequested(list)``: Indicator objects from a view.
      ``openRequested(str)``: a https://pulsedive.com/ page.
      ``message(str)``: for the status line; ``failed(str)``: worth a notice (no API key).
    """

    addToRun = Signal(list)
    lookupRequested = Signal(list)
    openRequested = Signal(str)
    message = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        settings: AppSettings,
        demo_url: Callable[[], str | None],
        parent: QWidget,
        no_key_message: Callable[[str | None], str],
    ) -> None:
        super().__init__(parent)
        self._settings, self._demo_url, self._parent = settings, demo_url, parent
        self._no_key_message = no_key_message
        self._pivots: Pivots | None = None  # the one new views use
        self._opened: list[Pivots] = []  # every one opened, each with its own session: closed at the end
        self.views: list[PivotView] = []  # open ones; closed views take themselves off

    # -- views ---------------------------------------------------------------------------------
    def open_threat(self, key: int | str) -> ThreatView | None:
        pivots = self._service()
        if pivots is None:
            return None
        ask = threaded(pivots.threat)
        fetch = functools.partial(ask, tid=key) if isinstance(key, int) else functools.partial(ask, name=str(key))
        return self._show(ThreatView(fetch, copy_defanged=self._copy_rule, parent=self._parent))

    def open_feed(self, fid: int) -> FeedView | None:
        pivots = self._service()
        if pivots is None:
            return None
        fetch = functools.partial(threaded(pivots.feed), int(fid))
        return self._show(FeedView(fetch, copy_defanged=self._copy_rule, parent=self._parent))

    def open_explore(self, query: str = "") -> ExploreView | None:
        pivots = self._service()
        if pivots is None:
            return None
        view = ExploreView(threaded(pivots.explore), copy_defanged=self._copy_rule, parent=self._parent, query=query)
        return self._show(view)

    # -- the session ---------------------------------------------------------------------------
    def settings_changed(self) -> None:
        """Another key, URL or mode: the next view opens a fresh session (open views keep theirs
        until the window closes)."""
        self._pivots = None

    def close(self) -> None:
        for view in list(self.views):
            view.close()
        self._pivots = None
        for pivots in self._opened:
            pivots.close()
            pivots.session.close()
        self._opened.clear()

    def _service(self) -> Pivots | None:
        if self._pivots is not None:
            return self._pivots
        config = self._settings.session_config(self._demo_url())
        try:
            session = LookupSession.open(config, optional_stores=True)
        except NoApiKey as exc:
            self.failed.emit(self._no_key_message(exc.problem))
            return None
        self._pivots = Pivots(session)
        self._opened.append(self._pivots)
        return self._pivots

    def _copy_rule(self) -> bool:
        return self._settings.copy_defanged

    def _show(self, view: _View) -> _View:
        view.addToRun.connect(self.addToRun)
        view.lookupRequested.connect(self.lookupRequested)
        view.openRequested.connect(self.openRequested)
        view.copied.connect(
            lambda text: self.message.emit(self.tr("Copied %n indicators.", "", len(text.splitlines())))
        )
        view.destroyed.connect(lambda *_: self.views.remove(view) if view in self.views else None)
        self.views.append(view)
        view.show()
        return view
