"""Pivot windows: a threat, a feed (each with its linked indicators) and Pulsedive's explore.

Non-modal dialogs; they never call the client or requests themselves. Each is given
an async callable (``fetch`` / ``search``) that does the blocking work in a worker
thread (:func:`threaded` wraps :class:`iocdesk.lookup.pivots.Pivots`'s methods), runs
it on the qasync loop as a task it tracks (:class:`~iocdesk.gui.tasks.Tasks`, cancelled
when the dialog closes), and shows the answer, or the :class:`PivotError`'s sentence::

    pivots = Pivots(session)
    view = ThreatView(functools.partial(threaded(pivots.threat), tid=1), copy_defanged=rule, parent=win)
    view.addToRun.connect(...)
    view.lookupRequested.connect(...)
    view.openRequested.connect(...)
    view.show()

Everything shown came from Pulsedive's records of attackers (names, summaries,
news titles, values): plain-text labels and a read-only plain-text box, control and
bidi characters made visible; news links are text, never links. The only pages
opened are Pulsedive's own (``/threat/?tid=N``, ``/feed/?fid=N``, ``/indicator/?iid=N``),
built from numeric ids.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.dialogs.pivot_table import PivotRow, PivotTable
from iocdesk.gui.risk import risk_icon, risk_text
from iocdesk.gui.tasks import Tasks
from iocdesk.gui.text import safe_text
from iocdesk.gui.widgets.detail import is_pulsedive_url
from iocdesk.gui.widgets.elided_label import ElidedLabel
from iocdesk.gui.widgets.plain_label import plain_label
from iocdesk.indicators.results import Risk
from iocdesk.lookup.pivots import (
    EXPLORE_DEFAULT_LIMIT,
    EXPLORE_EXAMPLES,
    EXPLORE_MAX_LIMIT,
    ExploreResult,
    FeedPivot,
    LinkedIndicators,
    PivotError,
    ThreatPivot,
    feed_url,
    threat_url,
)

__all__ = ["ExploreView", "FeedView", "PivotView", "ThreatView", "threaded"]

_T = TypeVar("_T")
_TEXT_MAX = 20_000  # characters of a description and its news shown
_RISK_ORDER = ("critical", "high", "medium", "low", "none", "unknown", "retired", "total")


def threaded(call: Callable[..., _T]) -> Callable[..., Awaitable[_T]]:
    """``call`` (blocking) as a coroutine function that runs it in the loop's default executor."""

    async def run(*args: Any, **kwargs: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(call, *args, **kwargs))

    return run


class PivotView(QDialog):
    """What the three views share: the table and its signals, a status line, tasks, Close.

    Signals (the table's, passed on):
      ``addToRun(list)``, ``lookupRequested(list)``: :class:`Indicator` objects.
      ``openRequested(str)``: a https://pulsedive.com/ page.
      ``copied(str)``: text put on the clipboard.
    """

    addToRun = Signal(list)
    lookupRequested = Signal(list)
    openRequested = Signal(str)
    copied = Signal(str)

    def __init__(
        self, name: str, when_header: str, copy_defanged: Callable[[], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 620)
        self.tasks = Tasks()
        self._closed = False
        self._page_url: str | None = None
        self.table = PivotTable(when_header, copy_defanged=copy_defanged, name=f"{name}Table", parent=self)
        self.table.addToRun.connect(self.addToRun)
        self.table.lookupRequested.connect(self.lookupRequested)
        self.table.openRequested.connect(self._open)
        self.table.copied.connect(self.copied)
        self.message = ElidedLabel(objectName=f"{name}Message")
        self.message.setAccessibleName(self.tr("Status"))
        self.table.status.hide()  # one status line: the view's
        self.table.message.connect(self.message.setText)
        self.open_page = QPushButton(self.tr("Open in &Pulsedive"))
        self.open_page.setObjectName(f"{name}OpenPage")
        self.open_page.setEnabled(False)
        self.open_page.clicked.connect(lambda: self._open(self._page_url))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.open_page, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.close)

    def _open(self, url: object) -> None:
        if is_pulsedive_url(url):
            self.openRequested.emit(url)

    def run(self, fetch: Callable[[], Awaitable[_T]], done: Callable[[_T], None]) -> asyncio.Task[Any]:
        """Run ``fetch`` as a tracked task; ``done(answer)`` or the PivotError's sentence after it."""
        self.message.setText(self.tr("Asking Pulsedive…"))

        async def go() -> None:
            try:
                answer = await fetch()
            except PivotError as exc:
                if not self._closed:
                    self.show_error(exc.message)
                return
            if not self._closed:
                done(answer)

        return self.tasks.spawn(go(), name=self.objectName())

    def show_error(self, message: str) -> None:
        self.message.setText(safe_text(message))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.tasks.cancel_all()
        super().closeEvent(event)

    def _show_links(self, links: LinkedIndicators, cached: bool) -> None:
        self.table.set_rows([PivotRow.of_linked(item) for item in links.items])
        parts = [self.tr("%n linked indicator(s).", "", links.fetched)]
        if links.capped:
            parts.append(
                self.tr("Showing the first {shown} of {total}.").format(
                    shown=f"{len(links.items):,}", total=f"{links.fetched:,}"
                )
            )
        if not links.complete:
            parts.append(self.tr("Not every page could be read: {problem}").format(problem=links.problem or ""))
        if cached:
            parts.append(self.tr("(cached answer)"))
        self.message.setText(safe_text(" ".join(parts)))


def _risk_row(risk: Risk | None, name: str) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    icon = QLabel()
    icon.setObjectName(f"{name}Icon")
    icon.setPixmap(risk_icon(risk, 16).pixmap(16, 16))
    text = plain_label(name)
    text.setText(risk_text(risk))
    layout.addWidget(icon)
    layout.addWidget(text, 1)
    return row


class _SummaryView(PivotView):
    """A threat or a feed: facts above, a plain-text box, the linked indicators."""

    def __init__(self, name: str, copy_defanged: Callable[[], bool], parent: QWidget | None) -> None:
        super().__init__(name, self.tr("Linked"), copy_defanged, parent)
        self.facts = QFormLayout()
        self.fact_labels: dict[str, QLabel] = {}
        self.text = QPlainTextEdit()
        self.text.setObjectName(f"{name}Text")
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Description"))
        self.text.setMaximumHeight(140)
        self.text.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self.facts)
        layout.addWidget(self.text)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _fact(self, key: str, title: str, value: object) -> None:
        if value in (None, "", [], {}):
            return
        label = plain_label(f"{self.objectName()}_{key}")
        label.setText(safe_text(value))
        label.setAccessibleName(title)
        self.fact_labels[key] = label
        self.facts.addRow(self._title(key, title), label)

    def _risk_fact(self, risk: Risk | None) -> None:
        self.facts.addRow(self._title("risk", self.tr("Risk")), _risk_row(risk, f"{self.objectName()}_risk"))

    def _title(self, key: str, title: str) -> QLabel:
        label = plain_label(f"{self.objectName()}_{key}Title")
        label.setWordWrap(False)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        label.setText(self.tr("{field}:", "a form label").format(field=title))
        return label

    def _set_text(self, text: str) -> None:
        self.text.setPlainText(safe_text(text, _TEXT_MAX, multiline=True))
        self.text.setVisible(bool(text))

    def _set_page(self, url: str | None) -> None:
        self._page_url = url if is_pulsedive_url(url) else None
        self.open_page.setEnabled(self._page_url is not None)


class ThreatView(_SummaryView):
    """A threat: name, category, risk, other names, summary, news (as text), linked indicators.

    ``fetch()`` returns a :class:`ThreatPivot` (or raises PivotError); it starts at once
    unless ``start=False`` (then call :meth:`load`, or :meth:`show_threat` directly).
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[ThreatPivot]] | None = None,
        *,
        copy_defanged: Callable[[], bool] = lambda: True,
        parent: QWidget | None = None,
        start: bool = True,
    ) -> None:
        super().__init__("threatView", copy_defanged, parent)
        self.setWindowTitle(self.tr("Threat"))
        self.open_page.setText(self.tr("Open &threat in Pulsedive"))
        self._fetch = fetch
        if fetch is not None and start:
            self.load()

    def load(self) -> asyncio.Task[Any] | None:
        return self.run(self._fetch, self.show_threat) if self._fetch is not None else None

    def show_threat(self, pivot: ThreatPivot) -> None:
        t = pivot.threat
        self.setWindowTitle(self.tr("Threat: {name}").format(name=safe_text(t.name, 80)))
        self._fact("name", self.tr("Threat"), t.name)
        self._fact("category", self.tr("Category"), t.category)
        self._risk_fact(t.risk)
        self._fact("othernames", self.tr("Also known as"), ", ".join(t.othernames))
        self._fact("retired", self.tr("Retired"), t.retired)
        self._fact("seen", self.tr("Last seen"), t.seen)
        self._fact("reference", self.tr("Reference"), t.wikireference)  # text, not a link
        text = "\n\n".join(p for p in (t.description, t.wikisummary) if p)
        if t.news:  # titles and links as text: never followed from here
            news = "\n".join(" · ".join(p for p in (n.stamp, n.title, n.channel, n.link) if p) for n in t.news)
            text = "\n\n".join(p for p in (text, self.tr("News:") + "\n" + news) if p)
        self._set_text(text)
        self._set_page(threat_url(t.tid))
        self._show_links(pivot.links, pivot.from_cache)


class FeedView(_SummaryView):
    """A feed: name, organization, category, pricing, schedule, counts per risk, linked indicators."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[FeedPivot]] | None = None,
        *,
        copy_defanged: Callable[[], bool] = lambda: True,
        parent: QWidget | None = None,
        start: bool = True,
    ) -> None:
        super().__init__("feedView", copy_defanged, parent)
        self.setWindowTitle(self.tr("Feed"))
        self.open_page.setText(self.tr("Open &feed in Pulsedive"))
        self._fetch = fetch
        if fetch is not None and start:
            self.load()

    def load(self) -> asyncio.Task[Any] | None:
        return self.run(self._fetch, self.show_feed) if self._fetch is not None else None

    def show_feed(self, pivot: FeedPivot) -> None:
        f = pivot.feed
        self.setWindowTitle(self.tr("Feed: {name}").format(name=safe_text(f.name, 80)))
        self._fact("name", self.tr("Feed"), f.name)
        self._fact("organization", self.tr("Organization"), f.organization)
        self._fact("category", self.tr("Category"), f.category)
        self._fact("pricing", self.tr("Pricing"), f.pricing)
        self._fact("schedule", self.tr("Schedule"), f.schedule)
        self._fact("website", self.tr("Website"), f.website)  # text, not a link
        self._fact("pulled", self.tr("Last pulled"), f.pulled)
        order = {level: i for i, level in enumerate(_RISK_ORDER)}
        counts = sorted(f.indicators.items(), key=lambda kv: order.get(kv[0], len(order)))
        self._fact("counts", self.tr("Indicators"), " · ".join(f"{level} {n:,}" for level, n in counts))
        self._set_page(feed_url(f.fid))
        self._show_links(pivot.links, pivot.from_cache)


class ExploreView(PivotView):
    """Pulsedive's explore: a query, a limit, Search, the results.

    ``search(query, limit)`` returns an :class:`ExploreResult` (or raises PivotError with
    Pulsedive's own text for a query it did not accept).
    """

    def __init__(
        self,
        search: Callable[[str, int], Awaitable[ExploreResult]],
        *,
        copy_defanged: Callable[[], bool] = lambda: True,
        parent: QWidget | None = None,
        query: str = "",
    ) -> None:
        super().__init__("exploreView", self.tr("Last seen"), copy_defanged, parent)
        self.setWindowTitle(self.tr("Explore Pulsedive"))
        self._search = search
        self.query = QLineEdit()
        self.query.setObjectName("exploreQuery")
        self.query.setAccessibleName(self.tr("Query"))
        self.query.setPlaceholderText(self.tr("e.g. {examples}").format(examples="   ".join(EXPLORE_EXAMPLES[:3])))
        self.query.setToolTip(
            self.tr("Pulsedive's query language: field=value terms joined by and, or, not; * is a wildcard.")
            + "\n"
            + "\n".join(EXPLORE_EXAMPLES)
        )
        self.query.setText(query)
        self.query.returnPressed.connect(self.search)
        self.limit = QSpinBox()
        self.limit.setObjectName("exploreLimit")
        self.limit.setAccessibleName(self.tr("Most results"))
        self.limit.setRange(1, EXPLORE_MAX_LIMIT)
        self.limit.setValue(EXPLORE_DEFAULT_LIMIT)
        self.search_button = QPushButton(self.tr("&Search"))
        self.search_button.setObjectName("exploreSearch")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        at_most = plain_label("exploreAtMost")
        at_most.setWordWrap(False)
        at_most.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        at_most.setText(self.tr("at most"))
        row.addWidget(at_most)
        row.addWidget(self.limit)
        row.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.open_page.setVisible(False)  # explore's web page takes no query we can vouch for
        self.message.setText(self.tr("Type a query and press Enter."))
        self.query.setFocus()  # the analyst types at once (given when the dialog shows)

    def search(self) -> asyncio.Task[Any] | None:
        if not self.search_button.isEnabled():  # one search at a time (Enter while one runs)
            return None
        query = self.query.text().strip()
        if not query:
            self.message.setText(self.tr("Type a query first, e.g. {example}").format(example=EXPLORE_EXAMPLES[0]))
            return None
        limit = self.limit.value()
        self.search_button.setEnabled(False)

        task = self.run(lambda: self._search(query, limit), self.show_results)
        task.add_done_callback(lambda _t: None if self._closed else self.search_button.setEnabled(True))
        return task

    def show_results(self, result: ExploreResult) -> None:
        self.table.set_rows([PivotRow.of_intel(intel) for intel in result.results])
        parts = [self.tr("%n result(s).", "", len(result.results))]
        if result.maybe_more:
            parts.append(self.tr("There may be more: raise the limit."))
        if result.from_cache:
            parts.append(self.tr("(cached answer)"))
        self.message.setText(" ".join(parts))
